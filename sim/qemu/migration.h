/*
 * QEMU live migration (migration.c): the migrate action and what a run's migrations
 * ended with, for expectations and invariants.
 */
#ifndef PCISIM_QEMU_MIGRATION_H
#define PCISIM_QEMU_MIGRATION_H

#include <stdbool.h>

#include "sim/core/sim.h"
#include "sim/core/time.h"

struct pcisim_migration_outcome {
	bool happened;
	bool completed;    /* else failed */
	pcisim_time t;     /* when it ended */
	char reason[512];  /* why it failed: QEMU's first error line ("" when completed) */
};

/** The last migration of the run so far, or NULL when none ran. */
const struct pcisim_migration_outcome *pcisim_migration_last(struct pcisim_sim *sim);
/** The first migration that did not complete, or NULL. */
const struct pcisim_migration_outcome *pcisim_migration_first_failure(struct pcisim_sim *sim);

#endif
