/*
 * Device Serial Number extended capability (ID 0x0003), PCIe r5.0 §7.9.3: a 64-bit
 * EUI-64 serial, read-only. QEMU: pcie_dev_ser_num_init() (hw/pci/pcie.c).
 */
#ifndef PCISIM_PCIE_REGS_DSN_H
#define PCISIM_PCIE_REGS_DSN_H

#define PCISIM_DSN_VER		1	/* QEMU PCI_EXT_CAP_DSN_VER */
#define PCISIM_DSN_SIZEOF	0x0c	/* QEMU PCI_EXT_CAP_DSN_SIZEOF */
#define PCI_DSN_LOWER		0x04	/* 32 bits, Serial Number Register (Lower DW), RO */
#define PCI_DSN_UPPER		0x08	/* 32 bits, Serial Number Register (Upper DW), RO */

#endif
