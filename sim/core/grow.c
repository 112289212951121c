/*
 * Growing arrays (grow.h): doubling realloc, abort when memory runs out.
 */
#include "sim/core/grow.h"
#include "sim/core/heap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void oom(void)
{
	fprintf(stderr, "pcisim: out of memory\n");
	abort();
}

void *pcisim_grow(void *v, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return v;
	size_t nc = *cap ? *cap : 8;
	while (nc < need) {
		if (nc > SIZE_MAX / 2)
			oom();
		nc *= 2;
	}
	if (size && nc > SIZE_MAX / size)
		oom();
	void *nv = pcisim_realloc(v, nc * size);
	if (!nv)
		oom();
	*cap = nc;
	return nv;
}
