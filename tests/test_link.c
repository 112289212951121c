/*
 * Links (sim/pcie/link.c): the TLP latency formula, the LTSSM sequence and its times
 * with a 20 ms training time and with QEMU's instant training, the Link Status fields
 * a trained link shows, retraining, training-time options, and a partner leaving.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/link.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/field.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "replay/register.h"

#include "testbench.h"

#define NS PCISIM_NS
#define MS PCISIM_MS

static uint16_t lnksta(struct pcisim_port *p)
{
	return pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_LNKSTA));
}

/* The @n-th (from 0) "link.ltssm" record of @comp, or NULL. */
static const struct pcisim_record *ltssm_rec(struct tb *t, const char *comp, unsigned n)
{
	for (size_t i = 0; i < t->sim.trace->nrecs; i++) {
		const struct pcisim_record *r = &t->sim.trace->recs[i];
		if (!strcmp(r->kind, "link.ltssm") && r->comp_path && strstr(r->comp_path, comp) &&
		    !strcmp(strrchr(r->comp_path, '/') ? strrchr(r->comp_path, '/') + 1 : r->comp_path, comp) &&
		    n-- == 0)
			return r;
	}
	return NULL;
}

static unsigned count_ltssm(struct tb *t, const char *comp)
{
	unsigned n = 0;
	while (ltssm_rec(t, comp, n))
		n++;
	return n;
}

static void expect_transition(struct tb *t, const char *comp, unsigned n, const char *from,
			      const char *to, pcisim_time at)
{
	const struct pcisim_record *r = ltssm_rec(t, comp, n);
	if (!r)
		fail_msg("%s: no LTSSM transition #%u", comp, n);
	assert_string_equal(tb_field(r, "from"), from);
	assert_string_equal(tb_field(r, "to"), to);
	assert_int_equal(r->t, at);
}

/* ---- the TLP latency formula ---- */

static void test_serialization_values(void **state)
{
	(void)state;
	/* 2.5 GT/s, 8b/10b: 10 bits of 400 ps per byte on a lane = 4 ns. */
	assert_int_equal(pcisim_link_serialize_ps(PCISIM_LNK_2_5GT, 1, 20), 80000);
	assert_int_equal(pcisim_link_serialize_ps(PCISIM_LNK_2_5GT, 1, 1), 4000);
	/* 5 GT/s: 2 ns a byte. */
	assert_int_equal(pcisim_link_serialize_ps(PCISIM_LNK_5GT, 1, 20), 40000);
	/* 8 GT/s, 128b/130b: 8 * 130/128 bits of 125 ps = 1015.625 ps a byte, rounded up. */
	assert_int_equal(pcisim_link_serialize_ps(PCISIM_LNK_8GT, 1, 20), 20313);
	assert_int_equal(pcisim_link_serialize_ps(PCISIM_LNK_8GT, 1, 128), 130000);
	/* 16 GT/s x4: 20 bytes are 5 byte times of 507.8125 ps. */
	assert_int_equal(pcisim_link_serialize_ps(PCISIM_LNK_16GT, 4, 20), 2540);
	/* 32 GT/s x16: 24 bytes are 2 byte times (the second partly padded) of 253.90625 ps. */
	assert_int_equal(pcisim_link_serialize_ps(PCISIM_LNK_32GT, 16, 24), 508);
	/* Lanes: x2 takes ceil(21 / 2) = 11 byte times; x12 ceil(20 / 12) = 2. */
	assert_int_equal(pcisim_link_serialize_ps(PCISIM_LNK_2_5GT, 2, 21), 44000);
	assert_int_equal(pcisim_link_serialize_ps(PCISIM_LNK_5GT, 12, 20), 4000);
	/* Unset fields count as 2.5 GT/s x1. */
	assert_int_equal(pcisim_link_serialize_ps(0, 0, 20), 80000);
	/* 64 GT/s (flit mode, counted without encoding overhead): 125 ps a byte on x1. */
	assert_int_equal(pcisim_link_serialize_ps(PCISIM_LNK_64GT, 1, 8), 1000);
}

static void test_tlp_latency(void **state)
{
	(void)state;
	struct pcisim_link l = {.speed = PCISIM_LNK_8GT, .width = 4, .hop_fixed = PCISIM_LINK_HOP_FIXED};
	/* A CplD (3-DW header + 1 DW) is 16 bytes, 24 with framing: 6 byte times on x4. */
	assert_int_equal(pcisim_link_tlp_latency(&l, 16), 6094 + 100 * NS);
	l.speed = PCISIM_LNK_2_5GT;
	l.width = 1;
	/* A configuration read request (12 bytes) at 2.5 GT/s x1: 20 * 4 ns + 100 ns. */
	assert_int_equal(pcisim_link_tlp_latency(&l, 12), 180 * NS);
	assert_int_equal(PCISIM_LINK_FRAMING_BYTES, 8);
	assert_int_equal(PCISIM_LINK_HOP_FIXED, 100 * NS);
}

/* ---- the LTSSM ---- */

static const char rp_ep[] =
	"  - {driver: pcie-root-port, id: rp1, bus: pcie.0, addr: \"0x3\", chassis: 1, slot: 1}\n"
	"  - {driver: pcisim-endpoint, id: ep1, bus: rp1}\n";

static void test_ltssm_20ms(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", rp_ep, ", link_training: 20ms, link_model: spec");
	struct pcisim_port *p = tb_port(t, "rp1");
	assert_int_equal(p->link.training, 20 * MS);
	/* Training starts at power-on (time 0): Detect 5 ms, Polling 10 ms, Configuration 5 ms. */
	assert_int_equal(p->link.state, PCISIM_LTSSM_DETECT);
	assert_false(lnksta(p) & PCI_EXP_LNKSTA_DLLLA);
	pcisim_run(&t->sim, 5 * MS - 1);
	assert_int_equal(p->link.state, PCISIM_LTSSM_DETECT);
	pcisim_run(&t->sim, 10 * MS);
	assert_int_equal(p->link.state, PCISIM_LTSSM_POLLING);
	assert_false(lnksta(p) & PCI_EXP_LNKSTA_LT);
	pcisim_run(&t->sim, 16 * MS);
	assert_int_equal(p->link.state, PCISIM_LTSSM_CONFIG);
	assert_true(lnksta(p) & PCI_EXP_LNKSTA_LT);
	assert_false(lnksta(p) & PCI_EXP_LNKSTA_DLLLA);
	assert_false(pcisim_link_is_up(&p->link));
	pcisim_run(&t->sim, 100 * MS);
	assert_int_equal(p->link.state, PCISIM_LTSSM_L0);
	assert_false(lnksta(p) & PCI_EXP_LNKSTA_LT);
	assert_true(lnksta(p) & PCI_EXP_LNKSTA_DLLLA);
	assert_int_equal(p->link.up_at, 20 * MS);

	assert_int_equal(count_ltssm(t, "rp1"), 3);
	expect_transition(t, "rp1", 0, "Detect", "Polling", 5 * MS);
	expect_transition(t, "rp1", 1, "Polling", "Configuration", 15 * MS);
	expect_transition(t, "rp1", 2, "Configuration", "L0", 20 * MS);
	assert_string_equal(tb_field(ltssm_rec(t, "rp1", 0), "why"), "receiver detected");

	/* Retrain Link: L0 -> Recovery (LT) -> L0 after the Configuration share, 5 ms. */
	pcisim_time t0 = t->sim.now;
	uint16_t ctl = (uint16_t)(p->exp + PCI_EXP_LNKCTL);
	pcisim_fn_cfg_write(&p->fn, ctl, pcisim_cfg_get16(&p->fn.cfg, ctl) | PCI_EXP_LNKCTL_RL, 2);
	assert_false(pcisim_cfg_get16(&p->fn.cfg, ctl) & PCI_EXP_LNKCTL_RL); /* reads 0 */
	assert_int_equal(p->link.state, PCISIM_LTSSM_RECOVERY);
	assert_true(lnksta(p) & PCI_EXP_LNKSTA_LT);
	assert_true(lnksta(p) & PCI_EXP_LNKSTA_DLLLA); /* the DLL stays up in Recovery */
	pcisim_run(&t->sim, t0 + 5 * MS);
	assert_int_equal(p->link.state, PCISIM_LTSSM_L0);
	assert_false(lnksta(p) & PCI_EXP_LNKSTA_LT);
	expect_transition(t, "rp1", 3, "L0", "Recovery", t0);
	expect_transition(t, "rp1", 4, "Recovery", "L0", t0 + 5 * MS);
	assert_int_equal(count_ltssm(t, "rp1"), 5);
	tb_free(t);
}

static void test_ltssm_instant(void **state)
{
	(void)state;
	/* Default: QEMU's instant training, the whole sequence at time 0, no events. */
	struct tb *t = tb_ok("9.2", rp_ep, ", link_model: spec");
	struct pcisim_port *p = tb_port(t, "rp1");
	assert_int_equal(p->link.training, 0);
	assert_int_equal(p->link.state, PCISIM_LTSSM_L0);
	assert_true(lnksta(p) & PCI_EXP_LNKSTA_DLLLA);
	assert_int_equal(count_ltssm(t, "rp1"), 3);
	expect_transition(t, "rp1", 0, "Detect", "Polling", 0);
	expect_transition(t, "rp1", 1, "Polling", "Configuration", 0);
	expect_transition(t, "rp1", 2, "Configuration", "L0", 0);
	assert_false(pcisim_pending(&t->sim, p->link.timer));
	/* Retrain completes inside the write. */
	uint16_t ctl = (uint16_t)(p->exp + PCI_EXP_LNKCTL);
	pcisim_fn_cfg_write(&p->fn, ctl, PCI_EXP_LNKCTL_RL, 2);
	assert_int_equal(p->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(count_ltssm(t, "rp1"), 5);
	tb_free(t);
}

static void test_training_options(void **state)
{
	(void)state;
	/* A port's own link_training beats the machine's; "qemu" is instant. */
	struct tb *t = tb_ok("9.2", "  - {driver: pcie-root-port, id: rp1, bus: pcie.0, chassis: 1, slot: 1, link_training: 4ms}\n"
			     "  - {driver: pcie-root-port, id: rp2, bus: pcie.0, chassis: 1, slot: 2, link_training: qemu}\n"
			     "  - {driver: pcie-root-port, id: rp3, bus: pcie.0, chassis: 1, slot: 3}\n"
			     "  - {driver: pcisim-endpoint, id: ep1, bus: rp1}\n"
			     "  - {driver: pcisim-endpoint, id: ep2, bus: rp2}\n"
			     "  - {driver: pcisim-endpoint, id: ep3, bus: rp3}\n",
			     ", link_training: 8ms");
	assert_int_equal(tb_port(t, "rp1")->link.training, 4 * MS);
	assert_int_equal(tb_port(t, "rp2")->link.training, 0);
	assert_int_equal(tb_port(t, "rp3")->link.training, 8 * MS);
	assert_int_equal(tb_port(t, "rp2")->link.state, PCISIM_LTSSM_L0);
	pcisim_run(&t->sim, 4 * MS);
	assert_int_equal(tb_port(t, "rp1")->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(tb_port(t, "rp3")->link.state, PCISIM_LTSSM_POLLING);
	pcisim_run(&t->sim, 8 * MS);
	assert_int_equal(tb_port(t, "rp3")->link.state, PCISIM_LTSSM_L0);
	/* Training times are durations: the T/4, T/2 split keeps whole picoseconds. */
	expect_transition(t, "rp1", 0, "Detect", "Polling", 1 * MS);
	expect_transition(t, "rp1", 1, "Polling", "Configuration", 3 * MS);
	tb_free(t);

	/* Bad values are located errors. */
	t = tb_new("9.2", "  - {driver: pcie-root-port, id: rp1, bus: pcie.0, link_training: soon}\n", "");
	assert_int_not_equal(t->rc, 0);
	assert_non_null(strstr(t->err, "t.yaml:5:"));
	assert_non_null(strstr(t->err, "'link_training': 'soon' is not a duration"));
	tb_free(t);
	t = tb_new("9.2", "  - {driver: pcisim-endpoint, id: ep1, bus: pcie.0, link_training: 1ms}\n", "");
	assert_int_not_equal(t->rc, 0);
	assert_non_null(strstr(t->err, "'link_training' applies to root and downstream ports"));
	tb_free(t);
	t = tb_new("9.2", "  - {driver: pcie-root-port, id: rp1, bus: pcie.0}\n", ", link_training: fast");
	assert_int_not_equal(t->rc, 0);
	assert_non_null(strstr(t->err, "t.yaml:3:"));
	assert_non_null(strstr(t->err, "link_training"));
	tb_free(t);
}

/* ---- Link Status ---- */

static void test_link_status_fields(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", "  - {driver: pcie-root-port, id: rp1, bus: pcie.0, chassis: 1, slot: 1, x-speed: \"8\", x-width: \"4\"}\n"
			     "  - {driver: pcisim-endpoint, id: ep1, bus: rp1}\n"
			     "  - {driver: pcie-root-port, id: rp2, bus: pcie.0, chassis: 1, slot: 2, x-speed: \"8\", x-width: \"4\"}\n"
			     "  - {driver: pcie-root-port, id: rp3, bus: pcie.0, chassis: 1, slot: 3}\n"
			     "  - {driver: x3130-upstream, id: up3, bus: rp3}\n"
			     "  - {driver: xio3130-downstream, id: dn3, bus: up3, chassis: 3, slot: 1}\n"
			     "  - {driver: pcisim-endpoint, id: ep3, bus: dn3}\n",
			     ", link_training: 20ms, link_model: spec");
	/* rp1: 8 GT/s x4 against an endpoint that offers 2.5 GT/s x1 (QEMU's default). */
	struct pcisim_port *p1 = tb_port(t, "rp1"), *p2 = tb_port(t, "rp2"), *p3 = tb_port(t, "rp3");
	struct pcisim_port *d3 = tb_port(t, "dn3");
	/* Before training: the port's own maximum (QEMU with nothing below). */
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKSTA_CLS, lnksta(p2)), PCISIM_LNK_8GT);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKSTA_NLW, lnksta(p2)), 4);
	pcisim_run(&t->sim, 30 * MS);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKSTA_CLS, lnksta(p1)), PCISIM_LNK_2_5GT);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKSTA_NLW, lnksta(p1)), 1);
	assert_int_equal(p1->link.speed, PCISIM_LNK_2_5GT);
	assert_int_equal(p1->link.width, 1);
	assert_true(lnksta(p1) & PCI_EXP_LNKSTA_DLLLA);
	assert_false(lnksta(p1) & PCI_EXP_LNKSTA_LT);
	/* An empty port never trains and keeps showing its maximum. */
	assert_int_equal(p2->link.state, PCISIM_LTSSM_DETECT);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKSTA_CLS, lnksta(p2)), PCISIM_LNK_8GT);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKSTA_NLW, lnksta(p2)), 4);
	assert_false(lnksta(p2) & PCI_EXP_LNKSTA_DLLLA);
	/* rp3 (16 GT/s x32 by default) and its switch; xio3130-downstream has LNKCAP 0,
	 * which counts as 2.5 GT/s x1. Both links trained in parallel from power-on. */
	assert_int_equal(p3->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(d3->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(p3->link.up_at, 20 * MS);
	assert_int_equal(d3->link.up_at, 20 * MS);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKSTA_CLS, lnksta(p3)), PCISIM_LNK_2_5GT);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKSTA_NLW, lnksta(d3)), 1);
	/* link.status records name the negotiated values. */
	bool seen = false;
	for (size_t i = 0; i < t->sim.trace->nrecs; i++) {
		const struct pcisim_record *r = &t->sim.trace->recs[i];
		if (!strcmp(r->kind, "link.status") && strstr(r->comp_path, "rp1")) {
			assert_string_equal(tb_field(r, "speed"), "2.5GT/s");
			assert_string_equal(tb_field(r, "width"), "1");
			assert_int_equal(r->t, 20 * MS);
			seen = true;
		}
	}
	assert_true(seen);
	tb_free(t);
}

static void test_hotplug_and_removal(void **state)
{
	(void)state;
	/* A hot-added device trains; when it leaves, the link drops to Detect. */
	struct tb *t = tb_ok("9.2", "  - {driver: pcie-root-port, id: rp1, bus: pcie.0, chassis: 1, slot: 1}\n",
			     ", link_training: 20ms, link_model: spec");
	struct pcisim_port *p = tb_port(t, "rp1");
	pcisim_run(&t->sim, 1 * MS);
	assert_int_equal(p->link.state, PCISIM_LTSSM_DETECT);
	struct pcisim_props props = {.driver = "pcisim-endpoint"};
	struct pcisim_prop pv[] = {{.name = "id", .value = "ep1"}, {.name = "bus", .value = "rp1"}};
	props.v = pv;
	props.n = 2;
	struct pcisim_pcifn *ep = NULL;
	assert_int_equal(pcisim_device_create(pcisim_fabric_get(&t->sim), &props, true, &ep, &t->diag), 0);
	/* QEMU's slot set DLLLA at plug; the link says it is not up yet. */
	assert_false(lnksta(p) & PCI_EXP_LNKSTA_DLLLA);
	pcisim_run(&t->sim, 21 * MS);
	assert_int_equal(p->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(p->link.up_at, 21 * MS);
	assert_true(lnksta(p) & PCI_EXP_LNKSTA_DLLLA);
	pcisim_device_destroy(pcisim_fabric_get(&t->sim), ep);
	assert_int_equal(p->link.state, PCISIM_LTSSM_DETECT);
	assert_false(lnksta(p) & PCI_EXP_LNKSTA_DLLLA);
	assert_false(pcisim_link_is_up(&p->link));
	const struct pcisim_record *r = ltssm_rec(t, "rp1", 3);
	assert_non_null(r);
	assert_string_equal(tb_field(r, "why"), "partner removed");
	tb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serialization_values),
		cmocka_unit_test(test_tlp_latency),
		cmocka_unit_test(test_ltssm_20ms),
		cmocka_unit_test(test_ltssm_instant),
		cmocka_unit_test(test_training_options),
		cmocka_unit_test(test_link_status_fields),
		cmocka_unit_test(test_hotplug_and_removal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
