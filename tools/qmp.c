/*
 * QMP and HMP on a running scenario: see tools/qmp.h and docs/qmp.md.
 *
 * Texts and classes are QEMU's (monitor/qmp.c, qapi/qmp-dispatch.c, qdev-monitor.c,
 * the HMP commands); where pcisim's action logs QEMU's own error ("Error: ..."), that
 * text is the reply.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/component.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/pcie/fabric.h"
#include "sim/qemu/migration.h"
#include "tools/cli.h"
#include "tools/limits.h"
#include "tools/qmp.h"
#include "tools/qmp_query.h"

/* What the commands of one request said through the run's records. */
struct capture {
	bool on;           /* a command's step is due: watch for its action record */
	const char *action;
	bool in;           /* inside that step's event */
	uint64_t event;    /* sim->executed of that event */
	char *out;         /* QEMU's monitor lines it logged, '\n' after each */
	size_t len, cap;
};

/* Waiting for a record (x-pcisim-run-until-event). */
struct waiter {
	const char *kind, *comp;
	bool hit;
	json_t *rec;
};

struct pcisim_qmp {
	struct pcisim_qmp_opts o;
	FILE *err;
	struct pcisim_diag diag;
	struct pcisim_scenario sc;
	struct pcisim_sim sim;
	bool sim_up;
	struct pcisim_trace *tr;
	FILE *trace_file;
	pcisim_time clock;       /* the next command lands here */
	unsigned qemu;           /* PCISIM_QEMU() of the machine */
	unsigned micro;
	bool migration_events;   /* migrate-set-capabilities events: on */
	bool halted;             /* a stop step or a run limit ended the run */
	char error_line[1024];   /* step_error()'s answer */
	json_t *events;          /* queued event objects */
	struct capture cap;
	struct waiter wait;
	/* the entries added to the timeline, as YAML lines, and their documents */
	char **entries;
	struct pcisim_ydoc **docs;
	size_t nentries, capentries;
};

/* ---- replies ---- */

static char *json_line(json_t *j)
{
	char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	json_decref(j);
	if (!s)
		abort();
	size_t n = strlen(s);
	char *line = malloc(n + 3);
	if (!line)
		abort();
	memcpy(line, s, n);
	memcpy(line + n, "\r\n", 3);
	free(s);
	return line;
}

static json_t *error_obj(const char *cls, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static json_t *error_obj(const char *cls, const char *fmt, ...)
{
	char desc[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	json_t *e = json_object();
	json_object_set_new(e, "class", json_string(cls));
	json_object_set_new(e, "desc", json_string(desc));
	json_t *r = json_object();
	json_object_set_new(r, "error", e);
	return r;
}

static json_t *return_obj(json_t *v)
{
	json_t *r = json_object();
	json_object_set_new(r, "return", v ? v : json_object());
	return r;
}

static json_t *timestamp(pcisim_time t)
{
	json_t *ts = json_object();
	json_object_set_new(ts, "seconds", json_integer((json_int_t)(t / PCISIM_S)));
	json_object_set_new(ts, "microseconds", json_integer((json_int_t)(t % PCISIM_S / PCISIM_US)));
	return ts;
}

static void queue_event(struct pcisim_qmp *q, pcisim_time t, const char *name, json_t *data)
{
	json_t *ev = json_object();
	json_object_set_new(ev, "timestamp", timestamp(t));
	json_object_set_new(ev, "event", json_string(name));
	if (data)
		json_object_set_new(ev, "data", data);
	json_array_append_new(q->events, ev);
}

/* ---- watching the run's records ---- */

static const char *field_str(const struct pcisim_record *r, const char *name)
{
	for (uint32_t i = 0; i < r->nfields; i++)
		if (!strcmp(r->fields[i].name, name))
			return r->fields[i].type == PCISIM_F_STR ? r->fields[i].s : NULL;
	return NULL;
}

static void cap_append(struct capture *c, const char *text)
{
	size_t n = strlen(text);
	if (c->len + n + 2 > c->cap) {
		c->cap = (c->len + n + 2) * 2;
		c->out = realloc(c->out, c->cap);
		if (!c->out)
			abort();
	}
	memcpy(c->out + c->len, text, n);
	c->len += n;
	c->out[c->len++] = '\n';
	c->out[c->len] = 0;
}

static json_t *record_json(const struct pcisim_record *r, const struct pcisim_sim *sim)
{
	json_t *j = json_object();
	char t[40];
	json_object_set_new(j, "time", json_string(pcisim_time_format(r->t, t, sizeof(t))));
	json_object_set_new(j, "kind", json_string(r->kind));
	const struct pcisim_comp *c = r->comp_id == UINT32_MAX ? NULL : pcisim_comp_by_id(sim, r->comp_id);
	if (c)
		json_object_set_new(j, "component", json_string(c->name));
	json_t *f = json_object();
	for (uint32_t i = 0; i < r->nfields; i++) {
		char v[1024];
		pcisim_field_format(&r->fields[i], v, sizeof(v));
		json_object_set_new(f, r->fields[i].name, json_string(r->fields[i].type == PCISIM_F_STR ? r->fields[i].s : v));
	}
	json_object_set_new(j, "fields", f);
	return j;
}

/* Our sink on the run's trace (the trace frees it). */
struct qsink {
	struct pcisim_sink sink; /* first */
	struct pcisim_qmp *q;
};

static void sink_emit(struct pcisim_sink *s, const struct pcisim_record *r)
{
	struct pcisim_qmp *q = ((struct qsink *)s)->q;
	struct pcisim_sim *sim = &q->sim;
	const struct pcisim_comp *c = r->comp_id == UINT32_MAX ? NULL : pcisim_comp_by_id(sim, r->comp_id);

	/* The monitor's output of a command: the qemu log lines its step wrote. */
	struct capture *cap = &q->cap;
	if (cap->in && cap->event != sim->executed)
		cap->in = false;
	if (cap->on && !strcmp(r->kind, "action")) {
		const char *d = field_str(r, "do");
		if (d && !strcmp(d, cap->action)) {
			cap->on = false;
			cap->in = true;
			cap->event = sim->executed;
		}
	} else if (cap->in && !strcmp(r->kind, "log")) {
		const char *src = field_str(r, "source"), *text = field_str(r, "text");
		if (src && text && !strcmp(src, "qemu"))
			cap_append(cap, text);
	}

	/* QEMU's events where pcisim has the fact. */
	if (!strcmp(r->kind, "pci.unplug") && c) {
		/* qdev's DEVICE_DELETED: the id and the QOM path of a device with an id */
		json_t *data = json_object();
		char path[512];
		snprintf(path, sizeof(path), "/machine/peripheral/%s", c->name);
		json_object_set_new(data, "device", json_string(c->name));
		json_object_set_new(data, "path", json_string(path));
		queue_event(q, r->t, "DEVICE_DELETED", data);
	} else if (!strcmp(r->kind, "migration") && q->migration_events) {
		const char *res = field_str(r, "result");
		json_t *data = json_object();
		json_object_set_new(data, "status", json_string(res ? res : "failed"));
		queue_event(q, r->t, "MIGRATION", data);
	}

	struct waiter *w = &q->wait;
	if (w->kind && !w->hit && !strcmp(r->kind, w->kind) &&
	    (!w->comp || (c && !strcmp(c->name, w->comp)))) {
		w->hit = true;
		w->rec = record_json(r, sim);
	}
}

/* ---- simulated time ---- */

/*
 * Run the next instant before @bound: every event due at it, with what they schedule
 * for it. false when there is none, or the run is over: a stop step of the scenario or
 * a run limit (--max-events...) stopped it, and nothing runs any more.
 */
static bool run_next_instant(struct pcisim_qmp *q, pcisim_time bound)
{
	if (q->halted)
		return false;
	pcisim_time t = pcisim_next_time(&q->sim);
	if (t >= bound)
		return false;
	pcisim_run(&q->sim, t);
	if (q->sim.stopping || q->sim.stopped_by) {
		/* the clock stands after the last instant that ran, for save and SHUTDOWN */
		q->halted = true;
		if (q->clock < q->sim.now + 1)
			q->clock = q->sim.now + 1;
	}
	return true;
}

/* Run every event before @target; the clock then stands at @target. */
static void run_below(struct pcisim_qmp *q, pcisim_time target)
{
	while (run_next_instant(q, target))
		;
	if (!q->halted && q->clock < target)
		q->clock = target;
}

/* Run what is due at the clock (a command and what it starts at once); then 1 ps on. */
static void run_instant(struct pcisim_qmp *q)
{
	pcisim_time next = pcisim_time_add(q->clock, 1);
	while (run_next_instant(q, next))
		;
	q->clock = next;
}

/*
 * The auto mode's settling: run until nothing is pending or --settle has passed; the
 * clock then stands 1 ps after the last event that ran (quiet) or at the bound.
 */
static void settle(struct pcisim_qmp *q)
{
	pcisim_time bound = pcisim_time_add(q->clock, q->o.settle);
	bool ran = false;
	pcisim_time last = 0;
	while (run_next_instant(q, bound)) {
		ran = true;
		last = q->sim.now;
	}
	if (q->halted)
		return;
	if (pcisim_next_time(&q->sim) == PCISIM_TIME_MAX) {
		if (ran && last + 1 > q->clock)
			q->clock = last + 1;
	} else {
		q->clock = bound;
	}
}

/* ---- commands as timeline steps ---- */

/* Append @s to @b as a YAML double-quoted scalar. */
static void yq(char **b, size_t *n, size_t *cap, const char *s)
{
	size_t need = *n + strlen(s) * 6 + 4;
	if (need > *cap) {
		*cap = need * 2;
		*b = realloc(*b, *cap);
		if (!*b)
			abort();
	}
	char *p = *b + *n;
	*p++ = '"';
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			*p++ = '\\';
			*p++ = (char)*c;
		} else if (*c < 0x20) {
			p += sprintf(p, "\\x%02x", *c);
		} else {
			*p++ = (char)*c;
		}
	}
	*p++ = '"';
	*p = 0;
	*n = (size_t)(p - *b);
}

static void yraw(char **b, size_t *n, size_t *cap, const char *s)
{
	size_t k = strlen(s);
	if (*n + k + 1 > *cap) {
		*cap = (*n + k + 1) * 2;
		*b = realloc(*b, *cap);
		if (!*b)
			abort();
	}
	memcpy(*b + *n, s, k + 1);
	*n += k;
}

/* A key as written: plain when it is a plain word, else quoted (a client chose it). */
static void ykey(char **b, size_t *n, size_t *cap, const char *k)
{
	bool plain = k[0] != 0;
	for (const char *c = k; *c; c++)
		plain &= (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
			 *c == '_' || *c == '-' || *c == '.';
	if (plain)
		yraw(b, n, cap, k);
	else
		yq(b, n, cap, k);
}

/* A step's parameters: name and value (NULL name ends). */
struct kv {
	const char *k, *v;
};

/* A value that starts with this byte is written into the step as it is (JSON) */
#define RAW_VALUE '\x01'

static void yval(char **b, size_t *n, size_t *cap, const char *v)
{
	if (v[0] == RAW_VALUE)
		yraw(b, n, cap, v + 1);
	else
		yq(b, n, cap, v);
}

/* The time of an entry, exactly (the short form when it parses back to the same). */
static void entry_time(pcisim_time t, char *buf, size_t n)
{
	pcisim_time back;
	const char *why;
	pcisim_time_format(t, buf, n);
	if (pcisim_time_parse(buf, &back, &why) || back != t)
		snprintf(buf, n, "%llups", (unsigned long long)t);
}

/*
 * Add a step {at: clock, do: @action, params...} to the run, run it, and collect the
 * monitor's output. Returns 0, or -1 with the loader's message in @why.
 */
static int run_step(struct pcisim_qmp *q, const char *action, const struct kv *params, char *why,
		    size_t nwhy)
{
	char *b = NULL;
	size_t n = 0, cap = 0;
	char t[48];
	entry_time(q->clock, t, sizeof(t));
	yraw(&b, &n, &cap, "{at: ");
	yraw(&b, &n, &cap, t);
	yraw(&b, &n, &cap, ", do: ");
	yraw(&b, &n, &cap, action);
	for (const struct kv *p = params; p && p->k; p++) {
		yraw(&b, &n, &cap, ", ");
		ykey(&b, &n, &cap, p->k);
		yraw(&b, &n, &cap, ": ");
		yval(&b, &n, &cap, p->v);
	}
	yraw(&b, &n, &cap, "}");

	struct pcisim_ydoc *doc = calloc(1, sizeof(*doc));
	char *msg = NULL;
	size_t msglen = 0;
	FILE *mf = open_memstream(&msg, &msglen);
	struct pcisim_diag d;
	pcisim_diag_init(&d, mf);
	char name[64];
	snprintf(name, sizeof(name), "<%s command>", q->o.cmd);
	long idx = -1;
	if (!doc || !mf)
		abort();
	if (!pcisim_ydoc_parse(doc, name, b, n, &d) && doc->root)
		idx = pcisim_scenario_add_step(&q->sim, &q->sc, doc->root, &d);
	fclose(mf);
	if (idx < 0) {
		/* the loader's message without its location prefix */
		const char *m = strstr(d.first, "error: ");
		snprintf(why, nwhy, "%s", m ? m + 7 : d.first);
		free(msg);
		pcisim_ydoc_free(doc);
		free(doc);
		free(b);
		return -1;
	}
	free(msg);
	if (q->nentries == q->capentries) {
		q->capentries = q->capentries ? 2 * q->capentries : 16;
		q->entries = realloc(q->entries, q->capentries * sizeof(*q->entries));
		q->docs = realloc(q->docs, q->capentries * sizeof(*q->docs));
		if (!q->entries || !q->docs)
			abort();
	}
	q->entries[q->nentries] = b;
	q->docs[q->nentries++] = doc;

	q->cap.len = 0;
	if (q->cap.out)
		q->cap.out[0] = 0;
	q->cap.on = true;
	q->cap.in = false;
	q->cap.action = action;
	run_instant(q);
	q->cap.on = q->cap.in = false;
	return 0;
}

/* The first "Error: " line the step logged (QEMU's error, in @q), or NULL. */
static const char *step_error(struct pcisim_qmp *q)
{
	if (!q->cap.out)
		return NULL;
	for (const char *p = q->cap.out; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (!strncmp(p, "Error: ", 7)) {
			snprintf(q->error_line, sizeof(q->error_line), "%.*s", (int)(len - 7), p + 7);
			return q->error_line;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return NULL;
}

static void after_command(struct pcisim_qmp *q)
{
	if (!q->o.manual)
		settle(q);
}

/* ---- queries ---- */

static json_t *query_migrate(struct pcisim_qmp *q)
{
	const struct pcisim_migration_outcome *m = pcisim_migration_last(&q->sim);
	json_t *r = json_object();
	if (!m)
		return r;
	json_object_set_new(r, "status", json_string(m->completed ? "completed" : "failed"));
	if (!m->completed && m->reason[0])
		json_object_set_new(r, "error-desc", json_string(m->reason));
	return r;
}

static json_t *query_version(struct pcisim_qmp *q)
{
	json_t *v = json_object(), *qe = json_object();
	json_object_set_new(qe, "micro", json_integer(q->micro));
	json_object_set_new(qe, "minor", json_integer(q->qemu & 0xff));
	json_object_set_new(qe, "major", json_integer(q->qemu >> 8));
	json_object_set_new(v, "qemu", qe);
	json_object_set_new(v, "package", json_string("pcisim " PCISIM_VERSION));
	return v;
}

/* ---- QMP ---- */

static const char *const qmp_commands[] = {
	"device_add", "device_del", "human-monitor-command", "migrate", "migrate-set-capabilities",
	"qmp_capabilities", "qom-get", "query-commands", "query-migrate", "query-pci",
	"query-version", "quit", "set_link", "x-pcisim-advance", "x-pcisim-run-until-event",
	"x-pcisim-save", "x-pcisim-query-clock", NULL,
};

static json_t *missing(const char *name)
{
	return error_obj("GenericError", "Parameter '%s' is missing", name);
}

/* A string argument; *err is set (and NULL returned) when it is missing or not a string. */
static const char *arg_str(const json_t *args, const char *name, bool required, json_t **err)
{
	const json_t *v = args ? json_object_get(args, name) : NULL;
	if (!v) {
		if (required && !*err)
			*err = missing(name);
		return NULL;
	}
	if (!json_is_string(v)) {
		if (!*err)
			*err = error_obj("GenericError", "Invalid parameter type for '%s', expected: string", name);
		return NULL;
	}
	return json_string_value(v);
}

static char *hmp_run(struct pcisim_qmp *q, const char *line, bool *quit);
static size_t words(char *line, char **w, size_t max);

/* The step a command that acts makes: its action and parameters. */
struct stepdesc {
	const char *action;
	const char *id; /* the device it names, which must exist (NULL: none) */
	struct kv p[64];
	char num[64][32];
	char *owned; /* a copy of an HMP line the parameters point into */
	char *json[64]; /* RAW_VALUE-marked JSON texts of structured arguments */
};

static void stepdesc_free(struct stepdesc *sd)
{
	free(sd->owned);
	for (size_t i = 0; i < 64; i++)
		free(sd->json[i]);
}

/*
 * QEMU's CXL commands (cxl-inject-poison, cxl-inject-uncorrectable-errors, ...) are
 * timeline actions under their QMP names, with QMP's argument names: served as they
 * are, arguments passed through (lists and objects as JSON, which is YAML's flow form).
 */
static bool served_action(const char *cmd)
{
	return !strncmp(cmd, "cxl-", 4) && pcisim_action_find(cmd);
}

/*
 * Every member of @args as a step parameter of @sd: strings as they are, integers in
 * decimal, booleans as on/off; lists and objects, where @structured allows them, as
 * their JSON text (written into the step as it is). 0, or -1 with QEMU's error in *@err.
 */
static int args_to_params(const json_t *args, struct stepdesc *sd, bool structured, json_t **err)
{
	size_t k = 0;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)args, key, v)
	{
		if (k == 63) {
			/* device_add's members are the device's properties */
			*err = error_obj("GenericError", "too many %s (at most 63)",
					 structured ? "arguments" : "properties");
			return -1;
		}
		if (json_is_string(v)) {
			sd->p[k].v = json_string_value(v);
		} else if (json_is_integer(v)) {
			snprintf(sd->num[k], sizeof(sd->num[k]), "%lld", (long long)json_integer_value(v));
			sd->p[k].v = sd->num[k];
		} else if (json_is_boolean(v)) {
			sd->p[k].v = json_is_true(v) ? "on" : "off";
		} else if (!structured) {
			*err = error_obj("GenericError", "Invalid parameter type for '%s', expected: string", key);
			return -1;
		} else {
			char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			size_t len = text ? strlen(text) : 0;
			if (!text || !(sd->json[k] = malloc(len + 2)))
				abort();
			sd->json[k][0] = RAW_VALUE;
			memcpy(sd->json[k] + 1, text, len + 1);
			free(text);
			sd->p[k].v = sd->json[k];
		}
		sd->p[k++].k = key;
	}
	return 0;
}

/*
 * The step QMP command @cmd with @args makes: 1 with @sd filled, 0 when the command
 * acts on nothing in the machine, -1 with QEMU's error in *@err.
 */
static int qmp_step(const char *cmd, const json_t *args, struct stepdesc *sd, json_t **err)
{
	memset(sd, 0, sizeof(*sd));
	if (!strcmp(cmd, "device_add")) {
		const char *drv = arg_str(args, "driver", true, err);
		if (*err)
			return -1;
		if (!pcisim_driver_find(drv)) {
			*err = error_obj("GenericError", "'%s' is not a valid device model name", drv);
			return -1;
		}
		if (args_to_params(args, sd, false, err))
			return -1;
		sd->action = "device_add";
		return 1;
	}
	if (!strcmp(cmd, "device_del")) {
		const char *id = arg_str(args, "id", true, err);
		if (*err)
			return -1;
		sd->action = "device_del";
		sd->id = id;
		sd->p[0] = (struct kv){"id", id};
		return 1;
	}
	if (!strcmp(cmd, "set_link")) {
		const char *name = arg_str(args, "name", true, err);
		if (*err)
			return -1;
		const json_t *up = json_object_get(args, "up");
		if (!up) {
			*err = missing("up");
			return -1;
		}
		if (!json_is_boolean(up)) {
			*err = error_obj("GenericError", "Invalid parameter type for 'up', expected: boolean");
			return -1;
		}
		sd->action = "set_link";
		sd->id = name;
		sd->p[0] = (struct kv){"id", name};
		sd->p[1] = (struct kv){"state", json_is_true(up) ? "on" : "off"};
		return 1;
	}
	if (!strcmp(cmd, "migrate")) {
		const char *uri = arg_str(args, "uri", true, err);
		if (*err)
			return -1;
		sd->action = "migrate";
		sd->p[0] = (struct kv){"uri", uri};
		return 1;
	}
	if (served_action(cmd)) {
		if (args_to_params(args, sd, true, err))
			return -1;
		sd->action = cmd;
		return 1;
	}
	return 0;
}

/*
 * The step HMP line @line makes: 1 with @sd filled, 0 when the command acts on
 * nothing in the machine, -1 with QEMU's monitor error (without "Error: ") in @why.
 */
static int hmp_step(const char *line, struct stepdesc *sd, char *why, size_t nwhy)
{
	memset(sd, 0, sizeof(*sd));
	char *l = sd->owned = strdup(line);
	if (!l)
		abort();
	size_t ll = strlen(l);
	while (ll && (l[ll - 1] == '\n' || l[ll - 1] == '\r' || l[ll - 1] == ' '))
		l[--ll] = 0;
	char *w[2];
	size_t n = words(l, w, 2);
	if (!n)
		return 0;
	const char *acting[] = {"device_del", "device_add", "set_link", "pcie_aer_inject_error", "migrate", NULL};
	bool acts = false;
	for (size_t i = 0; acting[i]; i++)
		acts |= !strcmp(w[0], acting[i]);
	if (!acts)
		return 0;
	if (n < 2) {
		/* QEMU's HMP argument parser */
		snprintf(why, nwhy, "%s", !strcmp(w[0], "set_link") ? "Parameter 'name' is missing"
					  : !strcmp(w[0], "device_add") ? "Parameter 'driver' is missing"
					  : !strcmp(w[0], "migrate") ? "Parameter 'uri' is missing"
					  : "Parameter 'id' is missing");
		return -1;
	}
	if (!strcmp(w[0], "device_del")) {
		sd->action = "device_del";
		sd->id = w[1];
		sd->p[0] = (struct kv){"id", w[1]};
		return 1;
	}
	if (!strcmp(w[0], "set_link")) {
		char *x[2];
		size_t m = words(w[1], x, 2);
		if (m < 2) {
			snprintf(why, nwhy, "Parameter 'up' is missing");
			return -1;
		}
		if (strcmp(x[1], "on") && strcmp(x[1], "off")) {
			snprintf(why, nwhy, "Parameter 'up' expects 'on' or 'off'");
			return -1;
		}
		sd->action = "set_link";
		sd->id = x[0];
		sd->p[0] = (struct kv){"id", x[0]};
		sd->p[1] = (struct kv){"state", x[1]};
		return 1;
	}
	if (!strcmp(w[0], "device_add")) {
		/* QEMU's option syntax: driver[,prop=value...] */
		size_t k = 0;
		const char *drv = NULL;
		char *save = NULL;
		for (char *tok = strtok_r(w[1], ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '=');
			if (k == 63) {
				snprintf(why, nwhy, "too many properties (at most 63)");
				return -1;
			}
			if (!eq && k == 0)
				sd->p[k++] = (struct kv){"driver", tok};
			else if (eq)
				*eq = 0, sd->p[k++] = (struct kv){tok, eq + 1};
			else
				sd->p[k++] = (struct kv){tok, "on"};
			if (!strcmp(sd->p[k - 1].k, "driver"))
				drv = sd->p[k - 1].v;
		}
		if (!drv) {
			snprintf(why, nwhy, "Parameter 'driver' is missing");
			return -1;
		}
		if (!pcisim_driver_find(drv)) {
			snprintf(why, nwhy, "'%s' is not a valid device model name", drv);
			return -1;
		}
		sd->action = "device_add";
		return 1;
	}
	if (!strcmp(w[0], "pcie_aer_inject_error")) {
		/* QEMU's monitor decides; its answer (OK or the error) is the step's log */
		sd->action = "pcie_aer_inject_error";
		sd->p[0] = (struct kv){"args", w[1]};
		sd->p[1] = (struct kv){"expect_error", "true"};
		return 1;
	}
	char *x[2] = {NULL, NULL};
	size_t m = words(w[1], x, 2);
	/* "migrate" with nothing after it names no URI */
	const char *uri = !m ? NULL : !strcmp(x[0], "-d") ? (m > 1 ? x[1] : NULL) : x[0];
	if (!uri) {
		snprintf(why, nwhy, "Parameter 'uri' is missing");
		return -1;
	}
	sd->action = "migrate";
	sd->p[0] = (struct kv){"uri", uri};
	return 1;
}

/* The reply to a command that needs the run, once the run is over. */
static json_t *halted_error(struct pcisim_qmp *q)
{
	char t[48];
	pcisim_time_format(q->sim.now, t, sizeof(t));
	if (q->sim.stopped_by)
		return error_obj("GenericError", "pcisim: the run was stopped at %s by its %s; nothing runs any more", t,
				 q->sim.stopped_by);
	return error_obj("GenericError", "pcisim: the scenario stopped the run at %s (a stop step); nothing runs any more", t);
}

/*
 * Run a command's step: QEMU's error object, or NULL when it ran without one. When the
 * step did not run at all, @why says why (HMP prints it; a step that ran prints its
 * own log).
 */
static json_t *run_desc(struct pcisim_qmp *q, const struct stepdesc *sd, char *why, size_t nwhy)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(&q->sim);
	why[0] = 0;
	if (q->halted) {
		json_t *e = halted_error(q);
		snprintf(why, nwhy, "%s", json_string_value(json_object_get(json_object_get(e, "error"), "desc")));
		return e;
	}
	if (sd->id && (!fab || !pcisim_fabric_find_fn(fab, sd->id))) {
		snprintf(why, nwhy, "Device '%s' not found", sd->id);
		return error_obj("DeviceNotFound", "%s", why);
	}
	json_t *r = NULL;
	if (run_step(q, sd->action, sd->p, why, nwhy))
		r = error_obj("GenericError", "%s", why);
	else if (step_error(q))
		r = error_obj("GenericError", "%s", step_error(q));
	after_command(q);
	return r;
}

static json_t *cmd_acting(struct pcisim_qmp *q, const char *cmd, const json_t *args)
{
	struct stepdesc sd;
	json_t *err = NULL;
	int rc = qmp_step(cmd, args, &sd, &err);
	if (rc <= 0) {
		stepdesc_free(&sd);
		return err;
	}
	char why[1024];
	json_t *r = run_desc(q, &sd, why, sizeof(why));
	stepdesc_free(&sd);
	return r ? r : return_obj(NULL);
}

/* The entry text "do: ACTION, key: \"value\", ..." of @sd (malloc'ed). */
static char *entry_of(const struct stepdesc *sd)
{
	char *b = NULL;
	size_t n = 0, cap = 0;
	yraw(&b, &n, &cap, "do: ");
	yraw(&b, &n, &cap, sd->action);
	for (const struct kv *p = sd->p; p->k; p++) {
		yraw(&b, &n, &cap, ", ");
		ykey(&b, &n, &cap, p->k);
		yraw(&b, &n, &cap, ": ");
		yval(&b, &n, &cap, p->v);
	}
	return b;
}

int pcisim_qmp_entry(const char *cmd, const char *args_json, char **entry, char *why, size_t nwhy)
{
	*entry = NULL;
	json_t *args = NULL;
	if (args_json) {
		json_error_t je;
		args = json_loads(args_json, 0, &je);
		if (!args || !json_is_object(args)) {
			snprintf(why, nwhy, "QMP input member 'arguments' must be an object");
			json_decref(args);
			return -1;
		}
	}
	if (!strcmp(cmd, "human-monitor-command")) {
		const char *line = json_string_value(json_object_get(args, "command-line"));
		int rc = line ? pcisim_hmp_entry(line, entry, why, nwhy) : -1;
		if (!line)
			snprintf(why, nwhy, "Parameter 'command-line' is missing");
		json_decref(args);
		return rc;
	}
	bool known = false;
	for (size_t i = 0; qmp_commands[i]; i++)
		known |= !strcmp(qmp_commands[i], cmd);
	known |= served_action(cmd);
	why[0] = 0;
	if (!known) {
		char buf[1024];
		pcisim_choices(buf, sizeof(buf), qmp_commands);
		snprintf(why, nwhy, "QMP '%s' is not modelled (pcisim's QMP commands: %s); left out", cmd, buf);
		json_decref(args);
		return 0;
	}
	struct stepdesc sd;
	json_t *err = NULL, *none = json_object();
	int rc = qmp_step(cmd, args ? args : none, &sd, &err);
	if (rc < 0)
		snprintf(why, nwhy, "%s", json_string_value(json_object_get(json_object_get(err, "error"), "desc")));
	else if (rc > 0)
		*entry = entry_of(&sd);
	stepdesc_free(&sd);
	json_decref(err);
	json_decref(none);
	json_decref(args);
	return rc;
}

int pcisim_hmp_entry(const char *line, char **entry, char *why, size_t nwhy)
{
	struct stepdesc sd;
	*entry = NULL;
	why[0] = 0;
	int rc = hmp_step(line, &sd, why, nwhy);
	if (rc > 0)
		*entry = entry_of(&sd);
	stepdesc_free(&sd);
	if (rc == 0) {
		/* the commands the monitor answers without acting: anything else is news */
		char first[64] = "";
		sscanf(line, " %63s", first);
		if (first[0] && strcmp(first, "info") && strcmp(first, "quit") && strcmp(first, "q"))
			snprintf(why, nwhy, "HMP '%s' is not modelled; left out", first);
	}
	return rc;
}

static json_t *cmd_migrate_caps(struct pcisim_qmp *q, json_t *args)
{
	const json_t *caps = json_object_get(args, "capabilities");
	if (!caps)
		return missing("capabilities");
	if (!json_is_array(caps))
		return error_obj("GenericError", "Invalid parameter type for 'capabilities', expected: array");
	size_t i;
	const json_t *c;
	json_array_foreach(caps, i, c)
	{
		const char *name = json_string_value(json_object_get(c, "capability"));
		const json_t *st = json_object_get(c, "state");
		char member[64];
		if (!name || !json_is_boolean(st)) {
			snprintf(member, sizeof(member), "capabilities[%zu].%s", i, name ? "state" : "capability");
			return missing(member);
		}
		/* only 'events' changes what pcisim does; the others are accepted as set */
		if (!strcmp(name, "events"))
			q->migration_events = json_is_true(st);
	}
	return return_obj(NULL);
}

static json_t *cmd_advance(struct pcisim_qmp *q, json_t *args)
{
	json_t *err = NULL;
	const char *d = arg_str(args, "duration", true, &err);
	if (err)
		return err;
	pcisim_time dt;
	const char *why;
	if (pcisim_time_parse(d, &dt, &why))
		return error_obj("GenericError", "Parameter 'duration': bad duration '%s': %s", d, why);
	if (q->halted)
		return halted_error(q);
	run_below(q, pcisim_time_add(q->clock, dt));
	if (q->halted)
		return halted_error(q);
	json_t *r = json_object();
	char t[48];
	json_object_set_new(r, "clock", json_string(pcisim_time_format(q->clock, t, sizeof(t))));
	json_object_set_new(r, "clock-ps", json_integer((json_int_t)q->clock));
	return return_obj(r);
}

static json_t *cmd_run_until(struct pcisim_qmp *q, json_t *args)
{
	json_t *err = NULL;
	const char *kind = arg_str(args, "event", true, &err);
	const char *comp = arg_str(args, "component", false, &err);
	const char *to = arg_str(args, "timeout", false, &err);
	if (err)
		return err;
	if (!pcisim_record_kind_find(kind)) {
		const char **names = pcisim_record_kind_names();
		char buf[4096];
		pcisim_choices(buf, sizeof(buf), names);
		free(names);
		return error_obj("GenericError", "Parameter 'event': no record kind '%s'; valid kinds: %s", kind, buf);
	}
	pcisim_time limit = 3600 * PCISIM_S;
	const char *why;
	if (to && pcisim_time_parse(to, &limit, &why))
		return error_obj("GenericError", "Parameter 'timeout': bad duration '%s': %s", to, why);
	pcisim_time bound = pcisim_time_add(q->clock, limit);
	if (q->halted)
		return halted_error(q);
	q->wait = (struct waiter){.kind = kind, .comp = comp};
	while (!q->wait.hit && run_next_instant(q, bound))
		;
	json_t *r;
	char t[48];
	if (q->wait.hit) {
		/* that whole instant ran: the next command lands after it */
		q->clock = pcisim_time_add(q->sim.now, 1);
		r = return_obj(q->wait.rec);
	} else if (q->halted) {
		json_decref(q->wait.rec);
		r = halted_error(q);
	} else {
		q->clock = bound;
		r = error_obj("GenericError", "no '%s' record%s%s within %s (the clock is at %s)", kind,
			      comp ? " of " : "", comp ? comp : "", to ? to : "3600s",
			      pcisim_time_format(q->clock, t, sizeof(t)));
	}
	q->wait = (struct waiter){0};
	return r;
}

/* A path for the base scenario as seen from the directory of @out. */
char *pcisim_qmp_include_path(const char *base, const char *out)
{
	char *rb = realpath(base, NULL);
	char *od = strdup(out);
	if (!rb || !od)
		return rb ? rb : strdup(base);
	char *slash = strrchr(od, '/');
	if (slash)
		*slash = 0;
	char *ro = realpath(slash ? (od[0] ? od : "/") : ".", NULL);
	free(od);
	if (!ro)
		return rb;
	/* the common directory prefix, then one ../ per directory left in ro */
	size_t i = 0, cut = 0;
	while (rb[i] && ro[i] && rb[i] == ro[i]) {
		if (rb[i] == '/')
			cut = i;
		i++;
	}
	if (!ro[i] && rb[i] == '/')
		cut = i;
	size_t ups = 0;
	for (const char *p = ro + cut; *p; p++)
		ups += *p == '/';
	if (!ro[cut])
		ups = 0;
	char *res = malloc(ups * 3 + strlen(rb) + 1);
	if (!res)
		abort();
	res[0] = 0;
	for (size_t k = 0; k < ups; k++)
		strcat(res, "../");
	strcat(res, rb + cut + 1);
	free(rb);
	free(ro);
	return res;
}

/*
 * The session as a scenario: the base scenario included, the commands after its
 * timeline at the times they ran, and until: where the session stands (the last
 * instant that ran), so simulate gives the session's trace and hash.
 */
static json_t *cmd_save(struct pcisim_qmp *q, json_t *args)
{
	json_t *err = NULL;
	const char *file = arg_str(args, "file", true, &err);
	if (err)
		return err;
	FILE *f = fopen(file, "w");
	if (!f)
		return error_obj("GenericError", "Could not open '%s': %s", file, strerror(errno));
	char *inc = pcisim_qmp_include_path(q->o.file, file);
	char t[48];
	pcisim_time until = q->clock ? q->clock - 1 : 0;
	entry_time(until, t, sizeof(t));
	fprintf(f, "# A pcisim serve session on %s: its commands at the simulated times they ran.\n",
		q->o.file);
	fprintf(f, "version: 1\nname: ");
	char *b = NULL;
	size_t n = 0, cap = 0;
	char name[256];
	snprintf(name, sizeof(name), "%s-session", q->sc.name);
	yq(&b, &n, &cap, name);
	fprintf(f, "%s\ninclude: ", b);
	n = 0;
	yq(&b, &n, &cap, inc);
	fprintf(f, "%s\nseed: %llu\nuntil: %s\n", b, (unsigned long long)q->sim.seed, t);
	free(b);
	free(inc);
	if (q->nentries) {
		fprintf(f, "timeline:\n");
		for (size_t i = 0; i < q->nentries; i++)
			fprintf(f, "  - %s\n", q->entries[i]);
	}
	bool bad = ferror(f);
	bad |= fclose(f) != 0;
	if (bad)
		return error_obj("GenericError", "Could not write '%s'", file);
	json_t *r = json_object();
	json_object_set_new(r, "file", json_string(file));
	json_object_set_new(r, "steps", json_integer((json_int_t)q->nentries));
	json_object_set_new(r, "until", json_string(t));
	return return_obj(r);
}

static json_t *dispatch(struct pcisim_qmp *q, const char *cmd, json_t *args, bool *quit)
{
	if (!strcmp(cmd, "query-version"))
		return return_obj(query_version(q));
	if (!strcmp(cmd, "query-commands")) {
		json_t *a = json_array();
		for (size_t i = 0; qmp_commands[i]; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "name", json_string(qmp_commands[i]));
			json_array_append_new(a, o);
		}
		const char **acts = pcisim_action_names();
		for (size_t i = 0; acts && acts[i]; i++)
			if (served_action(acts[i])) {
				json_t *o = json_object();
				json_object_set_new(o, "name", json_string(acts[i]));
				json_array_append_new(a, o);
			}
		free(acts);
		return return_obj(a);
	}
	if (!strcmp(cmd, "query-pci"))
		return return_obj(pcisim_qmp_query_pci(&q->sim));
	if (!strcmp(cmd, "query-migrate"))
		return return_obj(query_migrate(q));
	if (!strcmp(cmd, "x-pcisim-query-clock")) {
		json_t *r = json_object();
		char t[48];
		json_object_set_new(r, "clock", json_string(pcisim_time_format(q->clock, t, sizeof(t))));
		json_object_set_new(r, "clock-ps", json_integer((json_int_t)q->clock));
		json_object_set_new(r, "mode", json_string(q->o.manual ? "manual" : "auto"));
		return return_obj(r);
	}
	if (!strcmp(cmd, "qom-get")) {
		json_t *err = NULL;
		const char *path = arg_str(args, "path", true, &err);
		const char *prop = arg_str(args, "property", true, &err);
		if (err)
			return err;
		const char *cls = NULL;
		char desc[512];
		json_t *v = pcisim_qmp_qom_get(&q->sim, path, prop, &cls, desc, sizeof(desc));
		return v ? return_obj(v) : error_obj(cls, "%s", desc);
	}
	if (!strcmp(cmd, "device_add") || !strcmp(cmd, "device_del") || !strcmp(cmd, "set_link") ||
	    !strcmp(cmd, "migrate") || served_action(cmd))
		return cmd_acting(q, cmd, args);
	if (!strcmp(cmd, "migrate-set-capabilities"))
		return cmd_migrate_caps(q, args);
	if (!strcmp(cmd, "x-pcisim-advance"))
		return cmd_advance(q, args);
	if (!strcmp(cmd, "x-pcisim-run-until-event"))
		return cmd_run_until(q, args);
	if (!strcmp(cmd, "x-pcisim-save"))
		return cmd_save(q, args);
	if (!strcmp(cmd, "human-monitor-command")) {
		json_t *err = NULL;
		const char *line = arg_str(args, "command-line", true, &err);
		if (err)
			return err;
		char *out = hmp_run(q, line, quit);
		json_t *r = return_obj(json_string(out));
		free(out);
		return r;
	}
	if (!strcmp(cmd, "quit")) {
		*quit = true;
		return return_obj(NULL);
	}
	return error_obj("CommandNotFound", "The command %s has not been found", cmd);
}

char *pcisim_qmp_request(struct pcisim_qmp *q, struct pcisim_qmp_client *c, const char *text,
			 size_t len, bool *quit)
{
	json_error_t jerr;
	json_t *req = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
	if (!req)
		return json_line(error_obj("GenericError", "JSON parse error, %s", jerr.text));
	json_t *r = NULL;
	json_t *id = json_is_object(req) ? json_object_get(req, "id") : NULL;
	const char *key;
	json_t *v;
	if (!json_is_object(req)) {
		r = error_obj("GenericError", "QMP input must be a JSON object");
		goto out;
	}
	json_object_foreach(req, key, v)
	{
		if (strcmp(key, "execute") && strcmp(key, "arguments") && strcmp(key, "id") &&
		    strcmp(key, "exec-oob")) {
			r = error_obj("GenericError", "QMP input member '%s' is unexpected", key);
			goto out;
		}
	}
	json_t *ex = json_object_get(req, "execute");
	if (!ex) {
		r = error_obj("GenericError", "QMP input lacks member 'execute'");
		goto out;
	}
	if (!json_is_string(ex)) {
		r = error_obj("GenericError", "QMP input member 'execute' must be a string");
		goto out;
	}
	json_t *args = json_object_get(req, "arguments");
	if (args && !json_is_object(args)) {
		r = error_obj("GenericError", "QMP input member 'arguments' must be an object");
		goto out;
	}
	const char *cmd = json_string_value(ex);
	if (!c->negotiated) {
		/* capabilities negotiation mode: only qmp_capabilities exists */
		if (strcmp(cmd, "qmp_capabilities")) {
			r = error_obj("CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'");
			goto out;
		}
		const json_t *en = args ? json_object_get(args, "enable") : NULL;
		size_t i;
		const json_t *cap;
		json_array_foreach(en, i, cap)
		{
			const char *name = json_string_value(cap);
			if (!name || strcmp(name, "oob") || q->qemu < 0x0300) {
				r = error_obj("GenericError", "Capability '%s' not available", name ? name : "?");
				goto out;
			}
		}
		c->negotiated = true;
		r = return_obj(NULL);
		goto out;
	}
	if (!strcmp(cmd, "qmp_capabilities")) {
		r = error_obj("CommandNotFound", "Capabilities negotiation is already complete, command ignored");
		goto out;
	}
	json_t *none = NULL;
	if (!args)
		args = none = json_object();
	r = dispatch(q, cmd, args, quit);
	json_decref(none);
out:
	if (id)
		json_object_set(r, "id", id);
	json_decref(req);
	return json_line(r);
}

/* ---- HMP ---- */

/* The words of an HMP line (at most @max; the rest stays in the last one). */
static size_t words(char *line, char **w, size_t max)
{
	size_t n = 0;
	char *p = line;
	while (n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		w[n++] = p;
		if (n == max)
			break;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
	}
	return n;
}

/* One HMP command: its output, with QEMU's line ends (CRLF). */
static char *hmp_run(struct pcisim_qmp *q, const char *cmdline, bool *quit)
{
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	char *line = strdup(cmdline);
	if (!f || !line)
		abort();
	size_t ll = strlen(line);
	while (ll && (line[ll - 1] == '\n' || line[ll - 1] == '\r' || line[ll - 1] == ' '))
		line[--ll] = 0;
	char *w[3] = {NULL, NULL, NULL};
	size_t n = words(line, w, 2);
	char why[1024];
	struct stepdesc sd;
	int acts = hmp_step(cmdline, &sd, why, sizeof(why));
	if (acts < 0) {
		fprintf(f, "Error: %s\n", why);
	} else if (acts > 0) {
		json_decref(run_desc(q, &sd, why, sizeof(why)));
		if (why[0])
			fprintf(f, "Error: %s\n", why);
		else if (q->cap.out)
			fputs(q->cap.out, f);
	} else if (!n) {
		/* an empty line does nothing */
	} else if (!strcmp(w[0], "info") && n > 1 && !strncmp(w[1], "pci", 3) && !w[1][3]) {
		json_t *a = pcisim_qmp_query_pci(&q->sim);
		pcisim_qmp_info_pci(f, a);
		json_decref(a);
	} else if (!strcmp(w[0], "info") && n > 1 && !strcmp(w[1], "version")) {
		fprintf(f, "%u.%u.%u (pcisim %s)\n", q->qemu >> 8, q->qemu & 0xff, q->micro, PCISIM_VERSION);
	} else if (!strcmp(w[0], "info") && n > 1 && !strcmp(w[1], "migrate")) {
		const struct pcisim_migration_outcome *m = pcisim_migration_last(&q->sim);
		if (m)
			fprintf(f, "Migration status: %s\n", m->completed ? "completed" : "failed");
		if (m && !m->completed && m->reason[0])
			fprintf(f, "Error: %s\n", m->reason);
	} else if (!strcmp(w[0], "info")) {
		fprintf(f, "pcisim: 'info %s' is not modelled; try info pci, info migrate, info version\n",
			n > 1 ? w[1] : "");
	} else if (!strcmp(w[0], "quit") || !strcmp(w[0], "q")) {
		*quit = true;
	} else {
		fprintf(f, "unknown command: '%s'\n", w[0]);
	}
	stepdesc_free(&sd);
	fclose(f);
	free(line);
	/* QEMU's monitor writes "\r\n" for every "\n" */
	size_t nl = 0;
	for (size_t i = 0; i < blen; i++)
		nl += buf[i] == '\n';
	char *crlf = malloc(blen + nl + 1), *o = crlf;
	if (!crlf)
		abort();
	for (size_t i = 0; i < blen; i++) {
		if (buf[i] == '\n')
			*o++ = '\r';
		*o++ = buf[i];
	}
	*o = 0;
	free(buf);
	return crlf;
}

/*
 * QEMU's readline echoes what it reads: after each byte it moves the cursor back over
 * the line shown so far (ESC [ D each), prints the whole line and clears to the end
 * of the screen line (ESC [ K); the end of the line is "\r\n".
 */
static void hmp_echo(FILE *f, const char *line)
{
	size_t n = strcspn(line, "\r\n");
	for (size_t i = 1; i <= n; i++) {
		for (size_t k = 1; k < i; k++)
			fputs("\033[D", f);
		fwrite(line, 1, i, f);
		fputs("\033[K", f);
	}
	fputs("\r\n", f);
}

char *pcisim_hmp_line(struct pcisim_qmp *q, const char *line, bool *quit)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	hmp_echo(f, line);
	char *out = hmp_run(q, line, quit);
	fputs(out, f);
	free(out);
	if (!*quit)
		fputs("(qemu) ", f);
	fclose(f);
	return buf;
}

char *pcisim_hmp_greeting(struct pcisim_qmp *q)
{
	char *s = malloc(96);
	if (!s)
		abort();
	snprintf(s, 96, "QEMU %u.%u.%u monitor - type 'help' for more information\r\n(qemu) ",
		 q->qemu >> 8, q->qemu & 0xff, q->micro);
	return s;
}

char *pcisim_qmp_greeting(struct pcisim_qmp *q)
{
	json_t *g = json_object(), *in = json_object(), *caps = json_array();
	json_object_set_new(in, "version", query_version(q));
	/* QEMU offers out-of-band execution from 3.0 on */
	if (q->qemu >= 0x0300)
		json_array_append_new(caps, json_string("oob"));
	json_object_set_new(in, "capabilities", caps);
	json_object_set_new(g, "QMP", in);
	return json_line(g);
}

char *pcisim_qmp_take_events(struct pcisim_qmp *q)
{
	size_t n = json_array_size(q->events);
	if (!n)
		return NULL;
	char *all = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&all, &len);
	if (!f)
		abort();
	for (size_t i = 0; i < n; i++) {
		char *l = json_line(json_incref(json_array_get(q->events, i)));
		fputs(l, f);
		free(l);
	}
	fclose(f);
	json_array_clear(q->events);
	return all;
}

pcisim_time pcisim_qmp_clock(const struct pcisim_qmp *q)
{
	return q->clock;
}

char *pcisim_qmp_shutdown_event(struct pcisim_qmp *q)
{
	json_t *ev = json_object(), *data = json_object();
	json_object_set_new(ev, "timestamp", timestamp(q->clock));
	json_object_set_new(ev, "event", json_string("SHUTDOWN"));
	json_object_set_new(data, "guest", json_false());
	json_object_set_new(data, "reason", json_string("host-qmp-quit"));
	json_object_set_new(ev, "data", data);
	return json_line(ev);
}

/* ---- the session ---- */

/* The version the scenario's machine: qemu: gives, with its micro number when written. */
static void qemu_micro(struct pcisim_qmp *q)
{
	const struct pcisim_ynode *v = q->sc.machine ? pcisim_ymap_get(q->sc.machine, "qemu") : NULL;
	if (!v || v->kind != PCISIM_Y_SCALAR)
		return;
	unsigned a, b, c;
	if (sscanf(v->str, "%u.%u.%u", &a, &b, &c) == 3)
		q->micro = c;
}

struct pcisim_qmp *pcisim_qmp_open(const struct pcisim_qmp_opts *o, FILE *err)
{
	struct pcisim_qmp *q = calloc(1, sizeof(*q));
	if (!q)
		abort();
	q->o = *o;
	q->err = err;
	q->events = json_array();
	pcisim_diag_init(&q->diag, err);
	if (pcisim_scenario_load(&q->sc, o->file, &q->diag))
		goto fail;
	if (o->trace_out && !(q->trace_file = fopen(o->trace_out, "w"))) {
		fprintf(err, "pcisim %s: error: option '--trace-out': cannot write '%s': %s\n", o->cmd,
			o->trace_out, strerror(errno));
		goto fail;
	}
	pcisim_sim_init(&q->sim, o->has_seed ? o->seed : q->sc.seed, &q->diag);
	q->sim_up = true;
	q->tr = pcisim_trace_attach(&q->sim, false);
	if (q->trace_file)
		pcisim_trace_add_sink(q->tr, pcisim_sink_jsonl(q->trace_file));
	struct qsink *qs = calloc(1, sizeof(*qs));
	if (!qs)
		abort();
	qs->sink.emit = sink_emit;
	qs->q = q;
	pcisim_trace_add_sink(q->tr, &qs->sink);
	if (pcisim_scenario_instantiate(&q->sim, &q->sc, NULL, NULL, &q->diag))
		goto fail;
	if (o->limits)
		pcisim_limits_arm(o->limits, &q->sim);
	struct pcisim_fabric *fab = pcisim_fabric_get(&q->sim);
	q->qemu = fab ? fab->machine.qemu : 0;
	qemu_micro(q);
	/* the machine starts: what is due at 0, then (auto) until quiet */
	run_instant(q);
	after_command(q);
	return q;
fail:
	if (q->sim_up)
		pcisim_sim_free(&q->sim);
	pcisim_scenario_free(&q->sc);
	if (q->trace_file)
		fclose(q->trace_file);
	json_decref(q->events);
	free(q);
	return NULL;
}

int pcisim_qmp_close(struct pcisim_qmp *q, FILE *out)
{
	int status = PCISIM_EXIT_OK;
	if (q->sim.stopped_by && q->o.limits) {
		/* an unfinished run: no verdict, as simulate */
		status = pcisim_limits_report(q->o.cmd, q->o.limits, &q->sim);
		out = NULL;
	}
	/* where a saved session's until: stands: the last instant that ran */
	if (!q->halted)
		pcisim_run(&q->sim, q->clock ? q->clock - 1 : 0);
	const char *reason = q->halted ? "stopped" : pcisim_next_time(&q->sim) == PCISIM_TIME_MAX ? "idle" : "time limit";
	if (!q->sim.stopped_by)
		PCISIM_RECORD(&q->sim, NULL, "sim.end", PCISIM_FU("events", q->sim.executed),
			      PCISIM_FS("reason", reason));
	char t[40];
	unsigned failed = 0;
	if (out) {
		failed = pcisim_scenario_check(&q->sim, &q->sc, out, false);
		fprintf(out, "scenario %s: seed %llu, %llu events, %llu records, ended at %s s (%s)\n",
		       q->sc.name, (unsigned long long)q->sim.seed, (unsigned long long)q->sim.executed,
		       (unsigned long long)q->tr->count, pcisim_time_format_fixed(q->sim.now, t, sizeof(t)),
		       reason);
		fprintf(out, "expectations: %zu passed, %u failed\n", q->sc.nexpects - failed, failed);
		fprintf(out, "trace hash: %016llx\n", (unsigned long long)q->sim.hash);
	}
	pcisim_sim_free(&q->sim);
	for (size_t i = 0; i < q->nentries; i++) {
		free(q->entries[i]);
		pcisim_ydoc_free(q->docs[i]);
		free(q->docs[i]);
	}
	free(q->entries);
	free(q->docs);
	pcisim_scenario_free(&q->sc);
	if (q->trace_file)
		fclose(q->trace_file);
	json_decref(q->events);
	free(q->cap.out);
	free(q);
	return failed ? PCISIM_EXIT_FAIL : status;
}
