/*
 * The CXL DVSECs in PCIe extended config space (CXL r3.1 §8.1) as QEMU builds them
 * (hw/cxl/cxl-component-utils.c cxl_component_create_dvsec and each device's
 * build_dvsecs), with the bits QEMU makes writable per DVSEC and component kind.
 */
#ifndef PCISIM_CXL_DVSEC_H
#define PCISIM_CXL_DVSEC_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/pcie/cfgspace.h"

/* QEMU's enum reg_type: which component a DVSEC belongs to (it picks the masks). */
enum pcisim_cxl_comp {
	PCISIM_CXL_COMP_ROOT_PORT,
	PCISIM_CXL_COMP_UPSTREAM_PORT,
	PCISIM_CXL_COMP_DOWNSTREAM_PORT,
	PCISIM_CXL_COMP_TYPE3,
	PCISIM_CXL_COMP_TYPE1,
	PCISIM_CXL_COMP_SWITCH_CCI,
};

/**
 * pcisim_cxl_dvsec() - QEMU cxl_component_create_dvsec(): a DVSEC at @off of @len
 * bytes (CXL vendor ID, @id, @rev), read-only except the bits QEMU makes writable for
 * that DVSEC and component. The caller fills the body. Return: @off or negative
 * PCISIM_E*.
 */
int pcisim_cxl_dvsec(struct pcisim_cfg *c, uint16_t off, uint16_t id, uint8_t rev, uint16_t len,
		      enum pcisim_cxl_comp comp);
/**
 * pcisim_cxl_port_dvsecs() - the four DVSECs of a CXL root or downstream port from
 * @off, in QEMU's order for it (cxl_root_port.c / cxl_downstream.c build_dvsecs):
 * extensions, GPF and Flex Bus (root port: ext, GPF, Flex Bus; downstream: ext, Flex
 * Bus, GPF), then the Register Locator pointing at the component registers in BAR 0.
 * @r3: the Flex Bus DVSEC of CXL r3 (revision 2, 0x20 bytes); else CXL 2.0's
 * (revision 1, 0x14 bytes), as QEMU 7.2 builds it.
 * Return: the offset after the last one, or negative PCISIM_E*.
 */
int pcisim_cxl_port_dvsecs(struct pcisim_cfg *c, uint16_t off, enum pcisim_cxl_comp comp, bool r3);
/**
 * pcisim_cxl_reg_locator() - a Register Locator DVSEC at @off listing @n register
 * blocks: block i is of kind @rbi[i] (PCISIM_CXL_RBI_*) at offset 0 of BAR @bir[i].
 */
int pcisim_cxl_reg_locator(struct pcisim_cfg *c, uint16_t off, enum pcisim_cxl_comp comp,
			    unsigned n, const uint8_t *rbi, const uint8_t *bir);
/** The component register block: 64 KiB, 64-bit memory BAR 0 (pci_register_bar). */
int pcisim_cxl_component_bar(struct pcisim_cfg *c);

#endif
