/*
 * PCI Express Capability structure (capability ID 0x10), PCIe r5.0 §7.5.3.
 *
 * Offsets are from the start of the capability. Names and values follow Linux's
 * include/uapi/linux/pci_regs.h; the access type of each field (RO, RW, RW1C,
 * HwInit, RsvdP) is given as in the spec's register tables (r5.0 Tables 7-17 to
 * 7-41, cited per register). Where QEMU implements a field differently the
 * comment says so ("QEMU: ..."); the authoritative per-bit model is in
 * sim/pcie/regdesc.c. Invented names carry PCISIM_.
 */
#ifndef PCISIM_PCIE_REGS_PCIE_CAP_H
#define PCISIM_PCIE_REGS_PCIE_CAP_H

#include "sim/pcie/regs/field.h"

#define PCISIM_EXP_VER1_SIZEOF	0x14	/* QEMU PCI_EXP_VER1_SIZEOF: v1 capability */
#define PCISIM_EXP_VER2_SIZEOF	0x3c	/* QEMU PCI_EXP_VER2_SIZEOF: v2 capability */

/* PCI Express Capabilities Register, r5.0 §7.5.3.2 Table 7-18 */
#define PCI_EXP_FLAGS		0x02	/* 16 bits */
#define  PCI_EXP_FLAGS_VERS	0x000f	/* Capability Version (RO) */
#define   PCI_EXP_FLAGS_VER1	1
#define   PCI_EXP_FLAGS_VER2	2
#define  PCI_EXP_FLAGS_TYPE	0x00f0	/* Device/Port Type (RO) */
#define   PCI_EXP_TYPE_ENDPOINT	0x0	/* PCI Express Endpoint */
#define   PCI_EXP_TYPE_LEG_END	0x1	/* Legacy PCI Express Endpoint */
#define   PCI_EXP_TYPE_ROOT_PORT 0x4	/* Root Port of PCI Express Root Complex */
#define   PCI_EXP_TYPE_UPSTREAM	0x5	/* Upstream Port of PCI Express Switch */
#define   PCI_EXP_TYPE_DOWNSTREAM 0x6	/* Downstream Port of PCI Express Switch */
#define   PCI_EXP_TYPE_PCI_BRIDGE 0x7	/* PCI Express to PCI/PCI-X Bridge */
#define   PCI_EXP_TYPE_PCIE_BRIDGE 0x8	/* PCI/PCI-X to PCI Express Bridge */
#define   PCI_EXP_TYPE_RC_END	0x9	/* Root Complex Integrated Endpoint */
#define   PCI_EXP_TYPE_RC_EC	0xa	/* Root Complex Event Collector */
#define  PCI_EXP_FLAGS_SLOT	0x0100	/* Slot Implemented (HwInit) */
#define  PCI_EXP_FLAGS_IRQ	0x3e00	/* Interrupt Message Number (RO) */
#define  PCI_EXP_FLAGS_FLIT	0x8000	/* Flit Mode Supported (r6.0, HwInit) */

/* Device Capabilities Register, r5.0 §7.5.3.3 Table 7-19 (all RO/HwInit) */
#define PCI_EXP_DEVCAP		0x04	/* 32 bits */
#define  PCI_EXP_DEVCAP_PAYLOAD	0x00000007 /* Max_Payload_Size Supported */
#define  PCI_EXP_DEVCAP_PHANTOM	0x00000018 /* Phantom Functions Supported */
#define  PCI_EXP_DEVCAP_EXT_TAG	0x00000020 /* Extended Tag Field Supported */
#define  PCI_EXP_DEVCAP_L0S	0x000001c0 /* Endpoint L0s Acceptable Latency */
#define  PCI_EXP_DEVCAP_L1	0x00000e00 /* Endpoint L1 Acceptable Latency */
#define  PCI_EXP_DEVCAP_ATN_BUT	0x00001000 /* (undefined since r1.1) */
#define  PCI_EXP_DEVCAP_ATN_IND	0x00002000
#define  PCI_EXP_DEVCAP_PWR_IND	0x00004000
#define  PCI_EXP_DEVCAP_RBER	0x00008000 /* Role-Based Error Reporting */
#define  PCI_EXP_DEVCAP_PWR_VAL	0x03fc0000 /* Captured Slot Power Limit Value */
#define  PCI_EXP_DEVCAP_PWR_SCL	0x0c000000 /* Captured Slot Power Limit Scale */
#define  PCI_EXP_DEVCAP_FLR	0x10000000 /* Function Level Reset Capability */

/* Device Control Register, r5.0 §7.5.3.4 Table 7-20 */
#define PCI_EXP_DEVCTL		0x08	/* 16 bits */
#define  PCI_EXP_DEVCTL_CERE	0x0001	/* Correctable Error Reporting Enable (RW) */
#define  PCI_EXP_DEVCTL_NFERE	0x0002	/* Non-Fatal Error Reporting Enable (RW) */
#define  PCI_EXP_DEVCTL_FERE	0x0004	/* Fatal Error Reporting Enable (RW) */
#define  PCI_EXP_DEVCTL_URRE	0x0008	/* Unsupported Request Reporting Enable (RW) */
#define  PCI_EXP_DEVCTL_RELAX_EN 0x0010	/* Enable Relaxed Ordering (RW; QEMU RO 0) */
#define  PCI_EXP_DEVCTL_PAYLOAD	0x00e0	/* Max_Payload_Size (RW; QEMU RO 0) */
#define  PCI_EXP_DEVCTL_EXT_TAG	0x0100	/* Extended Tag Field Enable */
#define  PCI_EXP_DEVCTL_PHANTOM	0x0200	/* Phantom Functions Enable */
#define  PCI_EXP_DEVCTL_AUX_PME	0x0400	/* Aux Power PM Enable (RWS) */
#define  PCI_EXP_DEVCTL_NOSNOOP_EN 0x0800 /* Enable No Snoop */
#define  PCI_EXP_DEVCTL_READRQ	0x7000	/* Max_Read_Request_Size */
#define  PCI_EXP_DEVCTL_BCR_FLR	0x8000	/* Bridge Config Retry Enable / Initiate FLR (RW, reads 0) */
#define  PCISIM_EXP_DEVCTL_ERR_EN (PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | \
				   PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE)

/* Device Status Register, r5.0 §7.5.3.5 Table 7-21 */
#define PCI_EXP_DEVSTA		0x0a	/* 16 bits */
#define  PCI_EXP_DEVSTA_CED	0x0001	/* Correctable Error Detected (RW1C) */
#define  PCI_EXP_DEVSTA_NFED	0x0002	/* Non-Fatal Error Detected (RW1C) */
#define  PCI_EXP_DEVSTA_FED	0x0004	/* Fatal Error Detected (RW1C) */
#define  PCI_EXP_DEVSTA_URD	0x0008	/* Unsupported Request Detected (RW1C) */
#define  PCI_EXP_DEVSTA_AUXPD	0x0010	/* AUX Power Detected (RO) */
#define  PCI_EXP_DEVSTA_TRPND	0x0020	/* Transactions Pending (RO) */
#define  PCI_EXP_DEVSTA_EPR	0x0040	/* Emergency Power Reduction Detected (RW1C) */
#define  PCISIM_EXP_DEVSTA_ERR	(PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | \
				 PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD)

/* Link Capabilities Register, r5.0 §7.5.3.6 Table 7-22 (RO/HwInit) */
#define PCI_EXP_LNKCAP		0x0c	/* 32 bits */
#define  PCI_EXP_LNKCAP_SLS	0x0000000f /* Max Link Speed (index into LNKCAP2 SLS vector) */
#define   PCI_EXP_LNKCAP_SLS_2_5GB 0x1	/* 2.5 GT/s */
#define   PCI_EXP_LNKCAP_SLS_5_0GB 0x2	/* 5.0 GT/s */
#define   PCI_EXP_LNKCAP_SLS_8_0GB 0x3	/* 8.0 GT/s */
#define   PCI_EXP_LNKCAP_SLS_16_0GB 0x4	/* 16.0 GT/s */
#define   PCI_EXP_LNKCAP_SLS_32_0GB 0x5	/* 32.0 GT/s */
#define   PCI_EXP_LNKCAP_SLS_64_0GB 0x6	/* 64.0 GT/s */
#define  PCI_EXP_LNKCAP_MLW	0x000003f0 /* Maximum Link Width */
#define  PCI_EXP_LNKCAP_ASPMS	0x00000c00 /* ASPM Support */
#define   PCI_EXP_LNKCAP_ASPM_L0S 0x00000400 /* L0s (QEMU PCI_EXP_LNKCAP_ASPMS_0S) */
#define   PCI_EXP_LNKCAP_ASPM_L1 0x00000800
#define  PCI_EXP_LNKCAP_L0SEL	0x00007000 /* L0s Exit Latency */
#define  PCI_EXP_LNKCAP_L1EL	0x00038000 /* L1 Exit Latency */
#define  PCI_EXP_LNKCAP_CLKPM	0x00040000 /* Clock Power Management */
#define  PCI_EXP_LNKCAP_SDERC	0x00080000 /* Surprise Down Error Reporting Capable */
#define  PCI_EXP_LNKCAP_DLLLARC	0x00100000 /* Data Link Layer Link Active Reporting Capable */
#define  PCI_EXP_LNKCAP_LBNC	0x00200000 /* Link Bandwidth Notification Capability */
#define  PCI_EXP_LNKCAP_ASPM_OPTC 0x00400000 /* ASPM Optionality Compliance */
#define  PCI_EXP_LNKCAP_PN	0xff000000 /* Port Number */

/* Link Control Register, r5.0 §7.5.3.7 Table 7-23 */
#define PCI_EXP_LNKCTL		0x10	/* 16 bits */
#define  PCI_EXP_LNKCTL_ASPMC	0x0003	/* ASPM Control (RW; QEMU RO) */
#define  PCI_EXP_LNKCTL_RCB	0x0008	/* Read Completion Boundary */
#define  PCI_EXP_LNKCTL_LD	0x0010	/* Link Disable (RW on ports; QEMU RO) */
#define  PCI_EXP_LNKCTL_RL	0x0020	/* Retrain Link (RW, reads 0; QEMU RO) */
#define  PCI_EXP_LNKCTL_CCC	0x0040	/* Common Clock Configuration */
#define  PCI_EXP_LNKCTL_ES	0x0080	/* Extended Synch */
#define  PCI_EXP_LNKCTL_CLKREQ_EN 0x0100 /* Enable Clock Power Management */
#define  PCI_EXP_LNKCTL_HAWD	0x0200	/* Hardware Autonomous Width Disable */
#define  PCI_EXP_LNKCTL_LBMIE	0x0400	/* Link Bandwidth Management Interrupt Enable */
#define  PCI_EXP_LNKCTL_LABIE	0x0800	/* Link Autonomous Bandwidth Interrupt Enable */

/* Link Status Register, r5.0 §7.5.3.8 Table 7-24 */
#define PCI_EXP_LNKSTA		0x12	/* 16 bits */
#define  PCI_EXP_LNKSTA_CLS	0x000f	/* Current Link Speed (RO) */
#define  PCI_EXP_LNKSTA_NLW	0x03f0	/* Negotiated Link Width (RO) */
#define  PCI_EXP_LNKSTA_LT	0x0800	/* Link Training (RO) */
#define  PCI_EXP_LNKSTA_SLC	0x1000	/* Slot Clock Configuration (HwInit) */
#define  PCI_EXP_LNKSTA_DLLLA	0x2000	/* Data Link Layer Link Active (RO) */
#define  PCI_EXP_LNKSTA_LBMS	0x4000	/* Link Bandwidth Management Status (RW1C; QEMU RO) */
#define  PCI_EXP_LNKSTA_LABS	0x8000	/* Link Autonomous Bandwidth Status (RW1C; QEMU RO) */

/* Slot Capabilities Register, r5.0 §7.5.3.9 Table 7-25 (HwInit) */
#define PCI_EXP_SLTCAP		0x14	/* 32 bits */
#define  PCI_EXP_SLTCAP_ABP	0x00000001 /* Attention Button Present */
#define  PCI_EXP_SLTCAP_PCP	0x00000002 /* Power Controller Present */
#define  PCI_EXP_SLTCAP_MRLSP	0x00000004 /* MRL Sensor Present */
#define  PCI_EXP_SLTCAP_AIP	0x00000008 /* Attention Indicator Present */
#define  PCI_EXP_SLTCAP_PIP	0x00000010 /* Power Indicator Present */
#define  PCI_EXP_SLTCAP_HPS	0x00000020 /* Hot-Plug Surprise */
#define  PCI_EXP_SLTCAP_HPC	0x00000040 /* Hot-Plug Capable */
#define  PCI_EXP_SLTCAP_SPLV	0x00007f80 /* Slot Power Limit Value */
#define  PCI_EXP_SLTCAP_SPLS	0x00018000 /* Slot Power Limit Scale */
#define  PCI_EXP_SLTCAP_EIP	0x00020000 /* Electromechanical Interlock Present */
#define  PCI_EXP_SLTCAP_NCCS	0x00040000 /* No Command Completed Support */
#define  PCI_EXP_SLTCAP_PSN	0xfff80000 /* Physical Slot Number */

/* Slot Control Register, r5.0 §7.5.3.10 Table 7-26 */
#define PCI_EXP_SLTCTL		0x18	/* 16 bits */
#define  PCI_EXP_SLTCTL_ABPE	0x0001	/* Attention Button Pressed Enable (RW) */
#define  PCI_EXP_SLTCTL_PFDE	0x0002	/* Power Fault Detected Enable (RW; QEMU RO 0) */
#define  PCI_EXP_SLTCTL_MRLSCE	0x0004	/* MRL Sensor Changed Enable (RW; QEMU RO 0) */
#define  PCI_EXP_SLTCTL_PDCE	0x0008	/* Presence Detect Changed Enable (RW) */
#define  PCI_EXP_SLTCTL_CCIE	0x0010	/* Command Completed Interrupt Enable (RW) */
#define  PCI_EXP_SLTCTL_HPIE	0x0020	/* Hot-Plug Interrupt Enable (RW) */
#define  PCI_EXP_SLTCTL_AIC	0x00c0	/* Attention Indicator Control (RW) */
#define   PCI_EXP_SLTCTL_ATTN_IND_ON	0x0040
#define   PCI_EXP_SLTCTL_ATTN_IND_BLINK	0x0080
#define   PCI_EXP_SLTCTL_ATTN_IND_OFF	0x00c0
#define  PCI_EXP_SLTCTL_PIC	0x0300	/* Power Indicator Control (RW) */
#define   PCI_EXP_SLTCTL_PWR_IND_ON	0x0100
#define   PCI_EXP_SLTCTL_PWR_IND_BLINK	0x0200
#define   PCI_EXP_SLTCTL_PWR_IND_OFF	0x0300
#define  PCI_EXP_SLTCTL_PCC	0x0400	/* Power Controller Control (RW): 1 = off */
#define   PCI_EXP_SLTCTL_PWR_ON		0x0000
#define   PCI_EXP_SLTCTL_PWR_OFF	0x0400
#define  PCI_EXP_SLTCTL_EIC	0x0800	/* Electromechanical Interlock Control (RW, reads 0) */
#define  PCI_EXP_SLTCTL_DLLSCE	0x1000	/* Data Link Layer State Changed Enable (RW; QEMU RO 0) */
#define  PCI_EXP_SLTCTL_ASPL_DISABLE 0x2000 /* Auto Slot Power Limit Disable */
#define  PCI_EXP_SLTCTL_IBPD_DISABLE 0x4000 /* In-band PD Disable */

/* Slot Status Register, r5.0 §7.5.3.11 Table 7-27 */
#define PCI_EXP_SLTSTA		0x1a	/* 16 bits */
#define  PCI_EXP_SLTSTA_ABP	0x0001	/* Attention Button Pressed (RW1C) */
#define  PCI_EXP_SLTSTA_PFD	0x0002	/* Power Fault Detected (RW1C; QEMU RO 0) */
#define  PCI_EXP_SLTSTA_MRLSC	0x0004	/* MRL Sensor Changed (RW1C; QEMU RO 0) */
#define  PCI_EXP_SLTSTA_PDC	0x0008	/* Presence Detect Changed (RW1C) */
#define  PCI_EXP_SLTSTA_CC	0x0010	/* Command Completed (RW1C) */
#define  PCI_EXP_SLTSTA_MRLSS	0x0020	/* MRL Sensor State (RO) */
#define  PCI_EXP_SLTSTA_PDS	0x0040	/* Presence Detect State (RO) */
#define  PCI_EXP_SLTSTA_EIS	0x0080	/* Electromechanical Interlock Status (RO) */
#define  PCI_EXP_SLTSTA_DLLSC	0x0100	/* Data Link Layer State Changed (RW1C; QEMU RO 0) */

/*
 * QEMU's hot-plug event set (include/hw/pci/pcie.h PCIExpressHotPlugEvent,
 * PCI_EXP_HP_EV_SUPPORTED): the Slot Status bits QEMU makes RW1C, and the matching
 * enable bits in Slot Control (same bit positions). Value 0x19.
 */
#define PCISIM_EXP_HP_EV_ABP	PCI_EXP_SLTCTL_ABPE
#define PCISIM_EXP_HP_EV_PDC	PCI_EXP_SLTCTL_PDCE
#define PCISIM_EXP_HP_EV_CCI	PCI_EXP_SLTCTL_CCIE
#define PCISIM_EXP_HP_EV_SUPPORTED (PCISIM_EXP_HP_EV_ABP | PCISIM_EXP_HP_EV_PDC | PCISIM_EXP_HP_EV_CCI)
/* QEMU PCI_EXP_SLTCTL_SUPPORTED (include/hw/pci/pcie_regs.h) */
#define PCISIM_EXP_SLTCTL_SUPPORTED (PCI_EXP_SLTCTL_ABPE | PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_CCIE | \
				     PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_AIC | PCI_EXP_SLTCTL_PCC | \
				     PCI_EXP_SLTCTL_EIC)

/* Root Control Register, r5.0 §7.5.3.12 Table 7-28 */
#define PCI_EXP_RTCTL		0x1c	/* 16 bits */
#define  PCI_EXP_RTCTL_SECEE	0x0001	/* System Error on Correctable Error Enable (RW) */
#define  PCI_EXP_RTCTL_SENFEE	0x0002	/* System Error on Non-Fatal Error Enable (RW) */
#define  PCI_EXP_RTCTL_SEFEE	0x0004	/* System Error on Fatal Error Enable (RW) */
#define  PCI_EXP_RTCTL_PMEIE	0x0008	/* PME Interrupt Enable (RW; QEMU RO 0) */
#define  PCI_EXP_RTCTL_CRSSVE	0x0010	/* CRS Software Visibility Enable (RW; QEMU RO 0) */

/* Root Capabilities Register, r5.0 §7.5.3.13 Table 7-29 */
#define PCI_EXP_RTCAP		0x1e	/* 16 bits */
#define  PCI_EXP_RTCAP_CRSVIS	0x0001	/* CRS Software Visibility (RO) */

/* Root Status Register, r5.0 §7.5.3.14 Table 7-30 */
#define PCI_EXP_RTSTA		0x20	/* 32 bits */
#define  PCI_EXP_RTSTA_PME_RID	0x0000ffff /* PME Requester ID (RO) */
#define  PCI_EXP_RTSTA_PME	0x00010000 /* PME Status (RW1C; QEMU RO 0) */
#define  PCI_EXP_RTSTA_PENDING	0x00020000 /* PME Pending (RO) */

/* Device Capabilities 2 Register, r5.0 §7.5.3.15 Table 7-31 (RO/HwInit) */
#define PCI_EXP_DEVCAP2		0x24	/* 32 bits */
#define  PCI_EXP_DEVCAP2_COMP_TMOUT_DIS 0x00000010 /* Completion Timeout Disable supported */
#define  PCI_EXP_DEVCAP2_ARI	0x00000020 /* ARI Forwarding Supported */
#define  PCI_EXP_DEVCAP2_ATOMIC_ROUTE 0x00000040
#define  PCI_EXP_DEVCAP2_ATOMIC_COMP32 0x00000080
#define  PCI_EXP_DEVCAP2_ATOMIC_COMP64 0x00000100
#define  PCI_EXP_DEVCAP2_ATOMIC_COMP128 0x00000200
#define  PCI_EXP_DEVCAP2_LTR	0x00000800 /* Latency Tolerance Reporting */
#define  PCI_EXP_DEVCAP2_OBFF_MASK 0x000c0000
#define  PCI_EXP_DEVCAP2_EFF	0x00100000 /* Extended Fmt Field Supported (QEMU sets) */
#define  PCI_EXP_DEVCAP2_EETLPP	0x00200000 /* End-End TLP Prefix Supported (QEMU sets) */
#define  PCI_EXP_DEVCAP2_EE_PREFIX PCI_EXP_DEVCAP2_EETLPP

/* Device Control 2 Register, r5.0 §7.5.3.16 Table 7-32 */
#define PCI_EXP_DEVCTL2		0x28	/* 16 bits */
#define  PCI_EXP_DEVCTL2_COMP_TIMEOUT 0x000f /* Completion Timeout Value */
#define  PCI_EXP_DEVCTL2_COMP_TMOUT_DIS 0x0010 /* Completion Timeout Disable */
#define  PCI_EXP_DEVCTL2_ARI	0x0020	/* ARI Forwarding Enable (RW when DEVCAP2.ARI) */
#define  PCI_EXP_DEVCTL2_ATOMIC_REQ 0x0040
#define  PCI_EXP_DEVCTL2_ATOMIC_EGRESS_BLOCK 0x0080
#define  PCI_EXP_DEVCTL2_IDO_REQ_EN 0x0100
#define  PCI_EXP_DEVCTL2_IDO_CMP_EN 0x0200
#define  PCI_EXP_DEVCTL2_LTR_EN	0x0400
#define  PCI_EXP_DEVCTL2_OBFF_MSGA_EN 0x2000
#define  PCI_EXP_DEVCTL2_OBFF_MSGB_EN 0x4000
#define  PCI_EXP_DEVCTL2_OBFF_WAKE_EN 0x6000
#define  PCI_EXP_DEVCTL2_EETLPPB 0x8000	/* End-End TLP Prefix Blocking (QEMU RW) */
#define PCI_EXP_DEVSTA2		0x2a	/* 16 bits, reserved */

/* Link Capabilities 2 Register, r5.0 §7.5.3.18 Table 7-34 (RO/HwInit) */
#define PCI_EXP_LNKCAP2		0x2c	/* 32 bits */
#define  PCI_EXP_LNKCAP2_SLS	0x000000fe /* Supported Link Speeds Vector */
#define   PCI_EXP_LNKCAP2_SLS_2_5GB 0x00000002
#define   PCI_EXP_LNKCAP2_SLS_5_0GB 0x00000004
#define   PCI_EXP_LNKCAP2_SLS_8_0GB 0x00000008
#define   PCI_EXP_LNKCAP2_SLS_16_0GB 0x00000010
#define   PCI_EXP_LNKCAP2_SLS_32_0GB 0x00000020
#define   PCI_EXP_LNKCAP2_SLS_64_0GB 0x00000040
#define  PCI_EXP_LNKCAP2_CROSSLINK 0x00000100

/* Link Control 2 Register, r5.0 §7.5.3.19 Table 7-35 */
#define PCI_EXP_LNKCTL2		0x30	/* 16 bits */
#define  PCI_EXP_LNKCTL2_TLS	0x000f	/* Target Link Speed (RWS; QEMU RO, set to max speed) */
#define   PCI_EXP_LNKCTL2_TLS_2_5GT 0x0001
#define   PCI_EXP_LNKCTL2_TLS_5_0GT 0x0002
#define   PCI_EXP_LNKCTL2_TLS_8_0GT 0x0003
#define   PCI_EXP_LNKCTL2_TLS_16_0GT 0x0004
#define   PCI_EXP_LNKCTL2_TLS_32_0GT 0x0005
#define   PCI_EXP_LNKCTL2_TLS_64_0GT 0x0006
#define  PCI_EXP_LNKCTL2_ENTER_COMP 0x0010 /* Enter Compliance (RWS) */
#define  PCI_EXP_LNKCTL2_HASD	0x0020	/* Hardware Autonomous Speed Disable */
#define  PCI_EXP_LNKCTL2_SDE	0x0040	/* Selectable De-emphasis (HwInit) */
#define  PCI_EXP_LNKCTL2_TX_MARGIN 0x0380 /* Transmit Margin (RWS) */
#define  PCI_EXP_LNKCTL2_EMC	0x0400	/* Enter Modified Compliance (RWS) */
#define  PCI_EXP_LNKCTL2_CSOS	0x0800	/* Compliance SOS (RWS) */
#define  PCI_EXP_LNKCTL2_CDE	0xf000	/* Compliance Preset/De-emphasis (RWS) */
#define  PCISIM_EXP_LNKCTL2_STICKY (PCI_EXP_LNKCTL2_TLS | PCI_EXP_LNKCTL2_ENTER_COMP | \
				    PCI_EXP_LNKCTL2_TX_MARGIN | PCI_EXP_LNKCTL2_EMC | \
				    PCI_EXP_LNKCTL2_CSOS | PCI_EXP_LNKCTL2_CDE)
#define PCI_EXP_LNKSTA2		0x32	/* 16 bits */
#define PCI_EXP_SLTCAP2		0x34	/* 32 bits, Slot Capabilities 2 */
#define  PCI_EXP_SLTCAP2_IBPD	0x00000001 /* In-band PD Disable Supported */
#define PCI_EXP_SLTCTL2		0x38	/* 16 bits */
#define PCI_EXP_SLTSTA2		0x3a	/* 16 bits */

/*
 * Link speeds and widths as QEMU numbers them (include/hw/pci/pcie_regs.h
 * PCIExpLinkSpeed / PCIExpLinkWidth): the speed value is the LNKCAP/LNKSTA encoding,
 * the width value the lane count.
 */
enum pcisim_link_speed {
	PCISIM_LNK_SPEED_NONE = 0, /* unset (QEMU leaves LNKCAP.SLS at 0) */
	PCISIM_LNK_2_5GT = 1,
	PCISIM_LNK_5GT = 2,
	PCISIM_LNK_8GT = 3,
	PCISIM_LNK_16GT = 4,
	PCISIM_LNK_32GT = 5,
	PCISIM_LNK_64GT = 6,
};

#endif
