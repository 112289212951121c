/*
 * pcisim replay: re-execute a recorded run from the scenario and choices its trace
 * embeds, check every event, record and choice against the recording, and report the
 * first divergence beside the expected item with the items that led to it. With
 * overrides (--set machine.qemu=8.1) the same inputs run under a changed model and
 * the report says whether the recorded failure still happens. Also: the whole state
 * at a time (--until T --dump), and a comparison of two traces (--diff).
 */
#ifndef PCISIM_REPLAY_VERIFY_H
#define PCISIM_REPLAY_VERIFY_H

#include <stdbool.h>
#include <stdio.h>

#include "replay/runner.h"
#include "replay/tracefile.h"

/* Outcomes (the command's exit status). */
enum {
	PCISIM_REPLAY_OK = 0,     /* identical; or, with overrides, the recorded failure is gone */
	PCISIM_REPLAY_DIFFERS = 1, /* diverged; or, with overrides, the failure still happens */
	PCISIM_REPLAY_ERROR = 2,  /* the trace or an override is bad (diag written) */
	PCISIM_REPLAY_LIMIT = 3,  /* a bound of o->watchdog stopped the run (diag written) */
};

struct pcisim_replay_opts {
	const char *const *sets; /* KEY=VALUE overrides: run the inputs under a changed model */
	size_t nsets;
	unsigned context;  /* items shown before a divergence (default 8) */
	bool has_until;    /* stop at @until (with @dump: print the state there) */
	pcisim_time until;
	bool dump;
	bool has_from;     /* compare only the items at or after @from (earlier ones re-run unchecked) */
	pcisim_time from;
	bool json;         /* one JSON object instead of text */
	FILE *out;
	const struct pcisim_watchdog *watchdog; /* bounds on the replayed run (NULL = none) */
	/* more sinks on the replayed run (struct pcisim_run_spec's at_start) */
	void (*at_start)(void *ctx, struct pcisim_sim *sim, const struct pcisim_scenario *sc);
	void *start_ctx;
};

/** Replay @t (read with pcisim_tfile_read). Returns PCISIM_REPLAY_*. */
int pcisim_replay(const struct pcisim_tfile *t, const struct pcisim_replay_opts *o,
		  struct pcisim_diag *d);

/** Compare two traces item by item; PCISIM_REPLAY_OK when they say the same. */
int pcisim_trace_diff(const struct pcisim_tfile *a, const struct pcisim_tfile *b,
		      unsigned context, FILE *out);

/** Print every component's state and the pending events of @sim (replay --dump). */
void pcisim_dump_state(struct pcisim_sim *sim, FILE *out);

#endif
