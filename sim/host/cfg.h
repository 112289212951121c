/*
 * The host's configuration accesses: the one way host software reads and writes the
 * config space of a function (sim/host/cfg.c). Two variants, one rule.
 *
 * Routed (the default). A read or a write is a Configuration Request that travels the
 * fabric (sim/pcie/route.h: pcisim_cfg_request()), link by link, and costs its round
 * trip; the thread that made it does nothing else until the completion is back at the
 * root complex. Host threads use it through PT_CFG_READ / PT_CFG_WRITE (sim/host/pt.h);
 * pt.h says how UR, CTO and RRS complete to the CPU.
 *
 * Instant. pcisim_host_cfg_read_instant() / pcisim_host_cfg_write_instant() complete at
 * once, with no journey and no trace, but by the same rule: route.c's
 * pcisim_cfg_access_now() takes every routing decision the request would meet (a link
 * that is not up, an unpowered bridge or function, no function at the address, a
 * function not ready after a reset) at the current time. Every instant access names
 * its reason (enum pcisim_host_instant): each reason is a place where the model
 * chose not to spend the round trip, and why is written there.
 *
 * Not accesses: what Linux keeps in struct pci_dev after enumeration (capability
 * offsets, the PCI Express port type, vendor and device IDs, the header type) is read
 * from the model directly, as Linux reads its cached copy.
 */
#ifndef PCISIM_HOST_CFG_H
#define PCISIM_HOST_CFG_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/component.h"
#include "sim/core/sim.h"
#include "sim/core/time.h"
#include "sim/pcie/route.h"

struct pcisim_pcifn;

/* ---- routed ---- */

/* The root complex re-issues an RRS-completed request this long after the RRS came back. */
#define PCISIM_HOST_RRS_REISSUE (1 * PCISIM_MS)
/*
 * ... and stops re-issuing, completing to the CPU with all ones, once the access has
 * lasted this long: the 1.0 s a function may take after a reset before it must answer
 * (PCIe r6.0 §6.6.1; Linux PCI_RESET_WAIT).
 */
#define PCISIM_HOST_RRS_GIVE_UP (1000 * PCISIM_MS)

/**
 * struct pcisim_host_cfg - one host thread's config access (one at a time).
 * @sim, @requester, @wake, @ctx are set once by pcisim_host_cfg_init(); the rest by
 * each access. @wake(@ctx) runs the waiting thread: it is called from the event in
 * which the completion reaches the root complex, never from pcisim_host_cfg_start().
 */
struct pcisim_host_cfg {
	struct pcisim_sim *sim;
	struct pcisim_comp *requester; /* traced as the requester of every request */
	void (*wake)(void *ctx);
	void *ctx;
	bool busy;                     /* an access is under way */
	/* the access */
	bool write;
	uint8_t bus, devfn, len;
	uint16_t off;
	uint32_t wval;
	/* its outcome */
	enum pcisim_cpl_status status; /* of the last completion */
	uint32_t val;                  /* what the CPU reads (all ones unless SC; 0001h: pt.h) */
	pcisim_time issued, completed; /* the access's start and end */
	unsigned reissues;             /* RRS completions the root complex re-issued */
	pcisim_timer reissue;
	pcisim_timer sleep;            /* PT_HOST_SLEEP's wake-up */
	pcisim_time wake_at;
};

/** pcisim_host_cfg_init() - bind @a to a thread: @wake(@ctx) runs it. */
void pcisim_host_cfg_init(struct pcisim_host_cfg *a, struct pcisim_sim *sim,
			  struct pcisim_comp *requester, void (*wake)(void *ctx), void *ctx);
/**
 * pcisim_host_cfg_start() - begin a config read (@write false) or write of @val, @len
 * bytes (1, 2, 4, naturally aligned) at @off of @bus/@devfn, at the current time.
 * @a must not be busy. @a->busy stays true until the completion is in @a (then @wake
 * runs). A malformed access completes at once as UR with all ones (and asserts).
 */
void pcisim_host_cfg_start(struct pcisim_host_cfg *a, uint8_t bus, uint8_t devfn, uint16_t off,
			   unsigned len, bool write, uint32_t val);
/** pcisim_host_cfg_sleep() - msleep(@d) for a thread waiting with PT_HOST_SLEEP. */
void pcisim_host_cfg_sleep(struct pcisim_host_cfg *a, pcisim_time d);

/* ---- instant ---- */

/*
 * Why an access is instant. Each reason is a modelling choice; changing one changes
 * the timing, and the trace, of every scenario that goes through it.
 */
enum pcisim_host_instant {
	/*
	 * Linux's boot: enumeration, the drivers' probe writes, pcieport's vector enable,
	 * the port services' probes (pciehp's pcie_init(), pci_aer_init(),
	 * aer_enable_rootport(), dpc_probe()). Boot happens at the host's boot time,
	 * before any scenario action, and nothing waits on its accesses.
	 */
	PCISIM_INSTANT_BOOT,
	/*
	 * Enumeration and driver binding after a hot-add (pciehp_configure_device()):
	 * pciehp's own waits before it (link, Vendor ID polls) are routed; the scan is
	 * modelled as taking no time.
	 */
	PCISIM_INSTANT_ENUMERATION,
	/*
	 * The AER and DPC services and pcie_do_recovery(): the interrupt handlers, the
	 * error source search and logging, the drivers' reads in their callbacks, the
	 * link reset and the state saved and restored around it. Their waits (msleep,
	 * polls) are in simulated time; their accesses are not, so a recovery's timeline
	 * is Linux's sleeps alone (docs/aer.md, as the shipped AER scenarios record it).
	 */
	PCISIM_INSTANT_ERROR_HANDLING,
	/*
	 * A passed-through function seen from its guest through vfio, and the bus reset
	 * vfio does for the guest: the guest's and QEMU's side is not modelled as a
	 * fabric of its own, so its accesses reach the physical function at once.
	 */
	PCISIM_INSTANT_VFIO,
	/*
	 * The guest writing Slot Control itself when pciehp is not loaded (a setpci-like
	 * action of the scenario, guest.slot_power_*): one write, nothing waits on it.
	 */
	PCISIM_INSTANT_GUEST_ACTION,
	/*
	 * What Linux keeps from boot but pcisim reads again where it is used: the Root
	 * Control CRS Software Visibility it set (root->config_rrs_sv).
	 */
	PCISIM_INSTANT_CACHED,
};

/**
 * pcisim_host_cfg_read_instant() - read @len bytes (1, 2, 4, aligned) at @off of @fn
 * at once, by route.c's rule (see the top of this file). A completion other than SC
 * reads all ones: an instant access cannot wait for the root complex to re-issue an
 * RRS, so it gets what the CPU gets when the root complex gives up. @why: the reason.
 */
uint32_t pcisim_host_cfg_read_instant(struct pcisim_pcifn *fn, uint16_t off, unsigned len,
				      enum pcisim_host_instant why);
/**
 * pcisim_host_cfg_write_instant() - write @val, as pcisim_host_cfg_read_instant()
 * reads: done only when the request would complete with SC (a write to a function
 * behind a link that is down, unpowered, gone or in reset goes nowhere). Returns
 * whether it was done.
 */
bool pcisim_host_cfg_write_instant(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len,
				   enum pcisim_host_instant why);

#endif
