/*
 * pcisim serve: a scenario's machine behind QEMU's monitors. A QMP server (--qmp) and
 * an HMP line monitor (--monitor) on TCP or Unix sockets, served from one poll() loop;
 * the commands and the simulation are tools/qmp.c's. Several clients may be connected
 * at once; their commands run one at a time, in the order they arrive.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sim/core/ynode.h"
#include "tools/cli.h"
#include "tools/limits.h"
#include "tools/qmp.h"

enum {
	OPT_QMP = 1,
	OPT_MONITOR,
	OPT_CLOCK,
	OPT_SETTLE,
	OPT_EVENT_HOLD,
	OPT_HMP_IDLE_CLOSE,
	OPT_ONCE,
	OPT_TRACE_OUT,
	OPT_LOG,
};

static const struct pcisim_option options[] = {
	{OPT_QMP, "--qmp", NULL, PCISIM_OPTARG_TEXT, "ADDR",
	 "the QMP server: tcp:HOST:PORT (PORT 0 picks a free one; the line 'pcisim serve: qmp "
	 "listening on ...' on stderr names it) or unix:PATH (replaced if it exists)",
	 0, "an address: tcp:HOST:PORT or unix:PATH"},
	{OPT_MONITOR, "--monitor", NULL, PCISIM_OPTARG_TEXT, "ADDR",
	 "the HMP monitor ('(qemu) ' lines), at an address as for --qmp", 0,
	 "an address: tcp:HOST:PORT or unix:PATH"},
	PCISIM_OPTION_SEED,
	{OPT_CLOCK, "--clock", NULL, PCISIM_OPTARG_TEXT, "auto|manual",
	 "auto (default): after each command the simulation runs until nothing is left to do or "
	 "--settle has passed; manual: time moves only on x-pcisim-advance and "
	 "x-pcisim-run-until-event",
	 0, "'auto' or 'manual'"},
	{OPT_SETTLE, "--settle", NULL, PCISIM_OPTARG_TIME, "TIME",
	 "auto mode's bound on one settling run (default 60s)", 0, NULL},
	{OPT_EVENT_HOLD, "--event-hold", NULL, PCISIM_OPTARG_INT, "MS",
	 "hold events that follow a reply, and a reply that follows events, this many wall-clock "
	 "milliseconds, so each is read alone (default 100; at most 60000)",
	 0, NULL},
	{OPT_HMP_IDLE_CLOSE, "--hmp-idle-close", NULL, PCISIM_OPTARG_INT, "MS",
	 "close an HMP connection idle this many wall-clock ms (default 0: never), so 'echo CMD | "
	 "nc HOST PORT' ends: Debian's nc waits for the server unless given -N or -q",
	 0, NULL},
	{OPT_ONCE, "--once", NULL, PCISIM_OPTARG_NONE, NULL,
	 "stop when the last client has gone (after one came)", 0, NULL},
	{OPT_TRACE_OUT, "--trace-out", NULL, PCISIM_OPTARG_FILE, "FILE",
	 "write every trace record as JSON Lines to FILE", 0, NULL},
	{OPT_LOG, "--log", NULL, PCISIM_OPTARG_FILE, "FILE",
	 "write the session as a transcript: each command received and each line sent, after the "
	 "simulated time in seconds ('pcisim import-qmp --absolute' makes it a scenario)",
	 0, NULL},
	PCISIM_OPTIONS_LIMITS,
	{0},
};

enum { MAX_CLIENTS = 32, MAX_INPUT = 1 << 20 };

struct client {
	int fd;
	bool hmp;
	struct pcisim_qmp_client qc;
	char *in;
	size_t nin;
	char *held; /* events waiting for their hold to pass */
	size_t nheld;
	long long held_until; /* ms, monotonic */
	bool sent_held;       /* held output went out since the client's last command */
	long long last_input; /* ms, monotonic */
};

struct serve_opts {
	const char *file, *qmp, *monitor, *trace_out, *log;
	uint64_t seed;
	bool has_seed, manual, once;
	pcisim_time settle;
	uint64_t hold_ms, hmp_idle_ms;
	struct pcisim_limits limits;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_args(int argc, char **argv, struct serve_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->settle = 60 * PCISIM_S;
	o->hold_ms = 100;
	struct pcisim_cli p;
	pcisim_cli_init(&p, &pcisim_cmd_serve, argc, argv);
	int id, rc = 0;
	while (!rc && (id = pcisim_cli_next(&p)) > 0) {
		switch (id) {
		case OPT_QMP:
			o->qmp = p.val;
			break;
		case OPT_MONITOR:
			o->monitor = p.val;
			break;
		case OPT_LOG:
			o->log = p.val;
			break;
		case OPT_TRACE_OUT:
			o->trace_out = p.val;
			break;
		case OPT_SETTLE:
			o->settle = p.t;
			break;
		case OPT_EVENT_HOLD:
			if (p.u > 60000)
				rc = pcisim_usage_error("serve", "option '--event-hold': %llu ms is too long; at most 60000",
							(unsigned long long)p.u);
			o->hold_ms = p.u;
			break;
		case OPT_HMP_IDLE_CLOSE:
			if (p.u > 3600000)
				rc = pcisim_usage_error("serve", "option '--hmp-idle-close': %llu ms is too long; at most 3600000",
							(unsigned long long)p.u);
			o->hmp_idle_ms = p.u;
			break;
		case OPT_CLOCK:
			if (strcmp(p.val, "auto") && strcmp(p.val, "manual"))
				rc = pcisim_usage_error("serve", "option '--clock' needs 'auto' or 'manual', not '%s'", p.val);
			o->manual = !strcmp(p.val, "manual");
			break;
		case OPT_ONCE:
			o->once = true;
			break;
		}
	}
	if (!rc && id < 0)
		rc = PCISIM_EXIT_USAGE;
	if (!rc) {
		o->file = p.operands[0];
		o->seed = p.seed, o->has_seed = p.has_seed;
		o->limits = p.limits;
	}
	pcisim_cli_free(&p);
	if (rc)
		return -1;
	if (!o->qmp && !o->monitor)
		return pcisim_usage_error("serve", "nothing to serve: give --qmp ADDR and/or --monitor ADDR (tcp:HOST:PORT or unix:PATH)"), -1;
	return 0;
}

/* A listening socket on @addr; -1 after saying why. Prints where it listens. */
static int listen_on(const char *what, const char *opt, const char *addr)
{
	int fd = -1;
	char shown[600];
	if (!strncmp(addr, "unix:", 5)) {
		const char *path = addr + 5;
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		if (!path[0] || strlen(path) >= sizeof(sa.sun_path))
			return pcisim_usage_error("serve", "option '%s': bad Unix socket path in '%s'; expected unix:PATH (at most %zu bytes)",
						  opt, addr, sizeof(sa.sun_path) - 1), -1;
		strcpy(sa.sun_path, path);
		unlink(path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
			pcisim_usage_error("serve", "option '%s': cannot listen on '%s': %s", opt, addr, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		snprintf(shown, sizeof(shown), "unix:%s", path);
	} else if (!strncmp(addr, "tcp:", 4)) {
		char host[256];
		const char *colon = strrchr(addr + 4, ':');
		if (!colon || (size_t)(colon - (addr + 4)) >= sizeof(host) || !colon[1])
			return pcisim_usage_error("serve", "option '%s': bad address '%s'; expected tcp:HOST:PORT (e.g. tcp:127.0.0.1:4444) or unix:PATH",
						  opt, addr), -1;
		memcpy(host, addr + 4, (size_t)(colon - (addr + 4)));
		host[colon - (addr + 4)] = 0;
		uint64_t port;
		if (pcisim_parse_u64(colon + 1, &port) || port > 65535)
			return pcisim_usage_error("serve", "option '%s': bad port '%s' in '%s'; expected 0..65535", opt, colon + 1, addr), -1;
		struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
		struct addrinfo *res = NULL;
		int gai = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &res);
		if (gai)
			return pcisim_usage_error("serve", "option '%s': cannot resolve '%s': %s", opt, host, gai_strerror(gai)), -1;
		int last = 0;
		for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
			fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
			if (fd < 0)
				continue;
			int one = 1;
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 8)) {
				last = errno;
				close(fd);
				fd = -1;
			}
		}
		freeaddrinfo(res);
		if (fd < 0)
			return pcisim_usage_error("serve", "option '%s': cannot listen on '%s': %s", opt, addr, strerror(last)), -1;
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		char hs[128] = "?", ps[16] = "?";
		if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
			getnameinfo((struct sockaddr *)&ss, sl, hs, sizeof(hs), ps, sizeof(ps), NI_NUMERICHOST | NI_NUMERICSERV);
		snprintf(shown, sizeof(shown), "tcp:%s:%s", hs, ps);
	} else {
		return pcisim_usage_error("serve", "option '%s': unknown address '%s'; expected tcp:HOST:PORT or unix:PATH", opt, addr), -1;
	}
	fprintf(stderr, "pcisim serve: %s listening on %s\n", what, shown);
	fflush(stderr);
	return fd;
}

/* The session transcript (--log): NULL when not asked for. */
static FILE *session_log;

/* One transcript line per line of @s, after the simulated time @t in seconds. */
static void log_lines(pcisim_time t, const char *dir, const char *s, size_t n)
{
	if (!session_log)
		return;
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) : n;
		size_t shown = len && s[len - 1] == '\r' ? len - 1 : len;
		if (shown)
			fprintf(session_log, "%llu.%012llu: %s %.*s\n", (unsigned long long)(t / PCISIM_S),
				(unsigned long long)(t % PCISIM_S), dir, (int)shown, s);
		s += nl ? len + 1 : len;
		n -= nl ? len + 1 : len;
	}
	fflush(session_log);
}

static void send_all(struct client *c, const char *s, size_t n)
{
	while (c->fd >= 0 && n) {
		ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(c->fd);
			c->fd = -1;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

static void flush_held(struct client *c)
{
	if (c->nheld) {
		send_all(c, c->held, c->nheld);
		c->sent_held = true;
	}
	free(c->held);
	c->held = NULL;
	c->nheld = 0;
}

/* Hand the events of the last command to every negotiated QMP client, held a while. */
static void distribute(struct client *cl, size_t n, struct pcisim_qmp *q, uint64_t hold_ms)
{
	char *ev = pcisim_qmp_take_events(q);
	if (!ev)
		return;
	size_t len = strlen(ev);
	log_lines(pcisim_qmp_clock(q), "<-", ev, len);
	for (size_t i = 0; i < n; i++) {
		struct client *c = &cl[i];
		if (c->fd < 0 || c->hmp || !c->qc.negotiated)
			continue;
		c->held = realloc(c->held, c->nheld + len + 1);
		if (!c->held)
			abort();
		if (!c->nheld)
			c->held_until = now_ms() + (long long)hold_ms;
		memcpy(c->held + c->nheld, ev, len + 1);
		c->nheld += len;
	}
	free(ev);
}

/* The end of the next complete JSON value in @s (skipping blanks), or 0 if none yet. */
static size_t json_end(const char *s, size_t n, size_t *start)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	*start = i;
	if (i == n)
		return 0;
	if (s[i] != '{' && s[i] != '[') {
		/* a bare token: up to the end of the line */
		for (size_t j = i; j < n; j++)
			if (s[j] == '\n')
				return j + 1;
		return 0;
	}
	int depth = 0;
	bool str = false, esc = false;
	for (size_t j = i; j < n; j++) {
		char c = s[j];
		if (str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				str = false;
		} else if (c == '"') {
			str = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth == 0)
				return j + 1;
		}
	}
	return 0;
}

/* Work through what @c sent; returns true when a command asked to quit. */
static bool serve_input(struct client *cl, size_t ncl, struct client *c, struct pcisim_qmp *q,
			const struct serve_opts *o, bool eof)
{
	bool quit = false;
	size_t used = 0;
	while (!quit && c->fd >= 0) {
		char *out = NULL;
		if (c->hmp) {
			char *nl = memchr(c->in + used, '\n', c->nin - used);
			size_t end = nl ? (size_t)(nl - c->in) + 1 : (eof && used < c->nin ? c->nin : 0);
			if (!end)
				break;
			char *line = strndup(c->in + used, end - used);
			if (!line)
				abort();
			used = end;
			if (session_log) {
				/* as a monitor session reads: the prompt and the command */
				char *l = malloc(strlen(line) + 8);
				if (!l)
					abort();
				sprintf(l, "(qemu) %s", line);
				log_lines(pcisim_qmp_clock(q), "", l, strlen(l));
				free(l);
			}
			out = pcisim_hmp_line(q, line, &quit);
			free(line);
		} else {
			size_t start, end = json_end(c->in + used, c->nin - used, &start);
			if (!end && eof && start < c->nin - used)
				end = c->nin - used;
			if (!end) {
				used += start;
				break;
			}
			/* the reply is logged at the time the command ran */
			pcisim_time at = pcisim_qmp_clock(q);
			log_lines(at, "->", c->in + used + start, end - start);
			out = pcisim_qmp_request(q, &c->qc, c->in + used + start, end - start, &quit);
			used += end;
			log_lines(at, "<-", out, strlen(out));
		}
		/*
		 * Events the client may not have read yet (sent since its last command, or due
		 * now): the reply waits the hold too, so that a client reading one reply per
		 * recv() (the guide's script) gets the events alone and then the reply, not
		 * both in one read.
		 */
		bool unread = c->nheld || c->sent_held;
		flush_held(c);
		c->sent_held = false;
		if (unread && !c->hmp && o->hold_ms) {
			size_t len = strlen(out);
			c->held = malloc(len + 1);
			if (!c->held)
				abort();
			memcpy(c->held, out, len + 1);
			c->nheld = len;
			c->held_until = now_ms() + (long long)o->hold_ms;
		} else {
			send_all(c, out, strlen(out));
		}
		free(out);
		distribute(cl, ncl, q, o->hold_ms);
	}
	memmove(c->in, c->in + used, c->nin - used);
	c->nin -= used;
	return quit;
}

static int serve_main(int argc, char **argv)
{
	struct serve_opts o;
	if (parse_args(argc, argv, &o))
		return PCISIM_EXIT_USAGE;
	struct pcisim_qmp_opts qo = {.file = o.file, .seed = o.seed, .has_seed = o.has_seed,
				     .manual = o.manual, .settle = o.settle, .trace_out = o.trace_out,
				     .cmd = "serve", .limits = &o.limits};
	struct pcisim_qmp *q = pcisim_qmp_open(&qo, stderr);
	if (!q)
		return PCISIM_EXIT_USAGE;
	if (o.log && !(session_log = fopen(o.log, "w"))) {
		pcisim_usage_error("serve", "option '--log': cannot write '%s': %s", o.log, strerror(errno));
		pcisim_qmp_close(q, NULL);
		return PCISIM_EXIT_USAGE;
	}
	int lq = -1, lm = -1;
	if ((o.qmp && (lq = listen_on("qmp", "--qmp", o.qmp)) < 0) ||
	    (o.monitor && (lm = listen_on("monitor", "--monitor", o.monitor)) < 0)) {
		if (lq >= 0)
			close(lq);
		if (session_log)
			fclose(session_log);
		pcisim_qmp_close(q, NULL);
		return PCISIM_EXIT_USAGE;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct client cl[MAX_CLIENTS];
	size_t ncl = 0;
	bool quit = false, seen = false;
	while (!quit && !stop_signal) {
		struct pollfd p[2 + MAX_CLIENTS];
		size_t np = 0;
		p[np++] = (struct pollfd){.fd = lq, .events = POLLIN};
		p[np++] = (struct pollfd){.fd = lm, .events = POLLIN};
		long long wake = -1, t = now_ms();
		for (size_t i = 0; i < ncl; i++) {
			p[np++] = (struct pollfd){.fd = cl[i].fd, .events = POLLIN};
			if (cl[i].nheld && (wake < 0 || cl[i].held_until < wake))
				wake = cl[i].held_until;
			long long idle = cl[i].last_input + (long long)o.hmp_idle_ms;
			if (cl[i].hmp && o.hmp_idle_ms && (wake < 0 || idle < wake))
				wake = idle;
		}
		int timeout = wake < 0 ? -1 : wake <= t ? 0 : (int)(wake - t);
		int r = poll(p, np, timeout);
		if (r < 0 && errno == EINTR)
			continue;
		t = now_ms();
		for (size_t i = 0; i < ncl; i++) {
			if (cl[i].nheld && cl[i].held_until <= t)
				flush_held(&cl[i]);
			if (cl[i].hmp && o.hmp_idle_ms && cl[i].fd >= 0 &&
			    cl[i].last_input + (long long)o.hmp_idle_ms <= t &&
			    !(p[2 + i].revents & (POLLIN | POLLHUP | POLLERR))) {
				close(cl[i].fd);
				cl[i].fd = -1;
			}
		}
		size_t nold = ncl; /* the clients p[] polled */
		for (size_t l = 0; l < 2; l++) {
			if (p[l].fd < 0 || !(p[l].revents & POLLIN))
				continue;
			int fd = accept(p[l].fd, NULL, NULL);
			if (fd < 0)
				continue;
			if (ncl == MAX_CLIENTS) {
				close(fd);
				continue;
			}
			struct client *c = &cl[ncl++];
			memset(c, 0, sizeof(*c));
			c->fd = fd;
			c->hmp = l == 1;
			c->last_input = t;
			seen = true;
			char *g = c->hmp ? pcisim_hmp_greeting(q) : pcisim_qmp_greeting(q);
			send_all(c, g, strlen(g));
			free(g);
		}
		for (size_t i = 0; i < nold && !quit; i++) {
			struct client *c = &cl[i];
			if (c->fd < 0 || !(p[2 + i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char buf[4096];
			ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n > 0) {
				c->last_input = t;
				if (c->nin + (size_t)n > MAX_INPUT) {
					close(c->fd);
					c->fd = -1;
					continue;
				}
				c->in = realloc(c->in, c->nin + (size_t)n + 1);
				if (!c->in)
					abort();
				memcpy(c->in + c->nin, buf, (size_t)n);
				c->nin += (size_t)n;
			}
			quit = serve_input(cl, ncl, c, q, &o, n <= 0);
			if (n <= 0 && c->fd >= 0) {
				flush_held(c);
				close(c->fd);
				c->fd = -1;
			}
		}
		/* drop the clients that went */
		size_t k = 0;
		for (size_t i = 0; i < ncl; i++) {
			if (cl[i].fd >= 0) {
				cl[k++] = cl[i];
			} else {
				free(cl[i].in);
				free(cl[i].held);
			}
		}
		ncl = k;
		if (o.once && seen && !ncl)
			break;
	}
	/* QEMU says SHUTDOWN to its QMP clients as it quits */
	char *sd = pcisim_qmp_shutdown_event(q);
	for (size_t i = 0; i < ncl; i++) {
		if (!cl[i].hmp && cl[i].qc.negotiated) {
			flush_held(&cl[i]);
			send_all(&cl[i], sd, strlen(sd));
		}
		if (cl[i].fd >= 0)
			close(cl[i].fd);
		free(cl[i].in);
		free(cl[i].held);
	}
	free(sd);
	if (lq >= 0)
		close(lq);
	if (lm >= 0)
		close(lm);
	if (o.qmp && !strncmp(o.qmp, "unix:", 5))
		unlink(o.qmp + 5);
	if (o.monitor && !strncmp(o.monitor, "unix:", 5))
		unlink(o.monitor + 5);
	if (session_log)
		fclose(session_log);
	session_log = NULL;
	return pcisim_qmp_close(q, stdout);
}

const struct pcisim_command pcisim_cmd_serve = {
	.name = "serve",
	.summary = "serve a scenario's machine over QMP and HMP sockets (QEMU's monitors)",
	.description =
		"Build the scenario FILE's machine, play its timeline, and serve QEMU's monitors: QMP "
		"on --qmp and HMP (the '(qemu) ' line monitor) on --monitor. Commands that act "
		"(device_add, device_del, set_link, migrate, pcie_aer_inject_error) run as timeline "
		"steps at the simulated time they arrive; events carry simulated timestamps. See "
		"docs/qmp.md.",
	.main = serve_main,
	.synopsis = "FILE --qmp ADDR [--monitor ADDR] [OPTIONS]",
	.options = options,
	.operand = "the scenario FILE",
	.operand_one = "scenario file",
	.operand_arg = PCISIM_OPTARG_FILE,
	.exit_status = "0 served and quit, 1 an expectation of the scenario failed, 2 bad input "
		       "(scenario, options, an address in use), 3 a limit stopped the run",
	.notes = "On quit (QMP quit, HMP quit, SIGINT, SIGTERM, or --once) it prints the summary and "
		 "the trace hash as 'pcisim simulate' does for the scenario x-pcisim-save writes.",
};
