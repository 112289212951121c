/*
 * Dynamic capacity of a CXL type 3 device (dcd.h): DC regions, the pending groups
 * and the accepted extent list, the accept and reject rules, the DC event records,
 * and the three ways in: QMP (the fabric, 9.1), the host's mailbox commands of set
 * 0x48 and the Fabric Manager's DCD management commands of set 0x56.
 *
 * Facts, from QEMU 9.1 (hw/mem/cxl_type3.c: cxl_create_dc_regions,
 * qmp_cxl_process_dynamic_capacity_prescriptive, ct3_test_region_block_backed;
 * hw/cxl/cxl-mailbox-utils.c: cmd_dcd_*, cxl_detect_malformed_extent_list,
 * cxl_dcd_add_dyn_cap_rsp_dry_run, cxl_dc_extent_release_dry_run; hw/cxl/cxl-events.c
 * cxl_create_dc_event_records_for_extents) and QEMU 10.1 for the FM commands
 * (cmd_fm_get_dcd_info ... cmd_fm_initiate_dc_release):
 *  - regions: the backend split evenly, each its decode length, 2 MiB blocks (the
 *    only size supported), flags 0, DSMAS handles after the static memory's;
 *  - a record: the Dynamic Capacity UUID, length 128, header flags 1, type, validity
 *    flags 1, host id 0, region 0, the More flag on all but a group's last record,
 *    the extent, and extents available = 512 - (pending + accepted);
 *  - QMP's checks, in order: zero length, block alignment, region end, overlap
 *    inside the command, then for add: overlap with accepted, with pending; for
 *    release: overlap with pending, not accepted;
 *  - accepted extents lose the tag and sequence the offer carried (QEMU inserts
 *    them with none);
 *  - Get DC Extent List counts records as MIN(asked, pending + accepted - start)
 *    but fills only accepted ones: with groups pending it reports more records than
 *    it writes (the rest of the payload keeps what it held). Modelled as QEMU has it.
 *  - output payloads: QEMU writes the fields only, reserved bytes keep what the
 *    payload registers held (as the other mailbox commands, mailbox.c).
 * Where QEMU has no defined behaviour pcisim answers: an Add Dynamic Capacity
 * Response with no pending group (QEMU dereferences an empty list) does nothing
 * (Success) when it lists nothing and is Invalid Physical Address otherwise; FM
 * Initiate Add with no extents (QEMU queues a NULL group) is Invalid Input; FM
 * Initiate payloads shorter than their extent count, which QEMU reads past, are
 * Invalid Payload Length; Set DC Region Configuration for a region the device
 * does not have (QEMU reads an uninitialised one) is Unsupported.
 * Backing is computed from the accepted extents rather than kept in a block bitmap:
 * the same answer for every block-aligned range, which are the only ones asked.
 */
#include <stdio.h>
#include <string.h>

#include "sim/cxl/cxl_state.h"
#include "sim/cxl/dcd.h"
#include "sim/cxl/memdev.h"
#include "sim/core/grow.h"
#include "sim/core/heap.h"

#define CXL_CAPACITY_MULTIPLIER (256ull << 20)
#define PAYLOAD_MAX CXL_MBOX_PAYLOAD_MAX
#define EXTENT_RAW 40u  /* CXLDCExtentRaw */
#define UPDATED_ENTRY 24u /* CXL r3.1 Table 8-169: start, length, reserved */

/* CXL r3.1 Table 8-50: the Dynamic Capacity Event Record's UUID, as the spec writes it */
static const uint8_t dc_uuid[16] = {0xca, 0x95, 0xaf, 0xa7, 0xf1, 0x83, 0x40, 0x18,
				    0x8c, 0x2f, 0x95, 0x26, 0x8e, 0x10, 0x1a, 0x2a};

static void put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static struct pcisim_cxl_type3 *dcd_of(struct pcisim_pcifn *fn)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	return t && t->dc.nregions ? t : NULL;
}

const struct pcisim_cxl_dc *pcisim_cxl_dc_of(struct pcisim_pcifn *fn)
{
	struct pcisim_cxl_type3 *t = dcd_of(fn);
	return t ? &t->dc : NULL;
}

void pcisim_cxl_dc_clear(struct pcisim_cxl_dc *dc)
{
	pcisim_free(dc->accepted);
	pcisim_free(dc->by_start);
	pcisim_free(dc->pending);
	pcisim_free(dc->pending_group);
	dc->accepted = dc->pending = NULL;
	dc->by_start = NULL;
	dc->pending_group = NULL;
	dc->naccepted = dc->cap_accepted = dc->npending = dc->cap_pending = 0;
	dc->next_group = 0;
}

/*
 * Room for @n accepted extents and their index, or @n pending ones and their groups:
 * each pair of arrays grows alike (pcisim_grow() doubles from the same capacity), so
 * one capacity counts for both.
 */
static void accepted_room(struct pcisim_cxl_dc *dc, size_t n)
{
	size_t cap = dc->cap_accepted;
	dc->accepted = pcisim_grow(dc->accepted, &dc->cap_accepted, n, sizeof(*dc->accepted));
	dc->by_start = pcisim_grow(dc->by_start, &cap, n, sizeof(*dc->by_start));
}

static void pending_room(struct pcisim_cxl_dc *dc, size_t n)
{
	size_t cap = dc->cap_pending;
	dc->pending = pcisim_grow(dc->pending, &dc->cap_pending, n, sizeof(*dc->pending));
	dc->pending_group = pcisim_grow(dc->pending_group, &cap, n, sizeof(*dc->pending_group));
}

int pcisim_cxl_dc_init(struct pcisim_cxl_dc *dc, unsigned nregions, uint64_t size, uint64_t static_size,
		       uint32_t first_handle, char *err, size_t n)
{
	pcisim_cxl_dc_clear(dc);
	memset(dc, 0, sizeof(*dc));
	if (!nregions)
		return 0;
	if (nregions > PCISIM_CXL_DC_REGIONS_MAX) {
		snprintf(err, n, "num-dc-regions must be at most %d", PCISIM_CXL_DC_REGIONS_MAX);
		return -1;
	}
	uint64_t region_len = (size + nregions - 1) / nregions;
	if (!size || size % (nregions * CXL_CAPACITY_MULTIPLIER)) {
		snprintf(err, n, "backend size is not multiple of region len: 0x%llx", (unsigned long long)region_len);
		return -1;
	}
	if (static_size % CXL_CAPACITY_MULTIPLIER) {
		snprintf(err, n, "DC region base not aligned to 0x%llx", (unsigned long long)CXL_CAPACITY_MULTIPLIER);
		return -1;
	}
	for (unsigned i = 0; i < nregions; i++) {
		struct pcisim_cxl_dc_region *r = &dc->regions[i];
		r->base = static_size + i * region_len;
		r->decode_len = r->len = region_len;
		r->block_size = r->supported_block_sizes = PCISIM_CXL_DC_BLOCK_SIZE;
		r->dsmad_handle = first_handle + i;
		dc->total += region_len;
	}
	dc->nregions = nregions;
	return 0;
}

/* ---- ranges and lists ---- */

static unsigned total_extents(const struct pcisim_cxl_dc *dc)
{
	return dc->npending + dc->naccepted;
}

/* QEMU's Range: an empty one overlaps and contains nothing */
static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static bool contains(const struct pcisim_cxl_dc_extent *e, uint64_t dpa, uint64_t len)
{
	return len && dpa >= e->start && dpa + len <= e->start + e->len;
}

/* cxl_find_dc_region(): the one region holding all of [dpa, dpa + len), or NULL */
static const struct pcisim_cxl_dc_region *find_region(const struct pcisim_cxl_dc *dc, uint64_t dpa, uint64_t len)
{
	if (!dc->nregions || dpa < dc->regions[0].base || dpa >= dc->regions[0].base + dc->total)
		return NULL;
	for (unsigned i = dc->nregions; i-- > 0;) {
		const struct pcisim_cxl_dc_region *r = &dc->regions[i];
		if (dpa >= r->base)
			return dpa + len > r->base + r->len ? NULL : r;
	}
	return NULL;
}

/* by_start[] after accepted[] changed: insertion sort (changes are rare, look-ups many) */
static void reindex(struct pcisim_cxl_dc *dc)
{
	for (unsigned i = 0; i < dc->naccepted; i++) {
		unsigned j = i;
		while (j && dc->accepted[dc->by_start[j - 1]].start > dc->accepted[i].start) {
			dc->by_start[j] = dc->by_start[j - 1];
			j--;
		}
		dc->by_start[j] = (uint16_t)i;
	}
}

/* The accepted extent holding @dpa, or NULL: binary search over by_start[] */
static const struct pcisim_cxl_dc_extent *accepted_at(const struct pcisim_cxl_dc *dc, uint64_t dpa)
{
	unsigned lo = 0, hi = dc->naccepted;
	while (lo < hi) { /* the first extent starting after dpa */
		unsigned mid = (lo + hi) / 2;
		if (dc->accepted[dc->by_start[mid]].start <= dpa)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct pcisim_cxl_dc_extent *e = &dc->accepted[dc->by_start[lo - 1]];
	return dpa < e->start + e->len ? e : NULL;
}

bool pcisim_cxl_dc_backed(const struct pcisim_cxl_dc *dc, uint64_t dpa, uint64_t len)
{
	if (!find_region(dc, dpa, len))
		return false;
	/* accepted extents never overlap: walk them piece by piece */
	while (len) {
		const struct pcisim_cxl_dc_extent *hit = accepted_at(dc, dpa);
		if (!hit)
			return false;
		uint64_t end = hit->start + hit->len;
		if (dpa + len <= end)
			return true;
		len -= end - dpa;
		dpa = end;
	}
	return true;
}

static bool overlaps_list(const struct pcisim_cxl_dc_extent *l, unsigned n, uint64_t dpa, uint64_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (overlaps(l[i].start, l[i].len, dpa, len))
			return true;
	return false;
}

static bool overlaps_pending(const struct pcisim_cxl_dc *dc, uint64_t dpa, uint64_t len)
{
	return overlaps_list(dc->pending, dc->npending, dpa, len);
}

static bool overlaps_accepted(const struct pcisim_cxl_dc *dc, uint64_t dpa, uint64_t len)
{
	return overlaps_list(dc->accepted, dc->naccepted, dpa, len);
}

static void queue_group(struct pcisim_cxl_dc *dc, const struct pcisim_cxl_dc_extent *e, unsigned n)
{
	uint32_t g = dc->next_group++;
	pending_room(dc, dc->npending + n);
	for (unsigned i = 0; i < n; i++) {
		dc->pending[dc->npending] = e[i];
		dc->pending_group[dc->npending++] = g;
	}
}

/* cxl_extent_group_list_delete_front(): the first group leaves the pending list */
static void drop_first_group(struct pcisim_cxl_dc *dc)
{
	if (!dc->npending)
		return;
	uint32_t g = dc->pending_group[0];
	unsigned k = 0;
	for (unsigned i = 0; i < dc->npending; i++)
		if (dc->pending_group[i] != g) {
			dc->pending[k] = dc->pending[i];
			dc->pending_group[k++] = dc->pending_group[i];
		}
	dc->npending = k;
}

/* cxl_detect_malformed_extent_list() */
static int malformed(const struct pcisim_cxl_dc *dc, const struct pcisim_cxl_dc_extent *l, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const struct pcisim_cxl_dc_region *r = find_region(dc, l[i].start, l[i].len);
		if (!r)
			return CXL_MBOX_INVALID_PA;
		if ((l[i].start - dc->regions[0].base) % r->block_size || l[i].len % r->block_size)
			return CXL_MBOX_INVALID_EXTENT_LIST;
		/* the range already covered by another extent of the list */
		if (overlaps_list(l, i, l[i].start, l[i].len))
			return CXL_MBOX_INVALID_EXTENT_LIST;
	}
	return CXL_MBOX_SUCCESS;
}

/* ---- DC event records ---- */

static void dc_record(uint8_t rec[PCISIM_CXL_EVENT_RECORD], unsigned type, unsigned region, bool more,
		      const struct pcisim_cxl_dc_extent *e, uint32_t extents_avail)
{
	memset(rec, 0, PCISIM_CXL_EVENT_RECORD);
	memcpy(rec, dc_uuid, 16);
	rec[0x10] = PCISIM_CXL_EVENT_RECORD;
	rec[0x11] = 1; /* header flags: QEMU's (1 << CXL_EVENT_TYPE_INFO) */
	rec[0x30] = (uint8_t)type;
	rec[0x31] = 1; /* validity flags */
	rec[0x34] = (uint8_t)region;
	rec[0x35] = more ? 1 : 0;
	if (e) {
		put(rec + 0x38, e->start, 8);
		put(rec + 0x40, e->len, 8);
		memcpy(rec + 0x48, e->tag, 16);
		put(rec + 0x58, e->shared_seq, 2);
	}
	put(rec + 0x78, extents_avail, 4);
}

/* cxl_create_dc_event_records_for_extents(): one record per extent, More on all but the last */
static void dc_events(struct pcisim_cxl_type3 *t, unsigned type, const struct pcisim_cxl_dc_extent *e, unsigned n)
{
	uint8_t rec[PCISIM_CXL_EVENT_RECORD];
	for (unsigned i = 0; i < n; i++) {
		dc_record(rec, type, 0, i + 1 < n, &e[i], PCISIM_CXL_DC_EXTENTS_MAX - total_extents(&t->dc));
		pcisim_cxl_event_add(&t->fn, PCISIM_CXL_EVENT_LOG_DCD, rec);
	}
}

/* ---- QMP: cxl-add-dynamic-capacity, cxl-release-dynamic-capacity ---- */

static int qmp_prescriptive(struct pcisim_pcifn *fn, bool add, unsigned rid, const struct pcisim_cxl_dc_range *r,
			    unsigned nr, char *err, size_t n)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	if (!t) {
		snprintf(err, n, "Unable to resolve CXL type 3 device");
		return -1;
	}
	struct pcisim_cxl_dc *dc = &t->dc;
	if (!dc->nregions) {
		snprintf(err, n, "No dynamic capacity support from the device");
		return -1;
	}
	if (rid >= dc->nregions) {
		snprintf(err, n, "region id is too large");
		return -1;
	}
	const struct pcisim_cxl_dc_region *reg = &dc->regions[rid];
	uint64_t bs = reg->block_size;
	for (unsigned i = 0; i < nr; i++) {
		uint64_t off = r[i].offset, len = r[i].len, dpa = reg->base + off;
		if (!len) {
			snprintf(err, n, "extent with 0 length is not allowed");
			return -1;
		}
		if (off % bs || len % bs) {
			snprintf(err, n, "dpa or len is not aligned to region block size");
			return -1;
		}
		if (off + len > reg->len || off + len < off) {
			snprintf(err, n, "extent range is beyond the region end");
			return -1;
		}
		for (unsigned k = 0; k < i; k++)
			if (overlaps(r[k].offset, r[k].len, off, len)) {
				snprintf(err, n, "duplicate or overlapped extents are detected");
				return -1;
			}
		if (add) {
			if (overlaps_accepted(dc, dpa, len)) {
				snprintf(err, n, "cannot add DPA already accessible to the same LD");
				return -1;
			}
			if (overlaps_pending(dc, dpa, len)) {
				snprintf(err, n, "cannot add DPA again while still pending");
				return -1;
			}
		} else {
			if (overlaps_pending(dc, dpa, len)) {
				snprintf(err, n, "cannot release extent with pending DPA range");
				return -1;
			}
			if (!pcisim_cxl_dc_backed(dc, dpa, len)) {
				snprintf(err, n, "cannot release extent with non-existing DPA range");
				return -1;
			}
		}
	}
	/* QEMU has no limit here; pcisim keeps its extents in fixed arrays */
	if (add && total_extents(dc) + nr > PCISIM_CXL_DC_EXTENTS_MAX) {
		snprintf(err, n, "pcisim tracks at most %d extents per device (pending and accepted: %u)",
			 PCISIM_CXL_DC_EXTENTS_MAX, total_extents(dc));
		return -1;
	}
	struct pcisim_cxl_dc_extent e[PCISIM_CXL_DC_EXTENTS_MAX];
	unsigned ne = nr < PCISIM_CXL_DC_EXTENTS_MAX ? nr : PCISIM_CXL_DC_EXTENTS_MAX;
	memset(e, 0, ne * sizeof(e[0]));
	for (unsigned i = 0; i < ne; i++) {
		e[i].start = reg->base + r[i].offset;
		e[i].len = r[i].len;
	}
	if (add && ne)
		queue_group(dc, e, ne);
	dc_events(t, add ? PCISIM_CXL_DC_EV_ADD : PCISIM_CXL_DC_EV_RELEASE, e, ne);
	return 0;
}

int pcisim_cxl_dc_qmp_add(struct pcisim_pcifn *fn, unsigned region, const struct pcisim_cxl_dc_range *r,
			  unsigned nr, char *err, size_t n)
{
	return qmp_prescriptive(fn, true, region, r, nr, err, n);
}

int pcisim_cxl_dc_qmp_release(struct pcisim_pcifn *fn, unsigned region, const struct pcisim_cxl_dc_range *r,
			      unsigned nr, char *err, size_t n)
{
	return qmp_prescriptive(fn, false, region, r, nr, err, n);
}

/* ---- the host's responses ---- */

int pcisim_cxl_dc_add_response(struct pcisim_pcifn *fn, const struct pcisim_cxl_dc_extent *acc, unsigned n)
{
	struct pcisim_cxl_type3 *t = dcd_of(fn);
	if (!t)
		return CXL_MBOX_UNSUPPORTED;
	struct pcisim_cxl_dc *dc = &t->dc;
	if (!n) {
		drop_first_group(dc); /* the host took nothing of the first offer */
		return CXL_MBOX_SUCCESS;
	}
	if ((uint64_t)n + total_extents(dc) > PCISIM_CXL_DC_EXTENTS_MAX)
		return CXL_MBOX_RESOURCES_EXHAUSTED;
	int rc = malformed(dc, acc, n);
	if (rc)
		return rc;
	/* dry run: inside one extent of the first pending group, clear of the accepted ones */
	for (unsigned i = 0; i < n; i++) {
		bool inside = false;
		for (unsigned k = 0; k < dc->npending && dc->pending_group[k] == dc->pending_group[0] && !inside; k++)
			inside = contains(&dc->pending[k], acc[i].start, acc[i].len);
		if (!inside || overlaps_accepted(dc, acc[i].start, acc[i].len))
			return CXL_MBOX_INVALID_PA;
	}
	accepted_room(dc, dc->naccepted + n);
	for (unsigned i = 0; i < n; i++) {
		struct pcisim_cxl_dc_extent *e = &dc->accepted[dc->naccepted++];
		memset(e, 0, sizeof(*e));
		e->start = acc[i].start;
		e->len = acc[i].len;
	}
	reindex(dc);
	drop_first_group(dc);
	return CXL_MBOX_SUCCESS;
}

/*
 * cxl_dc_extent_release_dry_run(): the accepted list after releasing @rel, into @out
 * (room for PCISIM_CXL_DC_EXTENTS_MAX + 2); *@nout its length. An extent a range
 * cuts leaves the list and the pieces around the range join its end.
 */
static int release_dry_run(const struct pcisim_cxl_dc *dc, const struct pcisim_cxl_dc_extent *rel, unsigned n,
			   struct pcisim_cxl_dc_extent *out, unsigned *nout)
{
	unsigned m = dc->naccepted;
	int delta = 0;
	if (m) /* no list yet: accepted is NULL */
		memcpy(out, dc->accepted, m * sizeof(*out));
	for (unsigned i = 0; i < n; i++) {
		uint64_t dpa = rel[i].start, len = rel[i].len;
		if (!pcisim_cxl_dc_backed(dc, dpa, len))
			return CXL_MBOX_INVALID_PA;
		while (len) {
			unsigned k;
			for (k = 0; k < m; k++)
				if (dpa >= out[k].start && dpa < out[k].start + out[k].len)
					break;
			if (k == m)
				return CXL_MBOX_INVALID_PA; /* cannot happen: the range is backed */
			uint64_t start = out[k].start, elen = out[k].len, len1 = dpa - start, len2 = 0;
			if (dpa + len - 1 < start + elen)
				len2 = start + elen - dpa - len;
			else
				dpa = start + elen;
			uint64_t done = elen - len1 - len2;
			memmove(&out[k], &out[k + 1], (m - k - 1) * sizeof(*out));
			m--;
			delta--;
			if (len1) {
				memset(&out[m], 0, sizeof(*out));
				out[m].start = start;
				out[m++].len = len1;
				delta++;
			}
			if (len2) {
				memset(&out[m], 0, sizeof(*out));
				out[m].start = dpa + len;
				out[m++].len = len2;
				delta++;
			}
			if ((long)total_extents(dc) + delta > PCISIM_CXL_DC_EXTENTS_MAX)
				return CXL_MBOX_RESOURCES_EXHAUSTED;
			len -= done;
		}
	}
	*nout = m;
	return CXL_MBOX_SUCCESS;
}

int pcisim_cxl_dc_release_response(struct pcisim_pcifn *fn, const struct pcisim_cxl_dc_extent *rel, unsigned n)
{
	struct pcisim_cxl_type3 *t = dcd_of(fn);
	if (!t)
		return CXL_MBOX_UNSUPPORTED;
	struct pcisim_cxl_dc *dc = &t->dc;
	if (!n)
		return CXL_MBOX_INVALID_INPUT;
	int rc = malformed(dc, rel, n);
	if (rc)
		return rc;
	struct pcisim_cxl_dc_extent out[PCISIM_CXL_DC_EXTENTS_MAX + 2];
	unsigned m = 0;
	if ((rc = release_dry_run(dc, rel, n, out, &m)))
		return rc;
	accepted_room(dc, m);
	if (m)
		memcpy(dc->accepted, out, m * sizeof(*out));
	dc->naccepted = m;
	reindex(dc);
	return CXL_MBOX_SUCCESS;
}

/* ---- mailbox commands 0x4800-0x4803 ---- */

/* Get DC Config and Get Host DC Region Config end with the extent and tag counts */
static size_t put_counts(const struct pcisim_cxl_dc *dc, uint8_t *p)
{
	put(p, PCISIM_CXL_DC_EXTENTS_MAX, 4);
	put(p + 4, PCISIM_CXL_DC_EXTENTS_MAX - total_extents(dc), 4);
	put(p + 8, 0, 4); /* tags supported: CXL_NUM_TAGS_SUPPORTED 0 */
	put(p + 12, 0, 4);
	return 16;
}

/* cmd_dcd_get_dyn_cap_config(): region count and start; 8-byte header, 40-byte records */
static int get_dc_config(const struct pcisim_cxl_dc *dc, const uint8_t *in, uint8_t *out, size_t *len_out)
{
	unsigned cnt = in[0], start = in[1];
	if (start >= dc->nregions)
		return CXL_MBOX_INVALID_INPUT;
	if (cnt > dc->nregions - start)
		cnt = dc->nregions - start;
	out[0] = (uint8_t)dc->nregions;
	out[1] = (uint8_t)cnt;
	for (unsigned i = 0; i < cnt; i++) {
		const struct pcisim_cxl_dc_region *r = &dc->regions[start + i];
		uint8_t *p = out + 8 + 40 * i;
		put(p, r->base, 8);
		put(p + 8, r->decode_len / CXL_CAPACITY_MULTIPLIER, 8);
		put(p + 16, r->len, 8);
		put(p + 24, r->block_size, 8);
		put(p + 32, r->dsmad_handle, 4);
		p[36] = r->flags;
	}
	*len_out = 8 + 40 * (size_t)cnt + put_counts(dc, out + 8 + 40 * cnt);
	return CXL_MBOX_SUCCESS;
}

static void put_extent(uint8_t *p, const struct pcisim_cxl_dc_extent *e)
{
	put(p, e->start, 8);
	put(p + 8, e->len, 8);
	memcpy(p + 16, e->tag, 16);
	put(p + 32, e->shared_seq, 2);
}

/* cmd_dcd_get_dyn_cap_ext_list(): count and start; 16-byte header, 40-byte records */
static int get_dc_extent_list(const struct pcisim_cxl_dc *dc, const uint8_t *in, uint8_t *out, size_t *len_out)
{
	uint32_t want = (uint32_t)get(in, 4), start = (uint32_t)get(in + 4, 4);
	if (start > dc->naccepted)
		return CXL_MBOX_INVALID_INPUT;
	/* QEMU counts the pending extents too here (see the file comment) */
	uint32_t cnt = total_extents(dc) - start;
	if (want < cnt)
		cnt = want;
	if (cnt > (PAYLOAD_MAX - 16) / EXTENT_RAW)
		cnt = (PAYLOAD_MAX - 16) / EXTENT_RAW;
	put(out, cnt, 4);
	put(out + 4, dc->naccepted, 4);
	put(out + 8, dc->generation, 4);
	for (uint32_t i = 0; i < cnt && start + i < dc->naccepted; i++)
		put_extent(out + 16 + EXTENT_RAW * i, &dc->accepted[start + i]);
	*len_out = 16 + EXTENT_RAW * (size_t)cnt;
	return CXL_MBOX_SUCCESS;
}

/* CXL r3.1 Table 8-168/8-170: the updated-extent list of the two host commands */
static int updated_list(const uint8_t *in, size_t len_in, struct pcisim_cxl_dc_extent *l, unsigned *n)
{
	uint64_t cnt = get(in, 4);
	/* a payload holds at most (2048 - 8) / 24 = 85 entries */
	if (len_in < 8 + UPDATED_ENTRY * cnt || len_in > PAYLOAD_MAX)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	for (uint64_t i = 0; i < cnt; i++) {
		memset(&l[i], 0, sizeof(l[i]));
		l[i].start = get(in + 8 + UPDATED_ENTRY * i, 8);
		l[i].len = get(in + 8 + UPDATED_ENTRY * i + 8, 8);
	}
	*n = (unsigned)cnt;
	return CXL_MBOX_SUCCESS;
}

int pcisim_cxl_dc_mbox(struct pcisim_pcifn *fn, uint16_t opcode, const uint8_t *in, size_t len_in, uint8_t *out,
		       size_t *len_out)
{
	struct pcisim_cxl_type3 *t = dcd_of(fn);
	struct pcisim_cxl_dc_extent l[PAYLOAD_MAX / UPDATED_ENTRY];
	unsigned n = 0;
	int rc;
	*len_out = 0;
	if (!t)
		return CXL_MBOX_UNSUPPORTED;
	switch (opcode) {
	case CXL_OP_GET_DC_CONFIG:
		return len_in == 2 ? get_dc_config(&t->dc, in, out, len_out) : CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	case CXL_OP_GET_DC_EXTENT_LIST:
		return len_in == 8 ? get_dc_extent_list(&t->dc, in, out, len_out) : CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	case CXL_OP_ADD_DC_RESPONSE:
		if (len_in < 8)
			return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
		if (!get(in, 4))
			return pcisim_cxl_dc_add_response(fn, NULL, 0);
		if ((rc = updated_list(in, len_in, l, &n)))
			return rc;
		return pcisim_cxl_dc_add_response(fn, l, n);
	case CXL_OP_RELEASE_DC:
		if (len_in < 8)
			return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
		if (!get(in, 4))
			return CXL_MBOX_INVALID_INPUT;
		if ((rc = updated_list(in, len_in, l, &n)))
			return rc;
		return pcisim_cxl_dc_release_response(fn, l, n);
	default: return CXL_MBOX_UNSUPPORTED;
	}
}

/* ---- FM API DCD management, 0x5600-0x5605 ---- */

const struct pcisim_cxl_fm_dcd_cmd pcisim_cxl_fm_dcd_cmds[] = {
	{CXL_OP_FM_GET_DCD_INFO, "GET_DCD_INFO", 0},
	{CXL_OP_FM_GET_HOST_DC_REGION_CONFIG, "GET_HOST_DC_REGION_CONFIG", 4},
	{CXL_OP_FM_SET_DC_REGION_CONFIG, "SET_DC_REGION_CONFIG", 16},
	{CXL_OP_FM_GET_DC_REGION_EXTENT_LIST, "GET_DC_REGION_EXTENT_LIST", 12},
	{CXL_OP_FM_INITIATE_DC_ADD, "INIT_DC_ADD", -1},
	{CXL_OP_FM_INITIATE_DC_RELEASE, "INIT_DC_RELEASE", -1},
	{0},
};

/* cmd_fm_get_dcd_info() */
static int fm_get_dcd_info(const struct pcisim_cxl_dc *dc, uint8_t *out, size_t *len_out)
{
	out[0] = 1; /* hosts */
	out[1] = (uint8_t)dc->nregions;
	put(out + 4, 1u << PCISIM_CXL_DC_SELECT_PRESCRIPTIVE, 2);
	put(out + 8, 1u << PCISIM_CXL_DC_REMOVE_PRESCRIPTIVE, 2);
	out[10] = 0; /* sanitize on release: none */
	put(out + 12, dc->total / CXL_CAPACITY_MULTIPLIER, 8);
	for (unsigned i = 0; i < dc->nregions; i++)
		put(out + 20 + 8 * i, dc->regions[i].supported_block_sizes, 8);
	*len_out = 20 + 8 * PCISIM_CXL_DC_REGIONS_MAX;
	return CXL_MBOX_SUCCESS;
}

/* cmd_fm_get_host_dc_region_config(): host, count, start; 4-byte header, 40-byte records */
static int fm_get_host_region_config(const struct pcisim_cxl_dc *dc, const uint8_t *in, uint8_t *out,
				     size_t *len_out)
{
	unsigned cnt = in[2], start = in[3];
	if (start >= dc->nregions)
		return CXL_MBOX_INVALID_INPUT;
	if (cnt > dc->nregions - start)
		cnt = dc->nregions - start;
	put(out, 0, 2);
	out[2] = (uint8_t)dc->nregions;
	out[3] = (uint8_t)cnt;
	for (unsigned i = 0; i < cnt; i++) {
		const struct pcisim_cxl_dc_region *r = &dc->regions[start + i];
		uint8_t *p = out + 4 + 40 * i;
		put(p, r->base, 8);
		put(p + 8, r->decode_len / CXL_CAPACITY_MULTIPLIER, 8);
		put(p + 16, r->len, 8);
		put(p + 24, r->block_size, 8);
		p[32] = 0;                /* DSMAS flags: QEMU's regions are volatile, unshared */
		p[36] = r->flags & 1u;    /* sanitize on release */
	}
	*len_out = 4 + 40 * (size_t)cnt + put_counts(dc, out + 4 + 40 * cnt);
	return CXL_MBOX_SUCCESS;
}

static bool power_of_2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* cmd_fm_set_dc_region_config(): region, block size, flags */
static int fm_set_region_config(struct pcisim_cxl_type3 *t, const uint8_t *in)
{
	struct pcisim_cxl_dc *dc = &t->dc;
	unsigned rid = in[0];
	uint64_t bs = get(in + 4, 8);
	if (rid >= dc->nregions)
		return CXL_MBOX_UNSUPPORTED;
	struct pcisim_cxl_dc_region *r = &dc->regions[rid];
	/* sanitize on release cannot be reconfigured */
	if ((in[12] & 1u) != (r->flags & 1u))
		return CXL_MBOX_UNSUPPORTED;
	if (overlaps_accepted(dc, r->base, r->len))
		return CXL_MBOX_UNSUPPORTED;
	if (!power_of_2(bs) || !(bs & r->supported_block_sizes))
		return CXL_MBOX_INVALID_INPUT;
	if (bs == r->block_size)
		return CXL_MBOX_SUCCESS;
	r->block_size = bs;
	uint8_t rec[PCISIM_CXL_EVENT_RECORD];
	dc_record(rec, PCISIM_CXL_DC_EV_REGION_CONFIG_UPDATED, rid, false, NULL, 0);
	pcisim_cxl_event_add(&t->fn, PCISIM_CXL_EVENT_LOG_DCD, rec);
	return CXL_MBOX_SUCCESS;
}

/* cmd_fm_get_dc_region_extent_list(): host, count, start; 24-byte header */
static int fm_get_extent_list(const struct pcisim_cxl_dc *dc, const uint8_t *in, uint8_t *out, size_t *len_out)
{
	uint32_t host = (uint32_t)get(in, 2), want = (uint32_t)get(in + 4, 4), start = (uint32_t)get(in + 8, 4);
	if (host != 0 || start > dc->naccepted)
		return CXL_MBOX_INVALID_INPUT;
	uint32_t cnt = dc->naccepted - start;
	if (want < cnt)
		cnt = want;
	if (cnt > (PAYLOAD_MAX - 0x18) / EXTENT_RAW)
		cnt = (PAYLOAD_MAX - 0x18) / EXTENT_RAW;
	put(out, host, 2);
	put(out + 4, start, 4);
	put(out + 8, cnt, 4);
	put(out + 12, dc->naccepted, 4);
	put(out + 16, dc->generation, 4);
	for (uint32_t i = 0; i < cnt; i++)
		put_extent(out + 0x18 + EXTENT_RAW * i, &dc->accepted[start + i]);
	*len_out = 0x18 + EXTENT_RAW * (size_t)cnt;
	return CXL_MBOX_SUCCESS;
}

/* The Initiate commands' extent list: 0x20-byte header, count at 0x1c, raw extents */
#define FM_INIT_HDR 0x20u
static void raw_extents(const uint8_t *in, unsigned n, struct pcisim_cxl_dc_extent *l)
{
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *p = in + FM_INIT_HDR + EXTENT_RAW * i;
		memset(&l[i], 0, sizeof(l[i]));
		l[i].start = get(p, 8);
		l[i].len = get(p + 8, 8);
		memcpy(l[i].tag, p + 16, 16);
		l[i].shared_seq = (uint16_t)get(p + 32, 2);
	}
}

/* cmd_fm_initiate_dc_add() */
static int fm_initiate_add(struct pcisim_cxl_type3 *t, const uint8_t *in, size_t len_in)
{
	struct pcisim_cxl_dc *dc = &t->dc;
	if (len_in < FM_INIT_HDR)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	if (in[2] != PCISIM_CXL_DC_SELECT_PRESCRIPTIVE)
		return CXL_MBOX_INVALID_INPUT;
	uint64_t n = get(in + 0x1c, 4);
	if (n + total_extents(dc) > PCISIM_CXL_DC_EXTENTS_MAX)
		return CXL_MBOX_RESOURCES_EXHAUSTED;
	if (len_in < FM_INIT_HDR + EXTENT_RAW * n)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	if (!n)
		return CXL_MBOX_INVALID_INPUT;
	struct pcisim_cxl_dc_extent l[PCISIM_CXL_DC_EXTENTS_MAX];
	raw_extents(in, (unsigned)n, l);
	int rc = malformed(dc, l, (unsigned)n);
	/* overlap with pending or accepted extents is reported before a malformed list */
	for (unsigned i = 0; i < n; i++)
		if (overlaps_pending(dc, l[i].start, l[i].len) || overlaps_accepted(dc, l[i].start, l[i].len))
			return CXL_MBOX_INVALID_EXTENT_LIST;
	if (rc)
		return rc;
	queue_group(dc, l, (unsigned)n);
	dc_events(t, PCISIM_CXL_DC_EV_ADD, l, (unsigned)n);
	return CXL_MBOX_SUCCESS;
}

#define FM_FORCED_REMOVAL 0x10u

/* cmd_fm_initiate_dc_release(): only the Release Capacity records; the host releases */
static int fm_initiate_release(struct pcisim_cxl_type3 *t, const uint8_t *in, size_t len_in)
{
	struct pcisim_cxl_dc *dc = &t->dc;
	if (len_in < FM_INIT_HDR)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	if ((in[2] & 0x0f) != PCISIM_CXL_DC_REMOVE_PRESCRIPTIVE)
		return CXL_MBOX_INVALID_INPUT;
	uint64_t n = get(in + 0x1c, 4);
	if (len_in < FM_INIT_HDR + EXTENT_RAW * n)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	/* a payload holds at most (2048 - 32) / 40 = 50 extents */
	struct pcisim_cxl_dc_extent l[PAYLOAD_MAX / EXTENT_RAW], after[PCISIM_CXL_DC_EXTENTS_MAX + 2];
	raw_extents(in, (unsigned)n, l);
	int rc = malformed(dc, l, (unsigned)n);
	if (rc)
		return rc;
	if (!(in[2] & FM_FORCED_REMOVAL))
		for (unsigned i = 0; i < n; i++)
			if (overlaps_pending(dc, l[i].start, l[i].len))
				return CXL_MBOX_INVALID_PA;
	unsigned m;
	if ((rc = release_dry_run(dc, l, (unsigned)n, after, &m)))
		return rc;
	dc_events(t, PCISIM_CXL_DC_EV_RELEASE, l, (unsigned)n);
	return CXL_MBOX_SUCCESS;
}

int pcisim_cxl_dc_fm_exec(struct pcisim_pcifn *fn, uint16_t opcode, const uint8_t *in, size_t len_in,
			  uint8_t *out, size_t *len_out)
{
	struct pcisim_cxl_type3 *t = dcd_of(fn);
	const struct pcisim_cxl_fm_dcd_cmd *k = pcisim_cxl_fm_dcd_cmds;
	*len_out = 0;
	while (k->name && k->opcode != opcode)
		k++;
	if (!t || !k->name)
		return CXL_MBOX_UNSUPPORTED;
	if (k->in >= 0 && len_in != (size_t)k->in)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	if (len_in > PAYLOAD_MAX)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	switch (opcode) {
	case CXL_OP_FM_GET_DCD_INFO: return fm_get_dcd_info(&t->dc, out, len_out);
	case CXL_OP_FM_GET_HOST_DC_REGION_CONFIG: return fm_get_host_region_config(&t->dc, in, out, len_out);
	case CXL_OP_FM_SET_DC_REGION_CONFIG: return fm_set_region_config(t, in);
	case CXL_OP_FM_GET_DC_REGION_EXTENT_LIST: return fm_get_extent_list(&t->dc, in, out, len_out);
	case CXL_OP_FM_INITIATE_DC_ADD: return fm_initiate_add(t, in, len_in);
	default: return fm_initiate_release(t, in, len_in);
	}
}
