/*
 * Advanced Error Reporting extended capability (ID 0x0001), PCIe r5.0 §7.8.4.
 *
 * Offsets from the extended capability header. Names and values are Linux's
 * include/uapi/linux/pci_regs.h; QEMU's sets and defaults (include/hw/pci/pcie_regs.h,
 * hw/pci/pcie_aer.c) carry PCISIM_ with QEMU's name in the comment. The uncorrectable
 * error bits are shared by the Status, Mask and Severity registers (Table 7-93..7-95).
 */
#ifndef PCISIM_PCIE_REGS_AER_H
#define PCISIM_PCIE_REGS_AER_H

#include "sim/pcie/regs/field.h"

#define PCISIM_ERR_VER		2	/* QEMU PCI_ERR_VER: capability version */
#define PCISIM_ERR_SIZEOF	0x48	/* QEMU PCI_ERR_SIZEOF: through the TLP Prefix Log */

/* Uncorrectable Error Status, r5.0 §7.8.4.2 Table 7-93 (RW1CS) */
#define PCI_ERR_UNCOR_STATUS	0x04	/* 32 bits */
#define  PCI_ERR_UNC_UND	0x00000001 /* Undefined (was Training Error) */
#define  PCI_ERR_UNC_DLP	0x00000010 /* Data Link Protocol Error */
#define  PCI_ERR_UNC_SURPDN	0x00000020 /* Surprise Down Error (QEMU PCI_ERR_UNC_SDN) */
#define  PCI_ERR_UNC_POISON_TLP	0x00001000 /* Poisoned TLP Received */
#define  PCI_ERR_UNC_FCP	0x00002000 /* Flow Control Protocol Error */
#define  PCI_ERR_UNC_COMP_TIME	0x00004000 /* Completion Timeout */
#define  PCI_ERR_UNC_COMP_ABORT	0x00008000 /* Completer Abort */
#define  PCI_ERR_UNC_UNX_COMP	0x00010000 /* Unexpected Completion */
#define  PCI_ERR_UNC_RX_OVER	0x00020000 /* Receiver Overflow */
#define  PCI_ERR_UNC_MALF_TLP	0x00040000 /* Malformed TLP */
#define  PCI_ERR_UNC_ECRC	0x00080000 /* ECRC Error */
#define  PCI_ERR_UNC_UNSUP	0x00100000 /* Unsupported Request */
#define  PCI_ERR_UNC_ACSV	0x00200000 /* ACS Violation */
#define  PCI_ERR_UNC_INTN	0x00400000 /* Uncorrectable Internal Error */
#define  PCI_ERR_UNC_MCBTLP	0x00800000 /* MC Blocked TLP */
#define  PCI_ERR_UNC_ATOMEG	0x01000000 /* AtomicOp Egress Blocked (QEMU ATOP_EBLOCKED) */
#define  PCI_ERR_UNC_TLPPRE	0x02000000 /* TLP Prefix Blocked (QEMU TLP_PRF_BLOCKED) */
#define  PCI_ERR_UNC_POISON_BLK	0x04000000 /* Poisoned TLP Egress Blocked */
#define PCI_ERR_UNCOR_MASK	0x08	/* 32 bits, r5.0 §7.8.4.3 Table 7-94 (RWS) */
#define PCI_ERR_UNCOR_SEVER	0x0c	/* 32 bits, r5.0 §7.8.4.4 Table 7-95 (RWS), 1 = fatal */

/* Correctable Error Status, r5.0 §7.8.4.5 Table 7-96 (RW1CS) */
#define PCI_ERR_COR_STATUS	0x10	/* 32 bits */
#define  PCI_ERR_COR_RCVR	0x00000001 /* Receiver Error */
#define  PCI_ERR_COR_BAD_TLP	0x00000040 /* Bad TLP */
#define  PCI_ERR_COR_BAD_DLLP	0x00000080 /* Bad DLLP */
#define  PCI_ERR_COR_REP_ROLL	0x00000100 /* REPLAY_NUM Rollover */
#define  PCI_ERR_COR_REP_TIMER	0x00001000 /* Replay Timer Timeout */
#define  PCI_ERR_COR_ADV_NFAT	0x00002000 /* Advisory Non-Fatal (QEMU ADV_NONFATAL) */
#define  PCI_ERR_COR_INTERNAL	0x00004000 /* Corrected Internal Error */
#define  PCI_ERR_COR_LOG_OVER	0x00008000 /* Header Log Overflow (QEMU HL_OVERFLOW) */
#define PCI_ERR_COR_MASK	0x14	/* 32 bits, r5.0 §7.8.4.6 Table 7-97 (RWS) */

/* Advanced Error Capabilities and Control, r5.0 §7.8.4.7 Table 7-98 */
#define PCI_ERR_CAP		0x18	/* 32 bits */
#define  PCI_ERR_CAP_FEP_MASK	0x0000001f /* First Error Pointer (ROS) */
#define  PCI_ERR_CAP_FEP(x)	((x) & 0x1f)
#define  PCI_ERR_CAP_ECRC_GENC	0x00000020 /* ECRC Generation Capable (RO) */
#define  PCI_ERR_CAP_ECRC_GENE	0x00000040 /* ECRC Generation Enable (RWS) */
#define  PCI_ERR_CAP_ECRC_CHKC	0x00000080 /* ECRC Check Capable (RO) */
#define  PCI_ERR_CAP_ECRC_CHKE	0x00000100 /* ECRC Check Enable (RWS) */
#define  PCI_ERR_CAP_MHRC	0x00000200 /* Multiple Header Recording Capable (RO) */
#define  PCI_ERR_CAP_MHRE	0x00000400 /* Multiple Header Recording Enable (RWS) */
#define  PCI_ERR_CAP_TLP	0x00000800 /* TLP Prefix Log Present (ROS) */
#define  PCI_ERR_CAP_CTO_LOG	0x00001000 /* Completion Timeout Prefix/Header Log Capable (RO) */
#define PCI_ERR_HEADER_LOG	0x1c	/* Header Log, 4 DW big-endian TLP header (ROS) */
#define  PCISIM_ERR_HEADER_LOG_SIZE 16	/* QEMU PCI_ERR_HEADER_LOG_SIZE */

/* Root Error Command, r5.0 §7.8.4.9 Table 7-100 (RW) */
#define PCI_ERR_ROOT_COMMAND	0x2c	/* 32 bits */
#define  PCI_ERR_ROOT_CMD_COR_EN	0x00000001 /* Correctable Error Reporting Enable */
#define  PCI_ERR_ROOT_CMD_NONFATAL_EN	0x00000002 /* Non-Fatal Error Reporting Enable */
#define  PCI_ERR_ROOT_CMD_FATAL_EN	0x00000004 /* Fatal Error Reporting Enable */
/* Root Error Status, r5.0 §7.8.4.10 Table 7-101 (RW1CS, message number RO) */
#define PCI_ERR_ROOT_STATUS	0x30	/* 32 bits */
#define  PCI_ERR_ROOT_COR_RCV		0x00000001 /* ERR_COR Received */
#define  PCI_ERR_ROOT_MULTI_COR_RCV	0x00000002 /* Multiple ERR_COR Received */
#define  PCI_ERR_ROOT_UNCOR_RCV		0x00000004 /* ERR_FATAL/NONFATAL Received */
#define  PCI_ERR_ROOT_MULTI_UNCOR_RCV	0x00000008 /* Multiple ERR_FATAL/NONFATAL Received */
#define  PCI_ERR_ROOT_FIRST_FATAL	0x00000010 /* First Uncorrectable Fatal */
#define  PCI_ERR_ROOT_NONFATAL_RCV	0x00000020 /* Non-Fatal Error Messages Received */
#define  PCI_ERR_ROOT_FATAL_RCV		0x00000040 /* Fatal Error Messages Received */
#define  PCI_ERR_ROOT_AER_IRQ		0xf8000000 /* Advanced Error Interrupt Message Number */
/* Error Source Identification, r5.0 §7.8.4.11 Table 7-102 (ROS) */
#define PCI_ERR_ROOT_ERR_SRC	0x34	/* 32 bits */
#define  PCISIM_ERR_SRC_COR	0x0000ffff /* ERR_COR Source Identification */
#define  PCISIM_ERR_SRC_UNCOR	0xffff0000 /* ERR_FATAL/NONFATAL Source Identification */
/* TLP Prefix Log, r5.0 §7.8.4.12 (ROS) */
#define PCI_ERR_PREFIX_LOG	0x38	/* 4 DW; QEMU PCI_ERR_TLP_PREFIX_LOG */
#define  PCISIM_ERR_TLP_PREFIX_LOG_SIZE 16

/* QEMU's sets (include/hw/pci/pcie_regs.h) */
#define PCISIM_ERR_UNC_SUPPORTED	/* QEMU PCI_ERR_UNC_SUPPORTED = 0x03fff030 */ \
	(PCI_ERR_UNC_DLP | PCI_ERR_UNC_SURPDN | PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_FCP | \
	 PCI_ERR_UNC_COMP_TIME | PCI_ERR_UNC_COMP_ABORT | PCI_ERR_UNC_UNX_COMP | \
	 PCI_ERR_UNC_RX_OVER | PCI_ERR_UNC_MALF_TLP | PCI_ERR_UNC_ECRC | PCI_ERR_UNC_UNSUP | \
	 PCI_ERR_UNC_ACSV | PCI_ERR_UNC_INTN | PCI_ERR_UNC_MCBTLP | PCI_ERR_UNC_ATOMEG | \
	 PCI_ERR_UNC_TLPPRE)
#define PCISIM_ERR_UNC_SEVERITY_DEFAULT	/* QEMU PCI_ERR_UNC_SEVERITY_DEFAULT = 0x00462030 */ \
	(PCI_ERR_UNC_DLP | PCI_ERR_UNC_SURPDN | PCI_ERR_UNC_FCP | PCI_ERR_UNC_RX_OVER | \
	 PCI_ERR_UNC_MALF_TLP | PCI_ERR_UNC_INTN)
#define PCISIM_ERR_UNC_MASK_DEFAULT	/* QEMU PCI_ERR_UNC_MASK_DEFAULT = 0x02400000 (QEMU >= 8.0) */ \
	(PCI_ERR_UNC_INTN | PCI_ERR_UNC_TLPPRE)
#define PCISIM_ERR_COR_SUPPORTED	/* QEMU PCI_ERR_COR_SUPPORTED = 0x0000f1c1 */ \
	(PCI_ERR_COR_RCVR | PCI_ERR_COR_BAD_TLP | PCI_ERR_COR_BAD_DLLP | PCI_ERR_COR_REP_ROLL | \
	 PCI_ERR_COR_REP_TIMER | PCI_ERR_COR_ADV_NFAT | PCI_ERR_COR_INTERNAL | PCI_ERR_COR_LOG_OVER)
#define PCISIM_ERR_COR_MASK_DEFAULT	/* QEMU PCI_ERR_COR_MASK_DEFAULT = 0x0000e000 */ \
	(PCI_ERR_COR_ADV_NFAT | PCI_ERR_COR_INTERNAL | PCI_ERR_COR_LOG_OVER)
#define PCISIM_ERR_ROOT_CMD_EN_MASK	/* QEMU PCI_ERR_ROOT_CMD_EN_MASK */ \
	(PCI_ERR_ROOT_CMD_COR_EN | PCI_ERR_ROOT_CMD_NONFATAL_EN | PCI_ERR_ROOT_CMD_FATAL_EN)
#define PCISIM_ERR_ROOT_STATUS_REPORT_MASK /* QEMU PCI_ERR_ROOT_STATUS_REPORT_MASK = 0x7f */ \
	(PCI_ERR_ROOT_COR_RCV | PCI_ERR_ROOT_MULTI_COR_RCV | PCI_ERR_ROOT_UNCOR_RCV | \
	 PCI_ERR_ROOT_MULTI_UNCOR_RCV | PCI_ERR_ROOT_FIRST_FATAL | PCI_ERR_ROOT_NONFATAL_RCV | \
	 PCI_ERR_ROOT_FATAL_RCV)
#define PCISIM_ERR_LOG_MAX_DEFAULT	8	/* QEMU PCIE_AER_LOG_MAX_DEFAULT (aer_log_max) */
#define PCISIM_ERR_LOG_MAX_LIMIT	128	/* QEMU PCIE_AER_LOG_MAX_LIMIT */

#endif
