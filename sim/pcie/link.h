/*
 * PCI Express links: the point-to-point connection between a downstream-facing port
 * (a root port or a switch downstream port) and the component below it (an endpoint,
 * a switch's upstream port, every function of a multi-function device), with an
 * approximate LTSSM, the negotiated speed and width, the port's Link Status, and the
 * time a TLP takes to cross it. docs/links-and-resets.md describes the model. The
 * link's state and the LTSSM states are declared in link_state.h (struct pcisim_port
 * embeds the link).
 *
 * Timing. One training time T per link (`link_training:` of the machine, or of the
 * port as a device property; default 0 = QEMU: every transition happens at once,
 * inside the access or command that caused it, because QEMU sets Link Status
 * synchronously). With T > 0 each transition is an event: Detect -> Polling after
 * T/4, Polling -> Configuration after T/2, Configuration -> L0 after the rest
 * (T - T/4 - T/2), Recovery -> L0 after that same Configuration share, and Hot Reset
 * lasts at least 2 ms (PCIe r5.0 §4.2.6.11, the Hot Reset timeout) and as long as
 * the reset is held. Every transition is traced as a "link.ltssm" record (from, to,
 * why).
 *
 * Registers (on the port; PCIe r5.0 §7.5.3.8): LT is 1 in Configuration and
 * Recovery; on entering L0 Current Link Speed and Negotiated Link Width take the
 * negotiated values (min of both ends' Link Capabilities, the speed also capped by
 * the port's Target Link Speed); DLLLA follows DL_Up/DL_Down through the slot code
 * (slot.c listens to the link: pcisim_slot_link_changed(), which raises DLLSC where
 * Slot Control enables it), on ports where QEMU reports it (LNKCAP DLLLARC, or the
 * device's x-pcie-lnksta-dllla, default on), except that on an instant link a
 * partner leaving does not clear DLLLA: as in QEMU the slot does that when it
 * unplugs (slot.c).
 * The register's speed and width follow function 0 of device 0 below the port, as
 * QEMU's pcie_sync_bridge_lnk() does; with none (an empty slot, or a card whose
 * functions sit elsewhere) the port shows its own maximum speed and width.
 *
 * Two models (the machine's `link_model:`). `qemu`, the default: as QEMU's ports,
 * Link Disable and Retrain Link are not writable, a Secondary Bus Reset resets the
 * functions below but keeps the link in L0 with DLLLA set, and ports whose bus ACPI
 * PCI hot-plug handles never show DLLLA. `spec`: the specification's link, where
 * Link Disable, Retrain Link and Secondary Bus Reset move the LTSSM as described above.
 */
#ifndef PCISIM_PCIE_LINK_H
#define PCISIM_PCIE_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/diag.h"
#include "sim/core/sim.h"
#include "sim/core/time.h"
#include "sim/core/ynode.h"
#include "sim/pcie/link_state.h"

struct pcisim_port;
struct pcisim_pcifn;

/* ---- timing constants (docs/links-and-resets.md gives their sources) ---- */

/*
 * Bytes a TLP gains on the wire: 8b/10b (2.5, 5 GT/s) STP 1 + sequence number 2 +
 * LCRC 4 + END 1; 128b/130b (8 GT/s and up) STP token 4 (it carries the sequence
 * number) + LCRC 4 (PCIe r5.0 §4.2.1.2, §4.2.2.3, §3.6.2). 8 either way.
 */
#define PCISIM_LINK_FRAMING_BYTES 8
/*
 * Fixed part of one hop: transmitter and receiver PHY pipelines, the Data Link
 * Layer and the receiving port's routing. An approximation of the order switch
 * vendors quote port to port (about 100-150 ns, e.g. 115 ns for a Gen5 switch).
 */
#define PCISIM_LINK_HOP_FIXED (100 * PCISIM_NS)
/* Minimum time in Hot Reset before Detect, PCIe r5.0 §4.2.6.11 (timed links only). */
#define PCISIM_LINK_HOT_RESET_TIME (2 * PCISIM_MS)

/** pcisim_ltssm_name() - "Detect", "Polling", "Configuration", "L0", ... */
const char *pcisim_ltssm_name(enum pcisim_ltssm s);

/** pcisim_link_speed_mts() - transfer rate of a LNKCAP/LNKSTA speed code in MT/s (0 for none). */
unsigned pcisim_link_speed_mts(unsigned speed);

/**
 * pcisim_link_serialize_ps() - time to put @bytes (already including framing) on a
 * link of speed code @speed and @width lanes, in picoseconds, rounded up:
 *   ceil(ceil(bytes / width) * 8 * (den / num) * 10^6 / MT/s)
 * with the encoding num/den = 8/10 below 8 GT/s and 128/130 from 8 GT/s on (64 GT/s
 * flit mode counted as 1/1). A byte goes down each lane in turn, so a TLP takes
 * ceil(bytes / width) symbol times. Speed code 0 counts as 2.5 GT/s, width 0 as x1.
 */
pcisim_time pcisim_link_serialize_ps(unsigned speed, unsigned width, unsigned bytes);

/**
 * pcisim_link_tlp_latency() - time for a TLP of @bytes (header, data and digest) to
 * cross @l at its negotiated speed and width: serialization of
 * @bytes + PCISIM_LINK_FRAMING_BYTES, plus the link's fixed per-hop latency.
 */
pcisim_time pcisim_link_tlp_latency(const struct pcisim_link *l, unsigned bytes);

/*
 * The declared bound of a hop's latency: a TLP may take up to this many percent
 * longer than pcisim_link_tlp_latency() (replay buffers, flow-control credits, the
 * other traffic on the link). Only fuzz draws it (site "link.hop").
 */
#define PCISIM_LINK_HOP_JITTER_PCT 50
/**
 * pcisim_link_hop_latency() - the time a TLP of @bytes takes to cross @l in this
 * run: pcisim_link_tlp_latency() in ordinary runs; under a jitter hook (fuzz) a
 * value in [nominal, nominal + PCISIM_LINK_HOP_JITTER_PCT%] through pcisim_jitter(),
 * recorded so that replay gives it back.
 */
pcisim_time pcisim_link_hop_latency(struct pcisim_sim *sim, struct pcisim_link *l, unsigned bytes);

/** The link of a downstream-facing port (NULL for other functions). */
struct pcisim_link *pcisim_link_of(struct pcisim_pcifn *port);
/** The link between @fn and the port above it (NULL when @fn is not below a port). */
struct pcisim_link *pcisim_link_above(struct pcisim_pcifn *fn);

/** DL_Up: the link is in L0 or Recovery and TLPs cross it. */
static inline bool pcisim_link_is_up(const struct pcisim_link *l)
{
	return l && l->dl_up;
}

/** Retrain Link: L0 -> Recovery -> L0 (ignored in any other state). */
void pcisim_link_retrain(struct pcisim_link *l, const char *why);
/**
 * pcisim_link_hold() / pcisim_link_release() - block or unblock training for the
 * reasons in @bits (PCISIM_LINK_HOLD_*). Holding for DISABLE takes the link to
 * Disabled, for SBR or PARENT to Hot Reset (DL_Down); releasing the last reason
 * goes to Detect (after the Hot Reset minimum, on timed links) and trains. The
 * functions below are not reset here: resets are sim/pcie/reset.c's.
 */
void pcisim_link_hold(struct pcisim_link *l, uint8_t bits, const char *why);
void pcisim_link_release(struct pcisim_link *l, uint8_t bits, const char *why);
/**
 * pcisim_link_restart() - back to Detect at once (fundamental reset, PERST#): DL_Down
 * if it was up, then train again if a partner is there and nothing holds it.
 */
void pcisim_link_restart(struct pcisim_link *l, const char *why);

/**
 * pcisim_link_partner() - the first function below @l's port (function 0 of the
 * device, normally), NULL with none.
 */
struct pcisim_pcifn *pcisim_link_partner(const struct pcisim_link *l);

/*
 * Listeners: the features that follow a link's changes register one (slot.c: DLLLA
 * and DLLSC; reset.c: the component below leaving reset and becoming ready). link.c
 * names no feature: at each change it calls every registered listener's member for
 * that change, in registration order, skipping NULL members.
 */
/**
 * struct pcisim_link_listener - what a feature does when a link changes.
 * @dl_changed: the Data Link Layer of @l went up (@up; Link Status already shows the
 *              negotiated speed and width) or down; @partner_leaving: down because
 *              the function below leaves an instant (QEMU) link
 * @released:   the component below @l is out of reset: the link entered Detect (out
 *              of Hot Reset or Disabled, or restarted), or, under link_model qemu, a
 *              hot reset hold ended with the link still up
 * @ready:      the link above the component below @l is up at @now with nothing
 *              holding it (it entered L0, or under link_model qemu a hot reset hold
 *              ended with the link up): what waits for the link may go on
 * When the link comes up, @dl_changed runs before @ready; when a qemu hot reset hold
 * ends, @released before @ready. Only links with a component below (the port's
 * secondary bus) report @released and @ready.
 */
struct pcisim_link_listener {
	const char *name;
	void (*dl_changed)(struct pcisim_link *l, bool up, bool partner_leaving);
	void (*released)(struct pcisim_link *l);
	void (*ready)(struct pcisim_link *l, pcisim_time now);
};

/** Register a listener (once; a second call with the same listener is ignored). */
void pcisim_link_listener_add(const struct pcisim_link_listener *ls);

/**
 * pcisim_link_parse_training() - a `link_training:` value: a duration ("20ms", "0")
 * or "qemu" (instant). Return: 0 or -PCISIM_EINVAL with a located error in @d.
 */
int pcisim_link_parse_training(const struct pcisim_ynode *n, pcisim_time *out,
			       struct pcisim_diag *d);

/** Register the record kinds of links, resets and routed config requests. */
void pcisim_link_register(void);

#endif
