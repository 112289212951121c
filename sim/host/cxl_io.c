/*
 * Reads of a CXL region's memory by a guest process, as the hot-unplug guide's
 * `dd if=/dev/cxl-mem of=/dev/null bs=1M` does them (action cxl.dd_start, stopped by
 * cxl.dd_stop or by a teardown's first step): every interval one read of @size bytes
 * at the next offset of the region (wrapping), as the CPU's loads: 64-byte lines
 * through the fixed memory window and the committed HDM decoders to a device and DPA
 * (pcisim_cxl_mem_access, the memory path below the CPU; HDM memory is not in the
 * BAR space of sim/pcie/mmio.h). A read completes when every line did.
 *
 * A line that does not decode (the device unplugged, its decoders reset, no
 * committed decoder) fails the read; the first failure of each kind leaves a
 * cxl.io_error record, so a run shows exactly which reads failed and from when. A
 * line in the device's poison list is a machine check on x86: Linux's
 * memory_failure() marks the page hardware-poisoned and kills the reader with SIGBUS
 * (mm/memory-failure.c; cxl_pci's poison handling only traces), which the
 * cxl.memory_failure record and the reader's stop show.
 */
#include <stdio.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/cxl/hdm.h"
#include "sim/cxl/memdev.h"
#include "sim/host/cxl_host.h"
#include "sim/host/host.h"

#define LINE 64

static void io_record(struct pcisim_sim *sim, struct pcisim_comp *who, const struct pcisim_cxlh_io *w,
		      const char *kind, const char *why)
{
	PCISIM_RECORD(sim, who, kind, PCISIM_FS("io", w->name), PCISIM_FU("region", (unsigned)w->region),
		      PCISIM_FU("issued", w->issued), PCISIM_FU("completed", w->completed),
		      PCISIM_FU("failed", w->failed), PCISIM_FS("why", why));
}

static void io_halt(struct pcisim_sim *sim, struct pcisim_cxl_host *c, struct pcisim_cxlh_io *w, const char *why)
{
	if (!w->running)
		return;
	w->running = false;
	pcisim_cancel(sim, &w->next);
	io_record(sim, &c->h->comp, w, "cxl.io_stop", why);
}

void pcisim_cxlh_io_stop_region(struct pcisim_cxl_host *c, int region, const char *why)
{
	for (unsigned i = 0; i < c->nio; i++)
		if (c->io[i].region == region)
			io_halt(c->h->comp.sim, c, &c->io[i], why);
}

/* One read: returns 0, a -PCISIM_CXL_DEC_* failure, or 1 when a line was poisoned. */
static int read_once(struct pcisim_cxl_host *c, struct pcisim_cxlh_io *w, uint64_t *bad_hpa,
		     struct pcisim_cxl_route *route)
{
	const struct pcisim_cxlh_region *r = &c->regions[w->region];
	uint64_t base = r->base + w->cursor;
	w->cursor = (w->cursor + w->size) % r->size;
	return pcisim_cxl_read_lines(c->h->fab, base, w->size, true, route, bad_hpa);
}

static void tick(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(sim);
	struct pcisim_cxlh_io *w = &c->io[ev->a[0]];
	w->next = (pcisim_timer){0, 0};
	if (!w->running)
		return;
	w->issued++;
	uint64_t hpa = 0;
	struct pcisim_cxl_route route;
	memset(&route, 0, sizeof(route));
	int rc = read_once(c, w, &hpa, &route);
	if (rc == 0) {
		w->completed++;
	} else if (rc == 1) {
		/* a machine check: memory_failure() poisons the page, the reader gets SIGBUS */
		w->failed++;
		const char *dev = route.device ? route.device->comp.name : "-";
		PCISIM_RECORD(sim, &c->h->comp, "cxl.memory_failure", PCISIM_FS("io", w->name), PCISIM_FX("hpa", hpa),
			      PCISIM_FS("device", dev), PCISIM_FX("dpa", route.dpa));
		pcisim_log(sim, &c->h->comp, "linux", "Memory failure: %#llx: recovery action for dax page: Recovered",
			   (unsigned long long)(hpa >> 12));
		io_halt(sim, c, w, "SIGBUS");
		return;
	} else {
		w->failed++;
		if (rc != w->last_error) {
			w->last_error = rc;
			PCISIM_RECORD(sim, &c->h->comp, "cxl.io_error", PCISIM_FS("io", w->name), PCISIM_FX("hpa", hpa),
				      PCISIM_FU("read", w->issued), PCISIM_FS("reason", pcisim_cxl_decode_error(rc)));
		}
	}
	w->next = pcisim_schedule(sim, w->interval, PCISIM_CLASS_HOST, ev->kind, &c->h->comp, ev->a[0], 0);
}
PCISIM_EVKIND(tick_kind, "cxl.io.read", tick);

static struct pcisim_cxlh_io *find_io(struct pcisim_cxl_host *c, const char *name)
{
	for (unsigned i = 0; c && i < c->nio; i++)
		if (!strcmp(c->io[i].name, name))
			return &c->io[i];
	return NULL;
}

static int act_dd_start(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(sim);
	struct pcisim_host *h = pcisim_host_of(sim);
	const char *name = pcisim_step_param(s, "name")->s;
	const char *rn = pcisim_step_param(s, "region")->s;
	unsigned id;
	char tail;
	if (!c || sscanf(rn, "region%u%c", &id, &tail) != 1 || id >= c->nregions ||
	    c->regions[id].state == PCISIM_CXLH_REGION_DESTROYED) {
		pcisim_log(sim, h ? &h->comp : NULL, "linux", "dd: %s: no such region", rn);
		return -1;
	}
	struct pcisim_cxlh_io *w = find_io(c, name);
	if (w && w->running) {
		pcisim_log(sim, &h->comp, "linux", "dd: %s is running already", name);
		return -1;
	}
	if (!w) {
		if (c->nio == PCISIM_CXLH_MAX_IO) {
			pcisim_log(sim, &h->comp, "linux", "dd: more than %d readers", PCISIM_CXLH_MAX_IO);
			return -1;
		}
		w = &c->io[c->nio++];
	}
	memset(w, 0, sizeof(*w));
	w->name = name;
	w->region = (int)id;
	uint64_t rate = pcisim_step_param(s, "rate")->set ? pcisim_step_param(s, "rate")->u : 1000;
	w->interval = PCISIM_S / rate;
	w->size = pcisim_step_param(s, "size")->set ? pcisim_step_param(s, "size")->u : 4096;
	w->running = true;
	io_record(sim, &h->comp, w, "cxl.io_start", "started");
	w->next = pcisim_schedule(sim, 0, PCISIM_CLASS_HOST, &tick_kind, &h->comp, (uint64_t)(w - c->io), 0);
	return 0;
}

static int act_dd_stop(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(sim);
	struct pcisim_cxlh_io *w = find_io(c, pcisim_step_param(s, "name")->s);
	if (!w || !w->running)
		return 0; /* already stopped: by a teardown or SIGBUS */
	io_halt(sim, c, w, "stopped");
	return 0;
}

static int check_size(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	(void)sim;
	const struct pcisim_pval *v = pcisim_step_param(s, "size");
	if (v && v->set && v->u % LINE)
		return pcisim_diag_error(d, v->node->loc, "'size': %llu; expected a multiple of 64 bytes (a CPU reads whole lines)",
					 (unsigned long long)v->u);
	return 0;
}

static const struct pcisim_param_def start_params[] = {
	{"name", PCISIM_P_STR, true, "the reader's name (for cxl.dd_stop and the records)", NULL, 0, 0, NULL},
	{"region", PCISIM_P_STR, true, "the region read, regionN", NULL, 0, 0, NULL},
	{"rate", PCISIM_P_INT, false, "reads a second", NULL, 1, 100000, "1000"},
	{"size", PCISIM_P_INT, false, "bytes per read, a multiple of 64", NULL, 64, 1 << 20, "4096"},
	{0},
};
static const struct pcisim_param_def stop_params[] = {
	{"name", PCISIM_P_STR, true, "the reader's name", NULL, 0, 0, NULL},
	{0},
};

const struct pcisim_action_def pcisim_cxl_io_actions[] = {
	{"cxl.dd_start", "a guest process reads a CXL region's memory at a rate (dd if=/dev/dax... of=/dev/null)",
	 start_params, false, check_size, act_dd_start},
	{"cxl.dd_stop", "the reader stops", stop_params, false, NULL, act_dd_stop},
	{0},
};

const struct pcisim_record_kind pcisim_cxl_io_kinds[] = {
	{"cxl.io_start", "a reader of a CXL region started (fields: io, region, issued, completed, failed, why)"},
	{"cxl.io_stop", "a reader stopped: asked to, its region torn down, or SIGBUS (same fields)"},
	{"cxl.io_error", "a read of a CXL region failed for a new reason (fields: io, hpa, read: its number, reason)"},
	{"cxl.memory_failure", "a read hit poisoned memory: memory_failure(), the reader killed (fields: io, hpa, device, dpa)"},
	{0},
};
