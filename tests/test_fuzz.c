/*
 * Fuzz campaigns: with a fixed campaign seed, pcisim fuzz finds the PDS race in
 * scenarios/pds-migration-fuzz.yaml, minimises it to at most two timeline steps, and
 * writes a reproducer that fails under simulate and a trace that replays (and passes
 * under machine.qemu=8.1); the 8.1 model gives no failure at all; campaigns are
 * deterministic whatever the number of worker processes, and shards merged with
 * fuzz-merge equal the whole campaign; an order among simultaneous steps is found and
 * written into the reproducer's timeline; bad fuzz: sections are located errors.
 * pcisim explore proves the QEMU 8.1 variant clean, finds the 7.2 failure, and finds
 * a failure that needs one order of two steps at the same time.
 */
#define _XOPEN_SOURCE 700
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "replay/explore.h"
#include "replay/fuzz.h"
#include "testbench.h"

#define FUZZ_SCENARIO PCISIM_SOURCE_DIR "/scenarios/pds-migration-fuzz.yaml"

static char tmpdir[] = "/tmp/pcisim-test-fuzz-XXXXXX";

static int setup(void **state)
{
	return tb_tmpdir_setup(tmpdir);
}

static int teardown(void **state)
{
	return tb_tmpdir_teardown(tmpdir);
}

/* Run a campaign in this process; the JSON summary (decref it). */
static json_t *campaign(const char *file, struct pcisim_fuzz_opts *o, int want_rc)
{
	char *txt = NULL;
	size_t len;
	o->out = open_memstream(&txt, &len);
	o->json = true;
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	int rc = pcisim_fuzz(file, o, &d);
	fclose(o->out);
	if (rc != want_rc)
		fail_msg("fuzz %s returned %d, expected %d:\n%s", file, rc, want_rc, txt);
	json_error_t je;
	json_t *j = json_loads(txt, 0, &je);
	if (!j)
		fail_msg("not JSON (%s):\n%s", je.text, txt);
	free(txt);
	return j;
}

static json_int_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static void finds_the_pds_race_and_minimises_it(void **state)
{
	char out[512];
	snprintf(out, sizeof(out), "%s/pds", tmpdir);
	struct pcisim_fuzz_opts o = {.runs = 200, .has_runs = true, .seed = 1, .has_seed = true,
				     .jobs = 1, .out_dir = out};
	json_t *j = campaign(FUZZ_SCENARIO, &o, 1);
	assert_int_equal(jint(j, "runs"), 200);
	json_t *sigs = json_object_get(j, "signatures");
	assert_int_equal(json_array_size(sigs), 1);
	json_t *s = json_array_get(sigs, 0);
	const char *sig = json_string_value(json_object_get(s, "signature"));
	assert_non_null(strstr(sig, "expect migration@"));
	assert_non_null(strstr(sig, "invariant migration-completes@migration: failed: get_pci_config_device: Bad config data: i=0x6e"));
	/* About 3 in 5 runs migrate after 2.12 s of 5 s. */
	assert_in_range(jint(s, "runs"), 80, 160);
	assert_int_equal(jint(s, "steps"), 3);
	assert_in_range(jint(s, "steps_minimised"), 1, 2);
	assert_true(json_is_true(json_object_get(s, "reproducer_fails")));
	const char *steps = json_string_value(json_object_get(s, "reproducer_steps"));
	assert_non_null(strstr(steps, "do: migrate"));
	const char *dir = json_string_value(json_object_get(s, "dir"));

	/* The reproducer fails under simulate, at a time after QEMU's unplug. */
	char *txt;
	assert_int_equal(tb_cli(&txt, "simulate %s/repro.yaml", dir), 1);
	assert_non_null(strstr(txt, "FAIL"));
	assert_non_null(strstr(txt, "expected the last migration completed; observed failed"));
	free(txt);
	/* The failing run replays identically, and passes under the fixed model. */
	assert_int_equal(tb_cli(&txt, "replay %s/trace.jsonl", dir), 0);
	assert_non_null(strstr(txt, "identical"));
	free(txt);
	assert_int_equal(tb_cli(&txt, "replay %s/trace.jsonl --set machine.qemu=8.1", dir), 0);
	assert_non_null(strstr(txt, "the recorded failure no longer happens"));
	free(txt);
	assert_int_equal(tb_cli(&txt, "replay %s/repro.jsonl", dir), 0);
	free(txt);
	json_decref(j);
}

static void qemu_81_has_no_failure(void **state)
{
	static const char *const sets[] = {"machine.qemu=8.1"};
	struct pcisim_fuzz_opts o = {.runs = 300, .has_runs = true, .seed = 7, .has_seed = true,
				     .jobs = 1, .sets = sets, .nsets = 1};
	json_t *j = campaign(FUZZ_SCENARIO, &o, 0);
	assert_int_equal(jint(j, "runs"), 300);
	assert_int_equal(jint(j, "failing_runs"), 0);
	assert_int_equal(json_array_size(json_object_get(j, "signatures")), 0);
	json_decref(j);
}

/* (runs, failing, first run of the signature) of a summary */
static void key(json_t *j, json_int_t k[3])
{
	k[0] = jint(j, "runs");
	k[1] = jint(j, "failing_runs");
	json_t *s = json_array_get(json_object_get(j, "signatures"), 0);
	k[2] = s ? jint(s, "first_run") : -1;
}

static void deterministic_across_jobs_and_shards(void **state)
{
	json_int_t a[3], b[3], m[3];
	struct pcisim_fuzz_opts o = {.runs = 600, .has_runs = true, .seed = 3, .has_seed = true, .jobs = 1};
	json_t *one = campaign(FUZZ_SCENARIO, &o, 1);
	key(one, a);
	o = (struct pcisim_fuzz_opts){.runs = 600, .has_runs = true, .seed = 3, .has_seed = true, .jobs = 2};
	json_t *two = campaign(FUZZ_SCENARIO, &o, 1);
	key(two, b);
	assert_memory_equal(a, b, sizeof(a));
	/* Three shards with their own output directories, then merged. */
	char *txt;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(tb_cli(&txt, "fuzz %s --runs 600 --seed 3 --shard %d/3 --out %s/shard%d --no-minimise --quiet",
					 FUZZ_SCENARIO, i, tmpdir, i), 1);
		free(txt);
	}
	assert_int_equal(tb_cli(&txt, "fuzz-merge %s/shard0 %s/shard1 %s/shard2 --out %s/merged --json",
				 tmpdir, tmpdir, tmpdir, tmpdir), 1);
	json_t *merged = json_loads(strchr(txt, '{'), JSON_DISABLE_EOF_CHECK, NULL);
	assert_non_null(merged);
	free(txt);
	key(merged, m);
	assert_memory_equal(a, m, sizeof(a));
	assert_int_equal(jint(merged, "shards"), 3);
	char path[600];
	json_t *s = json_array_get(json_object_get(merged, "signatures"), 0);
	snprintf(path, sizeof(path), "%s/repro.yaml", json_string_value(json_object_get(s, "dir")));
	assert_int_equal(access(path, R_OK), 0);
	/* Shards of different campaigns do not merge. */
	assert_int_equal(tb_cli(&txt, "fuzz %s --runs 10 --seed 4 --out %s/other --no-minimise --quiet",
				 FUZZ_SCENARIO, tmpdir), 1);
	free(txt);
	assert_int_equal(tb_cli(&txt, "fuzz-merge %s/shard0 %s/other", tmpdir, tmpdir), 2);
	assert_non_null(strstr(txt, "not shards of one campaign"));
	free(txt);
	json_decref(one);
	json_decref(two);
	json_decref(merged);
}

static const char order_scenario[] =
	"version: 1\n"
	"name: order-race\n"
	"seed: 1\n"
	"timeline:\n"
	"  - {at: 1ms, do: log, text: noise}\n"
	"  - {at: 2ms, do: log, text: A}\n"
	"  - {at: 2ms, do: stop}\n"
	"expect:\n"
	"  - log: A\n";

static void an_order_of_simultaneous_steps_is_found_and_written_down(void **state)
{
	char file[512], out[512];
	snprintf(file, sizeof(file), "%s/order.yaml", tmpdir);
	snprintf(out, sizeof(out), "%s/order", tmpdir);
	FILE *f = fopen(file, "w");
	fputs(order_scenario, f);
	fclose(f);
	char *txt;
	/* simulate runs them in file order: the line appears */
	assert_int_equal(tb_cli(&txt, "simulate %s --quiet", file), 0);
	free(txt);
	struct pcisim_fuzz_opts o = {.runs = 64, .has_runs = true, .seed = 1, .has_seed = true,
				     .jobs = 1, .out_dir = out, .no_minimise = true};
	json_t *j = campaign(file, &o, 1);
	json_t *s = json_array_get(json_object_get(j, "signatures"), 0);
	assert_string_equal(json_string_value(json_object_get(s, "signature")), "expect log@9");
	assert_in_range(jint(s, "runs"), 16, 48);
	assert_true(json_is_true(json_object_get(s, "reproducer_fails")));
	/* the reproducer has the stop before the line */
	char path[600];
	snprintf(path, sizeof(path), "%s/repro.yaml", json_string_value(json_object_get(s, "dir")));
	size_t n = 0;
	char *yaml = NULL;
	FILE *m = open_memstream(&yaml, &n);
	f = fopen(path, "r");
	char buf[512];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, got, m);
	fclose(f);
	fclose(m);
	char *stop = strstr(yaml, "do: stop"), *a = strstr(yaml, "text: A");
	assert_non_null(stop);
	assert_non_null(a);
	assert_true(stop < a);
	free(yaml);
	json_decref(j);
}

/* A machine whose only failure is a fault of the menu: a surprise removal. */
static const char fault_scenario[] =
	"version: 1\n"
	"name: fault-menu\n"
	"seed: 1\n"
	"until: 3s\n"
	"machine: {type: q35, qemu: \"8.1\"}\n"
	"topology:\n"
	"  - {driver: pcie-root-port, id: rp2, chassis: 0, slot: 1}\n"
	"  - {driver: pcisim-endpoint, id: nic1, bus: rp2}\n"
	"host: {os: linux, pciehp: on}\n"
	"timeline:\n"
	"  - {at: 1s, do: io_start, name: rx, id: nic1, op: dma_read, rate: 1000, size: 1500}\n"
	"  - {at: 2s, do: io_stop, name: rx}\n"
	"expect:\n"
	"  - {count: pci.unplug, equals: 0}\n"
	"fuzz:\n"
	"  jitter: 10%\n"
	"  faults:\n";

static char *slurp(const char *path)
{
	size_t n = 0;
	char *txt = NULL, buf[512];
	FILE *m = open_memstream(&txt, &n), *f = fopen(path, "r");
	assert_non_null(f);
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, got, m);
	fclose(f);
	fclose(m);
	return txt;
}

static void a_fault_menu_finds_a_failure_that_needs_a_fault(void **state)
{
	char file[512], out[512];
	snprintf(file, sizeof(file), "%s/faults.yaml", tmpdir);
	snprintf(out, sizeof(out), "%s/faults", tmpdir);
	FILE *f = fopen(file, "w");
	fprintf(f, "%s%s", fault_scenario,
		"    - {kind: log, text: \"an operator looks\", at: 0s..3s}\n"
		"    - {kind: surprise_remove, id: nic1, at: 0s..1500ms}\n");
	fclose(f);
	char *txt;
	/* simulate ignores the menu: no fault, no failure */
	assert_int_equal(tb_cli(&txt, "simulate %s --quiet", file), 0);
	free(txt);
	struct pcisim_fuzz_opts o = {.runs = 40, .has_runs = true, .seed = 1, .has_seed = true,
				     .jobs = 1, .out_dir = out};
	json_t *j = campaign(file, &o, 1);
	json_t *sigs = json_object_get(j, "signatures");
	assert_int_equal(json_array_size(sigs), 1);
	json_t *s = json_array_get(sigs, 0);
	assert_string_equal(json_string_value(json_object_get(s, "signature")), "expect count@14");
	/* swarm: about half the runs enable the removal */
	assert_in_range(jint(s, "runs"), 8, 32);
	assert_int_equal(jint(s, "steps_minimised"), 1);
	const char *kept = json_string_value(json_object_get(s, "reproducer_steps"));
	assert_non_null(strstr(kept, "do: surprise_remove, id: nic1}"));
	assert_non_null(strstr(kept, "(fault surprise_remove@19)"));
	assert_true(json_is_true(json_object_get(s, "reproducer_fails")));
	/* the reproducer has the fault as an ordinary step, and fails under simulate */
	char path[700];
	snprintf(path, sizeof(path), "%s/repro.yaml", json_string_value(json_object_get(s, "dir")));
	char *yaml = slurp(path);
	assert_non_null(strstr(yaml, "{do: surprise_remove, id: nic1, at: "));
	assert_null(strstr(yaml, "kind:"));
	assert_null(strstr(yaml, "\nfuzz:"));
	free(yaml);
	assert_int_equal(tb_cli(&txt, "simulate %s --quiet", path), 1);
	free(txt);
	/* the faulted run replays identically, its fault choices recorded */
	snprintf(path, sizeof(path), "%s/trace.jsonl", json_string_value(json_object_get(s, "dir")));
	yaml = slurp(path);
	assert_non_null(strstr(yaml, "\"choice\":\"step\",\"step\":3,\"do\":\"surprise_remove\""));
	free(yaml);
	assert_int_equal(tb_cli(&txt, "replay %s", path), 0);
	assert_non_null(strstr(txt, "identical"));
	free(txt);
	json_decref(j);
	/* without the removal on the menu nothing fails */
	f = fopen(file, "w");
	fprintf(f, "%s%s", fault_scenario, "    - {kind: log, text: \"an operator looks\", at: 0s..3s}\n");
	fclose(f);
	o.out_dir = NULL;
	j = campaign(file, &o, 0);
	assert_int_equal(json_array_size(json_object_get(j, "signatures")), 0);
	json_decref(j);
}

static void jittered_hops_are_recorded_and_replayed(void **state)
{
	/* a run with declared latencies drawn (link.hop, within +10%) replays exactly */
	char out[512];
	snprintf(out, sizeof(out), "%s/jitter", tmpdir);
	static const char *const sets[] = {"fuzz.jitter=10%"};
	struct pcisim_fuzz_opts o = {.runs = 8, .has_runs = true, .seed = 3, .has_seed = true,
				     .jobs = 1, .out_dir = out, .no_minimise = true, .sets = sets, .nsets = 1};
	json_t *j = campaign(FUZZ_SCENARIO, &o, 1);
	json_t *s = json_array_get(json_object_get(j, "signatures"), 0);
	char path[700];
	snprintf(path, sizeof(path), "%s/trace.jsonl", json_string_value(json_object_get(s, "dir")));
	char *txt = slurp(path);
	char *jit = strstr(txt, "\"choice\":\"jitter\",\"site\":\"link.hop\"");
	assert_non_null(jit);
	free(txt);
	assert_int_equal(tb_cli(&txt, "replay %s", path), 0);
	assert_non_null(strstr(txt, "identical"));
	free(txt);
	json_decref(j);
}

static void bad_fuzz_sections_are_located_errors(void **state)
{
	char file[512];
	snprintf(file, sizeof(file), "%s/bad.yaml", tmpdir);
	static const struct {
		const char *fuzz, *msg;
	} cases[] = {
		{"{invariants: [no-such]}", ":10:21: error: unknown invariant 'no-such'; valid names: fm-answers-match, fm-single-run, io-accounted, migration-completes, recoveries-complete, slot-settled"},
		{"{runs: 0}", ":10:14: error: 'runs': 0 is out of range"},
		{"{colour: red}", ":10:8: error: unknown key 'colour' in 'fuzz'; valid keys: runs, seed, order, jitter, minimise, invariants, faults"},
		{"{order: maybe}", ":10:15: error: 'order': 'maybe' is not a boolean"},
		{"{jitter: 0%}", ":10:16: error: 'jitter' must be on, off or a percentage 1%..1000%, not '0%'"},
		{"{faults: [{kind: no_such, at: 1s}]}", ":10:24: error: unknown fault kind 'no_such'; valid kinds (the timeline's actions): "},
		{"{faults: [{kind: log, at: 1s, colour: red}]}", ":10:37: error: unknown parameter 'colour' for fault 'log'; valid parameters: at, kind, text"},
		{"{faults: [{at: 1s}]}", ":10:17: error: a fault needs 'kind' (a fault kind: any timeline action); valid kinds: "},
		{"{faults: [{kind: log, text: x}]}", ":10:17: error: a fault needs 'at'"},
		{"{faults: [{kind: surprise_remove, id: nope, at: 1s}]}", ": error: unknown component 'nope' for 'id'"},
		{"{faults: log}", ":10:16: error: 'faults' must be a list of faults"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = fopen(file, "w");
		fprintf(f, "%sfuzz: %s\n", order_scenario, cases[i].fuzz);
		fclose(f);
		char *txt;
		int rc = tb_cli(&txt, "fuzz %s --runs 5", file);
		if (rc != 2 || !strstr(txt, cases[i].msg))
			fail_msg("fuzz: %s: exit %d, expected 2 and '%s' in:\n%s", cases[i].fuzz, rc, cases[i].msg, txt);
		free(txt);
	}
	char *txt;
	assert_int_equal(tb_cli(&txt, "fuzz %s --runs 5 --time 1s", FUZZ_SCENARIO), 2);
	free(txt);
	assert_int_equal(tb_cli(&txt, "fuzz %s --shard 3/3", FUZZ_SCENARIO), 2);
	assert_non_null(strstr(txt, "0 <= i < N"));
	free(txt);
}

static void a_time_budget_ends_the_campaign(void **state)
{
	char *txt;
	assert_int_equal(tb_cli(&txt, "fuzz %s --time 200ms --json --quiet", FUZZ_SCENARIO), 1);
	json_t *j = json_loads(txt, 0, NULL);
	assert_non_null(j);
	assert_true(jint(j, "runs") > 50);
	/*
	 * It ran for its budget and then ended (without a budget a --time campaign never
	 * would). How long past the budget depends on the machine's load (sanitizer builds
	 * on a busy 2-core machine took over 2 s), so the bound is loose: speed is bench/'s.
	 */
	double secs = json_real_value(json_object_get(j, "seconds"));
	assert_true(secs >= 0.2 && secs < 60.0);
	json_decref(j);
	free(txt);
}

static json_t *explore(const char *file, struct pcisim_explore_opts *o, int want_rc)
{
	char *txt = NULL;
	size_t len;
	o->out = open_memstream(&txt, &len);
	o->json = true;
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	int rc = pcisim_explore(file, o, &d);
	fclose(o->out);
	if (rc != want_rc)
		fail_msg("explore %s returned %d, expected %d:\n%s", file, rc, want_rc, txt);
	json_t *j = json_loads(txt, 0, NULL);
	if (!j)
		fail_msg("not JSON:\n%s", txt);
	free(txt);
	return j;
}

static void explore_proves_81_clean_and_finds_the_72_failure(void **state)
{
	static const char *const sets[] = {"machine.qemu=8.1"};
	struct pcisim_explore_opts o = {.sets = sets, .nsets = 1};
	json_t *j = explore(FUZZ_SCENARIO, &o, 0);
	assert_true(json_is_true(json_object_get(j, "exhaustive")));
	assert_int_equal(jint(j, "failing_schedules"), 0);
	assert_int_equal(jint(j, "ranged_steps"), 1);
	/* every distinct migration time: the run's event times and the gaps between them */
	assert_true(jint(j, "schedules") > 100);
	json_decref(j);

	char out[512];
	snprintf(out, sizeof(out), "%s/explore72", tmpdir);
	o = (struct pcisim_explore_opts){.out_dir = out};
	j = explore(FUZZ_SCENARIO, &o, 1);
	assert_non_null(strstr(json_string_value(json_object_get(j, "signature")),
			       "invariant migration-completes@migration: failed: get_pci_config_device"));
	json_t *sched = json_object_get(j, "schedule");
	assert_int_equal(json_array_size(sched), 3);
	/* The migration fails only once QEMU has unplugged the device at 2.12 s. */
	json_t *mig = NULL;
	size_t i;
	json_t *e;
	json_array_foreach(sched, i, e)
	if (!strcmp(json_string_value(json_object_get(e, "do")), "migrate"))
		mig = e;
	assert_non_null(mig);
	pcisim_time t;
	const char *why;
	assert_int_equal(pcisim_time_parse(json_string_value(json_object_get(mig, "at")), &t, &why), 0);
	assert_true(t >= 2120 * PCISIM_MS && t < 2200 * PCISIM_MS);
	assert_true(json_is_true(json_object_get(j, "reproducer_fails")));
	char *txt;
	assert_int_equal(tb_cli(&txt, "simulate %s/repro.yaml --quiet", out), 1);
	free(txt);
	json_decref(j);
	/* The same through the command line, with its exit status. */
	assert_int_equal(tb_cli(&txt, "explore %s --set machine.qemu=8.1", FUZZ_SCENARIO), 0);
	assert_non_null(strstr(txt, "no failing schedule exists"));
	free(txt);
	assert_int_equal(tb_cli(&txt, "explore %s --max-runs 5", FUZZ_SCENARIO), 0);
	assert_non_null(strstr(txt, "not exhaustive"));
	free(txt);
}

static const char explore_order_scenario[] =
	"version: 1\n"
	"name: explore-order\n"
	"seed: 1\n"
	"timeline:\n"
	"  - {at: 2ms, do: log, text: A}\n"
	"  - {at: 2ms..5ms, do: stop}\n"
	"expect:\n"
	"  - log: A\n";

static void explore_finds_an_order_of_same_time_steps(void **state)
{
	char file[512];
	snprintf(file, sizeof(file), "%s/explore-order.yaml", tmpdir);
	FILE *f = fopen(file, "w");
	fputs(explore_order_scenario, f);
	fclose(f);
	/* Only a stop at exactly 2 ms, run before the log step, loses the line. */
	struct pcisim_explore_opts o = {.all = true};
	json_t *j = explore(file, &o, 1);
	assert_int_equal(jint(j, "failing_schedules"), 1);
	json_t *sched = json_object_get(j, "schedule");
	assert_string_equal(json_string_value(json_object_get(json_array_get(sched, 0), "do")), "stop");
	assert_string_equal(json_string_value(json_object_get(json_array_get(sched, 0), "at")), "2ms");
	assert_string_equal(json_string_value(json_object_get(json_array_get(sched, 1), "do")), "log");
	assert_true(json_is_true(json_object_get(j, "exhaustive")));
	json_decref(j);
}

/* A model that dies (an assertion) when a step runs late: workers report it. */
static int act_crash(struct pcisim_sim *sim, const struct pcisim_step *st)
{
	if (sim->now > 5 * PCISIM_MS) {
		signal(SIGABRT, SIG_DFL);
		abort();
	}
	return 0;
}

static const struct pcisim_param_def no_params[] = {{0}};
static const struct pcisim_action_def crash_actions[] = {
	{"test.crash_late", "abort the process after 5 ms", no_params, false, NULL, act_crash},
	{0},
};

static void a_worker_killed_by_a_model_is_a_failure(void **state)
{
	pcisim_actions_add(crash_actions);
	char file[512];
	snprintf(file, sizeof(file), "%s/crash.yaml", tmpdir);
	FILE *f = fopen(file, "w");
	fputs("version: 1\nname: crash\ntimeline:\n  - {at: 0ms..10ms, do: test.crash_late}\n", f);
	fclose(f);
	struct pcisim_fuzz_opts o = {.runs = 100, .has_runs = true, .seed = 1, .has_seed = true, .jobs = 2};
	json_t *j = campaign(file, &o, 1);
	json_t *s = json_array_get(json_object_get(j, "signatures"), 0);
	const char *sig = json_string_value(json_object_get(s, "signature"));
	assert_non_null(strstr(sig, "crash: a model stopped the run with signal 6"));
	json_decref(j);
}

#ifdef PCISIM_HAVE_MPI
/* One campaign across two MPI ranks gives what one process gives. */
static void mpi_campaign_equals_one_process(void **state)
{
	json_int_t a[3], b[3];
	struct pcisim_fuzz_opts o = {.runs = 600, .has_runs = true, .seed = 3, .has_seed = true, .jobs = 1,
				     .no_minimise = true};
	json_t *one = campaign(FUZZ_SCENARIO, &o, 1);
	key(one, a);
	char cmd[2048], *txt = NULL;
	snprintf(cmd, sizeof(cmd),
		 "mpirun --allow-run-as-root --oversubscribe -n 2 %s fuzz %s --mpi --runs 600 --seed 3 --no-minimise --quiet --json --out %s/mpi 2>/dev/null",
		 PCISIM_BINARY, FUZZ_SCENARIO, tmpdir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t len;
	FILE *m = open_memstream(&txt, &len);
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, got, m);
	fclose(m);
	pclose(p);
	json_t *two = json_loads(strchr(txt, '{'), JSON_DISABLE_EOF_CHECK, NULL);
	if (!two)
		fail_msg("no JSON summary from mpirun:\n%s", txt);
	free(txt);
	key(two, b);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(jint(two, "mpi_ranks"), 2);
	json_decref(one);
	json_decref(two);
}
#endif

/*
 * Every command's --help is printed as written (fputs, not a format): no printf
 * escapes such as a doubled percent sign reach the reader; fuzz's --shard line reads
 * "r % N == i".
 */
static void help_texts_print_as_written(void **state)
{
	char *txt;
	assert_int_equal(tb_cli(&txt, "--help"), 0);
	const char *cmds = strstr(txt, "commands:\n");
	assert_non_null(cmds);
	unsigned n = 0;
	for (const char *l = strchr(cmds, '\n') + 1; l[0] == ' ' && l[1] == ' '; l = strchr(l, '\n') + 1) {
		char name[32];
		assert_int_equal(sscanf(l, "%31s", name), 1);
		char *help;
		assert_int_equal(tb_cli(&help, "%s --help", name), 0);
		if (strstr(help, "%%"))
			fail_msg("'pcisim %s --help' prints a doubled '%%':\n%s", name, help);
		if (!strcmp(name, "fuzz"))
			assert_non_null(strstr(help, "run only the runs r with r % N == i"));
		free(help);
		n++;
	}
	assert_true(n >= 6);
	free(txt);
}

/*
 * A scenario whose machines come from an include (two VMs and the FM's I2C bus): the
 * reproducer carries them, folded in, so it loads and fails on its own.
 */
static void a_reproducer_keeps_included_machines(void **state)
{
	(void)state;
	char out[512];
	snprintf(out, sizeof(out), "%s/fm-target", tmpdir);
	struct pcisim_fuzz_opts o = {.runs = 10, .has_runs = true, .seed = 1, .has_seed = true,
				     .jobs = 1, .out_dir = out};
	json_t *j = campaign(PCISIM_SOURCE_DIR "/scenarios/fm-target-fuzz.yaml", &o, 1);
	json_t *s = json_array_get(json_object_get(j, "signatures"), 0);
	assert_non_null(s);
	assert_true(json_is_true(json_object_get(s, "reproducer_fails")));
	char path[700];
	snprintf(path, sizeof(path), "%s/repro.yaml", json_string_value(json_object_get(s, "dir")));
	char *yaml = slurp(path);
	assert_null(strstr(yaml, "\ninclude:"));
	assert_non_null(strstr(yaml, "\nmachines:"));
	assert_non_null(strstr(yaml, "aspeed.i2c.bus.0"));
	free(yaml);
	char *txt;
	assert_int_equal(tb_cli(&txt, "simulate %s --quiet", path), 1);
	assert_non_null(strstr(txt, "fm-single-run"));
	free(txt);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_the_pds_race_and_minimises_it),
		cmocka_unit_test(qemu_81_has_no_failure),
		cmocka_unit_test(deterministic_across_jobs_and_shards),
		cmocka_unit_test(an_order_of_simultaneous_steps_is_found_and_written_down),
		cmocka_unit_test(a_fault_menu_finds_a_failure_that_needs_a_fault),
		cmocka_unit_test(a_reproducer_keeps_included_machines),
		cmocka_unit_test(jittered_hops_are_recorded_and_replayed),
		cmocka_unit_test(bad_fuzz_sections_are_located_errors),
		cmocka_unit_test(a_time_budget_ends_the_campaign),
		cmocka_unit_test(explore_proves_81_clean_and_finds_the_72_failure),
		cmocka_unit_test(explore_finds_an_order_of_same_time_steps),
		cmocka_unit_test(a_worker_killed_by_a_model_is_a_failure),
		cmocka_unit_test(help_texts_print_as_written),
#ifdef PCISIM_HAVE_MPI
		cmocka_unit_test(mpi_campaign_equals_one_process),
#endif
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
