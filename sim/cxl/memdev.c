/*
 * A CXL type 3 device's memory, LSA, poison list, RAS error injection and event logs
 * (memdev.h), and the feature hooks that give every CXL component its register
 * blocks at realize and reset.
 *
 * Facts, from QEMU's hw/mem/cxl_type3.c (8.0 .. 8.2):
 *  - qmp_cxl_inject_poison(): "Poison injection must be in multiples of 64 bytes",
 *    "Poison start address must be 64 byte aligned", "Overlap with existing poisoned
 *    region not supported"; a full list (256) sets the overflow flag and time and adds
 *    nothing; entries of type internal (2), inserted at the list's head;
 *  - qmp_cxl_inject_uncorrectable_errors(): masked errors are skipped; the rest are
 *    queued; when the queue was empty the first sets First Error Pointer and the
 *    header log; status = every queued error; then pcie_aer_inject_error() with
 *    Uncorrectable Internal Error (severity by the AER registers: fatal by default);
 *  - qmp_cxl_inject_correctable_error(): a masked error does nothing; else the RAS
 *    status bit is set and Corrected Internal Error injected (masked in AER by default);
 *  - cxl_event_insert(): a log keeps 8 records (CXL_TEST_EVENT_OVERFLOW), beyond that
 *    it counts overflows with the first and last time; handles count up from 1.
 * Device memory: DPA 0 .. volatile size is the volatile backend, then persistent.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/core/grow.h"
#include "sim/cxl/cxl.h"
#include "sim/cxl/cxl_state.h"
#include "sim/cxl/dvsec.h"
#include "sim/cxl/memdev.h"
#include "sim/cxl/regs.h"
#include "sim/pcie/aer.h"
#include "sim/pcie/mmio.h"
#include "sim/pcie/regdesc.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/core/heap.h"

#define PAGE 4096u
#define LSA_KEY (1ull << 63)

const char *const pcisim_cxl_uncor_names[17] = {
	"cache-data-parity", "cache-address-parity", "cache-be-parity", "cache-data-ecc",
	"mem-data-parity", "mem-address-parity", "mem-be-parity", "mem-data-ecc",
	"reinit-threshold", "rsvd-encoding", "poison-received", "receiver-overflow",
	NULL, NULL, "internal", "cxl-ide-tx", "cxl-ide-rx",
};
const char *const pcisim_cxl_cor_names[7] = {
	"cache-data-ecc", "mem-data-ecc", "crc-threshold", "retry-threshold",
	"cache-poison-received", "mem-poison-received", "physical",
};
const char *const pcisim_cxl_event_log_names[4] = {"informational", "warning", "failure", "fatal"};

/* ---- pages ---- */

static size_t page_pos(const struct pcisim_cxl_type3 *t, uint64_t key, bool *found)
{
	size_t lo = 0, hi = t->npages;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->pages[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < t->npages && t->pages[lo].key == key;
	return lo;
}

static uint8_t *page(struct pcisim_cxl_type3 *t, uint64_t key, bool create)
{
	bool found;
	size_t i = page_pos(t, key, &found);
	if (found)
		return t->pages[i].data;
	if (!create)
		return NULL;
	if (t->npages == t->cappages) {
		size_t cap = t->cappages ? t->cappages * 2 : 16;
		void *v = pcisim_realloc(t->pages, cap * sizeof(*t->pages));
		if (!v)
			abort();
		t->pages = v;
		t->cappages = cap;
	}
	uint8_t *data = pcisim_calloc(1, PAGE);
	if (!data)
		abort();
	memmove(&t->pages[i + 1], &t->pages[i], (t->npages - i) * sizeof(*t->pages));
	t->pages[i].key = key;
	t->pages[i].data = data;
	t->npages++;
	return data;
}

static void store_access(struct pcisim_cxl_type3 *t, uint64_t base_key, uint64_t off, uint8_t *buf,
			 size_t len, bool write)
{
	while (len) {
		uint64_t key = base_key | (off / PAGE);
		size_t in = (size_t)(off % PAGE), n = PAGE - in < len ? PAGE - in : len;
		uint8_t *p = page(t, key, write);
		if (write)
			memcpy(p + in, buf, n);
		else if (!buf)
			; /* a read whose data nobody keeps (pcisim_cxl_read_lines) */
		else if (p)
			memcpy(buf, p + in, n);
		else
			memset(buf, 0, n);
		buf = buf ? buf + n : NULL;
		off += n;
		len -= n;
	}
}

int pcisim_cxl_lsa_access(struct pcisim_cxl_type3 *t, uint64_t off, void *buf, size_t len, bool write)
{
	if (off + len > t->lsa_size)
		return -1;
	store_access(t, LSA_KEY, off, buf, len, write);
	return 0;
}

uint64_t pcisim_cxl_capacity(struct pcisim_pcifn *fn)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	return t ? t->vmem + t->pmem : 0;
}

int pcisim_cxl_dpa_access(struct pcisim_pcifn *fn, uint64_t dpa, void *buf, size_t len, bool write)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	if (!t || dpa + len < dpa)
		return -1;
	uint64_t stat = t->vmem + t->pmem;
	/* dynamic capacity follows the static memory: only accepted extents are memory
	 * (QEMU cxl_type3_hpa_to_as_and_dpa: -ENODEV for a block not backed) */
	if (dpa + len > stat && (dpa < stat || !pcisim_cxl_dc_backed(&t->dc, dpa, len)))
		return -1;
	store_access(t, 0, dpa, buf, len, write);
	return 0;
}

void pcisim_cxl_sanitize_done(struct pcisim_cxl_type3 *t)
{
	/* every byte of the media overwritten with 0; the LSA stays */
	for (size_t i = 0; i < t->npages; i++)
		if (!(t->pages[i].key & LSA_KEY))
			memset(t->pages[i].data, 0, PAGE);
	t->dregs[CXL_MEMDEV_OFFSET] = (uint8_t)((t->dregs[CXL_MEMDEV_OFFSET] & ~CXL_MEMDEV_MEDIA_STATUS) | 1u << 2);
}

void pcisim_cxl_type3_free(struct pcisim_cxl_type3 *t)
{
	pcisim_cxl_dc_clear(&t->dc);
	for (size_t i = 0; i < t->npages; i++)
		pcisim_free(t->pages[i].data);
	pcisim_free(t->pages);
	t->pages = NULL;
	t->npages = t->cappages = 0;
	pcisim_free(t->ras_errs);
	t->ras_errs = NULL;
	t->nras_errs = 0;
	t->cap_ras_errs = 0;
	pcisim_cxl_scan_media_free(t);
}

int pcisim_cxl_mem_access(struct pcisim_fabric *fab, uint64_t hpa, void *buf, size_t len, bool write,
			  struct pcisim_cxl_route *route, bool *poisoned)
{
	struct pcisim_cxl_route r;
	if (!route)
		route = &r;
	if (poisoned)
		*poisoned = false;
	int rc = pcisim_cxl_decode(fab, hpa, route);
	if (rc)
		return rc;
	return pcisim_cxl_routed_access(route, buf, len, write, poisoned);
}

int pcisim_cxl_routed_access(const struct pcisim_cxl_route *route, void *buf, size_t len, bool write,
			     bool *poisoned)
{
	if (poisoned)
		*poisoned = false;
	if (pcisim_cxl_dpa_access(route->device, route->dpa, buf, len, write)) {
		const struct pcisim_cxl_dc *dc = pcisim_cxl_dc_of(route->device);
		uint64_t stat = pcisim_cxl_capacity(route->device);
		bool in_dc = dc && route->dpa >= stat && route->dpa < stat + dc->total;
		return in_dc ? -PCISIM_CXL_DEC_DC_NOT_ACCEPTED : -PCISIM_CXL_DEC_NO_DEVICE;
	}
	if (poisoned)
		*poisoned = pcisim_cxl_poisoned(route->device, route->dpa, len);
	return 0;
}

int pcisim_cxl_read_lines(struct pcisim_fabric *fab, uint64_t hpa, uint64_t len, bool stop_at_poison,
			  struct pcisim_cxl_route *route, uint64_t *bad_hpa)
{
	enum { LINE = 64 };
	bool poisoned = false;
	bool *pp = stop_at_poison ? &poisoned : NULL;
	for (uint64_t off = 0; off < len;) {
		int rc = pcisim_cxl_mem_access(fab, hpa + off, NULL, LINE, false, route, pp);
		if (rc || poisoned) {
			*bad_hpa = hpa + off;
			return rc ? rc : 1;
		}
		/* the lines that start inside the span; their data is not kept (NULL) */
		uint64_t lines = (route->span + LINE - 1) / LINE, first_off = off;
		uint64_t end = len - off > lines * LINE ? off + lines * LINE : len;
		const struct pcisim_cxl_route first = *route;
		if (end - off > LINE) {
			route->dpa = first.dpa + LINE;
			if (!pcisim_cxl_routed_access(route, NULL, (size_t)(end - off - LINE), false, pp) && !poisoned) {
				off = end;
				continue;
			}
		}
		for (off += LINE; off < end; off += LINE) {
			*route = first;
			route->dpa = first.dpa + (off - first_off);
			rc = pcisim_cxl_routed_access(route, NULL, LINE, false, pp);
			if (rc || poisoned) {
				*bad_hpa = hpa + off;
				return rc ? rc : 1;
			}
		}
	}
	return 0;
}

/* ---- poison ---- */

bool pcisim_cxl_poisoned(struct pcisim_pcifn *fn, uint64_t dpa, uint64_t len)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	for (unsigned k = 0; t && k < t->npoison; k++)
		if (dpa < t->poison[k].start + t->poison[k].length && t->poison[k].start < dpa + len)
			return true;
	return false;
}

unsigned pcisim_cxl_poison_count(struct pcisim_pcifn *fn)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	return t ? t->npoison : 0;
}

int pcisim_cxl_qmp_inject_poison(struct pcisim_pcifn *fn, uint64_t start, uint64_t length, char *err,
				 size_t n)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	if (!t) {
		snprintf(err, n, "Path does not point to a CXL type 3 device");
		return -1;
	}
	if (length % 64) {
		snprintf(err, n, "Poison injection must be in multiples of 64 bytes");
		return -1;
	}
	if (start % 64) {
		snprintf(err, n, "Poison start address must be 64 byte aligned");
		return -1;
	}
	for (unsigned k = 0; k < t->npoison; k++) {
		const struct pcisim_cxl_poison *p = &t->poison[k];
		if ((start >= p->start && start < p->start + p->length) ||
		    (start + length > p->start && start + length <= p->start + p->length)) {
			snprintf(err, n, "Overlap with existing poisoned region not supported");
			return -1;
		}
	}
	if (t->npoison == PCISIM_CXL_POISON_MAX) {
		if (!t->poison_overflowed)
			t->poison_overflow_ts = pcisim_cxl_timestamp(t);
		t->poison_overflowed = true;
		/* 9.1 on: kept in the backup list, for Scan Media to find (scan_media.c) */
		if ((t->compat & PCISIM_QEMU_CXL_SCAN_MEDIA) && pcisim_cxl_poison_backup(t, start, length, 2)) {
			snprintf(err, n, "pcisim: out of memory for the poison backup list");
			return -1;
		}
		return 0;
	}
	struct pcisim_cxl_poison *p = &t->poison[t->npoison++];
	p->start = start;
	p->length = length;
	p->type = 2;
	return 0;
}

/* ---- RAS ---- */

static void aer_internal(struct pcisim_cxl_type3 *t, bool correctable)
{
	struct pcisim_aer_err e = {
		.status = correctable ? PCI_ERR_COR_INTERNAL : PCI_ERR_UNC_INTN,
		.source_id = pcisim_fn_bdf(&t->fn),
		.flags = correctable ? PCISIM_AER_ERR_IS_CORRECTABLE : 0,
	};
	t->aer_injected++;
	pcisim_aer_inject(&t->fn, &e, correctable ? "cxl-inject-correctable-error" : "cxl-inject-uncorrectable-errors");
}

int pcisim_cxl_qmp_inject_uncor(struct pcisim_pcifn *fn, const struct pcisim_cxl_uncor_err *errs,
				unsigned nerrs, char *err, size_t n)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	if (!t || !t->cregs.init) {
		snprintf(err, n, "Path does not point to a CXL type 3 device");
		return -1;
	}
	struct pcisim_cxl_cregs *r = &t->cregs;
	bool first = t->nras_errs == 0;
	for (unsigned i = 0; i < nerrs; i++) {
		unsigned type = errs[i].type;
		if (type >= 17 || !pcisim_cxl_uncor_names[type]) {
			snprintf(err, n, "Unknown error code");
			return -1;
		}
		if (errs[i].nheader > CXL_RAS_HEADER_DWORDS_QMP) {
			snprintf(err, n, "Header must be 32 DWORD or less");
			return -1;
		}
		if (!((1u << type) & ~r->cm[CXL_RAS_UNC_MASK / 4]))
			continue;
		if (t->nras_errs == PCISIM_CXL_RAS_QUEUE_MAX) {
			snprintf(err, n, "pcisim keeps at most %d queued CXL errors (clear RAS status first)",
				 PCISIM_CXL_RAS_QUEUE_MAX);
			return -1;
		}
		t->ras_errs = pcisim_grow(t->ras_errs, &t->cap_ras_errs, t->nras_errs + 1, sizeof(*t->ras_errs));
		struct pcisim_cxl_ras_err *q = &t->ras_errs[t->nras_errs++];
		memset(q, 0, sizeof(*q));
		q->type = (uint8_t)type;
		memcpy(q->header, errs[i].header, errs[i].nheader * sizeof(uint32_t));
	}
	if (first && t->nras_errs) {
		for (unsigned i = 0; i < CXL_RAS_HEADER_DWORDS; i++)
			r->cm[CXL_RAS_HEADER_LOG / 4 + i] = t->ras_errs[0].header[i];
		r->cm[CXL_RAS_CAP_CTRL / 4] = (r->cm[CXL_RAS_CAP_CTRL / 4] & ~(uint32_t)CXL_RAS_CAP_CTRL_FEP) |
					       t->ras_errs[0].type;
	}
	uint32_t unc = 0;
	for (unsigned i = 0; i < t->nras_errs; i++)
		unc |= 1u << t->ras_errs[i].type;
	if (!unc)
		return 0;
	r->cm[CXL_RAS_UNC_STATUS / 4] = unc;
	aer_internal(t, false);
	return 0;
}

int pcisim_cxl_qmp_inject_cor(struct pcisim_pcifn *fn, unsigned type, char *err, size_t n)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	if (!t || !t->cregs.init) {
		snprintf(err, n, "Path does not point to a CXL type 3 device");
		return -1;
	}
	if (type >= 7) {
		snprintf(err, n, "Invalid COR error");
		return -1;
	}
	struct pcisim_cxl_cregs *r = &t->cregs;
	if (!((1u << type) & ~r->cm[CXL_RAS_COR_MASK / 4]))
		return 0;
	r->cm[CXL_RAS_COR_STATUS / 4] |= 1u << type;
	aer_internal(t, true);
	return 0;
}

/* ---- event logs ---- */

bool pcisim_cxl_event_add(struct pcisim_pcifn *fn, unsigned log, uint8_t rec[PCISIM_CXL_EVENT_RECORD])
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	if (!t || log >= PCISIM_CXL_EVENT_LOGS_ALL)
		return false;
	struct pcisim_cxl_event_log *l = &t->logs[log];
	uint64_t ts = pcisim_cxl_timestamp(t);
	if (l->n == PCISIM_CXL_EVENT_LOG_MAX) {
		if (!l->overflow_count)
			l->first_overflow_ts = ts;
		l->overflow_count++;
		l->last_overflow_ts = ts;
		return false;
	}
	if (!l->next_handle)
		l->next_handle = 1;
	rec[0x14] = (uint8_t)l->next_handle;
	rec[0x15] = (uint8_t)(l->next_handle >> 8);
	l->next_handle++;
	for (unsigned i = 0; i < 8; i++)
		rec[0x18 + i] = (uint8_t)(ts >> (8 * i));
	memcpy(l->recs[l->n++], rec, PCISIM_CXL_EVENT_RECORD);
	t->dregs[CXL_DEV_STATUS_OFFSET] |= (uint8_t)(1u << log);
	/* cxl_event_irq_assert() when the log was empty: every enabled log with records */
	if (l->n == 1)
		for (unsigned i = 0; i < PCISIM_CXL_EVENT_LOGS_ALL; i++)
			if (t->logs[i].irq_enabled && t->logs[i].n)
				pcisim_cxl_msix_notify(t, PCISIM_CXL_MSIX_EVENT(i));
	return l->n == 1;
}

unsigned pcisim_cxl_event_count(struct pcisim_pcifn *fn, unsigned log)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	return t && log < PCISIM_CXL_EVENT_LOGS_ALL ? t->logs[log].n : 0;
}

/* ---- named state for expectations (state: {state: t0, key: cxl_poison_count}) ---- */

static const char *const query_names[] = {
	"cxl_poison_count", "cxl_poison_overflowed", "cxl_ras_unc_status", "cxl_ras_cor_status",
	"cxl_ras_first_error", "cxl_event_status", "cxl_events_informational", "cxl_events_warning",
	"cxl_events_failure", "cxl_events_fatal", "cxl_events_dynamic_capacity", "cxl_dc_regions",
	"cxl_dc_accepted", "cxl_dc_accepted_bytes", "cxl_dc_pending", "cxl_dc_pending_groups", NULL,
};

/* Pending groups: their extents carry nondecreasing group numbers (dcd.c) */
static unsigned pending_groups(const struct pcisim_cxl_dc *dc)
{
	unsigned n = 0;
	for (unsigned i = 0; i < dc->npending; i++)
		n += !i || dc->pending_group[i] != dc->pending_group[i - 1];
	return n;
}

int pcisim_cxl_type3_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of((struct pcisim_pcifn *)c);
	unsigned k;
	for (k = 0; query_names[k] && strcmp(query_names[k], key); k++)
		;
	if (!t || !query_names[k])
		return pcisim_fn_query(c, key, v);
	const uint32_t *cm = t->cregs.cm;
	switch (k) {
	case 0: v->u = t->npoison; break;
	case 1: v->u = t->poison_overflowed; break;
	case 2: v->u = cm[CXL_RAS_UNC_STATUS / 4]; break;
	case 3: v->u = cm[CXL_RAS_COR_STATUS / 4]; break;
	case 4: v->u = cm[CXL_RAS_CAP_CTRL / 4] & CXL_RAS_CAP_CTRL_FEP; break;
	case 5: v->u = t->dregs[CXL_DEV_STATUS_OFFSET]; break;
	case 6: case 7: case 8: case 9: case 10: v->u = t->logs[k - 6].n; break;
	case 11: v->u = t->dc.nregions; break;
	case 12: v->u = t->dc.naccepted; break;
	case 13:
		v->u = 0;
		for (unsigned i = 0; i < t->dc.naccepted; i++)
			v->u += t->dc.accepted[i].len;
		break;
	case 14: v->u = t->dc.npending; break;
	default: v->u = pending_groups(&t->dc); break;
	}
	return 0;
}

const char *const *pcisim_cxl_type3_query_keys(void)
{
	static const char **keys;
	if (keys)
		return keys;
	const char *const *regs = pcisim_regdesc_names();
	size_t n = 0, m = 0;
	while (regs[n])
		n++;
	while (query_names[m])
		m++;
	keys = pcisim_calloc(n + m + 1, sizeof(*keys));
	if (!keys)
		abort();
	memcpy(keys, query_names, m * sizeof(*keys));
	memcpy(keys + m, regs, n * sizeof(*keys));
	return keys;
}

/* ---- the register blocks' life: realize and reset ---- */

static int comp_kind(const struct pcisim_pcifn *fn)
{
	const char *n = fn->drv->name;
	if (!strcmp(n, "cxl-rp") || !strcmp(n, "pxb-cxl"))
		return PCISIM_CXL_COMP_ROOT_PORT;
	if (!strcmp(n, "cxl-upstream"))
		return PCISIM_CXL_COMP_UPSTREAM_PORT;
	if (!strcmp(n, "cxl-downstream"))
		return PCISIM_CXL_COMP_DOWNSTREAM_PORT;
	if (!strcmp(n, "cxl-type3"))
		return PCISIM_CXL_COMP_TYPE3;
	if (!strcmp(n, "cxl-type1"))
		return PCISIM_CXL_COMP_TYPE1;
	return -1;
}

static uint64_t backend(struct pcisim_pcifn *fn, const char *prop)
{
	const char *id = pcisim_props_str(&fn->props, prop, NULL);
	const struct pcisim_membackend *b = id ? pcisim_machine_backend(&fn->fabric->machine, id) : NULL;
	return b ? b->size : 0;
}

static void regs_reset(struct pcisim_pcifn *fn)
{
	struct pcisim_cxl_swcci *sw = pcisim_cxl_swcci_of(fn);
	if (sw) {
		pcisim_cxl_swcci_init(sw); /* cswmbcci_reset() */
		return;
	}
	int kind = comp_kind(fn);
	unsigned compat = fn->fabric->machine.compat;
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	if (kind < 0)
		return;
	struct pcisim_cxl_cregs *r;
	if (t) {
		t->compat = compat;
		r = &t->cregs;
	} else if (kind == PCISIM_CXL_COMP_DOWNSTREAM_PORT || !strcmp(fn->drv->name, "cxl-rp")) {
		r = &((struct pcisim_cxl_slot_port *)fn)->cregs;
	} else {
		r = &((struct pcisim_cxl_port *)fn)->cregs;
	}
	pcisim_cxl_cregs_init(r, kind, compat);
	if (t) {
		t->nras_errs = 0;
		pcisim_cxl_dregs_init(t);
	}
	uint16_t exp = pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_EXP);
	r->port_number = exp ? (uint8_t)(pcisim_cfg_get32(&fn->cfg, (uint16_t)(exp + PCI_EXP_LNKCAP)) >> 24) : 0;
}

/* The register blocks as the CPU reaches them through the BARs (sim/pcie/mmio.h). */
static uint64_t component_mmio_read(void *ctx, uint64_t off, unsigned len)
{
	return pcisim_cxl_component_read(ctx, off, len);
}

static void component_mmio_write(void *ctx, uint64_t off, uint64_t val, unsigned len)
{
	pcisim_cxl_component_write(ctx, off, len, val);
}

static uint64_t device_mmio_read(void *ctx, uint64_t off, unsigned len)
{
	return pcisim_cxl_device_read(ctx, off, len);
}

static void device_mmio_write(void *ctx, uint64_t off, uint64_t val, unsigned len)
{
	pcisim_cxl_device_write(ctx, off, len, val);
}

static const struct pcisim_mmio_ops component_mmio = {"cxl-component", component_mmio_read,
							 component_mmio_write};
static const struct pcisim_mmio_ops device_mmio = {"cxl-device", device_mmio_read, device_mmio_write};

static int regs_realized(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	/* the component block in BAR 0 (a host bridge's is its CHBS, not a BAR), the device block in BAR 2 */
	if (comp_kind(fn) >= 0 && strcmp(fn->drv->name, "pxb-cxl"))
		pcisim_mmio_register(fn, 0, &component_mmio, fn);
	if (!strcmp(fn->drv->name, "cxl-type3"))
		pcisim_mmio_register(fn, 2, &device_mmio, fn);
	if (pcisim_cxl_swcci_of(fn))
		pcisim_mmio_register(fn, 0, &device_mmio, fn); /* the switch mailbox CCI's block */
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	regs_reset(fn);
	static const char *const vec[PCISIM_CXL_MSIX_VECTORS] = {"msix0", "msix1", "msix2", "msix3",
								 "msix4", "msix5", "msix6", "msix7"};
	for (unsigned i = 0; t && i < PCISIM_CXL_MSIX_VECTORS; i++)
		pcisim_irq_init(&t->msix[i], &fn->comp, vec[i]);
	if (t && !strcmp(fn->drv->name, "cxl-type3")) {
		t->vmem = backend(fn, "volatile-memdev");
		t->pmem = backend(fn, "persistent-memdev") + backend(fn, "memdev");
		t->lsa_size = backend(fn, "lsa");
		/* ct3_build_cdat_table(): the DC regions' DSMAS handles follow the static memory's */
		uint32_t handle = (t->vmem ? 1u : 0u) + (t->pmem ? 1u : 0u);
		unsigned nregions = (unsigned)pcisim_props_u64(&fn->props, "num-dc-regions", 0);
		uint64_t dc_size = backend(fn, "volatile-dc-memdev");
		char err[160];
		/* a backend no -object declares has no known size: no regions to build */
		if (pcisim_cxl_dc_init(&t->dc, dc_size ? nregions : 0, dc_size, t->vmem + t->pmem, handle, err,
				       sizeof(err)))
			return pcisim_diag_error(d, fn->props.loc, "cxl-type3: %s", err);
	}
	return 0;
}

static void regs_hook_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind)
{
	regs_reset(fn);
}

void pcisim_cxl_as_realized(struct pcisim_pcifn *fn)
{
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(fn);
	regs_reset(fn);
	if (!t)
		return;
	/* what lives only in the device model starts empty on a fresh device; the memory
	 * and LSA backends are RAM (migrated) and keep their bytes */
	memset(t->poison, 0, sizeof(t->poison));
	t->npoison = 0;
	t->poison_overflowed = false;
	t->poison_overflow_ts = 0;
	pcisim_cxl_scan_media_free(t);
	memset(t->logs, 0, sizeof(t->logs));
	memset(&t->ts, 0, sizeof(t->ts));
	t->aer_injected = 0;
	pcisim_cxl_dc_clear(&t->dc);
}

static const struct pcisim_fabric_hooks cxl_regs_hooks = {
	.name = "cxl-regs",
	.realized = regs_realized,
	.reset = regs_hook_reset,
	.fn_reset = regs_hook_reset,
};

void pcisim_cxl_regs_register(void)
{
	pcisim_fabric_hooks_add(&cxl_regs_hooks);
}
