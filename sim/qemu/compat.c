/*
 * QEMU's behaviour by version and machine type. Every rule names the commit or compat
 * table it comes from; docs/fidelity.md lists which were checked against a real QEMU.
 */
#include "sim/qemu/compat.h"

#include <ctype.h>
#include <string.h>

int pcisim_qemu_version_parse(const char *s, unsigned *out)
{
	unsigned v[3] = {0, 0, 0};
	int k = 0;
	const char *p = s;
	while (k < 3) {
		if (!isdigit((unsigned char)*p))
			return -1;
		unsigned x = 0;
		while (isdigit((unsigned char)*p) && x < 1000)
			x = x * 10 + (unsigned)(*p++ - '0');
		v[k++] = x;
		if (*p == '.' && k < 3)
			p++;
		else
			break;
	}
	if (*p || k < 2 || v[0] > 20 || v[1] > 20)
		return -1;
	*out = PCISIM_QEMU(v[0], v[1]);
	return 0;
}

bool pcisim_qemu_version_supported(unsigned version)
{
	return version >= PCISIM_QEMU_OLDEST;
}

bool pcisim_qemu_machine_type_exists(unsigned qemu, unsigned type)
{
	return !type || !qemu || type <= qemu;
}

unsigned pcisim_qemu_machine_version(const struct pcisim_machine *m)
{
	return m->type_version && m->type_version <= m->qemu ? m->type_version : m->qemu;
}

bool pcisim_qemu_acpi_pcihp_bridges_default(const struct pcisim_machine *m)
{
	/* pseries has no ACPI: its PHBs' hot-plug is PAPR's (DR connectors), not ICH9's */
	if (m->type && !strncmp(m->type, "pseries", 7))
		return false;
	/*
	 * hw/i386/pc.c pc_compat_6_0: ICH9-LPC acpi-pci-hotplug-with-bridge-support=off;
	 * "q35" is the binary's newest type, so a binary before 6.1 has it off too.
	 */
	return pcisim_qemu_machine_version(m) >= PCISIM_QEMU(6, 1);
}

void pcisim_qemu_machine_defaults(struct pcisim_machine *m)
{
	m->type = "q35";
	m->type_version = 0;
	m->qemu = PCISIM_QEMU_NEWEST;
	m->acpi_pcihp_bridges = true;
	pcisim_qemu_compat_update(m);
}

void pcisim_qemu_compat_update(struct pcisim_machine *m)
{
	unsigned bin = m->qemu, mt = pcisim_qemu_machine_version(m);
	unsigned f = 0;
	/* 625b370c45f4 (8.1): "pcie: Don't compare Slot Status PDS on migration" */
	if (bin >= PCISIM_QEMU(8, 1))
		f |= PCISIM_QEMU_PDS_UNCHECKED;
	/* x-pcie-err-unc-mask (8.0), off in hw_compat_7_2 */
	if (bin >= PCISIM_QEMU(8, 0) && mt >= PCISIM_QEMU(8, 0))
		f |= PCISIM_QEMU_AER_UNC_MASK;
	/* x-pcie-ext-tag (9.2), off in hw_compat_9_1 */
	if (bin >= PCISIM_QEMU(9, 2) && mt >= PCISIM_QEMU(9, 2))
		f |= PCISIM_QEMU_EXT_TAG;
	/* x-pci-express-writeable-slt-bug (8.2), on in hw_compat_8_1 */
	if (bin >= PCISIM_QEMU(8, 2) && mt >= PCISIM_QEMU(8, 2))
		f |= PCISIM_QEMU_SEC_LAT_RO;
	/* 6.0: "pcie: don't set link state active if the slot is empty" */
	if (bin >= PCISIM_QEMU(6, 0))
		f |= PCISIM_QEMU_DLLLA_AT_PLUG;
	/*
	 * hw/i386/pc_q35.c pc_q35_init(): with ACPI hot-plug on bridges and ICH9-LPC
	 * x-keep-pci-slot-hpc off, every PCIe slot gets x-do-not-expose-native-hotplug-cap.
	 * The knob exists from 6.1 on and pc_compat_6_1 turns it off: machine types up to
	 * 6.1 on binaries from 6.1 (6.0 had no such type, so this is pc-q35-6.1 in practice
	 * plus older types on 6.1+ binaries with ACPI bridges forced on).
	 */
	if (m->acpi_pcihp_bridges && bin >= PCISIM_QEMU(6, 1) && mt <= PCISIM_QEMU(6, 1))
		f |= PCISIM_QEMU_HIDE_HPC;
	/* 8.0: pcie_aer_msg_alldev() also passes messages on Device Control's enables */
	if (bin >= PCISIM_QEMU(8, 0))
		f |= PCISIM_QEMU_AER_MSG_DEVCTL;
	/*
	 * pcie_aer_inject_error's errors: 7.2 prints the old texts (tests/qemu-diff); the
	 * PCI HMP commands moved to hw/pci/pci-hmp-cmds.c with "Error:" texts in 8.0.
	 */
	if (bin >= PCISIM_QEMU(8, 0))
		f |= PCISIM_QEMU_HMP_ERROR_PREFIX;
	/* 8.1, "acpi: pcihp: allow repeating hot-unplug requests" (April 2023) */
	if (bin >= PCISIM_QEMU(8, 1))
		f |= PCISIM_QEMU_ACPI_UNPLUG_REPEAT;
	/* hw_compat_2_10 turns virtio's x-pcie-*-init off */
	if (mt >= PCISIM_QEMU(2, 11))
		f |= PCISIM_QEMU_VIRTIO_PCIE_INIT;
	/* virtio-rng-pci vectors: 2 from 7.2's machine types (hw_compat_7_1 keeps 0) */
	if (mt >= PCISIM_QEMU(7, 2))
		f |= PCISIM_QEMU_VIRTIO_RNG_VECTORS;
	/* x-pcie-pm-no-soft-reset (9.1), off in hw_compat_9_0 */
	if (bin >= PCISIM_QEMU(9, 1) && mt >= PCISIM_QEMU(9, 1))
		f |= PCISIM_QEMU_PM_NO_SOFT_RESET;
	/*
	 * 4.0, "pcie: Allow generic PCIe root port to specify link speed and width":
	 * x-speed/x-width on pcie-root-port, default 16 GT/s x32; hw_compat_3_1 sets
	 * 2_5/1, which builds what 2.12 and 3.x had (LNKCAP/LNKSTA 2.5 GT/s x1).
	 */
	if (bin >= PCISIM_QEMU(4, 0))
		f |= PCISIM_QEMU_RP_LINK_PROPS;
	if (bin >= PCISIM_QEMU(4, 0) && mt >= PCISIM_QEMU(4, 0))
		f |= PCISIM_QEMU_RP_FAST_LINK;
	/*
	 * pcie-root-port's ACS came in 4.0 unconditionally; 4.1's "pcie_root_port: Disable
	 * ACS on older machines" added disable-acs and set it in hw_compat_3_1.
	 */
	if (bin == PCISIM_QEMU(4, 0) || (bin >= PCISIM_QEMU(4, 1) && mt >= PCISIM_QEMU(4, 0)))
		f |= PCISIM_QEMU_RP_ACS;
	if (bin >= PCISIM_QEMU(4, 1))
		f |= PCISIM_QEMU_DISABLE_ACS_PROP;
	/* 4.1, "pcie: check that slt ctrl changed before deleting" (July 2019) */
	if (bin >= PCISIM_QEMU(4, 1))
		f |= PCISIM_QEMU_SLOT_EJECT_ON_CHANGE;
	/* 5.0, "pcie_root_port: Add hotplug disabling option" (PCIESlot hotplug) */
	if (bin >= PCISIM_QEMU(5, 0))
		f |= PCISIM_QEMU_SLOT_HOTPLUG_PROP;
	/*
	 * 6.2: "pcie: implement slot power control for pcie root ports", "pcie: add power
	 * indicator blink check", "pcie: fast unplug when slot power is off", "pcie: expire
	 * pending delete", with qdev_unplug() refusing a repeated device_del.
	 */
	if (bin >= PCISIM_QEMU(6, 2))
		f |= PCISIM_QEMU_SLOT_POWER;
	/* 4.2: virtio PCI FLR (x-pcie-flr-init), off in hw_compat_4_1 */
	if (bin >= PCISIM_QEMU(4, 2))
		f |= PCISIM_QEMU_VIRTIO_FLR_PROP;
	if (bin >= PCISIM_QEMU(4, 2) && mt >= PCISIM_QEMU(4, 2))
		f |= PCISIM_QEMU_VIRTIO_FLR;
	/* 7.1: the CXL type 3 series (hw/cxl, hw/mem/cxl_type3.c, pxb-cxl, cxl-rp) */
	if (bin >= PCISIM_QEMU(7, 1))
		f |= PCISIM_QEMU_CXL_DEVICES;
	/*
	 * The CXL series after 7.2 (docs/cxl.md lists what each adds):
	 * 8.0: "hw/cxl: Multiple HDM decoder support" (four decoders per component),
	 * "hw/pxb-cxl: Support passthrough HDM Decoders unless overridden"
	 * (hdm_for_passthrough),
	 * "hw/cxl: Multi-Region CXL Type-3 Devices (Volatile and Persistent)"
	 * (volatile-memdev, persistent-memdev) and
	 * "hw/mem/cxl_type3: Add CXL RAS Error Injection Support" (QMP
	 * cxl-inject-uncorrectable-errors / -correctable-error, RAS Error Capability
	 * 0x200 with status RW1C);
	 * 8.1: the event log series ("hw/cxl/events: Wire up get/clear event mailbox
	 * commands", cxl-inject-general-media/dram/memory-module-event) and poison
	 * ("hw/cxl: QMP based poison injection support", Get/Inject/Clear Poison);
	 * 8.2: mailbox background operations with Sanitize, and Get Security State, and
	 * in the same pull the cxl-switch-mailbox-cci function (PCISIM_QEMU_CXL_SWITCH_CCI
	 * shares the bit); 9.1 (below) brought Scan Media with dynamic capacity
	 * (PCISIM_QEMU_CXL_SCAN_MEDIA shares that bit).
	 */
	/* after 7.2: the CXL r3 config space layouts (machine.h); which release brought
	 * each piece is not checked here, only 7.2's layout is (tests/qemu-diff) */
	if (bin >= PCISIM_QEMU(8, 0))
		f |= PCISIM_QEMU_CXL_CFG_R3;
	if (bin >= PCISIM_QEMU(8, 0))
		f |= PCISIM_QEMU_CXL_HDM_MULTI | PCISIM_QEMU_CXL_RAS_INJECT | PCISIM_QEMU_CXL_VOLATILE |
		     PCISIM_QEMU_CXL_HB_PASSTHROUGH;
	if (bin >= PCISIM_QEMU(8, 1))
		f |= PCISIM_QEMU_CXL_EVENTS | PCISIM_QEMU_CXL_POISON;
	if (bin >= PCISIM_QEMU(8, 2))
		f |= PCISIM_QEMU_CXL_BG_CMDS;
	/* 9.1: "hw/mem/cxl_type3: Add support to create DC regions to type3 memory devices" */
	if (bin >= PCISIM_QEMU(9, 1))
		f |= PCISIM_QEMU_CXL_DCD;
	m->compat = f;
}

unsigned pcisim_qemu_compat(unsigned qemu, unsigned type)
{
	struct pcisim_machine m = {.type = "q35", .type_version = type, .qemu = qemu};
	m.acpi_pcihp_bridges = pcisim_qemu_acpi_pcihp_bridges_default(&m);
	pcisim_qemu_compat_update(&m);
	return m.compat;
}

bool pcisim_qemu_has_ich9_pcihp(const struct pcisim_machine *m)
{
	/* hw/acpi/ich9.c: ICH9-LPC's ACPI PCI hot-plug came in 6.1 */
	return m->qemu >= PCISIM_QEMU(6, 1);
}
