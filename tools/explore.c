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

static const char usage[] =
	"usage: pcisim explore FILE [OPTIONS]\n"
	"\n"
	"Explore every schedule of the scenario FILE instead of a random sample: each\n"
	"ranged step (at: 0s..5s) at every distinct time (at each event's time, in each gap\n"
	"between events, at the range's ends), in every order among steps at the same time.\n"
	"States already explored are pruned. Report a failing schedule (expectations and\n"
	"invariants, as fuzz checks them), or that none exists within the bound.\n"
	"\n"
	"options:\n"
	"  --set KEY=VALUE   override a scenario value (machine.qemu=8.1); may be repeated\n"
	"  --max-runs N      give up after N runs (default 100000): the answer is then\n"
	"                    'not exhaustive'\n"
	"  --grid DUR        also try every multiple of DUR inside each range\n"
	"  --no-prune        explore repeated states again\n"
	"  --all             keep going after the first failure and count the failing schedules\n"
	"  --out DIR         write the failing schedule as DIR/repro.yaml with its trace\n"
	"  --json            print the result as one JSON object\n"
	"\n"
	"exit status: 0 no schedule fails, 1 one does, 2 bad input\n";

static int explore_main(int argc, char **argv)
{
	struct pcisim_explore_opts o = {0};
	const char *file = NULL, *sets[64];
	size_t nsets = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--set")) {
			if (!v || !strchr(v, '='))
				return pcisim_usage_error("explore", "option '--set' needs KEY=VALUE, e.g. machine.qemu=8.1");
			if (nsets == 64)
				return pcisim_usage_error("explore", "option '--set': at most 64 overrides");
			sets[nsets++] = v, i++;
		} else if (!strcmp(a, "--max-runs")) {
			if (pcisim_opt_u64("explore", a, v, &o.max_runs))
				return PCISIM_EXIT_USAGE;
			if (!o.max_runs)
				return pcisim_usage_error("explore", "option '--max-runs' must be at least 1");
			i++;
		} else if (!strcmp(a, "--grid")) {
			if (pcisim_opt_time("explore", a, v, &o.grid))
				return PCISIM_EXIT_USAGE;
			if (!o.grid)
				return pcisim_usage_error("explore", "option '--grid' must be more than 0");
			i++;
		} else if (!strcmp(a, "--no-prune")) {
			o.no_prune = true;
		} else if (!strcmp(a, "--all")) {
			o.all = true;
		} else if (!strcmp(a, "--out")) {
			if (!v)
				return pcisim_usage_error("explore", "option '--out' needs a directory");
			o.out_dir = v, i++;
		} else if (!strcmp(a, "--json")) {
			o.json = true;
		} else if (a[0] == '-' && a[1]) {
			return pcisim_usage_error("explore",
						  "unknown option '%s'; valid options: --set, --max-runs, --grid, --no-prune, --all, --out, --json",
						  a);
		} else if (file) {
			return pcisim_usage_error("explore", "one scenario file at a time (got '%s' and '%s')", file, a);
		} else {
			file = a;
		}
	}
	if (!file)
		return pcisim_usage_error("explore", "missing the scenario FILE; usage: pcisim explore FILE [OPTIONS]");
	o.sets = sets;
	o.nsets = nsets;
	o.out = stdout;
	/* As fuzz: runs free and take back the same large blocks. */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	struct pcisim_diag diag;
	pcisim_diag_init(&diag, stderr);
	return pcisim_explore(file, &o, &diag);
}

const struct pcisim_command pcisim_cmd_explore = {
	"explore",
	"every schedule of a small scenario: a failing one, or proof that none exists",
	usage,
	explore_main,
};
