/*
 * Linux's AER service and PCIe error recovery (drivers/pci/pcie/aer.c, err.c) as a
 * model, written from REFERENCE.md 4.6 and Linux's sources (docs/aer.md).
 *
 * Boot (host: {aer: on}): firmware has set Command SERR# Enable on every function
 * (SeaBIOS pci_bios_init_device), Linux sets Bridge Control SERR# Enable on every
 * bridge (pci_configure_serr), clears the AER status of every function with AER and
 * turns on its Device Control reporting enables CERE|NFERE|FERE|URRE (pci_aer_init),
 * and the AER service binds to every root port with AER (aer_probe ->
 * aer_enable_rootport: Device Status and error status cleared, Root Control system
 * error enables off, Root Error Command enables on).
 *
 * The interrupt (aer_irq): Root Error Status is read; nothing to do unless ERR_COR or
 * ERR_FATAL/NONFATAL Received (or their Multiple bits) is set; Error Source
 * Identification is read; Root Error Status is written back to clear it; the pair
 * goes into a 128-entry FIFO for the thread. The thread (aer_isr): correctable first,
 * then uncorrectable; the source devices are found by requester ID or, for multiple
 * errors, by their unmasked status bits (up to 5); correctable errors are cleared in
 * the device; non-fatal errors run pcie_do_recovery(dev, normal), fatal ones
 * pcie_do_recovery(dev, frozen).
 *
 * pcie_do_recovery() on the subtree below the first downstream or root port:
 *  1. error_detected() to every driver below, votes merged (pcisim_ers_merge());
 *     a function whose driver has no error_detected votes NO_AER_DRIVER (bridges
 *     NONE);
 *  2. frozen: the link is reset (aer_root_reset: Root Error Command off, secondary
 *     bus reset and Linux's waits, Root Error Status cleared, command on again);
 *     failure ends in "device recovery failed";
 *  3. CAN_RECOVER becomes RECOVERED and mmio_enabled() is broadcast;
 *  4. NEED_RESET becomes RECOVERED and slot_reset() is broadcast (with Linux commit
 *     d0a2dee7d4 of 2025, `aer_reset_on_need_reset: on`, the link is reset here
 *     when a driver asked for it, also for non-fatal errors, and for frozen errors
 *     after mmio_enabled instead of before it);
 *  5. anything but RECOVERED: "device recovery failed"; the drivers stay stopped
 *     (pcisim marks the functions disconnected: their I/O fails from then on);
 *  6. resume() to every driver; the port's Device Status and non-fatal AER status
 *     are cleared; "device recovery successful".
 * Each callback takes the driver's callback_time. A driver that reads its device in a
 * callback (every driver model does, `reads_device: on`) and gets all ones votes
 * DISCONNECT, as drivers do when the device is gone.
 *
 * Drivers are set per device in the scenario (read by host_section.c):
 *   host: {aer: on, drivers: {nic0: {error_detected: need_reset, mmio_enabled: none,
 *          slot_reset: recovered, resume: on, callback_time: 5ms}}}
 * Results: none, can_recover, need_reset, disconnect, recovered, no_aer_driver, or
 * absent (no such callback). Without an entry, e1000e's driver is modelled
 * (need_reset, slot_reset recovered, resume), and every other driver has no error
 * handlers (Linux: "AER: Can't recover (no error_detected callback)").
 *
 * Passthrough (`drivers: {nic0: {vfio: on, guest: {...}}}`): vfio-pci owns the device
 * in the host and forwards the error to a guest whose own AER service recovers it
 * with the guest driver's callbacks; docs/aer.md describes that model and its
 * remedies (`vfio_remedy: none | skip_host_reset | serialize`).
 */
#ifndef PCISIM_HOST_AER_H
#define PCISIM_HOST_AER_H

#include <stdbool.h>

#include "sim/core/diag.h"
#include "sim/host/host.h"
#include "sim/host/host_section.h"
#include "sim/host/portdrv.h"

/* pci_channel_state_t, plus pcisim's "disconnected" after a failed recovery */
enum pcisim_io_state {
	PCISIM_IO_NORMAL = 1,
	PCISIM_IO_FROZEN = 2,
	PCISIM_IO_PERM_FAILURE = 3,
};

/** "none", "can_recover", ... ("absent" for 0). */
const char *pcisim_ers_name(enum pcisim_ers r);
/** Linux merge_result(): how a new vote combines with the status so far. */
enum pcisim_ers pcisim_ers_merge(enum pcisim_ers orig, enum pcisim_ers vote);

/**
 * The port service (sim/host/portdrv.h), with Linux's DPC service (`dpc: on`) that
 * shares its thread and its component. build: with `aer: on`, a component per root
 * port with AER and a guest per passed-through function; init_fn: the setup above
 * on every function; probe: aer_probe() (and dpc_probe()); irq: dpc_irq() and
 * aer_irq(); remove: both let go of the port.
 */
extern const struct pcisim_port_service pcisim_aer_service;
/** The I/O state Linux has for @fn (NORMAL when AER never touched it). */
enum pcisim_io_state pcisim_host_aer_io_state(struct pcisim_host *h, const struct pcisim_pcifn *fn);
/** Is a recovery running for the subtree that holds @fn? */
bool pcisim_host_aer_recovering(struct pcisim_host *h, const struct pcisim_pcifn *fn);

#endif
