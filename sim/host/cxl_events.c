/*
 * cxl_pci's event logs as Linux reads them on their interrupts (drivers/cxl/pci.c
 * cxl_event_config(), cxl_event_irqsetup(), cxl_event_thread(); drivers/cxl/core/mbox.c
 * cxl_mem_get_event_records(), cxl_mem_get_records_log(), cxl_clear_event_record();
 * Linux v6.8 on, and the DCD series for the dynamic capacity log).
 *
 * At the end of probe, when the host asks for it (host: {cxl_event_irq: on}, the
 * firmware granting Linux native CXL error handling; or {cxl_dcd: on} for a device
 * with dynamic capacity):
 *
 *   1. MSI-X on (pci_alloc_irq_vectors).
 *   2. Get Event Interrupt Policy; a log the firmware owns (mode 2) leaves it all to
 *      the firmware (cxl_event_int_is_fw).
 *   3. Set Event Interrupt Policy: MSI/MSI-X for the four logs (native) and, with the
 *      DCD series, the dynamic capacity log as a fifth byte; a device that refuses
 *      five bytes gets four (the series' retry).
 *   4. Get Event Interrupt Policy again: the message number of each log, bits [7:4]
 *      (cxl_event_config_msgnums); a handler is requested on each (cxl_event_req_irq).
 *   5. Every log read once (cxl_mem_get_event_records with all status bits).
 *
 * On a message: the handler is threaded (IRQF_ONESHOT), so the thread runs as an
 * event of its own at the same sim time; it reads Event Status and, while a bit is
 * set, reads and clears the logs in Linux's order: dynamic capacity, fatal, failure,
 * warning, informational. Each log: Get Event Records, each record traced (and, for
 * the dynamic capacity log, handled: cxl_dcd.c), an overflow traced, Clear Event
 * Records with the handles read; again until a Get returns none.
 *
 * QEMU 9.1 answers Get Event Interrupt Policy with the dynamic capacity log's mode
 * only (message number 0: "Dynamic Capacity borrows the same vector as info") while
 * it signals that log on vector 6: Linux's handler sits on vector 0 and the message
 * finds nobody (a cxl.event_irq record with handled: false). The log is read when
 * another log's interrupt runs the thread (it reads every log with a status bit).
 */
#include <stdio.h>
#include <string.h>

#include "sim/cxl/cxl_state.h"
#include "sim/cxl/dcd.h"
#include "sim/cxl/regs.h"
#include "sim/host/cxl_host.h"
#include "sim/host/host.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pci.h"

#define CXL_OP_GET_EVENT_RECORDS 0x0100
#define CXL_OP_CLEAR_EVENT_RECORDS 0x0101
#define CXL_OP_GET_EVENT_INT_POLICY 0x0102
#define CXL_OP_SET_EVENT_INT_POLICY 0x0103
#define CXL_INT_MSI_MSIX 1u
#define CXL_INT_FW 2u
#define EVENT_RECORD 128u
#define GET_EVENT_OVERFLOW 0x1      /* CXL_GET_EVENT_FLAG_OVERFLOW */
#define PAYLOAD 2048u

static const char *const log_names[PCISIM_CXLH_EVENT_LOGS] = {"informational", "warning", "failure", "fatal",
							       "dynamic_capacity"};

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* pci_alloc_irq_vectors(PCI_IRQ_MSIX): MSI-X Enable in the capability's Message Control */
static bool msix_enable(struct pcisim_pcifn *fn)
{
	uint16_t off = (uint16_t)pcisim_host_cfg_read_instant(fn, PCI_CAPABILITY_LIST, 1, PCISIM_INSTANT_BOOT);
	for (unsigned guard = 0; off >= 0x40 && guard < 48; guard++) {
		uint32_t hdr = pcisim_host_cfg_read_instant(fn, off, 2, PCISIM_INSTANT_BOOT);
		if ((hdr & 0xff) == PCI_CAP_ID_MSIX) {
			uint16_t ctl = (uint16_t)pcisim_host_cfg_read_instant(fn, (uint16_t)(off + PCI_MSIX_FLAGS), 2,
									  PCISIM_INSTANT_BOOT);
			pcisim_host_cfg_write_instant(fn, (uint16_t)(off + PCI_MSIX_FLAGS),
						      (ctl | PCI_MSIX_FLAGS_ENABLE) & (uint16_t)~PCI_MSIX_FLAGS_MASKALL, 2,
						      PCISIM_INSTANT_BOOT);
			return true;
		}
		off = (uint16_t)(hdr >> 8);
	}
	return false;
}

/* cxl_mem_get_records_log(): read, trace, handle and clear log @log until it is empty */
static void read_log(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m, unsigned log)
{
	struct pcisim_sim *sim = m->fn->comp.sim;
	uint8_t out[PAYLOAD]; /* Linux's mds->event.buf */
	for (unsigned guard = 0; guard < 64; guard++) {
		uint8_t in = (uint8_t)log;
		unsigned n = 0;
		memset(out, 0, sizeof(out));
		int rc = pcisim_cxlh_mbox(c, m, CXL_OP_GET_EVENT_RECORDS, &in, 1, out, sizeof(out), &n);
		if (rc != 0 || n < 0x20) {
			pcisim_log(sim, &m->fn->comp, "linux", "cxl_pci %s: Event log '%u': Failed to query event records : %d",
				   m->bdf, log, rc);
			return;
		}
		unsigned nr = (unsigned)le(out + 20, 2);
		if (0x20 + nr * EVENT_RECORD > n)
			nr = (n - 0x20) / EVENT_RECORD;
		if (!nr)
			return;
		uint8_t clr[6 + 2 * 16] = {(uint8_t)log, 0, 0};
		for (unsigned i = 0; i < nr; i++) {
			const uint8_t *rec = out + 0x20 + i * EVENT_RECORD;
			unsigned handle = (unsigned)le(rec + 0x14, 2);
			PCISIM_RECORD(sim, &m->fn->comp, "cxl.event_record", PCISIM_FU("memdev", m->id),
				      PCISIM_FS("log", log_names[log]), PCISIM_FU("handle", handle));
			if (log == PCISIM_CXL_EVENT_LOG_DCD)
				pcisim_cxlh_dc_event(c, m, rec);
			if (i < 16) {
				clr[6 + 2 * i] = (uint8_t)handle;
				clr[7 + 2 * i] = (uint8_t)(handle >> 8);
				clr[2] = (uint8_t)(i + 1);
			}
		}
		if (out[0] & GET_EVENT_OVERFLOW)
			PCISIM_RECORD(sim, &m->fn->comp, "cxl.event_overflow", PCISIM_FU("memdev", m->id),
				      PCISIM_FS("log", log_names[log]), PCISIM_FU("count", le(out + 2, 2)));
		unsigned dummy = 0;
		rc = pcisim_cxlh_mbox(c, m, CXL_OP_CLEAR_EVENT_RECORDS, clr, 6 + 2u * clr[2], NULL, 0, &dummy);
		if (rc != 0) {
			pcisim_log(sim, &m->fn->comp, "linux", "cxl_pci %s: Event log '%u': Failed to clear events : %d",
				   m->bdf, log, rc);
			return;
		}
	}
}

/* cxl_mem_get_event_records(): the logs whose bit is set in @status, in Linux's order */
static void read_logs(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m, uint32_t status)
{
	static const unsigned order[] = {PCISIM_CXL_EVENT_LOG_DCD, 3, 2, 1, 0};
	for (unsigned i = 0; i < 5; i++) {
		unsigned log = order[i];
		if (log == PCISIM_CXL_EVENT_LOG_DCD && !m->dcd)
			continue;
		if (status & (1u << log))
			read_log(c, m, log);
	}
}

static uint32_t status_mask(const struct pcisim_cxlh_memdev *m)
{
	return 0xfu | (m->dcd ? 1u << PCISIM_CXL_EVENT_LOG_DCD : 0u); /* CXLDEV_EVENT_STATUS_ALL */
}

/* cxl_event_thread(): while Event Status shows records, read the logs it names */
static void event_thread(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(sim);
	if (!c || ev->a[0] >= c->nmemdevs)
		return;
	struct pcisim_cxlh_memdev *m = c->memdevs[ev->a[0]];
	m->event_thread_queued = false;
	if (m->removed || m->fn->comp.removed)
		return;
	for (unsigned guard = 0; guard < 16; guard++) {
		uint32_t status = (uint32_t)pcisim_cxlh_dev_read(m, CXL_DEV_STATUS_OFFSET, 4);
		if (status == 0xffffffffu) /* the device is gone */
			return;
		status &= status_mask(m);
		if (!status)
			return;
		read_logs(c, m, status);
	}
}
PCISIM_EVKIND(event_thread_kind, "cxl.event.thread", event_thread);

/* The hard handler: which memdev and vector, whether Linux requested it, the thread woken. */
static void event_irq(struct pcisim_irq *irq, void *ctx, int level, bool edge)
{
	(void)level;
	(void)edge;
	struct pcisim_cxl_host *c = ctx;
	for (unsigned i = 0; i < c->nmemdevs; i++) {
		struct pcisim_cxlh_memdev *m = c->memdevs[i];
		struct pcisim_cxl_type3 *t = m->events_irq && !m->removed ? pcisim_cxl_type3_of(m->fn) : NULL;
		if (!t || irq < t->msix || irq >= t->msix + PCISIM_CXL_MSIX_VECTORS)
			continue;
		int vec = (int)(irq - t->msix);
		bool handled = false;
		for (unsigned l = 0; l < PCISIM_CXLH_EVENT_LOGS; l++)
			handled |= m->event_msgnum[l] == vec;
		struct pcisim_sim *sim = m->fn->comp.sim;
		PCISIM_RECORD(sim, &m->fn->comp, "cxl.event_irq", PCISIM_FU("memdev", m->id), PCISIM_FU("vector", vec),
			      PCISIM_FB("handled", handled));
		if (handled && !m->event_thread_queued) {
			m->event_thread_queued = true;
			pcisim_schedule(sim, 0, PCISIM_CLASS_HOST, &event_thread_kind, &c->h->comp, i, 0);
		}
		return;
	}
}

void pcisim_cxlh_events_config(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m)
{
	struct pcisim_sim *sim = m->fn->comp.sim;
	struct pcisim_cxl_type3 *t = pcisim_cxl_type3_of(m->fn);
	bool native = c->h->cfg.cxl_event_irq;
	if (!t || !msix_enable(m->fn)) {
		pcisim_log(sim, &m->fn->comp, "linux", "cxl_pci %s: Failed to alloc irq vectors", m->bdf);
		return;
	}
	uint8_t pol[8] = {0};
	unsigned n = 0;
	if (pcisim_cxlh_mbox(c, m, CXL_OP_GET_EVENT_INT_POLICY, NULL, 0, pol, sizeof(pol), &n) != 0) {
		pcisim_log(sim, &m->fn->comp, "linux", "cxl_pci %s: Failed to get event interrupt policy", m->bdf);
		return;
	}
	for (unsigned l = 0; l < 4; l++)
		if ((pol[l] & 3) == CXL_INT_FW) {
			pcisim_log(sim, &m->fn->comp, "linux", "cxl_pci %s: FW still in control of Event Logs despite _OSC settings",
				   m->bdf);
			return;
		}
	/* cxl_event_config_msgnums(): ask for MSI/MSI-X, read the message numbers back */
	uint8_t set[5] = {0};
	for (unsigned l = 0; l < 4; l++)
		set[l] = native ? CXL_INT_MSI_MSIX : 0;
	set[4] = m->dcd ? CXL_INT_MSI_MSIX : 0;
	unsigned len = c->h->cfg.cxl_dcd ? 5 : 4;
	int rc = pcisim_cxlh_mbox(c, m, CXL_OP_SET_EVENT_INT_POLICY, set, len, NULL, 0, &n);
	if (rc != 0 && len == 5) /* a device without the fifth byte: again without it */
		rc = pcisim_cxlh_mbox(c, m, CXL_OP_SET_EVENT_INT_POLICY, set, 4, NULL, 0, &n);
	memset(pol, 0, sizeof(pol));
	if (rc != 0 || pcisim_cxlh_mbox(c, m, CXL_OP_GET_EVENT_INT_POLICY, NULL, 0, pol, sizeof(pol), &n) != 0) {
		pcisim_log(sim, &m->fn->comp, "linux", "cxl_pci %s: Failed to set event interrupt policy : %d", m->bdf, rc);
		return;
	}
	/* cxl_event_irqsetup() (native) and the DCD log's handler: cxl_event_req_irq() per setting */
	char desc[96];
	size_t at = 0;
	desc[0] = 0;
	for (unsigned l = 0; l < PCISIM_CXLH_EVENT_LOGS; l++) {
		bool want = l == PCISIM_CXL_EVENT_LOG_DCD ? m->dcd : native;
		m->event_msgnum[l] = want && (pol[l] & 3) == CXL_INT_MSI_MSIX ? pol[l] >> 4 : -1;
		if (want)
			at += (size_t)snprintf(desc + at, sizeof(desc) - at, "%s%s=%d", at ? " " : "", log_names[l],
					       m->event_msgnum[l]);
	}
	m->events_irq = true;
	for (unsigned v = 0; v < PCISIM_CXL_MSIX_VECTORS; v++)
		pcisim_irq_connect(&t->msix[v], event_irq, c);
	PCISIM_RECORD(sim, &m->fn->comp, "cxl.event_config", PCISIM_FU("memdev", m->id), PCISIM_FS("vectors", desc));
	/* the records that came before the handlers */
	read_logs(c, m, status_mask(m));
}

const struct pcisim_record_kind pcisim_cxl_events_kinds[] = {
	{"cxl.event_config", "cxl_event_config(): the event interrupts set up (fields: memdev, vectors: log=message number, -1 none)"},
	{"cxl.event_irq", "an MSI-X message of a memdev reached Linux (fields: memdev, vector, handled: a handler was requested on it)"},
	{"cxl.event_record", "Linux read an event record (fields: memdev, log, handle)"},
	{"cxl.event_overflow", "Get Event Records reported an overflow (fields: memdev, log, count)"},
	{0},
};
