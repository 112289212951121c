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
#include "sim/core/time.h"

struct pcisim_cxl_fmw; /* sim/cxl/fmw.h */

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
};

/** A memory backend the machine was given (QEMU -object memory-backend-*). */
struct pcisim_membackend {
	const char *id;
	uint64_t size;
	struct pcisim_loc loc;
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
