/*
 * The scenario loader: parsed fields, include merging, and robustness against every
 * truncation, random bytes and random mutations (no crash, no leak, and every failure
 * is exactly one located error).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/core/diag.h"
#include "sim/core/rng.h"
#include "replay/register.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/time.h"
#include "sim/core/trace.h"
#include "sim/core/ynode.h"

static FILE *devnull;

/* ---- valid scenarios ---- */

static const char basic[] =
	"# a comment\n"
	"version: 1\n"
	"name: loader-basic\n"
	"description: Steps, ranges, parameters and expectations.\n"
	"seed: 0x2a\n"
	"until: 5s\n"
	"timeline:\n"
	"  - {at: 10ms, do: log, text: \"second step\"}\n"
	"  - {at: 1.5us, do: log, text: first}\n"
	"  - {at: 0ms..2s, do: log, text: ranged}\n"
	"  - at: 3s\n"
	"    do: stop\n"
	"expect:\n"
	"  - log: \"first\"\n"
	"    before: 2us\n"
	"  - log: \"^sec.*step$\"\n"
	"    match: regex\n"
	"    absent: no\n"
	"  - count: action\n"
	"    equals: 4\n"
	"  - record: sim.end\n"
	"    fields: {reason: stopped}\n";

static const char flow[] =
	"{version: 1, name: flow-style, seed: 7,\n"
	" timeline: [{at: 1ns, do: log, text: &t 'quoted: text'},\n"
	"            {at: 2ns..3ns, do: log, text: *t}, {at: 4ns, do: stop}],\n"
	" expect: [{count: log, at_least: 1, at_most: 3}, {log: 'quoted', match: substring,\n"
	"          source: scenario, after: 0ps, before: 1s}]}\n";

static const char blocks[] =
	"version: 1\n"
	"name: block-scalars\n"
	"description: |\n"
	"  A literal block\n"
	"  over two lines.\n"
	"seed: 18446744073709551615\n"
	"until: 1000ms\n"
	"timeline:\n"
	"  - at: 0\n"
	"    do: log\n"
	"    text: >-\n"
	"      folded\n"
	"      text\n"
	"  - {at: 999999us, do: stop}\n"
	"expect:\n"
	"  - {log: \"folded text\", match: exact}\n"
	"  - {record: action, fields: {do: log}, after: 0ms}\n"
	"  - {count: sim.end, equals: 1}\n";

static const char *const valid[] = {basic, flow, blocks};
#define NVALID (sizeof(valid) / sizeof(valid[0]))

/* ---- helpers ---- */

static void dump(const char *what, const char *text, size_t len, const struct pcisim_diag *d)
{
	fprintf(stderr, "%s (%zu bytes):\n", what, len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n' || (c >= 0x20 && c < 0x7f))
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "\n-- errors %u, first: %s\n", d->errors, d->first);
}

/* Lines in @text, for the bound on reported line numbers. */
static unsigned count_lines(const char *text, size_t len)
{
	unsigned n = 1;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n' || (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n'));
	return n;
}

/*
 * The first error must read "FILE:LINE:COL: error: ..." with LINE, COL >= 1; when
 * FILE is @name (not an included file) LINE lies within @text.
 */
static bool located(const char *first, const char *name, const char *text, size_t len)
{
	const char *e = strstr(first, ": error: ");
	if (!e || !e[9])
		return false;
	const char *p = e;
	unsigned v[2];
	for (int k = 1; k >= 0; k--) {
		const char *end = p;
		while (p > first && p[-1] >= '0' && p[-1] <= '9')
			p--;
		if (p == end || p == first || p[-1] != ':')
			return false;
		v[k] = (unsigned)strtoul(p, NULL, 10);
		p--;
	}
	unsigned line = v[0], col = v[1];
	if (line < 1 || col < 1)
		return false;
	size_t nl = strlen(name);
	if ((size_t)(p - first) == nl && !strncmp(first, name, nl) && text &&
	    line > count_lines(text, len) + 1)
		return false;
	return true;
}

/* After a parse (or an instantiate): success with no error, or exactly one located error. */
static void check_outcome(int rc, const struct pcisim_diag *d, const char *name,
			  const char *text, size_t len)
{
	if (rc == 0) {
		if (d->errors) {
			dump("success but errors reported", text, len, d);
			fail();
		}
		return;
	}
	if (rc != -PCISIM_EINVAL || d->errors != 1 || !d->first[0] ||
	    !located(d->first, name, text, len)) {
		dump("failure without exactly one located error", text, len, d);
		fprintf(stderr, "rc %d\n", rc);
		fail();
	}
}

/* Parse, and when that succeeds build, run and check it too. */
static void exercise(const char *name, const char *text, size_t len)
{
	struct pcisim_diag d;
	struct pcisim_scenario sc;
	pcisim_diag_init(&d, devnull);
	int rc = pcisim_scenario_parse(&sc, name, text, len, &d);
	check_outcome(rc, &d, name, text, len);
	if (rc == 0) {
		struct pcisim_sim sim;
		pcisim_sim_init(&sim, sc.seed, &d);
		pcisim_trace_attach(&sim, true);
		rc = pcisim_scenario_instantiate(&sim, &sc, NULL, NULL, &d);
		check_outcome(rc, &d, name, text, len);
		if (rc == 0) {
			pcisim_run(&sim, 10 * PCISIM_S);
			pcisim_scenario_check(&sim, &sc, devnull, true);
		}
		pcisim_sim_free(&sim);
	}
	pcisim_scenario_free(&sc);
}

static int parse_str(struct pcisim_scenario *sc, const char *text, struct pcisim_diag *d)
{
	pcisim_diag_init(d, devnull);
	return pcisim_scenario_parse(sc, "test.yaml", text, strlen(text), d);
}

static const char *param_s(const struct pcisim_step *s, const char *name)
{
	const struct pcisim_pval *v = pcisim_step_param(s, name);
	return v && v->set ? v->s : NULL;
}

/* ---- parsed fields ---- */

static void test_basic_fields(void **state)
{
	(void)state;
	struct pcisim_scenario sc;
	struct pcisim_diag d;
	assert_int_equal(parse_str(&sc, basic, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(sc.version, 1);
	assert_string_equal(sc.name, "loader-basic");
	assert_string_equal(sc.description, "Steps, ranges, parameters and expectations.");
	assert_true(sc.has_seed);
	assert_int_equal(sc.seed, 42);
	assert_true(sc.has_until);
	assert_int_equal(sc.until, 5 * PCISIM_S);
	assert_null(sc.machine);
	assert_null(sc.topology);
	assert_null(sc.host);
	assert_null(sc.fuzz);

	assert_int_equal(sc.nsteps, 4);
	assert_int_equal(sc.steps[0].at.lo, 10 * PCISIM_MS);
	assert_int_equal(sc.steps[0].at.hi, 10 * PCISIM_MS);
	assert_string_equal(sc.steps[0].def->name, "log");
	assert_string_equal(param_s(&sc.steps[0], "text"), "second step");
	assert_int_equal(sc.steps[0].loc.line, 8);
	assert_int_equal(sc.steps[0].loc.col, 5);
	assert_int_equal(sc.steps[1].at.lo, 1500 * PCISIM_NS);
	assert_string_equal(param_s(&sc.steps[1], "text"), "first");
	assert_int_equal(sc.steps[2].at.lo, 0);
	assert_int_equal(sc.steps[2].at.hi, 2 * PCISIM_S);
	assert_int_equal(sc.steps[2].when, 0);
	assert_string_equal(sc.steps[3].def->name, "stop");
	assert_int_equal(sc.steps[3].at.lo, 3 * PCISIM_S);
	assert_int_equal(sc.steps[3].loc.line, 11);
	assert_null(pcisim_step_param(&sc.steps[3], "text"));
	for (size_t i = 0; i < sc.nsteps; i++)
		assert_int_equal(sc.steps[i].index, i);

	assert_int_equal(sc.nexpects, 4);
	const struct pcisim_expect *e = sc.expects;
	assert_string_equal(e[0].def->key, "log");
	assert_string_equal(pcisim_expect_param(&e[0], "log")->s, "first");
	assert_true(pcisim_expect_param(&e[0], "before")->set);
	assert_int_equal(pcisim_expect_param(&e[0], "before")->u, 2 * PCISIM_US);
	assert_false(pcisim_expect_param(&e[0], "after")->set);
	assert_false(pcisim_expect_param(&e[0], "match")->set);
	assert_int_equal(pcisim_expect_param(&e[1], "match")->u, 2); /* regex */
	assert_true(pcisim_expect_param(&e[1], "absent")->set);
	assert_int_equal(pcisim_expect_param(&e[1], "absent")->u, 0);
	assert_string_equal(e[2].def->key, "count");
	assert_string_equal(pcisim_expect_param(&e[2], "count")->s, "action");
	assert_int_equal(pcisim_expect_param(&e[2], "equals")->u, 4);
	assert_false(pcisim_expect_param(&e[2], "at_least")->set);
	assert_string_equal(e[3].def->key, "record");
	const struct pcisim_pval *f = pcisim_expect_param(&e[3], "fields");
	assert_true(f->set);
	assert_int_equal(f->node->kind, PCISIM_Y_MAP);
	assert_int_equal(f->node->n, 1);
	assert_string_equal(f->node->keys[0]->str, "reason");
	assert_string_equal(f->node->vals[0]->str, "stopped");
	assert_int_equal(e[3].loc.line, 21);
	pcisim_scenario_free(&sc);
}

static void test_flow_and_blocks(void **state)
{
	(void)state;
	struct pcisim_scenario sc;
	struct pcisim_diag d;
	assert_int_equal(parse_str(&sc, flow, &d), 0);
	assert_int_equal(sc.seed, 7);
	assert_false(sc.has_until);
	assert_int_equal(sc.nsteps, 3);
	assert_string_equal(param_s(&sc.steps[0], "text"), "quoted: text");
	assert_string_equal(param_s(&sc.steps[1], "text"), "quoted: text"); /* alias */
	assert_int_equal(sc.steps[1].at.lo, 2 * PCISIM_NS);
	assert_int_equal(sc.steps[1].at.hi, 3 * PCISIM_NS);
	assert_int_equal(sc.nexpects, 2);
	assert_int_equal(pcisim_expect_param(&sc.expects[0], "at_least")->u, 1);
	assert_int_equal(pcisim_expect_param(&sc.expects[0], "at_most")->u, 3);
	assert_false(pcisim_expect_param(&sc.expects[0], "equals")->set);
	assert_string_equal(pcisim_expect_param(&sc.expects[1], "source")->s, "scenario");
	pcisim_scenario_free(&sc);

	assert_int_equal(parse_str(&sc, blocks, &d), 0);
	assert_string_equal(sc.description, "A literal block\nover two lines.\n");
	assert_int_equal(sc.seed, UINT64_MAX);
	assert_int_equal(sc.until, PCISIM_S);
	assert_int_equal(sc.steps[0].at.lo, 0);
	assert_string_equal(param_s(&sc.steps[0], "text"), "folded text");
	assert_int_equal(sc.steps[1].at.lo, 999999 * PCISIM_US);
	assert_int_equal(pcisim_expect_param(&sc.expects[0], "match")->u, 1); /* exact */
	pcisim_scenario_free(&sc);
}

static void test_defaults(void **state)
{
	(void)state;
	struct pcisim_scenario sc;
	struct pcisim_diag d;
	assert_int_equal(parse_str(&sc, "version: 1\nname: bare\n", &d), 0);
	assert_false(sc.has_seed);
	assert_int_equal(sc.seed, 0);
	assert_false(sc.has_until);
	assert_null(sc.description);
	assert_int_equal(sc.nsteps, 0);
	assert_int_equal(sc.nexpects, 0);
	assert_null(sc.timeline);
	assert_null(sc.expect);
	pcisim_scenario_free(&sc);

	/* Empty sections are allowed; the other sections are kept for their models. */
	assert_int_equal(parse_str(&sc,
				   "version: 1\nname: e\ntimeline: []\nexpect: []\nmachine: {}\n"
				   "topology: [{driver: x, id: y}]\nhost: {os: linux}\nfuzz: {}\n",
				   &d),
			 0);
	assert_int_equal(sc.nsteps, 0);
	assert_non_null(sc.machine);
	assert_int_equal(sc.topology->n, 1);
	assert_string_equal(pcisim_ymap_get(sc.topology->vals[0], "driver")->str, "x");
	assert_string_equal(pcisim_ymap_get(sc.host, "os")->str, "linux");
	pcisim_scenario_free(&sc);
}

/* Wrong texts from strings: the error and where it is. */
static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *first;
	} cases[] = {
		{"", "test.yaml:1:1: error: empty scenario"},
		{"version: 1\nname: x\nname: y\n", "test.yaml:3:1: error: duplicate key 'name'"},
		{"version: 1\nname: x\nhost: {a: 1, b: 2, a: 3}\n",
		 "test.yaml:3:20: error: duplicate key 'a' (first at line 3, column 8)"},
		{"version: 1\nname: x\ntimeline:\n  - {at: 1ms, do: log}\n",
		 "test.yaml:4:5: error: action 'log' needs 'text'"},
		{"version: 1\nname: x\ntimeline:\n  - {at: 1ms..1us, do: stop}\n",
		 "test.yaml:4:10: error: 'at': bad time '1ms..1us': range must run"},
		{"version: 1\nname: x\nseed: _\n", "test.yaml:3:7: error: 'seed': '_' is not an integer"},
		{"version: 1\nname: x\nseed: 0x\n", "test.yaml:3:7: error: 'seed': '0x' is not an integer"},
		{"version: 1\nname: x\ndescription: \"a\\nb\" \nfoo: 1\n",
		 "test.yaml:4:1: error: unknown key 'foo' in a scenario"},
		{"version: 1\nname: x\n\"a\\nb\": 1\n", "test.yaml:3:1: error: unknown key 'a\\nb'"},
		{"version: 1\nname: x\nhost: &h {a: [*h]}\n", "test.yaml:3:15: error: YAML alias '*h' inside"},
		{"version: 1\r\nname: x\r\nseed: [1]\r\n",
		 "test.yaml:3:7: error: 'seed' must be an integer, not a sequence"},
		{"version: 1\nname: x\nexpect:\n  - {log: a, match: [regex]}\n",
		 "test.yaml:4:21: error: 'match' must be a word, not a sequence; valid choices: substring, exact, regex"},
		{"version: 1\nname: x\nexpect:\n  - {log: a, count: log}\n",
		 "test.yaml:4:14: error: one expectation per entry"},
		{"version: 1\nname: x\nexpect:\n  - {equals: 1}\n",
		 "test.yaml:4:6: error: unknown expectation kind 'equals'; valid kinds: "},
		{"version: 1\nname: x\ninclude: [3]\n", "test.yaml:3:11: error: cannot open included file '3'"},
		/* tags: only the core schema's that agree with how pcisim reads the value */
		{"version: 1\nname: !foo x\n", "test.yaml:2:7: error: unknown YAML tag '!foo'; "},
		{"version: 1\nname: x\nhost: !app {a: 1}\n", "test.yaml:3:7: error: unknown YAML tag '!app'"},
		{"version: 1\nname: x\ntimeline: !<tag:example.com,2000:t> []\n",
		 "test.yaml:3:11: error: unknown YAML tag 'tag:example.com,2000:t'"},
		{"version: 1\nname: x\nseed: !!float 1\n", "test.yaml:3:7: error: unknown YAML tag '!!float'"},
		{"version: 1\nname: x\nseed: !!null\n", "test.yaml:3:7: error: unknown YAML tag '!!null'"},
		{"version: 1\nname: x\nhost: !!seq {a: 1}\n",
		 "test.yaml:3:7: error: YAML tag '!!seq' on a mapping; expected a sequence (or no tag)"},
		{"version: 1\nname: !!map x\n", "test.yaml:2:7: error: YAML tag '!!map' on a scalar"},
		{"version: 1\nname: x\nseed: !!int ten\n", "test.yaml:3:7: error: YAML tag '!!int' on 'ten', which is not an integer"},
		{"version: 1\nname: x\nexpect:\n  - {log: a, absent: !!bool maybe}\n",
		 "test.yaml:4:22: error: YAML tag '!!bool' on 'maybe', which is not a boolean"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pcisim_scenario sc;
		struct pcisim_diag d;
		int rc = parse_str(&sc, cases[i].text, &d);
		if (rc != -PCISIM_EINVAL || d.errors != 1 ||
		    strncmp(d.first, cases[i].first, strlen(cases[i].first))) {
			fprintf(stderr, "case %zu: rc %d, got '%s'\nwanted '%s...'\n", i, rc, d.first,
				cases[i].first);
			fail();
		}
		pcisim_scenario_free(&sc);
	}
}

/* The tags pcisim accepts: !!str makes text (as quotes do), !!int, !!bool, !!map, !!seq. */
static void test_accepted_tags(void **state)
{
	(void)state;
	struct pcisim_scenario sc;
	struct pcisim_diag d;
	assert_int_equal(parse_str(&sc,
				   "version: !!int 1\nname: !!str 18\nseed: !!int \"0x10\"\n"
				   "host: !!map {boot: 1s}\n"
				   "timeline: !<tag:yaml.org,2002:seq>\n  - {at: 1ms, do: log, text: !!str 5}\n"
				   "expect:\n  - {log: x, absent: !!bool yes}\n",
				   &d),
			 0);
	assert_string_equal(sc.name, "18");
	assert_int_equal(sc.seed, 16);
	assert_int_equal(sc.nsteps, 1);
	const struct pcisim_ynode *text = pcisim_ymap_get(sc.timeline->vals[0], "text");
	assert_string_equal(text->str, "5");
	assert_true(text->quoted);
	pcisim_scenario_free(&sc);
}

static void test_parse_numbers(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(pcisim_parse_u64("1_000", &v), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(pcisim_parse_u64("0x1F", &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(pcisim_parse_u64("0b101", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(pcisim_parse_u64("0o17", &v), 0);
	assert_int_equal(v, 15);
	assert_int_equal(pcisim_parse_u64("18446744073709551615", &v), 0);
	assert_int_equal(v, UINT64_MAX);
	static const char *const bad[] = {"", "_", "__", "1_", "0x", "0x_1", "0b2", "-1", "+1", "1.0",
					  "18446744073709551616", "0xg", " 1", NULL};
	for (size_t i = 0; bad[i]; i++)
		if (pcisim_parse_u64(bad[i], &v) == 0) {
			fprintf(stderr, "'%s' parsed as %llu\n", bad[i], (unsigned long long)v);
			fail();
		}
}

/* ---- includes ---- */

static char tmpdir[64];

static void write_file(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_tree(const char *dir)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return;
	struct dirent *de;
	while ((de = readdir(dh))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct stat st;
		if (!lstat(path, &st) && S_ISDIR(st.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	closedir(dh);
	rmdir(dir);
}

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pcisim-loader-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/parts", tmpdir);
	return mkdir(sub, 0700);
}

static int drop_tmpdir(void **state)
{
	(void)state;
	remove_tree(tmpdir);
	return 0;
}

static int load_tmp(struct pcisim_scenario *sc, const char *rel, struct pcisim_diag *d)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	pcisim_diag_init(d, devnull);
	return pcisim_scenario_load(sc, path, d);
}

static const char *ymap_str(const struct pcisim_ynode *m, const char *key)
{
	const struct pcisim_ynode *v = pcisim_ymap_get(m, key);
	return v && v->kind == PCISIM_Y_SCALAR ? v->str : NULL;
}

static void test_include_merge(void **state)
{
	(void)state;
	/* parts/common.yaml includes base.yaml from its own folder. */
	write_file("parts/base.yaml", "seed: 1\n"
				      "until: 9s\n"
				      "description: from base\n"
				      "machine: {type: q35, qemu: \"7.2\", from: base}\n"
				      "topology: [{driver: base-dev, id: b0}]\n"
				      "timeline: [{at: 1ms, do: log, text: base}]\n"
				      "expect: [{log: base}]\n");
	write_file("parts/common.yaml", "include: base.yaml\n"
					"seed: 2\n"
					"machine: {qemu: \"8.0\", extra: common}\n"
					"host: {os: linux, pciehp: on}\n"
					"timeline: [{at: 2ms, do: log, text: common}]\n");
	write_file("parts/other.yaml", "seed: 3\n"
				       "host: {pciehp: off}\n"
				       "timeline: [{at: 3ms, do: log, text: other}]\n"
				       "fuzz: {runs: 10}\n");
	write_file("main.yaml", "version: 1\n"
				"name: merged\n"
				"include: [parts/common.yaml, parts/other.yaml]\n"
				"seed: 4\n"
				"machine: {qemu: \"8.1\"}\n"
				"timeline: [{at: 4ms, do: log, text: main}]\n"
				"expect: [{log: main}]\n");
	struct pcisim_scenario sc;
	struct pcisim_diag d;
	int rc = load_tmp(&sc, "main.yaml", &d);
	if (rc)
		fprintf(stderr, "%s\n", d.first);
	assert_int_equal(rc, 0);
	assert_int_equal(sc.ndocs, 4);

	/* scalars: the including file wins; unset ones come from the includes */
	assert_int_equal(sc.seed, 4);
	assert_int_equal(sc.until, 9 * PCISIM_S);
	assert_string_equal(sc.description, "from base");

	/* sequences: included first, in include order, depth first */
	assert_int_equal(sc.nsteps, 4);
	assert_string_equal(param_s(&sc.steps[0], "text"), "base");
	assert_string_equal(param_s(&sc.steps[1], "text"), "common");
	assert_string_equal(param_s(&sc.steps[2], "text"), "other");
	assert_string_equal(param_s(&sc.steps[3], "text"), "main");
	assert_int_equal(sc.nexpects, 2);
	assert_string_equal(pcisim_expect_param(&sc.expects[0], "log")->s, "base");
	assert_string_equal(pcisim_expect_param(&sc.expects[1], "log")->s, "main");
	assert_int_equal(sc.topology->n, 1);
	/* each entry keeps its own file for messages */
	assert_non_null(strstr(sc.steps[0].loc.file, "parts/base.yaml"));
	assert_non_null(strstr(sc.steps[3].loc.file, "main.yaml"));

	/* mappings: merged key by key, the including file (and the later include) winning */
	assert_string_equal(ymap_str(sc.machine, "type"), "q35");
	assert_string_equal(ymap_str(sc.machine, "qemu"), "8.1");
	assert_string_equal(ymap_str(sc.machine, "from"), "base");
	assert_string_equal(ymap_str(sc.machine, "extra"), "common");
	assert_string_equal(ymap_str(sc.host, "os"), "linux");
	assert_string_equal(ymap_str(sc.host, "pciehp"), "off");
	assert_string_equal(ymap_str(sc.fuzz, "runs"), "10");
	for (size_t i = 0; i < sc.machine->n; i++)
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(sc.machine->keys[i]->str, sc.machine->keys[j]->str);
	pcisim_scenario_free(&sc);

	/* An error in an included file is reported in that file. */
	write_file("parts/bad.yaml", "timeline:\n  - {at: 1ms, do: nothing}\n");
	write_file("bad-main.yaml", "version: 1\nname: x\ninclude: parts/bad.yaml\n");
	assert_int_equal(load_tmp(&sc, "bad-main.yaml", &d), -PCISIM_EINVAL);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.first, "parts/bad.yaml:2:19: error: unknown action 'nothing'"));
	pcisim_scenario_free(&sc);

	/* A cycle through another spelling of the same file. */
	write_file("parts/loop.yaml", "include: ../parts/./loop.yaml\n");
	write_file("loop-main.yaml", "version: 1\nname: x\ninclude: parts/loop.yaml\n");
	assert_int_equal(load_tmp(&sc, "loop-main.yaml", &d), -PCISIM_EINVAL);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.first, "error: include cycle: "));
	pcisim_scenario_free(&sc);

	/* From memory: includes are relative to the name's folder. */
	char name[128];
	snprintf(name, sizeof(name), "%s/in-memory.yaml", tmpdir);
	const char *text = "version: 1\nname: mem\ninclude: parts/other.yaml\n";
	pcisim_diag_init(&d, devnull);
	assert_int_equal(pcisim_scenario_parse(&sc, name, text, strlen(text), &d), 0);
	assert_int_equal(sc.seed, 3);
	assert_int_equal(sc.nsteps, 1);
	pcisim_scenario_free(&sc);
}

/*
 * Only regular files are included: a FIFO (whose open would wait for a writer for
 * ever), a directory or a device is an error at the include line naming what the
 * path is; a link to a regular file is read as the file. An alarm fails the test
 * instead of letting a regression hang it.
 */
static void test_include_only_regular_files(void **state)
{
	struct pcisim_scenario sc;
	struct pcisim_diag d;
	char path[256], want[512];
	alarm(20);
	snprintf(path, sizeof(path), "%s/parts/pipe.yaml", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	write_file("fifo-main.yaml", "version: 1\nname: x\ninclude: parts/pipe.yaml\n");
	assert_int_equal(load_tmp(&sc, "fifo-main.yaml", &d), -PCISIM_EINVAL);
	assert_int_equal(d.errors, 1);
	snprintf(want, sizeof(want),
		 "%s/fifo-main.yaml:3:10: error: cannot include '%s/parts/pipe.yaml': it is a FIFO (named pipe); expected a scenario file (a regular file)",
		 tmpdir, tmpdir);
	assert_string_equal(d.first, want);
	pcisim_scenario_free(&sc);

	/* through a link, and a device */
	snprintf(path, sizeof(path), "%s/parts/pipe-link.yaml", tmpdir);
	assert_int_equal(symlink("pipe.yaml", path), 0);
	write_file("link-main.yaml", "version: 1\nname: x\ninclude: [parts/pipe-link.yaml]\n");
	assert_int_equal(load_tmp(&sc, "link-main.yaml", &d), -PCISIM_EINVAL);
	assert_non_null(strstr(d.first, "link-main.yaml:3:11: error: cannot include"));
	assert_non_null(strstr(d.first, "pipe-link.yaml': it is a FIFO (named pipe)"));
	pcisim_scenario_free(&sc);
	write_file("dev-main.yaml", "version: 1\nname: x\ninclude: /dev/zero\n");
	assert_int_equal(load_tmp(&sc, "dev-main.yaml", &d), -PCISIM_EINVAL);
	assert_non_null(strstr(d.first, "dev-main.yaml:3:10: error: cannot include '/dev/zero': it is a character device"));
	pcisim_scenario_free(&sc);

	/* a link to a regular file is that file */
	write_file("parts/seed.yaml", "seed: 5\n");
	snprintf(path, sizeof(path), "%s/parts/seed-link.yaml", tmpdir);
	assert_int_equal(symlink("seed.yaml", path), 0);
	write_file("ok-main.yaml", "version: 1\nname: x\ninclude: parts/seed-link.yaml\n");
	assert_int_equal(load_tmp(&sc, "ok-main.yaml", &d), 0);
	assert_int_equal(sc.seed, 5);
	pcisim_scenario_free(&sc);
	alarm(0);
}

/* ---- robustness ---- */

static void test_truncations(void **state)
{
	(void)state;
	for (size_t v = 0; v < NVALID; v++) {
		size_t len = strlen(valid[v]);
		exercise("valid.yaml", valid[v], len); /* the whole text runs clean */
		for (size_t k = 0; k < len; k++) {
			char *buf = malloc(k ? k : 1); /* exactly k bytes: ASan sees overreads */
			memcpy(buf, valid[v], k);
			exercise("trunc.yaml", buf, k);
			free(buf);
		}
	}
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	*len = n;
	return buf;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every tests/bad file: loaded and built in-process, it fails with the line its first
 * line declares (tests/run_bad_inputs.sh checks the whole line against the pcisim
 * binary); every prefix of it parses or fails cleanly.
 */
static void test_bad_files(void **state)
{
	(void)state;
	DIR *dh = opendir("tests/bad");
	assert_non_null(dh);
	char *names[512];
	size_t nn = 0;
	struct dirent *de;
	while ((de = readdir(dh)) && nn < 512) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".yaml"))
			names[nn++] = strdup(de->d_name);
	}
	closedir(dh);
	qsort(names, nn, sizeof(names[0]), cmp_names);
	assert_true(nn >= 40);

	for (size_t i = 0; i < nn; i++) {
		char path[512];
		snprintf(path, sizeof(path), "tests/bad/%s", names[i]);
		size_t len = 0;
		char *text = read_all(path, &len);
		assert_non_null(text);
		const char *nl = memchr(text, '\n', len);
		assert_non_null(nl);
		assert_true(len > 10 && !strncmp(text, "# expect: ", 10));
		char want[1024];
		size_t wl = (size_t)(nl - text) - 10;
		assert_true(wl < sizeof(want));
		memcpy(want, text + 10, wl);
		want[wl] = 0;

		struct pcisim_diag d;
		struct pcisim_scenario sc;
		pcisim_diag_init(&d, devnull);
		int rc = pcisim_scenario_load(&sc, path, &d);
		if (rc == 0) {
			struct pcisim_sim sim;
			pcisim_sim_init(&sim, sc.seed, &d);
			rc = pcisim_scenario_instantiate(&sim, &sc, NULL, NULL, &d);
			pcisim_sim_free(&sim);
		}
		pcisim_scenario_free(&sc);
		/*
		 * The lists of registered names ("; valid actions: ...") are checked whole
		 * by run_bad_inputs.sh against the binary; here compare up to the list.
		 */
		const char *list = strstr(want, "; valid ");
		if (!list)
			list = strstr(want, " one of the kinds: ");
		size_t cmp = list ? (size_t)(list - want) : wl + 1;
		/* An expected line ending in "..." is a prefix (run_bad_inputs.sh's rule). */
		if (!list && wl >= 3 && !strncmp(want + wl - 3, "...", 3))
			cmp = wl - 3;
		if (cmp > sizeof(d.first) - 1)
			cmp = sizeof(d.first) - 1;
		if (rc != -PCISIM_EINVAL || d.errors != 1 || strncmp(d.first, want, cmp)) {
			fprintf(stderr, "%s: rc %d, %u errors\n got '%s'\nwant '%s'\n", path, rc,
				d.errors, d.first, want);
			fail();
		}

		for (size_t k = 0; k <= len; k++) {
			char *buf = malloc(k ? k : 1);
			memcpy(buf, text, k);
			exercise(path, buf, k);
			free(buf);
		}
		free(text);
		free(names[i]);
	}
}

static const char alphabet[] = "version: 1\nname: timeline: expect: at: do: log stop text "
			       "record count state equals 10ms 0..2s - [] {} , : # & * ! | > ' \" "
			       "\t\r\n\\ % @ ` ? ~ << --- ... 0x12 1.5us";

static void random_text(struct pcisim_rng *r, char *buf, size_t len)
{
	bool raw = pcisim_rng_below(r, 2);
	for (size_t i = 0; i < len; i++)
		buf[i] = raw ? (char)pcisim_rng_below(r, 256)
			     : alphabet[pcisim_rng_below(r, sizeof(alphabet) - 1)];
}

/* Text in messages: UTF-8 decoding, locations along a text, one line per message. */
static void test_diag_text(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t len;
		uint32_t cp;
	} dec[] = {
		{"a", 1, 'a'},          {"\xc3\xa9", 2, 0xe9},   {"\xe2\x80\xa8", 3, 0x2028},
		{"\xf0\x9f\x98\x80", 4, 0x1f600},
		{"\xe9t", 0, 0},        /* Latin-1 */
		{"\xc0\xaf", 0, 0},     /* overlong */
		{"\xed\xa0\x80", 0, 0}, /* a surrogate */
		{"\xf4\x90\x80\x80", 0, 0}, /* above U+10FFFF */
		{"\xe2\x80", 0, 0},     /* cut short by the NUL */
		{"", 0, 0},
	};
	for (size_t i = 0; i < sizeof(dec) / sizeof(dec[0]); i++) {
		uint32_t cp = 0;
		assert_int_equal(pcisim_utf8_decode(dec[i].s, &cp), dec[i].len);
		if (dec[i].len)
			assert_int_equal(cp, dec[i].cp);
	}
	static const char text[] = "ab\xc3\xa9" "c\nxy";
	struct pcisim_loc l = pcisim_loc_advance((struct pcisim_loc){"f", 3, 7}, text, 5);
	assert_int_equal(l.line, 3);
	assert_int_equal(l.col, 11); /* a, b, é, c: four characters in five bytes */
	l = pcisim_loc_advance((struct pcisim_loc){"f", 3, 7}, text, 7);
	assert_int_equal(l.line, 4);
	assert_int_equal(l.col, 2);
	l = pcisim_loc_advance((struct pcisim_loc){"f", 0, 0}, text, 7);
	assert_int_equal(l.line, 0);

	char buf[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct pcisim_diag d;
	pcisim_diag_init(&d, f);
	pcisim_diag_error(&d, (struct pcisim_loc){"f", 1, 2}, "'%s'",
			  "a\nb\tc\x01\xe9\xc2\x85\xe2\x80\xa8\xc3\xa9");
	fclose(f);
	assert_string_equal(buf, "f:1:2: error: 'a\\nb\\tc\\x01\\xe9\\xc2\\x85\\xe2\\x80\\xa8\xc3\xa9'\n");
}

static void test_random_bytes(void **state)
{
	(void)state;
	struct pcisim_rng r;
	pcisim_rng_seed(&r, 0x10ade5);
	for (int i = 0; i < 20000; i++) {
		size_t len = (size_t)pcisim_rng_below(&r, 300);
		char *buf = malloc(len ? len : 1);
		random_text(&r, buf, len);
		exercise("random.yaml", buf, len);
		free(buf);
	}
}

static void test_random_mutations(void **state)
{
	(void)state;
	struct pcisim_rng r;
	pcisim_rng_seed(&r, 0x5eed);
	for (int i = 0; i < 20000; i++) {
		const char *src = valid[pcisim_rng_below(&r, NVALID)];
		size_t len = strlen(src), cap = len + 64;
		char *buf = malloc(cap);
		memcpy(buf, src, len);
		int nmut = 1 + (int)pcisim_rng_below(&r, 4);
		for (int m = 0; m < nmut; m++) {
			size_t pos = len ? (size_t)pcisim_rng_below(&r, len) : 0;
			switch (pcisim_rng_below(&r, 4)) {
			case 0: /* flip a bit */
				if (len)
					buf[pos] ^= (char)(1u << pcisim_rng_below(&r, 8));
				break;
			case 1: /* insert a byte */
				if (len + 1 < cap) {
					memmove(buf + pos + 1, buf + pos, len - pos);
					buf[pos] = pcisim_rng_below(&r, 2)
							   ? (char)pcisim_rng_below(&r, 256)
							   : alphabet[pcisim_rng_below(&r, sizeof(alphabet) - 1)];
					len++;
				}
				break;
			case 2: /* delete a byte */
				if (len) {
					memmove(buf + pos, buf + pos + 1, len - pos - 1);
					len--;
				}
				break;
			default: /* replace with a YAML-significant character */
				if (len)
					buf[pos] = ":-[]{},#&*!|>'\"\t\n %@`?~"[pcisim_rng_below(&r, 24)];
				break;
			}
		}
		char *exact = malloc(len ? len : 1);
		memcpy(exact, buf, len);
		exercise("mutant.yaml", exact, len);
		free(exact);
		free(buf);
	}
}


/* ---- steps added while the run goes on (pcisim serve) ---- */

static void test_add_step(void **state)
{
	(void)state;
	static const char text[] =
		"version: 1\nname: add-step\n"
		"timeline:\n  - {at: 1s, do: log, text: base}\n"
		"fuzz:\n  faults:\n    - {kind: log, text: fault, at: 0s..1s}\n";
	struct pcisim_scenario sc;
	struct pcisim_diag d;
	assert_int_equal(parse_str(&sc, text, &d), 0);
	struct pcisim_sim sim;
	pcisim_sim_init(&sim, 1, &d);
	struct pcisim_trace *tr = pcisim_trace_attach(&sim, true);
	assert_int_equal(pcisim_scenario_instantiate(&sim, &sc, NULL, NULL, &d), 0);
	pcisim_run(&sim, 2 * PCISIM_S);

	struct pcisim_ydoc docs[4];
	static const char *const entries[] = {
		"{at: 2s, do: log, text: added}",     /* runs: the step after the timeline's */
		"{at: 1s, do: log, text: late}",      /* before now */
		"{at: 3s, do: set_link, id: nope, state: on}", /* no such component */
		"{at: 2s, do: frobnicate}",           /* no such action */
	};
	static const char *const errors[] = {
		NULL,
		"a step added while the run goes on needs one time, not before now (2s)",
		"unknown component 'nope' for 'id'",
		"unknown action 'frobnicate'",
	};
	for (size_t i = 0; i < 4; i++) {
		pcisim_diag_init(&d, devnull);
		assert_int_equal(pcisim_ydoc_parse(&docs[i], "cmd", entries[i], strlen(entries[i]), &d), 0);
		long idx = pcisim_scenario_add_step(&sim, &sc, docs[i].root, &d);
		if (!errors[i]) {
			assert_int_equal(idx, 1);
			continue;
		}
		assert_true(idx < 0);
		assert_non_null(strstr(d.first, errors[i]));
	}
	/* the new step sits between the timeline and the fault, which moved up */
	assert_int_equal(sc.nsteps, 3);
	assert_int_equal(sc.nfaults, 1);
	assert_string_equal(param_s(&sc.steps[1], "text"), "added");
	assert_string_equal(param_s(&sc.steps[2], "text"), "fault");
	assert_int_equal(sc.steps[2].index, 2);
	pcisim_run(&sim, 3 * PCISIM_S);
	const struct pcisim_record *last = NULL;
	for (size_t i = 0; i < tr->nrecs; i++)
		if (!strcmp(tr->recs[i].kind, "log"))
			last = &tr->recs[i];
	assert_non_null(last);
	assert_int_equal(last->t, 2 * PCISIM_S);
	assert_string_equal(last->fields[1].s, "added");
	pcisim_sim_free(&sim);
	for (size_t i = 0; i < 4; i++)
		pcisim_ydoc_free(&docs[i]);
	pcisim_scenario_free(&sc);
}

int main(void)
{
	/* The bad files and their messages name paths from the project root. */
	if (chdir(PCISIM_SOURCE_DIR)) {
		perror(PCISIM_SOURCE_DIR);
		return 1;
	}
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		return 1;
	/* Every layer: the bad files include machine and device errors as well. */
	pcisim_register_all();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_fields),
		cmocka_unit_test(test_flow_and_blocks),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_accepted_tags),
		cmocka_unit_test(test_parse_numbers),
		cmocka_unit_test_setup_teardown(test_include_merge, make_tmpdir, drop_tmpdir),
		cmocka_unit_test_setup_teardown(test_include_only_regular_files, make_tmpdir, drop_tmpdir),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_diag_text),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_random_mutations),
		cmocka_unit_test(test_add_step),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	fclose(devnull);
	return rc;
}
