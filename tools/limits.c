/*
 * Run limits (tools/limits.h). The memory bound reads the process's peak resident
 * size (getrusage); like the other bounds it decides only whether a run goes on, never
 * what the model does, so a run that stays within its limits is the same run.
 */
#include "tools/limits.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "sim/core/trace.h"
#include "tools/cli.h"

/* Events between looks at memory and output (the event bound is exact). */
#define WATCH_EVERY 65536

void pcisim_limits_init(struct pcisim_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->max_events = PCISIM_DEFAULT_MAX_EVENTS;
	l->max_memory_mib = PCISIM_DEFAULT_MAX_MEMORY_MIB;
	l->max_output_mib = PCISIM_DEFAULT_MAX_OUTPUT_MIB;
}

int pcisim_limits_option(const char *cmd, const char *opt, const char *v, struct pcisim_limits *l)
{
	uint64_t *dst = !strcmp(opt, "--max-events")   ? &l->max_events
			: !strcmp(opt, "--max-memory") ? &l->max_memory_mib
			: !strcmp(opt, "--max-output") ? &l->max_output_mib
						       : NULL;
	if (!dst)
		return 0;
	return pcisim_opt_u64(cmd, opt, v, dst) ? -1 : 1;
}

static uint64_t peak_rss_mib(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (uint64_t)ru.ru_maxrss / 1024; /* Linux reports KiB */
}

static const char *check(void *ctx, struct pcisim_sim *sim)
{
	struct pcisim_limits *l = ctx;
	if (l->max_memory_mib) {
		uint64_t mib = peak_rss_mib();
		if (mib > l->max_memory_mib) {
			snprintf(l->why, sizeof(l->why),
				 "memory limit: pcisim used %llu MiB, above --max-memory %llu",
				 (unsigned long long)mib, (unsigned long long)l->max_memory_mib);
			return l->why;
		}
	}
	if (l->max_output_mib) {
		uint64_t bytes = sim->trace ? pcisim_trace_bytes(sim->trace) : 0;
		if (l->output_bytes)
			bytes += l->output_bytes(l->output_ctx);
		if (bytes > l->max_output_mib << 20) {
			snprintf(l->why, sizeof(l->why),
				 "output limit: the run wrote %llu MiB, above --max-output %llu",
				 (unsigned long long)(bytes >> 20), (unsigned long long)l->max_output_mib);
			return l->why;
		}
	}
	return NULL;
}

const struct pcisim_watchdog *pcisim_limits_watchdog(struct pcisim_limits *l)
{
	l->wd.max_events = l->max_events;
	l->wd.every = l->max_memory_mib || l->max_output_mib ? WATCH_EVERY : 0;
	l->wd.check = check;
	l->wd.ctx = l;
	return &l->wd;
}

void pcisim_limits_arm(struct pcisim_limits *l, struct pcisim_sim *sim)
{
	sim->watchdog = pcisim_limits_watchdog(l);
	sim->next_watch = 0;
}

int pcisim_limits_report(const char *cmd, const struct pcisim_limits *l, const struct pcisim_sim *sim)
{
	if (!sim->stopped_by)
		return 0;
	char t[40];
	pcisim_time_format(sim->now, t, sizeof(t));
	if (!strcmp(sim->stopped_by, "event limit"))
		fprintf(stderr,
			"pcisim %s: error: the run stopped at %s after %llu events: event limit (--max-events %llu); raise it, or give 0 for none\n",
			cmd, t, (unsigned long long)sim->executed, (unsigned long long)l->max_events);
	else
		fprintf(stderr, "pcisim %s: error: the run stopped at %s after %llu events: %s; raise it, or give 0 for none\n",
			cmd, t, (unsigned long long)sim->executed, sim->stopped_by);
	return PCISIM_EXIT_LIMIT;
}
