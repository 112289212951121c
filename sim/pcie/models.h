/*
 * Internal to the QEMU device models (sim/pcie/dev_*.c, and the models of sim/cxl and
 * sim/qemu built like them): what several of them share and nothing else needs.
 *   models.c       the model tables' registration, the compatibility flags a function
 *                  is built with, the header fields every PCI function has, the PCIe
 *                  port register quirks, the DSN and DOE capabilities
 *   model_props.c  properties several models read: link speed/width, *-reserve,
 *                  aer_log_max
 *   chassis.c      QEMU's (chassis, slot) registry
 */
#ifndef PCISIM_PCIE_MODELS_H
#define PCISIM_PCIE_MODELS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/pcie/caps.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/port.h"
#include "sim/pcie/port_driver.h"

/* The model tables, one per dev_*.c, registered by pcisim_pcie_models_register(). */
extern const struct pcisim_driver pcisim__root_port_drivers[];
extern const struct pcisim_driver pcisim__switch_drivers[];
extern const struct pcisim_driver pcisim__endpoint_drivers[];
extern const struct pcisim_driver pcisim__vfio_drivers[]; /* dev_vfio.c */

/* Stringify a number for a property's help ("(default " PCISIM__STR(16) ")"). */
#define PCISIM__XSTR(x) #x
#define PCISIM__STR(x) PCISIM__XSTR(x)

/*
 * Property table entries several models share (QEMU's PCIEPort and PCIESlot
 * properties, hw/pci/pcie_port.c; the root ports' rp_props).
 */
#define PCISIM__PROPS_PCIE_PORT                                                               \
	{"port", PCISIM_PROP_INT, "Link Capabilities Port Number (default 0)", 0, 255, NULL, true}, \
	{"aer_log_max", PCISIM_PROP_INT,                                                      \
	 "AER error log depth; above 0 the port offers Multiple Header Recording (default 8)", 0, \
	 128, NULL, true},                                                                    \
	{"x-pci-express-writeable-slt-bug", PCISIM_PROP_BOOL,                                 \
	 "Secondary Latency Timer writable (default: off, on for machine types <= 8.1)", 0, 0, \
	 NULL, false}
#define PCISIM__PROPS_PCIE_SLOT                                                               \
	{"chassis", PCISIM_PROP_INT,                                                          \
	 "chassis number; every root/downstream port needs its own (chassis, slot) pair (default 0)", \
	 0, 255, NULL, true},                                                                 \
	{"slot", PCISIM_PROP_INT, "Physical Slot Number in Slot Capabilities (default 0)", 0, 65535, \
	 NULL, true},                                                                         \
	{"hotplug", PCISIM_PROP_BOOL,                                                         \
	 "native PCIe hot-plug: Slot Capabilities HPS|HPC (default on)", 0, 0, NULL, true},   \
	{"x-do-not-expose-native-hotplug-cap", PCISIM_PROP_BOOL,                              \
	 "hide HPS|HPC (default: on for machine types <= 6.1 with ACPI hotplug on bridges)", 0, 0, \
	 NULL, true},                                                                         \
	{"x-native-hotplug", PCISIM_PROP_BOOL,                                                \
	 "QEMU 6.1.1 to 7.2's name for it, inverted: off hides HPS|HPC", 0, 0, NULL, true}
#define PCISIM__PROP_PCP                                                                      \
	{"power_controller_present", PCISIM_PROP_BOOL,                                        \
	 "Slot Capabilities Power Controller Present, Power Controller Control writable (default on)", \
	 0, 0, NULL, true}
#define PCISIM__PROPS_RES_RESERVE                                                             \
	{"bus-reserve", PCISIM_PROP_INT,                                                      \
	 "buses firmware should reserve below the port (QEMU resource-reserve capability; default unset)", \
	 0, 0xffffffff, NULL, true},                                                          \
	{"io-reserve", PCISIM_PROP_SIZE, "I/O space to reserve (default unset; 0 disables the I/O window)", \
	 0, 0, NULL, true},                                                                   \
	{"mem-reserve", PCISIM_PROP_SIZE, "non-prefetchable memory to reserve, below 4G (default unset)", \
	 0, 0, NULL, true},                                                                   \
	{"pref32-reserve", PCISIM_PROP_SIZE, "32-bit prefetchable memory to reserve (default unset)", 0, \
	 0, NULL, true},                                                                      \
	{"pref64-reserve", PCISIM_PROP_SIZE, "64-bit prefetchable memory to reserve (default unset)", 0, \
	 0, NULL, true}

/* ---- compatibility flags, header and port registers (models.c) ---- */

/**
 * pcisim__hide_native_hotplug() - does QEMU give @fn (a slot) no HPS/HPC? True when
 * the port's x-do-not-expose-native-hotplug-cap is on, which pc_q35_init() sets for
 * every PCIE slot when ICH9-LPC has ACPI hotplug on bridges and x-keep-pci-slot-hpc is
 * off (pc_compat_6_1, so machine types up to 6.1); an explicit property wins (or its
 * older name x-native-hotplug, inverted: QEMU 6.1.1 to 7.2, renamed in 8.0). A port
 * that is itself hot-plugged keeps HPC (pcie_cap_slot_init).
 */
bool pcisim__hide_native_hotplug(const struct pcisim_pcifn *fn);

/**
 * pcisim__compat() - the PCISIM_QEMU_* flags to build @fn with: the machine's
 * (sim/qemu/compat.c), with PCISIM_QEMU_HIDE_HPC set exactly when
 * pcisim__hide_native_hotplug() says so.
 */
unsigned pcisim__compat(const struct pcisim_pcifn *fn);

/**
 * pcisim__header() - the header fields QEMU's do_pci_register_device() writes: IDs,
 * revision, class code (@class24 = base << 16 | sub << 8 | prog-if), the
 * multi-function bit when the device was given multifunction=on, and for type 0
 * functions the default subsystem IDs 1af4:1100 (pci_set_default_subsystem_id; a
 * model with its own overwrites them after).
 */
void pcisim__header(struct pcisim_pcifn *fn, uint16_t vendor, uint16_t device, uint8_t rev,
		    uint32_t class24);

/**
 * pcisim__port_init_reg() - pci_bridge_initfn()/pcie_port_init_reg() register effects
 * on a PCI Express port: Status and Secondary Status cleared, the Bridge Control bits
 * that do not apply to PCIe read-only, the Secondary Latency Timer read-only on
 * machines >= 8.2 (@compat PCISIM_QEMU_SEC_LAT_RO).
 */
void pcisim__port_init_reg(struct pcisim_pcifn *fn, unsigned compat);

/** Is @fn on a root bus (pcie.0 or an expander bridge's)? QEMU pci_bus_is_root(). */
bool pcisim__on_root_bus(const struct pcisim_pcifn *fn);

/** A builder's failure as a located error naming the device (they report no text). */
int pcisim__build_failed(struct pcisim_pcifn *fn, int rc, const char *what, struct pcisim_diag *d);

/* ---- properties several models share (model_props.c) ---- */

/* QEMU's PCIELinkSpeed / PCIELinkWidth property values (qdev-properties-system.c). */
extern const char *const pcisim__speed_choices[];
extern const char *const pcisim__width_choices[];
/** x-speed as enum pcisim_link_speed (@dflt when absent). */
uint8_t pcisim__prop_speed(const struct pcisim_props *p, const char *name, uint8_t dflt);
/** x-width as a lane count (@dflt when absent). */
uint8_t pcisim__prop_width(const struct pcisim_props *p, const char *name, uint8_t dflt);

/**
 * pcisim__res_reserve() - the *-reserve properties of @fn (unset = all ones), checked
 * as pci_bridge_qemu_reserve_cap_init() does; a bad combination is a located error.
 */
int pcisim__res_reserve(struct pcisim_pcifn *fn, struct pcisim_res_reserve *r, struct pcisim_diag *d);

/**
 * pcisim__aer_log_max() - apply aer_log_max=0 to the AER capability at @aer: no
 * Multiple Header Recording (pcie_aer_init() offers it only with a log). Builders
 * that take no log size build it with the default of 8.
 */
void pcisim__aer_log_max(struct pcisim_pcifn *fn, uint16_t aer);

/* QEMU's "unset" for 64-bit serial numbers (IEEE RA null EUI-64, cxl_type3.c UI64_NULL). */
#define PCISIM__SN_UNSET UINT64_MAX

/* ---- QEMU's (chassis, slot) registry (chassis.c) ---- */

/**
 * pcisim__chassis_add_slot() - QEMU pcie_chassis_add_slot(): every PCIe slot (root
 * and downstream ports) needs its own (chassis, slot) pair. Records @fn's pair, or
 * reports QEMU's "Can't add chassis slot, error -16" naming the port that has it.
 */
int pcisim__chassis_add_slot(struct pcisim_pcifn *fn, unsigned chassis, unsigned slot,
			     struct pcisim_diag *d);

/* ---- what the port models share (dev_root_port.c, dev_switch.c; sim/cxl's ports) ---- */

/** QEMU pcie_chassis_add_slot() for @fn's chassis= and slot= properties. */
int pcisim__slot_register(struct pcisim_pcifn *fn, struct pcisim_diag *d);
/** A switch port's AER capability at 0x100 (aer_log_max from the properties). */
int pcisim__switch_aer(struct pcisim_pcifn *fn, unsigned compat, struct pcisim_diag *d);
/** xio3130_upstream_reset / cxl_usp_reset: bridge reset, error reporting enables off. */
void pcisim__usp_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind);
/** A downstream port's capability offsets found and its slot set up (port_driver.c). */
void pcisim__dsp_done(struct pcisim_pcifn *fn);
/** The driver hooks of every hot-pluggable downstream port. */
#define PCISIM__DOWNSTREAM_PORT_HOOKS PCISIM__DOWNSTREAM_PORT_HOOKS_SIZED(sizeof(struct pcisim_port))
#define PCISIM__DOWNSTREAM_PORT_HOOKS_SIZED(model_size)                                         \
	PCISIM_PORT_DRIVER_HOOKS_SIZED(PCISIM_FN_DOWNSTREAM_PORT, pcisim_port_reset, model_size), \
		.hotpluggable = true

/*
 * rp_realize() with a model's class hooks (ioh3420, cxl-rp): the fixed offsets and
 * defaults of the model, and @extend for what a subclass adds after ACS (cxl-rp: the
 * resource-reserve capability, its DVSECs and the component BAR). @res_reserve: the
 * *-reserve properties are read (and checked) first.
 */
struct pcisim__rp_model {
	uint16_t vendor, device;
	uint8_t rev;
	uint8_t exp_off;      /* rpc->exp_offset, 0 = first free */
	uint16_t acs_off;     /* rpc->acs_offset, 0 = none */
	uint8_t speed, width; /* defaults (no x-speed property: rp_instance_post_init) */
	bool speed_props;     /* x-speed / x-width properties override speed and width */
	bool res_reserve;
	bool ssvid_first_free;
	bool no_msi;          /* no interrupts_init: no MSI capability (QEMU 7.2's cxl-rp) */
	int (*extend)(struct pcisim_pcifn *fn, const struct pcisim_res_reserve *res,
		      struct pcisim_diag *d);
};
int pcisim__rp_realize(struct pcisim_pcifn *fn, const struct pcisim__rp_model *m,
		       struct pcisim_diag *d);
/** rp_reset_hold(): port reset, then the bridge windows disabled. */
void pcisim__rp_reset(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind);
/** The driver hooks every root port shares (port_driver.c). */
#define PCISIM__ROOT_PORT_HOOKS PCISIM_PORT_DRIVER_HOOKS(PCISIM_FN_ROOT_PORT, pcisim__rp_reset)
#define PCISIM__ROOT_PORT_HOOKS_SIZED(model_size) \
	PCISIM_PORT_DRIVER_HOOKS_SIZED(PCISIM_FN_ROOT_PORT, pcisim__rp_reset, model_size)

/* ---- extended capabilities QEMU may lay over others (models.c) ---- */

/** Device Serial Number capability (pcie_dev_ser_num_init). */
int pcisim__dsn(struct pcisim_cfg *c, uint16_t off, uint64_t serial);
/** DOE mailbox capability (pcie_doe_init) with its interrupt message @vec. */
int pcisim__doe(struct pcisim_cfg *c, uint16_t off, bool intr, uint16_t vec);

#endif
