/*
 * `cxl list -vvv` from the CXL host model's state (tools/cxl_list.h). The object
 * names and nesting are cxl-cli's: "bus":"root0" with "dports", "ports:root0" (a port
 * per host bridge, "endpoints:portN" below it, each with its "memdev" and
 * "decoders:endpointN"; "decoders:portN"), "decoders:root0" (one per fixed memory
 * window) with "regions:decoder0.N". Numbers are printed as cxl-cli prints them
 * (sizes and addresses as plain integers). Reading the model changes nothing.
 */
#include "tools/cxl_list.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/host/cxl_host.h"
#include "sim/pcie/fabric.h"

/* "mem0", "port1", "region2": a sysfs name */
static json_t *jname(const char *prefix, unsigned n)
{
	char s[64];
	snprintf(s, sizeof(s), "%s%u", prefix, n);
	return json_string(s);
}

/* "decoder1.0": decoder @i of port @port */
static json_t *jdecoder(unsigned port, unsigned i)
{
	char s[64];
	snprintf(s, sizeof(s), "decoder%u.%u", port, i);
	return json_string(s);
}

static const char *hb_name(const struct pcisim_cxlh_port *p, char *buf, size_t n)
{
	snprintf(buf, n, "pci0000:%02x", p->fn->secondary ? p->fn->secondary->number : 0);
	return buf;
}

static json_t *memdev_json(const struct pcisim_cxlh_memdev *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "memdev", jname("mem", m->id));
	json_object_set_new(o, "pmem_size", json_integer((json_int_t)m->pmem));
	json_object_set_new(o, "ram_size", json_integer((json_int_t)m->ram));
	json_object_set_new(o, "serial", json_integer((json_int_t)m->serial));
	json_object_set_new(o, "host", json_string(m->bdf));
	json_object_set_new(o, "firmware_version", json_string(m->fw));
	json_object_set_new(o, "label_storage_size", json_integer((json_int_t)m->lsa));
	if (m->dcd) /* the DCD series' cxl-cli: the first DC partition */
		json_object_set_new(o, "dynamic_ram_a_size", json_integer((json_int_t)m->dc[0].len));
	return o;
}

static json_t *decoders_json(const struct pcisim_cxl_host *c, const struct pcisim_cxlh_port *p)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < p->ndecoders; i++) {
		const struct pcisim_cxlh_decoder *d = &p->dec[i];
		json_t *o = json_object();
		json_object_set_new(o, "decoder", jdecoder(p->id, i));
		json_object_set_new(o, "resource", json_integer((json_int_t)d->base));
		json_object_set_new(o, "size", json_integer((json_int_t)d->size));
		json_object_set_new(o, "interleave_ways", json_integer(d->in_use ? d->ways : 0));
		if (d->in_use) {
			json_object_set_new(o, "interleave_granularity", json_integer(d->granularity));
			json_object_set_new(o, "region", jname("region", (unsigned)d->region));
		}
		if (p->endpoint) {
			if (d->in_use) {
				/* the DPA it maps: the skips and sizes of the decoders up to it */
				uint64_t dpa = 0;
				for (unsigned j = 0; j <= i; j++)
					dpa += p->dec[j].dpa_base + (j < i ? p->dec[j].dpa_size : 0);
				json_object_set_new(o, "dpa_resource", json_integer((json_int_t)dpa));
				json_object_set_new(o, "dpa_size", json_integer((json_int_t)d->dpa_size));
				json_object_set_new(o, "mode", json_string(c->regions[d->region].dc     ? "dynamic_ram_a"
											       : c->regions[d->region].pmem ? "pmem"
																   : "ram"));
			}
		} else {
			json_object_set_new(o, "nr_targets", json_integer(d->in_use ? d->ways : 0));
			json_t *t = json_array();
			for (unsigned k = 0; d->in_use && k < d->ways; k++) {
				for (unsigned j = 0; j < p->ndports; j++) {
					if (p->dport_pn[j] != d->targets[k])
						continue;
					char bdf[32];
					json_t *x = json_object();
					json_object_set_new(x, "target", json_string(pcisim_fn_bdf_str(p->dports[j], bdf, sizeof(bdf))));
					json_object_set_new(x, "position", json_integer(k));
					json_object_set_new(x, "id", json_integer(p->dport_pn[j]));
					json_array_append_new(t, x);
				}
			}
			json_object_set_new(o, "targets", t);
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *port_json(const struct pcisim_cxl_host *c, const struct pcisim_cxlh_port *p)
{
	char name[32];
	json_t *o = json_object();
	json_object_set_new(o, "port", jname("port", p->id));
	if (p->parent >= 0)
		json_object_set_new(o, "host", json_string(pcisim_fn_bdf_str(p->fn, name, sizeof(name))));
	else
		json_object_set_new(o, "host", json_string(hb_name(p, name, sizeof(name))));
	json_object_set_new(o, "depth", json_integer(p->parent >= 0 ? 2 : 1));
	json_object_set_new(o, "nr_dports", json_integer(p->ndports));
	json_t *dp = json_array();
	for (unsigned j = 0; j < p->ndports; j++) {
		char bdf[32];
		json_t *x = json_object();
		json_object_set_new(x, "dport", json_string(pcisim_fn_bdf_str(p->dports[j], bdf, sizeof(bdf))));
		json_object_set_new(x, "id", json_integer(p->dport_pn[j]));
		json_array_append_new(dp, x);
	}
	json_object_set_new(o, "dports", dp);
	json_t *eps = json_array();
	for (unsigned i = 0; i < c->nmemdevs; i++) {
		const struct pcisim_cxlh_memdev *m = c->memdevs[i];
		if (m->removed || m->detached || m->endpoint < 0 || !m->nchain || &c->ports[m->chain[0]] != p)
			continue;
		const struct pcisim_cxlh_port *ep = &c->ports[m->endpoint];
		json_t *e = json_object();
		char bdf[32];
		json_object_set_new(e, "endpoint", jname("endpoint", ep->id));
		json_object_set_new(e, "host", jname("mem", m->id));
		const char *pd = "";
		for (unsigned j = 0; j < p->ndports; j++)
			if (p->dport_pn[j] == m->chain_pn[0])
				pd = pcisim_fn_bdf_str(p->dports[j], bdf, sizeof(bdf));
		json_object_set_new(e, "parent_dport", json_string(pd));
		json_object_set_new(e, "depth", json_integer((json_int_t)m->nchain + 1));
		json_object_set_new(e, "memdev", memdev_json(m));
		char key[48];
		snprintf(key, sizeof(key), "decoders:endpoint%u", ep->id);
		json_object_set_new(e, key, decoders_json(c, ep));
		json_array_append_new(eps, e);
	}
	char key[48];
	if (json_array_size(eps)) {
		snprintf(key, sizeof(key), "endpoints:port%u", p->id);
		json_object_set_new(o, key, eps);
	} else {
		json_decref(eps);
	}
	json_t *sw = json_array();
	for (unsigned i = 0; i < c->nports; i++)
		if (c->ports[i].parent >= 0 && &c->ports[c->ports[i].parent] == p)
			json_array_append_new(sw, port_json(c, &c->ports[i]));
	if (json_array_size(sw)) {
		snprintf(key, sizeof(key), "ports:port%u", p->id);
		json_object_set_new(o, key, sw);
	} else {
		json_decref(sw);
	}
	if (p->passthrough) {
		/* a passthrough decoder: the software decoder of a single-dport port, no registers */
		json_t *a = json_array(), *d = json_object();
		json_object_set_new(d, "decoder", jdecoder(p->id, 0));
		json_object_set_new(d, "passthrough", json_true());
		json_object_set_new(d, "nr_targets", json_integer(1));
		json_array_append_new(a, d);
		snprintf(key, sizeof(key), "decoders:port%u", p->id);
		json_object_set_new(o, key, a);
	} else if (p->ndecoders) {
		snprintf(key, sizeof(key), "decoders:port%u", p->id);
		json_object_set_new(o, key, decoders_json(c, p));
	}
	return o;
}

static json_t *regions_json(const struct pcisim_cxl_host *c, unsigned root)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < c->nregions; i++) {
		const struct pcisim_cxlh_region *r = &c->regions[i];
		if (r->root != (int)root || r->state == PCISIM_CXLH_REGION_DESTROYED || r->state == PCISIM_CXLH_REGION_NONE)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "region", jname("region", r->id));
		json_object_set_new(o, "resource", json_integer((json_int_t)r->base));
		json_object_set_new(o, "size", json_integer((json_int_t)r->size));
		json_object_set_new(o, "type", json_string(r->dc ? "dynamic_ram_a" : r->pmem ? "pmem" : "ram"));
		json_object_set_new(o, "interleave_ways", json_integer(r->ways));
		json_object_set_new(o, "interleave_granularity", json_integer(r->granularity));
		json_object_set_new(o, "decode_state", json_string("commit"));
		json_object_set_new(o, "online_memory_blocks", json_integer(r->memory_blocks));
		json_t *maps = json_array();
		for (unsigned k = 0; k < r->ways; k++) {
			const struct pcisim_cxlh_memdev *m = c->memdevs[r->memdevs[k]];
			json_t *x = json_object();
			json_object_set_new(x, "position", json_integer(k));
			json_object_set_new(x, "memdev", jname("mem", m->id));
			if (m->endpoint >= 0 && r->ep_decoder[k] >= 0)
				json_object_set_new(x, "decoder", jdecoder(c->ports[m->endpoint].id,
									(unsigned)r->ep_decoder[k]));
			json_array_append_new(maps, x);
		}
		json_object_set_new(o, "mappings", maps);
		if (r->dc) {
			/* the extents the region holds: offset in the region's DPA, length, tag */
			json_t *ex = json_array();
			for (unsigned k = 0; k < r->ways; k++) {
				const struct pcisim_cxlh_memdev *m = c->memdevs[r->memdevs[k]];
				for (unsigned e = 0; e < m->next; e++) {
					if (m->ext[e].region != (int)r->id)
						continue;
					char tag[40];
					for (unsigned b = 0; b < 16; b++)
						snprintf(tag + 2 * b, 3, "%02x", m->ext[e].tag[b]);
					json_t *x = json_object();
					json_object_set_new(x, "memdev", jname("mem", m->id));
					json_object_set_new(x, "offset", json_integer((json_int_t)(m->ext[e].start - m->dc[0].base)));
					json_object_set_new(x, "length", json_integer((json_int_t)m->ext[e].len));
					json_object_set_new(x, "tag", json_string(tag));
					json_array_append_new(ex, x);
				}
			}
			json_object_set_new(o, "extents", ex);
		}
		json_array_append_new(a, o);
	}
	return a;
}

json_t *pcisim_cxl_list_json(struct pcisim_sim *sim)
{
	const struct pcisim_cxl_host *c = pcisim_cxl_host_of(sim);
	json_t *top = json_array();
	if (c) {
		json_t *bus = json_object();
		json_object_set_new(bus, "bus", json_string("root0"));
		json_object_set_new(bus, "provider", json_string("ACPI.CXL"));
		unsigned nhb = 0;
		json_t *dp = json_array(), *ports = json_array();
		for (unsigned i = 0; i < c->nports; i++) {
			const struct pcisim_cxlh_port *p = &c->ports[i];
			if (p->endpoint || p->parent >= 0)
				continue;
			char name[32];
			json_t *x = json_object();
			json_object_set_new(x, "dport", json_string(hb_name(p, name, sizeof(name))));
			json_object_set_new(x, "alias", jname(nhb < 10 ? "ACPI0016:0" : "ACPI0016:", nhb));
			json_object_set_new(x, "id", json_integer(p->fn->secondary ? p->fn->secondary->number : 0));
			json_array_append_new(dp, x);
			json_array_append_new(ports, port_json(c, p));
			nhb++;
		}
		json_object_set_new(bus, "nr_dports", json_integer(nhb));
		json_object_set_new(bus, "dports", dp);
		json_object_set_new(bus, "ports:root0", ports);
		json_t *roots = json_array();
		for (unsigned w = 0; w < c->nroots; w++) {
			const struct pcisim_cxlh_root_decoder *r = &c->roots[w];
			json_t *o = json_object();
			json_object_set_new(o, "decoder", jdecoder(0, w));
			json_object_set_new(o, "resource", json_integer((json_int_t)r->base));
			json_object_set_new(o, "size", json_integer((json_int_t)r->size));
			json_object_set_new(o, "interleave_ways", json_integer(r->ways));
			json_object_set_new(o, "interleave_granularity", json_integer(r->granularity));
			json_object_set_new(o, "pmem_capable", json_true());
			json_object_set_new(o, "volatile_capable", json_true());
			json_object_set_new(o, "nr_targets", json_integer(r->ways));
			json_t *t = json_array();
			for (unsigned k = 0; k < r->ways && k < PCISIM_CXLH_MAX_WAYS; k++) {
				if (r->targets[k] < 0)
					continue;
				char name[32];
				const struct pcisim_cxlh_port *p = &c->ports[r->targets[k]];
				json_t *x = json_object();
				json_object_set_new(x, "target", json_string(hb_name(p, name, sizeof(name))));
				json_object_set_new(x, "position", json_integer(k));
				json_object_set_new(x, "id", json_integer(p->fn->secondary ? p->fn->secondary->number : 0));
				json_array_append_new(t, x);
			}
			json_object_set_new(o, "targets", t);
			json_t *regs = regions_json(c, w);
			char key[48];
			snprintf(key, sizeof(key), "regions:decoder0.%u", w);
			if (json_array_size(regs))
				json_object_set_new(o, key, regs);
			else
				json_decref(regs);
			json_array_append_new(roots, o);
		}
		json_object_set_new(bus, "decoders:root0", roots);
		json_array_append_new(top, bus);
	}
	return top;
}

void pcisim_cxl_list(struct pcisim_sim *sim, FILE *out)
{
	json_t *top = pcisim_cxl_list_json(sim);
	char *s = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fprintf(out, "%s\n", s ? s : "[]");
	free(s);
	json_decref(top);
}
