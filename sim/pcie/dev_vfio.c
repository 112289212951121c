/*
 * vfio-pci (QEMU hw/vfio/pci.c): a function of the host machine passed through to the
 * guest. `-device vfio-pci,host=[DDDD:]BB:DD.F` (or `sysfsdev=/sys/bus/pci/devices/...`)
 * names the host's device; the guest sees it at its own address on its own bus.
 *
 * pcisim does not build the host machine beside the guest's: the host's device is
 * described by the properties QEMU itself offers to override what the guest sees
 * (x-pci-vendor-id, x-pci-device-id, x-pci-sub-vendor-id, x-pci-sub-device-id). Their
 * defaults are the slides' test NIC, an Intel 82576 (8086:10c9 rev 1, class 0200): its
 * BAR 0 (128 KiB) and BAR 3 (16 KiB, the MSI-X table) and QEMU's emulated capability
 * list (PM, MSI, MSI-X, PCIe endpoint with FLR, AER). MMIO and DMA go to the device as
 * for any function; on a pseries machine with `eeh: qemu` a vfio-pci function is the
 * only kind with EEH (docs/eeh.md).
 *
 * Checks as QEMU's vfio_realize(): one of host= and sysfsdev= ("No provided host
 * device"); host= in [domain:]bus:slot.function form.
 */
#include <ctype.h>
#include <string.h>

#include "sim/pcie/caps_qemu.h"
#include "sim/pcie/models.h"
#include "sim/pcie/regs/pci.h"

#define VFIO_DEFAULT_VENDOR 0x8086 /* Intel */
#define VFIO_DEFAULT_DEVICE 0x10c9 /* 82576 Gigabit Network Connection */
#define VFIO_DEFAULT_REV 1
#define VFIO_BAR0_SIZE (128 * 1024)
#define VFIO_MSIX_VECTORS 10

/* [DDDD:]BB:DD.F, hex, as QEMU's PCIHostDeviceAddress property parses it */
static bool host_addr_ok(const char *s)
{
	unsigned groups[4], n = 0;
	const char *p = s;
	for (;;) {
		unsigned v = 0, digits = 0;
		while (isxdigit((unsigned char)*p)) {
			v = v * 16 + (unsigned)(isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
			p++;
			if (++digits > 4)
				return false;
		}
		if (!digits || n == 4)
			return false;
		groups[n++] = v;
		if (*p == ':' && n < 3) {
			p++;
			continue;
		}
		if (*p == '.' && n >= 2) {
			p++;
			v = 0;
			if (!isdigit((unsigned char)*p) || p[1])
				return false;
			v = (unsigned)(*p - '0');
			return v < 8 && groups[n - 1] < 32 && groups[n - 2] < 256;
		}
		return false;
	}
}

static int vfio_realize(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	const struct pcisim_props *pr = &fn->props;
	const struct pcisim_prop *host = pcisim_props_find(pr, "host");
	const struct pcisim_prop *sysfs = pcisim_props_find(pr, "sysfsdev");
	if (!host && !sysfs)
		return pcisim_diag_error(d, pr->loc,
					 "vfio-pci: No provided host device - Use -device vfio-pci,host=DDDD:BB:DD.F or -device vfio-pci,sysfsdev=PATH_TO_DEVICE");
	if (host && !host_addr_ok(host->value))
		return pcisim_diag_error(d, host->loc,
					 "Property 'vfio-pci.host' doesn't take value '%s'; expected [domain:]bus:slot.function in hex, e.g. 0000:01:00.0",
					 host->value);
	uint16_t vendor = (uint16_t)pcisim_props_u64(pr, "x-pci-vendor-id", VFIO_DEFAULT_VENDOR);
	uint16_t device = (uint16_t)pcisim_props_u64(pr, "x-pci-device-id", VFIO_DEFAULT_DEVICE);
	pcisim__header(fn, vendor, device, VFIO_DEFAULT_REV, 0x020000);
	const struct pcisim_prop *sv = pcisim_props_find(pr, "x-pci-sub-vendor-id");
	const struct pcisim_prop *sd = pcisim_props_find(pr, "x-pci-sub-device-id");
	if (sv)
		pcisim_cfg_set(&fn->cfg, PCI_SUBSYSTEM_VENDOR_ID, (uint32_t)pcisim_props_u64(pr, "x-pci-sub-vendor-id", 0), 2);
	if (sd)
		pcisim_cfg_set(&fn->cfg, PCI_SUBSYSTEM_ID, (uint32_t)pcisim_props_u64(pr, "x-pci-sub-device-id", 0), 2);
	struct pcisim_endpoint_config e = {
		.qemu = pcisim__compat(fn),
		.vendor = vendor,
		.device = device,
		.class_rev = 0x020000u << 8 | VFIO_DEFAULT_REV,
		.type = PCI_EXP_TYPE_ENDPOINT,
		.pm = true,
		.msi_vectors = 1,
		.msix_vectors = VFIO_MSIX_VECTORS,
		.msix_bar = 3,
		.aer = true,
	};
	int rc = pcisim_caps_endpoint(&fn->cfg, &e);
	if (rc < 0 || (rc = pcisim_cfg_register_bar(&fn->cfg, 0, VFIO_BAR0_SIZE, 0)) < 0)
		return pcisim__build_failed(fn, rc, "its capabilities and BARs", d);
	pcisim_cfg_set(&fn->cfg, PCI_INTERRUPT_PIN, 1, 1);
	return 0;
}

static const struct pcisim_prop_def vfio_props[] = {
	{"host", PCISIM_PROP_STR, "the host's device, [DDDD:]BB:DD.F", 0, 0, NULL, true},
	{"sysfsdev", PCISIM_PROP_STR, "the host's device by its sysfs path", 0, 0, NULL, true},
	{"x-pci-vendor-id", PCISIM_PROP_INT, "Vendor ID the guest sees (default the host device's: 0x8086)", 0,
	 0xffff, NULL, true},
	{"x-pci-device-id", PCISIM_PROP_INT, "Device ID the guest sees (default the host device's: 0x10c9)", 0,
	 0xffff, NULL, true},
	{"x-pci-sub-vendor-id", PCISIM_PROP_INT, "Subsystem Vendor ID the guest sees", 0, 0xffff, NULL, true},
	{"x-pci-sub-device-id", PCISIM_PROP_INT, "Subsystem ID the guest sees", 0, 0xffff, NULL, true},
	{"rombar", PCISIM_PROP_INT, "expose the option ROM BAR (default 1)", 0, 1, NULL, false},
	{"x-no-mmap", PCISIM_PROP_BOOL, "no direct mapping of BARs (default off)", 0, 0, NULL, false},
	{0},
};

const struct pcisim_driver pcisim__vfio_drivers[] = {
	{
		.name = "vfio-pci",
		.help = "a host device passed through by VFIO (hw/vfio/pci.c; host=BB:DD.F or sysfsdev=)",
		.kind = PCISIM_FN_ENDPOINT,
		.props = vfio_props,
		.pcie = true,
		.hotpluggable = true,
		.realize = vfio_realize,
		.vmsd_path = "pdev",
		.unmigratable = true, /* "VFIO device doesn't support migration" without migration support */
	},
	{0},
};
