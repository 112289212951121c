/*
 * Harness: import-qemu and a load of what it wrote. The input is a launch script or
 * a pasted QEMU command line, as `pcisim import-qemu FILE` reads it (text up to the
 * first NUL byte, which the command refuses). When the import succeeds, the YAML it
 * wrote must load as a scenario: an import that writes a file pcisim then refuses is
 * a finding (fuzz_fail). The loaded scenario is then built and run for at most
 * FUZZ_MAX_EVENTS events, its invariants checked as fuzz_scenario checks them; the
 * topology may still be refused there (import checks the options and drivers, not
 * where each device can sit), and that is no finding.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "replay/runner.h"
#include "sim/core/arena.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/qemu/qemu_args.h"

#ifndef PCISIM_SOURCE_DIR
#define PCISIM_SOURCE_DIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcisim_diag d;
	fuzz_setup(&d);
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = 0;

	char *yaml = NULL;
	size_t ylen = 0;
	FILE *mem = open_memstream(&yaml, &ylen);
	if (!mem)
		abort();
	struct pcisim_arena arena;
	pcisim_arena_init(&arena);
	const struct pcisim_qemu_yaml_opts o = {"fuzz-input", "QEMU launch command imported from fuzz-input.sh",
						"fuzz-input.sh"};
	int rc = pcisim_qemu_import(mem, &arena, "fuzz-input.sh", text, &o, &d);
	fclose(mem);
	pcisim_arena_free(&arena);
	free(text);
	if (rc) {
		free(yaml);
		return 0;
	}
	if (fuzz_verbose())
		fprintf(stderr, "%s", yaml);

	struct pcisim_diag ld;
	char *why = NULL;
	size_t whylen = 0;
	FILE *wf = open_memstream(&why, &whylen);
	if (!wf)
		abort();
	pcisim_diag_init(&ld, wf);
	struct pcisim_scenario sc;
	rc = pcisim_scenario_parse(&sc, PCISIM_SOURCE_DIR "/scenarios/fuzz-input.yaml", yaml, ylen, &ld);
	fclose(wf);
	if (rc)
		fuzz_fail(data, size, "import-qemu wrote a scenario that does not load: %s--- the scenario:\n%s",
			  why, yaml);
	free(why);
	struct pcisim_run_spec spec;
	pcisim_run_spec_init(&spec, &sc);
	struct pcisim_watchdog wd = {.max_events = FUZZ_MAX_EVENTS};
	spec.watchdog = &wd;
	struct pcisim_run_result res;
	if (!pcisim_run_scenario(&spec, &res, &d) && !res.stopped_by)
		fuzz_check_invariants(&sc, res.failures, res.nfailures, "the imported scenario's run",
				      data, size);
	pcisim_run_result_free(&res);
	pcisim_scenario_free(&sc);
	free(yaml);
	return 0;
}
