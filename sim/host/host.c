/*
 * The host: its component, Linux's view of the devices (what it enumerated and bound,
 * and each function's channel state), boot (enumeration, pcieport, the registered port
 * services, portdrv.h) and the ports' interrupts. The host: section is read by
 * host_section.c, the guest actions are actions.c's, config accesses go through
 * cfg.h, and register.c registers the layer.
 */
#include "sim/host/host.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/host/acpiphp.h"
#include "sim/host/cfg.h"
#include "sim/host/cxl_host.h"
#include "sim/pcie/regs/msi.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/core/heap.h"
#include "sim/pcie/vfio.h"

static const struct pcisim_ext_key host_key = {"host"};

struct pcisim_host *pcisim_host_of(struct pcisim_sim *sim)
{
	return pcisim_ext_get(sim, &host_key);
}

static struct pcisim_pcifn *fn_at(struct pcisim_pcibus *bus, uint8_t devfn)
{
	for (uint16_t i = 0; bus && i < bus->nfns; i++)
		if (bus->fns[i]->devfn == devfn)
			return bus->fns[i];
	return NULL;
}

/* ---- the port services (portdrv.h: their life and the order rules) ---- */

void *pcisim_port_service_data(const struct pcisim_host *h, const struct pcisim_port_service *svc)
{
	if (!h || !h->svc)
		return NULL;
	for (size_t i = 0; i < h->nsvc; i++)
		if (pcisim_port_service_at(i) == svc)
			return h->svc[i];
	return NULL;
}

/* Build every registered service, in registration order (h->svc). */
static int services_build(struct pcisim_host *h, struct pcisim_diag *d)
{
	if (!h->svc) {
		h->nsvc = pcisim_port_services_count();
		if (!(h->svc = pcisim_calloc(h->nsvc ? h->nsvc : 1, sizeof(*h->svc))))
			abort();
	}
	for (size_t i = 0; i < h->nsvc; i++) {
		int rc = pcisim_port_service_at(i)->build(h, &h->svc[i], d);
		if (rc)
			return rc;
	}
	return 0;
}

/* Probe @port with the loaded services of @round, in registration order. */
static void services_probe(struct pcisim_host *h, struct pcisim_port *port, enum pcisim_portsvc_round round)
{
	for (size_t i = 0; i < h->nsvc; i++) {
		const struct pcisim_port_service *s = pcisim_port_service_at(i);
		if (h->svc[i] && s->round == round && s->probe)
			s->probe(h, h->svc[i], port);
	}
}

/* Every loaded service's init_fn over @fn. */
static void services_init_fn(struct pcisim_host *h, struct pcisim_pcifn *fn)
{
	for (size_t i = 0; i < h->nsvc; i++) {
		const struct pcisim_port_service *s = pcisim_port_service_at(i);
		if (h->svc[i] && s->init_fn)
			s->init_fn(h, h->svc[i], fn);
	}
}

/* @port's interrupt to the loaded services, in the order they bind (portdrv.h). */
static void services_irq(struct pcisim_host *h, struct pcisim_port *port)
{
	/* The order they requested the shared vector in: boot's first round, then its second. */
	static const enum pcisim_portsvc_round rounds[] = {PCISIM_PORTSVC_WITH_PCIEPORT,
							   PCISIM_PORTSVC_AFTER_INIT};
	for (size_t r = 0; r < sizeof(rounds) / sizeof(rounds[0]); r++)
		for (size_t i = 0; i < h->nsvc; i++) {
			const struct pcisim_port_service *s = pcisim_port_service_at(i);
			if (h->svc[i] && s->round == rounds[r] && s->irq)
				s->irq(h, h->svc[i], port);
		}
}

/* Linux forgets @port: every loaded service's remove. */
static void services_remove(struct pcisim_host *h, struct pcisim_port *port)
{
	for (size_t i = 0; i < h->nsvc; i++) {
		const struct pcisim_port_service *s = pcisim_port_service_at(i);
		if (h->svc[i] && s->remove)
			s->remove(h, h->svc[i], port);
	}
}

/* Free every loaded service's state, the last registered first (h->svc included). */
static void services_free(struct pcisim_host *h)
{
	for (size_t i = h->nsvc; h->svc && i-- > 0;) {
		const struct pcisim_port_service *s = pcisim_port_service_at(i);
		if (h->svc[i] && s->free)
			s->free(h, h->svc[i]);
	}
	pcisim_free(h->svc);
	h->svc = NULL;
}

/* ---- Linux's view of the devices ---- */

/* A per-component-id array of @size-byte entries, grown (zeroed) to hold @id. */
static void *grow_by_id(void *v, size_t *n, size_t size, uint32_t id)
{
	if (id < *n)
		return v;
	size_t nn = *n ? *n : 64;
	while (nn <= id)
		nn *= 2;
	char *nv = pcisim_realloc(v, nn * size);
	if (!nv)
		abort();
	memset(nv + *n * size, 0, (nn - *n) * size);
	*n = nn;
	return nv;
}

static bool *visible_slot(struct pcisim_host *h, const struct pcisim_pcifn *fn)
{
	h->visible = grow_by_id(h->visible, &h->nvisible, sizeof(*h->visible), fn->comp.id);
	return &h->visible[fn->comp.id];
}

/* The port service driver's name for a port's driver, NULL for other functions. */
static const char *port_driver(const struct pcisim_driver *drv)
{
	switch (drv->kind) {
	case PCISIM_FN_ROOT_PORT:
	case PCISIM_FN_UPSTREAM_PORT:
	case PCISIM_FN_DOWNSTREAM_PORT:
		return "pcieport";
	default:
		return NULL;
	}
}

/* The Linux driver that binds to a QEMU device model (for the timeline). */
static const char *linux_driver(const struct pcisim_pcifn *fn)
{
	static const struct {
		const char *model, *driver;
	} map[] = {
		{"nec-usb-xhci", "xhci_hcd"}, {"qemu-xhci", "xhci_hcd"},  {"e1000e", "e1000e"},
		{"e1000", "e1000"},           {"virtio-rng-pci", "virtio-pci"},
		{"cxl-type3", "cxl_pci"},     {"cxl-type1", "cxl_pci"},
	};
	/*
	 * Asked for every function at every scan: the answers for the first drivers asked
	 * are kept, found by the driver's address (drivers are static tables; the
	 * addresses are compared, never ordered), so the names are compared once each.
	 */
	static struct {
		const struct pcisim_driver *drv;
		const char *answer;
	} known[32];
	static unsigned nknown;
	for (unsigned i = 0; i < nknown; i++)
		if (known[i].drv == fn->drv)
			return known[i].answer;
	const char *answer = NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]) && !answer; i++)
		if (!strcmp(map[i].model, fn->drv->name))
			answer = map[i].driver;
	if (!answer)
		answer = port_driver(fn->drv);
	if (nknown < sizeof(known) / sizeof(known[0])) {
		known[nknown].drv = fn->drv;
		known[nknown++].answer = answer;
	}
	return answer;
}

static void add_fn(struct pcisim_host *h, struct pcisim_pcifn *fn, const char *why)
{
	if (pcisim_vfio_host_fn(fn))
		return; /* a vfio-pci view of a host function is QEMU's, seen by the guest only */
	bool *v = visible_slot(h, fn);
	if (*v)
		return;
	*v = true;
	char bdf[32];
	pcisim_fn_bdf_str(fn, bdf, sizeof(bdf));
	/* pci_scan_device() and pci_setup_device(): the function's identity */
	uint32_t ids = pcisim_host_cfg_read_instant(fn, PCI_VENDOR_ID, 4, PCISIM_INSTANT_ENUMERATION);
	uint8_t hdr = (uint8_t)pcisim_host_cfg_read_instant(fn, PCI_HEADER_TYPE, 1, PCISIM_INSTANT_ENUMERATION);
	uint32_t class = pcisim_host_cfg_read_instant(fn, PCI_REVISION_ID, 4, PCISIM_INSTANT_ENUMERATION) >> 8;
	pcisim_log(fn->comp.sim, &fn->comp, "linux", "pci %s: [%04x:%04x] type %02x class %#08x",
		   bdf, ids & 0xffff, ids >> 16, hdr & 0x7f, class);
	const char *drv = linux_driver(fn);
	if (drv) {
		/* The driver's probe: pci_enable_device() and pci_set_master(). */
		uint16_t cmd = (uint16_t)pcisim_host_cfg_read_instant(fn, PCI_COMMAND, 2, PCISIM_INSTANT_ENUMERATION);
		pcisim_host_cfg_write_instant(fn, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2,
					      PCISIM_INSTANT_ENUMERATION);
	}
	PCISIM_RECORD(fn->comp.sim, &fn->comp, "linux.device",
		      PCISIM_FS("event", "added"), PCISIM_FS("bdf", bdf),
		      PCISIM_FS("driver", drv ? drv : "-"), PCISIM_FS("why", why));
	/* cxl_pci after a hot-add (at boot the CXL drivers probe after the scan) */
	if (h->cfg.cxl && h->booted)
		pcisim_cxl_host_fn_added(h, fn);
}

void pcisim_host_scan_bus(struct pcisim_host *h, struct pcisim_pcibus *bus, const char *why)
{
	if (!bus)
		return;
	/* Below a PCIe downstream port only device 0 exists (only_one_child). */
	bool one_child = bus->bridge && bus->bridge->drv->kind != PCISIM_FN_UPSTREAM_PORT &&
			 bus->bridge->drv->pcie;
	for (unsigned slot = 0; slot < 32; slot++) {
		if (one_child && slot > 0)
			break;
		struct pcisim_pcifn *f0 = fn_at(bus, (uint8_t)(slot << 3));
		if (!f0 || !f0->powered)
			continue;
		add_fn(h, f0, why);
		bool multi = pcisim_host_cfg_read_instant(f0, PCI_HEADER_TYPE, 1, PCISIM_INSTANT_ENUMERATION) & 0x80;
		for (unsigned f = 1; multi && f < 8; f++) {
			struct pcisim_pcifn *fn = fn_at(bus, (uint8_t)(slot << 3 | f));
			if (fn && fn->powered)
				add_fn(h, fn, why);
		}
	}
	for (uint16_t i = 0; i < bus->nfns; i++)
		if (*visible_slot(h, bus->fns[i]) && bus->fns[i]->secondary)
			pcisim_host_scan_bus(h, bus->fns[i]->secondary, why);
}

/* Linux forgets @fn: its driver (and, for a port, pcieport's services) unbinds. */
static void forget_fn(struct pcisim_host *h, struct pcisim_pcifn *fn, const char *why)
{
	/* cxl_pci's remove: the memdev's regions torn down first (cxl_host.h) */
	if (h->cfg.cxl)
		pcisim_cxl_host_fn_removed(h, fn, !strcmp(why, "surprise removal"));
	*visible_slot(h, fn) = false;
	if (pcisim_is_port(fn))
		services_remove(h, pcisim_to_port(fn));
	char bdf[32];
	pcisim_fn_bdf_str(fn, bdf, sizeof(bdf));
	const char *drv = linux_driver(fn);
	PCISIM_RECORD(fn->comp.sim, &fn->comp, "linux.device", PCISIM_FS("event", "removed"),
		      PCISIM_FS("bdf", bdf), PCISIM_FS("driver", drv ? drv : "-"), PCISIM_FS("why", why));
}

void pcisim_host_remove_bus(struct pcisim_host *h, struct pcisim_pcibus *bus, bool surprise)
{
	if (!bus)
		return;
	for (uint16_t i = bus->nfns; i-- > 0;) {
		struct pcisim_pcifn *fn = bus->fns[i];
		if (!*visible_slot(h, fn))
			continue;
		if (fn->secondary)
			pcisim_host_remove_bus(h, fn->secondary, surprise);
		forget_fn(h, fn, surprise ? "surprise removal" : "safe removal");
	}
}

void pcisim_host_add_fn(struct pcisim_host *h, struct pcisim_pcifn *fn, const char *why)
{
	add_fn(h, fn, why);
	if (fn->secondary)
		pcisim_host_scan_bus(h, fn->secondary, why);
}

void pcisim_host_remove_fn(struct pcisim_host *h, struct pcisim_pcifn *fn, const char *why)
{
	if (fn->secondary)
		pcisim_host_remove_bus(h, fn->secondary, false);
	forget_fn(h, fn, why);
}

bool pcisim_host_visible(struct pcisim_host *h, const struct pcisim_pcifn *fn)
{
	return h && *visible_slot(h, fn);
}

const char *pcisim_host_linux_driver(const struct pcisim_pcifn *fn)
{
	return linux_driver(fn);
}

bool pcisim_host_bus_empty(struct pcisim_host *h, struct pcisim_pcibus *bus)
{
	for (uint16_t i = 0; bus && i < bus->nfns; i++)
		if (*visible_slot(h, bus->fns[i]))
			return false;
	return true;
}

/* ---- the channel state (pci_dev->error_state) ---- */

const char *pcisim_io_state_name(enum pcisim_io_state s)
{
	return s == PCISIM_IO_FROZEN ? "frozen" : s == PCISIM_IO_PERM_FAILURE ? "perm_failure" : "normal";
}

enum pcisim_io_state pcisim_host_io_state(struct pcisim_host *h, const struct pcisim_pcifn *fn)
{
	if (!h || fn->comp.id >= h->nio_state || !h->io_state[fn->comp.id])
		return PCISIM_IO_NORMAL;
	return (enum pcisim_io_state)h->io_state[fn->comp.id];
}

bool pcisim_host_set_io_state(struct pcisim_host *h, struct pcisim_pcifn *fn, enum pcisim_io_state s)
{
	h->io_state = grow_by_id(h->io_state, &h->nio_state, sizeof(*h->io_state), fn->comp.id);
	uint8_t *v = &h->io_state[fn->comp.id];
	enum pcisim_io_state old = *v ? (enum pcisim_io_state)*v : PCISIM_IO_NORMAL;
	if (old == PCISIM_IO_PERM_FAILURE)
		return s == PCISIM_IO_PERM_FAILURE;
	if (old != s)
		PCISIM_RECORD(fn->comp.sim, &fn->comp, "aer.io_state", PCISIM_FS("from", pcisim_io_state_name(old)),
			      PCISIM_FS("to", pcisim_io_state_name(s)));
	*v = (uint8_t)s;
	return true;
}

/* ---- interrupts ---- */

static void isr_event(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_host *h = pcisim_host_of(sim);
	struct pcisim_pcifn *port = (struct pcisim_pcifn *)ev->target;
	if (port->comp.removed)
		return;
	/* The port services share the port's vector: each looks at its own status. */
	services_irq(h, pcisim_to_port(port));
}
PCISIM_EVKIND(isr_kind, "host.isr", isr_event);

static void port_irq(struct pcisim_irq *irq, void *ctx, int level, bool edge)
{
	struct pcisim_port *p = ctx;
	if (!edge && !level)
		return;
	/* The CPU takes the interrupt after the access that raised it has completed. */
	pcisim_schedule(p->fn.comp.sim, 0, PCISIM_CLASS_IRQ, &isr_kind, &p->fn.comp, 0, 0);
}

/* ---- boot ---- */

static bool bound_port(struct pcisim_host *h, struct pcisim_pcifn *fn)
{
	return !fn->comp.removed && pcisim_is_port(fn) && *visible_slot(h, fn);
}

/* pcieport's probe: the port's vector enabled and connected (and CRS SV on a root port). */
static void pcieport_probe(struct pcisim_host *h, struct pcisim_port *p)
{
	struct pcisim_pcifn *fn = &p->fn;
	/* pci_enable_rrs_sv(): CRS Software Visibility where a root port offers it
	 * (QEMU's do not: RTCAP CRSVIS is 0). */
	if (fn->drv->kind == PCISIM_FN_ROOT_PORT && p->exp &&
	    (pcisim_host_cfg_read_instant(fn, (uint16_t)(p->exp + PCI_EXP_RTCAP), 2, PCISIM_INSTANT_BOOT) &
	     PCI_EXP_RTCAP_CRSVIS)) {
		uint16_t rt = (uint16_t)pcisim_host_cfg_read_instant(fn, (uint16_t)(p->exp + PCI_EXP_RTCTL), 2,
								     PCISIM_INSTANT_BOOT);
		pcisim_host_cfg_write_instant(fn, (uint16_t)(p->exp + PCI_EXP_RTCTL), rt | PCI_EXP_RTCTL_CRSSVE,
					      2, PCISIM_INSTANT_BOOT);
	}
	if (p->msix) {
		uint16_t off = (uint16_t)(p->msix + PCI_MSIX_FLAGS);
		uint16_t v = (uint16_t)pcisim_host_cfg_read_instant(fn, off, 2, PCISIM_INSTANT_BOOT);
		pcisim_host_cfg_write_instant(fn, off, v | PCI_MSIX_FLAGS_ENABLE, 2, PCISIM_INSTANT_BOOT);
	} else if (p->msi) {
		uint16_t off = (uint16_t)(p->msi + PCI_MSI_FLAGS);
		uint16_t v = (uint16_t)pcisim_host_cfg_read_instant(fn, off, 2, PCISIM_INSTANT_BOOT);
		pcisim_host_cfg_write_instant(fn, off, v | PCI_MSI_FLAGS_ENABLE, 2, PCISIM_INSTANT_BOOT);
	}
	pcisim_irq_connect(&p->irq_msg, port_irq, p);
	pcisim_irq_connect(&p->irq_intx, port_irq, p);
}

static void boot(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_host *h = pcisim_host_of(sim);
	struct pcisim_fabric *fab = h->fab;
	h->booted = true;
	pcisim_log(sim, &h->comp, "linux", "Linux booted: pciehp %s, ACPI PCI hotplug on bridges %s",
		   h->cfg.pciehp ? "on" : "off", h->cfg.acpi_pcihp ? "on" : "off");
	/* Enumerate from every root bus. */
	for (uint32_t i = 0; i < fab->nbuses; i++)
		if (fab->buses[i]->is_root)
			pcisim_host_scan_bus(h, fab->buses[i], "boot");
	/* pcieport binds every port Linux found; the first round of services with it. */
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (!bound_port(h, fn))
			continue;
		pcieport_probe(h, pcisim_to_port(fn));
		services_probe(h, pcisim_to_port(fn), PCISIM_PORTSVC_WITH_PCIEPORT);
	}
	/* The services' part of every function's setup, then their second round. */
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (!fn->comp.removed && fn->cfg.bytes &&
		    *visible_slot(h, fn))
			services_init_fn(h, fn);
	}
	for (uint32_t i = 0; i < fab->nfns; i++)
		if (bound_port(h, fab->fns[i]))
			services_probe(h, pcisim_to_port(fab->fns[i]), PCISIM_PORTSVC_AFTER_INIT);
	/* ACPI: the GPEs set up, acpiphp on the slots the firmware describes. */
	pcisim_acpiphp_boot(h);
	/* cxl_acpi, then cxl_pci and cxl_mem over the memdevs found above */
	if (h->cfg.cxl)
		pcisim_cxl_host_boot(h);
}
PCISIM_EVKIND(boot_kind, "host.boot", boot);

/* ---- the component ---- */

static void host_destroy(struct pcisim_comp *c)
{
	struct pcisim_host *h = (struct pcisim_host *)c;
	services_free(h);
	pcisim_free(h->cfg.drivers);
	pcisim_free(h->visible);
	pcisim_free(h->io_state);
	pcisim_free(h);
}

static int host_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	struct pcisim_host *h = (struct pcisim_host *)c;
	if (!strcmp(key, "booted")) {
		v->u = h->booted;
		return 0;
	}
	return -PCISIM_ENOENT;
}

static const char *const host_keys[] = {"booted", NULL};
static const struct pcisim_comp_ops host_ops = {
	.type = "linux",
	.query = host_query,
	.query_keys = host_keys,
	.destroy = host_destroy,
};

struct pcisim_host *pcisim_host_create(struct pcisim_sim *sim, struct pcisim_host_config *cfg,
				       struct pcisim_loc loc, struct pcisim_diag *d)
{
	struct pcisim_host *h = pcisim_calloc(1, sizeof(*h));
	if (!h)
		abort();
	h->fab = pcisim_fabric_get(sim);
	h->cfg = *cfg;
	if (pcisim_comp_add(sim, &h->comp, NULL, "linux", &host_ops)) {
		pcisim_diag_error(d, loc, "the name 'linux' is taken by a device id");
		pcisim_free(h);
		return NULL;
	}
	cfg->drivers = NULL; /* the host's now */
	cfg->ndrivers = 0;
	pcisim_ext_set(sim, &host_key, h, NULL);
	return h;
}

int pcisim_host_start(struct pcisim_host *h, struct pcisim_diag *d)
{
	int rc = services_build(h, d);
	if (rc)
		return rc;
	pcisim_schedule(h->comp.sim, h->cfg.boot, PCISIM_CLASS_HOST, &boot_kind, &h->comp, 0, 0);
	return 0;
}

const struct pcisim_record_kind pcisim_host_kinds[] = {
	{"linux.device", "Linux added or removed a PCI device (fields: event, bdf, driver, why)"},
	{"aer.io_state", "Linux's channel state of a function changed (fields: from, to)"},
	{0},
};
