/*
 * simulate's report of what went wrong in a run, expected or not: the outcomes
 * (replay/outcomes.h) and the verdict on the built-in invariants, as text and as
 * JSON (docs/scenario-format.md, "Outcomes and invariants").
 */
#ifndef PCISIM_TOOLS_OUTCOMES_H
#define PCISIM_TOOLS_OUTCOMES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "replay/outcomes.h"

struct pcisim_run_report {
	const struct pcisim_outcome *outcomes; /* owned by the watcher */
	size_t noutcomes;
	struct pcisim_inv_result *invs; /* violated or ignored ones */
	size_t ninvs;
	size_t ninvariants; /* how many were checked or ignored */
	size_t unaccounted; /* violations no expectation accounts for: exit 1 */
};

/** After the run of @sc in @sim: the outcomes @watch saw and the invariants' verdict. */
void pcisim_report_collect(struct pcisim_run_report *r, struct pcisim_outcomes *watch,
			   struct pcisim_sim *sim, const struct pcisim_scenario *sc);
/**
 * pcisim_report_print_checks() - one line per invariant that was violated, like the
 * expectations' lines: FAIL for one nothing accounts for (always), "ok" for one the
 * scenario expects or ignores (when @verbose).
 */
void pcisim_report_print_checks(const struct pcisim_run_report *r, FILE *out, bool verbose);
/** The outcomes block and the invariants' summary line. */
void pcisim_report_print_summary(const struct pcisim_run_report *r, FILE *out);
/** The same into @j: "outcomes", "invariants" and "violations" (unaccounted). */
void pcisim_report_json(const struct pcisim_run_report *r, json_t *j);
void pcisim_report_free(struct pcisim_run_report *r);

#endif
