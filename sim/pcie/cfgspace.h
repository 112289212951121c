/*
 * PCI configuration space with QEMU's per-byte masks.
 *
 * Each function has its config bytes (256 for PCI, 4096 for PCIe) and points at a
 * set of masks shared by every function of the same model (copy on write: the
 * first mask change of a function that shares them gives it a private copy), so
 * 10,000 functions cost little beyond their config bytes.
 *
 *   wmask   bit is RW: a guest write takes the written value
 *   w1cmask bit is RW1C: a guest write of 1 clears it (never also in wmask)
 *   cmask   bit is compared on incoming migration (unless also RW or RW1C)
 *   sticky  bit survives hot reset / FLR (RWS, RW1CS, ROS)
 *   used    byte belongs to a capability (overlap detection)
 *
 * Facts: REFERENCE.md 1.1-1.3 (QEMU pci_init_cmask/wmask/w1cmask, pci_default_write_config,
 * get_pci_config_device); verified against QEMU hw/pci/pci.c, see docs/config-space.md.
 *
 * Ownership: pcisim_cfg_init()/pcisim_cfg_clone() allocate, pcisim_cfg_free() releases;
 * a function owns its bytes, and the masks are freed with their last user. Out of
 * memory while unsharing masks (a mask change) aborts: no caller could continue.
 */
#ifndef PCISIM_PCIE_CFGSPACE_H
#define PCISIM_PCIE_CFGSPACE_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PCISIM_CFG_PCI_SIZE 256
#define PCISIM_CFG_PCIE_SIZE 4096

/*
 * Eight bytes of config space or of a mask as one word, for the loops that go over a
 * whole space (resets, a migration's compare). Only AND, OR and XOR are done on such
 * words, so host byte order does not matter.
 */
static inline uint64_t pcisim_cfg_load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void pcisim_cfg_store64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

struct pcisim_cfg_masks {
	uint32_t refs;
	uint16_t size;
	uint16_t flags; /* PCISIM_CFG_F_*: model behaviours not visible in the bytes */
	/* the five arrays are one block of 5 * size bytes from wmask on: the masks' own,
	 * or (constant) the sim heap's constants, read-only (pcisim_cfg_masks_freeze) */
	uint8_t *wmask, *w1cmask, *cmask, *sticky, *used;
	bool constant;
};

/*
 * Model flags kept with the masks (shared like them). The capability builders set
 * them so that sim/pcie/regdesc.c can tell which QEMU behaviour a function emulates
 * where config space itself does not say.
 */
enum {
	PCISIM_CFG_F_AER_UNC_MASK = 1 << 0,   /* AER Uncorrectable Error Mask is RWS (QEMU x-pcie-err-unc-mask) */
	PCISIM_CFG_F_PDS_UNCHECKED = 1 << 1,  /* Slot Status PDS cleared in cmask (QEMU >= 8.1) */
	PCISIM_CFG_F_LNKCTL_RW = 1 << 2,      /* Link Control CCC|ES writable (QEMU pcie_cap_lnkctl_init) */
	PCISIM_CFG_F_PM_STATE_RW = 1 << 3,    /* PM capability PowerState writable */
	PCISIM_CFG_F_DEVERR = 1 << 4,         /* PCIe error enables RW, DevSta RW1C (pcie_cap_deverr_init) */
	PCISIM_CFG_F_SEC_LAT_RO = 1 << 5,     /* Secondary Latency Timer read-only (QEMU machines >= 8.2) */
	PCISIM_CFG_F_NO_IO = 1 << 6,          /* bridge forwards no I/O: Command.IO, I/O window RO (io-reserve=0) */
};

struct pcisim_cfg {
	uint8_t *bytes;
	uint16_t size;
	struct pcisim_cfg_masks *m;
};

/**
 * pcisim_cfg_init() - config space of @size bytes (256 or 4096), all zero, with private
 * masks set to QEMU's defaults for a type-0 (@bridge false) or type-1 header:
 * cmask of IDs, revision, class, header type, capability pointer and Status.CAP_LIST;
 * wmask of cache line size, interrupt line, Command (IO, MEM, MASTER, SERR,
 * INTX_DISABLE) and every byte from 0x40 on; w1cmask of the Status error bits;
 * for bridges the bus numbers, windows and Bridge Control bits.
 *
 * For bridges the bytes are not quite all zero: as QEMU's pci_init_mask_bridge(),
 * the prefetchable base/limit report 64-bit decoding (type 01b) and the I/O
 * base/limit 16-bit decoding, and the Header Type byte is 1.
 * Return: 0, or -PCISIM_ENOMEM. @size other than 256/4096 is a programmer error.
 */
int pcisim_cfg_init(struct pcisim_cfg *c, uint16_t size, bool bridge);
/**
 * pcisim_cfg_clone() - a new function's config space sharing @tmpl's masks (reference
 * count + 1) and copying its bytes. Return: 0, or -PCISIM_ENOMEM.
 */
int pcisim_cfg_clone(struct pcisim_cfg *c, const struct pcisim_cfg *tmpl);

/*
 * Mask interning: functions built alike end up with identical masks; the fabric keeps
 * one reference per distinct set and lets each new function share it.
 */
void pcisim_cfg_masks_ref(struct pcisim_cfg_masks *m);
/**
 * pcisim_cfg_masks_freeze() - @m's arrays become a constant of the current sim heap
 * (heap.h): shared by every equal set, outside what a snapshot copies; a later change
 * copies them back first (copy on write, as for shared masks). Nothing when no sim
 * heap is current. The fabric freezes the masks it interns (a realized function's).
 */
void pcisim_cfg_masks_freeze(struct pcisim_cfg_masks *m);
void pcisim_cfg_masks_unref(struct pcisim_cfg_masks *m);
/** XXH3-64 over the five masks, the size and the flags. */
uint64_t pcisim_cfg_masks_hash(const struct pcisim_cfg_masks *m);
/** If @c's masks equal @m, drop @c's copy and share @m; true when @c now shares @m. */
bool pcisim_cfg_masks_try_share(struct pcisim_cfg *c, struct pcisim_cfg_masks *m);
/** pcisim_cfg_free() - release the bytes and one reference to the masks; @c becomes empty. */
void pcisim_cfg_free(struct pcisim_cfg *c);
/** pcisim_cfg_masks_shared() - true while @c shares its masks with another function. */
static inline bool pcisim_cfg_masks_shared(const struct pcisim_cfg *c)
{
	return c->m->refs > 1;
}

/* Raw access (hardware side; ignores masks). Little-endian, any alignment. */
uint32_t pcisim_cfg_get(const struct pcisim_cfg *c, uint16_t off, unsigned len);
void pcisim_cfg_set(struct pcisim_cfg *c, uint16_t off, uint32_t val, unsigned len);
static inline uint8_t pcisim_cfg_get8(const struct pcisim_cfg *c, uint16_t off)
{
	return c->bytes[off];
}
static inline uint16_t pcisim_cfg_get16(const struct pcisim_cfg *c, uint16_t off)
{
	return (uint16_t)(c->bytes[off] | c->bytes[off + 1] << 8);
}
/** pcisim_cfg_get32() - the dword at @off (hardware side). Inline: models read
 * their registers with it on every access (one load where the host is little-endian). */
static inline uint32_t pcisim_cfg_get32(const struct pcisim_cfg *c, uint16_t off)
{
	assert((unsigned)off + 4 <= c->size);
	const uint8_t *b = c->bytes + off;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
/** Set/clear bits of a register (hardware side). */
void pcisim_cfg_setbits(struct pcisim_cfg *c, uint16_t off, unsigned len, uint32_t bits);
void pcisim_cfg_clrbits(struct pcisim_cfg *c, uint16_t off, unsigned len, uint32_t bits);
/**
 * pcisim_cfg_test_and_clear() - clear @bits of a register and return those that were
 * set: how a write hook consumes a bit that is writable only to be seen (Initiate
 * FLR, Slot Control EIC; QEMU pci_word_test_and_clear_mask()).
 */
uint32_t pcisim_cfg_test_and_clear(struct pcisim_cfg *c, uint16_t off, unsigned len, uint32_t bits);

/**
 * pcisim_cfg_write() - a guest write of @len (1, 2, 4) bytes: per byte,
 * cfg = (cfg & ~wmask) | (val & wmask); then cfg &= ~(val & w1cmask). Asserts, as
 * QEMU does, that no bit of a written byte is both RW and RW1C. No side effects:
 * device models react afterwards, comparing with the values they read before.
 */
void pcisim_cfg_write(struct pcisim_cfg *c, uint16_t off, uint32_t val, unsigned len);
/** A guest read (no side effects). Reads past the end return all ones. */
uint32_t pcisim_cfg_read(const struct pcisim_cfg *c, uint16_t off, unsigned len);

/*
 * Masks (copy on write). Each sets the mask bits of a @len-byte register at @off
 * (@len 1..4, little-endian like the register). A change that leaves the mask as it
 * was does not unshare it. PCISIM_USED is the capability-ownership map.
 */
enum pcisim_cfg_mask { PCISIM_WMASK, PCISIM_W1CMASK, PCISIM_CMASK, PCISIM_STICKY, PCISIM_USED };
void pcisim_cfg_mask_set(struct pcisim_cfg *c, enum pcisim_cfg_mask which, uint16_t off,
			 unsigned len, uint32_t val);
void pcisim_cfg_mask_or(struct pcisim_cfg *c, enum pcisim_cfg_mask which, uint16_t off,
			unsigned len, uint32_t bits);
void pcisim_cfg_mask_clr(struct pcisim_cfg *c, enum pcisim_cfg_mask which, uint16_t off,
			 unsigned len, uint32_t bits);
uint32_t pcisim_cfg_mask_get(const struct pcisim_cfg *c, enum pcisim_cfg_mask which,
			     uint16_t off, unsigned len);
/** pcisim_cfg_mask_fill() - set @len bytes (any length) of a mask from @off to @byte. */
void pcisim_cfg_mask_fill(struct pcisim_cfg *c, enum pcisim_cfg_mask which, uint16_t off,
			  unsigned len, uint8_t byte);
/** pcisim_cfg_set_flags() / clr: set or clear PCISIM_CFG_F_* model flags (copy on write). */
void pcisim_cfg_set_flags(struct pcisim_cfg *c, uint16_t flags);
void pcisim_cfg_clr_flags(struct pcisim_cfg *c, uint16_t flags);
/**
 * pcisim_cfg_check_masks() - QEMU's write-path invariant over the whole space: no bit
 * is both RW and RW1C. Return: 0, or -1 with the first offending byte in @bad.
 */
int pcisim_cfg_check_masks(const struct pcisim_cfg *c, uint16_t *bad);

/**
 * pcisim_cfg_register_bar() - the register side of QEMU's pci_register_bar(): BAR
 * @bar (0..5, or PCISIM_CFG_ROM_SLOT for the expansion ROM at 0x30, 0x38 on bridges)
 * of @size bytes (a power of two) gets @type (PCI_BASE_ADDRESS_* bits) as its value,
 * wmask ~(size - 1) (plus the ROM enable bit), and cmask all ones; a 64-bit memory
 * BAR covers two dwords. Return: 0, or -PCISIM_EINVAL (bad size, a bridge BAR above
 * 1, a 64-bit BAR 5).
 */
#define PCISIM_CFG_ROM_SLOT 6
int pcisim_cfg_register_bar(struct pcisim_cfg *c, unsigned bar, uint64_t size, uint8_t type);

/**
 * Capabilities. pcisim_cfg_add_cap() links a standard capability (@off 0 = the first
 * free, dword-aligned offset from 0x40 on, as QEMU's auto-placement does), makes its
 * bytes read-only and checked (wmask 0, cmask 0xff), sets Status.CAP_LIST, and returns
 * the offset, or 0 when it does not fit or overlaps. Extended capabilities (from 0x100)
 * are chained in order of addition.
 *
 * Details, as QEMU's pci_add_capability(): the new capability is linked at the head
 * of the list (Capabilities Pointer -> newest -> ... -> oldest), its w1cmask is left
 * alone, and it owns (used mask) its size rounded up to a dword. An explicit @off
 * must be dword-aligned and inside 0x40..0xff; any byte already owned is an overlap.
 * Extended capabilities (PCIe config space only) start at 0x100: the first one must
 * be there; @off 0 takes the first free dword from 0x100. The new header is
 * @id | @version << 16 with next 0, the previous last header points to it, and the
 * region is made read-only (wmask 0, w1cmask 0) and checked (cmask 0xff), as QEMU's
 * pcie_add_capability(); @size must be at least 4.
 */
uint16_t pcisim_cfg_add_cap(struct pcisim_cfg *c, uint8_t id, uint16_t off, uint16_t size);
uint16_t pcisim_cfg_add_ext_cap(struct pcisim_cfg *c, uint16_t id, uint8_t version,
				uint16_t off, uint16_t size);
/** Offset of the first capability @id (0 when absent). Corrupt lists end the walk. */
uint16_t pcisim_cfg_find_cap(const struct pcisim_cfg *c, uint8_t id);
uint16_t pcisim_cfg_find_ext_cap(const struct pcisim_cfg *c, uint16_t id);

/**
 * pcisim_cfg_reset() - a reset of kind warm/FLR: restore every non-sticky bit that is
 * guest-writable or RW1C to @reset_image (the bytes at realize time); sticky bits
 * keep their value. A cold reset restores everything.
 */
void pcisim_cfg_reset(struct pcisim_cfg *c, const uint8_t *reset_image, bool cold);

/**
 * pcisim_cfg_load_check() - QEMU's incoming-migration check: for each byte i,
 * (incoming[i] ^ cfg[i]) & cmask & ~wmask & ~w1cmask must be 0. Returns -1 and the
 * first bad offset in @bad, or 0 when the bytes are compatible.
 */
int pcisim_cfg_load_check(const struct pcisim_cfg *c, const uint8_t *incoming, uint16_t *bad);

/**
 * pcisim_cfg_load_check_msg() - QEMU's message for a failed load check at byte @i,
 * verbatim format: "%s: Bad config data: i=0x%x read: %x device: %x cmask: %x
 * wmask: %x w1cmask:%x" with @func (NULL = "get_pci_config_device"; 2025 trees
 * say "load_pci_config_device"). Writes at most @n bytes to @buf; returns @buf.
 */
char *pcisim_cfg_load_check_msg(const struct pcisim_cfg *c, const uint8_t *incoming, uint16_t i,
				const char *func, char *buf, size_t n);

#endif
