/*
 * xoshiro256** and splitmix64, written from the published algorithm descriptions.
 */
#include "sim/core/rng.h"
#include "sim/core/heap.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void pcisim_rng_seed(struct pcisim_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

void pcisim_rng_stream(struct pcisim_rng *r, uint64_t seed, const char *path, const char *purpose)
{
	/* Hash "path\0purpose" so ("a/b","") and ("a","b") stay distinct. */
	size_t lp = strlen(path), lu = strlen(purpose);
	char small[256];
	char *buf = lp + lu + 1 <= sizeof(small) ? small : pcisim_malloc(lp + lu + 1);
	if (!buf)
		abort();
	memcpy(buf, path, lp + 1);
	memcpy(buf + lp + 1, purpose, lu);
	pcisim_rng_seed(r, XXH3_64bits_withSeed(buf, lp + 1 + lu, seed));
	if (buf != small)
		pcisim_free(buf);
}

uint64_t pcisim_rng_between(struct pcisim_rng *r, uint64_t lo, uint64_t hi)
{
	if (lo == 0 && hi == UINT64_MAX)
		return pcisim_rng_next(r);
	return lo + pcisim_rng_below(r, hi - lo + 1);
}
