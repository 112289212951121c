/*
 * Downstream Port Containment (PCIe r5.0 §6.2.10, the capability §7.9.15,
 * sim/pcie/regs/dpc.h) on ports that have the capability. QEMU's ports have none:
 * pcie-root-port gets it with the pcisim property `dpc=on` (sim/pcie/dev_root_port.c).
 *
 * Trigger (DPC Control [1:0], DPC Trigger Enable):
 *   00b  disabled;
 *   01b  an unmasked uncorrectable error the port detects that is fatal, or an
 *        ERR_FATAL received from below;
 *   10b  any unmasked uncorrectable error the port detects, or ERR_NONFATAL or
 *        ERR_FATAL received;
 *   11b  reserved: pcisim treats it as disabled.
 * Software Trigger (where the capability offers it) triggers with reason "see
 * extension", extension "software trigger", when the trigger is enabled.
 *
 * On a trigger: DPC Status Trigger Status, Trigger Reason (00b detected, 01b
 * ERR_NONFATAL, 10b ERR_FATAL) and DPC Error Source ID (the message's requester ID;
 * for an error the port detected, which the spec leaves undefined, the port's own),
 * then containment: the link below is held in Disabled (pcisim_link_hold() with
 * PCISIM_LINK_HOLD_DISABLE, the state sim/pcie/link.c gives a disabled link, plus
 * PCISIM_LINK_HOLD_DPC below, so the hold is DPC's own), which brings DL_Down (DLLLA
 * drops) and the link-down reset of the component below, as Link Disable does. A
 * request to anything below then meets a down link: config reads return all ones
 * and the port completes them with Unsupported Request (sim/pcie/route.c). The
 * message that triggered is discarded (not logged in Root Error Status); the port's
 * own error that triggered sends no message. With DPC Interrupt Enable, DPC
 * Interrupt Status is set and the port interrupts (MSI-X, else MSI, else INTx:
 * pcisim_port_notify()). Further errors while Trigger Status is set change nothing
 * and are discarded if they would have triggered.
 *
 * Release: the guest writes 1 to Trigger Status (RW1CS): the DPC hold is released,
 * and the Disabled hold with it unless Link Control Link Disable is set; the link
 * goes to Detect and trains (Linux dpc_reset_link then waits for it). A guest's
 * Link Disable written 1 while DPC holds the link is not mirrored (link.c sees the
 * link disabled already): after the release the link trains.
 *
 * Records: "dpc.trigger" (reason, source, status), "dpc.release" (status),
 * "dpc.discard" (a further error while contained).
 */
#ifndef PCISIM_PCIE_DPC_H
#define PCISIM_PCIE_DPC_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/pcie/link.h"

struct pcisim_port;

/* A link hold of DPC's own (the bits link.h defines stop at 1 << 3). */
#define PCISIM_LINK_HOLD_DPC (1u << 4)

/* Why DPC may trigger: the Trigger Reason values (DPC Status [2:1]). */
enum pcisim_dpc_reason {
	PCISIM_DPC_UNCOR = 0,    /* an unmasked uncorrectable error the port detected */
	PCISIM_DPC_NONFATAL = 1, /* ERR_NONFATAL received */
	PCISIM_DPC_FATAL = 2,    /* ERR_FATAL received */
	PCISIM_DPC_EXT = 3,      /* see Trigger Reason Extension (software trigger) */
};

/** pcisim_dpc_off() - @p's DPC capability offset, 0 without one. */
uint16_t pcisim_dpc_off(const struct pcisim_port *p);

/**
 * pcisim_dpc_would_trigger() - the truth table above: does DPC Control @ctl
 * trigger on @reason (for PCISIM_DPC_UNCOR, @fatal gives the error's severity)?
 * Pure.
 */
bool pcisim_dpc_would_trigger(uint16_t ctl, enum pcisim_dpc_reason reason, bool fatal);

/** pcisim_dpc_triggered() - is @p's DPC Trigger Status set (the link contained)? */
bool pcisim_dpc_triggered(const struct pcisim_port *p);

/**
 * pcisim_dpc_error() - an uncorrectable error reached DPC of @p: a message
 * received from below (@reason NONFATAL or FATAL, @source_id its requester ID) or
 * an unmasked uncorrectable error @p detected (@reason UNCOR, @fatal its
 * severity). Triggers as described above. Return: true when DPC consumed it
 * (triggered now, or already triggered and it would have triggered): the caller
 * must not deliver or send the message.
 */
bool pcisim_dpc_error(struct pcisim_port *p, enum pcisim_dpc_reason reason, bool fatal,
		      uint16_t source_id);

/** pcisim_dpc_status() - @p's DPC Status (0 without DPC), for port_driver.c's write hook. */
uint16_t pcisim_dpc_status(const struct pcisim_port *p);

/**
 * pcisim_dpc_port_cfg_written() - after a guest write to @p (masks applied):
 * Trigger Status cleared (it was set in @old_status) releases containment; a
 * Software Trigger written 1 reads 0 again and triggers.
 */
void pcisim_dpc_port_cfg_written(struct pcisim_port *p, uint16_t old_status, uint16_t off,
				 uint32_t val, unsigned len);

/** pcisim_dpc_register() - the record kinds of DPC. */
void pcisim_dpc_register(void);

#endif
