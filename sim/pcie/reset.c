/*
 * Resets of PCI Express functions (PCIe r5.0 §6.6): what a Function Level Reset, a
 * hot reset (Secondary Bus Reset, propagated through a switch), a link-down reset
 * (Link Disable) and a fundamental reset do to the functions' config space, to the
 * links below them, and to when the functions answer config requests again.
 * reset.h lists the rules; docs/links-and-resets.md gives their sources.
 *
 * Config space: the bits a reset restores are found from the function's masks
 * (wmask, w1cmask and sticky, sim/pcie/cfgspace.h). Their realize-time values are
 * kept per function as a sparse list of (offset, byte) pairs for the bytes whose
 * resettable bits were not all zero, in an arena freed with the sim, so 10,000
 * functions cost a few hundred bytes each, not another 4 KiB.
 */
#include "sim/pcie/reset.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/arena.h"
#include "sim/core/trace.h"
#include "sim/pcie/link.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/core/heap.h"

struct pcisim_reset_entry {
	uint16_t off;
	uint8_t val;
};

struct pcisim_reset_image {
	bool sbr;  /* Secondary Bus Reset seen set (bridges that are not ports) */
	uint32_t n;
	struct pcisim_reset_entry v[]; /* sorted by offset */
};

static const char *kind_name(enum pcisim_reset_kind k)
{
	switch (k) {
	case PCISIM_RESET_COLD:
		return "cold";
	case PCISIM_RESET_WARM:
		return "warm";
	case PCISIM_RESET_FLR:
		return "flr";
	}
	return "?";
}

/* Reset images live in an arena of the sim's, freed with it. */
static const struct pcisim_ext_key reset_key = {"pcie-reset"};

static void store_destroy(void *p)
{
	pcisim_arena_free(p);
	pcisim_free(p);
}

static struct pcisim_arena *store(struct pcisim_sim *sim)
{
	struct pcisim_arena *a = pcisim_ext_get(sim, &reset_key);
	if (a)
		return a;
	a = pcisim_calloc(1, sizeof(*a));
	if (!a)
		abort();
	pcisim_arena_init(a);
	pcisim_ext_set(sim, &reset_key, a, store_destroy);
	return a;
}

static void reset_fn_realized(struct pcisim_pcifn *fn)
{
	const struct pcisim_cfg *c = &fn->cfg;
	if (!c->bytes)
		return;
	const struct pcisim_cfg_masks *m = c->m;
	/* Most of config space is zero: skip 8 bytes at a time (a zero test, whatever the
	 * host's byte order), then take the bytes one by one. */
	struct pcisim_reset_entry tmp[PCISIM_CFG_PCIE_SIZE];
	uint32_t n = 0;
	for (unsigned i = 0; i < c->size; i += 8) {
		if (!(pcisim_cfg_load64(c->bytes + i) &
		      (pcisim_cfg_load64(m->wmask + i) | pcisim_cfg_load64(m->w1cmask + i) |
		       pcisim_cfg_load64(m->sticky + i))))
			continue;
		for (unsigned j = i; j < i + 8; j++) {
			uint8_t v = (uint8_t)(c->bytes[j] & (m->wmask[j] | m->w1cmask[j] | m->sticky[j]));
			if (v)
				tmp[n++] = (struct pcisim_reset_entry){(uint16_t)j, v};
		}
	}
	struct pcisim_reset_image *img =
		pcisim_arena_alloc(store(fn->comp.sim), sizeof(*img) + n * sizeof(img->v[0]));
	memcpy(img->v, tmp, n * sizeof(tmp[0]));
	img->n = n;
	fn->reset_image = img;
}

/* The bits of byte @j a reset of @kind puts back, before the exceptions below. */
static uint8_t reset_byte(const struct pcisim_cfg_masks *m, unsigned j, enum pcisim_reset_kind kind)
{
	uint8_t w = (uint8_t)(m->wmask[j] | m->w1cmask[j]);
	return kind == PCISIM_RESET_COLD ? (uint8_t)(w | m->sticky[j]) : (uint8_t)(w & ~m->sticky[j]);
}

/* Bytes a reset leaves alone, in part (@keep: the bits kept) or whole. */
struct kept {
	uint16_t off;
	uint8_t len, keep;
	uint8_t was[4];
};

/*
 * Put the resettable bits of @fn's config space back to their realize-time values.
 * Three passes, each simple enough to be cheap (a fuzz run resets a function or two):
 * clear every resettable bit 8 bytes at a time (a PCIe function's masks make every
 * byte from 0x40 to the end writable); set the realize-time values from the sparse
 * image; put back the bytes the reset does not touch, saved before.
 */
static void restore(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind)
{
	struct pcisim_cfg *c = &fn->cfg;
	const struct pcisim_reset_image *img = fn->reset_image;
	if (!c->bytes || !img)
		return;
	const struct pcisim_cfg_masks *m = c->m;
	uint16_t exp = pcisim_cfg_find_cap(c, PCI_CAP_ID_EXP);
	struct kept kept[4];
	unsigned nkept = 0;
	/* The slot model owns Slot Control/Status (their reset follows presence). */
	if (exp && pcisim_is_port(fn))
		kept[nkept++] = (struct kept){(uint16_t)(exp + PCI_EXP_SLTCTL), 4, 0xff, {0}};
	if (kind == PCISIM_RESET_FLR && exp) {
		/* FLR leaves the link registers and Max_Payload_Size alone (PCIe r5.0 §6.6.2). */
		kept[nkept++] = (struct kept){(uint16_t)(exp + PCI_EXP_LNKCTL), 4, 0xff, {0}};
		kept[nkept++] = (struct kept){(uint16_t)(exp + PCI_EXP_LNKCTL2), 4, 0xff, {0}};
		kept[nkept++] = (struct kept){(uint16_t)(exp + PCI_EXP_DEVCTL), 1, (uint8_t)PCI_EXP_DEVCTL_PAYLOAD, {0}};
	}
	for (unsigned k = 0; k < nkept; k++)
		if (kept[k].off + kept[k].len <= c->size)
			memcpy(kept[k].was, c->bytes + kept[k].off, kept[k].len);
		else
			kept[k].len = 0;
	if (kind == PCISIM_RESET_COLD) {
		for (unsigned i = 0; i + 8 <= c->size; i += 8)
			pcisim_cfg_store64(c->bytes + i,
					   pcisim_cfg_load64(c->bytes + i) &
						   ~(pcisim_cfg_load64(m->wmask + i) | pcisim_cfg_load64(m->w1cmask + i) |
						     pcisim_cfg_load64(m->sticky + i)));
	} else {
		for (unsigned i = 0; i + 8 <= c->size; i += 8)
			pcisim_cfg_store64(c->bytes + i,
					   pcisim_cfg_load64(c->bytes + i) &
						   ~((pcisim_cfg_load64(m->wmask + i) | pcisim_cfg_load64(m->w1cmask + i)) &
						     ~pcisim_cfg_load64(m->sticky + i)));
	}
	for (uint32_t e = 0; e < img->n; e++) {
		unsigned j = img->v[e].off;
		if (j < c->size)
			c->bytes[j] |= (uint8_t)(img->v[e].val & reset_byte(m, j, kind));
	}
	for (unsigned k = 0; k < nkept; k++)
		for (unsigned b = 0; b < kept[k].len; b++) {
			uint8_t *p = c->bytes + kept[k].off + b;
			*p = (uint8_t)((*p & ~kept[k].keep) | (kept[k].was[b] & kept[k].keep));
		}
}

/* Did the reset clear a Secondary Bus Reset or Link Disable that was in force? */
static void sync_bridge_state(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind)
{
	if (!fn->drv->bridge || !fn->cfg.bytes)
		return;
	bool sbr = pcisim_cfg_get16(&fn->cfg, PCI_BRIDGE_CONTROL) & PCI_BRIDGE_CTL_BUS_RESET;
	if (pcisim_is_port(fn)) {
		struct pcisim_port *p = pcisim_to_port(fn);
		if (!sbr && (p->link.hold & PCISIM_LINK_HOLD_SBR))
			pcisim_link_release(&p->link, PCISIM_LINK_HOLD_SBR, "reset cleared Secondary Bus Reset");
		if (kind != PCISIM_RESET_FLR && p->exp) {
			/* Link Disable is mirrored by link.c outside the masks: a reset clears it. */
			pcisim_cfg_clrbits(&fn->cfg, (uint16_t)(p->exp + PCI_EXP_LNKCTL), 2, PCI_EXP_LNKCTL_LD);
			pcisim_link_release(&p->link, PCISIM_LINK_HOLD_DISABLE, "reset cleared Link Disable");
		}
	} else if (fn->reset_image && fn->reset_image->sbr && !sbr) {
		fn->reset_image->sbr = false;
		if (fn->secondary)
			pcisim_reset_component_released(fn->secondary);
	}
}

void pcisim_reset_fn(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind, const char *why)
{
	if (fn->comp.removed)
		return;
	PCISIM_RECORD(fn->comp.sim, &fn->comp, "pci.reset", PCISIM_FS("kind", kind_name(kind)),
		      PCISIM_FS("why", why));
	restore(fn, kind);
	if (fn->drv->reset)
		fn->drv->reset(fn, kind);
	else
		pcisim_fn_reset_default(fn, kind);
	/* the features' state of the function (a CXL function's component and device
	 * registers): QEMU's device reset runs the device's whole reset handler */
	pcisim_fabric_hooks_fn_reset(fn, kind);
	sync_bridge_state(fn, kind);
}

void pcisim_reset_flr(struct pcisim_pcifn *fn, const char *why)
{
	struct pcisim_sim *sim = fn->comp.sim;
	pcisim_reset_fn(fn, PCISIM_RESET_FLR, why);
	/* Software waits 100 ms after initiating an FLR (PCIe r6.0 §6.6.2, Linux pcie_flr()). */
	fn->ready_at = pcisim_time_add(sim->now, PCISIM_RESET_READY_TIME);
}

/* Reset every function of the component on @b and, through its ports, below. */
static void reset_component(struct pcisim_pcibus *b, enum pcisim_reset_kind kind, const char *why)
{
	for (uint16_t i = 0; b && i < b->nfns; i++) {
		struct pcisim_pcifn *fn = b->fns[i];
		if (fn->comp.removed)
			continue;
		/* Hold first, so the reset's clearing of LD/SBR does not start training. */
		if (pcisim_is_port(fn))
			pcisim_link_hold(&pcisim_to_port(fn)->link, PCISIM_LINK_HOLD_PARENT,
					 "hot reset propagated");
		pcisim_reset_fn(fn, kind, why);
		fn->ready_at = PCISIM_TIME_MAX;
		if (fn->secondary && fn->drv->kind != PCISIM_FN_HOST_BRIDGE)
			reset_component(fn->secondary, kind, why);
	}
}

void pcisim_reset_below(struct pcisim_port *p, enum pcisim_reset_kind kind, const char *why)
{
	reset_component(p->fn.secondary, kind, why);
}

void pcisim_reset_component_up(struct pcisim_pcibus *b, pcisim_time now)
{
	for (uint16_t i = 0; b && i < b->nfns; i++) {
		struct pcisim_pcifn *fn = b->fns[i];
		if (fn->comp.removed)
			continue;
		if (fn->ready_at == PCISIM_TIME_MAX)
			fn->ready_at = pcisim_time_add(now, PCISIM_RESET_READY_TIME);
		/* The component ends at its ports; a non-port bridge (a switch's upstream
		 * port) has the rest of the component on its secondary bus. */
		if (fn->secondary && !pcisim_is_port(fn) && fn->drv->kind != PCISIM_FN_HOST_BRIDGE)
			pcisim_reset_component_up(fn->secondary, now);
	}
}

void pcisim_reset_component_released(struct pcisim_pcibus *b)
{
	for (uint16_t i = 0; b && i < b->nfns; i++) {
		struct pcisim_pcifn *fn = b->fns[i];
		if (fn->comp.removed)
			continue;
		if (pcisim_is_port(fn))
			pcisim_link_release(&pcisim_to_port(fn)->link, PCISIM_LINK_HOLD_PARENT,
					    "component out of reset");
		else if (fn->secondary && fn->drv->kind != PCISIM_FN_HOST_BRIDGE &&
			 !(fn->reset_image && fn->reset_image->sbr))
			pcisim_reset_component_released(fn->secondary);
	}
}

void pcisim_reset_sbr(struct pcisim_port *p, bool asserted)
{
	struct pcisim_link *l = &p->link;
	if (asserted) {
		pcisim_link_hold(l, PCISIM_LINK_HOLD_SBR, "Secondary Bus Reset");
		pcisim_reset_below(p, PCISIM_RESET_WARM, "secondary bus reset");
	} else {
		pcisim_link_release(l, PCISIM_LINK_HOLD_SBR, "Secondary Bus Reset cleared");
	}
}

/* Secondary Bus Reset of a bridge without a link below (a switch's upstream port):
 * the switch's internal bus and everything below it. */
static void bridge_sbr(struct pcisim_pcifn *fn, bool asserted)
{
	struct pcisim_reset_image *img = fn->reset_image;
	if (!img || img->sbr == asserted || !fn->secondary)
		return;
	img->sbr = asserted;
	if (asserted) {
		reset_component(fn->secondary, PCISIM_RESET_WARM, "secondary bus reset");
	} else {
		pcisim_reset_component_released(fn->secondary);
		pcisim_reset_component_up(fn->secondary, fn->comp.sim->now);
	}
}

void pcisim_reset_link_disable(struct pcisim_port *p, bool disabled)
{
	struct pcisim_link *l = &p->link;
	if (disabled) {
		pcisim_link_hold(l, PCISIM_LINK_HOLD_DISABLE, "Link Disable");
		pcisim_reset_below(p, PCISIM_RESET_WARM, "link down");
	} else {
		pcisim_link_release(l, PCISIM_LINK_HOLD_DISABLE, "Link Disable cleared");
	}
}

void pcisim_reset_fundamental(struct pcisim_port *p, const char *why)
{
	pcisim_reset_below(p, PCISIM_RESET_COLD, why);
	pcisim_link_restart(&p->link, why);
}

/* ---- config write hooks ---- */

static bool overlaps(uint16_t off, unsigned len, uint16_t reg, unsigned rlen)
{
	return off < reg + rlen && off + len > reg;
}

static void reset_fn_cfg_written(struct pcisim_pcifn *fn, uint16_t off, unsigned len)
{
	struct pcisim_cfg *c = &fn->cfg;
	if (fn->comp.removed || !c->bytes)
		return;
	if (fn->drv->bridge && !pcisim_is_port(fn) && overlaps(off, len, PCI_BRIDGE_CONTROL, 2))
		bridge_sbr(fn, pcisim_cfg_get16(c, PCI_BRIDGE_CONTROL) & PCI_BRIDGE_CTL_BUS_RESET);
	uint16_t exp = pcisim_cfg_find_cap(c, PCI_CAP_ID_EXP);
	if (!exp || !overlaps(off, len, (uint16_t)(exp + PCI_EXP_DEVCTL), 2))
		return;
	if (!(pcisim_cfg_get32(c, (uint16_t)(exp + PCI_EXP_DEVCAP)) & PCI_EXP_DEVCAP_FLR))
		return;
	/* Initiate FLR always reads 0 (PCIe r5.0 §7.5.3.4; QEMU pcie_cap_flr_write_config). */
	if (pcisim_cfg_test_and_clear(c, (uint16_t)(exp + PCI_EXP_DEVCTL), 2, PCI_EXP_DEVCTL_BCR_FLR))
		pcisim_reset_flr(fn, "Initiate Function Level Reset");
}

/* The bits a write of @len bytes at @off puts into the @rlen-byte register at @reg. */
static bool written_bits(uint16_t off, uint32_t val, unsigned len, uint16_t reg, unsigned rlen,
			 uint32_t *out)
{
	uint32_t v = 0;
	bool hit = false;
	for (unsigned i = 0; i < len; i++) {
		unsigned a = off + i;
		if (a >= reg && a < reg + rlen) {
			v |= ((val >> (8 * i)) & 0xff) << (8 * (a - reg));
			hit = true;
		}
	}
	*out = v;
	return hit;
}

/*
 * A guest write of @val (@len bytes at @off) reached @p, masks already applied: Link
 * Control Link Disable written 1 disables the link and written 0 enables it again;
 * Retrain Link written 1 retrains (it always reads 0). QEMU keeps both bits read-only
 * and ignores them; pcisim applies them and mirrors Link Disable in the register
 * (docs/links-and-resets.md).
 */
static void link_ctl_write(struct pcisim_port *p, uint16_t off, uint32_t val, unsigned len)
{
	struct pcisim_link *l = &p->link;
	uint32_t wv;
	/* LD and RL are in the low byte of Link Control (PCIe r5.0 §7.5.3.7). */
	if (!l->port || !p->exp || !written_bits(off, val, len, (uint16_t)(p->exp + PCI_EXP_LNKCTL), 1, &wv))
		return;
	struct pcisim_cfg *c = &p->fn.cfg;
	uint16_t ctl_off = (uint16_t)(p->exp + PCI_EXP_LNKCTL);
	/* Only writable bits act (link_model qemu: LD and RL are read-only). */
	wv &= pcisim_cfg_mask_get(c, PCISIM_WMASK, ctl_off, 1);
	/* Retrain Link always reads 0. */
	pcisim_cfg_test_and_clear(c, ctl_off, 2, PCI_EXP_LNKCTL_RL);
	bool ld = wv & PCI_EXP_LNKCTL_LD;
	bool was = l->hold & PCISIM_LINK_HOLD_DISABLE;
	if (ld != was) {
		if (ld)
			pcisim_cfg_setbits(c, ctl_off, 2, PCI_EXP_LNKCTL_LD);
		else
			pcisim_cfg_clrbits(c, ctl_off, 2, PCI_EXP_LNKCTL_LD);
		pcisim_reset_link_disable(p, ld);
	}
	if ((wv & PCI_EXP_LNKCTL_RL) && !ld)
		pcisim_link_retrain(l, "Retrain Link");
}

void pcisim_reset_port_cfg_written(struct pcisim_port *p, uint16_t old_bctl, uint16_t off,
				   uint32_t val, unsigned len)
{
	struct pcisim_pcifn *fn = &p->fn;
	if (overlaps(off, len, PCI_BRIDGE_CONTROL, 2)) {
		uint16_t bctl = pcisim_cfg_get16(&fn->cfg, PCI_BRIDGE_CONTROL);
		if (~old_bctl & bctl & PCI_BRIDGE_CTL_BUS_RESET)
			pcisim_reset_sbr(p, true);
		else if (old_bctl & ~bctl & PCI_BRIDGE_CTL_BUS_RESET)
			pcisim_reset_sbr(p, false);
	}
	link_ctl_write(p, off, val, len);
}

static int reset_hook_realized(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	reset_fn_realized(fn);
	return 0;
}

static void reset_hook_cfg_written(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len)
{
	reset_fn_cfg_written(fn, off, len);
}

/* Realize-time values of the resettable bits; Initiate FLR and the upstream port's
 * Secondary Bus Reset written by the guest. */
static const struct pcisim_fabric_hooks reset_hooks = {
	.name = "reset",
	.realized = reset_hook_realized,
	.cfg_written = reset_hook_cfg_written,
};

static void reset_link_released(struct pcisim_link *l)
{
	pcisim_reset_component_released(l->port->fn.secondary);
}

static void reset_link_ready(struct pcisim_link *l, pcisim_time now)
{
	pcisim_reset_component_up(l->port->fn.secondary, now);
}

/* The component below a link leaves reset, and becomes ready, as its link says. */
static const struct pcisim_link_listener reset_link_listener = {
	.name = "reset",
	.released = reset_link_released,
	.ready = reset_link_ready,
};

void pcisim_reset_register(void)
{
	pcisim_fabric_hooks_add(&reset_hooks);
	pcisim_link_listener_add(&reset_link_listener);
}
