/*
 * Interrupt wires: how hardware models signal software models without knowing them.
 *
 * A device owns a named pcisim_irq ("rp18>msi"); a host model connects a handler to
 * it. pcisim_irq_raise() for an edge (MSI/MSI-X message) calls the handler once;
 * pcisim_irq_set() for a level (INTx) calls it on every change of level, and the
 * level is updated after the handler ran, so it sees old and new. Re-entering a
 * wire from its own handler is a programming error (asserted), not a silent skip.
 * Every signal is a trace record "irq" (fields: wire, kind, level).
 */
#ifndef PCISIM_CORE_IRQ_H
#define PCISIM_CORE_IRQ_H

#include <stdbool.h>

struct pcisim_sim;
struct pcisim_comp;
struct pcisim_irq;

typedef void (*pcisim_irq_fn)(struct pcisim_irq *irq, void *ctx, int level, bool edge);

struct pcisim_irq {
	const char *name;           /* "msi", "intx", shown with the owner's path */
	struct pcisim_comp *owner;
	pcisim_irq_fn fn;           /* NULL: nobody listens (the signal is still traced) */
	void *ctx;
	int level;
	bool busy;
	unsigned long long count;   /* edges and level changes so far */
};

void pcisim_irq_init(struct pcisim_irq *irq, struct pcisim_comp *owner, const char *name);
void pcisim_irq_connect(struct pcisim_irq *irq, pcisim_irq_fn fn, void *ctx);
/** A message-signalled interrupt: one edge. */
void pcisim_irq_raise(struct pcisim_sim *sim, struct pcisim_irq *irq);
/** A level-triggered line: calls the handler only when the level changes. */
void pcisim_irq_set(struct pcisim_sim *sim, struct pcisim_irq *irq, int level);

#endif
