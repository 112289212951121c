/*
 * One run of a scenario under control: where its choices come from (the scenario's
 * lower bounds, a random stream, a recorded trace, or explicit values), what it
 * records (a trace file, items handed to a callback), and what it concludes
 * (expectations and invariants, a failure signature). simulate --record, replay,
 * fuzz and explore all run scenarios through here, in the same order of calls as
 * `pcisim simulate`, so a run without perturbation gives simulate's trace hash.
 *
 * Choices. A ranged step's time (at: 0s..5s) is one choice per step; the rank of
 * an event whose kind is flagged PCISIM_EVK_CONCURRENT is one choice per such event
 * (sim.h, struct pcisim_hooks); a latency declared with pcisim_jitter() is one
 * choice per call. Each is recorded as a choice item, and replay feeds them back:
 * step times by step index, ranks and jitter in the order they were asked for.
 */
#ifndef PCISIM_REPLAY_RUNNER_H
#define PCISIM_REPLAY_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replay/tracefile.h"
#include "sim/core/rng.h"
#include "sim/core/scenario.h"

/* Without an 'until:' a run ends when nothing is left to do, or after this much time. */
#define PCISIM_DEFAULT_UNTIL (3600 * PCISIM_S)

/* Where a run's choices come from. */
enum pcisim_policy {
	PCISIM_POLICY_DEFAULT, /* lower bounds, scheduling order, nominal latencies */
	PCISIM_POLICY_RANDOM,  /* uniform draws from a stream (fuzz) */
	PCISIM_POLICY_REPLAY,  /* the choice items of a recorded run */
};

struct pcisim_invariant;
struct pcisim_event;
struct pcisim_sim;

struct pcisim_run_spec {
	struct pcisim_scenario *sc;
	uint64_t seed;
	pcisim_time until;
	enum pcisim_policy policy;
	struct pcisim_rng rng;   /* RANDOM */
	bool order;              /* RANDOM: permute concurrent events (rank hook) */
	bool jitter;             /* RANDOM: draw declared latencies; REPLAY: give them back */
	unsigned jitter_pct;     /* RANDOM: at most this many percent off nominal (0 = the model's bounds) */
	const struct pcisim_titem *replay; /* REPLAY: items of a trace (non-choices skipped) */
	size_t nreplay;
	/* Per step (sc->nsteps entries): a forced time, or PCISIM_TIME_MAX for the policy's. */
	const pcisim_time *step_at;
	/* Per step: false leaves the step out of the run (minimisation); NULL = all in. */
	const bool *step_on;
	/*
	 * The steps in this order (indices into sc->steps, each once; NULL = file order):
	 * steps due at the same time run in this order, as they would in a scenario file
	 * written in it (a reproducer of a failure that needed an order of steps).
	 */
	const size_t *step_order;
	/* Outputs. */
	struct pcisim_twriter *w; /* every item, header and end (the header from @hdr) */
	const struct pcisim_theader *hdr;
	void (*on_item)(void *ctx, const struct pcisim_titem *it); /* every item, as it happens */
	void *item_ctx;
	/* Before each event runs (sim->now is its time; explore hashes states here). */
	void (*on_event)(void *ctx, struct pcisim_sim *sim, const struct pcisim_event *ev);
	void *event_ctx;
	bool invariants;     /* check invariants too (default on via pcisim_run_spec_init) */
	const struct pcisim_invariant *const *invs; /* which ones, NULL-terminated; NULL = all */
	/* Called once the trace is attached, before the machine is built: more sinks
	 * (the timeline views of replay --perfetto/--vcd). */
	void (*at_start)(void *ctx, struct pcisim_sim *sim, const struct pcisim_scenario *sc);
	void *start_ctx;
	/* Called after the verdict, before the sim is freed (dumps, state hashes). */
	void (*at_end)(void *ctx, struct pcisim_sim *sim);
	void *end_ctx;
	FILE *report;        /* expectation lines as simulate prints them (NULL = none) */
	bool verbose_report; /* print passing expectations too */
	const struct pcisim_watchdog *watchdog; /* bounds on the run (NULL = none) */
	/* The caller does not read the result's hash (a fuzz campaign): the sim runs
	 * unhashed (sim.h), records nothing watches are not made, and res->hash is 0.
	 * Without a trace writer, res->failures is empty too (the signature, counts and
	 * inv_expect are kept): a campaign runs a finding again for its lines. */
	bool unhashed;
	/* The caller does not read res->choices (random and swarm runs, whose schedule is
	 * their seed): choices still reach the writer and on_item, but are not kept. */
	bool drop_choices;
};

struct pcisim_run_result {
	int rc; /* 0, or <0 when the scenario could not be instantiated (diag written) */
	uint64_t hash, events, records;
	uint64_t ran; /* events this call ran itself: a branched run's prefix ran in its parent */
	pcisim_time now;
	const char *reason; /* idle, stopped, time limit (static) */
	unsigned failed;     /* expectations that failed */
	unsigned violations; /* invariants that did not hold */
	char *signature;     /* "" when everything held (malloc'ed) */
	char **failures;     /* one line per failed expectation or invariant */
	size_t nfailures;
	pcisim_time *step_at; /* the time each step ran at (sc->nsteps; TIME_MAX = left out) */
	struct pcisim_titem *choices; /* every choice the run made (strings static or kept by the run) */
	size_t nchoices;
	const char **inv_expect; /* as_expect of each violated invariant that has one */
	size_t ninv_expect;
	bool replay_short; /* REPLAY: the recorded choices ran out or did not match */
	const char *stopped_by; /* a bound of the watchdog stopped the run (in @arena), else NULL */
	struct pcisim_arena arena; /* strings of choices and failures */
};

void pcisim_run_spec_init(struct pcisim_run_spec *s, struct pcisim_scenario *sc);
/** Run once; fills @res (free it with pcisim_run_result_free). Returns res->rc. */
int pcisim_run_scenario(const struct pcisim_run_spec *s, struct pcisim_run_result *res,
			struct pcisim_diag *d);
void pcisim_run_result_free(struct pcisim_run_result *res);

/*
 * Runs from a snapshot (docs/snapshots.md). Building the machine makes no choice, so
 * every run of a campaign starts from the same built machine: pcisim_run_base_new()
 * builds it once for runs like @proto (same scenario, seed, policy, order and jitter
 * switches, outputs of the same kinds) and snapshots it; pcisim_run_from() restores
 * that snapshot and plays the run from there, with exactly the result
 * pcisim_run_scenario() gives (a run that does not fit the base is run that way).
 * NULL from pcisim_run_base_new() when the scenario cannot be built (diag written),
 * or when its build makes choices (then every run builds its own machine).
 */
struct pcisim_run_base;
struct pcisim_run_base *pcisim_run_base_new(const struct pcisim_run_spec *proto, struct pcisim_diag *d);
int pcisim_run_from(struct pcisim_run_base *b, const struct pcisim_run_spec *s,
		    struct pcisim_run_result *res, struct pcisim_diag *d);
void pcisim_run_base_free(struct pcisim_run_base *b);
/** Memory the base's snapshots take (the built machine's and the shared prefix's). */
size_t pcisim_run_base_bytes(const struct pcisim_run_base *b);
/*
 * Events that every run from @b would execute alike before anything it chooses can
 * matter (0: none). The base ran them once; runs from it that choose their own times
 * from the whole scenario and record no items start after them (docs/snapshots.md).
 */
uint64_t pcisim_run_base_shared_events(const struct pcisim_run_base *b);

/*
 * Branched runs (pcisim explore, docs/snapshots.md). A cursor is a run of @parent
 * from @b's machine that pauses wherever a child is branched from it:
 * pcisim_run_branch() runs @child, which is @parent with one more step @s (the same
 * steps otherwise, in the same order, at the same forced times), from the parent
 * paused just before the time of @s (every event before it run, none at it), instead
 * of from time 0. The result, the trace hash and every state are those of
 * pcisim_run_from(@b, @child): the queued events get the sequence numbers, and the
 * queued steps the indices, the child's own schedule gives them (sim/core/scenario.h,
 * pcisim_scenario_insert_step). A child that does not fit (a chooser that draws or
 * replays, items or a trace written, a watchdog, a parent stopped before the time of
 * @s) runs from the built machine. Branching is cheapest with children in ascending
 * time of @s: the cursor runs on from its latest snapshot (taken where it saves more
 * events than copying the heap costs), and goes back to the start for an earlier
 * time. The cursor and the runs share @b's sim; each puts back what it needs. NULL
 * from pcisim_run_cursor_new() when @parent cannot be branched from
 * (pcisim_run_branch() with a NULL cursor runs from @b).
 */
struct pcisim_run_cursor;
struct pcisim_run_cursor *pcisim_run_cursor_new(struct pcisim_run_base *b, const struct pcisim_run_spec *parent);
int pcisim_run_branch(struct pcisim_run_cursor *cur, const struct pcisim_run_spec *child, size_t s,
		      struct pcisim_run_result *res, struct pcisim_diag *d);
void pcisim_run_cursor_free(struct pcisim_run_cursor *cur);

/* ---- recording a run that someone else drives (simulate --record) ---- */

struct pcisim_recorder;

/**
 * pcisim_recorder_start() - record the run in @sim (fresh, trace attached) of @sc into
 * @path: attaches the hooks and writes the header. Call before instantiate, and pass
 * pcisim_recorder_choose with the recorder to it. @sets (@nsets) are the --set
 * overrides already applied to @sc, recorded so that a replay applies them too. NULL (diag written) when @path
 * cannot be written.
 */
struct pcisim_recorder *pcisim_recorder_start(struct pcisim_sim *sim, struct pcisim_scenario *sc,
					      const char *path, enum pcisim_tformat f,
					      uint64_t seed, pcisim_time until,
					      const char *const *sets, size_t nsets, const char *origin,
					      struct pcisim_diag *d);
pcisim_time pcisim_recorder_choose(void *rec, const struct pcisim_step *s);
/**
 * pcisim_recorder_finish() - after the sim.end record: the verdict and the end item;
 * closes the file and frees @r. A NULL @reason means the run never started (the
 * file is removed). Returns 0, or -1 when writing failed (diag written).
 */
int pcisim_recorder_finish(struct pcisim_recorder *r, const char *reason, struct pcisim_diag *d);
/** Bytes the recorder wrote so far. */
uint64_t pcisim_recorder_bytes(const struct pcisim_recorder *r);

/* ---- scenarios in traces ---- */

/** XXH3-64 of the scenario's text, chained over its includes' texts. */
uint64_t pcisim_scenario_digest(const struct pcisim_scenario *sc);
/** A header describing @sc run with @seed, @until and overrides @sets. */
void pcisim_theader_for(struct pcisim_theader *h, const struct pcisim_scenario *sc, uint64_t seed,
			pcisim_time until, const char *const *sets, size_t nsets, const char *origin,
			struct pcisim_tinclude *incs /* room for sc->ndocs entries */);
/**
 * pcisim_scenario_from_header() - load the scenario trace @t embeds: its text under
 * its recorded name, its includes from the trace (never from the disk). Checks the
 * digest, and that the trace's includes are the files the scenario includes, by
 * name and in load order; an error names the trace and the header offset.
 */
int pcisim_scenario_from_header(struct pcisim_scenario *sc, const struct pcisim_tfile *t,
				struct pcisim_diag *d);

/**
 * pcisim_scenario_set() - apply one KEY=VALUE override from the command line
 * (--set): seed=N, until=TIME, SECTION.KEY=VALUE for the machine, host and fuzz
 * mappings (machine.qemu=8.1), or topology.ID.PROPERTY=VALUE for the topology entry
 * whose id is ID. Errors name "--set".
 */
int pcisim_scenario_set(struct pcisim_scenario *sc, const char *kv, struct pcisim_diag *d);
/**
 * pcisim_scenario_set_recorded() - the same for override @i of trace @t's header:
 * its errors, and a model's errors about the value it sets, name the trace and the
 * entry's offset. The latter through an alias pushed on @d, which lives in @sc:
 * the caller sets d->aliases back before it frees @sc.
 */
int pcisim_scenario_set_recorded(struct pcisim_scenario *sc, const struct pcisim_tfile *t, size_t i,
				 struct pcisim_diag *d);

/* ---- invariants ---- */

/**
 * An invariant: a property every run must have, checked after the run. @check
 * returns true when it holds, else says where it broke (@where: a component, or the
 * record that shows it) and what happened (@what). @as_expect, when not NULL, is an
 * expectation in YAML flow form that fails when the invariant is violated, so that a
 * reproducer scenario fails under `pcisim simulate` too.
 */
struct pcisim_invariant {
	const char *name;
	const char *help;
	bool (*check)(struct pcisim_sim *sim, const char *end_reason, char *where, size_t nw,
		      char *what, size_t nwhat);
	const char *as_expect;
	/*
	 * A violation is accounted for (`pcisim simulate` exits 0 on it) by an expectation
	 * of the scenario `@expected_kind: @expected_value` that holds, as the PDS race's
	 * `migration: failed` accounts for migration-completes; NULL when only an
	 * `invariant:` expectation can (replay/outcomes.h).
	 */
	const char *expected_kind, *expected_value;
};

/**
 * Register a table (ends with {0}); the built-in ones are registered at start-up. Any
 * number of tables, in registration order (a name in two tables is found in the
 * first); the same table registered again changes nothing.
 */
void pcisim_invariants_add(const struct pcisim_invariant *table);
const struct pcisim_invariant *pcisim_invariant_find(const char *name);
/** Does @sc opt out of invariant @name ({invariant: NAME, ignore: yes})? fuzz, explore
 * and replay then leave it unchecked, as simulate does. */
bool pcisim_invariant_ignored(const struct pcisim_scenario *sc, const char *name);
/** Names of every invariant, NULL-terminated (free() the array). */
const char **pcisim_invariant_names(void);
/**
 * Every invariant by name (what pcisim_invariant_find() finds for each of
 * pcisim_invariant_names()), NULL-terminated; kept, and made again only when a table
 * was registered since. A run's verdict asks for it.
 */
const struct pcisim_invariant *const *pcisim_invariant_all(void);
/** Why a finished run ended, as invariants take it: "stopped", "idle" or "time limit". */
const char *pcisim_run_end_reason(struct pcisim_sim *sim);
/** Register the built-in invariants, record kinds and the `invariant:` expectation. */
void pcisim_replay_register(void);

#endif
