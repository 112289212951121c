/*
 * ACPI PCI hot-plug as the guest runs it: ACPICA's GPE dispatch, the firmware's AML
 * methods as a behaviour, Linux's acpiphp. Facts:
 *  - QEMU 7.2 hw/i386/acpi-build.c (the q35 DSDT): \_GPE._E01 calls
 *    \_SB.PCI0.PCNT under the BLCK mutex; PCNT visits the hot-pluggable buses in
 *    device order, each before the bridges below it, and on each writes its BSEL to
 *    BNUM, then Notify(slot, 1) (Bus Check) for every bit of PCIU and Notify(slot, 3)
 *    (Eject Request) for every bit of PCID; a slot's _EJ0 calls PCEJ(BSEL, _SUN),
 *    which writes BNUM and then 1 << _SUN to B0EJ. Every register is 32 bits wide
 *    (Field (..., DWordAcc, ...)).
 *  - ACPICA (drivers/acpi/acpica/evgpe.c, evgpeinit.c): at initialisation every
 *    GPE status bit is cleared and the GPEs that have a _Exx/_Lxx method enabled;
 *    on an SCI, acpi_ev_gpe_detect() reads status and enable, and for an
 *    edge-triggered (_Exx) GPE acpi_ev_gpe_dispatch() disables it, clears its
 *    status and queues the method; acpi_ev_finish_gpe() enables it again once the
 *    method has run, so an event that arrived meanwhile raises the SCI anew.
 *  - Linux drivers/pci/hotplug/acpiphp_glue.c: hotplug_event() runs from
 *    kacpi_hotplug_wq, one event at a time; Bus Check rescans the bridge
 *    (acpiphp_check_bridge() -> enable_slot(): pci_scan_slot(), resources,
 *    pci_bus_add_devices() binds the drivers); Eject Request runs
 *    acpiphp_disable_and_eject_slot(): disable_slot() stops and removes every
 *    function (the driver's remove), then _EJ0 is evaluated.
 * The delays are acpiphp.h's. Records: "acpiphp" for each step.
 */
#include "sim/host/acpiphp.h"

#include <stdlib.h>

#include "sim/core/ioport.h"
#include "sim/core/irq.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/host/host.h"
#include "sim/pcie/fabric.h"
#include "sim/core/heap.h"

/* docs/specs/acpi_pci_hotplug.rst: the registers the AML reaches */
#define PCIU 0x00
#define PCID 0x04
#define B0EJ 0x08
#define BNUM 0x10

/* ACPI 6.4 §5.6.6 Notify values */
enum { NOTIFY_BUS_CHECK = 1, NOTIFY_EJECT_REQUEST = 3 };

struct work {
	uint8_t type;  /* NOTIFY_* */
	uint16_t bsel;
	uint8_t slot;
};

struct acpiphp {
	struct pcisim_host *h;
	struct pcisim_fabric *fab;
	bool sci_pending; /* the SCI handler is scheduled */
	struct work *q;   /* kacpi_hotplug_wq, in order */
	size_t head, n, cap;
	bool busy;        /* an item is running */
};

static const struct pcisim_ext_key acpiphp_key = {"acpiphp"};

static struct acpiphp *of(struct pcisim_sim *sim)
{
	return pcisim_ext_get(sim, &acpiphp_key);
}

static void free_acpiphp(void *p)
{
	struct acpiphp *a = p;
	pcisim_free(a->q);
	pcisim_free(a);
}

static const struct pcisim_acpi_fw *fw(const struct acpiphp *a)
{
	return &a->fab->machine.acpi;
}

static uint32_t inl(struct acpiphp *a, uint16_t port)
{
	return pcisim_ioport_read(&a->fab->machine.io, port, 4);
}

static void outl(struct acpiphp *a, uint16_t port, uint32_t v)
{
	pcisim_ioport_write(&a->fab->machine.io, port, 4, v);
}

static uint8_t inb(struct acpiphp *a, uint16_t port)
{
	return (uint8_t)pcisim_ioport_read(&a->fab->machine.io, port, 1);
}

static void outb(struct acpiphp *a, uint16_t port, uint8_t v)
{
	pcisim_ioport_write(&a->fab->machine.io, port, 1, v);
}

static void step(struct acpiphp *a, const char *event, unsigned bsel, unsigned slot, const char *why)
{
	PCISIM_RECORD(a->fab->sim, &a->h->comp, "acpiphp", PCISIM_FS("event", event), PCISIM_FU("bsel", bsel),
		      PCISIM_FU("slot", slot), PCISIM_FS("why", why));
}

/* GPE0 enable and status bytes of the hot-plug GPE */
static uint16_t gpe_sts_port(const struct acpiphp *a)
{
	return (uint16_t)(fw(a)->gpe0_base + fw(a)->pcihp_gpe / 8);
}

static uint16_t gpe_en_port(const struct acpiphp *a)
{
	return (uint16_t)(fw(a)->gpe0_base + fw(a)->gpe0_len / 2 + fw(a)->pcihp_gpe / 8);
}

static uint8_t gpe_bit(const struct acpiphp *a)
{
	return (uint8_t)(1u << (fw(a)->pcihp_gpe % 8));
}

/* ---- kacpi_hotplug_wq: acpiphp's hotplug_event(), one at a time ---- */

static struct pcisim_pcibus *bsel_bus(struct acpiphp *a, unsigned bsel)
{
	if (bsel >= fw(a)->nbsel || fw(a)->bsel[bsel]->comp.removed)
		return NULL;
	return fw(a)->bsel[bsel]->secondary;
}

static void work_done(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(work_done_kind, "acpiphp.work_done", work_done);
static void work_start(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(work_start_kind, "acpiphp.work", work_start);

static void work_next(struct acpiphp *a, pcisim_time delay)
{
	if (a->busy || a->head == a->n)
		return;
	a->busy = true;
	pcisim_schedule(a->fab->sim, delay, PCISIM_CLASS_HOST, &work_start_kind, &a->h->comp, 0, 0);
}

static void work_start(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	(void)ev;
	struct acpiphp *a = of(sim);
	const struct work *w = &a->q[a->head];
	struct pcisim_pcibus *bus = bsel_bus(a, w->bsel);
	if (w->type == NOTIFY_BUS_CHECK) {
		step(a, "bus_check", w->bsel, w->slot, "enable_slot: scanning the bus");
		pcisim_schedule(sim, PCISIM_ACPIPHP_ENABLE_TIME, PCISIM_CLASS_HOST, &work_done_kind, &a->h->comp, 0, 0);
		return;
	}
	step(a, "eject_request", w->bsel, w->slot, "disable_slot: unbinding the drivers");
	/* disable_slot(): every function of the slot, last first, loses its driver. */
	for (uint16_t i = bus ? bus->nfns : 0; i-- > 0;) {
		struct pcisim_pcifn *fn = bus->fns[i];
		if ((fn->devfn >> 3) == w->slot && pcisim_host_visible(a->h, fn))
			pcisim_host_remove_fn(a->h, fn, "acpiphp: eject request");
	}
	pcisim_schedule(sim, PCISIM_ACPIPHP_DISABLE_TIME, PCISIM_CLASS_HOST, &work_done_kind, &a->h->comp, 0, 0);
}

static void work_done(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	(void)ev;
	struct acpiphp *a = of(sim);
	struct work w = a->q[a->head++];
	a->busy = false;
	if (w.type == NOTIFY_BUS_CHECK) {
		struct pcisim_pcibus *bus = bsel_bus(a, w.bsel);
		pcisim_host_scan_bus(a->h, bus, "acpiphp: bus check");
		step(a, "enabled", w.bsel, w.slot, "pci_bus_add_devices: drivers bound");
	} else {
		/* _EJ0 -> PCEJ(BSEL, _SUN) */
		step(a, "ej0", w.bsel, w.slot, "_EJ0: PCEJ writes BNUM and B0EJ");
		outl(a, (uint16_t)(fw(a)->pcihp_base + BNUM), w.bsel);
		outl(a, (uint16_t)(fw(a)->pcihp_base + B0EJ), 1u << w.slot);
	}
	work_next(a, 0);
}

static void queue_work(struct acpiphp *a, uint8_t type, unsigned bsel, unsigned slot)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 8;
		struct work *q = pcisim_realloc(a->q, a->cap * sizeof(*q));
		if (!q)
			abort();
		a->q = q;
	}
	a->q[a->n++] = (struct work){type, (uint16_t)bsel, (uint8_t)slot};
	step(a, type == NOTIFY_BUS_CHECK ? "notify_bus_check" : "notify_eject_request", bsel, slot,
	     "PCNT: Notify from the GPE method");
}

/* ---- the GPE method: \_GPE._E01 -> \_SB.PCI0.PCNT ---- */

static void pcnt_bus(struct acpiphp *a, struct pcisim_pcibus *bus)
{
	for (uint16_t i = 0; i < bus->nfns; i++) {
		struct pcisim_pcifn *br = bus->fns[i];
		if (!br->secondary)
			continue;
		for (unsigned b = 0; b < fw(a)->nbsel; b++) {
			if (fw(a)->bsel[b] != br)
				continue;
			outl(a, (uint16_t)(fw(a)->pcihp_base + BNUM), b);
			uint32_t up = inl(a, (uint16_t)(fw(a)->pcihp_base + PCIU));
			for (unsigned s = 0; s < 32; s++)
				if (up & (1u << s))
					queue_work(a, NOTIFY_BUS_CHECK, b, s);
			uint32_t down = inl(a, (uint16_t)(fw(a)->pcihp_base + PCID));
			for (unsigned s = 0; s < 32; s++)
				if (down & (1u << s))
					queue_work(a, NOTIFY_EJECT_REQUEST, b, s);
		}
		pcnt_bus(a, br->secondary);
	}
}

static void gpe_method(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	(void)ev;
	struct acpiphp *a = of(sim);
	step(a, "gpe_method", 0, 0, "\\_GPE._E01: PCNT");
	if (a->fab->root_host && a->fab->root_host->secondary)
		pcnt_bus(a, a->fab->root_host->secondary);
	/* acpi_ev_finish_gpe(): the GPE on again (an SCI if an event came meanwhile). */
	outb(a, gpe_en_port(a), inb(a, gpe_en_port(a)) | gpe_bit(a));
	work_next(a, PCISIM_ACPI_NOTIFY_LATENCY);
}
PCISIM_EVKIND(gpe_method_kind, "acpi.gpe_method", gpe_method);

/* acpi_irq() -> acpi_ev_gpe_detect() -> acpi_ev_gpe_dispatch() */
static void sci_handler(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	(void)ev;
	struct acpiphp *a = of(sim);
	a->sci_pending = false;
	uint8_t sts = inb(a, gpe_sts_port(a)), en = inb(a, gpe_en_port(a));
	if (!(sts & en & gpe_bit(a)))
		return;
	outb(a, gpe_en_port(a), (uint8_t)(en & ~gpe_bit(a)));
	outb(a, gpe_sts_port(a), gpe_bit(a));
	pcisim_schedule(sim, 0, PCISIM_CLASS_HOST, &gpe_method_kind, &a->h->comp, 0, 0);
}
PCISIM_EVKIND(sci_kind, "acpi.sci", sci_handler);

static void sci_irq(struct pcisim_irq *irq, void *ctx, int level, bool edge)
{
	(void)irq;
	(void)edge;
	struct acpiphp *a = ctx;
	if (!level || a->sci_pending)
		return;
	a->sci_pending = true;
	pcisim_schedule(a->fab->sim, PCISIM_ACPI_SCI_LATENCY, PCISIM_CLASS_IRQ, &sci_kind, &a->h->comp, 0, 0);
}

void pcisim_acpiphp_boot(struct pcisim_host *h)
{
	const struct pcisim_acpi_fw *f = &h->fab->machine.acpi;
	if (!f->pcihp_base || !f->sci || !h->cfg.acpi_pcihp || !h->cfg.acpiphp)
		return;
	struct acpiphp *a = pcisim_calloc(1, sizeof(*a));
	if (!a)
		abort();
	a->h = h;
	a->fab = h->fab;
	pcisim_ext_set(h->comp.sim, &acpiphp_key, a, free_acpiphp);
	/* acpi_ev_gpe_initialize(): every status bit cleared; then the hot-plug GPE on. */
	for (unsigned i = 0; i < f->gpe0_len / 2u; i++)
		outb(a, (uint16_t)(f->gpe0_base + i), 0xff);
	pcisim_irq_connect(f->sci, sci_irq, a);
	outb(a, gpe_en_port(a), inb(a, gpe_en_port(a)) | gpe_bit(a));
}

static const struct pcisim_record_kind kinds[] = {
	{"acpiphp", "the guest's ACPI hot-plug path took a step (fields: event, bsel, slot, why)"},
	{0},
};

void pcisim_acpiphp_register(void)
{
	pcisim_record_kinds_add(kinds);
}
