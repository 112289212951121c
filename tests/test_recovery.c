/*
 * Linux AER recovery (sim/host/aer_recovery.c): Linux's merge_result() over every pair of
 * votes, the outcome of pcie_do_recovery() for each driver result of each callback,
 * for non-fatal and fatal errors, with several functions voting, the link reset and
 * Linux's waits after it (times to the picosecond), a reset that fails, correctable
 * errors cleared without recovery, the 2025 reset-on-NEED_RESET variant, the
 * recovery's states over time, and the I/O state of the functions.
 *
 * Expected values come from Linux's err.c as REFERENCE.md 4.6 describes it, written
 * out here.
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
#include "sim/host/aer_recovery.h"
#include "sim/host/host.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

#define MS PCISIM_MS
#define S PCISIM_S

/* ---- merge_result() ---- */

static enum pcisim_ers linux_merge(enum pcisim_ers orig, enum pcisim_ers vote)
{
	/* err.c: NO_AER_DRIVER sticks; NONE is ignored; CAN_RECOVER and RECOVERED take
	 * the new vote; DISCONNECT is only upgraded to NEED_RESET; the rest stay */
	if (vote == PCISIM_ERS_NO_AER_DRIVER)
		return vote;
	if (vote == PCISIM_ERS_NONE)
		return orig;
	if (orig == PCISIM_ERS_CAN_RECOVER || orig == PCISIM_ERS_RECOVERED)
		return vote;
	if (orig == PCISIM_ERS_DISCONNECT && vote == PCISIM_ERS_NEED_RESET)
		return vote;
	return orig;
}

static void merge_table(void **state)
{
	for (int o = 1; o <= 6; o++)
		for (int v = 1; v <= 6; v++)
			assert_int_equal(pcisim_ers_merge(o, v), linux_merge(o, v));
	/* a few rows spelled out */
	assert_int_equal(pcisim_ers_merge(PCISIM_ERS_CAN_RECOVER, PCISIM_ERS_NEED_RESET), PCISIM_ERS_NEED_RESET);
	assert_int_equal(pcisim_ers_merge(PCISIM_ERS_NEED_RESET, PCISIM_ERS_CAN_RECOVER), PCISIM_ERS_NEED_RESET);
	assert_int_equal(pcisim_ers_merge(PCISIM_ERS_DISCONNECT, PCISIM_ERS_RECOVERED), PCISIM_ERS_DISCONNECT);
	assert_int_equal(pcisim_ers_merge(PCISIM_ERS_NO_AER_DRIVER, PCISIM_ERS_RECOVERED), PCISIM_ERS_NO_AER_DRIVER);
	assert_string_equal(pcisim_ers_name(PCISIM_ERS_NEED_RESET), "need_reset");
}

/* ---- outcomes ---- */

static const char one_fmt[] =
	"version: 1\nname: r\nmachine: {type: q35, qemu: \"8.1\", link_model: spec}\n"
	"topology:\n"
	"  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
	"  - {driver: pcisim-endpoint, id: nic0, bus: rp1}\n"
	"host: {os: linux, pciehp: off, aer: on%s, drivers: {nic0: {%s, callback_time: 5ms}}}\n"
	"timeline:\n"
	"  - {at: 1s, do: pcie_aer_inject_error, id: nic0, error: %s}\n";

struct outcome {
	const char *drv;     /* the driver's entry */
	const char *error;   /* POISON_TLP (non-fatal) or FCP (fatal) */
	const char *result;  /* recovered / failed */
	unsigned callbacks;  /* aer.callback records */
	unsigned resets;     /* aer.reset "secondary bus reset" records */
};

static void outcome_case(const struct outcome *o, const char *extra)
{
	struct tb *r = tb_runf(30 * S, one_fmt, extra, o->drv, o->error);
	const struct pcisim_record *end = NULL;
	for (size_t i = 0; i < r->sim.trace->nrecs; i++) {
		const struct pcisim_record *rec = &r->sim.trace->recs[i];
		if (!strcmp(rec->kind, "aer.recovery") && strcmp(tb_field(rec, "event"), "start"))
			end = rec;
	}
	if (!end)
		fail_msg("no recovery end for {%s} %s", o->drv, o->error);
	if (strcmp(tb_field(end, "event"), o->result))
		fail_msg("{%s} %s: %s, expected %s", o->drv, o->error, tb_field(end, "event"), o->result);
	assert_int_equal(tb_count(r, "aer.callback", NULL, NULL), o->callbacks);
	assert_int_equal(tb_count(r, "aer.reset", "event", "secondary bus reset"), o->resets);
	struct pcisim_host *h = pcisim_host_of(&r->sim);
	enum pcisim_io_state io = pcisim_host_io_state(h, tb_fn(r, "nic0"));
	assert_int_equal(io, strcmp(o->result, "failed") ? PCISIM_IO_NORMAL : PCISIM_IO_PERM_FAILURE);
	tb_free(r);
}

static void nonfatal_outcomes(void **state)
{
	static const struct outcome cases[] = {
		/* CAN_RECOVER: mmio_enabled, then resume */
		{"error_detected: can_recover, mmio_enabled: recovered, resume: on", "POISON_TLP", "recovered", 3, 0},
		{"error_detected: can_recover, resume: on", "POISON_TLP", "recovered", 2, 0},
		{"error_detected: can_recover, mmio_enabled: need_reset, slot_reset: recovered, resume: on", "POISON_TLP", "recovered", 4, 0},
		{"error_detected: can_recover, mmio_enabled: disconnect", "POISON_TLP", "failed", 2, 0},
		/* NEED_RESET: slot_reset (no reset for non-fatal errors) */
		{"error_detected: need_reset, slot_reset: recovered, resume: on", "POISON_TLP", "recovered", 3, 0},
		{"error_detected: need_reset, resume: on", "POISON_TLP", "recovered", 2, 0},
		{"error_detected: need_reset, slot_reset: disconnect", "POISON_TLP", "failed", 2, 0},
		{"error_detected: need_reset, slot_reset: need_reset", "POISON_TLP", "failed", 2, 0},
		/* RECOVERED at once: straight to resume */
		{"error_detected: recovered, mmio_enabled: disconnect, resume: on", "POISON_TLP", "recovered", 2, 0},
		/* NONE: as CAN_RECOVER */
		{"error_detected: none, mmio_enabled: recovered", "POISON_TLP", "recovered", 2, 0},
		/* DISCONNECT, NO_AER_DRIVER, no callback */
		{"error_detected: disconnect, slot_reset: recovered", "POISON_TLP", "failed", 1, 0},
		{"error_detected: no_aer_driver", "POISON_TLP", "failed", 1, 0},
		{"error_detected: absent, slot_reset: recovered", "POISON_TLP", "failed", 1, 0}, /* the core votes NO_AER_DRIVER */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		outcome_case(&cases[i], "");
}

static void fatal_outcomes(void **state)
{
	static const struct outcome cases[] = {
		/* the link is reset after error_detected, whatever the vote */
		{"error_detected: need_reset, slot_reset: recovered, resume: on", "FCP", "recovered", 3, 1},
		{"error_detected: can_recover, mmio_enabled: recovered, resume: on", "FCP", "recovered", 3, 1},
		{"error_detected: need_reset, slot_reset: disconnect", "FCP", "failed", 2, 1},
		{"error_detected: disconnect", "FCP", "failed", 1, 1},
		{"error_detected: absent", "FCP", "failed", 1, 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		outcome_case(&cases[i], "");
}

/* Linux commit d0a2dee7d4 (2025): NEED_RESET resets the link for non-fatal errors
 * too, after mmio_enabled. */
static void reset_on_need_reset(void **state)
{
	static const struct outcome cases[] = {
		{"error_detected: need_reset, slot_reset: recovered, resume: on", "POISON_TLP", "recovered", 3, 1},
		{"error_detected: can_recover, mmio_enabled: recovered, resume: on", "POISON_TLP", "recovered", 3, 0},
		{"error_detected: can_recover, mmio_enabled: recovered, resume: on", "FCP", "recovered", 3, 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		outcome_case(&cases[i], ", aer_reset_on_need_reset: on");
}

/* The fatal sequence to the picosecond: delivery, callbacks, 2 ms of Secondary Bus
 * Reset, 20 ms before polling DLLLA, 100 ms after it, the device ready. */
static void fatal_timing(void **state)
{
	struct tb *r = tb_runf(30 * S, one_fmt, "", "error_detected: need_reset, slot_reset: recovered, resume: on", "FCP");
	const struct pcisim_record *deliv = tb_find_rec(r, "aer.msg", "rp1", "result", "delivered");
	assert_non_null(deliv);
	pcisim_time t0 = deliv->t;
	assert_true(t0 > 1 * S && t0 < 1 * S + 1 * MS); /* one link's latency */
	const struct pcisim_record *sbr = tb_find_rec(r, "aer.reset", "rp1", "event", "secondary bus reset");
	assert_int_equal(sbr->t, t0 + 5 * MS);
	const struct pcisim_record *rst = tb_find_rec(r, "pci.reset", "nic0", "kind", "warm");
	assert_int_equal(rst->t, t0 + 5 * MS);
	const struct pcisim_record *rdone = tb_find_rec(r, "aer.reset", "rp1", "event", "done");
	assert_int_equal(rdone->t, t0 + 5 * MS + 2 * MS + 20 * MS + 100 * MS);
	const struct pcisim_record *ok = tb_find_rec(r, "aer.recovery", "rp1", "event", "recovered");
	assert_int_equal(ok->t, rdone->t + 5 * MS + 5 * MS);
	assert_non_null(tb_find_log(r, "pcieport 0000:00:02.0: AER: Uncorrectable (Fatal) error received: 0000:01:00.0"));
	assert_non_null(tb_find_log(r, "pcieport 0000:00:02.0: AER: Root Port link has been reset (0)"));
	assert_non_null(tb_find_log(r, "pcieport 0000:00:02.0: AER: device recovery successful"));
	/* the reset restored the reporting enables; Root Error Status is clear */
	struct pcisim_pcifn *nic = tb_fn(r, "nic0"), *rp = tb_fn(r, "rp1");
	uint16_t exp = pcisim_cfg_find_cap(&nic->cfg, PCI_CAP_ID_EXP);
	assert_int_equal(pcisim_cfg_get16(&nic->cfg, (uint16_t)(exp + PCI_EXP_DEVCTL)) & PCISIM_EXP_DEVCTL_ERR_EN,
			 PCISIM_EXP_DEVCTL_ERR_EN);
	uint16_t raer = pcisim_cfg_find_ext_cap(&rp->cfg, PCI_EXT_CAP_ID_ERR);
	assert_int_equal(pcisim_cfg_get32(&rp->cfg, (uint16_t)(raer + PCI_ERR_ROOT_STATUS)) & 0x7f, 0);
	assert_int_equal(pcisim_cfg_get32(&rp->cfg, (uint16_t)(raer + PCI_ERR_ROOT_COMMAND)), 7);
	/* the fatal status is sticky: it survived the reset (Linux clears non-fatal only) */
	uint16_t naer = pcisim_cfg_find_ext_cap(&nic->cfg, PCI_EXT_CAP_ID_ERR);
	assert_int_equal(pcisim_cfg_get32(&nic->cfg, (uint16_t)(naer + PCI_ERR_UNCOR_STATUS)), PCI_ERR_UNC_FCP);
	tb_free(r);
}

/* The recovery's state (aer_recovery.h) as the service's `recovery` key shows it. */
static const char *rec_state(struct tb *r)
{
	struct pcisim_value v = {0};
	struct pcisim_comp *c = pcisim_comp_find(&r->sim, "aer:rp1");
	assert_non_null(c);
	assert_int_equal(pcisim_comp_query(c, "recovery", &v), 0);
	assert_true(v.is_str);
	return v.s;
}

/*
 * A fatal error walks ERROR_DETECTED (5 ms callback), RESET_LINK (2 ms of SBR,
 * 20 ms, 100 ms), SLOT_RESET and RESUME (5 ms each) and ends IDLE; only the start
 * and the end are records.
 */
static void state_machine_walk(void **state)
{
	char text[1024];
	snprintf(text, sizeof(text), one_fmt, "", "error_detected: need_reset, slot_reset: recovered, resume: on", "FCP");
	struct tb *r = calloc(1, sizeof(*r));
	assert_int_equal(tb_build(r, text, 0), 0);
	pcisim_run(&r->sim, 1 * S);
	assert_string_equal(rec_state(r), "IDLE");
	pcisim_run(&r->sim, 1 * S + 1 * MS);
	const struct pcisim_record *deliv = tb_find_rec(r, "aer.msg", "rp1", "result", "delivered");
	assert_non_null(deliv);
	pcisim_time t0 = deliv->t;
	static const struct {
		pcisim_time at;
		const char *state;
	} walk[] = {
		{1 * MS, "ERROR_DETECTED"}, {5 * MS + 1, "RESET_LINK"}, {126 * MS, "RESET_LINK"},
		{130 * MS, "SLOT_RESET"},   {135 * MS, "RESUME"},       {138 * MS, "IDLE"},
	};
	for (size_t i = 0; i < sizeof(walk) / sizeof(walk[0]); i++) {
		pcisim_run(&r->sim, t0 + walk[i].at);
		if (strcmp(rec_state(r), walk[i].state))
			fail_msg("at t0 + %llu ps: %s, expected %s", (unsigned long long)walk[i].at, rec_state(r),
				 walk[i].state);
	}
	assert_int_equal(tb_count(r, "aer.recovery", NULL, NULL), 2);
	assert_int_equal(tb_find_rec(r, "aer.recovery", "rp1", "event", "recovered")->t, t0 + 137 * MS);
	tb_free(r);
}

/* Several functions vote; the service's component counts. */
static void multifunction_votes(void **state)
{
	static const char fmt[] =
		"version: 1\nname: r\nmachine: {type: q35, qemu: \"8.1\", link_model: spec}\n"
		"topology:\n"
		"  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
		"  - {driver: pcisim-endpoint, id: f0, bus: rp1, addr: \"0.0\", multifunction: on}\n"
		"  - {driver: pcisim-endpoint, id: f1, bus: rp1, addr: \"0.1\"}\n"
		"host: {os: linux, aer: on, drivers: {f0: {%s}, f1: {%s}}}\n"
		"timeline:\n"
		"  - {at: 1s, do: pcie_aer_inject_error, id: f0, error: %s}\n"
		"expect:\n"
		"  - {state: aer:rp1, key: last, equals: %s}\n";
	struct tb *r = tb_runf(30 * S, fmt, "error_detected: need_reset, slot_reset: recovered, resume: on",
			   "error_detected: can_recover, mmio_enabled: recovered, resume: on", "POISON_TLP",
			   "recovered");
	assert_int_equal(r->failed, 0);
	/* CAN_RECOVER + NEED_RESET = NEED_RESET: no mmio_enabled, both get slot_reset */
	assert_int_equal(tb_count(r, "aer.callback", "callback", "mmio_enabled"), 0);
	assert_int_equal(tb_count(r, "aer.callback", "callback", "slot_reset"), 1);
	assert_int_equal(tb_count(r, "aer.callback", "callback", "error_detected"), 2);
	tb_free(r);
	r = tb_runf(30 * S, fmt, "error_detected: need_reset, slot_reset: recovered, resume: on", "error_detected: absent",
	       "DLP", "failed");
	assert_int_equal(r->failed, 0);
	/* both functions were reset by the one link reset */
	assert_int_equal(tb_count(r, "pci.reset", "kind", "warm"), 2);
	tb_free(r);
}

/* Correctable: logged, cleared in the device, no recovery. */
static void correctable_cleared(void **state)
{
	struct tb *r = tb_runf(30 * S, one_fmt, "", "error_detected: need_reset, cor_error_detected: on", "RCVR");
	struct pcisim_pcifn *nic = tb_fn(r, "nic0");
	uint16_t aer = pcisim_cfg_find_ext_cap(&nic->cfg, PCI_EXT_CAP_ID_ERR);
	assert_int_equal(pcisim_cfg_get32(&nic->cfg, (uint16_t)(aer + PCI_ERR_COR_STATUS)), 0);
	assert_int_equal(tb_count(r, "aer.recovery", NULL, NULL), 0);
	assert_int_equal(tb_count(r, "aer.callback", "callback", "cor_error_detected"), 1);
	assert_non_null(tb_find_log(r, "AER: Correctable error received: 0000:01:00.0"));
	assert_non_null(tb_find_log(r, "AER: PCIe Bus Error: severity=Correctable, type=Physical Layer"));
	tb_free(r);
}

/* The link never comes back: "Data Link Layer Link Active not set", reset failed. */
static void reset_fails(void **state)
{
	static const char fmt[] =
		"version: 1\nname: r\nmachine: {type: q35, qemu: \"8.1\", link_model: spec}\n"
		"topology:\n"
		"  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
		"  - {driver: pcisim-endpoint, id: nic0, bus: rp1}\n"
		"host: {os: linux, pciehp: off, aer: on, drivers: {nic0: {error_detected: need_reset, slot_reset: recovered, callback_time: 5ms}}}\n"
		"timeline:\n"
		"  - {at: 1s, do: pcie_aer_inject_error, id: nic0, error: FCP}\n"
		"  - {at: 1001ms, do: surprise_remove, id: nic0}\n";
	struct tb *r = tb_runf(30 * S, "%s", fmt);
	assert_non_null(tb_find_log(r, "AER: subordinate device reset failed"));
	assert_non_null(tb_find_log(r, "AER: device recovery failed"));
	tb_free(r);
}

/* Passthrough: the three vfio remedies (aer-passthrough-slides.txt). */
static void vfio_remedies(void **state)
{
	static const char fmt[] =
		"version: 1\nname: v\nmachine: {type: q35, qemu: \"8.1\", link_model: spec}\n"
		"topology:\n"
		"  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
		"  - {driver: pcisim-endpoint, id: nic0, bus: rp1}\n"
		"host: {os: linux, aer: on, vfio_remedy: %s, drivers: {nic0: {vfio: on, guest: "
		"{error_detected: need_reset, slot_reset: recovered, resume: on, callback_time: 5ms}}}}\n"
		"timeline:\n"
		"  - {at: 1s, do: pcie_aer_inject_error, id: nic0, error: DLP}\n"
		"expect:\n"
		"  - {state: \"guest:nic0\", key: last, equals: %s}\n"
		"  - {state: \"aer:rp1\", key: last, equals: recovered}\n";
	static const struct {
		const char *remedy, *guest;
		unsigned sbr, flr, all_ones;
	} v[] = {
		{"none", "failed", 2, 0, 1},            /* two link resets, invalid reads */
		{"skip_host_reset", "recovered", 0, 1, 0}, /* the guest's FLR only */
		{"serialize", "recovered", 2, 0, 0},    /* two resets, one after the other */
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct tb *r = tb_runf(30 * S, fmt, v[i].remedy, v[i].guest);
		assert_int_equal(r->failed, 0);
		assert_int_equal(tb_count(r, "pci.reset", "kind", "warm"), v[i].sbr);
		assert_int_equal(tb_count(r, "pci.reset", "kind", "flr"), v[i].flr);
		assert_int_equal(tb_find_log(r, "device reads all ones") != NULL, v[i].all_ones);
		tb_free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_table),
		cmocka_unit_test(nonfatal_outcomes),
		cmocka_unit_test(fatal_outcomes),
		cmocka_unit_test(reset_on_need_reset),
		cmocka_unit_test(fatal_timing),
		cmocka_unit_test(state_machine_walk),
		cmocka_unit_test(multifunction_votes),
		cmocka_unit_test(correctable_cleared),
		cmocka_unit_test(reset_fails),
		cmocka_unit_test(vfio_remedies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
