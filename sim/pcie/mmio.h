/*
 * Memory space as the CPU sees it: which function's BAR decodes an address, and
 * the registry of what a model has behind a BAR (its registers).
 *
 * Decoding (pcisim_mmio_decode): a function decodes an address when it is present
 * and powered, its Command register has Memory Space Enable set, and one of its
 * memory BARs holds a non-zero base whose range (the BAR's size, from its write
 * mask, as a probe finds it) covers the address. The functions are tried in their
 * creation order, the BARs from 0 up; the first match wins. Bridge memory windows
 * are not checked: pcisim routes by topology, not by address windows (route.h).
 *
 * What a BAR maps is what a model registered for it (pcisim_mmio_register); a BAR
 * with nothing registered, and an address no BAR decodes, read as all ones, and
 * writes to them are dropped (a master abort / Unsupported Request, as a CPU sees
 * it). Handlers take the offset within the BAR; they run at the time of the access
 * and may change the model's state (a write) but must not read the clock.
 *
 * Registration is per simulation (the handler's @ctx is the model's state), in
 * registration order; registering a second handler for the same BAR of the same
 * function replaces the first. The registry is freed with the sim.
 */
#ifndef PCISIM_PCIE_MMIO_H
#define PCISIM_PCIE_MMIO_H

#include <stdbool.h>
#include <stdint.h>

struct pcisim_sim;
struct pcisim_pcifn;

/** What a model answers behind one BAR; @len is 1, 2, 4 or 8, @off within the BAR. */
struct pcisim_mmio_ops {
	const char *name; /* what it is, for traces ("msix-table", "cxl-component") */
	uint64_t (*read)(void *ctx, uint64_t off, unsigned len);
	void (*write)(void *ctx, uint64_t off, uint64_t val, unsigned len);
};

/** Where an access went. */
struct pcisim_mmio_target {
	struct pcisim_pcifn *fn; /* the function whose BAR decodes it; NULL: none */
	int bar;                 /* its BAR (0..5); -1: none */
	uint64_t off;            /* the offset within that BAR */
	const struct pcisim_mmio_ops *ops; /* what answers there; NULL: unbacked */
	void *ctx;
	uint64_t size;           /* the BAR's size; 0: none */
};

/**
 * pcisim_mmio_register() - @ops(@ctx) answer accesses to BAR @bar (0..5) of @fn.
 * Return: 0, or -PCISIM_EINVAL for a BAR number above 5.
 */
int pcisim_mmio_register(struct pcisim_pcifn *fn, unsigned bar, const struct pcisim_mmio_ops *ops,
			 void *ctx);

/** pcisim_mmio_bar_size() - the size of memory BAR @bar of @fn, 0 if it is none. */
uint64_t pcisim_mmio_bar_size(const struct pcisim_pcifn *fn, unsigned bar);
/** pcisim_mmio_bar_base() - the address memory BAR @bar of @fn holds now. */
uint64_t pcisim_mmio_bar_base(const struct pcisim_pcifn *fn, unsigned bar);

/** pcisim_mmio_decode() - the target of an access at @addr (see the top). */
struct pcisim_mmio_target pcisim_mmio_decode(struct pcisim_sim *sim, uint64_t addr);
/**
 * pcisim_mmio_bar_target() - the target of offset @off of BAR @bar of @fn, decoded as
 * an access to the address the BAR holds plus @off would be: no target (all ones)
 * when the BAR is unassigned (0), memory decoding is off, @off lies beyond the BAR,
 * or the function is absent or unpowered.
 */
struct pcisim_mmio_target pcisim_mmio_bar_target(struct pcisim_pcifn *fn, unsigned bar, uint64_t off);

/**
 * pcisim_mmio_target_at() - the target @delta bytes past @t in the same BAR, as
 * pcisim_mmio_bar_target() would decode it while nothing has changed the function's
 * BARs, Command register or presence since @t was decoded (none when it lies past the
 * BAR, or @t is none). For a driver's run of accesses to one register block that
 * happen at one instant: one decode, not one per access.
 */
struct pcisim_mmio_target pcisim_mmio_target_at(const struct pcisim_mmio_target *t, uint64_t delta);

/** pcisim_mmio_read() - read @len bytes at @t (all ones when unbacked). */
uint64_t pcisim_mmio_read(const struct pcisim_mmio_target *t, unsigned len);
/** pcisim_mmio_write() - write @val at @t (dropped when unbacked); whether it was taken. */
bool pcisim_mmio_write(const struct pcisim_mmio_target *t, uint64_t val, unsigned len);

#endif
