/*
 * Protothreads: kernel threads of the emulated host written as straight-line C that
 * suspends (sleeps, waits for an interrupt, waits for a config access) and resumes in
 * simulated time.
 *
 * The technique is the well-known switch-on-line-number coroutine: PT_BEGIN opens a
 * switch on the thread's saved line, every suspension point records its line and
 * returns, and the next call jumps back to it. Locals do not survive a suspension:
 * keep them in the thread's struct. A sub-procedure that suspends has its own
 * struct pcisim_pt and is run with PT_CALL until it returns PT_DONE.
 *
 * Config accesses (PT_CFG_READ, PT_CFG_WRITE) are the routed variant of the host's
 * config access API (sim/host/cfg.h): the calling procedure suspends until the
 * completion is back at the root complex, so every access costs its round trip.
 */
#ifndef PCISIM_HOST_PT_H
#define PCISIM_HOST_PT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/component.h"
#include "sim/core/sim.h"
#include "sim/core/time.h"
#include "sim/host/cfg.h"
#include "sim/pcie/route.h"

struct pcisim_pcifn;

struct pcisim_pt {
	int line; /* 0 = not started */
};

enum { PT_WAITING = 0, PT_DONE = 1 };

#define PT_BEGIN(pt)                                                                       \
	switch ((pt)->line) {                                                              \
	case 0:

#define PT_END(pt)                                                                         \
	}                                                                                  \
	(pt)->line = 0;                                                                    \
	return PT_DONE

/* Suspend until the next call (the caller arranges a wake-up first). */
#define PT_YIELD(pt)                                                                       \
	do {                                                                               \
		(pt)->line = __LINE__;                                                     \
		return PT_WAITING;                                                         \
	case __LINE__:;                                                                    \
	} while (0)

/* Suspend until @cond holds when the thread is next run. */
#define PT_WAIT_UNTIL(pt, cond)                                                            \
	do {                                                                               \
		(pt)->line = __LINE__;                                                     \
		__attribute__((fallthrough));                                              \
	case __LINE__:                                                                     \
		if (!(cond))                                                               \
			return PT_WAITING;                                                 \
	} while (0)

/* Run a sub-procedure (which takes its own pt) until it is done. */
#define PT_CALL(pt, child_pt, call)                                                        \
	do {                                                                               \
		(child_pt)->line = 0;                                                      \
		(pt)->line = __LINE__;                                                     \
		__attribute__((fallthrough));                                              \
	case __LINE__:                                                                     \
		if ((call) == PT_WAITING)                                                  \
			return PT_WAITING;                                                 \
	} while (0)

#define PT_EXIT(pt)                                                                        \
	do {                                                                               \
		(pt)->line = 0;                                                            \
		return PT_DONE;                                                            \
	} while (0)

/* ---- config accesses of host threads ---- */

/*
 * How the CPU's routed config accesses are modelled (sim/host/cfg.c; docs/hotplug.md):
 *
 *  - A read or a write is one routed Configuration Request (pcisim_cfg_request()); the
 *    thread that made it does nothing else until its completion is back at the root
 *    complex: a read's data is needed, and a write is a non-posted request whose
 *    completion the root complex waits for before it takes the CPU's next config
 *    access (config requests are serialised, as with Linux's pci_lock). A write
 *    therefore costs its round trip as well.
 *  - UR and CTO complete the access with all ones (a write: nothing written).
 *  - RRS: with CRS Software Visibility enabled in the root port's Root Control, a read
 *    of the Vendor ID completes to the CPU with 0001h (route.c puts it there) and the
 *    software decides (Linux: pci_bus_read_dev_vendor_id(), pci_dev_wait()). Any other
 *    RRS completion is re-issued by the root complex as a new request
 *    PCISIM_HOST_RRS_REISSUE after it came back (PCIe r5.0 §2.3.2), the CPU still
 *    waiting, until a completion other than RRS arrives or the root complex has
 *    re-issued for PCISIM_HOST_RRS_GIVE_UP since the access began: then the CPU gets
 *    all ones. The specification leaves the interval and the limit to the
 *    implementation; pcisim's choices are PCISIM_HOST_RRS_REISSUE and
 *    PCISIM_HOST_RRS_GIVE_UP (sim/host/cfg.h).
 */

/*
 * PT_CFG_READ(pt, a, bus, devfn, off, len): read, suspending the procedure of @pt
 * until the completion is back; the data is then in (a)->val.
 * PT_CFG_WRITE(pt, a, bus, devfn, off, len, val): write, suspending likewise.
 */
#define PT_CFG_READ(pt, a, bus, devfn, off, len)                                           \
	do {                                                                               \
		pcisim_host_cfg_start((a), (bus), (devfn), (off), (len), false, 0);        \
		PT_WAIT_UNTIL((pt), !(a)->busy);                                           \
	} while (0)

#define PT_CFG_WRITE(pt, a, bus, devfn, off, len, val)                                     \
	do {                                                                               \
		pcisim_host_cfg_start((a), (bus), (devfn), (off), (len), true, (val));     \
		PT_WAIT_UNTIL((pt), !(a)->busy);                                           \
	} while (0)

/* msleep(@d) of a thread whose wake-up is @a's (for procedures without their own timer). */
#define PT_HOST_SLEEP(pt, a, d)                                                            \
	do {                                                                               \
		pcisim_host_cfg_sleep((a), (d));                                           \
		PT_WAIT_UNTIL((pt), (a)->sim->now >= (a)->wake_at);                        \
	} while (0)

/**
 * struct pcisim_host_dev_wait - Linux's pci_dev_wait(dev, reset_type, timeout): after
 * a reset, poll until the function answers. With CRS Software Visibility on in its
 * root port, read the Vendor ID until it is not 0001h; otherwise read the Command
 * register until it is not all ones (the root complex re-issues RRS meanwhile).
 * Between reads sleep 1 ms, doubling; past PCI_RESET_WAIT (1 s) log "pci BDF: not ready
 * Nms after TYPE; waiting" before each sleep; when the next sleep would exceed
 * @timeout_ms log "...; giving up" and fail. Done after more than 1 s: "ready Nms after
 * TYPE". Set @acc, @fn, @reset_type, @timeout_ms, then PT_CALL it.
 */
struct pcisim_host_dev_wait {
	struct pcisim_pt pt;
	struct pcisim_host_cfg *acc;   /* the calling thread's access (and wake-up) */
	struct pcisim_pcifn *fn;
	const char *reset_type;        /* "FLR", "bus reset", ... */
	unsigned timeout_ms;           /* Linux PCIE_RESET_READY_POLL_MS = 60000 */
	unsigned delay;                /* the next sleep, ms */
	unsigned reads;                /* config reads done */
	int ret;                       /* 0 ready, -1 gave up or removed */
};

/* Linux PCIE_RESET_READY_POLL_MS and PCI_RESET_WAIT (drivers/pci/pci.h). */
#define PCISIM_HOST_RESET_READY_POLL_MS 60000u
#define PCISIM_HOST_RESET_WAIT_MS 1000u

/** pcisim_host_dev_wait() - the procedure (a protothread: PT_CALL it with &w->pt). */
int pcisim_host_dev_wait(struct pcisim_host_dev_wait *w);

#endif
