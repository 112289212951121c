/*
 * pcisim explore (docs/fuzz.md): for small scenarios, every schedule instead of a
 * random sample. The choices are the times of the ranged steps (at: 0s..5s) and the
 * order of steps that fall at the same time. A range is discretised by the run's own
 * events: a step can run at an event's time (after that time's hardware and host
 * events), or in the gap after it, or at the range's ends, or on an optional grid;
 * every gap between two events is one choice. Steps are placed in time order, so the
 * run up to the next placement is always known, and a placement whose state before
 * the step (components, pending events relative to now, events so far, steps left)
 * was already explored is pruned. The answer is a failing schedule, with a
 * reproducer, or that none exists within the discretisation and the bound.
 */
#ifndef PCISIM_REPLAY_EXPLORE_H
#define PCISIM_REPLAY_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "replay/runner.h"

struct pcisim_explore_opts {
	const char *const *sets; /* KEY=VALUE overrides */
	size_t nsets;
	uint64_t max_runs;    /* the bound (default 100000) */
	pcisim_time grid;     /* also try every multiple of this within a range (0 = none) */
	bool no_prune;        /* explore repeated states again */
	bool all;             /* count every failing schedule instead of stopping at the first */
	const char *out_dir;  /* write the failing schedule's reproducer and trace there */
	bool json;
	FILE *out;
};

/** Returns 0 when no schedule fails, 1 when one does, 2 on bad input. */
int pcisim_explore(const char *path, const struct pcisim_explore_opts *o, struct pcisim_diag *d);

/**
 * pcisim_state_hash() - a hash of what decides @sim's future: every component's
 * saved state and dump, the pending events (time relative to now, kind, target,
 * payload), and the number of events executed. Absolute time is left out.
 */
uint64_t pcisim_state_hash(struct pcisim_sim *sim);

#endif
