/*
 * The event records QEMU's cxl-inject-*-event commands build (CXL r3.0 §8.2.9.2.1:
 * Table 8-42 common header, 8-43 General Media, 8-44 DRAM, 8-45 Memory Module; QEMU
 * include/hw/cxl/cxl_events.h and hw/mem/cxl_type3.c qmp_cxl_inject_*_event).
 *
 * Header: type UUID (16 bytes, in the order the specification writes it), length
 * 128, flags byte 0 = the command's flags, handle and timestamp filled when the
 * record enters a log. A field given only optionally sets its validity bit.
 */
#include <string.h>

#include "sim/cxl/events.h"

static const uint8_t uuid_gen_media[16] = {0xfb, 0xcd, 0x0a, 0x77, 0xc2, 0x60, 0x41, 0x7f,
					   0x85, 0xa9, 0x08, 0x8b, 0x16, 0x21, 0xeb, 0xa6};
static const uint8_t uuid_dram[16] = {0x60, 0x1d, 0xcb, 0xb3, 0x9c, 0x06, 0x4e, 0xab,
				      0xb8, 0xaf, 0x4e, 0x9b, 0xfb, 0x5c, 0x96, 0x24};
static const uint8_t uuid_memory_module[16] = {0xfe, 0x92, 0x74, 0x75, 0xdd, 0x59, 0x43, 0x39,
					       0xa5, 0x86, 0x79, 0xba, 0xb1, 0x13, 0xb7, 0x74};

static void le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void pcisim_cxl_event_record(enum pcisim_cxl_event_kind kind, const struct pcisim_cxl_event_fields *f,
			     uint8_t rec[PCISIM_CXL_EVENT_RECORD])
{
	memset(rec, 0, PCISIM_CXL_EVENT_RECORD);
	const uint8_t *uuid = kind == PCISIM_CXL_EV_GEN_MEDIA ? uuid_gen_media
			      : kind == PCISIM_CXL_EV_DRAM    ? uuid_dram
							      : uuid_memory_module;
	memcpy(rec, uuid, 16);
	rec[16] = PCISIM_CXL_EVENT_RECORD;
	rec[17] = f->flags;
	if (kind == PCISIM_CXL_EV_MEMORY_MODULE) {
		rec[0x30] = f->type;
		rec[0x31] = f->health_status;
		rec[0x32] = f->media_status;
		rec[0x33] = f->additional_status;
		rec[0x34] = f->life_used;
		le(rec + 0x35, (uint16_t)f->temperature, 2);
		le(rec + 0x37, f->dirty_shutdown_count, 4);
		le(rec + 0x3b, f->corrected_volatile_error_count, 4);
		le(rec + 0x3f, f->corrected_persistent_error_count, 4);
		return;
	}
	uint16_t valid = 0;
	le(rec + 0x30, f->dpa, 8);
	rec[0x38] = f->descriptor;
	rec[0x39] = f->type;
	rec[0x3a] = f->transaction_type;
	if (f->has_channel) {
		rec[0x3d] = f->channel;
		valid |= 1u << 0;
	}
	if (f->has_rank) {
		rec[0x3e] = f->rank;
		valid |= 1u << 1;
	}
	if (kind == PCISIM_CXL_EV_GEN_MEDIA) {
		if (f->has_device) {
			le(rec + 0x3f, f->device, 3);
			valid |= 1u << 2;
		}
		if (f->component_id) {
			strncpy((char *)rec + 0x42, f->component_id, 15);
			valid |= 1u << 3;
		}
	} else {
		if (f->has_nibble_mask) {
			le(rec + 0x3f, f->nibble_mask, 3);
			valid |= 1u << 2;
		}
		if (f->has_bank_group) {
			rec[0x42] = f->bank_group;
			valid |= 1u << 3;
		}
		if (f->has_bank) {
			rec[0x43] = f->bank;
			valid |= 1u << 4;
		}
		if (f->has_row) {
			le(rec + 0x44, f->row, 3);
			valid |= 1u << 5;
		}
		if (f->has_column) {
			le(rec + 0x47, f->column, 2);
			valid |= 1u << 6;
		}
		if (f->has_correction_mask) {
			for (unsigned i = 0; i < f->ncorrection_mask && i < 4; i++)
				le(rec + 0x49 + 8 * i, f->correction_mask[i], 8);
			valid |= 1u << 7;
		}
	}
	le(rec + 0x3b, valid, 2);
}
