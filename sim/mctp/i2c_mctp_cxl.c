/*
 * i2c_mctp_cxl, the MCTP-over-I2C endpoint that gives a Fabric Manager a CXL CCI on a
 * switch or a type 3 device: a device on an I2C bus (sim/mctp/i2c.h), not a PCI
 * function. What it carries (MCTP, FM-API) comes with the MCTP models.
 *
 * Facts, from QEMU's sources:
 *  - hw/cxl/i2c_mctp_cxl.c: an I2C slave (bus=, address=) whose target= must be a
 * cxl-upstream or cxl-type3 ("Unhandled target type for CXL MCTP EP"); qmp= and
 * mctp-msg-forward= are the RFC's forwarding to another VM (the device then needs
 * qmp= and a type 3 target).
 */
#include <stdio.h>
#include <string.h>

#include "sim/mctp/i2c.h"
#include "sim/mctp/mctp.h"

static int mctp_realize(struct pcisim_i2c_dev *dev, struct pcisim_diag *d)
{
	const struct pcisim_props *pr = &dev->props;
	if (!pcisim_props_find(pr, "target"))
		return pcisim_diag_error(d, pr->loc,
					 "i2c_mctp_cxl needs target=: the id of a cxl-upstream or cxl-type3 device");
	bool fwd = pcisim_props_bool(pr, "mctp-msg-forward", false);
	if (fwd && !pcisim_props_find(pr, "qmp")) {
		const struct pcisim_prop *f = pcisim_props_find(pr, "mctp-msg-forward");
		return pcisim_diag_error(d, f->loc,
					 "i2c_mctp_cxl: mctp-msg-forward=on needs qmp=HOST:PORT, the QMP socket of the VM that owns the device");
	}
	return 0;
}

/* target= must name a CXL switch upstream port or a type 3 device (checked once every
 * device exists: QEMU resolves the link when the option is parsed, so it must come first). */
static int mctp_link(struct pcisim_i2c_dev *dev, struct pcisim_diag *d)
{
	struct pcisim_fabric *fab = dev->fabric;
	const struct pcisim_prop *t = pcisim_props_find(&dev->props, "target");
	struct pcisim_pcifn *tf = pcisim_fabric_find_fn(fab, t->value);
	bool fwd = pcisim_props_bool(&dev->props, "mctp-msg-forward", false);
	if (tf && (!strcmp(tf->drv->name, "cxl-type3") || (!fwd && !strcmp(tf->drv->name, "cxl-upstream"))))
		return 0;
	char ids[512];
	size_t u = 0;
	ids[0] = 0;
	for (uint32_t i = 0; i < fab->nfns && u < sizeof(ids) - 64; i++) {
		struct pcisim_pcifn *o = fab->fns[i];
		if (o->comp.removed)
			continue;
		if (!strcmp(o->drv->name, "cxl-type3") || (!fwd && !strcmp(o->drv->name, "cxl-upstream")))
			u += (size_t)snprintf(ids + u, sizeof(ids) - u, "%s%s", u ? ", " : "", o->comp.name);
	}
	const char *valid = u ? ids : "none (no cxl-upstream or cxl-type3 exists)";
	if (!tf)
		return pcisim_diag_error(d, t->loc,
					 "i2c_mctp_cxl target '%s' names no device; valid targets: %s", t->value,
					 valid);
	if (fwd && !strcmp(tf->drv->name, "cxl-upstream"))
		return pcisim_diag_error(d, t->loc,
					 "i2c_mctp_cxl target '%s': mctp-msg-forward works for cxl-type3 targets only; valid targets: %s",
					 t->value, valid);
	return pcisim_diag_error(d, t->loc,
				 "i2c_mctp_cxl target '%s' is a %s: Unhandled target type for CXL MCTP EP; valid targets: %s",
				 t->value, tf->drv->name, valid);
}

static const struct pcisim_i2c_model mctp_model = {
	.realize = mctp_realize,
	.link = mctp_link,
};

static const struct pcisim_prop_def mctp_props[] = {
	{"bus", PCISIM_PROP_STR, "the I2C bus: aspeed.i2c.bus.N (required)", 0, 0, NULL, true},
	{"address", PCISIM_PROP_INT, "7-bit I2C address (default 0)", 0, 0x7f, NULL, true},
	{"target", PCISIM_PROP_STR, "id of the cxl-upstream or cxl-type3 the CCI belongs to (required)", 0, 0,
	 NULL, true},
	{"qmp", PCISIM_PROP_STR, "HOST:PORT of the target VM's QMP, for mctp-msg-forward (FM emulation RFC)", 0,
	 0, NULL, false},
	{"mctp-msg-forward", PCISIM_PROP_BOOL,
	 "forward FM-API requests to the VM at qmp= (FM emulation RFC; default off)", 0, 0, NULL, false},
	{0},
};

const struct pcisim_driver pcisim_mctp_drivers[] = {
	{
		.name = "i2c_mctp_cxl",
		.help = "MCTP over I2C endpoint with a CXL CCI (hw/cxl/i2c_mctp_cxl.c)",
		.props = mctp_props,
		.bus_kind = &pcisim_i2c_bus_kind,
		.model = &mctp_model,
	},
	{0},
};
