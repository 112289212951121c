/*
 * The manual page pcisim(1), written in roff (man(7) macros) from the command table,
 * the option tables and the help topics: 'pcisim help --man'. The build writes it
 * to pcisim.1 and `cmake --install` puts it into share/man/man1.
 */
#include <stdio.h>
#include <string.h>

#include "tools/cli.h"
#include "tools/help.h"

/* The date of this version, the page's date (set beside the version in CMakeLists.txt). */
#ifndef PCISIM_RELEASE_DATE
#define PCISIM_RELEASE_DATE "2026-12-07"
#endif

/*
 * Text for roff: backslashes escaped, and a line that would start with a control
 * character ('.' or '\'') guarded with \&. Newlines in @s start new lines.
 */
static void roff_text(FILE *out, const char *s)
{
	bool bol = true;
	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", out);
		bol = *s == '\n';
		if (*s == '\\')
			fputs("\\e", out);
		else
			fputc(*s, out);
	}
}

/* An option name or a command: hyphens are minus signs (\-), as man(7) asks for options. */
static void roff_flag(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '-')
			fputs("\\-", out);
		else if (*s == '\\')
			fputs("\\e", out);
		else
			fputc(*s, out);
	}
}

/* A paragraph of running text (newlines become spaces; roff fills it). */
static void roff_para(FILE *out, const char *s, size_t len)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%.*s", (int)len, s);
	for (char *q = buf; *q; q++)
		if (*q == '\n')
			*q = ' ';
	roff_text(out, buf);
	fputc('\n', out);
}

static void command_section(FILE *out, const struct pcisim_command *c)
{
	fprintf(out, ".SS ");
	roff_flag(out, c->name);
	fputc('\n', out);
	const char *syn = c->synopsis ? c->synopsis : "";
	bool first = true;
	do {
		size_t l = strcspn(syn, "\n");
		char line[512];
		snprintf(line, sizeof(line), "%.*s", (int)l, syn);
		fprintf(out, "%s.B pcisim ", first ? "" : ".br\n");
		first = false;
		roff_flag(out, c->name);
		fputc('\n', out);
		if (line[0]) {
			roff_flag(out, line);
			fputc('\n', out);
		}
		syn += l + (syn[l] == '\n');
	} while (*syn);
	for (const char *d = c->description; d && *d;) {
		const char *end = strstr(d, "\n\n");
		size_t l = end ? (size_t)(end - d) : strlen(d);
		fprintf(out, ".PP\n");
		roff_para(out, d, l);
		d = end ? end + 2 : d + l;
	}
	for (const struct pcisim_option *o = c->options; o && o->name; o++) {
		fprintf(out, ".TP\n");
		bool short_alias = o->alias && o->alias[1] != '-';
		fprintf(out, "\\fB");
		if (short_alias) {
			roff_flag(out, o->alias);
			fprintf(out, "\\fR, \\fB");
		}
		roff_flag(out, o->name);
		fprintf(out, "\\fR");
		if (o->metavar) {
			fprintf(out, " \\fI");
			roff_text(out, o->metavar);
			fprintf(out, "\\fR");
		}
		fputc('\n', out);
		roff_para(out, o->help, strlen(o->help));
	}
	if (c->notes) {
		fprintf(out, ".PP\n");
		roff_para(out, c->notes, strlen(c->notes));
	}
	if (c->exit_status) {
		fprintf(out, ".PP\nExit status: ");
		roff_para(out, c->exit_status, strlen(c->exit_status));
	}
}

void pcisim_man_page(FILE *out)
{
	fprintf(out, ".\\\" The manual page of pcisim, written by 'pcisim help --man'.\n");
	fprintf(out, ".TH PCISIM 1 \"%s\" \"pcisim %s\" \"User Commands\"\n", PCISIM_RELEASE_DATE,
		PCISIM_VERSION);
	fprintf(out, ".SH NAME\npcisim \\- deterministic simulator of PCIe and CXL fabrics and of the "
		     "host software that drives them\n");
	fprintf(out, ".SH SYNOPSIS\n");
	for (size_t i = 0; pcisim_commands[i]; i++) {
		fprintf(out, "%s.B pcisim ", i ? ".br\n" : "");
		roff_flag(out, pcisim_commands[i]->name);
		fputc('\n', out);
		const char *syn = pcisim_commands[i]->synopsis ? pcisim_commands[i]->synopsis : "";
		size_t l = strcspn(syn, "\n");
		char line[512];
		snprintf(line, sizeof(line), "%.*s", (int)l, syn);
		if (line[0]) {
			roff_flag(out, line);
			fputc('\n', out);
		}
	}
	fprintf(out, ".SH DESCRIPTION\n"
		     "pcisim runs scenarios: YAML files that describe a machine (QEMU's machine type "
		     "and \\-device lines), the host software on it, a timeline of actions and the "
		     "expected outcome.\n"
		     "The same scenario, seed and pcisim version give the same trace, byte for byte, "
		     "and the same trace hash.\n"
		     ".PP\n"
		     "Every command takes its options in any order, as\n"
		     ".B \\-\\-name value\n"
		     "or\n"
		     ".BR \\-\\-name=value .\n"
		     "The options that mean the same thing in several commands (\\fB\\-\\-seed\\fR, "
		     "\\fB\\-\\-until\\fR, \\fB\\-\\-set\\fR, \\fB\\-\\-json\\fR and the run limits) "
		     "are the same options everywhere.\n"
		     "\\fBpcisim \\fIcommand\\fB \\-\\-help\\fR prints a command's options.\n");
	fprintf(out, ".SH COMMANDS\n");
	for (size_t i = 0; pcisim_commands[i]; i++)
		command_section(out, pcisim_commands[i]);
	fprintf(out, ".SH OVERRIDES\n"
		     "\\fB\\-\\-set\\fR \\fIKEY\\fR=\\fIVALUE\\fR changes a value of the scenario "
		     "after it is loaded and before the machine is built, as if the file said so:\n");
	for (size_t i = 0; pcisim_set_keys[i].key; i++) {
		fprintf(out, ".TP\n.B ");
		roff_text(out, pcisim_set_keys[i].key);
		fputc('\n', out);
		roff_para(out, pcisim_set_keys[i].help, strlen(pcisim_set_keys[i].help));
	}
	fprintf(out, ".SH HELP TOPICS\n"
		     "\\fBpcisim help\\fR \\fITOPIC\\fR prints what pcisim's tables hold:\n");
	for (size_t i = 0; pcisim_help_topics[i].name; i++) {
		fprintf(out, ".TP\n.B ");
		roff_text(out, pcisim_help_topics[i].name);
		if (pcisim_help_topics[i].arg)
			fprintf(out, "\n.I %s", pcisim_help_topics[i].arg);
		fputc('\n', out);
		roff_para(out, pcisim_help_topics[i].help, strlen(pcisim_help_topics[i].help));
	}
	fprintf(out, ".SH EXIT STATUS\n"
		     ".TP\n.B 0\nsuccess: every expectation holds, nothing diverged\n"
		     ".TP\n.B 1\nan expectation, invariant or check failed\n"
		     ".TP\n.B 2\nbad input: a scenario, trace or command line that pcisim refuses, with "
		     "an error naming the place, the expected form and the valid choices\n"
		     ".TP\n.B 3\na run limit (\\fB\\-\\-max\\-events\\fR, \\fB\\-\\-max\\-memory\\fR, "
		     "\\fB\\-\\-max\\-output\\fR) stopped the run\n");
	fprintf(out, ".SH FILES\n"
		     ".TP\n.I share/bash\\-completion/completions/pcisim\n"
		     "bash completion of commands, options, help topics and action names "
		     "(\\fBpcisim completion bash\\fR writes it)\n");
	fprintf(out, ".SH SEE ALSO\n"
		     ".BR lspci (8),\n"
		     ".BR setpci (8),\n"
		     ".BR qemu (1)\n"
		     ".PP\n"
		     "docs/scenario-format.md and the other documents of pcisim's source tree.\n");
}
