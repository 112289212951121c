/*
 * Errors and diagnostics.
 *
 * Input errors (YAML, traces, command lines) are reported as
 *   FILE:LINE:COL: error: WHAT; expected FORM; valid choices: A, B, C
 * on one line, counted in a struct pcisim_diag, and make the front end exit with
 * status 2. Library code never exits and never prints on its own: it reports into
 * the diag it was given, which writes to its stream (stderr, or a memory buffer in tests).
 *
 * Error codes: functions return 0 or a negative PCISIM_E*. PCISIM_ERR(code) records
 * where an error was first raised (one breakpoint site: pcisim_err_raised()).
 */
#ifndef PCISIM_CORE_DIAG_H
#define PCISIM_CORE_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCISIM_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum {
	PCISIM_OK = 0,
	PCISIM_EINVAL = 1, /* bad input: a diag was written */
	PCISIM_ENOMEM = 2,
	PCISIM_ENOENT = 3, /* no such component, key or file */
	PCISIM_EBUSY = 4,
	PCISIM_EIO = 5,
	PCISIM_ESTATE = 6, /* operation not valid in the current model state */
};

/** A position in an input file; line and col count from 1 (0 = unknown). */
struct pcisim_loc {
	const char *file;
	unsigned line, col;
};

/**
 * pcisim_loc_advance() - where the byte @n bytes into @s is, @s being text written at
 * @loc: a newline starts the next line at column 1; columns count characters (UTF-8
 * lead bytes), as the YAML loader's do. An unknown @loc (line 0) stays unknown.
 */
struct pcisim_loc pcisim_loc_advance(struct pcisim_loc loc, const char *s, size_t n);

/**
 * pcisim_utf8_decode() - the UTF-8 sequence NUL-terminated @s starts with (RFC 3629:
 * shortest form, no surrogates, at most U+10FFFF): its length in bytes (1 to 4) with the
 * code point in *@cp, or 0 when @s does not start a valid sequence (also at its
 * terminating NUL). pcisim_utf8_char() (utf8.h) for counted bytes.
 */
size_t pcisim_utf8_decode(const char *s, uint32_t *cp);

/*
 * A place without lines of its own, reported as another: a message at a location
 * whose file is @file (the same pointer) is printed at @at, with @prefix before
 * the message. A value that comes from an entry of a recorded trace (an override)
 * is located so, and its errors name the trace and the entry's offset as the trace
 * reader names its own: "t.jsonl:1:1: error: offset 0: 'set' entry 1 ...: MSG".
 */
struct pcisim_diag_alias {
	const char *file;
	struct pcisim_loc at;
	const char *prefix;
	const struct pcisim_diag_alias *next;
};

struct pcisim_diag {
	FILE *out;       /* where messages go; NULL = stderr */
	bool silent;     /* messages go nowhere (counted, the first kept) */
	unsigned errors; /* errors reported so far */
	unsigned warnings;
	char first[512]; /* the first error message, for tests and JSON output */
	/* pseudo-files (pcisim_diag_alias_push); whoever pushes restores the list */
	const struct pcisim_diag_alias *aliases;
};

void pcisim_diag_init(struct pcisim_diag *d, FILE *out);
/** A diag that prints nothing: it counts, and keeps the first error in @d->first. */
void pcisim_diag_init_silent(struct pcisim_diag *d);
/** Report locations in @a->file as @a says, until d->aliases is set back. */
void pcisim_diag_alias_push(struct pcisim_diag *d, struct pcisim_diag_alias *a);

/** pcisim_diag_error() - report an input error at @loc; returns -PCISIM_EINVAL. */
int pcisim_diag_error(struct pcisim_diag *d, struct pcisim_loc loc, const char *fmt, ...)
	PCISIM_PRINTF(3, 4);
int pcisim_diag_verror(struct pcisim_diag *d, struct pcisim_loc loc, const char *fmt, va_list ap)
	PCISIM_PRINTF(3, 0);
void pcisim_diag_warning(struct pcisim_diag *d, struct pcisim_loc loc, const char *fmt, ...)
	PCISIM_PRINTF(3, 4);

/**
 * pcisim_choices() - format a NULL-terminated list as "a, b, c" into @buf (truncated
 * with ", ..." if it does not fit). Returns @buf.
 */
char *pcisim_choices(char *buf, size_t n, const char *const *list);

/** The one place every internal error passes through: set a breakpoint here. */
int pcisim_err_raised(int code, const char *file, int line);
#define PCISIM_ERR(code) (-pcisim_err_raised((code), __FILE__, __LINE__))

#endif
