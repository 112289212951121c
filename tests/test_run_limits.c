/*
 * Run limits and bounded memory: a run is stopped by --max-events, --max-memory or
 * --max-output with a message naming the limit and exit status 3 (simulate and
 * replay), and a long run keeps no records: its peak memory does not grow with its
 * length, while expectations about its records still see every one of them.
 */
/* wait4() for a child's peak memory */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "testbench.h"

static char tmp[] = "/tmp/pcisim-limits-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return tb_tmpdir_setup(tmp);
}

static int teardown(void **state)
{
	(void)state;
	return tb_tmpdir_teardown(tmp);
}

static void event_limit(void **state)
{
	char *out;
	int rc = tb_cli(&out, "simulate tests/limits/storm.yaml --max-events 1000");
	assert_int_equal(rc, 3);
	assert_non_null(strstr(out, "pcisim simulate: error: the run stopped at 1.000999ms after 1000 events: event limit (--max-events 1000); raise it, or give 0 for none"));
	assert_null(strstr(out, "trace hash"));
	free(out);
}

static void output_limit(void **state)
{
	char *out;
	int rc = tb_cli(&out, "simulate tests/limits/storm.yaml --max-output 1 --trace-out %s/t.jsonl", tmp);
	assert_int_equal(rc, 3);
	assert_non_null(strstr(out, "output limit: the run wrote "));
	assert_non_null(strstr(out, "above --max-output 1; raise it, or give 0 for none"));
	free(out);
}

static void memory_limit(void **state)
{
	char *out;
	int rc = tb_cli(&out, "simulate tests/limits/storm.yaml --max-memory 1");
	assert_int_equal(rc, 3);
	assert_non_null(strstr(out, "memory limit: pcisim used "));
	free(out);
}

static void bad_limit_values(void **state)
{
	char *out;
	assert_int_equal(tb_cli(&out, "simulate tests/limits/storm.yaml --max-events ten"), 2);
	assert_non_null(strstr(out, "option '--max-events': 'ten' is not an integer"));
	free(out);
	assert_int_equal(tb_cli(&out, "replay x.trace --max-memory"), 2);
	assert_non_null(strstr(out, "option '--max-memory' needs a value (an integer)"));
	free(out);
}

/* A limit of 0 is none; the run completes and every expectation saw every record. */
static void unlimited_run_checks_expectations(void **state)
{
	char *out;
	int rc = tb_cli(&out, "simulate tests/limits/storm.yaml --max-events 0 --max-memory 0 --max-output 0");
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "expectations: 3 passed, 0 failed"));
	free(out);
}

static void replay_limit(void **state)
{
	char *out;
	assert_int_equal(tb_cli(&out, "simulate tests/limits/storm.yaml --record %s/s.trace --quiet", tmp), 0);
	free(out);
	int rc = tb_cli(&out, "replay %s/s.trace --max-events 500", tmp);
	assert_int_equal(rc, 3);
	assert_non_null(strstr(out, "the replay stopped at 1.000499ms after 500 events: event limit; raise it"));
	free(out);
	assert_int_equal(tb_cli(&out, "replay %s/s.trace", tmp), 0);
	free(out);
}

/* Peak memory of a child running the storm cut to @n errors, in KiB. */
static long peak_kib(unsigned n)
{
	char path[256], cmd[1024];
	snprintf(path, sizeof(path), "%s/storm-%u.yaml", tmp, n);
	snprintf(cmd, sizeof(cmd), "sed 's/repeat: 100000/repeat: %u/; s/equals: 100000/equals: %u/' tests/limits/storm.yaml > %s",
		 n, n, path);
	assert_int_equal(system(cmd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		execl(PCISIM_BINARY, "pcisim", "simulate", path, (char *)NULL);
		_exit(127);
	}
	int st;
	struct rusage ru;
	assert_int_equal(wait4(pid, &st, 0, &ru), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return ru.ru_maxrss;
}

/* Ten times the records, not ten times the memory (it stays within 2 MiB). */
static void memory_does_not_grow_with_the_run(void **state)
{
#if defined(__SANITIZE_ADDRESS__)
	skip(); /* ASan keeps freed memory in quarantine: its peak says nothing here */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	skip();
#endif
#endif
	long small = peak_kib(10000), large = peak_kib(100000);
	if (large > small + 2048)
		fail_msg("peak memory %ld KiB for 100000 errors, %ld KiB for 10000", large, small);
}

int main(void)
{
	if (chdir(PCISIM_SOURCE_DIR))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(event_limit),
		cmocka_unit_test(output_limit),
		cmocka_unit_test(memory_limit),
		cmocka_unit_test(bad_limit_values),
		cmocka_unit_test(unlimited_run_checks_expectations),
		cmocka_unit_test(replay_limit),
		cmocka_unit_test(memory_does_not_grow_with_the_run),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
