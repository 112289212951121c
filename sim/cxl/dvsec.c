/*
 * CXL DVSEC builders (sim/cxl/dvsec.h).
 */
#include "sim/cxl/dvsec.h"

#include <stdbool.h>

#include "sim/core/diag.h"
#include "sim/cxl/cxl_dvsec.h"
#include "sim/pcie/regs/field.h"
#include "sim/pcie/regs/pci.h"

int pcisim_cxl_dvsec(struct pcisim_cfg *c, uint16_t off, uint16_t id, uint8_t rev, uint16_t len,
		      enum pcisim_cxl_comp comp)
{
	uint16_t pos = pcisim_cfg_add_ext_cap(c, PCI_EXT_CAP_ID_DVSEC, PCISIM_DVSEC_VER, off, len);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_DVSEC_HEADER1),
		       PCISIM_FIELD_PREP(PCI_DVSEC_HEADER1_VID, PCISIM_CXL_VENDOR_ID) |
			       PCISIM_FIELD_PREP(PCI_DVSEC_HEADER1_REV, rev) |
			       PCISIM_FIELD_PREP(PCI_DVSEC_HEADER1_LEN, len),
		       4);
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_DVSEC_HEADER2), id, 2);
#define W(reg, len_, v) pcisim_cfg_mask_set(c, PCISIM_WMASK, (uint16_t)(pos + (reg)), (len_), (v))
	switch (id) {
	case PCISIM_CXL_DVSEC_PCIE_DEVICE:
		/* "Cntrl RW Lock", "Lock is RW Once", range bases "RW Lock" */
		W(PCI_CXL_DEV_CTRL, 2, PCISIM_CXL_DEV_CTRL_WMASK);
		W(PCI_CXL_DEV_CTRL2, 2, PCISIM_CXL_DEV_CTRL2_WMASK);
		W(PCI_CXL_DEV_LOCK, 2, PCISIM_CXL_DEV_LOCK_WMASK);
		W(PCI_CXL_DEV_RANGE1_BASE_HI, 4, 0xffffffff);
		W(PCI_CXL_DEV_RANGE1_BASE_LO, 4, PCISIM_CXL_DEV_BASE_LO_WMASK);
		W(PCI_CXL_DEV_RANGE2_BASE_HI, 4, 0xffffffff);
		W(PCI_CXL_DEV_RANGE2_BASE_LO, 4, PCISIM_CXL_DEV_BASE_LO_WMASK);
		break;
	case PCISIM_CXL_DVSEC_PORT_EXT:
		W(PCI_CXL_PORT_EXT_CTRL, 2, PCISIM_CXL_PORT_EXT_CTRL_WMASK);
		W(PCI_CXL_PORT_EXT_ALT_BUS_BASE, 1, 0xff);
		W(PCI_CXL_PORT_EXT_ALT_BUS_LIMIT, 1, 0xff);
		W(PCI_CXL_PORT_EXT_ALT_MEM_BASE, 2, PCISIM_CXL_PORT_EXT_WINDOW_WMASK);
		W(PCI_CXL_PORT_EXT_ALT_MEM_LIMIT, 2, PCISIM_CXL_PORT_EXT_WINDOW_WMASK);
		W(PCI_CXL_PORT_EXT_ALT_PREF_BASE, 2, PCISIM_CXL_PORT_EXT_WINDOW_WMASK);
		W(PCI_CXL_PORT_EXT_ALT_PREF_LIMIT, 2, PCISIM_CXL_PORT_EXT_WINDOW_WMASK);
		W(PCI_CXL_PORT_EXT_ALT_PREF_BASE_HI, 4, 0xffffffff);
		W(PCI_CXL_PORT_EXT_ALT_PREF_LIMIT_HI, 4, 0xffffffff);
		break;
	case PCISIM_CXL_DVSEC_PORT_GPF:
		W(PCI_CXL_PORT_GPF_PHASE1_CTRL, 2, PCISIM_CXL_GPF_CTRL_WMASK);
		W(PCI_CXL_PORT_GPF_PHASE2_CTRL, 2, PCISIM_CXL_GPF_CTRL_WMASK);
		break;
	case PCISIM_CXL_DVSEC_DEVICE_GPF:
		W(PCI_CXL_DEVICE_GPF_PHASE2_DURATION, 2, PCISIM_CXL_GPF_CTRL_WMASK);
		W(PCI_CXL_DEVICE_GPF_PHASE2_POWER, 4, 0xffffffff);
		break;
	case PCISIM_CXL_DVSEC_FLEXBUS_PORT:
		/* "Registers are RO for other component types"; RW1CS status bits never set */
		if (comp == PCISIM_CXL_COMP_ROOT_PORT)
			W(PCI_CXL_FLEXBUS_CTRL, 1, PCISIM_CXL_FLEXBUS_CTRL_WMASK_RP);
		else if (comp == PCISIM_CXL_COMP_DOWNSTREAM_PORT)
			W(PCI_CXL_FLEXBUS_CTRL, 1, PCISIM_CXL_FLEXBUS_CTRL_WMASK_DSP);
		break;
	default:
		break; /* Non-CXL Function Map, Register Locator: read-only */
	}
#undef W
	return pos;
}

int pcisim_cxl_reg_locator(struct pcisim_cfg *c, uint16_t off, enum pcisim_cxl_comp comp,
			    unsigned nblocks, const uint8_t *rbi, const uint8_t *bir)
{
	int pos = pcisim_cxl_dvsec(c, off, PCISIM_CXL_DVSEC_REG_LOCATOR, PCISIM_CXL_REG_LOC_DVSEC_REV,
				    PCISIM_CXL_REG_LOC_DVSEC_LEN, comp);
	if (pos < 0)
		return pos;
	for (unsigned i = 0; i < nblocks; i++)
		pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_REG_LOC_BLOCK(i)),
			       PCISIM_FIELD_PREP(PCI_CXL_REG_LOC_BLOCK_ID, rbi[i]) |
				       PCISIM_FIELD_PREP(PCI_CXL_REG_LOC_BIR, bir[i]),
			       4);
	return pos;
}

int pcisim_cxl_port_dvsecs(struct pcisim_cfg *c, uint16_t off, enum pcisim_cxl_comp comp, bool r3)
{
	int pos;
	uint16_t fb_len = r3 ? PCISIM_CXL_FLEXBUS_DVSEC_LEN : PCISIM_CXL2_FLEXBUS_DVSEC_LEN;
	/* CXL Extensions DVSEC for Ports, all zero */
	if ((pos = pcisim_cxl_dvsec(c, off, PCISIM_CXL_DVSEC_PORT_EXT, PCISIM_CXL_PORT_EXT_DVSEC_REV,
				     PCISIM_CXL_PORT_EXT_DVSEC_LEN, comp)) < 0)
		return pos;
	off = (uint16_t)(off + PCISIM_CXL_PORT_EXT_DVSEC_LEN);
	uint16_t gpf_off, fb_off;
	if (comp == PCISIM_CXL_COMP_ROOT_PORT) {
		gpf_off = off;
		fb_off = (uint16_t)(off + PCISIM_CXL_PORT_GPF_DVSEC_LEN);
	} else {
		fb_off = off;
		gpf_off = (uint16_t)(off + fb_len);
	}
	/* Flex Bus: root port "IO, Mem, non-MLD" 0x26, downstream port "Cache, IO, Mem,
	 * non-MLD" 0x27; control IO enabled; status 0x26; Received Modified TS 0xef. */
	uint16_t fb_cap = PCI_CXL_FLEXBUS_IO | PCI_CXL_FLEXBUS_MEM | PCI_CXL_FLEXBUS_68B_FLIT;
	if (comp == PCISIM_CXL_COMP_DOWNSTREAM_PORT)
		fb_cap |= PCI_CXL_FLEXBUS_CACHE;
	for (int k = 0; k < 2; k++) {
		bool gpf = (comp == PCISIM_CXL_COMP_ROOT_PORT) == (k == 0);
		if (gpf) {
			/* GPF phase 1 and 2 control: "1μs timeout" (time base 1, scale 0) */
			if ((pos = pcisim_cxl_dvsec(c, gpf_off, PCISIM_CXL_DVSEC_PORT_GPF,
						     PCISIM_CXL_PORT_GPF_DVSEC_REV,
						     PCISIM_CXL_PORT_GPF_DVSEC_LEN, comp)) < 0)
				return pos;
			pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_PORT_GPF_PHASE1_CTRL), 1, 2);
			pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_PORT_GPF_PHASE2_CTRL), 1, 2);
		} else {
			if ((pos = pcisim_cxl_dvsec(c, fb_off, PCISIM_CXL_DVSEC_FLEXBUS_PORT,
						     r3 ? PCISIM_CXL_FLEXBUS_DVSEC_REV : PCISIM_CXL2_FLEXBUS_DVSEC_REV,
						     fb_len, comp)) < 0)
				return pos;
			pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_FLEXBUS_CAP), fb_cap, 2);
			pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_FLEXBUS_CTRL), PCI_CXL_FLEXBUS_IO, 2);
			pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_FLEXBUS_STATUS),
				       PCI_CXL_FLEXBUS_IO | PCI_CXL_FLEXBUS_MEM | PCI_CXL_FLEXBUS_68B_FLIT, 2);
			pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_FLEXBUS_RCVD_MOD_TS), 0xef, 4);
		}
	}
	off = (uint16_t)(off + PCISIM_CXL_PORT_GPF_DVSEC_LEN + fb_len);
	static const uint8_t rbi[] = {PCISIM_CXL_RBI_COMPONENT}, bir[] = {PCISIM_CXL_COMPONENT_BAR};
	if ((pos = pcisim_cxl_reg_locator(c, off, comp, 1, rbi, bir)) < 0)
		return pos;
	return off + PCISIM_CXL_REG_LOC_DVSEC_LEN;
}

int pcisim_cxl_component_bar(struct pcisim_cfg *c)
{
	return pcisim_cfg_register_bar(c, PCISIM_CXL_COMPONENT_BAR, PCISIM_CXL_COMPONENT_BLOCK_SIZE,
				       PCI_BASE_ADDRESS_MEM_TYPE_64);
}

