/*
 * Config space bytes and masks (sim/pcie/cfgspace.c): QEMU's default masks for
 * type 0 and type 1 headers, the guest write rule, reads past the end, shared
 * masks copied on write, capability placement and overlap rejection, extended
 * capability chaining, BAR registration, warm/cold reset with sticky bits, and the
 * incoming-migration check with QEMU's message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/core/heap.h"
#include "sim/pcie/cfgspace.h"
#include "sim/pcie/regs/pci.h"

static uint32_t wm(const struct pcisim_cfg *c, uint16_t off, unsigned len)
{
	return pcisim_cfg_mask_get(c, PCISIM_WMASK, off, len);
}

static uint32_t w1c(const struct pcisim_cfg *c, uint16_t off, unsigned len)
{
	return pcisim_cfg_mask_get(c, PCISIM_W1CMASK, off, len);
}

static uint32_t cm(const struct pcisim_cfg *c, uint16_t off, unsigned len)
{
	return pcisim_cfg_mask_get(c, PCISIM_CMASK, off, len);
}

/* ---- QEMU's default masks ---- */

static void test_type0_defaults(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, false), 0);
	for (unsigned i = 0; i < c.size; i++)
		assert_int_equal(c.bytes[i], 0);
	/* pci_init_cmask */
	assert_int_equal(cm(&c, PCI_VENDOR_ID, 4), 0xffffffff);
	assert_int_equal(cm(&c, PCI_COMMAND, 2), 0);
	assert_int_equal(cm(&c, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	assert_int_equal(cm(&c, PCI_REVISION_ID, 4), 0xffffffff);
	assert_int_equal(cm(&c, PCI_CACHE_LINE_SIZE, 2), 0);
	assert_int_equal(cm(&c, PCI_HEADER_TYPE, 1), 0xff);
	assert_int_equal(cm(&c, PCI_CAPABILITY_LIST, 1), 0xff);
	assert_int_equal(cm(&c, PCI_INTERRUPT_LINE, 4), 0);
	/* pci_init_wmask */
	assert_int_equal(wm(&c, PCI_COMMAND, 2), 0x0507);
	assert_int_equal(wm(&c, PCI_CACHE_LINE_SIZE, 1), 0xff);
	assert_int_equal(wm(&c, PCI_INTERRUPT_LINE, 1), 0xff);
	assert_int_equal(wm(&c, PCI_INTERRUPT_PIN, 1), 0);
	assert_int_equal(wm(&c, PCI_BASE_ADDRESS_0, 4), 0);
	assert_int_equal(wm(&c, PCI_CAPABILITY_LIST, 1), 0);
	for (unsigned i = 0x40; i < c.size; i++)
		assert_int_equal(c.m->wmask[i], 0xff);
	/* pci_init_w1cmask */
	assert_int_equal(w1c(&c, PCI_STATUS, 2), 0xf900);
	assert_int_equal(w1c(&c, PCI_COMMAND, 2), 0);
	uint16_t bad = 0;
	assert_int_equal(pcisim_cfg_check_masks(&c, &bad), 0);
	pcisim_cfg_free(&c);

	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCI_SIZE, false), 0);
	assert_int_equal(c.size, 256);
	assert_int_equal(c.m->wmask[0xff], 0xff);
	pcisim_cfg_free(&c);
}

static void test_type1_defaults(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, true), 0);
	/* pci_init_mask_bridge */
	assert_int_equal(wm(&c, PCI_PRIMARY_BUS, 4), 0xffffffff);
	assert_int_equal(wm(&c, PCI_IO_BASE, 2), 0xf0f0);
	assert_int_equal(wm(&c, PCI_MEMORY_BASE, 4), 0xfff0fff0);
	assert_int_equal(wm(&c, PCI_PREF_MEMORY_BASE, 4), 0xfff0fff0);
	assert_int_equal(wm(&c, PCI_PREF_BASE_UPPER32, 4), 0xffffffff);
	assert_int_equal(wm(&c, PCI_PREF_LIMIT_UPPER32, 4), 0xffffffff);
	assert_int_equal(wm(&c, PCI_IO_BASE_UPPER16, 4), 0);
	assert_int_equal(wm(&c, PCI_SEC_STATUS, 2), 0);
	assert_int_equal(wm(&c, PCI_BRIDGE_CONTROL, 2), 0x0bff);
	assert_int_equal(w1c(&c, PCI_BRIDGE_CONTROL, 2), PCI_BRIDGE_CTL_DISCARD_STATUS);
	assert_int_equal(w1c(&c, PCI_SEC_STATUS, 2), 0);
	assert_int_equal(cm(&c, PCI_IO_BASE, 2), 0x0f0f);
	assert_int_equal(cm(&c, PCI_PREF_MEMORY_BASE, 4), 0x000f000f);
	assert_int_equal(cm(&c, PCI_MEMORY_BASE, 4), 0);
	/* bytes: 16-bit I/O decode, 64-bit prefetchable decode, header type 1 */
	assert_int_equal(pcisim_cfg_get(&c, PCI_IO_BASE, 2), 0);
	assert_int_equal(pcisim_cfg_get(&c, PCI_PREF_MEMORY_BASE, 4), 0x00010001);
	assert_int_equal(pcisim_cfg_get8(&c, PCI_HEADER_TYPE), PCI_HEADER_TYPE_BRIDGE);
	pcisim_cfg_free(&c);
}

/* ---- guest writes and reads ---- */

static void test_write_rule(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, false), 0);
	/* RW bits follow, RO bits keep their value */
	pcisim_cfg_set(&c, PCI_COMMAND, 0x0008, 2); /* an RO bit set by hardware */
	pcisim_cfg_write(&c, PCI_COMMAND, 0xffff, 2);
	assert_int_equal(pcisim_cfg_get16(&c, PCI_COMMAND), 0x0507 | 0x0008);
	pcisim_cfg_write(&c, PCI_COMMAND, 0, 2);
	assert_int_equal(pcisim_cfg_get16(&c, PCI_COMMAND), 0x0008);
	/* RW1C: 1 clears, 0 keeps; RO status bits untouched */
	pcisim_cfg_set(&c, PCI_STATUS, 0xf910, 2);
	pcisim_cfg_write(&c, PCI_STATUS, 0x0100, 2);
	assert_int_equal(pcisim_cfg_get16(&c, PCI_STATUS), 0xf810);
	pcisim_cfg_write(&c, PCI_STATUS, 0x0000, 2);
	assert_int_equal(pcisim_cfg_get16(&c, PCI_STATUS), 0xf810);
	pcisim_cfg_write(&c, PCI_STATUS, 0xffff, 2);
	assert_int_equal(pcisim_cfg_get16(&c, PCI_STATUS), 0x0010);
	/* byte and dword accesses, little-endian, unaligned */
	pcisim_cfg_write(&c, 0x41, 0xaabbccdd, 4);
	assert_int_equal(pcisim_cfg_get32(&c, 0x41), 0xaabbccdd);
	assert_int_equal(pcisim_cfg_read(&c, 0x42, 2), 0xbbcc);
	pcisim_cfg_write(&c, 0x42, 0x11, 1);
	assert_int_equal(pcisim_cfg_read(&c, 0x41, 4), 0xaabb11dd);
	/* a mixed register: only the writable half of a byte changes */
	pcisim_cfg_mask_set(&c, PCISIM_WMASK, 0x50, 1, 0x0f);
	pcisim_cfg_set(&c, 0x50, 0xa0, 1);
	pcisim_cfg_write(&c, 0x50, 0x5f, 1);
	assert_int_equal(pcisim_cfg_get8(&c, 0x50), 0xaf);
	/* reads past the end are all ones */
	assert_int_equal(pcisim_cfg_read(&c, 0xffe, 4), 0xffff0000 | pcisim_cfg_get(&c, 0xffe, 2));
	assert_int_equal(pcisim_cfg_read(&c, 0xfff, 2) >> 8, 0xff);
	pcisim_cfg_free(&c);
}

static void test_raw_helpers(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCI_SIZE, false), 0);
	pcisim_cfg_setbits(&c, 0x60, 2, 0x8001);
	pcisim_cfg_clrbits(&c, 0x60, 2, 0x0001);
	assert_int_equal(pcisim_cfg_get16(&c, 0x60), 0x8000);
	assert_int_equal(pcisim_cfg_test_and_clear(&c, 0x60, 2, 0x8800), 0x8000);
	assert_int_equal(pcisim_cfg_get16(&c, 0x60), 0);
	assert_int_equal(pcisim_cfg_test_and_clear(&c, 0x60, 2, 0x8000), 0);
	pcisim_cfg_mask_or(&c, PCISIM_STICKY, 0x70, 4, 0x00ff0000);
	pcisim_cfg_mask_clr(&c, PCISIM_STICKY, 0x70, 4, 0x000f0000);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_STICKY, 0x70, 4), 0x00f00000);
	pcisim_cfg_free(&c);
}

/* ---- copy-on-write masks ---- */

static void test_clone_cow(void **state)
{
	(void)state;
	struct pcisim_cfg a, b, d;
	assert_int_equal(pcisim_cfg_init(&a, PCISIM_CFG_PCIE_SIZE, true), 0);
	pcisim_cfg_set(&a, PCI_VENDOR_ID, 0x1b36, 2);
	assert_int_equal(pcisim_cfg_clone(&b, &a), 0);
	assert_int_equal(pcisim_cfg_clone(&d, &a), 0);
	/* sharing: a clone costs its bytes only */
	assert_ptr_equal(a.m, b.m);
	assert_ptr_equal(a.m, d.m);
	assert_int_equal(a.m->refs, 3);
	assert_true(pcisim_cfg_masks_shared(&b));
	assert_ptr_not_equal(a.bytes, b.bytes);
	assert_int_equal(pcisim_cfg_get16(&b, PCI_VENDOR_ID), 0x1b36);
	/* byte writes never unshare */
	pcisim_cfg_write(&b, PCI_COMMAND, 0x0006, 2);
	assert_ptr_equal(a.m, b.m);
	assert_int_equal(pcisim_cfg_get16(&a, PCI_COMMAND), 0);
	/* a "change" to the same value does not copy */
	pcisim_cfg_mask_set(&b, PCISIM_WMASK, PCI_COMMAND, 2, 0x0507);
	pcisim_cfg_mask_fill(&b, PCISIM_WMASK, 0x40, 16, 0xff);
	pcisim_cfg_set_flags(&b, 0);
	assert_ptr_equal(a.m, b.m);
	/* the first real change copies; the others keep the original */
	const struct pcisim_cfg_masks *shared = a.m;
	pcisim_cfg_mask_clr(&b, PCISIM_WMASK, PCI_COMMAND, 2, PCI_COMMAND_IO);
	assert_ptr_not_equal(b.m, shared);
	assert_ptr_equal(a.m, shared);
	assert_int_equal(shared->refs, 2);
	assert_int_equal(b.m->refs, 1);
	assert_false(pcisim_cfg_masks_shared(&b));
	assert_int_equal(wm(&b, PCI_COMMAND, 2), 0x0506);
	assert_int_equal(wm(&a, PCI_COMMAND, 2), 0x0507);
	assert_int_equal(wm(&d, PCI_COMMAND, 2), 0x0507);
	/* and behaviour follows each function's own masks */
	pcisim_cfg_write(&b, PCI_COMMAND, 0xffff, 2);
	pcisim_cfg_write(&d, PCI_COMMAND, 0xffff, 2);
	assert_int_equal(pcisim_cfg_get16(&b, PCI_COMMAND), 0x0506);
	assert_int_equal(pcisim_cfg_get16(&d, PCI_COMMAND), 0x0507);
	/* flags are copied with the masks too */
	pcisim_cfg_set_flags(&d, PCISIM_CFG_F_DEVERR);
	assert_ptr_not_equal(d.m, a.m);
	assert_int_equal(a.m->refs, 1);
	assert_int_equal(d.m->flags, PCISIM_CFG_F_DEVERR);
	assert_int_equal(a.m->flags, 0);
	pcisim_cfg_free(&a);
	pcisim_cfg_free(&b);
	pcisim_cfg_free(&d);
	assert_null(a.bytes);
}

/*
 * Frozen masks: equal sets share the sim heap's one constant copy, which no snapshot
 * holds; a change, even by their only user, makes the arrays the user's own first.
 */
static void test_freeze_cow(void **state)
{
	(void)state;
	struct pcisim_heap *h = pcisim_heap_new();
	assert_non_null(h);
	struct pcisim_heap *prev = pcisim_heap_enter(h);
	struct pcisim_cfg a, b;
	assert_int_equal(pcisim_cfg_init(&a, PCISIM_CFG_PCIE_SIZE, true), 0);
	assert_int_equal(pcisim_cfg_init(&b, PCISIM_CFG_PCIE_SIZE, true), 0);
	pcisim_cfg_masks_freeze(a.m);
	pcisim_cfg_masks_freeze(b.m);
	assert_true(a.m->constant && b.m->constant);
	assert_ptr_not_equal(a.m, b.m);
	assert_ptr_equal(a.m->wmask, b.m->wmask); /* one copy of equal arrays */
	size_t count = 0;
	assert_int_equal(pcisim_heap_constant_bytes(h, &count), 5u * PCISIM_CFG_PCIE_SIZE);
	assert_int_equal(count, 1);
	assert_false(pcisim_cfg_masks_shared(&a)); /* one user of the struct */
	const uint8_t *k = a.m->wmask;
	pcisim_cfg_mask_clr(&a, PCISIM_WMASK, PCI_COMMAND, 2, PCI_COMMAND_IO);
	assert_false(a.m->constant);
	assert_ptr_not_equal(a.m->wmask, k);
	assert_int_equal(wm(&a, PCI_COMMAND, 2) & PCI_COMMAND_IO, 0);
	assert_int_equal(wm(&b, PCI_COMMAND, 2) & PCI_COMMAND_IO, PCI_COMMAND_IO);
	assert_int_equal(k[PCI_COMMAND] & PCI_COMMAND_IO, PCI_COMMAND_IO); /* the constant is as it was */
	pcisim_cfg_free(&a);
	pcisim_cfg_free(&b);
	pcisim_heap_leave(prev);
	pcisim_heap_delete(h);
	/* no sim heap: the masks stay their own */
	assert_int_equal(pcisim_cfg_init(&a, PCISIM_CFG_PCIE_SIZE, false), 0);
	pcisim_cfg_masks_freeze(a.m);
	assert_false(a.m->constant);
	pcisim_cfg_free(&a);
}

/* Many clones: one mask set in all. */
static void test_clone_many(void **state)
{
	(void)state;
	enum { N = 1000 };
	struct pcisim_cfg tmpl, *fns = calloc(N, sizeof(*fns));
	assert_non_null(fns);
	assert_int_equal(pcisim_cfg_init(&tmpl, PCISIM_CFG_PCIE_SIZE, false), 0);
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(pcisim_cfg_clone(&fns[i], &tmpl), 0);
	assert_int_equal(tmpl.m->refs, N + 1);
	for (unsigned i = 0; i < N; i++)
		assert_ptr_equal(fns[i].m, tmpl.m);
	pcisim_cfg_free(&tmpl);
	assert_int_equal(fns[0].m->refs, N);
	for (unsigned i = 0; i < N; i++)
		pcisim_cfg_free(&fns[i]);
	free(fns);
}

/* ---- capabilities ---- */

static void test_cap_autoplace(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, true), 0);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_EXP), 0);
	/* pcie-root-port's order: SSVID (8), MSI-X (12), PCIe (0x3c) */
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_SSVID, 0, 8), 0x40);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_MSIX, 0, 12), 0x48);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_EXP, 0, 0x3c), 0x54);
	assert_true(pcisim_cfg_get16(&c, PCI_STATUS) & PCI_STATUS_CAP_LIST);
	/* QEMU links the newest first */
	assert_int_equal(pcisim_cfg_get8(&c, PCI_CAPABILITY_LIST), 0x54);
	assert_int_equal(pcisim_cfg_get8(&c, 0x54 + 1), 0x48);
	assert_int_equal(pcisim_cfg_get8(&c, 0x48 + 1), 0x40);
	assert_int_equal(pcisim_cfg_get8(&c, 0x40 + 1), 0);
	assert_int_equal(pcisim_cfg_get8(&c, 0x54), PCI_CAP_ID_EXP);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_EXP), 0x54);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_MSIX), 0x48);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_SSVID), 0x40);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_MSI), 0);
	/* read-only and checked, free bytes after it stay writable and unchecked */
	for (unsigned i = 0x40; i < 0x90; i++) {
		assert_int_equal(c.m->wmask[i], 0);
		assert_int_equal(c.m->cmask[i], 0xff);
		assert_int_equal(c.m->used[i], 0xff);
	}
	assert_int_equal(c.m->wmask[0x90], 0xff);
	assert_int_equal(c.m->cmask[0x90], 0);
	/* a 10-byte capability owns 12: the next one lands dword-aligned */
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_MSI, 0, 10), 0x90);
	assert_int_equal(c.m->wmask[0x9a], 0xff);
	assert_int_equal(c.m->used[0x9b], 0xff);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_VNDR, 0, 4), 0x9c);
	/* a hole is reused by a capability that fits in it */
	pcisim_cfg_free(&c);
}

static void test_cap_overlap(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, false), 0);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_MSI, 0x70, 0x0e), 0x70);
	/* overlapping: inside, across the start, across the end (the owned padding) */
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_PM, 0x74, 8), 0);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_PM, 0x6c, 8), 0);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_PM, 0x7c, 8), 0);
	/* misaligned, in the header, past the end, too big */
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_PM, 0x82, 8), 0);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_PM, 0x3c, 8), 0);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_PM, 0xfc, 8), 0);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_PM, 0, 0xc1), 0);
	/* nothing changed by the rejects */
	assert_int_equal(pcisim_cfg_get8(&c, PCI_CAPABILITY_LIST), 0x70);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_PM), 0);
	assert_int_equal(c.m->wmask[0x80], 0xff);
	/* right after it is fine; auto-placement skips it */
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_PM, 0x80, 8), 0x80);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_VNDR, 0, 0x30), 0x40);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_EXP, 0, 0x3c), 0x88);
	/* full: 0xc4..0xff is 60 bytes, no room for 64 */
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_VNDR, 0, 64), 0);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_VNDR, 0, 60), 0xc4);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_VNDR, 0, 4), 0);
	pcisim_cfg_free(&c);
}

static void test_ext_caps(void **state)
{
	(void)state;
	struct pcisim_cfg c, p;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, true), 0);
	/* the list must start at 0x100 */
	assert_int_equal(pcisim_cfg_add_ext_cap(&c, PCI_EXT_CAP_ID_ACS, 1, 0x148, 8), 0);
	assert_int_equal(pcisim_cfg_find_ext_cap(&c, PCI_EXT_CAP_ID_ERR), 0);
	assert_int_equal(pcisim_cfg_add_ext_cap(&c, PCI_EXT_CAP_ID_ERR, 2, 0x100, 0x48), 0x100);
	assert_int_equal(pcisim_cfg_get32(&c, 0x100), 0x00020001);
	assert_int_equal(pcisim_cfg_add_ext_cap(&c, PCI_EXT_CAP_ID_ACS, 1, 0x148, 8), 0x148);
	/* chained in order of addition: AER -> ACS -> end */
	assert_int_equal(pcisim_cfg_get32(&c, 0x100), 0x14820001);
	assert_int_equal(pcisim_cfg_get32(&c, 0x148), 0x0001000d);
	/* overlap and misalignment */
	assert_int_equal(pcisim_cfg_add_ext_cap(&c, PCI_EXT_CAP_ID_DPC, 1, 0x140, 0x10), 0);
	assert_int_equal(pcisim_cfg_add_ext_cap(&c, PCI_EXT_CAP_ID_DPC, 1, 0x152, 0x10), 0);
	assert_int_equal(pcisim_cfg_add_ext_cap(&c, PCI_EXT_CAP_ID_DPC, 1, 0xffc, 0x10), 0);
	/* auto-placement takes the first free dword after them */
	assert_int_equal(pcisim_cfg_add_ext_cap(&c, PCI_EXT_CAP_ID_DPC, 1, 0, 0x0c), 0x150);
	assert_int_equal(pcisim_cfg_get32(&c, 0x148), 0x1501000d);
	assert_int_equal(pcisim_cfg_find_ext_cap(&c, PCI_EXT_CAP_ID_ERR), 0x100);
	assert_int_equal(pcisim_cfg_find_ext_cap(&c, PCI_EXT_CAP_ID_ACS), 0x148);
	assert_int_equal(pcisim_cfg_find_ext_cap(&c, PCI_EXT_CAP_ID_DPC), 0x150);
	assert_int_equal(pcisim_cfg_find_ext_cap(&c, PCI_EXT_CAP_ID_ARI), 0);
	/* read-only, not RW1C, checked; ext-space defaults elsewhere stay writable */
	for (unsigned i = 0x100; i < 0x15c; i++) {
		assert_int_equal(c.m->wmask[i], 0);
		assert_int_equal(c.m->w1cmask[i], 0);
		assert_int_equal(c.m->cmask[i], 0xff);
	}
	assert_int_equal(c.m->wmask[0x15c], 0xff);
	/* a corrupt list (pointer back into itself) ends the walk */
	pcisim_cfg_set(&c, 0x150, 0x1001001d, 4);
	assert_int_equal(pcisim_cfg_find_ext_cap(&c, PCI_EXT_CAP_ID_ARI), 0);
	pcisim_cfg_free(&c);
	/* conventional config space has no extended capabilities */
	assert_int_equal(pcisim_cfg_init(&p, PCISIM_CFG_PCI_SIZE, false), 0);
	assert_int_equal(pcisim_cfg_add_ext_cap(&p, PCI_EXT_CAP_ID_ERR, 2, 0x100, 0x48), 0);
	assert_int_equal(pcisim_cfg_find_ext_cap(&p, PCI_EXT_CAP_ID_ERR), 0);
	pcisim_cfg_free(&p);
}

static void test_cap_list_corrupt(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCI_SIZE, false), 0);
	assert_int_equal(pcisim_cfg_add_cap(&c, PCI_CAP_ID_PM, 0x40, 8), 0x40);
	/* a loop back to itself must not hang find */
	pcisim_cfg_set(&c, 0x41, 0x40, 1);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_EXP), 0);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_PM), 0x40);
	/* without Status.CAP_LIST there is no list */
	pcisim_cfg_clrbits(&c, PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_PM), 0);
	pcisim_cfg_free(&c);
}

/* ---- BARs ---- */

static void test_register_bar(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, false), 0);
	assert_int_equal(pcisim_cfg_register_bar(&c, 0, 4096, 0), 0);
	assert_int_equal(wm(&c, PCI_BASE_ADDRESS_0, 4), 0xfffff000);
	assert_int_equal(cm(&c, PCI_BASE_ADDRESS_0, 4), 0xffffffff);
	pcisim_cfg_write(&c, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	assert_int_equal(pcisim_cfg_get32(&c, PCI_BASE_ADDRESS_0), 0xfffff000);
	/* 64-bit prefetchable BAR 2/3 */
	assert_int_equal(pcisim_cfg_register_bar(&c, 2, 1ull << 33,
						 PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH), 0);
	assert_int_equal(pcisim_cfg_get32(&c, PCI_BASE_ADDRESS_2), 0x0c);
	assert_int_equal(wm(&c, PCI_BASE_ADDRESS_2, 4), 0);
	assert_int_equal(wm(&c, PCI_BASE_ADDRESS_3, 4), 0xfffffffe);
	/* the ROM enable bit is writable */
	assert_int_equal(pcisim_cfg_register_bar(&c, PCISIM_CFG_ROM_SLOT, 0x40000, 0), 0);
	assert_int_equal(wm(&c, PCI_ROM_ADDRESS, 4), 0xfffc0001);
	/* bad: not a power of two, 64-bit BAR 5 */
	assert_int_not_equal(pcisim_cfg_register_bar(&c, 1, 3000, 0), 0);
	assert_int_not_equal(pcisim_cfg_register_bar(&c, 5, 4096, PCI_BASE_ADDRESS_MEM_TYPE_64), 0);
	pcisim_cfg_free(&c);
	/* a bridge has two BARs; its ROM is at 0x38 */
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, true), 0);
	assert_int_not_equal(pcisim_cfg_register_bar(&c, 2, 4096, 0), 0);
	assert_int_equal(pcisim_cfg_register_bar(&c, PCISIM_CFG_ROM_SLOT, 4096, 0), 0);
	assert_int_equal(wm(&c, PCI_ROM_ADDRESS1, 4), 0xfffff001);
	pcisim_cfg_free(&c);
}

/* ---- reset ---- */

static void test_reset_sticky(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, false), 0);
	/* a register at 0x60: low byte RW, bits 8-9 RW sticky, bits 12-13 RW1C, bit 12
	 * of them sticky, bit 15 RO */
	pcisim_cfg_mask_set(&c, PCISIM_WMASK, 0x60, 2, 0x03ff);
	pcisim_cfg_mask_set(&c, PCISIM_W1CMASK, 0x60, 2, 0x3000);
	pcisim_cfg_mask_set(&c, PCISIM_STICKY, 0x60, 2, 0x1300);
	pcisim_cfg_set(&c, 0x60, 0x0012, 2);
	uint8_t *image = malloc(c.size);
	assert_non_null(image);
	memcpy(image, c.bytes, c.size);

	pcisim_cfg_write(&c, 0x60, 0x03ff, 2);
	pcisim_cfg_setbits(&c, 0x60, 2, 0xb000); /* hardware sets status and the RO bit */
	pcisim_cfg_write(&c, PCI_COMMAND, 0x0006, 2);
	assert_int_equal(pcisim_cfg_get16(&c, 0x60), 0xb3ff);
	/* warm reset / FLR: sticky RW and RW1C bits survive, the rest returns to the
	 * image, RO bits are left alone */
	pcisim_cfg_reset(&c, image, false);
	assert_int_equal(pcisim_cfg_get16(&c, 0x60), 0x9312);
	assert_int_equal(pcisim_cfg_get16(&c, PCI_COMMAND), 0);
	/* cold reset: everything is the image */
	pcisim_cfg_reset(&c, image, true);
	assert_int_equal(pcisim_cfg_get16(&c, 0x60), 0x0012);
	assert_memory_equal(c.bytes, image, c.size);
	free(image);
	pcisim_cfg_free(&c);
}

/* ---- migration ---- */

static void test_load_check(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, false), 0);
	pcisim_cfg_set(&c, PCI_VENDOR_ID, 0x1b36, 2);
	pcisim_cfg_mask_set(&c, PCISIM_CMASK, 0x6e, 1, 0xff);
	pcisim_cfg_mask_set(&c, PCISIM_WMASK, 0x6e, 1, 0x00);
	pcisim_cfg_mask_set(&c, PCISIM_W1CMASK, 0x6e, 1, 0x19);
	pcisim_cfg_set(&c, 0x6e, 0x40, 1);
	uint8_t *in = malloc(c.size);
	assert_non_null(in);
	memcpy(in, c.bytes, c.size);
	uint16_t bad = 0;
	assert_int_equal(pcisim_cfg_load_check(&c, in, &bad), 0);
	/* writable and RW1C bits may differ; unchecked bytes may differ */
	in[PCI_COMMAND] ^= 0x07;
	in[0x6e] ^= 0x19;
	in[0x200] ^= 0xff;
	assert_int_equal(pcisim_cfg_load_check(&c, in, &bad), 0);
	/* a checked RO bit may not: the first such byte is reported */
	in[0x6e] ^= 0x40;
	in[0x6f] ^= 0x01;
	pcisim_cfg_mask_set(&c, PCISIM_CMASK, 0x6f, 1, 0xff);
	pcisim_cfg_mask_set(&c, PCISIM_WMASK, 0x6f, 1, 0x00);
	assert_int_equal(pcisim_cfg_load_check(&c, in, &bad), -1);
	assert_int_equal(bad, 0x6e);
	char msg[160];
	pcisim_cfg_load_check_msg(&c, in, bad, NULL, msg, sizeof(msg));
	assert_string_equal(msg, "get_pci_config_device: Bad config data: i=0x6e read: 19 device: 40 cmask: ff "
				 "wmask: 0 w1cmask:19");
	pcisim_cfg_load_check_msg(&c, in, bad, "load_pci_config_device", msg, sizeof(msg));
	assert_true(!strncmp(msg, "load_pci_config_device: Bad config data: i=0x6e", 46));
	/* vendor ID is checked by default */
	memcpy(in, c.bytes, c.size);
	in[PCI_VENDOR_ID] = 0x00;
	assert_int_equal(pcisim_cfg_load_check(&c, in, &bad), -1);
	assert_int_equal(bad, 0);
	free(in);
	pcisim_cfg_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type0_defaults),
		cmocka_unit_test(test_type1_defaults),
		cmocka_unit_test(test_write_rule),
		cmocka_unit_test(test_raw_helpers),
		cmocka_unit_test(test_clone_cow),
		cmocka_unit_test(test_clone_many),
		cmocka_unit_test(test_freeze_cow),
		cmocka_unit_test(test_cap_autoplace),
		cmocka_unit_test(test_cap_overlap),
		cmocka_unit_test(test_ext_caps),
		cmocka_unit_test(test_cap_list_corrupt),
		cmocka_unit_test(test_register_bar),
		cmocka_unit_test(test_reset_sticky),
		cmocka_unit_test(test_load_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
