/*
 * Hard races (the scenarios of bench/races/): the wall time from a campaign's start to its first
 * failure, per strategy (random, swarm, guided: pcisim fuzz --strategy; explore:
 * pcisim explore), on one core, each strategy given at most a budget of wall time
 * (default 10 s). The campaigns are pcisim fuzz's own (machine built once, runs from
 * its snapshot), with the scenario's campaign seed and no minimising.
 *
 * usage: bench_races [--budget SECONDS] [SCENARIO...]   (from the project root;
 *        default: every scenario of bench/races/ listed below)
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "replay/explore.h"
#include "replay/fuzz.h"
#include "replay/register.h"
#include "sim/core/scenario.h"

static const char *const default_races[] = {
	"bench/races/button-press-meets-device-del.yaml",
	"bench/races/aer-fatal-in-serialized-recovery.yaml",
	"bench/races/fm-retry-crosses-completion.yaml",
	"bench/races/fm-stall-crosses-timeout.yaml",
	"bench/races/aer-fatal-lost-in-link-flap.yaml",
	"bench/races/device-del-during-power-on.yaml",
	NULL,
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A fuzz campaign of @budget seconds: the first failure's wall time (-1: none), its run. */
static double fuzz_first(const char *path, enum pcisim_fuzz_strategy st, double budget, long long *run,
			 long long *runs, struct pcisim_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct pcisim_fuzz_opts o = {.seconds = budget, .jobs = 1, .json = true, .no_minimise = true,
				     .out = out, .strategy = st};
	pcisim_fuzz(path, &o, d);
	fclose(out);
	double first = -1;
	*run = -1, *runs = 0;
	json_t *j = json_loads(buf, 0, NULL);
	json_t *sigs = json_object_get(j, "signatures");
	*runs = json_integer_value(json_object_get(j, "runs"));
	for (size_t i = 0; i < json_array_size(sigs); i++) {
		json_t *s = json_array_get(sigs, i);
		double t = json_real_value(json_object_get(s, "found_after_seconds"));
		if (t >= 0 && (first < 0 || t < first)) {
			first = t;
			*run = json_integer_value(json_object_get(s, "first_run"));
		}
	}
	json_decref(j);
	free(buf);
	return first;
}

int main(int argc, char **argv)
{
	double budget = 10;
	int a = 1;
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: bench_races [--budget SECONDS] [SCENARIO...]\n");
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--budget")) {
		char *end = NULL;
		budget = argc > 2 ? strtod(argv[2], &end) : 0;
		if (argc < 3 || end == argv[2] || *end || !(budget > 0)) {
			fprintf(stderr, "bench_races: --budget: expected a number of seconds above 0, got '%s'\n"
					"usage: bench_races [--budget SECONDS] [SCENARIO...]\n",
				argc > 2 ? argv[2] : "");
			return 2;
		}
		a = 3;
	}
	for (int i = a; i < argc; i++)
		if (argv[i][0] == '-') {
			fprintf(stderr, "bench_races: unknown option '%s'; the options are --budget SECONDS and --help\n",
				argv[i]);
			return 2;
		}
	const char *const *races = argc > a ? (const char *const *)argv + a : default_races;
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	pcisim_register_all();
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	static const struct {
		const char *name;
		enum pcisim_fuzz_strategy st;
	} strategies[] = {
		{"random", PCISIM_STRATEGY_RANDOM},
		{"swarm", PCISIM_STRATEGY_SWARM},
		{"guided", PCISIM_STRATEGY_GUIDED},
	};
	/* every scenario loads, or nothing is measured (its errors say why) */
	for (size_t r = 0; races[r]; r++) {
		struct pcisim_scenario sc;
		if (pcisim_scenario_load(&sc, races[r], &d))
			return 2;
		pcisim_scenario_free(&sc);
	}
	printf("wall time to the first failure, one core, budget %.0f s per strategy\n", budget);
	for (size_t r = 0; races[r]; r++) {
		printf("%s\n", races[r]);
		for (size_t k = 0; k < 3; k++) {
			long long run, runs;
			double t = fuzz_first(races[r], strategies[k].st, budget, &run, &runs, &d);
			if (t >= 0)
				printf("  %-7s %9.3f s (run %lld; %lld runs in the budget)\n", strategies[k].name, t,
				       run, runs);
			else
				printf("  %-7s not found in %.0f s (%lld runs)\n", strategies[k].name, budget, runs);
		}
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		struct pcisim_explore_opts xo = {.max_runs = 100000, .out = out};
		double t0 = now_s();
		int rc = pcisim_explore(races[r], &xo, &d);
		double t = now_s() - t0;
		fclose(out);
		if (rc == 1)
			printf("  %-7s %9.3f s (the first failing schedule)\n", "explore", t);
		else
			printf("  %-7s no failing schedule found (%.3f s, exit %d)\n", "explore", t, rc);
		free(buf);
	}
	return 0;
}
