/*
 * CXL behind the config space: the component and device register blocks at register
 * level (QEMU's offsets, reset values and write rules per version), the mailbox
 * doorbell and command set per version, HDM decoding and interleave arithmetic, the
 * poison list, RAS injection with AER's internal error, and the event logs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "testbench.h"
#include "sim/cxl/cxl_state.h"
#include "sim/cxl/hdm.h"
#include "sim/cxl/memdev.h"
#include "sim/cxl/regs.h"
#include "sim/pcie/regs/aer.h"

#define CM(off) (PCISIM_CXL_CM_OFFSET + (off))

/* One host bridge, one root port, one type 3 device with 256 MiB persistent memory. */
static struct tb *single(const char *qemu)
{
	char text[2048];
	snprintf(text, sizeof(text),
		 "version: 1\nname: t\n"
		 "machine: {type: q35, qemu: \"%s\", cxl: on, cxl-fmw: [{targets: [hb], size: 4G}]}\n"
		 "topology:\n"
		 "  - qemu_args: |\n"
		 "      -object memory-backend-ram,id=m0,size=256M\n"
		 "      -object memory-backend-ram,id=l0,size=1M\n"
		 "  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"
		 "  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"
		 "  - {driver: cxl-type3, id: t0, bus: rp0, memdev: m0, lsa: l0}\n",
		 qemu);
	struct tb *t = tb_text(text);
	if (t->rc)
		fail_msg("did not load: %s", t->err);
	return t;
}

static uint32_t crd(struct pcisim_pcifn *f, unsigned off)
{
	return (uint32_t)pcisim_cxl_component_read(f, CM(off), 4);
}
static void cwr(struct pcisim_pcifn *f, unsigned off, uint32_t v)
{
	pcisim_cxl_component_write(f, CM(off), 4, v);
}

/*
 * The config space of the CXL functions per version: 7.2's layout as QEMU 7.2 shows it
 * (tests/qemu-diff group cxl compares every byte), the CXL r3 layout after it.
 */
static void config_layout_by_version(void **state)
{
	(void)state;
	struct tb *t = single("7.2");
	struct pcisim_cfg *rp = &tb_fn(t, "rp0")->cfg, *d = &tb_fn(t, "t0")->cfg, *hb = &tb_fn(t, "hb")->cfg;
	assert_int_equal(pcisim_cfg_get(hb, 0x08, 4) >> 8, 0x060000);  /* pxb-cxl: class host bridge */
	assert_int_equal(pcisim_cfg_find_cap(rp, 0x05), 0);             /* cxl-rp: no MSI ... */
	assert_int_equal(pcisim_cfg_find_cap(rp, 0x10), 0x48);          /* ... PCIe first free */
	assert_int_equal(pcisim_cfg_get(rp, 0x48 + 0x0c, 4), 0x411);    /* x1 at 2.5 GT/s */
	assert_int_equal(pcisim_cfg_get(rp, 0x188 + 0x04, 4), 0x01411e98); /* Flex Bus rev 1, 0x14 */
	assert_int_equal(pcisim_cfg_get(rp, 0x19c + 0x08, 2), 8);       /* then the Register Locator */
	assert_int_equal(pcisim_cfg_get(d, 0x100 + 0x04, 4), 0x03811e98); /* device DVSEC rev 1, 0x38 */
	assert_int_equal(pcisim_cfg_find_ext_cap(d, 0x01), 0);          /* type 3: no AER */
	assert_int_equal(pcisim_cfg_get(d, 0x40 + 2, 2) & 0x7ff, 0);    /* one MSI-X vector */
	tb_free(t);
	t = single("9.1");
	rp = &tb_fn(t, "rp0")->cfg;
	d = &tb_fn(t, "t0")->cfg;
	assert_int_equal(pcisim_cfg_find_cap(rp, 0x05), 0x60);
	assert_int_equal(pcisim_cfg_find_cap(rp, 0x10), 0x74);
	assert_int_equal(pcisim_cfg_get(rp, 0x188 + 0x04, 4), 0x02021e98); /* Flex Bus rev 2, 0x20 */
	assert_int_equal(pcisim_cfg_get(d, 0x100 + 0x04, 4), 0x03c31e98); /* device DVSEC rev 3, 0x3c */
	assert_int_equal(pcisim_cfg_find_ext_cap(d, 0x01), 0x200);
	assert_int_equal(pcisim_cfg_get(d, 0x40 + 2, 2) & 0x7ff, 7);
	tb_free(t);
}

/* ---- component registers ---- */

static void component_layout_7_2(void **state)
{
	(void)state;
	struct tb *t = single("7.2");
	struct pcisim_pcifn *d = tb_fn(t, "t0"), *rp = tb_fn(t, "rp0"), *hb = tb_fn(t, "hb");
	/* type 3: RAS, Link, HDM; root port and host bridge add Extended Security and Snoop */
	assert_int_equal(crd(d, CXL_CM_CAP_HDR), 0x03110001);
	assert_int_equal(crd(rp, CXL_CM_CAP_HDR), 0x05110001);
	assert_int_equal(crd(hb, CXL_CM_CAP_HDR), 0x05110001);
	assert_int_equal(crd(d, CXL_CM_RAS_CAP_HDR), 0x08020002);
	assert_int_equal(crd(d, CXL_CM_LINK_CAP_HDR), 0x0d820004);
	assert_int_equal(crd(d, CXL_CM_HDM_CAP_HDR), 0x11010005);
	assert_int_equal(crd(rp, 0x10), 0x26010006);
	assert_int_equal(crd(rp, 0x14), 0xa8410008); /* QEMU 7.2's Snoop at 0xa84 (qemu-diff) */
	/* RAS reset: everything masked, fatal; 7.2: status read-only, capability 0 */
	assert_int_equal(crd(d, CXL_RAS_UNC_MASK), 0x1cfff);
	assert_int_equal(crd(d, CXL_RAS_UNC_SEVERITY), 0x1cfff);
	assert_int_equal(crd(d, CXL_RAS_COR_MASK), 0x7f);
	assert_int_equal(crd(d, CXL_RAS_CAP_CTRL), 0);
	cwr(d, CXL_RAS_UNC_STATUS, 0xffffffff);
	assert_int_equal(crd(d, CXL_RAS_UNC_STATUS), 0);
	cwr(d, CXL_RAS_UNC_MASK, 0xffffffff);
	assert_int_equal(crd(d, CXL_RAS_UNC_MASK), 0x1cfff);
	/* one HDM decoder in 7.2, 256 B and 4 KiB granularity capable, one target */
	assert_int_equal(crd(d, CXL_HDM_CAP), 0x310);
	/* only 4-byte accesses inside 0x1000-0x1fff */
	assert_int_equal(pcisim_cxl_component_read(d, CM(CXL_RAS_UNC_MASK), 8), 0);
	assert_int_equal(pcisim_cxl_component_read(d, CXL_RAS_UNC_MASK, 4), 0);
	/* a function that is not CXL has no block */
	assert_non_null(pcisim_fabric_get(&t->sim)->root_host);
	assert_int_equal(pcisim_cxl_component_read(pcisim_fabric_get(&t->sim)->root_host, CM(0), 4), 0);
	tb_free(t);
}

/* The guest reaches both blocks through the BARs the host assigns (guest.mmio_read). */
static void registers_through_the_bars(void **state)
{
	(void)state;
	char text[4096];
	snprintf(text, sizeof(text),
		 "version: 1\nname: t\n"
		 "machine: {type: q35, qemu: \"7.2\", cxl: on, cxl-fmw: [{targets: [hb], size: 4G}]}\n"
		 "topology:\n"
		 "  - qemu_args: |\n"
		 "      -object memory-backend-ram,id=m0,size=256M\n"
		 "      -object memory-backend-ram,id=l0,size=1M\n"
		 "  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"
		 "  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"
		 "  - {driver: cxl-type3, id: t0, bus: rp0, memdev: m0, lsa: l0}\n"
		 "timeline:\n"
		 /* before the BAR is assigned: nothing decodes, all ones */
		 "  - {at: 1ms, do: guest.mmio_read, dev: t0, bar: 0, offset: 0x1000, width: 4, expect: 0xffffffff}\n"
		 "  - {at: 2ms, do: guest.cfg_write, dev: t0, offset: 0x10, width: 4, value: 0xfe000000}\n"
		 "  - {at: 2ms, do: guest.cfg_write, dev: t0, offset: 0x14, width: 4, value: 0}\n"
		 "  - {at: 2ms, do: guest.cfg_write, dev: t0, offset: 0x18, width: 4, value: 0xfe800000}\n"
		 "  - {at: 2ms, do: guest.cfg_write, dev: t0, offset: 0x1c, width: 4, value: 0}\n"
		 "  - {at: 2ms, do: guest.cfg_write, dev: t0, offset: 0x4, width: 2, value: 0x2}\n"
		 /* the component block's capability array header, by BAR and by address */
		 "  - {at: 3ms, do: guest.mmio_read, dev: t0, bar: 0, offset: 0x1000, width: 4, expect: 0x03110001}\n"
		 "  - {at: 3ms, do: guest.mmio_read, addr: 0xfe001000, width: 4, expect: 0x03110001}\n"
		 /* RAS: every uncorrectable error masked at reset; a write keeps the writable bits */
		 "  - {at: 3ms, do: guest.mmio_read, dev: t0, bar: 0, offset: 0x%x, width: 4, expect: 0x1cfff}\n"
		 /* the device block's capability array: ID 0, version 1, 3 capabilities */
		 "  - {at: 3ms, do: guest.mmio_read, dev: t0, bar: 2, offset: 0, width: 4, expect: {value: 0x10000, mask: 0xffff}}\n",
		 CM(CXL_RAS_UNC_MASK));
	struct tb *t = calloc(1, sizeof(*t));
	if (tb_run_text(t, text, 10 * PCISIM_MS))
		fail_msg("did not load: %s", t->err);
	assert_int_equal(pcisim_step_failures(&t->sim), 0);
	assert_int_equal(tb_count(t, "guest.mmio_read", NULL, NULL), 5);
	tb_free(t);
}

/* 7.2's cxl-type3 has memdev only; volatile and persistent memory came with 8.0 */
static void type3_memory_properties_by_version(void **state)
{
	(void)state;
	struct tb *t = tb_new("7.2",
			      "  - qemu_args: \"-object memory-backend-ram,id=m0,size=256M\"\n"
			      "  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"
			      "  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"
			      "  - {driver: cxl-type3, id: t0, bus: rp0, volatile-memdev: m0}\n",
			      ", cxl: on");
	assert_int_not_equal(t->rc, 0);
	if (!strstr(t->err, "'volatile-memdev' is not a property of 'cxl-type3' in the emulated QEMU"))
		fail_msg("%s", t->err);
	tb_free(t);
	t = tb_ok("8.0",
		  "  - qemu_args: \"-object memory-backend-ram,id=m0,size=256M\"\n"
		  "  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"
		  "  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"
		  "  - {driver: cxl-type3, id: t0, bus: rp0, volatile-memdev: m0}\n",
		  ", cxl: on");
	assert_int_equal(pcisim_cxl_capacity(tb_fn(t, "t0")), 256u << 20);
	tb_free(t);
}

static void component_layout_8_0(void **state)
{
	(void)state;
	struct tb *t = single("8.0");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	assert_int_equal(crd(d, CXL_HDM_CAP), 0x312); /* four decoders */
	assert_int_equal(crd(d, CXL_RAS_CAP_CTRL), CXL_RAS_CAP_CTRL_MHRC);
	tb_free(t);
	/* pcisim's cxl-type1: RAS and Link, no HDM decoders, no device registers; a
	 * switch's downstream port: RAS and Link; its upstream port: + HDM */
	t = tb_ok("8.0",
		  "  - {driver: cxl-type1, id: c1, bus: pcie.0}\n"
		  "  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"
		  "  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"
		  "  - {driver: cxl-upstream, id: us, bus: rp0}\n"
		  "  - {driver: cxl-downstream, id: ds, bus: us, port: 3, chassis: 2, slot: 1}\n",
		  ", cxl: on");
	struct pcisim_pcifn *c1 = tb_fn(t, "c1");
	assert_int_equal(crd(c1, CXL_CM_CAP_HDR), 0x02110001);
	assert_int_equal(crd(c1, CXL_CM_HDM_CAP_HDR), 0);
	assert_int_equal(crd(c1, CXL_HDM_CAP), 0);
	assert_int_equal(pcisim_cxl_device_read(c1, CXL_DEV_CAP_ARRAY, 8), 0);
	assert_int_equal(crd(tb_fn(t, "ds"), CXL_CM_CAP_HDR), 0x02110001);
	assert_int_equal(crd(tb_fn(t, "us"), CXL_CM_CAP_HDR), 0x03110001);
	/* four decoders; an upstream port's target count is 8 (latch_registers) */
	assert_int_equal(crd(tb_fn(t, "us"), CXL_HDM_CAP), 0x382);
	assert_int_equal(crd(tb_fn(t, "rp0"), 0x14), 0xa6410008); /* Snoop at 0xa64 from 8.0 */
	/* the RAS status of a port is QEMU's plain masked store: a written 1 sets it */
	cwr(tb_fn(t, "us"), CXL_RAS_UNC_STATUS, 0x10);
	assert_int_equal(crd(tb_fn(t, "us"), CXL_RAS_UNC_STATUS), 0x10);
	tb_free(t);
}

static void hdm_commit_rules(void **state)
{
	(void)state;
	struct tb *t = single("8.0");
	struct pcisim_pcifn *d = tb_fn(t, "t0"), *hb = tb_fn(t, "hb");
	unsigned ctl = CXL_HDM_DEC(1) + CXL_HDM_CTRL;
	/* Committed and Error are read-only; Commit sets Committed, clearing it uncommits */
	cwr(d, ctl, 0xffffffff);
	assert_int_equal(crd(d, ctl), 0x17ff);
	cwr(d, ctl, 0x1000);
	assert_int_equal(crd(d, ctl), 0x1000);
	/* Lock On Commit is kept but QEMU does not enforce it */
	cwr(d, ctl, CXL_HDM_CTRL_LOCK | CXL_HDM_CTRL_COMMIT);
	cwr(d, CXL_HDM_DEC(1) + CXL_HDM_BASE_LO, 0x12345678);
	assert_int_equal(crd(d, CXL_HDM_DEC(1) + CXL_HDM_BASE_LO), 0x10000000);
	cwr(d, ctl, 0);
	assert_int_equal(crd(d, ctl), 0);
	/* device DPA skip keeps bits 31:28; a port's target list is fully writable */
	cwr(d, CXL_HDM_DEC(0) + CXL_HDM_TARGET_LO, 0xffffffff);
	assert_int_equal(crd(d, CXL_HDM_DEC(0) + CXL_HDM_TARGET_LO), 0xf0000000);
	cwr(hb, CXL_HDM_DEC(0) + CXL_HDM_TARGET_LO, 0x01020304);
	assert_int_equal(crd(hb, CXL_HDM_DEC(0) + CXL_HDM_TARGET_LO), 0x01020304);
	/* the decoder after the last is not writable */
	cwr(d, CXL_HDM_DEC(4) + CXL_HDM_CTRL, 0x200);
	assert_int_equal(crd(d, CXL_HDM_DEC(4) + CXL_HDM_CTRL), 0);
	tb_free(t);

	/* 7.2's type 3 device commits but never uncommits */
	t = single("7.2");
	d = tb_fn(t, "t0");
	cwr(d, CXL_HDM_DEC(0) + CXL_HDM_CTRL, CXL_HDM_CTRL_COMMIT);
	cwr(d, CXL_HDM_DEC(0) + CXL_HDM_CTRL, 0);
	assert_int_equal(crd(d, CXL_HDM_DEC(0) + CXL_HDM_CTRL), CXL_HDM_CTRL_COMMITTED);
	tb_free(t);
}

/* A system reset brings the registers back (ct3d_reset); the poison list stays */
static void reset_restores_registers(void **state)
{
	(void)state;
	struct tb *t = single("8.1");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	char err[64];
	cwr(d, CXL_RAS_UNC_MASK, 0);
	cwr(d, CXL_HDM_DEC(0) + CXL_HDM_CTRL, CXL_HDM_CTRL_COMMIT);
	pcisim_cxl_device_write(d, CXL_MBOX_CTRL, 4, CXL_MBOX_CTRL_INT_EN);
	assert_int_equal(pcisim_cxl_qmp_inject_poison(d, 0, 64, err, sizeof(err)), 0);
	pcisim_fabric_reset(pcisim_fabric_get(&t->sim), PCISIM_RESET_COLD);
	assert_int_equal(crd(d, CXL_RAS_UNC_MASK), CXL_RAS_UNC_BITS);
	assert_int_equal(crd(d, CXL_HDM_DEC(0) + CXL_HDM_CTRL), 0);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_CTRL, 4), 0);
	assert_int_equal(pcisim_cxl_poison_count(d), 1);
	tb_free(t);
}

/* ---- interleave arithmetic ---- */

static void interleave_every_pair(void **state)
{
	(void)state;
	const unsigned ways[] = {1, 2, 3, 4, 6, 8, 12, 16};
	for (unsigned wi = 0; wi < 8; wi++)
		for (unsigned ig = 0; ig <= 6; ig++) {
			unsigned w = ways[wi];
			int iw = pcisim_cxl_ways_enc(w);
			assert_true(iw >= 0);
			assert_int_equal(pcisim_cxl_ways_dec((unsigned)iw), w);
			uint64_t g = pcisim_cxl_ig_bytes(ig);
			assert_int_equal(pcisim_cxl_ig_enc(g), (int)ig);
			/* every byte of 3 * 16 rounds of granules: position i of the round goes to
			 * target i, and each target's DPAs are dense and in order */
			uint64_t next[16] = {0};
			for (uint64_t off = 0; off < 48ull * w * g; off += g / 4) {
				unsigned tgt = pcisim_cxl_target_index(off, ig, w);
				assert_int_equal(tgt, (off / g) % w);
				uint64_t dpa = pcisim_cxl_dpa_offset(off, ig, (unsigned)iw);
				assert_int_equal(dpa, (off / g / w) * g + off % g);
				if (off % g == 0) {
					assert_int_equal(dpa, next[tgt]);
					next[tgt] += g;
				}
			}
		}
	assert_int_equal(pcisim_cxl_ways_enc(5), -1);
	assert_int_equal(pcisim_cxl_ways_dec(5), 0);
	assert_int_equal(pcisim_cxl_ig_enc(384), -1);
}

/*
 * What a route's span promises (hdm.h): every line that starts inside it decodes to
 * the same device at a DPA as far from the route's. Lines checked: the first 1024 and
 * the last; @exact, when not 0, is the span expected.
 */
static void check_span(struct pcisim_fabric *fab, uint64_t hpa, const struct pcisim_cxl_route *r, uint64_t exact)
{
	assert_true(r->span >= 1);
	if (exact)
		assert_int_equal(r->span, exact);
	for (uint64_t o = 0; o < r->span; o = o < 1024 * 64 ? o + 64 : r->span - 1) {
		struct pcisim_cxl_route x;
		assert_int_equal(pcisim_cxl_decode(fab, hpa + o, &x), 0);
		assert_ptr_equal(x.device, r->device);
		assert_int_equal(x.dpa, r->dpa + o);
		if (o == r->span - 1)
			break;
	}
}

/* decoder 0 of @f: [base, base + size), granularity 256 << ig, ways encoding iw, committed */
static void program(struct pcisim_pcifn *f, uint64_t base, uint64_t size, unsigned ig, unsigned iw,
		    uint32_t targets)
{
	cwr(f, CXL_HDM_DEC(0) + CXL_HDM_BASE_LO, (uint32_t)base);
	cwr(f, CXL_HDM_DEC(0) + CXL_HDM_BASE_HI, (uint32_t)(base >> 32));
	cwr(f, CXL_HDM_DEC(0) + CXL_HDM_SIZE_LO, (uint32_t)size);
	cwr(f, CXL_HDM_DEC(0) + CXL_HDM_SIZE_HI, (uint32_t)(size >> 32));
	cwr(f, CXL_HDM_DEC(0) + CXL_HDM_TARGET_LO, targets);
	cwr(f, CXL_HDM_DEC(0) + CXL_HDM_CTRL, ig | iw << 4 | CXL_HDM_CTRL_COMMIT | CXL_HDM_CTRL_TYPE);
}

/* The same through a device decoder's registers: every IW encoding and IG */
static void device_decoder_every_pair(void **state)
{
	(void)state;
	struct tb *t = single("8.0"); /* one root port: the host bridge passes through */
	struct pcisim_fabric *fab = pcisim_fabric_get(&t->sim);
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	const unsigned ways[] = {1, 2, 3, 4, 6, 8, 12, 16};
	for (unsigned wi = 0; wi < 8; wi++)
		for (unsigned ig = 0; ig <= 6; ig++) {
			unsigned iw = (unsigned)pcisim_cxl_ways_enc(ways[wi]);
			uint64_t g = 256ull << ig, w = ways[wi];
			program(d, PCISIM_CXL_FMW_START, 1ull << 32, ig, iw, 0);
			for (uint64_t o = 0; o < 4 * w * g; o += g / 2 + 64) {
				struct pcisim_cxl_route r;
				assert_int_equal(pcisim_cxl_decode(fab, PCISIM_CXL_FMW_START + o, &r), 0);
				assert_int_equal(r.dpa, (o / g / w) * g + o % g);
				/* interleaved: to the granule's end; else to the decoder's */
				check_span(fab, PCISIM_CXL_FMW_START + o, &r, w > 1 ? g - o % g : (1ull << 32) - o);
			}
		}
	/* a second decoder's DPAs follow the first's share of it, plus its skip */
	program(d, PCISIM_CXL_FMW_START, 1ull << 30, 0, 1, 0);
	cwr(d, CXL_HDM_DEC(1) + CXL_HDM_BASE_LO, (uint32_t)((PCISIM_CXL_FMW_START + (1ull << 30)) & 0xf0000000u));
	cwr(d, CXL_HDM_DEC(1) + CXL_HDM_BASE_HI, (uint32_t)((PCISIM_CXL_FMW_START + (1ull << 30)) >> 32));
	cwr(d, CXL_HDM_DEC(1) + CXL_HDM_SIZE_LO, 0x10000000);
	cwr(d, CXL_HDM_DEC(1) + CXL_HDM_TARGET_LO, 0x10000000); /* DPA skip 256 MiB */
	cwr(d, CXL_HDM_DEC(1) + CXL_HDM_CTRL, CXL_HDM_CTRL_COMMIT);
	struct pcisim_cxl_route r;
	assert_int_equal(pcisim_cxl_decode(fab, PCISIM_CXL_FMW_START + (1ull << 30) + 0x40, &r), 0);
	assert_int_equal(r.dpa, (1ull << 29) + (1ull << 28) + 0x40);
	check_span(fab, PCISIM_CXL_FMW_START + (1ull << 30) + 0x40, &r, (1ull << 28) - 0x40);
	/* a later decoder's range, holding an address, ends the span where an earlier
	 * decoder's range begins: decoder 0 moved above decoder 1's start */
	uint64_t at = PCISIM_CXL_FMW_START + (1ull << 30) + (1ull << 29);
	cwr(d, CXL_HDM_DEC(1) + CXL_HDM_SIZE_LO, 0x30000000);
	cwr(d, CXL_HDM_DEC(0) + CXL_HDM_BASE_LO, (uint32_t)at);
	cwr(d, CXL_HDM_DEC(0) + CXL_HDM_BASE_HI, (uint32_t)(at >> 32));
	assert_int_equal(pcisim_cxl_decode(fab, PCISIM_CXL_FMW_START + (1ull << 30) + 0x40, &r), 0);
	check_span(fab, PCISIM_CXL_FMW_START + (1ull << 30) + 0x40, &r, (1ull << 29) - 0x40);
	tb_free(t);
}

/* Two host bridges in a window (2-way, 256 B), each with two root ports (2-way, 512 B). */
static const char two_level[] =
	"version: 1\nname: t\n"
	"machine: {type: q35, qemu: \"8.1\", cxl: on, cxl-fmw: [{targets: [hb1, hb2], size: 4G, "
	"interleave-granularity: 256}]}\n"
	"topology:\n"
	"  - qemu_args: |\n"
	"      -object memory-backend-ram,id=m0,size=256M\n"
	"      -object memory-backend-ram,id=m1,size=256M\n"
	"      -object memory-backend-ram,id=m2,size=256M\n"
	"      -object memory-backend-ram,id=m3,size=256M\n"
	"  - {driver: pxb-cxl, id: hb1, bus: pcie.0, bus_nr: 12}\n"
	"  - {driver: pxb-cxl, id: hb2, bus: pcie.0, bus_nr: 32}\n"
	"  - {driver: cxl-rp, id: rp0, bus: hb1, port: 0, chassis: 1, slot: 1}\n"
	"  - {driver: cxl-rp, id: rp1, bus: hb1, port: 1, chassis: 1, slot: 2}\n"
	"  - {driver: cxl-rp, id: rp2, bus: hb2, port: 0, chassis: 2, slot: 1}\n"
	"  - {driver: cxl-rp, id: rp3, bus: hb2, port: 1, chassis: 2, slot: 2}\n"
	"  - {driver: cxl-type3, id: t0, bus: rp0, volatile-memdev: m0}\n"
	"  - {driver: cxl-type3, id: t1, bus: rp1, volatile-memdev: m1}\n"
	"  - {driver: cxl-type3, id: t2, bus: rp2, volatile-memdev: m2}\n"
	"  - {driver: cxl-type3, id: t3, bus: rp3, volatile-memdev: m3}\n";


/* Switches stacked: us0 below the root port, us1 below us0's ds0 (two devices), a device
 * straight below us0's ds1; one root port (8.1: the host bridge passes through). */
static const char stacked[] =
	"version: 1\nname: t\n"
	"machine: {type: q35, qemu: \"8.1\", cxl: on, cxl-fmw: [{targets: [hb0], size: 4G}]}\n"
	"topology:\n"
	"  - qemu_args: |\n"
	"      -object memory-backend-ram,id=m0,size=256M\n"
	"      -object memory-backend-ram,id=m1,size=256M\n"
	"      -object memory-backend-ram,id=m2,size=256M\n"
	"  - {driver: pxb-cxl, id: hb0, bus: pcie.0, bus_nr: 12}\n"
	"  - {driver: cxl-rp, id: rp0, bus: hb0, port: 0, chassis: 1, slot: 1}\n"
	"  - {driver: cxl-upstream, id: us0, bus: rp0}\n"
	"  - {driver: cxl-downstream, id: ds0, bus: us0, port: 0, chassis: 1, slot: 2}\n"
	"  - {driver: cxl-downstream, id: ds1, bus: us0, port: 1, chassis: 1, slot: 3}\n"
	"  - {driver: cxl-upstream, id: us1, bus: ds0}\n"
	"  - {driver: cxl-downstream, id: ds10, bus: us1, port: 0, chassis: 1, slot: 4}\n"
	"  - {driver: cxl-downstream, id: ds11, bus: us1, port: 1, chassis: 1, slot: 5}\n"
	"  - {driver: cxl-type3, id: t0, bus: ds10, volatile-memdev: m0}\n"
	"  - {driver: cxl-type3, id: t1, bus: ds11, volatile-memdev: m1}\n"
	"  - {driver: cxl-type3, id: t2, bus: ds1, volatile-memdev: m2}\n";

static void decode_stacked_switches(void **state)
{
	(void)state;
	struct tb *t = tb_text(stacked);
	if (t->rc)
		fail_msg("did not load: %s", t->err);
	struct pcisim_fabric *fab = pcisim_fabric_get(&t->sim);
	uint64_t base = PCISIM_CXL_FMW_START, size = 1ull << 30;
	program(tb_fn(t, "us0"), base, size, 0, 1, 0x0100); /* 2 ways, 256 B: ds0, ds1 */
	program(tb_fn(t, "us1"), base, size, 1, 1, 0x0100); /* 2 ways, 512 B: ds10, ds11 */
	program(tb_fn(t, "t0"), base, size, 0, 2, 0);       /* 4 ways */
	program(tb_fn(t, "t1"), base, size, 0, 2, 0);
	program(tb_fn(t, "t2"), base, size, 0, 1, 0);       /* 2 ways */
	for (uint64_t g = 0; g < 64; g++) {
		struct pcisim_cxl_route r;
		assert_int_equal(pcisim_cxl_decode(fab, base + g * 256 + 17, &r), 0);
		check_span(fab, base + g * 256 + 17, &r, 256 - 17);
		if (g % 2) { /* bit 8 set: us0's ds1, the device right below it */
			assert_string_equal(r.device->comp.name, "t2");
			assert_string_equal(r.switch_up->comp.name, "us0");
			assert_string_equal(r.switch_down->comp.name, "ds1");
			assert_int_equal(r.dpa, (g / 2) * 256 + 17);
		} else { /* ds0, then bit 9 at us1 */
			assert_string_equal(r.device->comp.name, g % 4 ? "t1" : "t0");
			assert_string_equal(r.switch_up->comp.name, "us1");
			assert_string_equal(r.switch_down->comp.name, g % 4 ? "ds11" : "ds10");
			assert_int_equal(r.dpa, (g / 4) * 256 + 17);
		}
	}
	uint8_t w[8] = {8, 7, 6, 5, 4, 3, 2, 1}, rd[8] = {0};
	assert_int_equal(pcisim_cxl_mem_access(fab, base + 0x600, w, 8, true, NULL, NULL), 0);
	assert_int_equal(pcisim_cxl_dpa_access(tb_fn(t, "t1"), 0x100, rd, 8, false), 0);
	assert_memory_equal(rd, w, 8);
	/* the lower switch's decoder uncommitted: its devices' lines fail, t2's still decode */
	cwr(tb_fn(t, "us1"), CXL_HDM_DEC(0) + CXL_HDM_CTRL, 0);
	struct pcisim_cxl_route r;
	assert_int_equal(pcisim_cxl_decode(fab, base, &r), -PCISIM_CXL_DEC_NO_DECODER);
	assert_int_equal(pcisim_cxl_decode(fab, base + 0x100, &r), 0);
	assert_string_equal(r.device->comp.name, "t2");
	tb_free(t);
}

static struct tb *two_level_programmed(void)
{
	struct tb *t = tb_text(two_level);
	if (t->rc)
		fail_msg("did not load: %s", t->err);
	uint64_t base = PCISIM_CXL_FMW_START, size = 1ull << 30;
	program(tb_fn(t, "hb1"), base, size, 1, 1, 0x0100);
	program(tb_fn(t, "hb2"), base, size, 1, 1, 0x0100);
	for (unsigned i = 0; i < 4; i++) {
		char id[4];
		snprintf(id, sizeof(id), "t%u", i);
		program(tb_fn(t, id), base, size, 0, 2, 0);
	}
	return t;
}

static void decode_two_level(void **state)
{
	(void)state;
	struct tb *t = two_level_programmed();
	struct pcisim_fabric *fab = pcisim_fabric_get(&t->sim);
	const char *want[4] = {"t0", "t2", "t1", "t3"}; /* window picks the bridge, bridge the port */
	for (uint64_t g = 0; g < 64; g++) {
		struct pcisim_cxl_route r;
		uint64_t hpa = PCISIM_CXL_FMW_START + g * 256 + 17;
		assert_int_equal(pcisim_cxl_decode(fab, hpa, &r), 0);
		assert_string_equal(r.device->comp.name, want[g % 4]);
		assert_int_equal(r.dpa, (g / 4) * 256 + 17);
	}
	/* data lands on the device and DPA the decode names */
	uint8_t w[8] = {1, 2, 3, 4, 5, 6, 7, 8}, rd[8] = {0};
	assert_int_equal(pcisim_cxl_mem_access(fab, PCISIM_CXL_FMW_START + 0x300, w, 8, true, NULL, NULL), 0);
	assert_int_equal(pcisim_cxl_dpa_access(tb_fn(t, "t3"), 0, rd, 8, false), 0);
	assert_memory_equal(rd, w, 8);
	/* outside the window, or outside the committed decoders */
	struct pcisim_cxl_route r;
	assert_int_equal(pcisim_cxl_decode(fab, 0x1000, &r), -PCISIM_CXL_DEC_NO_WINDOW);
	assert_int_equal(pcisim_cxl_decode(fab, PCISIM_CXL_FMW_START + (2ull << 30), &r), -PCISIM_CXL_DEC_NO_DECODER);
	/* an unplugged device's lines no longer decode; its neighbours' still do */
	pcisim_device_destroy(fab, tb_fn(t, "t3"));
	assert_int_equal(pcisim_cxl_decode(fab, PCISIM_CXL_FMW_START + 0x300, &r), -PCISIM_CXL_DEC_NO_DEVICE);
	assert_int_equal(pcisim_cxl_mem_access(fab, PCISIM_CXL_FMW_START + 0x300, rd, 8, false, NULL, NULL),
			 -PCISIM_CXL_DEC_NO_DEVICE);
	assert_int_equal(pcisim_cxl_decode(fab, PCISIM_CXL_FMW_START + 0x200, &r), 0);
	/* uncommitting the host bridge's decoder stops the route */
	cwr(tb_fn(t, "hb1"), CXL_HDM_DEC(0) + CXL_HDM_CTRL, 0);
	assert_int_equal(pcisim_cxl_decode(fab, PCISIM_CXL_FMW_START, &r), -PCISIM_CXL_DEC_NO_DECODER);
	assert_int_equal(pcisim_cxl_decode(fab, PCISIM_CXL_FMW_START + 256, &r), 0);
	tb_free(t);
}

/* ---- mailbox ---- */

static int mbox(struct pcisim_pcifn *d, uint16_t op, const void *in, size_t len, uint8_t *out,
		size_t *len_out)
{
	if (len)
		for (size_t i = 0; i < len; i++)
			pcisim_cxl_device_write(d, CXL_MBOX_PAYLOAD + i, 1, ((const uint8_t *)in)[i]);
	pcisim_cxl_device_write(d, CXL_MBOX_CMD, 8, op | (uint64_t)len << 16);
	uint64_t ctrl = pcisim_cxl_device_read(d, CXL_MBOX_CTRL, 4); /* keep the interrupt enables */
	pcisim_cxl_device_write(d, CXL_MBOX_CTRL, 4, ctrl | CXL_MBOX_CTRL_DOORBELL);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_CTRL, 4) & CXL_MBOX_CTRL_DOORBELL, 0);
	uint64_t cmd = pcisim_cxl_device_read(d, CXL_MBOX_CMD, 8);
	*len_out = (size_t)(cmd >> 16 & 0xfffff);
	for (size_t i = 0; out && i < *len_out; i++)
		out[i] = (uint8_t)pcisim_cxl_device_read(d, CXL_MBOX_PAYLOAD + i, 1);
	return (int)(pcisim_cxl_device_read(d, CXL_MBOX_STATUS, 8) >> 32 & 0xffff);
}

/* One root port: 7.2 decodes through the host bridge's decoder, 8.0 passes through */
static void host_bridge_passthrough(void **state)
{
	(void)state;
	const char *versions[] = {"7.2", "8.0"};
	for (unsigned v = 0; v < 2; v++) {
		struct tb *t = single(versions[v]);
		struct pcisim_fabric *fab = pcisim_fabric_get(&t->sim);
		struct pcisim_cxl_route r;
		program(tb_fn(t, "t0"), PCISIM_CXL_FMW_START, 1ull << 28, 0, 0, 0);
		assert_int_equal(pcisim_cxl_decode(fab, PCISIM_CXL_FMW_START + 0x40, &r),
				 v == 0 ? -PCISIM_CXL_DEC_NO_DECODER : 0);
		program(tb_fn(t, "hb"), PCISIM_CXL_FMW_START, 1ull << 28, 0, 0, 0);
		assert_int_equal(pcisim_cxl_decode(fab, PCISIM_CXL_FMW_START + 0x40, &r), 0);
		assert_int_equal(r.dpa, 0x40);
		assert_ptr_equal(r.root_port, tb_fn(t, "rp0"));
		tb_free(t);
	}
	/* hdm_for_passthrough is refused before 8.0 */
	struct tb *t = tb_new("7.2", "  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12, hdm_for_passthrough: \"on\"}\n",
			      ", cxl: on");
	assert_int_not_equal(t->rc, 0);
	if (!strstr(t->err, "'hdm_for_passthrough' is not a property of 'pxb-cxl' in the emulated QEMU"))
		fail_msg("%s", t->err);
	tb_free(t);
}

static void device_registers(void **state)
{
	(void)state;
	struct tb *t = single("7.2");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	assert_int_equal(pcisim_cxl_device_read(d, CXL_DEV_CAP_ARRAY, 8), 0x300010000ull);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_DEV_CAP_HDR(0), 8), 0x8000010001ull);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_DEV_CAP_HDR(1), 8), 0x8800010002ull);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_DEV_CAP_HDR(1) + 8, 4), 0x820);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_DEV_CAP_HDR(2), 8), 0x8a800014000ull);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_CAP, 4), 11);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MEMDEV_OFFSET, 8), 0x14);
	/* the capability array is read-only */
	pcisim_cxl_device_write(d, CXL_DEV_CAP_ARRAY, 8, 0);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_DEV_CAP_ARRAY, 8), 0x300010000ull);
	tb_free(t);
	t = single("8.2");
	d = tb_fn(t, "t0");
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_CAP, 4), 11 | 0x20 | 0x40 | 7 << 7);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_DEV_CAP_HDR(0), 4), 0x20001);
	tb_free(t);
}

static void mailbox_return_codes(void **state)
{
	(void)state;
	struct tb *t = single("7.2");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	uint8_t out[CXL_MBOX_PAYLOAD_MAX];
	size_t n;
	/* Identify Memory Device: 0x43 bytes, capacity in 256 MiB units, LSA size */
	assert_int_equal(mbox(d, CXL_OP_IDENTIFY_MEMDEV, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 0x43);
	assert_memory_equal(out, "BWFW VERSION 00", 15);
	assert_int_equal(out[0x10], 1);
	assert_int_equal(out[0x20], 1);
	assert_int_equal(out[0x3a], 0x10); /* 1 MiB LSA */
	/* wrong input length, unsupported opcode, a 7.2 device has no poison commands */
	assert_int_equal(mbox(d, CXL_OP_IDENTIFY_MEMDEV, "x", 1, out, &n), CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	assert_int_equal(n, 1); /* 7.2 leaves the input length in Command (QEMU 7.2 shows it) */
	assert_int_equal(mbox(d, 0x4200, NULL, 0, out, &n), CXL_MBOX_UNSUPPORTED);
	uint8_t dpa[8] = {0};
	assert_int_equal(mbox(d, CXL_OP_INJECT_POISON, dpa, 8, out, &n), CXL_MBOX_UNSUPPORTED);
	/* 7.2's event placeholders: 0x20 zero bytes */
	uint8_t log = 0;
	assert_int_equal(mbox(d, CXL_OP_GET_EVENT_RECORDS, &log, 1, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 0x20);
	/* LSA round trip, and a read past its end */
	uint8_t set[12] = {0x10, 0, 0, 0, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef};
	assert_int_equal(mbox(d, CXL_OP_SET_LSA, set, 12, out, &n), CXL_MBOX_SUCCESS);
	uint8_t get[8] = {0x10, 0, 0, 0, 4, 0, 0, 0};
	assert_int_equal(mbox(d, CXL_OP_GET_LSA, get, 8, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 4);
	assert_memory_equal(out, set + 8, 4);
	uint8_t past[8] = {0xfe, 0xff, 0x0f, 0, 4, 0, 0, 0};
	assert_int_equal(mbox(d, CXL_OP_GET_LSA, past, 8, out, &n), CXL_MBOX_INVALID_INPUT);
	/* Command Effects Log: 13 commands in 7.2 */
	assert_int_equal(mbox(d, CXL_OP_GET_SUPPORTED_LOGS, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(out[24], 13 * 4);
	tb_free(t);
}

/* The doorbell interrupt: vector 7 with Doorbell Interrupt set, MSI-X enabled, 8.1 on */
static void mailbox_doorbell_interrupt(void **state)
{
	(void)state;
	const char *versions[] = {"7.2", "8.1"};
	for (unsigned v = 0; v < 2; v++) {
		struct tb *t = single(versions[v]);
		struct pcisim_pcifn *d = tb_fn(t, "t0");
		struct pcisim_cxl_type3 *t3 = (struct pcisim_cxl_type3 *)d;
		uint8_t out[CXL_MBOX_PAYLOAD_MAX];
		size_t n;
		uint16_t msix = pcisim_cfg_find_cap(&d->cfg, 0x11);
		pcisim_cxl_device_write(d, CXL_MBOX_CTRL, 4, CXL_MBOX_CTRL_INT_EN);
		assert_int_equal(mbox(d, CXL_OP_GET_TIMESTAMP, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
		assert_int_equal(t3->msix[PCISIM_CXL_MSIX_MBOX].count, 0); /* MSI-X off */
		pcisim_fn_cfg_write(d, (uint16_t)(msix + 2), 0x8000, 2);
		pcisim_cxl_device_write(d, CXL_MBOX_CTRL, 4, CXL_MBOX_CTRL_INT_EN);
		assert_int_equal(mbox(d, CXL_OP_GET_TIMESTAMP, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
		assert_int_equal(t3->msix[PCISIM_CXL_MSIX_MBOX].count, v == 1 ? 1 : 0);
		/* the timestamp: 0 until set, then the host's value advanced by sim time */
		assert_int_equal(n, 8);
		uint8_t ts[8] = {0, 0x10};
		assert_int_equal(mbox(d, CXL_OP_SET_TIMESTAMP, ts, 8, out, &n), CXL_MBOX_SUCCESS);
		t->sim.now += 5 * 1000; /* 5 ns */
		assert_int_equal(mbox(d, CXL_OP_GET_TIMESTAMP, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
		assert_int_equal(out[0], 5);
		assert_int_equal(out[1], 0x10);
		tb_free(t);
	}
}

static void mailbox_background_busy(void **state)
{
	(void)state;
	struct tb *t = single("8.2");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	uint8_t out[CXL_MBOX_PAYLOAD_MAX];
	size_t n;
	assert_int_equal(mbox(d, CXL_OP_SANITIZE, NULL, 0, out, &n), CXL_MBOX_BG_STARTED);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_STATUS, 8) & 1, 1);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_BG_STATUS, 8), CXL_OP_SANITIZE);
	/* one background command at a time; the media is disabled meanwhile */
	assert_int_equal(mbox(d, CXL_OP_SANITIZE, NULL, 0, out, &n), CXL_MBOX_BUSY);
	assert_int_equal(mbox(d, CXL_OP_GET_PARTITION_INFO, NULL, 0, out, &n), CXL_MBOX_MEDIA_DISABLED);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MEMDEV_OFFSET, 8) & CXL_MEMDEV_MEDIA_STATUS, 0xc);
	/* 256 MiB sanitizes in 4 s: half way at 2 s, done at 4 s with the interrupt */
	struct pcisim_cxl_type3 *t3 = (struct pcisim_cxl_type3 *)d;
	uint16_t msix = pcisim_cfg_find_cap(&d->cfg, 0x11);
	pcisim_fn_cfg_write(d, (uint16_t)(msix + 2), 0x8000, 2);
	pcisim_cxl_device_write(d, CXL_MBOX_CTRL, 4, CXL_MBOX_CTRL_BG_INT_EN);
	pcisim_run(&t->sim, 2000000000000ull);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_BG_STATUS, 8), CXL_OP_SANITIZE | 50u << 16);
	assert_int_equal(t3->msix[PCISIM_CXL_MSIX_MBOX].count, 0);
	pcisim_run(&t->sim, 4000000000000ull);
	assert_int_equal(t3->msix[PCISIM_CXL_MSIX_MBOX].count, 1);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_BG_STATUS, 8), CXL_OP_SANITIZE | 100u << 16);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_BG_STATUS + 2, 1), 100);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_STATUS, 8) & 1, 0);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MEMDEV_OFFSET, 8) & CXL_MEMDEV_MEDIA_STATUS, 0x4);
	assert_int_equal(mbox(d, CXL_OP_GET_PARTITION_INFO, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	tb_free(t);
}

/* ---- poison ---- */

static void poison_list(void **state)
{
	(void)state;
	struct tb *t = single("8.1");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	char err[128];
	uint8_t out[CXL_MBOX_PAYLOAD_MAX];
	size_t n;
	assert_int_equal(pcisim_cxl_qmp_inject_poison(d, 0x40, 0x20, err, sizeof(err)), -1);
	assert_string_equal(err, "Poison injection must be in multiples of 64 bytes");
	assert_int_equal(pcisim_cxl_qmp_inject_poison(d, 0x20, 0x40, err, sizeof(err)), -1);
	assert_string_equal(err, "Poison start address must be 64 byte aligned");
	assert_int_equal(pcisim_cxl_qmp_inject_poison(d, 0x1000, 0x100, err, sizeof(err)), 0);
	assert_int_equal(pcisim_cxl_qmp_inject_poison(d, 0x1040, 0x40, err, sizeof(err)), -1);
	assert_string_equal(err, "Overlap with existing poisoned region not supported");
	/* mailbox inject: a line inside an entry changes nothing; a new line is type 3 */
	uint8_t dpa[8] = {0x40, 0x10};
	assert_int_equal(mbox(d, CXL_OP_INJECT_POISON, dpa, 8, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cxl_poison_count(d), 1);
	uint8_t dpa2[8] = {0x00, 0x20};
	assert_int_equal(mbox(d, CXL_OP_INJECT_POISON, dpa2, 8, out, &n), CXL_MBOX_SUCCESS);
	/* Get Poison List over everything: newest first */
	uint8_t q[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
	assert_int_equal(mbox(d, CXL_OP_GET_POISON_LIST, q, 16, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 0x20 + 2 * 16);
	assert_int_equal(out[10], 2);
	assert_int_equal(out[0x20], 0x03);
	assert_int_equal(out[0x21], 0x20);
	assert_int_equal(out[0x30], 0x02);
	assert_int_equal(out[0x31], 0x10);
	assert_int_equal(out[0x38], 4); /* 0x100 bytes = 4 lines */
	/* Clear Poison in the middle splits the entry */
	uint8_t clr[72] = {0x40, 0x10};
	assert_int_equal(mbox(d, CXL_OP_CLEAR_POISON, clr, 72, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cxl_poison_count(d), 3);
	assert_false(pcisim_cxl_poisoned(d, 0x1040, 64));
	assert_true(pcisim_cxl_poisoned(d, 0x1000, 64));
	assert_true(pcisim_cxl_poisoned(d, 0x1080, 64));
	/* beyond capacity */
	uint8_t far[8] = {0, 0, 0, 0x10};
	assert_int_equal(mbox(d, CXL_OP_INJECT_POISON, far, 8, out, &n), CXL_MBOX_INVALID_PA);
	/* fill to 256: the mailbox refuses, QMP sets the overflow flag */
	for (uint64_t a = 0x100000; pcisim_cxl_poison_count(d) < 256; a += 64)
		assert_int_equal(pcisim_cxl_qmp_inject_poison(d, a, 64, err, sizeof(err)), 0);
	uint8_t one[8] = {0, 0, 0, 0x01};
	assert_int_equal(mbox(d, CXL_OP_INJECT_POISON, one, 8, out, &n), CXL_MBOX_INJECT_POISON_LIMIT);
	assert_int_equal(pcisim_cxl_qmp_inject_poison(d, 0x2000000, 64, err, sizeof(err)), 0);
	assert_int_equal(pcisim_cxl_poison_count(d), 256);
	assert_int_equal(mbox(d, CXL_OP_GET_POISON_LIST, q, 16, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(out[0] & 3, 3); /* more records, overflowed */
	assert_int_equal(out[10], 126);
	tb_free(t);
}

/* ---- RAS ---- */

static void ras_injection(void **state)
{
	(void)state;
	struct tb *t = single("8.0");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	char err[128];
	struct pcisim_cxl_uncor_err e[2] = {{.type = 7, .header = {0xaa, 0xbb}, .nheader = 2},
					     {.type = 4, .header = {0xcc}, .nheader = 1}};
	/* masked by default: nothing happens */
	assert_int_equal(pcisim_cxl_qmp_inject_uncor(d, e, 2, err, sizeof(err)), 0);
	assert_int_equal(crd(d, CXL_RAS_UNC_STATUS), 0);
	uint32_t aer = pcisim_cfg_find_ext_cap(&d->cfg, PCI_EXT_CAP_ID_ERR);
	assert_int_equal(pcisim_cfg_get32(&d->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS)), 0);
	cwr(d, CXL_RAS_UNC_MASK, 0);
	assert_int_equal(pcisim_cxl_qmp_inject_uncor(d, e, 2, err, sizeof(err)), 0);
	assert_int_equal(crd(d, CXL_RAS_UNC_STATUS), 0x90);
	assert_int_equal(crd(d, CXL_RAS_CAP_CTRL), 0x200 | 7);
	assert_int_equal(crd(d, CXL_RAS_HEADER_LOG), 0xaa);
	assert_int_equal(crd(d, CXL_RAS_HEADER_LOG + 4), 0xbb);
	/* ... and AER logs an Uncorrectable Internal Error */
	assert_int_equal(pcisim_cfg_get32(&d->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS)) & PCI_ERR_UNC_INTN,
			 PCI_ERR_UNC_INTN);
	/* clearing the first error's bit brings the next into the header log */
	cwr(d, CXL_RAS_UNC_STATUS, 1u << 7);
	assert_int_equal(crd(d, CXL_RAS_UNC_STATUS), 0x10);
	assert_int_equal(crd(d, CXL_RAS_CAP_CTRL), 0x200 | 4);
	assert_int_equal(crd(d, CXL_RAS_HEADER_LOG), 0xcc);
	cwr(d, CXL_RAS_UNC_STATUS, 1u << 4);
	assert_int_equal(crd(d, CXL_RAS_UNC_STATUS), 0);
	assert_int_equal(crd(d, CXL_RAS_CAP_CTRL), 0x200 | CXL_RAS_FEP_UNUSED);
	/* correctable: RW1C status and the AER Corrected Internal Error */
	cwr(d, CXL_RAS_COR_MASK, 0);
	assert_int_equal(pcisim_cxl_qmp_inject_cor(d, 5, err, sizeof(err)), 0);
	assert_int_equal(crd(d, CXL_RAS_COR_STATUS), 0x20);
	assert_int_equal(pcisim_cfg_get32(&d->cfg, (uint16_t)(aer + PCI_ERR_COR_STATUS)) & PCI_ERR_COR_INTERNAL,
			 PCI_ERR_COR_INTERNAL);
	cwr(d, CXL_RAS_COR_STATUS, 0x20);
	assert_int_equal(crd(d, CXL_RAS_COR_STATUS), 0);
	assert_int_equal(pcisim_cxl_qmp_inject_cor(d, 9, err, sizeof(err)), -1);
	assert_string_equal(err, "Invalid COR error");
	tb_free(t);
}

/* Every CxlUncorErrorType and CxlCorErrorType sets its own RAS status bit */
static void ras_every_type(void **state)
{
	(void)state;
	struct tb *t = single("8.0");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	char err[128];
	cwr(d, CXL_RAS_UNC_MASK, 0);
	cwr(d, CXL_RAS_COR_MASK, 0);
	unsigned seen = 0;
	for (unsigned bit = 0; bit < 17; bit++) {
		if (!pcisim_cxl_uncor_names[bit]) {
			assert_true(bit == 12 || bit == 13); /* reserved */
			continue;
		}
		struct pcisim_cxl_uncor_err e = {.type = bit, .header = {bit}, .nheader = 1};
		assert_int_equal(pcisim_cxl_qmp_inject_uncor(d, &e, 1, err, sizeof(err)), 0);
		assert_int_equal(crd(d, CXL_RAS_UNC_STATUS), 1u << bit);
		assert_int_equal(crd(d, CXL_RAS_CAP_CTRL) & CXL_RAS_CAP_CTRL_FEP, bit);
		assert_int_equal(crd(d, CXL_RAS_HEADER_LOG), bit);
		cwr(d, CXL_RAS_UNC_STATUS, 1u << bit);
		assert_int_equal(crd(d, CXL_RAS_UNC_STATUS), 0);
		seen++;
	}
	assert_int_equal(seen, 15);
	assert_string_equal(pcisim_cxl_uncor_names[7], "mem-data-ecc");
	assert_string_equal(pcisim_cxl_uncor_names[14], "internal");
	for (unsigned bit = 0; bit < 7; bit++) {
		assert_int_equal(pcisim_cxl_qmp_inject_cor(d, bit, err, sizeof(err)), 0);
		assert_int_equal(crd(d, CXL_RAS_COR_STATUS), 1u << bit);
		cwr(d, CXL_RAS_COR_STATUS, 1u << bit);
	}
	assert_string_equal(pcisim_cxl_cor_names[6], "physical");
	/* a write of other bits than the first error's drops those errors from the queue */
	struct pcisim_cxl_uncor_err two[2] = {{.type = 0, .header = {0xa}, .nheader = 1},
					      {.type = 1, .header = {0xb}, .nheader = 1}};
	assert_int_equal(pcisim_cxl_qmp_inject_uncor(d, two, 2, err, sizeof(err)), 0);
	cwr(d, CXL_RAS_UNC_STATUS, 0x2);
	assert_int_equal(crd(d, CXL_RAS_UNC_STATUS), 0x1);
	assert_int_equal(crd(d, CXL_RAS_CAP_CTRL) & CXL_RAS_CAP_CTRL_FEP, 0);
	assert_int_equal(crd(d, CXL_RAS_HEADER_LOG), 0xa);
	cwr(d, CXL_RAS_UNC_STATUS, 0x1);
	assert_int_equal(crd(d, CXL_RAS_UNC_STATUS), 0);
	/* the queue holds 64 errors, kept in order as it grows; the 65th is refused; writing
	 * the first error's bit alone takes them off one by one */
	for (uint32_t i = 0; i < PCISIM_CXL_RAS_QUEUE_MAX; i++) {
		struct pcisim_cxl_uncor_err e = {.type = 7, .header = {0x100 + i}, .nheader = 1};
		assert_int_equal(pcisim_cxl_qmp_inject_uncor(d, &e, 1, err, sizeof(err)), 0);
	}
	struct pcisim_cxl_uncor_err more = {.type = 7, .header = {0xdead}, .nheader = 1};
	assert_int_equal(pcisim_cxl_qmp_inject_uncor(d, &more, 1, err, sizeof(err)), -1);
	assert_string_equal(err, "pcisim keeps at most 64 queued CXL errors (clear RAS status first)");
	for (uint32_t i = 0; i < PCISIM_CXL_RAS_QUEUE_MAX; i++) {
		assert_int_equal(crd(d, CXL_RAS_HEADER_LOG), 0x100 + i);
		assert_int_equal(crd(d, CXL_RAS_UNC_STATUS), 1u << 7);
		cwr(d, CXL_RAS_UNC_STATUS, 1u << 7);
	}
	assert_int_equal(crd(d, CXL_RAS_UNC_STATUS), 0);
	tb_free(t);
}

/* ---- event logs ---- */

static void event_logs(void **state)
{
	(void)state;
	struct tb *t = single("8.1");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	uint8_t out[CXL_MBOX_PAYLOAD_MAX], rec[128];
	size_t n;
	for (unsigned i = 0; i < 10; i++) {
		memset(rec, 0, sizeof(rec));
		rec[0x30] = (uint8_t)i;
		assert_int_equal(pcisim_cxl_event_add(d, 2, rec), i == 0);
	}
	assert_int_equal(pcisim_cxl_device_read(d, CXL_DEV_STATUS_OFFSET, 8), 1u << 2);
	uint8_t log = 2;
	assert_int_equal(mbox(d, CXL_OP_GET_EVENT_RECORDS, &log, 1, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(out[0], 1);  /* overflow */
	assert_int_equal(out[2], 2);  /* two records lost */
	assert_int_equal(out[20], 8); /* eight kept, oldest first, handles 1.. */
	assert_int_equal(n, 0x20 + 8 * 128);
	assert_int_equal(out[0x20 + 0x14], 1);
	assert_int_equal(out[0x20 + 0x30], 0);
	assert_int_equal(out[0x20 + 7 * 128 + 0x30], 7);
	/* clearing handles out of order is refused; in order they go */
	uint8_t bad[8] = {2, 0, 1, 0, 0, 0, 2, 0};
	assert_int_equal(mbox(d, CXL_OP_CLEAR_EVENT_RECORDS, bad, 8, out, &n), CXL_MBOX_INVALID_HANDLE);
	uint8_t good[10] = {2, 0, 2, 0, 0, 0, 1, 0, 2, 0};
	assert_int_equal(mbox(d, CXL_OP_CLEAR_EVENT_RECORDS, good, 10, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cxl_event_count(d, 2), 6);
	uint8_t all[6] = {2, 1, 0};
	assert_int_equal(mbox(d, CXL_OP_CLEAR_EVENT_RECORDS, all, 6, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cxl_event_count(d, 2), 0);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_DEV_STATUS_OFFSET, 8), 0);
	uint8_t bad_log = 7;
	assert_int_equal(mbox(d, CXL_OP_GET_EVENT_RECORDS, &bad_log, 1, out, &n), CXL_MBOX_INVALID_INPUT);
	/* interrupt policy: MSI/MSI-X is kept with the log's vector (2 + log), FW mode is not */
	uint8_t pol[4] = {1, 2, 1, 0};
	assert_int_equal(mbox(d, CXL_OP_SET_EVENT_INT_POLICY, pol, 4, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(mbox(d, CXL_OP_GET_EVENT_INT_POLICY, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 4);
	uint8_t want[4] = {0x21, 0, 0x41, 0};
	assert_memory_equal(out, want, 4);
	/* with MSI-X enabled, a record into the empty failure log signals vector 4 */
	struct pcisim_cxl_type3 *t3 = (struct pcisim_cxl_type3 *)d;
	uint16_t msix = pcisim_cfg_find_cap(&d->cfg, 0x11);
	pcisim_fn_cfg_write(d, (uint16_t)(msix + 2), 0x8000, 2);
	memset(rec, 0, sizeof(rec));
	assert_true(pcisim_cxl_event_add(d, 2, rec));
	assert_int_equal(t3->msix[4].count, 1);
	assert_int_equal(t3->msix[2].count, 0);
	assert_false(pcisim_cxl_event_add(d, 2, rec));
	assert_int_equal(t3->msix[4].count, 1);
	tb_free(t);
}

/* ---- the cxl-inject-* commands as timeline actions ---- */

#define QMP_TOPOLOGY                                                                             \
	"version: 1\nname: t\n"                                                                 \
	"machine: {type: q35, qemu: \"%s\", cxl: on, cxl-fmw: [{targets: [hb], size: 4G}]}\n"  \
	"topology:\n"                                                                            \
	"  - qemu_args: |\n"                                                                     \
	"      -object memory-backend-ram,id=m0,size=256M\n"                                      \
	"      -object memory-backend-ram,id=l0,size=1M\n"                                        \
	"  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"                               \
	"  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"                 \
	"  - {driver: cxl-type3, id: t0, bus: rp0, memdev: m0, lsa: l0}\n"            \
	"  - {driver: cxl-type1, id: c1, bus: pcie.0}\n"

#define QMP_TOPOLOGY_8_1                                                                         \
	"version: 1\nname: t\n"                                                                 \
	"machine: {type: q35, qemu: \"8.1\", cxl: on}\n"                                          \
	"topology:\n"                                                                            \
	"  - qemu_args: \"-object memory-backend-ram,id=m0,size=256M -object memory-backend-ram,id=l0,size=1M\"\n" \
	"  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"                               \
	"  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"                 \
	"  - {driver: cxl-type3, id: t0, bus: rp0, memdev: m0, lsa: l0}\n"

static void qmp_commands_by_version(void **state)
{
	(void)state;
	const char *steps =
		"timeline:\n"
		"  - {at: 1ms, do: cxl-inject-poison, path: /machine/peripheral/t0, start: 0x1000, length: 128}\n"
		"  - {at: 2ms, do: cxl-inject-correctable-error, path: t0, type: mem-data-ecc}\n"
		"  - {at: 3ms, do: cxl-inject-general-media-event, path: t0, log: failure, flags: 1, dpa: 0x1000,\n"
		"     descriptor: 1, type: 0, transaction-type: 2, channel: 3}\n";
	/* 7.2 has none of them */
	struct tb *t = tb_runf(0, QMP_TOPOLOGY "%s", "7.2", steps);
	assert_non_null(tb_find_log(t, "Error: The command cxl-inject-poison has not been found"));
	assert_non_null(tb_find_log(t, "Error: The command cxl-inject-correctable-error has not been found"));
	assert_non_null(tb_find_log(t, "Error: The command cxl-inject-general-media-event has not been found"));
	assert_int_equal(pcisim_cxl_poison_count(tb_fn(t, "t0")), 0);
	tb_free(t);
	/* 8.0 has the RAS commands only */
	t = tb_runf(0, QMP_TOPOLOGY "%s", "8.0", steps);
	assert_non_null(tb_find_log(t, "Error: The command cxl-inject-poison has not been found"));
	assert_null(tb_find_log(t, "cxl-inject-correctable-error has not been found"));
	assert_int_equal(tb_count(t, "cxl.inject", "command", "cxl-inject-correctable-error"), 1);
	tb_free(t);
	/* 8.1 has all three */
	t = tb_runf(0, QMP_TOPOLOGY "%s", "8.1", steps);
	assert_null(tb_find_log(t, "has not been found"));
	assert_int_equal(pcisim_cxl_poison_count(tb_fn(t, "t0")), 1);
	assert_int_equal(pcisim_cxl_event_count(tb_fn(t, "t0"), 2), 1);
	struct pcisim_cxl_type3 *t3 = (struct pcisim_cxl_type3 *)tb_fn(t, "t0");
	const uint8_t *rec = t3->logs[2].recs[0];
	assert_int_equal(rec[0], 0xfb);   /* General Media UUID */
	assert_int_equal(rec[16], 128);   /* length */
	assert_int_equal(rec[17], 1);     /* flags */
	assert_int_equal(rec[0x31], 0x10); /* DPA 0x1000 */
	assert_int_equal(rec[0x3a], 2);   /* transaction type */
	assert_int_equal(rec[0x3b], 1);   /* validity: channel */
	assert_int_equal(rec[0x3d], 3);
	tb_free(t);
}

/* The device's CXL state as a scenario's expectations see it */
static void state_expectations(void **state)
{
	(void)state;
	struct tb *t = tb_runf(0, QMP_TOPOLOGY
			       "timeline:\n"
			       "  - {at: 1ms, do: cxl-inject-poison, path: t0, start: 0x1000, length: 128}\n"
			       "  - {at: 2ms, do: cxl-inject-memory-module-event, path: t0, log: warning, flags: 0, type: 1,\n"
			       "     health-status: 0, media-status: 0, additional-status: 0, life-used: 50, temperature: -5,\n"
			       "     dirty-shutdown-count: 1, corrected-volatile-error-count: 0, corrected-persistent-error-count: 0}\n"
			       "expect:\n"
			       "  - {state: t0, key: cxl_poison_count, equals: 1}\n"
			       "  - {state: t0, key: cxl_events_warning, equals: 1}\n"
			       "  - {state: t0, key: cxl_event_status, equals: 2}\n"
			       "  - {state: t0, key: cxl_ras_unc_status, equals: 0}\n"
			       "  - {state: t0, key: vendor_id, equals: 0x8086}\n",
			       "8.1");
	assert_int_equal(t->failed, 0);
	struct pcisim_cxl_type3 *t3 = (struct pcisim_cxl_type3 *)tb_fn(t, "t0");
	const uint8_t *rec = t3->logs[1].recs[0];
	assert_int_equal(rec[0], 0xfe);   /* Memory Module UUID */
	assert_int_equal(rec[0x30], 1);   /* device event type */
	assert_int_equal(rec[0x34], 50);  /* life used */
	assert_int_equal(rec[0x35], 0xfb); /* -5 as int16 */
	assert_int_equal(rec[0x36], 0xff);
	assert_int_equal(rec[0x37], 1);   /* dirty shutdown count */
	tb_free(t);
	/* a key it does not know lists the CXL keys */
	t = tb_text(QMP_TOPOLOGY_8_1 "expect:\n  - {state: t0, key: cxl_nonsense, equals: 1}\n");
	assert_int_not_equal(t->rc, 0);
	if (!strstr(t->err, "cxl_poison_count"))
		fail_msg("%s", t->err);
	tb_free(t);
}

static void qmp_refusals_and_aliases(void **state)
{
	(void)state;
	struct tb *t = tb_runf(0, QMP_TOPOLOGY
			       "timeline:\n"
			       "  - {at: 1ms, do: cxl-inject-poison, path: nosuch, start: 0, length: 64}\n"
			       "  - {at: 2ms, do: cxl-inject-poison, path: c1, start: 0, length: 64}\n"
			       "  - {at: 3ms, do: cxl-inject-poison, path: t0, args: \"0x0 0x40\"}\n"
			       "  - {at: 4ms, do: cxl-inject-poison, path: t0, start: 0x20, length: 64}\n"
			       "  - {at: 5ms, do: cxl-inject-uncorrectable-error, path: t0, type: internal}\n",
			       "8.1");
	assert_non_null(tb_find_log(t, "Error: Unable to resolve path"));
	assert_non_null(tb_find_log(t, "Error: Path does not point to a CXL type 3 device"));
	assert_non_null(tb_find_log(t, "Error: Poison start address must be 64 byte aligned"));
	assert_int_equal(pcisim_cxl_poison_count(tb_fn(t, "t0")), 1);
	assert_int_equal(tb_count(t, "cxl.inject", "given", "args"), 1);
	/* the alias runs the QMP command; masked by default: no status, no AER */
	assert_non_null(tb_find_log(t, "taken as cxl-inject-uncorrectable-errors"));
	assert_int_equal(tb_count(t, "cxl.inject", "given", "cxl-inject-uncorrectable-error"), 1);
	assert_int_equal(crd(tb_fn(t, "t0"), CXL_RAS_UNC_STATUS), 0);
	tb_free(t);
}

static void qmp_bad_input(void **state)
{
	(void)state;
	struct {
		const char *step, *msg;
	} cases[] = {
		{"{at: 1ms, do: cxl-inject-uncorrectable-errors, path: t0, errors: [{type: bogus}]}", "bogus"},
		{"{at: 1ms, do: cxl-inject-correctable-error, path: t0, type: internal}", "physical"},
		{"{at: 1ms, do: cxl-inject-poison, path: t0, args: \"1 2 3\"}", "START LENGTH"},
		{"{at: 1ms, do: cxl-inject-poison, path: t0}", "needs start and length"},
		{"{at: 1ms, do: cxl-inject-memory-module-event, path: t0, log: fatal, flags: 0, type: 0, "
		 "health-status: 0, media-status: 0, additional-status: 0, life-used: 0, temperature: 40000, "
		 "dirty-shutdown-count: 0, corrected-volatile-error-count: 0, corrected-persistent-error-count: 0}",
		 "int16"},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[4096];
		snprintf(text, sizeof(text), QMP_TOPOLOGY "timeline:\n  - %s\n", "8.1", cases[i].step);
		struct tb *t = tb_text(text);
		assert_int_not_equal(t->rc, 0);
		if (!strstr(t->err, cases[i].msg) || !strstr(t->err, "t.yaml:"))
			fail_msg("case %u: %s", i, t->err);
		tb_free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(component_layout_7_2),
		cmocka_unit_test(config_layout_by_version),
		cmocka_unit_test(registers_through_the_bars),
		cmocka_unit_test(type3_memory_properties_by_version),
		cmocka_unit_test(component_layout_8_0),
		cmocka_unit_test(hdm_commit_rules),
		cmocka_unit_test(reset_restores_registers),
		cmocka_unit_test(interleave_every_pair),
		cmocka_unit_test(decode_two_level),
		cmocka_unit_test(decode_stacked_switches),
		cmocka_unit_test(device_decoder_every_pair),
		cmocka_unit_test(host_bridge_passthrough),
		cmocka_unit_test(device_registers),
		cmocka_unit_test(mailbox_return_codes),
		cmocka_unit_test(mailbox_doorbell_interrupt),
		cmocka_unit_test(mailbox_background_busy),
		cmocka_unit_test(poison_list),
		cmocka_unit_test(ras_injection),
		cmocka_unit_test(ras_every_type),
		cmocka_unit_test(event_logs),
		cmocka_unit_test(qmp_commands_by_version),
		cmocka_unit_test(qmp_refusals_and_aliases),
		cmocka_unit_test(state_expectations),
		cmocka_unit_test(qmp_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
