/*
 * A radix heap on 64-bit times with two small binary heaps beside it: "cur" for the
 * keys at the current base (ordered by tie) and "early" for the rare keys below it
 * (ordered by the full key). See evq.h for the layout and docs/engine.md for why.
 */
#include "sim/core/evq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(PCISIM_EVQ_WORDS <= 64, "the summary word must cover every bitmap word");
_Static_assert(sizeof(struct pcisim_evq_block) == 256, "blocks are four cache lines");

/* The lowest bucket is scanned in place up to this many keys, else spread out. */
#define SELECT_MAX PCISIM_EVQ_HOME
_Static_assert(SELECT_MAX <= PCISIM_EVQ_HOME, "a selected bucket is all home");
/* Blocks are allocated this many at a time. */
#define SLAB_BLOCKS 64

static inline bool key_less(const struct pcisim_evq_key *a, const struct pcisim_evq_key *b)
{
	return a->time < b->time || (a->time == b->time && a->tie < b->tie);
}

static void oom(void)
{
	fprintf(stderr, "pcisim: out of memory (event queue)\n");
	abort();
}

/* Grow an array of @size-byte elements to hold at least @need; -1 on failure. */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	void *np = realloc(*p, ncap * size);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/* Prefetches with no payload pool point here (a prefetch never faults, but stay tidy). */
static const char no_payload[64];

static void bucket_reset(struct pcisim_evq_bucket *v)
{
	v->head = v->tail = NULL;
	v->n = 0;
	v->tn = PCISIM_EVQ_BLOCK_KEYS;
}

int pcisim_evq_init(struct pcisim_evq *q, size_t cap_hint)
{
	memset(q, 0, sizeof(*q));
	q->pf_base = no_payload;
	q->bucket = malloc(PCISIM_EVQ_BUCKETS * sizeof(*q->bucket));
	if (!q->bucket)
		return -1;
	for (unsigned b = 0; b < PCISIM_EVQ_BUCKETS; b++)
		bucket_reset(&q->bucket[b]);
	if (grow((void **)&q->cur, &q->capcur, 16, sizeof(*q->cur))) {
		free(q->bucket);
		return -1;
	}
	/* Untouched pages of it cost nothing: only the buckets in use are ever written. */
	q->home = aligned_alloc(64, PCISIM_EVQ_BUCKETS * sizeof(*q->home));
	if (!q->home) {
		free(q->cur);
		free(q->bucket);
		return -1;
	}
	/* Blocks come in slabs as buckets fill; cap_hint reserves nothing up front. */
	(void)cap_hint;
	return 0;
}

void pcisim_evq_free(struct pcisim_evq *q)
{
	free(q->cur);
	free(q->early);
	free(q->home);
	free(q->bucket);
	for (size_t i = 0; i < q->nslabs; i++)
		free(q->slabs[i]);
	free(q->slabs);
	memset(q, 0, sizeof(*q));
}

static struct pcisim_evq_block *block_alloc(struct pcisim_evq *q)
{
	if (!q->free_blocks) {
		if (grow((void **)&q->slabs, &q->capslabs, q->nslabs + 1, sizeof(*q->slabs)))
			return NULL;
		struct pcisim_evq_block *s =
			aligned_alloc(64, SLAB_BLOCKS * sizeof(struct pcisim_evq_block));
		if (!s)
			return NULL;
		q->slabs[q->nslabs++] = s;
		for (size_t i = SLAB_BLOCKS; i-- > 0;) {
			s[i].next = q->free_blocks;
			q->free_blocks = &s[i];
		}
	}
	struct pcisim_evq_block *blk = q->free_blocks;
	q->free_blocks = blk->next;
	blk->next = NULL;
	return blk;
}

static inline void block_free(struct pcisim_evq *q, struct pcisim_evq_block *blk)
{
	blk->next = q->free_blocks;
	q->free_blocks = blk;
}

/* Keys in block @blk of bucket @v. */
static inline uint32_t block_keys(const struct pcisim_evq_bucket *v, const struct pcisim_evq_block *blk)
{
	return blk == v->tail ? v->tn : PCISIM_EVQ_BLOCK_KEYS;
}

/* Append to bucket @b (the inline push, minus the count); -1 when memory runs out. */
static inline int bucket_append(struct pcisim_evq *q, unsigned b, struct pcisim_evq_key key)
{
	struct pcisim_evq_bucket *v = &q->bucket[b];
	if (v->n < PCISIM_EVQ_HOME) {
		if (!v->n)
			pcisim_evq_mark(q, b);
		q->home[b][v->n++] = key;
		return 0;
	}
	if (v->tn == PCISIM_EVQ_BLOCK_KEYS) {
		struct pcisim_evq_block *blk = block_alloc(q);
		if (!blk)
			return -1;
		if (v->tail)
			v->tail->next = blk;
		else
			v->head = blk;
		v->tail = blk;
		v->tn = 0;
	}
	v->tail->k[v->tn++] = key;
	v->n++;
	return 0;
}

/* ---- cur: a binary min-heap of ties (all keys in it share time == last) ---- */

static void cur_sift_up(uint64_t *h, size_t i, uint64_t k)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (h[p] <= k)
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = k;
}

static void cur_sift_down(uint64_t *h, size_t n, size_t i, uint64_t k)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1] < h[c])
			c++;
		if (k <= h[c])
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = k;
}

static void cur_heapify(uint64_t *h, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		cur_sift_down(h, n, i, h[i]);
}

/* ---- early: a binary min-heap of full keys ---- */

static void early_sift_up(struct pcisim_evq_key *h, size_t i, struct pcisim_evq_key k)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!key_less(&k, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = k;
}

static void early_sift_down(struct pcisim_evq_key *h, size_t n, size_t i, struct pcisim_evq_key k)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && key_less(&h[c + 1], &h[c]))
			c++;
		if (!key_less(&h[c], &k))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = k;
}

static void early_heapify(struct pcisim_evq_key *h, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		early_sift_down(h, n, i, h[i]);
}

/* ---- the radix heap ---- */

int pcisim_evq_push_slow(struct pcisim_evq *q, uint64_t time, uint64_t tie)
{
	if (q->n == 0 && time < q->last)
		q->last = time; /* nothing queued: any lower base will do */
	if (time == q->last) {
		if (grow((void **)&q->cur, &q->capcur, q->ncur + 1, sizeof(*q->cur)))
			return -1;
		cur_sift_up(q->cur, q->ncur++, tie);
	} else if (time > q->last) {
		if (bucket_append(q, pcisim_evq_bucket_of(time, q->last),
				  (struct pcisim_evq_key){time, tie}))
			return -1;
	} else {
		if (grow((void **)&q->early, &q->capearly, q->nearly + 1, sizeof(*q->early)))
			return -1;
		early_sift_up(q->early, q->nearly++, (struct pcisim_evq_key){time, tie});
	}
	q->n++;
	return 0;
}

/* Key @key (time >= last) into its bucket, or into cur at time == last. */
static inline __attribute__((always_inline)) void place(struct pcisim_evq *q,
							   const struct pcisim_evq_key *key)
{
	if (key->time == q->last) {
		if (q->ncur == q->capcur &&
		    grow((void **)&q->cur, &q->capcur, q->ncur + 1, sizeof(*q->cur)))
			oom();
		q->cur[q->ncur++] = key->tie;
	} else if (bucket_append(q, pcisim_evq_bucket_of(key->time, q->last), *key)) {
		oom();
	}
}

/*
 * Spread the keys of bucket @b (level L, more than SELECT_MAX of them) over the
 * levels below, with the bucket's lower bound as the new base; keys at the base go to
 * cur. Every key of bucket (L, digit d) agrees with the old base above level L and
 * has digit d at level L, and so does the new base: keys now differ from it only
 * below level L, so each move takes a key at least one level down, and the buckets
 * above keep their keys (those still differ from the new base where they did
 * before). Each key's payload is prefetched: it is read soon. The bucket's blocks go
 * back to the free list as they are read, for the lower buckets to fill while hot.
 */
static void spread(struct pcisim_evq *q, unsigned b)
{
	/* Keys only ever move to lower buckets: bucket b's home can be read in place. */
	struct pcisim_evq_bucket chain = q->bucket[b];
	const struct pcisim_evq_key *home = q->home[b];
	bucket_reset(&q->bucket[b]);
	pcisim_evq_unmark(q, b);

	unsigned shift = (b / PCISIM_EVQ_DIGITS) * PCISIM_EVQ_DIGIT_BITS;
	q->last = home[0].time >> shift << shift;
	const char *pf = q->pf_base;
	unsigned pfs = q->pf_shift;
	for (uint32_t i = 0; i < PCISIM_EVQ_HOME; i++) {
		__builtin_prefetch(pf + ((size_t)pcisim_evq_tie_slot(home[i].tie) << pfs));
		place(q, &home[i]);
	}
	for (struct pcisim_evq_block *blk = chain.head, *next; blk; blk = next) {
		uint32_t n = block_keys(&chain, blk);
		next = blk->next;
		for (uint32_t i = 0; i < n; i++) {
			__builtin_prefetch(pf + ((size_t)pcisim_evq_tie_slot(blk->k[i].tie) << pfs));
			place(q, &blk->k[i]);
		}
		block_free(q, blk);
	}
}

/*
 * cur and early are empty and bucket @b is the lowest holding keys, more than one.
 *
 * A few keys: return the smallest in place (a scan beats moving them). The base
 * stays: the handler of that key pushes at or after its time, which is above the
 * base, so pushes still land in the right buckets (bucket order is key order).
 *
 * Many keys: spread them (above) and repeat until cur holds a key or the lowest
 * bucket is small. A bucket's single key may become the base just the same (see
 * drop_min): it shares the bucket's digits too.
 */
bool pcisim_evq_peek_slow(struct pcisim_evq *q, unsigned b, struct pcisim_evq_key *out)
{
	for (;;) {
		struct pcisim_evq_bucket *v = &q->bucket[b];
		if (v->n <= SELECT_MAX) {
			const struct pcisim_evq_key *k = q->home[b];
			uint32_t best = 0;
			for (uint32_t i = 1; i < v->n; i++)
				if (key_less(&k[i], &k[best]))
					best = i;
			q->src = PCISIM_EVQ_SRC_BUCKET;
			q->sel_b = b;
			q->sel_i = best;
			*out = k[best];
			return true;
		}
		spread(q, b);
		if (q->ncur) {
			if (q->ncur > 1)
				cur_heapify(q->cur, q->ncur);
			q->src = PCISIM_EVQ_SRC_CUR;
			out->time = q->last;
			out->tie = q->cur[0];
			return true;
		}
		b = pcisim_evq_lowest(q);
	}
}

void pcisim_evq_drop_slow(struct pcisim_evq *q)
{
	if (q->src == PCISIM_EVQ_SRC_EARLY) {
		size_t n = --q->nearly;
		if (n)
			early_sift_down(q->early, n, 0, q->early[n]);
	} else {
		size_t n = --q->ncur;
		if (n)
			cur_sift_down(q->cur, n, 0, q->cur[n]);
	}
	q->n--;
}

int pcisim_evq_replace_min(struct pcisim_evq *q, uint64_t time, uint64_t tie)
{
	struct pcisim_evq_key min;
	if (pcisim_evq_peek(q, &min))
		pcisim_evq_drop_min(q);
	return pcisim_evq_push(q, time, tie);
}

bool pcisim_evq_find_slot(const struct pcisim_evq *q, uint32_t slot, struct pcisim_evq_key *out)
{
	for (size_t i = 0; i < q->nearly; i++)
		if (pcisim_evq_tie_slot(q->early[i].tie) == slot) {
			*out = q->early[i];
			return true;
		}
	for (size_t i = 0; i < q->ncur; i++)
		if (pcisim_evq_tie_slot(q->cur[i]) == slot) {
			*out = (struct pcisim_evq_key){q->last, q->cur[i]};
			return true;
		}
	for (unsigned b = 0; b < PCISIM_EVQ_BUCKETS; b++) {
		const struct pcisim_evq_bucket *v = &q->bucket[b];
		uint32_t nh = v->n < PCISIM_EVQ_HOME ? v->n : PCISIM_EVQ_HOME;
		for (uint32_t i = 0; i < nh; i++)
			if (pcisim_evq_tie_slot(q->home[b][i].tie) == slot) {
				*out = q->home[b][i];
				return true;
			}
		for (const struct pcisim_evq_block *blk = v->head; blk; blk = blk->next) {
			uint32_t n = block_keys(v, blk);
			for (uint32_t i = 0; i < n; i++)
				if (pcisim_evq_tie_slot(blk->k[i].tie) == slot) {
					*out = blk->k[i];
					return true;
				}
		}
	}
	return false;
}

size_t pcisim_evq_remove_if(struct pcisim_evq *q, bool (*dead)(void *ctx, uint64_t tie), void *ctx)
{
	size_t removed = 0, j;

	j = 0;
	for (size_t i = 0; i < q->nearly; i++)
		if (!dead(ctx, q->early[i].tie))
			q->early[j++] = q->early[i];
	removed += q->nearly - j;
	q->nearly = j;
	early_heapify(q->early, q->nearly);

	j = 0;
	for (size_t i = 0; i < q->ncur; i++)
		if (!dead(ctx, q->cur[i]))
			q->cur[j++] = q->cur[i];
	removed += q->ncur - j;
	q->ncur = j;
	cur_heapify(q->cur, q->ncur);

	for (unsigned b = 0; b < PCISIM_EVQ_BUCKETS; b++) {
		struct pcisim_evq_bucket *v = &q->bucket[b];
		if (!v->n)
			continue;
		/* Rebuild the bucket from its own keys: appends reuse the blocks read. */
		struct pcisim_evq_bucket chain = *v;
		struct pcisim_evq_key home[PCISIM_EVQ_HOME];
		uint32_t nh = v->n < PCISIM_EVQ_HOME ? v->n : PCISIM_EVQ_HOME;
		memcpy(home, q->home[b], sizeof(home));
		bucket_reset(v);
		pcisim_evq_unmark(q, b);
		for (uint32_t i = 0; i < nh; i++) {
			if (dead(ctx, home[i].tie))
				removed++;
			else if (bucket_append(q, b, home[i]))
				oom(); /* cannot happen: home keys need no block */
		}
		for (struct pcisim_evq_block *blk = chain.head, *next; blk; blk = next) {
			uint32_t n = block_keys(&chain, blk);
			next = blk->next;
			struct pcisim_evq_key keep[PCISIM_EVQ_BLOCK_KEYS];
			uint32_t nkeep = 0;
			for (uint32_t i = 0; i < n; i++)
				if (!dead(ctx, blk->k[i].tie))
					keep[nkeep++] = blk->k[i];
			removed += n - nkeep;
			block_free(q, blk);
			for (uint32_t i = 0; i < nkeep; i++)
				if (bucket_append(q, b, keep[i]))
					oom(); /* cannot happen: a block was just freed */
		}
	}
	q->n -= removed;
	return removed;
}

size_t pcisim_evq_keys(const struct pcisim_evq *q, struct pcisim_evq_key *out)
{
	size_t n = 0;
	for (size_t i = 0; i < q->nearly; i++)
		out[n++] = q->early[i];
	for (size_t i = 0; i < q->ncur; i++)
		out[n++] = (struct pcisim_evq_key){q->last, q->cur[i]};
	for (unsigned w = 0; w < PCISIM_EVQ_WORDS; w++) {
		for (uint64_t bits = q->nonempty[w]; bits; bits &= bits - 1) {
			unsigned b = w * 64 + (unsigned)__builtin_ctzll(bits);
			const struct pcisim_evq_bucket *v = &q->bucket[b];
			uint32_t nh = v->n < PCISIM_EVQ_HOME ? v->n : PCISIM_EVQ_HOME;
			for (uint32_t i = 0; i < nh; i++)
				out[n++] = q->home[b][i];
			for (const struct pcisim_evq_block *blk = v->head; blk; blk = blk->next) {
				uint32_t k = block_keys(v, blk);
				for (uint32_t i = 0; i < k; i++)
					out[n++] = blk->k[i];
			}
		}
	}
	return n;
}

void pcisim_evq_load(struct pcisim_evq *q, uint64_t last, const struct pcisim_evq_key *keys, size_t n)
{
	/* Empty it, touching only the buckets in use. */
	q->nearly = q->ncur = 0;
	for (unsigned w = 0; w < PCISIM_EVQ_WORDS; w++) {
		for (uint64_t bits = q->nonempty[w]; bits; bits &= bits - 1) {
			unsigned b = w * 64 + (unsigned)__builtin_ctzll(bits);
			struct pcisim_evq_bucket *v = &q->bucket[b];
			for (struct pcisim_evq_block *blk = v->head, *next; blk; blk = next) {
				next = blk->next;
				block_free(q, blk);
			}
			bucket_reset(v);
		}
		q->nonempty[w] = 0;
	}
	q->summary = 0;
	q->n = 0;
	q->last = last;
	q->src = PCISIM_EVQ_SRC_CUR;
	for (size_t i = 0; i < n; i++) {
		/* keys below the base go where pushes below it go (early); the rest as usual */
		if (keys[i].time < q->last) {
			if (grow((void **)&q->early, &q->capearly, q->nearly + 1, sizeof(*q->early)))
				oom();
			early_sift_up(q->early, q->nearly++, keys[i]);
			q->n++;
		} else if (pcisim_evq_push(q, keys[i].time, keys[i].tie)) {
			oom();
		}
	}
}
