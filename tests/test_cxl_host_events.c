/*
 * Linux's event interrupts (host: {cxl_event_irq: on}, sim/host/cxl_events.c) and the
 * DCD series' dynamic capacity handling (host: {cxl_dcd: on}, sim/host/cxl_dcd.c):
 * the policy Linux sets and the vectors it listens on, the order it reads the logs
 * in, the logs emptied by its Clear Event Records; the tag rule of Add Capacity
 * chains, a region-less offer rejected, the host keys' checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "testbench.h"
#include "sim/cxl/cxl_state.h"
#include "sim/cxl/dcd.h"
#include "sim/cxl/memdev.h"
#include "sim/host/cxl_host.h"

/* A cxl-type3 of 512 MiB persistent memory on QEMU @qemu, host @host, then @timeline. */
static struct tb *type3(const char *qemu, const char *host, const char *timeline)
{
	return tb_runf(20 * PCISIM_MS,
		       "version: 1\nname: t\n"
		       "machine: {type: q35, qemu: \"%s\", cxl: on, cxl-fmw: [{targets: [hb0], size: 4G}]}\n"
		       "topology:\n"
		       "  - qemu_args: \"-object memory-backend-ram,id=m0,size=512M -object memory-backend-ram,id=l0,size=1M\"\n"
		       "  - {driver: pxb-cxl, id: hb0, bus: pcie.0, bus_nr: 12}\n"
		       "  - {driver: cxl-rp, id: rp0, bus: hb0, port: 0, chassis: 1, slot: 1}\n"
		       "  - {driver: cxl-type3, id: mem0, bus: rp0, memdev: m0, lsa: l0}\n"
		       "host: %s\n"
		       "timeline:\n%s",
		       qemu, host, timeline);
}

/* A DCD (two 512 MiB DC regions, no static memory) on QEMU 9.1 with the DCD series. */
static struct tb *dcd(const char *timeline)
{
	return tb_runf(20 * PCISIM_MS,
		       "version: 1\nname: t\n"
		       "machine: {type: q35, qemu: \"9.1\", cxl: on, cxl-fmw: [{targets: [hb0], size: 4G}]}\n"
		       "topology:\n"
		       "  - qemu_args: \"-object memory-backend-ram,id=dc0,size=1G\"\n"
		       "  - {driver: pxb-cxl, id: hb0, bus: pcie.0, bus_nr: 12}\n"
		       "  - {driver: cxl-rp, id: rp0, bus: hb0, port: 0, chassis: 1, slot: 1}\n"
		       "  - {driver: cxl-type3, id: dcd0, bus: rp0, volatile-dc-memdev: dc0, num-dc-regions: 2}\n"
		       "host: {cxl: on, cxl_dcd: on}\n"
		       "timeline:\n%s",
		       timeline);
}

#define GM_EVENT(at, log) \
	"  - {at: " at ", do: cxl-inject-general-media-event, path: mem0, log: " log ", flags: 1, dpa: 0x1000,\n" \
	"     descriptor: 1, type: 0, transaction-type: 2}\n"

/* The log names of the cxl.event_record records, in trace order, space-separated. */
static void read_order(struct tb *t, char *out, size_t n)
{
	size_t at = 0;
	out[0] = 0;
	for (size_t i = 0; i < t->sim.trace->nrecs; i++) {
		const struct pcisim_record *rec = &t->sim.trace->recs[i];
		if (!strcmp(rec->kind, "cxl.event_record"))
			at += (size_t)snprintf(out + at, n - at, "%s%s", at ? " " : "", tb_field(rec, "log"));
	}
}

/*
 * cxl_event_config(): MSI-X on, the four logs on vectors 2-5. Events in all four logs
 * before Linux boots are read by its first pass in Linux's order (fatal, failure,
 * warning, informational); one after boot is read on its vector's interrupt. Every
 * log is cleared: the device's logs and Event Status end empty.
 */
static void logs_read_in_order_and_on_interrupt(void **state)
{
	(void)state;
	struct tb *t = type3("8.1", "{cxl: on, cxl_event_irq: on, boot: 2ms}",
			     GM_EVENT("1ms", "informational") GM_EVENT("1ms", "warning") GM_EVENT("1ms", "failure")
				     GM_EVENT("1ms", "fatal") GM_EVENT("3ms", "failure"));
	assert_int_equal(t->failed, 0);
	const struct pcisim_record *cfg = tb_find_rec(t, "cxl.event_config", "mem0", NULL, NULL);
	assert_non_null(cfg);
	assert_string_equal(tb_field(cfg, "vectors"), "informational=2 warning=3 failure=4 fatal=5");
	/* Set Event Interrupt Policy went out with four bytes (no DCD series) and worked */
	assert_non_null(tb_find_rec(t, "cxl.mbox", "mem0", "opcode", "0x103"));
	assert_int_equal(tb_count(t, "cxl.mbox", "rc", "-1"), 0);
	/* MSI-X was off at 1 ms; the failure event at 3 ms is signalled on vector 4, handled */
	assert_int_equal(tb_count(t, "cxl.event_irq", NULL, NULL), 1);
	const struct pcisim_record *irq = tb_find_rec(t, "cxl.event_irq", "mem0", "vector", "4");
	assert_non_null(irq);
	assert_string_equal(tb_field(irq, "handled"), "on");
	char order[256];
	read_order(t, order, sizeof(order));
	assert_string_equal(order, "fatal failure warning informational failure");
	struct pcisim_pcifn *fn = tb_fn(t, "mem0");
	for (unsigned l = 0; l < 4; l++)
		assert_int_equal(pcisim_cxl_event_count(fn, l), 0);
	assert_int_equal(pcisim_cxl_device_read(fn, CXL_DEV_STATUS_OFFSET, 4), 0);
	tb_free(t);
}

/* Without cxl_event_irq Linux sets nothing up and reads no log: the record stays. */
static void no_event_config_by_default(void **state)
{
	(void)state;
	struct tb *t = type3("8.1", "{cxl: on}", GM_EVENT("1ms", "failure"));
	assert_int_equal(t->failed, 0);
	assert_int_equal(tb_count(t, "cxl.event_config", NULL, NULL), 0);
	assert_int_equal(tb_count(t, "cxl.event_irq", NULL, NULL), 0);
	assert_int_equal(tb_count(t, "cxl.mbox", "opcode", "0x100"), 0);
	assert_int_equal(pcisim_cxl_event_count(tb_fn(t, "mem0"), 2), 1);
	tb_free(t);
}

/*
 * The DCD series: the DC configuration at probe; QEMU's message number 0 for the DC
 * log leaves vector 6 unhandled; with cxl_dcd alone the four other logs get no
 * handler either, so the offer waits in the log.
 */
static void dcd_probe_and_unhandled_vector(void **state)
{
	(void)state;
	struct tb *t = dcd("  - {at: 1ms, do: cxl.create_region, memdevs: [dcd0], type: dynamic_ram_a, size: 0x20000000}\n"
			   "  - {at: 2ms, do: cxl-add-dynamic-capacity, path: dcd0, host-id: 0, selection-policy: prescriptive,\n"
			   "     region: 0, extents: [{offset: 0, len: 0x200000}]}\n");
	assert_int_equal(t->failed, 0);
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(&t->sim);
	const struct pcisim_cxlh_memdev *m = c->memdevs[0];
	assert_true(m->dcd);
	assert_int_equal(m->ndc, 2);
	assert_int_equal(m->dc[0].base, 0);
	assert_int_equal(m->dc[0].len, 512ull << 20);
	assert_int_equal(m->dc[1].base, 512ull << 20);
	assert_int_equal(m->dc[0].block_size, 2ull << 20);
	assert_string_equal(tb_field(tb_find_rec(t, "cxl.event_config", "dcd0", NULL, NULL), "vectors"),
			    "dynamic_capacity=0");
	const struct pcisim_record *irq = tb_find_rec(t, "cxl.event_irq", "dcd0", "vector", "6");
	assert_non_null(irq);
	assert_string_equal(tb_field(irq, "handled"), "off");
	assert_int_equal(tb_count(t, "cxl.dc_response", NULL, NULL), 0);
	assert_int_equal(pcisim_cxl_event_count(tb_fn(t, "dcd0"), PCISIM_CXL_EVENT_LOG_DCD), 1);
	/* the region is committed over DC partition 0 and holds no memory yet */
	assert_true(c->regions[0].dc);
	assert_int_equal(c->regions[0].memory_blocks, 0);
	assert_int_equal(m->next, 0);
	tb_free(t);
}

/*
 * Offers read at probe (boot after them): one in no region is rejected by an empty
 * response; the device drops it.
 */
static void offer_without_region_rejected(void **state)
{
	(void)state;
	struct tb *t = tb_runf(20 * PCISIM_MS,
			       "version: 1\nname: t\n"
			       "machine: {type: q35, qemu: \"9.1\", cxl: on, cxl-fmw: [{targets: [hb0], size: 4G}]}\n"
			       "topology:\n"
			       "  - qemu_args: \"-object memory-backend-ram,id=dc0,size=1G\"\n"
			       "  - {driver: pxb-cxl, id: hb0, bus: pcie.0, bus_nr: 12}\n"
			       "  - {driver: cxl-rp, id: rp0, bus: hb0, port: 0, chassis: 1, slot: 1}\n"
			       "  - {driver: cxl-type3, id: dcd0, bus: rp0, volatile-dc-memdev: dc0, num-dc-regions: 2}\n"
			       "host: {cxl: on, cxl_dcd: on, boot: 2ms}\n"
			       "timeline:\n"
			       "  - {at: 1ms, do: cxl-add-dynamic-capacity, path: dcd0, host-id: 0, selection-policy: prescriptive,\n"
			       "     region: 0, extents: [{offset: 0, len: 0x200000}, {offset: 0x400000, len: 0x200000}]}\n");
	assert_int_equal(t->failed, 0);
	assert_int_equal(tb_count(t, "cxl.dc_extent", "event", "rejected"), 2);
	const struct pcisim_record *r = tb_find_rec(t, "cxl.dc_response", "dcd0", "op", "add");
	assert_non_null(r);
	assert_string_equal(tb_field(r, "extents"), "0");
	assert_string_equal(tb_field(r, "rc"), "0");
	const struct pcisim_cxl_dc *dc = pcisim_cxl_dc_of(tb_fn(t, "dcd0"));
	assert_int_equal(dc->npending, 0);
	assert_int_equal(dc->naccepted, 0);
	tb_free(t);
}

/* The FM's Initiate Dynamic Capacity Add of one extent of region 0, with tag byte @tag. */
static void fm_add(struct tb *t, uint64_t dpa, uint8_t tag)
{
	uint8_t in[0x20 + 40] = {0}, out[2048];
	size_t n = 0;
	in[2] = PCISIM_CXL_DC_SELECT_PRESCRIPTIVE;
	in[0x1c] = 1;
	for (unsigned i = 0; i < 8; i++)
		in[0x20 + i] = (uint8_t)(dpa >> (8 * i));
	in[0x20 + 8 + 2] = 0x20; /* 2 MiB */
	in[0x20 + 16] = tag;
	assert_int_equal(pcisim_cxl_dc_fm_exec(tb_fn(t, "dcd0"), CXL_OP_FM_INITIATE_DC_ADD, in, sizeof(in), out, &n), 0);
}

/*
 * A tag committed by one More chain may not come back in a later one: the second
 * offer with the same tag is dropped whole, one with another tag is accepted. The
 * series reads the log when the informational log's interrupt runs its handler.
 */
static void tag_committed_once(void **state)
{
	(void)state;
	struct tb *t = calloc(1, sizeof(*t));
	int rc = tb_build(t,
			  "version: 1\nname: t\nuntil: 20ms\n"
			  "machine: {type: q35, qemu: \"10.1\", cxl: on, cxl-fmw: [{targets: [hb0], size: 4G}]}\n"
			  "topology:\n"
			  "  - qemu_args: \"-object memory-backend-ram,id=dc0,size=1G\"\n"
			  "  - {driver: pxb-cxl, id: hb0, bus: pcie.0, bus_nr: 12}\n"
			  "  - {driver: cxl-rp, id: rp0, bus: hb0, port: 0, chassis: 1, slot: 1}\n"
			  "  - {driver: cxl-type3, id: dcd0, bus: rp0, volatile-dc-memdev: dc0, num-dc-regions: 2}\n"
			  "host: {cxl: on, cxl_dcd: on, cxl_event_irq: on}\n"
			  "timeline:\n"
			  "  - {at: 1ms, do: cxl.create_region, memdevs: [dcd0], type: dynamic_ram_a, size: 0x20000000}\n"
			  "  - {at: 3ms, do: cxl-inject-general-media-event, path: dcd0, log: informational, flags: 1, dpa: 0,\n"
			  "     descriptor: 1, type: 0, transaction-type: 2}\n"
			  "  - {at: 5ms, do: cxl-inject-general-media-event, path: dcd0, log: informational, flags: 1, dpa: 0,\n"
			  "     descriptor: 1, type: 0, transaction-type: 2}\n",
			  0);
	assert_int_equal(rc, 0);
	pcisim_run(&t->sim, 2 * PCISIM_MS);
	fm_add(t, 0, 0x11);
	pcisim_run(&t->sim, 4 * PCISIM_MS);
	assert_int_equal(tb_count(t, "cxl.dc_extent", "event", "added"), 1);
	fm_add(t, 0x400000, 0x11);
	fm_add(t, 0x800000, 0x99);
	pcisim_run(&t->sim, 20 * PCISIM_MS);
	const struct pcisim_record *rej = tb_find_rec(t, "cxl.dc_extent", "dcd0", "event", "rejected");
	assert_non_null(rej);
	assert_string_equal(tb_field(rej, "dpa"), "0x400000");
	assert_string_equal(tb_field(rej, "why"), "tag already committed in a previous More-chain");
	assert_int_equal(tb_count(t, "cxl.dc_extent", "event", "added"), 2);
	/* three responses: the first offer, the dropped one (empty), the other tag's */
	assert_int_equal(tb_count(t, "cxl.dc_response", "op", "add"), 3);
	assert_int_equal(tb_count(t, "cxl.dc_response", "extents", "0"), 1);
	const struct pcisim_cxl_dc *dc = pcisim_cxl_dc_of(tb_fn(t, "dcd0"));
	assert_int_equal(dc->naccepted, 2);
	assert_int_equal(dc->accepted[1].start, 0x800000);
	assert_int_equal(dc->npending, 0);
	tb_free(t);
}

/* The host keys need Linux's CXL drivers; a wrong word lists the forms. */
static void host_keys_checked(void **state)
{
	(void)state;
	struct tb *t = tb_new("9.1", "  - {driver: e1000e, id: n0, bus: pcie.0}\nhost: {cxl_dcd: on}\n", "");
	assert_int_not_equal(t->rc, 0);
	if (!strstr(t->err, "t.yaml:6:17: error: 'cxl_dcd: on' needs Linux's CXL drivers: set 'cxl: on' in the host: section"))
		fail_msg("%s", t->err);
	tb_free(t);
	t = tb_new("9.1", "  - {driver: e1000e, id: n0, bus: pcie.0}\nhost: {cxl_event_irq: maybe}\n", "");
	assert_int_not_equal(t->rc, 0);
	if (!strstr(t->err, "t.yaml:6:23: error: 'cxl_event_irq'"))
		fail_msg("%s", t->err);
	tb_free(t);
}

int main(void)
{
	tb_register();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(logs_read_in_order_and_on_interrupt),
		cmocka_unit_test(no_event_config_by_default),
		cmocka_unit_test(dcd_probe_and_unhandled_vector),
		cmocka_unit_test(offer_without_region_rejected),
		cmocka_unit_test(tag_committed_once),
		cmocka_unit_test(host_keys_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
