/*
 * MSI capability (ID 0x05), PCI Local Bus r3.0 §6.8.1; PCIe r5.0 §7.7.1.
 *
 * The layout depends on two Message Control bits: 64-bit address capable moves
 * Message Data (and the mask/pending registers) up by 4 bytes; per-vector masking
 * adds Mask Bits and Pending Bits. Sizes are QEMU's (hw/pci/msi.c msi_cap_sizeof).
 */
#ifndef PCISIM_PCIE_REGS_MSI_H
#define PCISIM_PCIE_REGS_MSI_H

#include "sim/pcie/regs/field.h"

#define PCI_MSI_FLAGS		0x02	/* 16 bits, Message Control, r5.0 §7.7.1.2 */
#define  PCI_MSI_FLAGS_ENABLE	0x0001	/* MSI Enable (RW) */
#define  PCI_MSI_FLAGS_QMASK	0x000e	/* Multiple Message Capable (RO), log2 vectors */
#define  PCI_MSI_FLAGS_QSIZE	0x0070	/* Multiple Message Enable (RW), log2 vectors */
#define  PCI_MSI_FLAGS_64BIT	0x0080	/* 64 Bit Address Capable (RO) */
#define  PCI_MSI_FLAGS_MASKBIT	0x0100	/* Per-Vector Masking Capable (RO) */
#define  PCI_MSI_FLAGS_EXT_DATA_CAP 0x0200 /* Extended Message Data Capable */
#define  PCI_MSI_FLAGS_EXT_DATA_EN  0x0400 /* Extended Message Data Enable */
#define PCI_MSI_ADDRESS_LO	0x04	/* 32 bits, bits [1:0] RsvdP */
#define  PCISIM_MSI_ADDRESS_LO_MASK 0xfffffffc /* QEMU PCI_MSI_ADDRESS_LO_MASK */
#define PCI_MSI_ADDRESS_HI	0x08	/* 32 bits, 64-bit capable only */
#define PCI_MSI_DATA_32		0x08	/* 16 bits */
#define PCI_MSI_MASK_32		0x0c	/* 32 bits */
#define PCI_MSI_PENDING_32	0x10	/* 32 bits */
#define PCI_MSI_DATA_64		0x0c	/* 16 bits */
#define PCI_MSI_MASK_64		0x10	/* 32 bits */
#define PCI_MSI_PENDING_64	0x14	/* 32 bits */
#define PCISIM_MSI_32_SIZEOF	0x0a	/* QEMU PCI_MSI_32_SIZEOF */
#define PCISIM_MSI_64_SIZEOF	0x0e	/* QEMU PCI_MSI_64_SIZEOF */
#define PCISIM_MSI_32M_SIZEOF	0x14	/* QEMU PCI_MSI_32M_SIZEOF (with mask/pending) */
#define PCISIM_MSI_64M_SIZEOF	0x18	/* QEMU PCI_MSI_64M_SIZEOF (with mask/pending) */
#define PCISIM_MSI_VECTORS_MAX	32	/* QEMU PCI_MSI_VECTORS_MAX */
/* Message Control bits QEMU lets the guest write (msi_init). */
#define PCISIM_MSI_FLAGS_WMASK	(PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE)

#endif
