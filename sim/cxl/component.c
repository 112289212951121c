/*
 * The component register block of every CXL component (CXL r3.1 §8.2.4): the
 * CXL.cache/mem capability array, the RAS capability, the Link capability and the HDM
 * decoder capability, with QEMU's layout, reset values and write rules.
 *
 * Facts, from QEMU's hw/cxl/cxl-component-utils.c (cxl_component_register_init_common,
 * ras_init_common, hdm_init_common, cxl_cache_mem_write_reg, dumb_hdm_handler) and
 * hw/mem/cxl_type3.c (ct3d_reg_write, hdm_decoder_commit/uncommit):
 *  - capability array by component: downstream port and "CXL2_DEVICE" (pcisim's
 *    cxl-type1): RAS, Link; upstream port and type 3 device: + HDM; root port and host
 *    bridge (pxb-cxl, QEMU's CXL2_ROOT_PORT kind): + Extended Security, Snoop;
 *    capability header ID 1 version 1, cache/mem version 1, array size = that count;
 *    RAS ID 2 v2 at 0x80, Link ID 4 v2 at 0xd8, HDM ID 5 v1 at 0x110, Extended
 *    Security ID 6 v1 at 0x260, Snoop ID 8 v1 at 0xa64 (7.2: 0xa84);
 *  - RAS: every uncorrectable error masked (0x1cfff) and of severity fatal, every
 *    correctable masked (0x7f); masks and severity writable; status read-only in 7.2;
 *    from 8.0 (the error injection series) status writable (write mask 0x1cfff / 0x7f)
 *    and Error Capability 0x200 (multiple header recording). A type 3 device treats
 *    status as RW1C and walks its queue of injected errors (ct3d_reg_write); the
 *    ports keep QEMU's plain masked store (a written 1 sets the bit);
 *  - HDM: one decoder (7.2) or four (8.0), target count 1 (upstream ports: 8), 256 B and 4 KiB
 *    granularity capable; Global Control bits 0-1 writable; per decoder base/size
 *    bits 31:28 of LO and all of HI, control 0x13ff (Committed and Error are
 *    read-only), target list (ports) or DPA skip bits 31:28 (devices);
 *  - a write to a decoder's control with Commit sets Committed and clears Error; with
 *    Commit clear it clears Committed. 7.2 (QEMU 7.2 shows it, on every component)
 *    never uncommits, and its commit clears the Commit bit again. No sanity check, no commit order, and
 *    Lock On Commit is stored but not enforced: QEMU's "TODO: Sanity checks".
 */
#include <stdlib.h>
#include <string.h>

#include "sim/cxl/cxl_state.h"
#include "sim/cxl/dvsec.h"

#define CM_EXTSEC_OFFSET 0x260 /* HDM + 0x10 + 0x20 * HDM_DECODE_MAX (10) */
#define CM_SNOOP_OFFSET 0xa64  /* Extended Security + 8 * 256 + 4 */
#define CM_SNOOP_OFFSET_7_2 0xa84 /* QEMU 7.2's (checked against QEMU 7.2 by tests/qemu-diff) */

static uint32_t cap_hdr(unsigned id, unsigned version, unsigned ptr)
{
	return (uint32_t)id | (uint32_t)version << 16 | (uint32_t)ptr << 20;
}

static void init_regs(struct pcisim_cxl_cregs *r, uint32_t *wm, int comp, unsigned compat)
{
	unsigned caps;
	switch (comp) {
	case PCISIM_CXL_COMP_DOWNSTREAM_PORT:
	case PCISIM_CXL_COMP_TYPE1:
		caps = 2;
		break;
	case PCISIM_CXL_COMP_UPSTREAM_PORT:
	case PCISIM_CXL_COMP_TYPE3:
		caps = 3;
		break;
	default: /* root port, host bridge */
		caps = 5;
		break;
	}
	memset(r, 0, sizeof(*r));
	r->init = true;
	r->kind = comp;
	r->device = comp == PCISIM_CXL_COMP_TYPE3 || comp == PCISIM_CXL_COMP_TYPE1;
	r->ras_rw1c = (compat & PCISIM_QEMU_CXL_RAS_INJECT) != 0;
	r->cm[CXL_CM_CAP_HDR / 4] = 1 | 1u << 16 | 1u << 20 | caps << 24;
	r->cm[CXL_CM_RAS_CAP_HDR / 4] = cap_hdr(CXL_CAP_ID_RAS, 2, CXL_RAS_OFFSET);
	r->cm[CXL_RAS_UNC_MASK / 4] = CXL_RAS_UNC_BITS;
	wm[CXL_RAS_UNC_MASK / 4] = CXL_RAS_UNC_BITS;
	r->cm[CXL_RAS_UNC_SEVERITY / 4] = CXL_RAS_UNC_BITS;
	wm[CXL_RAS_UNC_SEVERITY / 4] = CXL_RAS_UNC_BITS;
	r->cm[CXL_RAS_COR_MASK / 4] = CXL_RAS_COR_BITS;
	wm[CXL_RAS_COR_MASK / 4] = CXL_RAS_COR_BITS;
	if (r->ras_rw1c) {
		wm[CXL_RAS_UNC_STATUS / 4] = CXL_RAS_UNC_BITS;
		wm[CXL_RAS_COR_STATUS / 4] = CXL_RAS_COR_BITS;
		r->cm[CXL_RAS_CAP_CTRL / 4] = CXL_RAS_CAP_CTRL_MHRC;
	}
	r->cm[CXL_CM_LINK_CAP_HDR / 4] = cap_hdr(CXL_CAP_ID_LINK, 2, CXL_LINK_OFFSET);
	if (caps < 3)
		return;
	r->cm[CXL_CM_HDM_CAP_HDR / 4] = cap_hdr(CXL_CAP_ID_HDM, 1, CXL_HDM_OFFSET);
	r->ndecoders = compat & PCISIM_QEMU_CXL_HDM_MULTI ? 4 : 1;
	/* target count 1; an upstream port's latch_registers() sets 8 */
	unsigned targets = comp == PCISIM_CXL_COMP_UPSTREAM_PORT ? 8 : 1;
	r->cm[CXL_HDM_CAP / 4] =
		(r->ndecoders == 4 ? 2u : 0u) | targets << 4 | CXL_HDM_CAP_IG_256B | CXL_HDM_CAP_IG_4K;
	wm[CXL_HDM_GLOBAL_CTRL / 4] = 0x3;
	for (unsigned i = 0; i < r->ndecoders; i++) {
		unsigned d = CXL_HDM_DEC(i) / 4;
		wm[d + CXL_HDM_BASE_LO / 4] = 0xf0000000;
		wm[d + CXL_HDM_BASE_HI / 4] = 0xffffffff;
		wm[d + CXL_HDM_SIZE_LO / 4] = 0xf0000000;
		wm[d + CXL_HDM_SIZE_HI / 4] = 0xffffffff;
		wm[d + CXL_HDM_CTRL / 4] = CXL_HDM_CTRL_WMASK;
		wm[d + CXL_HDM_TARGET_LO / 4] = r->device ? 0xf0000000 : 0xffffffff;
		wm[d + CXL_HDM_TARGET_HI / 4] = 0xffffffff;
	}
	if (caps < 5)
		return;
	r->cm[0x10 / 4] = cap_hdr(6, 1, CM_EXTSEC_OFFSET);
	r->cm[0x14 / 4] = cap_hdr(8, 1, compat & PCISIM_QEMU_CXL_CFG_R3 ? CM_SNOOP_OFFSET : CM_SNOOP_OFFSET_7_2);
}

/*
 * The write masks depend only on the layout (RAS RW1C, decoders, device or port, the
 * capabilities), so few distinct tables exist: each is kept once, for the process,
 * and components point at it. Written when first met and never again.
 */
#define MAX_WMASKS 32
static const uint32_t *shared_wmask(const uint32_t *wm)
{
	static uint32_t tables[MAX_WMASKS][PCISIM_CXL_CM_SIZE / 4];
	static unsigned n;
	for (unsigned i = 0; i < n; i++)
		if (!memcmp(tables[i], wm, sizeof(tables[i])))
			return tables[i];
	if (n == MAX_WMASKS)
		abort(); /* cannot happen: 16 layouts at most */
	memcpy(tables[n], wm, sizeof(tables[n]));
	return tables[n++];
}

void pcisim_cxl_cregs_init(struct pcisim_cxl_cregs *r, int comp, unsigned compat)
{
	uint32_t wm[PCISIM_CXL_CM_SIZE / 4];
	memset(wm, 0, sizeof(wm));
	init_regs(r, wm, comp, compat);
	r->wmask = shared_wmask(wm);
}

/*
 * Which layout a function's model has, by its driver: the drivers are static tables,
 * so their addresses are looked up once by name and compared (decoding asks this on
 * every access).
 */
enum layout { L_NONE, L_TYPE3, L_PORT, L_SLOT_PORT };

static enum layout layout_of(const struct pcisim_driver *drv)
{
	static const char *const names[] = {"cxl-type3", "cxl-type1", "cxl-upstream", "pxb-cxl", "cxl-rp",
					    "cxl-downstream"};
	static const enum layout layouts[] = {L_TYPE3, L_TYPE3, L_PORT, L_PORT, L_SLOT_PORT, L_SLOT_PORT};
	static const struct pcisim_driver *drvs[6];
	static bool looked_up;
	if (!looked_up) {
		/* kept only once every CXL driver is registered */
		looked_up = true;
		for (unsigned i = 0; i < 6; i++)
			looked_up &= (drvs[i] = pcisim_driver_find(names[i])) != NULL;
	}
	for (unsigned i = 0; drv && i < 6; i++)
		if (drv == drvs[i])
			return layouts[i];
	return L_NONE;
}

struct pcisim_cxl_cregs *pcisim_cxl_cregs_of(struct pcisim_pcifn *fn)
{
	struct pcisim_cxl_cregs *r;
	switch (fn ? layout_of(fn->drv) : L_NONE) {
	case L_TYPE3:
		r = &((struct pcisim_cxl_type3 *)fn)->cregs;
		break;
	case L_PORT:
		r = &((struct pcisim_cxl_port *)fn)->cregs;
		break;
	case L_SLOT_PORT:
		r = &((struct pcisim_cxl_slot_port *)fn)->cregs;
		break;
	default:
		return NULL;
	}
	return r->init ? r : NULL;
}

struct pcisim_cxl_type3 *pcisim_cxl_type3_of(struct pcisim_pcifn *fn)
{
	return fn && layout_of(fn->drv) == L_TYPE3 ? (struct pcisim_cxl_type3 *)fn : NULL;
}

/* The type 3 device's RAS status write (ct3d_reg_write): the queue of injected errors. */
static void ras_unc_status_write(struct pcisim_cxl_type3 *t, uint32_t value)
{
	struct pcisim_cxl_cregs *r = &t->cregs;
	uint32_t capctrl = r->cm[CXL_RAS_CAP_CTRL / 4];
	unsigned fe = capctrl & CXL_RAS_CAP_CTRL_FEP;
	if (t->nras_errs) {
		if (fe >= 32 || (1u << fe) != value) {
			/* not the first error's bit alone: drop every queued error written */
			unsigned k = 0;
			for (unsigned i = 0; i < t->nras_errs; i++)
				if (!((1u << t->ras_errs[i].type) & value))
					t->ras_errs[k++] = t->ras_errs[i];
			t->nras_errs = k;
		} else {
			memmove(&t->ras_errs[0], &t->ras_errs[1], (t->nras_errs - 1) * sizeof(t->ras_errs[0]));
			t->nras_errs--;
		}
		if (t->nras_errs) {
			for (unsigned i = 0; i < CXL_RAS_HEADER_DWORDS; i++)
				r->cm[CXL_RAS_HEADER_LOG / 4 + i] = t->ras_errs[0].header[i];
			capctrl = (capctrl & ~(uint32_t)CXL_RAS_CAP_CTRL_FEP) | t->ras_errs[0].type;
		} else {
			capctrl = (capctrl & ~(uint32_t)CXL_RAS_CAP_CTRL_FEP) | CXL_RAS_FEP_UNUSED;
		}
		r->cm[CXL_RAS_CAP_CTRL / 4] = capctrl;
	}
	uint32_t unc = 0;
	for (unsigned i = 0; i < t->nras_errs; i++)
		unc |= 1u << t->ras_errs[i].type;
	r->cm[CXL_RAS_UNC_STATUS / 4] = unc;
}

static bool is_decoder_ctrl(const struct pcisim_cxl_cregs *r, unsigned off)
{
	for (unsigned i = 0; i < r->ndecoders; i++)
		if (off == CXL_HDM_DEC(i) + CXL_HDM_CTRL)
			return true;
	return false;
}

/* cxl_cache_mem_write_reg() with the type 3 device's special ops */
static void cm_write(struct pcisim_pcifn *fn, struct pcisim_cxl_cregs *r, unsigned off, uint32_t value)
{
	uint32_t mask = r->wmask[off / 4];
	value = (value & mask) | (r->cm[off / 4] & ~mask);
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	if (t && r->ras_rw1c && off == CXL_RAS_UNC_STATUS) {
		ras_unc_status_write(t, value & mask);
		return;
	}
	if (t && r->ras_rw1c && off == CXL_RAS_COR_STATUS) {
		r->cm[off / 4] &= ~(value & mask);
		return;
	}
	if (r->ndecoders && is_decoder_ctrl(r, off)) {
		bool commit = (value & CXL_HDM_CTRL_COMMIT) != 0;
		/* 7.2 (one decoder, the only version with one) has no uncommit, and its commit
		 * takes the Commit bit back (checked against QEMU 7.2 by tests/qemu-diff) */
		bool v7_2 = r->ndecoders == 1;
		bool uncommit = !commit && !v7_2;
		if (commit && v7_2)
			value = (value & ~(uint32_t)(CXL_HDM_CTRL_ERR | CXL_HDM_CTRL_COMMIT)) | CXL_HDM_CTRL_COMMITTED;
		else if (commit)
			value = (value & ~(uint32_t)CXL_HDM_CTRL_ERR) | CXL_HDM_CTRL_COMMITTED;
		else if (uncommit)
			value &= ~(uint32_t)(CXL_HDM_CTRL_ERR | CXL_HDM_CTRL_COMMITTED);
	}
	r->cm[off / 4] = value;
}

uint64_t pcisim_cxl_component_read(struct pcisim_pcifn *fn, uint64_t off, unsigned size)
{
	struct pcisim_cxl_cregs *r = pcisim_cxl_cregs_of(fn);
	if (!r || size != 4 || (off & 3) || off < PCISIM_CXL_CM_OFFSET ||
	    off >= PCISIM_CXL_CM_OFFSET + PCISIM_CXL_CM_SIZE)
		return 0;
	return r->cm[(off - PCISIM_CXL_CM_OFFSET) / 4];
}

void pcisim_cxl_component_write(struct pcisim_pcifn *fn, uint64_t off, unsigned size, uint64_t val)
{
	struct pcisim_cxl_cregs *r = pcisim_cxl_cregs_of(fn);
	if (!r || size != 4 || (off & 3) || off < PCISIM_CXL_CM_OFFSET ||
	    off >= PCISIM_CXL_CM_OFFSET + PCISIM_CXL_CM_SIZE)
		return;
	cm_write(fn, r, (unsigned)(off - PCISIM_CXL_CM_OFFSET), (uint32_t)val);
}
