/*
 * Random streams: fixed outputs (a change of algorithm must show up here), stream
 * independence, and the bounds of pcisim_rng_below()/pcisim_rng_between().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <xxhash.h>

#include "sim/core/rng.h"

/*
 * splitmix64 seeding and xoshiro256**, as published; these values come from an
 * independent implementation of the two algorithms.
 */
static void test_known_outputs(void **state)
{
	(void)state;
	static const struct {
		uint64_t seed;
		uint64_t out[5];
	} v[] = {
		{0, {0x99ec5f36cb75f2b4ull, 0xbf6e1f784956452aull, 0x1a5f849d4933e6e0ull,
		     0x6aa594f1262d2d2cull, 0xbba5ad4a1f842e59ull}},
		{1, {0xb3f2af6d0fc710c5ull, 0x853b559647364ceaull, 0x92f89756082a4514ull,
		     0x642e1c7bc266a3a7ull, 0xb27a48e29a233673ull}},
		{0x123456789abcdef0ull,
		 {0xe01d6fafc557f1b9ull, 0xbd627ebe4406b404ull, 0x2c23132b578b57dbull,
		  0x2e8b319d4d1f276aull, 0x608d57acf53888e4ull}},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct pcisim_rng r;
		pcisim_rng_seed(&r, v[i].seed);
		for (int j = 0; j < 5; j++)
			assert_int_equal(pcisim_rng_next(&r), v[i].out[j]);
	}
}

/* Lemire's bounded draw and the 53-bit unit double, on the same reference stream. */
static void test_known_derived(void **state)
{
	(void)state;
	struct pcisim_rng r;
	static const uint64_t below1000[8] = {702, 520, 574, 391, 697, 143, 71, 381};
	pcisim_rng_seed(&r, 1);
	for (int j = 0; j < 8; j++)
		assert_int_equal(pcisim_rng_below(&r, 1000), below1000[j]);
	static const uint64_t below_big[3] = {4800180567299270261ull, 5295190459760845450ull,
					      3609369285294772691ull};
	pcisim_rng_seed(&r, 1);
	for (int j = 0; j < 3; j++)
		assert_int_equal(pcisim_rng_below(&r, (1ull << 63) + 1), below_big[j]);
	/* Hexadecimal constants: exact in any evaluation format (a decimal constant is
	 * rounded to long double where FLT_EVAL_METHOD is 2, as on 32-bit x86). */
	pcisim_rng_seed(&r, 1);
	assert_true(pcisim_rng_unit(&r) == 0x1.67e55eda1f8e2p-1);  /* 0.7029218331588505 */
	assert_true(pcisim_rng_unit(&r) == 0x1.0a76ab2c8e6c9p-1);  /* 0.5204366199388569 */
}

/*
 * A stream is seeded with XXH3-64 of "path\0purpose" under the scenario seed; the
 * recorded draws pin that derivation down.
 */
static void test_known_streams(void **state)
{
	(void)state;
	static const struct {
		const char *path, *purpose;
		uint64_t out[3];
	} v[] = {
		{"pcie.0/rp18", "jitter", {0xfa86a780d2905471ull, 0x336dc6bb6498d65aull, 0xde49a49ec07986e8ull}},
		{"pcie.0/rp18", "", {0x47946a4646d7d987ull, 0xf4c78c04ab9398d2ull, 0x09ce2728bd856179ull}},
		{"a/b", "", {0x3e3c5e73908c284cull, 0x157906790a7c81baull, 0x45cccc0389103f52ull}},
		{"a", "b", {0xb68a0dc2150bbf03ull, 0x82b9cc3c22f04358ull, 0xcfed2f5154787d91ull}},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct pcisim_rng r, ref;
		pcisim_rng_stream(&r, 1, v[i].path, v[i].purpose);
		char buf[64];
		size_t lp = strlen(v[i].path), lu = strlen(v[i].purpose);
		memcpy(buf, v[i].path, lp + 1);
		memcpy(buf + lp + 1, v[i].purpose, lu);
		pcisim_rng_seed(&ref, XXH3_64bits_withSeed(buf, lp + 1 + lu, 1));
		for (int j = 0; j < 3; j++) {
			uint64_t x = pcisim_rng_next(&r);
			assert_int_equal(x, v[i].out[j]);
			assert_int_equal(x, pcisim_rng_next(&ref));
		}
	}
}

/*
 * The portable 64x64->128 multiply (targets without __int128, e.g. i386) against known
 * products, and against __int128 where the compiler has it.
 */
static void test_mul64_portable(void **state)
{
	(void)state;
	static const struct {
		uint64_t a, b, hi, lo;
	} v[] = {
		{0, 0, 0, 0},
		{1, 1, 0, 1},
		{UINT64_MAX, UINT64_MAX, 0xfffffffffffffffeull, 1},
		{UINT64_MAX, 2, 1, 0xfffffffffffffffeull},
		{0xffffffffull, 0xffffffffull, 0, 0xfffffffe00000001ull},
		{1ull << 32, 1ull << 32, 1, 0},
		{0x123456789abcdef0ull, 0x0fedcba987654321ull, 0x0121fa00ad77d742ull, 0x2236d88fe5618cf0ull},
		{(1ull << 63) + 1, 1000, 500, 1000},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint64_t lo, hi = pcisim_mul64_portable(v[i].a, v[i].b, &lo);
		assert_int_equal(hi, v[i].hi);
		assert_int_equal(lo, v[i].lo);
		hi = pcisim_mul64(v[i].a, v[i].b, &lo);
		assert_int_equal(hi, v[i].hi);
		assert_int_equal(lo, v[i].lo);
	}
#ifdef __SIZEOF_INT128__
	struct pcisim_rng r;
	pcisim_rng_seed(&r, 11);
	for (int i = 0; i < 100000; i++) {
		uint64_t a = pcisim_rng_next(&r), b = pcisim_rng_next(&r);
		if (i & 1)
			b >>= (unsigned)(a & 63); /* small factors too */
		unsigned __int128 m = (unsigned __int128)a * b;
		uint64_t lo, hi = pcisim_mul64_portable(a, b, &lo);
		assert_int_equal(hi, (uint64_t)(m >> 64));
		assert_int_equal(lo, (uint64_t)m);
	}
#endif
}

static void draws(struct pcisim_rng *r, uint64_t *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = pcisim_rng_next(r);
}

/* Adding a stream for another component changes nothing of this one's draws. */
static void test_stream_independence(void **state)
{
	(void)state;
	struct pcisim_rng a1, a2, other;
	uint64_t x[64], y[64], z[64];

	pcisim_rng_stream(&a1, 7, "pcie.0/rp18/xhci0", "fault");
	draws(&a1, x, 64);

	/* Interleave a new stream (a device added elsewhere) and draw from both. */
	pcisim_rng_stream(&other, 7, "pcie.0/rp19/nvme0", "fault");
	pcisim_rng_stream(&a2, 7, "pcie.0/rp18/xhci0", "fault");
	for (int i = 0; i < 64; i++) {
		y[i] = pcisim_rng_next(&a2);
		z[i] = pcisim_rng_next(&other);
		(void)pcisim_rng_next(&other);
	}
	assert_memory_equal(x, y, sizeof(x));
	assert_memory_not_equal(x, z, sizeof(x));
}

static void first_draws(uint64_t seed, const char *path, const char *purpose, uint64_t out[4])
{
	struct pcisim_rng r;
	pcisim_rng_stream(&r, seed, path, purpose);
	draws(&r, out, 4);
}

/* Different paths, purposes or seeds give different streams; path and purpose stay apart. */
static void test_streams_differ(void **state)
{
	(void)state;
	uint64_t base[4], d[4];
	first_draws(1, "a/b", "x", base);
	first_draws(1, "a/b", "y", d);
	assert_memory_not_equal(base, d, sizeof(d));
	first_draws(1, "a/c", "x", d);
	assert_memory_not_equal(base, d, sizeof(d));
	first_draws(2, "a/b", "x", d);
	assert_memory_not_equal(base, d, sizeof(d));
	first_draws(1, "a/b", "", d);
	assert_memory_not_equal(base, d, sizeof(d));

	uint64_t ab[4], a_b[4];
	first_draws(1, "a/b", "", ab);
	first_draws(1, "a", "b", a_b);
	assert_memory_not_equal(ab, a_b, sizeof(ab));
	first_draws(1, "ab", "", d);
	assert_memory_not_equal(a_b, d, sizeof(d));

	/* The same inputs, the same stream. */
	first_draws(1, "a/b", "x", d);
	assert_memory_equal(base, d, sizeof(d));

	/* Long paths (past any small buffer) work and differ in their last byte. */
	char p1[600], p2[600];
	memset(p1, 'q', sizeof(p1) - 1);
	p1[sizeof(p1) - 1] = 0;
	memcpy(p2, p1, sizeof(p2));
	p2[sizeof(p2) - 2] = 'r';
	first_draws(1, p1, "purpose", base);
	first_draws(1, p2, "purpose", d);
	assert_memory_not_equal(base, d, sizeof(d));
	first_draws(1, p1, "purpose", d);
	assert_memory_equal(base, d, sizeof(d));
}

static void test_below_bounds(void **state)
{
	(void)state;
	struct pcisim_rng r;
	pcisim_rng_seed(&r, 3);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(pcisim_rng_below(&r, 1), 0);

	/* Small n: every value comes up, none outside. */
	for (uint64_t n = 2; n <= 12; n++) {
		unsigned seen[12] = {0};
		for (int i = 0; i < 2000; i++) {
			uint64_t v = pcisim_rng_below(&r, n);
			assert_true(v < n);
			seen[v]++;
		}
		for (uint64_t v = 0; v < n; v++)
			assert_true(seen[v] > 0);
	}

	/* n where rejection matters most (just above 2^63), and the largest n. */
	const uint64_t big[] = {(1ull << 63) + 1, UINT64_MAX, UINT64_MAX - 1, 1000000007ull};
	for (size_t k = 0; k < sizeof(big) / sizeof(big[0]); k++) {
		uint64_t above_half = 0;
		for (int i = 0; i < 4000; i++) {
			uint64_t v = pcisim_rng_below(&r, big[k]);
			assert_true(v < big[k]);
			above_half += v >= big[k] / 2;
		}
		/* Roughly half in the upper half (a crude check of uniformity). */
		assert_true(above_half > 1700 && above_half < 2300);
	}

	/* A rough histogram over 10 cells. */
	unsigned cells[10] = {0};
	for (int i = 0; i < 100000; i++)
		cells[pcisim_rng_below(&r, 10)]++;
	for (int c = 0; c < 10; c++)
		assert_true(cells[c] > 9400 && cells[c] < 10600);
}

static void test_between(void **state)
{
	(void)state;
	struct pcisim_rng r;
	pcisim_rng_seed(&r, 11);
	bool lo_seen = false, hi_seen = false;
	for (int i = 0; i < 5000; i++) {
		uint64_t v = pcisim_rng_between(&r, 10, 20);
		assert_true(v >= 10 && v <= 20);
		lo_seen |= v == 10;
		hi_seen |= v == 20;
	}
	assert_true(lo_seen && hi_seen);
	for (int i = 0; i < 100; i++)
		assert_int_equal(pcisim_rng_between(&r, 42, 42), 42);
	/* The full range is a plain draw. */
	struct pcisim_rng a, b;
	pcisim_rng_seed(&a, 5);
	pcisim_rng_seed(&b, 5);
	for (int i = 0; i < 10; i++)
		assert_int_equal(pcisim_rng_between(&a, 0, UINT64_MAX), pcisim_rng_next(&b));
	for (int i = 0; i < 1000; i++) {
		uint64_t v = pcisim_rng_between(&r, UINT64_MAX - 3, UINT64_MAX);
		assert_true(v >= UINT64_MAX - 3);
	}
}

static void test_unit_range(void **state)
{
	(void)state;
	struct pcisim_rng r;
	pcisim_rng_seed(&r, 13);
	for (int i = 0; i < 100000; i++) {
		double u = pcisim_rng_unit(&r);
		assert_true(u >= 0.0 && u < 1.0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_outputs),
		cmocka_unit_test(test_known_derived),
		cmocka_unit_test(test_known_streams),
		cmocka_unit_test(test_mul64_portable),
		cmocka_unit_test(test_stream_independence),
		cmocka_unit_test(test_streams_differ),
		cmocka_unit_test(test_below_bounds),
		cmocka_unit_test(test_between),
		cmocka_unit_test(test_unit_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
