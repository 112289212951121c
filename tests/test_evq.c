/*
 * The event queue on its own: order, ties, keys below the queued ones, and a long
 * randomized comparison against a sorted reference.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/core/evq.h"
#include "sim/core/rng.h"

static struct pcisim_evq_key key(uint64_t time, unsigned cls, uint64_t seq, uint32_t slot)
{
	return (struct pcisim_evq_key){time, pcisim_evq_tie(cls, seq, slot)};
}

static void push_key(struct pcisim_evq *q, struct pcisim_evq_key k)
{
	assert_int_equal(pcisim_evq_push(q, k.time, k.tie), 0);
}

static void expect_pop(struct pcisim_evq *q, struct pcisim_evq_key want)
{
	struct pcisim_evq_key got;
	assert_true(pcisim_evq_pop(q, &got));
	assert_int_equal(got.time, want.time);
	assert_int_equal(got.tie, want.tie);
}

static void test_tie_fields(void **state)
{
	(void)state;
	uint64_t tie = pcisim_evq_tie(14, PCISIM_EVQ_SEQ_MAX, PCISIM_EVQ_SLOT_MAX);
	assert_int_equal(pcisim_evq_tie_class(tie), 14);
	assert_int_equal(pcisim_evq_tie_seq(tie), PCISIM_EVQ_SEQ_MAX);
	assert_int_equal(pcisim_evq_tie_slot(tie), PCISIM_EVQ_SLOT_MAX);
	tie = pcisim_evq_tie(4, 12345, 77);
	assert_int_equal(pcisim_evq_tie_class(tie), 4);
	assert_int_equal(pcisim_evq_tie_seq(tie), 12345);
	assert_int_equal(pcisim_evq_tie_slot(tie), 77);
	/* Class outranks seq, seq outranks slot. */
	assert_true(pcisim_evq_tie(4, 1000, 9) < pcisim_evq_tie(6, 0, 0));
	assert_true(pcisim_evq_tie(4, 1, 999) < pcisim_evq_tie(4, 2, 0));
}

static void test_empty(void **state)
{
	(void)state;
	struct pcisim_evq q;
	struct pcisim_evq_key k;
	assert_int_equal(pcisim_evq_init(&q, 0), 0);
	assert_true(pcisim_evq_empty(&q));
	assert_int_equal(pcisim_evq_size(&q), 0);
	assert_false(pcisim_evq_pop(&q, &k));
	assert_false(pcisim_evq_peek(&q, &k));
	assert_false(pcisim_evq_pop_until(&q, UINT64_MAX, &k));
	pcisim_evq_free(&q);
}

/* Same time: lower class first; same time and class: scheduling order. */
static void test_ties(void **state)
{
	(void)state;
	struct pcisim_evq q;
	assert_int_equal(pcisim_evq_init(&q, 0), 0);
	struct pcisim_evq_key in[] = {
		key(500, 8, 0, 10), key(500, 4, 1, 11), key(500, 8, 2, 12), key(100, 14, 3, 13),
		key(500, 4, 4, 14), key(500, 6, 5, 15), key(900, 4, 6, 16), key(500, 8, 7, 17),
	};
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		push_key(&q, in[i]);
	assert_int_equal(pcisim_evq_size(&q), 8);
	expect_pop(&q, in[3]); /* t=100 */
	expect_pop(&q, in[1]); /* t=500 class 4, seq 1 */
	expect_pop(&q, in[4]); /* class 4, seq 4 */
	expect_pop(&q, in[5]); /* class 6 */
	expect_pop(&q, in[0]); /* class 8, seq 0 */
	expect_pop(&q, in[2]); /* class 8, seq 2 */
	expect_pop(&q, in[7]); /* class 8, seq 7 */
	expect_pop(&q, in[6]); /* t=900 */
	assert_true(pcisim_evq_empty(&q));
	pcisim_evq_free(&q);
}

/*
 * While a popped key is being handled, keys at its time may be pushed that are smaller
 * than everything still queued (a lower class), or land among the queued ones.
 */
static void test_push_at_popped_time(void **state)
{
	(void)state;
	struct pcisim_evq q;
	assert_int_equal(pcisim_evq_init(&q, 0), 0);
	uint64_t seq = 0;
	push_key(&q, key(1000, 8, seq++, 1));
	push_key(&q, key(1000, 8, seq++, 2));
	push_key(&q, key(1000, 10, seq++, 3));
	push_key(&q, key(5000, 4, seq++, 4));
	expect_pop(&q, key(1000, 8, 0, 1));
	/* The handler schedules for "now": class 4 runs next, class 8 after seq 1. */
	struct pcisim_evq_key lo = key(1000, 4, seq++, 5), same = key(1000, 8, seq++, 6);
	push_key(&q, same);
	push_key(&q, lo);
	expect_pop(&q, lo);
	expect_pop(&q, key(1000, 8, 1, 2));
	expect_pop(&q, same);
	expect_pop(&q, key(1000, 10, 2, 3));
	expect_pop(&q, key(5000, 4, 3, 4));
	assert_true(pcisim_evq_empty(&q));
	pcisim_evq_free(&q);
}

static bool all_dead(void *ctx, uint64_t tie)
{
	(void)ctx;
	(void)tie;
	return true;
}

/* A peek moves the queue's base forward; a later push below it still comes out first. */
static void test_push_below_peeked(void **state)
{
	(void)state;
	struct pcisim_evq q;
	struct pcisim_evq_key k;
	assert_int_equal(pcisim_evq_init(&q, 0), 0);
	uint64_t seq = 0;
	for (uint64_t t = 0; t < 40; t++)
		push_key(&q, key(1000000 + t * 977, 8, seq++, (uint32_t)t));
	assert_true(pcisim_evq_peek(&q, &k));
	assert_int_equal(k.time, 1000000);
	/* pop_until stops before the first key and removes nothing. */
	assert_false(pcisim_evq_pop_until(&q, 999999, &k));
	assert_int_equal(pcisim_evq_size(&q), 40);
	push_key(&q, key(500, 8, seq++, 100));
	push_key(&q, key(999999, 4, seq++, 101));
	push_key(&q, key(500, 4, seq++, 102));
	expect_pop(&q, key(500, 4, 42, 102));
	expect_pop(&q, key(500, 8, 40, 100));
	expect_pop(&q, key(999999, 4, 41, 101));
	for (uint64_t t = 0; t < 40; t++)
		expect_pop(&q, key(1000000 + t * 977, 8, t, (uint32_t)t));
	assert_true(pcisim_evq_empty(&q));

	/* Emptied by a sweep after a peek: the next push may lie below the old base. */
	for (uint64_t t = 0; t < 40; t++)
		push_key(&q, key(3000000 + t * 3, 8, seq++, (uint32_t)t)); /* one bucket */
	assert_true(pcisim_evq_peek(&q, &k));
	push_key(&q, key(2000000, 8, seq++, 200)); /* below the base: kept apart */
	assert_true(pcisim_evq_find_slot(&q, 200, &k));
	assert_int_equal(k.time, 2000000);
	assert_false(pcisim_evq_find_slot(&q, 12345, &k));
	assert_int_equal(pcisim_evq_remove_if(&q, all_dead, NULL), 41);
	assert_true(pcisim_evq_empty(&q));
	push_key(&q, key(2500000, 8, seq++, 300));
	push_key(&q, key(2400000, 8, seq++, 301));
	expect_pop(&q, key(2400000, 8, seq - 1, 301));
	expect_pop(&q, key(2500000, 8, seq - 2, 300));
	assert_true(pcisim_evq_empty(&q));
	pcisim_evq_free(&q);
}

/* Many keys at one time (a burst larger than any bucket), then the extremes of time. */
static void test_bursts_and_extremes(void **state)
{
	(void)state;
	struct pcisim_evq q;
	assert_int_equal(pcisim_evq_init(&q, 0), 0);
	uint64_t seq = 0;
	/* Seq runs downwards against class so the heap inside has work to do. */
	for (uint32_t i = 0; i < 3000; i++)
		push_key(&q, key(123456789, 14 - (i % 6) * 2, seq++, i));
	push_key(&q, key(UINT64_MAX, 4, seq++, 5000));
	push_key(&q, key(UINT64_MAX - 1, 4, seq++, 5001));
	push_key(&q, key(0, 4, seq++, 5002));
	expect_pop(&q, key(0, 4, 3002, 5002));
	for (unsigned cls = 4; cls <= 14; cls += 2)
		for (uint32_t i = 0; i < 3000; i++)
			if (14 - (i % 6) * 2 == cls)
				expect_pop(&q, key(123456789, cls, i, i));
	expect_pop(&q, key(UINT64_MAX - 1, 4, 3001, 5001));
	expect_pop(&q, key(UINT64_MAX, 4, 3000, 5000));
	assert_true(pcisim_evq_empty(&q));
	pcisim_evq_free(&q);
}

static void test_replace_min(void **state)
{
	(void)state;
	struct pcisim_evq q;
	assert_int_equal(pcisim_evq_init(&q, 0), 0);
	push_key(&q, key(10, 4, 0, 0));
	push_key(&q, key(20, 4, 1, 1));
	assert_int_equal(pcisim_evq_replace_min(&q, 15, pcisim_evq_tie(4, 2, 2)), 0);
	assert_int_equal(pcisim_evq_size(&q), 2);
	expect_pop(&q, key(15, 4, 2, 2));
	expect_pop(&q, key(20, 4, 1, 1));
	pcisim_evq_free(&q);
}

/* ---- the randomized comparison ---- */

struct ref {
	struct pcisim_evq_key *k; /* sorted descending: the minimum is last */
	size_t n, cap;
};

static int key_cmp(const struct pcisim_evq_key *a, const struct pcisim_evq_key *b)
{
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if (a->tie != b->tie)
		return a->tie < b->tie ? -1 : 1;
	return 0;
}

static void ref_push(struct ref *r, struct pcisim_evq_key k)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->k = realloc(r->k, r->cap * sizeof(*r->k));
		assert_non_null(r->k);
	}
	size_t lo = 0, hi = r->n; /* first index whose key is smaller than k */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (key_cmp(&r->k[mid], &k) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&r->k[lo + 1], &r->k[lo], (r->n - lo) * sizeof(*r->k));
	r->k[lo] = k;
	r->n++;
}

static bool dead_odd_seq(void *ctx, uint64_t tie)
{
	(void)ctx;
	return pcisim_evq_tie_seq(tie) % 7 == 3;
}

/*
 * 100k random operations, checked step by step against a sorted array: pushes at
 * the current time or later with delays from 0 to 2^60 (clustered, spread, and in
 * same-time bursts, in random classes), pops, pop_until with random limits, peeks
 * followed by pushes below the peeked key, and now and then a removal sweep.
 */
static void test_random_against_reference(void **state)
{
	(void)state;
	struct pcisim_evq q;
	struct ref r = {0};
	struct pcisim_rng rng;
	assert_int_equal(pcisim_evq_init(&q, 0), 0);
	pcisim_rng_stream(&rng, 42, "tests/evq", "random");

	uint64_t now = 0, seq = 0;
	uint32_t slot = 0;
	for (int op = 0; op < 100000; op++) {
		uint64_t what = pcisim_rng_below(&rng, 100);
		if (what < 52 || r.n == 0) {
			/* push, sometimes a burst of several at one time */
			uint64_t n = pcisim_rng_below(&rng, 10) == 0 ? 1 + pcisim_rng_below(&rng, 40) : 1;
			uint64_t shape = pcisim_rng_below(&rng, 8), d;
			if (shape == 0)
				d = 0;
			else if (shape < 4)
				d = pcisim_rng_below(&rng, 2000);
			else if (shape < 7)
				d = 100000 + pcisim_rng_below(&rng, 10000000);
			else
				d = pcisim_rng_next(&rng) >> (4 + pcisim_rng_below(&rng, 60));
			uint64_t t = now + d < now ? UINT64_MAX : now + d;
			for (uint64_t i = 0; i < n; i++) {
				unsigned cls = (unsigned)pcisim_rng_below(&rng, 16);
				struct pcisim_evq_key k = key(t, cls, seq++, slot++ & PCISIM_EVQ_SLOT_MAX);
				push_key(&q, k);
				ref_push(&r, k);
			}
		} else if (what < 90) {
			struct pcisim_evq_key got;
			assert_true(pcisim_evq_pop(&q, &got));
			struct pcisim_evq_key want = r.k[--r.n];
			assert_int_equal(got.time, want.time);
			assert_int_equal(got.tie, want.tie);
			now = got.time;
		} else if (what < 95) {
			/* pop_until with a limit around the next key */
			struct pcisim_evq_key got, want = r.k[r.n - 1];
			uint64_t until = want.time + pcisim_rng_below(&rng, 3) - 1;
			if (want.time == 0 && until == UINT64_MAX)
				until = 0;
			bool ok = pcisim_evq_pop_until(&q, until, &got);
			assert_int_equal(ok, want.time <= until);
			if (ok) {
				r.n--;
				assert_int_equal(got.time, want.time);
				assert_int_equal(got.tie, want.tie);
				now = got.time;
			}
		} else if (what < 99) {
			/* peek, then push between now and the peeked key (the "run until" case) */
			struct pcisim_evq_key got, want = r.k[r.n - 1];
			assert_true(pcisim_evq_peek(&q, &got));
			assert_int_equal(got.time, want.time);
			assert_int_equal(got.tie, want.tie);
			if (want.time > now) {
				uint64_t t = now + pcisim_rng_below(&rng, want.time - now);
				struct pcisim_evq_key k = key(t, (unsigned)pcisim_rng_below(&rng, 16),
							     seq++, slot++ & PCISIM_EVQ_SLOT_MAX);
				push_key(&q, k);
				ref_push(&r, k);
			}
		} else {
			size_t removed = pcisim_evq_remove_if(&q, dead_odd_seq, NULL);
			size_t j = 0, before = r.n;
			for (size_t i = 0; i < r.n; i++)
				if (!dead_odd_seq(NULL, r.k[i].tie))
					r.k[j++] = r.k[i];
			r.n = j;
			assert_int_equal(removed, before - r.n);
		}
		assert_int_equal(pcisim_evq_size(&q), r.n);
		if (op % 4999 == 0 && r.n) {
			/* find_slot sees a queued key, wherever it sits. */
			struct pcisim_evq_key pick = r.k[pcisim_rng_below(&rng, r.n)], got;
			assert_true(pcisim_evq_find_slot(&q, pcisim_evq_tie_slot(pick.tie), &got));
			assert_int_equal(got.time, pick.time);
		}
	}
	/* Drain. */
	while (r.n) {
		struct pcisim_evq_key got, want = r.k[--r.n];
		assert_true(pcisim_evq_pop(&q, &got));
		assert_int_equal(got.time, want.time);
		assert_int_equal(got.tie, want.tie);
	}
	assert_true(pcisim_evq_empty(&q));
	free(r.k);
	pcisim_evq_free(&q);
}

/* The PHOLD shape at scale: a hold model with 20000 keys, popped and re-pushed. */
static void test_hold_model(void **state)
{
	(void)state;
	struct pcisim_evq q;
	struct pcisim_rng rng;
	assert_int_equal(pcisim_evq_init(&q, 0), 0);
	pcisim_rng_seed(&rng, 7);
	uint64_t seq = 0, last = 0;
	for (uint32_t i = 0; i < 20000; i++)
		assert_int_equal(pcisim_evq_push(&q, pcisim_rng_below(&rng, 5000000),
						 pcisim_evq_tie(4, seq++, i)), 0);
	for (int i = 0; i < 400000; i++) {
		struct pcisim_evq_key k;
		assert_true(pcisim_evq_pop(&q, &k));
		assert_true(k.time >= last);
		last = k.time;
		assert_int_equal(pcisim_evq_push(&q, k.time + 100000 + pcisim_rng_below(&rng, 4000000),
						 pcisim_evq_tie(4, seq++, pcisim_evq_tie_slot(k.tie))), 0);
	}
	assert_int_equal(pcisim_evq_size(&q), 20000);
	pcisim_evq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tie_fields),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_push_at_popped_time),
		cmocka_unit_test(test_push_below_peeked),
		cmocka_unit_test(test_bursts_and_extremes),
		cmocka_unit_test(test_replace_min),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_hold_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
