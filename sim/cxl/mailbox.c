/*
 * The primary mailbox's command set of a CXL type 3 device, per emulated QEMU version
 * (hw/cxl/cxl-mailbox-utils.c: cxl_cmd_set, cxl_process_cci_message and the cmd_*
 * handlers; CXL r3.1 §8.2.9 for the payloads).
 *
 * 7.2 has: Get/Clear Event Records, Get/Set Event Interrupt Policy (placeholders: Get
 * Event Records answers 0x20 zero bytes, Get Interrupt Policy 4 zero bytes, the others
 * do nothing), Get FW Info, Get/Set Timestamp, Get Supported Logs, Get Log (the Command
 * Effects Log), Identify Memory Device, Get Partition Info, Get/Set LSA. 8.1 makes the
 * event commands real and adds Get Poison List, Inject Poison and Clear Poison; 8.2
 * adds Sanitize (a background command) and Get Security State, 9.1 Scan Media (Get
 * Scan Media Capabilities, Scan Media in the background, Get Scan Media Results:
 * scan_media.c), which also sets Get Poison List's Scan Media in Progress flag and
 * freezes Inject and Clear Poison while it runs. QEMU has no Get Health
 * Info (0x4200) in any of these: it answers Unsupported. 9.1 adds, on a device with
 * dynamic capacity regions only, the DC commands 0x4800-0x4803 (dcd.c), the dynamic
 * capacity event log (log 4: its records, its interrupt setting as the fifth byte of
 * the interrupt policy, which Set Event Interrupt Policy then takes optionally) and
 * the DC event log size in Identify Memory Device.
 */
#include <string.h>

#include "sim/cxl/cxl_state.h"
#include "sim/cxl/le.h"
#include "sim/cxl/dcd.h"
#include "sim/cxl/memdev.h"

/* Command Effects Log bits (CXL r3.1 Table 8-75) */
#define CEL_CONFIG (1u << 1)
#define CEL_DATA (1u << 2)
#define CEL_POLICY (1u << 3)
#define CEL_LOG (1u << 4)
#define CEL_SECURITY (1u << 5)
#define CEL_BACKGROUND (1u << 6)

#define CXL_CAPACITY_MULTIPLIER (256ull << 20)
#define CXL_CACHE_LINE 64u

const struct pcisim_cxl_cmd pcisim_cxl_cmds[] = {
	{CXL_OP_GET_EVENT_RECORDS, "EVENTS_GET_RECORDS", 1, 0, 0, false},
	{CXL_OP_CLEAR_EVENT_RECORDS, "EVENTS_CLEAR_RECORDS", -1, CEL_LOG, 0, false},
	{CXL_OP_GET_EVENT_INT_POLICY, "EVENTS_GET_INTERRUPT_POLICY", 0, 0, 0, false},
	/* 9.1: the dynamic capacity log's setting may follow the four others */
	{CXL_OP_SET_EVENT_INT_POLICY, "EVENTS_SET_INTERRUPT_POLICY", -1, CEL_CONFIG, PCISIM_QEMU_CXL_DCD, false},
	{CXL_OP_SET_EVENT_INT_POLICY, "EVENTS_SET_INTERRUPT_POLICY", 4, CEL_CONFIG, 0, false},
	{CXL_OP_GET_FW_INFO, "FIRMWARE_UPDATE_GET_INFO", 0, 0, 0, false},
	{CXL_OP_GET_TIMESTAMP, "TIMESTAMP_GET", 0, 0, 0, false},
	{CXL_OP_SET_TIMESTAMP, "TIMESTAMP_SET", 8, CEL_POLICY, 0, false},
	{CXL_OP_GET_SUPPORTED_LOGS, "LOGS_GET_SUPPORTED", 0, 0, 0, false},
	{CXL_OP_GET_LOG, "LOGS_GET_LOG", 0x18, 0, 0, false},
	{CXL_OP_IDENTIFY_MEMDEV, "IDENTIFY_MEMORY_DEVICE", 0, 0, 0, false},
	{CXL_OP_GET_PARTITION_INFO, "CCLS_GET_PARTITION_INFO", 0, 0, 0, false},
	{CXL_OP_GET_LSA, "CCLS_GET_LSA", 8, 0, 0, false},
	{CXL_OP_SET_LSA, "CCLS_SET_LSA", -1, CEL_CONFIG | CEL_DATA, 0, false},
	{CXL_OP_GET_POISON_LIST, "MEDIA_AND_POISON_GET_POISON_LIST", 16, 0, PCISIM_QEMU_CXL_POISON, false},
	{CXL_OP_INJECT_POISON, "MEDIA_AND_POISON_INJECT_POISON", 8, 0, PCISIM_QEMU_CXL_POISON, false},
	{CXL_OP_CLEAR_POISON, "MEDIA_AND_POISON_CLEAR_POISON", 72, CEL_DATA, PCISIM_QEMU_CXL_POISON, false},
	/* 9.1: Scan Media (scan_media.c) */
	{CXL_OP_GET_SCAN_MEDIA_CAPS, "MEDIA_AND_POISON_GET_SCAN_MEDIA_CAPABILITIES", 16, 0,
	 PCISIM_QEMU_CXL_SCAN_MEDIA, false},
	{CXL_OP_SCAN_MEDIA, "MEDIA_AND_POISON_SCAN_MEDIA", 17, CEL_BACKGROUND, PCISIM_QEMU_CXL_SCAN_MEDIA, false},
	{CXL_OP_GET_SCAN_MEDIA_RESULTS, "MEDIA_AND_POISON_GET_SCAN_MEDIA_RESULTS", 0, 0, PCISIM_QEMU_CXL_SCAN_MEDIA,
	 false},
	{CXL_OP_SANITIZE, "SANITIZE_OVERWRITE", 0, CEL_DATA | CEL_SECURITY | CEL_BACKGROUND,
	 PCISIM_QEMU_CXL_BG_CMDS, false},
	{CXL_OP_GET_SECURITY_STATE, "GET_SECURITY_STATE", 0, 0, PCISIM_QEMU_CXL_BG_CMDS, false},
	{CXL_OP_GET_DC_CONFIG, "DCD_GET_DC_CONFIG", 2, 0, PCISIM_QEMU_CXL_DCD, true},
	{CXL_OP_GET_DC_EXTENT_LIST, "DCD_GET_DYNAMIC_CAPACITY_EXTENT_LIST", 8, 0, PCISIM_QEMU_CXL_DCD, true},
	{CXL_OP_ADD_DC_RESPONSE, "DCD_ADD_DYNAMIC_CAPACITY_RESPONSE", -1, CEL_DATA, PCISIM_QEMU_CXL_DCD, true},
	{CXL_OP_RELEASE_DC, "DCD_RELEASE_DYNAMIC_CAPACITY", -1, CEL_DATA, PCISIM_QEMU_CXL_DCD, true},
	{0},
};

/* The Command Effects Log's UUID, in the byte order the log carries it */
static const uint8_t cel_uuid[16] = {0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
				     0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17};

const struct pcisim_cxl_cmd *pcisim_cxl_cmd_find(uint16_t opcode, unsigned compat)
{
	for (const struct pcisim_cxl_cmd *c = pcisim_cxl_cmds; c->name; c++)
		if (c->opcode == opcode && (!c->needs || (compat & c->needs)))
			return c;
	return NULL;
}

static void put16(uint8_t *p, uint16_t v)
{
	pcisim_le_put(p, v, 2);
}
static void put32(uint8_t *p, uint32_t v)
{
	pcisim_le_put(p, v, 4);
}
static void put64(uint8_t *p, uint64_t v)
{
	pcisim_le_put(p, v, 8);
}
static uint64_t get(const uint8_t *p, unsigned n)
{
	return pcisim_le_get(p, n);
}

/* ---- handlers: (device, input, its length, output) -> rc, *len_out ---- */

struct call {
	struct pcisim_cxl_type3 *t;
	const uint8_t *in;
	size_t len_in;
	uint8_t *out;
	size_t len_out;
};

/* The logs Get/Clear Event Records serve: the dynamic capacity log from 9.1 on */
static bool log_served(const struct pcisim_cxl_type3 *t, unsigned log)
{
	return log < PCISIM_CXL_EVENT_LOGS || (log == PCISIM_CXL_EVENT_LOG_DCD && (t->compat & PCISIM_QEMU_CXL_DCD));
}

static int get_event_records(struct call *c)
{
	if (!(c->t->compat & PCISIM_QEMU_CXL_EVENTS)) {
		memset(c->out, 0, 0x20);
		c->len_out = 0x20;
		return CXL_MBOX_SUCCESS;
	}
	unsigned log = c->in[0];
	if (!log_served(c->t, log))
		return CXL_MBOX_INVALID_INPUT;
	struct pcisim_cxl_event_log *l = &c->t->logs[log];
	unsigned max = (CXL_MBOX_PAYLOAD_MAX - 0x20) / PCISIM_CXL_EVENT_RECORD;
	unsigned n = l->n < max ? l->n : max;
	memset(c->out, 0, 0x20);
	c->out[0] = (uint8_t)((l->overflow_count ? 1u : 0u) | (l->n > n ? 2u : 0u));
	put16(c->out + 2, l->overflow_count);
	put64(c->out + 4, l->first_overflow_ts);
	put64(c->out + 12, l->last_overflow_ts);
	put16(c->out + 20, (uint16_t)n);
	for (unsigned i = 0; i < n; i++)
		memcpy(c->out + 0x20 + i * PCISIM_CXL_EVENT_RECORD, l->recs[i], PCISIM_CXL_EVENT_RECORD);
	c->len_out = 0x20 + n * PCISIM_CXL_EVENT_RECORD;
	return CXL_MBOX_SUCCESS;
}

static void log_emptied(struct pcisim_cxl_type3 *t, unsigned log)
{
	struct pcisim_cxl_event_log *l = &t->logs[log];
	if (l->n)
		return;
	l->overflow_count = 0;
	l->first_overflow_ts = l->last_overflow_ts = 0;
	uint64_t st = get(t->dregs + CXL_DEV_STATUS_OFFSET, 8) & ~(1ull << log);
	put64(t->dregs + CXL_DEV_STATUS_OFFSET, st);
}

static int clear_event_records(struct call *c)
{
	if (!(c->t->compat & PCISIM_QEMU_CXL_EVENTS))
		return CXL_MBOX_SUCCESS;
	if (c->len_in < 6)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	unsigned log = c->in[0], flags = c->in[1], nr = c->in[2];
	if (!log_served(c->t, log))
		return CXL_MBOX_INVALID_INPUT;
	if (c->len_in < 6 + 2 * (size_t)nr)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	struct pcisim_cxl_event_log *l = &c->t->logs[log];
	if (flags & 1) {
		l->n = 0;
	} else {
		/* the handles must be the log's oldest, in order (QEMU cxl_event_clear_records) */
		if (nr > l->n)
			return CXL_MBOX_INVALID_HANDLE;
		for (unsigned i = 0; i < nr; i++)
			if (get(c->in + 6 + 2 * i, 2) != get(l->recs[i] + 0x14, 2))
				return CXL_MBOX_INVALID_HANDLE;
		memmove(l->recs[0], l->recs[nr], (l->n - nr) * PCISIM_CXL_EVENT_RECORD);
		l->n -= nr;
	}
	log_emptied(c->t, log);
	return CXL_MBOX_SUCCESS;
}

/* Interrupt settings: mode [1:0] (1 = MSI/MSI-X), message number [7:4] */
#define CXL_INT_MSI_MSIX 1u

static int get_int_policy(struct call *c)
{
	bool dcd = c->t->compat & PCISIM_QEMU_CXL_DCD;
	memset(c->out, 0, 4);
	if (c->t->compat & PCISIM_QEMU_CXL_EVENTS)
		for (unsigned i = 0; i < PCISIM_CXL_EVENT_LOGS; i++)
			if (c->t->logs[i].irq_enabled)
				c->out[i] = (uint8_t)(PCISIM_CXL_MSIX_EVENT(i) << 4 | CXL_INT_MSI_MSIX);
	c->len_out = 4;
	if (dcd) {
		/* QEMU reports the mode only ("Dynamic Capacity borrows the same vector as info") */
		c->out[4] = c->t->logs[PCISIM_CXL_EVENT_LOG_DCD].irq_enabled ? CXL_INT_MSI_MSIX : 0;
		c->len_out = 5;
	}
	return CXL_MBOX_SUCCESS;
}

/* only MSI/MSI-X is kept: QEMU forgets the other modes (no FW interrupts) */
static int set_int_policy(struct call *c)
{
	if (c->len_in < 4)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH; /* 9.1's variable form: at least the four logs */
	if (c->t->compat & PCISIM_QEMU_CXL_EVENTS)
		for (unsigned i = 0; i < PCISIM_CXL_EVENT_LOGS; i++)
			c->t->logs[i].irq_enabled = (c->in[i] & 3) == CXL_INT_MSI_MSIX;
	/* the dynamic capacity log's setting is optional (the vector is the log's, 2 + 4) */
	if (c->len_in >= 5 && (c->t->compat & PCISIM_QEMU_CXL_DCD))
		c->t->logs[PCISIM_CXL_EVENT_LOG_DCD].irq_enabled = (c->in[4] & 3) == CXL_INT_MSI_MSIX;
	return CXL_MBOX_SUCCESS;
}

static int get_fw_info(struct call *c)
{
	if (c->t->vmem < CXL_CAPACITY_MULTIPLIER && c->t->pmem < CXL_CAPACITY_MULTIPLIER)
		return CXL_MBOX_INTERNAL_ERROR;
	memset(c->out, 0, 0x50);
	c->out[0] = 2;              /* slots supported */
	c->out[1] = 1u << 0 | 1u << 3; /* active slot 1, staged slot 1 */
	memcpy(c->out + 0x10, "BWFW VERSION 0", 14);
	c->len_out = 0x50;
	return CXL_MBOX_SUCCESS;
}

uint64_t pcisim_cxl_timestamp(const struct pcisim_cxl_type3 *t)
{
	if (!t->ts.set)
		return 0;
	return t->ts.host_set + (pcisim_cxl_now(t) - t->ts.last_set) / 1000; /* ps -> ns */
}

static int get_timestamp(struct call *c)
{
	put64(c->out, pcisim_cxl_timestamp(c->t));
	c->len_out = 8;
	return CXL_MBOX_SUCCESS;
}

static int set_timestamp(struct call *c)
{
	c->t->ts.set = true;
	c->t->ts.host_set = get(c->in, 8);
	c->t->ts.last_set = pcisim_cxl_now(c->t);
	return CXL_MBOX_SUCCESS;
}

/* Is @k the device's form of its command? (version, and a DC command on a DCD only) */
static bool device_has(const struct pcisim_cxl_type3 *t, const struct pcisim_cxl_cmd *k)
{
	return pcisim_cxl_cmd_find(k->opcode, t->compat) == k && (!k->dc || t->dc.nregions);
}

static unsigned cel_entries(const struct pcisim_cxl_type3 *t, uint8_t *out)
{
	unsigned n = 0;
	for (const struct pcisim_cxl_cmd *k = pcisim_cxl_cmds; k->name; k++)
		if (device_has(t, k)) {
			if (out) {
				put16(out + 4 * n, k->opcode);
				put16(out + 4 * n + 2, k->effect);
			}
			n++;
		}
	return n;
}

static int get_supported_logs(struct call *c)
{
	/* QEMU writes the fields only: the reserved bytes 2-7 keep what the payload held */
	put16(c->out, 1);
	memcpy(c->out + 8, cel_uuid, 16);
	put32(c->out + 24, cel_entries(c->t, NULL) * 4);
	c->len_out = 0x1c;
	return CXL_MBOX_SUCCESS;
}

static int get_log(struct call *c)
{
	uint32_t off = (uint32_t)get(c->in + 16, 4), len = (uint32_t)get(c->in + 20, 4);
	if ((uint64_t)off + len > CXL_MBOX_PAYLOAD_MAX)
		return CXL_MBOX_INVALID_INPUT;
	if (memcmp(c->in, cel_uuid, 16))
		return CXL_MBOX_UNSUPPORTED;
	uint8_t cel[CXL_MBOX_PAYLOAD_MAX];
	memset(cel, 0, sizeof(cel));
	unsigned n = cel_entries(c->t, NULL);
	if (n * 4 > sizeof(cel))
		return CXL_MBOX_INTERNAL_ERROR;
	cel_entries(c->t, cel);
	memcpy(c->out, cel + off, len);
	c->len_out = len;
	return CXL_MBOX_SUCCESS;
}

static int identify_memdev(struct call *c)
{
	struct pcisim_cxl_type3 *t = c->t;
	if (t->vmem % CXL_CAPACITY_MULTIPLIER || t->pmem % CXL_CAPACITY_MULTIPLIER)
		return CXL_MBOX_INTERNAL_ERROR;
	memset(c->out, 0, 0x45);
	memcpy(c->out, "BWFW VERSION 00", 15);
	put64(c->out + 0x10, (t->vmem + t->pmem) / CXL_CAPACITY_MULTIPLIER);
	put64(c->out + 0x18, t->vmem / CXL_CAPACITY_MULTIPLIER);
	put64(c->out + 0x20, t->pmem / CXL_CAPACITY_MULTIPLIER);
	put32(c->out + 0x38, (uint32_t)t->lsa_size);
	if (t->compat & PCISIM_QEMU_CXL_POISON) {
		c->out[0x3c] = (uint8_t)PCISIM_CXL_POISON_MAX; /* poison list max MER, 3 bytes */
		c->out[0x3d] = (uint8_t)(PCISIM_CXL_POISON_MAX >> 8);
	}
	/* the event log sizes (0x30-0x37) stay 0, as QEMU leaves them */
	c->len_out = 0x43;
	if (t->compat & PCISIM_QEMU_CXL_DCD) {
		/* CXL r3.1 Table 8-127: the dynamic capacity event log size follows */
		put16(c->out + 0x43, PCISIM_CXL_EVENT_LOG_MAX);
		c->len_out = 0x45;
	}
	return CXL_MBOX_SUCCESS;
}

static int get_partition_info(struct call *c)
{
	struct pcisim_cxl_type3 *t = c->t;
	if (t->vmem % CXL_CAPACITY_MULTIPLIER || t->pmem % CXL_CAPACITY_MULTIPLIER)
		return CXL_MBOX_INTERNAL_ERROR;
	memset(c->out, 0, 0x20);
	put64(c->out, t->vmem / CXL_CAPACITY_MULTIPLIER);
	put64(c->out + 8, t->pmem / CXL_CAPACITY_MULTIPLIER);
	c->len_out = 0x20;
	return CXL_MBOX_SUCCESS;
}

static int get_lsa(struct call *c)
{
	uint32_t off = (uint32_t)get(c->in, 4), len = (uint32_t)get(c->in + 4, 4);
	if ((uint64_t)off + len > c->t->lsa_size || len > CXL_MBOX_PAYLOAD_MAX)
		return CXL_MBOX_INVALID_INPUT;
	pcisim_cxl_lsa_access(c->t, off, c->out, len, false);
	c->len_out = len;
	return CXL_MBOX_SUCCESS;
}

static int set_lsa(struct call *c)
{
	if (c->len_in < 8)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	uint32_t off = (uint32_t)get(c->in, 4);
	if ((uint64_t)off + c->len_in > c->t->lsa_size + 8)
		return CXL_MBOX_INVALID_INPUT;
	pcisim_cxl_lsa_access(c->t, off, (void *)(uintptr_t)(c->in + 8), c->len_in - 8, true);
	return CXL_MBOX_SUCCESS;
}

static int get_poison_list(struct call *c)
{
	struct pcisim_cxl_type3 *t = c->t;
	uint64_t pa = get(c->in, 8), len = get(c->in + 8, 8) * CXL_CACHE_LINE;
	unsigned max = (CXL_MBOX_PAYLOAD_MAX - 0x20) / 16, n = 0;
	bool more = false;
	memset(c->out, 0, 0x20);
	/* newest first: QEMU inserts at the list's head */
	for (unsigned k = t->npoison; k-- > 0;) {
		const struct pcisim_cxl_poison *p = &t->poison[k];
		if (p->start >= pa + len || p->start + p->length <= pa)
			continue;
		if (n == max) {
			more = true;
			break;
		}
		uint8_t *r = c->out + 0x20 + 16 * n++;
		put64(r, p->start | p->type);
		put32(r + 8, (uint32_t)(p->length / CXL_CACHE_LINE));
		put32(r + 12, 0);
	}
	/* flags: More Media Error Records, Poison List Overflow, Scan Media in Progress */
	c->out[0] = (uint8_t)((more ? 1u : 0u) | (t->poison_overflowed ? 2u : 0u) |
			      (pcisim_cxl_scan_running(t) ? 4u : 0u));
	put64(c->out + 2, t->poison_overflow_ts);
	put16(c->out + 10, (uint16_t)n);
	c->len_out = 0x20 + 16 * (size_t)n;
	return CXL_MBOX_SUCCESS;
}

static void poison_add(struct pcisim_cxl_type3 *t, uint64_t start, uint64_t length, uint8_t type)
{
	struct pcisim_cxl_poison *p = &t->poison[t->npoison++];
	p->start = start;
	p->length = length;
	p->type = type;
}

static int inject_poison(struct call *c)
{
	struct pcisim_cxl_type3 *t = c->t;
	uint64_t dpa = get(c->in, 8);
	if (dpa % CXL_CACHE_LINE || dpa + CXL_CACHE_LINE > t->vmem + t->pmem + t->dc.total)
		return CXL_MBOX_INVALID_PA;
	for (unsigned k = 0; k < t->npoison; k++)
		if (dpa >= t->poison[k].start && dpa + CXL_CACHE_LINE <= t->poison[k].start + t->poison[k].length)
			return CXL_MBOX_SUCCESS;
	/* a running Scan Media freezes the list: Success, nothing added (QEMU 9.1) */
	if (pcisim_cxl_scan_running(t))
		return CXL_MBOX_SUCCESS;
	if (t->npoison == PCISIM_CXL_POISON_MAX)
		return CXL_MBOX_INJECT_POISON_LIMIT;
	poison_add(t, dpa, CXL_CACHE_LINE, 3);
	return CXL_MBOX_SUCCESS;
}

static int clear_poison(struct call *c)
{
	struct pcisim_cxl_type3 *t = c->t;
	uint64_t dpa = get(c->in, 8);
	if (dpa % CXL_CACHE_LINE || dpa + CXL_CACHE_LINE > t->vmem + t->pmem + t->dc.total)
		return CXL_MBOX_INVALID_PA;
	/* clearing a line with no poison is no error: the data is written either way */
	pcisim_cxl_dpa_access(&t->fn, dpa, (void *)(uintptr_t)(c->in + 8), CXL_CACHE_LINE, true);
	/* a running Scan Media freezes the list: the data is written, the entry stays */
	if (pcisim_cxl_scan_running(t))
		return CXL_MBOX_SUCCESS;
	for (unsigned k = 0; k < t->npoison; k++) {
		struct pcisim_cxl_poison p = t->poison[k];
		if (dpa < p.start || dpa >= p.start + p.length)
			continue;
		memmove(&t->poison[k], &t->poison[k + 1], (t->npoison - k - 1) * sizeof(p));
		t->npoison--;
		if (dpa > p.start)
			poison_add(t, p.start, dpa - p.start, p.type);
		if (dpa + CXL_CACHE_LINE < p.start + p.length)
			poison_add(t, dpa + CXL_CACHE_LINE, p.start + p.length - dpa - CXL_CACHE_LINE, p.type);
		break;
	}
	return CXL_MBOX_SUCCESS;
}

/* QEMU get_sanitize_duration(): seconds by capacity in MiB */
static uint64_t sanitize_seconds(uint64_t mib)
{
	static const struct {
		uint64_t mib, s;
	} steps[] = {{512, 4}, {1024, 8}, {2048, 15}, {4096, 30}, {8192, 60}, {16384, 120},
		     {32768, 240}, {65536, 480}, {131072, 900}, {262144, 1800}, {524288, 3600}};
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (mib <= steps[i].mib)
			return steps[i].s;
	return 7200;
}

static int sanitize(struct call *c)
{
	struct pcisim_cxl_type3 *t = c->t;
	t->bg.runtime = (pcisim_time)sanitize_seconds((t->vmem + t->pmem) >> 20) * 1000000000000ull;
	/* media disabled while it runs (cxl_dev_disable_media) */
	t->dregs[CXL_MEMDEV_OFFSET] = (uint8_t)((t->dregs[CXL_MEMDEV_OFFSET] & ~CXL_MEMDEV_MEDIA_STATUS) | 3u << 2);
	return CXL_MBOX_BG_STARTED;
}

static int get_scan_media_caps(struct call *c)
{
	return pcisim_cxl_get_scan_media_caps(c->t, c->in, c->out, &c->len_out);
}
static int scan_media(struct call *c)
{
	return pcisim_cxl_scan_media(c->t, c->in);
}
static int get_scan_media_results(struct call *c)
{
	return pcisim_cxl_get_scan_media_results(c->t, c->out, &c->len_out);
}

static int get_security_state(struct call *c)
{
	put32(c->out, 0);
	c->len_out = 4;
	return CXL_MBOX_SUCCESS;
}

/* the dynamic capacity commands of set 0x48 (dcd.c) */
static int dc_command(struct call *c, uint16_t opcode)
{
	return pcisim_cxl_dc_mbox(&c->t->fn, opcode, c->in, c->len_in, c->out, &c->len_out);
}
static int get_dc_config(struct call *c)
{
	return dc_command(c, CXL_OP_GET_DC_CONFIG);
}
static int get_dc_extent_list(struct call *c)
{
	return dc_command(c, CXL_OP_GET_DC_EXTENT_LIST);
}
static int add_dc_response(struct call *c)
{
	return dc_command(c, CXL_OP_ADD_DC_RESPONSE);
}
static int release_dc(struct call *c)
{
	return dc_command(c, CXL_OP_RELEASE_DC);
}

uint64_t pcisim_cxl_bg_status(const struct pcisim_cxl_type3 *t)
{
	if (!t->bg.running)
		return get(t->dregs + CXL_MBOX_BG_STATUS, 8);
	pcisim_time el = pcisim_cxl_now(t) - t->bg.start;
	/* el < runtime (at most hours, in ps) keeps el * 100 far from overflowing */
	uint64_t pct = el >= t->bg.runtime ? 100 : el * 100 / t->bg.runtime;
	return t->bg.opcode | pct << 16;
}

void pcisim_cxl_bg_update(struct pcisim_cxl_type3 *t)
{
	if (!t->bg.running)
		return;
	uint8_t *d = t->dregs;
	pcisim_time el = pcisim_cxl_now(t) - t->bg.start;
	put64(d + CXL_MBOX_BG_STATUS, pcisim_cxl_bg_status(t));
	if (el >= t->bg.runtime) {
		t->bg.running = false;
		if (t->fn.comp.sim)
			pcisim_cancel(t->fn.comp.sim, &t->bg.done);
		if (t->bg.opcode == CXL_OP_SANITIZE)
			pcisim_cxl_sanitize_done(t);
		else if (t->bg.opcode == CXL_OP_SCAN_MEDIA)
			pcisim_cxl_scan_media_done(t);
		put64(d + CXL_MBOX_STATUS, get(d + CXL_MBOX_STATUS, 8) & ~1ull);
		if (d[CXL_MBOX_CTRL] & CXL_MBOX_CTRL_BG_INT_EN)
			pcisim_cxl_msix_notify(t, PCISIM_CXL_MSIX_MBOX);
	}
}

/* QEMU's bg_timercb at the end of the run: completion and its interrupt on time */
static void bg_done_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	pcisim_cxl_bg_update((struct pcisim_cxl_type3 *)ev->target);
}
PCISIM_EVKIND(bg_done_kind, "cxl.mbox_bg_done", bg_done_ev);

typedef int (*handler_fn)(struct call *c);
static handler_fn handler(uint16_t opcode)
{
	switch (opcode) {
	case CXL_OP_GET_EVENT_RECORDS: return get_event_records;
	case CXL_OP_CLEAR_EVENT_RECORDS: return clear_event_records;
	case CXL_OP_GET_EVENT_INT_POLICY: return get_int_policy;
	case CXL_OP_SET_EVENT_INT_POLICY: return set_int_policy;
	case CXL_OP_GET_FW_INFO: return get_fw_info;
	case CXL_OP_GET_TIMESTAMP: return get_timestamp;
	case CXL_OP_SET_TIMESTAMP: return set_timestamp;
	case CXL_OP_GET_SUPPORTED_LOGS: return get_supported_logs;
	case CXL_OP_GET_LOG: return get_log;
	case CXL_OP_IDENTIFY_MEMDEV: return identify_memdev;
	case CXL_OP_GET_PARTITION_INFO: return get_partition_info;
	case CXL_OP_GET_LSA: return get_lsa;
	case CXL_OP_SET_LSA: return set_lsa;
	case CXL_OP_GET_POISON_LIST: return get_poison_list;
	case CXL_OP_INJECT_POISON: return inject_poison;
	case CXL_OP_CLEAR_POISON: return clear_poison;
	case CXL_OP_GET_SCAN_MEDIA_CAPS: return get_scan_media_caps;
	case CXL_OP_SCAN_MEDIA: return scan_media;
	case CXL_OP_GET_SCAN_MEDIA_RESULTS: return get_scan_media_results;
	case CXL_OP_SANITIZE: return sanitize;
	case CXL_OP_GET_SECURITY_STATE: return get_security_state;
	case CXL_OP_GET_DC_CONFIG: return get_dc_config;
	case CXL_OP_GET_DC_EXTENT_LIST: return get_dc_extent_list;
	case CXL_OP_ADD_DC_RESPONSE: return add_dc_response;
	case CXL_OP_RELEASE_DC: return release_dc;
	default: return NULL;
	}
}

int pcisim_cxl_mbox_exec(struct pcisim_pcifn *fn, uint16_t opcode, const uint8_t *in, size_t len_in,
			 uint8_t *out, size_t *len_out, bool *bg)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	*len_out = 0;
	*bg = false;
	if (!t)
		return CXL_MBOX_UNSUPPORTED;
	pcisim_cxl_bg_update(t);
	const struct pcisim_cxl_cmd *k = pcisim_cxl_cmd_find(opcode, t->compat);
	handler_fn h = k && device_has(t, k) ? handler(opcode) : NULL;
	if (!h)
		return CXL_MBOX_UNSUPPORTED;
	if (k->in >= 0 && len_in != (size_t)k->in)
		return CXL_MBOX_INVALID_PAYLOAD_LENGTH;
	if ((k->effect & CEL_BACKGROUND) && t->bg.running)
		return CXL_MBOX_BUSY;
	/* while sanitize runs, the media and poison commands are refused */
	if (t->bg.running && t->bg.opcode == CXL_OP_SANITIZE && (opcode >> 8) >= 0x41 && (opcode >> 8) <= 0x45)
		return CXL_MBOX_MEDIA_DISABLED;
	struct call c = {.t = t, .in = in, .len_in = len_in, .out = out};
	int rc = h(&c);
	*len_out = rc == CXL_MBOX_SUCCESS ? c.len_out : 0;
	if (rc == CXL_MBOX_BG_STARTED) {
		*bg = true;
		t->bg.running = true;
		t->bg.opcode = opcode;
		t->bg.start = pcisim_cxl_now(t);
		put64(t->dregs + CXL_MBOX_BG_STATUS, opcode);
		if (t->fn.comp.sim)
			t->bg.done = pcisim_schedule(t->fn.comp.sim, t->bg.runtime, PCISIM_CLASS_HW, &bg_done_kind,
						     &t->fn.comp, opcode, 0);
	}
	return rc;
}
