/*
 * HPA -> DPA decoding through fixed memory windows, host bridge, switch and device
 * HDM decoders (hdm.h), on the decoders' register values (component.c).
 *
 * Facts, from QEMU's hw/cxl/cxl-host.c and hw/mem/cxl_type3.c:
 *  - cxl_cfmws_find_device(): the window's host bridge is target (offset in the
 *    window / granularity) % targets; a host bridge with one root port and no
 *    hdm_for_passthrough passes through (8.0 on), else its decoders pick the root
 *    port by Port Number; below the root port devices[0] is the type 3 device, or a
 *    switch upstream port whose decoders pick the downstream port (one level only);
 *  - cxl_hdm_find_target(): the first committed decoder whose [base, base + size)
 *    holds the HPA; target = (HPA / granularity) % ways, byte of the target list;
 *  - cxl_type3_dpa(): decoders in order, each adding its DPA skip, and the size
 *    divided by its ways to the DPA base when it does not hold the HPA.
 * QEMU's port decoders take the index modulo 1 << IW, which for the 3/6/12-way
 * encodings is not the ways; pcisim takes it modulo the ways (the specification's
 * rule) and only eight targets exist in a target list.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/cxl/cxl_state.h"
#include "sim/cxl/dvsec.h"
#include "sim/cxl/fmw.h"
#include "sim/cxl/hdm.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/core/heap.h"

#define CXL_FMW_ALIGN (256ull << 20)

unsigned pcisim_cxl_ways_dec(unsigned iw)
{
	if (iw <= 4)
		return 1u << iw;
	if (iw >= 8 && iw <= 10)
		return 3u << (iw - 8);
	return 0;
}

int pcisim_cxl_ways_enc(unsigned ways)
{
	for (unsigned iw = 0; iw <= 10; iw++)
		if (pcisim_cxl_ways_dec(iw) == ways)
			return (int)iw;
	return -1;
}

int pcisim_cxl_ig_enc(uint64_t bytes)
{
	for (int ig = 0; ig <= 6; ig++)
		if (pcisim_cxl_ig_bytes((unsigned)ig) == bytes)
			return ig;
	return -1;
}

uint64_t pcisim_cxl_dpa_offset(uint64_t off, unsigned ig, unsigned iw)
{
	uint64_t low = (1ull << (8 + ig)) - 1;
	if (iw < 8)
		return (off & low) | ((off >> iw) & ~low);
	return (off & low) | (((off >> (ig + iw)) / 3) << (ig + 8));
}

uint64_t pcisim_cxl_fmw_base(const struct pcisim_machine *m, unsigned index)
{
	uint64_t base = PCISIM_CXL_FMW_START;
	for (unsigned i = 0; i < index && i < m->ncxl_fmw; i++)
		base = (base + m->cxl_fmw[i].size + CXL_FMW_ALIGN - 1) & ~(CXL_FMW_ALIGN - 1);
	return base;
}

static uint64_t dec_reg64(const struct pcisim_cxl_cregs *r, unsigned i, unsigned lo)
{
	unsigned d = CXL_HDM_DEC(i) / 4 + lo / 4;
	return (uint64_t)(r->cm[d] & 0xf0000000u) | (uint64_t)r->cm[d + 1] << 32;
}

/* Lower *@end to @e: where the route found so far stops holding. */
static void limit(uint64_t *end, uint64_t e)
{
	if (e < *end)
		*end = e;
}

/* The end of @off's interleave granule of encoding @ig: the next target's first byte. */
static uint64_t granule_end(uint64_t off, unsigned ig)
{
	return (off | (pcisim_cxl_ig_bytes(ig) - 1)) + 1;
}

/* cxl_hdm_find_target(): the port number a port's decoders send @hpa to; *@end is
 * lowered to where that stops holding (route.span, hdm.h) */
static bool port_target(const struct pcisim_cxl_cregs *r, uint64_t hpa, uint8_t *pn, uint64_t *end)
{
	for (unsigned i = 0; i < r->ndecoders; i++) {
		uint32_t ctrl = r->cm[(CXL_HDM_DEC(i) + CXL_HDM_CTRL) / 4];
		if (!(ctrl & CXL_HDM_CTRL_COMMITTED))
			continue;
		uint64_t base = dec_reg64(r, i, CXL_HDM_BASE_LO), size = dec_reg64(r, i, CXL_HDM_SIZE_LO);
		if (hpa < base || hpa - base >= size) {
			if (base > hpa) /* first in the list: it would take the addresses from its base */
				limit(end, base);
			continue;
		}
		unsigned ways = pcisim_cxl_ways_dec((ctrl & CXL_HDM_CTRL_IW) >> 4);
		if (!ways)
			return false;
		unsigned idx = pcisim_cxl_target_index(hpa, ctrl & CXL_HDM_CTRL_IG, ways);
		if (idx >= 8)
			return false;
		uint32_t w = r->cm[(CXL_HDM_DEC(i) + (idx < 4 ? CXL_HDM_TARGET_LO : CXL_HDM_TARGET_HI)) / 4];
		*pn = (uint8_t)(w >> (8 * (idx & 3)));
		limit(end, base + size);
		if (ways > 1)
			limit(end, granule_end(hpa, ctrl & CXL_HDM_CTRL_IG));
		return true;
	}
	return false;
}

/* cxl_type3_dpa(); *@end as for port_target() */
static bool device_dpa(const struct pcisim_cxl_cregs *r, uint64_t hpa, uint64_t *dpa, uint64_t *end)
{
	uint64_t dpa_base = 0;
	for (unsigned i = 0; i < r->ndecoders; i++) {
		uint32_t ctrl = r->cm[(CXL_HDM_DEC(i) + CXL_HDM_CTRL) / 4];
		unsigned ig = ctrl & CXL_HDM_CTRL_IG, iw = (ctrl & CXL_HDM_CTRL_IW) >> 4;
		unsigned ways = pcisim_cxl_ways_dec(iw);
		uint64_t base = dec_reg64(r, i, CXL_HDM_BASE_LO), size = dec_reg64(r, i, CXL_HDM_SIZE_LO);
		dpa_base += dec_reg64(r, i, CXL_HDM_TARGET_LO);
		if (!ways)
			return false;
		if (hpa < base || hpa - base >= size) {
			if (base > hpa)
				limit(end, base);
			dpa_base += size / ways;
			continue;
		}
		*dpa = dpa_base + pcisim_cxl_dpa_offset(hpa - base, ig, iw);
		/* one way: the offset is the HPA's own; more: linear within a granule */
		limit(end, base + size);
		if (ways > 1)
			limit(end, base + granule_end(hpa - base, ig));
		return true;
	}
	return false;
}

/*
 * The decode path's topology, built once per sim and again whenever a function is
 * added (fab->nfns changes): the windows' bases and host bridges, each host bridge's
 * CXL root ports by Port Number, what sits below each (a type 3 device, or a switch
 * upstream port and its downstream ports by Port Number, each with what is below).
 * Decoder registers are read live on every access; a function removed since is seen
 * through comp.removed (its memory stays until the sim ends). This is what makes a
 * decode a few table look-ups instead of bus walks (bench/cxl.c).
 */
#define MAX_PORTS 32

struct below {
	struct pcisim_pcifn *fn; /* devices[0] of the port's secondary bus, or NULL */
	struct pcisim_cxl_cregs *r;
};
struct dport {
	uint8_t pn;
	struct pcisim_pcifn *fn;
	struct below below;
	int sw;                      /* below is a switch: its index in the switches; else -1 */
};
/* a switch: its upstream port and its downstream ports by Port Number */
struct swnode {
	struct dport dsp[MAX_PORTS];
	unsigned ndsp;
};
struct rport {
	uint8_t pn;
	struct pcisim_pcifn *fn;
	struct below below;          /* a type 3 device or a switch upstream port */
	int sw;                      /* below is a switch: its index in the switches; else -1 */
};
struct hbridge {
	struct pcisim_pcifn *fn;
	struct pcisim_cxl_cregs *r;
	bool passthrough;
	struct rport rp[MAX_PORTS];
	unsigned nrp;
};
struct decode_cache {
	const struct pcisim_cxl_fmw *fmw;
	unsigned nwin;
	uint32_t nfns;
	uint64_t base[16], size[16];
	unsigned ig[16], ntargets[16];
	struct hbridge *hb[16][16];
	struct hbridge *hbs; /* distinct host bridges */
	unsigned nhbs;
	struct swnode *sws; /* the switches below them, at any depth */
	unsigned nsws, capsws;
};
static const struct pcisim_ext_key decode_cache_key = {"cxl.decode"};

static void cache_free(void *p)
{
	struct decode_cache *c = p;
	pcisim_free(c->hbs);
	pcisim_free(c->sws);
	pcisim_free(c);
}

/* devices[0] of a bridge's secondary bus */
static struct below first_below(struct pcisim_pcifn *port)
{
	struct pcisim_pcibus *b = port ? port->secondary : NULL;
	struct below x = {NULL, NULL};
	if (b && b->nfns && b->fns[0]->devfn == 0 && !b->fns[0]->comp.removed) {
		x.fn = b->fns[0];
		x.r = pcisim_cxl_cregs_of(x.fn);
	}
	return x;
}

/* Switches nest (a cxl-upstream below a cxl-downstream); a bus hierarchy is a tree, and
 * this bound only keeps a malformed one from recursing without end. */
#define MAX_SWITCH_DEPTH 8

/* The switch whose upstream port is @up.fn: its downstream ports and, recursively, the
 * switches below them. Returns its index, or -1 when @up is no switch. */
static int build_switch(struct decode_cache *c, struct below up, unsigned depth)
{
	if (!up.r || up.r->kind != PCISIM_CXL_COMP_UPSTREAM_PORT || depth >= MAX_SWITCH_DEPTH)
		return -1;
	if (c->nsws == c->capsws) {
		c->capsws = c->capsws ? 2 * c->capsws : 8;
		c->sws = pcisim_realloc(c->sws, c->capsws * sizeof(*c->sws));
		if (!c->sws)
			abort();
	}
	int si = (int)c->nsws++;
	memset(&c->sws[si], 0, sizeof(c->sws[si]));
	struct pcisim_pcibus *sb = up.fn->secondary;
	for (uint16_t j = 0; sb && j < sb->nfns && c->sws[si].ndsp < MAX_PORTS; j++) {
		struct pcisim_pcifn *ds = sb->fns[j];
		struct pcisim_cxl_cregs *dr = pcisim_cxl_cregs_of(ds);
		if (ds->comp.removed || !ds->secondary || !dr)
			continue;
		struct dport d = {dr->port_number, ds, first_below(ds), -1};
		d.sw = build_switch(c, d.below, depth + 1); /* may move c->sws */
		struct swnode *n = &c->sws[si];
		n->dsp[n->ndsp++] = d;
	}
	return si;
}

static void build_hb(struct decode_cache *c, struct hbridge *h, struct pcisim_pcifn *fn,
		     const struct pcisim_machine *m)
{
	memset(h, 0, sizeof(*h));
	h->fn = fn;
	h->r = pcisim_cxl_cregs_of(fn);
	for (uint16_t i = 0; fn->secondary && i < fn->secondary->nfns && h->nrp < MAX_PORTS; i++) {
		struct pcisim_pcifn *rp = fn->secondary->fns[i];
		struct pcisim_cxl_cregs *rr = pcisim_cxl_cregs_of(rp);
		if (rp->comp.removed || !rp->secondary || !rr)
			continue;
		struct rport *p = &h->rp[h->nrp++];
		p->pn = rr->port_number;
		p->fn = rp;
		p->below = first_below(rp);
		p->sw = build_switch(c, p->below, 0);
	}
	/* a single root port passes through unless hdm_for_passthrough (8.0 on) */
	h->passthrough = h->nrp == 1 && (m->compat & PCISIM_QEMU_CXL_HB_PASSTHROUGH) &&
			 !pcisim_props_bool(&fn->props, "hdm_for_passthrough", false);
}

static struct decode_cache *decode_cache(struct pcisim_fabric *fab)
{
	const struct pcisim_machine *m = &fab->machine;
	struct decode_cache *c = pcisim_ext_get(fab->sim, &decode_cache_key);
	if (c && c->fmw == m->cxl_fmw && c->nwin == m->ncxl_fmw && c->nfns == fab->nfns)
		return c;
	if (!c) {
		c = pcisim_calloc(1, sizeof(*c));
		if (!c)
			abort();
		pcisim_ext_set(fab->sim, &decode_cache_key, c, cache_free);
	}
	pcisim_free(c->hbs);
	pcisim_free(c->sws);
	memset(c, 0, sizeof(*c));
	c->fmw = m->cxl_fmw;
	c->nwin = m->ncxl_fmw < 16 ? m->ncxl_fmw : 16;
	c->nfns = fab->nfns;
	/* the windows' targets, each host bridge once in order of first appearance: hbs
	 * holds as many as there are (one, mostly), not 256 (170 KB zeroed per run) */
	struct pcisim_pcifn *hbfn[16 * 16];
	int at[16][16];
	unsigned nh = 0;
	for (unsigned w = 0; w < c->nwin; w++) {
		const struct pcisim_cxl_fmw *fw = &m->cxl_fmw[w];
		int ig = pcisim_cxl_ig_enc(fw->granularity ? fw->granularity : 256);
		c->base[w] = pcisim_cxl_fmw_base(m, w);
		c->size[w] = fw->size;
		c->ig[w] = ig < 0 ? 0 : (unsigned)ig;
		c->ntargets[w] = fw->ntargets < 16 ? fw->ntargets : 16;
		for (unsigned i = 0; i < c->ntargets[w]; i++) {
			at[w][i] = -1;
			struct pcisim_pcifn *fn = pcisim_fabric_find_fn(fab, fw->targets[i]);
			if (!fn || !pcisim_cxl_cregs_of(fn))
				continue;
			unsigned k;
			for (k = 0; k < nh && hbfn[k] != fn; k++)
				;
			if (k == nh)
				hbfn[nh++] = fn;
			at[w][i] = (int)k;
		}
	}
	c->hbs = pcisim_calloc(nh ? nh : 1, sizeof(*c->hbs));
	if (!c->hbs)
		abort();
	for (unsigned k = 0; k < nh; k++)
		build_hb(c, &c->hbs[c->nhbs++], hbfn[k], m);
	for (unsigned w = 0; w < c->nwin; w++)
		for (unsigned i = 0; i < c->ntargets[w]; i++)
			if (at[w][i] >= 0)
				c->hb[w][i] = &c->hbs[at[w][i]];
	return c;
}

int pcisim_cxl_decode(struct pcisim_fabric *fab, uint64_t hpa, struct pcisim_cxl_route *out)
{
	const struct pcisim_machine *m = &fab->machine;
	memset(out, 0, sizeof(*out));
	struct decode_cache *c = decode_cache(fab);
	unsigned w;
	for (w = 0; w < c->nwin; w++)
		if (hpa >= c->base[w] && hpa - c->base[w] < c->size[w])
			break;
	if (w == c->nwin)
		return -PCISIM_CXL_DEC_NO_WINDOW;
	uint64_t end = c->base[w] + c->size[w];
	if (c->ntargets[w] > 1)
		limit(&end, c->base[w] + granule_end(hpa - c->base[w], c->ig[w]));
	out->window = &m->cxl_fmw[w];
	out->window_index = w;
	if (!c->ntargets[w])
		return -PCISIM_CXL_DEC_NO_HB;
	struct hbridge *h = c->hb[w][pcisim_cxl_target_index(hpa - c->base[w], c->ig[w], c->ntargets[w])];
	if (!h || h->fn->comp.removed)
		return -PCISIM_CXL_DEC_NO_HB;
	out->host_bridge = h->fn;
	struct rport *rp = NULL;
	if (h->passthrough) {
		rp = &h->rp[0];
	} else {
		uint8_t pn;
		if (!port_target(h->r, hpa, &pn, &end))
			return -PCISIM_CXL_DEC_NO_DECODER;
		for (unsigned i = 0; i < h->nrp && !rp; i++)
			if (h->rp[i].pn == pn && !h->rp[i].fn->comp.removed)
				rp = &h->rp[i];
	}
	if (!rp)
		return -PCISIM_CXL_DEC_NO_PORT;
	out->root_port = rp->fn;
	struct below d = rp->below;
	if (d.fn && d.fn->comp.removed)
		return -PCISIM_CXL_DEC_NO_DEVICE;
	/* through each switch on the way: its upstream port's decoder picks the dport */
	for (int si = rp->sw; si >= 0;) {
		const struct swnode *sw = &c->sws[si];
		uint8_t pn;
		out->switch_up = d.fn;
		if (!port_target(d.r, hpa, &pn, &end))
			return -PCISIM_CXL_DEC_NO_DECODER;
		const struct dport *dp = NULL;
		for (unsigned i = 0; i < sw->ndsp && !dp; i++)
			if (sw->dsp[i].pn == pn && !sw->dsp[i].fn->comp.removed)
				dp = &sw->dsp[i];
		if (!dp)
			return -PCISIM_CXL_DEC_NO_PORT;
		out->switch_down = dp->fn;
		d = dp->below;
		si = dp->sw;
		if (d.fn && d.fn->comp.removed)
			return -PCISIM_CXL_DEC_NO_DEVICE;
	}
	if (!d.r || d.r->kind != PCISIM_CXL_COMP_TYPE3)
		return -PCISIM_CXL_DEC_NO_DEVICE;
	out->device = d.fn;
	if (!device_dpa(d.r, hpa, &out->dpa, &end))
		return -PCISIM_CXL_DEC_NO_DECODER;
	out->span = end - hpa;
	return 0;
}

const char *pcisim_cxl_decode_error(int rc)
{
	switch (-rc) {
	case PCISIM_CXL_DEC_NO_WINDOW:
		return "the address is in no CXL fixed memory window";
	case PCISIM_CXL_DEC_NO_HB:
		return "the window's host bridge is not present";
	case PCISIM_CXL_DEC_NO_DECODER:
		return "no committed HDM decoder covers the address";
	case PCISIM_CXL_DEC_NO_PORT:
		return "no port has the decoder's target port number";
	case PCISIM_CXL_DEC_NO_DEVICE:
		return "no CXL type 3 device below the port";
	case PCISIM_CXL_DEC_DC_NOT_ACCEPTED:
		return "dynamic capacity the host has not accepted";
	default:
		return "decoded";
	}
}
