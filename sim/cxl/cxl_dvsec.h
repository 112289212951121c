/*
 * CXL Designated Vendor-Specific Extended Capabilities (DVSEC, extended capability
 * ID 0x0023, PCIe r5.0 §7.9.6) with the CXL vendor ID 0x1E98: the PCIe DVSEC for
 * CXL Devices, the port extensions, Global Persistent Flush, Flex Bus port and
 * Register Locator DVSECs (CXL r3.1 §8.1.3-§8.1.9, Table 8-2 for the IDs).
 *
 * Offsets are from the start of the DVSEC (its extended capability header). The
 * lengths and revisions are the ones QEMU builds (include/hw/cxl/cxl_pci.h), which
 * are also the spec's for the revision given. The write masks are QEMU's
 * (hw/cxl/cxl-component-utils.c cxl_component_create_dvsec()); names QEMU or pcisim
 * invented carry a PCISIM_ prefix.
 */
#ifndef PCISIM_CXL_DVSEC_REGS_H
#define PCISIM_CXL_DVSEC_REGS_H

#include "sim/pcie/regs/field.h"

#define PCISIM_CXL_VENDOR_ID	0x1e98	/* CXL r3.1 §8.1.1: DVSEC Vendor ID of the consortium */
#define PCISIM_DVSEC_VER	1	/* extended capability version QEMU gives every DVSEC */

/* ---- DVSEC headers, PCIe r5.0 §7.9.6.2-§7.9.6.3 ---- */
#define PCI_DVSEC_HEADER1	0x04	/* 32 bits, RO */
#define  PCI_DVSEC_HEADER1_VID	0x0000ffff /* DVSEC Vendor ID */
#define  PCI_DVSEC_HEADER1_REV	0x000f0000 /* DVSEC Revision */
#define  PCI_DVSEC_HEADER1_LEN	0xfff00000 /* DVSEC Length in bytes */
#define PCI_DVSEC_HEADER2	0x08	/* 16 bits, RO */
#define  PCI_DVSEC_HEADER2_ID	0xffff	/* DVSEC ID */
#define PCISIM_DVSEC_HEADER_SIZEOF 0x0a	/* QEMU DVSECHeader */

/* ---- DVSEC IDs, CXL r3.1 Table 8-2 (QEMU cxl_pci.h enum) ---- */
#define PCISIM_CXL_DVSEC_PCIE_DEVICE	0	/* PCIe DVSEC for CXL Devices (§8.1.3) */
#define PCISIM_CXL_DVSEC_NON_CXL_FUNC	2	/* Non-CXL Function Map (§8.1.4) */
#define PCISIM_CXL_DVSEC_PORT_EXT	3	/* CXL Extensions DVSEC for Ports (§8.1.5) */
#define PCISIM_CXL_DVSEC_PORT_GPF	4	/* GPF DVSEC for CXL Port (§8.1.6) */
#define PCISIM_CXL_DVSEC_DEVICE_GPF	5	/* GPF DVSEC for CXL Device (§8.1.7) */
#define PCISIM_CXL_DVSEC_FLEXBUS_PORT	7	/* PCIe DVSEC for Flex Bus Port (§8.1.8) */
#define PCISIM_CXL_DVSEC_REG_LOCATOR	8	/* Register Locator DVSEC (§8.1.9) */
#define PCISIM_CXL_DVSEC_MLD		9	/* MLD DVSEC (§8.1.10) */

/* ---- PCIe DVSEC for CXL Devices (ID 0), CXL r3.1 §8.1.3, revision 3 ---- */
#define PCISIM_CXL_DEVICE_DVSEC_LEN	0x3c	/* QEMU PCIE_CXL_DEVICE_DVSEC_LENGTH */
#define PCISIM_CXL_DEVICE_DVSEC_REV	3	/* QEMU PCIE_CXL31_DEVICE_DVSEC_REVID */
#define PCISIM_CXL2_DEVICE_DVSEC_LEN	0x38	/* CXL 2.0, as QEMU 7.2 builds it: ... */
#define PCISIM_CXL2_DEVICE_DVSEC_REV	1	/* ... no Capability3 */
#define PCI_CXL_DEV_CAP		0x0a	/* 16 bits, DVSEC CXL Capability (HwInit), Table 8-3 */
#define  PCI_CXL_DEV_CAP_CACHE	0x0001	/* Cache_Capable */
#define  PCI_CXL_DEV_CAP_IO	0x0002	/* IO_Capable */
#define  PCI_CXL_DEV_CAP_MEM	0x0004	/* Mem_Capable */
#define  PCI_CXL_DEV_CAP_MEM_HWINIT 0x0008 /* Mem_HwInit_Mode */
#define  PCI_CXL_DEV_CAP_HDM_COUNT 0x0030 /* HDM_Count: number of DVSEC ranges */
#define PCI_CXL_DEV_CTRL	0x0c	/* 16 bits, DVSEC CXL Control (RWL), Table 8-4 */
#define  PCI_CXL_DEV_CTRL_CACHE	0x0001	/* Cache_Enable */
#define  PCI_CXL_DEV_CTRL_IO	0x0002	/* IO_Enable (RO 1) */
#define  PCI_CXL_DEV_CTRL_MEM	0x0004	/* Mem_Enable */
#define PCI_CXL_DEV_STATUS	0x0e	/* 16 bits, DVSEC CXL Status */
#define PCI_CXL_DEV_CTRL2	0x10	/* 16 bits, DVSEC CXL Control2 */
#define PCI_CXL_DEV_STATUS2	0x12	/* 16 bits, DVSEC CXL Status2 */
#define PCI_CXL_DEV_LOCK	0x14	/* 16 bits, DVSEC CXL Lock (RWO) */
#define PCI_CXL_DEV_CAP2	0x16	/* 16 bits, DVSEC CXL Capability2 */
#define PCI_CXL_DEV_RANGE1_SIZE_HI 0x18	/* 32 bits */
#define PCI_CXL_DEV_RANGE1_SIZE_LO 0x1c	/* 32 bits, Table 8-12 */
#define  PCI_CXL_DEV_RANGE_SIZE_LO_VALID 0x00000001 /* Memory_Info_Valid */
#define  PCI_CXL_DEV_RANGE_SIZE_LO_ACTIVE 0x00000002 /* Memory_Active */
#define  PCI_CXL_DEV_RANGE_SIZE_LO_MEDIA 0x0000001c /* Media_Type (2: "CXL memory") */
#define  PCI_CXL_DEV_RANGE_SIZE_LO_CLASS 0x000000e0 /* Memory_Class (2: "CXL memory") */
#define  PCI_CXL_DEV_RANGE_SIZE_LO_SIZE 0xf0000000 /* Memory_Size_Low, 256 MiB units */
#define PCI_CXL_DEV_RANGE1_BASE_HI 0x20	/* 32 bits, RWL */
#define PCI_CXL_DEV_RANGE1_BASE_LO 0x24	/* 32 bits, RWL: [31:28] */
#define PCI_CXL_DEV_RANGE2_SIZE_HI 0x28
#define PCI_CXL_DEV_RANGE2_SIZE_LO 0x2c
#define PCI_CXL_DEV_RANGE2_BASE_HI 0x30
#define PCI_CXL_DEV_RANGE2_BASE_LO 0x34
#define PCI_CXL_DEV_CAP3	0x38	/* 16 bits, DVSEC CXL Capability3 */
/* QEMU's write masks (cxl_component_create_dvsec, case PCIE_CXL_DEVICE_DVSEC). */
#define PCISIM_CXL_DEV_CTRL_WMASK	0x4ffd
#define PCISIM_CXL_DEV_CTRL2_WMASK	0x000f
#define PCISIM_CXL_DEV_LOCK_WMASK	0x0001
#define PCISIM_CXL_DEV_BASE_LO_WMASK	0xf0000000

/* ---- CXL Extensions DVSEC for Ports (ID 3), CXL r3.1 §8.1.5, revision 0 ---- */
#define PCISIM_CXL_PORT_EXT_DVSEC_LEN	0x28	/* QEMU EXTENSIONS_PORT_DVSEC_LENGTH */
#define PCISIM_CXL_PORT_EXT_DVSEC_REV	0
#define PCI_CXL_PORT_EXT_STATUS	0x0a	/* 16 bits, CXL Port Extension Status */
#define  PCI_CXL_PORT_EXT_STATUS_PM_INIT 0x0001 /* Port Power Management Initialization Complete */
#define PCI_CXL_PORT_EXT_CTRL	0x0c	/* 16 bits, Port Control Extensions (QEMU PORT_CONTROL_OFFSET) */
#define  PCI_CXL_PORT_EXT_CTRL_UNMASK_SBR 0x0001 /* Unmask SBR */
#define  PCI_CXL_PORT_EXT_CTRL_UNMASK_LINK_DISABLE 0x0002 /* Unmask Link Disable */
#define  PCI_CXL_PORT_EXT_CTRL_ALT_MEMID_EN 0x0004 /* Alt Memory and ID Space Enable */
#define  PCI_CXL_PORT_EXT_CTRL_ALT_BME 0x0008 /* Alt BME */
#define  PCI_CXL_PORT_EXT_CTRL_VIRAL_EN 0x4000 /* Viral Enable */
#define PCI_CXL_PORT_EXT_ALT_BUS_BASE	0x0e	/* 8 bits */
#define PCI_CXL_PORT_EXT_ALT_BUS_LIMIT	0x0f	/* 8 bits */
#define PCI_CXL_PORT_EXT_ALT_MEM_BASE	0x10	/* 16 bits */
#define PCI_CXL_PORT_EXT_ALT_MEM_LIMIT	0x12	/* 16 bits */
#define PCI_CXL_PORT_EXT_ALT_PREF_BASE	0x14	/* 16 bits */
#define PCI_CXL_PORT_EXT_ALT_PREF_LIMIT	0x16	/* 16 bits */
#define PCI_CXL_PORT_EXT_ALT_PREF_BASE_HI 0x18	/* 32 bits */
#define PCI_CXL_PORT_EXT_ALT_PREF_LIMIT_HI 0x1c	/* 32 bits */
#define PCI_CXL_PORT_EXT_RCRB_BASE	0x20	/* 32 bits */
#define PCI_CXL_PORT_EXT_RCRB_BASE_HI	0x24	/* 32 bits */
#define PCISIM_CXL_PORT_EXT_CTRL_WMASK	0x400f	/* QEMU: control bytes 0x0f, 0x40 */
#define PCISIM_CXL_PORT_EXT_WINDOW_WMASK 0xfff0	/* QEMU: alt memory/prefetch base/limit */

/* ---- GPF DVSEC for CXL Port (ID 4), CXL r3.1 §8.1.6, revision 0 ---- */
#define PCISIM_CXL_PORT_GPF_DVSEC_LEN	0x10	/* QEMU GPF_PORT_DVSEC_LENGTH */
#define PCISIM_CXL_PORT_GPF_DVSEC_REV	0
#define PCI_CXL_PORT_GPF_PHASE1_CTRL	0x0c	/* 16 bits: [3:0] time base, [11:8] time scale */
#define PCI_CXL_PORT_GPF_PHASE2_CTRL	0x0e	/* 16 bits */
#define PCISIM_CXL_GPF_CTRL_WMASK	0x0f0f	/* QEMU: both bytes 0x0f */

/* ---- GPF DVSEC for CXL Device (ID 5), CXL r3.1 §8.1.7, revision 0 ---- */
#define PCISIM_CXL_DEVICE_GPF_DVSEC_LEN	0x10	/* QEMU GPF_DEVICE_DVSEC_LENGTH */
#define PCISIM_CXL_DEVICE_GPF_DVSEC_REV	0
#define PCI_CXL_DEVICE_GPF_PHASE2_DURATION 0x0a	/* 16 bits */
#define PCI_CXL_DEVICE_GPF_PHASE2_POWER	0x0c	/* 32 bits (QEMU's struct pads it to 0x0c) */

/* ---- PCIe DVSEC for Flex Bus Port (ID 7), CXL r3.1 §8.1.8, revision 2 ---- */
#define PCISIM_CXL_FLEXBUS_DVSEC_LEN	0x20	/* QEMU PCIE_CXL3_FLEXBUS_PORT_DVSEC_LENGTH */
#define PCISIM_CXL_FLEXBUS_DVSEC_REV	2	/* QEMU PCIE_CXL3_FLEXBUS_PORT_DVSEC_REVID */
#define PCISIM_CXL2_FLEXBUS_DVSEC_LEN	0x14	/* CXL 2.0, as QEMU 7.2 builds it */
#define PCISIM_CXL2_FLEXBUS_DVSEC_REV	1
#define PCI_CXL_FLEXBUS_CAP	0x0a	/* 16 bits, Flex Bus Port Capability */
#define  PCI_CXL_FLEXBUS_CACHE	0x0001	/* Cache Capable / Enable */
#define  PCI_CXL_FLEXBUS_IO	0x0002	/* IO Capable / Enable */
#define  PCI_CXL_FLEXBUS_MEM	0x0004	/* Mem Capable / Enable */
#define  PCI_CXL_FLEXBUS_68B_FLIT 0x0020 /* CXL 68B Flit and VH Capable / Enable */
#define PCI_CXL_FLEXBUS_CTRL	0x0c	/* 16 bits, Flex Bus Port Control */
#define PCI_CXL_FLEXBUS_STATUS	0x0e	/* 16 bits, Flex Bus Port Status */
#define PCI_CXL_FLEXBUS_RCVD_MOD_TS 0x10 /* 32 bits, Received Modified TS Data Phase1 */
#define PCI_CXL_FLEXBUS_CAP2	0x14	/* 32 bits */
#define PCI_CXL_FLEXBUS_CTRL2	0x18	/* 32 bits */
#define PCI_CXL_FLEXBUS_STATUS2	0x1c	/* 32 bits */
#define PCISIM_CXL_FLEXBUS_CTRL_WMASK_RP  0x00bd /* QEMU: root port, no MLD */
#define PCISIM_CXL_FLEXBUS_CTRL_WMASK_DSP 0x00fd /* QEMU: switch downstream port */

/* ---- Register Locator DVSEC (ID 8), CXL r3.1 §8.1.9, revision 0 ---- */
#define PCISIM_CXL_REG_LOC_DVSEC_LEN	0x24	/* QEMU REG_LOC_DVSEC_LENGTH: three blocks */
#define PCISIM_CXL_REG_LOC_DVSEC_REV	0
#define PCI_CXL_REG_LOC_BLOCK(n)	(0x0c + 8 * (n)) /* Register Block n, low dword */
#define  PCI_CXL_REG_LOC_BIR	0x00000007	/* Register BIR: which BAR */
#define  PCI_CXL_REG_LOC_BLOCK_ID 0x0000ff00	/* Register Block Identifier */
#define   PCISIM_CXL_RBI_EMPTY	0
#define   PCISIM_CXL_RBI_COMPONENT 1	/* Component Registers */
#define   PCISIM_CXL_RBI_BAR_VIRT_ACL 2	/* BAR Virtualization ACL Registers */
#define   PCISIM_CXL_RBI_DEVICE	3	/* CXL Memory Device Registers */
#define  PCI_CXL_REG_LOC_OFFSET_LO 0xffff0000	/* Register Block Offset Low */

/* ---- register blocks behind the BARs QEMU registers ---- */
#define PCISIM_CXL_COMPONENT_BAR	0	/* QEMU CXL_COMPONENT_REG_BAR_IDX */
#define PCISIM_CXL_DEVICE_BAR		2	/* QEMU CXL_DEVICE_REG_BAR_IDX */
#define PCISIM_CXL_COMPONENT_BLOCK_SIZE	0x10000	/* CXL r3.1 §8.2.3: 64 KiB (QEMU CXL2_COMPONENT_BLOCK_SIZE) */
#define PCISIM_CXL_DEVICE_REGS_SIZE	0x1000	/* QEMU pow2ceil(CXL_MMIO_SIZE = 0x840) */

#endif
