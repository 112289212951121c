/*
 * The pcie_aer_inject_error monitor command as a timeline action, with QEMU's HMP
 * syntax (hmp-commands.hx):
 *
 *   pcie_aer_inject_error [-a] [-c] id error [header0 header1 header2 header3
 *                                             [prefix0 prefix1 prefix2 prefix3]]
 *
 * In YAML either as keys
 *   {do: pcie_aer_inject_error, id: nic0, error: POISON_TLP, advisory: on,
 *    correctable: on, header: [0x40000001, 0x0000000f, 0xfee00000, 0], prefix: [...]}
 * or as one HMP string
 *   {do: pcie_aer_inject_error, args: "-c rp1 RCVR"}
 *
 * error is one of QEMU's names (pcisim_aer_names) or a raw status value (which -c
 * makes correctable). The CXL hot-unplug guide's spellings are accepted as aliases:
 * COR_X / UNCOR_X names (COR_INTERNAL, UNCOR_POISON_TLP, UNCOR_FLOW_CTRL, ...), its
 * -u flag (uncorrectable: QEMU's default, nothing to do) and -f flag (QEMU has none:
 * the Uncorrectable Error Severity register decides, as in QEMU), and its
 * "id=X,error=Y" form. The "aer.inject" record names the canonical QEMU name and the
 * spelling that was used.
 *
 * What the scenario can know is wrong is an error when it is checked, before it
 * runs: an unknown error name, an id that names no device of the topology (nor one a
 * step adds), a device that is not PCI Express. A step that means to show QEMU's
 * own refusal says so with expect_error: true; it is not checked, and the command
 * logs the monitor's error as QEMU prints it (tests/qemu-diff compares these texts).
 * A command that fails only at run time (the device was removed, a raw status value
 * the device refuses) logs QEMU's monitor error either way.
 *
 * pcisim's own keys: repeat (run the command N times) and every (the time between
 * runs), what a shell loop around the monitor does in the guide; each run is
 * another command with its own records.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/pcie/aer.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/qemu/machine.h"
#include "sim/core/heap.h"

#define MAX_TOK 16

struct req {
	const char *id;
	const char *error;
	bool a, c, u, f;
	unsigned nheader, nprefix;
	uint32_t header[4], prefix[4];
	char buf[512]; /* the HMP string's words live here */
};

static bool parse_u32(const char *s, uint32_t *out)
{
	char *e = NULL;
	errno = 0;
	unsigned long long v = strtoull(s, &e, 0);
	if (!*s || !e || *e || errno || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Split an HMP command line; returns 0 or a message in @msg. */
static int parse_hmp(struct req *r, const char *args, char *msg, size_t n)
{
	snprintf(r->buf, sizeof(r->buf), "%s", args);
	char *words[MAX_TOK];
	unsigned nw = 0;
	for (char *t = strtok(r->buf, " \t\n"); t; t = strtok(NULL, " \t\n")) {
		if (nw == MAX_TOK) {
			snprintf(msg, n, "too many words (at most: flags, id, error, 4 header and 4 prefix values)");
			return -1;
		}
		words[nw++] = t;
	}
	unsigned pos = 0;
	for (unsigned i = 0; i < nw; i++) {
		char *w = words[i];
		if (w[0] == '-' && w[1] && !(w[1] >= '0' && w[1] <= '9')) {
			for (char *f = w + 1; *f; f++) {
				switch (*f) {
				case 'a': r->a = true; break;
				case 'c': r->c = true; break;
				case 'u': r->u = true; break;
				case 'f': r->f = true; break;
				default:
					snprintf(msg, n, "unknown flag '-%c' in '%s'; QEMU's flags are -a (advisory non-fatal) and -c (correctable); -u and -f (the hot-unplug guide's) are accepted",
						 *f, w);
					return -1;
				}
			}
			continue;
		}
		if (strchr(w, '=')) {
			/* the guide's "id=X,error=Y" */
			for (char *kv = strtok(w, ","); kv; kv = strtok(NULL, ",")) {
				char *eq = strchr(kv, '=');
				if (!eq) {
					snprintf(msg, n, "'%s' is not key=value", kv);
					return -1;
				}
				*eq = 0;
				if (!strcmp(kv, "id"))
					r->id = eq + 1;
				else if (!strcmp(kv, "error") || !strcmp(kv, "error_status"))
					r->error = eq + 1;
				else {
					snprintf(msg, n, "unknown key '%s'; valid keys: id, error", kv);
					return -1;
				}
			}
			/* later words continue after id and error */
			pos = pos < 2 ? 2 : pos;
			continue;
		}
		if (pos == 0 && !r->id) {
			r->id = w;
		} else if (pos <= 1 && !r->error) {
			r->error = w;
			pos = 1;
		} else {
			unsigned k = pos < 2 ? 0 : pos - 2;
			uint32_t v;
			if (!parse_u32(w, &v)) {
				snprintf(msg, n, "'%s' is not a 32-bit number (header and prefix values are)", w);
				return -1;
			}
			if (k < 4)
				r->header[r->nheader++] = v;
			else if (k < 8)
				r->prefix[r->nprefix++] = v;
			else {
				snprintf(msg, n, "too many values after the error: 4 header and 4 prefix values at most");
				return -1;
			}
		}
		pos++;
	}
	if (!r->id || !r->error) {
		snprintf(msg, n, "expected '[-a] [-c] id error [header0..3 [prefix0..3]]'");
		return -1;
	}
	return 0;
}

static int parse_list(const struct pcisim_pval *v, uint32_t *out, unsigned *n, const char *what,
		      struct pcisim_diag *d)
{
	*n = 0;
	if (!v || !v->set)
		return 0;
	const struct pcisim_ynode *node = v->node;
	if (node->kind != PCISIM_Y_SEQ || node->n > 4)
		return pcisim_diag_error(d, node->loc, "'%s': expected a list of up to 4 32-bit values, e.g. [0x40000001, 0xf, 0xfee00000, 0]",
					 what);
	for (size_t i = 0; i < node->n; i++) {
		uint64_t x;
		int rc = pcisim_yget_u64(node->vals[i], what, 0, UINT32_MAX, &x, d);
		if (rc)
			return rc;
		out[(*n)++] = (uint32_t)x;
	}
	return 0;
}

/* The request from a step; errors are located diags. */
static int get_req(const struct pcisim_step *s, struct req *r, struct pcisim_diag *d)
{
	memset(r, 0, sizeof(*r));
	const struct pcisim_pval *args = pcisim_step_param(s, "args");
	const char *const keys[] = {"id", "error", "advisory", "correctable", "header", "prefix"};
	if (args && args->set) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			const struct pcisim_pval *v = pcisim_step_param(s, keys[i]);
			if (v && v->set)
				return pcisim_diag_error(d, v->node->loc,
							 "'args' (the HMP command line) stands alone: give '%s' inside it or drop 'args'",
							 keys[i]);
		}
		char msg[256];
		if (parse_hmp(r, args->s, msg, sizeof(msg)))
			return pcisim_diag_error(d, args->node->loc, "pcie_aer_inject_error '%s': %s", args->s, msg);
		if (r->nprefix && r->nheader < 4)
			return pcisim_diag_error(d, args->node->loc, "pcie_aer_inject_error: prefix values need all 4 header values first");
		return 0;
	}
	const struct pcisim_pval *id = pcisim_step_param(s, "id"), *err = pcisim_step_param(s, "error");
	if (!id->set || !err->set)
		return pcisim_diag_error(d, s->loc, "pcie_aer_inject_error needs 'id' and 'error' (or 'args' with the HMP command line)");
	r->id = id->s;
	r->error = err->s;
	r->a = pcisim_step_param(s, "advisory")->set && pcisim_step_param(s, "advisory")->u;
	r->c = pcisim_step_param(s, "correctable")->set && pcisim_step_param(s, "correctable")->u;
	int rc;
	if ((rc = parse_list(pcisim_step_param(s, "header"), r->header, &r->nheader, "header", d)) ||
	    (rc = parse_list(pcisim_step_param(s, "prefix"), r->prefix, &r->nprefix, "prefix", d)))
		return rc;
	return 0;
}

static int names_list(char *buf, size_t n)
{
	size_t u = 0;
	for (const struct pcisim_aer_name *e = pcisim_aer_names; e->name && u < n; e++)
		u += (size_t)snprintf(buf + u, n - u, "%s%s", u ? ", " : "", e->name);
	return 0;
}

static bool is_pcie(struct pcisim_pcifn *fn)
{
	return fn->drv->pcie && pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_EXP);
}

/* The PCI Express devices of the machine, for messages: "rp1, ep, ...". */
static void pcie_ids(struct pcisim_fabric *fab, char *buf, size_t n)
{
	const char **names = pcisim_calloc(fab->nfns + 1, sizeof(*names));
	if (!names)
		abort();
	size_t k = 0;
	for (uint32_t i = 0; i < fab->nfns; i++)
		if (!fab->fns[i]->comp.removed && is_pcie(fab->fns[i]))
			names[k++] = fab->fns[i]->comp.name;
	pcisim_choices(buf, n, names);
	pcisim_free(names);
	if (!k)
		snprintf(buf, n, "none (the topology has no PCI Express device)");
}

static const char expect_hint[] =
	"to reproduce QEMU's monitor error instead, add 'expect_error: true' to the step";

static int check(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	struct req r;
	int rc = get_req(s, &r, d);
	if (rc)
		return rc;
	const struct pcisim_pval *args = pcisim_step_param(s, "args");
	bool hmp = args->set;
	const struct pcisim_ynode *idn = hmp ? args->node : pcisim_step_param(s, "id")->node;
	const struct pcisim_ynode *errn = hmp ? args->node : pcisim_step_param(s, "error")->node;
	if (!r.id[0])
		return pcisim_diag_error(d, idn->loc,
					 "'id' must not be empty; expected the id of a PCI Express device");
	const struct pcisim_pval *xe = pcisim_step_param(s, "expect_error");
	if (xe->set && xe->u)
		return 0; /* QEMU's monitor decides, and its answer is logged */
	uint32_t v;
	if (!pcisim_aer_name_find(r.error, NULL) && !parse_u32(r.error, &v)) {
		char names[1024];
		names_list(names, sizeof(names));
		return pcisim_diag_error(d, errn->loc,
					 "unknown error '%s'; valid choices: %s, a raw status value (e.g. 0x1000), or the hot-unplug guide's COR_X/UNCOR_X spellings of these",
					 r.error, names);
	}
	/*
	 * The device: a PCI Express one of the topology, or one a step adds (device_add
	 * with this id: what it is, and whether it is still there, shows when it runs).
	 */
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	struct pcisim_pcifn *fn = pcisim_fabric_find_fn(fab, r.id);
	if ((fn && is_pcie(fn)) || pcisim_scenario_creates(pcisim_sim_scenario(sim), r.id))
		return 0;
	char ids[1024];
	pcie_ids(fab, ids, sizeof(ids));
	if (!fn)
		return pcisim_diag_error(d, idn->loc,
					 "pcie_aer_inject_error: no device '%s'; valid choices (the PCI Express devices): %s; %s",
					 r.id, ids, expect_hint);
	return pcisim_diag_error(d, idn->loc,
				 "pcie_aer_inject_error: '%s' (%s) is not a PCI Express device; valid choices: %s; %s",
				 r.id, fn->drv->name, ids, expect_hint);
}

static void monitor_error(struct pcisim_sim *sim, unsigned compat, const char *new_text,
			  const char *old_text)
{
	/* Later QEMU reworded the command's errors (sim/qemu/compat.c). */
	if (compat & PCISIM_QEMU_HMP_ERROR_PREFIX)
		pcisim_log(sim, NULL, "qemu", "Error: %s", new_text);
	else
		pcisim_log(sim, NULL, "qemu", "%s", old_text);
}

static int run_once(struct pcisim_sim *sim, const struct pcisim_step *s);

static void repeat_ev(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(repeat_kind, "aer.inject_repeat", repeat_ev);

static void schedule_next(struct pcisim_sim *sim, const struct pcisim_step *s, uint64_t left)
{
	if (!left)
		return;
	const struct pcisim_pval *every = pcisim_step_param(s, "every");
	struct pcisim_event *ev = pcisim_event_new(sim, &repeat_kind, NULL);
	ev->ptr = (void *)s;
	ev->a[0] = left;
	ev->a[1] = s->index;
	pcisim_post(sim, ev, pcisim_time_add(sim->now, every->set ? every->u : 0), PCISIM_CLASS_ACTION);
}

static void repeat_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	const struct pcisim_step *s = ev->ptr;
	run_once(sim, s);
	schedule_next(sim, s, ev->a[0] - 1);
}

static int run(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	const struct pcisim_pval *rep = pcisim_step_param(s, "repeat");
	int rc = run_once(sim, s);
	if (rep->set && rep->u > 1)
		schedule_next(sim, s, rep->u - 1);
	return rc;
}

static int run_once(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	/* the step was checked at load: this cannot fail, its text goes nowhere */
	char *mbuf = NULL;
	size_t mlen = 0;
	FILE *mf = open_memstream(&mbuf, &mlen);
	struct pcisim_diag quiet;
	pcisim_diag_init(&quiet, mf);
	struct req r;
	int rc = get_req(s, &r, &quiet);
	fclose(mf);
	pcisim_free(mbuf);
	if (rc)
		return -1; /* checked at load */
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	unsigned compat = fab->machine.compat;
	char a[256], b[256];
	struct pcisim_pcifn *fn = pcisim_fabric_find_fn(fab, r.id);
	if (!fn || !fn->drv->pcie ||
	    !pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_EXP)) {
		snprintf(a, sizeof(a), "device '%s' is not a PCIe device", r.id);
		if (!fn)
			snprintf(b, sizeof(b), "id or pci device path is invalid or device not found. %s", r.id);
		else
			snprintf(b, sizeof(b), "the device doesn't support pci express. %s", r.id);
		monitor_error(sim, compat, a, b);
		return -1;
	}
	bool alias = false, correctable;
	uint32_t status;
	const struct pcisim_aer_name *e = pcisim_aer_name_find(r.error, &alias);
	if (e) {
		status = e->status;
		correctable = e->correctable; /* a name decides, -c does not matter */
	} else if (parse_u32(r.error, &status)) {
		correctable = r.c;
	} else {
		snprintf(a, sizeof(a), "invalid error status value '%s'", r.error);
		snprintf(b, sizeof(b), "invalid error status value. \"%s\"", r.error);
		monitor_error(sim, compat, a, b);
		return -1;
	}
	struct pcisim_aer_err err = {.status = status, .source_id = pcisim_fn_bdf(fn)};
	if (correctable)
		err.flags |= PCISIM_AER_ERR_IS_CORRECTABLE;
	if (r.a)
		err.flags |= PCISIM_AER_ERR_MAYBE_ADVISORY;
	if (r.nheader)
		err.flags |= PCISIM_AER_ERR_HEADER_VALID;
	if (r.nprefix)
		err.flags |= PCISIM_AER_ERR_TLP_PREFIX_PRESENT;
	memcpy(err.header, r.header, sizeof(err.header));
	memcpy(err.prefix, r.prefix, sizeof(err.prefix));
	const char *canon = e ? e->name : pcisim_aer_status_name(status, correctable);
	char raw[16];
	if (!canon) {
		snprintf(raw, sizeof(raw), "%#x", status);
		canon = raw;
	}
	PCISIM_RECORD(sim, &fn->comp, "aer.inject", PCISIM_FS("error", canon),
		      PCISIM_FS("given", alias ? r.error : "-"), PCISIM_FB("correctable", correctable),
		      PCISIM_FB("advisory", r.a), PCISIM_FB("header", r.nheader > 0),
		      PCISIM_FB("prefix", r.nprefix > 0));
	if (alias)
		pcisim_log(sim, &fn->comp, "pcisim",
			   "pcie_aer_inject_error: '%s' is not a QEMU error name; taken as %s", r.error,
			   canon);
	if (r.f && !correctable) {
		uint16_t aer = pcisim_cfg_find_ext_cap(&fn->cfg, PCI_EXT_CAP_ID_ERR);
		bool fatal = aer ? (pcisim_cfg_get32(&fn->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_SEVER)) & status) != 0
				 : pcisim_aer_default_severity(status) == PCISIM_AER_FATAL;
		pcisim_log(sim, &fn->comp, "pcisim",
			   "pcie_aer_inject_error: QEMU has no -f flag; the Uncorrectable Error Severity register decides: %s is %s here",
			   canon, fatal ? "fatal" : "non-fatal");
	}
	rc = pcisim_aer_inject(fn, &err, "pcie_aer_inject_error");
	if (rc < 0) {
		const char *why = rc == -PCISIM_ESTATE ? "Function not implemented" : "Invalid argument";
		snprintf(a, sizeof(a), "failed to inject error: %s", why);
		monitor_error(sim, compat, a, a);
		return -1;
	}
	pcisim_log(sim, &fn->comp, "qemu", "OK id: %s root bus: 0000:%02x, bus: %x devfn: %x.%x", r.id,
		   fn->bus && fn->bus->host ? (unsigned)pcisim_props_u64(&fn->bus->host->props, "bus_nr", 0) : 0,
		   fn->bus ? fn->bus->number : 0, fn->devfn >> 3, fn->devfn & 7);
	return 0;
}

static const struct pcisim_param_def params[] = {
	{"id", PCISIM_P_STR, false, "the device (QEMU id)", NULL, 0, 0, NULL},
	{"error", PCISIM_P_STR, false, "a QEMU error name (POISON_TLP, RCVR, ...) or a raw status value", NULL, 0, 0, NULL},
	{"advisory", PCISIM_P_BOOL, false, "-a: a non-fatal error is Advisory Non-Fatal", NULL, 0, 0, "off"},
	{"correctable", PCISIM_P_BOOL, false, "-c: a raw status value is a correctable one", NULL, 0, 0, "off"},
	{"header", PCISIM_P_NODE, false, "header0..3: the TLP header to log", NULL, 0, 0, NULL},
	{"prefix", PCISIM_P_NODE, false, "prefix0..3: the TLP prefixes to log", NULL, 0, 0, NULL},
	{"args", PCISIM_P_STR, false, "the HMP command line instead: \"[-a] [-c] id error [header0..3 [prefix0..3]]\"", NULL, 0, 0, NULL},
	{"repeat", PCISIM_P_INT, false, "pcisim: run the command this many times", NULL, 1, 10000000, "1"},
	{"every", PCISIM_P_TIME, false, "pcisim: time between the repeated commands", NULL, 0, 0, "0"},
	{"expect_error", PCISIM_P_BOOL, false, "pcisim: the command is meant to fail in QEMU's monitor: 'id' and 'error' are not checked at load, and the monitor's error is logged as QEMU prints it", NULL, 0, 0, NULL},
	{0},
};

static const struct pcisim_action_def actions[] = {
	{"pcie_aer_inject_error",
	 "HMP pcie_aer_inject_error: log an AER error in a device and send its message (QEMU's names and flags)",
	 params, false, check, run},
	{0},
};

static const struct pcisim_record_kind kinds[] = {
	{"aer.inject", "pcie_aer_inject_error ran (fields: error = QEMU's name, given = the alias used, correctable, advisory, header, prefix)"},
	{0},
};

void pcisim_aer_inject_register(void)
{
	pcisim_actions_add(actions);
	pcisim_record_kinds_add(kinds);
}
