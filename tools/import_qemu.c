/*
 * pcisim import-qemu: a QEMU launch script (or pasted command line) turned into a
 * scenario: the machine from -machine, one topology entry per -device, memory backends
 * from -object, and a comment listing the options pcisim does not model.
 *
 * Nothing is written unless the scenario loads: the command line is built as simulate
 * builds it (pcisim_qemu_import, errors in the script), and the YAML written is then
 * loaded back and instantiated (pcisim_import_qemu_verify, import_verify.c) before it
 * leaves memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/core/arena.h"
#include "sim/core/diag.h"
#include "sim/qemu/qemu_args.h"
#include "tools/cli.h"

enum { OPT_OUTPUT = 1, OPT_NAME };

static const struct pcisim_option options[] = {
	{OPT_OUTPUT, "--output", "-o", PCISIM_OPTARG_FILE, "FILE",
	 "write the scenario to FILE instead of standard output", 0, NULL},
	{OPT_NAME, "--name", NULL, PCISIM_OPTARG_TEXT, "NAME",
	 "the scenario's name (default: FILE's name without extension)", 0,
	 "a name (e.g. --name fm-target)"},
	{0},
};

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		return NULL;
	for (;;) {
		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (!got)
			break;
	}
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

/* "dir/fm-target.sh" -> "fm-target" (letters, digits, '.', '_', '-'; others become '-'). */
static void name_from_file(const char *file, char *out, size_t n)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	size_t l = strlen(base);
	const char *dot = strrchr(base, '.');
	if (dot && dot != base)
		l = (size_t)(dot - base);
	size_t u = 0;
	for (size_t i = 0; i < l && u + 1 < n; i++) {
		char c = base[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '.' || c == '_' || c == '-';
		out[u++] = ok ? c : '-';
	}
	out[u] = 0;
	if (!u || !strcmp(file, "-"))
		snprintf(out, n, "imported");
}

/*
 * One command line's scenario text: the script @file imported as a one-machine
 * scenario named @name into *@yaml (malloc'ed). Returns 0, or an exit status.
 */
static int import_one(const char *file, const char *name, struct pcisim_diag *diag, char **yaml,
		      size_t *ylen, char **script)
{
	bool is_stdin = !strcmp(file, "-");
	const char *shown = is_stdin ? "<stdin>" : file;
	FILE *in = is_stdin ? stdin : fopen(file, "rb");
	if (!in) {
		pcisim_diag_error(diag, (struct pcisim_loc){file, 0, 0}, "cannot open: %s", strerror(errno));
		return PCISIM_EXIT_USAGE;
	}
	size_t len = 0;
	char *text = read_all(in, &len);
	int err = errno;
	if (!is_stdin)
		fclose(in);
	if (!text) {
		pcisim_diag_error(diag, (struct pcisim_loc){shown, 0, 0}, "cannot read: %s", strerror(err));
		return PCISIM_EXIT_USAGE;
	}
	if (strlen(text) != len) {
		pcisim_diag_error(diag, (struct pcisim_loc){shown, 0, 0},
				  "not a text file (it contains NUL bytes); expected a shell script or a QEMU command line");
		free(text);
		return PCISIM_EXIT_USAGE;
	}
	char desc[512], src[256];
	const char *base = strrchr(shown, '/');
	base = base ? base + 1 : shown;
	snprintf(src, sizeof(src), "%s", base);
	snprintf(desc, sizeof(desc), "QEMU launch command imported from %s", base);
	struct pcisim_qemu_yaml_opts o = {name, desc, src};
	FILE *mem = open_memstream(yaml, ylen);
	if (!mem) {
		free(text);
		return pcisim_usage_error("import-qemu", "out of memory");
	}
	struct pcisim_arena arena;
	pcisim_arena_init(&arena);
	int rc = pcisim_qemu_import(mem, &arena, shown, text, &o, diag);
	fclose(mem);
	pcisim_arena_free(&arena);
	if (rc) {
		free(text);
		free(*yaml);
		*yaml = NULL;
		return PCISIM_EXIT_USAGE;
	}
	*script = text;
	return 0;
}

/* -qmp tcp:HOST:PORT[,...] of a script into @out ("" when it has none). */
static void qmp_of(const char *script, char *out, size_t n)
{
	const char *q = strstr(script, "-qmp tcp:");
	out[0] = 0;
	if (!q)
		return;
	q += 9;
	size_t l = strcspn(q, ", \t\n\\\"'");
	snprintf(out, n, "%.*s", (int)l, q);
	if (!strchr(out, ':'))
		out[0] = 0;
}

/*
 * Several launch scripts: one machines: entry each (docs/machines.md), named after its
 * file, with its -qmp address, its machine: and topology: as a one-machine import
 * writes them.
 */
static int import_machines(const char **files, size_t n, const char *name, FILE *mem, struct pcisim_diag *diag)
{
	char names[16][128];
	if (n > 16)
		return pcisim_usage_error("import-qemu", "at most 16 launch scripts (one machine each)");
	fprintf(mem, "# A pcisim scenario written by 'pcisim import-qemu' from");
	for (size_t i = 0; i < n; i++)
		fprintf(mem, "%s %s", i ? (i + 1 == n ? " and" : ",") : "", files[i]);
	fprintf(mem, ": one machine each.\n# The machines are built in the order of their names, whatever the order here.\n");
	fprintf(mem, "version: 1\nname: %s\ndescription: QEMU launch commands imported as %zu machines\nmachines:\n",
		name, n);
	for (size_t i = 0; i < n; i++) {
		name_from_file(files[i], names[i], sizeof(names[i]));
		for (char *c = names[i]; *c; c++)
			if (*c == '.')
				*c = '-';
		for (size_t j = 0; j < i; j++)
			if (!strcmp(names[i], names[j])) {
				size_t l = strlen(names[i]);
				snprintf(names[i] + l, sizeof(names[i]) - l, "-%zu", i + 1);
			}
		char *yaml = NULL, *script = NULL;
		size_t ylen = 0;
		int rc = import_one(files[i], names[i], diag, &yaml, &ylen, &script);
		if (rc)
			return rc;
		char qmp[128];
		qmp_of(script, qmp, sizeof(qmp));
		free(script);
		fprintf(mem, "  - name: %s\n", names[i]);
		if (qmp[0])
			fprintf(mem, "    qmp: \"%s\"  # its -qmp: another machine's i2c_mctp_cxl qmp= names it\n", qmp);
		/* the one-machine scenario's machine: and topology: (and their comments) */
		bool in = false;
		for (char *line = yaml, *next; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = 0;
			if (!strncmp(line, "timeline:", 9))
				break;
			if (in && line[0])
				fprintf(mem, "    %s\n", line);
			if (!strncmp(line, "description:", 12))
				in = true;
		}
		free(yaml);
	}
	fprintf(mem, "timeline: []\nexpect: []\n");
	return 0;
}

static int write_out(char *yaml, size_t ylen, const char *outfile);

static int import_main(int argc, char **argv)
{
	const char *file = NULL, *outfile = NULL, *name = NULL;
	const char **files = NULL;
	size_t nfiles = 0;
	struct pcisim_cli p;
	pcisim_cli_init(&p, &pcisim_cmd_import_qemu, argc, argv);
	int id, rc = 0;
	while (!rc && (id = pcisim_cli_next(&p)) > 0) {
		switch (id) {
		case OPT_OUTPUT:
			outfile = p.val;
			break;
		case OPT_NAME:
			if (!p.val[0])
				rc = pcisim_usage_error("import-qemu",
							"option '--name' needs a name (e.g. --name fm-target)");
			name = p.val;
			break;
		}
	}
	if (!rc && id < 0)
		rc = PCISIM_EXIT_USAGE;
	if (!rc) {
		file = p.operands[0];
		nfiles = p.noperands;
		files = calloc(nfiles, sizeof(*files));
		if (!files)
			abort();
		memcpy(files, p.operands, nfiles * sizeof(*files)); /* they point into argv */
	}
	pcisim_cli_free(&p);
	if (rc)
		return rc;
	if (nfiles > 1) {
		struct pcisim_diag d2;
		pcisim_diag_init(&d2, stderr);
		char *yaml = NULL;
		size_t ylen = 0;
		FILE *mem = open_memstream(&yaml, &ylen);
		if (!mem) {
			free(files);
			return pcisim_usage_error("import-qemu", "out of memory");
		}
		rc = import_machines(files, nfiles, name ? name : "machines", mem, &d2);
		fclose(mem);
		free(files);
		if (rc || pcisim_import_qemu_verify(yaml, ylen, outfile ? outfile : "<stdout>", "the launch scripts", stderr)) {
			free(yaml);
			return rc ? rc : PCISIM_EXIT_USAGE;
		}
		return write_out(yaml, ylen, outfile);
	}
	free(files);

	struct pcisim_diag diag;
	pcisim_diag_init(&diag, stderr);
	bool is_stdin = !strcmp(file, "-");
	const char *shown = is_stdin ? "<stdin>" : file;
	FILE *in = is_stdin ? stdin : fopen(file, "rb");
	if (!in) {
		pcisim_diag_error(&diag, (struct pcisim_loc){file, 0, 0}, "cannot open: %s",
				  strerror(errno));
		return PCISIM_EXIT_USAGE;
	}
	size_t len = 0;
	char *text = read_all(in, &len);
	int err = errno;
	if (!is_stdin)
		fclose(in);
	if (!text) {
		pcisim_diag_error(&diag, (struct pcisim_loc){shown, 0, 0}, "cannot read: %s",
				  strerror(err));
		return PCISIM_EXIT_USAGE;
	}
	if (strlen(text) != len) {
		pcisim_diag_error(&diag, (struct pcisim_loc){shown, 0, 0},
				  "not a text file (it contains NUL bytes); expected a shell script or a QEMU command line");
		free(text);
		return PCISIM_EXIT_USAGE;
	}

	char defname[128], desc[512], src[256];
	name_from_file(file, defname, sizeof(defname));
	const char *base = strrchr(shown, '/');
	base = base ? base + 1 : shown;
	snprintf(src, sizeof(src), "%s", base);
	snprintf(desc, sizeof(desc), "QEMU launch command imported from %s", base);
	struct pcisim_qemu_yaml_opts o = {name ? name : defname, desc, src};

	/* Written in memory first: a bad script leaves no half-written output file. */
	char *yaml = NULL;
	size_t ylen = 0;
	FILE *mem = open_memstream(&yaml, &ylen);
	if (!mem) {
		free(text);
		return pcisim_usage_error("import-qemu", "out of memory");
	}
	struct pcisim_arena arena;
	pcisim_arena_init(&arena);
	rc = pcisim_qemu_import(mem, &arena, shown, text, &o, &diag);
	fclose(mem);
	pcisim_arena_free(&arena);
	free(text);
	if (rc) {
		free(yaml);
		return PCISIM_EXIT_USAGE;
	}
	if (pcisim_import_qemu_verify(yaml, ylen, outfile ? outfile : "<stdout>", shown, stderr)) {
		free(yaml);
		return PCISIM_EXIT_USAGE;
	}
	return write_out(yaml, ylen, outfile);
}

/* Write the verified scenario (and free it); nothing half-written is left behind. */
static int write_out(char *yaml, size_t ylen, const char *outfile)
{
	FILE *out = outfile ? fopen(outfile, "w") : stdout;
	if (!out) {
		free(yaml);
		return pcisim_usage_error("import-qemu", "option '-o': cannot write '%s': %s", outfile,
					  strerror(errno));
	}
	bool ok = fwrite(yaml, 1, ylen, out) == ylen;
	if (outfile)
		ok = (fclose(out) == 0) && ok;
	else
		ok = (fflush(out) == 0) && ok;
	int werr = errno;
	free(yaml);
	if (!ok) {
		/* No half-written scenario is left behind (a regular file only: not /dev/...). */
		struct stat st;
		if (outfile && !stat(outfile, &st) && S_ISREG(st.st_mode))
			remove(outfile);
		return pcisim_usage_error("import-qemu", "cannot write '%s': %s",
					  outfile ? outfile : "standard output", strerror(werr));
	}
	return PCISIM_EXIT_OK;
}

const struct pcisim_command pcisim_cmd_import_qemu = {
	.name = "import-qemu",
	.summary = "turn a QEMU launch script's -device/-machine lines into a scenario",
	.description =
		"Read a QEMU launch script (FILE, or - for standard input) and write a scenario: "
		"version, name, description, machine: from -machine, topology: with one entry per "
		"-device (and the -object memory backends they use), an empty timeline and expect. "
		"The first qemu-system-*/qemu-kvm command of the script is read; a file that names no "
		"QEMU program is read whole as one command line. Options pcisim does not model "
		"(-drive, -netdev, -m, -smp, ...) are listed in a comment and in one warning. "
		"Several FILEs (the FM emulation RFC's target and FM VMs) make one scenario with a "
		"machines: entry each, named after its file, with the address of its -qmp.",
	.main = import_main,
	.synopsis = "FILE... [-o OUT.yaml] [--name NAME]",
	.options = options,
	.operand = "the launch script FILE",
	.operand_one = NULL, /* several scripts: one machine each */
	.operand_arg = PCISIM_OPTARG_FILE,
	.exit_status = "0 written, 2 bad input (reported as FILE:LINE:COL: error: ...)",
	.notes = "The command line is checked as 'pcisim simulate' will check the scenario "
		 "(drivers, properties, buses, addresses, memory backends, CXL windows): errors are "
		 "reported in FILE, and nothing is written unless the scenario loads.",
};
