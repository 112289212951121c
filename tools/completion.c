/*
 * pcisim completion bash: a bash completion script written from the command and option
 * tables, the help topics, the --set keys and the registries (action, expectation and
 * driver names), so that it completes what this pcisim accepts. The build writes it
 * and `cmake --install` puts it into share/bash-completion/completions/pcisim.
 *
 * The script needs nothing but bash (no bash-completion helpers), so it can be
 * sourced from ~/.bashrc as well: source <(pcisim completion bash).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/pcie/fabric.h"
#include "tools/cli.h"
#include "tools/help.h"

/* The words of a NULL-terminated list, space-separated. */
static void words(FILE *out, const char **names)
{
	for (size_t i = 0; names[i]; i++)
		fprintf(out, "%s%s", i ? " " : "", names[i]);
	free(names);
}

/* The case pattern ("--a|--b|-o") of @c's options that take a value of type @arg. */
static bool value_pattern(FILE *out, const struct pcisim_command *c, enum pcisim_optarg arg)
{
	bool any = false;
	for (const struct pcisim_option *o = c->options; o && o->name; o++) {
		if (o->arg != arg)
			continue;
		fprintf(out, "%s%s", any ? "|" : "", o->name);
		if (o->alias)
			fprintf(out, "|%s", o->alias);
		any = true;
	}
	return any;
}

static void command_case(FILE *out, const struct pcisim_command *c)
{
	fprintf(out, "\t%s)\n\t\topts=\"", c->name);
	bool first = true;
	for (const struct pcisim_option *o = c->options; o && o->name; o++) {
		fprintf(out, "%s%s", first ? "" : " ", o->name);
		if (o->alias && o->alias[1] != '-')
			fprintf(out, " %s", o->alias);
		first = false;
	}
	fprintf(out, "%s--help\"\n", first ? "" : " ");
	/* the second value of a two-value option (--diff A B) */
	for (const struct pcisim_option *o = c->options; o && o->name; o++)
		if (o->nvals == 2)
			fprintf(out, "\t\tif [[ $pprev == %s ]]; then _pcisim_files \"$cur\"; return; fi\n",
				o->name);
	static const struct {
		enum pcisim_optarg arg;
		const char *action;
	} values[] = {
		{PCISIM_OPTARG_FILE, "_pcisim_files \"$cur\"; return"},
		{PCISIM_OPTARG_DIR, "COMPREPLY=($(compgen -d -- \"$cur\")); return"},
		{PCISIM_OPTARG_KEYVAL, "_pcisim_set \"$cur\"; return"},
		/* a number, a duration or text the user types: nothing to offer */
		{PCISIM_OPTARG_INT, "return"},
		{PCISIM_OPTARG_TIME, "return"},
		{PCISIM_OPTARG_TEXT, "return"},
	};
	bool any = false;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		bool has = false;
		for (const struct pcisim_option *o = c->options; o && o->name; o++)
			has |= o->arg == values[i].arg;
		if (!has)
			continue;
		if (!any)
			fprintf(out, "\t\tcase $prev in\n");
		any = true;
		fprintf(out, "\t\t");
		value_pattern(out, c, values[i].arg);
		fprintf(out, ") %s ;;\n", values[i].action);
	}
	if (any)
		fprintf(out, "\t\tesac\n");
	const char *operand = "files";
	switch (c->operand_arg) {
	case PCISIM_OPTARG_NONE:
		operand = "none";
		break;
	case PCISIM_OPTARG_DIR:
		operand = "dirs";
		break;
	case PCISIM_OPTARG_TOPIC:
		operand = "topic";
		break;
	default:
		break;
	}
	fprintf(out, "\t\toperand=%s ;;\n", operand);
}

static int completion_bash(FILE *out)
{
	fprintf(out, "# bash completion for pcisim %s, written by 'pcisim completion bash' from\n"
		     "# pcisim's command and option tables and its registries.\n\n",
		PCISIM_VERSION);
	fprintf(out, "_pcisim_commands=\"");
	for (size_t i = 0; pcisim_commands[i]; i++)
		fprintf(out, "%s%s", i ? " " : "", pcisim_commands[i]->name);
	fprintf(out, "\"\n_pcisim_topics=\"");
	for (size_t i = 0; pcisim_help_topics[i].name; i++)
		fprintf(out, "%s ", pcisim_help_topics[i].name);
	fprintf(out, "$_pcisim_commands\"\n_pcisim_actions=\"");
	words(out, pcisim_action_names());
	fprintf(out, "\"\n_pcisim_expectations=\"");
	words(out, pcisim_expect_keys());
	fprintf(out, "\"\n_pcisim_drivers=\"common ");
	words(out, pcisim_driver_names());
	fprintf(out, "\"\n_pcisim_set_keys=\"");
	for (size_t i = 0; pcisim_set_keys[i].key; i++) {
		/* "machine.KEY=VALUE" -> "machine." (the user writes the rest) */
		const char *k = pcisim_set_keys[i].key;
		size_t l = strcspn(k, ".=");
		fprintf(out, "%s%.*s%c", i ? " " : "", (int)l, k, k[l]);
	}
	fprintf(out, "\"\n\n");
	fprintf(out,
		"# scenario and trace files, and directories to walk into\n"
		"_pcisim_files() {\n"
		"\tlocal IFS=$'\\n'\n"
		"\tCOMPREPLY=($(compgen -f -- \"$1\"))\n"
		"\tcompopt -o filenames 2>/dev/null\n"
		"}\n\n"
		"# --set KEY=VALUE: the keys; the value is the user's\n"
		"_pcisim_set() {\n"
		"\tCOMPREPLY=($(compgen -W \"$_pcisim_set_keys\" -- \"$1\"))\n"
		"\tcompopt -o nospace 2>/dev/null\n"
		"}\n\n"
		"_pcisim() {\n"
		"\tlocal cur=${COMP_WORDS[COMP_CWORD]}\n"
		"\tlocal prev=${COMP_WORDS[COMP_CWORD-1]}\n"
		"\tlocal pprev=\n"
		"\t[[ $COMP_CWORD -ge 2 ]] && pprev=${COMP_WORDS[COMP_CWORD-2]}\n"
		"\tCOMPREPLY=()\n"
		"\tif [[ $COMP_CWORD -eq 1 ]]; then\n"
		"\t\tCOMPREPLY=($(compgen -W \"$_pcisim_commands --help --version\" -- \"$cur\"))\n"
		"\t\treturn\n"
		"\tfi\n"
		"\tlocal opts= operand=files\n"
		"\tcase ${COMP_WORDS[1]} in\n");
	for (size_t i = 0; pcisim_commands[i]; i++)
		command_case(out, pcisim_commands[i]);
	fprintf(out,
		"\t*) return ;;\n"
		"\tesac\n"
		"\tif [[ $cur == -* ]]; then\n"
		"\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
		"\t\treturn\n"
		"\tfi\n"
		"\tcase $operand in\n"
		"\tfiles) _pcisim_files \"$cur\" ;;\n"
		"\tdirs) COMPREPLY=($(compgen -d -- \"$cur\")) ;;\n"
		"\ttopic)\n"
		"\t\tcase $prev in\n"
		"\t\taction) COMPREPLY=($(compgen -W \"$_pcisim_actions\" -- \"$cur\")) ;;\n"
		"\t\texpectation) COMPREPLY=($(compgen -W \"$_pcisim_expectations\" -- \"$cur\")) ;;\n"
		"\t\tdriver) COMPREPLY=($(compgen -W \"$_pcisim_drivers\" -- \"$cur\")) ;;\n"
		"\t\thelp|--markdown) COMPREPLY=($(compgen -W \"$_pcisim_topics\" -- \"$cur\")) ;;\n"
		"\t\tcompletion) COMPREPLY=($(compgen -W \"bash\" -- \"$cur\")) ;;\n"
		"\t\tesac ;;\n"
		"\tesac\n"
		"}\n\n"
		"complete -F _pcisim pcisim\n");
	return PCISIM_EXIT_OK;
}

static int completion_main(int argc, char **argv)
{
	struct pcisim_cli p;
	pcisim_cli_init(&p, &pcisim_cmd_completion, argc, argv);
	int id;
	while ((id = pcisim_cli_next(&p)) > 0)
		;
	int rc = PCISIM_EXIT_USAGE;
	if (id == 0) {
		if (!strcmp(p.operands[0], "bash"))
			rc = completion_bash(stdout);
		else
			rc = pcisim_usage_error("completion", "unknown shell '%s'; valid shells: bash",
						p.operands[0]);
	}
	pcisim_cli_free(&p);
	return rc;
}

const struct pcisim_command pcisim_cmd_completion = {
	.name = "completion",
	.summary = "a shell completion script (bash) for commands, options, topics and actions",
	.description = "Write the completion script for SHELL on standard output. For bash: "
		       "source <(pcisim completion bash), or install it as "
		       "share/bash-completion/completions/pcisim (cmake --install does).",
	.main = completion_main,
	.synopsis = "SHELL",
	.operand = "the SHELL (bash)",
	.operand_one = "shell",
	.operand_arg = PCISIM_OPTARG_TOPIC,
	.exit_status = "0 written, 2 an unknown shell",
};
