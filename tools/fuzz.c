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

static const char usage[] =
	"usage: pcisim fuzz FILE [--runs N | --time T] [--seed S] [--jobs J] [--shard i/N]\n"
	"                        [--out DIR] [--json] [OPTIONS]\n"
	"\n"
	"Run the scenario FILE many times. Each run draws the time of every ranged step\n"
	"(at: 0s..5s) from its range, an order among concurrent events and the latencies\n"
	"models declare, then checks the scenario's expectations and the invariants. Failing\n"
	"runs are grouped by signature (what failed, where); the first run of each signature\n"
	"is saved with its trace and minimised by delta debugging to the fewest timeline\n"
	"steps, into a reproducer scenario that fails under 'pcisim simulate'.\n"
	"\n"
	"options:\n"
	"  --runs N          the campaign: runs 0..N-1 (default: the scenario's fuzz: runs, or 1000)\n"
	"  --time T          run for T of wall time (e.g. 10s) instead of a number of runs\n"
	"  --seed S          campaign seed (default: the scenario's fuzz: seed, or 1)\n"
	"  --jobs J          J worker processes on this machine (default 1)\n"
	"  --shard i/N       run only the runs r with r % N == i (0 <= i < N); combine the\n"
	"                    shards' --out directories with 'pcisim fuzz-merge'\n"
	"  --out DIR         save failures there: DIR/fail-XXXXXXXX/{trace.jsonl, repro.yaml,\n"
	"                    repro.jsonl} and DIR/summary.json\n"
	"  --json            print the summary as one JSON object\n"
	"  --set KEY=VALUE   override a scenario value (machine.qemu=8.1); may be repeated\n"
	"  --no-minimise     save failures as drawn, without minimising them\n"
	"  --progress        a progress line on stderr even when it is not a terminal\n"
	"  --quiet           no progress line\n"
#ifdef PCISIM_HAVE_MPI
	"  --mpi             one campaign across the ranks of mpirun; rank 0 reports\n"
#endif
	"\n"
	"exit status: 0 no run failed, 1 some run failed, 2 bad input\n";

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
	const char *file = NULL;
	const char *sets[64];
	size_t nsets = 0;
	bool quiet = false, force_progress = false;
	o.jobs = 1;
#ifdef PCISIM_HAVE_MPI
	bool mpi = false;
#endif
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--runs")) {
			if (pcisim_opt_u64("fuzz", a, v, &o.runs))
				return PCISIM_EXIT_USAGE;
			if (!o.runs)
				return pcisim_usage_error("fuzz", "option '--runs' must be at least 1");
			o.has_runs = true, i++;
		} else if (!strcmp(a, "--time")) {
			pcisim_time t;
			if (pcisim_opt_time("fuzz", a, v, &t))
				return PCISIM_EXIT_USAGE;
			if (!t)
				return pcisim_usage_error("fuzz", "option '--time' must be more than 0");
			o.seconds = (double)t / (double)PCISIM_S, i++;
		} else if (!strcmp(a, "--seed")) {
			if (pcisim_opt_u64("fuzz", a, v, &o.seed))
				return PCISIM_EXIT_USAGE;
			o.has_seed = true, i++;
		} else if (!strcmp(a, "--jobs")) {
			uint64_t j;
			if (pcisim_opt_u64("fuzz", a, v, &j))
				return PCISIM_EXIT_USAGE;
			if (j < 1 || j > 256)
				return pcisim_usage_error("fuzz", "option '--jobs': %s is out of range; 1 to 256", v);
			o.jobs = (unsigned)j, i++;
		} else if (!strcmp(a, "--shard")) {
			if (parse_shard(v, &o))
				return pcisim_usage_error("fuzz",
							  "option '--shard' needs i/N with 0 <= i < N, e.g. 0/4 (got '%s')",
							  v ? v : "");
			i++;
		} else if (!strcmp(a, "--out")) {
			if (!v)
				return pcisim_usage_error("fuzz", "option '--out' needs a directory");
			o.out_dir = v, i++;
		} else if (!strcmp(a, "--set")) {
			if (!v || !strchr(v, '='))
				return pcisim_usage_error("fuzz", "option '--set' needs KEY=VALUE, e.g. machine.qemu=8.1");
			if (nsets == 64)
				return pcisim_usage_error("fuzz", "option '--set': at most 64 overrides");
			sets[nsets++] = v, i++;
		} else if (!strcmp(a, "--json")) {
			o.json = true;
		} else if (!strcmp(a, "--no-minimise") || !strcmp(a, "--no-minimize")) {
			o.no_minimise = true;
		} else if (!strcmp(a, "--progress")) {
			force_progress = true;
		} else if (!strcmp(a, "--quiet")) {
			quiet = true;
#ifdef PCISIM_HAVE_MPI
		} else if (!strcmp(a, "--mpi")) {
			mpi = true;
#endif
		} else if (a[0] == '-' && a[1]) {
			return pcisim_usage_error("fuzz",
						  "unknown option '%s'; valid options: --runs, --time, --seed, --jobs, --shard, --out, --json, --set, --no-minimise, --progress, --quiet"
#ifdef PCISIM_HAVE_MPI
						  ", --mpi"
#endif
						  ,
						  a);
		} else if (file) {
			return pcisim_usage_error("fuzz", "one scenario file at a time (got '%s' and '%s')", file, a);
		} else {
			file = a;
		}
	}
	if (!file)
		return pcisim_usage_error("fuzz", "missing the scenario FILE; usage: pcisim fuzz FILE [OPTIONS]");
	if (o.has_runs && o.seconds > 0)
		return pcisim_usage_error("fuzz", "options '--runs' and '--time' do not go together; choose one");
	o.sets = sets;
	o.nsets = nsets;
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
	if (mpi && o.jobs > 1)
		return pcisim_usage_error("fuzz", "options '--mpi' and '--jobs' do not go together: one process per rank");
	o.mpi = mpi;
#endif
	return pcisim_fuzz(file, &o, &diag);
}

const struct pcisim_command pcisim_cmd_fuzz = {
	"fuzz",
	"a campaign: random step times, orders and latencies; failures saved and minimised",
	usage,
	fuzz_main,
};

static const char merge_usage[] =
	"usage: pcisim fuzz-merge DIR... [--out DIR] [--json]\n"
	"\n"
	"Combine the --out directories of the shards of one campaign ('pcisim fuzz --shard\n"
	"i/N' run anywhere): runs and failures are added up, each signature keeps the\n"
	"artifacts of its earliest run, as one process running every shard would.\n"
	"\n"
	"options:\n"
	"  --out DIR   write the merged summary.json and failures there\n"
	"  --json      print the merged summary as one JSON object\n"
	"\n"
	"exit status: 0 no run failed, 1 some run failed, 2 bad input\n";

static int merge_main(int argc, char **argv)
{
	const char *dirs[256], *out = NULL;
	size_t n = 0;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--out")) {
			if (i + 1 >= argc)
				return pcisim_usage_error("fuzz-merge", "option '--out' needs a directory");
			out = argv[++i];
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (a[0] == '-' && a[1]) {
			return pcisim_usage_error("fuzz-merge", "unknown option '%s'; valid options: --out, --json", a);
		} else if (n == 256) {
			return pcisim_usage_error("fuzz-merge", "at most 256 directories");
		} else {
			dirs[n++] = a;
		}
	}
	if (!n)
		return pcisim_usage_error("fuzz-merge", "missing the shards' directories; usage: pcisim fuzz-merge DIR... [--out DIR]");
	struct pcisim_diag diag;
	pcisim_diag_init(&diag, stderr);
	return pcisim_fuzz_merge(dirs, n, out, json, stdout, &diag);
}

const struct pcisim_command pcisim_cmd_fuzz_merge = {
	"fuzz-merge",
	"combine the outputs of fuzz shards run on several machines",
	merge_usage,
	merge_main,
};
