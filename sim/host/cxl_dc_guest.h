/*
 * A guest's side of a CXL dynamic capacity device without Linux's CXL drivers:
 * answering the DC event log through the mailbox, CPU loads and stores at CXL host
 * physical addresses, and readers of CXL memory (cxl_dc_guest.c, docs/cxl.md).
 */
#ifndef PCISIM_HOST_CXL_DC_GUEST_H
#define PCISIM_HOST_CXL_DC_GUEST_H

#include "sim/core/scenario.h"
#include "sim/core/trace.h"

/* guest.cxl_dc_events, guest.cxl_mem_read/_write, guest.cxl_mem_reader_start/_stop */
extern const struct pcisim_action_def pcisim_cxl_dc_guest_actions[];
/* cxl.dc_guest, cxl.mem, cxl.mem_reader */
extern const struct pcisim_record_kind pcisim_cxl_dc_guest_kinds[];

#endif
