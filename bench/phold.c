/*
 * PHOLD on the core engine: N logical processes (components), M initial events per
 * LP; every event, when handled, counts itself on its LP and schedules one event at
 * now + 0.1 + Exp(1) time units on a uniformly random LP. One time unit is 1 us
 * (1e6 ps); the delay is rounded down to whole picoseconds.
 *
 * Everything goes through the real engine (pool, queue, running hash, components),
 * so events/s here is what a model pays per event minus its own handler work.
 *
 *   bench_phold [--lps N] [--init M] [--events E] [--runs R]
 *
 * Prints events/s per run and their median, the peak RSS, a checksum of the LP
 * counters and the engine's trace hash (the same on every run and machine).
 * Built with -DPCISIM_PROFILE=ON, PCISIM_BENCH_PROFILE=file writes a gperftools CPU
 * profile of the runs. Results and method: docs/engine.md.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sim/core/component.h"
#include "sim/core/rng.h"
#include "sim/core/sim.h"

#ifdef PCISIM_PROFILE
#include <gperftools/profiler.h>
#endif

struct phold;

struct lp {
	struct pcisim_comp c; /* first member: the engine sees a component */
	struct phold *ph;
	uint64_t count;
};

struct phold {
	struct lp *lps;
	uint32_t nlps;
	uint64_t stop_after; /* executed events at which the run stops */
	struct pcisim_rng rng;
};

static const struct pcisim_comp_ops lp_ops = {.type = "phold-lp"};

static void on_event(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(phold_kind, "phold.event", on_event);

/*
 * Exp(1) by Marsaglia and Tsang's ziggurat (256 layers, J. Stat. Softw. 5(8), 2000):
 * about 99% of draws take one table comparison and one multiply, the rest fall back to
 * the exact tail or wedge test. The tables are built once with log() and exp(); the
 * benchmark measures the engine, and log() per event was a quarter of its cycles.
 */
static uint32_t zig_k[256];
static double zig_w[256], zig_f[256];

static void zig_init(void)
{
	const double m = 4294967296.0, v = 3.949659822581572e-3;
	double d = 7.697117470131487, t = d;
	double q = v / exp(-d);
	zig_k[0] = (uint32_t)((d / q) * m);
	zig_k[1] = 0;
	zig_w[0] = q / m;
	zig_w[255] = d / m;
	zig_f[0] = 1.0;
	zig_f[255] = exp(-d);
	for (int i = 254; i >= 1; i--) {
		d = -log(v / d + exp(-d));
		zig_k[i + 1] = (uint32_t)((d / t) * m);
		t = d;
		zig_f[i] = exp(-d);
		zig_w[i] = d / m;
	}
}

static double exp1(struct pcisim_rng *r)
{
	for (;;) {
		uint32_t j = (uint32_t)pcisim_rng_next(r);
		unsigned i = j & 255;
		if (j < zig_k[i])
			return j * zig_w[i];
		if (i == 0) /* the tail beyond the base layer */
			return 7.697117470131487 - log(1.0 - pcisim_rng_unit(r));
		double x = j * zig_w[i];
		if (zig_f[i] + pcisim_rng_unit(r) * (zig_f[i - 1] - zig_f[i]) < exp(-x))
			return x;
	}
}

/* 0.1 + Exp(1) units of 1 us, in whole picoseconds. */
static pcisim_time phold_delay(struct pcisim_rng *r)
{
	return (pcisim_time)100000 + (pcisim_time)(exp1(r) * 1e6);
}

static void phold_send(struct pcisim_sim *sim, struct phold *ph, uint32_t to, pcisim_time delay)
{
	struct lp *dst = &ph->lps[to];
	struct pcisim_event *ev = pcisim_event_new(sim, &phold_kind, &dst->c);
	ev->a[0] = to;
	ev->ptr = dst;
	pcisim_post(sim, ev, sim->now + delay, PCISIM_CLASS_HW);
}

static void on_event(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct lp *self = ev->ptr;
	struct phold *ph = self->ph;
	self->count++;
	pcisim_time delay = phold_delay(&ph->rng);
	uint32_t to = (uint32_t)pcisim_rng_below(&ph->rng, ph->nlps);
	phold_send(sim, ph, to, delay);
	if (sim->executed >= ph->stop_after)
		pcisim_stop(sim);
}

struct run_result {
	double secs;
	uint64_t executed, checksum, hash;
	pcisim_time end;
};

static double now_secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int run_once(uint32_t nlps, uint32_t init, uint64_t events, struct run_result *res)
{
	struct pcisim_sim sim;
	struct phold ph = {.nlps = nlps, .stop_after = events};
	if (pcisim_sim_init(&sim, 1, NULL))
		return -1;
	pcisim_rng_stream(&ph.rng, sim.seed, "phold", "delay");
	/* One cache line per LP, as a model would lay out its hot state. */
	ph.lps = aligned_alloc(64, ((size_t)nlps * sizeof(*ph.lps) + 63) / 64 * 64);
	if (!ph.lps)
		return -1;
	memset(ph.lps, 0, (size_t)nlps * sizeof(*ph.lps));
	for (uint32_t i = 0; i < nlps; i++) {
		char name[32];
		snprintf(name, sizeof(name), "lp%u", i);
		ph.lps[i].ph = &ph;
		if (pcisim_comp_add(&sim, &ph.lps[i].c, NULL, name, &lp_ops))
			return -1;
	}
	for (uint32_t i = 0; i < nlps; i++)
		for (uint32_t m = 0; m < init; m++)
			phold_send(&sim, &ph, i, phold_delay(&ph.rng));

	double t0 = now_secs();
	uint64_t n = pcisim_run(&sim, PCISIM_TIME_MAX);
	double t1 = now_secs();

	uint64_t sum = 0, check = 0;
	for (uint32_t i = 0; i < nlps; i++) {
		sum += ph.lps[i].count;
		check = (check ^ ph.lps[i].count) * 0x100000001b3ull + i;
	}
	if (sum != n) {
		fprintf(stderr, "bench_phold: counters (%llu) disagree with executed events (%llu)\n",
			(unsigned long long)sum, (unsigned long long)n);
		return -1;
	}
	res->secs = t1 - t0;
	res->executed = n;
	res->checksum = check;
	res->hash = sim.hash;
	res->end = sim.now;
	pcisim_sim_free(&sim);
	free(ph.lps);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	if (!s || !*s) {
		fprintf(stderr, "bench_phold: %s needs a value\n", opt);
		return -1;
	}
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || *s == '-' || v < lo || v > hi) {
		fprintf(stderr, "bench_phold: %s must be an integer in [%llu, %llu], not '%s'\n", opt,
			(unsigned long long)lo, (unsigned long long)hi, s);
		return -1;
	}
	*out = v;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_phold [--lps N] [--init M] [--events E] [--runs R]\n"
		   "  --lps N     logical processes (default 1024)\n"
		   "  --init M    initial events per LP (default 1)\n"
		   "  --events E  events executed per run (default 20000000)\n"
		   "  --runs R    runs; the median events/s is reported (default 5)\n");
}

int main(int argc, char **argv)
{
	zig_init();
	uint64_t nlps = 1024, init = 1, events = 20000000, runs = 5;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const char *eq = strchr(a, '=');
		char name[32];
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, a, len);
		name[len] = 0;
		if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
			usage(stdout);
			return 0;
		}
		uint64_t *dst = !strcmp(name, "--lps")	  ? &nlps
				: !strcmp(name, "--init")   ? &init
				: !strcmp(name, "--events") ? &events
				: !strcmp(name, "--runs")   ? &runs
							    : NULL;
		if (!dst) {
			fprintf(stderr, "bench_phold: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		}
		val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		uint64_t hi = dst == &nlps ? 1u << 20 : dst == &init ? 1u << 16 : dst == &runs ? 1000 : UINT64_MAX;
		if (parse_u64(name, val, 1, hi, dst))
			return 2;
	}
	if (nlps * init > PCISIM_EVQ_SLOT_MAX) {
		fprintf(stderr, "bench_phold: --lps x --init must stay below %u pending events\n",
			PCISIM_EVQ_SLOT_MAX);
		return 2;
	}

	printf("phold: lps=%llu init=%llu events=%llu runs=%llu\n", (unsigned long long)nlps,
	       (unsigned long long)init, (unsigned long long)events, (unsigned long long)runs);
	double *rates = calloc(runs, sizeof(*rates));
	if (!rates)
		return 1;
	uint64_t hash0 = 0, check0 = 0;
#ifdef PCISIM_PROFILE
	const char *prof = getenv("PCISIM_BENCH_PROFILE");
	if (prof)
		ProfilerStart(prof);
#endif
	for (uint64_t r = 0; r < runs; r++) {
		struct run_result res;
		if (run_once((uint32_t)nlps, (uint32_t)init, events, &res)) {
			fprintf(stderr, "bench_phold: run failed\n");
			return 1;
		}
		rates[r] = (double)res.executed / res.secs;
		printf("run %llu: %llu events in %.3f s: %.2f M events/s (sim time %.3f us)\n",
		       (unsigned long long)r + 1, (unsigned long long)res.executed, res.secs,
		       rates[r] / 1e6, (double)res.end / 1e6);
		if (r == 0) {
			hash0 = res.hash;
			check0 = res.checksum;
		} else if (res.hash != hash0 || res.checksum != check0) {
			fprintf(stderr, "bench_phold: run %llu is not deterministic\n",
				(unsigned long long)r + 1);
			return 1;
		}
	}
#ifdef PCISIM_PROFILE
	if (prof)
		ProfilerStop();
#endif
	qsort(rates, runs, sizeof(*rates), cmp_double);
	double median = runs % 2 ? rates[runs / 2] : (rates[runs / 2 - 1] + rates[runs / 2]) / 2;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("median: %.2f M events/s\n", median / 1e6);
	printf("peak rss: %ld KiB\n", ru.ru_maxrss);
	printf("checksum: %016llx\n", (unsigned long long)check0);
	printf("hash: %016llx\n", (unsigned long long)hash0);
	free(rates);
	return 0;
}
