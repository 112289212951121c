/*
 * The switch mailbox CCI (cxl-switch-mailbox-cci, QEMU 8.2 on) at register level: its
 * device register block in BAR 0 as a host reads it (capability array, mailbox,
 * memory device status), FM-API commands through the doorbell, the answer byte for
 * byte the one MCTP gives (the same switch CCI), the background Unbind vPPB in the
 * mailbox's Status and Background Command Status registers, and the refusal on 7.2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "testbench.h"
#include "sim/cxl/cxl_state.h"
#include "sim/cxl/fmapi.h"
#include "sim/cxl/memdev.h"
#include "sim/cxl/regs.h"
#include "sim/mctp/cci.h"
#include "sim/mctp/packet.h"
#include "sim/pcie/mmio.h"
#include "sim/pcie/regs/pci.h"

#define BAR0 0xd0000000ull

/* The RFC's switch (three downstream ports, a type 3 below port 3) with its mailbox
 * CCI at function 1 of the upstream port's slot. */
static struct tb *switch_with_cci(const char *qemu)
{
	char text[2048];
	snprintf(text, sizeof(text),
		 "version: 1\nname: t\n"
		 "machine: {type: q35, qemu: \"%s\", cxl: on, cxl-fmw: [{targets: [cxl.1], size: 4G}]}\n"
		 "topology:\n"
		 "  - qemu_args: |\n"
		 "      -object memory-backend-ram,id=cxl-mem2,size=4G\n"
		 "      -device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1\n"
		 "      -device cxl-rp,port=0,bus=cxl.1,id=cxl_rp_port0,chassis=0,slot=2\n"
		 "      -device cxl-upstream,port=2,sn=1234,bus=cxl_rp_port0,id=us0,addr=0.0,multifunction=on\n"
		 "      -device cxl-switch-mailbox-cci,bus=cxl_rp_port0,addr=0.1,target=us0,id=swcci0\n"
		 "      -device cxl-downstream,port=0,bus=us0,id=swport0,chassis=0,slot=4\n"
		 "      -device cxl-downstream,port=1,bus=us0,id=swport1,chassis=0,slot=5\n"
		 "      -device cxl-downstream,port=3,bus=us0,id=swport2,chassis=0,slot=6\n"
		 "      -device cxl-type3,bus=swport2,volatile-memdev=cxl-mem2,id=mem0\n",
		 qemu);
	struct tb *t = tb_text(text);
	if (t->rc)
		fail_msg("did not load: %s", t->err);
	return t;
}

/* The host gives BAR 0 an address and enables memory decoding, as firmware does. */
static void assign_bar0(struct pcisim_pcifn *fn)
{
	pcisim_fn_cfg_write(fn, PCI_BASE_ADDRESS_0, (uint32_t)BAR0, 4);
	pcisim_fn_cfg_write(fn, PCI_BASE_ADDRESS_0 + 4, (uint32_t)(BAR0 >> 32), 4);
	pcisim_fn_cfg_write(fn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
}

static uint64_t rd(struct tb *t, uint64_t off, unsigned len)
{
	struct pcisim_mmio_target mt = pcisim_mmio_decode(&t->sim, BAR0 + off);
	return pcisim_mmio_read(&mt, len);
}

static void wr(struct tb *t, uint64_t off, uint64_t v, unsigned len)
{
	struct pcisim_mmio_target mt = pcisim_mmio_decode(&t->sim, BAR0 + off);
	assert_true(pcisim_mmio_write(&mt, v, len));
}

/*
 * A command through the doorbell as a host driver issues it: payload, Command (opcode
 * and length, 8 bytes), Doorbell; then Status, the output length and the payload.
 * Returns the return code.
 */
static int mbox(struct tb *t, uint16_t op, const uint8_t *in, size_t len, uint8_t *out, size_t *len_out)
{
	assert_int_equal(rd(t, CXL_MBOX_CTRL, 4) & CXL_MBOX_CTRL_DOORBELL, 0);
	for (size_t i = 0; i < len; i++)
		wr(t, CXL_MBOX_PAYLOAD + i, in[i], 1);
	wr(t, CXL_MBOX_CMD, op | (uint64_t)len << 16, 8);
	wr(t, CXL_MBOX_CTRL, CXL_MBOX_CTRL_DOORBELL, 4);
	/* the command ran inside the write: the doorbell is clear at the first poll */
	assert_int_equal(rd(t, CXL_MBOX_CTRL, 4) & CXL_MBOX_CTRL_DOORBELL, 0);
	uint64_t cmd = rd(t, CXL_MBOX_CMD, 8);
	assert_int_equal(cmd & 0xffff, 0); /* command and set cleared */
	*len_out = (size_t)(cmd >> 16 & 0xfffff);
	for (size_t i = 0; i < *len_out; i++)
		out[i] = (uint8_t)rd(t, CXL_MBOX_PAYLOAD + i, 1);
	return (int)(rd(t, CXL_MBOX_STATUS, 8) >> 32 & 0xffff);
}

/* The same command over MCTP (FM-API message type 0x07, or 0x08 for the generic set). */
static int mctp(struct pcisim_pcifn *usp, uint16_t op, const uint8_t *in, size_t len, uint8_t *out,
		size_t *len_out)
{
	static uint8_t rq[PCISIM_MCTP_CXL_MSG_MAX], rs[PCISIM_MCTP_CXL_MSG_MAX];
	uint8_t type = (op >> 8) >= 0x51 ? PCISIM_MCTP_TYPE_CXL_FMAPI : PCISIM_MCTP_TYPE_CXL_CCI;
	size_t n = pcisim_mctp_cci_request(type, 3, op, in, len, rq);
	size_t r = pcisim_mctp_cci_serve(usp, rq, n, rs);
	struct pcisim_cxl_cci_msg m;
	assert_int_equal(pcisim_cxl_cci_decode(rs + 1, r - 1, &m), 0);
	assert_int_equal(m.category, CXL_CCI_CAT_RSP);
	memcpy(out, m.payload, m.len);
	*len_out = m.len;
	return m.rc;
}

static void registers_at_reset(void **state)
{
	(void)state;
	struct tb *t = switch_with_cci("9.1");
	struct pcisim_pcifn *fn = tb_fn(t, "swcci0");
	/* "Serial bus, CXL Switch CCI", 64-bit BAR 0 of the device block's size */
	assert_int_equal(pcisim_cfg_get32(&fn->cfg, PCI_REVISION_ID), 0x0c0b0000);
	assert_int_equal(pcisim_mmio_bar_size(fn, 0), CXL_DEV_BLOCK_SIZE);
	/* unassigned: nothing decodes */
	assert_int_equal(rd(t, CXL_DEV_CAP_ARRAY, 4), 0xffffffff);
	assign_bar0(fn);
	/* capability array: ID 0, version 1, three capabilities */
	assert_int_equal(rd(t, CXL_DEV_CAP_ARRAY, 8), 0x300010000ull);
	/* Device Status: ID 1 version 2 at 0x80, 8 bytes */
	assert_int_equal(rd(t, CXL_DEV_CAP_HDR(0), 8), 0x8000020001ull);
	assert_int_equal(rd(t, CXL_DEV_CAP_HDR(0) + 8, 4), 8);
	/* Primary Mailbox: ID 2 version 1 at 0x88, 0x820 bytes */
	assert_int_equal(rd(t, CXL_DEV_CAP_HDR(1), 8), 0x8800010002ull);
	assert_int_equal(rd(t, CXL_DEV_CAP_HDR(1) + 8, 4), 0x820);
	/* Memory Device Status: ID 0x4000 version 1 at 0x8a8 */
	assert_int_equal(rd(t, CXL_DEV_CAP_HDR(2), 8), 0x8a800014000ull);
	/* the capability array takes no 1-byte reads; it ignores writes */
	assert_int_equal(rd(t, CXL_DEV_CAP_ARRAY, 1), 0);
	wr(t, CXL_DEV_CAP_ARRAY, 0, 8);
	assert_int_equal(rd(t, CXL_DEV_CAP_ARRAY, 8), 0x300010000ull);
	/* mailbox capabilities: 2 KiB payload, background interrupt capable, message 3 */
	assert_int_equal(rd(t, CXL_MBOX_CAP, 4), 11 | CXL_MBOX_CAP_BG_INT | 3u << 7);
	assert_int_equal(rd(t, CXL_MBOX_CTRL, 4), 0);
	assert_int_equal(rd(t, CXL_MBOX_STATUS, 8), 0);
	assert_int_equal(rd(t, CXL_MBOX_BG_STATUS, 8), 0); /* no background command yet */
	/* media ready, mailbox ready; Event Status empty */
	assert_int_equal(rd(t, CXL_MEMDEV_OFFSET, 8), 0x14);
	assert_int_equal(rd(t, CXL_DEV_STATUS_OFFSET, 8), 0);
	/* the same through the register interface */
	assert_int_equal(pcisim_cxl_device_read(fn, CXL_MBOX_CAP, 4), 0x1cb);
	tb_free(t);
}

/* Identify Switch Device and Get Physical Port State: the mailbox's answers are the
 * switch's, byte for byte those of MCTP. */
static void same_answers_mailbox_and_mctp(void **state)
{
	(void)state;
	struct tb *t = switch_with_cci("9.1");
	struct pcisim_pcifn *fn = tb_fn(t, "swcci0"), *usp = tb_fn(t, "us0");
	assign_bar0(fn);
	static uint8_t a[CXL_MBOX_PAYLOAD_MAX], b[CXL_MBOX_PAYLOAD_MAX];
	size_t la, lb;
	static const struct {
		uint16_t op;
		uint8_t in[8];
		size_t len;
		int rc;
		size_t out;
	} cases[] = {
		{CXL_FMAPI_IDENTIFY_SWITCH, {0}, 0, CXL_MBOX_SUCCESS, CXL_FMAPI_IDENTIFY_LEN},
		{CXL_FMAPI_GET_PHYS_PORT_STATE, {4, 0, 1, 2, 3}, 5, CXL_MBOX_SUCCESS, 4 + 4 * 16},
		{CXL_FMAPI_GET_PHYS_PORT_STATE, {1, 7}, 2, CXL_MBOX_INVALID_INPUT, 0},
		{CXL_FMAPI_IDENTIFY_SWITCH, {0}, 1, CXL_MBOX_INVALID_PAYLOAD_LENGTH, 0},
		{CXL_OP_BG_OP_STATUS, {0}, 0, CXL_MBOX_SUCCESS, 8},
		{0x5400, {0}, 0, CXL_MBOX_UNSUPPORTED, 0}, /* an MLD command: no MLD here */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(a, 0xa5, sizeof(a));
		memset(b, 0x5a, sizeof(b));
		int ra = mbox(t, cases[i].op, cases[i].in, cases[i].len, a, &la);
		int rb = mctp(usp, cases[i].op, cases[i].in, cases[i].len, b, &lb);
		print_message("opcode 0x%04x: mailbox rc %d len %zu, MCTP rc %d len %zu\n", cases[i].op, ra, la, rb,
			      lb);
		assert_int_equal(ra, cases[i].rc);
		assert_int_equal(la, cases[i].out);
		assert_int_equal(ra, rb);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		assert_int_equal(rd(t, CXL_MBOX_STATUS, 8) & 1, 0);
	}
	/* Identify's fields: ports 0-3, one VCS, three vPPBs bound */
	mbox(t, CXL_FMAPI_IDENTIFY_SWITCH, NULL, 0, a, &la);
	assert_int_equal(a[2], 4);
	assert_int_equal(a[4], 0x0f);
	assert_int_equal(a[0x44], 3);
	assert_int_equal(a[0x46], 3);
	/* a tunnelled Identify Memory Device (0x4000) to port 3 reaches the type 3 device */
	uint8_t tun[4 + CXL_CCI_MSG_HDR];
	struct pcisim_cxl_cci_msg m = {.category = CXL_CCI_CAT_REQ, .tag = 7, .opcode = CXL_OP_IDENTIFY_MEMDEV};
	pcisim_cxl_cci_encode(&m, NULL, tun + 4);
	tun[0] = 3;
	tun[1] = 0;
	tun[2] = CXL_CCI_MSG_HDR;
	tun[3] = 0;
	assert_int_equal(mbox(t, CXL_FMAPI_TUNNEL, tun, sizeof(tun), a, &la), CXL_MBOX_SUCCESS);
	assert_int_equal(mctp(usp, CXL_FMAPI_TUNNEL, tun, sizeof(tun), b, &lb), CXL_MBOX_SUCCESS);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	assert_int_equal(pcisim_cxl_cci_decode(a + 4, la - 4, &m), 0);
	assert_int_equal(m.rc, CXL_MBOX_SUCCESS);
	assert_int_equal(m.tag, 7);
	assert_memory_equal(m.payload, "BWFW VERSION 00", 15);
	/* a memory device command straight to the switch's CCI: Unsupported */
	assert_int_equal(mbox(t, CXL_OP_IDENTIFY_MEMDEV, NULL, 0, a, &la), CXL_MBOX_UNSUPPORTED);
	tb_free(t);
}

/* Unbind vPPB in the background: Status bit 0 and Background Command Status follow it,
 * a second background command is Busy (through either path: one switch CCI). */
static void unbind_in_the_background(void **state)
{
	(void)state;
	struct tb *t = switch_with_cci("9.1");
	struct pcisim_pcifn *fn = tb_fn(t, "swcci0"), *usp = tb_fn(t, "us0");
	assign_bar0(fn);
	static uint8_t a[CXL_MBOX_PAYLOAD_MAX], b[CXL_MBOX_PAYLOAD_MAX];
	size_t la, lb;
	pcisim_time t0 = t->sim.now;
	assert_int_equal(mbox(t, CXL_FMAPI_UNBIND_VPPB, (uint8_t[]){0, 2, 2}, 3, a, &la), CXL_MBOX_BG_STARTED);
	assert_int_equal(la, 0);
	assert_int_equal(rd(t, CXL_MBOX_STATUS, 8), 1 | (uint64_t)CXL_MBOX_BG_STARTED << 32);
	assert_int_equal(rd(t, CXL_MBOX_BG_STATUS, 8), CXL_FMAPI_UNBIND_VPPB);
	/* a second one: Busy, on the mailbox and over MCTP alike */
	assert_int_equal(mbox(t, CXL_FMAPI_UNBIND_VPPB, (uint8_t[]){0, 1, 2}, 3, a, &la), CXL_MBOX_BUSY);
	assert_int_equal(mctp(usp, CXL_FMAPI_UNBIND_VPPB, (uint8_t[]){0, 1, 2}, 3, b, &lb), CXL_MBOX_BUSY);
	/* that answer cleared Status bit 0 as QEMU's doorbell writes Status whole; the
	 * register shows the switch's operation still running */
	assert_int_equal(rd(t, CXL_MBOX_STATUS, 8), 1 | (uint64_t)CXL_MBOX_BUSY << 32);
	/* halfway: 50 %, port 3 unbinding */
	pcisim_run(&t->sim, t0 + CXL_FMAPI_BIND_TIME / 2);
	assert_int_equal(rd(t, CXL_MBOX_BG_STATUS, 8), CXL_FMAPI_UNBIND_VPPB | 50u << 16);
	assert_int_equal(rd(t, CXL_MBOX_BG_STATUS + 2, 1), 50);
	mbox(t, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){1, 3}, 2, a, &la);
	assert_int_equal(a[4 + 1], CXL_PORT_STATE_UNBIND_IN_PROGRESS);
	/* done: bit 0 clear, 100 %, return code Success; the vPPB unbound */
	pcisim_run(&t->sim, t0 + CXL_FMAPI_BIND_TIME);
	assert_int_equal(rd(t, CXL_MBOX_STATUS, 8) & 1, 0);
	assert_int_equal(rd(t, CXL_MBOX_BG_STATUS, 8), CXL_FMAPI_UNBIND_VPPB | 100u << 16);
	assert_int_equal(mbox(t, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){1, 3}, 2, a, &la), CXL_MBOX_SUCCESS);
	assert_int_equal(mctp(usp, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){1, 3}, 2, b, &lb), CXL_MBOX_SUCCESS);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	assert_int_equal(a[4 + 1], CXL_PORT_STATE_DISABLED);
	/* Background Operation Status (0x0002) says the same as the register */
	assert_int_equal(mbox(t, CXL_OP_BG_OP_STATUS, NULL, 0, a, &la), CXL_MBOX_SUCCESS);
	assert_int_equal(a[0], 100 << 1);
	assert_int_equal(a[2] | a[3] << 8, CXL_FMAPI_UNBIND_VPPB);
	/* bind it back through the mailbox */
	assert_int_equal(mbox(t, CXL_FMAPI_BIND_VPPB, (uint8_t[]){0, 2, 3, 0, 0, 0}, 6, a, &la), CXL_MBOX_BG_STARTED);
	pcisim_run(&t->sim, t->sim.now + CXL_FMAPI_BIND_TIME + PCISIM_MS);
	assert_int_equal(rd(t, CXL_MBOX_STATUS, 8) & 1, 0);
	mbox(t, CXL_FMAPI_GET_PHYS_PORT_STATE, (uint8_t[]){1, 3}, 2, a, &la);
	assert_int_equal(a[4 + 1], CXL_PORT_STATE_DSP);
	assert_int_equal(a[4 + 4], CXL_PORT_DEV_T3_SLD);
	tb_free(t);
}

/* Refused where QEMU has no such device; present from 8.2. */
static void versions(void **state)
{
	(void)state;
	static const char *const refused[] = {"7.2", "8.1"};
	for (size_t i = 0; i < 2; i++) {
		char text[1024];
		snprintf(text, sizeof(text),
			 "version: 1\nname: t\nmachine: {type: q35, qemu: \"%s\", cxl: on}\ntopology:\n"
			 "  - {driver: pxb-cxl, id: cxl.1, bus: pcie.0, bus_nr: 12}\n"
			 "  - {driver: cxl-rp, id: rp0, bus: cxl.1, port: 0, chassis: 0, slot: 2}\n"
			 "  - {driver: cxl-upstream, id: us0, bus: rp0, addr: \"0.0\", multifunction: on}\n"
			 "  - {driver: cxl-switch-mailbox-cci, bus: rp0, addr: \"0.1\", target: us0}\n",
			 refused[i]);
		struct tb *t = tb_text(text);
		assert_int_not_equal(t->rc, 0);
		assert_non_null(strstr(t->err, "t.yaml:8:5: error: 'cxl-switch-mailbox-cci' is not a valid device "
						"model name in the emulated QEMU (QEMU 8.2 added it)"));
		tb_free(t);
	}
	struct tb *t = switch_with_cci("8.2");
	assign_bar0(tb_fn(t, "swcci0"));
	assert_int_equal(rd(t, CXL_DEV_CAP_ARRAY, 8), 0x300010000ull);
	tb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registers_at_reset),
		cmocka_unit_test(same_answers_mailbox_and_mctp),
		cmocka_unit_test(unbind_in_the_background),
		cmocka_unit_test(versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
