/*
 * The fabric: driver registry, feature hooks, device creation and placement on buses,
 * config access, reset and migration of every function, and enumeration (bus numbers,
 * BDFs). The machine and topology sections that fill it are sim/qemu/machine.c's.
 */
#include "sim/pcie/fabric.h"

#include <stdlib.h>
#include <string.h>

#include "sim/pcie/regdesc.h"
#include "sim/pcie/regs/pci.h"
#include "sim/core/heap.h"

/* ---- driver registry ---- */

/* Tables in registration order; grows as layers register (never drops one). */
static const struct pcisim_driver **driver_tables;
static size_t ndriver_tables, capdriver_tables;

void pcisim_drivers_add(const struct pcisim_driver *table)
{
	for (size_t i = 0; i < ndriver_tables; i++)
		if (driver_tables[i] == table)
			return;
	if (ndriver_tables == capdriver_tables) {
		size_t cap = capdriver_tables ? capdriver_tables * 2 : 16;
		const struct pcisim_driver **v = pcisim_realloc(driver_tables, cap * sizeof(*v));
		if (!v)
			abort();
		driver_tables = v;
		capdriver_tables = cap;
	}
	driver_tables[ndriver_tables++] = table;
}

/* ---- buses that are not PCI ---- */

static const struct pcisim_bus_kind **bus_kinds;
static size_t nbus_kinds, capbus_kinds;

void pcisim_bus_kind_add(const struct pcisim_bus_kind *k)
{
	for (size_t i = 0; i < nbus_kinds; i++)
		if (bus_kinds[i] == k)
			return;
	if (nbus_kinds == capbus_kinds) {
		size_t cap = capbus_kinds ? capbus_kinds * 2 : 4;
		const struct pcisim_bus_kind **v = pcisim_realloc(bus_kinds, cap * sizeof(*v));
		if (!v)
			abort();
		bus_kinds = v;
		capbus_kinds = cap;
	}
	bus_kinds[nbus_kinds++] = k;
}

/* ---- feature hooks ---- */

static const struct pcisim_fabric_hooks **hooks;
static size_t nhooks, caphooks;

void pcisim_fabric_hooks_add(const struct pcisim_fabric_hooks *h)
{
	for (size_t i = 0; i < nhooks; i++)
		if (hooks[i] == h)
			return;
	if (nhooks == caphooks) {
		size_t cap = caphooks ? caphooks * 2 : 8;
		const struct pcisim_fabric_hooks **v = pcisim_realloc(hooks, cap * sizeof(*v));
		if (!v)
			abort();
		hooks = v;
		caphooks = cap;
	}
	hooks[nhooks++] = h;
}

static int hooks_realized(struct pcisim_pcifn *fn, struct pcisim_diag *d)
{
	int rc;
	for (size_t i = 0; i < nhooks; i++)
		if (hooks[i]->realized && (rc = hooks[i]->realized(fn, d)))
			return rc;
	return 0;
}

static void hooks_plugged(struct pcisim_pcifn *fn)
{
	for (size_t i = 0; i < nhooks; i++)
		if (hooks[i]->plugged)
			hooks[i]->plugged(fn);
}

static void hooks_removed(struct pcisim_pcifn *fn)
{
	for (size_t i = 0; i < nhooks; i++)
		if (hooks[i]->removed)
			hooks[i]->removed(fn);
}

static void hooks_cfg_written(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len)
{
	for (size_t i = 0; i < nhooks; i++)
		if (hooks[i]->cfg_written)
			hooks[i]->cfg_written(fn, off, val, len);
}

static void hooks_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind)
{
	for (size_t i = 0; i < nhooks; i++)
		if (hooks[i]->reset)
			hooks[i]->reset(fn, kind);
}

void pcisim_fabric_hooks_fn_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind)
{
	for (size_t i = 0; i < nhooks; i++)
		if (hooks[i]->fn_reset)
			hooks[i]->fn_reset(fn, kind);
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
	const char **v = pcisim_calloc(n + 1, sizeof(*v));
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

const struct pcisim_prop_def *pcisim_common_props(void)
{
	return common_props;
}

/* ---- the fabric object ---- */

const struct pcisim_ext_key pcisim_fabric_key = {"pcie-fabric"};

static void fabric_destroy(void *p)
{
	struct pcisim_fabric *fab = p;
	for (uint32_t i = 0; i < fab->nbuses; i++) {
		pcisim_free(fab->buses[i]->name);
		pcisim_free(fab->buses[i]->fns);
		pcisim_free(fab->buses[i]);
	}
	pcisim_free(fab->buses);
	pcisim_free(fab->fns);
	for (size_t i = 0; i < fab->nkept; i++)
		pcisim_free(fab->kept[i]);
	pcisim_arena_free(&fab->arena);
	for (size_t i = 0; i < fab->nmasks; i++)
		pcisim_cfg_masks_unref(fab->masks[i]);
	pcisim_free(fab->masks);
	pcisim_free(fab->masks_hash);
	pcisim_free(fab->kept);
	pcisim_free(fab->machine.backends);
	pcisim_ioport_space_free(&fab->machine.io);
	pcisim_free(fab);
}

/* ---- what the machine publishes ---- */

const struct pcisim_membackend *pcisim_machine_backend(const struct pcisim_machine *m,
						       const char *id)
{
	for (size_t i = 0; i < m->nbackends; i++)
		if (!strcmp(m->backends[i].id, id))
			return &m->backends[i];
	return NULL;
}

void pcisim_machine_add_backend(struct pcisim_machine *m, const struct pcisim_membackend *b)
{
	if ((m->nbackends & (m->nbackends - 1)) == 0) {
		struct pcisim_membackend *v =
			pcisim_realloc(m->backends, (m->nbackends ? m->nbackends * 2 : 4) * sizeof(*v));
		if (!v)
			abort();
		m->backends = v;
	}
	m->backends[m->nbackends++] = *b;
}

struct pcisim_fabric *pcisim_fabric_new(struct pcisim_sim *sim)
{
	struct pcisim_fabric *fab = pcisim_calloc(1, sizeof(*fab));
	if (!fab)
		abort();
	fab->sim = sim;
	/* strings made during a run (setpci's register names) live in the sim's heap, so a
	 * snapshot restore takes them back with everything else */
	pcisim_arena_init(&fab->arena);
	fab->arena.heap = sim->heap;
	/* The machine's settings are the machine layer's to fill (sim/qemu/machine.c). */
	fab->machine.type = "q35";
	pcisim_ext_set(sim, &pcisim_fabric_key, fab, fabric_destroy);
	return fab;
}

static struct pcisim_pcibus *bus_new(struct pcisim_fabric *fab, const char *name,
				     struct pcisim_pcifn *bridge, struct pcisim_pcifn *host,
				     bool is_root)
{
	struct pcisim_pcibus *b = pcisim_calloc(1, sizeof(*b));
	if (!b)
		abort();
	b->name = pcisim_strdup(name);
	b->bridge = bridge;
	b->host = host;
	b->is_root = is_root;
	if (fab->nbuses == fab->capbuses) {
		fab->capbuses = fab->capbuses ? fab->capbuses * 2 : 16;
		fab->buses = pcisim_realloc(fab->buses, fab->capbuses * sizeof(*fab->buses));
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
		void **n = pcisim_realloc(fab->kept, (fab->nkept ? fab->nkept * 2 : 8) * sizeof(*n));
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
		b->fns = pcisim_realloc(b->fns, b->capfns * sizeof(*b->fns));
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

char *pcisim_bdf_format(unsigned bus, unsigned devfn, char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned dev = devfn >> 3u & 31u;
	char b[8] = {hex[bus >> 4 & 15u], hex[bus & 15u], ':', hex[dev >> 4], hex[dev & 15u], '.', hex[devfn & 7u], 0};
	if (n) {
		size_t k = n < sizeof(b) ? n - 1 : sizeof(b) - 1;
		memcpy(buf, b, k);
		buf[k] = 0;
	}
	return buf;
}

char *pcisim_fn_bdf_str(const struct pcisim_pcifn *fn, char *buf, size_t n)
{
	if (n < 6 || !fn->bus) {
		snprintf(buf, n, fn->bus ? "0000:" : "-");
		return buf;
	}
	memcpy(buf, "0000:", 5);
	pcisim_bdf_format(fn->bus->number, fn->devfn, buf + 5, n - 5);
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
	struct pcisim_cfg_masks **nm = pcisim_realloc(fab->masks, (fab->nmasks + 1) * sizeof(*nm));
	uint64_t *nh = pcisim_realloc(fab->masks_hash, (fab->nmasks + 1) * sizeof(*nh));
	if (!nm || !nh)
		abort();
	fab->masks = nm;
	fab->masks_hash = nh;
	pcisim_cfg_masks_ref(fn->cfg.m);
	/* from now on only read (any change is copy on write): kept out of snapshots */
	pcisim_cfg_masks_freeze(fn->cfg.m);
	fab->masks[fab->nmasks] = fn->cfg.m;
	fab->masks_hash[fab->nmasks++] = h;
}

/* QEMU names a device without id= after its driver and how many came before it, on
 * any bus: count every component of that model (PCI or not, removed ones too). */
static unsigned anon_counter(struct pcisim_fabric *fab, const char *driver)
{
	unsigned n = 0;
	for (uint32_t i = 0; i < fab->sim->ncomps; i++) {
		const struct pcisim_comp *c = fab->sim->comps[i];
		if (c->ops && c->ops->type && !strcmp(c->ops->type, driver))
			n++;
	}
	return n;
}

static int fn_save(struct pcisim_comp *c, struct pcisim_blob *out);
static int fn_load(struct pcisim_comp *c, struct pcisim_blob_reader *in, struct pcisim_diag *d);
static void fn_describe(struct pcisim_comp *c, FILE *out);

static void fn_comp_destroy(struct pcisim_comp *c)
{
	struct pcisim_pcifn *fn = pcisim_to_fn(c);
	const struct pcisim_comp_ops *ops = fn->drv->ops;
	if (ops && ops->destroy)
		ops->destroy(c);
	pcisim_cfg_free(&fn->cfg);
	pcisim_free(fn);
}

static int check_id(struct pcisim_fabric *fab, const char *id, struct pcisim_loc loc,
		    struct pcisim_diag *d)
{
	/* QEMU refuses an empty id too ("Parameter 'id' expects an identifier"). */
	if (!id[0])
		return pcisim_diag_error(d, loc,
					 "'id' must not be empty; expected a name like rp1, or no 'id' for a device nothing refers to");
	if (pcisim_comp_find(fab->sim, id))
		return pcisim_diag_error(d, loc, "Duplicate device ID '%s'", id);
	return 0;
}

/*
 * The component ops of a driver's functions: the driver's own, completed with the
 * fabric's defaults (config space save/load, describe, registers by name); destroy
 * goes through the fabric. Built once per driver and kept for the process (drivers
 * are static tables), in a list that grows.
 */
static const struct pcisim_comp_ops *fn_ops(const struct pcisim_driver *drv)
{
	static struct {
		const struct pcisim_driver *drv;
		struct pcisim_comp_ops *ops;
	} *cache;
	static size_t n, cap;
	for (size_t i = 0; i < n; i++)
		if (cache[i].drv == drv)
			return cache[i].ops;
	if (n == cap) {
		cap = cap ? cap * 2 : 32;
		void *v = realloc(cache, cap * sizeof(*cache)); /* libc: kept for the process */
		if (!v)
			abort();
		cache = v;
	}
	struct pcisim_comp_ops *ops = calloc(1, sizeof(*ops)); /* libc: kept for the process */
	if (!ops)
		abort();
	if (drv->ops)
		*ops = *drv->ops;
	ops->type = drv->name;
	if (!ops->save)
		ops->save = fn_save;
	if (!ops->load)
		ops->load = fn_load;
	if (!ops->describe)
		ops->describe = fn_describe;
	if (!ops->query) {
		ops->query = pcisim_fn_query;
		ops->query_keys = pcisim_regdesc_names();
	}
	ops->destroy = fn_comp_destroy;
	cache[n].drv = drv;
	cache[n].ops = ops;
	n++;
	return ops;
}

int pcisim_device_create(struct pcisim_fabric *fab, const struct pcisim_props *props,
			 bool hotplug, struct pcisim_pcifn **out, struct pcisim_diag *d)
{
	char buf[1024];
	const struct pcisim_driver *drv = pcisim_driver_find(props->driver);
	if (!drv) {
		const char **names = pcisim_driver_names();
		pcisim_choices(buf, sizeof(buf), names);
		pcisim_free(names);
		const struct pcisim_prop *dp = NULL;
		return pcisim_diag_error(d, dp ? dp->loc : props->loc,
					 "unknown device driver '%s'; valid drivers: %s", props->driver,
					 buf);
	}
	if (drv->needs && !pcisim_machine_has(&fab->machine, drv->needs))
		return pcisim_diag_error(d, props->loc,
					 "'%s' is not a valid device model name in the emulated QEMU (QEMU %s added it)",
					 drv->name, drv->since ? drv->since : "?");
	int rc = pcisim_props_check(props, common_props, drv->props, d);
	if (!rc)
		rc = pcisim_props_check_gates(props, drv->prop_gates, fab->machine.compat, d);
	if (rc)
		return rc;

	const char *id = pcisim_props_str(props, "id", NULL);
	char anon[96];
	if (!id) {
		snprintf(anon, sizeof(anon), "%s#%u", drv->name, anon_counter(fab, drv->name));
		id = anon;
	}
	const struct pcisim_prop *idp = pcisim_props_find(props, "id");
	if (drv->bus_kind) {
		if (hotplug)
			return pcisim_diag_error(d, props->loc, "Device '%s' does not support hotplugging",
						 drv->name);
		if ((rc = check_id(fab, id, idp ? idp->loc : props->loc, d)))
			return rc;
		if (out)
			*out = NULL;
		return drv->bus_kind->create(fab, drv, props, id, hotplug, d);
	}
	/* QEMU's qdev_device_add() looks the bus up before it sets the id. */
	bool id_checked = false;

	struct pcisim_pcibus *bus = NULL;
	uint8_t devfn = 0;
	/* pcie.0's own host bridge (pcisim_q35_create) sits on no bus: its bus is the root. */
	bool root_host = drv->kind == PCISIM_FN_HOST_BRIDGE && !fab->root_host &&
			 !pcisim_props_find(props, "bus");
	if (!root_host) {
		/* no bus=: the machine's root bus (q35 pcie.0, pseries pci.0) */
		const char *busname = pcisim_props_str(props, "bus",
						       fab->root_host && fab->root_host->secondary
							       ? fab->root_host->secondary->name
							       : "pcie.0");
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

	struct pcisim_pcifn *fn = pcisim_calloc(1, drv->size ? drv->size : sizeof(*fn));
	if (!fn)
		return PCISIM_ERR(PCISIM_ENOMEM);
	fn->drv = drv;
	fn->fabric = fab;
	fn->bus = bus;
	fn->devfn = devfn;
	fn->hotplugged = hotplug;
	fn->powered = true;
	fn->props = *props;
	if ((rc = pcisim_cfg_init(&fn->cfg, drv->pcie ? PCISIM_CFG_PCIE_SIZE : PCISIM_CFG_PCI_SIZE,
				  drv->bridge))) {
		pcisim_free(fn);
		return rc;
	}
	const struct pcisim_comp_ops *ops = fn_ops(drv);
	struct pcisim_comp *parent = NULL;
	if (bus)
		parent = bus->bridge ? &bus->bridge->comp : bus->host ? &bus->host->comp : NULL;
	if ((rc = pcisim_comp_add(fab->sim, &fn->comp, parent, id, ops))) {
		pcisim_cfg_free(&fn->cfg);
		pcisim_free(fn);
		return pcisim_diag_error(d, props->loc, "Duplicate device ID '%s'", id);
	}
	if (fab->nfns == fab->capfns) {
		fab->capfns = fab->capfns ? fab->capfns * 2 : 64;
		fab->fns = pcisim_realloc(fab->fns, fab->capfns * sizeof(*fab->fns));
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
	if ((drv->realize && (rc = drv->realize(fn, d))) || (rc = hooks_realized(fn, d))) {
		/* The component stays registered (ids are never reused) but is removed. */
		pcisim_comp_remove(fab->sim, &fn->comp);
		if (bus)
			bus_remove(bus, fn);
		return rc;
	}
	intern_masks(fab, fn);
	if (upstream && upstream->drv->plug)
		upstream->drv->plug(upstream, fn, hotplug);
	hooks_plugged(fn);
	if (out)
		*out = fn;
	return 0;
}

int pcisim_fabric_link(struct pcisim_fabric *fab, struct pcisim_diag *d)
{
	int rc;
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (!fn->comp.removed && fn->drv->link && (rc = fn->drv->link(fn, d)))
			return rc;
	}
	for (size_t i = 0; i < nbus_kinds; i++)
		if (bus_kinds[i]->link && (rc = bus_kinds[i]->link(fab, d)))
			return rc;
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
	hooks_removed(fn);
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
	hooks_cfg_written(fn, off, val, len);
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
		if (fn->comp.removed)
			continue;
		if (fn->drv->reset)
			fn->drv->reset(fn, kind);
		else
			pcisim_fn_reset_default(fn, kind);
		hooks_reset(fn, kind);
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
int pcisim_fn_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	struct pcisim_pcifn *fn = pcisim_to_fn(c);
	if (!strcmp(key, "powered")) {
		v->u = fn->powered;
		return 0;
	}
	if (!strcmp(key, "bdf")) {
		v->is_str = true;
		v->s = pcisim_fn_bdf_str(fn, fn->query_str, sizeof(fn->query_str));
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
	/* Root buses in creation order: pcie.0 first, then the expander bridges. */
	for (uint32_t i = 0; i < fab->nbuses; i++) {
		struct pcisim_pcibus *b = fab->buses[i];
		if (!b->is_root || (b->host && b->host->comp.removed))
			continue;
		uint8_t nr = (uint8_t)pcisim_props_u64(&b->host->props, "bus_nr", 0);
		enumerate_bus(b, nr);
	}
	fab->enumerated = true;
}
