/*
 * Snapshots (snapshot.h): the engine's record, the queue's keys, the heap's bytes.
 */
#include "sim/core/snapshot.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/evq.h"
#include "sim/core/heap.h"

struct pcisim_snapshot {
	struct pcisim_sim sim; /* the engine's record; its queue member is not used */
	uint64_t q_last;
	struct pcisim_evq_key *keys;
	size_t nkeys;
	struct pcisim_heap_image *image;
};

static void oom(void)
{
	fprintf(stderr, "pcisim: out of memory\n");
	abort();
}

struct pcisim_snapshot *pcisim_snapshot_take(struct pcisim_sim *sim)
{
	/* libc: a snapshot lives beside the sim, never in its heap */
	struct pcisim_snapshot *s = calloc(1, sizeof(*s));
	if (!s)
		oom();
	memcpy(&s->sim, sim, sizeof(*sim));
	memset(&s->sim.q, 0, sizeof(s->sim.q));
	s->q_last = sim->q.last;
	s->nkeys = pcisim_evq_size(&sim->q);
	s->keys = malloc((s->nkeys ? s->nkeys : 1) * sizeof(*s->keys)); /* libc: as above */
	if (!s->keys)
		oom();
	size_t n = pcisim_evq_keys(&sim->q, s->keys);
	(void)n;
	s->image = pcisim_heap_image_take(sim->heap);
	return s;
}

void pcisim_snapshot_restore(struct pcisim_sim *sim, const struct pcisim_snapshot *s)
{
	/* What the caller installed stays: hooks, bounds, diagnostics, caches. */
	const struct pcisim_hooks *hooks = sim->hooks;
	const struct pcisim_watchdog *watchdog = sim->watchdog;
	struct pcisim_diag *diag = sim->diag;
	struct pcisim_sim_cache *caches = sim->caches; /* outside the run's state */
	bool unhashed = sim->unhashed;
	pcisim_heap_image_restore(sim->heap, s->image);
	/* every member but the queue (large, and rebuilt from the keys below) */
	size_t qa = offsetof(struct pcisim_sim, q), qb = offsetof(struct pcisim_sim, pool);
	memcpy(sim, &s->sim, qa);
	memcpy((char *)sim + qb, (const char *)&s->sim + qb, sizeof(*sim) - qb);
	sim->hooks = hooks;
	sim->watchdog = watchdog;
	sim->diag = diag;
	sim->caches = caches;
	sim->unhashed = unhashed;
	pcisim_evq_load(&sim->q, s->q_last, s->keys, s->nkeys);
	pcisim_evq_set_prefetch(&sim->q, sim->pool, 6);
}

void pcisim_snapshot_free(struct pcisim_snapshot *s)
{
	if (!s)
		return;
	free(s->keys);
	pcisim_heap_image_free(s->image);
	free(s);
}

size_t pcisim_snapshot_bytes(const struct pcisim_snapshot *s)
{
	return sizeof(*s) + s->nkeys * sizeof(*s->keys) + pcisim_heap_image_bytes(s->image);
}
