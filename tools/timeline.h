/*
 * Timeline views of a run for the tools people already use: a Chrome trace event
 * file for Perfetto (ui.perfetto.dev, chrome://tracing) and a Value Change Dump for
 * GTKWave (docs/timeline-views.md).
 *
 * Both are trace sinks (sim/core/trace.h): they see each record as it is emitted and
 * write as they go, so a run keeps no records and memory stays bounded by the
 * topology, not by the length of the run. Both read, never change, the state of
 * @sim (the event queue's depth, I/O in flight, config space registers the records
 * do not carry), so attaching them changes no trace hash. The same run gives the
 * same bytes: nothing is ordered by a pointer, and neither file holds a wall-clock
 * time.
 *
 * The caller owns @out and closes it after the sink's close (pcisim_sim_free()).
 */
#ifndef PCISIM_TOOLS_TIMELINE_H
#define PCISIM_TOOLS_TIMELINE_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/core/sim.h"
#include "sim/core/trace.h"

/**
 * pcisim_sink_perfetto() - Chrome trace event format (JSON): a process for the run
 * named @title, a thread (track) per component and per concern of it (link, slot
 * power, reset, DPC, recovery, state), B/E spans, instants for every other record,
 * counters for the event queue's depth and the I/O in flight. NULL when out of memory.
 */
struct pcisim_sink *pcisim_sink_perfetto(FILE *out, struct pcisim_sim *sim, const char *title);

/**
 * pcisim_sink_vcd() - IEEE 1364 §18 Value Change Dump, timescale 1 ps: a scope per
 * component, a variable per register field, link and slot state the run changes.
 * Variables are declared as they first change; the value changes go to a temporary
 * file and the declarations are written before them when the sink closes. NULL when
 * out of memory or when no temporary file can be made.
 */
struct pcisim_sink *pcisim_sink_vcd(FILE *out, struct pcisim_sim *sim, const char *title);

/* ---- the command-line options, shared by simulate and replay (tools/timeline_opts.c) ---- */

enum { PCISIM_OPT_PERFETTO = 1100, PCISIM_OPT_VCD };

/* The option table entries of --perfetto and --vcd (tools/cli.h). */
#define PCISIM_OPTIONS_VIEWS                                                                      \
	{PCISIM_OPT_PERFETTO, "--perfetto", NULL, PCISIM_OPTARG_FILE, "FILE",                     \
	 "write the run as a Chrome trace event file (JSON) for Perfetto: spans, instants and "   \
	 "counters per component (docs/timeline-views.md)", 0, NULL},                             \
	{PCISIM_OPT_VCD, "--vcd", NULL, PCISIM_OPTARG_FILE, "FILE",                               \
	 "write register bits and link states as a Value Change Dump for GTKWave (timescale "     \
	 "1 ps)", 0, NULL}

/** struct pcisim_views - the --perfetto and --vcd files of one run. */
struct pcisim_views {
	const char *path[2]; /* --perfetto, --vcd; NULL when not asked for */
	FILE *f[2];
	bool failed; /* a sink could not be made (reported): the command exits 2 */
};

/** Take option @id (with its value @val) when it is --perfetto or --vcd: true when taken. */
bool pcisim_views_take(int id, const char *val, struct pcisim_views *w);
/** Open the files asked for; -1 after reporting one that cannot be written. */
int pcisim_views_open(const char *cmd, struct pcisim_views *w);
/** Attach their sinks to @sim's trace; -1 after reporting why not. */
int pcisim_views_attach(const char *cmd, struct pcisim_views *w, struct pcisim_sim *sim,
			const char *title);
/** Close the files (after pcisim_sim_free()); -1 after a failed write or attach. */
int pcisim_views_close(const char *cmd, struct pcisim_views *w);

/* ---- what both read from the sim (tools/timeline_probe.c) ---- */

/**
 * struct pcisim_timeline_fns - which components are PCI functions, by component id:
 * looked up once per id (a function hot-plugged later gets a new id).
 */
struct pcisim_pcifn;
struct pcisim_timeline_fns {
	struct pcisim_pcifn **fn;
	bool *known;
	size_t cap;
};
/** The PCI function behind component @c, or NULL when @c is not one. */
struct pcisim_pcifn *pcisim_timeline_fn(struct pcisim_timeline_fns *fns, struct pcisim_sim *sim,
					const struct pcisim_comp *c);
void pcisim_timeline_fns_free(struct pcisim_timeline_fns *fns);

/**
 * struct pcisim_timeline_io - the I/O workloads a record has named so far (io.start
 * gives the name), in the order they started, and their requests in flight now.
 */
struct pcisim_timeline_io {
	char **names;
	uint64_t *in_flight;
	size_t n, cap;
};
/** Learn a workload's name from @r when it is an io.start; true when @r was one. */
bool pcisim_timeline_io_learn(struct pcisim_timeline_io *io, const struct pcisim_record *r);
/** Read every known workload's in-flight count; true when any changed. */
bool pcisim_timeline_io_sample(struct pcisim_timeline_io *io, struct pcisim_sim *sim);
void pcisim_timeline_io_free(struct pcisim_timeline_io *io);

/** The field @name of @r, or NULL. */
const struct pcisim_field *pcisim_timeline_field(const struct pcisim_record *r, const char *name);

#endif
