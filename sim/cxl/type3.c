/*
 * CXL devices: QEMU's cxl-type3 memory expander (with persistent, volatile and
 * dynamic capacity memory), a CXL type 1 accelerator (cxl-type1: not in QEMU, the
 * local device of the hot-unplug guide in seeds/; see REFERENCE.md's opening notes).
 * This file builds what config space shows: the PCIe
 * capability, the CXL DVSECs and the BARs of the component and device register
 * blocks; the register blocks themselves, the mailbox, CDAT and MCTP are sim/cxl and
 * sim/mctp's.
 *
 * Facts, from QEMU's hw/mem/cxl_type3.c (ct3_realize, build_dvsecs,
 * cxl_setup_memory, ct3_props) and include/hw/cxl/cxl_pci.h:
 *  - 8086:0d93 rev 1, class 050210 (PCI_CLASS_MEMORY_CXL, prog-if 0x10);
 *  - PCIe endpoint at 0x80 (pcie_endpoint_cap_init), error reporting, link from
 *    x-speed (32) / x-width (16) (ct3d_reset: pcie_cap_fill_link_ep_usp);
 *  - Device Serial Number at 0x100 when sn is set, DVSECs from 0x100 (0x10c with
 *    sn): CXL Device (cap 0x1e: IO, Mem, HwInit mode, one HDM range; control IO
 *    enabled; range 1 volatile then persistent, range 2 persistent when both;
 *    Memory_Info_Valid|Active, media and class 2; only the flags for a DCD without
 *    static memory), Register Locator (component registers BAR 0, device registers
 *    BAR 2), GPF for devices (phase 2 duration 0x603 = 3 s, power 0x33 mW), Flex Bus
 *    (cap/status 0x26, control IO);
 *  - component registers in 64-bit BAR 0 (64 KiB), device registers (mailbox) in
 *    64-bit BAR 2, MSI-X with 8 vectors in an exclusive BAR 4 (first free offset:
 *    0x40), the CDAT DOE mailbox at 0x190 (vector 0), AER at 0x200;
 *  - with sn set the DVSECs end at 0x19c and QEMU still puts the DOE at 0x190: its
 *    header overwrites the last 12 bytes of the Flex Bus DVSEC (capability 2,
 *    control 2, status 2, all zero). pcisim builds the same bytes and chain;
 *  - memory checks: "at least one memdev property must be set", "[memdev] cannot
 *    be used with new [persistent-memdev] property", "lsa property must be set for
 *    persistent devices", "dynamic capacity must have a backing device", DC
 *    backend size a multiple of num-dc-regions x 256 MiB; at most 8 DC regions;
 *  - QEMU 7.2 (checked against it by tests/qemu-diff): device DVSEC revision 1 (0x38
 *    bytes), no Flex Bus DVSEC, no AER, one MSI-X vector, no link speed filled in;
 *  - allow-fm-attach and mctp-buf-init come from the FM emulation RFC (seeds/
 *    fm-emulation-rfc.txt): accepted, not modelled.
 */
#include <stdio.h>
#include <string.h>

#include "sim/cxl/cxl.h"
#include "sim/cxl/cxl_state.h"
#include "sim/cxl/dvsec.h"
#include "sim/pcie/models.h"
#include "sim/cxl/cxl_dvsec.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

#define CT3_EXP_OFF 0x80
#define CT3_DSN_OFF 0x100
#define CT3_DOE_OFF 0x190
#define CT3_AER_OFF 0x200
#define CT3_MSIX_VECTORS 8 /* CXL_T3_MSIX_VECTOR_NR: DOE, 2 reserved... events 2-6, mailbox 7 */
#define CT3_MSIX_BAR 4
#define CT3_DOE_VECTOR 0   /* CXL_T3_MSIX_PCIE_DOE_TABLE_ACCESS */
#define CXL_CAPACITY_MULTIPLIER (256ull << 20)
#define DCD_MAX_NUM_REGION 8

/* A memory backend's size, or 0 when the topology named no -object for it. */
static uint64_t backend_size(struct pcisim_pcifn *fn, const char *prop)
{
	const char *id = pcisim_props_str(&fn->props, prop, NULL);
	if (!id)
		return 0;
	const struct pcisim_membackend *b = pcisim_machine_backend(&fn->fabric->machine, id);
	return b ? b->size : 0;
}

/* DVSEC range size low dword: "(2 << 5) | (2 << 2) | 0x3 | (size & 0xF0000000)" */
static uint32_t range_size_lo(uint64_t size)
{
	return PCI_CXL_DEV_RANGE_SIZE_LO_VALID | PCI_CXL_DEV_RANGE_SIZE_LO_ACTIVE |
	       PCISIM_FIELD_PREP(PCI_CXL_DEV_RANGE_SIZE_LO_MEDIA, 2) |
	       PCISIM_FIELD_PREP(PCI_CXL_DEV_RANGE_SIZE_LO_CLASS, 2) |
	       ((uint32_t)size & PCI_CXL_DEV_RANGE_SIZE_LO_SIZE);
}

/* cxl_setup_memory()'s checks, in its order and words. */
static int ct3_check_memory(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	const struct pcisim_props *pr = &fn->props;
	const struct pcisim_prop *mem = pcisim_props_find(pr, "memdev");
	const struct pcisim_prop *pmem = pcisim_props_find(pr, "persistent-memdev");
	const struct pcisim_prop *vmem = pcisim_props_find(pr, "volatile-memdev");
	const struct pcisim_prop *dc = pcisim_props_find(pr, "volatile-dc-memdev");
	unsigned nregions = (unsigned)pcisim_props_u64(pr, "num-dc-regions", 0);
	if (!mem && !pmem && !vmem && !nregions)
		return pcisim_diag_error(d, fn->props.loc,
					 "cxl-type3: at least one memdev property must be set (memdev, volatile-memdev, persistent-memdev, or volatile-dc-memdev with num-dc-regions)");
	if (mem && pmem)
		return pcisim_diag_error(d, mem->key_loc,
					 "cxl-type3: [memdev] cannot be used with new [persistent-memdev] property");
	if ((mem || pmem) && !pcisim_props_find(pr, "lsa"))
		return pcisim_diag_error(d, (mem ? mem : pmem)->key_loc,
					 "cxl-type3: lsa property must be set for persistent devices");
	if (nregions && !dc) {
		const struct pcisim_prop *n = pcisim_props_find(pr, "num-dc-regions");
		return pcisim_diag_error(d, n->loc,
					 "cxl-type3: dynamic capacity must have a backing device (volatile-dc-memdev)");
	}
	uint64_t dc_size = backend_size(fn, "volatile-dc-memdev");
	if (nregions && dc_size && dc_size % (nregions * CXL_CAPACITY_MULTIPLIER))
		return pcisim_diag_error(d, dc->loc,
					 "cxl-type3: backend size is not multiple of region len: 0x%llx (volatile-dc-memdev must be a multiple of num-dc-regions x 256 MiB)",
					 (unsigned long long)((dc_size + nregions - 1) / nregions));
	return 0;
}

/*
 * The CXL device DVSECs of a type 3 (or type 1) device from @off; returns the offset
 * after them. @doe_off: a DOE capability QEMU puts there, which the Flex Bus DVSEC
 * may run into (see the file comment).
 */
static int device_dvsecs(struct pcisim_pcifn *fn, uint16_t off, bool type1, uint16_t doe_off, bool r3)
{
	struct pcisim_cfg *c = &fn->cfg;
	enum pcisim_cxl_comp comp = type1 ? PCISIM_CXL_COMP_TYPE1 : PCISIM_CXL_COMP_TYPE3;
	uint16_t dev_len = r3 ? PCISIM_CXL_DEVICE_DVSEC_LEN : PCISIM_CXL2_DEVICE_DVSEC_LEN;
	int pos = pcisim_cxl_dvsec(c, off, PCISIM_CXL_DVSEC_PCIE_DEVICE,
				    r3 ? PCISIM_CXL_DEVICE_DVSEC_REV : PCISIM_CXL2_DEVICE_DVSEC_REV, dev_len, comp);
	if (pos < 0)
		return pos;
	if (type1) {
		/* CXL.cache and CXL.io, no memory, no HDM ranges */
		pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_DEV_CAP), PCI_CXL_DEV_CAP_CACHE | PCI_CXL_DEV_CAP_IO, 2);
	} else {
		/* cap 0x1e: IO, Mem, Mem_HwInit_Mode, HDM_Count 1 */
		pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_DEV_CAP),
			       PCI_CXL_DEV_CAP_IO | PCI_CXL_DEV_CAP_MEM | PCI_CXL_DEV_CAP_MEM_HWINIT |
				       PCISIM_FIELD_PREP(PCI_CXL_DEV_CAP_HDM_COUNT, 1),
			       2);
		pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_DEV_STATUS2), 0x2, 2);
		uint64_t v = backend_size(fn, "volatile-memdev");
		uint64_t p = backend_size(fn, "persistent-memdev") + backend_size(fn, "memdev");
		bool hv = pcisim_props_find(&fn->props, "volatile-memdev") != NULL;
		bool hp = pcisim_props_find(&fn->props, "persistent-memdev") ||
			  pcisim_props_find(&fn->props, "memdev");
		uint64_t r1 = hv ? v : p, r2 = hv && hp ? p : 0;
		pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_DEV_RANGE1_SIZE_HI), (uint32_t)(r1 >> 32), 4);
		pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_DEV_RANGE1_SIZE_LO), range_size_lo(r1), 4);
		if (hv && hp) {
			pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_DEV_RANGE2_SIZE_HI), (uint32_t)(r2 >> 32), 4);
			pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_DEV_RANGE2_SIZE_LO), range_size_lo(r2), 4);
		}
	}
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_DEV_CTRL), PCI_CXL_DEV_CTRL_IO, 2);
	off = (uint16_t)(off + dev_len);

	uint8_t rbi[2] = {PCISIM_CXL_RBI_COMPONENT, PCISIM_CXL_RBI_DEVICE};
	uint8_t bir[2] = {PCISIM_CXL_COMPONENT_BAR, PCISIM_CXL_DEVICE_BAR};
	if ((pos = pcisim_cxl_reg_locator(c, off, comp, type1 ? 1 : 2, rbi, bir)) < 0)
		return pos;
	off = (uint16_t)(off + PCISIM_CXL_REG_LOC_DVSEC_LEN);

	if ((pos = pcisim_cxl_dvsec(c, off, PCISIM_CXL_DVSEC_DEVICE_GPF, PCISIM_CXL_DEVICE_GPF_DVSEC_REV,
				     PCISIM_CXL_DEVICE_GPF_DVSEC_LEN, comp)) < 0)
		return pos;
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_DEVICE_GPF_PHASE2_DURATION), 0x603, 2); /* 3 seconds */
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_DEVICE_GPF_PHASE2_POWER), 0x33, 4);     /* 0x33 mW */
	off = (uint16_t)(off + PCISIM_CXL_DEVICE_GPF_DVSEC_LEN);
	if (!r3)
		return off; /* QEMU 7.2: no Flex Bus DVSEC on the device */

	/* QEMU creates the full 0x20 bytes; where its DOE comes early, only the bytes before
	 * the DOE belong to this DVSEC here (the rest are the DOE's, as in QEMU). */
	uint16_t len = PCISIM_CXL_FLEXBUS_DVSEC_LEN;
	if (doe_off > off && doe_off < off + len)
		len = (uint16_t)(doe_off - off);
	if ((pos = pcisim_cxl_dvsec(c, off, PCISIM_CXL_DVSEC_FLEXBUS_PORT, PCISIM_CXL_FLEXBUS_DVSEC_REV, len,
				     comp)) < 0)
		return pos;
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_DVSEC_HEADER1),
		       PCISIM_FIELD_SET(PCI_DVSEC_HEADER1_LEN, pcisim_cfg_get32(c, (uint16_t)(pos + PCI_DVSEC_HEADER1)),
					PCISIM_CXL_FLEXBUS_DVSEC_LEN),
		       4);
	/* type 3 "68B, IO, Mem, non-MLD"; type 1: 68B, Cache, IO */
	uint16_t fb = PCI_CXL_FLEXBUS_68B_FLIT | PCI_CXL_FLEXBUS_IO |
		      (type1 ? PCI_CXL_FLEXBUS_CACHE : PCI_CXL_FLEXBUS_MEM);
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_FLEXBUS_CAP), fb, 2);
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_FLEXBUS_CTRL), PCI_CXL_FLEXBUS_IO, 2);
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_FLEXBUS_STATUS), fb, 2);
	pcisim_cfg_set(c, (uint16_t)(pos + PCI_CXL_FLEXBUS_RCVD_MOD_TS), 0xef, 4);
	return off + PCISIM_CXL_FLEXBUS_DVSEC_LEN;
}

/* What cxl-type3 and cxl-type1 share: header, PCIe, DSN, DVSECs, BARs, MSI-X, AER. */
static int cxl_dev_realize(struct pcisim_pcifn *fn, bool type1, struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &fn->cfg;
	const struct pcisim_props *pr = &fn->props;
	unsigned compat = pcisim__compat(fn);
	/* cxl-type1 is pcisim's own device: it always has the current layout */
	bool r3 = type1 || (compat & PCISIM_QEMU_CXL_CFG_R3);
	int rc;
	if (type1)
		pcisim__header(fn, PCISIM_VENDOR_ID_REDHAT, 0x00f1, 1, 0x120000);
	else
		pcisim__header(fn, 0x8086, 0x0d93, 1, 0x050210);
	struct pcisim_exp_config x = {
		.type = pcisim__on_root_bus(fn) ? PCI_EXP_TYPE_RC_END : PCI_EXP_TYPE_ENDPOINT,
		.offset = CT3_EXP_OFF,
		/* 7.2 fills in no link speed: x1 at 2.5 GT/s from pcie_cap_v1_fill() */
		.speed = r3 ? pcisim__prop_speed(pr, "x-speed", PCISIM_LNK_32GT) : 0,
		.width = r3 ? pcisim__prop_width(pr, "x-width", 16) : 1,
		.deverr = true, /* pcie_cap_deverr_init() after the DOE */
		.qemu = compat,
	};
	if ((rc = pcisim_cap_exp_init(c, &x)) < 0)
		return pcisim__build_failed(fn, rc, "its PCI Express capability", d);
	uint16_t off = CT3_DSN_OFF;
	uint64_t sn = pcisim_props_u64(pr, "sn", PCISIM__SN_UNSET);
	if (sn != PCISIM__SN_UNSET) {
		if ((rc = pcisim__dsn(c, CT3_DSN_OFF, sn)) < 0)
			return pcisim__build_failed(fn, rc, "its serial number capability", d);
		off = CT3_DSN_OFF + 0x0c;
	}
	if ((rc = device_dvsecs(fn, off, type1, type1 ? 0 : CT3_DOE_OFF, r3)) < 0)
		return pcisim__build_failed(fn, rc, "its CXL DVSECs", d);
	if ((rc = pcisim_cxl_component_bar(c)) < 0 ||
	    (!type1 && (rc = pcisim_cfg_register_bar(c, PCISIM_CXL_DEVICE_BAR, PCISIM_CXL_DEVICE_REGS_SIZE,
						     PCI_BASE_ADDRESS_MEM_TYPE_64)) < 0))
		return pcisim__build_failed(fn, rc, "its register block BARs", d);
	/* QEMU 7.2: one MSI-X vector (the DOE's) */
	if ((rc = pcisim_cap_msix_init_exclusive_bar(c, type1 || !r3 ? 1 : CT3_MSIX_VECTORS, CT3_MSIX_BAR)) < 0)
		return pcisim__build_failed(fn, rc, "its MSI-X capability", d);
	if (!type1 && (rc = pcisim__doe(c, CT3_DOE_OFF, true, CT3_DOE_VECTOR)) < 0)
		return pcisim__build_failed(fn, rc, "its DOE mailbox", d);
	struct pcisim_aer_config a = {.offset = CT3_AER_OFF, .qemu = compat};
	if (r3 && (rc = pcisim_cap_aer_init(c, &a)) < 0) /* QEMU 7.2: no AER */
		return pcisim__build_failed(fn, rc, "its AER capability", d);
	return 0;
}

static int ct3_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	int rc = ct3_check_memory(fn, d);
	return rc ? rc : cxl_dev_realize(fn, false, d);
}

static int ct1_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	return cxl_dev_realize(fn, true, d);
}

/* ---- properties and the table ---- */

#define CXL_LINK_PROPS                                                                          \
	{"x-speed", PCISIM_PROP_CHOICE, "link speed in GT/s (default 32)", 0, 0, pcisim__speed_choices, \
	 true},                                                                                     \
	{"x-width", PCISIM_PROP_CHOICE, "link width in lanes (default 16)", 0, 0, pcisim__width_choices, \
	 true}

static const struct pcisim_prop_def ct3_props[] = {
	{"memdev", PCISIM_PROP_STR, "persistent memory backend (old name of persistent-memdev)", 0, 0, NULL,
	 true},
	{"persistent-memdev", PCISIM_PROP_STR, "persistent memory backend id", 0, 0, NULL, true},
	{"volatile-memdev", PCISIM_PROP_STR, "volatile memory backend id", 0, 0, NULL, true},
	{"volatile-dc-memdev", PCISIM_PROP_STR, "dynamic capacity backend id (with num-dc-regions)", 0, 0,
	 NULL, true},
	{"lsa", PCISIM_PROP_STR, "label storage area backend id (needed with persistent memory)", 0, 0, NULL,
	 true},
	{"num-dc-regions", PCISIM_PROP_INT, "dynamic capacity regions, 0..8 (default 0)", 0, DCD_MAX_NUM_REGION,
	 NULL, true},
	{"sn", PCISIM_PROP_INT, "serial number: Device Serial Number capability at 0x100 (default none)", 0,
	 0, NULL, true},
	{"cdat", PCISIM_PROP_STR, "CDAT table file (default: built from the backends)", 0, 0, NULL, false},
	CXL_LINK_PROPS,
	{"allow-fm-attach", PCISIM_PROP_BOOL,
	 "FM-owned LD CCI over MCTP (FM emulation RFC; default off)", 0, 0, NULL, false},
	{"mctp-buf-init", PCISIM_PROP_BOOL,
	 "create the shared MCTP buffer of the FM emulation RFC (default off)", 0, 0, NULL, false},
	{0},
};

static const struct pcisim_prop_def ct1_props[] = {
	{"memdev", PCISIM_PROP_STR, "memory backend id (accepted; a type 1 device has no HDM memory)", 0, 0,
	 NULL, false},
	{"lsa", PCISIM_PROP_STR, "label storage area backend id (accepted)", 0, 0, NULL, false},
	{"sn", PCISIM_PROP_INT, "serial number: Device Serial Number capability at 0x100 (default none)", 0,
	 0, NULL, true},
	CXL_LINK_PROPS,
	{0},
};

/* the memory pages written through the device (memdev.c) */
static void cxl_dev_destroy(struct pcisim_comp *c)
{
	pcisim_cxl_type3_free((struct pcisim_cxl_type3 *)c);
}

/* query_keys is filled in by pcisim_cxl_type3_ops_init() before any device exists */
static struct pcisim_comp_ops cxl_dev_ops = {
	.destroy = cxl_dev_destroy,
	.query = pcisim_cxl_type3_query,
};

void pcisim_cxl_type3_ops_init(void)
{
	cxl_dev_ops.query_keys = pcisim_cxl_type3_query_keys();
}

static const struct pcisim_prop_gate ct3_gates[] = {
	{"volatile-memdev", PCISIM_QEMU_CXL_VOLATILE, "8.0"},
	{"persistent-memdev", PCISIM_QEMU_CXL_VOLATILE, "8.0"},
	{"volatile-dc-memdev", PCISIM_QEMU_CXL_DCD, "9.1"},
	{"num-dc-regions", PCISIM_QEMU_CXL_DCD, "9.1"},
	{0},
};

const struct pcisim_driver pcisim_cxl_type3_drivers[] = {
	{
		.name = "cxl-type3",
		.needs = PCISIM_QEMU_CXL_DEVICES, /* the 7.1 CXL series */
		.since = "7.1",
		.help = "CXL Memory Device (Type 3) (8086:0d93; hw/mem/cxl_type3.c)",
		.kind = PCISIM_FN_ENDPOINT,
		.size = sizeof(struct pcisim_cxl_type3),
		.ops = &cxl_dev_ops,
		.props = ct3_props,
		.prop_gates = ct3_gates,
		.pcie = true,
		.hotpluggable = true,
		.realize = ct3_realize,
		/* no VMState (ct3_class_init sets no dc->vmsd, 7.1 to 10.x) and no migration
		 * blocker: QEMU migrates the machine and sends nothing of the device */
		.vmsd_path = NULL,
	},
	{
		.name = "cxl-type1",
		.help = "CXL Type 1 accelerator, CXL.cache without HDM (pcisim's model of the local device in seeds/cxl-hotunplug-fault-guide.txt; 1b36:00f1)",
		.kind = PCISIM_FN_ENDPOINT,
		.size = sizeof(struct pcisim_cxl_type3),
		.ops = &cxl_dev_ops,
		.props = ct1_props,
		.pcie = true,
		.hotpluggable = true,
		.realize = ct1_realize,
	},
	{0},
};
