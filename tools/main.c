/*
 * pcisim: the command-line front end. Dispatches to one command per verb.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/diag.h"
#include "sim/core/ynode.h"
#include "tools/cli.h"

static const struct pcisim_command *const commands[] = {
	&pcisim_cmd_simulate,
	&pcisim_cmd_import_qemu,
	&pcisim_cmd_graph,
	&pcisim_cmd_replay,
	&pcisim_cmd_fuzz,
	&pcisim_cmd_fuzz_merge,
	&pcisim_cmd_explore,
	&pcisim_cmd_serve,
	&pcisim_cmd_import_qmp,
	NULL,
};

int pcisim_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "pcisim%s%s: error: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (cmd)
		fprintf(stderr, "Try 'pcisim %s --help'.\n", cmd);
	else
		fprintf(stderr, "Try 'pcisim --help'.\n");
	return PCISIM_EXIT_USAGE;
}

int pcisim_opt_u64(const char *cmd, const char *opt, const char *val, uint64_t *out)
{
	if (!val) {
		pcisim_usage_error(cmd, "option '%s' needs a value (an integer)", opt);
		return -1;
	}
	if (pcisim_parse_u64(val, out) && val[0] && val[strspn(val, "0123456789")] == 0) {
		pcisim_usage_error(cmd, "option '%s': %s is too large; at most %llu", opt, val,
				   (unsigned long long)UINT64_MAX);
		return -1;
	}
	if (pcisim_parse_u64(val, out)) {
		pcisim_usage_error(cmd, "option '%s': '%s' is not an integer; expected e.g. 42 or 0x2a",
				   opt, val);
		return -1;
	}
	return 0;
}

int pcisim_opt_time(const char *cmd, const char *opt, const char *val, pcisim_time *out)
{
	const char *why;
	if (!val) {
		pcisim_usage_error(cmd, "option '%s' needs a value (a duration like 10ms)", opt);
		return -1;
	}
	if (pcisim_time_parse(val, out, &why)) {
		pcisim_usage_error(cmd, "option '%s': bad duration '%s': %s", opt, val, why);
		return -1;
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pcisim COMMAND [OPTIONS] ...\n"
		"\n"
		"A deterministic discrete-event simulator of PCIe/CXL fabrics and the host\n"
		"software that drives them.\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; commands[i]; i++)
		fprintf(out, "  %-14s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out,
		"\n"
		"options:\n"
		"  --help         this text; 'pcisim COMMAND --help' for a command\n"
		"  --version      print the version\n"
		"\n"
		"exit status: 0 success, 1 an expectation or check failed, 2 bad input\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "pcisim: error: missing the COMMAND\n\n");
		usage(stderr);
		return PCISIM_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		if (argc > 2 && strcmp(cmd, "help") == 0) {
			for (size_t i = 0; commands[i]; i++)
				if (!strcmp(commands[i]->name, argv[2])) {
					fputs(commands[i]->usage, stdout);
					return PCISIM_EXIT_OK;
				}
			char names[256] = "";
			size_t u = 0;
			for (size_t i = 0; commands[i] && u < sizeof(names); i++)
				u += (size_t)snprintf(names + u, sizeof(names) - u, "%s%s",
						      i ? ", " : "", commands[i]->name);
			return pcisim_usage_error(NULL, "no help for '%s': unknown command; valid commands: %s",
						  argv[2], names);
		}
		usage(stdout);
		return PCISIM_EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("pcisim %s\n", PCISIM_VERSION);
		return PCISIM_EXIT_OK;
	}
	pcisim_register_all();
	for (size_t i = 0; commands[i]; i++) {
		if (strcmp(commands[i]->name, cmd))
			continue;
		for (int a = 2; a < argc; a++)
			if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
				fputs(commands[i]->usage, stdout);
				return PCISIM_EXIT_OK;
			}
		return commands[i]->main(argc - 1, argv + 1);
	}
	char names[256] = "";
	size_t u = 0;
	for (size_t i = 0; commands[i] && u < sizeof(names); i++)
		u += (size_t)snprintf(names + u, sizeof(names) - u, "%s%s", i ? ", " : "",
				      commands[i]->name);
	return pcisim_usage_error(NULL, "unknown command '%s'; valid commands: %s", cmd, names);
}
