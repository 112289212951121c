/*
 * Volatile memory (QEMU 8.0's volatile-memdev) as Linux's CXL drivers use it: the
 * volatile capacity Identify reports, a ram region over DPA 0 and a pmem region after
 * it, each HPA landing at the DPA of its partition; a ram region after a pmem one
 * refused (an endpoint's decoders map DPA upwards); 7.2 refuses the property.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "testbench.h"
#include "sim/cxl/memdev.h"
#include "sim/host/cxl_host.h"

static struct tb *volatile_machine(const char *qemu, const char *timeline)
{
	return tb_runf(20 * PCISIM_MS,
		       "version: 1\nname: t\n"
		       "machine: {type: q35, qemu: \"%s\", cxl: on, cxl-fmw: [{targets: [hb0], size: 4G}]}\n"
		       "topology:\n"
		       "  - qemu_args: \"-object memory-backend-ram,id=v0,size=256M -object memory-backend-ram,id=p0,size=512M"
		       " -object memory-backend-ram,id=l0,size=1M\"\n"
		       "  - {driver: pxb-cxl, id: hb0, bus: pcie.0, bus_nr: 12}\n"
		       "  - {driver: cxl-rp, id: rp0, bus: hb0, port: 0, chassis: 1, slot: 1}\n"
		       "  - {driver: cxl-type3, id: mem0, bus: rp0, volatile-memdev: v0, persistent-memdev: p0, lsa: l0}\n"
		       "host: {cxl: on}\n"
		       "timeline:\n%s",
		       qemu, timeline);
}

static uint64_t dpa_u64(struct tb *t, uint64_t dpa)
{
	uint64_t v = 0;
	assert_int_equal(pcisim_cxl_dpa_access(tb_fn(t, "mem0"), dpa, &v, sizeof(v), false), 0);
	return v;
}

/* ram at DPA 0, pmem from 256 MiB: stores through each region land in its partition. */
static void ram_then_pmem_regions(void **state)
{
	(void)state;
	struct tb *t = volatile_machine("8.0",
					"  - {at: 1ms, do: cxl.create_region, memdevs: [mem0], type: ram}\n"
					"  - {at: 2ms, do: cxl.create_region, memdevs: [mem0], size: 0x10000000}\n"
					"  - {at: 3ms, do: guest.cxl_mem_write, address: 0x110000040, value: 0x1111, expect: ok}\n"
					"  - {at: 3ms, do: guest.cxl_mem_write, address: 0x120000080, value: 0x2222, expect: ok}\n");
	assert_int_equal(t->failed, 0);
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(&t->sim);
	const struct pcisim_cxlh_memdev *m = c->memdevs[0];
	assert_int_equal(m->ram, 256ull << 20);
	assert_int_equal(m->pmem, 512ull << 20);
	assert_int_equal(c->nregions, 2);
	assert_false(c->regions[0].pmem);
	assert_false(c->regions[0].dc);
	assert_int_equal(c->regions[0].state, PCISIM_CXLH_REGION_ONLINE);
	assert_int_equal(c->regions[0].memory_blocks, 2);
	assert_true(c->regions[1].pmem);
	/* decoder 0 maps DPA 0 (no skip), decoder 1 DPA 256 MiB (no skip: it follows) */
	const struct pcisim_cxlh_port *ep = &c->ports[m->endpoint];
	assert_int_equal(ep->dec[0].dpa_base, 0);
	assert_int_equal(ep->dec[1].dpa_base, 0);
	assert_int_equal(dpa_u64(t, 0x40), 0x1111);
	assert_int_equal(dpa_u64(t, (256ull << 20) + 0x80), 0x2222);
	tb_free(t);
}

/* pmem first, then ram: the ram would sit below the pmem decoder's DPA: refused. */
static void ram_after_pmem_refused(void **state)
{
	(void)state;
	struct tb *t = volatile_machine("8.0",
					"  - {at: 1ms, do: cxl.create_region, memdevs: [mem0], size: 0x10000000}\n"
					"  - {at: 2ms, do: cxl.create_region, memdevs: [mem0], type: ram}\n");
	assert_non_null(tb_find_log(t, "cxl create-region: mem0: ram at DPA 0 lies below decoder2.0's end 0x20000000"));
	assert_int_equal(pcisim_cxl_host_of(&t->sim)->nregions, 1);
	tb_free(t);
}

/* QEMU 7.2 has no volatile-memdev: refused with QEMU's words, exit status 2 from the CLI. */
static void volatile_memdev_before_8_0(void **state)
{
	(void)state;
	struct tb *t = tb_new("7.2",
			      "  - qemu_args: \"-object memory-backend-ram,id=v0,size=256M\"\n"
			      "  - {driver: pxb-cxl, id: hb0, bus: pcie.0, bus_nr: 12}\n"
			      "  - {driver: cxl-rp, id: rp0, bus: hb0, port: 0, chassis: 1, slot: 1}\n"
			      "  - {driver: cxl-type3, id: mem0, bus: rp0, volatile-memdev: v0}\n",
			      ", cxl: on, cxl-fmw: [{targets: [hb0], size: 4G}]");
	assert_int_not_equal(t->rc, 0);
	if (!strstr(t->err, "'volatile-memdev' is not a property of 'cxl-type3' in the emulated QEMU (QEMU 8.0 added it); "
			    "QEMU reports: Property '.volatile-memdev' not found"))
		fail_msg("%s", t->err);
	tb_free(t);
}

int main(void)
{
	tb_register();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ram_then_pmem_regions),
		cmocka_unit_test(ram_after_pmem_refused),
		cmocka_unit_test(volatile_memdev_before_8_0),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
