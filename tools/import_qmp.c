/*
 * pcisim import-qmp: a QMP or HMP transcript (QEMU's -qmp traffic as logged, the QMP
 * shell's history, a monitor session) becomes a scenario timeline, each command that
 * acts at its timestamp relative to the first, on top of a base scenario's machine.
 * Commands map to steps exactly as `pcisim serve` runs them (tools/qmp.c).
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/diag.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/ynode.h"
#include "tools/cli.h"
#include "tools/qmp.h"

enum { OPT_OUTPUT = 1, OPT_SCENARIO, OPT_OFFSET, OPT_GAP, OPT_ABSOLUTE, OPT_NAME };

static const struct pcisim_option options[] = {
	{OPT_OUTPUT, "--output", "-o", PCISIM_OPTARG_FILE, "FILE",
	 "write the scenario to FILE (default: standard output)", 0, NULL},
	{OPT_SCENARIO, "--scenario", NULL, PCISIM_OPTARG_FILE, "BASE.yaml",
	 "the machine: the scenario includes BASE (its timeline first); with -o the result is "
	 "loaded and checked",
	 0, NULL},
	{OPT_OFFSET, "--offset", NULL, PCISIM_OPTARG_TIME, "TIME",
	 "the first timestamp lands at this simulated time (default 1s, after the machine has "
	 "come up)",
	 0, NULL},
	{OPT_GAP, "--gap", NULL, PCISIM_OPTARG_TIME, "TIME",
	 "time between commands that have no timestamp (default 1s)", 0, NULL},
	{OPT_ABSOLUTE, "--absolute", NULL, PCISIM_OPTARG_NONE, NULL,
	 "the timestamps are simulated times in seconds (a transcript 'pcisim serve --log' "
	 "wrote): steps land at them exactly",
	 0, NULL},
	{OPT_NAME, "--name", NULL, PCISIM_OPTARG_TEXT, "NAME",
	 "the scenario's name (default: LOG's base name + -import)", 0, "a name"},
	{0},
};

struct import_opts {
	const char *log, *out, *base, *name;
	pcisim_time offset, gap;
	bool absolute;
};

static int parse_args(int argc, char **argv, struct import_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->offset = PCISIM_S;
	o->gap = PCISIM_S;
	struct pcisim_cli p;
	pcisim_cli_init(&p, &pcisim_cmd_import_qmp, argc, argv);
	int id;
	while ((id = pcisim_cli_next(&p)) > 0) {
		switch (id) {
		case OPT_OUTPUT:
			o->out = p.val;
			break;
		case OPT_SCENARIO:
			o->base = p.val;
			break;
		case OPT_NAME:
			o->name = p.val;
			break;
		case OPT_OFFSET:
			o->offset = p.t;
			break;
		case OPT_GAP:
			o->gap = p.t;
			break;
		case OPT_ABSOLUTE:
			o->absolute = true;
			break;
		}
	}
	if (id == 0)
		o->log = p.operands[0];
	pcisim_cli_free(&p);
	return id < 0 ? -1 : 0;
}

/* ---- timestamps ---- */

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* Digits at @p (at most @max); returns how many, the value in *@v. */
static size_t digits(const char *p, size_t max, unsigned long long *v)
{
	size_t n = 0;
	*v = 0;
	while (n < max && isdigit((unsigned char)p[n]))
		*v = *v * 10 + (unsigned long long)(p[n++] - '0');
	return n;
}

/* A fraction of a second ".123456" at @p into picoseconds; returns the length. */
static size_t fraction(const char *p, pcisim_time *ps)
{
	*ps = 0;
	if (*p != '.' && *p != ',')
		return 0;
	size_t n = 1;
	pcisim_time unit = PCISIM_S / 10;
	while (isdigit((unsigned char)p[n])) {
		if (unit)
			*ps += (pcisim_time)(p[n] - '0') * unit;
		unit /= 10;
		n++;
	}
	return n > 1 ? n : 0;
}

/*
 * A timestamp at the start of @s: its length (0 when none), the time in picoseconds
 * in *@t (an absolute or time-of-day count; only differences matter).
 */
static size_t timestamp(const char *s, pcisim_time *t)
{
	const char *p = s;
	bool bracket = *p == '[';
	if (bracket)
		p++;
	unsigned long long y, mo, d, h, mi, sec;
	size_t n;
	long long days = 0;
	bool have = false;
	/* YYYY-MM-DD[T ]HH:MM:SS */
	if ((n = digits(p, 4, &y)) == 4 && p[4] == '-' && digits(p + 5, 2, &mo) == 2 && p[7] == '-' &&
	    digits(p + 8, 2, &d) == 2 && (p[10] == 'T' || p[10] == ' ') && mo >= 1 && mo <= 12) {
		days = days_from_civil((long long)y, (unsigned)mo, (unsigned)d);
		p += 11;
	}
	if (digits(p, 2, &h) == 2 && p[2] == ':' && digits(p + 3, 2, &mi) == 2 && p[5] == ':' &&
	    digits(p + 6, 2, &sec) == 2) {
		p += 8;
		pcisim_time frac;
		p += fraction(p, &frac);
		*t = ((pcisim_time)days * 86400 + h * 3600 + mi * 60 + sec) * PCISIM_S + frac;
		have = true;
		/* a zone: Z, +hh:mm, +hhmm (only differences matter: ignored) */
		if (*p == 'Z')
			p++;
		else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1])) {
			p++;
			while (isdigit((unsigned char)*p) || *p == ':')
				p++;
		}
	} else if (!days && (n = digits(p, 19, &sec)) > 0) {
		/* seconds since the epoch (or any origin), with a fraction */
		pcisim_time frac;
		size_t f = fraction(p + n, &frac);
		if (f && sec < 100000000000ull) {
			p += n + f;
			*t = (pcisim_time)sec * PCISIM_S + frac;
			have = true;
		}
	}
	if (!have)
		return 0;
	if (bracket) {
		if (*p != ']')
			return 0;
		p++;
	}
	if (*p == ':')
		p++;
	if (*p && *p != ' ' && *p != '\t')
		return 0;
	return (size_t)(p - s);
}

/* ---- the transcript ---- */

struct entry {
	pcisim_time t;
	unsigned line;
	unsigned rank; /* an untimed command: its rank among those after the last time */
	char *text;    /* "do: ..., ..." */
};

struct importer {
	const char *log;
	struct entry *e;
	size_t n, cap;
	bool timed;           /* a timestamp was seen */
	pcisim_time first;    /* the first timestamp */
	pcisim_time last;     /* the time the next untimed command goes after */
	unsigned untimed;     /* untimed commands since @last */
	bool in_hmp_output;   /* the lines after an HMP command are its output */
};

static int line_error(const struct importer *im, unsigned line, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int line_error(const struct importer *im, unsigned line, size_t col, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%u:%zu: error: ", im->log, line, col + 1);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return -1;
}

static void line_note(const struct importer *im, unsigned line, size_t col, const char *what)
{
	fprintf(stderr, "%s:%u:%zu: warning: %s\n", im->log, line, col + 1, what);
}

static void add(struct importer *im, unsigned line, bool has_t, pcisim_time t, char *text)
{
	if (im->n == im->cap) {
		im->cap = im->cap ? 2 * im->cap : 32;
		im->e = realloc(im->e, im->cap * sizeof(*im->e));
		if (!im->e)
			abort();
	}
	pcisim_time when;
	if (has_t) {
		when = t;
		im->untimed = 0;
	} else {
		im->untimed++;
		when = im->last; /* placed in write_out: + untimed * gap */
	}
	im->e[im->n++] = (struct entry){when, line, has_t ? 0 : im->untimed, text};
}

static void saw_time(struct importer *im, pcisim_time t)
{
	if (!im->timed) {
		im->timed = true;
		im->first = t;
	}
	if (t > im->last || im->untimed == 0)
		im->last = t;
}

/* A QMP shell line "CMD key=value ...": the command and its arguments as JSON. */
static int qmp_shell(struct importer *im, unsigned ln, const char *s, size_t col, bool has_t,
		     pcisim_time t)
{
	char *copy = strdup(s), *save = NULL;
	if (!copy)
		abort();
	char *cmd = strtok_r(copy, " \t", &save);
	json_t *args = json_object();
	for (char *tok = strtok_r(NULL, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq) {
			int rc = line_error(im, ln, col + (size_t)(tok - copy),
					    "QMP shell argument '%s' is not key=value", tok);
			json_decref(args);
			free(copy);
			return rc;
		}
		*eq = 0;
		json_error_t je;
		json_t *v = json_loads(eq + 1, JSON_DECODE_ANY, &je);
		json_object_set_new(args, tok, v ? v : json_string(eq + 1));
	}
	char *aj = json_dumps(args, 0), *entry = NULL, why[1024];
	int rc = pcisim_qmp_entry(cmd, aj, &entry, why, sizeof(why));
	free(aj);
	json_decref(args);
	free(copy);
	if (rc < 0)
		return line_error(im, ln, col, "%s", why);
	if (rc > 0)
		add(im, ln, has_t, t, entry);
	else if (why[0])
		line_note(im, ln, col, why);
	return 0;
}

static int read_line(struct importer *im, unsigned ln, char *line)
{
	size_t len = strlen(line);
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = 0;
	size_t col = 0;
	while (line[col] == ' ' || line[col] == '\t')
		col++;
	if (!line[col] || line[col] == '#')
		return 0;
	pcisim_time t = 0;
	size_t tl = timestamp(line + col, &t);
	bool has_t = tl > 0;
	if (has_t) {
		saw_time(im, t);
		col += tl;
		while (line[col] == ' ' || line[col] == '\t')
			col++;
	}
	const char *s = line + col;
	if (!strncmp(s, "->", 2) || !strncmp(s, "<-", 2)) {
		col += 2;
		while (line[col] == ' ')
			col++;
		s = line + col;
	}
	if (!strncmp(s, "(qemu)", 6)) {
		im->in_hmp_output = true;
		char *entry = NULL, why[1024];
		int rc = pcisim_hmp_entry(s + 6, &entry, why, sizeof(why));
		if (rc < 0)
			return line_error(im, ln, col + 7, "%s", why);
		if (rc > 0)
			add(im, ln, has_t, t, entry);
		else if (why[0])
			line_note(im, ln, col + 7, why);
		return 0;
	}
	if (!strncmp(s, "(QEMU)", 6)) {
		im->in_hmp_output = false;
		size_t c = col + 6;
		while (line[c] == ' ')
			c++;
		return line[c] ? qmp_shell(im, ln, line + c, c, has_t, t) : 0;
	}
	const char *brace = strchr(s, '{');
	if (brace) {
		/* a QMP message, maybe inside a longer log line: the object from its first '{' */
		const char *ex = strstr(s, "{\"execute\"");
		if (!ex)
			ex = strstr(s, "{ \"execute\"");
		const char *j = ex ? ex : brace;
		size_t jcol = (size_t)(j - line);
		json_error_t je;
		json_t *v = json_loadb(j, strlen(j), JSON_DISABLE_EOF_CHECK, &je);
		if (!v)
			return line_error(im, ln, jcol + (size_t)(je.position > 0 ? je.position - 1 : 0),
					  "not a QMP message: JSON parse error, %s", je.text);
		int rc = 0;
		const json_t *exec = json_object_get(v, "execute");
		if (!exec)
			exec = json_object_get(v, "exec-oob");
		if (exec) {
			im->in_hmp_output = false;
			const json_t *args = json_object_get(v, "arguments");
			char *aj = args ? json_dumps(args, 0) : NULL, *entry = NULL, why[1024];
			if (!json_is_string(exec))
				rc = line_error(im, ln, jcol, "QMP input member 'execute' must be a string");
			else if ((rc = pcisim_qmp_entry(json_string_value(exec), aj, &entry, why, sizeof(why))) < 0)
				rc = line_error(im, ln, jcol, "%s", why);
			else if (rc > 0)
				add(im, ln, has_t, t, entry), rc = 0;
			else if (why[0])
				line_note(im, ln, jcol, why);
			free(aj);
		} else if (json_object_get(v, "return") || json_object_get(v, "error") ||
			   json_object_get(v, "QMP") || json_object_get(v, "event")) {
			/* a reply, the greeting or an event: its timestamp is a time we know */
			const json_t *ts = json_object_get(v, "timestamp");
			if (!has_t && json_is_object(ts)) {
				json_int_t sec = json_integer_value(json_object_get(ts, "seconds"));
				json_int_t us = json_integer_value(json_object_get(ts, "microseconds"));
				if (sec >= 0 && us >= 0)
					saw_time(im, (pcisim_time)sec * PCISIM_S + (pcisim_time)us * PCISIM_US);
			}
		} else {
			rc = line_error(im, ln, jcol,
					"a JSON object that is no QMP message: expected a command {\"execute\": ...}, a reply {\"return\": ...}/{\"error\": ...}, an event or the greeting");
		}
		json_decref(v);
		return rc;
	}
	if (im->in_hmp_output || !strncmp(s, "QEMU ", 5))
		return 0; /* an HMP command's output, or the monitor's banner */
	/* the QMP shell's history: CMD key=value ... */
	char first[64];
	size_t fl = strcspn(s, " \t");
	if (fl && fl < sizeof(first)) {
		memcpy(first, s, fl);
		first[fl] = 0;
		char *entry = NULL, why[1024];
		bool kv = true;
		for (const char *p = s + fl; *p;) {
			while (*p == ' ' || *p == '\t')
				p++;
			size_t w = strcspn(p, " \t");
			if (w && !memchr(p, '=', w))
				kv = false;
			p += w;
		}
		/* a command pcisim knows (a bare word could be anything) */
		int known = kv ? pcisim_qmp_entry(first, NULL, &entry, why, sizeof(why)) : 0;
		free(entry);
		if (kv && !(known == 0 && why[0]))
			return qmp_shell(im, ln, s, col, has_t, t);
	}
	return line_error(im, ln, col,
			  "not a QMP or HMP line; expected {\"execute\": CMD, ...}, (QEMU) CMD key=value, or (qemu) CMD ARGS, optionally after a timestamp like [12:00:01.250] or 2024-05-01T12:00:01.250Z");
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int import_qmp_main(int argc, char **argv)
{
	struct import_opts o;
	if (parse_args(argc, argv, &o))
		return PCISIM_EXIT_USAGE;
	FILE *in = fopen(o.log, "r");
	if (!in) {
		fprintf(stderr, "pcisim import-qmp: error: cannot read '%s': %s\n", o.log, strerror(errno));
		return PCISIM_EXIT_USAGE;
	}
	struct importer im = {.log = o.log};
	char *line = NULL;
	size_t cap = 0;
	unsigned ln = 0;
	int rc = 0;
	ssize_t got;
	while (!rc && (got = getline(&line, &cap, in)) >= 0) {
		ln++;
		if ((size_t)got != strlen(line))
			rc = line_error(&im, ln, strlen(line), "a NUL byte: a transcript is text");
		else
			rc = read_line(&im, ln, line);
	}
	free(line);
	fclose(in);
	int status = PCISIM_EXIT_USAGE;
	if (rc)
		goto out;
	/* times: relative to the first timestamp, plus the offset; untimed ones spaced by gap */
	for (size_t i = 0; i < im.n; i++) {
		struct entry *e = &im.e[i];
		pcisim_time rel = im.timed && e->t >= im.first ? e->t - im.first : 0;
		if (o.absolute)
			e->t = pcisim_time_add(e->t, (pcisim_time)e->rank * o.gap);
		else
			e->t = pcisim_time_add(pcisim_time_add(o.offset, rel), (pcisim_time)e->rank * o.gap);
	}
	qsort(im.e, im.n, sizeof(*im.e), cmp_entry);

	char *text = NULL;
	size_t tlen = 0;
	FILE *f = open_memstream(&text, &tlen);
	if (!f)
		abort();
	const char *base = strrchr(o.log, '/') ? strrchr(o.log, '/') + 1 : o.log;
	char name[256];
	if (o.name)
		snprintf(name, sizeof(name), "%s", o.name);
	else
		snprintf(name, sizeof(name), "%.*s-import", (int)strcspn(base, "."), base);
	fprintf(f, "# Imported by 'pcisim import-qmp %s': %zu command%s that act, at %s.\n", o.log,
		im.n, im.n == 1 ? "" : "s",
		o.absolute ? "the transcript's simulated times" : "the transcript's times relative to its first timestamp, from the offset on");
	fprintf(f, "version: 1\nname: \"%s\"\n", name);
	if (o.base) {
		char *inc = pcisim_qmp_include_path(o.base, o.out ? o.out : "./-");
		fprintf(f, "include: \"%s\"\n", inc);
		free(inc);
	} else {
		fprintf(f, "# No --scenario: add the machine (machine:, topology:, host:) or an include:.\n");
	}
	if (im.n)
		fprintf(f, "timeline:\n");
	for (size_t i = 0; i < im.n; i++) {
		char t[48];
		pcisim_time back;
		const char *why;
		pcisim_time_format(im.e[i].t, t, sizeof(t));
		if (pcisim_time_parse(t, &back, &why) || back != im.e[i].t)
			snprintf(t, sizeof(t), "%llups", (unsigned long long)im.e[i].t);
		fprintf(f, "  - {at: %s, %s}  # %s:%u\n", t, im.e[i].text, o.log, im.e[i].line);
	}
	fclose(f);
	if (o.out) {
		FILE *w = fopen(o.out, "w");
		if (!w || fwrite(text, 1, tlen, w) != tlen || fclose(w)) {
			fprintf(stderr, "pcisim import-qmp: error: cannot write '%s': %s\n", o.out, strerror(errno));
			free(text);
			goto out;
		}
		if (o.base) {
			/* the result loads and its steps find their components */
			struct pcisim_diag d;
			pcisim_diag_init(&d, stderr);
			struct pcisim_scenario sc;
			struct pcisim_sim sim;
			int lrc = pcisim_scenario_load(&sc, o.out, &d);
			if (!lrc) {
				pcisim_sim_init(&sim, sc.seed, &d);
				lrc = pcisim_scenario_instantiate(&sim, &sc, NULL, NULL, &d);
				pcisim_sim_free(&sim);
			}
			pcisim_scenario_free(&sc);
			if (lrc) {
				fprintf(stderr, "pcisim import-qmp: error: the scenario written to '%s' does not load on '%s' (the comment on its line names the transcript's line)\n",
					o.out, o.base);
				free(text);
				goto out;
			}
		}
	} else {
		fwrite(text, 1, tlen, stdout);
	}
	free(text);
	status = PCISIM_EXIT_OK;
out:
	for (size_t i = 0; i < im.n; i++)
		free(im.e[i].text);
	free(im.e);
	return status;
}

const struct pcisim_command pcisim_cmd_import_qmp = {
	.name = "import-qmp",
	.summary = "turn a QMP/HMP transcript into a scenario timeline",
	.description =
		"Turn a QMP/HMP transcript into a scenario: every command that acts (device_add, "
		"device_del, set_link, migrate, pcie_aer_inject_error, and the same through "
		"human-monitor-command) becomes a timeline step at its timestamp relative to the first "
		"timestamp of the log. Queries are left out.\n\n"
		"Lines it reads (docs/qmp.md): {\"execute\": ...}, a QMP command, also inside a longer "
		"line (libvirt's QEMU_MONITOR_SEND_MSG ... msg={...}) or after '-> '; replies, events "
		"and the greeting are skipped (an event's timestamp sets the time); '(QEMU) CMD "
		"key=value ...', the QMP shell (also without the prompt); '(qemu) CMD ARGS', an HMP "
		"monitor session, the lines after a command being its output. Each optionally after a "
		"timestamp: [12:00:01.250], 2024-05-01T12:00:01.250Z, 2024-05-01 12:00:01.250+0000:, "
		"12:00:01.250 or 1714564801.250:.",
	.main = import_qmp_main,
	.synopsis = "LOG [-o OUT.yaml] [--scenario BASE.yaml] [OPTIONS]",
	.options = options,
	.operand = "the transcript LOG",
	.operand_one = "transcript",
	.operand_arg = PCISIM_OPTARG_FILE,
	.exit_status = "0 written, 2 bad input (a line that is not QMP or HMP, file:line:col)",
	.notes = "Commands pcisim does not model (QMP or HMP) are left out with a warning naming the "
		 "line.",
};
