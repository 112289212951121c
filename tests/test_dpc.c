/*
 * Downstream Port Containment (sim/pcie/dpc.c) and Linux's DPC service
 * (sim/host/dpc_service.c): the trigger truth table (DPC Trigger Enable x what reached
 * the port), the registers after a trigger, containment (a config read below
 * returns all ones), the release when Trigger Status is cleared, Linux's recovery
 * with its exact times, and AER's own recovery when the host's DPC service is off.
 *
 * Expected values: PCIe r5.0 §6.2.10 and §7.9.15 (the trigger conditions and
 * registers), Linux drivers/pci/pcie/dpc.c (dpc_probe: ERR_FATAL + interrupt;
 * dpc_reset_link: wait for the link to go down, clear Trigger Status,
 * pci_bridge_wait_for_secondary_bus), written out here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testbench.h"
#include "sim/host/cfg.h"
#include "sim/host/host.h"
#include "sim/pcie/aer.h"
#include "sim/pcie/dpc.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/port.h"
#include "sim/pcie/reset.h"
#include "sim/pcie/route.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/dpc.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

#define MS PCISIM_MS
#define S PCISIM_S

static struct pcisim_port *port(struct tb *r)
{
	return pcisim_to_port(tb_fn(r, "rp1"));
}

static uint16_t dpc16(struct tb *r, uint16_t reg)
{
	struct pcisim_port *p = port(r);
	return pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(pcisim_dpc_off(p) + reg));
}

/* Linux's DPC service off: the test programs DPC Control itself. */
static const char manual_fmt[] =
	"version: 1\nname: d\nmachine: {type: q35, qemu: \"8.1\", link_model: spec}\n"
	"topology:\n"
	"  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1, dpc: on}\n"
	"  - {driver: pcisim-endpoint, id: nic0, bus: rp1}\n"
	"host: {os: linux, pciehp: off, aer: on}\n";

static void inject(struct tb *r, const char *id, uint32_t status)
{
	struct pcisim_pcifn *f = tb_fn(r, id);
	struct pcisim_aer_err e = {.status = status, .source_id = pcisim_fn_bdf(f)};
	assert_int_equal(pcisim_aer_inject(f, &e, "test"), 0);
}

/* ---- the truth table ---- */

static void truth_table_pure(void **state)
{
	(void)state;
	/* rows: Trigger Enable 00, 01, 10, 11; columns: detected non-fatal, detected
	 * fatal, ERR_NONFATAL received, ERR_FATAL received */
	static const bool want[4][4] = {
		{false, false, false, false},
		{false, true, false, true},
		{true, true, true, true},
		{false, false, false, false},
	};
	for (uint16_t en = 0; en < 4; en++) {
		assert_int_equal(pcisim_dpc_would_trigger(en, PCISIM_DPC_UNCOR, false), want[en][0]);
		assert_int_equal(pcisim_dpc_would_trigger(en, PCISIM_DPC_UNCOR, true), want[en][1]);
		assert_int_equal(pcisim_dpc_would_trigger(en, PCISIM_DPC_NONFATAL, false), want[en][2]);
		assert_int_equal(pcisim_dpc_would_trigger(en, PCISIM_DPC_FATAL, true), want[en][3]);
		/* other Control bits do not matter */
		assert_int_equal(pcisim_dpc_would_trigger((uint16_t)(en | PCI_EXP_DPC_CTL_INT_EN), PCISIM_DPC_FATAL, true),
				 want[en][3]);
	}
}

/* The same through the model: an error injected at the endpoint (its message
 * reaches the port) or at the port itself; POISON_TLP is non-fatal by default,
 * DLP fatal (QEMU's default severity). */
static void truth_table_fabric(void **state)
{
	(void)state;
	struct {
		const char *id;
		uint32_t status;
		unsigned reason; /* Trigger Reason if it triggers */
	} col[] = {
		{"rp1", PCI_ERR_UNC_POISON_TLP, 0},
		{"rp1", PCI_ERR_UNC_DLP, 0},
		{"nic0", PCI_ERR_UNC_POISON_TLP, 1},
		{"nic0", PCI_ERR_UNC_DLP, 2},
	};
	static const bool want[4][4] = {
		{false, false, false, false},
		{false, true, false, true},
		{true, true, true, true},
		{false, false, false, false},
	};
	for (uint16_t en = 0; en < 4; en++)
		for (unsigned c = 0; c < 4; c++) {
			struct tb *r = tb_runf(1 * S, manual_fmt);
			struct pcisim_port *p = port(r);
			uint16_t dpc = pcisim_dpc_off(p);
			assert_true(dpc >= 0x100);
			pcisim_fn_cfg_write(&p->fn, (uint16_t)(dpc + PCI_EXP_DPC_CTL), en, 2);
			assert_int_equal(dpc16(r, PCI_EXP_DPC_CTL), en);
			inject(r, col[c].id, col[c].status);
			pcisim_run(&r->sim, 2 * S);
			bool trig = dpc16(r, PCI_EXP_DPC_STATUS) & PCI_EXP_DPC_STATUS_TRIGGER;
			if (trig != want[en][c])
				fail_msg("Trigger Enable %u, %s %#x: triggered %d, want %d", en, col[c].id,
					 col[c].status, trig, want[en][c]);
			assert_int_equal(tb_count(r, "dpc.trigger", NULL, NULL), want[en][c] ? 1 : 0);
			if (trig) {
				uint16_t st = dpc16(r, PCI_EXP_DPC_STATUS);
				assert_int_equal((st & PCI_EXP_DPC_STATUS_TRIGGER_RSN) >> 1, col[c].reason);
				assert_int_equal(dpc16(r, PCI_EXP_DPC_SOURCE_ID), pcisim_fn_bdf(tb_fn(r, col[c].id)));
				assert_int_equal(p->link.state, PCISIM_LTSSM_DISABLED);
				/* the AER service saw no uncorrectable message */
				assert_null(tb_find_rec(r, "aer.isr", NULL, NULL, NULL));
			} else if (!strcmp(col[c].id, "nic0")) {
				/* not contained: the message reached Root Error Status */
				assert_non_null(tb_find_rec(r, "aer.msg", NULL, "result", "delivered"));
			}
			tb_free(r);
		}
}

/* ---- registers, containment, release ---- */

static void got_cpl(struct pcisim_sim *sim, const struct pcisim_cfg_cpl *cpl, void *ctx)
{
	(void)sim;
	*(struct pcisim_cfg_cpl *)ctx = *cpl;
}

static void registers_containment_release(void **state)
{
	(void)state;
	struct tb *r = tb_runf(1 * S, manual_fmt);
	struct pcisim_port *p = port(r);
	uint16_t dpc = pcisim_dpc_off(p);
	struct pcisim_pcifn *nic = tb_fn(r, "nic0");
	uint16_t vid = (uint16_t)pcisim_host_cfg_read_instant(nic, PCI_VENDOR_ID, 2, PCISIM_INSTANT_ERROR_HANDLING);
	assert_int_not_equal(vid, 0xffff);
	uint32_t root_before = pcisim_cfg_get32(&p->fn.cfg, (uint16_t)(p->aer + PCI_ERR_ROOT_STATUS));
	pcisim_fn_cfg_write(&p->fn, (uint16_t)(dpc + PCI_EXP_DPC_CTL),
			    PCI_EXP_DPC_CTL_EN_FATAL | PCI_EXP_DPC_CTL_INT_EN, 2);
	inject(r, "nic0", PCI_ERR_UNC_DLP);
	pcisim_run(&r->sim, 1 * S + 1 * MS);
	/* Trigger Status, reason ERR_FATAL (10b), Interrupt Status; Source ID = nic0 */
	assert_int_equal(dpc16(r, PCI_EXP_DPC_STATUS),
			 PCI_EXP_DPC_STATUS_TRIGGER | PCI_EXP_DPC_STATUS_TRIGGER_RSN_FE | PCI_EXP_DPC_STATUS_INTERRUPT);
	assert_int_equal(dpc16(r, PCI_EXP_DPC_SOURCE_ID), 0x0100);
	assert_int_equal(pcisim_fn_bdf(nic), 0x0100);
	/* the message was discarded: Root Error Status unchanged */
	assert_int_equal(pcisim_cfg_get32(&p->fn.cfg, (uint16_t)(p->aer + PCI_ERR_ROOT_STATUS)), root_before);
	assert_non_null(tb_find_rec(r, "aer.msg", "rp1", "reason", "discarded by DPC (containment)"));
	/* the interrupt went out (MSI-X through the port's wire) */
	const struct pcisim_record *trig = tb_find_rec(r, "dpc.trigger", "rp1", "reason", "ERR_FATAL");
	assert_non_null(trig);
	const struct pcisim_record *irq = tb_find_rec(r, "irq", "rp1", "delivered", "on");
	assert_non_null(irq);
	assert_true(irq->t == trig->t && irq->seq > trig->seq);
	/* containment: link Disabled, DLLLA clear, nic0 took a link-down reset */
	assert_int_equal(p->link.state, PCISIM_LTSSM_DISABLED);
	assert_true(p->link.hold & PCISIM_LINK_HOLD_DPC);
	assert_false(pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_LNKSTA)) & PCI_EXP_LNKSTA_DLLLA);
	assert_non_null(tb_find_rec(r, "pci.reset", "nic0", "why", "link down (DPC containment)"));
	/* a config read below returns all ones: as a driver sees it, and as a routed
	 * request, which the port completes with Unsupported Request */
	assert_int_equal(pcisim_host_cfg_read_instant(nic, PCI_VENDOR_ID, 2, PCISIM_INSTANT_ERROR_HANDLING), 0xffff);
	assert_int_equal(pcisim_host_cfg_read_instant(nic, PCI_COMMAND, 4, PCISIM_INSTANT_ERROR_HANDLING), 0xffffffffu);
	struct pcisim_cfg_cpl cpl = {0};
	assert_true(pcisim_cfg_request(&r->sim, NULL, nic->bus->number, nic->devfn, PCI_VENDOR_ID, 4, false, 0,
				       got_cpl, &cpl) > 0);
	pcisim_run(&r->sim, r->sim.now + 1 * MS);
	assert_int_equal(cpl.status, PCISIM_CPL_UR);
	assert_int_equal(cpl.val, 0xffffffffu);
	assert_ptr_equal(cpl.completer, &p->fn);
	/* Interrupt Status alone cleared: still contained */
	pcisim_fn_cfg_write(&p->fn, (uint16_t)(dpc + PCI_EXP_DPC_STATUS), PCI_EXP_DPC_STATUS_INTERRUPT, 2);
	assert_int_equal(dpc16(r, PCI_EXP_DPC_STATUS), PCI_EXP_DPC_STATUS_TRIGGER | PCI_EXP_DPC_STATUS_TRIGGER_RSN_FE);
	assert_int_equal(p->link.state, PCISIM_LTSSM_DISABLED);
	/* a second fatal error while contained: discarded, registers unchanged */
	inject(r, "rp1", PCI_ERR_UNC_DLP);
	assert_int_equal(tb_count(r, "dpc.trigger", NULL, NULL), 1);
	assert_int_equal(tb_count(r, "dpc.discard", NULL, NULL), 1);
	assert_int_equal(dpc16(r, PCI_EXP_DPC_SOURCE_ID), 0x0100);
	/* release: Trigger Status written 1; the (instant) link trains at once */
	pcisim_fn_cfg_write(&p->fn, (uint16_t)(dpc + PCI_EXP_DPC_STATUS), PCI_EXP_DPC_STATUS_TRIGGER, 2);
	assert_false(dpc16(r, PCI_EXP_DPC_STATUS) & PCI_EXP_DPC_STATUS_TRIGGER);
	assert_non_null(tb_find_rec(r, "dpc.release", "rp1", NULL, NULL));
	assert_int_equal(p->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(p->link.hold, 0);
	assert_true(pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_LNKSTA)) & PCI_EXP_LNKSTA_DLLLA);
	/* the function answers 100 ms after its link came up (PCIe r6.0 §6.6.1) */
	pcisim_time up = r->sim.now;
	pcisim_run(&r->sim, up + 100 * MS - 1);
	assert_false(pcisim_reset_is_ready(nic, r->sim.now));
	assert_int_equal(pcisim_host_cfg_read_instant(nic, PCI_VENDOR_ID, 2, PCISIM_INSTANT_ERROR_HANDLING), 0xffff);
	pcisim_run(&r->sim, up + 100 * MS);
	assert_true(pcisim_reset_is_ready(nic, r->sim.now));
	assert_int_equal(pcisim_host_cfg_read_instant(nic, PCI_VENDOR_ID, 2, PCISIM_INSTANT_ERROR_HANDLING), vid);
	tb_free(r);
}

/* Link Disable set by the guest during containment survives the release. */
static void release_keeps_link_disable(void **state)
{
	(void)state;
	struct tb *r = tb_runf(1 * S, manual_fmt);
	struct pcisim_port *p = port(r);
	uint16_t dpc = pcisim_dpc_off(p);
	pcisim_fn_cfg_write(&p->fn, (uint16_t)(p->exp + PCI_EXP_LNKCTL), PCI_EXP_LNKCTL_LD, 2);
	pcisim_fn_cfg_write(&p->fn, (uint16_t)(dpc + PCI_EXP_DPC_CTL), PCI_EXP_DPC_CTL_EN_NONFATAL, 2);
	inject(r, "rp1", PCI_ERR_UNC_POISON_TLP);
	assert_true(dpc16(r, PCI_EXP_DPC_STATUS) & PCI_EXP_DPC_STATUS_TRIGGER);
	assert_int_equal(dpc16(r, PCI_EXP_DPC_STATUS) & PCI_EXP_DPC_STATUS_TRIGGER_RSN, PCI_EXP_DPC_STATUS_TRIGGER_RSN_UNCOR);
	assert_int_equal(dpc16(r, PCI_EXP_DPC_SOURCE_ID), pcisim_fn_bdf(&p->fn));
	pcisim_fn_cfg_write(&p->fn, (uint16_t)(dpc + PCI_EXP_DPC_STATUS), PCI_EXP_DPC_STATUS_TRIGGER, 2);
	assert_int_equal(p->link.state, PCISIM_LTSSM_DISABLED);
	assert_int_equal(p->link.hold, PCISIM_LINK_HOLD_DISABLE);
	tb_free(r);
}

/* ---- Linux ---- */

static const char linux_fmt[] =
	"version: 1\nname: d\nmachine: {type: q35, qemu: \"8.1\", link_model: spec}\n"
	"topology:\n"
	"  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1%s}\n"
	"  - {driver: pcisim-endpoint, id: nic0, bus: rp1}\n"
	"host: {os: linux, pciehp: off, aer: on, dpc: %s,\n"
	"       drivers: {nic0: {error_detected: need_reset, slot_reset: recovered, resume: on, callback_time: 5ms}}}\n"
	"timeline:\n"
	"  - {at: 1s, do: pcie_aer_inject_error, id: nic0, error: DLP}\n";

static void linux_recovery_timing(void **state)
{
	(void)state;
	struct tb *r = tb_runf(3 * S, linux_fmt, ", dpc: on", "on");
	struct pcisim_port *p = port(r);
	/* dpc_probe(): Trigger Enable 01b (ERR_FATAL) and DPC Interrupt Enable */
	assert_int_equal(dpc16(r, PCI_EXP_DPC_CTL), PCI_EXP_DPC_CTL_EN_FATAL | PCI_EXP_DPC_CTL_INT_EN);
	assert_non_null(tb_find_log(r, "DPC: enabled with IRQ"));
	const struct pcisim_record *trig = tb_find_rec(r, "dpc.trigger", "rp1", NULL, NULL);
	assert_non_null(trig);
	pcisim_time t0 = trig->t;
	/* the ERR_FATAL crossed the link: 1 s plus its TLP latency */
	assert_true(t0 > 1 * S && t0 < 1 * S + 1 * MS);
	const struct pcisim_record *isr = tb_find_rec(r, "aer.dpc_isr", NULL, NULL, NULL);
	assert_non_null(isr);
	assert_true(isr->t == t0);
	assert_string_equal(tb_field(isr, "status"), "0xd");
	/* dpc_process_error() reads after dpc_irq cleared Interrupt Status */
	assert_non_null(tb_find_log(r, "DPC: containment event, status:0x0005 source:0x0100"));
	assert_non_null(tb_find_log(r, "DPC: ERR_FATAL detected"));
	/* error_detected(frozen): 5 ms */
	const struct pcisim_record *ed = tb_find_rec(r, "aer.callback", "nic0", "callback", "error_detected");
	assert_non_null(ed);
	assert_true(ed->t == t0 + 5 * MS);
	/* dpc_reset_link(): the link is already down: Trigger Status cleared at once */
	const struct pcisim_record *rel = tb_find_rec(r, "dpc.release", "rp1", NULL, NULL);
	assert_non_null(rel);
	assert_true(rel->t == t0 + 5 * MS);
	/* pci_bridge_wait_for_secondary_bus() at 16 GT/s: 20 ms, DLLLA (up), 100 ms,
	 * then pci_dev_wait: nic0 is ready 100 ms after its link came up */
	const struct pcisim_record *rd = tb_find_rec(r, "aer.reset", "rp1", "event", "done");
	assert_non_null(rd);
	assert_true(rd->t == t0 + 5 * MS + 20 * MS + 100 * MS);
	const struct pcisim_record *sr = tb_find_rec(r, "aer.callback", "nic0", "callback", "slot_reset");
	assert_non_null(sr);
	assert_true(sr->t == rd->t + 5 * MS);
	const struct pcisim_record *ok = tb_find_rec(r, "aer.recovery", "rp1", "event", "recovered");
	assert_non_null(ok);
	assert_true(ok->t == sr->t + 5 * MS);
	assert_non_null(tb_find_log(r, "AER: device recovery successful"));
	/* no secondary bus reset: DPC's link reset only */
	assert_null(tb_find_rec(r, "aer.reset", NULL, "event", "secondary bus reset"));
	assert_int_equal(p->link.state, PCISIM_LTSSM_L0);
	assert_int_equal(dpc16(r, PCI_EXP_DPC_STATUS), PCI_EXP_DPC_STATUS_TRIGGER_RSN_FE);
	/* Linux's config is back on nic0 (SERR#, reporting enables) */
	struct pcisim_pcifn *nic = tb_fn(r, "nic0");
	assert_true(pcisim_cfg_get16(&nic->cfg, PCI_COMMAND) & PCI_COMMAND_SERR);
	tb_free(r);
}

/* A slow link (50 ms of training): dpc_reset_link's DLLLA poll waits for it. */
static void linux_recovery_slow_link(void **state)
{
	(void)state;
	/* trained links at boot (Linux writes nothing through a link still training),
	 * then 50 ms of training from 0.5 s on */
	struct tb *r = tb_runf(S / 2, linux_fmt, ", dpc: on", "on");
	port(r)->link.training = 50 * MS;
	pcisim_run(&r->sim, 3 * S);
	const struct pcisim_record *rel = tb_find_rec(r, "dpc.release", "rp1", NULL, NULL);
	assert_non_null(rel);
	/* 20 ms, then DLLLA polled every 1 ms until the link is up 50 ms after the
	 * release (the poll at 50 ms sees it), then 100 ms */
	const struct pcisim_record *rd = tb_find_rec(r, "aer.reset", "rp1", "event", "done");
	assert_non_null(rd);
	assert_true(rd->t == rel->t + 50 * MS + 100 * MS);
	assert_non_null(tb_find_rec(r, "aer.recovery", "rp1", "event", "recovered"));
	tb_free(r);
}

/* dpc: off: Linux leaves DPC disabled; AER's own recovery (secondary bus reset) runs. */
static void dpc_off_runs_aer(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		struct tb *r = tb_runf(3 * S, linux_fmt, i ? "" : ", dpc: on", "off");
		if (!i)
			assert_int_equal(dpc16(r, PCI_EXP_DPC_CTL), 0);
		else
			assert_int_equal(pcisim_dpc_off(port(r)), 0);
		assert_int_equal(tb_count(r, "dpc.trigger", NULL, NULL), 0);
		assert_non_null(tb_find_rec(r, "aer.isr", NULL, NULL, NULL));
		assert_non_null(tb_find_log(r, "AER: Uncorrectable (Fatal) error received: 0000:01:00.0"));
		assert_non_null(tb_find_rec(r, "aer.reset", "rp1", "event", "secondary bus reset"));
		assert_non_null(tb_find_rec(r, "aer.recovery", "rp1", "event", "recovered"));
		assert_null(tb_find_log(r, "DPC:"));
		tb_free(r);
	}
}

/* dpc: on needs aer: on; the property is off by default (QEMU has no DPC). */
static void config_checks(void **state)
{
	(void)state;
	struct tb r;
	assert_int_not_equal(tb_run_text(&r,
				      "version: 1\nname: d\nmachine: {type: q35, link_model: spec}\n"
				      "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
				      "host: {os: linux, dpc: on}\n",
				      1 * S),
			     0);
	assert_non_null(strstr(r.diag.first, "needs 'aer: on'"));
	tb_fini(&r);
	struct tb *q = tb_runf(1 * S, "version: 1\nname: d\nmachine: {type: q35, link_model: spec}\n"
				    "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n");
	assert_int_equal(pcisim_dpc_off(port(q)), 0);
	tb_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(truth_table_pure),
		cmocka_unit_test(truth_table_fabric),
		cmocka_unit_test(registers_containment_release),
		cmocka_unit_test(release_keeps_link_disable),
		cmocka_unit_test(linux_recovery_timing),
		cmocka_unit_test(linux_recovery_slow_link),
		cmocka_unit_test(dpc_off_runs_aer),
		cmocka_unit_test(config_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
