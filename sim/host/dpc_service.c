/*
 * Linux's DPC service as a model (dpc_service.h has the rules): dpc_probe, dpc_irq,
 * dpc_handler with dpc_process_error, and dpc_reset_link for pcie_do_recovery()
 * (aer_recovery.c). Config accesses are instant (cfg.h: boot, error handling).
 */
#include "sim/host/dpc_service.h"

#include "sim/core/trace.h"
#include "sim/host/aer_service.h"
#include "sim/host/cfg.h"
#include "sim/pcie/dpc.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/dpc.h"

static uint32_t rd(struct pcisim_pcifn *fn, uint16_t off, unsigned len)
{
	return pcisim_host_cfg_read_instant(fn, off, len, PCISIM_INSTANT_ERROR_HANDLING);
}

static void wr(struct pcisim_pcifn *fn, uint16_t off, uint32_t v, unsigned len)
{
	pcisim_host_cfg_write_instant(fn, off, v, len, PCISIM_INSTANT_ERROR_HANDLING);
}

#define dev_log pcisim_aer_dev_log

/* ---- dpc_reset_link() ---- */

static struct pcisim_aer_port *port_of_rec(struct pcisim_aer_recovery *r)
{
	return (struct pcisim_aer_port *)r->comp;
}

/*
 * dpc_reset_link(): the hardware has already taken the link down. Wait until Data
 * Link Layer Link Active is clear (pcie_wait_for_link(pdev, false): read at once,
 * then every 1 ms up to 1000 ms; without DLLLA reporting 1000 + 100 ms), write 1 to
 * DPC Trigger Status (the port leaves containment, the link trains), then
 * pci_bridge_wait_for_secondary_bus(pdev, "DPC") as after a bus reset. PCI_DPC_RECOVERING
 * is set throughout, PCI_DPC_RECOVERED on success. The link-down reset lost the
 * config of the functions below: pcisim restores what Linux set at boot (the
 * drivers' pci_restore_state() in slot_reset).
 */
static int dpc_reset_link(struct pcisim_aer_recovery *r)
{
	struct pcisim_pt *pt = &r->pt_reset;
	struct pcisim_aer_port *s = port_of_rec(r);
	struct pcisim_sim *sim = s->comp.sim;
	PT_BEGIN(pt);
	s->dpc.recovering = true;
	s->dpc.recovered = false;
	PCISIM_RECORD(sim, &r->bridge->comp, "aer.reset", PCISIM_FS("event", "dpc wait link down"),
		      PCISIM_FS("why", "dpc_reset_link"));
	if (!pcisim_aer_port_dllla_reporting(s->port)) {
		PCISIM_AER_SLEEP(pt, r, PCISIM_AER_LINK_TIMEOUT + PCISIM_AER_RESET_DELAY);
	} else {
		r->deadline = sim->now + PCISIM_AER_LINK_TIMEOUT;
		while (pcisim_aer_port_link_active(s->port)) {
			if (sim->now >= r->deadline) {
				dev_log(&s->port->fn, &s->comp, "Data Link Layer Link Active not cleared in 1000 msec");
				break;
			}
			PCISIM_AER_SLEEP(pt, r, PCISIM_AER_LINK_POLL);
		}
	}
	PCISIM_RECORD(sim, &r->bridge->comp, "aer.reset", PCISIM_FS("event", "dpc clear trigger status"),
		      PCISIM_FS("why", "dpc_reset_link"));
	wr(&s->port->fn, (uint16_t)(s->dpc.cap + PCI_EXP_DPC_STATUS), PCI_EXP_DPC_STATUS_TRIGGER, 2);
	r->reset_type = "DPC";
	PT_CALL(pt, &r->pt_wait, pcisim_aer_wait_secondary_bus(r));
	if (!r->reset_rc)
		for (unsigned i = 0; i < r->devs.n; i++)
			if (!r->devs.v[i]->comp.removed)
				pcisim_aer_setup_fn(s->h, r->devs.v[i], PCISIM_INSTANT_ERROR_HANDLING);
	s->dpc.recovered = !r->reset_rc;
	s->dpc.recovering = false;
	PCISIM_RECORD(sim, &r->bridge->comp, "aer.reset", PCISIM_FS("event", r->reset_rc ? "failed" : "done"),
		      PCISIM_FS("why", "dpc_reset_link"));
	PT_END(pt);
}

/* ---- dpc_handler() ---- */

/* dpc_process_error(): what Linux prints about the containment event */
static void dpc_process_error(struct pcisim_aer_port *s)
{
	struct pcisim_pcifn *fn = &s->port->fn;
	uint16_t st = (uint16_t)rd(fn, (uint16_t)(s->dpc.cap + PCI_EXP_DPC_STATUS), 2);
	uint16_t src = (uint16_t)rd(fn, (uint16_t)(s->dpc.cap + PCI_EXP_DPC_SOURCE_ID), 2);
	dev_log(fn, &s->comp, "DPC: containment event, status:%#06x source:%#06x", st, src);
	unsigned reason = st & PCI_EXP_DPC_STATUS_TRIGGER_RSN;
	unsigned ext = st & PCI_EXP_DPC_STATUS_TRIGGER_RSN_EXT;
	dev_log(fn, &s->comp, "DPC: %s detected",
		reason == PCI_EXP_DPC_STATUS_TRIGGER_RSN_UNCOR	      ? "unmasked uncorrectable error"
		: reason == PCI_EXP_DPC_STATUS_TRIGGER_RSN_NFE	      ? "ERR_NONFATAL"
		: reason == PCI_EXP_DPC_STATUS_TRIGGER_RSN_FE	      ? "ERR_FATAL"
		: ext == PCI_EXP_DPC_STATUS_TRIGGER_RSN_RP_PIO	      ? "RP PIO error"
		: ext == PCI_EXP_DPC_STATUS_TRIGGER_RSN_SW_TRIGGER ? "software trigger"
								      : "reserved error");
	if (reason == PCI_EXP_DPC_STATUS_TRIGGER_RSN_UNCOR && s->port->aer) {
		/* aer_print_error(), pci_aer_clear_nonfatal_status/fatal_status() */
		pcisim_aer_print_error(s, fn);
		uint32_t u = rd(fn, (uint16_t)(s->port->aer + PCI_ERR_UNCOR_STATUS), 4);
		if (u != 0xffffffffu && u)
			wr(fn, (uint16_t)(s->port->aer + PCI_ERR_UNCOR_STATUS), u, 4);
	}
}

/* dpc_handler(): pcie_do_recovery(pdev, pci_channel_io_frozen, dpc_reset_link); the
 * AER thread runs it (s->dpc.handler) */
static int dpc_handler(struct pcisim_aer_port *s)
{
	struct pcisim_pt *pt = &s->pt_one;
	PT_BEGIN(pt);
	s->dpc.events++;
	dpc_process_error(s);
	s->rec.rdev = &s->port->fn;
	s->rec.m.frozen = true;
	s->rec.reset_link = dpc_reset_link;
	PT_CALL(pt, &s->rec.pt_rec, pcisim_aer_do_recovery(&s->rec));
	if (s->dpc.recovered)
		s->dpc.recoveries_ok++;
	PT_END(pt);
}

/* ---- the port service ---- */

/* The DPC service's state is on the AER service's ports (it shares their thread). */
static int svc_build(struct pcisim_host *h, void **data, struct pcisim_diag *d)
{
	*data = h->cfg.dpc ? pcisim_port_service_data(h, &pcisim_aer_service) : NULL;
	return 0;
}

/* dpc_probe(): trigger on ERR_FATAL, interrupt enabled; on a root port AER is bound to */
static void svc_probe(struct pcisim_host *h, void *data, struct pcisim_port *p)
{
	struct pcisim_aer_port *s = pcisim_aer_port_of(h, &p->fn);
	if (!s || !s->bound || !(s->dpc.cap = pcisim_dpc_off(p)))
		return;
	const enum pcisim_host_instant why = PCISIM_INSTANT_BOOT;
	struct pcisim_pcifn *fn = &p->fn;
	uint16_t off = (uint16_t)(s->dpc.cap + PCI_EXP_DPC_CTL);
	uint16_t ctl = (uint16_t)pcisim_host_cfg_read_instant(fn, off, 2, why);
	ctl = (uint16_t)((ctl & ~PCI_EXP_DPC_CTL_EN_MASK) | PCI_EXP_DPC_CTL_EN_FATAL | PCI_EXP_DPC_CTL_INT_EN);
	pcisim_host_cfg_write_instant(fn, off, ctl, 2, why);
	uint16_t cap = (uint16_t)pcisim_host_cfg_read_instant(fn, (uint16_t)(s->dpc.cap + PCI_EXP_DPC_CAP), 2, why);
	s->dpc.handler = dpc_handler;
	s->dpc.bound = true;
	dev_log(fn, &s->comp, "DPC: enabled with IRQ %u", 24 + fn->comp.id);
	dev_log(fn, &s->comp,
		"DPC: error containment capabilities: Int Msg #%u, RPExt%c PoisonedTLP%c SwTrigger%c RP PIO Log %u, DL_ActiveErr%c",
		cap & PCI_EXP_DPC_IRQ, cap & PCI_EXP_DPC_CAP_RP_EXT ? '+' : '-',
		cap & PCI_EXP_DPC_CAP_POISONED_TLP ? '+' : '-', cap & PCI_EXP_DPC_CAP_SW_TRIGGER ? '+' : '-',
		(cap & PCI_EXP_DPC_RP_PIO_LOG_SIZE) >> 8, cap & PCI_EXP_DPC_CAP_DL_ACTIVE ? '+' : '-');
}

/* dpc_irq(): Interrupt Status, written back; the thread when Trigger Status */
static void svc_irq(struct pcisim_host *h, void *data, struct pcisim_port *p)
{
	struct pcisim_aer_port *s = pcisim_aer_port_of(h, &p->fn);
	if (!s || !s->bound || !s->dpc.bound)
		return;
	struct pcisim_pcifn *port = &p->fn;
	uint16_t ds = (uint16_t)rd(port, (uint16_t)(s->dpc.cap + PCI_EXP_DPC_STATUS), 2);
	if (ds == 0xffff || !(ds & PCI_EXP_DPC_STATUS_INTERRUPT))
		return; /* IRQ_NONE */
	wr(port, (uint16_t)(s->dpc.cap + PCI_EXP_DPC_STATUS), PCI_EXP_DPC_STATUS_INTERRUPT, 2);
	PCISIM_RECORD(s->comp.sim, &s->comp, "aer.dpc_isr", PCISIM_FX("status", ds));
	if (ds & PCI_EXP_DPC_STATUS_TRIGGER) {
		s->dpc.pending = true;
		pcisim_aer_port_wake(s);
	}
}

/* dpc_remove(): the service lets go of the port (its disable writes are not modelled). */
static void svc_remove(struct pcisim_host *h, void *data, struct pcisim_port *p)
{
	struct pcisim_aer_port *s = pcisim_aer_port_of(h, &p->fn);
	if (s)
		s->dpc.bound = false;
}

static const struct pcisim_record_kind dpc_kinds[] = {
	{"aer.dpc_isr", "the DPC service's interrupt handler saw DPC Interrupt Status (fields: status)"},
	{0},
};

const struct pcisim_port_service pcisim_dpc_service = {
	.name = "dpc",
	.round = PCISIM_PORTSVC_AFTER_INIT,
	.kinds = dpc_kinds,
	.build = svc_build,
	.probe = svc_probe,
	.irq = svc_irq,
	.remove = svc_remove,
	/* no free: the state is the AER service's */
};
