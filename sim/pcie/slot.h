/*
 * A PCI Express hot-plug slot as QEMU emulates it (hw/pci/pcie.c pcie_cap_slot_*,
 * REFERENCE.md 2.2-2.4): Slot Capabilities/Control/Status in the port's PCI Express
 * capability, presence and Data Link Layer Link Active tied to the device below,
 * instant Command Completed, the hot-plug interrupt, and QEMU's rule that detaches
 * the device when the guest turns power and power indicator off.
 *
 * Every register change is traced as "slot.ctl" / "slot.sta" with old and new
 * values and the changed bits by name; every hot-plug event as "slot.event".
 */
#ifndef PCISIM_PCIE_SLOT_H
#define PCISIM_PCIE_SLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/diag.h"
#include "sim/core/time.h"
#include "sim/pcie/slot_state.h"

struct pcisim_port;
struct pcisim_pcifn;

/** 5 s: QEMU's pending_deleted_expires_ms for a device_del awaiting the guest (kept per
 * device, in struct pcisim_pcifn, as QEMU keeps it in the DeviceState). */
#define PCISIM_SLOT_PENDING_DELETE (5 * PCISIM_S)

void pcisim_slot_init(struct pcisim_slot *s, struct pcisim_port *p);
/** QEMU pcie_cap_slot_reset: volatile controls cleared, power per presence. */
void pcisim_slot_reset(struct pcisim_slot *s);
/** After the guest's config write has been applied: QEMU pcie_cap_slot_write_config. */
void pcisim_slot_write_config(struct pcisim_slot *s, uint16_t old_ctl, uint16_t old_sta,
			      uint16_t off, uint32_t val, unsigned len);
int pcisim_slot_pre_plug(struct pcisim_slot *s, bool hotplug, struct pcisim_diag *d);
void pcisim_slot_plug(struct pcisim_slot *s, struct pcisim_pcifn *child, bool hotplug);
int pcisim_slot_unplug_request(struct pcisim_slot *s, struct pcisim_pcifn *child,
			       struct pcisim_diag *d);
/** Surprise removal (no guest interaction): detach, clear PDS/DLLLA, PDC event. */
void pcisim_slot_surprise_remove(struct pcisim_slot *s);
/** The attention button (a guest-visible ABP event). */
void pcisim_slot_push_attention_button(struct pcisim_slot *s);
/** After an incoming migration: recompute hpev_notified and power, no interrupt. */
void pcisim_slot_post_load(struct pcisim_slot *s);
/** Link up/down below the slot (set_link): DLLLA and, where enabled, DLLSC. */
void pcisim_slot_link_changed(struct pcisim_slot *s, bool up);

/**
 * pcisim_slot_native() - does the port's own slot handle hot-plug on its secondary
 * bus (QEMU's pcie_cap_slot_*)? False where ACPI hot-plug on bridges took the bus
 * over (q35 machine types from 6.1) or the port has hotplug=off under it; then plug
 * and unplug leave the slot registers alone.
 */
bool pcisim_slot_native(const struct pcisim_slot *s);

/** Who handles hot-plug on a bridge's secondary bus (QEMU's hotplug handler of the bus). */
enum pcisim_hp_owner {
	PCISIM_HP_NATIVE, /* the port's own slot (pcie_cap_slot_*): Linux's pciehp drives it */
	PCISIM_HP_ACPI,   /* ICH9-LPC's ACPI PCI hot-plug (hw/acpi/pcihp.c): Linux's acpiphp */
	PCISIM_HP_NONE,   /* nobody: device_add and device_del are refused */
};

/**
 * pcisim_bridge_hp_owner() - who handles hot-plug below @bridge. A native handler
 * on a port whose slot has no Hot-Plug Capable bit counts as none, as it refuses
 * every hot-plug.
 */
enum pcisim_hp_owner pcisim_bridge_hp_owner(const struct pcisim_pcifn *bridge);
/** "pciehp", "acpi", "none": the name simulate, graph and --lspci show. */
const char *pcisim_hp_owner_name(enum pcisim_hp_owner o);

/**
 * pcisim_slot_register() - the slot follows the link below its port (link.h's
 * listeners): DLLLA and DLLSC on Data Link Layer up and down.
 */
void pcisim_slot_register(void);

/** Decode Slot Status / Slot Control bits by name ("PDS|PDC"), into @buf. */
char *pcisim_slot_sta_names(uint16_t v, char *buf, size_t n);
char *pcisim_slot_ctl_names(uint16_t v, char *buf, size_t n);

#endif
