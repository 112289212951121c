/*
 * The engine: event pool, queue, run loop, running hash, upper-layer attachments.
 */
#include "sim/core/sim.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
/* The header-only build of the same library: the 56-byte fold inlines into the loop. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "sim/core/component.h"
#include "sim/core/grow.h"
#include "sim/core/heap.h"
#include "sim/core/trace.h"
#include "sim/core/heap.h"

_Static_assert(sizeof(struct pcisim_event) == 1u << 6, "pool records are 64 bytes");

enum { EV_FREE = 0, EV_PENDING = 1, EV_CANCELLED = 2 };

#define NO_SLOT UINT32_MAX

static void oom(void)
{
	fprintf(stderr, "pcisim: out of memory\n");
	abort();
}

/*
 * The pool is made for the first event (a sim that never posts one, such as a
 * migration's destination, has none) with room for 128, a few times what a machine
 * keeps queued: the pool is part of every snapshot, which copies it whole
 * (docs/snapshots.md). It lives in the sim's heap, whichever heap is current.
 */
#define POOL_FIRST 128

static void pool_grow(struct pcisim_sim *sim)
{
	struct pcisim_heap *prev = pcisim_heap_enter(sim->heap);
	uint32_t ncap = sim->pool_cap ? sim->pool_cap * 2 : POOL_FIRST;
	if (ncap > PCISIM_EVQ_SLOT_MAX + 1u) {
		if (sim->pool_cap == PCISIM_EVQ_SLOT_MAX + 1u) {
			fprintf(stderr, "pcisim: more than %u events pending at once\n",
				PCISIM_EVQ_SLOT_MAX + 1u);
			abort();
		}
		ncap = PCISIM_EVQ_SLOT_MAX + 1u;
	}
	struct pcisim_event *np = pcisim_realloc(sim->pool, (size_t)ncap * sizeof(*np));
	uint32_t *nf = pcisim_realloc(sim->free_next, (size_t)ncap * sizeof(*nf));
	if (!np || !nf)
		oom();
	memset(np + sim->pool_cap, 0, (size_t)(ncap - sim->pool_cap) * sizeof(*np));
	/* Push new slots so that the lowest index is handed out first. */
	for (uint32_t i = ncap; i-- > sim->pool_cap;) {
		np[i].gen = 1;
		nf[i] = sim->free_head;
		sim->free_head = i;
	}
	sim->pool = np;
	sim->free_next = nf;
	sim->pool_cap = ncap;
	pcisim_evq_set_prefetch(&sim->q, np, 6);
	pcisim_heap_leave(prev);
}

int pcisim_sim_init(struct pcisim_sim *sim, uint64_t seed, struct pcisim_diag *diag)
{
	memset(sim, 0, sizeof(*sim));
	sim->seed = seed;
	sim->diag = diag;
	sim->free_head = NO_SLOT;
	/* The queue's storage is the engine's, outside the heap: a snapshot keeps its
	 * keys instead (snapshot.c), which is far less than its buckets. */
	if (pcisim_evq_init(&sim->q, 1024))
		return PCISIM_ERR(PCISIM_ENOMEM);
	if (!(sim->heap = pcisim_heap_new())) {
		pcisim_evq_free(&sim->q);
		return PCISIM_ERR(PCISIM_ENOMEM);
	}
	return 0;
}

static void anchor_destroy(struct pcisim_comp *c)
{
	pcisim_free(c);
}

static const struct pcisim_comp_ops anchor_ops = {.type = "machine", .destroy = anchor_destroy};

int pcisim_sim_view_init(struct pcisim_sim *view, struct pcisim_sim *engine, const char *name)
{
	int rc = pcisim_sim_init(view, engine->seed, engine->diag);
	if (rc)
		return rc;
	/* A view's memory is its engine's: one heap, so one snapshot holds every machine
	 * (docs/snapshots.md). Its own event pool is never used (the engine runs events). */
	pcisim_free(view->pool);
	pcisim_free(view->free_next);
	view->pool = NULL;
	view->free_next = NULL;
	view->pool_cap = 0;
	pcisim_evq_free(&view->q); /* nor its queue: empty, so every snapshot carries less */
	pcisim_heap_delete(view->heap);
	view->heap = engine->heap;
	view->heap_shared = true;
	struct pcisim_heap *prev = pcisim_heap_enter(engine->heap);
	/* the view's own component: events its models post without a target run with the
	 * view (their handlers reach the view's fabric and state) */
	view->machine = name;
	view->anchor = pcisim_calloc(1, sizeof(*view->anchor));
	if (!view->anchor || (rc = pcisim_comp_add(view, view->anchor, NULL, "-", &anchor_ops))) {
		pcisim_free(view->anchor);
		pcisim_heap_leave(prev);
		return rc ? rc : PCISIM_ERR(PCISIM_ENOMEM);
	}
	view->engine = engine;
	view->machine = name;
	view->hooks = engine->hooks;
	view->now = engine->now;
	if (engine->nviews == engine->capviews) {
		size_t nc = engine->capviews ? engine->capviews * 2 : 4;
		struct pcisim_sim **nv = pcisim_realloc(engine->views, nc * sizeof(*nv));
		if (!nv) {
			pcisim_heap_leave(prev);
			return PCISIM_ERR(PCISIM_ENOMEM);
		}
		engine->views = nv;
		engine->capviews = nc;
	}
	engine->views[engine->nviews++] = view;
	pcisim_heap_leave(prev);
	return 0;
}

struct pcisim_heap *pcisim_sim_enter(struct pcisim_sim *sim)
{
	return pcisim_heap_enter(sim->heap);
}

struct pcisim_sim_cache {
	const void *key;
	void *val;
	void (*destroy)(void *val);
	struct pcisim_sim_cache *next;
};

void *pcisim_sim_cache_get(struct pcisim_sim *sim, const void *key)
{
	for (struct pcisim_sim_cache *c = pcisim_engine(sim)->caches; c; c = c->next)
		if (c->key == key)
			return c->val;
	return NULL;
}

void pcisim_sim_cache_set(struct pcisim_sim *sim, const void *key, void *val, void (*destroy)(void *val))
{
	sim = pcisim_engine(sim);
	struct pcisim_heap *h = pcisim_heap_enter(NULL); /* outside the run's heap */
	struct pcisim_sim_cache *c = pcisim_calloc(1, sizeof(*c));
	pcisim_heap_leave(h);
	if (!c) {
		fprintf(stderr, "pcisim: out of memory\n");
		abort();
	}
	*c = (struct pcisim_sim_cache){key, val, destroy, sim->caches};
	sim->caches = c;
}

static void caches_free(struct pcisim_sim *sim)
{
	struct pcisim_heap *h = pcisim_heap_enter(NULL);
	while (sim->caches) {
		struct pcisim_sim_cache *c = sim->caches;
		sim->caches = c->next;
		if (c->destroy)
			c->destroy(c->val);
		pcisim_free(c);
	}
	pcisim_heap_leave(h);
}

void pcisim_sim_free(struct pcisim_sim *sim)
{
	caches_free(sim);
	struct pcisim_heap *heap = sim->heap;
	for (size_t i = sim->nexts; i-- > 0;)
		if (sim->ext[i].destroy)
			sim->ext[i].destroy(sim->ext[i].val);
	pcisim_free(sim->ext);
	sim->ext = NULL;
	sim->nexts = 0;
	memset(sim->ext_hint, 0, sizeof(sim->ext_hint));
	/* Destroy components newest first: children before their parents. */
	for (uint32_t i = sim->ncomps; i-- > 0;) {
		struct pcisim_comp *c = sim->comps[i];
		char *name = c->name, *path = c->path;
		if (c->ops && c->ops->destroy)
			c->ops->destroy(c);
		pcisim_free(name);
		pcisim_free(path);
	}
	pcisim_free(sim->comps);
	pcisim_free(sim->index);
	pcisim_free(sim->views);
	if (sim->trace)
		pcisim_trace_free(sim->trace);
	pcisim_evq_free(&sim->q);
	pcisim_free(sim->pool);
	pcisim_free(sim->free_next);
	bool shared = sim->heap_shared;
	memset(sim, 0, sizeof(*sim));
	if (!shared)
		pcisim_heap_delete(heap);
}

/* Out of the hot path: the pool is empty (grow it), or a kind is used for the first time. */
static __attribute__((noinline, cold)) uint32_t pool_take_grow(struct pcisim_sim *sim)
{
	pool_grow(sim);
	return sim->free_head;
}

static __attribute__((noinline, cold)) void kind_init(struct pcisim_evkind *kind)
{
	kind->code = pcisim_name_code(kind->name);
}

struct pcisim_event *pcisim_event_new(struct pcisim_sim *sim, struct pcisim_evkind *kind,
				      struct pcisim_comp *target)
{
	if (__builtin_expect(sim->engine != NULL, 0)) {
		if (!target)
			target = sim->anchor; /* machines (sim.h): its handler runs with this view */
		sim = sim->engine;
	}
	uint32_t slot = sim->free_head;
	if (__builtin_expect(slot == NO_SLOT, 0))
		slot = pool_take_grow(sim);
	sim->free_head = sim->free_next[slot];
	struct pcisim_event *ev = &sim->pool[slot];
	ev->kind = kind;
	ev->target = target;
	ev->ptr = NULL;
	ev->state = EV_FREE;
	memset(ev->a, 0, sizeof(ev->a));
	if (__builtin_expect(!kind->code, 0))
		kind_init(kind);
	return ev;
}

/* Back to the free list (most recently freed first: its line is still in cache). */
static inline void release(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	uint32_t slot = (uint32_t)(ev - sim->pool);
	uint32_t gen = ev->gen + 1;
	ev->gen = gen + !gen; /* never 0: {0, 0} is "no timer" */
	ev->state = EV_FREE;
	sim->free_next[slot] = sim->free_head;
	sim->free_head = slot;
}

static __attribute__((noinline, cold, noreturn)) void too_many_ranked(void)
{
	fprintf(stderr, "pcisim: a run with a rank hook may schedule at most %llu events\n",
		1ull << PCISIM_RANK_SHIFT);
	abort();
}

/* Under a rank hook, an event of a concurrent kind: its rank above the sequence number
 * (see struct pcisim_hooks). */
static __attribute__((noinline)) uint64_t ranked_seq(struct pcisim_sim *sim, const struct pcisim_event *ev,
						     pcisim_time when, unsigned cls, uint64_t seq)
{
	struct pcisim_heap *h = pcisim_heap_enter(NULL); /* the hook's memory is its own */
	unsigned rank = sim->hooks->rank(sim->hooks->ctx, sim, ev, when, cls);
	pcisim_heap_leave(h);
	return (uint64_t)(rank & PCISIM_RANK_MAX) << PCISIM_RANK_SHIFT | seq;
}

pcisim_timer pcisim_post(struct pcisim_sim *sim, struct pcisim_event *ev, pcisim_time when,
			 unsigned cls)
{
	sim = pcisim_engine(sim);
	assert(when >= sim->now && "event scheduled in the past");
	assert(cls < 16);
	uint32_t slot = (uint32_t)(ev - sim->pool);
	if (sim->seq > PCISIM_EVQ_SEQ_MAX) {
		fprintf(stderr, "pcisim: event sequence numbers exhausted (%llu events)\n",
			(unsigned long long)sim->seq);
		abort();
	}
	uint64_t seq = sim->seq++;
	if (__builtin_expect(sim->hooks != NULL, 0) && sim->hooks->rank) {
		if (seq >> PCISIM_RANK_SHIFT)
			too_many_ranked();
		/* only these may run in another order: no call for the rest */
		if (ev->kind->flags & PCISIM_EVK_CONCURRENT)
			seq = ranked_seq(sim, ev, when, cls, seq);
	}
	if (pcisim_evq_push(&sim->q, when, pcisim_evq_tie(cls, seq, slot)))
		oom();
	ev->state = EV_PENDING;
	sim->pending++;
	return (pcisim_timer){slot, ev->gen};
}

pcisim_timer pcisim_schedule(struct pcisim_sim *sim, pcisim_time delay, unsigned cls,
			     struct pcisim_evkind *kind, struct pcisim_comp *target, uint64_t a0,
			     uint64_t a1)
{
	sim = pcisim_engine(sim);
	struct pcisim_event *ev = pcisim_event_new(sim, kind, target);
	ev->a[0] = a0;
	ev->a[1] = a1;
	return pcisim_post(sim, ev, pcisim_time_add(sim->now, delay), cls);
}

static struct pcisim_event *handle_event(const struct pcisim_sim *sim, pcisim_timer t)
{
	if (sim->engine)
		sim = sim->engine;
	if (!t.gen || t.slot >= sim->pool_cap)
		return NULL;
	struct pcisim_event *ev = &sim->pool[t.slot];
	if (ev->gen != t.gen || ev->state != EV_PENDING)
		return NULL;
	return ev;
}

bool pcisim_cancel(struct pcisim_sim *sim, pcisim_timer *t)
{
	struct pcisim_event *ev = handle_event(sim, *t);
	*t = (pcisim_timer){0, 0};
	if (!ev)
		return false;
	sim = pcisim_engine(sim);
	/* A tombstone: the key stays queued and is skipped, unhashed, when it surfaces. */
	ev->state = EV_CANCELLED;
	sim->pending--;
	return true;
}

bool pcisim_pending(const struct pcisim_sim *sim, pcisim_timer t)
{
	return handle_event(sim, t) != NULL;
}

pcisim_time pcisim_when(const struct pcisim_sim *sim, pcisim_timer t)
{
	struct pcisim_event *ev = handle_event(sim, t);
	if (!ev)
		return PCISIM_TIME_MAX;
	if (sim->engine)
		sim = sim->engine;
	/* Rare (diagnostics only): scan the queue for the slot. */
	struct pcisim_evq_key k;
	return pcisim_evq_find_slot(&sim->q, t.slot, &k) ? k.time : PCISIM_TIME_MAX;
}

uint64_t pcisim_name_code(const char *s)
{
	return XXH3_64bits(s, strlen(s));
}

/* The record as seven little-endian uint64 folded into @hash (see sim.h). */
static inline uint64_t hash_fold7(uint64_t hash, const uint64_t w[7])
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return XXH3_64bits_withSeed(w, 56, hash); /* the words are their own bytes */
#else
	unsigned char b[56];
	for (int i = 0; i < 7; i++)
		for (int j = 0; j < 8; j++)
			b[i * 8 + j] = (unsigned char)(w[i] >> (8 * j));
	return XXH3_64bits_withSeed(b, sizeof(b), hash);
#endif
}

void pcisim_hash_fold(struct pcisim_sim *sim, const uint64_t w[7])
{
	sim = pcisim_engine(sim);
	sim->hash = hash_fold7(sim->hash, w);
}

/*
 * Drop cancelled keys at the head; the smallest live key into @key, false when the
 * queue holds none. A tombstone's slot is released only here, so a slot is never
 * named by two queued keys.
 */
static inline __attribute__((always_inline)) bool skip_tombstones(struct pcisim_sim *sim,
								 struct pcisim_evq_key *key)
{
	while (pcisim_evq_peek(&sim->q, key)) {
		struct pcisim_event *ev = &sim->pool[pcisim_evq_tie_slot(key->tie)];
		if (ev->state != EV_CANCELLED)
			return true;
		pcisim_evq_drop_min(&sim->q);
		release(sim, ev);
	}
	return false;
}

pcisim_time pcisim_next_time(struct pcisim_sim *sim)
{
	sim = pcisim_engine(sim);
	struct pcisim_evq_key k;
	return skip_tombstones(sim, &k) ? k.time : PCISIM_TIME_MAX;
}

bool pcisim_next_key(struct pcisim_sim *sim, pcisim_time *when, unsigned *cls)
{
	sim = pcisim_engine(sim);
	struct pcisim_evq_key k;
	if (!skip_tombstones(sim, &k))
		return false;
	*when = k.time;
	*cls = pcisim_evq_tie_class(k.tie);
	return true;
}

/*
 * Run the event behind @key, just popped (a tombstone is released unrun and unhashed:
 * false). The handler gets a copy of the record: the slot goes back to the pool
 * first, so the handler's own events may reuse it (and a pool that grows under the
 * handler moves nothing the handler holds).
 */
static inline __attribute__((always_inline)) bool run_event(struct pcisim_sim *sim,
							    const struct pcisim_evq_key *key)
{
	struct pcisim_event *slot = &sim->pool[pcisim_evq_tie_slot(key->tie)];
	if (slot->state == EV_CANCELLED) {
		release(sim, slot);
		return false;
	}
	struct pcisim_event ev = *slot;
	release(sim, slot);
	pcisim_evq_prefetch_next(&sim->q); /* its record, while this handler runs */
	sim->now = key->time;
	sim->pending--;
	uint64_t w[7] = {key->time, ev.kind->code, ev.target ? ev.target->id : UINT32_MAX,
			 ev.a[0], ev.a[1], ev.a[2], ev.a[3]};
	struct pcisim_sim *hs = sim;
	if (__builtin_expect(sim->nviews != 0, 0)) {
		/* machines: every view's clock and hooks follow; a view's component is named
		 * in the hash by its path (ids are per view) and its handler gets its view */
		for (size_t i = 0; i < sim->nviews; i++) {
			sim->views[i]->now = sim->now;
			sim->views[i]->hooks = sim->hooks;
		}
		if (ev.target && ev.target->sim != sim) {
			hs = ev.target->sim;
			if (!sim->unhashed) /* a hash of the path: only for the hash */
				w[2] = pcisim_name_code(ev.target->path);
		}
	}
	if (__builtin_expect(!sim->unhashed, 1))
		sim->hash = hash_fold7(sim->hash, w);
	sim->executed++;
	if (__builtin_expect(sim->hooks != NULL, 0) && sim->hooks->event) {
		struct pcisim_heap *h = pcisim_heap_enter(NULL); /* the hook's memory is its own */
		sim->hooks->event(sim->hooks->ctx, sim, &ev);
		pcisim_heap_leave(h);
	}
	ev.kind->fn(hs, &ev);
	return true;
}

bool pcisim_step(struct pcisim_sim *sim, pcisim_time until)
{
	struct pcisim_evq_key key;
	struct pcisim_heap *prev = pcisim_heap_enter(sim->heap);
	bool ran = false;
	while (!ran && pcisim_evq_pop_until(&sim->q, until, &key))
		ran = run_event(sim, &key);
	pcisim_heap_leave(prev);
	return ran;
}

static void watch_next(struct pcisim_sim *sim, const struct pcisim_watchdog *w)
{
	uint64_t next = w->every ? sim->executed + w->every : UINT64_MAX;
	if (w->max_events && w->max_events < next)
		next = w->max_events;
	sim->next_watch = next;
}

static void watch(struct pcisim_sim *sim, const struct pcisim_watchdog *w)
{
	if (w->max_events && sim->executed >= w->max_events)
		sim->stopped_by = "event limit";
	else if (w->check) {
		struct pcisim_heap *h = pcisim_heap_enter(NULL);
		sim->stopped_by = w->check(w->ctx, sim);
		pcisim_heap_leave(h);
	}
	if (sim->stopped_by)
		sim->stopping = true;
	watch_next(sim, w);
}

static uint64_t run_loop(struct pcisim_sim *sim, pcisim_time until);

uint64_t pcisim_run(struct pcisim_sim *sim, pcisim_time until)
{
	struct pcisim_heap *prev = pcisim_heap_enter(sim->heap);
	uint64_t n = run_loop(sim, until);
	pcisim_heap_leave(prev);
	return n;
}

static uint64_t run_loop(struct pcisim_sim *sim, pcisim_time until)
{
	uint64_t before = sim->executed;
	struct pcisim_evq_key key;
	sim->stopping = false;
	const struct pcisim_watchdog *w = sim->watchdog;
	if (!w) {
		while (!sim->stopping && pcisim_evq_pop_until(&sim->q, until, &key))
			run_event(sim, &key);
	} else {
		/* The same loop with a look at the bounds every w->every events. */
		if (!sim->next_watch)
			watch_next(sim, w);
		while (!sim->stopping && !sim->stopped_by && pcisim_evq_pop_until(&sim->q, until, &key)) {
			run_event(sim, &key);
			if (sim->executed >= sim->next_watch)
				watch(sim, w);
		}
		if (sim->stopped_by)
			return sim->executed - before; /* the clock stays where the run stopped */
	}
	if (!sim->stopping && until != PCISIM_TIME_MAX && sim->now < until)
		sim->now = until;
	for (size_t i = 0; i < sim->nviews; i++)
		sim->views[i]->now = sim->now;
	return sim->executed - before;
}

void pcisim_stop(struct pcisim_sim *sim)
{
	pcisim_engine(sim)->stopping = true;
}

void pcisim_ext_set(struct pcisim_sim *sim, const struct pcisim_ext_key *key, void *val,
		    void (*destroy)(void *val))
{
	for (size_t i = 0; i < sim->nexts; i++)
		if (sim->ext[i].key == key) {
			if (sim->ext[i].destroy && sim->ext[i].val != val)
				sim->ext[i].destroy(sim->ext[i].val);
			sim->ext[i].val = val;
			sim->ext[i].destroy = destroy;
			return;
		}
	sim->ext = pcisim_grow(sim->ext, &sim->capexts, sim->nexts + 1, sizeof(*sim->ext));
	sim->ext[sim->nexts++] = (struct pcisim_ext){key, val, destroy};
	sim->ext_hint[pcisim_ext_hint_of(key)] = (struct pcisim_ext_hint){key, sim->nexts};
}

void *pcisim_ext_lookup(const struct pcisim_sim *sim, const struct pcisim_ext_key *key)
{
	/* a sim is never a const object: the const says the extensions do not change */
	struct pcisim_ext_hint *h = &((struct pcisim_sim *)sim)->ext_hint[pcisim_ext_hint_of(key)];
	size_t at = 0;
	for (size_t i = 0; i < sim->nexts && !at; i++)
		if (sim->ext[i].key == key)
			at = i + 1;
	*h = (struct pcisim_ext_hint){key, at};
	return at ? sim->ext[at - 1].val : NULL;
}
