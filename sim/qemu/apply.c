/*
 * The `qemu_args:` topology entry applied to the fabric: its -machine, -global and
 * -vga settings checked against the scenario's machine: section, its memory backends
 * registered for the whole scenario, its devices created, its cxl-fmw windows and
 * their targets checked; the machine: section's cxl-fmw list; and a whole command line
 * built into an empty simulation, as import-qemu checks what it is about to write.
 */
#include "sim/qemu/qemu_args.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/qemu/compat.h"
#include "sim/qemu/machine_type.h"
#include "sim/qemu/qemu_args_int.h"
#include "sim/core/heap.h"

/* q35's display adapter: slot 1, function 0 (QEMU pc_q35.c puts VGA first on pcie.0). */
#define PCI_DEVFN_VGA (1 << 3)

/* What qemu_args entries leave with a fabric: memory backends, and memory to free. */
struct qemu_state {
	const struct pcisim_qemu_backend **v;
	size_t n, cap;
	void **owned;
	size_t nowned;
};

static const struct pcisim_ext_key state_key = {"qemu-args"};

static void state_free(void *p)
{
	struct qemu_state *t = p;
	for (size_t i = 0; i < t->nowned; i++)
		pcisim_free(t->owned[i]);
	pcisim_free(t->owned);
	pcisim_free(t->v);
	pcisim_free(t);
}

static struct qemu_state *state_get(struct pcisim_fabric *fab)
{
	struct qemu_state *t = pcisim_ext_get(fab->sim, &state_key);
	if (t)
		return t;
	t = pcisim_calloc(1, sizeof(*t));
	if (!t)
		abort();
	pcisim_ext_set(fab->sim, &state_key, t, state_free);
	return t;
}

/* Zeroed memory that lives as long as the fabric's simulation. */
static void *state_alloc(struct pcisim_fabric *fab, size_t n)
{
	struct qemu_state *t = state_get(fab);
	void **no = pcisim_realloc(t->owned, (t->nowned + 1) * sizeof(*no));
	void *p = pcisim_calloc(1, n ? n : 1);
	if (!no || !p)
		abort();
	t->owned = no;
	t->owned[t->nowned++] = p;
	return p;
}

const struct pcisim_qemu_backend *pcisim_membackend_find(struct pcisim_fabric *fab,
							 const char *id)
{
	struct qemu_state *t = pcisim_ext_get(fab->sim, &state_key);
	for (size_t i = 0; t && i < t->n; i++)
		if (!strcmp(t->v[i]->id, id))
			return t->v[i];
	return NULL;
}

/* A machine setting of a qemu_args entry against the scenario's machine: section. */
static int machine_conflict(const struct pcisim_ynode *mnode, const char *key, const char *given,
			    struct pcisim_loc loc, struct pcisim_diag *d)
{
	const struct pcisim_ynode *v = mnode ? pcisim_ymap_get(mnode, key) : NULL;
	if (!v || v->kind != PCISIM_Y_SCALAR)
		return 0;
	bool a, b;
	if (!strcmp(v->str, given) ||
	    (!pcisim_parse_bool(v->str, &a) && !pcisim_parse_bool(given, &b) && a == b))
		return 0;
	return pcisim_diag_error(d, loc,
				 "qemu_args sets %s=%s but the scenario's machine: section has %s: %s (%s:%u:%u); keep one",
				 key, given, key, v->str, v->loc.file ? v->loc.file : "", v->loc.line,
				 v->loc.col);
}

static bool user_devices_exist(const struct pcisim_fabric *fab)
{
	for (uint32_t i = 0; i < fab->nfns; i++)
		if (!fab->fns[i]->comp.removed && fab->fns[i]->props.loc.line)
			return true;
	return false;
}

/* ICH9-LPC has acpi-pci-hotplug-with-bridge-support from QEMU 6.1 (hw/acpi/ich9.c). */
static int acpi_global_check(const struct pcisim_machine *m, const struct pcisim_qemu_config *c,
			     struct pcisim_diag *d)
{
	if (c->acpi_pcihp_bridges < 0 || pcisim_qemu_has_ich9_pcihp(m))
		return 0;
	return pcisim_diag_error(d, c->acpi_loc,
				 "can't apply global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=%s: Property 'ICH9-LPC.acpi-pci-hotplug-with-bridge-support' not found (QEMU %u.%u; it exists from 6.1)",
				 c->acpi_pcihp_bridges ? "on" : "off", m->qemu >> 8, m->qemu & 0xff);
}

static int apply_machine(struct pcisim_fabric *fab, const struct pcisim_qemu_config *c,
			 struct pcisim_diag *d)
{
	struct pcisim_machine *m = &fab->machine;
	const struct pcisim_scenario *sc = pcisim_sim_scenario(fab->sim);
	const struct pcisim_ynode *mnode = sc ? sc->machine : NULL;
	int rc;
	bool old_acpi = m->acpi_pcihp_bridges;
	unsigned old_version = m->type_version;
	if (c->machine_type) {
		if ((rc = machine_conflict(mnode, "type", c->machine_type, c->machine_type_loc, d)))
			return rc;
		unsigned ver;
		if ((rc = pcisim__qemu_machine_type_check(c->machine_type, &ver,
							  c->machine_type_loc, d)))
			return rc;
		if (!pcisim_qemu_machine_type_exists(m->qemu, ver))
			return pcisim_diag_error(d, c->machine_type_loc,
						 "machine type %s does not exist in QEMU %u.%u (the scenario's machine: qemu:)",
						 c->machine_type, m->qemu >> 8, m->qemu & 0xff);
		m->type = c->machine_type;
		m->type_version = ver;
	}
	if (c->cxl >= 0) {
		if ((rc = machine_conflict(mnode, "cxl", c->cxl ? "on" : "off", c->cxl_loc, d)))
			return rc;
		m->cxl = c->cxl;
	}
	bool acpi_explicit = mnode && pcisim_ymap_get(mnode, "acpi-pci-hotplug-with-bridge-support");
	if ((rc = acpi_global_check(m, c, d)))
		return rc;
	if (c->acpi_pcihp_bridges >= 0) {
		if ((rc = machine_conflict(mnode, "acpi-pci-hotplug-with-bridge-support",
					   c->acpi_pcihp_bridges ? "on" : "off", c->acpi_loc, d)))
			return rc;
		m->acpi_pcihp_bridges = c->acpi_pcihp_bridges;
	} else if (!acpi_explicit && c->machine_type) {
		m->acpi_pcihp_bridges = pcisim_qemu_acpi_pcihp_bridges_default(m);
	}
	pcisim_qemu_compat_update(m);
	if ((m->acpi_pcihp_bridges != old_acpi || m->type_version != old_version) &&
	    user_devices_exist(fab))
		return pcisim_diag_error(d, c->machine_type ? c->machine_type_loc : c->acpi_loc,
					 "this qemu_args entry changes the machine after devices were created; put it first in topology: (or set the machine in machine:)");
	if (c->vga >= 0 &&
	    (rc = machine_conflict(mnode, "vga", c->vga ? "std" : "none", c->vga_loc, d)))
		return rc;
	if (c->vga == 0 && !m->no_vga) {
		/* The machine was built with its VGA at 00:01.0: take it away again. */
		if (user_devices_exist(fab))
			return pcisim_diag_error(d, c->vga_loc,
						 "this qemu_args entry removes the VGA device after devices were created; put it first in topology: (or write vga: none in machine:)");
		struct pcisim_pcibus *root = pcisim_fabric_find_bus(fab, "pcie.0");
		for (uint16_t i = 0; root && i < root->nfns; i++)
			if (root->fns[i]->devfn == PCI_DEVFN_VGA && !root->fns[i]->props.loc.line) {
				pcisim_device_destroy(fab, root->fns[i]);
				break;
			}
		m->no_vga = true;
	}
	return 0;
}

/* @qw[i].target_locs[j]: where target j of window i was written (NULL: the window's place). */
static int check_targets(struct pcisim_fabric *fab, const struct pcisim_qemu_fmw *qw,
			 struct pcisim_diag *d)
{
	const struct pcisim_machine *m = &fab->machine;
	for (unsigned i = 0; i < m->ncxl_fmw; i++) {
		const struct pcisim_cxl_fmw *w = &m->cxl_fmw[i];
		for (unsigned j = 0; j < w->ntargets; j++) {
			struct pcisim_pcifn *fn = pcisim_fabric_find_fn(fab, w->targets[j]);
			if (fn && !fn->comp.removed && !strcmp(fn->drv->name, "pxb-cxl"))
				continue;
			char buf[512] = "";
			size_t u = 0;
			for (uint32_t k = 0; k < fab->nfns && u + 4 < sizeof(buf); k++)
				if (!fab->fns[k]->comp.removed && !strcmp(fab->fns[k]->drv->name, "pxb-cxl"))
					u += (size_t)snprintf(buf + u, sizeof(buf) - u, "%s%s",
							      u ? ", " : "", fab->fns[k]->comp.name);
			return pcisim_diag_error(d, qw ? qw[i].target_locs[j] : w->loc,
						 "cxl-fmw.%u.targets.%u: could not resolve CXL fixed memory window target '%s': %s; valid targets (pxb-cxl ids): %s",
						 i, j, w->targets[j],
						 fn ? "it is not a pxb-cxl host bridge" : "no such device",
						 buf[0] ? buf : "(none)");
		}
	}
	return 0;
}

int pcisim_cxl_fmw_check_targets(struct pcisim_fabric *fab, struct pcisim_diag *d)
{
	return check_targets(fab, NULL, d);
}

/* Register @c's memory backends: one namespace for the whole scenario. */
static int add_backends(struct pcisim_fabric *fab, const struct pcisim_qemu_config *c,
			struct pcisim_diag *d)
{
	struct qemu_state *bt = state_get(fab);
	for (size_t i = 0; i < c->nbackends; i++) {
		const struct pcisim_qemu_backend *old = pcisim_membackend_find(fab, c->backends[i].id);
		if (old)
			return pcisim_diag_error(d, c->backends[i].id_loc,
						 "duplicate object id '%s' (first at %s:%u:%u)",
						 old->id, old->id_loc.file ? old->id_loc.file : "",
						 old->id_loc.line, old->id_loc.col);
		if (bt->n == bt->cap) {
			bt->cap = bt->cap ? bt->cap * 2 : 8;
			bt->v = pcisim_realloc(bt->v, bt->cap * sizeof(*bt->v));
			if (!bt->v)
				abort();
		}
		bt->v[bt->n++] = &c->backends[i];
		/* what the devices see (cxl-type3's memdev sizes) */
		struct pcisim_membackend mb = {c->backends[i].id, c->backends[i].size,
					       c->backends[i].id_loc};
		pcisim_machine_add_backend(&fab->machine, &mb);
	}
	return 0;
}

/* Create @c's devices in command-line order, their memory backends checked first. */
static int create_devices(struct pcisim_fabric *fab, const struct pcisim_qemu_config *c,
			  struct pcisim_diag *d)
{
	struct qemu_state *bt = state_get(fab);
	int rc;
	for (size_t i = 0; i < c->ndevices; i++) {
		if ((rc = pcisim_qemu_check_memdevs(&c->devices[i], bt->v, bt->n, d)))
			return rc;
		if ((rc = pcisim_device_create(fab, &c->devices[i], false, NULL, d)))
			return rc;
	}
	return 0;
}

int pcisim_qemu_args_apply(struct pcisim_fabric *fab, struct pcisim_arena *a,
			   const struct pcisim_ynode *node, struct pcisim_diag *d)
{
	if (node->kind != PCISIM_Y_SCALAR)
		return pcisim_diag_error(d, node->loc,
					 "'qemu_args' must be text (QEMU options, e.g. qemu_args: \"-device pcie-root-port,id=rp1,bus=pcie.0\"), not %s",
					 pcisim_ykind_name(node->kind));
	struct pcisim_qemu_cmdline cmd;
	int rc = pcisim__qemu_cmdline_parse_node(a, fab->sim, node, &cmd, d);
	if (rc)
		return rc;
	struct pcisim_qemu_config c;
	if ((rc = pcisim_qemu_config_read(a, &cmd, &c, d)))
		return rc;
	if ((rc = apply_machine(fab, &c, d)) || (rc = add_backends(fab, &c, d)) ||
	    (rc = create_devices(fab, &c, d)))
		return rc;

	if (c.nfmw) {
		struct pcisim_machine *m = &fab->machine;
		if (m->ncxl_fmw)
			return pcisim_diag_error(d, c.fmw[0].fmw.loc,
						 "cxl-fmw windows are already set (at %s:%u:%u); give them in one place",
						 m->cxl_fmw[0].loc.file ? m->cxl_fmw[0].loc.file : "",
						 m->cxl_fmw[0].loc.line, m->cxl_fmw[0].loc.col);
		struct pcisim_cxl_fmw *w = pcisim_arena_alloc(a, c.nfmw * sizeof(*w));
		for (size_t i = 0; i < c.nfmw; i++)
			w[i] = c.fmw[i].fmw;
		m->cxl_fmw = w;
		m->ncxl_fmw = (unsigned)c.nfmw;
		if ((rc = check_targets(fab, c.fmw, d)))
			return rc;
	}
	if (c.nignored) {
		char buf[1024];
		pcisim_diag_warning(d, c.ignored_loc, "ignored options: %s",
				    pcisim_qemu_ignored_str(&c, buf, sizeof(buf)));
	}
	return 0;
}

int pcisim_qemu_config_build(struct pcisim_sim *sim, const struct pcisim_qemu_config *c,
			     struct pcisim_diag *d)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	struct pcisim_machine *m = &fab->machine;
	int rc;
	if (fab->root_host || fab->nfns)
		return PCISIM_ERR(PCISIM_ESTATE); /* not an empty simulation */

	/* The machine: section import writes (machine.c): settings first, then the machine. */
	pcisim_qemu_machine_defaults(m);
	if (c->machine_type) {
		unsigned ver;
		if ((rc = pcisim__qemu_machine_type_check(c->machine_type, &ver,
							  c->machine_type_loc, d)))
			return rc;
		if (!pcisim_qemu_machine_type_exists(m->qemu, ver))
			return pcisim_diag_error(d, c->machine_type_loc,
						 "machine type %s does not exist in QEMU %u.%u, the newest QEMU pcisim emulates; valid choices: q35, pc-q35-X.Y up to pc-q35-%u.%u",
						 c->machine_type, m->qemu >> 8, m->qemu & 0xff,
						 m->qemu >> 8, m->qemu & 0xff);
		m->type = c->machine_type;
		m->type_version = ver;
	}
	if (c->cxl >= 0)
		m->cxl = c->cxl;
	m->no_vga = c->vga == 0;
	if (c->nfmw) {
		struct pcisim_cxl_fmw *w = state_alloc(fab, c->nfmw * sizeof(*w));
		for (size_t i = 0; i < c->nfmw; i++)
			w[i] = c->fmw[i].fmw;
		m->cxl_fmw = w;
		m->ncxl_fmw = (unsigned)c->nfmw;
	}
	if ((rc = acpi_global_check(m, c, d)))
		return rc;
	m->acpi_pcihp_bridges = c->acpi_pcihp_bridges >= 0 ? c->acpi_pcihp_bridges != 0
							   : pcisim_qemu_acpi_pcihp_bridges_default(m);
	pcisim_qemu_compat_update(m);
	enum pcisim_machine_type_rc mrc;
	unsigned v;
	const struct pcisim_machine_type *mt = pcisim_machine_type_find(m->type, &v, &mrc);
	if (!mt)
		return PCISIM_ERR(PCISIM_EINVAL); /* checked above */
	if ((rc = mt->create(fab, d)))
		return rc;

	/* The topology: section import writes: backends, devices, links, window targets. */
	if ((rc = add_backends(fab, c, d)) || (rc = create_devices(fab, c, d)) ||
	    (rc = pcisim_fabric_link(fab, d)) || (rc = check_targets(fab, c->fmw, d)))
		return rc;
	pcisim_fabric_reset(fab, PCISIM_RESET_COLD);
	pcisim_fabric_enumerate(fab);
	return 0;
}

int pcisim_cxl_fmw_from_yaml(struct pcisim_fabric *fab, const struct pcisim_ynode *node,
			     struct pcisim_diag *d)
{
	static const char *const keys[] = {"targets", "size", "interleave-granularity", NULL};
	int rc;
	if (node->kind != PCISIM_Y_SEQ)
		return pcisim_diag_error(d, node->loc,
					 "'cxl-fmw' must be a list of windows like [{targets: [cxl.1], size: 4G, interleave-granularity: 1k}], not %s",
					 pcisim_ykind_name(node->kind));
	if (!node->n)
		return 0;
	if (node->n > 16)
		return pcisim_diag_error(d, node->vals[16]->loc,
					 "pcisim models at most 16 fixed memory windows");
	struct pcisim_cxl_fmw *w = state_alloc(fab, node->n * sizeof(*w));
	for (size_t i = 0; i < node->n; i++) {
		const struct pcisim_ynode *e = node->vals[i];
		if ((rc = pcisim_yexpect(e, PCISIM_Y_MAP, "a cxl-fmw window", d)) ||
		    (rc = pcisim_ymap_check_keys(e, "a cxl-fmw window", keys, d)))
			return rc;
		const struct pcisim_ynode *t = pcisim_ymap_get(e, "targets");
		const struct pcisim_ynode *s = pcisim_ymap_get(e, "size");
		const struct pcisim_ynode *g = pcisim_ymap_get(e, "interleave-granularity");
		if (!t || !s)
			return pcisim_diag_error(d, e->loc,
						 "a cxl-fmw window needs 'targets' (pxb-cxl ids) and 'size', e.g. {targets: [cxl.1], size: 4G}");
		size_t nt = t->kind == PCISIM_Y_SEQ ? t->n : 1;
		if (t->kind == PCISIM_Y_MAP || !pcisim__qemu_interleave_ways_valid((unsigned)nt))
			return pcisim_diag_error(d, t->loc,
						 "'targets' must be a list of 1, 2, 3, 4, 6, 8, 12 or 16 pxb-cxl ids");
		const char **tv = state_alloc(fab, nt * sizeof(*tv));
		for (size_t j = 0; j < nt; j++) {
			const struct pcisim_ynode *tn = t->kind == PCISIM_Y_SEQ ? t->vals[j] : t;
			if ((rc = pcisim_yget_str(tn, "a cxl-fmw target", &tv[j], d)))
				return rc;
		}
		const char *ss;
		if ((rc = pcisim_yget_str(s, "'size'", &ss, d)))
			return rc;
		if (pcisim_prop_parse_size(ss, &w[i].size) || !w[i].size ||
		    w[i].size % (256ull << 20))
			return pcisim_diag_error(d, s->loc,
						 "'size': '%s' is not a multiple of 256M (e.g. 256M, 4G)", ss);
		w[i].granularity = 256;
		if (g) {
			if ((rc = pcisim_yget_str(g, "'interleave-granularity'", &ss, d)))
				return rc;
			uint64_t gr;
			if (pcisim_prop_parse_size(ss, &gr) || gr < 256 || gr > 16384 || (gr & (gr - 1)))
				return pcisim_diag_error(d, g->loc,
							 "'interleave-granularity': '%s' is not a valid granularity; valid choices: 256, 512, 1k, 2k, 4k, 8k, 16k",
							 ss);
			w[i].granularity = gr;
		}
		w[i].targets = tv;
		w[i].ntargets = (unsigned)nt;
		w[i].loc = e->loc;
	}
	fab->machine.cxl_fmw = w;
	fab->machine.ncxl_fmw = (unsigned)node->n;
	return 0;
}
