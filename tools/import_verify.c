/*
 * import-qemu's last guard: the scenario it is about to write is loaded back from memory
 * and instantiated as `pcisim simulate` would, with every layer registered. The import
 * itself already built the command line the same way and located every error in the
 * launch script; a scenario that still does not load is pcisim's fault, and is reported
 * as an internal error instead of being written.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim/core/diag.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "tools/cli.h"

int pcisim_import_qemu_verify(const char *yaml, size_t len, const char *name,
			      const char *script, FILE *err)
{
	char *msgs = NULL;
	size_t mlen = 0;
	FILE *mf = open_memstream(&msgs, &mlen);
	if (!mf) {
		fprintf(err, "pcisim import-qemu: error: out of memory\n");
		return PCISIM_EXIT_USAGE;
	}
	/* What simulate would print goes nowhere: only whether it would load matters. */
	struct pcisim_diag d;
	pcisim_diag_init(&d, mf);
	struct pcisim_scenario sc;
	int rc = pcisim_scenario_parse(&sc, name, yaml, len, &d);
	if (!rc) {
		struct pcisim_sim sim;
		rc = pcisim_sim_init(&sim, sc.seed, &d);
		if (!rc)
			rc = pcisim_scenario_instantiate(&sim, &sc, NULL, NULL, &d);
		pcisim_sim_free(&sim);
	}
	pcisim_scenario_free(&sc);
	fclose(mf);
	free(msgs);
	if (!rc)
		return PCISIM_EXIT_OK;
	fprintf(err,
		"pcisim import-qemu: internal error: the scenario written for %s does not load (%s); nothing was written. Please report this with the launch script.\n",
		script, d.first[0] ? d.first : "no message");
	return PCISIM_EXIT_USAGE;
}
