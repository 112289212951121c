/*
 * pcisim import-qemu: a QEMU command line written out as scenario YAML (machine:,
 * topology: with the memory backends and one entry per -device), with the ignored
 * options as a comment. Before anything is written, the command line is built into a
 * scratch simulation as `pcisim simulate` will build the scenario, so that every error
 * is reported in the launch script.
 *
 * What YAML cannot hold raw is escaped: in comments, line breaks and other characters
 * YAML does not allow are written as \n, \t, \r, \xNN; values with them are double-quoted
 * with YAML escapes. Bytes that are not UTF-8 cannot be written into a scenario (YAML is
 * Unicode text): in a value they are a located error, in a comment they are shown as \xNN.
 */
#include "sim/qemu/qemu_args.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/core/sim.h"
#include "sim/core/heap.h"

/*
 * Characters a YAML file may not hold raw where import writes text (YAML 1.1 §5.1
 * printable set, and the line breaks NEL, LS, PS that would end a comment or a block
 * line), and the byte order mark.
 */
static bool must_escape(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0xfeff || cp == 0xfffe || cp == 0xffff;
}

/* Does @s hold a byte that is not UTF-8, or a character that must be escaped? */
static bool needs_escapes(const char *s)
{
	for (const char *p = s; *p;) {
		uint32_t cp;
		size_t n = pcisim_utf8_decode(p, &cp);
		if (!n || must_escape(cp))
			return true;
		p += n;
	}
	return false;
}

/*
 * @s as text of a comment: one line, whatever it holds. Line breaks, tabs and other
 * characters YAML does not allow raw are written as \n, \t, \r or \xNN per byte, as
 * the warnings on standard error write them; bytes that are not UTF-8 as \xNN.
 */
static void comment_text(FILE *out, const char *s)
{
	for (const char *p = s; *p;) {
		uint32_t cp;
		size_t n = pcisim_utf8_decode(p, &cp);
		if (n && !must_escape(cp)) {
			fwrite(p, 1, n, out);
			p += n;
		} else if (n == 1 && (cp == '\n' || cp == '\t' || cp == '\r')) {
			fputs(cp == '\n' ? "\\n" : cp == '\t' ? "\\t" : "\\r", out);
			p++;
		} else {
			for (size_t i = 0; i < (n ? n : 1); i++)
				fprintf(out, "\\x%02x", (unsigned char)*p++);
		}
	}
}

/* Would YAML read @s as something else than this plain string? */
static bool yaml_needs_quotes(const char *s)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", NULL,
	};
	if (!s[0])
		return true;
	size_t l = strlen(s);
	for (size_t i = 0; words[i]; i++)
		if (!strcasecmp(s, words[i]))
			return true;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) || s[0] == ' ' || s[l - 1] == ' ')
		return true;
	for (const char *p = s; *p; p++) {
		if (*p == ':' || *p == '#' || *p == ',' || *p == '[' || *p == ']' || *p == '{' ||
		    *p == '}' || *p == '"' || *p == '\\')
			return true;
	}
	if (needs_escapes(s))
		return true;
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
	/*
	 * Double-quoted, with YAML's escapes (YAML 1.1 §5.7) for what may not stand raw.
	 * A byte that is not UTF-8 has no YAML escape: it is written as the text \xNN
	 * (only names and descriptions from file names can hold one; the values of a
	 * command line were checked by pcisim_qemu_import()).
	 */
	fputc('"', out);
	for (const char *p = s; *p;) {
		uint32_t cp;
		size_t n = pcisim_utf8_decode(p, &cp);
		if (!n) {
			fprintf(out, "\\\\x%02x", (unsigned char)*p++);
			continue;
		}
		if (cp == '"' || cp == '\\')
			fprintf(out, "\\%c", (char)cp);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\t')
			fputs("\\t", out);
		else if (must_escape(cp) && cp < 0x100)
			fprintf(out, "\\x%02x", (unsigned)cp);
		else if (must_escape(cp))
			fprintf(out, "\\u%04x", (unsigned)cp);
		else
			fwrite(p, 1, n, out);
		p += n;
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
 * The memory backends, as one qemu_args entry of -object options (the YAML topology has
 * no other way to declare them): a literal block, one option a line; double-quoted with
 * escapes when an argument holds a character a block line cannot (a newline, a tab).
 */
static void write_backends(FILE *out, const struct pcisim_qemu_config *c)
{
	bool block = true;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		abort();
	for (size_t i = 0; i < c->nbackends; i++) {
		block = block && !needs_escapes(c->backends[i].arg);
		fputs("-object ", m);
		shell_word(m, c->backends[i].arg);
		fputc('\n', m);
	}
	fclose(m);
	fprintf(out, "  # memory backends the devices refer to (memdev=, lsa=, ...)\n");
	if (block) {
		fprintf(out, "  - qemu_args: |\n");
		for (char *line = text, *nl; (nl = strchr(line, '\n')); line = nl + 1)
			fprintf(out, "      %.*s\n", (int)(nl - line), line);
	} else {
		fprintf(out, "  - qemu_args: ");
		yaml_scalar(out, text);
		fputc('\n', out);
	}
	pcisim_free(text);
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
		fprintf(out, " from ");
		comment_text(out, o->source);
	}
	fprintf(out, ".\n");
	if (c->program) {
		fprintf(out, "# The QEMU command line: ");
		comment_text(out, c->program);
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
		fprintf(out, "# ignored options (accepted, not modelled): ");
		comment_text(out, pcisim_qemu_ignored_str(c, buf, sizeof(buf)));
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

/* The first byte of the command line that is not UTF-8 and would reach the scenario. */
struct bad_byte {
	bool found;
	struct pcisim_loc loc;
	unsigned char byte;
	char what[160];
};

static void utf8_check(struct bad_byte *b, const char *s, struct pcisim_loc loc,
		       const char *fmt, ...) PCISIM_PRINTF(4, 5);

static void utf8_check(struct bad_byte *b, const char *s, struct pcisim_loc loc,
		       const char *fmt, ...)
{
	const char *p = s;
	uint32_t cp;
	size_t n;
	while (*p && (n = pcisim_utf8_decode(p, &cp)))
		p += n;
	if (!*p)
		return;
	struct pcisim_loc at = pcisim_loc_advance(loc, s, (size_t)(p - s));
	if (b->found && (b->loc.line < at.line || (b->loc.line == at.line && b->loc.col <= at.col)))
		return;
	b->found = true;
	b->loc = at;
	b->byte = (unsigned char)*p;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->what, sizeof(b->what), fmt, ap);
	va_end(ap);
}

/*
 * Every text of @c that is written into the scenario as a value must be UTF-8: a YAML
 * file is Unicode text and has no escape for a byte. (Texts that only reach comments,
 * the ignored options, are escaped there instead.) The first offender is reported.
 */
static int check_utf8(const struct pcisim_qemu_config *c, struct pcisim_diag *d)
{
	struct bad_byte b = {0};
	for (size_t i = 0; i < c->nbackends; i++)
		utf8_check(&b, c->backends[i].arg, c->backends[i].loc, "-object %s",
			   c->backends[i].type);
	for (size_t i = 0; i < c->ndevices; i++) {
		const struct pcisim_props *p = &c->devices[i];
		utf8_check(&b, p->driver, p->loc, "the -device driver name");
		for (size_t j = 0; j < p->n; j++) {
			utf8_check(&b, p->v[j].name, p->v[j].key_loc, "a -device property name");
			utf8_check(&b, p->v[j].value, p->v[j].loc, "%s property '%s'", p->driver,
				   p->v[j].name);
		}
	}
	for (size_t i = 0; i < c->nfmw; i++)
		for (unsigned j = 0; j < c->fmw[i].fmw.ntargets; j++)
			utf8_check(&b, c->fmw[i].fmw.targets[j], c->fmw[i].target_locs[j],
				   "-machine cxl-fmw.%zu.targets.%u", i, j);
	if (!b.found)
		return 0;
	return pcisim_diag_error(d, b.loc,
				 "not UTF-8 text: byte 0x%02x in %s; expected UTF-8 text, as a scenario is (convert the script, e.g. iconv -f LATIN1 -t UTF-8)",
				 b.byte, b.what);
}

int pcisim_qemu_import(FILE *out, struct pcisim_arena *a, const char *file, const char *text,
		       const struct pcisim_qemu_yaml_opts *o, struct pcisim_diag *d)
{
	struct pcisim_qemu_cmdline cmd;
	struct pcisim_qemu_config c;
	int rc = pcisim_qemu_script_parse(a, text, (struct pcisim_loc){file, 1, 1}, &cmd, d);
	if (rc || (rc = pcisim_qemu_config_read(a, &cmd, &c, d)) || (rc = check_utf8(&c, d)))
		return rc;
	/* What simulate will do with the scenario, done now, so errors point into the script. */
	struct pcisim_sim sim;
	if ((rc = pcisim_sim_init(&sim, 0, d)))
		return rc;
	rc = pcisim_qemu_config_build(&sim, &c, d);
	pcisim_sim_free(&sim);
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
