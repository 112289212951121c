/*
 * setpci in the timeline (setpci.h).
 *
 * Accepted, as setpci(8) (pciutils 3.9) has it; all numbers hexadecimal (a 0x
 * prefix is allowed), names case-insensitive:
 *   -s [[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]]   select by address; a part left out or "*"
 *                                           matches any (domain 0 only)
 *   -d [VENDOR]:[DEVICE][:CLASS[:PROGIF]]   select by ID; "x" in CLASS matches any digit
 *   -v -f -D -r                             verbose, no complaint when nothing is
 *                                           selected, demo (no writes), no bus scan
 *   REG[.B|.W|.L]                           read (recorded with the value)
 *   REG[.B|.W|.L]=V[:M][,V[:M]...]          write; V:M writes only the bits of M (a
 *                                           read-modify-write); several values go to
 *                                           consecutive registers of the width
 * where REG is a hex offset, a register name (setpci --dumpregs: COMMAND, STATUS,
 * BASE_ADDRESS_0, SECONDARY_BUS, BRIDGE_CONTROL, ...), CAP_NAME or ECAP_NAME (the
 * capability's first register), CAPid or ECAPid (a capability by hex id), each
 * optionally followed by +OFFSET and @N (the N-th instance, from 0). Each selection
 * (-s, -d) applies to the operations after it, until the next one.
 *
 * The selection is matched when the step runs, against the functions present then, in
 * bus and devfn order; every operation is done on each selected function in turn. A
 * capability is looked up in the function's config space as Linux's cached copy has
 * it (no access); a function without it gets a log line, as setpci complains, and
 * no access. Not accepted (an error at load time that lists the forms above): the
 * access options -A, -O, -H1, -H2, -G and --version, --help, --dumpregs.
 */
#include "sim/host/setpci.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/core/arena.h"
#include "sim/core/diag.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/host/raw_access.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/regs/pci.h"
#include "sim/core/heap.h"

/* setpci --dumpregs: the registers of the standard headers, by name */
static const struct named_reg {
	const char *name;
	uint16_t off;
	uint8_t width;
} regs[] = {
	{"VENDOR_ID", 0x00, 2}, {"DEVICE_ID", 0x02, 2}, {"COMMAND", 0x04, 2}, {"STATUS", 0x06, 2},
	{"REVISION", 0x08, 1}, {"CLASS_PROG", 0x09, 1}, {"CLASS_DEVICE", 0x0a, 2},
	{"CACHE_LINE_SIZE", 0x0c, 1}, {"LATENCY_TIMER", 0x0d, 1}, {"HEADER_TYPE", 0x0e, 1},
	{"BIST", 0x0f, 1}, {"BASE_ADDRESS_0", 0x10, 4}, {"BASE_ADDRESS_1", 0x14, 4},
	{"BASE_ADDRESS_2", 0x18, 4}, {"BASE_ADDRESS_3", 0x1c, 4}, {"BASE_ADDRESS_4", 0x20, 4},
	{"BASE_ADDRESS_5", 0x24, 4}, {"CARDBUS_CIS", 0x28, 4}, {"SUBSYSTEM_VENDOR_ID", 0x2c, 2},
	{"SUBSYSTEM_ID", 0x2e, 2}, {"ROM_ADDRESS", 0x30, 4}, {"CAPABILITIES", 0x34, 1},
	{"INTERRUPT_LINE", 0x3c, 1}, {"INTERRUPT_PIN", 0x3d, 1}, {"MIN_GNT", 0x3e, 1},
	{"MAX_LAT", 0x3f, 1}, {"PRIMARY_BUS", 0x18, 1}, {"SECONDARY_BUS", 0x19, 1},
	{"SUBORDINATE_BUS", 0x1a, 1}, {"SEC_LATENCY_TIMER", 0x1b, 1}, {"IO_BASE", 0x1c, 1},
	{"IO_LIMIT", 0x1d, 1}, {"SEC_STATUS", 0x1e, 2}, {"MEMORY_BASE", 0x20, 2},
	{"MEMORY_LIMIT", 0x22, 2}, {"PREF_MEMORY_BASE", 0x24, 2}, {"PREF_MEMORY_LIMIT", 0x26, 2},
	{"PREF_BASE_UPPER32", 0x28, 4}, {"PREF_LIMIT_UPPER32", 0x2c, 4}, {"IO_BASE_UPPER16", 0x30, 2},
	{"IO_LIMIT_UPPER16", 0x32, 2}, {"BRIDGE_ROM_ADDRESS", 0x38, 4}, {"BRIDGE_CONTROL", 0x3e, 2},
	{NULL, 0, 0},
};

/* setpci --dumpregs: capability names (CAP_ standard, ECAP_ extended) and their IDs */
static const struct named_cap {
	const char *name;
	uint16_t id;
	bool ext;
} caps[] = {
	{"CAP_PM", 0x01, false}, {"CAP_AGP", 0x02, false}, {"CAP_VPD", 0x03, false},
	{"CAP_SLOTID", 0x04, false}, {"CAP_MSI", 0x05, false}, {"CAP_CHSWP", 0x06, false},
	{"CAP_PCIX", 0x07, false}, {"CAP_HT", 0x08, false}, {"CAP_VNDR", 0x09, false},
	{"CAP_DBG", 0x0a, false}, {"CAP_CCRC", 0x0b, false}, {"CAP_HOTPLUG", 0x0c, false},
	{"CAP_SSVID", 0x0d, false}, {"CAP_AGP3", 0x0e, false}, {"CAP_SECURE", 0x0f, false},
	{"CAP_EXP", 0x10, false}, {"CAP_MSIX", 0x11, false}, {"CAP_SATA", 0x12, false},
	{"CAP_AF", 0x13, false}, {"CAP_EA", 0x14, false},
	{"ECAP_AER", 0x01, true}, {"ECAP_VC", 0x02, true}, {"ECAP_DSN", 0x03, true},
	{"ECAP_PB", 0x04, true}, {"ECAP_RCLINK", 0x05, true}, {"ECAP_RCILINK", 0x06, true},
	{"ECAP_RCEC", 0x07, true}, {"ECAP_MFVC", 0x08, true}, {"ECAP_VC2", 0x09, true},
	{"ECAP_RBCB", 0x0a, true}, {"ECAP_VNDR", 0x0b, true}, {"ECAP_ACS", 0x0d, true},
	{"ECAP_ARI", 0x0e, true}, {"ECAP_ATS", 0x0f, true}, {"ECAP_SRIOV", 0x10, true},
	{"ECAP_MRIOV", 0x11, true}, {"ECAP_MCAST", 0x12, true}, {"ECAP_PRI", 0x13, true},
	{"ECAP_REBAR", 0x15, true}, {"ECAP_DPA", 0x16, true}, {"ECAP_TPH", 0x17, true},
	{"ECAP_LTR", 0x18, true}, {"ECAP_SECPCI", 0x19, true}, {"ECAP_PMUX", 0x1a, true},
	{"ECAP_PASID", 0x1b, true}, {"ECAP_LNR", 0x1c, true}, {"ECAP_DPC", 0x1d, true},
	{"ECAP_L1PM", 0x1e, true}, {"ECAP_PTM", 0x1f, true}, {"ECAP_M_PCIE", 0x20, true},
	{"ECAP_FRS", 0x21, true}, {"ECAP_RTR", 0x22, true}, {"ECAP_DVSEC", 0x23, true},
	{"ECAP_VF_REBAR", 0x24, true}, {"ECAP_DLNK", 0x25, true}, {"ECAP_16GT", 0x26, true},
	{"ECAP_LMR", 0x27, true}, {"ECAP_HIER_ID", 0x28, true}, {"ECAP_NPEM", 0x29, true},
	{NULL, 0, false},
};

static const char forms[] =
	"setpci's forms: -s [[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]], -d [VENDOR]:[DEVICE][:CLASS[:PROGIF]], "
	"-v, -f, -D, -r, then REG[.B|.W|.L] (a read) or REG[.B|.W|.L]=VALUE[:MASK][,...] (a write), "
	"REG a hex offset, a register name (COMMAND, STATUS, ...), CAP_NAME, ECAP_NAME, CAPid or ECAPid, "
	"with +OFFSET and @N";

/* A selection: -1 in a field matches any value. */
struct selector {
	int bus, slot, func;   /* -s */
	long vendor, device;   /* -d */
	char cls[5];           /* -d CLASS, "" for any, 'x' for any digit */
	int progif;
};

/* One operation. */
struct op {
	size_t sel;            /* the selection it applies to */
	size_t pos;            /* where it starts in the argument text */
	const char *text;      /* the operation as written (for messages) */
	size_t text_len;
	/* the register */
	bool numeric;
	uint16_t off;          /* numeric offset, or a named register's, or +OFFSET for a capability */
	const struct named_cap *cap; /* NULL: not in a capability */
	uint16_t cap_id;
	bool cap_ext;
	unsigned instance;     /* @N */
	unsigned width;        /* 0: none given (a named register's) */
	/* the values of a write */
	bool write;
	size_t nvals;
	uint32_t vals[16], masks[16];
	bool has_mask[16];
};

struct setpci {
	struct selector sel[16];
	size_t nsel;
	struct op ops[64];
	size_t nops;
	bool demo, quiet_empty;
};

/* An error at byte @pos of the argument text (its place in the file where it can tell). */
static int at(struct pcisim_diag *d, const struct pcisim_step *s, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int at(struct pcisim_diag *d, const struct pcisim_step *s, size_t pos, const char *fmt, ...)
{
	if (!d)
		return -1;
	const struct pcisim_pval *v = pcisim_step_param(s, "args");
	struct pcisim_loc loc = v->node->loc;
	if (!strchr(v->node->str, '\n'))
		loc.col += (unsigned)pos + (v->node->quoted ? 1 : 0);
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pcisim_diag_error(d, loc, "setpci: %s; %s", msg, forms);
}

static bool hex_all(const char *s, size_t n, unsigned long *out)
{
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2, n -= 2;
	if (!n || n > 8)
		return false;
	unsigned long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		v = v * 16 + (unsigned long)(isdigit((unsigned char)s[i]) ? s[i] - '0'
									  : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*out = v;
	return true;
}

/* A part of an address or an ID: empty or "*" is any (-1). */
static bool part(const char *s, size_t n, unsigned long max, long *out)
{
	unsigned long v;
	if (!n || (n == 1 && *s == '*')) {
		*out = -1;
		return true;
	}
	if (!hex_all(s, n, &v) || v > max)
		return false;
	*out = (long)v;
	return true;
}

static int parse_slot(const char *w, struct selector *sel)
{
	/* [[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]] */
	const char *dot = strchr(w, '.');
	size_t head = dot ? (size_t)(dot - w) : strlen(w);
	const char *c1 = memchr(w, ':', head), *c2 = c1 ? memchr(c1 + 1, ':', head - (size_t)(c1 + 1 - w)) : NULL;
	long dom = -1, bus = -1, slot = -1, func = -1;
	const char *slot_start = w;
	if (c2) {
		if (!part(w, (size_t)(c1 - w), 0xffff, &dom) || !part(c1 + 1, (size_t)(c2 - c1 - 1), 0xff, &bus))
			return -1;
		slot_start = c2 + 1;
	} else if (c1) {
		if (!part(w, (size_t)(c1 - w), 0xff, &bus))
			return -1;
		slot_start = c1 + 1;
	}
	if (!part(slot_start, (size_t)(w + head - slot_start), 0x1f, &slot))
		return -1;
	if (dot && !part(dot + 1, strlen(dot + 1), 7, &func))
		return -1;
	if (dom > 0)
		return -1; /* one PCI domain */
	sel->bus = (int)bus;
	sel->slot = (int)slot;
	sel->func = (int)func;
	return 0;
}

static int parse_id(const char *w, struct selector *sel)
{
	/* [VENDOR]:[DEVICE][:CLASS[:PROGIF]] */
	const char *c1 = strchr(w, ':');
	if (!c1)
		return -1;
	const char *c2 = strchr(c1 + 1, ':');
	const char *c3 = c2 ? strchr(c2 + 1, ':') : NULL;
	long v;
	if (!part(w, (size_t)(c1 - w), 0xffff, &sel->vendor))
		return -1;
	if (!part(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1), 0xffff, &sel->device))
		return -1;
	if (c2) {
		size_t n = c3 ? (size_t)(c3 - c2 - 1) : strlen(c2 + 1);
		if (n > 4)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (!isxdigit((unsigned char)c2[1 + i]) && c2[1 + i] != 'x' && c2[1 + i] != 'X')
				return -1;
		if (n == 1 && c2[1] == '*')
			n = 0;
		snprintf(sel->cls, sizeof(sel->cls), "%.*s", (int)n, c2 + 1);
	}
	if (c3) {
		if (!part(c3 + 1, strlen(c3 + 1), 0xff, &v))
			return -1;
		sel->progif = (int)v;
	}
	return 0;
}

/* REG[+OFF][@N][.W][=VALUES] at @w (@len bytes), starting at byte @pos of the text */
static int parse_op(const struct pcisim_step *s, const char *w, size_t len, size_t pos,
		    struct op *op, struct pcisim_diag *d)
{
	char tok[256];
	snprintf(tok, sizeof(tok), "%.*s", (int)len, w);
	op->pos = pos;
	op->text = w;
	op->text_len = len;
	char *eq = strchr(tok, '=');
	if (eq)
		*eq = 0;
	/* the register's name or number: up to the first + @ . */
	size_t nlen = strcspn(tok, "+@.");
	char name[64];
	snprintf(name, sizeof(name), "%.*s", (int)(nlen < 63 ? nlen : 63), tok);
	unsigned long v;
	const struct named_reg *r = NULL;
	for (size_t i = 0; regs[i].name; i++)
		if (!strcasecmp(regs[i].name, name))
			r = &regs[i];
	if (r) {
		op->off = r->off;
		op->width = r->width;
	} else if (!strncasecmp(name, "CAP_", 4) || !strncasecmp(name, "ECAP_", 5)) {
		for (size_t i = 0; caps[i].name; i++)
			if (!strcasecmp(caps[i].name, name))
				op->cap = &caps[i];
		if (!op->cap)
			return at(d, s, pos, "unknown capability '%s'%s (setpci --dumpregs lists CAP_EXP, CAP_MSI, ECAP_AER, ...)",
				  name, "");
		op->cap_id = op->cap->id;
		op->cap_ext = op->cap->ext;
	} else if ((!strncasecmp(name, "ECAP", 4) && hex_all(name + 4, strlen(name + 4), &v) && v <= 0xffff) ||
		   (!strncasecmp(name, "CAP", 3) && strncasecmp(name, "ECAP", 4) &&
		    hex_all(name + 3, strlen(name + 3), &v) && v <= 0xff)) {
		op->cap_ext = toupper((unsigned char)name[0]) == 'E';
		op->cap_id = (uint16_t)v;
		static const struct named_cap by_id = {"CAPid", 0, false}; /* by its number */
		op->cap = &by_id;
	} else if (hex_all(name, nlen, &v)) {
		if (v >= PCISIM_CFG_PCIE_SIZE)
			return at(d, s, pos, "register %s is outside configuration space (0 to fff)%s", name, "");
		op->numeric = true;
		op->off = (uint16_t)v;
	} else {
		return at(d, s, pos, "unknown register '%s'%s", name, "");
	}
	/* suffixes, each at most once */
	bool had_plus = false, had_at = false, had_width = false;
	for (char *p = tok + nlen; *p;) {
		char k = *p++;
		size_t n = strcspn(p, "+@.");
		char piece[32];
		snprintf(piece, sizeof(piece), "%.*s", (int)(n < 31 ? n : 31), p);
		if (k == '+' && !had_plus) {
			if (!hex_all(p, n, &v) || op->off + v >= PCISIM_CFG_PCIE_SIZE)
				return at(d, s, pos, "bad offset '+%s' in '%s'", piece, tok);
			op->off = (uint16_t)(op->off + v);
			had_plus = true;
		} else if (k == '@' && !had_at && op->cap) {
			char *end;
			unsigned long i = strtoul(piece, &end, 10);
			if (!n || *end || i > 255)
				return at(d, s, pos, "bad capability instance '@%s' in '%s'", piece, tok);
			op->instance = (unsigned)i;
			had_at = true;
		} else if (k == '.' && !had_width && n == 1 && strchr("bBwWlL", *p)) {
			op->width = tolower((unsigned char)*p) == 'b' ? 1 : tolower((unsigned char)*p) == 'w' ? 2 : 4;
			had_width = true;
		} else {
			return at(d, s, pos, "cannot read '%c%s' in the register", k, piece);
		}
		p += n;
	}
	if (!op->width)
		return at(d, s, pos, "'%s' needs a width (.B, .W or .L)%s", tok, "");
	if (op->off % op->width && !op->cap)
		return at(d, s, pos, "'%s' is not aligned to its width%s", tok, "");
	if (!eq)
		return 0;
	/* VALUE[:MASK][,VALUE[:MASK]...] */
	op->write = true;
	uint32_t max = op->width == 4 ? 0xffffffffu : (1u << (8 * op->width)) - 1;
	for (char *p = eq + 1;;) {
		size_t n = strcspn(p, ",");
		char *colon = memchr(p, ':', n);
		size_t vn = colon ? (size_t)(colon - p) : n;
		char piece[64];
		snprintf(piece, sizeof(piece), "%.*s", (int)(n < 63 ? n : 63), p);
		if (op->nvals == 16)
			return at(d, s, pos, "at most 16 values in one write ('%s')%s", tok, "");
		if (!hex_all(p, vn, &v) || v > max)
			return at(d, s, pos, "bad value '%s': a hex number that fits the width%s", piece, "");
		op->vals[op->nvals] = (uint32_t)v;
		if (colon) {
			if (!hex_all(colon + 1, n - vn - 1, &v) || v > max)
				return at(d, s, pos, "bad mask in '%s': a hex number that fits the width%s", piece, "");
			op->masks[op->nvals] = (uint32_t)v;
			op->has_mask[op->nvals] = true;
		}
		op->nvals++;
		if (!p[n])
			break;
		p += n + 1;
	}
	if (op->off + op->nvals * op->width > PCISIM_CFG_PCIE_SIZE && !op->cap)
		return at(d, s, pos, "'%s' writes past the end of configuration space%s", tok, "");
	return 0;
}

/* Parse the step's command line into @sp; errors into @d (NULL when it was checked). */
static int parse(const struct pcisim_step *s, struct setpci *sp, struct pcisim_diag *d)
{
	memset(sp, 0, sizeof(*sp));
	const char *text = pcisim_step_param(s, "args")->s;
	bool selected = false;
	const char *p = text;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, " \t");
		size_t pos = (size_t)(p - text);
		char w[256];
		snprintf(w, sizeof(w), "%.*s", (int)(n < 255 ? n : 255), p);
		if (!strcmp(w, "-s") || !strcmp(w, "-d")) {
			const char *q = p + n;
			while (*q == ' ' || *q == '\t')
				q++;
			size_t m = strcspn(q, " \t");
			char arg[128];
			snprintf(arg, sizeof(arg), "%.*s", (int)(m < 127 ? m : 127), q);
			if (!m)
				return at(d, s, pos, "option '%s' needs an argument%s", w, "");
			if (sp->nsel == 16)
				return at(d, s, pos, "at most 16 selections ('%s')%s", w, "");
			struct selector sel = {-1, -1, -1, -1, -1, "", -1};
			if (selected && sp->nops && sp->ops[sp->nops - 1].sel == sp->nsel - 1)
				; /* a new selection for the operations that follow */
			else if (selected)
				sel = sp->sel[sp->nsel - 1]; /* -s and -d together: both apply */
			if (w[1] == 's' ? parse_slot(arg, &sel) : parse_id(arg, &sel))
				return at(d, s, (size_t)(q - text), w[1] == 's'
					  ? "bad device address '%s' for %s: expected [[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]] in hex (domain 0)"
					  : "bad ID '%s' for %s: expected [VENDOR]:[DEVICE][:CLASS[:PROGIF]] in hex",
					  arg, w);
			if (selected && !(sp->nops && sp->ops[sp->nops - 1].sel == sp->nsel - 1))
				sp->sel[sp->nsel - 1] = sel;
			else
				sp->sel[sp->nsel++] = sel;
			selected = true;
			p = q + m;
			continue;
		}
		if (w[0] == '-') {
			if (!strcmp(w, "-v") || !strcmp(w, "-r")) {
			} else if (!strcmp(w, "-f")) {
				sp->quiet_empty = true;
			} else if (!strcmp(w, "-D")) {
				sp->demo = true;
			} else {
				return at(d, s, pos, "option '%s' is not supported here%s", w, "");
			}
			p += n;
			continue;
		}
		if (!selected)
			return at(d, s, pos, "operation '%s' comes before a device selection (-s or -d)%s", w, "");
		if (sp->nops == 64)
			return at(d, s, pos, "at most 64 operations ('%s')%s", w, "");
		struct op *op = &sp->ops[sp->nops];
		memset(op, 0, sizeof(*op));
		op->sel = sp->nsel - 1;
		if (parse_op(s, p, n, pos, op, d))
			return -1;
		sp->nops++;
		p += n;
	}
	if (!sp->nops)
		return at(d, s, strlen(text), "no operation given");
	return 0;
}

static bool selects(const struct selector *sel, const struct pcisim_pcifn *fn)
{
	uint8_t bus = fn->bus ? fn->bus->number : 0;
	if ((sel->bus >= 0 && sel->bus != bus) || (sel->slot >= 0 && sel->slot != fn->devfn >> 3) ||
	    (sel->func >= 0 && sel->func != (fn->devfn & 7)))
		return false;
	uint16_t vendor = pcisim_cfg_get16(&fn->cfg, PCI_VENDOR_ID);
	if ((sel->vendor >= 0 && sel->vendor != vendor) ||
	    (sel->device >= 0 && sel->device != pcisim_cfg_get16(&fn->cfg, PCI_DEVICE_ID)))
		return false;
	char cls[5];
	snprintf(cls, sizeof(cls), "%04x", pcisim_cfg_get16(&fn->cfg, PCI_CLASS_DEVICE));
	for (size_t i = 0; sel->cls[i]; i++)
		if (tolower((unsigned char)sel->cls[i]) != 'x' && tolower((unsigned char)sel->cls[i]) != cls[i])
			return false;
	return sel->progif < 0 || sel->progif == fn->cfg.bytes[PCI_CLASS_PROG];
}

/* The N-th capability @id of @fn (standard or extended), 0 when absent. */
static uint16_t find_cap(const struct pcisim_pcifn *fn, uint16_t id, bool ext, unsigned n)
{
	const struct pcisim_cfg *c = &fn->cfg;
	if (!ext) {
		if (!(pcisim_cfg_get16(c, PCI_STATUS) & PCI_STATUS_CAP_LIST))
			return 0;
		uint16_t pos = c->bytes[PCI_CAPABILITY_LIST] & 0xfc;
		for (unsigned guard = 0; pos >= 0x40 && guard < 48; guard++) {
			if (c->bytes[pos] == id && n-- == 0)
				return pos;
			pos = c->bytes[pos + 1] & 0xfc;
		}
		return 0;
	}
	if (c->size < PCISIM_CFG_PCIE_SIZE)
		return 0;
	uint16_t pos = 0x100;
	for (unsigned guard = 0; pos >= 0x100 && guard < 960; guard++) {
		uint32_t h = pcisim_cfg_get32(c, pos);
		if (!h)
			return 0;
		if ((h & 0xffff) == id && n-- == 0)
			return pos;
		pos = (uint16_t)((h >> 20) & 0xffc);
	}
	return 0;
}

static int by_address(const void *a, const void *b)
{
	const struct pcisim_pcifn *x = *(struct pcisim_pcifn *const *)a, *y = *(struct pcisim_pcifn *const *)b;
	unsigned kx = (unsigned)(x->bus ? x->bus->number : 0) << 8 | x->devfn;
	unsigned ky = (unsigned)(y->bus ? y->bus->number : 0) << 8 | y->devfn;
	if (kx != ky)
		return kx < ky ? -1 : 1;
	return x->comp.id < y->comp.id ? -1 : x->comp.id > y->comp.id;
}

static int check_setpci(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	(void)sim;
	struct setpci *sp = pcisim_malloc(sizeof(*sp));
	if (!sp)
		abort();
	int rc = parse(s, sp, d);
	pcisim_free(sp);
	return rc;
}

static int run_setpci(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct setpci *sp = pcisim_malloc(sizeof(*sp));
	if (!sp)
		abort();
	if (parse(s, sp, NULL)) {
		pcisim_free(sp);
		return -1;
	}
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	struct pcisim_pcifn **fns = pcisim_calloc(fab && fab->nfns ? fab->nfns : 1, sizeof(*fns));
	if (!fns)
		abort();
	size_t nf = 0;
	for (uint32_t i = 0; fab && i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		uint16_t vendor = pcisim_cfg_get16(&fn->cfg, PCI_VENDOR_ID);
		if (!fn->comp.removed && fn->bus && vendor != 0xffff && vendor != 0)
			fns[nf++] = fn;
	}
	qsort(fns, nf, sizeof(*fns), by_address);
	int rc = 0;
	for (size_t k = 0; k < sp->nops; k++) {
		const struct op *op = &sp->ops[k];
		size_t hits = 0;
		for (size_t i = 0; i < nf; i++) {
			struct pcisim_pcifn *fn = fns[i];
			if (!selects(&sp->sel[op->sel], fn))
				continue;
			hits++;
			char bdf[16];
			snprintf(bdf, sizeof(bdf), "%02x:%02x.%x", fn->bus->number, fn->devfn >> 3, fn->devfn & 7);
			uint16_t off = op->off;
			if (op->cap) {
				uint16_t base = find_cap(fn, op->cap_id, op->cap_ext, op->instance);
				if (!base) {
					pcisim_log(sim, &fn->comp, "setpci", "%s: %.*s: capability not found", bdf,
						   (int)strcspn(op->text, "+@.="), op->text);
					rc = -1;
					continue;
				}
				off = (uint16_t)(base + op->off);
				if (off % op->width || off + op->width * (op->nvals ? op->nvals : 1) > fn->cfg.size) {
					pcisim_log(sim, &fn->comp, "setpci", "%s: %.*s: unaligned or outside config space",
						   bdf, (int)op->text_len, op->text);
					rc = -1;
					continue;
				}
			}
			struct pcisim_raw_op r = {0};
			r.space = PCISIM_RAW_CFG;
			r.bus = fn->bus->number;
			r.devfn = fn->devfn;
			r.len = op->width;
			r.bar = -1;
			r.via = "setpci";
			r.step = s;
			/* the register as it was written, for the records (kept as long as the run) */
			char regtext[256];
			snprintf(regtext, sizeof(regtext), "%.*s", (int)op->text_len, op->text);
			regtext[strcspn(regtext, "=")] = 0;
			r.reg = pcisim_arena_strdup(&fab->arena, regtext);
			if (!op->write) {
				r.off = off;
				pcisim_raw_submit(sim, &r);
				continue;
			}
			if (sp->demo)
				continue;
			for (size_t j = 0; j < op->nvals; j++) {
				r.write = true;
				r.off = (uint16_t)(off + j * op->width);
				r.value = op->vals[j];
				r.has_mask = op->has_mask[j];
				r.mask = op->masks[j];
				pcisim_raw_submit(sim, &r);
			}
		}
		if (!hits && !sp->quiet_empty) {
			pcisim_log(sim, NULL, "setpci", "Warning: No devices selected for \"%.*s\".",
				   (int)op->text_len, op->text);
		}
	}
	pcisim_free(fns);
	pcisim_free(sp);
	return rc;
}

static const struct pcisim_param_def setpci_params[] = {
	{"args", PCISIM_P_STR, true, "setpci's command line: -s 00:12.0 CAP_EXP+1a.w=1f", NULL, 0, 0, NULL},
	{0},
};

const struct pcisim_action_def pcisim_setpci_actions[] = {
	{"setpci", "setpci's command line: selections (-s, -d) and register reads and writes, as raw config accesses",
	 setpci_params, false, check_setpci, run_setpci},
	{0},
};
