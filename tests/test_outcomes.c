/*
 * What `pcisim simulate` says about a run whatever its scenario expects: the outcomes
 * block (a failed migration with QEMU's line, a failed recovery, a device lost, I/O
 * errors, a device_del left pending), the built-in invariants and how a scenario
 * accounts for or opts out of one, and the comparisons of `state:` expectations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "testbench.h"

static char tmpdir[] = "/tmp/pcisim-test-outcomes-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return tb_tmpdir_setup(tmpdir);
}

static int teardown(void **state)
{
	(void)state;
	return tb_tmpdir_teardown(tmpdir);
}

/* The PDS race of scenarios/pds-migration-race.yaml: migration fails on QEMU 7.2. */
static const char pds_race[] =
	"version: 1\n"
	"name: pds\n"
	"until: 5s\n"
	"machine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
	"topology:\n"
	"  - {driver: pcie-root-port, port: 18, chassis: 19, id: rp18, bus: pcie.0, addr: \"0x12\"}\n"
	"  - {driver: nec-usb-xhci, p2: 4, p3: 4, id: xhci0, bus: rp18, addr: \"0x12.0x1\"}\n"
	"host: {os: linux, pciehp: on}\n"
	"timeline:\n"
	"  - {at: 3s, do: migrate}\n";

static const char qemu_line[] =
	"get_pci_config_device: Bad config data: i=0x6e read: 0 device: 40 cmask: ff wmask: 0 w1cmask:19";

/* Write @head followed by @tail as tmpdir/@name; returns the path (static buffer). */
static const char *scenario(const char *name, const char *head, const char *tail)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(head, f);
	fputs(tail, f);
	fclose(f);
	return path;
}

static void assert_has(const char *out, const char *text)
{
	if (!strstr(out, text))
		fail_msg("output lacks '%s':\n%s", text, out);
}

static void assert_lacks(const char *out, const char *text)
{
	if (strstr(out, text))
		fail_msg("output has '%s':\n%s", text, out);
}

static void failed_migration_without_expectations_fails(void **state)
{
	(void)state;
	char *out;
	int rc = tb_cli(&out, "simulate %s", scenario("bare.yaml", pds_race, ""));
	assert_int_equal(rc, 1);
	char line[256];
	snprintf(line, sizeof(line), "  migration failed: %s (at 3.000000000 s)\n", qemu_line);
	assert_has(out, line);
	assert_has(out, "FAIL invariant migration-completes violated at migration: failed: get_pci_config_device: Bad config data");
	assert_has(out, "; no expectation accounts for it (expect it with {invariant: migration-completes, violated: yes} or {migration: failed}, or opt out with {invariant: migration-completes, ignore: yes})\n");
	assert_has(out, "invariants: 6 checked, 5 held, 1 violated\n");
	assert_has(out, "expectations: 0 passed, 0 failed\n");
	free(out);
	/* --quiet still says why it failed */
	rc = tb_cli(&out, "simulate %s --quiet", scenario("bare.yaml", pds_race, ""));
	assert_int_equal(rc, 1);
	assert_has(out, "FAIL invariant migration-completes violated");
	assert_lacks(out, "outcomes:");
	free(out);
}

static void expected_migration_failure_passes(void **state)
{
	(void)state;
	char *out;
	int rc = tb_cli(&out, "simulate %s", scenario("expected.yaml", pds_race, "expect:\n  - migration: failed\n"));
	assert_int_equal(rc, 0);
	assert_has(out, "ok   invariant migration-completes violated at migration: failed: get_pci_config_device");
	assert_has(out, "; expected by ");
	assert_has(out, "expected.yaml:12:5 (migration)\n");
	assert_has(out, "invariants: 6 checked, 5 held, 1 violated as expected\n");
	assert_has(out, qemu_line); /* the outcome is printed all the same */
	assert_lacks(out, "FAIL");
	free(out);
	/* `migration: completed` does not account for it: exit 1, twice reported */
	rc = tb_cli(&out, "simulate %s", scenario("wrong.yaml", pds_race, "expect:\n  - migration: completed\n"));
	assert_int_equal(rc, 1);
	assert_has(out, "FAIL invariant migration-completes violated");
	free(out);
}

static void invariant_expectation(void **state)
{
	(void)state;
	char *out;
	int rc = tb_cli(&out, "simulate %s",
			scenario("violated.yaml", pds_race,
				 "expect:\n  - {invariant: migration-completes, violated: yes}\n"));
	assert_int_equal(rc, 0);
	assert_has(out, "ok   ");
	assert_has(out, "violated.yaml:12:5: invariant: expected invariant migration-completes violated; observed violated at migration: failed: get_pci_config_device");
	free(out);
	/* the same expectation fails when the invariant holds (QEMU 8.1 migrates) */
	char fixed[sizeof(pds_race)];
	snprintf(fixed, sizeof(fixed), "%s", pds_race);
	memcpy(strstr(fixed, "\"7.2\""), "\"8.1\"", 5);
	rc = tb_cli(&out, "simulate %s",
		    scenario("fixed.yaml", fixed, "expect:\n  - {invariant: migration-completes, violated: yes}\n"));
	assert_int_equal(rc, 1);
	assert_has(out, "FAIL ");
	assert_has(out, "fixed.yaml:12:5: invariant: expected invariant migration-completes violated; observed it holds\n");
	free(out);
	rc = tb_cli(&out, "simulate %s",
		    scenario("holds.yaml", fixed, "expect:\n  - {invariant: migration-completes, violated: no}\n"));
	assert_int_equal(rc, 0);
	assert_has(out, "invariants: 6 checked, 6 held\n");
	free(out);
}

static void opt_out(void **state)
{
	(void)state;
	char *out;
	int rc = tb_cli(&out, "simulate %s",
			scenario("ignore.yaml", pds_race,
				 "expect:\n  - invariant: migration-completes\n    ignore: yes\n"));
	assert_int_equal(rc, 0);
	assert_has(out, "ok   invariant migration-completes not checked: ignored by ");
	assert_has(out, "invariants: 5 checked, 5 held (1 ignored)\n");
	assert_has(out, qemu_line); /* an outcome is still an outcome */
	free(out);
	/* fuzz honours the opt-out too: the same runs fail without it and pass with it */
	rc = tb_cli(&out, "fuzz %s --runs 20 --quiet", scenario("bare.yaml", pds_race, ""));
	assert_int_equal(rc, 1);
	free(out);
	rc = tb_cli(&out, "fuzz %s --runs 20 --quiet",
		    scenario("ignore.yaml", pds_race,
			     "expect:\n  - invariant: migration-completes\n    ignore: yes\n"));
	assert_int_equal(rc, 0);
	free(out);
}

static void unknown_invariant(void **state)
{
	(void)state;
	char *out;
	const char *path = scenario("unknown.yaml", pds_race, "expect:\n  - {invariant: migration, ignore: yes}\n");
	int rc = tb_cli(&out, "simulate %s", path);
	assert_int_equal(rc, 2);
	char want[512];
	snprintf(want, sizeof(want),
		 "%s:12:17: error: unknown invariant 'migration'; valid invariants: fm-answers-match, fm-single-run, io-accounted, migration-completes, recoveries-complete, slot-settled\n",
		 path);
	assert_string_equal(out, want);
	free(out);
}

static void json_summary(void **state)
{
	(void)state;
	char *out;
	int rc = tb_cli(&out, "simulate %s --json", scenario("json.yaml", pds_race, ""));
	assert_int_equal(rc, 1);
	assert_has(out, "\"kind\": \"migration failed\"");
	char what[256];
	snprintf(what, sizeof(what), "\"what\": \"%s\"", qemu_line);
	assert_has(out, what);
	assert_has(out, "\"first_ps\": 3000000000000");
	assert_has(out, "\"name\": \"migration-completes\",\n      \"verdict\": \"violated\"");
	assert_has(out, "\"violations\": 1");
	free(out);
}

/* Outcomes of the shipped scenarios that pass: printed, the exit status unchanged. */
static void outcomes_of_shipped_scenarios(void **state)
{
	(void)state;
	static const struct {
		const char *file, *line;
	} cases[] = {
		{"scenarios/sudden-device-loss-io.yaml",
		 "  device lost: nic1: surprise removal: the device left its slot (at 3.000000000 s)\n"},
		{"scenarios/sudden-device-loss-io.yaml",
		 "  I/O errors: nic1: workload rx: device gone (7000 times from 3.001000000 s)\n"},
		{"scenarios/sudden-device-loss-io.yaml",
		 "  I/O errors: cxl-type1-0: workload dd: no device (3000 times from 7.001000000 s)\n"},
		{"scenarios/aer-fatal-multifunction.yaml",
		 "  recovery failed: rp1: device recovery failed (frozen error, drivers' vote no_aer_driver) (at 1.132000196 s)\n"},
		{"scenarios/pds-migration-fixed.yaml",
		 "  slot enable failed: pciehp:pcie-root-port18: pciehp gave up enabling the slot; it is off (at 2.120018000 s)\n"},
		{"scenarios/timeline-basics.yaml", "outcomes: none\n"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out;
		int rc = tb_cli(&out, "simulate %s", cases[i].file);
		if (rc)
			fail_msg("%s: exit %d\n%s", cases[i].file, rc, out);
		assert_has(out, cases[i].line);
		assert_has(out, "invariants: 6 checked, 6 held\n");
		free(out);
	}
}

static void device_del_pending(void **state)
{
	(void)state;
	char *out;
	/* a guest that answers neither ACPI (q35's default here) nor pciehp: QEMU keeps the request */
	int rc = tb_cli(&out, "simulate %s",
			scenario("dd.yaml",
				 "version: 1\nname: dd\nuntil: 10s\n"
				 "topology:\n"
				 "  - {driver: pcie-root-port, chassis: 1, id: rp1, bus: pcie.0, addr: \"0x12\"}\n"
				 "  - {driver: e1000e, id: nic0, bus: rp1}\n"
				 "host: {os: linux, pciehp: off, acpiphp: off}\n"
				 "timeline:\n  - {at: 1s, do: device_del, id: nic0}\n",
				 ""));
	assert_int_equal(rc, 0);
	assert_has(out, "outcomes:\n  device_del pending: nic0: device_del asked for it; it is still there at the end of the run (at 1.000000000 s)\n");
	free(out);
}

/* A root port's Vendor ID is 0x1b36 (Red Hat): each comparison, holding and not. */
static const char vendor[] =
	"version: 1\nname: st\n"
	"topology:\n"
	"  - {driver: pcie-root-port, chassis: 1, id: rp1, bus: pcie.0, addr: \"0x12\"}\n"
	"expect:\n";

static void state_comparisons(void **state)
{
	(void)state;
	static const struct {
		const char *expect;
		int rc;
		const char *line;
	} cases[] = {
		{"{state: rp1, key: vendor_id, bits_set: 0x1b36}", 0,
		 "ok   %s:6:5: state: expected rp1.vendor_id has bits 0x1b36 set; observed 0x1b36 (6966)\n"},
		{"{state: rp1, key: vendor_id, bits_set: 0x1}", 1,
		 "FAIL %s:6:5: state: expected rp1.vendor_id has bits 0x1 set; observed 0x1b36 (6966), bits 0x1 clear\n"},
		{"{state: rp1, key: vendor_id, bits_clear: 0xc1}", 0,
		 "ok   %s:6:5: state: expected rp1.vendor_id has bits 0xc1 clear; observed 0x1b36 (6966)\n"},
		{"{state: rp1, key: vendor_id, bits_clear: 0x7}", 1,
		 "FAIL %s:6:5: state: expected rp1.vendor_id has bits 0x7 clear; observed 0x1b36 (6966), bits 0x6 set\n"},
		{"{state: rp1, key: vendor_id, bits_set: 0x2, bits_clear: 0x1}", 0,
		 "ok   %s:6:5: state: expected rp1.vendor_id has bits 0x2 set, bits 0x1 clear; observed 0x1b36 (6966)\n"},
		{"{state: rp1, key: vendor_id, mask: 0xff00, equals: 0x1b00}", 0,
		 "ok   %s:6:5: state: expected rp1.vendor_id & 0xff00 == 0x1b00; observed 0x1b00 (6912)\n"},
		{"{state: rp1, key: vendor_id, at_least: 0x1b36}", 0,
		 "ok   %s:6:5: state: expected rp1.vendor_id >= 0x1b36 (6966); observed 0x1b36 (6966)\n"},
		{"{state: rp1, key: vendor_id, at_least: 0x1b37}", 1,
		 "FAIL %s:6:5: state: expected rp1.vendor_id >= 0x1b37 (6967); observed 0x1b36 (6966)\n"},
		{"{state: rp1, key: vendor_id, at_most: 6966}", 0,
		 "ok   %s:6:5: state: expected rp1.vendor_id <= 0x1b36 (6966); observed 0x1b36 (6966)\n"},
		{"{state: rp1, key: vendor_id, mask: 0xff, at_most: 0x35}", 1,
		 "FAIL %s:6:5: state: expected rp1.vendor_id & 0xff <= 0x35 (53); observed 0x36 (54)\n"},
		{"{state: rp1, key: vendor_id, at_least: 0x1000, at_most: 0x1fff}", 0,
		 "ok   %s:6:5: state: expected rp1.vendor_id >= 0x1000 (4096) and <= 0x1fff (8191); observed 0x1b36 (6966)\n"},
		{"{state: rp1, key: vendor_id, equals: 0x1b36, bits_clear: 0x1}", 0,
		 "ok   %s:6:5: state: expected rp1.vendor_id == 0x1b36, bits 0x1 clear; observed 0x1b36 (6966)\n"},
		{"{state: rp1, key: vendor_id, equals: 0x1b36, bits_set: 0x1}", 1,
		 "FAIL %s:6:5: state: expected rp1.vendor_id == 0x1b36, bits 0x1 set; observed 0x1b36 (6966), bits 0x1 clear\n"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char tail[256], want[512], *out;
		snprintf(tail, sizeof(tail), "  - %s\n", cases[i].expect);
		const char *path = scenario("state.yaml", vendor, tail);
		int rc = tb_cli(&out, "simulate %s", path);
		const char *at = strstr(cases[i].line, "%s"); /* where the file name goes */
		snprintf(want, sizeof(want), "%.*s%s%s", (int)(at - cases[i].line), cases[i].line, path, at + 2);
		if (rc != cases[i].rc)
			fail_msg("%s: exit %d, expected %d\n%s", cases[i].expect, rc, cases[i].rc, out);
		assert_has(out, want);
		free(out);
	}
}

/* Slot Status of a native hot-plug port with a device: Presence Detect State (0x40). */
static void state_slot_status_bits(void **state)
{
	(void)state;
	static const char head[] =
		"version: 1\nname: pds\n"
		"machine: {acpi-pci-hotplug-with-bridge-support: off}\n"
		"topology:\n"
		"  - {driver: pcie-root-port, chassis: 1, slot: 1, id: rp1, bus: pcie.0, addr: \"0x12\"}\n"
		"  - {driver: e1000e, id: nic0, bus: rp1}\n"
		"expect:\n";
	char *out;
	const char *path = scenario("pds.yaml", head,
				    "  - {state: rp1, key: slot_status, bits_set: 0x40, bits_clear: 0x8}\n"
				    "  - {state: rp1, key: slot_status, bits_clear: 0x48}\n");
	int rc = tb_cli(&out, "simulate %s", path);
	assert_int_equal(rc, 1);
	char want[1024];
	snprintf(want, sizeof(want),
		 "ok   %s:8:5: state: expected rp1.slot_status has bits 0x40 set, bits 0x8 clear; observed 0x40 (64)\n"
		 "FAIL %s:9:5: state: expected rp1.slot_status has bits 0x48 clear; observed 0x40 (64), bits 0x40 set\n",
		 path, path);
	assert_has(out, want);
	assert_has(out, "expectations: 1 passed, 1 failed\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_migration_without_expectations_fails),
		cmocka_unit_test(expected_migration_failure_passes),
		cmocka_unit_test(invariant_expectation),
		cmocka_unit_test(opt_out),
		cmocka_unit_test(unknown_invariant),
		cmocka_unit_test(json_summary),
		cmocka_unit_test(outcomes_of_shipped_scenarios),
		cmocka_unit_test(device_del_pending),
		cmocka_unit_test(state_comparisons),
		cmocka_unit_test(state_slot_status_bits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
