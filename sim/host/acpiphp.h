/*
 * The guest's side of ACPI PCI hot-plug: ACPICA's GPE handling of the firmware's
 * \_GPE._E01 method (PCNT: Notify Bus Check and Eject Request per slot, _EJ0 writing
 * the eject register) and Linux's acpiphp (enable_slot: scan the bus and bind the
 * drivers; disable_slot: unbind and remove, then _EJ0). It learns the machine from
 * the firmware view (struct pcisim_acpi_fw) and touches the hardware only through
 * I/O port reads and writes. docs/hotplug.md has the timeline.
 */
#ifndef PCISIM_HOST_ACPIPHP_H
#define PCISIM_HOST_ACPIPHP_H

#include "sim/core/time.h"

struct pcisim_host;

/*
 * Timing. Linux runs each step from a work queue; these are the delays pcisim gives
 * them (approximations: the queues' latency on an idle guest, not measured):
 *  - SCI to the GPE method: acpi_irq() -> acpi_ev_gpe_detect() -> kacpid work;
 *  - the method's Notify to acpiphp's work: kacpi_notify_wq, then kacpi_hotplug_wq;
 *  - enable_slot(): pci_scan_slot(), resource assignment, the driver's probe;
 *  - disable_slot(): the driver's remove and pci_stop_and_remove_bus_device(),
 *    before acpiphp evaluates _EJ0.
 */
#define PCISIM_ACPI_SCI_LATENCY (20 * PCISIM_US)
#define PCISIM_ACPI_NOTIFY_LATENCY (100 * PCISIM_US)
#define PCISIM_ACPIPHP_ENABLE_TIME (2 * PCISIM_MS)
#define PCISIM_ACPIPHP_DISABLE_TIME (1 * PCISIM_MS)

/**
 * pcisim_acpiphp_boot() - at Linux's boot: ACPICA clears every GPE status bit and
 * enables the GPEs that have methods (the hot-plug one among them); acpiphp then
 * handles the machine's ACPI hot-plug slots. Nothing when the machine has no ACPI
 * PCI hot-plug, or the host does not answer it (host: acpiphp: off).
 */
void pcisim_acpiphp_boot(struct pcisim_host *h);
/** Register the record kinds. */
void pcisim_acpiphp_register(void);

#endif
