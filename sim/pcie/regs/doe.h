/*
 * Data Object Exchange extended capability (ID 0x002e), PCIe r6.0 §7.9.24: the
 * mailbox CXL devices use to serve CDAT tables (CXL r3.1 §8.1.11).
 * QEMU builds it with pcie_doe_init() (hw/pci/pcie_doe.c) and synthesises the
 * register reads in pcie_doe_read_config().
 */
#ifndef PCISIM_PCIE_REGS_DOE_H
#define PCISIM_PCIE_REGS_DOE_H

#include "sim/pcie/regs/field.h"

#define PCISIM_DOE_VER		1	/* QEMU: pcie_add_capability(..., 0x1, ...) */
#define PCISIM_DOE_SIZEOF	0x18	/* QEMU PCI_DOE_SIZEOF */
#define PCI_DOE_CAP		0x04	/* 32 bits, DOE Capabilities (RO), §7.9.24.2 */
#define  PCI_DOE_CAP_INT_SUP	0x00000001 /* Interrupt Support */
#define  PCI_DOE_CAP_INT_MSG_NUM 0x00000ffe /* Interrupt Message Number */
#define PCI_DOE_CTRL		0x08	/* 32 bits, DOE Control, §7.9.24.3 */
#define  PCI_DOE_CTRL_ABORT	0x00000001 /* DOE Abort (RW, reads 0) */
#define  PCI_DOE_CTRL_INT_EN	0x00000002 /* DOE Interrupt Enable */
#define  PCI_DOE_CTRL_GO	0x80000000 /* DOE Go (RW, reads 0) */
#define PCI_DOE_STATUS		0x0c	/* 32 bits, DOE Status, §7.9.24.4 */
#define  PCI_DOE_STATUS_BUSY	0x00000001 /* DOE Busy */
#define  PCI_DOE_STATUS_INT_STATUS 0x00000002 /* DOE Interrupt Status (RW1C) */
#define  PCI_DOE_STATUS_ERROR	0x00000004 /* DOE Error */
#define  PCI_DOE_STATUS_DATA_OBJECT_READY 0x80000000 /* Data Object Ready */
#define PCI_DOE_WRITE		0x10	/* 32 bits, DOE Write Data Mailbox */
#define PCI_DOE_READ		0x14	/* 32 bits, DOE Read Data Mailbox */

#endif
