/*
 * vfio-pci (QEMU hw/vfio/pci.c): a function of the host machine passed through to the
 * guest. `-device vfio-pci,host=[DDDD:]BB:DD.F` (or `sysfsdev=/sys/bus/pci/devices/...`)
 * names the host's device; the guest sees it at its own address on its own bus
 * (vfio.h states the contracts).
 *
 * Tied: when host= names an endpoint of the scenario's machine, the vfio-pci function is
 * the guest's view of it, built as QEMU builds its copy (vfio_initfn()/vfio_realize():
 * "Get a copy of config space", then "vfio emulates a lot for us, but some bits need
 * extra love"), with the host kernel's virtualisation under it (drivers/vfio/pci/
 * vfio_pci_config.c init_pci_cap_basic_perm()). Emulated, so the guest's own:
 *  - the BARs and the ROM address (QEMU: "Clear host resource mapping info"; the
 *    kernel: "Virtualize all bars, can't touch the real ones"); the BARs keep their
 *    type bits and sizes, the ROM is not exposed;
 *  - Vendor, Device and subsystem IDs when x-pci-* override them;
 *  - Header Type's multi-function bit ("this is always controlled by QEMU");
 *  - Command's INTx Disable (the kernel: "Virtualize INTx disable, we use it internally
 *    for interrupt control"); Memory, I/O and Bus Master reach the device;
 *  - Status's Capabilities List bit, the capability pointer, every capability's next
 *    pointer ("Use emulated next pointer to allow dropping caps"), Interrupt Line and
 *    Pin;
 *  - the whole MSI and MSI-X capabilities ("QEMU emulates all of MSI & MSIX");
 *  - the PCI Express capability's type and link registers: an endpoint on a root bus
 *    becomes a Root Complex Integrated Endpoint without link registers (vfio_setup_
 *    pcie_cap(): "On a Root Complex bus Endpoints become Root Complex Integrated
 *    Endpoints"); elsewhere the Link Status width and speed are emulated ("to allow
 *    virtual negotiation"); other port types cannot be assigned;
 *  - the first extended capability header and every extended next pointer; SR-IOV
 *    ("Read-only VF BARs confuse OVMF") and ARI ("Needs next function virtualization")
 *    are hidden (vfio_add_ext_cap()).
 * The rest (Command's enables, Status's error bits, Device Control and Status, AER, PM)
 * is the host function's own, read and written through at the time of the access.
 * (Read from the copy of qemu/qemu hw/vfio/pci.c that could be read here, an older one
 * whose vfio_initfn() later became vfio_realize(); v7.2.0's file itself could not be
 * fetched, so a step v7.2.0 added or changed is not modelled. pcisim treats every bus
 * as PCI Express, so QEMU's hiding of the PCIe capability on a conventional bus does not
 * arise.)
 *
 * Standalone: otherwise the host's device is described by the properties QEMU itself
 * offers to override what the guest sees (x-pci-vendor-id, x-pci-device-id,
 * x-pci-sub-vendor-id, x-pci-sub-device-id). Their defaults are the slides' test NIC,
 * an Intel 82576 (8086:10c9 rev 1, class 0200): its BAR 0 (128 KiB) and BAR 3 (16 KiB,
 * the MSI-X table) and QEMU's emulated capability list (PM, MSI, MSI-X, PCIe endpoint
 * with FLR, AER). MMIO and DMA go to the device as for any function; on a pseries
 * machine with `eeh: qemu` a vfio-pci function is the only kind with EEH (docs/eeh.md).
 *
 * Checks as QEMU's: one of host= and sysfsdev= ("No provided host device"); host= in
 * [domain:]bus:slot.function form; a host function passed through once ("device is
 * already attached"); only endpoints ("Assignment of PCIe type 0x%x devices is not
 * currently supported").
 */
#include <ctype.h>
#include <string.h>

#include "sim/pcie/caps.h"
#include "sim/pcie/caps_qemu.h"
#include "sim/pcie/mmio.h"
#include "sim/pcie/models.h"
#include "sim/pcie/regs/msi.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/route.h"
#include "sim/pcie/vfio.h"

#define VFIO_DEFAULT_VENDOR 0x8086 /* Intel */
#define VFIO_DEFAULT_DEVICE 0x10c9 /* 82576 Gigabit Network Connection */
#define VFIO_DEFAULT_REV 1
#define VFIO_BAR0_SIZE (128 * 1024)
#define VFIO_MSIX_VECTORS 10
#define MSIX_CAP_LENGTH 12 /* hw/vfio/pci.c */

struct vfio_fn;

/* One BAR of a tied view, forwarded to the same BAR of the host function. */
struct vfio_bar_fwd {
	struct vfio_fn *v;
	unsigned bar;
};

/* The model: a PCI function, and when tied its host function and emulated bits. */
struct vfio_fn {
	struct pcisim_pcifn fn;
	struct pcisim_pcifn *host;
	uint8_t emu[PCISIM_CFG_PCIE_SIZE]; /* QEMU's emulated_config_bits */
	struct vfio_bar_fwd fwd[6];
};

static struct vfio_fn *to_vfio(const struct pcisim_pcifn *fn)
{
	return (struct vfio_fn *)fn;
}

/* A host address: PCIHostDeviceAddress. */
struct host_addr {
	unsigned domain, bus, slot, function;
};

/* [DDDD:]BB:DD.F, hex, as QEMU's PCIHostDeviceAddress property parses it */
static bool host_addr_parse(const char *s, struct host_addr *out)
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
			if (v >= 8 || groups[n - 1] >= 32 || groups[n - 2] >= 256)
				return false;
			*out = (struct host_addr){n == 3 ? groups[0] : 0, groups[n - 2], groups[n - 1], v};
			return true;
		}
		return false;
	}
}

/* sysfsdev=: QEMU names the device by the path's last component, DDDD:BB:DD.F. */
static bool sysfs_addr_parse(const char *path, struct host_addr *out)
{
	const char *base = strrchr(path, '/');
	return host_addr_parse(base ? base + 1 : path, out);
}

/*
 * The function of this machine at @a (domain 0000, the only one pcisim builds), by the
 * bus numbers firmware's enumeration gives the machine as it is now; NULL: none.
 */
static struct pcisim_pcifn *host_fn_at(struct pcisim_pcifn *self, const struct host_addr *a)
{
	struct pcisim_fabric *fab = self->fabric;
	if (a->domain)
		return NULL;
	if (!self->hotplugged)
		pcisim_fabric_enumerate(fab); /* the topology so far, numbered as firmware will */
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn != self && !fn->comp.removed && fn->bus && fn->bus->number == a->bus &&
		    fn->devfn == (a->slot << 3 | a->function))
			return fn;
	}
	return NULL;
}

static void emu_set(struct vfio_fn *v, uint16_t off, unsigned len, uint8_t bits)
{
	for (unsigned i = 0; i < len && off + i < PCISIM_CFG_PCIE_SIZE; i++)
		v->emu[off + i] |= bits;
}

/* vfio_add_emulated_word()/_long(): QEMU's value for the @mask bits, emulated. */
static void emu_value(struct vfio_fn *v, uint16_t off, unsigned len, uint32_t val, uint32_t mask)
{
	struct pcisim_cfg *c = &v->fn.cfg;
	pcisim_cfg_set(c, off, (pcisim_cfg_get(c, off, len) & ~mask) | (val & mask), len);
	for (unsigned i = 0; i < len; i++)
		emu_set(v, (uint16_t)(off + i), 1, (uint8_t)(mask >> (8 * i)));
}

/* The size QEMU gives a standard capability: up to the next one above it, or 0x100. */
static uint16_t std_cap_size(const struct pcisim_cfg *c, uint16_t pos)
{
	uint16_t next = PCISIM_CFG_PCI_SIZE;
	for (uint16_t t = pcisim_cfg_get8(c, PCI_CAPABILITY_LIST), guard = 0; t && guard < 48;
	     t = pcisim_cfg_get8(c, (uint16_t)(t + 1)), guard++)
		if (t > pos && t < next)
			next = t;
	return (uint16_t)(next - pos);
}

/* vfio_setup_pcie_cap(): false when the capability is dropped from the guest's chain. */
static int pcie_cap_view(struct vfio_fn *v, uint16_t pos, uint16_t size, bool *keep, struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &v->fn.cfg;
	unsigned type = (pcisim_cfg_get16(c, (uint16_t)(pos + PCI_EXP_FLAGS)) & PCI_EXP_FLAGS_TYPE) >> 4;
	*keep = true;
	if (type != PCI_EXP_TYPE_ENDPOINT && type != PCI_EXP_TYPE_LEG_END && type != PCI_EXP_TYPE_RC_END)
		return pcisim_diag_error(d, v->fn.props.loc,
					 "vfio: Assignment of PCIe type 0x%x devices is not currently supported (host device %s is not an endpoint)",
					 type, v->host->comp.name);
	if (pcisim__on_root_bus(&v->fn)) {
		if (type == PCI_EXP_TYPE_LEG_END) { /* "Legacy endpoints don't belong on the root complex" */
			*keep = false;
			return 0;
		}
		if (type == PCI_EXP_TYPE_ENDPOINT) {
			emu_value(v, (uint16_t)(pos + PCI_EXP_FLAGS), 2, PCI_EXP_TYPE_RC_END << 4, PCI_EXP_FLAGS_TYPE);
			if (size > PCI_EXP_LNKCTL) { /* "Link Capabilities, Status, and Control goes away" */
				emu_value(v, (uint16_t)(pos + PCI_EXP_LNKCAP), 4, 0, ~0u);
				emu_value(v, (uint16_t)(pos + PCI_EXP_LNKCTL), 2, 0, 0xffff);
				emu_value(v, (uint16_t)(pos + PCI_EXP_LNKSTA), 2, 0, 0xffff);
				if (size > PCI_EXP_LNKCAP2) {
					emu_value(v, (uint16_t)(pos + PCI_EXP_LNKCAP2), 4, 0, ~0u);
					emu_value(v, (uint16_t)(pos + PCI_EXP_LNKCTL2), 2, 0, 0xffff);
					emu_value(v, (uint16_t)(pos + PCI_EXP_LNKSTA2), 2, 0, 0xffff);
				}
			}
		}
		return 0;
	}
	if (type == PCI_EXP_TYPE_RC_END) { /* "so make them up" */
		emu_value(v, (uint16_t)(pos + PCI_EXP_FLAGS), 2, PCI_EXP_TYPE_ENDPOINT << 4, PCI_EXP_FLAGS_TYPE);
		emu_value(v, (uint16_t)(pos + PCI_EXP_LNKCAP), 4, 0x10 | 0x1, ~0u); /* x1, 2.5 GT/s */
		emu_value(v, (uint16_t)(pos + PCI_EXP_LNKCTL), 2, 0, 0xffff);
	}
	/* "Mark the Link Status bits as emulated to allow virtual negotiation" */
	emu_value(v, (uint16_t)(pos + PCI_EXP_LNKSTA), 2, pcisim_cfg_get16(c, (uint16_t)(pos + PCI_EXP_LNKSTA)),
		  PCI_EXP_LNKCAP_MLW | PCI_EXP_LNKCAP_SLS);
	return 0;
}

/* vfio_add_std_cap(): the chain in the host's order, minus what QEMU drops. */
static int std_caps_view(struct vfio_fn *v, struct pcisim_diag *d)
{
	struct pcisim_cfg *c = &v->fn.cfg;
	uint16_t kept[48], n = 0;
	emu_set(v, PCI_CAPABILITY_LIST, 1, 0xff);
	emu_set(v, PCI_STATUS, 1, PCI_STATUS_CAP_LIST);
	if (!(pcisim_cfg_get16(c, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	for (uint16_t pos = pcisim_cfg_get8(c, PCI_CAPABILITY_LIST); pos && n < 48;
	     pos = pcisim_cfg_get8(c, (uint16_t)(pos + 1))) {
		uint8_t id = pcisim_cfg_get8(c, pos);
		uint16_t size = std_cap_size(c, pos);
		bool keep = true;
		int rc;
		emu_set(v, (uint16_t)(pos + 1), 1, 0xff); /* the next pointer */
		if (id == PCI_CAP_ID_MSI) {
			uint16_t flags = pcisim_cfg_get16(c, (uint16_t)(pos + PCI_MSI_FLAGS));
			emu_set(v, pos, 0xa + ((flags & PCI_MSI_FLAGS_MASKBIT) ? 0xa : 0) +
					      ((flags & PCI_MSI_FLAGS_64BIT) ? 4 : 0), 0xff);
		} else if (id == PCI_CAP_ID_MSIX) {
			emu_set(v, pos, MSIX_CAP_LENGTH, 0xff);
		} else if (id == PCI_CAP_ID_EXP && (rc = pcie_cap_view(v, pos, size, &keep, d))) {
			return rc;
		}
		if (keep)
			kept[n++] = pos;
	}
	pcisim_cfg_set(c, PCI_CAPABILITY_LIST, n ? kept[0] : 0, 1);
	for (uint16_t i = 0; i < n; i++)
		pcisim_cfg_set(c, (uint16_t)(kept[i] + 1), i + 1 < n ? kept[i + 1] : 0, 1);
	return 0;
}

/* vfio_add_ext_cap(): SR-IOV and ARI hidden, the next pointers emulated. */
static void ext_caps_view(struct vfio_fn *v)
{
	struct pcisim_cfg *c = &v->fn.cfg;
	if (c->size < PCISIM_CFG_PCIE_SIZE || !pcisim_cfg_get32(c, PCISIM_CFG_PCI_SIZE))
		return;
	uint16_t kept[64], n = 0;
	for (uint16_t pos = PCISIM_CFG_PCI_SIZE; pos && n < 64;
	     pos = PCI_EXT_CAP_NEXT(pcisim_cfg_get32(c, pos))) { /* DW aligned, as QEMU and Linux read it */
		uint16_t id = pcisim_cfg_get16(c, pos);
		emu_set(v, (uint16_t)(pos + 2), 2, 0xf0);
		v->emu[pos + 3] = 0xff;
		if (id != PCI_EXT_CAP_ID_SRIOV && id != PCI_EXT_CAP_ID_ARI)
			kept[n++] = pos;
		if (pos < PCISIM_CFG_PCI_SIZE || PCI_EXT_CAP_NEXT(pcisim_cfg_get32(c, pos)) <= pos)
			break; /* a corrupt chain ends the walk */
	}
	emu_set(v, PCISIM_CFG_PCI_SIZE, 4, 0xff); /* "We'll mark this entire first dword as emulated" */
	for (uint16_t i = 0; i < n; i++) {
		uint32_t h = pcisim_cfg_get32(c, kept[i]);
		pcisim_cfg_set(c, kept[i], (h & 0xfffff) | (uint32_t)(i + 1 < n ? kept[i + 1] : 0) << 20, 4);
	}
	/* the head dropped: an empty header (ID 0) at 0x100 points at the first kept one */
	if (!n || kept[0] != PCISIM_CFG_PCI_SIZE)
		pcisim_cfg_set(c, PCISIM_CFG_PCI_SIZE, n ? (uint32_t)kept[0] << 20 : 0, 4);
}

static uint64_t fwd_read(void *ctx, uint64_t off, unsigned len)
{
	const struct vfio_bar_fwd *f = ctx;
	struct pcisim_mmio_target t = pcisim_mmio_bar_target(f->v->host, f->bar, off);
	return pcisim_mmio_read(&t, len);
}

static void fwd_write(void *ctx, uint64_t off, uint64_t val, unsigned len)
{
	const struct vfio_bar_fwd *f = ctx;
	struct pcisim_mmio_target t = pcisim_mmio_bar_target(f->v->host, f->bar, off);
	pcisim_mmio_write(&t, val, len);
}

static const struct pcisim_mmio_ops fwd_ops = {"vfio-bar", fwd_read, fwd_write};

/* The guest's view of @host, built into @v (see the top of the file). */
static int view_build(struct vfio_fn *v, struct pcisim_pcifn *host, struct pcisim_diag *d)
{
	struct pcisim_pcifn *fn = &v->fn;
	struct pcisim_cfg *c = &fn->cfg;
	const struct pcisim_props *pr = &fn->props;
	v->host = host;
	memset(v->emu, 0, sizeof(v->emu));
	/* "Get a copy of config space", with the host's masks for the bytes QEMU keeps */
	uint16_t n = c->size < host->cfg.size ? c->size : host->cfg.size;
	memcpy(c->bytes, host->cfg.bytes, n);
	static const enum pcisim_cfg_mask kinds[] = {PCISIM_WMASK, PCISIM_W1CMASK, PCISIM_STICKY};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (uint16_t i = 0; i < n; i += 4)
			pcisim_cfg_mask_set(c, kinds[k], i, 4, pcisim_cfg_mask_get(&host->cfg, kinds[k], i, 4));
	/* "QEMU can choose to expose the ROM or not": not */
	emu_value(v, PCI_ROM_ADDRESS, 4, 0, ~0u);
	pcisim_cfg_mask_set(c, PCISIM_WMASK, PCI_ROM_ADDRESS, 4, 0);
	static const char *const ids[] = {"x-pci-vendor-id", "x-pci-device-id", "x-pci-sub-vendor-id",
					  "x-pci-sub-device-id"};
	static const uint16_t id_offs[] = {PCI_VENDOR_ID, PCI_DEVICE_ID, PCI_SUBSYSTEM_VENDOR_ID, PCI_SUBSYSTEM_ID};
	for (unsigned i = 0; i < 4; i++)
		if (pcisim_props_find(pr, ids[i]))
			emu_value(v, id_offs[i], 2, (uint32_t)pcisim_props_u64(pr, ids[i], 0), 0xffff);
	emu_value(v, PCI_HEADER_TYPE, 1, pcisim_props_bool(pr, "multifunction", false) ? 0x80 : 0, 0x80);
	/* the BARs: the guest's, with the host's types and sizes */
	for (unsigned b = 0; b < 6; b++) {
		uint16_t off = (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * b);
		uint32_t bar = pcisim_cfg_get32(c, off);
		uint32_t type = bar & (bar & PCI_BASE_ADDRESS_SPACE_IO ? 0x3u : 0xfu);
		if (!pcisim_cfg_mask_get(c, PCISIM_WMASK, off, 4))
			type = 0; /* the upper half of a 64-bit BAR, or none */
		emu_value(v, off, 4, type, ~0u);
	}
	emu_set(v, PCI_COMMAND + 1, 1, PCI_COMMAND_INTX_DISABLE >> 8);
	pcisim_cfg_clrbits(c, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
	emu_value(v, PCI_INTERRUPT_LINE, 1, 0, 0xff);
	emu_set(v, PCI_INTERRUPT_PIN, 1, 0xff);
	int rc = std_caps_view(v, d);
	if (rc)
		return rc;
	ext_caps_view(v);
	for (unsigned b = 0; b < 6; b++)
		if (pcisim_mmio_bar_size(host, b)) {
			v->fwd[b] = (struct vfio_bar_fwd){v, b};
			pcisim_mmio_register(fn, b, &fwd_ops, &v->fwd[b]);
		}
	return 0;
}

bool pcisim_vfio_is_vfio(const struct pcisim_pcifn *fn)
{
	return fn && fn->drv && !strcmp(fn->drv->name, "vfio-pci");
}

struct pcisim_pcifn *pcisim_vfio_host_fn(const struct pcisim_pcifn *fn)
{
	return pcisim_vfio_is_vfio(fn) ? to_vfio(fn)->host : NULL;
}

uint8_t pcisim_vfio_emulated(const struct pcisim_pcifn *fn, uint16_t off)
{
	return pcisim_vfio_host_fn(fn) && off < PCISIM_CFG_PCIE_SIZE ? to_vfio(fn)->emu[off] : 0;
}

/* The host function now, as the host kernel's config access to it completes. */
static uint32_t host_read(const struct vfio_fn *v, uint16_t off, unsigned len)
{
	const struct pcisim_pcifn *h = v->host;
	struct pcisim_cfg_cpl cpl =
		pcisim_cfg_access_now(h->comp.sim, h->bus ? h->bus->number : 0, h->devfn, off, len, false, 0);
	return cpl.status == PCISIM_CPL_SC ? cpl.val : len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
}

/* vfio_pci_read_config(): (emu_val & emu_bits) | (phys_val & ~emu_bits) */
static uint32_t vfio_cfg_read(struct pcisim_pcifn *fn, uint16_t off, unsigned len)
{
	struct vfio_fn *v = to_vfio(fn);
	uint32_t own = pcisim_cfg_read(&fn->cfg, off, len);
	if (!v->host || off + len > fn->cfg.size)
		return own;
	uint32_t emu = 0;
	for (unsigned i = 0; i < len; i++)
		emu |= (uint32_t)v->emu[off + i] << (8 * i);
	uint32_t all = len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
	if (emu == all)
		return own;
	return (own & emu) | (host_read(v, off, len) & ~emu & all);
}

/*
 * vfio_pci_write_config(): "Write everything to VFIO, let it filter out what we can't
 * write" (the host kernel keeps the virtualised bits to itself), and everything to
 * QEMU's copy "to keep emulated bits correct".
 */
static void vfio_cfg_write(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len)
{
	struct vfio_fn *v = to_vfio(fn);
	pcisim_cfg_write(&fn->cfg, off, val, len);
	if (!v->host || off + len > fn->cfg.size)
		return;
	/*
	 * An Initiate FLR is the host kernel's to do (vfio_exp_config_write()); QEMU's copy
	 * does not act on it, so the view itself is not reset.
	 */
	uint16_t exp = pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_EXP);
	if (exp)
		pcisim_cfg_clrbits(&fn->cfg, (uint16_t)(exp + PCI_EXP_DEVCTL), 2, PCI_EXP_DEVCTL_BCR_FLR);
	const struct pcisim_pcifn *h = v->host;
	uint8_t hbus = h->bus ? h->bus->number : 0;
	bool any_emu = false;
	for (unsigned i = 0; i < len; i++)
		any_emu = any_emu || v->emu[off + i];
	if (!any_emu) {
		pcisim_cfg_access_now(h->comp.sim, hbus, h->devfn, off, len, true, val);
		return;
	}
	for (unsigned i = 0; i < len; i++) {
		uint8_t e = v->emu[off + i];
		if (e == 0xff)
			continue;
		uint8_t b = (uint8_t)(val >> (8 * i));
		uint8_t cur = (uint8_t)host_read(v, (uint16_t)(off + i), 1);
		pcisim_cfg_access_now(h->comp.sim, hbus, h->devfn, (uint16_t)(off + i), 1, true,
				      (uint8_t)((b & ~e) | (cur & e)));
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
	struct host_addr a;
	if (host && !host_addr_parse(host->value, &a))
		return pcisim_diag_error(d, host->loc,
					 "Property 'vfio-pci.host' doesn't take value '%s'; expected [domain:]bus:slot.function in hex, e.g. 0000:01:00.0",
					 host->value);
	struct pcisim_pcifn *hfn = NULL;
	/* QEMU names the device by sysfsdev= when both are given */
	if (sysfs ? sysfs_addr_parse(sysfs->value, &a) : true)
		hfn = host_fn_at(fn, &a);
	if (hfn) {
		const struct pcisim_prop *where = sysfs ? sysfs : host;
		if (pcisim_vfio_is_vfio(hfn))
			return pcisim_diag_error(d, where->loc, "vfio-pci: host device %s is itself a vfio-pci device",
						 where->value);
		for (uint32_t i = 0; i < fn->fabric->nfns; i++) {
			struct pcisim_pcifn *o = fn->fabric->fns[i];
			if (o != fn && !o->comp.removed && pcisim_vfio_host_fn(o) == hfn)
				return pcisim_diag_error(d, where->loc, "vfio-pci: %s: device is already attached (to %s)",
							 where->value, o->comp.name);
		}
		if (hfn->drv->bridge || hfn->drv->kind != PCISIM_FN_ENDPOINT) {
			int t = pcisim_cap_exp_type(&hfn->cfg);
			if (t < 0)
				return pcisim_diag_error(d, where->loc,
							 "vfio-pci: host device %s is %s, a bridge: only endpoints can be assigned",
							 where->value, hfn->comp.name);
			return pcisim_diag_error(d, where->loc,
						 "vfio: Assignment of PCIe type 0x%x devices is not currently supported (host device %s is %s, not an endpoint)",
						 (unsigned)t, where->value, hfn->comp.name);
		}
		return view_build(to_vfio(fn), hfn, d);
	}
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
		.size = sizeof(struct vfio_fn),
		.realize = vfio_realize,
		.cfg_read = vfio_cfg_read,
		.cfg_write = vfio_cfg_write,
		.vmsd_path = "pdev",
		.unmigratable = true, /* "VFIO device doesn't support migration" without migration support */
	},
	{0},
};
