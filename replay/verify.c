/*
 * Replay verification: every item a re-execution produces is compared with the
 * recorded one at the same position; the first difference is reported with the
 * recorded items before it. Under overrides the verdicts are compared instead.
 */
#include "replay/verify.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/component.h"
#include "sim/core/sim.h"

struct verify {
	const struct pcisim_tfile *t;
	size_t k;           /* next recorded item to compare */
	bool diverged;
	size_t at;          /* index of the first divergence */
	char got[1536];     /* the replayed item there */
	bool extra;         /* the replay produced more items than recorded */
	bool ignore_end;    /* --until: the run stops early, its sim.end is not compared */
	size_t skipped;     /* --from: items before its time, re-run and not compared */
	struct pcisim_replay_opts o;
};

static void on_item(void *ctx, const struct pcisim_titem *it)
{
	struct verify *v = ctx;
	if (v->diverged)
		return;
	if (v->ignore_end && it->type == PCISIM_TI_RECORD && !strcmp(it->kind, "sim.end"))
		return;
	if (v->o.has_from && it->t < v->o.from && v->k < v->t->n && v->t->items[v->k].t < v->o.from) {
		/* before --from: the deterministic prefix, re-run as a restore does; the end's
		 * hash still covers it */
		v->k++;
		v->skipped++;
		return;
	}
	if (v->k >= v->t->n) {
		v->diverged = true;
		v->extra = true;
		v->at = v->k;
		pcisim_titem_format(it, v->got, sizeof(v->got));
		return;
	}
	if (!pcisim_titem_equal(it, &v->t->items[v->k])) {
		v->diverged = true;
		v->at = v->k;
		pcisim_titem_format(it, v->got, sizeof(v->got));
		return;
	}
	v->k++;
}

static void where(const struct pcisim_tfile *t, const struct pcisim_titem *it, char *buf, size_t n)
{
	if (t->format == PCISIM_TF_JSONL)
		snprintf(buf, n, "line %" PRIu64, it->line);
	else
		snprintf(buf, n, "body offset %" PRIu64, it->off);
}

static void show_context(const struct pcisim_tfile *t, size_t at, unsigned context, FILE *out)
{
	size_t from = at > context ? at - context : 0;
	if (from < at)
		fprintf(out, "the %zu recorded item%s before it (identical in the replay):\n", at - from,
			at - from == 1 ? "" : "s");
	for (size_t i = from; i < at; i++) {
		char line[1536];
		pcisim_titem_format(&t->items[i], line, sizeof(line));
		fprintf(out, "  #%-6zu %s\n", i, line);
	}
}

void pcisim_dump_state(struct pcisim_sim *sim, FILE *out)
{
	char t[40];
	pcisim_time_format_fixed(sim->now, t, sizeof(t));
	fprintf(out, "state at %s s, after %" PRIu64 " events:\n", t, sim->executed);
	fprintf(out, "components (%u):\n", sim->ncomps);
	for (uint32_t i = 0; i < sim->ncomps; i++) {
		struct pcisim_comp *c = sim->comps[i];
		fprintf(out, "  %s (%s)%s\n", c->path, c->ops && c->ops->type ? c->ops->type : "-",
			c->removed ? " [removed]" : "");
		if (!c->ops || !c->ops->describe)
			continue;
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		if (!m)
			continue;
		c->ops->describe(c, m);
		fclose(m);
		for (char *line = buf, *nl; line && *line; line = nl) {
			nl = strchr(line, '\n');
			if (nl)
				*nl++ = 0;
			fprintf(out, "      %s\n", line);
		}
		free(buf);
	}
	/* Pending events, by time then slot (the queue keeps its order private). */
	size_t n = 0;
	struct pend {
		pcisim_time when;
		uint32_t slot;
	} *v = calloc(sim->pool_cap + 1, sizeof(*v));
	for (uint32_t s = 0; v && s < sim->pool_cap; s++) {
		pcisim_timer h = {s, sim->pool[s].gen};
		if (pcisim_pending(sim, h))
			v[n++] = (struct pend){pcisim_when(sim, h), s};
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && (v[j - 1].when > v[j].when ||
					     (v[j - 1].when == v[j].when && v[j - 1].slot > v[j].slot));
		     j--) {
			struct pend x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	fprintf(out, "pending events (%zu):\n", n);
	for (size_t i = 0; i < n; i++) {
		const struct pcisim_event *ev = &sim->pool[v[i].slot];
		pcisim_time_format_fixed(v[i].when, t, sizeof(t));
		fprintf(out, "  %14s  %-20s %s a=[%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]\n", t,
			ev->kind->name, ev->target ? ev->target->path : "-", ev->a[0], ev->a[1], ev->a[2],
			ev->a[3]);
	}
	free(v);
}

static void dump_at_end(void *ctx, struct pcisim_sim *sim)
{
	pcisim_dump_state(sim, ctx);
}

/* Is every part of the recorded signature absent from @now? */
static bool failure_gone(const char *recorded, const char *now, FILE *out, bool print)
{
	bool gone = true;
	const char *p = recorded;
	while (*p) {
		const char *e = strstr(p, " | ");
		size_t n = e ? (size_t)(e - p) : strlen(p);
		bool present = false;
		for (const char *q = now; *q && !present;) {
			const char *qe = strstr(q, " | ");
			size_t qn = qe ? (size_t)(qe - q) : strlen(q);
			present = qn == n && !strncmp(p, q, n);
			q = qe ? qe + 3 : q + qn;
		}
		if (print)
			fprintf(out, "  %s: %.*s\n", present ? "still happens" : "gone         ", (int)n, p);
		gone = gone && !present;
		p = e ? e + 3 : p + n;
	}
	return gone;
}

int pcisim_replay(const struct pcisim_tfile *t, const struct pcisim_replay_opts *oin,
		  struct pcisim_diag *d)
{
	struct pcisim_replay_opts o = *oin;
	FILE *out = o.out ? o.out : stdout;
	if (!o.context)
		o.context = 8;
	struct pcisim_scenario sc;
	if (pcisim_scenario_from_header(&sc, t, d)) {
		pcisim_scenario_free(&sc);
		return PCISIM_REPLAY_ERROR;
	}
	int rc = PCISIM_REPLAY_ERROR;
	const struct pcisim_diag_alias *aliases = d->aliases; /* the overrides add theirs */
	for (size_t i = 0; i < t->h.nsets; i++)
		if (pcisim_scenario_set_recorded(&sc, t, i, d))
			goto out;
	for (size_t i = 0; i < o.nsets; i++)
		if (pcisim_scenario_set(&sc, o.sets[i], d))
			goto out;
	bool changed = o.nsets > 0;

	struct verify v = {.t = t, .o = o, .ignore_end = o.has_until};
	struct pcisim_run_spec spec;
	pcisim_run_spec_init(&spec, &sc);
	spec.seed = t->h.seed;
	spec.until = o.has_until ? o.until : t->h.until;
	spec.policy = PCISIM_POLICY_REPLAY;
	spec.order = (t->h.flags & PCISIM_TH_RANKED) != 0;
	spec.jitter = (t->h.flags & PCISIM_TH_JITTER) != 0;
	spec.replay = t->items;
	spec.nreplay = t->n;
	spec.on_item = on_item;
	spec.item_ctx = &v;
	if (o.dump && !o.json) {
		spec.at_end = dump_at_end;
		spec.end_ctx = out;
	}
	spec.watchdog = o.watchdog;
	spec.at_start = o.at_start;
	spec.start_ctx = o.start_ctx;
	struct pcisim_run_result res;
	if (pcisim_run_scenario(&spec, &res, d)) {
		pcisim_run_result_free(&res);
		goto out;
	}
	if (res.stopped_by) {
		char when[40];
		pcisim_time_format(res.now, when, sizeof(when));
		pcisim_diag_error(d, (struct pcisim_loc){t->name, 0, 0},
				  "the replay stopped at %s after %llu events: %s; raise it (--max-events, --max-memory, --max-output), or give 0 for none",
				  when, (unsigned long long)res.events, res.stopped_by);
		pcisim_run_result_free(&res);
		rc = PCISIM_REPLAY_LIMIT;
		goto out;
	}
	if (!v.diverged && !o.has_until && v.k < t->n) {
		v.diverged = true;
		v.at = v.k;
		snprintf(v.got, sizeof(v.got), "(nothing: the replayed run ended here)");
	}
	bool same_end = !o.has_until && res.hash == t->end.hash && res.events == t->end.events &&
			res.records == t->end.records;
	char hash[24];
	snprintf(hash, sizeof(hash), "%016" PRIx64, res.hash);

	if (o.json) {
		json_t *j = json_object();
		json_object_set_new(j, "trace", json_string(t->name));
		json_object_set_new(j, "scenario", json_string(t->h.name));
		json_object_set_new(j, "items", json_integer((json_int_t)t->n));
		json_object_set_new(j, "diverged", json_boolean(v.diverged));
		if (o.has_from) {
			json_object_set_new(j, "from_ps", json_integer((json_int_t)o.from));
			json_object_set_new(j, "compared", json_integer((json_int_t)(t->n - v.skipped)));
		}
		if (v.diverged) {
			char exp[1536] = "(nothing: the recording ended here)";
			if (v.at < t->n)
				pcisim_titem_format(&t->items[v.at], exp, sizeof(exp));
			json_object_set_new(j, "at", json_integer((json_int_t)v.at));
			json_object_set_new(j, "expected", json_string(exp));
			json_object_set_new(j, "replayed", json_string(v.got));
		}
		json_object_set_new(j, "hash", json_string(hash));
		json_object_set_new(j, "recorded_signature", json_string(t->end.signature));
		json_object_set_new(j, "signature", json_string(res.signature));
		if (changed)
			json_object_set_new(j, "failure_gone",
					    json_boolean(failure_gone(t->end.signature, res.signature, out, false)));
		char *txt = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(out, "%s\n", txt);
		free(txt);
		json_decref(j);
	}

	if (changed) {
		/* Does the recorded failure still happen under the changed model? */
		bool gone = failure_gone(t->end.signature, res.signature, out, false);
		if (!o.json) {
			fprintf(out, "replayed %s with", t->name);
			for (size_t i = 0; i < o.nsets; i++)
				fprintf(out, " %s", o.sets[i]);
			fprintf(out, " (the recorded inputs: %zu choices)\n", res.nchoices);
			if (v.diverged && v.at < t->n) {
				char exp[1536];
				pcisim_titem_format(&t->items[v.at], exp, sizeof(exp));
				fprintf(out, "the run departs from the recording at item #%zu:\n  recorded: %s\n  now:      %s\n",
					v.at, exp, v.got);
			} else if (!v.diverged) {
				fprintf(out, "the run is identical to the recording\n");
			}
			if (!t->end.signature[0]) {
				fprintf(out, "the recorded run had no failure\n");
			} else {
				fprintf(out, "recorded failure:\n");
				failure_gone(t->end.signature, res.signature, out, true);
			}
			if (res.nfailures) {
				fprintf(out, "failures now (%zu):\n", res.nfailures);
				for (size_t i = 0; i < res.nfailures; i++)
					fprintf(out, "  %s\n", res.failures[i]);
			} else {
				fprintf(out, "failures now: none (every expectation and invariant holds)\n");
			}
			if (t->end.signature[0])
				fprintf(out, "verdict: the recorded failure %s\n",
					gone ? "no longer happens" : "still happens");
			else
				fprintf(out, "verdict: %s\n", res.nfailures ? "the run fails now" : "the run passes");
		}
		rc = t->end.signature[0] ? (gone ? PCISIM_REPLAY_OK : PCISIM_REPLAY_DIFFERS)
					 : (res.nfailures ? PCISIM_REPLAY_DIFFERS : PCISIM_REPLAY_OK);
	} else if (v.diverged) {
		if (!o.json) {
			char exp[1536] = "(nothing: the recording ended here)", loc[64] = "";
			const struct pcisim_titem *e = v.at < t->n ? &t->items[v.at] : NULL;
			if (e) {
				pcisim_titem_format(e, exp, sizeof(exp));
				where(t, e, loc, sizeof(loc));
			}
			fprintf(out, "replay of %s diverged at item #%zu of %zu%s%s%s\n", t->name, v.at, t->n,
				loc[0] ? " (" : "", loc, loc[0] ? ")" : "");
			show_context(t, v.at, o.context, out);
			fprintf(out, "expected: %s\nreplayed: %s\n", exp, v.got);
		}
		rc = PCISIM_REPLAY_DIFFERS;
	} else if (!o.has_until && !same_end) {
		if (!o.json)
			fprintf(out,
				"replay of %s: every item matched but the end differs: recorded %" PRIu64
				" events, %" PRIu64 " records, hash %016" PRIx64 "; replayed %" PRIu64
				", %" PRIu64 ", %s\n",
				t->name, t->end.events, t->end.records, t->end.hash, res.events, res.records,
				hash);
		rc = PCISIM_REPLAY_DIFFERS;
	} else {
		if (!o.json) {
			if (o.has_until) {
				char tt[40];
				fprintf(out, "replay of %s: the %zu items up to %s s are identical\n", t->name, v.k,
					pcisim_time_format_fixed(o.until, tt, sizeof(tt)));
			} else if (o.has_from) {
				char tt[40];
				fprintf(out,
					"replay of %s from %s s: identical: %zu items compared, %zu before it re-run (%" PRIu64
					" events, %" PRIu64 " records in all), trace hash %s\n",
					t->name, pcisim_time_format_fixed(o.from, tt, sizeof(tt)), t->n - v.skipped,
					v.skipped, res.events, res.records, hash);
				if (t->end.signature[0])
					fprintf(out, "recorded failure, reproduced: %s\n", t->end.signature);
			} else {
				fprintf(out,
					"replay of %s: identical: %zu items (%" PRIu64 " events, %" PRIu64
					" records, %zu choices), trace hash %s\n",
					t->name, t->n, res.events, res.records, res.nchoices, hash);
				if (t->end.signature[0])
					fprintf(out, "recorded failure, reproduced: %s\n", t->end.signature);
			}
		}
		rc = PCISIM_REPLAY_OK;
	}
	pcisim_run_result_free(&res);
out:
	d->aliases = aliases;
	pcisim_scenario_free(&sc);
	return rc;
}

int pcisim_trace_diff(const struct pcisim_tfile *a, const struct pcisim_tfile *b, unsigned context,
		      FILE *out)
{
	if (!context)
		context = 8;
	int rc = PCISIM_REPLAY_OK;
	if (a->h.digest != b->h.digest)
		fprintf(out, "scenarios differ: %s (digest %016" PRIx64 ") and %s (digest %016" PRIx64 ")\n",
			a->h.name, a->h.digest, b->h.name, b->h.digest), rc = PCISIM_REPLAY_DIFFERS;
	if (a->h.seed != b->h.seed)
		fprintf(out, "seeds differ: %" PRIu64 " and %" PRIu64 "\n", a->h.seed, b->h.seed),
			rc = PCISIM_REPLAY_DIFFERS;
	size_t n = a->n < b->n ? a->n : b->n, i;
	for (i = 0; i < n; i++)
		if (!pcisim_titem_equal(&a->items[i], &b->items[i]))
			break;
	if (i < n || a->n != b->n) {
		char x[1536] = "(nothing: the trace ended here)", y[1536] = "(nothing: the trace ended here)";
		if (i < a->n)
			pcisim_titem_format(&a->items[i], x, sizeof(x));
		if (i < b->n)
			pcisim_titem_format(&b->items[i], y, sizeof(y));
		fprintf(out, "the traces differ first at item #%zu (%zu and %zu items)\n", i, a->n, b->n);
		show_context(a, i, context, out);
		fprintf(out, "%s: %s\n%s: %s\n", a->name, x, b->name, y);
		rc = PCISIM_REPLAY_DIFFERS;
	} else if (a->end.hash != b->end.hash) {
		fprintf(out, "every item is the same but the final hashes differ: %016" PRIx64 " and %016" PRIx64 "\n",
			a->end.hash, b->end.hash);
		rc = PCISIM_REPLAY_DIFFERS;
	}
	if (rc == PCISIM_REPLAY_OK)
		fprintf(out, "the traces are identical: %zu items, hash %016" PRIx64 "\n", a->n, a->end.hash);
	return rc;
}
