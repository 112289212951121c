/*
 * Several machines in one scenario (machines:), as the FM emulation RFC runs them: a
 * target VM and a Fabric Manager VM with the same ids, the FM's endpoint forwarding
 * to the target through the shared buffer and QMP; the same run whatever the order
 * of the machines (and of the scripts given to import-qemu); a timeline step acting
 * on another machine's device ("target/cxl-dcd0").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <sys/wait.h>

#include "testbench.h"

static char dir[] = "/tmp/pcisim-test-machines-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return tb_tmpdir_setup(dir);
}

static int teardown(void **state)
{
	(void)state;
	return tb_tmpdir_teardown(dir);
}

/* One RFC machine: the switch, the DCD below it, two endpoints; @fwd: the FM VM's
 * forwarding endpoint at address 6, and the FM itself. */
static void machine(FILE *f, const char *name, int qmp, bool fm)
{
	fprintf(f,
		"  - name: %s\n"
		"    qmp: localhost:%d\n"
		"    machine: {type: q35, cxl: on, cxl-fmw: [{targets: [cxl.1], size: 4G}]}\n"
		"    topology:\n"
		"      - qemu_args: |\n"
		"          -object memory-backend-ram,id=cxl-mem2,size=4G\n"
		"          -device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1\n"
		"          -device cxl-rp,port=0,bus=cxl.1,id=cxl_rp_port0,chassis=0,slot=2\n"
		"          -device cxl-upstream,port=2,sn=1234,bus=cxl_rp_port0,id=us0,addr=0.0,multifunction=on\n"
		"          -device cxl-downstream,port=3,bus=us0,id=swport2,chassis=0,slot=6\n"
		"          -device cxl-type3,bus=swport2,volatile-memdev=cxl-mem2,id=cxl-dcd0,sn=99\n"
		"          -device i2c_mctp_cxl,bus=aspeed.i2c.bus.0,address=4,target=us0\n"
		"          -device i2c_mctp_cxl,bus=aspeed.i2c.bus.0,address=6,target=cxl-dcd0%s\n",
		name, qmp, fm ? ",qmp=127.0.0.1:4445,mctp-msg-forward=on" : "");
	if (fm)
		fprintf(f, "    host:\n      fm: {bus: aspeed.i2c.bus.0, endpoints: [{address: 4, eid: 9}, {address: 6, eid: 10}]}\n");
}

static void write_scenario(const char *path, bool fm_first, const char *extra_steps, const char *expect)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "version: 1\nname: two-vms\nseed: 3\nuntil: 3s\nmachines:\n");
	if (fm_first)
		machine(f, "fm", 4446, true);
	machine(f, "target", 4445, false);
	if (!fm_first)
		machine(f, "fm", 4446, true);
	fprintf(f, "timeline:\n"
		   "  - {at: 100ms, do: fm.identify_switch, eid: 9}\n"
		   "  - {at: 200ms, do: fm.send, eid: 10, type: cci, opcode: 0x4000}\n%s"
		   "expect:\n%s",
		extra_steps, expect);
	fclose(f);
}

/* `pcisim simulate @path` meets every expectation (its output shown when not). */
static void simulate_passes(const char *path)
{
	char *out;
	if (tb_cli(&out, "simulate %s", path))
		fail_msg("%s", out);
	free(out);
}

static char *hash_of(const char *out)
{
	const char *h = strstr(out, "trace hash: ");
	assert_non_null(h);
	return strndup(h + 12, 16);
}

/* The FM VM's request runs on the target VM's device (the FM's own copy of it has the
 * same id); the answer comes back; the FM's own switch answers Identify. The same
 * hash with the machines listed either way round. */
static void forwarded_across_machines_any_order(void **state)
{
	(void)state;
	static const char expect[] =
		"  - record: fm.switch\n    fields: {ports: 2, vppbs: 1}\n"
		"  - record: mctp.fwd_run\n    fields: {opcode: 0x4000, rc: 0x0}\n"
		"  - record: fm.response\n    fields: {what: fm.send, rc: 0x0, bytes: 69}\n"
		"  - state: fm/aspeed.i2c.bus.0\n    key: writes\n    equals: 10\n";
	char a[256], b[256], *out;
	snprintf(a, sizeof(a), "%s/a.yaml", dir);
	snprintf(b, sizeof(b), "%s/b.yaml", dir);
	write_scenario(a, true, "", expect);
	write_scenario(b, false, "", expect);
	assert_int_equal(tb_cli(&out, "simulate %s", a), 0);
	char *ha = hash_of(out);
	assert_non_null(strstr(out, "expectations: 4 passed, 0 failed"));
	free(out);
	assert_int_equal(tb_cli(&out, "simulate %s", b), 0);
	char *hb = hash_of(out);
	free(out);
	assert_string_equal(ha, hb);
	free(ha);
	free(hb);
}

/* The target's device is hot-removed after the FM side wrote the request and before
 * the notification reaches the target: its QMP command finds no device, nothing runs,
 * the FM times out after libcxlmi's 1000 ms. */
static void target_unplugged_while_pending(void **state)
{
	(void)state;
	char a[256];
	snprintf(a, sizeof(a), "%s/unplug.yaml", dir);
	write_scenario(a, true, "  - {at: 202100us, do: surprise_remove, id: target/cxl-dcd0}\n",
		       "  - record: mctp.fwd_notify\n    fields: {taken: off, why: \"the target VM has no such device (unplugged)\"}\n"
		       "  - record: fm.timeout\n    fields: {what: fm.send}\n    after: 1200ms\n    before: 1200ms\n"
		       "  - count: mctp.fwd_run\n    equals: 0\n");
	simulate_passes(a);
}

/* Seven commands of four packets each, beside the Identify commands of
 * write_scenario(), five of them sent while the first two's frames are still on the bus: the FM's transmit queue grows past its first room (8 frames)
 * with frames waiting at its head, and every frame still goes out once, in order.
 * The forwarding endpoint NACKs what arrives while it is busy (28 frames), and the
 * commands whose packets it refused time out; a reordered or lost frame changes these
 * counts. */
static void transmit_queue_grows_in_order(void **state)
{
	(void)state;
	char steps[7 * 640] = "", a[256];
	static const char *const at[] = {"200ms", "200ms", "201ms", "201ms", "201ms", "201ms", "201ms"};
	for (unsigned i = 0; i < 7; i++) {
		char step[640];
		snprintf(step, sizeof(step),
			 "  - {at: %s, do: fm.send, eid: 10, type: cci, opcode: 0x4000, timeout: 2s, payload: \"%0400d\"}\n",
			 at[i], 0);
		strcat(steps, step);
	}
	snprintf(a, sizeof(a), "%s/txq.yaml", dir);
	write_scenario(a, true, steps,
		       "  - count: fm.request\n    fields: {attempt: 1}\n    equals: 11\n"
		       "  - count: fm.error\n    equals: 0\n"
		       "  - count: fm.tx_nack\n    equals: 28\n"
		       "  - state: fm/aspeed.i2c.bus.0\n    key: writes\n    equals: 38\n");
	simulate_passes(a);
}

/* A response of 16 packets: Get Log of the Command Effects Log for 1000 bytes, run on
 * the target and sent back by the forwarding endpoint, whose packet room grows to it. */
static void long_response_in_sixteen_packets(void **state)
{
	(void)state;
	char a[256];
	snprintf(a, sizeof(a), "%s/getlog.yaml", dir);
	write_scenario(a, true,
		       "  - {at: 300ms, do: fm.send, eid: 10, type: cci, opcode: 0x0401,"
		       " payload: \"0da9c0b5bf414b788f7996b1623b3f17" "00000000" "e8030000\"}\n",
		       "  - record: mctp.tx\n    component: fm/aspeed.i2c.bus.0/i2c_mctp_cxl#1\n    fields: {bytes: 1013, packets: 16}\n"
		       "  - record: fm.response\n    fields: {opcode: 0x401, rc: 0x0, bytes: 1000}\n");
	simulate_passes(a);
}

/* import-qemu with both of the RFC's scripts: a machines: entry each, named after its
 * file, with its -qmp address; the same scenario run from either order. */
static void import_both_orders(void **state)
{
	(void)state;
	char *out, *y;
	assert_int_equal(tb_cli(&out, "import-qemu tests/golden/fm-target.sh tests/golden/fm-client.sh -o %s/ab.yaml --name rfc", dir), 0);
	free(out);
	assert_int_equal(tb_cli(&out, "import-qemu tests/golden/fm-client.sh tests/golden/fm-target.sh -o %s/ba.yaml --name rfc", dir), 0);
	free(out);
	char path[256];
	snprintf(path, sizeof(path), "%s/ab.yaml", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n;
	y = calloc(1, 1 << 16);
	n = fread(y, 1, (1 << 16) - 1, f);
	fclose(f);
	assert_true(n > 0);
	assert_non_null(strstr(y, "machines:\n  - name: fm-target\n    qmp: \"localhost:4445\""));
	assert_non_null(strstr(y, "  - name: fm-client\n    qmp: \"localhost:4446\""));
	assert_non_null(strstr(y, "mctp-msg-forward: \"on\""));
	free(y);
	assert_int_equal(tb_cli(&out, "simulate %s/ab.yaml", dir), 0);
	char *h1 = hash_of(out);
	free(out);
	assert_int_equal(tb_cli(&out, "simulate %s/ba.yaml", dir), 0);
	char *h2 = hash_of(out);
	free(out);
	assert_string_equal(h1, h2);
	free(h1);
	free(h2);
	/* lspci: each machine's tree, and a function named MACHINE/ID */
	assert_int_equal(tb_cli(&out, "simulate %s/ab.yaml --lspci --lspci-vvv fm-target/cxl-dcd0", dir), 0);
	assert_non_null(strstr(out, "machine fm-client:\n-+-[0000:00]"));
	assert_non_null(strstr(out, "machine fm-target:\n-+-[0000:00]"));
	assert_non_null(strstr(out, "11:00.0 CXL: Intel Corporation Device [8086:0d93]"));
	free(out);
	/* a graph with both machines as clusters and the forwarding edge between them */
	assert_int_equal(tb_cli(&out, "graph %s/ab.yaml", dir), 0);
	assert_non_null(strstr(out, "cluster_fm-client"));
	assert_non_null(strstr(out, "cluster_fm-target"));
	assert_non_null(strstr(out, "\"fm-client/aspeed.i2c.bus.0/i2c_mctp_cxl#1\" -> \"fm-target/pcie.0/cxl.1/cxl_rp_port0/us0/swport2/cxl-dcd0\""));
	free(out);
}

/* explore on the forwarding: the stall that holds a timely answer past libcxlmi's
 * timeout, and the second run of the command that follows, are found and printed. */
static void explore_finds_the_double_run(void **state)
{
	(void)state;
	char *out;
	int rc = tb_cli(&out, "explore scenarios/fm-forward-explore.yaml");
	if (rc != 1 || !strstr(out, "failing schedule:") || !strstr(out, "do: i2c.stall}") ||
	    !strstr(out, "invariant fm-single-run@fm: FM command 3 (fm.send) ran twice: attempts 1 and 2"))
		fail_msg("explore: exit %d:\n%s", rc, out);
	free(out);
}

/* the fuzz menu of I2C and forwarding faults finds the same kind of double run */
static void fuzz_menu_finds_double_runs(void **state)
{
	(void)state;
	char *out;
	int rc = tb_cli(&out, "fuzz scenarios/fm-forward-fuzz.yaml --runs 100");
	if (rc != 1 || !strstr(out, "invariant fm-single-run@fm"))
		fail_msg("fuzz: exit %d:\n%s", rc, out);
	free(out);
}

/*
 * --cxl-list with machines: one listing per machine, each from that machine's host:
 * the CXL host's machine lists its memdev, the other, with no CXL host, nothing.
 */
static void cxl_list_per_machine(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof(path), "%s/cxl-list.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "version: 1\nname: cxl-two\nseed: 1\nuntil: 10ms\nmachines:\n"
		   "  - name: mem\n"
		   "    machine: {type: q35, cxl: on, cxl-fmw: [{targets: [hb0], size: 4G}]}\n"
		   "    topology:\n"
		   "      - qemu_args: |\n"
		   "          -object memory-backend-ram,id=m0,size=512M\n"
		   "          -object memory-backend-ram,id=l0,size=1M\n"
		   "      - {driver: pxb-cxl, id: hb0, bus: pcie.0, bus_nr: 12}\n"
		   "      - {driver: cxl-rp, id: rp0, bus: hb0, port: 0, chassis: 1, slot: 1}\n"
		   "      - {driver: cxl-type3, id: cxl-mem0, bus: rp0, memdev: m0, lsa: l0}\n"
		   "    host: {cxl: on}\n"
		   "  - name: bare\n"
		   "    machine: {type: q35}\n"
		   "    topology: []\n");
	fclose(f);
	char *out;
	int rc = tb_cli(&out, "simulate %s --quiet --cxl-list end", path);
	const char *bare = strstr(out, "cxl list -vvv at 0.010000000 s, machine bare:\n[]\n");
	const char *mem = strstr(out, "cxl list -vvv at 0.010000000 s, machine mem:\n");
	if (rc || !bare || !mem || mem < bare || !strstr(mem, "\"memdev\": \"mem0\""))
		fail_msg("--cxl-list per machine: exit %d:\n%s", rc, out);
	free(out);
	rc = tb_cli(&out, "simulate %s --quiet --json --cxl-list end", path);
	if (rc || !strstr(out, "\"machine\": \"bare\"") || !strstr(out, "\"machine\": \"mem\""))
		fail_msg("--cxl-list --json per machine: exit %d:\n%s", rc, out);
	free(out);
}

/* The tid of the Perfetto thread named @name in @json, or -1. */
static int perfetto_tid(const char *json, const char *name)
{
	char want[300];
	snprintf(want, sizeof(want), "\"name\":\"thread_name\",\"args\":{\"name\":\"%s\"}", name);
	const char *at = strstr(json, want);
	if (!at)
		return -1;
	const char *line = at;
	while (line > json && line[-1] != '\n')
		line--;
	int tid = -1;
	return sscanf(line, "{\"ph\":\"M\",\"pid\":1,\"tid\":%d,", &tid) == 1 ? tid : -1;
}

/*
 * --perfetto with machines: each machine's components have their own threads, named
 * by their MACHINE/... paths, and their records land there: the target's DCD runs the
 * forwarded requests, the FM VM's endpoint records the target's migration.
 */
static void perfetto_tracks_per_machine(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof(path), "%s/m.json", dir);
	char *out;
	int rc = tb_cli(&out, "simulate scenarios/fm-target-migrated.yaml --quiet --perfetto %s", path);
	assert_int_equal(rc, 0);
	free(out);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t len;
	char *json = NULL;
	FILE *m = open_memstream(&json, &len);
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, got, m);
	fclose(m);
	fclose(f);
	int dcd = perfetto_tid(json, "target/pcie.0/cxl.1/cxl_rp_port0/us0/swport2/cxl-dcd0");
	int fm_dcd = perfetto_tid(json, "fm/pcie.0/cxl.1/cxl_rp_port0/us0/swport2/cxl-dcd0");
	int ep = perfetto_tid(json, "fm/aspeed.i2c.bus.0/i2c_mctp_cxl#1");
	assert_true(dcd > 0 && fm_dcd > 0 && ep > 0);
	assert_int_not_equal(dcd, fm_dcd);
	assert_int_not_equal(dcd, ep);
	char want[200];
	snprintf(want, sizeof(want), "\"tid\":%d,\"ts\":152200,\"s\":\"t\",\"name\":\"mctp.fwd_run\"", dcd);
	if (!strstr(json, want))
		fail_msg("no mctp.fwd_run on the target DCD's thread %d", dcd);
	snprintf(want, sizeof(want), "\"tid\":%d,\"ts\":110000,\"s\":\"t\",\"name\":\"mctp.fwd_target\"", ep);
	if (!strstr(json, want))
		fail_msg("no mctp.fwd_target on the FM endpoint's thread %d", ep);
	free(json);
}

/* --vcd with machines: a scope per machine, each component below its machine's. */
static void vcd_scopes_per_machine(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof(path), "%s/m.vcd", dir);
	char *out;
	int rc = tb_cli(&out, "simulate scenarios/fm-target-migrated.yaml --quiet --vcd %s", path);
	assert_int_equal(rc, 0);
	free(out);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *text = NULL;
	size_t len;
	FILE *m = open_memstream(&text, &len);
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, got, m);
	fclose(m);
	fclose(f);
	assert_non_null(strstr(text, "$scope module fm $end\n$scope module pcie_0 $end\n$scope module cxl_1 $end\n"));
	const char *t = strstr(text, "$scope module target $end\n$scope module pcie_0 $end\n$scope module cxl_1 $end\n");
	assert_non_null(t);
	assert_non_null(strstr(t, "$scope module cxl_rp_port0 $end\n$var wire 16"));
	free(text);
}

/* the target's migration in the fuzz menu: fuzz finds a double run a migration takes part in */
static void fuzz_menu_finds_migration_double_run(void **state)
{
	(void)state;
	char *out;
	int rc = tb_cli(&out, "fuzz scenarios/fm-target-fuzz.yaml --runs 1000 --out %s/target-fuzz", dir);
	if (rc != 1 || !strstr(out, "invariant fm-single-run@fm") || !strstr(out, "(fault mctp.target_migrate@"))
		fail_msg("fuzz: exit %d:\n%s", rc, out);
	free(out);
}

/* A QMP command names its device by QOM path, which every machine has: machine: says
 * whose QMP socket it goes to, and without it the step is refused at load. */
static void qmp_step_names_its_machine(void **state)
{
	(void)state;
	char a[256], *out;
	snprintf(a, sizeof(a), "%s/poison.yaml", dir);
	write_scenario(a, true,
		       "  - {at: 300ms, do: cxl-inject-poison, machine: fm, path: /machine/peripheral/cxl-dcd0, start: 0x40, length: 64}\n",
		       "  - count: cxl.inject\n    equals: 1\n");
	assert_int_equal(tb_cli(&out, "simulate %s --timeline", a), 0);
	assert_non_null(strstr(out, "action             do=cxl-inject-poison machine=fm path="));
	assert_non_null(strstr(out, "fm/pcie.0/cxl.1/cxl_rp_port0/us0/swport2/cxl-dcd0 cxl.inject         command=cxl-inject-poison start=0x40"));
	assert_null(strstr(out, "target/pcie.0/cxl.1/cxl_rp_port0/us0/swport2/cxl-dcd0 cxl.inject"));
	free(out);
	write_scenario(a, true,
		       "  - {at: 400ms, do: cxl-inject-poison, path: /machine/peripheral/cxl-dcd0, start: 0x80, length: 64}\n",
		       "  - count: cxl.inject\n    equals: 0\n");
	assert_int_equal(tb_cli(&out, "simulate %s", a), 2);
	assert_non_null(strstr(out, "give 'machine', the VM whose QMP it goes to; valid choices: fm, target"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forwarded_across_machines_any_order),
		cmocka_unit_test(target_unplugged_while_pending),
		cmocka_unit_test(transmit_queue_grows_in_order),
		cmocka_unit_test(long_response_in_sixteen_packets),
		cmocka_unit_test(qmp_step_names_its_machine),
		cmocka_unit_test(import_both_orders),
		cmocka_unit_test(explore_finds_the_double_run),
		cmocka_unit_test(fuzz_menu_finds_double_runs),
		cmocka_unit_test(fuzz_menu_finds_migration_double_run),
		cmocka_unit_test(cxl_list_per_machine),
		cmocka_unit_test(perfetto_tracks_per_machine),
		cmocka_unit_test(vcd_scopes_per_machine),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
