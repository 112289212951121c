/*
 * The machine: and topology: sections of a scenario: the QEMU machine (type, emulated
 * version, platform options, CXL windows) and its -device lines, built into the
 * fabric. The machine publishes what the hardware reads (sim/pcie/machine.h).
 */
#include "sim/qemu/machine.h"

#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/pcie/link.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/reset.h"
#include "sim/qemu/acpi_pcihp.h"
#include "sim/qemu/compat.h"
#include "sim/qemu/machine_type.h"
#include "sim/qemu/qemu_args.h"

static const char *const machine_keys[] = {"type", "qemu", "cxl", "acpi-pci-hotplug-with-bridge-support",
					   "cxl-fmw", "vga", "link_training", "link_model", "eeh", NULL};

/* Read a machine: mapping into fab->machine (may be applied twice: scenario, then overrides). */
static int machine_parse(struct pcisim_fabric *fab, const struct pcisim_ynode *node, bool *acpi_set,
			 struct pcisim_diag *d)
{
	struct pcisim_machine *m = &fab->machine;
	int rc;
	if ((rc = pcisim_ymap_check_keys(node, "'machine'", machine_keys, d)))
		return rc;
	const struct pcisim_ynode *t = pcisim_ymap_get(node, "type");
	if (t) {
		if ((rc = pcisim_yget_str(t, "'type'", &m->type, d)))
			return rc;
		enum pcisim_machine_type_rc mrc;
		const struct pcisim_machine_type *mt =
			pcisim_machine_type_find(m->type, &m->type_version, &mrc);
		char choices[256];
		if (mrc == PCISIM_MACHINE_TYPE_TOO_OLD)
			return pcisim_diag_error(d, t->loc,
						 "machine type '%s' is older than any %s type QEMU has (%s-%u.%u)",
						 m->type, mt->aliases[0], mt->family, mt->oldest >> 8,
						 mt->oldest & 0xff);
		if (!mt)
			return pcisim_diag_error(d, t->loc, "unknown machine type '%s'; valid choices: %s",
						 m->type,
						 pcisim_machine_type_choices(choices, sizeof(choices)));
	}
	const struct pcisim_ynode *q = pcisim_ymap_get(node, "qemu");
	if (q) {
		const char *s;
		if ((rc = pcisim_yget_str(q, "'qemu'", &s, d)))
			return rc;
		if (pcisim_qemu_version_parse(s, &m->qemu) || !pcisim_qemu_version_supported(m->qemu))
			return pcisim_diag_error(d, q->loc,
						 "'qemu': '%s' is not a QEMU version pcisim emulates; expected MAJOR.MINOR from 2.12 on, e.g. \"7.2\" or \"8.1\" (quote it)",
						 s);
	}
	const struct pcisim_ynode *c = pcisim_ymap_get(node, "cxl");
	if (c && (rc = pcisim_yget_bool(c, "'cxl'", &m->cxl, d)))
		return rc;
	const struct pcisim_ynode *a = pcisim_ymap_get(node, "acpi-pci-hotplug-with-bridge-support");
	if (a) {
		if ((rc = pcisim_yget_bool(a, "'acpi-pci-hotplug-with-bridge-support'",
					   &m->acpi_pcihp_bridges, d)))
			return rc;
		*acpi_set = true;
	}
	const struct pcisim_ynode *fmw = pcisim_ymap_get(node, "cxl-fmw");
	if (fmw && (rc = pcisim_cxl_fmw_from_yaml(fab, fmw, d)))
		return rc;
	const struct pcisim_ynode *vga = pcisim_ymap_get(node, "vga");
	if (vga) {
		static const char *const vga_choices[] = {"std", "none", NULL};
		unsigned i;
		if ((rc = pcisim_yget_choice(vga, "'vga'", vga_choices, &i, d)))
			return rc;
		m->no_vga = i == 1;
	}
	const struct pcisim_ynode *lt = pcisim_ymap_get(node, "link_training"); /* link.c */
	if (lt && (rc = pcisim_link_parse_training(lt, &m->link_training, d)))
		return rc;
	const struct pcisim_ynode *lm = pcisim_ymap_get(node, "link_model"); /* link.c */
	if (lm) {
		static const char *const lm_choices[] = {"qemu", "spec", NULL};
		unsigned i;
		if ((rc = pcisim_yget_choice(lm, "'link_model'", lm_choices, &i, d)))
			return rc;
		m->link_spec = i == 1;
	}
	const struct pcisim_ynode *eeh = pcisim_ymap_get(node, "eeh"); /* sim/eeh */
	if (eeh) {
		static const char *const eeh_choices[] = {"papr", "qemu", NULL};
		unsigned i;
		if ((rc = pcisim_yget_choice(eeh, "'eeh'", eeh_choices, &i, d)))
			return rc;
		m->eeh_qemu = i == 1;
	}
	if (!pcisim_qemu_machine_type_exists(m->qemu, m->type_version))
		return pcisim_diag_error(d, t ? t->loc : node->loc,
					 "machine type %s does not exist in QEMU %u.%u", m->type,
					 m->qemu >> 8, m->qemu & 0xff);
	/* QEMU before 6.1: "Property 'ICH9-LPC.acpi-pci-hotplug-with-bridge-support' not found" */
	if (a && m->acpi_pcihp_bridges && !pcisim_qemu_has_ich9_pcihp(m))
		return pcisim_diag_error(d, a->loc,
					 "'acpi-pci-hotplug-with-bridge-support': QEMU %u.%u's ICH9-LPC has no such property (q35 has ACPI PCI hot-plug from QEMU 6.1); expected off, or qemu: \"6.1\" or later",
					 m->qemu >> 8, m->qemu & 0xff);
	return 0;
}

int pcisim_machine_build(struct pcisim_sim *sim, const struct pcisim_ynode *node,
			 const struct pcisim_ynode *override, struct pcisim_diag *d)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	struct pcisim_machine *m = &fab->machine;
	bool acpi_set = false;
	int rc;
	if (!fab->root_host)
		pcisim_qemu_machine_defaults(m);
	if (node && (rc = machine_parse(fab, node, &acpi_set, d)))
		return rc;
	if (override && (rc = machine_parse(fab, override, &acpi_set, d)))
		return rc;
	if (!acpi_set)
		m->acpi_pcihp_bridges = pcisim_qemu_acpi_pcihp_bridges_default(m);
	pcisim_qemu_compat_update(m);
	/* The machine type's root complex and fixed devices (q35: pcie.0, MCH, ICH9, VGA). */
	enum pcisim_machine_type_rc mrc;
	unsigned v;
	const struct pcisim_machine_type *mt = pcisim_machine_type_find(m->type, &v, &mrc);
	return mt->create(fab, d);
}

static int machine_build(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
			 const struct pcisim_ynode *node, struct pcisim_diag *d)
{
	if (sc->machines) /* each machine is built by the machines: section (machines.c) */
		return 0;
	return pcisim_machine_build(sim, node, NULL, d);
}

int pcisim_topology_build(struct pcisim_sim *sim, struct pcisim_arena *a,
			  const struct pcisim_ynode *node, struct pcisim_diag *d)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	int rc;
	if (!fab->root_host && (rc = pcisim_machine_build(sim, NULL, NULL, d)))
		return rc;
	for (size_t i = 0; node && i < node->n; i++) {
		const struct pcisim_ynode *e = node->vals[i];
		if ((rc = pcisim_yexpect(e, PCISIM_Y_MAP, "a topology entry", d)))
			return rc;
		const struct pcisim_ynode *qa = pcisim_ymap_get(e, "qemu_args");
		if (qa) {
			if (e->n != 1)
				return pcisim_diag_error(d, e->loc,
							 "a 'qemu_args' entry stands alone (no other keys)");
			if ((rc = pcisim_qemu_args_apply(fab, a, qa, d)))
				return rc;
			continue;
		}
		struct pcisim_props props;
		if ((rc = pcisim_props_from_yaml(a, e, &props, d)))
			return rc;
		if ((rc = pcisim_device_create(fab, &props, false, NULL, d)))
			return rc;
	}
	if ((rc = pcisim_fabric_link(fab, d)))
		return rc;
	if (fab->machine.ncxl_fmw && (rc = pcisim_cxl_fmw_check_targets(fab, d)))
		return rc;
	/* QEMU resets the machine after creating it; firmware and Linux then number the buses. */
	pcisim_fabric_reset(fab, PCISIM_RESET_COLD);
	pcisim_fabric_enumerate(fab);
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (!fn->comp.removed && fn->bus) {
			char bdf[32];
			PCISIM_RECORD(sim, &fn->comp, "pci.device",
				      PCISIM_FS("driver", fn->drv->name),
				      PCISIM_FS("bdf", pcisim_fn_bdf_str(fn, bdf, sizeof(bdf))),
				      PCISIM_FX("vendor", pcisim_cfg_get16(&fn->cfg, PCI_VENDOR_ID)),
				      PCISIM_FX("device", pcisim_cfg_get16(&fn->cfg, PCI_DEVICE_ID)));
		}
	}
	return 0;
}

static int topology_build(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
			  const struct pcisim_ynode *node, struct pcisim_diag *d)
{
	if (sc->machines) /* machines.c */
		return 0;
	/* Properties live as long as the devices: in the fabric's arena, not the scenario's
	 * (one scenario serves many runs in fuzz and explore). */
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	return pcisim_topology_build(sim, &fab->arena, node, d);
}

static const struct pcisim_section_def machine_section = {"machine", machine_build};
static const struct pcisim_section_def topology_section = {"topology", topology_build};

static const struct pcisim_record_kind machine_kinds[] = {
	{"pci.device", "a PCI function exists after the machine is built (fields: driver, bdf, vendor, device)"},
	{0},
};

void pcisim_machine_register(void)
{
	pcisim_record_kinds_add(machine_kinds);
	pcisim_section_set(&machine_section);
	pcisim_section_set(&topology_section);
}

extern const struct pcisim_driver pcisim_q35_drivers[]; /* q35.c */
extern const struct pcisim_driver pcisim_pxb_drivers[]; /* pxb.c */

void pcisim_qemu_models_register(void)
{
	pcisim_drivers_add(pcisim_q35_drivers);
	pcisim_drivers_add(pcisim_pxb_drivers);
}

void pcisim_qemu_register(void)
{
	pcisim_machine_register();
	pcisim_monitor_register();
	pcisim_migration_register();
	pcisim_aer_inject_register();
	pcisim_acpi_pcihp_register();
	pcisim_qmp_cxl_register();
	pcisim_qmp_cxl_dcd_register();
	pcisim_machines_register();
	pcisim_qemu_models_register();
}
