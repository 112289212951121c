/*
 * Branched runs (replay/runner.h, pcisim_run_branch; docs/snapshots.md): a child run
 * that starts from its parent paused just before the added step's time gives exactly
 * the run of the same schedule from time 0: the same result (signature, failures,
 * events, records, end time and reason, step times, choices), the same trace hash,
 * the same state hash (replay/explore.h) at the end and before every event from the
 * branch point on. Schedules are made as pcisim explore makes them: the fixed steps,
 * some ranged steps placed, one more placed at the range's ends, at event times of
 * the parent and just after them, at every place among the steps due at that time.
 * The same-time cases matter most: the added step must come before the events the
 * run queued at that time and after the ones the build queued.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "replay/explore.h"
#include "replay/register.h"
#include "replay/runner.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"

/* Every event's time and the state hash before it (the first of each time). */
struct states {
	pcisim_time t[4096];
	uint64_t h[4096];
	size_t n;
	uint64_t final;
};

static void on_event(void *ctx, struct pcisim_sim *sim, const struct pcisim_event *ev)
{
	(void)ev;
	struct states *s = ctx;
	if ((s->n && s->t[s->n - 1] == sim->now) || s->n == 4096)
		return;
	s->t[s->n] = sim->now;
	s->h[s->n++] = pcisim_state_hash(sim);
}

static void at_end(void *ctx, struct pcisim_sim *sim)
{
	((struct states *)ctx)->final = pcisim_state_hash(sim);
}

/* A schedule: the steps on, in execution order, at forced times. */
struct sched {
	size_t n;
	pcisim_time *at;
	bool *on;
	size_t *order; /* the steps on first, in order, then the rest */
	size_t non;
};

static void sched_spec(struct pcisim_scenario *sc, struct sched *s, struct pcisim_run_spec *spec,
		       struct states *st)
{
	pcisim_run_spec_init(spec, sc);
	spec->step_at = s->at;
	spec->step_on = s->on;
	spec->step_order = s->order;
	if (st) {
		memset(st, 0, sizeof(*st));
		spec->on_event = on_event;
		spec->event_ctx = st;
		spec->at_end = at_end;
		spec->end_ctx = st;
	}
}

static void assert_same_result(const struct pcisim_run_result *a, const struct pcisim_run_result *b, size_t nsteps)
{
	assert_int_equal(a->rc, b->rc);
	assert_string_equal(a->signature, b->signature);
	assert_int_equal(a->nfailures, b->nfailures);
	for (size_t i = 0; i < a->nfailures; i++)
		assert_string_equal(a->failures[i], b->failures[i]);
	assert_int_equal(a->hash, b->hash);
	assert_int_equal(a->events, b->events);
	assert_int_equal(a->records, b->records);
	assert_int_equal(a->now, b->now);
	assert_string_equal(a->reason, b->reason);
	for (size_t i = 0; i < nsteps; i++)
		assert_int_equal(a->step_at[i], b->step_at[i]);
	assert_int_equal(a->nchoices, b->nchoices);
	for (size_t i = 0; i < a->nchoices; i++) {
		assert_int_equal(a->choices[i].t, b->choices[i].t);
		assert_memory_equal(a->choices[i].a, b->choices[i].a, sizeof(a->choices[i].a));
	}
}

struct counts {
	unsigned children, branched;
};

/*
 * The child of @par with step @s at @t, at every place among the steps due at @t,
 * branched from @cur and run from time 0; with @hooked, compare the state hashes too.
 */
static void try_child(struct pcisim_scenario *sc, struct pcisim_run_base *b, struct pcisim_run_cursor *cur,
		      struct sched *par, size_t s, pcisim_time t, bool hooked, struct counts *cnt)
{
	size_t p0 = 0;
	while (p0 < par->non && par->at[par->order[p0]] < t)
		p0++;
	size_t p1 = p0;
	while (p1 < par->non && par->at[par->order[p1]] == t)
		p1++;
	for (size_t p = p0; p <= p1; p++) {
		struct sched ch = *par;
		ch.at = malloc(sc->nsteps * sizeof(*ch.at));
		ch.on = malloc(sc->nsteps * sizeof(*ch.on));
		ch.order = malloc(sc->nsteps * sizeof(*ch.order));
		assert_true(ch.at && ch.on && ch.order);
		memcpy(ch.at, par->at, sc->nsteps * sizeof(*ch.at));
		memcpy(ch.on, par->on, sc->nsteps * sizeof(*ch.on));
		size_t k = 0;
		for (size_t i = 0; i < par->non; i++) {
			if (i == p)
				ch.order[k++] = s;
			ch.order[k++] = par->order[i];
		}
		if (p == par->non)
			ch.order[k++] = s;
		for (size_t i = par->non; i < sc->nsteps; i++)
			if (par->order[i] != s)
				ch.order[k++] = par->order[i];
		ch.on[s] = true;
		ch.at[s] = t;
		ch.non = par->non + 1;

		struct states sa, sb;
		struct pcisim_run_spec straight, branched;
		sched_spec(sc, &ch, &straight, hooked ? &sa : NULL);
		sched_spec(sc, &ch, &branched, hooked ? &sb : NULL);
		struct pcisim_diag d; /* the machines' warnings were shown by the load */
		FILE *quiet = fopen("/dev/null", "w");
		pcisim_diag_init(&d, quiet);
		struct pcisim_run_result a, r;
		assert_int_equal(pcisim_run_scenario(&straight, &a, &d), 0);
		assert_int_equal(pcisim_run_branch(cur, &branched, s, &r, &d), 0);
		assert_same_result(&a, &r, sc->nsteps);
		cnt->children++;
		cnt->branched += r.ran < r.events;
		if (hooked) {
			/* The branched run hashes states from the branch point on; the straight run's
			 * earlier states are those of its parent, not compared here. */
			assert_int_equal(sa.final, sb.final);
			pcisim_time from = sb.n ? sb.t[0] : PCISIM_TIME_MAX;
			size_t i = 0;
			while (i < sa.n && sa.t[i] < from)
				i++;
			assert_int_equal(sa.n - i, sb.n);
			for (size_t j = 0; j < sb.n; j++) {
				assert_int_equal(sa.t[i + j], sb.t[j]);
				assert_int_equal(sa.h[i + j], sb.h[j]);
			}
		}
		pcisim_run_result_free(&a);
		pcisim_run_result_free(&r);
		fclose(quiet);
		free(ch.at);
		free(ch.on);
		free(ch.order);
	}
	(void)b;
}

/*
 * For each ranged step @s of @file: the parent is the fixed steps, and with
 * @with_other the first other ranged step at its lower bound too; children add @s at
 * its range's ends and at (and just after) up to @per event times of the parent, in
 * ascending time, then a few again out of order (the cursor goes back to the start).
 */
static void branch_matches_straight(const char *file, unsigned per, struct counts *cnt)
{
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	struct pcisim_scenario sc;
	assert_int_equal(pcisim_scenario_load(&sc, file, &d), 0);
	FILE *quiet = fopen("/dev/null", "w");
	pcisim_diag_init(&d, quiet);
	size_t n = sc.nsteps;
	for (int hooked = 0; hooked < 2; hooked++)
		for (int with_other = 0; with_other < 2; with_other++)
			for (size_t s = 0; s < n; s++) {
				const struct pcisim_step *st = &sc.steps[s];
				if (st->at.lo == st->at.hi)
					continue;
				struct sched par = {.n = n};
				par.at = calloc(n, sizeof(*par.at));
				par.on = calloc(n, sizeof(*par.on));
				par.order = calloc(n, sizeof(*par.order));
				assert_true(par.at && par.on && par.order);
				size_t other = SIZE_MAX;
				for (size_t i = 0; i < n; i++) {
					bool fixed = sc.steps[i].at.lo == sc.steps[i].at.hi;
					if (!fixed && i != s && with_other && other == SIZE_MAX)
						other = i;
					par.on[i] = fixed || i == other;
					par.at[i] = par.on[i] ? sc.steps[i].at.lo : PCISIM_TIME_MAX;
				}
				if (with_other && other == SIZE_MAX)
					goto next;
				/* the steps on by time (ties in file order), then the rest */
				for (size_t i = 0; i < n; i++)
					if (par.on[i]) {
						size_t k = par.non++;
						while (k && par.at[par.order[k - 1]] > par.at[i]) {
							par.order[k] = par.order[k - 1];
							k--;
						}
						par.order[k] = i;
					}
				for (size_t i = 0, k = par.non; i < n; i++)
					if (!par.on[i])
						par.order[k++] = i;
				struct states pst;
				struct pcisim_run_spec pspec;
				sched_spec(&sc, &par, &pspec, &pst);
				struct pcisim_run_result pr;
				assert_int_equal(pcisim_run_scenario(&pspec, &pr, &d), 0);
				pcisim_run_result_free(&pr);
				if (!hooked)
					pspec.on_event = NULL, pspec.at_end = NULL;
				struct pcisim_run_spec proto = pspec;
				proto.step_at = NULL, proto.step_on = NULL, proto.step_order = NULL;
				struct pcisim_run_base *b = pcisim_run_base_new(&proto, &d);
				assert_non_null(b);
				struct pcisim_run_cursor *cur = pcisim_run_cursor_new(b, &pspec);
				assert_non_null(cur);
				pcisim_time ts[64];
				size_t nt = 0;
				ts[nt++] = st->at.lo;
				for (size_t i = 0; i < pst.n && nt + 3 < 64 && nt < 2 * per; i++)
					if (pst.t[i] > st->at.lo && pst.t[i] < st->at.hi) {
						ts[nt++] = pst.t[i];
						ts[nt++] = pst.t[i] + 1;
					}
				ts[nt++] = st->at.hi;
				for (size_t i = 0; i < nt; i++)
					try_child(&sc, b, cur, &par, s, ts[i], hooked, cnt);
				/* out of order: back to the start, then on again */
				try_child(&sc, b, cur, &par, s, ts[nt / 2], hooked, cnt);
				try_child(&sc, b, cur, &par, s, st->at.lo, hooked, cnt);
				try_child(&sc, b, cur, &par, s, ts[nt - 1], hooked, cnt);
				pcisim_run_cursor_free(cur);
				pcisim_run_base_free(b);
			next:
				free(par.at);
				free(par.on);
				free(par.order);
			}
	pcisim_scenario_free(&sc);
	fclose(quiet);
}

/* A scenario and how many of its parent's event times to branch at, per step. */
struct scenario_case {
	const char *name;
	unsigned per;
};

static void check(void **state)
{
	const struct scenario_case *sc = *state;
	char file[1024];
	snprintf(file, sizeof(file), "%s/%s", PCISIM_SOURCE_DIR, sc->name);
	struct counts c = {0};
	branch_matches_straight(file, sc->per, &c);
	print_message("%s: %u children, %u branched\n", sc->name, c.children, c.branched);
	/* most children must really have branched (not fallen back to a run from 0) */
	assert_true(c.children > 0);
	assert_true(c.branched * 2 > c.children);
}

static void count_item(void *ctx, const struct pcisim_titem *it)
{
	(void)it;
	++*(uint64_t *)ctx;
}

/*
 * A child that cannot branch exactly runs from the built machine: one that hands out
 * items (they would lack the prefix's) gives every item and the straight result.
 */
static void items_run_from_the_start(void **state)
{
	(void)state;
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	struct pcisim_scenario sc;
	assert_int_equal(pcisim_scenario_load(&sc, PCISIM_SOURCE_DIR "/scenarios/pds-migration-fuzz.yaml", &d), 0);
	size_t n = sc.nsteps, s = SIZE_MAX;
	struct sched par = {.n = n};
	par.at = calloc(n, sizeof(*par.at));
	par.on = calloc(n, sizeof(*par.on));
	par.order = calloc(n, sizeof(*par.order));
	assert_true(par.at && par.on && par.order);
	for (size_t i = 0; i < n; i++) {
		par.on[i] = sc.steps[i].at.lo == sc.steps[i].at.hi;
		par.at[i] = par.on[i] ? sc.steps[i].at.lo : PCISIM_TIME_MAX;
		if (!par.on[i] && s == SIZE_MAX)
			s = i;
	}
	assert_true(s != SIZE_MAX);
	for (size_t i = 0, k = 0; i < n; i++) /* fixed steps of this scenario are in time order */
		if (par.on[i])
			par.order[k++] = i, par.non++;
	for (size_t i = 0, k = par.non; i < n; i++)
		if (!par.on[i])
			par.order[k++] = i;
	struct pcisim_run_spec pspec;
	sched_spec(&sc, &par, &pspec, NULL);
	pspec.on_item = count_item;
	uint64_t ignored = 0;
	pspec.item_ctx = &ignored;
	struct pcisim_run_spec proto = pspec;
	proto.step_at = NULL, proto.step_on = NULL, proto.step_order = NULL;
	struct pcisim_run_base *b = pcisim_run_base_new(&proto, &d);
	assert_non_null(b);
	assert_null(pcisim_run_cursor_new(b, &pspec)); /* items: no branching */
	pspec.on_item = NULL;
	proto.on_item = NULL;
	struct pcisim_run_base *plain = pcisim_run_base_new(&proto, &d);
	struct pcisim_run_cursor *cur = pcisim_run_cursor_new(plain, &pspec);
	assert_non_null(cur);
	/* the step at the middle of its range, after the parent's first events */
	pcisim_time t = sc.steps[s].at.lo + (sc.steps[s].at.hi - sc.steps[s].at.lo) / 2;
	size_t order[64];
	assert_true(n <= 64);
	size_t k = 0, p = 0;
	while (p < par.non && par.at[par.order[p]] <= t)
		p++;
	for (size_t i = 0; i < par.non; i++) {
		if (i == p)
			order[k++] = s;
		order[k++] = par.order[i];
	}
	if (p == par.non)
		order[k++] = s;
	for (size_t i = par.non; i < n; i++)
		if (par.order[i] != s)
			order[k++] = par.order[i];
	par.on[s] = true;
	par.at[s] = t;
	uint64_t na = 0, nb = 0;
	struct pcisim_run_spec straight, child;
	sched_spec(&sc, &par, &straight, NULL);
	straight.step_order = order;
	straight.on_item = count_item, straight.item_ctx = &na;
	child = straight;
	child.item_ctx = &nb;
	struct pcisim_run_result a, r;
	assert_int_equal(pcisim_run_scenario(&straight, &a, &d), 0);
	assert_int_equal(pcisim_run_branch(cur, &child, s, &r, &d), 0);
	assert_same_result(&a, &r, n);
	assert_int_equal(r.ran, r.events); /* run from the start */
	assert_true(na > 0);
	assert_int_equal(na, nb);
	pcisim_run_result_free(&a);
	pcisim_run_result_free(&r);
	pcisim_run_cursor_free(cur);
	pcisim_run_base_free(plain);
	pcisim_run_base_free(b);
	free(par.at);
	free(par.on);
	free(par.order);
	pcisim_scenario_free(&sc);
}

int main(void)
{
	static struct scenario_case cases[] = {
		{"scenarios/pds-migration-fuzz.yaml", 12},
		{"scenarios/vfio-remedies-explore.yaml", 8},
		{"scenarios/vfio-multifunction-explore.yaml", 8},
		{"scenarios/dcd-release-race.yaml", 6},
		/* two machines (views of one engine): steps on the other machine's components */
		{"bench/races/fm-retry-crosses-completion.yaml", 6},
		{"bench/races/aer-fatal-in-serialized-recovery.yaml", 8},
	};
	pcisim_register_all();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(check, &cases[0]),
		cmocka_unit_test_prestate(check, &cases[1]),
		cmocka_unit_test_prestate(check, &cases[2]),
		cmocka_unit_test_prestate(check, &cases[3]),
		cmocka_unit_test_prestate(check, &cases[4]),
		cmocka_unit_test_prestate(check, &cases[5]),
		cmocka_unit_test(items_run_from_the_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
