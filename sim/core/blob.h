/*
 * Byte streams for save/load (migration, snapshots): little-endian, explicit widths,
 * so a saved state means the same on every machine.
 */
#ifndef PCISIM_CORE_BLOB_H
#define PCISIM_CORE_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcisim_blob {
	uint8_t *data;
	size_t len, cap;
};

struct pcisim_blob_reader {
	const uint8_t *data;
	size_t len, pos;
	bool overrun; /* a read went past the end: every later read returns 0 */
};

void pcisim_blob_free(struct pcisim_blob *b);
void pcisim_blob_put(struct pcisim_blob *b, const void *p, size_t n);
void pcisim_blob_put_u8(struct pcisim_blob *b, uint8_t v);
void pcisim_blob_put_u16(struct pcisim_blob *b, uint16_t v);
void pcisim_blob_put_u32(struct pcisim_blob *b, uint32_t v);
void pcisim_blob_put_u64(struct pcisim_blob *b, uint64_t v);
void pcisim_blob_put_str(struct pcisim_blob *b, const char *s);

void pcisim_blob_reader_init(struct pcisim_blob_reader *r, const void *p, size_t n);
bool pcisim_blob_get(struct pcisim_blob_reader *r, void *p, size_t n);
uint8_t pcisim_blob_get_u8(struct pcisim_blob_reader *r);
uint16_t pcisim_blob_get_u16(struct pcisim_blob_reader *r);
uint32_t pcisim_blob_get_u32(struct pcisim_blob_reader *r);
uint64_t pcisim_blob_get_u64(struct pcisim_blob_reader *r);
/** A string into @buf (truncated to n-1, always terminated); false on overrun. */
bool pcisim_blob_get_str(struct pcisim_blob_reader *r, char *buf, size_t n);

#endif
