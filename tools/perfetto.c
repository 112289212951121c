/*
 * The run as a Chrome trace event file (the JSON form Perfetto and chrome://tracing
 * read): one process for the run, a thread per component and concern, B/E spans,
 * instants, counters. docs/timeline-views.md shows what each record becomes.
 *
 * Written as the records stream: a span begins when its first record is emitted and
 * ends when its last one is, so every thread's events are in time order and its spans
 * nest (each concern has a thread of its own, so spans of different concerns that
 * overlap never share a thread). The one span whose end no record marks, an FLR's
 * 100 ms before the function answers again (reset.h), is ended when the stream
 * passes that time, or when the run ends.
 *
 * Times: Chrome's ts is in microseconds; simulated time is in picoseconds, written
 * exactly as a decimal fraction ("1000000.196" is 1 s + 196 ns).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/component.h"
#include "sim/core/grow.h"
#include "sim/pcie/reset.h"
#include "tools/timeline.h"

/* A component's concerns: one thread each, so that their spans never interleave. */
enum lane {
	LANE_EVENTS,   /* instants: messages, interrupts, errors, register changes, logs */
	LANE_LINK,     /* link training, LTSSM states, hot reset, link disabled */
	LANE_POWER,    /* slot power on / off (Slot Control PCC) */
	LANE_RESET,    /* resets the host drives (SBR, DPC reset link) and FLRs */
	LANE_DPC,      /* DPC containment: trigger to release */
	LANE_RECOVERY, /* pcie_do_recovery(): start to recovered or failed */
	LANE_STATE,    /* a state machine's states (pciehp) */
	LANE_MIGRATION,
	NLANES,
};

static const char *const lane_names[NLANES] = {
	[LANE_EVENTS] = NULL,        [LANE_LINK] = "link",     [LANE_POWER] = "slot power",
	[LANE_RESET] = "reset",      [LANE_DPC] = "DPC",       [LANE_RECOVERY] = "recovery",
	[LANE_STATE] = "state",      [LANE_MIGRATION] = "migration",
};

#define MAX_DEPTH 4 /* deepest nesting any lane uses: link training > LTSSM state */

struct track {
	uint32_t tid;          /* 0: not used yet */
	unsigned depth;        /* open spans */
	const char *open[MAX_DEPTH]; /* their names (static strings) */
	pcisim_time end_at;    /* an FLR span ends then; PCISIM_TIME_MAX: none pending */
};

/* A component's (or the run's) tracks and its place in the thread order. */
struct comp_tracks {
	struct track lane[NLANES];
	uint32_t order; /* 0: none of its tracks used yet; else first use, from 1 */
};

struct perfetto {
	struct pcisim_sink sink; /* first: the trace frees the sink as this struct */
	struct pcisim_sim *sim;
	struct comp_tracks *comps; /* by component id */
	size_t capcomps;
	struct comp_tracks run;    /* records of no component */
	/* machines: the components of the other machines (views), whose records carry
	 * a path ("target/pcie.0/...") and no id of the engine's: by path, first seen first */
	struct other_comp {
		char *path;
		struct comp_tracks ct;
	} *others;
	size_t nothers, capothers;
	uint32_t ntids, ncomps_seen;
	bool first_event;
	pcisim_time now;           /* time of the last record */
	pcisim_time next_end;      /* earliest pending FLR end, PCISIM_TIME_MAX: none */
	/* counters, sampled at each record, written once per time when they change */
	bool sample_pending;
	pcisim_time sample_t;
	uint64_t pending, written_pending;
	bool pending_written;
	struct pcisim_timeline_io io;
	bool io_dirty;
};

static struct perfetto *to_pf(struct pcisim_sink *s)
{
	return (struct perfetto *)s;
}

/* ---- low-level output ---- */

static void put(struct perfetto *p, const char *s)
{
	size_t n = strlen(s);
	fwrite(s, 1, n, p->sink.out);
	p->sink.bytes += n;
}

/* A JSON value through jansson (strings escaped as JSON wants; invalid UTF-8 replaced). */
static void put_json(struct perfetto *p, json_t *v)
{
	char *txt = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER) : NULL;
	put(p, txt ? txt : "null");
	free(txt);
	json_decref(v);
}

static json_t *jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");
	return j ? j : json_string("(not UTF-8)");
}

/* Picoseconds as exact microseconds: integer part, then up to 6 decimals. */
static void put_ts(struct perfetto *p, pcisim_time t)
{
	char buf[40];
	unsigned long long us = (unsigned long long)(t / 1000000), frac = t % 1000000;
	if (!frac) {
		snprintf(buf, sizeof(buf), "%llu", us);
	} else {
		int n = snprintf(buf, sizeof(buf), "%llu.%06llu", us, frac);
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = 0;
	}
	put(p, buf);
}

/* The head of one event: separator, ph, ts, pid, tid. */
static void put_head(struct perfetto *p, char ph, pcisim_time t, uint32_t tid)
{
	char buf[80];
	put(p, p->first_event ? "\n" : ",\n");
	p->first_event = false;
	snprintf(buf, sizeof(buf), "{\"ph\":\"%c\",\"pid\":1,\"tid\":%u,\"ts\":", ph, (unsigned)tid);
	put(p, buf);
	put_ts(p, t);
}

static json_t *field_json(const struct pcisim_field *f)
{
	char buf[64];
	switch (f->type) {
	case PCISIM_F_U64:
		return f->u > INT64_MAX ? (snprintf(buf, sizeof(buf), "%llu", (unsigned long long)f->u), jstr(buf))
					: json_integer((json_int_t)f->u);
	case PCISIM_F_I64:
		return json_integer((json_int_t)(int64_t)f->u);
	case PCISIM_F_BOOL:
		return json_boolean(f->u);
	case PCISIM_F_STR:
		return jstr(f->s);
	case PCISIM_F_HEX:
	case PCISIM_F_TIME:
		pcisim_field_format(f, buf, sizeof(buf));
		return jstr(buf);
	}
	return json_null();
}

/* A record's fields as the event's args. */
static json_t *record_args(const struct pcisim_record *r)
{
	json_t *a = json_object();
	for (uint32_t i = 0; i < r->nfields; i++)
		json_object_set_new(a, r->fields[i].name, field_json(&r->fields[i]));
	return a;
}

static void put_metadata(struct perfetto *p, const char *what, uint32_t tid, json_t *args)
{
	char buf[80];
	put(p, p->first_event ? "\n" : ",\n");
	p->first_event = false;
	snprintf(buf, sizeof(buf), "{\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"ts\":0,\"name\":\"%s\",\"args\":",
		 (unsigned)tid, what);
	put(p, buf);
	put_json(p, args);
	put(p, "}");
}

/* ---- tracks ---- */

static void tracks_init(struct comp_tracks *ct)
{
	memset(ct, 0, sizeof(*ct));
	for (int l = 0; l < NLANES; l++)
		ct->lane[l].end_at = PCISIM_TIME_MAX;
}

/* Another machine's component: its tracks by path (a view's ids are its own). */
static struct comp_tracks *other_of(struct perfetto *p, const char *path)
{
	for (size_t i = 0; i < p->nothers; i++)
		if (!strcmp(p->others[i].path, path))
			return &p->others[i].ct;
	p->others = pcisim_grow(p->others, &p->capothers, p->nothers + 1, sizeof(*p->others));
	struct other_comp *o = &p->others[p->nothers++];
	o->path = strdup(path);
	if (!o->path)
		abort();
	tracks_init(&o->ct);
	return &o->ct;
}

static struct comp_tracks *comp_of(struct perfetto *p, const struct pcisim_record *r)
{
	if (r->comp_id == UINT32_MAX)
		return r->comp_path ? other_of(p, r->comp_path) : &p->run;
	if (r->comp_id >= p->capcomps) {
		size_t old = p->capcomps;
		p->comps = pcisim_grow(p->comps, &p->capcomps, (size_t)r->comp_id + 1, sizeof(*p->comps));
		memset(p->comps + old, 0, (p->capcomps - old) * sizeof(*p->comps));
		for (size_t i = old; i < p->capcomps; i++)
			for (int l = 0; l < NLANES; l++)
				p->comps[i].lane[l].end_at = PCISIM_TIME_MAX;
	}
	return &p->comps[r->comp_id];
}

/* The thread of @lane of @r's component, named and placed the first time. */
static struct track *track_of(struct perfetto *p, const struct pcisim_record *r, enum lane lane)
{
	struct comp_tracks *ct = comp_of(p, r);
	struct track *tr = &ct->lane[lane];
	if (tr->tid)
		return tr;
	tr->tid = ++p->ntids;
	if (!ct->order)
		ct->order = ++p->ncomps_seen;
	const char *path = r->comp_path ? r->comp_path : "run";
	char name[512];
	if (lane_names[lane])
		snprintf(name, sizeof(name), "%s [%s]", path, lane_names[lane]);
	else
		snprintf(name, sizeof(name), "%s", path);
	put_metadata(p, "thread_name", tr->tid, json_pack("{s:o}", "name", jstr(name)));
	/* a component's threads together, in the order components first appear */
	put_metadata(p, "thread_sort_index", tr->tid,
		     json_pack("{s:I}", "sort_index", (json_int_t)ct->order * NLANES + lane));
	return tr;
}

static void span_begin(struct perfetto *p, struct track *tr, const char *name, const char *cat,
		       json_t *args)
{
	if (tr->depth == MAX_DEPTH) {
		json_decref(args);
		return;
	}
	tr->open[tr->depth++] = name;
	put_head(p, 'B', p->now, tr->tid);
	put(p, ",\"name\":");
	put_json(p, jstr(name));
	put(p, ",\"cat\":");
	put_json(p, jstr(cat));
	put(p, ",\"args\":");
	put_json(p, args);
	put(p, "}");
}

/* End the innermost open span at @t, with @args (may be NULL) merged into its args. */
static void span_end_at(struct perfetto *p, struct track *tr, pcisim_time t, json_t *args)
{
	if (!tr->depth) {
		json_decref(args);
		return;
	}
	tr->depth--;
	put_head(p, 'E', t, tr->tid);
	if (args) {
		put(p, ",\"args\":");
		put_json(p, args);
	}
	put(p, "}");
}

static void span_end(struct perfetto *p, struct track *tr, json_t *args)
{
	span_end_at(p, tr, p->now, args);
}

static bool span_open(const struct track *tr, const char *name)
{
	return tr->depth && !strcmp(tr->open[tr->depth - 1], name);
}

static void instant(struct perfetto *p, const struct pcisim_record *r, const char *name)
{
	struct track *tr = track_of(p, r, LANE_EVENTS);
	put_head(p, 'i', p->now, tr->tid);
	put(p, ",\"s\":\"t\",\"name\":");
	put_json(p, jstr(name));
	char cat[32];
	snprintf(cat, sizeof(cat), "%.*s", (int)strcspn(r->kind, "."), r->kind);
	put(p, ",\"cat\":");
	put_json(p, jstr(cat));
	put(p, ",\"args\":");
	put_json(p, record_args(r));
	put(p, "}");
}

/* ---- pending FLR ends ---- */

static struct track *earlier(struct track *best, struct comp_tracks *ct)
{
	struct track *tr = &ct->lane[LANE_RESET];
	return tr->end_at != PCISIM_TIME_MAX && (!best || tr->end_at < best->end_at) ? tr : best;
}

/* The [reset] track whose FLR span ends first, or NULL when none is pending. */
static struct track *earliest_end(struct perfetto *p)
{
	struct track *best = NULL;
	for (size_t i = 0; i < p->capcomps; i++)
		best = earlier(best, &p->comps[i]);
	for (size_t i = 0; i < p->nothers; i++)
		best = earlier(best, &p->others[i].ct);
	return best;
}

/* End, in time order, every FLR span due at or before @t. */
static void end_due(struct perfetto *p, pcisim_time t)
{
	while (p->next_end <= t) {
		struct track *tr = earliest_end(p);
		if (!tr || tr->end_at > t) {
			p->next_end = tr ? tr->end_at : PCISIM_TIME_MAX;
			return;
		}
		pcisim_time at = tr->end_at;
		tr->end_at = PCISIM_TIME_MAX;
		if (span_open(tr, "FLR"))
			span_end_at(p, tr, at, NULL);
	}
}

/* ---- counters ---- */

static void put_counters(struct perfetto *p)
{
	if (!p->sample_pending)
		return;
	p->sample_pending = false;
	if (!p->pending_written || p->pending != p->written_pending) {
		put_head(p, 'C', p->sample_t, 0);
		put(p, ",\"name\":\"event queue\",\"args\":");
		put_json(p, json_pack("{s:I}", "pending", (json_int_t)p->pending));
		put(p, "}");
		p->written_pending = p->pending;
		p->pending_written = true;
	}
	if (p->io_dirty) {
		json_t *a = json_object();
		for (size_t i = 0; i < p->io.n; i++)
			json_object_set_new(a, p->io.names[i], json_integer((json_int_t)p->io.in_flight[i]));
		put_head(p, 'C', p->sample_t, 0);
		put(p, ",\"name\":\"I/O in flight\",\"args\":");
		put_json(p, a);
		put(p, "}");
		p->io_dirty = false;
	}
}

/* Read the counters now; the last reading at a time is what gets written. */
static void sample(struct perfetto *p, const struct pcisim_record *r)
{
	p->io_dirty |= pcisim_timeline_io_learn(&p->io, r);
	p->io_dirty |= pcisim_timeline_io_sample(&p->io, p->sim);
	p->pending = p->sim->pending;
	p->sample_t = p->now;
	p->sample_pending = true;
}

/* ---- records to events ---- */

static const char *str_field(const struct pcisim_record *r, const char *name)
{
	const struct pcisim_field *f = pcisim_timeline_field(r, name);
	return f && f->type == PCISIM_F_STR && f->s ? f->s : "";
}

static uint64_t num_field(const struct pcisim_record *r, const char *name)
{
	const struct pcisim_field *f = pcisim_timeline_field(r, name);
	return f && f->type != PCISIM_F_STR ? f->u : 0;
}

/* LTSSM states shown as spans inside "link training" (or on their own) */
static const char *ltssm_span(const char *state)
{
	static const char *const shown[][2] = {
		{"Polling", "Polling"},       {"Configuration", "Configuration"},
		{"Recovery", "Recovery"},     {"HotReset", "hot reset"},
		{"Disabled", "link disabled"},
	};
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		if (!strcmp(state, shown[i][0]))
			return shown[i][1];
	return NULL;
}

/*
 * link.ltssm: leaving Detect (Polling) or L0 (Recovery) opens "link training",
 * reaching L0 closes it; inside it, and outside it for HotReset and Disabled, a span
 * per LTSSM state.
 */
static void on_ltssm(struct perfetto *p, const struct pcisim_record *r)
{
	struct track *tr = track_of(p, r, LANE_LINK);
	const char *from = str_field(r, "from"), *to = str_field(r, "to");
	const char *fs = ltssm_span(from), *ts = ltssm_span(to);
	if (fs && span_open(tr, fs))
		span_end(p, tr, json_pack("{s:o}", "to", jstr(to)));
	bool training = span_open(tr, "link training");
	if (training && (!strcmp(to, "L0") || !strcmp(to, "Detect") || !strcmp(to, "HotReset") ||
			 !strcmp(to, "Disabled")))
		span_end(p, tr, json_pack("{s:o}", "result", jstr(!strcmp(to, "L0") ? "L0" : to))),
			training = false;
	if (!training && (!strcmp(to, "Polling") || !strcmp(to, "Recovery")))
		span_begin(p, tr, "link training", "link", json_pack("{s:o}", "from", jstr(from)));
	if (ts)
		span_begin(p, tr, ts, !strcmp(to, "HotReset") ? "reset" : "link", record_args(r));
}

/* slot.ctl: Power Controller Control (1 = off) as alternating "power on"/"power off" */
static void on_slot_ctl(struct perfetto *p, const struct pcisim_record *r)
{
	bool off = num_field(r, "new") & 0x0400, was_off = num_field(r, "old") & 0x0400;
	struct track *tr = track_of(p, r, LANE_POWER);
	const char *name = off ? "power off" : "power on";
	if (tr->depth && off == was_off && span_open(tr, name))
		return;
	if (tr->depth)
		span_end(p, tr, NULL);
	span_begin(p, tr, name, "slot", json_pack("{s:o}", "why", jstr(str_field(r, "why"))));
}

static void on_reset(struct perfetto *p, const struct pcisim_record *r)
{
	const char *kind = str_field(r, "kind");
	if (strcmp(kind, "flr"))
		return;
	struct track *tr = track_of(p, r, LANE_RESET);
	if (span_open(tr, "FLR"))
		span_end(p, tr, NULL);
	span_begin(p, tr, "FLR", "reset", record_args(r));
	tr->end_at = pcisim_time_add(p->now, PCISIM_RESET_READY_TIME);
	if (tr->end_at < p->next_end)
		p->next_end = tr->end_at;
}

/*
 * aer.reset: the first step opens a span named by why (dpc_reset_link) or by the step
 * (secondary bus reset), done ends it; the steps between are instants.
 */
static bool on_aer_reset(struct perfetto *p, const struct pcisim_record *r)
{
	struct track *tr = track_of(p, r, LANE_RESET);
	const char *ev = str_field(r, "event");
	bool open = tr->depth && !span_open(tr, "FLR");
	if (!strcmp(ev, "done")) {
		if (open)
			span_end(p, tr, json_pack("{s:o}", "event", jstr(ev)));
		return open;
	}
	if (open)
		return false;
	/* span names are static strings: an open span keeps its name by pointer */
	const char *why = str_field(r, "why"), *name = "link reset";
	if (!strcmp(ev, "secondary bus reset"))
		name = "secondary bus reset";
	else if (!strcmp(why, "dpc_reset_link"))
		name = "dpc_reset_link";
	span_begin(p, tr, name, "reset", record_args(r));
	return true;
}

static bool on_recovery(struct perfetto *p, const struct pcisim_record *r)
{
	struct track *tr = track_of(p, r, LANE_RECOVERY);
	bool start = !strcmp(str_field(r, "event"), "start");
	if (start == (tr->depth != 0))
		return false; /* a start inside a recovery, an end outside one: an instant */
	if (start)
		span_begin(p, tr, "AER recovery", "aer", record_args(r));
	else
		span_end(p, tr, record_args(r));
	return true;
}

static bool on_dpc(struct perfetto *p, const struct pcisim_record *r)
{
	struct track *tr = track_of(p, r, LANE_DPC);
	bool trigger = !strcmp(r->kind, "dpc.trigger");
	if (trigger == (tr->depth != 0))
		return false;
	if (trigger)
		span_begin(p, tr, "DPC containment", "dpc", record_args(r));
	else
		span_end(p, tr, record_args(r));
	return true;
}

/* pciehp.state: one span per state, named by it */
static void on_state(struct perfetto *p, const struct pcisim_record *r)
{
	struct track *tr = track_of(p, r, LANE_STATE);
	if (tr->depth)
		span_end(p, tr, NULL);
	static const char *const states[] = {"OFF", "BLINKINGON", "BLINKINGOFF", "POWERON", "POWEROFF", "ON"};
	const char *to = str_field(r, "to"), *name = "(another state)";
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(to, states[i]))
			name = states[i];
	span_begin(p, tr, name, "pciehp", record_args(r));
}

/*
 * From the migrate action (which stays an instant of the timeline too) to the
 * migration record that tells how it ended.
 */
static bool on_migration(struct perfetto *p, const struct pcisim_record *r)
{
	struct track *tr = track_of(p, r, LANE_MIGRATION);
	if (!strcmp(r->kind, "action")) {
		if (!tr->depth)
			span_begin(p, tr, "migration", "migration", record_args(r));
		return false;
	}
	if (!tr->depth) /* a migration no action started (none today) */
		span_begin(p, tr, "migration", "migration", json_object());
	span_end(p, tr, record_args(r));
	return true;
}

/* The instant's name: the record's kind, with what tells one from another. */
static void instant_name(const struct pcisim_record *r, char *buf, size_t n)
{
	static const char *const key[][2] = {
		{"action", "do"},      {"aer.error", "name"}, {"aer.msg", "msg"},
		{"slot.event", "events"}, {"irq", "wire"},     {"io.error", "reason"},
		{"pci.reset", "kind"}, {"aer.callback", "callback"}, {"linux.device", "event"},
	};
	if (!strcmp(r->kind, "log")) {
		snprintf(buf, n, "%.120s", str_field(r, "text"));
		return;
	}
	for (size_t i = 0; i < sizeof(key) / sizeof(key[0]); i++)
		if (!strcmp(r->kind, key[i][0])) {
			snprintf(buf, n, "%s %.100s", r->kind, str_field(r, key[i][1]));
			return;
		}
	snprintf(buf, n, "%s", r->kind);
}

static void perfetto_emit(struct pcisim_sink *s, const struct pcisim_record *r)
{
	struct perfetto *p = to_pf(s);
	if (r->t != p->now)
		put_counters(p); /* the readings of the time just over */
	end_due(p, r->t);
	p->now = r->t;

	/* shown: the record began or ended a span that says all it says */
	bool shown = false;
	if (!strcmp(r->kind, "link.ltssm"))
		on_ltssm(p, r), shown = true;
	else if (!strcmp(r->kind, "slot.ctl"))
		on_slot_ctl(p, r); /* also an instant: the indicators are in it */
	else if (!strcmp(r->kind, "pci.reset"))
		on_reset(p, r); /* also an instant: every reset kind is one */
	else if (!strcmp(r->kind, "aer.reset"))
		shown = on_aer_reset(p, r);
	else if (!strcmp(r->kind, "aer.recovery"))
		shown = on_recovery(p, r);
	else if (!strcmp(r->kind, "dpc.trigger") || !strcmp(r->kind, "dpc.release"))
		shown = on_dpc(p, r);
	else if (!strcmp(r->kind, "pciehp.state"))
		on_state(p, r), shown = true;
	else if ((!strcmp(r->kind, "action") && !strcmp(str_field(r, "do"), "migrate")) ||
		 !strcmp(r->kind, "migration"))
		shown = on_migration(p, r);
	if (!shown) {
		char name[160];
		instant_name(r, name, sizeof(name));
		instant(p, r, name);
	}
	sample(p, r);
}

static void close_all(struct perfetto *p, struct comp_tracks *ct)
{
	for (int l = 0; l < NLANES; l++)
		while (ct->lane[l].depth)
			span_end(p, &ct->lane[l], json_pack("{s:b}", "open at the end of the run", 1));
}

static void perfetto_close(struct pcisim_sink *s)
{
	struct perfetto *p = to_pf(s);
	put_counters(p);
	end_due(p, p->now);
	for (size_t i = 0; i < p->capcomps; i++)
		close_all(p, &p->comps[i]);
	for (size_t i = 0; i < p->nothers; i++)
		close_all(p, &p->others[i].ct);
	close_all(p, &p->run);
	put(p, "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":");
	put_json(p, json_pack("{s:s,s:s}", "generator", "pcisim " PCISIM_VERSION, "time",
			      "simulated; ts in microseconds, exact to the picosecond"));
	put(p, "\n}\n");
	pcisim_timeline_io_free(&p->io);
	free(p->comps);
	for (size_t i = 0; i < p->nothers; i++)
		free(p->others[i].path);
	free(p->others);
}

struct pcisim_sink *pcisim_sink_perfetto(FILE *out, struct pcisim_sim *sim, const char *title)
{
	struct perfetto *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->sink.emit = perfetto_emit;
	p->sink.close = perfetto_close;
	p->sink.out = out;
	p->sim = sim;
	p->first_event = true;
	p->next_end = PCISIM_TIME_MAX;
	for (int l = 0; l < NLANES; l++)
		p->run.lane[l].end_at = PCISIM_TIME_MAX;
	put(p, "{\"traceEvents\":[");
	char name[300];
	snprintf(name, sizeof(name), "pcisim: %s", title ? title : "run");
	put_metadata(p, "process_name", 0, json_pack("{s:o}", "name", jstr(name)));
	put_metadata(p, "thread_name", 0, json_pack("{s:s}", "name", "counters"));
	return &p->sink;
}
