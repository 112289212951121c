/*
 * What went wrong in a run, whatever its scenario expects: the outcomes `pcisim
 * simulate` prints after every run, and its verdict on the built-in invariants.
 *
 * Outcomes come from the facts the models keep (the migration log of
 * sim/qemu/migration.h, device_del requests still pending in the fabric) and, for
 * what happened and is over by the end (a recovery that failed, a device lost, an
 * I/O request errored, a slot pciehp could not enable), from the records as they
 * stream: each distinct outcome is kept once with a count and the time it first
 * happened, so the memory does not grow with the length of the run.
 *
 * Invariants (replay/runner.h, replay/invariants.c): every registered one is checked.
 * A violation is accounted for when the scenario expects it: an `invariant: NAME`
 * expectation (`violated: yes`, or `ignore: yes` to opt out), or the expectation the
 * invariant names (the PDS race's `migration: failed` for migration-completes)
 * holding. A violation nothing accounts for makes simulate exit 1.
 */
#ifndef PCISIM_REPLAY_OUTCOMES_H
#define PCISIM_REPLAY_OUTCOMES_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/scenario.h"
#include "sim/core/time.h"

struct pcisim_sim;
struct pcisim_invariant;

/** One thing that went wrong, kept once however often it happened. */
struct pcisim_outcome {
	const char *kind;  /* "migration failed", "recovery failed", "device lost", ... (static) */
	char where[160];   /* the component (its name), or "" */
	char what[640];    /* the detail: QEMU's line, the reason, ... */
	pcisim_time first; /* when it first happened */
	uint64_t count;    /* how many times */
};

struct pcisim_outcomes;

/**
 * pcisim_outcomes_attach() - watch the records of @sim (trace attached, before the
 * scenario is instantiated). The trace owns the watcher; it lives until the sim is
 * freed. Adds nothing to the trace or its hash.
 */
struct pcisim_outcomes *pcisim_outcomes_attach(struct pcisim_sim *sim);

/**
 * pcisim_outcomes_collect() - after the run: what the records showed, then what the
 * models hold at the end, in the order each first happened. Valid until the next
 * call or until the sim is freed.
 */
const struct pcisim_outcome *pcisim_outcomes_collect(struct pcisim_outcomes *o, size_t *n);

enum pcisim_inv_verdict {
	PCISIM_INV_VIOLATED, /* nothing accounts for it */
	PCISIM_INV_EXPECTED, /* an expectation of the scenario expects it */
	PCISIM_INV_IGNORED,  /* the scenario opted out (it was not checked) */
};

/** An invariant that was violated, or that the scenario ignores. */
struct pcisim_inv_result {
	const struct pcisim_invariant *inv;
	enum pcisim_inv_verdict verdict;
	const struct pcisim_expect *by; /* the expectation that accounts for it, or NULL */
	char where[256], what[768];
};

/**
 * pcisim_invariants_judge() - check every registered invariant (sorted by name) after
 * a run of @sc in @sim. Returns the violated and the ignored ones in *@out (free()
 * it), their number in *@n, and the number nothing accounts for.
 */
size_t pcisim_invariants_judge(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
			       struct pcisim_inv_result **out, size_t *n);

#endif
