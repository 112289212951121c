/*
 * Harness: both trace readers and replay. The input is a trace file's bytes (JSON
 * Lines or binary, told apart by the first bytes as `pcisim replay` does). A trace
 * that reads is
 *  - formatted item by item (the report's lines),
 *  - written in the other form and read back: the two must say the same (header,
 *    every item, end), since `pcisim replay --convert` promises it,
 *  - replayed (pcisim_replay), at most FUZZ_MAX_EVENTS events.
 *
 * The binary form is a zstd frame with an XXH3-64 of the body in its trailer, which
 * byte-level mutations would almost never keep intact. Under libFuzzer a custom
 * mutator therefore mutates a binary trace's body and rebuilds a valid container
 * around it (one time in four it mutates the file's bytes, so that the container is
 * fuzzed too); every input it makes is still a trace file `pcisim replay` reads.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "fuzz.h"
#include "replay/tracefile.h"
#include "replay/verify.h"
#include "sim/core/sim.h"

/* ---- the other form, and back ---- */

static bool str_same(const char *a, const char *b)
{
	return !a || !b ? a == b : !strcmp(a, b);
}

/* "" and NULL are one value in a header or end (both forms write only what is set). */
static bool str_same0(const char *a, const char *b)
{
	return str_same(a ? a : "", b ? b : "");
}

static bool bytes_same(const char *a, size_t na, const char *b, size_t nb)
{
	return na == nb && (!na || !memcmp(a, b, na));
}

/* What differs between @a and @b (NULL: nothing). */
static const char *tfile_differs(const struct pcisim_tfile *a, const struct pcisim_tfile *b,
				 size_t *at)
{
	const struct pcisim_theader *x = &a->h, *y = &b->h;
	if (x->format != y->format || !str_same0(x->pcisim_version, y->pcisim_version) ||
	    !str_same0(x->origin, y->origin) || !str_same0(x->name, y->name) ||
	    !str_same0(x->path, y->path))
		return "the header's format, version, origin, name or path";
	if (!bytes_same(x->text, x->text_len, y->text, y->text_len))
		return "the embedded scenario text";
	if (x->digest != y->digest || x->seed != y->seed || x->until != y->until || x->flags != y->flags)
		return "the header's digest, seed, until or flags";
	if (x->nincs != y->nincs || x->nsets != y->nsets)
		return "the number of includes or overrides";
	for (size_t i = 0; i < x->nincs; i++)
		if (!str_same0(x->incs[i].file, y->incs[i].file) ||
		    !bytes_same(x->incs[i].text, x->incs[i].len, y->incs[i].text, y->incs[i].len)) {
			*at = i;
			return "an include";
		}
	for (size_t i = 0; i < x->nsets; i++)
		if (!str_same0(x->sets[i], y->sets[i])) {
			*at = i;
			return "an override";
		}
	if (a->n != b->n)
		return "the number of items";
	for (size_t i = 0; i < a->n; i++)
		if (!pcisim_titem_equal(&a->items[i], &b->items[i])) {
			*at = i;
			return "an item";
		}
	const struct pcisim_tend *e = &a->end, *f = &b->end;
	if (e->events != f->events || e->records != f->records || e->hash != f->hash ||
	    e->now != f->now || e->failed != f->failed || !str_same0(e->reason, f->reason) ||
	    !str_same0(e->signature, f->signature) || e->nfailures != f->nfailures)
		return "the end item";
	for (size_t i = 0; i < e->nfailures; i++)
		if (!str_same0(e->failures[i], f->failures[i])) {
			*at = i;
			return "a failure line of the end item";
		}
	return NULL;
}

static const char *tmp_path(void)
{
	static char path[256];
	if (!path[0]) {
		const char *dir = getenv("TMPDIR");
		snprintf(path, sizeof(path), "%s/pcisim-fuzz-trace-%ld", dir && dir[0] ? dir : "/tmp",
			 (long)getpid());
	}
	return path;
}

static void round_trip(const struct pcisim_tfile *t, const uint8_t *data, size_t size)
{
	enum pcisim_tformat other = t->format == PCISIM_TF_JSONL ? PCISIM_TF_BINARY : PCISIM_TF_JSONL;
	const char *names[] = {[PCISIM_TF_JSONL] = "JSON Lines", [PCISIM_TF_BINARY] = "binary"};
	char err[512];
	if (pcisim_tfile_write(t, tmp_path(), other, err, sizeof(err)))
		fuzz_fail(data, size, "a %s trace that reads cannot be written as %s: %s", names[t->format],
			  names[other], err);
	struct pcisim_diag d;
	char *why = NULL;
	size_t whylen = 0;
	FILE *wf = open_memstream(&why, &whylen);
	if (!wf)
		abort();
	pcisim_diag_init(&d, wf);
	struct pcisim_tfile back;
	int rc = pcisim_tfile_read(&back, tmp_path(), &d);
	fclose(wf);
	unlink(tmp_path());
	if (rc)
		fuzz_fail(data, size, "a %s trace that reads, written as %s, does not read back: %s",
			  names[t->format], names[other], why);
	free(why);
	size_t at = 0;
	const char *what = tfile_differs(t, &back, &at);
	if (what) {
		char was[1536] = "", now[1536] = "";
		if (!strcmp(what, "an item")) {
			pcisim_titem_format(&t->items[at], was, sizeof(was));
			pcisim_titem_format(&back.items[at], now, sizeof(now));
		}
		fuzz_fail(data, size, "a %s trace written as %s reads back different: %s (#%zu)\n  read:    %s\n  back:    %s",
			  names[t->format], names[other], what, at, was, now);
	}
	pcisim_tfile_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcisim_diag d;
	fuzz_setup(&d);
	struct pcisim_tfile t;
	if (pcisim_tfile_parse(&t, "fuzz-input.trace", data, size, &d)) {
		pcisim_tfile_free(&t);
		return 0;
	}
	char line[1536];
	for (size_t i = 0; i < t.n; i++)
		pcisim_titem_format(&t.items[i], line, sizeof(line));
	round_trip(&t, data, size);
	struct pcisim_watchdog wd = {.max_events = FUZZ_MAX_EVENTS};
	struct pcisim_replay_opts o = {.out = fuzz_out(), .watchdog = &wd};
	pcisim_replay(&t, &o, &d);
	pcisim_tfile_free(&t);
	return 0;
}

#ifdef PCISIM_LIBFUZZER
/* ---- libFuzzer: mutate a binary trace's body inside a valid container ---- */

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

/* The container of docs/trace-format.md: 16-byte head, a zstd frame, 24-byte trailer. */
enum { HEAD = 16, TRAILER = 24, MAX_BODY = 1 << 20 };
static const uint8_t magic[8] = {0x89, 'P', 'C', 'I', 'S', 'I', 'M', '\n'};
static const uint8_t end_magic[8] = {'P', 'C', 'I', 'S', 'I', 'M', 'Z', '\n'};

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The body of a well-formed binary trace into a malloc'ed buffer of @cap bytes, or NULL. */
static uint8_t *body_of(const uint8_t *data, size_t size, size_t *blen, size_t *cap)
{
	if (size < HEAD + TRAILER || memcmp(data, magic, 8) ||
	    memcmp(data + size - TRAILER, end_magic, 8))
		return NULL;
	uint64_t n = get_le64(data + size - 16);
	if (n > MAX_BODY / 2)
		return NULL;
	*cap = 2 * (size_t)n + 4096;
	uint8_t *body = malloc(*cap);
	if (!body)
		return NULL;
	size_t got = ZSTD_decompress(body, (size_t)n, data + HEAD, size - HEAD - TRAILER);
	if (ZSTD_isError(got) || got != n) {
		free(body);
		return NULL;
	}
	*blen = (size_t)n;
	return body;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	size_t blen, cap;
	uint8_t *body = seed % 4 ? body_of(data, size, &blen, &cap) : NULL;
	if (!body)
		return LLVMFuzzerMutate(data, size, max_size);
	blen = LLVMFuzzerMutate(body, blen, cap);
	size_t zcap = ZSTD_compressBound(blen);
	uint8_t *z = malloc(zcap);
	size_t zlen = z ? ZSTD_compress(z, zcap, body, blen, 1) : 0;
	size_t total = HEAD + zlen + TRAILER;
	if (!z || ZSTD_isError(zlen) || total > max_size) {
		free(z);
		free(body);
		return LLVMFuzzerMutate(data, size, max_size);
	}
	/* the head (magic, container version, compression) stays as it was */
	memcpy(data + HEAD, z, zlen);
	memcpy(data + HEAD + zlen, end_magic, 8);
	put_le64(data + HEAD + zlen + 8, blen);
	put_le64(data + HEAD + zlen + 16, XXH3_64bits(body, blen));
	free(z);
	free(body);
	return total;
}
#endif
