/*
 * simulate's outcomes block and invariants' verdict (tools/outcomes.h). The facts
 * come from replay/outcomes.c; this file only words them.
 */
#include "tools/outcomes.h"

#include <stdlib.h>
#include <string.h>

#include "replay/runner.h"
#include "sim/core/time.h"

void pcisim_report_collect(struct pcisim_run_report *r, struct pcisim_outcomes *watch,
			   struct pcisim_sim *sim, const struct pcisim_scenario *sc)
{
	memset(r, 0, sizeof(*r));
	r->outcomes = pcisim_outcomes_collect(watch, &r->noutcomes);
	r->unaccounted = pcisim_invariants_judge(sim, sc, &r->invs, &r->ninvs);
	const char **names = pcisim_invariant_names();
	while (names && names[r->ninvariants])
		r->ninvariants++;
	free(names);
}

static const char *verdict_name(enum pcisim_inv_verdict v)
{
	return v == PCISIM_INV_VIOLATED ? "violated" : v == PCISIM_INV_EXPECTED ? "expected" : "ignored";
}

void pcisim_report_print_checks(const struct pcisim_run_report *r, FILE *out, bool verbose)
{
	for (size_t i = 0; i < r->ninvs; i++) {
		const struct pcisim_inv_result *v = &r->invs[i];
		const char *name = v->inv->name;
		if (v->verdict == PCISIM_INV_VIOLATED) {
			fprintf(out, "FAIL invariant %s violated at %s: %s; no expectation accounts for it (expect it with {invariant: %s, violated: yes}",
				name, v->where, v->what, name);
			if (v->inv->expected_kind)
				fprintf(out, " or {%s: %s}", v->inv->expected_kind, v->inv->expected_value);
			fprintf(out, ", or opt out with {invariant: %s, ignore: yes})\n", name);
		} else if (verbose && v->verdict == PCISIM_INV_EXPECTED) {
			fprintf(out, "ok   invariant %s violated at %s: %s; expected by %s:%u:%u (%s)\n", name,
				v->where, v->what, v->by->loc.file, v->by->loc.line, v->by->loc.col,
				v->by->def->key);
		} else if (verbose) {
			fprintf(out, "ok   invariant %s not checked: ignored by %s:%u:%u\n", name,
				v->by->loc.file, v->by->loc.line, v->by->loc.col);
		}
	}
}

void pcisim_report_print_summary(const struct pcisim_run_report *r, FILE *out)
{
	if (!r->noutcomes)
		fprintf(out, "outcomes: none\n");
	else
		fprintf(out, "outcomes:\n");
	for (size_t i = 0; i < r->noutcomes; i++) {
		const struct pcisim_outcome *x = &r->outcomes[i];
		char t[40];
		pcisim_time_format_fixed(x->first, t, sizeof(t));
		fprintf(out, "  %s: %s%s%s", x->kind, x->where, x->where[0] ? ": " : "", x->what);
		if (x->count > 1)
			fprintf(out, " (%llu times from %s s)\n", (unsigned long long)x->count, t);
		else
			fprintf(out, " (at %s s)\n", t);
	}
	size_t expected = 0, ignored = 0;
	for (size_t i = 0; i < r->ninvs; i++) {
		expected += r->invs[i].verdict == PCISIM_INV_EXPECTED;
		ignored += r->invs[i].verdict == PCISIM_INV_IGNORED;
	}
	fprintf(out, "invariants: %zu checked, %zu held", r->ninvariants - ignored,
		r->ninvariants - r->ninvs);
	if (expected)
		fprintf(out, ", %zu violated as expected", expected);
	if (r->unaccounted)
		fprintf(out, ", %zu violated", r->unaccounted);
	if (ignored)
		fprintf(out, " (%zu ignored)", ignored);
	fprintf(out, "\n");
}

void pcisim_report_json(const struct pcisim_run_report *r, json_t *j)
{
	json_t *oa = json_array();
	for (size_t i = 0; i < r->noutcomes; i++) {
		const struct pcisim_outcome *x = &r->outcomes[i];
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string(x->kind));
		if (x->where[0])
			json_object_set_new(o, "component", json_string(x->where));
		json_object_set_new(o, "what", json_string(x->what));
		json_object_set_new(o, "first_ps", json_integer((json_int_t)x->first));
		json_object_set_new(o, "count", json_integer((json_int_t)x->count));
		json_array_append_new(oa, o);
	}
	json_object_set_new(j, "outcomes", oa);
	json_t *ia = json_array();
	for (size_t i = 0; i < r->ninvs; i++) {
		const struct pcisim_inv_result *v = &r->invs[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(v->inv->name));
		json_object_set_new(o, "verdict", json_string(verdict_name(v->verdict)));
		if (v->verdict != PCISIM_INV_IGNORED) {
			json_object_set_new(o, "where", json_string(v->where));
			json_object_set_new(o, "what", json_string(v->what));
		}
		if (v->by) {
			char at[512];
			snprintf(at, sizeof(at), "%s:%u:%u", v->by->loc.file, v->by->loc.line, v->by->loc.col);
			json_object_set_new(o, "by", json_string(at));
		}
		json_array_append_new(ia, o);
	}
	json_object_set_new(j, "invariants", ia);
	json_object_set_new(j, "violations", json_integer((json_int_t)r->unaccounted));
}

void pcisim_report_free(struct pcisim_run_report *r)
{
	free(r->invs);
	memset(r, 0, sizeof(*r));
}
