/*
 * Running a scenario under control: the choice policy behind the engine's hooks, the
 * items a run produces, its verdict, scenario overrides and embedded scenarios.
 */

#include "replay/runner.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "sim/core/component.h"
#include "sim/core/grow.h"
#include "sim/core/heap.h"
#include "sim/core/sim.h"
#include "sim/core/snapshot.h"
#include "sim/core/trace.h"

static void oom(void)
{
	fprintf(stderr, "pcisim: out of memory\n");
	abort();
}

void pcisim_run_spec_init(struct pcisim_run_spec *s, struct pcisim_scenario *sc)
{
	memset(s, 0, sizeof(*s));
	s->sc = sc;
	s->seed = sc->seed;
	s->until = sc->has_until ? sc->until : PCISIM_DEFAULT_UNTIL;
	s->policy = PCISIM_POLICY_DEFAULT;
	s->invariants = true;
}

/* ---- the run's context ---- */

struct runctx {
	const struct pcisim_run_spec *s;
	struct pcisim_run_result *res;
	struct pcisim_scenario *sc; /* the scenario run (a subset of s->sc's steps) */
	const size_t *orig;         /* step index in the run -> index in s->sc */
	struct pcisim_sim *sim;
	struct pcisim_hooks hooks;
	size_t rank_cur, jitter_cur; /* REPLAY cursors into s->replay */
	size_t capchoices;
	bool emit;
	/*
	 * A branched run (pcisim_run_branch): the steps its parent's prefix ran are in the
	 * parent's scenario, @prior (@nprior steps), which is @sc without its step @gap.
	 */
	const struct pcisim_step *prior;
	size_t nprior, gap;
};

static void emit(struct runctx *c, const struct pcisim_titem *it)
{
	if (c->s->w)
		pcisim_twriter_item(c->s->w, it);
	if (c->s->on_item)
		c->s->on_item(c->s->item_ctx, it);
}

/* Does a choice go anywhere: kept in the result, written to a trace or handed on? */
static bool choice_kept_by(const struct pcisim_run_spec *s)
{
	return !s->drop_choices || s->w || s->on_item;
}

static bool choice_kept(const struct runctx *c)
{
	return choice_kept_by(c->s);
}

static void add_choice(struct runctx *c, const struct pcisim_titem *it)
{
	struct pcisim_run_result *r = c->res;
	if (c->s->drop_choices) {
		emit(c, it);
		return;
	}
	if (r->nchoices == c->capchoices) {
		c->capchoices = c->capchoices ? c->capchoices * 2 : 16;
		struct pcisim_titem *nv = realloc(r->choices, c->capchoices * sizeof(*nv));
		if (!nv)
			oom();
		r->choices = nv;
	}
	struct pcisim_titem *k = &r->choices[r->nchoices++];
	*k = *it;
	k->kind = it->kind ? pcisim_arena_strdup(&r->arena, it->kind) : NULL;
	k->comp = it->comp ? pcisim_arena_strdup(&r->arena, it->comp) : NULL;
	emit(c, it);
}

/* The next recorded choice of kind @ch at or after *@cur (REPLAY), or NULL. */
static const struct pcisim_titem *next_recorded(struct runctx *c, uint8_t ch, size_t *cur)
{
	const struct pcisim_run_spec *s = c->s;
	while (*cur < s->nreplay) {
		const struct pcisim_titem *it = &s->replay[(*cur)++];
		if (it->type == PCISIM_TI_CHOICE && it->choice == ch)
			return it;
	}
	return NULL;
}

/*
 * A fault of the fuzz: menu: in or out of this run, and when. Forced times (the
 * minimiser) put it in; RANDOM enables it with probability 1/2 (swarm testing) and
 * draws its time; REPLAY takes the recorded choice (none: the recording was an ordinary
 * run, which left it out); DEFAULT (simulate) leaves it out.
 * Every fault makes a step choice, at = PCISIM_TIME_MAX when left out.
 */
static pcisim_time choose_fault(struct runctx *c, const struct pcisim_step *st, size_t oi)
{
	const struct pcisim_run_spec *s = c->s;
	pcisim_time t = PCISIM_TIME_MAX;
	if (s->step_at && s->step_at[oi] != PCISIM_TIME_MAX) {
		t = s->step_at[oi];
	} else if (s->policy == PCISIM_POLICY_RANDOM) {
		struct pcisim_rng *rng = (struct pcisim_rng *)&s->rng;
		if (pcisim_rng_below(rng, 2))
			t = st->at.hi > st->at.lo ? pcisim_rng_between(rng, st->at.lo, st->at.hi) : st->at.lo;
	} else if (s->policy == PCISIM_POLICY_REPLAY) {
		bool found = false;
		for (size_t i = 0; i < s->nreplay && !found; i++) {
			const struct pcisim_titem *it = &s->replay[i];
			if (it->type == PCISIM_TI_CHOICE && it->choice == PCISIM_CH_STEP &&
			    it->a[0] == st->index) {
				t = it->a[1];
				found = true;
			}
		}
		/* no choice: an ordinary run (simulate) recorded it, which left the faults out */
		if (!found)
			return PCISIM_TIME_MAX;
	} else {
		return PCISIM_TIME_MAX; /* an ordinary run: no faults, no choice */
	}
	if (t != PCISIM_TIME_MAX && (t < st->at.lo || t > st->at.hi))
		t = st->at.lo;
	c->res->step_at[oi] = t;
	struct pcisim_titem it = {.type = PCISIM_TI_CHOICE, .choice = PCISIM_CH_STEP,
				  .t = c->sim->now, .kind = st->def->name};
	it.a[0] = st->index;
	it.a[1] = t;
	add_choice(c, &it);
	return t;
}

static pcisim_time choose_step(void *ctx, const struct pcisim_step *st)
{
	struct runctx *c = ctx;
	const struct pcisim_run_spec *s = c->s;
	size_t oi = c->orig ? c->orig[st->index] : st->index;
	pcisim_time t = st->at.lo;
	if (st->fault)
		return choose_fault(c, st, oi);
	if (s->step_at && s->step_at[oi] != PCISIM_TIME_MAX) {
		t = s->step_at[oi];
	} else if (s->policy == PCISIM_POLICY_RANDOM && st->at.hi > st->at.lo) {
		t = pcisim_rng_between((struct pcisim_rng *)&s->rng, st->at.lo, st->at.hi);
	} else if (s->policy == PCISIM_POLICY_REPLAY) {
		bool found = false;
		for (size_t i = 0; i < s->nreplay && !found; i++) {
			const struct pcisim_titem *it = &s->replay[i];
			if (it->type == PCISIM_TI_CHOICE && it->choice == PCISIM_CH_STEP &&
			    it->a[0] == st->index) {
				t = it->a[1];
				found = true;
			}
		}
		if (!found && st->at.hi > st->at.lo)
			c->res->replay_short = true;
	}
	if (t < st->at.lo || t > st->at.hi)
		t = st->at.lo;
	c->res->step_at[oi] = t;
	if (st->at.hi > st->at.lo) {
		struct pcisim_titem it = {.type = PCISIM_TI_CHOICE, .choice = PCISIM_CH_STEP,
					  .t = c->sim->now, .kind = st->def->name};
		it.a[0] = st->index;
		it.a[1] = t;
		add_choice(c, &it);
	}
	return t;
}

static unsigned rank_hook(void *ctx, struct pcisim_sim *sim, const struct pcisim_event *ev,
			  pcisim_time when, unsigned cls)
{
	struct runctx *c = ctx;
	const struct pcisim_run_spec *s = c->s;
	/* the engine asks only for concurrent kinds (sim.h); !s->order: a run from a base
	 * whose hook is installed, as if it were not */
	if (!s->order)
		return 0;
	unsigned r = 0;
	if (s->policy == PCISIM_POLICY_RANDOM) {
		r = (unsigned)pcisim_rng_below((struct pcisim_rng *)&s->rng, PCISIM_RANK_MAX + 1);
	} else if (s->policy == PCISIM_POLICY_REPLAY) {
		const struct pcisim_titem *it = next_recorded(c, PCISIM_CH_RANK, &c->rank_cur);
		if (it && !strcmp(it->kind, ev->kind->name) && it->a[1] <= PCISIM_RANK_MAX)
			r = (unsigned)it->a[1];
		else
			c->res->replay_short = true;
	}
	if (!choice_kept(c))
		return r; /* a random or swarm campaign's run: its seed makes it again */
	struct pcisim_titem it = {.type = PCISIM_TI_CHOICE, .choice = PCISIM_CH_RANK, .t = sim->now,
				  .kind = ev->kind->name, .comp = ev->target ? ev->target->path : NULL};
	it.a[0] = when;
	it.a[1] = r;
	it.a[2] = cls;
	add_choice(c, &it);
	return r;
}

static pcisim_time jitter_hook(void *ctx, struct pcisim_sim *sim, struct pcisim_comp *comp,
			       const char *site, pcisim_time nominal, pcisim_time lo, pcisim_time hi)
{
	struct runctx *c = ctx;
	const struct pcisim_run_spec *s = c->s;
	pcisim_time v = nominal;
	if (!s->jitter)
		return nominal; /* a run from a base whose hook is installed, as if it were not */
	if (s->policy == PCISIM_POLICY_RANDOM && s->jitter && hi > lo) {
		pcisim_time dlo = lo, dhi = hi;
		if (s->jitter_pct) {
			/* the campaign's bound: at most jitter_pct percent either side of nominal */
			pcisim_time dev = nominal / 100 * s->jitter_pct + nominal % 100 * s->jitter_pct / 100;
			dlo = nominal - dev > lo && nominal >= dev ? nominal - dev : lo;
			dhi = pcisim_time_add(nominal, dev) < hi ? pcisim_time_add(nominal, dev) : hi;
		}
		v = dhi > dlo ? pcisim_rng_between((struct pcisim_rng *)&s->rng, dlo, dhi) : nominal;
	} else if (s->policy == PCISIM_POLICY_REPLAY) {
		const struct pcisim_titem *it = next_recorded(c, PCISIM_CH_JITTER, &c->jitter_cur);
		if (it && !strcmp(it->kind, site) && it->a[1] >= lo && it->a[1] <= hi)
			v = it->a[1];
		else
			c->res->replay_short = true;
	}
	if (!choice_kept(c))
		return v; /* as in rank_hook() */
	struct pcisim_titem it = {.type = PCISIM_TI_CHOICE, .choice = PCISIM_CH_JITTER, .t = sim->now,
				  .kind = site, .comp = comp ? comp->path : NULL};
	it.a[0] = nominal;
	it.a[1] = v;
	it.a[2] = lo;
	it.a[3] = hi;
	add_choice(c, &it);
	return v;
}

static void event_hook(void *ctx, struct pcisim_sim *sim, const struct pcisim_event *ev)
{
	struct runctx *c = ctx;
	if (c->s->on_event)
		c->s->on_event(c->s->event_ctx, sim, ev);
	if (!c->emit)
		return;
	struct pcisim_titem it = {.type = PCISIM_TI_EVENT, .t = sim->now, .kind = ev->kind->name,
				  .comp = ev->target ? ev->target->path : NULL};
	memcpy(it.a, ev->a, sizeof(it.a));
	emit(c, &it);
}

struct item_sink {
	struct pcisim_sink sink;
	struct runctx *c;
};

static void record_emit(struct pcisim_sink *s, const struct pcisim_record *r)
{
	struct runctx *c = ((struct item_sink *)s)->c;
	struct pcisim_titem it = {.type = PCISIM_TI_RECORD, .t = r->t, .kind = r->kind,
				  .comp = r->comp_path, .nfields = r->nfields, .fields = r->fields};
	emit(c, &it);
}

/* ---- the verdict ---- */

struct strvec {
	char **v;
	size_t n, cap;
};

static void sv_add(struct strvec *s, char *x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		char **nv = realloc(s->v, s->cap * sizeof(*nv));
		if (!nv)
			oom();
		s->v = nv;
	}
	s->v[s->n++] = x;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * @st as a step of the run's scenario: a branched run's prefix ran its parent's copy
 * of it, which a model may still hold, and the run from time 0 knows only one.
 */
static const struct pcisim_step *run_step_of(const struct runctx *c, const struct pcisim_step *st)
{
	uintptr_t a = (uintptr_t)st, lo = (uintptr_t)c->prior;
	if (!c->prior || a < lo || a >= lo + c->nprior * sizeof(*st))
		return st;
	size_t j = (a - lo) / sizeof(*st);
	return &c->sc->steps[j < c->gap ? j : j + 1];
}

static void verdict(struct runctx *c, const char *reason)
{
	const struct pcisim_run_spec *s = c->s;
	struct pcisim_run_result *r = c->res;
	struct pcisim_sim *sim = c->sim;
	struct pcisim_scenario *sc = c->sc;
	struct strvec sig = {0}, fail = {0};
	const char **inv_exp = NULL; /* as_expect of each violated invariant that has one */
	size_t ninv_exp = 0, capinv_exp = 0;
	/* the failures' lines: for a trace and for callers that read the hash (runner.h) */
	bool lines = !s->unhashed || s->w;
	for (size_t i = 0; i < sc->nexpects; i++) {
		const struct pcisim_expect *e = &sc->expects[i];
		char exp[1024], obs[1024]; /* only the strings: zeroing 2 KiB per expectation showed in fuzz runs */
		exp[0] = obs[0] = 0;
		bool ok = e->def->eval(sim, e, exp, sizeof(exp), obs, sizeof(obs));
		if (s->report && (!ok || s->verbose_report))
			fprintf(s->report, "%s %s:%u:%u: %s: expected %s; observed %s\n", ok ? "ok  " : "FAIL",
				e->loc.file, e->loc.line, e->loc.col, e->def->key, exp, obs);
		if (ok)
			continue;
		r->failed++;
		sv_add(&sig, pcisim_arena_printf(&r->arena, "expect %s@%u", e->def->key, e->loc.line));
		if (lines)
			sv_add(&fail, pcisim_arena_printf(&r->arena, "expectation %s (line %u): expected %s; observed %s",
							  e->def->key, e->loc.line, exp, obs));
	}
	/* steps that checked what they read (expect: on a raw read) */
	const struct pcisim_step *fstep;
	const char *fline;
	for (unsigned i = 0; (fline = pcisim_step_failure(sim, i, &fstep)); i++) {
		fstep = run_step_of(c, fstep);
		if (s->report)
			fprintf(s->report, "FAIL %s\n", fline);
		r->failed++;
		bool again = false; /* one signature entry per step, however often it failed */
		const struct pcisim_step *prev;
		for (unsigned j = 0; j < i && !again; j++)
			again = pcisim_step_failure(sim, j, &prev) && run_step_of(c, prev) == fstep;
		if (!again)
			sv_add(&sig, pcisim_arena_printf(&r->arena, "step %s@%u", fstep->def->name,
							 fstep->loc.line));
		if (lines)
			sv_add(&fail, pcisim_arena_printf(&r->arena, "step %s", fline));
	}
	if (s->invariants) {
		/* NULL: every registered invariant, by name */
		const struct pcisim_invariant *const *invs = s->invs ? s->invs : pcisim_invariant_all();
		for (size_t i = 0; invs[i]; i++) {
			char where[256], what[768];
			where[0] = what[0] = 0;
			if (pcisim_invariant_ignored(s->sc, invs[i]->name) ||
			    invs[i]->check(sim, reason, where, sizeof(where), what, sizeof(what)))
				continue;
			r->violations++;
			sv_add(&sig, pcisim_arena_printf(&r->arena, "invariant %s@%s: %s", invs[i]->name, where, what));
			if (lines)
				sv_add(&fail, pcisim_arena_printf(&r->arena, "invariant %s violated at %s: %s",
								  invs[i]->name, where, what));
			if (invs[i]->as_expect) {
				inv_exp = pcisim_grow(inv_exp, &capinv_exp, ninv_exp + 1, sizeof(*inv_exp));
				inv_exp[ninv_exp++] = invs[i]->as_expect;
			}
		}
	}
	if (sig.n)
		qsort(sig.v, sig.n, sizeof(*sig.v), cmp_str);
	size_t len = 1;
	for (size_t i = 0; i < sig.n; i++)
		len += strlen(sig.v[i]) + 3;
	r->signature = malloc(len);
	if (!r->signature)
		oom();
	r->signature[0] = 0;
	for (size_t i = 0; i < sig.n; i++) {
		if (i)
			strcat(r->signature, " | ");
		strcat(r->signature, sig.v[i]);
	}
	free(sig.v);
	r->failures = fail.v;
	r->nfailures = fail.n;
	if (ninv_exp) {
		r->inv_expect = pcisim_arena_alloc(&r->arena, ninv_exp * sizeof(*r->inv_expect));
		memcpy(r->inv_expect, inv_exp, ninv_exp * sizeof(*inv_exp));
		r->ninv_expect = ninv_exp;
	}
	free(inv_exp);
}

/* Attach the run's sinks and hooks to @sim and write the header (before instantiate). */
static void ctx_start(struct runctx *c, struct pcisim_sim *sim)
{
	const struct pcisim_run_spec *s = c->s;
	c->sim = sim;
	c->emit = s->w || s->on_item;
	struct pcisim_trace *tr = sim->trace ? sim->trace : pcisim_trace_attach(sim, false);
	if (c->emit) {
		struct item_sink *is = calloc(1, sizeof(*is));
		if (!is)
			oom();
		is->sink.emit = record_emit;
		is->c = c;
		pcisim_trace_add_sink(tr, &is->sink);
	}
	c->hooks.ctx = c;
	bool ranked = (s->policy == PCISIM_POLICY_RANDOM || s->policy == PCISIM_POLICY_REPLAY) && s->order;
	bool jit = (s->policy == PCISIM_POLICY_RANDOM || s->policy == PCISIM_POLICY_REPLAY) && s->jitter;
	if (c->emit || s->on_event)
		c->hooks.event = event_hook;
	if (ranked)
		c->hooks.rank = rank_hook;
	if (jit)
		c->hooks.jitter = jitter_hook;
	if (c->hooks.event || c->hooks.rank || c->hooks.jitter)
		sim->hooks = &c->hooks;
	if (s->w && s->hdr)
		pcisim_twriter_header(s->w, s->hdr);
}

/* After the sim.end record: the verdict, the end item; the hooks come off. */
static void ctx_finish(struct runctx *c, const char *reason)
{
	const struct pcisim_run_spec *s = c->s;
	struct pcisim_run_result *res = c->res;
	struct pcisim_sim *sim = c->sim;
	res->reason = reason;
	verdict(c, reason);
	res->hash = sim->unhashed ? 0 : sim->hash;
	res->events = sim->executed;
	res->records = sim->trace->count;
	res->now = sim->now;
	if (s->w) {
		struct pcisim_tend e = {.events = res->events, .records = res->records, .hash = res->hash,
					.now = res->now, .reason = reason, .failed = res->failed,
					.signature = res->signature,
					.failures = (const char *const *)res->failures,
					.nfailures = res->nfailures};
		pcisim_twriter_end(s->w, &e);
	}
	sim->hooks = NULL;
}

static void result_init(struct pcisim_run_result *res, const struct pcisim_scenario *sc)
{
	memset(res, 0, sizeof(*res));
	pcisim_arena_init(&res->arena);
	res->reason = "";
	res->step_at = pcisim_arena_alloc(&res->arena, (sc->nsteps + 1) * sizeof(*res->step_at));
	for (size_t i = 0; i < sc->nsteps; i++)
		res->step_at[i] = PCISIM_TIME_MAX;
}

/* The scenario a run plays: @s->sc, or a subset or reordering of its steps in @sub. */
static struct pcisim_scenario *run_scenario_of(const struct pcisim_run_spec *s, struct pcisim_run_result *res,
					       struct pcisim_scenario *sub, size_t **orig)
{
	struct pcisim_scenario *sc = s->sc;
	*orig = NULL;
	if (!s->step_on && !s->step_order)
		return sc;
	/* A subset of the steps runs as a scenario of its own (sharing everything else). */
	*sub = *sc;
	sub->steps = pcisim_arena_alloc(&res->arena, (sc->nsteps + 1) * sizeof(*sub->steps));
	size_t *o = pcisim_arena_alloc(&res->arena, (sc->nsteps + 1) * sizeof(*o));
	sub->nsteps = 0;
	for (size_t k = 0; k < sc->nsteps; k++) {
		size_t i = s->step_order ? s->step_order[k] : k;
		if (!s->step_on || s->step_on[i]) {
			o[sub->nsteps] = i;
			sub->steps[sub->nsteps] = sc->steps[i];
			sub->steps[sub->nsteps].index = sub->nsteps;
			sub->nsteps++;
		}
	}
	*orig = o;
	return sub;
}

/* Run the scheduled machine to the end and conclude; false when a bound stopped it. */
static bool run_and_conclude(struct runctx *c, struct pcisim_sim *sim)
{
	const struct pcisim_run_spec *s = c->s;
	struct pcisim_run_result *res = c->res;
	sim->watchdog = s->watchdog;
	res->ran = pcisim_run(sim, s->until);
	if (sim->stopped_by) {
		/* an unfinished run has no verdict */
		res->stopped_by = pcisim_arena_strdup(&res->arena, sim->stopped_by);
		res->events = sim->executed;
		res->now = sim->now;
		sim->hooks = NULL;
		res->signature = strdup("");
		return false;
	}
	const char *reason = sim->stopping ? "stopped"
			     : pcisim_next_time(sim) == PCISIM_TIME_MAX ? "idle"
									 : "time limit";
	struct pcisim_heap *prev = pcisim_sim_enter(sim);
	PCISIM_RECORD(sim, NULL, "sim.end", PCISIM_FU("events", sim->executed),
		      PCISIM_FS("reason", reason));
	pcisim_heap_leave(prev);
	ctx_finish(c, reason);
	if (s->at_end)
		s->at_end(s->end_ctx, sim);
	return true;
}

int pcisim_run_scenario(const struct pcisim_run_spec *s, struct pcisim_run_result *res,
			struct pcisim_diag *d)
{
	struct pcisim_scenario *sc = s->sc;
	result_init(res, sc);
	struct pcisim_scenario sub;
	size_t *orig;
	struct pcisim_scenario *run_sc = run_scenario_of(s, res, &sub, &orig);

	struct pcisim_sim sim;
	struct runctx c = {.s = s, .res = res, .sc = run_sc, .orig = orig};
	pcisim_sim_init(&sim, s->seed, d);
	sim.unhashed = s->unhashed && !s->w; /* a trace ends with its hash */
	pcisim_trace_attach(&sim, false);
	ctx_start(&c, &sim);
	if (s->at_start)
		s->at_start(s->start_ctx, &sim, sc);
	/* The chooser always runs: it reports the times chosen in res->step_at. */
	res->rc = pcisim_scenario_instantiate(&sim, run_sc, choose_step, &c, d);
	if (res->rc) {
		sim.hooks = NULL;
		pcisim_sim_free(&sim);
		res->signature = strdup("");
		return res->rc;
	}
	run_and_conclude(&c, &sim);
	pcisim_sim_free(&sim);
	return res->rc;
}

/* ---- runs from a snapshot of the built machine ---- */

struct pcisim_run_base {
	struct pcisim_run_spec proto; /* what every run from it shares (scenario, seed, hooks) */
	struct pcisim_sim sim;
	struct runctx c; /* at a fixed address: the hooks and the item sink point here */
	bool hooked;     /* the hooks are installed */
	struct pcisim_hooks hooks; /* which ones */
	struct pcisim_snapshot *snap;
	struct pcisim_run_result build_res; /* the build's result (no choice in it) */
	uint64_t epoch; /* counts the runs and cursor moves that left @sim elsewhere */
	/*
	 * The prefix every run shares (base_prefix()): the built machine run on through
	 * the events that come before anything a run chooses, snapshotted; NULL when
	 * there are none. Runs from it post their steps under the sequence numbers they
	 * would have had (from @pre_seq0; the prefix's own events were numbered after room
	 * for every step).
	 */
	struct pcisim_snapshot *pre;
	uint64_t pre_seq0;
	uint64_t pre_events;  /* events the prefix ran */
	pcisim_time pre_now;  /* the prefix's last event's time */
	pcisim_time build_now;
	bool pre_unhashed;    /* the prefix ran unhashed (then so must its runs) */
	bool probed;          /* a choice hook was called while a prefix ran */
};

/* Does run @s play out on @b's machine exactly as it would on a machine of its own? */
static bool base_fits(const struct pcisim_run_base *b, const struct pcisim_run_spec *s)
{
	const struct pcisim_run_spec *p = &b->proto;
	/* a hook the run does not use answers as if it were not installed (rank_hook, jitter_hook) */
	return s->sc == p->sc && s->seed == p->seed &&
	       (s->policy == p->policy || (s->policy != PCISIM_POLICY_DEFAULT && p->policy != PCISIM_POLICY_DEFAULT)) &&
	       (!s->order || p->order) && (!s->jitter || p->jitter) &&
	       !!(s->w || s->on_item) == !!(p->w || p->on_item) && !s->at_start &&
	       !!s->on_event == !!p->on_event && !(s->w && s->hdr);
}

/*
 * The shared prefix. A run restores the built machine, chooses its steps' times and
 * ranks and posts them (pcisim_scenario_schedule()), then runs. Until an event asks a
 * choice hook for a rank or a latency, and until the earliest time any step may be
 * due, every run executes the same events with the same effects: the steps wait in
 * the queue, untouched, and their sequence numbers, all below those of the events
 * that follow, only order them before those at one time, class and rank. So the base
 * runs those events once, numbering the events they post after room for every step,
 * and a run from its snapshot posts its steps under the numbers they would have had:
 * every pair of events compares as in a run from the built machine.
 */
static unsigned probe_rank(void *ctx, struct pcisim_sim *sim, const struct pcisim_event *ev, pcisim_time when,
			   unsigned cls)
{
	(void)sim, (void)ev, (void)when, (void)cls;
	((struct pcisim_run_base *)ctx)->probed = true;
	return 0;
}

static pcisim_time probe_jitter(void *ctx, struct pcisim_sim *sim, struct pcisim_comp *comp, const char *site,
				pcisim_time nominal, pcisim_time lo, pcisim_time hi)
{
	(void)sim, (void)comp, (void)site, (void)lo, (void)hi;
	((struct pcisim_run_base *)ctx)->probed = true;
	return nominal;
}

/*
 * From the built machine, run at most @limit events of the prefix: those before time
 * @tmin, or at it in a class before the steps'. Returns how many ran whose run called
 * no choice hook, and sets *@over when the last one executed did (or stopped the run).
 */
static uint64_t prefix_run(struct pcisim_run_base *b, pcisim_time tmin, uint64_t limit, bool *over)
{
	struct pcisim_sim *sim = &b->sim;
	pcisim_snapshot_restore(sim, b->snap);
	sim->seq = b->pre_seq0 + b->proto.sc->nsteps;
	sim->unhashed = b->pre_unhashed;
	b->probed = *over = false;
	uint64_t n = 0;
	pcisim_time t;
	unsigned cls;
	while (n < limit && pcisim_next_key(sim, &t, &cls) && t <= b->proto.until &&
	       (t < tmin || (t == tmin && cls < PCISIM_CLASS_ACTION))) {
		pcisim_step(sim, b->proto.until);
		if (b->probed || sim->stopping || sim->stopped_by) {
			*over = true;
			break;
		}
		n++;
	}
	return n;
}

static void base_prefix(struct pcisim_run_base *b)
{
	const struct pcisim_run_spec *p = &b->proto;
	if (b->hooks.event || p->watchdog)
		return; /* a run that sees every event, or counts them, plays them itself */
	pcisim_time tmin = PCISIM_TIME_MAX;
	for (size_t i = 0; i < p->sc->nsteps; i++)
		if (p->sc->steps[i].at.lo < tmin)
			tmin = p->sc->steps[i].at.lo;
	b->pre_seq0 = b->sim.seq;
	b->build_now = b->sim.now;
	b->pre_unhashed = p->unhashed && !p->w;
	/* the hooks the runs install, answering as none installed and noting the call */
	b->c.hooks = (struct pcisim_hooks){.ctx = b, .rank = b->hooks.rank ? probe_rank : NULL,
					   .jitter = b->hooks.jitter ? probe_jitter : NULL};
	b->sim.hooks = b->hooked ? &b->c.hooks : NULL;
	bool over;
	uint64_t n = prefix_run(b, tmin, UINT64_MAX, &over);
	if (over && n)
		n = prefix_run(b, tmin, n, &over); /* again, up to the event before */
	if (n && !over) {
		b->pre = pcisim_snapshot_take(&b->sim);
		b->pre_events = n;
		b->pre_now = b->sim.now;
	}
	b->c.hooks = b->hooks;
	b->sim.hooks = NULL;
}

/* Does run @s start with @b's prefix? Only runs that choose their own steps from the
 * whole scenario, see no event, keep no choice made before the prefix's end and run
 * past it. */
static bool pre_fits(const struct pcisim_run_base *b, const struct pcisim_run_spec *s)
{
	return b->pre && !s->step_on && !s->step_order && !s->w && !s->on_item && !s->on_event &&
	       !s->watchdog && s->until >= b->pre_now && (s->unhashed && !s->w) == b->pre_unhashed &&
	       (!choice_kept_by(s) || b->pre_now == b->build_now);
}

struct pcisim_run_base *pcisim_run_base_new(const struct pcisim_run_spec *proto, struct pcisim_diag *d)
{
	if (proto->at_start || (proto->w && proto->hdr))
		return NULL;
	struct pcisim_run_base *b = calloc(1, sizeof(*b));
	if (!b)
		oom();
	b->proto = *proto;
	result_init(&b->build_res, proto->sc);
	b->c = (struct runctx){.s = &b->proto, .res = &b->build_res, .sc = proto->sc};
	if (pcisim_sim_init(&b->sim, proto->seed, d)) {
		pcisim_run_result_free(&b->build_res);
		free(b);
		return NULL;
	}
	pcisim_trace_attach(&b->sim, false);
	ctx_start(&b->c, &b->sim);
	b->hooked = b->sim.hooks != NULL;
	b->hooks = b->c.hooks;
	/* The machine is the same for every run only if building it chose nothing. */
	if (pcisim_scenario_build(&b->sim, proto->sc, d) || b->build_res.nchoices) {
		pcisim_run_base_free(b);
		return NULL;
	}
	b->snap = pcisim_snapshot_take(&b->sim);
	base_prefix(b);
	return b;
}

void pcisim_run_base_free(struct pcisim_run_base *b)
{
	if (!b)
		return;
	pcisim_snapshot_free(b->snap);
	pcisim_snapshot_free(b->pre);
	b->sim.hooks = NULL;
	pcisim_sim_free(&b->sim);
	pcisim_run_result_free(&b->build_res);
	free(b);
}

size_t pcisim_run_base_bytes(const struct pcisim_run_base *b)
{
	if (!b || !b->snap)
		return 0;
	return pcisim_snapshot_bytes(b->snap) + (b->pre ? pcisim_snapshot_bytes(b->pre) : 0);
}

uint64_t pcisim_run_base_shared_events(const struct pcisim_run_base *b)
{
	return b && b->pre ? b->pre_events : 0;
}

/* Make @c the context of the run in @b's sim (its hooks point at b->c). */
static void base_enter(struct pcisim_run_base *b, const struct runctx *c, struct pcisim_diag *d)
{
	b->c = *c;
	b->c.sim = &b->sim;
	b->c.hooks = b->hooks;
	b->c.emit = c->s->w || c->s->on_item;
	b->c.hooks.ctx = &b->c;
	b->sim.hooks = b->hooked ? &b->c.hooks : NULL;
	b->sim.watchdog = NULL;
	b->sim.diag = d;
	b->sim.unhashed = c->s->unhashed && !c->s->w; /* a trace ends with its hash */
}

int pcisim_run_from(struct pcisim_run_base *b, const struct pcisim_run_spec *s,
		    struct pcisim_run_result *res, struct pcisim_diag *d)
{
	if (!b || !base_fits(b, s))
		return pcisim_run_scenario(s, res, d);
	result_init(res, s->sc);
	struct pcisim_scenario sub;
	size_t *orig;
	struct pcisim_scenario *run_sc = run_scenario_of(s, res, &sub, &orig);
	bool pre = pre_fits(b, s);
	pcisim_snapshot_restore(&b->sim, pre ? b->pre : b->snap);
	b->epoch++;
	base_enter(b, &(struct runctx){.s = s, .res = res, .sc = run_sc, .orig = orig}, d);
	uint64_t next = b->sim.seq;
	if (pre)
		b->sim.seq = b->pre_seq0; /* the steps' numbers, as in a run from the build */
	pcisim_scenario_schedule(&b->sim, run_sc, choose_step, &b->c);
	if (pre)
		b->sim.seq = next;
	run_and_conclude(&b->c, &b->sim);
	b->sim.hooks = NULL;
	return res->rc;
}

/* ---- runs branched from a paused run (explore) ---- */

struct pcisim_run_cursor {
	struct pcisim_run_base *b;
	struct pcisim_run_spec spec; /* the parent run: its steps, no outputs or callbacks */
	pcisim_time *at;             /* its step arrays (the caller's change as it explores) */
	bool *on;
	size_t *order;
	struct pcisim_run_result res; /* the parent's scheduling: its choices, its scenario's steps */
	struct pcisim_scenario sub;
	struct pcisim_scenario *sc; /* the scenario the parent plays */
	size_t *orig;
	uint64_t seq0;         /* the sequence number of the parent's first step */
	pcisim_time sched_now; /* the time the steps were scheduled at */
	/* the parent paused before @snap_pos, @snap_executed events run; NULL: at its start */
	struct pcisim_snapshot *snap;
	pcisim_time snap_pos;
	uint64_t snap_executed;
	pcisim_time pos; /* the base's sim holds the parent paused before @pos ... */
	uint64_t epoch;  /* ... while the base's epoch is this */
	pcisim_time stopped_at; /* the parent stopped at this time (PCISIM_TIME_MAX: not yet) */
};

/*
 * A snapshot copies the sim's heap; running an event costs about as much as copying
 * this many of its bytes (measured on the shipped explorations, 0.2 to 1.5 MB heaps).
 * The cursor takes a snapshot only when it saves the children more events than that.
 */
#define BRANCH_EVENT_BYTES 4096

/*
 * Does @s play out from a paused run of @b's machine as a run of its own would? Only
 * runs whose choices are all forced: a chooser that draws (RANDOM) or reads a
 * recording (REPLAY) would be asked in another order, and items or a trace written
 * would lack the prefix.
 */
static bool branch_fits(const struct pcisim_run_base *b, const struct pcisim_run_spec *s)
{
	return b && base_fits(b, s) && s->policy == PCISIM_POLICY_DEFAULT && !s->w && !s->on_item &&
	       !s->watchdog && s->step_on && s->step_order && s->step_at;
}

/* The parent's run context in the base's sim. */
static void cursor_enter(struct pcisim_run_cursor *cur)
{
	struct pcisim_run_base *b = cur->b;
	base_enter(b, &(struct runctx){.s = &cur->spec, .res = &cur->res, .sc = cur->sc, .orig = cur->orig},
		   b->sim.diag);
}

/* Put the parent back at the start of its run: the built machine, its steps queued. */
static void cursor_start(struct pcisim_run_cursor *cur)
{
	struct pcisim_run_base *b = cur->b;
	pcisim_snapshot_restore(&b->sim, b->snap);
	cur->res.nchoices = 0;
	cursor_enter(cur);
	cur->sched_now = b->sim.now;
	cur->seq0 = b->sim.seq;
	pcisim_scenario_schedule(&b->sim, cur->sc, choose_step, &b->c);
	b->sim.hooks = NULL;
	if (!cur->snap)
		cur->snap_executed = b->sim.executed;
	cur->pos = b->sim.now;
	cur->epoch = ++b->epoch;
}

struct pcisim_run_cursor *pcisim_run_cursor_new(struct pcisim_run_base *b, const struct pcisim_run_spec *parent)
{
	if (!branch_fits(b, parent))
		return NULL;
	struct pcisim_run_cursor *cur = calloc(1, sizeof(*cur));
	size_t n = parent->sc->nsteps + 1;
	if (!cur || !(cur->at = malloc(n * sizeof(*cur->at))) || !(cur->on = malloc(n * sizeof(*cur->on))) ||
	    !(cur->order = malloc(n * sizeof(*cur->order))))
		oom();
	memcpy(cur->at, parent->step_at, (n - 1) * sizeof(*cur->at));
	memcpy(cur->on, parent->step_on, (n - 1) * sizeof(*cur->on));
	memcpy(cur->order, parent->step_order, (n - 1) * sizeof(*cur->order));
	cur->b = b;
	cur->spec = *parent;
	cur->spec.step_at = cur->at;
	cur->spec.step_on = cur->on;
	cur->spec.step_order = cur->order;
	cur->spec.on_event = NULL, cur->spec.event_ctx = NULL;
	cur->spec.at_end = NULL, cur->spec.end_ctx = NULL;
	cur->spec.report = NULL;
	cur->stopped_at = PCISIM_TIME_MAX;
	result_init(&cur->res, parent->sc);
	cur->sc = run_scenario_of(&cur->spec, &cur->res, &cur->sub, &cur->orig);
	cursor_start(cur);
	cur->snap_pos = cur->pos;
	return cur;
}

void pcisim_run_cursor_free(struct pcisim_run_cursor *cur)
{
	if (!cur)
		return;
	pcisim_snapshot_free(cur->snap);
	pcisim_run_result_free(&cur->res);
	free(cur->at);
	free(cur->on);
	free(cur->order);
	free(cur);
}

/*
 * Leave the parent paused before @t in the base's sim: from where it is paused there,
 * else from its snapshot (the latest one before @t), else from its start. False when
 * it stopped before @t (a child would stop there too, and pcisim_run would restart it).
 */
static bool cursor_seek(struct pcisim_run_cursor *cur, pcisim_time t)
{
	struct pcisim_run_base *b = cur->b;
	if (t < cur->sched_now || t > cur->stopped_at)
		return false;
	if (b->epoch != cur->epoch || t < cur->pos) {
		if (t < cur->snap_pos) {
			pcisim_snapshot_free(cur->snap);
			cur->snap = NULL;
			cur->snap_pos = cur->sched_now;
		}
		if (cur->snap) {
			pcisim_snapshot_restore(&b->sim, cur->snap);
			cur->pos = cur->snap_pos;
			cur->epoch = ++b->epoch;
		} else {
			cursor_start(cur);
		}
	}
	if (t > cur->pos) {
		cursor_enter(cur);
		pcisim_run(&b->sim, t - 1);
		b->sim.hooks = NULL;
		cur->pos = t;
		if (b->sim.stopping || b->sim.stopped_by) {
			cur->stopped_at = b->sim.now;
			cur->epoch = ++b->epoch; /* not paused: stopped */
			return false;
		}
		uint64_t ran = b->sim.executed - cur->snap_executed;
		if (ran * BRANCH_EVENT_BYTES >= pcisim_snapshot_bytes(b->snap)) { /* what a copy costs */
			pcisim_snapshot_free(cur->snap);
			cur->snap = pcisim_snapshot_take(&b->sim);
			cur->snap_pos = t;
			cur->snap_executed = b->sim.executed;
		}
	}
	cur->epoch = ++b->epoch;
	return true;
}

/*
 * Position of step @s in @child's run (and @child's scenario, @orig) when it is the
 * cursor's parent with just step @s added: the same steps in the same order and at the
 * same times otherwise; SIZE_MAX when it is not.
 */
static size_t branch_position(const struct pcisim_run_cursor *cur, const struct pcisim_run_spec *child,
			      const struct pcisim_scenario *sc, const size_t *orig, size_t s)
{
	const struct pcisim_run_spec *par = &cur->spec;
	if (child->sc != par->sc || child->until != par->until || child->unhashed != par->unhashed || !orig ||
	    sc->nsteps != cur->sc->nsteps + 1)
		return SIZE_MAX;
	size_t p = 0;
	while (p < sc->nsteps && orig[p] != s)
		p++;
	if (p == sc->nsteps || par->step_on[s])
		return SIZE_MAX;
	for (size_t i = 0; i < cur->sc->nsteps; i++) {
		size_t j = cur->orig[i];
		if (orig[i < p ? i : i + 1] != j || child->step_at[j] != par->step_at[j])
			return SIZE_MAX;
	}
	return p;
}

int pcisim_run_branch(struct pcisim_run_cursor *cur, const struct pcisim_run_spec *child, size_t s,
		      struct pcisim_run_result *res, struct pcisim_diag *d)
{
	if (!cur || !branch_fits(cur->b, child))
		return pcisim_run_from(cur ? cur->b : NULL, child, res, d);
	struct pcisim_run_base *b = cur->b;
	result_init(res, child->sc);
	struct pcisim_scenario sub;
	size_t *orig;
	struct pcisim_scenario *run_sc = run_scenario_of(child, res, &sub, &orig);
	size_t p = branch_position(cur, child, run_sc, orig, s);
	const struct pcisim_step *st = &child->sc->steps[s];
	pcisim_time t = child->step_at[s];
	if (t < st->at.lo || t > st->at.hi)
		t = st->at.lo; /* as choose_step() takes it */
	if (p == SIZE_MAX || t == PCISIM_TIME_MAX || t > child->until || !cursor_seek(cur, t))
		goto straight;
	base_enter(b, &(struct runctx){.s = child, .res = res, .sc = run_sc, .orig = orig,
				       .prior = cur->sc->steps, .nprior = cur->sc->nsteps, .gap = p}, d);
	if (pcisim_scenario_insert_step(&b->sim, run_sc, p, cur->seq0, choose_step, &b->c)) {
		b->sim.hooks = NULL;
		goto straight;
	}
	/* the choices were made at scheduling time in a run of its own */
	for (size_t i = 0; i < res->nchoices; i++)
		res->choices[i].t = cur->sched_now;
	b->epoch++;
	run_and_conclude(&b->c, &b->sim);
	b->sim.hooks = NULL;
	return res->rc;
straight:
	pcisim_run_result_free(res);
	return pcisim_run_from(b, child, res, d);
}

/* ---- recording a run driven by someone else (simulate --record) ---- */

struct pcisim_recorder {
	struct runctx c;
	struct pcisim_run_spec spec;
	struct pcisim_run_result res;
	struct pcisim_theader h;
	struct pcisim_tinclude *incs;
	char *path;
};

struct pcisim_recorder *pcisim_recorder_start(struct pcisim_sim *sim, struct pcisim_scenario *sc,
					      const char *path, enum pcisim_tformat f,
					      uint64_t seed, pcisim_time until,
					      const char *const *sets, size_t nsets, const char *origin,
					      struct pcisim_diag *d)
{
	char err[512];
	struct pcisim_recorder *r = calloc(1, sizeof(*r));
	if (!r)
		oom();
	pcisim_run_spec_init(&r->spec, sc);
	r->spec.seed = seed;
	r->spec.until = until;
	r->spec.w = pcisim_twriter_open(path, f, err, sizeof(err));
	if (!r->spec.w) {
		pcisim_diag_error(d, (struct pcisim_loc){0}, "option '--record': %s", err);
		free(r);
		return NULL;
	}
	r->incs = calloc(sc->ndocs + 1, sizeof(*r->incs));
	r->path = strdup(path);
	if (!r->incs || !r->path)
		oom();
	pcisim_theader_for(&r->h, sc, seed, until, sets, nsets, origin, r->incs);
	r->spec.hdr = &r->h;
	result_init(&r->res, sc);
	r->c = (struct runctx){.s = &r->spec, .res = &r->res, .sc = sc};
	ctx_start(&r->c, sim);
	return r;
}

uint64_t pcisim_recorder_bytes(const struct pcisim_recorder *r)
{
	return r ? pcisim_twriter_bytes(r->spec.w) : 0;
}

pcisim_time pcisim_recorder_choose(void *rec, const struct pcisim_step *s)
{
	return choose_step(&((struct pcisim_recorder *)rec)->c, s);
}

int pcisim_recorder_finish(struct pcisim_recorder *r, const char *reason, struct pcisim_diag *d)
{
	char err[512];
	int rc = 0;
	if (reason)
		ctx_finish(&r->c, reason);
	else if (r->c.sim)
		r->c.sim->hooks = NULL;
	if (pcisim_twriter_close(r->spec.w, err, sizeof(err))) {
		pcisim_diag_error(d, (struct pcisim_loc){r->path, 0, 0}, "%s", err);
		rc = -1;
	}
	if (!reason)
		unlink(r->path); /* the run never started: no trace */
	pcisim_run_result_free(&r->res);
	free(r->incs);
	free(r->path);
	free(r);
	return rc;
}

void pcisim_run_result_free(struct pcisim_run_result *res)
{
	free(res->signature);
	free(res->failures);
	free(res->choices);
	pcisim_arena_free(&res->arena);
	memset(res, 0, sizeof(*res));
}

/* ---- scenarios in traces ---- */

uint64_t pcisim_scenario_digest(const struct pcisim_scenario *sc)
{
	uint64_t h = XXH3_64bits(sc->text ? sc->text : "", sc->text_len);
	for (size_t i = 1; i < sc->ndocs; i++)
		h = XXH3_64bits_withSeed(sc->docs[i].text, sc->docs[i].text_len, h);
	return h;
}

static uint64_t header_digest(const struct pcisim_theader *h)
{
	uint64_t x = XXH3_64bits(h->text ? h->text : "", h->text_len);
	for (size_t i = 0; i < h->nincs; i++)
		x = XXH3_64bits_withSeed(h->incs[i].text, h->incs[i].len, x);
	return x;
}

void pcisim_theader_for(struct pcisim_theader *h, const struct pcisim_scenario *sc, uint64_t seed,
			pcisim_time until, const char *const *sets, size_t nsets, const char *origin,
			struct pcisim_tinclude *incs)
{
	memset(h, 0, sizeof(*h));
	h->format = PCISIM_TRACE_FORMAT;
	h->pcisim_version = PCISIM_VERSION;
	h->origin = origin;
	h->name = sc->name;
	h->path = sc->path;
	h->text = sc->text;
	h->text_len = sc->text_len;
	for (size_t i = 1; i < sc->ndocs; i++)
		incs[i - 1] = (struct pcisim_tinclude){sc->docs[i].file, sc->docs[i].text,
						       sc->docs[i].text_len};
	h->incs = incs;
	h->nincs = sc->ndocs ? sc->ndocs - 1 : 0;
	h->digest = pcisim_scenario_digest(sc);
	h->seed = seed;
	h->until = until;
	h->sets = sets;
	h->nsets = nsets;
}

/* The trace's included files, handed to the loader in load order. */
struct trace_includes {
	const struct pcisim_tfile *t;
	size_t used;
};

static int read_trace_include(void *ctx, size_t index, const char *path, struct pcisim_loc from,
			      const char **text, size_t *len, struct pcisim_diag *d)
{
	struct trace_includes *x = ctx;
	const struct pcisim_tfile *t = x->t;
	const struct pcisim_theader *h = &t->h;
	if (index >= h->nincs)
		return pcisim_tfile_header_error(
			t, t->nincs_off, d,
			"the scenario includes '%s' (%s:%u:%u), but the trace embeds only %zu included file%s; expected every file the scenario includes, in load order",
			path, from.file, from.line, from.col, h->nincs, h->nincs == 1 ? "" : "s");
	if (strcmp(h->incs[index].file, path))
		return pcisim_tfile_header_error(
			t, pcisim_tfile_include_offset(t, index), d,
			"include %zu of the trace is named '%s', but the scenario includes '%s' there (%s:%u:%u); expected the name the scenario includes it by (was the trace edited?)",
			index + 1, h->incs[index].file, path, from.file, from.line, from.col);
	x->used = index + 1;
	*text = h->incs[index].text;
	*len = h->incs[index].len;
	return 0;
}

int pcisim_scenario_from_header(struct pcisim_scenario *sc, const struct pcisim_tfile *t,
				struct pcisim_diag *d)
{
	const struct pcisim_theader *h = &t->h;
	memset(sc, 0, sizeof(*sc));
	pcisim_arena_init(&sc->arena);
	if (header_digest(h) != h->digest)
		return pcisim_tfile_header_error(t, 0, d,
						 "the embedded scenario does not match its digest %016" PRIx64
						 "; the trace was edited or damaged",
						 h->digest);
	pcisim_arena_free(&sc->arena);
	/*
	 * The scenario is parsed under its recorded name, and its includes are the
	 * trace's texts under the names the loader makes for them, as it made them
	 * when the run was recorded: nothing is read from the disk.
	 */
	const char *path = h->path && h->path[0] ? h->path : "scenario.yaml";
	struct trace_includes x = {t, 0};
	struct pcisim_include_reader inc = {read_trace_include, &x};
	int rc = pcisim_scenario_parse_with(sc, path, h->text, h->text_len, &inc, d);
	if (!rc && x.used < h->nincs)
		rc = pcisim_tfile_header_error(
			t, pcisim_tfile_include_offset(t, x.used), d,
			"include %zu of the trace ('%s') is not one the scenario includes (it includes %zu file%s); expected only the files the scenario includes, in load order",
			x.used + 1, h->incs[x.used].file, x.used, x.used == 1 ? "" : "s");
	return rc;
}

/* ---- overrides ---- */

/*
 * Where an override comes from, for its errors: the command line (--set), or an
 * entry of a trace's 'set' list (the trace and the entry's offset). The values it
 * puts into the machine, host and fuzz mappings carry @vfile as their file, so that
 * a model's error about one names the same place.
 */
struct set_origin {
	struct pcisim_loc at; /* for the override's own errors */
	const char *prefix;   /* goes before them: "" or "offset N: 'set' entry K of the header: " */
	const char *vfile;    /* the values' file: "--set", or "TRACE 'set' entry K" (a diag alias) */
	unsigned vline;       /* 1 for --set (columns count in KEY=VALUE), 0 for a trace */
};

static int set_error(struct pcisim_diag *d, const struct set_origin *o, const char *fmt, ...)
	PCISIM_PRINTF(3, 4);
static int set_error(struct pcisim_diag *d, const struct set_origin *o, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pcisim_diag_error(d, o->at, "%s%s", o->prefix, msg);
}

/*
 * Set @sub to the value after @eq (of the override @kv) in the mapping @map: the
 * mapping gets new key and value arrays in the scenario's arena (the parsed document
 * is not written to), a key it has keeps its place.
 */
static void map_set(struct pcisim_scenario *sc, struct pcisim_ynode *map, const char *sub,
		    const char *kv, const char *eq, const struct set_origin *o)
{
	const char *val = eq + 1;
	struct pcisim_ynode *v = pcisim_arena_alloc(&sc->arena, sizeof(*v));
	v->kind = PCISIM_Y_SCALAR;
	v->str = pcisim_arena_strdup(&sc->arena, val);
	v->loc = (struct pcisim_loc){o->vfile, o->vline, o->vline ? (unsigned)(eq - kv) + 2 : 0};
	struct pcisim_ynode **keys = pcisim_arena_alloc(&sc->arena, (map->n + 2) * sizeof(*keys));
	struct pcisim_ynode **vals = pcisim_arena_alloc(&sc->arena, (map->n + 2) * sizeof(*vals));
	if (map->n) {
		memcpy(keys, map->keys, map->n * sizeof(*keys));
		memcpy(vals, map->vals, map->n * sizeof(*vals));
	}
	size_t i;
	for (i = 0; i < map->n; i++)
		if (!strcmp(keys[i]->str, sub))
			break;
	if (i < map->n) {
		if (vals[i]->kind == PCISIM_Y_SCALAR)
			v->quoted = vals[i]->quoted;
		vals[i] = v;
	} else {
		struct pcisim_ynode *k = pcisim_arena_alloc(&sc->arena, sizeof(*k));
		k->kind = PCISIM_Y_SCALAR;
		k->str = pcisim_arena_strdup(&sc->arena, sub);
		k->loc = (struct pcisim_loc){o->vfile, o->vline, o->vline ? 1 : 0};
		keys[map->n] = k;
		vals[map->n] = v;
		map->n++;
	}
	map->keys = keys;
	map->vals = vals;
}

/* The value of key @key in mapping @map when it is a scalar, else NULL. */
static const char *map_scalar(const struct pcisim_ynode *map, const char *key)
{
	for (size_t i = 0; map && map->kind == PCISIM_Y_MAP && i < map->n; i++)
		if (map->keys[i]->str && !strcmp(map->keys[i]->str, key))
			return map->vals[i]->kind == PCISIM_Y_SCALAR ? map->vals[i]->str : NULL;
	return NULL;
}

/* topology.ID.PROPERTY=VALUE: a property of the topology entry whose id is ID. */
static int topology_set(struct pcisim_scenario *sc, const char *kv, const char *eq,
			const char *rest, const struct set_origin *o, struct pcisim_diag *d)
{
	const char *dot = strchr(rest, '.');
	if (!dot || dot == rest || !dot[1])
		return set_error(d, o,
				 "'%.*s': expected topology.ID.PROPERTY (e.g. topology.rp18.chassis=5), ID a topology entry's id",
				 (int)(eq - kv), kv);
	char id[128];
	snprintf(id, sizeof(id), "%.*s", (int)(dot - rest) < 127 ? (int)(dot - rest) : 127, rest);
	const struct pcisim_ynode *t = sc->topology;
	for (size_t i = 0; t && t->kind == PCISIM_Y_SEQ && i < t->n; i++) {
		const char *eid = map_scalar(t->vals[i], "id");
		if (eid && !strcmp(eid, id)) {
			map_set(sc, t->vals[i], dot + 1, kv, eq, o);
			return 0;
		}
	}
	char ids[1024] = "";
	size_t u = 0;
	for (size_t i = 0; t && t->kind == PCISIM_Y_SEQ && i < t->n && u < sizeof(ids); i++) {
		const char *eid = map_scalar(t->vals[i], "id");
		if (eid)
			u += (size_t)snprintf(ids + u, sizeof(ids) - u, "%s%s", u ? ", " : "", eid);
	}
	return set_error(d, o, "'%.*s': no topology entry has id '%s'; valid ids: %s", (int)(eq - kv), kv, id,
			 ids[0] ? ids : "(none: the topology has no entry with an id)");
}

static int scenario_set(struct pcisim_scenario *sc, const char *kv, const struct set_origin *o,
			struct pcisim_diag *d)
{
	const char *eq = kv ? strchr(kv, '=') : NULL;
	if (!eq || eq == kv)
		return set_error(d, o,
				 "'%s' is not KEY=VALUE; expected e.g. machine.qemu=8.1, seed=2 or until=10s",
				 kv ? kv : "");
	char key[128];
	snprintf(key, sizeof(key), "%.*s", (int)(eq - kv) < 127 ? (int)(eq - kv) : 127, kv);
	const char *val = eq + 1;
	if (!strcmp(key, "seed")) {
		if (pcisim_parse_u64(val, &sc->seed))
			return set_error(d, o, "seed=%s: expected an integer", val);
		sc->has_seed = true;
		return 0;
	}
	if (!strcmp(key, "until")) {
		const char *why;
		if (pcisim_time_parse(val, &sc->until, &why))
			return set_error(d, o, "until=%s: bad duration: %s", val, why);
		sc->has_until = true;
		return 0;
	}
	char *dot = strchr(key, '.');
	static const char *const sections[] = {"machine", "host", "fuzz", NULL};
	struct pcisim_ynode **secs[] = {&sc->machine, &sc->host, &sc->fuzz};
	size_t si = 3;
	if (dot) {
		*dot = 0;
		for (si = 0; si < 3; si++)
			if (!strcmp(sections[si], key))
				break;
	}
	if (dot && !strcmp(key, "topology"))
		return topology_set(sc, kv, eq, dot + 1, o, d);
	if (!dot || si == 3 || !dot[1])
		return set_error(d, o,
				 "unknown key '%.*s'; valid keys: seed, until, machine.KEY, host.KEY, fuzz.KEY, topology.ID.PROPERTY",
				 (int)(eq - kv), kv);
	const char *sub = dot + 1;
	struct pcisim_ynode **m = secs[si];
	if (!*m) {
		*m = pcisim_arena_alloc(&sc->arena, sizeof(**m));
		(*m)->kind = PCISIM_Y_MAP;
		(*m)->loc = (struct pcisim_loc){o->vfile, 0, 0};
	}
	map_set(sc, *m, sub, kv, eq, o);
	return 0;
}

int pcisim_scenario_set(struct pcisim_scenario *sc, const char *kv, struct pcisim_diag *d)
{
	static const struct set_origin cmdline = {{"--set", 0, 0}, "", "--set", 1};
	return scenario_set(sc, kv, &cmdline, d);
}

int pcisim_scenario_set_recorded(struct pcisim_scenario *sc, const struct pcisim_tfile *t, size_t i,
				 struct pcisim_diag *d)
{
	char at[128];
	struct set_origin o;
	o.at = pcisim_tfile_header_at(t, pcisim_tfile_set_offset(t, i), at, sizeof(at));
	o.prefix = pcisim_arena_printf(&sc->arena, "%s: 'set' entry %zu of the header: ", at, i + 1);
	o.vfile = pcisim_arena_printf(&sc->arena, "%s 'set' entry %zu", t->name, i + 1);
	o.vline = 0;
	/* the models' errors about the value are reported where the entry is */
	struct pcisim_diag_alias *a = pcisim_arena_alloc(&sc->arena, sizeof(*a));
	*a = (struct pcisim_diag_alias){.file = o.vfile, .at = o.at, .prefix = o.prefix};
	pcisim_diag_alias_push(d, a);
	return scenario_set(sc, t->h.sets[i], &o, d);
}
