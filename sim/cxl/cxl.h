/*
 * CXL: the CXL device models (type 3 memory expanders with dynamic capacity, type 1
 * accelerators), the CXL root and switch ports, their DVSECs (dvsec.h), and the fixed
 * memory windows of the machine (fmw.h). Registered by pcisim_cxl_register().
 */
#ifndef PCISIM_CXL_CXL_H
#define PCISIM_CXL_CXL_H

#include "sim/pcie/fabric.h"

/* The model tables, one per file. */
extern const struct pcisim_driver pcisim_cxl_root_port_drivers[];
extern const struct pcisim_driver pcisim_cxl_switch_drivers[];
extern const struct pcisim_driver pcisim_cxl_type3_drivers[];

/** The type 3 models' query keys (type3.c; before any device is created). */
void pcisim_cxl_type3_ops_init(void);
/** The register blocks' realize and reset hooks (memdev.c). */
void pcisim_cxl_regs_register(void);
/** Register the CXL device models. */
void pcisim_cxl_register(void);

#endif
