/*
 * CXL Fixed Memory Windows: the host physical address ranges a CXL host bridge (or an
 * interleave of several) decodes, as the ACPI CEDT's CFMWS entries describe them
 * (CXL r3.1 §9.18.1.3) and QEMU's -machine cxl-fmw.N.* options create them.
 */
#ifndef PCISIM_CXL_FMW_H
#define PCISIM_CXL_FMW_H

#include <stdint.h>

#include "sim/core/diag.h"

struct pcisim_cxl_fmw {
	const char *const *targets; /* ids of the pxb-cxl host bridges, in interleave order */
	unsigned ntargets;          /* interleave ways: 1, 2, 3, 4, 6, 8, 12 or 16 */
	uint64_t size;              /* bytes, a multiple of 256 MiB */
	uint64_t granularity;       /* interleave granularity in bytes, 256..16k (QEMU default 256) */
	struct pcisim_loc loc;      /* where it was written */
};

#endif
