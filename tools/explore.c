/*
 * pcisim explore: every schedule of a small scenario's ranged steps (discretised by
 * its events) and of its same-time steps' orders; a failing one, or proof that none
 * fails within the bound.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "replay/explore.h"
#include "tools/cli.h"

enum { OPT_MAX_RUNS = 1, OPT_GRID, OPT_NO_PRUNE, OPT_ALL, OPT_OUT };

static const struct pcisim_option options[] = {
	PCISIM_OPTION_SET,
	PCISIM_OPTION_SEED,
	PCISIM_OPTION_UNTIL,
	{OPT_MAX_RUNS, "--max-runs", NULL, PCISIM_OPTARG_INT, "N",
	 "give up after N runs (default 100000): the answer is then 'not exhaustive'", 0, NULL},
	{OPT_GRID, "--grid", NULL, PCISIM_OPTARG_TIME, "DUR",
	 "also try every multiple of DUR inside each range", 0, NULL},
	{OPT_NO_PRUNE, "--no-prune", NULL, PCISIM_OPTARG_NONE, NULL, "explore repeated states again",
	 0, NULL},
	{OPT_ALL, "--all", NULL, PCISIM_OPTARG_NONE, NULL,
	 "keep going after the first failure and count the failing schedules", 0, NULL},
	{OPT_OUT, "--out", NULL, PCISIM_OPTARG_DIR, "DIR",
	 "write the failing schedule as DIR/repro.yaml with its trace", 0, NULL},
	PCISIM_OPTION_JSON,
	{0},
};

static int explore_main(int argc, char **argv)
{
	struct pcisim_explore_opts o = {0};
	struct pcisim_cli p;
	pcisim_cli_init(&p, &pcisim_cmd_explore, argc, argv);
	int id, rc = 0;
	while (!rc && (id = pcisim_cli_next(&p)) > 0) {
		switch (id) {
		case OPT_MAX_RUNS:
			o.max_runs = p.u;
			if (!o.max_runs)
				rc = pcisim_usage_error("explore", "option '--max-runs' must be at least 1");
			break;
		case OPT_GRID:
			o.grid = p.t;
			if (!o.grid)
				rc = pcisim_usage_error("explore", "option '--grid' must be more than 0");
			break;
		case OPT_NO_PRUNE:
			o.no_prune = true;
			break;
		case OPT_ALL:
			o.all = true;
			break;
		case OPT_OUT:
			o.out_dir = p.val;
			break;
		}
	}
	if (!rc && id < 0)
		rc = PCISIM_EXIT_USAGE;
	if (rc) {
		pcisim_cli_free(&p);
		return rc;
	}
	const char *file = p.operands[0];
	o.json = p.json;
	/* --seed and --until are the scenario's values: overrides, recorded as such */
	o.sets = pcisim_cli_sets_with_seed_until(&p);
	o.nsets = p.nsets;
	o.out = stdout;
	/* As fuzz: runs free and take back the same large blocks. */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	struct pcisim_diag diag;
	pcisim_diag_init(&diag, stderr);
	rc = pcisim_explore(file, &o, &diag);
	pcisim_cli_free(&p);
	return rc;
}

const struct pcisim_command pcisim_cmd_explore = {
	.name = "explore",
	.summary = "every schedule of a small scenario: a failing one, or proof that none exists",
	.description =
		"Explore every schedule of the scenario FILE instead of a random sample: each ranged "
		"step (at: 0s..5s) at every distinct time (at each event's time, in each gap between "
		"events, at the range's ends), in every order among steps at the same time. States "
		"already explored are pruned. Report a failing schedule (expectations and invariants, "
		"as fuzz checks them), or that none exists within the bound.",
	.main = explore_main,
	.synopsis = "FILE [OPTIONS]",
	.options = options,
	.operand = "the scenario FILE",
	.operand_one = "scenario file",
	.operand_arg = PCISIM_OPTARG_FILE,
	.exit_status = "0 no schedule fails, 1 one does, 2 bad input",
};
