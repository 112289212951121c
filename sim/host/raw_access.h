/*
 * Raw register access by the guest, as firmware, setpci or a debugging user makes it:
 * the actions guest.cfg_read, guest.cfg_write, guest.mmio_read, guest.mmio_write,
 * guest.io_read and guest.io_write (sim/host/raw_access.c), and the guest CPU that
 * performs them, one at a time, in the order the steps asked for them.
 *
 * The guest CPU. Every raw access goes into one queue and is performed when the one
 * before it is complete, as a CPU's uncached accesses are (a configuration access is
 * non-posted: the CPU waits for its completion). A configuration access goes through
 * the host's config access API (sim/host/cfg.h), routed: it crosses the links to the
 * function and back, is re-issued by the root complex while the function answers RRS,
 * and reads all ones on UR or a completion timeout. A write with a mask is a
 * read-modify-write: a routed read, then a routed write of (old & ~mask) | (value &
 * mask). Memory and I/O accesses are decoded at the time their turn comes and
 * complete at once (sim/pcie/mmio.h, sim/core/ioport.h: unbacked space reads as all
 * ones).
 *
 * Each access leaves one record when it completes, of the kind named as its action,
 * with the value seen (reads) or written; a read that carries expect: and sees
 * something else fails the run as an expectation does (pcisim_step_fail()).
 */
#ifndef PCISIM_HOST_RAW_ACCESS_H
#define PCISIM_HOST_RAW_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"

struct pcisim_sim;

enum pcisim_raw_space {
	PCISIM_RAW_CFG,
	PCISIM_RAW_MMIO,
	PCISIM_RAW_IO,
};

/** struct pcisim_raw_op - one access the guest CPU makes. */
struct pcisim_raw_op {
	enum pcisim_raw_space space;
	bool write;
	unsigned len;              /* 1, 2, 4 (8: memory) */
	/* configuration space: @dev's function at the time of the access, else @bus/@devfn */
	const char *dev;           /* a component id, or NULL */
	uint8_t bus, devfn;
	uint16_t off;
	const char *reg;           /* the register as the step named it (for the record), or NULL */
	/* memory space: @addr, or (@bar >= 0) offset @addr of BAR @bar of @dev */
	uint64_t addr;
	int bar;
	/* I/O space */
	uint16_t port;
	/* the data */
	uint64_t value;            /* written (writes) */
	uint64_t mask;             /* bits written (writes with @has_mask: read-modify-write) */
	bool has_mask;
	uint64_t expect, expect_mask; /* reads: the value expected in the bits of @expect_mask */
	bool has_expect;
	const char *via;           /* "setpci" when a setpci step made it, else NULL */
	const struct pcisim_step *step; /* the step that asked for it */
};

/** pcisim_raw_submit() - queue @op (copied) on @sim's guest CPU; it runs when its turn comes. */
void pcisim_raw_submit(struct pcisim_sim *sim, const struct pcisim_raw_op *op);

/**
 * pcisim_raw_parse_bdf() - "[[DOMAIN:]BUS:]DEV.FN" in hexadecimal, as lspci and setpci
 * write an address (domain 0 only) into @bus and @devfn. 0, or -1 when malformed.
 */
int pcisim_raw_parse_bdf(const char *s, uint8_t *bus, uint8_t *devfn);

/** Registered by the host layer (register.c). */
extern const struct pcisim_action_def pcisim_raw_actions[];
extern const struct pcisim_record_kind pcisim_raw_kinds[];

#endif
