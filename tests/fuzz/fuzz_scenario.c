/*
 * Harness: the scenario loader with instantiation. The input is a scenario file's
 * bytes, loaded from memory as scenarios/fuzz-input.yaml (so include: names resolve
 * as in the shipped scenarios), then run as `pcisim simulate` runs it: machine built,
 * timeline played, expectations and invariants evaluated, at most FUZZ_MAX_EVENTS
 * events. A scenario with a fuzz: section is also run once as `pcisim fuzz FILE
 * --runs 1` runs it (run 0 of its campaign: step times drawn, concurrent events
 * permuted, latencies drawn, the fault menu), so that faults and orders are reached.
 *
 * Invariants (replay/invariants.c, docs/fuzz.md): a run that ends with a violated
 * invariant of the model's own consistency (slot-settled, io-accounted,
 * recoveries-complete) aborts, unless the input states it with {invariant: NAME,
 * violated: ...}. An invariant that can be written as an expectation (as_expect, e.g.
 * migration-completes as {migration: completed}) describes the emulated system: QEMU
 * 7.2's migration does fail after the PDS race, and the FM RFC's retry does run a
 * command twice, whether or not a mutated input still says so. Those are what fuzz
 * campaigns look for, not defects of the model, and the harness does not abort on them.
 *
 * Runs from a campaign's base (docs/snapshots.md: the built machine's snapshot and the
 * prefix every run shares) must be the run that builds its own machine: when fuzz run
 * 0 ended within the bound, it is made again from a base, unhashed as a campaign makes
 * it and hashed, and any difference in signature, events, end time or hash aborts.
 */
#include <string.h>

#include "fuzz.h"
#include "replay/fuzz.h"
#include "replay/runner.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"

#ifndef PCISIM_SOURCE_DIR
#define PCISIM_SOURCE_DIR "."
#endif

/* Run @spec within the bound; its result into @res (free it), true when it ended. */
static bool run(struct pcisim_scenario *sc, struct pcisim_run_spec *spec, const char *how,
		const uint8_t *data, size_t size, struct pcisim_diag *d, struct pcisim_run_result *res)
{
	struct pcisim_watchdog wd = {.max_events = FUZZ_MAX_EVENTS};
	spec->watchdog = &wd;
	spec->report = fuzz_verbose() ? fuzz_out() : NULL;
	bool ended = !pcisim_run_scenario(spec, res, d) && !res->stopped_by;
	if (ended)
		fuzz_check_invariants(sc, res->failures, res->nfailures, how, data, size);
	spec->watchdog = NULL;
	return ended;
}

/*
 * @fresh (its random stream not yet drawn from) run from a base, unhashed and hashed,
 * against @want, the same run building its own machine (hashed). @want ended within
 * the bound, and a run from a base executes exactly its events, so no bound is needed.
 */
static void check_base(const struct pcisim_run_spec *fresh, const struct pcisim_run_result *want,
		       const uint8_t *data, size_t size, struct pcisim_diag *d)
{
	for (int hashed = 0; hashed < 2; hashed++) {
		struct pcisim_run_spec proto = *fresh;
		proto.report = NULL;
		proto.unhashed = !hashed;
		proto.drop_choices = true;
		struct pcisim_run_base *b = pcisim_run_base_new(&proto, d);
		struct pcisim_run_spec s = *fresh; /* the stream, undrawn */
		s.report = NULL;
		s.unhashed = !hashed;
		s.drop_choices = true;
		struct pcisim_run_result r;
		int rc = pcisim_run_from(b, &s, &r, d);
		if (rc || strcmp(r.signature, want->signature) || r.events != want->events || r.now != want->now ||
		    (hashed && r.hash != want->hash))
			fuzz_fail(data, size,
				  "a %s run from a campaign's base (%llu shared events) differs from fuzz run 0: "
				  "rc %d, signature \"%s\" against \"%s\", %llu events against %llu, end %llu against %llu, "
				  "hash %016llx against %016llx\n",
				  hashed ? "hashed" : "unhashed",
				  (unsigned long long)pcisim_run_base_shared_events(b), rc, rc ? "" : r.signature,
				  want->signature, (unsigned long long)r.events, (unsigned long long)want->events,
				  (unsigned long long)r.now, (unsigned long long)want->now,
				  (unsigned long long)r.hash, (unsigned long long)want->hash);
		pcisim_run_result_free(&r);
		pcisim_run_base_free(b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcisim_diag d;
	fuzz_setup(&d);
	struct pcisim_scenario sc;
	if (pcisim_scenario_parse(&sc, PCISIM_SOURCE_DIR "/scenarios/fuzz-input.yaml",
				  (const char *)data, size, &d)) {
		pcisim_scenario_free(&sc);
		return 0;
	}
	struct pcisim_run_spec spec;
	struct pcisim_run_result res;
	pcisim_run_spec_init(&spec, &sc);
	run(&sc, &spec, "simulate", data, size, &d, &res);
	pcisim_run_result_free(&res);

	struct pcisim_fuzz_config cfg;
	if (sc.fuzz && !pcisim_fuzz_config(&sc, &cfg, &d)) {
		pcisim_run_spec_init(&spec, &sc);
		spec.policy = PCISIM_POLICY_RANDOM;
		pcisim_rng_stream(&spec.rng, cfg.seed, "fuzz", "run 0");
		spec.order = cfg.order;
		spec.jitter = cfg.jitter;
		spec.jitter_pct = cfg.jitter_pct;
		/* every invariant: fuzz: invariants: narrows a campaign, not what the model owes */
		struct pcisim_run_spec fresh = spec;
		if (run(&sc, &spec, "fuzz run 0", data, size, &d, &res))
			check_base(&fresh, &res, data, size, &d);
		pcisim_run_result_free(&res);
	}
	if (sc.fuzz)
		pcisim_fuzz_config_free(&cfg);
	pcisim_scenario_free(&sc);
	return 0;
}
