/*
 * Linux's AER service as a model (aer_service.h has the rules): the boot-time setup of
 * every function, the probe on root ports, the interrupt and its FIFO, the thread
 * that finds the error sources and logs them as Linux prints them, correctable error
 * clearing, and aer_root_reset() for pcie_do_recovery() (aer_recovery.c). Config
 * accesses are instant (cfg.h: boot, error handling).
 */
#include "sim/host/aer_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/trace.h"
#include "sim/host/cfg.h"
#include "sim/host/cxl_host.h"
#include "sim/host/pciehp.h"
#include "sim/host/vfio_passthrough.h"
#include "sim/pcie/aer.h"
#include "sim/pcie/caps.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/core/heap.h"

/* The service's state: one struct pcisim_aer_port per root port with AER, fabric order. */
struct aer_data {
	struct pcisim_aer_port **ports;
	size_t n;
};

static struct aer_data *data_of(struct pcisim_host *h)
{
	return pcisim_port_service_data(h, &pcisim_aer_service);
}

struct pcisim_aer_port *pcisim_aer_port_of(struct pcisim_host *h, const struct pcisim_pcifn *port)
{
	struct aer_data *d = data_of(h);
	for (size_t i = 0; d && i < d->n; i++)
		if (&d->ports[i]->port->fn == port)
			return d->ports[i];
	return NULL;
}

bool pcisim_host_aer_recovering(struct pcisim_host *h, const struct pcisim_pcifn *fn)
{
	struct aer_data *d = data_of(h);
	for (size_t i = 0; d && i < d->n; i++)
		if (pcisim_aer_recovery_holds(&d->ports[i]->rec, fn))
			return true;
	return false;
}

static uint16_t exp_of(struct pcisim_pcifn *fn)
{
	return pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_EXP); /* dev->pcie_cap (cfg.h: cached) */
}

static uint16_t aer_of(struct pcisim_pcifn *fn)
{
	return pcisim_cfg_find_ext_cap(&fn->cfg, PCI_EXT_CAP_ID_ERR); /* dev->aer_cap */
}

static uint32_t rd(struct pcisim_pcifn *fn, uint16_t off, unsigned len)
{
	return pcisim_host_cfg_read_instant(fn, off, len, PCISIM_INSTANT_ERROR_HANDLING);
}

static void wr(struct pcisim_pcifn *fn, uint16_t off, uint32_t v, unsigned len)
{
	pcisim_host_cfg_write_instant(fn, off, v, len, PCISIM_INSTANT_ERROR_HANDLING);
}

#define dev_log pcisim_aer_dev_log

/* ---- the thread's plumbing ---- */

static int thread(struct pcisim_aer_port *s);

static void run_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	thread((struct pcisim_aer_port *)ev->target);
}
PCISIM_EVKIND(run_kind, "aer.run", run_ev);

/*
 * Make the thread run at now + @delay. Every wait re-checks its condition when the
 * thread runs, so an extra run is harmless.
 */
static void poke(struct pcisim_aer_port *s, pcisim_time delay)
{
	pcisim_schedule(s->comp.sim, delay, PCISIM_CLASS_HOST, &run_kind, &s->comp, 0, 0);
}

void pcisim_aer_port_wake(struct pcisim_aer_port *s)
{
	poke(s, 0);
}

static void rec_wake(struct pcisim_aer_recovery *r, pcisim_time delay)
{
	poke((struct pcisim_aer_port *)r->comp, delay);
}

/* ---- finding the error sources (find_source_device, is_error_source) ---- */

static bool is_error_source(struct pcisim_aer_port *s, struct pcisim_pcifn *dev)
{
	if ((s->id >> 8) != 0) {
		if (s->id == pcisim_fn_bdf(dev))
			return true;
		if (!s->multi)
			return false;
	}
	uint16_t exp = exp_of(dev), aer = aer_of(dev);
	if (!exp || !(rd(dev, (uint16_t)(exp + PCI_EXP_DEVCTL), 2) & PCISIM_EXP_DEVCTL_ERR_EN) || !aer)
		return false;
	uint32_t st, mask;
	if (s->sev == PCISIM_AER_COR) {
		st = rd(dev, (uint16_t)(aer + PCI_ERR_COR_STATUS), 4);
		mask = rd(dev, (uint16_t)(aer + PCI_ERR_COR_MASK), 4);
	} else {
		st = rd(dev, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS), 4);
		mask = rd(dev, (uint16_t)(aer + PCI_ERR_UNCOR_MASK), 4);
	}
	return (st & ~mask) != 0 && st != 0xffffffffu;
}

static bool find_source(struct pcisim_aer_port *s)
{
	/* the root port, then everything below it (pci_walk_bus()) */
	s->cand.n = 0;
	if (!s->cand.cap) {
		s->cand.cap = 16;
		if (!(s->cand.v = pcisim_malloc(s->cand.cap * sizeof(*s->cand.v))))
			abort();
	}
	s->cand.v[s->cand.n++] = &s->port->fn;
	pcisim_aer_list_below(s->h, s->port->fn.secondary, &s->cand);
	s->nedev = 0;
	for (unsigned i = 0; i < s->cand.n; i++) {
		if (!is_error_source(s, s->cand.v[i]))
			continue;
		if (s->nedev == PCISIM_AER_MAX_MULTI)
			break; /* Linux stops at AER_MAX_MULTI_ERR_DEVICES too */
		s->edev[s->nedev++] = s->cand.v[i];
		if (!s->multi)
			break;
	}
	if (!s->nedev) {
		dev_log(&s->port->fn, &s->comp, "AER: can't find device of ID%04x", s->id);
		return false;
	}
	return true;
}

static const char *sev_string(int sev)
{
	return sev == PCISIM_AER_COR ? "Correctable" : sev == PCISIM_AER_FATAL ? "Uncorrectable (Fatal)"
									 : "Uncorrectable (Non-Fatal)";
}

uint32_t pcisim_aer_print_error(struct pcisim_aer_port *s, struct pcisim_pcifn *dev)
{
	uint16_t aer = aer_of(dev);
	int type = pcisim_cap_exp_type(&dev->cfg);
	uint32_t st = 0, mask = 0;
	if (!aer)
		return 0;
	if (s->sev == PCISIM_AER_COR) {
		st = rd(dev, (uint16_t)(aer + PCI_ERR_COR_STATUS), 4);
		mask = rd(dev, (uint16_t)(aer + PCI_ERR_COR_MASK), 4);
	} else if (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM ||
		   s->sev == PCISIM_AER_NONFATAL) {
		/* the link is still healthy for I/O reads */
		st = rd(dev, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS), 4);
		mask = rd(dev, (uint16_t)(aer + PCI_ERR_UNCOR_MASK), 4);
	}
	if (!st) {
		dev_log(dev, &s->comp, "AER: PCIe Bus Error: severity=%s, type=Inaccessible, (Unregistered Agent ID)",
			sev_string(s->sev));
		return 0;
	}
	/* AER_GET_LAYER_ERROR() */
	const char *layer = "Transaction Layer";
	if (s->sev == PCISIM_AER_COR && (st & PCI_ERR_COR_RCVR))
		layer = "Physical Layer";
	else if (s->sev == PCISIM_AER_COR
			 ? (st & (PCI_ERR_COR_BAD_TLP | PCI_ERR_COR_BAD_DLLP | PCI_ERR_COR_REP_ROLL |
				  PCI_ERR_COR_REP_TIMER))
			 : (st & PCI_ERR_UNC_DLP))
		layer = "Data Link Layer";
	dev_log(dev, &s->comp, "AER: PCIe Bus Error: severity=%s, type=%s", sev_string(s->sev), layer);
	/* dev->vendor, dev->device: cached at enumeration (cfg.h) */
	dev_log(dev, &s->comp, "AER:   device [%04x:%04x] error status/mask=%08x/%08x",
		pcisim_cfg_get16(&dev->cfg, PCI_VENDOR_ID), pcisim_cfg_get16(&dev->cfg, PCI_DEVICE_ID), st,
		mask);
	/* AER_LOG_TLP_MASKS: the errors that log a TLP header (dword reads, as Linux) */
	uint32_t tlp = PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_ECRC | PCI_ERR_UNC_UNSUP |
		       PCI_ERR_UNC_COMP_ABORT | PCI_ERR_UNC_UNX_COMP | PCI_ERR_UNC_MALF_TLP;
	if (s->sev != PCISIM_AER_COR && (st & tlp)) {
		uint32_t dw[4];
		for (unsigned i = 0; i < 4; i++)
			dw[i] = rd(dev, (uint16_t)(aer + PCI_ERR_HEADER_LOG + 4 * i), 4);
		dev_log(dev, &s->comp, "AER:   TLP Header: %08x %08x %08x %08x", dw[0], dw[1], dw[2], dw[3]);
	}
	return st & ~mask;
}

/* ---- the link reset (aer_root_reset -> pci_bus_error_reset) ---- */

/* pci_bus_save_and_disable_locked(): the config of the functions below. */
static void save_state(struct pcisim_aer_recovery *r)
{
	if (r->nsaved < r->devs.cap) {
		pcisim_free(r->saved);
		r->nsaved = r->devs.cap;
		if (!(r->saved = pcisim_calloc(r->nsaved, sizeof(*r->saved))))
			abort();
	}
	for (unsigned i = 0; i < r->devs.n; i++) {
		struct pcisim_pcifn *f = r->devs.v[i];
		struct pcisim_aer_saved *v = &r->saved[i];
		uint16_t exp = exp_of(f), aer = aer_of(f);
		v->cmd = (uint16_t)rd(f, PCI_COMMAND, 2);
		v->devctl = exp ? (uint16_t)rd(f, (uint16_t)(exp + PCI_EXP_DEVCTL), 2) : 0;
		v->bctl = f->drv->bridge ? (uint16_t)rd(f, PCI_BRIDGE_CONTROL, 2) : 0;
		if (aer) {
			v->umask = rd(f, (uint16_t)(aer + PCI_ERR_UNCOR_MASK), 4);
			v->usev = rd(f, (uint16_t)(aer + PCI_ERR_UNCOR_SEVER), 4);
			v->cmask = rd(f, (uint16_t)(aer + PCI_ERR_COR_MASK), 4);
			v->cap = rd(f, (uint16_t)(aer + PCI_ERR_CAP), 4);
		}
	}
}

/* pci_bus_restore_locked() */
static void restore_state(struct pcisim_aer_recovery *r)
{
	for (unsigned i = 0; i < r->devs.n; i++) {
		struct pcisim_pcifn *f = r->devs.v[i];
		struct pcisim_aer_saved *v = &r->saved[i];
		if (f->comp.removed)
			continue;
		uint16_t exp = exp_of(f), aer = aer_of(f);
		if (aer) {
			wr(f, (uint16_t)(aer + PCI_ERR_UNCOR_MASK), v->umask, 4);
			wr(f, (uint16_t)(aer + PCI_ERR_UNCOR_SEVER), v->usev, 4);
			wr(f, (uint16_t)(aer + PCI_ERR_COR_MASK), v->cmask, 4);
			wr(f, (uint16_t)(aer + PCI_ERR_CAP),
			   v->cap & (PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE | PCI_ERR_CAP_MHRE), 4);
		}
		if (exp)
			wr(f, (uint16_t)(exp + PCI_EXP_DEVCTL), v->devctl & (uint16_t)~PCI_EXP_DEVCTL_BCR_FLR, 2);
		if (f->drv->bridge)
			wr(f, PCI_BRIDGE_CONTROL, v->bctl & (uint16_t)~PCI_BRIDGE_CTL_BUS_RESET, 2);
		wr(f, PCI_COMMAND, v->cmd, 2);
	}
}

static struct pcisim_aer_port *port_of_rec(struct pcisim_aer_recovery *r)
{
	return (struct pcisim_aer_port *)r->comp;
}

/* aer_root_reset(): a protothread on r->pt_reset (the recovery's reset_link). */
static int aer_root_reset(struct pcisim_aer_recovery *r)
{
	struct pcisim_pt *pt = &r->pt_reset;
	struct pcisim_aer_port *s = port_of_rec(r);
	PT_BEGIN(pt);
	{
		struct pcisim_port *rp = s->port;
		struct pcisim_port *b = pcisim_to_port(r->bridge);
		/* the root port stops interrupting for messages */
		uint16_t rcmd = (uint16_t)(rp->aer + PCI_ERR_ROOT_COMMAND);
		wr(&rp->fn, rcmd, rd(&rp->fn, rcmd, 4) & ~(uint32_t)PCISIM_ERR_ROOT_CMD_EN_MASK, 4);
		PCISIM_RECORD(s->comp.sim, &b->fn.comp, "aer.reset", PCISIM_FS("event", "secondary bus reset"),
			      PCISIM_FS("why", "link reset for recovery"));
		save_state(r);
		/* pciehp_reset_slot(): link and presence events masked across the reset */
		s->hp_masked = false;
		if (pcisim_pciehp_of(s->h, &b->fn)) {
			uint16_t off = (uint16_t)(b->exp + PCI_EXP_SLTCTL);
			s->saved_sltctl = (uint16_t)rd(&b->fn, off, 2);
			wr(&b->fn, off, s->saved_sltctl & (uint16_t)~(PCI_EXP_SLTCTL_DLLSCE | PCI_EXP_SLTCTL_PDCE), 2);
			s->hp_masked = true;
		}
		wr(&b->fn, PCI_BRIDGE_CONTROL, rd(&b->fn, PCI_BRIDGE_CONTROL, 2) | PCI_BRIDGE_CTL_BUS_RESET, 2);
	}
	PCISIM_AER_SLEEP(pt, r, PCISIM_AER_SBR_HOLD);
	{
		struct pcisim_port *b = pcisim_to_port(r->bridge);
		wr(&b->fn, PCI_BRIDGE_CONTROL, rd(&b->fn, PCI_BRIDGE_CONTROL, 2) & (uint16_t)~PCI_BRIDGE_CTL_BUS_RESET,
		   2);
	}
	r->reset_type = "bus reset";
	PT_CALL(pt, &r->pt_wait, pcisim_aer_wait_secondary_bus(r));
	{
		struct pcisim_port *rp = s->port;
		struct pcisim_port *b = pcisim_to_port(r->bridge);
		restore_state(r);
		if (s->hp_masked) {
			wr(&b->fn, (uint16_t)(b->exp + PCI_EXP_SLTSTA), PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_DLLSC, 2);
			wr(&b->fn, (uint16_t)(b->exp + PCI_EXP_SLTCTL), s->saved_sltctl, 2);
		}
		dev_log(&b->fn, &s->comp, "AER: %s Port link has been reset (%d)",
			b->fn.drv->kind == PCISIM_FN_ROOT_PORT ? "Root" : "Downstream", r->reset_rc);
		/* Root Error Status cleared, the command on again */
		uint16_t rsta = (uint16_t)(rp->aer + PCI_ERR_ROOT_STATUS);
		wr(&rp->fn, rsta, rd(&rp->fn, rsta, 4), 4);
		uint16_t rcmd = (uint16_t)(rp->aer + PCI_ERR_ROOT_COMMAND);
		wr(&rp->fn, rcmd, rd(&rp->fn, rcmd, 4) | PCISIM_ERR_ROOT_CMD_EN_MASK, 4);
		PCISIM_RECORD(s->comp.sim, &b->fn.comp, "aer.reset", PCISIM_FS("event", r->reset_rc ? "failed" : "done"),
			      PCISIM_FS("why", "link reset for recovery"));
	}
	PT_END(pt);
}

/* ---- aer_isr_one_error() ---- */

static void print_port_info(struct pcisim_aer_port *s)
{
	dev_log(&s->port->fn, &s->comp, "AER: %s%s error received: 0000:%02x:%02x.%d",
		s->multi ? "Multiple " : "", sev_string(s->sev), s->id >> 8, (s->id >> 3) & 0x1f, s->id & 7);
}

/* handle_error_source() of s->edev[s->ei] */
static int one_error(struct pcisim_aer_port *s)
{
	struct pcisim_pt *pt = &s->pt_one;
	PT_BEGIN(pt);
	if (s->cur.status & PCI_ERR_ROOT_COR_RCV) {
		s->id = (uint16_t)(s->cur.id & 0xffff);
		s->sev = PCISIM_AER_COR;
		s->multi = s->cur.status & PCI_ERR_ROOT_MULTI_COR_RCV;
		s->cor++;
		print_port_info(s);
		if (find_source(s)) {
			for (unsigned i = 0; i < s->nedev; i++)
				pcisim_aer_print_error(s, s->edev[i]);
			for (unsigned i = 0; i < s->nedev; i++) {
				struct pcisim_pcifn *dev = s->edev[i];
				uint16_t aer = aer_of(dev), exp = exp_of(dev);
				uint32_t st = aer ? rd(dev, (uint16_t)(aer + PCI_ERR_COR_STATUS), 4) : 0;
				if (aer)
					wr(dev, (uint16_t)(aer + PCI_ERR_COR_STATUS), st, 4);
				/* cxl_pci's cor_error_detected reads and clears the RAS status (cxl_ras.c) */
				bool cxl_cor = s->h->cfg.cxl && !pcisim_aer_driver(s->h, dev).id &&
					       pcisim_cxl_host_cor_error(s->h, dev, &s->comp);
				if (cxl_cor || pcisim_aer_driver(s->h, dev).cor_error_detected)
					PCISIM_RECORD(s->comp.sim, &dev->comp, "aer.callback",
						      PCISIM_FS("callback", "cor_error_detected"),
						      PCISIM_FS("vote", "-"), PCISIM_FS("status", "-"));
				if (exp)
					wr(dev, (uint16_t)(exp + PCI_EXP_DEVSTA),
					   rd(dev, (uint16_t)(exp + PCI_EXP_DEVSTA), 2), 2);
			}
		}
	}
	if (!(s->cur.status & PCI_ERR_ROOT_UNCOR_RCV))
		PT_EXIT(pt);
	s->id = (uint16_t)(s->cur.id >> 16);
	s->sev = (s->cur.status & PCI_ERR_ROOT_FATAL_RCV) ? PCISIM_AER_FATAL : PCISIM_AER_NONFATAL;
	s->multi = s->cur.status & PCI_ERR_ROOT_MULTI_UNCOR_RCV;
	if (s->sev == PCISIM_AER_FATAL)
		s->fatal++;
	else
		s->nonfatal++;
	print_port_info(s);
	if (!find_source(s))
		PT_EXIT(pt);
	for (unsigned i = 0; i < s->nedev; i++)
		pcisim_aer_print_error(s, s->edev[i]);
	for (s->ei = 0; s->ei < s->nedev; s->ei++) {
		s->rec.rdev = s->edev[s->ei];
		s->rec.m.frozen = s->sev == PCISIM_AER_FATAL;
		s->rec.reset_link = aer_root_reset;
		PT_CALL(pt, &s->rec.pt_rec, pcisim_aer_do_recovery(&s->rec));
	}
	PT_END(pt);
}

/* aer_isr(): the IRQ thread of one root port's service (and dpc_handler: pcisim runs
 * the DPC service's thread here too, one after the other). */
static int thread(struct pcisim_aer_port *s)
{
	struct pcisim_pt *pt = &s->pt_thread;
	PT_BEGIN(pt);
	for (;;) {
		s->running = false;
		PT_WAIT_UNTIL(pt, s->n > 0 || s->dpc.pending);
		s->running = true;
		if (s->dpc.pending) {
			s->dpc.pending = false;
			PT_CALL(pt, &s->pt_one, s->dpc.handler(s));
			continue;
		}
		s->cur = s->fifo[s->head];
		s->head = (s->head + 1) % PCISIM_AER_FIFO;
		s->n--;
		PT_CALL(pt, &s->pt_one, one_error(s));
	}
	PT_END(pt);
}

/* ---- the component ---- */

/* The DPC service's state keys (dpc_service.h), kept on this component. */
static int dpc_query(const struct pcisim_dpc_port *d, const char *key, struct pcisim_value *v)
{
	if (!strcmp(key, "dpc_bound"))
		v->u = d->bound;
	else if (!strcmp(key, "dpc_events"))
		v->u = d->events;
	else if (!strcmp(key, "dpc_recovered"))
		v->u = d->recoveries_ok;
	else
		return -PCISIM_ENOENT;
	return 0;
}

static int port_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	struct pcisim_aer_port *s = (struct pcisim_aer_port *)c;
	const struct {
		const char *k;
		uint64_t v;
	} nums[] = {
		{"cor", s->cor},
		{"nonfatal", s->nonfatal},
		{"fatal", s->fatal},
		{"recoveries", s->rec.recoveries},
		{"recovered", s->rec.recovered},
		{"failed", s->rec.failed},
		{"fifo_overflows", s->fifo_overflows},
		{"bound", s->bound},
		{"queued", s->n},
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (!strcmp(key, nums[i].k)) {
			v->u = nums[i].v;
			return 0;
		}
	if (!strcmp(key, "last")) {
		v->is_str = true;
		v->s = s->rec.last ? s->rec.last : "-";
		return 0;
	}
	if (!strcmp(key, "state")) {
		v->is_str = true;
		v->s = s->rec.bridge ? "recovering" : s->running ? "busy" : "idle";
		return 0;
	}
	if (!strcmp(key, "recovery")) {
		v->is_str = true;
		v->s = pcisim_aer_rec_state_name(s->rec.m.state);
		return 0;
	}
	return dpc_query(&s->dpc, key, v);
}

static void port_destroy(struct pcisim_comp *c)
{
	struct pcisim_aer_port *s = (struct pcisim_aer_port *)c;
	pcisim_aer_recovery_fini(&s->rec);
	pcisim_free(s->cand.v);
	pcisim_free(s);
}

static const char *const port_keys[] = {"state", "recovery", "bound", "queued", "last", "cor",
					"nonfatal", "fatal", "recoveries", "recovered", "failed",
					"fifo_overflows", "dpc_bound", "dpc_events", "dpc_recovered", NULL};
static const struct pcisim_comp_ops port_ops = {
	.type = "aer",
	.query = port_query,
	.query_keys = port_keys,
	.destroy = port_destroy,
};

/* ---- the port service ---- */

static int svc_build(struct pcisim_host *h, void **data, struct pcisim_diag *diag)
{
	*data = NULL;
	if (!h->cfg.aer)
		return 0;
	struct aer_data *d = pcisim_calloc(1, sizeof(*d));
	if (!d)
		abort();
	*data = d;
	pcisim_vfio_build(h);
	/* the service's component per root port with AER (scenarios can name them) */
	struct pcisim_fabric *fab = h->fab;
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || fn->drv->kind != PCISIM_FN_ROOT_PORT || !pcisim_is_port(fn) ||
		    !pcisim_to_port(fn)->aer)
			continue;
		struct pcisim_aer_port *s = pcisim_calloc(1, sizeof(*s));
		if (!s)
			abort();
		char name[160];
		snprintf(name, sizeof(name), "aer:%s", fn->comp.name);
		if (pcisim_comp_add(h->comp.sim, &s->comp, &h->comp, name, &port_ops)) {
			pcisim_free(s);
			continue;
		}
		s->h = h;
		s->port = pcisim_to_port(fn);
		s->rec.h = h;
		s->rec.comp = &s->comp;
		s->rec.wake = rec_wake;
		struct pcisim_aer_port **v = pcisim_realloc(d->ports, (d->n + 1) * sizeof(*v));
		if (!v)
			abort();
		d->ports = v;
		d->ports[d->n++] = s;
	}
	return 0;
}

void pcisim_aer_setup_fn(struct pcisim_host *h, struct pcisim_pcifn *fn, enum pcisim_host_instant why)
{
	/* SeaBIOS pci_bios_init_device(): I/O, memory and SERR# enabled */
	uint16_t cmd = (uint16_t)pcisim_host_cfg_read_instant(fn, PCI_COMMAND, 2, why);
	pcisim_host_cfg_write_instant(fn, PCI_COMMAND, cmd | PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_SERR,
				      2, why);
	/* Linux pci_configure_serr() */
	if (fn->drv->bridge) {
		uint16_t b = (uint16_t)pcisim_host_cfg_read_instant(fn, PCI_BRIDGE_CONTROL, 2, why);
		pcisim_host_cfg_write_instant(fn, PCI_BRIDGE_CONTROL, b | PCI_BRIDGE_CTL_SERR, 2, why);
	}
	/* pci_aer_init(): clear AER status, enable reporting */
	uint16_t aer = aer_of(fn), exp = exp_of(fn);
	if (!aer || !exp)
		return;
	static const uint16_t status[] = {PCI_ERR_ROOT_STATUS, PCI_ERR_COR_STATUS, PCI_ERR_UNCOR_STATUS};
	/* Root Error Status only on a root port */
	for (size_t i = pcisim_cap_exp_type(&fn->cfg) == PCI_EXP_TYPE_ROOT_PORT ? 0 : 1;
	     i < sizeof(status) / sizeof(status[0]); i++) {
		uint16_t off = (uint16_t)(aer + status[i]);
		pcisim_host_cfg_write_instant(fn, off, pcisim_host_cfg_read_instant(fn, off, 4, why), 4, why);
	}
	uint16_t dc = (uint16_t)pcisim_host_cfg_read_instant(fn, (uint16_t)(exp + PCI_EXP_DEVCTL), 2, why);
	pcisim_host_cfg_write_instant(fn, (uint16_t)(exp + PCI_EXP_DEVCTL), dc | PCISIM_EXP_DEVCTL_ERR_EN, 2, why);
}

static void svc_init_fn(struct pcisim_host *h, void *data, struct pcisim_pcifn *fn)
{
	pcisim_aer_setup_fn(h, fn, PCISIM_INSTANT_BOOT);
}

/* aer_probe() -> aer_enable_rootport() */
static void svc_probe(struct pcisim_host *h, void *data, struct pcisim_port *p)
{
	struct pcisim_aer_port *s = pcisim_aer_port_of(h, &p->fn);
	if (!s)
		return;
	const enum pcisim_host_instant why = PCISIM_INSTANT_BOOT;
	struct pcisim_pcifn *fn = &p->fn;
	uint16_t off = (uint16_t)(p->exp + PCI_EXP_DEVSTA);
	pcisim_host_cfg_write_instant(fn, off, pcisim_host_cfg_read_instant(fn, off, 2, why), 2, why);
	off = (uint16_t)(p->exp + PCI_EXP_RTCTL);
	uint16_t rc = (uint16_t)pcisim_host_cfg_read_instant(fn, off, 2, why);
	pcisim_host_cfg_write_instant(fn, off,
				      rc & (uint16_t)~(PCI_EXP_RTCTL_SECEE | PCI_EXP_RTCTL_SENFEE | PCI_EXP_RTCTL_SEFEE),
				      2, why);
	static const uint16_t regs[] = {PCI_ERR_ROOT_STATUS, PCI_ERR_COR_STATUS, PCI_ERR_UNCOR_STATUS};
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		off = (uint16_t)(p->aer + regs[i]);
		pcisim_host_cfg_write_instant(fn, off, pcisim_host_cfg_read_instant(fn, off, 4, why), 4, why);
	}
	off = (uint16_t)(p->aer + PCI_ERR_ROOT_COMMAND);
	uint32_t cmd = pcisim_host_cfg_read_instant(fn, off, 4, why);
	pcisim_host_cfg_write_instant(fn, off, cmd | PCISIM_ERR_ROOT_CMD_EN_MASK, 4, why);
	s->bound = true;
	dev_log(fn, &s->comp, "AER: enabled with IRQ %u", 24 + fn->comp.id);
}

/* aer_irq() */
static void svc_irq(struct pcisim_host *h, void *data, struct pcisim_port *p)
{
	struct pcisim_aer_port *s = pcisim_aer_port_of(h, &p->fn);
	if (!s || !s->bound)
		return;
	struct pcisim_pcifn *port = &p->fn;
	uint32_t st = rd(port, (uint16_t)(p->aer + PCI_ERR_ROOT_STATUS), 4);
	if (st == 0xffffffffu || !(st & (PCI_ERR_ROOT_UNCOR_RCV | PCI_ERR_ROOT_COR_RCV |
					 PCI_ERR_ROOT_MULTI_COR_RCV | PCI_ERR_ROOT_MULTI_UNCOR_RCV)))
		return; /* IRQ_NONE: not ours (pciehp and DPC share the vector) */
	uint32_t id = rd(port, (uint16_t)(p->aer + PCI_ERR_ROOT_ERR_SRC), 4);
	wr(port, (uint16_t)(p->aer + PCI_ERR_ROOT_STATUS), st, 4);
	PCISIM_RECORD(s->comp.sim, &s->comp, "aer.isr", PCISIM_FX("status", st), PCISIM_FX("source_id", id),
		      PCISIM_FU("queued", s->n));
	if (s->n == PCISIM_AER_FIFO) {
		s->fifo_overflows++;
		return; /* kfifo_put failed: IRQ_HANDLED, the error is not processed */
	}
	s->fifo[(s->head + s->n) % PCISIM_AER_FIFO] = (struct pcisim_aer_esrc){st & 0x7f, id};
	s->n++;
	poke(s, 0);
}

/*
 * aer_remove(): the service lets go of the port. Its aer_disable_rootport() writes
 * are not modelled: the port is leaving Linux's view.
 */
static void svc_remove(struct pcisim_host *h, void *data, struct pcisim_port *p)
{
	struct pcisim_aer_port *s = pcisim_aer_port_of(h, &p->fn);
	if (s)
		s->bound = false;
}

static void svc_free(struct pcisim_host *h, void *data)
{
	struct aer_data *d = data;
	pcisim_free(d->ports); /* the ports are components: the sim frees them */
	pcisim_free(d);
	pcisim_vfio_free(h); /* the passthrough state its build made */
}

static const struct pcisim_record_kind aer_kinds[] = {
	{"aer.isr", "the AER service's interrupt handler queued an error source (fields: status, source_id, queued)"},
	{0},
};

const struct pcisim_port_service pcisim_aer_service = {
	.name = "aer",
	.round = PCISIM_PORTSVC_AFTER_INIT,
	.kinds = aer_kinds,
	.build = svc_build,
	.init_fn = svc_init_fn,
	.probe = svc_probe,
	.irq = svc_irq,
	.remove = svc_remove,
	.free = svc_free,
};
