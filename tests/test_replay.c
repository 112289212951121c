/*
 * Recording and replay: every shipped scenario recorded in both forms replays
 * identically with simulate's trace hash; the forms convert into each other; a
 * changed model diverges at the right item; --set machine.qemu=8.1 removes the PDS
 * failure; --until --dump and --diff; and the corpus of corrupt traces in
 * tests/corrupt gives one clean error naming the offset, exit status 2.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <xxhash.h>

#include "replay/runner.h"
#include "replay/tracefile.h"
#include "replay/verify.h"
#include "testbench.h"

static char tmpdir[] = "/tmp/pcisim-test-replay-XXXXXX";

static int setup(void **state)
{
	return tb_tmpdir_setup(tmpdir);
}

static int teardown(void **state)
{
	return tb_tmpdir_teardown(tmpdir);
}

/* The trace hash `pcisim simulate` gives (the same calls, no hooks). */
static uint64_t simulate_hash(struct pcisim_scenario *sc)
{
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	struct pcisim_sim sim;
	pcisim_sim_init(&sim, sc->seed, &d);
	pcisim_trace_attach(&sim, true);
	assert_int_equal(pcisim_scenario_instantiate(&sim, sc, NULL, NULL, &d), 0);
	pcisim_run(&sim, sc->has_until ? sc->until : PCISIM_DEFAULT_UNTIL);
	const char *reason = sim.stopping ? "stopped"
			     : pcisim_next_time(&sim) == PCISIM_TIME_MAX ? "idle"
									  : "time limit";
	PCISIM_RECORD(&sim, NULL, "sim.end", PCISIM_FU("events", sim.executed),
		      PCISIM_FS("reason", reason));
	uint64_t h = sim.hash;
	pcisim_sim_free(&sim);
	return h;
}

/* Record @path's run into @out in form @f; returns the run's hash. */
static uint64_t record(const char *path, const char *out, enum pcisim_tformat f)
{
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	struct pcisim_scenario sc;
	assert_int_equal(pcisim_scenario_load(&sc, path, &d), 0);
	char err[256];
	struct pcisim_run_spec spec;
	pcisim_run_spec_init(&spec, &sc);
	struct pcisim_tinclude incs[16];
	struct pcisim_theader h;
	pcisim_theader_for(&h, &sc, spec.seed, spec.until, NULL, 0, "test", incs);
	spec.hdr = &h;
	spec.w = pcisim_twriter_open(out, f, err, sizeof(err));
	assert_non_null(spec.w);
	struct pcisim_run_result res;
	assert_int_equal(pcisim_run_scenario(&spec, &res, &d), 0);
	assert_int_equal(pcisim_twriter_close(spec.w, err, sizeof(err)), 0);
	uint64_t hash = res.hash;
	assert_true(hash == simulate_hash(&sc));
	pcisim_run_result_free(&res);
	pcisim_scenario_free(&sc);
	return hash;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, got, m);
	fclose(f);
	fclose(m);
	*len = n;
	return buf;
}

/* Replay @t with @o; the output in *@text (free it). */
static int replay_capture(const struct pcisim_tfile *t, struct pcisim_replay_opts *o, char **text)
{
	size_t n;
	FILE *m = open_memstream(text, &n);
	o->out = m;
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	int rc = pcisim_replay(t, o, &d);
	fclose(m);
	return rc;
}

static void every_scenario_replays(void **state)
{
	glob_t g;
	assert_int_equal(glob(PCISIM_SOURCE_DIR "/scenarios/*.yaml", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 6);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char j[512], b[512], j2[512];
		snprintf(j, sizeof(j), "%s/s%zu.jsonl", tmpdir, i);
		snprintf(b, sizeof(b), "%s/s%zu.pctrace", tmpdir, i);
		snprintf(j2, sizeof(j2), "%s/s%zu-again.jsonl", tmpdir, i);
		uint64_t hj = record(g.gl_pathv[i], j, PCISIM_TF_JSONL);
		uint64_t hb = record(g.gl_pathv[i], b, PCISIM_TF_BINARY);
		assert_true(hj == hb);
		const char *files[] = {j, b};
		for (int k = 0; k < 2; k++) {
			struct pcisim_diag d;
			pcisim_diag_init(&d, stderr);
			struct pcisim_tfile t;
			assert_int_equal(pcisim_tfile_read(&t, files[k], &d), 0);
			assert_true(t.end.hash == hj);
			struct pcisim_replay_opts o = {0};
			char *out;
			int rc = replay_capture(&t, &o, &out);
			if (rc)
				fail_msg("%s (%s) did not replay:\n%s", g.gl_pathv[i], files[k], out);
			assert_non_null(strstr(out, "identical"));
			free(out);
			/* binary -> JSON Lines gives the same bytes as recording JSON Lines */
			if (k == 1) {
				char err[256];
				assert_int_equal(pcisim_tfile_write(&t, j2, PCISIM_TF_JSONL, err, sizeof(err)), 0);
				size_t l1, l2;
				char *a = slurp(j, &l1), *c = slurp(j2, &l2);
				assert_int_equal(l1, l2);
				assert_memory_equal(a, c, l1);
				free(a);
				free(c);
			}
			pcisim_tfile_free(&t);
		}
	}
	globfree(&g);
}

/* The index of the first item of the recorded run that a QEMU 8.1 model changes. */
static size_t first_failure_line(const struct pcisim_tfile *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct pcisim_titem *it = &t->items[i];
		if (it->type == PCISIM_TI_RECORD && !strcmp(it->kind, "log") && it->t == 3 * PCISIM_S &&
		    it->nfields == 2 && strstr(it->fields[1].s, "Bad config data"))
			return i;
	}
	fail_msg("no 'Bad config data' line in the recording");
	return 0;
}

static void changed_model_diverges_at_the_right_item(void **state)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/race.jsonl", tmpdir);
	record(PCISIM_SOURCE_DIR "/scenarios/pds-migration-race.yaml", path, PCISIM_TF_JSONL);
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	struct pcisim_tfile t;
	assert_int_equal(pcisim_tfile_read(&t, path, &d), 0);
	size_t want = first_failure_line(&t);
	/* The same recording checked against a model that behaves differently. */
	static const char *const sets[] = {"machine.qemu=8.1"};
	t.h.sets = sets;
	t.h.nsets = 1;
	struct pcisim_replay_opts o = {.context = 3};
	char *out;
	assert_int_equal(replay_capture(&t, &o, &out), PCISIM_REPLAY_DIFFERS);
	char head[128];
	snprintf(head, sizeof(head), "diverged at item #%zu of %zu (line %zu)", want, t.n, want + 2);
	if (!strstr(out, head))
		fail_msg("expected '%s' in:\n%s", head, out);
	assert_non_null(strstr(out, "the 3 recorded items before it"));
	assert_non_null(strstr(out, "expected:"));
	assert_non_null(strstr(out, "Bad config data"));
	assert_non_null(strstr(out, "replayed:"));
	assert_non_null(strstr(out, "result=completed"));
	free(out);
	pcisim_tfile_free(&t);
}

static void set_qemu_81_removes_the_pds_failure(void **state)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/race.pctrace", tmpdir);
	record(PCISIM_SOURCE_DIR "/scenarios/pds-migration-race.yaml", path, PCISIM_TF_BINARY);
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	struct pcisim_tfile t;
	assert_int_equal(pcisim_tfile_read(&t, path, &d), 0);
	assert_non_null(strstr(t.end.signature, "invariant migration-completes"));
	const char *fixed[] = {"machine.qemu=8.1"};
	struct pcisim_replay_opts o = {.sets = fixed, .nsets = 1};
	char *out;
	assert_int_equal(replay_capture(&t, &o, &out), PCISIM_REPLAY_OK);
	assert_non_null(strstr(out, "verdict: the recorded failure no longer happens"));
	free(out);
	const char *same[] = {"machine.qemu=7.2"};
	o = (struct pcisim_replay_opts){.sets = same, .nsets = 1};
	assert_int_equal(replay_capture(&t, &o, &out), PCISIM_REPLAY_DIFFERS);
	assert_non_null(strstr(out, "verdict: the recorded failure still happens"));
	free(out);
	pcisim_tfile_free(&t);
}

static void cli_record_replay_dump_diff(void **state)
{
	char *out;
	assert_int_equal(tb_cli(&out, "simulate %s/scenarios/pds-migration-race.yaml --quiet --record %s/cli.pctrace",
				 PCISIM_SOURCE_DIR, tmpdir), 0);
	free(out);
	assert_int_equal(tb_cli(&out, "simulate %s/scenarios/pds-migration-fixed.yaml --quiet --record %s/fixed.jsonl",
				 PCISIM_SOURCE_DIR, tmpdir), 0);
	free(out);
	assert_int_equal(tb_cli(&out, "replay %s/cli.pctrace", tmpdir), 0);
	assert_non_null(strstr(out, "identical"));
	free(out);
	assert_int_equal(tb_cli(&out, "replay %s/cli.pctrace --set machine.qemu=8.1", tmpdir), 0);
	assert_non_null(strstr(out, "no longer happens"));
	free(out);
	assert_int_equal(tb_cli(&out, "replay %s/cli.pctrace --until 2.5s --dump", tmpdir), 0);
	assert_non_null(strstr(out, "state at 2.500000000 s"));
	assert_non_null(strstr(out, "pciehp Slot(0): state OFF"));
	assert_non_null(strstr(out, "pending events (2)"));
	assert_non_null(strstr(out, "scenario.step"));
	free(out);
	assert_int_equal(tb_cli(&out, "replay --diff %s/cli.pctrace %s/cli.pctrace", tmpdir, tmpdir), 0);
	free(out);
	assert_int_equal(tb_cli(&out, "replay --diff %s/cli.pctrace %s/fixed.jsonl", tmpdir, tmpdir), 1);
	assert_non_null(strstr(out, "scenarios differ"));
	free(out);
	assert_int_equal(tb_cli(&out, "replay %s/cli.pctrace --set nosuch=1", tmpdir), 2);
	assert_non_null(strstr(out, "unknown key 'nosuch'"));
	free(out);
	assert_int_equal(tb_cli(&out, "replay %s/does-not-exist", tmpdir), 2);
	free(out);
}

static void corrupt_corpus_gives_clean_errors(void **state)
{
	FILE *f = fopen(PCISIM_SOURCE_DIR "/tests/corrupt/expect.txt", "r");
	assert_non_null(f);
	char line[1024];
	unsigned n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = 0;
		char *tab = strchr(line, '\t');
		assert_non_null(tab);
		*tab = 0;
		char *out;
		int rc = tb_cli(&out, "replay %s/tests/corrupt/%s", PCISIM_SOURCE_DIR, line);
		if (rc != 2 || !strstr(out, tab + 1) || !strstr(out, "error: offset "))
			fail_msg("%s: exit %d, expected 2 and '%s' in:\n%s", line, rc, tab + 1, out);
		/* exactly one line: one error, nothing else */
		assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
		free(out);
		n++;
	}
	fclose(f);
	/* every file of the corpus is listed */
	DIR *dir = opendir(PCISIM_SOURCE_DIR "/tests/corrupt");
	assert_non_null(dir);
	unsigned files = 0;
	for (struct dirent *e; (e = readdir(dir));)
		if (e->d_name[0] != '.' && strcmp(e->d_name, "expect.txt") && !strstr(e->d_name, ".c") &&
		    !strstr(e->d_name, ".md") && !strstr(e->d_name, ".py"))
			files++;
	closedir(dir);
	assert_int_equal(files, n);
	assert_true(n >= 30);
}

/*
 * A model with a declared latency and a concurrent event kind, registered by the
 * test: test.kick schedules test.arrive after pcisim_jitter(1 ms within 0..10 ms)
 * and two test.tick events at one time and class, which record their order.
 */
static void arrive(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	PCISIM_RECORD(sim, NULL, "log", PCISIM_FS("source", "test"), PCISIM_FS("text", "arrived"));
}
PCISIM_EVKIND(arrive_kind, "test.arrive", arrive);

static void tick(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	PCISIM_RECORD(sim, NULL, "log", PCISIM_FS("source", "test"),
		      PCISIM_FS("text", ev->a[0] ? "tick B" : "tick A"));
}
PCISIM_EVKIND_CONCURRENT(tick_kind, "test.tick", tick);

static int act_kick(struct pcisim_sim *sim, const struct pcisim_step *st)
{
	pcisim_time d = pcisim_jitter(sim, NULL, "test.delay", PCISIM_MS, 0, 10 * PCISIM_MS);
	pcisim_schedule(sim, d, PCISIM_CLASS_HW, &arrive_kind, NULL, 0, 0);
	pcisim_schedule(sim, PCISIM_MS, PCISIM_CLASS_HOST, &tick_kind, NULL, 0, 0);
	pcisim_schedule(sim, PCISIM_MS, PCISIM_CLASS_HOST, &tick_kind, NULL, 1, 0);
	return 0;
}

static const struct pcisim_param_def no_params[] = {{0}};
static const struct pcisim_action_def test_actions[] = {
	{"test.kick", "schedule a jittered arrival and two concurrent ticks", no_params, false, NULL, act_kick},
	{0},
};

static const char hooks_scenario[] =
	"version: 1\n"
	"name: hooks\n"
	"seed: 1\n"
	"timeline:\n"
	"  - {at: 1ms..3ms, do: test.kick}\n"
	"expect:\n"
	"  - log: arrived\n";

/* The first tick's text. */
static void first_tick(void *ctx, const struct pcisim_titem *it)
{
	char *first = ctx;
	if (!first[0] && it->type == PCISIM_TI_RECORD && it->nfields == 2 && it->fields[1].s &&
	    !strncmp(it->fields[1].s, "tick", 4))
		snprintf(first, 16, "%s", it->fields[1].s);
}

/*
 * An unhashed run (a campaign's) makes no record of a kind that nothing watches, and
 * every record an expectation watches: a log expectation, and a record or count
 * expectation of kind "log", hold as in a hashed run. Of the run's records, the step's
 * action is made in any case; its log line and sim.end only when something watches them.
 */
static void unhashed_runs_make_the_records_they_watch(void **state)
{
	(void)state;
	static const struct {
		const char *yaml;
		unsigned failed;
		uint64_t made; /* records the unhashed run makes */
	} expects[] = {
		{"  - log: hello\n", 0, 2},
		{"  - {record: log, fields: {text: hello}}\n", 0, 2},
		{"  - {count: log, equals: 1}\n", 0, 2},
		{"  - log: goodbye\n", 1, 2},
		{"  - {count: migration, equals: 0}\n", 0, 1},
		{"  - {count: sim.end, equals: 1}\n", 0, 2},
		{"  - {count: sim.end, equals: 1}\n  - log: hello\n", 0, 3},
	};
	for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
		char yaml[512];
		snprintf(yaml, sizeof(yaml),
			 "version: 1\nname: logs\nseed: 1\ntimeline:\n  - {at: 1ms, do: log, text: hello}\nexpect:\n%s",
			 expects[i].yaml);
		struct pcisim_diag d;
		pcisim_diag_init(&d, stderr);
		struct pcisim_scenario sc;
		assert_int_equal(pcisim_scenario_parse(&sc, "logs.yaml", yaml, strlen(yaml), &d), 0);
		struct pcisim_run_spec spec;
		pcisim_run_spec_init(&spec, &sc);
		struct pcisim_run_result hashed, unhashed;
		assert_int_equal(pcisim_run_scenario(&spec, &hashed, &d), 0);
		spec.unhashed = true;
		assert_int_equal(pcisim_run_scenario(&spec, &unhashed, &d), 0);
		assert_int_equal(hashed.failed, unhashed.failed);
		assert_int_equal(hashed.failed, expects[i].failed);
		assert_int_equal(hashed.records, 8); /* the machine's build and boot make five more */
		assert_int_equal(unhashed.records, expects[i].made);
		pcisim_run_result_free(&hashed);
		pcisim_run_result_free(&unhashed);
		pcisim_scenario_free(&sc);
	}
}

static void jitter_and_ranks_are_recorded_and_replayed(void **state)
{
	pcisim_actions_add(test_actions);
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	struct pcisim_scenario sc;
	assert_int_equal(pcisim_scenario_parse(&sc, "hooks.yaml", hooks_scenario, strlen(hooks_scenario), &d), 0);
	/* Without a policy: nominal latency, scheduling order, simulate's hash. */
	struct pcisim_run_spec spec;
	pcisim_run_spec_init(&spec, &sc);
	struct pcisim_run_result res;
	assert_int_equal(pcisim_run_scenario(&spec, &res, &d), 0);
	assert_true(res.hash == simulate_hash(&sc));
	assert_int_equal(res.nchoices, 1); /* the step's time only */
	pcisim_run_result_free(&res);
	/* Random runs: some draw another latency, some run tick B first; each replays. */
	unsigned b_first = 0, late = 0;
	for (uint64_t r = 0; r < 16; r++) {
		char path[512], err[256];
		snprintf(path, sizeof(path), "%s/hooks%llu.%s", tmpdir, (unsigned long long)r,
			 r & 1 ? "jsonl" : "pctrace");
		pcisim_run_spec_init(&spec, &sc);
		spec.policy = PCISIM_POLICY_RANDOM;
		pcisim_rng_stream(&spec.rng, 42, "test", path);
		spec.order = spec.jitter = true;
		struct pcisim_tinclude incs[2];
		struct pcisim_theader h;
		pcisim_theader_for(&h, &sc, spec.seed, spec.until, NULL, 0, "test", incs);
		h.flags = PCISIM_TH_RANKED | PCISIM_TH_JITTER;
		spec.hdr = &h;
		spec.w = pcisim_twriter_open(path, pcisim_tformat_for_path(path), err, sizeof(err));
		assert_non_null(spec.w);
		char first[16] = "";
		spec.on_item = first_tick;
		spec.item_ctx = first;
		assert_int_equal(pcisim_run_scenario(&spec, &res, &d), 0);
		assert_int_equal(pcisim_twriter_close(spec.w, err, sizeof(err)), 0);
		/* step + jitter + 3 ranks (the step and the two ticks) */
		assert_int_equal(res.nchoices, 5);
		assert_int_equal(res.failed, 0);
		b_first += !strcmp(first, "tick B");
		for (size_t i = 0; i < res.nchoices; i++)
			if (res.choices[i].choice == PCISIM_CH_JITTER && res.choices[i].a[1] != PCISIM_MS)
				late++;
		pcisim_run_result_free(&res);
		struct pcisim_tfile t;
		assert_int_equal(pcisim_tfile_read(&t, path, &d), 0);
		struct pcisim_replay_opts o = {0};
		char *out;
		int rc = replay_capture(&t, &o, &out);
		if (rc)
			fail_msg("run %llu did not replay:\n%s", (unsigned long long)r, out);
		free(out);
		pcisim_tfile_free(&t);
	}
	assert_true(b_first > 0 && b_first < 16);
	assert_true(late > 8);
	pcisim_scenario_free(&sc);
}

/* Replay @t; the diag's output in *@err (free it). */
static int replay_errors(const struct pcisim_tfile *t, char **err)
{
	size_t n;
	FILE *m = open_memstream(err, &n);
	struct pcisim_diag d;
	pcisim_diag_init(&d, m);
	FILE *out = fopen("/dev/null", "w");
	struct pcisim_replay_opts o = {.out = out};
	int rc = pcisim_replay(t, &o, &d);
	fclose(out);
	fclose(m);
	return rc;
}

static uint64_t digest_of(const struct pcisim_theader *h)
{
	uint64_t x = XXH3_64bits(h->text, h->text_len);
	for (size_t i = 0; i < h->nincs; i++)
		x = XXH3_64bits_withSeed(h->incs[i].text, h->incs[i].len, x);
	return x;
}

/*
 * Included files come from the trace, never from the disk, under the names the
 * loader made for them when the run was recorded (from any folder, nested too).
 * A trace whose includes are not the scenario's, by name or by number, is an error
 * that names which include of the trace and its offset.
 */
static void includes_come_from_the_trace(void **state)
{
	char dir[128], cmd[300], p[300];
	snprintf(dir, sizeof(dir), "%s/inc", tmpdir);
	static const char *const files[][2] = {
		{"main.yaml", "version: 1\nname: withinc\ninclude: parts/a.yaml\ntimeline:\n  - {at: 1ms, do: stop}\n"},
		{"parts/a.yaml", "include: b.yaml\nseed: 7\n"},
		{"parts/b.yaml", "until: 1s\n"},
	};
	snprintf(p, sizeof(p), "%s/parts", dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(mkdir(p, 0700), 0);
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i][0]);
		FILE *fh = fopen(p, "w");
		assert_non_null(fh);
		fputs(files[i][1], fh);
		fclose(fh);
	}
	char *out;
	assert_int_equal(tb_cli(&out, "simulate %s/main.yaml --record %s/inc.jsonl --quiet", dir, tmpdir), 0);
	free(out);
	assert_int_equal(tb_cli(&out, "replay %s/inc.jsonl --convert %s/inc.pctrace", tmpdir, tmpdir), 0);
	free(out);
	snprintf(cmd, sizeof(cmd), "rm -r %s", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(tb_cli(&out, "replay %s/inc.jsonl", tmpdir), 0);
	free(out);
	assert_int_equal(tb_cli(&out, "replay %s/inc.pctrace", tmpdir), 0);
	free(out);

	static const char *const forms[] = {"inc.jsonl", "inc.pctrace"};
	for (size_t f = 0; f < 2; f++) {
		char path[600], *err;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, forms[f]);
		struct pcisim_diag d;
		pcisim_diag_init(&d, stderr);
		struct pcisim_tfile t;
		assert_int_equal(pcisim_tfile_read(&t, path, &d), 0);
		assert_int_equal(t.h.nincs, 2);
		struct pcisim_tinclude incs[3] = {t.h.incs[0], t.h.incs[1], {"extra.yaml", "seed: 1\n", 8}};
		const struct pcisim_tinclude *orig = t.h.incs;
		uint64_t orig_digest = t.h.digest;
		/* the second include renamed: not the scenario's name for it */
		incs[1].file = "parts/c.yaml";
		t.h.incs = incs;
		assert_int_equal(replay_errors(&t, &err), PCISIM_REPLAY_ERROR);
		assert_non_null(strstr(err, "include 2 of the trace is named 'parts/c.yaml', but the scenario includes '"));
		assert_non_null(strstr(err, "/parts/b.yaml' there ("));
		assert_non_null(strstr(err, "/parts/a.yaml:1:10)"));
		assert_non_null(strstr(err, f ? "error: offset " : ":1:1: error: offset 0: "));
		assert_null(strstr(err, "pcisim-replay-"));
		free(err);
		/* one include more than the scenario's */
		incs[1] = orig[1];
		t.h.nincs = 3;
		t.h.digest = digest_of(&t.h);
		assert_int_equal(replay_errors(&t, &err), PCISIM_REPLAY_ERROR);
		assert_non_null(strstr(err, "include 3 of the trace ('extra.yaml') is not one the scenario includes (it includes 2 files)"));
		free(err);
		/* one fewer */
		t.h.nincs = 1;
		t.h.digest = digest_of(&t.h);
		assert_int_equal(replay_errors(&t, &err), PCISIM_REPLAY_ERROR);
		assert_non_null(strstr(err, "/parts/b.yaml' ("));
		assert_non_null(strstr(err, "but the trace embeds only 1 included file; expected every file the scenario includes, in load order"));
		free(err);
		t.h.incs = orig;
		t.h.nincs = 2;
		t.h.digest = orig_digest;
		pcisim_tfile_free(&t);
	}
}

/*
 * A header override must be KEY=VALUE text: none (string reference 0), null, an
 * empty string or one without '=' is an error of the trace's, at its offset, when
 * the trace is read, so neither replay (which crashed on none) nor --convert (which
 * dropped it) goes on. An override the scenario refuses blames the trace too.
 */
static void header_overrides_are_checked_where_they_are(void **state)
{
	static const char *const bad[] = {"body-set-none.pctrace", "set-null.jsonl", "set-no-equals.jsonl",
					  "body-set-no-equals.pctrace"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out, conv[600];
		snprintf(conv, sizeof(conv), "%s/conv%zu.jsonl", tmpdir, i);
		assert_int_equal(tb_cli(&out, "replay %s/tests/corrupt/%s --convert %s", PCISIM_SOURCE_DIR,
					bad[i], conv),
				 2);
		assert_non_null(strstr(out, "error: offset "));
		assert_non_null(strstr(out, "'set' entry 1 of the header is "));
		assert_null(strstr(out, "--set"));
		assert_int_equal(access(conv, F_OK), -1);
		free(out);
	}
	/*
	 * The same in a whole recording (its digest matches, so nothing else stops the
	 * replay): a binary trace whose one override is none crashed replay (exit 139).
	 */
	char path[600], none[600], err[256];
	snprintf(path, sizeof(path), "%s/ok.jsonl", tmpdir);
	snprintf(none, sizeof(none), "%s/set-none.pctrace", tmpdir);
	record(PCISIM_SOURCE_DIR "/scenarios/timeline-basics.yaml", path, PCISIM_TF_JSONL);
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	struct pcisim_tfile t;
	assert_int_equal(pcisim_tfile_read(&t, path, &d), 0);
	static const char *const sets[] = {NULL};
	t.h.sets = sets;
	t.h.nsets = 1;
	assert_int_equal(pcisim_tfile_write(&t, none, PCISIM_TF_BINARY, err, sizeof(err)), 0);
	pcisim_tfile_free(&t);
	char *out;
	assert_int_equal(tb_cli(&out, "replay %s", none), 2);
	assert_non_null(strstr(out, "set-none.pctrace: error: offset "));
	assert_non_null(strstr(out, "'set' entry 1 of the header is string reference 0 (none); expected KEY=VALUE text"));
	free(out);
	assert_int_equal(tb_cli(&out, "replay %s --convert %s/set-none.jsonl", none, tmpdir), 2);
	free(out);

	assert_int_equal(tb_cli(&out, "replay %s/tests/corrupt/set-bad-value.jsonl", PCISIM_SOURCE_DIR), 2);
	assert_non_null(strstr(out, "set-bad-value.jsonl:1:1: error: offset 0: 'set' entry 1 of the header: 'qemu': 'bogus'"));
	free(out);
	/* the trace's entry is blamed, before the command line's is looked at */
	assert_int_equal(tb_cli(&out, "replay %s/tests/corrupt/set-unknown-key.jsonl --set machine.qemu=bogus",
				PCISIM_SOURCE_DIR),
			 2);
	assert_non_null(strstr(out, "'set' entry 1 of the header: unknown key 'nosuch'"));
	free(out);
	/* the command line's own overrides are still the command line's */
	assert_int_equal(tb_cli(&out, "replay %s --set machine.qemu=bogus", path), 2);
	assert_non_null(strstr(out, "--set:1:14: error: 'qemu': 'bogus'"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_scenario_replays),
		cmocka_unit_test(changed_model_diverges_at_the_right_item),
		cmocka_unit_test(set_qemu_81_removes_the_pds_failure),
		cmocka_unit_test(cli_record_replay_dump_diff),
		cmocka_unit_test(corrupt_corpus_gives_clean_errors),
		cmocka_unit_test(unhashed_runs_make_the_records_they_watch),
		cmocka_unit_test(jitter_and_ranks_are_recorded_and_replayed),
		cmocka_unit_test(includes_come_from_the_trace),
		cmocka_unit_test(header_overrides_are_checked_where_they_are),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
