/*
 * What the fuzz harnesses of tests/fuzz/ share (docs/fuzz.md, "libFuzzer harnesses").
 *
 * Each harness is one LLVMFuzzerTestOneInput(): built with clang's libFuzzer when the
 * project is configured with -DPCISIM_FUZZ=ON, and otherwise with driver.c, a plain
 * main() that feeds it files (AFL++, reproducing a finding, and the corpus regression
 * tests of every build).
 *
 * Contract of a harness: any input returns normally, and it returns only after freeing
 * everything it allocated. A finding is whatever stops that: a crash, an assertion,
 * a sanitizer report, a leak, a timeout, memory past -rss_limit_mb, or fuzz_fail():
 * a property of pcisim that the harness checks (the invariants of a run, a written
 * scenario that must load, a trace that must read back as written).
 */
#ifndef PCISIM_TESTS_FUZZ_H
#define PCISIM_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/diag.h"

/*
 * Every run a harness makes stops after this many events (struct pcisim_watchdog): an
 * input may ask for a run of any length, and a fuzzer wants many inputs a second.
 * Every shipped scenario needs fewer (the largest, aer-correctable-storm, 34k). The
 * costliest events under ASan take some 40 us (a repeated pcie_aer_inject_error), so
 * a run stays within a few seconds, well inside run_fuzz.sh's -timeout.
 */
#define FUZZ_MAX_EVENTS 50000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * fuzz_setup() - register every layer (once) and give a diag for one input: its
 * messages go nowhere, or to stderr when PCISIM_FUZZ_VERBOSE is set in the
 * environment (to see why an input is refused while reproducing a finding).
 */
void fuzz_setup(struct pcisim_diag *d);

/** Where a harness sends what pcisim prints (reports, YAML): nowhere, or stderr (verbose). */
FILE *fuzz_out(void);

struct pcisim_scenario;

/**
 * fuzz_check_invariants() - every violated invariant among a run's @failures (struct
 * pcisim_run_result: "invariant NAME violated at WHERE: WHAT") that is the model's own
 * consistency (no as_expect form: io-accounted, slot-settled, recoveries-complete) must
 * be stated by an {invariant: NAME, violated: ...} expectation of @sc; otherwise
 * fuzz_fail(), naming @how the run was made. An invariant with an as_expect form
 * (migration-completes, fm-single-run) is the emulated system's outcome, which a race
 * may break whether or not the input speaks of it, and is never a finding.
 */
void fuzz_check_invariants(const struct pcisim_scenario *sc, char *const *failures, size_t n,
			   const char *how, const uint8_t *data, size_t size);

/** Is PCISIM_FUZZ_VERBOSE set? */
int fuzz_verbose(void);

/**
 * fuzz_fail() - a property the harness checks does not hold: print why, with the input
 * when it is text, and abort (libFuzzer saves the input as a crash).
 */
_Noreturn void fuzz_fail(const uint8_t *data, size_t size, const char *fmt, ...) PCISIM_PRINTF(3, 4);

#endif
