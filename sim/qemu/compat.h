/*
 * The one place that answers "does this QEMU version and machine type do X": version
 * and machine-type parsing (one encoding, PCISIM_QEMU()), the defaults a machine
 * type's compat tables give, and the PCISIM_QEMU_* behaviour bits the hardware
 * models test (sim/pcie/machine.h). No other file compares versions.
 */
#ifndef PCISIM_QEMU_COMPAT_H
#define PCISIM_QEMU_COMPAT_H

#include <stdbool.h>

#include "sim/pcie/machine.h"
#include "sim/qemu/machine_type.h"

/*
 * The QEMU versions pcisim emulates: 2.12 (the oldest release the PDS migration thread
 * reproduces on) up to the newest it knows. docs/fidelity.md says what each older
 * version changes and where the facts come from.
 */
#define PCISIM_QEMU_OLDEST PCISIM_QEMU(2, 12)
#define PCISIM_QEMU_NEWEST PCISIM_QEMU(9, 2)

/** "X.Y" (or "X.Y.Z": the micro version is ignored) -> PCISIM_QEMU(X, Y); -1 otherwise. */
int pcisim_qemu_version_parse(const char *s, unsigned *out);

/** Is @version a QEMU binary pcisim emulates? */
bool pcisim_qemu_version_supported(unsigned version);
/** Does machine type version @type (0 = newest) exist in QEMU binary @qemu? */
bool pcisim_qemu_machine_type_exists(unsigned qemu, unsigned type);

/** The machine type version in effect: the type's own, or the binary's for "q35". */
unsigned pcisim_qemu_machine_version(const struct pcisim_machine *m);

/**
 * ICH9-LPC acpi-pci-hotplug-with-bridge-support's default for @m's machine type: on,
 * except machine types up to 6.0 (pc_compat_6_0 keeps native PCIe hot-plug) and
 * "q35" on binaries before 6.1.
 */
bool pcisim_qemu_acpi_pcihp_bridges_default(const struct pcisim_machine *m);
/** Does @m's QEMU binary have ICH9-LPC's ACPI PCI hot-plug (acpi-pci-hotplug-with-bridge-support)? From 6.1. */
bool pcisim_qemu_has_ich9_pcihp(const struct pcisim_machine *m);

/** The machine a scenario gets without a machine: section: q35 of the newest QEMU. */
void pcisim_qemu_machine_defaults(struct pcisim_machine *m);

/**
 * pcisim_qemu_compat_update() - work out m->compat from m->qemu, m->type_version and
 * m->acpi_pcihp_bridges. Call after every change to them.
 */
void pcisim_qemu_compat_update(struct pcisim_machine *m);

/**
 * pcisim_qemu_compat() - the behaviour bits of QEMU binary @qemu running machine type
 * @type (PCISIM_QEMU(); 0 = the binary's newest) with that type's default ACPI
 * hot-plug setting.
 */
unsigned pcisim_qemu_compat(unsigned qemu, unsigned type);

#endif
