/*
 * What the files of sim/eeh share and nobody else uses: the run's EEH state (its PEs,
 * the error-injection session, the guest memory the work buffers sit in) and the
 * error-injection tables.
 */
#ifndef PCISIM_EEH_EEH_INT_H
#define PCISIM_EEH_EEH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/eeh/eeh.h"
#include "sim/eeh/rtas.h"

/* One RTAS work buffer the guest filled (ibm,errinjct: 1 KiB, 1 KiB aligned). */
struct pcisim_eeh_buf {
	uint64_t addr;
	uint8_t bytes[PCISIM_RTAS_ERRINJCT_BUF];
};

struct pcisim_eeh_state {
	struct pcisim_eeh_pe **pes; /* in order of first use */
	size_t npes;
	/* the ibm,open-errinjct session: one at a time, its token */
	bool session_open;
	uint32_t session_token;
	uint32_t next_token;
	/* guest memory the work buffers were written to, in order of first write */
	struct pcisim_eeh_buf *bufs;
	size_t nbufs;
};

/* The sPAPR PHB's driver table (phb.c): its first entry is the PHB. */
extern const struct pcisim_driver pcisim_eeh_phb_drivers[];

struct pcisim_eeh_state *pcisim__eeh_state(struct pcisim_sim *sim);
/** The state if any was made (NULL otherwise): for read-only uses. */
struct pcisim_eeh_state *pcisim__eeh_state_peek(const struct pcisim_sim *sim);
/**
 * pcisim__eeh_pe_reset_fns() - ibm,set-slot-reset activated: every function of @pe is
 * reset (@kind WARM for a hot reset, COLD for a fundamental one), its registers back to
 * their reset values ("pci.reset" records with @why).
 */
void pcisim__eeh_pe_reset_fns(struct pcisim_eeh_pe *pe, enum pcisim_reset_kind kind, const char *why);
/** UNAVAILABLE -> NORMAL after PCISIM_EEH_PE_READY_DELAY. */
void pcisim__eeh_pe_schedule_ready(struct pcisim_eeh_pe *pe);

/* phb.c: firmware's BAR assignment for a function plugged on a PHB's root bus */
void pcisim__eeh_phb_assign_bars(struct pcisim_pcifn *fn);
/* ... and again after a machine reset (the fabric's reset hook) */
void pcisim__eeh_phb_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind);

/* errinjct.c */
const char *pcisim__eeh_token_name(unsigned token);
const char *pcisim__eeh_func_name(unsigned function);
enum pcisim_eeh_access pcisim__eeh_func_access(unsigned function);
/** ibm,errinjct on the state of @sim: the status, the PE armed (or NULL). */
int32_t pcisim__eeh_errinjct(struct pcisim_sim *sim, uint32_t type, uint32_t open_token,
			     uint64_t buf_addr, char *why, size_t nwhy);

#endif
