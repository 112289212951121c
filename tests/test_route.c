/*
 * Routed configuration requests (sim/pcie/route.c): a read through a switch
 * (root port -> x3130-upstream -> xio3130-downstream -> endpoint) completes after
 * exactly the latency of its four link crossings; absent functions, buses nobody
 * routes and unpowered slots complete as Unsupported Request with all ones; writes
 * take effect when they arrive; a link that is down stops requests at its port; an
 * instant access (pcisim_cfg_access_now()) meets the same rule at once, and a path's
 * latencies add up to the routed round trip.
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
#include "sim/host/cfg.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/link.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/route.h"
#include "replay/register.h"

#include "testbench.h"

#define NS PCISIM_NS
#define MS PCISIM_MS

/* ---- completions ---- */

struct got {
	unsigned n;
	struct pcisim_cfg_cpl cpl[8];
};

static void on_cpl(struct pcisim_sim *sim, const struct pcisim_cfg_cpl *cpl, void *ctx)
{
	struct got *g = ctx;
	assert_int_equal(cpl->completed, sim->now);
	if (g->n < 8)
		g->cpl[g->n] = *cpl;
	g->n++;
}

/* Issue at the current time, run until it completes, return the completion. */
static struct pcisim_cfg_cpl request(struct tb *t, const struct pcisim_pcifn *target, uint8_t devfn,
				     uint16_t off, unsigned len, bool write, uint32_t val)
{
	struct got g = {0};
	uint8_t bus = target ? target->bus->number : 0;
	int64_t tag = pcisim_cfg_request(&t->sim, NULL, bus, devfn, off, len, write, val, on_cpl, &g);
	assert_true(tag > 0);
	assert_int_equal(g.n, 0); /* never from inside the call */
	pcisim_run(&t->sim, t->sim.now + 100 * MS);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.cpl[0].tag, (uint64_t)tag);
	return g.cpl[0];
}

static const char switch_topo[] =
	"  - {driver: pcie-root-port, id: rp1, bus: pcie.0, addr: \"0x3\", chassis: 1, slot: 1}\n"
	"  - {driver: x3130-upstream, id: up1, bus: rp1}\n"
	"  - {driver: xio3130-downstream, id: dn1, bus: up1, chassis: 2, slot: 1}\n"
	"  - {driver: pcisim-endpoint, id: ep1, bus: dn1, vendor-id: 0x1234, device-id: 0x5678}\n";

static void test_read_through_switch(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", switch_topo, ", link_model: spec");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1"), *up = tb_fn(t, "up1"), *rp = tb_fn(t, "rp1");
	/* Enumeration: pcie.0 = 0, below rp1 = 1, the switch's internal bus = 2, below dn1 = 3. */
	assert_int_equal(up->bus->number, 1);
	assert_int_equal(ep->bus->number, 3);
	/* Both links: rp1 (16 GT/s x32) with x3130-upstream (2.5 GT/s x1), xio3130-downstream
	 * (LNKCAP 0: 2.5 GT/s x1) with the endpoint (2.5 GT/s x1). */
	assert_int_equal(tb_port(t, "rp1")->link.speed, PCISIM_LNK_2_5GT);
	assert_int_equal(tb_port(t, "rp1")->link.width, 1);
	assert_int_equal(tb_port(t, "dn1")->link.width, 1);
	pcisim_run(&t->sim, 1 * MS);
	pcisim_time t0 = t->sim.now;
	assert_int_equal(t0, 1 * MS);

	/*
	 * Down: a 12-byte request crosses two links, 180 ns each; up: a 16-byte CplD,
	 * 196 ns each. 2 * 180 + 2 * 196 = 752 ns.
	 */
	struct pcisim_cfg_cpl c = request(t, ep, ep->devfn, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(tb_hop_2g5_x1(12), 180000);
	assert_int_equal(tb_hop_2g5_x1(16), 196000);
	assert_int_equal(c.status, PCISIM_CPL_SC);
	assert_int_equal(c.val, 0x56781234);
	assert_int_equal(c.issued, t0);
	assert_int_equal(c.completed - c.issued, 752000);
	assert_int_equal(c.links, 2);
	assert_ptr_equal(c.completer, ep);

	/* One link to the upstream port; none to the root port itself. */
	c = request(t, up, up->devfn, PCI_VENDOR_ID, 2, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_SC);
	assert_int_equal(c.val, 0x104c);
	assert_int_equal(c.completed - c.issued, tb_hop_2g5_x1(12) + tb_hop_2g5_x1(16));
	c = request(t, rp, rp->devfn, PCI_VENDOR_ID, 2, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_SC);
	assert_int_equal(c.val, 0x1b36);
	assert_int_equal(c.completed - c.issued, 0);
	assert_int_equal(c.links, 0);

	/* The host's instant access answers at once, by the same rule. */
	assert_int_equal(pcisim_host_cfg_read_instant(ep, PCI_VENDOR_ID, 4, PCISIM_INSTANT_BOOT), 0x56781234);

	/* A faster link is faster: rp1 at 8 GT/s x4 with a cxl-less endpoint is still
	 * capped by the endpoint, so check the formula on the link itself. */
	assert_int_equal(pcisim_link_tlp_latency(&tb_port(t, "dn1")->link, 12), tb_hop_2g5_x1(12));
	assert_int_equal(pcisim_cfg_in_flight(&t->sim), 0);
	tb_free(t);
}

static void test_unsupported_request(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", switch_topo, ", link_model: spec");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1");
	/* No function 0.1 on bus 3: the request goes all the way, a 12-byte UR comes back. */
	struct pcisim_cfg_cpl c = request(t, ep, 1, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_UR);
	assert_int_equal(c.val, 0xffffffff);
	assert_int_equal(c.completed - c.issued, 4 * tb_hop_2g5_x1(12));
	assert_ptr_equal(c.completer, tb_fn(t, "dn1"));
	c = request(t, ep, 1, PCI_VENDOR_ID, 2, false, 0);
	assert_int_equal(c.val, 0xffff);
	c = request(t, ep, 1, PCI_HEADER_TYPE, 1, false, 0);
	assert_int_equal(c.val, 0xff);
	/* A bus number no bridge routes: the root complex answers at once. */
	struct got g = {0};
	assert_true(pcisim_cfg_request(&t->sim, NULL, 0x50, 0, 0, 4, false, 0, on_cpl, &g) > 0);
	pcisim_run(&t->sim, t->sim.now + 1 * MS);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.cpl[0].status, PCISIM_CPL_UR);
	assert_int_equal(g.cpl[0].val, 0xffffffff);
	assert_int_equal(g.cpl[0].completed, g.cpl[0].issued);
	assert_null(g.cpl[0].completer);
	/* Absent device on the root bus. */
	c = request(t, NULL, 0x1f << 3 | 7, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_UR);
	/* A write to nothing completes UR without data. */
	c = request(t, ep, 2, PCI_COMMAND, 2, true, 0xffff);
	assert_int_equal(c.status, PCISIM_CPL_UR);
	assert_int_equal(c.val, 0);
	/* Bad requests are refused. */
	assert_true(pcisim_cfg_request(&t->sim, NULL, 0, 0, 1, 2, false, 0, NULL, NULL) < 0);
	assert_true(pcisim_cfg_request(&t->sim, NULL, 0, 0, 0, 3, false, 0, NULL, NULL) < 0);
	assert_true(pcisim_cfg_request(&t->sim, NULL, 0, 0, 4096, 4, false, 0, NULL, NULL) < 0);
	tb_free(t);
}

static void test_unpowered_slot(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", "  - {driver: pcie-root-port, id: rp1, bus: pcie.0, chassis: 1, slot: 1}\n"
			     "  - {driver: pcisim-endpoint, id: ep1, bus: rp1}\n",
			     "");
	struct pcisim_port *p = tb_port(t, "rp1");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1");
	/* Power off with the power indicator still on (QEMU keeps the device). */
	uint16_t ctl = (uint16_t)(p->exp + PCI_EXP_SLTCTL);
	uint16_t v = pcisim_cfg_get16(&p->fn.cfg, ctl);
	v = (uint16_t)((v & ~(PCI_EXP_SLTCTL_PCC | PCI_EXP_SLTCTL_PIC)) | PCI_EXP_SLTCTL_PWR_OFF |
		       PCI_EXP_SLTCTL_PWR_IND_ON);
	pcisim_fn_cfg_write(&p->fn, ctl, v, 2);
	assert_false(ep->powered);
	assert_false(ep->comp.removed);
	struct pcisim_cfg_cpl c = request(t, ep, 0, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_UR);
	assert_int_equal(c.val, 0xffffffff);
	assert_int_equal(c.completed - c.issued, 2 * tb_hop_2g5_x1(12));
	/* Power back on: the function answers. */
	v = (uint16_t)(v & ~PCI_EXP_SLTCTL_PCC);
	pcisim_fn_cfg_write(&p->fn, ctl, v, 2);
	c = request(t, ep, 0, PCI_VENDOR_ID, 2, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_SC);
	assert_int_equal(c.val, 0x1b36);
	tb_free(t);
}

static void test_write_arrives_later(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", switch_topo, ", link_model: spec");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1");
	pcisim_time t0 = t->sim.now;
	struct got g = {0};
	/* A write request carries one data DW: 16 bytes down, a 12-byte Cpl back. */
	assert_true(pcisim_cfg_request(&t->sim, NULL, 3, 0, PCI_COMMAND, 2, true, PCI_COMMAND_MEMORY,
				       on_cpl, &g) > 0);
	pcisim_run(&t->sim, t0 + 2 * tb_hop_2g5_x1(16) - 1);
	assert_false(pcisim_cfg_get16(&ep->cfg, PCI_COMMAND) & PCI_COMMAND_MEMORY);
	pcisim_run(&t->sim, t0 + 2 * tb_hop_2g5_x1(16));
	assert_true(pcisim_cfg_get16(&ep->cfg, PCI_COMMAND) & PCI_COMMAND_MEMORY);
	assert_int_equal(g.n, 0);
	pcisim_run(&t->sim, t0 + 10 * MS);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.cpl[0].status, PCISIM_CPL_SC);
	assert_int_equal(g.cpl[0].completed - t0, 2 * tb_hop_2g5_x1(16) + 2 * tb_hop_2g5_x1(12));
	/* Traced: one request and one completion record. */
	unsigned req = 0, cpl = 0;
	for (size_t i = 0; i < t->sim.trace->nrecs; i++) {
		req += !strcmp(t->sim.trace->recs[i].kind, "cfg.request");
		cpl += !strcmp(t->sim.trace->recs[i].kind, "cfg.completion");
	}
	assert_int_equal(req, 1);
	assert_int_equal(cpl, 1);
	tb_free(t);
}

static void test_link_down_stops_requests(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", switch_topo, ", link_model: spec");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1");
	struct pcisim_port *d = tb_port(t, "dn1");
	/* Link Disable on the downstream port: requests below it end there with UR. */
	uint16_t ctl = (uint16_t)(d->exp + PCI_EXP_LNKCTL);
	pcisim_fn_cfg_write(&d->fn, ctl, PCI_EXP_LNKCTL_LD, 2);
	assert_int_equal(d->link.state, PCISIM_LTSSM_DISABLED);
	struct pcisim_cfg_cpl c = request(t, ep, 0, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_UR);
	assert_ptr_equal(c.completer, &d->fn);
	assert_int_equal(c.links, 1);
	assert_int_equal(c.completed - c.issued, 2 * tb_hop_2g5_x1(12));

	/* A completion on its way back when a link goes down is lost: Completion Timeout. */
	pcisim_fn_cfg_write(&d->fn, ctl, 0, 2);
	assert_int_equal(d->link.state, PCISIM_LTSSM_L0);
	pcisim_run(&t->sim, t->sim.now + 200 * MS); /* the endpoint is ready again */
	struct got g = {0};
	pcisim_time t0 = t->sim.now;
	assert_true(pcisim_cfg_request(&t->sim, NULL, 3, 0, PCI_VENDOR_ID, 4, false, 0, on_cpl, &g) > 0);
	pcisim_run(&t->sim, t0 + 2 * tb_hop_2g5_x1(12)); /* the device answered */
	pcisim_fn_cfg_write(&d->fn, ctl, PCI_EXP_LNKCTL_LD, 2);
	pcisim_run(&t->sim, t0 + PCISIM_CFG_COMPLETION_TIMEOUT - 1);
	assert_int_equal(g.n, 0);
	pcisim_run(&t->sim, t0 + PCISIM_CFG_COMPLETION_TIMEOUT);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.cpl[0].status, PCISIM_CPL_CTO);
	assert_int_equal(g.cpl[0].val, 0xffffffff);

	/* A request on a link when it goes down is lost too. */
	pcisim_fn_cfg_write(&d->fn, ctl, 0, 2);
	struct pcisim_port *rp = tb_port(t, "rp1");
	pcisim_run(&t->sim, t->sim.now + 200 * MS);
	struct got g2 = {0};
	t0 = t->sim.now;
	assert_true(pcisim_cfg_request(&t->sim, NULL, 3, 0, PCI_VENDOR_ID, 4, false, 0, on_cpl, &g2) > 0);
	pcisim_run(&t->sim, t0 + 100 * NS); /* on rp1's link */
	pcisim_fn_cfg_write(&rp->fn, (uint16_t)(rp->exp + PCI_EXP_LNKCTL), PCI_EXP_LNKCTL_LD, 2);
	pcisim_run(&t->sim, t0 + 1 * PCISIM_S);
	assert_int_equal(g2.n, 1);
	assert_int_equal(g2.cpl[0].status, PCISIM_CPL_CTO);
	assert_int_equal(g2.cpl[0].completed, t0 + PCISIM_CFG_COMPLETION_TIMEOUT);
	assert_int_equal(pcisim_cfg_in_flight(&t->sim), 0);
	tb_free(t);
}

/*
 * pcisim_cfg_access_now(): the routed path's decisions at one moment, with no
 * latency, no events and no records; and the path by topology with its latencies.
 */
static void test_instant_access_same_rule(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", switch_topo, ", link_model: spec");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1");
	struct pcisim_port *d = tb_port(t, "dn1"), *rp = tb_port(t, "rp1");
	pcisim_run(&t->sim, 1 * MS);
	size_t recs = t->sim.trace->nrecs;
	uint64_t hash = t->sim.hash;

	struct pcisim_cfg_cpl c = pcisim_cfg_access_now(&t->sim, 3, 0, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_SC);
	assert_int_equal(c.val, 0x56781234);
	assert_int_equal(c.links, 2);
	assert_ptr_equal(c.completer, ep);
	assert_int_equal(c.completed, c.issued);
	c = pcisim_cfg_access_now(&t->sim, 3, 0, PCI_COMMAND, 2, true, PCI_COMMAND_MEMORY);
	assert_int_equal(c.status, PCISIM_CPL_SC);
	assert_true(pcisim_cfg_get16(&ep->cfg, PCI_COMMAND) & PCI_COMMAND_MEMORY);
	c = pcisim_cfg_access_now(&t->sim, 3, 1, PCI_VENDOR_ID, 2, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_UR);
	assert_int_equal(c.val, 0xffff);
	assert_ptr_equal(c.completer, &d->fn);
	c = pcisim_cfg_access_now(&t->sim, 0x50, 0, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_UR);
	assert_null(c.completer);
	c = pcisim_cfg_access_now(&t->sim, 3, 0, 1, 2, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_UR);
	assert_int_equal(c.val, 0xffffffff);
	/* Nothing traced, nothing scheduled, nothing hashed. */
	assert_int_equal(t->sim.trace->nrecs, recs);
	assert_int_equal(t->sim.hash, hash);
	assert_int_equal(pcisim_cfg_in_flight(&t->sim), 0);

	/* The path: rp1's link, then dn1's; a read's round trip is the routed one. */
	struct pcisim_route_path path;
	assert_true(pcisim_route_path_of(ep, &path));
	assert_int_equal(path.n, 2);
	assert_ptr_equal(path.link[0], &rp->link);
	assert_ptr_equal(path.link[1], &d->link);
	assert_ptr_equal(path.root_port, rp);
	assert_null(pcisim_route_path_ur_completer(&path));
	struct pcisim_cfg_cpl routed = request(t, ep, 0, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(routed.completed - routed.issued,
			 pcisim_route_path_latency(&path, PCISIM_TLP_CFG_HDR) +
				 pcisim_route_path_latency(&path, PCISIM_TLP_CFG_HDR + PCISIM_TLP_DW));

	/* A link that is down: UR from the port above it, routed or instant. */
	uint16_t ctl = (uint16_t)(d->exp + PCI_EXP_LNKCTL);
	pcisim_fn_cfg_write(&d->fn, ctl, PCI_EXP_LNKCTL_LD, 2);
	c = pcisim_cfg_access_now(&t->sim, 3, 0, PCI_VENDOR_ID, 4, false, 0);
	routed = request(t, ep, 0, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_UR);
	assert_int_equal(routed.status, PCISIM_CPL_UR);
	assert_ptr_equal(c.completer, routed.completer);
	assert_int_equal(c.links, routed.links);
	assert_ptr_equal(pcisim_route_path_ur_completer(&path), &d->fn);

	/* The link back: the endpoint, reset by the link going down, answers RRS. */
	pcisim_fn_cfg_write(&d->fn, ctl, 0, 2);
	c = pcisim_cfg_access_now(&t->sim, 3, 0, PCI_COMMAND, 2, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_RRS);
	assert_int_equal(c.val, 0xffff);
	assert_ptr_equal(c.completer, ep);
	tb_free(t);
}

static uint64_t hashed_run(void)
{
	struct tb *t = tb_ok("9.2", switch_topo, ", link_training: 1ms, link_model: spec");
	struct got g = {0};
	pcisim_run(&t->sim, 2 * MS);
	pcisim_cfg_request(&t->sim, NULL, 3, 0, PCI_VENDOR_ID, 4, false, 0, on_cpl, &g);
	pcisim_cfg_request(&t->sim, NULL, 3, 1, PCI_VENDOR_ID, 4, false, 0, on_cpl, &g);
	pcisim_run(&t->sim, 3 * MS);
	assert_int_equal(g.n, 2);
	/* Left in flight when the sim is freed: released with it. */
	pcisim_cfg_request(&t->sim, NULL, 3, 0, PCI_VENDOR_ID, 4, false, 0, on_cpl, &g);
	assert_int_equal(pcisim_cfg_in_flight(&t->sim), 1);
	uint64_t h = t->sim.hash;
	tb_free(t);
	return h;
}

static void test_deterministic(void **state)
{
	(void)state;
	uint64_t a = hashed_run(), b = hashed_run();
	assert_int_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_through_switch),
		cmocka_unit_test(test_unsupported_request),
		cmocka_unit_test(test_unpowered_slot),
		cmocka_unit_test(test_write_arrives_later),
		cmocka_unit_test(test_link_down_stops_requests),
		cmocka_unit_test(test_instant_access_same_rule),
		cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
