/*
 * Invariants: what every run must satisfy, whatever its scenario expects. fuzz and
 * explore check them after every run; replay reports them with the recorded verdict.
 *
 * Built in (docs/fuzz.md):
 *  - migration-completes: every migration the run started completed (the PDS race is
 *    a migration that fails);
 *  - slot-settled: when a run goes idle, no pciehp controller is left in a transient
 *    state (BLINKINGON, BLINKINGOFF, POWERON, POWEROFF): nothing more would happen, so
 *    the slot would stay half-way for ever.
 *  - io-accounted: every I/O request is completed, errored with its reason, or still
 *    in flight (sim/host/io.c keeps the identity; a request lost is a model bug);
 *  - recoveries-complete: when a run goes idle, no AER or DPC recovery is half-way.
 *  - fm-single-run: no Fabric Manager command ran twice on a device (sim/host/fm.c
 *    follows each command's identity through the endpoints and the RFC's buffer);
 *  - fm-answers-match: every answer the Fabric Manager accepted answers its command.
 * Other models add tables with pcisim_invariants_add().
 */
#include <stdlib.h>
#include <string.h>

#include "replay/runner.h"
#include "sim/core/component.h"
#include "sim/core/grow.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/host/aer_service.h"
#include "sim/host/fm.h"
#include "sim/host/host.h"
#include "sim/host/io.h"
#include "sim/qemu/migration.h"

/* Tables in registration order; grows, never drops one. */
static const struct pcisim_invariant **tables;
static size_t ntables, captables;

void pcisim_invariants_add(const struct pcisim_invariant *table)
{
	for (size_t i = 0; i < ntables; i++)
		if (tables[i] == table)
			return;
	tables = pcisim_grow(tables, &captables, ntables + 1, sizeof(*tables));
	tables[ntables++] = table;
}

const struct pcisim_invariant *pcisim_invariant_find(const char *name)
{
	for (size_t i = 0; i < ntables; i++)
		for (const struct pcisim_invariant *v = tables[i]; v->name; v++)
			if (!strcmp(v->name, name))
				return v;
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool pcisim_invariant_ignored(const struct pcisim_scenario *sc, const char *name)
{
	for (size_t i = 0; sc && i < sc->nexpects; i++) {
		const struct pcisim_expect *e = &sc->expects[i];
		if (strcmp(e->def->key, "invariant") || strcmp(e->vals[0].s, name))
			continue;
		const struct pcisim_pval *ign = pcisim_expect_param(e, "ignore");
		if (ign && ign->set && ign->u)
			return true;
	}
	return false;
}

const char **pcisim_invariant_names(void)
{
	size_t n = 0;
	for (size_t i = 0; i < ntables; i++)
		for (const struct pcisim_invariant *v = tables[i]; v->name; v++)
			n++;
	const char **out = calloc(n + 1, sizeof(*out));
	if (!out)
		return NULL;
	n = 0;
	for (size_t i = 0; i < ntables; i++)
		for (const struct pcisim_invariant *v = tables[i]; v->name; v++)
			out[n++] = v->name;
	qsort(out, n, sizeof(*out), cmp_str);
	return out;
}

const struct pcisim_invariant *const *pcisim_invariant_all(void)
{
	/* libc: process-wide, like the tables */
	static const struct pcisim_invariant **all;
	static size_t for_tables = SIZE_MAX;
	if (all && for_tables == ntables)
		return all;
	const char **names = pcisim_invariant_names();
	size_t n = 0;
	while (names && names[n])
		n++;
	const struct pcisim_invariant **v = calloc(n + 1, sizeof(*v));
	if (!v) {
		fprintf(stderr, "pcisim: out of memory\n");
		abort();
	}
	for (size_t i = 0; i < n; i++)
		v[i] = pcisim_invariant_find(names[i]);
	free(names);
	free(all);
	all = v;
	for_tables = ntables;
	return all;
}

/* ---- built-in invariants ---- */

static bool migration_completes(struct pcisim_sim *sim, const char *end_reason, char *where,
				size_t nw, char *what, size_t nwhat)
{
	const struct pcisim_migration_outcome *f = pcisim_migration_first_failure(sim);
	if (!f)
		return true;
	snprintf(where, nw, "migration");
	snprintf(what, nwhat, "failed: %s", f->reason[0] ? f->reason : "(no reason)");
	return false;
}

/* "ID" in a one-machine run, "MACHINE/ID" in a view: where an invariant broke. */
static void where_name(char *where, size_t nw, const struct pcisim_sim *m, const char *name)
{
	if (m->machine)
		snprintf(where, nw, "%s/%s", m->machine, name);
	else
		snprintf(where, nw, "%s", name);
}

static bool slot_settled_in(struct pcisim_sim *m, char *where, size_t nw, char *what, size_t nwhat)
{
	static const char *const transient[] = {"BLINKINGON", "BLINKINGOFF", "POWERON", "POWEROFF", NULL};
	for (uint32_t i = 0; i < m->ncomps; i++) {
		struct pcisim_comp *c = m->comps[i];
		if (c->removed || !c->ops || !c->ops->type || strcmp(c->ops->type, "pciehp"))
			continue;
		struct pcisim_value v;
		if (pcisim_comp_query(c, "state", &v) || !v.is_str)
			continue;
		for (size_t k = 0; transient[k]; k++)
			if (!strcmp(v.s, transient[k])) {
				where_name(where, nw, m, c->name);
				snprintf(what, nwhat, "left in %s with nothing left to run", v.s);
				return false;
			}
	}
	return true;
}

/* Every machine: the engine's own, then its views (machines:) in the order of their names. */
static bool slot_settled(struct pcisim_sim *sim, const char *end_reason, char *where, size_t nw,
			 char *what, size_t nwhat)
{
	if (strcmp(end_reason, "idle"))
		return true;
	if (!slot_settled_in(sim, where, nw, what, nwhat))
		return false;
	for (size_t i = 0; i < sim->nviews; i++)
		if (!slot_settled_in(sim->views[i], where, nw, what, nwhat))
			return false;
	return true;
}

static bool io_accounted(struct pcisim_sim *sim, const char *end_reason, char *where, size_t nw,
			 char *what, size_t nwhat)
{
	if (pcisim_io_check(sim, what, nwhat))
		return true;
	snprintf(where, nw, "io");
	return false;
}

static bool recoveries_complete_in(struct pcisim_sim *m, char *where, size_t nw, char *what, size_t nwhat)
{
	struct pcisim_host *h = pcisim_host_of(m);
	if (!h)
		return true;
	struct pcisim_fabric *fab = pcisim_fabric_get(m);
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || !pcisim_host_aer_recovering(h, fn))
			continue;
		where_name(where, nw, m, fn->comp.name);
		snprintf(what, nwhat, "error recovery still running with nothing left to run");
		return false;
	}
	return true;
}

static bool recoveries_complete(struct pcisim_sim *sim, const char *end_reason, char *where,
				size_t nw, char *what, size_t nwhat)
{
	if (strcmp(end_reason, "idle"))
		return true;
	if (!recoveries_complete_in(sim, where, nw, what, nwhat))
		return false;
	for (size_t i = 0; i < sim->nviews; i++)
		if (!recoveries_complete_in(sim->views[i], where, nw, what, nwhat))
			return false;
	return true;
}

static bool fm_single_run(struct pcisim_sim *sim, const char *end_reason, char *where, size_t nw, char *what,
			  size_t nwhat)
{
	(void)end_reason;
	if (pcisim_fm_check_single_run(sim, what, nwhat))
		return true;
	snprintf(where, nw, "fm");
	return false;
}

static bool fm_answers_match(struct pcisim_sim *sim, const char *end_reason, char *where, size_t nw,
			     char *what, size_t nwhat)
{
	(void)end_reason;
	if (pcisim_fm_check_answers_match(sim, what, nwhat))
		return true;
	snprintf(where, nw, "fm");
	return false;
}

static const struct pcisim_invariant builtin[] = {
	{"migration-completes", "every migration the run started completed", migration_completes,
	 "{migration: completed}", "migration", "failed"},
	{"slot-settled", "an idle run leaves no pciehp slot in a transient state", slot_settled, NULL, NULL, NULL},
	{"io-accounted", "every I/O request is completed, errored with a reason, or in flight",
	 io_accounted, NULL, NULL, NULL},
	{"recoveries-complete", "an idle run leaves no AER/DPC recovery half-way", recoveries_complete,
	 NULL, NULL, NULL},
	/* the FM emulation RFC's protocol: what the emulated system does, so a scenario
	 * that states how often its commands ran, or whose answer they took, accounts
	 * for them */
	{"fm-single-run", "no Fabric Manager command runs twice on a device (a retry crossing a late answer)",
	 fm_single_run, "{fm_command: N, ran: 1}", NULL, NULL},
	{"fm-answers-match", "every answer the Fabric Manager accepts answers the command it waits for",
	 fm_answers_match, "{fm_command: N, answered_by: N}", NULL, NULL},
	{0},
};

/* ---- the `invariant:` expectation ---- */

const char *pcisim_run_end_reason(struct pcisim_sim *sim)
{
	return sim->stopping ? "stopped" : pcisim_next_time(sim) == PCISIM_TIME_MAX ? "idle" : "time limit";
}

static int invariant_expect_check(struct pcisim_sim *sim, const struct pcisim_expect *e,
				  struct pcisim_diag *d)
{
	const struct pcisim_pval *name = &e->vals[0];
	const struct pcisim_pval *violated = pcisim_expect_param(e, "violated");
	const struct pcisim_pval *ignore = pcisim_expect_param(e, "ignore");
	if (!pcisim_invariant_find(name->s)) {
		const char **names = pcisim_invariant_names();
		char buf[1024];
		pcisim_choices(buf, sizeof(buf), names);
		free(names);
		return pcisim_diag_error(d, name->node->loc, "unknown invariant '%s'; valid invariants: %s",
					 name->s, buf);
	}
	if (violated->set && ignore->set)
		return pcisim_diag_error(d, ignore->node->loc,
					 "'ignore' and 'violated' do not go together; expected one of them: 'violated: yes' (the run breaks it), 'violated: no' (it holds) or 'ignore: yes' (not checked)");
	if (!violated->set && !(ignore->set && ignore->u))
		return pcisim_diag_error(d, ignore->set ? ignore->node->loc : e->loc,
					 "expectation 'invariant' needs 'violated: yes' (the run breaks it), 'violated: no' (it holds) or 'ignore: yes' (not checked)");
	return 0;
}

static bool invariant_expect_eval(struct pcisim_sim *sim, const struct pcisim_expect *e, char *exp,
				  size_t ne, char *obs, size_t no)
{
	const char *name = e->vals[0].s;
	const struct pcisim_pval *violated = pcisim_expect_param(e, "violated");
	const struct pcisim_invariant *inv = pcisim_invariant_find(name);
	if (!violated->set) {
		snprintf(exp, ne, "invariant %s not checked", name);
		snprintf(obs, no, "ignored");
		return true;
	}
	snprintf(exp, ne, "invariant %s %s", name, violated->u ? "violated" : "holds");
	char where[256], what[768];
	where[0] = what[0] = 0;
	bool holds = inv->check(sim, pcisim_run_end_reason(sim), where, sizeof(where), what, sizeof(what));
	if (holds)
		snprintf(obs, no, "it holds");
	else
		snprintf(obs, no, "violated at %s: %s", where, what);
	return holds != (bool)violated->u;
}

static const struct pcisim_param_def invariant_expect_params[] = {
	{"invariant", PCISIM_P_STR, true, "invariant name", NULL, 0, 0, NULL},
	{"violated", PCISIM_P_BOOL, false, "yes: the run breaks it; no: it holds", NULL, 0, 0, NULL},
	{"ignore", PCISIM_P_BOOL, false, "yes: not checked in this scenario", NULL, 0, 0, NULL},
	{0},
};

static const struct pcisim_expect_def invariant_expects[] = {
	{"invariant", "a built-in invariant is violated, holds, or is not checked",
	 invariant_expect_params, invariant_expect_check, invariant_expect_eval, 0, NULL, NULL, NULL},
	{0},
};

void pcisim_replay_register(void)
{
	pcisim_invariants_add(builtin);
	pcisim_expects_add(invariant_expects);
}
