/*
 * Every passthrough remedy of aer-passthrough-slides.txt on the slides' schedule (a
 * fatal error on a passed-through device while the guest does DMA; vfio-pci signals
 * the guest 1 ms later): what the guest ends with, how many link resets and FLRs the
 * device saw, whether QEMU stopped the VM, and the non-fatal path of nonfatal_only.
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

static struct tb *run(const char *remedy, const char *error)
{
	return tb_runf(0,
		       "version: 1\nname: t\nuntil: 3s\nmachine: {type: q35, qemu: \"8.1\", link_model: spec}\n"
		       "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
		       "  - {driver: pcisim-endpoint, id: nic0, bus: rp1}\n"
		       "host:\n  aer: on\n  vfio_remedy: %s\n  vfio_notify: 1ms\n  drivers:\n    nic0:\n      vfio: on\n"
		       "      guest: {error_detected: need_reset, slot_reset: recovered, resume: on, callback_time: 5ms}\n"
		       "timeline:\n  - {at: 500ms, do: io_start, name: tx, id: nic0, op: dma_write, rate: 1000, size: 1500}\n"
		       "  - {at: 1s, do: pcie_aer_inject_error, id: nic0, error: %s}\n"
		       "  - {at: 2s, do: io_stop, name: tx}\n",
		       remedy, error);
}

static const char *guest_state(struct tb *t, const char *key)
{
	static char buf[64];
	struct pcisim_comp *c = pcisim_comp_find(&t->sim, "guest:nic0");
	struct pcisim_value v = {0};
	assert_non_null(c);
	assert_int_equal(c->ops->query(c, key, &v), 0);
	if (v.is_str)
		return v.s;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v.u);
	return buf;
}

struct outcome {
	const char *remedy;
	const char *last;  /* the guest's last recovery: recovered, failed, - (none) */
	const char *state; /* idle, vm_stopped */
	unsigned sbr, flr; /* resets of nic0 */
};

static void each_remedy_on_the_double_reset_schedule(void **state)
{
	static const struct outcome want[] = {
		{"none", "failed", "idle", 2, 0},            /* Problem C: two link resets */
		{"skip_host_reset", "recovered", "idle", 0, 1}, /* the 2016 workable version */
		{"serialize", "recovered", "idle", 2, 0},    /* one after the other */
		{"vm_stop", "-", "vm_stopped", 1, 0},        /* QEMU upstream */
		{"flr_translation", "failed", "idle", 1, 1}, /* no second link reset, same race */
		{"nonfatal_only", "-", "vm_stopped", 1, 0},  /* a fatal error stops the VM */
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct tb *t = run(want[i].remedy, "DLP");
		assert_int_equal(t->rc, 0);
		if (strcmp(guest_state(t, "last"), want[i].last) || strcmp(guest_state(t, "state"), want[i].state))
			fail_msg("%s: guest last %s state %s, want %s %s", want[i].remedy, guest_state(t, "last"),
				 guest_state(t, "state"), want[i].last, want[i].state);
		assert_int_equal(tb_count(t, "pci.reset", "why", "secondary bus reset"), want[i].sbr);
		assert_int_equal(tb_count(t, "pci.reset", "kind", "flr"), want[i].flr);
		assert_int_equal(tb_count(t, "aer.vfio", "event", "vm stopped"), strcmp(want[i].state, "vm_stopped") ? 0 : 1);
		tb_free(t);
	}
}

static void nonfatal_only_recovers_without_reset(void **state)
{
	struct tb *t = run("nonfatal_only", "POISON_TLP");
	assert_string_equal(guest_state(t, "last"), "recovered");
	assert_string_equal(guest_state(t, "state"), "idle");
	assert_int_equal(tb_count(t, "pci.reset", NULL, NULL), 0);
	assert_non_null(tb_find_log(t, "AER: Uncorrectable (Non-Fatal) error received"));
	tb_free(t);
	/* the other remedies forward the same error as a fatal one: a reset follows */
	t = run("none", "POISON_TLP");
	assert_int_not_equal(tb_count(t, "pci.reset", NULL, NULL), 0);
	tb_free(t);
}

/* The slides' Problems A and B: every function of a multi-function device passed
 * through, the same topology in the guest: one guest recovery covers both functions
 * and its one link reset resets both. */
static void multifunction_one_recovery(void **state)
{
	static const char *text =
		"version: 1\nname: t\nuntil: 3s\nmachine: {type: q35, qemu: \"8.1\", link_model: spec}\n"
		"topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
		"  - {driver: pcisim-endpoint, id: nic0, bus: rp1, addr: \"0.0\", multifunction: on}\n"
		"  - {driver: pcisim-endpoint, id: nic1, bus: rp1, addr: \"0.1\"}\n"
		"host:\n  aer: on\n  vfio_remedy: skip_host_reset\n  drivers:\n"
		"    nic0: {vfio: on, guest: {error_detected: need_reset, slot_reset: recovered, resume: on, callback_time: 5ms}}\n"
		"    nic1: {vfio: on, guest: {error_detected: need_reset, slot_reset: recovered, resume: on, callback_time: 5ms}}\n"
		"timeline:\n  - {at: 1s, do: pcie_aer_inject_error, id: nic0, error: DLP}\n";
	struct tb *t = tb_runf(0, "%s", text);
	assert_int_equal(tb_count(t, "aer.vfio", "event", "guest signalled"), 1);
	assert_int_equal(tb_count(t, "pci.reset", "kind", "flr"), 2); /* one per function */
	assert_int_equal(tb_count(t, "pci.reset", "why", "secondary bus reset"), 0);
	assert_int_equal(tb_count(t, "aer.callback", "callback", "slot_reset"), 2);
	struct pcisim_value v = {0};
	for (int i = 0; i < 2; i++) {
		struct pcisim_comp *c = pcisim_comp_find(&t->sim, i ? "guest:nic1" : "guest:nic0");
		assert_int_equal(c->ops->query(c, "last", &v), 0);
		assert_string_equal(v.s, "recovered");
	}
	tb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_remedy_on_the_double_reset_schedule),
		cmocka_unit_test(nonfatal_only_recovers_without_reset),
		cmocka_unit_test(multifunction_one_recovery),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
