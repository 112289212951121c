/*
 * Run limits of the front end: how many events, how much memory and how much output a
 * run may take before it is stopped with a clear message (exit status 3), so that no
 * scenario or trace can exhaust the machine. Simulated time is bounded by --until.
 */
#ifndef PCISIM_TOOLS_LIMITS_H
#define PCISIM_TOOLS_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/sim.h"

/* A run stopped by one of its limits. */
enum { PCISIM_EXIT_LIMIT = 3 };

#define PCISIM_DEFAULT_MAX_EVENTS 1000000000ull /* about a quarter of an hour of a busy model */
#define PCISIM_DEFAULT_MAX_MEMORY_MIB 4096ull
#define PCISIM_DEFAULT_MAX_OUTPUT_MIB 4096ull

struct pcisim_limits {
	uint64_t max_events;     /* 0: none */
	uint64_t max_memory_mib; /* peak resident memory of the process; 0: none */
	uint64_t max_output_mib; /* bytes written by the run's outputs; 0: none */
	/* what the run writes, for the output bound (set by the command) */
	uint64_t (*output_bytes)(void *ctx);
	void *output_ctx;
	/* the watchdog armed on a sim, and the text of the limit that stopped it */
	struct pcisim_watchdog wd;
	char why[256];
};

/** The defaults above. */
void pcisim_limits_init(struct pcisim_limits *l);
/**
 * pcisim_limits_option() - take --max-events, --max-memory or --max-output with its
 * value @v for command @cmd. Returns 1 when @opt was one of them, 0 when it is not,
 * -1 after a usage error.
 */
int pcisim_limits_option(const char *cmd, const char *opt, const char *v, struct pcisim_limits *l);
/** The watchdog of the limits, for a run someone else starts (@l outlives it). */
const struct pcisim_watchdog *pcisim_limits_watchdog(struct pcisim_limits *l);
/** Put the limits on @sim (before pcisim_run). @l must outlive the run. */
void pcisim_limits_arm(struct pcisim_limits *l, struct pcisim_sim *sim);
/**
 * pcisim_limits_report() - if a limit stopped @sim, say which on stderr (what stopped
 * it, when, how to raise it) and return PCISIM_EXIT_LIMIT; else 0.
 */
int pcisim_limits_report(const char *cmd, const struct pcisim_limits *l, const struct pcisim_sim *sim);

#endif
