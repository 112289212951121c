/*
 * Partitionable endpoints: which function belongs to which PE, each PE's PAPR state
 * and its one transition function, the freeze, and what a frozen PE does to the
 * accesses of its functions (eeh.h states the rules). The PEs of a run live in the
 * sim's "eeh" extension, in the order they were first used (never by pointer).
 *
 * Facts: LoPAPR (EEH option, ibm,read-slot-reset-state2 states 0, 1, 2, 4, 5);
 * REFERENCE.md 7.1-7.2 (QEMU include/hw/ppc/spapr.h RTAS_EEH_PE_STATE_*, the frozen
 * semantics Linux relies on: all-ones loads, dropped stores and DMA).
 */
#include "sim/eeh/eeh_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/trace.h"
#include "sim/pcie/regs/pci.h"
#include "sim/core/heap.h"
#include "sim/pcie/reset.h"
#include "sim/pcie/vfio.h"

static const struct pcisim_ext_key eeh_key = {"eeh"};

static void state_destroy(void *p)
{
	struct pcisim_eeh_state *s = p;
	for (size_t i = 0; i < s->npes; i++)
		pcisim_free(s->pes[i]);
	pcisim_free(s->pes);
	pcisim_free(s->bufs);
	pcisim_free(s);
}

struct pcisim_eeh_state *pcisim__eeh_state(struct pcisim_sim *sim)
{
	struct pcisim_eeh_state *s = pcisim_ext_get(sim, &eeh_key);
	if (s)
		return s;
	s = pcisim_calloc(1, sizeof(*s));
	if (!s)
		abort();
	pcisim_ext_set(sim, &eeh_key, s, state_destroy);
	return s;
}

struct pcisim_eeh_state *pcisim__eeh_state_peek(const struct pcisim_sim *sim)
{
	return pcisim_ext_get(sim, &eeh_key);
}

const char *pcisim_eeh_pe_state_name(enum pcisim_eeh_pe_state s)
{
	static const char *const names[] = {
		[PCISIM_EEH_PE_NORMAL] = "normal",
		[PCISIM_EEH_PE_RESET] = "reset",
		[PCISIM_EEH_PE_STOPPED] = "stopped",
		[PCISIM_EEH_PE_STOPPED_DMA] = "stopped_dma",
		[PCISIM_EEH_PE_UNAVAILABLE] = "unavailable",
		[PCISIM_EEH_PE_PERM_UNAVAILABLE] = "perm_unavailable",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

bool pcisim_eeh_is_phb(const struct pcisim_pcifn *fn)
{
	/* the one driver of that name (a function's drv points into its table): no
	 * strcmp, since every config access of a machine asks */
	return fn && fn->drv == pcisim_eeh_phb_drivers;
}

struct pcisim_pcifn *pcisim_eeh_phb_of(const struct pcisim_pcifn *fn)
{
	if (!fn || !fn->bus)
		return NULL;
	return pcisim_eeh_is_phb(fn->bus->host) ? fn->bus->host : NULL;
}

uint64_t pcisim_eeh_phb_buid(const struct pcisim_pcifn *phb)
{
	return PCISIM_SPAPR_BASE_BUID + pcisim_props_u64(&phb->props, "index", 0);
}

uint32_t pcisim_eeh_config_addr(const struct pcisim_pcifn *fn)
{
	return (uint32_t)pcisim_fn_bdf(fn) << 8;
}

bool pcisim_eeh_qemu_mode(const struct pcisim_pcifn *fn)
{
	return fn->fabric && fn->fabric->machine.eeh_qemu;
}

bool pcisim_eeh_is_vfio(const struct pcisim_pcifn *fn)
{
	return fn->drv && !strcmp(fn->drv->name, "vfio-pci");
}

uint32_t pcisim_eeh_pe_addr(const struct pcisim_eeh_pe *pe)
{
	/* QEMU: rtas_ibm_get_config_addr_info2() answers (bus << 16) + 1 */
	if (pcisim_eeh_qemu_mode(pe->top))
		return (uint32_t)(pe->top->bus ? pe->top->bus->number : 0) << 16 | 1;
	return pcisim_eeh_config_addr(pe->top);
}

/* The function on the PHB's root bus that @fn is, or is below. */
static struct pcisim_pcifn *pe_top(struct pcisim_pcifn *fn)
{
	while (fn->bus && fn->bus->bridge)
		fn = fn->bus->bridge;
	return fn;
}

bool pcisim_eeh_pe_contains(const struct pcisim_eeh_pe *pe, const struct pcisim_pcifn *fn)
{
	if (!fn || pcisim_eeh_phb_of(fn) != pe->phb)
		return false;
	if (pcisim_eeh_qemu_mode(fn)) /* one PE: the PHB's VFIO container */
		return pcisim_eeh_is_vfio(fn);
	return pe_top((struct pcisim_pcifn *)fn) == pe->top;
}

struct pcisim_eeh_pe *pcisim_eeh_pe_of(struct pcisim_pcifn *fn)
{
	struct pcisim_pcifn *phb = pcisim_eeh_phb_of(fn);
	if (!phb)
		return NULL;
	bool qemu = pcisim_eeh_qemu_mode(fn);
	if (qemu && !pcisim_eeh_is_vfio(fn))
		return NULL; /* QEMU: EEH only for VFIO devices */
	struct pcisim_pcifn *top = pe_top(fn);
	struct pcisim_eeh_state *s = pcisim__eeh_state(fn->comp.sim);
	for (size_t i = 0; i < s->npes; i++)
		if (qemu ? s->pes[i]->phb == phb : s->pes[i]->top == top)
			return s->pes[i];
	struct pcisim_eeh_pe **n = pcisim_realloc(s->pes, (s->npes + 1) * sizeof(*n));
	struct pcisim_eeh_pe *pe = pcisim_calloc(1, sizeof(*pe));
	if (!n || !pe)
		abort();
	s->pes = n;
	pe->top = top;
	pe->phb = phb;
	pe->buid = pcisim_eeh_phb_buid(phb);
	pe->state = PCISIM_EEH_PE_NORMAL;
	/* the platform isolates errors from the start; ibm,set-eeh-option 0 turns it off */
	pe->eeh_enabled = true;
	s->pes[s->npes++] = pe;
	return pe;
}

struct pcisim_eeh_pe *pcisim_eeh_pe_find(struct pcisim_sim *sim, uint64_t buid, uint32_t addr)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	if (fab->machine.eeh_qemu) {
		/* QEMU ignores the PE address: every call acts on the PHB's container */
		for (uint32_t i = 0; i < fab->nfns; i++) {
			struct pcisim_pcifn *fn = fab->fns[i];
			struct pcisim_pcifn *phb = pcisim_eeh_phb_of(fn);
			if (!fn->comp.removed && phb && pcisim_eeh_is_vfio(fn) && pcisim_eeh_phb_buid(phb) == buid)
				return pcisim_eeh_pe_of(fn);
		}
		return NULL;
	}
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || !fn->bus || fn->bus->bridge || !pcisim_eeh_phb_of(fn))
			continue;
		if (pcisim_eeh_phb_buid(fn->bus->host) == buid && pcisim_eeh_config_addr(fn) == addr)
			return pcisim_eeh_pe_of(fn);
	}
	return NULL;
}

void pcisim__eeh_pe_reset_fns(struct pcisim_eeh_pe *pe, enum pcisim_reset_kind kind, const char *why)
{
	/*
	 * The PE's reset is a conventional reset of each of its functions (PCIe r5.0
	 * §6.6.1: a hot reset keeps the sticky bits, a fundamental one does not), in
	 * creation order. Software restores what it needs after ibm,configure-pe.
	 */
	struct pcisim_fabric *fab = pcisim_fabric_get(pe->top->comp.sim);
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || !fn->bus || !pcisim_eeh_pe_contains(pe, fn))
			continue;
		/*
		 * A vfio-pci view of a function of this machine: QEMU forwards the reset to
		 * the host (VFIO_EEH_PE_RESET), which resets the host's function; QEMU's
		 * emulated copy keeps the guest's values.
		 */
		struct pcisim_pcifn *host = pcisim_vfio_host_fn(fn);
		pcisim_reset_fn(host ? host : fn, kind, why);
	}
}

static void ready_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_eeh_pe *pe = ev->ptr;
	pe->ready_timer = (pcisim_timer){0, 0};
	if (pe->state == PCISIM_EEH_PE_UNAVAILABLE)
		pcisim_eeh_pe_set_state(pe, PCISIM_EEH_PE_NORMAL, "functions ready after reset");
}
PCISIM_EVKIND(ready_kind, "eeh.pe_ready", ready_ev);

void pcisim__eeh_pe_schedule_ready(struct pcisim_eeh_pe *pe)
{
	struct pcisim_sim *sim = pe->top->comp.sim;
	pcisim_cancel(sim, &pe->ready_timer); /* a reset deactivated again starts the wait anew */
	struct pcisim_event *ev = pcisim_event_new(sim, &ready_kind, &pe->top->comp);
	ev->ptr = pe;
	pe->ready_timer = pcisim_post(sim, ev, sim->now + PCISIM_EEH_PE_READY_DELAY, PCISIM_CLASS_HW);
}

void pcisim_eeh_pe_set_state(struct pcisim_eeh_pe *pe, enum pcisim_eeh_pe_state s, const char *why)
{
	struct pcisim_sim *sim = pe->top->comp.sim;
	enum pcisim_eeh_pe_state old = pe->state;
	if (old == s)
		return;
	pe->state = s;
	PCISIM_RECORD(sim, &pe->top->comp, "eeh.pe", PCISIM_FX("pe", pcisim_eeh_pe_addr(pe)),
		      PCISIM_FS("from", pcisim_eeh_pe_state_name(old)),
		      PCISIM_FS("to", pcisim_eeh_pe_state_name(s)), PCISIM_FS("why", why));
}

bool pcisim_eeh_pe_freeze(struct pcisim_eeh_pe *pe, const char *why)
{
	if (pe->state != PCISIM_EEH_PE_NORMAL || !pe->eeh_enabled)
		return false;
	pe->freezes++;
	PCISIM_RECORD(pe->top->comp.sim, &pe->top->comp, "eeh.freeze",
		      PCISIM_FX("pe", pcisim_eeh_pe_addr(pe)), PCISIM_FU("freezes", pe->freezes),
		      PCISIM_FS("why", why));
	pcisim_eeh_pe_set_state(pe, PCISIM_EEH_PE_STOPPED, why);
	return true;
}

unsigned pcisim_eeh_pe_rtas_state(const struct pcisim_eeh_pe *pe)
{
	switch (pe->state) {
	case PCISIM_EEH_PE_NORMAL:
		return PCISIM_RTAS_PE_STATE_NORMAL;
	case PCISIM_EEH_PE_RESET:
		return PCISIM_RTAS_PE_STATE_RESET;
	case PCISIM_EEH_PE_STOPPED:
		return PCISIM_RTAS_PE_STATE_STOPPED_IO_DMA;
	case PCISIM_EEH_PE_STOPPED_DMA:
		return PCISIM_RTAS_PE_STATE_STOPPED_DMA;
	case PCISIM_EEH_PE_UNAVAILABLE:
	case PCISIM_EEH_PE_PERM_UNAVAILABLE:
		return PCISIM_RTAS_PE_STATE_UNAVAIL;
	}
	return PCISIM_RTAS_PE_STATE_UNAVAIL;
}

static bool is_dma(enum pcisim_eeh_access a)
{
	return a == PCISIM_EEH_DMA_READ || a == PCISIM_EEH_DMA_WRITE;
}

static bool is_cfg(enum pcisim_eeh_access a)
{
	return a == PCISIM_EEH_LOAD_CFG || a == PCISIM_EEH_STORE_CFG;
}

static bool is_load(enum pcisim_eeh_access a)
{
	return a == PCISIM_EEH_LOAD_MEM || a == PCISIM_EEH_LOAD_IO || a == PCISIM_EEH_LOAD_CFG;
}

bool pcisim_eeh_access(struct pcisim_pcifn *fn, enum pcisim_eeh_access a, uint64_t addr)
{
	struct pcisim_eeh_pe *pe = pcisim_eeh_pe_of(fn);
	if (!pe)
		return true;
	struct pcisim_eeh_armed *e = &pe->armed;
	if (e->armed && pcisim__eeh_func_access(e->function) == a &&
	    (addr & e->mask) == (e->addr & e->mask)) {
		e->armed = false;
		char why[96];
		snprintf(why, sizeof(why), "injected %s, function %s", pcisim__eeh_token_name(e->token),
			 pcisim__eeh_func_name(e->function));
		pcisim_eeh_pe_freeze(pe, why);
	}
	bool mmio_stopped, dma_stopped;
	switch (pe->state) {
	case PCISIM_EEH_PE_NORMAL:
		return true;
	case PCISIM_EEH_PE_STOPPED_DMA:
		mmio_stopped = false;
		dma_stopped = true;
		break;
	default: /* reset, unavailable: nothing gets through */
		mmio_stopped = dma_stopped = true;
		break;
	}
	if (is_dma(a) ? !dma_stopped : !mmio_stopped)
		return true;
	if (is_dma(a))
		pe->dma_dropped++;
	else if (is_cfg(a))
		(*(is_load(a) ? &pe->cfg_reads_all_ones : &pe->cfg_writes_dropped))++;
	else
		(*(is_load(a) ? &pe->loads_all_ones : &pe->stores_dropped))++;
	return false;
}

uint64_t pcisim_eeh_fn_mmio_base(const struct pcisim_pcifn *fn)
{
	unsigned nbars = fn->drv->bridge ? 2 : 6;
	for (unsigned b = 0; b < nbars; b++) {
		uint16_t off = (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * b);
		uint32_t v = pcisim_cfg_get32(&fn->cfg, off);
		if (!pcisim_cfg_mask_get(&fn->cfg, PCISIM_WMASK, off, 4) || (v & PCI_BASE_ADDRESS_SPACE_IO))
			continue;
		uint64_t base = v & ~0xfu;
		if ((v & PCI_BASE_ADDRESS_MEM_TYPE_64) && b + 1 < nbars)
			base |= (uint64_t)pcisim_cfg_get32(&fn->cfg, (uint16_t)(off + 4)) << 32;
		return base;
	}
	return 0;
}
