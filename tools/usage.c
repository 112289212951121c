/*
 * --help texts, made from the command table and each command's option table
 * (tools/cli.h), so that what help shows is what the parser accepts.
 */
#include <stdio.h>
#include <string.h>

#include "tools/cli.h"

/* The help's width: option texts and descriptions wrap before this column. */
#define HELP_WIDTH 80
/* Where option texts start (the labels are padded to it). */
#define HELP_OPT_COL 24

void pcisim_wrap(FILE *out, const char *text, unsigned first_col, unsigned indent, unsigned width)
{
	unsigned col = first_col;
	bool line_start = true;
	const char *s = text;
	while (*s) {
		if (*s == '\n') { /* an explicit break */
			fputc('\n', out);
			fprintf(out, "%*s", (int)indent, "");
			col = indent, line_start = true, s++;
			continue;
		}
		if (*s == ' ') {
			s++;
			continue;
		}
		size_t w = strcspn(s, " \n");
		if (!line_start && col + 1 + w > width) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent, line_start = true;
		}
		if (!line_start)
			fputc(' ', out), col++;
		fwrite(s, 1, w, out);
		col += (unsigned)w, s += w, line_start = false;
	}
	fputc('\n', out);
}

void pcisim_option_label(const struct pcisim_option *o, char *buf, size_t n)
{
	bool short_alias = o->alias && o->alias[1] != '-';
	snprintf(buf, n, "%s%s%s%s%s", short_alias ? o->alias : "", short_alias ? ", " : "", o->name,
		 o->metavar ? " " : "", o->metavar ? o->metavar : "");
}

void pcisim_command_usage(const struct pcisim_command *c, FILE *out)
{
	const char *syn = c->synopsis ? c->synopsis : "";
	for (bool first = true; first || *syn; first = false) {
		size_t l = strcspn(syn, "\n");
		fprintf(out, "%s pcisim %s %.*s\n", first ? "usage:" : "      ", c->name, (int)l, syn);
		syn += l + (syn[l] == '\n');
	}
	/* the description: paragraphs separated by blank lines */
	for (const char *d = c->description; d && *d;) {
		const char *end = strstr(d, "\n\n");
		size_t l = end ? (size_t)(end - d) : strlen(d);
		char para[2048];
		snprintf(para, sizeof(para), "%.*s", (int)l, d);
		for (char *q = para; *q; q++)
			if (*q == '\n')
				*q = ' ';
		fputc('\n', out);
		pcisim_wrap(out, para, 0, 0, HELP_WIDTH);
		d = end ? end + 2 : d + l;
	}
	if (c->options && c->options->name) {
		fprintf(out, "\noptions:\n");
		for (const struct pcisim_option *o = c->options; o->name; o++) {
			char label[96];
			pcisim_option_label(o, label, sizeof(label));
			int w = fprintf(out, "  %s", label);
			if (w + 1 >= HELP_OPT_COL)
				fprintf(out, "\n%*s", HELP_OPT_COL, "");
			else
				fprintf(out, "%*s", HELP_OPT_COL - w, "");
			pcisim_wrap(out, o->help, HELP_OPT_COL, HELP_OPT_COL, HELP_WIDTH);
		}
	}
	if (c->notes) {
		fputc('\n', out);
		pcisim_wrap(out, c->notes, 0, 0, HELP_WIDTH);
	}
	if (c->exit_status) {
		fputc('\n', out);
		char es[512];
		snprintf(es, sizeof(es), "exit status: %s", c->exit_status);
		pcisim_wrap(out, es, 0, 0, HELP_WIDTH);
	}
}

void pcisim_usage(FILE *out)
{
	fprintf(out,
		"usage: pcisim COMMAND [OPTIONS] ...\n"
		"\n"
		"A deterministic discrete-event simulator of PCIe/CXL fabrics and the host\n"
		"software that drives them.\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; pcisim_commands[i]; i++)
		fprintf(out, "  %-14s %s\n", pcisim_commands[i]->name, pcisim_commands[i]->summary);
	fprintf(out,
		"\n"
		"options:\n"
		"  --help         this text; 'pcisim COMMAND --help' for a command\n"
		"  --version      print the version\n"
		"\n"
		"'pcisim help' lists the help topics: the scenario's actions, expectations,\n"
		"drivers, record kinds and invariants, and the keys of --set.\n"
		"\n"
		"exit status: 0 success, 1 an expectation or check failed, 2 bad input\n");
}
