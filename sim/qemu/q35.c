/*
 * The q35 machine's root complex: the host bridge whose root bus is pcie.0, and the
 * functions QEMU's pc_q35_init() puts on it before any -device line: the MCH host
 * bridge at 00:00.0, the standard VGA at 00:01.0 (unless -vga none), and the ICH9
 * south bridge's LPC (00:1f.0, multi-function), SATA AHCI (00:1f.2) and SMBus
 * (00:1f.3) functions. These model identity, class and BARs; their own registers
 * (PAM, SMRAM, PIRQ routing, AHCI ports) are out of pcisim's scope.
 *
 * Facts, from QEMU's sources:
 *  - hw/pci-host/q35.c: MCH 8086:29c0 (PCI_DEVICE_ID_INTEL_Q35_MCH), revision
 *    MCH_HOST_BRIDGE_REVISION_DEFAULT 0, class 0600, at devfn 0 of "pcie.0".
 *  - hw/i386/pc_q35.c pc_q35_init(): ICH9-LPC, AHCI (1f.2) and SMBus (1f.3) all
 *    created multifunction (header type 0x80); the VGA from -vga std (the default)
 *    at 00:01.0 (pcie.0's first free slot after the MCH).
 *  - reset values, read from QEMU 7.2 by tests/qemu-diff: MCH GGC 0x0010, SMRAM
 *    0x02, ESMRAMC 0x38; LPC PMBASE 0x00000001, PIRQ[A-H] routes 0x80; AHCI address
 *    map 0x40 (0x90), SATA capability revision 0x10 and BARLOC 0x48; SMBus pin A,
 *    its I/O BAR 4 of 64 bytes.
 *  - include/hw/southbridge/ich9.h: ICH9 LPC 8086:2918 (PCI_DEVICE_ID_INTEL_ICH9_8),
 *    ICH9_A2_LPC_REVISION 2, class 0601 (ISA bridge); SMBus 8086:2930
 *    (PCI_DEVICE_ID_INTEL_ICH9_6), revision 2, class 0c05, I/O BAR 4.
 *  - hw/ide/ich.c: ich9-ahci 8086:2922, revision 2, class 010601 (SATA, AHCI 1.0),
 *    SATA capability 0xa8, MSI 0x80 (1 vector, 64-bit), I/O BAR 4 (index/data
 *    pair, 32 bytes), AHCI memory BAR 5 (4 KiB).
 *  - hw/display/vga-pci.c: VGA 1234:1111, class 0300, revision 2, VRAM in a
 *    prefetchable BAR 0 (16 MiB default vgamem_mb), the MMIO BAR 2 (4 KiB).
 * The MCH, LPC and SMBus are not user-creatable in QEMU ("Parameter 'driver'
 * expects a pluggable device type"); VGA and ich9-ahci are.
 */
#include <assert.h>
#include <stdlib.h>

#include "sim/pcie/conf1.h"
#include "sim/pcie/models.h"
#include "sim/qemu/acpi_pcihp.h"
#include "sim/qemu/machine.h"
#include "sim/pcie/regs/pci.h"
#include "sim/core/heap.h"

/* Reset values of the chipset registers a guest sees before firmware touches them. */
#define MCH_HOST_BRIDGE_GGC 0x50
#define MCH_HOST_BRIDGE_GGC_DEFAULT 0x0010
#define MCH_HOST_BRIDGE_SMRAM 0x9d
#define MCH_HOST_BRIDGE_SMRAM_DEFAULT 0x02 /* C_BASE_SEG */
#define MCH_HOST_BRIDGE_ESMRAMC 0x9e
#define MCH_HOST_BRIDGE_ESMRAMC_DEFAULT 0x38 /* SM_CACHE | SM_L1 | SM_L2 */
#define ICH9_LPC_PMBASE 0x40
#define ICH9_LPC_PMBASE_RTE 0x1 /* resource type: I/O */
#define ICH9_LPC_PIRQA_ROUT 0x60
#define ICH9_LPC_PIRQE_ROUT 0x68
#define ICH9_LPC_PIRQ_ROUT_DEFAULT 0x80 /* IRQEN: routing disabled */

/* The machine's own functions: created by pcisim_q35_create() only, never by -device. */
static int builtin_only(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	if (fn->fabric && fn->fabric->machine_init)
		return 0;
	return pcisim_diag_error(d, fn->props.loc,
				 "Parameter 'driver' expects a pluggable device type: '%s' is part of the q35 machine and cannot be added with -device",
				 fn->drv->name);
}

static int q35_host_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	/* The PCI host bridge (TYPE_Q35_HOST_DEVICE) is no PCI function; its root bus is
	 * the fabric's secondary bus named after it. */
	return builtin_only(fn, d);
}

static int mch_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	int rc = builtin_only(fn, d);
	if (rc)
		return rc;
	pcisim__header(fn, 0x8086, 0x29c0, 0, 0x060000);
	/* mch_reset(): GGC, SMRAM and ESMRAMC defaults */
	pcisim_cfg_set(&fn->cfg, MCH_HOST_BRIDGE_GGC, MCH_HOST_BRIDGE_GGC_DEFAULT, 2);
	pcisim_cfg_set(&fn->cfg, MCH_HOST_BRIDGE_SMRAM, MCH_HOST_BRIDGE_SMRAM_DEFAULT, 1);
	pcisim_cfg_set(&fn->cfg, MCH_HOST_BRIDGE_ESMRAMC, MCH_HOST_BRIDGE_ESMRAMC_DEFAULT, 1);
	return 0;
}

static int vga_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &fn->cfg;
	pcisim__header(fn, 0x1234, 0x1111, 2, 0x030000);
	uint64_t vram = pcisim_props_u64(&fn->props, "vgamem_mb", 16) << 20;
	int rc;
	if ((rc = pcisim_cfg_register_bar(c, 0, vram, PCI_BASE_ADDRESS_MEM_PREFETCH)) < 0 ||
	    (pcisim_props_bool(&fn->props, "mmio", true) &&
	     (rc = pcisim_cfg_register_bar(c, 2, 4096, 0)) < 0))
		return pcisim__build_failed(fn, rc, "its BARs (vgamem_mb must be a power of two)", d);
	return 0;
}

/*
 * ICH9-LPC's ACPI (ich9_pm_init(), then the first machine reset's
 * acpi_set_pci_info()): once every cold-plugged device exists, so that BSEL numbers
 * the whole cold-plugged tree.
 */
static int lpc_link(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	return pcisim_acpi_pcihp_setup(fn->fabric, fn, d);
}

static int lpc_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	int rc = builtin_only(fn, d);
	if (rc)
		return rc;
	pcisim__header(fn, 0x8086, 0x2918, 2, 0x060100);
	/* ich9_lpc_reset(): PMBASE says I/O space; every PIRQ route disabled (0x80) */
	pcisim_cfg_set(&fn->cfg, ICH9_LPC_PMBASE, ICH9_LPC_PMBASE_RTE, 4);
	for (unsigned i = 0; i < 4; i++) {
		pcisim_cfg_set(&fn->cfg, (uint16_t)(ICH9_LPC_PIRQA_ROUT + i), ICH9_LPC_PIRQ_ROUT_DEFAULT, 1);
		pcisim_cfg_set(&fn->cfg, (uint16_t)(ICH9_LPC_PIRQE_ROUT + i), ICH9_LPC_PIRQ_ROUT_DEFAULT, 1);
	}
	return 0;
}

#define ICH9_SATA_CAP_OFFSET 0xa8
#define ICH9_SATA_CAP_SIZE 8
#define ICH9_SATA_CAP_BAR 0x48 /* BAR 4 (BARLOC 8), offset 0 */
#define ICH9_SATA_MAP 0x90
#define ICH9_SATA_MAP_AHCI 0x40
#define ICH9_MSI_CAP_OFFSET 0x80
#define ICH9_SMB_BAR_SIZE 64

static int ahci_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &fn->cfg;
	pcisim__header(fn, 0x8086, 0x2922, 2, 0x010601);
	pcisim_cfg_set(c, PCI_INTERRUPT_PIN, 1, 1);
	int rc;
	/* SATA Capability (PCI_CAP_ID_SATA): added first, then MSI (head of the list) */
	uint16_t sata = pcisim_cfg_add_cap(c, PCI_CAP_ID_SATA, ICH9_SATA_CAP_OFFSET, ICH9_SATA_CAP_SIZE);
	if (!sata)
		return pcisim__build_failed(fn, -PCISIM_EINVAL, "its SATA capability", d);
	/* SATA capability revision 1.0; index/data pair at offset 0 of BAR 4 (BARLOC 8) */
	pcisim_cfg_set(c, (uint16_t)(sata + 2), 0x0010, 2);
	pcisim_cfg_set(c, (uint16_t)(sata + 4), ICH9_SATA_CAP_BAR, 4);
	pcisim_cfg_set(c, ICH9_SATA_MAP, ICH9_SATA_MAP_AHCI, 1); /* address map: AHCI mode */
	if ((rc = pcisim_cap_msi_init(c, ICH9_MSI_CAP_OFFSET, 1, true, false)) < 0 ||
	    (rc = pcisim_cfg_register_bar(c, 4, 32, PCI_BASE_ADDRESS_SPACE_IO)) < 0 ||
	    (rc = pcisim_cfg_register_bar(c, 5, 4096, 0)) < 0)
		return pcisim__build_failed(fn, rc, "its MSI capability and BARs", d);
	return 0;
}

static int smbus_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	int rc = builtin_only(fn, d);
	if (rc)
		return rc;
	pcisim__header(fn, 0x8086, 0x2930, 2, 0x0c0500);
	pcisim_cfg_set(&fn->cfg, PCI_INTERRUPT_PIN, 1, 1);
	if ((rc = pcisim_cfg_register_bar(&fn->cfg, 4, ICH9_SMB_BAR_SIZE, PCI_BASE_ADDRESS_SPACE_IO)) < 0)
		return pcisim__build_failed(fn, rc, "its BAR", d);
	return 0;
}

/* ---- the machine ---- */

/* Create one fixed function: @id on pcie.0 at @addr (NULL = none: the host bridge). */
static int builtin(struct pcisim_fabric *fab, const char *driver, const char *id, const char *addr,
		   bool mf, struct pcisim_pcifn **out, struct pcisim_diag *d)
{
	/* The properties stay with the function (fn->props), so they live as long as the fabric. */
	struct pcisim_prop *v = pcisim_calloc(4, sizeof(*v));
	if (!v)
		return PCISIM_ERR(PCISIM_ENOMEM);
	pcisim_fabric_keep(fab, v);
	struct pcisim_props p = {.driver = driver, .v = v};
	v[p.n++] = (struct pcisim_prop){.name = "id", .value = id};
	if (addr) {
		v[p.n++] = (struct pcisim_prop){.name = "bus", .value = "pcie.0"};
		v[p.n++] = (struct pcisim_prop){.name = "addr", .value = addr};
	}
	if (mf)
		v[p.n++] = (struct pcisim_prop){.name = "multifunction", .value = "on"};
	return pcisim_device_create(fab, &p, false, out, d);
}

int pcisim_q35_create(struct pcisim_fabric *fab, bool vga, struct pcisim_diag *d)
{
	if (fab->root_host)
		return 0;
	struct pcisim_pcifn *host = NULL;
	int rc;
	fab->machine_init = true;
	if ((rc = builtin(fab, "q35-host", "pcie.0", NULL, false, &host, d)))
		goto out;
	fab->root_host = host;
	if ((rc = builtin(fab, "mch", "q35.mch", "0.0", false, NULL, d)) ||
	    (vga && (rc = builtin(fab, "VGA", "q35.vga", "1.0", false, NULL, d))) ||
	    (rc = builtin(fab, "ICH9-LPC", "q35.lpc", "1f.0", true, NULL, d)) ||
	    (rc = builtin(fab, "ich9-ahci", "q35.sata", "1f.2", true, NULL, d)) ||
	    (rc = builtin(fab, "ICH9-SMB", "q35.smbus", "1f.3", true, NULL, d)))
		goto out;
	/* the host bridge's fixed I/O ports (QEMU q35_host_realize); claimed once, as the
	 * host bridge is created once */
	rc = pcisim_conf1_claim(fab->sim);
	assert(rc == 0);
out:
	fab->machine_init = false;
	return rc;
}

/* ---- properties and the table ---- */

static const struct pcisim_prop_def no_props[] = {{0}};

static const struct pcisim_prop_def vga_props[] = {
	{"vgamem_mb", PCISIM_PROP_INT, "video memory in MiB, the size of BAR 0 (default 16)", 1, 512, NULL,
	 true},
	{"mmio", PCISIM_PROP_BOOL, "the MMIO BAR 2 (default on)", 0, 0, NULL, true},
	{"qemu-extended-regs", PCISIM_PROP_BOOL, "QEMU's extended registers in the MMIO BAR (default on)",
	 0, 0, NULL, false},
	{"edid", PCISIM_PROP_BOOL, "EDID blob in the MMIO BAR (default on)", 0, 0, NULL, false},
	{"xres", PCISIM_PROP_INT, "EDID preferred width (default 1280)", 0, 0, NULL, false},
	{"yres", PCISIM_PROP_INT, "EDID preferred height (default 800)", 0, 0, NULL, false},
	{0},
};

const struct pcisim_driver pcisim_q35_drivers[] = {
	{
		.name = "q35-host",
		.help = "q35 PCIe host bridge: the root bus pcie.0 (hw/pci-host/q35.c; part of the machine)",
		.kind = PCISIM_FN_HOST_BRIDGE,
		.props = no_props,
		.realize = q35_host_realize,
	},
	{
		.name = "mch",
		.help = "Q35 memory controller hub, host bridge at 00:00.0 (8086:29c0; part of the machine)",
		.kind = PCISIM_FN_ENDPOINT,
		.props = no_props,
		.realize = mch_realize,
	},
	{
		.name = "VGA",
		.help = "standard VGA (1234:1111; hw/display/vga-pci.c)",
		.kind = PCISIM_FN_ENDPOINT,
		.props = vga_props,
		.realize = vga_realize,
	},
	{
		.name = "ICH9-LPC",
		.help = "ICH9 LPC bridge at 00:1f.0 (8086:2918; part of the machine)",
		.kind = PCISIM_FN_ENDPOINT,
		.props = no_props,
		.realize = lpc_realize,
		.link = lpc_link,
	},
	{
		.name = "ich9-ahci",
		.help = "ICH9 SATA AHCI controller (8086:2922; hw/ide/ich.c)",
		.kind = PCISIM_FN_ENDPOINT,
		.props = no_props,
		.hotpluggable = true,
		.realize = ahci_realize,
	},
	{
		.name = "ICH9-SMB",
		.help = "ICH9 SMBus controller at 00:1f.3 (8086:2930; part of the machine)",
		.kind = PCISIM_FN_ENDPOINT,
		.props = no_props,
		.realize = smbus_realize,
	},
	{0},
};
