/*
 * Routed configuration requests: a Configuration Request TLP that leaves the root
 * complex, goes down the hierarchy bus by bus as the bridges' bus number registers
 * route it (PCIe r5.0 §7.3.3: Type 1 forwarded where Secondary <= bus <= Subordinate,
 * turned into Type 0 on the secondary bus), crosses each link it meets with that
 * link's latency (pcisim_link_tlp_latency()), is completed where it ends, and whose
 * Completion comes back the same way, link by link, to the requester's callback.
 *
 * How a request completes:
 *  SC   the function exists, is powered and ready: the access is done at the time
 *       the request arrives (reads return its data, writes go through its model
 *       exactly as pcisim_fn_cfg_write());
 *  UR   Unsupported Request, data all ones: no function at the address, a function
 *       whose slot power is off, a bus no bridge routes, or a link that is not up
 *       (the port above completes it; PCIe r5.0 §2.9.1);
 *  RRS  Configuration Request Retry Status (CRS before r6.0): the function is still
 *       in reset (fn->ready_at not reached; sim/pcie/reset.h). The data is all ones,
 *       except a read of the Vendor ID when the root port's Root Control CRS
 *       Software Visibility is enabled: 0x0001 there (PCIe r5.0 §2.3.2). The root
 *       complex does not retry on its own: the requester sees RRS and decides;
 *  CTO  the request or its completion was lost (a link it was crossing, or was
 *       about to cross on the way back, went down): the requester's Completion
 *       Timeout ends the request PCISIM_CFG_COMPLETION_TIMEOUT after it was issued,
 *       data all ones.
 *
 * Sizes on the wire: a configuration request has a 3-DW header (12 bytes) and, for
 * writes, one data DW; a completion with data (CplD) a 3-DW header and one DW; one
 * without (writes, UR, RRS) the header only. The root complex itself adds no latency.
 *
 * The callback runs as an event of class PCISIM_CLASS_MSG at the time the
 * completion reaches the root complex, never from inside pcisim_cfg_request(). The
 * host's synchronous pcisim_host_cfg_read() (sim/host/host.c) stays what it was:
 * QEMU's instant access without a journey or RRS.
 */
#ifndef PCISIM_PCIE_ROUTE_H
#define PCISIM_PCIE_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/component.h"
#include "sim/core/sim.h"
#include "sim/core/time.h"

struct pcisim_pcifn;

/* Completion Timeout: the upper end of the default range 50 us - 50 ms (PCIe r5.0 §7.5.3.16). */
#define PCISIM_CFG_COMPLETION_TIMEOUT (50 * PCISIM_MS)

/* TLP sizes without framing (PCIe r5.0 §2.2.7, §2.2.9). */
#define PCISIM_TLP_CFG_HDR 12 /* 3-DW header of a configuration request or completion */
#define PCISIM_TLP_DW 4

enum pcisim_cpl_status {
	PCISIM_CPL_SC,  /* Successful Completion */
	PCISIM_CPL_UR,  /* Unsupported Request */
	PCISIM_CPL_RRS, /* Configuration Request Retry Status (CRS) */
	PCISIM_CPL_CTO, /* no completion: Completion Timeout */
};

/** What the requester gets back. */
struct pcisim_cfg_cpl {
	enum pcisim_cpl_status status;
	uint32_t val;                   /* read data (see above); 0 for writes */
	uint8_t bus, devfn;             /* the request's address */
	uint16_t off;
	uint8_t len;
	bool write;
	pcisim_time issued, completed;  /* completed - issued is the round trip */
	unsigned links;                 /* links crossed on the way down */
	struct pcisim_pcifn *completer; /* the function or port that answered; NULL: root complex */
	uint64_t tag;                   /* the request's number, from 1 */
};

typedef void (*pcisim_cfg_done_fn)(struct pcisim_sim *sim, const struct pcisim_cfg_cpl *cpl,
				   void *ctx);

/**
 * pcisim_cfg_request() - issue a configuration read (@write false) or write of @val
 * of @len bytes (1, 2 or 4, naturally aligned, @off < 4096) to @bus/@devfn at the
 * current time, on behalf of @requester (traced; may be NULL). @done(@ctx) gets the
 * completion (may be NULL). Traced as "cfg.request" and "cfg.completion" records.
 * Return: the request's tag (> 0), or -PCISIM_EINVAL for a bad length or offset.
 */
int64_t pcisim_cfg_request(struct pcisim_sim *sim, struct pcisim_comp *requester, uint8_t bus,
			   uint8_t devfn, uint16_t off, unsigned len, bool write, uint32_t val,
			   pcisim_cfg_done_fn done, void *ctx);

/** pcisim_cpl_status_name() - "SC", "UR", "RRS", "CTO". */
const char *pcisim_cpl_status_name(enum pcisim_cpl_status s);

/** Requests issued but not completed yet. */
unsigned pcisim_cfg_in_flight(struct pcisim_sim *sim);

#endif
