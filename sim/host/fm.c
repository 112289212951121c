/*
 * The Fabric Manager host model (sim/host/fm.h): the FM VM's kernel MCTP over I2C and
 * a libcxlmi-like application. Facts: Linux net/mctp (tag allocation, tag owner, key
 * per tag), drivers/net/mctp/mctp-i2c.c (one SMBus block write per packet, 64-byte
 * MTU), libcxlmi src/cxlmi/mctp.c (1000 ms default timeout, 2000 ms at most, the
 * response's tag checked against the request's); read, not copied.
 */
#include "sim/core/heap.h"
#include "sim/host/fm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/trace.h"
#include "sim/cxl/fmapi.h"
#include "sim/cxl/memdev.h"
#include "sim/mctp/cci.h"
#include "sim/mctp/control.h"
#include "sim/mctp/endpoint.h"
#include "sim/mctp/i2c.h"
#include "sim/mctp/packet.h"
#include "sim/mctp/smbus.h"

#define FM_MAX_EPS 16
#define FM_TXQ 256 /* frames the kernel's queue holds; a send past them fails (ENOBUFS) */
#define FM_PAYLOAD_MAX 256

struct fm_req {
	uint32_t id;       /* command number, from 1 */
	const char *what;  /* the action, for records */
	uint8_t attempt;   /* 1 = first send */
	uint8_t type;      /* MCTP message type */
	uint16_t opcode;   /* CXL opcode, or the control command code */
	uint8_t payload[FM_PAYLOAD_MAX];
	size_t plen;
	uint8_t eid, addr, tag;
	bool active;       /* sent, holds its tag, waits */
	bool done;
	bool bg_poll;      /* a Background Operation Status poll of command parent */
	pcisim_time timeout; /* libcxlmi's wait for this command */
	uint32_t answer_from; /* the command whose answer it accepted (checking identity), 0: none */
	unsigned retries;    /* the application's retries after a timeout */
	uint32_t parent;
	pcisim_timer timer;
};

struct fm_tx {
	uint8_t frame[PCISIM_SMBUS_MCTP_MAX_FRAME];
	size_t n;
	uint64_t cookie;
};

struct pcisim_fm {
	struct pcisim_comp comp;
	struct pcisim_i2c_port port;
	struct pcisim_i2c_bus *bus;
	uint8_t eid;
	pcisim_time timeout, bg_poll, boot;
	unsigned retries;
	struct {
		uint8_t addr, eid;
	} eps[FM_MAX_EPS];
	unsigned neps;
	struct fm_req *reqs;
	size_t nreqs, capreqs;
	/* a ring of txcap frames (grown as frames wait, up to FM_TXQ): room for all 256
	 * made every snapshot of an FM 71 KB larger */
	struct fm_tx *txq;
	size_t txcap;
	unsigned txhead, txlen;
	struct pcisim_mctp_reasm rx[8]; /* responses, by tag */
	uint64_t rx_cookie[8];          /* the identity riding with each tag's response */
	uint64_t sent, answered, timeouts, retried, stale;
	uint64_t crossed;               /* answers taken for a command they do not answer */
	char crossed_what[160];
};

static const struct pcisim_ext_key fm_key = {"fm"};

/* The Fabric Manager of @sim, or of the first machine that has one (sim.h "Machines"). */
static struct pcisim_fm *fm_of(struct pcisim_sim *sim)
{
	struct pcisim_fm *fm = pcisim_ext_get(sim, &fm_key);
	struct pcisim_sim *eng = pcisim_engine(sim);
	for (size_t i = 0; !fm && i < eng->nviews; i++)
		fm = pcisim_ext_get(eng->views[i], &fm_key);
	return fm;
}

/* ---- sending ---- */

static void tx_kick(struct pcisim_fm *fm)
{
	if (!fm->txlen || fm->port.waiting || (fm->bus && fm->bus->active == &fm->port))
		return;
	struct fm_tx *t = &fm->txq[fm->txhead];
	fm->port.cookie = t->cookie;
	pcisim_i2c_write(&fm->port, t->frame, t->n);
}

static void port_sent(struct pcisim_i2c_port *p, bool acked)
{
	struct pcisim_fm *fm = (struct pcisim_fm *)p->owner;
	if (!acked) /* mctp-i2c reports the error; the request then times out */
		PCISIM_RECORD(fm->comp.sim, &fm->comp, "fm.tx_nack", PCISIM_FX("address", fm->txq[fm->txhead].frame[0] >> 1));
	fm->txhead = (unsigned)((fm->txhead + 1) % fm->txcap);
	fm->txlen--;
	tx_kick(fm);
}

static void timeout_ev(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(timeout_kind, "fm.timeout", timeout_ev);

/* Room in the ring for @need frames (<= FM_TXQ): a larger ring, the waiting frames first. */
static void tx_room(struct pcisim_fm *fm, size_t need)
{
	if (need <= fm->txcap)
		return;
	size_t cap = fm->txcap ? fm->txcap : 8;
	while (cap < need)
		cap *= 2;
	struct fm_tx *q = pcisim_malloc(cap * sizeof(*q));
	if (!q)
		abort();
	memset(q, 0, cap * sizeof(*q));
	for (unsigned i = 0; i < fm->txlen; i++)
		q[i] = fm->txq[(fm->txhead + i) % fm->txcap];
	pcisim_free(fm->txq);
	fm->txq = q;
	fm->txcap = cap;
	fm->txhead = 0;
}

static int alloc_tag(struct pcisim_fm *fm)
{
	unsigned used = 0;
	for (size_t i = 0; i < fm->nreqs; i++)
		if (fm->reqs[i].active)
			used |= 1u << fm->reqs[i].tag;
	for (int t = 0; t < 8; t++)
		if (!(used & (1u << t)))
			return t;
	return -1;
}

static void send_req(struct pcisim_fm *fm, struct fm_req *r)
{
	struct pcisim_sim *sim = fm->comp.sim;
	int tag = alloc_tag(fm);
	if (tag < 0) {
		r->done = true;
		PCISIM_RECORD(sim, &fm->comp, "fm.error", PCISIM_FU("cmd", r->id), PCISIM_FS("what", r->what),
			      PCISIM_FS("error", "no free MCTP tag (EAGAIN)"));
		return;
	}
	r->tag = (uint8_t)tag;
	uint8_t msg[16 + FM_PAYLOAD_MAX];
	size_t n = r->type == PCISIM_MCTP_TYPE_CONTROL
			   ? pcisim_mctp_control_request((uint8_t)(r->id & 0x1f), (uint8_t)r->opcode, r->payload,
							 r->plen, msg)
			   : pcisim_mctp_cci_request(r->type, (uint8_t)tag, r->opcode, r->payload, r->plen, msg);
	struct pcisim_mctp_hdr h = {.version = PCISIM_MCTP_HDR_VERSION,
				    .dest = r->type == PCISIM_MCTP_TYPE_CONTROL && r->opcode == PCISIM_MCTP_CTRL_SET_EID
						    ? PCISIM_MCTP_EID_NULL
						    : r->eid,
				    .src = fm->eid, .to = true, .tag = (uint8_t)tag};
	struct pcisim_mctp_pkt pk[8];
	size_t np = pcisim_mctp_fragment(msg, n, PCISIM_MCTP_BASELINE_MTU, &h, pk, 8);
	uint64_t cookie = (uint64_t)r->id << 8 | r->attempt;
	if (fm->txlen + np > FM_TXQ) { /* the kernel's queue is full: the send fails (ENOBUFS) */
		PCISIM_RECORD(sim, &fm->comp, "fm.error", PCISIM_FU("cmd", r->id), PCISIM_FS("what", r->what),
			      PCISIM_FS("error", "transmit queue full (ENOBUFS)"));
		np = 0;
	}
	tx_room(fm, fm->txlen + np);
	for (size_t i = 0; i < np; i++) {
		struct fm_tx *t = &fm->txq[(fm->txhead + fm->txlen) % fm->txcap];
		t->n = pcisim_mctp_i2c_encode(r->addr, fm->port.addr, &pk[i], t->frame);
		t->cookie = cookie;
		fm->txlen++;
	}
	r->active = true;
	fm->sent++;
	PCISIM_RECORD(sim, &fm->comp, "fm.request", PCISIM_FU("cmd", r->id), PCISIM_FS("what", r->what),
		      PCISIM_FX("opcode", r->opcode), PCISIM_FX("eid", r->eid), PCISIM_FU("tag", tag),
		      PCISIM_FU("attempt", r->attempt));
	r->timer = pcisim_schedule(sim, r->timeout, PCISIM_CLASS_HOST, &timeout_kind, &fm->comp,
				   (uint64_t)(r - fm->reqs), r->attempt);
	tx_kick(fm);
}

static struct fm_req *new_req(struct pcisim_fm *fm, const char *what, uint8_t type, uint16_t opcode,
			      const uint8_t *payload, size_t plen, uint8_t eid)
{
	if (fm->nreqs == fm->capreqs) {
		fm->capreqs = fm->capreqs ? fm->capreqs * 2 : 16;
		fm->reqs = pcisim_realloc(fm->reqs, fm->capreqs * sizeof(*fm->reqs));
		if (!fm->reqs)
			abort();
	}
	struct fm_req *r = &fm->reqs[fm->nreqs];
	memset(r, 0, sizeof(*r));
	r->id = (uint32_t)++fm->nreqs;
	r->what = what;
	r->attempt = 1;
	r->type = type;
	r->opcode = opcode;
	r->plen = plen < FM_PAYLOAD_MAX ? plen : FM_PAYLOAD_MAX;
	if (r->plen)
		memcpy(r->payload, payload, r->plen);
	r->eid = eid;
	r->timeout = fm->timeout;
	r->retries = fm->retries;
	for (unsigned i = 0; i < fm->neps; i++)
		if (fm->eps[i].eid == eid)
			r->addr = fm->eps[i].addr;
	return r;
}

static void timeout_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_fm *fm = (struct pcisim_fm *)ev->target;
	struct fm_req *r = &fm->reqs[ev->a[0]];
	if (!r->active || r->attempt != ev->a[1])
		return;
	r->active = false;
	fm->timeouts++;
	PCISIM_RECORD(sim, &fm->comp, "fm.timeout", PCISIM_FU("cmd", r->id), PCISIM_FS("what", r->what),
		      PCISIM_FU("tag", r->tag), PCISIM_FU("attempt", r->attempt));
	if (r->attempt <= r->retries) {
		r->attempt++;
		fm->retried++;
		PCISIM_RECORD(sim, &fm->comp, "fm.retry", PCISIM_FU("cmd", r->id), PCISIM_FS("what", r->what),
			      PCISIM_FU("attempt", r->attempt));
		send_req(fm, r);
		return;
	}
	r->done = true;
}

/* ---- receiving ---- */

static void bg_ev(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(bg_kind, "fm.bg_poll", bg_ev);

static void bg_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	(void)sim;
	struct pcisim_fm *fm = (struct pcisim_fm *)ev->target;
	struct fm_req *p = &fm->reqs[ev->a[0]];
	struct fm_req *r = new_req(fm, "background-status", PCISIM_MCTP_TYPE_CXL_CCI, CXL_OP_BG_OP_STATUS, NULL,
				   0, p->eid);
	r->bg_poll = true;
	r->parent = p->id;
	send_req(fm, r);
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The answers of the DCD management commands, as records (CXL r3.1 §7.6.7.6; the
 * layouts libcxlmi's cxlmi_cmd_fmapi_* structures have). */
static void dcd_records(struct pcisim_fm *fm, const struct fm_req *r, const struct pcisim_cxl_cci_msg *m)
{
	struct pcisim_sim *sim = fm->comp.sim;
	const uint8_t *p = m->payload;
	switch (m->opcode) {
	case 0x5600: /* Get DCD Info */
		if (m->len >= 0x14)
			PCISIM_RECORD(sim, &fm->comp, "fm.dcd_info", PCISIM_FU("cmd", r->id), PCISIM_FU("hosts", p[0]),
				      PCISIM_FU("regions", p[1]), PCISIM_FX("selection_policies", le(p + 4, 2)),
				      PCISIM_FX("removal_policies", le(p + 8, 2)),
				      PCISIM_FX("total_capacity", le(p + 0xc, 8)));
		break;
	case 0x5601: /* Get Host DC Region Configuration */
		for (unsigned i = 0; m->len >= 4 && i < p[3] && 4 + (i + 1) * 40u <= m->len; i++) {
			const uint8_t *c = p + 4 + i * 40;
			PCISIM_RECORD(sim, &fm->comp, "fm.dc_region", PCISIM_FU("cmd", r->id),
				      PCISIM_FU("region", (r->plen >= 4 ? r->payload[3] : 0) + i),
				      PCISIM_FX("base", le(c, 8)), PCISIM_FX("decode_length", le(c + 8, 8)),
				      PCISIM_FX("length", le(c + 16, 8)), PCISIM_FX("block_size", le(c + 24, 8)));
		}
		break;
	case 0x5603: /* Get DC Region Extent Lists */
		if (m->len < 24)
			break;
		PCISIM_RECORD(sim, &fm->comp, "fm.dc_extents", PCISIM_FU("cmd", r->id),
			      PCISIM_FU("returned", le(p + 8, 4)), PCISIM_FU("total", le(p + 12, 4)),
			      PCISIM_FU("generation", le(p + 16, 4)));
		for (unsigned i = 0; i < le(p + 8, 4) && 24 + (i + 1) * 40u <= m->len; i++) {
			const uint8_t *e = p + 24 + i * 40;
			PCISIM_RECORD(sim, &fm->comp, "fm.dc_extent", PCISIM_FU("cmd", r->id),
				      PCISIM_FU("index", le(p + 4, 4) + i), PCISIM_FX("dpa", le(e, 8)),
				      PCISIM_FX("length", le(e + 8, 8)));
		}
		break;
	default:
		break;
	}
}

static void answered(struct pcisim_fm *fm, struct fm_req *r, const uint8_t *msg, size_t len, uint64_t cookie)
{
	struct pcisim_sim *sim = fm->comp.sim;
	r->answer_from = (uint32_t)(cookie >> 8);
	/* another attempt of the same command is its answer too; another command's is not */
	if (cookie && (cookie >> 8) != r->id && !fm->crossed++)
		snprintf(fm->crossed_what, sizeof(fm->crossed_what),
			 "FM command %u (%s, attempt %u) took the answer to command %u attempt %u", r->id, r->what,
			 r->attempt, (unsigned)(cookie >> 8), (unsigned)(cookie & 0xff));
	pcisim_cancel(sim, &r->timer);
	r->active = false;
	r->done = true;
	fm->answered++;
	if (r->type == PCISIM_MCTP_TYPE_CONTROL) {
		PCISIM_RECORD(sim, &fm->comp, "fm.response", PCISIM_FU("cmd", r->id), PCISIM_FS("what", r->what),
			      PCISIM_FX("opcode", r->opcode), PCISIM_FX("rc", len > 3 ? msg[3] : 0xff),
			      PCISIM_FU("bytes", len > 4 ? len - 4 : 0), PCISIM_FU("attempt", r->attempt));
		return;
	}
	struct pcisim_cxl_cci_msg m;
	if (pcisim_cxl_cci_decode(msg + 1, len - 1, &m)) {
		PCISIM_RECORD(sim, &fm->comp, "fm.error", PCISIM_FU("cmd", r->id), PCISIM_FS("what", r->what),
			      PCISIM_FS("error", "short CCI response"));
		return;
	}
	PCISIM_RECORD(sim, &fm->comp, "fm.response", PCISIM_FU("cmd", r->id), PCISIM_FS("what", r->what),
		      PCISIM_FX("opcode", m.opcode), PCISIM_FX("rc", m.rc), PCISIM_FU("bytes", m.len),
		      PCISIM_FU("attempt", r->attempt));
	const uint8_t *p = m.payload;
	if (m.rc == CXL_MBOX_SUCCESS && m.opcode == CXL_FMAPI_IDENTIFY_SWITCH && m.len >= CXL_FMAPI_IDENTIFY_LEN)
		PCISIM_RECORD(sim, &fm->comp, "fm.switch", PCISIM_FU("ports", p[2]), PCISIM_FU("vcss", p[3]),
			      PCISIM_FU("vppbs", p[0x44] | p[0x45] << 8), PCISIM_FU("bound", p[0x46] | p[0x47] << 8));
	if (m.rc == CXL_MBOX_SUCCESS && m.opcode == CXL_FMAPI_GET_PHYS_PORT_STATE && m.len >= 4)
		for (unsigned i = 0; i < p[0] && 4 + (i + 1) * CXL_FMAPI_PORT_STATE_LEN <= m.len; i++) {
			const uint8_t *o = p + 4 + i * CXL_FMAPI_PORT_STATE_LEN;
			PCISIM_RECORD(sim, &fm->comp, "fm.port", PCISIM_FU("port", o[0]), PCISIM_FU("state", o[1]),
				      PCISIM_FU("device", o[4]), PCISIM_FU("ltssm", o[11]));
		}
	if (m.rc == CXL_MBOX_SUCCESS)
		dcd_records(fm, r, &m);
	if (r->bg_poll && m.rc == CXL_MBOX_SUCCESS && m.len >= 8) {
		if (p[0] & 1)
			pcisim_schedule(sim, fm->bg_poll, PCISIM_CLASS_HOST, &bg_kind, &fm->comp, r->parent - 1, 0);
		else
			PCISIM_RECORD(sim, &fm->comp, "fm.bg_done", PCISIM_FU("cmd", r->parent),
				      PCISIM_FX("opcode", p[2] | p[3] << 8), PCISIM_FX("rc", p[4] | p[5] << 8));
	}
	if (m.rc == CXL_MBOX_BG_STARTED)
		pcisim_schedule(sim, fm->bg_poll, PCISIM_CLASS_HOST, &bg_kind, &fm->comp, r->id - 1, 0);
}

static void port_receive(struct pcisim_i2c_port *p, const uint8_t *frame, size_t len)
{
	struct pcisim_fm *fm = (struct pcisim_fm *)p->owner;
	struct pcisim_sim *sim = fm->comp.sim;
	struct pcisim_mctp_pkt pkt;
	uint8_t dest, src;
	enum pcisim_mctp_i2c_err e = pcisim_mctp_i2c_decode(frame, len, &dest, &src, &pkt);
	if (e != PCISIM_MCTP_I2C_OK) { /* mctp-i2c drops it (rx_errors) */
		PCISIM_RECORD(sim, &fm->comp, "fm.rx_error", PCISIM_FS("reason", pcisim_mctp_i2c_err_name(e)));
		return;
	}
	if (pkt.h.to || pkt.h.dest != fm->eid)
		return; /* not a response to this FM */
	struct pcisim_mctp_reasm *rx = &fm->rx[pkt.h.tag];
	if (pkt.h.som)
		fm->rx_cookie[pkt.h.tag] = pcisim_i2c_write_cookie(fm->bus);
	enum pcisim_mctp_rx res = pcisim_mctp_reasm_feed(rx, &pkt);
	if (res != PCISIM_MCTP_RX_DONE) {
		if (res != PCISIM_MCTP_RX_MORE)
			PCISIM_RECORD(sim, &fm->comp, "fm.rx_error", PCISIM_FS("reason", pcisim_mctp_rx_name(res)));
		return;
	}
	/* the kernel's key: (peer, tag) of a request that waits; libcxlmi then checks the
	 * CCI message's own tag */
	for (size_t i = 0; i < fm->nreqs; i++) {
		struct fm_req *r = &fm->reqs[i];
		if (!r->active || r->tag != rx->tag)
			continue;
		bool ctl = r->type == PCISIM_MCTP_TYPE_CONTROL;
		if (!ctl && rx->src != r->eid)
			continue;
		if (!ctl && (rx->len < 1 + CXL_CCI_MSG_HDR || rx->buf[2] != r->tag))
			break; /* libcxlmi: "tag mismatch" */
		answered(fm, r, rx->buf, rx->len, fm->rx_cookie[rx->tag]);
		return;
	}
	fm->stale++;
	PCISIM_RECORD(sim, &fm->comp, "fm.stale_response", PCISIM_FU("tag", rx->tag),
		      PCISIM_FX("from_eid", rx->src), PCISIM_FU("bytes", rx->len));
}

/* ---- boot: the endpoints get their EIDs ---- */

static void boot_ev(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(boot_kind, "fm.boot", boot_ev);

static void boot_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	(void)sim;
	struct pcisim_fm *fm = (struct pcisim_fm *)ev->target;
	for (unsigned i = 0; i < fm->neps; i++) {
		uint8_t data[2] = {0x00, fm->eps[i].eid}; /* set */
		struct fm_req *r = new_req(fm, "set-endpoint-id", PCISIM_MCTP_TYPE_CONTROL, PCISIM_MCTP_CTRL_SET_EID,
					   data, 2, fm->eps[i].eid);
		send_req(fm, r);
	}
}

/* ---- the component ---- */

static int fm_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	struct pcisim_fm *fm = (struct pcisim_fm *)c;
	if (!strcmp(key, "sent"))
		v->u = fm->sent;
	else if (!strcmp(key, "answered"))
		v->u = fm->answered;
	else if (!strcmp(key, "timeouts"))
		v->u = fm->timeouts;
	else if (!strcmp(key, "retries"))
		v->u = fm->retried;
	else if (!strcmp(key, "stale"))
		v->u = fm->stale;
	else if (!strcmp(key, "waiting")) {
		v->u = 0;
		for (size_t i = 0; i < fm->nreqs; i++)
			v->u += fm->reqs[i].active;
	} else
		return -PCISIM_ENOENT;
	return 0;
}

static const char *const fm_query_keys[] = {"sent", "answered", "timeouts", "retries", "stale", "waiting", NULL};

static void fm_describe(struct pcisim_comp *c, FILE *out)
{
	struct pcisim_fm *fm = (struct pcisim_fm *)c;
	fprintf(out, "%s (fabric-manager) EID 0x%02x at 0x%02x on %s: %llu sent, %llu answered, %llu timed out\n",
		c->name, fm->eid, fm->port.addr, fm->bus->comp.name, (unsigned long long)fm->sent,
		(unsigned long long)fm->answered, (unsigned long long)fm->timeouts);
}

/* A snapshot keeps the counters; requests in flight are the event queue's. */
static int fm_save(struct pcisim_comp *c, struct pcisim_blob *out)
{
	struct pcisim_fm *fm = (struct pcisim_fm *)c;
	pcisim_blob_put_u64(out, fm->sent);
	pcisim_blob_put_u64(out, fm->answered);
	pcisim_blob_put_u64(out, fm->timeouts);
	pcisim_blob_put_u64(out, fm->retried);
	pcisim_blob_put_u64(out, fm->stale);
	return 0;
}

static int fm_load(struct pcisim_comp *c, struct pcisim_blob_reader *in, struct pcisim_diag *d)
{
	struct pcisim_fm *fm = (struct pcisim_fm *)c;
	(void)d;
	fm->sent = pcisim_blob_get_u64(in);
	fm->answered = pcisim_blob_get_u64(in);
	fm->timeouts = pcisim_blob_get_u64(in);
	fm->retried = pcisim_blob_get_u64(in);
	fm->stale = pcisim_blob_get_u64(in);
	return 0;
}

static void fm_destroy(struct pcisim_comp *c)
{
	struct pcisim_fm *fm = (struct pcisim_fm *)c;
	pcisim_free(fm->reqs);
	pcisim_free(fm->txq);
	pcisim_free(fm);
}

static const struct pcisim_comp_ops fm_ops = {
	.type = "fabric-manager",
	.save = fm_save,
	.load = fm_load,
	.describe = fm_describe,
	.query = fm_query,
	.query_keys = fm_query_keys,
	.destroy = fm_destroy,
};

static const char *const fm_keys[] = {"bus", "address", "eid", "speed", "timeout", "retries", "endpoints",
				      "boot", "bg_poll", NULL};
static const char *const speed_choices[] = {"100kHz", "400kHz", "1MHz", NULL};
static const unsigned speed_hz[] = {100000, 400000, 1000000};

static int parse_eps(struct pcisim_fm *fm, const struct pcisim_ynode *n, struct pcisim_diag *d)
{
	int rc;
	if ((rc = pcisim_yexpect(n, PCISIM_Y_SEQ, "'endpoints': a list of {address: N, eid: N}", d)))
		return rc;
	if (n->n > FM_MAX_EPS)
		return pcisim_diag_error(d, n->loc, "'endpoints': at most %d endpoints", FM_MAX_EPS);
	static const char *const ep_keys[] = {"address", "eid", NULL};
	for (size_t i = 0; i < n->n; i++) {
		const struct pcisim_ynode *e = n->vals[i];
		if ((rc = pcisim_yexpect(e, PCISIM_Y_MAP, "an endpoint {address: N, eid: N}", d)) ||
		    (rc = pcisim_ymap_check_keys(e, "an endpoint", ep_keys, d)))
			return rc;
		const struct pcisim_ynode *a = pcisim_ymap_get(e, "address"), *x = pcisim_ymap_get(e, "eid");
		if (!a || !x)
			return pcisim_diag_error(d, e->loc, "an endpoint needs 'address' (7-bit I2C address) and 'eid' (8 to 254)");
		uint64_t av, xv;
		if ((rc = pcisim_yget_u64(a, "'address'", 0, 0x7f, &av, d)) ||
		    (rc = pcisim_yget_u64(x, "'eid'", 8, 254, &xv, d)))
			return rc;
		if (!pcisim_i2c_port_at(fm->bus, (uint8_t)av))
			return pcisim_diag_error(d, a->loc, "'address': nothing is at 0x%02x on %s", (unsigned)av,
						 fm->bus->comp.name);
		for (unsigned j = 0; j < fm->neps; j++)
			if (fm->eps[j].eid == xv)
				return pcisim_diag_error(d, x->loc, "'eid': %u is given twice", (unsigned)xv);
		fm->eps[fm->neps].addr = (uint8_t)av;
		fm->eps[fm->neps].eid = (uint8_t)xv;
		fm->neps++;
	}
	return 0;
}

int pcisim_fm_build(struct pcisim_sim *sim, const struct pcisim_ynode *node, struct pcisim_diag *d)
{
	int rc;
	if ((rc = pcisim_yexpect(node, PCISIM_Y_MAP, "'fm'", d)) ||
	    (rc = pcisim_ymap_check_keys(node, "'fm'", fm_keys, d)))
		return rc;
	const struct pcisim_ynode *b = pcisim_ymap_get(node, "bus");
	if (!b)
		return pcisim_diag_error(d, node->loc, "'fm' needs 'bus': the I2C bus of its MCTP link (aspeed.i2c.bus.N)");
	const char *bus;
	if ((rc = pcisim_yget_str(b, "'bus'", &bus, d)))
		return rc;
	struct pcisim_i2c_bus *ib = pcisim_i2c_bus_find(sim, bus);
	if (!ib)
		return pcisim_diag_error(d, b->loc, "'bus': no I2C bus '%s' (a bus exists once an i2c_mctp_cxl device names it)",
					 bus);
	struct pcisim_fm *fm = pcisim_calloc(1, sizeof(*fm));
	if (!fm)
		abort();
	fm->bus = ib;
	fm->eid = 8;
	fm->timeout = PCISIM_FM_TIMEOUT_DEFAULT;
	fm->bg_poll = 10 * PCISIM_MS;
	fm->port.addr = 0x10;
	const struct pcisim_ynode *n;
	uint64_t v;
	if ((n = pcisim_ymap_get(node, "address"))) {
		if ((rc = pcisim_yget_u64(n, "'address'", 0, 0x7f, &v, d)))
			goto err;
		fm->port.addr = (uint8_t)v;
	}
	if ((n = pcisim_ymap_get(node, "eid"))) {
		if ((rc = pcisim_yget_u64(n, "'eid'", 8, 254, &v, d)))
			goto err;
		fm->eid = (uint8_t)v;
	}
	if ((n = pcisim_ymap_get(node, "speed"))) {
		unsigned i;
		if ((rc = pcisim_yget_choice(n, "'speed'", speed_choices, &i, d)))
			goto err;
		ib->hz = speed_hz[i];
	}
	if ((n = pcisim_ymap_get(node, "timeout"))) {
		if ((rc = pcisim_yget_time(n, "'timeout'", &fm->timeout, d)))
			goto err;
		if (!fm->timeout || fm->timeout > PCISIM_FM_TIMEOUT_MAX) {
			rc = pcisim_diag_error(d, n->loc, "'timeout': expected a duration from 1ms to 2s (libcxlmi's MCTP limit)");
			goto err;
		}
	}
	if ((n = pcisim_ymap_get(node, "retries"))) {
		if ((rc = pcisim_yget_u64(n, "'retries'", 0, 16, &v, d)))
			goto err;
		fm->retries = (unsigned)v;
	}
	if ((n = pcisim_ymap_get(node, "boot")) && (rc = pcisim_yget_time(n, "'boot'", &fm->boot, d)))
		goto err;
	if ((n = pcisim_ymap_get(node, "bg_poll")) && (rc = pcisim_yget_time(n, "'bg_poll'", &fm->bg_poll, d)))
		goto err;
	if ((n = pcisim_ymap_get(node, "endpoints")) && (rc = parse_eps(fm, n, d)))
		goto err;
	for (int t = 0; t < 8; t++)
		pcisim_mctp_reasm_init(&fm->rx[t], PCISIM_MCTP_CXL_MSG_MAX);
	if (pcisim_comp_add(sim, &fm->comp, NULL, "fm", &fm_ops)) {
		rc = pcisim_diag_error(d, node->loc, "'fm': the name 'fm' is taken by a device id");
		goto err;
	}
	fm->port.owner = &fm->comp;
	fm->port.receive = port_receive;
	fm->port.sent = port_sent;
	if (pcisim_i2c_attach(ib, &fm->port)) {
		const struct pcisim_ynode *a = pcisim_ymap_get(node, "address");
		return pcisim_diag_error(d, a ? a->loc : node->loc, "'address': 0x%02x on %s is an endpoint's",
					 fm->port.addr, ib->comp.name);
	}
	pcisim_ext_set(sim, &fm_key, fm, NULL);
	if (fm->neps)
		pcisim_schedule(sim, fm->boot, PCISIM_CLASS_HOST, &boot_kind, &fm->comp, 0, 0);
	return 0;
err:
	pcisim_free(fm);
	return rc;
}

/* ---- invariants ---- */

bool pcisim_fm_check_single_run(struct pcisim_sim *sim, char *what, size_t nw)
{
	struct pcisim_fm *fm = fm_of(sim);
	if (!fm)
		return true;
	size_t n;
	const struct pcisim_mctp_exec *x = pcisim_mctp_execs(sim, &n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (x[i].cookie >> 8 && x[i].cookie >> 8 == x[j].cookie >> 8) {
				const struct fm_req *r = &fm->reqs[(x[i].cookie >> 8) - 1];
				snprintf(what, nw, "FM command %u (%s) ran twice: attempts %u and %u", r->id, r->what,
					 (unsigned)(x[i].cookie & 0xff), (unsigned)(x[j].cookie & 0xff));
				return false;
			}
	return true;
}

bool pcisim_fm_check_answers_match(struct pcisim_sim *sim, char *what, size_t nw)
{
	struct pcisim_fm *fm = fm_of(sim);
	if (!fm || !fm->crossed)
		return true;
	snprintf(what, nw, "%s", fm->crossed_what);
	return false;
}

/* ---- expectations: how often a command ran, whose answer it took ---- */

static unsigned runs_of(struct pcisim_sim *sim, uint32_t id)
{
	size_t n;
	unsigned k = 0;
	const struct pcisim_mctp_exec *x = pcisim_mctp_execs(sim, &n);
	for (size_t i = 0; i < n; i++)
		k += (x[i].cookie >> 8) == id;
	return k;
}

static bool fm_command_eval(struct pcisim_sim *sim, const struct pcisim_expect *e, char *exp, size_t ne,
			    char *obs, size_t no)
{
	struct pcisim_fm *fm = fm_of(sim);
	uint32_t id = (uint32_t)e->vals[0].u;
	const struct pcisim_pval *ran = pcisim_expect_param(e, "ran");
	const struct pcisim_pval *from = pcisim_expect_param(e, "answered_by");
	size_t u = (size_t)snprintf(exp, ne, "FM command %u", id);
	if (ran && ran->set)
		u += (size_t)snprintf(exp + u, ne - u, " ran %llu time(s)", (unsigned long long)ran->u);
	if (from && from->set && from->u)
		snprintf(exp + u, ne - u, " took command %llu's answer", (unsigned long long)from->u);
	else if (from && from->set)
		snprintf(exp + u, ne - u, " took no answer");
	if (!fm || id == 0 || id > fm->nreqs) {
		snprintf(obs, no, "no FM command %u (the FM sent %zu)", id, fm ? fm->nreqs : 0);
		return false;
	}
	const struct fm_req *r = &fm->reqs[id - 1];
	unsigned k = runs_of(sim, id);
	if (r->answer_from)
		snprintf(obs, no, "command %u (%s) ran %u time(s), took command %u's answer", id, r->what, k,
			 r->answer_from);
	else
		snprintf(obs, no, "command %u (%s) ran %u time(s), took no answer", id, r->what, k);
	return (!ran || !ran->set || ran->u == k) && (!from || !from->set || from->u == r->answer_from);
}

static int fm_command_check(struct pcisim_sim *sim, const struct pcisim_expect *e, struct pcisim_diag *d)
{
	(void)sim;
	const struct pcisim_pval *ran = pcisim_expect_param(e, "ran");
	const struct pcisim_pval *from = pcisim_expect_param(e, "answered_by");
	if ((!ran || !ran->set) && (!from || !from->set))
		return pcisim_diag_error(d, e->loc,
					 "expectation 'fm_command' needs 'ran: N' (runs on a device) or 'answered_by: N' (whose answer it took; 0: none)");
	return 0;
}

static const struct pcisim_param_def fm_command_params[] = {
	{"fm_command", PCISIM_P_INT, true, "the FM command's number (fm.request's cmd)", NULL, 1, 0xffffffff, NULL},
	{"ran", PCISIM_P_INT, false, "how many times a device ran it", NULL, 0, 1000, NULL},
	{"answered_by", PCISIM_P_INT, false, "the command whose answer it took (0: none)", NULL, 0, 0xffffffff, NULL},
	{0},
};

static const struct pcisim_expect_def fm_expects[] = {
	{"fm_command", "how often a Fabric Manager command ran on a device, and whose answer it took",
	 fm_command_params, fm_command_check, fm_command_eval, 0, NULL, NULL, NULL},
	{0},
};

/* ---- the fm.* actions ---- */

static struct pcisim_fm *step_fm(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_fm *fm = fm_of(sim);
	if (!fm)
		pcisim_log(sim, NULL, "pcisim", "%s: the scenario has no Fabric Manager (host: fm:)", s->def->name);
	return fm;
}

static uint8_t step_eid(const struct pcisim_step *s)
{
	return (uint8_t)pcisim_step_param(s, "eid")->u;
}

static uint64_t opt_u(const struct pcisim_step *s, const char *name, uint64_t dflt)
{
	const struct pcisim_pval *v = pcisim_step_param(s, name);
	return v && v->set ? v->u : dflt;
}

static int fm_send(struct pcisim_sim *sim, const struct pcisim_step *s, uint8_t type, uint16_t opcode,
		   const uint8_t *payload, size_t plen)
{
	struct pcisim_fm *fm = step_fm(sim, s);
	if (!fm)
		return -1;
	struct fm_req *r = new_req(fm, s->def->name, type, opcode, payload, plen, step_eid(s));
	r->timeout = opt_u(s, "timeout", fm->timeout);
	r->retries = (unsigned)opt_u(s, "retries", fm->retries);
	send_req(fm, r);
	return 0;
}

static int act_identify(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return fm_send(sim, s, PCISIM_MCTP_TYPE_CXL_FMAPI, CXL_FMAPI_IDENTIFY_SWITCH, NULL, 0);
}

static int act_port_state(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	uint8_t p[1 + 64];
	const char *list = pcisim_step_param(s, "ports")->s;
	size_t n = 0;
	for (const char *c = list; *c && n < 64;) {
		char *end;
		unsigned long v = strtoul(c, &end, 0);
		if (end == c || v > 255) {
			pcisim_log(sim, NULL, "pcisim", "fm.get_port_state: '%s' is not a list of port numbers", list);
			return -1;
		}
		p[1 + n++] = (uint8_t)v;
		c = *end == ',' ? end + 1 : end;
	}
	p[0] = (uint8_t)n;
	return fm_send(sim, s, PCISIM_MCTP_TYPE_CXL_FMAPI, CXL_FMAPI_GET_PHYS_PORT_STATE, p, 1 + n);
}

static const char *const port_ops[] = {"assert-perst", "deassert-perst", "reset", NULL};

static int act_port_control(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	uint8_t p[2] = {(uint8_t)pcisim_step_param(s, "ppb")->u, (uint8_t)pcisim_step_param(s, "op")->u};
	return fm_send(sim, s, PCISIM_MCTP_TYPE_CXL_FMAPI, CXL_FMAPI_PHYS_PORT_CONTROL, p, 2);
}

static int act_bind(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	uint8_t p[6] = {0, (uint8_t)pcisim_step_param(s, "vppb")->u, (uint8_t)pcisim_step_param(s, "port")->u,
			0, 0, 0};
	return fm_send(sim, s, PCISIM_MCTP_TYPE_CXL_FMAPI, CXL_FMAPI_BIND_VPPB, p, 6);
}

static const char *const unbind_opts[] = {"wait", "managed", "surprise", NULL};

static int act_unbind(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	uint8_t p[3] = {0, (uint8_t)pcisim_step_param(s, "vppb")->u, (uint8_t)opt_u(s, "option", 2)};
	return fm_send(sim, s, PCISIM_MCTP_TYPE_CXL_FMAPI, CXL_FMAPI_UNBIND_VPPB, p, 3);
}

static int act_tunnel(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	uint8_t p[4 + CXL_CCI_MSG_HDR];
	struct pcisim_cxl_cci_msg m = {.category = CXL_CCI_CAT_REQ, .tag = 0,
				       .opcode = (uint16_t)pcisim_step_param(s, "opcode")->u};
	size_t n = pcisim_cxl_cci_encode(&m, NULL, p + 4);
	p[0] = (uint8_t)pcisim_step_param(s, "port")->u;
	p[1] = 0;
	p[2] = (uint8_t)n;
	p[3] = 0;
	return fm_send(sim, s, PCISIM_MCTP_TYPE_CXL_FMAPI, CXL_FMAPI_TUNNEL, p, 4 + n);
}

static const char *const type_choices[] = {"fmapi", "cci", NULL};

static int act_send(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	uint8_t p[FM_PAYLOAD_MAX];
	size_t n = 0;
	const struct pcisim_pval *pl = pcisim_step_param(s, "payload");
	const char *h = pl && pl->set ? pl->s : "";
	for (; h[0] && h[1] && n < sizeof(p); h += 2) {
		unsigned v;
		if (sscanf(h, "%2x", &v) != 1) {
			pcisim_log(sim, NULL, "pcisim", "fm.send: payload '%s' is not hex bytes", pl->s);
			return -1;
		}
		p[n++] = (uint8_t)v;
	}
	uint8_t type = opt_u(s, "type", 0) == 1 ? PCISIM_MCTP_TYPE_CXL_CCI : PCISIM_MCTP_TYPE_CXL_FMAPI;
	return fm_send(sim, s, type, (uint16_t)pcisim_step_param(s, "opcode")->u, p, n);
}

/* ---- DCD management (CXL r3.1 §7.6.7.6) ---- */

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* "0x0:128M,256M:64M": extents as DPA:LENGTH (K, M, G suffixes); their count, or -1 */
static int parse_extents(const char *s, uint64_t *dpa, uint64_t *len, int max)
{
	int n = 0;
	while (*s) {
		if (n == max)
			return -1;
		uint64_t v[2];
		for (int k = 0; k < 2; k++) {
			char *end;
			v[k] = strtoull(s, &end, 0);
			if (end == s)
				return -1;
			switch (*end) {
			case 'K': v[k] <<= 10; end++; break;
			case 'M': v[k] <<= 20; end++; break;
			case 'G': v[k] <<= 30; end++; break;
			default: break;
			}
			if (k == 0 && *end != ':')
				return -1;
			s = k == 0 ? end + 1 : end;
		}
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
		dpa[n] = v[0];
		len[n] = v[1];
		n++;
	}
	return n;
}

#define FM_MAX_EXTENTS 5 /* 32 + 5 x 40 bytes fit the FM's payload */

static int act_dcd_info(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return fm_send(sim, s, PCISIM_MCTP_TYPE_CXL_FMAPI, 0x5600, NULL, 0);
}

static int act_dc_region_config(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	uint8_t p[4];
	put_le(p, opt_u(s, "host", 0), 2);
	p[2] = (uint8_t)opt_u(s, "count", 8);
	p[3] = (uint8_t)opt_u(s, "start", 0);
	return fm_send(sim, s, PCISIM_MCTP_TYPE_CXL_FMAPI, 0x5601, p, 4);
}

static int act_set_dc_region(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	uint8_t p[16] = {0};
	p[0] = (uint8_t)pcisim_step_param(s, "region")->u;
	put_le(p + 4, pcisim_step_param(s, "block_size")->u, 8);
	p[12] = (uint8_t)opt_u(s, "sanitize_on_release", 0);
	return fm_send(sim, s, PCISIM_MCTP_TYPE_CXL_FMAPI, 0x5602, p, 16);
}

static int act_dc_extents(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	uint8_t p[12] = {0};
	put_le(p, opt_u(s, "host", 0), 2);
	put_le(p + 4, opt_u(s, "count", FM_MAX_EXTENTS), 4);
	put_le(p + 8, opt_u(s, "start", 0), 4);
	return fm_send(sim, s, PCISIM_MCTP_TYPE_CXL_FMAPI, 0x5603, p, 12);
}

static const char *const add_policies[] = {"free", "contiguous", "prescriptive", "enable-shared-access", NULL};
static const char *const release_policies[] = {"tag-based", "prescriptive", NULL};

/* Initiate Dynamic Capacity Add (0x5604) and Release (0x5605): a 32-byte header and
 * 40 bytes per extent (start DPA, length, tag, shared sequence). */
static int dc_add_release(struct pcisim_sim *sim, const struct pcisim_step *s, bool add)
{
	uint64_t dpa[FM_MAX_EXTENTS], len[FM_MAX_EXTENTS], total = 0;
	const struct pcisim_pval *ev = pcisim_step_param(s, "extents");
	int n = parse_extents(ev->s, dpa, len, FM_MAX_EXTENTS);
	if (n < 0) {
		pcisim_log(sim, NULL, "pcisim", "%s: 'extents': '%s' is not DPA:LENGTH[,...] (at most %d)", s->def->name,
			   ev->s, FM_MAX_EXTENTS);
		return -1;
	}
	uint8_t p[32 + FM_MAX_EXTENTS * 40] = {0};
	put_le(p, opt_u(s, "host", 0), 2);
	if (add) {
		p[2] = (uint8_t)opt_u(s, "policy", 2);
		p[3] = (uint8_t)opt_u(s, "region", 0);
	} else {
		p[2] = (uint8_t)(opt_u(s, "policy", 1) | (opt_u(s, "forced", 0) ? 1u << 4 : 0));
	}
	for (int i = 0; i < n; i++) {
		put_le(p + 32 + i * 40, dpa[i], 8);
		put_le(p + 32 + i * 40 + 8, len[i], 8);
		total += len[i];
	}
	put_le(p + 4, total, 8);
	put_le(p + 28, (uint64_t)n, 4);
	return fm_send(sim, s, PCISIM_MCTP_TYPE_CXL_FMAPI, add ? 0x5604 : 0x5605, p, 32 + (size_t)n * 40);
}

static int act_dc_add(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return dc_add_release(sim, s, true);
}

static int act_dc_release(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return dc_add_release(sim, s, false);
}

static const char *const ctl_choices[] = {"get-eid", "get-version", "get-message-types", NULL};
static const uint8_t ctl_codes[] = {PCISIM_MCTP_CTRL_GET_EID, PCISIM_MCTP_CTRL_GET_VERSION,
				    PCISIM_MCTP_CTRL_GET_MSG_TYPES};

static int act_control(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	unsigned i = (unsigned)pcisim_step_param(s, "command")->u;
	uint8_t data[1] = {0xff}; /* version support of the base specification */
	return fm_send(sim, s, PCISIM_MCTP_TYPE_CONTROL, ctl_codes[i], data, ctl_codes[i] == PCISIM_MCTP_CTRL_GET_VERSION);
}

/* the eid must be one the FM set up */
static int check_eid(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	struct pcisim_fm *fm = fm_of(sim);
	const struct pcisim_pval *v = pcisim_step_param(s, "eid");
	if (!fm)
		return pcisim_diag_error(d, s->loc, "%s needs a Fabric Manager: add fm: to the host: section", s->def->name);
	char list[128];
	size_t u = 0;
	list[0] = 0;
	for (unsigned i = 0; i < fm->neps; i++) {
		if (fm->eps[i].eid == v->u)
			return 0;
		u += (size_t)snprintf(list + u, sizeof(list) - u, "%s%u", u ? ", " : "", fm->eps[i].eid);
	}
	return pcisim_diag_error(d, v->node ? v->node->loc : s->loc, "%s: EID %u is not one of the FM's endpoints; valid EIDs: %s",
				 s->def->name, (unsigned)v->u, u ? list : "none (fm: endpoints: is empty)");
}

/* the eid, and a timeout libcxlmi accepts */
static int check_fm_step(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	int rc = check_eid(sim, s, d);
	if (rc)
		return rc;
	const struct pcisim_pval *t = pcisim_step_param(s, "timeout");
	if (t && t->set && (!t->u || t->u > PCISIM_FM_TIMEOUT_MAX))
		return pcisim_diag_error(d, t->node->loc, "%s: 'timeout': expected a duration from 1ps to 2s (libcxlmi's MCTP limit)",
					 s->def->name);
	return 0;
}

#define EID_PARAM {"eid", PCISIM_P_INT, true, "the endpoint's EID (one of fm: endpoints:)", NULL, 8, 254, NULL}, \
	{"timeout", PCISIM_P_TIME, false, "how long the application waits (libcxlmi: at most 2s)", NULL, 0, 0, "fm: timeout"}, \
	{"retries", PCISIM_P_INT, false, "sends again after a timeout, this many times", NULL, 0, 16, "fm: retries"}

static const struct pcisim_param_def eid_params[] = {EID_PARAM, {0}};
static const struct pcisim_param_def port_state_params[] = {
	EID_PARAM,
	{"ports", PCISIM_P_STR, true, "port numbers, comma-separated (\"2,3\")", NULL, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def port_control_params[] = {
	EID_PARAM,
	{"ppb", PCISIM_P_INT, true, "the PPB: its physical port number (a cxl-downstream's port=, or the upstream port's)", NULL, 0, 255, NULL},
	{"op", PCISIM_P_CHOICE, true, "assert-perst, deassert-perst or reset", port_ops, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def bind_params[] = {
	EID_PARAM,
	{"vppb", PCISIM_P_INT, true, "the vPPB of VCS 0", NULL, 0, 255, NULL},
	{"port", PCISIM_P_INT, true, "the physical port to bind", NULL, 0, 255, NULL},
	{0},
};
static const struct pcisim_param_def unbind_params[] = {
	EID_PARAM,
	{"vppb", PCISIM_P_INT, true, "the vPPB of VCS 0", NULL, 0, 255, NULL},
	{"option", PCISIM_P_CHOICE, false, "wait (for link down), managed or surprise (hot-remove)", unbind_opts, 0,
	 0, "surprise"},
	{0},
};
static const struct pcisim_param_def tunnel_params[] = {
	EID_PARAM,
	{"port", PCISIM_P_INT, true, "the downstream port whose device runs the command", NULL, 0, 255, NULL},
	{"opcode", PCISIM_P_INT, true, "the tunnelled command (no payload), e.g. 0x4000", NULL, 0, 0xffff, NULL},
	{0},
};
static const struct pcisim_param_def send_params[] = {
	EID_PARAM,
	{"opcode", PCISIM_P_INT, true, "the command's opcode", NULL, 0, 0xffff, NULL},
	{"type", PCISIM_P_CHOICE, false, "fmapi (MCTP type 0x07) or cci (0x08)", type_choices, 0, 0, "fmapi"},
	{"payload", PCISIM_P_STR, false, "the payload as hex bytes (\"0102\")", NULL, 0, 0, "none"},
	{0},
};
static const struct pcisim_param_def control_params[] = {
	EID_PARAM,
	{"command", PCISIM_P_CHOICE, true, "get-eid, get-version or get-message-types", ctl_choices, 0, 0, NULL},
	{0},
};

static const struct pcisim_param_def dcd_region_cfg_params[] = {
	EID_PARAM,
	{"host", PCISIM_P_INT, false, "the host (head) id", NULL, 0, 0xffff, "0"},
	{"count", PCISIM_P_INT, false, "regions asked for", NULL, 0, 8, "8"},
	{"start", PCISIM_P_INT, false, "the first region", NULL, 0, 7, "0"},
	{0},
};
static const struct pcisim_param_def set_dc_region_params[] = {
	EID_PARAM,
	{"region", PCISIM_P_INT, true, "the DC region (0-7)", NULL, 0, 7, NULL},
	{"block_size", PCISIM_P_INT, true, "its block size in bytes (a power of two)", NULL, 1, 0, NULL},
	{"sanitize_on_release", PCISIM_P_BOOL, false, "sanitize released capacity", NULL, 0, 0, "off"},
	{0},
};
static const struct pcisim_param_def dc_extents_params[] = {
	EID_PARAM,
	{"host", PCISIM_P_INT, false, "the host (head) id", NULL, 0, 0xffff, "0"},
	{"count", PCISIM_P_INT, false, "extents asked for (0: only the totals)", NULL, 0, 0xffffffff, "5"},
	{"start", PCISIM_P_INT, false, "the first extent's index", NULL, 0, 0xffffffff, "0"},
	{0},
};
static const struct pcisim_param_def dc_add_params[] = {
	EID_PARAM,
	{"extents", PCISIM_P_STR, true, "DPA:LENGTH[,...], K/M/G suffixes (\"0:128M\"), at most 5", NULL, 0, 0, NULL},
	{"region", PCISIM_P_INT, false, "the DC region", NULL, 0, 7, "0"},
	{"host", PCISIM_P_INT, false, "the host (head) id", NULL, 0, 0xffff, "0"},
	{"policy", PCISIM_P_CHOICE, false, "selection policy", add_policies, 0, 0, "prescriptive"},
	{0},
};
static const struct pcisim_param_def dc_release_params[] = {
	EID_PARAM,
	{"extents", PCISIM_P_STR, true, "DPA:LENGTH[,...], K/M/G suffixes (\"0:128M\"), at most 5", NULL, 0, 0, NULL},
	{"host", PCISIM_P_INT, false, "the host (head) id", NULL, 0, 0xffff, "0"},
	{"policy", PCISIM_P_CHOICE, false, "removal policy", release_policies, 0, 0, "prescriptive"},
	{"forced", PCISIM_P_BOOL, false, "forced removal", NULL, 0, 0, "off"},
	{0},
};

static const struct pcisim_action_def fm_actions[] = {
	{"fm.get_dcd_info", "FM-API Get DCD Info (0x5600)", eid_params, false, check_fm_step, act_dcd_info},
	{"fm.get_dc_region_config", "FM-API Get Host DC Region Configuration (0x5601)", dcd_region_cfg_params, false,
	 check_fm_step, act_dc_region_config},
	{"fm.set_dc_region_config", "FM-API Set DC Region Configuration (0x5602)", set_dc_region_params, false,
	 check_fm_step, act_set_dc_region},
	{"fm.get_dc_extents", "FM-API Get DC Region Extent Lists (0x5603)", dc_extents_params, false, check_fm_step,
	 act_dc_extents},
	{"fm.dc_add", "FM-API Initiate Dynamic Capacity Add (0x5604)", dc_add_params, false, check_fm_step, act_dc_add},
	{"fm.dc_release", "FM-API Initiate Dynamic Capacity Release (0x5605)", dc_release_params, false, check_fm_step,
	 act_dc_release},
	{"fm.identify_switch", "FM-API Identify Switch Device (0x5100)", eid_params, false, check_fm_step, act_identify},
	{"fm.get_port_state", "FM-API Get Physical Port State (0x5101)", port_state_params, false, check_fm_step,
	 act_port_state},
	{"fm.port_control", "FM-API Physical Port Control (0x5102)", port_control_params, false, check_fm_step,
	 act_port_control},
	{"fm.bind_vppb", "FM-API Bind vPPB (0x5201, a background command)", bind_params, false, check_fm_step, act_bind},
	{"fm.unbind_vppb", "FM-API Unbind vPPB (0x5202, a background command)", unbind_params, false, check_fm_step,
	 act_unbind},
	{"fm.tunnel", "FM-API Tunnel Management Command (0x5300) to the device behind a port", tunnel_params, false,
	 check_fm_step, act_tunnel},
	{"fm.send", "any FM-API or CCI command, payload in hex", send_params, false, check_fm_step, act_send},
	{"fm.control", "an MCTP control request (Get Endpoint ID, Get MCTP Version Support, Get Message Type Support)",
	 control_params, false, check_fm_step, act_control},
	{0},
};

static const struct pcisim_record_kind fm_kinds[] = {
	{"fm.request", "the FM sent a command (fields: cmd, what, opcode, eid, tag, attempt)"},
	{"fm.response", "the FM got its answer (fields: cmd, what, opcode, rc, bytes, attempt)"},
	{"fm.timeout", "the FM gave up waiting for an answer (fields: cmd, what, tag, attempt)"},
	{"fm.retry", "the FM application sends a command again after a timeout (fields: cmd, what, attempt)"},
	{"fm.stale_response", "an answer no waiting request of the FM matches (fields: tag, from_eid, bytes)"},
	{"fm.error", "a command the FM could not send or read (fields: cmd, what, error)"},
	{"fm.tx_nack", "a packet the FM wrote was NACKed (fields: address)"},
	{"fm.rx_error", "the FM's mctp-i2c dropped a packet (fields: reason)"},
	{"fm.switch", "Identify Switch Device's answer (fields: ports, vcss, vppbs, bound)"},
	{"fm.port", "one port of Get Physical Port State's answer (fields: port, state, device, ltssm)"},
	{"fm.bg_done", "a background command the FM polls ended (fields: cmd, opcode, rc)"},
	{"fm.dcd_info", "Get DCD Info's answer (fields: cmd, hosts, regions, selection_policies, removal_policies, total_capacity)"},
	{"fm.dc_region", "one region of Get Host DC Region Configuration's answer (fields: cmd, region, base, decode_length, length, block_size)"},
	{"fm.dc_extents", "Get DC Region Extent Lists' answer (fields: cmd, returned, total, generation)"},
	{"fm.dc_extent", "one extent of Get DC Region Extent Lists' answer (fields: cmd, index, dpa, length)"},
	{0},
};

void pcisim_fm_register(void)
{
	pcisim_actions_add(fm_actions);
	pcisim_record_kinds_add(fm_kinds);
	pcisim_expects_add(fm_expects);
}
