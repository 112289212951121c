/*
 * Duration parsing and formatting in exact integer picoseconds.
 */
#include "sim/core/time.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	pcisim_time ps;
} units[] = {
	{"ps", PCISIM_PS}, {"ns", PCISIM_NS}, {"us", PCISIM_US}, {"ms", PCISIM_MS}, {"s", PCISIM_S},
};

int pcisim_time_parse(const char *s, pcisim_time *out, const char **why)
{
	const char *p = s;
	uint64_t whole = 0, frac = 0, frac_div = 1;
	int digits = 0;

	*why = "expected a duration like 10ms, 250ns, 1.5us or 2s (units: ps, ns, us, ms, s)";
	while (*p == ' ')
		p++;
	while (*p >= '0' && *p <= '9') {
		if (__builtin_mul_overflow(whole, 10, &whole) ||
		    __builtin_add_overflow(whole, (uint64_t)(*p - '0'), &whole)) {
			*why = "duration too large (at most about 213 days)";
			return -1;
		}
		p++, digits++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (frac_div >= 1000000000000000000ull) {
				*why = "too many decimal digits";
				return -1;
			}
			frac = frac * 10 + (uint64_t)(*p - '0');
			frac_div *= 10;
			p++, digits++;
		}
	}
	if (!digits)
		return -1;
	while (*p == ' ')
		p++;
	if (!*p) {
		if (whole == 0 && frac == 0) {
			*out = 0;
			return 0;
		}
		*why = "a duration needs a unit: ps, ns, us, ms or s (e.g. 10ms)";
		return -1;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].name);
		if (strncmp(p, units[i].name, n) != 0)
			continue;
		const char *q = p + n;
		while (*q == ' ')
			q++;
		if (*q)
			continue;
		pcisim_time u = units[i].ps;
		if (whole > UINT64_MAX / u) {
			*why = "duration too large (at most about 213 days)";
			return -1;
		}
		pcisim_time t = whole * u;
		/*
		 * frac / frac_div * u must be a whole number of picoseconds. Units and
		 * frac_div are powers of ten, so divide the larger by the smaller first:
		 * nothing overflows, and the check is exact.
		 */
		if (frac) {
			uint64_t fu;
			if (u >= frac_div) {
				fu = frac * (u / frac_div); /* < u: frac < frac_div */
			} else {
				uint64_t k = frac_div / u;
				if (frac % k) {
					*why = "duration is not a whole number of picoseconds";
					return -1;
				}
				fu = frac / k;
			}
			if (t > UINT64_MAX - fu) {
				*why = "duration too large (at most about 213 days)";
				return -1;
			}
			t += fu;
		}
		*out = t;
		return 0;
	}
	*why = "unknown time unit; valid units: ps, ns, us, ms, s";
	return -1;
}

int pcisim_time_range_parse(const char *s, struct pcisim_time_range *out, const char **why)
{
	const char *dots = strstr(s, "..");
	if (!dots) {
		if (pcisim_time_parse(s, &out->lo, why))
			return -1;
		out->hi = out->lo;
		return 0;
	}
	char lo[64];
	size_t n = (size_t)(dots - s);
	if (n >= sizeof(lo)) {
		*why = "expected a time or a range like 0ms..2s";
		return -1;
	}
	memcpy(lo, s, n);
	lo[n] = 0;
	if (pcisim_time_parse(lo, &out->lo, why) || pcisim_time_parse(dots + 2, &out->hi, why)) {
		return -1;
	}
	if (out->lo > out->hi) {
		*why = "range must run from the lower to the higher time (LO..HI)";
		return -1;
	}
	return 0;
}

char *pcisim_time_format(pcisim_time t, char *buf, size_t n)
{
	if (t == 0) {
		snprintf(buf, n, "0");
		return buf;
	}
	size_t i = sizeof(units) / sizeof(units[0]);
	while (--i > 0 && t < units[i].ps)
		;
	pcisim_time u = units[i].ps;
	uint64_t whole = t / u, rem = t % u;
	if (!rem) {
		snprintf(buf, n, "%llu%s", (unsigned long long)whole, units[i].name);
		return buf;
	}
	/* Print the remainder with as many digits as the unit has, then trim zeros. */
	int width = 0;
	for (pcisim_time v = u; v > 1; v /= 10)
		width++;
	char frac[32];
	if (width > 12)
		width = 12;
	snprintf(frac, sizeof(frac), "%0*llu", width, (unsigned long long)rem);
	for (int k = width - 1; k > 0 && frac[k] == '0'; k--)
		frac[k] = 0;
	snprintf(buf, n, "%llu.%s%s", (unsigned long long)whole, frac, units[i].name);
	return buf;
}

char *pcisim_time_format_fixed(pcisim_time t, char *buf, size_t n)
{
	unsigned long long s = t / PCISIM_S, ps = t % PCISIM_S;
	if (ps % 1000)
		snprintf(buf, n, "%llu.%012llu", s, ps);
	else
		snprintf(buf, n, "%llu.%09llu", s, ps / 1000);
	return buf;
}
