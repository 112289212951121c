/*
 * The RTAS calls of PAPR's EEH option and of the error-injection facility, as a guest
 * makes them: a call by name with PAPR's input arguments and return values (struct
 * pcisim_rtas_args, as QEMU's spapr_rtas_call() sees them), answered by the platform
 * model of sim/eeh. Every call is a "rtas.call" record (call, by, status and the named
 * outputs). Timeline actions `rtas.<name without ibm,>` make the same calls.
 *
 * Return codes (LoPAPR; QEMU include/hw/ppc/spapr.h RTAS_OUT_*): 0 success, 1 no errors
 * found (ibm,slot-error-detail), -1 hardware error, -2 busy, -3 parameter error,
 * -4 (the error-injection calls): a session is already open / the open token is not
 * the session's (powerpc-utils' errinjct tool: "the facility is already open", "The
 * error injection facility is not open or you are not the one that opened it").
 * With `eeh: qemu` the calls answer as the 2025 QEMU series' RFC (hw/ppc/spapr_pci.c
 * rtas_ibm_open_errinjct(), rtas_ibm_errinjct(), rtas_ibm_close_errinjct()): the open
 * token is always 1, a second open answers -4 (RTAS_OUT_ALREADY_OPEN), ibm,errinjct with
 * another token -3, ibm,close-errinjct with another token -5 (RTAS_OUT_NOT_OPEN).
 *
 * Argument layouts (in, out):
 *  ibm,set-eeh-option          4: config addr, BUID hi, BUID lo, option      1: status
 *  ibm,get-config-addr-info2   4: config addr, BUID hi, BUID lo, function    2: status, info
 *  ibm,read-slot-reset-state2  3: PE addr, BUID hi, BUID lo                  4|5: status, state,
 *                                 EEH supported, PE unavailable info [, recovery info]
 *  ibm,set-slot-reset          4: PE addr, BUID hi, BUID lo, function        1: status
 *  ibm,configure-pe            3: PE addr, BUID hi, BUID lo                  1: status
 *  ibm,slot-error-detail       8: config addr, BUID hi, BUID lo, driver buf addr, len,
 *                                 RTAS buf addr, len, function (1 temp, 2 perm) 1: status
 *  ibm,open-errinjct           0                                             2: open token, status
 *  ibm,errinjct                3: error token, open token, work buffer addr  1: status
 *  ibm,close-errinjct          1: open token                                 1: status
 * A call with another number of arguments or results returns -3 (QEMU checks nargs/nret).
 */
#ifndef PCISIM_EEH_RTAS_H
#define PCISIM_EEH_RTAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/sim.h"

#define PCISIM_RTAS_OUT_SUCCESS 0
#define PCISIM_RTAS_OUT_NO_ERRORS_FOUND 1
#define PCISIM_RTAS_OUT_HW_ERROR (-1)
#define PCISIM_RTAS_OUT_BUSY (-2)
#define PCISIM_RTAS_OUT_PARAM_ERROR (-3)
#define PCISIM_RTAS_OUT_ERRINJCT_TOKEN (-4) /* LoPAPR errinjct: session open / bad open token */
#define PCISIM_RTAS_OUT_NOT_OPEN (-5)       /* the QEMU series' ibm,close-errinjct: not the session's token */

/* ibm,set-eeh-option options (QEMU RTAS_EEH_*) */
#define PCISIM_RTAS_EEH_DISABLE 0
#define PCISIM_RTAS_EEH_ENABLE 1
#define PCISIM_RTAS_EEH_THAW_IO 2
#define PCISIM_RTAS_EEH_THAW_DMA 3
/* ibm,set-slot-reset functions */
#define PCISIM_RTAS_SLOT_RESET_DEACTIVATE 0
#define PCISIM_RTAS_SLOT_RESET_HOT 1
#define PCISIM_RTAS_SLOT_RESET_FUNDAMENTAL 3
/* ibm,get-config-addr-info2 functions and PE modes */
#define PCISIM_RTAS_GET_PE_ADDR 0
#define PCISIM_RTAS_GET_PE_MODE 1
#define PCISIM_RTAS_PE_MODE_NOT_SHARED 1
#define PCISIM_RTAS_PE_MODE_SHARED 2
/* ibm,slot-error-detail functions */
#define PCISIM_RTAS_SLOT_TEMP_ERR_LOG 1
#define PCISIM_RTAS_SLOT_PERM_ERR_LOG 2

/* The ibm,errinjct work buffer: 1 KiB, 1 KiB aligned (LoPAPR ibm,errinjct). */
#define PCISIM_RTAS_ERRINJCT_BUF 1024

/*
 * Error-injection tokens. PAPR leaves the values to the platform, which lists them in
 * the device tree's ibm,errinjct-tokens (name, value pairs); these are the values of
 * the 2025 QEMU series that advertises them (1..16 in PAPR's order; the series'
 * reviewers called them placeholders).
 */
enum pcisim_errinjct_token {
	PCISIM_ERRINJCT_FATAL = 1,
	PCISIM_ERRINJCT_RECOVERED_RANDOM_EVENT,
	PCISIM_ERRINJCT_RECOVERED_SPECIAL_EVENT,
	PCISIM_ERRINJCT_CORRUPTED_PAGE,
	PCISIM_ERRINJCT_CORRUPTED_SLB,
	PCISIM_ERRINJCT_TRANSLATOR_FAILURE,
	PCISIM_ERRINJCT_IOA_BUS_ERROR,
	PCISIM_ERRINJCT_PLATFORM_SPECIFIC,
	PCISIM_ERRINJCT_CORRUPTED_DCACHE_START,
	PCISIM_ERRINJCT_CORRUPTED_DCACHE_END,
	PCISIM_ERRINJCT_CORRUPTED_ICACHE_START,
	PCISIM_ERRINJCT_CORRUPTED_ICACHE_END,
	PCISIM_ERRINJCT_CORRUPTED_TLB_START,
	PCISIM_ERRINJCT_CORRUPTED_TLB_END,
	PCISIM_ERRINJCT_IOA_BUS_ERROR_64,
	PCISIM_ERRINJCT_UPSTREAM_IO_ERROR,
	PCISIM_ERRINJCT_NTOKENS = PCISIM_ERRINJCT_UPSTREAM_IO_ERROR,
};

/* IOA bus error functions (Linux uapi asm/eeh.h EEH_ERR_FUNC_*) */
enum pcisim_eeh_err_func {
	PCISIM_EEH_ERR_FUNC_LD_MEM_ADDR = 0,
	PCISIM_EEH_ERR_FUNC_LD_MEM_DATA,
	PCISIM_EEH_ERR_FUNC_LD_IO_ADDR,
	PCISIM_EEH_ERR_FUNC_LD_IO_DATA,
	PCISIM_EEH_ERR_FUNC_LD_CFG_ADDR,
	PCISIM_EEH_ERR_FUNC_LD_CFG_DATA,
	PCISIM_EEH_ERR_FUNC_ST_MEM_ADDR,
	PCISIM_EEH_ERR_FUNC_ST_MEM_DATA,
	PCISIM_EEH_ERR_FUNC_ST_IO_ADDR,
	PCISIM_EEH_ERR_FUNC_ST_IO_DATA,
	PCISIM_EEH_ERR_FUNC_ST_CFG_ADDR,
	PCISIM_EEH_ERR_FUNC_ST_CFG_DATA,
	PCISIM_EEH_ERR_FUNC_DMA_RD_ADDR,
	PCISIM_EEH_ERR_FUNC_DMA_RD_DATA,
	PCISIM_EEH_ERR_FUNC_DMA_RD_MASTER,
	PCISIM_EEH_ERR_FUNC_DMA_RD_TARGET,
	PCISIM_EEH_ERR_FUNC_DMA_WR_ADDR,
	PCISIM_EEH_ERR_FUNC_DMA_WR_DATA,
	PCISIM_EEH_ERR_FUNC_DMA_WR_MASTER,
	PCISIM_EEH_ERR_FUNC_DMA_WR_TARGET,
	PCISIM_EEH_ERR_FUNC_MAX = PCISIM_EEH_ERR_FUNC_DMA_WR_TARGET,
};

/** A token's PAPR name ("ioa-bus-error"), NULL for an unknown one. */
const char *pcisim_errinjct_token_name(unsigned token);
/** The token of a PAPR name, 0 for none. */
unsigned pcisim_errinjct_token_find(const char *name);
/** An IOA bus error function's name ("ld_mem_addr"), NULL for an unknown one. */
const char *pcisim_eeh_err_func_name(unsigned function);
/** The function of a name, -1 for none. */
int pcisim_eeh_err_func_find(const char *name);

/**
 * struct pcisim_errinjct_ioa - the fields of an IOA bus error's work buffer. Layouts
 * (big-endian): ioa-bus-error: DW0 address, DW1 mask, DW2 PE config address, DW3 BUID
 * hi, DW4 BUID lo, DW5 function; ioa-bus-error-64: QW0 address, QW1 mask, DW4 PE config
 * address, DW5 BUID hi, DW6 BUID lo, DW7 function. corrupted-page: DW0 physical
 * address hi, DW1 lo.
 */
struct pcisim_errinjct_ioa {
	uint64_t addr, mask;
	uint32_t config_addr;
	uint64_t buid;
	uint32_t function;
};
/** Lay @f out in @buf (PCISIM_RTAS_ERRINJCT_BUF bytes) as token @token's work buffer. */
void pcisim_errinjct_encode(unsigned token, const struct pcisim_errinjct_ioa *f, uint8_t *buf);
/** Read @buf as token @token's work buffer (the inverse of pcisim_errinjct_encode). */
void pcisim_errinjct_decode(unsigned token, const uint8_t *buf, struct pcisim_errinjct_ioa *f);
/** The guest writes @bytes (PCISIM_RTAS_ERRINJCT_BUF) at guest address @addr. */
void pcisim_rtas_guest_write_buf(struct pcisim_sim *sim, uint64_t addr, const uint8_t *bytes);

#define PCISIM_RTAS_MAX_ARGS 8
#define PCISIM_RTAS_MAX_RETS 8

/** struct pcisim_rtas_args - one call's arguments and results (rets[0] is mostly the status). */
struct pcisim_rtas_args {
	uint32_t nargs, nret;
	uint32_t args[PCISIM_RTAS_MAX_ARGS];
	uint32_t rets[PCISIM_RTAS_MAX_RETS];
};

/**
 * pcisim_rtas_call() - the guest (@by: "linux", "timeline", "errinjct") calls RTAS
 * function @name ("ibm,read-slot-reset-state2") with @a. Returns the status (also in
 * the results), or PCISIM_RTAS_OUT_PARAM_ERROR for a name the platform does not
 * implement (the guest found no token: recorded with status -3).
 */
int32_t pcisim_rtas_call(struct pcisim_sim *sim, const char *name, struct pcisim_rtas_args *a,
			 const char *by);

/** The RTAS functions the platform implements, in device-tree order, NULL-terminated. */
extern const char *const pcisim_rtas_calls[];

#endif
