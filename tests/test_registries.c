/*
 * Registries without a limit: more tables than the old fixed arrays held (32 record-kind,
 * action and expectation tables, 8 scenario sections, 16 invariant tables, 16 sim
 * extensions, 63 invariants in a verdict, 15 parameters in an action record) are all
 * kept, in registration order: a name defined twice is found in the table registered
 * first, a table registered twice is kept once, and a section set again is replaced in
 * its place.
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
#include "replay/runner.h"

#define NTABLES 40 /* more than the old 32 */

/* How many names in the NULL-terminated @names start with @prefix (frees @names). */
static size_t count_prefixed(const char **names, const char *prefix)
{
	assert_non_null(names);
	size_t n = 0;
	for (size_t i = 0; names[i]; i++)
		n += !strncmp(names[i], prefix, strlen(prefix));
	free(names);
	return n;
}

/* ---- record kinds ---- */

static char kind_names[NTABLES][32];
static struct pcisim_record_kind kind_tabs[NTABLES][2];
static const struct pcisim_record_kind dup_first[] = {{"test.kind.dup", "first"}, {0}};
static const struct pcisim_record_kind dup_second[] = {{"test.kind.dup", "second"}, {0}};

static void record_kinds(void **state)
{
	(void)state;
	tb_register();
	for (int i = 0; i < NTABLES; i++) {
		snprintf(kind_names[i], sizeof(kind_names[i]), "test.kind.%02d", i);
		kind_tabs[i][0] = (struct pcisim_record_kind){kind_names[i], "a test kind"};
		pcisim_record_kinds_add(kind_tabs[i]);
	}
	/* past every old limit: two tables with the same name, the first registered wins */
	pcisim_record_kinds_add(dup_first);
	pcisim_record_kinds_add(dup_second);
	pcisim_record_kinds_add(kind_tabs[0]); /* again: changes nothing */
	for (int i = 0; i < NTABLES; i++)
		assert_ptr_equal(pcisim_record_kind_find(kind_names[i]), &kind_tabs[i][0]);
	assert_string_equal(pcisim_record_kind_find("test.kind.dup")->help, "first");
	assert_int_equal(count_prefixed(pcisim_record_kind_names(), "test.kind."), NTABLES + 2);
	/* the core's own kinds and the layers' are still there, in front */
	assert_non_null(pcisim_record_kind_find("log"));
	assert_non_null(pcisim_record_kind_find("link.ltssm"));
}

/* ---- actions ---- */

#define NPARAMS 20 /* more than the 15 an action record had room for */

static char action_names[NTABLES][32];
static struct pcisim_action_def action_tabs[NTABLES][2];
static char param_names[NPARAMS][8];
static struct pcisim_param_def many_params[NPARAMS + 1];
static const struct pcisim_action_def act_dup_first[] = {{.name = "test.act.dup", .help = "first"}, {0}};
static const struct pcisim_action_def act_dup_second[] = {{.name = "test.act.dup", .help = "second"}, {0}};

static void register_actions(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	tb_register();
	for (int i = 0; i < NPARAMS; i++) {
		snprintf(param_names[i], sizeof(param_names[i]), "p%02d", i);
		many_params[i] = (struct pcisim_param_def){.name = param_names[i], .type = PCISIM_P_INT};
	}
	for (int i = 0; i < NTABLES; i++) {
		snprintf(action_names[i], sizeof(action_names[i]), "test.act.%02d", i);
		action_tabs[i][0] = (struct pcisim_action_def){.name = action_names[i], .help = "a test action",
							       .params = many_params};
		pcisim_actions_add(action_tabs[i]);
	}
	pcisim_actions_add(act_dup_first);
	pcisim_actions_add(act_dup_second);
	pcisim_actions_add(action_tabs[0]);
}

static void actions(void **state)
{
	(void)state;
	register_actions();
	for (int i = 0; i < NTABLES; i++)
		assert_ptr_equal(pcisim_action_find(action_names[i]), &action_tabs[i][0]);
	assert_string_equal(pcisim_action_find("test.act.dup")->help, "first");
	assert_int_equal(count_prefixed(pcisim_action_names(), "test.act."), NTABLES + 2);
	assert_non_null(pcisim_action_find("device_add"));
}

/* An action's record holds all 20 parameters of its step, in declaration order. */
static void action_record_has_every_parameter(void **state)
{
	(void)state;
	register_actions();
	char step[512];
	size_t u = (size_t)snprintf(step, sizeof(step), "  - {at: 1ms, do: test.act.%02d", 0);
	for (int i = 0; i < NPARAMS; i++)
		u += (size_t)snprintf(step + u, sizeof(step) - u, ", p%02d: %d", i, 100 + i);
	snprintf(step + u, sizeof(step) - u, "}\n");
	struct tb *t = tb_runf(0, "version: 1\nname: t\nuntil: 2ms\nmachine: {type: q35}\ntimeline:\n%s", step);
	const struct pcisim_record *r = tb_find_rec(t, "action", NULL, "do", action_names[0]);
	assert_non_null(r);
	assert_int_equal(r->nfields, 1 + NPARAMS);
	for (int i = 0; i < NPARAMS; i++) {
		char want[8];
		snprintf(want, sizeof(want), "%d", 100 + i);
		assert_string_equal(r->fields[1 + i].name, param_names[i]); /* in declaration order */
		assert_string_equal(tb_field(r, param_names[i]), want);
	}
	tb_free(t);
}

/* ---- expectation kinds ---- */

static char expect_keys[NTABLES][32];
static struct pcisim_param_def expect_params[NTABLES][2];
static struct pcisim_expect_def expect_tabs[NTABLES][2];
static unsigned evals;

static bool eval_true(struct pcisim_sim *sim, const struct pcisim_expect *e, char *expected, size_t ne,
		      char *observed, size_t no)
{
	(void)sim, (void)e;
	snprintf(expected, ne, "true");
	snprintf(observed, no, "true");
	evals++;
	return true;
}

static void expectations(void **state)
{
	(void)state;
	tb_register();
	for (int i = 0; i < NTABLES; i++) {
		snprintf(expect_keys[i], sizeof(expect_keys[i]), "test_expect_%02d", i);
		expect_params[i][0] = (struct pcisim_param_def){.name = expect_keys[i], .type = PCISIM_P_STR,
								.required = true};
		expect_tabs[i][0] = (struct pcisim_expect_def){.key = expect_keys[i], .help = "a test expectation",
							       .params = expect_params[i], .eval = eval_true};
		pcisim_expects_add(expect_tabs[i]);
	}
	pcisim_expects_add(expect_tabs[0]);
	for (int i = 0; i < NTABLES; i++)
		assert_ptr_equal(pcisim_expect_def_find(expect_keys[i]), &expect_tabs[i][0]);
	assert_int_equal(count_prefixed(pcisim_expect_keys(), "test_expect_"), NTABLES);
	/* the one registered last is usable in a scenario */
	evals = 0;
	struct tb *t = tb_runf(0, "version: 1\nname: t\nuntil: 1ms\nmachine: {type: q35}\nexpect:\n  - {%s: x}\n",
			       expect_keys[NTABLES - 1]);
	assert_int_equal(t->failed, 0);
	assert_int_equal(evals, 1);
	tb_free(t);
}

/* ---- scenario sections ---- */

#define NSECTIONS 20 /* more than the old 8 */

static char section_names[NSECTIONS][32];
static struct pcisim_section_def section_defs[NSECTIONS], section_again;

static int build_nothing(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
			 const struct pcisim_ynode *node, struct pcisim_diag *d)
{
	(void)sim, (void)sc, (void)node, (void)d;
	return 0;
}

static void sections(void **state)
{
	(void)state;
	tb_register();
	const struct pcisim_section_def *machine = pcisim__section_find("machine");
	assert_non_null(machine);
	for (int i = 0; i < NSECTIONS; i++) {
		snprintf(section_names[i], sizeof(section_names[i]), "test.section.%02d", i);
		section_defs[i] = (struct pcisim_section_def){section_names[i], build_nothing};
		pcisim_section_set(&section_defs[i]);
	}
	for (int i = 0; i < NSECTIONS; i++)
		assert_ptr_equal(pcisim__section_find(section_names[i]), &section_defs[i]);
	/* the same name again replaces that one handler and no other */
	section_again = (struct pcisim_section_def){section_names[NSECTIONS / 2], build_nothing};
	pcisim_section_set(&section_again);
	for (int i = 0; i < NSECTIONS; i++)
		assert_ptr_equal(pcisim__section_find(section_names[i]),
				 i == NSECTIONS / 2 ? &section_again : &section_defs[i]);
	assert_ptr_equal(pcisim__section_find("machine"), machine);
	assert_non_null(pcisim__section_find("topology"));
	assert_non_null(pcisim__section_find("host"));
	assert_null(pcisim__section_find("test.section.none"));
	/* a scenario still builds through the models' sections */
	struct tb *t = tb_ok("8.1", "  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n", "");
	tb_fn(t, "rp1");
	tb_free(t);
}

/* ---- sim extensions ---- */

#define NEXT 40 /* more than the old 16 */

static struct pcisim_ext_key ext_keys[NEXT];
static char ext_names[NEXT][16];
static int ext_vals[NEXT + 1];
static int destroyed[2 * NEXT];
static size_t ndestroyed;

static void log_destroy(void *val)
{
	assert_true(ndestroyed < 2 * NEXT);
	destroyed[ndestroyed++] = *(int *)val;
}

static void sim_extensions(void **state)
{
	(void)state;
	struct pcisim_sim sim;
	assert_int_equal(pcisim_sim_init(&sim, 1, NULL), 0);
	for (int i = 0; i < NEXT; i++) {
		snprintf(ext_names[i], sizeof(ext_names[i]), "test.ext.%02d", i);
		ext_keys[i].name = ext_names[i];
		ext_vals[i] = i;
		pcisim_ext_set(&sim, &ext_keys[i], &ext_vals[i], log_destroy);
	}
	for (int i = 0; i < NEXT; i++)
		assert_ptr_equal(pcisim_ext_get(&sim, &ext_keys[i]), &ext_vals[i]);
	/* a new value for a key set before: the old value is destroyed, the key keeps its place */
	ext_vals[NEXT] = 1000;
	pcisim_ext_set(&sim, &ext_keys[3], &ext_vals[NEXT], log_destroy);
	assert_int_equal(ndestroyed, 1);
	assert_int_equal(destroyed[0], 3);
	assert_ptr_equal(pcisim_ext_get(&sim, &ext_keys[3]), &ext_vals[NEXT]);
	struct pcisim_ext_key other = {"test.ext.other"};
	assert_null(pcisim_ext_get(&sim, &other));
	/* freed newest key first */
	pcisim_sim_free(&sim);
	assert_int_equal(ndestroyed, 1 + NEXT);
	for (int i = 0; i < NEXT; i++)
		assert_int_equal(destroyed[1 + i], NEXT - 1 - i == 3 ? 1000 : NEXT - 1 - i);
}

/* ---- invariants ---- */

#define NINV_TABLES 35 /* two invariants each: 70, more than 16 tables and 63 in a verdict */
#define NVIOLATED 5    /* the last ones (by name) fail */

static char inv_names[2 * NINV_TABLES][32];
static char inv_expects[2 * NINV_TABLES][64];
static struct pcisim_invariant inv_tabs[NINV_TABLES][3];

static bool holds(struct pcisim_sim *sim, const char *end_reason, char *where, size_t nw, char *what,
		  size_t nwhat)
{
	(void)sim, (void)end_reason, (void)where, (void)nw, (void)what, (void)nwhat;
	return true;
}

static const struct pcisim_invariant inv_dup_first[] = {{"test.inv.dup", "first", holds, NULL, NULL, NULL}, {0}};
static const struct pcisim_invariant inv_dup_second[] = {{"test.inv.dup", "second", holds, NULL, NULL, NULL}, {0}};

static bool breaks(struct pcisim_sim *sim, const char *end_reason, char *where, size_t nw, char *what,
		   size_t nwhat)
{
	(void)sim, (void)end_reason;
	snprintf(where, nw, "here");
	snprintf(what, nwhat, "broken on purpose");
	return false;
}

static void invariants(void **state)
{
	(void)state;
	tb_register();
	for (int i = 0; i < 2 * NINV_TABLES; i++) {
		snprintf(inv_names[i], sizeof(inv_names[i]), "test.inv.%02d", i);
		snprintf(inv_expects[i], sizeof(inv_expects[i]), "{count: test.inv, equals: %d}", i);
		bool bad = i >= 2 * NINV_TABLES - NVIOLATED;
		inv_tabs[i / 2][i % 2] = (struct pcisim_invariant){inv_names[i], "a test invariant",
								    bad ? breaks : holds, inv_expects[i], NULL, NULL};
	}
	for (int t = 0; t < NINV_TABLES; t++)
		pcisim_invariants_add(inv_tabs[t]);
	pcisim_invariants_add(inv_dup_first);
	pcisim_invariants_add(inv_dup_second);
	pcisim_invariants_add(inv_tabs[0]);
	for (int i = 0; i < 2 * NINV_TABLES; i++)
		assert_ptr_equal(pcisim_invariant_find(inv_names[i]), &inv_tabs[i / 2][i % 2]);
	assert_string_equal(pcisim_invariant_find("test.inv.dup")->help, "first");
	assert_int_equal(count_prefixed(pcisim_invariant_names(), "test.inv."), 2 * NINV_TABLES + 2);
	assert_non_null(pcisim_invariant_find("slot-settled"));

	/* A run checks every one of them (by name) and keeps each violated one's expectation. */
	static const char text[] = "version: 1\nname: t\nuntil: 1ms\nmachine: {type: q35}\n";
	struct pcisim_scenario sc;
	struct pcisim_diag d;
	pcisim_diag_init(&d, stderr);
	assert_int_equal(pcisim_scenario_parse(&sc, "t.yaml", text, strlen(text), &d), 0);
	struct pcisim_run_spec spec;
	pcisim_run_spec_init(&spec, &sc);
	struct pcisim_run_result res;
	assert_int_equal(pcisim_run_scenario(&spec, &res, &d), 0);
	assert_int_equal(res.violations, NVIOLATED);
	assert_int_equal(res.ninv_expect, NVIOLATED);
	for (int k = 0; k < NVIOLATED; k++)
		assert_string_equal(res.inv_expect[k], inv_expects[2 * NINV_TABLES - NVIOLATED + k]);
	pcisim_run_result_free(&res);
	pcisim_scenario_free(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record_kinds),
		cmocka_unit_test(actions),
		cmocka_unit_test(action_record_has_every_parameter),
		cmocka_unit_test(expectations),
		cmocka_unit_test(sections),
		cmocka_unit_test(sim_extensions),
		cmocka_unit_test(invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
