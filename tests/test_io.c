/*
 * I/O workloads (sim/host/io.c): the accounting sums (issued = completed + errored
 * + in flight) in every situation, the round-trip time of a request, requests that
 * meet a downed link (UR for reads, dropped writes, DMA reads timing out), requests
 * in flight when the link goes down (Completion Timeout from Device Control 2),
 * Completion Timeout Disable, poisoned data, a device removed during I/O, and the
 * `io` expectation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testbench.h"
#include "sim/host/io.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/link.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/pcie_cap.h"

#define MS PCISIM_MS
#define US PCISIM_US
#define S PCISIM_S

static struct pcisim_io_counts counts(struct tb *r, const char *name)
{
	struct pcisim_io_counts c = {0};
	assert_true(pcisim_io_counts(&r->sim, name, &c));
	char why[256];
	if (!pcisim_io_check(&r->sim, why, sizeof(why)))
		fail_msg("%s", why);
	assert_int_equal(c.issued, c.completed + c.errored + c.in_flight);
	return c;
}

static const char base[] =
	"version: 1\nname: io\nuntil: %s\n"
	"machine: {type: q35, qemu: \"8.1\", acpi-pci-hotplug-with-bridge-support: off}\n"
	"topology:\n"
	"  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
	"  - {driver: pcisim-endpoint, id: dev, bus: rp1}\n"
	"host: {os: linux, pciehp: %s}\n"
	"timeline:\n%s";

static void completion_timeouts(void **state)
{
	assert_int_equal(pcisim_io_completion_timeout(0x0), 50 * MS);
	assert_int_equal(pcisim_io_completion_timeout(0x1), 100 * US);
	assert_int_equal(pcisim_io_completion_timeout(0x2), 10 * MS);
	assert_int_equal(pcisim_io_completion_timeout(0x5), 55 * MS);
	assert_int_equal(pcisim_io_completion_timeout(0x6), 210 * MS);
	assert_int_equal(pcisim_io_completion_timeout(0x9), 900 * MS);
	assert_int_equal(pcisim_io_completion_timeout(0xa), 3500 * MS);
	assert_int_equal(pcisim_io_completion_timeout(0xd), 13 * S);
	assert_int_equal(pcisim_io_completion_timeout(0xe), 64 * S);
	assert_int_equal(pcisim_io_completion_timeout(0x3), 50 * MS); /* reserved: default */
	assert_int_equal(pcisim_io_completion_timeout(PCI_EXP_DEVCTL2_COMP_TMOUT_DIS), PCISIM_TIME_MAX);
}

static void healthy_reads_and_latency(void **state)
{
	struct tb *r = tb_runf(0, base, "2s", "off",
			   "  - {at: 1s, do: io_start, name: r, id: dev, op: mmio_read, rate: 1000, count: 100, size: 64}\n"
			   "  - {at: 1s, do: io_start, name: w, id: dev, op: dma_write, interval: 10us, count: 50}\n");
	struct pcisim_io_counts c = counts(r, "r");
	assert_int_equal(c.issued, 100);
	assert_int_equal(c.completed, 100);
	assert_int_equal(c.bytes, 6400);
	c = counts(r, "w");
	assert_int_equal(c.completed, 50);
	/* no request recorded an error; the last read ended 99 ms after the first began */
	assert_null(tb_find_rec(r, "io.error", NULL, NULL, NULL));
	const struct pcisim_record *stop = tb_find_rec(r, "io.stop", NULL, "io", "r");
	assert_non_null(stop);
	assert_int_equal(stop->t, 1 * S + 99 * MS);
	/* the round trip: request header down, completion with 64 bytes up, one link */
	struct pcisim_pcifn *rp = pcisim_fabric_find_fn(pcisim_fabric_get(&r->sim), "rp1");
	pcisim_time rt = pcisim_link_tlp_latency(pcisim_link_of(rp), 16) +
			 pcisim_link_tlp_latency(pcisim_link_of(rp), 12 + 64);
	assert_true(rt > 100 * PCISIM_NS && rt < 10 * US);
	tb_free(r);
}

/* Reads to a downed link: UR at once; writes dropped; DMA reads time out. */
static void downed_link(void **state)
{
	struct tb *r = tb_runf(0, base, "3s", "off",
			   "  - {at: 1s, do: io_start, name: rd, id: dev, op: mmio_read, rate: 100}\n"
			   "  - {at: 1s, do: io_start, name: wr, id: dev, op: mmio_write, rate: 100}\n"
			   "  - {at: 1s, do: io_start, name: dma, id: dev, op: dma_read, rate: 100}\n"
			   "  - {at: 1500ms, do: surprise_remove, id: dev}\n"
			   "  - {at: 2s, do: io_stop, name: rd}\n"
			   "  - {at: 2s, do: io_stop, name: wr}\n"
			   "  - {at: 2s, do: io_stop, name: dma}\n");
	struct pcisim_io_counts c = counts(r, "rd");
	assert_int_equal(c.issued, 101);
	assert_int_equal(c.in_flight, 0);
	/* after the removal (no pciehp: Linux still thinks it is there) */
	assert_true(pcisim_io_reason_count(&r->sim, "rd", "unsupported request") > 0);
	c = counts(r, "wr");
	assert_true(pcisim_io_reason_count(&r->sim, "wr", "dropped: link down") > 0);
	counts(r, "dma");
	tb_free(r);
}

/* In flight when the link goes down: Completion Timeout from Device Control 2. */
static void in_flight_timeout(void **state)
{
	struct tb *r = tb_runf(0, base, "3s", "off",
			   "  - {at: 1s, do: io_start, name: rd, id: dev, op: mmio_read, interval: 100ns, count: 3}\n"
			   "  - {at: 1000000100ns, do: surprise_remove, id: dev}\n");
	struct pcisim_io_counts c = counts(r, "rd");
	assert_int_equal(c.issued, 3);
	assert_int_equal(pcisim_io_reason_count(&r->sim, "rd", "completion timeout"), 2);
	const struct pcisim_record *e = tb_find_rec(r, "io.error", NULL, "reason", "completion timeout");
	assert_non_null(e);
	assert_int_equal(e->t, 1 * S + 50 * MS); /* the root port's default range */
	/* the requester (the root port) logged it */
	const struct pcisim_record *a = tb_find_rec(r, "aer.error", "rp1", "name", "COMP_TIME");
	assert_non_null(a);
	tb_free(r);
}

/* Poisoned data: every 4th MMIO write; the device logs Poisoned TLP Received. */
static void poisoned(void **state)
{
	struct tb *r = tb_runf(0, base, "2s", "off",
			   "  - {at: 1s, do: io_start, name: w, id: dev, op: mmio_write, rate: 1000, count: 40, poison_every: 4}\n");
	struct pcisim_io_counts c = counts(r, "w");
	assert_int_equal(c.completed, 30);
	assert_int_equal(pcisim_io_reason_count(&r->sim, "w", "poisoned"), 10);
	assert_non_null(tb_find_rec(r, "aer.error", "dev", "name", "POISON_TLP"));
	tb_free(r);
}

/* device_del during I/O: QEMU presses the attention button, pciehp waits 5 s, then
 * unbinds the driver and powers the slot off; from then on the driver's requests fail
 * with "no device". (A surprise removal goes unnoticed by pciehp on QEMU's root port:
 * it has an attention button, so Linux enables ABPE instead of PDCE, and QEMU keeps
 * DLLSCE read-only.) */
static void removed_during_io(void **state)
{
	struct tb *r = tb_runf(0, base, "12s", "on",
			   "  - {at: 1s, do: io_start, name: rd, id: dev, op: mmio_read, rate: 1000}\n"
			   "  - {at: 2s, do: device_del, id: dev}\n"
			   "  - {at: 10s, do: io_stop, name: rd}\n"
			   "expect:\n"
			   "  - {io: rd, key: issued, equals: 9001}\n"
			   "  - {io: rd, key: completed, at_least: 5990, at_most: 6010}\n"
			   "  - {io: rd, key: in_flight, equals: 0}\n"
			   "  - {io: rd, key: errored.no device, at_least: 2990}\n"
			   "  - {io: rd}\n");
	assert_int_equal(r->failed, 0);
	counts(r, "rd");
	tb_free(r);
}

static void bad_expectations(void **state)
{
	struct tb r;
	int rc = tb_run_text(&r,
			  "version: 1\nname: b\ntopology:\n  - {driver: pcisim-endpoint, id: dev}\n"
			  "timeline:\n  - {at: 1s, do: io_start, name: x, id: dev, op: mmio_read}\n",
			  1 * S);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(r.diag.first, "'rate'"));
	tb_fini(&r);
	rc = tb_run_text(&r,
		      "version: 1\nname: b\ntopology:\n  - {driver: pcisim-endpoint, id: dev}\n"
		      "expect:\n  - {io: x, key: nope, equals: 1}\n",
		      1 * S);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(r.diag.first, "unknown io key 'nope'"));
	tb_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(completion_timeouts),
		cmocka_unit_test(healthy_reads_and_latency),
		cmocka_unit_test(downed_link),
		cmocka_unit_test(in_flight_timeout),
		cmocka_unit_test(poisoned),
		cmocka_unit_test(removed_during_io),
		cmocka_unit_test(bad_expectations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
