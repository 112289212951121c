/*
 * Passthrough (aer-passthrough-slides.txt; docs/aer.md): vfio-pci owns a device in the
 * host (`drivers: {nic0: {vfio: on, guest: {...}}}`) and forwards its errors to the
 * guest, whose own AER service recovers the device with the guest driver's callbacks
 * (pcie_do_recovery(frozen), the same state machine as the host's: aer_rec.h).
 * The guest's accesses reach the physical function through vfio; its link reset is a
 * Secondary Bus Reset of its virtual root port, which vfio turns into a bus reset of
 * the physical port, or an FLR with `vfio_remedy: skip_host_reset` or `flr_translation`.
 * With `vm_stop` (QEMU upstream) an error stops the VM; with `nonfatal_only` a
 * non-fatal error is recovered by the guest without a reset and a fatal one stops the
 * VM.
 *
 * The passed-through functions of one device are one device in the guest too (the
 * slides' Problem B): one recovery, led by the first, covers them all.
 *
 * Each passed-through function has a component "guest:<id>" (state keys: state
 * (idle, recovering, vm_stopped),
 * recovery, last, recovered, failed); its records carry `domain: guest`, its log
 * lines come from source `guest`.
 */
#ifndef PCISIM_HOST_VFIO_PASSTHROUGH_H
#define PCISIM_HOST_VFIO_PASSTHROUGH_H

#include "sim/core/trace.h"
#include "sim/host/aer_rec.h"
#include "sim/host/host.h"

/** pcisim_vfio_build() - a guest per drivers: entry with `vfio: on` (AER's build). */
void pcisim_vfio_build(struct pcisim_host *h);
/**
 * pcisim_vfio_error_detected() - vfio_pci_core_aer_err_detected() for @dev (@frozen: a
 * fatal error): signal the guest (after `vfio_notify`), or with `vfio_remedy:
 * serialize` note it for when the host's recovery is over; with `vm_stop` (and
 * `nonfatal_only` for a fatal error) QEMU stops the VM instead.
 */
void pcisim_vfio_error_detected(struct pcisim_host *h, struct pcisim_pcifn *dev, bool frozen);
/** Has QEMU stopped the VM that @fn is passed through to? (Its guest issues no I/O.) */
bool pcisim_vfio_vm_stopped(struct pcisim_host *h, const struct pcisim_pcifn *fn);
/** pcisim_vfio_host_recovery_done() - the host's recovery of @devs is over: signal deferred guests. */
void pcisim_vfio_host_recovery_done(struct pcisim_host *h, const struct pcisim_fn_list *devs);
/**
 * pcisim_vfio_check_views() - the vfio-pci functions of the machine that are views of
 * its own functions (sim/pcie/vfio.h): each host function must be passed through
 * (`vfio: on`), and the functions of one multi-function host device must all be seen by
 * the guest as one device, each at its own function number (the slides' Problem B).
 * Return: 0, or an error at the vfio-pci device's location.
 */
int pcisim_vfio_check_views(struct pcisim_sim *sim, const struct pcisim_host_config *cfg, struct pcisim_diag *d);
/** pcisim_vfio_free() - free what pcisim_vfio_build() made (AER's free). */
void pcisim_vfio_free(struct pcisim_host *h);

extern const struct pcisim_record_kind pcisim_vfio_kinds[];

#endif
