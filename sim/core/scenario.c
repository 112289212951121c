/*
 * The scenario loader: top-level keys, includes, timeline steps and expectations,
 * each checked against the registered actions and expectation kinds.
 */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700

#include "sim/core/scenario.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/component.h"
#include "sim/core/grow.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/core/heap.h"

/* ---- registries ---- */

/*
 * Each registry keeps its tables in registration order (lookups take the first match,
 * so the order decides between two tables that define the same name) and grows as
 * layers register: none has a limit.
 */
static const struct pcisim_action_def **action_tables;
static size_t naction_tables, capaction_tables;
static const struct pcisim_expect_def **expect_tables;
static size_t nexpect_tables, capexpect_tables;
static const struct pcisim_section_def **sections;
static size_t nsections, capsections;

void pcisim_actions_add(const struct pcisim_action_def *table)
{
	for (size_t i = 0; i < naction_tables; i++)
		if (action_tables[i] == table)
			return;
	action_tables = pcisim_grow(action_tables, &capaction_tables, naction_tables + 1,
				    sizeof(*action_tables));
	action_tables[naction_tables++] = table;
}

void pcisim_expects_add(const struct pcisim_expect_def *table)
{
	for (size_t i = 0; i < nexpect_tables; i++)
		if (expect_tables[i] == table)
			return;
	expect_tables = pcisim_grow(expect_tables, &capexpect_tables, nexpect_tables + 1,
				    sizeof(*expect_tables));
	expect_tables[nexpect_tables++] = table;
}

void pcisim_section_set(const struct pcisim_section_def *def)
{
	/* A section of the same name is replaced in its place. */
	for (size_t i = 0; i < nsections; i++)
		if (!strcmp(sections[i]->name, def->name)) {
			sections[i] = def;
			return;
		}
	sections = pcisim_grow(sections, &capsections, nsections + 1, sizeof(*sections));
	sections[nsections++] = def;
}

const struct pcisim_section_def *pcisim__section_find(const char *name)
{
	for (size_t i = 0; i < nsections; i++)
		if (!strcmp(sections[i]->name, name))
			return sections[i];
	return NULL;
}

const struct pcisim_action_def *pcisim_action_find(const char *name)
{
	for (size_t i = 0; i < naction_tables; i++)
		for (const struct pcisim_action_def *a = action_tables[i]; a->name; a++)
			if (!strcmp(a->name, name))
				return a;
	return NULL;
}

const struct pcisim_expect_def *pcisim_expect_def_find(const char *key)
{
	for (size_t i = 0; i < nexpect_tables; i++)
		for (const struct pcisim_expect_def *e = expect_tables[i]; e->key; e++)
			if (!strcmp(e->key, key))
				return e;
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **pcisim_action_names(void)
{
	size_t n = 0;
	for (size_t i = 0; i < naction_tables; i++)
		for (const struct pcisim_action_def *a = action_tables[i]; a->name; a++)
			n++;
	const char **v = pcisim_calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	n = 0;
	for (size_t i = 0; i < naction_tables; i++)
		for (const struct pcisim_action_def *a = action_tables[i]; a->name; a++)
			v[n++] = a->name;
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

const char **pcisim_expect_keys(void)
{
	size_t n = 0;
	for (size_t i = 0; i < nexpect_tables; i++)
		for (const struct pcisim_expect_def *e = expect_tables[i]; e->key; e++)
			n++;
	const char **v = pcisim_calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	n = 0;
	for (size_t i = 0; i < nexpect_tables; i++)
		for (const struct pcisim_expect_def *e = expect_tables[i]; e->key; e++)
			v[n++] = e->key;
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

/* ---- parameters ---- */

static const char *ptype_form(const struct pcisim_param_def *p)
{
	switch (p->type) {
	case PCISIM_P_STR:
		return "a word or quoted text";
	case PCISIM_P_INT:
		return "an integer";
	case PCISIM_P_BOOL:
		return "on or off";
	case PCISIM_P_TIME:
		return "a duration like 10ms";
	case PCISIM_P_CHOICE:
		return "one of the listed choices";
	case PCISIM_P_COMP:
		return "a component id";
	case PCISIM_P_NEWID:
		return "a new component id";
	case PCISIM_P_VALUE:
		return "an integer or a word";
	case PCISIM_P_NODE:
		return "a value";
	}
	return "?";
}

static int parse_param(const struct pcisim_param_def *p, const struct pcisim_ynode *n,
		       struct pcisim_pval *v, struct pcisim_diag *d)
{
	char what[128];
	snprintf(what, sizeof(what), "'%s'", p->name);
	v->def = p;
	v->node = n;
	v->set = true;
	if (p->type == PCISIM_P_NODE)
		return 0;
	if (n->kind != PCISIM_Y_SCALAR && p->type == PCISIM_P_CHOICE) {
		char buf[512];
		return pcisim_diag_error(d, n->loc, "%s must be a word, not %s; valid choices: %s",
					 what, pcisim_ykind_name(n->kind),
					 pcisim_choices(buf, sizeof(buf), p->choices));
	}
	if (n->kind != PCISIM_Y_SCALAR)
		return pcisim_diag_error(d, n->loc, "%s must be %s, not %s", what, ptype_form(p),
					 pcisim_ykind_name(n->kind));
	v->s = n->str;
	switch (p->type) {
	case PCISIM_P_INT:
		return pcisim_yget_u64(n, what, p->lo, p->hi ? p->hi : UINT64_MAX, &v->u, d);
	case PCISIM_P_BOOL: {
		bool b = false;
		int rc = pcisim_yget_bool(n, what, &b, d);
		v->u = b;
		return rc;
	}
	case PCISIM_P_TIME:
		return pcisim_yget_time(n, what, &v->u, d);
	case PCISIM_P_CHOICE: {
		unsigned i = 0;
		int rc = pcisim_yget_choice(n, what, p->choices, &i, d);
		v->u = i;
		return rc;
	}
	case PCISIM_P_VALUE:
		v->numeric = !n->quoted && pcisim_parse_u64(n->str, &v->u) == 0;
		return 0;
	case PCISIM_P_COMP:
	case PCISIM_P_NEWID:
	case PCISIM_P_STR:
		if (!n->str[0] && p->type != PCISIM_P_STR)
			return pcisim_diag_error(d, n->loc, "%s must not be empty", what);
		return 0;
	case PCISIM_P_NODE:
		break;
	}
	return 0;
}

/* Parse the keys of map @m against @params; @skip names keys handled by the caller. */
/*
 * @inline_key (may be NULL): a key of @m whose value is parameter @inline_param's
 * (a step {at: T, NAME: VALUE}, NAME being the action).
 */
static int parse_params(struct pcisim_arena *a, const struct pcisim_ynode *m, const char *where,
			const struct pcisim_param_def *params, const char *const *skip, bool open,
			const char *inline_key, const char *inline_param,
			struct pcisim_pval **out, size_t *nout, struct pcisim_diag *d)
{
	size_t np = 0;
	while (params && params[np].name)
		np++;
	struct pcisim_pval *vals = pcisim_arena_alloc(a, (np + 1) * sizeof(*vals));
	for (size_t i = 0; i < np; i++)
		vals[i].def = &params[i];
	for (size_t k = 0; k < m->n; k++) {
		const char *key = m->keys[k]->str;
		bool skipped = false;
		for (size_t j = 0; skip && skip[j]; j++)
			if (!strcmp(skip[j], key))
				skipped = true;
		for (size_t j = 0; j < k; j++)
			if (!strcmp(m->keys[j]->str, key))
				return pcisim_diag_error(d, m->keys[k]->loc,
							 "duplicate key '%s' in %s (first at line %u)",
							 key, where, m->keys[j]->loc.line);
		if (skipped)
			continue;
		size_t i;
		for (i = 0; i < np; i++)
			if (!strcmp(params[i].name, key))
				break;
		if (i == np) {
			if (open)
				continue;
			size_t nskip = 0;
			while (skip && skip[nskip])
				nskip++;
			const char **names = pcisim_calloc(nskip + np + 1, sizeof(*names));
			if (!names)
				return PCISIM_ERR(PCISIM_ENOMEM);
			size_t nn = 0;
			for (size_t j = 0; j < nskip; j++)
				names[nn++] = skip[j];
			for (size_t j = 0; j < np; j++)
				names[nn++] = params[j].name;
			char buf[512];
			pcisim_choices(buf, sizeof(buf), names);
			pcisim_free(names);
			return pcisim_diag_error(d, m->keys[k]->loc,
						 "unknown parameter '%s' for %s; valid parameters: %s",
						 key, where, buf);
		}
		int rc = parse_param(&params[i], m->vals[k], &vals[i], d);
		if (rc)
			return rc;
	}
	for (size_t i = 0; inline_key && i < np; i++) {
		if (strcmp(params[i].name, inline_param))
			continue;
		if (vals[i].set)
			return pcisim_diag_error(d, vals[i].node->loc,
						 "'%s' is given twice: as '%s: ...' and as '%s'",
						 inline_param, inline_key, inline_param);
		int rc = parse_param(&params[i], pcisim_ymap_get(m, inline_key), &vals[i], d);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < np; i++)
		if (params[i].required && !vals[i].set) {
			char form[256];
			if (params[i].type == PCISIM_P_CHOICE)
				pcisim_choices(form, sizeof(form), params[i].choices);
			else
				snprintf(form, sizeof(form), "%s", ptype_form(&params[i]));
			return pcisim_diag_error(d, m->loc, "%s needs '%s' (%s%s)", where,
						 params[i].name,
						 params[i].type == PCISIM_P_CHOICE ? "one of: " : "",
						 form);
		}
	*out = vals;
	*nout = np;
	return 0;
}

static const struct pcisim_pval *find_val(const struct pcisim_pval *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) /* the first letter first: asked at every step a run plays */
		if (v[i].def->name[0] == name[0] && !strcmp(v[i].def->name, name))
			return &v[i];
	return NULL;
}

const struct pcisim_pval *pcisim_step_param(const struct pcisim_step *s, const char *name)
{
	return find_val(s->vals, s->nvals, name);
}

const struct pcisim_pval *pcisim_expect_param(const struct pcisim_expect *e, const char *name)
{
	return find_val(e->vals, e->nvals, name);
}

struct pcisim_comp *pcisim_step_comp(struct pcisim_sim *sim, const struct pcisim_step *s,
				     const char *name)
{
	const struct pcisim_pval *v = pcisim_step_param(s, name);
	return v && v->set ? pcisim_comp_find(sim, v->s) : NULL;
}

/* ---- loading ---- */

static const char *const top_keys[] = {
	"version", "name",  "description", "seed",   "until", "machine",
	"topology", "host", "timeline",    "expect", "fuzz",  "include", "machines", NULL,
};

struct loader {
	struct pcisim_scenario *sc;
	struct pcisim_diag *d;
	const struct pcisim_include_reader *inc; /* NULL: included files from the file system */
	size_t nincluded;                        /* includes read so far */
	const char *stack[PCISIM_MAX_INCLUDE_DEPTH + 1]; /* the files being read, as named */
	const char *canon[PCISIM_MAX_INCLUDE_DEPTH + 1]; /* the same, as real paths */
	unsigned depth;
};

static struct pcisim_ynode *new_node(struct pcisim_scenario *sc, enum pcisim_ykind k,
				     struct pcisim_loc loc)
{
	struct pcisim_ynode *n = pcisim_arena_alloc(&sc->arena, sizeof(*n));
	n->kind = k;
	n->loc = loc;
	return n;
}

/* Append the items of @src (a sequence) to the merged sequence *@dst. */
static void seq_merge(struct pcisim_scenario *sc, struct pcisim_ynode **dst,
		      const struct pcisim_ynode *src, bool src_first)
{
	if (!*dst) {
		*dst = new_node(sc, PCISIM_Y_SEQ, src->loc);
	}
	struct pcisim_ynode *m = *dst;
	size_t n = m->n + src->n;
	struct pcisim_ynode **v = pcisim_arena_alloc(&sc->arena, (n + 1) * sizeof(*v));
	if (src_first) {
		if (src->n)
			memcpy(v, src->vals, src->n * sizeof(*v));
		if (m->n)
			memcpy(v + src->n, m->vals, m->n * sizeof(*v));
	} else {
		if (m->n)
			memcpy(v, m->vals, m->n * sizeof(*v));
		if (src->n)
			memcpy(v + m->n, src->vals, src->n * sizeof(*v));
	}
	m->vals = v;
	m->n = n;
}

struct keyidx {
	const char *key;
	size_t i;
};

static int cmp_keyidx(const void *a, const void *b)
{
	return strcmp(((const struct keyidx *)a)->key, ((const struct keyidx *)b)->key);
}

/*
 * Merge map @src into *@dst; keys already in *@dst win when @dst_wins. The keys of
 * each map are unique (the YAML reader checks), so each key of @src is looked up
 * among the keys *@dst had before: O((n + m) log n) for big sections.
 */
static int map_merge(struct pcisim_scenario *sc, struct pcisim_ynode **dst,
		     const struct pcisim_ynode *src, bool dst_wins)
{
	if (!*dst)
		*dst = new_node(sc, PCISIM_Y_MAP, src->loc);
	struct pcisim_ynode *m = *dst;
	size_t cap = m->n + src->n;
	struct pcisim_ynode **k = pcisim_arena_alloc(&sc->arena, (cap + 1) * sizeof(*k));
	struct pcisim_ynode **v = pcisim_arena_alloc(&sc->arena, (cap + 1) * sizeof(*v));
	struct keyidx *idx = NULL;
	if (m->n) {
		memcpy(k, m->keys, m->n * sizeof(*k));
		memcpy(v, m->vals, m->n * sizeof(*v));
		idx = pcisim_malloc(m->n * sizeof(*idx));
		if (!idx)
			return PCISIM_ERR(PCISIM_ENOMEM);
		for (size_t i = 0; i < m->n; i++)
			idx[i] = (struct keyidx){m->keys[i]->str, i};
		qsort(idx, m->n, sizeof(*idx), cmp_keyidx);
	}
	size_t n = m->n;
	for (size_t i = 0; i < src->n; i++) {
		struct keyidx want = {src->keys[i]->str, 0};
		const struct keyidx *hit =
			idx ? bsearch(&want, idx, m->n, sizeof(*idx), cmp_keyidx) : NULL;
		if (hit) {
			if (!dst_wins)
				v[hit->i] = src->vals[i];
			continue;
		}
		k[n] = src->keys[i];
		v[n++] = src->vals[i];
	}
	pcisim_free(idx);
	m->keys = k;
	m->vals = v;
	m->n = n;
	return 0;
}

static int load_doc(struct loader *L, const char *path, const char *text, size_t len,
		    struct pcisim_loc from, bool top);

static int take_sections(struct loader *L, const struct pcisim_ynode *root, bool top)
{
	struct pcisim_scenario *sc = L->sc;
	struct pcisim_diag *d = L->d;
	int rc;

	if ((rc = pcisim_ymap_check_keys(root, "a scenario", top_keys, d)))
		return rc;

	/* Includes first, so that this file's own values win. */
	const struct pcisim_ynode *inc = pcisim_ymap_get(root, "include");
	if (inc) {
		const struct pcisim_ynode *const *items = NULL;
		size_t n = 0;
		const struct pcisim_ynode *one = inc;
		if (inc->kind == PCISIM_Y_SEQ) {
			items = (const struct pcisim_ynode *const *)inc->vals;
			n = inc->n;
		} else if (inc->kind == PCISIM_Y_SCALAR) {
			items = &one;
			n = 1;
		} else {
			return pcisim_diag_error(d, inc->loc,
						 "'include' must be a file name or a list of file names, not %s",
						 pcisim_ykind_name(inc->kind));
		}
		for (size_t i = 0; i < n; i++) {
			if (items[i]->kind != PCISIM_Y_SCALAR)
				return pcisim_diag_error(d, items[i]->loc,
							 "an 'include' entry must be a file name, not %s",
							 pcisim_ykind_name(items[i]->kind));
			const char *rel = items[i]->str;
			if (!rel[0])
				return pcisim_diag_error(d, items[i]->loc,
							 "an 'include' entry must be a file name, not an empty value");
			char *base = pcisim_strdup(items[i]->loc.file);
			if (!base)
				return PCISIM_ERR(PCISIM_ENOMEM);
			char *dir = dirname(base);
			char *full;
			if (rel[0] == '/' || !strcmp(dir, "."))
				full = pcisim_arena_strdup(&sc->arena, rel);
			else
				full = pcisim_arena_printf(&sc->arena, "%s/%s", dir, rel);
			pcisim_free(base);
			rc = load_doc(L, full, NULL, 0, items[i]->loc, false);
			if (rc)
				return rc;
		}
	}

	for (size_t i = 0; i < root->n; i++) {
		const char *k = root->keys[i]->str;
		const struct pcisim_ynode *v = root->vals[i];
		if (!strcmp(k, "include"))
			continue;
		if (!strcmp(k, "version")) {
			uint64_t ver;
			if (v->kind != PCISIM_Y_SCALAR || pcisim_parse_u64(v->str, &ver) || ver != 1) {
				char shown[48];
				if (v->kind != PCISIM_Y_SCALAR)
					snprintf(shown, sizeof(shown), "%s", pcisim_ykind_name(v->kind));
				else
					snprintf(shown, sizeof(shown), "'%.40s'", v->str);
				return pcisim_diag_error(d, v->loc,
							 "unsupported scenario format version %s; valid choices: 1",
							 shown);
			}
			sc->version = ver;
		} else if (!strcmp(k, "name")) {
			if ((rc = pcisim_yget_str(v, "'name'", &sc->name, d)))
				return rc;
			if (!sc->name[0])
				return pcisim_diag_error(d, v->loc,
							 "'name' must not be empty; expected a short id like pds-migration-race");
		} else if (!strcmp(k, "description")) {
			if ((rc = pcisim_yget_str(v, "'description'", &sc->description, d)))
				return rc;
		} else if (!strcmp(k, "seed")) {
			if ((rc = pcisim_yget_u64(v, "'seed'", 0, UINT64_MAX, &sc->seed, d)))
				return rc;
			sc->has_seed = true;
		} else if (!strcmp(k, "until")) {
			if ((rc = pcisim_yget_time(v, "'until'", &sc->until, d)))
				return rc;
			sc->has_until = true;
		} else if (!strcmp(k, "machine") || !strcmp(k, "host") || !strcmp(k, "fuzz")) {
			char what[32];
			snprintf(what, sizeof(what), "'%s'", k);
			if ((rc = pcisim_yexpect(v, PCISIM_Y_MAP, what, d)))
				return rc;
			struct pcisim_ynode **dst = !strcmp(k, "machine") ? &sc->machine
						    : !strcmp(k, "host")  ? &sc->host
									  : &sc->fuzz;
			if ((rc = map_merge(sc, dst, v, false)))
				return rc;
		} else {
			char what[32];
			snprintf(what, sizeof(what), "'%s'", k);
			if ((rc = pcisim_yexpect(v, PCISIM_Y_SEQ, what, d)))
				return rc;
			struct pcisim_ynode **dst = !strcmp(k, "topology") ? &sc->topology
						    : !strcmp(k, "timeline") ? &sc->timeline
						    : !strcmp(k, "machines") ? &sc->machines
									     : &sc->expect;
			seq_merge(sc, dst, v, false);
		}
	}
	(void)top;
	return 0;
}

static int load_doc(struct loader *L, const char *path, const char *text, size_t len,
		    struct pcisim_loc from, bool top)
{
	struct pcisim_scenario *sc = L->sc;
	struct pcisim_diag *d = L->d;
	int rc;

	/* The same file under another spelling (../x, ./x, a link) is the same file. */
	char *real = text || (!top && L->inc) ? NULL : realpath(path, NULL);
	const char *canon = pcisim_arena_strdup(&sc->arena, real ? real : path);
	pcisim_free(real);
	for (unsigned i = 0; i < L->depth; i++)
		if (!strcmp(L->canon[i], canon)) {
			char chain[768];
			size_t u = 0;
			for (unsigned j = i; j < L->depth && u < sizeof(chain); j++)
				u += (size_t)snprintf(chain + u, sizeof(chain) - u, "%s -> ",
						      L->stack[j]);
			if (u < sizeof(chain))
				snprintf(chain + u, sizeof(chain) - u, "%s", path);
			return pcisim_diag_error(d, from,
						 "include cycle: %s; a file cannot include itself", chain);
		}
	if (L->depth >= PCISIM_MAX_INCLUDE_DEPTH)
		return pcisim_diag_error(d, from,
					 "includes nested too deeply: '%s' would be file %u of a chain; at most %d files",
					 path, L->depth + 1, PCISIM_MAX_INCLUDE_DEPTH);

	struct pcisim_ydoc *nd = pcisim_realloc(sc->docs, (sc->ndocs + 1) * sizeof(*nd));
	if (!nd)
		return PCISIM_ERR(PCISIM_ENOMEM);
	sc->docs = nd;
	struct pcisim_ydoc *doc = &sc->docs[sc->ndocs++];
	memset(doc, 0, sizeof(*doc));
	if (!top && L->inc) {
		/* The reader's text under the name the include gave it. */
		const char *itext = NULL;
		size_t ilen = 0;
		rc = L->inc->read(L->inc->ctx, L->nincluded++, path, from, &itext, &ilen, d);
		if (!rc)
			rc = pcisim_ydoc_parse(doc, path, itext, ilen, d);
	} else if (text) {
		rc = pcisim_ydoc_parse(doc, path, text, len, d);
	} else if (!top) {
		/* An include is reported at its line; only a regular file is read. */
		rc = pcisim_ydoc_load_regular(doc, path, from, d);
	} else {
		rc = pcisim_ydoc_load(doc, path, d);
	}
	if (rc)
		return rc;
	if (top) {
		sc->text = doc->text;
		sc->text_len = doc->text_len;
	}
	const struct pcisim_ynode *root = doc->root;
	if (!root)
		return pcisim_diag_error(d, (struct pcisim_loc){doc->file, 1, 1},
					 "empty scenario; expected a mapping with version, name, topology, timeline, ...");
	char desc[64];
	if (root->kind != PCISIM_Y_MAP)
		return pcisim_diag_error(d, root->loc,
					 "a scenario must be a mapping (version: 1, name: ..., timeline: ...), not %s",
					 pcisim_ynode_desc(root, desc, sizeof(desc)));
	L->stack[L->depth] = doc->file;
	L->canon[L->depth++] = canon;
	rc = take_sections(L, root, top);
	L->depth--;
	return rc;
}

/* a step's own keys; "machine" only where there are machines to name (machines:) */
static const char *const step_keys[] = {"at", "do", NULL};
static const char *const fault_keys[] = {"at", "kind", NULL};
static const char *const step_keys_m[] = {"at", "do", "machine", NULL};
static const char *const fault_keys_m[] = {"at", "kind", "machine", NULL};

/* Actions a step may name by a key of their own (pcisim_action_inline), in registration order. */
static struct inline_action {
	const char *action, *param;
} *inlines;
static size_t ninlines, capinlines;

void pcisim_action_inline(const char *action, const char *param)
{
	for (size_t i = 0; i < ninlines; i++)
		if (!strcmp(inlines[i].action, action))
			return;
	if (ninlines == capinlines) {
		capinlines = capinlines ? 2 * capinlines : 4;
		if (!(inlines = pcisim_realloc(inlines, capinlines * sizeof(*inlines)))) {
			fprintf(stderr, "pcisim: out of memory\n");
			abort();
		}
	}
	inlines[ninlines++] = (struct inline_action){action, param};
}

/* The action a step without do: names by a key of its own, with its parameter; NULL if none. */
static const struct pcisim_action_def *inline_action(const struct pcisim_ynode *n, const char **param)
{
	for (size_t k = 0; k < n->n; k++)
		for (size_t i = 0; i < ninlines; i++) {
			const struct pcisim_action_def *a = pcisim_action_find(inlines[i].action);
			if (a && !strcmp(n->keys[k]->str, inlines[i].action)) {
				*param = inlines[i].param;
				return a;
			}
		}
	return NULL;
}

/*
 * {at: T, NAME: VALUE, ...}: the step's parameters are the other keys, and VALUE is
 * the inline parameter's; errors are reported as for {do: NAME, PARAM: VALUE}.
 */
static int parse_inline(struct pcisim_scenario *sc, const struct pcisim_ynode *n,
			struct pcisim_step *s, const char *param, struct pcisim_diag *d)
{
	const char *const skip[] = {"at", sc->machines ? "machine" : s->def->name, s->def->name, NULL};
	char where[160];
	snprintf(where, sizeof(where), "action '%s'", s->def->name);
	return parse_params(&sc->arena, n, where, s->def->params, skip, s->def->open_params,
			    s->def->name, param, &s->vals, &s->nvals, d);
}

/* One timeline step, or (@fault) one entry of fuzz: faults: with kind: for do:. */
static int parse_step(struct pcisim_scenario *sc, const struct pcisim_ynode *n,
		      struct pcisim_step *s, bool fault, struct pcisim_diag *d)
{
	int rc;
	const char *what = fault ? "a fault" : "a timeline step";
	const char *akey = fault ? "kind" : "do";
	s->loc = n->loc;
	s->node = n;
	s->fault = fault;
	char desc[64];
	if (n->kind != PCISIM_Y_MAP)
		return pcisim_diag_error(d, n->loc, "%s must be a mapping like {at: 10ms, %s: ACTION, ...}, not %s",
					 what, akey, pcisim_ynode_desc(n, desc, sizeof(desc)));
	const struct pcisim_ynode *at = pcisim_ymap_get(n, "at");
	const struct pcisim_ynode *act = pcisim_ymap_get(n, akey);
	if (!at)
		return pcisim_diag_error(d, n->loc, "%s needs 'at' (a time like 10ms or a range like 0ms..2s)",
					 what);
	const struct pcisim_ynode *mach = pcisim_ymap_get(n, "machine");
	if (mach) {
		if ((rc = pcisim_yget_str(mach, "'machine'", &s->machine, d)))
			return rc;
		if (!sc->machines)
			return pcisim_diag_error(d, mach->loc,
						 "'machine' names one of the scenario's machines: entries, and this scenario has one machine");
		s->machine_node = mach;
	}
	const char *param = NULL;
	const struct pcisim_action_def *inl = fault || act ? NULL : inline_action(n, &param);
	if (inl) {
		/* {at: T, NAME: VALUE}: the action NAME with its inline parameter VALUE */
		if ((rc = pcisim_yget_time_range(at, "'at'", &s->at, d)))
			return rc;
		s->when = s->at.lo;
		s->def = inl;
		return parse_inline(sc, n, s, param, d);
	}
	if (!act) {
		const char **names = pcisim_action_names();
		char buf[1024];
		pcisim_choices(buf, sizeof(buf), names);
		pcisim_free(names);
		return pcisim_diag_error(d, n->loc, "%s needs '%s' (%s); valid %s: %s", what, akey,
					 fault ? "a fault kind: any timeline action" : "an action",
					 fault ? "kinds" : "actions", buf);
	}
	if (fault && pcisim_ymap_get(n, "do"))
		return pcisim_diag_error(d, pcisim_ymap_get(n, "do")->loc,
					 "a fault names its action with 'kind', not 'do'");
	if ((rc = pcisim_yget_time_range(at, "'at'", &s->at, d)))
		return rc;
	s->when = s->at.lo;
	const char *name;
	char kq[16];
	snprintf(kq, sizeof(kq), "'%s'", akey);
	if ((rc = pcisim_yget_str(act, kq, &name, d)))
		return rc;
	s->def = pcisim_action_find(name);
	if (!s->def) {
		const char **names = pcisim_action_names();
		char buf[1024];
		pcisim_choices(buf, sizeof(buf), names);
		pcisim_free(names);
		if (fault)
			return pcisim_diag_error(d, act->loc,
						 "unknown fault kind '%s'; valid kinds (the timeline's actions): %s",
						 name, buf);
		return pcisim_diag_error(d, act->loc, "unknown action '%s'; valid actions: %s", name,
					 buf);
	}
	char where[160];
	snprintf(where, sizeof(where), "%s '%s'", fault ? "fault" : "action", name);
	const char *const *own = sc->machines ? (fault ? fault_keys_m : step_keys_m) : fault ? fault_keys : step_keys;
	return parse_params(&sc->arena, n, where, s->def->params, own,
			    s->def->open_params, NULL, NULL, &s->vals, &s->nvals, d);
}

int pcisim__step_parse(struct pcisim_scenario *sc, const struct pcisim_ynode *n,
		       struct pcisim_step *s, struct pcisim_diag *d)
{
	return parse_step(sc, n, s, false, d);
}

static int parse_steps(struct pcisim_scenario *sc, struct pcisim_diag *d)
{
	size_t nt = sc->timeline ? sc->timeline->n : 0, nf = 0;
	const struct pcisim_ynode *faults = sc->fuzz && sc->fuzz->kind == PCISIM_Y_MAP
						    ? pcisim_ymap_get(sc->fuzz, "faults")
						    : NULL;
	if (faults) {
		char desc[64];
		if (faults->kind != PCISIM_Y_SEQ)
			return pcisim_diag_error(d, faults->loc,
						 "'faults' must be a list of faults like {kind: surprise_remove, id: DEV, at: 0s..5s}, not %s",
						 pcisim_ynode_desc(faults, desc, sizeof(desc)));
		nf = faults->n;
	}
	if (!nt && !nf)
		return 0;
	sc->steps = pcisim_arena_alloc(&sc->arena, (nt + nf + 1) * sizeof(*sc->steps));
	for (size_t i = 0; i < nt + nf; i++) {
		int rc;
		sc->steps[i].index = i;
		if ((rc = parse_step(sc, i < nt ? sc->timeline->vals[i] : faults->vals[i - nt],
				     &sc->steps[i], i >= nt, d)))
			return rc;
	}
	sc->nsteps = nt + nf;
	sc->nfaults = nf;
	return 0;
}

static int parse_expects(struct pcisim_scenario *sc, struct pcisim_diag *d)
{
	if (!sc->expect)
		return 0;
	sc->expects = pcisim_arena_alloc(&sc->arena, (sc->expect->n + 1) * sizeof(*sc->expects));
	for (size_t i = 0; i < sc->expect->n; i++) {
		const struct pcisim_ynode *n = sc->expect->vals[i];
		struct pcisim_expect *e = &sc->expects[i];
		int rc;
		e->index = i;
		e->loc = n->loc;
		e->node = n;
		char desc[64];
		if (n->kind != PCISIM_Y_MAP)
			return pcisim_diag_error(d, n->loc,
						 "an expectation must be a mapping like {log: TEXT} or {count: KIND, equals: N}, not %s",
						 pcisim_ynode_desc(n, desc, sizeof(desc)));
		/* The kind is the first key that names a registered expectation. */
		for (size_t k = 0; k < n->n && !e->def; k++)
			e->def = pcisim_expect_def_find(n->keys[k]->str);
		if (!e->def) {
			const char **keys = pcisim_expect_keys();
			char buf[512];
			pcisim_choices(buf, sizeof(buf), keys);
			pcisim_free(keys);
			if (!n->n)
				return pcisim_diag_error(d, n->loc,
							 "an empty expectation; expected one of the kinds: %s",
							 buf);
			return pcisim_diag_error(d, n->keys[0]->loc,
						 "unknown expectation kind '%s'; valid kinds: %s",
						 n->keys[0]->str, buf);
		}
		for (size_t k = 0; k < n->n; k++) {
			const struct pcisim_expect_def *other = pcisim_expect_def_find(n->keys[k]->str);
			if (other && other != e->def)
				return pcisim_diag_error(d, n->keys[k]->loc,
							 "one expectation per entry: '%s' and '%s' are two kinds; write them as two list items",
							 e->def->key, other->key);
		}
		char where[160];
		snprintf(where, sizeof(where), "expectation '%s'", e->def->key);
		if ((rc = parse_params(&sc->arena, n, where, e->def->params, NULL, false, NULL, NULL, &e->vals,
				       &e->nvals, d)))
			return rc;
	}
	sc->nexpects = sc->expect->n;
	return 0;
}

static int finish(struct pcisim_scenario *sc, struct pcisim_diag *d)
{
	int rc;
	const struct pcisim_ynode *root = sc->docs[0].root;
	if (!sc->version) {
		return pcisim_diag_error(d, root->loc,
					 "a scenario needs 'version: 1' (the scenario format version)");
	}
	if (!sc->name)
		return pcisim_diag_error(d, root->loc,
					 "a scenario needs a 'name' (a short id like pds-migration-race)");
	if ((rc = parse_steps(sc, d)))
		return rc;
	return parse_expects(sc, d);
}

int pcisim_scenario_parse_with(struct pcisim_scenario *sc, const char *name, const char *text,
			       size_t len, const struct pcisim_include_reader *inc,
			       struct pcisim_diag *d)
{
	memset(sc, 0, sizeof(*sc));
	pcisim_arena_init(&sc->arena);
	sc->path = pcisim_arena_strdup(&sc->arena, name ? name : "<input>");
	struct loader L = {.sc = sc, .d = d, .inc = inc};
	int rc = load_doc(&L, sc->path, text, len, (struct pcisim_loc){sc->path, 0, 0}, true);
	return rc ? rc : finish(sc, d);
}

int pcisim_scenario_parse(struct pcisim_scenario *sc, const char *name, const char *text,
			  size_t len, struct pcisim_diag *d)
{
	return pcisim_scenario_parse_with(sc, name, text, len, NULL, d);
}

int pcisim_scenario_load(struct pcisim_scenario *sc, const char *path, struct pcisim_diag *d)
{
	memset(sc, 0, sizeof(*sc));
	pcisim_arena_init(&sc->arena);
	sc->path = pcisim_arena_strdup(&sc->arena, path);
	struct loader L = {.sc = sc, .d = d};
	int rc = load_doc(&L, sc->path, NULL, 0, (struct pcisim_loc){sc->path, 0, 0}, true);
	return rc ? rc : finish(sc, d);
}

void pcisim_scenario_free(struct pcisim_scenario *sc)
{
	for (size_t i = 0; i < sc->ndocs; i++)
		pcisim_ydoc_free(&sc->docs[i]);
	pcisim_free(sc->docs);
	pcisim_arena_free(&sc->arena);
	memset(sc, 0, sizeof(*sc));
}
