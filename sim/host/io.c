/*
 * I/O workloads and their accounting (io.h has the rules): the io_start and io_stop
 * actions, each request's journey over the links between the root complex and the
 * device, what ends it (completion, an error with its reason, a completion timeout),
 * the errors the hardware logs on the way (Unsupported Request, Completion Timeout,
 * Poisoned TLP, through sim/pcie/aer.h), and the `io` expectation.
 */
#include "sim/host/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/eeh/eeh.h"
#include "sim/host/eeh_core.h"
#include "sim/host/host.h"
#include "sim/host/vfio_passthrough.h"
#include "sim/pcie/aer.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/link.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/reset.h"
#include "sim/pcie/route.h"
#include "sim/core/heap.h"
#include "sim/pcie/vfio.h"

/* TLP sizes (PCIe r5.0 §2.2): a 4-DW memory request header, a 3-DW completion header. */
#define IO_REQ_HDR 16
#define IO_CPL_HDR 12

enum io_op { OP_MMIO_READ, OP_MMIO_WRITE, OP_DMA_READ, OP_DMA_WRITE };
static const char *const op_names[] = {"mmio_read", "mmio_write", "dma_read", "dma_write", NULL};

enum io_reason {
	R_NO_DEVICE,
	R_FROZEN,
	R_DISCONNECTED,
	R_UR,
	R_DROP_LINK,
	R_DROP_RESET,
	R_CTO,
	R_LOST,
	R_POISONED,
	R_DEVICE_RESET,
	R_GONE,
	R_EEH_ALL_ONES,
	R_EEH_DROPPED,
	R_N,
};
static const char *const reason_names[] = {
	[R_NO_DEVICE] = "no device",
	[R_FROZEN] = "frozen",
	[R_DISCONNECTED] = "disconnected",
	[R_UR] = "unsupported request",
	[R_DROP_LINK] = "dropped: link down",
	[R_DROP_RESET] = "dropped: device in reset",
	[R_CTO] = "completion timeout",
	[R_LOST] = "lost in flight: link down",
	[R_POISONED] = "poisoned",
	[R_DEVICE_RESET] = "device in reset",
	[R_GONE] = "device gone",
	[R_EEH_ALL_ONES] = "all ones: PE frozen",
	[R_EEH_DROPPED] = "dropped: PE frozen",
};

/* One request on its way: what it must find unchanged when it arrives. */
struct pending {
	uint64_t n;
	pcisim_time issued;
	struct pcisim_route_path path; /* the links it crosses (route.h) */
	uint32_t transitions[PCISIM_ROUTE_MAX_LINKS]; /* each link's, at issue */
	pcisim_time ready_at;
	bool poisoned;
	pcisim_timer timer;
	bool live;
};

struct workload {
	char *name;
	struct pcisim_pcifn *fn;
	enum io_op op;
	pcisim_time interval;
	uint32_t size;
	uint64_t count; /* 0: until io_stop */
	uint64_t poison_every;
	bool running;
	pcisim_timer next;
	uint64_t issued, completed, errored, bytes;
	uint64_t reasons[R_N];
	struct pending *pend;
	size_t npend, cappend, live;
};

struct io_state {
	struct workload **w;
	size_t n;
};

static const struct pcisim_ext_key io_key = {"host-io"};

static void state_destroy(void *p)
{
	struct io_state *s = p;
	for (size_t i = 0; i < s->n; i++) {
		pcisim_free(s->w[i]->name);
		pcisim_free(s->w[i]->pend);
		pcisim_free(s->w[i]);
	}
	pcisim_free(s->w);
	pcisim_free(s);
}

static struct io_state *state(struct pcisim_sim *sim)
{
	struct io_state *s = pcisim_ext_get(sim, &io_key);
	if (s)
		return s;
	s = pcisim_calloc(1, sizeof(*s));
	if (!s)
		abort();
	pcisim_ext_set(sim, &io_key, s, state_destroy);
	return s;
}

static struct workload *find_wl(struct pcisim_sim *sim, const char *name)
{
	struct io_state *s = pcisim_ext_get(sim, &io_key);
	for (size_t i = 0; s && i < s->n; i++)
		if (!strcmp(s->w[i]->name, name))
			return s->w[i];
	return NULL;
}

pcisim_time pcisim_io_completion_timeout(uint16_t devctl2)
{
	if (devctl2 & PCI_EXP_DEVCTL2_COMP_TMOUT_DIS)
		return PCISIM_TIME_MAX;
	switch (devctl2 & PCI_EXP_DEVCTL2_COMP_TIMEOUT) {
	case 0x1:
		return 100 * PCISIM_US;
	case 0x2:
		return 10 * PCISIM_MS;
	case 0x5:
		return 55 * PCISIM_MS;
	case 0x6:
		return 210 * PCISIM_MS;
	case 0x9:
		return 900 * PCISIM_MS;
	case 0xa:
		return 3500 * PCISIM_MS;
	case 0xd:
		return 13 * PCISIM_S;
	case 0xe:
		return 64 * PCISIM_S;
	default: /* 0000b (and reserved values): the default range, 50 us - 50 ms */
		return 50 * PCISIM_MS;
	}
}

/* ---- the path ---- */

/*
 * The links between the root complex and the device, and their latencies, are
 * route.c's (pcisim_route_path_of(), pcisim_route_path_latency()), as for
 * configuration requests; the root port in the path is the MMIO requester.
 */
static struct pcisim_pcifn *root_port_of(struct pcisim_pcifn *fn)
{
	struct pcisim_route_path path;
	pcisim_route_path_of(fn, &path);
	return path.root_port ? &path.root_port->fn : NULL;
}

static uint16_t devctl2(struct pcisim_pcifn *f)
{
	uint16_t exp = f ? pcisim_cfg_find_cap(&f->cfg, PCI_CAP_ID_EXP) : 0;
	return exp ? pcisim_cfg_get16(&f->cfg, (uint16_t)(exp + PCI_EXP_DEVCTL2)) : 0;
}

/* ---- ending requests ---- */

static void end_err(struct workload *w, uint64_t n, enum io_reason r)
{
	w->errored++;
	w->reasons[r]++;
	PCISIM_RECORD(w->fn->comp.sim, &w->fn->comp, "io.error", PCISIM_FS("io", w->name),
		      PCISIM_FU("n", n), PCISIM_FS("op", op_names[w->op]),
		      PCISIM_FS("reason", reason_names[r]));
}

static void end_ok(struct workload *w)
{
	w->completed++;
	w->bytes += w->size;
}

static struct pending *pend_new(struct workload *w)
{
	if (w->npend == w->cappend) {
		/* reuse a finished slot first */
		for (size_t i = 0; i < w->npend; i++)
			if (!w->pend[i].live)
				return &w->pend[i];
		w->cappend = w->cappend ? w->cappend * 2 : 16;
		w->pend = pcisim_realloc(w->pend, w->cappend * sizeof(*w->pend));
		if (!w->pend)
			abort();
	}
	return &w->pend[w->npend++];
}

static struct pending *pend_find(struct workload *w, uint64_t n)
{
	for (size_t i = 0; i < w->npend; i++)
		if (w->pend[i].live && w->pend[i].n == n)
			return &w->pend[i];
	return NULL;
}

static bool is_dma(enum io_op op)
{
	return op == OP_DMA_READ || op == OP_DMA_WRITE;
}

static const enum pcisim_eeh_access eeh_access[] = {
	[OP_MMIO_READ] = PCISIM_EEH_LOAD_MEM,
	[OP_MMIO_WRITE] = PCISIM_EEH_STORE_MEM,
	[OP_DMA_READ] = PCISIM_EEH_DMA_READ,
	[OP_DMA_WRITE] = PCISIM_EEH_DMA_WRITE,
};

static bool is_read(enum io_op op)
{
	return op == OP_MMIO_READ || op == OP_DMA_READ;
}

/* The requester of a read: the root port for MMIO, the device for DMA. */
static struct pcisim_pcifn *requester(struct workload *w, struct pcisim_pcifn *rp)
{
	return w->op == OP_MMIO_READ ? rp : w->fn;
}

static void cto_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct workload *w = ev->ptr;
	struct pending *p = pend_find(w, ev->a[0]);
	if (!p)
		return;
	p->live = false;
	w->live--;
	struct pcisim_pcifn *req = requester(w, root_port_of(w->fn));
	if (req && !req->comp.removed)
		pcisim_aer_detect(req, PCI_ERR_UNC_COMP_TIME, false, false, "completion timeout");
	end_err(w, ev->a[0], R_CTO);
}
PCISIM_EVKIND(cto_kind, "io.completion_timeout", cto_ev);

/* A read that will never complete: its Completion Timeout runs from its issue. */
static void start_cto(struct workload *w, struct pending *p, struct pcisim_pcifn *req)
{
	struct pcisim_sim *sim = w->fn->comp.sim;
	pcisim_time to = pcisim_io_completion_timeout(devctl2(req));
	if (to == PCISIM_TIME_MAX)
		return; /* Completion Timeout Disable: it stays in flight */
	pcisim_time when = pcisim_time_add(p->issued, to);
	if (when < sim->now)
		when = sim->now;
	struct pcisim_event *ev = pcisim_event_new(sim, &cto_kind, &w->fn->comp);
	ev->ptr = w;
	ev->a[0] = p->n;
	p->timer = pcisim_post(sim, ev, when, PCISIM_CLASS_MSG);
}

static bool path_intact(struct pending *p)
{
	for (unsigned i = 0; i < p->path.n; i++)
		if (!pcisim_link_is_up(p->path.link[i]) || p->path.link[i]->transitions != p->transitions[i])
			return false;
	return true;
}

static void done_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct workload *w = ev->ptr;
	struct pending *p = pend_find(w, ev->a[0]);
	if (!p)
		return;
	struct pcisim_pcifn *rp = root_port_of(w->fn);
	bool intact = !w->fn->comp.removed && path_intact(p) && w->fn->ready_at == p->ready_at;
	if (!intact) {
		if (is_read(w->op)) {
			start_cto(w, p, requester(w, rp)); /* the completion never comes */
			return;
		}
		p->live = false;
		w->live--;
		end_err(w, p->n, R_LOST);
		return;
	}
	p->live = false;
	w->live--;
	if (p->poisoned) {
		/* the receiver of the poisoned data logs it */
		struct pcisim_pcifn *rx = (w->op == OP_MMIO_WRITE || w->op == OP_DMA_READ) ? w->fn : rp;
		if (rx)
			pcisim_aer_detect(rx, PCI_ERR_UNC_POISON_TLP, false, false, "poisoned data received");
		end_err(w, p->n, R_POISONED);
		return;
	}
	end_ok(w);
}
PCISIM_EVKIND(done_kind, "io.done", done_ev);

/* ---- issuing ---- */

static void issue(struct workload *w)
{
	struct pcisim_sim *sim = w->fn->comp.sim;
	struct pcisim_host *h = pcisim_host_of(sim);
	struct pcisim_pcifn *fn = w->fn;
	if (pcisim_vfio_vm_stopped(h, fn))
		return; /* QEMU stopped the VM whose driver does this I/O: it issues nothing */
	uint64_t n = ++w->issued;
	if (h ? !pcisim_host_visible(h, fn) : fn->comp.removed) {
		end_err(w, n, R_NO_DEVICE);
		return;
	}
	enum pcisim_io_state st = h ? pcisim_host_io_state(h, fn) : PCISIM_IO_NORMAL;
	if (st == PCISIM_IO_PERM_FAILURE) {
		end_err(w, n, R_DISCONNECTED);
		return;
	}
	if (st == PCISIM_IO_FROZEN) {
		end_err(w, n, R_FROZEN);
		return;
	}
	/* pseries: the PHB isolates a frozen PE; an all-ones load makes Linux look (EEH) */
	if (pcisim_eeh_phb_of(fn) &&
	    !pcisim_eeh_access(fn, eeh_access[w->op], is_dma(w->op) ? 0 : pcisim_eeh_fn_mmio_base(fn))) {
		if (w->op == OP_MMIO_READ) {
			end_err(w, n, R_EEH_ALL_ONES);
			pcisim_host_eeh_check_failure(h, fn);
		} else {
			end_err(w, n, R_EEH_DROPPED);
		}
		return;
	}
	struct pending *p = pend_new(w);
	/* Not a memset of the 3 KiB record: the path's links and their transition counts
	 * are written for the links the request crosses and never read past them. */
	p->n = n;
	p->issued = sim->now;
	p->ready_at = 0;
	p->poisoned = false;
	p->timer = (pcisim_timer){0, 0};
	p->live = false;
	if (!pcisim_route_path_of(fn, &p->path)) {
		/* deeper than any request is routed: as a config request, it is unsupported */
		end_err(w, n, R_UR);
		return;
	}
	struct pcisim_pcifn *rp = p->path.root_port ? &p->path.root_port->fn : NULL;
	for (unsigned i = 0; i < p->path.n; i++)
		p->transitions[i] = p->path.link[i]->transitions;
	p->ready_at = fn->ready_at;
	p->poisoned = w->poison_every && n % w->poison_every == 0;
	p->live = true;
	w->live++;
	struct pcisim_pcifn *ur = pcisim_route_path_ur_completer(&p->path);
	if (fn->comp.removed && !ur && p->path.n)
		ur = &p->path.link[p->path.n - 1]->port->fn; /* gone: the port above answers */
	bool ready = !fn->comp.removed && pcisim_reset_is_ready(fn, sim->now) && fn->powered;
	switch (w->op) {
	case OP_MMIO_READ:
		if (ur) {
			/* the port whose link is down completes it: UR, advisory */
			p->live = false;
			w->live--;
			pcisim_aer_detect(ur, PCI_ERR_UNC_UNSUP, false, true, "request to a link that is down");
			end_err(w, n, R_UR);
			return;
		}
		if (!ready) {
			start_cto(w, p, rp);
			return;
		}
		break;
	case OP_MMIO_WRITE:
		if (ur || !ready) {
			p->live = false;
			w->live--;
			end_err(w, n, ur ? R_DROP_LINK : R_DROP_RESET);
			return;
		}
		break;
	case OP_DMA_READ:
	case OP_DMA_WRITE:
		if (fn->comp.removed) {
			/* the device vanished: it does no DMA any more */
			p->live = false;
			w->live--;
			end_err(w, n, R_GONE);
			return;
		}
		if (w->op == OP_DMA_WRITE) {
			if (!ready || ur) {
				p->live = false;
				w->live--;
				end_err(w, n, ur ? R_DROP_LINK : R_DEVICE_RESET);
				return;
			}
			break;
		}
		if (!ready) {
			p->live = false;
			w->live--;
			end_err(w, n, R_DEVICE_RESET);
			return;
		}
		if (ur) {
			/* the request cannot leave: the device waits for its completion */
			start_cto(w, p, fn);
			return;
		}
		break;
	}
	pcisim_time t;
	switch (w->op) {
	case OP_MMIO_READ:
	case OP_DMA_READ:
		t = pcisim_route_path_latency(&p->path, IO_REQ_HDR) +
		    pcisim_route_path_latency(&p->path, IO_CPL_HDR + w->size);
		break;
	default:
		t = pcisim_route_path_latency(&p->path, IO_REQ_HDR + w->size);
		break;
	}
	struct pcisim_event *ev = pcisim_event_new(sim, &done_kind, &fn->comp);
	ev->ptr = w;
	ev->a[0] = n;
	p->timer = pcisim_post(sim, ev, sim->now + t, PCISIM_CLASS_MSG);
}

static void record_counts(struct workload *w, const char *event)
{
	PCISIM_RECORD(w->fn->comp.sim, &w->fn->comp, event, PCISIM_FS("io", w->name),
		      PCISIM_FS("op", op_names[w->op]), PCISIM_FU("issued", w->issued),
		      PCISIM_FU("completed", w->completed), PCISIM_FU("errored", w->errored),
		      PCISIM_FU("in_flight", w->live));
}

static void next_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct workload *w = ev->ptr;
	w->next = (pcisim_timer){0, 0};
	if (!w->running)
		return;
	issue(w);
	if (w->count && w->issued >= w->count) {
		w->running = false;
		record_counts(w, "io.stop");
		return;
	}
	struct pcisim_event *e = pcisim_event_new(sim, ev->kind, &w->fn->comp);
	e->ptr = w;
	e->a[0] = w->issued;
	w->next = pcisim_post(sim, e, pcisim_time_add(sim->now, w->interval), PCISIM_CLASS_HOST);
}
PCISIM_EVKIND(next_kind, "io.issue", next_ev);

/* ---- actions ---- */

static const char *wl_name(const struct pcisim_step *s)
{
	const struct pcisim_pval *n = pcisim_step_param(s, "name");
	return n && n->set ? n->s : pcisim_step_param(s, "id")->s;
}

static bool is_action(const struct pcisim_step *s, const char *name)
{
	return !strcmp(s->def->name, name);
}

/* An io_stop of @name that runs after @a ends and before @b starts, whatever times are chosen. */
static bool stop_between(const struct pcisim_scenario *sc, const char *name,
			 const struct pcisim_step *a, const struct pcisim_step *b)
{
	for (size_t k = 0; k < sc->nsteps; k++) {
		const struct pcisim_step *t = &sc->steps[k];
		if (!t->fault && is_action(t, "io_stop") && !strcmp(pcisim_step_param(t, "name")->s, name) &&
		    t->at.lo >= a->at.hi && t->at.hi <= b->at.lo && (t->at.lo > a->at.hi || t->index > a->index) &&
		    (t->at.hi < b->at.lo || t->index < b->index))
			return true;
	}
	return false;
}

/*
 * A second io_start of a running workload would only log a line: the scenario says it
 * is wrong when a workload of the same name, started before without a count, has no
 * io_stop between the two.
 */
static int check_start_name(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	const struct pcisim_scenario *sc = pcisim_sim_scenario(sim);
	const char *name = wl_name(s);
	for (size_t k = 0; sc && k < sc->nsteps; k++) {
		const struct pcisim_step *o = &sc->steps[k];
		if (o == s || o->fault || s->fault || !is_action(o, "io_start") || strcmp(wl_name(o), name))
			continue;
		bool before = o->at.hi < s->at.lo || (o->at.hi == s->at.lo && o->index < s->index);
		if (!before || pcisim_step_param(o, "count")->set || stop_between(sc, name, o, s))
			continue;
		return pcisim_diag_error(d, s->loc,
					 "io_start: workload '%s' is already running (started at line %u and not stopped before this step); give it another 'name', or an io_stop between",
					 name, o->loc.line);
	}
	return 0;
}

/* io_stop must name a workload some io_start step starts. */
static int check_stop(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	const struct pcisim_scenario *sc = pcisim_sim_scenario(sim);
	const struct pcisim_pval *n = pcisim_step_param(s, "name");
	char names[512] = "";
	size_t u = 0;
	for (size_t k = 0; sc && k < sc->nsteps; k++) {
		const struct pcisim_step *o = &sc->steps[k];
		if (!is_action(o, "io_start"))
			continue;
		if (!strcmp(wl_name(o), n->s) && o->at.lo <= s->at.hi)
			return 0;
		if (u < sizeof(names) - 64 && !strstr(names, wl_name(o)))
			u += (size_t)snprintf(names + u, sizeof(names) - u, "%s%s", u ? ", " : "", wl_name(o));
	}
	return pcisim_diag_error(d, n->node ? n->node->loc : s->loc,
				 "io_stop: no io_start step before it starts a workload named '%s'; valid names: %s",
				 n->s, u ? names : "none (no io_start step)");
}

static int check_start(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	int rc = check_start_name(sim, s, d);
	if (rc)
		return rc;
	const struct pcisim_pval *rate = pcisim_step_param(s, "rate"), *iv = pcisim_step_param(s, "interval");
	if (rate->set == iv->set)
		return pcisim_diag_error(d, s->loc, "io_start needs one of 'rate' (requests per second) or 'interval' (a duration)");
	if (rate->set && rate->u == 0)
		return pcisim_diag_error(d, rate->node->loc, "'rate' must be at least 1 request per second");
	if (iv->set && iv->u == 0)
		return pcisim_diag_error(d, iv->node->loc, "'interval' must be more than 0");
	return 0;
}

static int act_start(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_comp *c = pcisim_step_comp(sim, s, "id");
	struct pcisim_pcifn *fn = c ? pcisim_fabric_find_fn(pcisim_fabric_get(sim), c->name) : NULL;
	const char *name = wl_name(s);
	if (!fn || !fn->cfg.bytes) {
		pcisim_log(sim, c, "pcisim", "io_start %s: no PCI device '%s'", name, pcisim_step_param(s, "id")->s);
		return -1;
	}
	/* the guest's I/O through its vfio-pci view is the passed-through device's own DMA and MMIO */
	if (pcisim_vfio_host_fn(fn))
		fn = pcisim_vfio_host_fn(fn);
	struct workload *w = find_wl(sim, name);
	if (w && w->running) {
		pcisim_log(sim, c, "pcisim", "io_start: workload '%s' is already running", name);
		return -1;
	}
	if (!w) {
		w = pcisim_calloc(1, sizeof(*w));
		if (!w)
			abort();
		w->name = pcisim_strdup(name);
		struct io_state *st = state(sim);
		struct workload **v = pcisim_realloc(st->w, (st->n + 1) * sizeof(*v));
		if (!v)
			abort();
		st->w = v;
		st->w[st->n++] = w;
	}
	w->fn = fn;
	w->op = (enum io_op)pcisim_step_param(s, "op")->u;
	const struct pcisim_pval *rate = pcisim_step_param(s, "rate");
	w->interval = rate->set ? PCISIM_S / rate->u : pcisim_step_param(s, "interval")->u;
	if (!w->interval)
		w->interval = 1;
	const struct pcisim_pval *v;
	w->size = (v = pcisim_step_param(s, "size"))->set ? (uint32_t)v->u : 4;
	w->count = (v = pcisim_step_param(s, "count"))->set ? w->issued + v->u : 0;
	w->poison_every = (v = pcisim_step_param(s, "poison_every"))->set ? v->u : 0;
	w->running = true;
	record_counts(w, "io.start");
	struct pcisim_event *e = pcisim_event_new(sim, &next_kind, &fn->comp);
	e->ptr = w;
	w->next = pcisim_post(sim, e, sim->now, PCISIM_CLASS_HOST);
	return 0;
}

static int act_stop(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	const char *name = pcisim_step_param(s, "name")->s;
	struct workload *w = find_wl(sim, name);
	if (!w || !w->running) {
		pcisim_log(sim, NULL, "pcisim", "io_stop: no running workload '%s'", name);
		return -1;
	}
	w->running = false;
	pcisim_cancel(sim, &w->next);
	record_counts(w, "io.stop");
	return 0;
}

/* ---- queries and the invariant ---- */

bool pcisim_io_counts(struct pcisim_sim *sim, const char *name, struct pcisim_io_counts *out)
{
	struct workload *w = find_wl(sim, name);
	if (!w)
		return false;
	out->issued = w->issued;
	out->completed = w->completed;
	out->errored = w->errored;
	out->in_flight = w->live;
	out->bytes = w->bytes;
	return true;
}

uint64_t pcisim_io_reason_count(struct pcisim_sim *sim, const char *name, const char *reason)
{
	struct workload *w = find_wl(sim, name);
	for (int r = 0; w && r < R_N; r++)
		if (!strcmp(reason_names[r], reason))
			return w->reasons[r];
	return 0;
}

bool pcisim_io_check(struct pcisim_sim *sim, char *why, size_t n)
{
	struct io_state *s = pcisim_ext_get(sim, &io_key);
	for (size_t i = 0; s && i < s->n; i++) {
		struct workload *w = s->w[i];
		size_t held = 0;
		uint64_t by_reason = 0;
		for (size_t j = 0; j < w->npend; j++)
			held += w->pend[j].live;
		for (int r = 0; r < R_N; r++)
			by_reason += w->reasons[r];
		if (w->issued != w->completed + w->errored + w->live || held != w->live ||
		    by_reason != w->errored) {
			snprintf(why, n,
				 "workload %s: issued %llu != completed %llu + errored %llu + in flight %zu (held %zu, by reason %llu)",
				 w->name, (unsigned long long)w->issued, (unsigned long long)w->completed,
				 (unsigned long long)w->errored, w->live, held, (unsigned long long)by_reason);
			return false;
		}
	}
	return true;
}

/* ---- the io expectation ---- */

static int io_key_value(struct pcisim_sim *sim, const char *name, const char *key, uint64_t *out)
{
	struct pcisim_io_counts c;
	if (!pcisim_io_counts(sim, name, &c))
		return -1;
	if (!strcmp(key, "issued"))
		*out = c.issued;
	else if (!strcmp(key, "completed"))
		*out = c.completed;
	else if (!strcmp(key, "errored"))
		*out = c.errored;
	else if (!strcmp(key, "in_flight"))
		*out = c.in_flight;
	else if (!strcmp(key, "bytes"))
		*out = c.bytes;
	else if (!strncmp(key, "errored.", 8))
		*out = pcisim_io_reason_count(sim, name, key + 8);
	else
		return -2;
	return 0;
}

static int io_check(struct pcisim_sim *sim, const struct pcisim_expect *e, struct pcisim_diag *d)
{
	const struct pcisim_pval *k = pcisim_expect_param(e, "key");
	if (!k->set)
		return 0;
	static const char *const keys[] = {"issued", "completed", "errored", "in_flight", "bytes", NULL};
	for (size_t i = 0; keys[i]; i++)
		if (!strcmp(k->s, keys[i]))
			return 0;
	if (!strncmp(k->s, "errored.", 8)) {
		for (int r = 0; r < R_N; r++)
			if (!strcmp(k->s + 8, reason_names[r]))
				return 0;
	}
	char buf[512];
	size_t u = (size_t)snprintf(buf, sizeof(buf), "issued, completed, errored, in_flight, bytes");
	for (int r = 0; r < R_N && u < sizeof(buf); r++)
		u += (size_t)snprintf(buf + u, sizeof(buf) - u, ", errored.%s", reason_names[r]);
	return pcisim_diag_error(d, k->node->loc, "unknown io key '%s'; valid keys: %s", k->s, buf);
}

static bool io_eval(struct pcisim_sim *sim, const struct pcisim_expect *e, char *expected, size_t ne,
		    char *observed, size_t no)
{
	const char *name = pcisim_expect_param(e, "io")->s;
	char why[256];
	if (!pcisim_io_check(sim, why, sizeof(why))) {
		snprintf(expected, ne, "every request accounted for");
		snprintf(observed, no, "%s", why);
		return false;
	}
	const struct pcisim_pval *k = pcisim_expect_param(e, "key");
	struct pcisim_io_counts c;
	if (!pcisim_io_counts(sim, name, &c)) {
		snprintf(expected, ne, "workload '%s'", name);
		snprintf(observed, no, "no such workload ran");
		return false;
	}
	if (!k->set) {
		snprintf(expected, ne, "issued = completed + errored + in flight");
		snprintf(observed, no, "%llu = %llu + %llu + %llu", (unsigned long long)c.issued,
			 (unsigned long long)c.completed, (unsigned long long)c.errored,
			 (unsigned long long)c.in_flight);
		return true;
	}
	uint64_t v = 0;
	io_key_value(sim, name, k->s, &v);
	const struct pcisim_pval *eq = pcisim_expect_param(e, "equals"),
				 *lo = pcisim_expect_param(e, "at_least"),
				 *hi = pcisim_expect_param(e, "at_most");
	bool ok = (!eq->set || v == eq->u) && (!lo->set || v >= lo->u) && (!hi->set || v <= hi->u);
	size_t u = (size_t)snprintf(expected, ne, "%s %s", name, k->s);
	if (eq->set)
		u += (size_t)snprintf(expected + u, ne - u, " = %llu", (unsigned long long)eq->u);
	if (lo->set && u < ne)
		u += (size_t)snprintf(expected + u, ne - u, " >= %llu", (unsigned long long)lo->u);
	if (hi->set && u < ne)
		snprintf(expected + u, ne - u, " <= %llu", (unsigned long long)hi->u);
	snprintf(observed, no, "%llu (issued %llu, completed %llu, errored %llu, in flight %llu)",
		 (unsigned long long)v, (unsigned long long)c.issued, (unsigned long long)c.completed,
		 (unsigned long long)c.errored, (unsigned long long)c.in_flight);
	return ok;
}

static const struct pcisim_param_def io_expect_params[] = {
	{"io", PCISIM_P_STR, true, "the workload's name", NULL, 0, 0, NULL},
	{"key", PCISIM_P_STR, false, "issued, completed, errored, in_flight, bytes, errored.<reason>", NULL, 0, 0, "none: issued = completed + errored + in flight"},
	{"equals", PCISIM_P_INT, false, "exact value", NULL, 0, 0, NULL},
	{"at_least", PCISIM_P_INT, false, "minimum", NULL, 0, 0, NULL},
	{"at_most", PCISIM_P_INT, false, "maximum", NULL, 0, 0, NULL},
	{0},
};

static const struct pcisim_expect_def io_expects[] = {
	{"io", "an I/O workload's accounting at the end (and always: every request accounted for)",
	 io_expect_params, io_check, io_eval, 0, NULL, NULL, NULL},
	{0},
};

static const struct pcisim_param_def start_params[] = {
	{"id", PCISIM_P_COMP, true, "the device", NULL, 0, 0, NULL},
	{"name", PCISIM_P_STR, false, "the workload's name", NULL, 0, 0, "the device id"},
	{"op", PCISIM_P_CHOICE, true, "what each request is", op_names, 0, 0, NULL},
	{"rate", PCISIM_P_INT, false, "requests per second", NULL, 0, 0, NULL},
	{"interval", PCISIM_P_TIME, false, "time between requests", NULL, 0, 0, NULL},
	{"size", PCISIM_P_INT, false, "bytes per request", NULL, 1, 4096, "4"},
	{"count", PCISIM_P_INT, false, "stop after this many requests", NULL, 0, 0, "until io_stop"},
	{"poison_every", PCISIM_P_INT, false, "every Nth request carries poisoned data", NULL, 0, 0, "0 (none)"},
	{0},
};

static const struct pcisim_param_def stop_params[] = {
	{"name", PCISIM_P_STR, true, "the workload's name", NULL, 0, 0, NULL},
	{0},
};

static const struct pcisim_action_def io_actions[] = {
	{"io_start", "a driver starts I/O: MMIO reads/writes or DMA at a rate (sim/host/io.h)", start_params,
	 false, check_start, act_start},
	{"io_stop", "the workload stops issuing; requests in flight still end", stop_params, false,
	 check_stop, act_stop},
	{0},
};

static const struct pcisim_record_kind io_kinds[] = {
	{"io.start", "an I/O workload started (fields: io, op, issued, completed, errored, in_flight)"},
	{"io.stop", "an I/O workload stopped issuing (same fields)"},
	{"io.error", "a request ended in error (fields: io, n, op, reason)"},
	{0},
};

void pcisim_host_io_register(void)
{
	pcisim_actions_add(io_actions);
	pcisim_expects_add(io_expects);
	pcisim_record_kinds_add(io_kinds);
}
