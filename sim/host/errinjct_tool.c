/*
 * The errinjct tool of powerpc-utils as a guest action: `guest.errinjct` runs the
 * tool's flow in one step, as the 2025 series' cover letter tested it ("tested on
 * pseries and powernv hosts on kvm guest with errinjct tool"): ibm,open-errinjct,
 * the work buffer filled for the error type (the device's PE configuration address
 * and its PHB's BUID, the address, mask and function), ibm,errinjct with the session's
 * token, ibm,close-errinjct. Each call is a "rtas.call" record with `by: errinjct`;
 * a call that fails ends the step (a failed open leaves nothing to close).
 */
#include "sim/host/errinjct_tool.h"

#include <stdio.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/eeh/eeh.h"
#include "sim/eeh/rtas.h"

/* where the tool's work buffer sits in guest memory (1 KiB aligned) */
#define TOOL_WORK_BUFFER 0x20000u

static int act_errinjct(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_comp *c = pcisim_step_comp(sim, s, "id");
	struct pcisim_pcifn *fn = c ? pcisim_fabric_find_fn(pcisim_fabric_get(sim), c->name) : NULL;
	struct pcisim_eeh_pe *pe = fn ? pcisim_eeh_pe_of(fn) : NULL;
	if (!pe) {
		pcisim_log(sim, c, "pcisim", "guest.errinjct: %s has no PE (not below a sPAPR PHB with EEH)",
			   pcisim_step_param(s, "id")->s);
		return -1;
	}
	const struct pcisim_pval *tv = pcisim_step_param(s, "type"), *fv = pcisim_step_param(s, "function"),
				 *av = pcisim_step_param(s, "addr"), *mv = pcisim_step_param(s, "mask");
	unsigned type = !tv->set ? PCISIM_ERRINJCT_IOA_BUS_ERROR
			: tv->numeric ? (unsigned)tv->u : pcisim_errinjct_token_find(tv->s);
	struct pcisim_errinjct_ioa f = {
		.addr = av->set ? av->u : 0,
		.mask = mv->set ? mv->u : 0,
		.config_addr = pcisim_eeh_pe_addr(pe),
		.buid = pe->buid,
		.function = fv->numeric ? (uint32_t)fv->u : (uint32_t)pcisim_eeh_err_func_find(fv->s),
	};
	struct pcisim_rtas_args a = {.nargs = 0, .nret = 2};
	if (pcisim_rtas_call(sim, "ibm,open-errinjct", &a, "errinjct") < 0)
		return -1;
	uint32_t token = a.rets[0];
	uint8_t buf[PCISIM_RTAS_ERRINJCT_BUF];
	pcisim_errinjct_encode(type, &f, buf);
	pcisim_rtas_guest_write_buf(sim, TOOL_WORK_BUFFER, buf);
	struct pcisim_rtas_args e = {.nargs = 3, .nret = 1, .args = {type, token, TOOL_WORK_BUFFER}};
	int32_t st = pcisim_rtas_call(sim, "ibm,errinjct", &e, "errinjct");
	struct pcisim_rtas_args cl = {.nargs = 1, .nret = 1, .args = {token}};
	pcisim_rtas_call(sim, "ibm,close-errinjct", &cl, "errinjct");
	return st < 0 ? -1 : 0;
}

static int check_errinjct(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	const struct pcisim_pval *tv = pcisim_step_param(s, "type"), *fv = pcisim_step_param(s, "function");
	if (tv->set && !tv->numeric && !pcisim_errinjct_token_find(tv->s))
		return pcisim_diag_error(d, tv->node->loc,
					 "guest.errinjct: unknown error type '%s'; expected ioa-bus-error, ioa-bus-error-64 or another PAPR error token name (docs/eeh.md)",
					 tv->s);
	if (!fv->numeric && pcisim_eeh_err_func_find(fv->s) < 0)
		return pcisim_diag_error(d, fv->node->loc,
					 "guest.errinjct: unknown function '%s'; expected ld_mem_addr ... dma_wr_target or 0-19 (docs/eeh.md)",
					 fv->s);
	return 0;
}

static const struct pcisim_param_def errinjct_params[] = {
	{"id", PCISIM_P_COMP, true, "the device: its PE and PHB name the target", NULL, 0, 0, NULL},
	{"type", PCISIM_P_VALUE, false, "the error type", NULL, 0, 0, "ioa-bus-error"},
	{"function", PCISIM_P_VALUE, true, "IOA bus error function: ld_mem_addr (0) ... dma_wr_target (19)", NULL, 0, 0, NULL},
	{"addr", PCISIM_P_INT, false, "the address", NULL, 0, 0, "0"},
	{"mask", PCISIM_P_INT, false, "the address mask", NULL, 0, 0, "0: any address"},
	{0},
};

const struct pcisim_action_def pcisim_errinjct_tool_actions[] = {
	{"guest.errinjct", "the errinjct tool: open the RTAS error-injection session, inject, close",
	 errinjct_params, false, check_errinjct, act_errinjct},
	{0},
};
