/*
 * CXL event records as QEMU's cxl-inject-general-media-event, -dram-event and
 * -memory-module-event build them (events.c), ready for pcisim_cxl_event_add()
 * (memdev.h). Pure: no state, no records.
 */
#ifndef PCISIM_CXL_EVENTS_H
#define PCISIM_CXL_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/cxl/memdev.h"

enum pcisim_cxl_event_kind {
	PCISIM_CXL_EV_GEN_MEDIA,
	PCISIM_CXL_EV_DRAM,
	PCISIM_CXL_EV_MEMORY_MODULE,
};

/* The commands' arguments (QAPI names with '_' for '-'); has_* for the optional ones. */
struct pcisim_cxl_event_fields {
	uint8_t flags;
	uint64_t dpa;
	uint8_t descriptor, type, transaction_type;
	bool has_channel, has_rank, has_device, has_nibble_mask, has_bank_group, has_bank, has_row,
		has_column, has_correction_mask;
	uint8_t channel, rank, bank_group, bank;
	uint32_t device, nibble_mask, row;
	uint16_t column;
	const char *component_id; /* NULL: not given */
	uint64_t correction_mask[4];
	unsigned ncorrection_mask;
	/* memory module */
	uint8_t health_status, media_status, additional_status, life_used;
	int16_t temperature;
	uint32_t dirty_shutdown_count, corrected_volatile_error_count, corrected_persistent_error_count;
};

/** Build the 128-byte record of @kind from @f into @rec. */
void pcisim_cxl_event_record(enum pcisim_cxl_event_kind kind, const struct pcisim_cxl_event_fields *f,
			     uint8_t rec[PCISIM_CXL_EVENT_RECORD]);

#endif
