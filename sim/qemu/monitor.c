/*
 * QEMU monitor commands that act on the PCIe hardware, as timeline actions:
 * device_add, device_del, surprise_remove, set_link, guest.press_attention_button.
 * A command that QEMU would refuse logs QEMU's error text ("Error: ...") and changes
 * nothing, as the monitor does; it is not an input error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/pcie/aer.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/link.h"
#include "sim/pcie/port.h"
#include "sim/pcie/slot.h"
#include "sim/qemu/machine.h"
#include "sim/core/heap.h"

/* A diag that collects one monitor error message (without a location prefix). */
struct monitor_err {
	struct pcisim_diag d;
	char *buf;
	size_t len;
	FILE *f;
};

static void err_open(struct monitor_err *e)
{
	e->buf = NULL;
	e->len = 0;
	e->f = open_memstream(&e->buf, &e->len);
	pcisim_diag_init(&e->d, e->f);
}

/* Log the collected error as QEMU's monitor prints it; returns -1 if there was one. */
static int err_close(struct monitor_err *e, struct pcisim_sim *sim, struct pcisim_comp *c)
{
	fclose(e->f);
	int rc = 0;
	if (e->d.errors) {
		const char *msg = strstr(e->d.first, "error: ");
		msg = msg ? msg + 7 : e->d.first;
		pcisim_log(sim, c, "qemu", "Error: %s", msg);
		rc = -1;
	}
	pcisim_free(e->buf);
	return rc;
}

static struct pcisim_pcifn *find_fn(struct pcisim_sim *sim, const struct pcisim_step *s,
				    const char *param)
{
	const struct pcisim_pval *v = pcisim_step_param(s, param);
	struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(sim), v->s);
	if (!fn)
		pcisim_log(sim, NULL, "qemu", "Error: Device '%s' not found", v->s);
	return fn;
}

/* ---- device_add ---- */

static const char *const step_keys[] = {"at", "do", NULL};

static int act_device_add(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	const struct pcisim_ynode *n = s->node;
	/* The step's other keys are the device's properties, as in QMP device_add. */
	struct pcisim_props props = {0};
	/* Properties live in the scenario; the device keeps a pointer to them. */
	struct pcisim_prop *v = pcisim_calloc(n->n + 1, sizeof(*v));
	if (!v)
		abort();
	props.loc = n->loc;
	props.v = v;
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i]->str;
		bool skip = false;
		for (size_t j = 0; step_keys[j]; j++)
			skip |= !strcmp(step_keys[j], k);
		if (skip)
			continue;
		if (!strcmp(k, "driver")) {
			props.driver = n->vals[i]->str;
			continue;
		}
		v[props.n++] = (struct pcisim_prop){k, n->vals[i]->str, n->vals[i]->loc, n->keys[i]->loc};
	}
	struct monitor_err e;
	err_open(&e);
	struct pcisim_pcifn *fn = NULL;
	int rc = pcisim_device_create(fab, &props, true, &fn, &e.d);
	if (rc || !fn)
		pcisim_free(v);
	else
		pcisim_fabric_keep(fab, v);
	if (err_close(&e, sim, NULL))
		return -1;
	char bdf[32];
	PCISIM_RECORD(sim, &fn->comp, "pci.hotplug", PCISIM_FS("driver", fn->drv->name),
		      PCISIM_FS("bdf", pcisim_fn_bdf_str(fn, bdf, sizeof(bdf))));
	return 0;
}

static int check_device_add(struct pcisim_sim *sim, const struct pcisim_step *s,
			    struct pcisim_diag *d)
{
	const struct pcisim_pval *drv = pcisim_step_param(s, "driver");
	const struct pcisim_driver *dd = pcisim_driver_find(drv->s);
	char buf[1024];
	if (!dd) {
		const char **names = pcisim_driver_names();
		pcisim_choices(buf, sizeof(buf), names);
		pcisim_free(names);
		return pcisim_diag_error(d, drv->node->loc, "unknown device driver '%s'; valid drivers: %s",
					 drv->s, buf);
	}
	return 0;
}

/* ---- device_del ---- */

static int act_device_del(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_pcifn *fn = find_fn(sim, s, "id");
	if (!fn)
		return -1;
	struct monitor_err e;
	err_open(&e);
	struct pcisim_pcifn *up = fn->bus ? fn->bus->bridge : NULL;
	/* QEMU qdev_unplug(): the request is pending per device. */
	/* before 6.2 a repeated device_del was not refused: it asked again */
	if (fn->unplug_pending && sim->now < fn->unplug_pending_until &&
	    pcisim_machine_has(&fn->fabric->machine, PCISIM_QEMU_SLOT_POWER)) {
		pcisim_diag_error(&e.d, (struct pcisim_loc){0},
				  "Device %s is already in the process of unplug", fn->comp.name);
	} else if (!up || !up->drv->unplug_request) {
		pcisim_diag_error(&e.d, (struct pcisim_loc){0}, "Bus '%s' does not support hotplugging",
				  fn->bus ? fn->bus->name : "-");
	} else {
		PCISIM_RECORD(sim, &fn->comp, "pci.unplug_request", PCISIM_FS("port", up->comp.name));
		up->drv->unplug_request(up, fn, &e.d);
	}
	return err_close(&e, sim, &fn->comp);
}

/* ---- surprise removal, link, attention button ---- */

static struct pcisim_port *port_above(struct pcisim_pcifn *fn)
{
	if (pcisim_is_port(fn))
		return pcisim_to_port(fn);
	struct pcisim_pcifn *up = fn->bus ? fn->bus->bridge : NULL;
	return up && pcisim_is_port(up) ? pcisim_to_port(up) : NULL;
}

static int act_surprise_remove(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_pcifn *fn = find_fn(sim, s, "id");
	if (!fn)
		return -1;
	struct pcisim_port *p = port_above(fn);
	if (!p || pcisim_is_port(fn) || !p->slot.implemented) {
		pcisim_log(sim, &fn->comp, "pcisim", "surprise_remove: '%s' is not below a slot",
			   fn->comp.name);
		return -1;
	}
	pcisim_slot_surprise_remove(&p->slot);
	/* The link went down without the port asking: Surprise Down where reported. */
	pcisim_aer_link_down(p);
	return 0;
}

static const char *const onoff[] = {"on", "off", NULL};

static int act_set_link(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_pcifn *fn = find_fn(sim, s, "id");
	if (!fn)
		return -1;
	struct pcisim_port *p = port_above(fn);
	if (!p || !p->slot.implemented) {
		pcisim_log(sim, &fn->comp, "pcisim", "set_link: '%s' has no PCIe link to a port",
			   fn->comp.name);
		return -1;
	}
	bool up = pcisim_step_param(s, "state")->u == 0;
	PCISIM_RECORD(sim, &p->fn.comp, "link.state", PCISIM_FS("state", up ? "up" : "down"));
	/* The link goes through the LTSSM: DLLLA (and DLLSC where enabled) follow it. */
	struct pcisim_link *l = pcisim_link_of(&p->fn);
	if (!l) {
		pcisim_slot_link_changed(&p->slot, up);
		return 0;
	}
	if (up)
		pcisim_link_release(l, PCISIM_LINK_HOLD_SETLINK, "set_link on");
	else {
		pcisim_link_hold(l, PCISIM_LINK_HOLD_SETLINK, "set_link off");
		pcisim_aer_link_down(p);
	}
	return 0;
}

static int act_attention(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_pcifn *fn = find_fn(sim, s, "slot");
	if (!fn)
		return -1;
	if (!pcisim_is_port(fn) || !pcisim_to_port(fn)->slot.implemented) {
		pcisim_log(sim, &fn->comp, "pcisim", "'%s' is not a port with a slot", fn->comp.name);
		return -1;
	}
	pcisim_slot_push_attention_button(&pcisim_to_port(fn)->slot);
	return 0;
}

static const struct pcisim_param_def add_params[] = {
	{"driver", PCISIM_P_STR, true, "QEMU device driver", NULL, 0, 0, NULL},
	{"id", PCISIM_P_NEWID, false, "the new device's id", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def id_params[] = {
	{"id", PCISIM_P_COMP, true, "device id", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def link_params[] = {
	{"id", PCISIM_P_COMP, true, "a port, or a device below a port", NULL, 0, 0, NULL},
	{"state", PCISIM_P_CHOICE, true, "on (up) or off (down)", onoff, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def slot_params[] = {
	{"slot", PCISIM_P_COMP, true, "the port whose slot it is", NULL, 0, 0, NULL},
	{0},
};

static const struct pcisim_action_def monitor_actions[] = {
	{"device_add", "QMP device_add: hot-plug a device (driver, id, bus, addr, properties)",
	 add_params, true, check_device_add, act_device_add},
	{"device_del", "QMP device_del: request removal (attention button on a native slot)",
	 id_params, false, NULL, act_device_del},
	{"surprise_remove", "the device vanishes without warning: presence and link drop",
	 id_params, false, NULL, act_surprise_remove},
	{"set_link", "take the PCIe link below a port down (off) or up (on)", link_params, false,
	 NULL, act_set_link},
	{"guest.press_attention_button", "press the slot's attention button", slot_params, false,
	 NULL, act_attention},
	{0},
};

static const struct pcisim_record_kind monitor_kinds[] = {
	{"slot.sta", "Slot Status changed (fields: old, new, set, cleared, bits, why)"},
	{"slot.ctl", "Slot Control changed (fields: old, new, was, now, why)"},
	{"slot.event", "a hot-plug event was signalled (fields: events, why)"},
	{"link.dllla", "Data Link Layer Link Active changed (fields: active)"},
	{"link.state", "set_link took a link up or down (fields: state)"},
	{"pci.power", "slot power to a function changed (fields: on)"},
	{"pci.unplug", "QEMU unplugged a device (fields: driver, why)"},
	{"pci.unplug_request", "device_del asked for removal (fields: port)"},
	{"pci.hotplug", "device_add plugged a device (fields: driver, bdf)"},
	{0},
};

void pcisim_monitor_register(void)
{
	pcisim_actions_add(monitor_actions);
	pcisim_record_kinds_add(monitor_kinds);
}
