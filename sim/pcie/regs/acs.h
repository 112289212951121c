/*
 * Access Control Services extended capability (ID 0x000d), PCIe r5.0 §7.7.8.
 */
#ifndef PCISIM_PCIE_REGS_ACS_H
#define PCISIM_PCIE_REGS_ACS_H

#include "sim/pcie/regs/field.h"

#define PCISIM_ACS_VER		1	/* QEMU PCI_ACS_VER */
#define PCISIM_ACS_SIZEOF	8	/* QEMU PCI_ACS_SIZEOF (no egress control vector) */
#define PCI_ACS_CAP		0x04	/* 16 bits, ACS Capability (RO), Table 7-109 */
#define  PCI_ACS_SV		0x0001	/* Source Validation */
#define  PCI_ACS_TB		0x0002	/* Translation Blocking */
#define  PCI_ACS_RR		0x0004	/* P2P Request Redirect */
#define  PCI_ACS_CR		0x0008	/* P2P Completion Redirect */
#define  PCI_ACS_UF		0x0010	/* Upstream Forwarding */
#define  PCI_ACS_EC		0x0020	/* P2P Egress Control */
#define  PCI_ACS_DT		0x0040	/* Direct Translated P2P */
#define  PCI_ACS_EGRESS_BITS	0xff00	/* Egress Control Vector Size */
#define PCI_ACS_CTRL		0x06	/* 16 bits, ACS Control (RW for capable bits), Table 7-110 */
#define PCI_ACS_EGRESS_CTL_V	0x08	/* Egress Control Vector */
/* QEMU pcie_acs_init(): what a downstream port implements (SV, TB, RR, CR, UF, DT). */
#define PCISIM_ACS_DOWNSTREAM_SUPPORTED (PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR | \
					 PCI_ACS_UF | PCI_ACS_DT)

#endif
