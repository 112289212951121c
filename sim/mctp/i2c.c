/*
 * I2C buses and their devices (sim/mctp/i2c.h).
 */
#include "sim/mctp/i2c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/core/heap.h"
#include "sim/core/trace.h"
#include "sim/mctp/smbus.h"

/* The buses of one simulation, kept with it. */
struct i2c_state {
	struct pcisim_i2c_bus **buses;
	uint32_t nbuses, capbuses;
};

static const struct pcisim_ext_key i2c_key = {"i2c-buses"};

static void state_free(void *p)
{
	struct i2c_state *st = p;
	pcisim_free(st->buses);
	pcisim_free(st);
}

static struct i2c_state *state_get(struct pcisim_sim *sim)
{
	struct i2c_state *st = pcisim_ext_get(sim, &i2c_key);
	if (st)
		return st;
	st = pcisim_calloc(1, sizeof(*st));
	if (!st)
		abort();
	pcisim_ext_set(sim, &i2c_key, st, state_free);
	return st;
}

struct pcisim_i2c_bus *const *pcisim_i2c_buses(struct pcisim_fabric *fab, uint32_t *n)
{
	struct i2c_state *st = pcisim_ext_get(fab->sim, &i2c_key);
	*n = st ? st->nbuses : 0;
	return st ? st->buses : NULL;
}

struct pcisim_i2c_dev *pcisim_i2c_dev_at(const struct pcisim_i2c_bus *bus, uint8_t addr)
{
	for (uint32_t i = 0; i < bus->ndevs; i++)
		if (!bus->devs[i]->comp.removed && bus->devs[i]->addr == addr)
			return bus->devs[i];
	return NULL;
}

/* ---- components ---- */

static void bus_destroy(struct pcisim_comp *c)
{
	struct pcisim_i2c_bus *b = (struct pcisim_i2c_bus *)c;
	pcisim_free(b->devs);
	pcisim_free(b->ports);
	pcisim_free(b);
}

static void bus_describe(struct pcisim_comp *c, FILE *out)
{
	const struct pcisim_i2c_bus *b = (const struct pcisim_i2c_bus *)c;
	fprintf(out, "%s (i2c-bus): %u device(s), %u kHz, %llu write(s), %llu NACK(s)\n", c->name,
		b->ndevs, b->hz / 1000, (unsigned long long)b->writes, (unsigned long long)b->nacks);
}

static int bus_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	const struct pcisim_i2c_bus *b = (const struct pcisim_i2c_bus *)c;
	if (!strcmp(key, "speed"))
		v->u = b->hz;
	else if (!strcmp(key, "writes"))
		v->u = b->writes;
	else if (!strcmp(key, "nacks"))
		v->u = b->nacks;
	else if (!strcmp(key, "dropped"))
		v->u = b->dropped;
	else if (!strcmp(key, "corrupted"))
		v->u = b->corrupted;
	else if (!strcmp(key, "arbitrations"))
		v->u = b->arbitrations;
	else if (!strcmp(key, "timeouts"))
		v->u = b->timeouts;
	else
		return -PCISIM_ENOENT;
	return 0;
}

static const char *const bus_query_keys[] = {"speed", "writes", "nacks", "dropped", "corrupted",
					     "arbitrations", "timeouts", NULL};

/* What a snapshot keeps of a bus: its speed, its armed faults and counters (a write
 * on the wire is the event queue's). */
static int bus_save(struct pcisim_comp *c, struct pcisim_blob *out)
{
	const struct pcisim_i2c_bus *b = (const struct pcisim_i2c_bus *)c;
	pcisim_blob_put_u32(out, b->hz);
	pcisim_blob_put_u64(out, b->stalled_until);
	pcisim_blob_put_u32(out, b->drop_next);
	pcisim_blob_put_u32(out, b->corrupt_next);
	pcisim_blob_put_u64(out, b->writes);
	pcisim_blob_put_u64(out, b->nacks);
	pcisim_blob_put_u64(out, b->dropped);
	pcisim_blob_put_u64(out, b->corrupted);
	pcisim_blob_put_u64(out, b->arbitrations);
	return 0;
}

static int bus_load(struct pcisim_comp *c, struct pcisim_blob_reader *in, struct pcisim_diag *d)
{
	struct pcisim_i2c_bus *b = (struct pcisim_i2c_bus *)c;
	(void)d;
	b->hz = pcisim_blob_get_u32(in);
	b->stalled_until = pcisim_blob_get_u64(in);
	b->drop_next = pcisim_blob_get_u32(in);
	b->corrupt_next = pcisim_blob_get_u32(in);
	b->writes = pcisim_blob_get_u64(in);
	b->nacks = pcisim_blob_get_u64(in);
	b->dropped = pcisim_blob_get_u64(in);
	b->corrupted = pcisim_blob_get_u64(in);
	b->arbitrations = pcisim_blob_get_u64(in);
	return 0;
}

static const struct pcisim_comp_ops bus_ops = {
	.type = "i2c-bus",
	.save = bus_save,
	.load = bus_load,
	.describe = bus_describe,
	.query = bus_query,
	.query_keys = bus_query_keys,
	.destroy = bus_destroy,
};

/* ---- transfers ---- */

struct pcisim_i2c_bus *pcisim_i2c_bus_find(struct pcisim_sim *sim, const char *name)
{
	struct i2c_state *st = pcisim_ext_get(sim, &i2c_key);
	for (uint32_t i = 0; st && i < st->nbuses; i++)
		if (!strcmp(st->buses[i]->comp.name, name))
			return st->buses[i];
	return NULL;
}

struct pcisim_i2c_port *pcisim_i2c_port_at(const struct pcisim_i2c_bus *bus, uint8_t addr)
{
	for (uint32_t i = 0; i < bus->nports; i++)
		if (bus->ports[i]->addr == addr)
			return bus->ports[i];
	return NULL;
}

int pcisim_i2c_attach(struct pcisim_i2c_bus *bus, struct pcisim_i2c_port *p)
{
	if (pcisim_i2c_port_at(bus, p->addr))
		return -PCISIM_EBUSY;
	if (bus->nports == bus->capports) {
		bus->capports = bus->capports ? bus->capports * 2 : 4;
		bus->ports = pcisim_realloc(bus->ports, bus->capports * sizeof(*bus->ports));
		if (!bus->ports)
			abort();
	}
	bus->ports[bus->nports++] = p;
	p->bus = bus;
	p->waiting = false;
	return 0;
}

void pcisim_i2c_detach(struct pcisim_i2c_port *p)
{
	struct pcisim_i2c_bus *b = p->bus;
	if (!b)
		return;
	for (uint32_t i = 0; i < b->nports; i++)
		if (b->ports[i] == p) {
			memmove(b->ports + i, b->ports + i + 1, (b->nports - i - 1) * sizeof(*b->ports));
			b->nports--;
			break;
		}
	p->waiting = false;
	if (b->active == p)
		b->active = NULL; /* its end event finds nobody */
	p->bus = NULL;
}

static void xfer_done(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(xfer_done_kind, "i2c.write_done", xfer_done);
static void kick(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(kick_kind, "i2c.stall_end", kick);

static int frame_cmp(const struct pcisim_i2c_port *a, const struct pcisim_i2c_port *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c = memcmp(a->frame, b->frame, n);
	if (c)
		return c;
	/* one frame is a prefix of the other: the shorter one's STOP ends it first */
	return a->n < b->n ? -1 : a->n > b->n;
}

/* The bus is free: the waiting masters start together and arbitrate. */
static void bus_start(struct pcisim_i2c_bus *b)
{
	struct pcisim_sim *sim = b->comp.sim;
	if (b->active)
		return;
	if (b->stalled_until > sim->now) {
		if (!pcisim_pending(sim, b->kick))
			b->kick = pcisim_schedule(sim, b->stalled_until - sim->now, PCISIM_CLASS_MSG,
						  &kick_kind, &b->comp, 0, 0);
		return;
	}
	struct pcisim_i2c_port *win = NULL;
	unsigned contenders = 0;
	for (uint32_t i = 0; i < b->nports; i++) {
		struct pcisim_i2c_port *p = b->ports[i];
		if (!p->waiting)
			continue;
		contenders++;
		if (!win || frame_cmp(p, win) < 0)
			win = p;
	}
	if (!win)
		return;
	if (contenders > 1) {
		b->arbitrations++;
		for (uint32_t i = 0; i < b->nports; i++) {
			struct pcisim_i2c_port *p = b->ports[i];
			if (p->waiting && p != win)
				PCISIM_RECORD(sim, &b->comp, "i2c.arbitration_lost",
					      PCISIM_FS("loser", p->owner ? p->owner->name : "?"),
					      PCISIM_FS("winner", win->owner ? win->owner->name : "?"));
		}
	}
	win->waiting = false;
	b->active = win;
	pcisim_time t = pcisim_i2c_wire_time(win->n, b->hz);
	b->xfer_end = sim->now + t;
	b->xfer = pcisim_schedule(sim, t, PCISIM_CLASS_MSG, &xfer_done_kind, &b->comp, win->addr, win->n);
}

int pcisim_i2c_write(struct pcisim_i2c_port *p, const uint8_t *frame, size_t n)
{
	if (!p->bus)
		return -PCISIM_ENOENT;
	if (!n || n > sizeof(p->frame))
		return -PCISIM_EINVAL;
	if (p->waiting || p->bus->active == p)
		return -PCISIM_EBUSY;
	memcpy(p->frame, frame, n);
	p->n = n;
	p->waiting = true;
	bus_start(p->bus);
	return 0;
}

static void kick(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	(void)sim;
	bus_start((struct pcisim_i2c_bus *)ev->target);
}

static void xfer_done(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_i2c_bus *b = (struct pcisim_i2c_bus *)ev->target;
	struct pcisim_i2c_port *w = b->active;
	b->active = NULL;
	if (!w) { /* the writer left the bus meanwhile */
		bus_start(b);
		return;
	}
	b->writes++;
	uint8_t frame[sizeof(w->frame)];
	size_t n = w->n;
	memcpy(frame, w->frame, n);
	struct pcisim_i2c_port *to = pcisim_i2c_port_at(b, frame[0] >> 1);
	uint64_t cookie = w->cookie;
	bool acked = to && to != w && !to->nack_next && !to->busy;
	if (to && to->nack_next)
		to->nack_next--;
	if (!acked) {
		b->nacks++;
		PCISIM_RECORD(sim, &b->comp, "i2c.nack", PCISIM_FS("from", w->owner ? w->owner->name : "?"),
			      PCISIM_FX("address", frame[0] >> 1));
	}
	bool deliver = acked;
	if (acked && b->drop_next) {
		b->drop_next--;
		b->dropped++;
		deliver = false;
		PCISIM_RECORD(sim, &b->comp, "i2c.dropped", PCISIM_FS("from", w->owner ? w->owner->name : "?"),
			      PCISIM_FX("address", frame[0] >> 1));
	} else if (acked && b->corrupt_next && n > 2) {
		b->corrupt_next--;
		b->corrupted++;
		frame[n - 2] ^= 0x01; /* the last byte before the PEC */
		PCISIM_RECORD(sim, &b->comp, "i2c.corrupted", PCISIM_FS("from", w->owner ? w->owner->name : "?"),
			      PCISIM_FX("address", frame[0] >> 1));
	}
	/* the writer's completion first: a responder that answers at once finds the
	 * bus free and its own port idle */
	if (w->sent)
		w->sent(w, acked);
	if (deliver && to->receive) {
		b->delivering = cookie;
		to->receive(to, frame, n);
		b->delivering = 0;
	}
	bus_start(b);
}

static void xfer_timeout(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(xfer_timeout_kind, "i2c.clock_low_timeout", xfer_timeout);

/* SCL low past tTIMEOUT: the master gives the write up (a STOP once the clock is
 * released), the addressed device resets its interface and forgets the partial frame. */
static void xfer_timeout(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_i2c_bus *b = (struct pcisim_i2c_bus *)ev->target;
	struct pcisim_i2c_port *w = b->active;
	b->active = NULL;
	if (w) {
		b->timeouts++;
		PCISIM_RECORD(sim, &b->comp, "i2c.timeout", PCISIM_FS("from", w->owner ? w->owner->name : "?"),
			      PCISIM_FX("address", w->frame[0] >> 1), PCISIM_FT("low_for", PCISIM_SMBUS_TIMEOUT));
		if (w->sent)
			w->sent(w, false);
	}
	bus_start(b);
}

void pcisim_i2c_stall(struct pcisim_i2c_bus *b, pcisim_time d)
{
	struct pcisim_sim *sim = b->comp.sim;
	pcisim_time until = sim->now + d;
	if (until > b->stalled_until)
		b->stalled_until = until;
	PCISIM_RECORD(sim, &b->comp, "i2c.stalled", PCISIM_FT("until", b->stalled_until));
	if (!b->active || !pcisim_pending(sim, b->xfer) || b->xfer_end <= sim->now)
		return;
	/* a write on the wire: SCL low stretches it, or times it out */
	pcisim_cancel(sim, &b->xfer);
	if (d > PCISIM_SMBUS_TIMEOUT) {
		b->xfer = pcisim_schedule(sim, PCISIM_SMBUS_TIMEOUT, PCISIM_CLASS_MSG, &xfer_timeout_kind, &b->comp, 0, 0);
		return;
	}
	b->xfer_end += d;
	b->xfer = pcisim_schedule(sim, b->xfer_end - sim->now, PCISIM_CLASS_MSG, &xfer_done_kind, &b->comp,
				  b->active->addr, b->active->n);
}

static void dev_destroy(struct pcisim_comp *c)
{
	pcisim_free(c);
}

static void dev_describe(struct pcisim_comp *c, FILE *out)
{
	const struct pcisim_i2c_dev *dev = (const struct pcisim_i2c_dev *)c;
	fprintf(out, "%s (%s) at 0x%02x on %s\n", c->name, dev->drv->name, dev->addr,
		dev->bus->comp.name);
}

static int dev_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	const struct pcisim_i2c_dev *dev = (const struct pcisim_i2c_dev *)c;
	if (!strcmp(key, "address")) {
		v->u = dev->addr;
		return 0;
	}
	if (!strcmp(key, "bus")) {
		v->is_str = true;
		v->s = dev->bus->comp.name;
		return 0;
	}
	return -PCISIM_ENOENT;
}

static const char *const dev_query_keys[] = {"address", "bus", NULL};

/*
 * One ops table per driver (the component's type is the driver's name, as for PCI
 * functions): built once per driver, kept for the process, in a list that grows.
 */
static const struct pcisim_comp_ops *dev_ops(const struct pcisim_driver *drv)
{
	static struct {
		const struct pcisim_driver *drv;
		struct pcisim_comp_ops *ops;
	} *cache;
	static size_t n, cap;
	for (size_t i = 0; i < n; i++)
		if (cache[i].drv == drv)
			return cache[i].ops;
	if (n == cap) {
		cap = cap ? cap * 2 : 8;
		void *v = realloc(cache, cap * sizeof(*cache)); /* libc: kept for the process */
		if (!v)
			abort();
		cache = v;
	}
	struct pcisim_comp_ops *ops = calloc(1, sizeof(*ops)); /* libc: kept for the process */
	if (!ops)
		abort();
	ops->type = drv->name;
	ops->describe = dev_describe;
	ops->query = dev_query;
	ops->query_keys = dev_query_keys;
	ops->destroy = dev_destroy;
	cache[n].drv = drv;
	cache[n].ops = ops;
	n++;
	return ops;
}

/* ---- the bus kind ---- */

/* QEMU's names for the BMC's I2C buses: aspeed.i2c.bus.N. */
static bool bus_name_valid(const char *s)
{
	static const char prefix[] = "aspeed.i2c.bus.";
	if (strncmp(s, prefix, sizeof(prefix) - 1))
		return false;
	s += sizeof(prefix) - 1;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static struct pcisim_i2c_bus *bus_get(struct pcisim_fabric *fab, const char *name,
				      struct pcisim_diag *d, struct pcisim_loc loc)
{
	struct i2c_state *st = state_get(fab->sim);
	for (uint32_t i = 0; i < st->nbuses; i++)
		if (!strcmp(st->buses[i]->comp.name, name))
			return st->buses[i];
	struct pcisim_i2c_bus *b = pcisim_calloc(1, sizeof(*b));
	if (!b)
		abort();
	b->hz = 100000; /* standard mode until a master sets its speed */
	if (pcisim_comp_add(fab->sim, &b->comp, NULL, name, &bus_ops)) {
		pcisim_free(b);
		pcisim_diag_error(d, loc, "'%s' names an I2C bus, but a device already has that id",
				  name);
		return NULL;
	}
	if (st->nbuses == st->capbuses) {
		st->capbuses = st->capbuses ? st->capbuses * 2 : 4;
		st->buses = pcisim_realloc(st->buses, st->capbuses * sizeof(*st->buses));
		if (!st->buses)
			abort();
	}
	st->buses[st->nbuses++] = b;
	return b;
}

static int i2c_create(struct pcisim_fabric *fab, const struct pcisim_driver *drv,
		      const struct pcisim_props *props, const char *id, bool hotplug,
		      struct pcisim_diag *d)
{
	const struct pcisim_i2c_model *m = drv->model;
	const struct pcisim_prop *bp = pcisim_props_find(props, "bus");
	if (!bp)
		return pcisim_diag_error(d, props->loc,
					 "No 'i2c-bus' bus found for device '%s': give bus=aspeed.i2c.bus.N",
					 drv->name);
	if (!bus_name_valid(bp->value))
		return pcisim_diag_error(d, bp->loc,
					 "%s: '%s' is not an I2C bus; valid buses: aspeed.i2c.bus.N (N = 0, 1, ...)",
					 drv->name, bp->value);
	unsigned addr = (unsigned)pcisim_props_u64(props, "address", 0);
	struct pcisim_i2c_bus *bus = bus_get(fab, bp->value, d, bp->loc);
	if (!bus)
		return PCISIM_ERR(PCISIM_EINVAL);
	struct pcisim_i2c_dev *dev = pcisim_calloc(1, m && m->size ? m->size : sizeof(*dev));
	if (!dev)
		return PCISIM_ERR(PCISIM_ENOMEM);
	dev->drv = drv;
	dev->fabric = fab;
	dev->bus = bus;
	dev->addr = (uint8_t)addr;
	dev->props = *props;
	int rc;
	if (m && m->realize && (rc = m->realize(dev, d))) {
		pcisim_free(dev);
		return rc;
	}
	/* Two devices cannot answer at one address on one bus. */
	struct pcisim_i2c_dev *o = pcisim_i2c_dev_at(bus, dev->addr);
	if (o) {
		const struct pcisim_prop *a = pcisim_props_find(props, "address");
		pcisim_free(dev);
		return pcisim_diag_error(d, a ? a->loc : props->loc,
					 "%s: I2C address 0x%02x on %s is already used by '%s'", drv->name,
					 addr, bus->comp.name, o->comp.name);
	}
	if ((rc = pcisim_comp_add(fab->sim, &dev->comp, &bus->comp, id, m && m->ops ? m->ops : dev_ops(drv)))) {
		pcisim_free(dev);
		return pcisim_diag_error(d, props->loc, "Duplicate device ID '%s'", id);
	}
	if (bus->ndevs == bus->capdevs) {
		bus->capdevs = bus->capdevs ? bus->capdevs * 2 : 4;
		bus->devs = pcisim_realloc(bus->devs, bus->capdevs * sizeof(*bus->devs));
		if (!bus->devs)
			abort();
	}
	bus->devs[bus->ndevs++] = dev;
	return 0;
}

static int i2c_link(struct pcisim_fabric *fab, struct pcisim_diag *d)
{
	uint32_t nb;
	struct pcisim_i2c_bus *const *buses = pcisim_i2c_buses(fab, &nb);
	int rc;
	for (uint32_t i = 0; i < nb; i++)
		for (uint32_t j = 0; j < buses[i]->ndevs; j++) {
			struct pcisim_i2c_dev *dev = buses[i]->devs[j];
			const struct pcisim_i2c_model *m = dev->drv->model;
			if (!dev->comp.removed && m && m->link && (rc = m->link(dev, d)))
				return rc;
		}
	return 0;
}

const struct pcisim_bus_kind pcisim_i2c_bus_kind = {
	.name = "i2c-bus",
	.create = i2c_create,
	.link = i2c_link,
};
