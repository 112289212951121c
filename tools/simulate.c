/*
 * pcisim simulate: run one scenario, print what happened, check its expectations,
 * print the trace hash.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/component.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "replay/runner.h"
#include "replay/snapfile.h"
#include "sim/pcie/fabric.h"
#include "tools/cxl_list.h"
#include "tools/lspci.h"
#include "tools/cli.h"
#include "tools/limits.h"
#include "tools/outcomes.h"
#include "tools/timeline.h"

#ifdef PCISIM_PROFILE
#include <gperftools/profiler.h>
#endif

/* Without an 'until:' a run ends when nothing is left to do, or after this much time. */
#define DEFAULT_UNTIL (3600 * PCISIM_S)

enum {
	OPT_TIMELINE = 1,
	OPT_TRACE_OUT,
	OPT_QUIET,
	OPT_PROFILE,
	OPT_LSPCI,
	OPT_LSPCI_VVV,
	OPT_RECORD,
	OPT_LSPCI_X,
	OPT_CXL_LIST,
	OPT_SNAPSHOT_AT,
	OPT_OUTPUT,
	OPT_RESTORE,
};

static const struct pcisim_option options[] = {
	PCISIM_OPTION_SEED,
	PCISIM_OPTION_UNTIL,
	{OPT_TIMELINE, "--timeline", NULL, PCISIM_OPTARG_NONE, NULL,
	 "print every trace record as it happens", 0, NULL},
	{OPT_TRACE_OUT, "--trace-out", NULL, PCISIM_OPTARG_FILE, "FILE",
	 "write every trace record as JSON Lines to FILE", 0, NULL},
	PCISIM_OPTION_JSON,
	{OPT_QUIET, "--quiet", NULL, PCISIM_OPTARG_NONE, NULL, "print only failures and the hash", 0,
	 NULL},
	{OPT_PROFILE, "--profile", NULL, PCISIM_OPTARG_FILE, "FILE",
	 "write a gperftools CPU profile (PCISIM_PROFILE builds)", 0, NULL},
	{OPT_LSPCI, "--lspci", NULL, PCISIM_OPTARG_NONE, NULL,
	 "after the run, print the PCI tree as 'lspci -tv' would", 0, NULL},
	{OPT_LSPCI_VVV, "--lspci-vvv", NULL, PCISIM_OPTARG_TEXT, "ID",
	 "after the run, decode function ID (a QEMU id or an address like 00:12.0) as 'lspci -vvv' "
	 "would; may be repeated",
	 0, "a function: a QEMU id or an address like 00:12.0"},
	{OPT_LSPCI_X, "--lspci-x", NULL, PCISIM_OPTARG_TEXT, "ID",
	 "after the run, print function ID's config space as 'lspci -xxxx' does (real 'lspci -F "
	 "FILE' reads it back); may be repeated",
	 0, "a function: a QEMU id or an address like 00:12.0"},
	{OPT_CXL_LIST, "--cxl-list", NULL, PCISIM_OPTARG_TEXT, "TIME",
	 "print what 'cxl list -vvv' shows at simulated TIME (a duration, or 'end': after the run), "
	 "with host: {cxl: on} (one listing per machine with machines:); may be repeated",
	 0, "a duration such as 4ms, or end"},
	{OPT_RECORD, "--record", NULL, PCISIM_OPTARG_FILE, "FILE",
	 "record the run for 'pcisim replay' (every event, record and choice): JSON Lines if FILE "
	 "ends in .jsonl, else binary",
	 0, NULL},
	{OPT_SNAPSHOT_AT, "--snapshot-at", NULL, PCISIM_OPTARG_TIME, "TIME",
	 "when the run reaches simulated TIME, write a snapshot to the file of '-o'; the run goes on "
	 "as without it ('--restore' goes on from the snapshot)",
	 0, NULL},
	{OPT_OUTPUT, "--output", "-o", PCISIM_OPTARG_FILE, "FILE",
	 "with --snapshot-at: the snapshot file to write", 0, NULL},
	{OPT_RESTORE, "--restore", NULL, PCISIM_OPTARG_FILE, "FILE",
	 "go on from the snapshot FILE (written by --snapshot-at from the same scenario): print "
	 "only what happens after its time; the verdict and trace hash are the whole run's",
	 0, NULL},
	PCISIM_OPTIONS_VIEWS,
	PCISIM_OPTION_SET,
	PCISIM_OPTIONS_LIMITS,
	{0},
};

struct sim_opts {
	const char *file;
	uint64_t seed;
	bool has_seed;
	pcisim_time until;
	bool has_until;
	bool timeline, json, quiet;
	const char *trace_out, *profile;
	const char *record;
	struct pcisim_views views; /* --perfetto, --vcd */
	bool lspci;
	const char *lspci_vvv[16];
	unsigned nlspci_vvv;
	const char *sets[PCISIM_MAX_SETS];
	size_t nsets;
	const char *lspci_x[16];
	unsigned nlspci_x;
	pcisim_time cxl_list[8]; /* --cxl-list times, in the order given; PCISIM_TIME_MAX: end */
	unsigned ncxl_list;
	struct pcisim_limits limits;
	bool has_snapshot_at;
	pcisim_time snapshot_at;
	const char *snap_out, *restore;
};

static int parse_args(int argc, char **argv, struct sim_opts *o)
{
	memset(o, 0, sizeof(*o));
	struct pcisim_cli p;
	pcisim_cli_init(&p, &pcisim_cmd_simulate, argc, argv);
	int id, rc = 0;
	while (!rc && (id = pcisim_cli_next(&p)) > 0) {
		switch (id) {
		case OPT_TRACE_OUT:
			o->trace_out = p.val;
			break;
		case OPT_RECORD:
			o->record = p.val;
			break;
		case OPT_PROFILE:
			o->profile = p.val;
			break;
		case OPT_TIMELINE:
			o->timeline = true;
			break;
		case OPT_QUIET:
			o->quiet = true;
			break;
		case OPT_SNAPSHOT_AT:
			o->has_snapshot_at = true;
			o->snapshot_at = p.t;
			break;
		case OPT_OUTPUT:
			o->snap_out = p.val;
			break;
		case OPT_RESTORE:
			o->restore = p.val;
			break;
		case OPT_LSPCI:
			o->lspci = true;
			break;
		case OPT_LSPCI_VVV:
			if (o->nlspci_vvv == 16)
				rc = pcisim_usage_error("simulate", "option '--lspci-vvv': at most 16 functions");
			else
				o->lspci_vvv[o->nlspci_vvv++] = p.val;
			break;
		case OPT_LSPCI_X:
			if (o->nlspci_x == 16)
				rc = pcisim_usage_error("simulate", "option '--lspci-x': at most 16 functions");
			else
				o->lspci_x[o->nlspci_x++] = p.val;
			break;
		case OPT_CXL_LIST: {
			pcisim_time t = PCISIM_TIME_MAX;
			const char *why = NULL;
			if (o->ncxl_list == 8)
				rc = pcisim_usage_error("simulate", "option '--cxl-list': at most 8 times");
			else if (strcmp(p.val, "end") && pcisim_time_parse(p.val, &t, &why))
				rc = pcisim_usage_error("simulate",
							"option '--cxl-list': '%s': %s, or 'end'", p.val,
							why ? why : "expected a duration");
			else
				o->cxl_list[o->ncxl_list++] = t;
			break;
		}
		default:
			pcisim_views_take(id, p.val, &o->views);
			break;
		}
	}
	if (!rc && id < 0)
		rc = PCISIM_EXIT_USAGE;
	if (!rc) {
		o->file = p.operands[0];
		o->seed = p.seed, o->has_seed = p.has_seed;
		o->until = p.until, o->has_until = p.has_until;
		o->json = p.json;
		memcpy(o->sets, p.sets, p.nsets * sizeof(*p.sets));
		o->nsets = p.nsets;
		o->limits = p.limits;
	}
	pcisim_cli_free(&p);
	if (rc)
		return -1;
	/* snapshots: --snapshot-at with -o FILE; --restore alone (it runs the snapshot's inputs) */
	if (o->has_snapshot_at != !!o->snap_out)
		return pcisim_usage_error("simulate", o->snap_out ? "option '-o' names the file of '--snapshot-at TIME'; give both"
								  : "option '--snapshot-at' needs '-o FILE', the snapshot file to write"),
		       -1;
	if (o->restore && o->has_snapshot_at)
		return pcisim_usage_error("simulate", "options '--restore' and '--snapshot-at' do not go together"), -1;
	if (o->restore && (o->nsets || o->has_seed))
		return pcisim_usage_error("simulate", "option '--restore': the run takes the seed and --set values of the snapshot; give neither"),
		       -1;
	if (o->restore && o->record)
		return pcisim_usage_error("simulate", "options '--restore' and '--record' do not go together: record the whole run, then 'pcisim replay TRACE --from TIME'"),
		       -1;
#ifndef PCISIM_PROFILE
	if (o->profile) {
		pcisim_usage_error("simulate",
				   "this build has no profiler; configure with -DPCISIM_PROFILE=ON");
		return -1;
	}
#endif
	return 0;
}

/*
 * --lspci, --lspci-vvv and --lspci-x: the fabric after the run, as lspci shows it, into @out.
 * Returns -1 (after saying why) when a --lspci-vvv or --lspci-x function does not
 * exist.
 */
/* machines: "MACHINE/ID" is ID in that machine's fabric; else the engine's own */
static struct pcisim_pcifn *lspci_find(struct pcisim_sim *sim, const char *id)
{
	for (size_t i = 0; i < sim->nviews; i++) {
		size_t n = strlen(sim->views[i]->machine);
		if (!strncmp(id, sim->views[i]->machine, n) && id[n] == '/')
			return pcisim_lspci_find(pcisim_fabric_get(sim->views[i]), id + n + 1);
	}
	return pcisim_lspci_find(pcisim_fabric_get(sim), id);
}

static int print_lspci(struct pcisim_sim *sim, const struct sim_opts *o, FILE *out)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	if (o->lspci)
		pcisim_lspci_tree(fab, out);
	for (size_t i = 0; o->lspci && i < sim->nviews; i++) { /* machines: each one's tree */
		fprintf(out, "machine %s:\n", sim->views[i]->machine);
		pcisim_lspci_tree(pcisim_fabric_get(sim->views[i]), out);
	}
	for (unsigned i = 0; i < o->nlspci_vvv; i++) {
		struct pcisim_pcifn *fn = lspci_find(sim, o->lspci_vvv[i]);
		if (!fn) {
			char t[40];
			pcisim_time_format(sim->now, t, sizeof(t));
			fprintf(stderr,
				"pcisim simulate: error: option '--lspci-vvv': no PCI function '%s' at %s; give a QEMU id of the topology (MACHINE/ID with machines:) or an address like 00:12.0\n",
				o->lspci_vvv[i], t);
			return -1;
		}
		pcisim_lspci_verbose(fn, out);
	}
	/* after lspci's own text: which hot-plug path owns each slot */
	if (o->lspci)
		pcisim_lspci_hotplug(fab, out);
	for (unsigned i = 0; i < o->nlspci_x; i++) {
		struct pcisim_pcifn *fn = lspci_find(sim, o->lspci_x[i]);
		if (!fn) {
			char t[40];
			pcisim_time_format(sim->now, t, sizeof(t));
			fprintf(stderr,
				"pcisim simulate: error: option '--lspci-x': no PCI function '%s' at %s; give a QEMU id of the topology or an address like 00:12.0\n",
				o->lspci_x[i], t);
			return -1;
		}
		pcisim_lspci_hex(fn, out);
	}
	return 0;
}

/*
 * --cxl-list: `cxl list -vvv` now, printed, or kept in @lists for the JSON summary.
 * With machines: one listing per machine, each its host's view (`cxl list` runs in a
 * guest), labelled with the machine's name.
 */
static void cxl_list_one(struct pcisim_sim *m, json_t *lists, bool json)
{
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "at_ps", json_integer((json_int_t)m->now));
		if (m->machine)
			json_object_set_new(o, "machine", json_string(m->machine));
		json_object_set_new(o, "list", pcisim_cxl_list_json(m));
		json_array_append_new(lists, o);
		return;
	}
	char t[40];
	pcisim_time_format_fixed(m->now, t, sizeof(t));
	if (m->machine)
		printf("cxl list -vvv at %s s, machine %s:\n", t, m->machine);
	else
		printf("cxl list -vvv at %s s:\n", t);
	pcisim_cxl_list(m, stdout);
}

static void cxl_list_at(struct pcisim_sim *sim, json_t *lists, bool json)
{
	if (!sim->nviews) {
		cxl_list_one(sim, lists, json);
		return;
	}
	for (size_t i = 0; i < sim->nviews; i++)
		cxl_list_one(sim->views[i], lists, json);
}

static uint64_t recorder_bytes(void *rec)
{
	return pcisim_recorder_bytes(rec);
}

/* The sinks that print or write what happens (--timeline, --trace-out, the views). */
static int attach_outputs(struct sim_opts *o, struct pcisim_sim *sim, struct pcisim_trace *tr,
			  FILE *trace_file, const char *name)
{
	if (o->timeline && !o->json)
		pcisim_trace_add_sink(tr, pcisim_sink_timeline(stdout));
	if (trace_file)
		pcisim_trace_add_sink(tr, pcisim_sink_jsonl(trace_file));
	return pcisim_views_attach("simulate", &o->views, sim, name);
}

static int simulate_main(int argc, char **argv)
{
	struct sim_opts o;
	if (parse_args(argc, argv, &o))
		return PCISIM_EXIT_USAGE;

	json_t *cxl_lists = NULL; /* --cxl-list with --json: the listings for the summary */
	struct pcisim_diag diag;
	pcisim_diag_init(&diag, stderr);
	struct pcisim_scenario sc;
	int status = PCISIM_EXIT_USAGE;
	FILE *trace_file = NULL;
	if (pcisim_scenario_load(&sc, o.file, &diag)) {
		pcisim_scenario_free(&sc);
		return PCISIM_EXIT_USAGE;
	}
	struct pcisim_snapfile snap = {0};
	if (o.restore) {
		if (pcisim_snapfile_read(&snap, o.restore, &diag) ||
		    pcisim_snapfile_check_scenario(&snap, o.restore, &sc, &diag)) {
			pcisim_snapfile_free(&snap);
			pcisim_scenario_free(&sc);
			return PCISIM_EXIT_USAGE;
		}
		memcpy(o.sets, snap.sets, snap.nsets * sizeof(*snap.sets));
		o.nsets = snap.nsets;
		o.seed = snap.seed, o.has_seed = true;
	}
	for (size_t i = 0; i < o.nsets; i++)
		if (pcisim_scenario_set(&sc, o.sets[i], &diag)) {
			pcisim_snapfile_free(&snap);
			pcisim_scenario_free(&sc);
			return PCISIM_EXIT_USAGE;
		}
	if (o.trace_out) {
		trace_file = fopen(o.trace_out, "w");
		if (!trace_file) {
			pcisim_usage_error("simulate", "option '--trace-out': cannot write '%s': %s",
					   o.trace_out, strerror(errno));
			pcisim_scenario_free(&sc);
			return PCISIM_EXIT_USAGE;
		}
	}

	if (pcisim_views_open("simulate", &o.views)) {
		if (trace_file)
			fclose(trace_file);
		pcisim_scenario_free(&sc);
		return PCISIM_EXIT_USAGE;
	}

	uint64_t seed = o.has_seed ? o.seed : sc.seed;
	struct pcisim_sim sim;
	pcisim_sim_init(&sim, seed, &diag);
	struct pcisim_trace *tr = pcisim_trace_attach(&sim, false);
	struct pcisim_outcomes *watch = pcisim_outcomes_attach(&sim);
	/* What the run prints: from the start, or (--restore) from the snapshot's time on. */
	if (!o.restore && attach_outputs(&o, &sim, tr, trace_file, sc.name))
		goto out;

	struct pcisim_recorder *rec = NULL;
	if (o.record &&
	    !(rec = pcisim_recorder_start(&sim, &sc, o.record, pcisim_tformat_for_path(o.record), seed,
					  o.has_until ? o.until : sc.has_until ? sc.until : DEFAULT_UNTIL,
					  o.sets, o.nsets, "simulate", &diag)))
		goto out;
	if (pcisim_scenario_instantiate(&sim, &sc, rec ? pcisim_recorder_choose : NULL, rec, &diag)) {
		if (rec)
			pcisim_recorder_finish(rec, NULL, &diag);
		goto out;
	}

	pcisim_time until = o.has_until ? o.until : sc.has_until ? sc.until : DEFAULT_UNTIL;
	if (o.restore) {
		/* the deterministic prefix, without output, must reach the snapshot's state */
		pcisim_run(&sim, snap.at);
		if (sim.executed != snap.events || sim.hash != snap.hash || tr->count != snap.records) {
			pcisim_diag_error(&diag, (struct pcisim_loc){o.restore, 0, 0},
					  "the run does not reach the snapshot's state at its time (%llu events, %llu records, hash %016llx; this run: %llu, %llu, %016llx): the scenario's includes or pcisim changed since it was taken",
					  (unsigned long long)snap.events, (unsigned long long)snap.records,
					  (unsigned long long)snap.hash, (unsigned long long)sim.executed,
					  (unsigned long long)tr->count, (unsigned long long)sim.hash);
			goto out;
		}
		if (attach_outputs(&o, &sim, tr, trace_file, sc.name))
			goto out;
	}
	o.limits.output_bytes = recorder_bytes;
	o.limits.output_ctx = rec;
	pcisim_limits_arm(&o.limits, &sim);
#ifdef PCISIM_PROFILE
	if (o.profile)
		ProfilerStart(o.profile);
#endif
	/* --cxl-list: the run stops at each time asked for (in time order), is listed, goes on */
	if (o.ncxl_list)
		cxl_lists = json_array();
	bool snap_due = o.has_snapshot_at && o.snapshot_at <= until;
	for (pcisim_time from = o.restore ? snap.at + 1 : 0;;) {
		pcisim_time next = PCISIM_TIME_MAX;
		for (unsigned i = 0; i < o.ncxl_list; i++)
			if (o.cxl_list[i] >= from && o.cxl_list[i] < next && o.cxl_list[i] <= until)
				next = o.cxl_list[i];
		bool snap_now = snap_due && o.snapshot_at >= from && o.snapshot_at <= next;
		if (snap_now)
			next = o.snapshot_at;
		if (next == PCISIM_TIME_MAX)
			break;
		pcisim_run(&sim, next);
		if (sim.stopping || sim.stopped_by)
			break;
		if (snap_now) {
			/* --snapshot-at: what identifies the run and the state it reached */
			snap_due = false;
			struct pcisim_snapfile sf = {.scenario = (char *)sc.name, .file = (char *)o.file,
						     .digest = pcisim_scenario_digest(&sc), .seed = seed,
						     .nsets = o.nsets, .at = sim.now, .events = sim.executed,
						     .records = tr->count, .hash = sim.hash};
			memcpy(sf.sets, o.sets, o.nsets * sizeof(*o.sets));
			if (pcisim_snapfile_write(&sf, o.snap_out, &diag))
				goto out;
		} else {
			cxl_list_at(&sim, cxl_lists, o.json);
		}
		from = next + 1;
	}
	pcisim_run(&sim, until);
#ifdef PCISIM_PROFILE
	if (o.profile)
		ProfilerStop();
#endif
	if ((status = pcisim_limits_report("simulate", &o.limits, &sim))) {
		/* an unfinished run: no verdict; a recording keeps what it has, marked so */
		if (rec)
			pcisim_recorder_finish(rec, sim.stopped_by, &diag);
		goto out;
	}
	status = PCISIM_EXIT_USAGE;
	const char *reason = sim.stopping ? "stopped" : pcisim_next_time(&sim) == PCISIM_TIME_MAX ? "idle" : "time limit";
	PCISIM_RECORD(&sim, NULL, "sim.end", PCISIM_FU("events", sim.executed),
		      PCISIM_FS("reason", reason));
	bool record_bad = rec && pcisim_recorder_finish(rec, reason, &diag);

	/* lspci output: printed here, or kept for the JSON summary */
	char *lspci_text = NULL;
	size_t lspci_len = 0;
	bool lspci_bad = false;
	if (o.lspci || o.nlspci_vvv || o.nlspci_x) {
		FILE *ls = o.json ? open_memstream(&lspci_text, &lspci_len) : stdout;
		lspci_bad = !ls || print_lspci(&sim, &o, ls) != 0;
		if (o.json && ls)
			fclose(ls);
	}

	for (unsigned i = 0; i < o.ncxl_list; i++)
		if (o.cxl_list[i] == PCISIM_TIME_MAX || o.cxl_list[i] > until) {
			cxl_list_at(&sim, cxl_lists, o.json);
			break;
		}

	FILE *rep = o.json ? NULL : stdout;
	unsigned failed = pcisim_scenario_check(&sim, &sc, o.quiet ? (o.json ? NULL : stdout) : rep,
						!o.quiet && !o.json);
	struct pcisim_run_report report;
	pcisim_report_collect(&report, watch, &sim, &sc);
	if (!o.json)
		pcisim_report_print_checks(&report, stdout, !o.quiet);
	char t[40];
	pcisim_time_format_fixed(sim.now, t, sizeof(t));
	/* who handles hot-plug below each bridge at the end of the run */
	char hp[2048];
	pcisim_hotplug_summary(pcisim_fabric_get(&sim), hp, sizeof(hp));
	if (o.json) {
		json_t *j = json_object();
		json_object_set_new(j, "scenario", json_string(sc.name));
		json_object_set_new(j, "file", json_string(o.file));
		json_object_set_new(j, "seed", json_integer((json_int_t)seed));
		json_object_set_new(j, "events", json_integer((json_int_t)sim.executed));
		json_object_set_new(j, "records", json_integer((json_int_t)tr->count));
		json_object_set_new(j, "end_ps", json_integer((json_int_t)sim.now));
		json_object_set_new(j, "end_reason", json_string(reason));
		json_t *ex = json_array();
		for (size_t i = 0; i < sc.nexpects; i++) {
			const struct pcisim_expect *e = &sc.expects[i];
			char exp[1024] = "", obs[1024] = "";
			bool ok = e->def->eval(&sim, e, exp, sizeof(exp), obs, sizeof(obs));
			json_t *x = json_object();
			json_object_set_new(x, "kind", json_string(e->def->key));
			json_object_set_new(x, "line", json_integer(e->loc.line));
			json_object_set_new(x, "ok", json_boolean(ok));
			json_object_set_new(x, "expected", json_string(exp));
			json_object_set_new(x, "observed", json_string(obs));
			json_array_append_new(ex, x);
		}
		json_object_set_new(j, "expectations", ex);
		json_object_set_new(j, "failed", json_integer(failed));
		pcisim_report_json(&report, j);
		char h[24];
		snprintf(h, sizeof(h), "%016llx", (unsigned long long)sim.hash);
		json_object_set_new(j, "hash", json_string(h));
		if (lspci_text)
			json_object_set_new(j, "lspci", json_string(lspci_text));
		if (cxl_lists)
			json_object_set(j, "cxl_list", cxl_lists);
		json_object_set_new(j, "hotplug", json_string(hp));
		char *txt = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", txt);
		free(txt);
		json_decref(j);
	} else {
		if (!o.quiet) {
			if (hp[0])
				printf("hot-plug: %s\n", hp);
			printf("scenario %s: seed %llu, %llu events, %llu records, ended at %s s (%s)\n",
			       sc.name, (unsigned long long)seed, (unsigned long long)sim.executed,
			       (unsigned long long)tr->count, t, reason);
			pcisim_report_print_summary(&report, stdout);
			/* a read's expect: that failed counts as failed, but not among the scenario's expectations */
			unsigned step_failed = pcisim_step_failures(&sim);
			printf("expectations: %zu passed, %u failed\n", sc.nexpects - (failed - step_failed),
			       failed);
		}
		printf("trace hash: %016llx\n", (unsigned long long)sim.hash);
	}
	status = lspci_bad ? PCISIM_EXIT_USAGE : failed || report.unaccounted ? PCISIM_EXIT_FAIL : PCISIM_EXIT_OK;
	pcisim_report_free(&report);
	if (record_bad)
		status = PCISIM_EXIT_USAGE;
	free(lspci_text);
out:
	json_decref(cxl_lists);
	pcisim_sim_free(&sim);
	pcisim_snapfile_free(&snap);
	pcisim_scenario_free(&sc);
	if (trace_file)
		fclose(trace_file);
	if (pcisim_views_close("simulate", &o.views))
		status = PCISIM_EXIT_USAGE;
	return status;
}

const struct pcisim_command pcisim_cmd_simulate = {
	.name = "simulate",
	.summary = "run a scenario, check its expectations, print the trace hash",
	.description = "Run the scenario FILE: build its machine, play its timeline, print what "
		       "happened, check its expectations and print the trace hash. After the run it "
		       "prints what went wrong in it (a failed migration, a failed recovery, a device "
		       "lost, I/O errors, a device_del left pending) and checks the built-in "
		       "invariants; a violated invariant that no expectation accounts for fails.",
	.main = simulate_main,
	.synopsis = "FILE [OPTIONS]",
	.options = options,
	.operand = "the scenario FILE",
	.operand_one = "scenario file",
	.operand_arg = PCISIM_OPTARG_FILE,
	.exit_status = "0 every expectation and invariant holds, 1 one failed, 2 bad input, 3 a limit "
		       "stopped the run",
};
