/*
 * pcisim: the command-line front end. Dispatches to one command per verb
 * (tools/commands.c).
 */
#include <stdio.h>
#include <string.h>

#include "tools/cli.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "pcisim: error: missing the COMMAND\n\n");
		pcisim_usage(stderr);
		return PCISIM_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		pcisim_usage(stdout);
		return PCISIM_EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("pcisim %s\n", PCISIM_VERSION);
		return PCISIM_EXIT_OK;
	}
	const struct pcisim_command *c = pcisim_command_find(cmd);
	if (!c) {
		char names[512] = "";
		size_t u = 0;
		for (size_t i = 0; pcisim_commands[i] && u < sizeof(names); i++)
			u += (size_t)snprintf(names + u, sizeof(names) - u, "%s%s", i ? ", " : "",
					      pcisim_commands[i]->name);
		return pcisim_usage_error(NULL, "unknown command '%s'; valid commands: %s", cmd, names);
	}
	for (int a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
			pcisim_command_usage(c, stdout);
			return PCISIM_EXIT_OK;
		}
	}
	pcisim_register_all();
	return c->main(argc - 1, argv + 1);
}
