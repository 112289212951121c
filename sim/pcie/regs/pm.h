/*
 * Power Management capability (ID 0x01), PCI Bus Power Management Interface
 * r1.2 §3.2; PCIe r5.0 §7.5.2.
 */
#ifndef PCISIM_PCIE_REGS_PM_H
#define PCISIM_PCIE_REGS_PM_H

#include "sim/pcie/regs/field.h"

#define PCI_PM_PMC		0x02	/* 16 bits, Power Management Capabilities (RO) */
#define  PCI_PM_CAP_VER_MASK	0x0007	/* Version (3 = PM r1.2) */
#define   PCISIM_PM_CAP_VER_1_1	0x0002
#define   PCISIM_PM_CAP_VER_1_2	0x0003
#define  PCI_PM_CAP_PME_CLOCK	0x0008	/* PME clock (RO 0 on PCIe) */
#define  PCI_PM_CAP_IMM_READY	0x0010	/* Immediate Readiness on Return to D0 */
#define  PCI_PM_CAP_DSI		0x0020	/* Device Specific Initialization */
#define  PCI_PM_CAP_AUX_POWER	0x01c0	/* Aux_Current */
#define  PCI_PM_CAP_D1		0x0200	/* D1 supported */
#define  PCI_PM_CAP_D2		0x0400	/* D2 supported */
#define  PCI_PM_CAP_PME_MASK	0xf800	/* PME_Support: states that can assert PME */
#define  PCI_PM_CAP_PME_D0	0x0800
#define  PCI_PM_CAP_PME_D1	0x1000
#define  PCI_PM_CAP_PME_D2	0x2000
#define  PCI_PM_CAP_PME_D3hot	0x4000
#define  PCI_PM_CAP_PME_D3cold	0x8000
#define PCI_PM_CTRL		0x04	/* 16 bits, PMCSR, PM r1.2 §3.2.4 */
#define  PCI_PM_CTRL_STATE_MASK	0x0003	/* PowerState (RW) */
#define   PCISIM_PM_D0		0
#define   PCISIM_PM_D3HOT	3
#define  PCI_PM_CTRL_NO_SOFT_RESET 0x0008 /* No_Soft_Reset (RO) */
#define  PCI_PM_CTRL_PME_ENABLE	0x0100	/* PME_En (RWS when PME from D3cold) */
#define  PCI_PM_CTRL_DATA_SEL_MASK 0x1e00 /* Data_Select */
#define  PCI_PM_CTRL_DATA_SCALE_MASK 0x6000 /* Data_Scale (RO) */
#define  PCI_PM_CTRL_PME_STATUS	0x8000	/* PME_Status (RW1CS when PME from D3cold) */
#define PCI_PM_PPB_EXTENSIONS	0x06	/* 8 bits, PMCSR_BSE (RO) */
#define PCI_PM_DATA_REGISTER	0x07	/* 8 bits, Data (RO) */
#define PCI_PM_SIZEOF		8

#endif
