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
 *    still queued (a handler may schedule for "now"), and are still ordered correctly.
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

struct pcisim_evq {
	struct pcisim_evq_key *heap; /* 4-ary min-heap, heap[0] is the minimum */
	size_t n, cap;
};

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
/** Returns 0, or -1 when memory runs out. */
int pcisim_evq_push(struct pcisim_evq *q, uint64_t time, uint64_t tie);
/** Removes the smallest key into @out; false when empty. */
bool pcisim_evq_pop(struct pcisim_evq *q, struct pcisim_evq_key *out);
/**
 * pcisim_evq_replace_min() - drop the minimum and push (@time, @tie) in one step
 * (one sift instead of two: the common "handler schedules one event" case).
 * The queue must not be empty.
 */
void pcisim_evq_replace_min(struct pcisim_evq *q, uint64_t time, uint64_t tie);

static inline bool pcisim_evq_empty(const struct pcisim_evq *q)
{
	return q->n == 0;
}

static inline const struct pcisim_evq_key *pcisim_evq_min(const struct pcisim_evq *q)
{
	return q->n ? &q->heap[0] : NULL;
}

static inline size_t pcisim_evq_size(const struct pcisim_evq *q)
{
	return q->n;
}

#endif
