/*
 * A guest's side of dynamic capacity, without Linux's CXL drivers (which have no
 * DCD support in pcisim's model): what a guest program does through the device's
 * mailbox and through the memory the fixed windows and HDM decoders map.
 *
 *   guest.cxl_dc_events   read the dynamic capacity event log (Get Event Records, log
 *                         4), answer it in log order, then clear what it read:
 *                         each offer (Add Capacity records up to the one without the
 *                         More flag) with one Add Dynamic Capacity Response, accepting
 *                         all of it, none, or its first N extents (accept:); each
 *                         release request (a Release Capacity record) with Release
 *                         Dynamic Capacity, always, never, or only when no reader of
 *                         this guest is using the range (release: unused, the
 *                         policy of Linux's DCD series: memory in use is not given
 *                         back; always is a guest that gives it back regardless);
 *                         think: a time between the read and the answers (the
 *                         guest deciding, onlining memory): what arrives in the log
 *                         meanwhile stays for its next pass, and the answers go to
 *                         the device as it is by then
 *   guest.cxl_mem_read,   one CPU load or store of 1, 2, 4 or 8 bytes at a host
 *   guest.cxl_mem_write   physical address of a CXL window (pcisim_cxl_mem_access:
 *                         windows, decoders, then the device, where dynamic capacity
 *                         is memory only once accepted); expect: ok | error
 *   guest.cxl_mem_reader_start, _stop
 *                         a program reading a range line by line, one read of the
 *                         whole range every interval; the first failure of each
 *                         kind is recorded, so a run shows from when it failed
 *
 * The mailbox is reached as the guest reaches it: through BAR 2 as assigned and
 * enabled in config space (a scenario's firmware steps), the doorbell protocol of
 * docs/cxl.md; QEMU answers inside the doorbell write. A mailbox that does not decode
 * (BAR unassigned, memory space off, the device gone) fails the action, logged.
 * "In use" compares the range with the DPA range each running reader's first and
 * last line decode to (one device, no interleave).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/heap.h"
#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/cxl/dcd.h"
#include "sim/cxl/hdm.h"
#include "sim/cxl/memdev.h"
#include "sim/cxl/regs.h"
#include "sim/host/cxl_dc_guest.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/mmio.h"

#define LINE 64u
#define DEV_BAR 2 /* QEMU's Register Locator: the device registers in BAR 2 at offset 0 */
#define MAX_READERS 8
#define MAX_RECS 16

/* ---- the mailbox, through BAR 2 ---- */

/*
 * The registers of BAR 2 as decoded in @bar (pcisim_mmio_target_at()): a command's
 * accesses happen at one instant, so the BAR is decoded once before the doorbell and
 * once after it (only the command, inside the doorbell's write, could change what
 * decodes it).
 */
static bool dev_write(const struct pcisim_mmio_target *bar, uint64_t off, uint64_t v, unsigned len)
{
	struct pcisim_mmio_target t = pcisim_mmio_target_at(bar, off);
	return pcisim_mmio_write(&t, v, len);
}

static uint64_t dev_read(const struct pcisim_mmio_target *bar, uint64_t off, unsigned len)
{
	struct pcisim_mmio_target t = pcisim_mmio_target_at(bar, off);
	return pcisim_mmio_read(&t, len);
}

/* One command: the return code, or -1 when the mailbox does not answer. */
static int mbox(struct pcisim_pcifn *fn, uint16_t opcode, const uint8_t *in, unsigned len, uint8_t *out,
		unsigned max, unsigned *out_len)
{
	*out_len = 0;
	struct pcisim_mmio_target bar = pcisim_mmio_bar_target(fn, DEV_BAR, 0);
	if (dev_read(&bar, CXL_MBOX_CTRL, 4) & CXL_MBOX_CTRL_DOORBELL)
		return -1; /* busy, or all ones: nothing decodes the BAR */
	for (unsigned i = 0; i < len; i += 4) {
		uint32_t w = 0;
		for (unsigned b = 0; b < 4 && i + b < len; b++)
			w |= (uint32_t)in[i + b] << (8 * b);
		if (!dev_write(&bar, CXL_MBOX_PAYLOAD + i, w, 4))
			return -1;
	}
	if (!dev_write(&bar, CXL_MBOX_CMD, opcode | (uint64_t)len << 16, 8) ||
	    !dev_write(&bar, CXL_MBOX_CTRL, CXL_MBOX_CTRL_DOORBELL, 4))
		return -1;
	bar = pcisim_mmio_bar_target(fn, DEV_BAR, 0);
	if (dev_read(&bar, CXL_MBOX_CTRL, 4) & CXL_MBOX_CTRL_DOORBELL)
		return -1;
	int rc = (int)(dev_read(&bar, CXL_MBOX_STATUS, 8) >> 32 & 0xffff);
	unsigned n = (unsigned)(dev_read(&bar, CXL_MBOX_CMD, 8) >> 16 & 0x1fffff);
	if (n > max)
		n = max;
	for (unsigned i = 0; i < n; i += 4) {
		uint32_t w = (uint32_t)dev_read(&bar, CXL_MBOX_PAYLOAD + i, 4);
		for (unsigned b = 0; b < 4 && i + b < n; b++)
			out[i + b] = (uint8_t)(w >> (8 * b));
	}
	*out_len = n;
	return rc;
}

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- readers ---- */

struct reader {
	const char *name;
	uint64_t address, size;
	pcisim_time interval;
	bool running;
	pcisim_timer next;
	uint64_t reads, failed;
	int last_error; /* the failure last recorded, 0 none */
};

/* The records a guest read and answers after its think time (guest.cxl_dc_events think:). */
struct dc_answer {
	bool pending;
	struct pcisim_pcifn *fn;
	unsigned take, policy, n;
	uint8_t recs[MAX_RECS][128];
};

struct dc_guest {
	struct reader r[MAX_READERS];
	unsigned n;
	struct dc_answer answer;
};

static const struct pcisim_ext_key dc_guest_key = {"host.cxl_dc_guest"};

static void dc_guest_free(void *p)
{
	pcisim_free(p);
}

static struct dc_guest *guest_of(struct pcisim_sim *sim)
{
	struct dc_guest *g = pcisim_ext_get(sim, &dc_guest_key);
	if (!g) {
		g = pcisim_calloc(1, sizeof(*g));
		if (!g)
			abort();
		pcisim_ext_set(sim, &dc_guest_key, g, dc_guest_free);
	}
	return g;
}

static void reader_record(struct pcisim_sim *sim, const struct reader *r, const char *what, const char *why)
{
	PCISIM_RECORD(sim, NULL, "cxl.mem_reader", PCISIM_FS("name", r->name), PCISIM_FS("what", what),
		      PCISIM_FX("address", r->address), PCISIM_FU("reads", r->reads), PCISIM_FU("failed", r->failed),
		      PCISIM_FS("why", why));
}

static void reader_tick(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct dc_guest *g = guest_of(sim);
	struct reader *r = &g->r[ev->a[0]];
	if (!r->running)
		return;
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	struct pcisim_cxl_route route;
	uint64_t bad;
	int rc = pcisim_cxl_read_lines(fab, r->address, r->size, false, &route, &bad);
	r->reads++;
	if (rc) {
		r->failed++;
		if (rc != r->last_error) {
			r->last_error = rc;
			reader_record(sim, r, "failed", pcisim_cxl_decode_error(rc));
		}
	}
	r->next = pcisim_schedule(sim, r->interval, PCISIM_CLASS_HOST, ev->kind, NULL, ev->a[0], 0);
}
PCISIM_EVKIND(reader_kind, "cxl.mem_reader.read", reader_tick);

static struct reader *find_reader(struct dc_guest *g, const char *name)
{
	for (unsigned i = 0; i < g->n; i++)
		if (!strcmp(g->r[i].name, name))
			return &g->r[i];
	return NULL;
}

/* Does a running reader's memory decode into [dpa, dpa + len) of @fn? */
static bool in_use(struct pcisim_sim *sim, struct pcisim_pcifn *fn, uint64_t dpa, uint64_t len)
{
	struct dc_guest *g = guest_of(sim);
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	for (unsigned i = 0; i < g->n; i++) {
		const struct reader *r = &g->r[i];
		struct pcisim_cxl_route a, b;
		if (!r->running || pcisim_cxl_decode(fab, r->address, &a) ||
		    pcisim_cxl_decode(fab, r->address + r->size - LINE, &b) || a.device != fn || b.device != fn)
			continue;
		if (a.dpa < dpa + len && dpa < b.dpa + LINE)
			return true;
	}
	return false;
}

/* ---- guest.cxl_dc_events ---- */

static const char *const release_choices[] = {"unused", "always", "never", NULL};

static int failed_step(struct pcisim_sim *sim, struct pcisim_pcifn *fn, const char *what)
{
	pcisim_log(sim, &fn->comp, "guest", "%s: the mailbox does not answer", what);
	PCISIM_RECORD(sim, &fn->comp, "cxl.dc_guest", PCISIM_FS("what", what), PCISIM_FI("rc", -1));
	return -1;
}

/* Accept the first @take of @n offered extents (all when @take >= @n). */
static int answer_offer(struct pcisim_sim *sim, struct pcisim_pcifn *fn, const uint8_t (*recs)[128], unsigned n,
			unsigned take)
{
	uint8_t pl[8 + 24 * MAX_RECS], out[64];
	unsigned k = take < n ? take : n, len;
	memset(pl, 0, sizeof(pl));
	put(pl, k, 4);
	for (unsigned i = 0; i < k; i++) {
		put(pl + 8 + 24 * i, get(recs[i] + 0x38, 8), 8);
		put(pl + 8 + 24 * i + 8, get(recs[i] + 0x40, 8), 8);
	}
	int rc = mbox(fn, CXL_OP_ADD_DC_RESPONSE, pl, 8 + 24 * k, out, sizeof(out), &len);
	if (rc < 0)
		return failed_step(sim, fn, "offer");
	PCISIM_RECORD(sim, &fn->comp, "cxl.dc_guest", PCISIM_FS("what", "offer"), PCISIM_FU("offered", n),
		      PCISIM_FU("accepted", k), PCISIM_FX("first_dpa", get(recs[0] + 0x38, 8)), PCISIM_FI("rc", rc));
	return 0;
}

static int answer_release(struct pcisim_sim *sim, struct pcisim_pcifn *fn, const uint8_t *rec, unsigned policy)
{
	uint64_t dpa = get(rec + 0x38, 8), len = get(rec + 0x40, 8);
	bool busy = in_use(sim, fn, dpa, len);
	if (policy == 2 || (policy == 0 && busy)) {
		if (busy)
			pcisim_log(sim, &fn->comp, "guest", "DC extent 0x%llx+0x%llx in use: not released",
				   (unsigned long long)dpa, (unsigned long long)len);
		PCISIM_RECORD(sim, &fn->comp, "cxl.dc_guest", PCISIM_FS("what", "release"), PCISIM_FX("dpa", dpa),
			      PCISIM_FX("len", len), PCISIM_FB("in_use", busy), PCISIM_FS("answer", "kept"));
		return 0;
	}
	uint8_t pl[8 + 24], out[64];
	unsigned olen;
	memset(pl, 0, sizeof(pl));
	put(pl, 1, 4);
	put(pl + 8, dpa, 8);
	put(pl + 16, len, 8);
	int rc = mbox(fn, CXL_OP_RELEASE_DC, pl, sizeof(pl), out, sizeof(out), &olen);
	if (rc < 0)
		return failed_step(sim, fn, "release");
	PCISIM_RECORD(sim, &fn->comp, "cxl.dc_guest", PCISIM_FS("what", "release"), PCISIM_FX("dpa", dpa),
		      PCISIM_FX("len", len), PCISIM_FB("in_use", busy), PCISIM_FS("answer", "released"), PCISIM_FI("rc", rc));
	return 0;
}

/* Answer the records read, in log order, then clear them. */
static void answer_records(struct pcisim_sim *sim, struct pcisim_pcifn *fn, const uint8_t (*recs)[128], unsigned n,
			   unsigned take, unsigned policy)
{
	/* in log order: an offer runs to its record without More */
	for (unsigned i = 0; i < n;) {
		unsigned type = recs[i][0x30];
		if (type == PCISIM_CXL_DC_EV_ADD) {
			unsigned j = i;
			while (j + 1 < n && (recs[j][0x35] & 1))
				j++;
			answer_offer(sim, fn, recs + i, j - i + 1, take);
			i = j + 1;
		} else {
			if (type == PCISIM_CXL_DC_EV_RELEASE || type == PCISIM_CXL_DC_EV_FORCED_RELEASE)
				answer_release(sim, fn, recs[i], policy);
			i++;
		}
	}
	/* Clear Event Records: the handles read, oldest first */
	if (n) {
		uint8_t cl[6 + 2 * MAX_RECS], out[64];
		unsigned len;
		memset(cl, 0, sizeof(cl));
		cl[0] = PCISIM_CXL_EVENT_LOG_DCD;
		cl[2] = (uint8_t)n;
		for (unsigned i = 0; i < n; i++)
			put(cl + 6 + 2 * i, get(recs[i] + 0x14, 2), 2);
		mbox(fn, CXL_OP_CLEAR_EVENT_RECORDS, cl, 6 + 2 * n, out, sizeof(out), &len);
	}
}

static void answer_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	(void)ev;
	struct dc_answer *a = &guest_of(sim)->answer;
	a->pending = false;
	if (a->fn->comp.removed) {
		failed_step(sim, a->fn, "answer");
		return;
	}
	answer_records(sim, a->fn, (const uint8_t(*)[128])a->recs, a->n, a->take, a->policy);
}
PCISIM_EVKIND(answer_kind, "guest.cxl_dc_answer", answer_ev);

static int act_dc_events(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(sim), pcisim_step_param(s, "dev")->s);
	const struct pcisim_pval *acc = pcisim_step_param(s, "accept");
	unsigned take = UINT32_MAX; /* all */
	if (acc->set && !strcmp(acc->s, "none"))
		take = 0;
	else if (acc->set && strcmp(acc->s, "all"))
		take = (unsigned)strtoul(acc->s, NULL, 0);
	const struct pcisim_pval *rel = pcisim_step_param(s, "release");
	unsigned policy = rel->set ? (unsigned)rel->u : 0;
	const struct pcisim_pval *th = pcisim_step_param(s, "think");
	pcisim_time think = th && th->set ? th->u : 0;
	if (!fn || fn->comp.removed)
		return -1;
	struct dc_answer *a = &guest_of(sim)->answer;
	if (think && a->pending) {
		pcisim_log(sim, &fn->comp, "guest", "guest.cxl_dc_events: still answering the records it read");
		return -1;
	}
	uint8_t out[CXL_MBOX_PAYLOAD_MAX];
	uint8_t log = PCISIM_CXL_EVENT_LOG_DCD;
	unsigned len;
	int rc = mbox(fn, CXL_OP_GET_EVENT_RECORDS, &log, 1, out, sizeof(out), &len);
	if (rc)
		return rc < 0 ? failed_step(sim, fn, "get-records") : -1;
	unsigned n = (unsigned)get(out + 20, 2);
	if (n > MAX_RECS)
		n = MAX_RECS;
	uint8_t recs[MAX_RECS][128];
	for (unsigned i = 0; i < n; i++)
		memcpy(recs[i], out + 0x20 + 128 * i, 128);
	if (!think) {
		answer_records(sim, fn, (const uint8_t(*)[128])recs, n, take, policy);
		return 0;
	}
	PCISIM_RECORD(sim, &fn->comp, "cxl.dc_guest", PCISIM_FS("what", "read"), PCISIM_FU("records", n),
		      PCISIM_FT("answers_in", think));
	memset(a, 0, sizeof(*a));
	a->pending = true;
	a->fn = fn;
	a->take = take;
	a->policy = policy;
	a->n = n;
	memcpy(a->recs, recs, sizeof(recs[0]) * n);
	pcisim_schedule(sim, think, PCISIM_CLASS_HOST, &answer_kind, &fn->comp, 0, 0);
	return 0;
}

static int check_accept(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	(void)sim;
	const struct pcisim_pval *a = pcisim_step_param(s, "accept");
	if (!a->set || !strcmp(a->s, "all") || !strcmp(a->s, "none"))
		return 0;
	uint64_t v;
	if (pcisim_parse_u64(a->s, &v) || v > MAX_RECS)
		return pcisim_diag_error(d, a->node->loc,
					 "'accept': '%s'; expected all, none, or how many of each offer's first extents (0..%d)",
					 a->s, MAX_RECS);
	return 0;
}

/* ---- memory ---- */

/* width: is optional, 8 bytes when not given */
static unsigned mem_width(const struct pcisim_step *s)
{
	const struct pcisim_pval *w = pcisim_step_param(s, "width");
	return w->set ? (unsigned)w->u : 8;
}

static int mem_access(struct pcisim_sim *sim, const struct pcisim_step *s, bool write)
{
	uint64_t addr = pcisim_step_param(s, "address")->u;
	unsigned width = mem_width(s);
	const struct pcisim_pval *v = pcisim_step_param(s, "value"), *e = pcisim_step_param(s, "expect");
	uint64_t data = write && v->set ? v->u : 0;
	/* little-endian bytes, as the CPU stores them */
	uint8_t buf[8];
	put(buf, data, width);
	int rc = pcisim_cxl_mem_access(pcisim_fabric_get(sim), addr, buf, width, write, NULL, NULL);
	data = get(buf, width);
	bool ok = rc == 0, want_ok = !e->set || e->u == 0;
	PCISIM_RECORD(sim, NULL, "cxl.mem", PCISIM_FS("op", write ? "write" : "read"), PCISIM_FX("address", addr),
		      PCISIM_FU("width", width), PCISIM_FX("value", data), PCISIM_FB("ok", ok),
		      PCISIM_FS("why", ok ? "-" : pcisim_cxl_decode_error(rc)));
	if (e->set && ok != want_ok)
		pcisim_step_fail(sim, s, want_ok ? "ok" : "error", ok ? "ok" : pcisim_cxl_decode_error(rc));
	return 0;
}

static int act_mem_read(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return mem_access(sim, s, false);
}

static int act_mem_write(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	return mem_access(sim, s, true);
}

static int check_mem(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	(void)sim;
	const struct pcisim_pval *w = pcisim_step_param(s, "width"), *a = pcisim_step_param(s, "address");
	unsigned width = mem_width(s);
	if (width != 1 && width != 2 && width != 4 && width != 8)
		return pcisim_diag_error(d, w->node->loc, "'width': %u; expected 1, 2, 4 or 8 (bytes)", width);
	if (a->u % LINE + width > LINE)
		return pcisim_diag_error(d, a->node->loc, "'address': %#llx; a %u-byte access must not cross a 64-byte line",
					 (unsigned long long)a->u, width);
	return 0;
}

static int act_reader_start(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct dc_guest *g = guest_of(sim);
	const char *name = pcisim_step_param(s, "name")->s;
	struct reader *r = find_reader(g, name);
	if (r && r->running) {
		pcisim_log(sim, NULL, "guest", "reader %s is running already", name);
		return -1;
	}
	if (!r) {
		if (g->n == MAX_READERS) {
			pcisim_log(sim, NULL, "guest", "more than %d readers", MAX_READERS);
			return -1;
		}
		r = &g->r[g->n++];
	}
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->address = pcisim_step_param(s, "address")->u;
	const struct pcisim_pval *z = pcisim_step_param(s, "size"), *iv = pcisim_step_param(s, "interval");
	r->size = z->set ? z->u : 4096;
	r->interval = iv->set ? iv->u : PCISIM_MS;
	r->running = true;
	reader_record(sim, r, "started", "-");
	r->next = pcisim_schedule(sim, 0, PCISIM_CLASS_HOST, &reader_kind, NULL, (uint64_t)(r - g->r), 0);
	return 0;
}

static int act_reader_stop(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct reader *r = find_reader(guest_of(sim), pcisim_step_param(s, "name")->s);
	if (!r || !r->running)
		return 0;
	r->running = false;
	pcisim_cancel(sim, &r->next);
	reader_record(sim, r, "stopped", "-");
	return 0;
}

static int check_reader(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	(void)sim;
	const struct pcisim_pval *a = pcisim_step_param(s, "address"), *z = pcisim_step_param(s, "size");
	if (a->u % LINE)
		return pcisim_diag_error(d, a->node->loc, "'address': %#llx; expected a multiple of 64 (whole lines)",
					 (unsigned long long)a->u);
	if (z->set && z->u % LINE)
		return pcisim_diag_error(d, z->node->loc, "'size': %llu; expected a multiple of 64 bytes (whole lines)",
					 (unsigned long long)z->u);
	return 0;
}

static const struct pcisim_param_def events_params[] = {
	{"dev", PCISIM_P_COMP, true, "the cxl-type3 device (its mailbox through BAR 2)", NULL, 0, 0, NULL},
	{"accept", PCISIM_P_STR, false, "all, none, or N: the first N extents of each offer", NULL, 0, 0, "all"},
	{"release", PCISIM_P_CHOICE, false, "give asked-back extents back: unused (not while a reader uses them), always, never",
	 release_choices, 0, 0, "unused"},
	{"think", PCISIM_P_TIME, false, "time between reading the log and answering it (0: at once)", NULL, 0, 0, "0"},
	{0},
};
static const char *const expect_choices[] = {"ok", "error", NULL};
static const struct pcisim_param_def read_params[] = {
	{"address", PCISIM_P_INT, true, "host physical address in a CXL fixed memory window", NULL, 0, 0, NULL},
	{"width", PCISIM_P_INT, false, "bytes: 1, 2, 4 or 8", NULL, 1, 8, "8"},
	{"expect", PCISIM_P_CHOICE, false, "ok or error: the run fails otherwise", expect_choices, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def write_params[] = {
	{"address", PCISIM_P_INT, true, "host physical address in a CXL fixed memory window", NULL, 0, 0, NULL},
	{"width", PCISIM_P_INT, false, "bytes: 1, 2, 4 or 8", NULL, 1, 8, "8"},
	{"value", PCISIM_P_INT, false, "the value stored", NULL, 0, 0, "0"},
	{"expect", PCISIM_P_CHOICE, false, "ok or error: the run fails otherwise", expect_choices, 0, 0, NULL},
	{0},
};
static const struct pcisim_param_def reader_params[] = {
	{"name", PCISIM_P_STR, true, "the reader's name (for guest.cxl_mem_reader_stop and the records)", NULL, 0, 0, NULL},
	{"address", PCISIM_P_INT, true, "first host physical address read (64-byte aligned)", NULL, 0, 0, NULL},
	{"size", PCISIM_P_INT, false, "bytes read each time, a multiple of 64", NULL, 64, 1 << 20, "4096"},
	{"interval", PCISIM_P_TIME, false, "time between reads", NULL, 0, 0, "1ms"},
	{0},
};
static const struct pcisim_param_def reader_stop_params[] = {
	{"name", PCISIM_P_STR, true, "the reader's name", NULL, 0, 0, NULL},
	{0},
};

const struct pcisim_action_def pcisim_cxl_dc_guest_actions[] = {
	{"guest.cxl_dc_events",
	 "the guest answers a DCD's dynamic capacity events: offers accepted (all, none, first N), release requests released or kept",
	 events_params, false, check_accept, act_dc_events},
	{"guest.cxl_mem_read", "one CPU load at a host physical address of CXL memory", read_params, false, check_mem,
	 act_mem_read},
	{"guest.cxl_mem_write", "one CPU store at a host physical address of CXL memory", write_params, false, check_mem,
	 act_mem_write},
	{"guest.cxl_mem_reader_start", "a guest program reads a range of CXL memory every interval", reader_params, false,
	 check_reader, act_reader_start},
	{"guest.cxl_mem_reader_stop", "the reader stops", reader_stop_params, false, NULL, act_reader_stop},
	{0},
};

const struct pcisim_record_kind pcisim_cxl_dc_guest_kinds[] = {
	{"cxl.dc_guest", "the guest answered a DC event: what (read: records, answers_in; offer: offered, accepted; release: dpa, len, in_use, answer kept or released), rc"},
	{"cxl.mem", "a guest load or store at a CXL host physical address (op, address, width, value, ok, why)"},
	{"cxl.mem_reader", "a guest reader of CXL memory started, stopped, or failed for a new reason (name, what, address, reads, failed, why)"},
	{0},
};
