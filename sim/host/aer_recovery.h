/*
 * Linux's PCIe error recovery (drivers/pci/pcie/err.c pcie_do_recovery()) as a model,
 * shared by the AER service (aer_service.c), the DPC service (dpc_service.c) and a
 * passed-through function's guest (vfio_passthrough.c), written from REFERENCE.md 4.6
 * and Linux's sources (docs/aer.md).
 *
 * The recovery's states and their one transition function, the votes and the
 * callbacks' names are in aer_rec.h (a passed-through function's guest uses them
 * too).
 *
 * pcie_do_recovery(dev, state, reset_subordinates) on the subtree below the first
 * downstream or root port at or above @dev:
 *  1. error_detected() to every driver below, votes merged (pcisim_ers_merge());
 *     a function whose driver has no error_detected votes NO_AER_DRIVER (bridges
 *     NONE);
 *  2. frozen: the link is reset (the caller's reset: aer_root_reset, dpc_reset_link);
 *     failure ends in "device recovery failed";
 *  3. CAN_RECOVER becomes RECOVERED and mmio_enabled() is broadcast;
 *  4. NEED_RESET becomes RECOVERED and slot_reset() is broadcast (with Linux commit
 *     d0a2dee7d4 of 2025, `aer_reset_on_need_reset: on`, the link is reset here
 *     when a driver asked for it, also for non-fatal errors, and for frozen errors
 *     after mmio_enabled instead of before it);
 *  5. anything but RECOVERED: "device recovery failed"; the drivers stay stopped
 *     (pcisim marks the functions' channel perm_failure: their I/O fails from then on);
 *  6. resume() to every driver; the reporting function's Device Status and non-fatal
 *     AER status are cleared; "device recovery successful".
 * Each callback takes the driver's callback_time. A driver that reads its device in a
 * callback (every driver model does, `reads_device: on`) and gets all ones votes
 * DISCONNECT, as drivers do when the device is gone.
 *
 * Drivers are set per device in the host: section (host_config.h). Without an
 * entry, e1000e's driver is modelled (need_reset, slot_reset recovered, resume),
 * pcieport's error handlers on ports, and every other driver has no error handlers
 * (Linux: "AER: Can't recover (no error_detected callback)").
 */
#ifndef PCISIM_HOST_AER_RECOVERY_H
#define PCISIM_HOST_AER_RECOVERY_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/trace.h"
#include "sim/host/aer_rec.h"
#include "sim/host/host.h"
#include "sim/host/host_config.h"
#include "sim/host/pt.h"

/** The error handlers of @fn's driver: its drivers: entry, or the default driver's. */
struct pcisim_host_drv pcisim_aer_driver(const struct pcisim_host *h, const struct pcisim_pcifn *fn);

/**
 * pcisim_aer_list_below() - append every function Linux sees below @b to @l, depth
 * first as pci_walk_bus() (each function, then the bus below it).
 */
void pcisim_aer_list_below(struct pcisim_host *h, struct pcisim_pcibus *b, struct pcisim_fn_list *l);

/* Saved config of a function below (pci_bus_save_and_disable / pci_bus_restore). */
struct pcisim_aer_saved {
	uint16_t cmd, devctl, bctl;
	uint32_t umask, usev, cmask, cap;
};

/**
 * struct pcisim_aer_recovery - one service thread's pcie_do_recovery(). The owner sets
 * @h, @comp, @wake once; the caller sets @rdev, @m.frozen and @reset_link, then
 * runs pcisim_aer_do_recovery() with PT_CALL on @pt_rec. @reset_link is a protothread
 * on @pt_reset that sets @reset_rc (0: the devices below answer again); it may use
 * @pt_wait for pcisim_aer_wait_secondary_bus().
 */
struct pcisim_aer_recovery {
	struct pcisim_host *h;
	struct pcisim_comp *comp;       /* the service's component: log lines, wake-ups */
	void (*wake)(struct pcisim_aer_recovery *r, pcisim_time delay); /* run the thread then */
	/* the run */
	struct pcisim_pcifn *rdev;      /* the function that reported the error */
	int (*reset_link)(struct pcisim_aer_recovery *r);
	struct pcisim_aer_rec m;        /* the state; the channel, the merged vote */
	struct pcisim_pcifn *bridge;    /* the port the recovery is below; NULL: none running */
	struct pcisim_fn_list devs;     /* the functions below it (pci_walk_bridge order) */
	struct pcisim_aer_saved *saved; /* their config, saved across a bus reset */
	unsigned nsaved, wi;
	enum pcisim_aer_cb cb;          /* which callback the walk broadcasts */
	int reset_rc;
	const char *reset_type;         /* "bus reset", "DPC" (pci_bridge_wait_for_secondary_bus) */
	pcisim_time reset_start, wake_at, deadline, step;
	struct pcisim_pt pt_rec, pt_walk, pt_reset, pt_wait;
	/* counters */
	uint64_t recoveries, recovered, failed;
	const char *last;
};

/* msleep(@d) of a recovery's thread (a protothread on @pt). */
#define PCISIM_AER_SLEEP(pt, r, d)                                                         \
	do {                                                                               \
		(r)->wake_at = (r)->comp->sim->now + (d);                                  \
		(r)->wake((r), (d));                                                       \
		PT_WAIT_UNTIL((pt), (r)->comp->sim->now >= (r)->wake_at);                  \
	} while (0)

/** pcisim_aer_do_recovery() - pcie_do_recovery() (a protothread on r->pt_rec). */
int pcisim_aer_do_recovery(struct pcisim_aer_recovery *r);
/**
 * pcisim_aer_wait_secondary_bus() - pci_bridge_wait_for_secondary_bus(r->bridge,
 * r->reset_type) (a protothread on r->pt_wait); r->reset_rc 0 or -1.
 */
int pcisim_aer_wait_secondary_bus(struct pcisim_aer_recovery *r);
/** Linux's dev->link_active_reporting of @p (Link Capabilities DLLLARC, cached at enumeration). */
bool pcisim_aer_port_dllla_reporting(struct pcisim_port *p);
/** Data Link Layer Link Active in @p's Link Status (read instantly). */
bool pcisim_aer_port_link_active(struct pcisim_port *p);
/** Is @fn one of the functions @r is recovering? */
bool pcisim_aer_recovery_holds(const struct pcisim_aer_recovery *r, const struct pcisim_pcifn *fn);
/** Free what @r allocated. */
void pcisim_aer_recovery_fini(struct pcisim_aer_recovery *r);

/** A log line of @fn's driver as Linux prints it ("e1000e 0000:01:00.0: ..."), from @c. */
void pcisim_aer_dev_log(struct pcisim_pcifn *fn, struct pcisim_comp *c, const char *fmt, ...)
	PCISIM_PRINTF(3, 4);

extern const struct pcisim_record_kind pcisim_aer_recovery_kinds[];

#endif
