/*
 * The FM-API command set of the emulated CXL switch (sim/cxl/fmapi.h; CXL r3.1
 * §7.6.7.1-7.6.7.3, Table 8-39 for Background Operation Status). QEMU's switch CCI
 * (hw/cxl/cxl-mailbox-utils.c) answers Identify Switch Device and Get Physical Port
 * State; the rest follows the specification, with one VCS whose vPPBs are the
 * downstream ports in creation order.
 */
#include "sim/core/heap.h"
#include "sim/cxl/fmapi.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/trace.h"
#include "sim/cxl/cxl_state.h"
#include "sim/cxl/le.h"
#include "sim/cxl/memdev.h"
#include "sim/pcie/link.h"
#include "sim/pcie/port.h"
#include "sim/pcie/reset.h"

static void put16(uint8_t *p, uint16_t v)
{
	pcisim_le_put(p, v, 2);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)pcisim_le_get(p, 2);
}

size_t pcisim_cxl_cci_encode(const struct pcisim_cxl_cci_msg *m, const uint8_t *payload, uint8_t *out)
{
	out[0] = m->category & 0x0f;
	out[1] = m->tag;
	out[2] = 0;
	put16(out + 3, m->opcode);
	out[5] = (uint8_t)m->len;
	out[6] = (uint8_t)(m->len >> 8);
	out[7] = (uint8_t)((m->len >> 16) & 0x1f);
	put16(out + 8, m->rc);
	put16(out + 10, m->vendor);
	if (m->len)
		memcpy(out + CXL_CCI_MSG_HDR, payload, m->len);
	return CXL_CCI_MSG_HDR + m->len;
}

int pcisim_cxl_cci_decode(const uint8_t *in, size_t n, struct pcisim_cxl_cci_msg *m)
{
	if (n < CXL_CCI_MSG_HDR)
		return -PCISIM_EINVAL;
	m->category = in[0] & 0x0f;
	m->tag = in[1];
	m->opcode = get16(in + 3);
	m->len = (uint32_t)in[5] | (uint32_t)in[6] << 8 | (uint32_t)(in[7] & 0x1f) << 16;
	m->rc = get16(in + 8);
	m->vendor = get16(in + 10);
	m->payload = in + CXL_CCI_MSG_HDR;
	return n - CXL_CCI_MSG_HDR < m->len ? -PCISIM_EINVAL : 0;
}

/* ---- the switch ---- */

static bool is_usp(const struct pcisim_pcifn *fn)
{
	return fn && !fn->comp.removed && !strcmp(fn->drv->name, "cxl-upstream");
}

/* The downstream ports (vPPBs, in creation order) below @usp. */
static unsigned dsps(struct pcisim_pcifn *usp, struct pcisim_pcifn **out, unsigned max)
{
	unsigned n = 0;
	struct pcisim_fabric *fab = usp->fabric;
	for (uint32_t i = 0; i < fab->nfns && n < max; i++) {
		struct pcisim_pcifn *f = fab->fns[i];
		if (!f->comp.removed && f->bus && f->bus == usp->secondary &&
		    !strcmp(f->drv->name, "cxl-downstream"))
			out[n++] = f;
	}
	return n;
}

static unsigned port_no(struct pcisim_pcifn *fn)
{
	return (unsigned)pcisim_props_u64(&fn->props, "port", 0);
}

struct pcisim_pcifn *pcisim_cxl_switch_dsp(struct pcisim_pcifn *usp, unsigned port)
{
	struct pcisim_pcifn *d[256];
	unsigned n = dsps(usp, d, 256);
	for (unsigned i = 0; i < n; i++)
		if (port_no(d[i]) == port)
			return d[i];
	return NULL;
}

/*
 * The FM-API state of one switch, kept with the simulation: which vPPBs are unbound
 * and the background operation (one at a time, as for a mailbox).
 */
struct sw_state {
	uint32_t usp_id;
	uint8_t unbound[32]; /* bit per vPPB */
	bool bg_running;
	uint16_t bg_opcode, bg_rc;
	uint8_t bg_vppb;
	pcisim_time bg_start;
	/* Physical Port Control, per physical port number: PERST# asserted since when */
	uint8_t perst[32]; /* bit per port */
	pcisim_time perst_at[256];
	struct sw_state *next;
};

struct fm_states {
	struct sw_state *head;
};

static const struct pcisim_ext_key fm_key = {"cxl-fmapi"};

static void states_free(void *p)
{
	struct fm_states *st = p;
	for (struct sw_state *s = st->head, *n; s; s = n) {
		n = s->next;
		pcisim_free(s);
	}
	pcisim_free(st);
}

static struct sw_state *sw_of(struct pcisim_pcifn *usp)
{
	struct pcisim_sim *sim = usp->comp.sim;
	struct fm_states *st = pcisim_ext_get(sim, &fm_key);
	if (!st) {
		st = pcisim_calloc(1, sizeof(*st));
		if (!st)
			abort();
		pcisim_ext_set(sim, &fm_key, st, states_free);
	}
	struct sw_state **pp = &st->head;
	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->usp_id == usp->comp.id)
			return *pp;
	struct sw_state *s = pcisim_calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->usp_id = usp->comp.id;
	*pp = s;
	return s;
}

static bool vppb_bound(const struct sw_state *s, unsigned v)
{
	return !(s->unbound[v / 8] & (1u << (v % 8)));
}

/* Physical Port Control: PERST# asserted on physical port @pn (port_control() below) */
static bool perst_on(const struct sw_state *s, unsigned pn)
{
	return s->perst[pn / 8] & (1u << (pn % 8));
}

static int identify_switch(struct pcisim_pcifn *usp, uint8_t *out, size_t *len)
{
	struct pcisim_pcifn *d[256];
	struct sw_state *s = sw_of(usp);
	unsigned n = dsps(usp, d, 256), bound = 0;
	memset(out, 0, CXL_FMAPI_IDENTIFY_LEN);
	out[0] = 0;                  /* ingress port: the CCI's own (QEMU answers 0) */
	out[2] = (uint8_t)(n + 1);   /* physical ports: the downstream ports and the upstream one */
	out[3] = 1;                  /* one VCS */
	out[4 + port_no(usp) / 8] |= (uint8_t)(1u << (port_no(usp) % 8));
	for (unsigned i = 0; i < n; i++) {
		out[4 + port_no(d[i]) / 8] |= (uint8_t)(1u << (port_no(d[i]) % 8));
		bound += vppb_bound(s, i);
	}
	out[0x24] = 1;               /* active VCS bitmask: VCS 0 */
	put16(out + 0x44, (uint16_t)n);      /* total vPPBs */
	put16(out + 0x46, (uint16_t)bound);  /* bound vPPBs */
	out[0x48] = 4;               /* HDM decoders per USP (QEMU: 4) */
	*len = CXL_FMAPI_IDENTIFY_LEN;
	return CXL_MBOX_SUCCESS;
}

/* LTSSM State codes of Get Physical Port State (CXL r3.1 Table 7-19) */
static uint8_t ltssm_code(const struct pcisim_link *l)
{
	if (!l)
		return 4; /* the upstream port's own link: up while the switch answers */
	switch (l->state) {
	case PCISIM_LTSSM_DETECT: return 0;
	case PCISIM_LTSSM_POLLING: return 1;
	case PCISIM_LTSSM_CONFIG: return 2;
	case PCISIM_LTSSM_RECOVERY: return 3;
	case PCISIM_LTSSM_L0: return 4;
	case PCISIM_LTSSM_DISABLED: return 8;
	case PCISIM_LTSSM_HOTRESET: return 0xa;
	}
	return 0;
}

static void port_state(struct pcisim_pcifn *usp, unsigned id, uint8_t *o)
{
	memset(o, 0, CXL_FMAPI_PORT_STATE_LEN);
	o[0] = (uint8_t)id;
	struct pcisim_pcifn *fn = port_no(usp) == id ? usp : pcisim_cxl_switch_dsp(usp, id);
	if (!fn) {
		o[1] = CXL_PORT_STATE_INVALID;
		return;
	}
	o[5] = 0x03; /* CXL 1.1 and 2.0 */
	o[6] = 16;   /* x16 (QEMU's default x-width) */
	o[8] = 0x3f; /* 2.5 to 64 GT/s */
	o[9] = 6;
	if (fn == usp) {
		o[1] = CXL_PORT_STATE_USP;
		o[2] = 2;
		o[4] = CXL_PORT_DEV_NONE;
		o[7] = 16;
		o[10] = 5;
		o[11] = 4;
		o[15] = 0;
		return;
	}
	struct pcisim_pcifn *d[256];
	unsigned n = dsps(usp, d, 256), v = 0;
	while (v < n && d[v] != fn)
		v++;
	struct sw_state *s = sw_of(usp);
	if (s->bg_running && s->bg_vppb == v)
		o[1] = s->bg_opcode == CXL_FMAPI_BIND_VPPB ? CXL_PORT_STATE_BIND_IN_PROGRESS
							   : CXL_PORT_STATE_UNBIND_IN_PROGRESS;
	else
		o[1] = vppb_bound(s, v) ? CXL_PORT_STATE_DSP : CXL_PORT_STATE_DISABLED;
	struct pcisim_link *l = pcisim_link_of(fn);
	struct pcisim_pcifn *below = l && pcisim_link_is_up(l) ? pcisim_link_partner(l) : NULL;
	if (below) {
		bool t3 = !strcmp(below->drv->name, "cxl-type3");
		o[2] = t3 ? 2 : 0;
		o[4] = t3 ? CXL_PORT_DEV_T3_SLD : CXL_PORT_DEV_PCIE;
		o[15] = t3 ? 1 : 0;
	}
	o[7] = l ? l->width : 0;
	o[10] = l ? l->speed : 0;
	o[11] = ltssm_code(l);
	if (perst_on(s, id))
		o[13] |= CXL_PORT_LINK_PERST_ASSERTED;
}

static int get_port_state(struct pcisim_pcifn *usp, const uint8_t *in, size_t len_in, uint8_t *out,
			  size_t *len)
{
	if (len_in < 1 || len_in != 1u + in[0])
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	unsigned n = in[0];
	if (4 + n * CXL_FMAPI_PORT_STATE_LEN > CXL_MBOX_PAYLOAD_MAX)
		return CXL_MBOX_INVALID_INPUT;
	for (unsigned i = 0; i < n; i++) {
		unsigned id = in[1 + i];
		if (port_no(usp) != id && !pcisim_cxl_switch_dsp(usp, id))
			return CXL_MBOX_INVALID_INPUT; /* QEMU: an unknown port id is refused */
	}
	memset(out, 0, 4);
	out[0] = (uint8_t)n;
	for (unsigned i = 0; i < n; i++)
		port_state(usp, in[1 + i], out + 4 + i * CXL_FMAPI_PORT_STATE_LEN);
	*len = 4 + n * CXL_FMAPI_PORT_STATE_LEN;
	return CXL_MBOX_SUCCESS;
}

/*
 * Physical Port Control (CXL r3.2 7.6.7.1.3) as QEMU serves it (hw/cxl/
 * cxl-mailbox-utils.c cmd_physical_port_control(), the Physical Port Control series
 * of 2025): the PPB is the port with that physical port number (an unknown one is an
 * Internal Error); assert PERST# puts the port's function and everything below it in
 * a cold reset and holds it there, sets PERST Asserted in Get Physical Port State's
 * link state flags, and refuses every other control of the port for the 100 ms hold;
 * deassert is refused until the hold has passed, then releases the reset; reset PPB
 * is a cold reset of the port and everything below it, refused while PERST# is
 * asserted. pcisim also holds the port's link down while PERST# is asserted: the
 * device below is in reset, its link cannot train.
 */
#define PERST_HOLD (100 * PCISIM_MS) /* QEMU's ASSERT_WAIT_TIME_MS */

static void ppb_reset(struct pcisim_pcifn *usp, struct pcisim_pcifn *fn, const char *why)
{
	pcisim_reset_fn(fn, PCISIM_RESET_COLD, why);
	if (fn != usp) {
		pcisim_reset_fundamental(pcisim_to_port(fn), why);
		return;
	}
	struct pcisim_pcifn *d[256];
	unsigned n = dsps(usp, d, 256);
	for (unsigned i = 0; i < n; i++) {
		pcisim_reset_fn(d[i], PCISIM_RESET_COLD, why);
		pcisim_reset_fundamental(pcisim_to_port(d[i]), why);
	}
}

static void ppb_links(struct pcisim_pcifn *usp, struct pcisim_pcifn *fn, bool hold)
{
	struct pcisim_pcifn *d[256];
	unsigned n = fn == usp ? dsps(usp, d, 256) : 1;
	if (fn != usp)
		d[0] = fn;
	for (unsigned i = 0; i < n; i++) {
		struct pcisim_link *l = pcisim_link_of(d[i]);
		if (l && hold)
			pcisim_link_hold(l, PCISIM_LINK_HOLD_SETLINK, "FM-API PERST# asserted");
		else if (l)
			pcisim_link_release(l, PCISIM_LINK_HOLD_SETLINK, "FM-API PERST# deasserted");
	}
}

static int port_control(struct pcisim_pcifn *usp, const uint8_t *in, size_t len_in)
{
	if (len_in != 2)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	unsigned pn = in[0];
	struct pcisim_pcifn *fn = port_no(usp) == pn ? usp : pcisim_cxl_switch_dsp(usp, pn);
	if (!fn)
		return CXL_MBOX_INTERNAL_ERROR;
	struct sw_state *s = sw_of(usp);
	pcisim_time now = usp->comp.sim->now;
	bool on = perst_on(s, pn), held = on && now - s->perst_at[pn] < PERST_HOLD;
	const char *what;
	switch (in[1]) {
	case 0:
		if (on)
			return CXL_MBOX_INTERNAL_ERROR;
		s->perst[pn / 8] |= (uint8_t)(1u << (pn % 8));
		s->perst_at[pn] = now;
		ppb_links(usp, fn, true);
		ppb_reset(usp, fn, "FM-API Physical Port Control: PERST# asserted");
		what = "perst-assert";
		break;
	case 1:
		if (!on || held)
			return CXL_MBOX_INTERNAL_ERROR;
		s->perst[pn / 8] &= (uint8_t)~(1u << (pn % 8));
		ppb_links(usp, fn, false);
		what = "perst-deassert";
		break;
	case 2:
		if (on)
			return CXL_MBOX_INTERNAL_ERROR;
		ppb_reset(usp, fn, "FM-API Physical Port Control: reset PPB");
		what = "reset-ppb";
		break;
	default:
		return CXL_MBOX_INVALID_INPUT;
	}
	PCISIM_RECORD(usp->comp.sim, &fn->comp, "cxl.port_control", PCISIM_FS("what", what), PCISIM_FU("port", pn));
	return CXL_MBOX_SUCCESS;
}

static void bg_done(struct pcisim_sim *sim, struct pcisim_event *ev);
PCISIM_EVKIND(bg_done_kind, "cxl.fmapi_bg_done", bg_done);

static int bind_unbind(struct pcisim_pcifn *usp, uint16_t opcode, const uint8_t *in, size_t len_in)
{
	bool bind = opcode == CXL_FMAPI_BIND_VPPB;
	if (len_in != (bind ? 6u : 3u))
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	struct sw_state *s = sw_of(usp);
	if (s->bg_running)
		return CXL_MBOX_BUSY;
	struct pcisim_pcifn *d[256];
	unsigned n = dsps(usp, d, 256);
	if (in[0] != 0 || in[1] >= n)
		return CXL_MBOX_INVALID_INPUT;
	/* bind names the physical port the vPPB gets: here always its own */
	if (bind && (port_no(d[in[1]]) != in[2] || vppb_bound(s, in[1])))
		return CXL_MBOX_INVALID_INPUT;
	if (!bind && (!vppb_bound(s, in[1]) || in[2] > 2))
		return CXL_MBOX_INVALID_INPUT;
	s->bg_running = true;
	s->bg_opcode = opcode;
	s->bg_vppb = in[1];
	s->bg_rc = CXL_MBOX_SUCCESS;
	s->bg_start = usp->comp.sim->now;
	pcisim_schedule(usp->comp.sim, CXL_FMAPI_BIND_TIME, PCISIM_CLASS_HW, &bg_done_kind, &usp->comp,
			opcode, in[1]);
	return CXL_MBOX_BG_STARTED;
}

/* The background bind or unbind ends: an unbound vPPB's link goes down (the host sees
 * the device leave, as with option 2 "simulate surprise hot-remove"); a bind brings it up. */
static void bg_done(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_pcifn *usp = pcisim_to_fn(ev->target);
	struct sw_state *s = sw_of(usp);
	struct pcisim_pcifn *d[256];
	unsigned n = dsps(usp, d, 256), v = (unsigned)ev->a[1];
	s->bg_running = false;
	if (v >= n)
		return;
	struct pcisim_link *l = pcisim_link_of(d[v]);
	if (ev->a[0] == CXL_FMAPI_BIND_VPPB) {
		s->unbound[v / 8] &= (uint8_t)~(1u << (v % 8));
		if (l)
			pcisim_link_release(l, PCISIM_LINK_HOLD_SETLINK, "FM-API bind vPPB");
	} else {
		s->unbound[v / 8] |= (uint8_t)(1u << (v % 8));
		if (l)
			pcisim_link_hold(l, PCISIM_LINK_HOLD_SETLINK, "FM-API unbind vPPB");
	}
	PCISIM_RECORD(sim, &usp->comp, "cxl.fmapi_bg_done", PCISIM_FX("opcode", ev->a[0]),
		      PCISIM_FS("vppb", d[v]->comp.name), PCISIM_FB("bound", vppb_bound(s, v)));
}

static int bg_status(struct pcisim_pcifn *usp, uint8_t *out, size_t *len)
{
	struct sw_state *s = sw_of(usp);
	memset(out, 0, 8);
	unsigned pct = 100;
	if (s->bg_running) {
		pcisim_time el = usp->comp.sim->now - s->bg_start;
		pct = (unsigned)(el * 100 / CXL_FMAPI_BIND_TIME);
	}
	out[0] = (uint8_t)((s->bg_running ? 1 : 0) | pct << 1);
	put16(out + 2, s->bg_opcode);
	put16(out + 4, s->bg_running ? 0 : s->bg_rc);
	*len = 8;
	return CXL_MBOX_SUCCESS;
}

uint64_t pcisim_cxl_switch_bg_reg(struct pcisim_pcifn *usp, bool *running)
{
	*running = false;
	if (!is_usp(usp))
		return 0;
	struct sw_state *s = sw_of(usp);
	if (!s->bg_opcode)
		return 0; /* no background command yet */
	uint64_t pct = 100;
	if (s->bg_running) {
		pcisim_time el = usp->comp.sim->now - s->bg_start;
		pct = el >= CXL_FMAPI_BIND_TIME ? 100 : el * 100 / CXL_FMAPI_BIND_TIME;
	}
	*running = s->bg_running;
	return s->bg_opcode | pct << 16 | (uint64_t)(s->bg_running ? 0 : s->bg_rc) << 32;
}

static int tunnel(struct pcisim_pcifn *usp, const uint8_t *in, size_t len_in, uint8_t *out, size_t *len)
{
	if (len_in < 4)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	uint16_t size = get16(in + 2);
	if (len_in != 4u + size)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	struct pcisim_cxl_cci_msg rq;
	if (in[1] != 0 || pcisim_cxl_cci_decode(in + 4, size, &rq) || rq.category != CXL_CCI_CAT_REQ)
		return CXL_MBOX_INVALID_INPUT;
	struct pcisim_pcifn *dsp = pcisim_cxl_switch_dsp(usp, in[0]);
	struct pcisim_link *l = dsp ? pcisim_link_of(dsp) : NULL;
	struct pcisim_pcifn *below = l && pcisim_link_is_up(l) ? pcisim_link_partner(l) : NULL;
	if (!below)
		return CXL_MBOX_INVALID_INPUT;
	static uint8_t rsp[CXL_MBOX_PAYLOAD_MAX];
	memset(rsp, 0, sizeof(rsp)); /* reserved bytes the handlers leave are 0 */
	size_t rlen = 0;
	bool bg;
	int rc = pcisim_cxl_mbox_exec(below, rq.opcode, rq.payload, rq.len, rsp, &rlen, &bg);
	if (CXL_CCI_MSG_HDR + rlen + 4 > CXL_MBOX_PAYLOAD_MAX)
		return CXL_MBOX_INTERNAL_ERROR;
	struct pcisim_cxl_cci_msg r = {.category = CXL_CCI_CAT_RSP, .tag = rq.tag, .opcode = rq.opcode,
				       .rc = (uint16_t)rc, .len = (uint32_t)rlen};
	size_t m = pcisim_cxl_cci_encode(&r, rsp, out + 4);
	put16(out, (uint16_t)m);
	put16(out + 2, 0);
	*len = 4 + m;
	return CXL_MBOX_SUCCESS;
}

int pcisim_cxl_switch_exec(struct pcisim_pcifn *usp, uint16_t opcode, const uint8_t *in, size_t len_in,
			   uint8_t *out, size_t *len_out, bool *bg)
{
	*len_out = 0;
	*bg = false;
	if (!is_usp(usp))
		return CXL_MBOX_UNSUPPORTED;
	int rc;
	switch (opcode) {
	case CXL_OP_BG_OP_STATUS:
		return len_in ? CXL_MBOX_INVALID_PAYLOAD_LENGTH : bg_status(usp, out, len_out);
	case CXL_FMAPI_IDENTIFY_SWITCH:
		return len_in ? CXL_MBOX_INVALID_PAYLOAD_LENGTH : identify_switch(usp, out, len_out);
	case CXL_FMAPI_GET_PHYS_PORT_STATE:
		return get_port_state(usp, in, len_in, out, len_out);
	case CXL_FMAPI_PHYS_PORT_CONTROL:
		return port_control(usp, in, len_in);
	case CXL_FMAPI_BIND_VPPB:
	case CXL_FMAPI_UNBIND_VPPB:
		rc = bind_unbind(usp, opcode, in, len_in);
		*bg = rc == CXL_MBOX_BG_STARTED;
		return rc;
	case CXL_FMAPI_TUNNEL:
		return tunnel(usp, in, len_in, out, len_out);
	default:
		return CXL_MBOX_UNSUPPORTED;
	}
}

static const struct pcisim_record_kind fmapi_kinds[] = {
	{"cxl.fmapi_bg_done", "a switch's background FM-API command (Bind/Unbind vPPB) ended (fields: opcode, vppb, bound)"},
	{"cxl.port_control", "FM-API Physical Port Control acted on a port (fields: what perst-assert|perst-deassert|reset-ppb, port)"},
	{0},
};

void pcisim_cxl_fmapi_register(void)
{
	pcisim_record_kinds_add(fmapi_kinds);
}
