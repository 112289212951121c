/*
 * The host's config accesses as routed requests (sim/host/cfg.c, sim/host/pt.h):
 * a protothread's read of a function behind two switch levels resumes exactly one
 * route latency later; a read of an absent devfn completes as Unsupported Request
 * with all ones; during an FLR the root complex re-issues the read that got RRS every
 * 1 ms and it completes after 100 ms; with CRS Software Visibility the read sees
 * 0001h and Linux's pci_dev_wait() backs off 1, 2, 4, ... ms; pciehp enabling a slot
 * below a switch takes every access's round trip, to the picosecond; and its hard-IRQ
 * half stalls on its accesses and runs again for an interrupt taken meanwhile. The
 * instant variant meets the same rule at once.
 *
 * Link latencies used throughout (docs/links-and-resets.md 1.4): every link here
 * trains at 2.5 GT/s x1 (x3130-upstream, xio3130-downstream, pcisim-endpoint and
 * e1000e all cap it there), so one crossing takes (TLP bytes + 8 framing) * 4 ns +
 * 100 ns:
 *   H12 = 180 ns  a 12-byte TLP: a read request, a Cpl without data (write, UR, RRS)
 *   H16 = 196 ns  a 16-byte TLP: a write request, a CplD (successful read)
 * so a read or a write that crosses one link costs H12 + H16 = 376 ns either way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "testbench.h"
#include "sim/host/pt.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/link.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/reset.h"
#include "sim/pcie/route.h"

#define NS PCISIM_NS
#define MS PCISIM_MS
#define S PCISIM_S

#define H12 (180 * NS)
#define H16 (196 * NS)

static struct tb *load(const char *topology, const char *extra)
{
	/* Build the machine and run to 1 ms; the tests drive it from there. */
	struct tb *r = tb_runf(1 * MS, "version: 1\nname: hcfg\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\ntopology:\n%s%s",
			       topology, extra);
	assert_int_equal(r->sim.now, 1 * MS);
	return r;
}

static unsigned count_cpl(struct tb *r, const char *status)
{
	unsigned n = 0;
	for (size_t i = 0; i < r->sim.trace->nrecs; i++) {
		const struct pcisim_record *rec = &r->sim.trace->recs[i];
		if (strcmp(rec->kind, "cfg.completion"))
			continue;
		for (uint32_t j = 0; j < rec->nfields; j++)
			if (!strcmp(rec->fields[j].name, "status") && !strcmp(rec->fields[j].s, status))
				n++;
	}
	return n;
}

/* ---- a test thread: one protothread with a config access ---- */

enum op { OP_READ, OP_FLR_READ, OP_FLR_WAIT };

struct thread {
	struct pcisim_comp comp;
	struct pcisim_pt pt;
	struct pcisim_host_cfg a;
	struct pcisim_host_dev_wait w;
	enum op op;
	struct pcisim_pcifn *fn; /* the target (FLR, wait) */
	uint8_t bus, devfn;
	uint16_t off;
	unsigned len;
	pcisim_time started, flr_done, finished;
	uint32_t val;
	bool done;
};

static int thread_run(struct thread *t)
{
	struct pcisim_pt *pt = &t->pt;
	PT_BEGIN(pt);
	t->started = t->a.sim->now;
	if (t->op == OP_READ) {
		PT_CFG_READ(pt, &t->a, t->bus, t->devfn, t->off, t->len);
	} else {
		/* Initiate FLR: a routed write of Device Control's BCR_FLR. */
		PT_CFG_WRITE(pt, &t->a, t->fn->bus->number, t->fn->devfn,
			     (uint16_t)(pcisim_cfg_find_cap(&t->fn->cfg, PCI_CAP_ID_EXP) + PCI_EXP_DEVCTL), 2,
			     PCI_EXP_DEVCTL_BCR_FLR);
		t->flr_done = t->a.sim->now;
		if (t->op == OP_FLR_READ) {
			PT_CFG_READ(pt, &t->a, t->fn->bus->number, t->fn->devfn, PCI_VENDOR_ID, 4);
		} else {
			t->w.acc = &t->a;
			t->w.fn = t->fn;
			t->w.reset_type = "FLR";
			t->w.timeout_ms = PCISIM_HOST_RESET_READY_POLL_MS;
			PT_CALL(pt, &t->w.pt, pcisim_host_dev_wait(&t->w));
		}
	}
	t->val = t->a.val;
	t->finished = t->a.sim->now;
	t->done = true;
	PT_END(pt);
}

static void thread_wake(void *ctx)
{
	thread_run(ctx);
}

static void thread_destroy(struct pcisim_comp *c)
{
	free(c); /* the comp is the thread's first member */
}

static const struct pcisim_comp_ops thread_ops = {.type = "test-thread", .destroy = thread_destroy};

static struct thread *thread_new(struct tb *r, enum op op)
{
	struct thread *t = calloc(1, sizeof(*t));
	static unsigned n;
	char name[32];
	snprintf(name, sizeof(name), "test-thread%u", n++);
	assert_int_equal(pcisim_comp_add(&r->sim, &t->comp, NULL, name, &thread_ops), 0);
	pcisim_host_cfg_init(&t->a, &r->sim, &t->comp, thread_wake, t);
	t->op = op;
	return t;
}

/* Start @t now and run until it is done (or @limit passes). */
static void thread_go(struct tb *r, struct thread *t, pcisim_time limit)
{
	assert_int_equal(thread_run(t), PT_WAITING); /* an access never completes inside its call */
	while (!t->done && r->sim.now < limit && pcisim_step(&r->sim, limit))
		;
	assert_true(t->done);
}

static struct thread *read_now(struct tb *r, uint8_t bus, uint8_t devfn, uint16_t off, unsigned len)
{
	struct thread *t = thread_new(r, OP_READ);
	t->bus = bus;
	t->devfn = devfn;
	t->off = off;
	t->len = len;
	thread_go(r, t, r->sim.now + 10 * S);
	return t;
}

/* ---- two switch levels ---- */

static const char two_levels[] =
	"  - {driver: pcie-root-port, id: rp1, bus: pcie.0, addr: \"0x3\", chassis: 1, slot: 1}\n"
	"  - {driver: x3130-upstream, id: up1, bus: rp1}\n"
	"  - {driver: xio3130-downstream, id: dn1, bus: up1, chassis: 2, slot: 1}\n"
	"  - {driver: x3130-upstream, id: up2, bus: dn1}\n"
	"  - {driver: xio3130-downstream, id: dn2, bus: up2, chassis: 3, slot: 1}\n"
	"  - {driver: pcisim-endpoint, id: ep1, bus: dn2, vendor-id: 0x1234, device-id: 0x5678}\n";

static void read_behind_two_switches(void **state)
{
	(void)state;
	struct tb *r = load(two_levels, "");
	struct pcisim_pcifn *ep = tb_fn(r, "ep1"), *dn2 = tb_fn(r, "dn2");
	/* Buses: pcie.0 0, rp1 -> 1 (up1), up1 -> 2 (dn1), dn1 -> 3 (up2), up2 -> 4 (dn2), dn2 -> 5. */
	assert_int_equal(ep->bus->number, 5);
	/*
	 * The request crosses three links (rp1-up1, dn1-up2, dn2-ep1; the switches'
	 * internal buses have none), the CplD the same three back:
	 * 3 * H12 + 3 * H16 = 540 + 588 = 1128 ns.
	 */
	struct thread *t = read_now(r, 5, ep->devfn, PCI_VENDOR_ID, 4);
	assert_int_equal(t->started, 1 * MS);
	assert_int_equal(t->finished - t->started, 3 * H12 + 3 * H16);
	assert_int_equal(t->finished, 1 * MS + 1128 * NS);
	assert_int_equal(t->a.status, PCISIM_CPL_SC);
	assert_int_equal(t->val, 0x56781234);
	assert_int_equal(t->a.reissues, 0);
	/* dn2's own register: two links (rp1-up1, dn1-up2) each way, 2 * 376 = 752 ns. */
	struct thread *t2 = read_now(r, dn2->bus->number, dn2->devfn, PCI_VENDOR_ID, 2);
	assert_int_equal(t2->finished - t2->started, 752 * NS);
	assert_int_equal(t2->val, 0x104c);
	/* A root port's register: no link, no time (the root complex adds none). */
	struct thread *t3 = read_now(r, 0, tb_fn(r, "rp1")->devfn, PCI_VENDOR_ID, 2);
	assert_int_equal(t3->finished, t3->started);
	assert_int_equal(t3->val, 0x1b36);
	assert_int_equal(pcisim_cfg_in_flight(&r->sim), 0);
	tb_free(r);
}

/* ---- Unsupported Request ---- */

static void absent_devfn_reads_all_ones(void **state)
{
	(void)state;
	struct tb *r = load(two_levels, "");
	/*
	 * devfn 0.1 on bus 5: dn2 forwards the request onto its link, nothing answers
	 * there, and a 12-byte UR comes back: 6 * H12 = 1080 ns.
	 */
	struct thread *t = read_now(r, 5, 1, PCI_VENDOR_ID, 4);
	assert_int_equal(t->a.status, PCISIM_CPL_UR);
	assert_int_equal(t->val, 0xffffffff);
	assert_int_equal(t->finished - t->started, 6 * H12);
	/* A word read: 0xffff, what pciehp takes for "no response from device". */
	t = read_now(r, 5, 1, PCI_COMMAND, 2);
	assert_int_equal(t->val, 0xffff);
	/* Device 0x10 on the root bus: the root complex answers at once. */
	t = read_now(r, 0, 0x10 << 3, PCI_VENDOR_ID, 4);
	assert_int_equal(t->a.status, PCISIM_CPL_UR);
	assert_int_equal(t->val, 0xffffffff);
	assert_int_equal(t->finished, t->started);
	tb_free(r);
}

/* ---- instant accesses (cfg.h) ---- */

/*
 * The instant variant meets route.c's rule at once: a function behind a link that is
 * down, in reset or unpowered reads all ones and takes no write; no request is
 * traced and no time passes.
 */
static void instant_access_follows_the_rule(void **state)
{
	(void)state;
	struct tb *r = load(two_levels, "");
	struct pcisim_pcifn *ep = tb_fn(r, "ep1");
	struct pcisim_port *dn1 = tb_port(r, "dn1");
	size_t recs = r->sim.trace->nrecs;
	const enum pcisim_host_instant why = PCISIM_INSTANT_ERROR_HANDLING;
	assert_int_equal(pcisim_host_cfg_read_instant(ep, PCI_VENDOR_ID, 4, why), 0x56781234);
	assert_true(pcisim_host_cfg_write_instant(ep, PCI_COMMAND, PCI_COMMAND_MEMORY, 2, why));
	assert_int_equal(pcisim_cfg_get16(&ep->cfg, PCI_COMMAND), PCI_COMMAND_MEMORY);
	assert_int_equal(r->sim.trace->nrecs, recs);
	assert_int_equal(r->sim.now, 1 * MS);
	/* dn1's link down, two levels above ep1: the rule looks at every link. */
	pcisim_link_hold(&dn1->link, PCISIM_LINK_HOLD_SETLINK, "test");
	assert_int_equal(pcisim_host_cfg_read_instant(ep, PCI_VENDOR_ID, 4, why), 0xffffffffu);
	assert_int_equal(pcisim_host_cfg_read_instant(ep, PCI_VENDOR_ID, 2, why), 0xffff);
	assert_false(pcisim_host_cfg_write_instant(ep, PCI_COMMAND, 0, 2, why));
	assert_int_equal(pcisim_cfg_get16(&ep->cfg, PCI_COMMAND), PCI_COMMAND_MEMORY);
	pcisim_link_release(&dn1->link, PCISIM_LINK_HOLD_SETLINK, "test");
	pcisim_run(&r->sim, r->sim.now + 1 * MS);
	assert_int_equal(pcisim_host_cfg_read_instant(ep, PCI_VENDOR_ID, 4, why), 0x56781234);
	/* In reset (RRS): all ones too, until it is ready. */
	pcisim_reset_flr(ep, "test");
	assert_int_equal(pcisim_host_cfg_read_instant(ep, PCI_VENDOR_ID, 2, why), 0xffff);
	pcisim_run(&r->sim, ep->ready_at);
	assert_int_equal(pcisim_host_cfg_read_instant(ep, PCI_VENDOR_ID, 2, why), 0x1234);
	tb_free(r);
}

/* ---- RRS during an FLR ---- */

static const char rp_ep[] =
	"  - {driver: pcie-root-port, id: rp1, bus: pcie.0, addr: \"0x3\", chassis: 1, slot: 1}\n"
	"  - {driver: pcisim-endpoint, id: ep1, bus: rp1, vendor-id: 0x1234, device-id: 0x5678}\n";

static void flr_read_reissued_until_ready(void **state)
{
	(void)state;
	struct tb *r = load(rp_ep, "");
	struct pcisim_pcifn *ep = tb_fn(r, "ep1");
	struct thread *t = thread_new(r, OP_FLR_READ);
	t->fn = ep;
	thread_go(r, t, 2 * S);
	pcisim_time t0 = 1 * MS;
	/*
	 * The FLR write (16 bytes) reaches ep1 at t0 + H16: ready 100 ms later. Its
	 * completion is back at t1 = t0 + H16 + H12 = t0 + 376 ns.
	 */
	pcisim_time ready = t0 + H16 + 100 * MS, t1 = t0 + H16 + H12;
	assert_int_equal(ep->ready_at, ready);
	assert_int_equal(t->flr_done, t1);
	/*
	 * QEMU's root port has no CRS Software Visibility, so the root complex re-issues
	 * each RRS 1 ms after it came back. Attempt k leaves at t1 + k * (1 ms + 2 * H12)
	 * and reaches ep1 H12 later; it is RRS while that is before `ready`, i.e. while
	 * 2 * H12 + k * (1 ms + 360 ns) < 100 ms: k = 0..99 (k = 99: 99.036 ms). Attempt
	 * 100 arrives at t1 + 100.036 ms + H12 and its CplD is back H16 later:
	 *   t1 + 100 * (1 ms + 360 ns) + H12 + H16 = t0 + 100 ms + 36,752 ns.
	 */
	assert_int_equal(t->a.status, PCISIM_CPL_SC);
	assert_int_equal(t->val, 0x56781234);
	assert_int_equal(t->a.reissues, 100);
	assert_int_equal(t->finished, t1 + 100 * (1 * MS + 2 * H12) + H12 + H16);
	assert_int_equal(t->finished, t0 + 100 * MS + 36752 * NS);
	assert_true(t->finished - t->flr_done > 100 * MS);
	assert_int_equal(count_cpl(r, "RRS"), 100);

	/*
	 * A function that never becomes ready: the root complex gives up once the access
	 * has lasted 1 s (the RRS completion of attempt k is back at s + k * (1 ms +
	 * 360 ns) + 360 ns; k = 999 gives 999.36 ms, k = 1000 gives 1000.36036 ms >= 1 s),
	 * and the CPU reads all ones after 1000 re-issues.
	 */
	ep->ready_at = PCISIM_TIME_MAX;
	t = read_now(r, ep->bus->number, ep->devfn, PCI_VENDOR_ID, 4);
	assert_int_equal(t->a.status, PCISIM_CPL_RRS);
	assert_int_equal(t->val, 0xffffffff);
	assert_int_equal(t->a.reissues, 1000);
	assert_int_equal(t->finished - t->started, 1000 * (1 * MS + 2 * H12) + 2 * H12);
	tb_free(r);
}

static void set_crs_sv(struct tb *r)
{
	/* Root Control CRS SV by hand: QEMU's root ports neither offer nor allow it. */
	struct pcisim_port *rp = pcisim_to_port(tb_fn(r, "rp1"));
	pcisim_cfg_setbits(&rp->fn.cfg, (uint16_t)(rp->exp + PCI_EXP_RTCTL), 2, PCI_EXP_RTCTL_CRSSVE);
}

static void crs_sv_dev_wait_backs_off(void **state)
{
	(void)state;
	struct tb *r = load(rp_ep, "");
	struct pcisim_pcifn *ep = tb_fn(r, "ep1");
	set_crs_sv(r);
	struct thread *t = thread_new(r, OP_FLR_WAIT);
	t->fn = ep;
	thread_go(r, t, 2 * S);
	pcisim_time t0 = 1 * MS, t1 = t0 + H16 + H12;
	assert_int_equal(t->flr_done, t1);
	/*
	 * pci_dev_wait() reads the Vendor ID; under CRS SV an RRS reads 0001h at once
	 * (2 * H12 = 360 ns, nothing re-issued), and it sleeps 1, 2, 4, ... ms. Read i
	 * leaves at t1 + i * 360 ns + (2^i - 1) ms and arrives H12 later; ep1 is ready at
	 * t1 - H12 + 100 ms, so reads 0..6 get RRS (read 6 arrives at t1 + 63.00234 ms) and
	 * read 7 (t1 + 127.00270 ms) succeeds, its CplD back H16 later:
	 *   t1 + 7 * 360 ns + 127 ms + H12 + H16 = t1 + 127 ms + 2,896 ns.
	 */
	assert_int_equal(t->w.ret, 0);
	assert_int_equal(t->w.reads, 8);
	assert_int_equal(t->val, 0x56781234);
	assert_int_equal(t->finished, t1 + 7 * 2 * H12 + 127 * MS + H12 + H16);
	assert_int_equal(t->finished, t1 + 127 * MS + 2896 * NS);
	assert_int_equal(t->a.reissues, 0);
	assert_int_equal(count_cpl(r, "RRS"), 7);
	assert_null(tb_find_log(r, "after FLR")); /* done within PCI_RESET_WAIT: no message */
	tb_free(r);
}

static void dev_wait_slow_function(void **state)
{
	(void)state;
	/* A function that takes 3 s after its FLR (a test hook: ready_at set by hand). */
	struct tb *r = load(rp_ep, "");
	struct pcisim_pcifn *ep = tb_fn(r, "ep1");
	set_crs_sv(r);
	struct thread *t = thread_new(r, OP_FLR_WAIT);
	t->fn = ep;
	/* Run the FLR write, then stretch the reset before the first poll arrives. */
	assert_int_equal(thread_run(t), PT_WAITING);
	pcisim_time t0 = 1 * MS, t1 = t0 + H16 + H12;
	pcisim_run(&r->sim, t0 + H16);
	ep->ready_at = t1 + 3 * S;
	while (!t->done && pcisim_step(&r->sim, 100 * S))
		;
	assert_true(t->done);
	/*
	 * Read i arrives at t1 + i * 360 ns + (2^i - 1) ms + H12: ready from i = 12
	 * (4095 ms). Before the sleeps of 1024 and 2048 ms (delay > PCI_RESET_WAIT) Linux
	 * says it is waiting; afterwards that it is ready.
	 */
	assert_int_equal(t->w.ret, 0);
	assert_int_equal(t->w.reads, 13);
	assert_non_null(tb_find_log(r, "pci 0000:01:00.0: not ready 1023ms after FLR; waiting"));
	assert_non_null(tb_find_log(r, "pci 0000:01:00.0: not ready 2047ms after FLR; waiting"));
	assert_null(tb_find_log(r, "not ready 511ms"));
	assert_non_null(tb_find_log(r, "pci 0000:01:00.0: ready 4095ms after FLR"));
	assert_int_equal(t->finished, t1 + 12 * 2 * H12 + 4095 * MS + H12 + H16);

	/* Never ready: 17 reads, then the next sleep (65536 ms) would pass 60 s. */
	t = thread_new(r, OP_FLR_WAIT);
	t->fn = ep;
	pcisim_time s = r->sim.now;
	assert_int_equal(thread_run(t), PT_WAITING);
	pcisim_run(&r->sim, s + H16);
	ep->ready_at = PCISIM_TIME_MAX; /* the FLR set it again */
	while (!t->done && pcisim_step(&r->sim, s + 100 * S))
		;
	assert_true(t->done);
	assert_int_equal(t->w.ret, -1);
	assert_int_equal(t->w.reads, 17);
	assert_non_null(tb_find_log(r, "pci 0000:01:00.0: not ready 65535ms after FLR; giving up"));
	assert_int_equal(t->finished, s + H16 + H12 + 17 * 2 * H12 + 65535 * MS);
	tb_free(r);
}

/* ---- pciehp below a switch: every access takes its round trip ---- */

static void pciehp_enable_below_switch(void **state)
{
	(void)state;
	struct tb *r = tb_runf(3 * S,
				"version: 1\nname: sw\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
				"topology:\n"
				"  - {driver: pcie-root-port, id: rp1, bus: pcie.0, addr: \"0x3\", chassis: 1, slot: 1}\n"
				"  - {driver: x3130-upstream, id: up1, bus: rp1}\n"
				"  - {driver: xio3130-downstream, id: dn1, bus: up1, chassis: 2, slot: 1}\n"
				"host: {os: linux, pciehp: on}\n"
				"timeline:\n  - {at: 1s, do: device_add, driver: e1000e, id: nic1, bus: dn1}\n");
	/*
	 * Every access of pciehp:dn1 to dn1's registers crosses the rp1-up1 link: 376 ns
	 * (H12 + H16 for a read and for a write alike). The e1000e's Vendor ID crosses
	 * dn1-nic1 as well: 752 ns. T0 = 1 s, the hot-add: PDS, PDC and ABP, an MSI.
	 *  pciehp_isr: read Slot Status, write it back, read again (MSI): T0 + 1128 ns.
	 */
	pcisim_time T0 = 1 * S, acc = H12 + H16;
	const struct pcisim_record *isr = tb_find_rec(r, "pciehp.isr", "dn1", "events", "ABP|PDC");
	assert_non_null(isr);
	assert_int_equal(isr->t, T0 + 3 * acc);
	/*
	 * The thread: button press, indicator command (read, write) done at
	 * T0 + 5 * 376 = T0 + 1880 ns; its write reached dn1 H12 earlier (T0 + 1700 ns)
	 * and the CC interrupt's handler (3 accesses) is done at T0 + 2828 ns. The thread
	 * meanwhile reads Slot Status and Link Status ("Card present" at T0 + 2632 ns),
	 * the power status (T0 + 3008 ns), finds no command pending, reads Slot Control
	 * and writes power on: done at T0 + 3760 ns, its CC handled at T0 + 3580 + 1128 =
	 * T0 + 4708 ns, when the thread goes on: the blink command (no wait; 2 accesses)
	 * ends at T0 + 5460 ns.
	 */
	const struct pcisim_record *poweron = tb_find_rec(r, "pciehp.state", "dn1", "to", "POWERON");
	assert_non_null(poweron);
	assert_int_equal(poweron->t, T0 + 7 * acc);
	/* The handler's runs after T0 (the probe's at boot come first). */
	unsigned ncc = 0;
	pcisim_time cc_t[4] = {0};
	for (size_t i = 0; i < r->sim.trace->nrecs; i++) {
		const struct pcisim_record *rec = &r->sim.trace->recs[i];
		if (rec->t > T0 && !strcmp(rec->kind, "pciehp.isr") && strstr(rec->comp_path, "dn1") && ncc < 4)
			cc_t[ncc++] = rec->t;
	}
	assert_int_equal(ncc, 4);
	assert_int_equal(cc_t[0], T0 + 1128 * NS); /* ABP|PDC */
	assert_int_equal(cc_t[1], T0 + 2828 * NS);
	assert_int_equal(cc_t[2], T0 + 4708 * NS);
	assert_int_equal(cc_t[3], T0 + 6408 * NS); /* the blink command's CC: 5280 + 1128 */
	/*
	 * xio3130-downstream does not report DLLLA (LLActRep-): sleep 1100 ms, then the
	 * Vendor ID of devfn 0 (752 ns), found; Link Status (376 ns); enumerate:
	 *   T0 + 5460 ns + 1100 ms + 752 ns + 376 ns = T0 + 1100 ms + 6588 ns.
	 */
	const struct pcisim_record *added = tb_find_rec(r, "linux.device", "nic1", "event", "added");
	assert_non_null(added);
	assert_int_equal(added->t, T0 + 5460 * NS + 1100 * MS + 2 * acc + acc);
	assert_int_equal(added->t, 2100 * MS + 6588 * NS);
	/* Indicators on (read, write): ON at T0 + 1100 ms + 7340 ns. */
	const struct pcisim_record *on = tb_find_rec(r, "pciehp.state", "dn1", "to", "ON");
	assert_non_null(on);
	assert_int_equal(on->t, added->t + 2 * acc);
	tb_free(r);
}

static void isr_stalls_and_runs_again(void **state)
{
	(void)state;
	/*
	 * The same hot-add, and the attention button pressed 600 ns later, while
	 * pciehp_isr is between its write-back (cleared ABP|PDC at T0 + 572 ns) and its
	 * re-read: the port interrupts again at T0 + 600 ns. The running handler's re-read
	 * (arrives T0 + 932 ns) sees the new ABP, writes it back and reads once more: five
	 * accesses, ABP|PDC reported at T0 + 5 * 376 = T0 + 1880 ns. The interrupt taken
	 * meanwhile runs the handler again at once (handle_edge_irq): its read finds
	 * nothing (Slot Status 0x40, PDS only) and it returns.
	 */
	struct tb *r = tb_runf(3 * S,
				"version: 1\nname: sw\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
				"topology:\n"
				"  - {driver: pcie-root-port, id: rp1, bus: pcie.0, addr: \"0x3\", chassis: 1, slot: 1}\n"
				"  - {driver: x3130-upstream, id: up1, bus: rp1}\n"
				"  - {driver: xio3130-downstream, id: dn1, bus: up1, chassis: 2, slot: 1}\n"
				"host: {os: linux, pciehp: on}\n"
				"timeline:\n  - {at: 1s, do: device_add, driver: e1000e, id: nic1, bus: dn1}\n"
				"  - {at: 1000000600ns, do: guest.press_attention_button, slot: dn1}\n");
	pcisim_time T0 = 1 * S;
	unsigned nisr = 0, sltsta_reads = 0;
	for (size_t i = 0; i < r->sim.trace->nrecs; i++) {
		const struct pcisim_record *rec = &r->sim.trace->recs[i];
		if (rec->t < T0 || rec->t > T0 + 1880 * NS || !rec->comp_path || !strstr(rec->comp_path, "dn1"))
			continue;
		if (!strcmp(rec->kind, "pciehp.isr"))
			nisr++;
		if (!strcmp(rec->kind, "cfg.completion") && !strcmp(tb_field(rec, "off"), "0xaa") &&
		    !strcmp(tb_field(rec, "op"), "read"))
			sltsta_reads++;
	}
	const struct pcisim_record *isr = tb_find_rec(r, "pciehp.isr", "dn1", "events", "ABP|PDC");
	assert_non_null(isr);
	assert_int_equal(isr->t, T0 + 1880 * NS);
	assert_int_equal(nisr, 1);
	assert_int_equal(sltsta_reads, 3);
	/* The second run's read leaves at T0 + 1880 ns and finds no event: no second record. */
	const struct pcisim_record *again = NULL;
	for (size_t i = 0; i < r->sim.trace->nrecs; i++) {
		const struct pcisim_record *rec = &r->sim.trace->recs[i];
		if (rec->t == T0 + 2256 * NS && !strcmp(rec->kind, "cfg.completion") &&
		    !strcmp(tb_field(rec, "off"), "0xaa") && !strcmp(tb_field(rec, "val"), "0x40"))
			again = rec;
	}
	assert_non_null(again);
	/* One button press: "will power on", and the enable proceeds as before. */
	assert_non_null(tb_find_log(r, "Slot(1): Button press: will power on in 5 sec"));
	assert_non_null(tb_find_rec(r, "linux.device", "nic1", "event", "added"));
	tb_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_behind_two_switches),
		cmocka_unit_test(absent_devfn_reads_all_ones),
		cmocka_unit_test(instant_access_follows_the_rule),
		cmocka_unit_test(flr_read_reissued_until_ready),
		cmocka_unit_test(crs_sv_dev_wait_backs_off),
		cmocka_unit_test(dev_wait_slow_function),
		cmocka_unit_test(pciehp_enable_below_switch),
		cmocka_unit_test(isr_stalls_and_runs_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
