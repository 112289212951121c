/*
 * YAML documents as trees of located nodes (built with libyaml).
 *
 * Every node carries the file, line and column where it starts, so every later check
 * (the loader's, a device model's, an action's) can report an error at the exact place.
 * Nodes live in an arena owned by the document. Anchors and aliases are resolved (an
 * alias points at the anchored node); merge keys are not supported.
 */
#ifndef PCISIM_CORE_YNODE_H
#define PCISIM_CORE_YNODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/arena.h"
#include "sim/core/diag.h"
#include "sim/core/time.h"

enum pcisim_ykind { PCISIM_Y_SCALAR, PCISIM_Y_MAP, PCISIM_Y_SEQ };

struct pcisim_ynode {
	enum pcisim_ykind kind;
	struct pcisim_loc loc;
	/* scalar */
	const char *str;
	bool quoted; /* written with quotes: never a number, bool or null */
	/* map (keys[i] -> vals[i], in file order) and seq (vals[i]) */
	size_t n;
	struct pcisim_ynode **keys;
	struct pcisim_ynode **vals;
};

struct pcisim_ydoc {
	struct pcisim_arena arena;
	struct pcisim_ynode *root; /* NULL for an empty document */
	const char *file;          /* as given, kept in the arena */
	char *text;                /* the whole input, NUL-terminated */
	size_t text_len;
};

/** Parse @len bytes of @text named @file. Returns 0 or -PCISIM_EINVAL with a diag. */
int pcisim_ydoc_parse(struct pcisim_ydoc *doc, const char *file, const char *text, size_t len,
		      struct pcisim_diag *d);
/** Read and parse a file. A missing or unreadable file is reported as an error. */
int pcisim_ydoc_load(struct pcisim_ydoc *doc, const char *path, struct pcisim_diag *d);
/**
 * pcisim_ydoc_load_regular() - the same for a file that another one names (an
 * include): only a regular file is read, never waited on, so a FIFO, a directory or
 * a device is an error at @from naming what the path is; a missing file too.
 */
int pcisim_ydoc_load_regular(struct pcisim_ydoc *doc, const char *path, struct pcisim_loc from,
			     struct pcisim_diag *d);
/**
 * pcisim_file_kind() - what a file of st_mode @mode is, for messages: "a regular
 * file", "a directory", "a FIFO (named pipe)", "a character device", "a block
 * device", "a socket".
 */
const char *pcisim_file_kind(unsigned mode);
void pcisim_ydoc_free(struct pcisim_ydoc *doc);

const char *pcisim_ykind_name(enum pcisim_ykind k);
/**
 * pcisim_ynode_desc() - what @n is, for messages: "a mapping", "a sequence", "an empty
 * value", or a scalar's text in quotes (shortened to 40 characters; kept in @buf).
 */
const char *pcisim_ynode_desc(const struct pcisim_ynode *n, char *buf, size_t len);

/** Value of key @key in map @m, or NULL. */
struct pcisim_ynode *pcisim_ymap_get(const struct pcisim_ynode *m, const char *key);

/**
 * pcisim_ymap_check_keys() - every key of @m must be in @allowed (NULL-terminated);
 * duplicates are errors too. Reports "unknown key 'x' in WHERE; valid keys: ...".
 */
int pcisim_ymap_check_keys(const struct pcisim_ynode *m, const char *where,
			   const char *const *allowed, struct pcisim_diag *d);

/* Typed accessors: each reports a located error with the expected form on mismatch. */
int pcisim_yexpect(const struct pcisim_ynode *n, enum pcisim_ykind k, const char *what,
		   struct pcisim_diag *d);
int pcisim_yget_str(const struct pcisim_ynode *n, const char *what, const char **out,
		    struct pcisim_diag *d);
/** Integers: decimal, 0x hex, 0b binary, 0o octal; range-checked against [lo, hi]. */
int pcisim_yget_u64(const struct pcisim_ynode *n, const char *what, uint64_t lo, uint64_t hi,
		    uint64_t *out, struct pcisim_diag *d);
/** Booleans: true/false, on/off, yes/no. */
int pcisim_yget_bool(const struct pcisim_ynode *n, const char *what, bool *out,
		     struct pcisim_diag *d);
int pcisim_yget_time(const struct pcisim_ynode *n, const char *what, pcisim_time *out,
		     struct pcisim_diag *d);
int pcisim_yget_time_range(const struct pcisim_ynode *n, const char *what,
			   struct pcisim_time_range *out, struct pcisim_diag *d);
/** One of @choices (NULL-terminated); index into @out. */
int pcisim_yget_choice(const struct pcisim_ynode *n, const char *what, const char *const *choices,
		       unsigned *out, struct pcisim_diag *d);

/** Parse an integer string the way pcisim_yget_u64 does. Returns 0 or -1. */
int pcisim_parse_u64(const char *s, uint64_t *out);
/** Parse a boolean word. Returns 0 or -1. */
int pcisim_parse_bool(const char *s, bool *out);

#endif
