/*
 * Dynamic capacity as Linux's DCD series handles it (host: {cxl: on, cxl_dcd: on}).
 * The series ("DCD: Add support for Dynamic Capacity Devices", Navneet Singh and Ira
 * Weiny, v9 2025, and its 2026 repost by Anisa Su) is not in mainline Linux; what is
 * modelled is its drivers/cxl/core/mbox.c (cxl_dev_dc_identify, cxl_handle_dcd_event_records,
 * handle_add_event, cxl_add_pending, cxl_send_dc_response, cxl_rm_extent) and
 * core/extent.c (cxl_validate_extent):
 *
 *  - probe: Get Dynamic Capacity Configuration (0x4800, 8 regions from 0): the DC
 *    partitions; a device that does not answer has no DCD support. Regions of type
 *    dynamic_ram_a (cxl create-region -t dynamic_ram_a, cxl_region.c) map the first
 *    partition; they hold no memory until extents arrive.
 *  - Add Capacity records collect until one comes without More; then the chain is
 *    split into tag groups (first appearance order, each ordered by its shared
 *    sequence number) and each group is checked as a whole: its tag not already
 *    committed by an earlier chain, sequence numbers all 0 or exactly 1..n, one DC
 *    partition for a tagged group, every extent 2 MiB aligned; then each extent: it
 *    must lie inside an endpoint decoder of a dynamic_ram_a region and clear of the
 *    extents the host holds. One Add Dynamic Capacity Response lists what survived
 *    (an empty one rejects everything).
 *  - Release Capacity: an extent in no region is given back at once; in a region
 *    whose memory a reader uses the series refuses (-EBUSY) and still clears the
 *    record, so the device is never answered (the release is lost until the fabric
 *    asks again); otherwise the host forgets the range and sends Release Dynamic
 *    Capacity for it.
 *  - Forced Capacity Release is logged and ignored.
 */
#include <stdio.h>
#include <string.h>

#include "sim/cxl/dcd.h"
#include "sim/host/cxl_host.h"
#include "sim/host/host.h"

#define DC_ALIGN (2ull << 20) /* CXL_DCD_EXTENT_ALIGN */
#define UPDATED_ENTRY 24u     /* start, length, reserved (CXL r3.1 Table 8-169) */

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void pcisim_cxlh_dc_identify(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m)
{
	uint8_t in[2] = {PCISIM_CXLH_MAX_DC_PARTS, 0};
	uint8_t out[8 + 40 * PCISIM_CXLH_MAX_DC_PARTS + 16] = {0};
	unsigned n = 0;
	int rc = pcisim_cxlh_mbox(c, m, CXL_OP_GET_DC_CONFIG, in, sizeof(in), out, sizeof(out), &n);
	if (rc != 0 || n < 8 || !out[1])
		return; /* no dynamic capacity: the memdev is as without the series */
	m->ndc = out[1] < PCISIM_CXLH_MAX_DC_PARTS ? out[1] : PCISIM_CXLH_MAX_DC_PARTS;
	for (unsigned i = 0; i < m->ndc && 8 + 40 * (i + 1) <= n; i++) {
		const uint8_t *p = out + 8 + 40 * i;
		m->dc[i].base = le(p, 8);
		m->dc[i].decode_len = le(p + 8, 8) * (256ull << 20); /* in 256 MiB units */
		m->dc[i].len = le(p + 16, 8);
		m->dc[i].block_size = le(p + 24, 8);
	}
	m->dcd = true;
	PCISIM_RECORD(m->fn->comp.sim, &m->fn->comp, "cxl.dc_config", PCISIM_FU("memdev", m->id),
		      PCISIM_FU("regions", m->ndc), PCISIM_FX("base", m->dc[0].base), PCISIM_FX("size", m->dc[0].len),
		      PCISIM_FX("block_size", m->dc[0].block_size));
}

bool pcisim_cxlh_region_in_use(const struct pcisim_cxl_host *c, int region)
{
	for (unsigned i = 0; i < c->nio; i++)
		if (c->io[i].running && c->io[i].region == region)
			return true;
	return false;
}

/* The DPA range endpoint decoder @i of @ep maps: the skips and sizes of those before it. */
static uint64_t decoder_dpa(const struct pcisim_cxlh_port *ep, unsigned i)
{
	uint64_t dpa = 0;
	for (unsigned j = 0; j <= i; j++)
		dpa += ep->dec[j].dpa_base + (j < i ? ep->dec[j].dpa_size : 0);
	return dpa;
}

/* cxl_validate_extent(): the dynamic_ram_a region whose endpoint decoder holds the extent, -1 none */
static int extent_region(const struct pcisim_cxl_host *c, const struct pcisim_cxlh_memdev *m, uint64_t start,
			 uint64_t len)
{
	if (m->endpoint < 0 || m->detached)
		return -1;
	const struct pcisim_cxlh_port *ep = &c->ports[m->endpoint];
	for (unsigned i = 0; i < ep->ndecoders; i++) {
		const struct pcisim_cxlh_decoder *d = &ep->dec[i];
		if (!d->in_use || d->region < 0 || !c->regions[d->region].dc ||
		    c->regions[d->region].state == PCISIM_CXLH_REGION_DESTROYED)
			continue;
		uint64_t base = decoder_dpa(ep, i);
		if (start >= base && start + len <= base + d->dpa_size)
			return d->region;
	}
	return -1;
}

static int dc_part(const struct pcisim_cxlh_memdev *m, uint64_t start, uint64_t len)
{
	for (unsigned i = 0; i < m->ndc; i++)
		if (start >= m->dc[i].base && start + len <= m->dc[i].base + m->dc[i].decode_len)
			return (int)i;
	return -1;
}

static bool tag_null(const uint8_t tag[16])
{
	for (unsigned i = 0; i < 16; i++)
		if (tag[i])
			return false;
	return true;
}

static void extent_record(struct pcisim_cxlh_memdev *m, const char *event, const struct pcisim_cxlh_extent *e,
			  const char *why)
{
	PCISIM_RECORD(m->fn->comp.sim, &m->fn->comp, "cxl.dc_extent", PCISIM_FU("memdev", m->id),
		      PCISIM_FS("event", event), PCISIM_FX("dpa", e->start), PCISIM_FX("len", e->len),
		      PCISIM_FI("region", e->region), PCISIM_FS("why", why));
}

/* cxl_send_dc_response(): one Add Dynamic Capacity Response or Release Dynamic Capacity */
static int send_response(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m, uint16_t opcode,
			 const struct pcisim_cxlh_extent *e, unsigned n)
{
	uint8_t in[8 + UPDATED_ENTRY * PCISIM_CXLH_MAX_EXTENTS] = {0};
	put_le(in, n, 4);
	for (unsigned i = 0; i < n; i++) {
		put_le(in + 8 + UPDATED_ENTRY * i, e[i].start, 8);
		put_le(in + 8 + UPDATED_ENTRY * i + 8, e[i].len, 8);
	}
	unsigned dummy = 0;
	int rc = pcisim_cxlh_mbox(c, m, opcode, in, 8 + UPDATED_ENTRY * n, NULL, 0, &dummy);
	PCISIM_RECORD(m->fn->comp.sim, &m->fn->comp, "cxl.dc_response", PCISIM_FU("memdev", m->id),
		      PCISIM_FS("op", opcode == CXL_OP_ADD_DC_RESPONSE ? "add" : "release"), PCISIM_FU("extents", n),
		      PCISIM_FI("rc", rc));
	return rc;
}

/* Why group @g (@n extents, ordered) is dropped as a whole, NULL when it is not. */
static const char *group_fault(const struct pcisim_cxlh_memdev *m, const struct pcisim_cxlh_extent *g, unsigned n)
{
	bool tagged = !tag_null(g[0].tag);
	for (unsigned i = 0; tagged && i < m->next; i++)
		if (!memcmp(m->ext[i].tag, g[0].tag, 16))
			return "tag already committed in a previous More-chain";
	if (g[0].shared_seq) {
		for (unsigned i = 0; i < n; i++)
			if (g[i].shared_seq != i + 1)
				return "shared sequence numbers are not 1..n";
	} else {
		for (unsigned i = 0; i < n; i++)
			if (g[i].shared_seq)
				return "shared sequence numbers mix 0 and non-zero";
	}
	int part = tagged ? dc_part(m, g[0].start, g[0].len) : 0;
	for (unsigned i = 0; tagged && i < n; i++)
		if (part < 0 || dc_part(m, g[i].start, g[i].len) != part)
			return "extents span DC partitions";
	for (unsigned i = 0; i < n; i++)
		if (g[i].start % DC_ALIGN || g[i].len % DC_ALIGN)
			return "extent not 2 MiB aligned";
	return NULL;
}

/* cxl_add_pending(): the closed More chain, tag group by tag group, then one response */
static void add_pending(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m)
{
	struct pcisim_cxlh_extent acc[PCISIM_CXLH_MAX_EXTENTS];
	unsigned nacc = 0, first_new = m->next;
	bool used[PCISIM_CXLH_MAX_EXTENTS] = {false};
	for (unsigned i = 0; i < m->nadd_chain; i++) {
		if (used[i])
			continue;
		struct pcisim_cxlh_extent g[PCISIM_CXLH_MAX_EXTENTS];
		unsigned n = 0;
		for (unsigned j = i; j < m->nadd_chain; j++) {
			if (used[j] || memcmp(m->add_chain[j].tag, m->add_chain[i].tag, 16))
				continue;
			used[j] = true;
			/* stable insertion by shared sequence number */
			unsigned k = n++;
			while (k > 0 && g[k - 1].shared_seq > m->add_chain[j].shared_seq) {
				g[k] = g[k - 1];
				k--;
			}
			g[k] = m->add_chain[j];
		}
		const char *fault = group_fault(m, g, n);
		for (unsigned k = 0; k < n; k++) {
			const char *why = fault;
			g[k].region = -1;
			if (!why) {
				g[k].region = extent_region(c, m, g[k].start, g[k].len);
				if (g[k].region < 0)
					why = "not in an endpoint decoder of a dynamic_ram_a region";
			}
			for (unsigned e = 0; !why && e < m->next; e++)
				if (g[k].start < m->ext[e].start + m->ext[e].len && m->ext[e].start < g[k].start + g[k].len)
					why = "overlaps an extent the host holds";
			if (!why && m->next == PCISIM_CXLH_MAX_EXTENTS)
				why = "too many extents";
			if (why) {
				extent_record(m, "rejected", &g[k], why);
				continue;
			}
			m->ext[m->next++] = g[k];
			acc[nacc++] = g[k];
		}
	}
	m->nadd_chain = 0;
	int rc = send_response(c, m, CXL_OP_ADD_DC_RESPONSE, acc, nacc);
	if (rc != 0) {
		/* the device did not take them: the memory is not the host's */
		for (unsigned i = first_new; i < m->next; i++)
			extent_record(m, "rejected", &m->ext[i], "Add Dynamic Capacity Response failed");
		m->next = first_new;
		return;
	}
	for (unsigned i = first_new; i < m->next; i++)
		extent_record(m, "added", &m->ext[i], "");
}

/* cxl_rm_extent(): give back [start, start + len) unless its region's memory is in use */
static void rm_extent(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m, struct pcisim_cxlh_extent *r)
{
	r->region = -1;
	for (unsigned i = 0; i < m->next; i++)
		if (r->start < m->ext[i].start + m->ext[i].len && m->ext[i].start < r->start + r->len)
			r->region = m->ext[i].region;
	if (r->region >= 0 && pcisim_cxlh_region_in_use(c, r->region)) {
		extent_record(m, "release_refused", r, "in use (-EBUSY); the record is cleared unanswered");
		return;
	}
	/* the host's extents lose the range: what lies outside it stays */
	struct pcisim_cxlh_extent keep[PCISIM_CXLH_MAX_EXTENTS];
	unsigned n = 0;
	for (unsigned i = 0; i < m->next && n < PCISIM_CXLH_MAX_EXTENTS; i++) {
		struct pcisim_cxlh_extent e = m->ext[i];
		uint64_t end = e.start + e.len, rend = r->start + r->len;
		if (r->start >= end || e.start >= rend) {
			keep[n++] = e;
			continue;
		}
		if (e.start < r->start && n < PCISIM_CXLH_MAX_EXTENTS) {
			keep[n] = e;
			keep[n++].len = r->start - e.start;
		}
		if (rend < end && n < PCISIM_CXLH_MAX_EXTENTS) {
			keep[n] = e;
			keep[n].start = rend;
			keep[n++].len = end - rend;
		}
	}
	memcpy(m->ext, keep, n * sizeof(keep[0]));
	m->next = n;
	extent_record(m, "released", r, r->region >= 0 ? "" : "in no region");
	send_response(c, m, CXL_OP_RELEASE_DC, r, 1);
}

void pcisim_cxlh_dc_event(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m, const uint8_t *rec)
{
	static const char *const types[] = {"add", "release", "forced_release", "region_config_updated"};
	unsigned type = rec[0x30];
	bool more = rec[0x35] & 1;
	struct pcisim_cxlh_extent e;
	memset(&e, 0, sizeof(e));
	e.start = le(rec + 0x38, 8);
	e.len = le(rec + 0x40, 8);
	memcpy(e.tag, rec + 0x48, 16);
	e.shared_seq = (uint16_t)le(rec + 0x58, 2);
	e.region = -1;
	struct pcisim_sim *sim = m->fn->comp.sim;
	PCISIM_RECORD(sim, &m->fn->comp, "cxl.dc_event", PCISIM_FU("memdev", m->id),
		      PCISIM_FS("type", type < 4 ? types[type] : "unknown"), PCISIM_FX("dpa", e.start),
		      PCISIM_FX("len", e.len), PCISIM_FB("more", more));
	switch (type) {
	case PCISIM_CXL_DC_EV_ADD:
		if (m->nadd_chain == PCISIM_CXLH_MAX_EXTENTS) {
			pcisim_log(sim, &m->fn->comp, "linux", "cxl_pci %s: dcd event failed: %d", m->bdf, -12);
			m->nadd_chain = 0; /* clear_pending_extents() */
			return;
		}
		m->add_chain[m->nadd_chain++] = e;
		if (!more)
			add_pending(c, m);
		return;
	case PCISIM_CXL_DC_EV_RELEASE:
		rm_extent(c, m, &e);
		return;
	case PCISIM_CXL_DC_EV_FORCED_RELEASE:
		pcisim_log(sim, &m->fn->comp, "linux", "cxl_pci %s: Forced release event ignored.", m->bdf);
		return;
	default:
		pcisim_log(sim, &m->fn->comp, "linux", "cxl_pci %s: dcd event failed: %d", m->bdf, -22);
		return;
	}
}

const struct pcisim_record_kind pcisim_cxl_dcd_kinds[] = {
	{"cxl.dc_config", "the DCD series read a memdev's DC regions at probe (fields: memdev, regions, base, size, block_size of the first)"},
	{"cxl.dc_event", "Linux handled a dynamic capacity event record (fields: memdev, type, dpa, len, more)"},
	{"cxl.dc_extent", "an extent added, rejected, released or kept by Linux (fields: memdev, event, dpa, len, region, why)"},
	{"cxl.dc_response", "Add Dynamic Capacity Response or Release Dynamic Capacity sent (fields: memdev, op, extents, rc)"},
	{0},
};
