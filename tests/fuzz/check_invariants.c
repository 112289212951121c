/*
 * check_invariants SCENARIO FAILURE... - the harnesses' invariant policy on its own
 * (fuzz_check_invariants(), docs/fuzz.md "libFuzzer harnesses"): load SCENARIO, hand it
 * the FAILURE lines as a run's failures ("invariant NAME violated at WHERE: WHAT"),
 * and print "accounted" when the policy lets them pass. A finding aborts, with the
 * message fuzz_fail() prints. The model's consistency invariants cannot be violated by
 * any input while the model is right, so ctest reaches that branch through here.
 * Exit 2 when SCENARIO does not load.
 */
#include <stdio.h>

#include "fuzz.h"
#include "sim/core/scenario.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s SCENARIO [FAILURE...]\n", argv[0]);
		return 2;
	}
	struct pcisim_diag d;
	fuzz_setup(&d);
	pcisim_diag_init(&d, stderr);
	struct pcisim_scenario sc;
	if (pcisim_scenario_load(&sc, argv[1], &d)) {
		pcisim_scenario_free(&sc);
		return 2;
	}
	fuzz_check_invariants(&sc, argv + 2, (size_t)(argc - 2), "check", NULL, 0);
	pcisim_scenario_free(&sc);
	puts("accounted");
	return 0;
}
