/*
 * Coverage-guided schedules (guided.h): a hash set of features, a corpus, mutations.
 */
#include "replay/guided.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "sim/core/trace.h"

#define CORPUS_MAX 4096

struct pcisim_guided {
	const struct pcisim_scenario *sc;
	uint64_t *set; /* open addressing; 0 = empty (a feature hashing to 0 is taken as 1) */
	size_t cap, n;
	uint64_t *run; /* the features of the run going on, not yet in the set */
	size_t nrun, caprun;
	struct pcisim_schedule *corpus;
	size_t ncorpus;
	/* the previous event of the run (orderings) */
	pcisim_time prev_t;
	uint64_t prev_ev;
	bool have_prev;
	/* the last state record before a step (where the step landed) */
	uint64_t prev_rec;
	/* the run's record times: distinct, ascending, every stride-th one kept */
	pcisim_time *rtimes;
	size_t nrt;
	uint64_t stride, seen;
	pcisim_time last_t;
};

static void oom(void)
{
	fprintf(stderr, "pcisim: out of memory\n");
	abort();
}

void pcisim_schedule_copy(struct pcisim_schedule *dst, const struct pcisim_titem *items, size_t n)
{
	pcisim_arena_init(&dst->arena);
	dst->n = n;
	dst->times = NULL;
	dst->ntimes = 0;
	dst->v = pcisim_arena_alloc(&dst->arena, (n + 1) * sizeof(*dst->v));
	for (size_t i = 0; i < n; i++) {
		dst->v[i] = items[i];
		dst->v[i].kind = items[i].kind ? pcisim_arena_strdup(&dst->arena, items[i].kind) : NULL;
		dst->v[i].comp = items[i].comp ? pcisim_arena_strdup(&dst->arena, items[i].comp) : NULL;
		dst->v[i].nfields = 0;
		dst->v[i].fields = NULL;
	}
}

void pcisim_schedule_free(struct pcisim_schedule *s)
{
	pcisim_arena_free(&s->arena);
	memset(s, 0, sizeof(*s));
}

struct pcisim_guided *pcisim_guided_new(const struct pcisim_scenario *sc)
{
	struct pcisim_guided *g = calloc(1, sizeof(*g));
	if (!g)
		oom();
	g->sc = sc;
	g->cap = 1024;
	g->set = calloc(g->cap, sizeof(*g->set));
	g->corpus = calloc(CORPUS_MAX, sizeof(*g->corpus));
	g->rtimes = calloc(PCISIM_GUIDED_TIMES, sizeof(*g->rtimes));
	if (!g->set || !g->corpus || !g->rtimes)
		oom();
	g->stride = 1; /* items come before the first run too: the machine's build */
	return g;
}

void pcisim_guided_free(struct pcisim_guided *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->ncorpus; i++)
		pcisim_schedule_free(&g->corpus[i]);
	free(g->corpus);
	free(g->set);
	free(g->run);
	free(g->rtimes);
	free(g);
}

static bool set_has(const struct pcisim_guided *g, uint64_t f)
{
	for (size_t i = f & (g->cap - 1);; i = (i + 1) & (g->cap - 1)) {
		if (!g->set[i])
			return false;
		if (g->set[i] == f)
			return true;
	}
}

static void set_add(struct pcisim_guided *g, uint64_t f)
{
	if (2 * (g->n + 1) > g->cap) {
		uint64_t *old = g->set;
		size_t oc = g->cap;
		g->cap *= 2;
		g->set = calloc(g->cap, sizeof(*g->set));
		if (!g->set)
			oom();
		g->n = 0;
		for (size_t i = 0; i < oc; i++)
			if (old[i])
				set_add(g, old[i]);
		free(old);
	}
	size_t i = f & (g->cap - 1);
	while (g->set[i] && g->set[i] != f)
		i = (i + 1) & (g->cap - 1);
	if (!g->set[i]) {
		g->set[i] = f;
		g->n++;
	}
}

static void feature(struct pcisim_guided *g, uint64_t f)
{
	f = f ? f : 1;
	if (set_has(g, f))
		return;
	for (size_t i = 0; i < g->nrun; i++)
		if (g->run[i] == f)
			return;
	if (g->nrun == g->caprun) {
		g->caprun = g->caprun ? 2 * g->caprun : 64;
		g->run = realloc(g->run, g->caprun * sizeof(*g->run));
		if (!g->run)
			oom();
	}
	g->run[g->nrun++] = f;
}

void pcisim_guided_run_start(struct pcisim_guided *g)
{
	g->nrun = 0;
	g->have_prev = false;
	g->prev_rec = 0;
	g->nrt = 0;
	g->stride = 1;
	g->seen = 0;
}

/* Keep @t among the run's record times: every stride-th distinct time; when the array
 * is full, every other one kept is dropped and the stride doubles. A time before the
 * last one (none is expected: records come in time order) is left out, so that the
 * array stays ascending for the binary search. */
static void record_time(struct pcisim_guided *g, pcisim_time t)
{
	if (g->seen && g->last_t >= t)
		return;
	g->last_t = t;
	if (g->seen++ % g->stride)
		return;
	if (g->nrt == PCISIM_GUIDED_TIMES) {
		for (size_t i = 0; i < PCISIM_GUIDED_TIMES / 2; i++)
			g->rtimes[i] = g->rtimes[2 * i];
		g->nrt = PCISIM_GUIDED_TIMES / 2;
		g->stride *= 2;
		if ((g->seen - 1) % g->stride)
			return;
	}
	g->rtimes[g->nrt++] = t;
}

static uint64_t str_hash(const char *s, uint64_t seed)
{
	return s ? XXH3_64bits_withSeed(s, strlen(s), seed) : seed ^ 0x9e3779b97f4a7c15ull;
}

void pcisim_guided_item(void *ctx, const struct pcisim_titem *it)
{
	struct pcisim_guided *g = ctx;
	if (it->type == PCISIM_TI_EVENT) {
		uint64_t ev = str_hash(it->comp, str_hash(it->kind, 0));
		if (g->have_prev && g->prev_t == it->t)
			feature(g, XXH3_64bits_withSeed(&ev, sizeof(ev), g->prev_ev ^ 0x6f72646572ull));
		g->prev_t = it->t;
		g->prev_ev = ev;
		g->have_prev = true;
	} else if (it->type == PCISIM_TI_RECORD) {
		/* (component, kind, state-like fields): free text and numbers are left out */
		uint64_t h = str_hash(it->comp, str_hash(it->kind, 1));
		for (uint32_t i = 0; i < it->nfields; i++) {
			const struct pcisim_field *f = &it->fields[i];
			if (f->type == PCISIM_F_BOOL)
				h = XXH3_64bits_withSeed(&f->u, sizeof(f->u), str_hash(f->name, h));
			else if (f->type == PCISIM_F_STR && strcmp(f->name, "text"))
				h = str_hash(f->s, str_hash(f->name, h));
		}
		feature(g, h);
		record_time(g, it->t);
		if (it->kind && !strcmp(it->kind, "action"))
			feature(g, XXH3_64bits_withSeed(&h, sizeof(h), g->prev_rec ^ 0x6c616e646564ull));
		else
			g->prev_rec = h;
	}
}

size_t pcisim_guided_run_end(struct pcisim_guided *g, const struct pcisim_titem *choices, size_t n)
{
	size_t fresh = g->nrun;
	for (size_t i = 0; i < g->nrun; i++)
		set_add(g, g->run[i]);
	if (fresh && g->ncorpus < CORPUS_MAX) {
		struct pcisim_schedule *s = &g->corpus[g->ncorpus++];
		pcisim_schedule_copy(s, choices, n);
		s->ntimes = g->nrt;
		s->times = pcisim_arena_alloc(&s->arena, (g->nrt + 1) * sizeof(*s->times));
		memcpy(s->times, g->rtimes, g->nrt * sizeof(*s->times));
	}
	g->nrun = 0;
	return fresh;
}

size_t pcisim_guided_corpus(const struct pcisim_guided *g)
{
	return g->ncorpus;
}

size_t pcisim_guided_features(const struct pcisim_guided *g)
{
	return g->n;
}

/* ---- mutations ---- */

/* An amount in [1, w], log-uniform: as likely 1..10 ps as 1..10 ms. */
static pcisim_time log_uniform(struct pcisim_rng *rng, pcisim_time w)
{
	if (w <= 1)
		return 1;
	unsigned bits = 64u - (unsigned)__builtin_clzll(w);
	unsigned b = (unsigned)pcisim_rng_below(rng, bits) + 1;
	pcisim_time hi = b >= 64 ? w : ((pcisim_time)1 << b) - 1;
	if (hi > w)
		hi = w;
	return pcisim_rng_between(rng, 1, hi);
}

/* The ranged steps of @s (items), at most @max. */
static size_t ranged_steps(const struct pcisim_schedule *s, const struct pcisim_scenario *sc, size_t *cand,
			   size_t max)
{
	size_t nc = 0;
	for (size_t i = 0; i < s->n && nc < max; i++) {
		const struct pcisim_titem *it = &s->v[i];
		if (it->choice == PCISIM_CH_STEP && it->a[0] < sc->nsteps && it->a[1] != PCISIM_TIME_MAX &&
		    sc->steps[it->a[0]].at.hi > sc->steps[it->a[0]].at.lo)
			cand[nc++] = i;
	}
	return nc;
}

static bool shift_step(struct pcisim_schedule *s, const struct pcisim_scenario *sc, struct pcisim_rng *rng)
{
	size_t cand[64];
	size_t nc = ranged_steps(s, sc, cand, 64);
	if (!nc)
		return false;
	struct pcisim_titem *it = &s->v[cand[pcisim_rng_below(rng, nc)]];
	const struct pcisim_step *st = &sc->steps[it->a[0]];
	pcisim_time d = log_uniform(rng, st->at.hi - st->at.lo);
	pcisim_time t = it->a[1];
	if (pcisim_rng_below(rng, 2))
		t = t - st->at.lo >= d ? t - d : st->at.lo;
	else
		t = st->at.hi - t >= d ? t + d : st->at.hi;
	it->a[1] = t;
	return true;
}

/* The first index of @v (ascending) whose time is >= @t. */
static size_t lower_bound(const pcisim_time *v, size_t n, pcisim_time t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Move a step next to a time its parent's run recorded something at, inside the step's range. */
static bool snap_step(struct pcisim_schedule *s, const struct pcisim_schedule *parent,
		      const struct pcisim_scenario *sc, struct pcisim_rng *rng)
{
	size_t cand[64];
	size_t nc = ranged_steps(s, sc, cand, 64);
	if (!nc || !parent->ntimes)
		return false;
	struct pcisim_titem *it = &s->v[cand[pcisim_rng_below(rng, nc)]];
	const struct pcisim_step *st = &sc->steps[it->a[0]];
	const pcisim_time *v = parent->times;
	size_t i0 = lower_bound(v, parent->ntimes, st->at.lo);
	size_t i1 = st->at.hi == PCISIM_TIME_MAX ? parent->ntimes : lower_bound(v, parent->ntimes, st->at.hi + 1);
	if (i0 >= i1)
		return false;
	size_t k = i0 + (size_t)pcisim_rng_below(rng, i1 - i0);
	pcisim_time t = v[k];
	unsigned how = (unsigned)pcisim_rng_below(rng, 8); /* 0: onto it; 1..5: after; 6, 7: before */
	if (how >= 1 && how <= 5) {
		pcisim_time next = k + 1 < parent->ntimes && v[k + 1] <= st->at.hi ? v[k + 1] : st->at.hi;
		if (next > t)
			t += log_uniform(rng, next - t);
	} else if (how >= 6) {
		pcisim_time prev = k > 0 && v[k - 1] >= st->at.lo ? v[k - 1] : st->at.lo;
		if (t > prev)
			t -= log_uniform(rng, t - prev);
	}
	it->a[1] = t;
	return true;
}

static bool swap_ranks(struct pcisim_schedule *s, struct pcisim_rng *rng)
{
	size_t cand[256], nc = 0;
	for (size_t i = 0; i < s->n && nc < 256; i++)
		if (s->v[i].choice == PCISIM_CH_RANK)
			cand[nc++] = i;
	if (!nc)
		return false;
	struct pcisim_titem *a = &s->v[cand[pcisim_rng_below(rng, nc)]];
	size_t peers[256], np = 0;
	for (size_t k = 0; k < nc; k++) {
		struct pcisim_titem *b = &s->v[cand[k]];
		if (b != a && b->a[0] == a->a[0] && b->a[2] == a->a[2])
			peers[np++] = cand[k];
	}
	if (np) {
		struct pcisim_titem *b = &s->v[peers[pcisim_rng_below(rng, np)]];
		uint64_t r = a->a[1];
		a->a[1] = b->a[1];
		b->a[1] = r;
	} else {
		a->a[1] = pcisim_rng_below(rng, 256);
	}
	return true;
}

static bool toggle_fault(struct pcisim_schedule *s, const struct pcisim_scenario *sc, struct pcisim_rng *rng)
{
	size_t faults[64], nf = 0;
	for (size_t i = 0; i < sc->nsteps && nf < 64; i++)
		if (sc->steps[i].fault)
			faults[nf++] = i;
	if (!nf)
		return false;
	const struct pcisim_step *st = &sc->steps[faults[pcisim_rng_below(rng, nf)]];
	pcisim_time t = st->at.hi > st->at.lo ? pcisim_rng_between(rng, st->at.lo, st->at.hi) : st->at.lo;
	for (size_t i = 0; i < s->n; i++) {
		struct pcisim_titem *it = &s->v[i];
		if (it->choice == PCISIM_CH_STEP && it->a[0] == st->index) {
			it->a[1] = it->a[1] == PCISIM_TIME_MAX ? t : PCISIM_TIME_MAX; /* add or drop */
			return true;
		}
	}
	/* not in the schedule: add it (an item the replay finds by step index) */
	struct pcisim_titem *nv = pcisim_arena_alloc(&s->arena, (s->n + 2) * sizeof(*nv));
	memcpy(nv, s->v, s->n * sizeof(*nv));
	nv[s->n] = (struct pcisim_titem){.type = PCISIM_TI_CHOICE, .choice = PCISIM_CH_STEP,
					 .kind = st->def->name};
	nv[s->n].a[0] = st->index;
	nv[s->n].a[1] = t;
	s->v = nv;
	s->n++;
	return true;
}

bool pcisim_guided_next(struct pcisim_guided *g, struct pcisim_rng *rng, struct pcisim_schedule *out)
{
	if (!g->ncorpus || pcisim_rng_below(rng, 4) == 0)
		return false;
	const struct pcisim_schedule *parent = &g->corpus[pcisim_rng_below(rng, g->ncorpus)];
	pcisim_schedule_copy(out, parent->v, parent->n);
	unsigned muts = 1 + (unsigned)pcisim_rng_below(rng, 3);
	for (unsigned m = 0, tries = 0; m < muts && tries < 12; tries++) {
		bool done;
		switch (pcisim_rng_below(rng, 4)) {
		case 0:
			done = shift_step(out, g->sc, rng);
			break;
		case 1:
			done = swap_ranks(out, rng);
			break;
		case 2:
			done = snap_step(out, parent, g->sc, rng);
			break;
		default:
			done = toggle_fault(out, g->sc, rng);
			break;
		}
		m += done;
	}
	return true;
}
