/*
 * The core expectation kinds: record, count, log, state; and the core actions:
 * log, stop.
 */
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/component.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/core/heap.h"

/* ---- matching records ---- */

static bool field_matches(const struct pcisim_field *f, const struct pcisim_ynode *want)
{
	char got[512];
	pcisim_field_format(f, got, sizeof(got));
	if (!strcmp(got, want->str))
		return true;
	uint64_t w;
	if (!want->quoted && f->type != PCISIM_F_STR && !pcisim_parse_u64(want->str, &w))
		return f->u == w;
	if (f->type == PCISIM_F_BOOL) {
		bool b;
		if (!pcisim_parse_bool(want->str, &b))
			return (bool)f->u == b;
	}
	return false;
}

static bool record_matches(const struct pcisim_record *r, const struct pcisim_expect *e,
			   const char *kind)
{
	if (strcmp(r->kind, kind))
		return false; /* most records: before any parameter is looked up */
	const struct pcisim_pval *comp = pcisim_expect_param(e, "component");
	const struct pcisim_pval *fields = pcisim_expect_param(e, "fields");
	const struct pcisim_pval *after = pcisim_expect_param(e, "after");
	const struct pcisim_pval *before = pcisim_expect_param(e, "before");
	if (after && after->set && r->t < after->u)
		return false;
	if (before && before->set && r->t > before->u)
		return false;
	if (comp && comp->set) {
		if (!r->comp_path)
			return false;
		const char *slash = strrchr(r->comp_path, '/');
		const char *name = slash ? slash + 1 : r->comp_path;
		if (strcmp(name, comp->s) && strcmp(r->comp_path, comp->s))
			return false;
	}
	if (fields && fields->set) {
		const struct pcisim_ynode *m = fields->node;
		for (size_t i = 0; i < m->n; i++) {
			bool ok = false;
			for (uint32_t j = 0; j < r->nfields && !ok; j++)
				if (!strcmp(r->fields[j].name, m->keys[i]->str))
					ok = field_matches(&r->fields[j], m->vals[i]);
			if (!ok)
				return false;
		}
	}
	return true;
}

static int check_kind(const char *kind, const struct pcisim_ynode *at, struct pcisim_diag *d)
{
	if (pcisim_record_kind_find(kind))
		return 0;
	const char **names = pcisim_record_kind_names();
	char buf[1024];
	pcisim_choices(buf, sizeof(buf), names);
	pcisim_free(names);
	return pcisim_diag_error(d, at->loc, "unknown record kind '%s'; valid kinds: %s", kind, buf);
}

static int check_fields(const struct pcisim_expect *e, struct pcisim_diag *d)
{
	const struct pcisim_pval *f = pcisim_expect_param(e, "fields");
	if (!f || !f->set)
		return 0;
	int rc = pcisim_yexpect(f->node, PCISIM_Y_MAP, "'fields'", d);
	if (rc)
		return rc;
	for (size_t i = 0; i < f->node->n; i++)
		if ((rc = pcisim_yexpect(f->node->vals[i], PCISIM_Y_SCALAR, "a field value", d)))
			return rc;
	return 0;
}

/* 'after' and 'before' must leave a window. */
static int check_window(const struct pcisim_expect *e, struct pcisim_diag *d)
{
	const struct pcisim_pval *after = pcisim_expect_param(e, "after");
	const struct pcisim_pval *before = pcisim_expect_param(e, "before");
	if (after && before && after->set && before->set && before->u < after->u)
		return pcisim_diag_error(d, before->node->loc,
					 "'before: %s' is earlier than 'after: %s'; expected after <= before",
					 before->s, after->s);
	return 0;
}

static int record_check(struct pcisim_sim *sim, const struct pcisim_expect *e, struct pcisim_diag *d)
{
	const struct pcisim_pval *k = &e->vals[0];
	int rc = check_kind(k->s, k->node, d);
	if (!rc)
		rc = check_fields(e, d);
	return rc ? rc : check_window(e, d);
}

static void describe_filter(const struct pcisim_expect *e, const char *kind, char *buf, size_t n)
{
	size_t u = (size_t)snprintf(buf, n, "a '%s' record", kind);
	const struct pcisim_pval *comp = pcisim_expect_param(e, "component");
	const struct pcisim_pval *fields = pcisim_expect_param(e, "fields");
	const struct pcisim_pval *after = pcisim_expect_param(e, "after");
	const struct pcisim_pval *before = pcisim_expect_param(e, "before");
	char t[40];
	if (comp && comp->set && u < n)
		u += (size_t)snprintf(buf + u, n - u, " of %s", comp->s);
	if (fields && fields->set)
		for (size_t i = 0; i < fields->node->n && u < n; i++)
			u += (size_t)snprintf(buf + u, n - u, " %s=%s", fields->node->keys[i]->str,
					      fields->node->vals[i]->str);
	if (after && after->set && u < n)
		u += (size_t)snprintf(buf + u, n - u, " after %s", pcisim_time_format(after->u, t, sizeof(t)));
	if (before && before->set && u < n)
		snprintf(buf + u, n - u, " before %s", pcisim_time_format(before->u, t, sizeof(t)));
}

/* What a record or count expectation saw of the run (its per-run state). */
struct match_state {
	uint64_t matches; /* records that passed every filter */
	uint64_t any;     /* records of the kind, whatever the filters */
	char first[512];  /* the first match, formatted */
};

static void match_observe(const struct pcisim_expect *e, void *state, const struct pcisim_record *r)
{
	struct match_state *m = state;
	const char *kind = e->vals[0].s;
	if (strcmp(r->kind, kind))
		return;
	m->any++;
	if (!record_matches(r, e, kind))
		return;
	if (!m->matches)
		pcisim_record_format(r, m->first, sizeof(m->first));
	m->matches++;
}

static const struct match_state no_match;

static const struct match_state *match_state(struct pcisim_sim *sim, const struct pcisim_expect *e)
{
	const struct match_state *m = pcisim_expect_state(sim, e);
	return m ? m : &no_match;
}

static bool record_eval(struct pcisim_sim *sim, const struct pcisim_expect *e, char *exp,
			size_t ne, char *obs, size_t no)
{
	const char *kind = e->vals[0].s;
	const struct match_state *m = match_state(sim, e);
	describe_filter(e, kind, exp, ne);
	if (!m->matches) {
		/* Show the nearest thing: how many records of the kind there were at all. */
		snprintf(obs, no, "none (%llu '%s' record%s without the filters)",
			 (unsigned long long)m->any, kind, m->any == 1 ? "" : "s");
		return false;
	}
	snprintf(obs, no, "%llu, first: %s", (unsigned long long)m->matches, m->first);
	return true;
}

static bool count_eval(struct pcisim_sim *sim, const struct pcisim_expect *e, char *exp,
		       size_t ne, char *obs, size_t no)
{
	const char *kind = e->vals[0].s;
	uint64_t c = match_state(sim, e)->matches;
	const struct pcisim_pval *eq = pcisim_expect_param(e, "equals");
	const struct pcisim_pval *lo = pcisim_expect_param(e, "at_least");
	const struct pcisim_pval *hi = pcisim_expect_param(e, "at_most");
	char filt[512];
	describe_filter(e, kind, filt, sizeof(filt));
	bool ok = true;
	size_t u = 0;
	if (eq->set) {
		ok = ok && c == eq->u;
		u += (size_t)snprintf(exp + u, ne - u, "exactly %llu", (unsigned long long)eq->u);
	}
	if (lo->set && u < ne) {
		ok = ok && c >= lo->u;
		u += (size_t)snprintf(exp + u, ne - u, "%sat least %llu", u ? ", " : "",
				      (unsigned long long)lo->u);
	}
	if (hi->set && u < ne) {
		ok = ok && c <= hi->u;
		u += (size_t)snprintf(exp + u, ne - u, "%sat most %llu", u ? ", " : "",
				      (unsigned long long)hi->u);
	}
	if (u < ne)
		snprintf(exp + u, ne - u, " x %s", filt);
	snprintf(obs, no, "%llu", (unsigned long long)c);
	return ok;
}

static int count_check(struct pcisim_sim *sim, const struct pcisim_expect *e, struct pcisim_diag *d)
{
	int rc = record_check(sim, e, d);
	if (rc)
		return rc;
	const struct pcisim_pval *eq = pcisim_expect_param(e, "equals");
	const struct pcisim_pval *lo = pcisim_expect_param(e, "at_least");
	const struct pcisim_pval *hi = pcisim_expect_param(e, "at_most");
	if (!eq->set && !lo->set && !hi->set)
		return pcisim_diag_error(d, e->loc,
					 "expectation 'count' needs 'equals', 'at_least' or 'at_most' (an integer)");
	if (lo->set && hi->set && hi->u < lo->u)
		return pcisim_diag_error(d, hi->node->loc,
					 "'at_most: %s' is below 'at_least: %s'; expected at_least <= at_most",
					 hi->s, lo->s);
	return 0;
}

/* ---- log ---- */

static const char *const match_choices[] = {"substring", "exact", "regex", NULL};

static int log_check(struct pcisim_sim *sim, const struct pcisim_expect *e, struct pcisim_diag *d)
{
	const struct pcisim_pval *m = pcisim_expect_param(e, "match");
	if (m->set && m->u == 2) {
		regex_t re;
		int rc = regcomp(&re, e->vals[0].s, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char why[256];
			regerror(rc, &re, why, sizeof(why));
			return pcisim_diag_error(d, e->vals[0].node->loc,
						 "bad regular expression '%s': %s; expected POSIX extended syntax",
						 e->vals[0].s, why);
		}
		regfree(&re);
	}
	return check_window(e, d);
}

/* What a log expectation saw: the first line that matched, or the last one seen. */
struct log_state {
	bool found;
	bool re_ready, re_bad;
	regex_t re;        /* match: regex, compiled on the first log record */
	uint64_t nlog;     /* lines that passed the source and time filters, up to the match */
	char line[1024];   /* the matching line, else the last line seen */
};

static void log_observe(const struct pcisim_expect *e, void *state, const struct pcisim_record *r)
{
	struct log_state *ls = state;
	if (ls->found || strcmp(r->kind, "log") || r->nfields < 2)
		return;
	const char *want = e->vals[0].s;
	const struct pcisim_pval *m = pcisim_expect_param(e, "match");
	const struct pcisim_pval *src = pcisim_expect_param(e, "source");
	const struct pcisim_pval *after = pcisim_expect_param(e, "after");
	const struct pcisim_pval *before = pcisim_expect_param(e, "before");
	if (after->set && r->t < after->u)
		return;
	if (before->set && r->t > before->u)
		return;
	const char *source = r->fields[0].s, *text = r->fields[1].s;
	if (src->set && strcmp(source, src->s))
		return;
	unsigned mode = m->set ? (unsigned)m->u : 0;
	if (mode == 2 && !ls->re_ready && !ls->re_bad) {
		/* log_check compiled it once already; a failure here falls back to substring */
		if (regcomp(&ls->re, want, REG_EXTENDED | REG_NOSUB))
			ls->re_bad = true;
		else
			ls->re_ready = true;
	}
	if (mode == 2 && ls->re_bad)
		mode = 0;
	ls->nlog++;
	snprintf(ls->line, sizeof(ls->line), "%s", text);
	ls->found = mode == 1 ? !strcmp(text, want)
		    : mode == 2 ? regexec(&ls->re, text, 0, NULL, 0) == 0
				: strstr(text, want) != NULL;
}

static void log_state_free(const struct pcisim_expect *e, void *state)
{
	struct log_state *ls = state;
	if (ls->re_ready)
		regfree(&ls->re);
}

static bool log_eval(struct pcisim_sim *sim, const struct pcisim_expect *e, char *exp, size_t ne,
		     char *obs, size_t no)
{
	static const struct log_state none;
	const char *want = e->vals[0].s;
	const struct pcisim_pval *m = pcisim_expect_param(e, "match");
	const struct pcisim_pval *src = pcisim_expect_param(e, "source");
	const struct pcisim_pval *absent = pcisim_expect_param(e, "absent");
	const struct log_state *ls = pcisim_expect_state(sim, e);
	if (!ls)
		ls = &none;
	unsigned mode = m->set ? (unsigned)m->u : 0;
	bool neg = absent->set && absent->u;
	snprintf(exp, ne, "%s %s \"%s\"%s%s", neg ? "no log line" : "a log line",
		 mode == 1 ? "equal to" : mode == 2 ? "matching" : "containing", want,
		 src->set ? " from " : "", src->set ? src->s : "");
	if (ls->found)
		snprintf(obs, no, "\"%s\"", ls->line);
	else if (ls->nlog)
		snprintf(obs, no, "no such line among %llu (last: \"%s\")",
			 (unsigned long long)ls->nlog, ls->line);
	else
		snprintf(obs, no, "no log lines");
	return neg ? !ls->found : ls->found;
}

/* ---- state ---- */

static struct pcisim_comp *find_any(struct pcisim_sim *sim, const char *name)
{
	struct pcisim_comp *c = pcisim_comp_find(sim, name);
	if (c)
		return c;
	/* A removed component still answers (e.g. present: 0); take the newest of that name. */
	for (uint32_t i = sim->ncomps; i-- > 0;)
		if (!strcmp(sim->comps[i]->name, name) || !strcmp(sim->comps[i]->path, name))
			return sim->comps[i];
	return NULL;
}

/* The comparisons a state expectation may make; at least one is needed. */
static const char *const state_tests[] = {"equals", "bits_set", "bits_clear", "at_least", "at_most", NULL};

static int state_combination(const struct pcisim_expect *e, struct pcisim_diag *d)
{
	const struct pcisim_pval *eq = pcisim_expect_param(e, "equals");
	const struct pcisim_pval *mask = pcisim_expect_param(e, "mask");
	const struct pcisim_pval *set = pcisim_expect_param(e, "bits_set");
	const struct pcisim_pval *clr = pcisim_expect_param(e, "bits_clear");
	const struct pcisim_pval *lo = pcisim_expect_param(e, "at_least");
	const struct pcisim_pval *hi = pcisim_expect_param(e, "at_most");
	if (!eq->set && !set->set && !clr->set && !lo->set && !hi->set)
		return pcisim_diag_error(d, e->loc,
					 "expectation 'state' needs 'equals', 'bits_set', 'bits_clear', 'at_least' or 'at_most'");
	if (eq->set && (lo->set || hi->set)) {
		const struct pcisim_pval *b = lo->set ? lo : hi;
		return pcisim_diag_error(d, b->node->loc,
					 "'equals' and '%s' do not go together; expected either 'equals' or a range ('at_least', 'at_most')",
					 b->def->name);
	}
	if (mask->set && !eq->set && !lo->set && !hi->set)
		return pcisim_diag_error(d, mask->node->loc,
					 "'mask' needs 'equals', 'at_least' or 'at_most' to compare the masked value with; 'bits_set' and 'bits_clear' name their bits themselves");
	if (lo->set && hi->set && hi->u < lo->u)
		return pcisim_diag_error(d, hi->node->loc,
					 "'at_most: %s' is below 'at_least: %s'; expected at_least <= at_most",
					 hi->s, lo->s);
	if (set->set && clr->set && (set->u & clr->u))
		return pcisim_diag_error(d, clr->node->loc,
					 "'bits_clear: %s' and 'bits_set: %s' share bits 0x%llx; expected a bit in one of them only",
					 clr->s, set->s, (unsigned long long)(set->u & clr->u));
	return 0;
}

static int state_check(struct pcisim_sim *sim, const struct pcisim_expect *e, struct pcisim_diag *d)
{
	int rc = state_combination(e, d);
	if (rc)
		return rc;
	struct pcisim_comp *c = find_any(sim, e->vals[0].s);
	const struct pcisim_pval *key = pcisim_expect_param(e, "key");
	if (!c) /* created later by a step: checked at the end */
		return 0;
	struct pcisim_value v;
	if (pcisim_comp_query(c, key->s, &v) == 0) {
		/* text states compare with equals: only */
		for (size_t i = 1; v.is_str && state_tests[i]; i++) {
			const struct pcisim_pval *p = pcisim_expect_param(e, state_tests[i]);
			if (p->set)
				return pcisim_diag_error(d, p->node->loc,
							 "%s's state '%s' is text ('%s'), not a number; expected 'equals' for it",
							 c->name, key->s, v.s);
		}
		return 0;
	}
	char buf[1024] = "present";
	if (c->ops && c->ops->query_keys) {
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, ", ");
		pcisim_choices(buf + n + 2, sizeof(buf) - n - 2, c->ops->query_keys);
	}
	return pcisim_diag_error(d, key->node->loc, "%s (%s) has no state '%s'; valid keys: %s",
				 c->name, c->ops ? c->ops->type : "?", key->s, buf);
}

/* Append printf text to @buf (of @n bytes) at *@u, as far as it fits. */
PCISIM_PRINTF(4, 5)
static void append(char *buf, size_t n, size_t *u, const char *fmt, ...)
{
	if (*u >= n)
		return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf + *u, n - *u, fmt, ap);
	va_end(ap);
	if (k > 0)
		*u += (size_t)k;
}

static bool state_eval(struct pcisim_sim *sim, const struct pcisim_expect *e, char *exp,
		       size_t ne, char *obs, size_t no)
{
	const char *name = e->vals[0].s;
	const struct pcisim_pval *key = pcisim_expect_param(e, "key");
	const struct pcisim_pval *eq = pcisim_expect_param(e, "equals");
	const struct pcisim_pval *mask = pcisim_expect_param(e, "mask");
	const struct pcisim_pval *set = pcisim_expect_param(e, "bits_set");
	const struct pcisim_pval *clr = pcisim_expect_param(e, "bits_clear");
	const struct pcisim_pval *lo = pcisim_expect_param(e, "at_least");
	const struct pcisim_pval *hi = pcisim_expect_param(e, "at_most");
	size_t u = 0;
	char lhs[512];
	if (mask->set)
		snprintf(lhs, sizeof(lhs), "%s.%s & 0x%llx", name, key->s, (unsigned long long)mask->u);
	else
		snprintf(lhs, sizeof(lhs), "%s.%s", name, key->s);
	append(exp, ne, &u, "%s", lhs);
	if (eq->set)
		append(exp, ne, &u, " == %s", eq->s);
	if (lo->set)
		append(exp, ne, &u, " >= 0x%llx (%llu)", (unsigned long long)lo->u, (unsigned long long)lo->u);
	if (hi->set)
		append(exp, ne, &u, "%s <= 0x%llx (%llu)", lo->set ? " and" : "", (unsigned long long)hi->u,
		       (unsigned long long)hi->u);
	if (set->set)
		append(exp, ne, &u, "%s bits 0x%llx set", eq->set || lo->set || hi->set ? "," : " has",
		       (unsigned long long)set->u);
	if (clr->set)
		append(exp, ne, &u, "%s bits 0x%llx clear",
		       eq->set || lo->set || hi->set || set->set ? "," : " has", (unsigned long long)clr->u);
	struct pcisim_comp *c = find_any(sim, name);
	if (!c) {
		snprintf(obs, no, "no component '%s'", name);
		return false;
	}
	struct pcisim_value v;
	if (pcisim_comp_query(c, key->s, &v)) {
		snprintf(obs, no, "%s has no state '%s'", name, key->s);
		return false;
	}
	if (v.is_str) {
		if (!eq->set) {
			snprintf(obs, no, "text '%s', not a number", v.s);
			return false;
		}
		snprintf(obs, no, "%s", v.s);
		return !strcmp(v.s, eq->s);
	}
	uint64_t got = mask->set ? v.u & mask->u : v.u;
	u = 0;
	append(obs, no, &u, "0x%llx (%llu)", (unsigned long long)got, (unsigned long long)got);
	bool ok = true;
	if (eq->set) {
		bool b;
		if (eq->numeric)
			ok = got == eq->u;
		else if (!pcisim_parse_bool(eq->s, &b))
			ok = (got != 0) == b;
		else
			ok = false;
	}
	if (lo->set)
		ok = ok && got >= lo->u;
	if (hi->set)
		ok = ok && got <= hi->u;
	if (set->set && (v.u & set->u) != set->u) {
		append(obs, no, &u, ", bits 0x%llx clear", (unsigned long long)(set->u & ~v.u));
		ok = false;
	}
	if (clr->set && (v.u & clr->u)) {
		append(obs, no, &u, ", bits 0x%llx set", (unsigned long long)(clr->u & v.u));
		ok = false;
	}
	return ok;
}

/* ---- tables ---- */

#define FILTER_PARAMS                                                                         \
	{"component", PCISIM_P_COMP, false, "only records of this component", NULL, 0, 0, "any component"},   \
	{"fields", PCISIM_P_NODE, false, "field values the record must have", NULL, 0, 0, NULL},   \
	{"after", PCISIM_P_TIME, false, "only records at or after this time", NULL, 0, 0, "0"},   \
	{"before", PCISIM_P_TIME, false, "only records at or before this time", NULL, 0, 0, "the end of the run"}

static const struct pcisim_param_def record_params[] = {
	{"record", PCISIM_P_STR, true, "record kind", NULL, 0, 0, NULL},
	FILTER_PARAMS,
	{0},
};

static const struct pcisim_param_def count_params[] = {
	{"count", PCISIM_P_STR, true, "record kind", NULL, 0, 0, NULL},
	FILTER_PARAMS,
	{"equals", PCISIM_P_INT, false, "exact number of records", NULL, 0, 0, NULL},
	{"at_least", PCISIM_P_INT, false, "minimum number of records", NULL, 0, 0, NULL},
	{"at_most", PCISIM_P_INT, false, "maximum number of records", NULL, 0, 0, NULL},
	{0},
};

static const struct pcisim_param_def log_params[] = {
	{"log", PCISIM_P_STR, true, "text of the line", NULL, 0, 0, NULL},
	{"match", PCISIM_P_CHOICE, false, "how the text is compared", match_choices, 0, 0, "substring"},
	{"source", PCISIM_P_STR, false, "qemu, linux, pcisim, ...", NULL, 0, 0, "any source"},
	{"absent", PCISIM_P_BOOL, false, "expect that no such line appears", NULL, 0, 0, "no"},
	{"after", PCISIM_P_TIME, false, "only lines at or after this time", NULL, 0, 0, "0"},
	{"before", PCISIM_P_TIME, false, "only lines at or before this time", NULL, 0, 0, "the end of the run"},
	{0},
};

static const struct pcisim_param_def state_params[] = {
	{"state", PCISIM_P_COMP, true, "component id", NULL, 0, 0, NULL},
	{"key", PCISIM_P_STR, true, "state or register name", NULL, 0, 0, NULL},
	{"equals", PCISIM_P_VALUE, false, "expected value", NULL, 0, 0, NULL},
	{"mask", PCISIM_P_INT, false, "compare only these bits (with equals, at_least, at_most)", NULL, 0, 0, "all bits"},
	{"bits_set", PCISIM_P_INT, false, "these bits are all 1", NULL, 0, 0, NULL},
	{"bits_clear", PCISIM_P_INT, false, "these bits are all 0", NULL, 0, 0, NULL},
	{"at_least", PCISIM_P_INT, false, "the (masked) value is at least this", NULL, 0, 0, NULL},
	{"at_most", PCISIM_P_INT, false, "the (masked) value is at most this", NULL, 0, 0, NULL},
	{0},
};

static const char *match_watches(const struct pcisim_expect *e)
{
	return e->vals[0].s;
}

static const char *log_watches(const struct pcisim_expect *e)
{
	(void)e;
	return "log";
}

static const struct pcisim_expect_def core_expects[] = {
	{"record", "a trace record of a kind happened", record_params, record_check, record_eval,
	 sizeof(struct match_state), match_observe, NULL, match_watches},
	{"count", "the number of records of a kind", count_params, count_check, count_eval,
	 sizeof(struct match_state), match_observe, NULL, match_watches},
	{"log", "a log line was printed", log_params, log_check, log_eval, sizeof(struct log_state),
	 log_observe, log_state_free, log_watches},
	{"state", "a component's state or register at the end", state_params, state_check,
	 state_eval, 0, NULL, NULL, NULL},
	{0},
};

/* ---- core actions ---- */

static int act_log(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	pcisim_log(sim, NULL, "scenario", "%s", pcisim_step_param(s, "text")->s);
	return 0;
}

static int act_stop(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	pcisim_stop(sim);
	return 0;
}

static const struct pcisim_param_def log_act_params[] = {
	{"text", PCISIM_P_STR, true, "the line", NULL, 0, 0, NULL},
	{0},
};

static const struct pcisim_param_def no_params[] = {{0}};

static const struct pcisim_action_def core_actions[] = {
	{"log", "print a line into the timeline (a marker)", log_act_params, false, NULL, act_log},
	{"stop", "end the run here", no_params, false, NULL, act_stop},
	{0},
};

void pcisim_core_register(void)
{
	pcisim_actions_add(core_actions);
	pcisim_expects_add(core_expects);
}
