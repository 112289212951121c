/*
 * Exhaustive exploration of a scenario's discretised step times and same-time step
 * orders, depth first, one ranged step placed per level in time order, with pruning
 * of repeated states.
 */
#include "replay/explore.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "replay/fuzz.h"
#include "sim/core/component.h"
#include "sim/core/evq.h"
#include "sim/core/sim.h"

static void oom(void)
{
	fprintf(stderr, "pcisim: out of memory\n");
	abort();
}

/* ---- state hashes ---- */

struct pend {
	uint64_t w[7];
};

static int cmp_pend(const void *a, const void *b)
{
	return memcmp(((const struct pend *)a)->w, ((const struct pend *)b)->w, sizeof(uint64_t) * 7);
}

/* A memory stream the dumps of one state hash are written to, one after the other. */
struct dumps {
	FILE *f;
	char *buf;
	size_t len;
};

/* Every component's saved state and dump, in id order. */
static void hash_comps(XXH3_state_t *x, struct pcisim_sim *sim, struct dumps *d)
{
	for (uint32_t i = 0; i < sim->ncomps; i++) {
		struct pcisim_comp *c = sim->comps[i];
		uint64_t head[2] = {c->id, c->removed};
		XXH3_64bits_update(x, head, sizeof(head));
		if (!c->ops)
			continue;
		if (c->ops->save) {
			struct pcisim_blob b = {0};
			c->ops->save(c, &b);
			XXH3_64bits_update(x, b.data, b.len);
			pcisim_blob_free(&b);
		}
		if (c->ops->describe && d->f) {
			/* this dump alone: what the stream holds past the last one (a stream per
			 * dump cost a zeroed 8 KiB buffer each, at every event of the run) */
			size_t start = d->len;
			c->ops->describe(c, d->f);
			fflush(d->f);
			XXH3_64bits_update(x, d->buf + start, d->len - start);
		}
	}
}

uint64_t pcisim_state_hash(struct pcisim_sim *sim)
{
	XXH3_state_t *x = XXH3_createState();
	if (!x)
		oom();
	XXH3_64bits_reset(x);
	XXH3_64bits_update(x, &sim->executed, sizeof(sim->executed));
	struct dumps d = {0};
	d.f = open_memstream(&d.buf, &d.len);
	hash_comps(x, sim, &d);
	/* machines (sim.h): every machine's components too */
	for (size_t i = 0; i < sim->nviews; i++) {
		XXH3_64bits_update(x, sim->views[i]->machine, strlen(sim->views[i]->machine) + 1);
		hash_comps(x, sim->views[i], &d);
	}
	if (d.f)
		fclose(d.f);
	free(d.buf);
	/* Pending events relative to now, in a canonical order: each queued key once (a
	 * cancelled event's key stays queued until it surfaces; pcisim_pending() tells) */
	size_t nkeys = pcisim_evq_size(&sim->q), n = 0;
	struct pcisim_evq_key *keys = malloc((nkeys + 1) * sizeof(*keys));
	struct pend *v = calloc(nkeys + 1, sizeof(*v));
	if (!keys || !v)
		oom();
	nkeys = pcisim_evq_keys(&sim->q, keys);
	for (size_t k = 0; k < nkeys; k++) {
		uint32_t s = pcisim_evq_tie_slot(keys[k].tie);
		const struct pcisim_event *ev = &sim->pool[s];
		if (!pcisim_pending(sim, (pcisim_timer){s, ev->gen}))
			continue;
		/* another machine's component by its path: ids are per machine */
		uint64_t target = !ev->target ? UINT32_MAX
				  : ev->target->sim != sim ? pcisim_name_code(ev->target->path) : ev->target->id;
		v[n++] = (struct pend){{keys[k].time - sim->now, pcisim_name_code(ev->kind->name), target,
					ev->a[0], ev->a[1], ev->a[2], ev->a[3]}};
	}
	free(keys);
	qsort(v, n, sizeof(*v), cmp_pend);
	XXH3_64bits_update(x, v, n * sizeof(*v));
	free(v);
	uint64_t h = XXH3_64bits_digest(x);
	XXH3_freeState(x);
	return h;
}

/* ---- the search ---- */

struct boundary {
	pcisim_time t;   /* a time at which events ran */
	uint64_t before; /* the state hash just before the first of them */
};

struct base {
	struct boundary *v;
	size_t n, cap;
	uint64_t final; /* the state after the last event */
	pcisim_time last_t;
};

struct xp {
	const struct pcisim_explore_opts *o;
	struct pcisim_scenario *sc;
	size_t n;          /* steps */
	bool *ranged;      /* per step */
	size_t nranged;
	/* the schedule being built: steps placed so far, in execution order */
	size_t *order;     /* every step once: placed ones first (execution order), then the rest */
	bool *on;
	pcisim_time *at;
	bool *placed;
	size_t nplaced;    /* ranged steps placed */
	uint64_t runs, leaves, pruned, failing;
	bool bound_hit, stop;
	/* seen states: open addressing */
	uint64_t *seen;
	size_t nseen, capseen;
	/* the first failing schedule */
	char *fail_sig;
	pcisim_time *fail_at;
	size_t *fail_order;
	struct pcisim_diag quiet;
	struct pcisim_diag *d;
	/* the built machine every schedule restores (docs/snapshots.md): without and with
	 * an event callback (the base run that hashes states) */
	struct pcisim_run_base *base[2];
	bool no_base[2];
	/* the next run is the child of this cursor's run with step branch_step added */
	struct pcisim_run_cursor *branch_from;
	size_t branch_step;
};

static bool seen_add(struct xp *x, uint64_t h)
{
	if (!h)
		h = 1;
	if (x->nseen * 2 >= x->capseen) {
		size_t nc = x->capseen ? x->capseen * 2 : 1024;
		uint64_t *nv = calloc(nc, sizeof(*nv));
		if (!nv)
			oom();
		for (size_t i = 0; i < x->capseen; i++)
			if (x->seen[i]) {
				size_t j = x->seen[i] & (nc - 1);
				while (nv[j])
					j = (j + 1) & (nc - 1);
				nv[j] = x->seen[i];
			}
		free(x->seen);
		x->seen = nv;
		x->capseen = nc;
	}
	size_t j = h & (x->capseen - 1);
	for (; x->seen[j]; j = (j + 1) & (x->capseen - 1))
		if (x->seen[j] == h)
			return false;
	x->seen[j] = h;
	x->nseen++;
	return true;
}

static void base_event(void *ctx, struct pcisim_sim *sim, const struct pcisim_event *ev)
{
	struct base *b = ctx;
	if (b->n && b->v[b->n - 1].t == sim->now)
		return;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		b->v = realloc(b->v, b->cap * sizeof(*b->v));
		if (!b->v)
			oom();
	}
	b->v[b->n++] = (struct boundary){sim->now, pcisim_state_hash(sim)};
}

static void base_end(void *ctx, struct pcisim_sim *sim)
{
	struct base *b = ctx;
	b->final = pcisim_state_hash(sim);
}

static void spec_for(struct xp *x, struct pcisim_run_spec *spec)
{
	pcisim_run_spec_init(spec, x->sc);
	spec->unhashed = true; /* explore compares states and signatures, never trace hashes */
	spec->step_at = x->at;
	spec->step_on = x->on;
	spec->step_order = x->order;
}

/* The built machine runs like @spec start from (NULL: each run builds its own). */
static struct pcisim_run_base *base_for(struct xp *x, const struct pcisim_run_spec *spec)
{
	unsigned k = spec->on_event != NULL;
	if (!x->base[k] && !x->no_base[k]) {
		struct pcisim_run_spec proto = *spec;
		proto.step_at = NULL, proto.step_on = NULL, proto.step_order = NULL;
		x->base[k] = pcisim_run_base_new(&proto, &x->quiet);
		x->no_base[k] = !x->base[k];
	}
	return x->base[k];
}

static int run_once(struct xp *x, struct pcisim_run_spec *spec, struct pcisim_run_result *res)
{
	struct pcisim_run_cursor *parent = x->branch_from;
	x->branch_from = NULL; /* only this run is the child: its own children branch from it */
	if (x->runs >= x->o->max_runs) {
		x->bound_hit = true;
		x->stop = true;
		return -1;
	}
	x->runs++;
	if (parent)
		return pcisim_run_branch(parent, spec, x->branch_step, res, &x->quiet);
	return pcisim_run_from(base_for(x, spec), spec, res, &x->quiet);
}

/* The position in x->order where a step placed at @t goes, at or after @from. */
static size_t insert_pos(struct xp *x, size_t k, pcisim_time t, size_t from)
{
	size_t p = from;
	while (p < k && x->at[x->order[p]] < t)
		p++;
	return p;
}

static void dfs(struct xp *x, size_t k, pcisim_time t_last, size_t pos_last);

/* Place step @s at @t at position @p of the execution order (k steps on so far). */
static void place(struct xp *x, size_t k, size_t s, pcisim_time t, size_t p)
{
	/* x->order: [0..k) the steps on, in execution order; s is somewhere in [k..n). */
	size_t si = k;
	while (x->order[si] != s)
		si++;
	memmove(&x->order[p + 1], &x->order[p], (si - p) * sizeof(*x->order));
	x->order[p] = s;
	x->on[s] = true;
	x->at[s] = t;
	x->placed[s] = true;
	x->nplaced++;
	dfs(x, k + 1, t, p);
	x->nplaced--;
	x->placed[s] = false;
	x->on[s] = false;
	x->at[s] = PCISIM_TIME_MAX;
	memmove(&x->order[p], &x->order[p + 1], (si - p) * sizeof(*x->order));
	x->order[si] = s;
}

static int cmp_time(const void *a, const void *b)
{
	pcisim_time x = *(const pcisim_time *)a, y = *(const pcisim_time *)b;
	return x < y ? -1 : x > y;
}

/* The state before a step placed at @t (not at an event's own time): 0 = unknown. */
static uint64_t gap_state(const struct base *b, pcisim_time t)
{
	for (size_t i = 0; i < b->n; i++) {
		if (b->v[i].t == t)
			return 0;
		if (b->v[i].t > t)
			return b->v[i].before;
	}
	return b->final;
}

static void leaf(struct xp *x, size_t k)
{
	struct pcisim_run_spec spec;
	spec_for(x, &spec);
	struct pcisim_run_result res;
	if (run_once(x, &spec, &res)) {
		if (!x->bound_hit)
			pcisim_run_result_free(&res);
		return;
	}
	x->leaves++;
	if (res.signature[0]) {
		x->failing++;
		if (!x->fail_sig) {
			x->fail_sig = strdup(res.signature);
			memcpy(x->fail_at, x->at, x->n * sizeof(*x->at));
			memcpy(x->fail_order, x->order, x->n * sizeof(*x->order));
			/* record the times the run actually used (fixed steps: their lower bound) */
			for (size_t i = 0; i < x->n; i++)
				if (res.step_at[i] != PCISIM_TIME_MAX)
					x->fail_at[i] = res.step_at[i];
		}
		if (!x->o->all)
			x->stop = true;
	}
	pcisim_run_result_free(&res);
	(void)k;
}

static void dfs(struct xp *x, size_t k, pcisim_time t_last, size_t pos_last)
{
	if (x->stop)
		return;
	if (x->nplaced == x->nranged) {
		leaf(x, k);
		return;
	}
	/* The run with the steps placed so far (the rest left out): its event times and states. */
	struct base b = {0};
	struct pcisim_run_spec spec;
	spec_for(x, &spec);
	spec.on_event = base_event;
	spec.event_ctx = &b;
	spec.at_end = base_end;
	spec.end_ctx = &b;
	struct pcisim_run_result res;
	if (run_once(x, &spec, &res)) {
		free(b.v);
		return;
	}
	pcisim_run_result_free(&res);
	/*
	 * The children run from this run paused just before the placed step's time
	 * (docs/snapshots.md), not from time 0; on the machine their kind of run uses.
	 */
	struct pcisim_run_spec pspec;
	spec_for(x, &pspec);
	if (x->nplaced + 1 < x->nranged)
		pspec.on_event = base_event;
	/* made for the first child that runs: when every child is pruned, none is */
	struct pcisim_run_cursor *cur = NULL;
	bool cur_made = false;
	uint64_t left = 0; /* the set of ranged steps not yet placed */
	for (size_t s = 0; s < x->n; s++)
		if (x->ranged[s] && !x->placed[s])
			left = XXH3_64bits_withSeed(&s, sizeof(s), left);
	for (size_t s = 0; s < x->n && !x->stop; s++) {
		if (!x->ranged[s] || x->placed[s])
			continue;
		struct pcisim_time_range r = x->sc->steps[s].at;
		pcisim_time lo = r.lo > t_last ? r.lo : t_last;
		if (lo > r.hi)
			continue;
		/* candidate times */
		size_t cap = 2 * b.n + 8, nc = 0;
		if (x->o->grid)
			cap += (size_t)((r.hi - lo) / x->o->grid) + 2;
		pcisim_time *cand = malloc(cap * sizeof(*cand));
		if (!cand)
			oom();
		cand[nc++] = lo;
		cand[nc++] = r.hi;
		for (size_t i = 0; i < b.n; i++) {
			if (b.v[i].t >= lo && b.v[i].t <= r.hi)
				cand[nc++] = b.v[i].t;
			if (b.v[i].t + 1 >= lo && b.v[i].t + 1 <= r.hi && b.v[i].t + 1 > b.v[i].t)
				cand[nc++] = b.v[i].t + 1;
		}
		for (pcisim_time g = x->o->grid ? (lo + x->o->grid - 1) / x->o->grid * x->o->grid : PCISIM_TIME_MAX;
		     x->o->grid && g <= r.hi && nc < cap; g += x->o->grid)
			cand[nc++] = g;
		qsort(cand, nc, sizeof(*cand), cmp_time);
		for (size_t i = 0; i < nc && !x->stop; i++) {
			pcisim_time t = cand[i];
			if (i && cand[i - 1] == t)
				continue;
			uint64_t st = gap_state(&b, t);
			if (st && !x->o->no_prune) {
				uint64_t key[4] = {st, s, left, x->nplaced};
				if (!seen_add(x, XXH3_64bits(key, sizeof(key)))) {
					x->pruned++;
					continue;
				}
			}
			/* Every place among the steps already at time t after the last placed one. */
			size_t p0 = t == t_last ? pos_last + 1 : insert_pos(x, k, t, 0);
			if (p0 > k)
				p0 = k;
			size_t p1 = p0;
			while (p1 < k && x->at[x->order[p1]] == t)
				p1++;
			if (!cur_made) {
				struct pcisim_run_base *pb = base_for(x, &pspec);
				cur = pb ? pcisim_run_cursor_new(pb, &pspec) : NULL;
				cur_made = true;
			}
			for (size_t p = p0; p <= p1 && !x->stop; p++) {
				x->branch_from = cur;
				x->branch_step = s;
				place(x, k, s, t, p);
				x->branch_from = NULL;
			}
		}
		free(cand);
	}
	pcisim_run_cursor_free(cur);
	free(b.v);
}

/* ---- the command ---- */

static int mkdir_p(const char *path)
{
	char tmp[1024];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(tmp, 0777);
			*p = '/';
		}
	struct stat st;
	mkdir(tmp, 0777);
	return stat(tmp, &st) || !S_ISDIR(st.st_mode) ? -1 : 0;
}

/* A step's place in the exploration order: fixed steps first, then by time, then file order. */
struct step_key {
	bool ranged;
	pcisim_time lo;
	size_t i;
};

static int cmp_steps(const void *a, const void *b)
{
	const struct step_key *x = a, *y = b;
	if (x->ranged != y->ranged)
		return x->ranged ? 1 : -1; /* fixed steps first: they are on from the start */
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* @order: the steps of @sc in exploration order (a total order: no two keys tie). */
static void step_order(const struct pcisim_scenario *sc, size_t *order)
{
	struct step_key *k = calloc(sc->nsteps + 1, sizeof(*k));
	if (!k)
		oom();
	for (size_t i = 0; i < sc->nsteps; i++)
		k[i] = (struct step_key){sc->steps[i].at.lo != sc->steps[i].at.hi, sc->steps[i].at.lo, i};
	qsort(k, sc->nsteps, sizeof(*k), cmp_steps);
	for (size_t i = 0; i < sc->nsteps; i++)
		order[i] = k[i].i;
	free(k);
}

/* Write the reproducer of the failing schedule and record its run; true when it fails. */
static bool write_failure(struct xp *x, const char *dir, char *repro, size_t nrepro)
{
	snprintf(repro, nrepro, "%s/repro.yaml", dir);
	bool *keep = calloc(x->n + 1, sizeof(*keep));
	if (!keep)
		oom();
	for (size_t i = 0; i < x->n; i++)
		keep[i] = true;
	char comment[2048];
	snprintf(comment, sizeof(comment),
		 "Reproducer of %s found by pcisim explore: a schedule of its ranged steps that\nfails with: %s",
		 x->sc->name, x->fail_sig);
	int rc = pcisim_write_reproducer(x->sc, keep, x->fail_at, x->fail_order, NULL, 0, comment, repro);
	free(keep);
	if (rc)
		return false;
	struct pcisim_scenario sc;
	bool fails = false;
	if (pcisim_scenario_load(&sc, repro, x->d) == 0) {
		struct pcisim_run_spec spec;
		pcisim_run_spec_init(&spec, &sc);
		struct pcisim_tinclude *incs = calloc(sc.ndocs + 1, sizeof(*incs));
		if (!incs)
			oom();
		struct pcisim_theader h;
		char err[256], trace[1100];
		snprintf(trace, sizeof(trace), "%s/repro.jsonl", dir);
		pcisim_theader_for(&h, &sc, spec.seed, spec.until, NULL, 0, "pcisim explore reproducer", incs);
		spec.hdr = &h;
		spec.w = pcisim_twriter_open(trace, PCISIM_TF_JSONL, err, sizeof(err));
		struct pcisim_run_result res;
		fails = pcisim_run_scenario(&spec, &res, x->d) == 0 && res.signature[0];
		if (spec.w)
			pcisim_twriter_close(spec.w, err, sizeof(err));
		pcisim_run_result_free(&res);
		free(incs);
	}
	pcisim_scenario_free(&sc);
	return fails;
}

int pcisim_explore(const char *path, const struct pcisim_explore_opts *o_in,
		   struct pcisim_diag *d)
{
	struct pcisim_explore_opts o = *o_in;
	if (!o.max_runs)
		o.max_runs = 100000;
	FILE *out = o.out ? o.out : stdout;
	struct pcisim_scenario sc;
	if (pcisim_scenario_load(&sc, path, d)) {
		pcisim_scenario_free(&sc);
		return 2;
	}
	int rc = 2;
	struct xp x = {.o = &o, .sc = &sc, .n = sc.nsteps, .d = d};
	FILE *devnull = fopen("/dev/null", "w");
	pcisim_diag_init(&x.quiet, devnull);
	for (size_t i = 0; i < o.nsets; i++)
		if (pcisim_scenario_set(&sc, o.sets[i], d))
			goto out;
	x.ranged = calloc(x.n + 1, sizeof(*x.ranged));
	x.order = calloc(x.n + 1, sizeof(*x.order));
	x.on = calloc(x.n + 1, sizeof(*x.on));
	x.at = calloc(x.n + 1, sizeof(*x.at));
	x.placed = calloc(x.n + 1, sizeof(*x.placed));
	x.fail_at = calloc(x.n + 1, sizeof(*x.fail_at));
	x.fail_order = calloc(x.n + 1, sizeof(*x.fail_order));
	if (!x.ranged || !x.order || !x.on || !x.at || !x.placed || !x.fail_at || !x.fail_order)
		oom();
	size_t k0 = 0;
	for (size_t i = 0; i < x.n; i++) {
		x.order[i] = i;
		x.ranged[i] = sc.steps[i].at.lo != sc.steps[i].at.hi;
		x.nranged += x.ranged[i];
		x.on[i] = !x.ranged[i];
		x.at[i] = x.ranged[i] ? PCISIM_TIME_MAX : sc.steps[i].at.lo;
		k0 += !x.ranged[i];
	}
	step_order(&sc, x.order);
	/* One plain run first: input errors are reported once, here. */
	{
		struct pcisim_run_spec spec;
		pcisim_run_spec_init(&spec, &sc);
		struct pcisim_run_result res;
		int r0 = pcisim_run_scenario(&spec, &res, d);
		pcisim_run_result_free(&res);
		if (r0)
			goto out;
	}
	dfs(&x, k0, 0, (size_t)-1);
	char repro[1100] = "";
	bool repro_fails = false;
	if (x.fail_sig && o.out_dir) {
		if (mkdir_p(o.out_dir))
			pcisim_diag_error(d, (struct pcisim_loc){o.out_dir, 0, 0}, "cannot create the directory");
		else
			repro_fails = write_failure(&x, o.out_dir, repro, sizeof(repro));
	}
	if (o.json) {
		json_t *j = json_object();
		json_object_set_new(j, "scenario", json_string(sc.name));
		json_object_set_new(j, "ranged_steps", json_integer((json_int_t)x.nranged));
		json_object_set_new(j, "runs", json_integer((json_int_t)x.runs));
		json_object_set_new(j, "schedules", json_integer((json_int_t)x.leaves));
		json_object_set_new(j, "pruned", json_integer((json_int_t)x.pruned));
		json_object_set_new(j, "exhaustive", json_boolean(!x.bound_hit && (!x.fail_sig || o.all)));
		json_object_set_new(j, "failing_schedules", json_integer((json_int_t)x.failing));
		if (x.fail_sig) {
			json_object_set_new(j, "signature", json_string(x.fail_sig));
			json_t *a = json_array();
			for (size_t i = 0; i < x.n; i++) {
				size_t s = x.fail_order[i];
				char t[40];
				json_t *e = json_object();
				json_object_set_new(e, "step", json_integer((json_int_t)s));
				json_object_set_new(e, "do", json_string(sc.steps[s].def->name));
				json_object_set_new(e, "at", json_string(pcisim_time_format(x.fail_at[s], t, sizeof(t))));
				json_array_append_new(a, e);
			}
			json_object_set_new(j, "schedule", a);
			if (repro[0]) {
				json_object_set_new(j, "reproducer", json_string(repro));
				json_object_set_new(j, "reproducer_fails", json_boolean(repro_fails));
			}
		}
		char *txt = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(out, "%s\n", txt);
		free(txt);
		json_decref(j);
	} else {
		fprintf(out, "explore %s: %zu ranged step%s, %" PRIu64 " runs, %" PRIu64 " schedules run, %" PRIu64
			     " placements pruned as repeated states\n",
			sc.name, x.nranged, x.nranged == 1 ? "" : "s", x.runs, x.leaves, x.pruned);
		if (x.fail_sig) {
			fprintf(out, "failing schedule%s:\n", o.all ? " (the first)" : "");
			for (size_t i = 0; i < x.n; i++) {
				size_t s = x.fail_order[i];
				char t[40];
				fprintf(out, "  step %zu (line %u): {at: %s, do: %s}%s\n", s, sc.steps[s].loc.line,
					pcisim_time_format(x.fail_at[s], t, sizeof(t)), sc.steps[s].def->name,
					x.ranged[s] ? "" : " (fixed)");
			}
			fprintf(out, "fails with: %s\n", x.fail_sig);
			if (o.all)
				fprintf(out, "%" PRIu64 " of %" PRIu64 " schedules fail\n", x.failing, x.leaves);
			if (repro[0])
				fprintf(out, "reproducer: %s (%s)\n", repro,
					repro_fails ? "fails under simulate" : "does not fail under simulate");
		} else if (x.bound_hit) {
			fprintf(out, "no failing schedule among those explored, but the bound of %" PRIu64
				     " runs was reached: not exhaustive (raise --max-runs)\n",
				o.max_runs);
		} else {
			fprintf(out, "no failing schedule exists: every order of same-time steps and every\n"
				     "distinct time of each ranged step (each event time, each gap between\n"
				     "events, the ranges' ends%s) meets the expectations and invariants\n",
				o.grid ? ", the grid" : "");
		}
	}
	rc = x.fail_sig ? 1 : 0;
out:
	pcisim_run_base_free(x.base[0]);
	pcisim_run_base_free(x.base[1]);
	free(x.ranged);
	free(x.order);
	free(x.on);
	free(x.at);
	free(x.placed);
	free(x.fail_at);
	free(x.fail_order);
	free(x.fail_sig);
	free(x.seen);
	if (devnull)
		fclose(devnull);
	pcisim_scenario_free(&sc);
	return rc;
}
