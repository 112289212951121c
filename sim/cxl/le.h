/*
 * Little-endian fields of CXL payloads and registers (mailbox commands, Scan Media
 * records): byte by byte, so the same on every host (docs/determinism.md).
 */
#ifndef PCISIM_CXL_LE_H
#define PCISIM_CXL_LE_H

#include <stdint.h>

static inline void pcisim_le_put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t pcisim_le_get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

#endif
