/*
 * Minimising a failure and writing it down as a plain scenario.
 *
 * Minimisation is Zeller's ddmin over the timeline steps: with each step forced to
 * the time the failing run chose, find a smallest set of steps whose run still fails
 * with the same signature (no single step can be left out). Then each kept step with
 * a range gets the coarsest time that still fails: its range's lower bound, or its
 * time rounded to 1 s, 100 ms, ... 1 ns, so that a reproducer reads "at: 2.2s".
 *
 * The reproducer is emitted with libyaml from the scenario's merged tree (includes
 * folded in), so it stands alone.
 */
#include "replay/fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static void oom(void)
{
	fprintf(stderr, "pcisim: out of memory\n");
	abort();
}

struct mini {
	struct pcisim_scenario *sc;
	const size_t *order;
	uint64_t seed;
	pcisim_time until;
	const struct pcisim_invariant *const *invs;
	const char *sig;
	struct pcisim_diag quiet; /* steps left out can make a scenario invalid: not an error */
	unsigned runs;
};

/* Does the run with steps @on at times @at fail with the signature? */
static bool still_fails(struct mini *m, const bool *on, const pcisim_time *at)
{
	struct pcisim_run_spec spec;
	pcisim_run_spec_init(&spec, m->sc);
	spec.seed = m->seed;
	spec.until = m->until;
	spec.step_at = at;
	spec.step_on = on;
	spec.step_order = m->order;
	spec.invs = m->invs;
	struct pcisim_run_result res;
	m->runs++;
	bool fails = pcisim_run_scenario(&spec, &res, &m->quiet) == 0 && !strcmp(res.signature, m->sig);
	pcisim_run_result_free(&res);
	return fails;
}

static bool test_set(struct mini *m, const size_t *set, size_t n, bool *on, const pcisim_time *at)
{
	memset(on, 0, m->sc->nsteps * sizeof(*on));
	for (size_t i = 0; i < n; i++)
		on[set[i]] = true;
	return still_fails(m, on, at);
}

/* A step's place in the run: by time, then rank, then file order (no two keys tie). */
struct step_key {
	pcisim_time at;
	unsigned rank;
	size_t i;
};

static int cmp_step(const void *a, const void *b)
{
	const struct step_key *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void pcisim_step_order(const struct pcisim_scenario *sc, const pcisim_time *at,
		       const struct pcisim_titem *choices, size_t nchoices, size_t *order)
{
	size_t n = sc->nsteps, k = 0;
	unsigned *rank = calloc(n + 1, sizeof(*rank));
	if (!rank)
		oom();
	/* Steps are posted in file order, one rank choice each when ranks were drawn. */
	/* (faults left out of the run, at PCISIM_TIME_MAX, were not posted) */
	for (size_t i = 0; i < nchoices && k < n; i++)
		if (choices[i].type == PCISIM_TI_CHOICE && choices[i].choice == PCISIM_CH_RANK &&
		    !strcmp(choices[i].kind, "scenario.step")) {
			while (k < n && at[k] == PCISIM_TIME_MAX)
				k++;
			if (k < n)
				rank[k++] = (unsigned)choices[i].a[1];
		}
	struct step_key *keys = calloc(n + 1, sizeof(*keys));
	if (!keys)
		oom();
	for (size_t i = 0; i < n; i++)
		keys[i] = (struct step_key){at[i], rank[i], i};
	qsort(keys, n, sizeof(*keys), cmp_step);
	for (size_t i = 0; i < n; i++)
		order[i] = keys[i].i;
	free(keys);
	free(rank);
}

void pcisim_minimise(struct pcisim_scenario *sc, uint64_t seed, pcisim_time until,
		     const struct pcisim_invariant *const *invs, const pcisim_time *at_in,
		     const size_t *order, const char *signature, struct pcisim_minimised *out,
		     struct pcisim_diag *d)
{
	size_t n = sc->nsteps;
	struct mini m = {.sc = sc, .order = order, .seed = seed, .until = until, .invs = invs,
			 .sig = signature};
	FILE *devnull = fopen("/dev/null", "w");
	pcisim_diag_init(&m.quiet, devnull);
	memset(out, 0, sizeof(*out));
	out->keep = calloc(n + 1, sizeof(*out->keep));
	out->at = calloc(n + 1, sizeof(*out->at));
	out->order = calloc(n + 1, sizeof(*out->order));
	if (!out->order)
		oom();
	for (size_t i = 0; i < n; i++)
		out->order[i] = order ? order[i] : i;
	bool *on = calloc(n + 1, sizeof(*on));
	size_t *c = calloc(n + 1, sizeof(*c)), *sub = calloc(n + 1, sizeof(*sub));
	if (!out->keep || !out->at || !on || !c || !sub)
		oom();
	memcpy(out->at, at_in, n * sizeof(*out->at));
	/* The steps of the failing run: every timeline step, the faults it enabled. */
	size_t nc = 0;
	for (size_t i = 0; i < n; i++)
		if (!sc->steps[i].fault || out->at[i] != PCISIM_TIME_MAX)
			c[nc++] = i;
	if (!test_set(&m, c, nc, on, out->at)) {
		/* Not reproducible with forced times alone (it needs an order or a latency). */
		out->reproduced = false;
		for (size_t i = 0; i < nc; i++)
			out->keep[c[i]] = true;
		out->nkept = nc;
		goto done;
	}
	out->reproduced = true;
	if (test_set(&m, c, 0, on, out->at)) {
		nc = 0;
	} else {
		size_t gran = 2;
		while (nc >= 2) {
			bool reduced = false;
			size_t chunk = (nc + gran - 1) / gran;
			/* a subset alone */
			for (size_t s = 0; s < nc && !reduced; s += chunk) {
				size_t len = s + chunk <= nc ? chunk : nc - s;
				if (test_set(&m, c + s, len, on, out->at)) {
					memmove(c, c + s, len * sizeof(*c));
					nc = len;
					gran = gran > 2 ? gran - 1 : 2;
					reduced = true;
				}
			}
			/* its complement */
			for (size_t s = 0; s < nc && !reduced && gran > 2; s += chunk) {
				size_t len = s + chunk <= nc ? chunk : nc - s, k = 0;
				for (size_t i = 0; i < nc; i++)
					if (i < s || i >= s + len)
						sub[k++] = c[i];
				if (test_set(&m, sub, k, on, out->at)) {
					memcpy(c, sub, k * sizeof(*c));
					nc = k;
					gran = gran > 2 ? gran - 1 : 2;
					reduced = true;
				}
			}
			if (reduced)
				continue;
			if (gran >= nc)
				break;
			gran = gran * 2 < nc ? gran * 2 : nc;
		}
	}
	memset(out->keep, 0, n * sizeof(*out->keep));
	for (size_t i = 0; i < nc; i++)
		out->keep[c[i]] = true;
	out->nkept = nc;
	/* Round each kept step's time as coarsely as the failure allows. */
	static const pcisim_time grains[] = {PCISIM_S, 100 * PCISIM_MS, 10 * PCISIM_MS, PCISIM_MS,
					     100 * PCISIM_US, 10 * PCISIM_US, PCISIM_US, PCISIM_NS};
	memcpy(on, out->keep, n * sizeof(*on));
	for (size_t i = 0; i < n; i++) {
		if (!out->keep[i] || sc->steps[i].at.lo == sc->steps[i].at.hi)
			continue;
		struct pcisim_time_range r = sc->steps[i].at;
		pcisim_time orig = out->at[i], cand[2 * 8 + 1];
		size_t k = 0;
		cand[k++] = r.lo;
		for (size_t g = 0; g < sizeof(grains) / sizeof(grains[0]); g++) {
			pcisim_time down = orig / grains[g] * grains[g];
			pcisim_time up = down + grains[g];
			cand[k++] = down;
			if (up > down)
				cand[k++] = up;
		}
		for (size_t j = 0; j < k; j++) {
			if (cand[j] < r.lo || cand[j] > r.hi || cand[j] == orig)
				continue;
			out->at[i] = cand[j];
			if (still_fails(&m, on, out->at))
				break;
			out->at[i] = orig;
		}
	}
done:
	out->runs = m.runs;
	free(on);
	free(c);
	free(sub);
	if (devnull)
		fclose(devnull);
	(void)d;
}

void pcisim_minimised_free(struct pcisim_minimised *m)
{
	free(m->keep);
	free(m->at);
	free(m->order);
	memset(m, 0, sizeof(*m));
}

/* ---- writing a scenario ---- */

struct em {
	yaml_emitter_t e;
	bool ok;
};

static void ev(struct em *m, yaml_event_t *x)
{
	if (m->ok && !yaml_emitter_emit(&m->e, x))
		m->ok = false;
}

static void scalar(struct em *m, const char *s, bool quoted)
{
	yaml_event_t x;
	yaml_scalar_event_initialize(&x, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
				     quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
	ev(m, &x);
}

static bool all_scalars(const struct pcisim_ynode *n)
{
	for (size_t i = 0; i < n->n; i++)
		if (n->vals[i]->kind != PCISIM_Y_SCALAR)
			return false;
	return true;
}

static void node(struct em *m, const struct pcisim_ynode *n, bool flow)
{
	yaml_event_t x;
	switch (n->kind) {
	case PCISIM_Y_SCALAR:
		scalar(m, n->str, n->quoted);
		return;
	case PCISIM_Y_MAP: {
		bool f = flow || all_scalars(n);
		yaml_mapping_start_event_initialize(&x, NULL, NULL, 1,
						    f ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
		ev(m, &x);
		for (size_t i = 0; i < n->n; i++) {
			node(m, n->keys[i], f);
			node(m, n->vals[i], f);
		}
		yaml_mapping_end_event_initialize(&x);
		ev(m, &x);
		return;
	}
	case PCISIM_Y_SEQ:
		yaml_sequence_start_event_initialize(&x, NULL, NULL, 1,
						     flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
		ev(m, &x);
		for (size_t i = 0; i < n->n; i++)
			node(m, n->vals[i], flow);
		yaml_sequence_end_event_initialize(&x);
		ev(m, &x);
		return;
	}
}

static void key_node(struct em *m, const char *k, const struct pcisim_ynode *v)
{
	if (!v)
		return;
	scalar(m, k, false);
	node(m, v, false);
}

/* An expectation in YAML flow form, parsed as a one-document stream and re-emitted. */
static void flow_text(struct em *m, const char *text)
{
	yaml_parser_t p;
	yaml_event_t x;
	if (!yaml_parser_initialize(&p)) {
		m->ok = false;
		return;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	for (;;) {
		if (!yaml_parser_parse(&p, &x)) {
			m->ok = false;
			break;
		}
		yaml_event_type_t t = x.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&x);
			break;
		}
		if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_START_EVENT ||
		    t == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&x);
			continue;
		}
		ev(m, &x); /* the emitter takes the event */
	}
	yaml_parser_delete(&p);
}

int pcisim_write_reproducer(const struct pcisim_scenario *sc, const bool *keep,
			    const pcisim_time *at, const size_t *order,
			    const char *const *inv_expect, size_t ninv, const char *comment,
			    const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	for (const char *p = comment; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(f, "# %.*s\n", (int)n, p);
		p = nl ? nl + 1 : p + n;
	}
	struct em m = {.ok = true};
	yaml_event_t x;
	yaml_emitter_initialize(&m.e);
	yaml_emitter_set_output_file(&m.e, f);
	yaml_emitter_set_width(&m.e, 160);
	yaml_emitter_set_unicode(&m.e, 1);
	yaml_stream_start_event_initialize(&x, YAML_UTF8_ENCODING);
	ev(&m, &x);
	yaml_document_start_event_initialize(&x, NULL, NULL, NULL, 1);
	ev(&m, &x);
	yaml_mapping_start_event_initialize(&x, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	ev(&m, &x);
	char buf[512];
	scalar(&m, "version", false);
	scalar(&m, "1", false);
	scalar(&m, "name", false);
	snprintf(buf, sizeof(buf), "%s-repro", sc->name);
	scalar(&m, buf, false);
	if (sc->description) {
		scalar(&m, "description", false);
		scalar(&m, sc->description, true);
	}
	if (sc->has_seed) {
		scalar(&m, "seed", false);
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)sc->seed);
		scalar(&m, buf, false);
	}
	if (sc->has_until) {
		scalar(&m, "until", false);
		scalar(&m, pcisim_time_format(sc->until, buf, sizeof(buf)), false);
	}
	key_node(&m, "machine", sc->machine);
	key_node(&m, "topology", sc->topology);
	key_node(&m, "host", sc->host);
	key_node(&m, "machines", sc->machines); /* an include's machines, folded in */
	scalar(&m, "timeline", false);
	yaml_sequence_start_event_initialize(&x, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	ev(&m, &x);
	for (size_t j = 0; j < sc->nsteps; j++) {
		size_t i = order ? order[j] : j;
		if (keep && !keep[i])
			continue;
		if (sc->steps[i].fault && (!at || at[i] == PCISIM_TIME_MAX))
			continue; /* a fault the run left out */
		const struct pcisim_ynode *s = sc->steps[i].node;
		bool flow = all_scalars(s);
		yaml_mapping_start_event_initialize(&x, NULL, NULL, 1,
						    flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
		ev(&m, &x);
		for (size_t k = 0; k < s->n; k++) {
			if (sc->steps[i].fault && !strcmp(s->keys[k]->str, "kind"))
				scalar(&m, "do", false); /* a fault becomes an ordinary step */
			else
				node(&m, s->keys[k], flow);
			if (!strcmp(s->keys[k]->str, "at"))
				scalar(&m, pcisim_time_format(at ? at[i] : sc->steps[i].at.lo, buf, sizeof(buf)),
				       false);
			else
				node(&m, s->vals[k], flow);
		}
		yaml_mapping_end_event_initialize(&x);
		ev(&m, &x);
	}
	yaml_sequence_end_event_initialize(&x);
	ev(&m, &x);
	if (sc->expect || ninv) {
		scalar(&m, "expect", false);
		yaml_sequence_start_event_initialize(&x, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		ev(&m, &x);
		for (size_t i = 0; sc->expect && i < sc->expect->n; i++)
			node(&m, sc->expect->vals[i], false);
		for (size_t i = 0; i < ninv; i++)
			flow_text(&m, inv_expect[i]);
		yaml_sequence_end_event_initialize(&x);
		ev(&m, &x);
	}
	yaml_mapping_end_event_initialize(&x);
	ev(&m, &x);
	yaml_document_end_event_initialize(&x, 1);
	ev(&m, &x);
	yaml_stream_end_event_initialize(&x);
	ev(&m, &x);
	yaml_emitter_flush(&m.e);
	yaml_emitter_delete(&m.e);
	if (fclose(f) || !m.ok)
		return -1;
	return 0;
}
