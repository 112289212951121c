/*
 * pcisim help: what the loader's registries hold, printed from them (so the help can
 * never list an action the loader refuses, or miss one it accepts): the timeline's
 * actions and their parameters, the expectation kinds, the device drivers and their
 * properties, the trace record kinds, the invariants, and the keys of --set. The
 * same tables give the Markdown reference in docs/scenario-format.md (--markdown)
 * and the manual page (--man, tools/man.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/runner.h"
#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/pcie/fabric.h"
#include "tools/cli.h"
#include "tools/help.h"

/* ---- the text of a parameter's type, range, choices and default ---- */

static const char *ptype_name(enum pcisim_ptype t)
{
	switch (t) {
	case PCISIM_P_STR:
		return "text";
	case PCISIM_P_INT:
		return "integer";
	case PCISIM_P_BOOL:
		return "on/off";
	case PCISIM_P_TIME:
		return "duration";
	case PCISIM_P_CHOICE:
		return "choice";
	case PCISIM_P_COMP:
		return "component id";
	case PCISIM_P_NEWID:
		return "new id";
	case PCISIM_P_VALUE:
		return "integer or word";
	case PCISIM_P_NODE:
		return "YAML value";
	}
	return "?";
}

static const char *ptype_prop_name(enum pcisim_prop_type t)
{
	switch (t) {
	case PCISIM_PROP_STR:
		return "text";
	case PCISIM_PROP_INT:
		return "integer";
	case PCISIM_PROP_BOOL:
		return "on/off";
	case PCISIM_PROP_ADDR:
		return "slot[.fn]";
	case PCISIM_PROP_SIZE:
		return "size";
	case PCISIM_PROP_CHOICE:
		return "choice";
	}
	return "?";
}

/* "help; choices: a, b; range: 0..7; default: x" into @buf. */
static void param_text(const char *help, const char *const *choices, bool ranged, uint64_t lo,
		       uint64_t hi, const char *dflt, char *buf, size_t n)
{
	size_t u = (size_t)snprintf(buf, n, "%s", help ? help : "");
	if (choices && u < n) {
		u += (size_t)snprintf(buf + u, n - u, "%schoices: ", u ? "; " : "");
		for (size_t i = 0; choices[i] && u < n; i++)
			u += (size_t)snprintf(buf + u, n - u, "%s%s", i ? ", " : "", choices[i]);
	}
	if (ranged && (lo || hi) && u < n) {
		if (hi)
			u += (size_t)snprintf(buf + u, n - u, "%srange: %llu..%llu", u ? "; " : "",
					      (unsigned long long)lo, (unsigned long long)hi);
		else
			u += (size_t)snprintf(buf + u, n - u, "%sat least %llu", u ? "; " : "",
					      (unsigned long long)lo);
	}
	if (dflt && u < n)
		snprintf(buf + u, n - u, "%sdefault: %s", u ? "; " : "", dflt);
}

static void param_def_text(const struct pcisim_param_def *p, char *buf, size_t n)
{
	param_text(p->help, p->type == PCISIM_P_CHOICE ? p->choices : NULL, p->type == PCISIM_P_INT,
		   p->lo, p->hi, p->dflt, buf, n);
}

/* ---- Markdown: a table cell never holds a bare '|' ---- */

static void md_cell(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

static void md_params(FILE *out, const struct pcisim_param_def *params)
{
	if (!params || !params->name) {
		fprintf(out, "No parameters.\n");
		return;
	}
	fprintf(out, "| parameter | type | required | meaning |\n| --- | --- | --- | --- |\n");
	for (const struct pcisim_param_def *p = params; p->name; p++) {
		char text[1024];
		param_def_text(p, text, sizeof(text));
		fprintf(out, "| `%s` | %s | %s | ", p->name, ptype_name(p->type), p->required ? "yes" : "no");
		md_cell(out, text);
		fprintf(out, " |\n");
	}
}

/* ---- topics ---- */

enum style { PLAIN, MARKDOWN };

static void list_line(FILE *out, enum style st, const char *name, const char *help)
{
	if (st == MARKDOWN) {
		fprintf(out, "| `%s` | ", name);
		md_cell(out, help);
		fprintf(out, " |\n");
		return;
	}
	int w = fprintf(out, "  %s", name);
	if (w + 1 >= 32)
		fprintf(out, "\n%*s", 32, "");
	else
		fprintf(out, "%*s", 32 - w, "");
	pcisim_wrap(out, help ? help : "", 32, 32, 80);
}

static void params_plain(FILE *out, const struct pcisim_param_def *params)
{
	if (!params || !params->name) {
		fprintf(out, "\nno parameters\n");
		return;
	}
	fprintf(out, "\nparameters:\n");
	for (const struct pcisim_param_def *p = params; p->name; p++) {
		char head[160], text[1024];
		snprintf(head, sizeof(head), "%s (%s, %s)", p->name, ptype_name(p->type),
			 p->required ? "required" : "optional");
		param_def_text(p, text, sizeof(text));
		list_line(out, PLAIN, head, text);
	}
}

static void actions_list(FILE *out, enum style st)
{
	const char **names = pcisim_action_names();
	if (st == MARKDOWN)
		fprintf(out, "| action | what it does |\n| --- | --- |\n");
	for (size_t i = 0; names[i]; i++)
		list_line(out, st, names[i], pcisim_action_find(names[i])->help);
	free(names);
}

static const char open_params_note[] =
	"Other keys are accepted too: the action checks them itself (device properties, for instance).";

static void action_detail(FILE *out, enum style st, const struct pcisim_action_def *a)
{
	if (st == MARKDOWN) {
		fprintf(out, "#### `%s`\n\n", a->name);
		md_cell(out, a->help);
		fprintf(out, "\n\n");
		md_params(out, a->params);
		if (a->open_params)
			fprintf(out, "\n%s\n", open_params_note);
		return;
	}
	fprintf(out, "%s: ", a->name);
	pcisim_wrap(out, a->help, (unsigned)strlen(a->name) + 2, 2, 80);
	params_plain(out, a->params);
	if (a->open_params) {
		fputc('\n', out);
		pcisim_wrap(out, open_params_note, 0, 0, 80);
	}
	fprintf(out, "\nusage in a timeline: - {at: TIME, do: %s", a->name);
	for (const struct pcisim_param_def *p = a->params; p && p->name; p++)
		if (p->required)
			fprintf(out, ", %s: ...", p->name);
	fprintf(out, "}\n");
}

static void expects_list(FILE *out, enum style st)
{
	const char **keys = pcisim_expect_keys();
	if (st == MARKDOWN)
		fprintf(out, "| kind | what it checks |\n| --- | --- |\n");
	for (size_t i = 0; keys[i]; i++)
		list_line(out, st, keys[i], pcisim_expect_def_find(keys[i])->help);
	free(keys);
}

static void expect_detail(FILE *out, enum style st, const struct pcisim_expect_def *e)
{
	if (st == MARKDOWN) {
		fprintf(out, "#### `%s`\n\n", e->key);
		md_cell(out, e->help);
		fprintf(out, "\n\n");
		md_params(out, e->params);
		return;
	}
	fprintf(out, "%s: ", e->key);
	pcisim_wrap(out, e->help, (unsigned)strlen(e->key) + 2, 2, 80);
	params_plain(out, e->params);
	fprintf(out, "\nusage in expect: - {%s: ...", e->key);
	for (const struct pcisim_param_def *p = e->params; p && p->name; p++)
		if (p->required && strcmp(p->name, e->key))
			fprintf(out, ", %s: ...", p->name);
	fprintf(out, "}\n");
}

static void drivers_list(FILE *out, enum style st)
{
	const char **names = pcisim_driver_names();
	if (st == MARKDOWN)
		fprintf(out, "| driver | what it is |\n| --- | --- |\n");
	for (size_t i = 0; names[i]; i++)
		list_line(out, st, names[i], pcisim_driver_find(names[i])->help);
	free(names);
}

static void props_out(FILE *out, enum style st, const struct pcisim_prop_def *props)
{
	if (st == MARKDOWN)
		fprintf(out, "| property | type | meaning |\n| --- | --- | --- |\n");
	for (const struct pcisim_prop_def *p = props; p && p->name; p++) {
		char text[1024];
		param_text(p->help, p->type == PCISIM_PROP_CHOICE ? p->choices : NULL,
			   p->type == PCISIM_PROP_INT, p->lo, p->hi, NULL, text, sizeof(text));
		if (!p->modelled)
			strncat(text, " (accepted as QEMU accepts it; changes nothing here)",
				sizeof(text) - strlen(text) - 1);
		if (st == MARKDOWN) {
			fprintf(out, "| `%s` | %s | ", p->name, ptype_prop_name(p->type));
			md_cell(out, text);
			fprintf(out, " |\n");
		} else {
			char head[128];
			snprintf(head, sizeof(head), "%s (%s)", p->name, ptype_prop_name(p->type));
			list_line(out, st, head, text);
		}
	}
}

static void driver_detail(FILE *out, enum style st, const struct pcisim_driver *d)
{
	if (st == MARKDOWN) {
		fprintf(out, "#### `%s`\n\n", d->name);
		md_cell(out, d->help);
		fprintf(out, "\n\n");
	} else {
		fprintf(out, "%s: ", d->name);
		pcisim_wrap(out, d->help ? d->help : "", (unsigned)strlen(d->name) + 2, 2, 80);
	}
	if (!d->bus_kind)
		fprintf(out, "%s%s%s%s%s\n", st == MARKDOWN ? "" : "\n", d->pcie ? "PCI Express" : "conventional PCI",
			d->bridge ? ", a bridge" : "", d->hotpluggable ? ", hot-pluggable" : "",
			d->unmigratable ? ", blocks migration" : "");
	if (d->props && d->props->name) {
		fprintf(out, st == MARKDOWN ? "\n" : "\nproperties:\n");
		props_out(out, st, d->props);
	}
	fprintf(out, st == MARKDOWN ? "\nand the properties every device takes.\n"
				    : "\nand the properties every device takes ('pcisim help driver common').\n");
}

static void records_list(FILE *out, enum style st)
{
	const char **names = pcisim_record_kind_names();
	if (st == MARKDOWN)
		fprintf(out, "| record kind | what it records |\n| --- | --- |\n");
	for (size_t i = 0; names[i]; i++)
		list_line(out, st, names[i], pcisim_record_kind_find(names[i])->help);
	free(names);
}

static void invariants_list(FILE *out, enum style st)
{
	const char **names = pcisim_invariant_names();
	if (st == MARKDOWN)
		fprintf(out, "| invariant | what must hold |\n| --- | --- |\n");
	for (size_t i = 0; names[i]; i++)
		list_line(out, st, names[i], pcisim_invariant_find(names[i])->help);
	free(names);
}

static void set_keys(FILE *out, enum style st)
{
	if (st == MARKDOWN)
		fprintf(out, "| key | what it changes |\n| --- | --- |\n");
	for (size_t i = 0; pcisim_set_keys[i].key; i++)
		list_line(out, st, pcisim_set_keys[i].key, pcisim_set_keys[i].help);
}

/* The Markdown section of docs/scenario-format.md. */
static void reference(FILE *out)
{
	const char **names = pcisim_action_names();
	fprintf(out, "### Actions\n\n");
	actions_list(out, MARKDOWN);
	for (size_t i = 0; names[i]; i++) {
		fputc('\n', out);
		action_detail(out, MARKDOWN, pcisim_action_find(names[i]));
	}
	free(names);
	names = pcisim_expect_keys();
	fprintf(out, "\n### Expectation kinds\n\n");
	expects_list(out, MARKDOWN);
	for (size_t i = 0; names[i]; i++) {
		fputc('\n', out);
		expect_detail(out, MARKDOWN, pcisim_expect_def_find(names[i]));
	}
	free(names);
	fprintf(out, "\n### Record kinds\n\n");
	records_list(out, MARKDOWN);
	fprintf(out, "\n### Invariants\n\n");
	invariants_list(out, MARKDOWN);
}

/* ---- the topic table ---- */

const struct pcisim_help_topic pcisim_help_topics[] = {
	{"actions", NULL, "the timeline's actions ('do:')"},
	{"action", "NAME", "an action's parameters: type, required or optional, choices, range"},
	{"expectations", NULL, "the kinds of expectation ('expect:')"},
	{"expectation", "NAME", "an expectation kind's parameters"},
	{"drivers", NULL, "the device drivers of 'topology:' (QEMU -device names)"},
	{"driver", "NAME", "a driver's properties ('common': those every device takes)"},
	{"records", NULL, "the kinds of trace record (record:, count:, --timeline)"},
	{"invariants", NULL, "what fuzz and explore check in every run"},
	{"set", NULL, "the keys of --set KEY=VALUE"},
	{"reference", NULL, "actions, expectations, records and invariants at once (with --markdown: "
			    "docs/scenario-format.md's reference)"},
	{NULL, NULL, NULL},
};

const struct pcisim_set_key pcisim_set_keys[] = {
	{"seed=N", "the scenario's seed"},
	{"until=TIME", "the scenario's until: (when the run stops)"},
	{"machine.KEY=VALUE", "a key of machine: (type, qemu, ...; docs/scenario-format.md)"},
	{"host.KEY=VALUE", "a key of host: (os, pciehp, acpi_pcihp, boot)"},
	{"fuzz.KEY=VALUE", "a key of fuzz: (runs, seed, ...)"},
	{"topology.ID.PROP=VALUE", "property PROP of the topology entry whose id is ID (a 'pcisim help "
				   "driver' property)"},
	{NULL, NULL},
};

static void topics(FILE *out)
{
	fprintf(out, "usage: pcisim help TOPIC [NAME]\n       pcisim help COMMAND\n\ntopics:\n");
	for (size_t i = 0; pcisim_help_topics[i].name; i++) {
		char head[64];
		snprintf(head, sizeof(head), "%s%s%s", pcisim_help_topics[i].name,
			 pcisim_help_topics[i].arg ? " " : "", pcisim_help_topics[i].arg ? pcisim_help_topics[i].arg : "");
		list_line(out, PLAIN, head, pcisim_help_topics[i].help);
	}
	fprintf(out, "\ncommands ('pcisim help COMMAND' is 'pcisim COMMAND --help'):\n");
	for (size_t i = 0; pcisim_commands[i]; i++)
		list_line(out, PLAIN, pcisim_commands[i]->name, pcisim_commands[i]->summary);
	fprintf(out, "\n'pcisim help --markdown TOPIC' writes a topic as Markdown; 'pcisim help --man'\n"
		     "writes the manual page pcisim(1).\n");
}

/* "valid TOPICs: a, b, c" error for an unknown @name among @names. */
static int unknown(const char *what, const char *name, const char *const *names)
{
	char list[4096] = "";
	size_t u = 0;
	for (size_t i = 0; names[i] && u < sizeof(list); i++)
		u += (size_t)snprintf(list + u, sizeof(list) - u, "%s%s", i ? ", " : "", names[i]);
	return pcisim_usage_error("help", "unknown %s '%s'; valid %ss: %s", what, name, what, list);
}

static int unknown_freed(const char *what, const char *name, const char **names)
{
	int rc = unknown(what, name, names);
	free(names);
	return rc;
}

static int topic_names_error(const char *name)
{
	const char *names[64];
	size_t n = 0;
	for (size_t i = 0; pcisim_help_topics[i].name; i++)
		names[n++] = pcisim_help_topics[i].name;
	for (size_t i = 0; pcisim_commands[i] && n < 63; i++)
		names[n++] = pcisim_commands[i]->name;
	names[n] = NULL;
	return unknown("topic", name, names);
}

enum { OPT_MARKDOWN = 1, OPT_MAN };

static const struct pcisim_option options[] = {
	{OPT_MARKDOWN, "--markdown", NULL, PCISIM_OPTARG_NONE, NULL,
	 "write the topic as Markdown (tables), as docs/scenario-format.md holds it", 0, NULL},
	{OPT_MAN, "--man", NULL, PCISIM_OPTARG_NONE, NULL,
	 "write the manual page pcisim(1) in roff (man -l to read it)", 0, NULL},
	{0},
};

static int help_main(int argc, char **argv)
{
	struct pcisim_cli p;
	pcisim_cli_init(&p, &pcisim_cmd_help, argc, argv);
	bool markdown = false, man = false;
	int id;
	while ((id = pcisim_cli_next(&p)) > 0) {
		if (id == OPT_MARKDOWN)
			markdown = true;
		else if (id == OPT_MAN)
			man = true;
	}
	int rc = PCISIM_EXIT_USAGE;
	if (id < 0)
		goto out;
	const char *topic = p.noperands ? p.operands[0] : NULL;
	const char *name = p.noperands > 1 ? p.operands[1] : NULL;
	enum style st = markdown ? MARKDOWN : PLAIN;
	FILE *out = stdout;
	rc = PCISIM_EXIT_OK;
	if (man) {
		if (topic)
			rc = pcisim_usage_error("help", "option '--man' writes the whole manual page; it takes no TOPIC (got '%s')", topic);
		else
			pcisim_man_page(out);
		goto out;
	}
	if (!topic) {
		if (markdown)
			rc = pcisim_usage_error("help", "option '--markdown' needs a TOPIC: actions, expectations, drivers, records, invariants, set or reference");
		else
			topics(out);
		goto out;
	}
	const struct pcisim_help_topic *t = NULL;
	for (size_t i = 0; pcisim_help_topics[i].name; i++)
		if (!strcmp(pcisim_help_topics[i].name, topic))
			t = &pcisim_help_topics[i];
	if (!t) {
		const struct pcisim_command *c = pcisim_command_find(topic);
		if (!c) {
			rc = topic_names_error(topic);
			goto out;
		}
		if (name) {
			rc = pcisim_usage_error("help", "'pcisim help %s' takes no NAME (got '%s')", topic, name);
			goto out;
		}
		pcisim_command_usage(c, out);
		goto out;
	}
	if (t->arg && !name) {
		rc = pcisim_usage_error("help", "'pcisim help %s' needs a %s; 'pcisim help %ss' lists them",
					t->name, t->arg, t->name);
		goto out;
	}
	if (!t->arg && name) {
		rc = pcisim_usage_error("help", "'pcisim help %s' takes no NAME (got '%s')", t->name, name);
		goto out;
	}
	if (p.noperands > 2) {
		rc = pcisim_usage_error("help", "one topic at a time (got '%s' after '%s %s')",
					p.operands[2], topic, name);
		goto out;
	}
	if (!strcmp(t->name, "actions")) {
		actions_list(out, st);
	} else if (!strcmp(t->name, "action")) {
		const struct pcisim_action_def *a = pcisim_action_find(name);
		if (!a)
			rc = unknown_freed("action", name, pcisim_action_names());
		else
			action_detail(out, st, a);
	} else if (!strcmp(t->name, "expectations")) {
		expects_list(out, st);
	} else if (!strcmp(t->name, "expectation")) {
		const struct pcisim_expect_def *e = pcisim_expect_def_find(name);
		if (!e)
			rc = unknown_freed("expectation", name, pcisim_expect_keys());
		else
			expect_detail(out, st, e);
	} else if (!strcmp(t->name, "drivers")) {
		drivers_list(out, st);
	} else if (!strcmp(t->name, "driver")) {
		const struct pcisim_driver *d = strcmp(name, "common") ? pcisim_driver_find(name) : NULL;
		if (!strcmp(name, "common")) {
			if (st == PLAIN)
				fprintf(out, "the properties every device takes:\n\n");
			props_out(out, st, pcisim_common_props());
		} else if (!d) {
			rc = unknown_freed("driver", name, pcisim_driver_names());
		} else {
			driver_detail(out, st, d);
		}
	} else if (!strcmp(t->name, "records")) {
		records_list(out, st);
	} else if (!strcmp(t->name, "invariants")) {
		invariants_list(out, st);
	} else if (!strcmp(t->name, "set")) {
		set_keys(out, st);
	} else if (!strcmp(t->name, "reference")) {
		reference(out);
	}
out:
	pcisim_cli_free(&p);
	return rc;
}

const struct pcisim_command pcisim_cmd_help = {
	.name = "help",
	.summary = "what the scenario format offers: actions, expectations, drivers, records, ...",
	.description = "Without a TOPIC, list the topics. A TOPIC lists what pcisim's tables hold "
		       "(every action, expectation kind, driver, record kind or invariant the loader "
		       "accepts, with its help); 'action NAME', 'expectation NAME' and 'driver NAME' "
		       "describe one with its parameters. 'pcisim help COMMAND' is 'pcisim COMMAND "
		       "--help'.",
	.main = help_main,
	.synopsis = "[TOPIC [NAME]] [--markdown]\n--man",
	.options = options,
	.operand_arg = PCISIM_OPTARG_TOPIC,
	.exit_status = "0 printed, 2 an unknown topic or name (the error lists the valid ones)",
};
