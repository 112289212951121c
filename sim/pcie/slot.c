/*
 * QEMU's PCI Express hot-plug slot (hw/pci/pcie.c pcie_cap_slot_*), written from the
 * facts in REFERENCE.md 2.2-2.4: what each guest write and each monitor command does
 * to Slot Control, Slot Status and Link Status, and when the port interrupts.
 *
 * QEMU completes everything instantly (no link training, Command Completed inside the
 * same config write), and so does this model under every emulated QEMU version.
 */
#include "sim/pcie/slot.h"

#include <string.h>

#include "sim/core/trace.h"
#include "sim/pcie/link.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/msi.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/reset.h"

#define HP_EV_SUPPORTED (PCI_EXP_SLTSTA_ABP | PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_CC)
#define SLTSTA_EVENTS                                                                         \
	(PCI_EXP_SLTSTA_ABP | PCI_EXP_SLTSTA_PFD | PCI_EXP_SLTSTA_MRLSC | PCI_EXP_SLTSTA_PDC | \
	 PCI_EXP_SLTSTA_CC)

static const struct {
	uint16_t bit;
	const char *name;
} sta_bits[] = {
	{PCI_EXP_SLTSTA_ABP, "ABP"},   {PCI_EXP_SLTSTA_PFD, "PFD"}, {PCI_EXP_SLTSTA_MRLSC, "MRLSC"},
	{PCI_EXP_SLTSTA_PDC, "PDC"},   {PCI_EXP_SLTSTA_CC, "CC"},   {PCI_EXP_SLTSTA_MRLSS, "MRLSS"},
	{PCI_EXP_SLTSTA_PDS, "PDS"},   {PCI_EXP_SLTSTA_EIS, "EIS"}, {PCI_EXP_SLTSTA_DLLSC, "DLLSC"},
};

char *pcisim_slot_sta_names(uint16_t v, char *buf, size_t n)
{
	size_t u = 0;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(sta_bits) / sizeof(sta_bits[0]); i++)
		if (v & sta_bits[i].bit && u < n)
			u += (size_t)snprintf(buf + u, n - u, "%s%s", u ? "|" : "", sta_bits[i].name);
	if (!u)
		snprintf(buf, n, "-");
	return buf;
}

static const char *ind_name(unsigned v)
{
	static const char *const names[] = {"rsvd", "on", "blink", "off"};
	return names[v & 3];
}

char *pcisim_slot_ctl_names(uint16_t v, char *buf, size_t n)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} en[] = {
		{PCI_EXP_SLTCTL_ABPE, "ABPE"}, {PCI_EXP_SLTCTL_PFDE, "PFDE"},
		{PCI_EXP_SLTCTL_MRLSCE, "MRLSCE"}, {PCI_EXP_SLTCTL_PDCE, "PDCE"},
		{PCI_EXP_SLTCTL_CCIE, "CCIE"}, {PCI_EXP_SLTCTL_HPIE, "HPIE"},
		{PCI_EXP_SLTCTL_EIC, "EIC"}, {PCI_EXP_SLTCTL_DLLSCE, "DLLSCE"},
	};
	size_t u = (size_t)snprintf(buf, n, "PIC=%s AIC=%s PCC=%s",
				    ind_name((v & PCI_EXP_SLTCTL_PIC) >> 8),
				    ind_name((v & PCI_EXP_SLTCTL_AIC) >> 6),
				    v & PCI_EXP_SLTCTL_PCC ? "off" : "on");
	for (size_t i = 0; i < sizeof(en) / sizeof(en[0]) && u < n; i++)
		if (v & en[i].bit)
			u += (size_t)snprintf(buf + u, n - u, " %s", en[i].name);
	return buf;
}

/* ---- register access with tracing ---- */

static struct pcisim_cfg *cfg(struct pcisim_slot *s)
{
	return &s->port->fn.cfg;
}

static uint16_t exp_off(struct pcisim_slot *s, uint16_t reg)
{
	return (uint16_t)(s->port->exp + reg);
}

/* The emulated QEMU's behaviour bit @bit (sim/pcie/machine.h). */
static bool has(const struct pcisim_slot *s, unsigned bit)
{
	return pcisim_machine_has(&s->port->fn.fabric->machine, bit);
}

static uint16_t get_ctl(struct pcisim_slot *s)
{
	return pcisim_cfg_get16(cfg(s), exp_off(s, PCI_EXP_SLTCTL));
}

static uint16_t get_sta(struct pcisim_slot *s)
{
	return pcisim_cfg_get16(cfg(s), exp_off(s, PCI_EXP_SLTSTA));
}

static void trace_sta(struct pcisim_slot *s, uint16_t old, uint16_t new, const char *why)
{
	if (old == new)
		return;
	char set[64], clr[64], all[64];
	PCISIM_RECORD(s->port->fn.comp.sim, &s->port->fn.comp, "slot.sta",
		      PCISIM_FX("old", old), PCISIM_FX("new", new),
		      PCISIM_FS("set", pcisim_slot_sta_names(new & ~old, set, sizeof(set))),
		      PCISIM_FS("cleared", pcisim_slot_sta_names(old & ~new, clr, sizeof(clr))),
		      PCISIM_FS("bits", pcisim_slot_sta_names(new, all, sizeof(all))),
		      PCISIM_FS("why", why));
}

static void set_sta(struct pcisim_slot *s, uint16_t new, const char *why)
{
	uint16_t old = get_sta(s);
	pcisim_cfg_set(cfg(s), exp_off(s, PCI_EXP_SLTSTA), new, 2);
	trace_sta(s, old, new, why);
}

static void trace_ctl(struct pcisim_slot *s, uint16_t old, uint16_t new, const char *why)
{
	if (old == new)
		return;
	char o[128], n[128];
	PCISIM_RECORD(s->port->fn.comp.sim, &s->port->fn.comp, "slot.ctl",
		      PCISIM_FX("old", old), PCISIM_FX("new", new),
		      PCISIM_FS("was", pcisim_slot_ctl_names(old, o, sizeof(o))),
		      PCISIM_FS("now", pcisim_slot_ctl_names(new, n, sizeof(n))), PCISIM_FS("why", why));
}

static void set_lnksta_dllla(struct pcisim_slot *s, bool on)
{
	uint16_t off = exp_off(s, PCI_EXP_LNKSTA);
	uint16_t old = pcisim_cfg_get16(cfg(s), off);
	uint16_t new = on ? (uint16_t)(old | PCI_EXP_LNKSTA_DLLLA) : (uint16_t)(old & ~PCI_EXP_LNKSTA_DLLLA);
	if (old == new)
		return;
	pcisim_cfg_set(cfg(s), off, new, 2);
	PCISIM_RECORD(s->port->fn.comp.sim, &s->port->fn.comp, "link.dllla", PCISIM_FB("active", on));
}

/* DLLLA follows presence when the plugged device asks for it or the port reports it. */
static bool dllla_applies(struct pcisim_slot *s, struct pcisim_pcifn *child)
{
	uint32_t lnkcap = pcisim_cfg_get32(cfg(s), exp_off(s, PCI_EXP_LNKCAP));
	bool dev_flag = child ? pcisim_props_bool(&child->props, "x-pcie-lnksta-dllla", true) : true;
	return dev_flag || (lnkcap & PCI_EXP_LNKCAP_DLLLARC);
}

/* ---- who handles hot-plug below the port ---- */

/*
 * With ICH9-LPC acpi-pci-hotplug-with-bridge-support on (q35 machine types from 6.1),
 * QEMU's ACPI hot-plug (hw/acpi/pcihp.c) takes over the secondary bus of every bridge
 * cold-plugged on a bus it already handles, starting with pcie.0: the port's own
 * pcie_cap_slot_*() callbacks then never run for that bus, so a device there sets no
 * PDS, DLLLA or events, and device_del asks the guest through ACPI instead of the
 * attention button. A port with hotplug=off gets no handler at all ("Bus ... does
 * not support hotplugging"). A hot-plugged bridge keeps its own (native) handler, and
 * so does everything cold-plugged below a bus ACPI does not handle.
 */
enum handler { NATIVE, ACPI, NONE };

static enum handler bus_handler(const struct pcisim_pcifn *bridge)
{
	const struct pcisim_fabric *fab = bridge->fabric;
	if (!fab || !fab->machine.acpi_pcihp_bridges || bridge->hotplugged || !bridge->bus)
		return NATIVE;
	const struct pcisim_pcibus *up = bridge->bus;
	if (up->is_root ? up->host != fab->root_host : !up->bridge || bus_handler(up->bridge) != ACPI)
		return NATIVE; /* plugged without ACPI's callback: keeps its own */
	if (pcisim_is_port(bridge) && !pcisim_props_bool(&bridge->props, "hotplug", true))
		return NONE;
	return ACPI;
}

bool pcisim_slot_native(const struct pcisim_slot *s)
{
	return bus_handler(&s->port->fn) == NATIVE;
}

enum pcisim_hp_owner pcisim_bridge_hp_owner(const struct pcisim_pcifn *bridge)
{
	switch (bus_handler(bridge)) {
	case ACPI:
		return PCISIM_HP_ACPI;
	case NONE:
		return PCISIM_HP_NONE;
	case NATIVE:
		break;
	}
	if (!pcisim_is_port(bridge))
		return PCISIM_HP_NONE; /* pcisim models no SHPC */
	const struct pcisim_port *p = pcisim_to_port_const(bridge);
	if (!p->slot.implemented ||
	    !(pcisim_cfg_get32(&bridge->cfg, (uint16_t)(p->exp + PCI_EXP_SLTCAP)) & PCI_EXP_SLTCAP_HPC))
		return PCISIM_HP_NONE;
	return PCISIM_HP_NATIVE;
}

const char *pcisim_hp_owner_name(enum pcisim_hp_owner o)
{
	static const char *const names[] = {"pciehp", "acpi", "none"};
	return names[o];
}

static int no_hotplug(struct pcisim_slot *s, struct pcisim_diag *d)
{
	return pcisim_diag_error(d, (struct pcisim_loc){0}, "Bus '%s' does not support hotplugging",
				 s->port->fn.comp.name);
}

/* ---- the hot-plug interrupt ---- */

static bool compute_hpev(struct pcisim_slot *s)
{
	uint16_t ctl = get_ctl(s), sta = get_sta(s);
	return (ctl & PCI_EXP_SLTCTL_HPIE) && (sta & ctl & HP_EV_SUPPORTED);
}

/* QEMU hotplug_event_notify: signal on every change of the pending condition. */
static void event_notify(struct pcisim_slot *s)
{
	bool prev = s->hpev_notified;
	s->hpev_notified = compute_hpev(s);
	if (prev == s->hpev_notified)
		return;
	pcisim_port_notify(s->port, s->hpev_notified);
	pcisim_port_intx_status(s->port);
}

/* QEMU hotplug_event_clear: deassert INTx when nothing is pending any more. */
static void event_clear(struct pcisim_slot *s)
{
	s->hpev_notified = compute_hpev(s);
	if (!s->hpev_notified) {
		pcisim_irq_set(s->port->fn.comp.sim, &s->port->irq_intx, 0);
		pcisim_port_intx_status(s->port);
	}
}

/* QEMU pcie_cap_slot_event: set event bits; notify unless they were all set already. */
static void slot_event(struct pcisim_slot *s, uint16_t ev, const char *why)
{
	uint16_t sta = get_sta(s);
	char names[64];
	PCISIM_RECORD(s->port->fn.comp.sim, &s->port->fn.comp, "slot.event",
		      PCISIM_FS("events", pcisim_slot_sta_names(ev, names, sizeof(names))),
		      PCISIM_FS("why", why));
	if ((sta & ev) == ev)
		return;
	set_sta(s, sta | ev, why);
	event_notify(s);
}

/* ---- power ---- */

/*
 * QEMU pcie_cap_update_power() -> pci_set_power(): a function that loses power is
 * reset (pci_device_reset()), so it comes back with its reset values; an unpowered
 * function answers config requests with UR: reads all ones, writes ignored (route.c).
 */
static void update_power(struct pcisim_slot *s)
{
	/* before 6.2 slot power control was registers only: the device stayed powered */
	if (!has(s, PCISIM_QEMU_SLOT_POWER))
		return;
	uint32_t cap = pcisim_cfg_get32(cfg(s), exp_off(s, PCI_EXP_SLTCAP));
	bool power = !(cap & PCI_EXP_SLTCAP_PCP) || !(get_ctl(s) & PCI_EXP_SLTCTL_PCC);
	struct pcisim_pcibus *b = s->port->fn.secondary;
	for (uint16_t i = 0; b && i < b->nfns; i++) {
		struct pcisim_pcifn *f = b->fns[i];
		if (f->powered != power) {
			f->powered = power;
			PCISIM_RECORD(f->comp.sim, &f->comp, "pci.power", PCISIM_FB("on", power));
			if (!power)
				pcisim_reset_fn(f, PCISIM_RESET_COLD, "slot power off");
		}
	}
}

/* ---- config writes ---- */

static bool overlaps(uint16_t off, unsigned len, uint16_t reg, unsigned rlen)
{
	return off < reg + rlen && off + len > reg;
}

/* The bits a write of @len bytes at @off puts into the register at @reg (others 0). */
static uint32_t written(uint16_t off, uint32_t val, unsigned len, uint16_t reg, unsigned rlen)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < len; i++) {
		unsigned a = off + i;
		if (a >= reg && a < reg + rlen)
			v |= ((val >> (8 * i)) & 0xff) << (8 * (a - reg));
	}
	return v;
}

/* ---- public ---- */

void pcisim_slot_init(struct pcisim_slot *s, struct pcisim_port *p)
{
	memset(s, 0, sizeof(*s));
	s->port = p;
	uint16_t flags = pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_FLAGS));
	s->implemented = (flags & PCI_EXP_FLAGS_SLOT) != 0;
}

void pcisim_slot_reset(struct pcisim_slot *s)
{
	if (!s->implemented)
		return;
	uint16_t old_ctl = get_ctl(s);
	uint16_t ctl = old_ctl;
	ctl &= (uint16_t)~(PCI_EXP_SLTCTL_EIC | PCI_EXP_SLTCTL_PIC | PCI_EXP_SLTCTL_AIC |
			   PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_CCIE | PCI_EXP_SLTCTL_PDCE |
			   PCI_EXP_SLTCTL_ABPE);
	ctl |= PCI_EXP_SLTCTL_ATTN_IND_OFF;
	uint32_t cap = pcisim_cfg_get32(cfg(s), exp_off(s, PCI_EXP_SLTCAP));
	if (cap & PCI_EXP_SLTCAP_PCP) {
		/* Power on (and its indicator) only when function 0 of slot 0 is present. */
		bool populated = false;
		struct pcisim_pcibus *b = s->port->fn.secondary;
		for (uint16_t i = 0; b && i < b->nfns; i++)
			if (b->fns[i]->devfn == 0)
				populated = true;
		ctl &= (uint16_t)~(PCI_EXP_SLTCTL_PCC | PCI_EXP_SLTCTL_PIC);
		ctl |= populated ? (PCI_EXP_SLTCTL_PWR_ON | PCI_EXP_SLTCTL_PWR_IND_ON)
				 : (PCI_EXP_SLTCTL_PWR_OFF | PCI_EXP_SLTCTL_PWR_IND_OFF);
	}
	pcisim_cfg_set(cfg(s), exp_off(s, PCI_EXP_SLTCTL), ctl, 2);
	trace_ctl(s, old_ctl, ctl, "reset");
	set_sta(s, (uint16_t)(get_sta(s) & ~(PCI_EXP_SLTSTA_EIS | PCI_EXP_SLTSTA_CC |
					     PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP)),
		"reset");
	update_power(s);
	s->hpev_notified = compute_hpev(s);
}

static void do_unplug(struct pcisim_slot *s, const char *why)
{
	struct pcisim_pcibus *b = s->port->fn.secondary;
	struct pcisim_pcifn *first = b && b->nfns ? b->fns[0] : NULL;
	bool dllla = dllla_applies(s, first);
	while (b && b->nfns) {
		struct pcisim_pcifn *f = b->fns[b->nfns - 1];
		PCISIM_RECORD(f->comp.sim, &f->comp, "pci.unplug", PCISIM_FS("driver", f->drv->name),
			      PCISIM_FS("why", why));
		pcisim_device_destroy(f->fabric, f);
	}
	set_sta(s, (uint16_t)(get_sta(s) & ~PCI_EXP_SLTSTA_PDS), why);
	if (dllla)
		set_lnksta_dllla(s, false);
	/* PDC set directly, without a notification: the caller notifies. */
	set_sta(s, get_sta(s) | PCI_EXP_SLTSTA_PDC, why);
}

void pcisim_slot_write_config(struct pcisim_slot *s, uint16_t old_ctl, uint16_t old_sta,
			      uint16_t off, uint32_t val, unsigned len)
{
	if (!s->implemented)
		return;
	uint16_t ctl_off = exp_off(s, PCI_EXP_SLTCTL), sta_off = exp_off(s, PCI_EXP_SLTSTA);
	uint16_t new_sta = get_sta(s);
	trace_sta(s, old_sta, new_sta, "guest write");
	if (overlaps(off, len, sta_off, 2)) {
		/*
		 * Guests that write 1s to clear bits that were not set: if the write would
		 * clear an event bit that was not set, QEMU reverts the whole clear.
		 */
		uint16_t v = (uint16_t)written(off, val, len, sta_off, 2);
		if (v & ~old_sta & SLTSTA_EVENTS) {
			uint16_t keep = (uint16_t)((new_sta & ~SLTSTA_EVENTS) | (old_sta & SLTSTA_EVENTS));
			set_sta(s, keep, "write of 1 to a clear event bit: clear reverted");
		}
		event_clear(s);
	}
	if (!overlaps(off, len, ctl_off, 2))
		return;
	uint16_t ctl = get_ctl(s);
	uint32_t wv = written(off, val, len, ctl_off, 2);
	if (ctl & PCI_EXP_SLTCTL_EIC) {
		/* Electromechanical interlock: a 1 toggles the lock; the bit reads 0. */
		ctl &= (uint16_t)~PCI_EXP_SLTCTL_EIC;
		pcisim_cfg_set(cfg(s), ctl_off, ctl, 2);
		set_sta(s, get_sta(s) ^ PCI_EXP_SLTSTA_EIS, "interlock toggled");
	}
	trace_ctl(s, old_ctl, ctl, "guest write");
	/*
	 * QEMU detaches the device on the transition into "power off and power indicator
	 * off" while a device is present (the guest's way of finishing an unplug).
	 */
	bool was_off = (old_ctl & PCI_EXP_SLTCTL_PCC) &&
		       (old_ctl & PCI_EXP_SLTCTL_PIC) == PCI_EXP_SLTCTL_PWR_IND_OFF;
	/* before 4.1 every such write unplugged, a rewrite of "off" included */
	if (!has(s, PCISIM_QEMU_SLOT_EJECT_ON_CHANGE))
		was_off = false;
	if ((get_sta(s) & PCI_EXP_SLTSTA_PDS) && (wv & PCI_EXP_SLTCTL_PCC) == PCI_EXP_SLTCTL_PWR_OFF &&
	    (wv & PCI_EXP_SLTCTL_PIC) == PCI_EXP_SLTCTL_PWR_IND_OFF && !was_off) {
		pcisim_log(s->port->fn.comp.sim, &s->port->fn.comp, "pcisim",
			   "%s: guest turned slot power and power indicator off: QEMU unplugs the device",
			   s->port->fn.comp.name);
		do_unplug(s, "power and power indicator turned off");
	}
	update_power(s);
	event_notify(s);
	/* Command Completed at once on every Slot Control write. */
	slot_event(s, PCI_EXP_SLTSTA_CC, "command completed");
}

int pcisim_slot_pre_plug(struct pcisim_slot *s, bool hotplug, struct pcisim_diag *d)
{
	enum handler h = bus_handler(&s->port->fn);
	if (h == NONE && hotplug)
		return no_hotplug(s, d);
	if (!s->implemented || h != NATIVE)
		return 0;
	uint32_t cap = pcisim_cfg_get32(cfg(s), exp_off(s, PCI_EXP_SLTCAP));
	if (hotplug && !(cap & PCI_EXP_SLTCAP_HPC))
		return pcisim_diag_error(d, (struct pcisim_loc){0},
					 "Hot-plug failed: unsupported by the port device '%s'",
					 s->port->fn.comp.name);
	/* pcie_cap_slot_plug_common(): error_setg_errno(EBUSY), so strerror follows */
	if (get_sta(s) & PCI_EXP_SLTSTA_EIS)
		return pcisim_diag_error(d, (struct pcisim_loc){0},
					 "slot is electromechanically locked: Device or resource busy");
	return 0;
}

void pcisim_slot_plug(struct pcisim_slot *s, struct pcisim_pcifn *child, bool hotplug)
{
	if (!s->implemented)
		return;
	enum handler h = bus_handler(&s->port->fn);
	if (h == ACPI && hotplug) {
		/*
		 * acpi_pcihp_device_plug_cb(): pcie_cap_slot_enable_power() on a root or
		 * xio3130 downstream port, then the controller's up bit and GPE.
		 */
		uint32_t cap = pcisim_cfg_get32(cfg(s), exp_off(s, PCI_EXP_SLTCAP));
		uint16_t old = get_ctl(s);
		if (cap & PCI_EXP_SLTCAP_PCP) {
			pcisim_cfg_clrbits(cfg(s), exp_off(s, PCI_EXP_SLTCTL), 2, PCI_EXP_SLTCTL_PCC);
			trace_ctl(s, old, get_ctl(s), "ACPI hot plug: slot power on");
			update_power(s);
		}
		const struct pcisim_machine *m = &s->port->fn.fabric->machine;
		if (m->acpi_hp)
			m->acpi_hp->plug(m->acpi_hp_ctx, child);
		return;
	}
	if (h != NATIVE)
		return;
	if (!hotplug) {
		set_sta(s, get_sta(s) | PCI_EXP_SLTSTA_PDS, "cold plug");
		if (dllla_applies(s, child))
			set_lnksta_dllla(s, true);
		update_power(s);
		return;
	}
	/* Functions other than 0 may come first; the slot changes when function 0 arrives. */
	if (child->devfn & 7)
		return;
	set_sta(s, get_sta(s) | PCI_EXP_SLTSTA_PDS, "hot plug");
	if (dllla_applies(s, child))
		set_lnksta_dllla(s, true);
	slot_event(s, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP, "hot plug");
	update_power(s);
}

int pcisim_slot_unplug_request(struct pcisim_slot *s, struct pcisim_pcifn *child,
			       struct pcisim_diag *d)
{
	struct pcisim_sim *sim = s->port->fn.comp.sim;
	uint32_t cap = pcisim_cfg_get32(cfg(s), exp_off(s, PCI_EXP_SLTCAP));
	enum handler h = bus_handler(&s->port->fn);
	if (h == NONE)
		return no_hotplug(s, d);
	if (h == ACPI) {
		/*
		 * acpi_pcihp_device_unplug_request_cb(): the request goes to the guest as an
		 * ACPI event (the controller's down bit and GPE); the device stays until the
		 * guest's _EJ0 writes the eject register. The request is pending for good
		 * before QEMU 8.1, 1 ms from 8.1 on ("acpi: pcihp: allow repeating hot-unplug
		 * requests", April 2023).
		 */
		const struct pcisim_machine *m = &s->port->fn.fabric->machine;
		if (m->acpi_hp)
			return m->acpi_hp->unplug_request(m->acpi_hp_ctx, child, d);
		child->unplug_pending = true;
		child->unplug_pending_until =
			pcisim_machine_has(&s->port->fn.fabric->machine, PCISIM_QEMU_ACPI_UNPLUG_REPEAT)
				? pcisim_time_add(sim->now, PCISIM_MS)
				: PCISIM_TIME_MAX;
		PCISIM_RECORD(sim, &child->comp, "slot.event", PCISIM_FS("events", "-"),
			      PCISIM_FS("why", "ACPI unplug request to the guest"));
		return 0;
	}
	if (!s->implemented || !(cap & PCI_EXP_SLTCAP_HPC))
		return pcisim_diag_error(d, (struct pcisim_loc){0},
					 "Hot-unplug failed: unsupported by the port device '%s'",
					 s->port->fn.comp.name);
	/* pcie_cap_slot_plug_common(): error_setg_errno(EBUSY), so strerror follows */
	if (get_sta(s) & PCI_EXP_SLTSTA_EIS)
		return pcisim_diag_error(d, (struct pcisim_loc){0},
					 "slot is electromechanically locked: Device or resource busy");
	uint16_t ctl = get_ctl(s);
	bool power_rules = has(s, PCISIM_QEMU_SLOT_POWER); /* 6.2 */
	if (power_rules && (ctl & PCI_EXP_SLTCTL_PIC) == PCI_EXP_SLTCTL_PWR_IND_BLINK)
		return pcisim_diag_error(d, (struct pcisim_loc){0},
					 "Hot-unplug failed: guest is busy (power indicator blinking)");
	child->unplug_pending = true;
	child->unplug_pending_until = pcisim_time_add(sim->now, PCISIM_SLOT_PENDING_DELETE);
	/* A function other than 0 with function 0 absent: a cancelled multi-function add. */
	struct pcisim_pcibus *b = s->port->fn.secondary;
	bool fn0 = false;
	for (uint16_t i = 0; b && i < b->nfns; i++)
		if ((b->fns[i]->devfn & ~7) == (child->devfn & ~7) && !(b->fns[i]->devfn & 7))
			fn0 = true;
	if ((child->devfn & 7) && !fn0) {
		PCISIM_RECORD(sim, &child->comp, "pci.unplug", PCISIM_FS("driver", child->drv->name),
			      PCISIM_FS("why", "function without function 0"));
		pcisim_device_destroy(child->fabric, child);
		return 0;
	}
	if (power_rules && (ctl & PCI_EXP_SLTCTL_PIC) == PCI_EXP_SLTCTL_PWR_IND_OFF &&
	    (ctl & PCI_EXP_SLTCTL_PCC) == PCI_EXP_SLTCTL_PWR_OFF) {
		/* Already powered off: no round trip through the guest. */
		do_unplug(s, "device_del on a powered-off slot");
		event_notify(s);
		set_sta(s, (uint16_t)(get_sta(s) & ~PCI_EXP_SLTSTA_ABP), "device_del");
		return 0;
	}
	pcisim_slot_push_attention_button(s);
	return 0;
}

void pcisim_slot_push_attention_button(struct pcisim_slot *s)
{
	slot_event(s, PCI_EXP_SLTSTA_ABP, "attention button");
}

void pcisim_slot_surprise_remove(struct pcisim_slot *s)
{
	do_unplug(s, "surprise removal");
	event_notify(s);
}

void pcisim_slot_post_load(struct pcisim_slot *s)
{
	if (!s->implemented)
		return;
	s->hpev_notified = compute_hpev(s);
	update_power(s);
}

void pcisim_slot_link_changed(struct pcisim_slot *s, bool up)
{
	set_lnksta_dllla(s, up);
	uint16_t ctl = get_ctl(s);
	/* QEMU keeps DLLSCE read-only zero: DLLSC is raised only where it is enabled. */
	if (ctl & PCI_EXP_SLTCTL_DLLSCE) {
		set_sta(s, get_sta(s) | PCI_EXP_SLTSTA_DLLSC, up ? "link up" : "link down");
		event_notify(s);
	}
}

/* ---- the link below (a listener of link.c) ---- */

/* Does the port report DLLLA? QEMU's rule: LNKCAP DLLLARC, or the device's
 * x-pcie-lnksta-dllla (default on); under link_model qemu only where the native slot
 * handles hot-plug (QEMU's ACPI hot-plug never sets it). */
static bool reports_dllla(struct pcisim_link *l)
{
	if (!l->port->exp)
		return false;
	/* link_model qemu: only the native slot callbacks set DLLLA, never ACPI hot-plug. */
	if (!l->spec && !pcisim_slot_native(&l->port->slot))
		return false;
	uint32_t cap = pcisim_cfg_get32(&l->port->fn.cfg, (uint16_t)(l->port->exp + PCI_EXP_LNKCAP));
	if (cap & PCI_EXP_LNKCAP_DLLLARC)
		return true;
	struct pcisim_pcifn *dev = pcisim_link_partner(l);
	return dev ? pcisim_props_bool(&dev->props, "x-pcie-lnksta-dllla", true) : true;
}

/*
 * DL_Up/DL_Down of the link below: DLLLA and, where enabled, DLLSC, on ports that
 * report DLLLA. On an instant link a partner leaving does not clear DLLLA: as in
 * QEMU, the slot does that when it unplugs (do_unplug()).
 */
static void slot_link_dl_changed(struct pcisim_link *l, bool up, bool partner_leaving)
{
	if (reports_dllla(l) && !partner_leaving)
		pcisim_slot_link_changed(&l->port->slot, up);
}

static const struct pcisim_link_listener slot_link_listener = {
	.name = "slot",
	.dl_changed = slot_link_dl_changed,
};

void pcisim_slot_register(void)
{
	pcisim_link_listener_add(&slot_link_listener);
}
