/*
 * pcisim import-qemu: a QEMU command line written out as scenario YAML (machine:,
 * topology: with the memory backends and one entry per -device), with the ignored
 * options as a comment.
 */
#include "sim/qemu/qemu_args.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/utf8.h"

static const char replacement_char[] = "\xef\xbf\xbd"; /* U+FFFD in UTF-8 */

/*
 * May @cp stand in YAML text as itself? Printable (YAML 1.2 §5.1) and not a line
 * break: tab, ASCII but DEL, and the rest of Unicode but the C1 controls (NEL among
 * them), the line and paragraph separators U+2028/U+2029 (line breaks in YAML 1.1),
 * the byte order mark and the non-characters U+FFFE, U+FFFF.
 */
static bool yaml_char_plain(uint32_t cp)
{
	if (cp < 0x80)
		return cp == '\t' || (cp >= 0x20 && cp != 0x7f);
	return cp >= 0xa0 && cp != 0x2028 && cp != 0x2029 && cp != 0xfeff && cp != 0xfffe &&
	       cp != 0xffff;
}

/* Does @s hold anything but characters that may stand as themselves (tab aside)? */
static bool has_unplain(const char *s)
{
	const char *p = s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = pcisim_utf8_char(p + i, n - i, &cp);
		if (!len || !yaml_char_plain(cp) || cp == '\t')
			return true;
		i += len;
	}
	return false;
}

/*
 * @s in a comment: one line of printable UTF-8 whatever it holds. Other characters
 * are written as escapes (\n, \r, \xNN, \uNNNN), bytes that are not UTF-8 (a name
 * cut short) as U+FFFD.
 */
static void yaml_comment_text(FILE *out, const char *s)
{
	const char *p = s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = pcisim_utf8_char(p + i, n - i, &cp);
		if (!len)
			fputs(replacement_char, out), len = 1;
		else if (yaml_char_plain(cp))
			fwrite(p + i, 1, len, out);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\r')
			fputs("\\r", out);
		else if (cp < 0x100)
			fprintf(out, "\\x%02x", (unsigned)cp);
		else
			fprintf(out, "\\u%04x", (unsigned)cp);
		i += len;
	}
}

/* Would YAML read @s as something else than this plain string? */
static bool yaml_needs_quotes(const char *s)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", NULL,
	};
	if (!s[0] || has_unplain(s))
		return true;
	char low[8];
	size_t l = strlen(s);
	if (l < sizeof(low)) {
		for (size_t i = 0; i <= l; i++)
			low[i] = (char)tolower((unsigned char)s[i]);
		for (size_t i = 0; words[i]; i++)
			if (!strcmp(low, words[i]))
				return true;
	}
	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) || s[0] == ' ' || s[l - 1] == ' ')
		return true;
	for (const char *p = s; *p; p++) {
		if (*p == ':' || *p == '#' || *p == ',' || *p == '[' || *p == ']' || *p == '{' ||
		    *p == '}' || *p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
			return true;
	}
	/* Numbers stay numbers when they mean the same: 12, 0x12. Other digit-led text
	 * ("0.1", "0x12.0x1", "1e3", "+5") would be read as a float or misread: quote it. */
	if (isdigit((unsigned char)s[0]) || s[0] == '+' || s[0] == '.') {
		uint64_t v;
		bool plain_dec = s[strspn(s, "0123456789")] == 0 && (s[0] != '0' || !s[1]);
		bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
			   s[2 + strspn(s + 2, "0123456789abcdefABCDEF")] == 0 && s[2];
		if ((plain_dec || hex) && !pcisim_parse_u64(s, &v))
			return false;
		/* Sizes like 4G or 256M start with digits and are plain strings in YAML. */
		size_t k = strspn(s, "0123456789");
		if (k && s[k] && strspn(s + k, "kKmMgGtTpPeEbB") == strlen(s + k) && s[0] != '0')
			return false;
		return true;
	}
	return false;
}

static void yaml_scalar(FILE *out, const char *s)
{
	if (!yaml_needs_quotes(s)) {
		fputs(s, out);
		return;
	}
	/* double-quoted: escapes for what may not stand as itself (bytes not UTF-8: U+FFFD) */
	fputc('"', out);
	const char *p = s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = pcisim_utf8_char(p + i, n - i, &cp);
		if (!len)
			fputs("\\uFFFD", out), len = 1;
		else if (cp == '"' || cp == '\\')
			fprintf(out, "\\%c", (char)cp);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\t')
			fputs("\\t", out);
		else if (yaml_char_plain(cp))
			fwrite(p + i, 1, len, out);
		else if (cp < 0x100)
			fprintf(out, "\\x%02x", (unsigned)cp);
		else
			fprintf(out, "\\u%04X", (unsigned)cp);
		i += len;
	}
	fputc('"', out);
}

/* A word for a shell command line: quoted when the shell would change it. */
static void shell_word(FILE *out, const char *s)
{
	bool plain = s[0] != 0;
	for (const char *p = s; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr("_@%+=:,./-", *p)))
			plain = false;
	if (plain) {
		fputs(s, out);
		return;
	}
	fputc('\'', out);
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", out);
		else
			fputc(*p, out);
	}
	fputc('\'', out);
}

/*
 * The memory backends as one qemu_args: entry, a literal block with a -object line
 * each; as a double-quoted scalar when an argument holds what a block cannot carry as
 * itself (a quoted newline or carriage return, a control character).
 */
static void write_backends(FILE *out, const struct pcisim_qemu_config *c)
{
	bool block = true;
	for (size_t i = 0; i < c->nbackends; i++)
		if (has_unplain(c->backends[i].arg))
			block = false;
	fprintf(out, "  # memory backends the devices refer to (memdev=, lsa=, ...)\n");
	if (block) {
		fprintf(out, "  - qemu_args: |\n");
		for (size_t i = 0; i < c->nbackends; i++) {
			fprintf(out, "      -object ");
			shell_word(out, c->backends[i].arg);
			fprintf(out, "\n");
		}
		return;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		abort();
	for (size_t i = 0; i < c->nbackends; i++) {
		fprintf(m, "%s-object ", i ? "\n" : "");
		shell_word(m, c->backends[i].arg);
	}
	fclose(m);
	fprintf(out, "  - qemu_args: ");
	yaml_scalar(out, text);
	fprintf(out, "\n");
	free(text);
}

static void write_device(FILE *out, const struct pcisim_props *p)
{
	static const char *const first[] = {"id", "bus", "addr", NULL};
	fputs("  - {driver: ", out);
	yaml_scalar(out, p->driver);
	for (size_t k = 0; first[k]; k++) {
		const struct pcisim_prop *v = pcisim_props_find(p, first[k]);
		if (!v)
			continue;
		fprintf(out, ", %s: ", first[k]);
		yaml_scalar(out, v->value);
	}
	for (size_t i = 0; i < p->n; i++) {
		bool done = false;
		for (size_t k = 0; first[k]; k++)
			if (!strcmp(first[k], p->v[i].name))
				done = true;
		if (done)
			continue;
		fputs(", ", out);
		yaml_scalar(out, p->v[i].name);
		fputs(": ", out);
		yaml_scalar(out, p->v[i].value);
	}
	fputs("}\n", out);
}

int pcisim_qemu_write_yaml(FILE *out, const struct pcisim_qemu_config *c,
			   const struct pcisim_qemu_yaml_opts *o)
{
	fprintf(out, "# A pcisim scenario written by 'pcisim import-qemu'");
	if (o->source) {
		fputs(" from ", out);
		yaml_comment_text(out, o->source);
	}
	fprintf(out, ".\n");
	if (c->program) {
		fputs("# The QEMU command line: ", out);
		yaml_comment_text(out, c->program);
		fprintf(out, " at line %u.\n", c->program_loc.line);
	}
	fprintf(out, "version: 1\nname: ");
	yaml_scalar(out, o->name ? o->name : "imported");
	fprintf(out, "\n");
	if (o->description) {
		fprintf(out, "description: ");
		yaml_scalar(out, o->description);
		fprintf(out, "\n");
	}

	/* machine: scalars in flow style; windows as a block list under it. */
	const char *type = c->machine_type ? c->machine_type : "q35";
	if (!c->nfmw) {
		fprintf(out, "machine: {type: ");
		yaml_scalar(out, type);
		if (c->cxl >= 0)
			fprintf(out, ", cxl: %s", c->cxl ? "on" : "off");
		if (c->acpi_pcihp_bridges >= 0)
			fprintf(out, ", acpi-pci-hotplug-with-bridge-support: %s",
				c->acpi_pcihp_bridges ? "on" : "off");
		if (c->vga >= 0)
			fprintf(out, ", vga: %s", c->vga ? "std" : "none");
		fprintf(out, "}\n");
	} else {
		fprintf(out, "machine:\n  type: ");
		yaml_scalar(out, type);
		fprintf(out, "\n");
		if (c->cxl >= 0)
			fprintf(out, "  cxl: %s\n", c->cxl ? "on" : "off");
		if (c->acpi_pcihp_bridges >= 0)
			fprintf(out, "  acpi-pci-hotplug-with-bridge-support: %s\n",
				c->acpi_pcihp_bridges ? "on" : "off");
		if (c->vga >= 0)
			fprintf(out, "  vga: %s\n", c->vga ? "std" : "none");
		fprintf(out, "  cxl-fmw:\n");
		for (size_t i = 0; i < c->nfmw; i++) {
			const struct pcisim_qemu_fmw *f = &c->fmw[i];
			fprintf(out, "    - {targets: [");
			for (unsigned j = 0; j < f->fmw.ntargets; j++) {
				if (j)
					fputs(", ", out);
				yaml_scalar(out, f->fmw.targets[j]);
			}
			fprintf(out, "], size: ");
			yaml_scalar(out, f->size_str);
			if (f->granularity_str) {
				fprintf(out, ", interleave-granularity: ");
				yaml_scalar(out, f->granularity_str);
			}
			fprintf(out, "}\n");
		}
	}

	if (c->nignored) {
		char buf[2048];
		fputs("# ignored options (accepted, not modelled): ", out);
		yaml_comment_text(out, pcisim_qemu_ignored_str(c, buf, sizeof(buf)));
		fputc('\n', out);
	}
	if (!c->ndevices && !c->nbackends) {
		fprintf(out, "topology: []\n");
	} else {
		fprintf(out, "topology:\n");
		if (c->nbackends)
			write_backends(out, c);
		for (size_t i = 0; i < c->ndevices; i++)
			write_device(out, &c->devices[i]);
	}
	fprintf(out, "timeline: []\nexpect: []\n");
	return ferror(out) ? PCISIM_ERR(PCISIM_EIO) : 0;
}

/*
 * The script becomes YAML, which holds only printable UTF-8 (YAML 1.2 §5.1): refuse a
 * script that is not UTF-8 text or has control characters other than tab, newline and
 * carriage return (C0, DEL, C1 including NEL) or the non-characters U+FFFE, U+FFFF,
 * as the scenario loader refuses such a scenario, at the character's line and column.
 */
static int check_text(const char *file, const char *text, struct pcisim_diag *d)
{
	size_t n = strlen(text);
	unsigned line = 1, col = 1;
	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		size_t len = pcisim_utf8_char(text + i, n - i, &cp);
		struct pcisim_loc at = {file, line, col};
		if (!len)
			return pcisim_diag_error(d, at,
						 "not UTF-8 text (byte 0x%02x); expected a shell script or QEMU command line in UTF-8 text without control characters",
						 (unsigned char)text[i]);
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7f && cp < 0xa0) ||
		    cp == 0xfffe || cp == 0xffff)
			return pcisim_diag_error(d, at,
						 "invalid character: control characters are not allowed (U+%04X); expected a shell script or QEMU command line in UTF-8 text without control characters",
						 (unsigned)cp);
		if (cp == '\n')
			line++, col = 1;
		else
			col++;
		i += len;
	}
	return 0;
}

int pcisim_qemu_import(FILE *out, struct pcisim_arena *a, const char *file, const char *text,
		       const struct pcisim_qemu_yaml_opts *o, struct pcisim_diag *d)
{
	struct pcisim_qemu_cmdline cmd;
	struct pcisim_qemu_config c;
	int rc = check_text(file, text, d);
	if (rc || (rc = pcisim_qemu_script_parse(a, text, (struct pcisim_loc){file, 1, 1}, &cmd, d)) ||
	    (rc = pcisim_qemu_config_read(a, &cmd, &c, d)))
		return rc;
	const struct pcisim_qemu_backend **bes = calloc(c.nbackends + 1, sizeof(*bes));
	if (!bes)
		abort();
	for (size_t i = 0; i < c.nbackends; i++)
		bes[i] = &c.backends[i];
	const char **names = pcisim_driver_names();
	bool have_models = names && names[0];
	for (size_t i = 0; i < c.ndevices && !rc; i++) {
		rc = pcisim_qemu_check_memdevs(&c.devices[i], bes, c.nbackends, d);
		if (!rc && have_models && !pcisim_driver_find(c.devices[i].driver)) {
			char buf[1024];
			rc = pcisim_diag_error(d, c.devices[i].loc,
					       "unknown device driver '%s'; valid drivers: %s",
					       c.devices[i].driver, pcisim_choices(buf, sizeof(buf), names));
		}
	}
	free(names);
	free(bes);
	if (rc)
		return rc;
	if (!c.has_machine)
		pcisim_diag_warning(d, cmd.program ? cmd.program_loc : (struct pcisim_loc){file, 1, 1},
				    "no -machine option: QEMU's default machine is 'pc' (i440fx); the scenario uses q35");
	if (c.nignored) {
		char buf[1024];
		pcisim_diag_warning(d, c.ignored_loc, "ignored options: %s",
				    pcisim_qemu_ignored_str(&c, buf, sizeof(buf)));
	}
	return pcisim_qemu_write_yaml(out, &c, o);
}
