/*
 * The simulation engine: time, the event pool and queue, the component registry and
 * the running trace hash.
 *
 * Events. An event is a 64-byte record in the engine's pool: its kind (a name and a
 * handler), a target component, four 64-bit payload words that are hashed, and one
 * pointer that is not (pointers must never reach the hash). Scheduling returns a
 * pcisim_timer handle that can cancel it.
 *
 * Order and rules (tests/test_sim.c checks each):
 *  - events fire by (time, class, sequence): at one time, lower classes first, and
 *    within a class in the order they were scheduled;
 *  - an event a handler schedules for "now" runs after every event already due now
 *    in its class or a lower one (it gets a larger sequence number);
 *  - an event scheduled in the past is an engine error (assert): models schedule at
 *    now + delay;
 *  - cancelling a pending event removes it (it will not run, and is not hashed);
 *    cancelling a handle that already ran or was cancelled does nothing;
 *  - a handler gets a copy of its event: the pool slot is already free (and may be
 *    reused by the first event the handler schedules), so keep nothing of it;
 *  - a pointer from pcisim_event_new() is valid only until the next allocation
 *    (the pool may grow): fill it and post it at once;
 *  - with a rank hook installed (fuzz, explore; struct pcisim_hooks), events at
 *    one time and class run by (rank, sequence) instead.
 *
 * Machines. A scenario with several machines (machines:) builds each into a view: a
 * struct pcisim_sim of its own for what belongs to one machine (its components and
 * their names, its fabric, host and other upper-layer state), attached to the engine
 * sim that runs them all (pcisim_sim_view_init). A view has no events, time, hash or
 * trace of its own: scheduling, cancelling, tracing and hashing through a view act on
 * its engine, and the engine keeps every view's now equal to its own. A handler runs
 * with the sim of its event's target (a view's component gets its view); an event a
 * view schedules without a target gets the view's own component "-" as its target. Component
 * paths in a view start with the machine's name ("fm/pcie.0/..."), and a name
 * "MACHINE/ID" finds a view's component from the engine or another view.
 *
 * The hash. Before each event runs, the engine folds its record
 *   (time, kind code, target id, a[0], a[1], a[2], a[3]) as seven little-endian
 *   uint64 into hash = XXH3_64bits_withSeed(record, 56, hash);
 * trace records fold in the same way (see trace.h). The kind code is the XXH3-64 of
 * the kind's name, so the hash does not depend on registration order or addresses.
 */
#ifndef PCISIM_CORE_SIM_H
#define PCISIM_CORE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/diag.h"
#include "sim/core/evq.h"
#include "sim/core/rng.h"
#include "sim/core/time.h"

struct pcisim_sim;
struct pcisim_event;
struct pcisim_comp;
struct pcisim_trace;

typedef void (*pcisim_handler_fn)(struct pcisim_sim *sim, struct pcisim_event *ev);

/** An event kind: define one static per kind with PCISIM_EVKIND. */
struct pcisim_evkind {
	const char *name;     /* "slot.cmd_complete": stable, it feeds the hash */
	pcisim_handler_fn fn; /* the handler */
	uint64_t code;        /* XXH3-64 of name, computed on first use */
	unsigned flags;       /* PCISIM_EVK_*; never hashed */
};
#define PCISIM_EVKIND(var, kname, handler) \
	static struct pcisim_evkind var = {.name = (kname), .fn = (handler), .code = 0}

/*
 * PCISIM_EVK_CONCURRENT: events of this kind may run in any order among the events
 * due at the same time in the same class (they model things that happen at once,
 * e.g. two timeline steps at one time). Ordinary runs keep the scheduling order;
 * fuzz and explore install a rank hook (struct pcisim_hooks) that permutes them.
 */
#define PCISIM_EVK_CONCURRENT 1u
#define PCISIM_EVKIND_CONCURRENT(var, kname, handler)                                       \
	static struct pcisim_evkind var = {.name = (kname), .fn = (handler), .code = 0,      \
					   .flags = PCISIM_EVK_CONCURRENT}

struct pcisim_event {
	struct pcisim_evkind *kind;
	struct pcisim_comp *target; /* may be NULL */
	void *ptr;                  /* unhashed payload (owned by the model) */
#if UINTPTR_MAX == UINT32_MAX
	uint32_t pad32[3]; /* 32-bit targets: the record stays 64 bytes (sim.c) */
#endif
	uint32_t gen;               /* generation of this pool slot */
	uint32_t state;             /* engine-private */
	uint64_t a[4];              /* hashed payload */
};

/** Handle of a scheduled event; {0, 0} is "none". */
typedef struct {
	uint32_t slot, gen;
} pcisim_timer;

/* Priority classes: at one time, lower classes run first. */
enum pcisim_class {
	PCISIM_CLASS_HW = 4,      /* hardware state changes */
	PCISIM_CLASS_MSG = 6,     /* message and TLP delivery */
	PCISIM_CLASS_IRQ = 7,     /* host interrupt handlers (hard IRQ context) */
	PCISIM_CLASS_HOST = 8,    /* host software models */
	PCISIM_CLASS_ACTION = 10, /* scenario timeline actions */
	PCISIM_CLASS_LATE = 14,   /* end-of-time checks */
};

/*
 * Hooks for recording, replaying, fuzzing and exploring a run (replay/ installs them).
 * sim->hooks is NULL in ordinary runs, and then nothing here changes a run or its
 * hash. Every member may be NULL.
 *
 * - event: called for each executed event after its record was folded into the hash
 *   and before its handler runs (sim->now is its time).
 * - rank: called for each posted event of a kind flagged PCISIM_EVK_CONCURRENT (the
 *   others have rank 0); returns its rank, 0..PCISIM_RANK_MAX. Among
 *   the events due at the same time in the same class, lower ranks run first, equal
 *   ranks in scheduling order. Rank 0 for every event is the ordinary order (the
 *   queue keys are then bit for bit those of a run without hooks). With a rank hook
 *   a run may schedule at most 2^PCISIM_RANK_SHIFT events (the rank takes the top
 *   bits of the sequence number in the key; see evq.h). The hook must record its
 *   answers so that a replay gives the same ranks (replay/ does).
 * - jitter: the value of a model latency declared with pcisim_jitter().
 */
#define PCISIM_RANK_BITS 8
#define PCISIM_RANK_MAX ((1u << PCISIM_RANK_BITS) - 1)
#define PCISIM_RANK_SHIFT (PCISIM_EVQ_SEQ_BITS - PCISIM_RANK_BITS)

struct pcisim_hooks {
	void *ctx;
	void (*event)(void *ctx, struct pcisim_sim *sim, const struct pcisim_event *ev);
	unsigned (*rank)(void *ctx, struct pcisim_sim *sim, const struct pcisim_event *ev,
			 pcisim_time when, unsigned cls);
	pcisim_time (*jitter)(void *ctx, struct pcisim_sim *sim, struct pcisim_comp *c,
			      const char *site, pcisim_time nominal, pcisim_time lo, pcisim_time hi);
};

/**
 * struct pcisim_watchdog - bounds a front end puts on a run, so that no input can
 * exhaust the machine: the run stops after @max_events events (0: no bound), and
 * every @every events @check (optional) may stop it for a reason of its own (memory,
 * output size), returning why, or NULL to go on. A stopped run has stopped_by set.
 * The model never sees the watchdog: it decides only whether the run goes on.
 */
struct pcisim_watchdog {
	uint64_t max_events;
	uint64_t every;
	const char *(*check)(void *ctx, struct pcisim_sim *sim);
	void *ctx;
};

/** An opaque key for attaching state of an upper layer to a sim (pointer identity). */
struct pcisim_ext_key {
	const char *name;
};

struct pcisim_heap;

struct pcisim_sim {
	pcisim_time now;
	uint64_t seed;
	uint64_t hash;     /* running hash over executed events and trace records */
	uint64_t executed; /* events executed */
	uint64_t seq;      /* next sequence number */
	bool stopping;
	/*
	 * Set by a caller that will not read the hash (a fuzz campaign's runs): no event or
	 * record is folded into it, and a record that no sink watches and no trace keeps
	 * is not made at all (pcisim_recording()). What the model does is the same.
	 */
	bool unhashed;
	struct pcisim_diag *diag; /* where model errors go */

	struct pcisim_evq q;
	struct pcisim_event *pool;
	uint32_t *free_next; /* free list through slot indices */
	uint32_t pool_cap, free_head, pending;

	struct pcisim_comp **comps; /* by id; never reordered */
	uint32_t ncomps, capcomps;
	struct pcisim_comp **index; /* open-addressing table by name and by path */
	uint32_t index_cap;

	struct pcisim_trace *trace;
	const struct pcisim_hooks *hooks; /* NULL: an ordinary run (see struct pcisim_hooks) */
	const struct pcisim_watchdog *watchdog; /* NULL: unbounded (see struct pcisim_watchdog) */
	uint64_t next_watch;    /* executed count of the watchdog's next look */
	const char *stopped_by; /* why the watchdog stopped the run, else NULL */

	/* machines: a view's engine (NULL: this sim runs its own events), its machine's
	 * name, and an engine's views in the order they were attached */
	struct pcisim_sim *engine;
	const char *machine;
	struct pcisim_comp *anchor; /* a view's own component "-": the target of its target-less events */
	struct pcisim_sim **views;
	size_t nviews, capviews;

	/* upper-layer state (pcisim_ext_set), in the order the keys were first set */
	struct pcisim_ext {
		const struct pcisim_ext_key *key;
		void *val;
		void (*destroy)(void *val);
	} *ext;
	size_t nexts, capexts;
	/* the last answers of pcisim_ext_get(), by a hash of the key's address (models ask
	 * per memory access, often for a key never set): the key and its index + 1, 0 for
	 * none; pcisim_ext_set() keeps them true */
	struct pcisim_ext_hint {
		const struct pcisim_ext_key *key;
		size_t at;
	} ext_hint[16];

	/* where the models' memory lives (heap.h); a snapshot copies it (snapshot.h) */
	struct pcisim_heap *heap;
	bool heap_shared; /* a machine view: the heap is its engine's */

	/* upper layers' caches outside the heap: kept across snapshot restores, freed
	 * with the sim (pcisim_sim_cache_get) */
	struct pcisim_sim_cache *caches;
};

/** pcisim_sim_init() - an empty simulation at time 0 with @seed; @diag may be NULL. */
int pcisim_sim_init(struct pcisim_sim *sim, uint64_t seed, struct pcisim_diag *diag);
void pcisim_sim_free(struct pcisim_sim *sim);

/**
 * pcisim_sim_view_init() - @view (uninitialised) becomes the view of machine @name
 * (kept, not copied) run by @engine (see "Machines" above); freed with pcisim_sim_free()
 * before the engine. Returns 0 or a negative PCISIM_E*.
 */
int pcisim_sim_view_init(struct pcisim_sim *view, struct pcisim_sim *engine, const char *name);
/** The engine that runs @sim's events: @sim itself unless it is a view. */
static inline struct pcisim_sim *pcisim_engine(struct pcisim_sim *sim)
{
	return __builtin_expect(sim->engine != NULL, 0) ? sim->engine : sim;
}

/**
 * pcisim_sim_enter() - make @sim's heap current (heap.h) for memory that belongs to
 * the run (state an upper layer keeps per run and wants in snapshots); returns the
 * heap that was current, for pcisim_heap_leave(). The engine does this itself
 * around building the machine and running events.
 */
struct pcisim_heap *pcisim_sim_enter(struct pcisim_sim *sim);

/**
 * pcisim_sim_cache_get() / pcisim_sim_cache_set() - what an upper layer computes once
 * for the engine of @sim and reuses in every run restored into it (a migration's
 * destination machine, built from the same command line each time): never part of a
 * run's state, so kept outside the heap and across snapshot restores; @destroy runs
 * when the sim is freed. A cached value must not depend on anything a run changes.
 */
void *pcisim_sim_cache_get(struct pcisim_sim *sim, const void *key);
void pcisim_sim_cache_set(struct pcisim_sim *sim, const void *key, void *val, void (*destroy)(void *val));

/** Allocate an event (zeroed); fill a[] and ptr, then pcisim_post() it. */
struct pcisim_event *pcisim_event_new(struct pcisim_sim *sim, struct pcisim_evkind *kind,
				      struct pcisim_comp *target);
/** Queue @ev to fire at absolute time @when (>= now) in class @cls. */
pcisim_timer pcisim_post(struct pcisim_sim *sim, struct pcisim_event *ev, pcisim_time when,
			 unsigned cls);
/** Shorthand: an event at now + @delay with payload words a0, a1. */
pcisim_timer pcisim_schedule(struct pcisim_sim *sim, pcisim_time delay, unsigned cls,
			     struct pcisim_evkind *kind, struct pcisim_comp *target, uint64_t a0,
			     uint64_t a1);
/** Cancel; returns true when a pending event was cancelled. Resets *@t to none. */
bool pcisim_cancel(struct pcisim_sim *sim, pcisim_timer *t);
/** Is the event behind @t still pending? */
bool pcisim_pending(const struct pcisim_sim *sim, pcisim_timer t);
/** Time of the pending event behind @t (PCISIM_TIME_MAX if none). */
pcisim_time pcisim_when(const struct pcisim_sim *sim, pcisim_timer t);

/**
 * pcisim_run() - execute events in order until none is left, the next one lies after
 * @until, or pcisim_stop() was called. Unless stopped, time then stands at @until
 * (also when the queue emptied earlier); a stopped run stands at its last event.
 * Returns the number of events executed.
 */
uint64_t pcisim_run(struct pcisim_sim *sim, pcisim_time until);
/** Execute exactly one event (if any at or before @until); false when none. */
bool pcisim_step(struct pcisim_sim *sim, pcisim_time until);
void pcisim_stop(struct pcisim_sim *sim);
/** Time of the next pending event, PCISIM_TIME_MAX when none. */
pcisim_time pcisim_next_time(struct pcisim_sim *sim);
/** The next pending event's time and class into @when and @cls; false when none. */
bool pcisim_next_key(struct pcisim_sim *sim, pcisim_time *when, unsigned *cls);

/** Fold 56 bytes (7 words) into the running hash (engine and trace use this). */
void pcisim_hash_fold(struct pcisim_sim *sim, const uint64_t w[7]);
/** XXH3-64 of a string: the stable code of a name. */
uint64_t pcisim_name_code(const char *s);

/**
 * pcisim_jitter() - a model latency that may vary within declared bounds: @nominal
 * (what ordinary runs use, so their traces do not change) and the closed interval
 * [@lo, @hi] it may take under fuzz (lo <= nominal <= hi). @site is a stable name
 * ("pciehp.link_wait"); fuzz draws a value and records it, replay re-applies it.
 */
static inline pcisim_time pcisim_jitter(struct pcisim_sim *sim, struct pcisim_comp *c,
					const char *site, pcisim_time nominal, pcisim_time lo,
					pcisim_time hi)
{
	if (__builtin_expect(!sim->hooks || !sim->hooks->jitter, 1))
		return nominal;
	pcisim_time v = sim->hooks->jitter(sim->hooks->ctx, sim, c, site, nominal, lo, hi);
	return v < lo || v > hi ? nominal : v;
}

/**
 * Attach upper-layer state under @key (replaces the value of a key already set, running
 * the old value's destroy); @destroy runs at sim free, newest key first. Any number of
 * keys.
 */
void pcisim_ext_set(struct pcisim_sim *sim, const struct pcisim_ext_key *key, void *val,
		    void (*destroy)(void *val));
void *pcisim_ext_lookup(const struct pcisim_sim *sim, const struct pcisim_ext_key *key);
/* A slot of ext_hint for @key: the address only finds a hint, never orders anything. */
static inline unsigned pcisim_ext_hint_of(const struct pcisim_ext_key *key)
{
	return (unsigned)(((uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15ull) >> 60);
}
static inline void *pcisim_ext_get(const struct pcisim_sim *sim, const struct pcisim_ext_key *key)
{
	/* inline for a hint that answers (models ask per memory access); else the list */
	const struct pcisim_ext_hint *h = &sim->ext_hint[pcisim_ext_hint_of(key)];
	if (__builtin_expect(h->key == key, 1))
		return h->at ? sim->ext[h->at - 1].val : NULL;
	return pcisim_ext_lookup(sim, key);
}

#endif
