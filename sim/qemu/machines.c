/*
 * The machines: section: several QEMU processes in one scenario, as the FM emulation
 * RFC runs them (a target VM and a Fabric Manager VM, shared/seeds/fm-emulation-rfc.txt).
 * Each entry is a machine with its own machine:, topology: (QEMU -device lines, or a
 * qemu_args: command line), host: and qmp: (the address its -qmp listens at, which
 * another machine's i2c_mctp_cxl qmp= names), built into a view of the simulation
 * (sim/core/sim.h "Machines") so that ids repeat freely between machines.
 *
 * The machines are built in the order of their names, whatever the order of the list:
 * a run does not depend on which command line was imported first.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/core/heap.h"
#include "sim/core/scenario.h"
#include "sim/mctp/endpoint.h"
#include "sim/qemu/machine.h"

struct machines {
	struct pcisim_sim **views;
	const struct pcisim_ynode **entries; /* each view's entry of machines: */
	size_t n;
};

static const struct pcisim_ext_key machines_key = {"machines"};

static void machines_free(void *p)
{
	struct machines *m = p;
	for (size_t i = m->n; i-- > 0;) {
		pcisim_sim_free(m->views[i]);
		pcisim_free(m->views[i]);
	}
	pcisim_free(m->views);
	pcisim_free(m->entries);
	pcisim_free(m);
}

static const char *const entry_keys[] = {"name", "machine", "topology", "host", "qmp", NULL};

static const char *entry_name(const struct pcisim_ynode *e)
{
	const struct pcisim_ynode *n = pcisim_ymap_get(e, "name");
	return n && n->kind == PCISIM_Y_SCALAR ? n->str : "";
}

static int cmp_entries(const void *a, const void *b)
{
	return strcmp(entry_name(*(const struct pcisim_ynode *const *)a),
		      entry_name(*(const struct pcisim_ynode *const *)b));
}

/* A machine name: a word that can prefix a component name ("fm/us0"). */
static bool name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return false;
	return true;
}

static int build_one(struct pcisim_sim *sim, const struct pcisim_scenario *sc, struct machines *m,
		     const struct pcisim_ynode *e, struct pcisim_diag *d)
{
	int rc;
	const char *name = entry_name(e);
	struct pcisim_sim *view = pcisim_calloc(1, sizeof(*view));
	if (!view)
		abort();
	if ((rc = pcisim_sim_view_init(view, sim, name))) {
		pcisim_free(view);
		return rc;
	}
	m->entries[m->n] = e;
	m->views[m->n++] = view;
	const struct pcisim_ynode *mn = pcisim_ymap_get(e, "machine");
	if (mn && (rc = pcisim_yexpect(mn, PCISIM_Y_MAP, "'machine'", d)))
		return rc;
	if ((rc = pcisim_machine_build(view, mn, NULL, d)))
		return rc;
	const struct pcisim_ynode *tn = pcisim_ymap_get(e, "topology");
	if (tn && (rc = pcisim_yexpect(tn, PCISIM_Y_SEQ, "'topology'", d)))
		return rc;
	if ((rc = pcisim_topology_build(view, &pcisim_fabric_get(view)->arena, tn, d)))
		return rc;
	const struct pcisim_ynode *hn = pcisim_ymap_get(e, "host");
	const struct pcisim_section_def *host = pcisim__section_find("host");
	if (hn) {
		if ((rc = pcisim_yexpect(hn, PCISIM_Y_MAP, "'host'", d)))
			return rc;
		if (!host)
			return pcisim_diag_error(d, hn->loc, "this build of pcisim has no model for 'host'");
		if ((rc = host->build(view, sc, hn, d)))
			return rc;
	}
	const struct pcisim_ynode *q = pcisim_ymap_get(e, "qmp");
	if (q) {
		const char *addr;
		if ((rc = pcisim_yget_str(q, "'qmp'", &addr, d)))
			return rc;
		if (!strchr(addr, ':'))
			return pcisim_diag_error(d, q->loc,
						 "'qmp': '%s' is not HOST:PORT (as -qmp tcp:HOST:PORT,server has it, e.g. localhost:4445)",
						 addr);
		pcisim_mctp_qmp_target_add(sim, addr, view);
	}
	return 0;
}

static int machines_build(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
			  const struct pcisim_ynode *node, struct pcisim_diag *d)
{
	int rc;
	if (!node)
		return 0;
	const struct pcisim_ynode *other = sc->machine ? sc->machine : sc->topology ? sc->topology : sc->host;
	if (other)
		return pcisim_diag_error(d, other->loc,
					 "a scenario with 'machines' gives each machine its machine:, topology: and host: inside its entry, not at the top");
	if (!node->n)
		return pcisim_diag_error(d, node->loc, "'machines' needs at least one machine: {name: NAME, topology: [...]}");
	const struct pcisim_ynode **es = pcisim_calloc(node->n, sizeof(*es));
	if (!es)
		abort();
	for (size_t i = 0; i < node->n; i++) {
		const struct pcisim_ynode *e = node->vals[i];
		if ((rc = pcisim_yexpect(e, PCISIM_Y_MAP, "a machine {name: NAME, machine: ..., topology: ..., host: ...}", d)) ||
		    (rc = pcisim_ymap_check_keys(e, "a machine", entry_keys, d)))
			goto out;
		const struct pcisim_ynode *n = pcisim_ymap_get(e, "name");
		if (!n) {
			rc = pcisim_diag_error(d, e->loc, "a machine needs 'name': a word such as target or fm");
			goto out;
		}
		if (n->kind != PCISIM_Y_SCALAR || !name_ok(n->str)) {
			rc = pcisim_diag_error(d, n->loc,
					       "'name': expected a word of letters, digits, '-' and '_' (it prefixes the machine's ids: NAME/ID)");
			goto out;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(entry_name(es[j]), n->str)) {
				rc = pcisim_diag_error(d, n->loc, "'name': machine '%s' is named twice", n->str);
				goto out;
			}
		es[i] = e;
	}
	qsort(es, node->n, sizeof(*es), cmp_entries);
	/* a step's machine: names one of them; migrate names no component, so it needs one */
	char names[512];
	{
		const char **list = pcisim_calloc(node->n + 1, sizeof(*list));
		if (!list)
			abort();
		for (size_t j = 0; j < node->n; j++)
			list[j] = entry_name(es[j]);
		pcisim_choices(names, sizeof(names), list);
		pcisim_free(list);
	}
	for (size_t i = 0; i < sc->nsteps; i++) {
		const char *want = sc->steps[i].machine;
		if (!want && !strcmp(sc->steps[i].def->name, "migrate")) {
			rc = pcisim_diag_error(d, sc->steps[i].loc,
					       "'migrate' in a scenario with 'machines' needs 'machine': the VM that migrates; valid choices: %s",
					       names);
			goto out;
		}
		/* a QMP command that names its device by QOM path: every VM has that path */
		const struct pcisim_pval *path = pcisim_step_param(&sc->steps[i], "path");
		if (!want && path && path->set && path->def->type == PCISIM_P_STR && path->s[0] == '/') {
			rc = pcisim_diag_error(d, path->node ? path->node->loc : sc->steps[i].loc,
					       "'%s' names its device by QOM path, which every machine has: give 'machine', the VM whose QMP it goes to; valid choices: %s",
					       sc->steps[i].def->name, names);
			goto out;
		}
		size_t j = 0;
		while (want && j < node->n && strcmp(entry_name(es[j]), want))
			j++;
		if (!want || j < node->n)
			continue;
		rc = pcisim_diag_error(d, sc->steps[i].machine_node->loc, "'machine': no machine '%s'; valid choices: %s",
				       want, names);
		goto out;
	}
	struct machines *m = pcisim_calloc(1, sizeof(*m));
	if (!m)
		abort();
	m->views = pcisim_calloc(node->n, sizeof(*m->views));
	m->entries = pcisim_calloc(node->n, sizeof(*m->entries));
	if (!m->views || !m->entries)
		abort();
	pcisim_ext_set(sim, &machines_key, m, machines_free);
	for (size_t i = 0; i < node->n; i++)
		if ((rc = build_one(sim, sc, m, es[i], d)))
			goto out;
	rc = 0;
out:
	pcisim_free(es);
	return rc;
}

int pcisim_machines_entry(struct pcisim_sim *view, const struct pcisim_ynode **machine,
			  const struct pcisim_ynode **topology)
{
	struct machines *m = view->engine ? pcisim_ext_get(view->engine, &machines_key) : NULL;
	for (size_t i = 0; m && i < m->n; i++)
		if (m->views[i] == view) {
			*machine = pcisim_ymap_get(m->entries[i], "machine");
			*topology = pcisim_ymap_get(m->entries[i], "topology");
			return 0;
		}
	return -1;
}

static const struct pcisim_section_def machines_section = {"machines", machines_build};

void pcisim_machines_register(void)
{
	pcisim_section_set(&machines_section);
}
