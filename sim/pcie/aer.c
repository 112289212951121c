/*
 * Advanced Error Reporting in the hardware (aer.h has the rules): logging in a
 * function's AER capability and Device Status, message generation, the message's
 * journey upstream with link latency, the root port's Root Error Status and Error
 * Source Identification, its interrupt, and the config-write hooks that pop queued
 * errors (Multiple Header Recording) and re-evaluate the root port's interrupt.
 *
 * Facts: REFERENCE.md 4.1-4.4, checked against QEMU hw/pci/pcie_aer.c (a 2011 tree
 * and a 2024 one: the per-device gate is the only change between them that shows
 * here; docs/aer.md lists the differences found).
 */
#include "sim/pcie/aer.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/trace.h"
#include "sim/pcie/caps.h"
#include "sim/pcie/dpc.h"
#include "sim/pcie/link.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/msi.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/core/heap.h"

/* An ERR_* message is a 4-DW Msg TLP without data (PCIe r5.0 §2.2.8.3). */
#define AER_MSG_TLP_BYTES 16

/* ---- the name table (QEMU pcie_aer_error_list, "same naming scheme as linux aer-inject tool") ---- */

const struct pcisim_aer_name pcisim_aer_names[] = {
	{"DLP", PCI_ERR_UNC_DLP, false},
	{"SDN", PCI_ERR_UNC_SURPDN, false},
	{"POISON_TLP", PCI_ERR_UNC_POISON_TLP, false},
	{"FCP", PCI_ERR_UNC_FCP, false},
	{"COMP_TIME", PCI_ERR_UNC_COMP_TIME, false},
	{"COMP_ABORT", PCI_ERR_UNC_COMP_ABORT, false},
	{"UNX_COMP", PCI_ERR_UNC_UNX_COMP, false},
	{"RX_OVER", PCI_ERR_UNC_RX_OVER, false},
	{"MALF_TLP", PCI_ERR_UNC_MALF_TLP, false},
	{"ECRC", PCI_ERR_UNC_ECRC, false},
	{"UNSUP", PCI_ERR_UNC_UNSUP, false},
	{"ACSV", PCI_ERR_UNC_ACSV, false},
	{"INTN", PCI_ERR_UNC_INTN, false},
	{"MCBTLP", PCI_ERR_UNC_MCBTLP, false},
	{"ATOP_EBLOCKED", PCI_ERR_UNC_ATOMEG, false},
	{"TLP_PRF_BLOCKED", PCI_ERR_UNC_TLPPRE, false},
	{"RCVR", PCI_ERR_COR_RCVR, true},
	{"BAD_TLP", PCI_ERR_COR_BAD_TLP, true},
	{"BAD_DLLP", PCI_ERR_COR_BAD_DLLP, true},
	{"REP_ROLL", PCI_ERR_COR_REP_ROLL, true},
	{"REP_TIMER", PCI_ERR_COR_REP_TIMER, true},
	{"ADV_NONFATAL", PCI_ERR_COR_ADV_NFAT, true},
	{"INTERNAL", PCI_ERR_COR_INTERNAL, true},
	{"HL_OVERFLOW", PCI_ERR_COR_LOG_OVER, true},
	{0},
};

/*
 * Long spellings that mean one of QEMU's names: the hot-unplug guide's (after its
 * COR_/UNCOR_ prefix: REPLAY_TIMER, REPLAY_ROLLOVER, UNSUPPORTED, MALFORMED_TLP,
 * COMPLETION_ABORT, FLOW_CTRL) and the obvious others in the same style.
 */
static const struct {
	const char *spelling, *name;
} synonyms[] = {
	{"REPLAY_TIMER", "REP_TIMER"},
	{"REPLAY_ROLLOVER", "REP_ROLL"},
	{"REPLAY_ROLL", "REP_ROLL"},
	{"RECEIVER", "RCVR"},
	{"ADVISORY_NONFATAL", "ADV_NONFATAL"},
	{"HEADER_LOG_OVERFLOW", "HL_OVERFLOW"},
	{"UNSUPPORTED", "UNSUP"},
	{"MALFORMED_TLP", "MALF_TLP"},
	{"COMPLETION_ABORT", "COMP_ABORT"},
	{"COMPLETER_ABORT", "COMP_ABORT"},
	{"COMPLETION_TIMEOUT", "COMP_TIME"},
	{"UNEXPECTED_COMPLETION", "UNX_COMP"},
	{"FLOW_CTRL", "FCP"},
	{"FLOW_CONTROL", "FCP"},
	{"RECEIVER_OVERFLOW", "RX_OVER"},
	{"RX_OVERFLOW", "RX_OVER"},
	{"SURPRISE_DOWN", "SDN"},
	{"DATA_LINK_PROTOCOL", "DLP"},
	{"ACS_VIOLATION", "ACSV"},
	{"POISONED_TLP", "POISON_TLP"},
};

static const struct pcisim_aer_name *exact(const char *name)
{
	for (const struct pcisim_aer_name *e = pcisim_aer_names; e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

const struct pcisim_aer_name *pcisim_aer_name_find(const char *name, bool *alias)
{
	bool a = false;
	const struct pcisim_aer_name *e = exact(name);
	int want = -1; /* -1 any class, 0 uncorrectable, 1 correctable */
	if (!e) {
		a = true;
		const char *rest = name;
		if (!strncmp(rest, "UNCOR_", 6)) {
			rest += 6;
			want = 0;
		} else if (!strncmp(rest, "COR_", 4)) {
			rest += 4;
			want = 1;
		}
		e = exact(rest);
		for (size_t i = 0; !e && i < sizeof(synonyms) / sizeof(synonyms[0]); i++)
			if (!strcmp(synonyms[i].spelling, rest))
				e = exact(synonyms[i].name);
	}
	if (!e || (want >= 0 && (int)e->correctable != want))
		return NULL;
	if (alias)
		*alias = a;
	return e;
}

const char *pcisim_aer_status_name(uint32_t status, bool correctable)
{
	for (const struct pcisim_aer_name *e = pcisim_aer_names; e->name; e++)
		if (e->status == status && e->correctable == correctable)
			return e->name;
	return NULL;
}

enum pcisim_aer_sev pcisim_aer_default_severity(uint32_t status)
{
	/* PCIe r5.0 §6.2.7 Table 6-5; QEMU pcie_aer_uncor_default_severity() */
	switch (status) {
	case PCI_ERR_UNC_INTN:
	case PCI_ERR_UNC_DLP:
	case PCI_ERR_UNC_SURPDN:
	case PCI_ERR_UNC_RX_OVER:
	case PCI_ERR_UNC_FCP:
	case PCI_ERR_UNC_MALF_TLP:
		return PCISIM_AER_FATAL;
	case PCI_ERR_UNC_POISON_TLP:
	case PCI_ERR_UNC_ECRC:
	case PCI_ERR_UNC_UNSUP:
	case PCI_ERR_UNC_COMP_TIME:
	case PCI_ERR_UNC_COMP_ABORT:
	case PCI_ERR_UNC_UNX_COMP:
	case PCI_ERR_UNC_ACSV:
	case PCI_ERR_UNC_MCBTLP:
	case PCI_ERR_UNC_ATOMEG:
	case PCI_ERR_UNC_TLPPRE:
		return PCISIM_AER_NONFATAL;
	default:
		return 0;
	}
}

const char *pcisim_aer_sev_name(enum pcisim_aer_sev s)
{
	switch (s) {
	case PCISIM_AER_COR:
		return "ERR_COR";
	case PCISIM_AER_NONFATAL:
		return "ERR_NONFATAL";
	case PCISIM_AER_FATAL:
		return "ERR_FATAL";
	}
	return "?";
}

bool pcisim_aer_msg_generated(enum pcisim_aer_sev sev, bool masked, uint16_t devctl,
			      uint16_t command, bool ur)
{
	if (masked)
		return false;
	if (sev == PCISIM_AER_COR)
		return !(ur && !(devctl & PCI_EXP_DEVCTL_URRE)) && (devctl & PCI_EXP_DEVCTL_CERE);
	bool serr = command & PCI_COMMAND_SERR;
	if (ur && !(devctl & PCI_EXP_DEVCTL_URRE) && !serr)
		return false;
	uint16_t en = sev == PCISIM_AER_FATAL ? PCI_EXP_DEVCTL_FERE : PCI_EXP_DEVCTL_NFERE;
	return serr || (devctl & en);
}

static const char *name_or_q(uint32_t status, bool cor)
{
	const char *n = pcisim_aer_status_name(status, cor);
	return n ? n : "?";
}

/* ---- per-function state: the queued error log, and the sim's counters ---- */

struct aer_log {
	uint16_t num, max;
	bool init;
	struct pcisim_aer_err *v;
};

struct aer_state {
	struct aer_log *logs; /* by component id */
	size_t nlogs;
	struct pcisim_aer_stats stats;
	uint64_t next_msg;
};

static const struct pcisim_ext_key aer_key = {"pcie-aer"};

static void state_destroy(void *p)
{
	struct aer_state *s = p;
	for (size_t i = 0; i < s->nlogs; i++)
		pcisim_free(s->logs[i].v);
	pcisim_free(s->logs);
	pcisim_free(s);
}

static struct aer_state *state(struct pcisim_sim *sim)
{
	struct aer_state *s = pcisim_ext_get(sim, &aer_key);
	if (s)
		return s;
	s = pcisim_calloc(1, sizeof(*s));
	if (!s)
		abort();
	pcisim_ext_set(sim, &aer_key, s, state_destroy);
	return s;
}

struct pcisim_aer_stats pcisim_aer_stats(struct pcisim_sim *sim)
{
	struct aer_state *s = pcisim_ext_get(sim, &aer_key);
	struct pcisim_aer_stats z = {0};
	return s ? s->stats : z;
}

static uint16_t aer_off(const struct pcisim_pcifn *fn)
{
	return fn->cfg.bytes ? pcisim_cfg_find_ext_cap(&fn->cfg, PCI_EXT_CAP_ID_ERR) : 0;
}

static uint16_t exp_off(const struct pcisim_pcifn *fn)
{
	return fn->cfg.bytes ? pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_EXP) : 0;
}

/* The function's log; its depth is aer_log_max when the capability offers MHRC. */
static struct aer_log *fn_log(struct pcisim_pcifn *fn, uint16_t aer)
{
	struct aer_state *s = state(fn->comp.sim);
	uint32_t id = fn->comp.id;
	if (id >= s->nlogs) {
		size_t n = s->nlogs ? s->nlogs : 64;
		while (n <= id)
			n *= 2;
		struct aer_log *v = pcisim_realloc(s->logs, n * sizeof(*v));
		if (!v)
			abort();
		memset(v + s->nlogs, 0, (n - s->nlogs) * sizeof(*v));
		s->logs = v;
		s->nlogs = n;
	}
	struct aer_log *l = &s->logs[id];
	if (!l->init) {
		l->init = true;
		bool mhrc = pcisim_cfg_get32(&fn->cfg, (uint16_t)(aer + PCI_ERR_CAP)) & PCI_ERR_CAP_MHRC;
		l->max = mhrc ? (uint16_t)pcisim_props_u64(&fn->props, "aer_log_max",
							   PCISIM_ERR_LOG_MAX_DEFAULT)
			      : 0;
		if (l->max) {
			l->v = pcisim_calloc(l->max, sizeof(*l->v));
			if (!l->v)
				abort();
		}
	}
	return l;
}

static uint32_t rd32(struct pcisim_pcifn *fn, uint16_t base, uint16_t reg)
{
	return pcisim_cfg_get32(&fn->cfg, (uint16_t)(base + reg));
}

static void wr32(struct pcisim_pcifn *fn, uint16_t base, uint16_t reg, uint32_t v)
{
	pcisim_cfg_set(&fn->cfg, (uint16_t)(base + reg), v, 4);
}

static void setbits32(struct pcisim_pcifn *fn, uint16_t base, uint16_t reg, uint32_t bits)
{
	pcisim_cfg_setbits(&fn->cfg, (uint16_t)(base + reg), 4, bits);
}

/* A dword stored big-endian, as QEMU's stl_be_p() into the Header/Prefix Log. */
static void wr_be32(struct pcisim_pcifn *fn, uint16_t off, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		pcisim_cfg_set(&fn->cfg, (uint16_t)(off + i), (v >> (24 - 8 * i)) & 0xff, 1);
}

static void zero(struct pcisim_pcifn *fn, uint16_t off, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		pcisim_cfg_set(&fn->cfg, (uint16_t)(off + i), 0, 1);
}

/* ---- logging (QEMU pcie_aer_update_log, clear_log, clear_error, record_error) ---- */

static void update_log(struct pcisim_pcifn *fn, uint16_t aer, const struct pcisim_aer_err *err)
{
	uint16_t exp = exp_off(fn);
	uint32_t errcap = rd32(fn, aer, PCI_ERR_CAP);
	errcap &= ~(uint32_t)(PCI_ERR_CAP_FEP_MASK | PCI_ERR_CAP_TLP);
	errcap |= PCI_ERR_CAP_FEP((uint32_t)__builtin_ctz(err->status));
	if (err->flags & PCISIM_AER_ERR_HEADER_VALID) {
		for (unsigned i = 0; i < 4; i++)
			wr_be32(fn, (uint16_t)(aer + PCI_ERR_HEADER_LOG + 4 * i), err->header[i]);
	} else {
		zero(fn, (uint16_t)(aer + PCI_ERR_HEADER_LOG), PCISIM_ERR_HEADER_LOG_SIZE);
	}
	/* Prefixes are logged only by a function that supports End-End TLP Prefixes. */
	if ((err->flags & PCISIM_AER_ERR_TLP_PREFIX_PRESENT) &&
	    (rd32(fn, exp, PCI_EXP_DEVCAP2) & PCI_EXP_DEVCAP2_EETLPP)) {
		for (unsigned i = 0; i < 4; i++)
			wr_be32(fn, (uint16_t)(aer + PCI_ERR_PREFIX_LOG + 4 * i), err->prefix[i]);
		errcap |= PCI_ERR_CAP_TLP;
	} else {
		zero(fn, (uint16_t)(aer + PCI_ERR_PREFIX_LOG), PCISIM_ERR_TLP_PREFIX_LOG_SIZE);
	}
	wr32(fn, aer, PCI_ERR_CAP, errcap);
}

static void clear_log(struct pcisim_pcifn *fn, uint16_t aer)
{
	pcisim_cfg_clrbits(&fn->cfg, (uint16_t)(aer + PCI_ERR_CAP), 4,
			   PCI_ERR_CAP_FEP_MASK | PCI_ERR_CAP_TLP);
	zero(fn, (uint16_t)(aer + PCI_ERR_HEADER_LOG), PCISIM_ERR_HEADER_LOG_SIZE);
	zero(fn, (uint16_t)(aer + PCI_ERR_PREFIX_LOG), PCISIM_ERR_TLP_PREFIX_LOG_SIZE);
}

/* Queued errors' status bits set again (the status register emulates W1CS so). */
static void update_uncor_status(struct pcisim_pcifn *fn, uint16_t aer, struct aer_log *l)
{
	for (uint16_t i = 0; i < l->num; i++)
		setbits32(fn, aer, PCI_ERR_UNCOR_STATUS, l->v[i].status);
}

static void clear_error(struct pcisim_pcifn *fn, uint16_t aer, struct aer_log *l)
{
	uint32_t errcap = rd32(fn, aer, PCI_ERR_CAP);
	if (!(errcap & PCI_ERR_CAP_MHRE) || !l->num) {
		clear_log(fn, aer);
		return;
	}
	update_uncor_status(fn, aer, l);
	struct pcisim_aer_err e = l->v[0];
	l->num--;
	memmove(&l->v[0], &l->v[1], l->num * sizeof(l->v[0]));
	update_log(fn, aer, &e);
	PCISIM_RECORD(fn->comp.sim, &fn->comp, "aer.log",
		      PCISIM_FS("event", "next queued error logged"),
		      PCISIM_FS("name", name_or_q(e.status, false)),
		      PCISIM_FU("queued", l->num));
}

/* Returns -1 when the log overflowed; *how says what happened. */
static int record_error(struct pcisim_pcifn *fn, uint16_t aer, const struct pcisim_aer_err *err,
			const char **how)
{
	uint32_t errcap = rd32(fn, aer, PCI_ERR_CAP);
	unsigned fep = PCI_ERR_CAP_FEP(errcap);
	struct aer_log *l = fn_log(fn, aer);
	if ((errcap & PCI_ERR_CAP_MHRE) && (rd32(fn, aer, PCI_ERR_UNCOR_STATUS) & (1u << fep))) {
		/* not the first error: queue it */
		if (l->num == l->max) {
			*how = "log overflow";
			return -1;
		}
		l->v[l->num++] = *err;
		*how = "queued";
		return 0;
	}
	update_log(fn, aer, err);
	*how = "header log";
	return 0;
}

/* ---- the message path ---- */

struct aer_msg {
	enum pcisim_aer_sev sev;
	uint16_t source_id;
	uint64_t id;
};

static bool is_uncor(const struct aer_msg *m)
{
	return m->sev != PCISIM_AER_COR;
}

static void trace_msg(struct pcisim_pcifn *at, const struct aer_msg *m, const char *result,
		      const char *reason)
{
	char src[16];
	snprintf(src, sizeof(src), "%02x:%02x.%x", m->source_id >> 8, (m->source_id >> 3) & 0x1f,
		 m->source_id & 7);
	PCISIM_RECORD(at->comp.sim, &at->comp, "aer.msg", PCISIM_FS("msg", pcisim_aer_sev_name(m->sev)),
		      PCISIM_FS("source", src), PCISIM_FU("n", m->id), PCISIM_FS("result", result),
		      PCISIM_FS("reason", reason ? reason : "-"));
}

/* QEMU pcie_aer_msg_vbridge(): a port passes messages from below with SERR# Enable. */
static bool msg_vbridge(struct pcisim_pcifn *dev, const struct aer_msg *m)
{
	if (is_uncor(m))
		pcisim_cfg_setbits(&dev->cfg, PCI_SEC_STATUS, 2, PCI_SEC_STATUS_RCV_SYSTEM_ERROR);
	return pcisim_cfg_get16(&dev->cfg, PCI_BRIDGE_CONTROL) & PCI_BRIDGE_CTL_SERR;
}

/* QEMU pcie_aer_msg_alldev(), by emulated version; *why gets the reason for a drop. */
static bool msg_alldev(struct pcisim_pcifn *dev, const struct aer_msg *m, const char **why)
{
	uint16_t exp = exp_off(dev);
	uint16_t devctl = pcisim_cfg_get16(&dev->cfg, (uint16_t)(exp + PCI_EXP_DEVCTL));
	bool serr = pcisim_cfg_get16(&dev->cfg, PCI_COMMAND) & PCI_COMMAND_SERR;
	bool pass;
	if (pcisim_machine_has(&dev->fabric->machine, PCISIM_QEMU_AER_MSG_DEVCTL)) {
		pass = (is_uncor(m) && serr) ||
		       (m->sev == PCISIM_AER_NONFATAL && (devctl & PCI_EXP_DEVCTL_NFERE)) ||
		       (m->sev == PCISIM_AER_COR && (devctl & PCI_EXP_DEVCTL_CERE)) ||
		       (m->sev == PCISIM_AER_FATAL && (devctl & PCI_EXP_DEVCTL_FERE));
		if (!pass)
			*why = is_uncor(m) ? "Command SERR# Enable and Device Control enable off"
					   : "Device Control CERE off";
	} else {
		pass = is_uncor(m) && serr;
		if (!pass)
			*why = is_uncor(m) ? "Command SERR# Enable off"
					   : "QEMU < 8.0 forwards no ERR_COR";
	}
	if (!pass)
		return false;
	pcisim_cfg_setbits(&dev->cfg, PCI_STATUS, 2, PCI_STATUS_SIG_SYSTEM_ERROR);
	if (!(m->sev & devctl)) {
		*why = m->sev == PCISIM_AER_COR	     ? "Device Control CERE off"
		       : m->sev == PCISIM_AER_FATAL ? "Device Control FERE off"
						    : "Device Control NFERE off";
		return false;
	}
	return true;
}

static uint32_t status_to_cmd(uint32_t status)
{
	uint32_t cmd = 0;
	if (status & PCI_ERR_ROOT_COR_RCV)
		cmd |= PCI_ERR_ROOT_CMD_COR_EN;
	if (status & PCI_ERR_ROOT_NONFATAL_RCV)
		cmd |= PCI_ERR_ROOT_CMD_NONFATAL_EN;
	if (status & PCI_ERR_ROOT_FATAL_RCV)
		cmd |= PCI_ERR_ROOT_CMD_FATAL_EN;
	return cmd;
}

static char *root_status_names(uint32_t v, char *buf, size_t n)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
		{PCI_ERR_ROOT_COR_RCV, "COR_RCV"},
		{PCI_ERR_ROOT_MULTI_COR_RCV, "MULTI_COR_RCV"},
		{PCI_ERR_ROOT_UNCOR_RCV, "UNCOR_RCV"},
		{PCI_ERR_ROOT_MULTI_UNCOR_RCV, "MULTI_UNCOR_RCV"},
		{PCI_ERR_ROOT_FIRST_FATAL, "FIRST_FATAL"},
		{PCI_ERR_ROOT_NONFATAL_RCV, "NONFATAL_RCV"},
		{PCI_ERR_ROOT_FATAL_RCV, "FATAL_RCV"},
	};
	size_t u = 0;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]) && u < n; i++)
		if (v & bits[i].bit)
			u += (size_t)snprintf(buf + u, n - u, "%s%s", u ? "|" : "", bits[i].name);
	if (!u)
		snprintf(buf, n, "-");
	return buf;
}

static bool port_msi_enabled(struct pcisim_port *p)
{
	struct pcisim_cfg *c = &p->fn.cfg;
	if (p->msix && (pcisim_cfg_get16(c, (uint16_t)(p->msix + PCI_MSIX_FLAGS)) & PCI_MSIX_FLAGS_ENABLE))
		return true;
	return p->msi && (pcisim_cfg_get16(c, (uint16_t)(p->msi + PCI_MSI_FLAGS)) & PCI_MSI_FLAGS_ENABLE);
}

/* QEMU pcie_aer_root_notify(): MSI-X, else MSI, else assert INTx. */
static void root_notify(struct pcisim_port *p)
{
	pcisim_port_notify(p, true);
	pcisim_port_intx_status(p);
}

/* QEMU pcie_aer_msg_root_port(). */
static void msg_root_port(struct pcisim_port *p, const struct aer_msg *m)
{
	struct pcisim_pcifn *fn = &p->fn;
	uint16_t aer = aer_off(fn);
	if (!aer) {
		trace_msg(fn, m, "dropped", "root port without AER");
		state(fn->comp.sim)->stats.dropped++;
		return;
	}
	uint32_t root_cmd = rd32(fn, aer, PCI_ERR_ROOT_COMMAND);
	uint32_t prev = rd32(fn, aer, PCI_ERR_ROOT_STATUS), st = prev;
	/* Command SERR# Enable's system error path is platform specific: QEMU discards it. */
	switch (m->sev) {
	case PCISIM_AER_COR:
		if (st & PCI_ERR_ROOT_COR_RCV)
			st |= PCI_ERR_ROOT_MULTI_COR_RCV;
		else
			pcisim_cfg_set(&fn->cfg, (uint16_t)(aer + PCI_ERR_ROOT_ERR_SRC), m->source_id, 2);
		st |= PCI_ERR_ROOT_COR_RCV;
		break;
	case PCISIM_AER_NONFATAL:
		st |= PCI_ERR_ROOT_NONFATAL_RCV;
		break;
	case PCISIM_AER_FATAL:
		if (!(st & PCI_ERR_ROOT_UNCOR_RCV))
			st |= PCI_ERR_ROOT_FIRST_FATAL;
		st |= PCI_ERR_ROOT_FATAL_RCV;
		break;
	}
	if (is_uncor(m)) {
		if (st & PCI_ERR_ROOT_UNCOR_RCV)
			st |= PCI_ERR_ROOT_MULTI_UNCOR_RCV;
		else
			pcisim_cfg_set(&fn->cfg, (uint16_t)(aer + PCI_ERR_ROOT_ERR_SRC + 2), m->source_id, 2);
		st |= PCI_ERR_ROOT_UNCOR_RCV;
	}
	wr32(fn, aer, PCI_ERR_ROOT_STATUS, st);
	state(fn->comp.sim)->stats.delivered++;
	trace_msg(fn, m, "delivered", NULL);
	if (st != prev) {
		char a[128], b[128];
		PCISIM_RECORD(fn->comp.sim, &fn->comp, "aer.root", PCISIM_FX("old", prev),
			      PCISIM_FX("new", st),
			      PCISIM_FS("set", root_status_names(st & ~prev, a, sizeof(a))),
			      PCISIM_FS("bits", root_status_names(st, b, sizeof(b))),
			      PCISIM_FX("source_id", rd32(fn, aer, PCI_ERR_ROOT_ERR_SRC)));
	}
	/* PCIe r5.0 §6.2.4.1.2: interrupt on the condition becoming true */
	if (!(root_cmd & m->sev) || (status_to_cmd(prev) & root_cmd))
		return;
	root_notify(p);
}

static void msg_walk(struct pcisim_pcifn *dev, const struct aer_msg *m);

static void msg_arrive(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_pcifn *next = pcisim_to_fn(ev->target);
	struct pcisim_link *l = ev->ptr;
	struct aer_msg m = {(enum pcisim_aer_sev)ev->a[0], (uint16_t)ev->a[1], ev->a[3]};
	struct aer_state *s = state(sim);
	s->stats.in_flight--;
	/* The link went down (or retrained through a reset) while the message crossed it. */
	if (next->comp.removed || !pcisim_link_is_up(l) || l->transitions != (uint32_t)ev->a[2]) {
		s->stats.lost++;
		trace_msg(next, &m, "lost", "the link went down while the message crossed it");
		return;
	}
	/* dpc.c: a port with DPC enabled may contain the link on ERR_NONFATAL/ERR_FATAL
	 * received from below; the message is then discarded (PCIe r5.0 §6.2.10). */
	if (is_uncor(&m) && pcisim_is_port(next) &&
	    pcisim_dpc_error(pcisim_to_port(next), m.sev == PCISIM_AER_FATAL ? PCISIM_DPC_FATAL : PCISIM_DPC_NONFATAL,
			     m.sev == PCISIM_AER_FATAL, m.source_id)) {
		s->stats.dropped++;
		trace_msg(next, &m, "dropped", "discarded by DPC (containment)");
		return;
	}
	msg_walk(next, &m);
}
PCISIM_EVKIND(arrive_kind, "aer.msg_arrive", msg_arrive);

/* QEMU pcie_aer_msg(): from @dev upward until a root port, a drop or a link. */
static void msg_walk(struct pcisim_pcifn *dev, const struct aer_msg *m)
{
	struct aer_state *s = state(dev->comp.sim);
	while (dev) {
		const char *why = NULL;
		if (!dev->drv->pcie || !exp_off(dev)) {
			s->stats.dropped++;
			trace_msg(dev, m, "dropped", "not a PCI Express function");
			return;
		}
		int type = pcisim_cap_exp_type(&dev->cfg);
		bool port = type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_UPSTREAM ||
			    type == PCI_EXP_TYPE_DOWNSTREAM;
		if (port && !msg_vbridge(dev, m)) {
			s->stats.dropped++;
			trace_msg(dev, m, "dropped", "Bridge Control SERR# Enable off");
			return;
		}
		if (!msg_alldev(dev, m, &why)) {
			s->stats.dropped++;
			trace_msg(dev, m, "dropped", why);
			return;
		}
		if (type == PCI_EXP_TYPE_ROOT_PORT && pcisim_is_port(dev)) {
			msg_root_port(pcisim_to_port(dev), m);
			return;
		}
		struct pcisim_pcifn *next = dev->bus ? dev->bus->bridge : NULL;
		if (!next) {
			/* A root bus: no root port above (QEMU has no RCEC: the message ends). */
			s->stats.dropped++;
			trace_msg(dev, m, "dropped", "no root port above (root complex event collector not modelled)");
			return;
		}
		struct pcisim_link *l = pcisim_link_above(dev);
		if (l) {
			if (!pcisim_link_is_up(l)) {
				s->stats.lost++;
				trace_msg(dev, m, "lost", "the link above is down");
				return;
			}
			trace_msg(dev, m, "forwarded", NULL);
			struct pcisim_sim *sim = dev->comp.sim;
			struct pcisim_event *ev = pcisim_event_new(sim, &arrive_kind, &next->comp);
			ev->a[0] = m->sev;
			ev->a[1] = m->source_id;
			ev->a[2] = l->transitions;
			ev->a[3] = m->id;
			ev->ptr = l;
			s->stats.in_flight++;
			pcisim_post(sim, ev, sim->now + pcisim_link_tlp_latency(l, AER_MSG_TLP_BYTES),
				    PCISIM_CLASS_MSG);
			return;
		}
		/* Inside a switch (downstream port to upstream port): no link to cross. */
		trace_msg(dev, m, "forwarded", NULL);
		dev = next;
	}
}

static void send_msg(struct pcisim_pcifn *src, enum pcisim_aer_sev sev, uint16_t source_id)
{
	struct aer_state *s = state(src->comp.sim);
	struct aer_msg m = {sev, source_id, ++s->next_msg};
	s->stats.sent++;
	trace_msg(src, &m, "sent", NULL);
	msg_walk(src, &m);
}

/* ---- injection (QEMU pcie_aer_inject_error and its two halves) ---- */

struct inject {
	struct pcisim_pcifn *fn;
	uint16_t aer, exp;
	const struct pcisim_aer_err *err;
	uint16_t devctl, devsta;
	uint32_t status;
	bool ur;
	bool overflow;
	const char *logged; /* what happened in the log */
	const char *nomsg;  /* why no message, or NULL */
	enum pcisim_aer_sev sev;
	bool uncor_unmasked; /* an unmasked uncorrectable error was logged (DPC may trigger) */
	bool fatal;
};

static void set_devsta(struct inject *in)
{
	/* QEMU writes the value it read (0 without AER) with the new bits. */
	pcisim_cfg_set(&in->fn->cfg, (uint16_t)(in->exp + PCI_EXP_DEVSTA), in->devsta, 2);
}

static bool inject_cor(struct inject *in, uint32_t uncor_status, bool advisory)
{
	struct pcisim_pcifn *fn = in->fn;
	in->devsta |= PCI_EXP_DEVSTA_CED;
	if (in->ur)
		in->devsta |= PCI_EXP_DEVSTA_URD;
	set_devsta(in);
	if (in->aer) {
		setbits32(fn, in->aer, PCI_ERR_COR_STATUS, in->status);
		if (rd32(fn, in->aer, PCI_ERR_COR_MASK) & in->status) {
			in->nomsg = "masked";
			return false;
		}
		if (advisory) {
			if (!(rd32(fn, in->aer, PCI_ERR_UNCOR_MASK) & uncor_status))
				in->overflow = record_error(fn, in->aer, in->err, &in->logged) < 0;
			setbits32(fn, in->aer, PCI_ERR_UNCOR_STATUS, uncor_status);
		}
	}
	if (in->ur && !(in->devctl & PCI_EXP_DEVCTL_URRE)) {
		in->nomsg = "Device Control URRE off";
		return false;
	}
	if (!(in->devctl & PCI_EXP_DEVCTL_CERE)) {
		in->nomsg = "Device Control CERE off";
		return false;
	}
	in->sev = PCISIM_AER_COR;
	return true;
}

static bool inject_uncor(struct inject *in, bool fatal)
{
	struct pcisim_pcifn *fn = in->fn;
	in->devsta |= fatal ? PCI_EXP_DEVSTA_FED : PCI_EXP_DEVSTA_NFED;
	if (in->ur)
		in->devsta |= PCI_EXP_DEVSTA_URD;
	/*
	 * QEMU stores Device Status with a 32-bit write here (pci_set_long()), which also
	 * zeroes Link Capabilities [15:0]: Max Link Speed, Max Link Width, ASPM Support,
	 * L0s Exit Latency. Every QEMU version pcisim emulates does it (still in 2024
	 * trees; seen in 7.2 by tests/qemu-diff); pcisim does the same (docs/aer.md).
	 */
	pcisim_cfg_set(&in->fn->cfg, (uint16_t)(in->exp + PCI_EXP_DEVSTA), in->devsta, 4);
	if (in->aer) {
		if (rd32(fn, in->aer, PCI_ERR_UNCOR_MASK) & in->status) {
			setbits32(fn, in->aer, PCI_ERR_UNCOR_STATUS, in->status);
			in->nomsg = "masked";
			return false;
		}
		in->overflow = record_error(fn, in->aer, in->err, &in->logged) < 0;
		setbits32(fn, in->aer, PCI_ERR_UNCOR_STATUS, in->status);
	}
	in->uncor_unmasked = true;
	in->fatal = fatal;
	uint16_t cmd = pcisim_cfg_get16(&fn->cfg, PCI_COMMAND);
	bool serr = cmd & PCI_COMMAND_SERR;
	if (in->ur && !(in->devctl & PCI_EXP_DEVCTL_URRE) && !serr) {
		in->nomsg = "Device Control URRE and Command SERR# Enable off";
		return false;
	}
	if (fatal && !(serr || (in->devctl & PCI_EXP_DEVCTL_FERE))) {
		in->nomsg = "Device Control FERE and Command SERR# Enable off";
		return false;
	}
	if (!fatal && !(serr || (in->devctl & PCI_EXP_DEVCTL_NFERE))) {
		in->nomsg = "Device Control NFERE and Command SERR# Enable off";
		return false;
	}
	in->sev = fatal ? PCISIM_AER_FATAL : PCISIM_AER_NONFATAL;
	return true;
}

static const struct pcisim_aer_listener **listeners;
static size_t nlisteners;

void pcisim_aer_listener_add(const struct pcisim_aer_listener *l)
{
	for (size_t i = 0; i < nlisteners; i++)
		if (listeners[i] == l)
			return;
	const struct pcisim_aer_listener **n = pcisim_realloc(listeners, (nlisteners + 1) * sizeof(*n));
	if (!n)
		abort();
	listeners = n;
	listeners[nlisteners++] = l;
}

int pcisim_aer_inject(struct pcisim_pcifn *fn, const struct pcisim_aer_err *err, const char *why)
{
	uint16_t exp = exp_off(fn);
	if (!fn->drv->pcie || !exp)
		return PCISIM_ERR(PCISIM_ESTATE);
	bool cor = err->flags & PCISIM_AER_ERR_IS_CORRECTABLE;
	uint32_t status = err->status & (cor ? PCISIM_ERR_COR_SUPPORTED : PCISIM_ERR_UNC_SUPPORTED);
	if (!status || (status & (status - 1)))
		return PCISIM_ERR(PCISIM_EINVAL);
	struct inject in = {.fn = fn, .aer = aer_off(fn), .exp = exp, .err = err, .status = status};
	in.logged = "-";
	if (in.aer) {
		in.devctl = pcisim_cfg_get16(&fn->cfg, (uint16_t)(exp + PCI_EXP_DEVCTL));
		in.devsta = pcisim_cfg_get16(&fn->cfg, (uint16_t)(exp + PCI_EXP_DEVSTA));
	}
	in.ur = !cor && err->status == PCI_ERR_UNC_UNSUP;
	bool send;
	const char *kind;
	if (cor) {
		kind = "correctable";
		send = inject_cor(&in, 0, false);
	} else {
		bool fatal = pcisim_aer_default_severity(status) == PCISIM_AER_FATAL;
		if (in.aer)
			fatal = status & rd32(fn, in.aer, PCI_ERR_UNCOR_SEVER);
		if (!fatal && (err->flags & PCISIM_AER_ERR_MAYBE_ADVISORY)) {
			kind = "advisory non-fatal";
			in.status = PCI_ERR_COR_ADV_NFAT;
			send = inject_cor(&in, status, true);
		} else {
			kind = fatal ? "uncorrectable fatal" : "uncorrectable non-fatal";
			send = inject_uncor(&in, fatal);
		}
	}
	/* dpc.c: a port's own unmasked uncorrectable error may trigger its DPC; the
	 * error is then contained and sends no message. */
	if (in.uncor_unmasked && pcisim_is_port(fn) &&
	    pcisim_dpc_error(pcisim_to_port(fn), PCISIM_DPC_UNCOR, in.fatal, pcisim_fn_bdf(fn))) {
		send = false;
		in.nomsg = "contained by DPC";
	}
	struct aer_state *s = state(fn->comp.sim);
	s->stats.errors++;
	PCISIM_RECORD(fn->comp.sim, &fn->comp, "aer.error",
		      PCISIM_FS("name", name_or_q(status, cor)),
		      PCISIM_FX("status", status), PCISIM_FS("kind", kind),
		      PCISIM_FB("aer", in.aer != 0), PCISIM_FS("log", in.logged),
		      PCISIM_FS("msg", send ? pcisim_aer_sev_name(in.sev) : "none"),
		      PCISIM_FS("reason", in.nomsg ? in.nomsg : "-"), PCISIM_FS("why", why));
	if (send)
		send_msg(fn, in.sev, err->source_id);
	if (!cor && in.status == status)
		for (size_t i = 0; i < nlisteners; i++)
			if (listeners[i]->uncorrectable)
				listeners[i]->uncorrectable(fn, name_or_q(status, false), in.fatal);
	if (in.overflow) {
		/* The log was full: a correctable Header Log Overflow follows. */
		struct pcisim_aer_err hl = {.status = PCI_ERR_COR_LOG_OVER,
					    .flags = PCISIM_AER_ERR_IS_CORRECTABLE,
					    .source_id = err->source_id};
		int rc = pcisim_aer_inject(fn, &hl, "header log overflow");
		(void)rc;
	}
	return 0;
}

int pcisim_aer_detect(struct pcisim_pcifn *fn, uint32_t status, bool correctable, bool advisory,
		      const char *why)
{
	struct pcisim_aer_err e = {.status = status, .source_id = pcisim_fn_bdf(fn)};
	if (correctable)
		e.flags |= PCISIM_AER_ERR_IS_CORRECTABLE;
	if (advisory)
		e.flags |= PCISIM_AER_ERR_MAYBE_ADVISORY;
	return pcisim_aer_inject(fn, &e, why);
}

void pcisim_aer_link_down(struct pcisim_port *p)
{
	uint32_t lnkcap = pcisim_cfg_get32(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_LNKCAP));
	if (lnkcap & PCI_EXP_LNKCAP_SDERC)
		pcisim_aer_detect(&p->fn, PCI_ERR_UNC_SURPDN, false, false, "surprise down");
}

/* ---- config write hooks ---- */

void pcisim_aer_cfg_written(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len)
{
	if (off + len <= PCI_CFG_SPACE_SIZE)
		return; /* extended capabilities start at 0x100: no walk for header writes */
	uint16_t aer = aer_off(fn);
	/*
	 * QEMU runs this after every config write; only a write to the capability can
	 * change what it looks at, so pcisim runs it for those (the same result unless
	 * FEP and the header log were made to disagree behind the model's back).
	 */
	if (!aer || off >= aer + PCISIM_ERR_SIZEOF || off + len <= aer)
		return;
	struct aer_log *l = fn_log(fn, aer);
	uint32_t errcap = rd32(fn, aer, PCI_ERR_CAP);
	uint32_t first = 1u << PCI_ERR_CAP_FEP(errcap);
	uint32_t uncorsta = rd32(fn, aer, PCI_ERR_UNCOR_STATUS);
	if (!(uncorsta & first))
		clear_error(fn, aer, l); /* the first error's bit was cleared */
	else if (errcap & PCI_ERR_CAP_MHRE)
		update_uncor_status(fn, aer, l); /* nothing may change while it is set */
	else
		l->num = 0; /* MHRE may have been cleared: the queue goes */
}

/*
 * Models whose QEMU config_write hook does not call pcie_aer_write_config(): a guest
 * clearing the first error's status bit leaves First Error Pointer and Header Log as
 * they were (e1000e_write_config(), virtio_write_config(); seen in QEMU 7.2 by
 * tests/qemu-diff for e1000e).
 */
static bool aer_write_hook(const struct pcisim_pcifn *fn)
{
	return strcmp(fn->drv->name, "e1000e") && strncmp(fn->drv->name, "virtio-", 7);
}

static void aer_fn_cfg_written(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len)
{
	/* A port's config write calls the hooks itself, in QEMU's order: every port model
	 * takes its cfg_write from PCISIM_PORT_DRIVER_HOOKS (port_driver.c). */
	if (pcisim_is_port(fn) || off + len <= PCI_CFG_SPACE_SIZE)
		return; /* a header write cannot reach AER: no driver names compared */
	if (!aer_write_hook(fn))
		return;
	pcisim_aer_cfg_written(fn, off, val, len);
}

uint32_t pcisim_aer_root_cmd(struct pcisim_port *p)
{
	if (!p->aer || pcisim_cap_exp_type(&p->fn.cfg) != PCI_EXP_TYPE_ROOT_PORT)
		return 0;
	return rd32(&p->fn, p->aer, PCI_ERR_ROOT_COMMAND);
}

void pcisim_aer_port_cfg_written(struct pcisim_port *p, uint32_t old_root_cmd, uint16_t off,
				 uint32_t val, unsigned len)
{
	struct pcisim_pcifn *fn = &p->fn;
	if (!p->aer)
		return;
	pcisim_aer_cfg_written(fn, off, val, len);
	if (pcisim_cap_exp_type(&fn->cfg) != PCI_EXP_TYPE_ROOT_PORT || p->no_aer_root_write)
		return;
	/* QEMU pcie_aer_root_write_config() */
	uint32_t root_status = rd32(fn, p->aer, PCI_ERR_ROOT_STATUS);
	uint32_t enabled = status_to_cmd(root_status);
	uint32_t root_cmd = rd32(fn, p->aer, PCI_ERR_ROOT_COMMAND);
	if (!port_msi_enabled(p)) {
		if (pcisim_cfg_get8(&fn->cfg, PCI_INTERRUPT_PIN)) {
			pcisim_irq_set(fn->comp.sim, &p->irq_intx, (root_cmd & enabled) != 0);
			pcisim_port_intx_status(p);
		}
		return;
	}
	if ((old_root_cmd & enabled) || !(root_cmd & enabled))
		return; /* a message only on the transition from false to true */
	root_notify(p);
}

/* ---- registration ---- */

static const struct pcisim_record_kind aer_kinds[] = {
	{"aer.error", "a function logged an error (fields: name, status, kind, aer, log, msg, reason, why)"},
	{"aer.msg", "an ERR_* message at a hop (fields: msg, source, n, result: sent/forwarded/delivered/dropped/lost, reason)"},
	{"aer.root", "a root port's Root Error Status changed (fields: old, new, set, bits, source_id)"},
	{"aer.log", "a queued error moved into the header log (fields: event, name, queued)"},
	{0},
};

/* Queued errors move into the header log when the guest clears the status (for
 * ports, port_driver.c's write path does the same). */
static const struct pcisim_fabric_hooks aer_hooks = {
	.name = "aer",
	.cfg_written = aer_fn_cfg_written,
};

void pcisim_aer_register(void)
{
	pcisim_record_kinds_add(aer_kinds);
	pcisim_fabric_hooks_add(&aer_hooks);
	pcisim_dpc_register();
}
