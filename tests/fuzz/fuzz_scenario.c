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
 */
#include "fuzz.h"
#include "replay/fuzz.h"
#include "replay/runner.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"

#ifndef PCISIM_SOURCE_DIR
#define PCISIM_SOURCE_DIR "."
#endif

static void run(struct pcisim_scenario *sc, struct pcisim_run_spec *spec, const char *how,
		const uint8_t *data, size_t size, struct pcisim_diag *d)
{
	struct pcisim_watchdog wd = {.max_events = FUZZ_MAX_EVENTS};
	spec->watchdog = &wd;
	spec->report = fuzz_verbose() ? fuzz_out() : NULL;
	struct pcisim_run_result res;
	if (!pcisim_run_scenario(spec, &res, d) && !res.stopped_by)
		fuzz_check_invariants(sc, res.failures, res.nfailures, how, data, size);
	pcisim_run_result_free(&res);
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
	pcisim_run_spec_init(&spec, &sc);
	run(&sc, &spec, "simulate", data, size, &d);

	struct pcisim_fuzz_config cfg;
	if (sc.fuzz && !pcisim_fuzz_config(&sc, &cfg, &d)) {
		pcisim_run_spec_init(&spec, &sc);
		spec.policy = PCISIM_POLICY_RANDOM;
		pcisim_rng_stream(&spec.rng, cfg.seed, "fuzz", "run 0");
		spec.order = cfg.order;
		spec.jitter = cfg.jitter;
		spec.jitter_pct = cfg.jitter_pct;
		/* every invariant: fuzz: invariants: narrows a campaign, not what the model owes */
		run(&sc, &spec, "fuzz run 0", data, size, &d);
	}
	if (sc.fuzz)
		pcisim_fuzz_config_free(&cfg);
	pcisim_scenario_free(&sc);
	return 0;
}
