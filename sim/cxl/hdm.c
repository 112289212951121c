/*
 * HPA -> DPA decoding through fixed memory windows, host bridge, switch and device
 * HDM decoders (hdm.h), on the decoders' register values (component.c).
 *
 * Facts, from QEMU's hw/cxl/cxl-host.c and hw/mem/cxl_type3.c:
 *  - cxl_cfmws_find_device(): the window's host bridge is target (offset in the
 *    window / granularity) % targets; a host bridge with one root port and no
 *    hdm_for_passthrough passes through (8.0 on), else its decoders pick the root
 *    port by Port Number; below the root port devices[0] is the type 3 device, or a
 *    switch upstream port whose decoders pick the downstream port (one level only);
 *  - cxl_hdm_find_target(): the first committed decoder whose [base, base + size)
 *    holds the HPA; target = (HPA / granularity) % ways, byte of the target list;
 *  - cxl_type3_dpa(): decoders in order, each adding its DPA skip, and the size
 *    divided by its ways to the DPA base when it does not hold the HPA.
 * QEMU's port decoders take the index modulo 1 << IW, which for the 3/6/12-way
 * encodings is not the ways; pcisim takes it modulo the ways (the specification's
 * rule) and only eight targets exist in a target list.
 */
#include <string.h>

#include "sim/cxl/cxl_state.h"
#include "sim/cxl/fmw.h"
#include "sim/cxl/hdm.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

#define CXL_FMW_ALIGN (256ull << 20)

unsigned pcisim_cxl_ways_dec(unsigned iw)
{
	if (iw <= 4)
		return 1u << iw;
	if (iw >= 8 && iw <= 10)
		return 3u << (iw - 8);
	return 0;
}

int pcisim_cxl_ways_enc(unsigned ways)
{
	for (unsigned iw = 0; iw <= 10; iw++)
		if (pcisim_cxl_ways_dec(iw) == ways)
			return (int)iw;
	return -1;
}

int pcisim_cxl_ig_enc(uint64_t bytes)
{
	for (int ig = 0; ig <= 6; ig++)
		if (pcisim_cxl_ig_bytes((unsigned)ig) == bytes)
			return ig;
	return -1;
}

uint64_t pcisim_cxl_dpa_offset(uint64_t off, unsigned ig, unsigned iw)
{
	uint64_t low = (1ull << (8 + ig)) - 1;
	if (iw < 8)
		return (off & low) | ((off >> iw) & ~low);
	return (off & low) | (((off >> (ig + iw)) / 3) << (ig + 8));
}

uint64_t pcisim_cxl_fmw_base(const struct pcisim_machine *m, unsigned index)
{
	uint64_t base = PCISIM_CXL_FMW_START;
	for (unsigned i = 0; i < index && i < m->ncxl_fmw; i++)
		base = (base + m->cxl_fmw[i].size + CXL_FMW_ALIGN - 1) & ~(CXL_FMW_ALIGN - 1);
	return base;
}

static uint64_t dec_reg64(const struct pcisim_cxl_cregs *r, unsigned i, unsigned lo)
{
	unsigned d = CXL_HDM_DEC(i) / 4 + lo / 4;
	return (uint64_t)(r->cm[d] & 0xf0000000u) | (uint64_t)r->cm[d + 1] << 32;
}

/* cxl_hdm_find_target(): the port number a port's decoders send @hpa to */
static bool port_target(const struct pcisim_cxl_cregs *r, uint64_t hpa, uint8_t *pn)
{
	for (unsigned i = 0; i < r->ndecoders; i++) {
		uint32_t ctrl = r->cm[(CXL_HDM_DEC(i) + CXL_HDM_CTRL) / 4];
		if (!(ctrl & CXL_HDM_CTRL_COMMITTED))
			continue;
		uint64_t base = dec_reg64(r, i, CXL_HDM_BASE_LO), size = dec_reg64(r, i, CXL_HDM_SIZE_LO);
		if (hpa < base || hpa - base >= size)
			continue;
		unsigned ways = pcisim_cxl_ways_dec((ctrl & CXL_HDM_CTRL_IW) >> 4);
		if (!ways)
			return false;
		unsigned idx = pcisim_cxl_target_index(hpa, ctrl & CXL_HDM_CTRL_IG, ways);
		if (idx >= 8)
			return false;
		uint32_t w = r->cm[(CXL_HDM_DEC(i) + (idx < 4 ? CXL_HDM_TARGET_LO : CXL_HDM_TARGET_HI)) / 4];
		*pn = (uint8_t)(w >> (8 * (idx & 3)));
		return true;
	}
	return false;
}

/* cxl_type3_dpa() */
static bool device_dpa(const struct pcisim_cxl_cregs *r, uint64_t hpa, uint64_t *dpa)
{
	uint64_t dpa_base = 0;
	for (unsigned i = 0; i < r->ndecoders; i++) {
		uint32_t ctrl = r->cm[(CXL_HDM_DEC(i) + CXL_HDM_CTRL) / 4];
		unsigned ig = ctrl & CXL_HDM_CTRL_IG, iw = (ctrl & CXL_HDM_CTRL_IW) >> 4;
		unsigned ways = pcisim_cxl_ways_dec(iw);
		uint64_t base = dec_reg64(r, i, CXL_HDM_BASE_LO), size = dec_reg64(r, i, CXL_HDM_SIZE_LO);
		dpa_base += dec_reg64(r, i, CXL_HDM_TARGET_LO);
		if (!ways)
			return false;
		if (hpa < base || hpa - base >= size) {
			dpa_base += size / ways;
			continue;
		}
		*dpa = dpa_base + pcisim_cxl_dpa_offset(hpa - base, ig, iw);
		return true;
	}
	return false;
}

static uint8_t port_number(struct pcisim_pcifn *fn)
{
	uint16_t exp = pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_EXP);
	return exp ? (uint8_t)(pcisim_cfg_get32(&fn->cfg, (uint16_t)(exp + PCI_EXP_LNKCAP)) >> 24) : 0;
}

static struct pcisim_pcifn *port_by_pn(struct pcisim_pcibus *bus, uint8_t pn)
{
	for (uint16_t i = 0; bus && i < bus->nfns; i++)
		if (!bus->fns[i]->comp.removed && bus->fns[i]->secondary && port_number(bus->fns[i]) == pn)
			return bus->fns[i];
	return NULL;
}

/* devices[0] of a bridge's secondary bus */
static struct pcisim_pcifn *first_below(struct pcisim_pcifn *port)
{
	struct pcisim_pcibus *b = port ? port->secondary : NULL;
	if (!b || !b->nfns || b->fns[0]->devfn != 0 || b->fns[0]->comp.removed)
		return NULL;
	return b->fns[0];
}

static bool is_drv(const struct pcisim_pcifn *fn, const char *name)
{
	return fn && fn->drv && !strcmp(fn->drv->name, name);
}

int pcisim_cxl_decode(struct pcisim_fabric *fab, uint64_t hpa, struct pcisim_cxl_route *out)
{
	const struct pcisim_machine *m = &fab->machine;
	memset(out, 0, sizeof(*out));
	uint64_t base = 0;
	unsigned w;
	for (w = 0; w < m->ncxl_fmw; w++) {
		base = pcisim_cxl_fmw_base(m, w);
		if (hpa >= base && hpa - base < m->cxl_fmw[w].size)
			break;
	}
	if (w == m->ncxl_fmw)
		return -PCISIM_CXL_DEC_NO_WINDOW;
	const struct pcisim_cxl_fmw *fw = &m->cxl_fmw[w];
	out->window = fw;
	out->window_index = w;
	int ig = pcisim_cxl_ig_enc(fw->granularity ? fw->granularity : 256);
	unsigned rb = fw->ntargets ? pcisim_cxl_target_index(hpa - base, ig < 0 ? 0 : (unsigned)ig, fw->ntargets) : 0;
	struct pcisim_pcifn *hb = fw->ntargets ? pcisim_fabric_find_fn(fab, fw->targets[rb]) : NULL;
	struct pcisim_cxl_cregs *hr = pcisim_cxl_cregs_of(hb);
	if (!hb || hb->comp.removed || !hr || !hb->secondary)
		return -PCISIM_CXL_DEC_NO_HB;
	out->host_bridge = hb;
	struct pcisim_pcifn *rp = NULL;
	unsigned nrp = 0;
	for (uint16_t i = 0; i < hb->secondary->nfns; i++)
		if (!hb->secondary->fns[i]->comp.removed && hb->secondary->fns[i]->secondary && !nrp++)
			rp = hb->secondary->fns[i];
	bool passthrough = nrp == 1 && (m->compat & PCISIM_QEMU_CXL_HDM_MULTI) &&
			   !pcisim_props_bool(&hb->props, "hdm_for_passthrough", false);
	if (!passthrough) {
		uint8_t pn;
		if (!port_target(hr, hpa, &pn))
			return -PCISIM_CXL_DEC_NO_DECODER;
		if (!(rp = port_by_pn(hb->secondary, pn)))
			return -PCISIM_CXL_DEC_NO_PORT;
	}
	if (!rp)
		return -PCISIM_CXL_DEC_NO_PORT;
	out->root_port = rp;
	struct pcisim_pcifn *d = first_below(rp);
	if (is_drv(d, "cxl-upstream")) {
		struct pcisim_cxl_cregs *ur = pcisim_cxl_cregs_of(d);
		uint8_t pn;
		out->switch_up = d;
		if (!ur || !port_target(ur, hpa, &pn))
			return -PCISIM_CXL_DEC_NO_DECODER;
		struct pcisim_pcifn *dsp = port_by_pn(d->secondary, pn);
		if (!dsp)
			return -PCISIM_CXL_DEC_NO_PORT;
		out->switch_down = dsp;
		d = first_below(dsp);
	}
	if (!is_drv(d, "cxl-type3"))
		return -PCISIM_CXL_DEC_NO_DEVICE;
	out->device = d;
	struct pcisim_cxl_cregs *dr = pcisim_cxl_cregs_of(d);
	if (!dr || !device_dpa(dr, hpa, &out->dpa))
		return -PCISIM_CXL_DEC_NO_DECODER;
	return 0;
}

const char *pcisim_cxl_decode_error(int rc)
{
	switch (-rc) {
	case PCISIM_CXL_DEC_NO_WINDOW:
		return "the address is in no CXL fixed memory window";
	case PCISIM_CXL_DEC_NO_HB:
		return "the window's host bridge is not present";
	case PCISIM_CXL_DEC_NO_DECODER:
		return "no committed HDM decoder covers the address";
	case PCISIM_CXL_DEC_NO_PORT:
		return "no port has the decoder's target port number";
	case PCISIM_CXL_DEC_NO_DEVICE:
		return "no CXL type 3 device below the port";
	default:
		return "decoded";
	}
}
