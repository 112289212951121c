/*
 * Dynamic capacity (sim/cxl/dcd.c): DC regions, the mailbox's DC commands through
 * the doorbell, the accept and reject rules of Add Dynamic Capacity Response and
 * Release Dynamic Capacity with their return codes, QMP's checks and texts, the DC
 * event records and their interrupt, memory that is usable only once accepted, and
 * the Fabric Manager's DCD commands acting on the same state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "testbench.h"
#include "sim/cxl/cxl_state.h"
#include "sim/cxl/dcd.h"
#include "sim/cxl/memdev.h"
#include "sim/cxl/regs.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define R0 (256 * MiB) /* region 0's base: after 256 MiB of volatile memory */
#define R1 (R0 + GiB)  /* region 1's */
#define BLK (2 * MiB)

/* A DCD: 256 MiB volatile memory, then two DC regions of 1 GiB each. */
static struct tb *dcd(const char *qemu, unsigned regions)
{
	char text[2048];
	snprintf(text, sizeof(text),
		 "version: 1\nname: t\n"
		 "machine: {type: q35, qemu: \"%s\", cxl: on, cxl-fmw: [{targets: [hb], size: 4G}]}\n"
		 "topology:\n"
		 "  - qemu_args: |\n"
		 "      -object memory-backend-ram,id=v0,size=256M\n"
		 "      -object memory-backend-ram,id=dc0,size=2G\n"
		 "  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"
		 "  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"
		 "  - {driver: cxl-type3, id: t0, bus: rp0, volatile-memdev: v0%s}\n",
		 qemu, regions == 2 ? ", volatile-dc-memdev: dc0, num-dc-regions: 2" : "");
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
	uint64_t ctrl = pcisim_cxl_device_read(d, CXL_MBOX_CTRL, 4);
	pcisim_cxl_device_write(d, CXL_MBOX_CTRL, 4, ctrl | CXL_MBOX_CTRL_DOORBELL);
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

static void put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Add DC Response / Release DC payload: count, then (start, length, reserved) each */
static size_t updated(uint8_t *pl, unsigned n, const uint64_t *ranges)
{
	memset(pl, 0, 8 + 24 * (size_t)n);
	put(pl, n, 4);
	for (unsigned i = 0; i < n; i++) {
		put(pl + 8 + 24 * i, ranges[2 * i], 8);
		put(pl + 8 + 24 * i + 8, ranges[2 * i + 1], 8);
	}
	return 8 + 24 * (size_t)n;
}

static int respond(struct pcisim_pcifn *d, uint16_t op, unsigned n, const uint64_t *ranges)
{
	uint8_t pl[2048], out[2048];
	size_t len;
	return mbox(d, op, pl, updated(pl, n, ranges), out, &len);
}

static void offer(struct pcisim_pcifn *d, unsigned region, unsigned n, const uint64_t *ranges)
{
	struct pcisim_cxl_dc_range r[16];
	char err[160] = "";
	for (unsigned i = 0; i < n; i++) {
		r[i].offset = ranges[2 * i];
		r[i].len = ranges[2 * i + 1];
	}
	if (pcisim_cxl_dc_qmp_add(d, region, r, n, err, sizeof(err)))
		fail_msg("offer refused: %s", err);
}

static int qmp(struct pcisim_pcifn *d, bool add, unsigned region, uint64_t off, uint64_t len, char *err)
{
	struct pcisim_cxl_dc_range r = {off, len};
	return add ? pcisim_cxl_dc_qmp_add(d, region, &r, 1, err, 160) : pcisim_cxl_dc_qmp_release(d, region, &r, 1, err, 160);
}

/* Regions as QEMU 9.1 lays them out, Get DC Config's bytes, Identify, the CEL */
static void regions_and_config(void **state)
{
	(void)state;
	struct tb *t = dcd("9.1", 2);
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	const struct pcisim_cxl_dc *dc = pcisim_cxl_dc_of(d);
	assert_non_null(dc);
	assert_int_equal(dc->nregions, 2);
	assert_int_equal(dc->regions[0].base, R0);
	assert_int_equal(dc->regions[1].base, R1);
	assert_int_equal(dc->regions[1].len, GiB);
	assert_int_equal(dc->regions[0].block_size, BLK);
	assert_int_equal(dc->regions[0].dsmad_handle, 1); /* after the volatile memory's DSMAS */
	assert_int_equal(dc->total, 2 * GiB);

	uint8_t out[2048], in[3] = {8, 1, 0}; /* up to 8 regions from region 1 */
	size_t n;
	assert_int_equal(mbox(d, CXL_OP_GET_DC_CONFIG, in, 2, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 8 + 40 + 16);
	assert_int_equal(out[0], 2); /* regions */
	assert_int_equal(out[1], 1); /* returned */
	assert_int_equal(le(out + 8, 8), R1);
	assert_int_equal(le(out + 16, 8), 4);  /* decode length in 256 MiB units */
	assert_int_equal(le(out + 24, 8), GiB);
	assert_int_equal(le(out + 32, 8), BLK);
	assert_int_equal(le(out + 40, 4), 2);  /* DSMAD handle */
	assert_int_equal(le(out + 48, 4), 512); /* extents supported */
	assert_int_equal(le(out + 52, 4), 512); /* available */
	assert_int_equal(le(out + 56, 8), 0);   /* no tags */
	in[1] = 2;
	assert_int_equal(mbox(d, CXL_OP_GET_DC_CONFIG, in, 2, out, &n), CXL_MBOX_INVALID_INPUT);
	assert_int_equal(mbox(d, CXL_OP_GET_DC_CONFIG, in, 3, out, &n), CXL_MBOX_INVALID_PAYLOAD_LENGTH);

	/* Identify Memory Device grows the DC event log size; static capacity only */
	assert_int_equal(mbox(d, CXL_OP_IDENTIFY_MEMDEV, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 0x45);
	assert_int_equal(le(out + 0x10, 8), 1);
	assert_int_equal(le(out + 0x43, 2), 8);
	/* the Command Effects Log lists the four DC commands, 0x4802/3 as data changes */
	assert_int_equal(mbox(d, CXL_OP_GET_SUPPORTED_LOGS, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	uint32_t cel_size = (uint32_t)le(out + 24, 4);
	uint8_t get_log[0x18] = {0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78, 0x8f, 0x79, 0x96, 0xb1,
				 0x62, 0x3b, 0x3f, 0x17, 0, 0, 0, 0};
	put(get_log + 20, cel_size, 4);
	assert_int_equal(mbox(d, CXL_OP_GET_LOG, get_log, 0x18, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, cel_size);
	unsigned found = 0, set_policy = 0;
	for (size_t i = 0; i + 4 <= n; i += 4) {
		uint16_t op = (uint16_t)le(out + i, 2), eff = (uint16_t)le(out + i + 2, 2);
		if (op >= 0x4800 && op <= 0x4803) {
			found++;
			assert_int_equal(eff, op >= 0x4802 ? 4 : 0);
		}
		set_policy += op == CXL_OP_SET_EVENT_INT_POLICY;
	}
	assert_int_equal(found, 4);
	assert_int_equal(set_policy, 1); /* one entry although the table has a form per version */
	tb_free(t);

	/* a 9.1 device without regions has none of it; 9.0 has no such properties */
	t = dcd("9.1", 0);
	d = tb_fn(t, "t0");
	assert_null(pcisim_cxl_dc_of(d));
	assert_int_equal(mbox(d, CXL_OP_GET_DC_CONFIG, in, 2, out, &n), CXL_MBOX_UNSUPPORTED);
	tb_free(t);
	char text[1024];
	snprintf(text, sizeof(text),
		 "version: 1\nname: t\nmachine: {type: q35, qemu: \"9.0\", cxl: on}\ntopology:\n"
		 "  - qemu_args: \"-object memory-backend-ram,id=dc0,size=1G\"\n"
		 "  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"
		 "  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"
		 "  - {driver: cxl-type3, id: t0, bus: rp0, volatile-dc-memdev: dc0, num-dc-regions: 1}\n");
	t = tb_text(text);
	assert_int_not_equal(t->rc, 0);
	assert_non_null(strstr(t->err, "9.1"));
	tb_free(t);
	/* a backend no -object declares: the device loads, with no DC regions */
	snprintf(text, sizeof(text),
		 "version: 1\nname: t\nmachine: {type: q35, qemu: \"9.1\", cxl: on}\ntopology:\n"
		 "  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"
		 "  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"
		 "  - {driver: cxl-type3, id: t0, bus: rp0, volatile-dc-memdev: nowhere, num-dc-regions: 2}\n");
	t = tb_text(text);
	assert_int_equal(t->rc, 0);
	assert_null(pcisim_cxl_dc_of(tb_fn(t, "t0")));
	tb_free(t);
	/* a backend of 1 GiB cannot be three regions of whole 256 MiB */
	snprintf(text, sizeof(text),
		 "version: 1\nname: t\nmachine: {type: q35, qemu: \"9.1\", cxl: on}\ntopology:\n"
		 "  - qemu_args: \"-object memory-backend-ram,id=dc0,size=1G\"\n"
		 "  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"
		 "  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"
		 "  - {driver: cxl-type3, id: t0, bus: rp0, volatile-dc-memdev: dc0, num-dc-regions: 3}\n");
	t = tb_text(text);
	assert_int_not_equal(t->rc, 0);
	assert_non_null(strstr(t->err, "backend size is not multiple of region len"));
	tb_free(t);
}

/* Offer, records, accept part of a group, memory usable only once accepted */
static void add_accept_flow(void **state)
{
	(void)state;
	struct tb *t = dcd("9.1", 2);
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	struct pcisim_cxl_type3 *t3 = pcisim_cxl_type3_of(d);
	const struct pcisim_cxl_dc *dc = pcisim_cxl_dc_of(d);
	uint64_t two[] = {0, 4 * MiB, 64 * MiB, 2 * MiB};
	offer(d, 0, 2, two);
	assert_int_equal(dc->npending, 2);
	assert_int_equal(pcisim_cxl_device_read(d, CXL_DEV_STATUS_OFFSET, 8), 1u << 4);
	/* the DC log: one Add Capacity record per extent, More on the first */
	uint8_t out[2048], log = PCISIM_CXL_EVENT_LOG_DCD;
	size_t n;
	assert_int_equal(mbox(d, CXL_OP_GET_EVENT_RECORDS, &log, 1, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(le(out + 20, 2), 2);
	const uint8_t *r0 = out + 0x20, *r1 = out + 0x20 + 128;
	static const uint8_t uuid[16] = {0xca, 0x95, 0xaf, 0xa7, 0xf1, 0x83, 0x40, 0x18,
					 0x8c, 0x2f, 0x95, 0x26, 0x8e, 0x10, 0x1a, 0x2a};
	assert_memory_equal(r0, uuid, 16);
	assert_int_equal(r0[0x30], PCISIM_CXL_DC_EV_ADD);
	assert_int_equal(r0[0x35], 1); /* More */
	assert_int_equal(r1[0x35], 0);
	assert_int_equal(le(r0 + 0x38, 8), R0);
	assert_int_equal(le(r0 + 0x40, 8), 4 * MiB);
	assert_int_equal(le(r1 + 0x38, 8), R0 + 64 * MiB);
	assert_int_equal(le(r0 + 0x78, 4), 510); /* extents available after the offer */
	/* not usable yet: pending is not memory */
	uint64_t v = 0x1234;
	assert_int_equal(pcisim_cxl_dpa_access(d, R0, &v, 8, true), -1);
	/* Get DC Extent List: QEMU counts the pending extents into the records it reports */
	uint8_t list_in[8] = {16, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(mbox(d, CXL_OP_GET_DC_EXTENT_LIST, list_in, 8, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(le(out, 4), 2);     /* returned */
	assert_int_equal(le(out + 4, 4), 0); /* total accepted */
	assert_int_equal(n, 16 + 2 * 40);

	/* the host takes the first 2 MiB of the first extent only: the rest is dropped */
	uint64_t take[] = {R0, 2 * MiB};
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 1, take), CXL_MBOX_SUCCESS);
	assert_int_equal(dc->npending, 0);
	assert_int_equal(dc->naccepted, 1);
	assert_int_equal(pcisim_cxl_dpa_access(d, R0, &v, 8, true), 0);
	uint64_t back = 0;
	assert_int_equal(pcisim_cxl_dpa_access(d, R0, &back, 8, false), 0);
	assert_int_equal(back, 0x1234);
	assert_int_equal(pcisim_cxl_dpa_access(d, R0 + 2 * MiB, &v, 8, false), -1);
	assert_int_equal(pcisim_cxl_dpa_access(d, R0 + 64 * MiB, &v, 8, false), -1);
	assert_int_equal(mbox(d, CXL_OP_GET_DC_EXTENT_LIST, list_in, 8, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(le(out, 4), 1);
	assert_int_equal(le(out + 4, 4), 1);
	assert_int_equal(le(out + 8, 4), 0); /* QEMU never moves the generation number */
	assert_int_equal(le(out + 16, 8), R0);
	assert_int_equal(le(out + 24, 8), 2 * MiB);
	/* a start past the accepted extents is refused */
	list_in[4] = 2;
	assert_int_equal(mbox(d, CXL_OP_GET_DC_EXTENT_LIST, list_in, 8, out, &n), CXL_MBOX_INVALID_INPUT);
	/* the DC log's interrupt: mode in the fifth policy byte, vector 2 + 4 */
	uint8_t pol[5] = {0, 0, 0, 0, 1};
	assert_int_equal(mbox(d, CXL_OP_SET_EVENT_INT_POLICY, pol, 5, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(mbox(d, CXL_OP_GET_EVENT_INT_POLICY, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 5);
	assert_int_equal(out[4], 1);
	uint8_t clear_all[6] = {PCISIM_CXL_EVENT_LOG_DCD, 1};
	assert_int_equal(mbox(d, CXL_OP_CLEAR_EVENT_RECORDS, clear_all, 6, out, &n), CXL_MBOX_SUCCESS);
	uint16_t msix = pcisim_cfg_find_cap(&d->cfg, 0x11);
	pcisim_fn_cfg_write(d, (uint16_t)(msix + 2), 0x8000, 2);
	uint64_t more[] = {128 * MiB, 2 * MiB};
	offer(d, 0, 1, more);
	assert_int_equal(t3->msix[6].count, 1);
	tb_free(t);
}

/* An offer of more extents than the DC log holds: the last records are lost (QEMU's
 * 8-record logs), the chain the host reads ends with More set, and answering it drops
 * the rest of the group with it */
static void offer_overflows_log(void **state)
{
	(void)state;
	struct tb *t = dcd("9.1", 2);
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	const struct pcisim_cxl_dc *dc = pcisim_cxl_dc_of(d);
	uint64_t ten[20];
	for (unsigned i = 0; i < 10; i++) {
		ten[2 * i] = 4 * MiB * i;
		ten[2 * i + 1] = 2 * MiB;
	}
	offer(d, 0, 10, ten);
	assert_int_equal(dc->npending, 10);
	uint8_t out[2048], log = PCISIM_CXL_EVENT_LOG_DCD;
	size_t n;
	assert_int_equal(mbox(d, CXL_OP_GET_EVENT_RECORDS, &log, 1, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(out[0] & 1, 1);       /* overflow */
	assert_int_equal(le(out + 2, 2), 2);   /* two records lost */
	assert_int_equal(le(out + 20, 2), 8);
	assert_int_equal(out[0x20 + 7 * 128 + 0x35], 1); /* the last one kept still says More */
	uint64_t eight[16];
	for (unsigned i = 0; i < 8; i++) {
		eight[2 * i] = R0 + 4 * MiB * i;
		eight[2 * i + 1] = 2 * MiB;
	}
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 8, eight), CXL_MBOX_SUCCESS);
	assert_int_equal(dc->naccepted, 8);
	assert_int_equal(dc->npending, 0); /* the two never seen went with the group */
	tb_free(t);
}

/* Add Dynamic Capacity Response: every rule and its return code */
static void accept_rules(void **state)
{
	(void)state;
	struct tb *t = dcd("9.1", 2);
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	const struct pcisim_cxl_dc *dc = pcisim_cxl_dc_of(d);
	/* nothing pending: an empty response changes nothing, a listed range is refused */
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 0, NULL), CXL_MBOX_SUCCESS);
	uint64_t r[] = {R0, 4 * MiB, R0 + 4 * MiB, 2 * MiB};
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 1, r), CXL_MBOX_INVALID_PA);
	uint64_t g1[] = {0, 8 * MiB}, g2[] = {0, 16 * MiB};
	offer(d, 0, 1, g1);
	offer(d, 1, 1, g2);
	assert_int_equal(dc->npending, 2);
	/* short payload */
	uint8_t pl[64], out[64];
	size_t n;
	put(pl, 2, 4);
	assert_int_equal(mbox(d, CXL_OP_ADD_DC_RESPONSE, pl, 8 + 24, out, &n), CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	assert_int_equal(mbox(d, CXL_OP_ADD_DC_RESPONSE, pl, 4, out, &n), CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	/* outside every region; across the end of region 0 */
	uint64_t none[] = {0, 2 * MiB}, across[] = {R1 - BLK, 2 * BLK};
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 1, none), CXL_MBOX_INVALID_PA);
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 1, across), CXL_MBOX_INVALID_PA);
	/* not block aligned; overlapping inside the list */
	uint64_t unaligned[] = {R0 + 4096, BLK}, dup[] = {R0, 4 * MiB, R0 + 2 * MiB, 2 * MiB};
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 1, unaligned), CXL_MBOX_INVALID_EXTENT_LIST);
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 2, dup), CXL_MBOX_INVALID_EXTENT_LIST);
	/* the second group's range: a response always answers the first group */
	uint64_t second[] = {R1, 2 * MiB};
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 1, second), CXL_MBOX_INVALID_PA);
	assert_int_equal(dc->npending, 2);
	/* taking two pieces of the offered extent */
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 2, r), CXL_MBOX_SUCCESS);
	assert_int_equal(dc->naccepted, 2);
	assert_int_equal(dc->npending, 1);
	/* an empty response rejects the (now first) second group */
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 0, NULL), CXL_MBOX_SUCCESS);
	assert_int_equal(dc->npending, 0);
	/* offered again over an accepted range: QMP refuses; a response cannot double it either */
	char err[160];
	assert_int_equal(qmp(d, true, 0, 0, 2 * MiB, err), -1);
	assert_string_equal(err, "cannot add DPA already accessible to the same LD");
	uint64_t g3[] = {8 * MiB, 2 * MiB};
	offer(d, 0, 1, g3);
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 1, r), CXL_MBOX_INVALID_PA);
	/* more extents than the device tracks */
	struct pcisim_cxl_dc_extent many[512];
	memset(many, 0, sizeof(many));
	assert_int_equal(pcisim_cxl_dc_add_response(d, many, 510), CXL_MBOX_RESOURCES_EXHAUSTED);
	tb_free(t);
}

/* Release Dynamic Capacity: rules, splitting, QEMU's list order, the extent limit */
static void release_rules(void **state)
{
	(void)state;
	struct tb *t = dcd("9.1", 2);
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	const struct pcisim_cxl_dc *dc = pcisim_cxl_dc_of(d);
	uint64_t a[] = {0, 8 * MiB, 16 * MiB, 2 * MiB};
	offer(d, 0, 2, a);
	uint64_t acc[] = {R0, 8 * MiB, R0 + 16 * MiB, 2 * MiB};
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 2, acc), CXL_MBOX_SUCCESS);
	assert_int_equal(respond(d, CXL_OP_RELEASE_DC, 0, NULL), CXL_MBOX_INVALID_INPUT);
	uint64_t gap[] = {R0 + 8 * MiB, 2 * MiB}, over[] = {R0 + 6 * MiB, 4 * MiB};
	assert_int_equal(respond(d, CXL_OP_RELEASE_DC, 1, gap), CXL_MBOX_INVALID_PA);
	assert_int_equal(respond(d, CXL_OP_RELEASE_DC, 1, over), CXL_MBOX_INVALID_PA);
	/* the middle of the first extent: it leaves, its two pieces join the list's end */
	uint64_t mid[] = {R0 + 2 * MiB, 2 * MiB};
	assert_int_equal(respond(d, CXL_OP_RELEASE_DC, 1, mid), CXL_MBOX_SUCCESS);
	assert_int_equal(dc->naccepted, 3);
	assert_int_equal(dc->accepted[0].start, R0 + 16 * MiB);
	assert_int_equal(dc->accepted[1].start, R0);
	assert_int_equal(dc->accepted[1].len, 2 * MiB);
	assert_int_equal(dc->accepted[2].start, R0 + 4 * MiB);
	assert_int_equal(dc->accepted[2].len, 4 * MiB);
	uint64_t v = 0;
	assert_int_equal(pcisim_cxl_dpa_access(d, R0 + 2 * MiB, &v, 8, false), -1);
	assert_int_equal(pcisim_cxl_dpa_access(d, R0 + 4 * MiB, &v, 8, false), 0);
	/* one range over two adjacent extents */
	uint64_t both[] = {R0, 8 * MiB};
	assert_int_equal(respond(d, CXL_OP_RELEASE_DC, 1, both), CXL_MBOX_INVALID_PA); /* the hole */
	uint64_t span[] = {R0 + 4 * MiB, 4 * MiB};
	assert_int_equal(respond(d, CXL_OP_RELEASE_DC, 1, span), CXL_MBOX_SUCCESS);
	assert_int_equal(dc->naccepted, 2);
	tb_free(t);

	/* splitting past 512 extents: Resources Exhausted, nothing changed */
	t = dcd("9.1", 2);
	d = tb_fn(t, "t0");
	dc = pcisim_cxl_dc_of(d);
	/* 511 accepted: 6 MiB at region 0's start, 2 MiB at 6 MiB, then every other block;
	 * a response counts the pending extents too, so 511 is as many as one-by-one offers
	 * get accepted (QEMU's total_extent_count) */
	struct pcisim_cxl_dc_range rr;
	char err[160];
	for (unsigned i = 0; i < 512; i++) {
		unsigned region = i < 256 ? 0 : 1;
		uint64_t off = i == 0 ? 0 : i == 1 ? 6 * MiB : region == 0 ? 8 * MiB + 4 * MiB * (i - 2) : 4 * MiB * (i - 256);
		rr.offset = off;
		rr.len = i == 0 ? 6 * MiB : 2 * MiB;
		assert_int_equal(pcisim_cxl_dc_qmp_add(d, region, &rr, 1, err, sizeof(err)), 0);
		struct pcisim_cxl_dc_extent e = {.start = dc->regions[region].base + off, .len = rr.len};
		assert_int_equal(pcisim_cxl_dc_add_response(d, &e, 1),
				 i < 511 ? CXL_MBOX_SUCCESS : CXL_MBOX_RESOURCES_EXHAUSTED);
	}
	assert_int_equal(dc->naccepted, 511);
	assert_int_equal(dc->npending, 1); /* the last offer stays pending: 512 in all */
	assert_int_equal(qmp(d, true, 1, 2 * MiB, 2 * MiB, err), -1); /* pcisim's fixed lists are full */
	struct pcisim_cxl_dc_extent cut = {.start = R0 + 2 * MiB, .len = 2 * MiB};
	assert_int_equal(pcisim_cxl_dc_release_response(d, &cut, 1), CXL_MBOX_RESOURCES_EXHAUSTED);
	assert_int_equal(dc->naccepted, 511);
	assert_int_equal(dc->accepted[0].len, 6 * MiB);
	cut.start = R0 + 4 * MiB; /* the end of that extent: one piece for one extent */
	assert_int_equal(pcisim_cxl_dc_release_response(d, &cut, 1), CXL_MBOX_SUCCESS);
	assert_int_equal(dc->naccepted, 511);
	assert_int_equal(dc->accepted[510].start, R0);
	assert_int_equal(dc->accepted[510].len, 4 * MiB);
	/* look-ups after the list changed order: the piece, the cut, the others */
	uint64_t w = 0;
	assert_int_equal(pcisim_cxl_dpa_access(d, R0 + 4 * MiB - 8, &w, 8, false), 0);
	assert_int_equal(pcisim_cxl_dpa_access(d, R0 + 4 * MiB, &w, 8, false), -1);
	assert_int_equal(pcisim_cxl_dpa_access(d, R0 + 6 * MiB, &w, 8, false), 0);
	assert_int_equal(pcisim_cxl_dpa_access(d, R0 + 8 * MiB + 2 * MiB, &w, 8, false), -1); /* a gap */
	assert_int_equal(pcisim_cxl_dpa_access(d, R1 + 4 * MiB * 254, &w, 8, false), 0);
	assert_int_equal(pcisim_cxl_dpa_access(d, R1 + 4 * MiB * 255, &w, 8, false), -1); /* the pending one */
	tb_free(t);
}

/* QMP's checks, texts and order; the release request leaves the memory usable */
static void qmp_checks(void **state)
{
	(void)state;
	struct tb *t = dcd("9.1", 2);
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	const struct pcisim_cxl_dc *dc = pcisim_cxl_dc_of(d);
	char err[160];
	assert_int_equal(qmp(d, true, 2, 0, BLK, err), -1);
	assert_string_equal(err, "region id is too large");
	assert_int_equal(qmp(d, true, 0, 0, 0, err), -1);
	assert_string_equal(err, "extent with 0 length is not allowed");
	assert_int_equal(qmp(d, true, 0, 4096, BLK, err), -1);
	assert_string_equal(err, "dpa or len is not aligned to region block size");
	assert_int_equal(qmp(d, true, 0, GiB - BLK, 2 * BLK, err), -1);
	assert_string_equal(err, "extent range is beyond the region end");
	struct pcisim_cxl_dc_range dup[2] = {{0, 4 * MiB}, {2 * MiB, 2 * MiB}};
	assert_int_equal(pcisim_cxl_dc_qmp_add(d, 0, dup, 2, err, sizeof(err)), -1);
	assert_string_equal(err, "duplicate or overlapped extents are detected");
	assert_int_equal(qmp(d, true, 0, 0, 4 * MiB, err), 0);
	assert_int_equal(qmp(d, true, 0, 2 * MiB, 2 * MiB, err), -1);
	assert_string_equal(err, "cannot add DPA again while still pending");
	assert_int_equal(qmp(d, false, 0, 0, 4 * MiB, err), -1);
	assert_string_equal(err, "cannot release extent with pending DPA range");
	assert_int_equal(qmp(d, false, 0, 8 * MiB, 2 * MiB, err), -1);
	assert_string_equal(err, "cannot release extent with non-existing DPA range");
	assert_int_equal(pcisim_cxl_event_count(d, PCISIM_CXL_EVENT_LOG_DCD), 1); /* refusals add nothing */
	uint64_t acc[] = {R0, 4 * MiB};
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 1, acc), CXL_MBOX_SUCCESS);
	/* a release request is only records: the memory stays until the host releases */
	assert_int_equal(qmp(d, false, 0, 0, 2 * MiB, err), 0);
	assert_int_equal(pcisim_cxl_event_count(d, PCISIM_CXL_EVENT_LOG_DCD), 2);
	struct pcisim_cxl_type3 *t3 = pcisim_cxl_type3_of(d);
	assert_int_equal(t3->logs[PCISIM_CXL_EVENT_LOG_DCD].recs[1][0x30], PCISIM_CXL_DC_EV_RELEASE);
	uint64_t v = 0;
	assert_int_equal(pcisim_cxl_dpa_access(d, R0, &v, 8, false), 0);
	assert_int_equal(dc->naccepted, 1);
	/* a device without regions, and no type 3 device at all */
	tb_free(t);
	t = dcd("9.1", 0);
	assert_int_equal(qmp(tb_fn(t, "t0"), true, 0, 0, BLK, err), -1);
	assert_string_equal(err, "No dynamic capacity support from the device");
	assert_int_equal(qmp(tb_fn(t, "rp0"), true, 0, 0, BLK, err), -1);
	assert_string_equal(err, "Unable to resolve CXL type 3 device");
	tb_free(t);
}

/* The Fabric Manager's commands act on the same extents the host sees */
static void fm_commands(void **state)
{
	(void)state;
	struct tb *t = dcd("9.1", 2);
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	const struct pcisim_cxl_dc *dc = pcisim_cxl_dc_of(d);
	uint8_t in[2048], out[2048];
	size_t n;
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_GET_DCD_INFO, in, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 84);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 2);
	assert_int_equal(le(out + 4, 2), 4); /* prescriptive selection */
	assert_int_equal(le(out + 8, 2), 2); /* prescriptive removal */
	assert_int_equal(le(out + 12, 8), 8); /* 2 GiB in 256 MiB units */
	assert_int_equal(le(out + 20, 8), BLK);
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_GET_DCD_INFO, in, 1, out, &n),
			 CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, 0x5606, in, 0, out, &n), CXL_MBOX_UNSUPPORTED);
	uint8_t hc[4] = {0, 0, 8, 0};
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_GET_HOST_DC_REGION_CONFIG, hc, 4, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 4 + 2 * 40 + 16);
	assert_int_equal(le(out + 4 + 40, 8), R1);

	/* Initiate Dynamic Capacity Add: one extent with a tag */
	memset(in, 0, sizeof(in));
	in[2] = PCISIM_CXL_DC_SELECT_PRESCRIPTIVE;
	put(in + 0x1c, 1, 4);
	put(in + 0x20, R1, 8);
	put(in + 0x28, 4 * MiB, 8);
	in[0x30] = 0xab; /* tag */
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_INITIATE_DC_ADD, in, 0x20 + 39, out, &n),
			 CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_INITIATE_DC_ADD, in, 0x20 + 40, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(dc->npending, 1);
	assert_int_equal(dc->pending[0].tag[0], 0xab);
	struct pcisim_cxl_type3 *t3 = pcisim_cxl_type3_of(d);
	assert_int_equal(t3->logs[PCISIM_CXL_EVENT_LOG_DCD].recs[0][0x48], 0xab);
	/* the same range again: pending */
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_INITIATE_DC_ADD, in, 0x20 + 40, out, &n),
			 CXL_MBOX_INVALID_EXTENT_LIST);
	in[2] = 0; /* free selection: not implemented */
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_INITIATE_DC_ADD, in, 0x20 + 40, out, &n),
			 CXL_MBOX_INVALID_INPUT);
	/* the host accepts it through its mailbox: the tag is not kept (QEMU) */
	uint64_t acc[] = {R1, 4 * MiB};
	assert_int_equal(respond(d, CXL_OP_ADD_DC_RESPONSE, 1, acc), CXL_MBOX_SUCCESS);
	assert_int_equal(dc->accepted[0].tag[0], 0);
	/* the FM's extent list and the host's agree */
	uint8_t fl[12] = {0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_GET_DC_REGION_EXTENT_LIST, fl, 12, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 0x18 + 40);
	assert_int_equal(le(out + 8, 4), 1);
	assert_int_equal(le(out + 12, 4), 1);
	assert_int_equal(le(out + 0x18, 8), R1);
	uint8_t host_out[2048], hl[8] = {8};
	size_t hn;
	assert_int_equal(mbox(d, CXL_OP_GET_DC_EXTENT_LIST, hl, 8, host_out, &hn), CXL_MBOX_SUCCESS);
	assert_memory_equal(host_out + 16, out + 0x18, 34); /* the reserved 6 bytes keep what the payload held */
	fl[0] = 1; /* another host */
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_GET_DC_REGION_EXTENT_LIST, fl, 12, out, &n),
			 CXL_MBOX_INVALID_INPUT);
	/* Set DC Region Config: a region holding extents cannot change; same size is a no-op */
	uint8_t sc[16] = {1};
	put(sc + 4, BLK, 8);
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_SET_DC_REGION_CONFIG, sc, 16, out, &n), CXL_MBOX_UNSUPPORTED);
	sc[0] = 0;
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_SET_DC_REGION_CONFIG, sc, 16, out, &n), CXL_MBOX_SUCCESS);
	put(sc + 4, 4 * MiB, 8);
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_SET_DC_REGION_CONFIG, sc, 16, out, &n), CXL_MBOX_INVALID_INPUT);
	sc[0] = 5;
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_SET_DC_REGION_CONFIG, sc, 16, out, &n), CXL_MBOX_UNSUPPORTED);

	/* Initiate Dynamic Capacity Release: records only; refused for what is not accepted */
	unsigned before = pcisim_cxl_event_count(d, PCISIM_CXL_EVENT_LOG_DCD);
	memset(in, 0, sizeof(in));
	in[2] = PCISIM_CXL_DC_REMOVE_PRESCRIPTIVE;
	put(in + 0x1c, 1, 4);
	put(in + 0x20, R1 + 4 * MiB, 8);
	put(in + 0x28, 2 * MiB, 8);
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_INITIATE_DC_RELEASE, in, 0x20 + 40, out, &n),
			 CXL_MBOX_INVALID_PA);
	put(in + 0x20, R1, 8);
	assert_int_equal(pcisim_cxl_dc_fm_exec(d, CXL_OP_FM_INITIATE_DC_RELEASE, in, 0x20 + 40, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(pcisim_cxl_event_count(d, PCISIM_CXL_EVENT_LOG_DCD), before + 1);
	assert_int_equal(dc->naccepted, 1);
	/* then the host gives it back */
	uint64_t rel[] = {R1, 2 * MiB};
	assert_int_equal(respond(d, CXL_OP_RELEASE_DC, 1, rel), CXL_MBOX_SUCCESS);
	assert_int_equal(dc->accepted[0].start, R1 + 2 * MiB);
	tb_free(t);
}

/* The dynamic capacity log exists for the mailbox from 9.1 on only */
static void dc_log_by_version(void **state)
{
	(void)state;
	struct tb *t = dcd("8.1", 0);
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	uint8_t out[2048], log = PCISIM_CXL_EVENT_LOG_DCD;
	size_t n;
	assert_int_equal(mbox(d, CXL_OP_GET_EVENT_RECORDS, &log, 1, out, &n), CXL_MBOX_INVALID_INPUT);
	assert_int_equal(mbox(d, CXL_OP_GET_EVENT_INT_POLICY, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 4);
	assert_int_equal(mbox(d, CXL_OP_IDENTIFY_MEMDEV, NULL, 0, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(n, 0x43);
	uint8_t pol[5] = {0};
	assert_int_equal(mbox(d, CXL_OP_SET_EVENT_INT_POLICY, pol, 5, out, &n), CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	tb_free(t);
	t = dcd("9.1", 0);
	d = tb_fn(t, "t0");
	assert_int_equal(mbox(d, CXL_OP_GET_EVENT_RECORDS, &log, 1, out, &n), CXL_MBOX_SUCCESS);
	assert_int_equal(mbox(d, CXL_OP_SET_EVENT_INT_POLICY, pol, 3, out, &n), CXL_MBOX_INVALID_PAYLOAD_LENGTH);
	tb_free(t);
}

/* What must hold after any command: extents inside one region, block aligned, apart */
static void check_invariants(const struct pcisim_cxl_dc *dc)
{
	assert_true(dc->naccepted + dc->npending <= PCISIM_CXL_DC_EXTENTS_MAX);
	for (unsigned i = 0; i < dc->naccepted; i++) {
		const struct pcisim_cxl_dc_extent *a = &dc->accepted[i];
		assert_true(a->len > 0 && a->len % BLK == 0 && (a->start - R0) % BLK == 0);
		assert_true(a->start >= R0 && a->start + a->len <= R0 + dc->total);
		assert_true(a->start >= R1 || a->start + a->len <= R1); /* one region */
		for (unsigned k = 0; k < i; k++)
			assert_true(a->start + a->len <= dc->accepted[k].start ||
				    dc->accepted[k].start + dc->accepted[k].len <= a->start);
		assert_true(pcisim_cxl_dc_backed(dc, a->start, a->len));
	}
	for (unsigned i = 1; i < dc->npending; i++)
		assert_true(dc->pending_group[i] >= dc->pending_group[i - 1]);
}

/*
 * Random commands from a fixed seed: offers, responses and releases near the region
 * boundaries and the payload limits, FM commands, garbage payloads of every length.
 * Nothing may crash, and the invariants hold after each.
 */
static void random_commands(void **state)
{
	(void)state;
	struct tb *t = dcd("9.1", 2);
	struct pcisim_pcifn *d = tb_fn(t, "t0");
	const struct pcisim_cxl_dc *dc = pcisim_cxl_dc_of(d);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned ok[4] = {0}, most = 0;
	uint8_t in[2048], out[2048];
	for (unsigned it = 0; it < 20000; it++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
		unsigned what = (unsigned)(x % 7), n = 1 + (unsigned)((x >> 8) % 4);
		/* ranges that are mostly block aligned and near the interesting places */
		uint64_t r[8];
		for (unsigned i = 0; i < n; i++) {
			uint64_t y = x * (2 * i + 3) + it;
			uint64_t base = (y >> 16) % 3 == 0 ? R1 - 4 * BLK : R0;
			r[2 * i] = base + BLK * ((y >> 20) % 16) + ((y >> 40) % 17 == 0 ? 4096 : 0);
			r[2 * i + 1] = BLK * ((y >> 30) % 4) + ((y >> 44) % 19 == 0 ? 64 : 0);
		}
		size_t len;
		int rc;
		switch (what) {
		case 0: { /* QMP offer */
			struct pcisim_cxl_dc_range q[4];
			char err[160];
			for (unsigned i = 0; i < n; i++) {
				q[i].offset = r[2 * i] >= R1 ? r[2 * i] - R1 : r[2 * i] - R0;
				q[i].len = r[2 * i + 1];
			}
			ok[0] += pcisim_cxl_dc_qmp_add(d, r[0] >= R1, q, n, err, sizeof(err)) == 0;
			break;
		}
		case 1:
			if ((x >> 50) & 1 && dc->npending) { /* the first group as offered, as a guest answers */
				unsigned k = 0;
				while (k < dc->npending && k < 4 && dc->pending_group[k] == dc->pending_group[0]) {
					r[2 * k] = dc->pending[k].start;
					r[2 * k + 1] = dc->pending[k].len;
					k++;
				}
				n = k;
			}
			ok[1] += respond(d, CXL_OP_ADD_DC_RESPONSE, (x >> 51) % 5 ? n : 0, r) == CXL_MBOX_SUCCESS;
			break;
		case 2: ok[2] += respond(d, CXL_OP_RELEASE_DC, n, r) == CXL_MBOX_SUCCESS; break;
		case 3: { /* FM Initiate Add or Release of the same ranges */
			memset(in, 0, 0x20 + 40 * n);
			in[2] = (x >> 33) & 1 ? PCISIM_CXL_DC_SELECT_PRESCRIPTIVE : PCISIM_CXL_DC_REMOVE_PRESCRIPTIVE;
			put(in + 0x1c, n, 4);
			for (unsigned i = 0; i < n; i++) {
				put(in + 0x20 + 40 * i, r[2 * i], 8);
				put(in + 0x28 + 40 * i, r[2 * i + 1], 8);
			}
			uint16_t op = (x >> 33) & 1 ? CXL_OP_FM_INITIATE_DC_ADD : CXL_OP_FM_INITIATE_DC_RELEASE;
			ok[3] += pcisim_cxl_dc_fm_exec(d, op, in, 0x20 + 40 * n, out, &len) == CXL_MBOX_SUCCESS;
			break;
		}
		default: { /* garbage of any length to any DC or FM command */
			static const uint16_t ops[] = {0x4800, 0x4801, 0x4802, 0x4803, 0x5600, 0x5601,
						       0x5602, 0x5603, 0x5604, 0x5605};
			size_t l = (size_t)((x >> 12) % 2049);
			for (size_t i = 0; i < l; i++)
				in[i] = (uint8_t)((x >> (i % 56)) + i);
			uint16_t op = ops[(x >> 24) % 10];
			if (op < 0x5600)
				rc = mbox(d, op, in, l, out, &len);
			else
				rc = pcisim_cxl_dc_fm_exec(d, op, in, l, out, &len);
			assert_true(rc >= 0 && rc <= CXL_MBOX_INVALID_EXTENT_LIST);
			break;
		}
		}
		check_invariants(dc);
		most = dc->naccepted > most ? dc->naccepted : most;
		if (it % 500 == 499) { /* keep the log from only overflowing */
			uint8_t all[6] = {PCISIM_CXL_EVENT_LOG_DCD, 1};
			mbox(d, CXL_OP_CLEAR_EVENT_RECORDS, all, 6, out, &len);
		}
	}
	/* every kind of command got through at times, not only refusals */
	for (unsigned i = 0; i < 4; i++)
		assert_true(ok[i] > 10);
	assert_true(most >= 4); /* lists long enough to split and reorder */
	tb_free(t);
}

/* The guest's actions: answers through BAR 2, and a wrong expect: fails the run */
static void guest_actions(void **state)
{
	(void)state;
	const char *text =
		"version: 1\nname: t\nuntil: 10ms\n"
		"machine: {type: q35, qemu: \"9.1\", cxl: on, cxl-fmw: [{targets: [hb], size: 4G}]}\n"
		"topology:\n"
		"  - qemu_args: \"-object memory-backend-ram,id=dc0,size=1G\"\n"
		"  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"
		"  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"
		"  - {driver: cxl-type3, id: t0, bus: rp0, volatile-dc-memdev: dc0, num-dc-regions: 1}\n"
		"timeline:\n"
		"  - {at: 1ms, do: cxl-add-dynamic-capacity, path: t0, host-id: 0, selection-policy: prescriptive,\n"
		"     region: 0, extents: [{offset: 0, len: 0x200000}, {offset: 0x400000, len: 0x200000}]}\n"
		/* the mailbox is not reachable yet: BAR 2 unassigned */
		"  - {at: 2ms, do: guest.cxl_dc_events, dev: t0}\n"
		"  - {at: 3ms, do: guest.cfg_write, dev: t0, offset: 0x18, width: 4, value: 0xd0010000}\n"
		"  - {at: 3ms, do: guest.cfg_write, dev: t0, offset: command, value: 0x2, mask: 0x2}\n"
		"  - {at: 4ms, do: guest.cxl_dc_events, dev: t0, accept: none}\n"
		/* no decoder is committed: every load fails, and this one expects ok */
		"  - {at: 5ms, do: guest.cxl_mem_read, address: 0x110000000, expect: ok}\n";
	struct tb t;
	assert_int_equal(tb_run_text(&t, text, 0), 0);
	assert_int_equal(tb_count(&t, "cxl.dc_guest", "rc", "-1"), 1);
	assert_int_equal(tb_count(&t, "cxl.dc_guest", "accepted", "0"), 1);
	assert_int_equal(pcisim_cxl_dc_of(tb_fn(&t, "t0"))->npending, 0); /* rejected */
	assert_int_equal(pcisim_cxl_event_count(tb_fn(&t, "t0"), PCISIM_CXL_EVENT_LOG_DCD), 0); /* cleared */
	assert_int_equal(tb_count(&t, "cxl.mem", "why", "no committed HDM decoder covers the address"), 1);
	assert_int_equal(t.failed, 1);
	tb_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(regions_and_config),
		cmocka_unit_test(add_accept_flow),
		cmocka_unit_test(offer_overflows_log),
		cmocka_unit_test(accept_rules),
		cmocka_unit_test(release_rules),
		cmocka_unit_test(qmp_checks),
		cmocka_unit_test(fm_commands),
		cmocka_unit_test(dc_log_by_version),
		cmocka_unit_test(guest_actions),
		cmocka_unit_test(random_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
