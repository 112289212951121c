/*
 * The host: section of a scenario (host_section.h): every key read and checked, with
 * located errors, into struct pcisim_host_config (host_config.h); then the host is
 * made from it (host.c) and its port services built.
 */
#include "sim/host/host_section.h"

#include <stdio.h>
#include <stdlib.h>

#include "sim/core/scenario.h"
#include "sim/core/ynode.h"
#include "sim/host/fm.h"
#include "sim/host/host.h"
#include "sim/core/heap.h"
#include "sim/host/vfio_passthrough.h"

static const char *const section_keys[] = {"os", "pciehp", "acpi_pcihp", "acpiphp", "boot",
					   /* error handling: AER, DPC, the drivers, vfio */
					   "aer", "drivers", "aer_reset_on_need_reset", "vfio_remedy",
					   "vfio_notify", "dpc", "eeh_max_freezes",
					   /* Linux's CXL drivers */
					   "cxl", "cxl_event_irq", "cxl_dcd",
					   /* the Fabric Manager's MCTP stack and application (fm.h) */
					   "fm", NULL};

static const char *const remedy_choices[] = {"none", "skip_host_reset", "serialize", "vm_stop",
					    "flr_translation", "nonfatal_only", NULL};
static const char *const ers_choices[] = {"absent", "none", "can_recover", "need_reset",
					  "disconnect", "recovered", "no_aer_driver", NULL};
static const char *const drv_keys[] = {"error_detected", "mmio_enabled", "slot_reset", "resume",
				       "callback_time", "reads_device", "cor_error_detected", "vfio",
				       "guest", NULL};
static const char *const guest_drv_keys[] = {"error_detected", "mmio_enabled", "slot_reset",
					     "resume", "callback_time", NULL};

/* The three callbacks that vote, as keys of a driver entry and of its guest: mapping. */
static int parse_votes(const struct pcisim_ynode *m, enum pcisim_ers *error_detected,
		       enum pcisim_ers *mmio_enabled, enum pcisim_ers *slot_reset, struct pcisim_diag *d)
{
	static const char *const cbs[] = {"error_detected", "mmio_enabled", "slot_reset"};
	enum pcisim_ers *dst[] = {error_detected, mmio_enabled, slot_reset};
	for (int i = 0; i < 3; i++) {
		const struct pcisim_ynode *n = pcisim_ymap_get(m, cbs[i]);
		unsigned idx;
		int rc;
		if (n && (rc = pcisim_yget_choice(n, cbs[i], ers_choices, &idx, d)))
			return rc;
		if (n)
			*dst[i] = (enum pcisim_ers)idx;
	}
	return 0;
}

/* One drivers: entry: @k names a device, @v describes its driver from scratch. */
static int parse_driver(struct pcisim_sim *sim, struct pcisim_host_config *cfg,
			const struct pcisim_ynode *k, const struct pcisim_ynode *v, struct pcisim_diag *d)
{
	int rc;
	if ((rc = pcisim_yexpect(v, PCISIM_Y_MAP, "a driver's behaviour (error_detected, slot_reset, ...)", d)) ||
	    (rc = pcisim_ymap_check_keys(v, "a driver entry", drv_keys, d)))
		return rc;
	if (!pcisim_fabric_find_fn(pcisim_fabric_get(sim), k->str))
		return pcisim_diag_error(d, k->loc, "'drivers': no device '%s' in the topology", k->str);
	/* callbacks the entry does not list are absent; its callbacks read the device */
	struct pcisim_host_drv c = {.id = k->str, .reads_device = true};
	const struct pcisim_ynode *n;
	if ((rc = parse_votes(v, &c.error_detected, &c.mmio_enabled, &c.slot_reset, d)))
		return rc;
	if ((n = pcisim_ymap_get(v, "resume")) && (rc = pcisim_yget_bool(n, "'resume'", &c.resume, d)))
		return rc;
	if ((n = pcisim_ymap_get(v, "reads_device")) &&
	    (rc = pcisim_yget_bool(n, "'reads_device'", &c.reads_device, d)))
		return rc;
	if ((n = pcisim_ymap_get(v, "cor_error_detected")) &&
	    (rc = pcisim_yget_bool(n, "'cor_error_detected'", &c.cor_error_detected, d)))
		return rc;
	if ((n = pcisim_ymap_get(v, "callback_time")) &&
	    (rc = pcisim_yget_time(n, "'callback_time'", &c.cb_time, d)))
		return rc;
	if ((n = pcisim_ymap_get(v, "vfio")) && (rc = pcisim_yget_bool(n, "'vfio'", &c.vfio, d)))
		return rc;
	const struct pcisim_ynode *gn = pcisim_ymap_get(v, "guest");
	if (gn && !c.vfio)
		return pcisim_diag_error(d, gn->loc, "'guest' describes the guest's driver of a passed-through device: set 'vfio: on'");
	if (gn) {
		if ((rc = pcisim_yexpect(gn, PCISIM_Y_MAP, "the guest driver's behaviour", d)) ||
		    (rc = pcisim_ymap_check_keys(gn, "'guest'", guest_drv_keys, d)) ||
		    (rc = parse_votes(gn, &c.guest.error_detected, &c.guest.mmio_enabled, &c.guest.slot_reset, d)))
			return rc;
		if ((n = pcisim_ymap_get(gn, "resume")) &&
		    (rc = pcisim_yget_bool(n, "'resume'", &c.guest.resume, d)))
			return rc;
		if ((n = pcisim_ymap_get(gn, "callback_time")) &&
		    (rc = pcisim_yget_time(n, "'callback_time'", &c.guest.cb_time, d)))
			return rc;
	}
	struct pcisim_host_drv *nv = pcisim_realloc(cfg->drivers, (cfg->ndrivers + 1) * sizeof(*nv));
	if (!nv)
		abort();
	cfg->drivers = nv;
	cfg->drivers[cfg->ndrivers++] = c;
	return 0;
}

/*
 * A passed-through function's siblings (the other functions of its device: one IOMMU
 * group without ACS between them) must be passed through too, or VFIO refuses the
 * group: "group N is not viable" (the slides' Problem A: all functions of a
 * multi-function device assigned).
 */
static int check_vfio_group(struct pcisim_sim *sim, const struct pcisim_host_config *cfg,
			    const struct pcisim_ynode *k, struct pcisim_diag *d)
{
	const struct pcisim_host_drv *c = pcisim_host_config_driver(cfg, k->str);
	struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(sim), k->str);
	if (!c || !c->vfio || !fn || !fn->bus)
		return 0;
	for (uint16_t i = 0; i < fn->bus->nfns; i++) {
		struct pcisim_pcifn *o = fn->bus->fns[i];
		if (o == fn || (o->devfn >> 3) != (fn->devfn >> 3) || o->comp.removed)
			continue;
		const struct pcisim_host_drv *oc = pcisim_host_config_driver(cfg, o->comp.name);
		if (!oc || !oc->vfio)
			return pcisim_diag_error(d, k->loc,
						 "'drivers': %s is passed through (vfio: on) but %s, another function of the same device, is not: VFIO's group is not viable; pass every function through",
						 k->str, o->comp.name);
	}
	return 0;
}

/* The error-handling keys: aer, dpc, aer_reset_on_need_reset, vfio_*, drivers. */
static int parse_error_handling(struct pcisim_sim *sim, struct pcisim_host_config *cfg,
				const struct pcisim_ynode *node, struct pcisim_diag *d)
{
	int rc;
	const struct pcisim_ynode *n;
	if ((n = pcisim_ymap_get(node, "aer")) && (rc = pcisim_yget_bool(n, "'aer'", &cfg->aer, d)))
		return rc;
	if ((n = pcisim_ymap_get(node, "dpc"))) {
		if ((rc = pcisim_yget_bool(n, "'dpc'", &cfg->dpc, d)))
			return rc;
		if (cfg->dpc && !cfg->aer)
			return pcisim_diag_error(d, n->loc, "'dpc: on' needs 'aer: on' (Linux's DPC service requires native AER)");
	}
	if ((n = pcisim_ymap_get(node, "aer_reset_on_need_reset")) &&
	    (rc = pcisim_yget_bool(n, "'aer_reset_on_need_reset'", &cfg->reset_on_need_reset, d)))
		return rc;
	if ((n = pcisim_ymap_get(node, "vfio_remedy"))) {
		unsigned idx;
		if ((rc = pcisim_yget_choice(n, "'vfio_remedy'", remedy_choices, &idx, d)))
			return rc;
		cfg->vfio_remedy = (enum pcisim_vfio_remedy)idx;
	}
	if ((n = pcisim_ymap_get(node, "vfio_notify")) &&
	    (rc = pcisim_yget_time(n, "'vfio_notify'", &cfg->vfio_notify, d)))
		return rc;
	if ((n = pcisim_ymap_get(node, "eeh_max_freezes"))) {
		uint64_t v;
		if ((rc = pcisim_yget_u64(n, "'eeh_max_freezes'", 0, 0xffffffffu, &v, d)))
			return rc;
		cfg->eeh_max_freezes = (uint32_t)v;
	}
	if ((n = pcisim_ymap_get(node, "drivers"))) {
		if ((rc = pcisim_yexpect(n, PCISIM_Y_MAP, "a mapping of device ids to driver behaviour", d)))
			return rc;
		for (size_t i = 0; i < n->n; i++)
			if ((rc = parse_driver(sim, cfg, n->keys[i], n->vals[i], d)))
				return rc;
		for (size_t i = 0; i < n->n; i++)
			if ((rc = check_vfio_group(sim, cfg, n->keys[i], d)))
				return rc;
	}
	return pcisim_vfio_check_views(sim, cfg, d);
}

static int host_build(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
		      const struct pcisim_ynode *node, struct pcisim_diag *d)
{
	int rc;
	if (!node) /* no host: section, no host software */
		return 0;
	if ((rc = pcisim_ymap_check_keys(node, "'host'", section_keys, d)))
		return rc;
	const struct pcisim_ynode *n;
	if ((n = pcisim_ymap_get(node, "os"))) {
		static const char *const oses[] = {"linux", NULL};
		unsigned i;
		if ((rc = pcisim_yget_choice(n, "'os'", oses, &i, d)))
			return rc;
	}
	struct pcisim_host_config cfg = {
		.pciehp = true,
		.acpi_pcihp = pcisim_fabric_get(sim)->machine.acpi_pcihp_bridges,
		.acpiphp = true,
		.vfio_notify = 1 * PCISIM_MS,
		.eeh_max_freezes = PCISIM_EEH_MAX_FREEZES_DEFAULT,
	};
	if ((n = pcisim_ymap_get(node, "pciehp")) && (rc = pcisim_yget_bool(n, "'pciehp'", &cfg.pciehp, d)))
		return rc;
	if ((n = pcisim_ymap_get(node, "acpi_pcihp")) &&
	    (rc = pcisim_yget_bool(n, "'acpi_pcihp'", &cfg.acpi_pcihp, d)))
		return rc;
	if ((n = pcisim_ymap_get(node, "acpiphp")) &&
	    (rc = pcisim_yget_bool(n, "'acpiphp'", &cfg.acpiphp, d)))
		return rc;
	if ((n = pcisim_ymap_get(node, "boot")) && (rc = pcisim_yget_time(n, "'boot'", &cfg.boot, d)))
		return rc;
	if ((n = pcisim_ymap_get(node, "cxl"))) {
		if ((rc = pcisim_yget_bool(n, "'cxl'", &cfg.cxl, d)))
			return rc;
		if (cfg.cxl && !pcisim_fabric_get(sim)->machine.cxl)
			return pcisim_diag_error(d, n->loc, "'cxl: on' needs a machine with CXL: set 'cxl: on' in the machine: section");
	}
	/* both act in Linux's CXL drivers: without them there is nothing to configure */
	static const char *const cxl_opts[] = {"cxl_event_irq", "cxl_dcd"};
	bool *cxl_dst[] = {&cfg.cxl_event_irq, &cfg.cxl_dcd};
	for (int i = 0; i < 2; i++) {
		char what[32];
		snprintf(what, sizeof(what), "'%s'", cxl_opts[i]);
		if ((n = pcisim_ymap_get(node, cxl_opts[i])) && (rc = pcisim_yget_bool(n, what, cxl_dst[i], d)))
			return rc;
		if (n && *cxl_dst[i] && !cfg.cxl)
			return pcisim_diag_error(d, n->loc, "'%s: on' needs Linux's CXL drivers: set 'cxl: on' in the host: section",
						 cxl_opts[i]);
	}
	/* The host exists (its name is checked) before the error-handling keys are read. */
	struct pcisim_host *h = pcisim_host_create(sim, &cfg, node->loc, d);
	if (!h)
		return -PCISIM_EINVAL;
	if ((rc = parse_error_handling(sim, &h->cfg, node, d)))
		return rc;
	if ((rc = pcisim_host_start(h, d)))
		return rc;
	if ((n = pcisim_ymap_get(node, "fm")))
		return pcisim_fm_build(sim, n, d);
	return 0;
}

static const struct pcisim_section_def host_section = {"host", host_build};

void pcisim_host_section_register(void)
{
	pcisim_section_set(&host_section);
}
