/*
 * Snapshots of a running simulation: everything a run's future depends on, taken
 * between two events and put back later into the same sim, which then runs on
 * exactly as it did after the snapshot was taken (same events, same records, same
 * hash, byte for byte).
 *
 * What one holds (docs/snapshots.md):
 *  - the engine's scalars (time, hash, executed count, sequence counter, the pool's
 *    free list head, the component and extension tables' sizes): struct pcisim_sim;
 *  - the queue's keys and its base (the queue's storage is the engine's own and is
 *    rebuilt from them; the order of events depends on the keys only);
 *  - the sim heap (heap.h): the event pool, the components, every model's state,
 *    the RNG streams the models own, the trace's counters and the expectations'
 *    states, as one copy of the heap's used bytes.
 *
 * What it does not hold: the hooks, the watchdog and the diagnostics sink the
 * caller installed (they stay as they are at restore), the trace's sinks' output
 * (what was printed stays printed) and anything an upper layer keeps outside the
 * sim's heap.
 *
 * A snapshot is an in-memory object of one process and one sim; restoring it into
 * another sim, or after the sim was freed, is a programming error. Snapshot files
 * (`pcisim simulate --snapshot-at`) are built on top of it in replay/.
 */
#ifndef PCISIM_CORE_SNAPSHOT_H
#define PCISIM_CORE_SNAPSHOT_H

#include <stddef.h>

#include "sim/core/sim.h"

struct pcisim_snapshot;

/** pcisim_snapshot_take() - a snapshot of @sim, between events. */
struct pcisim_snapshot *pcisim_snapshot_take(struct pcisim_sim *sim);
/** Put @s back into the sim it was taken from; it can be restored again. */
void pcisim_snapshot_restore(struct pcisim_sim *sim, const struct pcisim_snapshot *s);
void pcisim_snapshot_free(struct pcisim_snapshot *s);
/** Bytes the snapshot holds (heap image, keys and the engine's record). */
size_t pcisim_snapshot_bytes(const struct pcisim_snapshot *s);

#endif
