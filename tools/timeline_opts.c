/*
 * --perfetto FILE and --vcd FILE, as simulate and replay take them: the files are
 * opened before the run (a path that cannot be written is a usage error, exit 2,
 * before anything runs) and closed after it, when the sinks have written their ends.
 */
#include <errno.h>
#include <string.h>

#include "tools/cli.h"
#include "tools/timeline.h"

static const char *const view_opts[2] = {"--perfetto", "--vcd"};

bool pcisim_views_take(int id, const char *val, struct pcisim_views *w)
{
	if (id != PCISIM_OPT_PERFETTO && id != PCISIM_OPT_VCD)
		return false;
	w->path[id == PCISIM_OPT_VCD] = val;
	return true;
}

int pcisim_views_open(const char *cmd, struct pcisim_views *w)
{
	if (w->path[0] && w->path[1] && !strcmp(w->path[0], w->path[1]))
		return pcisim_usage_error(cmd, "options '--perfetto' and '--vcd' name the same file '%s'; give each its own",
					  w->path[0]),
		       -1;
	for (int i = 0; i < 2; i++)
		if (w->path[i] && !(w->f[i] = fopen(w->path[i], "w"))) {
			pcisim_usage_error(cmd, "option '%s': cannot write '%s': %s", view_opts[i], w->path[i],
					   strerror(errno));
			pcisim_views_close(cmd, w);
			return -1;
		}
	return 0;
}

int pcisim_views_attach(const char *cmd, struct pcisim_views *w, struct pcisim_sim *sim, const char *title)
{
	for (int i = 0; i < 2; i++) {
		if (!w->f[i])
			continue;
		struct pcisim_sink *s = i ? pcisim_sink_vcd(w->f[i], sim, title)
					  : pcisim_sink_perfetto(w->f[i], sim, title);
		if (!s) {
			pcisim_usage_error(cmd, "option '%s': cannot write '%s': %s", view_opts[i], w->path[i],
					   i ? "no temporary file for the value changes" : "out of memory");
			w->failed = true;
			return -1;
		}
		pcisim_trace_add_sink(sim->trace, s);
	}
	return 0;
}

int pcisim_views_close(const char *cmd, struct pcisim_views *w)
{
	int rc = w->failed ? -1 : 0;
	for (int i = 0; i < 2; i++) {
		if (!w->f[i])
			continue;
		bool bad = ferror(w->f[i]) != 0;
		if (fclose(w->f[i]) || bad) {
			if (!rc)
				pcisim_usage_error(cmd, "option '%s': cannot write '%s': %s", view_opts[i],
						   w->path[i], bad ? "write error" : strerror(errno));
			rc = -1;
		}
		w->f[i] = NULL;
	}
	return rc;
}
