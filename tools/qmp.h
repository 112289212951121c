/*
 * A monitor session on a running scenario (pcisim serve): QEMU's QMP and HMP commands
 * mapped onto the scenario's timeline actions, queries answered from the machine, and
 * QMP events made from the run's records, with timestamps in simulated time.
 *
 * No I/O here: the server (tools/serve.c) hands in complete requests and lines and
 * writes what comes back. The model sees only steps at simulated times: a command
 * that acts becomes a timeline entry ({at: TIME, do: ACTION, ...}) added to the run
 * (pcisim_scenario_add_step), so x-pcisim-save can write a scenario that replays the
 * session with the same trace hash.
 *
 * Simulated time (docs/qmp.md): the clock is the time the next command lands at;
 * every event before it has run, none at or after it. A command runs at the clock
 * with everything due at that instant, and the clock moves 1 ps on. In the auto mode
 * the simulation then runs until nothing is left to do or --settle has passed; in the
 * manual mode only x-pcisim-advance and x-pcisim-run-until-event move it.
 */
#ifndef PCISIM_TOOLS_QMP_H
#define PCISIM_TOOLS_QMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/time.h"

struct pcisim_qmp_opts {
	const char *file;      /* the scenario */
	uint64_t seed;
	bool has_seed;
	bool manual;           /* time moves only on x-pcisim-advance / run-until-event */
	pcisim_time settle;    /* auto mode: the bound on one settling run */
	const char *trace_out; /* every record as JSON Lines (NULL: none) */
	const char *cmd;       /* the verb, for messages */
	struct pcisim_limits *limits; /* run limits put on the sim (NULL: none); outlive it */
};

/* What one QMP client has negotiated. */
struct pcisim_qmp_client {
	bool negotiated; /* qmp_capabilities done: commands and events */
};

struct pcisim_qmp;
struct pcisim_limits;

/** Load the scenario, build the machine, run to the first command's time. NULL: error written. */
struct pcisim_qmp *pcisim_qmp_open(const struct pcisim_qmp_opts *o, FILE *err);
/**
 * End the session: the run's last record (sim.end, as simulate writes it) at the
 * clock minus 1 ps; then, to @out (NULL: nothing), the scenario's failed expectations,
 * the summary and the trace hash as simulate prints them. Frees @q. Returns simulate's
 * exit status: 0, 1 when an expectation failed, 3 when a run limit stopped the run
 * (said on stderr; no verdict then).
 */
int pcisim_qmp_close(struct pcisim_qmp *q, FILE *out);

/** The greeting a new QMP client gets (one line, CRLF, malloc'ed). */
char *pcisim_qmp_greeting(struct pcisim_qmp *q);
/** The banner and first prompt a new HMP client gets (malloc'ed). */
char *pcisim_hmp_greeting(struct pcisim_qmp *q);

/**
 * pcisim_qmp_request() - one complete JSON text from client @c: the reply line (CRLF,
 * malloc'ed). Events the command caused are queued for pcisim_qmp_take_events().
 * Sets *@quit when the client asked the server to quit.
 */
char *pcisim_qmp_request(struct pcisim_qmp *q, struct pcisim_qmp_client *c, const char *text,
			 size_t len, bool *quit);
/** One HMP command line: QEMU's echo of it, its output and the next prompt (malloc'ed). */
char *pcisim_hmp_line(struct pcisim_qmp *q, const char *line, bool *quit);
/**
 * Events since the last call, one line each (CRLF), for every negotiated QMP client;
 * NULL when there are none (malloc'ed).
 */
char *pcisim_qmp_take_events(struct pcisim_qmp *q);
/** The time the next command lands at. */
pcisim_time pcisim_qmp_clock(const struct pcisim_qmp *q);
/** The SHUTDOWN event QEMU sends after quit (one line). */
char *pcisim_qmp_shutdown_event(struct pcisim_qmp *q);

/**
 * pcisim_qmp_entry() - the timeline entry QMP command @cmd with arguments @args_json
 * (a JSON object, or NULL) makes, as the server would run it: "do: ACTION, key:
 * \"value\", ..." (a YAML flow mapping's inside, without at:; malloc'ed into
 * *@entry). Returns 1; or 0 when the command makes no step: a query (@why is "") or a
 * command pcisim does not model (@why says so); or -1 with QEMU's error text in @why.
 */
int pcisim_qmp_entry(const char *cmd, const char *args_json, char **entry, char *why, size_t nwhy);
/** pcisim_hmp_entry() - the same for one HMP command line. */
int pcisim_hmp_entry(const char *line, char **entry, char *why, size_t nwhy);
/** A path to @base as an include: in a file written at @out (relative where it can be). */
char *pcisim_qmp_include_path(const char *base, const char *out);

#endif
