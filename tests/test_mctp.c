/*
 * MCTP and what it carries: packet headers, fragmentation at every boundary around
 * the MTU, reassembly with sequence wrap-around, lost, duplicated and reordered
 * packets, tag reuse, the SMBus/I2C framing with its PEC, control messages, and the
 * CXL CCI and FM-API commands served over MCTP (the same answer as the mailbox).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "testbench.h"
#include "sim/cxl/dcd.h"
#include "sim/cxl/fmapi.h"
#include "sim/cxl/memdev.h"
#include "sim/mctp/cci.h"
#include "sim/mctp/control.h"
#include "sim/mctp/packet.h"
#include "sim/mctp/smbus.h"

static const struct pcisim_mctp_hdr tmpl = {.version = 1, .dest = 9, .src = 8, .to = true, .tag = 5};

static void header_bits(void **state)
{
	(void)state;
	uint8_t b[4];
	struct pcisim_mctp_hdr h = {.version = 1, .dest = 0x10, .src = 0x08, .som = true, .eom = false,
				    .seq = 2, .to = true, .tag = 3};
	pcisim_mctp_hdr_encode(&h, b);
	assert_memory_equal(b, ((uint8_t[]){0x01, 0x10, 0x08, 0xab}), 4);
	struct pcisim_mctp_hdr d;
	assert_int_equal(pcisim_mctp_hdr_decode(b, &d), 0);
	assert_true(d.som && !d.eom && d.to);
	assert_int_equal(d.seq, 2);
	assert_int_equal(d.tag, 3);
	b[0] = 0x02; /* a header version this receiver does not know: dropped */
	assert_int_not_equal(pcisim_mctp_hdr_decode(b, &d), 0);
}

/* Every length from 1 to 3 MTUs + 1: the packet count, flags, sizes and sequence
 * numbers, and the reassembled message equals the original. */
static void fragmentation_every_boundary(void **state)
{
	(void)state;
	static struct pcisim_mctp_pkt pk[64];
	static struct pcisim_mctp_reasm r;
	uint8_t msg[3 * 64 + 1];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	for (size_t len = 1; len <= sizeof(msg); len++) {
		struct pcisim_mctp_hdr t = tmpl;
		t.seq = (uint8_t)(len & 3);
		size_t n = pcisim_mctp_fragment(msg, len, 64, &t, pk, 64);
		assert_int_equal(n, (len + 63) / 64);
		pcisim_mctp_reasm_init(&r, 1088);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(pk[i].h.som, i == 0);
			assert_int_equal(pk[i].h.eom, i == n - 1);
			assert_int_equal(pk[i].h.seq, (t.seq + i) & 3);
			assert_int_equal(pk[i].len, i < n - 1 ? 64 : len - 64 * (n - 1));
			assert_int_equal(pk[i].h.tag, 5);
			assert_true(pk[i].h.to);
			enum pcisim_mctp_rx res = pcisim_mctp_reasm_feed(&r, &pk[i]);
			assert_int_equal(res, i == n - 1 ? PCISIM_MCTP_RX_DONE : PCISIM_MCTP_RX_MORE);
		}
		assert_int_equal(r.len, len);
		assert_memory_equal(r.buf, msg, len);
	}
	/* too many packets for the room given, an MTU over the binding's: refused */
	assert_int_equal(pcisim_mctp_fragment(msg, 129, 64, &tmpl, pk, 2), 0);
	assert_int_equal(pcisim_mctp_fragment(msg, 10, 251, &tmpl, pk, 64), 0);
}

/* Sequence numbers wrap modulo 4 inside one message: 9 packets run 3,0,1,2,3,0,1,2,3. */
static void sequence_wraps(void **state)
{
	(void)state;
	static struct pcisim_mctp_pkt pk[16];
	static struct pcisim_mctp_reasm r;
	uint8_t msg[9 * 16];
	memset(msg, 0x5a, sizeof(msg));
	struct pcisim_mctp_hdr t = tmpl;
	t.seq = 3;
	size_t n = pcisim_mctp_fragment(msg, sizeof(msg), 16, &t, pk, 16);
	assert_int_equal(n, 9);
	uint8_t seqs[9];
	for (size_t i = 0; i < n; i++)
		seqs[i] = pk[i].h.seq;
	assert_memory_equal(seqs, ((uint8_t[]){3, 0, 1, 2, 3, 0, 1, 2, 3}), 9);
	pcisim_mctp_reasm_init(&r, 1088);
	for (size_t i = 0; i < n - 1; i++)
		assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[i]), PCISIM_MCTP_RX_MORE);
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[8]), PCISIM_MCTP_RX_DONE);
	assert_int_equal(r.len, sizeof(msg));
}

/* Lost, duplicated and reordered packets drop the message (DSP0236 §8.8). */
static void lost_duplicated_reordered(void **state)
{
	(void)state;
	static struct pcisim_mctp_pkt pk[8];
	static struct pcisim_mctp_reasm r;
	uint8_t msg[4 * 32];
	memset(msg, 1, sizeof(msg));
	size_t n = pcisim_mctp_fragment(msg, sizeof(msg), 32, &tmpl, pk, 8);
	assert_int_equal(n, 4);
	/* lost: 0, 2 */
	pcisim_mctp_reasm_init(&r, 1088);
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[0]), PCISIM_MCTP_RX_MORE);
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[2]), PCISIM_MCTP_RX_DROPPED_SEQ);
	/* ... and the rest of that message has nothing to join */
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[3]), PCISIM_MCTP_RX_DROPPED_NO_SOM);
	/* duplicated: 0, 1, 1 */
	pcisim_mctp_reasm_init(&r, 1088);
	pcisim_mctp_reasm_feed(&r, &pk[0]);
	pcisim_mctp_reasm_feed(&r, &pk[1]);
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[1]), PCISIM_MCTP_RX_DROPPED_SEQ);
	/* reordered: 0, 2, 1 */
	pcisim_mctp_reasm_init(&r, 1088);
	pcisim_mctp_reasm_feed(&r, &pk[0]);
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[2]), PCISIM_MCTP_RX_DROPPED_SEQ);
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[1]), PCISIM_MCTP_RX_DROPPED_NO_SOM);
	/* a SOM in the middle: the old message is lost, the new one completes */
	pcisim_mctp_reasm_init(&r, 1088);
	pcisim_mctp_reasm_feed(&r, &pk[0]);
	pcisim_mctp_reasm_feed(&r, &pk[1]);
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[0]), PCISIM_MCTP_RX_RESTARTED);
	for (int i = 1; i < 3; i++)
		assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[i]), PCISIM_MCTP_RX_MORE);
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[3]), PCISIM_MCTP_RX_DONE);
	/* a middle packet shorter than the first: dropped */
	pcisim_mctp_reasm_init(&r, 1088);
	pcisim_mctp_reasm_feed(&r, &pk[0]);
	struct pcisim_mctp_pkt short1 = pk[1];
	short1.len = 31;
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &short1), PCISIM_MCTP_RX_DROPPED_SIZE);
	/* longer than the receiver takes: dropped */
	pcisim_mctp_reasm_init(&r, 100);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[i]), PCISIM_MCTP_RX_MORE);
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &pk[3]), PCISIM_MCTP_RX_DROPPED_SIZE);
	assert_false(r.active);
}

/* Tags: another tag (or owner, or source) does not join a message in progress; a tag
 * reused for the next message after EOM is a new message. */
static void tag_reuse(void **state)
{
	(void)state;
	static struct pcisim_mctp_pkt a[4], b[4];
	static struct pcisim_mctp_reasm r;
	uint8_t msg[64];
	memset(msg, 2, sizeof(msg));
	struct pcisim_mctp_hdr t2 = tmpl;
	t2.tag = 6;
	pcisim_mctp_fragment(msg, 64, 32, &tmpl, a, 4);
	pcisim_mctp_fragment(msg, 64, 32, &t2, b, 4);
	pcisim_mctp_reasm_init(&r, 1088);
	pcisim_mctp_reasm_feed(&r, &a[0]);
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &b[1]), PCISIM_MCTP_RX_DROPPED_OTHER);
	struct pcisim_mctp_pkt owner = a[1];
	owner.h.to = false;
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &owner), PCISIM_MCTP_RX_DROPPED_OTHER);
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &a[1]), PCISIM_MCTP_RX_DONE);
	/* the same tag again: a new message */
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &a[0]), PCISIM_MCTP_RX_MORE);
	assert_int_equal(pcisim_mctp_reasm_feed(&r, &a[1]), PCISIM_MCTP_RX_DONE);
}

/* SMBus framing, PEC (CRC-8 0x07) and its errors. */
static void smbus_frame_and_pec(void **state)
{
	(void)state;
	/* the CRC-8/SMBUS check value of "123456789" */
	assert_int_equal(pcisim_smbus_pec((const uint8_t *)"123456789", 9), 0xf4);
	/* against the bitwise definition (SMBus 3.1 §6.4), on buffers of every byte value */
	uint8_t buf[300];
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + (i >> 3));
	for (size_t n = 0; n <= sizeof(buf); n++) { /* every length: the tail after whole steps of four */
		uint8_t want = 0;
		for (size_t i = 0; i < n; i++) {
			want ^= buf[i];
			for (unsigned b = 0; b < 8; b++)
				want = (uint8_t)(want & 0x80 ? (want << 1) ^ 0x07 : want << 1);
		}
		assert_int_equal(pcisim_smbus_pec(buf, n), want);
	}
	struct pcisim_mctp_pkt p = {.h = {.version = 1, .dest = 9, .src = 8, .som = true, .eom = true,
					  .to = true, .tag = 1},
				    .len = 3, .data = {0x00, 0x81, 0x02}};
	uint8_t f[PCISIM_SMBUS_MCTP_MAX_FRAME];
	size_t n = pcisim_mctp_i2c_encode(0x04, 0x10, &p, f);
	assert_int_equal(n, 12);
	assert_memory_equal(f, ((uint8_t[]){0x08, 0x0f, 0x08, 0x21, 0x01, 0x09, 0x08, 0xc9, 0x00, 0x81, 0x02}), 11);
	assert_int_equal(f[11], pcisim_smbus_pec(f, 11));
	uint8_t d, s;
	struct pcisim_mctp_pkt q;
	assert_int_equal(pcisim_mctp_i2c_decode(f, n, &d, &s, &q), PCISIM_MCTP_I2C_OK);
	assert_int_equal(d, 0x04);
	assert_int_equal(s, 0x10);
	assert_int_equal(q.len, 3);
	assert_memory_equal(q.data, p.data, 3);
	/* one bit flipped anywhere: a PEC error (or a bad count when it hits the count) */
	for (size_t i = 0; i < n; i++) {
		f[i] ^= 0x10;
		enum pcisim_mctp_i2c_err e = pcisim_mctp_i2c_decode(f, n, &d, &s, &q);
		assert_int_equal(e, i == 1 ? PCISIM_MCTP_I2C_NOT_MCTP
				    : i == 2 ? PCISIM_MCTP_I2C_BAD_COUNT : PCISIM_MCTP_I2C_BAD_PEC);
		f[i] ^= 0x10;
	}
	assert_int_equal(pcisim_mctp_i2c_decode(f, n - 1, &d, &s, &q), PCISIM_MCTP_I2C_BAD_COUNT);
	assert_int_equal(pcisim_mctp_i2c_decode(f, 5, &d, &s, &q), PCISIM_MCTP_I2C_SHORT);
	assert_string_equal(pcisim_mctp_i2c_err_name(PCISIM_MCTP_I2C_BAD_PEC), "bad-pec");
	/* the largest packet: 250 bytes of payload, 259 on the wire */
	p.len = 250;
	assert_int_equal(pcisim_mctp_i2c_encode(0x04, 0x10, &p, f), 259);
	assert_int_equal(f[2], 255);
}

/* Wire time: 9 bit periods per byte plus START and STOP. */
static void wire_time(void **state)
{
	(void)state;
	assert_int_equal(pcisim_i2c_wire_time(73, 100000), (9 * 73 + 2) * 10 * PCISIM_US);
	assert_int_equal(pcisim_i2c_wire_time(73, 400000), (9 * 73 + 2) * 2500 * 1000ull);
	assert_int_equal(pcisim_i2c_wire_time(73, 1000000), (9 * 73 + 2) * PCISIM_US);
}

static void control_messages(void **state)
{
	(void)state;
	static const uint8_t types[] = {0x07, 0x08};
	struct pcisim_mctp_ctl_ep ep = {.eid = 0, .types = types, .ntypes = 2};
	uint8_t rq[16], rs[64];
	size_t n = pcisim_mctp_control_request(3, PCISIM_MCTP_CTRL_SET_EID, (uint8_t[]){0x00, 0x30}, 2, rq);
	assert_memory_equal(rq, ((uint8_t[]){0x00, 0x83, 0x01, 0x00, 0x30}), 5);
	assert_int_equal(pcisim_mctp_control_respond(&ep, rq, n, rs), 7);
	assert_memory_equal(rs, ((uint8_t[]){0x00, 0x03, 0x01, 0x00, 0x00, 0x30, 0x00}), 7);
	assert_int_equal(ep.eid, 0x30);
	n = pcisim_mctp_control_request(4, PCISIM_MCTP_CTRL_GET_EID, NULL, 0, rq);
	assert_int_equal(pcisim_mctp_control_respond(&ep, rq, n, rs), 7);
	assert_memory_equal(rs, ((uint8_t[]){0x00, 0x04, 0x02, 0x00, 0x30, 0x00, 0x00}), 7);
	n = pcisim_mctp_control_request(5, PCISIM_MCTP_CTRL_GET_MSG_TYPES, NULL, 0, rq);
	assert_int_equal(pcisim_mctp_control_respond(&ep, rq, n, rs), 7);
	assert_memory_equal(rs, ((uint8_t[]){0x00, 0x05, 0x05, 0x00, 0x02, 0x07, 0x08}), 7);
	n = pcisim_mctp_control_request(6, PCISIM_MCTP_CTRL_GET_VERSION, (uint8_t[]){0xff}, 1, rq);
	assert_int_equal(pcisim_mctp_control_respond(&ep, rq, n, rs), 9);
	assert_memory_equal(rs, ((uint8_t[]){0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x01, 0x03, 0x01}), 9);
	/* errors: null and broadcast EIDs, short requests, unknown commands */
	n = pcisim_mctp_control_request(7, PCISIM_MCTP_CTRL_SET_EID, (uint8_t[]){0x00, 0xff}, 2, rq);
	assert_int_equal(pcisim_mctp_control_respond(&ep, rq, n, rs), 4);
	assert_int_equal(rs[3], PCISIM_MCTP_CC_INVALID_DATA);
	assert_int_equal(ep.eid, 0x30);
	n = pcisim_mctp_control_request(7, PCISIM_MCTP_CTRL_SET_EID, (uint8_t[]){0x00}, 1, rq);
	pcisim_mctp_control_respond(&ep, rq, n, rs);
	assert_int_equal(rs[3], PCISIM_MCTP_CC_INVALID_LENGTH);
	n = pcisim_mctp_control_request(7, 0x0a, NULL, 0, rq);
	assert_int_equal(pcisim_mctp_control_respond(&ep, rq, n, rs), 4);
	assert_int_equal(rs[3], PCISIM_MCTP_CC_UNSUPPORTED_CMD);
	/* a response is not answered */
	rq[1] &= (uint8_t)~PCISIM_MCTP_CTRL_RQ;
	assert_int_equal(pcisim_mctp_control_respond(&ep, rq, n, rs), 0);
}

/* The RFC's target machine: a switch with three downstream ports and a type 3 below the third. */
static struct tb *rfc_switch(void)
{
	struct tb *t = tb_text(
		"version: 1\nname: t\n"
		"machine: {type: q35, cxl: on, cxl-fmw: [{targets: [cxl.1], size: 4G}]}\n"
		"topology:\n"
		"  - qemu_args: |\n"
		"      -object memory-backend-ram,id=cxl-mem2,size=4G\n"
		"      -object memory-backend-ram,id=cxl-lsa2,size=1M\n"
		"      -device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1\n"
		"      -device cxl-rp,port=0,bus=cxl.1,id=cxl_rp_port0,chassis=0,slot=2\n"
		"      -device cxl-upstream,port=2,sn=1234,bus=cxl_rp_port0,id=us0,addr=0.0,multifunction=on\n"
		"      -device cxl-switch-mailbox-cci,bus=cxl_rp_port0,addr=0.1,target=us0\n"
		"      -device cxl-downstream,port=0,bus=us0,id=swport0,chassis=0,slot=4\n"
		"      -device cxl-downstream,port=1,bus=us0,id=swport1,chassis=0,slot=5\n"
		"      -device cxl-downstream,port=3,bus=us0,id=swport2,chassis=0,slot=6\n"
		"      -device cxl-type3,bus=swport2,volatile-memdev=cxl-mem2,id=cxl-dcd0,lsa=cxl-lsa2,sn=99\n");
	if (t->rc)
		fail_msg("did not load: %s", t->err);
	return t;
}

static size_t fm(struct pcisim_pcifn *usp, uint16_t op, const uint8_t *in, size_t n, uint8_t *out, int *rc)
{
	size_t len;
	bool bg;
	*rc = pcisim_cxl_switch_exec(usp, op, in, n, out, &len, &bg);
	return len;
}

static void fmapi_switch_commands(void **state)
{
	(void)state;
	struct tb *t = rfc_switch();
	struct pcisim_pcifn *usp = tb_fn(t, "us0");
	static uint8_t out[CXL_MBOX_PAYLOAD_MAX];
	int rc;
	/* Identify Switch Device: 4 physical ports (2 = USP, 0, 1, 3), 1 VCS, 3 vPPBs bound */
	assert_int_equal(fm(usp, CXL_FMAPI_IDENTIFY_SWITCH, NULL, 0, out, &rc), 0x49);
	assert_int_equal(rc, CXL_MBOX_SUCCESS);
	assert_int_equal(out[2], 4);
	assert_int_equal(out[3], 1);
	assert_int_equal(out[4], 0x0f); /* ports 0, 1, 2, 3 */
	assert_int_equal(out[0x24], 1);
	assert_int_equal(out[0x44], 3);
	assert_int_equal(out[0x46], 3);
	assert_int_equal(out[0x48], 4);
	fm(usp, CXL_FMAPI_IDENTIFY_SWITCH, (uint8_t[]){0}, 1, out, &rc);
	assert_int_equal(rc, CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	/* Get Physical Port State of ports 3 (a type 3 below) and 2 (the USP) */
	assert_int_equal(fm(usp, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){2, 3, 2}, 3, out, &rc), 4 + 32);
	assert_int_equal(out[0], 2);
	assert_int_equal(out[4 + 0], 3);
	assert_int_equal(out[4 + 1], CXL_PORT_STATE_DSP);
	assert_int_equal(out[4 + 4], CXL_PORT_DEV_T3_SLD);
	assert_int_equal(out[4 + 11], 4); /* L0 */
	assert_int_equal(out[20 + 0], 2);
	assert_int_equal(out[20 + 1], CXL_PORT_STATE_USP);
	/* port 1 has nothing below */
	fm(usp, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){1, 1}, 2, out, &rc);
	assert_int_equal(out[4 + 4], CXL_PORT_DEV_NONE);
	assert_int_equal(out[4 + 11], 0); /* Detect */
	/* an unknown port, a count that disagrees with the length */
	fm(usp, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){1, 7}, 2, out, &rc);
	assert_int_equal(rc, CXL_MBOX_INVALID_INPUT);
	fm(usp, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){2, 1}, 2, out, &rc);
	assert_int_equal(rc, CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	/* unknown opcodes, and a function that is not a switch */
	fm(usp, 0x5400, NULL, 0, out, &rc);
	assert_int_equal(rc, CXL_MBOX_UNSUPPORTED);
	fm(tb_fn(t, "swport0"), CXL_FMAPI_IDENTIFY_SWITCH, NULL, 0, out, &rc);
	assert_int_equal(rc, CXL_MBOX_UNSUPPORTED);
	tb_free(t);
}

/* Unbind vPPB runs in the background: Busy for a second one, in progress in the port
 * state, done after CXL_FMAPI_BIND_TIME with the link down; bind brings it back. */
static void fmapi_unbind_bind_background(void **state)
{
	(void)state;
	struct tb *t = rfc_switch();
	struct pcisim_pcifn *usp = tb_fn(t, "us0");
	static uint8_t out[CXL_MBOX_PAYLOAD_MAX];
	int rc;
	fm(usp, CXL_FMAPI_UNBIND_VPPB, (uint8_t[]){0, 2, 2}, 3, out, &rc);
	assert_int_equal(rc, CXL_MBOX_BG_STARTED);
	fm(usp, CXL_FMAPI_UNBIND_VPPB, (uint8_t[]){0, 1, 2}, 3, out, &rc);
	assert_int_equal(rc, CXL_MBOX_BUSY);
	fm(usp, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){1, 3}, 2, out, &rc);
	assert_int_equal(out[4 + 1], CXL_PORT_STATE_UNBIND_IN_PROGRESS);
	assert_int_equal(fm(usp, 0x0002, NULL, 0, out, &rc), 8);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[2] | out[3] << 8, CXL_FMAPI_UNBIND_VPPB);
	pcisim_run(&t->sim, t->sim.now + CXL_FMAPI_BIND_TIME);
	fm(usp, 0x0002, NULL, 0, out, &rc);
	assert_int_equal(out[0], 100 << 1);
	fm(usp, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){1, 3}, 2, out, &rc);
	assert_int_equal(out[4 + 1], CXL_PORT_STATE_DISABLED);
	assert_int_equal(out[4 + 4], CXL_PORT_DEV_NONE);
	fm(usp, CXL_FMAPI_IDENTIFY_SWITCH, NULL, 0, out, &rc);
	assert_int_equal(out[0x46], 2);
	/* unbinding it again, binding it to another physical port: invalid input */
	fm(usp, CXL_FMAPI_UNBIND_VPPB, (uint8_t[]){0, 2, 2}, 3, out, &rc);
	assert_int_equal(rc, CXL_MBOX_INVALID_INPUT);
	fm(usp, CXL_FMAPI_BIND_VPPB, (uint8_t[]){0, 2, 1, 0, 0, 0}, 6, out, &rc);
	assert_int_equal(rc, CXL_MBOX_INVALID_INPUT);
	fm(usp, CXL_FMAPI_BIND_VPPB, (uint8_t[]){0, 2, 3, 0, 0, 0}, 6, out, &rc);
	assert_int_equal(rc, CXL_MBOX_BG_STARTED);
	pcisim_run(&t->sim, t->sim.now + CXL_FMAPI_BIND_TIME + PCISIM_MS);
	fm(usp, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){1, 3}, 2, out, &rc);
	assert_int_equal(out[4 + 1], CXL_PORT_STATE_DSP);
	assert_int_equal(out[4 + 4], CXL_PORT_DEV_T3_SLD);
	tb_free(t);
}

/* Physical Port Control and the Tunnel Management Command: encodings and errors. */
static void fmapi_port_control_and_tunnel_errors(void **state)
{
	(void)state;
	struct tb *t = rfc_switch();
	struct pcisim_pcifn *usp = tb_fn(t, "us0");
	static uint8_t out[CXL_MBOX_PAYLOAD_MAX];
	int rc;
	/* Physical port 3 (swport2, the type 3 device below it), as QEMU's
	 * cmd_physical_port_control(): assert PERST# resets the port and the device below
	 * and holds them; nothing else for 100 ms; deassert releases them. */
	struct pcisim_pcifn *dsp = tb_fn(t, "swport2"), *t3 = tb_fn(t, "cxl-dcd0");
	pcisim_cfg_write(&t3->cfg, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_not_equal(pcisim_cfg_read(&dsp->cfg, PCI_SECONDARY_BUS, 1), 0);
	fm(usp, CXL_FMAPI_PHYS_PORT_CONTROL, (uint8_t[]){3, 0}, 2, out, &rc);
	assert_int_equal(rc, CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cfg_read(&dsp->cfg, PCI_SECONDARY_BUS, 1), 0); /* the port's own reset */
	assert_int_equal(pcisim_cfg_read(&t3->cfg, PCI_COMMAND, 2), 0);          /* and the device's */
	pcisim_run(&t->sim, t->sim.now + PCISIM_MS);
	fm(usp, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){1, 3}, 2, out, &rc);
	assert_int_equal(out[4 + 4], CXL_PORT_DEV_NONE);
	assert_int_not_equal(out[4 + 11], 4);
	assert_int_equal(out[4 + 13], CXL_PORT_LINK_PERST_ASSERTED);
	/* within the hold: deassert, reset PPB and a second assert are refused */
	for (uint8_t op = 0; op < 3; op++) {
		fm(usp, CXL_FMAPI_PHYS_PORT_CONTROL, (uint8_t[]){3, op}, 2, out, &rc);
		assert_int_equal(rc, CXL_MBOX_INTERNAL_ERROR);
	}
	pcisim_run(&t->sim, t->sim.now + 100 * PCISIM_MS);
	fm(usp, CXL_FMAPI_PHYS_PORT_CONTROL, (uint8_t[]){3, 2}, 2, out, &rc);
	assert_int_equal(rc, CXL_MBOX_INTERNAL_ERROR); /* still asserted */
	fm(usp, CXL_FMAPI_PHYS_PORT_CONTROL, (uint8_t[]){3, 1}, 2, out, &rc);
	assert_int_equal(rc, CXL_MBOX_SUCCESS);
	pcisim_run(&t->sim, t->sim.now + 200 * PCISIM_MS);
	fm(usp, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){1, 3}, 2, out, &rc);
	assert_int_equal(out[4 + 4], CXL_PORT_DEV_T3_SLD);
	assert_int_equal(out[4 + 11], 4);
	assert_int_equal(out[4 + 13], 0);
	fm(usp, CXL_FMAPI_PHYS_PORT_CONTROL, (uint8_t[]){3, 1}, 2, out, &rc);
	assert_int_equal(rc, CXL_MBOX_INTERNAL_ERROR); /* not asserted */
	/* reset PPB: a cold reset of the port and what is below it; the link retrains */
	pcisim_cfg_write(&t3->cfg, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	fm(usp, CXL_FMAPI_PHYS_PORT_CONTROL, (uint8_t[]){3, 2}, 2, out, &rc);
	assert_int_equal(rc, CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cfg_read(&t3->cfg, PCI_COMMAND, 2), 0);
	pcisim_run(&t->sim, t->sim.now + 200 * PCISIM_MS);
	fm(usp, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){1, 3}, 2, out, &rc);
	assert_int_equal(out[4 + 11], 4);
	/* errors: no physical port 7 (QEMU: Internal Error), no opcode 3, a wrong length */
	fm(usp, CXL_FMAPI_PHYS_PORT_CONTROL, (uint8_t[]){7, 0}, 2, out, &rc);
	assert_int_equal(rc, CXL_MBOX_INTERNAL_ERROR);
	fm(usp, CXL_FMAPI_PHYS_PORT_CONTROL, (uint8_t[]){0, 3}, 2, out, &rc);
	assert_int_equal(rc, CXL_MBOX_INVALID_INPUT);
	fm(usp, CXL_FMAPI_PHYS_PORT_CONTROL, (uint8_t[]){0}, 1, out, &rc);
	assert_int_equal(rc, CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	/* tunnel: to a port with nothing below, to no port, another target type, a size
	 * that disagrees, a response inside instead of a request */
	uint8_t tun[4 + CXL_CCI_MSG_HDR];
	struct pcisim_cxl_cci_msg m = {.category = CXL_CCI_CAT_REQ, .opcode = CXL_OP_IDENTIFY_MEMDEV};
	pcisim_cxl_cci_encode(&m, NULL, tun + 4);
	tun[1] = 0;
	tun[2] = CXL_CCI_MSG_HDR;
	tun[3] = 0;
	static const uint8_t ports[] = {1, 7};
	for (int i = 0; i < 2; i++) {
		tun[0] = ports[i];
		fm(usp, CXL_FMAPI_TUNNEL, tun, sizeof(tun), out, &rc);
		assert_int_equal(rc, CXL_MBOX_INVALID_INPUT);
	}
	tun[0] = 3;
	tun[1] = 1;
	fm(usp, CXL_FMAPI_TUNNEL, tun, sizeof(tun), out, &rc);
	assert_int_equal(rc, CXL_MBOX_INVALID_INPUT);
	tun[1] = 0;
	tun[2] = CXL_CCI_MSG_HDR + 1;
	fm(usp, CXL_FMAPI_TUNNEL, tun, sizeof(tun), out, &rc);
	assert_int_equal(rc, CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	tun[2] = CXL_CCI_MSG_HDR;
	tun[4] = CXL_CCI_CAT_RSP;
	fm(usp, CXL_FMAPI_TUNNEL, tun, sizeof(tun), out, &rc);
	assert_int_equal(rc, CXL_MBOX_INVALID_INPUT);
	/* an unsupported command inside: the tunnel succeeds, the inner answer says so */
	tun[4] = CXL_CCI_CAT_REQ;
	tun[4 + 3] = 0x00;
	tun[4 + 4] = 0x42; /* 0x4200 Get Health Info: QEMU has none */
	assert_int_equal(fm(usp, CXL_FMAPI_TUNNEL, tun, sizeof(tun), out, &rc), 4 + CXL_CCI_MSG_HDR);
	assert_int_equal(rc, CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cxl_cci_decode(out + 4, CXL_CCI_MSG_HDR, &m), 0);
	assert_int_equal(m.rc, CXL_MBOX_UNSUPPORTED);
	assert_int_equal(m.category, CXL_CCI_CAT_RSP);
	tb_free(t);
}

/* The same command through the mailbox and through MCTP (CCI message type 0x08, and
 * tunnelled through the switch's FM-API): the same return code and payload. */
static void same_answer_mailbox_and_mctp(void **state)
{
	(void)state;
	struct tb *t = rfc_switch();
	struct pcisim_pcifn *dev = tb_fn(t, "cxl-dcd0"), *usp = tb_fn(t, "us0");
	static uint8_t mb[CXL_MBOX_PAYLOAD_MAX], rq[64], rs[PCISIM_MCTP_CXL_MSG_MAX], tun[64];
	size_t mlen;
	bool bg;
	int rc = pcisim_cxl_mbox_exec(dev, CXL_OP_IDENTIFY_MEMDEV, NULL, 0, mb, &mlen, &bg);
	assert_int_equal(rc, CXL_MBOX_SUCCESS);
	size_t n = pcisim_mctp_cci_request(PCISIM_MCTP_TYPE_CXL_CCI, 4, CXL_OP_IDENTIFY_MEMDEV, NULL, 0, rq);
	assert_int_equal(n, 13);
	size_t r = pcisim_mctp_cci_serve(dev, rq, n, rs);
	struct pcisim_cxl_cci_msg m;
	assert_int_equal(pcisim_cxl_cci_decode(rs + 1, r - 1, &m), 0);
	assert_int_equal(rs[0], PCISIM_MCTP_TYPE_CXL_CCI);
	assert_int_equal(m.category, CXL_CCI_CAT_RSP);
	assert_int_equal(m.tag, 4);
	assert_int_equal(m.rc, CXL_MBOX_SUCCESS);
	assert_int_equal(m.len, mlen);
	assert_memory_equal(m.payload, mb, mlen);
	/* tunnelled through the switch to port 3 */
	size_t c = pcisim_mctp_cci_request(0, 9, CXL_OP_IDENTIFY_MEMDEV, NULL, 0, rq);
	tun[0] = 3;
	tun[1] = 0;
	tun[2] = (uint8_t)(c - 1);
	tun[3] = 0;
	memcpy(tun + 4, rq + 1, c - 1);
	size_t tl;
	rc = pcisim_cxl_switch_exec(usp, CXL_FMAPI_TUNNEL, tun, 4 + c - 1, mb + 1024, &tl, &bg);
	assert_int_equal(rc, CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cxl_cci_decode(mb + 1024 + 4, tl - 4, &m), 0);
	assert_int_equal(m.tag, 9);
	assert_int_equal(m.len, mlen);
	assert_memory_equal(m.payload, mb, mlen);
	/* the message type must fit the command set: FM-API over type 0x08, memory device
	 * commands over type 0x07, FM-API to a type 3 (no DCD management here) */
	n = pcisim_mctp_cci_request(PCISIM_MCTP_TYPE_CXL_CCI, 1, CXL_FMAPI_IDENTIFY_SWITCH, NULL, 0, rq);
	r = pcisim_mctp_cci_serve(usp, rq, n, rs);
	pcisim_cxl_cci_decode(rs + 1, r - 1, &m);
	assert_int_equal(m.rc, CXL_MBOX_UNSUPPORTED);
	n = pcisim_mctp_cci_request(PCISIM_MCTP_TYPE_CXL_FMAPI, 1, CXL_OP_IDENTIFY_MEMDEV, NULL, 0, rq);
	r = pcisim_mctp_cci_serve(dev, rq, n, rs);
	pcisim_cxl_cci_decode(rs + 1, r - 1, &m);
	assert_int_equal(m.rc, CXL_MBOX_UNSUPPORTED);
	n = pcisim_mctp_cci_request(PCISIM_MCTP_TYPE_CXL_FMAPI, 1, CXL_FMAPI_IDENTIFY_SWITCH, NULL, 0, rq);
	r = pcisim_mctp_cci_serve(usp, rq, n, rs);
	pcisim_cxl_cci_decode(rs + 1, r - 1, &m);
	assert_int_equal(m.rc, CXL_MBOX_SUCCESS);
	assert_int_equal(m.len, 0x49);
	/* a response sent to the endpoint is not answered */
	rs[1] = CXL_CCI_CAT_RSP;
	assert_int_equal(pcisim_mctp_cci_serve(usp, rs, r, rq), 0);
	tb_free(t);
}

/* A DCD: the host's DC command (type 0x08) and the FM's DCD management (type 0x07)
 * over MCTP answer as the mailbox and the FM-owned LD's CCI do; an add offered over
 * MCTP is pending in the device as one offered through the mailbox path would be. */
static void dcd_over_mctp_same_answers(void **state)
{
	(void)state;
	struct tb *t = tb_text("version: 1\nname: t\n"
			       "machine: {type: q35, cxl: on, cxl-fmw: [{targets: [cxl.1], size: 4G}]}\n"
			       "topology:\n"
			       "  - qemu_args: |\n"
			       "      -object memory-backend-ram,id=dc,size=1G\n"
			       "      -device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1\n"
			       "      -device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2\n"
			       "      -device cxl-type3,bus=rp0,volatile-dc-memdev=dc,num-dc-regions=2,id=dcd0\n");
	if (t->rc)
		fail_msg("did not load: %s", t->err);
	struct pcisim_pcifn *dev = tb_fn(t, "dcd0");
	static uint8_t mb[CXL_MBOX_PAYLOAD_MAX], rq[512], rs[PCISIM_MCTP_CXL_MSG_MAX];
	struct pcisim_cxl_cci_msg m;
	size_t mlen, n, r;
	bool bg;
	/* Get Dynamic Capacity Configuration (0x4800): region count 8, start 0 */
	uint8_t cfg_in[2] = {8, 0};
	int rc = pcisim_cxl_mbox_exec(dev, CXL_OP_GET_DC_CONFIG, cfg_in, 2, mb, &mlen, &bg);
	assert_int_equal(rc, CXL_MBOX_SUCCESS);
	n = pcisim_mctp_cci_request(PCISIM_MCTP_TYPE_CXL_CCI, 2, CXL_OP_GET_DC_CONFIG, cfg_in, 2, rq);
	r = pcisim_mctp_cci_serve(dev, rq, n, rs);
	assert_int_equal(pcisim_cxl_cci_decode(rs + 1, r - 1, &m), 0);
	assert_int_equal(m.rc, CXL_MBOX_SUCCESS);
	assert_int_equal(m.len, mlen);
	assert_memory_equal(m.payload, mb, mlen);
	/* Get DCD Info (0x5600), into a clean buffer as the CCI gives it */
	memset(mb, 0, sizeof(mb));
	rc = pcisim_cxl_dc_fm_exec(dev, CXL_OP_FM_GET_DCD_INFO, NULL, 0, mb, &mlen);
	assert_int_equal(rc, CXL_MBOX_SUCCESS);
	n = pcisim_mctp_cci_request(PCISIM_MCTP_TYPE_CXL_FMAPI, 3, CXL_OP_FM_GET_DCD_INFO, NULL, 0, rq);
	r = pcisim_mctp_cci_serve(dev, rq, n, rs);
	assert_int_equal(pcisim_cxl_cci_decode(rs + 1, r - 1, &m), 0);
	assert_int_equal(m.rc, CXL_MBOX_SUCCESS);
	assert_int_equal(m.len, mlen);
	assert_memory_equal(m.payload, mb, mlen);
	assert_int_equal(m.payload[1], 2); /* two regions */
	/* Initiate Dynamic Capacity Add over MCTP: 4 MiB at DPA 0, then pending */
	uint8_t add[32 + 40] = {0};
	add[2] = PCISIM_CXL_DC_SELECT_PRESCRIPTIVE;
	add[4 + 2] = 0x40; /* length 4 MiB */
	add[0x1c] = 1;
	add[32 + 8 + 2] = 0x40;
	n = pcisim_mctp_cci_request(PCISIM_MCTP_TYPE_CXL_FMAPI, 4, CXL_OP_FM_INITIATE_DC_ADD, add, sizeof(add), rq);
	r = pcisim_mctp_cci_serve(dev, rq, n, rs);
	assert_int_equal(pcisim_cxl_cci_decode(rs + 1, r - 1, &m), 0);
	assert_int_equal(m.rc, CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cxl_dc_of(dev)->npending, 1);
	/* the same add again overlaps the pending one: Invalid Extent List, both ways */
	r = pcisim_mctp_cci_serve(dev, rq, n, rs);
	pcisim_cxl_cci_decode(rs + 1, r - 1, &m);
	assert_int_equal(m.rc, pcisim_cxl_dc_fm_exec(dev, CXL_OP_FM_INITIATE_DC_ADD, add, sizeof(add), mb, &mlen));
	assert_int_not_equal(m.rc, CXL_MBOX_SUCCESS);
	/* the DC commands over the wrong message type: Unsupported */
	n = pcisim_mctp_cci_request(PCISIM_MCTP_TYPE_CXL_CCI, 5, CXL_OP_FM_GET_DCD_INFO, NULL, 0, rq);
	r = pcisim_mctp_cci_serve(dev, rq, n, rs);
	pcisim_cxl_cci_decode(rs + 1, r - 1, &m);
	assert_int_equal(m.rc, CXL_MBOX_UNSUPPORTED);
	tb_free(t);
}

int main(void)
{
	tb_register();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_bits),
		cmocka_unit_test(fragmentation_every_boundary),
		cmocka_unit_test(sequence_wraps),
		cmocka_unit_test(lost_duplicated_reordered),
		cmocka_unit_test(tag_reuse),
		cmocka_unit_test(smbus_frame_and_pec),
		cmocka_unit_test(wire_time),
		cmocka_unit_test(control_messages),
		cmocka_unit_test(fmapi_switch_commands),
		cmocka_unit_test(fmapi_unbind_bind_background),
		cmocka_unit_test(fmapi_port_control_and_tunnel_errors),
		cmocka_unit_test(same_answer_mailbox_and_mctp),
		cmocka_unit_test(dcd_over_mctp_same_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
