/*
 * YAML to located node trees through libyaml's event parser.
 */
#include "sim/core/ynode.h"
#include "sim/core/heap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define MAX_DEPTH 64

struct anchor {
	const char *name;
	struct pcisim_ynode *node;
};

struct builder {
	struct pcisim_ydoc *doc;
	yaml_parser_t parser;
	struct pcisim_diag *d;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	unsigned depth;
};

const char *pcisim_ykind_name(enum pcisim_ykind k)
{
	switch (k) {
	case PCISIM_Y_SCALAR:
		return "a scalar";
	case PCISIM_Y_MAP:
		return "a mapping";
	case PCISIM_Y_SEQ:
		return "a sequence";
	}
	return "?";
}

static struct pcisim_loc mark_loc(struct builder *b, yaml_mark_t m)
{
	return (struct pcisim_loc){b->doc->file, (unsigned)m.line + 1, (unsigned)m.column + 1};
}

/*
 * Record anchor @name for node @n. A collection's anchor is recorded with n == NULL
 * when the collection starts and completed when it ends (*@slot tells which entry), so
 * that an alias inside the collection to the collection itself is seen as a cycle.
 */
static int add_anchor(struct builder *b, const unsigned char *name, struct pcisim_ynode *n,
		      size_t *slot)
{
	if (!name)
		return 0;
	if (b->nanchors == b->capanchors) {
		size_t nc = b->capanchors ? b->capanchors * 2 : 8;
		struct anchor *na = pcisim_realloc(b->anchors, nc * sizeof(*na));
		if (!na)
			return PCISIM_ERR(PCISIM_ENOMEM);
		b->anchors = na;
		b->capanchors = nc;
	}
	if (slot)
		*slot = b->nanchors;
	b->anchors[b->nanchors++] =
		(struct anchor){pcisim_arena_strdup(&b->doc->arena, (const char *)name), n};
	return 0;
}

/* Byte offset of (0-based) @line, @col (in characters) in the document text, or -1. */
static long text_offset(const struct pcisim_ydoc *doc, size_t line, size_t col)
{
	size_t i = 0;
	for (size_t l = 0; l < line; l++) {
		const char *nl = memchr(doc->text + i, '\n', doc->text_len - i);
		if (!nl)
			return -1;
		i = (size_t)(nl - doc->text) + 1;
	}
	for (size_t c = 0; c < col; c++) {
		if (i >= doc->text_len || doc->text[i] == '\n')
			return -1;
		i++;
		while (i < doc->text_len && ((unsigned char)doc->text[i] & 0xc0) == 0x80)
			i++;
	}
	return (long)i;
}

/* Line and column (from 1) of byte @off of the document text. */
static struct pcisim_loc offset_loc(const struct pcisim_ydoc *doc, size_t off)
{
	struct pcisim_loc l = {doc->file, 1, 1};
	if (off > doc->text_len)
		off = doc->text_len;
	for (size_t i = 0; i < off; i++) {
		if (doc->text[i] == '\n')
			l.line++, l.col = 1;
		else if (((unsigned char)doc->text[i] & 0xc0) != 0x80)
			l.col++;
	}
	return l;
}

static int parse_error(struct builder *b)
{
	yaml_parser_t *p = &b->parser;
	yaml_mark_t m = p->problem_mark;
	const char *prob = p->problem ? p->problem : "malformed YAML";

	if (p->error == YAML_MEMORY_ERROR)
		return PCISIM_ERR(PCISIM_ENOMEM);
	if (p->error == YAML_READER_ERROR) {
		/* Bad bytes: libyaml gives a byte offset, not a mark. */
		struct pcisim_loc l = offset_loc(b->doc, p->problem_offset);
		const char *what = strstr(prob, "UTF-8") ? "not UTF-8 text" : "invalid character";
		if (p->problem_value >= 0)
			return pcisim_diag_error(b->d, l,
						 "%s: %s (0x%02x); expected UTF-8 text without control characters",
						 what, prob, (unsigned)p->problem_value);
		return pcisim_diag_error(b->d, l,
					 "%s: %s; expected UTF-8 text without control characters",
					 what, prob);
	}

	/* The character the scanner stopped at, for the common mistakes. */
	long off = text_offset(b->doc, m.line, m.column);
	char at = off >= 0 && (size_t)off < b->doc->text_len ? b->doc->text[off] : 0;
	if (at == '\t' && strstr(prob, "cannot start any token"))
		return pcisim_diag_error(b->d, mark_loc(b, m),
					 "invalid YAML: tab character in indentation; indent with spaces");
	if (strstr(prob, "cannot start any token") && (at == '@' || at == '`' || at == '%'))
		return pcisim_diag_error(b->d, mark_loc(b, m),
					 "invalid YAML: '%c' cannot start a value; quote the value (\"%c...\")",
					 at, at);

	const char *hint = "";
	if (strstr(prob, "mapping values are not allowed"))
		hint = "; check the indentation, or quote a value that contains ': '";
	else if (strstr(prob, "did not find expected key") ||
		 strstr(prob, "did not find expected '-' indicator"))
		hint = "; check the indentation: entries of one mapping or list must line up";
	else if (strstr(prob, "could not find expected ':'"))
		hint = "; a key needs ': ' after it, or a quote is not closed";

	char ctx[160] = "";
	if (p->context) {
		if (p->context_mark.line != m.line || p->context_mark.column != m.column)
			snprintf(ctx, sizeof(ctx), " %s started at line %zu, column %zu", p->context,
				 p->context_mark.line + 1, p->context_mark.column + 1);
		else
			snprintf(ctx, sizeof(ctx), " %s", p->context);
	}
	return pcisim_diag_error(b->d, mark_loc(b, m), "invalid YAML: %s%s%s", prob, ctx, hint);
}

struct keyref {
	const char *s;
	size_t i;
};

static int cmp_keyref(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c = strcmp(x->s, y->s);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* YAML mapping keys are unique: report the first repeated key of map @n. */
static int check_unique_keys(struct builder *b, const struct pcisim_ynode *n)
{
	size_t dup = SIZE_MAX, first = 0;
	if (n->n < 2)
		return 0;
	if (n->n <= 32) {
		for (size_t i = 1; i < n->n && dup == SIZE_MAX; i++)
			for (size_t j = 0; j < i; j++)
				if (!strcmp(n->keys[i]->str, n->keys[j]->str)) {
					dup = i, first = j;
					break;
				}
	} else {
		struct keyref *r = pcisim_malloc(n->n * sizeof(*r));
		if (!r)
			return PCISIM_ERR(PCISIM_ENOMEM);
		for (size_t i = 0; i < n->n; i++)
			r[i] = (struct keyref){n->keys[i]->str, i};
		qsort(r, n->n, sizeof(*r), cmp_keyref);
		for (size_t i = 1; i < n->n; i++)
			if (!strcmp(r[i].s, r[i - 1].s) && (dup == SIZE_MAX || r[i].i < dup) &&
			    (i < 2 || strcmp(r[i - 2].s, r[i].s)))
				dup = r[i].i, first = r[i - 1].i;
		pcisim_free(r);
	}
	if (dup == SIZE_MAX)
		return 0;
	return pcisim_diag_error(b->d, n->keys[dup]->loc,
				 "duplicate key '%s' (first at line %u, column %u); a mapping holds each key once",
				 n->keys[dup]->str, n->keys[first]->loc.line, n->keys[first]->loc.col);
}

/*
 * A node's tag. pcisim reads plain YAML: a value's type is the one its place
 * expects. The core schema's tags that agree with that are accepted: !!str makes a
 * scalar text (as quotes do), !!int and !!bool must hold an integer and a boolean
 * as pcisim reads them, !!map and !!seq must tag a mapping and a sequence. Any
 * other tag (an application's !foo, !!float, !!null, ...) would be silently
 * meaningless, so it is an error at the node.
 */
static int check_tag(struct builder *b, const unsigned char *tag, yaml_mark_t at,
		     struct pcisim_ynode *n)
{
	static const char core[] = "tag:yaml.org,2002:";
	static const char valid[] = "valid tags: !!str, !!int, !!bool, !!map, !!seq, or none";
	if (!tag)
		return 0;
	const char *t = (const char *)tag;
	char shown[80];
	if (!strncmp(t, core, sizeof(core) - 1))
		snprintf(shown, sizeof(shown), "!!%.60s", t + sizeof(core) - 1);
	else
		snprintf(shown, sizeof(shown), "%.60s", t);
	const char *name = shown[0] == '!' && shown[1] == '!' ? shown + 2 : NULL;
	enum pcisim_ykind want = PCISIM_Y_SCALAR;
	if (name && !strcmp(name, "map"))
		want = PCISIM_Y_MAP;
	else if (name && !strcmp(name, "seq"))
		want = PCISIM_Y_SEQ;
	else if (!name || (strcmp(name, "str") && strcmp(name, "int") && strcmp(name, "bool")))
		return pcisim_diag_error(b->d, mark_loc(b, at),
					 "unknown YAML tag '%s'; pcisim reads plain YAML (a value's type is the one its place expects): remove the tag, or quote a value meant as text; %s",
					 shown, valid);
	if (n->kind != want)
		return pcisim_diag_error(b->d, mark_loc(b, at), "YAML tag '%s' on %s; expected %s (or no tag)",
					 shown, pcisim_ykind_name(n->kind), pcisim_ykind_name(want));
	if (!strcmp(name, "str")) {
		n->quoted = true;
	} else if (!strcmp(name, "int")) {
		uint64_t v;
		if (pcisim_parse_u64(n->str, &v))
			return pcisim_diag_error(b->d, mark_loc(b, at),
						 "YAML tag '!!int' on '%.40s', which is not an integer; expected an integer like 18 or 0x12",
						 n->str);
		n->quoted = false;
	} else if (!strcmp(name, "bool")) {
		bool v;
		if (pcisim_parse_bool(n->str, &v))
			return pcisim_diag_error(b->d, mark_loc(b, at),
						 "YAML tag '!!bool' on '%.40s', which is not a boolean; valid choices: on, off, true, false",
						 n->str);
		n->quoted = false;
	}
	return 0;
}

static int next_event(struct builder *b, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&b->parser, ev))
		return parse_error(b);
	return 0;
}

/* Build the node that starts with @ev (already taken from the parser). */
static int build(struct builder *b, yaml_event_t *ev, struct pcisim_ynode **out)
{
	struct pcisim_arena *a = &b->doc->arena;
	struct pcisim_ynode *n;
	int rc = 0;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		for (size_t i = b->nanchors; i-- > 0;)
			if (!strcmp(b->anchors[i].name, (const char *)ev->data.alias.anchor)) {
				if (!b->anchors[i].node)
					return pcisim_diag_error(
						b->d, mark_loc(b, ev->start_mark),
						"YAML alias '*%s' inside the node it names; recursive structures are not allowed",
						ev->data.alias.anchor);
				*out = b->anchors[i].node;
				return 0;
			}
		return pcisim_diag_error(b->d, mark_loc(b, ev->start_mark),
					 "unknown YAML alias '*%s'; expected the name of an anchor (&%s) defined earlier in the file",
					 ev->data.alias.anchor, ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		n = pcisim_arena_alloc(a, sizeof(*n));
		n->kind = PCISIM_Y_SCALAR;
		n->loc = mark_loc(b, ev->start_mark);
		n->str = pcisim_arena_strndup(a, (const char *)ev->data.scalar.value,
					      ev->data.scalar.length);
		n->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
			    ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE ||
			    ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
			    ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
		*out = n;
		if ((rc = check_tag(b, ev->data.scalar.tag, ev->start_mark, n)))
			return rc;
		return add_anchor(b, ev->data.scalar.anchor, n, NULL);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		break;
	default:
		return pcisim_diag_error(b->d, mark_loc(b, ev->start_mark), "unexpected YAML event");
	}

	bool is_map = ev->type == YAML_MAPPING_START_EVENT;
	if (b->depth >= MAX_DEPTH)
		return pcisim_diag_error(b->d, mark_loc(b, ev->start_mark),
					 "YAML nested deeper than %d levels", MAX_DEPTH);
	b->depth++;
	n = pcisim_arena_alloc(a, sizeof(*n));
	n->kind = is_map ? PCISIM_Y_MAP : PCISIM_Y_SEQ;
	n->loc = mark_loc(b, ev->start_mark);
	rc = check_tag(b, is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag,
		       ev->start_mark, n);
	if (rc) {
		b->depth--;
		*out = n;
		return rc;
	}
	size_t slot = SIZE_MAX;
	rc = add_anchor(b, is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor,
			NULL, &slot);
	if (rc) {
		b->depth--;
		*out = n;
		return rc;
	}

	size_t cap = 0;
	struct pcisim_ynode **keys = NULL, **vals = NULL;
	for (;;) {
		yaml_event_t e;
		if ((rc = next_event(b, &e)))
			goto out;
		if (e.type == YAML_MAPPING_END_EVENT || e.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&e);
			break;
		}
		struct pcisim_ynode *k = NULL, *v = NULL;
		rc = build(b, &e, is_map ? &k : &v);
		yaml_event_delete(&e);
		if (rc)
			goto out;
		if (is_map) {
			if (k->kind != PCISIM_Y_SCALAR) {
				rc = pcisim_diag_error(b->d, k->loc,
						       "a mapping key must be a word, not %s",
						       pcisim_ykind_name(k->kind));
				goto out;
			}
			if (!k->quoted && !strcmp(k->str, "<<")) {
				rc = pcisim_diag_error(b->d, k->loc,
						       "YAML merge keys ('<<') are not supported; write the keys out");
				goto out;
			}
			if ((rc = next_event(b, &e)))
				goto out;
			rc = build(b, &e, &v);
			yaml_event_delete(&e);
			if (rc)
				goto out;
		}
		if (n->n == cap) {
			size_t nc = cap ? cap * 2 : 4;
			struct pcisim_ynode **nv = pcisim_arena_alloc(a, nc * sizeof(*nv));
			if (vals)
				memcpy(nv, vals, cap * sizeof(*nv));
			vals = nv;
			if (is_map) {
				struct pcisim_ynode **nk = pcisim_arena_alloc(a, nc * sizeof(*nk));
				if (keys)
					memcpy(nk, keys, cap * sizeof(*nk));
				keys = nk;
			}
			cap = nc;
		}
		if (is_map)
			keys[n->n] = k;
		vals[n->n++] = v;
	}
out:
	n->keys = keys;
	n->vals = vals;
	b->depth--;
	*out = n;
	if (!rc && is_map)
		rc = check_unique_keys(b, n);
	if (!rc && slot != SIZE_MAX)
		b->anchors[slot].node = n;
	return rc;
}

int pcisim_ydoc_parse(struct pcisim_ydoc *doc, const char *file, const char *text, size_t len,
		      struct pcisim_diag *d)
{
	memset(doc, 0, sizeof(*doc));
	pcisim_arena_init(&doc->arena);
	doc->file = pcisim_arena_strdup(&doc->arena, file ? file : "<input>");
	if (!text)
		text = "", len = 0;
	doc->text = pcisim_arena_strndup(&doc->arena, text, len);
	doc->text_len = len;

	struct builder b = {.doc = doc, .d = d};
	const char *nul = memchr(doc->text, 0, len);
	if (nul)
		return pcisim_diag_error(d, offset_loc(doc, (size_t)(nul - doc->text)),
					 "not a text file: NUL byte; expected UTF-8 YAML text");
	if (!yaml_parser_initialize(&b.parser))
		return PCISIM_ERR(PCISIM_ENOMEM);
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)doc->text, len);

	int rc = 0;
	yaml_event_t ev;
	bool seen_doc = false;
	for (;;) {
		if ((rc = next_event(&b, &ev)))
			break;
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (t == YAML_DOCUMENT_START_EVENT) {
			if (seen_doc) {
				rc = pcisim_diag_error(d, mark_loc(&b, ev.start_mark),
						       "a scenario file holds one YAML document; found a second '---'");
				yaml_event_delete(&ev);
				break;
			}
			seen_doc = true;
		} else if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT ||
			   t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT) {
			rc = build(&b, &ev, &doc->root);
			yaml_event_delete(&ev);
			if (rc)
				break;
			continue;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&b.parser);
	pcisim_free(b.anchors);
	return rc;
}

/* Read @f (named @path) whole, at most 64 MiB, and parse it; closes @f. */
static int load_stream(struct pcisim_ydoc *doc, const char *path, FILE *f, struct pcisim_diag *d)
{
	size_t cap = 4096, len = 0;
	char *buf = pcisim_malloc(cap);
	for (;;) {
		if (!buf) {
			fclose(f);
			return PCISIM_ERR(PCISIM_ENOMEM);
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (len < cap)
			break;
		if (cap >= (64u << 20)) {
			pcisim_free(buf);
			fclose(f);
			return pcisim_diag_error(d, (struct pcisim_loc){path, 0, 0},
						 "file too large (scenarios are at most 64 MiB)");
		}
		cap *= 2;
		char *nb = pcisim_realloc(buf, cap);
		if (!nb)
			pcisim_free(buf);
		buf = nb;
	}
	int err = ferror(f) ? errno : 0;
	fclose(f);
	if (err) {
		pcisim_free(buf);
		return pcisim_diag_error(d, (struct pcisim_loc){path, 0, 0}, "cannot read: %s",
					 strerror(err));
	}
	int rc = pcisim_ydoc_parse(doc, path, buf, len, d);
	pcisim_free(buf);
	return rc;
}

int pcisim_ydoc_load(struct pcisim_ydoc *doc, const char *path, struct pcisim_diag *d)
{
	memset(doc, 0, sizeof(*doc));
	errno = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return pcisim_diag_error(d, (struct pcisim_loc){path, 0, 0}, "cannot open: %s",
					 strerror(errno));
	return load_stream(doc, path, f, d);
}

const char *pcisim_file_kind(unsigned mode)
{
	mode_t m = (mode_t)mode;
	if (S_ISREG(m))
		return "a regular file";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO (named pipe)";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

int pcisim_ydoc_load_regular(struct pcisim_ydoc *doc, const char *path, struct pcisim_loc from,
			     struct pcisim_diag *d)
{
	memset(doc, 0, sizeof(*doc));
	/*
	 * Look before opening (a socket cannot be opened, a FIFO's open waits for a
	 * writer), then open without waiting and look again at what was opened: a file
	 * swapped in between is caught too, and nothing but a regular file is read.
	 */
	struct stat st;
	if (stat(path, &st))
		return pcisim_diag_error(d, from, "cannot open included file '%s': %s", path,
					 strerror(errno));
	if (!S_ISREG(st.st_mode))
		return pcisim_diag_error(d, from, "cannot include '%s': it is %s; expected a scenario file (a regular file)",
					 path, pcisim_file_kind((unsigned)st.st_mode));
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return pcisim_diag_error(d, from, "cannot open included file '%s': %s", path,
					 strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return pcisim_diag_error(d, from, "cannot include '%s': it is %s; expected a scenario file (a regular file)",
					 path, pcisim_file_kind((unsigned)st.st_mode));
	}
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		int err = errno;
		close(fd);
		return pcisim_diag_error(d, from, "cannot open included file '%s': %s", path,
					 strerror(err));
	}
	return load_stream(doc, path, f, d);
}

void pcisim_ydoc_free(struct pcisim_ydoc *doc)
{
	pcisim_arena_free(&doc->arena);
	memset(doc, 0, sizeof(*doc));
}

struct pcisim_ynode *pcisim_ymap_get(const struct pcisim_ynode *m, const char *key)
{
	if (!m || m->kind != PCISIM_Y_MAP)
		return NULL;
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->keys[i]->str, key))
			return m->vals[i];
	return NULL;
}

int pcisim_ymap_check_keys(const struct pcisim_ynode *m, const char *where,
			   const char *const *allowed, struct pcisim_diag *d)
{
	char buf[512];
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->keys[i]->str;
		bool ok = false;
		for (size_t j = 0; allowed[j]; j++)
			if (!strcmp(allowed[j], k))
				ok = true;
		if (!ok)
			return pcisim_diag_error(d, m->keys[i]->loc,
						 "unknown key '%s' in %s; valid keys: %s", k, where,
						 pcisim_choices(buf, sizeof(buf), allowed));
		for (size_t j = 0; j < i; j++)
			if (!strcmp(m->keys[j]->str, k))
				return pcisim_diag_error(d, m->keys[i]->loc,
							 "duplicate key '%s' in %s (first at line %u)",
							 k, where, m->keys[j]->loc.line);
	}
	return 0;
}

const char *pcisim_ynode_desc(const struct pcisim_ynode *n, char *buf, size_t len)
{
	if (n->kind != PCISIM_Y_SCALAR)
		return pcisim_ykind_name(n->kind);
	if (!n->str[0] && !n->quoted)
		return "an empty value";
	size_t l = strlen(n->str);
	if (l > 40)
		snprintf(buf, len, "'%.37s...'", n->str);
	else
		snprintf(buf, len, "'%s'", n->str);
	return buf;
}

int pcisim_yexpect(const struct pcisim_ynode *n, enum pcisim_ykind k, const char *what,
		   struct pcisim_diag *d)
{
	if (n->kind == k)
		return 0;
	char buf[64];
	return pcisim_diag_error(d, n->loc, "%s must be %s, not %s", what, pcisim_ykind_name(k),
				 pcisim_ynode_desc(n, buf, sizeof(buf)));
}

/* A scalar for @what, described as @form when it is not one. */
static int want_scalar(const struct pcisim_ynode *n, const char *what, const char *form,
		       const char **out, struct pcisim_diag *d)
{
	if (n->kind != PCISIM_Y_SCALAR)
		return pcisim_diag_error(d, n->loc, "%s must be %s, not %s", what, form,
					 pcisim_ykind_name(n->kind));
	*out = n->str;
	return 0;
}

int pcisim_yget_str(const struct pcisim_ynode *n, const char *what, const char **out,
		    struct pcisim_diag *d)
{
	return want_scalar(n, what, "a word or quoted text", out, d);
}

int pcisim_parse_u64(const char *s, uint64_t *out)
{
	int base = 10;
	const char *p = s;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		base = 8, p += 2;
	if (!*p || *p == '_')
		return -1;
	uint64_t v = 0;
	for (; *p; p++) {
		int dgt;
		if (*p == '_' && p[1])
			continue;
		if (*p >= '0' && *p <= '9')
			dgt = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			dgt = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			dgt = *p - 'A' + 10;
		else
			return -1;
		if (dgt >= base)
			return -1;
		if (v > (UINT64_MAX - (uint64_t)dgt) / (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + (uint64_t)dgt;
	}
	*out = v;
	return 0;
}

int pcisim_yget_u64(const struct pcisim_ynode *n, const char *what, uint64_t lo, uint64_t hi,
		    uint64_t *out, struct pcisim_diag *d)
{
	const char *s = NULL;
	int rc = want_scalar(n, what, "an integer", &s, d);
	if (rc)
		return rc;
	uint64_t v;
	if (pcisim_parse_u64(s, &v)) {
		if (s[0] >= '0' && s[0] <= '9' && s[strspn(s, "0123456789")] == 0)
			return pcisim_diag_error(d, n->loc, "%s: %s is too large; expected %llu..%llu",
						 what, s, (unsigned long long)lo, (unsigned long long)hi);
		return pcisim_diag_error(d, n->loc,
					 "%s: '%s' is not an integer; expected a number such as 18 or 0x12",
					 what, s);
	}
	if (v < lo || v > hi)
		return pcisim_diag_error(d, n->loc, "%s: %s is out of range; expected %llu..%llu",
					 what, s, (unsigned long long)lo, (unsigned long long)hi);
	*out = v;
	return 0;
}

int pcisim_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "on", "yes", "True", "TRUE", "On", "ON", "Yes", NULL};
	static const char *const no[] = {"false", "off", "no", "False", "FALSE", "Off", "OFF", "No", NULL};
	for (int i = 0; yes[i]; i++)
		if (!strcmp(s, yes[i]))
			return *out = true, 0;
	for (int i = 0; no[i]; i++)
		if (!strcmp(s, no[i]))
			return *out = false, 0;
	return -1;
}

int pcisim_yget_bool(const struct pcisim_ynode *n, const char *what, bool *out,
		     struct pcisim_diag *d)
{
	const char *s = NULL;
	int rc = want_scalar(n, what, "on or off", &s, d);
	if (rc)
		return rc;
	if (pcisim_parse_bool(s, out))
		return pcisim_diag_error(d, n->loc,
					 "%s: '%s' is not a boolean; valid choices: on, off, true, false",
					 what, s);
	return 0;
}

int pcisim_yget_time(const struct pcisim_ynode *n, const char *what, pcisim_time *out,
		     struct pcisim_diag *d)
{
	const char *s = NULL, *why;
	int rc = want_scalar(n, what, "a duration like 10ms", &s, d);
	if (rc)
		return rc;
	if (pcisim_time_parse(s, out, &why))
		return pcisim_diag_error(d, n->loc, "%s: bad duration '%s': %s", what, s, why);
	return 0;
}

int pcisim_yget_time_range(const struct pcisim_ynode *n, const char *what,
			   struct pcisim_time_range *out, struct pcisim_diag *d)
{
	const char *s = NULL, *why;
	int rc = want_scalar(n, what, "a time like 10ms or a range like 0ms..2s", &s, d);
	if (rc)
		return rc;
	if (pcisim_time_range_parse(s, out, &why)) {
		if (!strncmp(why, "expected", 8))
			return pcisim_diag_error(d, n->loc,
						 "%s: bad time '%s'; expected a time like 10ms or a range like 0ms..2s (units: ps, ns, us, ms, s)",
						 what, s);
		return pcisim_diag_error(d, n->loc,
					 "%s: bad time '%s': %s; expected a time like 10ms or a range like 0ms..2s",
					 what, s, why);
	}
	return 0;
}

int pcisim_yget_choice(const struct pcisim_ynode *n, const char *what, const char *const *choices,
		       unsigned *out, struct pcisim_diag *d)
{
	const char *s;
	char buf[512];
	if (n->kind != PCISIM_Y_SCALAR)
		return pcisim_diag_error(d, n->loc, "%s must be a word, not %s; valid choices: %s",
					 what, pcisim_ykind_name(n->kind),
					 pcisim_choices(buf, sizeof(buf), choices));
	s = n->str;
	for (unsigned i = 0; choices[i]; i++)
		if (!strcmp(choices[i], s))
			return *out = i, 0;
	return pcisim_diag_error(d, n->loc, "%s: unknown value '%s'; valid choices: %s", what, s,
				 pcisim_choices(buf, sizeof(buf), choices));
}
