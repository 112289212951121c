/*
 * Coverage-guided schedules (pcisim fuzz --strategy guided): a corpus of schedules
 * (the choices of a run: step times, faults in or out, ranks of concurrent events,
 * jitters) that each reached something no earlier run had, and mutations of them.
 *
 * Coverage of a run, from its items:
 *  - states and transitions: per trace record, (component, record kind, every string
 *    and boolean field but free text), so a pciehp.state record from=X to=Y why=Z
 *    at a component is one (component, state, transition) triple;
 *  - orderings: per pair of events that ran one after the other at the same time,
 *    (kind and target of the first, kind and target of the second);
 *  - where a step landed: per timeline step (its action record), the step with the
 *    state record that came last before it, so a step moved into a new interval
 *    between two state changes is new coverage even when it changes nothing else.
 * A schedule enters the corpus when its run covered a feature never seen before.
 *
 * Mutations of a corpus schedule (one to three of them), in the manner of greybox
 * fuzzing of distributed systems (Mallory, 2023) with faults placed as FoundationDB's
 * BUGGIFY places them (in or out, anywhere in their window):
 *  - shift a step within its range, by an amount drawn log-uniformly from 1 ps to
 *    the range's width (narrow windows are found next to times that got somewhere);
 *  - move a step next to something its parent's run recorded inside the step's
 *    range: onto that time, or after it (before it) by an amount drawn log-uniformly
 *    from 1 ps to the gap to the next (previous) recorded time. Races live next to
 *    the model's own events (the end of a recovery, a packet on the bus), in the
 *    gaps between them, as pcisim explore enumerates them; this finds the 1.2 us
 *    window in 10 s of bench/races/aer-fatal-lost-in-link-flap.yaml in tens of runs,
 *    where random runs need some 10^7;
 *  - swap the ranks of two concurrent events (same due time and class), or give one
 *    a new rank;
 *  - add a fault of the menu (at a time in its window) or drop one.
 * The mutated schedule is run with the replay policy: each choice recorded is
 * applied; one asked for that the schedule lacks takes its default.
 */
#ifndef PCISIM_REPLAY_GUIDED_H
#define PCISIM_REPLAY_GUIDED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replay/tracefile.h"
#include "sim/core/arena.h"
#include "sim/core/rng.h"
#include "sim/core/scenario.h"

/**
 * A schedule: choice items, with their strings, owned. A corpus schedule also keeps
 * the times its run recorded something at (ascending, distinct, at most
 * PCISIM_GUIDED_TIMES of them, every k-th when the run had more), for the mutation
 * that moves a step next to one of them; other schedules have none.
 */
struct pcisim_schedule {
	struct pcisim_titem *v;
	size_t n;
	pcisim_time *times;
	size_t ntimes;
	struct pcisim_arena arena;
};

#define PCISIM_GUIDED_TIMES 1024

void pcisim_schedule_copy(struct pcisim_schedule *dst, const struct pcisim_titem *items, size_t n);
void pcisim_schedule_free(struct pcisim_schedule *s);

struct pcisim_guided;

struct pcisim_guided *pcisim_guided_new(const struct pcisim_scenario *sc);
void pcisim_guided_free(struct pcisim_guided *g);

/** Before a run: forget the features of the last one. */
void pcisim_guided_run_start(struct pcisim_guided *g);
/** Every item of the run (struct pcisim_run_spec's on_item, ctx = @g). */
void pcisim_guided_item(void *g, const struct pcisim_titem *it);
/**
 * pcisim_guided_run_end() - the run is over and made the choices @choices: keep its
 * schedule when it covered something new. Returns the number of new features.
 */
size_t pcisim_guided_run_end(struct pcisim_guided *g, const struct pcisim_titem *choices, size_t n);

/** Schedules in the corpus, features seen. */
size_t pcisim_guided_corpus(const struct pcisim_guided *g);
size_t pcisim_guided_features(const struct pcisim_guided *g);

/**
 * pcisim_guided_next() - the schedule of the next guided run into @out (free it with
 * pcisim_schedule_free): false when the run should be a fresh random one (empty
 * corpus, or one run in four to keep exploring); else a mutated corpus schedule.
 */
bool pcisim_guided_next(struct pcisim_guided *g, struct pcisim_rng *rng, struct pcisim_schedule *out);

#endif
