/*
 * Interrupt wires.
 */
#include "sim/core/irq.h"

#include <assert.h>

#include "sim/core/trace.h"

void pcisim_irq_init(struct pcisim_irq *irq, struct pcisim_comp *owner, const char *name)
{
	*irq = (struct pcisim_irq){.name = name, .owner = owner};
}

void pcisim_irq_connect(struct pcisim_irq *irq, pcisim_irq_fn fn, void *ctx)
{
	irq->fn = fn;
	irq->ctx = ctx;
}

void pcisim_irq_raise(struct pcisim_sim *sim, struct pcisim_irq *irq)
{
	assert(!irq->busy && "interrupt wire re-entered from its own handler");
	irq->count++;
	PCISIM_RECORD(sim, irq->owner, "irq", PCISIM_FS("wire", irq->name), PCISIM_FS("kind", "msg"),
		      PCISIM_FB("delivered", irq->fn != NULL));
	if (irq->fn) {
		irq->busy = true;
		irq->fn(irq, irq->ctx, 1, true);
		irq->busy = false;
	}
}

void pcisim_irq_set(struct pcisim_sim *sim, struct pcisim_irq *irq, int level)
{
	if (irq->level == level)
		return;
	assert(!irq->busy && "interrupt wire re-entered from its own handler");
	irq->count++;
	PCISIM_RECORD(sim, irq->owner, "irq", PCISIM_FS("wire", irq->name), PCISIM_FS("kind", "level"),
		      PCISIM_FU("level", level));
	if (irq->fn) {
		irq->busy = true;
		irq->fn(irq, irq->ctx, level, false);
		irq->busy = false;
	}
	irq->level = level;
}
