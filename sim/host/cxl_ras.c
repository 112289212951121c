/*
 * cxl_pci's error handling (drivers/cxl/pci.c, drivers/cxl/core/pci.c; core/ras.c in
 * later kernels), for a memdev the CXL host model probed:
 *
 *  - at probe, cxl_pci_ras_unmask(): where Device Control enables Unsupported Request
 *    reporting, every RAS uncorrectable error is unmasked except the 256B-flit only
 *    one (bit 8) on a device without 256B flits; where it enables Correctable Error
 *    reporting, every RAS correctable error.
 *  - error_detected (cxl_error_detected): with cxl_mem bound, the RAS capability is
 *    read (cxl_handle_ras: Uncorrectable Error Status; with more than one bit the
 *    First Error Pointer names the first; the status written back to clear it). Then
 *    a normal channel votes CAN_RECOVER, or NEED_RESET after releasing cxl_mem when
 *    the RAS showed an uncorrectable error; a frozen one logs "frozen state error
 *    detected, disable CXL.mem", releases cxl_mem and votes NEED_RESET. Releasing
 *    cxl_mem tears the memdev's regions down (cxl_region.c). Without cxl_mem bound:
 *    "memdev disabled, abort error handling", DISCONNECT.
 *  - slot_reset (cxl_slot_reset): "restart CXL.mem after slot reset", cxl_mem bound
 *    again (its endpoint and decoders enumerated anew; regions are not remade),
 *    RECOVERED.
 *  - resume (cxl_error_resume): "error resume successful" (or "failed" when cxl_mem
 *    is not bound).
 *  - cor_error_detected (cxl_cor_error_detected): the RAS Correctable Error Status
 *    read, logged and cleared.
 * A device reached through these handlers is read through the BARs as at probe; a
 * device that is gone reads all ones, and Linux sees that too.
 */
#include <stdio.h>
#include <string.h>

#include "sim/cxl/regs.h"
#include "sim/host/aer_recovery.h"
#include "sim/host/cfg.h"
#include "sim/host/cxl_host.h"
#include "sim/host/host.h"
#include "sim/pcie/cfgspace.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

#define RAS(off) (PCISIM_CXL_CM_OFFSET + (off))
#define RAS_UNC_F256B 0x100u /* CXL_RAS_UNCORRECTABLE_MASK_F256B_MASK */

static int memdev_of(struct pcisim_cxl_host *c, const struct pcisim_pcifn *fn)
{
	for (unsigned i = 0; c && i < c->nmemdevs; i++)
		if (c->memdevs[i]->fn == fn && !c->memdevs[i]->removed)
			return (int)i;
	return -1;
}

static struct pcisim_cxlh_port *endpoint_of(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m)
{
	return m->endpoint >= 0 ? &c->ports[m->endpoint] : NULL;
}

void pcisim_cxlh_ras_unmask(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m, enum pcisim_host_instant why)
{
	struct pcisim_cxlh_port *ep = endpoint_of(c, m);
	uint16_t exp = pcisim_cfg_find_cap(&m->fn->cfg, PCI_CAP_ID_EXP); /* dev->pcie_cap (cached) */
	if (!ep || !exp)
		return;
	uint16_t devctl = (uint16_t)pcisim_host_cfg_read_instant(m->fn, (uint16_t)(exp + PCI_EXP_DEVCTL), 2,
								 why);
	if (devctl & PCI_EXP_DEVCTL_URRE) {
		uint32_t v = pcisim_cxlh_comp_read(c, ep, RAS(CXL_RAS_UNC_MASK));
		pcisim_cxlh_comp_write(c, ep, RAS(CXL_RAS_UNC_MASK), v & ~(CXL_RAS_UNC_BITS & ~RAS_UNC_F256B));
	}
	if (devctl & PCI_EXP_DEVCTL_CERE) {
		uint32_t v = pcisim_cxlh_comp_read(c, ep, RAS(CXL_RAS_COR_MASK));
		pcisim_cxlh_comp_write(c, ep, RAS(CXL_RAS_COR_MASK), v & ~(uint32_t)CXL_RAS_COR_BITS);
	}
}

/* cxl_handle_ras(): whether the RAS showed an uncorrectable error (logged and cleared). */
static bool handle_ras(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m, struct pcisim_comp *logc)
{
	struct pcisim_cxlh_port *ep = endpoint_of(c, m);
	if (!ep)
		return false;
	uint32_t st = pcisim_cxlh_comp_read(c, ep, RAS(CXL_RAS_UNC_STATUS));
	if (st == 0xffffffffu || !(st & CXL_RAS_UNC_BITS))
		return false;
	st &= CXL_RAS_UNC_BITS;
	uint32_t fe = st;
	if (__builtin_popcount(st) > 1)
		fe = 1u << (pcisim_cxlh_comp_read(c, ep, RAS(CXL_RAS_CAP_CTRL)) & CXL_RAS_CAP_CTRL_FEP);
	uint32_t hdr0 = pcisim_cxlh_comp_read(c, ep, RAS(CXL_RAS_HEADER_LOG));
	pcisim_aer_dev_log(m->fn, logc, "cxl_aer_uncorrectable_error: memdev=mem%u status=%#x first_error=%#x header_log[0]=%#x",
			   m->id, st, fe, hdr0);
	pcisim_cxlh_comp_write(c, ep, RAS(CXL_RAS_UNC_STATUS), st);
	return true;
}

enum pcisim_ers pcisim_cxl_host_aer_cb(struct pcisim_host *h, struct pcisim_pcifn *dev, enum pcisim_aer_cb cb,
				       bool frozen, struct pcisim_comp *logc)
{
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(h->comp.sim);
	int i = memdev_of(c, dev);
	if (i < 0)
		return PCISIM_ERS_ABSENT;
	struct pcisim_cxlh_memdev *m = c->memdevs[i];
	switch (cb) {
	case PCISIM_AER_CB_DETECTED: {
		if (m->detached) {
			pcisim_aer_dev_log(dev, logc, "mem%u: memdev disabled, abort error handling", m->id);
			return PCISIM_ERS_DISCONNECT;
		}
		bool ue = handle_ras(c, m, logc);
		if (frozen) {
			pcisim_aer_dev_log(dev, logc, "mem%u: frozen state error detected, disable CXL.mem", m->id);
			pcisim_cxlh_memdev_detach(c, (unsigned)i, "error_detected: frozen");
			return PCISIM_ERS_NEED_RESET;
		}
		if (ue) {
			pcisim_cxlh_memdev_detach(c, (unsigned)i, "error_detected: uncorrectable RAS error");
			return PCISIM_ERS_NEED_RESET;
		}
		return PCISIM_ERS_CAN_RECOVER;
	}
	case PCISIM_AER_CB_MMIO:
		return PCISIM_ERS_ABSENT; /* cxl_pci has no mmio_enabled */
	case PCISIM_AER_CB_SLOT_RESET:
		pcisim_aer_dev_log(dev, logc, "mem%u: restart CXL.mem after slot reset", m->id);
		if (m->detached && m->endpoint >= 0) {
			/* device_attach(): cxl_mem probes again, the endpoint's decoders read anew */
			pcisim_cxlh_reattach(c, m);
		}
		return m->detached ? PCISIM_ERS_DISCONNECT : PCISIM_ERS_RECOVERED;
	case PCISIM_AER_CB_RESUME:
		pcisim_aer_dev_log(dev, logc, "mem%u: error resume %s", m->id, m->detached ? "failed" : "successful");
		return PCISIM_ERS_RECOVERED;
	}
	return PCISIM_ERS_ABSENT;
}

bool pcisim_cxl_host_cor_error(struct pcisim_host *h, struct pcisim_pcifn *dev, struct pcisim_comp *logc)
{
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(h->comp.sim);
	int i = memdev_of(c, dev);
	if (i < 0)
		return false;
	struct pcisim_cxlh_memdev *m = c->memdevs[i];
	struct pcisim_cxlh_port *ep = endpoint_of(c, m);
	uint32_t st = ep && !m->detached ? pcisim_cxlh_comp_read(c, ep, RAS(CXL_RAS_COR_STATUS)) : 0;
	if (st != 0xffffffffu && (st & CXL_RAS_COR_BITS)) {
		st &= CXL_RAS_COR_BITS;
		pcisim_aer_dev_log(dev, logc, "cxl_aer_correctable_error: memdev=mem%u status=%#x", m->id, st);
		pcisim_cxlh_comp_write(c, ep, RAS(CXL_RAS_COR_STATUS), st);
	}
	return true;
}
