/*
 * Fuzz campaigns: the run loop (in this process or in worker processes), grouping by
 * signature, saving and minimising failures, the summary, and merging shards.
 *
 * Worker processes (--jobs J) run every J-th run of this process's share and report
 * through a pipe: a progress count now and then, each signature the first time they
 * see it, and at the end their table (signature, count, first run). A worker killed
 * by a signal (a model assertion) is reported as a failure of its own, at the run it
 * was in (workers publish that run number in a shared page). Failures are saved by
 * this process afterwards, by running the first failing run of each signature again:
 * run r is the same run wherever it executes.
 */
/* fork, pipes, mmap, strsignal, clock_gettime: POSIX 2008 and XSI. */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE

#include "replay/fuzz.h"
#include "replay/guided.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "sim/core/component.h"
#include "sim/core/sim.h"

#ifdef PCISIM_HAVE_MPI
#include <mpi.h>
#endif

static void oom(void)
{
	fprintf(stderr, "pcisim: out of memory\n");
	abort();
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the scenario's fuzz: section ---- */

static const char *const fuzz_keys[] = {"runs", "seed", "order", "jitter", "minimise", "invariants", "faults", NULL};

static int fuzz_section(const struct pcisim_ynode *f, struct pcisim_fuzz_config *cfg,
			struct pcisim_diag *d);

int pcisim_fuzz_config(const struct pcisim_scenario *sc, struct pcisim_fuzz_config *cfg,
		       struct pcisim_diag *d)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->runs = 1000;
	cfg->seed = 1;
	cfg->order = cfg->jitter = cfg->minimise = true;
	const struct pcisim_ynode *f = sc->fuzz;
	int rc = f ? fuzz_section(f, cfg, d) : 0;
	if (!rc && !cfg->invs) {
		/* every invariant, resolved once for the whole campaign */
		const char **names = pcisim_invariant_names();
		size_t n = 0;
		while (names && names[n])
			n++;
		cfg->invs = calloc(n + 1, sizeof(*cfg->invs));
		if (!cfg->invs)
			oom();
		for (size_t i = 0; i < n; i++)
			cfg->invs[i] = pcisim_invariant_find(names[i]);
		free(names);
	}
	return rc;
}

static int fuzz_section(const struct pcisim_ynode *f, struct pcisim_fuzz_config *cfg,
			struct pcisim_diag *d)
{
	int rc;
	if ((rc = pcisim_ymap_check_keys(f, "'fuzz'", fuzz_keys, d)))
		return rc;
	const struct pcisim_ynode *v;
	if ((v = pcisim_ymap_get(f, "runs")) && (rc = pcisim_yget_u64(v, "'runs'", 1, UINT64_MAX, &cfg->runs, d)))
		return rc;
	if ((v = pcisim_ymap_get(f, "seed")) && (rc = pcisim_yget_u64(v, "'seed'", 0, UINT64_MAX, &cfg->seed, d)))
		return rc;
	if ((v = pcisim_ymap_get(f, "order")) && (rc = pcisim_yget_bool(v, "'order'", &cfg->order, d)))
		return rc;
	if ((v = pcisim_ymap_get(f, "jitter"))) {
		/* on, off, or N%: at most N percent off each declared latency's nominal value */
		size_t l = v->kind == PCISIM_Y_SCALAR ? strlen(v->str) : 0;
		if (l >= 2 && v->str[l - 1] == '%') {
			char num[32];
			uint64_t pct = 0;
			snprintf(num, sizeof(num), "%.*s", (int)(l - 1), v->str);
			if (l - 1 >= sizeof(num) || pcisim_parse_u64(num, &pct) || pct < 1 || pct > 1000)
				return pcisim_diag_error(d, v->loc,
							 "'jitter' must be on, off or a percentage 1%%..1000%%, not '%s'",
							 v->str);
			cfg->jitter = true;
			cfg->jitter_pct = (unsigned)pct;
		} else if ((rc = pcisim_yget_bool(v, "'jitter' (on, off or a percentage like 10%)", &cfg->jitter, d))) {
			return rc;
		}
	}
	if ((v = pcisim_ymap_get(f, "minimise")) &&
	    (rc = pcisim_yget_bool(v, "'minimise'", &cfg->minimise, d)))
		return rc;
	if ((v = pcisim_ymap_get(f, "invariants"))) {
		const char **names = pcisim_invariant_names();
		char choices[512];
		pcisim_choices(choices, sizeof(choices), names);
		free(names);
		if (v->kind == PCISIM_Y_SCALAR && !strcmp(v->str, "none")) {
			cfg->invs = calloc(1, sizeof(*cfg->invs));
			if (!cfg->invs)
				oom();
			return 0;
		}
		if (v->kind != PCISIM_Y_SEQ)
			return pcisim_diag_error(d, v->loc,
						 "'invariants' must be a list of invariant names or 'none'; valid names: %s",
						 choices);
		cfg->invs = calloc(v->n + 1, sizeof(*cfg->invs));
		if (!cfg->invs)
			oom();
		for (size_t i = 0; i < v->n; i++) {
			const struct pcisim_ynode *e = v->vals[i];
			const struct pcisim_invariant *inv =
				e->kind == PCISIM_Y_SCALAR ? pcisim_invariant_find(e->str) : NULL;
			if (!inv) {
				char desc[64];
				return pcisim_diag_error(d, e->loc, "unknown invariant %s; valid names: %s",
							 pcisim_ynode_desc(e, desc, sizeof(desc)), choices);
			}
			cfg->invs[i] = inv;
		}
	}
	return 0;
}

void pcisim_fuzz_config_free(struct pcisim_fuzz_config *cfg)
{
	free(cfg->invs);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- the campaign ---- */

struct sig {
	char *text;
	uint64_t count;
	uint64_t first_run;
	double found_after; /* seconds from the campaign's start */
	uint64_t runs_before; /* runs completed when it was first seen (this process) */
	int crash_signal;   /* > 0: a worker died of this signal in first_run */
	/* filled when saved */
	char dir[512];
	size_t steps_before, steps_after;
	unsigned minimise_runs;
	bool reproduced, repro_fails;
	char *repro_steps; /* the kept steps, one line each */
	struct pcisim_schedule sched; /* guided: the first failing run's choices (n = 0: run r) */
};

struct campaign {
	const struct pcisim_fuzz_opts *o;
	int ranks; /* MPI ranks (1 without MPI) */
	struct pcisim_scenario *sc;
	struct pcisim_fuzz_config cfg;
	const struct pcisim_invariant *const *invs;
	uint64_t seed, runs;
	uint64_t shard_i, shard_n;
	double t0, deadline;
	uint64_t done, failed;
	struct sig *sigs;
	size_t nsigs, capsigs;
	double last_progress;
	bool progress;
	struct pcisim_run_base *base; /* the built machine every run restores (NULL: none) */
	bool *swarm_on;               /* swarm: the steps of the run being set up */
	struct pcisim_guided *guided; /* guided: coverage and corpus */
};

static struct sig *sig_find(struct campaign *c, const char *text)
{
	for (size_t i = 0; i < c->nsigs; i++)
		if (!strcmp(c->sigs[i].text, text))
			return &c->sigs[i];
	return NULL;
}

static struct sig *sig_add(struct campaign *c, const char *text, uint64_t run, double after)
{
	struct sig *s = sig_find(c, text);
	if (s) {
		if (run < s->first_run)
			s->first_run = run;
		if (after < s->found_after)
			s->found_after = after;
		return s;
	}
	if (c->nsigs == c->capsigs) {
		c->capsigs = c->capsigs ? c->capsigs * 2 : 8;
		struct sig *nv = realloc(c->sigs, c->capsigs * sizeof(*nv));
		if (!nv)
			oom();
		c->sigs = nv;
	}
	s = &c->sigs[c->nsigs++];
	memset(s, 0, sizeof(*s));
	s->text = strdup(text);
	if (!s->text)
		oom();
	s->first_run = run;
	s->found_after = after;
	s->runs_before = c->done;
	return s;
}

static void run_spec(struct campaign *c, struct pcisim_run_spec *spec, uint64_t r)
{
	pcisim_run_spec_init(spec, c->sc);
	spec->policy = PCISIM_POLICY_RANDOM;
	char purpose[32];
	snprintf(purpose, sizeof(purpose), "run %" PRIu64, r);
	pcisim_rng_stream(&spec->rng, c->seed, "fuzz", purpose);
	spec->order = c->cfg.order;
	spec->jitter = c->cfg.jitter;
	spec->jitter_pct = c->cfg.jitter_pct;
	spec->invs = c->invs;
	spec->unhashed = true; /* a campaign reads signatures, never hashes */
	if (c->o->strategy == PCISIM_STRATEGY_SWARM) {
		/* this run's swarm: each feature in or out with probability 1/2, from a stream of its own */
		struct pcisim_rng sw;
		pcisim_rng_stream(&sw, c->seed, "swarm", purpose);
		spec->order = spec->order && pcisim_rng_below(&sw, 2);
		spec->jitter = spec->jitter && pcisim_rng_below(&sw, 2);
		for (size_t i = 0; i < c->sc->nsteps; i++)
			c->swarm_on[i] = !c->sc->steps[i].fault || pcisim_rng_below(&sw, 2);
		spec->step_on = c->swarm_on;
	}
}

/* A guided run's spec: the replay of a (mutated) schedule, or run r as random does. */
static void guided_spec(struct campaign *c, struct pcisim_run_spec *spec, uint64_t r,
			const struct pcisim_schedule *sched)
{
	run_spec(c, spec, r);
	if (sched && sched->n) {
		spec->policy = PCISIM_POLICY_REPLAY;
		spec->replay = sched->v;
		spec->nreplay = sched->n;
	}
}

/* Run r; its signature into @sig (malloc'ed, "" when it passed). */
static char *run_one(struct campaign *c, uint64_t r, struct pcisim_diag *d)
{
	struct pcisim_run_spec spec;
	run_spec(c, &spec, r);
	spec.drop_choices = true; /* run r is its seed: a finding is run again, recorded */
	struct pcisim_run_result res;
	int rc = pcisim_run_from(c->base, &spec, &res, d);
	char *sig = rc ? strdup("error: the scenario could not be instantiated") : res.signature;
	res.signature = NULL;
	pcisim_run_result_free(&res);
	return sig;
}

static void progress(struct campaign *c, bool final)
{
	if (!c->progress)
		return;
	double t = now_s();
	if (!final && t - c->last_progress < 0.25)
		return;
	c->last_progress = t;
	double el = t - c->t0;
	fprintf(stderr, "\rfuzz: %" PRIu64 " runs, %.0f runs/s, %" PRIu64 " failing, %zu signature%s   %s",
		c->done, el > 0 ? (double)c->done / el : 0.0, c->failed, c->nsigs, c->nsigs == 1 ? "" : "s",
		final ? "\n" : "");
	fflush(stderr);
}

/* The k-th run index of this process's share (shard), or UINT64_MAX past the end. */
static uint64_t nth_run(const struct campaign *c, uint64_t k)
{
	uint64_t r = c->shard_i + k * c->shard_n;
	if (c->runs && r >= c->runs)
		return UINT64_MAX;
	return r;
}

static bool out_of_time(const struct campaign *c)
{
	return c->deadline > 0 && now_s() >= c->deadline;
}

/*
 * Guided: one process, runs in order (each depends on the corpus the earlier ones
 * built); run r is a mutated corpus schedule or, one time in four and while the
 * corpus is empty, run r of the random strategy.
 */
static void run_guided(struct campaign *c, struct pcisim_diag *d)
{
	for (uint64_t r = 0;; r++) {
		if ((c->runs && r >= c->runs) || ((r & 63) == 0 && out_of_time(c)))
			break;
		struct pcisim_rng rng;
		char purpose[32];
		snprintf(purpose, sizeof(purpose), "run %" PRIu64, r);
		pcisim_rng_stream(&rng, c->seed, "guided", purpose);
		struct pcisim_schedule sched = {0};
		bool mutated = pcisim_guided_next(c->guided, &rng, &sched);
		struct pcisim_run_spec spec;
		guided_spec(c, &spec, r, mutated ? &sched : NULL);
		spec.on_item = pcisim_guided_item;
		spec.item_ctx = c->guided;
		pcisim_guided_run_start(c->guided);
		struct pcisim_run_result res;
		int rc = pcisim_run_from(c->base, &spec, &res, d);
		pcisim_guided_run_end(c->guided, res.choices, res.nchoices);
		c->done++;
		const char *sig = rc ? "error: the scenario could not be instantiated" : res.signature;
		if (sig[0]) {
			c->failed++;
			bool fresh = !sig_find(c, sig);
			struct sig *s = sig_add(c, sig, r, now_s() - c->t0);
			s->count++;
			if (fresh)
				pcisim_schedule_copy(&s->sched, res.choices, res.nchoices);
		}
		pcisim_run_result_free(&res);
		pcisim_schedule_free(&sched);
		if ((r & 255) == 0)
			progress(c, false);
	}
}

static void run_inline(struct campaign *c, struct pcisim_diag *d)
{
	for (uint64_t k = 0;; k++) {
		uint64_t r = nth_run(c, k);
		if (r == UINT64_MAX || ((k & 63) == 0 && out_of_time(c)))
			break;
		char *sig = run_one(c, r, d);
		c->done++;
		if (sig[0]) {
			c->failed++;
			struct sig *s = sig_add(c, sig, r, now_s() - c->t0);
			s->count++;
		}
		free(sig);
		if ((k & 255) == 0)
			progress(c, false);
	}
}

/* ---- worker processes ---- */

enum { MSG_PROGRESS = 'P', MSG_FIRST = 'F', MSG_COUNT = 'C', MSG_END = 'E' };

static int write_all(int fd, const void *p, size_t n)
{
	const char *b = p;
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static void send_msg(int fd, char type, uint64_t a, uint64_t b, const char *text)
{
	uint32_t len = text ? (uint32_t)strlen(text) : 0;
	char head[1 + 8 + 8 + 4];
	head[0] = type;
	memcpy(head + 1, &a, 8);
	memcpy(head + 9, &b, 8);
	memcpy(head + 17, &len, 4);
	write_all(fd, head, sizeof(head));
	if (len)
		write_all(fd, text, len);
}

static void worker(struct campaign *c, unsigned j, unsigned jobs, int fd, volatile uint64_t *cur)
{
	struct pcisim_diag d;
	FILE *devnull = fopen("/dev/null", "w");
	pcisim_diag_init(&d, devnull);
	double last = now_s();
	uint64_t done = 0;
	for (uint64_t k = j;; k += jobs) {
		uint64_t r = nth_run(c, k);
		if (r == UINT64_MAX || ((done & 63) == 0 && out_of_time(c)))
			break;
		*cur = r;
		char *sig = run_one(c, r, &d);
		done++;
		if (sig[0]) {
			c->failed++;
			struct sig *s = sig_find(c, sig);
			if (!s) {
				double after = now_s() - c->t0;
				s = sig_add(c, sig, r, after);
				send_msg(fd, MSG_FIRST, r, (uint64_t)(after * 1e9), sig);
			}
			s->count++;
		}
		free(sig);
		if ((done & 255) == 0 && now_s() - last > 0.1) {
			last = now_s();
			send_msg(fd, MSG_PROGRESS, done, c->failed, NULL);
		}
	}
	for (size_t i = 0; i < c->nsigs; i++)
		send_msg(fd, MSG_COUNT, c->sigs[i].count, c->sigs[i].first_run, c->sigs[i].text);
	send_msg(fd, MSG_END, done, c->failed, NULL);
	close(fd);
	_exit(0);
}

struct wstate {
	pid_t pid;
	int fd;
	char *buf;
	size_t len, cap;
	uint64_t done, failed;
	bool ended;
	int status;
};

/* Take the complete messages in @w's buffer. */
static void take_msgs(struct campaign *c, struct wstate *w)
{
	size_t pos = 0;
	while (w->len - pos >= 21) {
		const char *h = w->buf + pos;
		uint64_t a, b;
		uint32_t len;
		memcpy(&a, h + 1, 8);
		memcpy(&b, h + 9, 8);
		memcpy(&len, h + 17, 4);
		if (w->len - pos < 21 + (size_t)len)
			break;
		char *text = strndup(h + 21, len);
		if (!text)
			oom();
		switch (h[0]) {
		case MSG_PROGRESS:
			w->done = a;
			w->failed = b;
			break;
		case MSG_FIRST:
			sig_add(c, text, a, (double)b * 1e-9);
			break;
		case MSG_COUNT: {
			struct sig *s = sig_add(c, text, b, 1e300);
			s->count += a;
			break;
		}
		case MSG_END:
			w->done = a;
			w->failed = b;
			w->ended = true;
			break;
		}
		free(text);
		pos += 21 + len;
	}
	memmove(w->buf, w->buf + pos, w->len - pos);
	w->len -= pos;
}

static void run_workers(struct campaign *c, unsigned jobs, struct pcisim_diag *d)
{
	struct wstate *ws = calloc(jobs, sizeof(*ws));
	volatile uint64_t *cur = mmap(NULL, jobs * sizeof(uint64_t), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!ws || cur == MAP_FAILED)
		oom();
	fflush(NULL);
	for (unsigned j = 0; j < jobs; j++) {
		int p[2];
		if (pipe(p))
			oom();
		cur[j] = UINT64_MAX;
		pid_t pid = fork();
		if (pid == 0) {
			close(p[0]);
			for (unsigned k = 0; k < j; k++)
				close(ws[k].fd);
			worker(c, j, jobs, p[1], &cur[j]);
		}
		close(p[1]);
		if (pid < 0)
			oom();
		ws[j].pid = pid;
		ws[j].fd = p[0];
	}
	unsigned open = jobs;
	struct pollfd *pf = calloc(jobs, sizeof(*pf));
	if (!pf)
		oom();
	while (open) {
		unsigned n = 0;
		for (unsigned j = 0; j < jobs; j++)
			if (ws[j].fd >= 0)
				pf[n++] = (struct pollfd){.fd = ws[j].fd, .events = POLLIN};
		int pr = poll(pf, n, 250);
		if (pr < 0 && errno != EINTR)
			break;
		for (unsigned j = 0; j < jobs; j++) {
			struct wstate *w = &ws[j];
			if (w->fd < 0)
				continue;
			bool ready = false;
			for (unsigned k = 0; k < n; k++)
				if (pf[k].fd == w->fd && pf[k].revents)
					ready = true;
			if (!ready)
				continue;
			if (w->cap - w->len < 65536) {
				w->cap = w->cap ? w->cap * 2 : 131072;
				w->buf = realloc(w->buf, w->cap);
				if (!w->buf)
					oom();
			}
			ssize_t got = read(w->fd, w->buf + w->len, w->cap - w->len);
			if (got > 0) {
				w->len += (size_t)got;
				take_msgs(c, w);
			} else if (got == 0 || (got < 0 && errno != EINTR)) {
				close(w->fd);
				w->fd = -1;
				open--;
			}
		}
		c->done = 0;
		c->failed = 0;
		for (unsigned j = 0; j < jobs; j++) {
			c->done += ws[j].done;
			c->failed += ws[j].failed;
		}
		progress(c, false);
	}
	c->done = 0;
	c->failed = 0;
	for (unsigned j = 0; j < jobs; j++) {
		struct wstate *w = &ws[j];
		int st = 0;
		while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st)) || !w->ended) {
			char text[256];
			if (WIFSIGNALED(st))
				snprintf(text, sizeof(text), "crash: a model stopped the run with signal %d (%s)",
					 WTERMSIG(st), strsignal(WTERMSIG(st)));
			else
				snprintf(text, sizeof(text), "crash: a worker exited with status %d",
					 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			struct sig *s = sig_add(c, text, cur[j], now_s() - c->t0);
			s->count++;
			s->crash_signal = WIFSIGNALED(st) ? WTERMSIG(st) : -1;
			w->failed++;
			w->done++;
			pcisim_diag_warning(d, (struct pcisim_loc){0},
					    "worker %u died in run %" PRIu64 "; its remaining runs were not made",
					    j, cur[j]);
		}
		c->done += w->done;
		c->failed += w->failed;
		free(w->buf);
	}
	free(pf);
	free(ws);
	munmap((void *)cur, jobs * sizeof(uint64_t));
}

/* ---- saving failures ---- */

static int mkdir_p(const char *path)
{
	char tmp[1024];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0777) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(tmp, 0777) && errno != EEXIST ? -1 : 0;
}

/*
 * The signature's parts that are violated invariants with an expectation form, into
 * *@out (malloc'ed, room for every part; free() it).
 */
static size_t inv_expects(const char *signature, const char ***out)
{
	size_t n = 0, parts = 1;
	for (const char *p = signature; (p = strstr(p, " | ")); p += 3)
		parts++;
	*out = calloc(parts, sizeof(**out));
	if (!*out)
		oom();
	bool any_expect = false;
	for (const char *p = signature; *p;) {
		const char *e = strstr(p, " | ");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (!strncmp(p, "expect ", 7))
			any_expect = true;
		if (!strncmp(p, "invariant ", 10)) {
			char name[128];
			size_t nl = strcspn(p + 10, "@");
			snprintf(name, sizeof(name), "%.*s", (int)(nl < 127 ? nl : 127), p + 10);
			const struct pcisim_invariant *inv = pcisim_invariant_find(name);
			if (inv && inv->as_expect)
				(*out)[n++] = inv->as_expect;
		}
		p = e ? e + 3 : p + len;
	}
	return any_expect ? 0 : n;
}

/* Does the reproducer at @path fail under simulate's rules (an expectation fails)? */
static bool repro_fails(const char *path, const char *trace, struct pcisim_diag *d)
{
	struct pcisim_scenario sc;
	bool fails = false;
	if (pcisim_scenario_load(&sc, path, d) == 0) {
		struct pcisim_run_spec spec;
		pcisim_run_spec_init(&spec, &sc);
		struct pcisim_tinclude *incs = calloc(sc.ndocs + 1, sizeof(*incs));
		if (!incs)
			oom();
		struct pcisim_theader h;
		char err[256];
		pcisim_theader_for(&h, &sc, spec.seed, spec.until, NULL, 0, "pcisim fuzz reproducer", incs);
		spec.hdr = &h;
		spec.w = trace ? pcisim_twriter_open(trace, pcisim_tformat_for_path(trace), err, sizeof(err)) : NULL;
		struct pcisim_run_result res;
		fails = pcisim_run_scenario(&spec, &res, d) == 0 && res.failed > 0;
		if (spec.w)
			pcisim_twriter_close(spec.w, err, sizeof(err));
		pcisim_run_result_free(&res);
		free(incs);
	}
	pcisim_scenario_free(&sc);
	return fails;
}

static void save_sig(struct campaign *c, struct sig *s, const char *path, struct pcisim_diag *d)
{
	const struct pcisim_fuzz_opts *o = c->o;
	uint64_t id = XXH3_64bits(s->text, strlen(s->text));
	snprintf(s->dir, sizeof(s->dir), "%s/fail-%08" PRIx64, o->out_dir, id >> 32);
	if (mkdir_p(s->dir)) {
		pcisim_diag_error(d, (struct pcisim_loc){s->dir, 0, 0}, "cannot create the directory: %s",
				  strerror(errno));
		s->dir[0] = 0;
		return;
	}
	s->steps_before = c->sc->nsteps;
	if (s->crash_signal) {
		s->steps_after = c->sc->nsteps;
		return;
	}
	/* The first failing run again, recorded. */
	char file[700], origin[160], err[256];
	snprintf(file, sizeof(file), "%s/trace.jsonl", s->dir);
	snprintf(origin, sizeof(origin), "pcisim fuzz: run %" PRIu64 " of campaign seed %" PRIu64,
		 s->first_run, c->seed);
	struct pcisim_run_spec spec;
	guided_spec(c, &spec, s->first_run, &s->sched);
	spec.unhashed = false; /* the trace ends with its hash */
	struct pcisim_tinclude *incs = calloc(c->sc->ndocs + 1, sizeof(*incs));
	if (!incs)
		oom();
	struct pcisim_theader h;
	pcisim_theader_for(&h, c->sc, spec.seed, spec.until, o->sets, o->nsets, origin, incs);
	h.flags = (spec.order ? PCISIM_TH_RANKED : 0) | (spec.jitter ? PCISIM_TH_JITTER : 0);
	spec.hdr = &h;
	spec.w = pcisim_twriter_open(file, PCISIM_TF_JSONL, err, sizeof(err));
	struct pcisim_run_result res;
	pcisim_run_scenario(&spec, &res, d);
	if (spec.w)
		pcisim_twriter_close(spec.w, err, sizeof(err));
	free(incs);
	/* Minimise to the fewest steps, then write the reproducer. */
	struct pcisim_minimised m;
	size_t *order = calloc(c->sc->nsteps + 1, sizeof(*order));
	if (!order)
		oom();
	pcisim_step_order(c->sc, res.step_at, res.choices, res.nchoices, order);
	if (c->cfg.minimise && !o->no_minimise) {
		pcisim_minimise(c->sc, spec.seed, spec.until, c->invs, res.step_at, order, s->text, &m, d);
	} else {
		memset(&m, 0, sizeof(m));
		m.keep = calloc(c->sc->nsteps + 1, sizeof(*m.keep));
		m.at = calloc(c->sc->nsteps + 1, sizeof(*m.at));
		m.order = calloc(c->sc->nsteps + 1, sizeof(*m.order));
		if (!m.keep || !m.at || !m.order)
			oom();
		for (size_t i = 0; i < c->sc->nsteps; i++) {
			m.keep[i] = !c->sc->steps[i].fault || res.step_at[i] != PCISIM_TIME_MAX;
			m.at[i] = res.step_at[i], m.order[i] = order[i];
			m.nkept += m.keep[i];
		}
		m.reproduced = true;
	}
	free(order);
	s->steps_after = m.nkept;
	s->minimise_runs = m.runs;
	s->reproduced = m.reproduced;
	const char **ie;
	size_t nie = inv_expects(s->text, &ie);
	char comment[2048];
	snprintf(comment, sizeof(comment),
		 "Reproducer of %s found by pcisim fuzz: run %" PRIu64 " of campaign seed %" PRIu64
		 "\n(%zu of %zu timeline steps kept). It fails under 'pcisim simulate' with:\n%s\n"
		 "The failing run itself: pcisim replay trace.jsonl",
		 c->sc->name, s->first_run, c->seed, m.nkept, c->sc->nsteps, s->text);
	snprintf(file, sizeof(file), "%s/repro.yaml", s->dir);
	if (pcisim_write_reproducer(c->sc, m.keep, m.at, m.order, ie, nie, comment, file))
		pcisim_diag_error(d, (struct pcisim_loc){file, 0, 0}, "cannot write the reproducer");
	char rtrace[700];
	snprintf(rtrace, sizeof(rtrace), "%s/repro.jsonl", s->dir);
	free(ie);
	s->repro_fails = repro_fails(file, rtrace, d);
	/* The kept steps, for the summary. */
	char *txt = NULL;
	size_t tl = 0;
	FILE *mf = open_memstream(&txt, &tl);
	bool first = true;
	for (size_t k = 0; k < c->sc->nsteps; k++) {
		size_t i = m.order[k];
		if (!m.keep[i])
			continue;
		char t[40];
		const struct pcisim_step *st = &c->sc->steps[i];
		const struct pcisim_pval *sid = pcisim_step_param(st, "id");
		fprintf(mf, "%s{at: %s, do: %s%s%s}", first ? "" : ", ", pcisim_time_format(m.at[i], t, sizeof(t)),
			st->def->name, sid && sid->set ? ", id: " : "", sid && sid->set ? sid->s : "");
		if (st->fault)
			fprintf(mf, " (fault %s@%u)", st->def->name, st->loc.line);
		first = false;
	}
	fclose(mf);
	s->repro_steps = txt;
	pcisim_minimised_free(&m);
	pcisim_run_result_free(&res);
	(void)path;
}

/* ---- summary ---- */

static json_t *summary_json(const struct campaign *c, double elapsed, const char *path)
{
	json_t *j = json_object();
	json_object_set_new(j, "scenario", json_string(c->sc->name));
	json_object_set_new(j, "file", json_string(path));
	json_object_set_new(j, "campaign_seed", json_integer((json_int_t)c->seed));
	json_object_set_new(j, "campaign_runs", json_integer((json_int_t)c->runs));
	char shard[64];
	snprintf(shard, sizeof(shard), "%" PRIu64 "/%" PRIu64, c->o->shard_n ? c->o->shard_i : 0,
		 c->o->shard_n ? c->o->shard_n : 1);
	json_object_set_new(j, "shard", json_string(shard));
	if (c->ranks > 1)
		json_object_set_new(j, "mpi_ranks", json_integer(c->ranks));
	if (c->o->strategy != PCISIM_STRATEGY_RANDOM)
		json_object_set_new(j, "strategy",
				    json_string(c->o->strategy == PCISIM_STRATEGY_SWARM ? "swarm" : "guided"));
	if (c->guided) {
		json_object_set_new(j, "corpus", json_integer((json_int_t)pcisim_guided_corpus(c->guided)));
		json_object_set_new(j, "features", json_integer((json_int_t)pcisim_guided_features(c->guided)));
	}
	json_object_set_new(j, "runs", json_integer((json_int_t)c->done));
	json_object_set_new(j, "failing_runs", json_integer((json_int_t)c->failed));
	json_object_set_new(j, "seconds", json_real(elapsed));
	json_object_set_new(j, "runs_per_second", json_real(elapsed > 0 ? (double)c->done / elapsed : 0));
	json_t *a = json_array();
	for (size_t i = 0; i < c->nsigs; i++) {
		const struct sig *s = &c->sigs[i];
		json_t *x = json_object();
		json_object_set_new(x, "signature", json_string(s->text));
		json_object_set_new(x, "runs", json_integer((json_int_t)s->count));
		json_object_set_new(x, "first_run", json_integer((json_int_t)s->first_run));
		json_object_set_new(x, "found_after_seconds", json_real(s->found_after < 1e299 ? s->found_after : -1));
		if (s->dir[0]) {
			json_object_set_new(x, "dir", json_string(s->dir));
			json_object_set_new(x, "steps", json_integer((json_int_t)s->steps_before));
			json_object_set_new(x, "steps_minimised", json_integer((json_int_t)s->steps_after));
			json_object_set_new(x, "reproducer_fails", json_boolean(s->repro_fails));
			if (s->repro_steps)
				json_object_set_new(x, "reproducer_steps", json_string(s->repro_steps));
		}
		json_array_append_new(a, x);
	}
	json_object_set_new(j, "signatures", a);
	return j;
}

static int cmp_sig(const void *a, const void *b)
{
	const struct sig *x = a, *y = b;
	return x->first_run < y->first_run ? -1 : x->first_run > y->first_run;
}

static void print_summary(const struct campaign *c, double elapsed, FILE *out)
{
	fprintf(out, "fuzz %s: %" PRIu64 " runs in %.2f s (%.0f runs/s), campaign seed %" PRIu64, c->sc->name,
		c->done, elapsed, elapsed > 0 ? (double)c->done / elapsed : 0.0, c->seed);
	if (c->o->shard_n > 1)
		fprintf(out, ", shard %" PRIu64 "/%" PRIu64, c->o->shard_i, c->o->shard_n);
	if (c->ranks > 1)
		fprintf(out, ", %d MPI ranks", c->ranks);
	if (c->o->strategy == PCISIM_STRATEGY_SWARM)
		fprintf(out, ", strategy swarm");
	else if (c->o->strategy == PCISIM_STRATEGY_GUIDED)
		fprintf(out, ", strategy guided (corpus %zu schedules, %zu features)",
			pcisim_guided_corpus(c->guided), pcisim_guided_features(c->guided));
	fprintf(out, "\n");
	if (!c->nsigs) {
		fprintf(out, "no failures: every run met its expectations and the invariants\n");
		return;
	}
	fprintf(out, "failures: %" PRIu64 " runs, %zu distinct signature%s\n", c->failed, c->nsigs,
		c->nsigs == 1 ? "" : "s");
	for (size_t i = 0; i < c->nsigs; i++) {
		const struct sig *s = &c->sigs[i];
		fprintf(out, "  [%zu] %" PRIu64 " run%s, first: run %" PRIu64, i + 1, s->count,
			s->count == 1 ? "" : "s", s->first_run);
		if (s->found_after < 1e299)
			fprintf(out, " (after %.3f ms)", s->found_after * 1e3);
		fprintf(out, "\n      %s\n", s->text);
		if (s->dir[0] && !s->crash_signal)
			fprintf(out, "      minimised: %zu steps -> %zu%s%s; reproducer %s/repro.yaml (%s), trace %s/trace.jsonl\n",
				s->steps_before, s->steps_after, s->repro_steps && s->repro_steps[0] ? ": " : "",
				s->repro_steps ? s->repro_steps : "", s->dir,
				s->repro_fails ? "fails under simulate"
					       : s->reproduced ? "does not fail under simulate: replay the trace"
							       : "needs the trace: the failure depends on an order or a latency",
				s->dir);
		else if (s->crash_signal)
			fprintf(out, "      reproduce: pcisim fuzz FILE --seed %" PRIu64 " --runs %" PRIu64 " --shard %" PRIu64 "/%" PRIu64 " --jobs 1\n",
				c->seed, s->first_run + 1, s->first_run, s->first_run + 1);
	}
}

#ifdef PCISIM_HAVE_MPI
/*
 * Rank 0 gathers every rank's totals and signature table (count, first run, time
 * found, text); true on the other ranks, which then stop.
 */
static bool mpi_gather(struct campaign *c)
{
	int rank;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	unsigned long long mine[2] = {c->done, c->failed}, sum[2] = {0, 0};
	MPI_Reduce(mine, sum, 2, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	for (size_t i = 0; i < c->nsigs; i++) {
		const struct sig *s = &c->sigs[i];
		uint32_t n = (uint32_t)strlen(s->text);
		fwrite(&s->count, 8, 1, m);
		fwrite(&s->first_run, 8, 1, m);
		fwrite(&s->found_after, sizeof(double), 1, m);
		fwrite(&n, 4, 1, m);
		fwrite(s->text, 1, n, m);
	}
	fclose(m);
	int mylen = (int)len, *lens = NULL, *offs = NULL, total = 0;
	if (!rank) {
		lens = calloc((size_t)c->ranks, sizeof(*lens));
		offs = calloc((size_t)c->ranks, sizeof(*offs));
		if (!lens || !offs)
			oom();
	}
	MPI_Gather(&mylen, 1, MPI_INT, lens, 1, MPI_INT, 0, MPI_COMM_WORLD);
	char *all = NULL;
	if (!rank) {
		for (int r = 0; r < c->ranks; r++) {
			offs[r] = total;
			total += lens[r];
		}
		all = malloc((size_t)total + 1);
		if (!all)
			oom();
	}
	MPI_Gatherv(buf, mylen, MPI_CHAR, all, lens, offs, MPI_CHAR, 0, MPI_COMM_WORLD);
	free(buf);
	if (rank) {
		free(all);
		return true;
	}
	/* Rank 0's own table is in the buffer too: start from nothing. */
	for (size_t i = 0; i < c->nsigs; i++)
		free(c->sigs[i].text);
	c->nsigs = 0;
	c->done = sum[0];
	c->failed = sum[1];
	for (size_t p = 0; p + 28 <= (size_t)total;) {
		uint64_t count, first;
		double after;
		uint32_t n;
		memcpy(&count, all + p, 8);
		memcpy(&first, all + p + 8, 8);
		memcpy(&after, all + p + 16, 8);
		memcpy(&n, all + p + 24, 4);
		char *text = strndup(all + p + 28, n);
		if (!text)
			oom();
		struct sig *s = sig_add(c, text, first, after);
		s->count += count;
		free(text);
		p += 28 + n;
	}
	free(all);
	free(lens);
	free(offs);
	return false;
}
#endif

int pcisim_fuzz(const char *path, const struct pcisim_fuzz_opts *o, struct pcisim_diag *d)
{
	struct pcisim_scenario sc;
	if (pcisim_scenario_load(&sc, path, d)) {
		pcisim_scenario_free(&sc);
		return 2;
	}
	struct campaign c = {.o = o, .sc = &sc, .ranks = 1};
	int rc = 2;
#ifdef PCISIM_HAVE_MPI
	int rank = 0;
	if (o->mpi) {
		int inited = 0;
		MPI_Initialized(&inited);
		if (!inited)
			MPI_Init(NULL, NULL);
		MPI_Comm_rank(MPI_COMM_WORLD, &rank);
		MPI_Comm_size(MPI_COMM_WORLD, &c.ranks);
	}
#endif
	for (size_t i = 0; i < o->nsets; i++)
		if (pcisim_scenario_set(&sc, o->sets[i], d))
			goto out;
	if (pcisim_fuzz_config(&sc, &c.cfg, d))
		goto out;
	c.invs = c.cfg.invs;
	c.swarm_on = calloc(sc.nsteps + 1, sizeof(*c.swarm_on));
	if (!c.swarm_on)
		oom();
	c.seed = o->has_seed ? o->seed : c.cfg.seed;
	c.runs = o->has_runs ? o->runs : o->seconds > 0 ? 0 : c.cfg.runs;
	c.shard_n = o->shard_n ? o->shard_n : 1;
	c.shard_i = o->shard_i;
	c.progress = o->progress;
#ifdef PCISIM_HAVE_MPI
	/* Rank k of R: every R-th run of this process's share. */
	c.shard_i += c.shard_n * (uint64_t)rank;
	c.shard_n *= (uint64_t)c.ranks;
	if (rank)
		c.progress = false;
#endif
	/* One run first: input errors (bad references) are reported once, here. */
	{
		struct pcisim_run_spec spec;
		run_spec(&c, &spec, 0);
		struct pcisim_run_result res;
		int r0 = pcisim_run_scenario(&spec, &res, d);
		pcisim_run_result_free(&res);
		if (r0)
			goto out;
		/* Build the machine once: every run restores it (docs/snapshots.md). */
		if (o->strategy == PCISIM_STRATEGY_GUIDED) {
			c.guided = pcisim_guided_new(&sc);
			spec.on_item = pcisim_guided_item;
			spec.item_ctx = c.guided;
		}
		spec.step_on = NULL;
		c.base = pcisim_run_base_new(&spec, d);
	}
#ifdef PCISIM_HAVE_MPI
	if (o->mpi)
		MPI_Barrier(MPI_COMM_WORLD);
#endif
	c.t0 = now_s();
	c.deadline = o->seconds > 0 ? c.t0 + o->seconds : 0;
	unsigned jobs = o->jobs ? o->jobs : 1;
	if (o->strategy == PCISIM_STRATEGY_GUIDED) {
		run_guided(&c, d);
	} else if (o->mpi) {
		run_inline(&c, d);
#ifdef PCISIM_HAVE_MPI
		if (mpi_gather(&c)) {
			rc = 0; /* not rank 0: rank 0 reports */
			goto out;
		}
#endif
	} else if (jobs > 1) {
		run_workers(&c, jobs, d);
	} else {
		run_inline(&c, d);
	}
	double elapsed = now_s() - c.t0;
	progress(&c, true);
	if (c.nsigs)
		qsort(c.sigs, c.nsigs, sizeof(*c.sigs), cmp_sig);
	if (o->out_dir) {
		if (mkdir_p(o->out_dir)) {
			pcisim_diag_error(d, (struct pcisim_loc){o->out_dir, 0, 0},
					  "cannot create the output directory: %s", strerror(errno));
			goto out;
		}
		for (size_t i = 0; i < c.nsigs; i++)
			save_sig(&c, &c.sigs[i], path, d);
	}
	json_t *j = summary_json(&c, elapsed, path);
	if (o->out_dir) {
		char f[700];
		snprintf(f, sizeof(f), "%s/summary.json", o->out_dir);
		json_dump_file(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	}
	FILE *out = o->out ? o->out : stdout;
	if (o->json) {
		char *txt = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(out, "%s\n", txt);
		free(txt);
	} else {
		print_summary(&c, elapsed, out);
	}
	json_decref(j);
	rc = c.nsigs ? 1 : 0;
out:
	for (size_t i = 0; i < c.nsigs; i++) {
		free(c.sigs[i].text);
		free(c.sigs[i].repro_steps);
	}
	for (size_t i = 0; i < c.nsigs; i++)
		pcisim_schedule_free(&c.sigs[i].sched);
	free(c.sigs);
	pcisim_run_base_free(c.base);
	pcisim_guided_free(c.guided);
	free(c.swarm_on);
	pcisim_fuzz_config_free(&c.cfg);
	pcisim_scenario_free(&sc);
#ifdef PCISIM_HAVE_MPI
	if (o->mpi)
		MPI_Finalize();
#endif
	return rc;
}

/* ---- merging shards ---- */

static int copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb");
	if (!a)
		return -1;
	FILE *b = fopen(to, "wb");
	if (!b) {
		fclose(a);
		return -1;
	}
	char buf[65536];
	size_t n;
	int rc = 0;
	while ((n = fread(buf, 1, sizeof(buf), a)) > 0)
		if (fwrite(buf, 1, n, b) != n)
			rc = -1;
	fclose(a);
	if (fclose(b))
		rc = -1;
	return rc;
}

int pcisim_fuzz_merge(const char *const *dirs, size_t ndirs, const char *out_dir, bool json,
		      FILE *out, struct pcisim_diag *d)
{
	json_t *merged = NULL, *sigs = json_array();
	uint64_t runs = 0, failing = 0;
	double seconds = 0;
	int rc = 2;
	for (size_t i = 0; i < ndirs; i++) {
		char f[1024];
		snprintf(f, sizeof(f), "%s/summary.json", dirs[i]);
		json_error_t je;
		json_t *j = json_load_file(f, 0, &je);
		if (!j) {
			pcisim_diag_error(d, (struct pcisim_loc){f, (unsigned)(je.line > 0 ? je.line : 0),
								 (unsigned)(je.column > 0 ? je.column : 0)},
					  "cannot read a fuzz summary: %s", je.text);
			goto out;
		}
		json_t *a = json_object_get(j, "signatures");
		if (!json_is_object(j) || !json_is_array(a) || !json_is_integer(json_object_get(j, "runs"))) {
			pcisim_diag_error(d, (struct pcisim_loc){f, 0, 0},
					  "not a pcisim fuzz summary: expected 'runs' and 'signatures'");
			json_decref(j);
			goto out;
		}
		if (merged) {
			const char *k[] = {"scenario", "campaign_seed", "campaign_runs"};
			for (int x = 0; x < 3; x++)
				if (!json_equal(json_object_get(merged, k[x]), json_object_get(j, k[x]))) {
					pcisim_diag_error(d, (struct pcisim_loc){f, 0, 0},
							  "'%s' differs from the first summary's: these are not shards of one campaign",
							  k[x]);
					json_decref(j);
					goto out;
				}
		} else {
			merged = json_deep_copy(j);
		}
		runs += (uint64_t)json_integer_value(json_object_get(j, "runs"));
		failing += (uint64_t)json_integer_value(json_object_get(j, "failing_runs"));
		double s = json_real_value(json_object_get(j, "seconds"));
		if (s > seconds)
			seconds = s;
		size_t ix;
		json_t *x;
		json_array_foreach(a, ix, x)
		{
			const char *text = json_string_value(json_object_get(x, "signature"));
			if (!text)
				continue;
			json_t *have = NULL, *y;
			size_t iy, at = 0;
			json_array_foreach(sigs, iy, y)
			if (!strcmp(json_string_value(json_object_get(y, "signature")), text))
				have = y, at = iy;
			if (!have) {
				json_array_append_new(sigs, json_deep_copy(x));
				continue;
			}
			json_int_t n = json_integer_value(json_object_get(have, "runs")) +
				       json_integer_value(json_object_get(x, "runs"));
			if (json_integer_value(json_object_get(x, "first_run")) <
			    json_integer_value(json_object_get(have, "first_run"))) {
				/* the earlier run's artifacts win */
				have = json_deep_copy(x);
				json_array_set_new(sigs, at, have);
			}
			json_object_set_new(have, "runs", json_integer(n));
		}
		json_decref(j);
	}
	if (!merged) {
		pcisim_diag_error(d, (struct pcisim_loc){0}, "fuzz-merge needs at least one directory");
		goto out;
	}
	/* Copy the artifacts of each signature into out_dir. */
	if (out_dir && mkdir_p(out_dir)) {
		pcisim_diag_error(d, (struct pcisim_loc){out_dir, 0, 0}, "cannot create the directory: %s",
				  strerror(errno));
		goto out;
	}
	size_t ix;
	json_t *x;
	json_array_foreach(sigs, ix, x)
	{
		const char *dir = json_string_value(json_object_get(x, "dir"));
		if (!out_dir || !dir)
			continue;
		const char *base = strrchr(dir, '/');
		base = base ? base + 1 : dir;
		char nd[1024];
		snprintf(nd, sizeof(nd), "%s/%s", out_dir, base);
		mkdir_p(nd);
		static const char *const files[] = {"trace.jsonl", "repro.yaml", "repro.jsonl"};
		for (int k = 0; k < 3; k++) {
			char a[1100], b[1100];
			snprintf(a, sizeof(a), "%s/%s", dir, files[k]);
			snprintf(b, sizeof(b), "%s/%s", nd, files[k]);
			copy_file(a, b);
		}
		json_object_set_new(x, "dir", json_string(nd));
	}
	/* Sort by first run, as one campaign would list them. */
	size_t n = json_array_size(sigs);
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0; k--) {
			json_t *p = json_array_get(sigs, k - 1), *q = json_array_get(sigs, k);
			if (json_integer_value(json_object_get(p, "first_run")) <=
			    json_integer_value(json_object_get(q, "first_run")))
				break;
			json_incref(p);
			json_array_set(sigs, k, p);
			json_array_set(sigs, k - 1, q);
			json_decref(p);
		}
	json_object_set_new(merged, "shard", json_string("merged"));
	json_object_set_new(merged, "shards", json_integer((json_int_t)ndirs));
	json_object_set_new(merged, "runs", json_integer((json_int_t)runs));
	json_object_set_new(merged, "failing_runs", json_integer((json_int_t)failing));
	json_object_set_new(merged, "seconds", json_real(seconds));
	json_object_set(merged, "signatures", sigs);
	if (out_dir) {
		char f[1024];
		snprintf(f, sizeof(f), "%s/summary.json", out_dir);
		json_dump_file(merged, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	}
	if (json) {
		char *txt = json_dumps(merged, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(out, "%s\n", txt);
		free(txt);
	} else {
		fprintf(out, "fuzz %s: %zu shards merged: %" PRIu64 " runs, %" PRIu64 " failing, %zu distinct signature%s\n",
			json_string_value(json_object_get(merged, "scenario")), ndirs, runs, failing, n,
			n == 1 ? "" : "s");
		json_array_foreach(sigs, ix, x)
		fprintf(out, "  [%zu] %" JSON_INTEGER_FORMAT " runs, first: run %" JSON_INTEGER_FORMAT "\n      %s\n",
			ix + 1, json_integer_value(json_object_get(x, "runs")),
			json_integer_value(json_object_get(x, "first_run")),
			json_string_value(json_object_get(x, "signature")));
	}
	rc = n ? 1 : 0;
out:
	json_decref(merged);
	json_decref(sigs);
	return rc;
}
