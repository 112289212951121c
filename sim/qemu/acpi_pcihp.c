/*
 * QEMU's ACPI PCI hot-plug controller on q35. Facts (QEMU 7.2 hw/acpi/pcihp.c,
 * hw/acpi/ich9.c, include/hw/acpi/ich9.h; checked against Debian's QEMU 7.2 by
 * tests/qemu-diff's acpi cases and the probes docs/fidelity.md lists):
 *  - the block is 0x18 bytes at 0x0cc0, accessed 4 bytes at a time only (other
 *    widths read 0 and are ignored); it exists only with ICH9-LPC
 *    acpi-pci-hotplug-with-bridge-support on (machine types from 6.1), else the
 *    ports read all ones;
 *  - reads act on the bus the select register names (none when it is 256 or more,
 *    then every register, the select one too, reads 0): up (cleared by the read, as
 *    the bridge support is on), down, 0 at the eject offset, the removable bits, the
 *    select value, the acpi-index latched by the last write to 0x14 (then cleared);
 *  - writes: select; eject (the lowest set bit is the slot: its up and down bits
 *    clear, and every function there that is not a cold-plugged bridge and not
 *    marked unpluggable is unplugged and unparented: DEVICE_DELETED); acpi-index;
 *    every write first clears the latched acpi-index;
 *  - BSEL (acpi_set_pci_info(), at the first reset): buses depth first from pcie.0,
 *    each bus before the buses below it, a bus's bridges in the reverse of their
 *    creation order (PCIBus.child is a list QEMU inserts at its head); a number to
 *    every bus whose hotplug handler is the ACPI one (pcie.0 has none on q35: ICH9
 *    has no root-bus ACPI hot-plug, acpi-root-pci-hotplug is PIIX4's);
 *  - the removable bits (acpi_pcihp_update() at reset): all ones but the slots of
 *    functions that are cold-plugged bridges or not hot-pluggable;
 *  - plug of a hot-plugged device: its slot's up bit, GPE 1; device_del: the down
 *    bit, GPE 1, and the device pending (QEMU 7.2: for good; from 8.1 the request
 *    may be repeated, "acpi: pcihp: allow repeating hot-unplug requests").
 */
#include "sim/qemu/acpi_pcihp.h"

#include <stdio.h>
#include <stdlib.h>

#include "sim/core/trace.h"
#include "sim/pcie/slot.h"
#include "sim/core/heap.h"

static struct pcisim_pcifn *bsel_bridge(const struct pcisim_fabric *fab, uint32_t bsel)
{
	const struct pcisim_acpi_fw *fw = &fab->machine.acpi;
	if (bsel >= fw->nbsel || fw->bsel[bsel]->comp.removed)
		return NULL;
	return fw->bsel[bsel];
}

int pcisim_acpi_pcihp_bsel(const struct pcisim_fabric *fab, const struct pcisim_pcibus *bus)
{
	const struct pcisim_acpi_fw *fw = &fab->machine.acpi;
	for (unsigned i = 0; bus && bus->bridge && i < fw->nbsel; i++)
		if (fw->bsel[i] == bus->bridge && !bus->bridge->comp.removed)
			return (int)i;
	return -1;
}

/* acpi_pcihp_pc_no_hotplug(): ACPI describes cold-plugged bridges, so they stay. */
static bool no_hotplug(const struct pcisim_pcifn *fn)
{
	return (fn->drv->bridge && !fn->hotplugged) || !fn->drv->hotpluggable;
}

static void trace_op(struct pcisim_acpi_pcihp *s, const char *op, uint32_t bsel, unsigned slot,
		     const char *why)
{
	PCISIM_RECORD(s->fab->sim, &s->lpc->comp, "acpi.pcihp", PCISIM_FS("op", op), PCISIM_FU("bsel", bsel),
		      PCISIM_FU("slot", slot), PCISIM_FS("why", why));
}

/* ---- BSEL and the removable bits ---- */

static void assign_bsel(struct pcisim_fabric *fab, struct pcisim_pcibus *bus, struct pcisim_pcifn ***v,
			unsigned *n)
{
	if (bus->bridge && pcisim_bridge_hp_owner(bus->bridge) == PCISIM_HP_ACPI &&
	    *n < PCISIM_ACPI_PCIHP_MAX_BUS) {
		struct pcisim_pcifn **g = pcisim_realloc(*v, (*n + 1) * sizeof(**v));
		if (!g)
			abort();
		*v = g;
		(*v)[(*n)++] = bus->bridge;
	}
	/* The bridges on @bus, last created first. */
	for (uint32_t i = fab->nfns; i-- > 0;) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (!fn->comp.removed && fn->bus == bus && fn->secondary)
			assign_bsel(fab, fn->secondary, v, n);
	}
}

static void update_removable(struct pcisim_acpi_pcihp *s)
{
	for (unsigned b = 0; b < PCISIM_ACPI_PCIHP_MAX_BUS; b++) {
		s->bus[b].hotplug_enable = ~0u;
		struct pcisim_pcifn *br = bsel_bridge(s->fab, b);
		struct pcisim_pcibus *bus = br ? br->secondary : NULL;
		for (uint16_t i = 0; bus && i < bus->nfns; i++)
			if (no_hotplug(bus->fns[i]))
				s->bus[b].hotplug_enable &= ~(1u << (bus->fns[i]->devfn >> 3));
	}
}

/* ---- eject ---- */

static void device_deleted(struct pcisim_acpi_pcihp *s, struct pcisim_pcifn *fn)
{
	char path[256];
	snprintf(path, sizeof(path), "/machine/peripheral/%s", fn->comp.name);
	PCISIM_RECORD(s->fab->sim, &fn->comp, "qmp.event", PCISIM_FS("event", "DEVICE_DELETED"),
		      PCISIM_FS("device", fn->comp.name), PCISIM_FS("path", path));
}

static void eject_slot(struct pcisim_acpi_pcihp *s, uint32_t bsel, uint32_t slots)
{
	struct pcisim_pcifn *br = bsel_bridge(s->fab, bsel);
	unsigned slot = slots ? (unsigned)__builtin_ctz(slots) : 32;
	if (!br || !br->secondary || slot > 31)
		return;
	trace_op(s, "eject", bsel, slot, "guest write to the eject register");
	s->bus[bsel].down &= ~(1u << slot);
	s->bus[bsel].up &= ~(1u << slot);
	struct pcisim_pcibus *bus = br->secondary;
	/* The bus's children, most recent first (qdev's list), as QEMU walks them. */
	for (uint32_t i = s->fab->nfns; i-- > 0;) {
		struct pcisim_pcifn *fn = s->fab->fns[i];
		if (fn->comp.removed || fn->bus != bus || (unsigned)(fn->devfn >> 3) != slot || no_hotplug(fn))
			continue;
		PCISIM_RECORD(s->fab->sim, &fn->comp, "pci.unplug", PCISIM_FS("driver", fn->drv->name),
			      PCISIM_FS("why", "ACPI eject"));
		device_deleted(s, fn);
		pcisim_device_destroy(s->fab, fn);
	}
}

/* ---- the register block ---- */

static uint32_t pcihp_read(void *opaque, uint16_t off, unsigned width)
{
	struct pcisim_acpi_pcihp *s = opaque;
	(void)width;
	uint32_t bsel = s->hotplug_select, v = 0;
	if (bsel >= PCISIM_ACPI_PCIHP_MAX_BUS)
		return 0;
	switch (off) {
	case PCISIM_PCIHP_UP:
		v = s->bus[bsel].up;
		s->bus[bsel].up = 0;
		break;
	case PCISIM_PCIHP_DOWN:
		v = s->bus[bsel].down;
		break;
	case PCISIM_PCIHP_RMV:
		v = s->bus[bsel].hotplug_enable;
		break;
	case PCISIM_PCIHP_SEL:
		v = s->hotplug_select;
		break;
	case PCISIM_PCIHP_AIDX:
		v = s->acpi_index;
		s->acpi_index = 0;
		break;
	default: /* the eject register and the bytes between registers */
		break;
	}
	return v;
}

static void pcihp_write(void *opaque, uint16_t off, unsigned width, uint32_t val)
{
	struct pcisim_acpi_pcihp *s = opaque;
	(void)width;
	s->acpi_index = 0;
	switch (off) {
	case PCISIM_PCIHP_AIDX:
		/* latches the acpi-index of the device in the slot: pcisim's devices have none */
		break;
	case PCISIM_PCIHP_EJ:
		if (s->hotplug_select < PCISIM_ACPI_PCIHP_MAX_BUS)
			eject_slot(s, s->hotplug_select, val);
		break;
	case PCISIM_PCIHP_SEL:
		s->hotplug_select = val;
		break;
	default:
		break;
	}
}

static const struct pcisim_ioport_ops pcihp_ops = {
	.name = "acpi-pci-hotplug",
	.widths = 4,
	.read = pcihp_read,
	.write = pcihp_write,
};

/* ---- plug and unplug request (the slots call these through the machine) ---- */

static void hp_plug(void *ctx, struct pcisim_pcifn *child)
{
	struct pcisim_acpi_pcihp *s = ctx;
	int bsel = pcisim_acpi_pcihp_bsel(s->fab, child->bus);
	if (bsel < 0)
		return;
	unsigned slot = child->devfn >> 3;
	s->bus[bsel].up |= 1u << slot;
	trace_op(s, "up", (uint32_t)bsel, slot, "device_add");
	pcisim_ich9_gpe_send(&s->gpe, PCISIM_ACPI_PCIHP_GPE, "ACPI PCI hot-plug: device added");
}

static int hp_unplug_request(void *ctx, struct pcisim_pcifn *child, struct pcisim_diag *d)
{
	struct pcisim_acpi_pcihp *s = ctx;
	struct pcisim_sim *sim = s->fab->sim;
	int bsel = pcisim_acpi_pcihp_bsel(s->fab, child->bus);
	if (bsel < 0)
		return pcisim_diag_error(d, (struct pcisim_loc){0},
					 "Unsupported bus. Bus doesn't have property 'acpi-pcihp-bsel' set");
	child->unplug_pending = true;
	child->unplug_pending_until =
		pcisim_machine_has(&s->fab->machine, PCISIM_QEMU_ACPI_UNPLUG_REPEAT)
			? pcisim_time_add(sim->now, PCISIM_MS)
			: PCISIM_TIME_MAX;
	unsigned slot = child->devfn >> 3;
	s->bus[bsel].down |= 1u << slot;
	trace_op(s, "down", (uint32_t)bsel, slot, "device_del: unplug request to the guest");
	pcisim_ich9_gpe_send(&s->gpe, PCISIM_ACPI_PCIHP_GPE, "ACPI PCI hot-plug: unplug request");
	return 0;
}

static const struct pcisim_acpi_hp_ops hp_ops = {
	.plug = hp_plug,
	.unplug_request = hp_unplug_request,
};

static int claim_failed(struct pcisim_pcifn *lpc, const char *what, int rc, struct pcisim_diag *d)
{
	pcisim_diag_error(d, lpc->props.loc, "%s: cannot claim the I/O ports of its %s (%s)", lpc->comp.name,
			  what, rc == -PCISIM_EBUSY ? "another model has them" : "bad range");
	return rc;
}

int pcisim_acpi_pcihp_setup(struct pcisim_fabric *fab, struct pcisim_pcifn *lpc, struct pcisim_diag *d)
{
	struct pcisim_acpi_pcihp *s = pcisim_calloc(1, sizeof(*s));
	if (!s)
		abort();
	pcisim_fabric_keep(fab, s);
	s->fab = fab;
	s->lpc = lpc;
	int rc = pcisim_ich9_gpe_init(&s->gpe, fab, lpc);
	if (rc)
		return claim_failed(lpc, "GPE0 block", rc, d);
	if (!fab->machine.acpi_pcihp_bridges)
		return 0;
	if ((rc = pcisim_ioport_claim(&fab->machine.io, PCISIM_ACPI_PCIHP_ADDR_ICH9, PCISIM_ACPI_PCIHP_SIZE,
				      &pcihp_ops, s)))
		return claim_failed(lpc, "ACPI PCI hot-plug block", rc, d);
	s->pcihp = true;
	struct pcisim_pcifn **v = NULL;
	unsigned n = 0;
	if (fab->root_host && fab->root_host->secondary)
		assign_bsel(fab, fab->root_host->secondary, &v, &n);
	if (v)
		pcisim_fabric_keep(fab, v);
	struct pcisim_acpi_fw *fw = &fab->machine.acpi;
	fw->bsel = v;
	fw->nbsel = n;
	fw->pcihp_base = PCISIM_ACPI_PCIHP_ADDR_ICH9;
	fw->pcihp_gpe = PCISIM_ACPI_PCIHP_GPE;
	fab->machine.acpi_hp = &hp_ops;
	fab->machine.acpi_hp_ctx = s;
	update_removable(s);
	return 0;
}

static const struct pcisim_record_kind kinds[] = {
	{"acpi.pcihp", "QEMU's ACPI PCI hot-plug controller changed a slot bit (fields: op, bsel, slot, why)"},
	{"acpi.gpe", "a GPE0 status byte changed (fields: reg, byte, old, new, why)"},
	{"qmp.event", "QEMU emitted a QMP event (fields: event, device, path)"},
	{0},
};

void pcisim_acpi_pcihp_register(void)
{
	pcisim_record_kinds_add(kinds);
}
