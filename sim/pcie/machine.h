/*
 * What the machine publishes to the hardware models: which QEMU behaviour to build
 * (a set of PCISIM_QEMU_* behaviour bits, worked out once by sim/qemu/compat.c from
 * the emulated QEMU version and machine type), the platform options the devices read,
 * and the memory backends and CXL windows the machine was given. Hardware tests a
 * bit; it never compares versions (only sim/qemu/compat.c does).
 */
#ifndef PCISIM_PCIE_MACHINE_H
#define PCISIM_PCIE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/diag.h"
#include "sim/core/ioport.h"
#include "sim/core/time.h"

struct pcisim_cxl_fmw; /* sim/cxl/fmw.h */
struct pcisim_irq;     /* sim/core/irq.h */
struct pcisim_pcifn;   /* sim/pcie/fabric.h */

/** Emulated QEMU version as major << 8 | minor (7.2 = 0x0702): pcisim's one encoding. */
#define PCISIM_QEMU(maj, min) ((unsigned)((maj) << 8 | (min)))

/*
 * QEMU behaviours that changed between versions. A bit set means the newer
 * behaviour. sim/qemu/compat.c decides each from the binary's version and the
 * machine type (compat properties), with the commit or compat table that says so.
 */
enum {
	/* Slot Status PDS not compared on migration */
	PCISIM_QEMU_PDS_UNCHECKED = 1 << 0,
	/* AER Uncorrectable Error Mask writable, default INTN|TLPPRE */
	PCISIM_QEMU_AER_UNC_MASK = 1 << 1,
	/* DEVCAP Extended Tag Field Supported */
	PCISIM_QEMU_EXT_TAG = 1 << 2,
	/* Secondary Latency Timer read-only on PCIe bridges */
	PCISIM_QEMU_SEC_LAT_RO = 1 << 3,
	/* Link Status DLLLA set by plug, not hardwired at init when speed > 2.5 GT/s */
	PCISIM_QEMU_DLLLA_AT_PLUG = 1 << 4,
	/* slots built without HPS/HPC (x-do-not-expose-native-hotplug-cap by the machine) */
	PCISIM_QEMU_HIDE_HPC = 1 << 5,
	/* AER messages pass on Device Control's enables, not only SERR# */
	PCISIM_QEMU_AER_MSG_DEVCTL = 1 << 6,
	/* pcie_aer_inject_error reports errors as "Error: ..." (hmp_handle_error) */
	PCISIM_QEMU_HMP_ERROR_PREFIX = 1 << 7,
	/* an ACPI unplug request may be repeated after 1 ms */
	PCISIM_QEMU_ACPI_UNPLUG_REPEAT = 1 << 8,
	/* virtio PCI: x-pcie-{flr,deverr,lnkctl,pm}-init default on */
	PCISIM_QEMU_VIRTIO_PCIE_INIT = 1 << 9,
	/* virtio-rng-pci: vectors default 2 */
	PCISIM_QEMU_VIRTIO_RNG_VECTORS = 1 << 10,
	/* virtio PCI: x-pcie-pm-no-soft-reset default on */
	PCISIM_QEMU_PM_NO_SOFT_RESET = 1 << 11,
	/*
	 * PCIESlot link speed and width: pcie-root-port has x-speed/x-width, xio3130's
	 * LNKCAP fields are zero; without, every port's LNKCAP is 2.5 GT/s x1
	 */
	PCISIM_QEMU_RP_LINK_PROPS = 1 << 12,
	/* ... and builds with them (machine types from 4.0; hw_compat_3_1 sets 2.5 GT/s x1) */
	PCISIM_QEMU_RP_FAST_LINK = 1 << 13,
	/* pcie-root-port has an ACS capability */
	PCISIM_QEMU_RP_ACS = 1 << 14,
	/* root ports have the disable-acs property */
	PCISIM_QEMU_DISABLE_ACS_PROP = 1 << 15,
	/* PCIe ports have the hotplug property */
	PCISIM_QEMU_SLOT_HOTPLUG_PROP = 1 << 16,
	/* a Slot Control write unplugs only on the transition into power off + indicator off */
	PCISIM_QEMU_SLOT_EJECT_ON_CHANGE = 1 << 17,
	/*
	 * slot power control reaches the device (power state, reset on power off), device_del
	 * is refused while the power indicator blinks and unplugs at once from a powered-off
	 * slot, and a repeated device_del is refused until the pending delete expires
	 */
	PCISIM_QEMU_SLOT_POWER = 1 << 18,
	/* the CXL devices exist (pxb-cxl, cxl-rp, cxl-upstream, cxl-downstream, cxl-type3) */
	PCISIM_QEMU_CXL_DEVICES = 1 << 19,
	/* virtio PCI: x-pcie-flr-init exists ... */
	PCISIM_QEMU_VIRTIO_FLR_PROP = 1 << 20,
	/* ... and defaults on */
	PCISIM_QEMU_VIRTIO_FLR = 1 << 21,
	/* CXL components have four HDM decoders (7.2: one) */
	PCISIM_QEMU_CXL_HDM_MULTI = 1 << 22,
	/*
	 * CXL RAS error injection: cxl-inject-uncorrectable-errors and
	 * cxl-inject-correctable-error, RAS status RW1C with multiple header recording
	 */
	PCISIM_QEMU_CXL_RAS_INJECT = 1 << 23,
	/* CXL event logs with records, interrupt policy and cxl-inject-*-event */
	PCISIM_QEMU_CXL_EVENTS = 1 << 24,
	/* CXL poison list: Get Poison List, Inject/Clear Poison and cxl-inject-poison */
	PCISIM_QEMU_CXL_POISON = 1 << 25,
	/* CXL mailbox background commands: Sanitize, Get Security State */
	PCISIM_QEMU_CXL_BG_CMDS = 1 << 26,
	/* cxl-type3 volatile-memdev and persistent-memdev (7.2: memdev only) */
	PCISIM_QEMU_CXL_VOLATILE = 1 << 27,
	/* cxl-type3 dynamic capacity: volatile-dc-memdev, num-dc-regions */
	PCISIM_QEMU_CXL_DCD = 1 << 28,
	/*
	 * a pxb-cxl with one root port passes accesses through without HDM decoders,
	 * unless its hdm_for_passthrough property (which comes with it) is set
	 */
	PCISIM_QEMU_CXL_HB_PASSTHROUGH = 1 << 29,
	/*
	 * the CXL devices' config space as QEMU's CXL r3 sources build it (7.2: the CXL 2.0
	 * layout, checked against QEMU 7.2 by tests/qemu-diff): Flex Bus DVSEC revision 2
	 * (0x20 bytes, 7.2: revision 1, 0x14), cxl-type3's device DVSEC revision 3 (0x3c
	 * bytes, 7.2: revision 1, 0x38), its Flex Bus DVSEC and AER (7.2: none), cxl-rp's
	 * MSI (7.2: none), cxl-upstream's serial number slot before its DVSECs, and the link
	 * speed and width defaults and x-speed/x-width of the CXL ports and devices (7.2:
	 * 2.5 GT/s x1 at the root port and devices, none filled in at downstream ports)
	 */
	PCISIM_QEMU_CXL_CFG_R3 = 1 << 30,
	/*
	 * The bits above fill an int; behaviours QEMU brought in the same pull request
	 * as one of them share its bit under their own name:
	 *
	 * the cxl-switch-mailbox-cci PCI function (hw/cxl/switch-mailbox-cci.c) came
	 * with the background operations, in the 8.2 pull "[PULL 50/63] hw/cxl: Add a
	 * switch mailbox CCI function" (7 November 2023, the 8.2 soft freeze);
	 */
	PCISIM_QEMU_CXL_SWITCH_CCI = PCISIM_QEMU_CXL_BG_CMDS,
	/*
	 * Get Scan Media Capabilities, Scan Media and Get Scan Media Results
	 * (hw/cxl/cxl-mailbox-utils.c) came in the 9.1 pull "[PULL 06/63] hw/cxl: Add
	 * get scan media capabilities cmd support" (21 July 2024), with dynamic capacity.
	 */
	PCISIM_QEMU_CXL_SCAN_MEDIA = PCISIM_QEMU_CXL_DCD,
};

/** A memory backend the machine was given (QEMU -object memory-backend-*). */
struct pcisim_membackend {
	const char *id;
	uint64_t size;
	struct pcisim_loc loc;
};

/**
 * struct pcisim_acpi_hp_ops - QEMU's ACPI PCI hot-plug controller (sim/qemu/acpi_pcihp.c)
 * as the slots of the buses it handles reach it: the slot model calls these instead
 * of its own (native) plug and unplug-request callbacks.
 *
 * @plug:           @child was hot-plugged (acpi_pcihp_device_plug_cb())
 * @unplug_request: device_del of @child (acpi_pcihp_device_unplug_request_cb()); a
 *                  monitor error in @d, or 0
 */
struct pcisim_acpi_hp_ops {
	void (*plug)(void *ctx, struct pcisim_pcifn *child);
	int (*unplug_request)(void *ctx, struct pcisim_pcifn *child, struct pcisim_diag *d);
};

/**
 * struct pcisim_acpi_fw - what the firmware's ACPI tables tell the guest, as data (the
 * guest never includes QEMU): the FADT's GPE0 block and SCI, and the DSDT's PCI
 * hot-plug objects (the register block's base, the GPE whose _Exx method runs PCNT,
 * and which bridge's secondary bus each BSEL value selects). All zero: no ACPI PCI
 * hot-plug on this machine.
 */
struct pcisim_acpi_fw {
	uint16_t gpe0_base;          /* FADT X_GPE0_BLK: status bytes, then enable bytes */
	uint8_t gpe0_len;            /* FADT GPE0_BLK_LEN (status and enable halves) */
	uint16_t pcihp_base;         /* the DSDT's PCI hot-plug OperationRegion; 0 = none */
	uint8_t pcihp_gpe;           /* its GPE number (\_GPE._E01: 1) */
	struct pcisim_irq *sci;      /* the SCI line (level) */
	struct pcisim_pcifn **bsel;  /* [BSEL] = the bridge whose secondary bus has it */
	unsigned nbsel;
};

struct pcisim_machine {
	const char *type;          /* "pc-q35-6.0", "q35" (= newest), ... */
	unsigned type_version;     /* PCISIM_QEMU() of the machine type; 0 = newest */
	unsigned qemu;             /* PCISIM_QEMU() of the emulated QEMU binary */
	unsigned compat;           /* PCISIM_QEMU_* behaviour bits (sim/qemu/compat.c) */
	bool cxl;                  /* cxl=on */
	bool acpi_pcihp_bridges;   /* ICH9-LPC acpi-pci-hotplug-with-bridge-support */
	bool no_vga;               /* vga: none */
	const struct pcisim_cxl_fmw *cxl_fmw; /* cxl-fmw windows in index order */
	unsigned ncxl_fmw;
	struct pcisim_membackend *backends;   /* in creation order */
	size_t nbackends;
	pcisim_time link_training;  /* link.c: `link_training:` Detect -> L0 time, 0 = instant (QEMU) */
	bool link_spec;             /* link.c: `link_model: spec` (default qemu) */
	struct pcisim_ioport_space io;              /* the machine's I/O ports */
	const struct pcisim_acpi_hp_ops *acpi_hp;   /* ACPI hot-plug controller, or NULL */
	void *acpi_hp_ctx;
	struct pcisim_acpi_fw acpi;                 /* the guest's firmware view */
	bool eeh_qemu;              /* sim/eeh: `eeh: qemu`, QEMU's EEH (vfio-pci only) on pseries */
};

static inline bool pcisim_machine_has(const struct pcisim_machine *m, unsigned bit)
{
	return (m->compat & bit) != 0;
}

/** The machine's memory backend @id, or NULL. */
const struct pcisim_membackend *pcisim_machine_backend(const struct pcisim_machine *m,
						       const char *id);
/** Publish a memory backend (the strings must outlive the machine). */
void pcisim_machine_add_backend(struct pcisim_machine *m, const struct pcisim_membackend *b);

#endif
