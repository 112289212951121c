/*
 * Trace records, their kinds, the running hash over them, and the two built-in sinks.
 */
#include "sim/core/trace.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/component.h"
#include "sim/core/grow.h"
#include "sim/core/sim.h"
#include "sim/core/heap.h"

/* ---- record kinds ---- */

/* Tables in registration order (the core's first); grows, never drops one. */
static const struct pcisim_record_kind **kind_tables;
static size_t nkind_tables, capkind_tables;

static const struct pcisim_record_kind core_kinds[] = {
	{"log", "a log line printed by emulated software (fields: source, text)"},
	{"action", "a scenario timeline step ran (fields: do, and its parameters)"},
	{"sim.end", "the run ended (fields: events, reason)"},
	{"irq", "an interrupt was signalled (fields: wire, kind msg|level, delivered or level)"},
	{0},
};

static void kind_tables_append(const struct pcisim_record_kind *table)
{
	kind_tables = pcisim_grow(kind_tables, &capkind_tables, nkind_tables + 1, sizeof(*kind_tables));
	kind_tables[nkind_tables++] = table;
}

static void ensure_core(void)
{
	if (!nkind_tables)
		kind_tables_append(core_kinds);
}

void pcisim_record_kinds_add(const struct pcisim_record_kind *table)
{
	ensure_core();
	for (size_t i = 0; i < nkind_tables; i++)
		if (kind_tables[i] == table)
			return;
	kind_tables_append(table);
}

const struct pcisim_record_kind *pcisim_record_kind_find(const char *name)
{
	ensure_core();
	for (size_t i = 0; i < nkind_tables; i++)
		for (const struct pcisim_record_kind *k = kind_tables[i]; k->name; k++)
			if (!strcmp(k->name, name))
				return k;
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **pcisim_record_kind_names(void)
{
	ensure_core();
	size_t n = 0;
	for (size_t i = 0; i < nkind_tables; i++)
		for (const struct pcisim_record_kind *k = kind_tables[i]; k->name; k++)
			n++;
	const char **v = pcisim_calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	n = 0;
	for (size_t i = 0; i < nkind_tables; i++)
		for (const struct pcisim_record_kind *k = kind_tables[i]; k->name; k++)
			v[n++] = k->name;
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

/* ---- trace ---- */

struct pcisim_trace *pcisim_trace_attach(struct pcisim_sim *sim, bool retain)
{
	/* the trace's count and retained records are the run's: in its heap */
	struct pcisim_heap *prev = pcisim_sim_enter(sim);
	struct pcisim_trace *t = pcisim_calloc(1, sizeof(*t));
	pcisim_arena_init(&t->arena);
	pcisim_heap_leave(prev);
	t->retain = retain;
	if (sim->trace)
		pcisim_trace_free(sim->trace);
	sim->trace = t;
	return t;
}

void pcisim_trace_free(struct pcisim_trace *t)
{
	for (struct pcisim_sink *s = t->sinks, *n; s; s = n) {
		n = s->next;
		if (s->close)
			s->close(s);
		pcisim_free(s);
	}
	pcisim_free(t->recs);
	pcisim_arena_free(&t->arena);
	pcisim_free(t);
}

uint64_t pcisim_trace_bytes(const struct pcisim_trace *t)
{
	uint64_t n = 0;
	for (const struct pcisim_sink *s = t->sinks; s; s = s->next)
		n += s->bytes;
	return n;
}

bool pcisim_trace_wants(const struct pcisim_trace *t, const char *kind)
{
	for (const struct pcisim_sink *s = t->sinks; s; s = s->next) {
		if (!s->nkinds)
			return true;
		for (unsigned i = 0; i < s->nkinds; i++)
			if (s->kinds[i] == kind || !strcmp(s->kinds[i], kind))
				return true;
	}
	return false;
}

void pcisim_trace_add_sink(struct pcisim_trace *t, struct pcisim_sink *s)
{
	struct pcisim_sink **p = &t->sinks;
	while (*p)
		p = &(*p)->next;
	s->next = NULL;
	*p = s;
}

void pcisim_field_format(const struct pcisim_field *f, char *buf, size_t n)
{
	switch (f->type) {
	case PCISIM_F_U64:
		snprintf(buf, n, "%llu", (unsigned long long)f->u);
		break;
	case PCISIM_F_I64:
		snprintf(buf, n, "%lld", (long long)(int64_t)f->u);
		break;
	case PCISIM_F_HEX:
		snprintf(buf, n, "0x%llx", (unsigned long long)f->u);
		break;
	case PCISIM_F_STR:
		snprintf(buf, n, "%s", f->s ? f->s : "");
		break;
	case PCISIM_F_BOOL:
		snprintf(buf, n, "%s", f->u ? "on" : "off");
		break;
	case PCISIM_F_TIME:
		pcisim_time_format(f->u, buf, n);
		break;
	}
}

void pcisim_record_format(const struct pcisim_record *r, char *buf, size_t n)
{
	char t[40];
	size_t used = 0;
	pcisim_time_format_fixed(r->t, t, sizeof(t));
	used += (size_t)snprintf(buf, n, "%14s  %-22s %-18s", t, r->comp_path ? r->comp_path : "-",
				 r->kind);
	/* A log record prints its text as is. */
	if (!strcmp(r->kind, "log")) {
		for (uint32_t i = 0; i < r->nfields && used < n; i++)
			if (!strcmp(r->fields[i].name, "text"))
				snprintf(buf + used, n - used, " %s", r->fields[i].s);
			else if (!strcmp(r->fields[i].name, "source"))
				used += (size_t)snprintf(buf + used, n - used, " [%s]", r->fields[i].s);
		return;
	}
	for (uint32_t i = 0; i < r->nfields && used < n; i++) {
		char v[512];
		pcisim_field_format(&r->fields[i], v, sizeof(v));
		int w = snprintf(buf + used, n - used, " %s=%s", r->fields[i].name, v);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static void hash_record(struct pcisim_sim *sim, const struct pcisim_record *r)
{
	if (sim->unhashed)
		return;
	/* a machine view's component (no id in the engine: UINT32_MAX) by its path */
	uint64_t w[7] = {r->t, pcisim_name_code(r->kind), r->comp_id, r->nfields,
			 r->comp_id == UINT32_MAX && r->comp_path ? pcisim_name_code(r->comp_path) : 0, 0, 0};
	pcisim_hash_fold(sim, w);
	for (uint32_t i = 0; i < r->nfields; i++) {
		const struct pcisim_field *f = &r->fields[i];
		uint64_t v = f->type == PCISIM_F_STR ? pcisim_name_code(f->s ? f->s : "") : f->u;
		uint64_t fw[7] = {pcisim_name_code(f->name), (uint64_t)f->type, v, 0, 0, 0, 0};
		pcisim_hash_fold(sim, fw);
	}
}

void pcisim_record(struct pcisim_sim *sim, struct pcisim_comp *c, const char *kind,
		   const struct pcisim_field *f, size_t n)
{
	sim = pcisim_engine(sim); /* a machine view traces into its engine */
	struct pcisim_trace *t = sim->trace;
	struct pcisim_record r = {
		.t = sim->now,
		.seq = t ? t->count : 0,
		.kind = kind,
		/* ids are per view: another machine's component is known by its path only */
		.comp_id = c && c->sim == sim ? c->id : UINT32_MAX,
		.comp_path = c ? c->path : NULL,
		.nfields = (uint32_t)n,
		.fields = (struct pcisim_field *)f,
	};
	hash_record(sim, &r);
	if (!t)
		return;
	t->count++;
	if (t->retain) {
		if (t->nrecs == t->caprecs) {
			size_t nc = t->caprecs ? t->caprecs * 2 : 256;
			struct pcisim_record *nr = pcisim_realloc(t->recs, nc * sizeof(*nr));
			if (!nr) {
				fprintf(stderr, "pcisim: out of memory\n");
				abort();
			}
			t->recs = nr;
			t->caprecs = nc;
		}
		struct pcisim_field *cf = pcisim_arena_alloc(&t->arena, n * sizeof(*cf) + 1);
		for (size_t i = 0; i < n; i++) {
			cf[i] = f[i];
			cf[i].name = pcisim_arena_strdup(&t->arena, f[i].name);
			if (f[i].type == PCISIM_F_STR)
				cf[i].s = pcisim_arena_strdup(&t->arena, f[i].s ? f[i].s : "");
		}
		r.kind = pcisim_arena_strdup(&t->arena, kind);
		r.comp_path = c ? pcisim_arena_strdup(&t->arena, c->path) : NULL;
		r.fields = cf;
		t->recs[t->nrecs++] = r;
	}
	for (struct pcisim_sink *s = t->sinks; s; s = s->next) {
		if (s->in_run) {
			s->emit(s, &r);
		} else {
			/* a front end's sink: what it allocates is its own, not the run's (heap.h) */
			struct pcisim_heap *h = pcisim_heap_enter(NULL);
			s->emit(s, &r);
			pcisim_heap_leave(h);
		}
	}
}

void pcisim_log(struct pcisim_sim *sim, struct pcisim_comp *c, const char *source,
		const char *fmt, ...)
{
	if (!pcisim_logging(sim))
		return;
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	PCISIM_RECORD(sim, c, "log", PCISIM_FS("source", source), PCISIM_FS("text", text));
}

/* ---- sinks ---- */

static void timeline_emit(struct pcisim_sink *s, const struct pcisim_record *r)
{
	char buf[2048];
	pcisim_record_format(r, buf, sizeof(buf));
	int n = fprintf(s->out, "%s\n", buf);
	if (n > 0)
		s->bytes += (uint64_t)n;
}

struct pcisim_sink *pcisim_sink_timeline(FILE *out)
{
	struct pcisim_sink *s = pcisim_calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->emit = timeline_emit;
	s->out = out;
	return s;
}

static json_t *field_json(const struct pcisim_field *f)
{
	switch (f->type) {
	case PCISIM_F_U64:
	case PCISIM_F_TIME:
		/* JSON integers are signed 64-bit in jansson; values past that become strings. */
		if (f->u > (uint64_t)INT64_MAX) {
			char b[32];
			snprintf(b, sizeof(b), "%llu", (unsigned long long)f->u);
			return json_string(b);
		}
		return json_integer((json_int_t)f->u);
	case PCISIM_F_I64:
		return json_integer((json_int_t)(int64_t)f->u);
	case PCISIM_F_HEX: {
		char b[32];
		snprintf(b, sizeof(b), "0x%llx", (unsigned long long)f->u);
		return json_string(b);
	}
	case PCISIM_F_STR:
		return json_string(f->s ? f->s : "");
	case PCISIM_F_BOOL:
		return json_boolean(f->u);
	}
	return json_null();
}

json_t *pcisim_record_json(const struct pcisim_record *r);
json_t *pcisim_record_json(const struct pcisim_record *r)
{
	json_t *o = json_object();
	json_t *fields = json_object();
	json_object_set_new(o, "t", json_integer((json_int_t)r->t));
	json_object_set_new(o, "seq", json_integer((json_int_t)r->seq));
	json_object_set_new(o, "kind", json_string(r->kind));
	json_object_set_new(o, "comp", r->comp_path ? json_string(r->comp_path) : json_null());
	for (uint32_t i = 0; i < r->nfields; i++)
		json_object_set_new(fields, r->fields[i].name, field_json(&r->fields[i]));
	json_object_set_new(o, "fields", fields);
	return o;
}

static void jsonl_emit(struct pcisim_sink *s, const struct pcisim_record *r)
{
	json_t *o = pcisim_record_json(r);
	char *txt = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (txt) {
		int n = fprintf(s->out, "%s\n", txt);
		if (n > 0)
			s->bytes += (uint64_t)n;
		pcisim_free(txt);
	}
	json_decref(o);
}

struct pcisim_sink *pcisim_sink_jsonl(FILE *out)
{
	struct pcisim_sink *s = pcisim_calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->emit = jsonl_emit;
	s->out = out;
	return s;
}
