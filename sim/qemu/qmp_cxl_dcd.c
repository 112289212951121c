/*
 * QEMU's dynamic capacity QMP commands (qapi/cxl.json, 9.1, "unstable") as timeline
 * actions, with QMP's argument names:
 *
 *   cxl-add-dynamic-capacity      path, host-id, selection-policy, region, [tag],
 *                                 extents: [{offset, len}, ...]
 *   cxl-release-dynamic-capacity  path, host-id, removal-policy, [forced-removal],
 *                                 [sanitize-on-release], region, [tag],
 *                                 extents: [{offset, len}, ...]
 *
 * Offsets are from the region's base, lengths in bytes. What the device does with
 * them is sim/cxl/dcd.c's. QEMU's refusals are logged at run time and change nothing,
 * in QEMU's order: the policy ("Selection policy not supported": only prescriptive is
 * implemented; for release "Forced removal not supported yet" first, then "Removal
 * policy not supported"), the path ("Unable to resolve CXL type 3 device"), then the
 * device's checks. host-id and tag are accepted and not used, as in QEMU 9.1 (its
 * records carry host 0 and no tag). On a QEMU before 9.1 the commands do not exist
 * (CommandNotFound). A malformed extent list is an input error at load.
 */
#include <stdio.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/cxl/dcd.h"
#include "sim/cxl/memdev.h"
#include "sim/pcie/fabric.h"
#include "sim/qemu/machine.h"

#define QOM_PERIPHERAL "/machine/peripheral/"

static const char *const selection_choices[] = {"free", "contiguous", "prescriptive", "enable-shared-access",
						NULL};
static const char *const removal_choices[] = {"tag-based", "prescriptive", NULL};

/* The extent list: [{offset, len}, ...], at most what a device tracks. */
static int extent_list(const struct pcisim_step *s, struct pcisim_cxl_dc_range *r, unsigned *n,
		       struct pcisim_diag *d)
{
	static const char *const keys[] = {"offset", "len", NULL};
	const struct pcisim_pval *v = pcisim_step_param(s, "extents");
	*n = 0;
	if (pcisim_yexpect(v->node, PCISIM_Y_SEQ, "extents: a list of {offset: BYTES, len: BYTES}", d))
		return -1;
	if (v->node->n > PCISIM_CXL_DC_EXTENTS_MAX)
		return pcisim_diag_error(d, v->node->loc, "at most %d extents in one command (%zu given)",
					 PCISIM_CXL_DC_EXTENTS_MAX, v->node->n);
	for (size_t i = 0; i < v->node->n; i++) {
		const struct pcisim_ynode *e = v->node->vals[i];
		if (pcisim_yexpect(e, PCISIM_Y_MAP, "an extent {offset: BYTES, len: BYTES} (offset from the region's base)",
				   d) ||
		    pcisim_ymap_check_keys(e, "extent", keys, d))
			return -1;
		const struct pcisim_ynode *off = pcisim_ymap_get(e, "offset"), *len = pcisim_ymap_get(e, "len");
		if (!off || !len)
			return pcisim_diag_error(d, e->loc, "an extent needs offset and len (bytes), e.g. {offset: 0, len: 0x8000000} for 128 MiB");
		if (pcisim_yget_u64(off, "extent offset", 0, UINT64_MAX, &r[i].offset, d) ||
		    pcisim_yget_u64(len, "extent len", 0, UINT64_MAX, &r[i].len, d))
			return -1;
		(*n)++;
	}
	return 0;
}

static int check_extents(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	struct pcisim_cxl_dc_range r[PCISIM_CXL_DC_EXTENTS_MAX];
	unsigned n;
	(void)sim;
	return extent_list(s, r, &n, d);
}

/* object_resolve_path_type(path, TYPE_CXL_TYPE3): the id or /machine/peripheral/ID */
static struct pcisim_pcifn *resolve(struct pcisim_sim *sim, const char *path)
{
	const char *id = strncmp(path, QOM_PERIPHERAL, strlen(QOM_PERIPHERAL)) ? path : path + strlen(QOM_PERIPHERAL);
	struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(sim), id);
	if (!fn || fn->comp.removed || strcmp(fn->drv->name, "cxl-type3"))
		return NULL;
	return fn;
}

static int refused(struct pcisim_sim *sim, struct pcisim_pcifn *fn, const char *cmd, const char *err)
{
	pcisim_log(sim, fn ? &fn->comp : NULL, "qemu", "Error: %s", err);
	PCISIM_RECORD(sim, fn ? &fn->comp : NULL, "cxl.dcd", PCISIM_FS("command", cmd), PCISIM_FS("error", err));
	return -1;
}

static int run_dc(struct pcisim_sim *sim, const struct pcisim_step *s, bool add)
{
	const char *cmd = add ? "cxl-add-dynamic-capacity" : "cxl-release-dynamic-capacity";
	if (!(pcisim_fabric_get(sim)->machine.compat & PCISIM_QEMU_CXL_DCD)) {
		pcisim_log(sim, NULL, "qemu", "Error: The command %s has not been found", cmd);
		PCISIM_RECORD(sim, NULL, "cxl.dcd", PCISIM_FS("command", cmd), PCISIM_FS("error", "CommandNotFound"));
		return -1;
	}
	if (add && strcmp(selection_choices[pcisim_step_param(s, "selection-policy")->u], "prescriptive"))
		return refused(sim, NULL, cmd, "Selection policy not supported");
	if (!add) {
		const struct pcisim_pval *forced = pcisim_step_param(s, "forced-removal");
		if (forced->set && forced->u)
			return refused(sim, NULL, cmd, "Forced removal not supported yet");
		if (strcmp(removal_choices[pcisim_step_param(s, "removal-policy")->u], "prescriptive"))
			return refused(sim, NULL, cmd, "Removal policy not supported");
	}
	struct pcisim_pcifn *fn = resolve(sim, pcisim_step_param(s, "path")->s);
	if (!fn)
		return refused(sim, NULL, cmd, "Unable to resolve CXL type 3 device");
	struct pcisim_cxl_dc_range r[PCISIM_CXL_DC_EXTENTS_MAX];
	unsigned n = 0;
	if (extent_list(s, r, &n, NULL))
		return -1; /* checked at load */
	unsigned region = (unsigned)pcisim_step_param(s, "region")->u;
	char err[160];
	int rc = add ? pcisim_cxl_dc_qmp_add(fn, region, r, n, err, sizeof(err))
		     : pcisim_cxl_dc_qmp_release(fn, region, r, n, err, sizeof(err));
	if (rc)
		return refused(sim, fn, cmd, err);
	const struct pcisim_cxl_dc *dc = pcisim_cxl_dc_of(fn);
	PCISIM_RECORD(sim, &fn->comp, "cxl.dcd", PCISIM_FS("command", cmd), PCISIM_FU("region", region),
		      PCISIM_FU("extents", n), PCISIM_FX("first_offset", n ? r[0].offset : 0),
		      PCISIM_FU("pending", dc->npending), PCISIM_FU("accepted", dc->naccepted),
		      PCISIM_FU("records", pcisim_cxl_event_count(fn, PCISIM_CXL_EVENT_LOG_DCD)));
	return 0;
}

static int run_add(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return run_dc(sim, s, true);
}

static int run_release(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return run_dc(sim, s, false);
}

#define PATH {"path", PCISIM_P_STR, true, "the cxl-type3 device: its QOM path (/machine/peripheral/ID) or id", NULL, 0, 0, NULL}
#define HOST_ID {"host-id", PCISIM_P_INT, true, "host id (uint16; QEMU 9.1 does not use it)", NULL, 0, 0xffff, NULL}
#define REGION {"region", PCISIM_P_INT, true, "DC region number (0..7, below the device's num-dc-regions)", NULL, 0, 0xff, NULL}
#define TAG {"tag", PCISIM_P_STR, false, "extent tag (accepted, not used by QEMU 9.1)", NULL, 0, 0, NULL}
#define EXTENTS {"extents", PCISIM_P_NODE, true, "list of {offset, len}: bytes from the region's base, multiples of its 2 MiB block", NULL, 0, 0, NULL}

static const struct pcisim_param_def add_params[] = {
	PATH, HOST_ID,
	{"selection-policy", PCISIM_P_CHOICE, true, "CxlExtentSelectionPolicy (QEMU implements prescriptive)",
	 selection_choices, 0, 0, NULL},
	REGION, TAG, EXTENTS,
	{0},
};
static const struct pcisim_param_def release_params[] = {
	PATH, HOST_ID,
	{"removal-policy", PCISIM_P_CHOICE, true, "CxlExtentRemovalPolicy (QEMU implements prescriptive)",
	 removal_choices, 0, 0, NULL},
	{"forced-removal", PCISIM_P_BOOL, false, "forced removal (QEMU 9.1 refuses it)", NULL, 0, 0, NULL},
	{"sanitize-on-release", PCISIM_P_BOOL, false, "sanitize on release (accepted, not used)", NULL, 0, 0, NULL},
	REGION, TAG, EXTENTS,
	{0},
};

static const struct pcisim_action_def actions[] = {
	{"cxl-add-dynamic-capacity",
	 "QMP cxl-add-dynamic-capacity (9.1): offer extents of a DC region to the host (Add Capacity events; usable once the host accepts)",
	 add_params, false, check_extents, run_add},
	{"cxl-release-dynamic-capacity",
	 "QMP cxl-release-dynamic-capacity (9.1): ask the host to give accepted extents back (Release Capacity events)",
	 release_params, false, check_extents, run_release},
	{0},
};

static const struct pcisim_record_kind kinds[] = {
	{"cxl.dcd", "a dynamic capacity QMP command ran (command, region, extents, pending and accepted extents after it, DC log records; error = QEMU's refusal)"},
	{0},
};

void pcisim_qmp_cxl_dcd_register(void)
{
	pcisim_actions_add(actions);
	pcisim_record_kinds_add(kinds);
}
