/*
 * lspci for the simulated fabric (lspci.h): the tree, one function decoded, dumps.
 *
 * Every decoder reads a snapshot of the function's config space (taken through the
 * model's read hook) and prints the register the way pciutils 3.9's lspci prints
 * it: the same labels, the same order, "+" and "-" for single bits, the same names
 * for multi-bit fields. Register layouts are in sim/pcie/regs/, one header per
 * capability (PCIe r5.0 §7.5-7.9); the text conventions are written down in
 * docs/lspci-and-graph.md.
 */
#include "tools/lspci.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/pcie/fabric.h"
#include "sim/pcie/slot.h"
#include "sim/pcie/regs/acs.h"
#include "sim/pcie/regs/aer.h"
#include "sim/cxl/cxl_dvsec.h"
#include "sim/pcie/regs/dpc.h"
#include "sim/pcie/regs/msi.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/regs/pm.h"

/* ---- names (PCI ID repository names for the IDs pcisim's models use) ---- */

static const struct {
	uint16_t id;
	const char *name;
} vendors[] = {
	{0x1033, "NEC Corporation"},
	{0x104c, "Texas Instruments"},
	{0x19e5, "Huawei Technologies Co., Ltd."},
	{0x1af4, "Red Hat, Inc."},
	{0x1b36, "Red Hat, Inc."},
	{0x8086, "Intel Corporation"},
};

static const struct {
	uint16_t vendor, device;
	const char *name;
} devices[] = {
	{0x1033, 0x0194, "uPD720200 USB 3.0 Host Controller"},        /* nec-usb-xhci */
	{0x104c, 0x8232, "XIO3130 PCI Express Switch (Upstream)"},    /* x3130-upstream */
	{0x104c, 0x8233, "XIO3130 PCI Express Switch (Downstream)"},  /* xio3130-downstream */
	{0x1af4, 0x1000, "Virtio network device"},
	{0x1af4, 0x1001, "Virtio block device"},
	{0x1af4, 0x1002, "Virtio memory balloon"},
	{0x1af4, 0x1003, "Virtio console"},
	{0x1af4, 0x1004, "Virtio SCSI"},
	{0x1af4, 0x1005, "Virtio RNG"},
	{0x1af4, 0x1041, "Virtio 1.0 network device"},
	{0x1af4, 0x1042, "Virtio 1.0 block device"},
	{0x1af4, 0x1043, "Virtio 1.0 console"},
	{0x1af4, 0x1044, "Virtio 1.0 RNG"},
	{0x1af4, 0x1045, "Virtio 1.0 memory balloon"},
	{0x1af4, 0x1048, "Virtio 1.0 SCSI"},
	{0x1b36, 0x0001, "QEMU PCI-PCI bridge"},
	{0x1b36, 0x0008, "QEMU PCIe Host bridge"},
	{0x1b36, 0x0009, "QEMU PCI Expander bridge"},
	{0x1b36, 0x000b, "QEMU PCIe Expander bridge"},                 /* pxb-pcie, pxb-cxl */
	{0x1b36, 0x000c, "QEMU PCIe Root port"},                       /* pcie-root-port */
	{0x1b36, 0x000d, "QEMU XHCI Host Controller"},                 /* qemu-xhci */
	{0x1b36, 0x0010, "QEMU NVM Express Controller"},               /* nvme */
	{0x8086, 0x100e, "82540EM Gigabit Ethernet Controller"},       /* e1000 */
	{0x8086, 0x10c9, "82576 Gigabit Network Connection"}, /* vfio-pci default: the slides' NIC */
	{0x8086, 0x10d3, "82574L Gigabit Network Connection"},         /* e1000e */
	{0x8086, 0x2918, "82801IB (ICH9) LPC Interface Controller"},   /* ICH9-LPC */
	{0x8086, 0x2922, "82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]"},
	{0x8086, 0x2930, "82801I (ICH9 Family) SMBus Controller"},
	{0x8086, 0x2934, "82801I (ICH9 Family) USB UHCI Controller #1"},
	{0x8086, 0x2935, "82801I (ICH9 Family) USB UHCI Controller #2"},
	{0x8086, 0x2936, "82801I (ICH9 Family) USB UHCI Controller #3"},
	{0x8086, 0x293a, "82801I (ICH9 Family) USB2 EHCI Controller #1"},
	{0x8086, 0x293e, "82801I (ICH9 Family) HD Audio Controller"},
	{0x8086, 0x29c0, "82G33/G31/P35/P31 Express DRAM Controller"}, /* q35 MCH */
	{0x8086, 0x3420, "7500/5520/5500/X58 I/O Hub PCI Express Root Port 0"}, /* ioh3420 */
};

/* Class and subclass names (base << 8 | sub), programming interfaces (class << 8 | pi). */
static const struct {
	uint16_t cls;
	const char *name;
} subclasses[] = {
	{0x0000, "Non-VGA unclassified device"}, {0x0100, "SCSI storage controller"},
	{0x0101, "IDE interface"},               {0x0106, "SATA controller"},
	{0x0108, "Non-Volatile memory controller"}, {0x0180, "Mass storage controller"},
	{0x0200, "Ethernet controller"},         {0x0280, "Network controller"},
	{0x0300, "VGA compatible controller"},   {0x0380, "Display controller"},
	{0x0403, "Audio device"},                {0x0500, "RAM memory"},
	{0x0502, "CXL"},                         {0x0580, "Memory controller"},
	{0x0600, "Host bridge"},                 {0x0601, "ISA bridge"},
	{0x0604, "PCI bridge"},                  {0x0680, "Bridge"},
	{0x0700, "Serial controller"},           {0x0880, "System peripheral"},
	{0x0c03, "USB controller"},              {0x0c05, "SMBus"},
};

static const struct {
	uint16_t cls;
	const char *name;
} bases[] = {
	{0x00, "Unclassified device"}, {0x01, "Mass storage controller"},
	{0x02, "Network controller"},  {0x03, "Display controller"},
	{0x04, "Multimedia controller"}, {0x05, "Memory controller"},
	{0x06, "Bridge"},              {0x07, "Communication controller"},
	{0x08, "Generic system peripheral"}, {0x0c, "Serial bus controller"},
	{0xff, "Unassigned class"},
};

static const struct {
	uint32_t cls_pi;
	const char *name;
} progifs[] = {
	{0x010601, "AHCI 1.0"},        {0x010802, "NVM Express"},
	{0x030000, "VGA controller"},  {0x050210, "CXL Memory Device (CXL 2.x)"},
	{0x060400, "Normal decode"},   {0x060401, "Subtractive decode"},
	{0x0c0300, "UHCI"},            {0x0c0320, "EHCI"},
	{0x0c0330, "XHCI"},
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *pcisim_pci_vendor_name(uint16_t vendor)
{
	for (size_t i = 0; i < ARRAY_SIZE(vendors); i++)
		if (vendors[i].id == vendor)
			return vendors[i].name;
	return NULL;
}

static const char *device_name(uint16_t vendor, uint16_t device)
{
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if (devices[i].vendor == vendor && devices[i].device == device)
			return devices[i].name;
	return NULL;
}

char *pcisim_pci_name(uint16_t vendor, uint16_t device, char *buf, size_t n)
{
	const char *v = pcisim_pci_vendor_name(vendor);
	const char *d = v ? device_name(vendor, device) : NULL;
	if (v && d)
		snprintf(buf, n, "%s %s", v, d);
	else if (v)
		snprintf(buf, n, "%s Device [%04x:%04x]", v, vendor, device);
	else
		snprintf(buf, n, "Device [%04x:%04x]", vendor, device);
	return buf;
}

/*
 * Devices whose ID repository entry names QEMU's subsystem 1af4:1100 "QEMU Virtual
 * Machine" (QEMU sets it on the devices it emulates from real hardware).
 */
static const uint32_t qemu_vm_subsys[] = {
	0x10330194, 0x1b360100, 0x8086100e, 0x80862668, 0x80862918, 0x80862922, 0x80862930,
	0x80862934, 0x80862935, 0x80862936, 0x8086293a, 0x8086293c, 0x8086293e, 0x808629c0,
};

/* A subsystem: the subsystem vendor's name and, when known for the device, the pair's. */
static char *subsys_name(uint16_t vendor, uint16_t device, uint16_t sv, uint16_t sd, char *buf,
			 size_t n)
{
	const char *v = pcisim_pci_vendor_name(sv);
	if (sv == 0x1af4 && sd == 0x1100)
		for (size_t i = 0; i < ARRAY_SIZE(qemu_vm_subsys); i++)
			if (qemu_vm_subsys[i] == ((uint32_t)vendor << 16 | device)) {
				snprintf(buf, n, "%s QEMU Virtual Machine", v);
				return buf;
			}
	if (v)
		snprintf(buf, n, "%s Device %04x", v, sd);
	else
		snprintf(buf, n, "Device %04x:%04x", sv, sd);
	return buf;
}

char *pcisim_pci_class_name(uint16_t cls, char *buf, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(subclasses); i++)
		if (subclasses[i].cls == cls) {
			snprintf(buf, n, "%s", subclasses[i].name);
			return buf;
		}
	for (size_t i = 0; i < ARRAY_SIZE(bases); i++)
		if (bases[i].cls == cls >> 8) {
			snprintf(buf, n, "%s [%04x]", bases[i].name, cls);
			return buf;
		}
	snprintf(buf, n, "Class [%04x]", cls);
	return buf;
}

static const char *progif_name(uint32_t cls_pi)
{
	for (size_t i = 0; i < ARRAY_SIZE(progifs); i++)
		if (progifs[i].cls_pi == cls_pi)
			return progifs[i].name;
	return NULL;
}

/* ---- a snapshot of config space ---- */

struct snap {
	const uint8_t *b;
	size_t size;
	const uint8_t *wmask; /* may be NULL */
};

static uint8_t r8(const struct snap *s, unsigned off)
{
	return off < s->size ? s->b[off] : 0xff;
}

static uint16_t r16(const struct snap *s, unsigned off)
{
	return (uint16_t)(r8(s, off) | r8(s, off + 1) << 8);
}

static uint32_t r32(const struct snap *s, unsigned off)
{
	return (uint32_t)r16(s, off) | (uint32_t)r16(s, off + 2) << 16;
}

static uint32_t wm32(const struct snap *s, unsigned off)
{
	if (!s->wmask || off + 4 > s->size)
		return 0;
	return (uint32_t)s->wmask[off] | (uint32_t)s->wmask[off + 1] << 8 |
	       (uint32_t)s->wmask[off + 2] << 16 | (uint32_t)s->wmask[off + 3] << 24;
}

#define FL(v, bit) (((v) & (bit)) ? '+' : '-')

/* ---- header ---- */

/* "4K", "2M", "32": a power-of-two size in lspci's units. */
static char *size_str(uint64_t sz, char *buf, size_t n)
{
	static const char *const units[] = {"", "K", "M", "G", "T"};
	unsigned u = 0;
	while (u < 4 && sz >= 1024 && !(sz & 1023)) {
		sz >>= 10;
		u++;
	}
	snprintf(buf, n, "%llu%s", (unsigned long long)sz, units[u]);
	return buf;
}

static void show_status(uint16_t st, bool secondary, FILE *out)
{
	static const char *const devsel[] = {"fast", "medium", "slow", "??"};
	if (!secondary)
		fprintf(out, "Cap%c ", FL(st, PCI_STATUS_CAP_LIST));
	fprintf(out, "66MHz%c ", FL(st, PCI_STATUS_66MHZ));
	if (!secondary)
		fprintf(out, "UDF%c ", FL(st, PCI_STATUS_UDF));
	fprintf(out, "FastB2B%c ParErr%c DEVSEL=%s >TAbort%c <TAbort%c <MAbort%c %cSERR%c <PERR%c",
		FL(st, PCI_STATUS_FAST_BACK), FL(st, PCI_STATUS_PARITY),
		devsel[PCISIM_FIELD_GET(PCI_STATUS_DEVSEL_MASK, st)],
		FL(st, PCI_STATUS_SIG_TARGET_ABORT), FL(st, PCI_STATUS_REC_TARGET_ABORT),
		FL(st, PCI_STATUS_REC_MASTER_ABORT), secondary ? '<' : '>',
		FL(st, PCI_STATUS_SIG_SYSTEM_ERROR), FL(st, PCI_STATUS_DETECTED_PARITY));
	if (!secondary)
		fprintf(out, " INTx%c", FL(st, PCI_STATUS_INTERRUPT));
	fputc('\n', out);
}

/* The BARs (@n of them from 0x10), sized from the write mask as the kernel's probe. */
static void show_bars(const struct snap *s, unsigned n, uint16_t cmd, FILE *out)
{
	char sz[32];
	for (unsigned i = 0; i < n; i++) {
		unsigned off = PCI_BASE_ADDRESS_0 + 4 * i;
		uint32_t v = r32(s, off);
		uint32_t w = wm32(s, off);
		if (!w && !v)
			continue;
		if (v & PCI_BASE_ADDRESS_SPACE_IO) {
			uint32_t mask = w & ~3u;
			uint64_t size = mask ? (uint64_t)(~mask & 0xffff) + 1 : 0;
			uint32_t a = v & ~3u;
			fprintf(out, "\tRegion %u: I/O ports at ", i);
			if (a)
				fprintf(out, "%04x", a);
			else
				fprintf(out, "<unassigned>");
			if (!(cmd & PCI_COMMAND_IO))
				fprintf(out, " [disabled]");
			if (size)
				fprintf(out, " [size=%s]", size_str(size, sz, sizeof(sz)));
			fputc('\n', out);
			continue;
		}
		bool is64 = (v & 6) == PCI_BASE_ADDRESS_MEM_TYPE_64;
		uint64_t a = v & ~15u;
		uint64_t mask = w & ~15u;
		if (is64 && i + 1 < n) {
			a |= (uint64_t)r32(s, off + 4) << 32;
			mask |= (uint64_t)wm32(s, off + 4) << 32;
		} else if (mask) {
			mask |= 0xffffffff00000000ull;
		}
		uint64_t size = mask ? ~mask + 1 : 0;
		fprintf(out, "\tRegion %u: Memory at ", i);
		if (a)
			fprintf(out, is64 ? "%016llx" : "%08llx", (unsigned long long)a);
		else
			fprintf(out, "<unassigned>");
		fprintf(out, " (%s, %sprefetchable)", is64 ? "64-bit" : (v & 6) == 2 ? "low-1M" : "32-bit",
			v & PCI_BASE_ADDRESS_MEM_PREFETCH ? "" : "non-");
		if (!(cmd & PCI_COMMAND_MEMORY))
			fprintf(out, " [disabled]");
		if (size)
			fprintf(out, " [size=%s]", size_str(size, sz, sizeof(sz)));
		fputc('\n', out);
		if (is64)
			i++;
	}
}

static void show_rom(const struct snap *s, unsigned off, uint16_t cmd, FILE *out)
{
	uint32_t v = r32(s, off), w = wm32(s, off) & ~0x7ffu;
	char sz[32];
	if (!w && !(v & ~0x7ffu))
		return;
	fprintf(out, "\tExpansion ROM at ");
	if (v & ~0x7ffu)
		fprintf(out, "%08x", v & ~0x7ffu);
	else
		fprintf(out, "<unassigned>");
	if (!(v & PCI_ROM_ADDRESS_ENABLE))
		fprintf(out, " [disabled]");
	if (w)
		fprintf(out, " [size=%s]", size_str((uint64_t)(~w) + 1, sz, sizeof(sz)));
	fputc('\n', out);
}

static void show_bridge(const struct snap *s, FILE *out)
{
	char sz[32];
	fprintf(out, "\tBus: primary=%02x, secondary=%02x, subordinate=%02x, sec-latency=%u\n",
		r8(s, PCI_PRIMARY_BUS), r8(s, PCI_SECONDARY_BUS), r8(s, PCI_SUBORDINATE_BUS),
		r8(s, PCI_SEC_LATENCY_TIMER));

	/* I/O window: 4 KiB granules, 16- or 32-bit decode (PCI-to-PCI Bridge r1.2 §3.2.5.6). */
	uint8_t iob = r8(s, PCI_IO_BASE), iol = r8(s, PCI_IO_LIMIT);
	unsigned iotype = iob & PCI_IO_RANGE_TYPE_MASK;
	if (iotype != (iol & PCI_IO_RANGE_TYPE_MASK) || iotype > PCI_IO_RANGE_TYPE_32) {
		fprintf(out, "\t!!! Unknown I/O range types %x/%x\n", iob & PCI_IO_RANGE_TYPE_MASK,
			iol & PCI_IO_RANGE_TYPE_MASK);
	} else {
		uint32_t base = (uint32_t)(iob & PCI_IO_RANGE_MASK) << 8;
		uint32_t limit = (uint32_t)(iol & PCI_IO_RANGE_MASK) << 8 | 0xfff;
		if (iotype == PCI_IO_RANGE_TYPE_32) {
			base |= (uint32_t)r16(s, PCI_IO_BASE_UPPER16) << 16;
			limit |= (uint32_t)r16(s, PCI_IO_LIMIT_UPPER16) << 16;
		}
		const char *bits = iotype == PCI_IO_RANGE_TYPE_32 ? "32" : "16";
		if (base <= limit)
			fprintf(out, iotype == PCI_IO_RANGE_TYPE_32 ? "\tI/O behind bridge: %08x-%08x [size=%s] [%s-bit]\n"
								     : "\tI/O behind bridge: %04x-%04x [size=%s] [%s-bit]\n",
				base, limit, size_str((uint64_t)limit - base + 1, sz, sizeof(sz)), bits);
		else
			fprintf(out, iotype == PCI_IO_RANGE_TYPE_32 ? "\tI/O behind bridge: %08x-%08x [disabled] [%s-bit]\n"
								     : "\tI/O behind bridge: %04x-%04x [disabled] [%s-bit]\n",
				base, limit, bits);
	}

	uint16_t mb = r16(s, PCI_MEMORY_BASE), ml = r16(s, PCI_MEMORY_LIMIT);
	if ((mb | ml) & 0xf) {
		fprintf(out, "\t!!! Unknown memory range types %x/%x\n", mb & 0xf, ml & 0xf);
	} else {
		uint32_t base = (uint32_t)(mb & PCI_MEMORY_RANGE_MASK) << 16;
		uint32_t limit = (uint32_t)(ml & PCI_MEMORY_RANGE_MASK) << 16 | 0xfffff;
		if (base <= limit)
			fprintf(out, "\tMemory behind bridge: %08x-%08x [size=%s] [32-bit]\n", base, limit,
				size_str((uint64_t)limit - base + 1, sz, sizeof(sz)));
		else
			fprintf(out, "\tMemory behind bridge: %08x-%08x [disabled] [32-bit]\n", base, limit);
	}

	uint16_t pb = r16(s, PCI_PREF_MEMORY_BASE), pl = r16(s, PCI_PREF_MEMORY_LIMIT);
	unsigned ptype = pb & PCI_PREF_RANGE_TYPE_MASK;
	if (ptype != (pl & PCI_PREF_RANGE_TYPE_MASK) || ptype > PCI_PREF_RANGE_TYPE_64) {
		fprintf(out, "\t!!! Unknown prefetchable memory range types %x/%x\n", ptype,
			pl & PCI_PREF_RANGE_TYPE_MASK);
	} else {
		uint64_t base = (uint64_t)(pb & PCI_PREF_RANGE_MASK) << 16;
		uint64_t limit = (uint64_t)(pl & PCI_PREF_RANGE_MASK) << 16 | 0xfffff;
		bool is64 = ptype == PCI_PREF_RANGE_TYPE_64;
		if (is64) {
			base |= (uint64_t)r32(s, PCI_PREF_BASE_UPPER32) << 32;
			limit |= (uint64_t)r32(s, PCI_PREF_LIMIT_UPPER32) << 32;
		}
		fprintf(out, "\tPrefetchable memory behind bridge: ");
		fprintf(out, is64 ? "%016llx-%016llx" : "%08llx-%08llx", (unsigned long long)base,
			(unsigned long long)limit);
		if (base <= limit)
			fprintf(out, " [size=%s]", size_str(limit - base + 1, sz, sizeof(sz)));
		else
			fprintf(out, " [disabled]");
		fprintf(out, " [%s-bit]\n", is64 ? "64" : "32");
	}

	fprintf(out, "\tSecondary status: ");
	show_status(r16(s, PCI_SEC_STATUS), true, out);
	show_rom(s, PCI_ROM_ADDRESS1, r16(s, PCI_COMMAND), out);
	uint16_t bc = r16(s, PCI_BRIDGE_CONTROL);
	fprintf(out, "\tBridgeCtl: Parity%c SERR%c NoISA%c VGA%c VGA16%c MAbort%c >Reset%c FastB2B%c\n",
		FL(bc, PCI_BRIDGE_CTL_PARITY), FL(bc, PCI_BRIDGE_CTL_SERR), FL(bc, PCI_BRIDGE_CTL_ISA),
		FL(bc, PCI_BRIDGE_CTL_VGA), FL(bc, PCI_BRIDGE_CTL_VGA_16BIT),
		FL(bc, PCI_BRIDGE_CTL_MASTER_ABORT), FL(bc, PCI_BRIDGE_CTL_BUS_RESET),
		FL(bc, PCI_BRIDGE_CTL_FAST_BACK));
	fprintf(out, "\t\tPriDiscTmr%c SecDiscTmr%c DiscTmrStat%c DiscTmrSERREn%c\n",
		FL(bc, PCI_BRIDGE_CTL_DISCARD), FL(bc, PCI_BRIDGE_CTL_SEC_DISCARD),
		FL(bc, PCI_BRIDGE_CTL_DISCARD_STATUS), FL(bc, PCI_BRIDGE_CTL_DISCARD_SERR));
}

/* ---- standard capabilities ---- */

static void cap_pm(const struct snap *s, unsigned pos, FILE *out)
{
	static const unsigned aux_ma[] = {0, 55, 100, 160, 220, 270, 320, 375};
	uint16_t pmc = r16(s, pos + PCI_PM_PMC);
	uint16_t csr = r16(s, pos + PCI_PM_CTRL);
	fprintf(out, "Power Management version %u\n", pmc & PCI_PM_CAP_VER_MASK);
	fprintf(out, "\t\tFlags: PMEClk%c DSI%c D1%c D2%c AuxCurrent=%umA PME(D0%c,D1%c,D2%c,D3hot%c,D3cold%c)\n",
		FL(pmc, PCI_PM_CAP_PME_CLOCK), FL(pmc, PCI_PM_CAP_DSI), FL(pmc, PCI_PM_CAP_D1),
		FL(pmc, PCI_PM_CAP_D2), aux_ma[PCISIM_FIELD_GET(PCI_PM_CAP_AUX_POWER, pmc)],
		FL(pmc, PCI_PM_CAP_PME_D0), FL(pmc, PCI_PM_CAP_PME_D1), FL(pmc, PCI_PM_CAP_PME_D2),
		FL(pmc, PCI_PM_CAP_PME_D3hot), FL(pmc, PCI_PM_CAP_PME_D3cold));
	fprintf(out, "\t\tStatus: D%u NoSoftRst%c PME-Enable%c DSel=%u DScale=%u PME%c\n",
		csr & PCI_PM_CTRL_STATE_MASK, FL(csr, PCI_PM_CTRL_NO_SOFT_RESET),
		FL(csr, PCI_PM_CTRL_PME_ENABLE), PCISIM_FIELD_GET(PCI_PM_CTRL_DATA_SEL_MASK, csr),
		PCISIM_FIELD_GET(PCI_PM_CTRL_DATA_SCALE_MASK, csr), FL(csr, PCI_PM_CTRL_PME_STATUS));
	uint8_t bse = r8(s, pos + PCI_PM_PPB_EXTENSIONS);
	if (bse)
		fprintf(out, "\t\tBridge: PM%c B3%c\n", FL(bse, 0x80), FL(~bse, 0x40));
}

static void cap_msi(const struct snap *s, unsigned pos, FILE *out)
{
	uint16_t f = r16(s, pos + PCI_MSI_FLAGS);
	bool is64 = f & PCI_MSI_FLAGS_64BIT;
	fprintf(out, "MSI: Enable%c Count=%u/%u Maskable%c 64bit%c\n", FL(f, PCI_MSI_FLAGS_ENABLE),
		1u << PCISIM_FIELD_GET(PCI_MSI_FLAGS_QSIZE, f),
		1u << PCISIM_FIELD_GET(PCI_MSI_FLAGS_QMASK, f), FL(f, PCI_MSI_FLAGS_MASKBIT),
		FL(f, PCI_MSI_FLAGS_64BIT));
	uint32_t lo = r32(s, pos + PCI_MSI_ADDRESS_LO);
	fprintf(out, "\t\tAddress: ");
	if (is64)
		fprintf(out, "%08x%08x", r32(s, pos + PCI_MSI_ADDRESS_HI), lo);
	else
		fprintf(out, "%08x", lo);
	fprintf(out, "  Data: %04x\n", r16(s, pos + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32)));
	if (f & PCI_MSI_FLAGS_MASKBIT)
		fprintf(out, "\t\tMasking: %08x  Pending: %08x\n",
			r32(s, pos + (is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32)),
			r32(s, pos + (is64 ? PCI_MSI_PENDING_64 : PCI_MSI_PENDING_32)));
}

static void cap_msix(const struct snap *s, unsigned pos, FILE *out)
{
	uint16_t f = r16(s, pos + PCI_MSIX_FLAGS);
	uint32_t t = r32(s, pos + PCI_MSIX_TABLE), p = r32(s, pos + PCI_MSIX_PBA);
	fprintf(out, "MSI-X: Enable%c Count=%u Masked%c\n", FL(f, PCI_MSIX_FLAGS_ENABLE),
		(f & PCI_MSIX_FLAGS_QSIZE) + 1, FL(f, PCI_MSIX_FLAGS_MASKALL));
	fprintf(out, "\t\tVector table: BAR=%u offset=%08x\n", t & PCI_MSIX_TABLE_BIR,
		t & PCI_MSIX_TABLE_OFFSET);
	fprintf(out, "\t\tPBA: BAR=%u offset=%08x\n", p & PCI_MSIX_PBA_BIR, p & PCI_MSIX_PBA_OFFSET);
}

/* Vendor-specific capability: virtio's structures (virtio 1.1 §4.1.4) are decoded. */
static void cap_vendor(const struct snap *s, unsigned pos, FILE *out)
{
	static const char *const types[] = {"<unknown>", "CommonCfg", "Notify", "ISR", "DeviceCfg"};
	fprintf(out, "Vendor Specific Information: ");
	if (r16(s, PCI_VENDOR_ID) != 0x1af4 || r8(s, pos + 2) < 16) {
		fprintf(out, "Len=%02x <?>\n", r8(s, pos + 2));
		return;
	}
	unsigned type = r8(s, pos + 3);
	fprintf(out, "VirtIO: %s\n", type < 5 ? types[type] : types[0]);
	fprintf(out, "\t\tBAR=%u offset=%08x size=%08x", r8(s, pos + 4), r32(s, pos + 8), r32(s, pos + 12));
	if (type == 2 && r8(s, pos + 2) >= 20)
		fprintf(out, " multiplier=%08x", r32(s, pos + 16));
	fputc('\n', out);
}

/* Serial ATA capability (AHCI r1.3.1 §2.4): revision and where the index-data pair is. */
static void cap_sata(const struct snap *s, unsigned pos, FILE *out)
{
	uint8_t rev = r8(s, pos + 2);
	uint32_t bar = r32(s, pos + 4);
	unsigned loc = bar & 0xf;
	fprintf(out, "SATA HBA v%u.%u", rev >> 4, rev & 0xf);
	if (loc == 0xf)
		fprintf(out, " InCfgSpace\n");
	else if (loc >= 4 && loc <= 9)
		fprintf(out, " BAR%u Offset=%08x\n", loc - 4, (bar >> 4) & 0xfffff);
	else
		fprintf(out, " BAR??%u\n", loc);
}

static void cap_ssvid(const struct snap *s, unsigned pos, FILE *out)
{
	char n[128];
	fprintf(out, "Subsystem: %s\n",
		subsys_name(r16(s, PCI_VENDOR_ID), r16(s, PCI_DEVICE_ID), r16(s, pos + PCI_SSVID_VENDOR_ID),
			    r16(s, pos + PCI_SSVID_DEVICE_ID), n, sizeof(n)));
}

/* The Bridge Subsystem Vendor ID capability's offset, 0 when absent. */
static unsigned find_ssvid(const struct snap *s)
{
	unsigned pos = r8(s, PCI_CAPABILITY_LIST) & ~3u, seen = 0;
	if (!(r16(s, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	while (pos >= 0x40 && pos < 0x100 && seen++ < 48) {
		if (r8(s, pos) == PCI_CAP_ID_SSVID)
			return pos;
		pos = r8(s, pos + PCI_CAP_LIST_NEXT) & ~3u;
	}
	return 0;
}

/* ---- PCI Express capability (PCIe r5.0 §7.5.3) ---- */

static const char *link_speed(unsigned v)
{
	static const char *const sp[] = {"unknown", "2.5GT/s", "5GT/s", "8GT/s", "16GT/s", "32GT/s", "64GT/s"};
	return v < ARRAY_SIZE(sp) ? sp[v] : "unknown";
}

static const char *latency_l0s(unsigned v)
{
	static const char *const l[] = {"<64ns", "<128ns", "<256ns", "<512ns", "<1us", "<2us", "<4us", "unlimited"};
	return l[v & 7];
}

static const char *latency_l1(unsigned v)
{
	static const char *const l[] = {"<1us", "<2us", "<4us", "<8us", "<16us", "<32us", "<64us", "unlimited"};
	return l[v & 7];
}

static const char *ep_latency_l0s(unsigned v)
{
	static const char *const l[] = {"<64ns", "<128ns", "<256ns", "<512ns", "<1us", "<2us", "<4us", "unlimited"};
	return l[v & 7];
}

static const char *ep_latency_l1(unsigned v)
{
	static const char *const l[] = {"<1us", "<2us", "<4us", "<8us", "<16us", "<32us", "<64us", "unlimited"};
	return l[v & 7];
}

/* Slot Power Limit: value x scale (1, 0.1, 0.01, 0.001 W), PCIe r5.0 §7.5.3.9. */
static char *power_limit(unsigned val, unsigned scale, char *buf, size_t n)
{
	static const unsigned div[] = {1, 10, 100, 1000};
	unsigned d = div[scale & 3];
	if (val % d == 0)
		snprintf(buf, n, "%uW", val / d);
	else {
		double w = (double)val / d;
		snprintf(buf, n, "%gW", w);
	}
	return buf;
}

static const char *aspm_support(unsigned v)
{
	static const char *const a[] = {"not supported", "L0s", "L1", "L0s L1"};
	return a[v & 3];
}

static const char *aspm_enabled(unsigned v)
{
	static const char *const a[] = {"Disabled", "L0s Enabled", "L1 Enabled", "L0s L1 Enabled"};
	return a[v & 3];
}

static const char *indicator(unsigned v)
{
	static const char *const i[] = {"Unknown", "On", "Blink", "Off"};
	return i[v & 3];
}

static void exp_dev(const struct snap *s, unsigned pos, unsigned type, FILE *out)
{
	uint32_t cap = r32(s, pos + PCI_EXP_DEVCAP);
	uint16_t ctl = r16(s, pos + PCI_EXP_DEVCTL), sta = r16(s, pos + PCI_EXP_DEVSTA);
	bool ep = type == PCI_EXP_TYPE_ENDPOINT || type == PCI_EXP_TYPE_LEG_END ||
		  type == PCI_EXP_TYPE_RC_END;
	char pw[32];

	fprintf(out, "\t\tDevCap:\tMaxPayload %u bytes, PhantFunc %u", 128u << (cap & PCI_EXP_DEVCAP_PAYLOAD),
		(1u << PCISIM_FIELD_GET(PCI_EXP_DEVCAP_PHANTOM, cap)) - 1);
	if (type == PCI_EXP_TYPE_ENDPOINT || type == PCI_EXP_TYPE_LEG_END)
		fprintf(out, ", Latency L0s %s, L1 %s", ep_latency_l0s(PCISIM_FIELD_GET(PCI_EXP_DEVCAP_L0S, cap)),
			ep_latency_l1(PCISIM_FIELD_GET(PCI_EXP_DEVCAP_L1, cap)));
	fprintf(out, "\n\t\t\tExtTag%c", FL(cap, PCI_EXP_DEVCAP_EXT_TAG));
	if (type == PCI_EXP_TYPE_ENDPOINT || type == PCI_EXP_TYPE_LEG_END ||
	    type == PCI_EXP_TYPE_UPSTREAM || type == PCI_EXP_TYPE_PCI_BRIDGE)
		fprintf(out, " AttnBtn%c AttnInd%c PwrInd%c", FL(cap, PCI_EXP_DEVCAP_ATN_BUT),
			FL(cap, PCI_EXP_DEVCAP_ATN_IND), FL(cap, PCI_EXP_DEVCAP_PWR_IND));
	fprintf(out, " RBE%c", FL(cap, PCI_EXP_DEVCAP_RBER));
	if (ep)
		fprintf(out, " FLReset%c", FL(cap, PCI_EXP_DEVCAP_FLR));
	if (type == PCI_EXP_TYPE_ENDPOINT || type == PCI_EXP_TYPE_UPSTREAM ||
	    type == PCI_EXP_TYPE_PCI_BRIDGE)
		fprintf(out, " SlotPowerLimit %s",
			power_limit(PCISIM_FIELD_GET(PCI_EXP_DEVCAP_PWR_VAL, cap),
				    PCISIM_FIELD_GET(PCI_EXP_DEVCAP_PWR_SCL, cap), pw, sizeof(pw)));
	fputc('\n', out);

	fprintf(out, "\t\tDevCtl:\tCorrErr%c NonFatalErr%c FatalErr%c UnsupReq%c\n",
		FL(ctl, PCI_EXP_DEVCTL_CERE), FL(ctl, PCI_EXP_DEVCTL_NFERE), FL(ctl, PCI_EXP_DEVCTL_FERE),
		FL(ctl, PCI_EXP_DEVCTL_URRE));
	fprintf(out, "\t\t\tRlxdOrd%c ExtTag%c PhantFunc%c AuxPwr%c NoSnoop%c",
		FL(ctl, PCI_EXP_DEVCTL_RELAX_EN), FL(ctl, PCI_EXP_DEVCTL_EXT_TAG),
		FL(ctl, PCI_EXP_DEVCTL_PHANTOM), FL(ctl, PCI_EXP_DEVCTL_AUX_PME),
		FL(ctl, PCI_EXP_DEVCTL_NOSNOOP_EN));
	if (type == PCI_EXP_TYPE_PCI_BRIDGE)
		fprintf(out, " BrConfRtry%c", FL(ctl, PCI_EXP_DEVCTL_BCR_FLR));
	if (ep && (cap & PCI_EXP_DEVCAP_FLR))
		fprintf(out, " FLReset%c", FL(ctl, PCI_EXP_DEVCTL_BCR_FLR));
	fprintf(out, "\n\t\t\tMaxPayload %u bytes, MaxReadReq %u bytes\n",
		128u << PCISIM_FIELD_GET(PCI_EXP_DEVCTL_PAYLOAD, ctl),
		128u << PCISIM_FIELD_GET(PCI_EXP_DEVCTL_READRQ, ctl));
	fprintf(out, "\t\tDevSta:\tCorrErr%c NonFatalErr%c FatalErr%c UnsupReq%c AuxPwr%c TransPend%c\n",
		FL(sta, PCI_EXP_DEVSTA_CED), FL(sta, PCI_EXP_DEVSTA_NFED), FL(sta, PCI_EXP_DEVSTA_FED),
		FL(sta, PCI_EXP_DEVSTA_URD), FL(sta, PCI_EXP_DEVSTA_AUXPD), FL(sta, PCI_EXP_DEVSTA_TRPND));
}

static void exp_link(const struct snap *s, unsigned pos, unsigned type, FILE *out)
{
	uint32_t cap = r32(s, pos + PCI_EXP_LNKCAP);
	uint16_t ctl = r16(s, pos + PCI_EXP_LNKCTL), sta = r16(s, pos + PCI_EXP_LNKSTA);
	unsigned aspm = PCISIM_FIELD_GET(PCI_EXP_LNKCAP_ASPMS, cap);
	bool down = type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM ||
		    type == PCI_EXP_TYPE_PCIE_BRIDGE;

	fprintf(out, "\t\tLnkCap:\tPort #%u, Speed %s, Width x%u, ASPM %s",
		PCISIM_FIELD_GET(PCI_EXP_LNKCAP_PN, cap), link_speed(cap & PCI_EXP_LNKCAP_SLS),
		PCISIM_FIELD_GET(PCI_EXP_LNKCAP_MLW, cap), aspm_support(aspm));
	if (aspm) {
		fprintf(out, ", Exit Latency ");
		if (aspm & 1)
			fprintf(out, "L0s %s", latency_l0s(PCISIM_FIELD_GET(PCI_EXP_LNKCAP_L0SEL, cap)));
		if (aspm & 2)
			fprintf(out, "%sL1 %s", aspm & 1 ? ", " : "",
				latency_l1(PCISIM_FIELD_GET(PCI_EXP_LNKCAP_L1EL, cap)));
	}
	fprintf(out, "\n\t\t\tClockPM%c Surprise%c LLActRep%c BwNot%c ASPMOptComp%c\n",
		FL(cap, PCI_EXP_LNKCAP_CLKPM), FL(cap, PCI_EXP_LNKCAP_SDERC),
		FL(cap, PCI_EXP_LNKCAP_DLLLARC), FL(cap, PCI_EXP_LNKCAP_LBNC),
		FL(cap, PCI_EXP_LNKCAP_ASPM_OPTC));

	fprintf(out, "\t\tLnkCtl:\tASPM %s;", aspm_enabled(ctl & PCI_EXP_LNKCTL_ASPMC));
	if (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_ENDPOINT ||
	    type == PCI_EXP_TYPE_LEG_END || type == PCI_EXP_TYPE_PCI_BRIDGE)
		fprintf(out, " RCB %u bytes,", ctl & PCI_EXP_LNKCTL_RCB ? 128 : 64);
	fprintf(out, " Disabled%c CommClk%c\n", FL(ctl, PCI_EXP_LNKCTL_LD), FL(ctl, PCI_EXP_LNKCTL_CCC));
	fprintf(out, "\t\t\tExtSynch%c ClockPM%c AutWidDis%c BWInt%c AutBWInt%c\n",
		FL(ctl, PCI_EXP_LNKCTL_ES), FL(ctl, PCI_EXP_LNKCTL_CLKREQ_EN), FL(ctl, PCI_EXP_LNKCTL_HAWD),
		FL(ctl, PCI_EXP_LNKCTL_LBMIE), FL(ctl, PCI_EXP_LNKCTL_LABIE));

	unsigned cs = sta & PCI_EXP_LNKSTA_CLS, cw = PCISIM_FIELD_GET(PCI_EXP_LNKSTA_NLW, sta);
	unsigned ms = cap & PCI_EXP_LNKCAP_SLS, mw = PCISIM_FIELD_GET(PCI_EXP_LNKCAP_MLW, cap);
	/* below a downstream-facing port the partner decides: no judgement there */
	fprintf(out, "\t\tLnkSta:\tSpeed %s%s, Width x%u%s\n", link_speed(cs),
		down ? "" : cs < ms ? " (downgraded)" : cs > ms ? " (overdriven)" : "", cw,
		down ? "" : cw < mw ? " (downgraded)" : cw > mw ? " (overdriven)" : "");
	fprintf(out, "\t\t\tTrErr%c Train%c SlotClk%c DLActive%c BWMgmt%c ABWMgmt%c\n",
		FL(sta, 0x0400), FL(sta, PCI_EXP_LNKSTA_LT), FL(sta, PCI_EXP_LNKSTA_SLC),
		FL(sta, PCI_EXP_LNKSTA_DLLLA), FL(sta, PCI_EXP_LNKSTA_LBMS), FL(sta, PCI_EXP_LNKSTA_LABS));
}

static void exp_slot(const struct snap *s, unsigned pos, FILE *out)
{
	uint32_t cap = r32(s, pos + PCI_EXP_SLTCAP);
	uint16_t ctl = r16(s, pos + PCI_EXP_SLTCTL), sta = r16(s, pos + PCI_EXP_SLTSTA);
	char pw[32];
	fprintf(out, "\t\tSltCap:\tAttnBtn%c PwrCtrl%c MRL%c AttnInd%c PwrInd%c HotPlug%c Surprise%c\n",
		FL(cap, PCI_EXP_SLTCAP_ABP), FL(cap, PCI_EXP_SLTCAP_PCP), FL(cap, PCI_EXP_SLTCAP_MRLSP),
		FL(cap, PCI_EXP_SLTCAP_AIP), FL(cap, PCI_EXP_SLTCAP_PIP), FL(cap, PCI_EXP_SLTCAP_HPC),
		FL(cap, PCI_EXP_SLTCAP_HPS));
	fprintf(out, "\t\t\tSlot #%u, PowerLimit %s; Interlock%c NoCompl%c\n",
		PCISIM_FIELD_GET(PCI_EXP_SLTCAP_PSN, cap),
		power_limit(PCISIM_FIELD_GET(PCI_EXP_SLTCAP_SPLV, cap),
			    PCISIM_FIELD_GET(PCI_EXP_SLTCAP_SPLS, cap), pw, sizeof(pw)),
		FL(cap, PCI_EXP_SLTCAP_EIP), FL(cap, PCI_EXP_SLTCAP_NCCS));
	fprintf(out, "\t\tSltCtl:\tEnable: AttnBtn%c PwrFlt%c MRL%c PresDet%c CmdCplt%c HPIrq%c LinkChg%c\n",
		FL(ctl, PCI_EXP_SLTCTL_ABPE), FL(ctl, PCI_EXP_SLTCTL_PFDE), FL(ctl, PCI_EXP_SLTCTL_MRLSCE),
		FL(ctl, PCI_EXP_SLTCTL_PDCE), FL(ctl, PCI_EXP_SLTCTL_CCIE), FL(ctl, PCI_EXP_SLTCTL_HPIE),
		FL(ctl, PCI_EXP_SLTCTL_DLLSCE));
	fprintf(out, "\t\t\tControl: AttnInd %s, PwrInd %s, Power%c Interlock%c\n",
		indicator(PCISIM_FIELD_GET(PCI_EXP_SLTCTL_AIC, ctl)),
		indicator(PCISIM_FIELD_GET(PCI_EXP_SLTCTL_PIC, ctl)), FL(ctl, PCI_EXP_SLTCTL_PCC),
		FL(ctl, PCI_EXP_SLTCTL_EIC));
	fprintf(out, "\t\tSltSta:\tStatus: AttnBtn%c PowerFlt%c MRL%c CmdCplt%c PresDet%c Interlock%c\n",
		FL(sta, PCI_EXP_SLTSTA_ABP), FL(sta, PCI_EXP_SLTSTA_PFD), FL(sta, PCI_EXP_SLTSTA_MRLSS),
		FL(sta, PCI_EXP_SLTSTA_CC), FL(sta, PCI_EXP_SLTSTA_PDS), FL(sta, PCI_EXP_SLTSTA_EIS));
	fprintf(out, "\t\t\tChanged: MRL%c PresDet%c LinkState%c\n", FL(sta, PCI_EXP_SLTSTA_MRLSC),
		FL(sta, PCI_EXP_SLTSTA_PDC), FL(sta, PCI_EXP_SLTSTA_DLLSC));
}

static void exp_root(const struct snap *s, unsigned pos, FILE *out)
{
	uint16_t ctl = r16(s, pos + PCI_EXP_RTCTL), cap = r16(s, pos + PCI_EXP_RTCAP);
	uint32_t sta = r32(s, pos + PCI_EXP_RTSTA);
	fprintf(out, "\t\tRootCap: CRSVisible%c\n", FL(cap, PCI_EXP_RTCAP_CRSVIS));
	fprintf(out, "\t\tRootCtl: ErrCorrectable%c ErrNon-Fatal%c ErrFatal%c PMEIntEna%c CRSVisible%c\n",
		FL(ctl, PCI_EXP_RTCTL_SECEE), FL(ctl, PCI_EXP_RTCTL_SENFEE), FL(ctl, PCI_EXP_RTCTL_SEFEE),
		FL(ctl, PCI_EXP_RTCTL_PMEIE), FL(ctl, PCI_EXP_RTCTL_CRSSVE));
	fprintf(out, "\t\tRootSta: PME ReqID %04x, PMEStatus%c PMEPending%c\n",
		sta & PCI_EXP_RTSTA_PME_RID, FL(sta, PCI_EXP_RTSTA_PME), FL(sta, PCI_EXP_RTSTA_PENDING));
}

static const char *cpl_timeout_ranges(unsigned v)
{
	static const char *const r[] = {"Not Supported", "Range A", "Range B", "Range AB",
					"Range C", "Range AC", "Range BC", "Range ABC",
					"Range D", "Range AD", "Range BD", "Range ABD",
					"Range CD", "Range ACD", "Range BCD", "Range ABCD"};
	return r[v & 15];
}

static const char *cpl_timeout_value(unsigned v)
{
	switch (v & 15) {
	case 0: return "50us to 50ms";
	case 1: return "50us to 100us";
	case 2: return "1ms to 10ms";
	case 5: return "16ms to 55ms";
	case 6: return "65ms to 210ms";
	case 9: return "260ms to 900ms";
	case 10: return "1s to 3.5s";
	case 13: return "4s to 13s";
	case 14: return "17s to 64s";
	default: return "Unknown";
	}
}

static const char *obff_support(unsigned v)
{
	static const char *const o[] = {"Not Supported", "Via message", "Via WAKE#", "Via message/WAKE#"};
	return o[v & 3];
}

static const char *obff_enabled(unsigned v)
{
	static const char *const o[] = {"Disabled", "Via message A", "Via message B", "Via WAKE#"};
	return o[v & 3];
}

static const char *ln_cls(unsigned v)
{
	static const char *const c[] = {"Not Supported", "64byte cachelines", "128byte cachelines", "Reserved"};
	return c[v & 3];
}

static const char *epr_support(unsigned v)
{
	static const char *const e[] = {"Not Supported", "Dev Specific", "Form Factor Dev Specific", "Reserved"};
	return e[v & 3];
}

/* "2.5-16GT/s" from the Supported Link Speeds vector (PCIe r5.0 §7.5.3.18). */
static char *speed_vector(unsigned v, char *buf, size_t n)
{
	static const char *const sp[] = {"2.5", "5", "8", "16", "32", "64", "128"};
	int lo = -1, hi = -1;
	for (int i = 0; i < 7; i++)
		if (v & (2u << i)) {
			if (lo < 0)
				lo = i;
			hi = i;
		}
	if (lo < 0)
		snprintf(buf, n, "RsvdP");
	else if (lo == hi)
		snprintf(buf, n, "%sGT/s", sp[lo]);
	else
		snprintf(buf, n, "%s-%sGT/s", sp[lo], sp[hi]);
	return buf;
}

static const char *tx_margin(unsigned v)
{
	return (v & 7) == 0 ? "Normal Operating Range" : "Unknown";
}

static const char *deemph(unsigned v)
{
	return v ? "-3.5dB" : "-6dB";
}

static const char *compliance_preset(unsigned v, bool deemph_only, char *buf, size_t n)
{
	static const char *const p[] = {"-6dB de-emphasis, 0dB preshoot", "-3.5dB de-emphasis, 0dB preshoot",
					"-4.4dB de-emphasis, 0dB preshoot", "-2.5dB de-emphasis, 0dB preshoot",
					"0dB de-emphasis, 0dB preshoot", "0dB de-emphasis, 1.9dB preshoot",
					"0dB de-emphasis, 2.5dB preshoot", "-6.0dB de-emphasis, 3.5dB preshoot",
					"-5.0dB de-emphasis, 2.5dB preshoot", "-3.5dB de-emphasis, 3.5dB preshoot",
					"0dB de-emphasis, 3.5dB preshoot"};
	(void)deemph_only;
	if (v < ARRAY_SIZE(p))
		snprintf(buf, n, "%s", p[v]);
	else
		snprintf(buf, n, "Reserved");
	return buf;
}

/* Does the function implement a memory BAR? */
static bool has_mem_bar(const struct snap *s)
{
	unsigned htype = r8(s, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	unsigned n = htype == PCI_HEADER_TYPE_NORMAL ? 6 : htype == PCI_HEADER_TYPE_BRIDGE ? 2 : 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned off = PCI_BASE_ADDRESS_0 + 4 * i;
		uint32_t v = r32(s, off), w = wm32(s, off);
		if (!v && !w)
			continue;
		if (!(v & PCI_BASE_ADDRESS_SPACE_IO))
			return true;
	}
	return false;
}

static void exp_v2(const struct snap *s, unsigned pos, unsigned type, bool link, uint8_t devfn,
		   FILE *out)
{
	uint32_t cap2 = r32(s, pos + PCI_EXP_DEVCAP2);
	uint16_t ctl2 = r16(s, pos + PCI_EXP_DEVCTL2);
	bool port = type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM;
	bool routing = port || type == PCI_EXP_TYPE_UPSTREAM;
	/* which lines and fields lspci shows depends on the port type, as below */
	bool ep = type == PCI_EXP_TYPE_ENDPOINT, rp = type == PCI_EXP_TYPE_ROOT_PORT;
	bool requester = ep || rp || type == PCI_EXP_TYPE_LEG_END || type == PCI_EXP_TYPE_RC_END;
	char buf[64];

	fprintf(out, "\t\tDevCap2: Completion Timeout: %s, TimeoutDis%c NROPrPrP%c LTR%c\n",
		cpl_timeout_ranges(cap2 & 0xf), FL(cap2, PCI_EXP_DEVCAP2_COMP_TMOUT_DIS),
		FL(cap2, 0x400), FL(cap2, PCI_EXP_DEVCAP2_LTR));
	fprintf(out, "\t\t\t 10BitTagComp%c 10BitTagReq%c OBFF %s, ExtFmt%c EETLPPrefix%c",
		FL(cap2, 0x10000), FL(cap2, 0x20000),
		obff_support(PCISIM_FIELD_GET(PCI_EXP_DEVCAP2_OBFF_MASK, cap2)),
		FL(cap2, PCI_EXP_DEVCAP2_EFF), FL(cap2, PCI_EXP_DEVCAP2_EETLPP));
	if (cap2 & PCI_EXP_DEVCAP2_EETLPP) {
		unsigned maxp = PCISIM_FIELD_GET(0x00c00000, cap2);
		fprintf(out, ", MaxEETLPPrefixes %u", maxp ? maxp : 4);
	}
	fputc('\n', out);
	fprintf(out, "\t\t\t EmergencyPowerReduction %s, EmergencyPowerReductionInit%c\n",
		epr_support(PCISIM_FIELD_GET(0x03000000, cap2)), FL(cap2, 0x04000000));
	fprintf(out, "\t\t\t FRS%c", FL(cap2, 0x80000000));
	if (type == PCI_EXP_TYPE_ROOT_PORT)
		fprintf(out, " LN System CLS %s,", ln_cls(PCISIM_FIELD_GET(0x0000c000, cap2)));
	if (rp || ep)
		fprintf(out, " TPHComp%c ExtTPHComp%c", FL(cap2, 0x1000), FL(cap2, 0x2000));
	if (port)
		fprintf(out, " ARIFwd%c", FL(cap2, PCI_EXP_DEVCAP2_ARI));
	fputc('\n', out);
	/* a completer of AtomicOps has memory space to complete them in */
	bool mem = has_mem_bar(s);
	if (routing || mem) {
		fprintf(out, "\t\t\t AtomicOpsCap:");
		if (routing)
			fprintf(out, " Routing%c", FL(cap2, PCI_EXP_DEVCAP2_ATOMIC_ROUTE));
		if (rp || mem)
			fprintf(out, " 32bit%c 64bit%c 128bitCAS%c", FL(cap2, PCI_EXP_DEVCAP2_ATOMIC_COMP32),
				FL(cap2, PCI_EXP_DEVCAP2_ATOMIC_COMP64),
				FL(cap2, PCI_EXP_DEVCAP2_ATOMIC_COMP128));
		fputc('\n', out);
	}

	fprintf(out, "\t\tDevCtl2: Completion Timeout: %s, TimeoutDis%c LTR%c 10BitTagReq%c OBFF %s",
		cpl_timeout_value(ctl2 & PCI_EXP_DEVCTL2_COMP_TIMEOUT),
		FL(ctl2, PCI_EXP_DEVCTL2_COMP_TMOUT_DIS), FL(ctl2, PCI_EXP_DEVCTL2_LTR_EN),
		FL(ctl2, 0x1000), obff_enabled(PCISIM_FIELD_GET(0x6000, ctl2)));
	fprintf(out, ",");
	if (port)
		fprintf(out, " ARIFwd%c", FL(ctl2, PCI_EXP_DEVCTL2_ARI));
	fputc('\n', out);
	if (requester || routing) {
		fprintf(out, "\t\t\t AtomicOpsCtl:");
		if (requester)
			fprintf(out, " ReqEn%c", FL(ctl2, PCI_EXP_DEVCTL2_ATOMIC_REQ));
		if (routing)
			fprintf(out, " EgressBlck%c", FL(ctl2, PCI_EXP_DEVCTL2_ATOMIC_EGRESS_BLOCK));
		fputc('\n', out);
	}

	if (!link)
		return;
	/* an endpoint's Link 2 registers are only read at device 0 function 0 */
	bool link2 = devfn == 0 || (type != PCI_EXP_TYPE_ENDPOINT && type != PCI_EXP_TYPE_LEG_END);
	uint32_t lcap2 = r32(s, pos + PCI_EXP_LNKCAP2);
	uint16_t lctl2 = r16(s, pos + PCI_EXP_LNKCTL2), lsta2 = r16(s, pos + PCI_EXP_LNKSTA2);
	if (link2 && (lcap2 & PCI_EXP_LNKCAP2_SLS))
		fprintf(out, "\t\tLnkCap2: Supported Link Speeds: %s, Crosslink%c Retimer%c 2Retimers%c DRS%c\n",
			speed_vector(lcap2 & PCI_EXP_LNKCAP2_SLS, buf, sizeof(buf)),
			FL(lcap2, PCI_EXP_LNKCAP2_CROSSLINK), FL(lcap2, 0x00800000), FL(lcap2, 0x01000000),
			FL(lcap2, 0x80000000));
	if (link2) {
		unsigned tls = lctl2 & PCI_EXP_LNKCTL2_TLS;
		fprintf(out, "\t\tLnkCtl2: Target Link Speed: %s, EnterCompliance%c SpeedDis%c",
			link_speed(tls ? tls : PCI_EXP_LNKCTL2_TLS_2_5GT), FL(lctl2, PCI_EXP_LNKCTL2_ENTER_COMP),
			FL(lctl2, PCI_EXP_LNKCTL2_HASD));
		if (type == PCI_EXP_TYPE_DOWNSTREAM)
			fprintf(out, ", Selectable De-emphasis: %s", deemph(lctl2 & PCI_EXP_LNKCTL2_SDE));
		fputc('\n', out);
		fprintf(out, "\t\t\t Transmit Margin: %s, EnterModifiedCompliance%c ComplianceSOS%c\n",
			tx_margin(PCISIM_FIELD_GET(PCI_EXP_LNKCTL2_TX_MARGIN, lctl2)),
			FL(lctl2, PCI_EXP_LNKCTL2_EMC), FL(lctl2, PCI_EXP_LNKCTL2_CSOS));
		fprintf(out, "\t\t\t Compliance Preset/De-emphasis: %s\n",
			compliance_preset(PCISIM_FIELD_GET(PCI_EXP_LNKCTL2_CDE, lctl2), false, buf,
					  sizeof(buf)));
	}
	fprintf(out, "\t\tLnkSta2: Current De-emphasis Level: %s, EqualizationComplete%c EqualizationPhase1%c\n",
		deemph(lsta2 & 0x1), FL(lsta2, 0x2), FL(lsta2, 0x4));
	fprintf(out, "\t\t\t EqualizationPhase2%c EqualizationPhase3%c LinkEqualizationRequest%c\n",
		FL(lsta2, 0x8), FL(lsta2, 0x10), FL(lsta2, 0x20));
	fprintf(out, "\t\t\t Retimer%c 2Retimers%c CrosslinkRes: %s\n", FL(lsta2, 0x40), FL(lsta2, 0x80),
		(lsta2 & 0x300) == 0 ? "unsupported" : (lsta2 & 0x300) == 0x100 ? "Upstream Port"
		: (lsta2 & 0x300) == 0x200 ? "Downstream Port" : "incomplete");
}

static void cap_express(const struct snap *s, unsigned pos, uint8_t devfn, FILE *out)
{
	uint16_t flags = r16(s, pos + PCI_EXP_FLAGS);
	unsigned type = PCISIM_FIELD_GET(PCI_EXP_FLAGS_TYPE, flags);
	unsigned ver = flags & PCI_EXP_FLAGS_VERS;
	bool slot = false, link = true;
	fprintf(out, "Express (v%u) ", ver);
	switch (type) {
	case PCI_EXP_TYPE_ENDPOINT: fprintf(out, "Endpoint"); break;
	case PCI_EXP_TYPE_LEG_END: fprintf(out, "Legacy Endpoint"); break;
	case PCI_EXP_TYPE_ROOT_PORT:
		slot = flags & PCI_EXP_FLAGS_SLOT;
		fprintf(out, "Root Port (Slot%c)", FL(flags, PCI_EXP_FLAGS_SLOT));
		break;
	case PCI_EXP_TYPE_UPSTREAM: fprintf(out, "Upstream Port"); break;
	case PCI_EXP_TYPE_DOWNSTREAM:
		slot = flags & PCI_EXP_FLAGS_SLOT;
		fprintf(out, "Downstream Port (Slot%c)", FL(flags, PCI_EXP_FLAGS_SLOT));
		break;
	case PCI_EXP_TYPE_PCI_BRIDGE: fprintf(out, "PCI-Express to PCI/PCI-X Bridge"); break;
	case PCI_EXP_TYPE_PCIE_BRIDGE:
		slot = flags & PCI_EXP_FLAGS_SLOT;
		fprintf(out, "PCI/PCI-X to PCI-Express Bridge (Slot%c)", FL(flags, PCI_EXP_FLAGS_SLOT));
		break;
	case PCI_EXP_TYPE_RC_END: link = false; fprintf(out, "Root Complex Integrated Endpoint"); break;
	case PCI_EXP_TYPE_RC_EC: link = false; fprintf(out, "Root Complex Event Collector"); break;
	default: fprintf(out, "Unknown type %u", type); break;
	}
	fprintf(out, ", MSI %02x\n", PCISIM_FIELD_GET(PCI_EXP_FLAGS_IRQ, flags));
	exp_dev(s, pos, type, out);
	if (link)
		exp_link(s, pos, type, out);
	if (slot)
		exp_slot(s, pos, out);
	if (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_RC_EC)
		exp_root(s, pos, out);
	if (ver >= 2)
		exp_v2(s, pos, type, link, devfn, out);
}

/* ---- extended capabilities ---- */

struct bitname {
	uint32_t bit;
	const char *name;
};

static const struct bitname aer_unc[] = {
	{PCI_ERR_UNC_DLP, "DLP"},          {PCI_ERR_UNC_SURPDN, "SDES"},
	{PCI_ERR_UNC_POISON_TLP, "TLP"},   {PCI_ERR_UNC_FCP, "FCP"},
	{PCI_ERR_UNC_COMP_TIME, "CmpltTO"}, {PCI_ERR_UNC_COMP_ABORT, "CmpltAbrt"},
	{PCI_ERR_UNC_UNX_COMP, "UnxCmplt"}, {PCI_ERR_UNC_RX_OVER, "RxOF"},
	{PCI_ERR_UNC_MALF_TLP, "MalfTLP"}, {PCI_ERR_UNC_ECRC, "ECRC"},
	{PCI_ERR_UNC_UNSUP, "UnsupReq"},   {PCI_ERR_UNC_ACSV, "ACSViol"},
	{0, NULL},
};

static const struct bitname aer_cor[] = {
	{PCI_ERR_COR_RCVR, "RxErr"},         {PCI_ERR_COR_BAD_TLP, "BadTLP"},
	{PCI_ERR_COR_BAD_DLLP, "BadDLLP"},   {PCI_ERR_COR_REP_ROLL, "Rollover"},
	{PCI_ERR_COR_REP_TIMER, "Timeout"},  {PCI_ERR_COR_ADV_NFAT, "AdvNonFatalErr"},
	{0, NULL},
};

static void bits(const struct bitname *t, uint32_t v, FILE *out)
{
	for (size_t i = 0; t[i].name; i++)
		fprintf(out, "%s%s%c", i ? " " : "", t[i].name, FL(v, t[i].bit));
	fputc('\n', out);
}

static void ext_aer(const struct snap *s, unsigned pos, unsigned type, FILE *out)
{
	fprintf(out, "Advanced Error Reporting\n");
	fprintf(out, "\t\tUESta:\t");
	bits(aer_unc, r32(s, pos + PCI_ERR_UNCOR_STATUS), out);
	fprintf(out, "\t\tUEMsk:\t");
	bits(aer_unc, r32(s, pos + PCI_ERR_UNCOR_MASK), out);
	fprintf(out, "\t\tUESvrt:\t");
	bits(aer_unc, r32(s, pos + PCI_ERR_UNCOR_SEVER), out);
	fprintf(out, "\t\tCESta:\t");
	bits(aer_cor, r32(s, pos + PCI_ERR_COR_STATUS), out);
	fprintf(out, "\t\tCEMsk:\t");
	bits(aer_cor, r32(s, pos + PCI_ERR_COR_MASK), out);
	uint32_t cap = r32(s, pos + PCI_ERR_CAP);
	fprintf(out, "\t\tAERCap:\tFirst Error Pointer: %02x, ECRCGenCap%c ECRCGenEn%c ECRCChkCap%c ECRCChkEn%c\n",
		PCI_ERR_CAP_FEP(cap), FL(cap, PCI_ERR_CAP_ECRC_GENC), FL(cap, PCI_ERR_CAP_ECRC_GENE),
		FL(cap, PCI_ERR_CAP_ECRC_CHKC), FL(cap, PCI_ERR_CAP_ECRC_CHKE));
	fprintf(out, "\t\t\tMultHdrRecCap%c MultHdrRecEn%c TLPPfxPres%c HdrLogCap%c\n",
		FL(cap, PCI_ERR_CAP_MHRC), FL(cap, PCI_ERR_CAP_MHRE), FL(cap, PCI_ERR_CAP_TLP),
		FL(cap, PCI_ERR_CAP_CTO_LOG));
	fprintf(out, "\t\tHeaderLog: %08x %08x %08x %08x\n", r32(s, pos + PCI_ERR_HEADER_LOG),
		r32(s, pos + PCI_ERR_HEADER_LOG + 4), r32(s, pos + PCI_ERR_HEADER_LOG + 8),
		r32(s, pos + PCI_ERR_HEADER_LOG + 12));
	if (type != PCI_EXP_TYPE_ROOT_PORT && type != PCI_EXP_TYPE_RC_EC)
		return;
	uint32_t cmd = r32(s, pos + PCI_ERR_ROOT_COMMAND), st = r32(s, pos + PCI_ERR_ROOT_STATUS);
	uint32_t src = r32(s, pos + PCI_ERR_ROOT_ERR_SRC);
	fprintf(out, "\t\tRootCmd: CERptEn%c NFERptEn%c FERptEn%c\n", FL(cmd, PCI_ERR_ROOT_CMD_COR_EN),
		FL(cmd, PCI_ERR_ROOT_CMD_NONFATAL_EN), FL(cmd, PCI_ERR_ROOT_CMD_FATAL_EN));
	fprintf(out, "\t\tRootSta: CERcvd%c MultCERcvd%c UERcvd%c MultUERcvd%c\n",
		FL(st, PCI_ERR_ROOT_COR_RCV), FL(st, PCI_ERR_ROOT_MULTI_COR_RCV),
		FL(st, PCI_ERR_ROOT_UNCOR_RCV), FL(st, PCI_ERR_ROOT_MULTI_UNCOR_RCV));
	fprintf(out, "\t\t\t FirstFatal%c NonFatalMsg%c FatalMsg%c IntMsg %u\n",
		FL(st, PCI_ERR_ROOT_FIRST_FATAL), FL(st, PCI_ERR_ROOT_NONFATAL_RCV),
		FL(st, PCI_ERR_ROOT_FATAL_RCV), PCISIM_FIELD_GET(PCI_ERR_ROOT_AER_IRQ, st));
	fprintf(out, "\t\tErrorSrc: ERR_COR: %04x ERR_FATAL/NONFATAL: %04x\n",
		PCISIM_FIELD_GET(PCISIM_ERR_SRC_COR, src), PCISIM_FIELD_GET(PCISIM_ERR_SRC_UNCOR, src));
}

static void acs_bits(uint16_t v, FILE *out)
{
	fprintf(out, "SrcValid%c TransBlk%c ReqRedir%c CmpltRedir%c UpstreamFwd%c EgressCtrl%c DirectTrans%c\n",
		FL(v, PCI_ACS_SV), FL(v, PCI_ACS_TB), FL(v, PCI_ACS_RR), FL(v, PCI_ACS_CR),
		FL(v, PCI_ACS_UF), FL(v, PCI_ACS_EC), FL(v, PCI_ACS_DT));
}

static void ext_acs(const struct snap *s, unsigned pos, FILE *out)
{
	uint16_t cap = r16(s, pos + PCI_ACS_CAP), ctl = r16(s, pos + PCI_ACS_CTRL);
	fprintf(out, "Access Control Services\n");
	fprintf(out, "\t\tACSCap:\t");
	acs_bits(cap, out);
	fprintf(out, "\t\tACSCtl:\t");
	acs_bits(ctl, out);
}

static void ext_dpc(const struct snap *s, unsigned pos, FILE *out)
{
	uint16_t cap = r16(s, pos + PCI_EXP_DPC_CAP), ctl = r16(s, pos + PCI_EXP_DPC_CTL);
	uint16_t sta = r16(s, pos + PCI_EXP_DPC_STATUS), src = r16(s, pos + PCI_EXP_DPC_SOURCE_ID);
	fprintf(out, "Downstream Port Containment\n");
	fprintf(out, "\t\tDpcCap:\tINT Msg #%u, RPExt%c PoisonedTLP%c SwTrigger%c RP PIO Log %u, DL_ActiveErr%c\n",
		cap & PCI_EXP_DPC_IRQ, FL(cap, PCI_EXP_DPC_CAP_RP_EXT), FL(cap, PCI_EXP_DPC_CAP_POISONED_TLP),
		FL(cap, PCI_EXP_DPC_CAP_SW_TRIGGER), PCISIM_FIELD_GET(PCI_EXP_DPC_RP_PIO_LOG_SIZE, cap),
		FL(cap, PCI_EXP_DPC_CAP_DL_ACTIVE));
	fprintf(out, "\t\tDpcCtl:\tTrigger:%u Cmpl%c INT%c ErrCor%c PoisonedTLP%c SwTrigger%c DL_ActiveErr%c\n",
		ctl & PCI_EXP_DPC_CTL_EN_MASK, FL(ctl, PCI_EXP_DPC_CTL_CPL), FL(ctl, PCI_EXP_DPC_CTL_INT_EN),
		FL(ctl, PCI_EXP_DPC_CTL_ERR_COR_EN), FL(ctl, PCI_EXP_DPC_CTL_POISONED_TLP),
		FL(ctl, PCI_EXP_DPC_CTL_SW_TRIGGER), FL(ctl, PCI_EXP_DPC_CTL_DL_ACTIVE));
	fprintf(out, "\t\tDpcSta:\tTrigger%c Reason:%02x INT%c RPBusy%c TriggerExt:%02x RP PIO ErrPtr:%02x\n",
		FL(sta, PCI_EXP_DPC_STATUS_TRIGGER), PCISIM_FIELD_GET(PCI_EXP_DPC_STATUS_TRIGGER_RSN, sta),
		FL(sta, PCI_EXP_DPC_STATUS_INTERRUPT), FL(sta, PCI_EXP_DPC_RP_BUSY),
		PCISIM_FIELD_GET(PCI_EXP_DPC_STATUS_TRIGGER_RSN_EXT, sta),
		PCISIM_FIELD_GET(PCI_EXP_DPC_RP_PIO_FEP, sta));
	fprintf(out, "\t\tSource:\t%04x\n", src);
}

static void ext_dsn(const struct snap *s, unsigned pos, FILE *out)
{
	uint32_t lo = r32(s, pos + 4), hi = r32(s, pos + 8);
	fprintf(out, "Device Serial Number %02x-%02x-%02x-%02x-%02x-%02x-%02x-%02x\n", hi >> 24,
		(hi >> 16) & 0xff, (hi >> 8) & 0xff, hi & 0xff, lo >> 24, (lo >> 16) & 0xff,
		(lo >> 8) & 0xff, lo & 0xff);
}

static void ext_ari(const struct snap *s, unsigned pos, FILE *out)
{
	uint16_t cap = r16(s, pos + 4), ctl = r16(s, pos + 6);
	fprintf(out, "Alternative Routing-ID Interpretation (ARI)\n");
	fprintf(out, "\t\tARICap:\tMFVC%c ACS%c, Next Function: %u\n", FL(cap, 1), FL(cap, 2), cap >> 8);
	fprintf(out, "\t\tARICtl:\tMFVC%c ACS%c, Function Group: %u\n", FL(ctl, 1), FL(ctl, 2),
		(ctl >> 4) & 7);
}

/* ---- CXL DVSECs (CXL r3.1 §8.1.3-8.1.9) ---- */

static const char *cxl_time(unsigned scale)
{
	static const char *const u[] = {"us", "0us", "00us", "ms", "0ms", "00ms", "s", "0s"};
	return scale < 8 ? u[scale] : "?";
}

/* "1us", "100ms": a GPF time field, base [3:0] times scale [11:8] (§8.1.6, Table 8-16). */
static char *gpf_time(uint16_t v, char *buf, size_t n)
{
	unsigned base = v & 0xf, scale = (v >> 8) & 0xf;
	if (scale < 8)
		snprintf(buf, n, "%u%s", base, cxl_time(scale));
	else
		snprintf(buf, n, "%u*?", base);
	return buf;
}

/* PCIe DVSEC for CXL Devices (§8.1.3). */
static void dvsec_cxl_device(const struct snap *s, unsigned pos, FILE *out)
{
	static const char *const media[] = {"Volatile", "Non-volatile", "CDAT"};
	static const char *const mclass[] = {"DRAM", "Storage", "CDAT"};
	static const char *const tmo[] = {"1s", "4s", "16s", "64s", "256s"};
	uint16_t cap = r16(s, pos + 0x0a), ctl = r16(s, pos + 0x0c), sta = r16(s, pos + 0x0e);
	uint16_t sta2 = r16(s, pos + 0x12), cap2 = r16(s, pos + 0x16);
	fprintf(out, "\t\tCXLCap:\tCache%c IO%c Mem%c Mem HW Init%c HDMCount %u Viral%c\n",
		FL(cap, 0x1), FL(cap, 0x2), FL(cap, 0x4), FL(cap, 0x8), (cap >> 4) & 3, FL(cap, 0x4000));
	fprintf(out, "\t\tCXLCtl:\tCache%c IO%c Mem%c Cache SF Cov %u Cache SF Gran %u Cache Clean%c Viral%c\n",
		FL(ctl, 0x1), FL(ctl, 0x2), FL(ctl, 0x4), (ctl >> 3) & 0x1f, (ctl >> 8) & 7,
		FL(ctl, 0x800), FL(ctl, 0x4000));
	fprintf(out, "\t\tCXLSta:\tViral%c\n", FL(sta, 0x4000));
	fprintf(out, "\t\tCXLSta2:\tResetComplete%c ResetError%c PMComplete%c\n", FL(sta2, 0x2),
		FL(sta2, 0x4), FL(sta2, 0x8000));
	unsigned unit = cap2 & 0xf;
	if (!unit)
		fprintf(out, "\t\tCache Size Not Reported\n");
	else if (unit <= 2)
		fprintf(out, "\t\tCache Size: %uK\n", (cap2 >> 8) * (unit == 1 ? 64 : 1024));
	else
		fprintf(out, "\t\tCache Size: <reserved unit>\n");
	for (unsigned r = 0; r < 2; r++) {
		unsigned o = pos + 0x18 + 0x10 * r;
		uint32_t szlo = r32(s, o + 4);
		uint64_t size = (uint64_t)r32(s, o) << 32 | (szlo & 0xf0000000u);
		uint64_t base = (uint64_t)r32(s, o + 8) << 32 | (r32(s, o + 12) & 0xf0000000u);
		unsigned mt = (szlo >> 2) & 7, mc = (szlo >> 5) & 7, t = (szlo >> 13) & 7;
		fprintf(out, "\t\tRange%u: %016llx-%016llx\n", r + 1, (unsigned long long)base,
			(unsigned long long)(base + size - 1));
		fprintf(out, "\t\t\tValid%c Active%c Type=%s Class=%s interleave=%u timeout=%s\n",
			FL(szlo, 0x1), FL(szlo, 0x2), mt < 3 ? media[mt] : "Reserved",
			mc < 3 ? mclass[mc] : "Reserved", (szlo >> 8) & 0x1f, t < 5 ? tmo[t] : "Reserved");
	}
}

/* CXL Extensions DVSEC for Ports (§8.1.5). */
static void dvsec_cxl_port(const struct snap *s, unsigned pos, FILE *out)
{
	uint16_t sta = r16(s, pos + 0x0a), ctl = r16(s, pos + 0x0c);
	fprintf(out, "\t\tCXLPortSta:\tPMComplete%c\n", FL(sta, 0x1));
	fprintf(out, "\t\tCXLPortCtl:\tUnmaskSBR%c UnmaskLinkDisable%c AltMem%c AltBME%c ViralEnable%c\n",
		FL(ctl, 0x1), FL(ctl, 0x2), FL(ctl, 0x4), FL(ctl, 0x8), FL(ctl, 0x4000));
	fprintf(out, "\t\tAlternateBus:\t%02x-%02x\n", r8(s, pos + 0x0e), r8(s, pos + 0x0f));
	/* lspci labels the Alternate Memory Base/Limit line "AlternateBus" too */
	fprintf(out, "\t\tAlternateBus:\t%04x-%04x\n", r16(s, pos + 0x10), r16(s, pos + 0x12));
}

/* PCIe DVSEC for Flex Bus Port (§8.1.8). */
static void dvsec_cxl_flexbus(const struct snap *s, unsigned pos, FILE *out)
{
	uint16_t cap = r16(s, pos + 0x0a), ctl = r16(s, pos + 0x0c), sta = r16(s, pos + 0x0e);
	fprintf(out, "\t\tFBCap:\tCache%c IO%c Mem%c 68BFlit%c MltLogDev%c 256BFlit%c PBRFlit%c\n",
		FL(cap, 0x1), FL(cap, 0x2), FL(cap, 0x4), FL(cap, 0x20), FL(cap, 0x40), FL(cap, 0x2000),
		FL(cap, 0x4000));
	fprintf(out, "\t\tFBCtl:\tCache%c IO%c Mem%c SynHdrByp%c DrftBuf%c 68BFlit%c MltLogDev%c RCD%c Retimer1%c Retimer2%c 256BFlit%c PBRFlit%c\n",
		FL(ctl, 0x1), FL(ctl, 0x2), FL(ctl, 0x4), FL(ctl, 0x8), FL(ctl, 0x10), FL(ctl, 0x20),
		FL(ctl, 0x40), FL(ctl, 0x80), FL(ctl, 0x100), FL(ctl, 0x200), FL(ctl, 0x2000),
		FL(ctl, 0x4000));
	fprintf(out, "\t\tFBSta:\tCache%c IO%c Mem%c SynHdrByp%c DrftBuf%c 68BFlit%c MltLogDev%c 256BFlit%c PBRFlit%c\n",
		FL(sta, 0x1), FL(sta, 0x2), FL(sta, 0x4), FL(sta, 0x8), FL(sta, 0x10), FL(sta, 0x20),
		FL(sta, 0x40), FL(sta, 0x2000), FL(sta, 0x4000));
	fprintf(out, "\t\tFBModTS:\tReceived FB Data: %06x\n", r32(s, pos + 0x10) & 0xffffff);
	fprintf(out, "\t\tFBCap2:\tNOPHint%c\n", FL(r32(s, pos + 0x14), 0x1));
	fprintf(out, "\t\tFBCtl2:\tNOPHint%c\n", FL(r32(s, pos + 0x18), 0x1));
	fprintf(out, "\t\tFBSta2:\tNOPHintInfo: %x\n", r32(s, pos + 0x1c) & 0x3);
}

/* Register Locator DVSEC (§8.1.9): the register blocks and where they are. */
static void dvsec_cxl_reglocator(const struct snap *s, unsigned pos, unsigned len, FILE *out)
{
	static const char *const ids[] = {"empty", "component registers", "BAR virtualization",
					  "CXL device registers", "CPMU registers"};
	for (unsigned i = 0; 0x0c + 8 * (i + 1) <= len && i < 32; i++) {
		uint32_t lo = r32(s, pos + 0x0c + 8 * i), hi = r32(s, pos + 0x10 + 8 * i);
		unsigned id = (lo >> 8) & 0xff;
		uint64_t off = (uint64_t)hi << 32 | (lo & 0xffff0000u);
		if (!lo && !hi)
			continue; /* an unused entry */
		fprintf(out, "\t\tBlock%u: BIR: bar%u, ID: %s, offset: %016llx\n", i + 1, lo & 7,
			id < 5 ? ids[id] : id == 0xff ? "vendor-specific registers" : "unknown",
			(unsigned long long)off);
	}
}

static void ext_dvsec(const struct snap *s, unsigned pos, FILE *out)
{
	uint32_t h1 = r32(s, pos + 4);
	uint16_t id = r16(s, pos + 8);
	unsigned len = h1 >> 20;
	char b1[16], b2[16];
	fprintf(out, "Designated Vendor-Specific: Vendor=%04x ID=%04x Rev=%u Len=%u", h1 & 0xffff, id,
		(h1 >> 16) & 0xf, len);
	if ((h1 & 0xffff) != PCISIM_CXL_VENDOR_ID) {
		fprintf(out, " <?>\n");
		return;
	}
	fprintf(out, ": CXL\n");
	switch (id) {
	case 0: dvsec_cxl_device(s, pos, out); break;
	case 3: dvsec_cxl_port(s, pos, out); break;
	case 4:
		fprintf(out, "\t\tGPF Phase 1 Timeout: %s\n", gpf_time(r16(s, pos + 0x0c), b1, sizeof(b1)));
		fprintf(out, "\t\tGPF Phase 2 Timeout: %s\n", gpf_time(r16(s, pos + 0x0e), b2, sizeof(b2)));
		break;
	case 5:
		fprintf(out, "\t\tGPF Phase 2 Duration: %s\n", gpf_time(r16(s, pos + 0x0a), b1, sizeof(b1)));
		fprintf(out, "\t\tGPF Phase 2 Power: %umW\n", r32(s, pos + 0x0c));
		break;
	case 7: dvsec_cxl_flexbus(s, pos, out); break;
	case 8: dvsec_cxl_reglocator(s, pos, len, out); break;
	default: fprintf(out, "\t\t<?>\n"); break;
	}
}

/* Data Object Exchange (PCIe r6.0 §7.9.24). */
static void ext_doe(const struct snap *s, unsigned pos, FILE *out)
{
	uint32_t cap = r32(s, pos + 4), ctl = r32(s, pos + 8), sta = r32(s, pos + 12);
	fprintf(out, "Data Object Exchange\n");
	fprintf(out, "\t\tDOECap: IntSup%c\n", FL(cap, 0x1));
	if (cap & 1)
		fprintf(out, "\t\t\tInterrupt Message Number %03x\n", (cap >> 1) & 0x7ff);
	fprintf(out, "\t\tDOECtl: IntEn%c\n", FL(ctl, 0x2));
	fprintf(out, "\t\tDOESta: Busy%c IntSta%c Error%c ObjectReady%c\n", FL(sta, 0x1), FL(sta, 0x2),
		FL(sta, 0x4), FL(sta, 0x80000000u));
}

static void ext_caps(const struct snap *s, unsigned type, FILE *out)
{
	unsigned pos = 0x100, seen = 0;
	if (s->size <= 0x100)
		return;
	while (pos >= 0x100 && pos + 4 <= s->size && seen++ < 256) {
		uint32_t h = r32(s, pos);
		if (!h || h == 0xffffffff)
			break;
		unsigned id = PCI_EXT_CAP_ID(h), ver = PCI_EXT_CAP_VER(h);
		fprintf(out, "\tCapabilities: [%03x v%u] ", pos, ver);
		switch (id) {
		case PCI_EXT_CAP_ID_ERR: ext_aer(s, pos, type, out); break;
		case PCI_EXT_CAP_ID_DSN: ext_dsn(s, pos, out); break;
		case PCI_EXT_CAP_ID_ACS: ext_acs(s, pos, out); break;
		case PCI_EXT_CAP_ID_ARI: ext_ari(s, pos, out); break;
		case PCI_EXT_CAP_ID_DPC: ext_dpc(s, pos, out); break;
		case PCI_EXT_CAP_ID_DVSEC: ext_dvsec(s, pos, out); break;
		case PCI_EXT_CAP_ID_VNDR:
			fprintf(out, "Vendor Specific Information: ID=%04x Rev=%u Len=%03x <?>\n",
				r16(s, pos + 4), r8(s, pos + 6) & 0xf, r16(s, pos + 6) >> 4);
			break;
		case PCI_EXT_CAP_ID_DOE: ext_doe(s, pos, out); break;
		case PCI_EXT_CAP_ID_SECPCI: fprintf(out, "Secondary PCI Express\n"); break;
		default: fprintf(out, "Extended Capability ID %#02x\n", id); break;
		}
		pos = PCI_EXT_CAP_NEXT(h);
	}
}

static void std_caps(const struct snap *s, uint8_t devfn, int *exp_type, FILE *out)
{
	unsigned pos = r8(s, PCI_CAPABILITY_LIST) & ~3u;
	unsigned seen = 0;
	while (pos >= 0x40 && pos < 0x100 && seen++ < 48) {
		uint8_t id = r8(s, pos);
		if (id == 0xff)
			break;
		fprintf(out, "\tCapabilities: [%02x] ", pos);
		switch (id) {
		case PCI_CAP_ID_PM: cap_pm(s, pos, out); break;
		case PCI_CAP_ID_MSI: cap_msi(s, pos, out); break;
		case PCI_CAP_ID_MSIX: cap_msix(s, pos, out); break;
		case PCI_CAP_ID_SSVID: cap_ssvid(s, pos, out); break;
		case PCI_CAP_ID_EXP:
			*exp_type = (int)PCISIM_FIELD_GET(PCI_EXP_FLAGS_TYPE, r16(s, pos + PCI_EXP_FLAGS));
			cap_express(s, pos, devfn, out);
			break;
		case PCI_CAP_ID_VNDR:
			cap_vendor(s, pos, out);
			break;
		case PCI_CAP_ID_SATA: cap_sata(s, pos, out); break;
		default: fprintf(out, "#%02x [%04x]\n", id, r16(s, pos + 2)); break;
		}
		pos = r8(s, pos + PCI_CAP_LIST_NEXT) & ~3u;
	}
}

/* ---- one function ---- */

void pcisim_lspci_verbose_bytes(const uint8_t *cfg, size_t size, const uint8_t *wmask,
				uint8_t bus, uint8_t devfn, FILE *out)
{
	struct snap s = {cfg, size, wmask};
	char cls[96], name[160];
	uint16_t vendor = r16(&s, PCI_VENDOR_ID), device = r16(&s, PCI_DEVICE_ID);
	uint32_t cls_pi = r32(&s, PCI_REVISION_ID) >> 8;
	uint8_t rev = r8(&s, PCI_REVISION_ID), htype = r8(&s, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	uint16_t cmd = r16(&s, PCI_COMMAND), st = r16(&s, PCI_STATUS);

	fprintf(out, "%02x:%02x.%u %s: %s", bus, devfn >> 3, devfn & 7,
		pcisim_pci_class_name((uint16_t)(cls_pi >> 8), cls, sizeof(cls)),
		pcisim_pci_name(vendor, device, name, sizeof(name)));
	if (rev)
		fprintf(out, " (rev %02x)", rev);
	const char *pi = progif_name(cls_pi);
	if ((cls_pi & 0xff) || pi) {
		fprintf(out, " (prog-if %02x", cls_pi & 0xff);
		if (pi)
			fprintf(out, " [%s]", pi);
		fprintf(out, ")");
	}
	fputc('\n', out);
	uint16_t sv = 0, sd = 0;
	if (htype == PCI_HEADER_TYPE_NORMAL) {
		sv = r16(&s, PCI_SUBSYSTEM_VENDOR_ID);
		sd = r16(&s, PCI_SUBSYSTEM_ID);
	} else if (htype == PCI_HEADER_TYPE_BRIDGE) {
		unsigned ss = find_ssvid(&s);
		if (ss) {
			sv = r16(&s, ss + PCI_SSVID_VENDOR_ID);
			sd = r16(&s, ss + PCI_SSVID_DEVICE_ID);
		}
	}
	if (sv && sv != 0xffff)
		fprintf(out, "\tSubsystem: %s\n", subsys_name(vendor, device, sv, sd, name, sizeof(name)));
	fprintf(out, "\tControl: I/O%c Mem%c BusMaster%c SpecCycle%c MemWINV%c VGASnoop%c ParErr%c Stepping%c SERR%c FastB2B%c DisINTx%c\n",
		FL(cmd, PCI_COMMAND_IO), FL(cmd, PCI_COMMAND_MEMORY), FL(cmd, PCI_COMMAND_MASTER),
		FL(cmd, PCI_COMMAND_SPECIAL), FL(cmd, PCI_COMMAND_INVALIDATE), FL(cmd, PCI_COMMAND_VGA_PALETTE),
		FL(cmd, PCI_COMMAND_PARITY), FL(cmd, PCI_COMMAND_WAIT), FL(cmd, PCI_COMMAND_SERR),
		FL(cmd, PCI_COMMAND_FAST_BACK), FL(cmd, PCI_COMMAND_INTX_DISABLE));
	fprintf(out, "\tStatus: ");
	show_status(st, false, out);
	if (cmd & PCI_COMMAND_MASTER) {
		fprintf(out, "\tLatency: %u", r8(&s, PCI_LATENCY_TIMER));
		if (htype == PCI_HEADER_TYPE_NORMAL && (r8(&s, PCI_MIN_GNT) || r8(&s, PCI_MAX_LAT)))
			fprintf(out, " (%uns min, %uns max)", r8(&s, PCI_MIN_GNT) * 250,
				r8(&s, PCI_MAX_LAT) * 250);
		if (r8(&s, PCI_CACHE_LINE_SIZE))
			fprintf(out, ", Cache Line Size: %u bytes", r8(&s, PCI_CACHE_LINE_SIZE) * 4);
		fputc('\n', out);
	}
	uint8_t pin = r8(&s, PCI_INTERRUPT_PIN);
	if (pin)
		fprintf(out, "\tInterrupt: pin %c routed to IRQ %u\n", pin > 4 ? '?' : 'A' + pin - 1,
			r8(&s, PCI_INTERRUPT_LINE));
	if (htype == PCI_HEADER_TYPE_NORMAL) {
		show_bars(&s, 6, cmd, out);
		show_rom(&s, PCI_ROM_ADDRESS, cmd, out);
	} else if (htype == PCI_HEADER_TYPE_BRIDGE) {
		show_bars(&s, 2, cmd, out);
		show_bridge(&s, out);
	}
	int exp_type = -1;
	if (st & PCI_STATUS_CAP_LIST)
		std_caps(&s, devfn, &exp_type, out);
	if (exp_type >= 0)
		ext_caps(&s, (unsigned)exp_type, out);
	fputc('\n', out);
}

/* A function's config space as the guest reads it, dword by dword. */
static size_t snapshot(struct pcisim_pcifn *fn, uint8_t *buf)
{
	size_t size = fn->cfg.size;
	for (size_t off = 0; off < size; off += 4) {
		uint32_t v = pcisim_fn_cfg_read(fn, (uint16_t)off, 4);
		buf[off] = (uint8_t)v;
		buf[off + 1] = (uint8_t)(v >> 8);
		buf[off + 2] = (uint8_t)(v >> 16);
		buf[off + 3] = (uint8_t)(v >> 24);
	}
	return size;
}

static uint8_t fn_bus(const struct pcisim_pcifn *fn)
{
	return fn->bus ? fn->bus->number : 0;
}

void pcisim_lspci_verbose(struct pcisim_pcifn *fn, FILE *out)
{
	uint8_t buf[PCISIM_CFG_PCIE_SIZE];
	if (!fn->cfg.bytes)
		return;
	size_t size = snapshot(fn, buf);
	pcisim_lspci_verbose_bytes(buf, size, fn->cfg.m ? fn->cfg.m->wmask : NULL, fn_bus(fn),
				   fn->devfn, out);
}

/* ---- the tree ---- */

/*
 * A function a scan finds: present on a bus, and its Vendor ID reads as an ID, not
 * 0xffff (nothing answers) or 0x0000 (QEMU's pxb-cxl, which Linux skips too).
 */
static bool on_pci(struct pcisim_pcifn *fn)
{
	if (!fn->bus || fn->comp.removed || !fn->cfg.bytes)
		return false;
	uint16_t v = (uint16_t)pcisim_fn_cfg_read(fn, PCI_VENDOR_ID, 2);
	return v != 0xffff && v != 0x0000;
}

/*
 * A line is built in @line, and @cont holds what the lines that continue it start
 * with (spaces, and '|' under every connector whose bus has more devices below).
 */
struct tree_line {
	char line[1024];
	char cont[1024];
	size_t len;
};

static void tl_append(struct tree_line *t, const char *text, char cont_char_first)
{
	size_t n = strlen(text);
	if (t->len + n >= sizeof(t->line))
		n = sizeof(t->line) - 1 - t->len;
	memcpy(t->line + t->len, text, n);
	memset(t->cont + t->len, ' ', n);
	if (n && cont_char_first)
		t->cont[t->len] = cont_char_first;
	t->len += n;
	t->line[t->len] = t->cont[t->len] = 0;
}

static void tree_fn(struct pcisim_pcifn *fn, struct tree_line *t, FILE *out);

static void tree_bus(struct pcisim_pcibus *b, struct tree_line *t, FILE *out)
{
	struct pcisim_pcifn *fns[256];
	unsigned n = 0;
	for (uint16_t i = 0; i < b->nfns && n < 256; i++)
		if (on_pci(b->fns[i]))
			fns[n++] = b->fns[i];
	if (!n) {
		fprintf(out, "%s\n", t->line);
		return;
	}
	struct tree_line saved = *t;
	for (unsigned i = 0; i < n; i++) {
		struct tree_line c = saved;
		if (i) /* a new line: the continuation of the bus's line */
			memcpy(c.line, saved.cont, saved.len + 1);
		if (n == 1)
			tl_append(&c, "--", 0);
		else
			tl_append(&c, i == n - 1 ? "\\-" : "+-", i == n - 1 ? ' ' : '|');
		tree_fn(fns[i], &c, out);
	}
}

static void tree_fn(struct pcisim_pcifn *fn, struct tree_line *t, FILE *out)
{
	char buf[192];
	snprintf(buf, sizeof(buf), "%02x.%u", fn->devfn >> 3, fn->devfn & 7);
	tl_append(t, buf, 0);
	uint8_t htype = pcisim_cfg_get8(&fn->cfg, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	if (fn->secondary && htype == PCI_HEADER_TYPE_BRIDGE) {
		uint8_t sec = (uint8_t)pcisim_fn_cfg_read(fn, PCI_SECONDARY_BUS, 1);
		uint8_t sub = (uint8_t)pcisim_fn_cfg_read(fn, PCI_SUBORDINATE_BUS, 1);
		if (sec == sub)
			snprintf(buf, sizeof(buf), "-[%02x]--", sec);
		else
			snprintf(buf, sizeof(buf), "-[%02x-%02x]--", sec, sub);
		tl_append(t, buf, 0);
		tree_bus(fn->secondary, t, out);
		return;
	}
	uint16_t v = (uint16_t)pcisim_fn_cfg_read(fn, PCI_VENDOR_ID, 2);
	uint16_t d = (uint16_t)pcisim_fn_cfg_read(fn, PCI_DEVICE_ID, 2);
	fprintf(out, "%s  %s\n", t->line, pcisim_pci_name(v, d, buf, sizeof(buf)));
}

static int cmp_root(const void *a, const void *b)
{
	const struct pcisim_pcibus *x = *(struct pcisim_pcibus *const *)a;
	const struct pcisim_pcibus *y = *(struct pcisim_pcibus *const *)b;
	return (int)x->number - (int)y->number;
}

static size_t root_buses(struct pcisim_fabric *fab, struct pcisim_pcibus **roots, size_t max)
{
	size_t n = 0;
	for (uint32_t i = 0; i < fab->nbuses && n < max; i++) {
		struct pcisim_pcibus *b = fab->buses[i];
		if (!b->is_root || (b->host && b->host->comp.removed))
			continue;
		roots[n++] = b;
	}
	qsort(roots, n, sizeof(*roots), cmp_root);
	return n;
}

void pcisim_lspci_tree(struct pcisim_fabric *fab, FILE *out)
{
	struct pcisim_pcibus *roots[256];
	size_t n = root_buses(fab, roots, 256);
	char label[32];
	struct tree_line t = {.len = 0};
	t.line[0] = t.cont[0] = 0;
	if (n == 1) {
		snprintf(label, sizeof(label), "-[0000:%02x]-", roots[0]->number);
		tl_append(&t, label, 0);
		tree_bus(roots[0], &t, out);
		return;
	}
	tl_append(&t, "-", 0);
	for (size_t i = 0; i < n; i++) {
		struct tree_line c = t;
		if (i)
			memcpy(c.line, t.cont, t.len + 1);
		tl_append(&c, i == n - 1 ? "\\-" : "+-", i == n - 1 ? ' ' : '|');
		snprintf(label, sizeof(label), "[0000:%02x]-", roots[i]->number);
		tl_append(&c, label, 0);
		tree_bus(roots[i], &c, out);
	}
}

/* ---- dumps and lookup ---- */

void pcisim_lspci_hex(struct pcisim_pcifn *fn, FILE *out)
{
	uint8_t buf[PCISIM_CFG_PCIE_SIZE];
	char cls[96], name[160];
	size_t size = snapshot(fn, buf);
	fprintf(out, "%02x:%02x.%u %s: %s\n", fn_bus(fn), fn->devfn >> 3, fn->devfn & 7,
		pcisim_pci_class_name((uint16_t)(buf[PCI_CLASS_DEVICE] | buf[PCI_CLASS_DEVICE + 1] << 8),
				      cls, sizeof(cls)),
		pcisim_pci_name((uint16_t)(buf[0] | buf[1] << 8), (uint16_t)(buf[2] | buf[3] << 8), name,
				sizeof(name)));
	for (size_t off = 0; off < size; off += 16) {
		fprintf(out, "%02zx:", off);
		for (size_t i = 0; i < 16; i++)
			fprintf(out, " %02x", buf[off + i]);
		fputc('\n', out);
	}
	fputc('\n', out);
}

/* Every function in bus, then devfn order (as lspci lists them). */
static int cmp_fn(const void *a, const void *b)
{
	const struct pcisim_pcifn *x = *(struct pcisim_pcifn *const *)a;
	const struct pcisim_pcifn *y = *(struct pcisim_pcifn *const *)b;
	int kx = fn_bus(x) << 8 | x->devfn, ky = fn_bus(y) << 8 | y->devfn;
	if (kx != ky)
		return kx - ky;
	return x->comp.id < y->comp.id ? -1 : x->comp.id > y->comp.id;
}

void pcisim_lspci_dump(struct pcisim_fabric *fab, FILE *out)
{
	struct pcisim_pcifn **v = calloc(fab->nfns ? fab->nfns : 1, sizeof(*v));
	size_t n = 0;
	if (!v)
		return;
	for (uint32_t i = 0; i < fab->nfns; i++)
		if (on_pci(fab->fns[i]))
			v[n++] = fab->fns[i];
	qsort(v, n, sizeof(*v), cmp_fn);
	for (size_t i = 0; i < n; i++)
		pcisim_lspci_hex(v[i], out);
	free(v);
}

struct pcisim_pcifn *pcisim_lspci_find(struct pcisim_fabric *fab, const char *what)
{
	struct pcisim_pcifn *fn = pcisim_fabric_find_fn(fab, what);
	if (fn && on_pci(fn))
		return fn;
	unsigned dom = 0, bus = 0, dev = 0, func = 0;
	char extra;
	int ok = sscanf(what, "%x:%x:%x.%x%c", &dom, &bus, &dev, &func, &extra) == 4;
	if (!ok) {
		dom = 0;
		ok = sscanf(what, "%x:%x.%x%c", &bus, &dev, &func, &extra) == 3;
	}
	if (!ok) {
		bus = 0;
		ok = sscanf(what, "%x.%x%c", &dev, &func, &extra) == 2;
	}
	if (!ok || dom || bus > 0xff || dev > 31 || func > 7)
		return NULL;
	for (uint32_t i = 0; i < fab->nfns; i++) {
		fn = fab->fns[i];
		if (on_pci(fn) && fn_bus(fn) == bus && fn->devfn == (dev << 3 | func))
			return fn;
	}
	return NULL;
}

/* ---- hot-plug ownership ---- */

static bool hp_listed(const struct pcisim_pcifn *fn)
{
	return !fn->comp.removed && fn->bus && fn->secondary && fn->drv->kind != PCISIM_FN_HOST_BRIDGE;
}

static int cmp_bdf(const void *a, const void *b)
{
	const struct pcisim_pcifn *x = *(struct pcisim_pcifn *const *)a;
	const struct pcisim_pcifn *y = *(struct pcisim_pcifn *const *)b;
	return (int)pcisim_fn_bdf(x) - (int)pcisim_fn_bdf(y);
}

/* The bridges in bus order (a stable sort: bdf is unique once enumerated). */
static struct pcisim_pcifn **hp_bridges(struct pcisim_fabric *fab, size_t *n)
{
	struct pcisim_pcifn **v = calloc(fab->nfns + 1, sizeof(*v));
	if (!v)
		abort();
	*n = 0;
	for (uint32_t i = 0; i < fab->nfns; i++)
		if (hp_listed(fab->fns[i]))
			v[(*n)++] = fab->fns[i];
	qsort(v, *n, sizeof(*v), cmp_bdf);
	return v;
}

static int bsel_of(const struct pcisim_fabric *fab, const struct pcisim_pcifn *fn)
{
	for (unsigned i = 0; i < fab->machine.acpi.nbsel; i++)
		if (fab->machine.acpi.bsel[i] == fn)
			return (int)i;
	return -1;
}

void pcisim_lspci_hotplug(struct pcisim_fabric *fab, FILE *out)
{
	size_t n;
	struct pcisim_pcifn **v = hp_bridges(fab, &n);
	if (n)
		fprintf(out, "Hot-plug slots:\n");
	for (size_t i = 0; i < n; i++) {
		char bdf[32];
		enum pcisim_hp_owner o = pcisim_bridge_hp_owner(v[i]);
		fprintf(out, "  %s %-16s %s", pcisim_fn_bdf_str(v[i], bdf, sizeof(bdf)) + 5, v[i]->comp.name,
			pcisim_hp_owner_name(o));
		int b = bsel_of(fab, v[i]);
		if (o == PCISIM_HP_ACPI && b >= 0)
			fprintf(out, " (BSEL %d)", b);
		fprintf(out, "\n");
	}
	free(v);
}

char *pcisim_hotplug_summary(struct pcisim_fabric *fab, char *buf, size_t n)
{
	size_t nb, len = 0;
	struct pcisim_pcifn **v = hp_bridges(fab, &nb);
	buf[0] = 0;
	for (size_t i = 0; i < nb && len < n; i++) {
		int w = snprintf(buf + len, n - len, "%s%s=%s", i ? " " : "", v[i]->comp.name,
				 pcisim_hp_owner_name(pcisim_bridge_hp_owner(v[i])));
		if (w < 0)
			break;
		len += (size_t)w;
	}
	free(v);
	return buf;
}
