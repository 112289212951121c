/*
 * cxl_region (drivers/cxl/core/region.c) as the guest's user drives it with cxl-cli:
 *
 *   cxl create-region -d decoder0.W -m mem0 mem1 -t TYPE -g GRAN -s SIZE
 *     (action cxl.create_region, TYPE pmem, ram or dynamic_ram_a): the HPA range
 *     taken from the root decoder's window (alloc_hpa: the lowest free range, 256 MiB
 *     aligned), a decoder chosen on every endpoint (its DPA from the start of the free
 *     capacity of the type's partition: volatile from DPA 0, persistent after it, DC
 *     after both; reached with DPA Skip, so a decoder never maps DPA below the one
 *     before it) and on every host bridge port that is not passthrough (its targets
 *     the root ports' Port Numbers in interleave position order), each programmed and
 *     committed bottom-up (cxl_region_decode_commit: endpoint, then its host bridge
 *     once) with Committed read back (cxld_await_commit); then the memory onlined
 *     (dax, kmem: 128 MiB memory blocks).
 *   cxl destroy-region regionN (action cxl.destroy_region): memory offlined, then every
 *     target's decoders reset from the endpoint up (cxl_region_decode_reset,
 *     cxl_decoder_reset: Commit cleared, base and size zeroed).
 *
 * Removal of a memdev (cxl_pci unbound: sysfs remove, pciehp's removal, a surprise
 * removal) tears its regions down in the order that must hold: stop the I/O, offline
 * the memory, unmap (reset the decoders: on a device that is gone these writes go
 * nowhere, and the record says so), remove the memdev and its endpoint. Each step
 * leaves a cxl.teardown record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/core/ynode.h"
#include "sim/cxl/hdm.h"
#include "sim/cxl/regs.h"
#include "sim/host/cxl_host.h"
#include "sim/host/host.h"
#include "sim/pcie/fabric.h"

#define HPA_ALIGN (256ull << 20)      /* SZ_256M: alloc_hpa() */
#define MEMORY_BLOCK (128ull << 20)   /* x86_64 memory block size below 64 GiB of RAM */

#define DEC(i, r) (PCISIM_CXL_CM_OFFSET + CXL_HDM_DEC(i) + (r))

/* cxl_decoder_commit(): program decoder @i of @p and commit it; whether Committed reads back. */
static bool commit_decoder(struct pcisim_cxl_host *c, struct pcisim_cxlh_port *p, unsigned i)
{
	struct pcisim_cxlh_decoder *d = &p->dec[i];
	int iw = pcisim_cxl_ways_enc(d->ways), ig = pcisim_cxl_ig_enc(d->granularity);
	uint32_t ctrl = (uint32_t)(ig < 0 ? 0 : ig) | (uint32_t)(iw < 0 ? 0 : iw) << 4 | CXL_HDM_CTRL_TYPE;
	pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_BASE_LO), (uint32_t)d->base);
	pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_BASE_HI), (uint32_t)(d->base >> 32));
	pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_SIZE_LO), (uint32_t)d->size);
	pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_SIZE_HI), (uint32_t)(d->size >> 32));
	if (p->endpoint) {
		uint64_t skip = d->dpa_base; /* set by the caller: this decoder's DPA Skip */
		pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_TARGET_LO), (uint32_t)skip);
		pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_TARGET_HI), (uint32_t)(skip >> 32));
	} else {
		uint32_t lo = 0, hi = 0;
		for (unsigned k = 0; k < 4; k++)
			lo |= (uint32_t)d->targets[k] << (8 * k), hi |= (uint32_t)d->targets[k + 4] << (8 * k);
		pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_TARGET_LO), lo);
		pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_TARGET_HI), hi);
	}
	pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_CTRL), ctrl);
	pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_CTRL), ctrl | CXL_HDM_CTRL_COMMIT);
	uint32_t back = pcisim_cxlh_comp_read(c, p, DEC(i, CXL_HDM_CTRL));
	d->committed = back != 0xffffffffu && (back & CXL_HDM_CTRL_COMMITTED) && !(back & CXL_HDM_CTRL_ERR);
	PCISIM_RECORD(p->fn->comp.sim, &p->fn->comp, "cxl.decoder", PCISIM_FS("event", "commit"),
		      PCISIM_FU("port", p->id), PCISIM_FU("decoder", i), PCISIM_FX("base", d->base),
		      PCISIM_FX("size", d->size), PCISIM_FU("ways", d->ways),
		      PCISIM_FU("granularity", d->granularity), PCISIM_FB("ok", d->committed));
	return d->committed;
}

/* cxl_decoder_reset(): Commit cleared, base and size zeroed; whether the device took the writes. */
static bool reset_decoder(struct pcisim_cxl_host *c, struct pcisim_cxlh_port *p, unsigned i)
{
	struct pcisim_cxlh_decoder *d = &p->dec[i];
	uint32_t ctrl = pcisim_cxlh_comp_read(c, p, DEC(i, CXL_HDM_CTRL));
	bool ok = ctrl != 0xffffffffu;
	ok &= pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_CTRL), ok ? ctrl & ~(uint32_t)CXL_HDM_CTRL_COMMIT : 0);
	ok &= pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_BASE_LO), 0);
	ok &= pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_BASE_HI), 0);
	ok &= pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_SIZE_LO), 0);
	ok &= pcisim_cxlh_comp_write(c, p, DEC(i, CXL_HDM_SIZE_HI), 0);
	PCISIM_RECORD(p->fn->comp.sim, &p->fn->comp, "cxl.decoder", PCISIM_FS("event", "reset"),
		      PCISIM_FU("port", p->id), PCISIM_FU("decoder", i), PCISIM_FX("base", d->base),
		      PCISIM_FX("size", d->size), PCISIM_FU("ways", d->ways),
		      PCISIM_FU("granularity", d->granularity), PCISIM_FB("ok", ok));
	int region = d->region;
	memset(d, 0, sizeof(*d));
	d->region = -1;
	(void)region;
	return ok;
}

static int free_decoder(const struct pcisim_cxlh_port *p)
{
	for (unsigned i = 0; i < p->ndecoders; i++)
		if (!p->dec[i].in_use)
			return (int)i;
	return -1;
}

static void region_record(struct pcisim_sim *sim, struct pcisim_comp *who, const struct pcisim_cxlh_region *r,
			  const char *event)
{
	PCISIM_RECORD(sim, who, "cxl.region", PCISIM_FU("region", r->id), PCISIM_FS("event", event),
		      PCISIM_FX("base", r->base), PCISIM_FX("size", r->size), PCISIM_FU("ways", r->ways),
		      PCISIM_FU("granularity", r->granularity), PCISIM_FU("memory_blocks", r->memory_blocks));
}

/* Reset every decoder of @r from each endpoint up (cxl_region_decode_reset). */
static void region_decode_reset(struct pcisim_cxl_host *c, struct pcisim_cxlh_region *r)
{
	for (unsigned k = 0; k < r->ways; k++) {
		struct pcisim_cxlh_memdev *m = c->memdevs[r->memdevs[k]];
		if (m->endpoint >= 0 && r->ep_decoder[k] >= 0 &&
		    c->ports[m->endpoint].dec[r->ep_decoder[k]].in_use)
			reset_decoder(c, &c->ports[m->endpoint], (unsigned)r->ep_decoder[k]);
		r->ep_decoder[k] = -1;
		for (unsigned l = 0; l < m->nchain; l++) {
			int pi = m->chain[l];
			if (r->port_decoder[pi] >= 0) {
				reset_decoder(c, &c->ports[pi], (unsigned)r->port_decoder[pi]);
				r->port_decoder[pi] = -1;
			}
		}
	}
}

static void region_offline(struct pcisim_sim *sim, struct pcisim_comp *who, struct pcisim_cxlh_region *r)
{
	if (r->state != PCISIM_CXLH_REGION_ONLINE)
		return;
	region_record(sim, who, r, "offline");
	r->memory_blocks = 0;
	r->state = PCISIM_CXLH_REGION_COMMITTED;
}

/* ---- cxl create-region ---- */

/* alloc_hpa(): the lowest 256 MiB aligned range of @size in root decoder @w that no live region holds; 0: none. */
/* cxl create-region -t: the choices, in the order of the step's "type" index */
static const char *const region_types[] = {"pmem", "dynamic_ram_a", "ram", NULL};

/* The DPA partition a region of @r's type takes from: where it starts, its size, what regions took. */
static uint64_t part_base(const struct pcisim_cxlh_memdev *m, const struct pcisim_cxlh_region *r)
{
	return r->dc ? m->dc[0].base : r->pmem ? m->ram : 0; /* volatile first, then persistent, then DC */
}

static uint64_t part_size(const struct pcisim_cxlh_memdev *m, const struct pcisim_cxlh_region *r)
{
	return r->dc ? m->dc[0].len : r->pmem ? m->pmem : m->ram;
}

static uint64_t *part_used(struct pcisim_cxlh_memdev *m, const struct pcisim_cxlh_region *r)
{
	return r->dc ? &m->dc_used : r->pmem ? &m->dpa_used : &m->ram_used;
}

static uint64_t alloc_hpa(const struct pcisim_cxl_host *c, unsigned w, uint64_t size)
{
	const struct pcisim_cxlh_root_decoder *root = &c->roots[w];
	uint64_t cand = root->base;
	for (bool moved = true; moved;) {
		moved = false;
		cand = (cand + HPA_ALIGN - 1) & ~(HPA_ALIGN - 1);
		for (unsigned i = 0; i < c->nregions; i++) {
			const struct pcisim_cxlh_region *r = &c->regions[i];
			if (r->root != (int)w || r->state == PCISIM_CXLH_REGION_DESTROYED ||
			    r->state == PCISIM_CXLH_REGION_NONE)
				continue;
			if (cand < r->base + r->size && r->base < cand + size) {
				cand = r->base + r->size;
				moved = true;
			}
		}
	}
	return cand + size <= root->base + root->size ? cand : 0;
}


static int act_create_region(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(sim);
	struct pcisim_host *h = pcisim_host_of(sim);
	struct pcisim_comp *who = h ? &h->comp : NULL;
	if (!c) {
		pcisim_log(sim, who, "cxl", "cxl create-region: no CXL drivers (host: {cxl: on}) or not booted");
		return -1;
	}
	unsigned w = (unsigned)pcisim_step_param(s, "decoder")->u;
	if (w >= c->nroots) {
		pcisim_log(sim, who, "cxl", "cxl create-region: no root decoder decoder0.%u", w);
		return -1;
	}
	struct pcisim_cxlh_root_decoder *root = &c->roots[w];
	const struct pcisim_ynode *mn = pcisim_step_param(s, "memdevs")->node;
	if (c->nregions == PCISIM_CXLH_MAX_REGIONS) {
		pcisim_log(sim, who, "cxl", "cxl create-region: too many regions");
		return -1;
	}
	struct pcisim_cxlh_region *r = &c->regions[c->nregions];
	memset(r, 0, sizeof(*r));
	r->id = c->nregions;
	const struct pcisim_pval *ty = pcisim_step_param(s, "type");
	r->dc = ty && ty->set && ty->u == 1;
	r->pmem = !ty || !ty->set || ty->u == 0;
	r->root = (int)w;
	r->ways = (unsigned)mn->n;
	for (unsigned i = 0; i < PCISIM_CXLH_MAX_PORTS; i++)
		r->port_decoder[i] = -1;
	const struct pcisim_pval *g = pcisim_step_param(s, "granularity");
	r->granularity = g && g->set ? (unsigned)g->u : root->granularity;
	uint64_t per = UINT64_MAX;
	for (unsigned k = 0; k < r->ways; k++) {
		const char *id = mn->vals[k]->str;
		struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(sim), id);
		int mi = -1;
		for (unsigned i = 0; fn && i < c->nmemdevs; i++)
			if (c->memdevs[i]->fn == fn && !c->memdevs[i]->removed)
				mi = (int)i;
		if (mi < 0 || c->memdevs[mi]->endpoint < 0 || c->memdevs[mi]->detached) {
			pcisim_log(sim, who, "cxl", "cxl create-region: '%s' is no enabled memdev", id);
			return -1;
		}
		struct pcisim_cxlh_memdev *m = c->memdevs[mi];
		/* the position's host bridge must be the root decoder's target at that position */
		int want = root->targets[k % root->ways];
		if (m->hb_port != want) {
			pcisim_log(sim, who, "cxl", "cxl create-region: mem%u is not below decoder0.%u's target for position %u",
				   m->id, w, k);
			return -1;
		}
		r->memdevs[k] = mi;
		r->ep_decoder[k] = -1;
		if (r->dc && !m->dcd) {
			pcisim_log(sim, who, "cxl", "cxl create-region: mem%u has no dynamic_ram_a partition", m->id);
			return -1;
		}
		uint64_t avail = part_size(m, r) - *part_used(m, r);
		if (avail < per)
			per = avail;
		/* an endpoint's decoders map DPA upwards: the next must not start below the last */
		const struct pcisim_cxlh_port *ep = &c->ports[m->endpoint];
		int di = free_decoder(ep);
		uint64_t end = 0;
		for (int j = 0; j < di; j++)
			end += ep->dec[j].dpa_base + ep->dec[j].dpa_size;
		if (avail && di >= 0 && part_base(m, r) + *part_used(m, r) < end) {
			pcisim_log(sim, who, "cxl", "cxl create-region: mem%u: %s at DPA %#llx lies below decoder%u.%u's end %#llx",
				   m->id, region_types[r->dc ? 1 : r->pmem ? 0 : 2],
				   (unsigned long long)(part_base(m, r) + *part_used(m, r)), ep->id, (unsigned)(di - 1),
				   (unsigned long long)end);
			return -1;
		}
	}
	const struct pcisim_pval *sz = pcisim_step_param(s, "size");
	uint64_t unit = HPA_ALIGN * r->ways;
	r->size = sz && sz->set ? sz->u : per / HPA_ALIGN * unit;
	if (!r->size || r->size % unit || r->size / r->ways > per) {
		pcisim_log(sim, who, "cxl", "cxl create-region: size %#llx: needs a multiple of %#llx and at most %#llx free per memdev",
			   (unsigned long long)r->size, (unsigned long long)unit, (unsigned long long)per);
		return -1;
	}
	r->base = alloc_hpa(c, w, r->size);
	if (!r->base) {
		pcisim_log(sim, who, "cxl", "cxl create-region: decoder0.%u has no free %#llx bytes", w,
			   (unsigned long long)r->size);
		return -1;
	}
	/* the decoders: every endpoint's, every switch and host bridge port's (once) */
	for (unsigned k = 0; k < r->ways; k++) {
		struct pcisim_cxlh_memdev *m = c->memdevs[r->memdevs[k]];
		struct pcisim_cxlh_port *ep = &c->ports[m->endpoint];
		int di = free_decoder(ep);
		bool short_of = di < 0;
		for (unsigned l = 0; l < m->nchain; l++) {
			struct pcisim_cxlh_port *pp = &c->ports[m->chain[l]];
			short_of |= !pp->passthrough && r->port_decoder[m->chain[l]] < 0 && free_decoder(pp) < 0;
		}
		if (short_of) {
			pcisim_log(sim, who, "cxl", "cxl create-region: no free decoder for mem%u", m->id);
			for (unsigned j = 0; j < k; j++) { /* give back what this attempt took */
				struct pcisim_cxlh_memdev *mj = c->memdevs[r->memdevs[j]];
				c->ports[mj->endpoint].dec[r->ep_decoder[j]].in_use = false;
				*part_used(mj, r) -= r->size / r->ways;
			}
			for (unsigned i = 0; i < c->nports; i++)
				if (r->port_decoder[i] >= 0)
					c->ports[i].dec[r->port_decoder[i]].in_use = false;
			return -1;
		}
		r->ep_decoder[k] = di;
		struct pcisim_cxlh_decoder *d = &ep->dec[di];
		d->in_use = true;
		d->region = (int)r->id;
		d->base = r->base, d->size = r->size, d->ways = r->ways, d->granularity = r->granularity;
		/* DPA Skip: from the decoders before this one to the free persistent capacity */
		uint64_t before = 0;
		for (int j = 0; j < di; j++)
			before += ep->dec[j].dpa_base + (ep->dec[j].ways ? ep->dec[j].size / ep->dec[j].ways : 0);
		d->dpa_size = r->size / r->ways;
		/* the skip; dpa_used (dc_used) moves on below */
		d->dpa_base = part_base(m, r) + *part_used(m, r) - before;
		*part_used(m, r) += d->dpa_size;
		/* each port above: the dport toward this memdev at the port's next position, once */
		for (unsigned l = 0; l < m->nchain; l++) {
			int pi = m->chain[l];
			struct pcisim_cxlh_port *pp = &c->ports[pi];
			if (pp->passthrough)
				continue;
			int hi = r->port_decoder[pi];
			if (hi < 0) {
				hi = free_decoder(pp);
				r->port_decoder[pi] = hi;
				struct pcisim_cxlh_decoder *hd = &pp->dec[hi];
				hd->in_use = true;
				hd->region = (int)r->id;
				hd->base = r->base, hd->size = r->size, hd->ways = 0;
			}
			struct pcisim_cxlh_decoder *hd = &pp->dec[hi];
			bool listed = false;
			for (unsigned t = 0; t < hd->ways; t++)
				listed |= hd->targets[t] == m->chain_pn[l];
			if (!listed && hd->ways < 8)
				hd->targets[hd->ways++] = m->chain_pn[l];
		}
	}
	/*
	 * Granularity (cxl_port_setup_targets): each port's is its parent's times the
	 * parent's ways. A host bridge's parent is the root (whose granularity the region's
	 * stands for), a switch's the host bridge or the switch above; a passthrough port
	 * programs nothing and counts one way.
	 */
	for (unsigned i = 0; i < c->nports; i++) {
		int hi = r->port_decoder[i];
		if (hi < 0)
			continue;
		struct pcisim_cxlh_port *pp = &c->ports[i];
		unsigned gran = r->granularity * root->ways;
		for (int up = pp->parent, depth = 0; up >= 0 && depth < PCISIM_CXLH_MAX_PORTS;
		     up = c->ports[up].parent, depth++) {
			int phi = r->port_decoder[up];
			gran *= phi >= 0 ? c->ports[up].dec[phi].ways : 1;
		}
		pp->dec[hi].granularity = gran;
	}
	/* commit bottom-up: each endpoint, then the ports above it, each once */
	bool ok = true;
	bool done[PCISIM_CXLH_MAX_PORTS] = {false};
	for (unsigned k = 0; k < r->ways; k++) {
		struct pcisim_cxlh_memdev *m = c->memdevs[r->memdevs[k]];
		ok &= commit_decoder(c, &c->ports[m->endpoint], (unsigned)r->ep_decoder[k]);
		for (unsigned l = 0; l < m->nchain; l++) {
			int pi = m->chain[l];
			if (r->port_decoder[pi] >= 0 && !done[pi]) {
				done[pi] = true;
				ok &= commit_decoder(c, &c->ports[pi], (unsigned)r->port_decoder[pi]);
			}
		}
	}
	c->nregions++;
	if (!ok) {
		/* cxl_region_decode_commit() failed: undo what was committed */
		pcisim_log(sim, who, "cxl", "cxl region%u: failed to commit decoders", r->id);
		region_decode_reset(c, r);
		r->state = PCISIM_CXLH_REGION_DESTROYED;
		return -1;
	}
	r->state = PCISIM_CXLH_REGION_COMMITTED;
	region_record(sim, who, r, "committed");
	const struct pcisim_pval *on = pcisim_step_param(s, "online");
	if (!r->dc && (!on || !on->set || on->u)) { /* a DC region's memory comes with its extents */
		/* daxctl reconfigure-device --mode=system-ram: kmem adds the memory blocks online */
		r->memory_blocks = (unsigned)(r->size / MEMORY_BLOCK);
		r->state = PCISIM_CXLH_REGION_ONLINE;
		region_record(sim, who, r, "online");
	}
	return 0;
}

static int region_of(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_cxl_host **cp)
{
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(sim);
	const char *name = pcisim_step_param(s, "region")->s;
	unsigned id;
	char tail;
	*cp = c;
	if (!c || sscanf(name, "region%u%c", &id, &tail) != 1 || id >= c->nregions ||
	    c->regions[id].state == PCISIM_CXLH_REGION_DESTROYED)
		return -1;
	return (int)id;
}

static int act_destroy_region(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_cxl_host *c;
	int id = region_of(sim, s, &c);
	struct pcisim_host *h = pcisim_host_of(sim);
	struct pcisim_comp *who = h ? &h->comp : NULL;
	if (id < 0) {
		pcisim_log(sim, who, "cxl", "cxl destroy-region: no region '%s'", pcisim_step_param(s, "region")->s);
		return -1;
	}
	struct pcisim_cxlh_region *r = &c->regions[id];
	pcisim_cxlh_io_stop_region(c, id, "region torn down");
	region_offline(sim, who, r);
	region_decode_reset(c, r);
	for (unsigned k = 0; k < r->ways; k++) {
		struct pcisim_cxlh_memdev *m = c->memdevs[r->memdevs[k]];
		uint64_t *used = part_used(m, r);
		*used = *used >= r->size / r->ways ? *used - r->size / r->ways : 0;
	}
	r->state = PCISIM_CXLH_REGION_DESTROYED;
	region_record(sim, who, r, "destroyed");
	return 0;
}

static int act_offline_region(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_cxl_host *c;
	int id = region_of(sim, s, &c);
	struct pcisim_host *h = pcisim_host_of(sim);
	if (id < 0) {
		pcisim_log(sim, h ? &h->comp : NULL, "cxl", "daxctl offline-memory: no region '%s'",
			   pcisim_step_param(s, "region")->s);
		return -1;
	}
	region_offline(sim, h ? &h->comp : NULL, &c->regions[id]);
	return 0;
}

/* ---- removal of a memdev ---- */

static void teardown_step(struct pcisim_cxlh_memdev *m, const char *step, bool ok)
{
	PCISIM_RECORD(m->fn->comp.sim, &m->fn->comp, "cxl.teardown", PCISIM_FU("memdev", m->id),
		      PCISIM_FS("step", step), PCISIM_FB("ok", ok), PCISIM_FS("why", "-"));
}

void pcisim_cxlh_memdev_detach(struct pcisim_cxl_host *c, unsigned i, const char *why)
{
	struct pcisim_cxlh_memdev *m = c->memdevs[i];
	struct pcisim_host *h = c->h;
	struct pcisim_pcifn *fn = m->fn;
	if (m->detached)
		return;
	/* every region this memdev is a target of */
	for (unsigned ri = 0; ri < c->nregions; ri++) {
		struct pcisim_cxlh_region *r = &c->regions[ri];
		bool mine = false;
		for (unsigned k = 0; k < r->ways; k++)
			mine |= r->memdevs[k] == (int)i;
		if (!mine || r->state == PCISIM_CXLH_REGION_DESTROYED)
			continue;
		/* 1. stop I/O: the region's users are stopped before anything goes */
		pcisim_cxlh_io_stop_region(c, (int)ri, "region torn down");
		teardown_step(m, "stop_io", true);
		/* 2. offline the memory */
		region_offline(fn->comp.sim, &h->comp, r);
		teardown_step(m, "offline", true);
		/* 3. unmap: the decoders reset, this endpoint's first */
		bool dev_ok = true;
		for (unsigned k = 0; k < r->ways; k++) {
			struct pcisim_cxlh_memdev *t = c->memdevs[r->memdevs[k]];
			if (r->memdevs[k] == (int)i && t->endpoint >= 0 && r->ep_decoder[k] >= 0) {
				dev_ok = reset_decoder(c, &c->ports[t->endpoint], (unsigned)r->ep_decoder[k]);
				r->ep_decoder[k] = -1;
			}
		}
		region_decode_reset(c, r);
		teardown_step(m, "unmap", dev_ok);
		for (unsigned k = 0; k < r->ways; k++) {
			struct pcisim_cxlh_memdev *t = c->memdevs[r->memdevs[k]];
			uint64_t *used = part_used(t, r);
			*used = *used >= r->size / r->ways ? *used - r->size / r->ways : 0;
		}
		r->state = PCISIM_CXLH_REGION_DESTROYED;
		region_record(fn->comp.sim, &h->comp, r, "destroyed");
	}
	/* 4. remove: cxl_mem unbinds, the endpoint port goes */
	m->detached = true;
	PCISIM_RECORD(fn->comp.sim, &fn->comp, "cxl.teardown", PCISIM_FU("memdev", m->id), PCISIM_FS("step", "remove"),
		      PCISIM_FB("ok", true), PCISIM_FS("why", why));
}

void pcisim_cxl_host_fn_removed(struct pcisim_host *h, struct pcisim_pcifn *fn, bool surprise)
{
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(h->comp.sim);
	(void)surprise;
	for (unsigned i = 0; c && i < c->nmemdevs; i++)
		if (c->memdevs[i]->fn == fn && !c->memdevs[i]->removed) {
			pcisim_cxlh_memdev_detach(c, i, "cxl_pci removed");
			c->memdevs[i]->removed = true; /* cxl_pci unbound: the memdev is gone too */
		}
}

/* ---- the actions ---- */

static int check_create(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	const struct pcisim_ynode *n = pcisim_step_param(s, "memdevs")->node;
	if (!n || n->kind != PCISIM_Y_SEQ || !n->n || n->n > PCISIM_CXLH_MAX_WAYS)
		return pcisim_diag_error(d, n ? n->loc : s->loc,
					 "'memdevs': expected a list of 1 to 16 cxl-type3 ids, e.g. [mem0, mem1]");
	if (pcisim_cxl_ways_enc((unsigned)n->n) < 0)
		return pcisim_diag_error(d, n->loc, "'memdevs': %zu memdevs; a region interleaves 1, 2, 3, 4, 6, 8, 12 or 16",
					 n->n);
	for (size_t i = 0; i < n->n; i++) {
		const struct pcisim_ynode *v = n->vals[i];
		if (v->kind != PCISIM_Y_SCALAR || !pcisim_fabric_find_fn(pcisim_fabric_get(sim), v->str))
			return pcisim_diag_error(d, v->loc, "'memdevs': no device '%s' in the topology; give cxl-type3 ids",
						 v->kind == PCISIM_Y_SCALAR ? v->str : "(not a scalar)");
	}
	const struct pcisim_pval *g = pcisim_step_param(s, "granularity");
	if (g && g->set && pcisim_cxl_ig_enc(g->u) < 0)
		return pcisim_diag_error(d, g->node->loc,
					 "'granularity': %llu; expected 256, 512, 1024, 2048, 4096, 8192 or 16384",
					 (unsigned long long)g->u);
	return 0;
}

static const struct pcisim_param_def create_params[] = {
	{"memdevs", PCISIM_P_NODE, true, "the cxl-type3 ids, in interleave position order", NULL, 0, 0, NULL},
	{"decoder", PCISIM_P_INT, false, "the root decoder decoder0.N (the fixed memory window's index)", NULL, 0, 15, "0"},
	{"granularity", PCISIM_P_INT, false, "interleave granularity in bytes", NULL, 256, 16384, "the window's"},
	{"size", PCISIM_P_INT, false, "bytes, a multiple of 256 MiB times the ways", NULL, 1, 0,
	 "all the free persistent capacity"},
	{"online", PCISIM_P_BOOL, false, "online the memory (daxctl reconfigure-device --mode=system-ram)", NULL, 0, 0, "on"},
	{"type", PCISIM_P_CHOICE, false,
	 "the partition: pmem, ram (the volatile capacity, QEMU 8.0 on), or dynamic_ram_a (the first DC partition, memory only as extents arrive; host: {cxl_dcd: on})",
	 region_types, 0, 0, "pmem"},
	{0},
};

static const struct pcisim_param_def region_params[] = {
	{"region", PCISIM_P_STR, true, "the region, regionN", NULL, 0, 0, NULL},
	{0},
};

const struct pcisim_action_def pcisim_cxl_host_actions[] = {
	{"cxl.create_region",
	 "cxl create-region: a persistent-memory region over memdevs, its decoders programmed and committed, the memory onlined",
	 create_params, false, check_create, act_create_region},
	{"cxl.destroy_region", "cxl destroy-region: the memory offlined, every decoder reset from the endpoints up",
	 region_params, false, NULL, act_destroy_region},
	{"cxl.offline_memory", "daxctl offline-memory: the region's memory blocks offlined",
	 region_params, false, NULL, act_offline_region},
	{0},
};
