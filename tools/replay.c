/*
 * pcisim replay: re-execute a recorded run and verify it item by item; re-run its
 * inputs under a changed model; dump the state at a time; compare two traces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/verify.h"
#include "tools/cli.h"
#include "tools/limits.h"
#include "tools/timeline.h"

static const char usage[] =
	"usage: pcisim replay TRACE [OPTIONS]\n"
	"       pcisim replay --diff TRACE_A TRACE_B\n"
	"\n"
	"Re-execute the run recorded in TRACE (written by 'pcisim simulate --record' or by\n"
	"'pcisim fuzz') from the scenario and the choices it embeds, and check every event,\n"
	"trace record and choice against the recording. On a divergence, print the first\n"
	"differing item beside the expected one, with the items that led to it.\n"
	"\n"
	"options:\n"
	"  --set KEY=VALUE   run the recorded inputs under a changed model (e.g.\n"
	"                    machine.qemu=8.1, host.pciehp=off) and say whether the\n"
	"                    recorded failure still happens; may be repeated\n"
	"  --context N       show N items before a divergence (default 8)\n"
	"  --until TIME      stop the replay at simulated TIME\n"
	"  --dump            with --until: print every component's state (registers\n"
	"                    decoded, slot, link and pciehp states) and the pending events\n"
	"  --convert FILE    write the trace to FILE in the other form (JSON Lines if FILE\n"
	"                    ends in .jsonl, else binary) after reading it\n"
	"  --json            print the result as one JSON object\n"
	"  --diff A B        compare two traces item by item\n"
	PCISIM_VIEWS_HELP
	PCISIM_LIMITS_HELP
	"\n"
	"exit status: 0 identical (with --set: the recorded failure no longer happens),\n"
	"1 diverged (with --set: it still happens), 2 bad input or a corrupt trace,\n"
	"3 a limit stopped the replay\n";

/* --perfetto, --vcd: the views' sinks on the replayed run */
static void attach_views(void *ctx, struct pcisim_sim *sim, const struct pcisim_scenario *sc)
{
	/* a sink that cannot be made is reported and marked; the replay still runs */
	pcisim_views_attach("replay", ctx, sim, sc->name);
}

static int replay_main(int argc, char **argv)
{
	struct pcisim_views views = {0};
	struct pcisim_replay_opts o = {0};
	const char *file = NULL, *diff_a = NULL, *diff_b = NULL, *convert = NULL;
	const char *sets[64];
	size_t nsets = 0;
	struct pcisim_limits limits;
	pcisim_limits_init(&limits);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int lim = pcisim_limits_option("replay", a, v, &limits);
		if (!lim)
			lim = pcisim_views_option("replay", a, v, &views);
		if (lim < 0)
			return PCISIM_EXIT_USAGE;
		if (lim) {
			i++;
		} else if (!strcmp(a, "--set")) {
			if (!v || !strchr(v, '='))
				return pcisim_usage_error("replay",
							  "option '--set' needs KEY=VALUE, e.g. machine.qemu=8.1");
			if (nsets == 64)
				return pcisim_usage_error("replay", "option '--set': at most 64 overrides");
			sets[nsets++] = v, i++;
		} else if (!strcmp(a, "--context")) {
			uint64_t n;
			if (pcisim_opt_u64("replay", a, v, &n))
				return PCISIM_EXIT_USAGE;
			o.context = n > 1000 ? 1000 : (unsigned)n, i++;
		} else if (!strcmp(a, "--until")) {
			if (pcisim_opt_time("replay", a, v, &o.until))
				return PCISIM_EXIT_USAGE;
			o.has_until = true, i++;
		} else if (!strcmp(a, "--dump")) {
			o.dump = true;
		} else if (!strcmp(a, "--json")) {
			o.json = true;
		} else if (!strcmp(a, "--convert")) {
			if (!v)
				return pcisim_usage_error("replay", "option '--convert' needs a file name");
			convert = v, i++;
		} else if (!strcmp(a, "--diff")) {
			if (!v || i + 2 >= argc)
				return pcisim_usage_error("replay", "option '--diff' needs two traces: --diff A B");
			diff_a = argv[i + 1], diff_b = argv[i + 2], i += 2;
		} else if (a[0] == '-' && a[1]) {
			return pcisim_usage_error("replay",
						  "unknown option '%s'; valid options: --set, --context, --until, --dump, --convert, --json, --diff, --perfetto, --vcd, --max-events, --max-memory, --max-output",
						  a);
		} else if (file) {
			return pcisim_usage_error("replay", "one trace at a time (got '%s' and '%s')", file, a);
		} else {
			file = a;
		}
	}
	struct pcisim_diag diag;
	pcisim_diag_init(&diag, stderr);
	if (diff_a) {
		if (file)
			return pcisim_usage_error("replay", "--diff compares two traces; '%s' is a third", file);
		struct pcisim_tfile a, b;
		int ra = pcisim_tfile_read(&a, diff_a, &diag);
		int rb = ra ? 0 : pcisim_tfile_read(&b, diff_b, &diag);
		int rc = PCISIM_EXIT_USAGE;
		if (!ra && !rb)
			rc = pcisim_trace_diff(&a, &b, o.context, stdout);
		pcisim_tfile_free(&a);
		if (!ra)
			pcisim_tfile_free(&b);
		return rc;
	}
	if (!file)
		return pcisim_usage_error("replay", "missing the TRACE; usage: pcisim replay TRACE [OPTIONS]");
	if (o.dump && !o.has_until)
		return pcisim_usage_error("replay", "option '--dump' needs '--until TIME' (the time to show)");
	if (o.dump && nsets)
		return pcisim_usage_error("replay", "options '--dump' and '--set' do not go together");
	o.sets = sets;
	o.nsets = nsets;
	o.out = stdout;
	struct pcisim_tfile t;
	if (pcisim_tfile_read(&t, file, &diag)) {
		pcisim_tfile_free(&t);
		return PCISIM_EXIT_USAGE;
	}
	int rc;
	if (convert) {
		char err[512];
		rc = pcisim_tfile_write(&t, convert, pcisim_tformat_for_path(convert), err, sizeof(err))
			     ? pcisim_usage_error("replay", "option '--convert': %s", err)
			     : PCISIM_EXIT_OK;
		if (rc == PCISIM_EXIT_OK)
			printf("wrote %s (%s, %zu items)\n", convert,
			       pcisim_tformat_for_path(convert) == PCISIM_TF_JSONL ? "JSON Lines" : "binary", t.n);
	} else {
		o.watchdog = pcisim_limits_watchdog(&limits);
		o.at_start = attach_views;
		o.start_ctx = &views;
		rc = pcisim_views_open("replay", &views) ? PCISIM_EXIT_USAGE : pcisim_replay(&t, &o, &diag);
		if (pcisim_views_close("replay", &views))
			rc = PCISIM_EXIT_USAGE;
	}
	pcisim_tfile_free(&t);
	return rc;
}

const struct pcisim_command pcisim_cmd_replay = {
	"replay",
	"re-execute a recorded run and verify it; re-run its inputs under a changed model",
	usage,
	replay_main,
};
