/*
 * Fuzz campaigns (docs/fuzz.md): many runs of one scenario, each drawing its choices
 * from a stream of its own — step times from their ranges (at: 0s..5s), an order
 * among concurrent events, latencies within the bounds models declare — and checked
 * against the scenario's expectations and the invariants. Failing runs are grouped by
 * signature (what failed, where); the first run of each signature is saved (its trace)
 * and minimised by delta debugging to the fewest timeline steps, with step times
 * rounded, into a reproducer: a plain scenario that fails under `pcisim simulate`.
 *
 * Determinism: run r of a campaign draws from the stream (campaign seed, "fuzz",
 * "run r"), whatever process runs it. A campaign of N runs is the runs 0..N-1;
 * --shard i/K takes the runs r with r % K == i, --jobs J splits a process's runs among
 * J workers, and fuzz-merge adds shards' summaries: the same failures, counts and
 * first runs as one process running all of them.
 */
#ifndef PCISIM_REPLAY_FUZZ_H
#define PCISIM_REPLAY_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "replay/runner.h"

/*
 * How runs choose (docs/fuzz.md): random draws every choice uniformly (faults in or
 * out with probability 1/2); swarm also leaves each fault out, and the permutation of
 * concurrent events and the jitter of latencies off, per run with probability 1/2
 * (swarm testing); guided mutates schedules that reached new coverage (guided.h).
 */
enum pcisim_fuzz_strategy {
	PCISIM_STRATEGY_RANDOM = 0,
	PCISIM_STRATEGY_SWARM,
	PCISIM_STRATEGY_GUIDED,
};

struct pcisim_fuzz_opts {
	uint64_t runs;      /* campaign size (0 = until the time budget, or the scenario's) */
	bool has_runs;
	double seconds;     /* wall-clock budget (0 = none) */
	uint64_t seed;      /* campaign seed */
	bool has_seed;
	unsigned jobs;      /* worker processes (1 = this one) */
	uint64_t shard_i, shard_n; /* this process runs r % shard_n == shard_i */
	const char *out_dir; /* where failures and summary.json go (NULL = nowhere) */
	bool json;          /* JSON summary on stdout */
	bool progress;      /* a progress line on stderr */
	bool no_minimise;
	const char *const *sets; /* KEY=VALUE overrides */
	size_t nsets;
	FILE *out;          /* the summary (default stdout) */
	/*
	 * One campaign across the ranks of mpirun (builds with PCISIM_MPI): rank k of R
	 * takes every R-th run of this process's share; rank 0 gathers the counts and
	 * signatures, saves the failures and reports; the other ranks print nothing.
	 */
	bool mpi;
	enum pcisim_fuzz_strategy strategy;
};

/** The campaign settings a scenario's fuzz: section gives (checked, located errors). */
struct pcisim_fuzz_config {
	uint64_t runs, seed;
	bool order, jitter, minimise;
	unsigned jitter_pct; /* jitter: N% (0 = each model's declared bounds) */
	const struct pcisim_invariant **invs; /* NULL-terminated; NULL = every invariant */
};
int pcisim_fuzz_config(const struct pcisim_scenario *sc, struct pcisim_fuzz_config *cfg,
		       struct pcisim_diag *d);
void pcisim_fuzz_config_free(struct pcisim_fuzz_config *cfg);

/**
 * pcisim_fuzz() - run a campaign on the scenario in @path. Returns 0 when no run
 * failed, 1 when some did, 2 on bad input (diag written).
 */
int pcisim_fuzz(const char *path, const struct pcisim_fuzz_opts *o, struct pcisim_diag *d);

/** pcisim_fuzz_merge() - combine the summaries of shards (directories) into @out_dir. */
int pcisim_fuzz_merge(const char *const *dirs, size_t ndirs, const char *out_dir, bool json,
		      FILE *out, struct pcisim_diag *d);

/* ---- minimisation and reproducers (also used by explore) ---- */

struct pcisim_minimised {
	bool *keep;        /* per step of the scenario */
	size_t *order;     /* the steps in the order the failing run ran them (same-time steps) */
	pcisim_time *at;   /* per kept step: its time */
	size_t nkept;
	unsigned runs;     /* runs the minimiser made */
	bool reproduced;   /* the failure reproduces with forced step times */
};

/**
 * pcisim_minimise() - the fewest steps of @sc (each at the time in @at, or rounded
 * within its range) whose run still fails with @signature. Delta debugging (ddmin)
 * over the steps, then times rounded as coarsely as the failure allows.
 */
void pcisim_minimise(struct pcisim_scenario *sc, uint64_t seed, pcisim_time until,
		     const struct pcisim_invariant *const *invs, const pcisim_time *at,
		     const size_t *order, const char *signature, struct pcisim_minimised *m,
		     struct pcisim_diag *d);
/**
 * pcisim_step_order() - the order in which a run with @choices (its rank choices for
 * timeline steps) and step times @at ran the steps: by time, rank, file order. Into
 * @order (sc->nsteps entries).
 */
void pcisim_step_order(const struct pcisim_scenario *sc, const pcisim_time *at,
		       const struct pcisim_titem *choices, size_t nchoices, size_t *order);
void pcisim_minimised_free(struct pcisim_minimised *m);

/**
 * pcisim_write_reproducer() - @sc as a plain scenario with only the kept steps at
 * their fixed times (in @order, NULL = file order), plus an expectation for each violated invariant that can be
 * written as one (@inv_expect), into @path. @comment goes on top. 0 or -1.
 */
int pcisim_write_reproducer(const struct pcisim_scenario *sc, const bool *keep,
			    const pcisim_time *at, const size_t *order,
			    const char *const *inv_expect, size_t ninv, const char *comment,
			    const char *path);

#endif
