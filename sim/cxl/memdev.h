/*
 * What a CXL type 3 memory device does behind its registers: the mailbox command set
 * (mailbox.c), device memory and LSA, the poison list, RAS error injection and the
 * event logs (memdev.c). The guest reaches the mailbox through the device register
 * block (regs.h); the monitor commands (sim/qemu) and tests call these directly.
 *
 * Contract: every function here is a state change at the current sim time, in
 * zero sim time (QEMU does all of it inside one MMIO access or one QMP command),
 * except background mailbox commands, which complete when the sim time reaches
 * their start + runtime (observed at the next mailbox access). Errors are returned,
 * not logged; no function here makes a trace record, except the AER error that
 * RAS injection raises (sim/pcie/aer.c records it).
 */
#ifndef PCISIM_CXL_MEMDEV_H
#define PCISIM_CXL_MEMDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/cxl/hdm.h"
#include "sim/cxl/regs.h"

#define PCISIM_CXL_EVENT_RECORD 128 /* bytes of an event record */

/* Mailbox return codes (CXL r3.1 Table 8-34; QEMU CXLRetCode) */
enum pcisim_cxl_mbox_rc {
	CXL_MBOX_SUCCESS = 0x0,
	CXL_MBOX_BG_STARTED = 0x1,
	CXL_MBOX_INVALID_INPUT = 0x2,
	CXL_MBOX_UNSUPPORTED = 0x3,
	CXL_MBOX_INTERNAL_ERROR = 0x4,
	CXL_MBOX_RETRY_REQUIRED = 0x5,
	CXL_MBOX_BUSY = 0x6,
	CXL_MBOX_MEDIA_DISABLED = 0x7,
	CXL_MBOX_INVALID_HANDLE = 0xe,
	CXL_MBOX_INVALID_PA = 0xf,
	CXL_MBOX_INJECT_POISON_LIMIT = 0x10,
	CXL_MBOX_INVALID_PAYLOAD_LENGTH = 0x16,
	CXL_MBOX_RESOURCES_EXHAUSTED = 0x1d, /* dynamic capacity: more extents than the device tracks */
	CXL_MBOX_INVALID_EXTENT_LIST = 0x1e, /* dynamic capacity: unaligned or overlapping extents */
};

/* Opcodes (set << 8 | command) */
enum {
	CXL_OP_IDENTIFY = 0x0001,
	CXL_OP_BG_OP_STATUS = 0x0002,
	CXL_OP_GET_EVENT_RECORDS = 0x0100,
	CXL_OP_CLEAR_EVENT_RECORDS = 0x0101,
	CXL_OP_GET_EVENT_INT_POLICY = 0x0102,
	CXL_OP_SET_EVENT_INT_POLICY = 0x0103,
	CXL_OP_GET_FW_INFO = 0x0200,
	CXL_OP_GET_TIMESTAMP = 0x0300,
	CXL_OP_SET_TIMESTAMP = 0x0301,
	CXL_OP_GET_SUPPORTED_LOGS = 0x0400,
	CXL_OP_GET_LOG = 0x0401,
	CXL_OP_IDENTIFY_MEMDEV = 0x4000,
	CXL_OP_GET_PARTITION_INFO = 0x4100,
	CXL_OP_GET_LSA = 0x4102,
	CXL_OP_SET_LSA = 0x4103,
	CXL_OP_GET_POISON_LIST = 0x4300,
	CXL_OP_INJECT_POISON = 0x4301,
	CXL_OP_CLEAR_POISON = 0x4302,
	CXL_OP_GET_SCAN_MEDIA_CAPS = 0x4303,
	CXL_OP_SCAN_MEDIA = 0x4304,
	CXL_OP_GET_SCAN_MEDIA_RESULTS = 0x4305,
	CXL_OP_SANITIZE = 0x4400,
	CXL_OP_SECURE_ERASE = 0x4401,
	CXL_OP_GET_SECURITY_STATE = 0x4500,
};

/** One mailbox command of a QEMU version's set. */
struct pcisim_cxl_cmd {
	uint16_t opcode;
	const char *name;  /* QEMU's name in its command table */
	long in;           /* input payload length, -1 = variable */
	uint16_t effect;   /* Command Effects Log bits */
	unsigned needs;    /* PCISIM_QEMU_* bit, 0 = every version with CXL */
	bool dc;           /* only on a device with dynamic capacity regions (dcd.h) */
};
/**
 * Every command pcisim knows, in opcode order; ends with {0}. A command whose form
 * changed has an entry per form, the newer (with its PCISIM_QEMU_* bit) first.
 */
extern const struct pcisim_cxl_cmd pcisim_cxl_cmds[];
/** The command @opcode as @compat has it (its first entry @compat has), or NULL (Unsupported). */
const struct pcisim_cxl_cmd *pcisim_cxl_cmd_find(uint16_t opcode, unsigned compat);

/**
 * pcisim_cxl_mbox_exec() - run a mailbox command on type 3 device @fn as QEMU's
 * cxl_process_cci_message does: unsupported opcode, wrong fixed input length, a
 * second background command while one runs (Busy), media disabled by a running
 * sanitize, then the handler. @out has room for CXL_MBOX_PAYLOAD_MAX bytes.
 * Return: a CXL_MBOX_* code; *@len_out the output length; *@bg when it started in
 * the background.
 */
int pcisim_cxl_mbox_exec(struct pcisim_pcifn *fn, uint16_t opcode, const uint8_t *in, size_t len_in,
			 uint8_t *out, size_t *len_out, bool *bg);

/* ---- memory ---- */

/**
 * pcisim_cxl_mem_access() - a host read (@write false) or write of @len bytes at
 * @hpa, decoded through the windows and decoders (hdm.h) to a device and DPA; the
 * access must not cross a 64-byte line. *@poisoned tells whether the line is in the
 * device's poison list (QEMU's data path returns the data regardless). A read may
 * pass @buf NULL when it keeps no data (it fails or meets poison all the same). Return: 0,
 * a -PCISIM_CXL_DEC_* decode error, or -PCISIM_CXL_DEC_NO_DEVICE past the device's
 * capacity.
 */
int pcisim_cxl_mem_access(struct pcisim_fabric *fab, uint64_t hpa, void *buf, size_t len, bool write,
			  struct pcisim_cxl_route *route, bool *poisoned);
/**
 * pcisim_cxl_routed_access() - pcisim_cxl_mem_access() after its decode: @route as
 * pcisim_cxl_decode() gave it (for another address of the same span, hdm.h, with its
 * dpa moved by as much). @len may cover several lines of that span: it fails, or
 * *@poisoned is set, when any of them would.
 */
int pcisim_cxl_routed_access(const struct pcisim_cxl_route *route, void *buf, size_t len, bool write,
			     bool *poisoned);
/**
 * pcisim_cxl_read_lines() - a CPU's read of @len bytes (whole 64-byte lines) at @hpa,
 * line after line, that stops at the first line that fails or, with @stop_at_poison,
 * is poisoned; the data is not kept. Return: 0; the failure, with *@bad_hpa and *@route that line's; or 1
 * for a poisoned line, likewise. Each span (hdm.h) is decoded once and, when its
 * first line read clean, the rest of it read as one access (its lines one by one
 * only when that one fails or meets poison), so it costs a few accesses per span.
 */
int pcisim_cxl_read_lines(struct pcisim_fabric *fab, uint64_t hpa, uint64_t len, bool stop_at_poison,
			  struct pcisim_cxl_route *route, uint64_t *bad_hpa);
/** Read/write device memory at @dpa directly (volatile first, then persistent). */
int pcisim_cxl_dpa_access(struct pcisim_pcifn *fn, uint64_t dpa, void *buf, size_t len, bool write);
/** Device capacity in bytes (volatile + persistent). */
uint64_t pcisim_cxl_capacity(struct pcisim_pcifn *fn);

/* ---- poison ---- */

/** Is any byte of [@dpa, @dpa + @len) in @fn's poison list? */
bool pcisim_cxl_poisoned(struct pcisim_pcifn *fn, uint64_t dpa, uint64_t len);
/**
 * pcisim_cxl_qmp_inject_poison() - QMP cxl-inject-poison: alignment and overlap
 * checks (QEMU's texts into @err), then a new entry of type internal, or, on a full
 * list, the overflow flag and time. Return: 0 or -1 with @err set.
 */
int pcisim_cxl_qmp_inject_poison(struct pcisim_pcifn *fn, uint64_t start, uint64_t length, char *err,
				 size_t n);
/** Number of poison list entries. */
unsigned pcisim_cxl_poison_count(struct pcisim_pcifn *fn);

/* ---- RAS ---- */

/** QAPI CxlUncorErrorType names, by RAS status bit (NULL for reserved bits); 17 entries. */
extern const char *const pcisim_cxl_uncor_names[17];
/** QAPI CxlCorErrorType names, by RAS status bit; 7 entries. */
extern const char *const pcisim_cxl_cor_names[7];

struct pcisim_cxl_uncor_err {
	unsigned type; /* RAS status bit */
	uint32_t header[CXL_RAS_HEADER_DWORDS_QMP];
	unsigned nheader;
};
/**
 * pcisim_cxl_qmp_inject_uncor() - QMP cxl-inject-uncorrectable-errors: unmasked
 * errors are queued, the first sets First Error Pointer and the header log (unless
 * one is pending), the status shows every queued error, and an AER Uncorrectable
 * Internal Error is injected into @fn. Return: 0, or -1 with QEMU's text in @err.
 */
int pcisim_cxl_qmp_inject_uncor(struct pcisim_pcifn *fn, const struct pcisim_cxl_uncor_err *errs,
				unsigned nerrs, char *err, size_t n);
/** QMP cxl-inject-correctable-error: RAS status bit @type and AER Corrected Internal Error. */
int pcisim_cxl_qmp_inject_cor(struct pcisim_pcifn *fn, unsigned type, char *err, size_t n);

/* ---- event logs ---- */

/** QAPI CxlEventLog names: informational, warning, failure, fatal. */
extern const char *const pcisim_cxl_event_log_names[4];
/**
 * pcisim_cxl_event_add() - append a 128-byte record to log @log: the handle and
 * timestamp are filled in; a full log (8 records) counts an overflow instead. Sets
 * the log's Event Status bit. Return: true when the log was empty before (QEMU then
 * raises the log's interrupt if its policy asks for one).
 */
bool pcisim_cxl_event_add(struct pcisim_pcifn *fn, unsigned log, uint8_t rec[PCISIM_CXL_EVENT_RECORD]);
/** Records in log @log. */
unsigned pcisim_cxl_event_count(struct pcisim_pcifn *fn, unsigned log);

#endif
