/*
 * The fuzzer's built-in invariants: every one is registered under its documented
 * name, and each holds on a shipped scenario that exercises it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "replay/runner.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtins_registered),
		cmocka_unit_test(hold_after_io_and_recovery),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
