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
 * completion reaches the root complex, never from inside pcisim_cfg_request().
 *
 * pcisim_cfg_access_now() is the same rule without the journey: every routing
 * decision taken at the current time, the access done at once, nothing traced. It
 * is for the host's accesses that are modelled as instant (sim/host/cfg.h says which
 * and why); their outcomes are those a request issued now would get if no link or
 * function changed while it travelled.
 *
 * Other requests (memory reads and writes, messages) cross the same links:
 * pcisim_route_path_of() gives the links between the root complex and a function,
 * by topology (pcisim models no address windows), and pcisim_route_path_latency()
 * the time a TLP takes along them.
 */
#ifndef PCISIM_PCIE_ROUTE_H
#define PCISIM_PCIE_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/component.h"
#include "sim/core/sim.h"
#include "sim/core/time.h"

struct pcisim_pcifn;
struct pcisim_link;
struct pcisim_port;

/*
 * Links a request may cross. Every link leads to a bus of its own and a hierarchy has
 * 256 bus numbers, so no enumerated function is deeper than this: the bound is the
 * bus number space, not a table size (a deeper target would complete with UR).
 */
#define PCISIM_ROUTE_MAX_LINKS 256

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

/**
 * pcisim_cfg_access_now() - the access pcisim_cfg_request() describes, completed at
 * the current time: the same routing decisions (UR where a link is down, a bridge
 * unpowered or no function answers; RRS while the target is not ready after a reset,
 * with Vendor ID 0001h under CRS Software Visibility; SC otherwise, the access done
 * through the function's model). No latency, no events, no trace records; never CTO.
 * A bad length or offset completes as UR with all ones. @links in the result counts
 * the links the request would have crossed.
 */
struct pcisim_cfg_cpl pcisim_cfg_access_now(struct pcisim_sim *sim, uint8_t bus, uint8_t devfn,
					    uint16_t off, unsigned len, bool write, uint32_t val);

/**
 * struct pcisim_route_path - the links a TLP between the root complex and a function
 * crosses, in the order a request going down crosses them: the link below each root or
 * downstream port above the function (inside a switch, upstream to downstream port,
 * there is none).
 */
struct pcisim_route_path {
	unsigned n;
	struct pcisim_link *link[PCISIM_ROUTE_MAX_LINKS];
	struct pcisim_port *root_port; /* the root port above the function; NULL: none */
};

/**
 * pcisim_route_path_of() - the path to @fn by topology into @path. False (and an
 * empty path) when @fn is deeper than PCISIM_ROUTE_MAX_LINKS links: unreachable, as a
 * configuration request to it would be.
 */
bool pcisim_route_path_of(struct pcisim_pcifn *fn, struct pcisim_route_path *path);
/**
 * pcisim_route_path_ur_completer() - the port that completes a request along @path
 * with UR: the one above the first link from the root complex that is not up; NULL
 * when every link is up.
 */
struct pcisim_pcifn *pcisim_route_path_ur_completer(const struct pcisim_route_path *path);
/**
 * pcisim_route_path_latency() - the time a TLP of @bytes takes along @path one way:
 * the sum of its links' pcisim_link_tlp_latency(). Nominal: the jitter a fuzz run may
 * draw (pcisim_link_hop_latency()) applies to the crossings of configuration requests,
 * each of which is an event of its own.
 */
pcisim_time pcisim_route_path_latency(const struct pcisim_route_path *path, unsigned bytes);

/** pcisim_cpl_status_name() - "SC", "UR", "RRS", "CTO". */
const char *pcisim_cpl_status_name(enum pcisim_cpl_status s);

/** Requests issued but not completed yet. */
unsigned pcisim_cfg_in_flight(struct pcisim_sim *sim);

#endif
