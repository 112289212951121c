/*
 * The device register block of a CXL type 3 device (CXL r3.1 §8.2.8), as QEMU lays it
 * out (include/hw/cxl/cxl_device.h, hw/cxl/cxl-device-utils.c): the capability array
 * (ID 0, version 1, three capabilities), the headers of Device Status (ID 1 at 0x80,
 * 8 bytes), Primary Mailbox (ID 2 at 0x88, 0x820 bytes: registers and a 2 KiB payload)
 * and Memory Device Status (ID 0x4000 at 0x8a8, 8 bytes), and the mailbox doorbell.
 *
 * Facts (QEMU): capability headers 16 bytes each from 0x10, read 4 or 8 bytes at a
 * time (the registers after them any size); Device Status version 2
 * with the event logs (8.1), 1 before; mailbox capabilities: payload size 2^11,
 * interrupt capable with MSI/MSI-X vector 7 (with the event series), background
 * completion interrupt capable (with background commands, 8.2); memory device status:
 * media ready (1) and mailbox ready. mailbox_reg_write(): a write of 4 bytes at Control
 * or Capabilities stores it (the capabilities too: QEMU's "RO register" comment does
 * not stop the store), 8 bytes at Command stores it, Status and Background Command
 * Status ignore writes; payload writes of any size store. When Doorbell is then set
 * the command runs: Status gets the return code in [47:32] and bit 0 when it went to
 * the background, Command gets the output length, Doorbell clears.
 */
#include <string.h>

#include "sim/cxl/cxl_state.h"
#include "sim/cxl/memdev.h"

static void put64(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

pcisim_time pcisim_cxl_now(const struct pcisim_cxl_type3 *t)
{
	return t->fn.comp.sim ? t->fn.comp.sim->now : 0;
}

void pcisim_cxl_dregs_init(struct pcisim_cxl_type3 *t)
{
	uint8_t *d = t->dregs;
	memset(d, 0, sizeof(t->dregs));
	put64(d + CXL_DEV_CAP_ARRAY, 0 | 1ull << 16 | 3ull << 32);
	unsigned status_version = t->compat & PCISIM_QEMU_CXL_EVENTS ? 2 : 1;
	put64(d + CXL_DEV_CAP_HDR(0), CXL_DEV_CAP_ID_STATUS | (uint64_t)status_version << 16 |
					      (uint64_t)CXL_DEV_STATUS_OFFSET << 32);
	put64(d + CXL_DEV_CAP_HDR(0) + 8, CXL_DEV_STATUS_LENGTH);
	put64(d + CXL_DEV_CAP_HDR(1), CXL_DEV_CAP_ID_MAILBOX | 1ull << 16 | (uint64_t)CXL_MBOX_OFFSET << 32);
	put64(d + CXL_DEV_CAP_HDR(1) + 8, CXL_MBOX_LENGTH);
	put64(d + CXL_DEV_CAP_HDR(2), CXL_DEV_CAP_ID_MEMDEV | 1ull << 16 | (uint64_t)CXL_MEMDEV_OFFSET << 32);
	put64(d + CXL_DEV_CAP_HDR(2) + 8, CXL_MEMDEV_LENGTH);
	uint32_t cap = CXL_MBOX_PAYLOAD_SHIFT;
	if (t->compat & PCISIM_QEMU_CXL_EVENTS)
		cap |= CXL_MBOX_CAP_INT | 7u << 7; /* CXL_T3_MSIX_MBOX */
	if (t->compat & PCISIM_QEMU_CXL_BG_CMDS)
		cap |= CXL_MBOX_CAP_BG_INT;
	put64(d + CXL_MBOX_CAP, cap);
	put64(d + CXL_MEMDEV_OFFSET, 1u << 2 | CXL_MEMDEV_MBOX_READY);
	t->bg.running = false;
	if (t->fn.comp.sim)
		pcisim_cancel(t->fn.comp.sim, &t->bg.done);
}

uint64_t pcisim_cxl_device_read(struct pcisim_pcifn *fn, uint64_t off, unsigned size)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	if (!t || !t->cregs.init || !t->cregs.ndecoders || !size || size > 8 || (size & (size - 1)) ||
	    off + size > CXL_DEV_BLOCK_SIZE || (off & (size - 1)))
		return 0;
	/* the capability array takes 4 and 8 bytes; the registers any size (mailbox_reg_read) */
	if (off < CXL_DEV_STATUS_OFFSET && size < 4)
		return 0;
	if (off >= CXL_MBOX_BG_STATUS && off < CXL_MBOX_BG_STATUS + 8) {
		/* the progress as of now; a read changes nothing (completion is an event) */
		uint64_t v = pcisim_cxl_bg_status(t) >> (8 * (off - CXL_MBOX_BG_STATUS));
		return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
	}
	/* QEMU's mdev_reg_read answers the status whatever the offset: a 4-byte read of
	 * the upper half (0x8ac) sees the lower one (checked against QEMU 7.2) */
	if (off >= CXL_MEMDEV_OFFSET && off < CXL_MEMDEV_OFFSET + CXL_MEMDEV_LENGTH) {
		uint64_t v = get_le(t->dregs + CXL_MEMDEV_OFFSET, 8);
		return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
	}
	return get_le(t->dregs + off, size);
}

static void doorbell(struct pcisim_cxl_type3 *t)
{
	uint8_t *d = t->dregs;
	uint64_t cmd = get_le(d + CXL_MBOX_CMD, 8);
	uint16_t opcode = (uint16_t)(cmd & 0xffff);
	size_t len = (size_t)((cmd >> 16) & 0xfffff);
	uint8_t in[CXL_MBOX_PAYLOAD_MAX];
	size_t len_out = 0;
	bool bg = false;
	if (len > CXL_MBOX_PAYLOAD_MAX)
		len = CXL_MBOX_PAYLOAD_MAX;
	memcpy(in, d + CXL_MBOX_PAYLOAD, len);
	int rc = pcisim_cxl_mbox_exec(&t->fn, opcode, in, len, d + CXL_MBOX_PAYLOAD, &len_out, &bg);
	put64(d + CXL_MBOX_STATUS, (bg ? 1u : 0u) | (uint64_t)(rc & 0xffff) << 32);
	/* QEMU clears the command and set and leaves the output length; 7.2's handlers
	 * update the length in place, so a refused command shows the input length
	 * (both checked against QEMU 7.2) */
	if (rc != CXL_MBOX_SUCCESS && rc != CXL_MBOX_BG_STARTED && !(t->compat & PCISIM_QEMU_CXL_CFG_R3))
		len_out = len;
	put64(d + CXL_MBOX_CMD, (uint64_t)(len_out & 0xfffff) << 16);
	d[CXL_MBOX_CTRL] &= (uint8_t)~CXL_MBOX_CTRL_DOORBELL;
	/* only a mailbox that says it can interrupt does (7.2's cannot) */
	if ((d[CXL_MBOX_CTRL] & CXL_MBOX_CTRL_INT_EN) && (d[CXL_MBOX_CAP] & CXL_MBOX_CAP_INT))
		pcisim_cxl_msix_notify(t, PCISIM_CXL_MSIX_MBOX);
}

#define MSIX_FLAGS 2                /* Message Control */
#define MSIX_FLAGS_MASKALL 0x4000
#define MSIX_FLAGS_ENABLE 0x8000

void pcisim_cxl_msix_notify(struct pcisim_cxl_type3 *t, unsigned vec)
{
	uint16_t cap = pcisim_cfg_find_cap(&t->fn.cfg, 0x11 /* MSI-X */);
	if (!cap || vec >= PCISIM_CXL_MSIX_VECTORS)
		return;
	uint32_t ctl = pcisim_cfg_get(&t->fn.cfg, (uint16_t)(cap + MSIX_FLAGS), 2);
	if (!(ctl & MSIX_FLAGS_ENABLE) || (ctl & MSIX_FLAGS_MASKALL))
		return;
	pcisim_irq_raise(t->fn.comp.sim, &t->msix[vec]);
}

void pcisim_cxl_device_write(struct pcisim_pcifn *fn, uint64_t off, unsigned size, uint64_t val)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	if (!t || !t->cregs.init || !t->cregs.ndecoders || !size || size > 8 || (size & (size - 1)) ||
	    off + size > CXL_DEV_BLOCK_SIZE || (off & (size - 1)))
		return;
	uint8_t *d = t->dregs;
	if (off >= CXL_MBOX_PAYLOAD && off < CXL_MEMDEV_OFFSET) {
		for (unsigned i = 0; i < size; i++)
			d[off + i] = (uint8_t)(val >> (8 * i));
		return;
	}
	if (size == 4 && (off == CXL_MBOX_CTRL || off == CXL_MBOX_CAP)) {
		for (unsigned i = 0; i < 4; i++)
			d[off + i] = (uint8_t)(val >> (8 * i));
	} else if (size == 8 && off == CXL_MBOX_CMD) {
		put64(d + off, val);
	} else {
		return; /* capability array, status, memory device status: read-only */
	}
	if (d[CXL_MBOX_CTRL] & CXL_MBOX_CTRL_DOORBELL)
		doorbell(t);
}
