/*
 * The PCIe fabric: host bridges, buses, functions and the QEMU device models behind
 * them, built from a scenario's machine: and topology: sections (QEMU -device lines
 * in YAML form, or a qemu_args: string).
 *
 * Every PCI function is a component (struct pcisim_pcifn embeds struct pcisim_comp)
 * named by its QEMU id; its parent component is the bridge or host bridge above it,
 * so paths read "pcie.0/rp18/xhci0". A device model embeds struct pcisim_pcifn as its
 * first member and is described by a const struct pcisim_driver (one file per model),
 * registered in a table that maps QEMU driver names to models.
 */
#ifndef PCISIM_PCIE_FABRIC_H
#define PCISIM_PCIE_FABRIC_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/component.h"
#include "sim/core/diag.h"
#include "sim/core/sim.h"
#include "sim/core/ynode.h"
#include "sim/pcie/cfgspace.h"
#include "sim/pcie/machine.h"
#include "sim/pcie/props.h"

struct pcisim_pcifn;
struct pcisim_pcibus;
struct pcisim_fabric;
struct pcisim_reset_image;

/* ---- buses and functions ---- */

enum pcisim_fn_kind {
	PCISIM_FN_HOST_BRIDGE,     /* pcie.0's host bridge; pxb-pcie/pxb-cxl */
	PCISIM_FN_ROOT_PORT,
	PCISIM_FN_UPSTREAM_PORT,
	PCISIM_FN_DOWNSTREAM_PORT,
	PCISIM_FN_ENDPOINT,
};

struct pcisim_pcibus {
	char *name;                      /* QEMU bus name: "pcie.0", or the bridge's id */
	struct pcisim_pcifn *bridge;     /* the bridge whose secondary bus this is; NULL for a root bus */
	struct pcisim_pcifn *host;       /* the host bridge the bus belongs under */
	uint8_t number;                  /* assigned by enumeration (root buses: bus_nr) */
	uint8_t subordinate;             /* highest bus number below (enumeration) */
	bool is_root;
	struct pcisim_pcifn **fns;       /* functions on this bus, sorted by devfn */
	uint16_t nfns, capfns;
};

struct pcisim_pcifn {
	struct pcisim_comp comp;
	const struct pcisim_driver *drv;
	struct pcisim_fabric *fabric;
	struct pcisim_cfg cfg;
	struct pcisim_pcibus *bus;       /* where it sits (NULL for the host bridge of pcie.0) */
	struct pcisim_pcibus *secondary; /* bridges and host bridges: the bus below */
	uint8_t devfn;
	bool hotplugged;                 /* added by device_add (QEMU dev->hotplugged) */
	bool unplug_pending;             /* device_del asked (QEMU dev->pending_deleted_event) */
	pcisim_time unplug_pending_until; /* ... and refuses another until then (expires_ms) */
	bool powered;                    /* slot power (QEMU pci_set_power) */
	struct pcisim_props props;       /* the properties it was created with */
	const struct pcisim_ynode *where;/* topology entry, for messages */
	pcisim_time ready_at;            /* reset.c: config requests before this complete with RRS */
	struct pcisim_reset_image *reset_image; /* reset.c: realize-time values of resettable bits */
	char query_str[16];              /* the text a string query ("bdf") answers with */
	uint16_t mac_slot;               /* dev_endpoint.c: 1 + its default MAC's index, 0 = none */
};

static inline struct pcisim_pcifn *pcisim_to_fn(struct pcisim_comp *c)
{
	return (struct pcisim_pcifn *)c;
}

static inline uint16_t pcisim_fn_bdf(const struct pcisim_pcifn *f)
{
	return (uint16_t)((f->bus ? f->bus->number : 0) << 8 | f->devfn);
}

/* ---- device models ---- */

struct pcisim_bus_kind;

struct pcisim_driver {
	const char *name;            /* QEMU -device driver name */
	const char *help;
	enum pcisim_fn_kind kind;
	size_t size;                 /* sizeof the model's struct (embeds pcisim_pcifn first) */
	const struct pcisim_prop_def *props; /* driver-specific properties; ends with {0} */
	/* properties only some emulated QEMU versions have; ends with {0}; NULL = none */
	const struct pcisim_prop_gate *prop_gates;
	bool pcie;                   /* 4 KiB config space */
	bool bridge;                 /* type 1 header: has a secondary bus */
	bool hotpluggable;           /* may be device_add'ed / device_del'ed */
	/* exists only where the machine has this PCISIM_QEMU_* bit (0 = always), since QEMU @since */
	unsigned needs;
	const char *since;
	/* build config space and model state from properties; <0 with a diag on error */
	int (*realize)(struct pcisim_pcifn *fn, struct pcisim_diag *d);
	/* after every component exists (e.g. target= references) */
	int (*link)(struct pcisim_pcifn *fn, struct pcisim_diag *d);
	/*
	 * a guest config write: the model applies it (pcisim_cfg_write, or its own
	 * rules) and reacts; NULL = plain pcisim_cfg_write.
	 */
	void (*cfg_write)(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len);
	/* a guest config read; NULL = plain pcisim_cfg_read */
	uint32_t (*cfg_read)(struct pcisim_pcifn *fn, uint16_t off, unsigned len);
	void (*reset)(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind);
	/*
	 * Hotplug handler of a bridge's secondary bus (QEMU's HotplugHandler): checks
	 * before a child is realized, the plug callback after, and device_del's request.
	 * Errors are QEMU monitor errors: written to @d without a location.
	 */
	int (*pre_plug)(struct pcisim_pcifn *bridge, bool hotplug, struct pcisim_diag *d);
	void (*plug)(struct pcisim_pcifn *bridge, struct pcisim_pcifn *child, bool hotplug);
	int (*unplug_request)(struct pcisim_pcifn *bridge, struct pcisim_pcifn *child,
			      struct pcisim_diag *d);
	/*
	 * Migration as QEMU does it: the VMState name and field path printed in "Failed to
	 * load NAME:PATH" (NAME defaults to the driver name; PATH NULL = no VMState, the
	 * device sends no section), and whether the device blocks migration altogether.
	 */
	const char *vmsd_name;
	const char *vmsd_path;
	bool unmigratable;
	/* the rest of the component ops (save/load/describe/query), all optional */
	const struct pcisim_comp_ops *ops;
	/*
	 * A device that is not a PCI function (an I2C endpoint, later a memory backend or
	 * a Fabric Manager host): the kind of bus it sits on creates it, and @model is
	 * that bus kind's description of the device. Everything above but name, help and
	 * props is then unused. NULL: a PCI function.
	 */
	const struct pcisim_bus_kind *bus_kind;
	const void *model;
};

/**
 * struct pcisim_bus_kind - a kind of bus other than PCI (QEMU's bus types: "i2c-bus").
 * Its devices are components of their own, not PCI functions: the fabric checks the
 * common properties and the id, then hands the device over.
 *
 * @create: a device of @drv named @id on the bus its properties name; 0, or an error
 *          located in @d
 * @link:   after every device of a topology exists: the cross-references (target=)
 *          of this kind's devices
 */
struct pcisim_bus_kind {
	const char *name;
	int (*create)(struct pcisim_fabric *fab, const struct pcisim_driver *drv,
		      const struct pcisim_props *props, const char *id, bool hotplug,
		      struct pcisim_diag *d);
	int (*link)(struct pcisim_fabric *fab, struct pcisim_diag *d);
};

/** Register a bus kind (once; its link runs after the PCI functions', in this order). */
void pcisim_bus_kind_add(const struct pcisim_bus_kind *k);

/** Register a table of drivers (ends with {0}). */
void pcisim_drivers_add(const struct pcisim_driver *table);
const struct pcisim_driver *pcisim_driver_find(const char *name);
/** Driver names, sorted, NULL-terminated (free() the array). */
const char **pcisim_driver_names(void);
/** The properties every driver accepts besides its own (id, bus, addr, ...); ends with {0}. */
const struct pcisim_prop_def *pcisim_common_props(void);

/* ---- feature hooks ---- */

/**
 * struct pcisim_fabric_hooks - a feature that follows every function's life (links,
 * resets, AER; later HDM decoders, EEH). The fabric calls every registered feature,
 * in registration order, at each point; a NULL member is skipped. A new feature
 * registers its hooks from its own register function: fabric.c names no feature.
 *
 * @realized:   after the model's realize, before the bus's plug handler; an error
 *              undoes the creation (the component stays registered, removed)
 * @plugged:    after the bus's plug handler ran (the function is on its bus)
 * @removed:    the function left its bus (device_del completed, surprise removal)
 * @cfg_written: after every guest config write the model applied
 * @reset:      after the model's system reset (pcisim_fabric_reset)
 * @fn_reset:   after a reset of one function (pcisim_reset_fn: a bus reset, slot
 *              power, FLR), as QEMU's device reset runs the whole device's handler
 */
struct pcisim_fabric_hooks {
	const char *name;
	int (*realized)(struct pcisim_pcifn *fn, struct pcisim_diag *d);
	void (*plugged)(struct pcisim_pcifn *fn);
	void (*removed)(struct pcisim_pcifn *fn);
	void (*cfg_written)(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len);
	void (*reset)(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind);
	void (*fn_reset)(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind);
};

/** Register a feature's hooks (once; a second call with the same table is ignored). */
void pcisim_fabric_hooks_add(const struct pcisim_fabric_hooks *h);
/** Run every feature's @fn_reset hook for @fn (reset.c, after a function's reset). */
void pcisim_fabric_hooks_fn_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind);

/* ---- the fabric ---- */

struct pcisim_fabric {
	struct pcisim_sim *sim;
	struct pcisim_machine machine;
	struct pcisim_pcifn *root_host;  /* pcie.0's host bridge */
	struct pcisim_pcibus **buses;    /* in creation order */
	uint32_t nbuses, capbuses;
	struct pcisim_pcifn **fns;       /* every PCI function, creation order */
	uint32_t nfns, capfns;
	bool enumerated;
	/* set while the machine type creates its own fixed functions (QEMU's board code,
	 * pcisim_q35_create()): drivers that -device cannot name check it */
	bool machine_init;
	struct pcisim_cfg_masks **masks; /* distinct mask sets, one reference each */
	uint64_t *masks_hash;
	size_t nmasks;
	struct pcisim_arena arena; /* device properties and other per-run strings */
	void **kept; /* allocations that live as long as the fabric */
	size_t nkept;
};

extern const struct pcisim_ext_key pcisim_fabric_key;
/* the slow path of pcisim_fabric_get(): the sim has no fabric yet */
struct pcisim_fabric *pcisim_fabric_new(struct pcisim_sim *sim);
/* inline: models ask for their fabric per config access and per event */
static inline struct pcisim_fabric *pcisim_fabric_get(struct pcisim_sim *sim)
{
	struct pcisim_fabric *fab = pcisim_ext_get(sim, &pcisim_fabric_key);
	return fab ? fab : pcisim_fabric_new(sim);
}
struct pcisim_pcibus *pcisim_fabric_find_bus(struct pcisim_fabric *fab, const char *name);
struct pcisim_pcifn *pcisim_fabric_find_fn(struct pcisim_fabric *fab, const char *id);

/**
 * pcisim_device_create() - create a device from a driver and its properties (QEMU's
 * -device / device_add): checks the properties, places it on its bus at addr (or the
 * first free slot), realizes it. @hotplug marks a device_add. Errors go to @d with the
 * location of the entry (or of the property).
 */
int pcisim_device_create(struct pcisim_fabric *fab, const struct pcisim_props *props,
			 bool hotplug, struct pcisim_pcifn **out, struct pcisim_diag *d);
/**
 * pcisim_fabric_link() - after a topology's devices exist: every driver's link (target=
 * references) in creation order, then every bus kind's.
 */
int pcisim_fabric_link(struct pcisim_fabric *fab, struct pcisim_diag *d);
/** Unparent and remove a function (and everything below it). */
void pcisim_device_destroy(struct pcisim_fabric *fab, struct pcisim_pcifn *fn);

/** Bus numbers and BDFs as Linux enumerating depth-first would; bridge registers set. */
void pcisim_fabric_enumerate(struct pcisim_fabric *fab);

/** "0000:00:12.0"-style address into @buf. */
char *pcisim_fn_bdf_str(const struct pcisim_pcifn *fn, char *buf, size_t n);
/**
 * pcisim_bdf_format() - "bb:dd.f" of @bus and @devfn into @buf (truncated to @n), as
 * "%02x:%02x.%x" prints it but without snprintf: config requests and host scans name
 * functions this way many times a run.
 */
char *pcisim_bdf_format(unsigned bus, unsigned devfn, char *buf, size_t n);

/**
 * pcisim_fn_reset_default() - what QEMU's pci_do_device_reset does to every function:
 * writable and RW1C bits of Command and Status cleared, cache line size and interrupt
 * line zeroed, BARs back to their type bits; on a cold reset bridges lose their bus
 * numbers. Capability state is the model's (its .reset hook calls this first).
 */
void pcisim_fn_reset_default(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind);
/** System reset of every device in creation order (QEMU's machine reset). */
void pcisim_fabric_reset(struct pcisim_fabric *fab, enum pcisim_reset_kind kind);

/** Migration: a function's config bytes, and QEMU's load check against them. */
void pcisim_fn_save_config(struct pcisim_pcifn *fn, struct pcisim_blob *out);
int pcisim_fn_load_config(struct pcisim_pcifn *fn, struct pcisim_blob_reader *in,
			  struct pcisim_diag *d);
/**
 * pcisim_fn_query() - a function's named state as every model has it (powered, bdf,
 * config registers by regdesc name): the default query, and what a model's own query
 * falls back to for keys it does not know.
 */
int pcisim_fn_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v);
/** A function's identity and registers for dumps. */
void pcisim_fn_describe(struct pcisim_pcifn *fn, FILE *out);

/** A guest config access to @fn through its model's hooks. */
uint32_t pcisim_fn_cfg_read(struct pcisim_pcifn *fn, uint16_t off, unsigned len);
void pcisim_fn_cfg_write(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len);

/** Register the device model tables (every dev_*.c). */
void pcisim_pcie_models_register(void);
/** Keep @p (malloc'ed) alive until the fabric is freed. */
void pcisim_fabric_keep(struct pcisim_fabric *fab, void *p);
void pcisim_pcie_register(void);

#endif
