/*
 * The pcisim front end: the command table, the option tables every command declares,
 * and the one parser that reads them.
 *
 * A command is a struct pcisim_command: its name, one-line summary, description,
 * operands and a table of options. The same tables give the command's --help, the
 * manual page (pcisim help --man), the bash completion (pcisim completion bash) and
 * the errors for an unknown option, so none of them can drift from what the parser
 * accepts. Options that mean the same thing in every command (--seed, --until,
 * --set, --json and the run limits) are defined once here, as PCISIM_OPTION_*
 * entries a command puts into its table; the parser handles them itself.
 *
 * Adding a command: write its struct pcisim_command in its own file and list it in
 * pcisim_commands (tools/commands.c). Adding an option: one entry in the command's
 * table and one case in its pcisim_cli_next() loop.
 */
#ifndef PCISIM_TOOLS_CLI_H
#define PCISIM_TOOLS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "replay/register.h"
#include "sim/core/time.h"
#include "tools/limits.h"

/* Exit statuses of every command. */
enum { PCISIM_EXIT_OK = 0, PCISIM_EXIT_FAIL = 1, PCISIM_EXIT_USAGE = 2 };

/* What an option (or an operand) takes; also what completion offers for it. */
enum pcisim_optarg {
	PCISIM_OPTARG_NONE,   /* a flag */
	PCISIM_OPTARG_INT,    /* an unsigned integer (decimal or 0x hex), in cli->u */
	PCISIM_OPTARG_TIME,   /* a duration (10ms), in cli->t */
	PCISIM_OPTARG_TEXT,   /* any text */
	PCISIM_OPTARG_FILE,   /* a file name */
	PCISIM_OPTARG_DIR,    /* a directory */
	PCISIM_OPTARG_KEYVAL, /* KEY=VALUE */
	PCISIM_OPTARG_TOPIC,  /* a help topic (completion only) */
};

/*
 * One option of a command. @id is what pcisim_cli_next() returns for it (>0; the
 * PCISIM_OPT_* ids below are the shared options, which it handles itself). @alias is
 * a second spelling: a short form ("-o"), shown in help, or a long one
 * ("--no-minimize"), accepted silently. @metavar names the value in help ("DIR";
 * for two values "A B"); @needs completes "option '--x' needs ..." when the value is
 * missing (NULL: from the type). @help is one paragraph; help output wraps it.
 */
struct pcisim_option {
	int id;
	const char *name;
	const char *alias;
	enum pcisim_optarg arg;
	const char *metavar;
	const char *help;
	unsigned nvals; /* values after the option (0: 1 unless a flag; 2 for "--diff A B") */
	const char *needs;
};

/* The shared options: their ids, and the entries commands put into their tables. */
enum {
	PCISIM_OPT_SEED = 1000,
	PCISIM_OPT_UNTIL,
	PCISIM_OPT_SET,
	PCISIM_OPT_JSON,
	PCISIM_OPT_MAX_EVENTS,
	PCISIM_OPT_MAX_MEMORY,
	PCISIM_OPT_MAX_OUTPUT,
};

#define PCISIM_OPTION_SEED                                                                        \
	{PCISIM_OPT_SEED, "--seed", NULL, PCISIM_OPTARG_INT, "N",                                 \
	 "use seed N instead of the scenario's (the same as --set seed=N)", 0, NULL}
#define PCISIM_OPTION_UNTIL                                                                       \
	{PCISIM_OPT_UNTIL, "--until", NULL, PCISIM_OPTARG_TIME, "TIME",                           \
	 "stop at simulated TIME (e.g. 2s) instead of the scenario's until: (the same as --set "  \
	 "until=TIME)", 0, NULL}
#define PCISIM_OPTION_SET                                                                         \
	{PCISIM_OPT_SET, "--set", NULL, PCISIM_OPTARG_KEYVAL, "KEY=VALUE",                         \
	 "override a value of the scenario: seed=N, until=TIME, machine.KEY, host.KEY, fuzz.KEY " \
	 "or topology.ID.PROPERTY (e.g. machine.qemu=8.1, host.pciehp=off); may be repeated; "    \
	 "'pcisim help set' lists the keys", 0, NULL}
#define PCISIM_OPTION_JSON                                                                        \
	{PCISIM_OPT_JSON, "--json", NULL, PCISIM_OPTARG_NONE, NULL,                               \
	 "print the result as one JSON object", 0, NULL}
#define PCISIM_OPTIONS_LIMITS                                                                     \
	{PCISIM_OPT_MAX_EVENTS, "--max-events", NULL, PCISIM_OPTARG_INT, "N",                     \
	 "stop the run after N events (default 1000000000; 0 = none)", 0, NULL},                 \
	{PCISIM_OPT_MAX_MEMORY, "--max-memory", NULL, PCISIM_OPTARG_INT, "MIB",                   \
	 "stop the run when pcisim's memory passes MIB MiB (default 4096; 0 = none)", 0, NULL},   \
	{PCISIM_OPT_MAX_OUTPUT, "--max-output", NULL, PCISIM_OPTARG_INT, "MIB",                   \
	 "stop the run when what it writes passes MIB MiB (default 4096; 0 = none)", 0, NULL}

struct pcisim_command {
	const char *name;
	const char *summary;     /* one line, for the command list */
	const char *description; /* paragraphs separated by blank lines; wrapped when printed */
	int (*main)(int argc, char **argv);
	/* "FILE [OPTIONS]": what follows 'pcisim NAME' (more forms: one per line) */
	const char *synopsis;
	const struct pcisim_option *options; /* ends with {0}; NULL: none */
	/* the operands: "the scenario FILE" (for "missing ..."), "scenario file" (for "one
	 * ... at a time"; NULL: any number of operands), what completion offers */
	const char *operand;
	const char *operand_one;
	enum pcisim_optarg operand_arg;
	const char *exit_status; /* "0 ..., 1 ..., 2 bad input" */
	const char *notes;       /* more text after the options (NULL: none) */
};

/** Every command, in the order help lists them; NULL-terminated. */
extern const struct pcisim_command *const pcisim_commands[];
const struct pcisim_command *pcisim_command_find(const char *name);

#define PCISIM_MAX_SETS 64

/*
 * The state of one command line being read. pcisim_cli_next() returns the command's
 * own options one by one, with their values in @val (@val2 for a second value), @u
 * or @t; it keeps the operands and the shared options here.
 */
struct pcisim_cli {
	const struct pcisim_command *cmd;
	int argc;
	char **argv;
	int i;
	const char **operands;
	size_t noperands;
	/* shared options */
	uint64_t seed;
	bool has_seed;
	const char *seed_text;
	pcisim_time until;
	bool has_until;
	const char *until_text;
	const char *sets[PCISIM_MAX_SETS + 2];
	size_t nsets;
	bool json;
	struct pcisim_limits limits;
	/* the option just returned */
	const struct pcisim_option *opt;
	const char *name; /* as written (without =VALUE) */
	char namebuf[64];
	const char *val, *val2;
	uint64_t u;
	pcisim_time t;
	char setbuf[2][96];
};

/** Start reading @argv (argv[0] is the command's name) for @cmd. */
void pcisim_cli_init(struct pcisim_cli *p, const struct pcisim_command *cmd, int argc, char **argv);
/**
 * pcisim_cli_next() - the id of the next option of the command's own, 0 when the
 * command line is read (the operands checked against the command's), or -1 after a
 * usage error was reported (exit with PCISIM_EXIT_USAGE).
 */
int pcisim_cli_next(struct pcisim_cli *p);
/** Free what the reader allocated. */
void pcisim_cli_free(struct pcisim_cli *p);
/**
 * pcisim_cli_sets_with_seed_until() - the --set list, followed by seed=N and
 * until=TIME when --seed and --until were given: for commands that pass the
 * scenario's values on as overrides (fuzz, explore). Returns p->sets.
 */
const char **pcisim_cli_sets_with_seed_until(struct pcisim_cli *p);

/** Report a command-line error ("pcisim CMD: error: ...") and return exit status 2. */
int pcisim_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Option value parsers: report and return -1 on bad input. */
int pcisim_opt_u64(const char *cmd, const char *opt, const char *val, uint64_t *out);
int pcisim_opt_time(const char *cmd, const char *opt, const char *val, pcisim_time *out);

/* ---- help, manual page and completion from the tables (tools/usage.c) ---- */

/** A command's --help text. */
void pcisim_command_usage(const struct pcisim_command *cmd, FILE *out);
/** 'pcisim --help': every command. */
void pcisim_usage(FILE *out);
/** Write @text wrapped to @width columns, each line after the first indented by @indent. */
void pcisim_wrap(FILE *out, const char *text, unsigned first_col, unsigned indent, unsigned width);
/** An option's left column as help shows it ("-o, --output FILE"). */
void pcisim_option_label(const struct pcisim_option *o, char *buf, size_t n);

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
extern const struct pcisim_command pcisim_cmd_help;
extern const struct pcisim_command pcisim_cmd_completion;
extern const struct pcisim_command pcisim_cmd_serve;
extern const struct pcisim_command pcisim_cmd_import_qmp;

#endif
