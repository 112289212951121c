/*
 * The pcisim front end: shared command-line helpers and the command table.
 */
#ifndef PCISIM_TOOLS_CLI_H
#define PCISIM_TOOLS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "replay/register.h"
#include "sim/core/time.h"

/* Exit statuses of every command. */
enum { PCISIM_EXIT_OK = 0, PCISIM_EXIT_FAIL = 1, PCISIM_EXIT_USAGE = 2 };

struct pcisim_command {
	const char *name;
	const char *summary;
	const char *usage; /* full --help text */
	int (*main)(int argc, char **argv);
};

/** Report a command-line error ("pcisim CMD: error: ...") and return exit status 2. */
int pcisim_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Option value parsers: report and return -1 on bad input. */
int pcisim_opt_u64(const char *cmd, const char *opt, const char *val, uint64_t *out);
int pcisim_opt_time(const char *cmd, const char *opt, const char *val, pcisim_time *out);

/**
 * pcisim_import_qemu_verify() - import-qemu's last check: the scenario @yaml (@len
 * bytes, named @name in messages) loads and instantiates as `pcisim simulate` would.
 * Returns PCISIM_EXIT_OK, or writes one line to @err, an internal error naming the
 * launch script @script and the first load error, and returns PCISIM_EXIT_USAGE.
 */
int pcisim_import_qemu_verify(const char *yaml, size_t len, const char *name,
			      const char *script, FILE *err);

extern const struct pcisim_command pcisim_cmd_simulate;
extern const struct pcisim_command pcisim_cmd_import_qemu;
extern const struct pcisim_command pcisim_cmd_graph;
extern const struct pcisim_command pcisim_cmd_replay;
extern const struct pcisim_command pcisim_cmd_fuzz;
extern const struct pcisim_command pcisim_cmd_fuzz_merge;
extern const struct pcisim_command pcisim_cmd_explore;
extern const struct pcisim_command pcisim_cmd_serve;
extern const struct pcisim_command pcisim_cmd_import_qmp;

#endif
