/*
 * Register field helpers: FIELD_GET/FIELD_PREP in the style of Linux's
 * <linux/bitfield.h>, with the shift taken from the mask by __builtin_ctz so that
 * no register header ever spells out a _SHIFT by hand (STYLE.md point 6; QEMU
 * derives its shifts the same way with ctz32(), include/hw/pci/pcie_regs.h).
 *
 * Masks are contiguous, non-zero and at most 32 bits wide. The macros evaluate
 * @mask more than once: pass a constant.
 */
#ifndef PCISIM_PCIE_REGS_FIELD_H
#define PCISIM_PCIE_REGS_FIELD_H

#include <stdint.h>

/** PCISIM_FIELD_SHIFT() - bit position of the lowest set bit of @mask. */
#define PCISIM_FIELD_SHIFT(mask) ((unsigned)__builtin_ctz((unsigned)(mask)))

/** PCISIM_FIELD_GET() - the value of field @mask in register value @reg. */
#define PCISIM_FIELD_GET(mask, reg) \
	((uint32_t)(((uint32_t)(reg) & (uint32_t)(mask)) >> PCISIM_FIELD_SHIFT(mask)))

/** PCISIM_FIELD_PREP() - @val placed in field @mask (excess high bits dropped). */
#define PCISIM_FIELD_PREP(mask, val) \
	((uint32_t)(((uint32_t)(val) << PCISIM_FIELD_SHIFT(mask)) & (uint32_t)(mask)))

/** PCISIM_FIELD_FIT() - true when @val fits in field @mask without truncation. */
#define PCISIM_FIELD_FIT(mask, val) \
	((((uint32_t)(val) << PCISIM_FIELD_SHIFT(mask)) & ~(uint32_t)(mask)) == 0 && \
	 (((uint32_t)(val) << PCISIM_FIELD_SHIFT(mask)) >> PCISIM_FIELD_SHIFT(mask)) == (uint32_t)(val))

/** PCISIM_FIELD_SET() - @reg with field @mask replaced by @val. */
#define PCISIM_FIELD_SET(mask, reg, val) \
	(((uint32_t)(reg) & ~(uint32_t)(mask)) | PCISIM_FIELD_PREP(mask, val))

#endif
