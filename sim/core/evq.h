/*
 * The event queue: a priority queue of compact 16-byte keys, apart from the event
 * payloads (which live in the engine's pool, see sim.h).
 *
 * Order: a key is (time, tie) compared as a 128-bit number, where
 *   tie = class << 60 | seq << 24 | slot
 * so events fire by time, then priority class (lower first), then scheduling
 * sequence number (earlier first); the slot names the payload and never decides the
 * order because seq is unique. The queue knows nothing else about events.
 *
 * Rules the engine relies on (tested in tests/test_evq.c):
 *  - pop returns the smallest key; equal keys cannot occur (seq is unique);
 *  - keys pushed while a popped key is being handled may be smaller than any key
 *    still queued (a handler may schedule for "now", in any class), and are still
 *    ordered correctly;
 *  - a pushed key's time is at least the time of the last key popped (the engine
 *    never schedules into the past); it may lie below a key peeked but not popped.
 *
 * The structure (docs/engine.md says why): a radix heap on time with 8-bit digits.
 * "last" is a base at or below every queued time; a key at time t > last waits,
 * unsorted, in the bucket named by the highest digit where t and last differ and
 * t's value of that digit, so buckets in index order hold ever larger keys and the
 * lowest non-empty bucket (two ctz on a bitmap) holds the next key. Keys at exactly
 * last wait in "cur", a binary heap on tie. When the lowest bucket holds one key it
 * is the next; a few keys (up to PCISIM_EVQ_HOME) are scanned in place; more are
 * spread over the digits below with the bucket's lower bound as the new base, each
 * key moving at least one digit down (in PHOLD about once in its life). A bucket
 * keeps its first PCISIM_EVQ_HOME keys in a fixed pair of cache lines and chains the
 * rest in 256-byte blocks from a free list, so memory follows the keys queued and
 * the blocks written are the ones just read. Keys pushed below last (only after a
 * peek that was not followed by a pop) go to "early", a binary heap on the full key
 * that always holds the smallest keys.
 */
#ifndef PCISIM_CORE_EVQ_H
#define PCISIM_CORE_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCISIM_EVQ_SLOT_BITS 24
#define PCISIM_EVQ_SEQ_BITS 36
#define PCISIM_EVQ_CLASS_BITS 4
#define PCISIM_EVQ_SLOT_MAX ((1u << PCISIM_EVQ_SLOT_BITS) - 1)
#define PCISIM_EVQ_SEQ_MAX ((1ull << PCISIM_EVQ_SEQ_BITS) - 1)

struct pcisim_evq_key {
	uint64_t time;
	uint64_t tie;
};

#define PCISIM_EVQ_DIGIT_BITS 8 /* 8 levels of 256 buckets */
#define PCISIM_EVQ_DIGITS (1u << PCISIM_EVQ_DIGIT_BITS)
#define PCISIM_EVQ_LEVELS ((64 + PCISIM_EVQ_DIGIT_BITS - 1) / PCISIM_EVQ_DIGIT_BITS)
#define PCISIM_EVQ_BUCKETS (PCISIM_EVQ_LEVELS * PCISIM_EVQ_DIGITS)
#define PCISIM_EVQ_WORDS ((PCISIM_EVQ_BUCKETS + 63) / 64)

#define PCISIM_EVQ_BLOCK_KEYS 15
#define PCISIM_EVQ_HOME 8 /* keys a bucket keeps in place, before any block */

/*
 * Longer buckets chain 256-byte blocks from one free list (the last freed first). The
 * link sits in a 16-byte header whatever the size of a pointer, so a block is four
 * cache lines on 32-bit targets too.
 */
struct pcisim_evq_block {
	union {
		struct pcisim_evq_block *next;
		uint64_t header[2];
	};
	struct pcisim_evq_key k[PCISIM_EVQ_BLOCK_KEYS];
};

/**
 * An unsorted bucket of n keys: the first PCISIM_EVQ_HOME in the bucket's home line
 * pair (see struct pcisim_evq), the rest in blocks head..tail, all full but the
 * tail, which holds tn keys (tn == PCISIM_EVQ_BLOCK_KEYS when there is no tail, so
 * that the inline append falls through to the slow path, which adds a block).
 */
struct pcisim_evq_bucket {
	struct pcisim_evq_block *head, *tail;
	uint32_t n, tn;
};

struct pcisim_evq {
	uint64_t last;    /* every key in cur or a bucket has time >= last */
	size_t n;         /* keys in total */
	uint64_t *cur;    /* ties of the keys at time == last: binary min-heap */
	size_t ncur, capcur;
	struct pcisim_evq_key *early; /* keys with time < last: binary min-heap */
	size_t nearly, capearly;
	uint64_t summary; /* bit w set when nonempty[w] != 0 */
	uint64_t nonempty[PCISIM_EVQ_WORDS]; /* bit b set when bucket b holds keys */
	const char *pf_base; /* payload of slot s at pf_base + (s << pf_shift) */
	unsigned pf_shift;
	unsigned src;          /* where the key the last peek returned lives (PCISIM_EVQ_SRC_*) */
	unsigned sel_b, sel_i; /* for PCISIM_EVQ_SRC_BUCKET: home[sel_b][sel_i] */
	struct pcisim_evq_block *free_blocks;
	void **slabs; /* block allocations, for pcisim_evq_free() */
	size_t nslabs, capslabs;
	struct pcisim_evq_key (*home)[PCISIM_EVQ_HOME]; /* per bucket: its first keys */
	/* PCISIM_EVQ_BUCKETS of them, beside the queue (48 KiB): a struct pcisim_sim that
	 * never runs events (a machine view, in the heap and so in every snapshot) frees them */
	struct pcisim_evq_bucket *bucket;
};

/*
 * The bucket of a key at @time > @base: the highest bit where they differ picks a
 * level (a digit of PCISIM_EVQ_DIGIT_BITS bits), the key's digit there the bucket in
 * the level. Buckets in index order hold ever larger keys.
 */
static inline unsigned pcisim_evq_bucket_of(uint64_t time, uint64_t base)
{
	unsigned h = 63u - (unsigned)__builtin_clzll(time ^ base);
	unsigned lvl = h / PCISIM_EVQ_DIGIT_BITS;
	unsigned digit = (unsigned)(time >> (lvl * PCISIM_EVQ_DIGIT_BITS)) & (PCISIM_EVQ_DIGITS - 1);
	return lvl * PCISIM_EVQ_DIGITS + digit;
}

static inline void pcisim_evq_mark(struct pcisim_evq *q, unsigned b)
{
	q->nonempty[b / 64] |= 1ull << (b % 64);
	q->summary |= 1ull << (b / 64);
}

static inline void pcisim_evq_unmark(struct pcisim_evq *q, unsigned b)
{
	uint64_t w = q->nonempty[b / 64] &= ~(1ull << (b % 64));
	if (!w)
		q->summary &= ~(1ull << (b / 64));
}

/* The lowest bucket holding keys (the queue's summary must not be empty). */
static inline unsigned pcisim_evq_lowest(const struct pcisim_evq *q)
{
	unsigned wi = (unsigned)__builtin_ctzll(q->summary);
	return wi * 64 + (unsigned)__builtin_ctzll(q->nonempty[wi]);
}

enum { PCISIM_EVQ_SRC_CUR, PCISIM_EVQ_SRC_EARLY, PCISIM_EVQ_SRC_BUCKET };

static inline uint64_t pcisim_evq_tie(unsigned cls, uint64_t seq, uint32_t slot)
{
	return (uint64_t)cls << (PCISIM_EVQ_SEQ_BITS + PCISIM_EVQ_SLOT_BITS) |
	       seq << PCISIM_EVQ_SLOT_BITS | slot;
}

static inline uint32_t pcisim_evq_tie_slot(uint64_t tie)
{
	return (uint32_t)(tie & PCISIM_EVQ_SLOT_MAX);
}

static inline uint64_t pcisim_evq_tie_seq(uint64_t tie)
{
	return (tie >> PCISIM_EVQ_SLOT_BITS) & PCISIM_EVQ_SEQ_MAX;
}

static inline unsigned pcisim_evq_tie_class(uint64_t tie)
{
	return (unsigned)(tie >> (PCISIM_EVQ_SEQ_BITS + PCISIM_EVQ_SLOT_BITS));
}

int pcisim_evq_init(struct pcisim_evq *q, size_t cap_hint);
void pcisim_evq_free(struct pcisim_evq *q);

/* Out-of-line halves of the inline operations below; not for direct use. */
int pcisim_evq_push_slow(struct pcisim_evq *q, uint64_t time, uint64_t tie);
bool pcisim_evq_peek_slow(struct pcisim_evq *q, unsigned b, struct pcisim_evq_key *out);
void pcisim_evq_drop_slow(struct pcisim_evq *q);

/** Returns 0, or -1 when memory runs out. */
static inline int pcisim_evq_push(struct pcisim_evq *q, uint64_t time, uint64_t tie)
{
	if (time > q->last) {
		unsigned b = pcisim_evq_bucket_of(time, q->last);
		struct pcisim_evq_bucket *v = &q->bucket[b];
		uint32_t n = v->n;
		if (n < PCISIM_EVQ_HOME) {
			q->home[b][n].time = time;
			q->home[b][n].tie = tie;
			v->n = n + 1;
			if (!n)
				pcisim_evq_mark(q, b);
			q->n++;
			return 0;
		}
		if (v->tn < PCISIM_EVQ_BLOCK_KEYS) {
			/* Room in the tail block. */
			struct pcisim_evq_key *k = &v->tail->k[v->tn++];
			k->time = time;
			k->tie = tie;
			v->n = n + 1;
			q->n++;
			return 0;
		}
	}
	return pcisim_evq_push_slow(q, time, tie);
}

/**
 * pcisim_evq_peek() - the smallest key into @out; false when empty. May reorganise
 * the queue (never its contents); pcisim_evq_drop_min() removes that key, if called
 * before any push.
 */
static inline bool pcisim_evq_peek(struct pcisim_evq *q, struct pcisim_evq_key *out)
{
	if (q->nearly) {
		q->src = PCISIM_EVQ_SRC_EARLY;
		*out = q->early[0];
		return true;
	}
	if (!q->ncur) {
		if (!q->summary)
			return false;
		unsigned b = pcisim_evq_lowest(q);
		struct pcisim_evq_bucket *v = &q->bucket[b];
		if (v->n != 1)
			return pcisim_evq_peek_slow(q, b, out);
		/* The common case: the next key is alone in the lowest bucket. */
		q->src = PCISIM_EVQ_SRC_BUCKET;
		q->sel_b = b;
		q->sel_i = 0;
		*out = q->home[b][0];
		return true;
	}
	q->src = PCISIM_EVQ_SRC_CUR;
	out->time = q->last;
	out->tie = q->cur[0];
	return true;
}

/** Remove the key the last pcisim_evq_peek() returned (no push in between). */
static inline void pcisim_evq_drop_min(struct pcisim_evq *q)
{
	if (q->src == PCISIM_EVQ_SRC_BUCKET) {
		struct pcisim_evq_key *k = q->home[q->sel_b]; /* a selected bucket is all home */
		uint32_t n = --q->bucket[q->sel_b].n;
		if (n) {
			k[q->sel_i] = k[n];
		} else {
			/* The key was alone: it becomes the base (keeps later keys low). */
			q->last = k[0].time;
			pcisim_evq_unmark(q, q->sel_b);
		}
		q->n--;
		return;
	}
	if (q->src == PCISIM_EVQ_SRC_CUR && q->ncur == 1) {
		q->ncur = 0;
		q->n--;
		return;
	}
	pcisim_evq_drop_slow(q);
}

/**
 * pcisim_evq_prefetch_next() - prefetch the payload of a key that comes up next (or
 * soon), so the caller's work on the current one hides the wait.
 */
static inline void pcisim_evq_prefetch_next(const struct pcisim_evq *q)
{
	if (q->summary) {
		unsigned b = pcisim_evq_lowest(q);
		uint32_t n = q->bucket[b].n < 4 ? q->bucket[b].n : 4;
		for (uint32_t i = 0; i < n; i++)
			__builtin_prefetch(q->pf_base + ((size_t)pcisim_evq_tie_slot(q->home[b][i].tie)
							 << q->pf_shift));
	}
}

/**
 * pcisim_evq_pop_until() - remove the smallest key into @out if its time is at most
 * @until; false (and nothing removed) when the queue is empty or its smallest key
 * lies after @until. The engine's loop.
 */
static inline bool pcisim_evq_pop_until(struct pcisim_evq *q, uint64_t until,
					struct pcisim_evq_key *out)
{
	if (!(q->nearly | q->ncur) && q->summary) {
		unsigned b = pcisim_evq_lowest(q);
		struct pcisim_evq_bucket *v = &q->bucket[b];
		if (v->n == 1) {
			/* The common case: the next key is alone in the lowest bucket. */
			if (q->home[b][0].time > until)
				return false;
			*out = q->home[b][0];
			v->n = 0;
			q->last = out->time;
			pcisim_evq_unmark(q, b);
			q->n--;
			return true;
		}
	}
	if (!pcisim_evq_peek(q, out) || out->time > until)
		return false;
	pcisim_evq_drop_min(q);
	return true;
}

/** Removes the smallest key into @out; false when empty. */
static inline bool pcisim_evq_pop(struct pcisim_evq *q, struct pcisim_evq_key *out)
{
	if (!pcisim_evq_peek(q, out))
		return false;
	pcisim_evq_drop_min(q);
	return true;
}

/**
 * pcisim_evq_replace_min() - drop the minimum and push (@time, @tie) in one step
 * (the "handler schedules one event" case). The queue must not be empty. Returns 0,
 * or -1 when memory runs out (the minimum is dropped all the same).
 */
int pcisim_evq_replace_min(struct pcisim_evq *q, uint64_t time, uint64_t tie);

static inline bool pcisim_evq_empty(const struct pcisim_evq *q)
{
	return q->n == 0;
}

static inline size_t pcisim_evq_size(const struct pcisim_evq *q)
{
	return q->n;
}

/**
 * pcisim_evq_set_prefetch() - where the payloads live: slot s at @base + (s << @shift).
 * Keys moving towards the front then prefetch their payloads, which are read soon
 * after. A hint only (a prefetch never faults): the addresses need not be valid.
 */
static inline void pcisim_evq_set_prefetch(struct pcisim_evq *q, const void *base, unsigned shift)
{
	q->pf_base = base;
	q->pf_shift = shift;
}

/** pcisim_evq_find_slot() - the key naming @slot, by a linear scan (diagnostics). */
bool pcisim_evq_find_slot(const struct pcisim_evq *q, uint32_t slot, struct pcisim_evq_key *out);

/**
 * pcisim_evq_remove_if() - drop every key for which @dead(@ctx, tie) is true, keeping
 * the order of the others; returns how many were dropped. O(n).
 */
/** Every queued key into @out (room for pcisim_evq_size()), in no particular order. */
size_t pcisim_evq_keys(const struct pcisim_evq *q, struct pcisim_evq_key *out);
/**
 * pcisim_evq_load() - make @q hold exactly the @n keys @keys, with base @last (a
 * queue saved by pcisim_evq_keys() pops the same keys in the same order again).
 */
void pcisim_evq_load(struct pcisim_evq *q, uint64_t last, const struct pcisim_evq_key *keys, size_t n);
size_t pcisim_evq_remove_if(struct pcisim_evq *q, bool (*dead)(void *ctx, uint64_t tie), void *ctx);

#endif
