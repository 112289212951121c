/*
 * MSI-X capability (ID 0x11), PCI Local Bus r3.0 §6.8.2; PCIe r5.0 §7.7.2.
 * The table and PBA live in a BAR; the capability holds their locations.
 */
#ifndef PCISIM_PCIE_REGS_MSIX_H
#define PCISIM_PCIE_REGS_MSIX_H

#include "sim/pcie/regs/field.h"

#define PCI_MSIX_FLAGS		0x02	/* 16 bits, Message Control, r5.0 §7.7.2.2 */
#define  PCI_MSIX_FLAGS_QSIZE	0x07ff	/* Table Size - 1 (RO) */
#define  PCI_MSIX_FLAGS_MASKALL	0x4000	/* Function Mask (RW) */
#define  PCI_MSIX_FLAGS_ENABLE	0x8000	/* MSI-X Enable (RW) */
#define PCI_MSIX_TABLE		0x04	/* 32 bits, Table Offset/BIR (RO) */
#define  PCI_MSIX_TABLE_BIR	0x00000007
#define  PCI_MSIX_TABLE_OFFSET	0xfffffff8
#define PCI_MSIX_PBA		0x08	/* 32 bits, PBA Offset/BIR (RO) */
#define  PCI_MSIX_PBA_BIR	0x00000007
#define  PCI_MSIX_PBA_OFFSET	0xfffffff8
#define PCI_CAP_MSIX_SIZEOF	12	/* QEMU MSIX_CAP_LENGTH */
/* Table entry (in the BAR), r5.0 §7.7.2.5 */
#define PCI_MSIX_ENTRY_SIZE		16
#define  PCI_MSIX_ENTRY_LOWER_ADDR	0
#define  PCI_MSIX_ENTRY_UPPER_ADDR	4
#define  PCI_MSIX_ENTRY_DATA		8
#define  PCI_MSIX_ENTRY_VECTOR_CTRL	12
#define   PCI_MSIX_ENTRY_CTRL_MASKBIT	0x00000001
#define PCISIM_MSIX_VECTORS_MAX		2048
/* QEMU msix_init_exclusive_bar(): a 4 KiB BAR, table at 0, PBA in the upper half. */
#define PCISIM_MSIX_EXCLUSIVE_BAR_SIZE	4096
#define PCISIM_MSIX_EXCLUSIVE_PBA_OFFSET 2048
/* Message Control bits QEMU lets the guest write (msix_init). */
#define PCISIM_MSIX_FLAGS_WMASK	(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL)

#endif
