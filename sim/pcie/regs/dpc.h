/*
 * Downstream Port Containment extended capability (ID 0x001d), PCIe r5.0 §7.9.15.
 * QEMU's ports have no DPC; pcisim's optional DPC follows the spec tables cited.
 */
#ifndef PCISIM_PCIE_REGS_DPC_H
#define PCISIM_PCIE_REGS_DPC_H

#include "sim/pcie/regs/field.h"

#define PCISIM_DPC_VER		1
#define PCISIM_DPC_SIZEOF	0x0c	/* without Root Port Programmed I/O extensions */
#define PCI_EXP_DPC_CAP		0x04	/* 16 bits, DPC Capability (RO/HwInit), r5.0 §7.9.15.2 */
#define  PCI_EXP_DPC_IRQ	0x001f	/* DPC Interrupt Message Number */
#define  PCI_EXP_DPC_CAP_RP_EXT	0x0020	/* RP Extensions for DPC */
#define  PCI_EXP_DPC_CAP_POISONED_TLP 0x0040 /* Poisoned TLP Egress Blocking Supported */
#define  PCI_EXP_DPC_CAP_SW_TRIGGER 0x0080 /* DPC Software Triggering Supported */
#define  PCI_EXP_DPC_RP_PIO_LOG_SIZE 0x0f00 /* RP PIO Log Size [3:0] (DW) */
#define  PCI_EXP_DPC_CAP_DL_ACTIVE 0x1000 /* DL_Active ERR_COR Signaling Supported */
#define  PCI_EXP_DPC_RP_PIO_LOG_SIZE4 0x2000 /* RP PIO Log Size [4] (r6.0) */
#define PCI_EXP_DPC_CTL		0x06	/* 16 bits, DPC Control, r5.0 §7.9.15.3 */
#define  PCI_EXP_DPC_CTL_EN_MASK 0x0003	/* DPC Trigger Enable (RW) */
#define  PCI_EXP_DPC_CTL_EN_FATAL 0x0001 /* 01b: ERR_FATAL */
#define  PCI_EXP_DPC_CTL_EN_NONFATAL 0x0002 /* 10b: ERR_FATAL or ERR_NONFATAL */
#define  PCI_EXP_DPC_CTL_CPL	0x0004	/* DPC Completion Control (RW) */
#define  PCI_EXP_DPC_CTL_INT_EN	0x0008	/* DPC Interrupt Enable (RW) */
#define  PCI_EXP_DPC_CTL_ERR_COR_EN 0x0010 /* DPC ERR_COR Enable (RW) */
#define  PCI_EXP_DPC_CTL_POISONED_TLP 0x0020 /* Poisoned TLP Egress Blocking Enable (RW) */
#define  PCI_EXP_DPC_CTL_SW_TRIGGER 0x0040 /* DPC Software Trigger (RW, reads 0) */
#define  PCI_EXP_DPC_CTL_DL_ACTIVE 0x0080 /* DL_Active ERR_COR Enable (RW) */
#define PCI_EXP_DPC_STATUS	0x08	/* 16 bits, DPC Status, r5.0 §7.9.15.4 */
#define  PCI_EXP_DPC_STATUS_TRIGGER 0x0001 /* DPC Trigger Status (RW1CS) */
#define  PCI_EXP_DPC_STATUS_TRIGGER_RSN 0x0006 /* DPC Trigger Reason (ROS) */
#define   PCI_EXP_DPC_STATUS_TRIGGER_RSN_UNCOR 0x0000 /* unmasked uncorrectable error */
#define   PCI_EXP_DPC_STATUS_TRIGGER_RSN_NFE 0x0002 /* ERR_NONFATAL received */
#define   PCI_EXP_DPC_STATUS_TRIGGER_RSN_FE 0x0004 /* ERR_FATAL received */
#define   PCI_EXP_DPC_STATUS_TRIGGER_RSN_IN_EXT 0x0006 /* see Trigger Reason Extension */
#define  PCI_EXP_DPC_STATUS_INTERRUPT 0x0008 /* DPC Interrupt Status (RW1C) */
#define  PCI_EXP_DPC_RP_BUSY	0x0010	/* DPC RP Busy (RO) */
#define  PCI_EXP_DPC_STATUS_TRIGGER_RSN_EXT 0x0060 /* DPC Trigger Reason Extension (ROS) */
#define   PCI_EXP_DPC_STATUS_TRIGGER_RSN_RP_PIO 0x0000
#define   PCI_EXP_DPC_STATUS_TRIGGER_RSN_SW_TRIGGER 0x0020
#define  PCI_EXP_DPC_RP_PIO_FEP	0x1f00	/* RP PIO First Error Pointer (ROS) */
#define PCI_EXP_DPC_SOURCE_ID	0x0a	/* 16 bits, DPC Error Source ID (ROS), r5.0 §7.9.15.5 */
#define PCI_EXP_DPC_RP_PIO_STATUS 0x0c	/* 32 bits (RW1CS), r5.0 §7.9.15.6 */
#define PCI_EXP_DPC_RP_PIO_MASK	0x10	/* 32 bits (RWS) */
#define PCI_EXP_DPC_RP_PIO_SEVERITY 0x14 /* 32 bits (RWS) */
#define PCI_EXP_DPC_RP_PIO_SYSERROR 0x18 /* 32 bits (RWS) */
#define PCI_EXP_DPC_RP_PIO_EXCEPTION 0x1c /* 32 bits (RWS) */
#define PCI_EXP_DPC_RP_PIO_HEADER_LOG 0x20 /* 4 DW (ROS) */
#define PCI_EXP_DPC_RP_PIO_IMPSPEC_LOG 0x30 /* 1 DW (ROS) */
#define PCI_EXP_DPC_RP_PIO_TLPPREFIX_LOG 0x34 /* up to 4 DW (ROS) */
/* Implemented RP PIO error bits (Cfg/IO/Mem x UR/CA/CTO), r5.0 §7.9.15.6 [UNVERIFIED] */
#define PCISIM_DPC_RP_PIO_SUPPORTED 0x00070707

#endif
