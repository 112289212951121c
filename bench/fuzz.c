/*
 * Fuzz throughput: complete runs per second on one core of a campaign, by default the PDS race with an
 * unscripted migration time (scenarios/pds-migration-fuzz.yaml: machine build, boot,
 * pciehp, the migration with its destination, expectations and invariants, per run),
 * and the wall time from a campaign's start until the PDS failure is first found.
 * Each figure is the median of 5 repetitions (the time to the first failure over 5
 * campaign seeds).
 *
 * Both ways are measured: building the machine for every run (as pcisim fuzz did
 * before snapshots), and restoring a snapshot of the machine built once.
 *
 * usage: bench_fuzz [SCENARIO] [RUNS] [both|build|snapshot]   (from the project
 *        root; default scenarios/pds-migration-fuzz.yaml, 5000 runs per repetition,
 *        both ways)
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "replay/runner.h"
#include "sim/core/scenario.h"
#include "replay/register.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void fuzz_spec(struct pcisim_run_spec *spec, struct pcisim_scenario *sc, uint64_t seed, uint64_t r)
{
	pcisim_run_spec_init(spec, sc);
	spec->policy = PCISIM_POLICY_RANDOM;
	char purpose[32];
	snprintf(purpose, sizeof(purpose), "run %" PRIu64, r);
	pcisim_rng_stream(&spec->rng, seed, "fuzz", purpose);
	spec->order = spec->jitter = true;
	spec->unhashed = true; /* as pcisim fuzz runs */
	spec->drop_choices = true;
}

/*
 * Run r of campaign @seed, as pcisim fuzz makes it, from the built machine @base
 * (NULL: building the machine for the run, as pcisim fuzz did before snapshots);
 * true when it failed.
 */
static bool pds_scenario;

static bool one_run(struct pcisim_scenario *sc, struct pcisim_run_base *base, uint64_t seed,
		    uint64_t r, struct pcisim_diag *d, bool *pds)
{
	struct pcisim_run_spec spec;
	fuzz_spec(&spec, sc, seed, r);
	struct pcisim_run_result res;
	if (pcisim_run_from(base, &spec, &res, d)) {
		fprintf(stderr, "bench_fuzz: the scenario does not run\n");
		exit(2);
	}
	bool failed = res.signature[0] != 0;
	/* the PDS race's own failure in its scenario; any failure in another */
	*pds = pds_scenario ? strstr(res.signature, "Bad config data: i=0x6e") != NULL : failed;
	pcisim_run_result_free(&res);
	return failed;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "scenarios/pds-migration-fuzz.yaml";
	uint64_t runs = argc > 2 ? strtoull(argv[2], NULL, 10) : 5000;
	const char *ways = argc > 3 ? argv[3] : "both";
	pds_scenario = strstr(path, "pds-migration") != NULL;
	/* As pcisim fuzz does: keep freed memory in the heap (every run frees and takes back
	 * the same large blocks; returning them to the kernel costs page faults). */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	pcisim_register_all();
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);

	for (int snap = 0; snap < 2; snap++) {
		if ((snap && !strcmp(ways, "build")) || (!snap && !strcmp(ways, "snapshot")))
			continue;
		const char *how = snap ? "from a snapshot of the built machine" : "building the machine every run";
		/* Time to the first PDS failure, from a cold start (load and build included), 5 seeds. */
		double first[5];
		uint64_t first_run[5];
		for (int k = 0; k < 5; k++) {
			double t0 = now_s();
			struct pcisim_scenario sc;
			if (pcisim_scenario_load(&sc, path, &d))
				return 2;
			struct pcisim_run_spec proto;
			fuzz_spec(&proto, &sc, 1000 + (uint64_t)k, 0);
			struct pcisim_run_base *base = snap ? pcisim_run_base_new(&proto, &d) : NULL;
			uint64_t r = 0;
			bool pds = false;
			/* bounded (3 s): a scenario may never fail */
			while (!(one_run(&sc, base, 1000 + (uint64_t)k, r, &d, &pds) && pds) &&
			       ((r & 63) || now_s() - t0 < 3))
				r++;
			first[k] = pds ? now_s() - t0 : -1;
			first_run[k] = r;
			pcisim_run_base_free(base);
			pcisim_scenario_free(&sc);
		}

		/* Throughput: complete runs per second, one core. */
		struct pcisim_scenario sc;
		if (pcisim_scenario_load(&sc, path, &d))
			return 2;
		struct pcisim_run_spec proto;
		fuzz_spec(&proto, &sc, 1, 0);
		struct pcisim_run_base *base = snap ? pcisim_run_base_new(&proto, &d) : NULL;
		if (snap && !base) {
			fprintf(stderr, "bench_fuzz: building the machine makes choices; no snapshot\n");
			return 2;
		}
		double rate[5];
		uint64_t failed = 0;
		for (int k = 0; k < 5; k++) {
			double t0 = now_s();
			failed = 0;
			for (uint64_t r = 0; r < runs; r++) {
				bool pds;
				failed += one_run(&sc, base, 1, r, &d, &pds);
			}
			rate[k] = (double)runs / (now_s() - t0);
			printf("%s: repetition %d: %" PRIu64 " runs in %.3f s: %.0f runs/s (%" PRIu64 " failing)", how,
			       k + 1, runs, (double)runs / rate[k], rate[k], failed);
			if (first[k] < 0)
				printf("; no failure in 3 s (campaign seed %d)\n", 1000 + k);
			else
				printf("; first failure after %.3f ms (run %" PRIu64 ", campaign seed %d)\n",
				       first[k] * 1e3, first_run[k], 1000 + k);
		}
		if (base)
			printf("snapshots: %zu bytes (the built machine, and it after the events every run shares: %" PRIu64
			       ")\n",
			       pcisim_run_base_bytes(base), pcisim_run_base_shared_events(base));
		pcisim_run_base_free(base);
		pcisim_scenario_free(&sc);
		qsort(rate, 5, sizeof(double), cmp_d);
		qsort(first, 5, sizeof(double), cmp_d);
		printf("scenario: %s, %s\n", path, how);
		printf("median: %.0f complete runs/s on one core\n", rate[2]);
		if (first[2] < 0)
			printf("median: no %sfailure found in 3 s\n", pds_scenario ? "PDS " : "");
		else
			printf("median: %s found after %.3f ms of wall time\n",
			       pds_scenario ? "PDS failure first" : "first failure", first[2] * 1e3);
	}
	return 0;
}
