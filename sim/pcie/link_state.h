/*
 * The state of a PCI Express link, as data: what struct pcisim_port embeds
 * (sim/pcie/port.h) and sim/pcie/link.c moves. link.h describes the model (timing,
 * registers, the qemu and spec link models) and its operations.
 *
 * DOC: LTSSM states (PCIe r5.0 §4.2.5, §4.2.6; the sub-states are not modelled)
 *  DETECT   no partner, or waiting to look for one (Detect.Quiet/Active); the
 *           state after reset, after a partner left and after Disabled ends
 *  POLLING  a receiver was detected: bit and symbol lock, TS1/TS2 exchange
 *  CONFIG   Configuration: link and lane numbers, width; Link Training (LT) is 1
 *  L0       the link is up and the Data Link Layer is active (DL_Up, DLLLA)
 *  RECOVERY retraining from L0 (Retrain Link, speed change); DL stays up, LT is 1
 *  HOTRESET hot reset in progress: the port's Secondary Bus Reset, or a hot reset or
 *           link-down reset propagated from the link above a switch; DL_Down
 *  DISABLED Link Control Link Disable is set; DL_Down until it is cleared
 */
#ifndef PCISIM_PCIE_LINK_STATE_H
#define PCISIM_PCIE_LINK_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/sim.h"
#include "sim/core/time.h"

struct pcisim_port;

enum pcisim_ltssm {
	PCISIM_LTSSM_DETECT,
	PCISIM_LTSSM_POLLING,
	PCISIM_LTSSM_CONFIG,
	PCISIM_LTSSM_L0,
	PCISIM_LTSSM_RECOVERY,
	PCISIM_LTSSM_HOTRESET,
	PCISIM_LTSSM_DISABLED,
};

/* Why a link may not train (bits of struct pcisim_link.hold). */
enum {
	PCISIM_LINK_HOLD_SBR = 1 << 0,    /* the port's Secondary Bus Reset is set */
	PCISIM_LINK_HOLD_PARENT = 1 << 1, /* the component above is in reset (propagated) */
	PCISIM_LINK_HOLD_DISABLE = 1 << 2, /* Link Control Link Disable is set */
	PCISIM_LINK_HOLD_SETLINK = 1 << 3, /* the scenario's set_link took it down */
};

struct pcisim_link {
	struct pcisim_port *port;  /* the downstream-facing port at the upper end */
	enum pcisim_ltssm state;
	bool dl_up;                /* Data Link Layer up (L0, Recovery) */
	bool partner;              /* a powered function is below */
	uint8_t hold;              /* PCISIM_LINK_HOLD_*: training blocked */
	uint8_t max_speed, max_width; /* the port's LNKCAP (speed code 1..6, lanes) */
	uint8_t speed, width;      /* negotiated at the last entry to L0 */
	pcisim_time training;      /* T: Detect -> L0; 0 = instant (QEMU) */
	bool spec;                 /* link_model spec; else qemu: LD/RL read-only, hot resets
				    * keep the link in L0, no DLLLA on ACPI-handled ports */
	pcisim_time hop_fixed;     /* fixed per-hop latency */
	pcisim_time hot_reset_at;  /* when HotReset was entered */
	pcisim_time up_at;         /* when L0 was last entered from Configuration */
	pcisim_timer timer;        /* the pending transition, if any */
	uint32_t transitions;      /* state changes so far */
	/*
	 * The last TLP latencies worked out (two divisions each), by TLP size: a request
	 * header and a completion with data cross each hop again and again. Valid while
	 * speed, width and hop_fixed are those it was worked out for.
	 */
	struct pcisim_link_lat {
		uint16_t bytes;
		uint8_t speed, width;
		pcisim_time fixed, latency;
	} lat[2];
};

#endif
