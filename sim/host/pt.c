/*
 * Procedures of the host's threads built on their routed config accesses (pt.h):
 * Linux's pci_dev_wait(), polling a function after a reset until it answers.
 */
#include "sim/host/pt.h"

#include <string.h>

#include "sim/core/trace.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

/* ---- pci_dev_wait() ---- */

/*
 * Linux's root->config_rrs_sv: Root Control CRS SV of the root port above @fn, which
 * Linux set at boot where the port offers it (host.c).
 */
static bool rrs_sv(struct pcisim_pcifn *fn)
{
	while (fn->bus && !fn->bus->is_root && fn->bus->bridge)
		fn = fn->bus->bridge;
	if (fn->drv->kind != PCISIM_FN_ROOT_PORT || !pcisim_is_port(fn))
		return false;
	const struct pcisim_port *p = pcisim_to_port(fn);
	return p->exp && (pcisim_host_cfg_read_instant(fn, (uint16_t)(p->exp + PCI_EXP_RTCTL), 2,
							PCISIM_INSTANT_CACHED) &
			  PCI_EXP_RTCTL_CRSSVE);
}

static void dev_log(struct pcisim_host_dev_wait *w, const char *what)
{
	char bdf[32];
	pcisim_fn_bdf_str(w->fn, bdf, sizeof(bdf));
	pcisim_log(w->acc->sim, &w->fn->comp, "linux", "pci %s: %s %ums after %s%s", bdf,
		   what, w->delay - 1, w->reset_type,
		   !strcmp(what, "ready") ? "" : w->delay > w->timeout_ms ? "; giving up" : "; waiting");
}

/* pci_dev_wait() (drivers/pci/pci.c) */
int pcisim_host_dev_wait(struct pcisim_host_dev_wait *w)
{
	struct pcisim_pt *pt = &w->pt;
	struct pcisim_host_cfg *a = w->acc;
	PT_BEGIN(pt);
	w->delay = 1;
	w->reads = 0;
	for (;;) {
		if (w->fn->comp.removed) { /* pci_dev_is_disconnected(): not waiting */
			w->ret = -1;
			PT_EXIT(pt);
		}
		w->reads++;
		if (rrs_sv(w->fn)) {
			PT_CFG_READ(pt, a, w->fn->bus->number, w->fn->devfn, PCI_VENDOR_ID, 4);
			if ((a->val & 0xffff) != 0x0001)
				break;
		} else {
			PT_CFG_READ(pt, a, w->fn->bus->number, w->fn->devfn, PCI_COMMAND, 4);
			if (a->val != 0xffffffffu)
				break;
		}
		if (w->delay > w->timeout_ms) {
			dev_log(w, "not ready");
			w->ret = -1;
			PT_EXIT(pt);
		}
		if (w->delay > PCISIM_HOST_RESET_WAIT_MS)
			dev_log(w, "not ready");
		PT_HOST_SLEEP(pt, a, (pcisim_time)w->delay * PCISIM_MS);
		w->delay *= 2;
	}
	if (w->delay > PCISIM_HOST_RESET_WAIT_MS)
		dev_log(w, "ready");
	w->ret = 0;
	PT_END(pt);
}
