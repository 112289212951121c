/*
 * Memory space decoding and the registry of BAR handlers (mmio.h).
 */
#include "sim/pcie/mmio.h"

#include <stdlib.h>

#include "sim/core/diag.h"
#include "sim/core/sim.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/regs/pci.h"
#include "sim/core/heap.h"

struct mmio_handler {
	struct pcisim_pcifn *fn;
	unsigned bar;
	const struct pcisim_mmio_ops *ops;
	void *ctx;
};

struct mmio_registry {
	struct mmio_handler *v;
	size_t n, cap;
};

static const struct pcisim_ext_key mmio_key = {"pcie.mmio"};

static void registry_free(void *p)
{
	struct mmio_registry *r = p;
	pcisim_free(r->v);
	pcisim_free(r);
}

int pcisim_mmio_register(struct pcisim_pcifn *fn, unsigned bar, const struct pcisim_mmio_ops *ops,
			 void *ctx)
{
	if (bar > 5)
		return PCISIM_ERR(PCISIM_EINVAL);
	struct pcisim_sim *sim = fn->comp.sim;
	struct mmio_registry *r = pcisim_ext_get(sim, &mmio_key);
	if (!r) {
		if (!(r = pcisim_calloc(1, sizeof(*r))))
			abort();
		pcisim_ext_set(sim, &mmio_key, r, registry_free);
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].fn == fn && r->v[i].bar == bar) {
			r->v[i].ops = ops;
			r->v[i].ctx = ctx;
			return 0;
		}
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 8;
		if (!(r->v = pcisim_realloc(r->v, r->cap * sizeof(*r->v))))
			abort();
	}
	r->v[r->n++] = (struct mmio_handler){fn, bar, ops, ctx};
	return 0;
}

static bool is_mem64(const struct pcisim_pcifn *fn, unsigned bar)
{
	return (pcisim_cfg_get32(&fn->cfg, (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * bar)) & 0x7) ==
	       PCI_BASE_ADDRESS_MEM_TYPE_64;
}

/* BARs that exist: 6 on a type 0 header, 2 on a bridge. */
static unsigned nbars(const struct pcisim_pcifn *fn)
{
	return (fn->cfg.bytes[PCI_HEADER_TYPE] & 0x7f) == 1 ? 2 : 6;
}

/* The upper half of a 64-bit BAR is not a BAR of its own. */
static bool is_upper_half(const struct pcisim_pcifn *fn, unsigned bar)
{
	return bar > 0 && is_mem64(fn, bar - 1) && pcisim_mmio_bar_size(fn, bar - 1);
}

uint64_t pcisim_mmio_bar_size(const struct pcisim_pcifn *fn, unsigned bar)
{
	if (bar >= nbars(fn) || fn->cfg.size == 0)
		return 0;
	uint16_t off = (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * bar);
	uint32_t lo = 0;
	if (fn->cfg.bytes[off] & PCI_BASE_ADDRESS_SPACE_IO) /* an I/O BAR is no memory BAR */
		return 0;
	for (unsigned k = 0; k < 4; k++)
		lo |= (uint32_t)fn->cfg.m->wmask[off + k] << (8 * k);
	lo &= ~0xfu;
	uint64_t mask = lo;
	if (is_mem64(fn, bar) && bar + 1 < nbars(fn)) {
		uint64_t hi = 0;
		for (unsigned k = 0; k < 4; k++)
			hi |= (uint64_t)fn->cfg.m->wmask[off + 4 + k] << (8 * k);
		mask |= hi << 32;
	} else if (lo) {
		mask |= 0xffffffff00000000ull;
	}
	if (!lo)
		return 0;
	return ~mask + 1;
}

uint64_t pcisim_mmio_bar_base(const struct pcisim_pcifn *fn, unsigned bar)
{
	uint16_t off = (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * bar);
	uint64_t base = pcisim_cfg_get32(&fn->cfg, off) & ~0xfull;
	if (is_mem64(fn, bar) && bar + 1 < nbars(fn))
		base |= (uint64_t)pcisim_cfg_get32(&fn->cfg, (uint16_t)(off + 4)) << 32;
	return base;
}

static bool decodes_memory(const struct pcisim_pcifn *fn)
{
	return !fn->comp.removed && fn->bus && fn->powered &&
	       (pcisim_cfg_get16(&fn->cfg, PCI_COMMAND) & PCI_COMMAND_MEMORY);
}

static struct pcisim_mmio_target target_of(struct pcisim_pcifn *fn, unsigned bar, uint64_t off, uint64_t size)
{
	struct pcisim_mmio_target t = {fn, (int)bar, off, NULL, NULL, size};
	const struct mmio_registry *r = pcisim_ext_get(fn->comp.sim, &mmio_key);
	for (size_t i = 0; r && i < r->n; i++)
		if (r->v[i].fn == fn && r->v[i].bar == bar) { /* one entry per BAR (register) */
			t.ops = r->v[i].ops;
			t.ctx = r->v[i].ctx;
			break;
		}
	return t;
}

static const struct pcisim_mmio_target none = {NULL, -1, 0, NULL, NULL, 0};

struct pcisim_mmio_target pcisim_mmio_decode(struct pcisim_sim *sim, uint64_t addr)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	for (uint32_t i = 0; fab && i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (!decodes_memory(fn))
			continue;
		for (unsigned bar = 0; bar < nbars(fn); bar++) {
			uint64_t size = is_upper_half(fn, bar) ? 0 : pcisim_mmio_bar_size(fn, bar);
			uint64_t base = size ? pcisim_mmio_bar_base(fn, bar) : 0;
			if (base && addr >= base && addr - base < size)
				return target_of(fn, bar, addr - base, size);
		}
	}
	return none;
}

struct pcisim_mmio_target pcisim_mmio_bar_target(struct pcisim_pcifn *fn, unsigned bar, uint64_t off)
{
	if (!fn || !decodes_memory(fn) || bar >= nbars(fn) || is_upper_half(fn, bar))
		return none;
	uint64_t size = pcisim_mmio_bar_size(fn, bar);
	if (!size || off >= size || !pcisim_mmio_bar_base(fn, bar))
		return none;
	return target_of(fn, bar, off, size);
}

struct pcisim_mmio_target pcisim_mmio_target_at(const struct pcisim_mmio_target *t, uint64_t delta)
{
	if (!t->fn || t->off + delta < t->off || t->off + delta >= t->size)
		return none;
	struct pcisim_mmio_target at = *t;
	at.off += delta;
	return at;
}

uint64_t pcisim_mmio_read(const struct pcisim_mmio_target *t, unsigned len)
{
	uint64_t ones = len >= 8 ? UINT64_MAX : (1ull << (8 * len)) - 1;
	if (!t->ops || !t->ops->read)
		return ones;
	return t->ops->read(t->ctx, t->off, len) & ones;
}

bool pcisim_mmio_write(const struct pcisim_mmio_target *t, uint64_t val, unsigned len)
{
	if (!t->ops || !t->ops->write)
		return false;
	t->ops->write(t->ctx, t->off, val, len);
	return true;
}
