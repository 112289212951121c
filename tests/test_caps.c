/*
 * Capability builders and register descriptors (sim/pcie/caps.c, caps_qemu.c, regdesc.c).
 *
 * The central check walks every register descriptor that a function has and
 * compares every bit with the built config space: its RW/RW1C/RO class through
 * guest writes of all ones and all zeros, the wmask/w1cmask/cmask/sticky masks, the
 * reset value, and what survives a warm and a cold reset. It runs on QEMU's
 * pcie-root-port (PCIe capability at 0x54, Slot Status at 0x6e), xio3130-downstream
 * and an endpoint, under QEMU 7.2 and 8.1 behaviour. Then the facts the scenarios
 * rely on: the 0x6e Presence Detect State migration failure under 7.2 masks and
 * its absence under 8.1, Slot Status masks, the DLLLA rule, AER defaults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/core/diag.h"
#include "sim/pcie/caps.h"
#include "sim/pcie/caps_qemu.h"
#include "sim/qemu/compat.h"
#include "sim/pcie/cfgspace.h"
#include "sim/pcie/regdesc.h"
#include "sim/pcie/regs/acs.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/dpc.h"
#include "sim/pcie/regs/msi.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/regs/pm.h"

#define QEMU_7_2 pcisim_qemu_compat(PCISIM_QEMU(7, 2), PCISIM_QEMU(6, 0)) /* pc-q35-6.0 on 7.2, as in the bug */
#define QEMU_8_1 pcisim_qemu_compat(PCISIM_QEMU(8, 1), PCISIM_QEMU(8, 1))

/* ---- building functions ---- */

static void build_rp(struct pcisim_cfg *c, unsigned qemu)
{
	assert_int_equal(pcisim_cfg_init(c, PCISIM_CFG_PCIE_SIZE, true), 0);
	struct pcisim_qemu_port_config p = pcisim_qemu_port_defaults(qemu);
	p.port = 0x12;
	p.slot = 0x13;
	assert_int_equal(pcisim_caps_qemu_root_port(c, &p), 0);
}

static void build_dsp(struct pcisim_cfg *c, unsigned qemu, uint8_t speed, uint8_t width)
{
	assert_int_equal(pcisim_cfg_init(c, PCISIM_CFG_PCIE_SIZE, true), 0);
	struct pcisim_qemu_port_config p = pcisim_qemu_port_defaults(qemu);
	p.port = 2;
	p.slot = 7;
	p.speed = speed;
	p.width = width;
	assert_int_equal(pcisim_caps_qemu_downstream_port(c, &p), 0);
}

static void build_ep(struct pcisim_cfg *c, unsigned qemu)
{
	assert_int_equal(pcisim_cfg_init(c, PCISIM_CFG_PCIE_SIZE, false), 0);
	struct pcisim_endpoint_config e = {
		.qemu = qemu,
		.vendor = 0x8086,
		.device = 0x10d3,
		.class_rev = 0x02000000,
		.type = PCI_EXP_TYPE_ENDPOINT,
		.pm = true,
		.msi_vectors = 4,
		.msix_vectors = 5,
		.msix_bar = 3,
		.aer = true,
	};
	assert_int_equal(pcisim_caps_endpoint(c, &e), 0);
}

/* ---- the every-bit check ---- */

static uint32_t width_mask(unsigned w)
{
	return w == 4 ? 0xffffffffu : (1u << (8 * w)) - 1;
}

static void fail_reg(const char *who, const char *reg, const char *what, uint32_t got, uint32_t want)
{
	print_error("%s: %s: %s is 0x%x, expected 0x%x\n", who, reg, what, got, want);
	fail();
}

#define EXPECT(what, got, want)                                    \
	do {                                                       \
		uint32_t g_ = (got), w_ = (want);                  \
		if (g_ != w_)                                      \
			fail_reg(who, d->name, (what), g_, w_);    \
	} while (0)

/*
 * Check every register @c has against its descriptor; returns how many were
 * checked. Bytes owned by the header or a capability that are writable or RW1C
 * must all belong to some checked register.
 */
static unsigned check_all_regs(struct pcisim_cfg *c, const char *who)
{
	size_t n;
	const struct pcisim_regdesc *t = pcisim_regdesc_table(&n);
	uint8_t *image = malloc(c->size), *covered = calloc(c->size, 1);
	assert_non_null(image);
	assert_non_null(covered);
	memcpy(image, c->bytes, c->size);
	unsigned checked = 0;

	for (size_t i = 0; i < n; i++) {
		const struct pcisim_regdesc *d = &t[i];
		uint16_t off = 0;
		const struct pcisim_regdesc *found = NULL;
		int rc = pcisim_regdesc_find(c, d->name, &off, &found);
		if (rc == -PCISIM_ENOENT)
			continue;
		assert_int_equal(rc, 0);
		assert_ptr_equal(found, d);
		checked++;
		memset(covered + off, 1, d->width);
		unsigned w = d->width;
		uint32_t all = width_mask(w);
		struct pcisim_regattr a;
		pcisim_regdesc_eval(c, d, &a);

		/* the attribute classes partition the register */
		EXPECT("ro|rw|rw1c|rsvdp", a.ro | a.rw | a.rw1c | a.rsvdp, all);
		EXPECT("ro&rw", a.ro & a.rw, 0);
		EXPECT("ro&rw1c", a.ro & a.rw1c, 0);
		EXPECT("rw&rw1c", a.rw & a.rw1c, 0);
		EXPECT("rsvdp&(ro|rw|rw1c)", a.rsvdp & (a.ro | a.rw | a.rw1c), 0);
		EXPECT("hwinit outside ro", a.hwinit & ~a.ro, 0);
		EXPECT("rz outside rw", a.rz & ~a.rw, 0);

		/* the masks */
		EXPECT("wmask", pcisim_cfg_mask_get(c, PCISIM_WMASK, off, w), a.rw);
		EXPECT("w1cmask", pcisim_cfg_mask_get(c, PCISIM_W1CMASK, off, w), a.rw1c);
		EXPECT("cmask", pcisim_cfg_mask_get(c, PCISIM_CMASK, off, w), ~a.uncheck & all);
		EXPECT("sticky", pcisim_cfg_mask_get(c, PCISIM_STICKY, off, w), a.sticky);

		/* the value at build time */
		uint32_t v = pcisim_cfg_get(c, off, w);
		EXPECT("reset value", v & ~a.hwinit, a.reset & ~a.hwinit);

		/* RW bits follow, RW1C bits clear when set and written 1, RO keep */
		pcisim_cfg_setbits(c, off, w, a.rw1c);
		pcisim_cfg_write(c, off, all, w);
		EXPECT("after writing 1s", pcisim_cfg_get(c, off, w), (v & ~a.rw & ~a.rw1c) | a.rw);
		pcisim_cfg_setbits(c, off, w, a.rw1c);
		pcisim_cfg_write(c, off, 0, w);
		EXPECT("after writing 0s", pcisim_cfg_get(c, off, w), (v & ~a.rw & ~a.rw1c) | a.rw1c);
		pcisim_cfg_write(c, off, a.rw1c, w);
		EXPECT("after clearing RW1C", pcisim_cfg_get(c, off, w), v & ~a.rw & ~a.rw1c);

		/* sticky bits survive a warm reset, not a cold one */
		pcisim_cfg_write(c, off, all, w);
		pcisim_cfg_setbits(c, off, w, a.rw1c);
		uint32_t set = pcisim_cfg_get(c, off, w);
		uint32_t volat = (a.rw | a.rw1c) & ~a.sticky;
		pcisim_cfg_reset(c, image, false);
		EXPECT("after warm reset", pcisim_cfg_get(c, off, w), (set & ~volat) | (v & volat));
		pcisim_cfg_reset(c, image, true);
		EXPECT("after cold reset", pcisim_cfg_get(c, off, w), v);
	}
	assert_memory_equal(c->bytes, image, c->size);

	/*
	 * Nothing writable in the header or a capability escapes the descriptors. A
	 * capability owns its size rounded up to a dword, but QEMU makes only its size
	 * read-only: padding bytes keep the free-space default (RW, unchecked), which
	 * is skipped here (MSI 64-bit without masking, 0x0e bytes, pads 2).
	 */
	for (unsigned i = 0; i < c->size; i++) {
		bool owned = i < PCI_STD_HEADER_SIZEOF || c->m->used[i];
		bool pad = i >= PCI_STD_HEADER_SIZEOF && c->m->wmask[i] == 0xff && !c->m->cmask[i] &&
			   !c->m->w1cmask[i] && !c->m->sticky[i];
		if (!owned || covered[i] || pad)
			continue;
		if (c->m->wmask[i] || c->m->w1cmask[i] || c->m->sticky[i]) {
			print_error("%s: byte 0x%x: wmask 0x%x w1cmask 0x%x sticky 0x%x outside every register\n",
				    who, i, c->m->wmask[i], c->m->w1cmask[i], c->m->sticky[i]);
			fail();
		}
	}
	uint16_t bad = 0;
	assert_int_equal(pcisim_cfg_check_masks(c, &bad), 0);
	free(image);
	free(covered);
	return checked;
}

static void test_every_bit_root_port(void **state)
{
	(void)state;
	unsigned qemus[] = {QEMU_7_2, QEMU_8_1, pcisim_qemu_compat(PCISIM_QEMU(10, 0), 0), pcisim_qemu_compat(PCISIM_QEMU(5, 2), PCISIM_QEMU(5, 2))};
	for (unsigned i = 0; i < sizeof(qemus) / sizeof(qemus[0]); i++) {
		struct pcisim_cfg c;
		build_rp(&c, qemus[i]);
		unsigned n = check_all_regs(&c, "pcie-root-port");
		/* header (type 1) + SSVID + MSI-X + PCIe with slot and root + AER with root + ACS */
		assert_int_equal(n, 79);
		pcisim_cfg_free(&c);
	}
}

static void test_every_bit_downstream_port(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	build_dsp(&c, QEMU_7_2, PCISIM_LNK_SPEED_NONE, 0);
	unsigned n = check_all_regs(&c, "xio3130-downstream");
	pcisim_cfg_free(&c);
	build_dsp(&c, QEMU_8_1, PCISIM_LNK_8GT, 4);
	assert_int_equal(check_all_regs(&c, "xio3130-downstream 8GT"), n);
	/* MSI 64-bit without masking: ctl, addr lo/hi, data; no root registers */
	assert_int_equal(pcisim_regdesc_find(&c, "msi_mask", NULL, NULL), -PCISIM_ENOENT);
	assert_int_equal(pcisim_regdesc_find(&c, "root_ctl", NULL, NULL), -PCISIM_ENOENT);
	assert_int_equal(pcisim_regdesc_find(&c, "root_err_status", NULL, NULL), -PCISIM_ENOENT);
	pcisim_cfg_free(&c);
}

static void test_every_bit_endpoint(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	build_ep(&c, QEMU_7_2);
	unsigned n = check_all_regs(&c, "endpoint 7.2");
	assert_true(n > 50);
	pcisim_cfg_free(&c);
	build_ep(&c, QEMU_8_1);
	assert_int_equal(check_all_regs(&c, "endpoint 8.1"), n);
	pcisim_cfg_free(&c);
}

/* Optional pieces: DPC with every feature, PM with PME from D3cold, 32-bit MSI,
 * Link Control writable, the resource-reserve capability, a v1 capability. */
static void test_every_bit_options(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, true), 0);
	struct pcisim_qemu_port_config p = pcisim_qemu_port_defaults(QEMU_8_1);
	p.res.bus = 2;
	p.res.io = 0;
	p.res.pref64 = 1ull << 33;
	p.power_controller = false;
	p.hotplug = false;
	p.acs = false;
	assert_int_equal(pcisim_caps_qemu_root_port(&c, &p), 0);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_VNDR), 0x90);
	struct pcisim_dpc_config dpc = {
		.msg_nr = 3, .rp_ext = true, .rp_pio_log_size = 4, .poisoned_tlp = true, .sw_trigger = true,
		.dl_active = true,
	};
	int pos = pcisim_cap_dpc_init(&c, &dpc);
	assert_int_equal(pos, 0x148);
	check_all_regs(&c, "root port with DPC and reserve");
	/* io-reserve=0: no I/O forwarding (gen_rp_realize) */
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, PCI_COMMAND, 2) & PCI_COMMAND_IO, 0);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, PCI_IO_BASE, 2), 0);
	pcisim_cfg_free(&c);

	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, false), 0);
	struct pcisim_pm_config pm = {
		.pmc = PCISIM_PM_CAP_VER_1_2 | PCI_PM_CAP_PME_D0 | PCI_PM_CAP_PME_D3hot | PCI_PM_CAP_PME_D3cold,
		.no_soft_reset = true,
	};
	assert_int_equal(pcisim_cap_pm_init(&c, 0, &pm), 0x40);
	assert_int_equal(pcisim_cap_msi_init(&c, 0, 32, false, true), 0x48);
	assert_int_equal(pcisim_cap_msix_init(&c, 0, 64, 0, 0, 0, 0x400), 0x5c);
	struct pcisim_exp_config x = {.type = PCI_EXP_TYPE_RC_END, .lnkctl = true, .speed = PCISIM_LNK_32GT,
				      .width = 16, .msg_nr = 31};
	assert_int_equal(pcisim_cap_exp_init(&c, &x), 0x68);
	check_all_regs(&c, "RCiEP with options");
	pcisim_cfg_free(&c);

	/* a v1 PCIe capability (0x14 bytes, endpoints only) */
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, false), 0);
	struct pcisim_exp_config v1 = {.type = PCI_EXP_TYPE_LEG_END, .version = 1, .deverr = true, .flr = true};
	assert_int_equal(pcisim_cap_exp_init(&c, &v1), 0x40);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_MSI), 0);
	assert_int_equal(pcisim_regdesc_find(&c, "dev_ctl2", NULL, NULL), -PCISIM_ENOENT);
	check_all_regs(&c, "v1 legacy endpoint");
	struct pcisim_exp_config v1bad = {.type = PCI_EXP_TYPE_ROOT_PORT, .version = 1};
	assert_true(pcisim_cap_exp_init(&c, &v1bad) < 0);
	pcisim_cfg_free(&c);
}

/* ---- QEMU's pcie-root-port layout ---- */

static void test_root_port_layout(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	build_rp(&c, QEMU_8_1);
	assert_int_equal(pcisim_cfg_get16(&c, PCI_VENDOR_ID), 0x1b36);
	assert_int_equal(pcisim_cfg_get16(&c, PCI_DEVICE_ID), 0x000c);
	assert_int_equal(pcisim_cfg_get16(&c, PCI_CLASS_DEVICE), 0x0604);
	assert_int_equal(pcisim_cfg_get8(&c, PCI_HEADER_TYPE), 1);
	assert_int_equal(pcisim_cfg_get8(&c, PCI_INTERRUPT_PIN), 1);
	assert_int_equal(pcisim_cfg_get16(&c, PCI_STATUS), PCI_STATUS_CAP_LIST);
	/* SSVID 0x40, MSI-X 0x48, PCIe 0x54, newest first in the list */
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_SSVID), 0x40);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_MSIX), 0x48);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_EXP), 0x54);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_VNDR), 0); /* no reserve set */
	assert_int_equal(pcisim_cfg_get8(&c, PCI_CAPABILITY_LIST), 0x54);
	assert_int_equal(pcisim_cfg_get8(&c, 0x55), 0x48);
	assert_int_equal(pcisim_cfg_get8(&c, 0x49), 0x40);
	assert_int_equal(pcisim_cfg_get8(&c, 0x41), 0);
	assert_int_equal(pcisim_cfg_get16(&c, 0x40 + PCI_SSVID_VENDOR_ID), 0x1b36);
	/* MSI-X: one vector, table BAR 0 offset 0, PBA BAR 0 offset 0x800 */
	assert_int_equal(pcisim_cfg_get16(&c, 0x48 + PCI_MSIX_FLAGS), 0);
	assert_int_equal(pcisim_cfg_get32(&c, 0x48 + PCI_MSIX_TABLE), 0);
	assert_int_equal(pcisim_cfg_get32(&c, 0x48 + PCI_MSIX_PBA), 0x800);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, PCI_BASE_ADDRESS_0, 4), 0xfffff000);
	/* register addresses named in the bug report */
	uint16_t off = 0;
	assert_int_equal(pcisim_regdesc_find(&c, "slot_status", &off, NULL), 0);
	assert_int_equal(off, 0x6e);
	assert_int_equal(pcisim_regdesc_find(&c, "slot_ctl", &off, NULL), 0);
	assert_int_equal(off, 0x6c);
	assert_int_equal(pcisim_regdesc_find(&c, "slot_cap", &off, NULL), 0);
	assert_int_equal(off, 0x68);
	assert_int_equal(pcisim_regdesc_find(&c, "lnk_status", &off, NULL), 0);
	assert_int_equal(off, 0x66);
	/* PCIe capability: root port v2, slot implemented, message 0 */
	assert_int_equal(pcisim_cfg_get16(&c, 0x54 + PCI_EXP_FLAGS), 0x0142);
	/* 16 GT/s x32, port 0x12: LBNC and DLLLARC, L0s */
	assert_int_equal(pcisim_cfg_get32(&c, 0x54 + PCI_EXP_LNKCAP), 0x12300604);
	assert_int_equal(pcisim_cfg_get16(&c, 0x54 + PCI_EXP_LNKSTA), 0x0011);
	assert_int_equal(pcisim_cfg_get16(&c, 0x54 + PCI_EXP_LNKCTL2), PCI_EXP_LNKCTL2_TLS_16_0GT);
	assert_int_equal(pcisim_cfg_get32(&c, 0x54 + PCI_EXP_LNKCAP2), 0x1e);
	assert_int_equal(pcisim_cfg_get32(&c, 0x54 + PCI_EXP_DEVCAP), PCI_EXP_DEVCAP_RBER);
	assert_int_equal(pcisim_cfg_get32(&c, 0x54 + PCI_EXP_DEVCAP2),
			 PCI_EXP_DEVCAP2_ARI | PCI_EXP_DEVCAP2_EFF | PCI_EXP_DEVCAP2_EETLPP);
	/* slot 0x13: ABP|PCP|AIP|PIP|HPS|HPC (0x7b) | EIP, PIC and AIC off, power on */
	assert_int_equal(pcisim_cap_exp_slot_cap(&c, 0), (0x13u << 19) | 0x7b | PCI_EXP_SLTCAP_EIP);
	assert_int_equal(pcisim_cap_exp_slot_ctl(&c, 0), 0x03c0);
	assert_int_equal(pcisim_cap_exp_slot_sta(&c, 0x54), 0);
	/* AER at 0x100 (version 2, next 0x148), ACS at 0x148 */
	assert_int_equal(pcisim_cfg_find_ext_cap(&c, PCI_EXT_CAP_ID_ERR), 0x100);
	assert_int_equal(pcisim_cfg_get32(&c, 0x100), 0x14820001);
	assert_int_equal(pcisim_cfg_find_ext_cap(&c, PCI_EXT_CAP_ID_ACS), 0x148);
	assert_int_equal(pcisim_cfg_get32(&c, 0x148), 0x0001000d);
	assert_int_equal(pcisim_cfg_get16(&c, 0x148 + PCI_ACS_CAP), 0x5f);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, 0x148 + PCI_ACS_CTRL, 2), 0x5f);
	/* the PCIe port header: status clean, bridge control reduced, SERR writable */
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, PCI_BRIDGE_CONTROL, 2), 0x005f);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_W1CMASK, PCI_BRIDGE_CONTROL, 2), 0x0400);
	/* 8.1 machine: Secondary Latency Timer still writable (fixed for 8.2+) */
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, PCI_SEC_LATENCY_TIMER, 1), 0xff);
	pcisim_cfg_free(&c);
	build_rp(&c, pcisim_qemu_compat(PCISIM_QEMU(9, 0), PCISIM_QEMU(9, 0)));
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, PCI_SEC_LATENCY_TIMER, 1), 0);
	pcisim_cfg_free(&c);
}

static void test_downstream_port_layout(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	build_dsp(&c, QEMU_8_1, PCISIM_LNK_SPEED_NONE, 0);
	assert_int_equal(pcisim_cfg_get16(&c, PCI_VENDOR_ID), 0x104c);
	assert_int_equal(pcisim_cfg_get16(&c, PCI_DEVICE_ID), 0x8233);
	assert_int_equal(pcisim_cfg_get8(&c, PCI_REVISION_ID), 1);
	assert_int_equal(pcisim_cfg_get8(&c, PCI_CAPABILITY_LIST), 0x90);
	assert_int_equal(pcisim_cfg_get8(&c, 0x91), 0x80);
	assert_int_equal(pcisim_cfg_get8(&c, 0x81), 0x70);
	assert_int_equal(pcisim_cfg_get16(&c, 0x70 + PCI_MSI_FLAGS), PCI_MSI_FLAGS_64BIT);
	uint16_t off = 0;
	assert_int_equal(pcisim_regdesc_find(&c, "slot_status", &off, NULL), 0);
	assert_int_equal(off, 0xaa);
	assert_int_equal(pcisim_regdesc_find(&c, "msi_data", &off, NULL), 0);
	assert_int_equal(off, 0x7c);
	/* downstream port with FLR: Initiate FLR writable, reads 0 at reset */
	assert_int_equal(pcisim_cfg_get16(&c, 0x90 + PCI_EXP_FLAGS), 0x0162);
	assert_true(pcisim_cfg_get32(&c, 0x90 + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, 0x90 + PCI_EXP_DEVCTL, 2), 0x800f);
	/* no speed property: QEMU leaves LNKCAP width/speed 0 */
	assert_int_equal(pcisim_cfg_get32(&c, 0x90 + PCI_EXP_LNKCAP) & 0x3ff, 0);
	/* AER without root registers, and no ACS (xio3130-downstream never got it) */
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, 0x100 + PCI_ERR_ROOT_COMMAND, 4), 0);
	assert_int_equal(pcisim_cfg_find_ext_cap(&c, PCI_EXT_CAP_ID_ACS), 0);
	assert_int_equal(pcisim_cfg_get32(&c, 0x100), 0x00020001);
	pcisim_cfg_free(&c);
}

/* ---- Slot Status and the i=0x6e migration failure ---- */

static void test_slot_status_masks(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	build_rp(&c, QEMU_7_2);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_W1CMASK, 0x6e, 2), 0x0019);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, 0x6e, 2), 0);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_CMASK, 0x6e, 1), 0xff);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, 0x6c, 2), 0x0ff9);
	pcisim_cfg_free(&c);
	build_rp(&c, QEMU_8_1);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_W1CMASK, 0x6e, 2), 0x0019);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_CMASK, 0x6e, 1), 0xbf);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_CMASK, 0x6f, 1), 0xff);
	/* Link Status never checked, Root Error Status message number not checked */
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_CMASK, 0x66, 2), 0);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_CMASK, 0x130, 4), 0x07ffffff);
	pcisim_cfg_free(&c);
}

/*
 * The PDS race: destination realized with the device present (cold plug: PDS=1),
 * source unplugged it after the guest powered the slot off (PDS=0).
 */
static void test_pds_migration(void **state)
{
	(void)state;
	unsigned vers[2] = {QEMU_7_2, QEMU_8_1};
	for (unsigned k = 0; k < 2; k++) {
		struct pcisim_cfg src, dst;
		build_rp(&src, vers[k]);
		assert_int_equal(pcisim_cfg_clone(&dst, &src), 0);
		/* both: guest configured the port alike */
		pcisim_cfg_write(&src, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
		pcisim_cfg_write(&dst, PCI_COMMAND, PCI_COMMAND_MASTER, 2); /* RW: may differ */
		/* destination: device on the command line, cold-plugged */
		pcisim_cap_exp_slot_sta_set(&dst, 0, PCI_EXP_SLTSTA_PDS);
		pcisim_cap_exp_lnk_sta_set(&dst, 0, PCI_EXP_LNKSTA_DLLLA);
		/* source: guest powered off, QEMU unplugged: PDS=0, PDC=1, DLLLA=0, and the
		 * guest left Slot Control with power and indicator off */
		pcisim_cfg_write(&src, 0x6c, 0x07c0, 2);
		pcisim_cap_exp_slot_sta_set(&src, 0, PCI_EXP_SLTSTA_PDC);
		uint16_t bad = 0;
		int rc = pcisim_cfg_load_check(&dst, src.bytes, &bad);
		if (k == 0) {
			assert_int_equal(rc, -1);
			assert_int_equal(bad, 0x6e);
			char msg[160];
			pcisim_cfg_load_check_msg(&dst, src.bytes, bad, NULL, msg, sizeof(msg));
			assert_string_equal(msg, "get_pci_config_device: Bad config data: i=0x6e read: 8 device: 40 "
						 "cmask: ff wmask: 0 w1cmask:19");
			/* without the PDC write the bytes match QEMU's log exactly */
			pcisim_cap_exp_slot_sta_clr(&src, 0, PCI_EXP_SLTSTA_PDC);
			assert_int_equal(pcisim_cfg_load_check(&dst, src.bytes, &bad), -1);
			pcisim_cfg_load_check_msg(&dst, src.bytes, bad, NULL, msg, sizeof(msg));
			assert_string_equal(msg, "get_pci_config_device: Bad config data: i=0x6e read: 0 device: 40 "
						 "cmask: ff wmask: 0 w1cmask:19");
		} else {
			assert_int_equal(rc, 0);
		}
		pcisim_cfg_free(&src);
		pcisim_cfg_free(&dst);
	}
}

/* ---- PCIe capability details ---- */

static void test_dllla_rule(void **state)
{
	(void)state;
	struct {
		unsigned qemu;
		uint8_t speed, width;
		uint32_t lnkcap_bits;
		uint16_t dllla;
	} cases[] = {
		/* > 2.5 GT/s: DLLLARC (and LBNC); DLLLA at plug since QEMU 6.0 */
		{QEMU_8_1, PCISIM_LNK_16GT, 32, PCI_EXP_LNKCAP_DLLLARC | PCI_EXP_LNKCAP_LBNC, 0},
		{QEMU_8_1, PCISIM_LNK_5GT, 1, PCI_EXP_LNKCAP_DLLLARC | PCI_EXP_LNKCAP_LBNC, 0},
		/* before 6.0 DLLLA was hardwired with DLLLARC */
		{pcisim_qemu_compat(PCISIM_QEMU(5, 2), PCISIM_QEMU(5, 2)), PCISIM_LNK_8GT, 4, PCI_EXP_LNKCAP_DLLLARC | PCI_EXP_LNKCAP_LBNC,
		 PCI_EXP_LNKSTA_DLLLA},
		/* 2.5 GT/s: not "for compatibility"; LBNC only when wider than x1 */
		{QEMU_8_1, PCISIM_LNK_2_5GT, 1, 0, 0},
		{QEMU_8_1, PCISIM_LNK_2_5GT, 4, PCI_EXP_LNKCAP_LBNC, 0},
		{pcisim_qemu_compat(PCISIM_QEMU(5, 2), PCISIM_QEMU(5, 2)), PCISIM_LNK_2_5GT, 1, 0, 0},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pcisim_cfg c;
		assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, true), 0);
		struct pcisim_qemu_port_config p = pcisim_qemu_port_defaults(cases[i].qemu);
		p.speed = cases[i].speed;
		p.width = cases[i].width;
		assert_int_equal(pcisim_caps_qemu_root_port(&c, &p), 0);
		uint32_t lnkcap = pcisim_cfg_get32(&c, 0x54 + PCI_EXP_LNKCAP);
		assert_int_equal(lnkcap & (PCI_EXP_LNKCAP_DLLLARC | PCI_EXP_LNKCAP_LBNC), cases[i].lnkcap_bits);
		assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKCAP_SLS, lnkcap), cases[i].speed);
		assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKCAP_MLW, lnkcap), cases[i].width);
		assert_int_equal(pcisim_cap_exp_lnk_sta(&c, 0) & PCI_EXP_LNKSTA_DLLLA, cases[i].dllla);
		uint16_t tls = pcisim_cfg_get16(&c, 0x54 + PCI_EXP_LNKCTL2) & PCI_EXP_LNKCTL2_TLS;
		assert_int_equal(tls, cases[i].speed > PCISIM_LNK_2_5GT ? cases[i].speed : 0);
		pcisim_cfg_free(&c);
	}
}

static void test_exp_endpoint(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	build_ep(&c, QEMU_8_1);
	uint16_t e = pcisim_cfg_find_cap(&c, PCI_CAP_ID_EXP);
	assert_int_equal(pcisim_cap_exp_type(&c), PCI_EXP_TYPE_ENDPOINT);
	/* FLR capable; Initiate FLR writable and consumed by the hook */
	assert_true(pcisim_cfg_get32(&c, e + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR);
	pcisim_cfg_write(&c, e + PCI_EXP_DEVCTL, PCI_EXP_DEVCTL_BCR_FLR | PCI_EXP_DEVCTL_CERE, 2);
	assert_int_equal(pcisim_cfg_test_and_clear(&c, e + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_BCR_FLR),
			 PCI_EXP_DEVCTL_BCR_FLR);
	assert_int_equal(pcisim_cfg_get16(&c, e + PCI_EXP_DEVCTL), PCI_EXP_DEVCTL_CERE);
	/* Device Status error bits RW1C */
	pcisim_cfg_setbits(&c, e + PCI_EXP_DEVSTA, 2, PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_CED);
	pcisim_cfg_write(&c, e + PCI_EXP_DEVSTA, PCI_EXP_DEVSTA_FED, 2);
	assert_int_equal(pcisim_cfg_get16(&c, e + PCI_EXP_DEVSTA), PCI_EXP_DEVSTA_CED);
	/* no slot, no root registers */
	assert_int_equal(pcisim_regdesc_find(&c, "slot_status", NULL, NULL), -PCISIM_ENOENT);
	assert_int_equal(pcisim_regdesc_find(&c, "root_err_cmd", NULL, NULL), -PCISIM_ENOENT);
	assert_int_equal(pcisim_regdesc_find(&c, "no_such_register", NULL, NULL), -PCISIM_EINVAL);
	/* x1 2.5 GT/s by default */
	assert_int_equal(pcisim_cfg_get16(&c, e + PCI_EXP_LNKSTA), 0x0011);
	/* MSI 64-bit with 4 maskable vectors: data at +0x0c, mask bits 0-3 writable */
	uint16_t m = pcisim_cfg_find_cap(&c, PCI_CAP_ID_MSI);
	uint16_t off = 0;
	assert_int_equal(pcisim_regdesc_find(&c, "msi_mask", &off, NULL), 0);
	assert_int_equal(off, m + PCI_MSI_MASK_64);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, off, 4), 0xf);
	assert_int_equal(pcisim_cfg_get16(&c, m + PCI_MSI_FLAGS), 0x0184);
	/* MSI-X: 5 vectors, table and PBA in BAR 3 */
	uint16_t x = pcisim_cfg_find_cap(&c, PCI_CAP_ID_MSIX);
	assert_int_equal(pcisim_cfg_get16(&c, x + PCI_MSIX_FLAGS), 4);
	assert_int_equal(pcisim_cfg_get32(&c, x + PCI_MSIX_TABLE), 3);
	assert_int_equal(pcisim_cfg_get32(&c, x + PCI_MSIX_PBA), 0x803);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, PCI_BASE_ADDRESS_3, 4), 0xfffff000);
	/* read by name */
	uint32_t v = 0;
	assert_int_equal(pcisim_regdesc_read(&c, "vendor_id", &v), 0);
	assert_int_equal(v, 0x8086);
	pcisim_cfg_free(&c);
}

static void test_exp_bad_config(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, false), 0);
	struct pcisim_exp_config bad_nr = {.type = PCI_EXP_TYPE_ENDPOINT, .msg_nr = 32};
	assert_true(pcisim_cap_exp_init(&c, &bad_nr) < 0);
	struct pcisim_exp_config bad_type = {.type = 0xb};
	assert_true(pcisim_cap_exp_init(&c, &bad_type) < 0);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_EXP), 0);
	/* AER needs the PCIe capability first (QEMU pcie_cap_get_type asserts it) */
	struct pcisim_aer_config a = {.offset = 0x100};
	assert_true(pcisim_cap_aer_init(&c, &a) < 0);
	/* MSI vector counts are powers of two up to 32; MSI-X needs aligned, disjoint
	 * table and PBA */
	assert_true(pcisim_cap_msi_init(&c, 0, 3, false, false) < 0);
	assert_true(pcisim_cap_msi_init(&c, 0, 64, false, false) < 0);
	assert_true(pcisim_cap_msix_init(&c, 0, 8, 0, 0, 0, 0x40) < 0);
	assert_true(pcisim_cap_msix_init(&c, 0, 8, 0, 4, 1, 0) < 0);
	assert_true(pcisim_cap_msix_init(&c, 0, 0, 0, 0, 1, 0) < 0);
	/* explicit overlapping offset */
	assert_int_equal(pcisim_cap_ssvid_init(&c, 0x40, 1, 2), 0x40);
	assert_true(pcisim_cap_ssvid_init(&c, 0x44, 1, 2) < 0);
	/* PCIe capabilities need PCIe config space */
	struct pcisim_cfg p;
	assert_int_equal(pcisim_cfg_init(&p, PCISIM_CFG_PCI_SIZE, false), 0);
	struct pcisim_exp_config ok = {.type = PCI_EXP_TYPE_ENDPOINT};
	assert_true(pcisim_cap_exp_init(&p, &ok) < 0);
	/* port presets need a type 1 PCIe space */
	struct pcisim_qemu_port_config port = pcisim_qemu_port_defaults(QEMU_8_1);
	assert_true(pcisim_caps_qemu_root_port(&c, &port) < 0);
	assert_true(pcisim_caps_qemu_downstream_port(&p, &port) < 0);
	pcisim_cfg_free(&p);
	pcisim_cfg_free(&c);
}

/* ---- AER ---- */

static void test_aer_defaults(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	build_rp(&c, QEMU_8_1);
	uint16_t a = 0x100;
	assert_int_equal(pcisim_cfg_get32(&c, a + PCI_ERR_UNCOR_SEVER), 0x00462030);
	assert_int_equal(pcisim_cfg_get32(&c, a + PCI_ERR_COR_MASK), 0x0000e000);
	assert_int_equal(pcisim_cfg_get32(&c, a + PCI_ERR_UNCOR_MASK), 0x02400000);
	assert_int_equal(pcisim_cfg_get32(&c, a + PCI_ERR_CAP),
			 PCI_ERR_CAP_ECRC_GENC | PCI_ERR_CAP_ECRC_CHKC | PCI_ERR_CAP_MHRC);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_W1CMASK, a + PCI_ERR_UNCOR_STATUS, 4), 0x03fff030);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_W1CMASK, a + PCI_ERR_COR_STATUS, 4), 0x0000f1c1);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, a + PCI_ERR_UNCOR_MASK, 4), 0x03fff030);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, a + PCI_ERR_ROOT_COMMAND, 4), 7);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_W1CMASK, a + PCI_ERR_ROOT_STATUS, 4), 0x7f);
	/* sticky: status survives a warm reset, the root command does not */
	uint8_t *image = malloc(c.size);
	memcpy(image, c.bytes, c.size);
	pcisim_cfg_setbits(&c, a + PCI_ERR_UNCOR_STATUS, 4, PCI_ERR_UNC_POISON_TLP);
	pcisim_cfg_write(&c, a + PCI_ERR_ROOT_COMMAND, 7, 4);
	pcisim_cfg_write(&c, a + PCI_ERR_UNCOR_SEVER, 0, 4);
	pcisim_cfg_reset(&c, image, false);
	assert_int_equal(pcisim_cfg_get32(&c, a + PCI_ERR_UNCOR_STATUS), PCI_ERR_UNC_POISON_TLP);
	assert_int_equal(pcisim_cfg_get32(&c, a + PCI_ERR_UNCOR_SEVER), 0);
	assert_int_equal(pcisim_cfg_get32(&c, a + PCI_ERR_ROOT_COMMAND), 0);
	pcisim_cfg_reset(&c, image, true);
	assert_int_equal(pcisim_cfg_get32(&c, a + PCI_ERR_UNCOR_STATUS), 0);
	assert_int_equal(pcisim_cfg_get32(&c, a + PCI_ERR_UNCOR_SEVER), 0x00462030);
	free(image);
	pcisim_cfg_free(&c);
	/* x-pcie-err-unc-mask off (machines < 8.0): the mask is RO 0 */
	build_rp(&c, QEMU_7_2);
	assert_int_equal(pcisim_cfg_get32(&c, a + PCI_ERR_UNCOR_MASK), 0);
	assert_int_equal(pcisim_cfg_mask_get(&c, PCISIM_WMASK, a + PCI_ERR_UNCOR_MASK, 4), 0);
	pcisim_cfg_free(&c);
	/* a 7.2 binary gets the mask only... never: it predates it; 8.0 on an 8.0 machine does */
	assert_false(pcisim_qemu_compat(PCISIM_QEMU(7, 2), 0) & PCISIM_QEMU_AER_UNC_MASK);
	assert_true(pcisim_qemu_compat(PCISIM_QEMU(8, 0), 0) & PCISIM_QEMU_AER_UNC_MASK);
	assert_false(pcisim_qemu_compat(PCISIM_QEMU(9, 0), PCISIM_QEMU(7, 2)) & PCISIM_QEMU_AER_UNC_MASK);
}

static void test_qemu_compat(void **state)
{
	(void)state;
	unsigned f72 = pcisim_qemu_compat(PCISIM_QEMU(7, 2), PCISIM_QEMU(6, 0));
	assert_false(f72 & PCISIM_QEMU_PDS_UNCHECKED);
	assert_true(f72 & PCISIM_QEMU_DLLLA_AT_PLUG);
	assert_false(f72 & PCISIM_QEMU_SEC_LAT_RO);
	unsigned f81 = pcisim_qemu_compat(PCISIM_QEMU(8, 1), PCISIM_QEMU(6, 0));
	assert_true(f81 & PCISIM_QEMU_PDS_UNCHECKED); /* a binary fix, whatever the machine */
	assert_false(f81 & PCISIM_QEMU_AER_UNC_MASK);
	assert_true(pcisim_qemu_compat(PCISIM_QEMU(6, 1), PCISIM_QEMU(6, 1)) & PCISIM_QEMU_HIDE_HPC);
	assert_false(pcisim_qemu_compat(PCISIM_QEMU(7, 0), PCISIM_QEMU(6, 0)) & PCISIM_QEMU_HIDE_HPC);
	assert_true(pcisim_qemu_compat(PCISIM_QEMU(9, 2), 0) & PCISIM_QEMU_EXT_TAG);
	assert_false(pcisim_qemu_compat(PCISIM_QEMU(9, 2), PCISIM_QEMU(9, 1)) & PCISIM_QEMU_EXT_TAG);
	/* 6.1 machine: no native hot-plug capability, I/O reserve added */
	struct pcisim_cfg c;
	build_rp(&c, pcisim_qemu_compat(PCISIM_QEMU(6, 1), PCISIM_QEMU(6, 1)));
	assert_int_equal(pcisim_cap_exp_slot_cap(&c, 0) & (PCI_EXP_SLTCAP_HPC | PCI_EXP_SLTCAP_HPS), 0);
	uint16_t v = pcisim_cfg_find_cap(&c, PCI_CAP_ID_VNDR);
	assert_int_equal(v, 0x90);
	assert_int_equal(pcisim_cfg_get32(&c, v + PCISIM_REDHAT_CAP_RES_IO), 4096);
	assert_int_equal(pcisim_cfg_get32(&c, v + PCISIM_REDHAT_CAP_RES_BUS), 0xffffffff);
	assert_int_equal(pcisim_cfg_get8(&c, v + PCISIM_REDHAT_CAP_LEN), 32);
	pcisim_cfg_free(&c);
	/* 9.2+: Extended Tag */
	build_rp(&c, pcisim_qemu_compat(PCISIM_QEMU(9, 2), PCISIM_QEMU(9, 2)));
	assert_true(pcisim_cfg_get32(&c, 0x54 + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_EXT_TAG);
	pcisim_cfg_free(&c);
}

static void test_res_reserve_errors(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	assert_int_equal(pcisim_cfg_init(&c, PCISIM_CFG_PCIE_SIZE, true), 0);
	struct pcisim_res_reserve r = PCISIM_RES_RESERVE_UNSET;
	assert_int_equal(pcisim_cap_qemu_res_reserve_init(&c, 0, &r), 0);
	assert_int_equal(pcisim_cfg_find_cap(&c, PCI_CAP_ID_VNDR), 0);
	r.pref32 = 1 << 20;
	r.pref64 = 1 << 20;
	assert_true(pcisim_cap_qemu_res_reserve_init(&c, 0, &r) < 0);
	r.pref64 = UINT64_MAX;
	r.mem = 1ull << 32;
	assert_true(pcisim_cap_qemu_res_reserve_init(&c, 0, &r) < 0);
	r.mem = 1 << 20;
	assert_int_equal(pcisim_cap_qemu_res_reserve_init(&c, 0, &r), 0x40);
	assert_int_equal(pcisim_cfg_get32(&c, 0x40 + PCISIM_REDHAT_CAP_RES_MEM), 1 << 20);
	assert_int_equal(pcisim_cfg_get32(&c, 0x40 + PCISIM_REDHAT_CAP_RES_PREF64 + 4), 0xffffffff);
	pcisim_cfg_free(&c);
}

/* ---- descriptors as a list ---- */

static void test_regdesc_names(void **state)
{
	(void)state;
	size_t n;
	const struct pcisim_regdesc *t = pcisim_regdesc_table(&n);
	const char *const *names = pcisim_regdesc_names();
	for (size_t i = 0; i < n; i++) {
		assert_non_null(names[i]);
		assert_string_equal(names[i], t[i].name);
		assert_ptr_equal(pcisim_regdesc_lookup(t[i].name), &t[i]);
		assert_non_null(t[i].spec);
		assert_true(t[i].width == 1 || t[i].width == 2 || t[i].width == 4);
		/* names are unique */
		for (size_t j = 0; j < i; j++)
			assert_true(strcmp(t[i].name, t[j].name) != 0);
	}
	assert_null(names[n]);
	/* the ones scenarios use */
	const char *want[] = {"vendor_id", "command", "status", "header_type", "primary_bus", "secondary_bus",
			      "subordinate_bus", "bridge_control", "dev_ctl", "dev_status", "lnk_status",
			      "slot_cap", "slot_ctl", "slot_status", "root_ctl", "aer_uncor_status",
			      "aer_uncor_mask", "aer_uncor_severity", "aer_cor_status", "root_err_cmd",
			      "root_err_status", "err_src_id", "acs_ctrl", "dpc_status"};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_non_null(pcisim_regdesc_lookup(want[i]));
	assert_null(pcisim_regdesc_lookup("slot_sta"));
}

/* ---- register access helpers ---- */

static void test_slot_helpers(void **state)
{
	(void)state;
	struct pcisim_cfg c;
	build_rp(&c, QEMU_8_1);
	assert_int_equal(pcisim_cap_exp_slot_sta_set(&c, 0, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_PDC), 0);
	assert_int_equal(pcisim_cap_exp_slot_sta_set(&c, 0x54, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP),
			 PCI_EXP_SLTSTA_PDC);
	uint16_t ctl = 0, sta = 0;
	pcisim_cap_exp_slot_get(&c, 0, &ctl, &sta);
	assert_int_equal(ctl, 0x03c0);
	assert_int_equal(sta, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP);
	assert_int_equal(pcisim_cap_exp_slot_sta_clr(&c, 0, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_CC),
			 PCI_EXP_SLTSTA_PDS);
	/* the guest clears the events it was told about */
	pcisim_cfg_write(&c, 0x6e, PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP | PCI_EXP_SLTSTA_PDS, 2);
	assert_int_equal(pcisim_cap_exp_slot_sta(&c, 0), 0);
	assert_int_equal(pcisim_cap_exp_slot_ctl_set(&c, 0, PCI_EXP_SLTCTL_PCC), 0);
	assert_int_equal(pcisim_cap_exp_slot_ctl_clr(&c, 0, PCI_EXP_SLTCTL_PCC | PCI_EXP_SLTCTL_HPIE),
			 PCI_EXP_SLTCTL_PCC);
	assert_int_equal(pcisim_cap_exp_lnk_sta_set(&c, 0, PCI_EXP_LNKSTA_DLLLA), 0);
	assert_int_equal(pcisim_cap_exp_lnk_sta(&c, 0), 0x2011);
	assert_int_equal(pcisim_cap_exp_lnk_sta_clr(&c, 0, PCI_EXP_LNKSTA_DLLLA), PCI_EXP_LNKSTA_DLLLA);
	/* EIC is writable so the hook can see it; the hook consumes it */
	pcisim_cfg_write(&c, 0x6c, 0x03c0 | PCI_EXP_SLTCTL_EIC, 2);
	assert_int_equal(pcisim_cfg_test_and_clear(&c, 0x6c, 2, PCI_EXP_SLTCTL_EIC), PCI_EXP_SLTCTL_EIC);
	assert_int_equal(pcisim_cap_exp_slot_ctl(&c, 0), 0x03c0);
	pcisim_cfg_free(&c);
}

/* Clones of a built model share its masks; the flags travel with them. */
static void test_caps_clone(void **state)
{
	(void)state;
	struct pcisim_cfg a, b;
	build_rp(&a, QEMU_8_1);
	assert_int_equal(pcisim_cfg_clone(&b, &a), 0);
	assert_ptr_equal(a.m, b.m);
	check_all_regs(&b, "clone of pcie-root-port");
	assert_ptr_equal(a.m, b.m);
	pcisim_cfg_free(&a);
	pcisim_cfg_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_bit_root_port),
		cmocka_unit_test(test_every_bit_downstream_port),
		cmocka_unit_test(test_every_bit_endpoint),
		cmocka_unit_test(test_every_bit_options),
		cmocka_unit_test(test_root_port_layout),
		cmocka_unit_test(test_downstream_port_layout),
		cmocka_unit_test(test_slot_status_masks),
		cmocka_unit_test(test_pds_migration),
		cmocka_unit_test(test_dllla_rule),
		cmocka_unit_test(test_exp_endpoint),
		cmocka_unit_test(test_exp_bad_config),
		cmocka_unit_test(test_aer_defaults),
		cmocka_unit_test(test_qemu_compat),
		cmocka_unit_test(test_res_reserve_errors),
		cmocka_unit_test(test_regdesc_names),
		cmocka_unit_test(test_slot_helpers),
		cmocka_unit_test(test_caps_clone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
