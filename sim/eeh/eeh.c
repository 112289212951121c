/*
 * The EEH layer's registration: the PHB model, the rtas.* actions, the record kinds,
 * the `eeh` expectation, the fabric hooks (firmware's BARs; a PE permanently
 * unavailable when its function leaves the machine) and the AER listener (an
 * uncorrectable error freezes the function's PE).
 */
#include "sim/eeh/eeh_int.h"

#include <stdio.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/pcie/aer.h"

extern const struct pcisim_action_def pcisim__rtas_actions[]; /* rtas.c */

static const struct pcisim_record_kind eeh_kinds[] = {
	{"eeh.pe", "a PE changed state (fields: pe, from, to, why)"},
	{"eeh.freeze", "the PHB froze a PE (fields: pe, freezes, why)"},
	{"eeh.errinjct", "ibm,errinjct armed an IOA bus error at a PE (fields: pe, type, function, addr, mask)"},
	{"rtas.call", "an RTAS call and its answer (fields: call, by, status, and the call's outputs)"},
	{"spapr.rtas", "the pseries device tree's /rtas node: the RTAS functions and ibm,errinjct-tokens (fields: calls, errinjct_tokens)"},
	{0},
};

static void eeh_removed(struct pcisim_pcifn *fn)
{
	struct pcisim_eeh_state *s = pcisim__eeh_state_peek(fn->comp.sim);
	for (size_t i = 0; s && i < s->npes; i++)
		if (s->pes[i]->top == fn)
			pcisim_eeh_pe_set_state(s->pes[i], PCISIM_EEH_PE_PERM_UNAVAILABLE, "function removed");
}

/* The PHB's error detection: an uncorrectable error of a function freezes its PE. */
static void eeh_uncorrectable(struct pcisim_pcifn *fn, const char *name, bool fatal)
{
	struct pcisim_eeh_pe *pe = pcisim_eeh_pe_of(fn);
	if (!pe)
		return;
	char why[96];
	snprintf(why, sizeof(why), "uncorrectable %s error %s", fatal ? "fatal" : "non-fatal", name);
	pcisim_eeh_pe_freeze(pe, why);
}

static const struct pcisim_aer_listener eeh_aer = {
	.uncorrectable = eeh_uncorrectable,
};

static const struct pcisim_fabric_hooks eeh_hooks = {
	.name = "eeh",
	.plugged = pcisim__eeh_phb_assign_bars,
	.removed = eeh_removed,
	.reset = pcisim__eeh_phb_reset,
};

/* ---- the eeh: expectation: a PE's state or counters at the end ---- */

static const char *const eeh_keys[] = {"state", "freezes", "loads_all_ones", "stores_dropped",
				       "dma_dropped", "cfg_reads_all_ones", "cfg_writes_dropped", NULL};

static int eeh_check(struct pcisim_sim *sim, const struct pcisim_expect *e, struct pcisim_diag *d)
{
	const struct pcisim_pval *k = pcisim_expect_param(e, "key");
	for (unsigned i = 0; eeh_keys[i]; i++)
		if (!strcmp(k->s, eeh_keys[i]))
			return 0;
	return pcisim_diag_error(d, k->node->loc,
				 "unknown eeh key '%s'; valid keys: state, freezes, loads_all_ones, stores_dropped, dma_dropped, cfg_reads_all_ones, cfg_writes_dropped",
				 k->s);
}

static bool eeh_eval(struct pcisim_sim *sim, const struct pcisim_expect *e, char *expected, size_t ne,
		     char *observed, size_t no)
{
	const char *id = pcisim_expect_param(e, "eeh")->s;
	const char *key = pcisim_expect_param(e, "key")->s;
	const struct pcisim_pval *eq = pcisim_expect_param(e, "equals");
	snprintf(expected, ne, "%s %s = %s", id, key, eq->s);
	struct pcisim_pcifn *fn = NULL;
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	for (uint32_t i = 0; i < fab->nfns && !fn; i++)
		if (!strcmp(fab->fns[i]->comp.name, id))
			fn = fab->fns[i]; /* removed functions too: their PE outlives them */
	struct pcisim_eeh_pe *pe = fn ? pcisim_eeh_pe_of(fn) : NULL;
	if (!pe) {
		snprintf(observed, no, "'%s' is no device below a sPAPR PHB", id);
		return false;
	}
	if (!strcmp(key, "state")) {
		const char *st = pcisim_eeh_pe_state_name(pe->state);
		snprintf(observed, no, "%s", st);
		return !eq->numeric ? !strcmp(eq->s, st) : eq->u == pcisim_eeh_pe_rtas_state(pe);
	}
	uint64_t v = !strcmp(key, "freezes")		? pe->freezes
		     : !strcmp(key, "loads_all_ones")	? pe->loads_all_ones
		     : !strcmp(key, "stores_dropped")	? pe->stores_dropped
		     : !strcmp(key, "dma_dropped")	? pe->dma_dropped
		     : !strcmp(key, "cfg_reads_all_ones") ? pe->cfg_reads_all_ones
							  : pe->cfg_writes_dropped;
	snprintf(observed, no, "%llu", (unsigned long long)v);
	return eq->numeric && eq->u == v;
}

static const struct pcisim_param_def eeh_expect_params[] = {
	{"eeh", PCISIM_P_STR, true, "a device below a sPAPR PHB: its PE", NULL, 0, 0, NULL},
	{"key", PCISIM_P_STR, true,
	 "state, freezes, loads_all_ones, stores_dropped, dma_dropped, cfg_reads_all_ones, cfg_writes_dropped", NULL, 0, 0, NULL},
	{"equals", PCISIM_P_VALUE, true, "the value (state: a name, or the RTAS state code)", NULL, 0, 0, NULL},
	{0},
};

static const struct pcisim_expect_def eeh_expects[] = {
	{"eeh", "a PE's PAPR state or its frozen-access counters at the end", eeh_expect_params, eeh_check,
	 eeh_eval, 0, NULL, NULL, NULL},
	{0},
};

void pcisim_eeh_register(void)
{
	pcisim_drivers_add(pcisim_eeh_phb_drivers);
	pcisim_actions_add(pcisim__rtas_actions);
	pcisim_record_kinds_add(eeh_kinds);
	pcisim_expects_add(eeh_expects);
	pcisim_fabric_hooks_add(&eeh_hooks);
	pcisim_aer_listener_add(&eeh_aer);
}
