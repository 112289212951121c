/*
 * Test helper: run a scenario given as text through the same path as
 * `pcisim simulate`, and look at the records it produced.
 */
#ifndef PCISIM_TESTS_SCENARIO_UTIL_H
#define PCISIM_TESTS_SCENARIO_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/component.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "tools/cli.h"

struct run {
	struct pcisim_scenario sc;
	struct pcisim_sim sim;
	struct pcisim_diag diag;
	char *err;
	size_t errlen;
	FILE *errf;
	int load_rc;
	unsigned failed; /* expectations that failed */
};

static inline int run_text(struct run *r, const char *text, pcisim_time until)
{
	static bool registered;
	if (!registered) {
		pcisim_register_all();
		registered = true;
	}
	memset(r, 0, sizeof(*r));
	r->errf = open_memstream(&r->err, &r->errlen);
	pcisim_diag_init(&r->diag, r->errf);
	r->load_rc = pcisim_scenario_parse(&r->sc, "test.yaml", text, strlen(text), &r->diag);
	pcisim_sim_init(&r->sim, r->sc.seed, &r->diag);
	pcisim_trace_attach(&r->sim, true);
	if (r->load_rc)
		return r->load_rc;
	r->load_rc = pcisim_scenario_instantiate(&r->sim, &r->sc, NULL, NULL, &r->diag);
	if (r->load_rc)
		return r->load_rc;
	pcisim_run(&r->sim, until ? until : r->sc.has_until ? r->sc.until : 3600 * PCISIM_S);
	r->failed = pcisim_scenario_check(&r->sim, &r->sc, stderr, false);
	return 0;
}

static inline void run_free(struct run *r)
{
	pcisim_sim_free(&r->sim);
	pcisim_scenario_free(&r->sc);
	fclose(r->errf);
	free(r->err);
}

/* The first record of @kind (optionally of component @comp) with field @f == @v. */
static inline const struct pcisim_record *find_rec(struct run *r, const char *kind,
						     const char *comp, const char *f, const char *v)
{
	for (size_t i = 0; i < r->sim.trace->nrecs; i++) {
		const struct pcisim_record *rec = &r->sim.trace->recs[i];
		if (strcmp(rec->kind, kind))
			continue;
		if (comp && (!rec->comp_path || !strstr(rec->comp_path, comp)))
			continue;
		if (!f)
			return rec;
		for (uint32_t j = 0; j < rec->nfields; j++) {
			char buf[256];
			pcisim_field_format(&rec->fields[j], buf, sizeof(buf));
			if (!strcmp(rec->fields[j].name, f) && !strcmp(buf, v))
				return rec;
		}
	}
	return NULL;
}

/* A log line containing @text, or NULL. */
static inline const struct pcisim_record *find_log(struct run *r, const char *text)
{
	for (size_t i = 0; i < r->sim.trace->nrecs; i++) {
		const struct pcisim_record *rec = &r->sim.trace->recs[i];
		if (!strcmp(rec->kind, "log") && strstr(rec->fields[1].s, text))
			return rec;
	}
	return NULL;
}

#endif
