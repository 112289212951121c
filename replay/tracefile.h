/*
 * Recorded runs (docs/trace-format.md): a header (format version, pcisim version, the
 * scenario's text and digest, seed, options), then, in execution order, one item per
 * executed event, per trace record and per choice the run made (a step's time within
 * its range, the rank of a concurrent event, a latency within declared bounds), and
 * an end item with the final hash and the run's verdict.
 *
 * Two forms hold the same items: JSON Lines (one object per line, readable with jq)
 * and a compact binary form (a string table and varints, zstd-compressed, with an
 * XXH3-64 checksum of the uncompressed body). Both are written as the run goes and
 * read back whole. Reading never trusts the input: a corrupt, truncated or foreign
 * file is an error that names the byte offset (and the line for JSON Lines).
 */
#ifndef PCISIM_REPLAY_TRACEFILE_H
#define PCISIM_REPLAY_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/arena.h"
#include "sim/core/diag.h"
#include "sim/core/time.h"
#include "sim/core/trace.h"

/* The format version written into every trace; readers accept exactly this one. */
#define PCISIM_TRACE_FORMAT 1

enum pcisim_tformat {
	PCISIM_TF_JSONL,
	PCISIM_TF_BINARY,
};

enum pcisim_titem_type {
	PCISIM_TI_EVENT = 'E',
	PCISIM_TI_RECORD = 'R',
	PCISIM_TI_CHOICE = 'C',
};

/* What a choice item chose. The numbers are part of the binary format. */
enum pcisim_choice_kind {
	PCISIM_CH_STEP = 1,   /* kind = action, a[0] = step index, a[1] = time chosen */
	PCISIM_CH_RANK = 2,   /* kind = event kind, comp = target, a[0] = due time, a[1] = rank, a[2] = class */
	PCISIM_CH_JITTER = 3, /* kind = site, comp = component, a[0] = nominal, a[1] = value, a[2] = lo, a[3] = hi */
};

struct pcisim_titem {
	char type;        /* enum pcisim_titem_type */
	uint8_t choice;   /* PCISIM_TI_CHOICE: enum pcisim_choice_kind */
	pcisim_time t;    /* simulated time when it happened */
	const char *kind; /* event kind, record kind, or what the choice concerns */
	const char *comp; /* target / component path; NULL when none */
	uint64_t a[4];    /* event payload, or the choice's values (above) */
	uint32_t nfields; /* PCISIM_TI_RECORD */
	struct pcisim_field *fields;
	uint64_t off;  /* reading: byte offset (JSONL: in the file; binary: in the body) */
	uint64_t line; /* reading JSONL: line number; 0 for binary */
};

struct pcisim_tinclude {
	const char *file;
	const char *text;
	size_t len;
};

/* Header flags. */
#define PCISIM_TH_RANKED 1u /* a rank hook was installed (concurrent events permuted) */
#define PCISIM_TH_JITTER 2u /* a jitter hook was installed (declared latencies drawn) */

struct pcisim_theader {
	unsigned format;            /* PCISIM_TRACE_FORMAT */
	const char *pcisim_version; /* PCISIM_VERSION of the writer */
	const char *origin;         /* "simulate", "fuzz run 17 of campaign seed 1", ... */
	const char *name, *path;    /* the scenario's name and the file it was read from */
	const char *text;           /* the scenario file's bytes */
	size_t text_len;
	uint64_t digest; /* pcisim_scenario_digest() of text and includes */
	const struct pcisim_tinclude *incs; /* included files, in load order */
	size_t nincs;
	uint64_t seed;
	pcisim_time until;
	const char *const *sets; /* KEY=VALUE overrides applied to the scenario */
	size_t nsets;
	unsigned flags; /* PCISIM_TH_* */
};

struct pcisim_tend {
	uint64_t events, records, hash;
	pcisim_time now;
	const char *reason;    /* idle, stopped, time limit */
	unsigned failed;       /* expectations that failed */
	const char *signature; /* "" when every expectation and invariant held */
	const char *const *failures; /* one line per failed expectation or invariant */
	size_t nfailures;
};

/* ---- writing ---- */

struct pcisim_twriter;

/**
 * pcisim_tformat_for_path() - the form a file name asks for: JSON Lines for names
 * ending in .jsonl or .json, the binary form otherwise.
 */
enum pcisim_tformat pcisim_tformat_for_path(const char *path);

/** Open @path for writing in form @f; NULL with a reason in @err. */
struct pcisim_twriter *pcisim_twriter_open(const char *path, enum pcisim_tformat f, char *err,
					   size_t nerr);
/** A writer into a stream the caller owns (JSON Lines only; for tests and stdout). */
struct pcisim_twriter *pcisim_twriter_stream(FILE *out);
void pcisim_twriter_header(struct pcisim_twriter *w, const struct pcisim_theader *h);
void pcisim_twriter_item(struct pcisim_twriter *w, const struct pcisim_titem *it);
void pcisim_twriter_end(struct pcisim_twriter *w, const struct pcisim_tend *e);
/** Flush and close; 0, or -1 when a write failed (reason in @err). */
int pcisim_twriter_close(struct pcisim_twriter *w, char *err, size_t nerr);
/** Bytes written to the trace file so far (0 when it is not a regular file). */
uint64_t pcisim_twriter_bytes(const struct pcisim_twriter *w);

/* ---- reading ---- */

struct pcisim_tfile {
	struct pcisim_arena arena;
	const char *name;
	enum pcisim_tformat format;
	uint64_t size; /* bytes in the file */
	struct pcisim_theader h;
	struct pcisim_titem *items;
	size_t n, cap;
	struct pcisim_tend end;
	/*
	 * Where the header's entries were read, for errors found after reading (an
	 * override a scenario refuses, an include the scenario does not name): offsets
	 * in the body for the binary form, 0 (the header line) for JSON Lines.
	 */
	const uint64_t *set_off; /* one per override as read (nset_off of them) */
	size_t nset_off;
	const uint64_t *inc_off; /* one per include as read (ninc_off of them) */
	size_t ninc_off;
	uint64_t nincs_off; /* the number of includes */
};

/**
 * pcisim_tfile_read() - read a whole trace (either form, told apart by its first
 * bytes). 0, or -PCISIM_EINVAL after one error in @d that names the offset.
 */
int pcisim_tfile_read(struct pcisim_tfile *t, const char *path, struct pcisim_diag *d);
/** The same from bytes in memory; @name is used in messages. */
int pcisim_tfile_parse(struct pcisim_tfile *t, const char *name, const void *data, size_t len,
		       struct pcisim_diag *d);
void pcisim_tfile_free(struct pcisim_tfile *t);

/**
 * pcisim_tfile_header_at() - where offset @off of @t's header is, as the reader
 * names places in a trace: the location (the file; line 1 for JSON Lines) and, in
 * @at, the text that goes first in the message ("offset 0" for JSON Lines; "offset
 * N of the uncompressed body (item 0, which starts at body offset 0)" for the binary
 * form). For errors about the header found after reading it.
 */
struct pcisim_loc pcisim_tfile_header_at(const struct pcisim_tfile *t, uint64_t off, char *at,
					 size_t n);
/** Where override @i and include @i of @t's header were read (0 when not known). */
uint64_t pcisim_tfile_set_offset(const struct pcisim_tfile *t, size_t i);
uint64_t pcisim_tfile_include_offset(const struct pcisim_tfile *t, size_t i);
/** Report an error about @t's header at @off, located as the reader locates its own. */
int pcisim_tfile_header_error(const struct pcisim_tfile *t, uint64_t off, struct pcisim_diag *d,
			      const char *fmt, ...) PCISIM_PRINTF(4, 5);

/** Write @t (as read) to @path in form @f: converts between the forms. */
int pcisim_tfile_write(const struct pcisim_tfile *t, const char *path, enum pcisim_tformat f,
		       char *err, size_t nerr);

/* ---- items as text ---- */

/** One line for a report: "2.120000000  E pciehp.run pcie.0/... a=[...]". */
void pcisim_titem_format(const struct pcisim_titem *it, char *buf, size_t n);
/** Do two items say the same (type, time, kind, component, payload, fields)? */
bool pcisim_titem_equal(const struct pcisim_titem *a, const struct pcisim_titem *b);

#endif
