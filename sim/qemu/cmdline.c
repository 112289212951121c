/*
 * QEMU command lines split into options: shell-like splitting of a command line or a
 * launch script into located words, then the words into options by QEMU's option
 * table (options.c). Each word keeps the file:line:col where it was written, also
 * inside a YAML scalar of a scenario file.
 *
 * Splitting follows the POSIX shell's quoting rules (XCU §2.2) closely enough for
 * launch scripts; nothing is executed: no command substitution, no globbing, no
 * environment (only variables the script itself assigns are expanded).
 */
#include "sim/qemu/qemu_args.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/qemu/qemu_args_int.h"
#include "sim/core/heap.h"

/* ------------------------------------------------------------------------------------ */
/* locations                                                                             */
/* ------------------------------------------------------------------------------------ */

/*
 * Where the characters of the text being split are in their file. With the file's
 * bytes at hand (a YAML scalar: block scalars drop their indentation, quoted ones their
 * quotes), each word is found in the file from the previous one on, so the location is
 * exact; otherwise text offsets are counted from @base (lines by newlines).
 */
struct srcmap {
	const char *text;
	struct pcisim_loc base;
	const char *src; /* the whole file, or NULL */
	size_t src_len;
	size_t cursor; /* offset in src where the next search starts */
	size_t limit;  /* searches stay before this offset */
	unsigned cur_line, cur_col;
	size_t cur_off; /* src offset that (cur_line, cur_col) describe */
};

static struct pcisim_loc plain_loc(const struct srcmap *m, size_t off)
{
	return pcisim_loc_advance(m->base, m->text, off);
}

/* Advance the (line, col) bookkeeping of the source to @to (>= cur_off). */
static void src_advance(struct srcmap *m, size_t to)
{
	for (size_t i = m->cur_off; i < to; i++) {
		if (m->src[i] == '\n')
			m->cur_line++, m->cur_col = 1;
		else if (((unsigned char)m->src[i] & 0xc0) != 0x80) /* columns count characters */
			m->cur_col++;
	}
	m->cur_off = to;
}

static struct pcisim_loc map_loc(struct srcmap *m, size_t off)
{
	if (m->src) {
		const char *s = m->text + off;
		size_t len = 0;
		while (len < 32 && s[len] && s[len] != '\n')
			len++;
		if (len) {
			for (size_t p = m->cursor; p + len <= m->limit; p++)
				if (m->src[p] == s[0] && !memcmp(m->src + p, s, len)) {
					m->cursor = p;
					src_advance(m, p);
					return (struct pcisim_loc){m->base.file, m->cur_line, m->cur_col};
				}
		}
	}
	return plain_loc(m, off);
}

static void srcmap_plain(struct srcmap *m, const char *text, struct pcisim_loc base)
{
	memset(m, 0, sizeof(*m));
	m->text = text;
	m->base = base;
}

/* The file a YAML node was read from, when the scenario being built still has it. */
static void srcmap_node(struct srcmap *m, struct pcisim_sim *sim, const struct pcisim_ynode *node)
{
	srcmap_plain(m, node->str, node->loc);
	const struct pcisim_scenario *sc = sim ? pcisim_sim_scenario(sim) : NULL;
	if (!sc || !node->loc.file || !node->loc.line)
		return;
	for (size_t i = 0; i < sc->ndocs; i++) {
		const struct pcisim_ydoc *doc = &sc->docs[i];
		if (!doc->text || !doc->file ||
		    (doc->file != node->loc.file && strcmp(doc->file, node->loc.file)))
			continue;
		/* Offset of the node's line and column. */
		size_t off = 0;
		unsigned line = 1;
		while (off < doc->text_len && line < node->loc.line)
			if (doc->text[off++] == '\n')
				line++;
		if (line != node->loc.line)
			return;
		m->src = doc->text;
		m->src_len = doc->text_len;
		m->cur_off = off;
		m->cur_line = line;
		m->cur_col = 1;
		unsigned col = 1;
		while (off < doc->text_len && col < node->loc.col && doc->text[off] != '\n')
			off++, col++;
		src_advance(m, off);
		m->cursor = off;
		/* The scalar's source is its text plus indentation, quotes and escapes. */
		size_t lines = 1;
		for (const char *p = node->str; *p; p++)
			lines += *p == '\n';
		size_t lim = off + strlen(node->str) + lines * 128 + 64;
		m->limit = lim < doc->text_len ? lim : doc->text_len;
		if (!node->str[0])
			m->src = NULL;
		/* A plain-offset fallback for a quoted scalar starts after the quote. */
		if (doc->text[off] == '"' || doc->text[off] == '\'')
			m->base.col++;
		return;
	}
}

/* ------------------------------------------------------------------------------------ */
/* splitting                                                                             */
/* ------------------------------------------------------------------------------------ */

struct word {
	const char *s;
	struct pcisim_loc loc, vloc; /* of the word; of its first character (after a quote) */
	bool sep;                    /* a command separator */
	bool blank_only;             /* only backslash-escaped blanks */
	bool unexpanded_var;         /* began with a $NAME the script does not set */
};

struct var {
	const char *name, *value;
};

struct tok {
	struct pcisim_arena *a;
	struct pcisim_diag *d;
	const char *text;
	size_t len;
	struct srcmap *map;
	bool newline_sep; /* newlines end commands (a script) or are blanks (one command line) */
	bool expand;      /* expand variables the script assigns */
	struct word *w;
	size_t n, cap;
	size_t cmd_start;
	struct var *vars;
	size_t nvars, capvars;
	/* the word being built */
	char *buf;
	size_t blen, bcap;
	const char *heredoc; /* a pending here-document's delimiter */
	bool heredoc_tabs;
};

static void buf_put(struct tok *t, char c)
{
	if (t->blen + 2 > t->bcap) {
		t->bcap = t->bcap ? t->bcap * 2 : 256;
		t->buf = pcisim_realloc(t->buf, t->bcap);
		if (!t->buf)
			abort();
	}
	t->buf[t->blen++] = c;
	t->buf[t->blen] = 0;
}

static struct word *push_word(struct tok *t)
{
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		struct word *nw = pcisim_arena_alloc(t->a, nc * sizeof(*nw));
		if (t->n)
			memcpy(nw, t->w, t->n * sizeof(*nw));
		t->w = nw;
		t->cap = nc;
	}
	struct word *w = &t->w[t->n++];
	memset(w, 0, sizeof(*w));
	return w;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_name_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* NAME=... with a shell variable name. */
static bool is_assignment(const char *s)
{
	if (!is_name_start(s[0]))
		return false;
	size_t i = 1;
	while (is_name_char(s[i]))
		i++;
	return s[i] == '=';
}

static const char *var_get(const struct tok *t, const char *name, size_t len)
{
	for (size_t i = t->nvars; i-- > 0;)
		if (strlen(t->vars[i].name) == len && !memcmp(t->vars[i].name, name, len))
			return t->vars[i].value;
	return NULL;
}

static void var_set(struct tok *t, const char *assignment)
{
	const char *eq = strchr(assignment, '=');
	if (t->nvars == t->capvars) {
		t->capvars = t->capvars ? t->capvars * 2 : 16;
		t->vars = pcisim_realloc(t->vars, t->capvars * sizeof(*t->vars));
		if (!t->vars)
			abort();
	}
	t->vars[t->nvars].name = pcisim_arena_strndup(t->a, assignment, (size_t)(eq - assignment));
	t->vars[t->nvars].value = pcisim_arena_strdup(t->a, eq + 1);
	t->nvars++;
}

/* A command ended: a script's assignments (A=b, export A=b) are remembered. */
static void end_command(struct tok *t)
{
	size_t i = t->cmd_start;
	if (i < t->n && !t->w[i].sep &&
	    (!strcmp(t->w[i].s, "export") || !strcmp(t->w[i].s, "readonly") ||
	     !strcmp(t->w[i].s, "declare") || !strcmp(t->w[i].s, "local") ||
	     !strcmp(t->w[i].s, "typeset"))) {
		for (i++; i < t->n && t->w[i].s[0] == '-'; i++)
			;
	}
	bool all = i < t->n;
	for (size_t j = i; j < t->n; j++)
		if (t->w[j].sep || !is_assignment(t->w[j].s))
			all = false;
	if (all && t->expand)
		for (size_t j = i; j < t->n; j++)
			var_set(t, t->w[j].s);
	t->cmd_start = t->n;
}

static void push_sep(struct tok *t, size_t off, const char *what)
{
	end_command(t);
	if (t->n && t->w[t->n - 1].sep)
		return; /* one separator between commands is enough */
	struct word *w = push_word(t);
	w->s = what;
	w->sep = true;
	w->loc = w->vloc = map_loc(t->map, off);
	t->cmd_start = t->n;
}

/* Finish the word in the buffer. */
static void finish_word(struct tok *t, size_t off, size_t voff, bool blank_only, bool unexp)
{
	struct word *w = push_word(t);
	w->s = pcisim_arena_strndup(t->a, t->buf ? t->buf : "", t->blen);
	w->loc = map_loc(t->map, off);
	w->vloc = voff == off ? w->loc : map_loc(t->map, voff);
	w->blank_only = blank_only;
	w->unexpanded_var = unexp;
	t->blen = 0;
	if (t->buf)
		t->buf[0] = 0;
}

/* Skip a $( ... ) or ` ... ` group starting at @i, copying it into the word. */
static size_t copy_group(struct tok *t, size_t i)
{
	const char *s = t->text;
	if (s[i] == '`') {
		buf_put(t, s[i++]);
		while (i < t->len && s[i] != '`') {
			if (s[i] == '\\' && i + 1 < t->len)
				buf_put(t, s[i++]);
			buf_put(t, s[i++]);
		}
		if (i < t->len)
			buf_put(t, s[i++]);
		return i;
	}
	int depth = 0;
	char quote = 0;
	while (i < t->len) {
		char c = s[i];
		buf_put(t, c);
		i++;
		if (quote) {
			if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '\'' || c == '"')
			quote = c;
		else if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0)
			break;
	}
	return i;
}

/*
 * A $NAME or ${NAME} at @i: expanded when the script set it (unquoted values are split
 * into words at blanks), else kept as written. Returns the index after it.
 */
static size_t dollar(struct tok *t, size_t i, bool quoted, size_t word_off, bool *split,
		     bool *unexp)
{
	const char *s = t->text;
	size_t j = i + 1, name = 0, nlen = 0, end = 0;
	if (j < t->len && s[j] == '(')
		return copy_group(t, i);
	if (j < t->len && s[j] == '{') {
		size_t k = j + 1;
		while (k < t->len && is_name_char(s[k]))
			k++;
		if (k < t->len && s[k] == '}' && k > j + 1)
			name = j + 1, nlen = k - j - 1, end = k + 1;
	} else if (j < t->len && is_name_start(s[j])) {
		size_t k = j;
		while (k < t->len && is_name_char(s[k]))
			k++;
		name = j, nlen = k - j, end = k;
	}
	const char *val = nlen && t->expand ? var_get(t, s + name, nlen) : NULL;
	if (!val) {
		if (!nlen) {
			buf_put(t, '$');
			return i + 1;
		}
		if (t->blen == 0)
			*unexp = true;
		for (size_t k = i; k < end; k++)
			buf_put(t, s[k]);
		return end;
	}
	for (const char *v = val; *v; v++) {
		if (!quoted && (is_blank(*v) || *v == '\n')) {
			if (t->blen)
				finish_word(t, word_off, word_off, false, false);
			*split = true;
			continue;
		}
		buf_put(t, *v);
	}
	return end;
}

/* Read one word at @*ip. */
static int read_word(struct tok *t, size_t *ip)
{
	const char *s = t->text;
	size_t i = *ip, off = i, voff = i;
	bool blank_only = true, any = false, split = false, unexp = false;
	if (s[i] == '"' || s[i] == '\'')
		voff = i + 1;
	while (i < t->len) {
		char c = s[i];
		if (is_blank(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' ||
		    c == ')' || c == '<' || c == '>')
			break;
		if (c == '\\') {
			if (i + 1 >= t->len) {
				i++;
				break;
			}
			if (s[i + 1] == '\n') {
				i += 2;
				continue;
			}
			if (s[i + 1] == '\r' && i + 2 < t->len && s[i + 2] == '\n') {
				i += 3;
				continue;
			}
			if (!is_blank(s[i + 1]))
				blank_only = false;
			buf_put(t, s[i + 1]);
			any = true;
			i += 2;
			continue;
		}
		blank_only = false;
		any = true;
		if (c == '\'') {
			size_t j = i + 1;
			while (j < t->len && s[j] != '\'')
				j++;
			if (j >= t->len)
				return pcisim_diag_error(t->d, map_loc(t->map, i),
							 "unterminated single quote; expected a closing '");
			for (size_t k = i + 1; k < j; k++)
				buf_put(t, s[k]);
			i = j + 1;
			continue;
		}
		if (c == '"') {
			size_t q = i++;
			while (i < t->len && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < t->len && strchr("$`\"\\\n", s[i + 1])) {
					if (s[i + 1] != '\n')
						buf_put(t, s[i + 1]);
					i += 2;
					continue;
				}
				if (s[i] == '$') {
					i = dollar(t, i, true, off, &split, &unexp);
					continue;
				}
				buf_put(t, s[i++]);
			}
			if (i >= t->len)
				return pcisim_diag_error(t->d, map_loc(t->map, q),
							 "unterminated double quote; expected a closing \"");
			i++;
			continue;
		}
		if (c == '$') {
			i = dollar(t, i, false, off, &split, &unexp);
			continue;
		}
		if (c == '`') {
			i = copy_group(t, i);
			continue;
		}
		buf_put(t, c);
		i++;
	}
	*ip = i;
	if (any && (!split || t->blen))
		finish_word(t, off, voff, blank_only, unexp);
	return 0;
}

/* Skip a here-document's body: the lines up to its delimiter line. @i is after a newline. */
static size_t skip_heredoc(struct tok *t, size_t i)
{
	size_t dl = strlen(t->heredoc);
	while (i < t->len) {
		size_t e = i;
		while (e < t->len && t->text[e] != '\n')
			e++;
		size_t b = i;
		if (t->heredoc_tabs)
			while (b < e && t->text[b] == '\t')
				b++;
		size_t le = e;
		if (le > b && t->text[le - 1] == '\r')
			le--;
		i = e < t->len ? e + 1 : e;
		if (le - b == dl && !memcmp(t->text + b, t->heredoc, dl))
			break;
	}
	t->heredoc = NULL;
	return i;
}

/* A redirection operator at @i (its file descriptor digits already skipped). */
static int redirection(struct tok *t, size_t *ip)
{
	const char *s = t->text;
	size_t i = *ip;
	bool heredoc = false, tabs = false;
	if (s[i] == '&') /* &> and &>> */
		i++;
	if (s[i] == '<' && i + 1 < t->len && s[i + 1] == '<') {
		i += 2;
		if (i < t->len && s[i] == '<') {
			i++; /* <<< here-string */
		} else {
			heredoc = true;
			if (i < t->len && s[i] == '-')
				tabs = true, i++;
		}
	} else {
		i++;
		if (i < t->len && (s[i] == '>' || s[i] == '&' || s[i] == '|'))
			i++;
	}
	while (i < t->len && is_blank(s[i]))
		i++;
	size_t before = t->n;
	if (i < t->len && s[i] != '\n') {
		int rc = read_word(t, &i);
		if (rc)
			return rc;
	}
	if (heredoc && t->n > before)
		t->heredoc = t->w[t->n - 1].s, t->heredoc_tabs = tabs;
	t->n = before; /* the target is not an argument */
	*ip = i;
	return 0;
}

static int tokenize(struct tok *t)
{
	const char *s = t->text;
	size_t i = 0;
	int rc;
	while (i < t->len) {
		char c = s[i];
		if (is_blank(c)) {
			i++;
			continue;
		}
		if (c == '\\' && i + 1 < t->len && s[i + 1] == '\n') {
			i += 2;
			continue;
		}
		if (c == '\\' && i + 2 < t->len && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 3;
			continue;
		}
		if (c == '\\' && i + 1 < t->len && is_blank(s[i + 1])) {
			/* "\ " starting a word: a continuation whose newline was lost ("a \ -b"). */
			i += 2;
			continue;
		}
		if (c == '\n') {
			i++;
			if (t->heredoc)
				i = skip_heredoc(t, i);
			if (t->newline_sep)
				push_sep(t, i - 1, "newline");
			continue;
		}
		if (c == '#') {
			while (i < t->len && s[i] != '\n')
				i++;
			continue;
		}
		if (c == '&' && i + 1 < t->len && s[i + 1] == '>') {
			if ((rc = redirection(t, &i)))
				return rc;
			continue;
		}
		if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')') {
			size_t st = i++;
			if ((c == '&' || c == '|' || c == ';') && i < t->len && s[i] == c)
				i++;
			else if (c == '|' && i < t->len && s[i] == '&')
				i++;
			push_sep(t, st, c == ';' ? ";" : c == '&' ? "&" : c == '|' ? "|" : "(");
			continue;
		}
		if (c == '<' || c == '>') {
			if ((rc = redirection(t, &i)))
				return rc;
			continue;
		}
		if (c >= '0' && c <= '9') {
			size_t j = i;
			while (j < t->len && s[j] >= '0' && s[j] <= '9')
				j++;
			if (j < t->len && (s[j] == '<' || s[j] == '>')) {
				i = j;
				if ((rc = redirection(t, &i)))
					return rc;
				continue;
			}
		}
		if ((rc = read_word(t, &i)))
			return rc;
	}
	end_command(t);
	return 0;
}

/* Is @w the name of a QEMU binary (or a variable that holds one)? */
static bool is_qemu_program(const struct word *w)
{
	if (w->sep)
		return false;
	const char *s = w->s;
	if (w->unexpanded_var) {
		for (const char *p = s; *p; p++)
			if ((p[0] | 0x20) == 'q' && (p[1] | 0x20) == 'e' && (p[2] | 0x20) == 'm' &&
			    (p[3] | 0x20) == 'u')
				return true;
		return false;
	}
	const char *base = strrchr(s, '/');
	base = base ? base + 1 : s;
	return !strncmp(base, "qemu-system-", 12) || !strcmp(base, "qemu-kvm") ||
	       !strcmp(base, "kvm");
}

static bool is_option_word(const struct word *w)
{
	return !w->sep && w->s[0] == '-' && w->s[1];
}

/*
 * The command to read: the first that names a QEMU program followed by an option;
 * [*start, *end) are its words after the program (*prog, or SIZE_MAX).
 */
static bool find_qemu_command(const struct tok *t, size_t *start, size_t *end, size_t *prog)
{
	size_t b = 0;
	while (b < t->n) {
		size_t e = b;
		while (e < t->n && !t->w[e].sep)
			e++;
		for (size_t k = b; k < e; k++)
			if (is_qemu_program(&t->w[k])) {
				size_t o = k + 1;
				while (o < e && t->w[o].blank_only)
					o++;
				if (o < e && is_option_word(&t->w[o])) {
					*start = k + 1, *end = e, *prog = k;
					return true;
				}
				break;
			}
		b = e + 1;
	}
	return false;
}

/* The first command with any words, leading NAME=value words skipped. */
static bool first_command(const struct tok *t, size_t *start, size_t *end)
{
	size_t b = 0;
	while (b < t->n) {
		size_t e = b;
		while (e < t->n && !t->w[e].sep)
			e++;
		size_t k = b;
		while (k < e && (t->w[k].blank_only || is_assignment(t->w[k].s)))
			k++;
		if (k < e) {
			*start = k, *end = e;
			return true;
		}
		b = e + 1;
	}
	return false;
}

static int build_opts(struct tok *t, size_t start, size_t end, struct pcisim_qemu_cmdline *out)
{
	size_t cap = 0;
	for (size_t i = start; i < end; i++) {
		const struct word *w = &t->w[i];
		if (w->blank_only)
			continue;
		struct pcisim_qemu_opt o = {0};
		o.loc = w->loc;
		if (!is_option_word(w)) {
			/* QEMU takes a bare word as the first disk image (like -hda). */
			o.value = w->s;
			o.value_loc = w->vloc;
		} else {
			const char *name = w->s + 1;
			if (name[0] == '-')
				name++; /* QEMU accepts --device as -device */
			bool arg = false;
			if (!pcisim_qemu_option_known(name, &arg)) {
				const char *sug = pcisim__qemu_option_suggest(name);
				if (sug)
					return pcisim_diag_error(t->d, w->loc,
								 "unknown option '%s': not a QEMU option; did you mean '-%s'?",
								 w->s, sug);
				return pcisim_diag_error(t->d, w->loc,
							 "unknown option '%s': not a QEMU option (see qemu-system-x86_64 -help)",
							 w->s);
			}
			o.name = name;
			if (arg) {
				size_t j = i + 1;
				while (j < end && t->w[j].blank_only)
					j++;
				if (j >= end)
					return pcisim_diag_error(t->d, w->loc,
								 "option '%s' needs an argument (e.g. -device pcie-root-port,id=rp1)",
								 w->s);
				o.value = t->w[j].s;
				o.value_loc = t->w[j].vloc;
				i = j;
			}
		}
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct pcisim_qemu_opt *nv = pcisim_arena_alloc(t->a, nc * sizeof(*nv));
			if (out->n)
				memcpy(nv, out->opts, out->n * sizeof(*nv));
			out->opts = nv;
			cap = nc;
		}
		out->opts[out->n++] = o;
	}
	return 0;
}

enum split_mode { SPLIT_CMDLINE, SPLIT_SCRIPT };

static int split(struct pcisim_arena *a, const char *text, struct srcmap *map, enum split_mode mode,
		 struct pcisim_qemu_cmdline *out, struct pcisim_diag *d)
{
	memset(out, 0, sizeof(*out));
	struct tok t = {
		.a = a,
		.d = d,
		.text = text,
		.len = strlen(text),
		.map = map,
		.newline_sep = mode == SPLIT_SCRIPT,
		.expand = mode == SPLIT_SCRIPT,
	};
	struct srcmap fresh = *map; /* for a second reading */
	int rc = tokenize(&t);
	size_t start = 0, end = 0, prog = (size_t)-1;
	bool found = false;
	if (!rc) {
		found = find_qemu_command(&t, &start, &end, &prog);
		if (!found && mode == SPLIT_SCRIPT) {
			/* No QEMU program named: the whole text is one command line. */
			pcisim_free(t.buf);
			pcisim_free(t.vars);
			*map = fresh;
			return split(a, text, map, SPLIT_CMDLINE, out, d);
		}
		if (!found)
			found = first_command(&t, &start, &end);
		if (found && prog != (size_t)-1) {
			out->program = t.w[prog].s;
			out->program_loc = t.w[prog].loc;
		}
		if (found)
			rc = build_opts(&t, start, end, out);
	}
	pcisim_free(t.buf);
	pcisim_free(t.vars);
	if (!rc && !out->n)
		rc = pcisim_diag_error(d, map->base,
				       "no QEMU options found; expected a command line such as 'qemu-system-x86_64 -machine q35 -device pcie-root-port,id=rp1'");
	return rc;
}

int pcisim_qemu_cmdline_parse(struct pcisim_arena *a, const char *text, struct pcisim_loc loc,
			      struct pcisim_qemu_cmdline *out, struct pcisim_diag *d)
{
	struct srcmap m;
	srcmap_plain(&m, text, loc);
	return split(a, text, &m, SPLIT_CMDLINE, out, d);
}

int pcisim_qemu_script_parse(struct pcisim_arena *a, const char *text, struct pcisim_loc loc,
			     struct pcisim_qemu_cmdline *out, struct pcisim_diag *d)
{
	struct srcmap m;
	srcmap_plain(&m, text, loc);
	return split(a, text, &m, SPLIT_SCRIPT, out, d);
}

int pcisim__qemu_cmdline_parse_node(struct pcisim_arena *a, struct pcisim_sim *sim,
				    const struct pcisim_ynode *node,
				    struct pcisim_qemu_cmdline *out, struct pcisim_diag *d)
{
	struct srcmap map;
	srcmap_node(&map, sim, node);
	return split(a, node->str, &map, SPLIT_CMDLINE, out, d);
}
