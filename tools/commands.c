/*
 * The command table: every verb of pcisim, in the order help lists them. A new verb is
 * one entry here (and its struct pcisim_command in its own file).
 */
#include <string.h>

#include "tools/cli.h"

const struct pcisim_command *const pcisim_commands[] = {
	&pcisim_cmd_simulate,
	&pcisim_cmd_import_qemu,
	&pcisim_cmd_graph,
	&pcisim_cmd_replay,
	&pcisim_cmd_fuzz,
	&pcisim_cmd_fuzz_merge,
	&pcisim_cmd_explore,
	&pcisim_cmd_serve,
	&pcisim_cmd_import_qmp,
	&pcisim_cmd_help,
	&pcisim_cmd_completion,
	NULL,
};

const struct pcisim_command *pcisim_command_find(const char *name)
{
	for (size_t i = 0; pcisim_commands[i]; i++)
		if (!strcmp(pcisim_commands[i]->name, name))
			return pcisim_commands[i];
	return NULL;
}
