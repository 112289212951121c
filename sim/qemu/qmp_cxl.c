/*
 * QEMU's CXL fault-injection QMP commands (qapi/cxl.json) as timeline actions, with
 * QMP's argument names:
 *
 *   cxl-inject-poison               path, start, length                         (8.1)
 *   cxl-inject-uncorrectable-errors path, errors: [{type, header: [u32...]}]    (8.0)
 *   cxl-inject-correctable-error    path, type                                  (8.0)
 *   cxl-inject-general-media-event  path, log, flags, dpa, descriptor, type,
 *                                   transaction-type, [channel, rank, device,
 *                                   component-id]                               (8.1)
 *   cxl-inject-dram-event           ... [channel, rank, nibble-mask, bank-group,
 *                                   bank, row, column, correction-mask]         (8.1)
 *   cxl-inject-memory-module-event  path, log, flags, type, health-status,
 *                                   media-status, additional-status, life-used,
 *                                   temperature, dirty-shutdown-count,
 *                                   corrected-volatile-error-count,
 *                                   corrected-persistent-error-count            (8.1)
 *
 * path is a QOM path (/machine/peripheral/ID) or the device's id. On a QEMU that
 * lacks the command the monitor answers CommandNotFound ("The command X has not been
 * found") and nothing changes; an unknown path or one that is not a cxl-type3 gets
 * QEMU's texts. These are QEMU's own refusals: logged at run time, not input errors.
 * A malformed argument (a type QAPI does not know, a header longer than 32 DWORDs, a
 * temperature out of int16) is an input error at load, with its location.
 *
 * The hot-unplug guide's spellings are accepted as aliases, the way
 * pcie_aer_inject_error's are: cxl-inject-uncorrectable-error (one error: path, type,
 * header) and cxl-inject-poison with args: "START LENGTH" (its HMP-style form). The
 * record says which spelling was used.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/cxl/events.h"
#include "sim/cxl/memdev.h"
#include "sim/pcie/fabric.h"
#include "sim/qemu/machine.h"
#include "sim/core/heap.h"

#define QOM_PERIPHERAL "/machine/peripheral/"

static const char *const uncor_choices[] = {
	"cache-data-parity", "cache-address-parity", "cache-be-parity", "cache-data-ecc",
	"mem-data-parity", "mem-address-parity", "mem-be-parity", "mem-data-ecc",
	"reinit-threshold", "rsvd-encoding", "poison-received", "receiver-overflow",
	"internal", "cxl-ide-tx", "cxl-ide-rx", NULL,
};
static const char *const cor_choices[] = {
	"cache-data-ecc", "mem-data-ecc", "crc-threshold", "retry-threshold",
	"cache-poison-received", "mem-poison-received", "physical", NULL,
};
static const char *const log_choices[] = {"informational", "warning", "failure", "fatal", NULL};

static unsigned uncor_bit(const char *name)
{
	for (unsigned i = 0; i < 17; i++)
		if (pcisim_cxl_uncor_names[i] && !strcmp(pcisim_cxl_uncor_names[i], name))
			return i;
	return 17;
}

/* ---- what every command does first ---- */

static bool command_exists(struct pcisim_sim *sim, const char *name, unsigned needs)
{
	if (pcisim_fabric_get(sim)->machine.compat & needs)
		return true;
	pcisim_log(sim, NULL, "qemu", "Error: The command %s has not been found", name);
	PCISIM_RECORD(sim, NULL, "cxl.inject", PCISIM_FS("command", name), PCISIM_FS("error", "CommandNotFound"));
	return false;
}

/* object_resolve_path() and the TYPE_CXL_TYPE3 check */
static struct pcisim_pcifn *resolve(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	const char *path = pcisim_step_param(s, "path")->s;
	const char *id = strncmp(path, QOM_PERIPHERAL, strlen(QOM_PERIPHERAL)) ? path : path + strlen(QOM_PERIPHERAL);
	struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(sim), id);
	if (!fn || fn->comp.removed) {
		pcisim_log(sim, NULL, "qemu", "Error: Unable to resolve path");
		return NULL;
	}
	if (strcmp(fn->drv->name, "cxl-type3")) {
		pcisim_log(sim, &fn->comp, "qemu", "Error: Path does not point to a CXL type 3 device");
		return NULL;
	}
	return fn;
}

static uint64_t u(const struct pcisim_step *s, const char *name)
{
	return pcisim_step_param(s, name)->u;
}

static bool given(const struct pcisim_step *s, const char *name)
{
	const struct pcisim_pval *v = pcisim_step_param(s, name);
	return v && v->set;
}

static int failed(struct pcisim_sim *sim, struct pcisim_pcifn *fn, const char *cmd, const char *err)
{
	pcisim_log(sim, &fn->comp, "qemu", "Error: %s", err);
	PCISIM_RECORD(sim, &fn->comp, "cxl.inject", PCISIM_FS("command", cmd), PCISIM_FS("error", err));
	return -1;
}

/* ---- cxl-inject-poison ---- */

static int parse_u64(const char *w, uint64_t *v)
{
	char *e = NULL;
	errno = 0;
	*v = strtoull(w, &e, 0);
	return *w && e && !*e && !errno && *w != '-' ? 0 : -1;
}

/* the HMP-style args: "START LENGTH" */
static int poison_args(const struct pcisim_step *s, uint64_t *start, uint64_t *len, struct pcisim_diag *d)
{
	const struct pcisim_pval *a = pcisim_step_param(s, "args");
	if (!a->set) {
		*start = u(s, "start");
		*len = u(s, "length");
		if (d && (!given(s, "start") || !given(s, "length")))
			return pcisim_diag_error(d, s->loc,
						 "cxl-inject-poison needs start and length (bytes, multiples of 64), or args: \"START LENGTH\"");
		return 0;
	}
	char buf[128], *w1, *w2, *rest;
	snprintf(buf, sizeof(buf), "%s", a->s);
	w1 = strtok_r(buf, " \t", &rest);
	w2 = w1 ? strtok_r(NULL, " \t", &rest) : NULL;
	if (!w1 || !w2 || strtok_r(NULL, " \t", &rest) || parse_u64(w1, start) || parse_u64(w2, len)) {
		if (d)
			return pcisim_diag_error(d, a->node->loc,
						 "cxl-inject-poison args must be \"START LENGTH\" (two numbers, e.g. \"0x0 0x40\"), not \"%s\"",
						 a->s);
		return -1;
	}
	if (d && (given(s, "start") || given(s, "length")))
		return pcisim_diag_error(d, a->node->loc, "cxl-inject-poison takes args or start/length, not both");
	return 0;
}

static int check_poison(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	uint64_t a, b;
	return poison_args(s, &a, &b, d);
}

static int run_poison(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	const char *cmd = "cxl-inject-poison";
	if (!command_exists(sim, cmd, PCISIM_QEMU_CXL_POISON))
		return -1;
	struct pcisim_pcifn *fn = resolve(sim, s);
	uint64_t start = 0, len = 0;
	if (!fn || poison_args(s, &start, &len, NULL))
		return -1;
	char err[160];
	if (pcisim_cxl_qmp_inject_poison(fn, start, len, err, sizeof(err)))
		return failed(sim, fn, cmd, err);
	PCISIM_RECORD(sim, &fn->comp, "cxl.inject", PCISIM_FS("command", cmd), PCISIM_FX("start", start),
		      PCISIM_FX("length", len), PCISIM_FU("entries", pcisim_cxl_poison_count(fn)),
		      PCISIM_FS("given", pcisim_step_param(s, "args")->set ? "args" : "-"));
	return 0;
}

/* ---- RAS ---- */

/* One QMP CXLUncorErrorRecord from a YAML map {type, header: [...]}. */
static int uncor_record(const struct pcisim_ynode *n, struct pcisim_cxl_uncor_err *e, struct pcisim_diag *d)
{
	static const char *const keys[] = {"type", "header", NULL};
	memset(e, 0, sizeof(*e));
	if (pcisim_yexpect(n, PCISIM_Y_MAP, "an error ({type: mem-data-ecc, header: [0x1, ...]})", d) ||
	    pcisim_ymap_check_keys(n, "error", keys, d))
		return -1;
	const struct pcisim_ynode *t = pcisim_ymap_get(n, "type"), *h = pcisim_ymap_get(n, "header");
	if (!t)
		return pcisim_diag_error(d, n->loc, "an error needs type: one of CxlUncorErrorType");
	unsigned idx;
	if (pcisim_yget_choice(t, "type", uncor_choices, &idx, d))
		return -1;
	e->type = uncor_bit(uncor_choices[idx]);
	if (!h)
		return 0;
	if (pcisim_yexpect(h, PCISIM_Y_SEQ, "header: a list of 32-bit values", d))
		return -1;
	if (h->n > CXL_RAS_HEADER_DWORDS_QMP)
		return pcisim_diag_error(d, h->loc, "Header must be 32 DWORD or less (%zu given)", h->n);
	for (size_t i = 0; i < h->n; i++) {
		uint64_t v;
		if (pcisim_yget_u64(h->vals[i], "header DWORD", 0, UINT32_MAX, &v, d))
			return -1;
		e->header[i] = (uint32_t)v;
	}
	e->nheader = (unsigned)h->n;
	return 0;
}

static int uncor_list(const struct pcisim_step *s, struct pcisim_cxl_uncor_err *out, unsigned max,
		      unsigned *n, struct pcisim_diag *d)
{
	const struct pcisim_pval *v = pcisim_step_param(s, "errors");
	*n = 0;
	if (pcisim_yexpect(v->node, PCISIM_Y_SEQ, "errors: a list of {type, header}", d))
		return -1;
	if (v->node->n > max)
		return pcisim_diag_error(d, v->node->loc, "at most %u errors in one command", max);
	for (size_t i = 0; i < v->node->n; i++)
		if (uncor_record(v->node->vals[i], &out[(*n)++], d))
			return -1;
	return 0;
}

static struct pcisim_diag *quiet(FILE **f, char **buf, size_t *len, struct pcisim_diag *d)
{
	*f = open_memstream(buf, len);
	pcisim_diag_init(d, *f);
	return d;
}

static int check_uncor(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	struct pcisim_cxl_uncor_err e[16];
	unsigned n;
	return uncor_list(s, e, 16, &n, d);
}

static int inject_uncor(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_cxl_uncor_err *e,
			unsigned n, const char *given_as)
{
	const char *cmd = "cxl-inject-uncorrectable-errors";
	if (!command_exists(sim, given_as, PCISIM_QEMU_CXL_RAS_INJECT))
		return -1;
	struct pcisim_pcifn *fn = resolve(sim, s);
	if (!fn)
		return -1;
	char err[160];
	if (pcisim_cxl_qmp_inject_uncor(fn, e, n, err, sizeof(err)))
		return failed(sim, fn, cmd, err);
	PCISIM_RECORD(sim, &fn->comp, "cxl.inject", PCISIM_FS("command", cmd), PCISIM_FU("errors", n),
		      PCISIM_FS("type", n ? pcisim_cxl_uncor_names[e[0].type] : "-"),
		      PCISIM_FS("given", strcmp(given_as, cmd) ? given_as : "-"));
	return 0;
}

static int run_uncor(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_cxl_uncor_err e[16];
	unsigned n;
	FILE *f;
	char *buf = NULL;
	size_t len = 0;
	struct pcisim_diag d;
	int rc = uncor_list(s, e, 16, &n, quiet(&f, &buf, &len, &d));
	fclose(f);
	pcisim_free(buf);
	return rc ? -1 : inject_uncor(sim, s, e, n, "cxl-inject-uncorrectable-errors");
}

/* the guide's cxl-inject-uncorrectable-error: one error */
static int run_uncor_alias(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_cxl_uncor_err e;
	memset(&e, 0, sizeof(e));
	e.type = uncor_bit(uncor_choices[u(s, "type")]);
	const struct pcisim_pval *h = pcisim_step_param(s, "header");
	if (h->set) {
		FILE *f;
		char *buf = NULL;
		size_t len = 0;
		struct pcisim_diag d;
		quiet(&f, &buf, &len, &d);
		for (size_t i = 0; i < h->node->n && i < CXL_RAS_HEADER_DWORDS_QMP; i++) {
			uint64_t v = 0;
			pcisim_yget_u64(h->node->vals[i], "header DWORD", 0, UINT32_MAX, &v, &d);
			e.header[e.nheader++] = (uint32_t)v;
		}
		fclose(f);
		pcisim_free(buf);
	}
	pcisim_log(sim, NULL, "pcisim",
		   "cxl-inject-uncorrectable-error is not a QEMU command; taken as cxl-inject-uncorrectable-errors");
	return inject_uncor(sim, s, &e, 1, "cxl-inject-uncorrectable-error");
}

static int check_uncor_alias(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	const struct pcisim_pval *h = pcisim_step_param(s, "header");
	if (!h->set)
		return 0;
	if (pcisim_yexpect(h->node, PCISIM_Y_SEQ, "header: a list of 32-bit values", d))
		return -1;
	if (h->node->n > CXL_RAS_HEADER_DWORDS_QMP)
		return pcisim_diag_error(d, h->node->loc, "Header must be 32 DWORD or less (%zu given)", h->node->n);
	for (size_t i = 0; i < h->node->n; i++) {
		uint64_t v;
		if (pcisim_yget_u64(h->node->vals[i], "header DWORD", 0, UINT32_MAX, &v, d))
			return -1;
	}
	return 0;
}

static int run_cor(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	const char *cmd = "cxl-inject-correctable-error";
	if (!command_exists(sim, cmd, PCISIM_QEMU_CXL_RAS_INJECT))
		return -1;
	struct pcisim_pcifn *fn = resolve(sim, s);
	if (!fn)
		return -1;
	char err[160];
	unsigned type = (unsigned)u(s, "type");
	if (pcisim_cxl_qmp_inject_cor(fn, type, err, sizeof(err)))
		return failed(sim, fn, cmd, err);
	PCISIM_RECORD(sim, &fn->comp, "cxl.inject", PCISIM_FS("command", cmd), PCISIM_FS("type", cor_choices[type]));
	return 0;
}

/* ---- events ---- */

static int parse_temperature(const struct pcisim_step *s, int16_t *out, struct pcisim_diag *d)
{
	const struct pcisim_pval *v = pcisim_step_param(s, "temperature");
	char *e = NULL;
	errno = 0;
	long long t = strtoll(v->s, &e, 0);
	if (!*v->s || !e || *e || errno || t < INT16_MIN || t > INT16_MAX) {
		if (d)
			return pcisim_diag_error(d, v->node->loc,
						 "temperature must be an integer from -32768 to 32767 (int16), not '%s'", v->s);
		return -1;
	}
	*out = (int16_t)t;
	return 0;
}

static int check_correction_mask(const struct pcisim_step *s, uint64_t *out, unsigned *n, struct pcisim_diag *d)
{
	const struct pcisim_pval *v = pcisim_step_param(s, "correction-mask");
	*n = 0;
	if (!v || !v->set)
		return 0;
	if (pcisim_yexpect(v->node, PCISIM_Y_SEQ, "correction-mask: a list of up to 4 64-bit values", d))
		return -1;
	for (size_t i = 0; i < v->node->n; i++) {
		uint64_t x;
		if (pcisim_yget_u64(v->node->vals[i], "correction-mask value", 0, UINT64_MAX, &x, d))
			return -1;
		if (i < 4)
			out[(*n)++] = x;
	}
	return 0;
}

static int check_event(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	int16_t t;
	uint64_t m[4];
	unsigned n;
	if (given(s, "temperature") && parse_temperature(s, &t, d))
		return -1;
	return check_correction_mask(s, m, &n, d);
}

static int run_event(struct pcisim_sim *sim, const struct pcisim_step *s, enum pcisim_cxl_event_kind kind,
		     const char *cmd)
{
	if (!command_exists(sim, cmd, PCISIM_QEMU_CXL_EVENTS))
		return -1;
	struct pcisim_pcifn *fn = resolve(sim, s);
	if (!fn)
		return -1;
	struct pcisim_cxl_event_fields f;
	memset(&f, 0, sizeof(f));
	f.flags = (uint8_t)u(s, "flags");
	f.type = (uint8_t)u(s, "type");
	if (kind == PCISIM_CXL_EV_MEMORY_MODULE) {
		f.health_status = (uint8_t)u(s, "health-status");
		f.media_status = (uint8_t)u(s, "media-status");
		f.additional_status = (uint8_t)u(s, "additional-status");
		f.life_used = (uint8_t)u(s, "life-used");
		if (parse_temperature(s, &f.temperature, NULL))
			return -1;
		f.dirty_shutdown_count = (uint32_t)u(s, "dirty-shutdown-count");
		f.corrected_volatile_error_count = (uint32_t)u(s, "corrected-volatile-error-count");
		f.corrected_persistent_error_count = (uint32_t)u(s, "corrected-persistent-error-count");
	} else {
		f.dpa = u(s, "dpa");
		f.descriptor = (uint8_t)u(s, "descriptor");
		f.transaction_type = (uint8_t)u(s, "transaction-type");
		if ((f.has_channel = given(s, "channel")))
			f.channel = (uint8_t)u(s, "channel");
		if ((f.has_rank = given(s, "rank")))
			f.rank = (uint8_t)u(s, "rank");
		if (kind == PCISIM_CXL_EV_GEN_MEDIA) {
			if ((f.has_device = given(s, "device")))
				f.device = (uint32_t)u(s, "device");
			if (given(s, "component-id"))
				f.component_id = pcisim_step_param(s, "component-id")->s;
		} else {
			if ((f.has_nibble_mask = given(s, "nibble-mask")))
				f.nibble_mask = (uint32_t)u(s, "nibble-mask");
			if ((f.has_bank_group = given(s, "bank-group")))
				f.bank_group = (uint8_t)u(s, "bank-group");
			if ((f.has_bank = given(s, "bank")))
				f.bank = (uint8_t)u(s, "bank");
			if ((f.has_row = given(s, "row")))
				f.row = (uint32_t)u(s, "row");
			if ((f.has_column = given(s, "column")))
				f.column = (uint16_t)u(s, "column");
			if ((f.has_correction_mask = given(s, "correction-mask")) &&
			    check_correction_mask(s, f.correction_mask, &f.ncorrection_mask, NULL))
				return -1;
		}
	}
	uint8_t rec[PCISIM_CXL_EVENT_RECORD];
	pcisim_cxl_event_record(kind, &f, rec);
	unsigned log = (unsigned)u(s, "log");
	bool irq = pcisim_cxl_event_add(fn, log, rec);
	PCISIM_RECORD(sim, &fn->comp, "cxl.inject", PCISIM_FS("command", cmd), PCISIM_FS("log", log_choices[log]),
		      PCISIM_FU("records", pcisim_cxl_event_count(fn, log)), PCISIM_FB("first", irq));
	return 0;
}

static int run_gen_media(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return run_event(sim, s, PCISIM_CXL_EV_GEN_MEDIA, "cxl-inject-general-media-event");
}
static int run_dram(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return run_event(sim, s, PCISIM_CXL_EV_DRAM, "cxl-inject-dram-event");
}
static int run_memory_module(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return run_event(sim, s, PCISIM_CXL_EV_MEMORY_MODULE, "cxl-inject-memory-module-event");
}

/* ---- the tables ---- */

#define PATH {"path", PCISIM_P_STR, true, "the cxl-type3 device: its QOM path (/machine/peripheral/ID) or id", NULL, 0, 0, NULL}
#define U8(n, req, h) {n, PCISIM_P_INT, req, h, NULL, 0, 0xff, NULL}
#define LOG {"log", PCISIM_P_CHOICE, true, "the event log (CxlEventLog)", log_choices, 0, 0, NULL}
#define MEDIA_COMMON                                                                      \
	PATH, LOG, U8("flags", true, "event record flags (header byte)"),                 \
		{"dpa", PCISIM_P_INT, true, "device physical address", NULL, 0, 0, NULL},      \
		U8("descriptor", true, "memory event descriptor"), U8("type", true, "memory event type"), \
		U8("transaction-type", true, "transaction type"), U8("channel", false, "channel"),    \
		U8("rank", false, "rank")

static const struct pcisim_param_def poison_params[] = {
	PATH,
	{"start", PCISIM_P_INT, false, "DPA of the first poisoned byte (64-byte aligned)", NULL, 0, 0, NULL},
	{"length", PCISIM_P_INT, false, "bytes (a multiple of 64)", NULL, 0, 0, NULL},
	{"args", PCISIM_P_STR, false, "the guide's form instead: \"START LENGTH\"", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def uncor_params[] = {
	PATH,
	{"errors", PCISIM_P_NODE, true, "list of {type: CxlUncorErrorType, header: [up to 32 DWORDs]}", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def uncor_alias_params[] = {
	PATH,
	{"type", PCISIM_P_CHOICE, true, "CxlUncorErrorType", uncor_choices, 0, 0, NULL},
	{"header", PCISIM_P_NODE, false, "up to 32 DWORDs for the header log", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def cor_params[] = {
	PATH,
	{"type", PCISIM_P_CHOICE, true, "CxlCorErrorType", cor_choices, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def gen_media_params[] = {
	MEDIA_COMMON,
	{"device", PCISIM_P_INT, false, "device (24 bits)", NULL, 0, 0xffffff, NULL},
	{"component-id", PCISIM_P_STR, false, "component id (up to 15 characters kept)", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def dram_params[] = {
	MEDIA_COMMON,
	{"nibble-mask", PCISIM_P_INT, false, "nibble mask (24 bits)", NULL, 0, 0xffffff, NULL},
	U8("bank-group", false, "bank group"),
	U8("bank", false, "bank"),
	{"row", PCISIM_P_INT, false, "row (24 bits)", NULL, 0, 0xffffff, NULL},
	{"column", PCISIM_P_INT, false, "column", NULL, 0, 0xffff, NULL},
	{"correction-mask", PCISIM_P_NODE, false, "up to 4 64-bit correction masks", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def mm_params[] = {
	PATH, LOG,
	U8("flags", true, "event record flags (header byte)"),
	U8("type", true, "device event type"),
	U8("health-status", true, "health status"),
	U8("media-status", true, "media status"),
	U8("additional-status", true, "additional status"),
	U8("life-used", true, "life used (percent)"),
	{"temperature", PCISIM_P_STR, true, "device temperature (int16, degrees C)", NULL, 0, 0, NULL},
	{"dirty-shutdown-count", PCISIM_P_INT, true, "dirty shutdown count", NULL, 0, 0xffffffff, NULL},
	{"corrected-volatile-error-count", PCISIM_P_INT, true, "corrected volatile error count", NULL, 0, 0xffffffff, NULL},
	{"corrected-persistent-error-count", PCISIM_P_INT, true, "corrected persistent error count", NULL, 0, 0xffffffff, NULL},
	{0},
};

static const struct pcisim_action_def actions[] = {
	{"cxl-inject-poison", "QMP cxl-inject-poison (8.1): add a range to a type 3 device's poison list",
	 poison_params, false, check_poison, run_poison},
	{"cxl-inject-uncorrectable-errors",
	 "QMP cxl-inject-uncorrectable-errors (8.0): RAS uncorrectable errors with header logs, then AER Uncorrectable Internal Error",
	 uncor_params, false, check_uncor, run_uncor},
	{"cxl-inject-uncorrectable-error",
	 "the hot-unplug guide's spelling of cxl-inject-uncorrectable-errors, for one error",
	 uncor_alias_params, false, check_uncor_alias, run_uncor_alias},
	{"cxl-inject-correctable-error",
	 "QMP cxl-inject-correctable-error (8.0): a RAS correctable error, then AER Corrected Internal Error",
	 cor_params, false, NULL, run_cor},
	{"cxl-inject-general-media-event", "QMP cxl-inject-general-media-event (8.1): a General Media event record",
	 gen_media_params, false, check_event, run_gen_media},
	{"cxl-inject-dram-event", "QMP cxl-inject-dram-event (8.1): a DRAM event record", dram_params, false,
	 check_event, run_dram},
	{"cxl-inject-memory-module-event", "QMP cxl-inject-memory-module-event (8.1): a Memory Module event record",
	 mm_params, false, check_event, run_memory_module},
	{0},
};

static const struct pcisim_record_kind kinds[] = {
	{"cxl.inject", "a cxl-inject-* command ran (command; error = QEMU's refusal; the command's own fields)"},
	{0},
};

void pcisim_qmp_cxl_register(void)
{
	pcisim_actions_add(actions);
	pcisim_record_kinds_add(kinds);
}
