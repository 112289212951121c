/*
 * The I/O port space and its claims (ioport.h).
 */
#include "sim/pcie/ioport.h"

#include <stdlib.h>

#include "sim/core/diag.h"
#include "sim/core/sim.h"

struct claim {
	uint16_t base;
	uint32_t count;
	const struct pcisim_ioport_ops *ops;
	void *ctx;
};

struct claims {
	struct claim *v;
	size_t n, cap;
};

static const struct pcisim_ext_key ioport_key = {"pcie.ioport"};

static void claims_free(void *p)
{
	struct claims *c = p;
	free(c->v);
	free(c);
}

int pcisim_ioport_claim(struct pcisim_sim *sim, uint16_t base, uint32_t count,
			const struct pcisim_ioport_ops *ops, void *ctx)
{
	if (!count || base + count > 0x10000u)
		return PCISIM_ERR(PCISIM_EINVAL);
	struct claims *c = pcisim_ext_get(sim, &ioport_key);
	if (!c) {
		if (!(c = calloc(1, sizeof(*c))))
			abort();
		pcisim_ext_set(sim, &ioport_key, c, claims_free);
	}
	for (size_t i = 0; i < c->n; i++)
		if (base < c->v[i].base + c->v[i].count && c->v[i].base < base + count)
			return PCISIM_ERR(PCISIM_EINVAL);
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		if (!(c->v = realloc(c->v, c->cap * sizeof(*c->v))))
			abort();
	}
	c->v[c->n++] = (struct claim){base, count, ops, ctx};
	return 0;
}

static const struct claim *claim_of(struct pcisim_sim *sim, uint16_t port)
{
	const struct claims *c = pcisim_ext_get(sim, &ioport_key);
	for (size_t i = 0; c && i < c->n; i++)
		if (port >= c->v[i].base && (uint32_t)(port - c->v[i].base) < c->v[i].count)
			return &c->v[i];
	return NULL;
}

const struct pcisim_ioport_ops *pcisim_ioport_owner(struct pcisim_sim *sim, uint16_t port)
{
	const struct claim *c = claim_of(sim, port);
	return c ? c->ops : NULL;
}

uint32_t pcisim_ioport_read(struct pcisim_sim *sim, uint16_t port, unsigned len)
{
	uint32_t ones = len >= 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
	const struct claim *c = claim_of(sim, port);
	if (!c || !c->ops->read)
		return ones;
	return c->ops->read(c->ctx, port, len) & ones;
}

bool pcisim_ioport_write(struct pcisim_sim *sim, uint16_t port, uint32_t val, unsigned len)
{
	const struct claim *c = claim_of(sim, port);
	if (!c || !c->ops->write)
		return false;
	c->ops->write(c->ctx, port, val, len);
	return true;
}
