/*
 * PCI configuration space as bytes plus QEMU's per-byte masks.
 *
 * This file models what QEMU's hw/pci/pci.c does for every function: the default
 * masks of a type 0 or type 1 header (pci_init_cmask, pci_init_wmask,
 * pci_init_w1cmask, pci_init_mask_bridge), the guest write rule of
 * pci_default_write_config(), the standard and extended capability lists
 * (pci_add_capability, pcie_add_capability), and the incoming-migration check of
 * get_pci_config_device(). On top of QEMU it keeps a sticky mask (RWS/RW1CS/ROS
 * bits, PCIe r5.0 §7.4 "Sticky" attributes) so that warm resets and FLR can keep
 * what the spec says survives them, and it shares one mask set between all
 * functions of a model, copying it on the first change (cfgspace.h explains why).
 */
#include "sim/pcie/cfgspace.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "sim/core/diag.h"
#include "sim/pcie/regs/pci.h"
#include "sim/core/heap.h"

/* ---- mask storage ---- */

/* The five mask arrays, one after the other from @p. */
static void masks_point(struct pcisim_cfg_masks *m, uint8_t *p)
{
	m->wmask = p;
	m->w1cmask = p + m->size;
	m->cmask = p + 2u * m->size;
	m->sticky = p + 3u * m->size;
	m->used = p + 4u * m->size;
}

/* Two blocks: the struct, and the five arrays (which may become a constant). */
static struct pcisim_cfg_masks *masks_alloc(uint16_t size)
{
	struct pcisim_cfg_masks *m = pcisim_calloc(1, sizeof(*m));
	uint8_t *p = pcisim_calloc(5u, size);
	if (!m || !p) {
		pcisim_free(m);
		pcisim_free(p);
		return NULL;
	}
	m->refs = 1;
	m->size = size;
	masks_point(m, p);
	return m;
}

static struct pcisim_cfg_masks *masks_copy(const struct pcisim_cfg_masks *src)
{
	struct pcisim_cfg_masks *m = masks_alloc(src->size);
	if (!m)
		return NULL;
	m->flags = src->flags;
	memcpy(m->wmask, src->wmask, 5u * src->size);
	return m;
}

static void masks_put(struct pcisim_cfg_masks *m)
{
	if (!m || --m->refs)
		return;
	if (!m->constant)
		pcisim_free(m->wmask);
	pcisim_free(m);
}

void pcisim_cfg_masks_freeze(struct pcisim_cfg_masks *m)
{
	if (m->constant)
		return;
	uint8_t *k = (uint8_t *)pcisim_heap_constant(m->wmask, 5u * m->size);
	if (!k)
		return; /* no sim heap: the arrays stay the function's own */
	pcisim_free(m->wmask);
	/* never written through: every change goes through masks_own() */
	masks_point(m, k);
	m->constant = true;
}

void pcisim_cfg_masks_ref(struct pcisim_cfg_masks *m)
{
	m->refs++;
}

void pcisim_cfg_masks_unref(struct pcisim_cfg_masks *m)
{
	masks_put(m);
}

uint64_t pcisim_cfg_masks_hash(const struct pcisim_cfg_masks *m)
{
	return XXH3_64bits_withSeed(m->wmask, 5u * m->size, (uint64_t)m->flags << 16 | m->size);
}

bool pcisim_cfg_masks_try_share(struct pcisim_cfg *c, struct pcisim_cfg_masks *m)
{
	struct pcisim_cfg_masks *own = c->m;
	if (own == m)
		return true;
	if (own->size != m->size || own->flags != m->flags ||
	    memcmp(own->wmask, m->wmask, 5u * m->size))
		return false;
	masks_put(own);
	m->refs++;
	c->m = m;
	return true;
}

/* Make @c's masks private before a change (copy on write). */
static struct pcisim_cfg_masks *masks_own(struct pcisim_cfg *c)
{
	struct pcisim_cfg_masks *m = c->m;
	if (m->refs == 1 && m->constant) {
		/* the only user changes constant arrays: they become its own again */
		uint8_t *p = pcisim_malloc(5u * m->size);
		memcpy(p, m->wmask, 5u * m->size);
		masks_point(m, p);
		m->constant = false;
		return m;
	}
	if (m->refs == 1)
		return m;
	struct pcisim_cfg_masks *n = masks_copy(m);
	if (!n) {
		/* A mask change must not fail half-way; nothing sensible can follow. */
		pcisim_err_raised(PCISIM_ENOMEM, __FILE__, __LINE__);
		abort();
	}
	m->refs--;
	c->m = n;
	return n;
}

static uint8_t *mask_array(struct pcisim_cfg_masks *m, enum pcisim_cfg_mask which)
{
	switch (which) {
	case PCISIM_WMASK:
		return m->wmask;
	case PCISIM_W1CMASK:
		return m->w1cmask;
	case PCISIM_CMASK:
		return m->cmask;
	case PCISIM_STICKY:
		return m->sticky;
	case PCISIM_USED:
		return m->used;
	}
	assert(!"invalid mask");
	return NULL;
}

/* ---- little-endian helpers on a byte array ---- */

static uint32_t le_get(const uint8_t *a, uint16_t off, unsigned len)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < len; i++)
		v |= (uint32_t)a[off + i] << (8 * i);
	return v;
}

static void le_set(uint8_t *a, uint16_t off, uint32_t val, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		a[off + i] = (uint8_t)(val >> (8 * i));
}

/* ---- QEMU's default masks (hw/pci/pci.c) ---- */

static void init_masks(uint8_t *cfg, struct pcisim_cfg_masks *m, bool bridge)
{
	uint16_t size = m->size;

	/* pci_init_cmask(): IDs, revision, class, header type, capability pointer,
	 * and of Status only Capabilities List. */
	le_set(m->cmask, PCI_VENDOR_ID, 0xffff, 2);
	le_set(m->cmask, PCI_DEVICE_ID, 0xffff, 2);
	m->cmask[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	m->cmask[PCI_REVISION_ID] = 0xff;
	m->cmask[PCI_CLASS_PROG] = 0xff;
	le_set(m->cmask, PCI_CLASS_DEVICE, 0xffff, 2);
	m->cmask[PCI_HEADER_TYPE] = 0xff;
	m->cmask[PCI_CAPABILITY_LIST] = 0xff;

	/* pci_init_wmask(): cache line size, interrupt line, Command bits, and every
	 * byte past the header until a capability claims it. */
	m->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	m->wmask[PCI_INTERRUPT_LINE] = 0xff;
	le_set(m->wmask, PCI_COMMAND, PCISIM_COMMAND_WMASK, 2);
	memset(m->wmask + PCI_STD_HEADER_SIZEOF, 0xff, size - PCI_STD_HEADER_SIZEOF);

	/* pci_init_w1cmask(): the Status error bits. */
	le_set(m->w1cmask, PCI_STATUS, PCISIM_STATUS_W1CMASK, 2);

	if (!bridge)
		return;
	/* pci_init_mask_bridge(): bus numbers and secondary latency timer, windows,
	 * Bridge Control; 16-bit I/O and 64-bit prefetchable decoding. */
	memset(m->wmask + PCI_PRIMARY_BUS, 0xff, 4);
	m->wmask[PCI_IO_BASE] = PCI_IO_RANGE_MASK;
	m->wmask[PCI_IO_LIMIT] = PCI_IO_RANGE_MASK;
	le_set(m->wmask, PCI_MEMORY_BASE, PCI_MEMORY_RANGE_MASK, 2);
	le_set(m->wmask, PCI_MEMORY_LIMIT, PCI_MEMORY_RANGE_MASK, 2);
	le_set(m->wmask, PCI_PREF_MEMORY_BASE, PCI_PREF_RANGE_MASK, 2);
	le_set(m->wmask, PCI_PREF_MEMORY_LIMIT, PCI_PREF_RANGE_MASK, 2);
	memset(m->wmask + PCI_PREF_BASE_UPPER32, 0xff, 8);
	cfg[PCI_IO_BASE] |= PCI_IO_RANGE_TYPE_16;
	cfg[PCI_IO_LIMIT] |= PCI_IO_RANGE_TYPE_16;
	cfg[PCI_PREF_MEMORY_BASE] |= PCI_PREF_RANGE_TYPE_64;
	cfg[PCI_PREF_MEMORY_LIMIT] |= PCI_PREF_RANGE_TYPE_64;
	le_set(m->wmask, PCI_BRIDGE_CONTROL, PCISIM_BRIDGE_CTL_WMASK, 2);
	le_set(m->w1cmask, PCI_BRIDGE_CONTROL, PCI_BRIDGE_CTL_DISCARD_STATUS, 2);
	m->cmask[PCI_IO_BASE] |= PCI_IO_RANGE_TYPE_MASK;
	m->cmask[PCI_IO_LIMIT] |= PCI_IO_RANGE_TYPE_MASK;
	m->cmask[PCI_PREF_MEMORY_BASE] |= PCI_PREF_RANGE_TYPE_MASK;
	m->cmask[PCI_PREF_MEMORY_LIMIT] |= PCI_PREF_RANGE_TYPE_MASK;
	/* pci_bridge_initfn() sets the header type; done here so the bytes agree
	 * with the masks of a type 1 header. */
	cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_BRIDGE;
}

int pcisim_cfg_init(struct pcisim_cfg *c, uint16_t size, bool bridge)
{
	assert(size == PCISIM_CFG_PCI_SIZE || size == PCISIM_CFG_PCIE_SIZE);
	c->bytes = pcisim_calloc(size, 1);
	c->m = masks_alloc(size);
	c->size = size;
	if (!c->bytes || !c->m) {
		pcisim_free(c->bytes);
		pcisim_free(c->m);
		c->bytes = NULL;
		c->m = NULL;
		return PCISIM_ERR(PCISIM_ENOMEM);
	}
	init_masks(c->bytes, c->m, bridge);
	return 0;
}

int pcisim_cfg_clone(struct pcisim_cfg *c, const struct pcisim_cfg *tmpl)
{
	c->bytes = pcisim_malloc(tmpl->size);
	if (!c->bytes)
		return PCISIM_ERR(PCISIM_ENOMEM);
	memcpy(c->bytes, tmpl->bytes, tmpl->size);
	c->size = tmpl->size;
	c->m = tmpl->m;
	c->m->refs++;
	return 0;
}

void pcisim_cfg_free(struct pcisim_cfg *c)
{
	if (!c)
		return;
	pcisim_free(c->bytes);
	masks_put(c->m);
	c->bytes = NULL;
	c->m = NULL;
	c->size = 0;
}

/* ---- raw access ---- */

uint32_t pcisim_cfg_get(const struct pcisim_cfg *c, uint16_t off, unsigned len)
{
	assert(len >= 1 && len <= 4 && (unsigned)off + len <= c->size);
	return le_get(c->bytes, off, len);
}

void pcisim_cfg_set(struct pcisim_cfg *c, uint16_t off, uint32_t val, unsigned len)
{
	assert(len >= 1 && len <= 4 && (unsigned)off + len <= c->size);
	le_set(c->bytes, off, val, len);
}

void pcisim_cfg_setbits(struct pcisim_cfg *c, uint16_t off, unsigned len, uint32_t bits)
{
	pcisim_cfg_set(c, off, pcisim_cfg_get(c, off, len) | bits, len);
}

void pcisim_cfg_clrbits(struct pcisim_cfg *c, uint16_t off, unsigned len, uint32_t bits)
{
	pcisim_cfg_set(c, off, pcisim_cfg_get(c, off, len) & ~bits, len);
}

uint32_t pcisim_cfg_test_and_clear(struct pcisim_cfg *c, uint16_t off, unsigned len, uint32_t bits)
{
	uint32_t v = pcisim_cfg_get(c, off, len);
	pcisim_cfg_set(c, off, v & ~bits, len);
	return v & bits;
}

/* ---- guest access ---- */

void pcisim_cfg_write(struct pcisim_cfg *c, uint16_t off, uint32_t val, unsigned len)
{
	const struct pcisim_cfg_masks *m = c->m;
	assert(len == 1 || len == 2 || len == 4);
	assert((unsigned)off + len <= c->size);
	for (unsigned i = 0; i < len; i++) {
		uint16_t a = (uint16_t)(off + i);
		uint8_t w = m->wmask[a], w1c = m->w1cmask[a], b = (uint8_t)(val >> (8 * i));
		/* QEMU pci_default_write_config(): a bit is never both RW and RW1C. */
		assert(!(w & w1c));
		c->bytes[a] = (uint8_t)((c->bytes[a] & ~w) | (b & w));
		c->bytes[a] &= (uint8_t)~(b & w1c);
	}
}

uint32_t pcisim_cfg_read(const struct pcisim_cfg *c, uint16_t off, unsigned len)
{
	assert(len >= 1 && len <= 4);
	uint32_t v = 0;
	for (unsigned i = 0; i < len; i++) {
		unsigned a = (unsigned)off + i;
		uint8_t b = a < c->size ? c->bytes[a] : 0xff;
		v |= (uint32_t)b << (8 * i);
	}
	return v;
}

/* ---- masks ---- */

void pcisim_cfg_mask_set(struct pcisim_cfg *c, enum pcisim_cfg_mask which, uint16_t off,
			 unsigned len, uint32_t val)
{
	assert(len >= 1 && len <= 4 && (unsigned)off + len <= c->size);
	if (le_get(mask_array(c->m, which), off, len) == (len == 4 ? val : val & ((1u << (8 * len)) - 1)))
		return;
	le_set(mask_array(masks_own(c), which), off, val, len);
}

void pcisim_cfg_mask_or(struct pcisim_cfg *c, enum pcisim_cfg_mask which, uint16_t off,
			unsigned len, uint32_t bits)
{
	pcisim_cfg_mask_set(c, which, off, len, pcisim_cfg_mask_get(c, which, off, len) | bits);
}

void pcisim_cfg_mask_clr(struct pcisim_cfg *c, enum pcisim_cfg_mask which, uint16_t off,
			 unsigned len, uint32_t bits)
{
	pcisim_cfg_mask_set(c, which, off, len, pcisim_cfg_mask_get(c, which, off, len) & ~bits);
}

uint32_t pcisim_cfg_mask_get(const struct pcisim_cfg *c, enum pcisim_cfg_mask which,
			     uint16_t off, unsigned len)
{
	assert(len >= 1 && len <= 4 && (unsigned)off + len <= c->size);
	return le_get(mask_array(c->m, which), off, len);
}

void pcisim_cfg_mask_fill(struct pcisim_cfg *c, enum pcisim_cfg_mask which, uint16_t off,
			  unsigned len, uint8_t byte)
{
	assert((unsigned)off + len <= c->size);
	const uint8_t *a = mask_array(c->m, which);
	unsigned i = 0;
	while (i < len && a[off + i] == byte)
		i++;
	if (i == len)
		return;
	memset(mask_array(masks_own(c), which) + off, byte, len);
}

void pcisim_cfg_set_flags(struct pcisim_cfg *c, uint16_t flags)
{
	if ((c->m->flags & flags) != flags)
		masks_own(c)->flags |= flags;
}

void pcisim_cfg_clr_flags(struct pcisim_cfg *c, uint16_t flags)
{
	if (c->m->flags & flags)
		masks_own(c)->flags &= (uint16_t)~flags;
}

int pcisim_cfg_check_masks(const struct pcisim_cfg *c, uint16_t *bad)
{
	for (unsigned i = 0; i < c->size; i++) {
		if (c->m->wmask[i] & c->m->w1cmask[i]) {
			if (bad)
				*bad = (uint16_t)i;
			return -1;
		}
	}
	return 0;
}

/* ---- BARs ---- */

int pcisim_cfg_register_bar(struct pcisim_cfg *c, unsigned bar, uint64_t size, uint8_t type)
{
	bool bridge = (c->bytes[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MASK) == PCI_HEADER_TYPE_BRIDGE;
	bool is64 = !(type & PCI_BASE_ADDRESS_SPACE_IO) && (type & PCI_BASE_ADDRESS_MEM_TYPE_64);
	if (bar > PCISIM_CFG_ROM_SLOT || size < 4 || (size & (size - 1)) ||
	    (bridge && bar >= 2 && bar != PCISIM_CFG_ROM_SLOT) ||
	    (is64 && (bar == 5 || bar == PCISIM_CFG_ROM_SLOT || (bridge && bar == 1))))
		return PCISIM_ERR(PCISIM_EINVAL);
	uint16_t addr = bar == PCISIM_CFG_ROM_SLOT ? (bridge ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS)
						   : (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * bar);
	uint64_t wmask = ~(size - 1);
	if (bar == PCISIM_CFG_ROM_SLOT)
		wmask |= PCI_ROM_ADDRESS_ENABLE;
	le_set(c->bytes, addr, type, 4);
	pcisim_cfg_mask_set(c, PCISIM_WMASK, addr, 4, (uint32_t)wmask);
	pcisim_cfg_mask_set(c, PCISIM_CMASK, addr, 4, 0xffffffff);
	if (is64) {
		pcisim_cfg_mask_set(c, PCISIM_WMASK, (uint16_t)(addr + 4), 4, (uint32_t)(wmask >> 32));
		pcisim_cfg_mask_set(c, PCISIM_CMASK, (uint16_t)(addr + 4), 4, 0xffffffff);
	}
	return 0;
}

/* ---- capabilities ---- */

#define CAP_WALK_MAX 64  /* a standard list has at most 48 entries of 4 bytes */
#define EXT_WALK_MAX 960 /* (4096 - 256) / 4 */

static bool range_free(const struct pcisim_cfg *c, unsigned off, unsigned len)
{
	for (unsigned i = off; i < off + len; i++)
		if (c->m->used[i])
			return false;
	return true;
}

/* Claim a region for a capability: owned, read-only, checked (QEMU memsets). */
static void claim(struct pcisim_cfg *c, uint16_t off, uint16_t size, bool ext)
{
	uint16_t owned = (uint16_t)((size + 3u) & ~3u);
	if ((unsigned)off + owned > c->size)
		owned = (uint16_t)(c->size - off);
	pcisim_cfg_mask_fill(c, PCISIM_USED, off, owned, 0xff);
	pcisim_cfg_mask_fill(c, PCISIM_WMASK, off, size, 0);
	if (ext)
		pcisim_cfg_mask_fill(c, PCISIM_W1CMASK, off, size, 0);
	pcisim_cfg_mask_fill(c, PCISIM_CMASK, off, size, 0xff);
}

uint16_t pcisim_cfg_add_cap(struct pcisim_cfg *c, uint8_t id, uint16_t off, uint16_t size)
{
	if (size < 2 || size > PCI_CFG_SPACE_SIZE - PCI_STD_HEADER_SIZEOF)
		return 0;
	if (off == 0) {
		/* pci_find_space(): the first free run of @size bytes from 0x40. */
		for (unsigned o = PCI_STD_HEADER_SIZEOF; o + size <= PCI_CFG_SPACE_SIZE; o += 4) {
			if (range_free(c, o, size)) {
				off = (uint16_t)o;
				break;
			}
		}
		if (off == 0)
			return 0;
	} else if (off < PCI_STD_HEADER_SIZEOF || (off & 3) || off + size > PCI_CFG_SPACE_SIZE ||
		   !range_free(c, off, size)) {
		return 0;
	}
	c->bytes[off + PCI_CAP_LIST_ID] = id;
	c->bytes[off + PCI_CAP_LIST_NEXT] = c->bytes[PCI_CAPABILITY_LIST];
	c->bytes[PCI_CAPABILITY_LIST] = (uint8_t)off;
	c->bytes[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	claim(c, off, size, false);
	return off;
}

/* The last header of the extended list (0 when there is none). */
static uint16_t ext_last(const struct pcisim_cfg *c)
{
	uint16_t pos = PCI_CFG_SPACE_SIZE, last = 0;
	for (unsigned n = 0; n < EXT_WALK_MAX && pos; n++) {
		uint32_t h = le_get(c->bytes, pos, 4);
		if (!h)
			break;
		last = pos;
		pos = PCI_EXT_CAP_NEXT(h);
		if (pos && (pos < PCI_CFG_SPACE_SIZE || pos > PCI_CFG_SPACE_EXP_SIZE - 4))
			break;
	}
	return last;
}

uint16_t pcisim_cfg_add_ext_cap(struct pcisim_cfg *c, uint16_t id, uint8_t version,
				uint16_t off, uint16_t size)
{
	if (c->size != PCISIM_CFG_PCIE_SIZE || size < 4 || size > PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE)
		return 0;
	uint16_t last = ext_last(c);
	if (off == 0) {
		for (unsigned o = PCI_CFG_SPACE_SIZE; o + size <= PCI_CFG_SPACE_EXP_SIZE; o += 4) {
			if (range_free(c, o, size)) {
				off = (uint16_t)o;
				break;
			}
		}
		if (off == 0)
			return 0;
	} else if (off < PCI_CFG_SPACE_SIZE || (off & 3) || off + size > PCI_CFG_SPACE_EXP_SIZE ||
		   !range_free(c, off, size)) {
		return 0;
	}
	/* pcie_add_capability(): the list must begin at 0x100. */
	if (!last && off != PCI_CFG_SPACE_SIZE)
		return 0;
	if (last) {
		uint32_t h = le_get(c->bytes, last, 4);
		h = PCISIM_FIELD_SET(PCI_EXT_CAP_NEXT_MASK, h, off);
		le_set(c->bytes, last, h, 4);
	}
	le_set(c->bytes, off, PCISIM_EXT_CAP(id, version & 0xf, 0), 4);
	claim(c, off, size, true);
	return off;
}

uint16_t pcisim_cfg_find_cap(const struct pcisim_cfg *c, uint8_t id)
{
	if (!(c->bytes[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return 0;
	uint8_t pos = c->bytes[PCI_CAPABILITY_LIST] & 0xfc;
	for (unsigned n = 0; n < CAP_WALK_MAX && pos >= PCI_STD_HEADER_SIZEOF; n++) {
		if (c->bytes[pos + PCI_CAP_LIST_ID] == id)
			return pos;
		pos = c->bytes[pos + PCI_CAP_LIST_NEXT] & 0xfc;
	}
	return 0;
}

uint16_t pcisim_cfg_find_ext_cap(const struct pcisim_cfg *c, uint16_t id)
{
	if (c->size != PCISIM_CFG_PCIE_SIZE)
		return 0;
	uint16_t pos = PCI_CFG_SPACE_SIZE;
	for (unsigned n = 0; n < EXT_WALK_MAX && pos; n++) {
		uint32_t h = le_get(c->bytes, pos, 4);
		if (!h)
			return 0;
		if (PCI_EXT_CAP_ID(h) == id)
			return pos;
		pos = PCI_EXT_CAP_NEXT(h);
		if (pos && (pos < PCI_CFG_SPACE_SIZE || pos > PCI_CFG_SPACE_EXP_SIZE - 4))
			return 0;
	}
	return 0;
}

/* ---- reset and migration ---- */

void pcisim_cfg_reset(struct pcisim_cfg *c, const uint8_t *reset_image, bool cold)
{
	const struct pcisim_cfg_masks *m = c->m;
	if (cold) {
		memcpy(c->bytes, reset_image, c->size);
		return;
	}
	for (unsigned i = 0; i < c->size; i++) {
		uint8_t r = (uint8_t)((m->wmask[i] | m->w1cmask[i]) & ~m->sticky[i]);
		c->bytes[i] = (uint8_t)((c->bytes[i] & ~r) | (reset_image[i] & r));
	}
}

int pcisim_cfg_load_check(const struct pcisim_cfg *c, const uint8_t *incoming, uint16_t *bad)
{
	const struct pcisim_cfg_masks *m = c->m;
	/* 8 bytes at a time (a migration compares two 4 KiB spaces per function); the
	 * first differing byte of a differing chunk is the one reported */
	for (unsigned i = 0; i < c->size; i += 8) {
		uint64_t diff = (pcisim_cfg_load64(incoming + i) ^ pcisim_cfg_load64(c->bytes + i)) &
				pcisim_cfg_load64(m->cmask + i) & ~pcisim_cfg_load64(m->wmask + i) &
				~pcisim_cfg_load64(m->w1cmask + i);
		if (!diff)
			continue;
		for (unsigned j = i; j < i + 8; j++)
			if ((incoming[j] ^ c->bytes[j]) & m->cmask[j] & ~m->wmask[j] & ~m->w1cmask[j]) {
				if (bad)
					*bad = (uint16_t)j;
				return -1;
			}
	}
	return 0;
}

char *pcisim_cfg_load_check_msg(const struct pcisim_cfg *c, const uint8_t *incoming, uint16_t i,
				const char *func, char *buf, size_t n)
{
	assert(i < c->size);
	snprintf(buf, n, "%s: Bad config data: i=0x%x read: %x device: %x cmask: %x wmask: %x w1cmask:%x",
		 func ? func : "get_pci_config_device", (unsigned)i, (unsigned)incoming[i],
		 (unsigned)c->bytes[i], (unsigned)c->m->cmask[i], (unsigned)c->m->wmask[i],
		 (unsigned)c->m->w1cmask[i]);
	return buf;
}
