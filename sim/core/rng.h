/*
 * Random streams: xoshiro256** (Blackman & Vigna) seeded through splitmix64.
 *
 * A stream is derived from (scenario seed, component path, purpose) by hashing the
 * path and purpose with XXH3-64 under the seed, so adding a component or a purpose
 * never changes the draws of another stream. Only integer arithmetic: the same seed
 * gives the same numbers on every machine and compiler.
 */
#ifndef PCISIM_CORE_RNG_H
#define PCISIM_CORE_RNG_H

#include <stdint.h>

struct pcisim_rng {
	uint64_t s[4];
};

/** pcisim_rng_seed() - seed directly from a 64-bit value (through splitmix64). */
void pcisim_rng_seed(struct pcisim_rng *r, uint64_t seed);

/** pcisim_rng_stream() - the stream for (@seed, @path, @purpose); @purpose may be "". */
void pcisim_rng_stream(struct pcisim_rng *r, uint64_t seed, const char *path, const char *purpose);

/** pcisim_rng_next() - the next 64 random bits (inline: it is on every hot path). */
static inline uint64_t pcisim_rng_next(struct pcisim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t x = s[1] * 5;
	uint64_t result = ((x << 7) | (x >> 57)) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return result;
}

/**
 * pcisim_mul64_portable() - the 128-bit product of @a and @b from four 32x32-bit
 * products: returns the high 64 bits, stores the low 64 bits in *@lo. For targets
 * without a 128-bit integer type (32-bit x86, 32-bit Arm); exact, so every target
 * draws the same numbers.
 */
static inline uint64_t pcisim_mul64_portable(uint64_t a, uint64_t b, uint64_t *lo)
{
	uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
	*lo = (mid << 32) | (ll & 0xffffffffu);
	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/** pcisim_mul64() - the 128-bit product of @a and @b: high 64 bits returned, low in *@lo. */
static inline uint64_t pcisim_mul64(uint64_t a, uint64_t b, uint64_t *lo)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 m = (unsigned __int128)a * b;
	*lo = (uint64_t)m;
	return (uint64_t)(m >> 64);
#else
	return pcisim_mul64_portable(a, b, lo);
#endif
}

/** pcisim_rng_below() - uniform in [0, n), n > 0, without modulo bias (Lemire). */
static inline uint64_t pcisim_rng_below(struct pcisim_rng *r, uint64_t n)
{
	/* Lemire's multiply-and-reject: unbiased, one 64x64->128 multiply in the common case. */
	uint64_t l;
	uint64_t h = pcisim_mul64(pcisim_rng_next(r), n, &l);
	if (l < n) {
		uint64_t t = (0 - n) % n;
		while (l < t)
			h = pcisim_mul64(pcisim_rng_next(r), n, &l);
	}
	return h;
}

/** pcisim_rng_between() - uniform in the closed interval [lo, hi]. */
uint64_t pcisim_rng_between(struct pcisim_rng *r, uint64_t lo, uint64_t hi);

/** pcisim_rng_unit() - a double in [0, 1) from the top 53 bits (benchmarks only). */
static inline double pcisim_rng_unit(struct pcisim_rng *r)
{
	return (double)(pcisim_rng_next(r) >> 11) * 0x1.0p-53;
}

#endif
