/*
 * Resets of PCI Express functions, and how long a function takes to become ready
 * again (PCIe r5.0 §6.6): Function Level Reset, Secondary Bus Reset, hot reset and
 * link-down reset propagated through switches, Link Disable, and fundamental (cold)
 * reset of everything below a port. docs/links-and-resets.md describes the model.
 *
 * What a reset does to one function (pcisim_reset_fn()):
 *  - config space: every guest-writable (RW) and RW1C bit goes back to its value at
 *    realize time, except sticky bits (RWS, RW1CS, ROS: AER status, masks, severity,
 *    header log, ...) on a warm reset or FLR; a cold reset restores sticky bits
 *    (read-only sticky bits too) as well. An FLR leaves the link registers (Link
 *    Control, Link Status, Link Control 2, Link Status 2) and Device Control
 *    Max_Payload_Size alone (PCIe r5.0 §6.6.2). Slot Control and Slot Status of a
 *    port are its slot model's (their reset values follow presence);
 *  - then the model's own reset (the driver's .reset hook, which starts with
 *    pcisim_fn_reset_default(), or that function alone);
 *  - a "pci.reset" record (kind: cold, warm, flr; why).
 *
 * Readiness: a function is not ready (config requests complete with Configuration
 * Request Retry Status) until fn->ready_at: 100 ms after an FLR was initiated, and
 * 100 ms after its link reached L0 again after a conventional reset (PCIe r6.0 §6.6.1,
 * §6.6.2; Linux PCIE_RESET_CONFIG_DEVICE_WAIT_MS, pcie_flr()). Functions that exist
 * when the machine is built were reset by firmware before time 0 and are ready.
 */
#ifndef PCISIM_PCIE_RESET_H
#define PCISIM_PCIE_RESET_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/component.h"
#include "sim/core/time.h"
#include "sim/pcie/fabric.h"

struct pcisim_port;

/* 100 ms: reset (FLR, or link up after a conventional reset) to config-ready. */
#define PCISIM_RESET_READY_TIME (100 * PCISIM_MS)

/**
 * pcisim_reset_fn() - reset one function (@kind COLD, WARM or FLR) as described
 * above; @why is traced. Does not touch readiness, links or functions below.
 */
void pcisim_reset_fn(struct pcisim_pcifn *fn, enum pcisim_reset_kind kind, const char *why);

/**
 * pcisim_reset_flr() - Function Level Reset of @fn: pcisim_reset_fn(FLR), then not
 * ready for PCISIM_RESET_READY_TIME. Other functions, links and what lies below a
 * bridge function are untouched.
 */
void pcisim_reset_flr(struct pcisim_pcifn *fn, const char *why);

/**
 * pcisim_reset_below() - a conventional reset of the component below @p's link and,
 * through switches, of everything below it: every function is reset (@kind WARM for
 * hot/link-down resets, COLD for fundamental) and not ready until its link is up
 * again; the links of ports inside the component are held in Hot Reset until the
 * link above them leaves Hot Reset or Disabled. @p itself is not reset.
 */
void pcisim_reset_below(struct pcisim_port *p, enum pcisim_reset_kind kind, const char *why);

/**
 * pcisim_reset_sbr() - @p's Bridge Control Secondary Bus Reset changed to @asserted:
 * set, the link goes to Hot Reset and everything below is reset (warm); cleared,
 * the link leaves Hot Reset and trains. (QEMU resets the secondary bus on the 0->1
 * edge, pci_bridge_write_config().)
 */
void pcisim_reset_sbr(struct pcisim_port *p, bool asserted);

/**
 * pcisim_reset_link_disable() - @p's Link Control Link Disable changed to @disabled:
 * set, the link goes to Disabled (DL_Down, DLLLA drops, DLLSC where enabled) and the
 * component below takes a link-down reset (warm); cleared, the link trains again.
 */
void pcisim_reset_link_disable(struct pcisim_port *p, bool disabled);

/**
 * pcisim_reset_fundamental() - PERST# of the slot below @p: everything below is
 * reset cold (sticky bits too) and the link restarts from Detect.
 */
void pcisim_reset_fundamental(struct pcisim_port *p, const char *why);

/**
 * pcisim_reset_component_up() - the link above the component on @bus reached L0 at @now:
 * its functions that wait for it become ready at @now + PCISIM_RESET_READY_TIME, and
 * the links of the ports in it are released from the propagated reset.
 */
void pcisim_reset_component_up(struct pcisim_pcibus *bus, pcisim_time now);
/** The link above the component on @bus left Hot Reset or Disabled: its links may train. */
void pcisim_reset_component_released(struct pcisim_pcibus *bus);

/** Is @fn ready for config requests at time @t? */
static inline bool pcisim_reset_is_ready(const struct pcisim_pcifn *fn, pcisim_time t)
{
	return t >= fn->ready_at;
}

/*
 * Fabric hooks.
 */
/**
 * pcisim_reset_port_cfg_written() - after the masks of a guest write to port @p were
 * applied (before the slot's hook): a change of Bridge Control Secondary Bus Reset
 * from @old_bctl asserts or deasserts the reset; Link Control Link Disable written 1
 * disables the link (a link-down reset below) and written 0 enables it again, Retrain
 * Link written 1 retrains (where the link model makes them writable; reset.c).
 */
void pcisim_reset_port_cfg_written(struct pcisim_port *p, uint16_t old_bctl, uint16_t off,
				   uint32_t val, unsigned len);

/**
 * pcisim_reset_register() - the reset feature's fabric hooks, and its link listener:
 * the component below a link is released (pcisim_reset_component_released()) and
 * becomes ready (pcisim_reset_component_up()) as the link says (link.h).
 */
void pcisim_reset_register(void);

#endif
