/*
 * QEMU's (chassis, slot) registry (hw/pci/pcie_port.c pcie_chassis_add_slot): every
 * root and downstream port needs its own pair, kept per simulation.
 */
#include "sim/pcie/models.h"
#include "sim/core/heap.h"

#include <stdlib.h>

/*
 * Open addressing keyed by chassis << 16 | slot. Entries of removed ports are free
 * again (QEMU's pcie_chassis_del_slot at unrealize). Lookups only; nothing iterates
 * the table, so its layout cannot reach the trace.
 */
struct chassis_map {
	uint32_t *keys;
	struct pcisim_pcifn **fns;
	uint32_t cap, n;
};

static const struct pcisim_ext_key chassis_key = {"pcie-chassis-slots"};

static void chassis_destroy(void *p)
{
	struct chassis_map *m = p;
	pcisim_free(m->keys);
	pcisim_free(m->fns);
	pcisim_free(m);
}

static uint32_t chassis_hash(uint32_t k)
{
	k ^= k >> 16;
	k *= 0x7feb352dU;
	k ^= k >> 15;
	return k;
}

static struct pcisim_pcifn **chassis_slot(struct chassis_map *m, uint32_t key)
{
	uint32_t i = chassis_hash(key) & (m->cap - 1);
	while (m->fns[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	m->keys[i] = key;
	return &m->fns[i];
}

static void chassis_grow(struct chassis_map *m)
{
	struct chassis_map old = *m;
	m->cap = old.cap ? old.cap * 2 : 64;
	m->keys = pcisim_calloc(m->cap, sizeof(*m->keys));
	m->fns = pcisim_calloc(m->cap, sizeof(*m->fns));
	if (!m->keys || !m->fns)
		abort();
	for (uint32_t i = 0; i < old.cap; i++)
		if (old.fns[i])
			*chassis_slot(m, old.keys[i]) = old.fns[i];
	pcisim_free(old.keys);
	pcisim_free(old.fns);
}

int pcisim__chassis_add_slot(struct pcisim_pcifn *fn, unsigned chassis, unsigned slot,
			     struct pcisim_diag *d)
{
	struct pcisim_sim *sim = fn->fabric->sim;
	struct chassis_map *m = pcisim_ext_get(sim, &chassis_key);
	if (!m) {
		m = pcisim_calloc(1, sizeof(*m));
		if (!m)
			abort();
		pcisim_ext_set(sim, &chassis_key, m, chassis_destroy);
	}
	if (2 * (m->n + 1) > m->cap)
		chassis_grow(m);
	uint32_t key = (uint32_t)(chassis & 0xff) << 16 | (slot & 0xffff);
	struct pcisim_pcifn **e = chassis_slot(m, key);
	if (*e && !(*e)->comp.removed) {
		const struct pcisim_prop *sp = pcisim_props_find(&fn->props, "slot");
		const struct pcisim_prop *cp = pcisim_props_find(&fn->props, "chassis");
		return pcisim_diag_error(d, sp ? sp->loc : cp ? cp->loc : fn->props.loc,
					 "Can't add chassis slot, error -16: chassis %u slot %u is already taken by %s '%s'; each root or downstream port needs its own chassis/slot pair",
					 chassis & 0xff, slot & 0xffff, (*e)->drv->name, (*e)->comp.name);
	}
	if (!*e)
		m->n++;
	*e = fn;
	return 0;
}
