/*
 * The host's timeline actions (guest.*): what the guest's user does through sysfs.
 * A slot's power file (echo 0|1 > /sys/bus/pci/slots/N/power) goes to pciehp when it
 * drives the slot; without it the guest writes Slot Control itself. A device's remove
 * file (echo 1 > /sys/bus/pci/devices/BDF/remove) makes Linux forget the device.
 */
#include "sim/host/actions.h"

#include "sim/core/trace.h"
#include "sim/host/cfg.h"
#include "sim/host/host.h"
#include "sim/host/pciehp.h"
#include "sim/pcie/regs/pcie_cap.h"

static struct pcisim_port *slot_port(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_comp *c = pcisim_step_comp(sim, s, "slot");
	if (!c) {
		pcisim_log(sim, NULL, "pcisim", "%s: no component '%s'", s->def->name,
			   pcisim_step_param(s, "slot")->s);
		return NULL;
	}
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	struct pcisim_pcifn *fn = pcisim_fabric_find_fn(fab, c->name);
	if (!fn || !pcisim_is_port(fn) || !pcisim_to_port(fn)->slot.implemented) {
		pcisim_log(sim, c, "pcisim", "%s: '%s' is not a port with a slot", s->def->name, c->name);
		return NULL;
	}
	return pcisim_to_port(fn);
}

static int guest_slot_power(struct pcisim_sim *sim, const struct pcisim_step *s, bool on)
{
	struct pcisim_port *p = slot_port(sim, s);
	if (!p)
		return -1;
	struct pcisim_host *h = pcisim_host_of(sim);
	struct pcisim_pciehp *hp = pcisim_pciehp_of(h, &p->fn);
	if (hp) /* echo 0|1 > /sys/bus/pci/slots/N/power */
		return pcisim_pciehp_sysfs_power(hp, on);
	/* No hotplug driver: the guest writes Slot Control itself (power and indicator). */
	uint16_t off = (uint16_t)(p->exp + PCI_EXP_SLTCTL);
	uint16_t v = (uint16_t)pcisim_host_cfg_read_instant(&p->fn, off, 2, PCISIM_INSTANT_GUEST_ACTION);
	v &= (uint16_t)~(PCI_EXP_SLTCTL_PCC | PCI_EXP_SLTCTL_PIC);
	v |= on ? (PCI_EXP_SLTCTL_PWR_ON | PCI_EXP_SLTCTL_PWR_IND_ON)
		: (PCI_EXP_SLTCTL_PWR_OFF | PCI_EXP_SLTCTL_PWR_IND_OFF);
	pcisim_host_cfg_write_instant(&p->fn, off, v, 2, PCISIM_INSTANT_GUEST_ACTION);
	return 0;
}

static int act_power_off(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return guest_slot_power(sim, s, false);
}

static int act_power_on(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return guest_slot_power(sim, s, true);
}

/* echo 1 > /sys/bus/pci/devices/BDF/remove: Linux forgets the function (and its children). */
static int act_remove_device(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_host *h = pcisim_host_of(sim);
	struct pcisim_comp *c = pcisim_step_comp(sim, s, "id");
	struct pcisim_pcifn *fn = c ? pcisim_fabric_find_fn(pcisim_fabric_get(sim), c->name) : NULL;
	if (!h || !fn || !pcisim_host_visible(h, fn)) {
		pcisim_log(sim, c, "linux", "sysfs remove: no such device %s", pcisim_step_param(s, "id")->s);
		return -1;
	}
	pcisim_host_remove_fn(h, fn, "sysfs remove");
	return 0;
}

static const struct pcisim_param_def id_params[] = {
	{"id", PCISIM_P_COMP, true, "the device", NULL, 0, 0, NULL},
	{0},
};

static const struct pcisim_param_def slot_params[] = {
	{"slot", PCISIM_P_COMP, true, "the port whose slot it is", NULL, 0, 0, NULL},
	{0},
};

const struct pcisim_action_def pcisim_host_actions[] = {
	{"guest.slot_power_off",
	 "the guest powers the slot off (pciehp: sysfs power 0; without pciehp: Slot Control PCC=off, PIC=off)",
	 slot_params, false, NULL, act_power_off},
	{"guest.slot_power_on",
	 "the guest powers the slot on (pciehp: sysfs power 1; without pciehp: Slot Control PCC=on, PIC=on)",
	 slot_params, false, NULL, act_power_on},
	{"guest.remove_device", "echo 1 > /sys/bus/pci/devices/BDF/remove: Linux unbinds and forgets the device",
	 id_params, false, NULL, act_remove_device},
	{0},
};

