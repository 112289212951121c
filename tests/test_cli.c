/*
 * The command line as a user meets it: 'pcisim help' lists exactly what the loader's
 * registries hold, unknown topics and names are refused with the valid choices,
 * every command's --help shows every option its table declares, and --set, --seed
 * and --until change the run of simulate, fuzz and explore as the scenario would.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testbench.h"

#include "replay/runner.h"
#include "tools/cli.h"
#include "tools/help.h"

#define RACE "scenarios/pds-migration-race.yaml"
#define FIXED "scenarios/pds-migration-fixed.yaml"
#define FUZZ "scenarios/pds-migration-fuzz.yaml"

static char tmpdir[] = "/tmp/pcisim-test-cli-XXXXXX";

/*
 * The names a plain help list shows: the first word of every line that starts with
 * two spaces and a name (a long name's text goes on the next line, indented further).
 */
static size_t list_names(char *txt, const char **names, size_t max)
{
	size_t n = 0;
	for (char *line = strtok(txt, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "  ", 2) || line[2] == ' ')
			continue;
		char *end = strchr(line + 2, ' ');
		if (end)
			*end = 0;
		if (n < max)
			names[n] = line + 2;
		n++;
	}
	return n;
}

static void assert_list_is(const char *topic, const char **want)
{
	char *txt;
	assert_int_equal(tb_cli(&txt, "help %s", topic), 0);
	const char *got[512];
	size_t n = list_names(txt, got, 512), w = 0;
	while (want[w])
		w++;
	if (n != w)
		fail_msg("'pcisim help %s' lists %zu names, the registry holds %zu", topic, n, w);
	for (size_t i = 0; i < n; i++)
		if (strcmp(got[i], want[i]))
			fail_msg("'pcisim help %s': name %zu is '%s', the registry's is '%s'", topic, i,
				 got[i], want[i]);
	free(txt);
	free(want);
}

static void help_lists_are_the_registries(void **state)
{
	(void)state;
	assert_list_is("actions", pcisim_action_names());
	assert_list_is("expectations", pcisim_expect_keys());
	assert_list_is("drivers", pcisim_driver_names());
	assert_list_is("records", pcisim_record_kind_names());
	assert_list_is("invariants", pcisim_invariant_names());
}

/* "  NAME (" is in @txt: a parameter or property line of a detail page. */
static void assert_param_line(const char *txt, const char *page, const char *name)
{
	char want[160];
	snprintf(want, sizeof(want), "\n  %s (", name);
	if (!strstr(txt, want))
		fail_msg("'pcisim help %s' has no line for '%s':\n%s", page, name, txt);
}

static void help_pages_show_every_parameter(void **state)
{
	(void)state;
	char *txt, page[160], head[160];
	const char **names = pcisim_action_names();
	for (size_t i = 0; names[i]; i++) {
		const struct pcisim_action_def *a = pcisim_action_find(names[i]);
		snprintf(page, sizeof(page), "action %s", names[i]);
		assert_int_equal(tb_cli(&txt, "help %s", page), 0);
		snprintf(head, sizeof(head), "%s: ", names[i]);
		assert_int_equal(strncmp(txt, head, strlen(head)), 0);
		for (const struct pcisim_param_def *p = a->params; p && p->name; p++)
			assert_param_line(txt, page, p->name);
		if (!a->params || !a->params->name)
			assert_non_null(strstr(txt, "no parameters"));
		free(txt);
	}
	free(names);
	names = pcisim_expect_keys();
	for (size_t i = 0; names[i]; i++) {
		const struct pcisim_expect_def *e = pcisim_expect_def_find(names[i]);
		snprintf(page, sizeof(page), "expectation %s", names[i]);
		assert_int_equal(tb_cli(&txt, "help %s", page), 0);
		for (const struct pcisim_param_def *p = e->params; p && p->name; p++)
			assert_param_line(txt, page, p->name);
		free(txt);
	}
	free(names);
	names = pcisim_driver_names();
	for (size_t i = 0; names[i]; i++) {
		const struct pcisim_driver *d = pcisim_driver_find(names[i]);
		snprintf(page, sizeof(page), "driver %s", names[i]);
		assert_int_equal(tb_cli(&txt, "help %s", page), 0);
		for (const struct pcisim_prop_def *p = d->props; p && p->name; p++)
			assert_param_line(txt, page, p->name);
		free(txt);
	}
	free(names);
	assert_int_equal(tb_cli(&txt, "help driver common"), 0);
	for (const struct pcisim_prop_def *p = pcisim_common_props(); p->name; p++)
		assert_param_line(txt, "driver common", p->name);
	free(txt);

	/* a choice parameter shows its choices, a ranged one its range */
	assert_int_equal(tb_cli(&txt, "help action set_link"), 0);
	assert_non_null(strstr(txt, "choices: on, off"));
	free(txt);
	assert_int_equal(tb_cli(&txt, "help action io_start"), 0);
	assert_non_null(strstr(txt, "range: 1..4096"));
	assert_non_null(strstr(txt, "op (choice, required)"));
	assert_non_null(strstr(txt, "rate (integer, optional)"));
	/* ... and an optional one its default, from the table */
	assert_non_null(strstr(txt, "range: 1..4096; default: 4"));
	free(txt);
	assert_int_equal(tb_cli(&txt, "help expectation log"), 0);
	assert_non_null(strstr(txt, "exact, regex; default: substring"));
	free(txt);
	/* every default help shows is the table's */
	const char **acts = pcisim_action_names();
	for (size_t i = 0; acts[i]; i++) {
		const struct pcisim_action_def *a = pcisim_action_find(acts[i]);
		char *text;
		assert_int_equal(tb_cli(&text, "help action %s", acts[i]), 0);
		for (const struct pcisim_param_def *p = a->params; p && p->name; p++) {
			assert_true(!p->required || !p->dflt); /* a required parameter has no default */
			char want[256];
			/* its first word: help wraps long lines */
			snprintf(want, sizeof(want), "default: %.*s", p->dflt ? (int)strcspn(p->dflt, " ") : 0,
				 p->dflt ? p->dflt : "");
			/* help wraps lines: compare with the page's whitespace collapsed */
			for (char *r = text, *w = text;; r++) {
				if (isspace((unsigned char)*r)) {
					while (isspace((unsigned char)r[1]))
						r++;
					*w++ = ' ';
				} else if (!(*w++ = *r)) {
					break;
				}
			}
			if (p->dflt && !strstr(text, want))
				fail_msg("'pcisim help action %s' does not show %s's default '%s'", acts[i],
					 p->name, p->dflt);
		}
		free(text);
	}
	free(acts);
}

static void help_markdown_lists_every_action(void **state)
{
	(void)state;
	char *txt, row[160];
	assert_int_equal(tb_cli(&txt, "help --markdown actions"), 0);
	const char **names = pcisim_action_names();
	for (size_t i = 0; names[i]; i++) {
		snprintf(row, sizeof(row), "| `%s` | ", names[i]);
		if (!strstr(txt, row))
			fail_msg("no row for %s in:\n%s", names[i], txt);
	}
	free(names);
	free(txt);
}

/* The first line @cmd prints must be @want (exit status 2). */
static void assert_refused(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void assert_refused(const char *want, const char *fmt, ...)
{
	char args[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	char *txt;
	int rc = tb_cli(&txt, "%s", args);
	size_t l = strcspn(txt, "\n");
	if (rc != 2 || strlen(want) != l || strncmp(txt, want, l))
		fail_msg("pcisim %s: exit %d, first line\n  %.*s\nexpected exit 2 and\n  %s", args, rc,
			 (int)l, txt, want);
	free(txt);
}

static char *joined(const char **names)
{
	size_t n = 1;
	for (size_t i = 0; names[i]; i++)
		n += strlen(names[i]) + 2;
	char *s = calloc(1, n);
	for (size_t i = 0; names[i]; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, names[i]);
	}
	free(names);
	return s;
}

static void help_refuses_unknown_topics_and_names(void **state)
{
	(void)state;
	char want[8192];
	char *list = joined(pcisim_action_names());
	snprintf(want, sizeof(want), "pcisim help: error: unknown action 'reboot'; valid actions: %s", list);
	assert_refused(want, "help action reboot");
	free(list);
	list = joined(pcisim_expect_keys());
	snprintf(want, sizeof(want),
		 "pcisim help: error: unknown expectation 'colour'; valid expectations: %s", list);
	assert_refused(want, "help expectation colour");
	free(list);
	list = joined(pcisim_driver_names());
	snprintf(want, sizeof(want), "pcisim help: error: unknown driver 'e2000'; valid drivers: %s", list);
	assert_refused(want, "help driver e2000");
	free(list);
	/* the topics, then every command */
	size_t u = (size_t)snprintf(want, sizeof(want), "pcisim help: error: unknown topic 'bogus'; valid topics: ");
	for (size_t i = 0; pcisim_help_topics[i].name; i++)
		u += (size_t)snprintf(want + u, sizeof(want) - u, "%s, ", pcisim_help_topics[i].name);
	for (size_t i = 0; pcisim_commands[i]; i++)
		u += (size_t)snprintf(want + u, sizeof(want) - u, "%s%s", i ? ", " : "", pcisim_commands[i]->name);
	assert_refused(want, "help bogus");
	assert_refused("pcisim help: error: 'pcisim help action' needs a NAME; 'pcisim help actions' lists them",
		       "help action");
	assert_refused("pcisim help: error: 'pcisim help actions' takes no NAME (got 'device_del')",
		       "help actions device_del");
	assert_refused("pcisim help: error: unknown option '--html'; valid options: --markdown, --man",
		       "help --html actions");
	assert_refused("pcisim completion: error: unknown shell 'zsh'; valid shells: bash",
		       "completion zsh");
}

/* Every command's --help shows each option of its table; none shows a doubled '%'. */
static void every_help_shows_its_options(void **state)
{
	(void)state;
	for (size_t i = 0; pcisim_commands[i]; i++) {
		const struct pcisim_command *c = pcisim_commands[i];
		char *txt;
		assert_int_equal(tb_cli(&txt, "%s --help", c->name), 0);
		char usage[128];
		snprintf(usage, sizeof(usage), "usage: pcisim %s ", c->name);
		assert_int_equal(strncmp(txt, usage, strlen(usage)), 0);
		for (const struct pcisim_option *o = c->options; o && o->name; o++) {
			char label[128];
			pcisim_option_label(o, label, sizeof(label));
			char want[160];
			snprintf(want, sizeof(want), "\n  %s ", label);
			if (!strstr(txt, want))
				fail_msg("'pcisim %s --help' does not show '%s':\n%s", c->name, label, txt);
		}
		if (strstr(txt, "%%"))
			fail_msg("'pcisim %s --help' shows '%%%%':\n%s", c->name, txt);
		free(txt);
		/* and 'pcisim help CMD' is the same text */
		char *again;
		assert_int_equal(tb_cli(&again, "help %s", c->name), 0);
		assert_int_equal(tb_cli(&txt, "%s --help", c->name), 0);
		assert_string_equal(again, txt);
		free(again);
		free(txt);
	}
	char *txt;
	assert_int_equal(tb_cli(&txt, "fuzz --help"), 0);
	assert_non_null(strstr(txt, "r % N == i"));
	free(txt);
}

/* The trace hash a simulate run prints (its last line). */
static void hash_of(const char *args, int want_rc, char hash[17])
{
	char *txt;
	int rc = tb_cli(&txt, "simulate %s --quiet", args);
	if (rc != want_rc)
		fail_msg("simulate %s: exit %d, expected %d:\n%s", args, rc, want_rc, txt);
	const char *h = strstr(txt, "trace hash: ");
	if (!h)
		fail_msg("simulate %s: no trace hash:\n%s", args, txt);
	snprintf(hash, 17, "%s", h + 12);
	free(txt);
}

static void set_changes_what_simulate_runs(void **state)
{
	(void)state;
	char a[17], b[17];
	/* the race under QEMU 8.1 is the fixed scenario: same trace, its expectations fail */
	hash_of(FIXED, 0, a);
	hash_of(RACE " --set machine.qemu=8.1", 1, b);
	assert_string_equal(a, b);
	hash_of(RACE, 0, b);
	assert_string_not_equal(a, b);
	/* --seed N is --set seed=N, --until T is --set until=T; --opt=value is --opt value */
	hash_of(RACE " --seed 3", 0, a);
	hash_of(RACE " --set seed=3", 0, b);
	assert_string_equal(a, b);
	hash_of(RACE " --seed=3", 0, b);
	assert_string_equal(a, b);
	hash_of(RACE " --until 1s", 1, a);
	hash_of(RACE " --set until=1s", 1, b);
	assert_string_equal(a, b);
	/* a topology entry's property, by id: the slot number lspci shows (and pciehp's
	 * messages, so the scenario's expected lines no longer match) */
	char *txt;
	assert_int_equal(tb_cli(&txt, "simulate " RACE
				" --set topology.pcie-root-port18.slot=7 --lspci-vvv pcie-root-port18"),
			 1);
	assert_non_null(strstr(txt, "Slot #7,"));
	free(txt);

	assert_refused("--set: error: unknown key 'colour'; valid keys: seed, until, machine.KEY, "
		       "host.KEY, fuzz.KEY, topology.ID.PROPERTY",
		       "simulate " RACE " --set colour=red");
	assert_refused("--set:1:14: error: 'qemu': '1.0' is not a QEMU version pcisim emulates; "
		       "expected MAJOR.MINOR from 2.12 on, e.g. \"7.2\" or \"8.1\" (quote it)",
		       "simulate " RACE " --set machine.qemu=1.0");
	assert_refused("--set: error: 'topology.rp9.slot': no topology entry has id 'rp9'; valid ids: "
		       "pcie-root-port18, nex-usb-xhci0",
		       "simulate " RACE " --set topology.rp9.slot=1");
	assert_refused("pcisim simulate: error: option '--set' needs KEY=VALUE, e.g. machine.qemu=8.1 "
		       "(got 'machine'); 'pcisim help set' lists the keys",
		       "simulate " RACE " --set machine");
}

/* A run recorded under --set replays: the trace carries the overrides. */
static void a_recording_keeps_its_overrides(void **state)
{
	(void)state;
	char *txt;
	assert_int_equal(tb_cli(&txt, "simulate " RACE " --quiet --set machine.qemu=8.1 --record %s/81.jsonl",
				tmpdir),
			 1);
	free(txt);
	int rc = tb_cli(&txt, "replay %s/81.jsonl", tmpdir);
	if (rc != 0)
		fail_msg("replay of a run recorded with --set: exit %d:\n%s", rc, txt);
	free(txt);
	assert_refused("pcisim replay: error: option '--set': 'seed=2': a replay runs the recorded "
		       "seed; valid keys here: machine.KEY, host.KEY, fuzz.KEY, topology.ID.PROPERTY",
		       "replay %s/81.jsonl --set seed=2", tmpdir);
}

static void set_seed_and_until_reach_fuzz_and_explore(void **state)
{
	(void)state;
	char *txt;
	/* the migration fails only after QEMU unplugs the device at 2.12 s */
	assert_int_equal(tb_cli(&txt, "fuzz " FUZZ " --runs 20 --quiet"), 1);
	assert_non_null(strstr(txt, "invariant migration-completes@migration: failed"));
	free(txt);
	assert_int_equal(tb_cli(&txt, "fuzz " FUZZ " --runs 20 --quiet --set machine.qemu=8.1"), 0);
	free(txt);
	/* stopped at 2 s, a run whose migration is drawn later has none: no failed one */
	assert_int_equal(tb_cli(&txt, "fuzz " FUZZ " --runs 20 --quiet --until 2s"), 1);
	assert_non_null(strstr(txt, "expect migration@30\n"));
	assert_null(strstr(txt, "invariant migration-completes"));
	free(txt);
	assert_int_equal(tb_cli(&txt, "explore " FUZZ " --until 2s"), 0);
	assert_non_null(strstr(txt, "no failing schedule exists"));
	free(txt);
	assert_int_equal(tb_cli(&txt, "explore " FUZZ " --set until=2s"), 0);
	free(txt);
	assert_int_equal(tb_cli(&txt, "explore " FUZZ " --seed 9 --json"), 1);
	assert_non_null(strstr(txt, "\"failing_schedules\""));
	free(txt);
	assert_refused("--set: error: unknown key 'colour'; valid keys: seed, until, machine.KEY, "
		       "host.KEY, fuzz.KEY, topology.ID.PROPERTY",
		       "fuzz " FUZZ " --runs 2 --set colour=red");
	assert_refused("--set: error: unknown key 'colour'; valid keys: seed, until, machine.KEY, "
		       "host.KEY, fuzz.KEY, topology.ID.PROPERTY",
		       "explore " FUZZ " --set colour=red");
	assert_refused("pcisim explore: error: option '--until': bad duration 'soon': expected a "
		       "duration like 10ms, 250ns, 1.5us or 2s (units: ps, ns, us, ms, s)",
		       "explore " FUZZ " --until soon");
}

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help_lists_are_the_registries),
		cmocka_unit_test(help_pages_show_every_parameter),
		cmocka_unit_test(help_markdown_lists_every_action),
		cmocka_unit_test(help_refuses_unknown_topics_and_names),
		cmocka_unit_test(every_help_shows_its_options),
		cmocka_unit_test(set_changes_what_simulate_runs),
		cmocka_unit_test(a_recording_keeps_its_overrides),
		cmocka_unit_test(set_seed_and_until_reach_fuzz_and_explore),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
