/*
 * The outcomes of a run and the verdict on its invariants (replay/outcomes.h).
 *
 * The watcher is a trace sink: it sees every record as it is made, keeps the ones
 * that say something went wrong, one entry per distinct (kind, component, detail)
 * with a count, and forgets the record. What is still true at the end (a failed
 * migration's QEMU line, a device_del left pending) is asked of the models then.
 */
#include <stdlib.h>
#include <string.h>

#include "replay/outcomes.h"
#include "replay/runner.h"
#include "sim/core/component.h"
#include "sim/core/grow.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/pcie/fabric.h"
#include "sim/qemu/migration.h"

struct pcisim_outcomes {
	struct pcisim_sink sink; /* first: the trace frees the watcher as a sink */
	struct pcisim_sim *sim;
	struct pcisim_outcome *v; /* from the records, in the order they first happened */
	size_t n, cap;
	uint64_t migrations_failed;
	struct unplug_request { uint32_t comp_id; pcisim_time t; } *req; /* the last device_del of each */
	size_t nreq, capreq;
	struct pcisim_outcome *out; /* the last collect()'s list */
	size_t cap_out;
};

static const char *field_str(const struct pcisim_record *r, const char *name, char *buf, size_t n)
{
	for (uint32_t i = 0; i < r->nfields; i++)
		if (!strcmp(r->fields[i].name, name)) {
			pcisim_field_format(&r->fields[i], buf, n);
			return buf;
		}
	return "";
}

/* Count one more of (@kind, @where, @what); a new one is kept with its time. */
static void note(struct pcisim_outcomes *o, const char *kind, const char *where, const char *what,
		 pcisim_time t)
{
	for (size_t i = 0; i < o->n; i++) {
		struct pcisim_outcome *x = &o->v[i];
		if (x->kind == kind && !strcmp(x->where, where) && !strcmp(x->what, what)) {
			x->count++;
			return;
		}
	}
	o->v = pcisim_grow(o->v, &o->cap, o->n + 1, sizeof(*o->v));
	struct pcisim_outcome *x = &o->v[o->n++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	snprintf(x->where, sizeof(x->where), "%s", where);
	snprintf(x->what, sizeof(x->what), "%s", what);
	x->first = t;
	x->count = 1;
}

static void watch(struct pcisim_sink *s, const struct pcisim_record *r)
{
	struct pcisim_outcomes *o = (struct pcisim_outcomes *)s;
	const char *k = r->kind;
	/* most records are none of these: a cheap first look */
	if (k[0] != 'a' && k[0] != 'l' && k[0] != 'i' && k[0] != 'p' && k[0] != 'm')
		return;
	char a[256], b[256], what[640];
	struct pcisim_comp *c = r->comp_id == UINT32_MAX ? NULL : pcisim_comp_by_id(o->sim, r->comp_id);
	const char *where = c ? c->name : "";
	if (!strcmp(k, "aer.recovery")) {
		if (strcmp(field_str(r, "event", a, sizeof(a)), "failed"))
			return;
		snprintf(what, sizeof(what), "device recovery failed (%s error, drivers' vote %s)",
			 field_str(r, "state", a, sizeof(a)), field_str(r, "status", b, sizeof(b)));
		note(o, "recovery failed", where, what, r->t);
	} else if (!strcmp(k, "linux.device")) {
		if (strcmp(field_str(r, "event", a, sizeof(a)), "removed") ||
		    strcmp(field_str(r, "why", b, sizeof(b)), "surprise removal"))
			return;
		snprintf(what, sizeof(what), "Linux lost %s (surprise removal; driver %s)",
			 field_str(r, "bdf", a, sizeof(a)), field_str(r, "driver", b, sizeof(b)));
		note(o, "device lost", where, what, r->t);
	} else if (!strcmp(k, "pci.unplug")) {
		if (strcmp(field_str(r, "why", a, sizeof(a)), "surprise removal"))
			return;
		note(o, "device lost", where, "surprise removal: the device left its slot", r->t);
	} else if (!strcmp(k, "pci.unplug_request")) {
		size_t i = 0;
		while (i < o->nreq && o->req[i].comp_id != r->comp_id)
			i++;
		if (i == o->nreq) {
			o->req = pcisim_grow(o->req, &o->capreq, o->nreq + 1, sizeof(*o->req));
			o->req[o->nreq++].comp_id = r->comp_id;
		}
		o->req[i].t = r->t;
	} else if (!strcmp(k, "pciehp.state")) {
		if (strcmp(field_str(r, "why", a, sizeof(a)), "enable failed"))
			return;
		note(o, "slot enable failed", where, "pciehp gave up enabling the slot; it is off", r->t);
	} else if (!strcmp(k, "io.error")) {
		snprintf(what, sizeof(what), "workload %s: %s", field_str(r, "io", a, sizeof(a)),
			 field_str(r, "reason", b, sizeof(b)));
		note(o, "I/O errors", where, what, r->t);
	} else if (!strcmp(k, "migration")) {
		if (!strcmp(field_str(r, "result", a, sizeof(a)), "failed"))
			o->migrations_failed++;
	}
}

static void watch_close(struct pcisim_sink *s)
{
	struct pcisim_outcomes *o = (struct pcisim_outcomes *)s;
	free(o->v);
	free(o->req);
	free(o->out);
}

struct pcisim_outcomes *pcisim_outcomes_attach(struct pcisim_sim *sim)
{
	struct pcisim_outcomes *o = calloc(1, sizeof(*o));
	if (!o)
		abort();
	o->sink.emit = watch;
	o->sink.close = watch_close;
	o->sim = sim;
	pcisim_trace_add_sink(sim->trace, &o->sink);
	return o;
}

static struct pcisim_outcome *out_add(struct pcisim_outcomes *o, size_t *n)
{
	o->out = pcisim_grow(o->out, &o->cap_out, *n + 1, sizeof(*o->out));
	struct pcisim_outcome *x = &o->out[(*n)++];
	memset(x, 0, sizeof(*x));
	return x;
}

const struct pcisim_outcome *pcisim_outcomes_collect(struct pcisim_outcomes *o, size_t *n)
{
	*n = 0;
	/* the first failed migration, with QEMU's line, in its place in time */
	const struct pcisim_migration_outcome *mf = pcisim_migration_first_failure(o->sim);
	bool mig_done = !mf;
	for (size_t i = 0; i <= o->n; i++) {
		if (!mig_done && (i == o->n || o->v[i].first > mf->t)) {
			struct pcisim_outcome *x = out_add(o, n);
			x->kind = "migration failed";
			snprintf(x->what, sizeof(x->what), "%s", mf->reason[0] ? mf->reason : "(no reason)");
			x->first = mf->t;
			x->count = o->migrations_failed ? o->migrations_failed : 1;
			mig_done = true;
		}
		if (i < o->n)
			*out_add(o, n) = o->v[i];
	}
	/* device_del requests QEMU still holds: the guest never let the device go */
	struct pcisim_fabric *fab = pcisim_fabric_get(o->sim);
	for (uint32_t i = 0; fab && i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || !fn->unplug_pending)
			continue;
		struct pcisim_outcome *x = out_add(o, n);
		x->kind = "device_del pending";
		snprintf(x->where, sizeof(x->where), "%s", fn->comp.name);
		snprintf(x->what, sizeof(x->what), "device_del asked for it; it is still there at the end of the run");
		x->first = o->sim->now;
		for (size_t k = 0; k < o->nreq; k++)
			if (o->req[k].comp_id == fn->comp.id)
				x->first = o->req[k].t;
		x->count = 1;
	}
	return o->out;
}

/* ---- invariants ---- */

/* The expectation of @sc that accounts for a violation of @inv, or NULL. */
static const struct pcisim_expect *accounted_by(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
						const struct pcisim_invariant *inv, bool *ignored)
{
	*ignored = false;
	for (size_t i = 0; i < sc->nexpects; i++) {
		const struct pcisim_expect *e = &sc->expects[i];
		if (strcmp(e->def->key, "invariant") || strcmp(e->vals[0].s, inv->name))
			continue;
		const struct pcisim_pval *violated = pcisim_expect_param(e, "violated");
		if (!violated->set) {
			*ignored = true;
			return e;
		}
		if (violated->u)
			return e;
	}
	for (size_t i = 0; inv->expected_kind && i < sc->nexpects; i++) {
		const struct pcisim_expect *e = &sc->expects[i];
		if (strcmp(e->def->key, inv->expected_kind) || strcmp(e->vals[0].s, inv->expected_value))
			continue;
		char exp[1024], obs[1024];
		if (e->def->eval(sim, e, exp, sizeof(exp), obs, sizeof(obs)))
			return e;
	}
	return NULL;
}

size_t pcisim_invariants_judge(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
			       struct pcisim_inv_result **out, size_t *n)
{
	const char **names = pcisim_invariant_names();
	size_t cap = 0, unaccounted = 0;
	const char *reason = pcisim_run_end_reason(sim);
	*out = NULL;
	*n = 0;
	for (size_t i = 0; names && names[i]; i++) {
		const struct pcisim_invariant *inv = pcisim_invariant_find(names[i]);
		bool ignored;
		const struct pcisim_expect *by = accounted_by(sim, sc, inv, &ignored);
		char where[256] = "", what[768] = "";
		if (!ignored && inv->check(sim, reason, where, sizeof(where), what, sizeof(what)))
			continue;
		*out = pcisim_grow(*out, &cap, *n + 1, sizeof(**out));
		struct pcisim_inv_result *r = &(*out)[(*n)++];
		memset(r, 0, sizeof(*r));
		r->inv = inv;
		r->by = by;
		r->verdict = ignored ? PCISIM_INV_IGNORED : by ? PCISIM_INV_EXPECTED : PCISIM_INV_VIOLATED;
		snprintf(r->where, sizeof(r->where), "%s", where);
		snprintf(r->what, sizeof(r->what), "%s", what);
		if (r->verdict == PCISIM_INV_VIOLATED)
			unaccounted++;
	}
	free(names);
	return unaccounted;
}
