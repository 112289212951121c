/*
 * pcisim fuzz and pcisim fuzz-merge: campaigns over a scenario's choices, and the
 * combination of shards run on several machines.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay/fuzz.h"
#include "tools/cli.h"

enum {
	OPT_RUNS = 1,
	OPT_TIME,
	OPT_CAMPAIGN_SEED,
	OPT_JOBS,
	OPT_SHARD,
	OPT_OUT,
	OPT_NO_MINIMISE,
	OPT_PROGRESS,
	OPT_QUIET,
	OPT_MPI,
	OPT_STRATEGY,
};

static const struct pcisim_option options[] = {
	{OPT_RUNS, "--runs", NULL, PCISIM_OPTARG_INT, "N",
	 "the campaign: runs 0..N-1 (default: the scenario's fuzz: runs, or 1000)", 0, NULL},
	{OPT_TIME, "--time", NULL, PCISIM_OPTARG_TIME, "T",
	 "run for T of wall time (e.g. 10s) instead of a number of runs", 0, NULL},
	/* fuzz's seed is the campaign's: each run's seed is drawn from it */
	{OPT_CAMPAIGN_SEED, "--seed", NULL, PCISIM_OPTARG_INT, "S",
	 "campaign seed (default: the scenario's fuzz: seed, or 1); the scenario's own seed is "
	 "--set seed=N",
	 0, NULL},
	PCISIM_OPTION_UNTIL,
	{OPT_JOBS, "--jobs", NULL, PCISIM_OPTARG_INT, "J",
	 "J worker processes on this machine (default 1)", 0, NULL},
	{OPT_SHARD, "--shard", NULL, PCISIM_OPTARG_TEXT, "i/N",
	 "run only the runs r with r % N == i (0 <= i < N); combine the shards' --out directories "
	 "with 'pcisim fuzz-merge'",
	 0, "i/N with 0 <= i < N, e.g. 0/4"},
	{OPT_OUT, "--out", NULL, PCISIM_OPTARG_DIR, "DIR",
	 "save failures there: DIR/fail-XXXXXXXX/{trace.jsonl, repro.yaml, repro.jsonl} and "
	 "DIR/summary.json",
	 0, NULL},
	{OPT_STRATEGY, "--strategy", NULL, PCISIM_OPTARG_TEXT, "S",
	 "how runs choose: random (default: every choice drawn), swarm (faults, reordering and "
	 "jitter each off in half the runs), guided (mutate schedules that reached new coverage; "
	 "one process)",
	 0, "random, swarm or guided"},
	PCISIM_OPTION_JSON,
	PCISIM_OPTION_SET,
	{OPT_NO_MINIMISE, "--no-minimise", "--no-minimize", PCISIM_OPTARG_NONE, NULL,
	 "save failures as drawn, without minimising them", 0, NULL},
	{OPT_PROGRESS, "--progress", NULL, PCISIM_OPTARG_NONE, NULL,
	 "a progress line on stderr even when it is not a terminal", 0, NULL},
	{OPT_QUIET, "--quiet", NULL, PCISIM_OPTARG_NONE, NULL, "no progress line", 0, NULL},
#ifdef PCISIM_HAVE_MPI
	{OPT_MPI, "--mpi", NULL, PCISIM_OPTARG_NONE, NULL,
	 "one campaign across the ranks of mpirun; rank 0 reports", 0, NULL},
#endif
	{0},
};

static int parse_shard(const char *v, struct pcisim_fuzz_opts *o)
{
	char *slash;
	unsigned long long i = strtoull(v ? v : "", &slash, 10), n;
	if (!v || slash == v || *slash != '/')
		return -1;
	char *end;
	n = strtoull(slash + 1, &end, 10);
	if (end == slash + 1 || *end || n == 0 || i >= n)
		return -1;
	o->shard_i = i;
	o->shard_n = n;
	return 0;
}

static int fuzz_main(int argc, char **argv)
{
	struct pcisim_fuzz_opts o = {0};
	bool quiet = false, force_progress = false;
	o.jobs = 1;
	bool mpi = false; /* --mpi (builds with PCISIM_MPI) */
	struct pcisim_cli p;
	pcisim_cli_init(&p, &pcisim_cmd_fuzz, argc, argv);
	int id, rc = 0;
	while (!rc && (id = pcisim_cli_next(&p)) > 0) {
		switch (id) {
		case OPT_RUNS:
			o.runs = p.u, o.has_runs = true;
			if (!o.runs)
				rc = pcisim_usage_error("fuzz", "option '--runs' must be at least 1");
			break;
		case OPT_TIME:
			if (!p.t)
				rc = pcisim_usage_error("fuzz", "option '--time' must be more than 0");
			o.seconds = (double)p.t / (double)PCISIM_S;
			break;
		case OPT_CAMPAIGN_SEED:
			o.seed = p.u, o.has_seed = true;
			break;
		case OPT_JOBS:
			if (p.u < 1 || p.u > 256)
				rc = pcisim_usage_error("fuzz", "option '--jobs': %s is out of range; 1 to 256", p.val);
			o.jobs = (unsigned)p.u;
			break;
		case OPT_SHARD:
			if (parse_shard(p.val, &o))
				rc = pcisim_usage_error("fuzz",
							"option '--shard' needs i/N with 0 <= i < N, e.g. 0/4 (got '%s')",
							p.val);
			break;
		case OPT_OUT:
			o.out_dir = p.val;
			break;
		case OPT_STRATEGY:
			if (!strcmp(p.val, "random"))
				o.strategy = PCISIM_STRATEGY_RANDOM;
			else if (!strcmp(p.val, "swarm"))
				o.strategy = PCISIM_STRATEGY_SWARM;
			else if (!strcmp(p.val, "guided"))
				o.strategy = PCISIM_STRATEGY_GUIDED;
			else
				rc = pcisim_usage_error("fuzz", "option '--strategy': unknown strategy '%s'; valid choices: random, swarm, guided",
							p.val);
			break;
		case OPT_NO_MINIMISE:
			o.no_minimise = true;
			break;
		case OPT_PROGRESS:
			force_progress = true;
			break;
		case OPT_QUIET:
			quiet = true;
			break;
#ifdef PCISIM_HAVE_MPI
		case OPT_MPI:
			mpi = true;
			break;
#endif
		}
	}
	if (!rc && id < 0)
		rc = PCISIM_EXIT_USAGE;
	if (!rc && o.has_runs && o.seconds > 0)
		rc = pcisim_usage_error("fuzz", "options '--runs' and '--time' do not go together; choose one");
	/* a guided run depends on every earlier one: one process, in order */
	if (!rc && o.strategy == PCISIM_STRATEGY_GUIDED && (o.jobs > 1 || o.shard_n > 1 || mpi))
		rc = pcisim_usage_error("fuzz", "option '--strategy guided' runs in one process: it does not go with --jobs, --shard or --mpi");
	if (rc) {
		pcisim_cli_free(&p);
		return rc;
	}
	const char *file = p.operands[0];
	o.json = p.json;
	o.sets = pcisim_cli_sets_with_seed_until(&p);
	o.nsets = p.nsets;
	o.progress = !quiet && (force_progress || isatty(2));
	/*
	 * Every run frees and takes back the same large blocks (the engine's queue, a
	 * migration's destination): keep them in the heap instead of returning them to
	 * the kernel and faulting them in again (twice the runs per second).
	 */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	o.out = stdout;
	struct pcisim_diag diag;
	pcisim_diag_init(&diag, stderr);
#ifdef PCISIM_HAVE_MPI
	if (mpi && o.jobs > 1) {
		pcisim_cli_free(&p);
		return pcisim_usage_error("fuzz", "options '--mpi' and '--jobs' do not go together: one process per rank");
	}
	o.mpi = mpi;
#endif
	rc = pcisim_fuzz(file, &o, &diag);
	pcisim_cli_free(&p);
	return rc;
}

const struct pcisim_command pcisim_cmd_fuzz = {
	.name = "fuzz",
	.summary = "a campaign: random step times, orders and latencies; failures saved and minimised",
	.description =
		"Run the scenario FILE many times. Each run draws the time of every ranged step (at: "
		"0s..5s) from its range, an order among concurrent events and the latencies models "
		"declare, then checks the scenario's expectations and the invariants. Failing runs "
		"are grouped by signature (what failed, where); the first run of each signature is "
		"saved with its trace and minimised by delta debugging to the fewest timeline steps, "
		"into a reproducer scenario that fails under 'pcisim simulate'.",
	.main = fuzz_main,
	.synopsis = "FILE [--runs N | --time T] [--seed S] [--jobs J] [--shard i/N] [--out DIR]\n"
		    "FILE [OPTIONS]",
	.options = options,
	.operand = "the scenario FILE",
	.operand_one = "scenario file",
	.operand_arg = PCISIM_OPTARG_FILE,
	.exit_status = "0 no run failed, 1 some run failed, 2 bad input",
};

static const struct pcisim_option merge_options[] = {
	{OPT_OUT, "--out", NULL, PCISIM_OPTARG_DIR, "DIR",
	 "write the merged summary.json and failures there", 0, NULL},
	PCISIM_OPTION_JSON,
	{0},
};

static int merge_main(int argc, char **argv)
{
	const char *out = NULL;
	struct pcisim_cli p;
	pcisim_cli_init(&p, &pcisim_cmd_fuzz_merge, argc, argv);
	int id;
	while ((id = pcisim_cli_next(&p)) > 0)
		if (id == OPT_OUT)
			out = p.val;
	int rc = PCISIM_EXIT_USAGE;
	if (id == 0) {
		struct pcisim_diag diag;
		pcisim_diag_init(&diag, stderr);
		rc = pcisim_fuzz_merge(p.operands, p.noperands, out, p.json, stdout, &diag);
	}
	pcisim_cli_free(&p);
	return rc;
}

const struct pcisim_command pcisim_cmd_fuzz_merge = {
	.name = "fuzz-merge",
	.summary = "combine the outputs of fuzz shards run on several machines",
	.description = "Combine the --out directories of the shards of one campaign ('pcisim fuzz "
		       "--shard i/N' run anywhere): runs and failures are added up, each signature "
		       "keeps the artifacts of its earliest run, as one process running every shard "
		       "would.",
	.main = merge_main,
	.synopsis = "DIR... [--out DIR] [--json]",
	.options = merge_options,
	.operand = "the shards' directories",
	.operand_arg = PCISIM_OPTARG_DIR,
	.exit_status = "0 no run failed, 1 some run failed, 2 bad input",
};
