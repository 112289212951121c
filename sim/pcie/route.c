/*
 * Routed configuration requests (route.h): a request TLP walks from the root complex
 * down the buses, as the bridges' Secondary/Subordinate Bus Number registers route
 * it, one event per link it crosses; the function at the end answers (SC, UR, RRS),
 * and the completion walks back, one event per link, to the requester's callback.
 *
 * Each request is a heap record on an in-flight list owned by the sim (freed with
 * it); events carry a pointer to it (unhashed) and its tag and address (hashed).
 *
 * The same routing decisions serve pcisim_cfg_access_now() (an instant access), and
 * the path by topology serves other requests' latencies (pcisim_route_path_of()).
 */
#include "sim/pcie/route.h"

#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "sim/core/trace.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/link.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/reset.h"
#include "sim/core/heap.h"

struct route_req {
	struct route_req *prev, *next; /* the in-flight list */
	struct pcisim_comp *requester;
	pcisim_cfg_done_fn done;
	void *ctx;
	struct pcisim_cfg_cpl cpl;
	uint32_t wval;                 /* data of a write */
	struct pcisim_pcibus *at;      /* the bus the request enters next */
	uint8_t at_nr;                 /* its number, as the bridge above routed it */
	struct pcisim_port *root_port; /* the root port it went through, if any */
	unsigned up;                   /* links still to cross on the way back */
	pcisim_timer cto;
	/* last: a new request sets every member before it (pcisim_cfg_request); entries past
	 * cpl.links are never read (they hold an earlier request's ports) */
	struct pcisim_port *path[PCISIM_ROUTE_MAX_LINKS]; /* ports whose links it crossed, in order */
};

struct route_state {
	struct route_req *head;
	/* completed requests, kept for the next ones: zeroing a new request's 2 KiB path
	 * was 12% of a fuzz run (callgrind) */
	struct route_req *spare;
	uint64_t next_tag;
	unsigned in_flight;
};

static const struct pcisim_ext_key route_key = {"pcie-route"};

static void route_destroy(void *p)
{
	struct route_state *st = p;
	while (st->head) {
		struct route_req *r = st->head;
		st->head = r->next;
		pcisim_free(r);
	}
	while (st->spare) {
		struct route_req *r = st->spare;
		st->spare = r->next;
		pcisim_free(r);
	}
	pcisim_free(st);
}

static struct route_state *route_state(struct pcisim_sim *sim)
{
	struct route_state *st = pcisim_ext_get(sim, &route_key);
	if (st)
		return st;
	st = pcisim_calloc(1, sizeof(*st));
	if (!st)
		abort();
	pcisim_ext_set(sim, &route_key, st, route_destroy);
	return st;
}

unsigned pcisim_cfg_in_flight(struct pcisim_sim *sim)
{
	struct route_state *st = pcisim_ext_get(sim, &route_key);
	return st ? st->in_flight : 0;
}

const char *pcisim_cpl_status_name(enum pcisim_cpl_status s)
{
	switch (s) {
	case PCISIM_CPL_SC:
		return "SC";
	case PCISIM_CPL_UR:
		return "UR";
	case PCISIM_CPL_RRS:
		return "RRS";
	case PCISIM_CPL_CTO:
		return "CTO";
	}
	return "?";
}

static uint32_t all_ones(unsigned len)
{
	return len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
}

/* ---- events ---- */

static void down_event(struct pcisim_sim *sim, struct pcisim_event *ev);
static void up_event(struct pcisim_sim *sim, struct pcisim_event *ev);
static void cto_event(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(down_kind, "cfg.down", down_event);
PCISIM_EVKIND(up_kind, "cfg.up", up_event);
PCISIM_EVKIND(cto_kind, "cfg.cto", cto_event);

static pcisim_timer post(struct pcisim_sim *sim, struct route_req *r, struct pcisim_evkind *kind,
			 pcisim_time when, uint64_t hop)
{
	struct pcisim_event *ev = pcisim_event_new(sim, kind, r->requester);
	ev->ptr = r;
	ev->a[0] = r->cpl.tag;
	ev->a[1] = (uint64_t)r->cpl.bus << 24 | (uint64_t)r->cpl.devfn << 16 | r->cpl.off;
	ev->a[2] = hop;
	return pcisim_post(sim, ev, when, PCISIM_CLASS_MSG);
}

/* The completion reached the root complex: trace it, hand it over, forget it. */
static void deliver(struct pcisim_sim *sim, struct route_req *r)
{
	struct route_state *st = route_state(sim);
	pcisim_cancel(sim, &r->cto);
	r->cpl.completed = sim->now;
	char bdf[16]; /* formatted only when the record is made */
	PCISIM_RECORD(sim, r->requester, "cfg.completion", PCISIM_FU("tag", r->cpl.tag),
		      PCISIM_FS("bdf", pcisim_bdf_format(r->cpl.bus, r->cpl.devfn, bdf, sizeof(bdf))),
		      PCISIM_FX("off", r->cpl.off), PCISIM_FS("op", r->cpl.write ? "write" : "read"),
		      PCISIM_FS("status", pcisim_cpl_status_name(r->cpl.status)),
		      PCISIM_FX("val", r->cpl.val), PCISIM_FT("latency", r->cpl.completed - r->cpl.issued),
		      PCISIM_FU("links", r->cpl.links));
	if (r->prev)
		r->prev->next = r->next;
	else
		st->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	st->in_flight--;
	if (r->done)
		r->done(sim, &r->cpl, r->ctx);
	r->next = st->spare;
	st->spare = r;
}

/* Bytes of the completion TLP: a header, and one data DW for a successful read. */
static unsigned cpl_bytes(const struct route_req *r)
{
	return PCISIM_TLP_CFG_HDR + (r->cpl.status == PCISIM_CPL_SC && !r->cpl.write ? PCISIM_TLP_DW : 0);
}

static bool crossable(const struct pcisim_port *p)
{
	return !p->fn.comp.removed && pcisim_link_is_up(&p->link);
}

/* A TLP of this request was lost with a link: the requester's Completion Timeout ends it. */
static void lost(struct pcisim_sim *sim, struct route_req *r)
{
	r->cpl.status = PCISIM_CPL_CTO;
	r->cpl.val = r->cpl.write ? 0 : all_ones(r->cpl.len);
	r->cpl.completer = NULL;
	pcisim_time when = pcisim_time_add(r->cpl.issued, PCISIM_CFG_COMPLETION_TIMEOUT);
	r->cto = post(sim, r, &cto_kind, when > sim->now ? when : sim->now, r->up);
}

/* Cross the next link upwards, or deliver when none is left. */
static void go_up(struct pcisim_sim *sim, struct route_req *r)
{
	if (!r->up) {
		deliver(sim, r);
		return;
	}
	struct pcisim_port *p = r->path[r->up - 1];
	if (!crossable(p)) {
		lost(sim, r);
		return;
	}
	post(sim, r, &up_kind, pcisim_time_add(sim->now, pcisim_link_hop_latency(sim, &p->link, cpl_bytes(r))),
	     r->up);
}

/*
 * An RRS completion of a Vendor ID read below @root_port whose Root Control has CRS
 * Software Visibility on: the root complex returns Vendor ID 0001h (PCIe r5.0 §2.3.2).
 */
static bool crs_visible(const struct pcisim_port *root_port, const struct pcisim_cfg_cpl *c)
{
	return !c->write && c->off == 0 && c->len >= 2 && root_port && root_port->exp &&
	       (pcisim_cfg_get16(&root_port->fn.cfg, (uint16_t)(root_port->exp + PCI_EXP_RTCTL)) &
		PCI_EXP_RTCTL_CRSSVE);
}

/* The request ends here with @status (from @completer; NULL = the root complex). */
static void complete(struct pcisim_sim *sim, struct route_req *r, enum pcisim_cpl_status status,
		     struct pcisim_pcifn *completer)
{
	r->cpl.status = status;
	r->cpl.completer = completer;
	if (r->cpl.write)
		r->cpl.val = 0;
	else if (status != PCISIM_CPL_SC)
		r->cpl.val = all_ones(r->cpl.len);
	if (status == PCISIM_CPL_RRS && crs_visible(r->root_port, &r->cpl))
		r->cpl.val = (r->cpl.val & ~0xffffu) | 0x0001;
	r->up = r->cpl.links;
	go_up(sim, r);
}

static struct pcisim_pcifn *fn_at(struct pcisim_pcibus *b, uint8_t devfn)
{
	for (uint16_t i = 0; b && i < b->nfns; i++)
		if (b->fns[i]->devfn == devfn && !b->fns[i]->comp.removed)
			return b->fns[i];
	return NULL;
}

/*
 * The routing rule. The routed path takes its decisions one bus at a time, as the
 * request gets there; pcisim_cfg_access_now() takes the same decisions at one moment.
 */

/* The root bus whose bus range holds @bus (pcie.0 first, then expander bridges); NULL: none. */
static struct pcisim_pcibus *root_bus_for(struct pcisim_sim *sim, uint8_t bus)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	for (uint32_t i = 0; i < fab->nbuses; i++) {
		struct pcisim_pcibus *b = fab->buses[i];
		if (b->is_root && !(b->host && b->host->comp.removed) && b->number <= bus &&
		    bus <= (b->subordinate > b->number ? b->subordinate : b->number))
			return b;
	}
	return NULL;
}

/*
 * The request is on its target bus @b: how it ends, and who ends it (*@who): the
 * function (SC, or RRS while it is not ready after a reset), or the bus's bridge
 * with UR when no powered function with a config space is at @devfn.
 */
static enum pcisim_cpl_status target_status(struct pcisim_pcibus *b, uint8_t devfn, pcisim_time now,
					    struct pcisim_pcifn **who)
{
	struct pcisim_pcifn *fn = fn_at(b, devfn);
	if (!fn || !fn->powered || !fn->cfg.bytes) {
		*who = b->bridge;
		return PCISIM_CPL_UR;
	}
	*who = fn;
	return pcisim_reset_is_ready(fn, now) ? PCISIM_CPL_SC : PCISIM_CPL_RRS;
}

enum route_step {
	STEP_TARGET, /* the request is on its target bus */
	STEP_UR,     /* it ends here: Unsupported Request from *who (NULL: the root complex) */
	STEP_BRIDGE, /* it passes *who, a bridge without a link (inside a switch), at once */
	STEP_LINK,   /* it crosses the link below the port *who */
};

/*
 * One decision on bus @b (numbered @nr) for a request to bus @bus that has crossed
 * @links links: Type 1, to the bridge whose bus range holds the target (PCIe r5.0
 * §7.3.3), which must be powered; a port whose link is down completes requests for
 * below with UR (§2.9.1). On STEP_BRIDGE and STEP_LINK the bus beyond the bridge and
 * its number are in *@next, *@next_nr.
 */
static enum route_step route_step(struct pcisim_pcibus *b, uint8_t nr, uint8_t bus, unsigned links,
				  struct pcisim_pcifn **who, struct pcisim_pcibus **next, uint8_t *next_nr)
{
	if (bus == nr)
		return STEP_TARGET;
	struct pcisim_pcifn *br = NULL;
	uint8_t sec = 0;
	for (uint16_t i = 0; i < b->nfns && !br; i++) {
		struct pcisim_pcifn *f = b->fns[i];
		if (f->comp.removed || !f->secondary || f->drv->kind == PCISIM_FN_HOST_BRIDGE ||
		    !f->cfg.bytes)
			continue;
		uint8_t s = pcisim_cfg_get8(&f->cfg, PCI_SECONDARY_BUS);
		uint8_t sub = pcisim_cfg_get8(&f->cfg, PCI_SUBORDINATE_BUS);
		if (s && s <= bus && bus <= sub)
			br = f, sec = s;
	}
	if (!br || !br->powered) {
		*who = b->bridge;
		return STEP_UR;
	}
	*who = br;
	if (pcisim_is_port(br) &&
	    (!pcisim_link_is_up(&pcisim_to_port(br)->link) || links == PCISIM_ROUTE_MAX_LINKS))
		return STEP_UR;
	*next = br->secondary;
	*next_nr = sec;
	return pcisim_is_port(br) ? STEP_LINK : STEP_BRIDGE;
}

/* The request is on the target bus: the function answers. */
static void at_target(struct pcisim_sim *sim, struct route_req *r, struct pcisim_pcibus *b)
{
	struct pcisim_pcifn *who;
	enum pcisim_cpl_status st = target_status(b, r->cpl.devfn, sim->now, &who);
	if (st == PCISIM_CPL_SC) {
		if (r->cpl.write)
			pcisim_fn_cfg_write(who, r->cpl.off, r->wval, r->cpl.len);
		else
			r->cpl.val = pcisim_fn_cfg_read(who, r->cpl.off, r->cpl.len);
	}
	complete(sim, r, st, who);
}

/* Route from r->at down: through bridges without a link at once, across a link as an event. */
static void go_down(struct pcisim_sim *sim, struct route_req *r)
{
	for (;;) {
		struct pcisim_pcibus *b = r->at;
		if (!b) { /* no root bus decodes this bus number: the root complex answers */
			complete(sim, r, PCISIM_CPL_UR, NULL);
			return;
		}
		struct pcisim_pcifn *who = NULL;
		switch (route_step(b, r->at_nr, r->cpl.bus, r->cpl.links, &who, &r->at, &r->at_nr)) {
		case STEP_TARGET:
			at_target(sim, r, b);
			return;
		case STEP_UR:
			complete(sim, r, PCISIM_CPL_UR, who);
			return;
		case STEP_BRIDGE:
			continue;
		case STEP_LINK:
			break;
		}
		struct pcisim_port *p = pcisim_to_port(who);
		if (b->is_root && !r->root_port)
			r->root_port = p;
		r->path[r->cpl.links++] = p;
		unsigned bytes = PCISIM_TLP_CFG_HDR + (r->cpl.write ? PCISIM_TLP_DW : 0);
		post(sim, r, &down_kind,
		     pcisim_time_add(sim->now, pcisim_link_hop_latency(sim, &p->link, bytes)), r->cpl.links);
		return;
	}
}

static void down_event(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct route_req *r = ev->ptr;
	/* It was crossing path[links - 1]: lost if that link went down meanwhile. */
	if (r->cpl.links && !crossable(r->path[r->cpl.links - 1])) {
		lost(sim, r);
		return;
	}
	go_down(sim, r);
}

static void up_event(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct route_req *r = ev->ptr;
	if (!crossable(r->path[r->up - 1])) {
		lost(sim, r);
		return;
	}
	r->up--;
	go_up(sim, r);
}

static void cto_event(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct route_req *r = ev->ptr;
	r->cto = (pcisim_timer){0, 0};
	deliver(sim, r);
}

/* ---- issue ---- */

/* The completion of a request to @bus/@devfn issued now, until it completes. */
static struct pcisim_cfg_cpl cpl_start(const struct pcisim_sim *sim, enum pcisim_cpl_status status, uint8_t bus,
				       uint8_t devfn, uint16_t off, unsigned len, bool write)
{
	return (struct pcisim_cfg_cpl){
		.status = status,
		.bus = bus,
		.devfn = devfn,
		.off = off,
		.len = (uint8_t)len,
		.write = write,
		.issued = sim->now,
	};
}

int64_t pcisim_cfg_request(struct pcisim_sim *sim, struct pcisim_comp *requester, uint8_t bus,
			   uint8_t devfn, uint16_t off, unsigned len, bool write, uint32_t val,
			   pcisim_cfg_done_fn done, void *ctx)
{
	if ((len != 1 && len != 2 && len != 4) || off % len || off + len > PCISIM_CFG_PCIE_SIZE)
		return PCISIM_ERR(PCISIM_EINVAL);
	struct route_state *st = route_state(sim);
	struct route_req *r = st->spare;
	if (r)
		st->spare = r->next;
	else if (!(r = pcisim_malloc(sizeof(*r)))) /* the path is written before it is read */
		abort();
	/*
	 * Every member before the path, one by one: a memset of them became a "rep stos",
	 * whose start-up cost was 5% of a fuzz run (perf).
	 */
	r->prev = NULL;
	r->requester = requester;
	r->done = done;
	r->ctx = ctx;
	/* member by member too: a struct built on the stack and copied was read back
	 * whole before its byte stores had landed (a store-forwarding stall, perf) */
	r->cpl.status = PCISIM_CPL_SC;
	r->cpl.val = 0;
	r->cpl.bus = bus;
	r->cpl.devfn = devfn;
	r->cpl.off = off;
	r->cpl.len = (uint8_t)len;
	r->cpl.write = write;
	r->cpl.issued = sim->now;
	r->cpl.completed = 0;
	r->cpl.links = 0;
	r->cpl.completer = NULL;
	r->cpl.tag = ++st->next_tag;
	r->wval = write ? val & all_ones(len) : 0;
	r->root_port = NULL;
	r->up = 0;
	r->cto = (pcisim_timer){0, 0};
	r->next = st->head;
	if (st->head)
		st->head->prev = r;
	st->head = r;
	st->in_flight++;
	char bdf[16]; /* formatted only when the record is made */
	PCISIM_RECORD(sim, requester, "cfg.request", PCISIM_FU("tag", r->cpl.tag),
		      PCISIM_FS("bdf", pcisim_bdf_format(r->cpl.bus, r->cpl.devfn, bdf, sizeof(bdf))),
		      PCISIM_FX("off", off), PCISIM_FU("len", len), PCISIM_FS("op", write ? "write" : "read"),
		      PCISIM_FX("val", r->wval));
	r->at = root_bus_for(sim, bus);
	r->at_nr = r->at ? r->at->number : 0;
	post(sim, r, &down_kind, sim->now, 0);
	return (int64_t)r->cpl.tag;
}

/* ---- instant accesses ---- */

struct pcisim_cfg_cpl pcisim_cfg_access_now(struct pcisim_sim *sim, uint8_t bus, uint8_t devfn,
					    uint16_t off, unsigned len, bool write, uint32_t val)
{
	struct pcisim_cfg_cpl cpl = cpl_start(sim, PCISIM_CPL_UR, bus, devfn, off, len, write);
	cpl.completed = sim->now;
	if ((len != 1 && len != 2 && len != 4) || off % len || off + len > PCISIM_CFG_PCIE_SIZE) {
		cpl.val = write ? 0 : 0xffffffffu;
		return cpl;
	}
	struct pcisim_pcibus *b = root_bus_for(sim, bus);
	uint8_t nr = b ? b->number : 0;
	struct pcisim_port *root_port = NULL;
	for (;;) {
		if (!b) {
			cpl.completer = NULL;
			break;
		}
		struct pcisim_pcifn *who = NULL;
		struct pcisim_pcibus *at = b;
		enum route_step step = route_step(b, nr, bus, cpl.links, &who, &b, &nr);
		if (step == STEP_TARGET) {
			cpl.status = target_status(at, devfn, sim->now, &cpl.completer);
			break;
		}
		if (step == STEP_UR) {
			cpl.completer = who;
			break;
		}
		if (step == STEP_LINK) {
			if (at->is_root && !root_port)
				root_port = pcisim_to_port(who);
			cpl.links++;
		}
	}
	if (cpl.status == PCISIM_CPL_SC) {
		if (write)
			pcisim_fn_cfg_write(cpl.completer, off, val & all_ones(len), len);
		else
			cpl.val = pcisim_fn_cfg_read(cpl.completer, off, len);
	} else if (!write) {
		cpl.val = all_ones(len);
		if (cpl.status == PCISIM_CPL_RRS && crs_visible(root_port, &cpl))
			cpl.val = (cpl.val & ~0xffffu) | 0x0001;
	}
	return cpl;
}

/* ---- the path by topology ---- */

bool pcisim_route_path_of(struct pcisim_pcifn *fn, struct pcisim_route_path *path)
{
	path->n = 0;
	path->root_port = NULL;
	unsigned depth = 0;
	for (struct pcisim_pcifn *f = fn; f && f->bus; f = f->bus->bridge) {
		if (pcisim_link_above(f))
			depth++;
		if (f->bus->bridge && f->bus->bridge->drv->kind == PCISIM_FN_ROOT_PORT)
			path->root_port = pcisim_to_port(f->bus->bridge);
	}
	if (depth > PCISIM_ROUTE_MAX_LINKS) {
		path->root_port = NULL;
		return false;
	}
	path->n = depth;
	for (struct pcisim_pcifn *f = fn; f && f->bus; f = f->bus->bridge) {
		struct pcisim_link *l = pcisim_link_above(f);
		if (l)
			path->link[--depth] = l;
	}
	return true;
}

struct pcisim_pcifn *pcisim_route_path_ur_completer(const struct pcisim_route_path *path)
{
	for (unsigned i = 0; i < path->n; i++)
		if (!pcisim_link_is_up(path->link[i]))
			return &path->link[i]->port->fn;
	return NULL;
}

pcisim_time pcisim_route_path_latency(const struct pcisim_route_path *path, unsigned bytes)
{
	pcisim_time t = 0;
	for (unsigned i = 0; i < path->n; i++)
		t += pcisim_link_tlp_latency(path->link[i], bytes);
	return t;
}
