/*
 * Snapshot files: a run stopped at a time, written down so that `pcisim simulate
 * --restore FILE` goes on from there (docs/snapshots.md). An in-memory snapshot
 * (sim/core/snapshot.h) is an image of one process's heap and cannot leave it; a
 * file holds instead what identifies the run and the state it reached: the scenario
 * (its digest, over its includes too), the seed and --set overrides, the time, and
 * the events, records and trace hash at that time. Restoring builds the machine and
 * plays the deterministic prefix without output, then checks that it reached exactly
 * that state before the run goes on.
 *
 * The file is one JSON object with a versioned header:
 *   {"format": "pcisim-snapshot", "version": 1, "pcisim": "0.1.0",
 *    "scenario": "pds-migration-race", "file": "scenarios/pds-migration-race.yaml",
 *    "digest": "9c3d...", "seed": 1, "sets": ["machine.qemu=8.1"], "at_ps": 2000000000000,
 *    "events": 180, "records": 183, "hash": "1f0e..."}
 */
#ifndef PCISIM_REPLAY_SNAPFILE_H
#define PCISIM_REPLAY_SNAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/diag.h"
#include "sim/core/scenario.h"
#include "sim/core/time.h"

#define PCISIM_SNAPFILE_FORMAT "pcisim-snapshot"
#define PCISIM_SNAPFILE_VERSION 1
#define PCISIM_SNAPFILE_MAX_SETS 64

struct pcisim_snapfile {
	char *scenario, *file;
	uint64_t digest, seed;
	char *sets[PCISIM_SNAPFILE_MAX_SETS];
	size_t nsets;
	pcisim_time at;
	uint64_t events, records, hash;
};

/** Write @s to @path; 0, or -1 with the reason in @d. */
int pcisim_snapfile_write(const struct pcisim_snapfile *s, const char *path, struct pcisim_diag *d);
/**
 * pcisim_snapfile_read() - read and check @path: JSON, the format and version, every
 * field present with its type. Errors name the file (and line and column for JSON
 * errors), what was expected, and return -1.
 */
int pcisim_snapfile_read(struct pcisim_snapfile *s, const char *path, struct pcisim_diag *d);
/** Is @sc (with its overrides applied) the scenario @s was taken from? Else the error in @d. */
int pcisim_snapfile_check_scenario(const struct pcisim_snapfile *s, const char *path,
				   const struct pcisim_scenario *sc, struct pcisim_diag *d);
void pcisim_snapfile_free(struct pcisim_snapfile *s);

#endif
