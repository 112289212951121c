/*
 * The register and memory state behind the CXL models' config space: what QEMU keeps
 * in CXLComponentState (component registers), CXLDeviceState and CXLCCI (device
 * registers, mailbox) and CXLType3Dev (memory, LSA, poison, event logs, RAS error
 * queue). sim/cxl's own files share it; other layers use regs.h, hdm.h and memdev.h.
 *
 * A model that has component registers embeds struct pcisim_pcifn first (its driver's
 * .size) and then struct pcisim_cxl_cregs: cxl-upstream and pxb-cxl are struct
 * pcisim_cxl_port, cxl-rp and cxl-downstream struct pcisim_cxl_slot_port (a struct
 * pcisim_port first), cxl-type3 and cxl-type1 struct pcisim_cxl_type3.
 * pcisim_cxl_cregs_of() and pcisim_cxl_type3_of() find them from a function.
 */
#ifndef PCISIM_CXL_CXL_STATE_H
#define PCISIM_CXL_CXL_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/cxl/dcd.h"
#include "sim/cxl/memdev.h"
#include "sim/cxl/regs.h"
#include "sim/pcie/fabric.h"
#include "sim/core/irq.h"
#include "sim/pcie/port.h"

/* An uncorrectable error queued for the RAS header log (QEMU CXLError). */
struct pcisim_cxl_ras_err {
	uint8_t type; /* RAS Uncorrectable Error Status bit */
	uint32_t header[CXL_RAS_HEADER_DWORDS_QMP];
};
#define PCISIM_CXL_RAS_QUEUE_MAX 64

/* The component register block's CXL.cache/mem area (QEMU ComponentRegisters). */
struct pcisim_cxl_cregs {
	uint32_t cm[PCISIM_CXL_CM_SIZE / 4];
	/* the writable bits: one table per layout, shared and never written (component.c),
	 * so no snapshot copies 8 KB of them per component */
	const uint32_t *wmask;
	unsigned ndecoders;
	bool device;   /* device HDM decoders (DPA skip), not a port's target list */
	bool ras_rw1c; /* RAS status RW1C and the error queue (PCISIM_QEMU_CXL_RAS_INJECT) */
	bool init;
	int kind;            /* enum pcisim_cxl_comp */
	uint8_t port_number; /* Link Capabilities Port Number (decoders' targets name it) */
};

/* cxl-upstream and pxb-cxl */
struct pcisim_cxl_port {
	struct pcisim_pcifn fn;
	struct pcisim_cxl_cregs cregs;
};
/* cxl-rp and cxl-downstream: ports with a slot (sim/pcie/port.h) */
struct pcisim_cxl_slot_port {
	struct pcisim_port port;
	struct pcisim_cxl_cregs cregs;
};

/*
 * Event logs (CXL r3.1 §8.2.9.2): informational, warning, failure, fatal, and the
 * dynamic capacity log (PCISIM_CXL_EVENT_LOG_DCD, dcd.h), which the mailbox serves
 * from QEMU 9.1 on.
 */
enum { PCISIM_CXL_EVENT_LOGS = 4, PCISIM_CXL_EVENT_LOGS_ALL = 5 };
#define PCISIM_CXL_EVENT_LOG_MAX 8 /* QEMU CXL_TEST_EVENT_OVERFLOW: records kept per log */

struct pcisim_cxl_event_log {
	uint8_t recs[PCISIM_CXL_EVENT_LOG_MAX][PCISIM_CXL_EVENT_RECORD]; /* oldest first */
	unsigned n;
	uint16_t next_handle;
	uint16_t overflow_count;
	uint64_t first_overflow_ts, last_overflow_ts;
	bool irq_enabled; /* Set Event Interrupt Policy chose MSI/MSI-X (vector 2 + log) */
};

struct pcisim_cxl_poison {
	uint64_t start, length; /* bytes, 64-byte aligned */
	uint8_t type;           /* 1 external, 2 internal (QMP), 3 injected (mailbox) */
};
#define PCISIM_CXL_POISON_MAX 256 /* QEMU CXL_POISON_LIST_LIMIT */

/* 4 KiB of device memory or LSA, written at least once (reads of others give 0). */
struct pcisim_cxl_page {
	uint64_t key; /* page number; LSA pages have bit 63 set */
	uint8_t *data;
};

/* MSI-X vectors of a type 3 device (QEMU enum CXL_T3_MSIX_VECTOR) */
#define PCISIM_CXL_MSIX_VECTORS 8
#define PCISIM_CXL_MSIX_EVENT(log) (2 + (log)) /* CXL_T3_MSIX_EVENT_START + log */
#define PCISIM_CXL_MSIX_MBOX 7                 /* after the five event logs */

struct pcisim_cxl_type3 {
	struct pcisim_pcifn fn;
	struct pcisim_cxl_cregs cregs;
	/* the uncorrectable errors queued for the RAS header log ([0] is in it): QEMU queues
	 * them on the type 3 device only. Grown as errors are injected, up to
	 * PCISIM_CXL_RAS_QUEUE_MAX: room for all was 8 KB in every snapshot. */
	struct pcisim_cxl_ras_err *ras_errs;
	size_t cap_ras_errs;
	unsigned nras_errs; /* emptied with the component registers (regs_reset) */
	uint8_t dregs[CXL_DEV_BLOCK_SIZE]; /* device register block as the guest reads it */
	unsigned compat;
	uint64_t vmem, pmem, lsa_size; /* bytes */
	struct {
		bool running;
		uint16_t opcode;
		pcisim_time start, runtime;
		pcisim_timer done; /* the completion event */
	} bg;
	struct {
		bool set;
		uint64_t host_set;
		pcisim_time last_set;
	} ts;
	struct pcisim_cxl_poison poison[PCISIM_CXL_POISON_MAX]; /* oldest first */
	unsigned npoison;
	bool poison_overflowed;
	uint64_t poison_overflow_ts;
	/* Scan Media (9.1 on, scan_media.c): QMP injections past the full list, oldest
	 * first; the last scan's records, in the order they are reported */
	struct pcisim_cxl_poison *poison_bkp;
	unsigned npoison_bkp, cap_poison_bkp;
	struct pcisim_cxl_poison *scan_results;
	unsigned nscan_results, cap_scan_results;
	bool scan_hasrun; /* a scan has finished: its results can be read */
	struct pcisim_cxl_event_log logs[PCISIM_CXL_EVENT_LOGS_ALL];
	struct pcisim_cxl_dc dc; /* dynamic capacity (num-dc-regions, dcd.h) */
	struct pcisim_cxl_page *pages; /* sorted by key */
	size_t npages, cappages;
	uint64_t aer_injected; /* AER internal errors raised by CXL RAS injection */
	struct pcisim_irq msix[PCISIM_CXL_MSIX_VECTORS]; /* "msix0".."msix7" */
};

/*
 * cxl-switch-mailbox-cci (QEMU CSWMBCCIDev): the switch's CCI as a PCI function, its
 * device register block (capability array, mailbox) in BAR 0; the commands are its
 * target switch's FM-API set (fmapi.h).
 */
struct pcisim_cxl_swcci {
	struct pcisim_pcifn fn;
	uint8_t dregs[CXL_DEV_BLOCK_SIZE]; /* device register block as the guest reads it */
};

/** @fn as a switch mailbox CCI, or NULL. */
struct pcisim_cxl_swcci *pcisim_cxl_swcci_of(struct pcisim_pcifn *fn);
/** QEMU cxl_device_register_init_swcci(): the block's reset values. */
void pcisim_cxl_swcci_init(struct pcisim_cxl_swcci *sw);
/** The cxl-upstream port target= names, or NULL when it is gone. */
struct pcisim_pcifn *pcisim_cxl_swcci_target(struct pcisim_cxl_swcci *sw);
/** A guest read of @sw's BAR 0 (regs.h's rules for the device block). */
uint64_t pcisim_cxl_swcci_read(struct pcisim_cxl_swcci *sw, uint64_t off, unsigned size);
/** A guest write of @sw's BAR 0: a doorbell runs the command on the target switch. */
void pcisim_cxl_swcci_write(struct pcisim_cxl_swcci *sw, uint64_t off, unsigned size, uint64_t val);

/** The component registers of @fn, or NULL when it has none. */
struct pcisim_cxl_cregs *pcisim_cxl_cregs_of(struct pcisim_pcifn *fn);
/** @fn as a type 3 device, or NULL. */
struct pcisim_cxl_type3 *pcisim_cxl_type3_of(struct pcisim_pcifn *fn);

/**
 * pcisim_cxl_cregs_init() - QEMU cxl_component_register_init_common() for a
 * component of kind @comp (enum pcisim_cxl_comp) on a machine with @compat.
 */
void pcisim_cxl_cregs_init(struct pcisim_cxl_cregs *r, int comp, unsigned compat);
/** QEMU cxl_device_register_init_t3(): the device register block's reset values. */
void pcisim_cxl_dregs_init(struct pcisim_cxl_type3 *t);
/** The sim time of @t (the mailbox's clock). */
pcisim_time pcisim_cxl_now(const struct pcisim_cxl_type3 *t);
/**
 * pcisim_cxl_msix_notify() - QEMU msix_notify(): a message on vector @vec when MSI-X
 * is enabled and not masked as a whole (the vector table's own masks are not modelled).
 */
void pcisim_cxl_msix_notify(struct pcisim_cxl_type3 *t, unsigned vec);
/** The device's timestamp in ns (Set Timestamp's value advanced by sim time; 0 unset). */
uint64_t pcisim_cxl_timestamp(const struct pcisim_cxl_type3 *t);
/**
 * pcisim_cxl_type3_query() - a type 3 device's named state for expectations: poison
 * list count and overflow, RAS status and First Error Pointer, Event Status and the
 * records per log (pcisim_cxl_type3_query_keys()); other keys as every function.
 */
int pcisim_cxl_type3_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v);
const char *const *pcisim_cxl_type3_query_keys(void);
/**
 * pcisim_cxl_bg_update() - QEMU's bg_timercb as of now: a background command's percent
 * complete, and at its end its effect, Status bit 0 cleared and the interrupt.
 */
void pcisim_cxl_bg_update(struct pcisim_cxl_type3 *t);
/** Background Command Status as of now, computed without changing anything. */
uint64_t pcisim_cxl_bg_status(const struct pcisim_cxl_type3 *t);
/** Sanitize's end: the media overwritten with zeros and ready again (memdev.c). */
void pcisim_cxl_sanitize_done(struct pcisim_cxl_type3 *t);
/* ---- Scan Media (scan_media.c; CXL r3.1 §8.2.9.9.4.4-6, QEMU 9.1 on) ---- */

/** Is a Scan Media running on @t? (Get Poison List says so; poison changes are frozen.) */
bool pcisim_cxl_scan_running(const struct pcisim_cxl_type3 *t);
/** Get Scan Media Capabilities (4303h): the estimate in ms for the 16-byte input's range. */
int pcisim_cxl_get_scan_media_caps(struct pcisim_cxl_type3 *t, const uint8_t *in, uint8_t *out, size_t *len_out);
/** Scan Media (4304h): the lists as QEMU updates them at the start; sets t->bg.runtime. */
int pcisim_cxl_scan_media(struct pcisim_cxl_type3 *t, const uint8_t *in);
/** The end of a Scan Media: the overflow cleared when the list holds just the results. */
void pcisim_cxl_scan_media_done(struct pcisim_cxl_type3 *t);
/** Get Scan Media Results (4305h): up to 126 records, consumed; Unsupported before any scan ended. */
int pcisim_cxl_get_scan_media_results(struct pcisim_cxl_type3 *t, uint8_t *out, size_t *len_out);
/** Keep an injected poison range the full list could not take (QMP, 9.1 on). Return: 0 or -1. */
int pcisim_cxl_poison_backup(struct pcisim_cxl_type3 *t, uint64_t start, uint64_t length, uint8_t type);
/** Forget the backup list and the results (their memory freed). */
void pcisim_cxl_scan_media_free(struct pcisim_cxl_type3 *t);

/** The label storage area at @off: -1 past its end (memdev.c). */
int pcisim_cxl_lsa_access(struct pcisim_cxl_type3 *t, uint64_t off, void *buf, size_t len, bool write);
/** Free what a type 3 device allocated (memory pages). */
void pcisim_cxl_type3_free(struct pcisim_cxl_type3 *t);
/**
 * pcisim_cxl_as_realized() - @fn's CXL state as a freshly realized device has it: the
 * component (and device) registers at their reset values and, for a type 3 device, no
 * poison, empty event logs, no timestamp, no DC extents (a migration's destination,
 * where QEMU sends nothing of a CXL function). Memory pages stay.
 */
void pcisim_cxl_as_realized(struct pcisim_pcifn *fn);

static inline uint32_t pcisim_cxl_cm32(const struct pcisim_cxl_cregs *r, unsigned off)
{
	return r->cm[off / 4];
}

#endif
