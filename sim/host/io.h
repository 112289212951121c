/*
 * I/O workloads: a driver issuing MMIO reads or writes to its device, or its device
 * doing DMA reads or writes to memory, at a set rate and size, and the accounting of
 * every request: it ends completed, or errored with a reason, or is still in flight
 * when the run ends. None is ever silently lost: issued = completed + errored +
 * in flight holds at every moment (pcisim_io_check(), an invariant for the fuzzer).
 *
 * Timeline actions:
 *   {do: io_start, name: w0, id: nic0, op: mmio_write, rate: 1000, size: 64,
 *    count: 500, poison_every: 0}
 *   {do: io_stop, name: w0}
 * op: mmio_read, mmio_write (CPU to device), dma_read, dma_write (device to memory).
 * rate: requests per second (or interval: a duration between them).
 *
 * A request crosses every link between the root complex and the device, the links
 * and their TLP latencies being the routed path's (sim/pcie/route.h
 * pcisim_route_path_of(), pcisim_route_path_latency()): a 4-DW header plus the data
 * each way it carries data; posted writes complete when they arrive, reads when the
 * completion is back. What can happen to it (reasons as the accounting names them):
 *  - "no device": Linux has no device there (removed, unbound) — the driver gets
 *    -ENODEV at once;
 *  - "frozen": Linux's channel state is frozen (recovery running) — the driver
 *    issues nothing and fails the request; "disconnected": recovery failed
 *    (perm_failure);
 *  - "unsupported request": a read meets a link that is down (or a function that is
 *    gone): the port above it completes it with UR, all ones, and logs an advisory
 *    Unsupported Request (PCIe r5.0 §2.9.1, §6.2.3.2.4); so does any request to a
 *    device deeper than PCISIM_ROUTE_MAX_LINKS links, as a config request would;
 *  - "dropped: link down" / "dropped: device in reset": a posted write that cannot
 *    be delivered is discarded;
 *  - "completion timeout": a read whose completion never comes (the device is in
 *    reset, or a link went down while it was in flight) ends after the requester's
 *    Completion Timeout (Device Control 2 [3:0], the upper end of the range, PCIe
 *    r5.0 §7.5.3.16: 0 = 50 ms, 1 = 100 us, 2 = 10 ms, 5 = 55 ms, 6 = 210 ms,
 *    9 = 900 ms, 10 = 3.5 s, 13 = 13 s, 14 = 64 s); the requester (the root port for
 *    MMIO, the device for DMA) logs Completion Timeout. With Completion Timeout
 *    Disable it stays in flight;
 *  - "lost in flight: link down": a posted write on a link that went down;
 *  - "device in reset": DMA from a function that is in reset; "device gone": DMA
 *    from a function that was removed (the driver still thinks it is there);
 *  - "poisoned": every poison_every-th request carries poisoned data; its receiver
 *    (the device for MMIO writes and DMA read data, the root port otherwise) logs
 *    Poisoned TLP Received;
 *  - "all ones: PE frozen" / "dropped: PE frozen": on pseries, the device's PE is
 *    frozen (sim/eeh/eeh.h): an MMIO load reads all ones, and Linux's EEH core looks
 *    (sim/host/eeh_core.h); stores and DMA are dropped;
 *  - nothing at all while QEMU has stopped the VM whose driver does the I/O
 *    (`vfio_remedy: vm_stop`): the workload issues no request.
 */
#ifndef PCISIM_HOST_IO_H
#define PCISIM_HOST_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/sim.h"
#include "sim/core/time.h"

/** struct pcisim_io_counts - one workload's accounting. */
struct pcisim_io_counts {
	uint64_t issued, completed, errored, in_flight, bytes;
};

/** pcisim_io_counts() - the counters of workload @name (false when none). */
bool pcisim_io_counts(struct pcisim_sim *sim, const char *name, struct pcisim_io_counts *out);
/** pcisim_io_reason_count() - requests of workload @name errored for @reason. */
uint64_t pcisim_io_reason_count(struct pcisim_sim *sim, const char *name, const char *reason);
/**
 * pcisim_io_check() - the invariant over every workload: issued = completed + errored
 * + in flight, and in flight equals the requests the model still holds. False with
 * the offending workload in @why.
 */
bool pcisim_io_check(struct pcisim_sim *sim, char *why, size_t n);
/**
 * pcisim_io_completion_timeout() - the Completion Timeout a requester with Device
 * Control 2 value @devctl2 uses (PCISIM_TIME_MAX when disabled).
 */
pcisim_time pcisim_io_completion_timeout(uint16_t devctl2);

void pcisim_host_io_register(void);

#endif
