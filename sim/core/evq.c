/*
 * A 4-ary min-heap of 16-byte keys: four children share one 64-byte cache line when
 * the array is aligned, so a sift-down touches one line per level.
 */
#include "sim/core/evq.h"

#include <stdlib.h>
#include <string.h>

static inline bool key_less(const struct pcisim_evq_key *a, const struct pcisim_evq_key *b)
{
	return a->time < b->time || (a->time == b->time && a->tie < b->tie);
}

int pcisim_evq_init(struct pcisim_evq *q, size_t cap_hint)
{
	memset(q, 0, sizeof(*q));
	if (cap_hint < 64)
		cap_hint = 64;
	/* +3 so that heap[1..4], the first group of children, starts a cache line. */
	q->heap = aligned_alloc(64, ((cap_hint + 3) * sizeof(*q->heap) + 63) / 64 * 64);
	if (!q->heap)
		return -1;
	q->heap += 3;
	q->cap = cap_hint;
	return 0;
}

void pcisim_evq_free(struct pcisim_evq *q)
{
	if (q->heap)
		free(q->heap - 3);
	memset(q, 0, sizeof(*q));
}

static int grow(struct pcisim_evq *q)
{
	size_t ncap = q->cap * 2;
	struct pcisim_evq_key *nh = aligned_alloc(64, ((ncap + 3) * sizeof(*nh) + 63) / 64 * 64);
	if (!nh)
		return -1;
	memcpy(nh + 3, q->heap, q->n * sizeof(*nh));
	free(q->heap - 3);
	q->heap = nh + 3;
	q->cap = ncap;
	return 0;
}

static void sift_up(struct pcisim_evq_key *h, size_t i, struct pcisim_evq_key k)
{
	while (i > 0) {
		size_t p = (i - 1) >> 2;
		if (!key_less(&k, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = k;
}

static void sift_down(struct pcisim_evq_key *h, size_t n, size_t i, struct pcisim_evq_key k)
{
	for (;;) {
		size_t c = 4 * i + 1;
		if (c >= n)
			break;
		size_t best = c;
		size_t end = c + 4 < n ? c + 4 : n;
		for (size_t j = c + 1; j < end; j++)
			if (key_less(&h[j], &h[best]))
				best = j;
		if (!key_less(&h[best], &k))
			break;
		h[i] = h[best];
		i = best;
	}
	h[i] = k;
}

int pcisim_evq_push(struct pcisim_evq *q, uint64_t time, uint64_t tie)
{
	if (q->n == q->cap && grow(q))
		return -1;
	struct pcisim_evq_key k = {time, tie};
	sift_up(q->heap, q->n++, k);
	return 0;
}

bool pcisim_evq_pop(struct pcisim_evq *q, struct pcisim_evq_key *out)
{
	if (!q->n)
		return false;
	*out = q->heap[0];
	struct pcisim_evq_key last = q->heap[--q->n];
	if (q->n)
		sift_down(q->heap, q->n, 0, last);
	return true;
}

void pcisim_evq_replace_min(struct pcisim_evq *q, uint64_t time, uint64_t tie)
{
	struct pcisim_evq_key k = {time, tie};
	sift_down(q->heap, q->n, 0, k);
}
