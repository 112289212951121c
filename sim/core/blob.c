/*
 * Little-endian byte streams.
 */
#include "sim/core/blob.h"
#include "sim/core/heap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pcisim_blob_free(struct pcisim_blob *b)
{
	pcisim_free(b->data);
	memset(b, 0, sizeof(*b));
}

void pcisim_blob_put(struct pcisim_blob *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		while (nc < b->len + n)
			nc *= 2;
		uint8_t *nd = pcisim_realloc(b->data, nc);
		if (!nd) {
			fprintf(stderr, "pcisim: out of memory\n");
			abort();
		}
		b->data = nd;
		b->cap = nc;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

void pcisim_blob_put_u8(struct pcisim_blob *b, uint8_t v)
{
	pcisim_blob_put(b, &v, 1);
}

void pcisim_blob_put_u16(struct pcisim_blob *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	pcisim_blob_put(b, x, 2);
}

void pcisim_blob_put_u32(struct pcisim_blob *b, uint32_t v)
{
	uint8_t x[4];
	for (int i = 0; i < 4; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	pcisim_blob_put(b, x, 4);
}

void pcisim_blob_put_u64(struct pcisim_blob *b, uint64_t v)
{
	uint8_t x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	pcisim_blob_put(b, x, 8);
}

void pcisim_blob_put_str(struct pcisim_blob *b, const char *s)
{
	size_t n = strlen(s);
	pcisim_blob_put_u32(b, (uint32_t)n);
	pcisim_blob_put(b, s, n);
}

void pcisim_blob_reader_init(struct pcisim_blob_reader *r, const void *p, size_t n)
{
	r->data = p;
	r->len = n;
	r->pos = 0;
	r->overrun = false;
}

bool pcisim_blob_get(struct pcisim_blob_reader *r, void *p, size_t n)
{
	if (r->overrun || r->len - r->pos < n) {
		r->overrun = true;
		memset(p, 0, n);
		return false;
	}
	memcpy(p, r->data + r->pos, n);
	r->pos += n;
	return true;
}

uint8_t pcisim_blob_get_u8(struct pcisim_blob_reader *r)
{
	uint8_t v;
	pcisim_blob_get(r, &v, 1);
	return v;
}

uint16_t pcisim_blob_get_u16(struct pcisim_blob_reader *r)
{
	uint8_t x[2];
	pcisim_blob_get(r, x, 2);
	return (uint16_t)(x[0] | x[1] << 8);
}

uint32_t pcisim_blob_get_u32(struct pcisim_blob_reader *r)
{
	uint8_t x[4];
	pcisim_blob_get(r, x, 4);
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)x[i] << (8 * i);
	return v;
}

uint64_t pcisim_blob_get_u64(struct pcisim_blob_reader *r)
{
	uint8_t x[8];
	pcisim_blob_get(r, x, 8);
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)x[i] << (8 * i);
	return v;
}

bool pcisim_blob_get_str(struct pcisim_blob_reader *r, char *buf, size_t n)
{
	uint32_t len = pcisim_blob_get_u32(r);
	if (r->overrun || r->len - r->pos < len) {
		r->overrun = true;
		if (n)
			buf[0] = 0;
		return false;
	}
	size_t c = len < n - 1 ? len : n - 1;
	memcpy(buf, r->data + r->pos, c);
	buf[c] = 0;
	r->pos += len;
	return true;
}
