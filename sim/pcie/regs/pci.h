/*
 * PCI configuration header (types 0 and 1), Command/Status/Bridge Control bits,
 * capability list IDs, the extended capability header, and the two small
 * standard capabilities QEMU's bridges use: Bridge Subsystem Vendor ID and
 * QEMU's Red Hat resource-reserve vendor capability.
 *
 * Names and values are Linux's include/uapi/linux/pci_regs.h (values are ABI);
 * names QEMU or pcisim invented carry a PCISIM_ prefix. Offsets are relative to
 * the start of configuration space (header) or of the capability. Citations:
 * PCIe r5.0 §7.5.1 (PCI-compatible configuration registers), PCI-to-PCI Bridge
 * Architecture r1.2 §3.2, PCI Local Bus r3.0 §6.
 */
#ifndef PCISIM_PCIE_REGS_PCI_H
#define PCISIM_PCIE_REGS_PCI_H

#include "sim/pcie/regs/field.h"

#define PCI_CFG_SPACE_SIZE	256	/* conventional PCI config space */
#define PCI_CFG_SPACE_EXP_SIZE	4096	/* PCIe extended config space */
#define PCI_STD_HEADER_SIZEOF	64	/* type 0/1 header; capabilities from 0x40 */

/* ---- Common header, PCIe r5.0 §7.5.1.1 ---- */
#define PCI_VENDOR_ID		0x00	/* 16 bits, HwInit */
#define PCI_DEVICE_ID		0x02	/* 16 bits, HwInit */
#define PCI_COMMAND		0x04	/* 16 bits, PCIe r5.0 §7.5.1.1.3 */
#define  PCI_COMMAND_IO		0x0001	/* I/O Space Enable */
#define  PCI_COMMAND_MEMORY	0x0002	/* Memory Space Enable */
#define  PCI_COMMAND_MASTER	0x0004	/* Bus Master Enable */
#define  PCI_COMMAND_SPECIAL	0x0008	/* Special Cycle Enable (RO 0 on PCIe) */
#define  PCI_COMMAND_INVALIDATE	0x0010	/* Memory Write and Invalidate (RO 0 on PCIe) */
#define  PCI_COMMAND_VGA_PALETTE 0x0020	/* VGA Palette Snoop (RO 0 on PCIe) */
#define  PCI_COMMAND_PARITY	0x0040	/* Parity Error Response */
#define  PCI_COMMAND_WAIT	0x0080	/* IDSEL stepping (RO 0) */
#define  PCI_COMMAND_SERR	0x0100	/* SERR# Enable */
#define  PCI_COMMAND_FAST_BACK	0x0200	/* Fast Back-to-Back Enable (RO 0 on PCIe) */
#define  PCI_COMMAND_INTX_DISABLE 0x0400 /* Interrupt Disable */
#define PCI_STATUS		0x06	/* 16 bits, PCIe r5.0 §7.5.1.1.4 */
#define  PCI_STATUS_IMM_READY	0x0001	/* Immediate Readiness */
#define  PCI_STATUS_INTERRUPT	0x0008	/* Interrupt Status (RO) */
#define  PCI_STATUS_CAP_LIST	0x0010	/* Capabilities List (RO 1 on PCIe) */
#define  PCI_STATUS_66MHZ	0x0020	/* 66 MHz capable (conventional PCI) */
#define  PCI_STATUS_UDF		0x0040	/* obsolete */
#define  PCI_STATUS_FAST_BACK	0x0080	/* Fast Back-to-Back capable */
#define  PCI_STATUS_PARITY	0x0100	/* Master Data Parity Error (RW1C) */
#define  PCI_STATUS_DEVSEL_MASK	0x0600	/* DEVSEL timing */
#define  PCI_STATUS_SIG_TARGET_ABORT 0x0800 /* Signaled Target Abort (RW1C) */
#define  PCI_STATUS_REC_TARGET_ABORT 0x1000 /* Received Target Abort (RW1C) */
#define  PCI_STATUS_REC_MASTER_ABORT 0x2000 /* Received Master Abort (RW1C) */
#define  PCI_STATUS_SIG_SYSTEM_ERROR 0x4000 /* Signaled System Error (RW1C) */
#define  PCI_STATUS_DETECTED_PARITY 0x8000 /* Detected Parity Error (RW1C) */
#define PCI_REVISION_ID		0x08	/* 8 bits, HwInit */
#define PCI_CLASS_PROG		0x09	/* 8 bits, programming interface */
#define PCI_CLASS_DEVICE	0x0a	/* 16 bits, sub-class and base class */
#define  PCI_CLASS_BRIDGE_PCI	0x0604	/* PCI-to-PCI bridge */
#define PCI_CACHE_LINE_SIZE	0x0c	/* 8 bits, RW */
#define PCI_LATENCY_TIMER	0x0d	/* 8 bits, RO 0 on PCIe */
#define PCI_HEADER_TYPE		0x0e	/* 8 bits */
#define  PCI_HEADER_TYPE_MASK	0x7f
#define  PCI_HEADER_TYPE_NORMAL	0
#define  PCI_HEADER_TYPE_BRIDGE	1
#define  PCI_HEADER_TYPE_MFD	0x80	/* multi-function device */
#define PCI_BIST		0x0f	/* 8 bits */

/* ---- Type 0 header ---- */
#define PCI_BASE_ADDRESS_0	0x10	/* 32 bits */
#define PCI_BASE_ADDRESS_1	0x14
#define PCI_BASE_ADDRESS_2	0x18	/* type 0 only */
#define PCI_BASE_ADDRESS_3	0x1c
#define PCI_BASE_ADDRESS_4	0x20
#define PCI_BASE_ADDRESS_5	0x24
#define  PCI_BASE_ADDRESS_SPACE_IO	0x01
#define  PCI_BASE_ADDRESS_MEM_TYPE_64	0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH	0x08
#define PCI_CARDBUS_CIS		0x28
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_ROM_ADDRESS		0x30
#define  PCI_ROM_ADDRESS_ENABLE	0x01
#define PCI_CAPABILITY_LIST	0x34	/* 8 bits, RO */
#define PCI_INTERRUPT_LINE	0x3c	/* 8 bits, RW */
#define PCI_INTERRUPT_PIN	0x3d	/* 8 bits, RO */
#define PCI_MIN_GNT		0x3e	/* type 0 */
#define PCI_MAX_LAT		0x3f	/* type 0 */

/* ---- Type 1 header, PCIe r5.0 §7.5.1.3; PCI-to-PCI Bridge r1.2 §3.2 ---- */
#define PCI_PRIMARY_BUS		0x18
#define PCI_SECONDARY_BUS	0x19
#define PCI_SUBORDINATE_BUS	0x1a
#define PCI_SEC_LATENCY_TIMER	0x1b	/* RO 0 on PCIe (QEMU RW for machines <= 8.1) */
#define PCI_IO_BASE		0x1c
#define PCI_IO_LIMIT		0x1d
#define  PCI_IO_RANGE_TYPE_MASK	0x0f
#define  PCI_IO_RANGE_TYPE_16	0x00
#define  PCI_IO_RANGE_TYPE_32	0x01
#define  PCI_IO_RANGE_MASK	0xf0	/* low byte of ~0x0f */
#define PCI_SEC_STATUS		0x1e	/* Secondary Status, PCIe r5.0 §7.5.1.3.7 */
#define PCI_MEMORY_BASE		0x20
#define PCI_MEMORY_LIMIT	0x22
#define  PCI_MEMORY_RANGE_MASK	0xfff0
#define PCI_PREF_MEMORY_BASE	0x24
#define PCI_PREF_MEMORY_LIMIT	0x26
#define  PCI_PREF_RANGE_TYPE_MASK 0x000f
#define  PCI_PREF_RANGE_TYPE_32	0x0000
#define  PCI_PREF_RANGE_TYPE_64	0x0001
#define  PCI_PREF_RANGE_MASK	0xfff0
#define PCI_PREF_BASE_UPPER32	0x28
#define PCI_PREF_LIMIT_UPPER32	0x2c
#define PCI_IO_BASE_UPPER16	0x30
#define PCI_IO_LIMIT_UPPER16	0x32
#define PCI_ROM_ADDRESS1	0x38
#define PCI_BRIDGE_CONTROL	0x3e	/* PCIe r5.0 §7.5.1.3.13 */
#define  PCI_BRIDGE_CTL_PARITY	0x0001	/* Parity Error Response Enable */
#define  PCI_BRIDGE_CTL_SERR	0x0002	/* SERR# Enable (forward ERR_* upstream) */
#define  PCI_BRIDGE_CTL_ISA	0x0004	/* ISA Enable */
#define  PCI_BRIDGE_CTL_VGA	0x0008	/* VGA Enable */
#define  PCI_BRIDGE_CTL_VGA_16BIT 0x0010 /* VGA 16-bit decode */
#define  PCI_BRIDGE_CTL_MASTER_ABORT 0x0020 /* Master Abort Mode (RO 0 on PCIe) */
#define  PCI_BRIDGE_CTL_BUS_RESET 0x0040 /* Secondary Bus Reset */
#define  PCI_BRIDGE_CTL_FAST_BACK 0x0080 /* Fast Back-to-Back (RO 0 on PCIe) */
#define  PCI_BRIDGE_CTL_DISCARD	0x0100	/* Primary Discard Timeout (RO 0 on PCIe) */
#define  PCI_BRIDGE_CTL_SEC_DISCARD 0x0200 /* Secondary Discard Timeout */
#define  PCI_BRIDGE_CTL_DISCARD_STATUS 0x0400 /* Discard Timer Status (RW1C) */
#define  PCI_BRIDGE_CTL_DISCARD_SERR 0x0800 /* Discard Timer SERR# Enable */

/* Secondary Status reuses the Status bit layout; only bit 14 matters to AER. */
#define  PCI_SEC_STATUS_RCV_SYSTEM_ERROR 0x4000 /* Received System Error */

/*
 * QEMU's per-header default masks (hw/pci/pci.c pci_init_wmask, pci_init_w1cmask,
 * pci_init_mask_bridge), as pcisim invented names.
 */
#define PCISIM_COMMAND_WMASK	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
				 PCI_COMMAND_INTX_DISABLE | PCI_COMMAND_SERR)
#define PCISIM_STATUS_W1CMASK	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
				 PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT | \
				 PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY)
#define PCISIM_BRIDGE_CTL_WMASK	(PCI_BRIDGE_CTL_PARITY | PCI_BRIDGE_CTL_SERR | PCI_BRIDGE_CTL_ISA | \
				 PCI_BRIDGE_CTL_VGA | PCI_BRIDGE_CTL_VGA_16BIT | \
				 PCI_BRIDGE_CTL_MASTER_ABORT | PCI_BRIDGE_CTL_BUS_RESET | \
				 PCI_BRIDGE_CTL_FAST_BACK | PCI_BRIDGE_CTL_DISCARD | \
				 PCI_BRIDGE_CTL_SEC_DISCARD | PCI_BRIDGE_CTL_DISCARD_SERR)
/* Bits QEMU's pcie_port_init_reg() removes again for PCIe ports (hardwired 0 on PCIe). */
#define PCISIM_BRIDGE_CTL_PCIE_RO (PCI_BRIDGE_CTL_MASTER_ABORT | PCI_BRIDGE_CTL_FAST_BACK | \
				   PCI_BRIDGE_CTL_DISCARD | PCI_BRIDGE_CTL_SEC_DISCARD | \
				   PCI_BRIDGE_CTL_DISCARD_STATUS | PCI_BRIDGE_CTL_DISCARD_SERR)

/* ---- Capability list, PCI Local Bus r3.0 §6.7; PCI Code and ID Assignment §2 ---- */
#define PCI_CAP_LIST_ID		0	/* Capability ID */
#define  PCI_CAP_ID_PM		0x01	/* Power Management */
#define  PCI_CAP_ID_AGP		0x02
#define  PCI_CAP_ID_VPD		0x03	/* Vital Product Data */
#define  PCI_CAP_ID_SLOTID	0x04	/* Slot Identification */
#define  PCI_CAP_ID_MSI		0x05	/* Message Signalled Interrupts */
#define  PCI_CAP_ID_CHSWP	0x06	/* CompactPCI HotSwap */
#define  PCI_CAP_ID_PCIX	0x07
#define  PCI_CAP_ID_HT		0x08	/* HyperTransport */
#define  PCI_CAP_ID_VNDR	0x09	/* Vendor-Specific */
#define  PCI_CAP_ID_DBG		0x0a
#define  PCI_CAP_ID_CCRC	0x0b
#define  PCI_CAP_ID_SHPC	0x0c	/* Standard Hot-Plug Controller */
#define  PCI_CAP_ID_SSVID	0x0d	/* Bridge subsystem vendor/device ID */
#define  PCI_CAP_ID_AGP3	0x0e
#define  PCI_CAP_ID_SECDEV	0x0f
#define  PCI_CAP_ID_EXP		0x10	/* PCI Express */
#define  PCI_CAP_ID_MSIX	0x11	/* MSI-X */
#define  PCI_CAP_ID_SATA	0x12
#define  PCI_CAP_ID_AF		0x13	/* Advanced Features */
#define  PCI_CAP_ID_EA		0x14	/* Enhanced Allocation */
#define  PCI_CAP_ID_MAX		PCI_CAP_ID_EA
#define PCI_CAP_LIST_NEXT	1	/* Next capability pointer */
#define PCI_CAP_FLAGS		2	/* capability-defined flags (16 bits) */
#define PCI_CAP_SIZEOF		4

/* ---- Extended capability header, PCIe r5.0 §7.6.3 ---- */
#define PCI_EXT_CAP_ID_MASK	0x0000ffff	/* PCI Express Extended Capability ID */
#define PCI_EXT_CAP_VER_MASK	0x000f0000	/* Capability Version */
#define PCI_EXT_CAP_NEXT_MASK	0xfff00000	/* Next Capability Offset (low 2 bits RsvdP) */
#define PCI_EXT_CAP_ID(header)	((uint16_t)PCISIM_FIELD_GET(PCI_EXT_CAP_ID_MASK, (header)))
#define PCI_EXT_CAP_VER(header)	((uint8_t)PCISIM_FIELD_GET(PCI_EXT_CAP_VER_MASK, (header)))
#define PCI_EXT_CAP_NEXT(header) ((uint16_t)(PCISIM_FIELD_GET(PCI_EXT_CAP_NEXT_MASK, (header)) & 0xffc))
/** PCISIM_EXT_CAP() - a header word (QEMU PCI_EXT_CAP()). */
#define PCISIM_EXT_CAP(id, ver, next) \
	(PCISIM_FIELD_PREP(PCI_EXT_CAP_ID_MASK, (id)) | PCISIM_FIELD_PREP(PCI_EXT_CAP_VER_MASK, (ver)) | \
	 PCISIM_FIELD_PREP(PCI_EXT_CAP_NEXT_MASK, (next)))
#define PCI_EXT_CAP_ID_ERR	0x01	/* Advanced Error Reporting */
#define PCI_EXT_CAP_ID_VC	0x02
#define PCI_EXT_CAP_ID_DSN	0x03	/* Device Serial Number */
#define PCI_EXT_CAP_ID_PWR	0x04
#define PCI_EXT_CAP_ID_RCLD	0x05
#define PCI_EXT_CAP_ID_RCILC	0x06
#define PCI_EXT_CAP_ID_RCEC	0x07	/* Root Complex Event Collector */
#define PCI_EXT_CAP_ID_MFVC	0x08
#define PCI_EXT_CAP_ID_VC9	0x09
#define PCI_EXT_CAP_ID_RCRB	0x0a
#define PCI_EXT_CAP_ID_VNDR	0x0b	/* Vendor-Specific */
#define PCI_EXT_CAP_ID_CAC	0x0c
#define PCI_EXT_CAP_ID_ACS	0x0d	/* Access Control Services */
#define PCI_EXT_CAP_ID_ARI	0x0e	/* Alternative Routing-ID */
#define PCI_EXT_CAP_ID_ATS	0x0f
#define PCI_EXT_CAP_ID_SRIOV	0x10
#define PCI_EXT_CAP_ID_MRIOV	0x11
#define PCI_EXT_CAP_ID_MCAST	0x12
#define PCI_EXT_CAP_ID_PRI	0x13
#define PCI_EXT_CAP_ID_REBAR	0x15
#define PCI_EXT_CAP_ID_DPA	0x16
#define PCI_EXT_CAP_ID_TPH	0x17
#define PCI_EXT_CAP_ID_LTR	0x18
#define PCI_EXT_CAP_ID_SECPCI	0x19	/* Secondary PCIe */
#define PCI_EXT_CAP_ID_PMUX	0x1a
#define PCI_EXT_CAP_ID_PASID	0x1b
#define PCI_EXT_CAP_ID_DPC	0x1d	/* Downstream Port Containment */
#define PCI_EXT_CAP_ID_L1SS	0x1e
#define PCI_EXT_CAP_ID_PTM	0x1f
#define PCI_EXT_CAP_ID_DVSEC	0x23	/* Designated Vendor-Specific */
#define PCI_EXT_CAP_ID_DOE	0x2e	/* Data Object Exchange */
#define PCI_EXT_CAP_ID_MAX	PCI_EXT_CAP_ID_DOE

/* ---- Bridge Subsystem Vendor ID capability (0x0d), PCI-to-PCI Bridge r1.2 §3.3 ---- */
#define PCI_SSVID_VENDOR_ID	4	/* 16 bits, HwInit */
#define PCI_SSVID_DEVICE_ID	6	/* 16 bits, HwInit */
#define PCISIM_SSVID_SIZEOF	8	/* QEMU PCI_SSVID_SIZEOF (hw/pci/pci_bridge.c) */

/*
 * ---- QEMU's Red Hat vendor capability (0x09): resource reserve ----
 * include/hw/pci/pci_bridge.h PCIBridgeQemuCap / REDHAT_PCI_CAP_*; built by
 * pci_bridge_qemu_reserve_cap_init(). Byte 2 is the vendor capability length.
 */
#define PCISIM_REDHAT_CAP_LEN		2	/* 8 bits: capability length (32) */
#define PCISIM_REDHAT_CAP_TYPE		3	/* 8 bits: Red Hat capability type */
#define  PCISIM_REDHAT_CAP_RESOURCE_RESERVE 1
#define PCISIM_REDHAT_CAP_RES_BUS	4	/* 32 bits: minimum buses to reserve */
#define PCISIM_REDHAT_CAP_RES_IO	8	/* 64 bits: I/O space to reserve */
#define PCISIM_REDHAT_CAP_RES_MEM	16	/* 32 bits: non-prefetchable memory */
#define PCISIM_REDHAT_CAP_RES_PREF32	20	/* 32 bits: prefetchable 32-bit memory */
#define PCISIM_REDHAT_CAP_RES_PREF64	24	/* 64 bits: prefetchable 64-bit memory */
#define PCISIM_REDHAT_CAP_RES_SIZEOF	32

/* IDs pcisim's QEMU models use (QEMU include/hw/pci/pci_ids.h). */
#define PCISIM_VENDOR_ID_REDHAT		0x1b36
#define PCISIM_DEVICE_ID_REDHAT_PCIE_RP	0x000c	/* pcie-root-port */
#define PCISIM_VENDOR_ID_TI		0x104c
#define PCISIM_DEVICE_ID_TI_XIO3130U	0x8232	/* xio3130-upstream */
#define PCISIM_DEVICE_ID_TI_XIO3130D	0x8233	/* xio3130-downstream */

#endif
