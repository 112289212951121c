/*
 * The engine: event order and ties, scheduling for "now", cancellation, the run loop's
 * limits, pool growth and the running hash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xxhash.h>

#include "sim/core/component.h"
#include "sim/core/sim.h"

/* Handlers log a[0] of each event they run. */
static uint64_t logv[20000];
static size_t nlog;

static void log_reset(void)
{
	nlog = 0;
}

static void on_log(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	(void)sim;
	assert_true(nlog < sizeof(logv) / sizeof(logv[0]));
	logv[nlog++] = ev->a[0];
}
PCISIM_EVKIND(k_log, "test.log", on_log);

static void expect_log(const uint64_t *want, size_t n)
{
	assert_int_equal(nlog, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(logv[i], want[i]);
}

static pcisim_timer at(struct pcisim_sim *sim, pcisim_time t, unsigned cls, uint64_t id)
{
	struct pcisim_event *ev = pcisim_event_new(sim, &k_log, NULL);
	ev->a[0] = id;
	return pcisim_post(sim, ev, t, cls);
}

static void sim_up(struct pcisim_sim *sim)
{
	assert_int_equal(pcisim_sim_init(sim, 1, NULL), 0);
	log_reset();
}

/* Same time: lower class first; same time and class: in scheduling order. */
static void test_order_and_ties(void **state)
{
	(void)state;
	struct pcisim_sim sim;
	sim_up(&sim);
	at(&sim, 300, PCISIM_CLASS_HOST, 1);
	at(&sim, 300, PCISIM_CLASS_HW, 2);
	at(&sim, 100, PCISIM_CLASS_LATE, 3);
	at(&sim, 300, PCISIM_CLASS_HOST, 4);
	at(&sim, 300, PCISIM_CLASS_MSG, 5);
	at(&sim, 300, PCISIM_CLASS_HW, 6);
	at(&sim, 200, PCISIM_CLASS_ACTION, 7);
	at(&sim, 300, PCISIM_CLASS_HOST, 8);
	assert_int_equal(sim.pending, 8);
	assert_int_equal(pcisim_run(&sim, PCISIM_TIME_MAX), 8);
	const uint64_t want[] = {3, 7, 2, 6, 5, 1, 4, 8};
	expect_log(want, 8);
	assert_int_equal(sim.now, 300);
	assert_int_equal(sim.pending, 0);
	pcisim_sim_free(&sim);
}

/*
 * Event 1 (class HOST at t=100) schedules for "now": a HOST event runs after the HOST
 * events already due (2), a HW event before them, an ACTION event after the ACTION
 * event already due (3).
 */
static void on_spawn_now(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	on_log(sim, ev);
	if (ev->a[0] != 1)
		return;
	pcisim_schedule(sim, 0, PCISIM_CLASS_HOST, &k_log, NULL, 10, 0);
	pcisim_schedule(sim, 0, PCISIM_CLASS_HW, &k_log, NULL, 11, 0);
	pcisim_schedule(sim, 0, PCISIM_CLASS_ACTION, &k_log, NULL, 12, 0);
	pcisim_schedule(sim, 0, PCISIM_CLASS_HOST, &k_log, NULL, 13, 0);
}
PCISIM_EVKIND(k_spawn_now, "test.spawn_now", on_spawn_now);

static void test_now_in_handler(void **state)
{
	(void)state;
	struct pcisim_sim sim;
	sim_up(&sim);
	pcisim_time t = 100;
	struct pcisim_event *ev = pcisim_event_new(&sim, &k_spawn_now, NULL);
	ev->a[0] = 1;
	pcisim_post(&sim, ev, t, PCISIM_CLASS_HOST);
	at(&sim, t, PCISIM_CLASS_HOST, 2);
	at(&sim, t, PCISIM_CLASS_ACTION, 3);
	at(&sim, t + 1, PCISIM_CLASS_HW, 4);
	assert_int_equal(pcisim_run(&sim, PCISIM_TIME_MAX), 8);
	const uint64_t want[] = {1, 11, 2, 10, 13, 3, 12, 4};
	expect_log(want, 8);
	pcisim_sim_free(&sim);
}

/* Cancelled events never run and leave no trace in the hash. */
static void test_cancel_pending(void **state)
{
	(void)state;
	struct pcisim_sim a, b;
	sim_up(&a);
	at(&a, 50, PCISIM_CLASS_HW, 1);
	pcisim_timer x = at(&a, 100, PCISIM_CLASS_HW, 2);
	at(&a, 200, PCISIM_CLASS_HW, 3);
	assert_true(pcisim_pending(&a, x));
	assert_int_equal(pcisim_when(&a, x), 100);
	assert_true(pcisim_cancel(&a, &x));
	assert_int_equal(x.slot, 0);
	assert_int_equal(x.gen, 0);
	assert_int_equal(a.pending, 2);
	assert_int_equal(pcisim_next_time(&a), 50);
	assert_int_equal(pcisim_run(&a, PCISIM_TIME_MAX), 2);
	const uint64_t want[] = {1, 3};
	expect_log(want, 2);

	sim_up(&b);
	at(&b, 50, PCISIM_CLASS_HW, 1);
	at(&b, 200, PCISIM_CLASS_HW, 3);
	assert_int_equal(pcisim_run(&b, PCISIM_TIME_MAX), 2);
	assert_int_equal(a.hash, b.hash);
	assert_int_equal(a.executed, b.executed);
	pcisim_sim_free(&a);
	pcisim_sim_free(&b);
}

/* pcisim_next_time() and pcisim_step() look past cancelled events at the head. */
static void test_cancel_head(void **state)
{
	(void)state;
	struct pcisim_sim sim;
	sim_up(&sim);
	pcisim_timer x = at(&sim, 10, PCISIM_CLASS_HW, 1);
	pcisim_timer y = at(&sim, 20, PCISIM_CLASS_HW, 2);
	at(&sim, 30, PCISIM_CLASS_HW, 3);
	assert_true(pcisim_cancel(&sim, &x));
	assert_true(pcisim_cancel(&sim, &y));
	assert_int_equal(pcisim_next_time(&sim), 30);
	assert_false(pcisim_step(&sim, 29));
	assert_true(pcisim_step(&sim, 30));
	assert_false(pcisim_step(&sim, PCISIM_TIME_MAX));
	assert_int_equal(pcisim_next_time(&sim), PCISIM_TIME_MAX);
	const uint64_t want[] = {3};
	expect_log(want, 1);
	pcisim_sim_free(&sim);
}

static void test_cancel_after_run_and_twice(void **state)
{
	(void)state;
	struct pcisim_sim sim;
	sim_up(&sim);
	pcisim_timer ran = at(&sim, 10, PCISIM_CLASS_HW, 1);
	pcisim_timer twice = at(&sim, 20, PCISIM_CLASS_HW, 2);
	pcisim_timer copy = twice;
	assert_true(pcisim_step(&sim, PCISIM_TIME_MAX));
	assert_false(pcisim_pending(&sim, ran));
	assert_int_equal(pcisim_when(&sim, ran), PCISIM_TIME_MAX);
	assert_false(pcisim_cancel(&sim, &ran)); /* already ran */
	assert_int_equal(ran.gen, 0);
	assert_true(pcisim_cancel(&sim, &twice));
	assert_false(pcisim_cancel(&sim, &twice)); /* reset to none by the first */
	assert_false(pcisim_cancel(&sim, &copy));  /* the same event, cancelled */
	pcisim_timer none = {0, 0};
	assert_false(pcisim_cancel(&sim, &none));
	pcisim_timer wild = {123456, 7};
	assert_false(pcisim_pending(&sim, wild));
	assert_false(pcisim_cancel(&sim, &wild));
	assert_int_equal(pcisim_run(&sim, PCISIM_TIME_MAX), 0);
	const uint64_t want[] = {1};
	expect_log(want, 1);
	assert_int_equal(sim.pending, 0);
	pcisim_sim_free(&sim);
}

/* A handle outlives its event; the slot is reused and the old handle must not touch it. */
static void test_stale_handle(void **state)
{
	(void)state;
	struct pcisim_sim sim;
	sim_up(&sim);
	/* Cancelled, then its tombstone drained: the slot goes back to the pool. */
	pcisim_timer old = at(&sim, 10, PCISIM_CLASS_HW, 1);
	pcisim_timer stale = old;
	assert_true(pcisim_cancel(&sim, &old));
	assert_int_equal(pcisim_run(&sim, 15), 0);
	pcisim_timer fresh = at(&sim, 20, PCISIM_CLASS_HW, 2);
	assert_int_equal(fresh.slot, stale.slot); /* reused */
	assert_true(fresh.gen != stale.gen);
	assert_false(pcisim_pending(&sim, stale));
	assert_false(pcisim_cancel(&sim, &stale));
	assert_true(pcisim_pending(&sim, fresh));

	/* Ran, then the slot is reused: the same. */
	assert_int_equal(pcisim_run(&sim, PCISIM_TIME_MAX), 1);
	pcisim_timer again = at(&sim, 30, PCISIM_CLASS_HW, 3);
	assert_int_equal(again.slot, fresh.slot);
	assert_false(pcisim_cancel(&sim, &fresh));
	assert_true(pcisim_pending(&sim, again));
	assert_int_equal(pcisim_run(&sim, PCISIM_TIME_MAX), 1);
	const uint64_t want[] = {2, 3};
	expect_log(want, 2);
	pcisim_sim_free(&sim);
}

/* A handler cancels a later event due at the same time, and one further out. */
static pcisim_timer victims[2];

static void on_cancel_others(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	on_log(sim, ev);
	assert_true(pcisim_cancel(sim, &victims[0]));
	assert_true(pcisim_cancel(sim, &victims[1]));
}
PCISIM_EVKIND(k_cancel_others, "test.cancel_others", on_cancel_others);

static void test_cancel_from_handler(void **state)
{
	(void)state;
	struct pcisim_sim sim;
	sim_up(&sim);
	struct pcisim_event *ev = pcisim_event_new(&sim, &k_cancel_others, NULL);
	ev->a[0] = 1;
	pcisim_post(&sim, ev, 100, PCISIM_CLASS_HW);
	victims[0] = at(&sim, 100, PCISIM_CLASS_HW, 2);
	at(&sim, 100, PCISIM_CLASS_HOST, 3);
	victims[1] = at(&sim, 500, PCISIM_CLASS_HW, 4);
	assert_int_equal(pcisim_run(&sim, PCISIM_TIME_MAX), 2);
	const uint64_t want[] = {1, 3};
	expect_log(want, 2);
	assert_int_equal(sim.now, 100);
	pcisim_sim_free(&sim);
}

/* pcisim_run(until): events at until run; time ends at until, or at the last event. */
static void test_run_until(void **state)
{
	(void)state;
	struct pcisim_sim sim;
	sim_up(&sim);
	at(&sim, 10, PCISIM_CLASS_HW, 1);
	at(&sim, 20, PCISIM_CLASS_HW, 2);
	at(&sim, 30, PCISIM_CLASS_HW, 3);
	assert_int_equal(pcisim_run(&sim, 20), 2);
	assert_int_equal(sim.now, 20);
	assert_int_equal(pcisim_run(&sim, 25), 0);
	assert_int_equal(sim.now, 25);
	assert_int_equal(pcisim_next_time(&sim), 30);
	/* Scheduling now at the new time still works (below a peeked head). */
	at(&sim, 26, PCISIM_CLASS_HW, 4);
	assert_int_equal(pcisim_run(&sim, PCISIM_TIME_MAX), 2);
	assert_int_equal(sim.now, 30); /* the last event, not "max" */
	const uint64_t want[] = {1, 2, 4, 3};
	expect_log(want, 4);
	/* An empty queue: time moves to until. */
	assert_int_equal(pcisim_run(&sim, 1000), 0);
	assert_int_equal(sim.now, 1000);
	pcisim_sim_free(&sim);
}

static void on_stop(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	on_log(sim, ev);
	pcisim_stop(sim);
}
PCISIM_EVKIND(k_stop, "test.stop", on_stop);

static void test_run_stop_and_step(void **state)
{
	(void)state;
	struct pcisim_sim sim;
	sim_up(&sim);
	at(&sim, 10, PCISIM_CLASS_HW, 1);
	struct pcisim_event *ev = pcisim_event_new(&sim, &k_stop, NULL);
	ev->a[0] = 2;
	pcisim_post(&sim, ev, 20, PCISIM_CLASS_HW);
	at(&sim, 30, PCISIM_CLASS_HW, 3);
	assert_int_equal(pcisim_run(&sim, 1000), 2);
	assert_int_equal(sim.now, 20); /* stopped: time stays at the stopping event */
	assert_true(pcisim_step(&sim, PCISIM_TIME_MAX));
	assert_int_equal(sim.now, 30);
	assert_false(pcisim_step(&sim, PCISIM_TIME_MAX));
	const uint64_t want[] = {1, 2, 3};
	expect_log(want, 3);
	pcisim_sim_free(&sim);
}

/* More pending events than the pool's first 1024 slots, in a random order. */
static void test_pool_growth(void **state)
{
	(void)state;
	struct pcisim_sim sim;
	struct pcisim_rng rng;
	sim_up(&sim);
	pcisim_rng_seed(&rng, 99);
	enum { N = 5000 };
	static pcisim_time when[N];
	static pcisim_timer tm[N];
	for (uint64_t i = 0; i < N; i++) {
		when[i] = 1000 + pcisim_rng_below(&rng, 400) * 1000;
		tm[i] = at(&sim, when[i], PCISIM_CLASS_HW, i);
	}
	assert_true(sim.pool_cap >= N);
	assert_int_equal(sim.pending, N);
	/* Cancel every seventh. */
	for (uint64_t i = 0; i < N; i += 7)
		assert_true(pcisim_cancel(&sim, &tm[i]));
	for (uint64_t i = 1; i < N; i += 7)
		assert_int_equal(pcisim_when(&sim, tm[i]), when[i]);
	uint64_t live = N - (N + 6) / 7;
	assert_int_equal(pcisim_run(&sim, PCISIM_TIME_MAX), live);
	assert_int_equal(nlog, live);
	for (size_t i = 1; i < nlog; i++) {
		uint64_t p = logv[i - 1], c = logv[i];
		/* by time, then scheduling order (all one class) */
		assert_true(when[p] < when[c] || (when[p] == when[c] && p < c));
	}
	for (size_t i = 0; i < nlog; i++)
		assert_true(logv[i] % 7 != 0);
	pcisim_sim_free(&sim);
}

/*
 * A handler that schedules thousands of events (the pool grows under it) and then
 * reads its own event: the record it was given stays valid.
 */
static void on_fan_out(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(k_fan_out, "test.fan_out", on_fan_out);

static void on_fan_out(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	uint64_t a1 = ev->a[1];
	for (uint64_t i = 0; i < 3000; i++)
		pcisim_schedule(sim, 1 + i, PCISIM_CLASS_HW, &k_log, NULL, 100 + i, 0);
	assert_int_equal(ev->a[1], a1);
	assert_int_equal(ev->a[2], 0xabcdef);
	assert_ptr_equal(ev->kind, &k_fan_out);
	on_log(sim, ev);
}

static void test_pool_growth_in_handler(void **state)
{
	(void)state;
	struct pcisim_sim sim;
	sim_up(&sim);
	/* Fill the first 1024 slots so the handler's events need new ones. */
	for (uint64_t i = 0; i < 1023; i++)
		at(&sim, 1000000 + i, PCISIM_CLASS_HW, 10000 + i);
	struct pcisim_event *ev = pcisim_event_new(&sim, &k_fan_out, NULL);
	ev->a[0] = 1;
	ev->a[1] = 77;
	ev->a[2] = 0xabcdef;
	pcisim_post(&sim, ev, 5, PCISIM_CLASS_HW);
	assert_int_equal(pcisim_run(&sim, PCISIM_TIME_MAX), 1 + 3000 + 1023);
	assert_int_equal(logv[0], 1);
	for (uint64_t i = 0; i < 3000; i++)
		assert_int_equal(logv[1 + i], 100 + i);
	for (uint64_t i = 0; i < 1023; i++)
		assert_int_equal(logv[3001 + i], 10000 + i);
	pcisim_sim_free(&sim);
}

/* The hash folds (time, kind code, target id or 2^32-1, a[0..3]) as LE uint64. */
static void on_nothing(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	(void)sim;
	(void)ev;
}
PCISIM_EVKIND(k_nothing, "test.nothing", on_nothing);

static uint64_t fold(uint64_t h, const uint64_t w[7])
{
	unsigned char b[56];
	for (int i = 0; i < 7; i++)
		for (int j = 0; j < 8; j++)
			b[i * 8 + j] = (unsigned char)(w[i] >> (8 * j));
	return XXH3_64bits_withSeed(b, sizeof(b), h);
}

static const struct pcisim_comp_ops dev_ops = {.type = "test-dev"};

static void test_hash_definition(void **state)
{
	(void)state;
	struct pcisim_sim sim;
	struct pcisim_comp c0, c1;
	sim_up(&sim);
	memset(&c0, 0, sizeof(c0));
	memset(&c1, 0, sizeof(c1));
	assert_int_equal(pcisim_comp_add(&sim, &c0, NULL, "dev0", &dev_ops), 0);
	assert_int_equal(pcisim_comp_add(&sim, &c1, &c0, "dev1", &dev_ops), 0);
	assert_int_equal(sim.hash, 0);

	struct pcisim_event *ev = pcisim_event_new(&sim, &k_nothing, &c1);
	ev->a[0] = 0x0102030405060708ull;
	ev->a[1] = 2;
	ev->a[2] = UINT64_MAX;
	ev->a[3] = 4;
	ev->ptr = &sim; /* never hashed */
	pcisim_post(&sim, ev, 5 * PCISIM_NS, PCISIM_CLASS_MSG);
	pcisim_schedule(&sim, 7 * PCISIM_NS, PCISIM_CLASS_HW, &k_nothing, NULL, 9, 10);
	assert_int_equal(pcisim_run(&sim, PCISIM_TIME_MAX), 2);

	uint64_t code = XXH3_64bits("test.nothing", strlen("test.nothing"));
	assert_int_equal(k_nothing.code, code);
	assert_int_equal(pcisim_name_code("test.nothing"), code);
	const uint64_t w1[7] = {5000, code, c1.id, 0x0102030405060708ull, 2, UINT64_MAX, 4};
	const uint64_t w2[7] = {7000, code, UINT32_MAX, 9, 10, 0, 0};
	uint64_t want = fold(fold(0, w1), w2);
	assert_int_equal(sim.hash, want);
	pcisim_sim_free(&sim);
}

/* The same schedule gives the same hash; a different payload does not. */
static uint64_t run_mix(uint64_t salt)
{
	struct pcisim_sim sim;
	struct pcisim_rng rng;
	sim_up(&sim);
	pcisim_rng_seed(&rng, 5);
	for (uint64_t i = 0; i < 2000; i++)
		pcisim_schedule(&sim, pcisim_rng_below(&rng, 50) * PCISIM_NS,
				(unsigned)pcisim_rng_below(&rng, 16), &k_log, NULL, i, i == 1000 ? salt : 0);
	pcisim_run(&sim, PCISIM_TIME_MAX);
	uint64_t h = sim.hash;
	pcisim_sim_free(&sim);
	return h;
}

static void test_hash_deterministic(void **state)
{
	(void)state;
	uint64_t a = run_mix(0), b = run_mix(0), c = run_mix(1);
	assert_int_equal(a, b);
	assert_true(a != c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_ties),
		cmocka_unit_test(test_now_in_handler),
		cmocka_unit_test(test_cancel_pending),
		cmocka_unit_test(test_cancel_head),
		cmocka_unit_test(test_cancel_after_run_and_twice),
		cmocka_unit_test(test_stale_handle),
		cmocka_unit_test(test_cancel_from_handler),
		cmocka_unit_test(test_run_until),
		cmocka_unit_test(test_run_stop_and_step),
		cmocka_unit_test(test_pool_growth),
		cmocka_unit_test(test_pool_growth_in_handler),
		cmocka_unit_test(test_hash_definition),
		cmocka_unit_test(test_hash_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
