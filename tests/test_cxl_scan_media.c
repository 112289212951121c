/*
 * Scan Media on a type 3 device (QEMU 9.1 on): Get Scan Media Capabilities (4303h),
 * Scan Media (4304h) in the background with Background Command Status, Busy for a
 * second background command, the completion interrupt, Get Scan Media Results
 * (4305h) with the records the poison list could not hold, the More flag and the
 * overflow cleared; Unsupported on 7.2 and 9.0. Through the doorbell, as a host does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "testbench.h"
#include "sim/cxl/cxl_state.h"
#include "sim/cxl/memdev.h"
#include "sim/cxl/regs.h"

/* One type 3 device with 256 MiB of persistent memory below a root port. */
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

static int mbox(struct pcisim_pcifn *d, uint16_t op, const void *in, size_t len, uint8_t *out, size_t *len_out)
{
	for (size_t i = 0; i < len; i++)
		pcisim_cxl_device_write(d, CXL_MBOX_PAYLOAD + i, 1, ((const uint8_t *)in)[i]);
	pcisim_cxl_device_write(d, CXL_MBOX_CMD, 8, op | (uint64_t)len << 16);
	uint64_t ctrl = pcisim_cxl_device_read(d, CXL_MBOX_CTRL, 4); /* keep the interrupt enables */
	pcisim_cxl_device_write(d, CXL_MBOX_CTRL, 4, ctrl | CXL_MBOX_CTRL_DOORBELL);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_CTRL, 4) & CXL_MBOX_CTRL_DOORBELL, 0);
	*len_out = (size_t)(pcisim_cxl_device_read(d, CXL_MBOX_CMD, 8) >> 16 & 0xfffff);
	for (size_t i = 0; out && i < *len_out; i++)
		out[i] = (uint8_t)pcisim_cxl_device_read(d, CXL_MBOX_PAYLOAD + i, 1);
	return (int)(pcisim_cxl_device_read(d, CXL_MBOX_STATUS, 8) >> 32 & 0xffff);
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The 16-byte range input (address, length in lines) and Scan Media's 17th byte. */
static void range(uint8_t *in, uint64_t pa, uint64_t lines)
{
	for (unsigned i = 0; i < 8; i++) {
		in[i] = (uint8_t)(pa >> (8 * i));
		in[8 + i] = (uint8_t)(lines >> (8 * i));
	}
	in[16] = 0;
}

static void qmp_poison(struct pcisim_pcifn *d, uint64_t start, uint64_t len)
{
	char err[128];
	if (pcisim_cxl_qmp_inject_poison(d, start, len, err, sizeof(err)))
		fail_msg("cxl-inject-poison: %s", err);
}

static void unsupported_before_9_1(void **state)
{
	(void)state;
	static const char *const versions[] = {"7.2", "8.2", "9.0"};
	for (size_t v = 0; v < 3; v++) {
		struct tb *t = single(versions[v]);
		struct pcisim_pcifn *d = tb_fn(t, "t0");
		uint8_t in[17], out[CXL_MBOX_PAYLOAD_MAX];
		size_t n;
		range(in, 0, 1);
		assert_int_equal(mbox(d, CXL_OP_GET_SCAN_MEDIA_CAPS, in, 16, out, &n), CXL_MBOX_UNSUPPORTED);
		assert_int_equal(mbox(d, CXL_OP_SCAN_MEDIA, in, 17, out, &n), CXL_MBOX_UNSUPPORTED);
		assert_int_equal(mbox(d, CXL_OP_GET_SCAN_MEDIA_RESULTS, NULL, 0, out, &n), CXL_MBOX_UNSUPPORTED);
		assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_STATUS, 8) & 1, 0);
		tb_free(t);
	}
}

/* Get Scan Media Capabilities: QEMU's 500 ns a line, at least 1 ms; the checks. */
static void capabilities(void **state)
{
	(void)state;
	struct tb *t = single("9.1");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	uint8_t in[17], out[CXL_MBOX_PAYLOAD_MAX];
	size_t n;
	static const struct {
		uint64_t pa, lines;
		int rc;
		uint32_t ms;
	} cases[] = {
		{0, 1, CXL_MBOX_SUCCESS, 1},
		{0, 1999, CXL_MBOX_SUCCESS, 1},
		{0, 4000, CXL_MBOX_SUCCESS, 2},
		{0, (256u << 20) / 64, CXL_MBOX_SUCCESS, 2097},         /* the whole 256 MiB */
		{0x40, (256u << 20) / 64 - 1, CXL_MBOX_SUCCESS, 2097}, /* ends at the last line */
		{0x20, 1, CXL_MBOX_INVALID_INPUT, 0},                  /* not 64-byte aligned */
		{0x40, (256u << 20) / 64, CXL_MBOX_INVALID_PA, 0},     /* one line past the end */
		{0, UINT64_MAX / 32, CXL_MBOX_INVALID_PA, 0},          /* bytes overflow */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		range(in, cases[i].pa, cases[i].lines);
		assert_int_equal(mbox(d, CXL_OP_GET_SCAN_MEDIA_CAPS, in, 16, out, &n), cases[i].rc);
		assert_int_equal(n, cases[i].rc ? 0 : 4);
		if (!cases[i].rc)
			assert_int_equal(le(out, 4), cases[i].ms);
	}
	/* a wrong input length */
	assert_int_equal(mbox(d, CXL_OP_GET_SCAN_MEDIA_CAPS, in, 17, out, &n), CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	/* the Command Effects Log lists the three: 4303h no effect, 4304h background */
	uint8_t gl[0x18] = {0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
			    0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17};
	gl[20] = 0x00;
	gl[21] = 0x02; /* 512 bytes */
	assert_int_equal(mbox(d, CXL_OP_GET_LOG, gl, sizeof(gl), out, &n), CXL_MBOX_SUCCESS);
	unsigned found = 0;
	for (size_t i = 0; i + 4 <= n; i += 4) {
		uint16_t op = (uint16_t)le(out + i, 2), eff = (uint16_t)le(out + i + 2, 2);
		if (op == CXL_OP_GET_SCAN_MEDIA_CAPS || op == CXL_OP_GET_SCAN_MEDIA_RESULTS) {
			assert_int_equal(eff, 0);
			found++;
		} else if (op == CXL_OP_SCAN_MEDIA) {
			assert_int_equal(eff, 1u << 6); /* Background Operation */
			found++;
		}
	}
	assert_int_equal(found, 3);
	tb_free(t);
}

/*
 * A scan in the background: Background Command Status as it runs, Busy for a
 * second background command, Get Poison List's Scan Media in Progress flag, inject
 * and clear frozen; completion at QEMU's next 1 s timer tick, with the interrupt.
 */
static void scan_in_the_background(void **state)
{
	(void)state;
	struct tb *t = single("9.1");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	struct pcisim_cxl_type3 *t3 = (struct pcisim_cxl_type3 *)d;
	uint8_t in[80], out[CXL_MBOX_PAYLOAD_MAX];
	size_t n;
	/* results before any scan ended: Unsupported */
	assert_int_equal(mbox(d, CXL_OP_GET_SCAN_MEDIA_RESULTS, NULL, 0, out, &n), CXL_MBOX_UNSUPPORTED);
	uint16_t msix = pcisim_cfg_find_cap(&d->cfg, 0x11);
	pcisim_fn_cfg_write(d, (uint16_t)(msix + 2), 0x8000, 2);
	pcisim_cxl_device_write(d, CXL_MBOX_CTRL, 4, CXL_MBOX_CTRL_BG_INT_EN);
	pcisim_time t0 = t->sim.now;
	/* 8 MiB: 131072 lines, QEMU's estimate 65 ms: done at the 1 s tick */
	range(in, 0, (8u << 20) / 64);
	assert_int_equal(mbox(d, CXL_OP_SCAN_MEDIA, in, 17, out, &n), CXL_MBOX_BG_STARTED);
	assert_int_equal(n, 0);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_STATUS, 8), 1 | (uint64_t)CXL_MBOX_BG_STARTED << 32);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_BG_STATUS, 8), CXL_OP_SCAN_MEDIA);
	/* Busy for a second background command (another scan, a sanitize) */
	assert_int_equal(mbox(d, CXL_OP_SCAN_MEDIA, in, 17, out, &n), CXL_MBOX_BUSY);
	assert_int_equal(mbox(d, CXL_OP_SANITIZE, NULL, 0, out, &n), CXL_MBOX_BUSY);
	/* the media stays enabled: other commands run */
	assert_int_equal(mbox(d, CXL_OP_GET_PARTITION_INFO, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	/* Get Poison List: Scan Media in Progress (flags bit 2) */
	range(in, 0, (256u << 20) / 64);
	assert_int_equal(mbox(d, CXL_OP_GET_POISON_LIST, in, 16, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(out[0], 4);
	/* Inject Poison while it runs: Success, the list unchanged (frozen) */
	memset(in, 0, sizeof(in));
	in[0] = 0x40;
	assert_int_equal(mbox(d, CXL_OP_INJECT_POISON, in, 8, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cxl_poison_count(d), 0);
	/* half way through the second */
	pcisim_run(&t->sim, t0 + PCISIM_S / 2);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_BG_STATUS, 8), CXL_OP_SCAN_MEDIA | 50u << 16);
	assert_int_equal(t3->msix[PCISIM_CXL_MSIX_MBOX].count, 0);
	/* done at 1 s: bit 0 clear, 100 %, Success, the completion interrupt (vector 7) */
	pcisim_run(&t->sim, t0 + PCISIM_S);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_STATUS, 8) & 1, 0);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_BG_STATUS, 8), CXL_OP_SCAN_MEDIA | 100u << 16);
	assert_int_equal(t3->msix[PCISIM_CXL_MSIX_MBOX].count, 1);
	/* the results: none found; no More flag */
	assert_int_equal(mbox(d, CXL_OP_GET_SCAN_MEDIA_RESULTS, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 0x20);
	assert_int_equal(out[16], 0);
	assert_int_equal(le(out + 18, 2), 0);
	/* inject works again; a scan of the whole device takes QEMU's 2097 ms: 3 s */
	in[0] = 0x40;
	assert_int_equal(mbox(d, CXL_OP_INJECT_POISON, in, 8, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cxl_poison_count(d), 1);
	t0 = t->sim.now;
	range(in, 0, (256u << 20) / 64);
	assert_int_equal(mbox(d, CXL_OP_SCAN_MEDIA, in, 17, out, &n), CXL_MBOX_BG_STARTED);
	/* Clear Poison while it runs: Success, the entry stays */
	memset(in, 0, 72);
	in[0] = 0x40;
	assert_int_equal(mbox(d, CXL_OP_CLEAR_POISON, in, 72, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cxl_poison_count(d), 1);
	/* that command's doorbell wrote Status whole (bit 0 clear, as QEMU's
	 * cxl_process_mailbox does); Background Command Status still runs */
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_STATUS, 8), 0);
	pcisim_run(&t->sim, t0 + 3 * PCISIM_S - 1);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_BG_STATUS, 8), CXL_OP_SCAN_MEDIA | 99u << 16);
	assert_int_equal(t3->msix[PCISIM_CXL_MSIX_MBOX].count, 1);
	pcisim_run(&t->sim, t0 + 3 * PCISIM_S);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_BG_STATUS, 8), CXL_OP_SCAN_MEDIA | 100u << 16);
	assert_int_equal(t3->msix[PCISIM_CXL_MSIX_MBOX].count, 2);
	/* the range checks of Scan Media */
	range(in, 0x20, 1);
	assert_int_equal(mbox(d, CXL_OP_SCAN_MEDIA, in, 17, out, &n), CXL_MBOX_INVALID_INPUT);
	range(in, 0, (256u << 20) / 64 + 1);
	assert_int_equal(mbox(d, CXL_OP_SCAN_MEDIA, in, 17, out, &n), CXL_MBOX_INVALID_PA);
	assert_int_equal(mbox(d, CXL_OP_SCAN_MEDIA, in, 16, out, &n), CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_MBOX_STATUS, 8) & 1, 0);
	tb_free(t);
}

/*
 * Past the full list: QMP's injections go to the backup list (the list overflows);
 * a scan of a range finds the ones there, in injection order, rebuilds the poison
 * list from them, reports them 126 at a time with More, and clears the overflow
 * when the list holds exactly what it found.
 */
static void results_overflow_and_more(void **state)
{
	(void)state;
	struct tb *t = single("9.1");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	struct pcisim_cxl_type3 *t3 = (struct pcisim_cxl_type3 *)d;
	uint8_t in[17];
	static uint8_t out[CXL_MBOX_PAYLOAD_MAX];
	size_t n;
	/* 256 lines fill the list; 200 more, at 1 MiB on, go to the backup */
	for (unsigned i = 0; i < PCISIM_CXL_POISON_MAX; i++)
		qmp_poison(d, 64ull * i, 64);
	assert_false(t3->poison_overflowed);
	for (unsigned i = 0; i < 200; i++)
		qmp_poison(d, (1ull << 20) + 128ull * i, 64);
	assert_true(t3->poison_overflowed);
	assert_int_equal(pcisim_cxl_poison_count(d), PCISIM_CXL_POISON_MAX);
	assert_int_equal(t3->npoison_bkp, 200);
	/* Get Poison List shows the overflow */
	range(in, 0, (256u << 20) / 64);
	assert_int_equal(mbox(d, CXL_OP_GET_POISON_LIST, in, 16, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(out[0] & 2, 2);
	/* scan the first 1 MiB + 64 lines: the first 32 backup entries (every other line) */
	pcisim_time t0 = t->sim.now;
	range(in, 0, (1u << 20) / 64 + 64);
	assert_int_equal(mbox(d, CXL_OP_SCAN_MEDIA, in, 17, out, &n), CXL_MBOX_BG_STARTED);
	/* the list was emptied (it had overflowed) and holds the 32 found */
	assert_int_equal(pcisim_cxl_poison_count(d), 32);
	assert_int_equal(t3->npoison_bkp, 168);
	assert_true(t3->poison_overflowed);
	pcisim_run(&t->sim, t0 + PCISIM_S);
	/* the list holds exactly the results: the overflow is cleared */
	assert_false(t3->poison_overflowed);
	assert_int_equal(mbox(d, CXL_OP_GET_SCAN_MEDIA_RESULTS, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 0x20 + 32 * 16);
	assert_int_equal(le(out, 8), 0);      /* restart address */
	assert_int_equal(le(out + 8, 8), 0);  /* restart length */
	assert_int_equal(out[16], 0);         /* no more */
	assert_int_equal(le(out + 18, 2), 32);
	for (unsigned i = 0; i < 32; i++) {
		/* injection order; DPA with the source in bits 2:0 (2: internal, from QMP); length in lines */
		assert_int_equal(le(out + 0x20 + 16 * i, 8), ((1ull << 20) + 128ull * i) | 2);
		assert_int_equal(le(out + 0x20 + 16 * i + 8, 4), 1);
		assert_int_equal(le(out + 0x20 + 16 * i + 12, 4), 0);
	}
	/* read once: the records are consumed */
	assert_int_equal(mbox(d, CXL_OP_GET_SCAN_MEDIA_RESULTS, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(le(out + 18, 2), 0);
	/* Get Poison List now lists them, newest first, without the overflow flag */
	range(in, 0, (256u << 20) / 64);
	assert_int_equal(mbox(d, CXL_OP_GET_POISON_LIST, in, 16, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(out[0], 0);
	assert_int_equal(le(out + 10, 2), 32);
	assert_int_equal(le(out + 0x20, 8), (1ull << 20) | 2);
	/* the rest, 168 entries: 126 records and More, then 42 */
	t0 = t->sim.now;
	range(in, 0, (256u << 20) / 64);
	assert_int_equal(mbox(d, CXL_OP_SCAN_MEDIA, in, 17, out, &n), CXL_MBOX_BG_STARTED);
	assert_int_equal(pcisim_cxl_poison_count(d), 200);
	assert_int_equal(t3->npoison_bkp, 0);
	/* results are readable only once the scan has ended: until then the last ones */
	pcisim_run(&t->sim, t0 + 3 * PCISIM_S);
	assert_int_equal(mbox(d, CXL_OP_GET_SCAN_MEDIA_RESULTS, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 0x20 + 126 * 16);
	assert_int_equal(out[16], 1); /* More Media Error Records */
	assert_int_equal(le(out + 18, 2), 126);
	assert_int_equal(le(out + 0x20, 8), ((1ull << 20) + 128ull * 32) | 2);
	assert_int_equal(mbox(d, CXL_OP_GET_SCAN_MEDIA_RESULTS, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(out[16], 0);
	assert_int_equal(le(out + 18, 2), 42);
	assert_int_equal(le(out + 0x20 + 16 * 41, 8), ((1ull << 20) + 128ull * 199) | 2);
	tb_free(t);
}

/* Before 9.1 QMP drops what the full list cannot take (no backup). */
static void no_backup_before_9_1(void **state)
{
	(void)state;
	struct tb *t = single("9.0");
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	struct pcisim_cxl_type3 *t3 = (struct pcisim_cxl_type3 *)d;
	for (unsigned i = 0; i < PCISIM_CXL_POISON_MAX + 3; i++)
		qmp_poison(d, 64ull * i, 64);
	assert_true(t3->poison_overflowed);
	assert_int_equal(t3->npoison_bkp, 0);
	tb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unsupported_before_9_1),
		cmocka_unit_test(capabilities),
		cmocka_unit_test(scan_in_the_background),
		cmocka_unit_test(results_overflow_and_more),
		cmocka_unit_test(no_backup_before_9_1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
