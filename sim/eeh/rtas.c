/*
 * The platform's answers to the EEH and error-injection RTAS calls (rtas.h lists the
 * argument layouts and return codes), each a "rtas.call" record, and the `rtas.*`
 * timeline actions that make them with PAPR's arguments.
 *
 * Facts: LoPAPR; REFERENCE.md 7.2-7.3 (QEMU hw/ppc/spapr_pci.c rtas_ibm_* handlers:
 * the nargs/nret checks, the states and the unavailable info 1000 ms; the 2025 errinjct
 * series for the session calls). Where pcisim answers as PAPR hardware does and QEMU
 * differs, the comment says so (docs/eeh.md lists it).
 */
#include "sim/eeh/eeh_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"

const char *const pcisim_rtas_calls[] = {
	"ibm,set-eeh-option", "ibm,get-config-addr-info2", "ibm,read-slot-reset-state2",
	"ibm,set-slot-reset", "ibm,configure-pe", "ibm,slot-error-detail",
	"ibm,open-errinjct", "ibm,errinjct", "ibm,close-errinjct", NULL,
};

static uint64_t buid_of(const struct pcisim_rtas_args *a)
{
	return (uint64_t)a->args[1] << 32 | a->args[2];
}

/* The function at PAPR configuration address @addr (register bits ignored) under @buid. */
static struct pcisim_pcifn *fn_at(struct pcisim_sim *sim, uint64_t buid, uint32_t addr)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		struct pcisim_pcifn *phb = pcisim_eeh_phb_of(fn);
		if (!fn->comp.removed && phb && pcisim_eeh_phb_buid(phb) == buid &&
		    pcisim_eeh_config_addr(fn) == (addr & 0xffff00u))
			return fn;
	}
	return NULL;
}

struct call_out {
	const char *why;    /* a word on the outcome for the record, or NULL */
	char buf[160];
};

typedef int32_t (*call_fn)(struct pcisim_sim *sim, struct pcisim_rtas_args *a, struct call_out *o);

static int32_t set_eeh_option(struct pcisim_sim *sim, struct pcisim_rtas_args *a, struct call_out *o)
{
	struct pcisim_pcifn *fn = fn_at(sim, buid_of(a), a->args[0]);
	struct pcisim_eeh_pe *pe = fn ? pcisim_eeh_pe_of(fn) : NULL;
	/* QEMU's spapr_phb_vfio_eeh_set_option(): enable needs a vfio-pci device at the
	 * address; the other options act on the PHB's container whatever the address */
	if (pcisim_fabric_get(sim)->machine.eeh_qemu && a->args[3] != PCISIM_RTAS_EEH_ENABLE)
		pe = pcisim_eeh_pe_find(sim, buid_of(a), a->args[0]);
	if (!pe)
		return o->why = "no such device", PCISIM_RTAS_OUT_PARAM_ERROR;
	switch (a->args[3]) {
	case PCISIM_RTAS_EEH_DISABLE:
		pe->eeh_enabled = false;
		return PCISIM_RTAS_OUT_SUCCESS;
	case PCISIM_RTAS_EEH_ENABLE:
		pe->eeh_enabled = true;
		return PCISIM_RTAS_OUT_SUCCESS;
	case PCISIM_RTAS_EEH_THAW_IO:
		if (pe->state == PCISIM_EEH_PE_STOPPED)
			pcisim_eeh_pe_set_state(pe, PCISIM_EEH_PE_STOPPED_DMA, "ibm,set-eeh-option: MMIO enabled");
		else if (pe->state != PCISIM_EEH_PE_NORMAL && pe->state != PCISIM_EEH_PE_STOPPED_DMA)
			return o->why = "PE in reset or unavailable", PCISIM_RTAS_OUT_HW_ERROR;
		return PCISIM_RTAS_OUT_SUCCESS;
	case PCISIM_RTAS_EEH_THAW_DMA:
		/* PAPR has no state with DMA enabled and MMIO stopped: MMIO comes first */
		if (pe->state == PCISIM_EEH_PE_STOPPED)
			return o->why = "MMIO still stopped", PCISIM_RTAS_OUT_PARAM_ERROR;
		if (pe->state == PCISIM_EEH_PE_STOPPED_DMA)
			pcisim_eeh_pe_set_state(pe, PCISIM_EEH_PE_NORMAL, "ibm,set-eeh-option: DMA enabled");
		else if (pe->state != PCISIM_EEH_PE_NORMAL)
			return o->why = "PE in reset or unavailable", PCISIM_RTAS_OUT_HW_ERROR;
		return PCISIM_RTAS_OUT_SUCCESS;
	default:
		return o->why = "unknown option", PCISIM_RTAS_OUT_PARAM_ERROR;
	}
}

static int32_t get_config_addr_info2(struct pcisim_sim *sim, struct pcisim_rtas_args *a,
				     struct call_out *o)
{
	struct pcisim_pcifn *fn = fn_at(sim, buid_of(a), a->args[0]);
	bool qemu = pcisim_fabric_get(sim)->machine.eeh_qemu;
	struct pcisim_eeh_pe *pe = fn ? pcisim_eeh_pe_of(fn) : NULL;
	if (!pe && !(qemu && fn))
		return o->why = "no such device", PCISIM_RTAS_OUT_PARAM_ERROR;
	if (qemu) {
		/* QEMU: any device of an EEH-capable PHB; (bus << 16) + 1, shared */
		if (a->args[3] == PCISIM_RTAS_GET_PE_ADDR)
			a->rets[1] = (uint32_t)(fn->bus ? fn->bus->number : 0) << 16 | 1;
		else if (a->args[3] == PCISIM_RTAS_GET_PE_MODE)
			a->rets[1] = PCISIM_RTAS_PE_MODE_SHARED;
		else
			return o->why = "unknown function", PCISIM_RTAS_OUT_PARAM_ERROR;
		return PCISIM_RTAS_OUT_SUCCESS;
	}
	switch (a->args[3]) {
	case PCISIM_RTAS_GET_PE_ADDR:
		/* QEMU answers (bus << 16) + 1 for every device of a bus (one shared PE);
		 * pcisim, as PAPR hardware, the configuration address of the PE's function */
		a->rets[1] = pcisim_eeh_pe_addr(pe);
		return PCISIM_RTAS_OUT_SUCCESS;
	case PCISIM_RTAS_GET_PE_MODE:
		a->rets[1] = PCISIM_RTAS_PE_MODE_NOT_SHARED; /* QEMU: 2, shared */
		return PCISIM_RTAS_OUT_SUCCESS;
	default:
		return o->why = "unknown function", PCISIM_RTAS_OUT_PARAM_ERROR;
	}
}

static struct pcisim_eeh_pe *pe_at(struct pcisim_sim *sim, const struct pcisim_rtas_args *a)
{
	return pcisim_eeh_pe_find(sim, buid_of(a), a->args[0]);
}

static int32_t read_slot_reset_state2(struct pcisim_sim *sim, struct pcisim_rtas_args *a,
				      struct call_out *o)
{
	struct pcisim_eeh_pe *pe = pe_at(sim, a);
	if (!pe)
		return o->why = "no such PE", PCISIM_RTAS_OUT_PARAM_ERROR;
	a->rets[1] = pcisim_eeh_pe_rtas_state(pe);
	a->rets[2] = 1; /* EEH supported */
	/* unavailable info: how long a temporary unavailability lasts; 0: permanent */
	a->rets[3] = pe->state == PCISIM_EEH_PE_PERM_UNAVAILABLE && !pcisim_fabric_get(sim)->machine.eeh_qemu
			     ? 0
			     : PCISIM_RTAS_PE_UNAVAIL_INFO_MS; /* QEMU: always RTAS_EEH_PE_UNAVAIL_INFO */
	if (a->nret == 5)
		a->rets[4] = 0; /* recovery info */
	return PCISIM_RTAS_OUT_SUCCESS;
}

static int32_t set_slot_reset(struct pcisim_sim *sim, struct pcisim_rtas_args *a, struct call_out *o)
{
	struct pcisim_eeh_pe *pe = pe_at(sim, a);
	if (!pe)
		return o->why = "no such PE", PCISIM_RTAS_OUT_PARAM_ERROR;
	if (pe->state == PCISIM_EEH_PE_PERM_UNAVAILABLE)
		return o->why = "PE permanently unavailable", PCISIM_RTAS_OUT_HW_ERROR;
	switch (a->args[3]) {
	case PCISIM_RTAS_SLOT_RESET_HOT:
	case PCISIM_RTAS_SLOT_RESET_FUNDAMENTAL:
	{
		const char *why = a->args[3] == PCISIM_RTAS_SLOT_RESET_HOT ? "ibm,set-slot-reset: hot reset"
									    : "ibm,set-slot-reset: fundamental reset";
		pe->armed.armed = false; /* a reset clears the PHB's injection */
		pcisim_eeh_pe_set_state(pe, PCISIM_EEH_PE_RESET, why);
		pcisim__eeh_pe_reset_fns(pe, a->args[3] == PCISIM_RTAS_SLOT_RESET_HOT ? PCISIM_RESET_WARM : PCISIM_RESET_COLD,
					 why);
		return PCISIM_RTAS_OUT_SUCCESS;
	}
	case PCISIM_RTAS_SLOT_RESET_DEACTIVATE:
		if (pe->state == PCISIM_EEH_PE_RESET) {
			pcisim_eeh_pe_set_state(pe, PCISIM_EEH_PE_UNAVAILABLE, "ibm,set-slot-reset: reset deactivated");
			pcisim__eeh_pe_schedule_ready(pe);
		}
		return PCISIM_RTAS_OUT_SUCCESS;
	default:
		return o->why = "unknown function", PCISIM_RTAS_OUT_PARAM_ERROR;
	}
}

static int32_t configure_pe(struct pcisim_sim *sim, struct pcisim_rtas_args *a, struct call_out *o)
{
	struct pcisim_eeh_pe *pe = pe_at(sim, a);
	if (!pe)
		return o->why = "no such PE", PCISIM_RTAS_OUT_PARAM_ERROR;
	if (pe->state == PCISIM_EEH_PE_PERM_UNAVAILABLE)
		return o->why = "PE permanently unavailable", PCISIM_RTAS_OUT_HW_ERROR;
	if (pe->state == PCISIM_EEH_PE_RESET || pe->state == PCISIM_EEH_PE_UNAVAILABLE)
		return o->why = "PE in reset or not ready", PCISIM_RTAS_OUT_BUSY;
	return PCISIM_RTAS_OUT_SUCCESS;
}

static int32_t slot_error_detail(struct pcisim_sim *sim, struct pcisim_rtas_args *a, struct call_out *o)
{
	struct pcisim_pcifn *fn = fn_at(sim, buid_of(a), a->args[0]);
	struct pcisim_eeh_pe *pe = fn ? pcisim_eeh_pe_of(fn) : NULL;
	if (pcisim_fabric_get(sim)->machine.eeh_qemu)
		pe = pcisim_eeh_pe_find(sim, buid_of(a), a->args[0]); /* the PHB's container */
	if (!pe)
		return o->why = "no such device", PCISIM_RTAS_OUT_PARAM_ERROR;
	if (a->args[7] != PCISIM_RTAS_SLOT_TEMP_ERR_LOG && a->args[7] != PCISIM_RTAS_SLOT_PERM_ERR_LOG)
		return o->why = "unknown function", PCISIM_RTAS_OUT_PARAM_ERROR;
	/* QEMU always answers 1 (no log); a platform has a log once the PE froze */
	if (!pe->freezes || pcisim_fabric_get(sim)->machine.eeh_qemu)
		return PCISIM_RTAS_OUT_NO_ERRORS_FOUND;
	return PCISIM_RTAS_OUT_SUCCESS;
}

static int32_t open_errinjct(struct pcisim_sim *sim, struct pcisim_rtas_args *a, struct call_out *o)
{
	struct pcisim_eeh_state *s = pcisim__eeh_state(sim);
	/* the RPA's misprint, which Linux follows: the token comes first, then the status */
	if (s->session_open) {
		a->rets[0] = 0;
		a->rets[1] = (uint32_t)PCISIM_RTAS_OUT_ERRINJCT_TOKEN;
		return o->why = "a session is already open", PCISIM_RTAS_OUT_ERRINJCT_TOKEN;
	}
	s->session_open = true;
	/* QEMU's series: "spapr->errinjct_token = 1"; a platform's tokens are its own */
	s->session_token = pcisim_fabric_get(sim)->machine.eeh_qemu ? 1 : ++s->next_token;
	a->rets[0] = s->session_token;
	a->rets[1] = PCISIM_RTAS_OUT_SUCCESS;
	return PCISIM_RTAS_OUT_SUCCESS;
}

static int32_t errinjct(struct pcisim_sim *sim, struct pcisim_rtas_args *a, struct call_out *o)
{
	struct pcisim_eeh_state *s = pcisim__eeh_state(sim);
	/* QEMU's series checks the open token first, and answers a wrong one with -3 */
	if (pcisim_fabric_get(sim)->machine.eeh_qemu && (!s->session_open || a->args[1] != s->session_token))
		return o->why = "QEMU: the open token is not the session's", PCISIM_RTAS_OUT_PARAM_ERROR;
	/* the 2025 QEMU series maps only the IOA bus errors to VFIO_EEH_PE_INJECT_ERR */
	if (pcisim_fabric_get(sim)->machine.eeh_qemu && a->args[0] != PCISIM_ERRINJCT_IOA_BUS_ERROR &&
	    a->args[0] != PCISIM_ERRINJCT_IOA_BUS_ERROR_64 && pcisim_errinjct_token_name(a->args[0]))
		return o->why = "QEMU: only IOA bus errors can be injected", PCISIM_RTAS_OUT_PARAM_ERROR;
	int32_t rc = pcisim__eeh_errinjct(sim, a->args[0], a->args[1], a->args[2], o->buf, sizeof(o->buf));
	o->why = o->buf;
	return rc;
}

static int32_t close_errinjct(struct pcisim_sim *sim, struct pcisim_rtas_args *a, struct call_out *o)
{
	struct pcisim_eeh_state *s = pcisim__eeh_state(sim);
	if (!s->session_open || a->args[0] != s->session_token)
		return o->why = "not the open session's token",
		       pcisim_fabric_get(sim)->machine.eeh_qemu ? PCISIM_RTAS_OUT_NOT_OPEN
								 : PCISIM_RTAS_OUT_ERRINJCT_TOKEN;
	s->session_open = false;
	return PCISIM_RTAS_OUT_SUCCESS;
}

/* QEMU's spapr_phb_eeh_available(): the PHB named by the BUID has a VFIO device. */
static bool qemu_phb_available(struct pcisim_sim *sim, uint64_t buid)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		struct pcisim_pcifn *phb = pcisim_eeh_phb_of(fn);
		if (!fn->comp.removed && phb && pcisim_eeh_is_vfio(fn) && pcisim_eeh_phb_buid(phb) == buid)
			return true;
	}
	return false;
}

struct call_def;
static bool qemu_unavailable(struct pcisim_sim *sim, const struct call_def *c, const struct pcisim_rtas_args *a);

struct call_def {
	const char *name;
	uint32_t nargs, nret, nret_alt; /* nret_alt: a second accepted count (0: none) */
	call_fn fn;
	bool status_second; /* the status is rets[1] (ibm,open-errinjct) */
};

static const struct call_def calls[] = {
	{"ibm,set-eeh-option", 4, 1, 0, set_eeh_option, false},
	{"ibm,get-config-addr-info2", 4, 2, 0, get_config_addr_info2, false},
	{"ibm,read-slot-reset-state2", 3, 4, 5, read_slot_reset_state2, false},
	{"ibm,set-slot-reset", 4, 1, 0, set_slot_reset, false},
	{"ibm,configure-pe", 3, 1, 0, configure_pe, false},
	{"ibm,slot-error-detail", 8, 1, 0, slot_error_detail, false},
	{"ibm,open-errinjct", 0, 2, 0, open_errinjct, true},
	{"ibm,errinjct", 3, 1, 0, errinjct, false},
	{"ibm,close-errinjct", 1, 1, 0, close_errinjct, false},
	{0},
};

static bool qemu_unavailable(struct pcisim_sim *sim, const struct call_def *c, const struct pcisim_rtas_args *a)
{
	if (!pcisim_fabric_get(sim)->machine.eeh_qemu || strstr(c->name, "errinjct"))
		return false; /* PAPR hardware; the session calls name no PHB */
	return !qemu_phb_available(sim, buid_of(a));
}

static const struct call_def *call_find(const char *name)
{
	for (const struct call_def *c = calls; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void record_call(struct pcisim_sim *sim, const struct call_def *c, const char *name,
			const struct pcisim_rtas_args *a, int32_t st, const char *by, const char *why)
{
	struct pcisim_comp *who = NULL;
	if (!c || st < 0 || !strcmp(name, "ibm,set-eeh-option") || !strcmp(name, "ibm,set-slot-reset") ||
	    !strcmp(name, "ibm,configure-pe") || !strcmp(name, "ibm,slot-error-detail") ||
	    !strcmp(name, "ibm,errinjct") || !strcmp(name, "ibm,close-errinjct")) {
		PCISIM_RECORD(sim, who, "rtas.call", PCISIM_FS("call", name), PCISIM_FS("by", by),
			      PCISIM_FI("status", st), PCISIM_FS("why", why ? why : ""));
		return;
	}
	if (!strcmp(name, "ibm,read-slot-reset-state2"))
		PCISIM_RECORD(sim, who, "rtas.call", PCISIM_FS("call", name), PCISIM_FS("by", by),
			      PCISIM_FI("status", st), PCISIM_FU("state", a->rets[1]),
			      PCISIM_FU("eeh_supported", a->rets[2]), PCISIM_FU("unavailable_ms", a->rets[3]));
	else if (!strcmp(name, "ibm,get-config-addr-info2"))
		PCISIM_RECORD(sim, who, "rtas.call", PCISIM_FS("call", name), PCISIM_FS("by", by),
			      PCISIM_FI("status", st), PCISIM_FX("info", a->rets[1]));
	else /* ibm,open-errinjct */
		PCISIM_RECORD(sim, who, "rtas.call", PCISIM_FS("call", name), PCISIM_FS("by", by),
			      PCISIM_FI("status", st), PCISIM_FU("token", a->rets[0]));
}

int32_t pcisim_rtas_call(struct pcisim_sim *sim, const char *name, struct pcisim_rtas_args *a,
			 const char *by)
{
	const struct call_def *c = call_find(name);
	struct call_out o = {.why = NULL};
	int32_t st;
	for (unsigned i = 0; i < PCISIM_RTAS_MAX_RETS; i++)
		a->rets[i] = 0;
	if (!c) {
		st = PCISIM_RTAS_OUT_PARAM_ERROR;
		o.why = "no such RTAS function";
	} else if (a->nargs != c->nargs || (a->nret != c->nret && (!c->nret_alt || a->nret != c->nret_alt)) ||
		   a->nargs > PCISIM_RTAS_MAX_ARGS || a->nret > PCISIM_RTAS_MAX_RETS) {
		st = PCISIM_RTAS_OUT_PARAM_ERROR;
		o.why = "wrong number of arguments or results";
		if (c->status_second && a->nret >= 2)
			a->rets[1] = (uint32_t)st;
	} else if (qemu_unavailable(sim, c, a)) {
		st = PCISIM_RTAS_OUT_PARAM_ERROR;
		o.why = "EEH is not available on this PHB (QEMU: no VFIO device)";
	} else {
		st = c->fn(sim, a, &o);
	}
	if (!c || !c->status_second)
		a->rets[0] = (uint32_t)st;
	record_call(sim, c, name, a, st, by, o.why);
	return st;
}

/* ---- the rtas.* timeline actions ---- */

/* A P_VALUE parameter as a number, or a word from @words (index), else -1 (checked at load). */
static long long pval_num(const struct pcisim_pval *v, const char *const *words, long long dflt)
{
	if (!v || !v->set)
		return dflt;
	if (v->numeric)
		return (long long)v->u;
	for (unsigned i = 0; words && words[i]; i++)
		if (words[i][0] && !strcmp(words[i], v->s))
			return i;
	return -1;
}

static const char *const option_words[] = {"disable", "enable", "thaw_mmio", "thaw_dma", NULL};
static const char *const reset_words[] = {"deactivate", "hot", "", "fundamental", NULL};
static const char *const info_words[] = {"pe_addr", "pe_mode", NULL};
static const char *const detail_words[] = {"", "temporary", "permanent", NULL};

/* What the step names: the device (id:) or an explicit config address, and the BUID. */
static void step_addr(struct pcisim_sim *sim, const struct pcisim_step *s, bool pe_addr,
		      uint32_t *addr, uint64_t *buid)
{
	*addr = 0;
	*buid = PCISIM_SPAPR_BASE_BUID;
	const struct pcisim_pval *id = pcisim_step_param(s, "id");
	if (id && id->set) {
		struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(sim), id->s);
		struct pcisim_pcifn *phb = fn ? pcisim_eeh_phb_of(fn) : NULL;
		if (phb) {
			*buid = pcisim_eeh_phb_buid(phb);
			*addr = pe_addr ? pcisim_eeh_pe_addr(pcisim_eeh_pe_of(fn)) : pcisim_eeh_config_addr(fn);
		}
	}
	const struct pcisim_pval *ca = pcisim_step_param(s, "config_addr");
	if (ca && ca->set)
		*addr = (uint32_t)ca->u;
	const struct pcisim_pval *b = pcisim_step_param(s, "buid");
	if (b && b->set)
		*buid = b->u;
}

static void set_counts(const struct pcisim_step *s, struct pcisim_rtas_args *a, uint32_t nargs,
		       uint32_t nret)
{
	const struct pcisim_pval *na = pcisim_step_param(s, "nargs"), *nr = pcisim_step_param(s, "nret");
	a->nargs = na && na->set ? (uint32_t)na->u : nargs;
	a->nret = nr && nr->set ? (uint32_t)nr->u : nret;
}

static int addr_call(struct pcisim_sim *sim, const struct pcisim_step *s, const char *name, bool pe_addr,
		     uint32_t nargs, uint32_t nret, const char *argname, const char *const *words)
{
	struct pcisim_rtas_args a = {0};
	uint32_t addr;
	uint64_t buid;
	step_addr(sim, s, pe_addr, &addr, &buid);
	set_counts(s, &a, nargs, nret);
	a.args[0] = addr;
	a.args[1] = (uint32_t)(buid >> 32);
	a.args[2] = (uint32_t)buid;
	if (argname) {
		long long v = pval_num(pcisim_step_param(s, argname), words, 0);
		if (!strcmp(name, "ibm,slot-error-detail"))
			a.args[7] = (uint32_t)v;
		else
			a.args[3] = (uint32_t)v;
	}
	return pcisim_rtas_call(sim, name, &a, "timeline") < 0 ? -1 : 0;
}

static int act_set_eeh_option(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return addr_call(sim, s, "ibm,set-eeh-option", false, 4, 1, "option", option_words);
}

static int act_get_config_addr_info2(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return addr_call(sim, s, "ibm,get-config-addr-info2", false, 4, 2, "function", info_words);
}

static int act_read_slot_reset_state2(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return addr_call(sim, s, "ibm,read-slot-reset-state2", true, 3, 4, NULL, NULL);
}

static int act_set_slot_reset(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return addr_call(sim, s, "ibm,set-slot-reset", true, 4, 1, "function", reset_words);
}

static int act_configure_pe(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return addr_call(sim, s, "ibm,configure-pe", true, 3, 1, NULL, NULL);
}

static int act_slot_error_detail(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return addr_call(sim, s, "ibm,slot-error-detail", false, 8, 1, "function", detail_words);
}

static int act_open_errinjct(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_rtas_args a = {0};
	set_counts(s, &a, 0, 2);
	return pcisim_rtas_call(sim, "ibm,open-errinjct", &a, "timeline") < 0 ? -1 : 0;
}

/* The open token a step names: token: N, or the session's own when absent. */
static uint32_t step_token(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	const struct pcisim_pval *t = pcisim_step_param(s, "token");
	if (t && t->set)
		return (uint32_t)t->u;
	struct pcisim_eeh_state *st = pcisim__eeh_state(sim);
	return st->session_open ? st->session_token : 0;
}

#define DEFAULT_WORK_BUFFER 0x10000u

static int act_errinjct(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	const struct pcisim_pval *tv = pcisim_step_param(s, "type");
	unsigned type = tv->numeric ? (unsigned)tv->u : pcisim_errinjct_token_find(tv->s);
	const struct pcisim_pval *bv = pcisim_step_param(s, "buffer");
	uint64_t buf = bv && bv->set ? bv->u : DEFAULT_WORK_BUFFER;
	/* the guest (the errinjct tool) fills the work buffer, then calls RTAS */
	struct pcisim_errinjct_ioa f = {0};
	uint32_t addr;
	step_addr(sim, s, true, &addr, &f.buid);
	f.config_addr = addr;
	const struct pcisim_pval *v;
	if ((v = pcisim_step_param(s, "addr")) && v->set)
		f.addr = v->u;
	if ((v = pcisim_step_param(s, "mask")) && v->set)
		f.mask = v->u;
	if ((v = pcisim_step_param(s, "function")) && v->set)
		f.function = v->numeric ? (uint32_t)v->u : (uint32_t)pcisim_eeh_err_func_find(v->s);
	uint8_t bytes[PCISIM_RTAS_ERRINJCT_BUF];
	pcisim_errinjct_encode(type, &f, bytes);
	pcisim_rtas_guest_write_buf(sim, buf, bytes);
	struct pcisim_rtas_args a = {0};
	set_counts(s, &a, 3, 1);
	a.args[0] = type;
	a.args[1] = step_token(sim, s);
	a.args[2] = (uint32_t)buf;
	return pcisim_rtas_call(sim, "ibm,errinjct", &a, "timeline") < 0 ? -1 : 0;
}

static int act_close_errinjct(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_rtas_args a = {0};
	set_counts(s, &a, 1, 1);
	a.args[0] = step_token(sim, s);
	return pcisim_rtas_call(sim, "ibm,close-errinjct", &a, "timeline") < 0 ? -1 : 0;
}

/* Load-time checks: words must be known; numbers pass (PAPR's answer is the test). */
static int check_word(const struct pcisim_step *s, const char *name, const char *const *words,
		      const char *what, struct pcisim_diag *d)
{
	const struct pcisim_pval *v = pcisim_step_param(s, name);
	if (!v || !v->set || v->numeric)
		return 0;
	for (unsigned i = 0; words[i]; i++)
		if (words[i][0] && !strcmp(words[i], v->s))
			return 0;
	char buf[256];
	size_t u = 0;
	buf[0] = 0;
	for (unsigned i = 0; words[i] && u < sizeof(buf); i++)
		if (words[i][0])
			u += (size_t)snprintf(buf + u, sizeof(buf) - u, "%s%s", u ? ", " : "", words[i]);
	return pcisim_diag_error(d, v->node->loc, "%s: unknown %s '%s'; expected a number or one of: %s",
				 s->def->name, what, v->s, buf);
}

static int check_option(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	return check_word(s, "option", option_words, "option", d);
}
static int check_reset(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	return check_word(s, "function", reset_words, "function", d);
}
static int check_info(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	return check_word(s, "function", info_words, "function", d);
}
static int check_detail(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	return check_word(s, "function", detail_words, "function", d);
}

static int check_errinjct(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	const struct pcisim_pval *tv = pcisim_step_param(s, "type");
	char buf[512];
	if (!tv->numeric && !pcisim_errinjct_token_find(tv->s)) {
		size_t u = 0;
		buf[0] = 0;
		for (unsigned t = 1; t <= PCISIM_ERRINJCT_NTOKENS && u < sizeof(buf); t++)
			u += (size_t)snprintf(buf + u, sizeof(buf) - u, "%s%s", u ? ", " : "",
					      pcisim_errinjct_token_name(t));
		return pcisim_diag_error(d, tv->node->loc,
					 "rtas.errinjct: unknown error type '%s'; expected a token number or one of: %s",
					 tv->s, buf);
	}
	const struct pcisim_pval *fv = pcisim_step_param(s, "function");
	if (fv && fv->set && !fv->numeric && pcisim_eeh_err_func_find(fv->s) < 0) {
		size_t u = 0;
		buf[0] = 0;
		for (unsigned f = 0; f <= PCISIM_EEH_ERR_FUNC_MAX && u < sizeof(buf); f++)
			u += (size_t)snprintf(buf + u, sizeof(buf) - u, "%s%s", u ? ", " : "",
					      pcisim_eeh_err_func_name(f));
		return pcisim_diag_error(d, fv->node->loc,
					 "rtas.errinjct: unknown function '%s'; expected a number or one of: %s",
					 fv->s, buf);
	}
	return 0;
}

#define ADDR_PARAMS                                                                                  \
	{"id", PCISIM_P_COMP, false, "the device (its configuration address and PHB's BUID)", NULL, 0, 0, NULL}, \
	{"config_addr", PCISIM_P_INT, false, "PAPR configuration address (bus << 16 | devfn << 8)", NULL, 0, 0xffffffffu, NULL}, \
	{"buid", PCISIM_P_INT, false, "the PHB's BUID (default the first PHB's)", NULL, 0, 0, "the first PHB's"},             \
	{"nargs", PCISIM_P_INT, false, "number of input arguments (default PAPR's)", NULL, 0, 16, "PAPR's"},          \
	{"nret", PCISIM_P_INT, false, "number of results", NULL, 0, 16, "PAPR's"}

static const struct pcisim_param_def option_params[] = {
	ADDR_PARAMS,
	{"option", PCISIM_P_VALUE, true, "disable (0), enable (1), thaw_mmio (2), thaw_dma (3)", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def info_params[] = {
	ADDR_PARAMS,
	{"function", PCISIM_P_VALUE, true, "pe_addr (0) or pe_mode (1)", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def pe_params[] = {
	ADDR_PARAMS,
	{0},
};
static const struct pcisim_param_def reset_params[] = {
	ADDR_PARAMS,
	{"function", PCISIM_P_VALUE, true, "deactivate (0), hot (1), fundamental (3)", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def detail_params[] = {
	ADDR_PARAMS,
	{"function", PCISIM_P_VALUE, true, "temporary (1) or permanent (2) error log", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def open_params[] = {
	{"nargs", PCISIM_P_INT, false, "number of input arguments", NULL, 0, 16, "0"},
	{"nret", PCISIM_P_INT, false, "number of results", NULL, 0, 16, "2"},
	{0},
};
static const struct pcisim_param_def errinjct_params[] = {
	ADDR_PARAMS,
	{"type", PCISIM_P_VALUE, true, "the error token: a number, or its name (ioa-bus-error, ioa-bus-error-64, ...)", NULL, 0, 0, NULL},
	{"token", PCISIM_P_INT, false, "the open token", NULL, 0, 0xffffffffu, "the open session's"},
	{"buffer", PCISIM_P_INT, false, "the work buffer's guest address", NULL, 0, 0xffffffffu, "0x10000"},
	{"addr", PCISIM_P_INT, false, "IOA bus error: the address (corrupted-page: the physical address)", NULL, 0, 0, NULL},
	{"mask", PCISIM_P_INT, false, "IOA bus error: the address mask", NULL, 0, 0, NULL},
	{"function", PCISIM_P_VALUE, false, "IOA bus error: ld_mem_addr (0) ... dma_wr_target (19)", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def close_params[] = {
	{"token", PCISIM_P_INT, false, "the open token", NULL, 0, 0xffffffffu, "the open session's"},
	{"nargs", PCISIM_P_INT, false, "number of input arguments", NULL, 0, 16, "1"},
	{"nret", PCISIM_P_INT, false, "number of results", NULL, 0, 16, "1"},
	{0},
};

const struct pcisim_action_def pcisim__rtas_actions[] = {
	{"rtas.set-eeh-option", "ibm,set-eeh-option: enable or disable EEH, thaw MMIO or DMA of a PE",
	 option_params, false, check_option, act_set_eeh_option},
	{"rtas.get-config-addr-info2", "ibm,get-config-addr-info2: a device's PE address or PE mode",
	 info_params, false, check_info, act_get_config_addr_info2},
	{"rtas.read-slot-reset-state2", "ibm,read-slot-reset-state2: a PE's state", pe_params, false, NULL,
	 act_read_slot_reset_state2},
	{"rtas.set-slot-reset", "ibm,set-slot-reset: activate a hot or fundamental reset of a PE, or deactivate it",
	 reset_params, false, check_reset, act_set_slot_reset},
	{"rtas.configure-pe", "ibm,configure-pe: configure the bridges of a PE after its reset", pe_params,
	 false, NULL, act_configure_pe},
	{"rtas.slot-error-detail", "ibm,slot-error-detail: a PE's temporary or permanent error log",
	 detail_params, false, check_detail, act_slot_error_detail},
	{"rtas.open-errinjct", "ibm,open-errinjct: open the error-injection session (its token)", open_params,
	 false, NULL, act_open_errinjct},
	{"rtas.errinjct", "ibm,errinjct: inject an error (the work buffer filled from the step's fields)",
	 errinjct_params, false, check_errinjct, act_errinjct},
	{"rtas.close-errinjct", "ibm,close-errinjct: close the error-injection session", close_params, false,
	 NULL, act_close_errinjct},
	{0},
};
