/*
 * The fuzzer's built-in invariants: every one is registered under its documented
 * name, and each holds on a shipped scenario that exercises it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "replay/runner.h"
#include "sim/core/component.h"
#include "sim/core/sim.h"
#include "testbench.h"

static void builtins_registered(void **state)
{
	static const char *const names[] = {"migration-completes", "slot-settled", "io-accounted",
					    "recoveries-complete"};
	tb_register();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct pcisim_invariant *v = pcisim_invariant_find(names[i]);
		if (!v)
			fail_msg("invariant %s is not registered", names[i]);
		assert_non_null(v->check);
	}
}

static void hold_after_io_and_recovery(void **state)
{
	static const char *const files[] = {"scenarios/aer-inject-during-io.yaml",
					    "scenarios/aer-fatal-multifunction-recovers.yaml"};
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char *out;
		int rc = tb_cli(&out, "fuzz %s --runs 5", files[f]);
		if (rc)
			fail_msg("%s: exit %d\n%s", files[f], rc, out);
		assert_non_null(strstr(out, "no failures"));
		free(out);
	}
}

/* A pciehp controller stuck in POWERON: a stand-in whose state query says so. */
static int stuck_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	(void)c;
	if (strcmp(key, "state"))
		return -PCISIM_ENOENT;
	v->is_str = true;
	v->s = "POWERON";
	return 0;
}

static void stuck_destroy(struct pcisim_comp *c)
{
	free(c);
}

static const struct pcisim_comp_ops stuck_ops = {.type = "pciehp", .query = stuck_query, .destroy = stuck_destroy};

/*
 * slot-settled looks at every machine of machines:, not only the engine's own
 * components, and names the machine of the slot it finds; a one-machine run names
 * the slot alone. Only an idle end counts.
 */
static void slot_settled_per_machine(void **state)
{
	(void)state;
	tb_register();
	const struct pcisim_invariant *v = pcisim_invariant_find("slot-settled");
	assert_non_null(v);
	char where[128], what[128];

	struct pcisim_sim eng, fm, target;
	assert_int_equal(pcisim_sim_init(&eng, 1, NULL), 0);
	assert_int_equal(pcisim_sim_view_init(&fm, &eng, "fm"), 0);
	assert_int_equal(pcisim_sim_view_init(&target, &eng, "target"), 0);
	assert_true(v->check(&eng, "idle", where, sizeof(where), what, sizeof(what)));
	struct pcisim_comp *slot = calloc(1, sizeof(*slot));
	assert_non_null(slot);
	assert_int_equal(pcisim_comp_add(&target, slot, NULL, "pciehp6", &stuck_ops), 0);
	assert_false(v->check(&eng, "idle", where, sizeof(where), what, sizeof(what)));
	assert_string_equal(where, "target/pciehp6");
	assert_string_equal(what, "left in POWERON with nothing left to run");
	assert_true(v->check(&eng, "time limit", where, sizeof(where), what, sizeof(what)));
	pcisim_sim_free(&target);
	pcisim_sim_free(&fm);
	pcisim_sim_free(&eng);

	struct pcisim_sim one;
	assert_int_equal(pcisim_sim_init(&one, 1, NULL), 0);
	slot = calloc(1, sizeof(*slot));
	assert_non_null(slot);
	assert_int_equal(pcisim_comp_add(&one, slot, NULL, "pciehp6", &stuck_ops), 0);
	assert_false(v->check(&one, "idle", where, sizeof(where), what, sizeof(what)));
	assert_string_equal(where, "pciehp6");
	pcisim_sim_free(&one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtins_registered),
		cmocka_unit_test(hold_after_io_and_recovery),
		cmocka_unit_test(slot_settled_per_machine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
