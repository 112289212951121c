/*
 * Scan Media on a CXL type 3 device (CXL r3.1 §8.2.9.9.4.4-8.2.9.9.4.6), as QEMU 9.1
 * has it (hw/cxl/cxl-mailbox-utils.c cmd_media_get_scan_media_capabilities(),
 * cmd_media_scan_media(), cmd_media_get_scan_media_results(), __do_scan_media();
 * hw/mem/cxl_type3.c qmp_cxl_inject_poison()); before 9.1 the three commands are
 * Unsupported (PCISIM_QEMU_CXL_SCAN_MEDIA).
 *
 * QEMU's model of the media: what QMP's cxl-inject-poison adds once the poison list
 * is full (256 entries) goes to a backup list the device "knows" but has not
 * reported. Scan Media over a DPA range drops the previous results, empties the
 * poison list when it had overflowed, and moves every backup entry that overlaps the
 * range into the results and, while there is room, back into the poison list. All of
 * that happens when the command starts; the background operation then runs for
 * QEMU's estimate, and at its end clears the poison list's overflow when the list
 * holds exactly the results, and makes the results readable. Get Scan Media Results
 * hands them out (up to 126 records a call, the More flag set when some remain) and
 * forgets each record it returned.
 *
 * Payloads (CXL r3.1):
 *   Get Scan Media Capabilities, Table 8-147/8-148: in {Get Scan Media Capabilities
 *     Start Physical Address u64, Physical Address Length u64 in 64-byte units}, out
 *     {Estimated Scan Media Time u32, ms}.
 *   Scan Media, Table 8-149: in {Scan Media Physical Address u64, Physical Address
 *     Length u64 in 64-byte units, Flags u8 (bit 0: no event log)}, no output.
 *   Get Scan Media Results, Table 8-150: out {Scan Media Restart Physical Address
 *     u64, Scan Media Restart Physical Address Length u64, Flags u8 (bit 0 More Media
 *     Error Records, bit 1 Scan Stopped Prematurely), reserved u8, Media Error Record
 *     Count u16, reserved 12 bytes, then 16-byte Media Error Records: DPA u64 with the
 *     error source in bits 2:0, length u32 in 64-byte units, reserved u32}.
 *
 * Timing: QEMU estimates 500 ns per 64-byte line (400 ns to read, 100 ns to update
 * the poison list), at least 1 ms; Get Scan Media Capabilities answers that estimate
 * and Scan Media runs for it. QEMU's background timer (bg_timercb) looks every
 * CXL_MBOX_BG_UPDATE_FREQ (1000 ms) from the start, so the command ends at the first
 * whole second at or after the estimate; pcisim ends it there.
 */
#include <string.h>

#include "sim/core/heap.h"
#include "sim/cxl/cxl_state.h"
#include "sim/cxl/le.h"
#include "sim/cxl/memdev.h"

#define LINE 64u
#define RESULTS_HDR 0x20 /* Get Scan Media Results' header */
#define RESULT_REC 16    /* one Media Error Record */

static void put32(uint8_t *p, uint32_t v)
{
	pcisim_le_put(p, v, 4);
}
static void put64(uint8_t *p, uint64_t v)
{
	pcisim_le_put(p, v, 8);
}
static uint64_t get64(const uint8_t *p)
{
	return pcisim_le_get(p, 8);
}

/* Append @p to the array *@a of *@n entries (room *@cap), growing it on the sim heap. */
static int push(struct pcisim_cxl_poison **a, unsigned *n, unsigned *cap, const struct pcisim_cxl_poison *p)
{
	if (*n == *cap) {
		unsigned nc = *cap ? 2 * *cap : 16;
		struct pcisim_cxl_poison *g = pcisim_realloc(*a, nc * sizeof(*g));
		if (!g)
			return -1;
		*a = g;
		*cap = nc;
	}
	(*a)[(*n)++] = *p;
	return 0;
}

bool pcisim_cxl_scan_running(const struct pcisim_cxl_type3 *t)
{
	return t->bg.running && t->bg.opcode == CXL_OP_SCAN_MEDIA;
}

/* The range of a capabilities query or a scan, in bytes: CXL_MBOX_* or 0 */
static int scan_range(const struct pcisim_cxl_type3 *t, const uint8_t *in, uint64_t *start, uint64_t *len)
{
	*start = get64(in);
	/* the length in lines, as bytes: QEMU multiplies without an overflow check;
	 * pcisim refuses a length whose bytes do not fit (Invalid Physical Address) */
	uint64_t lines = get64(in + 8);
	if (*start % LINE)
		return CXL_MBOX_INVALID_INPUT; /* "64 byte alignment required" */
	if (lines > UINT64_MAX / LINE || *start + lines * LINE < *start)
		return CXL_MBOX_INVALID_PA;
	*len = lines * LINE;
	/* static memory only (volatile and persistent), not dynamic capacity */
	if (*start + *len > t->vmem + t->pmem)
		return CXL_MBOX_INVALID_PA;
	return 0;
}

/* QEMU's estimate, MAX(1, bytes * (0.0005 / 64)) ms, truncated to whole ms */
static uint64_t estimate_ms(uint64_t bytes)
{
	uint64_t ms = bytes / LINE / 2000;
	return ms ? ms : 1;
}

int pcisim_cxl_get_scan_media_caps(struct pcisim_cxl_type3 *t, const uint8_t *in, uint8_t *out, size_t *len_out)
{
	uint64_t start, len;
	int rc = scan_range(t, in, &start, &len);
	if (rc)
		return rc;
	uint64_t ms = estimate_ms(len);
	put32(out, ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms);
	*len_out = 4;
	return CXL_MBOX_SUCCESS;
}

int pcisim_cxl_scan_media(struct pcisim_cxl_type3 *t, const uint8_t *in)
{
	uint64_t start, len;
	int rc = scan_range(t, in, &start, &len);
	if (rc)
		return rc;
	/* flags bit 0 clear asks for Media Error event records: QEMU logs "Scan Media
	 * Event Log is unsupported" and adds none */
	t->nscan_results = 0; /* any previous results are discarded */
	if (t->poison_overflowed)
		t->npoison = 0; /* the list is made anew from what the scan finds */
	/* QEMU walks the backup list newest first and inserts each found entry at the
	 * head of the results and of the poison list: the results read oldest first, and
	 * the poison list (newest last here) gets them newest first */
	unsigned keep = 0;
	for (unsigned k = t->npoison_bkp; k-- > 0;) {
		const struct pcisim_cxl_poison *p = &t->poison_bkp[k];
		if (p->start >= start + len || p->start + p->length <= start)
			continue;
		if (t->npoison < PCISIM_CXL_POISON_MAX)
			t->poison[t->npoison++] = *p;
		if (push(&t->scan_results, &t->nscan_results, &t->cap_scan_results, p))
			return CXL_MBOX_INTERNAL_ERROR;
	}
	/* the found entries leave the backup list; the others keep their order */
	for (unsigned k = 0; k < t->npoison_bkp; k++) {
		const struct pcisim_cxl_poison *p = &t->poison_bkp[k];
		if (p->start >= start + len || p->start + p->length <= start)
			t->poison_bkp[keep++] = *p;
	}
	t->npoison_bkp = keep;
	/* the results were collected newest backup first; QEMU's list reads the reverse */
	for (unsigned i = 0, j = t->nscan_results; i + 1 < j; i++, j--) {
		struct pcisim_cxl_poison x = t->scan_results[i];
		t->scan_results[i] = t->scan_results[j - 1];
		t->scan_results[j - 1] = x;
	}
	/* the run ends at QEMU's first background timer tick at or after the estimate */
	uint64_t s = (estimate_ms(len) + 999) / 1000;
	t->bg.runtime = (pcisim_time)s * PCISIM_S;
	return CXL_MBOX_BG_STARTED;
}

void pcisim_cxl_scan_media_done(struct pcisim_cxl_type3 *t)
{
	/* only scan media may clear the overflow: when the list holds exactly what it found */
	if (t->poison_overflowed && t->npoison == t->nscan_results) {
		t->poison_overflowed = false;
		t->poison_overflow_ts = 0;
	}
	t->scan_hasrun = true;
}

int pcisim_cxl_get_scan_media_results(struct pcisim_cxl_type3 *t, uint8_t *out, size_t *len_out)
{
	if (!t->scan_hasrun)
		return CXL_MBOX_UNSUPPORTED; /* no scan has finished yet (QEMU's answer) */
	/* QEMU takes records while the header and those before fit strictly below the
	 * payload size: 126 */
	unsigned max = (CXL_MBOX_PAYLOAD_MAX - RESULTS_HDR + RESULT_REC - 1) / RESULT_REC;
	unsigned n = t->nscan_results < max ? t->nscan_results : max;
	memset(out, 0, RESULTS_HDR + (size_t)n * RESULT_REC);
	for (unsigned i = 0; i < n; i++) {
		const struct pcisim_cxl_poison *p = &t->scan_results[i];
		uint8_t *r = out + RESULTS_HDR + (size_t)i * RESULT_REC;
		put64(r, (p->start & ~(uint64_t)(LINE - 1)) | (p->type & 7u));
		put32(r + 8, (uint32_t)(p->length / LINE));
	}
	/* restart address and length stay 0: QEMU's scan never stops early */
	out[16] = t->nscan_results > n ? 1 : 0; /* More Media Error Records */
	out[18] = (uint8_t)n;
	out[19] = (uint8_t)(n >> 8);
	/* the records returned are consumed */
	if (n) {
		memmove(t->scan_results, t->scan_results + n, (t->nscan_results - n) * sizeof(*t->scan_results));
		t->nscan_results -= n;
	}
	*len_out = RESULTS_HDR + (size_t)n * RESULT_REC;
	return CXL_MBOX_SUCCESS;
}

int pcisim_cxl_poison_backup(struct pcisim_cxl_type3 *t, uint64_t start, uint64_t length, uint8_t type)
{
	struct pcisim_cxl_poison p = {.start = start, .length = length, .type = type};
	return push(&t->poison_bkp, &t->npoison_bkp, &t->cap_poison_bkp, &p);
}

void pcisim_cxl_scan_media_free(struct pcisim_cxl_type3 *t)
{
	pcisim_free(t->poison_bkp);
	pcisim_free(t->scan_results);
	t->poison_bkp = t->scan_results = NULL;
	t->npoison_bkp = t->cap_poison_bkp = t->nscan_results = t->cap_scan_results = 0;
	t->scan_hasrun = false;
}
