/*
 * Snapshots of a running simulation (sim/core/snapshot.h): for every shipped scenario
 * (tests/scenario-hashes.txt), a snapshot is taken at every 10th event; the next ten
 * events run, the snapshot is restored, and the same ten events must run again with
 * the same records, byte for byte, and the same hash; the run then goes on from
 * there. At the 10th event and half way through, the run also goes on to the end
 * from the snapshot (the verdict included) before it is restored. The final trace,
 * verdict and hash must be those of an uninterrupted run, whose hash must be the
 * recorded one. Also: the heap puts back freed and reallocated blocks, and a
 * snapshot restored twice gives the same run twice.
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

#include "replay/fuzz.h"
#include "replay/register.h"
#include <jansson.h>
#include "replay/runner.h"
#include "sim/core/heap.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/snapshot.h"
#include "sim/core/trace.h"

/* ---- the heap alone ---- */

static void heap_restores_blocks(void **state)
{
	(void)state;
	struct pcisim_heap *h = pcisim_heap_new();
	assert_non_null(h);
	struct pcisim_heap *prev = pcisim_heap_enter(h);
	char *a = pcisim_strdup("before");
	char *b = pcisim_malloc(100);
	strcpy(b, "kept");
	size_t n = pcisim_heap_used(h);
	struct pcisim_heap_image *img = pcisim_heap_image_take(h);
	/* after the snapshot: a freed, a grown, a new block */
	pcisim_free(a);
	b = pcisim_realloc(b, 5000);
	strcat(b, " and grown");
	char *c = pcisim_strdup("after");
	assert_true(pcisim_heap_used(h) > n);
	pcisim_heap_image_restore(h, img);
	assert_int_equal(pcisim_heap_used(h), n);
	assert_string_equal(a, "before");
	/* the block freed since is in use again: the next one of its size is another */
	char *d = pcisim_strdup("x");
	assert_ptr_not_equal(d, a);
	(void)c;
	pcisim_heap_leave(prev);
	/* no heap current: the C library */
	char *e = pcisim_strdup("libc");
	pcisim_free(e);
	pcisim_heap_image_free(img);
	pcisim_heap_delete(h);
}

/* A large free block's contents are no part of an image; the blocks around it are. */
static void heap_image_skips_free_blocks(void **state)
{
	(void)state;
	struct pcisim_heap *h = pcisim_heap_new();
	assert_non_null(h);
	struct pcisim_heap *prev = pcisim_heap_enter(h);
	char *a = pcisim_strdup("below");
	char *big = pcisim_malloc(20000);
	memset(big, 'x', 20000);
	char *c = pcisim_strdup("above");
	pcisim_free(big);
	struct pcisim_heap_image *img = pcisim_heap_image_take(h);
	assert_true(pcisim_heap_image_bytes(img) < pcisim_heap_used(h) - 19000);
	strcpy(a, "BELOW");
	strcpy(c, "ABOVE");
	char *again = pcisim_malloc(20000); /* the freed block, taken again */
	assert_ptr_equal(again, big);
	pcisim_heap_image_restore(h, img);
	assert_string_equal(a, "below");
	assert_string_equal(c, "above");
	/* free again after the restore: its list link came back with the image */
	assert_ptr_equal(pcisim_malloc(20000), big);
	assert_true(pcisim_malloc(20000) != big);
	pcisim_heap_leave(prev);
	pcisim_heap_image_free(img);
	pcisim_heap_delete(h);
}

/* Constants: one copy per distinct bytes, outside the region, untouched by restores. */
static void heap_constants(void **state)
{
	(void)state;
	unsigned char bytes[4096];
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)(i * 7);
	assert_null(pcisim_heap_constant(bytes, sizeof(bytes))); /* no heap current */
	struct pcisim_heap *h = pcisim_heap_new();
	assert_non_null(h);
	struct pcisim_heap *prev = pcisim_heap_enter(h);
	size_t before = pcisim_heap_used(h);
	const unsigned char *k = pcisim_heap_constant(bytes, sizeof(bytes));
	assert_non_null(k);
	assert_memory_equal(k, bytes, sizeof(bytes));
	assert_int_equal(pcisim_heap_used(h), before); /* not in the region */
	struct pcisim_heap_image *img = pcisim_heap_image_take(h);
	assert_ptr_equal(pcisim_heap_constant(bytes, sizeof(bytes)), k);
	bytes[100] ^= 1;
	const unsigned char *k2 = pcisim_heap_constant(bytes, sizeof(bytes));
	assert_ptr_not_equal(k2, k);
	pcisim_heap_image_restore(h, img);
	size_t count = 0;
	assert_int_equal(pcisim_heap_constant_bytes(h, &count), 2 * sizeof(bytes));
	assert_int_equal(count, 2);
	assert_ptr_equal(pcisim_heap_constant(bytes, sizeof(bytes)), k2);
	pcisim_heap_leave(prev);
	pcisim_heap_image_free(img);
	pcisim_heap_delete(h);
}

/* ---- every shipped scenario ---- */

struct text {
	char *s;
	size_t n, cap;
};

static void text_add(struct text *t, const char *s)
{
	size_t l = strlen(s);
	if (t->n + l + 2 > t->cap) {
		t->cap = (t->n + l + 2) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	memcpy(t->s + t->n, s, l);
	t->n += l;
	t->s[t->n++] = '\n';
	t->s[t->n] = 0;
}

struct text_sink {
	struct pcisim_sink sink;
	struct text *t;
};

static void text_emit(struct pcisim_sink *s, const struct pcisim_record *r)
{
	char buf[4096];
	pcisim_record_format(r, buf, sizeof(buf));
	text_add(((struct text_sink *)s)->t, buf);
}

struct run {
	struct pcisim_scenario sc;
	struct pcisim_sim sim;
	struct pcisim_diag d;
	struct text text;
	pcisim_time until;
};

static void run_start(struct run *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	pcisim_diag_init(&r->d, stderr);
	assert_int_equal(pcisim_scenario_load(&r->sc, path, &r->d), 0);
	r->until = r->sc.has_until ? r->sc.until : PCISIM_DEFAULT_UNTIL;
	assert_int_equal(pcisim_sim_init(&r->sim, r->sc.seed, &r->d), 0);
	struct pcisim_trace *tr = pcisim_trace_attach(&r->sim, false);
	struct text_sink *ts = calloc(1, sizeof(*ts));
	assert_non_null(ts);
	ts->sink.emit = text_emit;
	ts->t = &r->text;
	pcisim_trace_add_sink(tr, &ts->sink);
	assert_int_equal(pcisim_scenario_instantiate(&r->sim, &r->sc, NULL, NULL, &r->d), 0);
	r->sim.stopping = false;
}

/* The rest of the run, as pcisim simulate ends it: the sim.end record, the verdict. */
static void run_finish(struct run *r)
{
	if (!r->sim.stopping)
		pcisim_run(&r->sim, r->until);
	const char *reason = r->sim.stopping ? "stopped"
			     : pcisim_next_time(&r->sim) == PCISIM_TIME_MAX ? "idle"
									     : "time limit";
	PCISIM_RECORD(&r->sim, NULL, "sim.end", PCISIM_FU("events", r->sim.executed),
		      PCISIM_FS("reason", reason));
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	pcisim_scenario_check(&r->sim, &r->sc, m, true);
	fprintf(m, "hash %016llx", (unsigned long long)r->sim.hash);
	fclose(m);
	text_add(&r->text, buf);
	free(buf);
}

static void run_free(struct run *r)
{
	pcisim_sim_free(&r->sim);
	pcisim_scenario_free(&r->sc);
	free(r->text.s);
}

/* One event, as pcisim_run would run it; false when the run is over. */
static bool step(struct run *r)
{
	return !r->sim.stopping && pcisim_step(&r->sim, r->until);
}

static void scenario_restores(const char *path, uint64_t golden)
{
	/* the uninterrupted run */
	struct run ref;
	run_start(&ref, path);
	run_finish(&ref);
	uint64_t ref_hash = ref.sim.hash, ref_events = ref.sim.executed;
	if (ref_hash != golden)
		fail_msg("%s: hash %016llx, recorded %016llx", path, (unsigned long long)ref_hash,
			 (unsigned long long)golden);

	struct run r;
	run_start(&r, path);
	uint64_t long_at[2] = {10, ref_events / 2 / 10 * 10};
	bool more = true;
	while (more) {
		struct pcisim_snapshot *snap = pcisim_snapshot_take(&r.sim);
		size_t len0 = r.text.n;
		uint64_t at = r.sim.executed;
		if (at == long_at[0] || at == long_at[1]) {
			/* on to the end and back: the whole future from here */
			run_finish(&r);
			if (r.text.n != ref.text.n || memcmp(r.text.s, ref.text.s, ref.text.n))
				fail_msg("%s: the run on from the snapshot at event %llu differs from the uninterrupted run",
					 path, (unsigned long long)at);
			pcisim_snapshot_restore(&r.sim, snap);
			r.text.n = len0;
		}
		/* ten events, back, the same ten events again */
		do
			more = step(&r);
		while (more && r.sim.executed % 10);
		uint64_t h1 = r.sim.hash, e1 = r.sim.executed;
		pcisim_time t1 = r.sim.now;
		size_t len1 = r.text.n;
		char *seg = strndup(r.text.s + len0, len1 - len0);
		pcisim_snapshot_restore(&r.sim, snap);
		r.text.n = len0;
		assert_int_equal(r.sim.executed, at);
		bool again;
		do
			again = step(&r);
		while (again && r.sim.executed % 10);
		if (again != more || r.sim.hash != h1 || r.sim.executed != e1 || r.sim.now != t1 ||
		    r.text.n != len1 || memcmp(r.text.s + len0, seg, len1 - len0))
			fail_msg("%s: events %llu..%llu after a restore differ from the first time:\n%s---\n%.*s",
				 path, (unsigned long long)at, (unsigned long long)e1, seg,
				 (int)(r.text.n - len0), r.text.s + len0);
		free(seg);
		pcisim_snapshot_free(snap);
	}
	run_finish(&r);
	assert_int_equal(r.sim.executed, ref_events);
	if (r.text.n != ref.text.n || memcmp(r.text.s, ref.text.s, ref.text.n))
		fail_msg("%s: the trace with restores differs from the uninterrupted run", path);
	assert_int_equal(r.sim.hash, ref_hash);
	run_free(&r);
	run_free(&ref);
}

static void every_scenario(void **state)
{
	(void)state;
	FILE *f = fopen(PCISIM_SOURCE_DIR "/tests/scenario-hashes.txt", "r");
	assert_non_null(f);
	char line[1024];
	unsigned n = 0;
	while (fgets(line, sizeof(line), f)) {
		char file[900];
		unsigned long long h;
		if (line[0] == '#' || sscanf(line, "%899s %llx", file, &h) != 2)
			continue;
		char path[1000];
		snprintf(path, sizeof(path), "%s/%s", PCISIM_SOURCE_DIR, file);
		scenario_restores(path, h);
		n++;
	}
	fclose(f);
	assert_true(n >= 40);
}

/* A snapshot restored twice gives the same future twice, whatever ran in between. */
static void restore_twice(void **state)
{
	(void)state;
	struct run r;
	run_start(&r, PCISIM_SOURCE_DIR "/scenarios/pds-migration-race.yaml");
	for (int i = 0; i < 50; i++)
		step(&r);
	struct pcisim_snapshot *snap = pcisim_snapshot_take(&r.sim);
	assert_true(pcisim_snapshot_bytes(snap) > 0);
	size_t len0 = r.text.n;
	run_finish(&r);
	char *first = strdup(r.text.s + len0);
	pcisim_snapshot_restore(&r.sim, snap);
	r.text.n = len0;
	run_finish(&r);
	assert_string_equal(r.text.s + len0, first);
	pcisim_snapshot_restore(&r.sim, snap);
	r.text.n = len0;
	run_finish(&r);
	assert_string_equal(r.text.s + len0, first);
	free(first);
	pcisim_snapshot_free(snap);
	run_free(&r);
}

/*
 * Fuzz runs from the snapshot of the built machine give exactly the results of runs
 * that build their own (signature, hash, events, records, every choice, step times):
 * a campaign's findings are a function of these, so they are the same too. A run
 * that is unhashed and drops its choices, as a random campaign's are, is the same
 * run: only its hash (0), its record count (records nothing watched were not made)
 * and its choices (none kept) differ.
 */
/* Load @file into @sc; @proto as a fuzz run of it (random, reordered, jittered). */
static void fuzz_proto(const char *file, struct pcisim_scenario *sc, struct pcisim_run_spec *proto,
		       struct pcisim_diag *d)
{
	assert_int_equal(pcisim_scenario_load(sc, file, d), 0);
	pcisim_run_spec_init(proto, sc);
	proto->policy = PCISIM_POLICY_RANDOM;
	proto->order = proto->jitter = true;
}

static void fuzz_runs_from_snapshot(const char *file, uint64_t runs, bool both)
{
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	struct pcisim_scenario sc;
	struct pcisim_run_spec proto;
	fuzz_proto(file, &sc, &proto, &d);
	struct pcisim_run_base *base = pcisim_run_base_new(&proto, &d);
	assert_non_null(base);
	unsigned failing = 0;
	for (uint64_t r = 0; r < runs; r++) {
		struct pcisim_run_result a, b, u;
		struct pcisim_run_spec s1 = proto, s2 = proto, s3 = proto;
		char purpose[32];
		snprintf(purpose, sizeof(purpose), "run %llu", (unsigned long long)r);
		pcisim_rng_stream(&s1.rng, 7, "fuzz", purpose);
		pcisim_rng_stream(&s2.rng, 7, "fuzz", purpose);
		pcisim_rng_stream(&s3.rng, 7, "fuzz", purpose);
		s3.unhashed = s3.drop_choices = true;
		assert_int_equal(pcisim_run_scenario(&s1, &a, &d), 0);
		assert_int_equal(pcisim_run_from(base, &s3, &u, &d), 0);
		assert_string_equal(a.signature, u.signature);
		assert_int_equal(u.hash, 0);
		assert_int_equal(a.events, u.events);
		assert_int_equal(a.now, u.now);
		assert_int_equal(u.nchoices, 0);
		for (size_t i = 0; i < sc.nsteps; i++)
			assert_int_equal(a.step_at[i], u.step_at[i]);
		pcisim_run_result_free(&u);
		assert_int_equal(pcisim_run_from(base, &s2, &b, &d), 0);
		assert_string_equal(a.signature, b.signature);
		assert_int_equal(a.hash, b.hash);
		assert_int_equal(a.events, b.events);
		assert_int_equal(a.records, b.records);
		assert_int_equal(a.now, b.now);
		assert_int_equal(a.nchoices, b.nchoices);
		for (size_t i = 0; i < a.nchoices; i++) {
			assert_int_equal(a.choices[i].choice, b.choices[i].choice);
			assert_memory_equal(a.choices[i].a, b.choices[i].a, sizeof(a.choices[i].a));
			assert_string_equal(a.choices[i].kind ? a.choices[i].kind : "",
					    b.choices[i].kind ? b.choices[i].kind : "");
		}
		for (size_t i = 0; i < sc.nsteps; i++)
			assert_int_equal(a.step_at[i], b.step_at[i]);
		failing += a.signature[0] != 0;
		pcisim_run_result_free(&a);
		pcisim_run_result_free(&b);
	}
	/* both outcomes were among the runs compared (where the scenario has both) */
	if (both)
		assert_true(failing > 0 && failing < runs);
	pcisim_run_base_free(base);
	pcisim_scenario_free(&sc);
}

static void fuzz_pds_from_snapshot(void **state)
{
	(void)state;
	fuzz_runs_from_snapshot(PCISIM_SOURCE_DIR "/scenarios/pds-migration-fuzz.yaml", 300, true);
}

static void fuzz_eeh_from_snapshot(void **state)
{
	(void)state;
	fuzz_runs_from_snapshot(PCISIM_SOURCE_DIR "/scenarios/eeh-fuzz.yaml", 40, false);
}

/*
 * A campaign's base runs the events every run shares once (the boot at time 0, up to
 * the first step or choice): a run from it, as pcisim fuzz makes them (unhashed, no
 * choices kept), ends exactly as the same run building its own machine, hashed and
 * recording every choice. A run that plays a subset of the steps (swarm) starts from
 * the built machine and ends the same way too. Hashed runs from a hashed base end
 * with the same trace hash: every event at the same time, in the same order.
 */
static void runs_share_prefix(const char *file, uint64_t runs, uint64_t min_shared, bool hashed)
{
	struct pcisim_diag d;
	FILE *quiet = fopen("/dev/null", "w"); /* the machines' warnings, once per run */
	assert_non_null(quiet);
	pcisim_diag_init(&d, quiet);
	struct pcisim_scenario sc;
	struct pcisim_run_spec proto;
	fuzz_proto(file, &sc, &proto, &d);
	proto.unhashed = !hashed;
	proto.drop_choices = true;
	struct pcisim_run_base *base = pcisim_run_base_new(&proto, &d);
	assert_non_null(base);
	assert_true(pcisim_run_base_shared_events(base) >= min_shared);
	bool *on = calloc(sc.nsteps + 1, sizeof(*on));
	assert_non_null(on);
	for (uint64_t r = 0; r < runs; r++) {
		struct pcisim_run_result a, u;
		struct pcisim_run_spec s1 = proto, s2 = proto;
		char purpose[32];
		snprintf(purpose, sizeof(purpose), "run %llu", (unsigned long long)r);
		pcisim_rng_stream(&s1.rng, 11, "fuzz", purpose);
		pcisim_rng_stream(&s2.rng, 11, "fuzz", purpose);
		s1.unhashed = !hashed;
		s1.drop_choices = false;
		if (r % 4 == 3) { /* a swarm's subset: every other fault */
			for (size_t i = 0; i < sc.nsteps; i++)
				on[i] = !sc.steps[i].fault || (i + r) % 2;
			s1.step_on = s2.step_on = on;
		}
		assert_int_equal(pcisim_run_scenario(&s1, &a, &d), 0);
		assert_int_equal(pcisim_run_from(base, &s2, &u, &d), 0);
		assert_string_equal(a.signature, u.signature);
		assert_int_equal(a.events, u.events);
		assert_int_equal(a.now, u.now);
		assert_string_equal(a.reason, u.reason);
		if (hashed)
			assert_int_equal(a.hash, u.hash);
		if (r % 4 != 3)
			assert_int_equal(u.ran + pcisim_run_base_shared_events(base), u.events);
		for (size_t i = 0; i < sc.nsteps; i++)
			assert_int_equal(a.step_at[i], u.step_at[i]);
		pcisim_run_result_free(&a);
		pcisim_run_result_free(&u);
	}
	free(on);
	pcisim_run_base_free(base);
	pcisim_scenario_free(&sc);
	fclose(quiet);
}

/*
 * The campaigns, unhashed as fuzz runs them (more runs) and hashed; pds-migration-race's
 * prefix ends before an event that asks for a latency (pciehp's boot), the others' at
 * a step due at 0 s.
 */
static void shared_prefix_campaigns(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		uint64_t unhashed_runs, hashed_runs, min_shared;
	} c[] = {
		{PCISIM_SOURCE_DIR "/scenarios/pds-migration-fuzz.yaml", 200, 60, 20},
		{PCISIM_SOURCE_DIR "/scenarios/pds-migration-race.yaml", 0, 60, 20},
		{PCISIM_SOURCE_DIR "/scenarios/cxl-fuzz.yaml", 60, 30, 1},
		{PCISIM_SOURCE_DIR "/scenarios/fm-target-fuzz.yaml", 60, 30, 2},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (c[i].unhashed_runs)
			runs_share_prefix(c[i].file, c[i].unhashed_runs, c[i].min_shared, false);
		runs_share_prefix(c[i].file, c[i].hashed_runs, c[i].min_shared, true);
	}
}

/* A campaign's findings as JSON text: what must not depend on timing or processes. */
static char *findings(enum pcisim_fuzz_strategy st, unsigned jobs, uint64_t runs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct pcisim_fuzz_opts o = {.runs = runs, .has_runs = true, .jobs = jobs, .json = true,
				     .no_minimise = true, .out = out, .strategy = st};
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	pcisim_fuzz(PCISIM_SOURCE_DIR "/scenarios/pds-migration-fuzz.yaml", &o, &d);
	fclose(out);
	json_t *j = json_loads(buf, 0, NULL);
	assert_non_null(j);
	json_t *keep = json_object();
	for (const char *const *k = (const char *const[]){"runs", "failing_runs", "strategy", "corpus", "features", NULL}; *k; k++)
		if (json_object_get(j, *k))
			json_object_set(keep, *k, json_object_get(j, *k));
	json_t *sigs = json_array();
	json_t *a = json_object_get(j, "signatures");
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *x = json_array_get(a, i), *y = json_object();
		json_object_set(y, "signature", json_object_get(x, "signature"));
		json_object_set(y, "runs", json_object_get(x, "runs"));
		json_object_set(y, "first_run", json_object_get(x, "first_run"));
		json_array_append_new(sigs, y);
	}
	json_object_set_new(keep, "signatures", sigs);
	char *txt = json_dumps(keep, JSON_SORT_KEYS);
	json_decref(keep);
	json_decref(j);
	free(buf);
	return txt;
}

/* guided: the same campaign seed gives the same corpus and findings; it finds the race */
static void guided_is_deterministic(void **state)
{
	(void)state;
	char *a = findings(PCISIM_STRATEGY_GUIDED, 1, 400), *b = findings(PCISIM_STRATEGY_GUIDED, 1, 400);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "\"strategy\": \"guided\""));
	assert_non_null(strstr(a, "Bad config data: i=0x6e"));
	assert_null(strstr(a, "\"corpus\": 0,"));
	free(a);
	free(b);
}

/* swarm: run r is the same run in a worker process (two workers give one process's findings) */
static void swarm_same_with_workers(void **state)
{
	(void)state;
	char *a = findings(PCISIM_STRATEGY_SWARM, 1, 400), *b = findings(PCISIM_STRATEGY_SWARM, 2, 400);
	assert_string_equal(a, b);
	char *r = findings(PCISIM_STRATEGY_RANDOM, 1, 400);
	assert_string_not_equal(a, r); /* swarm's runs are not random's */
	free(a);
	free(b);
	free(r);
}

int main(void)
{
	pcisim_register_all();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(heap_restores_blocks),
		cmocka_unit_test(heap_image_skips_free_blocks),
		cmocka_unit_test(heap_constants),
		cmocka_unit_test(restore_twice),
		cmocka_unit_test(fuzz_pds_from_snapshot),
		cmocka_unit_test(fuzz_eeh_from_snapshot),
		cmocka_unit_test(shared_prefix_campaigns),
		cmocka_unit_test(guided_is_deterministic),
		cmocka_unit_test(swarm_same_with_workers),
		cmocka_unit_test(every_scenario),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
