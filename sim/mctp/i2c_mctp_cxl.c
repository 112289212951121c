/*
 * i2c_mctp_cxl, the MCTP-over-I2C endpoint that gives a Fabric Manager a CXL CCI on a
 * switch or a type 3 device: a device on an I2C bus (sim/mctp/i2c.h), not a PCI
 * function. What it does is described in sim/mctp/endpoint.h.
 *
 * Facts, from QEMU's sources:
 *  - hw/cxl/i2c_mctp_cxl.c: an I2C slave (bus=, address=) whose target= must be a
 *    cxl-upstream or cxl-type3 ("Unhandled target type for CXL MCTP EP"); qmp= and
 *    mctp-msg-forward= are the RFC's forwarding to another VM (the device then needs
 *    qmp= and a type 3 target);
 *  - hw/i2c/mctp.c: the endpoint's EID is 0 until the bus owner sets one; a message to
 *    another EID than its own or the null EID is dropped; it refuses a START (NACK)
 *    while it is not idle; it answers at the baseline MTU (64 bytes per packet).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/grow.h"
#include "sim/core/heap.h"
#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/cxl/fmapi.h"
#include "sim/mctp/cci.h"
#include "sim/mctp/control.h"
#include "sim/mctp/endpoint.h"
#include "sim/mctp/mctp.h"
#include "sim/mctp/smbus.h"

#define EP_TX_MAX 24 /* packets of the largest response: 1088 / 64 + 1 */

struct pcisim_mctp_ep {
	struct pcisim_i2c_dev dev;
	struct pcisim_i2c_port port;
	struct pcisim_mctp_ctl_ep ctl;
	uint8_t types[2];
	struct pcisim_mctp_reasm rx;
	uint8_t rx_addr;     /* the I2C address the message in progress comes from */
	uint64_t rx_cookie;
	struct pcisim_pcifn *target;
	/* the response being sent */
	struct pcisim_mctp_pkt *tx; /* grown to the largest response yet (at most EP_TX_MAX):
				     * room for 24 packets was 6 KB in every snapshot */
	size_t captx, ntx, itx;
	uint8_t tx_addr;
	uint64_t tx_cookie;
	/* forwarding (mctp-msg-forward=on) */
	bool forward;
	char qmp_addr[64]; /* qmp=, as the VMs' addresses are kept (norm_addr) */
	struct pcisim_fwd fwd;
	uint8_t fwd_addr, fwd_eid, fwd_tag; /* whom the awaited answer goes to */
	pcisim_timer poll;
	pcisim_time downtime; /* how long the target VM stays stopped (migration, reset), once it stops */
	const char *stop_why; /* what stopped it: "migration switch-over" or "system_reset" */
	uint64_t rx_messages, tx_messages, rx_errors;
};

static const struct pcisim_comp_ops ep_ops;

static struct pcisim_mctp_ep *ep_of(struct pcisim_i2c_dev *d)
{
	return (struct pcisim_mctp_ep *)d;
}

/* ---- per-simulation state: executions, the VMs' QMP addresses ---- */

struct qmp_vm {
	char addr[64];
	struct pcisim_sim *vm;
};

struct mctp_state {
	struct pcisim_mctp_exec *execs;
	size_t nexecs, capexecs;
	struct qmp_vm *vms;
	size_t nvms, capvms;
};

static const struct pcisim_ext_key state_key = {"mctp"};

static void state_free(void *p)
{
	struct mctp_state *st = p;
	pcisim_free(st->execs);
	pcisim_free(st->vms);
	pcisim_free(st);
}

/* kept with the engine: the executions and VMs of every machine (sim.h "Machines") */
static struct mctp_state *state_of(struct pcisim_sim *sim)
{
	sim = pcisim_engine(sim);
	struct mctp_state *st = pcisim_ext_get(sim, &state_key);
	if (!st) {
		st = pcisim_calloc(1, sizeof(*st));
		if (!st)
			abort();
		pcisim_ext_set(sim, &state_key, st, state_free);
	}
	return st;
}

const struct pcisim_mctp_exec *pcisim_mctp_execs(struct pcisim_sim *sim, size_t *n)
{
	struct mctp_state *st = pcisim_ext_get(pcisim_engine(sim), &state_key);
	*n = st ? st->nexecs : 0;
	return st ? st->execs : NULL;
}

/* "localhost:4445" and "127.0.0.1:4445" name one socket */
static void norm_addr(const char *in, char *out, size_t n)
{
	if (!strncmp(in, "localhost:", 10))
		snprintf(out, n, "127.0.0.1:%s", in + 10);
	else
		snprintf(out, n, "%s", in);
}

void pcisim_mctp_qmp_target_add(struct pcisim_sim *sim, const char *addr, struct pcisim_sim *vm)
{
	struct mctp_state *st = state_of(sim);
	if (st->nvms == st->capvms) {
		st->capvms = st->capvms ? st->capvms * 2 : 4;
		st->vms = pcisim_realloc(st->vms, st->capvms * sizeof(*st->vms));
		if (!st->vms)
			abort();
	}
	norm_addr(addr, st->vms[st->nvms].addr, sizeof(st->vms[0].addr));
	st->vms[st->nvms++].vm = vm;
}

static void log_exec(struct pcisim_mctp_ep *ep, struct pcisim_pcifn *fn, uint64_t cookie, const uint8_t *req,
		     size_t len)
{
	struct mctp_state *st = state_of(ep->dev.comp.sim);
	if (st->nexecs == st->capexecs) {
		st->capexecs = st->capexecs ? st->capexecs * 2 : 16;
		st->execs = pcisim_realloc(st->execs, st->capexecs * sizeof(*st->execs));
		if (!st->execs)
			abort();
	}
	struct pcisim_mctp_exec *x = &st->execs[st->nexecs++];
	x->cookie = cookie;
	x->comp_id = fn ? fn->comp.id : UINT32_MAX;
	x->t = ep->dev.comp.sim->now;
	x->opcode = len >= 6 ? (uint16_t)(req[4] | req[5] << 8) : 0;
}

struct pcisim_mctp_ep *pcisim_mctp_ep_find(struct pcisim_sim *sim, const char *name)
{
	struct pcisim_comp *c = pcisim_comp_find(sim, name);
	return c && c->ops && !strcmp(c->ops->type, "i2c_mctp_cxl") ? (struct pcisim_mctp_ep *)c : NULL;
}

struct pcisim_mctp_ep *pcisim_mctp_ep_of(struct pcisim_comp *c)
{
	return c && c->ops == &ep_ops ? (struct pcisim_mctp_ep *)c : NULL;
}

struct pcisim_pcifn *pcisim_mctp_ep_target(struct pcisim_mctp_ep *ep)
{
	return ep->target;
}

struct pcisim_fwd *pcisim_mctp_ep_fwd(struct pcisim_mctp_ep *ep)
{
	return ep && ep->forward ? &ep->fwd : NULL;
}

/* ---- sending ---- */

static void tx_next(struct pcisim_mctp_ep *ep)
{
	uint8_t f[PCISIM_SMBUS_MCTP_MAX_FRAME];
	size_t n = pcisim_mctp_i2c_encode(ep->tx_addr, ep->dev.addr, &ep->tx[ep->itx], f);
	ep->port.cookie = ep->tx_cookie;
	if (pcisim_i2c_write(&ep->port, f, n)) {
		ep->ntx = ep->itx = 0;
		ep->port.busy = false;
	}
}

static void send_msg(struct pcisim_mctp_ep *ep, const uint8_t *msg, size_t len, uint8_t addr, uint8_t eid,
		     uint8_t tag, uint64_t cookie)
{
	struct pcisim_mctp_hdr h = {.version = PCISIM_MCTP_HDR_VERSION, .dest = eid, .src = ep->ctl.eid,
				    .to = false, .tag = tag};
	if (ep->ntx) /* a response still going out: QEMU's endpoint never has two */
		return;
	size_t need = (len + PCISIM_MCTP_BASELINE_MTU - 1) / PCISIM_MCTP_BASELINE_MTU;
	ep->tx = pcisim_grow(ep->tx, &ep->captx, need < EP_TX_MAX ? need : EP_TX_MAX, sizeof(*ep->tx));
	ep->ntx = pcisim_mctp_fragment(msg, len, PCISIM_MCTP_BASELINE_MTU, &h, ep->tx,
				       ep->captx < EP_TX_MAX ? ep->captx : EP_TX_MAX);
	ep->itx = 0;
	if (!ep->ntx)
		return;
	ep->tx_addr = addr;
	ep->tx_cookie = cookie;
	ep->port.busy = true;
	ep->tx_messages++;
	PCISIM_RECORD(ep->dev.comp.sim, &ep->dev.comp, "mctp.tx", PCISIM_FX("type", msg[0]),
		      PCISIM_FU("tag", tag), PCISIM_FX("to_eid", eid), PCISIM_FU("bytes", len),
		      PCISIM_FU("packets", ep->ntx));
	tx_next(ep);
}

static void port_sent(struct pcisim_i2c_port *p, bool acked)
{
	struct pcisim_mctp_ep *ep = (struct pcisim_mctp_ep *)p->owner;
	if (!ep->ntx)
		return;
	if (!acked) {
		PCISIM_RECORD(ep->dev.comp.sim, &ep->dev.comp, "mctp.tx_nack", PCISIM_FU("packet", ep->itx),
			      PCISIM_FX("address", ep->tx_addr));
		ep->ntx = ep->itx = 0;
		ep->port.busy = false;
		return;
	}
	if (++ep->itx < ep->ntx) {
		tx_next(ep);
		return;
	}
	ep->ntx = ep->itx = 0;
	ep->port.busy = false;
}

/* ---- forwarding (the RFC) ---- */

static struct pcisim_sim *fwd_vm(struct pcisim_mctp_ep *ep)
{
	struct pcisim_sim *sim = ep->dev.comp.sim;
	struct mctp_state *st = pcisim_ext_get(pcisim_engine(sim), &state_key);
	if (!st || !st->nvms)
		return sim; /* one machine: the target VM is this one */
	for (size_t i = 0; i < st->nvms; i++)
		if (!strcmp(st->vms[i].addr, ep->qmp_addr))
			return st->vms[i].vm;
	return NULL;
}

static struct pcisim_pcifn *fwd_target_fn(struct pcisim_mctp_ep *ep)
{
	struct pcisim_sim *vm = fwd_vm(ep);
	if (!vm)
		return NULL;
	const char *id = pcisim_props_str(&ep->dev.props, "target", "");
	struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(vm), id);
	return fn && !fn->comp.removed ? fn : NULL;
}

struct pcisim_pcifn *pcisim_mctp_ep_fwd_target(struct pcisim_mctp_ep *ep)
{
	return ep->forward ? fwd_target_fn(ep) : NULL;
}

static const char *fwd_unavailable(void *ctx)
{
	struct pcisim_mctp_ep *ep = ctx;
	if (!fwd_vm(ep))
		return "no VM listens at qmp=";
	if (!fwd_target_fn(ep))
		return "the target VM has no such device (unplugged)";
	return NULL;
}

static size_t fwd_serve(void *ctx, const uint8_t *req, size_t len, uint8_t *rsp)
{
	struct pcisim_mctp_ep *ep = ctx;
	struct pcisim_pcifn *fn = fwd_target_fn(ep);
	if (!fn)
		return 0;
	log_exec(ep, fn, ep->fwd.taken_cookie, req, len);
	size_t n = pcisim_mctp_cci_serve(fn, req, len, rsp);
	PCISIM_RECORD(fn->comp.sim, &fn->comp, "mctp.fwd_run",
		      PCISIM_FX("opcode", len >= 6 ? req[4] | req[5] << 8 : 0),
		      PCISIM_FX("rc", n >= 11 ? rsp[9] | rsp[10] << 8 : 0xffff), PCISIM_FS("from", ep->dev.comp.path));
	return n;
}

static void fwd_notify_ev(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(fwd_notify_kind, "mctp.fwd_notify", fwd_notify_ev);
static void fwd_complete_ev(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(fwd_complete_kind, "mctp.fwd_complete", fwd_complete_ev);
static void fwd_poll_ev(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(fwd_poll_kind, "mctp.fwd_poll", fwd_poll_ev);

static void fwd_notify_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_mctp_ep *ep = (struct pcisim_mctp_ep *)ev->target;
	struct pcisim_fwd *f = &ep->fwd;
	const char *why = fwd_unavailable(ep);
	enum pcisim_fwd_notified r = pcisim_fwd_notify(f);
	PCISIM_RECORD(sim, &ep->dev.comp, "mctp.fwd_notify", PCISIM_FB("taken", r == PCISIM_FWD_TAKEN),
		      PCISIM_FS("why", r == PCISIM_FWD_UNAVAILABLE && why ? why : pcisim_fwd_notified_name(r)));
	if (r == PCISIM_FWD_TAKEN)
		pcisim_schedule(sim, pcisim_jitter(sim, &ep->dev.comp, "mctp.fwd_process", f->process_time,
						   f->process_time, f->process_time + PCISIM_MS),
				PCISIM_CLASS_MSG, &fwd_complete_kind, &ep->dev.comp, 0, 0);
}

static void fwd_resume_ev(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(fwd_resume_kind, "mctp.fwd_target_resume", fwd_resume_ev);

/* The target VM stopped (a migration's switch-over, a reset): it runs again after the downtime. */
static void target_stopped(struct pcisim_sim *sim, struct pcisim_mctp_ep *ep)
{
	PCISIM_RECORD(sim, &ep->dev.comp, "mctp.fwd_target", PCISIM_FS("what", "stopped"),
		      PCISIM_FS("why", ep->stop_why), PCISIM_FU("queued", ep->fwd.queued));
	pcisim_schedule(sim, ep->downtime, PCISIM_CLASS_MSG, &fwd_resume_kind, &ep->dev.comp, 0, 0);
}

static void fwd_resume_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_mctp_ep *ep = (struct pcisim_mctp_ep *)ev->target;
	bool run = pcisim_fwd_resume(&ep->fwd);
	PCISIM_RECORD(sim, &ep->dev.comp, "mctp.fwd_target", PCISIM_FS("what", "resumed"),
		      PCISIM_FS("why", !strcmp(ep->stop_why, "system_reset") ? "reset done; the buffer kept its state"
									 : "migration done; the buffer kept its state"),
		      PCISIM_FS("state", pcisim_fwd_state_name(ep->fwd.state)), PCISIM_FU("queued", ep->fwd.queued + run));
	if (run) /* a notification that waited in the QMP socket */
		fwd_notify_ev(sim, ev);
}

static void fwd_complete_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_mctp_ep *ep = (struct pcisim_mctp_ep *)ev->target;
	bool was_stopped = ep->fwd.stopped;
	if (pcisim_fwd_complete(&ep->fwd)) /* the QMP command that waited runs now */
		fwd_notify_ev(sim, ev);
	if (!was_stopped && ep->fwd.stopped)
		target_stopped(sim, ep);
}

static void arm_poll(struct pcisim_mctp_ep *ep)
{
	struct pcisim_sim *sim = ep->dev.comp.sim;
	if (!pcisim_pending(sim, ep->poll))
		ep->poll = pcisim_schedule(sim, ep->fwd.poll_interval, PCISIM_CLASS_HW, &fwd_poll_kind,
					   &ep->dev.comp, 0, 0);
}

static void fwd_poll_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	(void)sim;
	struct pcisim_mctp_ep *ep = (struct pcisim_mctp_ep *)ev->target;
	static uint8_t rsp[PCISIM_FWD_MSG_MAX];
	uint64_t cookie = 0;
	if (ep->fwd.ep != PCISIM_FWD_EP_WAITING)
		return;
	size_t n = pcisim_fwd_poll(&ep->fwd, rsp, &cookie);
	if (ep->fwd.ep == PCISIM_FWD_EP_WAITING) {
		arm_poll(ep);
		return;
	}
	if (n)
		send_msg(ep, rsp, n, ep->fwd_addr, ep->fwd_eid, ep->fwd_tag, cookie);
}

static void forward(struct pcisim_mctp_ep *ep, const uint8_t *msg, size_t len, uint8_t addr, uint8_t eid,
		    uint8_t tag, uint64_t cookie)
{
	struct pcisim_sim *sim = ep->dev.comp.sim;
	ep->fwd_addr = addr;
	ep->fwd_eid = eid;
	ep->fwd_tag = tag;
	if (pcisim_fwd_request(&ep->fwd, msg, len, cookie))
		pcisim_schedule(sim, pcisim_jitter(sim, &ep->dev.comp, "mctp.fwd_notify", ep->fwd.notify_latency,
						   ep->fwd.notify_latency / 2, ep->fwd.notify_latency * 10),
				PCISIM_CLASS_MSG, &fwd_notify_kind, &ep->dev.comp, 0, 0);
	arm_poll(ep);
}

/* ---- receiving ---- */

static void handle(struct pcisim_mctp_ep *ep, const struct pcisim_mctp_reasm *r)
{
	struct pcisim_sim *sim = ep->dev.comp.sim;
	static uint8_t rsp[PCISIM_MCTP_CXL_MSG_MAX];
	uint8_t type = r->buf[0] & 0x7f;
	ep->rx_messages++;
	PCISIM_RECORD(sim, &ep->dev.comp, "mctp.rx", PCISIM_FX("type", r->buf[0]), PCISIM_FU("tag", r->tag),
		      PCISIM_FX("from_eid", r->src), PCISIM_FU("bytes", r->len));
	if (!r->to)
		return; /* a response: this endpoint asked nothing */
	size_t n = 0;
	if (r->buf[0] & PCISIM_MCTP_MSG_IC) {
		n = 0; /* no integrity check support: not answered (DSP0236 §8.8) */
	} else if (type == PCISIM_MCTP_TYPE_CONTROL) {
		n = pcisim_mctp_control_respond(&ep->ctl, r->buf, r->len, rsp);
	} else if (type == PCISIM_MCTP_TYPE_CXL_CCI || type == PCISIM_MCTP_TYPE_CXL_FMAPI) {
		if (ep->forward) {
			forward(ep, r->buf, r->len, ep->rx_addr, r->src, r->tag, ep->rx_cookie);
			return;
		}
		log_exec(ep, ep->target, ep->rx_cookie, r->buf, r->len);
		n = pcisim_mctp_cci_serve(ep->target, r->buf, r->len, rsp);
	}
	if (n)
		send_msg(ep, rsp, n, ep->rx_addr, r->src, r->tag, ep->rx_cookie);
}

static void port_receive(struct pcisim_i2c_port *p, const uint8_t *frame, size_t len)
{
	struct pcisim_mctp_ep *ep = (struct pcisim_mctp_ep *)p->owner;
	struct pcisim_sim *sim = ep->dev.comp.sim;
	struct pcisim_mctp_pkt pkt;
	uint8_t dest, src;
	enum pcisim_mctp_i2c_err e = pcisim_mctp_i2c_decode(frame, len, &dest, &src, &pkt);
	if (e == PCISIM_MCTP_I2C_OK && pkt.h.dest != ep->ctl.eid && pkt.h.dest != PCISIM_MCTP_EID_NULL) {
		ep->rx_errors++;
		PCISIM_RECORD(sim, &ep->dev.comp, "mctp.rx_error", PCISIM_FS("reason", "not-my-eid"),
			      PCISIM_FX("eid", pkt.h.dest));
		return;
	}
	if (e != PCISIM_MCTP_I2C_OK) {
		ep->rx_errors++;
		PCISIM_RECORD(sim, &ep->dev.comp, "mctp.rx_error", PCISIM_FS("reason", pcisim_mctp_i2c_err_name(e)),
			      PCISIM_FX("from", frame[0] >> 1));
		return;
	}
	if (pkt.h.som) {
		ep->rx_addr = src;
		ep->rx_cookie = pcisim_i2c_write_cookie(ep->port.bus);
	}
	enum pcisim_mctp_rx res = pcisim_mctp_reasm_feed(&ep->rx, &pkt);
	if (res != PCISIM_MCTP_RX_MORE && res != PCISIM_MCTP_RX_DONE) {
		ep->rx_errors++;
		PCISIM_RECORD(sim, &ep->dev.comp, "mctp.rx_drop", PCISIM_FS("result", pcisim_mctp_rx_name(res)),
			      PCISIM_FU("seq", pkt.h.seq), PCISIM_FU("tag", pkt.h.tag));
	}
	if (res == PCISIM_MCTP_RX_DONE)
		handle(ep, &ep->rx);
}

/* ---- the component ---- */

static int ep_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	struct pcisim_mctp_ep *ep = (struct pcisim_mctp_ep *)c;
	if (!strcmp(key, "address"))
		v->u = ep->dev.addr;
	else if (!strcmp(key, "bus")) {
		v->is_str = true;
		v->s = ep->dev.bus->comp.name;
	} else if (!strcmp(key, "eid"))
		v->u = ep->ctl.eid;
	else if (!strcmp(key, "rx_messages"))
		v->u = ep->rx_messages;
	else if (!strcmp(key, "tx_messages"))
		v->u = ep->tx_messages;
	else if (!strcmp(key, "rx_errors"))
		v->u = ep->rx_errors;
	else if (!strcmp(key, "fwd_state") && ep->forward) {
		v->is_str = true;
		v->s = pcisim_fwd_state_name(ep->fwd.state);
	} else if (!strcmp(key, "fwd_overwritten") && ep->forward)
		v->u = ep->fwd.overwritten;
	else if (!strcmp(key, "fwd_executed") && ep->forward)
		v->u = ep->fwd.executed;
	else if (!strcmp(key, "fwd_mismatched") && ep->forward)
		v->u = ep->fwd.mismatched;
	else
		return -PCISIM_ENOENT;
	return 0;
}

static const char *const ep_query_keys[] = {"address", "bus", "eid", "rx_messages", "tx_messages", "rx_errors",
					    "fwd_state", "fwd_overwritten", "fwd_executed", "fwd_mismatched",
					    NULL};

static void ep_describe(struct pcisim_comp *c, FILE *out)
{
	struct pcisim_mctp_ep *ep = (struct pcisim_mctp_ep *)c;
	fprintf(out, "%s (i2c_mctp_cxl) at 0x%02x on %s, EID 0x%02x, target %s%s\n", c->name, ep->dev.addr,
		ep->dev.bus->comp.name, ep->ctl.eid, pcisim_props_str(&ep->dev.props, "target", "?"),
		ep->forward ? ", forwarding" : "");
	if (ep->forward)
		fprintf(out, "  shared buffer %s, %llu forwarded, %llu overwritten, %llu run\n",
			pcisim_fwd_state_name(ep->fwd.state), (unsigned long long)ep->fwd.forwarded,
			(unsigned long long)ep->fwd.overwritten, (unsigned long long)ep->fwd.executed);
}

/* A snapshot keeps the EID and the forwarding buffer's state (messages on the wire
 * belong to the event queue). */
static int ep_save(struct pcisim_comp *c, struct pcisim_blob *out)
{
	struct pcisim_mctp_ep *ep = (struct pcisim_mctp_ep *)c;
	pcisim_blob_put_u8(out, ep->ctl.eid);
	pcisim_blob_put_u8(out, (uint8_t)ep->fwd.state);
	pcisim_blob_put_u8(out, (uint8_t)ep->fwd.ep);
	pcisim_blob_put_u32(out, (uint32_t)ep->fwd.req_len);
	pcisim_blob_put(out, ep->fwd.req, ep->fwd.req_len);
	pcisim_blob_put_u32(out, (uint32_t)ep->fwd.rsp_len);
	pcisim_blob_put(out, ep->fwd.rsp, ep->fwd.rsp_len);
	return 0;
}

static int ep_load(struct pcisim_comp *c, struct pcisim_blob_reader *in, struct pcisim_diag *d)
{
	struct pcisim_mctp_ep *ep = (struct pcisim_mctp_ep *)c;
	(void)d;
	ep->ctl.eid = pcisim_blob_get_u8(in);
	ep->fwd.state = (enum pcisim_fwd_buf)pcisim_blob_get_u8(in);
	ep->fwd.ep = (enum pcisim_fwd_ep)pcisim_blob_get_u8(in);
	uint32_t n = pcisim_blob_get_u32(in);
	ep->fwd.req_len = n <= sizeof(ep->fwd.req) ? n : 0;
	if (!pcisim_blob_get(in, ep->fwd.req, ep->fwd.req_len))
		return -PCISIM_EINVAL;
	n = pcisim_blob_get_u32(in);
	ep->fwd.rsp_len = n <= sizeof(ep->fwd.rsp) ? n : 0;
	if (!pcisim_blob_get(in, ep->fwd.rsp, ep->fwd.rsp_len))
		return -PCISIM_EINVAL;
	return 0;
}

static void ep_detach(struct pcisim_comp *c)
{
	struct pcisim_mctp_ep *ep = (struct pcisim_mctp_ep *)c;
	pcisim_i2c_detach(&ep->port);
	pcisim_free(ep->tx);
	pcisim_free(ep);
}

static const struct pcisim_comp_ops ep_ops = {
	.type = "i2c_mctp_cxl",
	.save = ep_save,
	.load = ep_load,
	.describe = ep_describe,
	.query = ep_query,
	.query_keys = ep_query_keys,
	.destroy = ep_detach,
};

static int mctp_realize(struct pcisim_i2c_dev *dev, struct pcisim_diag *d)
{
	const struct pcisim_props *pr = &dev->props;
	if (!pcisim_props_find(pr, "target"))
		return pcisim_diag_error(d, pr->loc,
					 "i2c_mctp_cxl needs target=: the id of a cxl-upstream or cxl-type3 device");
	bool fwd = pcisim_props_bool(pr, "mctp-msg-forward", false);
	if (fwd && !pcisim_props_find(pr, "qmp")) {
		const struct pcisim_prop *f = pcisim_props_find(pr, "mctp-msg-forward");
		return pcisim_diag_error(d, f->loc,
					 "i2c_mctp_cxl: mctp-msg-forward=on needs qmp=HOST:PORT, the QMP socket of the VM that owns the device");
	}
	struct pcisim_mctp_ep *ep = ep_of(dev);
	ep->forward = fwd;
	norm_addr(pcisim_props_str(pr, "qmp", ""), ep->qmp_addr, sizeof(ep->qmp_addr));
	ep->types[0] = PCISIM_MCTP_TYPE_CXL_FMAPI;
	ep->types[1] = PCISIM_MCTP_TYPE_CXL_CCI;
	ep->ctl.types = ep->types;
	ep->ctl.ntypes = 2;
	ep->ctl.eid = PCISIM_MCTP_EID_NULL;
	pcisim_mctp_reasm_init(&ep->rx, PCISIM_MCTP_CXL_MSG_MAX);
	return 0;
}

/* target= must name a CXL switch upstream port or a type 3 device (checked once every
 * device exists: QEMU resolves the link when the option is parsed, so it must come first). */
static int mctp_link(struct pcisim_i2c_dev *dev, struct pcisim_diag *d)
{
	struct pcisim_fabric *fab = dev->fabric;
	struct pcisim_mctp_ep *ep = ep_of(dev);
	const struct pcisim_prop *t = pcisim_props_find(&dev->props, "target");
	struct pcisim_pcifn *tf = pcisim_fabric_find_fn(fab, t->value);
	bool fwd = ep->forward;
	if (tf && (!strcmp(tf->drv->name, "cxl-type3") || (!fwd && !strcmp(tf->drv->name, "cxl-upstream")))) {
		ep->target = tf;
		ep->port.owner = &dev->comp;
		ep->port.addr = dev->addr;
		ep->port.receive = port_receive;
		ep->port.sent = port_sent;
		if (pcisim_i2c_attach(dev->bus, &ep->port))
			return pcisim_diag_error(d, t->loc, "i2c_mctp_cxl: I2C address 0x%02x on %s is taken",
						 dev->addr, dev->bus->comp.name);
		if (fwd) {
			struct pcisim_fwd_target ft = {ep, fwd_serve, fwd_unavailable};
			pcisim_fwd_init(&ep->fwd, &dev->comp, &ft);
		}
		return 0;
	}
	char ids[512];
	size_t u = 0;
	ids[0] = 0;
	for (uint32_t i = 0; i < fab->nfns && u < sizeof(ids) - 64; i++) {
		struct pcisim_pcifn *o = fab->fns[i];
		if (o->comp.removed)
			continue;
		if (!strcmp(o->drv->name, "cxl-type3") || (!fwd && !strcmp(o->drv->name, "cxl-upstream")))
			u += (size_t)snprintf(ids + u, sizeof(ids) - u, "%s%s", u ? ", " : "", o->comp.name);
	}
	const char *valid = u ? ids : "none (no cxl-upstream or cxl-type3 exists)";
	if (!tf)
		return pcisim_diag_error(d, t->loc,
					 "i2c_mctp_cxl target '%s' names no device; valid targets: %s", t->value,
					 valid);
	if (fwd && !strcmp(tf->drv->name, "cxl-upstream"))
		return pcisim_diag_error(d, t->loc,
					 "i2c_mctp_cxl target '%s': mctp-msg-forward works for cxl-type3 targets only; valid targets: %s",
					 t->value, valid);
	return pcisim_diag_error(d, t->loc,
				 "i2c_mctp_cxl target '%s' is a %s: Unhandled target type for CXL MCTP EP; valid targets: %s",
				 t->value, tf->drv->name, valid);
}

/* ---- the forwarding's actions: its latencies, and a lost notification (a fault) ---- */

static struct pcisim_mctp_ep *step_fwd_ep(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_comp *c = pcisim_step_comp(sim, s, "endpoint");
	struct pcisim_mctp_ep *ep = pcisim_mctp_ep_of(c);
	if (!ep || !ep->forward) {
		pcisim_log(sim, c, "pcisim", "%s: '%s' is not an i2c_mctp_cxl endpoint with mctp-msg-forward=on",
			   s->def->name, pcisim_step_param(s, "endpoint")->s);
		return NULL;
	}
	return ep;
}

static int act_lose_notify(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_mctp_ep *ep = step_fwd_ep(sim, s);
	if (!ep)
		return -1;
	const struct pcisim_pval *n = pcisim_step_param(s, "count");
	ep->fwd.lose_next += n && n->set ? (uint32_t)n->u : 1;
	return 0;
}

static int act_fwd_timing(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_mctp_ep *ep = step_fwd_ep(sim, s);
	if (!ep)
		return -1;
	const struct pcisim_pval *v;
	if ((v = pcisim_step_param(s, "notify")) && v->set)
		ep->fwd.notify_latency = v->u;
	if ((v = pcisim_step_param(s, "process")) && v->set)
		ep->fwd.process_time = v->u;
	if ((v = pcisim_step_param(s, "poll")) && v->set)
		ep->fwd.poll_interval = v->u ? v->u : 1;
	return 0;
}

/*
 * The target VM stops for a while (after the request it runs, if any): @why is a
 * migration's switch-over or a system_reset, both of which wait for QEMU's big lock.
 */
static int target_stop(struct pcisim_sim *sim, const struct pcisim_step *s, const char *param,
		       pcisim_time dflt, const char *why)
{
	struct pcisim_mctp_ep *ep = step_fwd_ep(sim, s);
	if (!ep)
		return -1;
	if (ep->fwd.stopped || ep->fwd.stop_after_run) {
		pcisim_log(sim, &ep->dev.comp, "pcisim", "%s: the target VM is already stopped (%s)", s->def->name,
			   ep->stop_why);
		return -1;
	}
	const struct pcisim_pval *d = pcisim_step_param(s, param);
	ep->downtime = d && d->set ? d->u : dflt;
	ep->stop_why = why;
	if (pcisim_fwd_stop(&ep->fwd))
		target_stopped(sim, ep);
	else
		PCISIM_RECORD(sim, &ep->dev.comp, "mctp.fwd_target", PCISIM_FS("what", "stop-waits"),
			      PCISIM_FS("why", "the QMP command running a request holds the big lock"));
	return 0;
}

unsigned pcisim_mctp_vm_stop(struct pcisim_sim *vm, pcisim_time downtime, const char *why)
{
	struct pcisim_sim *eng = pcisim_engine(vm);
	unsigned n = 0;
	for (size_t v = 0; v < eng->nviews; v++) {
		struct pcisim_sim *s = eng->views[v];
		for (uint32_t i = 0; i < s->ncomps; i++) {
			struct pcisim_mctp_ep *ep = pcisim_mctp_ep_of(s->comps[i]);
			if (!ep || !ep->forward || ep->dev.comp.removed || fwd_vm(ep) != vm || ep->fwd.stopped ||
			    ep->fwd.stop_after_run)
				continue;
			ep->downtime = downtime;
			ep->stop_why = why;
			if (pcisim_fwd_stop(&ep->fwd))
				target_stopped(s, ep);
			else
				PCISIM_RECORD(s, &ep->dev.comp, "mctp.fwd_target", PCISIM_FS("what", "stop-waits"),
					      PCISIM_FS("why", "the QMP command running a request holds the big lock"));
			n++;
		}
	}
	return n;
}

static int act_target_migrate(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	/* QEMU's default downtime-limit: 300 ms */
	return target_stop(sim, s, "downtime", 300 * PCISIM_MS, "migration switch-over");
}

static int act_target_reset(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return target_stop(sim, s, "for", PCISIM_MS, "system_reset");
}

static int check_fwd_ep(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	const struct pcisim_pval *v = pcisim_step_param(s, "endpoint");
	struct pcisim_mctp_ep *ep = pcisim_mctp_ep_of(pcisim_comp_find(sim, v->s));
	if (ep && ep->forward)
		return 0;
	return pcisim_diag_error(d, v->node ? v->node->loc : s->loc,
				 "%s: '%s' is not an i2c_mctp_cxl endpoint with mctp-msg-forward=on (give the endpoint's id)",
				 s->def->name, v->s);
}

static const struct pcisim_param_def lose_params[] = {
	{"endpoint", PCISIM_P_COMP, true, "the forwarding i2c_mctp_cxl endpoint (its id)", NULL, 0, 0, NULL},
	{"count", PCISIM_P_INT, false, "how many of its next notifications are lost", NULL, 1, 1000000, "1"},
	{0},
};

static const struct pcisim_param_def timing_params[] = {
	{"endpoint", PCISIM_P_COMP, true, "the forwarding i2c_mctp_cxl endpoint (its id)", NULL, 0, 0, NULL},
	{"notify", PCISIM_P_TIME, false, "the QMP notification's latency to the target VM", NULL, 0, 0, "200us"},
	{"process", PCISIM_P_TIME, false, "how long the target VM takes to run a request", NULL, 0, 0, "0"},
	{"poll", PCISIM_P_TIME, false, "the FM side's poll interval of the state field", NULL, 0, 0, "1ms"},
	{0},
};

static const struct pcisim_param_def migrate_params[] = {
	{"endpoint", PCISIM_P_COMP, true, "the forwarding i2c_mctp_cxl endpoint (its id)", NULL, 0, 0, NULL},
	{"downtime", PCISIM_P_TIME, false, "how long the target VM is stopped for the switch-over", NULL, 0, 0,
	 "300ms"},
	{0},
};

static const struct pcisim_param_def reset_params[] = {
	{"endpoint", PCISIM_P_COMP, true, "the forwarding i2c_mctp_cxl endpoint (its id)", NULL, 0, 0, NULL},
	{"for", PCISIM_P_TIME, false, "how long the reset keeps QEMU's main loop (and its QMP handler) busy", NULL, 0,
	 0, "1ms"},
	{0},
};

const struct pcisim_action_def pcisim_mctp_fwd_actions[] = {
	{"mctp.target_reset",
	 "the FM emulation RFC's target VM gets a system_reset: its QMP handler waits for it, the buffer keeps its state",
	 reset_params, false, check_fwd_ep, act_target_reset},
	{"mctp.target_migrate",
	 "the FM emulation RFC's target VM migrates: it stops for the downtime, its QMP notifications wait",
	 migrate_params, false, check_fwd_ep, act_target_migrate},
	{"mctp.lose_notify", "the FM emulation RFC's QMP notification to the target VM is lost (a fault)", lose_params,
	 false, check_fwd_ep, act_lose_notify},
	{"mctp.fwd_timing", "the FM emulation RFC's forwarding latencies: notification, the target's run, the poll",
	 timing_params, false, check_fwd_ep, act_fwd_timing},
	{0},
};

static const struct pcisim_i2c_model mctp_model = {
	.size = sizeof(struct pcisim_mctp_ep),
	.ops = &ep_ops,
	.realize = mctp_realize,
	.link = mctp_link,
};

static const struct pcisim_prop_def mctp_props[] = {
	{"bus", PCISIM_PROP_STR, "the I2C bus: aspeed.i2c.bus.N (required)", 0, 0, NULL, true},
	{"address", PCISIM_PROP_INT, "7-bit I2C address (default 0)", 0, 0x7f, NULL, true},
	{"target", PCISIM_PROP_STR, "id of the cxl-upstream or cxl-type3 the CCI belongs to (required)", 0, 0,
	 NULL, true},
	{"qmp", PCISIM_PROP_STR, "HOST:PORT of the target VM's QMP, for mctp-msg-forward (FM emulation RFC)", 0,
	 0, NULL, false},
	{"mctp-msg-forward", PCISIM_PROP_BOOL,
	 "forward FM-API requests to the VM at qmp= (FM emulation RFC; default off)", 0, 0, NULL, false},
	{0},
};

const struct pcisim_driver pcisim_mctp_drivers[] = {
	{
		.name = "i2c_mctp_cxl",
		.help = "MCTP over I2C endpoint with a CXL CCI (hw/cxl/i2c_mctp_cxl.c)",
		.props = mctp_props,
		.bus_kind = &pcisim_i2c_bus_kind,
		.model = &mctp_model,
	},
	{0},
};
