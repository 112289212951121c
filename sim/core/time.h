/*
 * Simulated time: an unsigned 64-bit count of picoseconds (2^64 ps is about 213 days).
 * Never a float: every duration in a scenario is parsed exactly into integer picoseconds,
 * so the same text gives the same time on every machine.
 */
#ifndef PCISIM_CORE_TIME_H
#define PCISIM_CORE_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t pcisim_time;

#define PCISIM_PS ((pcisim_time)1)
#define PCISIM_NS ((pcisim_time)1000)
#define PCISIM_US ((pcisim_time)1000000)
#define PCISIM_MS ((pcisim_time)1000000000)
#define PCISIM_S  ((pcisim_time)1000000000000)
#define PCISIM_TIME_MAX UINT64_MAX

/** A closed interval of times; lo == hi for a single time. */
struct pcisim_time_range {
	pcisim_time lo, hi;
};

/**
 * pcisim_time_parse() - parse a duration such as "10ms", "250ns", "1.5us", "2s", "0".
 * Units: ps, ns, us, ms, s. A bare "0" needs no unit. Fractions must come out as a whole
 * number of picoseconds. Returns 0 on success, -1 with @why set to a static explanation.
 */
int pcisim_time_parse(const char *s, pcisim_time *out, const char **why);

/** pcisim_time_range_parse() - a duration or a range "LO..HI" with LO <= HI. */
int pcisim_time_range_parse(const char *s, struct pcisim_time_range *out, const char **why);

/**
 * pcisim_time_format() - exact human form with the largest unit that keeps it short,
 * e.g. "10ms", "1.5us", "2s", "0". Returns @buf.
 */
char *pcisim_time_format(pcisim_time t, char *buf, size_t n);

/** pcisim_time_format_fixed() - seconds with 9 decimals ("0.010000000"), 12 if sub-ns. */
char *pcisim_time_format_fixed(pcisim_time t, char *buf, size_t n);

/** Saturating addition: never wraps past PCISIM_TIME_MAX. */
static inline pcisim_time pcisim_time_add(pcisim_time a, pcisim_time b)
{
	return a > PCISIM_TIME_MAX - b ? PCISIM_TIME_MAX : a + b;
}

#endif
