/*
 * The CXL register blocks behind the BARs, at register level: what a guest reads and
 * writes at an offset of the BAR the host assigned. This is the whole interface an
 * MMIO dispatcher needs (pcisim_cxl_{component,device}_{read,write}); the register
 * state lives with each model (sim/cxl/cxl_state.h).
 *
 * Contract:
 *  - @off is the byte offset inside the block, @size 1, 2, 4 or 8. The component
 *    block is BAR 0 of cxl-rp, cxl-upstream, cxl-downstream, cxl-type3 and cxl-type1;
 *    a pxb-cxl host bridge's is its CHBS region (ACPI CEDT), not a BAR. The device
 *    block is a type 3 device's BAR 2 and a cxl-switch-mailbox-cci's BAR 0 (its
 *    commands go to its target switch's FM-API set, sim/cxl/fmapi.h). Values are
 *    little-endian, as the guest sees them.
 *  - Access rules are QEMU's (hw/cxl/cxl-component-utils.c, cxl-device-utils.c):
 *      component block: only 0x1000-0x1fff (CXL.cache/mem) is backed; 4-byte accesses
 *        only (7.2 asserts on any other size; later versions log LOG_UNIMP): anything
 *        else reads 0 and writes nothing. Writes go through a per-dword write mask;
 *        RAS status is RW1C (8.0 on; read-only before), an HDM decoder control write
 *        sets Committed from Commit and clears Error Not Committed.
 *      device block: the capability array and headers are read-only and read 4 or 8
 *        bytes at a time, the registers after them any size; writes: 4 bytes at
 *        Mailbox Control (and Capabilities, which QEMU stores), 8 at Command, any
 *        size to the payload, nothing elsewhere. A write that leaves Doorbell set
 *        runs the command at once (QEMU: synchronously in the MMIO write) and
 *        clears it. Background progress is computed at the read.
 *  - Reads never change state; nothing here makes a trace record.
 *  - A function that has no such block (not CXL, or a type 1 device's device block)
 *    reads as 0 and ignores writes.
 */
#ifndef PCISIM_CXL_REGS_H
#define PCISIM_CXL_REGS_H

#include <stdint.h>

struct pcisim_pcifn;

/* ---- component register block (CXL r3.1 §8.2.3, Table 8-21; QEMU's layout) ---- */
#define PCISIM_CXL_COMPONENT_BLOCK_SIZE 0x10000
#define PCISIM_CXL_CM_OFFSET 0x1000 /* CXL.cache/CXL.mem registers, 4 KiB */
#define PCISIM_CXL_CM_SIZE 0x1000

/* Offsets inside the CXL.cache/mem area (add PCISIM_CXL_CM_OFFSET for the BAR) */
#define CXL_CM_CAP_HDR 0x00          /* ID 1, version 1, cache/mem version 1, array size */
#define CXL_CM_RAS_CAP_HDR 0x04      /* capability ID 2 */
#define CXL_CM_LINK_CAP_HDR 0x08     /* capability ID 4 */
#define CXL_CM_HDM_CAP_HDR 0x0c      /* capability ID 5 */
#define   CXL_CAP_ID_RAS 2
#define   CXL_CAP_ID_LINK 4
#define   CXL_CAP_ID_HDM 5

#define CXL_RAS_OFFSET 0x80          /* QEMU CXL_RAS_REGISTERS_OFFSET (a layout choice) */
#define CXL_RAS_UNC_STATUS (CXL_RAS_OFFSET + 0x00)
#define CXL_RAS_UNC_MASK (CXL_RAS_OFFSET + 0x04)
#define CXL_RAS_UNC_SEVERITY (CXL_RAS_OFFSET + 0x08)
#define CXL_RAS_COR_STATUS (CXL_RAS_OFFSET + 0x0c)
#define CXL_RAS_COR_MASK (CXL_RAS_OFFSET + 0x10)
#define CXL_RAS_CAP_CTRL (CXL_RAS_OFFSET + 0x14)
#define   CXL_RAS_CAP_CTRL_FEP 0x3f          /* First Error Pointer */
#define   CXL_RAS_CAP_CTRL_MHRC 0x200        /* Multiple Header Recording Capability */
#define   CXL_RAS_FEP_UNUSED 63              /* "a status bit that will never be used" */
#define CXL_RAS_HEADER_LOG (CXL_RAS_OFFSET + 0x18)
#define   CXL_RAS_HEADER_DWORDS 16           /* architectural: 0x18-0x57 */
#define   CXL_RAS_HEADER_DWORDS_QMP 32       /* QEMU CXL_RAS_ERR_HEADER_NUM, QMP's limit */
#define   CXL_RAS_UNC_BITS 0x1cfff           /* bits 12-13 and 17-31 reserved */
#define   CXL_RAS_COR_BITS 0x7f

#define CXL_LINK_OFFSET 0xd8         /* after RAS (0x58 bytes); 0x38 bytes */
#define CXL_HDM_OFFSET 0x110         /* after Link */
#define CXL_HDM_CAP (CXL_HDM_OFFSET + 0x00)
#define   CXL_HDM_CAP_COUNT 0x0000000f       /* decoder count encoding: 0 = 1, 2 = 4 */
#define   CXL_HDM_CAP_TARGETS 0x000000f0
#define   CXL_HDM_CAP_IG_256B 0x00000100     /* A11to8 interleave capable */
#define   CXL_HDM_CAP_IG_4K 0x00000200       /* A14to12 interleave capable */
#define   CXL_HDM_CAP_3_6_12_WAY 0x00000800
#define   CXL_HDM_CAP_16_WAY 0x00001000
#define CXL_HDM_GLOBAL_CTRL (CXL_HDM_OFFSET + 0x04)
#define   CXL_HDM_GLOBAL_ENABLE 0x2
/* decoder n's registers */
#define CXL_HDM_DEC(n) (CXL_HDM_OFFSET + 0x10 + 0x20 * (n))
#define CXL_HDM_BASE_LO 0x00         /* bits 31:28 = HPA 31:28 */
#define CXL_HDM_BASE_HI 0x04
#define CXL_HDM_SIZE_LO 0x08
#define CXL_HDM_SIZE_HI 0x0c
#define CXL_HDM_CTRL 0x10
#define   CXL_HDM_CTRL_IG 0x0000000f         /* granularity 256 << IG bytes */
#define   CXL_HDM_CTRL_IW 0x000000f0         /* ways: 0..4 = 1..16, 8..10 = 3, 6, 12 */
#define   CXL_HDM_CTRL_LOCK 0x00000100       /* Lock On Commit */
#define   CXL_HDM_CTRL_COMMIT 0x00000200
#define   CXL_HDM_CTRL_COMMITTED 0x00000400
#define   CXL_HDM_CTRL_ERR 0x00000800        /* Error Not Committed */
#define   CXL_HDM_CTRL_TYPE 0x00001000       /* Target Type: 1 = HDM-H (type 3) */
#define   CXL_HDM_CTRL_WMASK 0x000013ff      /* QEMU's write mask: Committed/Err are RO */
#define CXL_HDM_TARGET_LO 0x14       /* ports: target list bytes 0-3; devices: DPA skip */
#define CXL_HDM_TARGET_HI 0x18
#define CXL_HDM_DECODERS_MAX 4

/* ---- device register block of a type 3 device (CXL r3.1 §8.2.8; QEMU's layout) ---- */
#define CXL_DEV_CAP_ARRAY 0x00       /* ID 0, version 1, count 3 (64 bits) */
#define CXL_DEV_CAP_HDR(i) (0x10 + 0x10 * (i)) /* ID/version, offset, length */
#define   CXL_DEV_CAP_ID_STATUS 0x0001
#define   CXL_DEV_CAP_ID_MAILBOX 0x0002
#define   CXL_DEV_CAP_ID_MEMDEV 0x4000
#define CXL_DEV_STATUS_OFFSET 0x80   /* Event Status (64 bits): a bit per event log */
#define CXL_DEV_STATUS_LENGTH 0x08
#define CXL_MBOX_OFFSET 0x88         /* primary mailbox */
#define CXL_MBOX_CAP (CXL_MBOX_OFFSET + 0x00)
#define   CXL_MBOX_CAP_PAYLOAD 0x0000001f    /* payload size 2^n: 11 (2 KiB) */
#define   CXL_MBOX_CAP_INT 0x00000020        /* doorbell interrupt capable */
#define   CXL_MBOX_CAP_BG_INT 0x00000040     /* background completion interrupt capable */
#define   CXL_MBOX_CAP_MSI_N 0x00000780
#define CXL_MBOX_CTRL (CXL_MBOX_OFFSET + 0x04)
#define   CXL_MBOX_CTRL_DOORBELL 0x1
#define   CXL_MBOX_CTRL_INT_EN 0x2
#define   CXL_MBOX_CTRL_BG_INT_EN 0x4
#define CXL_MBOX_CMD (CXL_MBOX_OFFSET + 0x08)  /* [7:0] command, [15:8] set, [36:16] length */
#define CXL_MBOX_STATUS (CXL_MBOX_OFFSET + 0x10) /* bit 0 background, [47:32] return code */
#define CXL_MBOX_BG_STATUS (CXL_MBOX_OFFSET + 0x18) /* [15:0] opcode, [22:16] %, [47:32] rc */
#define CXL_MBOX_PAYLOAD (CXL_MBOX_OFFSET + 0x20)
#define CXL_MBOX_PAYLOAD_SHIFT 11
#define CXL_MBOX_PAYLOAD_MAX (1u << CXL_MBOX_PAYLOAD_SHIFT)
#define CXL_MBOX_LENGTH (0x20 + CXL_MBOX_PAYLOAD_MAX)
#define CXL_MEMDEV_OFFSET (CXL_MBOX_OFFSET + CXL_MBOX_LENGTH) /* 0x8a8: Memory Device Status */
#define CXL_MEMDEV_LENGTH 0x08
#define   CXL_MEMDEV_FATAL 0x01
#define   CXL_MEMDEV_MEDIA_STATUS 0x0c       /* 1 ready, 3 disabled (sanitize) */
#define   CXL_MEMDEV_MBOX_READY 0x10
#define CXL_DEV_BLOCK_SIZE 0x1000

/** A guest read of @size bytes at @off of @fn's component register block (BAR 0). */
uint64_t pcisim_cxl_component_read(struct pcisim_pcifn *fn, uint64_t off, unsigned size);
/** A guest write of @size bytes of @val at @off of @fn's component register block. */
void pcisim_cxl_component_write(struct pcisim_pcifn *fn, uint64_t off, unsigned size, uint64_t val);
/** A guest read at @off of a device register block (type 3 BAR 2, switch mailbox CCI BAR 0). */
uint64_t pcisim_cxl_device_read(struct pcisim_pcifn *fn, uint64_t off, unsigned size);
/** A guest write at @off of a device register block (type 3 BAR 2, switch mailbox CCI BAR 0). */
void pcisim_cxl_device_write(struct pcisim_pcifn *fn, uint64_t off, unsigned size, uint64_t val);

#endif
