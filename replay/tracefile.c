/*
 * Trace files: the JSON Lines and the binary form, written as a run goes and read
 * back whole, with every malformation reported at its byte offset.
 *
 * The binary form (docs/trace-format.md):
 *   0      8  magic "\x89PCISIM\n"
 *   8      4  container version (u32 LE), 1
 *   12     4  compression (u32 LE), 1 = zstd
 *   16     .. one zstd frame holding the body
 *   end-24 8  trailer magic "PCISIMZ\n"
 *   end-16 8  body length (u64 LE)
 *   end-8  8  XXH3-64 of the body (u64 LE)
 * The body is a sequence of items, each a tag byte and fields: unsigned LEB128
 * varints, time deltas zigzag-coded, strings through a table (0 = none, k+1 = the
 * k-th string seen, table size + 1 = a new one: length and bytes follow).
 */
#include "replay/tracefile.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <xxhash.h>
#include <zstd.h>

#include "sim/core/utf8.h"

static const unsigned char bin_magic[8] = {0x89, 'P', 'C', 'I', 'S', 'I', 'M', '\n'};
static const unsigned char end_magic[8] = {'P', 'C', 'I', 'S', 'I', 'M', 'Z', '\n'};
#define BIN_CONTAINER 1u
#define BIN_ZSTD 1u
#define BIN_HEAD 16u
#define BIN_TRAILER 24u

static void oom(void)
{
	fprintf(stderr, "pcisim: out of memory\n");
	abort();
}

static char ftype_letter(enum pcisim_ftype t)
{
	static const char l[] = {[PCISIM_F_U64] = 'u', [PCISIM_F_I64] = 'i', [PCISIM_F_HEX] = 'x',
				 [PCISIM_F_STR] = 's', [PCISIM_F_BOOL] = 'b', [PCISIM_F_TIME] = 't'};
	return (unsigned)t < sizeof(l) ? l[t] : '?';
}

static int ftype_of_letter(const char *s, enum pcisim_ftype *t)
{
	static const char l[] = "uixsbt";
	if (!s || !s[0] || s[1])
		return -1;
	const char *p = strchr(l, s[0]);
	if (!p)
		return -1;
	*t = (enum pcisim_ftype)(p - l);
	return 0;
}

enum pcisim_tformat pcisim_tformat_for_path(const char *path)
{
	size_t n = strlen(path);
	if ((n >= 6 && !strcmp(path + n - 6, ".jsonl")) || (n >= 5 && !strcmp(path + n - 5, ".json")))
		return PCISIM_TF_JSONL;
	return PCISIM_TF_BINARY;
}

/* ================================ writing ================================ */

struct strtab_ent {
	const char *s; /* owned copy */
	uint64_t h;
	uint32_t idx;
};

struct pcisim_twriter {
	enum pcisim_tformat f;
	FILE *out;
	bool own;
	bool failed;
	int err_no;
	/* binary */
	unsigned char *body;
	size_t blen, bcap;
	uint64_t total;
	XXH3_state_t *xx;
	ZSTD_CCtx *z;
	unsigned char *zout;
	size_t zcap;
	struct strtab_ent *tab;
	uint32_t tcap, tn;
	pcisim_time last_t;
};

static void put(struct pcisim_twriter *w, const void *p, size_t n)
{
	if (w->blen + n > w->bcap) {
		size_t nc = w->bcap ? w->bcap : 1 << 16;
		while (nc < w->blen + n)
			nc *= 2;
		unsigned char *nb = realloc(w->body, nc);
		if (!nb)
			oom();
		w->body = nb;
		w->bcap = nc;
	}
	memcpy(w->body + w->blen, p, n);
	w->blen += n;
}

static void put_u8(struct pcisim_twriter *w, uint8_t v)
{
	put(w, &v, 1);
}

static void put_var(struct pcisim_twriter *w, uint64_t v)
{
	unsigned char b[10];
	size_t n = 0;
	do {
		b[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	put(w, b, n);
}

static void put_u64le(struct pcisim_twriter *w, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	put(w, b, 8);
}

static void put_bytes(struct pcisim_twriter *w, const char *s, size_t n)
{
	put_var(w, n);
	if (n)
		put(w, s, n);
}

static void put_str(struct pcisim_twriter *w, const char *s)
{
	if (!s) {
		put_var(w, 0);
		return;
	}
	uint64_t h = XXH3_64bits(s, strlen(s));
	if (w->tn * 2 >= w->tcap) {
		uint32_t nc = w->tcap ? w->tcap * 2 : 256;
		struct strtab_ent *nt = calloc(nc, sizeof(*nt));
		if (!nt)
			oom();
		for (uint32_t i = 0; i < w->tcap; i++)
			if (w->tab[i].s) {
				uint32_t j = (uint32_t)(w->tab[i].h & (nc - 1));
				while (nt[j].s)
					j = (j + 1) & (nc - 1);
				nt[j] = w->tab[i];
			}
		free(w->tab);
		w->tab = nt;
		w->tcap = nc;
	}
	uint32_t j = (uint32_t)(h & (w->tcap - 1));
	for (; w->tab[j].s; j = (j + 1) & (w->tcap - 1))
		if (w->tab[j].h == h && !strcmp(w->tab[j].s, s)) {
			put_var(w, (uint64_t)w->tab[j].idx + 1);
			return;
		}
	char *copy = strdup(s);
	if (!copy)
		oom();
	w->tab[j] = (struct strtab_ent){copy, h, w->tn};
	/* A new string: its index tn, written as tn + 1, then its length and bytes. */
	put_var(w, (uint64_t)w->tn + 1);
	put_bytes(w, s, strlen(s));
	w->tn++;
}

static void put_dt(struct pcisim_twriter *w, pcisim_time t)
{
	int64_t d = (int64_t)(t - w->last_t);
	put_var(w, ((uint64_t)d << 1) ^ (uint64_t)(d >> 63));
	w->last_t = t;
}

/* Compress what the body buffer holds (all of it at @end). */
static void flush_body(struct pcisim_twriter *w, bool end)
{
	if (w->f != PCISIM_TF_BINARY)
		return;
	XXH3_64bits_update(w->xx, w->body, w->blen);
	w->total += w->blen;
	ZSTD_inBuffer in = {w->body, w->blen, 0};
	ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
	for (;;) {
		ZSTD_outBuffer o = {w->zout, w->zcap, 0};
		size_t rem = ZSTD_compressStream2(w->z, &o, &in, mode);
		if (ZSTD_isError(rem)) {
			w->failed = true;
			break;
		}
		if (o.pos && fwrite(w->zout, 1, o.pos, w->out) != o.pos) {
			w->failed = true;
			w->err_no = errno;
		}
		if (end ? rem == 0 : in.pos == in.size)
			break;
	}
	w->blen = 0;
}

static void maybe_flush(struct pcisim_twriter *w)
{
	if (w->f == PCISIM_TF_BINARY && w->blen >= (1u << 18))
		flush_body(w, false);
}

static struct pcisim_twriter *writer_new(FILE *out, enum pcisim_tformat f, bool own)
{
	struct pcisim_twriter *w = calloc(1, sizeof(*w));
	if (!w)
		oom();
	w->f = f;
	w->out = out;
	w->own = own;
	if (f == PCISIM_TF_BINARY) {
		w->xx = XXH3_createState();
		w->z = ZSTD_createCCtx();
		w->zcap = ZSTD_CStreamOutSize();
		w->zout = malloc(w->zcap);
		if (!w->xx || !w->z || !w->zout)
			oom();
		XXH3_64bits_reset(w->xx);
		ZSTD_CCtx_setParameter(w->z, ZSTD_c_compressionLevel, 3);
		ZSTD_CCtx_setParameter(w->z, ZSTD_c_checksumFlag, 1);
		unsigned char head[BIN_HEAD];
		memcpy(head, bin_magic, 8);
		for (int i = 0; i < 4; i++) {
			head[8 + i] = (unsigned char)(BIN_CONTAINER >> (8 * i));
			head[12 + i] = (unsigned char)(BIN_ZSTD >> (8 * i));
		}
		if (fwrite(head, 1, sizeof(head), out) != sizeof(head)) {
			w->failed = true;
			w->err_no = errno;
		}
	}
	return w;
}

struct pcisim_twriter *pcisim_twriter_open(const char *path, enum pcisim_tformat f, char *err,
					   size_t nerr)
{
	FILE *out = fopen(path, "wb");
	if (!out) {
		snprintf(err, nerr, "cannot write '%s': %s", path, strerror(errno));
		return NULL;
	}
	return writer_new(out, f, true);
}

struct pcisim_twriter *pcisim_twriter_stream(FILE *out)
{
	return writer_new(out, PCISIM_TF_JSONL, false);
}

/* ---- JSON helpers ---- */

static json_t *ju64(uint64_t v)
{
	if (v > (uint64_t)INT64_MAX) {
		char b[32];
		snprintf(b, sizeof(b), "%" PRIu64, v);
		return json_string(b);
	}
	return json_integer((json_int_t)v);
}

static json_t *jhex(uint64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "%016" PRIx64, v);
	return json_string(b);
}

static void jline(struct pcisim_twriter *w, json_t *o)
{
	char *txt = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(o);
	if (!txt)
		oom();
	if (fprintf(w->out, "%s\n", txt) < 0) {
		w->failed = true;
		w->err_no = errno;
	}
	free(txt);
}

static json_t *field_value_json(const struct pcisim_field *f)
{
	char b[32];
	switch (f->type) {
	case PCISIM_F_U64:
	case PCISIM_F_TIME:
		return ju64(f->u);
	case PCISIM_F_I64:
		return json_integer((json_int_t)(int64_t)f->u);
	case PCISIM_F_HEX:
		snprintf(b, sizeof(b), "0x%" PRIx64, f->u);
		return json_string(b);
	case PCISIM_F_STR:
		return json_string(f->s ? f->s : "");
	case PCISIM_F_BOOL:
		return json_boolean(f->u);
	}
	return json_null();
}

void pcisim_twriter_header(struct pcisim_twriter *w, const struct pcisim_theader *h)
{
	if (w->f == PCISIM_TF_JSONL) {
		json_t *o = json_object();
		json_object_set_new(o, "pcisim_trace", json_integer(h->format));
		json_object_set_new(o, "pcisim", json_string(h->pcisim_version ? h->pcisim_version : ""));
		json_object_set_new(o, "origin", json_string(h->origin ? h->origin : ""));
		json_object_set_new(o, "seed", ju64(h->seed));
		json_object_set_new(o, "until", ju64(h->until));
		json_t *sets = json_array();
		for (size_t i = 0; i < h->nsets; i++)
			json_array_append_new(sets, json_string(h->sets[i]));
		json_object_set_new(o, "set", sets);
		json_object_set_new(o, "flags", json_integer(h->flags));
		json_t *s = json_object();
		json_object_set_new(s, "name", json_string(h->name ? h->name : ""));
		json_object_set_new(s, "path", json_string(h->path ? h->path : ""));
		json_object_set_new(s, "digest", jhex(h->digest));
		json_object_set_new(s, "text", json_stringn(h->text ? h->text : "", h->text_len));
		json_t *inc = json_array();
		for (size_t i = 0; i < h->nincs; i++) {
			json_t *f = json_object();
			json_object_set_new(f, "file", json_string(h->incs[i].file));
			json_object_set_new(f, "text", json_stringn(h->incs[i].text, h->incs[i].len));
			json_array_append_new(inc, f);
		}
		json_object_set_new(s, "includes", inc);
		json_object_set_new(o, "scenario", s);
		jline(w, o);
		return;
	}
	put_u8(w, 'H');
	put_var(w, h->format);
	put_str(w, h->pcisim_version);
	put_str(w, h->origin);
	put_str(w, h->name);
	put_str(w, h->path);
	put_bytes(w, h->text ? h->text : "", h->text_len);
	put_u64le(w, h->digest);
	put_var(w, h->nincs);
	for (size_t i = 0; i < h->nincs; i++) {
		put_str(w, h->incs[i].file);
		put_bytes(w, h->incs[i].text, h->incs[i].len);
	}
	put_var(w, h->seed);
	put_var(w, h->until);
	put_var(w, h->nsets);
	for (size_t i = 0; i < h->nsets; i++)
		put_str(w, h->sets[i]);
	put_var(w, h->flags);
	maybe_flush(w);
}

static const char *const choice_names[] = {[PCISIM_CH_STEP] = "step", [PCISIM_CH_RANK] = "rank",
					   [PCISIM_CH_JITTER] = "jitter"};

static json_t *payload_json(const uint64_t a[4])
{
	json_t *arr = json_array();
	for (int i = 0; i < 4; i++)
		json_array_append_new(arr, ju64(a[i]));
	return arr;
}

void pcisim_twriter_item(struct pcisim_twriter *w, const struct pcisim_titem *it)
{
	if (w->f == PCISIM_TF_JSONL) {
		json_t *o = json_object();
		json_object_set_new(o, "t", ju64(it->t));
		switch (it->type) {
		case PCISIM_TI_EVENT:
			json_object_set_new(o, "ev", json_string(it->kind));
			if (it->comp)
				json_object_set_new(o, "target", json_string(it->comp));
			if (it->a[0] | it->a[1] | it->a[2] | it->a[3])
				json_object_set_new(o, "a", payload_json(it->a));
			break;
		case PCISIM_TI_RECORD: {
			json_object_set_new(o, "rec", json_string(it->kind));
			if (it->comp)
				json_object_set_new(o, "comp", json_string(it->comp));
			json_t *f = json_array();
			for (uint32_t i = 0; i < it->nfields; i++) {
				char tl[2] = {ftype_letter(it->fields[i].type), 0};
				json_t *e = json_array();
				json_array_append_new(e, json_string(it->fields[i].name));
				json_array_append_new(e, json_string(tl));
				json_array_append_new(e, field_value_json(&it->fields[i]));
				json_array_append_new(f, e);
			}
			json_object_set_new(o, "f", f);
			break;
		}
		case PCISIM_TI_CHOICE:
			json_object_set_new(o, "choice", json_string(choice_names[it->choice]));
			if (it->choice == PCISIM_CH_STEP) {
				json_object_set_new(o, "step", ju64(it->a[0]));
				json_object_set_new(o, "do", json_string(it->kind));
				json_object_set_new(o, "at", ju64(it->a[1]));
			} else if (it->choice == PCISIM_CH_RANK) {
				json_object_set_new(o, "ev", json_string(it->kind));
				if (it->comp)
					json_object_set_new(o, "target", json_string(it->comp));
				json_object_set_new(o, "due", ju64(it->a[0]));
				json_object_set_new(o, "class", ju64(it->a[2]));
				json_object_set_new(o, "rank", ju64(it->a[1]));
			} else {
				json_object_set_new(o, "site", json_string(it->kind));
				if (it->comp)
					json_object_set_new(o, "comp", json_string(it->comp));
				json_object_set_new(o, "nominal", ju64(it->a[0]));
				json_object_set_new(o, "lo", ju64(it->a[2]));
				json_object_set_new(o, "hi", ju64(it->a[3]));
				json_object_set_new(o, "value", ju64(it->a[1]));
			}
			break;
		}
		jline(w, o);
		return;
	}
	put_u8(w, (uint8_t)it->type);
	put_dt(w, it->t);
	if (it->type == PCISIM_TI_CHOICE)
		put_u8(w, it->choice);
	put_str(w, it->kind);
	put_str(w, it->comp);
	if (it->type == PCISIM_TI_RECORD) {
		put_var(w, it->nfields);
		for (uint32_t i = 0; i < it->nfields; i++) {
			const struct pcisim_field *f = &it->fields[i];
			put_str(w, f->name);
			put_u8(w, (uint8_t)f->type);
			if (f->type == PCISIM_F_STR)
				put_str(w, f->s ? f->s : "");
			else
				put_var(w, f->u);
		}
	} else {
		for (int i = 0; i < 4; i++)
			put_var(w, it->a[i]);
	}
	maybe_flush(w);
}

void pcisim_twriter_end(struct pcisim_twriter *w, const struct pcisim_tend *e)
{
	if (w->f == PCISIM_TF_JSONL) {
		json_t *o = json_object(), *x = json_object();
		json_object_set_new(x, "events", ju64(e->events));
		json_object_set_new(x, "records", ju64(e->records));
		json_object_set_new(x, "hash", jhex(e->hash));
		json_object_set_new(x, "now", ju64(e->now));
		json_object_set_new(x, "reason", json_string(e->reason ? e->reason : ""));
		json_object_set_new(x, "failed", json_integer(e->failed));
		json_object_set_new(x, "signature", json_string(e->signature ? e->signature : ""));
		json_t *f = json_array();
		for (size_t i = 0; i < e->nfailures; i++)
			json_array_append_new(f, json_string(e->failures[i]));
		json_object_set_new(x, "failures", f);
		json_object_set_new(o, "end", x);
		jline(w, o);
		return;
	}
	put_u8(w, 'Z');
	put_var(w, e->events);
	put_var(w, e->records);
	put_u64le(w, e->hash);
	put_var(w, e->now);
	put_str(w, e->reason);
	put_var(w, e->failed);
	put_str(w, e->signature ? e->signature : "");
	put_var(w, e->nfailures);
	for (size_t i = 0; i < e->nfailures; i++)
		put_str(w, e->failures[i]);
}

int pcisim_twriter_close(struct pcisim_twriter *w, char *err, size_t nerr)
{
	if (w->f == PCISIM_TF_BINARY) {
		flush_body(w, true);
		unsigned char tr[BIN_TRAILER];
		uint64_t h = XXH3_64bits_digest(w->xx);
		memcpy(tr, end_magic, 8);
		for (int i = 0; i < 8; i++) {
			tr[8 + i] = (unsigned char)(w->total >> (8 * i));
			tr[16 + i] = (unsigned char)(h >> (8 * i));
		}
		if (fwrite(tr, 1, sizeof(tr), w->out) != sizeof(tr)) {
			w->failed = true;
			w->err_no = errno;
		}
		XXH3_freeState(w->xx);
		ZSTD_freeCCtx(w->z);
		free(w->zout);
	}
	if (fflush(w->out)) {
		w->failed = true;
		w->err_no = errno;
	}
	if (w->own && fclose(w->out)) {
		w->failed = true;
		w->err_no = errno;
	}
	for (uint32_t i = 0; i < w->tcap; i++)
		free((char *)w->tab[i].s);
	free(w->tab);
	free(w->body);
	int rc = w->failed ? -1 : 0;
	if (rc && err)
		snprintf(err, nerr, "writing the trace failed: %s",
			 w->err_no ? strerror(w->err_no) : "compression error");
	free(w);
	return rc;
}

/* ================================ reading ================================ */

struct rd {
	struct pcisim_tfile *t;
	struct pcisim_diag *d;
	const char *name;
};

static int rd_error(struct rd *r, uint64_t off, uint64_t line, uint64_t col, const char *fmt, ...)
	PCISIM_PRINTF(5, 6);
static int rd_error(struct rd *r, uint64_t off, uint64_t line, uint64_t col, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct pcisim_loc loc = {r->name, (unsigned)line, (unsigned)(line ? (col ? col : 1) : 0)};
	return pcisim_diag_error(r->d, loc, "offset %" PRIu64 ": %s", off, msg);
}

static struct pcisim_titem *new_item(struct pcisim_tfile *t)
{
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 256;
		struct pcisim_titem *ni = realloc(t->items, nc * sizeof(*ni));
		if (!ni)
			oom();
		t->items = ni;
		t->cap = nc;
	}
	struct pcisim_titem *it = &t->items[t->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

/*
 * The form of a header override, KEY=VALUE (docs/trace-format.md): NULL when @kv
 * has it, else what is wrong with it, to follow "'set' entry N of the header".
 * Whether the key and value mean something is the scenario's business (replay).
 */
static const char *override_form(const char *kv, char *buf, size_t n)
{
	static const char eg[] = "expected KEY=VALUE text, e.g. machine.qemu=8.1, seed=2 or until=10s";
	if (!kv)
		snprintf(buf, n, "is string reference 0 (none); %s", eg);
	else if (!kv[0])
		snprintf(buf, n, "is an empty string; %s", eg);
	else if (!strchr(kv, '='))
		snprintf(buf, n, "is '%.60s', which has no '='; %s", kv, eg);
	else if (kv[0] == '=')
		snprintf(buf, n, "is '%.60s', which has no KEY before '='; %s", kv, eg);
	else
		return NULL;
	return buf;
}

/* ---- JSON Lines ---- */

struct jctx {
	struct rd *r;
	uint64_t off, line;
	const char *what; /* "an event", ... */
};

static int jerr(struct jctx *c, const char *fmt, ...) PCISIM_PRINTF(2, 3);
static int jerr(struct jctx *c, const char *fmt, ...)
{
	char msg[640];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rd_error(c->r, c->off, c->line, 1, "%s", msg);
}

/* An unsigned integer: a JSON integer >= 0, or a decimal string (values past 2^63). */
static int ju64_get(struct jctx *c, json_t *o, const char *key, bool required, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	if (!v) {
		if (!required)
			return 0;
		return jerr(c, "%s needs '%s' (an unsigned integer)", c->what, key);
	}
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		errno = 0;
		unsigned long long x = strtoull(s, &end, 10);
		if (s[0] >= '0' && s[0] <= '9' && !*end && !errno) {
			*out = x;
			return 0;
		}
	}
	return jerr(c, "'%s' of %s must be an unsigned integer", key, c->what);
}

static int jstr_get(struct jctx *c, json_t *o, const char *key, bool required, const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v) {
		if (!required)
			return 0;
		return jerr(c, "%s needs '%s' (a string)", c->what, key);
	}
	if (!json_is_string(v))
		return jerr(c, "'%s' of %s must be a string", key, c->what);
	*out = pcisim_arena_strndup(&c->r->t->arena, json_string_value(v), json_string_length(v));
	return 0;
}

/* Text the format needs: a string, and not an empty one; @form says what it names. */
static int jtext_get(struct jctx *c, json_t *o, const char *key, bool required, const char *form,
		     const char **out)
{
	int rc = jstr_get(c, o, key, required, out);
	if (rc || !*out || (*out)[0])
		return rc;
	return jerr(c, "'%s' of %s is an empty string; expected %s", key, c->what, form);
}

static const char *jkind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

static int jhex_get(struct jctx *c, json_t *o, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || !json_is_string(v))
		return jerr(c, "%s needs '%s' (16 hex digits)", c->what, key);
	const char *s = json_string_value(v);
	char *end;
	errno = 0;
	*out = strtoull(s, &end, 16);
	if (strlen(s) != 16 || *end || errno)
		return jerr(c, "'%s' of %s must be 16 hex digits, not '%.40s'", key, c->what, s);
	return 0;
}

static int check_keys(struct jctx *c, json_t *o, const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		size_t i;
		for (i = 0; allowed[i]; i++)
			if (!strcmp(allowed[i], k))
				break;
		if (!allowed[i])
			return jerr(c, "unknown key '%.40s' in %s", k, c->what);
	}
	return 0;
}

static int j_header(struct jctx *c, json_t *o)
{
	struct pcisim_tfile *t = c->r->t;
	struct pcisim_theader *h = &t->h;
	static const char *const keys[] = {"pcisim_trace", "pcisim", "origin", "seed", "until",
					   "set", "flags", "scenario", NULL};
	static const char *const skeys[] = {"name", "path", "digest", "text", "includes", NULL};
	c->what = "the header";
	json_t *fv = json_object_get(o, "pcisim_trace");
	if (!fv)
		return jerr(c, "not a pcisim trace: the first line has no 'pcisim_trace' key; expected a trace written by pcisim simulate --record");
	if (!json_is_integer(fv) || json_integer_value(fv) != PCISIM_TRACE_FORMAT)
	{
		char shown[64];
		if (json_is_integer(fv))
			snprintf(shown, sizeof(shown), "%" JSON_INTEGER_FORMAT, json_integer_value(fv));
		else
			snprintf(shown, sizeof(shown), "(not an integer)");
		return jerr(c, "unsupported trace format version %s; this pcisim reads version %d",
			    shown, PCISIM_TRACE_FORMAT);
	}
	h->format = PCISIM_TRACE_FORMAT;
	int rc;
	uint64_t flags;
	if ((rc = check_keys(c, o, keys)) ||
	    (rc = jtext_get(c, o, "pcisim", true, "the version of the pcisim that wrote it, e.g. 0.1.0",
			    &h->pcisim_version)) ||
	    (rc = jstr_get(c, o, "origin", false, &h->origin)) ||
	    (rc = ju64_get(c, o, "seed", true, &h->seed)) ||
	    (rc = ju64_get(c, o, "until", true, &h->until)) ||
	    (rc = ju64_get(c, o, "flags", false, &flags)))
		return rc;
	h->flags = (unsigned)flags;
	json_t *sets = json_object_get(o, "set");
	if (sets) {
		if (!json_is_array(sets))
			return jerr(c, "'set' of the header must be a list of KEY=VALUE strings");
		size_t n = json_array_size(sets);
		const char **v = pcisim_arena_alloc(&t->arena, (n + 1) * sizeof(*v));
		uint64_t *off = pcisim_arena_alloc(&t->arena, (n + 1) * sizeof(*off));
		for (size_t i = 0; i < n; i++) {
			json_t *e = json_array_get(sets, i);
			char why[256];
			if (!json_is_string(e))
				return jerr(c, "'set' entry %zu of the header is %s; expected KEY=VALUE text, e.g. machine.qemu=8.1, seed=2 or until=10s",
					    i + 1, jkind(e));
			v[i] = pcisim_arena_strdup(&t->arena, json_string_value(e));
			off[i] = c->off;
			if (override_form(v[i], why, sizeof(why)))
				return jerr(c, "'set' entry %zu of the header %s", i + 1, why);
		}
		h->sets = v;
		h->nsets = n;
		t->set_off = off;
		t->nset_off = n;
	}
	json_t *s = json_object_get(o, "scenario");
	if (!s || !json_is_object(s))
		return jerr(c, "the header needs 'scenario' (an object with name, path, digest, text)");
	c->what = "the header's scenario";
	if ((rc = check_keys(c, s, skeys)) ||
	    (rc = jtext_get(c, s, "name", true, "the scenario's name (its 'name:')", &h->name)) ||
	    (rc = jstr_get(c, s, "path", false, &h->path)) ||
	    (rc = jhex_get(c, s, "digest", &h->digest)))
		return rc;
	json_t *tx = json_object_get(s, "text");
	if (!tx || !json_is_string(tx))
		return jerr(c, "the header's scenario needs 'text' (the scenario file)");
	h->text_len = json_string_length(tx);
	h->text = pcisim_arena_strndup(&t->arena, json_string_value(tx), h->text_len);
	json_t *inc = json_object_get(s, "includes");
	if (inc) {
		if (!json_is_array(inc))
			return jerr(c, "'includes' must be a list of {file, text}");
		size_t n = json_array_size(inc);
		struct pcisim_tinclude *v = pcisim_arena_alloc(&t->arena, (n + 1) * sizeof(*v));
		uint64_t *off = pcisim_arena_alloc(&t->arena, (n + 1) * sizeof(*off));
		for (size_t i = 0; i < n; i++) {
			json_t *e = json_array_get(inc, i);
			json_t *f = json_object_get(e, "file"), *x = json_object_get(e, "text");
			if (!json_is_object(e) || !json_is_string(f) || !json_is_string(x))
				return jerr(c, "'includes' must be a list of {file, text}");
			if (!json_string_length(f))
				return jerr(c, "'file' of include %zu of the header is an empty string; expected the name the scenario includes it by, e.g. parts/base.yaml",
					    i + 1);
			v[i].file = pcisim_arena_strdup(&t->arena, json_string_value(f));
			v[i].len = json_string_length(x);
			v[i].text = pcisim_arena_strndup(&t->arena, json_string_value(x), v[i].len);
			off[i] = c->off;
		}
		h->incs = v;
		h->nincs = n;
		t->inc_off = off;
		t->ninc_off = n;
	}
	t->nincs_off = c->off;
	return 0;
}

static int j_payload(struct jctx *c, json_t *o, uint64_t a[4])
{
	json_t *v = json_object_get(o, "a");
	memset(a, 0, 4 * sizeof(*a));
	if (!v)
		return 0;
	if (!json_is_array(v) || json_array_size(v) != 4)
		return jerr(c, "'a' of %s must be a list of 4 unsigned integers", c->what);
	json_t *tmp = json_object();
	for (size_t i = 0; i < 4; i++) {
		json_object_set(tmp, "x", json_array_get(v, i));
		if (ju64_get(c, tmp, "x", true, &a[i])) {
			json_decref(tmp);
			return -PCISIM_EINVAL;
		}
	}
	json_decref(tmp);
	return 0;
}

static int j_fields(struct jctx *c, json_t *o, struct pcisim_titem *it)
{
	struct pcisim_arena *A = &c->r->t->arena;
	json_t *f = json_object_get(o, "f");
	if (!f)
		return 0;
	if (!json_is_array(f))
		return jerr(c, "'f' of a record must be a list of [name, type, value]");
	it->nfields = (uint32_t)json_array_size(f);
	it->fields = pcisim_arena_alloc(A, (it->nfields + 1) * sizeof(*it->fields));
	for (uint32_t i = 0; i < it->nfields; i++) {
		json_t *e = json_array_get(f, i);
		struct pcisim_field *x = &it->fields[i];
		if (!json_is_array(e) || json_array_size(e) != 3 || !json_is_string(json_array_get(e, 0)) ||
		    !json_is_string(json_array_get(e, 1)))
			return jerr(c, "field %u of a record must be [name, type, value]", i + 1);
		x->name = pcisim_arena_strdup(A, json_string_value(json_array_get(e, 0)));
		if (!x->name[0])
			return jerr(c, "field %u of a record has an empty name; expected [name, type, value] with a name like 'new'",
				    i + 1);
		if (ftype_of_letter(json_string_value(json_array_get(e, 1)), &x->type))
			return jerr(c, "field '%.40s' of a record has type '%.8s'; valid types: u, i, x, s, b, t",
				    x->name, json_string_value(json_array_get(e, 1)));
		json_t *v = json_array_get(e, 2);
		bool ok = true;
		switch (x->type) {
		case PCISIM_F_STR:
			ok = json_is_string(v);
			if (ok)
				x->s = pcisim_arena_strndup(A, json_string_value(v), json_string_length(v));
			break;
		case PCISIM_F_BOOL:
			ok = json_is_boolean(v);
			x->u = json_is_true(v);
			break;
		case PCISIM_F_I64:
			ok = json_is_integer(v);
			x->u = (uint64_t)json_integer_value(v);
			break;
		case PCISIM_F_HEX: {
			const char *s = json_is_string(v) ? json_string_value(v) : "";
			char *end;
			errno = 0;
			x->u = strtoull(s, &end, 16);
			ok = !strncmp(s, "0x", 2) && s[2] && !*end && !errno;
			break;
		}
		case PCISIM_F_U64:
		case PCISIM_F_TIME: {
			json_t *tmp = json_object();
			json_object_set(tmp, "value", v);
			ok = ju64_get(c, tmp, "value", true, &x->u) == 0;
			json_decref(tmp);
			if (!ok)
				return -PCISIM_EINVAL;
			break;
		}
		}
		if (!ok)
			return jerr(c, "field '%.40s' of a record: the value does not match its type '%c'",
				    x->name, ftype_letter(x->type));
	}
	return 0;
}

static int j_item(struct jctx *c, json_t *o)
{
	struct pcisim_tfile *t = c->r->t;
	int rc;
	if (json_object_get(o, "end")) {
		static const char *const k1[] = {"end", NULL};
		static const char *const keys[] = {"events", "records", "hash", "now", "reason",
						   "failed", "signature", "failures", NULL};
		json_t *x = json_object_get(o, "end");
		struct pcisim_tend *e = &t->end;
		c->what = "the end record";
		if ((rc = check_keys(c, o, k1)))
			return rc;
		if (!json_is_object(x))
			return jerr(c, "'end' must be an object");
		uint64_t failed;
		if ((rc = check_keys(c, x, keys)) || (rc = ju64_get(c, x, "events", true, &e->events)) ||
		    (rc = ju64_get(c, x, "records", true, &e->records)) ||
		    (rc = jhex_get(c, x, "hash", &e->hash)) || (rc = ju64_get(c, x, "now", true, &e->now)) ||
		    (rc = jtext_get(c, x, "reason", true, "why the run ended: idle, stopped, time limit or a run limit",
				    &e->reason)) ||
		    (rc = ju64_get(c, x, "failed", false, &failed)) ||
		    (rc = jstr_get(c, x, "signature", false, &e->signature)))
			return rc;
		e->failed = (unsigned)failed;
		if (!e->signature)
			e->signature = "";
		json_t *f = json_object_get(x, "failures");
		if (f) {
			if (!json_is_array(f))
				return jerr(c, "'failures' must be a list of strings");
			const char **v = pcisim_arena_alloc(&t->arena, (json_array_size(f) + 1) * sizeof(*v));
			for (size_t i = 0; i < json_array_size(f); i++) {
				if (!json_is_string(json_array_get(f, i)))
					return jerr(c, "'failures' must be a list of strings");
				if (!json_string_length(json_array_get(f, i)))
					return jerr(c, "failure %zu of the end record is an empty string; expected one line about a failed expectation or invariant",
						    i + 1);
				v[i] = pcisim_arena_strdup(&t->arena, json_string_value(json_array_get(f, i)));
			}
			e->failures = v;
			e->nfailures = json_array_size(f);
		}
		return 1; /* the end */
	}
	struct pcisim_titem *it = new_item(t);
	it->off = c->off;
	it->line = c->line;
	if (json_object_get(o, "choice")) {
		it->type = PCISIM_TI_CHOICE;
		c->what = "a choice record";
		const char *what;
		if ((rc = jstr_get(c, o, "choice", true, &what)) || (rc = ju64_get(c, o, "t", true, &it->t)))
			return rc;
		if (!strcmp(what, "step")) {
			static const char *const keys[] = {"t", "choice", "step", "do", "at", NULL};
			it->choice = PCISIM_CH_STEP;
			if ((rc = check_keys(c, o, keys)) || (rc = ju64_get(c, o, "step", true, &it->a[0])) ||
			    (rc = jtext_get(c, o, "do", true, "the step's action, e.g. migrate", &it->kind)) ||
			    (rc = ju64_get(c, o, "at", true, &it->a[1])))
				return rc;
		} else if (!strcmp(what, "rank")) {
			static const char *const keys[] = {"t", "choice", "ev", "target", "due", "class", "rank", NULL};
			it->choice = PCISIM_CH_RANK;
			if ((rc = check_keys(c, o, keys)) ||
			    (rc = jtext_get(c, o, "ev", true, "an event kind, e.g. pciehp.run", &it->kind)) ||
			    (rc = jtext_get(c, o, "target", false, "a component path, or no 'target' for none", &it->comp)) ||
			    (rc = ju64_get(c, o, "due", true, &it->a[0])) ||
			    (rc = ju64_get(c, o, "rank", true, &it->a[1])) ||
			    (rc = ju64_get(c, o, "class", true, &it->a[2])))
				return rc;
		} else if (!strcmp(what, "jitter")) {
			static const char *const keys[] = {"t", "choice", "site", "comp", "nominal", "lo", "hi", "value", NULL};
			it->choice = PCISIM_CH_JITTER;
			if ((rc = check_keys(c, o, keys)) ||
			    (rc = jtext_get(c, o, "site", true, "a latency site, e.g. aer.msg", &it->kind)) ||
			    (rc = jtext_get(c, o, "comp", false, "a component path, or no 'comp' for none", &it->comp)) ||
			    (rc = ju64_get(c, o, "nominal", true, &it->a[0])) ||
			    (rc = ju64_get(c, o, "value", true, &it->a[1])) ||
			    (rc = ju64_get(c, o, "lo", true, &it->a[2])) ||
			    (rc = ju64_get(c, o, "hi", true, &it->a[3])))
				return rc;
		} else {
			return jerr(c, "unknown choice '%.40s'; valid choices: step, rank, jitter", what);
		}
		return 0;
	}
	if (json_object_get(o, "ev")) {
		static const char *const keys[] = {"t", "ev", "target", "a", NULL};
		it->type = PCISIM_TI_EVENT;
		c->what = "an event record";
		if ((rc = check_keys(c, o, keys)) || (rc = ju64_get(c, o, "t", true, &it->t)) ||
		    (rc = jtext_get(c, o, "ev", true, "an event kind, e.g. pciehp.run", &it->kind)) ||
		    (rc = jtext_get(c, o, "target", false, "a component path, or no 'target' for none", &it->comp)) ||
		    (rc = j_payload(c, o, it->a)))
			return rc;
		return 0;
	}
	if (json_object_get(o, "rec")) {
		static const char *const keys[] = {"t", "rec", "comp", "f", NULL};
		it->type = PCISIM_TI_RECORD;
		c->what = "a trace record";
		if ((rc = check_keys(c, o, keys)) || (rc = ju64_get(c, o, "t", true, &it->t)) ||
		    (rc = jtext_get(c, o, "rec", true, "a record kind, e.g. slot.sta", &it->kind)) ||
		    (rc = jtext_get(c, o, "comp", false, "a component path, or no 'comp' for none", &it->comp)) ||
		    (rc = j_fields(c, o, it)))
			return rc;
		return 0;
	}
	t->n--;
	return jerr(c, "unknown item: expected an object with 'ev', 'rec', 'choice' or 'end'");
}

static int parse_jsonl(struct rd *r, const char *data, size_t len)
{
	struct pcisim_tfile *t = r->t;
	size_t pos = 0;
	uint64_t line = 0;
	bool ended = false;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
		line++;
		struct jctx c = {r, pos, line, "a line"};
		if (!nl)
			return rd_error(r, pos + n, line, n + 1,
					"truncated: the last line has no end (%zu bytes without a newline); the trace was cut off",
					n);
		if (ended)
			return rd_error(r, pos, line, 1, "data after the end record");
		json_error_t je;
		json_t *o = json_loadb(data + pos, n, JSON_REJECT_DUPLICATES, &je);
		if (!o) {
			if (line == 1)
				return rd_error(r, pos, line, 1,
						"not a pcisim trace: the first line is not JSON (%s); expected a JSON Lines or binary trace written by pcisim",
						je.text);
			return rd_error(r, pos + (uint64_t)(je.position > 0 ? je.position : 0), line,
					(uint64_t)(je.column > 0 ? je.column : 1), "bad JSON: %s", je.text);
		}
		if (!json_is_object(o)) {
			json_decref(o);
			return rd_error(r, pos, line, 1, "%s",
					line == 1 ? "not a pcisim trace: the first line is not a JSON object"
						  : "expected a JSON object on every line");
		}
		int rc = line == 1 ? j_header(&c, o) : j_item(&c, o);
		json_decref(o);
		if (rc < 0)
			return rc;
		if (rc == 1)
			ended = true;
		pos += n + 1;
	}
	if (!line)
		return rd_error(r, 0, 0, 0, "empty file: not a pcisim trace");
	if (!ended)
		return rd_error(r, len, line, 1,
				"truncated: the trace ends after line %" PRIu64 " without its end record",
				line);
	(void)t;
	return 0;
}

/* ---- binary ---- */

struct bin {
	struct rd *r;
	const unsigned char *p;
	size_t len, pos;
	const char **tab;
	size_t tn, tcap;
	pcisim_time last_t;
	uint64_t item_off;
	size_t nitem;
};

static int bverr(struct bin *b, uint64_t off, const char *fmt, va_list ap) PCISIM_PRINTF(3, 0);
static int bverr(struct bin *b, uint64_t off, const char *fmt, va_list ap)
{
	char msg[640];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	struct pcisim_loc loc = {b->r->name, 0, 0};
	return pcisim_diag_error(b->r->d, loc,
				 "offset %" PRIu64 " of the uncompressed body (item %zu, which starts at body offset %" PRIu64
				 "): %s",
				 off, b->nitem, b->item_off, msg);
}

/* An error at the reading position. */
static int berr(struct bin *b, const char *fmt, ...) PCISIM_PRINTF(2, 3);
static int berr(struct bin *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = bverr(b, b->pos, fmt, ap);
	va_end(ap);
	return rc;
}

/* An error at body offset @off (where the faulty field starts). */
static int berr_at(struct bin *b, uint64_t off, const char *fmt, ...) PCISIM_PRINTF(3, 4);
static int berr_at(struct bin *b, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = bverr(b, off, fmt, ap);
	va_end(ap);
	return rc;
}

static int get_var(struct bin *b, uint64_t *out)
{
	uint64_t v = 0;
	for (unsigned sh = 0; sh < 70; sh += 7) {
		if (b->pos >= b->len)
			return berr(b, "truncated item: the body ends inside a number");
		unsigned char c = b->p[b->pos++];
		if (sh == 63 && c > 1)
			return berr(b, "a number longer than 64 bits");
		v |= (uint64_t)(c & 0x7f) << sh;
		if (!(c & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return berr(b, "a number longer than 64 bits");
}

static int get_u8(struct bin *b, uint8_t *out)
{
	if (b->pos >= b->len)
		return berr(b, "truncated item: the body ends inside an item");
	*out = b->p[b->pos++];
	return 0;
}

static int get_u64le(struct bin *b, uint64_t *out)
{
	if (b->len - b->pos < 8)
		return berr(b, "truncated item: the body ends inside a 64-bit value");
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)b->p[b->pos + i] << (8 * i);
	b->pos += 8;
	*out = v;
	return 0;
}

static int get_bytes(struct bin *b, const char **out, size_t *n)
{
	uint64_t l = 0;
	int rc = get_var(b, &l);
	if (rc)
		return rc;
	if (l > b->len - b->pos)
		return berr(b, "a string of %" PRIu64 " bytes runs past the end of the body", l);
	/* the strings of JSON Lines: UTF-8 without NUL (the two forms hold the same) */
	const char *str = (const char *)b->p + b->pos;
	size_t bad = pcisim_utf8_check(str, (size_t)l);
	const char *nul = memchr(str, 0, bad);
	if (nul || bad < l) {
		size_t at = nul ? (size_t)(nul - str) : bad;
		b->pos += at;
		return berr(b, "byte 0x%02x in a string: not UTF-8 text (trace strings are UTF-8 without NUL)",
			    (unsigned char)str[at]);
	}
	*out = pcisim_arena_strndup(&b->r->t->arena, (const char *)b->p + b->pos, (size_t)l);
	if (n)
		*n = (size_t)l;
	b->pos += (size_t)l;
	return 0;
}

static int get_str(struct bin *b, const char **out)
{
	uint64_t v = 0;
	int rc = get_var(b, &v);
	if (rc)
		return rc;
	if (v == 0) {
		*out = NULL;
		return 0;
	}
	if (v <= b->tn) {
		*out = b->tab[v - 1];
		return 0;
	}
	if (v != b->tn + 1)
		return berr(b, "string reference %" PRIu64 " past the %zu strings defined so far", v, b->tn);
	if ((rc = get_bytes(b, out, NULL)))
		return rc;
	if (b->tn == b->tcap) {
		size_t nc = b->tcap ? b->tcap * 2 : 256;
		const char **nt = realloc(b->tab, nc * sizeof(*nt));
		if (!nt)
			oom();
		b->tab = nt;
		b->tcap = nc;
	}
	b->tab[b->tn++] = *out;
	return 0;
}

/*
 * Text the format needs (a kind, a name, an override): a string, not string
 * reference 0 (none) and not an empty string. @what names the field ("the kind of
 * an event"), @form what belongs there. The error is at the field's offset.
 */
static int get_text(struct bin *b, const char **out, const char *what, const char *form)
{
	uint64_t at = b->pos;
	int rc = get_str(b, out);
	if (rc)
		return rc;
	if (!*out)
		return berr_at(b, at, "%s is string reference 0 (none); expected %s", what, form);
	if (!(*out)[0])
		return berr_at(b, at, "%s is an empty string; expected %s", what, form);
	return 0;
}

/* A component path: string reference 0 for none, else not an empty string. */
static int get_comp(struct bin *b, const char **out, const char *what)
{
	uint64_t at = b->pos;
	int rc = get_str(b, out);
	if (!rc && *out && !(*out)[0])
		return berr_at(b, at, "%s is an empty string; expected a component path, or string reference 0 for none",
			       what);
	return rc;
}

/* A string that may be empty (a field's value, a signature) but not none. */
static int get_str_some(struct bin *b, const char **out, const char *what, const char *form)
{
	uint64_t at = b->pos;
	int rc = get_str(b, out);
	if (!rc && !*out)
		return berr_at(b, at, "%s is string reference 0 (none); expected %s", what, form);
	return rc;
}

static int get_dt(struct bin *b, pcisim_time *t)
{
	uint64_t z = 0;
	int rc = get_var(b, &z);
	if (rc)
		return rc;
	int64_t d = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
	b->last_t += (uint64_t)d;
	*t = b->last_t;
	return 0;
}

static int b_header(struct bin *b)
{
	struct pcisim_tfile *t = b->r->t;
	struct pcisim_theader *h = &t->h;
	uint64_t fmt = 0, n = 0, flags = 0;
	int rc;
	if ((rc = get_var(b, &fmt)))
		return rc;
	if (fmt != PCISIM_TRACE_FORMAT)
		return berr(b, "unsupported trace format version %" PRIu64 "; this pcisim reads version %d",
			    fmt, PCISIM_TRACE_FORMAT);
	h->format = (unsigned)fmt;
	if ((rc = get_text(b, &h->pcisim_version, "the header's pcisim version",
			   "the version of the pcisim that wrote it, e.g. 0.1.0")) ||
	    (rc = get_str(b, &h->origin)) ||
	    (rc = get_text(b, &h->name, "the header's scenario name", "the scenario's name (its 'name:')")) ||
	    (rc = get_str(b, &h->path)) || (rc = get_bytes(b, &h->text, &h->text_len)) ||
	    (rc = get_u64le(b, &h->digest)))
		return rc;
	t->nincs_off = b->pos;
	if ((rc = get_var(b, &n)))
		return rc;
	if (n > b->len)
		return berr(b, "%" PRIu64 " included files: more than the body could hold", n);
	struct pcisim_tinclude *inc = pcisim_arena_alloc(&t->arena, ((size_t)n + 1) * sizeof(*inc));
	uint64_t *inc_off = pcisim_arena_alloc(&t->arena, ((size_t)n + 1) * sizeof(*inc_off));
	for (uint64_t i = 0; i < n; i++) {
		char what[64];
		snprintf(what, sizeof(what), "the file name of include %" PRIu64 " of the header", i + 1);
		inc_off[i] = b->pos;
		if ((rc = get_text(b, &inc[i].file, what,
				   "the name the scenario includes it by, e.g. parts/base.yaml")) ||
		    (rc = get_bytes(b, &inc[i].text, &inc[i].len)))
			return rc;
	}
	h->incs = inc;
	h->nincs = (size_t)n;
	t->inc_off = inc_off;
	t->ninc_off = (size_t)n;
	if ((rc = get_var(b, &h->seed)) || (rc = get_var(b, &h->until)) || (rc = get_var(b, &n)))
		return rc;
	if (n > b->len)
		return berr(b, "%" PRIu64 " overrides: more than the body could hold", n);
	const char **sets = pcisim_arena_alloc(&t->arena, ((size_t)n + 1) * sizeof(*sets));
	uint64_t *set_off = pcisim_arena_alloc(&t->arena, ((size_t)n + 1) * sizeof(*set_off));
	for (uint64_t i = 0; i < n; i++) {
		char why[256];
		set_off[i] = b->pos;
		if ((rc = get_str(b, &sets[i])))
			return rc;
		if (override_form(sets[i], why, sizeof(why)))
			return berr_at(b, set_off[i], "'set' entry %" PRIu64 " of the header %s", i + 1, why);
	}
	h->sets = sets;
	h->nsets = (size_t)n;
	t->set_off = set_off;
	t->nset_off = (size_t)n;
	if ((rc = get_var(b, &flags)))
		return rc;
	h->flags = (unsigned)flags;
	return 0;
}

static int b_item(struct bin *b, uint8_t tag)
{
	struct pcisim_tfile *t = b->r->t;
	int rc;
	if (tag == 'Z') {
		struct pcisim_tend *e = &t->end;
		uint64_t failed = 0, n = 0;
		if ((rc = get_var(b, &e->events)) || (rc = get_var(b, &e->records)) ||
		    (rc = get_u64le(b, &e->hash)) || (rc = get_var(b, &e->now)) ||
		    (rc = get_text(b, &e->reason, "the end item's reason",
				   "why the run ended: idle, stopped, time limit or a run limit")) ||
		    (rc = get_var(b, &failed)) ||
		    (rc = get_str_some(b, &e->signature, "the end item's signature",
				       "what failed, or an empty string when everything held")) ||
		    (rc = get_var(b, &n)))
			return rc;
		if (n > b->len)
			return berr(b, "%" PRIu64 " failures: more than the body could hold", n);
		const char **f = pcisim_arena_alloc(&t->arena, ((size_t)n + 1) * sizeof(*f));
		for (uint64_t i = 0; i < n; i++) {
			char what[64];
			snprintf(what, sizeof(what), "failure %" PRIu64 " of the end item", i + 1);
			if ((rc = get_text(b, &f[i], what,
					   "one line about a failed expectation or invariant")))
				return rc;
		}
		e->failed = (unsigned)failed;
		e->failures = f;
		e->nfailures = (size_t)n;
		return 1;
	}
	if (tag != 'E' && tag != 'R' && tag != 'C')
		return berr(b, "unknown item tag 0x%02x; expected E, R, C or Z", tag);
	struct pcisim_titem *it = new_item(t);
	it->type = (char)tag;
	it->off = b->item_off;
	if ((rc = get_dt(b, &it->t)))
		return rc;
	if (tag == 'C') {
		if ((rc = get_u8(b, &it->choice)))
			return rc;
		if (it->choice < PCISIM_CH_STEP || it->choice > PCISIM_CH_JITTER)
			return berr(b, "unknown choice %u; expected 1 (step), 2 (rank) or 3 (jitter)", it->choice);
	}
	static const char *const kind_what[] = {[PCISIM_CH_STEP] = "the action of a step choice",
						[PCISIM_CH_RANK] = "the event kind of a rank choice",
						[PCISIM_CH_JITTER] = "the site of a jitter choice"};
	static const char *const kind_form[] = {[PCISIM_CH_STEP] = "an action name, e.g. migrate",
						[PCISIM_CH_RANK] = "an event kind, e.g. pciehp.run",
						[PCISIM_CH_JITTER] = "a latency site, e.g. aer.msg"};
	const char *what = tag == 'E' ? "the kind of an event" : tag == 'R' ? "the kind of a record"
									: kind_what[it->choice];
	const char *form = tag == 'E' ? "an event kind, e.g. pciehp.run"
			   : tag == 'R' ? "a record kind, e.g. slot.sta"
					: kind_form[it->choice];
	if ((rc = get_text(b, &it->kind, what, form)) ||
	    (rc = get_comp(b, &it->comp, tag == 'E' ? "the target of an event" : "the component of an item")))
		return rc;
	if (tag == 'R') {
		uint64_t n = 0;
		if ((rc = get_var(b, &n)))
			return rc;
		if (n > b->len - b->pos)
			return berr(b, "%" PRIu64 " fields: more than the body could hold", n);
		it->nfields = (uint32_t)n;
		it->fields = pcisim_arena_alloc(&t->arena, ((size_t)n + 1) * sizeof(*it->fields));
		for (uint32_t i = 0; i < it->nfields; i++) {
			struct pcisim_field *f = &it->fields[i];
			uint8_t ty = 0;
			char fwhat[96];
			snprintf(fwhat, sizeof(fwhat), "the name of field %u of a record", i + 1);
			if ((rc = get_text(b, &f->name, fwhat, "a field name, e.g. new")) ||
			    (rc = get_u8(b, &ty)))
				return rc;
			if (ty > PCISIM_F_TIME)
				return berr(b, "field '%.40s' has an unknown type %u", f->name, ty);
			f->type = (enum pcisim_ftype)ty;
			if (f->type == PCISIM_F_STR) {
				snprintf(fwhat, sizeof(fwhat), "the value of field '%.40s' of a record", f->name);
				if ((rc = get_str_some(b, &f->s, fwhat, "text (which may be empty)")))
					return rc;
			} else if ((rc = get_var(b, &f->u))) {
				return rc;
			} else if (f->type == PCISIM_F_BOOL && f->u > 1) {
				/* JSON Lines has true and false only: the two forms hold the same */
				return berr(b, "field '%.40s' is a boolean of value %" PRIu64 "; expected 0 or 1",
					    f->name, f->u);
			}
		}
	} else {
		for (int i = 0; i < 4; i++)
			if ((rc = get_var(b, &it->a[i])))
				return rc;
	}
	/* a choice has only what JSON Lines writes of it: the two forms hold the same */
	if (tag == 'C' && it->choice == PCISIM_CH_STEP && (it->comp || it->a[2] || it->a[3]))
		return berr(b, "a step choice with a component or a third or fourth word; it has a step index and a time");
	if (tag == 'C' && it->choice == PCISIM_CH_RANK && it->a[3])
		return berr(b, "a rank choice with a fourth word; it has a due time, a rank and a class");
	return 0;
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int parse_binary(struct rd *r, const unsigned char *data, size_t len)
{
	if (len < BIN_HEAD)
		return rd_error(r, len, 0, 0,
				"truncated: %zu bytes; a binary trace starts with a %u-byte header", len,
				BIN_HEAD);
	if (le32(data + 8) != BIN_CONTAINER)
		return rd_error(r, 8, 0, 0, "unsupported binary trace container version %u; this pcisim reads version %u",
				le32(data + 8), BIN_CONTAINER);
	if (le32(data + 12) != BIN_ZSTD)
		return rd_error(r, 12, 0, 0, "unknown compression %u; expected 1 (zstd)", le32(data + 12));
	if (len < BIN_HEAD + BIN_TRAILER || memcmp(data + len - BIN_TRAILER, end_magic, 8))
		return rd_error(r, len, 0, 0,
				"truncated: no trailer at the end of the file (%zu bytes); the trace was cut off or its end damaged",
				len);
	uint64_t blen = le64(data + len - 16), want = le64(data + len - 8);
	size_t zlen = len - BIN_HEAD - BIN_TRAILER;
	if (blen > (uint64_t)zlen * 4096 + (1u << 20))
		return rd_error(r, len - 16, 0, 0, "a body of %" PRIu64 " bytes: the trailer is damaged", blen);
	unsigned char *body = malloc(blen ? (size_t)blen : 1);
	if (!body)
		return rd_error(r, len - 16, 0, 0, "a body of %" PRIu64 " bytes does not fit in memory", blen);
	ZSTD_DCtx *z = ZSTD_createDCtx();
	if (!z)
		oom();
	/*
	 * Fed in small pieces, so that an error names the piece it was found in (zstd
	 * finds a damaged block at its end, a bad checksum at the frame's end).
	 */
	ZSTD_inBuffer in = {data + BIN_HEAD, 0, 0};
	ZSTD_outBuffer out = {body, (size_t)blen, 0};
	size_t ret = 1;
	int rc = 0;
	while (in.pos < zlen) {
		size_t before_in = in.pos, before_out = out.pos;
		in.size = in.pos + 256 < zlen ? in.pos + 256 : zlen;
		ret = ZSTD_decompressStream(z, &out, &in);
		if (ZSTD_isError(ret)) {
			rc = rd_error(r, BIN_HEAD + before_in, 0, 0,
				      "corrupt compressed data (in bytes %zu..%zu of the file): %s",
				      BIN_HEAD + before_in, BIN_HEAD + in.size - 1, ZSTD_getErrorName(ret));
			break;
		}
		if (ret == 0)
			break;
		if (in.pos == before_in && out.pos == before_out && in.size == zlen) {
			rc = rd_error(r, BIN_HEAD + in.pos, 0, 0,
				      "the compressed body holds more than the %" PRIu64 " bytes the trailer declares",
				      blen);
			break;
		}
	}
	ZSTD_freeDCtx(z);
	if (!rc && ret != 0)
		rc = rd_error(r, BIN_HEAD + in.pos, 0, 0,
			      "truncated compressed data: the zstd frame ends before its end mark");
	if (!rc && in.pos != zlen)
		rc = rd_error(r, BIN_HEAD + in.pos, 0, 0,
			      "%zu stray bytes between the compressed body and the trailer", zlen - in.pos);
	if (!rc && out.pos != blen)
		rc = rd_error(r, len - 16, 0, 0,
			      "the body has %zu bytes; the trailer declares %" PRIu64, out.pos, blen);
	if (!rc && XXH3_64bits(body, (size_t)blen) != want)
		rc = rd_error(r, len - 8, 0, 0,
			      "checksum mismatch: the body's XXH3-64 is %016" PRIx64 ", the trailer says %016" PRIx64,
			      XXH3_64bits(body, (size_t)blen), want);
	if (rc) {
		free(body);
		return rc;
	}
	struct bin b = {.r = r, .p = body, .len = (size_t)blen};
	bool ended = false, header = false;
	while (!rc && b.pos < b.len) {
		b.item_off = b.pos;
		uint8_t tag = 0;
		if ((rc = get_u8(&b, &tag)))
			break;
		if (ended) {
			rc = berr(&b, "data after the end item");
			break;
		}
		if (!header) {
			if (tag != 'H') {
				rc = berr(&b, "the body starts with tag 0x%02x; expected the header (H)", tag);
				break;
			}
			rc = b_header(&b);
			header = true;
			b.nitem++;
			continue;
		}
		if (tag == 'H') {
			rc = berr(&b, "a second header");
			break;
		}
		int x = b_item(&b, tag);
		if (x < 0)
			rc = x;
		if (x == 1)
			ended = true;
		b.nitem++;
	}
	if (!rc && !header)
		rc = rd_error(r, BIN_HEAD, 0, 0, "an empty body: no header");
	if (!rc && !ended) {
		b.item_off = b.pos;
		rc = berr(&b, "truncated: the body ends without its end item");
	}
	free(b.tab);
	free(body);
	return rc;
}

int pcisim_tfile_parse(struct pcisim_tfile *t, const char *name, const void *data, size_t len,
		       struct pcisim_diag *d)
{
	memset(t, 0, sizeof(*t));
	pcisim_arena_init(&t->arena);
	t->name = pcisim_arena_strdup(&t->arena, name ? name : "<trace>");
	t->size = len;
	struct rd r = {t, d, t->name};
	const unsigned char *p = data;
	if (len >= 8 && !memcmp(p, bin_magic, 8)) {
		t->format = PCISIM_TF_BINARY;
		return parse_binary(&r, p, len);
	}
	if (len >= 1 && p[0] == '{') {
		t->format = PCISIM_TF_JSONL;
		return parse_jsonl(&r, data, len);
	}
	if (!len)
		return rd_error(&r, 0, 0, 0, "empty file: not a pcisim trace");
	if (len < 8 && !memcmp(p, bin_magic, len))
		return rd_error(&r, len, 0, 0, "truncated: %zu bytes of a binary trace's 16-byte header", len);
	return rd_error(&r, 0, 0, 0,
			"not a pcisim trace: it starts with neither '{' (JSON Lines) nor the binary magic \\x89PCISIM");
}

int pcisim_tfile_read(struct pcisim_tfile *t, const char *path, struct pcisim_diag *d)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		memset(t, 0, sizeof(*t));
		pcisim_arena_init(&t->arena);
		return pcisim_diag_error(d, (struct pcisim_loc){path, 0, 0}, "cannot read the trace: %s",
					 strerror(errno));
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			char *nb = realloc(buf, cap);
			if (!nb)
				oom();
			buf = nb;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	int rc;
	if (bad) {
		memset(t, 0, sizeof(*t));
		pcisim_arena_init(&t->arena);
		rc = pcisim_diag_error(d, (struct pcisim_loc){path, 0, 0},
				       "offset %zu: cannot read the trace (is it a directory?)", len);
	} else {
		rc = pcisim_tfile_parse(t, path, buf, len, d);
	}
	free(buf);
	return rc;
}

struct pcisim_loc pcisim_tfile_header_at(const struct pcisim_tfile *t, uint64_t off, char *at,
					 size_t n)
{
	if (t->format == PCISIM_TF_JSONL) {
		snprintf(at, n, "offset %" PRIu64, off);
		return (struct pcisim_loc){t->name, 1, 1};
	}
	/* the header is the body's first item */
	snprintf(at, n, "offset %" PRIu64 " of the uncompressed body (item 0, which starts at body offset 0)",
		 off);
	return (struct pcisim_loc){t->name, 0, 0};
}

uint64_t pcisim_tfile_set_offset(const struct pcisim_tfile *t, size_t i)
{
	return t->set_off && i < t->nset_off ? t->set_off[i] : 0;
}

uint64_t pcisim_tfile_include_offset(const struct pcisim_tfile *t, size_t i)
{
	return t->inc_off && i < t->ninc_off ? t->inc_off[i] : 0;
}

int pcisim_tfile_header_error(const struct pcisim_tfile *t, uint64_t off, struct pcisim_diag *d,
			      const char *fmt, ...)
{
	char at[128], msg[768];
	struct pcisim_loc loc = pcisim_tfile_header_at(t, off, at, sizeof(at));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pcisim_diag_error(d, loc, "%s: %s", at, msg);
}

void pcisim_tfile_free(struct pcisim_tfile *t)
{
	free(t->items);
	pcisim_arena_free(&t->arena);
	memset(t, 0, sizeof(*t));
}

int pcisim_tfile_write(const struct pcisim_tfile *t, const char *path, enum pcisim_tformat f,
		       char *err, size_t nerr)
{
	struct pcisim_twriter *w = pcisim_twriter_open(path, f, err, nerr);
	if (!w)
		return -1;
	pcisim_twriter_header(w, &t->h);
	for (size_t i = 0; i < t->n; i++)
		pcisim_twriter_item(w, &t->items[i]);
	pcisim_twriter_end(w, &t->end);
	return pcisim_twriter_close(w, err, nerr);
}

/* ================================ items as text ================================ */

void pcisim_titem_format(const struct pcisim_titem *it, char *buf, size_t n)
{
	char t[40];
	pcisim_time_format_fixed(it->t, t, sizeof(t));
	size_t u = 0;
	switch (it->type) {
	case PCISIM_TI_EVENT:
		u = (size_t)snprintf(buf, n, "%14s  event  %-20s %s", t, it->kind, it->comp ? it->comp : "-");
		if ((it->a[0] | it->a[1] | it->a[2] | it->a[3]) && u < n)
			snprintf(buf + u, n - u, " a=[%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]",
				 it->a[0], it->a[1], it->a[2], it->a[3]);
		break;
	case PCISIM_TI_RECORD: {
		struct pcisim_record r = {.t = it->t, .kind = it->kind, .comp_path = it->comp,
					  .nfields = it->nfields, .fields = it->fields};
		char line[1024];
		pcisim_record_format(&r, line, sizeof(line));
		snprintf(buf, n, "%s", line);
		break;
	}
	case PCISIM_TI_CHOICE: {
		char v[40];
		if (it->choice == PCISIM_CH_STEP)
			snprintf(buf, n, "%14s  choice step %" PRIu64 " (%s) at %s", t, it->a[0], it->kind,
				 pcisim_time_format(it->a[1], v, sizeof(v)));
		else if (it->choice == PCISIM_CH_RANK)
			snprintf(buf, n, "%14s  choice rank %" PRIu64 " for %s %s", t, it->a[1], it->kind,
				 it->comp ? it->comp : "-");
		else
			snprintf(buf, n, "%14s  choice jitter %s = %s", t, it->kind,
				 pcisim_time_format(it->a[1], v, sizeof(v)));
		break;
	}
	default:
		snprintf(buf, n, "%14s  ?", t);
	}
}

static bool streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

bool pcisim_titem_equal(const struct pcisim_titem *a, const struct pcisim_titem *b)
{
	if (a->type != b->type || a->t != b->t || !streq(a->kind, b->kind) || !streq(a->comp, b->comp))
		return false;
	if (a->type == PCISIM_TI_CHOICE && a->choice != b->choice)
		return false;
	if (a->type != PCISIM_TI_RECORD)
		return !memcmp(a->a, b->a, sizeof(a->a));
	if (a->nfields != b->nfields)
		return false;
	for (uint32_t i = 0; i < a->nfields; i++) {
		const struct pcisim_field *x = &a->fields[i], *y = &b->fields[i];
		if (x->type != y->type || !streq(x->name, y->name))
			return false;
		if (x->type == PCISIM_F_STR ? !streq(x->s ? x->s : "", y->s ? y->s : "") : x->u != y->u)
			return false;
	}
	return true;
}

uint64_t pcisim_twriter_bytes(const struct pcisim_twriter *w)
{
	off_t pos = w && w->out ? ftello(w->out) : -1;
	return pos > 0 ? (uint64_t)pos : 0;
}
