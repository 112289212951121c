/*
 * Linux's CXL drivers as a guest sees them (host: {cxl: on}, sim/host/cxl_host.c,
 * cxl_region.c): memdev probe through BARs the host assigns, the Register Locator
 * DVSEC and the mailbox; ports and decoders; regions whose committed decoders send
 * each HPA to the right device and DPA (directly below root ports and below a
 * switch); teardown on removal in its order; reads failing after a loss and a
 * poisoned read; cxl_pci's RAS handling; --cxl-list; the host key's checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "testbench.h"
#include "sim/cxl/hdm.h"
#include "sim/cxl/regs.h"
#include "sim/host/cxl_host.h"
#include "sim/pcie/mmio.h"

/* One host bridge, @nrp root ports, a cxl-type3 (512 MiB persistent) below each. */
static struct tb *machine(const char *qemu, unsigned nrp, const char *host, const char *timeline)
{
	char topo[2048] = "", *p = topo;
	for (unsigned i = 0; i < nrp; i++)
		p += sprintf(p,
			     "  - {driver: cxl-rp, id: rp%u, bus: hb0, port: %u, chassis: 1, slot: %u}\n"
			     "  - {driver: cxl-type3, id: mem%u, bus: rp%u, memdev: m%u, lsa: l%u}\n",
			     i, i, i + 1, i, i, i, i);
	return tb_runf(20 * PCISIM_MS,
		       "version: 1\nname: t\n"
		       "machine: {type: q35, qemu: \"%s\", cxl: on, cxl-fmw: [{targets: [hb0], size: 4G, interleave-granularity: 4k}]}\n"
		       "topology:\n"
		       "  - qemu_args: |\n"
		       "      -object memory-backend-ram,id=m0,size=512M\n"
		       "      -object memory-backend-ram,id=m1,size=512M\n"
		       "      -object memory-backend-ram,id=l0,size=1M\n"
		       "      -object memory-backend-ram,id=l1,size=1M\n"
		       "  - {driver: pxb-cxl, id: hb0, bus: pcie.0, bus_nr: 12}\n"
		       "%s"
		       "host: %s\n"
		       "timeline:\n%s",
		       qemu, topo, host, timeline);
}

/* cxl_pci: BARs assigned, blocks found through the DVSEC, Identify's answer kept. */
static void memdev_probe(void **state)
{
	(void)state;
	struct tb *t = machine("7.2", 2, "{cxl: on}", "  []\n");
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(&t->sim);
	assert_non_null(c);
	assert_int_equal(c->nmemdevs, 2);
	const struct pcisim_cxlh_memdev *m = c->memdevs[0];
	assert_ptr_equal(m->fn, tb_fn(t, "mem0"));
	/* QEMU's register locator: component block in BAR 0, device block in BAR 2, offset 0 */
	assert_int_equal(m->comp_bar, 0);
	assert_int_equal(m->dev_bar, 2);
	assert_int_equal(m->mbox, CXL_MBOX_OFFSET);
	assert_int_equal(m->memdev_status, CXL_MEMDEV_OFFSET);
	assert_int_equal(m->pmem, 512ull << 20);
	assert_int_equal(m->ram, 0);
	assert_int_equal(m->lsa, 1u << 20);
	assert_string_equal(m->fw, "BWFW VERSION 00");
	/* the BARs hold what the host assigned, and the capability array answers there */
	assert_int_equal(pcisim_mmio_bar_base(m->fn, 0), 0xc0000000ull);
	assert_int_equal(pcisim_mmio_bar_base(m->fn, 2), 0xc0010000ull);
	struct pcisim_mmio_target mt = pcisim_mmio_decode(&t->sim, 0xc0000000ull + PCISIM_CXL_CM_OFFSET);
	assert_int_equal(pcisim_mmio_read(&mt, 4), 0x03110001);
	/* the doorbell is clear after Identify */
	assert_int_equal(pcisim_cxl_device_read(m->fn, CXL_MBOX_CTRL, 4) & CXL_MBOX_CTRL_DOORBELL, 0);
	assert_int_equal(tb_count(t, "cxl.mbox", "rc", "0"), 2);
	/* ports: root decoder, port1 for the host bridge (2 dports), endpoints 2 and 3 */
	assert_int_equal(c->nroots, 1);
	assert_int_equal(c->roots[0].base, PCISIM_CXL_FMW_START);
	assert_int_equal(c->nports, 3);
	assert_int_equal(c->ports[0].id, 1);
	assert_int_equal(c->ports[0].ndports, 2);
	assert_false(c->ports[0].passthrough);
	assert_int_equal(c->ports[1].id, 2);
	assert_true(c->ports[1].endpoint);
	assert_int_equal(c->ports[1].ndecoders, 1); /* 7.2: one decoder */
	tb_free(t);
	/* without the key (or with cxl: off) the drivers do nothing at all */
	t = machine("7.2", 2, "{cxl: off}", "  []\n");
	assert_null(pcisim_cxl_host_of(&t->sim));
	assert_int_equal(tb_count(t, "cxl.memdev", NULL, NULL), 0);
	assert_int_equal(pcisim_mmio_bar_base(tb_fn(t, "mem0"), 0), 0);
	tb_free(t);
}

/* A 2-way region: the decoders committed send each 4 KiB granule to the right device and DPA. */
static void region_two_way_decodes(void **state)
{
	(void)state;
	struct tb *t = machine("7.2", 2, "{cxl: on}",
			       "  - {at: 1ms, do: cxl.create_region, memdevs: [mem0, mem1], granularity: 4096}\n");
	struct pcisim_fabric *fab = pcisim_fabric_get(&t->sim);
	struct pcisim_cxl_route r;
	uint64_t b = PCISIM_CXL_FMW_START;
	assert_int_equal(pcisim_cxl_decode(fab, b, &r), 0);
	assert_ptr_equal(r.device, tb_fn(t, "mem0"));
	assert_int_equal(r.dpa, 0);
	assert_int_equal(pcisim_cxl_decode(fab, b + 0x1000, &r), 0);
	assert_ptr_equal(r.device, tb_fn(t, "mem1"));
	assert_int_equal(r.dpa, 0);
	assert_int_equal(pcisim_cxl_decode(fab, b + 0x2040, &r), 0);
	assert_ptr_equal(r.device, tb_fn(t, "mem0"));
	assert_int_equal(r.dpa, 0x1040);
	/* the region is 1 GiB: both devices' whole capacity; beyond it nothing decodes */
	assert_int_equal(pcisim_cxl_decode(fab, b + (1ull << 30) - 1, &r), 0);
	assert_ptr_equal(r.device, tb_fn(t, "mem1"));
	assert_int_equal(r.dpa, (512ull << 20) - 1);
	assert_int_equal(pcisim_cxl_decode(fab, b + (1ull << 30), &r), -PCISIM_CXL_DEC_NO_DECODER);
	/* the host bridge's decoder lists the root ports' Port Numbers 0 and 1 */
	struct pcisim_pcifn *hb = tb_fn(t, "hb0");
	assert_int_equal(pcisim_cxl_component_read(hb, PCISIM_CXL_CM_OFFSET + CXL_HDM_DEC(0) + CXL_HDM_TARGET_LO, 4),
			 0x0100);
	uint32_t ctrl = (uint32_t)pcisim_cxl_component_read(hb, PCISIM_CXL_CM_OFFSET + CXL_HDM_DEC(0) + CXL_HDM_CTRL, 4);
	assert_int_equal(ctrl & (CXL_HDM_CTRL_COMMITTED | CXL_HDM_CTRL_IW | CXL_HDM_CTRL_IG), CXL_HDM_CTRL_COMMITTED | 0x14);
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(&t->sim);
	assert_int_equal(c->regions[0].state, PCISIM_CXLH_REGION_ONLINE);
	assert_int_equal(c->regions[0].memory_blocks, 8);
	tb_free(t);
}

/*
 * One root port: Linux's passthrough decoder programs nothing at the host bridge. QEMU
 * 8.0 passes such a host bridge through; 7.2 needs a committed decoder there, so the
 * region's memory does not decode in 7.2.
 */
static void single_root_port_passthrough(void **state)
{
	(void)state;
	const char *tl = "  - {at: 1ms, do: cxl.create_region, memdevs: [mem0]}\n";
	struct tb *t = machine("8.0", 1, "{cxl: on}", tl);
	struct pcisim_cxl_route r;
	assert_true(pcisim_cxl_host_of(&t->sim)->ports[0].passthrough);
	assert_int_equal(pcisim_cxl_decode(pcisim_fabric_get(&t->sim), PCISIM_CXL_FMW_START + 0x1000, &r), 0);
	assert_ptr_equal(r.device, tb_fn(t, "mem0"));
	assert_int_equal(r.dpa, 0x1000);
	assert_int_equal(tb_count(t, "cxl.decoder", "event", "commit"), 1); /* the endpoint's only */
	tb_free(t);
	t = machine("7.2", 1, "{cxl: on}", tl);
	assert_int_equal(pcisim_cxl_decode(pcisim_fabric_get(&t->sim), PCISIM_CXL_FMW_START + 0x1000, &r),
			 -PCISIM_CXL_DEC_NO_DECODER);
	tb_free(t);
}

/* A region's requests that cannot be met are refused with a line that says why. */
static void region_refusals(void **state)
{
	(void)state;
	struct tb *t = machine("7.2", 2, "{cxl: on}",
			       "  - {at: 1ms, do: cxl.create_region, memdevs: [mem0], size: 0x30000000}\n"
			       "  - {at: 2ms, do: cxl.create_region, memdevs: [mem0]}\n"
			       "  - {at: 3ms, do: cxl.create_region, memdevs: [mem1]}\n"
			       "  - {at: 4ms, do: cxl.destroy_region, region: region7}\n");
	assert_non_null(tb_find_log(t, "cxl create-region: size 0x30000000: needs a multiple of 0x10000000 and at most 0x20000000 free per memdev"));
	assert_int_equal(tb_count(t, "cxl.region", "event", "online"), 1);
	/* mem1 has a free decoder, the host bridge (one decoder in 7.2) has none */
	assert_non_null(tb_find_log(t, "cxl create-region: no free decoder for mem1"));
	assert_non_null(tb_find_log(t, "cxl destroy-region: no region 'region7'"));
	tb_free(t);
}

/* Bad input: located errors, exit status 2 material. */
static void bad_input(void **state)
{
	(void)state;
	struct tb *t = tb_new("7.2", "  - {driver: e1000e, id: n0, bus: pcie.0}\nhost: {cxl: on}\n", "");
	assert_int_not_equal(t->rc, 0);
	if (!strstr(t->err, "t.yaml:6:13: error: 'cxl: on' needs a machine with CXL"))
		fail_msg("%s", t->err);
	tb_free(t);
	t = calloc(1, sizeof(*t));
	int rc = tb_run_text(t,
			     "version: 1\nname: t\n"
			     "machine: {type: q35, qemu: \"7.2\", cxl: on, cxl-fmw: [{targets: [hb0], size: 4G}]}\n"
			     "topology:\n  - {driver: pxb-cxl, id: hb0, bus: pcie.0, bus_nr: 12}\n"
			     "host: {cxl: on}\n"
			     "timeline:\n  - {at: 1ms, do: cxl.create_region, memdevs: [a, b, c, d, e]}\n",
			     PCISIM_MS);
	assert_int_not_equal(rc, 0);
	if (!strstr(t->err, "t.yaml:8:47: error: 'memdevs': 5 memdevs; a region interleaves 1, 2, 3, 4, 6, 8, 12 or 16"))
		fail_msg("%s", t->err);
	tb_free(t);
}

static uint64_t seq_of(struct tb *t, const char *kind, const char *comp, const char *f, const char *v)
{
	const struct pcisim_record *r = tb_find_rec(t, kind, comp, f, v);
	if (!r)
		fail_msg("no %s record with %s=%s", kind, f ? f : "-", v ? v : "-");
	return r->seq;
}

/*
 * Removal of a memdev tears its region down in the order that must hold: stop the
 * I/O, offline, unmap (decoders reset), remove; then Linux forgets the device. After
 * a surprise removal the unmap's writes go nowhere (ok false) and every read between
 * the loss and the teardown failed.
 */
static void teardown_order(void **state)
{
	(void)state;
	struct tb *t = machine("8.1", 1, "{cxl: on}",
			       "  - {at: 1ms, do: cxl.create_region, memdevs: [mem0]}\n"
			       "  - {at: 1ms, do: cxl.dd_start, name: dd, region: region0, rate: 1000}\n"
			       "  - {at: 5ms, do: guest.remove_device, id: mem0}\n");
	uint64_t s[] = {
		seq_of(t, "cxl.io_stop", NULL, "why", "region torn down"),
		seq_of(t, "cxl.teardown", "mem0", "step", "stop_io"),
		seq_of(t, "cxl.region", NULL, "event", "offline"),
		seq_of(t, "cxl.teardown", "mem0", "step", "offline"),
		seq_of(t, "cxl.decoder", "mem0", "event", "reset"),
		seq_of(t, "cxl.teardown", "mem0", "step", "unmap"),
		seq_of(t, "cxl.region", NULL, "event", "destroyed"),
		seq_of(t, "cxl.teardown", "mem0", "step", "remove"),
		seq_of(t, "linux.device", "mem0", "event", "removed"),
	};
	for (size_t i = 1; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i] <= s[i - 1])
			fail_msg("teardown step %zu came before step %zu", i, i - 1);
	assert_string_equal(tb_field(tb_find_rec(t, "cxl.teardown", "mem0", "step", "unmap"), "ok"), "on");
	assert_string_equal(tb_field(tb_find_rec(t, "cxl.io_stop", NULL, NULL, NULL), "failed"), "0");
	/* the endpoint's decoder really is reset: nothing decodes any more */
	struct pcisim_cxl_route r;
	assert_int_equal(pcisim_cxl_decode(pcisim_fabric_get(&t->sim), PCISIM_CXL_FMW_START, &r),
			 -PCISIM_CXL_DEC_NO_DECODER);
	tb_free(t);

	/* the device is gone without notice (QEMU's ports send no Data Link Layer State
	 * Changed event): nothing is torn down, every read from the loss on fails */
	t = machine("8.1", 1, "{cxl: on}",
		    "  - {at: 1ms, do: cxl.create_region, memdevs: [mem0]}\n"
		    "  - {at: 1ms, do: cxl.dd_start, name: dd, region: region0, rate: 1000}\n"
		    "  - {at: 2500us, do: surprise_remove, id: mem0}\n"
		    "  - {at: 5500us, do: cxl.dd_stop, name: dd}\n");
	const struct pcisim_record *e = tb_find_rec(t, "cxl.io_error", NULL, NULL, NULL);
	assert_non_null(e);
	assert_string_equal(tb_field(e, "read"), "3"); /* reads at 1, 2 ms done; at 3 ms the device is gone */
	assert_int_equal(tb_count(t, "cxl.io_error", NULL, NULL), 1); /* one record per new reason */
	const struct pcisim_record *st = tb_find_rec(t, "cxl.io_stop", NULL, NULL, NULL);
	assert_non_null(st);
	assert_string_equal(tb_field(st, "completed"), "2");
	assert_string_equal(tb_field(st, "failed"), "3"); /* 3, 4 and 5 ms */
	assert_int_equal(tb_count(t, "cxl.teardown", NULL, NULL), 0);
	tb_free(t);
}

/* A poisoned line read: memory failure at the right HPA and DPA, the reader killed. */
static void poisoned_read(void **state)
{
	(void)state;
	struct tb *t = calloc(1, sizeof(*t));
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen("scenarios/cxl-poison-read.yaml", "r");
	assert_non_null(f);
	FILE *m = open_memstream(&text, &len);
	int ch;
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(f);
	fclose(m);
	assert_int_equal(tb_run_text(t, text, 0), 0);
	assert_int_equal(t->failed, 0);
	const struct pcisim_record *r = tb_find_rec(t, "cxl.memory_failure", NULL, NULL, NULL);
	assert_non_null(r);
	assert_string_equal(tb_field(r, "dpa"), "0x100000");
	assert_int_equal(tb_count(t, "cxl.memory_failure", NULL, NULL), 1);
	/* the reader is dead: nothing after the SIGBUS */
	assert_string_equal(tb_field(tb_find_rec(t, "cxl.io_stop", NULL, NULL, NULL), "why"), "SIGBUS");
	tb_free(t);
	free(text);
}

/*
 * cxl_pci's RAS handling: unmasked at probe where AER enabled error reporting (except
 * the 256B-flit error); a correctable error's RAS status logged and cleared by
 * cor_error_detected.
 */
static void ras_unmask_and_correctable(void **state)
{
	(void)state;
	struct tb *t = machine("8.1", 2, "{cxl: on, aer: on}",
			       "  - {at: 1ms, setpci: \"-s 0d:00.0 ECAP_AER+0x14.l=0:00004000\"}\n"
			       "  - {at: 2ms, do: cxl-inject-correctable-error, path: mem0, type: retry-threshold}\n");
	struct pcisim_pcifn *d = tb_fn(t, "mem0"), *d1 = tb_fn(t, "mem1");
	assert_int_equal(pcisim_cxl_component_read(d, PCISIM_CXL_CM_OFFSET + CXL_RAS_UNC_MASK, 4), 0x100);
	assert_int_equal(pcisim_cxl_component_read(d, PCISIM_CXL_CM_OFFSET + CXL_RAS_COR_MASK, 4), 0);
	assert_non_null(tb_find_log(t, "cxl_pci 0000:0d:00.0: cxl_aer_correctable_error: memdev=mem0 status="));
	assert_int_equal(pcisim_cxl_component_read(d, PCISIM_CXL_CM_OFFSET + CXL_RAS_COR_STATUS, 4), 0);
	/* mem1 got no error: its status was never touched */
	assert_int_equal(pcisim_cxl_component_read(d1, PCISIM_CXL_CM_OFFSET + CXL_RAS_COR_MASK, 4), 0);
	tb_free(t);
	/* without AER, Device Control enables no reporting: the RAS stays masked */
	t = machine("8.1", 2, "{cxl: on}", "  []\n");
	d = tb_fn(t, "mem0");
	assert_int_equal(pcisim_cxl_component_read(d, PCISIM_CXL_CM_OFFSET + CXL_RAS_UNC_MASK, 4), CXL_RAS_UNC_BITS);
	assert_int_equal(pcisim_cxl_component_read(d, PCISIM_CXL_CM_OFFSET + CXL_RAS_COR_MASK, 4), CXL_RAS_COR_BITS);
	tb_free(t);
}

/*
 * A switch between the root port and the memdevs: cxl_port adds the upstream port as a
 * port (its BAR assigned, its decoders), the 2-way region is programmed at the switch
 * (targets the downstream ports' Port Numbers) while the single-dport host bridge
 * passes through; the HPAs alternate between the devices.
 */
static void region_below_a_switch(void **state)
{
	(void)state;
	struct tb *t = tb_runf(10 * PCISIM_MS,
		"version: 1\nname: t\n"
		"machine: {type: q35, qemu: \"8.1\", cxl: on, cxl-fmw: [{targets: [hb0], size: 4G}]}\n"
		"topology:\n"
		"  - qemu_args: |\n"
		"      -object memory-backend-ram,id=m0,size=256M\n"
		"      -object memory-backend-ram,id=m1,size=256M\n"
		"      -object memory-backend-ram,id=l0,size=1M\n"
		"      -object memory-backend-ram,id=l1,size=1M\n"
		"  - {driver: pxb-cxl, id: hb0, bus: pcie.0, bus_nr: 12}\n"
		"  - {driver: cxl-rp, id: rp0, bus: hb0, port: 0, chassis: 1, slot: 1}\n"
		"  - {driver: cxl-upstream, id: us0, bus: rp0}\n"
		"  - {driver: cxl-downstream, id: ds0, bus: us0, port: 4, chassis: 2, slot: 1}\n"
		"  - {driver: cxl-downstream, id: ds1, bus: us0, port: 5, chassis: 2, slot: 2}\n"
		"  - {driver: cxl-type3, id: mem0, bus: ds0, persistent-memdev: m0, lsa: l0}\n"
		"  - {driver: cxl-type3, id: mem1, bus: ds1, persistent-memdev: m1, lsa: l1}\n"
		"host: {cxl: on}\n"
		"timeline:\n"
		"  - {at: 1ms, do: cxl.create_region, memdevs: [mem0, mem1], granularity: 1024}\n");
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(&t->sim);
	/* port1 the host bridge (passthrough), port2 the switch, endpoints 3 and 4 */
	assert_int_equal(c->nports, 4);
	assert_true(c->ports[0].passthrough);
	assert_ptr_equal(c->ports[1].fn, tb_fn(t, "us0"));
	assert_int_equal(c->ports[1].id, 2);
	assert_int_equal(c->ports[1].parent, 0);
	assert_int_equal(c->ports[1].ndports, 2);
	assert_int_equal(c->memdevs[1]->nchain, 2);
	/* the switch's decoder: 2 ways, 1 KiB, Port Numbers 4 and 5 */
	struct pcisim_pcifn *us = tb_fn(t, "us0");
	assert_int_not_equal(pcisim_mmio_bar_base(us, 0), 0);
	struct pcisim_mmio_target mt = pcisim_mmio_bar_target(us, 0, PCISIM_CXL_CM_OFFSET + CXL_HDM_DEC(0) + CXL_HDM_TARGET_LO);
	assert_int_equal(pcisim_mmio_read(&mt, 4), 0x0504);
	mt = pcisim_mmio_bar_target(us, 0, PCISIM_CXL_CM_OFFSET + CXL_HDM_DEC(0) + CXL_HDM_CTRL);
	assert_int_equal(pcisim_mmio_read(&mt, 4) & 0x4ff, CXL_HDM_CTRL_COMMITTED | 0x12);
	/* a target further on in the same BAR, from the one decode: the same register,
	 * and none past the BAR's end or from no target */
	struct pcisim_mmio_target blk = pcisim_mmio_bar_target(us, 0, PCISIM_CXL_CM_OFFSET);
	struct pcisim_mmio_target at = pcisim_mmio_target_at(&blk, CXL_HDM_DEC(0) + CXL_HDM_TARGET_LO);
	assert_int_equal(at.off, PCISIM_CXL_CM_OFFSET + CXL_HDM_DEC(0) + CXL_HDM_TARGET_LO);
	assert_int_equal(pcisim_mmio_read(&at, 4), 0x0504);
	uint64_t size = pcisim_mmio_bar_size(us, 0);
	assert_int_equal(blk.size, size);
	at = pcisim_mmio_target_at(&blk, size - PCISIM_CXL_CM_OFFSET - 4);
	assert_ptr_equal(at.fn, us);
	at = pcisim_mmio_target_at(&blk, size - PCISIM_CXL_CM_OFFSET);
	assert_null(at.fn);
	assert_int_equal(pcisim_mmio_read(&at, 4), 0xffffffffu);
	struct pcisim_mmio_target none = pcisim_mmio_bar_target(us, 0, size);
	at = pcisim_mmio_target_at(&none, 0);
	assert_null(at.fn);
	struct pcisim_fabric *fab = pcisim_fabric_get(&t->sim);
	for (uint64_t g = 0; g < 8; g++) {
		struct pcisim_cxl_route r;
		assert_int_equal(pcisim_cxl_decode(fab, PCISIM_CXL_FMW_START + g * 1024 + 5, &r), 0);
		assert_ptr_equal(r.device, tb_fn(t, g % 2 ? "mem1" : "mem0"));
		assert_ptr_equal(r.switch_up, us);
		assert_int_equal(r.dpa, (g / 2) * 1024 + 5);
	}
	assert_int_equal(tb_count(t, "cxl.decoder", "event", "commit"), 3); /* 2 endpoints, the switch */
	tb_free(t);
}

/* --cxl-list: cxl-cli's JSON at the times asked for; a bad time is a usage error. */
static void cxl_list_option(void **state)
{
	(void)state;
	char *out = NULL;
	int rc = tb_cli(&out, "simulate scenarios/cxl-region-interleave.yaml --quiet --cxl-list 2ms --cxl-list end");
	assert_int_equal(rc, 0);
	const char *at2 = strstr(out, "cxl list -vvv at 0.002000000 s:");
	const char *atend = strstr(out, "cxl list -vvv at 0.010000000 s:");
	if (!at2 || !atend || atend < at2)
		fail_msg("%s", out);
	/* at 2 ms: region0 over mem0 at the window's base, mem0's decoder in it */
	const char *r0 = strstr(at2, "\"regions:decoder0.0\": [\n          {\n            \"region\": \"region0\",\n"
				     "            \"resource\": 4563402752,\n            \"size\": 268435456,");
	if (!r0 || r0 > atend)
		fail_msg("no region0 at 2 ms:\n%s", out);
	assert_non_null(strstr(at2, "\"memdev\": \"mem0\",\n              \"pmem_size\": 536870912,"));
	/* at the end: region1, 2-way, its second mapping mem1's decoder3.0; region0 is gone */
	if (!strstr(atend, "\"region\": \"region1\"") || strstr(atend, "\"region\": \"region0\"") ||
	    !strstr(atend, "\"position\": 1,\n                \"memdev\": \"mem1\",\n                \"decoder\": \"decoder3.0\""))
		fail_msg("%s", atend);
	free(out);
	rc = tb_cli(&out, "simulate scenarios/cxl-region-interleave.yaml --cxl-list soon");
	assert_int_equal(rc, 2);
	if (!strstr(out, "option '--cxl-list': 'soon': expected a duration"))
		fail_msg("%s", out);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memdev_probe),
		cmocka_unit_test(region_two_way_decodes),
		cmocka_unit_test(single_root_port_passthrough),
		cmocka_unit_test(region_refusals),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(cxl_list_option),
		cmocka_unit_test(teardown_order),
		cmocka_unit_test(poisoned_read),
		cmocka_unit_test(ras_unmask_and_correctable),
		cmocka_unit_test(region_below_a_switch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
