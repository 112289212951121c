/*
 * The run as a Value Change Dump (IEEE 1364-2005 §18), for GTKWave and every other
 * waveform viewer: a scope per component (its path, one level per '/'), a variable
 * per register, register field, link and slot state the run changes.
 *
 * VCD wants every variable declared before the first value, but which variables a
 * run changes is known only as it goes. So the value changes are written as the
 * records stream, to a temporary file, with each variable declared (in memory) the
 * first time it changes; when the run ends, the declarations are written to the
 * output, then the value changes copied after them. Memory holds the variables (a
 * bounded number per component), never the records.
 *
 * A variable changes at most once per time: the values a run sets at one simulated
 * time (an LTSSM that goes Detect, Polling, Configuration, L0 in zero time) are
 * written once, with the last one, when the time moves on (VCD has no order inside a
 * time step). String variables (GTKWave's "string" type) hold state names.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/core/component.h"
#include "sim/core/grow.h"
#include "sim/pcie/cfgspace.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "tools/timeline.h"

#define NONE UINT32_MAX

enum vtype { V_WIRE, V_INTEGER, V_STRING, V_EVENT };

struct var {
	char *name;
	uint32_t scope, next;
	enum vtype type;
	unsigned width;
	uint64_t val, written;
	char *sval, *swritten;
	bool has_written, dirty, fired;
};

struct scope {
	char *name;
	uint32_t first_child, last_child, next_sibling;
	uint32_t first_var, last_var;
};

/* Functions whose AER status registers are read at every record (see sample_aer). */
#define MAX_AER_WATCH 256

/* A function whose AER status registers are read at every record. */
struct aer_watch {
	struct pcisim_pcifn *fn;
	uint32_t comp_id;
	uint16_t aer;          /* its AER capability's offset */
	uint32_t uncor, cor;   /* its UncorErrSta and CorErrSta variables */
};

struct vcd {
	struct pcisim_sink sink; /* first: the trace frees the sink as this struct */
	struct pcisim_sim *sim;
	FILE *body;              /* the value changes, until the declarations are known */
	char *title;
	struct scope *scopes;
	size_t nscopes, capscopes;
	struct var *vars;
	size_t nvars, capvars;
	uint32_t *dirty;
	size_t ndirty, capdirty;
	uint32_t *comp_scope; /* by component id: scope + 1, 0 unknown */
	bool *aer_logged;     /* by component id: a function that logged an AER error */
	struct aer_watch watched[MAX_AER_WATCH]; /* the first MAX_AER_WATCH of them, read at every record */
	size_t nwatched;
	size_t capcomp, caplogged;
	uint32_t run_scope;
	pcisim_time now;
	struct pcisim_timeline_fns fns;
	struct pcisim_timeline_io io;
	uint32_t *io_var; /* by workload index: its in_flight variable */
	size_t capio_var;
	uint32_t pending_var;
};

static struct vcd *to_vcd(struct pcisim_sink *s)
{
	return (struct vcd *)s;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d) {
		fprintf(stderr, "pcisim: out of memory\n");
		abort();
	}
	return d;
}

/* A name VCD readers take as one identifier: no spaces, and no '.', which GTKWave
 * uses between the levels of a hierarchy. */
static char *vcd_name(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (!d)
		abort();
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		d[i] = c <= ' ' || c >= 0x7f || c == '.' || c == '$' ? '_' : (char)c;
	}
	d[n] = 0;
	return d;
}

/* ---- scopes and variables ---- */

static uint32_t scope_new(struct vcd *v, uint32_t parent, const char *name, size_t n)
{
	v->scopes = pcisim_grow(v->scopes, &v->capscopes, v->nscopes + 1, sizeof(*v->scopes));
	uint32_t i = (uint32_t)v->nscopes++;
	v->scopes[i] = (struct scope){vcd_name(name, n), NONE, NONE, NONE, NONE, NONE};
	if (parent != NONE) {
		struct scope *p = &v->scopes[parent];
		if (p->last_child == NONE)
			p->first_child = i;
		else
			v->scopes[p->last_child].next_sibling = i;
		p->last_child = i;
	}
	return i;
}

static uint32_t scope_child(struct vcd *v, uint32_t parent, const char *name, size_t n)
{
	char *want = vcd_name(name, n);
	for (uint32_t c = v->scopes[parent].first_child; c != NONE; c = v->scopes[c].next_sibling)
		if (!strcmp(v->scopes[c].name, want)) {
			free(want);
			return c;
		}
	free(want);
	return scope_new(v, parent, name, n);
}

/* The scope of a component's path, one level per '/', below the root. */
static uint32_t scope_of_path(struct vcd *v, const char *path)
{
	uint32_t s = 0;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (n)
			s = scope_child(v, s, p, n);
		p += n;
		if (*p)
			p++;
	}
	return s;
}

/*
 * The scope of @r's component: its path, one level per '/', below the root. Another
 * machine's component (machines:) has a path that starts with the machine's name
 * and no id of the engine's: found by its path each time.
 */
static uint32_t scope_of(struct vcd *v, const struct pcisim_record *r)
{
	if (!r->comp_path)
		return v->run_scope;
	if (r->comp_id == UINT32_MAX)
		return scope_of_path(v, r->comp_path);
	if (r->comp_id >= v->capcomp) {
		size_t old = v->capcomp;
		v->comp_scope = pcisim_grow(v->comp_scope, &v->capcomp, (size_t)r->comp_id + 1,
					    sizeof(*v->comp_scope));
		memset(v->comp_scope + old, 0, (v->capcomp - old) * sizeof(*v->comp_scope));
	}
	if (v->comp_scope[r->comp_id])
		return v->comp_scope[r->comp_id] - 1;
	uint32_t s = scope_of_path(v, r->comp_path);
	v->comp_scope[r->comp_id] = s + 1;
	return s;
}

static uint32_t var_get(struct vcd *v, uint32_t scope, const char *name, enum vtype type, unsigned width)
{
	struct scope *sc = &v->scopes[scope];
	for (uint32_t i = sc->first_var; i != NONE; i = v->vars[i].next)
		if (!strcmp(v->vars[i].name, name))
			return i;
	v->vars = pcisim_grow(v->vars, &v->capvars, v->nvars + 1, sizeof(*v->vars));
	uint32_t i = (uint32_t)v->nvars++;
	v->vars[i] = (struct var){.name = vcd_name(name, strlen(name)), .scope = scope, .next = NONE,
				  .type = type, .width = width};
	sc = &v->scopes[scope];
	if (sc->last_var == NONE)
		sc->first_var = i;
	else
		v->vars[sc->last_var].next = i;
	sc->last_var = i;
	return i;
}

static void mark(struct vcd *v, uint32_t i)
{
	if (v->vars[i].dirty)
		return;
	v->vars[i].dirty = true;
	v->dirty = pcisim_grow(v->dirty, &v->capdirty, v->ndirty + 1, sizeof(*v->dirty));
	v->dirty[v->ndirty++] = i;
}

static void set_u(struct vcd *v, uint32_t i, uint64_t val)
{
	v->vars[i].val = val;
	mark(v, i);
}

static void set_s(struct vcd *v, uint32_t i, const char *s)
{
	struct var *x = &v->vars[i];
	if (!x->sval || strcmp(x->sval, s)) {
		free(x->sval);
		x->sval = xstrdup(s);
	}
	mark(v, i);
}

static void fire(struct vcd *v, uint32_t i)
{
	v->vars[i].fired = true;
	mark(v, i);
}

/* ---- output ---- */

/* Identifier codes: printable ASCII '!'..'~', base 94, from the variable's index. */
static void var_code(uint32_t i, char *buf)
{
	size_t n = 0;
	do {
		buf[n++] = (char)('!' + i % 94);
		i /= 94;
	} while (i);
	buf[n] = 0;
}

/* A vector's value: "b", its binary digits without leading zeros, the code. */
static void put_bits(FILE *out, uint64_t val, const char *code)
{
	char bits[65];
	int n = 0;
	for (int b = 63; b >= 0; b--)
		if (n || (val >> b & 1) || b == 0)
			bits[n++] = (char)('0' + (val >> b & 1));
	bits[n] = 0;
	fprintf(out, "b%s %s\n", bits, code);
}

static void put_value(FILE *out, const struct var *x, uint32_t i)
{
	char code[8];
	var_code(i, code);
	switch (x->type) {
	case V_EVENT:
		fprintf(out, "1%s\n", code);
		break;
	case V_STRING: {
		/* a value is one token: no spaces (state names have none; "-" for empty) */
		fputc('s', out);
		for (const char *c = x->sval[0] ? x->sval : "-"; *c; c++)
			fputc((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f ? '_' : *c, out);
		fprintf(out, " %s\n", code);
		break;
	}
	case V_WIRE:
		if (x->width == 1) {
			fprintf(out, "%c%s\n", x->val & 1 ? '1' : '0', code);
			break;
		}
		put_bits(out, x->val, code);
		break;
	case V_INTEGER:
		put_bits(out, x->val, code);
		break;
	}
}

/* Write the changes of the time just over, each variable once, if its value moved. */
static void flush(struct vcd *v)
{
	bool stamped = v->now == 0; /* time 0 is the $dumpvars block's */
	for (size_t k = 0; k < v->ndirty; k++) {
		uint32_t i = v->dirty[k];
		struct var *x = &v->vars[i];
		x->dirty = false;
		bool changed = x->type == V_EVENT ? x->fired
			       : x->type == V_STRING ? !x->swritten || strcmp(x->swritten, x->sval)
						     : !x->has_written || x->written != x->val;
		if (!changed)
			continue;
		if (!stamped) {
			fprintf(v->body, "#%llu\n", (unsigned long long)v->now);
			stamped = true;
		}
		put_value(v->body, x, i);
		x->fired = false;
		x->has_written = true;
		x->written = x->val;
		if (x->type == V_STRING) {
			free(x->swritten);
			x->swritten = xstrdup(x->sval);
		}
	}
	v->ndirty = 0;
	/* what the run wrote so far, for --max-output (the body is a regular file) */
	off_t at = ftello(v->body);
	if (at > 0)
		v->sink.bytes = (uint64_t)at;
}

/* ---- records to variables ---- */

struct bitfield {
	const char *name;
	uint32_t mask;
};

static const struct bitfield sltsta_fields[] = {
	{"ABP", PCI_EXP_SLTSTA_ABP},     {"PFD", PCI_EXP_SLTSTA_PFD},   {"MRLSC", PCI_EXP_SLTSTA_MRLSC},
	{"PDC", PCI_EXP_SLTSTA_PDC},     {"CC", PCI_EXP_SLTSTA_CC},     {"MRLSS", PCI_EXP_SLTSTA_MRLSS},
	{"PDS", PCI_EXP_SLTSTA_PDS},     {"EIS", PCI_EXP_SLTSTA_EIS},   {"DLLSC", PCI_EXP_SLTSTA_DLLSC},
	{0},
};

static const struct bitfield sltctl_fields[] = {
	{"ABPE", PCI_EXP_SLTCTL_ABPE},   {"PFDE", PCI_EXP_SLTCTL_PFDE}, {"MRLSCE", PCI_EXP_SLTCTL_MRLSCE},
	{"PDCE", PCI_EXP_SLTCTL_PDCE},   {"CCIE", PCI_EXP_SLTCTL_CCIE}, {"HPIE", PCI_EXP_SLTCTL_HPIE},
	{"AIC", PCI_EXP_SLTCTL_AIC},     {"PIC", PCI_EXP_SLTCTL_PIC},   {"PCC", PCI_EXP_SLTCTL_PCC},
	{"EIC", PCI_EXP_SLTCTL_EIC},     {"DLLSCE", PCI_EXP_SLTCTL_DLLSCE},
	{0},
};

/* A register as a vector and each of its fields as a wire of the field's width. */
static void set_register(struct vcd *v, uint32_t scope, const char *reg, unsigned width,
			 const struct bitfield *fields, uint64_t val)
{
	set_u(v, var_get(v, scope, reg, V_WIRE, width), val);
	for (const struct bitfield *f = fields; f && f->name; f++) {
		char name[64];
		snprintf(name, sizeof(name), "%s_%s", reg, f->name);
		unsigned shift = (unsigned)__builtin_ctz(f->mask);
		set_u(v, var_get(v, scope, name, V_WIRE, (unsigned)__builtin_popcount(f->mask)),
		      (val & f->mask) >> shift);
	}
}

static const struct pcisim_field *field(const struct pcisim_record *r, const char *name)
{
	return pcisim_timeline_field(r, name);
}

static uint64_t num(const struct pcisim_record *r, const char *name)
{
	const struct pcisim_field *f = field(r, name);
	return f && f->type != PCISIM_F_STR ? f->u : 0;
}

static const char *str(const struct pcisim_record *r, const char *name)
{
	const struct pcisim_field *f = field(r, name);
	return f && f->type == PCISIM_F_STR && f->s ? f->s : "";
}

/*
 * The AER status registers of the functions that logged an error, read from config
 * space at every record (the records carry the error, not the register after the
 * host cleared it or a reset restored it). Up to MAX_AER_WATCH functions are read at
 * every record; any beyond those only at their own records, so a storm through
 * thousands of functions costs no more per record than a small one.
 */

/* The function behind @comp_id with its AER capability and variables; false if none. */
static bool aer_find(struct vcd *v, uint32_t comp_id, struct aer_watch *w)
{
	struct pcisim_comp *c = pcisim_comp_by_id(v->sim, comp_id);
	struct pcisim_pcifn *fn = pcisim_timeline_fn(&v->fns, v->sim, c);
	uint16_t aer = fn && !c->removed ? pcisim_cfg_find_ext_cap(&fn->cfg, PCI_EXT_CAP_ID_ERR) : 0;
	if (!aer)
		return false;
	uint32_t s = v->comp_scope[comp_id] - 1; /* known: the function had a record */
	*w = (struct aer_watch){fn, comp_id, aer, var_get(v, s, "UncorErrSta", V_WIRE, 32),
				var_get(v, s, "CorErrSta", V_WIRE, 32)};
	return true;
}

static void aer_read(struct vcd *v, const struct aer_watch *w)
{
	if (w->fn->comp.removed)
		return;
	set_u(v, w->uncor, pcisim_cfg_get32(&w->fn->cfg, (uint16_t)(w->aer + PCI_ERR_UNCOR_STATUS)));
	set_u(v, w->cor, pcisim_cfg_get32(&w->fn->cfg, (uint16_t)(w->aer + PCI_ERR_COR_STATUS)));
}

static void sample_aer(struct vcd *v, const struct pcisim_record *r)
{
	if (r->comp_id != UINT32_MAX && !strcmp(r->kind, "aer.error")) {
		if (r->comp_id >= v->caplogged) {
			size_t old = v->caplogged;
			v->aer_logged = pcisim_grow(v->aer_logged, &v->caplogged, (size_t)r->comp_id + 1,
						   sizeof(*v->aer_logged));
			memset(v->aer_logged + old, 0, (v->caplogged - old) * sizeof(*v->aer_logged));
		}
		if (!v->aer_logged[r->comp_id]) {
			v->aer_logged[r->comp_id] = true;
			if (v->nwatched < MAX_AER_WATCH && aer_find(v, r->comp_id, &v->watched[v->nwatched]))
				v->nwatched++;
		}
	}
	bool own_read = false;
	for (size_t i = 0; i < v->nwatched; i++) {
		aer_read(v, &v->watched[i]);
		own_read |= v->watched[i].comp_id == r->comp_id;
	}
	struct aer_watch w;
	if (!own_read && r->comp_id < v->caplogged && v->aer_logged[r->comp_id] && aer_find(v, r->comp_id, &w))
		aer_read(v, &w);
}

static void record_vars(struct vcd *v, const struct pcisim_record *r)
{
	uint32_t s = scope_of(v, r);
	const char *k = r->kind;
	if (!strcmp(k, "slot.sta")) {
		set_register(v, s, "SltSta", 16, sltsta_fields, num(r, "new"));
	} else if (!strcmp(k, "slot.ctl")) {
		set_register(v, s, "SltCtl", 16, sltctl_fields, num(r, "new"));
	} else if (!strcmp(k, "link.dllla")) {
		set_u(v, var_get(v, s, "LnkSta_DLLLA", V_WIRE, 1), num(r, "active"));
	} else if (!strcmp(k, "link.ltssm")) {
		const char *to = str(r, "to");
		set_s(v, var_get(v, s, "LTSSM", V_STRING, 1), to);
		/* Link Training: the LTSSM is in Configuration or Recovery (PCIe r6.0 §7.5.3.8) */
		set_u(v, var_get(v, s, "LnkSta_LT", V_WIRE, 1),
		      !strcmp(to, "Configuration") || !strcmp(to, "Recovery"));
	} else if (!strcmp(k, "link.status")) {
		set_s(v, var_get(v, s, "link_speed", V_STRING, 1), str(r, "speed"));
		set_u(v, var_get(v, s, "link_width", V_INTEGER, 32), num(r, "width"));
	} else if (!strcmp(k, "link.state")) {
		set_s(v, var_get(v, s, "set_link", V_STRING, 1), str(r, "state"));
	} else if (!strcmp(k, "pci.power")) {
		set_u(v, var_get(v, s, "power", V_WIRE, 1), num(r, "on"));
	} else if (!strcmp(k, "pci.device") || !strcmp(k, "pci.hotplug")) {
		set_u(v, var_get(v, s, "present", V_WIRE, 1), 1);
	} else if (!strcmp(k, "pci.unplug")) {
		set_u(v, var_get(v, s, "present", V_WIRE, 1), 0);
	} else if (!strcmp(k, "pciehp.state")) {
		set_s(v, var_get(v, s, "state", V_STRING, 1), str(r, "to"));
	} else if (!strcmp(k, "aer.root")) {
		set_u(v, var_get(v, s, "RootErrSta", V_WIRE, 32), num(r, "new"));
	} else if (!strcmp(k, "dpc.trigger") || !strcmp(k, "dpc.release")) {
		set_u(v, var_get(v, s, "DpcSta", V_WIRE, 16), num(r, "status"));
	} else if (!strcmp(k, "aer.io_state")) {
		set_s(v, var_get(v, s, "channel", V_STRING, 1), str(r, "to"));
	} else if (!strcmp(k, "aer.recovery")) {
		set_s(v, var_get(v, s, "recovery", V_STRING, 1), str(r, "event"));
	} else if (!strcmp(k, "irq")) {
		fire(v, var_get(v, s, str(r, "wire")[0] ? str(r, "wire") : "irq", V_EVENT, 1));
	} else if (!strcmp(k, "action") && !strcmp(str(r, "do"), "migrate")) {
		set_s(v, var_get(v, s, "migration", V_STRING, 1), "active");
	} else if (!strcmp(k, "migration")) {
		set_s(v, var_get(v, s, "migration", V_STRING, 1), str(r, "result"));
	}
	sample_aer(v, r);
}

/* What no record carries, read at each record: the event queue, I/O in flight. */
static void sample_counters(struct vcd *v, const struct pcisim_record *r)
{
	if (pcisim_timeline_io_learn(&v->io, r)) {
		if (v->io.n > v->capio_var) {
			size_t old = v->capio_var;
			v->io_var = pcisim_grow(v->io_var, &v->capio_var, v->io.n, sizeof(*v->io_var));
			for (size_t i = old; i < v->capio_var; i++)
				v->io_var[i] = NONE;
		}
		uint32_t w = (uint32_t)v->io.n - 1; /* the newest; a known one has its variable */
		if (v->io_var[w] == NONE) {
			char name[128];
			snprintf(name, sizeof(name), "in_flight_%s", v->io.names[w]);
			v->io_var[w] = var_get(v, scope_of(v, r), name, V_INTEGER, 32);
		}
	}
	pcisim_timeline_io_sample(&v->io, v->sim);
	for (size_t i = 0; i < v->io.n && i < v->capio_var; i++)
		if (v->io_var[i] != NONE)
			set_u(v, v->io_var[i], v->io.in_flight[i]);
	if (v->pending_var == NONE)
		v->pending_var = var_get(v, v->run_scope, "events_pending", V_INTEGER, 32);
	set_u(v, v->pending_var, v->sim->pending);
}

static void vcd_emit(struct pcisim_sink *s, const struct pcisim_record *r)
{
	struct vcd *v = to_vcd(s);
	if (r->t != v->now) {
		flush(v);
		v->now = r->t;
	}
	record_vars(v, r);
	sample_counters(v, r);
}

/* ---- declarations, then the body ---- */

static void put_scope(struct vcd *v, FILE *out, uint32_t s)
{
	const struct scope *sc = &v->scopes[s];
	fprintf(out, "$scope module %s $end\n", sc->name);
	for (uint32_t i = sc->first_var; i != NONE; i = v->vars[i].next) {
		const struct var *x = &v->vars[i];
		char code[8];
		var_code(i, code);
		static const char *const tname[] = {[V_WIRE] = "wire", [V_INTEGER] = "integer",
						    [V_STRING] = "string", [V_EVENT] = "event"};
		if (x->type == V_WIRE && x->width > 1)
			fprintf(out, "$var wire %u %s %s [%u:0] $end\n", x->width, code, x->name, x->width - 1);
		else
			fprintf(out, "$var %s %u %s %s $end\n", tname[x->type], x->width, code, x->name);
	}
	for (uint32_t c = sc->first_child; c != NONE; c = v->scopes[c].next_sibling)
		put_scope(v, out, c);
	fprintf(out, "$upscope $end\n");
}

static void vcd_close(struct pcisim_sink *s)
{
	struct vcd *v = to_vcd(s);
	flush(v);
	FILE *out = v->sink.out;
	char *title = vcd_name(v->title, strlen(v->title));
	fprintf(out, "$comment %s: simulated time, 1 unit = 1 ps $end\n", title);
	free(title);
	fprintf(out, "$version pcisim %s $end\n$timescale 1ps $end\n", PCISIM_VERSION);
	for (uint32_t c = v->scopes[0].first_child; c != NONE; c = v->scopes[c].next_sibling)
		put_scope(v, out, c);
	fprintf(out, "$enddefinitions $end\n#0\n$dumpvars\n");
	for (uint32_t i = 0; i < v->nvars; i++) {
		const struct var *x = &v->vars[i];
		char code[8];
		var_code(i, code);
		if (x->type == V_WIRE && x->width == 1)
			fprintf(out, "x%s\n", code);
		else if (x->type == V_WIRE || x->type == V_INTEGER)
			fprintf(out, "bx %s\n", code);
	}
	fprintf(out, "$end\n");
	/* the value changes, after the declarations */
	rewind(v->body);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), v->body)) > 0)
		fwrite(buf, 1, n, out);
	if (v->now)
		fprintf(out, "#%llu\n", (unsigned long long)v->now); /* where the run ended */
	fclose(v->body);
	for (size_t i = 0; i < v->nvars; i++) {
		free(v->vars[i].name);
		free(v->vars[i].sval);
		free(v->vars[i].swritten);
	}
	for (size_t i = 0; i < v->nscopes; i++)
		free(v->scopes[i].name);
	free(v->vars);
	free(v->scopes);
	free(v->dirty);
	free(v->comp_scope);
	free(v->aer_logged);
	free(v->io_var);
	free(v->title);
	pcisim_timeline_fns_free(&v->fns);
	pcisim_timeline_io_free(&v->io);
}

struct pcisim_sink *pcisim_sink_vcd(FILE *out, struct pcisim_sim *sim, const char *title)
{
	struct vcd *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	if (!(v->body = tmpfile())) {
		free(v);
		return NULL;
	}
	v->sink.emit = vcd_emit;
	v->sink.close = vcd_close;
	v->sink.out = out;
	v->sim = sim;
	v->title = xstrdup(title ? title : "run");
	v->pending_var = NONE;
	scope_new(v, NONE, "", 0); /* the root: its children are the top-level scopes */
	v->run_scope = scope_new(v, 0, "run", 3);
	return &v->sink;
}
