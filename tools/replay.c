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

enum { OPT_CONTEXT = 1, OPT_DUMP, OPT_CONVERT, OPT_DIFF, OPT_FROM };

static const struct pcisim_option options[] = {
	/* the shared --set, with what it means for a recorded run */
	{PCISIM_OPT_SET, "--set", NULL, PCISIM_OPTARG_KEYVAL, "KEY=VALUE",
	 "run the recorded inputs under a changed model (e.g. machine.qemu=8.1, host.pciehp=off) "
	 "and say whether the recorded failure still happens; may be repeated; 'pcisim help set' "
	 "lists the keys",
	 0, NULL},
	{OPT_CONTEXT, "--context", NULL, PCISIM_OPTARG_INT, "N",
	 "show N items before a divergence (default 8)", 0, NULL},
	{PCISIM_OPT_UNTIL, "--until", NULL, PCISIM_OPTARG_TIME, "TIME",
	 "stop the replay at simulated TIME", 0, NULL},
	{OPT_FROM, "--from", NULL, PCISIM_OPTARG_TIME, "TIME",
	 "start at simulated TIME: the run up to it is re-executed as a snapshot restore does "
	 "(unchecked, its hash still compared at the end), the items from TIME on are compared",
	 0, NULL},
	{OPT_DUMP, "--dump", NULL, PCISIM_OPTARG_NONE, NULL,
	 "with --until: print every component's state (registers decoded, slot, link and pciehp "
	 "states) and the pending events",
	 0, NULL},
	{OPT_CONVERT, "--convert", NULL, PCISIM_OPTARG_FILE, "FILE",
	 "write the trace to FILE in the other form (JSON Lines if FILE ends in .jsonl, else "
	 "binary) after reading it",
	 0, NULL},
	PCISIM_OPTION_JSON,
	{OPT_DIFF, "--diff", NULL, PCISIM_OPTARG_FILE, "A B", "compare two traces item by item", 2,
	 "two traces: --diff A B"},
	PCISIM_OPTIONS_VIEWS,
	PCISIM_OPTIONS_LIMITS,
	{0},
};

/* --perfetto, --vcd: the views' sinks on the replayed run */
static void attach_views(void *ctx, struct pcisim_sim *sim, const struct pcisim_scenario *sc)
{
	/* a sink that cannot be made is reported and marked; the replay still runs */
	pcisim_views_attach("replay", ctx, sim, sc->name);
}

/* After the command line is read: one of replay's three jobs. */
static int replay_run(struct pcisim_cli *p, struct pcisim_replay_opts *po, const char *diff_a,
		      const char *diff_b, const char *convert, struct pcisim_views *views)
{
	struct pcisim_replay_opts o = *po;
	const char *file = p->noperands ? p->operands[0] : NULL;
	o.until = p->until, o.has_until = p->has_until;
	o.json = p->json;
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
	if (o.has_from && o.has_until && o.from > o.until)
		return pcisim_usage_error("replay", "option '--from': the time is after '--until'");
	if (o.has_from && p->nsets)
		return pcisim_usage_error("replay", "options '--from' and '--set' do not go together: '--set' compares verdicts, not items");
	if (o.dump && p->nsets)
		return pcisim_usage_error("replay", "options '--dump' and '--set' do not go together");
	for (size_t i = 0; i < p->nsets; i++)
		if (!strncmp(p->sets[i], "seed=", 5) || !strncmp(p->sets[i], "until=", 6))
			return pcisim_usage_error("replay",
						  "option '--set': '%s': a replay runs the recorded %s; valid keys here: machine.KEY, host.KEY, fuzz.KEY, topology.ID.PROPERTY%s",
						  p->sets[i], p->sets[i][0] == 's' ? "seed" : "time (stop it early with --until TIME)", "");
	o.sets = p->sets;
	o.nsets = p->nsets;
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
		o.watchdog = pcisim_limits_watchdog(&p->limits);
		o.at_start = attach_views;
		o.start_ctx = views;
		rc = pcisim_views_open("replay", views) ? PCISIM_EXIT_USAGE : pcisim_replay(&t, &o, &diag);
		if (pcisim_views_close("replay", views))
			rc = PCISIM_EXIT_USAGE;
	}
	pcisim_tfile_free(&t);
	return rc;
}

static int replay_main(int argc, char **argv)
{
	struct pcisim_replay_opts o = {0};
	struct pcisim_views views = {0};
	const char *diff_a = NULL, *diff_b = NULL, *convert = NULL;
	struct pcisim_cli p;
	pcisim_cli_init(&p, &pcisim_cmd_replay, argc, argv);
	int id;
	while ((id = pcisim_cli_next(&p)) > 0) {
		switch (id) {
		case OPT_FROM:
			o.has_from = true;
			o.from = p.t;
			break;
		case OPT_CONTEXT:
			o.context = p.u > 1000 ? 1000 : (unsigned)p.u;
			break;
		case OPT_DUMP:
			o.dump = true;
			break;
		case OPT_CONVERT:
			convert = p.val;
			break;
		case OPT_DIFF:
			diff_a = p.val, diff_b = p.val2;
			break;
		default:
			pcisim_views_take(id, p.val, &views);
			break;
		}
	}
	int rc = id < 0 ? PCISIM_EXIT_USAGE : replay_run(&p, &o, diff_a, diff_b, convert, &views);
	pcisim_cli_free(&p);
	return rc;
}

const struct pcisim_command pcisim_cmd_replay = {
	.name = "replay",
	.summary = "re-execute a recorded run and verify it; re-run its inputs under a changed model",
	.description = "Re-execute the run recorded in TRACE (written by 'pcisim simulate --record' or "
		       "by 'pcisim fuzz') from the scenario and the choices it embeds, and check every "
		       "event, trace record and choice against the recording. On a divergence, print "
		       "the first differing item beside the expected one, with the items that led to "
		       "it.",
	.main = replay_main,
	.synopsis = "TRACE [OPTIONS]\n--diff TRACE_A TRACE_B",
	.options = options,
	/* operands are checked by replay_run: --diff needs none */
	.operand_arg = PCISIM_OPTARG_FILE,
	.operand_one = "trace",
	.exit_status = "0 identical (with --set: the recorded failure no longer happens), 1 diverged "
		       "(with --set: it still happens), 2 bad input or a corrupt trace, 3 a limit "
		       "stopped the replay",
	.notes = "A replay runs the recorded seed: there is no --seed, and --set refuses seed= "
		 "and until= (--until TIME stops the replay early).",
};
