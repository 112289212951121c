/*
 * Capability builders: each one adds a capability to a function's config space
 * and sets its reset values and masks (wmask, w1cmask, cmask, sticky) the way
 * QEMU's corresponding init function does, so that a pcisim function reads,
 * writes, resets and migrates like the QEMU device it models.
 *
 *   QEMU                                   pcisim
 *   pci_bridge_ssvid_init()                pcisim_cap_ssvid_init()
 *   pci_pm_init() + device PMCSR masks     pcisim_cap_pm_init()
 *   msi_init()                             pcisim_cap_msi_init()
 *   msix_init(), msix_init_exclusive_bar() pcisim_cap_msix_init(), pcisim_cap_msix_init_exclusive_bar()
 *   pci_bridge_qemu_reserve_cap_init()     pcisim_cap_qemu_res_reserve_init()
 *   pcie_cap_init() + pcie_cap_*_init()    pcisim_cap_exp_init()
 *   pcie_aer_init() + pcie_aer_root_init() pcisim_cap_aer_init()
 *   pcie_acs_init()                        pcisim_cap_acs_init()
 *   (none: QEMU ports have no DPC)         pcisim_cap_dpc_init()
 *
 * QEMU does not model sticky bits; the builders add the spec's RWS/RW1CS/ROS bits
 * to the sticky mask (PCIe r5.0 §7.4). Builders return the capability offset, or a
 * negative PCISIM_E* (the capability did not fit, overlapped, or had bad
 * parameters). Which QEMU version's behaviour is built is chosen by PCISIM_QEMU_*
 * flags (sim/pcie/machine.h, worked out by sim/qemu/compat.c). Facts and what was verified: docs/config-space.md.
 * Whole QEMU ports and endpoints assembled from these builders: sim/pcie/caps_qemu.h.
 */
#ifndef PCISIM_PCIE_CAPS_H
#define PCISIM_PCIE_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/pcie/cfgspace.h"
#include "sim/pcie/machine.h" /* PCISIM_QEMU_* */
#include "sim/pcie/regs/pcie_cap.h" /* enum pcisim_link_speed, PCI_EXP_TYPE_* */

/* ---- small standard capabilities ---- */

/**
 * pcisim_cap_ssvid_init() - Bridge Subsystem Vendor ID capability (0x0d, 8 bytes)
 * at @off (0 = auto) with @svid/@ssid; read-only, checked (pci_bridge_ssvid_init).
 */
int pcisim_cap_ssvid_init(struct pcisim_cfg *c, uint8_t off, uint16_t svid, uint16_t ssid);

/** struct pcisim_pm_config - what a device's PM capability offers. */
struct pcisim_pm_config {
	uint16_t pmc;          /* PMC value, including the version field */
	bool state_rw;         /* PowerState writable (QEMU pci_pm_init callers set it) */
	bool no_soft_reset;    /* PMCSR No_Soft_Reset */
};

/**
 * pcisim_cap_pm_init() - Power Management capability (0x01, 8 bytes). When PMC
 * lists PME_Support states, PME_En is writable and PME_Status RW1C (as QEMU's
 * devices set them), both sticky when PME can come from D3cold (PM r1.2 §3.2.4).
 */
int pcisim_cap_pm_init(struct pcisim_cfg *c, uint8_t off, const struct pcisim_pm_config *cfg);

/**
 * pcisim_cap_msi_init() - MSI capability (0x05) for @nr_vectors (1..32, a power of
 * two), optionally 64-bit and per-vector masking, as QEMU msi_init(): Message
 * Control QSIZE|ENABLE, Message Address, Data and the Mask bits of the implemented
 * vectors writable; Pending read-only.
 */
int pcisim_cap_msi_init(struct pcisim_cfg *c, uint8_t off, unsigned nr_vectors, bool msi64,
			bool per_vector_mask);

/**
 * pcisim_cap_msix_init() - MSI-X capability (0x11, 12 bytes) for @nr_vectors
 * (1..2048): table in BAR @table_bar at @table_off, PBA in @pba_bar at @pba_off
 * (both 8-byte aligned, not overlapping in the same BAR). Enable and Function Mask
 * are writable (msix_init). The BARs themselves are the caller's.
 */
int pcisim_cap_msix_init(struct pcisim_cfg *c, uint8_t off, unsigned nr_vectors,
			 uint8_t table_bar, uint32_t table_off, uint8_t pba_bar, uint32_t pba_off);

/**
 * pcisim_cap_msix_init_exclusive_bar() - QEMU msix_init_exclusive_bar(): a memory
 * BAR @bar of 4 KiB (larger for big tables) with the table at 0 and the PBA in the
 * upper half, registered with pcisim_cfg_register_bar(); capability auto-placed.
 */
int pcisim_cap_msix_init_exclusive_bar(struct pcisim_cfg *c, unsigned nr_vectors, uint8_t bar);

/**
 * struct pcisim_res_reserve - QEMU's pcie-root-port bus-reserve, io-reserve,
 * mem-reserve, pref32-reserve, pref64-reserve properties; all ones = unset.
 */
struct pcisim_res_reserve {
	uint32_t bus;
	uint64_t io, mem, pref32, pref64;
};
#define PCISIM_RES_RESERVE_UNSET \
	((struct pcisim_res_reserve){UINT32_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX})

/**
 * pcisim_cap_qemu_res_reserve_init() - QEMU's Red Hat resource-reserve vendor
 * capability (0x09, 32 bytes), as pci_bridge_qemu_reserve_cap_init(): nothing is
 * added (return 0) when every field is unset; pref32 and pref64 both set, or mem or
 * pref32 of 4 GiB or more, is -PCISIM_EINVAL.
 */
int pcisim_cap_qemu_res_reserve_init(struct pcisim_cfg *c, uint8_t off,
				     const struct pcisim_res_reserve *r);

/* ---- PCI Express capability ---- */

/** struct pcisim_exp_config - how to build the PCI Express capability. */
struct pcisim_exp_config {
	uint8_t type;          /* PCI_EXP_TYPE_*: device/port type */
	uint8_t offset;        /* 0 = auto-place */
	uint8_t version;       /* 2 (or 0): 0x3c-byte v2; 1: 0x14-byte v1 */
	uint8_t port;          /* Link Capabilities Port Number */
	uint8_t speed;         /* enum pcisim_link_speed; see below */
	uint8_t width;         /* lanes: 1, 2, 4, 8, 12, 16, 32 */
	uint8_t msg_nr;        /* Interrupt Message Number (0..31) */
	bool slot;             /* Slot Implemented: pcie_cap_slot_init() */
	uint16_t slot_nr;      /* Physical Slot Number (13 bits) */
	bool hotplug;          /* QEMU "hotplug": SLTCAP HPS|HPC */
	bool power_controller; /* QEMU "power_controller_present": SLTCAP PCP, PCC RW */
	bool flr;              /* pcie_cap_flr_init(): DEVCAP FLR, Initiate FLR writable */
	bool deverr;           /* pcie_cap_deverr_init(): error enables RW, DevSta RW1C */
	bool arifwd;           /* pcie_cap_arifwd_init(): ARI Forwarding */
	bool lnkctl;           /* pcie_cap_lnkctl_init(): Link Control CCC|ES writable */
	unsigned qemu;         /* PCISIM_QEMU_* */
};

/**
 * pcisim_cap_exp_init() - the PCI Express capability, as QEMU's pcie_cap_init()
 * (pcie_cap_v1_fill + link fill + v2 values) followed by the optional
 * pcie_cap_*_init() calls the config selects, in QEMU's order.
 *
 * Link: root and downstream ports (QEMU PCIESlot) take @speed/@width as given, as
 * pcie_cap_fill_slot_lnk(): LNKCAP width/speed, Link Bandwidth Notification if
 * wider than x1 or faster than 2.5 GT/s, DLLLARC if faster than 2.5 GT/s (and
 * DLLLA hardwired 1 too before QEMU 6.0), Target Link Speed = max speed, and the
 * LNKCAP2 speed vector from 8 GT/s. Link Status keeps x1 at 2.5 GT/s (QEMU derives
 * it from the child on reads). Other types keep x1 at 2.5 GT/s unless @speed is
 * set, which fills LNKCAP and LNKSTA alike (pcie_cap_fill_link_ep_usp()).
 * Link Status is never compared on migration (pcie_cap_v1_fill clears its cmask).
 * Root ports get Root Control SECEE|SENFEE|SEFEE writable (pcie_cap_root_init).
 */
int pcisim_cap_exp_init(struct pcisim_cfg *c, const struct pcisim_exp_config *cfg);

/** pcisim_cap_exp_type() - the Device/Port Type of @c's PCIe capability, or -1. */
int pcisim_cap_exp_type(const struct pcisim_cfg *c);

/*
 * Slot and link register access by name (hardware side: no masks, no events).
 * @exp is the PCIe capability offset; 0 looks it up. These do what QEMU's
 * pci_word_test_and_set_mask() on exp_cap + PCI_EXP_SLT* does, nothing more.
 */
uint32_t pcisim_cap_exp_slot_cap(const struct pcisim_cfg *c, uint16_t exp);
uint16_t pcisim_cap_exp_slot_ctl(const struct pcisim_cfg *c, uint16_t exp);
uint16_t pcisim_cap_exp_slot_sta(const struct pcisim_cfg *c, uint16_t exp);
/** pcisim_cap_exp_slot_get() - Slot Control and Status at once (QEMU pcie_cap_slot_get). */
void pcisim_cap_exp_slot_get(const struct pcisim_cfg *c, uint16_t exp, uint16_t *ctl,
			     uint16_t *sta);
/** Set/clear Slot Control or Slot Status bits; returns the bits that were set before. */
uint16_t pcisim_cap_exp_slot_ctl_set(struct pcisim_cfg *c, uint16_t exp, uint16_t bits);
uint16_t pcisim_cap_exp_slot_ctl_clr(struct pcisim_cfg *c, uint16_t exp, uint16_t bits);
uint16_t pcisim_cap_exp_slot_sta_set(struct pcisim_cfg *c, uint16_t exp, uint16_t bits);
uint16_t pcisim_cap_exp_slot_sta_clr(struct pcisim_cfg *c, uint16_t exp, uint16_t bits);
uint16_t pcisim_cap_exp_lnk_sta(const struct pcisim_cfg *c, uint16_t exp);
uint16_t pcisim_cap_exp_lnk_sta_set(struct pcisim_cfg *c, uint16_t exp, uint16_t bits);
uint16_t pcisim_cap_exp_lnk_sta_clr(struct pcisim_cfg *c, uint16_t exp, uint16_t bits);

/* ---- extended capabilities ---- */

/** struct pcisim_aer_config - how to build the AER capability. */
struct pcisim_aer_config {
	uint16_t offset;       /* extended capability offset (0x100 for QEMU's ports) */
	uint16_t log_max;      /* QEMU aer_log_max: > 0 gives Multiple Header Recording */
	bool root;             /* pcie_aer_root_init(): Root Error Command/Status/Source ID */
	uint8_t root_msg_nr;   /* Advanced Error Interrupt Message Number (root ports) */
	unsigned qemu;         /* PCISIM_QEMU_*: AER_UNC_MASK selects the 8.0 behaviour */
};

/**
 * pcisim_cap_aer_init() - AER (0x0001, version 2, 0x48 bytes) as pcie_aer_init():
 * Uncorrectable Status RW1CS for QEMU's supported set; Mask RWS with default
 * INTN|TLPPRE when PCISIM_QEMU_AER_UNC_MASK (else read-only 0, as machines < 8.0);
 * Severity RWS default 0x00462030; Correctable Status RW1CS, Mask RWS default
 * 0xe000; ECRC Generation/Check capable, their enables RWS (+ Multiple Header
 * Recording with @log_max); header and prefix logs ROS. For ports (type from the
 * PCIe capability, which must exist) Bridge Control SERR becomes writable. With
 * @root: Root Error Command RW, Root Error Status bits 0-6 RW1CS with the message
 * number field left out of cmask, Error Source ID ROS.
 */
int pcisim_cap_aer_init(struct pcisim_cfg *c, const struct pcisim_aer_config *cfg);

/**
 * pcisim_cap_acs_init() - ACS (0x000d, version 1, 8 bytes) at @off as QEMU's
 * pcie_acs_init(): a downstream port (root or switch downstream, from the PCIe
 * capability) implements SV|TB|RR|CR|UF|DT and may enable them; others none.
 */
int pcisim_cap_acs_init(struct pcisim_cfg *c, uint16_t off);

/** struct pcisim_dpc_config - optional DPC capability features (PCIe r5.0 §7.9.15). */
struct pcisim_dpc_config {
	uint16_t offset;       /* 0 = auto-place */
	uint8_t msg_nr;        /* DPC Interrupt Message Number */
	bool rp_ext;           /* Root Port Programmed I/O extensions */
	uint8_t rp_pio_log_size; /* RP PIO log size in dwords (4..9) with @rp_ext */
	bool poisoned_tlp;     /* Poisoned TLP Egress Blocking supported */
	bool sw_trigger;       /* DPC Software Triggering supported */
	bool dl_active;        /* DL_Active ERR_COR signaling supported */
};

/**
 * pcisim_cap_dpc_init() - Downstream Port Containment (0x001d, version 1). Control
 * bits of supported features RW (Software Trigger reads 0 after the device's
 * hook); Trigger Status RW1CS; Trigger Reason, its extension, RP PIO First Error
 * Pointer and Source ID ROS; Interrupt Status RW1C; RP PIO Status RW1CS and its
 * Mask/Severity/SysError/Exception RWS. QEMU has no DPC: the attributes are the
 * spec's.
 */
int pcisim_cap_dpc_init(struct pcisim_cfg *c, const struct pcisim_dpc_config *cfg);

#endif
