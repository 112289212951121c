/*
 * The QEMU device models, built the way a launch script builds them: the q35 machine,
 * then -device argument strings, the link pass, and Linux-style enumeration. Checks
 * IDs, class codes, capability offsets and the slot bits each emulated QEMU version
 * and machine type gives, the CXL switch topology of the FM emulation RFC with its
 * bus numbers, and the located errors for bad command lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/ynode.h"
#include "sim/pcie/fabric.h"
#include "sim/qemu/machine.h"
#include "replay/register.h"
#include "sim/mctp/i2c.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/acs.h"
#include "sim/pcie/regs/aer.h"
#include "sim/cxl/cxl_dvsec.h"
#include "sim/pcie/regs/doe.h"
#include "sim/pcie/regs/dsn.h"
#include "sim/pcie/regs/msi.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/regs/pm.h"

/* A machine under test: its sim, the diag (to memory) and the arena of its properties. */
struct m {
	struct pcisim_sim sim;
	struct pcisim_diag diag;
	struct pcisim_arena arena;
	struct pcisim_ydoc doc;
	struct pcisim_fabric *fab;
	char *out;
	size_t outlen;
	FILE *f;
};

static int setup(void **state)
{
	static int registered;
	if (!registered) {
		pcisim_register_all();
		registered = 1;
	}
	(void)state;
	return 0;
}

/* A machine from a machine: mapping written as YAML flow text ("{type: q35}"). */
static struct m *machine(const char *yaml)
{
	struct m *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	m->f = open_memstream(&m->out, &m->outlen);
	pcisim_diag_init(&m->diag, m->f);
	pcisim_arena_init(&m->arena);
	assert_int_equal(pcisim_sim_init(&m->sim, 1, &m->diag), 0);
	assert_int_equal(pcisim_ydoc_parse(&m->doc, "machine.yaml", yaml, strlen(yaml), &m->diag), 0);
	int rc = pcisim_machine_build(&m->sim, m->doc.root, NULL, &m->diag);
	if (rc)
		fail_msg("machine %s: %s", yaml, m->diag.first);
	m->fab = pcisim_fabric_get(&m->sim);
	return m;
}

static void m_free(struct m *m)
{
	pcisim_sim_free(&m->sim);
	pcisim_ydoc_free(&m->doc);
	pcisim_arena_free(&m->arena);
	fclose(m->f);
	free(m->out);
	free(m);
}

/* -device @arg (and @hotplug for device_add); returns the rc, the message in diag.first. */
static int dev_try(struct m *m, const char *arg, bool hotplug)
{
	struct pcisim_props p;
	struct pcisim_loc loc = {"cmdline", 1, 9};
	int rc = pcisim_props_from_string(&m->arena, pcisim_arena_strdup(&m->arena, arg), loc, &p,
					  &m->diag);
	if (rc)
		return rc;
	return pcisim_device_create(m->fab, &p, hotplug, NULL, &m->diag);
}

static void dev(struct m *m, const char *arg)
{
	if (dev_try(m, arg, false))
		fail_msg("-device %s: %s", arg, m->diag.first);
}

/* The topology builder's last steps: the link pass, then enumeration. */
static int finish(struct m *m)
{
	int rc = pcisim_fabric_link(m->fab, &m->diag);
	if (rc)
		return rc;
	pcisim_fabric_enumerate(m->fab);
	return 0;
}

static struct pcisim_pcifn *fn(struct m *m, const char *id)
{
	struct pcisim_pcifn *f = pcisim_fabric_find_fn(m->fab, id);
	if (!f)
		fail_msg("no device '%s'", id);
	return f;
}

static uint32_t rd(struct pcisim_pcifn *f, uint16_t off, unsigned len)
{
	return pcisim_cfg_get(&f->cfg, off, len);
}

static unsigned bdf(struct pcisim_pcifn *f)
{
	return pcisim_fn_bdf(f);
}

#define BDF(b, d, f) ((unsigned)((b) << 8 | (d) << 3 | (f)))

/* The standard capability list from the Capabilities Pointer: offsets, then 0. */
static void cap_list(struct pcisim_pcifn *f, uint8_t *out, unsigned n)
{
	uint8_t pos = (uint8_t)rd(f, PCI_CAPABILITY_LIST, 1);
	unsigned i = 0;
	while (pos && i + 1 < n) {
		out[i++] = pos;
		pos = (uint8_t)rd(f, (uint16_t)(pos + PCI_CAP_LIST_NEXT), 1);
	}
	out[i] = 0;
}

/* The extended capability chain from 0x100: offsets, then 0. */
static void ext_list(struct pcisim_pcifn *f, uint16_t *out, unsigned n)
{
	uint16_t pos = 0x100;
	unsigned i = 0;
	while (pos && i + 1 < n) {
		uint32_t h = rd(f, pos, 4);
		if (!h)
			break;
		out[i++] = pos;
		pos = PCI_EXT_CAP_NEXT(h);
	}
	out[i] = 0;
}

static void assert_ids(struct pcisim_pcifn *f, uint16_t vendor, uint16_t device, uint32_t class24)
{
	assert_int_equal(rd(f, PCI_VENDOR_ID, 2), vendor);
	assert_int_equal(rd(f, PCI_DEVICE_ID, 2), device);
	assert_int_equal(rd(f, PCI_CLASS_PROG, 3), class24);
}

static void assert_dvsec(struct pcisim_pcifn *f, uint16_t off, uint16_t id, uint16_t len)
{
	assert_int_equal(PCI_EXT_CAP_ID(rd(f, off, 4)), PCI_EXT_CAP_ID_DVSEC);
	uint32_t h1 = rd(f, (uint16_t)(off + PCI_DVSEC_HEADER1), 4);
	assert_int_equal(PCISIM_FIELD_GET(PCI_DVSEC_HEADER1_VID, h1), PCISIM_CXL_VENDOR_ID);
	assert_int_equal(PCISIM_FIELD_GET(PCI_DVSEC_HEADER1_LEN, h1), len);
	assert_int_equal(rd(f, (uint16_t)(off + PCI_DVSEC_HEADER2), 2), id);
}

/* ---- the q35 machine ---- */

static void q35_fixed_functions(void **state)
{
	struct m *m = machine("{type: q35}");
	assert_int_equal(finish(m), 0);
	assert_non_null(m->fab->root_host);
	struct pcisim_pcibus *root = pcisim_fabric_find_bus(m->fab, "pcie.0");
	assert_non_null(root);
	assert_true(root->is_root);
	assert_ptr_equal(root->host, m->fab->root_host);
	assert_ptr_equal(m->fab->root_host->secondary, root);
	struct pcisim_pcifn *mch = root->fns[0];
	assert_int_equal(bdf(mch), BDF(0, 0, 0));
	assert_ids(mch, 0x8086, 0x29c0, 0x060000);
	struct pcisim_pcifn *vga = fn(m, "q35.vga");
	assert_int_equal(bdf(vga), BDF(0, 1, 0));
	assert_ids(vga, 0x1234, 0x1111, 0x030000);
	struct pcisim_pcifn *lpc = fn(m, "q35.lpc");
	assert_int_equal(bdf(lpc), BDF(0, 0x1f, 0));
	assert_ids(lpc, 0x8086, 0x2918, 0x060100);
	assert_int_equal(rd(lpc, PCI_HEADER_TYPE, 1), PCI_HEADER_TYPE_MFD);
	struct pcisim_pcifn *sata = fn(m, "q35.sata");
	assert_int_equal(bdf(sata), BDF(0, 0x1f, 2));
	assert_ids(sata, 0x8086, 0x2922, 0x010601);
	assert_int_equal(rd(sata, PCI_CAPABILITY_LIST, 1), 0x80); /* MSI, then SATA at 0xa8 */
	struct pcisim_pcifn *smb = fn(m, "q35.smbus");
	assert_int_equal(bdf(smb), BDF(0, 0x1f, 3));
	assert_ids(smb, 0x8086, 0x2930, 0x0c0500);
	/* the default subsystem IDs of a type 0 function */
	assert_int_equal(rd(mch, PCI_SUBSYSTEM_VENDOR_ID, 2), 0x1af4);
	assert_int_equal(rd(mch, PCI_SUBSYSTEM_ID, 2), 0x1100);
	m_free(m);

	/* vga: none leaves 00:01.0 free, and a -device lands there */
	m = machine("{type: q35, vga: none}");
	assert_null(pcisim_fabric_find_fn(m->fab, "q35.vga"));
	dev(m, "pcie-root-port,id=rp1,chassis=1,slot=1");
	assert_int_equal(finish(m), 0);
	assert_int_equal(bdf(fn(m, "rp1")), BDF(0, 1, 0));
	m_free(m);
}

static void machine_parts_are_not_user_devices(void **state)
{
	struct m *m = machine("{type: q35}");
	assert_int_not_equal(dev_try(m, "ICH9-LPC,id=x", false), 0);
	assert_non_null(strstr(m->diag.first, "expects a pluggable device type"));
	m_free(m);
	m = machine("{type: q35}");
	assert_int_not_equal(dev_try(m, "q35-host,id=h2", false), 0);
	assert_non_null(strstr(m->diag.first, "expects a pluggable device type"));
	m_free(m);
}

/* ---- root ports ---- */

static void pcie_root_port_layout(void **state)
{
	struct m *m = machine("{type: q35}");
	dev(m, "pcie-root-port,port=18,chassis=19,id=rp18,bus=pcie.0,addr=0x12");
	assert_int_equal(finish(m), 0);
	struct pcisim_pcifn *rp = fn(m, "rp18");
	struct pcisim_port *p = pcisim_to_port(rp);
	assert_int_equal(bdf(rp), BDF(0, 0x12, 0));
	assert_ids(rp, 0x1b36, 0x000c, 0x060400);
	assert_int_equal(rd(rp, PCI_HEADER_TYPE, 1), PCI_HEADER_TYPE_BRIDGE);
	assert_int_equal(rd(rp, PCI_INTERRUPT_PIN, 1), 1);
	uint8_t caps[8];
	cap_list(rp, caps, 8);
	assert_int_equal(caps[0], 0x54); /* newest first: PCIe, MSI-X, SSVID */
	assert_int_equal(caps[1], 0x48);
	assert_int_equal(caps[2], 0x40);
	assert_int_equal(caps[3], 0);
	assert_int_equal(rd(rp, 0x40, 1), PCI_CAP_ID_SSVID);
	assert_int_equal(rd(rp, 0x40 + PCI_SSVID_VENDOR_ID, 2), 0x1b36);
	assert_int_equal(rd(rp, 0x48, 1), PCI_CAP_ID_MSIX);
	assert_int_equal(rd(rp, 0x48 + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE, 0); /* 1 vector */
	assert_int_equal(rd(rp, 0x54, 1), PCI_CAP_ID_EXP);
	assert_int_equal(p->exp, 0x54);
	assert_int_equal(p->msix, 0x48);
	assert_int_equal(p->aer, 0x100);
	assert_int_equal(p->exp + PCI_EXP_SLTSTA, 0x6e);
	uint16_t flags = (uint16_t)rd(rp, 0x54 + PCI_EXP_FLAGS, 2);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_FLAGS_TYPE, flags), PCI_EXP_TYPE_ROOT_PORT);
	assert_true(flags & PCI_EXP_FLAGS_SLOT);
	uint32_t lnkcap = rd(rp, 0x54 + PCI_EXP_LNKCAP, 4);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKCAP_PN, lnkcap), 18);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKCAP_SLS, lnkcap), PCISIM_LNK_16GT);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKCAP_MLW, lnkcap), 32);
	uint16_t ext[8];
	ext_list(rp, ext, 8);
	assert_int_equal(ext[0], 0x100);
	assert_int_equal(ext[1], 0x148);
	assert_int_equal(ext[2], 0);
	assert_int_equal(PCI_EXT_CAP_ID(rd(rp, 0x100, 4)), PCI_EXT_CAP_ID_ERR);
	assert_int_equal(PCI_EXT_CAP_ID(rd(rp, 0x148, 4)), PCI_EXT_CAP_ID_ACS);
	assert_int_equal(rd(rp, 0x148 + PCI_ACS_CAP, 2), PCISIM_ACS_DOWNSTREAM_SUPPORTED);
	/* MSI-X table in BAR 0, a 4 KiB 32-bit memory BAR */
	assert_int_equal(rd(rp, 0x48 + PCI_MSIX_TABLE, 4) & PCI_MSIX_TABLE_BIR, 0);
	assert_int_equal(pcisim_cfg_mask_get(&rp->cfg, PCISIM_WMASK, PCI_BASE_ADDRESS_0, 4), 0xfffff000);
	m_free(m);

	/* a reserve property adds QEMU's vendor capability right after PCIe; disable-acs */
	m = machine("{type: q35}");
	dev(m, "pcie-root-port,id=rp,chassis=1,bus-reserve=4,disable-acs=on,x-speed=8,x-width=4");
	rp = fn(m, "rp");
	assert_int_equal(rd(rp, PCI_CAPABILITY_LIST, 1), 0x90);
	assert_int_equal(rd(rp, 0x90, 1), PCI_CAP_ID_VNDR);
	assert_int_equal(rd(rp, 0x90 + PCISIM_REDHAT_CAP_RES_BUS, 4), 4);
	assert_int_equal(pcisim_cfg_find_ext_cap(&rp->cfg, PCI_EXT_CAP_ID_ACS), 0);
	lnkcap = rd(rp, 0x54 + PCI_EXP_LNKCAP, 4);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKCAP_SLS, lnkcap), PCISIM_LNK_8GT);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKCAP_MLW, lnkcap), 4);
	m_free(m);
}

static uint32_t sltcap(struct pcisim_pcifn *rp)
{
	return rd(rp, (uint16_t)(pcisim_to_port(rp)->exp + PCI_EXP_SLTCAP), 4);
}

static bool pds_checked(struct pcisim_pcifn *rp)
{
	uint16_t sta = (uint16_t)(pcisim_to_port(rp)->exp + PCI_EXP_SLTSTA);
	return (pcisim_cfg_mask_get(&rp->cfg, PCISIM_CMASK, sta, 2) & PCI_EXP_SLTSTA_PDS) != 0;
}

#define SLTCAP_QEMU                                                                                \
	(PCI_EXP_SLTCAP_ABP | PCI_EXP_SLTCAP_PCP | PCI_EXP_SLTCAP_AIP | PCI_EXP_SLTCAP_PIP |        \
	 PCI_EXP_SLTCAP_HPS | PCI_EXP_SLTCAP_HPC | PCI_EXP_SLTCAP_EIP)

static void slot_bits_by_version(void **state)
{
	/* pc-q35-6.0 on QEMU 7.2: native hotplug, PDS still compared on migration */
	struct m *m = machine("{type: pc-q35-6.0, qemu: \"7.2\"}");
	dev(m, "pcie-root-port,port=18,chassis=19,id=rp,slot=5");
	struct pcisim_pcifn *rp = fn(m, "rp");
	assert_int_equal(sltcap(rp), SLTCAP_QEMU | PCISIM_FIELD_PREP(PCI_EXP_SLTCAP_PSN, 5));
	assert_true(pds_checked(rp));
	/* PIC and AIC off, power on */
	uint16_t ctl = (uint16_t)rd(rp, (uint16_t)(pcisim_to_port(rp)->exp + PCI_EXP_SLTCTL), 2);
	assert_int_equal(ctl, PCI_EXP_SLTCTL_PWR_IND_OFF | PCI_EXP_SLTCTL_ATTN_IND_OFF);
	/* pc-q35-6.0 has no x-pcie-err-unc-mask: AER Uncorrectable Mask read-only */
	assert_int_equal(pcisim_cfg_mask_get(&rp->cfg, PCISIM_WMASK, 0x100 + PCI_ERR_UNCOR_MASK, 4), 0);
	m_free(m);

	/* q35 on QEMU 8.1: the same capability bits, PDS no longer checked (625b370c45f4) */
	m = machine("{type: q35, qemu: \"8.1\"}");
	dev(m, "pcie-root-port,port=18,chassis=19,id=rp,slot=5");
	rp = fn(m, "rp");
	assert_int_equal(sltcap(rp), SLTCAP_QEMU | PCISIM_FIELD_PREP(PCI_EXP_SLTCAP_PSN, 5));
	assert_false(pds_checked(rp));
	assert_int_equal(pcisim_cfg_mask_get(&rp->cfg, PCISIM_WMASK, 0x100 + PCI_ERR_UNCOR_MASK, 4),
			 PCISIM_ERR_UNC_SUPPORTED);
	m_free(m);

	/* pc-q35-6.1 (ACPI hotplug on bridges, x-keep-pci-slot-hpc off): no HPS/HPC, and
	 * gen_rp_realize reserves 4 KiB of I/O */
	m = machine("{type: pc-q35-6.1, qemu: \"7.2\"}");
	dev(m, "pcie-root-port,id=rp,chassis=1");
	rp = fn(m, "rp");
	assert_int_equal(sltcap(rp) & (PCI_EXP_SLTCAP_HPS | PCI_EXP_SLTCAP_HPC), 0);
	assert_int_equal(rd(rp, PCI_CAPABILITY_LIST, 1), 0x90);
	assert_int_equal(rd(rp, 0x90 + PCISIM_REDHAT_CAP_RES_IO, 4), 4096);
	/* ... but a hot-plugged port keeps them (pcie_cap_slot_init) */
	assert_int_equal(dev_try(m, "pcie-root-port,id=rp2,chassis=2", true), 0);
	assert_int_equal(sltcap(fn(m, "rp2")) & PCI_EXP_SLTCAP_HPC, PCI_EXP_SLTCAP_HPC);
	m_free(m);

	/* newer machine types keep HPC with ACPI hotplug on (x-keep-pci-slot-hpc) */
	m = machine("{type: pc-q35-7.2, qemu: \"7.2\"}");
	dev(m, "pcie-root-port,id=rp,chassis=1");
	assert_int_equal(sltcap(fn(m, "rp")) & PCI_EXP_SLTCAP_HPC, PCI_EXP_SLTCAP_HPC);
	m_free(m);

	/* hotplug=off and power_controller_present=off */
	m = machine("{type: q35}");
	dev(m, "pcie-root-port,id=rp,chassis=1,hotplug=off,power_controller_present=off");
	assert_int_equal(sltcap(fn(m, "rp")) & (PCI_EXP_SLTCAP_HPC | PCI_EXP_SLTCAP_PCP), 0);
	m_free(m);
}

static void ioh3420_and_cxl_rp_layout(void **state)
{
	struct m *m = machine("{type: q35, cxl: on}");
	dev(m, "ioh3420,id=ioh,chassis=1,slot=1");
	dev(m, "pxb-cxl,id=cxl.1,bus_nr=12");
	dev(m, "cxl-rp,id=crp,bus=cxl.1,chassis=2,slot=2,port=0");
	assert_int_equal(finish(m), 0);
	struct pcisim_pcifn *ioh = fn(m, "ioh");
	assert_ids(ioh, 0x8086, 0x3420, 0x060400);
	assert_int_equal(rd(ioh, PCI_REVISION_ID, 1), 2);
	uint8_t caps[8];
	cap_list(ioh, caps, 8);
	assert_int_equal(caps[0], 0x90);
	assert_int_equal(caps[1], 0x60);
	assert_int_equal(caps[2], 0x40);
	assert_int_equal(rd(ioh, 0x60, 1), PCI_CAP_ID_MSI);
	uint16_t mf = (uint16_t)rd(ioh, 0x60 + PCI_MSI_FLAGS, 2);
	assert_int_equal(PCISIM_FIELD_GET(PCI_MSI_FLAGS_QMASK, mf), 1); /* 2 vectors */
	assert_true(mf & PCI_MSI_FLAGS_MASKBIT);
	assert_false(mf & PCI_MSI_FLAGS_64BIT);
	assert_int_equal(pcisim_to_port(ioh)->exp + PCI_EXP_SLTSTA, 0xaa);
	assert_int_equal(pcisim_to_port(ioh)->msi, 0x60);
	uint16_t ext[8];
	ext_list(ioh, ext, 8);
	assert_int_equal(ext[0], 0x100);
	assert_int_equal(ext[1], 0); /* no ACS */
	/* 2.5 GT/s x1: no DLLLA reporting */
	assert_int_equal(rd(ioh, 0x90 + PCI_EXP_LNKCAP, 4) & PCI_EXP_LNKCAP_DLLLARC, 0);

	struct pcisim_pcifn *crp = fn(m, "crp");
	assert_ids(crp, 0x8086, 0x7075, 0x060400);
	cap_list(crp, caps, 8);
	assert_int_equal(caps[0], 0x74); /* first free after MSI at 0x60..0x73 */
	assert_int_equal(caps[1], 0x60);
	assert_int_equal(caps[2], 0x40);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKCAP_SLS, rd(crp, 0x74 + PCI_EXP_LNKCAP, 4)),
			 PCISIM_LNK_64GT);
	ext_list(crp, ext, 8);
	assert_int_equal(ext[0], 0x100);
	assert_int_equal(ext[1], 0x148);
	assert_int_equal(ext[2], 0x150);
	assert_int_equal(ext[3], 0x178);
	assert_int_equal(ext[4], 0x188);
	assert_int_equal(ext[5], 0x1a8);
	assert_int_equal(ext[6], 0);
	assert_dvsec(crp, 0x150, PCISIM_CXL_DVSEC_PORT_EXT, PCISIM_CXL_PORT_EXT_DVSEC_LEN);
	assert_dvsec(crp, 0x178, PCISIM_CXL_DVSEC_PORT_GPF, PCISIM_CXL_PORT_GPF_DVSEC_LEN);
	assert_dvsec(crp, 0x188, PCISIM_CXL_DVSEC_FLEXBUS_PORT, PCISIM_CXL_FLEXBUS_DVSEC_LEN);
	assert_dvsec(crp, 0x1a8, PCISIM_CXL_DVSEC_REG_LOCATOR, PCISIM_CXL_REG_LOC_DVSEC_LEN);
	assert_int_equal(rd(crp, 0x188 + PCI_CXL_FLEXBUS_CAP, 2), 0x26);
	assert_int_equal(pcisim_cfg_mask_get(&crp->cfg, PCISIM_WMASK, 0x188 + PCI_CXL_FLEXBUS_CTRL, 1), 0xbd);
	assert_int_equal(rd(crp, 0x1a8 + PCI_CXL_REG_LOC_BLOCK(0), 4), 0x100); /* component regs, BAR 0 */
	assert_int_equal(rd(crp, PCI_BASE_ADDRESS_0, 4), PCI_BASE_ADDRESS_MEM_TYPE_64);
	/* no io-reserve: the I/O window is off */
	assert_int_equal(pcisim_cfg_mask_get(&crp->cfg, PCISIM_WMASK, PCI_IO_BASE, 1), 0);
	m_free(m);
}

/* ---- switches ---- */

static void xio3130_switch_layout(void **state)
{
	struct m *m = machine("{type: q35}");
	dev(m, "pcie-root-port,id=rp,chassis=1,slot=1");
	dev(m, "x3130-upstream,id=up,bus=rp");
	dev(m, "xio3130-downstream,id=dn0,bus=up,chassis=1,slot=2");
	dev(m, "xio3130-downstream,id=dn1,bus=up,chassis=1,slot=3");
	assert_int_equal(finish(m), 0);
	struct pcisim_pcifn *up = fn(m, "up"), *dn = fn(m, "dn0");
	assert_ids(up, 0x104c, 0x8232, 0x060400);
	assert_int_equal(rd(up, PCI_REVISION_ID, 1), 2);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_FLAGS_TYPE, rd(up, 0x90 + PCI_EXP_FLAGS, 2)),
			 PCI_EXP_TYPE_UPSTREAM);
	assert_ids(dn, 0x104c, 0x8233, 0x060400);
	assert_int_equal(rd(dn, PCI_REVISION_ID, 1), 1);
	uint8_t caps[8];
	cap_list(dn, caps, 8);
	assert_int_equal(caps[0], 0x90);
	assert_int_equal(caps[1], 0x80);
	assert_int_equal(caps[2], 0x70);
	assert_int_equal(pcisim_to_port(dn)->exp + PCI_EXP_SLTSTA, 0xaa);
	assert_int_equal(pcisim_cfg_find_ext_cap(&dn->cfg, PCI_EXT_CAP_ID_ACS), 0);
	assert_true(rd(dn, 0x90 + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR);
	/* bus numbers: rp 1, up 2, the two downstream ports 3 and 4 */
	assert_int_equal(fn(m, "rp")->secondary->number, 1);
	assert_int_equal(up->secondary->number, 2);
	assert_int_equal(dn->secondary->number, 3);
	assert_int_equal(fn(m, "dn1")->secondary->number, 4);
	assert_int_equal(rd(fn(m, "rp"), PCI_SUBORDINATE_BUS, 1), 4);
	m_free(m);
}

/* The FM emulation RFC (seeds/fm-emulation-rfc.txt), target VM. */
static const char *const rfc_devices[] = {
	"e1000,netdev=network0",
	"pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1,hdm_for_passthrough=true",
	"cxl-rp,port=0,bus=cxl.1,id=cxl_rp_port0,chassis=0,slot=2",
	"cxl-upstream,port=2,sn=1234,bus=cxl_rp_port0,id=us0,addr=0.0,multifunction=on,",
	"cxl-switch-mailbox-cci,bus=cxl_rp_port0,addr=0.1,target=us0",
	"cxl-downstream,port=0,bus=us0,id=swport0,chassis=0,slot=4",
	"cxl-downstream,port=1,bus=us0,id=swport1,chassis=0,slot=5",
	"cxl-downstream,port=3,bus=us0,id=swport2,chassis=0,slot=6",
	"cxl-type3,bus=swport2,volatile-dc-memdev=cxl-mem2,id=cxl-dcd0,lsa=cxl-lsa2,num-dc-regions=2,sn=99,allow-fm-attach=on,mctp-buf-init=on",
	"i2c_mctp_cxl,bus=aspeed.i2c.bus.0,address=4,target=us0",
	"i2c_mctp_cxl,bus=aspeed.i2c.bus.0,address=6,target=cxl-dcd0",
	"virtio-rng-pci,bus=swport1",
	NULL,
};

static void fm_rfc_topology(void **state)
{
	struct m *m = machine("{type: q35, cxl: on}");
	for (unsigned i = 0; rfc_devices[i]; i++)
		dev(m, rfc_devices[i]);
	assert_int_equal(finish(m), 0);
	/* Linux depth first: pxb root bus 12, root port 13, upstream port 14, swports 15-17 */
	struct pcisim_pcifn *pxb = fn(m, "cxl.1");
	assert_int_equal(pxb->secondary->number, 12);
	assert_int_equal(rd(pxb, PCI_VENDOR_ID, 2), 0);
	struct pcisim_pcifn *rp = fn(m, "cxl_rp_port0"), *us = fn(m, "us0");
	assert_int_equal(bdf(rp), BDF(12, 0, 0));
	assert_int_equal(rp->secondary->number, 13);
	assert_int_equal(bdf(us), BDF(13, 0, 0));
	assert_int_equal(us->secondary->number, 14);
	assert_int_equal(rd(us, PCI_HEADER_TYPE, 1), PCI_HEADER_TYPE_MFD | PCI_HEADER_TYPE_BRIDGE);
	struct pcisim_pcifn *cci = m->fab->fns[0];
	for (uint32_t i = 0; i < m->fab->nfns; i++)
		if (!strcmp(m->fab->fns[i]->drv->name, "cxl-switch-mailbox-cci"))
			cci = m->fab->fns[i];
	assert_int_equal(bdf(cci), BDF(13, 0, 1));
	assert_ids(cci, 0x19e5, 0xa123, 0x0c0b00);
	assert_int_equal(fn(m, "swport0")->secondary->number, 15);
	assert_int_equal(fn(m, "swport1")->secondary->number, 16);
	assert_int_equal(fn(m, "swport2")->secondary->number, 17);
	assert_int_equal(bdf(fn(m, "swport1")), BDF(14, 1, 0));
	assert_int_equal(rd(rp, PCI_SUBORDINATE_BUS, 1), 17);

	/* the MCTP endpoints sit on an I2C bus of their own, not among the PCI functions */
	for (uint32_t i = 0; i < m->fab->nfns; i++)
		assert_string_not_equal(m->fab->fns[i]->drv->name, "i2c_mctp_cxl");
	uint32_t nb;
	struct pcisim_i2c_bus *const *buses = pcisim_i2c_buses(m->fab, &nb);
	assert_int_equal(nb, 1);
	assert_string_equal(buses[0]->comp.name, "aspeed.i2c.bus.0");
	assert_int_equal(buses[0]->ndevs, 2);
	struct pcisim_i2c_dev *ep = pcisim_i2c_dev_at(buses[0], 6);
	assert_non_null(ep);
	assert_string_equal(ep->comp.name, "i2c_mctp_cxl#1");
	assert_string_equal(ep->comp.path, "aspeed.i2c.bus.0/i2c_mctp_cxl#1");
	assert_ptr_equal(pcisim_comp_find(&m->sim, "i2c_mctp_cxl#0"), &pcisim_i2c_dev_at(buses[0], 4)->comp);
	assert_null(pcisim_i2c_dev_at(buses[0], 5));
	/* QEMU's i2c_mctp_cxl cannot be device_add'ed */
	assert_int_not_equal(dev_try(m, "i2c_mctp_cxl,bus=aspeed.i2c.bus.0,address=8,target=us0", true), 0);
	assert_non_null(strstr(m->diag.first, "Device 'i2c_mctp_cxl' does not support hotplugging"));

	/* the upstream port: serial number 0x148, DVSECs 0x154, DOE after them */
	uint16_t ext[12];
	ext_list(us, ext, 12);
	static const uint16_t us_ext[] = {0x100, 0x148, 0x154, 0x17c, 0x19c, 0x1c0, 0};
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(ext[i], us_ext[i]);
	assert_int_equal(rd(us, 0x148 + PCI_DSN_LOWER, 4), 1234);
	assert_int_equal(PCI_EXT_CAP_ID(rd(us, 0x1c0, 4)), PCI_EXT_CAP_ID_DOE);
	assert_int_equal(rd(us, 0x1c0 + PCI_DOE_CAP, 4), PCI_DOE_CAP_INT_SUP | 1u << 1);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_LNKSTA_CLS, rd(us, 0x90 + PCI_EXP_LNKSTA, 2)),
			 PCISIM_LNK_32GT);

	/* a downstream port: no power controller, DVSECs ext, Flex Bus, GPF, locator */
	struct pcisim_pcifn *sw = fn(m, "swport2");
	assert_ids(sw, 0x19e5, 0xa129, 0x060400);
	assert_int_equal(sltcap(sw) & PCI_EXP_SLTCAP_PCP, 0);
	assert_int_equal(sltcap(sw) & PCI_EXP_SLTCAP_HPC, PCI_EXP_SLTCAP_HPC);
	ext_list(sw, ext, 12);
	static const uint16_t dsp_ext[] = {0x100, 0x148, 0x170, 0x190, 0x1a0, 0};
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(ext[i], dsp_ext[i]);
	assert_dvsec(sw, 0x170, PCISIM_CXL_DVSEC_FLEXBUS_PORT, PCISIM_CXL_FLEXBUS_DVSEC_LEN);
	assert_int_equal(rd(sw, 0x170 + PCI_CXL_FLEXBUS_CAP, 2), 0x27);

	/* the DCD: 8086:0d93 class 050210 at 17:00.0, QEMU's layout with sn set */
	struct pcisim_pcifn *t3 = fn(m, "cxl-dcd0");
	assert_int_equal(bdf(t3), BDF(17, 0, 0));
	assert_ids(t3, 0x8086, 0x0d93, 0x050210);
	uint8_t caps[8];
	cap_list(t3, caps, 8);
	assert_int_equal(caps[0], 0x40); /* MSI-X (first free), then PCIe at 0x80 */
	assert_int_equal(caps[1], 0x80);
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_FLAGS_TYPE, rd(t3, 0x80 + PCI_EXP_FLAGS, 2)),
			 PCI_EXP_TYPE_ENDPOINT);
	assert_int_equal(rd(t3, 0x40 + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE, 7);
	ext_list(t3, ext, 12);
	static const uint16_t t3_ext[] = {0x100, 0x10c, 0x148, 0x16c, 0x17c, 0x190, 0x200, 0};
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(ext[i], t3_ext[i]);
	assert_dvsec(t3, 0x10c, PCISIM_CXL_DVSEC_PCIE_DEVICE, PCISIM_CXL_DEVICE_DVSEC_LEN);
	assert_int_equal(rd(t3, 0x10c + PCI_CXL_DEV_CAP, 2), 0x1e);
	assert_int_equal(rd(t3, 0x10c + PCI_CXL_DEV_RANGE1_SIZE_LO, 4), 0x4b); /* DCD: flags only */
	assert_dvsec(t3, 0x17c, PCISIM_CXL_DVSEC_FLEXBUS_PORT, PCISIM_CXL_FLEXBUS_DVSEC_LEN);
	assert_int_equal(rd(t3, 0x148 + PCI_CXL_REG_LOC_BLOCK(1), 4), 0x302); /* device regs, BAR 2 */
	assert_int_equal(PCI_EXT_CAP_ID(rd(t3, 0x190, 4)), PCI_EXT_CAP_ID_DOE);
	assert_int_equal(rd(t3, 0x100 + PCI_DSN_LOWER, 4), 99);

	/* virtio-rng behind a PCIe port: modern only, PCI Express */
	struct pcisim_pcifn *rng = fn(m, "virtio-rng-pci#0");
	assert_int_equal(bdf(rng), BDF(16, 0, 0));
	assert_ids(rng, 0x1af4, 0x1044, 0x00ff00);
	assert_int_equal(rd(rng, PCI_REVISION_ID, 1), 1);
	uint8_t rcaps[12];
	cap_list(rng, rcaps, 12);
	/* first free offsets: PCIe, PM, common, ISR, device, notify, cfg window, MSI-X */
	static const uint8_t rng_caps[] = {0xdc, 0xc8, 0xb4, 0xa4, 0x94, 0x84, 0x7c, 0x40, 0};
	for (unsigned i = 0; i < 9; i++)
		assert_int_equal(rcaps[i], rng_caps[i]);
	assert_int_equal(rd(rng, 0x7c, 1), PCI_CAP_ID_PM);
	assert_int_equal(rd(rng, 0xdc, 1), PCI_CAP_ID_MSIX);
	assert_true(rd(rng, 0x40 + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR);

	/* e1000 on pcie.0: conventional PCI, 8086:100e rev 3 */
	struct pcisim_pcifn *nic = fn(m, "e1000#0");
	assert_int_equal(nic->cfg.size, PCISIM_CFG_PCI_SIZE);
	assert_ids(nic, 0x8086, 0x100e, 0x020000);
	assert_int_equal(rd(nic, PCI_REVISION_ID, 1), 3);
	m_free(m);
}

/* ---- endpoints ---- */

static void endpoint_layouts(void **state)
{
	struct m *m = machine("{type: pc-q35-6.0, qemu: \"7.2\"}");
	dev(m, "pcie-root-port,port=18,chassis=19,id=rp18,bus=pcie.0,addr=0x12");
	dev(m, "nec-usb-xhci,p2=4,p3=4,id=x,bus=rp18,addr=0x12.0x1");
	dev(m, "pcie-root-port,id=rp2,chassis=2");
	dev(m, "e1000e,id=nic,bus=rp2");
	dev(m, "qemu-xhci,id=q");
	dev(m, "virtio-rng-pci,id=rng0");
	dev(m, "pcie-root-port,id=rp3,chassis=3");
	dev(m, "virtio-rng-pci,id=rng1,bus=rp3");
	dev(m, "pcisim-endpoint,id=ep,vendor-id=0x1234,device-id=0x5678,class-code=0x010802,revision=7");
	assert_int_equal(finish(m), 0);

	struct pcisim_pcifn *x = fn(m, "x");
	assert_int_equal(x->devfn, 0x12 << 3 | 1);
	assert_ids(x, 0x1033, 0x0194, 0x0c0330);
	assert_int_equal(rd(x, PCI_REVISION_ID, 1), 3);
	uint8_t caps[8];
	cap_list(x, caps, 8);
	assert_int_equal(caps[0], 0x90); /* MSI-X, PCIe 0xa0, MSI 0x70 */
	assert_int_equal(caps[1], 0xa0);
	assert_int_equal(caps[2], 0x70);
	assert_int_equal(PCISIM_FIELD_GET(PCI_MSI_FLAGS_QMASK, rd(x, 0x70 + PCI_MSI_FLAGS, 2)), 4);
	assert_int_equal(rd(x, 0x90 + PCI_MSIX_TABLE, 4), 0x3000);
	assert_int_equal(rd(x, 0x90 + PCI_MSIX_PBA, 4), 0x3800);

	struct pcisim_pcifn *q = fn(m, "q");
	assert_ids(q, 0x1b36, 0x000d, 0x0c0330);
	assert_int_equal(pcisim_cfg_find_cap(&q->cfg, PCI_CAP_ID_MSI), 0); /* msi off */
	/* on pcie.0: a Root Complex Integrated Endpoint */
	assert_int_equal(PCISIM_FIELD_GET(PCI_EXP_FLAGS_TYPE, rd(q, 0xa0 + PCI_EXP_FLAGS, 2)),
			 PCI_EXP_TYPE_RC_END);

	struct pcisim_pcifn *nic = fn(m, "nic");
	assert_ids(nic, 0x8086, 0x10d3, 0x020000);
	assert_int_equal(rd(nic, PCI_SUBSYSTEM_VENDOR_ID, 2), 0x8086);
	assert_int_equal(rd(nic, PCI_SUBSYSTEM_ID, 2), 0);
	cap_list(nic, caps, 8);
	static const uint8_t nic_caps[] = {0xc8, 0xd0, 0xe0, 0xa0, 0};
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(caps[i], nic_caps[i]);
	assert_int_equal(rd(nic, 0xe0 + PCI_EXP_FLAGS, 2) & PCI_EXP_FLAGS_VERS, 1);
	assert_false(rd(nic, 0xe0 + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR);
	uint16_t ext[8];
	ext_list(nic, ext, 8);
	assert_int_equal(ext[0], 0x100);
	assert_int_equal(ext[1], 0x140); /* QEMU's DSN sits inside AER's last 8 bytes */
	assert_int_equal(rd(nic, 0x140 + PCI_DSN_LOWER, 4), 0xff123456);
	assert_int_equal(rd(nic, 0x140 + PCI_DSN_UPPER, 4), 0x525400ff);

	struct pcisim_pcifn *r0 = fn(m, "rng0"), *r1 = fn(m, "rng1");
	assert_int_equal(r0->cfg.size, PCISIM_CFG_PCI_SIZE); /* transitional on a root bus */
	assert_ids(r0, 0x1af4, 0x1005, 0x00ff00);
	assert_int_equal(rd(r0, PCI_SUBSYSTEM_ID, 2), 4);
	assert_int_equal(rd(r0, PCI_BASE_ADDRESS_0, 4) & PCI_BASE_ADDRESS_SPACE_IO, PCI_BASE_ADDRESS_SPACE_IO);
	/* machine 6.0 < 7.2: no MSI-X vectors */
	assert_int_equal(pcisim_cfg_find_cap(&r0->cfg, PCI_CAP_ID_MSIX), 0);
	assert_int_equal(r1->cfg.size, PCISIM_CFG_PCIE_SIZE);
	assert_ids(r1, 0x1af4, 0x1044, 0x00ff00);
	assert_int_equal(pcisim_cfg_find_cap(&r1->cfg, PCI_CAP_ID_EXP), 0x40);
	assert_int_equal(pcisim_cfg_find_cap(&r1->cfg, PCI_CAP_ID_PM), 0x7c);

	struct pcisim_pcifn *ep = fn(m, "ep");
	assert_ids(ep, 0x1234, 0x5678, 0x010802);
	assert_int_equal(rd(ep, PCI_REVISION_ID, 1), 7);
	assert_int_not_equal(pcisim_cfg_find_ext_cap(&ep->cfg, PCI_EXT_CAP_ID_ERR), 0);
	m_free(m);
}

/* ---- errors ---- */

static void expect_error(const char *machine_yaml, const char *const *args, const char *want)
{
	struct m *m = machine(machine_yaml);
	int rc = 0;
	for (unsigned i = 0; args[i] && !rc; i++)
		rc = dev_try(m, args[i], false);
	if (!rc)
		rc = finish(m);
	if (!rc)
		fail_msg("no error; expected '%s'", want);
	if (!strstr(m->diag.first, want))
		fail_msg("error '%s'; expected '%s'", m->diag.first, want);
	/* every error is located */
	assert_non_null(strstr(m->diag.first, "cmdline:1:"));
	m_free(m);
}

static void errors(void **state)
{
	expect_error("{type: q35}", (const char *const[]){"no-such-dev,id=a", NULL},
		     "unknown device driver 'no-such-dev'; valid drivers: ");
	expect_error("{type: q35}", (const char *const[]){"pcie-root-port,id=a,bogus=1", NULL},
		     "unknown property 'bogus' for device 'pcie-root-port'; valid properties: port, aer_log_max");
	expect_error("{type: q35}", (const char *const[]){"e1000e,id=a,bus=nope", NULL},
		     "Bus 'nope' not found; valid buses: pcie.0");
	expect_error("{type: q35}",
		     (const char *const[]){"e1000e,id=a,addr=3", "e1000e,id=b,addr=3", NULL},
		     "PCI: slot 3 function 0 not available for e1000e, in use by e1000e,id=a");
	expect_error("{type: q35}",
		     (const char *const[]){"pcie-root-port,id=a", "pcie-root-port,id=b", NULL},
		     "Can't add chassis slot, error -16: chassis 0 slot 0 is already taken by pcie-root-port 'a'");
	expect_error("{type: q35}", (const char *const[]){"pcie-root-port,id=a,x-speed=3", NULL},
		     "unknown value '3'; valid choices: 2_5, 5, 8, 16, 32, 64");
	expect_error("{type: q35, cxl: on}",
		     (const char *const[]){"pxb-cxl,bus_nr=12,id=cxl.1",
					   "cxl-rp,bus=cxl.1,id=rp,chassis=0,slot=2",
					   "cxl-upstream,bus=rp,id=us0",
					   "i2c_mctp_cxl,bus=aspeed.i2c.bus.0,address=4,target=nothing", NULL},
		     "i2c_mctp_cxl target 'nothing' names no device; valid targets: us0");
	expect_error("{type: q35, cxl: on}",
		     (const char *const[]){"pcie-root-port,id=rp,chassis=1",
					   "i2c_mctp_cxl,bus=aspeed.i2c.bus.0,target=rp", NULL},
		     "Unhandled target type for CXL MCTP EP; valid targets: none");
	expect_error("{type: q35, cxl: on}",
		     (const char *const[]){"i2c_mctp_cxl,bus=pcie.0,target=rp", NULL},
		     "'pcie.0' is not an I2C bus; valid buses: aspeed.i2c.bus.N");
	expect_error("{type: q35, cxl: on}",
		     (const char *const[]){"pxb-cxl,bus_nr=12,id=cxl.1",
					   "cxl-rp,bus=cxl.1,id=rp,chassis=0,slot=2",
					   "cxl-upstream,bus=rp,id=us0",
					   "i2c_mctp_cxl,bus=aspeed.i2c.bus.0,address=4,target=us0",
					   "i2c_mctp_cxl,bus=aspeed.i2c.bus.0,address=4,target=us0", NULL},
		     "i2c_mctp_cxl: I2C address 0x04 on aspeed.i2c.bus.0 is already used by 'i2c_mctp_cxl#0'");
	expect_error("{type: q35}", (const char *const[]){"pxb-cxl,bus_nr=12,id=cxl.1", NULL},
		     "Machine does not have cxl=on");
	expect_error("{type: q35}",
		     (const char *const[]){"pxb-pcie,bus_nr=5,id=a", "pxb-pcie,bus_nr=5,id=b", NULL},
		     "Bus 5 is already in use");
	expect_error("{type: q35}", (const char *const[]){"pxb-pcie,id=a", NULL}, "pxb-pcie needs bus_nr");
	expect_error("{type: q35, cxl: on}",
		     (const char *const[]){"cxl-switch-mailbox-cci,target=nowhere", NULL},
		     "cxl-switch-mailbox-cci target 'nowhere' names no device; valid targets: none");
	expect_error("{type: q35}", (const char *const[]){"cxl-type3,id=t", NULL},
		     "at least one memdev property must be set");
	expect_error("{type: q35}", (const char *const[]){"cxl-type3,id=t,persistent-memdev=m", NULL},
		     "lsa property must be set for persistent devices");
	expect_error("{type: q35}", (const char *const[]){"e1000e,id=a,mac=zz", NULL},
		     "is not a MAC address");
}

/* Every property of every model says what it is, with its default where it has one. */
static void properties_are_declared(void **state)
{
	const char **names = pcisim_driver_names();
	assert_non_null(names);
	unsigned n = 0;
	for (unsigned i = 0; names[i]; i++) {
		const struct pcisim_driver *drv = pcisim_driver_find(names[i]);
		assert_non_null(drv);
		assert_non_null(drv->help);
		for (const struct pcisim_prop_def *p = drv->props; p && p->name; p++) {
			if (!p->help || !p->help[0])
				fail_msg("%s.%s has no help", drv->name, p->name);
			if (p->type == PCISIM_PROP_CHOICE && !p->choices)
				fail_msg("%s.%s is a choice without choices", drv->name, p->name);
		}
		n++;
	}
	assert_true(n >= 20);
	/* q35-host is the machine's, not a -device driver */
	for (unsigned i = 0; names[i]; i++)
		assert_string_not_equal(names[i], "q35-host");
	free(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(q35_fixed_functions),
		cmocka_unit_test(machine_parts_are_not_user_devices),
		cmocka_unit_test(pcie_root_port_layout),
		cmocka_unit_test(slot_bits_by_version),
		cmocka_unit_test(ioh3420_and_cxl_rp_layout),
		cmocka_unit_test(xio3130_switch_layout),
		cmocka_unit_test(fm_rfc_topology),
		cmocka_unit_test(endpoint_layouts),
		cmocka_unit_test(errors),
		cmocka_unit_test(properties_are_declared),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
