/*
 * The test bench shared by the cmocka tests: a machine built from a scenario given
 * as text, through the same calls as `pcisim simulate`, with a trace attached, and
 * the small look-ups the tests make in it.
 *
 * A bench (struct tb) holds the scenario, the sim, a diag that writes to memory
 * (t->err, t->errlen), the result of loading (t->rc: 0 when parsed and built) and,
 * after a run, the number of expectations that failed (t->failed).
 *
 * Building, by hand:
 *   tb_build(t, text, seed)        build into @t in place; seed 0: the scenario's own
 *   tb_text(text)                  a new bench from whole text, seed 1, not run
 *   tb_new(qemu, topology, extra)  a new bench: "machine: {type: q35, qemu: @qemu@extra}"
 *                                  and the topology lines, seed 1, not run
 *   tb_ok(qemu, topology, extra)   tb_new() that fails the test when it does not load
 * Building and running, as `pcisim simulate` does (the scenario's seed):
 *   tb_run_text(t, text, until)    build into @t in place, run to @until (0: the
 *                                  scenario's until, or an hour), check expectations
 *   tb_runf(until, fmt, ...)       a new bench from printf-formatted text, run as
 *                                  tb_run_text(); fails the test when it does not load
 * Freeing: tb_fini(t) for a bench built in place, tb_free(t) for a new one.
 *
 * Look-ups: tb_fn() and tb_port() (a function by id, failing the test when there is
 * none), tb_field() (a record's field as trace text), tb_count(), tb_find_rec() and
 * tb_find_log() over the trace; tb_hop_2g5_x1() (one crossing of a 2.5 GT/s x1 link).
 * For the tests that run the pcisim binary: tb_cli(), tb_tmpdir_setup() and
 * tb_tmpdir_teardown().
 *
 * Include after <cmocka.h> (and what it needs): the helpers fail the test with
 * cmocka's fail_msg() and assertions.
 */
#ifndef PCISIM_TESTS_TESTBENCH_H
#define PCISIM_TESTS_TESTBENCH_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sim/core/component.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/port.h"
#include "replay/register.h"

struct tb {
	struct pcisim_scenario sc;
	struct pcisim_sim sim;
	struct pcisim_diag diag;
	FILE *errf;
	char *err; /* everything the diag wrote */
	size_t errlen;
	int rc;          /* 0: the scenario parsed and its machine was built */
	unsigned failed; /* expectations that failed (after a run) */
};

/* Register every component type, once. */
static inline void tb_register(void)
{
	static bool registered;
	if (!registered) {
		pcisim_register_all();
		registered = true;
	}
}

/* Parse @text ("t.yaml") and build its machine into @t, with a trace attached; the
 * sim's seed is @seed, or the scenario's own when @seed is 0. Returns t->rc. */
static inline int tb_build(struct tb *t, const char *text, uint64_t seed)
{
	tb_register();
	memset(t, 0, sizeof(*t));
	t->errf = open_memstream(&t->err, &t->errlen);
	pcisim_diag_init(&t->diag, t->errf);
	t->rc = pcisim_scenario_parse(&t->sc, "t.yaml", text, strlen(text), &t->diag);
	pcisim_sim_init(&t->sim, seed ? seed : t->sc.seed, &t->diag);
	pcisim_trace_attach(&t->sim, true);
	if (!t->rc)
		t->rc = pcisim_scenario_instantiate(&t->sim, &t->sc, NULL, NULL, &t->diag);
	fflush(t->errf);
	return t->rc;
}

/* Build @text into @t as `pcisim simulate` does, run it to @until (0: the scenario's
 * until, or an hour) and check its expectations (t->failed). Returns t->rc. */
static inline int tb_run_text(struct tb *t, const char *text, pcisim_time until)
{
	if (tb_build(t, text, 0))
		return t->rc;
	pcisim_run(&t->sim, until ? until : t->sc.has_until ? t->sc.until : 3600 * PCISIM_S);
	t->failed = pcisim_scenario_check(&t->sim, &t->sc, stderr, false);
	return 0;
}

static inline void tb_fini(struct tb *t)
{
	pcisim_sim_free(&t->sim);
	pcisim_scenario_free(&t->sc);
	fclose(t->errf);
	free(t->err);
}

static inline void tb_free(struct tb *t)
{
	tb_fini(t);
	free(t);
}

/* A new bench from whole scenario text, seed 1, not run (check t->rc). */
static inline struct tb *tb_text(const char *text)
{
	struct tb *t = calloc(1, sizeof(*t));
	tb_build(t, text, 1);
	return t;
}

/* A new bench: a q35 machine of QEMU @qemu (@machine_extra follows inside the
 * machine mapping, "" or ", key: value") and the @topology lines. */
static inline struct tb *tb_new(const char *qemu, const char *topology, const char *machine_extra)
{
	char text[4096];
	snprintf(text, sizeof(text), "version: 1\nname: t\nmachine: {type: q35, qemu: \"%s\"%s}\ntopology:\n%s",
		 qemu, machine_extra, topology);
	return tb_text(text);
}

/* tb_new() that fails the test when the scenario does not load. */
static inline struct tb *tb_ok(const char *qemu, const char *topology, const char *machine_extra)
{
	struct tb *t = tb_new(qemu, topology, machine_extra);
	if (t->rc)
		fail_msg("scenario did not load: %s\n%s", t->err, topology);
	return t;
}

/* A new bench from printf-formatted scenario text, run as tb_run_text(); fails the
 * test when the scenario does not load. */
static inline struct tb *tb_runf(pcisim_time until, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline struct tb *tb_runf(pcisim_time until, const char *fmt, ...)
{
	char text[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	struct tb *t = calloc(1, sizeof(*t));
	if (tb_run_text(t, text, until))
		fail_msg("scenario did not load: %s\n%s", t->diag.first, text);
	return t;
}

/* The function @id; fails the test when there is none. */
static inline struct pcisim_pcifn *tb_fn(struct tb *t, const char *id)
{
	struct pcisim_pcifn *f = pcisim_fabric_find_fn(pcisim_fabric_get(&t->sim), id);
	if (!f)
		fail_msg("no function '%s'", id);
	return f;
}

/* The port @id; fails the test when @id is no port. */
static inline struct pcisim_port *tb_port(struct tb *t, const char *id)
{
	struct pcisim_pcifn *f = tb_fn(t, id);
	assert_true(pcisim_is_port(f));
	return pcisim_to_port(f);
}

/* The field @name of @rec as its trace text ("" when absent; a static buffer). */
static inline const char *tb_field(const struct pcisim_record *rec, const char *name)
{
	static char buf[256];
	for (uint32_t i = 0; i < rec->nfields; i++)
		if (!strcmp(rec->fields[i].name, name)) {
			pcisim_field_format(&rec->fields[i], buf, sizeof(buf));
			return buf;
		}
	return "";
}

/* How many records of @kind there are (with field @f == @v unless @f is NULL). */
static inline unsigned tb_count(struct tb *t, const char *kind, const char *f, const char *v)
{
	unsigned n = 0;
	for (size_t i = 0; i < t->sim.trace->nrecs; i++) {
		const struct pcisim_record *rec = &t->sim.trace->recs[i];
		if (!strcmp(rec->kind, kind) && (!f || !strcmp(tb_field(rec, f), v)))
			n++;
	}
	return n;
}

/* The first record of @kind (optionally of component @comp) with field @f == @v. */
static inline const struct pcisim_record *tb_find_rec(struct tb *t, const char *kind, const char *comp,
						       const char *f, const char *v)
{
	for (size_t i = 0; i < t->sim.trace->nrecs; i++) {
		const struct pcisim_record *rec = &t->sim.trace->recs[i];
		if (strcmp(rec->kind, kind))
			continue;
		if (comp && (!rec->comp_path || !strstr(rec->comp_path, comp)))
			continue;
		if (!f)
			return rec;
		for (uint32_t j = 0; j < rec->nfields; j++) {
			char buf[256];
			pcisim_field_format(&rec->fields[j], buf, sizeof(buf));
			if (!strcmp(rec->fields[j].name, f) && !strcmp(buf, v))
				return rec;
		}
	}
	return NULL;
}

/* A log line containing @text, or NULL. */
static inline const struct pcisim_record *tb_find_log(struct tb *t, const char *text)
{
	for (size_t i = 0; i < t->sim.trace->nrecs; i++) {
		const struct pcisim_record *rec = &t->sim.trace->recs[i];
		if (!strcmp(rec->kind, "log") && strstr(rec->fields[1].s, text))
			return rec;
	}
	return NULL;
}

/* One crossing of a 2.5 GT/s x1 link: (TLP bytes + 8 framing) * 4 ns + 100 ns. */
static inline pcisim_time tb_hop_2g5_x1(unsigned tlp_bytes)
{
	return (tlp_bytes + 8) * 4 * PCISIM_NS + 100 * PCISIM_NS;
}

/* Run the pcisim binary with printf-formatted arguments; its exit status, its
 * stdout+stderr in *@out (free it). */
static inline int tb_cli(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int tb_cli(char **out, const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(cmd, sizeof(cmd), "%s ", PCISIM_BINARY);
	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t len;
	FILE *m = open_memstream(out, &len);
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, got, m);
	fclose(m);
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* cmocka group setup: register everything and make the directory @tmpl ("...XXXXXX",
 * filled in). */
static inline int tb_tmpdir_setup(char *tmpl)
{
	pcisim_register_all();
	return mkdtemp(tmpl) ? 0 : -1;
}

/* cmocka group teardown: remove the directory @dir and all below it. */
static inline int tb_tmpdir_teardown(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
