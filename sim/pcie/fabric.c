/*
 * The fabric: driver registry, device creation and placement on buses, the machine
 * and topology sections of a scenario, and enumeration (bus numbers, BDFs).
 */
#include "sim/pcie/fabric.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/pcie/aer.h"
#include "sim/pcie/link.h"
#include "sim/pcie/qemu_args.h"
#include "sim/pcie/regdesc.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/reset.h"

/* ---- driver registry ---- */

static const struct pcisim_driver *driver_tables[16];
static size_t ndriver_tables;

void pcisim_drivers_add(const struct pcisim_driver *table)
{
	for (size_t i = 0; i < ndriver_tables; i++)
		if (driver_tables[i] == table)
			return;
	if (ndriver_tables < 16)
		driver_tables[ndriver_tables++] = table;
}

const struct pcisim_driver *pcisim_driver_find(const char *name)
{
	for (size_t i = 0; i < ndriver_tables; i++)
		for (const struct pcisim_driver *d = driver_tables[i]; d->name; d++)
			if (!strcmp(d->name, name))
				return d;
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **pcisim_driver_names(void)
{
	size_t n = 0;
	for (size_t i = 0; i < ndriver_tables; i++)
		for (const struct pcisim_driver *d = driver_tables[i]; d->name; d++)
			n++;
	const char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	n = 0;
	for (size_t i = 0; i < ndriver_tables; i++)
		for (const struct pcisim_driver *d = driver_tables[i]; d->name; d++)
			if (d->kind != PCISIM_FN_HOST_BRIDGE || strcmp(d->name, "q35-host"))
				v[n++] = d->name;
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

/* Properties every device accepts (QEMU's PCIDevice and DeviceState properties). */
static const struct pcisim_prop_def common_props[] = {
	{"id", PCISIM_PROP_STR, "the device's name (QEMU id)", 0, 0, NULL, true},
	{"bus", PCISIM_PROP_STR, "the bus: pcie.0, a port's id, a pxb's id", 0, 0, NULL, true},
	{"addr", PCISIM_PROP_ADDR, "slot[.function] on the bus", 0, 0, NULL, true},
	{"multifunction", PCISIM_PROP_BOOL, "function 0 of a multi-function device", 0, 0, NULL, true},
	{"romfile", PCISIM_PROP_STR, "option ROM file", 0, 0, NULL, false},
	{"rombar", PCISIM_PROP_INT, "option ROM BAR", 0, 1, NULL, false},
	{"failover_pair_id", PCISIM_PROP_STR, "failover pair", 0, 0, NULL, false},
	{"x-pcie-lnksta-dllla", PCISIM_PROP_BOOL, "report DLLLA on hot-plug", 0, 0, NULL, true},
	{"x-pcie-extcap-init", PCISIM_PROP_BOOL, "extended capabilities", 0, 0, NULL, false},
	/* link.c: pcisim's own, not QEMU's */
	{"link_training", PCISIM_PROP_STR,
	 "ports: Detect-to-L0 time of the link below (a duration, or qemu = instant; default: the machine's)",
	 0, 0, NULL, true},
	{0},
};

/* ---- the fabric object ---- */

static const struct pcisim_ext_key fabric_key = {"pcie-fabric"};

static void fabric_destroy(void *p)
{
	struct pcisim_fabric *fab = p;
	for (uint32_t i = 0; i < fab->nbuses; i++) {
		free(fab->buses[i]->name);
		free(fab->buses[i]->fns);
		free(fab->buses[i]);
	}
	free(fab->buses);
	free(fab->fns);
	for (size_t i = 0; i < fab->nkept; i++)
		free(fab->kept[i]);
	pcisim_arena_free(&fab->arena);
	for (size_t i = 0; i < fab->nmasks; i++)
		pcisim_cfg_masks_unref(fab->masks[i]);
	free(fab->masks);
	free(fab->masks_hash);
	free(fab->kept);
	free(fab);
}

struct pcisim_fabric *pcisim_fabric_get(struct pcisim_sim *sim)
{
	struct pcisim_fabric *fab = pcisim_ext_get(sim, &fabric_key);
	if (fab)
		return fab;
	fab = calloc(1, sizeof(*fab));
	if (!fab)
		abort();
	fab->sim = sim;
	fab->machine.type = "q35";
	fab->machine.qemu = PCISIM_QEMU(9, 2);
	fab->machine.acpi_pcihp_bridges = true;
	pcisim_ext_set(sim, &fabric_key, fab, fabric_destroy);
	return fab;
}

static struct pcisim_pcibus *bus_new(struct pcisim_fabric *fab, const char *name,
				     struct pcisim_pcifn *bridge, struct pcisim_pcifn *host,
				     bool is_root)
{
	struct pcisim_pcibus *b = calloc(1, sizeof(*b));
	if (!b)
		abort();
	b->name = strdup(name);
	b->bridge = bridge;
	b->host = host;
	b->is_root = is_root;
	if (fab->nbuses == fab->capbuses) {
		fab->capbuses = fab->capbuses ? fab->capbuses * 2 : 16;
		fab->buses = realloc(fab->buses, fab->capbuses * sizeof(*fab->buses));
		if (!fab->buses)
			abort();
	}
	fab->buses[fab->nbuses++] = b;
	return b;
}

void pcisim_fabric_keep(struct pcisim_fabric *fab, void *p)
{
	/* Grow by doubling: device_add in a long fuzz run keeps many. */
	if ((fab->nkept & (fab->nkept - 1)) == 0) {
		void **n = realloc(fab->kept, (fab->nkept ? fab->nkept * 2 : 8) * sizeof(*n));
		if (!n)
			abort();
		fab->kept = n;
	}
	fab->kept[fab->nkept++] = p;
}

struct pcisim_pcibus *pcisim_fabric_find_bus(struct pcisim_fabric *fab, const char *name)
{
	for (uint32_t i = 0; i < fab->nbuses; i++)
		if (!strcmp(fab->buses[i]->name, name) &&
		    (!fab->buses[i]->bridge || !fab->buses[i]->bridge->comp.removed))
			return fab->buses[i];
	return NULL;
}

struct pcisim_pcifn *pcisim_fabric_find_fn(struct pcisim_fabric *fab, const char *id)
{
	struct pcisim_comp *c = pcisim_comp_find(fab->sim, id);
	if (!c)
		return NULL;
	for (uint32_t i = 0; i < fab->nfns; i++)
		if (&fab->fns[i]->comp == c)
			return fab->fns[i];
	return NULL;
}

static struct pcisim_pcifn *bus_fn_at(const struct pcisim_pcibus *b, uint8_t devfn)
{
	for (uint16_t i = 0; i < b->nfns; i++)
		if (b->fns[i]->devfn == devfn)
			return b->fns[i];
	return NULL;
}

static void bus_insert(struct pcisim_pcibus *b, struct pcisim_pcifn *fn)
{
	if (b->nfns == b->capfns) {
		b->capfns = b->capfns ? b->capfns * 2 : 4;
		b->fns = realloc(b->fns, b->capfns * sizeof(*b->fns));
		if (!b->fns)
			abort();
	}
	uint16_t i = b->nfns;
	while (i > 0 && b->fns[i - 1]->devfn > fn->devfn) {
		b->fns[i] = b->fns[i - 1];
		i--;
	}
	b->fns[i] = fn;
	b->nfns++;
}

static void bus_remove(struct pcisim_pcibus *b, struct pcisim_pcifn *fn)
{
	for (uint16_t i = 0; i < b->nfns; i++)
		if (b->fns[i] == fn) {
			memmove(&b->fns[i], &b->fns[i + 1], (size_t)(b->nfns - i - 1) * sizeof(*b->fns));
			b->nfns--;
			return;
		}
}

char *pcisim_fn_bdf_str(const struct pcisim_pcifn *fn, char *buf, size_t n)
{
	if (!fn->bus)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "0000:%02x:%02x.%x", fn->bus->number, fn->devfn >> 3, fn->devfn & 7);
	return buf;
}

/* ---- device creation ---- */

/*
 * Functions of one model built with the same properties have the same masks: share
 * one copy (copy on write keeps later changes private), so a function costs little
 * more than its config bytes.
 */
static void intern_masks(struct pcisim_fabric *fab, struct pcisim_pcifn *fn)
{
	if (!fn->cfg.m)
		return;
	uint64_t h = pcisim_cfg_masks_hash(fn->cfg.m);
	for (size_t i = 0; i < fab->nmasks; i++)
		if (fab->masks_hash[i] == h && pcisim_cfg_masks_try_share(&fn->cfg, fab->masks[i]))
			return;
	struct pcisim_cfg_masks **nm = realloc(fab->masks, (fab->nmasks + 1) * sizeof(*nm));
	uint64_t *nh = realloc(fab->masks_hash, (fab->nmasks + 1) * sizeof(*nh));
	if (!nm || !nh)
		abort();
	fab->masks = nm;
	fab->masks_hash = nh;
	pcisim_cfg_masks_ref(fn->cfg.m);
	fab->masks[fab->nmasks] = fn->cfg.m;
	fab->masks_hash[fab->nmasks++] = h;
}

static unsigned anon_counter(struct pcisim_fabric *fab, const char *driver)
{
	unsigned n = 0;
	for (uint32_t i = 0; i < fab->nfns; i++)
		if (!strcmp(fab->fns[i]->drv->name, driver))
			n++;
	return n;
}

static int fn_save(struct pcisim_comp *c, struct pcisim_blob *out);
static int fn_load(struct pcisim_comp *c, struct pcisim_blob_reader *in, struct pcisim_diag *d);
static void fn_describe(struct pcisim_comp *c, FILE *out);
static int fn_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v);

static void fn_comp_destroy(struct pcisim_comp *c)
{
	struct pcisim_pcifn *fn = pcisim_to_fn(c);
	const struct pcisim_comp_ops *ops = fn->drv->ops;
	if (ops && ops->destroy)
		ops->destroy(c);
	pcisim_cfg_free(&fn->cfg);
	free(fn);
}

static int check_id(struct pcisim_fabric *fab, const char *id, struct pcisim_loc loc,
		    struct pcisim_diag *d)
{
	if (pcisim_comp_find(fab->sim, id))
		return pcisim_diag_error(d, loc, "Duplicate device ID '%s'", id);
	return 0;
}

int pcisim_device_create(struct pcisim_fabric *fab, const struct pcisim_props *props,
			 bool hotplug, struct pcisim_pcifn **out, struct pcisim_diag *d)
{
	char buf[1024];
	const struct pcisim_driver *drv = pcisim_driver_find(props->driver);
	if (!drv) {
		const char **names = pcisim_driver_names();
		pcisim_choices(buf, sizeof(buf), names);
		free(names);
		const struct pcisim_prop *dp = NULL;
		return pcisim_diag_error(d, dp ? dp->loc : props->loc,
					 "unknown device driver '%s'; valid drivers: %s", props->driver,
					 buf);
	}
	int rc = pcisim_props_check(props, common_props, drv->props, d);
	if (rc)
		return rc;

	const char *id = pcisim_props_str(props, "id", NULL);
	char anon[96];
	if (!id) {
		snprintf(anon, sizeof(anon), "%s#%u", drv->name, anon_counter(fab, drv->name));
		id = anon;
	}
	const struct pcisim_prop *idp = pcisim_props_find(props, "id");
	/* QEMU's qdev_device_add() looks the bus up before it sets the id. */
	bool id_checked = false;

	struct pcisim_pcibus *bus = NULL;
	uint8_t devfn = 0;
	/* pcie.0's own host bridge (pcisim_q35_create) sits on no bus: its bus is the root. */
	bool root_host = drv->kind == PCISIM_FN_HOST_BRIDGE && !fab->root_host &&
			 !pcisim_props_find(props, "bus");
	if (drv->kind != PCISIM_FN_OTHER && !root_host) {
		const char *busname = pcisim_props_str(props, "bus", "pcie.0");
		const struct pcisim_prop *bp = pcisim_props_find(props, "bus");
		bus = pcisim_fabric_find_bus(fab, busname);
		if (!bus) {
			size_t u = 0;
			buf[0] = 0;
			for (uint32_t i = 0; i < fab->nbuses && u < sizeof(buf) - 64; i++)
				if (!fab->buses[i]->bridge || !fab->buses[i]->bridge->comp.removed)
					u += (size_t)snprintf(buf + u, sizeof(buf) - u, "%s%s",
							      u ? ", " : "", fab->buses[i]->name);
			/* device_add answers as QEMU's monitor does; a topology names the choices */
			if (hotplug)
				return pcisim_diag_error(d, bp ? bp->loc : props->loc,
							 "Bus '%s' not found", busname);
			return pcisim_diag_error(d, bp ? bp->loc : props->loc,
						 "Bus '%s' not found; valid buses: %s", busname, buf);
		}
		if ((rc = check_id(fab, id, idp ? idp->loc : props->loc, d)))
			return rc;
		id_checked = true;
		/*
		 * The bus's hot-plug handler is asked first (QEMU device_set_realized():
		 * hotplug_handler_pre_plug() before the device's realize checks its address).
		 */
		struct pcisim_pcifn *up = bus->bridge;
		if (up && up->drv->pre_plug && (rc = up->drv->pre_plug(up, hotplug, d)))
			return rc;
		if (!pcisim_props_addr(props, "addr", &devfn)) {
			/* QEMU takes the first free slot, function 0. */
			unsigned s;
			for (s = 0; s < 32; s++)
				if (!bus_fn_at(bus, (uint8_t)(s << 3)))
					break;
			if (s == 32)
				return pcisim_diag_error(d, props->loc,
							 "PCI: no slot/function available for %s, all in use or reserved",
							 drv->name);
			devfn = (uint8_t)(s << 3);
		}
		struct pcisim_pcifn *busy = bus_fn_at(bus, devfn);
		const struct pcisim_prop *ap = pcisim_props_find(props, "addr");
		if (busy)
			return pcisim_diag_error(d, ap ? ap->loc : props->loc,
						 "PCI: slot %d function %d not available for %s, in use by %s,id=%s",
						 devfn >> 3, devfn & 7, drv->name, busy->drv->name,
						 busy->comp.name);
		/* Multi-function rules (QEMU pci_init_multifunction). */
		struct pcisim_pcifn *f0 = bus_fn_at(bus, (uint8_t)(devfn & ~7));
		bool mf = pcisim_props_bool(props, "multifunction", false);
		if ((devfn & 7) && f0 && !pcisim_props_bool(&f0->props, "multifunction", false))
			return pcisim_diag_error(d, ap ? ap->loc : props->loc,
						 "PCI: single function device can't be populated in function %x.%x",
						 devfn >> 3, devfn & 7);
		if (!(devfn & 7) && !mf)
			for (unsigned f = 1; f < 8; f++)
				if (bus_fn_at(bus, (uint8_t)(devfn | f)))
					return pcisim_diag_error(d, props->loc,
								 "PCI: %x.0 indicates single function, but %x.%x is already populated.",
								 devfn >> 3, devfn >> 3, f);
		if (hotplug && !drv->hotpluggable)
			return pcisim_diag_error(d, props->loc, "Device '%s' does not support hotplugging",
						 drv->name);
	}

	if (!id_checked && (rc = check_id(fab, id, idp ? idp->loc : props->loc, d)))
		return rc;
	struct pcisim_pcifn *upstream = bus ? bus->bridge : NULL;

	struct pcisim_pcifn *fn = calloc(1, drv->size ? drv->size : sizeof(*fn));
	if (!fn)
		return PCISIM_ERR(PCISIM_ENOMEM);
	fn->drv = drv;
	fn->fabric = fab;
	fn->bus = bus;
	fn->devfn = devfn;
	fn->hotplugged = hotplug;
	fn->powered = true;
	fn->props = *props;
	if (drv->kind != PCISIM_FN_OTHER &&
	    (rc = pcisim_cfg_init(&fn->cfg, drv->pcie ? PCISIM_CFG_PCIE_SIZE : PCISIM_CFG_PCI_SIZE,
				  drv->bridge))) {
		free(fn);
		return rc;
	}
	/* The component's ops come from the driver; destroy goes through the fabric. */
	static struct pcisim_comp_ops ops_cache[64];
	static const struct pcisim_driver *ops_drv[64];
	const struct pcisim_comp_ops *ops = NULL;
	for (size_t i = 0; i < 64; i++) {
		if (ops_drv[i] == drv) {
			ops = &ops_cache[i];
			break;
		}
		if (!ops_drv[i]) {
			ops_drv[i] = drv;
			if (drv->ops)
				ops_cache[i] = *drv->ops;
			ops_cache[i].type = drv->name;
			if (drv->kind != PCISIM_FN_OTHER) {
				if (!ops_cache[i].save)
					ops_cache[i].save = fn_save;
				if (!ops_cache[i].load)
					ops_cache[i].load = fn_load;
				if (!ops_cache[i].describe)
					ops_cache[i].describe = fn_describe;
				if (!ops_cache[i].query) {
					ops_cache[i].query = fn_query;
					ops_cache[i].query_keys = pcisim_regdesc_names();
				}
			}
			ops_cache[i].destroy = fn_comp_destroy;
			ops = &ops_cache[i];
			break;
		}
	}
	if (!ops)
		abort();
	struct pcisim_comp *parent = NULL;
	if (bus)
		parent = bus->bridge ? &bus->bridge->comp : bus->host ? &bus->host->comp : NULL;
	if ((rc = pcisim_comp_add(fab->sim, &fn->comp, parent, id, ops))) {
		pcisim_cfg_free(&fn->cfg);
		free(fn);
		return pcisim_diag_error(d, props->loc, "Duplicate device ID '%s'", id);
	}
	if (fab->nfns == fab->capfns) {
		fab->capfns = fab->capfns ? fab->capfns * 2 : 64;
		fab->fns = realloc(fab->fns, fab->capfns * sizeof(*fab->fns));
		if (!fab->fns)
			abort();
	}
	fab->fns[fab->nfns++] = fn;
	if (bus)
		bus_insert(bus, fn);
	if (drv->bridge || drv->kind == PCISIM_FN_HOST_BRIDGE)
		fn->secondary = bus_new(fab, id, drv->kind == PCISIM_FN_HOST_BRIDGE ? NULL : fn,
					drv->kind == PCISIM_FN_HOST_BRIDGE ? fn : bus ? bus->host : NULL,
					drv->kind == PCISIM_FN_HOST_BRIDGE);
	if ((drv->realize && (rc = drv->realize(fn, d))) || (rc = pcisim_link_fn_realized(fn, d))) {
		/* The component stays registered (ids are never reused) but is removed. */
		pcisim_comp_remove(fab->sim, &fn->comp);
		if (bus)
			bus_remove(bus, fn);
		return rc;
	}
	pcisim_reset_fn_realized(fn); /* reset.c: realize-time values of resettable bits */
	intern_masks(fab, fn);
	if (upstream && upstream->drv->plug)
		upstream->drv->plug(upstream, fn, hotplug);
	pcisim_link_fn_plugged(fn); /* link.c: the link above @fn trains */
	if (out)
		*out = fn;
	return 0;
}

void pcisim_device_destroy(struct pcisim_fabric *fab, struct pcisim_pcifn *fn)
{
	if (fn->comp.removed)
		return;
	if (fn->secondary) {
		/* Children first, newest first. */
		while (fn->secondary->nfns)
			pcisim_device_destroy(fab, fn->secondary->fns[fn->secondary->nfns - 1]);
	}
	if (fn->bus)
		bus_remove(fn->bus, fn);
	pcisim_comp_remove(fab->sim, &fn->comp);
	pcisim_link_fn_removed(fn); /* link.c: its link stops; the one above may lose its partner */
}

/* ---- config access ---- */

/*
 * QEMU pci_host_config_read/write_common(): a hot-plugged function other than 0 is not
 * exposed while function 0 of its device is absent (a multi-function card is plugged
 * function 0 last): reads give all ones, writes are dropped.
 */
static bool fn_hidden(const struct pcisim_pcifn *fn)
{
	return fn->hotplugged && (fn->devfn & 7) && fn->bus &&
	       !bus_fn_at(fn->bus, (uint8_t)(fn->devfn & ~7));
}

uint32_t pcisim_fn_cfg_read(struct pcisim_pcifn *fn, uint16_t off, unsigned len)
{
	if (fn_hidden(fn))
		return len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
	if (fn->drv->cfg_read)
		return fn->drv->cfg_read(fn, off, len);
	return pcisim_cfg_read(&fn->cfg, off, len);
}

void pcisim_fn_cfg_write(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len)
{
	if (fn_hidden(fn))
		return;
	if (fn->drv->cfg_write)
		fn->drv->cfg_write(fn, off, val, len);
	else
		pcisim_cfg_write(&fn->cfg, off, val, len);
	pcisim_aer_fn_cfg_written(fn, off, val, len); /* aer.c: queued errors (ports: port.c) */
	pcisim_reset_fn_cfg_written(fn, off, len); /* reset.c: Initiate FLR, upstream-port SBR */
}

/* ---- reset, save, load, describe (every function) ---- */

void pcisim_fn_reset_default(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind)
{
	struct pcisim_cfg *c = &fn->cfg;
	if (!c->bytes)
		return;
	uint16_t cmd_bits = (uint16_t)(pcisim_cfg_mask_get(c, PCISIM_WMASK, PCI_COMMAND, 2) |
				       pcisim_cfg_mask_get(c, PCISIM_W1CMASK, PCI_COMMAND, 2));
	uint16_t sta_bits = (uint16_t)(pcisim_cfg_mask_get(c, PCISIM_WMASK, PCI_STATUS, 2) |
				       pcisim_cfg_mask_get(c, PCISIM_W1CMASK, PCI_STATUS, 2));
	pcisim_cfg_clrbits(c, PCI_COMMAND, 2, cmd_bits);
	pcisim_cfg_clrbits(c, PCI_STATUS, 2, sta_bits);
	pcisim_cfg_set(c, PCI_CACHE_LINE_SIZE, 0, 1);
	pcisim_cfg_set(c, PCI_INTERRUPT_LINE, 0, 1);
	unsigned nbars = fn->drv->bridge ? 2 : 6;
	for (unsigned i = 0; i < nbars; i++) {
		uint16_t off = (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * i);
		uint32_t w = pcisim_cfg_mask_get(c, PCISIM_WMASK, off, 4);
		pcisim_cfg_clrbits(c, off, 4, w);
	}
	if (fn->drv->bridge && kind == PCISIM_RESET_COLD) {
		pcisim_cfg_set(c, PCI_PRIMARY_BUS, 0, 1);
		pcisim_cfg_set(c, PCI_SECONDARY_BUS, 0, 1);
		pcisim_cfg_set(c, PCI_SUBORDINATE_BUS, 0, 1);
		pcisim_cfg_clrbits(c, PCI_BRIDGE_CONTROL, 2,
				   pcisim_cfg_mask_get(c, PCISIM_WMASK, PCI_BRIDGE_CONTROL, 2));
	}
}

void pcisim_fabric_reset(struct pcisim_fabric *fab, enum pcisim_reset_kind kind)
{
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || fn->drv->kind == PCISIM_FN_OTHER)
			continue;
		if (fn->drv->reset)
			fn->drv->reset(fn, kind);
		else
			pcisim_fn_reset_default(fn, kind);
	}
}

void pcisim_fn_save_config(struct pcisim_pcifn *fn, struct pcisim_blob *out)
{
	pcisim_blob_put_u16(out, fn->cfg.size);
	pcisim_blob_put(out, fn->cfg.bytes, fn->cfg.size);
}

int pcisim_fn_load_config(struct pcisim_pcifn *fn, struct pcisim_blob_reader *in,
			  struct pcisim_diag *d)
{
	uint16_t size = pcisim_blob_get_u16(in);
	if (in->overrun || size != fn->cfg.size || in->len - in->pos < size)
		return pcisim_diag_error(d, (struct pcisim_loc){0},
					 "get_pci_config_device: config space size mismatch (%u, expected %u)",
					 size, fn->cfg.size);
	const uint8_t *incoming = in->data + in->pos;
	in->pos += size;
	uint16_t bad;
	if (pcisim_cfg_load_check(&fn->cfg, incoming, &bad)) {
		/* QEMU's message, byte for byte (hw/pci/pci.c get_pci_config_device). */
		return pcisim_diag_error(d, (struct pcisim_loc){0},
					 "get_pci_config_device: Bad config data: i=0x%x read: %x device: %x cmask: %x wmask: %x w1cmask:%x",
					 bad, incoming[bad], fn->cfg.bytes[bad],
					 pcisim_cfg_mask_get(&fn->cfg, PCISIM_CMASK, bad, 1),
					 pcisim_cfg_mask_get(&fn->cfg, PCISIM_WMASK, bad, 1),
					 pcisim_cfg_mask_get(&fn->cfg, PCISIM_W1CMASK, bad, 1));
	}
	/* Compatible: the source's bytes replace the destination's wholesale. */
	memcpy(fn->cfg.bytes, incoming, size);
	return 0;
}

void pcisim_fn_describe(struct pcisim_pcifn *fn, FILE *out)
{
	char bdf[32];
	fprintf(out, "%s %s (%s) [%04x:%04x]%s%s\n", pcisim_fn_bdf_str(fn, bdf, sizeof(bdf)),
		fn->comp.name, fn->drv->name, pcisim_cfg_get16(&fn->cfg, PCI_VENDOR_ID),
		pcisim_cfg_get16(&fn->cfg, PCI_DEVICE_ID), fn->powered ? "" : " (unpowered)",
		fn->comp.removed ? " (removed)" : "");
}

static int fn_save(struct pcisim_comp *c, struct pcisim_blob *out)
{
	pcisim_fn_save_config(pcisim_to_fn(c), out);
	return 0;
}

static int fn_load(struct pcisim_comp *c, struct pcisim_blob_reader *in, struct pcisim_diag *d)
{
	return pcisim_fn_load_config(pcisim_to_fn(c), in, d);
}

static void fn_describe(struct pcisim_comp *c, FILE *out)
{
	pcisim_fn_describe(pcisim_to_fn(c), out);
}

/* Named state of any function: its registers by name (regdesc), power, address. */
static int fn_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	struct pcisim_pcifn *fn = pcisim_to_fn(c);
	static char bdf[32];
	if (!strcmp(key, "powered")) {
		v->u = fn->powered;
		return 0;
	}
	if (!strcmp(key, "bdf")) {
		v->is_str = true;
		v->s = pcisim_fn_bdf_str(fn, bdf, sizeof(bdf));
		return 0;
	}
	uint32_t val;
	if (fn->cfg.bytes && pcisim_regdesc_read(&fn->cfg, key, &val) == 0) {
		v->u = val;
		return 0;
	}
	return -PCISIM_ENOENT;
}

/* ---- enumeration ---- */

static uint8_t enumerate_bus(struct pcisim_pcibus *b, uint8_t number)
{
	uint8_t next = number;
	b->number = number;
	for (uint16_t i = 0; i < b->nfns; i++) {
		struct pcisim_pcifn *fn = b->fns[i];
		if (!fn->secondary || fn->drv->kind == PCISIM_FN_HOST_BRIDGE)
			continue;
		uint8_t sec = (uint8_t)(next + 1);
		/* Linux programs primary/secondary, scans below, then sets subordinate. */
		pcisim_cfg_set(&fn->cfg, PCI_PRIMARY_BUS, number, 1);
		pcisim_cfg_set(&fn->cfg, PCI_SECONDARY_BUS, sec, 1);
		pcisim_cfg_set(&fn->cfg, PCI_SUBORDINATE_BUS, 0xff, 1);
		next = enumerate_bus(fn->secondary, sec);
		pcisim_cfg_set(&fn->cfg, PCI_SUBORDINATE_BUS, next, 1);
	}
	b->subordinate = next;
	return next;
}

void pcisim_fabric_enumerate(struct pcisim_fabric *fab)
{
	/* Root buses: pcie.0 first, then expander bridges in order of bus_nr. */
	struct pcisim_pcibus *roots[64];
	size_t nroots = 0;
	for (uint32_t i = 0; i < fab->nbuses && nroots < 64; i++)
		if (fab->buses[i]->is_root && !(fab->buses[i]->host && fab->buses[i]->host->comp.removed))
			roots[nroots++] = fab->buses[i];
	for (size_t i = 0; i < nroots; i++) {
		struct pcisim_pcibus *b = roots[i];
		uint8_t nr = (uint8_t)pcisim_props_u64(&b->host->props, "bus_nr", 0);
		enumerate_bus(b, nr);
	}
	fab->enumerated = true;
}

/* ---- scenario sections ---- */

static const char *const machine_keys[] = {"type", "qemu", "cxl", "acpi-pci-hotplug-with-bridge-support",
					   "cxl-fmw", "vga", "link_training", "link_model", NULL};

static int parse_version(const char *s, unsigned *out)
{
	unsigned maj = 0, min = 0;
	char extra = 0;
	int n = sscanf(s, "%u.%u%c", &maj, &min, &extra);
	if (n < 1 || maj > 20 || min > 20)
		return -1;
	if (n == 3 && extra != '.')
		return -1;
	*out = PCISIM_QEMU(maj, min);
	return 0;
}

/* Read a machine: mapping into fab->machine (may be applied twice: scenario, then overrides). */
static int machine_parse(struct pcisim_fabric *fab, const struct pcisim_ynode *node, bool *acpi_set,
			 struct pcisim_diag *d)
{
	struct pcisim_machine *m = &fab->machine;
	int rc;
	if ((rc = pcisim_ymap_check_keys(node, "'machine'", machine_keys, d)))
		return rc;
	const struct pcisim_ynode *t = pcisim_ymap_get(node, "type");
	if (t) {
		if ((rc = pcisim_yget_str(t, "'type'", &m->type, d)))
			return rc;
		if (!strcmp(m->type, "q35") || !strcmp(m->type, "pc-q35")) {
			m->type_version = 0;
		} else if (!strncmp(m->type, "pc-q35-", 7) && !parse_version(m->type + 7, &m->type_version)) {
			if (m->type_version < PCISIM_QEMU(2, 4))
				return pcisim_diag_error(d, t->loc,
							 "machine type '%s' is older than any q35 type QEMU has (pc-q35-2.4)",
							 m->type);
		} else {
			return pcisim_diag_error(d, t->loc,
						 "unknown machine type '%s'; valid choices: q35, pc-q35-X.Y (e.g. pc-q35-6.0, pc-q35-7.2)",
						 m->type);
		}
	}
	const struct pcisim_ynode *q = pcisim_ymap_get(node, "qemu");
	if (q) {
		const char *s;
		if ((rc = pcisim_yget_str(q, "'qemu'", &s, d)))
			return rc;
		if (parse_version(s, &m->qemu) || m->qemu < PCISIM_QEMU(4, 0))
			return pcisim_diag_error(d, q->loc,
						 "'qemu': '%s' is not a QEMU version pcisim emulates; expected MAJOR.MINOR from 4.0 on, e.g. \"7.2\" or \"8.1\" (quote it)",
						 s);
	}
	const struct pcisim_ynode *c = pcisim_ymap_get(node, "cxl");
	if (c && (rc = pcisim_yget_bool(c, "'cxl'", &m->cxl, d)))
		return rc;
	const struct pcisim_ynode *a = pcisim_ymap_get(node, "acpi-pci-hotplug-with-bridge-support");
	if (a) {
		if ((rc = pcisim_yget_bool(a, "'acpi-pci-hotplug-with-bridge-support'",
					   &m->acpi_pcihp_bridges, d)))
			return rc;
		*acpi_set = true;
	}
	const struct pcisim_ynode *fmw = pcisim_ymap_get(node, "cxl-fmw");
	if (fmw && (rc = pcisim_cxl_fmw_from_yaml(fab, fmw, d)))
		return rc;
	const struct pcisim_ynode *vga = pcisim_ymap_get(node, "vga");
	if (vga) {
		static const char *const vga_choices[] = {"std", "none", NULL};
		unsigned i;
		if ((rc = pcisim_yget_choice(vga, "'vga'", vga_choices, &i, d)))
			return rc;
		m->no_vga = i == 1;
	}
	const struct pcisim_ynode *lt = pcisim_ymap_get(node, "link_training"); /* link.c */
	if (lt && (rc = pcisim_link_parse_training(lt, &m->link_training, d)))
		return rc;
	const struct pcisim_ynode *lm = pcisim_ymap_get(node, "link_model"); /* link.c */
	if (lm) {
		static const char *const lm_choices[] = {"qemu", "spec", NULL};
		unsigned i;
		if ((rc = pcisim_yget_choice(lm, "'link_model'", lm_choices, &i, d)))
			return rc;
		m->link_spec = i == 1;
	}
	if (m->type_version && m->qemu && m->type_version > m->qemu)
		return pcisim_diag_error(d, t ? t->loc : node->loc,
					 "machine type %s does not exist in QEMU %u.%u", m->type,
					 m->qemu >> 8, m->qemu & 0xff);
	return 0;
}

int pcisim_fabric_build_machine(struct pcisim_sim *sim, const struct pcisim_ynode *node,
				const struct pcisim_ynode *override, struct pcisim_diag *d)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	struct pcisim_machine *m = &fab->machine;
	bool acpi_set = false;
	int rc;
	if (node && (rc = machine_parse(fab, node, &acpi_set, d)))
		return rc;
	if (override && (rc = machine_parse(fab, override, &acpi_set, d)))
		return rc;
	/* pc-q35-6.0 and older keep ACPI PCI hotplug on bridges off (native PCIe hotplug). */
	if (!acpi_set)
		m->acpi_pcihp_bridges = !m->type_version || m->type_version >= PCISIM_QEMU(6, 1);
	/*
	 * With ACPI hotplug on bridges, pc_q35_init() hides the ports' native hotplug
	 * capability unless ICH9-LPC x-keep-pci-slot-hpc, which pc_compat_6_1 turns off:
	 * machine types up to 6.1, on binaries that have the knob (6.1 on).
	 */
	m->hide_native_hotplug = m->acpi_pcihp_bridges && m->qemu >= PCISIM_QEMU(6, 1) &&
				 (m->type_version ? m->type_version : m->qemu) <= PCISIM_QEMU(6, 1);
	/* The q35 root complex: the pcie.0 root bus and its fixed devices. */
	return pcisim_q35_create(fab, !m->no_vga, d);
}

static int machine_build(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
			 const struct pcisim_ynode *node, struct pcisim_diag *d)
{
	return pcisim_fabric_build_machine(sim, node, NULL, d);
}

int pcisim_fabric_build_topology(struct pcisim_sim *sim, struct pcisim_arena *a,
				 const struct pcisim_ynode *node, struct pcisim_diag *d)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	int rc;
	if (!fab->root_host && (rc = pcisim_fabric_build_machine(sim, NULL, NULL, d)))
		return rc;
	for (size_t i = 0; node && i < node->n; i++) {
		const struct pcisim_ynode *e = node->vals[i];
		if ((rc = pcisim_yexpect(e, PCISIM_Y_MAP, "a topology entry", d)))
			return rc;
		const struct pcisim_ynode *qa = pcisim_ymap_get(e, "qemu_args");
		if (qa) {
			if (e->n != 1)
				return pcisim_diag_error(d, e->loc,
							 "a 'qemu_args' entry stands alone (no other keys)");
			if ((rc = pcisim_qemu_args_apply(fab, a, qa, d)))
				return rc;
			continue;
		}
		struct pcisim_props props;
		if ((rc = pcisim_props_from_yaml(a, e, &props, d)))
			return rc;
		if ((rc = pcisim_device_create(fab, &props, false, NULL, d)))
			return rc;
	}
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (!fn->comp.removed && fn->drv->link && (rc = fn->drv->link(fn, d)))
			return rc;
	}
	if (fab->machine.ncxl_fmw && (rc = pcisim_cxl_fmw_check_targets(fab, d)))
		return rc;
	/* QEMU resets the machine after creating it; firmware and Linux then number the buses. */
	pcisim_fabric_reset(fab, PCISIM_RESET_COLD);
	pcisim_fabric_enumerate(fab);
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (!fn->comp.removed && fn->drv->kind != PCISIM_FN_OTHER && fn->bus) {
			char bdf[32];
			PCISIM_RECORD(sim, &fn->comp, "pci.device",
				      PCISIM_FS("driver", fn->drv->name),
				      PCISIM_FS("bdf", pcisim_fn_bdf_str(fn, bdf, sizeof(bdf))),
				      PCISIM_FX("vendor", pcisim_cfg_get16(&fn->cfg, PCI_VENDOR_ID)),
				      PCISIM_FX("device", pcisim_cfg_get16(&fn->cfg, PCI_DEVICE_ID)));
		}
	}
	return 0;
}

static int topology_build(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
			  const struct pcisim_ynode *node, struct pcisim_diag *d)
{
	/* Properties live as long as the devices: in the fabric's arena, not the scenario's
	 * (one scenario serves many runs in fuzz and explore). */
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	return pcisim_fabric_build_topology(sim, &fab->arena, node, d);
}

static const struct pcisim_section_def machine_section = {"machine", machine_build};
static const struct pcisim_section_def topology_section = {"topology", topology_build};

static const struct pcisim_record_kind pcie_kinds[] = {
	{"pci.device", "a PCI function exists after the machine is built (fields: driver, bdf, vendor, device)"},
	{0},
};

void pcisim_pcie_register(void)
{
	pcisim_section_set(&machine_section);
	pcisim_section_set(&topology_section);
	pcisim_record_kinds_add(pcie_kinds);
	pcisim_monitor_register();
	pcisim_migration_register();
	pcisim_link_register();
	pcisim_pcie_models_register();
}
