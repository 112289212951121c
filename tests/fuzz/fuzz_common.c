/*
 * What the harnesses share: registration, where their output goes, and how a
 * property that does not hold stops the fuzzer.
 */
#include "fuzz.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "replay/register.h"
#include "replay/runner.h"
#include "sim/core/scenario.h"

int fuzz_verbose(void)
{
	static int verbose = -1;
	if (verbose < 0) {
		const char *v = getenv("PCISIM_FUZZ_VERBOSE");
		verbose = v && v[0] && strcmp(v, "0");
	}
	return verbose;
}

FILE *fuzz_out(void)
{
	static FILE *null;
	if (fuzz_verbose())
		return stderr;
	if (!null) {
		null = fopen("/dev/null", "w");
		if (!null) {
			perror("fuzz: /dev/null");
			abort();
		}
	}
	return null;
}

void fuzz_setup(struct pcisim_diag *d)
{
	static bool registered;
	if (!registered) {
		pcisim_register_all();
		registered = true;
	}
	pcisim_diag_init(d, fuzz_out());
}

void fuzz_fail(const uint8_t *data, size_t size, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "\n==fuzz== property violated: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (data && size < 16384 && !memchr(data, 0, size))
		fprintf(stderr, "==fuzz== the input (%zu bytes):\n%.*s\n==fuzz== end of input\n", size,
			(int)size, (const char *)data);
	fflush(stderr);
	abort();
}

/* Does the scenario state how invariant @name ends ({invariant: NAME, violated: ...})? */
static bool expects_invariant(const struct pcisim_scenario *sc, const char *name)
{
	for (size_t i = 0; i < sc->nexpects; i++)
		if (!strcmp(sc->expects[i].def->key, "invariant") && sc->expects[i].vals[0].s &&
		    !strcmp(sc->expects[i].vals[0].s, name))
			return true;
	return false;
}

void fuzz_check_invariants(const struct pcisim_scenario *sc, char *const *failures, size_t n,
			   const char *how, const uint8_t *data, size_t size)
{
	static const char inv[] = "invariant ";
	for (size_t i = 0; i < n; i++) {
		/* "invariant NAME violated at WHERE: WHAT" (replay/runner.c); names have no blanks */
		if (strncmp(failures[i], inv, sizeof(inv) - 1))
			continue;
		const char *name = failures[i] + sizeof(inv) - 1;
		char buf[128];
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(name, " "), name);
		const struct pcisim_invariant *v = pcisim_invariant_find(buf);
		if (v && v->as_expect)
			continue; /* the emulated system's outcome, not the model's consistency */
		if (expects_invariant(sc, buf))
			continue; /* the input says how this invariant ends: its expectation checks it */
		fuzz_fail(data, size, "%s: %s (no expectation of the input accounts for it)", how, failures[i]);
	}
}
