/*
 * pcisim graph: the topology of a scenario as a Graphviz graph (DOT, SVG or PNG),
 * coloured by state, optionally after running the scenario to a simulated time.
 *
 * One node per PCI function (removed ones are gone), labelled with its QEMU id,
 * driver and address, and for a bridge who handles hot-plug below it ("hot-plug:
 * pciehp", "acpi" or "none", also the node attribute hotplug); host bridges are
 * 3-D boxes. An edge runs from each bridge or
 * host bridge to every function on the bus below it; below a root or downstream
 * port it carries the link's speed and width from the port's Link Status. State:
 *   red, dashed edge "link down"   Data Link Layer Link Active is 0 on a port that
 *                                  reports it while a device is expected below
 *                                  (one is plugged, or Presence Detect State is 1)
 *   grey nodes, grey edge          the port's slot is powered off (Slot Control
 *                                  Power Controller Control = 1), or the function
 *                                  itself is unpowered
 * A model may adjust its node through its dot_attrs operation.
 *
 * The graph is built with cgraph; DOT is written with agwrite (no layout, so the
 * text depends on the topology only), SVG and PNG are laid out with dot and
 * rendered through libgvc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/core/component.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/mctp/endpoint.h"
#include "sim/mctp/i2c.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "replay/runner.h"
#include "sim/pcie/slot.h"
#include "tools/cli.h"

#ifdef PCISIM_HAVE_GVC
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#endif

enum { OPT_OUTPUT = 1, OPT_AT };

static const struct pcisim_option options[] = {
	{OPT_OUTPUT, "--output", "-o", PCISIM_OPTARG_FILE, "FILE",
	 "write FILE; the format follows its extension: .dot (or .gv), .svg, .png (default: DOT on "
	 "standard output)",
	 0, "a file name (OUT.dot, OUT.svg or OUT.png)"},
	PCISIM_OPTION_UNTIL,
	{OPT_AT, "--at", NULL, PCISIM_OPTARG_TIME, "TIME",
	 "the same as --until: run the scenario to simulated TIME first (e.g. 2500ms); default: the "
	 "machine as built, before any event",
	 0, NULL},
	PCISIM_OPTION_SEED,
	PCISIM_OPTION_SET,
	{0},
};

enum out_format { FMT_DOT, FMT_SVG, FMT_PNG };

struct graph_opts {
	const char *file, *out;
	enum out_format fmt;
	pcisim_time at;
	bool has_at;
	uint64_t seed;
	bool has_seed;
	const char *sets[PCISIM_MAX_SETS];
	size_t nsets;
};

static int format_of(const char *path, enum out_format *fmt)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');
	if (!dot || !dot[1])
		return pcisim_usage_error("graph",
					  "option '-o': '%s' has no extension to tell the format; valid extensions: dot, svg, png",
					  path),
		       -1;
	if (!strcasecmp(dot + 1, "dot") || !strcasecmp(dot + 1, "gv"))
		*fmt = FMT_DOT;
	else if (!strcasecmp(dot + 1, "svg"))
		*fmt = FMT_SVG;
	else if (!strcasecmp(dot + 1, "png"))
		*fmt = FMT_PNG;
	else
		return pcisim_usage_error("graph",
					  "option '-o': unknown output format '%s' of '%s'; valid extensions: dot, svg, png",
					  dot + 1, path),
		       -1;
	return 0;
}

static int parse_args(int argc, char **argv, struct graph_opts *o)
{
	memset(o, 0, sizeof(*o));
	struct pcisim_cli p;
	pcisim_cli_init(&p, &pcisim_cmd_graph, argc, argv);
	int id, rc = 0;
	while (!rc && (id = pcisim_cli_next(&p)) > 0) {
		switch (id) {
		case OPT_OUTPUT:
			rc = format_of(p.val, &o->fmt);
			o->out = p.val;
			break;
		case OPT_AT:
			o->at = p.t, o->has_at = true;
			break;
		}
	}
	if (!rc && id < 0)
		rc = -1;
	if (!rc) {
		o->file = p.operands[0];
		if (p.has_until)
			o->at = p.until, o->has_at = true;
		o->seed = p.seed, o->has_seed = p.has_seed;
		memcpy(o->sets, p.sets, p.nsets * sizeof(*p.sets));
		o->nsets = p.nsets;
	}
	pcisim_cli_free(&p);
	return rc ? -1 : 0;
}

#ifdef PCISIM_HAVE_GVC

/*
 * Sanitizer builds: Graphviz's renderers keep font caches (fontconfig, pango, cairo)
 * and a few buffers for the life of the process and never free them; they are not
 * pcisim's leaks. LeakSanitizer asks the program for its suppressions here.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PCISIM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PCISIM_ASAN 1
#endif
#ifdef PCISIM_ASAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n"
	       "leak:libpango\n"
	       "leak:libcairo.so\n"
	       "leak:libgvc.so\n"
	       "leak:libgvplugin_\n"
	       "leak:libglib-2.0.so\n"
	       "leak:libgobject-2.0.so\n";
}
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

/* What a bridge's PCI Express capability says about the link and slot below it. */
struct port_view {
	bool is_port;   /* a root or downstream port: a link below */
	bool link_down; /* DLLLA 0 where it is reported and a device is expected */
	bool power_off; /* the slot's power controller is off */
	char link[48];  /* "16GT/s x32" */
};

static const char *speed_name(unsigned v)
{
	static const char *const sp[] = {"?", "2.5GT/s", "5GT/s", "8GT/s", "16GT/s", "32GT/s", "64GT/s"};
	return v < sizeof(sp) / sizeof(sp[0]) ? sp[v] : "?";
}

static bool has_children(const struct pcisim_pcibus *b)
{
	for (uint16_t i = 0; b && i < b->nfns; i++)
		if (!b->fns[i]->comp.removed)
			return true;
	return false;
}

static struct port_view port_view(struct pcisim_pcifn *fn)
{
	struct port_view p = {0};
	uint16_t exp = fn->cfg.bytes ? pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_EXP) : 0;
	if (!exp || !fn->secondary)
		return p;
	uint16_t flags = (uint16_t)pcisim_fn_cfg_read(fn, (uint16_t)(exp + PCI_EXP_FLAGS), 2);
	unsigned type = PCISIM_FIELD_GET(PCI_EXP_FLAGS_TYPE, flags);
	if (type != PCI_EXP_TYPE_ROOT_PORT && type != PCI_EXP_TYPE_DOWNSTREAM)
		return p;
	p.is_port = true;
	uint32_t lnkcap = pcisim_fn_cfg_read(fn, (uint16_t)(exp + PCI_EXP_LNKCAP), 4);
	uint16_t lnksta = (uint16_t)pcisim_fn_cfg_read(fn, (uint16_t)(exp + PCI_EXP_LNKSTA), 2);
	bool expected = has_children(fn->secondary);
	if (flags & PCI_EXP_FLAGS_SLOT) {
		uint32_t sltcap = pcisim_fn_cfg_read(fn, (uint16_t)(exp + PCI_EXP_SLTCAP), 4);
		uint16_t sltctl = (uint16_t)pcisim_fn_cfg_read(fn, (uint16_t)(exp + PCI_EXP_SLTCTL), 2);
		uint16_t sltsta = (uint16_t)pcisim_fn_cfg_read(fn, (uint16_t)(exp + PCI_EXP_SLTSTA), 2);
		expected = expected || (sltsta & PCI_EXP_SLTSTA_PDS);
		p.power_off = (sltcap & PCI_EXP_SLTCAP_PCP) && (sltctl & PCI_EXP_SLTCTL_PCC);
	}
	p.link_down = expected && (lnkcap & PCI_EXP_LNKCAP_DLLLARC) && !(lnksta & PCI_EXP_LNKSTA_DLLLA);
	snprintf(p.link, sizeof(p.link), "%s x%u", speed_name(lnksta & PCI_EXP_LNKSTA_CLS),
		 PCISIM_FIELD_GET(PCI_EXP_LNKSTA_NLW, lnksta));
	return p;
}

struct builder {
	Agraph_t *g;
	struct pcisim_fabric *fab;
};

static void set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, "");
}

/* A node's name: the id, or for another machine's component its path (ids repeat
 * between machines). */
static const char *node_name(const struct pcisim_comp *c)
{
	return c->sim->engine ? c->path : c->name;
}

static Agnode_t *add_node(struct builder *b, struct pcisim_pcifn *fn, bool unpowered)
{
	Agnode_t *n = agnode(b->g, (char *)node_name(&fn->comp), 1);
	struct pcisim_dot_attrs a;
	memset(&a, 0, sizeof(a));
	char bdf[32];
	bool host = fn->drv->kind == PCISIM_FN_HOST_BRIDGE;
	if (fn->bus)
		snprintf(bdf, sizeof(bdf), "%02x:%02x.%u", fn->bus->number, fn->devfn >> 3, fn->devfn & 7);
	else if (fn->secondary)
		snprintf(bdf, sizeof(bdf), "bus %02x", fn->secondary->number);
	else
		snprintf(bdf, sizeof(bdf), "-");
	snprintf(a.label, sizeof(a.label), "%s\\n%s\\n%s", fn->comp.name, fn->drv->name, bdf);
	/* a bridge: who handles hot-plug below it (pciehp, acpi, none) */
	const char *hp = fn->bus && fn->secondary && !host ? pcisim_hp_owner_name(pcisim_bridge_hp_owner(fn)) : NULL;
	if (hp) {
		size_t l = strlen(a.label);
		snprintf(a.label + l, sizeof(a.label) - l, "\\nhot-plug: %s", hp);
	}
	a.shape = host ? "box3d" : "box";
	switch (fn->drv->kind) {
	case PCISIM_FN_HOST_BRIDGE: a.fillcolor = "lightsteelblue"; break;
	case PCISIM_FN_ROOT_PORT:
	case PCISIM_FN_DOWNSTREAM_PORT:
	case PCISIM_FN_UPSTREAM_PORT: a.fillcolor = "lightblue"; break;
	default: a.fillcolor = "white"; break;
	}
	if (unpowered || !fn->powered)
		a.fillcolor = "lightgrey";
	if (fn->comp.ops && fn->comp.ops->dot_attrs)
		fn->comp.ops->dot_attrs(&fn->comp, &a);
	set(n, "label", a.label);
	if (hp)
		set(n, "hotplug", hp);
	set(n, "shape", a.shape ? a.shape : "box");
	set(n, "style", host ? "filled" : "rounded,filled");
	set(n, "fillcolor", a.fillcolor ? a.fillcolor : "white");
	if (unpowered || !fn->powered) {
		set(n, "fontcolor", "gray40");
		set(n, "color", "gray50");
	}
	return n;
}

static bool on_graph(const struct pcisim_pcifn *fn)
{
	return !fn->comp.removed;
}

/* The functions on @bus below @parent (already a node), depth first. */
static void add_bus(struct builder *b, struct pcisim_pcifn *parent, Agnode_t *pn,
		    struct pcisim_pcibus *bus, bool unpowered)
{
	struct port_view pv = port_view(parent);
	if (pv.link_down) {
		set(pn, "color", "red");
		set(pn, "penwidth", "2");
	}
	for (uint16_t i = 0; bus && i < bus->nfns; i++) {
		struct pcisim_pcifn *fn = bus->fns[i];
		if (!on_graph(fn))
			continue;
		bool off = unpowered || pv.power_off;
		Agnode_t *n = add_node(b, fn, off);
		Agedge_t *e = agedge(b->g, pn, n, NULL, 1);
		if (pv.is_port) {
			char label[96];
			snprintf(label, sizeof(label), "%s%s", pv.link_down ? "link down" : pv.link,
				 pv.power_off ? "\\npower off" : "");
			set(e, "label", label);
		}
		if (pv.link_down) {
			set(e, "color", "red");
			set(e, "fontcolor", "red");
			set(e, "style", "dashed");
		} else if (off) {
			set(e, "color", "gray50");
			set(e, "fontcolor", "gray40");
			set(e, "style", "dashed");
		}
		/* a pxb's root bus hangs below it; a bridge's secondary bus too */
		if (fn->secondary)
			add_bus(b, fn, n, fn->secondary, off);
	}
}

/* One machine's PCI tree into @g (a cluster of the graph for a machine of machines:). */
static void add_fabric(Agraph_t *g, struct pcisim_fabric *fab)
{
	struct builder b = {g, fab};
	/* pcie.0's host bridge is the root; expander host bridges sit on pcie.0 */
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (on_graph(fn) && fn->drv->kind == PCISIM_FN_HOST_BRIDGE && !fn->bus) {
			Agnode_t *n = add_node(&b, fn, false);
			add_bus(&b, fn, n, fn->secondary, false);
		}
	}
}

/*
 * The I2C buses of @sim's machine, their MCTP endpoints (an edge to the device each
 * serves, and for a forwarding one a dashed edge to the other VM's device that runs
 * its requests), and the Fabric Manager on the bus.
 */
static void add_i2c(Agraph_t *g, Agraph_t *top, struct pcisim_sim *sim)
{
	uint32_t nb;
	struct pcisim_i2c_bus *const *buses = pcisim_i2c_buses(pcisim_fabric_get(sim), &nb);
	for (uint32_t i = 0; i < nb; i++) {
		struct pcisim_i2c_bus *bus = buses[i];
		char label[160];
		snprintf(label, sizeof(label), "%s\\nI2C %u kHz", bus->comp.name, bus->hz / 1000);
		Agnode_t *bn = agnode(g, (char *)node_name(&bus->comp), 1);
		set(bn, "label", label);
		set(bn, "shape", "hexagon");
		set(bn, "style", "filled");
		set(bn, "fillcolor", "khaki");
		for (uint32_t j = 0; j < bus->nports; j++) {
			struct pcisim_comp *c = bus->ports[j]->owner;
			if (!c || c->removed)
				continue;
			struct pcisim_mctp_ep *ep = pcisim_mctp_ep_of(c);
			struct pcisim_value eid = {0};
			pcisim_comp_query(c, "eid", &eid);
			snprintf(label, sizeof(label), "%s\\n%s\\naddr 0x%02x%s", c->name, c->ops->type,
				 bus->ports[j]->addr, ep ? "" : "\\nFabric Manager");
			if (ep) {
				size_t l = strlen(label);
				snprintf(label + l, sizeof(label) - l, " EID %llu", (unsigned long long)eid.u);
			}
			Agnode_t *en = agnode(g, (char *)node_name(c), 1);
			set(en, "label", label);
			set(en, "shape", ep ? "ellipse" : "component");
			set(en, "style", "filled");
			set(en, "fillcolor", ep ? "palegreen" : "orange");
			Agedge_t *e = agedge(g, bn, en, NULL, 1);
			set(e, "label", "MCTP");
			if (!ep)
				continue;
			struct pcisim_pcifn *t = pcisim_mctp_ep_target(ep);
			if (t && !t->comp.removed) {
				Agedge_t *te = agedge(top, en, agnode(top, (char *)node_name(&t->comp), 1), NULL, 1);
				set(te, "label", "CCI");
				set(te, "style", "dotted");
			}
			struct pcisim_pcifn *f = pcisim_mctp_ep_fwd_target(ep);
			if (f) {
				Agedge_t *fe = agedge(top, en, agnode(top, (char *)node_name(&f->comp), 1), NULL, 1);
				set(fe, "label", "shared buffer + QMP");
				set(fe, "style", "dashed");
				set(fe, "color", "blue");
			}
		}
	}
}

static Agraph_t *build_graph(struct pcisim_sim *sim, const char *title)
{
	Agraph_t *g = agopen("pcisim", Agdirected, NULL);
	agattr(g, AGRAPH, "rankdir", "LR");
	agattr(g, AGRAPH, "label", (char *)title);
	agattr(g, AGRAPH, "labelloc", "t");
	agattr(g, AGRAPH, "fontname", "Helvetica");
	agattr(g, AGNODE, "fontname", "Helvetica");
	agattr(g, AGNODE, "fontsize", "10");
	agattr(g, AGEDGE, "fontname", "Helvetica");
	agattr(g, AGEDGE, "fontsize", "9");
	add_fabric(g, pcisim_fabric_get(sim));
	add_i2c(g, g, sim);
	/* machines: one cluster each, in the order they were built */
	for (size_t i = 0; i < sim->nviews; i++) {
		char cname[160];
		snprintf(cname, sizeof(cname), "cluster_%s", sim->views[i]->machine);
		Agraph_t *sg = agsubg(g, cname, 1);
		agsafeset(sg, "label", (char *)sim->views[i]->machine, "");
		agsafeset(sg, "style", "rounded", "");
		add_fabric(sg, pcisim_fabric_get(sim->views[i]));
		add_i2c(sg, g, sim->views[i]);
	}
	return g;
}

static int write_graph(Agraph_t *g, const struct graph_opts *o)
{
	FILE *out = stdout;
	int rc = 0;
	if (o->out && !(out = fopen(o->out, "wb"))) {
		fprintf(stderr, "pcisim graph: error: cannot write '%s': %s\n", o->out, strerror(errno));
		return PCISIM_EXIT_USAGE;
	}
	if (!o->out || o->fmt == FMT_DOT) {
		if (agwrite(g, out))
			rc = PCISIM_EXIT_FAIL;
	} else {
		GVC_t *gvc = gvContext();
		if (!gvc || gvLayout(gvc, g, "dot") ||
		    gvRender(gvc, g, o->fmt == FMT_SVG ? "svg" : "png", out)) {
			fprintf(stderr, "pcisim graph: error: Graphviz could not lay out or render '%s'\n",
				o->out);
			rc = PCISIM_EXIT_FAIL;
		}
		if (gvc) {
			gvFreeLayout(gvc, g);
			gvFreeContext(gvc);
		}
	}
	if (out != stdout && fclose(out) && !rc) {
		fprintf(stderr, "pcisim graph: error: cannot write '%s': %s\n", o->out, strerror(errno));
		rc = PCISIM_EXIT_FAIL;
	}
	if (out == stdout)
		fflush(stdout);
	return rc;
}

static int graph_main(int argc, char **argv)
{
	struct graph_opts o;
	if (parse_args(argc, argv, &o))
		return PCISIM_EXIT_USAGE;
	struct pcisim_diag diag;
	pcisim_diag_init(&diag, stderr);
	struct pcisim_scenario sc;
	if (pcisim_scenario_load(&sc, o.file, &diag)) {
		pcisim_scenario_free(&sc);
		return PCISIM_EXIT_USAGE;
	}
	for (size_t i = 0; i < o.nsets; i++)
		if (pcisim_scenario_set(&sc, o.sets[i], &diag)) {
			pcisim_scenario_free(&sc);
			return PCISIM_EXIT_USAGE;
		}
	struct pcisim_sim sim;
	pcisim_sim_init(&sim, o.has_seed ? o.seed : sc.seed, &diag);
	int status = PCISIM_EXIT_USAGE;
	if (pcisim_scenario_instantiate(&sim, &sc, NULL, NULL, &diag))
		goto out;
	if (o.has_at)
		pcisim_run(&sim, o.at);
	char t[40], title[256];
	pcisim_time_format(o.has_at ? o.at : 0, t, sizeof(t));
	snprintf(title, sizeof(title), "%s at %s", sc.name ? sc.name : o.file, t);
	Agraph_t *g = build_graph(&sim, title);
	status = write_graph(g, &o);
	agclose(g);
out:
	pcisim_sim_free(&sim);
	pcisim_scenario_free(&sc);
	return status;
}

#else

static int graph_main(int argc, char **argv)
{
	struct graph_opts o;
	if (parse_args(argc, argv, &o))
		return PCISIM_EXIT_USAGE;
	return pcisim_usage_error("graph",
				  "this build has no Graphviz; install libgraphviz-dev and reconfigure");
}

#endif

const struct pcisim_command pcisim_cmd_graph = {
	.name = "graph",
	.summary = "draw the topology with Graphviz (DOT, SVG, PNG), coloured by state",
	.description = "Draw the PCIe topology of the scenario FILE with Graphviz: one node per "
		       "function (QEMU id, driver, address), host bridges as 3-D boxes, an edge from "
		       "each bridge to the functions below it labelled with the link's speed and "
		       "width. A link that is down while a device is expected below is red; a "
		       "powered-off slot and what is in it are grey; removed devices are not drawn.",
	.main = graph_main,
	.synopsis = "FILE [-o OUT.dot|OUT.svg|OUT.png] [--until TIME] [--seed N] [--set KEY=VALUE]",
	.options = options,
	.operand = "the scenario FILE",
	.operand_one = "scenario file",
	.operand_arg = PCISIM_OPTARG_FILE,
	.exit_status = "0 written, 1 Graphviz could not render, 2 bad input",
};
