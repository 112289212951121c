/*
 * Properties several QEMU device models read the same way: x-speed/x-width
 * (hw/core/qdev-properties-system.c PCIELinkSpeed, PCIELinkWidth), the root ports'
 * *-reserve properties (gen_pcie_root_port.c, cxl_root_port.c) and aer_log_max
 * (hw/pci/pcie_aer.c).
 */
#include "sim/pcie/models.h"

#include <string.h>

#include "sim/core/ynode.h"
#include "sim/pcie/regs/aer.h"

/* ---- link speed and width properties ---- */

const char *const pcisim__speed_choices[] = {"2_5", "5", "8", "16", "32", "64", NULL};
const char *const pcisim__width_choices[] = {"1", "2", "4", "8", "12", "16", "32", NULL};

uint8_t pcisim__prop_speed(const struct pcisim_props *p, const char *name, uint8_t dflt)
{
	const char *v = pcisim_props_str(p, name, NULL);
	if (!v)
		return dflt;
	for (unsigned i = 0; pcisim__speed_choices[i]; i++)
		if (!strcmp(v, pcisim__speed_choices[i]))
			return (uint8_t)(PCISIM_LNK_2_5GT + i);
	return dflt;
}

uint8_t pcisim__prop_width(const struct pcisim_props *p, const char *name, uint8_t dflt)
{
	const char *v = pcisim_props_str(p, name, NULL);
	uint64_t w;
	if (!v || pcisim_parse_u64(v, &w))
		return dflt;
	return (uint8_t)w;
}

/* ---- resource reserve properties (gen_pcie_root_port.c, cxl_root_port.c) ---- */

int pcisim__res_reserve(struct pcisim_pcifn *fn, struct pcisim_res_reserve *r, struct pcisim_diag *d)
{
	const struct pcisim_props *p = &fn->props;
	*r = PCISIM_RES_RESERVE_UNSET;
	r->bus = (uint32_t)pcisim_props_u64(p, "bus-reserve", UINT32_MAX);
	r->io = pcisim_props_u64(p, "io-reserve", UINT64_MAX);
	r->mem = pcisim_props_u64(p, "mem-reserve", UINT64_MAX);
	r->pref32 = pcisim_props_u64(p, "pref32-reserve", UINT64_MAX);
	r->pref64 = pcisim_props_u64(p, "pref64-reserve", UINT64_MAX);
	/* pci_bridge_qemu_reserve_cap_init(): the checks QEMU makes, its wording */
	const struct pcisim_prop *v;
	if (r->pref32 != UINT64_MAX && r->pref64 != UINT64_MAX) {
		v = pcisim_props_find(p, "pref64-reserve");
		return pcisim_diag_error(d, v->loc,
					 "PCI resource reserve cap: PCI: both 32-bit and 64-bit prefetchable windows are set; give pref32-reserve or pref64-reserve, not both");
	}
	if (r->mem != UINT64_MAX && r->mem >= (1ull << 32)) {
		v = pcisim_props_find(p, "mem-reserve");
		return pcisim_diag_error(d, v->loc,
					 "PCI resource reserve cap: mem-reserve must be less than 4G");
	}
	if (r->pref32 != UINT64_MAX && r->pref32 >= (1ull << 32)) {
		v = pcisim_props_find(p, "pref32-reserve");
		return pcisim_diag_error(d, v->loc,
					 "PCI resource reserve cap: pref32-reserve must be less than 4G");
	}
	return 0;
}

void pcisim__aer_log_max(struct pcisim_pcifn *fn, uint16_t aer)
{
	if (!aer || pcisim_props_u64(&fn->props, "aer_log_max", PCISIM_ERR_LOG_MAX_DEFAULT))
		return;
	pcisim_cfg_clrbits(&fn->cfg, (uint16_t)(aer + PCI_ERR_CAP), 4, PCI_ERR_CAP_MHRC);
	pcisim_cfg_mask_clr(&fn->cfg, PCISIM_WMASK, (uint16_t)(aer + PCI_ERR_CAP), 4, PCI_ERR_CAP_MHRE);
	pcisim_cfg_mask_clr(&fn->cfg, PCISIM_STICKY, (uint16_t)(aer + PCI_ERR_CAP), 4, PCI_ERR_CAP_MHRE);
}
