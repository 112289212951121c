/*
 * Trace records: what a model wants a user to see (a register change, a message, a
 * host action, a log line), typed, in execution order, to any number of sinks.
 *
 * A record is (time, seq, kind, component, fields). Its kind is a dotted name
 * ("slot.status", "pciehp.state", "log") registered with a one-line description, so
 * expectations can name it and --help can list it. Every record is also folded into
 * the sim's running hash (see sim.h), as
 *   (time, XXH3(kind), component id or 2^32-1, nfields, 0, 0, 0)
 * followed, per field, by (XXH3(name), type, value or XXH3(string), 0, 0, 0, 0).
 *
 * Records are kept in memory when trace->retain is set (for expectations), in an
 * arena: strings are copied, so a model may pass temporaries.
 */
#ifndef PCISIM_CORE_TRACE_H
#define PCISIM_CORE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/arena.h"
#include "sim/core/sim.h"
#include "sim/core/time.h"

struct pcisim_comp;

enum pcisim_ftype {
	PCISIM_F_U64,
	PCISIM_F_I64,
	PCISIM_F_HEX,
	PCISIM_F_STR,
	PCISIM_F_BOOL,
	PCISIM_F_TIME,
};

struct pcisim_field {
	const char *name;
	enum pcisim_ftype type;
	uint64_t u; /* U64, I64 (as two's complement), HEX, BOOL, TIME */
	const char *s;
};

#define PCISIM_FU(n, v) ((struct pcisim_field){.name = (n), .type = PCISIM_F_U64, .u = (uint64_t)(v)})
#define PCISIM_FI(n, v) ((struct pcisim_field){.name = (n), .type = PCISIM_F_I64, .u = (uint64_t)(int64_t)(v)})
#define PCISIM_FX(n, v) ((struct pcisim_field){.name = (n), .type = PCISIM_F_HEX, .u = (uint64_t)(v)})
#define PCISIM_FS(n, v) ((struct pcisim_field){.name = (n), .type = PCISIM_F_STR, .s = (v)})
#define PCISIM_FB(n, v) ((struct pcisim_field){.name = (n), .type = PCISIM_F_BOOL, .u = !!(v)})
#define PCISIM_FT(n, v) ((struct pcisim_field){.name = (n), .type = PCISIM_F_TIME, .u = (uint64_t)(v)})

struct pcisim_record {
	pcisim_time t;
	uint64_t seq; /* record number, from 0 */
	const char *kind;
	uint32_t comp_id; /* UINT32_MAX when the record has no component */
	const char *comp_path;
	uint32_t nfields;
	struct pcisim_field *fields;
};

/** A record kind: name and one line of help. Register tables with pcisim_record_kinds_add. */
struct pcisim_record_kind {
	const char *name;
	const char *help;
};

#define PCISIM_SINK_KINDS 8

struct pcisim_sink {
	void (*emit)(struct pcisim_sink *s, const struct pcisim_record *r);
	void (*close)(struct pcisim_sink *s);
	FILE *out;
	uint64_t bytes; /* what it wrote so far (the built-in sinks count; others may) */
	struct pcisim_sink *next;
	/*
	 * The sink's state is part of the run (an expectation watching records): emit is
	 * called with the sim's heap current, so what it allocates is in snapshots
	 * (snapshot.h). Otherwise it runs with no heap current, as front-end code does.
	 */
	bool in_run;
	/* emit ignores records of kind "log" (pcisim_logging) */
	bool skips_logs;
	/* the record kinds emit looks at, 0: every kind. In an unhashed sim a record of a
	 * kind that no sink looks at is not even made (pcisim_recording_kind()). */
	const char *kinds[PCISIM_SINK_KINDS];
	unsigned nkinds;
};

struct pcisim_trace {
	struct pcisim_arena arena;
	bool retain;
	struct pcisim_record *recs;
	size_t nrecs, caprecs;
	uint64_t count; /* records emitted (retained or not) */
	struct pcisim_sink *sinks;
};

/*
 * Any number of tables, kept in registration order after the core's own (a name in two
 * tables is found in the first); the same table registered again changes nothing.
 */
void pcisim_record_kinds_add(const struct pcisim_record_kind *table); /* ends with {0} */
const struct pcisim_record_kind *pcisim_record_kind_find(const char *name);
/** All registered kind names, NULL-terminated, sorted (free() the array). */
const char **pcisim_record_kind_names(void);

/** Attach a trace (records are retained when @retain). The sim owns it afterwards. */
struct pcisim_trace *pcisim_trace_attach(struct pcisim_sim *sim, bool retain);
void pcisim_trace_free(struct pcisim_trace *t);
void pcisim_trace_add_sink(struct pcisim_trace *t, struct pcisim_sink *s);

/** The human timeline: one line per record, decoded. */
struct pcisim_sink *pcisim_sink_timeline(FILE *out);
/** JSON Lines, one object per record (docs/trace-format.md). */
struct pcisim_sink *pcisim_sink_jsonl(FILE *out);
/** Format one record as the timeline prints it (no newline). */
void pcisim_record_format(const struct pcisim_record *r, char *buf, size_t n);
/** Format a field value as text ("0x0040", "on", "10ms", ...). */
void pcisim_field_format(const struct pcisim_field *f, char *buf, size_t n);

/**
 * Emit a record: hashed (unless the sim is unhashed); retained and sent to sinks when
 * a trace is attached.
 */
void pcisim_record(struct pcisim_sim *sim, struct pcisim_comp *c, const char *kind,
		   const struct pcisim_field *f, size_t n);
/**
 * pcisim_recording() - whether a record made now would reach anything: the hash, a
 * retained trace or a sink. False only in an unhashed sim that nothing watches, where
 * PCISIM_RECORD and pcisim_log skip even the formatting of their fields.
 */
static inline bool pcisim_recording(struct pcisim_sim *sim)
{
	/* inline: asked before every record and log line a model makes */
	sim = pcisim_engine(sim);
	const struct pcisim_trace *t = sim->trace;
	return !sim->unhashed || (t && (t->retain || t->sinks));
}
/**
 * pcisim_logging() - pcisim_recording() for a log line: false also when every sink
 * watching ignores "log" records (an expectation about other kinds).
 */
static inline bool pcisim_logging(struct pcisim_sim *sim)
{
	sim = pcisim_engine(sim);
	const struct pcisim_trace *t = sim->trace;
	if (!sim->unhashed || (t && t->retain))
		return true;
	for (const struct pcisim_sink *s = t ? t->sinks : NULL; s; s = s->next)
		if (!s->skips_logs)
			return true;
	return false;
}
/** Does a sink of @t look at records of @kind? (pcisim_recording_kind) */
bool pcisim_trace_wants(const struct pcisim_trace *t, const char *kind);
/**
 * pcisim_recording_kind() - pcisim_recording() for a record of @kind: false also when
 * every sink lists the kinds it looks at and @kind is not among them (a campaign's
 * expectations about a few kinds: the others' fields are not even formatted).
 */
static inline bool pcisim_recording_kind(struct pcisim_sim *sim, const char *kind)
{
	sim = pcisim_engine(sim);
	const struct pcisim_trace *t = sim->trace;
	if (!sim->unhashed || (t && t->retain))
		return true;
	return t && t->sinks && pcisim_trace_wants(t, kind);
}
#define PCISIM_RECORD(sim, comp, kind, ...)                                                \
	do {                                                                               \
		struct pcisim_sim *rs_ = (sim);                                            \
		const char *rk_ = (kind);                                                  \
		if (pcisim_recording_kind(rs_, rk_)) {                                     \
			const struct pcisim_field f_[] = {__VA_ARGS__};                    \
			pcisim_record(rs_, (comp), rk_, f_, sizeof(f_) / sizeof(f_[0]));   \
		}                                                                          \
	} while (0)

/**
 * pcisim_log() - a log line as the emulated software prints it, a record of kind "log"
 * with fields source ("qemu", "linux", "pcisim") and text.
 */
void pcisim_log(struct pcisim_sim *sim, struct pcisim_comp *c, const char *source,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Bytes the trace's sinks wrote so far (for an output-size bound). */
uint64_t pcisim_trace_bytes(const struct pcisim_trace *t);

#endif
