/*
 * Resets (sim/pcie/reset.c): Function Level Reset answers Configuration Request Retry
 * Status for 100 ms and then succeeds; Secondary Bus Reset resets every function below
 * (all functions of a multi-function device) but keeps their sticky bits, propagates
 * through a switch and retrains the links; Link Disable drops DLLLA (and raises DLLSC
 * where enabled); a fundamental reset clears sticky bits too.
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
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/reset.h"
#include "sim/pcie/route.h"
#include "replay/register.h"

#include "testbench.h"

#define NS PCISIM_NS
#define MS PCISIM_MS

/* ---- helpers ---- */

struct got {
	unsigned n;
	struct pcisim_cfg_cpl cpl;
};

static void on_cpl(struct pcisim_sim *sim, const struct pcisim_cfg_cpl *cpl, void *ctx)
{
	(void)sim;
	struct got *g = ctx;
	g->cpl = *cpl;
	g->n++;
}

/* Run to @at, issue a routed request to @f there, run until it completes. */
static struct pcisim_cfg_cpl request_at(struct tb *t, pcisim_time at, const struct pcisim_pcifn *f,
					uint16_t off, unsigned len, bool write, uint32_t val)
{
	pcisim_run(&t->sim, at);
	assert_int_equal(t->sim.now, at);
	struct got g = {0};
	assert_true(pcisim_cfg_request(&t->sim, NULL, f->bus->number, f->devfn, off, len, write, val,
				       on_cpl, &g) > 0);
	while (!g.n && pcisim_step(&t->sim, PCISIM_TIME_MAX))
		;
	assert_int_equal(g.n, 1);
	return g.cpl;
}

static unsigned count_resets(struct tb *t, const char *comp, const char *kind)
{
	unsigned n = 0;
	for (size_t i = 0; i < t->sim.trace->nrecs; i++) {
		const struct pcisim_record *r = &t->sim.trace->recs[i];
		if (strcmp(r->kind, "pci.reset") || !r->comp_path)
			continue;
		const char *last = strrchr(r->comp_path, '/');
		if (strcmp(last ? last + 1 : r->comp_path, comp))
			continue;
		if (!strcmp(r->fields[0].s, kind))
			n++;
	}
	return n;
}

static uint16_t exp_of(struct pcisim_pcifn *f)
{
	uint16_t exp = pcisim_cfg_find_cap(&f->cfg, PCI_CAP_ID_EXP);
	assert_int_not_equal(exp, 0);
	return exp;
}

static uint16_t aer_of(struct pcisim_pcifn *f)
{
	uint16_t aer = pcisim_cfg_find_ext_cap(&f->cfg, PCI_EXT_CAP_ID_ERR);
	assert_int_not_equal(aer, 0);
	return aer;
}

#define SEVER_CUSTOM (PCISIM_ERR_UNC_SEVERITY_DEFAULT ^ PCI_ERR_UNC_POISON_TLP)
#define CMASK_CUSTOM (PCISIM_ERR_COR_MASK_DEFAULT | PCI_ERR_COR_BAD_TLP)

/* Give @f state a reset clears (Command) and sticky state (AER) a warm reset keeps. */
static void dirty(struct pcisim_pcifn *f)
{
	uint16_t aer = aer_of(f);
	pcisim_fn_cfg_write(f, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	pcisim_fn_cfg_write(f, (uint16_t)(aer + PCI_ERR_UNCOR_SEVER), SEVER_CUSTOM, 4);
	pcisim_fn_cfg_write(f, (uint16_t)(aer + PCI_ERR_COR_MASK), CMASK_CUSTOM, 4);
	/* Hardware-set: an error status (RW1CS) and the header log (ROS). */
	pcisim_cfg_setbits(&f->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS), 4, PCI_ERR_UNC_POISON_TLP);
	pcisim_cfg_set(&f->cfg, (uint16_t)(aer + PCI_ERR_HEADER_LOG), 0x4a000001, 4);
	assert_int_equal(pcisim_cfg_get16(&f->cfg, PCI_COMMAND), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(pcisim_cfg_get32(&f->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_SEVER)), SEVER_CUSTOM);
	assert_int_equal(pcisim_cfg_get32(&f->cfg, (uint16_t)(aer + PCI_ERR_COR_MASK)), CMASK_CUSTOM);
}

static void expect_sticky_kept(struct pcisim_pcifn *f)
{
	uint16_t aer = aer_of(f);
	assert_int_equal(pcisim_cfg_get16(&f->cfg, PCI_COMMAND), 0);
	assert_int_equal(pcisim_cfg_get32(&f->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_SEVER)), SEVER_CUSTOM);
	assert_int_equal(pcisim_cfg_get32(&f->cfg, (uint16_t)(aer + PCI_ERR_COR_MASK)), CMASK_CUSTOM);
	assert_int_equal(pcisim_cfg_get32(&f->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS)),
			 PCI_ERR_UNC_POISON_TLP);
	assert_int_equal(pcisim_cfg_get32(&f->cfg, (uint16_t)(aer + PCI_ERR_HEADER_LOG)), 0x4a000001);
}

static void expect_sticky_cleared(struct pcisim_pcifn *f)
{
	uint16_t aer = aer_of(f);
	assert_int_equal(pcisim_cfg_get16(&f->cfg, PCI_COMMAND), 0);
	assert_int_equal(pcisim_cfg_get32(&f->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_SEVER)),
			 PCISIM_ERR_UNC_SEVERITY_DEFAULT);
	assert_int_equal(pcisim_cfg_get32(&f->cfg, (uint16_t)(aer + PCI_ERR_COR_MASK)),
			 PCISIM_ERR_COR_MASK_DEFAULT);
	assert_int_equal(pcisim_cfg_get32(&f->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS)), 0);
	assert_int_equal(pcisim_cfg_get32(&f->cfg, (uint16_t)(aer + PCI_ERR_HEADER_LOG)), 0);
}

static void bctl_write(struct pcisim_pcifn *f, uint16_t set, uint16_t clear)
{
	uint16_t v = pcisim_cfg_get16(&f->cfg, PCI_BRIDGE_CONTROL);
	pcisim_fn_cfg_write(f, PCI_BRIDGE_CONTROL, (uint16_t)((v | set) & ~clear), 2);
}

static const char rp_ep[] =
	"  - {driver: pcie-root-port, id: rp1, bus: pcie.0, addr: \"0x3\", chassis: 1, slot: 1}\n"
	"  - {driver: pcisim-endpoint, id: ep1, bus: rp1, addr: \"0.0\", multifunction: on}\n"
	"  - {driver: pcisim-endpoint, id: ep2, bus: rp1, addr: \"0.1\"}\n";

/* ---- FLR ---- */

static void test_flr_rrs_then_ready(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", rp_ep, ", link_model: spec");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1"), *ep2 = tb_fn(t, "ep2");
	uint16_t exp = exp_of(ep);
	assert_true(pcisim_cfg_get32(&ep->cfg, (uint16_t)(exp + PCI_EXP_DEVCAP)) & PCI_EXP_DEVCAP_FLR);
	dirty(ep);
	dirty(ep2);
	/* Initiate FLR by a routed write: it arrives after one 16-byte crossing. */
	pcisim_time t0 = 1 * MS;
	struct pcisim_cfg_cpl c = request_at(t, t0, ep, (uint16_t)(exp + PCI_EXP_DEVCTL), 2, true,
					     PCI_EXP_DEVCTL_BCR_FLR);
	assert_int_equal(c.status, PCISIM_CPL_SC);
	pcisim_time flr = t0 + tb_hop_2g5_x1(16);
	pcisim_time ready = flr + 100 * MS;
	assert_int_equal(ep->ready_at, ready);
	assert_int_equal(count_resets(t, "ep1", "flr"), 1);
	assert_int_equal(count_resets(t, "ep2", "flr"), 0); /* FLR is one function's */
	expect_sticky_kept(ep);
	assert_int_equal(pcisim_cfg_get16(&ep2->cfg, PCI_COMMAND), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* Initiate FLR reads 0. */
	assert_false(pcisim_cfg_get16(&ep->cfg, (uint16_t)(exp + PCI_EXP_DEVCTL)) & PCI_EXP_DEVCTL_BCR_FLR);

	/* While in reset: RRS, all ones; arriving one picosecond early is still too early. */
	c = request_at(t, flr + 10 * MS, ep, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_RRS);
	assert_int_equal(c.val, 0xffffffff);
	assert_int_equal(c.completed - c.issued, 2 * tb_hop_2g5_x1(12)); /* a Cpl without data back */
	assert_ptr_equal(c.completer, ep);
	/* A write in reset is not done. */
	c = request_at(t, flr + 20 * MS, ep, PCI_COMMAND, 2, true, PCI_COMMAND_MEMORY);
	assert_int_equal(c.status, PCISIM_CPL_RRS);
	assert_int_equal(pcisim_cfg_get16(&ep->cfg, PCI_COMMAND), 0);
	/* The other function answers throughout. */
	c = request_at(t, flr + 30 * MS, ep2, PCI_VENDOR_ID, 2, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_SC);

	/* CRS Software Visibility (Root Control; set by hand, QEMU keeps it read-only):
	 * a Vendor ID read completes 0001h. */
	struct pcisim_port *rp = tb_port(t, "rp1");
	pcisim_cfg_setbits(&rp->fn.cfg, (uint16_t)(rp->exp + PCI_EXP_RTCTL), 2, PCI_EXP_RTCTL_CRSSVE);
	c = request_at(t, flr + 40 * MS, ep, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_RRS);
	assert_int_equal(c.val, 0xffff0001);
	c = request_at(t, flr + 41 * MS, ep, PCI_COMMAND, 2, false, 0);
	assert_int_equal(c.val, 0xffff); /* only the Vendor ID */

	/* Two reads in flight: one arrives a picosecond before the function is ready (RRS),
	 * the other exactly 100 ms after the FLR (success). */
	struct got early = {0}, on_time = {0};
	pcisim_run(&t->sim, ready - tb_hop_2g5_x1(12) - 1);
	assert_true(pcisim_cfg_request(&t->sim, NULL, ep->bus->number, ep->devfn, PCI_DEVICE_ID, 2, false,
				       0, on_cpl, &early) > 0);
	pcisim_run(&t->sim, ready - tb_hop_2g5_x1(12));
	assert_true(pcisim_cfg_request(&t->sim, NULL, ep->bus->number, ep->devfn, PCI_VENDOR_ID, 2, false,
				       0, on_cpl, &on_time) > 0);
	pcisim_run(&t->sim, ready + 1 * MS);
	assert_int_equal(early.n, 1);
	assert_int_equal(early.cpl.status, PCISIM_CPL_RRS);
	assert_int_equal(on_time.n, 1);
	assert_int_equal(on_time.cpl.status, PCISIM_CPL_SC);
	assert_int_equal(on_time.cpl.val, 0x1b36);
	assert_int_equal(on_time.cpl.completed, ready + tb_hop_2g5_x1(16));
	tb_free(t);
}

/* ---- Secondary Bus Reset ---- */

static void test_sbr_resets_children_keeps_sticky(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", rp_ep, ", link_model: spec");
	struct pcisim_port *rp = tb_port(t, "rp1");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1"), *ep2 = tb_fn(t, "ep2");
	dirty(ep);
	dirty(ep2);
	pcisim_run(&t->sim, 1 * MS);
	bctl_write(&rp->fn, PCI_BRIDGE_CTL_BUS_RESET, 0);
	/* Both functions of the device were reset (warm); sticky bits kept. */
	assert_int_equal(count_resets(t, "ep1", "warm"), 1);
	assert_int_equal(count_resets(t, "ep2", "warm"), 1);
	assert_int_equal(count_resets(t, "rp1", "warm"), 0); /* not the bridge itself */
	expect_sticky_kept(ep);
	expect_sticky_kept(ep2);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_HOTRESET);
	assert_false(pcisim_cfg_get16(&rp->fn.cfg, (uint16_t)(rp->exp + PCI_EXP_LNKSTA)) & PCI_EXP_LNKSTA_DLLLA);
	/* While the reset is held the port answers UR for the bus below. */
	struct pcisim_cfg_cpl c = request_at(t, 2 * MS, ep, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_UR);
	assert_ptr_equal(c.completer, &rp->fn);
	assert_int_equal(c.completed, c.issued);
	/* Clear: the (instant) link retrains at once; the device is ready 100 ms later. */
	pcisim_run(&t->sim, 3 * MS);
	bctl_write(&rp->fn, 0, PCI_BRIDGE_CTL_BUS_RESET);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_L0);
	assert_true(pcisim_cfg_get16(&rp->fn.cfg, (uint16_t)(rp->exp + PCI_EXP_LNKSTA)) & PCI_EXP_LNKSTA_DLLLA);
	assert_int_equal(ep->ready_at, 3 * MS + 100 * MS);
	assert_int_equal(ep2->ready_at, 3 * MS + 100 * MS);
	c = request_at(t, 50 * MS, ep, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_RRS);
	c = request_at(t, 103 * MS, ep2, PCI_VENDOR_ID, 2, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_SC);
	tb_free(t);
}

static void test_sbr_timed_link(void **state)
{
	(void)state;
	/* With a 20 ms training time: Hot Reset lasts at least 2 ms, then 20 ms of training. */
	struct tb *t = tb_ok("9.2", rp_ep, ", link_training: 20ms, link_model: spec");
	struct pcisim_port *rp = tb_port(t, "rp1");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1");
	pcisim_run(&t->sim, 100 * MS);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_L0);
	bctl_write(&rp->fn, PCI_BRIDGE_CTL_BUS_RESET, 0);
	pcisim_run(&t->sim, 101 * MS);
	bctl_write(&rp->fn, 0, PCI_BRIDGE_CTL_BUS_RESET); /* held only 1 ms */
	assert_int_equal(rp->link.state, PCISIM_LTSSM_HOTRESET);
	pcisim_run(&t->sim, 102 * MS);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_DETECT);
	pcisim_run(&t->sim, 122 * MS - 1);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_CONFIG);
	pcisim_run(&t->sim, 122 * MS);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(rp->link.up_at, 122 * MS);
	assert_int_equal(ep->ready_at, 222 * MS);
	tb_free(t);
}

static const char switch_topo[] =
	"  - {driver: pcie-root-port, id: rp1, bus: pcie.0, addr: \"0x3\", chassis: 1, slot: 1}\n"
	"  - {driver: x3130-upstream, id: up1, bus: rp1}\n"
	"  - {driver: xio3130-downstream, id: dn1, bus: up1, chassis: 2, slot: 1}\n"
	"  - {driver: pcisim-endpoint, id: ep1, bus: dn1}\n";

static void test_hot_reset_through_switch(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", switch_topo, ", link_model: spec");
	struct pcisim_port *rp = tb_port(t, "rp1"), *dn = tb_port(t, "dn1");
	struct pcisim_pcifn *up = tb_fn(t, "up1"), *ep = tb_fn(t, "ep1");
	dirty(ep);
	pcisim_run(&t->sim, 1 * MS);
	bctl_write(&rp->fn, PCI_BRIDGE_CTL_BUS_RESET, 0);
	/* The switch and everything below it: reset, the downstream link in Hot Reset. */
	assert_int_equal(count_resets(t, "up1", "warm"), 1);
	assert_int_equal(count_resets(t, "dn1", "warm"), 1);
	assert_int_equal(count_resets(t, "ep1", "warm"), 1);
	expect_sticky_kept(ep);
	assert_int_equal(dn->link.state, PCISIM_LTSSM_HOTRESET);
	assert_true(dn->link.hold & PCISIM_LINK_HOLD_PARENT);
	/* A hot reset clears the switch's bus numbers (RW, not sticky), as QEMU's bridge reset. */
	assert_int_equal(pcisim_cfg_get8(&up->cfg, PCI_SECONDARY_BUS), 0);
	bctl_write(&rp->fn, 0, PCI_BRIDGE_CTL_BUS_RESET);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(dn->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(ep->ready_at, 1 * MS + 100 * MS);
	assert_int_equal(up->ready_at, 1 * MS + 100 * MS);
	/* Until software numbers the buses again the endpoint cannot be reached. */
	struct pcisim_cfg_cpl c = request_at(t, 150 * MS, ep, PCI_VENDOR_ID, 2, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_UR);
	assert_ptr_equal(c.completer, &rp->fn);
	pcisim_fn_cfg_write(up, PCI_PRIMARY_BUS, 0x030201, 4);
	pcisim_fn_cfg_write(&dn->fn, PCI_PRIMARY_BUS, 0x030302, 4);
	c = request_at(t, 151 * MS, ep, PCI_VENDOR_ID, 2, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_SC);
	assert_int_equal(c.completed - c.issued, 2 * tb_hop_2g5_x1(12) + 2 * tb_hop_2g5_x1(16));

	/* Secondary Bus Reset of the switch's upstream port: its downstream ports and below. */
	pcisim_time t1 = t->sim.now;
	bctl_write(up, PCI_BRIDGE_CTL_BUS_RESET, 0);
	assert_int_equal(count_resets(t, "dn1", "warm"), 2);
	assert_int_equal(count_resets(t, "ep1", "warm"), 2);
	assert_int_equal(count_resets(t, "up1", "warm"), 1);
	assert_int_equal(dn->link.state, PCISIM_LTSSM_HOTRESET);
	bctl_write(up, 0, PCI_BRIDGE_CTL_BUS_RESET);
	assert_int_equal(dn->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(dn->fn.ready_at, t1 + 100 * MS);
	assert_int_equal(ep->ready_at, t1 + 100 * MS);
	tb_free(t);
}

/* ---- Link Disable ---- */

static void test_link_disable_clears_dllla(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", rp_ep, ", link_model: spec");
	struct pcisim_port *rp = tb_port(t, "rp1");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1");
	uint16_t lnksta_off = (uint16_t)(rp->exp + PCI_EXP_LNKSTA);
	uint16_t lnkctl_off = (uint16_t)(rp->exp + PCI_EXP_LNKCTL);
	uint16_t sltsta_off = (uint16_t)(rp->exp + PCI_EXP_SLTSTA);
	assert_true(pcisim_cfg_get16(&rp->fn.cfg, lnksta_off) & PCI_EXP_LNKSTA_DLLLA);
	/* QEMU keeps DLLSCE read-only 0; enable it by hand to see the DLLSC event. */
	pcisim_cfg_setbits(&rp->fn.cfg, (uint16_t)(rp->exp + PCI_EXP_SLTCTL), 2, PCI_EXP_SLTCTL_DLLSCE);
	dirty(ep);
	pcisim_run(&t->sim, 1 * MS);
	pcisim_fn_cfg_write(&rp->fn, lnkctl_off, PCI_EXP_LNKCTL_LD, 2);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_DISABLED);
	assert_false(pcisim_cfg_get16(&rp->fn.cfg, lnksta_off) & PCI_EXP_LNKSTA_DLLLA);
	assert_true(pcisim_cfg_get16(&rp->fn.cfg, sltsta_off) & PCI_EXP_SLTSTA_DLLSC);
	assert_true(pcisim_cfg_get16(&rp->fn.cfg, lnkctl_off) & PCI_EXP_LNKCTL_LD); /* reads back */
	/* The device below took a link-down reset. */
	assert_int_equal(count_resets(t, "ep1", "warm"), 1);
	assert_int_equal(count_resets(t, "ep2", "warm"), 1);
	expect_sticky_kept(ep);
	/* Retrain is ignored while disabled. */
	pcisim_fn_cfg_write(&rp->fn, lnkctl_off, PCI_EXP_LNKCTL_LD | PCI_EXP_LNKCTL_RL, 2);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_DISABLED);
	/* Enable again: back to L0, DLLLA set. */
	pcisim_fn_cfg_write(&rp->fn, sltsta_off, PCI_EXP_SLTSTA_DLLSC, 2);
	pcisim_fn_cfg_write(&rp->fn, lnkctl_off, 0, 2);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_L0);
	assert_true(pcisim_cfg_get16(&rp->fn.cfg, lnksta_off) & PCI_EXP_LNKSTA_DLLLA);
	assert_false(pcisim_cfg_get16(&rp->fn.cfg, lnkctl_off) & PCI_EXP_LNKCTL_LD);
	assert_int_equal(ep->ready_at, 1 * MS + 100 * MS);
	/* LTSSM trace: L0 -> Disabled -> Detect -> Polling -> Configuration -> L0. */
	unsigned n = 0;
	for (size_t i = 0; i < t->sim.trace->nrecs; i++)
		if (!strcmp(t->sim.trace->recs[i].kind, "link.ltssm") &&
		    strstr(t->sim.trace->recs[i].comp_path, "rp1"))
			n++;
	assert_int_equal(n, 3 + 5);
	tb_free(t);
}

/* ---- link_model qemu (the default): QEMU 7.2's links ---- */

static void test_qemu_link_disable_read_only(void **state)
{
	(void)state;
	/* ACPI hot-plug on bridges off: the native slot sets DLLLA. */
	struct tb *t = tb_ok("9.2", rp_ep, ", acpi-pci-hotplug-with-bridge-support: false");
	struct pcisim_port *rp = tb_port(t, "rp1");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1");
	uint16_t lnksta_off = (uint16_t)(rp->exp + PCI_EXP_LNKSTA);
	uint16_t lnkctl_off = (uint16_t)(rp->exp + PCI_EXP_LNKCTL);
	/* QEMU: Link Disable and Retrain Link are read-only. */
	assert_int_equal(pcisim_cfg_mask_get(&rp->fn.cfg, PCISIM_WMASK, lnkctl_off, 2) &
				 (PCI_EXP_LNKCTL_LD | PCI_EXP_LNKCTL_RL),
			 0);
	assert_true(pcisim_cfg_get16(&rp->fn.cfg, lnksta_off) & PCI_EXP_LNKSTA_DLLLA);
	dirty(ep);
	pcisim_run(&t->sim, 1 * MS);
	unsigned transitions = rp->link.transitions;
	pcisim_fn_cfg_write(&rp->fn, lnkctl_off, PCI_EXP_LNKCTL_LD, 2);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_L0);
	assert_false(pcisim_cfg_get16(&rp->fn.cfg, lnkctl_off) & PCI_EXP_LNKCTL_LD);
	assert_true(pcisim_cfg_get16(&rp->fn.cfg, lnksta_off) & PCI_EXP_LNKSTA_DLLLA);
	assert_int_equal(count_resets(t, "ep1", "warm"), 0);
	/* Retrain Link does nothing either. */
	pcisim_fn_cfg_write(&rp->fn, lnkctl_off, PCI_EXP_LNKCTL_RL, 2);
	assert_int_equal(rp->link.transitions, transitions);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_L0);
	tb_free(t);
}

static void test_qemu_sbr_keeps_dllla(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", rp_ep, ", acpi-pci-hotplug-with-bridge-support: false");
	struct pcisim_port *rp = tb_port(t, "rp1");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1"), *ep2 = tb_fn(t, "ep2");
	uint16_t lnksta_off = (uint16_t)(rp->exp + PCI_EXP_LNKSTA);
	dirty(ep);
	pcisim_run(&t->sim, 1 * MS);
	unsigned transitions = rp->link.transitions, dllla_recs = tb_count(t, "link.dllla", NULL, NULL);
	bctl_write(&rp->fn, PCI_BRIDGE_CTL_BUS_RESET, 0);
	/* The functions below are reset, the link stays up with DLLLA set. */
	assert_int_equal(count_resets(t, "ep1", "warm"), 1);
	assert_int_equal(count_resets(t, "ep2", "warm"), 1);
	expect_sticky_kept(ep);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(rp->link.transitions, transitions);
	assert_true(pcisim_cfg_get16(&rp->fn.cfg, lnksta_off) & PCI_EXP_LNKSTA_DLLLA);
	/* In reset: RRS, not UR. */
	struct pcisim_cfg_cpl c = request_at(t, 2 * MS, ep, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_RRS);
	/* Cleared: ready 100 ms later, as with the spec's instant link. */
	pcisim_run(&t->sim, 3 * MS);
	bctl_write(&rp->fn, 0, PCI_BRIDGE_CTL_BUS_RESET);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_L0);
	assert_true(pcisim_cfg_get16(&rp->fn.cfg, lnksta_off) & PCI_EXP_LNKSTA_DLLLA);
	assert_int_equal(ep->ready_at, 3 * MS + 100 * MS);
	assert_int_equal(ep2->ready_at, 3 * MS + 100 * MS);
	c = request_at(t, 50 * MS, ep, PCI_VENDOR_ID, 4, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_RRS);
	c = request_at(t, 103 * MS, ep2, PCI_VENDOR_ID, 2, false, 0);
	assert_int_equal(c.status, PCISIM_CPL_SC);
	assert_int_equal(tb_count(t, "link.dllla", NULL, NULL), dllla_recs); /* never changed */
	assert_int_equal(rp->link.transitions, transitions);
	tb_free(t);
}

static void test_qemu_no_dllla_on_acpi_ports(void **state)
{
	(void)state;
	/* q35 9.2: ACPI hot-plug handles pcie.0's ports; QEMU never sets DLLLA there. */
	struct tb *t = tb_ok("9.2", rp_ep, "");
	struct pcisim_port *rp = tb_port(t, "rp1");
	assert_int_equal(rp->link.state, PCISIM_LTSSM_L0);
	assert_false(pcisim_cfg_get16(&rp->fn.cfg, (uint16_t)(rp->exp + PCI_EXP_LNKSTA)) & PCI_EXP_LNKSTA_DLLLA);
	tb_free(t);
	t = tb_ok("9.2", rp_ep, ", link_model: spec");
	rp = tb_port(t, "rp1");
	assert_true(pcisim_cfg_get16(&rp->fn.cfg, (uint16_t)(rp->exp + PCI_EXP_LNKSTA)) & PCI_EXP_LNKSTA_DLLLA);
	tb_free(t);
	t = tb_new("9.2", rp_ep, ", link_model: specification");
	assert_int_not_equal(t->rc, 0);
	tb_free(t);
}

/* ---- fundamental reset ---- */

static void test_fundamental_reset_clears_sticky(void **state)
{
	(void)state;
	struct tb *t = tb_ok("9.2", rp_ep, ", link_model: spec");
	struct pcisim_port *rp = tb_port(t, "rp1");
	struct pcisim_pcifn *ep = tb_fn(t, "ep1");
	dirty(ep);
	pcisim_run(&t->sim, 1 * MS);
	pcisim_reset_fundamental(rp, "PERST#");
	assert_int_equal(count_resets(t, "ep1", "cold"), 1);
	assert_int_equal(count_resets(t, "ep2", "cold"), 1);
	expect_sticky_cleared(ep);
	assert_int_equal(rp->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(ep->ready_at, 1 * MS + 100 * MS);
	tb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flr_rrs_then_ready),
		cmocka_unit_test(test_sbr_resets_children_keeps_sticky),
		cmocka_unit_test(test_sbr_timed_link),
		cmocka_unit_test(test_hot_reset_through_switch),
		cmocka_unit_test(test_link_disable_clears_dllla),
		cmocka_unit_test(test_fundamental_reset_clears_sticky),
		cmocka_unit_test(test_qemu_link_disable_read_only),
		cmocka_unit_test(test_qemu_sbr_keeps_dllla),
		cmocka_unit_test(test_qemu_no_dllla_on_acpi_ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
