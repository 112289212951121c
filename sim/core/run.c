/*
 * Running a scenario: building the machine through the models' section handlers,
 * checking component references, and scheduling the timeline as action events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/component.h"
#include "sim/core/evq.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/core/heap.h"

static const struct pcisim_ext_key scenario_key = {"scenario"};

const struct pcisim_scenario *pcisim_sim_scenario(const struct pcisim_sim *sim)
{
	return pcisim_ext_get(sim->engine ? sim->engine : sim, &scenario_key);
}

/*
 * machines (sim.h): a step acts on the machine its machine: key names, else on the
 * machine whose component it names first ("target/cxl-dcd0"); a step naming none acts
 * on the engine's.
 */
static struct pcisim_sim *step_sim(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	if (!sim->nviews)
		return sim;
	if (s->machine) /* machine: NAME, checked at load (sim/qemu/machines.c) */
		for (size_t i = 0; i < sim->nviews; i++)
			if (!strcmp(sim->views[i]->machine, s->machine))
				return sim->views[i];
	for (size_t i = 0; i < s->nvals; i++) {
		const struct pcisim_pval *v = &s->vals[i];
		if (!v->set || v->def->type != PCISIM_P_COMP)
			continue;
		struct pcisim_comp *c = pcisim_comp_find(sim, v->s);
		if (c)
			return c->sim;
	}
	return sim;
}

static void run_step(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	const struct pcisim_scenario *sc = pcisim_sim_scenario(sim);
	const struct pcisim_step *s = &sc->steps[ev->a[0]];
	/* "do", then every parameter given (a YAML node parameter is its owner's business) */
	struct pcisim_field *f = pcisim_malloc((2 + s->nvals) * sizeof(*f));
	if (!f) {
		fprintf(stderr, "pcisim: out of memory\n");
		abort();
	}
	size_t n = 0;
	f[n++] = PCISIM_FS("do", s->def->name);
	if (s->machine)
		f[n++] = PCISIM_FS("machine", s->machine);
	for (size_t i = 0; i < s->nvals; i++)
		if (s->vals[i].set && s->vals[i].def->type != PCISIM_P_NODE)
			f[n++] = PCISIM_FS(s->vals[i].def->name, s->vals[i].s);
	pcisim_record(sim, NULL, "action", f, n);
	pcisim_free(f);
	if (s->def->run)
		s->def->run(step_sim(sim, s), s);
}
PCISIM_EVKIND_CONCURRENT(step_kind, "scenario.step", run_step);

bool pcisim_scenario_creates(const struct pcisim_scenario *sc, const char *name)
{
	for (size_t i = 0; i < sc->nsteps; i++)
		for (size_t j = 0; j < sc->steps[i].nvals; j++) {
			const struct pcisim_pval *v = &sc->steps[i].vals[j];
			if (v->set && v->def->type == PCISIM_P_NEWID && !strcmp(v->s, name))
				return true;
		}
	return false;
}

static bool name_known(const char *name, struct pcisim_sim *sim, const struct pcisim_scenario *sc)
{
	return pcisim_comp_find(sim, name) || pcisim_scenario_creates(sc, name);
}

static int check_refs(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
		      const struct pcisim_pval *vals, size_t n, struct pcisim_diag *d)
{
	for (size_t j = 0; j < n; j++) {
		const struct pcisim_pval *v = &vals[j];
		if (!v->set || v->def->type != PCISIM_P_COMP || name_known(v->s, sim, sc))
			continue;
		const char **names = pcisim_comp_names(sim);
		char buf[1024];
		pcisim_choices(buf, sizeof(buf), names);
		pcisim_free(names);
		return pcisim_diag_error(d, v->node->loc,
					 "unknown component '%s' for '%s'; valid choices: %s", v->s,
					 v->def->name, buf[0] ? buf : "(none: the topology is empty)");
	}
	return 0;
}

/* ---- expectations that watch the run ---- */

/* The per-run states of a scenario's expectations (a sim extension). */
struct expect_run {
	const struct pcisim_scenario *sc;
	void **states; /* [sc->nexpects], NULL where the kind keeps none */
};

/* The sink on the run's trace that feeds them; the trace frees it. */
struct expect_sink {
	struct pcisim_sink sink; /* first: the trace frees it as a sink */
	struct expect_run *run;
};

static const struct pcisim_ext_key expect_run_key = {"expect-run"};

static void expect_sink_emit(struct pcisim_sink *s, const struct pcisim_record *r)
{
	struct expect_run *x = ((struct expect_sink *)s)->run;
	for (size_t i = 0; i < x->sc->nexpects; i++) {
		const struct pcisim_expect *e = &x->sc->expects[i];
		if (e->def->observe)
			e->def->observe(e, x->states[i], r);
	}
}

static void expect_run_free(void *p)
{
	struct expect_run *x = p;
	for (size_t i = 0; i < x->sc->nexpects; i++) {
		const struct pcisim_expect *e = &x->sc->expects[i];
		if (x->states[i] && e->def->state_free)
			e->def->state_free(e, x->states[i]);
		pcisim_free(x->states[i]);
	}
	pcisim_free(x->states);
	pcisim_free(x);
}

/*
 * Give every expectation its per-run state and let those that watch records see the
 * run's records through a sink on the sim's trace (one that stores no records is
 * attached when the caller attached none). The sim frees the states before the trace
 * and its sinks (pcisim_sim_free), and nothing is emitted in between.
 */
static void expect_run_start(struct pcisim_sim *sim, const struct pcisim_scenario *sc)
{
	bool watch = false;
	for (size_t i = 0; i < sc->nexpects; i++)
		watch = watch || sc->expects[i].def->state_size;
	if (!watch)
		return;
	struct expect_run *x = pcisim_calloc(1, sizeof(*x));
	struct expect_sink *es = pcisim_calloc(1, sizeof(*es));
	if (!x || !es || !(x->states = pcisim_calloc(sc->nexpects, sizeof(*x->states))))
		abort();
	x->sc = sc;
	for (size_t i = 0; i < sc->nexpects; i++) {
		size_t n = sc->expects[i].def->state_size;
		if (n && !(x->states[i] = pcisim_calloc(1, n)))
			abort();
	}
	es->run = x;
	es->sink.emit = expect_sink_emit;
	es->sink.in_run = true;
	es->sink.skips_logs = true;
	bool every = false; /* an expectation looks at every kind, or more than the sink lists */
	for (size_t i = 0; i < sc->nexpects; i++) {
		const struct pcisim_expect *e = &sc->expects[i];
		if (!e->def->observe)
			continue;
		const char *kind = e->def->watches ? e->def->watches(e) : NULL; /* NULL: every kind */
		if (!kind || !strcmp(kind, "log"))
			es->sink.skips_logs = false;
		bool listed = false;
		for (unsigned k = 0; kind && k < es->sink.nkinds && !listed; k++)
			listed = !strcmp(es->sink.kinds[k], kind);
		if (!kind || (!listed && es->sink.nkinds == PCISIM_SINK_KINDS))
			every = true;
		else if (!listed)
			es->sink.kinds[es->sink.nkinds++] = kind;
	}
	if (every)
		es->sink.nkinds = 0;
	if (!sim->trace)
		pcisim_trace_attach(sim, false);
	pcisim_trace_add_sink(sim->trace, &es->sink);
	pcisim_ext_set(sim, &expect_run_key, x, expect_run_free);
}

void *pcisim_expect_state(struct pcisim_sim *sim, const struct pcisim_expect *e)
{
	struct expect_run *x = pcisim_ext_get(sim, &expect_run_key);
	if (!x || e->index >= x->sc->nexpects || &x->sc->expects[e->index] != e)
		return NULL;
	return x->states[e->index];
}

static int build(struct pcisim_sim *sim, struct pcisim_scenario *sc, struct pcisim_diag *d)
{
	static const char *const order[] = {"machine", "topology", "host", "machines"};
	struct pcisim_ynode *nodes[] = {sc->machine, sc->topology, sc->host, sc->machines};
	int rc;

	pcisim_ext_set(sim, &scenario_key, sc, NULL);
	for (size_t i = 0; i < 4; i++) {
		const struct pcisim_section_def *def = pcisim__section_find(order[i]);
		if (!def) {
			if (nodes[i])
				return pcisim_diag_error(d, nodes[i]->loc,
							 "this build of pcisim has no model for '%s'",
							 order[i]);
			continue;
		}
		if ((rc = def->build(sim, sc, nodes[i], d)))
			return rc;
	}
	for (size_t i = 0; i < sc->nsteps; i++) {
		struct pcisim_step *s = &sc->steps[i];
		if ((rc = check_refs(sim, sc, s->vals, s->nvals, d)))
			return rc;
		if (s->def->check && (rc = s->def->check(step_sim(sim, s), s, d)))
			return rc;
	}
	for (size_t i = 0; i < sc->nexpects; i++) {
		struct pcisim_expect *e = &sc->expects[i];
		if ((rc = check_refs(sim, sc, e->vals, e->nvals, d)))
			return rc;
		if (e->def->check && (rc = e->def->check(sim, e, d)))
			return rc;
	}
	expect_run_start(sim, sc);
	return 0;
}

int pcisim_scenario_build(struct pcisim_sim *sim, struct pcisim_scenario *sc, struct pcisim_diag *d)
{
	struct pcisim_heap *prev = pcisim_sim_enter(sim);
	int rc = build(sim, sc, d);
	pcisim_heap_leave(prev);
	return rc;
}

/* Choose step @s's time for this run into s->when; false for a fault the run leaves out. */
static bool choose_when(struct pcisim_step *s, pcisim_time_chooser choose, void *ctx)
{
	if (choose) {
		struct pcisim_heap *h = pcisim_heap_enter(NULL); /* the chooser's memory is its own */
		s->when = choose(ctx, s);
		pcisim_heap_leave(h);
	} else {
		s->when = s->fault ? PCISIM_TIME_MAX : s->at.lo;
	}
	if (s->fault && s->when == PCISIM_TIME_MAX)
		return false;
	if (s->when < s->at.lo || s->when > s->at.hi)
		s->when = s->at.lo;
	return true;
}

void pcisim_scenario_schedule(struct pcisim_sim *sim, struct pcisim_scenario *sc,
			      pcisim_time_chooser choose, void *ctx)
{
	struct pcisim_heap *prev = pcisim_sim_enter(sim);
	pcisim_ext_set(sim, &scenario_key, sc, NULL);
	for (size_t i = 0; i < sc->nsteps; i++) {
		struct pcisim_step *s = &sc->steps[i];
		if (!choose_when(s, choose, ctx))
			continue; /* a fault this run leaves out */
		struct pcisim_event *ev = pcisim_event_new(sim, &step_kind, NULL);
		ev->a[0] = i;
		pcisim_post(sim, ev, s->when, PCISIM_CLASS_ACTION);
	}
	pcisim_heap_leave(prev);
}

int pcisim_scenario_insert_step(struct pcisim_sim *sim, struct pcisim_scenario *to, size_t p, uint64_t seq0,
				pcisim_time_chooser choose, void *ctx)
{
	sim = pcisim_engine(sim);
	if (p >= to->nsteps || (sim->hooks && sim->hooks->rank))
		return -1; /* a rank above the sequence number would not be renumbered */
	/*
	 * Every step's time as pcisim_scenario_schedule() chooses it, in its order, so the
	 * chooser is asked exactly what it is asked by a run scheduled from @to; the steps
	 * posted before step p tell the sequence number it would have had.
	 */
	struct pcisim_heap *prev = pcisim_sim_enter(sim);
	uint64_t seq = seq0;
	bool posted = false;
	for (size_t i = 0; i < to->nsteps; i++) {
		bool on = choose_when(&to->steps[i], choose, ctx);
		if (i < p)
			seq += on;
		else if (i == p)
			posted = on;
	}
	pcisim_heap_leave(prev);
	pcisim_time when = to->steps[p].when;
	/* scratch of this call, outside the sim heap: its layout stays that of the run from 0 */
	size_t cap = pcisim_evq_size(&sim->q) + 1;
	struct pcisim_evq_key *keys = malloc(cap * sizeof(*keys)); /* libc: as said above */
	if (!keys)
		abort();
	size_t n = pcisim_evq_keys(&sim->q, keys);
	bool early = !posted || when < sim->now;
	for (size_t i = 0; i < n && !early; i++)
		early = keys[i].time < when; /* the run has not reached the step's time yet */
	if (early) {
		free(keys); /* libc: as above */
		return -1;
	}
	/*
	 * That run posted the steps after p, and every event posted since, one sequence
	 * number later, and queued the steps after p under their index + 1 (a[0]). The
	 * slots stay: a timer handle a model keeps still names its event.
	 */
	for (size_t i = 0; i < n; i++) {
		uint32_t slot = pcisim_evq_tie_slot(keys[i].tie);
		uint64_t s = pcisim_evq_tie_seq(keys[i].tie);
		if (s >= seq)
			keys[i].tie = pcisim_evq_tie(pcisim_evq_tie_class(keys[i].tie), s + 1, slot);
		struct pcisim_event *ev = &sim->pool[slot];
		if (ev->kind == &step_kind && ev->a[0] >= p)
			ev->a[0]++;
	}
	pcisim_evq_load(&sim->q, sim->q.last, keys, n);
	free(keys); /* libc: as above */
	prev = pcisim_sim_enter(sim);
	pcisim_ext_set(sim, &scenario_key, to, NULL);
	uint64_t next = sim->seq + 1;
	sim->seq = seq;
	struct pcisim_event *ev = pcisim_event_new(sim, &step_kind, NULL);
	ev->a[0] = p;
	pcisim_post(sim, ev, when, PCISIM_CLASS_ACTION);
	sim->seq = next;
	pcisim_heap_leave(prev);
	return 0;
}

int pcisim_scenario_instantiate(struct pcisim_sim *sim, struct pcisim_scenario *sc,
				pcisim_time_chooser choose, void *ctx, struct pcisim_diag *d)
{
	int rc = pcisim_scenario_build(sim, sc, d);
	if (!rc)
		pcisim_scenario_schedule(sim, sc, choose, ctx);
	return rc;
}

/* ---- steps that check what they saw ---- */

/* The failures steps reported, in the order they happened (a sim extension). */
struct step_fails {
	char **lines; /* "FILE:LINE:COL: ACTION at T: expected E; observed O" */
	const struct pcisim_step **steps;
	size_t n, cap;
};

static const struct pcisim_ext_key step_fails_key = {"step-fails"};

static void step_fails_free(void *p)
{
	struct step_fails *f = p;
	for (size_t i = 0; i < f->n; i++)
		pcisim_free(f->lines[i]);
	pcisim_free(f->lines);
	pcisim_free(f->steps);
	pcisim_free(f);
}

void pcisim_step_fail(struct pcisim_sim *sim, const struct pcisim_step *s, const char *expected,
		      const char *observed)
{
	struct step_fails *f = pcisim_ext_get(sim, &step_fails_key);
	if (!f) {
		if (!(f = pcisim_calloc(1, sizeof(*f))))
			abort();
		pcisim_ext_set(sim, &step_fails_key, f, step_fails_free);
	}
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 8;
		if (!(f->lines = pcisim_realloc(f->lines, f->cap * sizeof(*f->lines))) ||
		    !(f->steps = pcisim_realloc(f->steps, f->cap * sizeof(*f->steps))))
			abort();
	}
	char t[40];
	pcisim_time_format(sim->now, t, sizeof(t));
	int n = snprintf(NULL, 0, "%s:%u:%u: %s at %s: expected %s; observed %s", s->loc.file,
			 s->loc.line, s->loc.col, s->def->name, t, expected, observed);
	char *line = pcisim_malloc((size_t)n + 1);
	if (!line)
		abort();
	snprintf(line, (size_t)n + 1, "%s:%u:%u: %s at %s: expected %s; observed %s", s->loc.file,
		 s->loc.line, s->loc.col, s->def->name, t, expected, observed);
	f->steps[f->n] = s;
	f->lines[f->n++] = line;
}

const char *pcisim_step_failure(struct pcisim_sim *sim, unsigned i, const struct pcisim_step **step)
{
	const struct step_fails *f = pcisim_ext_get(sim, &step_fails_key);
	if (!f || i >= f->n)
		return NULL;
	if (step)
		*step = f->steps[i];
	return f->lines[i];
}

unsigned pcisim_step_failures(struct pcisim_sim *sim)
{
	const struct step_fails *f = pcisim_ext_get(sim, &step_fails_key);
	return f ? (unsigned)f->n : 0;
}

/* ---- steps added while the run goes on (pcisim serve) ---- */

long pcisim_scenario_add_step(struct pcisim_sim *sim, struct pcisim_scenario *sc,
			      const struct pcisim_ynode *n, struct pcisim_diag *d)
{
	struct pcisim_step s;
	memset(&s, 0, sizeof(s));
	int rc = pcisim__step_parse(sc, n, &s, d);
	if (rc)
		return rc;
	if (s.at.lo != s.at.hi || s.at.lo < sim->now) {
		char t[40];
		return pcisim_diag_error(d, s.loc, "a step added while the run goes on needs one time, not before now (%s)",
					 pcisim_time_format(sim->now, t, sizeof(t)));
	}
	for (size_t j = 0; j < s.nvals; j++) {
		const struct pcisim_pval *v = &s.vals[j];
		if (v->set && v->def->type == PCISIM_P_COMP && !pcisim_comp_find(sim, v->s)) {
			const char **names = pcisim_comp_names(sim);
			char buf[1024];
			pcisim_choices(buf, sizeof(buf), names);
			pcisim_free(names);
			return pcisim_diag_error(d, v->node->loc, "unknown component '%s' for '%s'; valid choices: %s",
						 v->s, v->def->name, buf[0] ? buf : "(none: the topology is empty)");
		}
	}
	if (s.def->check && (rc = s.def->check(sim, &s, d)))
		return rc;
	/*
	 * The timeline's steps, this one, then the faults (moved up by one). The array
	 * grows by doubling; an old one stays in the arena, so a step an event still
	 * points to keeps its contents.
	 */
	size_t nt = sc->nsteps - sc->nfaults, i = nt;
	struct pcisim_step *steps = sc->steps;
	if (sc->nsteps + 1 > sc->capsteps) {
		sc->capsteps = 2 * (sc->nsteps + 1);
		steps = pcisim_arena_alloc(&sc->arena, sc->capsteps * sizeof(*steps));
		if (sc->nsteps)
			memcpy(steps, sc->steps, sc->nsteps * sizeof(*steps));
	}
	if (sc->nfaults)
		memmove(steps + nt + 1, steps + nt, sc->nfaults * sizeof(*steps));
	steps[i] = s;
	for (size_t k = i; k <= sc->nsteps; k++)
		steps[k].index = k;
	sc->steps = steps;
	sc->nsteps++;
	struct pcisim_event *ev = pcisim_event_new(sim, &step_kind, NULL);
	ev->a[0] = i;
	pcisim_post(sim, ev, s.when, PCISIM_CLASS_ACTION);
	return (long)i;
}

unsigned pcisim_scenario_check(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
			       FILE *out, bool verbose)
{
	unsigned failed = 0;
	for (size_t i = 0; i < sc->nexpects; i++) {
		const struct pcisim_expect *e = &sc->expects[i];
		char exp[1024] = "", obs[1024] = "";
		bool ok = e->def->eval(sim, e, exp, sizeof(exp), obs, sizeof(obs));
		if (!ok)
			failed++;
		if (out && (!ok || verbose))
			fprintf(out, "%s %s:%u:%u: %s: expected %s; observed %s\n", ok ? "ok  " : "FAIL",
				e->loc.file, e->loc.line, e->loc.col, e->def->key, exp, obs);
	}
	const struct step_fails *f = pcisim_ext_get(sim, &step_fails_key);
	for (size_t i = 0; f && i < f->n; i++) {
		failed++;
		if (out)
			fprintf(out, "FAIL %s\n", f->lines[i]);
	}
	return failed;
}
