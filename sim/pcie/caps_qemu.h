/*
 * QEMU device presets: a QEMU port's or endpoint's capabilities assembled from the
 * builders of sim/pcie/caps.h the way the device's realize function does it, at
 * QEMU's offsets and with its defaults.
 *
 *   QEMU                                   pcisim
 *   rp_realize() + gen_rp_realize()        pcisim_caps_qemu_root_port()
 *   xio3130_downstream_realize()           pcisim_caps_qemu_downstream_port()
 *   a PCIe endpoint's usual capabilities   pcisim_caps_endpoint()
 */
#ifndef PCISIM_PCIE_CAPS_QEMU_H
#define PCISIM_PCIE_CAPS_QEMU_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/pcie/caps.h" /* the builders, struct pcisim_res_reserve */
#include "sim/pcie/cfgspace.h"

/** struct pcisim_qemu_port_config - properties of QEMU's port devices. */
struct pcisim_qemu_port_config {
	unsigned qemu;          /* PCISIM_QEMU_* (pcisim_qemu_compat()) */
	uint8_t port;           /* "port" */
	uint16_t slot;          /* "slot" (Physical Slot Number) */
	bool hotplug;           /* "hotplug" (default on) */
	bool power_controller;  /* "power_controller_present" (default on) */
	uint8_t speed, width;   /* "x-speed", "x-width" (pcie-root-port: 16 GT/s, x32) */
	bool acs;               /* root port ACS at 0x148 (default on; "disable-acs" turns it off) */
	struct pcisim_res_reserve res; /* pcie-root-port *-reserve properties */
};

/** pcisim_qemu_port_defaults() - QEMU's defaults for pcie-root-port properties. */
struct pcisim_qemu_port_config pcisim_qemu_port_defaults(unsigned qemu);

/**
 * pcisim_caps_qemu_root_port() - the config space of QEMU's pcie-root-port
 * (hw/pci-bridge/gen_pcie_root_port.c, pcie_root_port.c) at realize time, in
 * @c (pcisim_cfg_init'ed as a PCIe bridge): Red Hat 1b36:000c, class 0604, pin A;
 * SSVID 0x40, MSI-X 0x48 (1 vector, exclusive BAR 0), PCIe root port 0x54 (Slot
 * Status 0x6e), the resource-reserve capability after it if any reserve is set,
 * AER 0x100 with root registers, ACS 0x148. Return: 0 or negative PCISIM_E*.
 * Reset-time changes (pcie_cap_slot_reset, disabled bridge windows) are the device
 * model's.
 */
int pcisim_caps_qemu_root_port(struct pcisim_cfg *c, const struct pcisim_qemu_port_config *p);

/**
 * pcisim_caps_qemu_downstream_port() - QEMU's xio3130-downstream (TI 104c:8233
 * rev 1): MSI 0x70 (64-bit, 1 vector), SSVID 0x80, PCIe downstream port 0x90 (Slot
 * Status 0xaa) with FLR, error reporting, slot and ARI forwarding, AER 0x100 (no
 * root registers, no ACS). @p->speed/@p->width are used as given: QEMU has no
 * x-speed/x-width for it, so its Link Capabilities report speed and width 0.
 */
int pcisim_caps_qemu_downstream_port(struct pcisim_cfg *c, const struct pcisim_qemu_port_config *p);

/** struct pcisim_endpoint_config - a generic PCIe endpoint's capabilities. */
struct pcisim_endpoint_config {
	unsigned qemu;
	uint16_t vendor, device;
	uint32_t class_rev;     /* class code << 8 | revision */
	uint8_t type;           /* PCI_EXP_TYPE_ENDPOINT (or RC_END, LEG_END) */
	bool pm;                /* PM capability with PowerState writable */
	unsigned msi_vectors;   /* 0 = no MSI */
	unsigned msix_vectors;  /* 0 = no MSI-X; else exclusive BAR @msix_bar */
	uint8_t msix_bar;
	bool aer;               /* AER at 0x100 */
};

/**
 * pcisim_caps_endpoint() - a PCIe endpoint built from QEMU's pieces in the order
 * devices use them: PM, MSI, MSI-X, PCIe (with FLR and error reporting), AER.
 */
int pcisim_caps_endpoint(struct pcisim_cfg *c, const struct pcisim_endpoint_config *e);

#endif
