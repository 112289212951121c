/*
 * QEMU's ACPI PCI hot-plug controller on q35 (hw/acpi/pcihp.c with ICH9-LPC's
 * acpi-pci-hotplug-with-bridge-support on): the register block at 0x0cc0, one
 * up/down/removable set per bus select value (BSEL), the GPE it raises. The machine
 * publishes it to the slots (struct pcisim_acpi_hp_ops) and to the guest (struct
 * pcisim_acpi_fw); docs/hotplug.md describes the whole path.
 */
#ifndef PCISIM_QEMU_ACPI_PCIHP_H
#define PCISIM_QEMU_ACPI_PCIHP_H

#include <stdint.h>

#include "sim/pcie/fabric.h"
#include "sim/qemu/ich9_gpe.h"

/* include/hw/acpi/ich9.h ACPI_PCIHP_ADDR_ICH9; hw/acpi/pcihp.c ACPI_PCIHP_SIZE */
#define PCISIM_ACPI_PCIHP_ADDR_ICH9 0x0cc0
#define PCISIM_ACPI_PCIHP_SIZE 0x0018
/* register offsets (docs/specs/acpi_pci_hotplug.rst) */
#define PCISIM_PCIHP_UP 0x00   /* PCIU: slots hot-added; a read clears it */
#define PCISIM_PCIHP_DOWN 0x04 /* PCID: slots whose removal was requested */
#define PCISIM_PCIHP_EJ 0x08   /* B0EJ: write a slot bit to eject it; reads 0 */
#define PCISIM_PCIHP_RMV 0x0c  /* PCIR: slots that may be hot-unplugged */
#define PCISIM_PCIHP_SEL 0x10  /* BNUM: the bus select value the others act on */
#define PCISIM_PCIHP_AIDX 0x14 /* PCIA: write a slot bit, read its acpi-index */
/* include/hw/acpi/pcihp.h ACPI_PCIHP_MAX_HOTPLUG_BUS */
#define PCISIM_ACPI_PCIHP_MAX_BUS 256
/* hw/acpi/pcihp.c ACPI_PCI_HOTPLUG_STATUS 2: GPE0 status bit 1, \_GPE._E01 */
#define PCISIM_ACPI_PCIHP_GPE 1

struct pcisim_acpi_pcihp_bus {
	uint32_t up, down, hotplug_enable;
};

struct pcisim_acpi_pcihp {
	struct pcisim_fabric *fab;
	struct pcisim_pcifn *lpc;
	struct pcisim_ich9_gpe gpe;
	bool pcihp;                 /* the register block exists (bridges support on) */
	struct pcisim_acpi_pcihp_bus bus[PCISIM_ACPI_PCIHP_MAX_BUS];
	uint32_t hotplug_select;    /* QEMU's int: out of range selects nothing */
	uint32_t acpi_index;
};

/**
 * pcisim_acpi_pcihp_setup() - ICH9-LPC's ACPI: the GPE0 block, and with @fab's
 * acpi_pcihp_bridges the hot-plug block, the BSEL of every bus it handles
 * (acpi_set_pci_info()) and the removable bits (acpi_pcihp_update()). Called once
 * the cold-plugged topology exists.
 */
int pcisim_acpi_pcihp_setup(struct pcisim_fabric *fab, struct pcisim_pcifn *lpc, struct pcisim_diag *d);
/** The BSEL of @bus, or -1 when it has none. */
int pcisim_acpi_pcihp_bsel(const struct pcisim_fabric *fab, const struct pcisim_pcibus *bus);
/** Register the record kinds. */
void pcisim_acpi_pcihp_register(void);

#endif
