/*
 * Raw register access by the guest (raw_access.h): the guest CPU's queue, the six
 * actions and their records.
 */
#include "sim/host/raw_access.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/component.h"
#include "sim/core/diag.h"
#include "sim/core/sim.h"
#include "sim/host/cfg.h"
#include "sim/host/host.h"
#include "sim/pcie/fabric.h"
#include "sim/core/ioport.h"
#include "sim/eeh/eeh.h"
#include "sim/pcie/mmio.h"
#include "sim/pcie/regdesc.h"
#include "sim/core/heap.h"

static uint64_t ones(unsigned len)
{
	return len >= 8 ? UINT64_MAX : (1ull << (8 * len)) - 1;
}

/* ---- the guest CPU ---- */

struct guest_cpu {
	struct pcisim_sim *sim;
	struct pcisim_host_cfg cfg;  /* the configuration access under way */
	struct pcisim_raw_op *q;     /* the queue: q[head .. n) */
	size_t head, n, cap;
	bool busy;                   /* q[head] is under way */
	bool rmw_read;               /* ... and is the read of a read-modify-write */
	uint64_t old;                /* that read's value */
	struct pcisim_pcifn *fn;     /* the function q[head] is addressed to, if known */
};

static const struct pcisim_ext_key cpu_key = {"host.guest_cpu"};

static void cpu_free(void *p)
{
	struct guest_cpu *c = p;
	pcisim_free(c->q);
	pcisim_free(c);
}

static void cpu_run(struct guest_cpu *c);
static void cfg_wake(void *ctx);

static struct guest_cpu *cpu_of(struct pcisim_sim *sim)
{
	struct guest_cpu *c = pcisim_ext_get(sim, &cpu_key);
	if (c)
		return c;
	if (!(c = pcisim_calloc(1, sizeof(*c))))
		abort();
	c->sim = sim;
	/* Linux's component requests them when there is a guest; else the CPU itself */
	struct pcisim_host *h = pcisim_host_of(sim);
	pcisim_host_cfg_init(&c->cfg, sim, h ? &h->comp : NULL, cfg_wake, c);
	pcisim_ext_set(sim, &cpu_key, c, cpu_free);
	return c;
}

void pcisim_raw_submit(struct pcisim_sim *sim, const struct pcisim_raw_op *op)
{
	struct guest_cpu *c = cpu_of(sim);
	if (c->head && c->head == c->n)
		c->head = c->n = 0;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		if (!(c->q = pcisim_realloc(c->q, c->cap * sizeof(*c->q))))
			abort();
	}
	c->q[c->n++] = *op;
	if (!c->busy)
		cpu_run(c);
}

/* ---- records ---- */

static const char *kind_of(const struct pcisim_raw_op *op)
{
	static const char *const kinds[3][2] = {
		{"guest.cfg_read", "guest.cfg_write"},
		{"guest.mmio_read", "guest.mmio_write"},
		{"guest.io_read", "guest.io_write"},
	};
	return kinds[op->space][op->write];
}

/*
 * The record of a completed access: where it went (@where: the fields naming the
 * target), the value seen or written, and for a read with expect: whether it held.
 */
static void finish(struct guest_cpu *c, const struct pcisim_raw_op *op, struct pcisim_comp *comp,
		   const struct pcisim_field *where, size_t nwhere, uint64_t val, const char *status)
{
	struct pcisim_field f[16];
	size_t n = 0;
	for (size_t i = 0; i < nwhere; i++)
		f[n++] = where[i];
	f[n++] = PCISIM_FU("width", op->len);
	f[n++] = PCISIM_FX("value", val);
	if (op->write && op->has_mask) {
		f[n++] = PCISIM_FX("mask", op->mask);
		f[n++] = PCISIM_FX("old", c->old);
	}
	f[n++] = PCISIM_FS("status", status);
	bool ok = true;
	if (!op->write && op->has_expect) {
		ok = (val & op->expect_mask) == (op->expect & op->expect_mask);
		f[n++] = PCISIM_FX("expect", op->expect);
		if (op->expect_mask != ones(op->len))
			f[n++] = PCISIM_FX("expect_mask", op->expect_mask);
		f[n++] = PCISIM_FB("ok", ok);
	}
	if (op->via)
		f[n++] = PCISIM_FS("via", op->via);
	pcisim_record(c->sim, comp, kind_of(op), f, n);
	if (!ok && op->step) {
		char exp[96], obs[96], what[96 + 64 + 8];
		int w = 2 * (int)op->len;
		if (op->expect_mask != ones(op->len))
			snprintf(exp, sizeof(exp), "0x%0*llx in the bits of 0x%0*llx", w,
				 (unsigned long long)op->expect, w, (unsigned long long)op->expect_mask);
		else
			snprintf(exp, sizeof(exp), "0x%0*llx", w, (unsigned long long)op->expect);
		char wh[64] = "";
		for (size_t i = 0; i < nwhere; i++) {
			char v[40];
			pcisim_field_format(&where[i], v, sizeof(v));
			size_t l = strlen(wh);
			snprintf(wh + l, sizeof(wh) - l, "%s%s=%s", l ? " " : "", where[i].name, v);
		}
		snprintf(obs, sizeof(obs), "0x%0*llx (%s)", w, (unsigned long long)val, status);
		snprintf(what, sizeof(what), "%s from %s", exp, wh);
		pcisim_step_fail(c->sim, op->step, what, obs);
	}
}

/* ---- configuration space ---- */

/* The function @op names now (by id, or by address), or NULL. */
static struct pcisim_pcifn *fn_at(struct pcisim_sim *sim, uint8_t bus, uint8_t devfn)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	struct pcisim_pcifn *found = NULL;
	for (uint32_t i = 0; fab && i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (!fn->comp.removed && fn->bus && fn->bus->number == bus && fn->devfn == devfn)
			found = fn;
	}
	return found;
}

static void cfg_where(const struct guest_cpu *c, const struct pcisim_raw_op *op, char *bdf,
		      size_t nbdf, struct pcisim_field *f, size_t *n)
{
	snprintf(bdf, nbdf, "%02x:%02x.%x", c->cfg.bus, c->cfg.devfn >> 3, c->cfg.devfn & 7);
	*n = 0;
	f[(*n)++] = PCISIM_FS("bdf", bdf);
	f[(*n)++] = PCISIM_FX("off", op->off);
	if (op->reg)
		f[(*n)++] = PCISIM_FS("reg", op->reg);
}

/* Start the configuration access @op stands for (its read first when masked). */
static bool cfg_start(struct guest_cpu *c, const struct pcisim_raw_op *op)
{
	uint8_t bus = op->bus, devfn = op->devfn;
	c->fn = NULL;
	if (op->dev) {
		struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(c->sim), op->dev);
		if (!fn || !fn->bus || fn->comp.removed) {
			/* nothing by that id has an address now: the CPU has nowhere to send it */
			struct pcisim_field f[2] = {PCISIM_FS("dev", op->dev), PCISIM_FX("off", op->off)};
			c->old = 0;
			finish(c, op, fn ? &fn->comp : NULL, f, 2, op->write ? op->value : ones(op->len),
			       "no address");
			return false;
		}
		c->fn = fn;
		bus = fn->bus->number;
		devfn = fn->devfn;
	} else {
		c->fn = fn_at(c->sim, bus, devfn);
	}
	c->busy = true;
	c->rmw_read = op->write && op->has_mask;
	c->old = 0;
	pcisim_host_cfg_start(&c->cfg, bus, devfn, op->off, op->len, op->write && !op->has_mask,
			      (uint32_t)op->value);
	return true;
}

static void cfg_wake(void *ctx)
{
	struct guest_cpu *c = ctx;
	const struct pcisim_raw_op *op = &c->q[c->head];
	if (c->rmw_read) {
		c->rmw_read = false;
		c->old = c->cfg.val;
		if (c->cfg.status == PCISIM_CPL_SC) {
			uint32_t v = (uint32_t)((c->old & ~op->mask) | (op->value & op->mask));
			pcisim_host_cfg_start(&c->cfg, c->cfg.bus, c->cfg.devfn, op->off, op->len, true, v);
			return;
		}
		/* the read failed: a read-modify-write does not write what it could not read */
	}
	char bdf[16];
	struct pcisim_field f[4];
	size_t n;
	cfg_where(c, op, bdf, sizeof(bdf), f, &n);
	uint64_t val = op->write ? (op->has_mask ? (c->old & ~op->mask) | (op->value & op->mask)
						 : op->value)
				 : c->cfg.val;
	finish(c, op, c->fn ? &c->fn->comp : NULL, f, n, val, pcisim_cpl_status_name(c->cfg.status));
	c->busy = false;
	c->head++;
	cpu_run(c);
}

/* ---- memory and I/O space ---- */

static void mmio_do(struct guest_cpu *c, const struct pcisim_raw_op *op)
{
	struct pcisim_mmio_target t;
	struct pcisim_field f[4];
	size_t n = 0;
	if (op->bar >= 0) {
		struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(c->sim), op->dev);
		t = pcisim_mmio_bar_target(fn, (unsigned)op->bar, op->addr);
		f[n++] = PCISIM_FS("dev", op->dev);
		f[n++] = PCISIM_FU("bar", op->bar);
		f[n++] = PCISIM_FX("offset", op->addr);
	} else {
		t = pcisim_mmio_decode(c->sim, op->addr);
		f[n++] = PCISIM_FX("addr", op->addr);
	}
	const char *status = !t.fn ? "unassigned" : t.ops ? t.ops->name : "unbacked";
	c->old = 0;
	uint64_t val;
	/* On pseries the PE's freeze sits between the CPU and the function: a load of a
	 * frozen PE reads all ones, a store is dropped (both counted at the PE), and an
	 * armed ibm,errinjct error that matches this access fires here (LoPAPR 7.3.14). */
	if (t.fn && !pcisim_eeh_access(t.fn, op->write ? PCISIM_EEH_STORE_MEM : PCISIM_EEH_LOAD_MEM,
				       pcisim_mmio_bar_base(t.fn, (unsigned)t.bar) + t.off)) {
		val = op->write ? op->value : (op->len >= 8 ? UINT64_MAX : ((1ull << (op->len * 8)) - 1));
		finish(c, op, &t.fn->comp, f, n, val, "eeh-frozen");
		return;
	}
	if (!op->write) {
		val = pcisim_mmio_read(&t, op->len);
	} else {
		val = op->value;
		if (op->has_mask) {
			c->old = pcisim_mmio_read(&t, op->len);
			val = (c->old & ~op->mask) | (op->value & op->mask);
		}
		pcisim_mmio_write(&t, val, op->len);
	}
	finish(c, op, t.fn ? &t.fn->comp : NULL, f, n, val, status);
}

static void io_do(struct guest_cpu *c, const struct pcisim_raw_op *op)
{
	struct pcisim_ioport_space *io = &pcisim_fabric_get(c->sim)->machine.io;
	const struct pcisim_ioport_range *owner = pcisim_ioport_find(io, op->port);
	struct pcisim_field f[1] = {PCISIM_FX("port", op->port)};
	c->old = 0;
	uint64_t val;
	if (!op->write) {
		val = pcisim_ioport_read(io, op->port, op->len);
	} else {
		val = op->value;
		if (op->has_mask) {
			c->old = pcisim_ioport_read(io, op->port, op->len);
			val = (c->old & ~op->mask) | (op->value & op->mask);
		}
		pcisim_ioport_write(io, op->port, op->len, (uint32_t)val);
	}
	finish(c, op, NULL, f, 1, val, owner ? owner->ops->name : "unclaimed");
}

/* Perform queued accesses until one has to wait for its completion. */
static void cpu_run(struct guest_cpu *c)
{
	while (!c->busy && c->head < c->n) {
		const struct pcisim_raw_op *op = &c->q[c->head];
		switch (op->space) {
		case PCISIM_RAW_CFG:
			if (cfg_start(c, op))
				return; /* cfg_wake() goes on */
			break;
		case PCISIM_RAW_MMIO:
			mmio_do(c, op);
			break;
		case PCISIM_RAW_IO:
			io_do(c, op);
			break;
		}
		c->head++;
	}
}

/* ---- the actions' parameters ---- */

int pcisim_raw_parse_bdf(const char *s, uint8_t *bus, uint8_t *devfn)
{
	unsigned dom = 0, b = 0, dev = 0, fn = 0;
	int used = 0;
	const char *p = s;
	size_t colons = 0;
	for (const char *q = s; *q; q++)
		colons += *q == ':';
	if (colons == 2 && sscanf(p, "%x:%x:%x.%1x%n", &dom, &b, &dev, &fn, &used) != 4)
		return -1;
	if (colons == 1 && sscanf(p, "%x:%x.%1x%n", &b, &dev, &fn, &used) != 3)
		return -1;
	if (colons == 0 && sscanf(p, "%x.%1x%n", &dev, &fn, &used) != 2)
		return -1;
	if (colons > 2 || p[used] || dom || b > 0xff || dev > 0x1f || fn > 7 || strchr(s, '-') ||
	    strchr(s, '+') || strchr(s, ' '))
		return -1;
	*bus = (uint8_t)b;
	*devfn = (uint8_t)(dev << 3 | fn);
	return 0;
}

static const char *const cfg_widths[] = {"1", "2", "4", NULL};
static const char *const mem_widths[] = {"1", "2", "4", "8", NULL};

static unsigned width_of(const struct pcisim_pval *w)
{
	return w && w->set ? (unsigned)1 << w->u : 0;
}

static int err(struct pcisim_diag *d, const struct pcisim_ynode *n, const struct pcisim_step *s,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int err(struct pcisim_diag *d, const struct pcisim_ynode *n, const struct pcisim_step *s,
	       const char *fmt, ...)
{
	if (!d)
		return -1;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pcisim_diag_error(d, n ? n->loc : s->loc, "%s: %s", s->def->name, msg);
}

/* expect: VALUE, or {value: V, mask: M} */
static int parse_expect(const struct pcisim_step *s, unsigned len, struct pcisim_raw_op *op,
			struct pcisim_diag *d)
{
	const struct pcisim_pval *e = pcisim_step_param(s, "expect");
	if (!e || !e->set)
		return 0;
	const char *form = "expected a value like 0x1f or a mapping like {value: 0x10, mask: 0xf0}";
	const struct pcisim_ynode *n = e->node, *vn = n, *mn = NULL;
	if (n->kind == PCISIM_Y_MAP) {
		vn = pcisim_ymap_get(n, "value");
		mn = pcisim_ymap_get(n, "mask");
		for (size_t k = 0; k < n->n; k++)
			if (strcmp(n->keys[k]->str, "value") && strcmp(n->keys[k]->str, "mask"))
				return err(d, n->keys[k], s, "unknown key '%s' in 'expect'; valid keys: value, mask",
					   n->keys[k]->str);
		if (!vn)
			return err(d, n, s, "'expect' needs 'value' (%s)", form);
	}
	uint64_t v = 0, m = ones(len);
	if (vn->kind != PCISIM_Y_SCALAR || pcisim_parse_u64(vn->str, &v))
		return err(d, vn, s, "'expect' must be a number; %s", form);
	if (mn && (mn->kind != PCISIM_Y_SCALAR || pcisim_parse_u64(mn->str, &m)))
		return err(d, mn, s, "'expect' mask must be a number; %s", form);
	char w[32];
	snprintf(w, sizeof(w), "%u byte%s", len, len > 1 ? "s" : "");
	if (v > ones(len))
		return err(d, vn, s, "'expect' value %s does not fit in %s", vn->str, w);
	if (m > ones(len))
		return err(d, mn, s, "'expect' mask %s does not fit in %s", mn->str, w);
	op->has_expect = true;
	op->expect = v;
	op->expect_mask = m;
	return 0;
}

/* value: and mask: of a write, checked against the width */
static int parse_data(const struct pcisim_step *s, unsigned len, struct pcisim_raw_op *op,
		      struct pcisim_diag *d)
{
	const struct pcisim_pval *v = pcisim_step_param(s, "value"), *m = pcisim_step_param(s, "mask");
	char w[32];
	snprintf(w, sizeof(w), "%u byte%s", len, len > 1 ? "s" : "");
	if (v && v->set) {
		if (v->u > ones(len))
			return err(d, v->node, s, "'value' %s does not fit in %s", v->s, w);
		op->value = v->u;
	}
	if (m && m->set) {
		if (m->u > ones(len))
			return err(d, m->node, s, "'mask' %s does not fit in %s", m->s, w);
		op->mask = m->u;
		op->has_mask = true;
	}
	return parse_expect(s, len, op, d);
}

/*
 * A config step's op, at load time (@d: errors reported) or when it runs (@d NULL:
 * what the load checked holds; a function gone since answers -1).
 */
static int cfg_op(struct pcisim_sim *sim, const struct pcisim_step *s, bool write,
		  struct pcisim_raw_op *op, struct pcisim_diag *d)
{
	memset(op, 0, sizeof(*op));
	op->space = PCISIM_RAW_CFG;
	op->write = write;
	op->bar = -1;
	op->step = s;
	const struct pcisim_pval *dev = pcisim_step_param(s, "dev"), *bdf = pcisim_step_param(s, "bdf");
	const struct pcisim_pval *off = pcisim_step_param(s, "offset");
	const struct pcisim_pval *wv = pcisim_step_param(s, "width");
	if (dev->set == bdf->set)
		return err(d, dev->set ? bdf->node : NULL, s,
			   "name the function by 'dev' (a device id) or by 'bdf' (an address like 00:12.0): one of them, %s",
			   dev->set ? "not both" : "none was given");
	struct pcisim_pcifn *fn = NULL;
	if (dev->set) {
		op->dev = dev->s;
		fn = pcisim_fabric_find_fn(pcisim_fabric_get(sim), dev->s);
	} else {
		if (pcisim_raw_parse_bdf(bdf->s, &op->bus, &op->devfn))
			return err(d, bdf->node, s,
				   "'bdf' %s is not an address; expected [[DOMAIN:]BUS:]DEV.FN in hexadecimal like 00:12.0 (domain 0, bus 00-ff, device 00-1f, function 0-7)",
				   bdf->s);
		fn = fn_at(sim, op->bus, op->devfn);
	}
	unsigned len = width_of(wv);
	if (off->numeric) {
		if (off->u >= PCISIM_CFG_PCIE_SIZE)
			return err(d, off->node, s,
				   "'offset' %s is outside configuration space; expected 0 to 0xfff or a register name",
				   off->s);
		op->off = (uint16_t)off->u;
		if (!len)
			return err(d, s->node, s,
				   "a numeric 'offset' needs 'width' (1, 2 or 4 bytes)");
	} else {
		const struct pcisim_regdesc *rd = pcisim_regdesc_lookup(off->s);
		if (!rd) {
			if (!d)
				return -1;
			char buf[4096];
			pcisim_choices(buf, sizeof(buf), pcisim_regdesc_names());
			return pcisim_diag_error(d, off->node->loc,
						 "%s: 'offset' %s is neither a number nor a register name; expected an offset like 0x1a or one of: %s",
						 s->def->name, off->s, buf);
		}
		if (fn) {
			uint16_t abs = 0;
			if (pcisim_regdesc_find(&fn->cfg, off->s, &abs, &rd))
				return err(d, off->node, s, "'%s' has no register '%s' (its capability is absent)",
					   fn->comp.name, off->s);
			op->off = abs;
		} else if (d && !(dev->set && pcisim_scenario_creates(pcisim_sim_scenario(sim), dev->s))) {
			return err(d, off->node, s,
				   "no function is at %s to look register '%s' up in; give a numeric offset",
				   bdf->s, off->s);
		} else if (!d) {
			return -1; /* the function is gone: nothing to look the register up in */
		}
		op->reg = off->s;
		if (!len)
			len = rd->width;
	}
	if (op->off % len)
		return err(d, off->node, s,
			   "'offset' %s is not aligned to the width; a configuration access of %s bytes must be naturally aligned",
			   off->s, len == 4 ? "4" : len == 2 ? "2" : "1");
	op->len = len;
	return parse_data(s, len, op, d);
}

static int mem_op(struct pcisim_sim *sim, const struct pcisim_step *s, bool write,
		  struct pcisim_raw_op *op, struct pcisim_diag *d)
{
	(void)sim;
	memset(op, 0, sizeof(*op));
	op->space = PCISIM_RAW_MMIO;
	op->write = write;
	op->step = s;
	op->bar = -1;
	const struct pcisim_pval *addr = pcisim_step_param(s, "addr"), *dev = pcisim_step_param(s, "dev");
	const struct pcisim_pval *bar = pcisim_step_param(s, "bar"), *off = pcisim_step_param(s, "offset");
	if (addr->set == (dev->set || bar->set || off->set))
		return err(d, addr->set ? addr->node : NULL, s,
			   "give either 'addr' (an address) or 'dev', 'bar' and 'offset' (an offset in a BAR of a device)");
	if (addr->set) {
		op->addr = addr->u;
	} else {
		if (!dev->set || !bar->set)
			return err(d, NULL, s, "an access by BAR needs 'dev', 'bar' (0-5) and 'offset'");
		op->dev = dev->s;
		op->bar = (int)bar->u;
		op->addr = off->set ? off->u : 0;
	}
	op->len = width_of(pcisim_step_param(s, "width"));
	if (op->addr % op->len)
		return err(d, addr->set ? addr->node : off->node, s,
			   "the address is not aligned to the width; an access of %s bytes must be naturally aligned",
			   op->len == 8 ? "8" : op->len == 4 ? "4" : op->len == 2 ? "2" : "1");
	return parse_data(s, op->len, op, d);
}

static int io_op(struct pcisim_sim *sim, const struct pcisim_step *s, bool write,
		 struct pcisim_raw_op *op, struct pcisim_diag *d)
{
	(void)sim;
	memset(op, 0, sizeof(*op));
	op->space = PCISIM_RAW_IO;
	op->write = write;
	op->step = s;
	op->bar = -1;
	const struct pcisim_pval *port = pcisim_step_param(s, "port");
	op->port = (uint16_t)port->u;
	op->len = width_of(pcisim_step_param(s, "width"));
	if (op->port + op->len > 0x10000u)
		return err(d, port->node, s, "the access runs past port 0xffff");
	return parse_data(s, op->len, op, d);
}

typedef int (*op_fn)(struct pcisim_sim *, const struct pcisim_step *, bool, struct pcisim_raw_op *,
		     struct pcisim_diag *);

static int run_op(struct pcisim_sim *sim, const struct pcisim_step *s, op_fn make, bool write)
{
	struct pcisim_raw_op op;
	if (make(sim, s, write, &op, NULL)) {
		pcisim_log(sim, NULL, "pcisim", "%s: no function to look register '%s' up in", s->def->name,
			   pcisim_step_param(s, "offset")->s);
		return -1;
	}
	pcisim_raw_submit(sim, &op);
	return 0;
}

#define RAW_ACTION(name, make, write)                                                          \
	static int check_##name(struct pcisim_sim *sim, const struct pcisim_step *s,          \
				struct pcisim_diag *d)                                         \
	{                                                                                      \
		struct pcisim_raw_op op;                                                       \
		return make(sim, s, write, &op, d);                                            \
	}                                                                                      \
	static int run_##name(struct pcisim_sim *sim, const struct pcisim_step *s)            \
	{                                                                                      \
		return run_op(sim, s, make, write);                                            \
	}

RAW_ACTION(cfg_read, cfg_op, false)
RAW_ACTION(cfg_write, cfg_op, true)
RAW_ACTION(mmio_read, mem_op, false)
RAW_ACTION(mmio_write, mem_op, true)
RAW_ACTION(io_read, io_op, false)
RAW_ACTION(io_write, io_op, true)

#define P_DEV(what) {"dev", PCISIM_P_COMP, false, what, NULL, 0, 0, NULL}
#define P_BDF {"bdf", PCISIM_P_STR, false, "the function's address, [[DOMAIN:]BUS:]DEV.FN like 00:12.0", NULL, 0, 0, NULL}
#define P_CFG_OFFSET                                                                           \
	{"offset", PCISIM_P_VALUE, true, "a byte offset (0 to 0xfff) or a register name (vendor_id, slot_control, ...)", \
	 NULL, 0, 0, NULL}
#define P_CFG_WIDTH {"width", PCISIM_P_CHOICE, false, "bytes: 1, 2 or 4 (a register name gives its own)", cfg_widths, 0, 0, NULL}
#define P_MEM_WIDTH {"width", PCISIM_P_CHOICE, true, "bytes: 1, 2, 4 or 8", mem_widths, 0, 0, NULL}
#define P_IO_WIDTH {"width", PCISIM_P_CHOICE, true, "bytes: 1, 2 or 4", cfg_widths, 0, 0, NULL}
#define P_VALUE {"value", PCISIM_P_INT, true, "the value written", NULL, 0, 0, NULL}
#define P_MASK {"mask", PCISIM_P_INT, false, "write only these bits (a read-modify-write)", NULL, 0, 0, "all bits"}
#define P_EXPECT {"expect", PCISIM_P_NODE, false, "the value the read must see: V, or {value: V, mask: M}", NULL, 0, 0, NULL}
#define P_ADDR {"addr", PCISIM_P_INT, false, "a physical address", NULL, 0, 0, NULL}
#define P_BAR {"bar", PCISIM_P_INT, false, "a BAR of dev (0-5)", NULL, 0, 5, NULL}
#define P_BAR_OFFSET {"offset", PCISIM_P_INT, false, "the offset in the BAR", NULL, 0, 0, NULL}
#define P_PORT {"port", PCISIM_P_INT, true, "an I/O port (0 to 0xffff)", NULL, 0, 0xffff, NULL}

static const struct pcisim_param_def cfg_read_params[] = {
	P_DEV("the device (an id of the topology)"), P_BDF, P_CFG_OFFSET, P_CFG_WIDTH, P_EXPECT, {0},
};
static const struct pcisim_param_def cfg_write_params[] = {
	P_DEV("the device (an id of the topology)"), P_BDF, P_CFG_OFFSET, P_CFG_WIDTH, P_VALUE, P_MASK, {0},
};
static const struct pcisim_param_def mmio_read_params[] = {
	P_ADDR, P_DEV("the device whose BAR it is"), P_BAR, P_BAR_OFFSET, P_MEM_WIDTH, P_EXPECT, {0},
};
static const struct pcisim_param_def mmio_write_params[] = {
	P_ADDR, P_DEV("the device whose BAR it is"), P_BAR, P_BAR_OFFSET, P_MEM_WIDTH, P_VALUE, P_MASK, {0},
};
static const struct pcisim_param_def io_read_params[] = {
	P_PORT, P_IO_WIDTH, P_EXPECT, {0},
};
static const struct pcisim_param_def io_write_params[] = {
	P_PORT, P_IO_WIDTH, P_VALUE, P_MASK, {0},
};

const struct pcisim_action_def pcisim_raw_actions[] = {
	{"guest.cfg_read", "the guest reads configuration space (routed, as the host's accesses are)",
	 cfg_read_params, false, check_cfg_read, run_cfg_read},
	{"guest.cfg_write", "the guest writes configuration space; with mask: a read-modify-write of those bits",
	 cfg_write_params, false, check_cfg_write, run_cfg_write},
	{"guest.mmio_read", "the guest reads memory space at an address or at an offset in a BAR",
	 mmio_read_params, false, check_mmio_read, run_mmio_read},
	{"guest.mmio_write", "the guest writes memory space at an address or at an offset in a BAR",
	 mmio_write_params, false, check_mmio_write, run_mmio_write},
	{"guest.io_read", "the guest reads an I/O port (IN)", io_read_params, false, check_io_read,
	 run_io_read},
	{"guest.io_write", "the guest writes an I/O port (OUT)", io_write_params, false, check_io_write,
	 run_io_write},
	{0},
};

const struct pcisim_record_kind pcisim_raw_kinds[] = {
	{"guest.cfg_read", "the guest read configuration space (fields: bdf, off, reg, width, value, status SC/UR/RRS/CTO, expect, ok, via)"},
	{"guest.cfg_write", "the guest wrote configuration space (fields: bdf, off, reg, width, value written, mask and old for a read-modify-write, status, via)"},
	{"guest.mmio_read", "the guest read memory space (fields: addr or dev/bar/offset, width, value, status: what answered, unbacked, unassigned or eeh-frozen, expect, ok)"},
	{"guest.mmio_write", "the guest wrote memory space (fields: addr or dev/bar/offset, width, value, mask, old, status: eeh-frozen when a frozen PE dropped it)"},
	{"guest.io_read", "the guest read an I/O port (fields: port, width, value, status: who claims it or unclaimed, expect, ok)"},
	{"guest.io_write", "the guest wrote an I/O port (fields: port, width, value, mask, old, status)"},
	{0},
};
