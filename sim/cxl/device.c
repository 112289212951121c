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
 *
 * The same block (capability array, mailbox, doorbell: the code below is shared) is
 * BAR 0 of a cxl-switch-mailbox-cci, whose commands are the switch's FM-API set
 * (fmapi.c). QEMU (hw/cxl/cxl-device-utils.c cxl_device_register_init_swcci(),
 * hw/cxl/switch-mailbox-cci.c): the same three capabilities, Device Status version 2,
 * mailbox version 1, Memory Device Status version 1 (media ready, mailbox ready);
 * mailbox capabilities: payload 2^11, background completion interrupt capable, MSI/
 * MSI-X message number 3 (CXL_SWCCI_MSIX_MBOX; no doorbell interrupt capability). The
 * function has no MSI-X capability, so no interrupt ever leaves it.
 */
#include <string.h>

#include "sim/cxl/cxl_state.h"
#include "sim/cxl/fmapi.h"
#include "sim/cxl/le.h"
#include "sim/cxl/memdev.h"

/* a 64-bit register of the device's register block */
static void put64(uint8_t *p, uint64_t v)
{
	pcisim_le_put(p, v, 8);
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

/* ---- the register block, whichever CCI is behind it ---- */

/* Is a @size access at @off of a device register block well formed? */
static bool dblock_access_ok(uint64_t off, unsigned size)
{
	return size && size <= 8 && !(size & (size - 1)) && off + size <= CXL_DEV_BLOCK_SIZE && !(off & (size - 1));
}

/* A read of block @d, with @bg_status the Background Command Status as of now */
static uint64_t dblock_read(const uint8_t *d, uint64_t off, unsigned size, uint64_t bg_status)
{
	/* the capability array takes 4 and 8 bytes; the registers any size (mailbox_reg_read) */
	if (off < CXL_DEV_STATUS_OFFSET && size < 4)
		return 0;
	if (off >= CXL_MBOX_BG_STATUS && off < CXL_MBOX_BG_STATUS + 8) {
		/* the progress as of now; a read changes nothing (completion is an event) */
		uint64_t v = bg_status >> (8 * (off - CXL_MBOX_BG_STATUS));
		return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
	}
	/* QEMU's mdev_reg_read answers the status whatever the offset: a 4-byte read of
	 * the upper half (0x8ac) sees the lower one (checked against QEMU 7.2) */
	if (off >= CXL_MEMDEV_OFFSET && off < CXL_MEMDEV_OFFSET + CXL_MEMDEV_LENGTH) {
		uint64_t v = pcisim_le_get(d + CXL_MEMDEV_OFFSET, 8);
		return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
	}
	return pcisim_le_get(d + off, size);
}

/* A write to block @d (mailbox_reg_write); true when Doorbell is then set */
static bool dblock_write(uint8_t *d, uint64_t off, unsigned size, uint64_t val)
{
	if (off >= CXL_MBOX_PAYLOAD && off < CXL_MEMDEV_OFFSET) {
		for (unsigned i = 0; i < size; i++)
			d[off + i] = (uint8_t)(val >> (8 * i));
		return false;
	}
	if (size == 4 && (off == CXL_MBOX_CTRL || off == CXL_MBOX_CAP)) {
		for (unsigned i = 0; i < 4; i++)
			d[off + i] = (uint8_t)(val >> (8 * i));
	} else if (size == 8 && off == CXL_MBOX_CMD) {
		put64(d + off, val);
	} else {
		return false; /* capability array, status, memory device status: read-only */
	}
	return (d[CXL_MBOX_CTRL] & CXL_MBOX_CTRL_DOORBELL) != 0;
}

typedef int (*cci_exec_fn)(struct pcisim_pcifn *fn, uint16_t opcode, const uint8_t *in, size_t len_in,
			   uint8_t *out, size_t *len_out, bool *bg);

/*
 * The doorbell of block @d (cxl_process_mailbox): the command and its input from the
 * registers to @exec on @fn, the return code (and bit 0 when it went to the
 * background) to Status, the output length to Command (the command and set
 * cleared), Doorbell cleared. Returns the return code; *@len_in the input length.
 */
static int dblock_doorbell(uint8_t *d, cci_exec_fn exec, struct pcisim_pcifn *fn, size_t *len_in)
{
	uint64_t cmd = pcisim_le_get(d + CXL_MBOX_CMD, 8);
	uint16_t opcode = (uint16_t)(cmd & 0xffff);
	size_t len = (size_t)((cmd >> 16) & 0xfffff);
	uint8_t in[CXL_MBOX_PAYLOAD_MAX];
	size_t len_out = 0;
	bool bg = false;
	if (len > CXL_MBOX_PAYLOAD_MAX)
		len = CXL_MBOX_PAYLOAD_MAX;
	memcpy(in, d + CXL_MBOX_PAYLOAD, len);
	int rc = exec(fn, opcode, in, len, d + CXL_MBOX_PAYLOAD, &len_out, &bg);
	put64(d + CXL_MBOX_STATUS, (bg ? 1u : 0u) | (uint64_t)(rc & 0xffff) << 32);
	put64(d + CXL_MBOX_CMD, (uint64_t)(len_out & 0xfffff) << 16);
	d[CXL_MBOX_CTRL] &= (uint8_t)~CXL_MBOX_CTRL_DOORBELL;
	*len_in = len;
	return rc;
}

/* ---- a type 3 device's block (BAR 2) ---- */

uint64_t pcisim_cxl_device_read(struct pcisim_pcifn *fn, uint64_t off, unsigned size)
{
	struct pcisim_cxl_swcci *sw = pcisim_cxl_swcci_of(fn);
	if (sw)
		return pcisim_cxl_swcci_read(sw, off, size);
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	if (!t || !t->cregs.init || !t->cregs.ndecoders || !dblock_access_ok(off, size))
		return 0;
	return dblock_read(t->dregs, off, size, pcisim_cxl_bg_status(t));
}

static void doorbell(struct pcisim_cxl_type3 *t)
{
	uint8_t *d = t->dregs;
	size_t len_in;
	int rc = dblock_doorbell(d, pcisim_cxl_mbox_exec, &t->fn, &len_in);
	/* QEMU clears the command and set and leaves the output length; 7.2's handlers
	 * update the length in place, so a refused command shows the input length
	 * (both checked against QEMU 7.2) */
	if (rc != CXL_MBOX_SUCCESS && rc != CXL_MBOX_BG_STARTED && !(t->compat & PCISIM_QEMU_CXL_CFG_R3))
		put64(d + CXL_MBOX_CMD, (uint64_t)(len_in & 0xfffff) << 16);
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
	struct pcisim_cxl_swcci *sw = pcisim_cxl_swcci_of(fn);
	if (sw) {
		pcisim_cxl_swcci_write(sw, off, size, val);
		return;
	}
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	if (!t || !t->cregs.init || !t->cregs.ndecoders || !dblock_access_ok(off, size))
		return;
	if (dblock_write(t->dregs, off, size, val))
		doorbell(t);
}

/* ---- the switch mailbox CCI's block (BAR 0) ---- */

struct pcisim_cxl_swcci *pcisim_cxl_swcci_of(struct pcisim_pcifn *fn)
{
	/* asked on every access to a device block: the driver, a static table, is looked
	 * up by name once and then compared (as component.c's layout_of()) */
	static const struct pcisim_driver *drv;
	if (!drv)
		drv = pcisim_driver_find("cxl-switch-mailbox-cci");
	return fn && drv && fn->drv == drv ? (struct pcisim_cxl_swcci *)fn : NULL;
}

void pcisim_cxl_swcci_init(struct pcisim_cxl_swcci *sw)
{
	uint8_t *d = sw->dregs;
	memset(d, 0, sizeof(sw->dregs));
	put64(d + CXL_DEV_CAP_ARRAY, 0 | 1ull << 16 | 3ull << 32);
	put64(d + CXL_DEV_CAP_HDR(0), CXL_DEV_CAP_ID_STATUS | 2ull << 16 | (uint64_t)CXL_DEV_STATUS_OFFSET << 32);
	put64(d + CXL_DEV_CAP_HDR(0) + 8, CXL_DEV_STATUS_LENGTH);
	put64(d + CXL_DEV_CAP_HDR(1), CXL_DEV_CAP_ID_MAILBOX | 1ull << 16 | (uint64_t)CXL_MBOX_OFFSET << 32);
	put64(d + CXL_DEV_CAP_HDR(1) + 8, CXL_MBOX_LENGTH);
	put64(d + CXL_DEV_CAP_HDR(2), CXL_DEV_CAP_ID_MEMDEV | 1ull << 16 | (uint64_t)CXL_MEMDEV_OFFSET << 32);
	put64(d + CXL_DEV_CAP_HDR(2) + 8, CXL_MEMDEV_LENGTH);
	put64(d + CXL_MBOX_CAP, CXL_MBOX_PAYLOAD_SHIFT | CXL_MBOX_CAP_BG_INT | 3u << 7 /* CXL_SWCCI_MSIX_MBOX */);
	put64(d + CXL_MEMDEV_OFFSET, 1u << 2 | CXL_MEMDEV_MBOX_READY);
}

struct pcisim_pcifn *pcisim_cxl_swcci_target(struct pcisim_cxl_swcci *sw)
{
	const char *id = pcisim_props_str(&sw->fn.props, "target", NULL);
	struct pcisim_pcifn *usp = id ? pcisim_fabric_find_fn(sw->fn.fabric, id) : NULL;
	return usp && !usp->comp.removed ? usp : NULL;
}

/* The switch's CCI answers for this function (cxl_initialize_mailbox_swcci: usp->swcci) */
static int swcci_exec(struct pcisim_pcifn *fn, uint16_t opcode, const uint8_t *in, size_t len_in, uint8_t *out,
		      size_t *len_out, bool *bg)
{
	struct pcisim_pcifn *usp = pcisim_cxl_swcci_target(pcisim_cxl_swcci_of(fn));
	*len_out = 0;
	*bg = false;
	return usp ? pcisim_cxl_switch_exec(usp, opcode, in, len_in, out, len_out, bg) : CXL_MBOX_UNSUPPORTED;
}

uint64_t pcisim_cxl_swcci_read(struct pcisim_cxl_swcci *sw, uint64_t off, unsigned size)
{
	if (!dblock_access_ok(off, size))
		return 0;
	struct pcisim_pcifn *usp = pcisim_cxl_swcci_target(sw);
	bool running = false;
	uint64_t bg = usp ? pcisim_cxl_switch_bg_reg(usp, &running) : 0;
	if (off >= CXL_MBOX_STATUS && off < CXL_MBOX_STATUS + 8) {
		/* bit 0 follows the switch's background operation (a bind ends as an event) */
		uint64_t st = (pcisim_le_get(sw->dregs + CXL_MBOX_STATUS, 8) & ~1ull) | (running ? 1u : 0u);
		st >>= 8 * (off - CXL_MBOX_STATUS);
		return size == 8 ? st : st & ((1ull << (8 * size)) - 1);
	}
	return dblock_read(sw->dregs, off, size, bg);
}

void pcisim_cxl_swcci_write(struct pcisim_cxl_swcci *sw, uint64_t off, unsigned size, uint64_t val)
{
	size_t len_in;
	if (dblock_access_ok(off, size) && dblock_write(sw->dregs, off, size, val))
		dblock_doorbell(sw->dregs, swcci_exec, &sw->fn, &len_in);
}
