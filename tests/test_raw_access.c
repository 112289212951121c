/*
 * Raw register access by the guest (sim/host/raw_access.c, sim/host/setpci.c): the
 * values the actions see and the records they leave, whole-register values after
 * writes that meet RO, RW and RW1C bits, masked writes, widths, routed timing and
 * the guest CPU's one-at-a-time order, reads with expect: failing the run, I/O ports
 * (configuration mechanism #1 at 0xcf8/0xcfc, an unclaimed port), memory space
 * through a BAR with and without a registered handler, and setpci's forms.
 *
 * The machine: q35 with a pcie-root-port (00:12.0, bus 0, no link to cross) and an
 * e1000e below it (01:00.0, one 2.5 GT/s x1 link: a read or a write costs 376 ns
 * there and back, tests/test_host_cfg.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "testbench.h"
#include "sim/host/raw_access.h"
#include "sim/pcie/mmio.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

#define NS PCISIM_NS
#define MS PCISIM_MS
#define RTT (376 * NS) /* one link, there and back */

static const char machine[] =
	"version: 1\nname: raw\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
	"topology:\n"
	"  - {driver: pcie-root-port, id: rp1, bus: pcie.0, chassis: 1, slot: 1, addr: 0x12}\n"
	"  - {driver: e1000e, id: nic1, bus: rp1}\n";

/* Run @machine with the timeline lines @steps (and expectations @expect, may be "") to 10 ms. */
static struct tb *run(const char *steps, const char *expect)
{
	struct tb *t = tb_runf(10 * MS, "%stimeline:\n%s%s", machine, steps, expect);
	if (t->rc)
		fail_msg("does not load: %s", t->err);
	return t;
}

/* The @n-th record of @kind (from 0), failing the test when there is none. */
static const struct pcisim_record *nth(struct tb *t, const char *kind, unsigned n)
{
	for (size_t i = 0; i < t->sim.trace->nrecs; i++) {
		const struct pcisim_record *r = &t->sim.trace->recs[i];
		if (!strcmp(r->kind, kind) && n-- == 0)
			return r;
	}
	fail_msg("no record %s #%u", kind, n);
	return NULL;
}

static uint16_t cfg16(struct tb *t, const char *id, uint16_t off)
{
	return pcisim_cfg_get16(&tb_fn(t, id)->cfg, off);
}

/* Reads: the value, the address, the register's name, the status, when it completes. */
static void cfg_read_values_and_records(void **state)
{
	(void)state;
	struct tb *t = run("  - {at: 1ms, do: guest.cfg_read, dev: rp1, offset: vendor_id}\n"
			   "  - {at: 1ms, do: guest.cfg_read, dev: nic1, offset: 0, width: 4}\n"
			   "  - {at: 1ms, do: guest.cfg_read, bdf: \"00:12.0\", offset: 1, width: 1}\n"
			   "  - {at: 2ms, do: guest.cfg_read, bdf: \"05:00.0\", offset: 0, width: 2}\n",
			   "");
	const struct pcisim_record *r = nth(t, "guest.cfg_read", 0);
	assert_int_equal(r->t, 1 * MS); /* a root port: no link crossed */
	assert_non_null(strstr(r->comp_path, "rp1"));
	assert_string_equal(tb_field(r, "bdf"), "00:12.0");
	assert_string_equal(tb_field(r, "off"), "0x0");
	assert_string_equal(tb_field(r, "reg"), "vendor_id");
	assert_string_equal(tb_field(r, "width"), "2");
	assert_string_equal(tb_field(r, "value"), "0x1b36");
	assert_string_equal(tb_field(r, "status"), "SC");
	r = nth(t, "guest.cfg_read", 1);
	assert_int_equal(r->t, 1 * MS + RTT);
	assert_string_equal(tb_field(r, "bdf"), "01:00.0");
	assert_string_equal(tb_field(r, "value"), "0x10d38086");
	/* the third waited for the second: the guest CPU does one access at a time */
	r = nth(t, "guest.cfg_read", 2);
	assert_int_equal(r->t, 1 * MS + RTT);
	assert_string_equal(tb_field(r, "value"), "0x1b"); /* the upper byte of 1b36 */
	r = nth(t, "guest.cfg_read", 3);
	assert_string_equal(tb_field(r, "status"), "UR");
	assert_string_equal(tb_field(r, "value"), "0xffff");
	assert_int_equal(t->failed, 0);
	tb_free(t);
}

/* Writes go through the masks: RW bits take the value, RO bits keep theirs, RW1C clear. */
static void cfg_write_wmask_and_w1c(void **state)
{
	(void)state;
	struct tb *t = run(
		/* Command: the root port's writable bits only (IO, MEM, MASTER, SERR, INTX_DISABLE) */
		"  - {at: 1ms, do: guest.cfg_write, dev: rp1, offset: command, value: 0xffff}\n"
		"  - {at: 1ms, do: guest.cfg_read, dev: rp1, offset: command}\n"
		/* power the slot off: Command Completed (RW1C) is set in Slot Status */
		"  - {at: 2ms, do: guest.cfg_write, dev: rp1, offset: slot_ctl, value: 0x0400, mask: 0x0400}\n"
		"  - {at: 3ms, do: guest.cfg_read, dev: rp1, offset: slot_status}\n"
		/* 1s written to event bits that are clear: QEMU reverts the clear (CC stays) */
		"  - {at: 4ms, do: guest.cfg_write, dev: rp1, offset: slot_status, value: 0xffff}\n"
		"  - {at: 4ms, do: guest.cfg_read, dev: rp1, offset: slot_status}\n"
		/* CC alone clears CC; Presence Detect State (RO) stays */
		"  - {at: 5ms, do: guest.cfg_write, dev: rp1, offset: slot_status, value: 0x0010}\n"
		"  - {at: 5ms, do: guest.cfg_read, dev: rp1, offset: slot_status}\n",
		"");
	assert_string_equal(tb_field(nth(t, "guest.cfg_read", 0), "value"), "0x507");
	const struct pcisim_record *w = nth(t, "guest.cfg_write", 1);
	assert_string_equal(tb_field(w, "old"), "0x1c0");
	assert_string_equal(tb_field(w, "mask"), "0x400");
	assert_string_equal(tb_field(w, "value"), "0x5c0");
	assert_string_equal(tb_field(nth(t, "guest.cfg_read", 1), "value"), "0x50"); /* PDS | CC */
	assert_string_equal(tb_field(nth(t, "guest.cfg_read", 2), "value"), "0x50");
	assert_non_null(tb_find_rec(t, "slot.sta", "rp1", "why", "write of 1 to a clear event bit: clear reverted"));
	assert_string_equal(tb_field(nth(t, "guest.cfg_read", 3), "value"), "0x40"); /* PDS */
	struct pcisim_port *p = tb_port(t, "rp1");
	assert_int_equal(cfg16(t, "rp1", (uint16_t)(p->exp + PCI_EXP_SLTCTL)), 0x05c0);
	assert_int_equal(cfg16(t, "rp1", (uint16_t)(p->exp + PCI_EXP_SLTSTA)), 0x0040);
	tb_free(t);
}

/* A masked write is a routed read, then a routed write: twice the round trip. */
static void masked_write_is_read_modify_write(void **state)
{
	(void)state;
	struct tb *t = run("  - {at: 1ms, do: guest.cfg_write, dev: nic1, offset: 0x0c, width: 1, value: 0x10}\n"
			   "  - {at: 1ms, do: guest.cfg_write, dev: nic1, offset: command, value: 0x0006, mask: 0x0002}\n"
			   "  - {at: 1ms, do: guest.cfg_read, dev: nic1, offset: 0x0c, width: 1}\n",
			   "");
	assert_int_equal(nth(t, "guest.cfg_write", 0)->t, 1 * MS + RTT);
	const struct pcisim_record *w = nth(t, "guest.cfg_write", 1);
	assert_int_equal(w->t, 1 * MS + 3 * RTT);
	assert_string_equal(tb_field(w, "old"), "0x0");
	assert_string_equal(tb_field(w, "value"), "0x2"); /* MASTER (0x4) was not in the mask */
	assert_int_equal(cfg16(t, "nic1", PCI_COMMAND), 0x0002);
	assert_string_equal(tb_field(nth(t, "guest.cfg_read", 0), "value"), "0x10");
	assert_int_equal(nth(t, "guest.cfg_read", 0)->t, 1 * MS + 4 * RTT);
	tb_free(t);
}

/* expect: a read that sees something else fails the run, with the step's place. */
static void expect_fails_the_run(void **state)
{
	(void)state;
	struct tb *t = run("  - {at: 1ms, do: guest.cfg_read, dev: rp1, offset: vendor_id, expect: 0x1b36}\n"
			   "  - {at: 1ms, do: guest.cfg_read, dev: rp1, offset: 0, width: 4, expect: {value: 0x000c0000, mask: 0xffff0000}}\n",
			   "");
	assert_int_equal(t->failed, 0);
	assert_string_equal(tb_field(nth(t, "guest.cfg_read", 0), "ok"), "on");
	assert_string_equal(tb_field(nth(t, "guest.cfg_read", 1), "expect_mask"), "0xffff0000");
	tb_free(t);

	t = run("  - {at: 1ms, do: guest.cfg_read, dev: rp1, offset: vendor_id, expect: 0x1234}\n", "");
	assert_int_equal(t->failed, 1);
	assert_int_equal(pcisim_step_failures(&t->sim), 1);
	assert_string_equal(tb_field(nth(t, "guest.cfg_read", 0), "ok"), "off");
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	assert_int_equal(pcisim_scenario_check(&t->sim, &t->sc, m, false), 1);
	fclose(m);
	assert_string_equal(out, "FAIL t.yaml:8:5: guest.cfg_read at 1ms: expected 0x1234 from bdf=00:12.0 "
				 "off=0x0 reg=vendor_id; observed 0x1b36 (SC)\n");
	free(out);
	tb_free(t);
}

/* I/O ports: configuration mechanism #1 reaches config space; an unclaimed port reads all ones. */
static void io_ports(void **state)
{
	(void)state;
	struct tb *t = run("  - {at: 1ms, do: guest.io_write, port: 0xcf8, width: 4, value: 0x80009000}\n"
			   "  - {at: 1ms, do: guest.io_read, port: 0xcfc, width: 4}\n"
			   "  - {at: 1ms, do: guest.io_read, port: 0xcfe, width: 2}\n"
			   "  - {at: 1ms, do: guest.io_write, port: 0xcf8, width: 4, value: 0x80009004}\n"
			   "  - {at: 1ms, do: guest.io_write, port: 0xcfc, width: 2, value: 0x0004}\n"
			   "  - {at: 1ms, do: guest.io_read, port: 0xcf8, width: 4}\n"
			   "  - {at: 1ms, do: guest.io_read, port: 0x80, width: 1}\n"
			   "  - {at: 1ms, do: guest.io_write, port: 0xcf8, width: 4, value: 0x00009000}\n"
			   "  - {at: 1ms, do: guest.io_read, port: 0xcfc, width: 4}\n",
			   "");
	assert_string_equal(tb_field(nth(t, "guest.io_read", 0), "value"), "0xc1b36");
	assert_string_equal(tb_field(nth(t, "guest.io_read", 0), "status"), "pci-conf1");
	assert_string_equal(tb_field(nth(t, "guest.io_read", 1), "value"), "0xc");
	assert_int_equal(cfg16(t, "rp1", PCI_COMMAND), 0x0004);
	assert_string_equal(tb_field(nth(t, "guest.io_read", 2), "value"), "0x80009004");
	assert_string_equal(tb_field(nth(t, "guest.io_read", 3), "value"), "0xff");
	assert_string_equal(tb_field(nth(t, "guest.io_read", 3), "status"), "unclaimed");
	/* the enable bit clear: no access */
	assert_string_equal(tb_field(nth(t, "guest.io_read", 4), "value"), "0xffffffff");
	assert_int_equal(nth(t, "guest.io_read", 4)->t, 1 * MS);
	tb_free(t);
}

/* ---- memory space ---- */

struct regs {
	uint32_t r[4];
	unsigned writes;
};

static uint64_t regs_read(void *ctx, uint64_t off, unsigned len)
{
	struct regs *g = ctx;
	(void)len;
	return off < 16 ? g->r[off / 4] : 0;
}

static void regs_write(void *ctx, uint64_t off, uint64_t val, unsigned len)
{
	struct regs *g = ctx;
	(void)len;
	g->writes++;
	if (off < 16)
		g->r[off / 4] = (uint32_t)val;
}

static const struct pcisim_mmio_ops regs_ops = {"test-regs", regs_read, regs_write};

/* A BAR reads all ones until it is assigned and enabled, then what its handler answers. */
static void mmio_through_a_bar(void **state)
{
	(void)state;
	struct tb t;
	tb_build(&t, "version: 1\nname: raw\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
		     "topology:\n"
		     "  - {driver: pcie-root-port, id: rp1, bus: pcie.0, chassis: 1, slot: 1, addr: 0x12}\n"
		     "  - {driver: e1000e, id: nic1, bus: rp1}\n"
		     "timeline:\n"
		     "  - {at: 1ms, do: guest.mmio_read, dev: nic1, bar: 0, offset: 4, width: 4}\n"
		     "  - {at: 2ms, do: guest.cfg_write, dev: nic1, offset: bar0, value: 0xfe000000}\n"
		     "  - {at: 2ms, do: guest.cfg_write, dev: nic1, offset: command, value: 0x2}\n"
		     "  - {at: 3ms, do: guest.mmio_read, dev: nic1, bar: 0, offset: 4, width: 4}\n"
		     "  - {at: 3ms, do: guest.mmio_write, addr: 0xfe000008, width: 4, value: 0xcafe}\n"
		     "  - {at: 3ms, do: guest.mmio_write, addr: 0xfe000004, width: 4, value: 0xff00, mask: 0x0f00}\n"
		     "  - {at: 3ms, do: guest.mmio_read, addr: 0xfe000008, width: 4, expect: 0xcafe}\n"
		     "  - {at: 3ms, do: guest.mmio_read, dev: nic1, bar: 1, offset: 0, width: 4}\n"
		     "  - {at: 3ms, do: guest.mmio_read, addr: 0xfd000000, width: 8}\n",
		 1);
	assert_int_equal(t.rc, 0);
	struct pcisim_pcifn *nic = tb_fn(&t, "nic1");
	assert_int_equal(pcisim_mmio_bar_size(nic, 0), 128 * 1024); /* e1000e's 128 KiB BAR 0 */
	struct regs g = {{0x11, 0x1234, 0, 0}, 0};
	assert_int_equal(pcisim_mmio_register(nic, 0, &regs_ops, &g), 0);
	assert_int_equal(pcisim_mmio_register(nic, 6, &regs_ops, &g), -PCISIM_EINVAL);
	pcisim_run(&t.sim, 10 * MS);
	t.failed = pcisim_scenario_check(&t.sim, &t.sc, NULL, false);
	const struct pcisim_record *r = nth(&t, "guest.mmio_read", 0);
	assert_string_equal(tb_field(r, "value"), "0xffffffff");
	assert_string_equal(tb_field(r, "status"), "unassigned");
	r = nth(&t, "guest.mmio_read", 1);
	assert_string_equal(tb_field(r, "value"), "0x1234");
	assert_string_equal(tb_field(r, "status"), "test-regs");
	assert_non_null(strstr(r->comp_path, "nic1"));
	r = nth(&t, "guest.mmio_write", 1);
	assert_string_equal(tb_field(r, "old"), "0x1234");
	assert_string_equal(tb_field(r, "value"), "0x1f34");
	assert_int_equal(g.r[1], 0x1f34);
	assert_int_equal(g.r[2], 0xcafe);
	assert_int_equal(g.writes, 2);
	assert_string_equal(tb_field(nth(&t, "guest.mmio_read", 2), "ok"), "on");
	/* BAR 1 of e1000e is not memory; nothing decodes 0xfd000000 */
	assert_string_equal(tb_field(nth(&t, "guest.mmio_read", 3), "status"), "unassigned");
	r = nth(&t, "guest.mmio_read", 4);
	assert_string_equal(tb_field(r, "value"), "0xffffffffffffffff");
	assert_int_equal(t.failed, 0);
	tb_fini(&t);
}

/* ---- setpci ---- */

static void setpci_forms(void **state)
{
	(void)state;
	struct tb *t = run(
		"  - {at: 1ms, setpci: \"-s 00:12.0 CAP_EXP+0x8.w=0f:05 CAP_EXP+8.w COMMAND.l\"}\n"
		"  - {at: 2ms, do: setpci, args: \"-d 8086:10d3 0c.b=10,20 VENDOR_ID+1.b ECAP_AER+8.l\"}\n"
		"  - {at: 3ms, setpci: \"-D -s 1:0.0 COMMAND=7 -s 00:1f.7 COMMAND\"}\n"
		"  - {at: 4ms, setpci: \"-d ::0604 SECONDARY_BUS CAP10@1.w\"}\n",
		"");
	/* Device Control: a masked write of the error reporting enables, then read back */
	const struct pcisim_record *w = nth(t, "guest.cfg_write", 0);
	assert_string_equal(tb_field(w, "reg"), "CAP_EXP+0x8.w");
	assert_string_equal(tb_field(w, "via"), "setpci");
	assert_string_equal(tb_field(w, "off"), "0x5c");
	assert_string_equal(tb_field(w, "old"), "0x0");
	assert_string_equal(tb_field(w, "value"), "0x5");
	const struct pcisim_record *r = nth(t, "guest.cfg_read", 0);
	assert_string_equal(tb_field(r, "value"), "0x5");
	struct pcisim_port *p = tb_port(t, "rp1");
	assert_int_equal(cfg16(t, "rp1", (uint16_t)(p->exp + PCI_EXP_DEVCTL)), 0x0005);
	r = nth(t, "guest.cfg_read", 1);
	assert_string_equal(tb_field(r, "reg"), "COMMAND.l");
	assert_string_equal(tb_field(r, "width"), "4");
	assert_string_equal(tb_field(r, "value"), "0x100000"); /* Status: CAP_LIST */
	/* two values go to consecutive registers of the width, on the device -d selects */
	w = nth(t, "guest.cfg_write", 1);
	assert_string_equal(tb_field(w, "bdf"), "01:00.0");
	assert_int_equal(w->t, 2 * MS + RTT);
	assert_string_equal(tb_field(nth(t, "guest.cfg_write", 2), "off"), "0xd");
	assert_int_equal(tb_fn(t, "nic1")->cfg.bytes[0x0c], 0x10);
	assert_int_equal(tb_fn(t, "nic1")->cfg.bytes[0x0d], 0x00); /* Latency Timer: RO 0 */
	assert_string_equal(tb_field(nth(t, "guest.cfg_read", 2), "value"), "0x80");
	assert_string_equal(tb_field(nth(t, "guest.cfg_read", 3), "off"), "0x108");
	/* -D: no write; a selection that matches nothing: setpci's warning */
	assert_int_equal(tb_count(t, "guest.cfg_write", NULL, NULL), 3);
	assert_non_null(tb_find_log(t, "Warning: No devices selected for \"COMMAND\"."));
	/* -d by class: the root port; a second PCI Express capability: none */
	r = nth(t, "guest.cfg_read", 4);
	assert_string_equal(tb_field(r, "bdf"), "00:12.0");
	assert_string_equal(tb_field(r, "value"), "0x1");
	assert_non_null(tb_find_log(t, "00:12.0: CAP10: capability not found"));
	tb_free(t);
}

/*
 * The command line: simulate exits 1 on a failed read check and counts it among the
 * failures; fuzz finds the schedule where the slot is powered off before the read.
 */
static void cli_exit_status_and_fuzz(void **state)
{
	(void)state;
	char dir[] = "/tmp/pcisim-raw-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/race.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%stimeline:\n"
		   "  - {at: 0ms..2ms, do: guest.cfg_write, dev: rp1, offset: slot_ctl, value: 0x0400, mask: 0x0400}\n"
		   "  - {at: 1ms, do: guest.cfg_read, dev: nic1, offset: vendor_id, expect: 0x8086}\n",
		machine);
	fclose(f);
	char *out;
	/* simulate takes the range's lower bound: the slot is off before the read, which
	 * completes with UR: nothing answers in an unpowered slot */
	assert_int_equal(tb_cli(&out, "simulate %s", path), 1);
	assert_non_null(strstr(out, "FAIL "));
	assert_non_null(strstr(out, "race.yaml:9:5: guest.cfg_read at 1.00036ms: expected 0x8086 from bdf=01:00.0 off=0x0 reg=vendor_id; observed 0xffff (UR)\n"));
	assert_non_null(strstr(out, "expectations: 0 passed, 1 failed\n"));
	free(out);
	assert_int_equal(tb_cli(&out, "fuzz %s --runs 50 --out %s/fz", path, dir), 1);
	assert_non_null(strstr(out, "1 distinct signature"));
	assert_non_null(strstr(out, "step guest.cfg_read@9"));
	free(out);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void parse_bdf(void **state)
{
	(void)state;
	uint8_t bus = 0, devfn = 0;
	assert_int_equal(pcisim_raw_parse_bdf("00:12.0", &bus, &devfn), 0);
	assert_int_equal(bus, 0);
	assert_int_equal(devfn, 0x90);
	assert_int_equal(pcisim_raw_parse_bdf("0000:0c:01.7", &bus, &devfn), 0);
	assert_int_equal(bus, 0x0c);
	assert_int_equal(devfn, 0x0f);
	assert_int_equal(pcisim_raw_parse_bdf("1f.3", &bus, &devfn), 0);
	assert_int_equal(bus, 0);
	assert_int_equal(devfn, 0xfb);
	assert_int_equal(pcisim_raw_parse_bdf("00:20.0", &bus, &devfn), -1);
	assert_int_equal(pcisim_raw_parse_bdf("0001:00:00.0", &bus, &devfn), -1);
	assert_int_equal(pcisim_raw_parse_bdf("00:02.8", &bus, &devfn), -1);
	assert_int_equal(pcisim_raw_parse_bdf("00:02", &bus, &devfn), -1);
	assert_int_equal(pcisim_raw_parse_bdf("00:02.0x", &bus, &devfn), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cfg_read_values_and_records),
		cmocka_unit_test(cfg_write_wmask_and_w1c),
		cmocka_unit_test(masked_write_is_read_modify_write),
		cmocka_unit_test(expect_fails_the_run),
		cmocka_unit_test(io_ports),
		cmocka_unit_test(mmio_through_a_bar),
		cmocka_unit_test(setpci_forms),
		cmocka_unit_test(cli_exit_status_and_fuzz),
		cmocka_unit_test(parse_bdf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
