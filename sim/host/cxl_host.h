/*
 * Linux's CXL drivers as a guest sees them (host: {cxl: on}): cxl_acpi (the root and
 * its decoders from the CEDT's fixed memory windows, a port per CXL host bridge),
 * cxl_pci (a memdev per function of class 0x050210: register locator DVSEC, the
 * component and device register blocks, the mailbox's Identify Memory Device),
 * cxl_mem and cxl_port (an endpoint port per memdev, the HDM decoders of every port)
 * and cxl_region (regions over a root decoder: decoders programmed and committed,
 * the memory onlined; teardown in reverse). sim/host/cxl_host.c probes,
 * sim/host/cxl_region.c makes and tears down regions, sim/host/cxl_io.c reads them,
 * sim/host/cxl_ras.c is cxl_pci's error handling.
 *
 * The model reaches the hardware only as the guest does: config accesses through
 * sim/host/cfg.h, register accesses through the BARs it assigned (sim/pcie/mmio.h),
 * and a host bridge's component registers at its CHBS (the register interface of
 * sim/cxl/regs.h, since a CHBS is no BAR). This header is the state as data: what
 * `pcisim simulate --cxl-list` prints the way `cxl list -vvv` does.
 */
#ifndef PCISIM_HOST_CXL_HOST_H
#define PCISIM_HOST_CXL_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/host/aer_rec.h"
#include "sim/host/cfg.h"
#include "sim/host/host_config.h"

struct pcisim_pcifn;
struct pcisim_host;

#define PCISIM_CXLH_MAX_MEMDEVS 16
#define PCISIM_CXLH_MAX_PORTS 16
#define PCISIM_CXLH_MAX_ROOT_DECODERS 16
#define PCISIM_CXLH_MAX_REGIONS 16
#define PCISIM_CXLH_MAX_DECODERS 4   /* per port (CXL_HDM_DECODERS_MAX) */
#define PCISIM_CXLH_MAX_WAYS 16
#define PCISIM_CXLH_MAX_DC_PARTS 8   /* DC regions a device reports (CXL r3.1 Table 8-176) */
#define PCISIM_CXLH_MAX_SWITCH_LEVELS 4 /* switches stacked between a root port and a memdev */
#define PCISIM_CXLH_MAX_EXTENTS 64   /* extents the host keeps per memdev (accepted, or a More chain) */
#define PCISIM_CXLH_EVENT_LOGS 5     /* informational, warning, failure, fatal, dynamic capacity */

/* A HDM decoder of a switch-level port or an endpoint, as Linux keeps it (struct cxl_decoder). */
struct pcisim_cxlh_decoder {
	bool in_use;          /* part of a region */
	int region;           /* its index, -1: none */
	uint64_t base, size;  /* HPA range */
	unsigned ways, granularity;
	uint64_t dpa_base, dpa_size; /* endpoints: its DPA Skip register, and the DPA bytes it maps */
	uint8_t targets[8];   /* ports: the dports' Port Numbers in interleave order */
	bool committed;       /* Linux read Committed back */
};

/* A port (struct cxl_port): "port1" for a host bridge or a switch, "endpoint3" for a memdev. */
struct pcisim_cxlh_port {
	unsigned id;                 /* portN / endpointN */
	bool endpoint;
	struct pcisim_pcifn *fn;     /* pxb-cxl, a switch's upstream port, or the memdev's function */
	int parent;                  /* switches: the index of the port above (a switch or the host bridge); -1 otherwise */
	int comp_bar;                /* switches: the component block's BAR (-1: a host bridge's CHBS) */
	uint64_t comp_off;
	int memdev;                  /* endpoints: index into memdevs */
	struct pcisim_pcifn *dports[8]; /* the CXL root ports (or a switch's downstream ports) below */
	uint8_t dport_pn[8];         /* their Port Numbers (Link Capabilities) */
	unsigned ndports;
	bool passthrough;            /* one dport: Linux's passthrough decoder, nothing programmed */
	unsigned ndecoders;          /* from the HDM Decoder Capability */
	struct pcisim_cxlh_decoder dec[PCISIM_CXLH_MAX_DECODERS];
};

/* A DC region as Get Dynamic Capacity Configuration reports it (struct cxl_dc_region_info). */
struct pcisim_cxlh_dc_part {
	uint64_t base, decode_len, len, block_size; /* DPA, bytes */
};

/* A dynamic capacity extent as the host keeps it (the series' struct cxl_extent / dc_extent). */
struct pcisim_cxlh_extent {
	uint64_t start, len;  /* DPA */
	uint8_t tag[16];
	uint16_t shared_seq;
	int region;           /* accepted: the region it surfaced in */
};

/* A memdev (struct cxl_memdev, struct cxl_dev_state). */
struct pcisim_cxlh_memdev {
	unsigned id;                 /* memN */
	struct pcisim_pcifn *fn;
	char bdf[16];
	bool removed;                /* cxl_pci unbound */
	bool detached;               /* cxl_mem unbound: no endpoint (removal, or an error's release) */
	int comp_bar, dev_bar;       /* BARs of the register blocks (register locator DVSEC) */
	uint32_t saved_bars[6];      /* pci_save_state(): the BARs after probe */
	uint16_t saved_cmd;          /* ... and the Command register */
	uint64_t comp_off, dev_off;  /* offsets in those BARs */
	uint64_t mbox, memdev_status;/* device block offsets of the mailbox and status (capability array) */
	char fw[17];                 /* Identify: firmware revision */
	uint64_t ram, pmem;          /* Identify: volatile-only and persistent-only capacity */
	uint32_t lsa;                /* Identify: label storage area size */
	uint64_t serial;             /* Device Serial Number capability */
	struct pcisim_pcifn *root_port, *host_bridge;
	int hb_port;                 /* index into ports of its host bridge port */
	/* the ports above, bottom up (each switch's upstream port, then the host bridge):
	 * indices into ports, and the Port Number of the dport each reaches the memdev through */
	int chain[PCISIM_CXLH_MAX_SWITCH_LEVELS + 1];
	uint8_t chain_pn[PCISIM_CXLH_MAX_SWITCH_LEVELS + 1];
	unsigned nchain;
	int endpoint;                /* index into ports of its endpoint */
	uint64_t dpa_used;           /* pmem allocated to regions, from the pmem partition's start */
	uint64_t ram_used;           /* volatile capacity allocated to ram regions, from DPA 0 */
	/* event interrupts (cxl_events.c): cxl_event_config() done, each log's message number */
	bool events_irq;
	int event_msgnum[PCISIM_CXLH_EVENT_LOGS]; /* -1: no handler for the log */
	bool event_thread_queued;    /* the threaded handler is scheduled (IRQF_ONESHOT) */
	/* dynamic capacity (cxl_dcd.c; the DCD series, host: {cxl_dcd: on}) */
	bool dcd;                    /* cxl_dcd_supported(): Get Dynamic Capacity Configuration answered */
	unsigned ndc;
	struct pcisim_cxlh_dc_part dc[PCISIM_CXLH_MAX_DC_PARTS];
	uint64_t dc_used;            /* DC partition 0 bytes allocated to regions */
	struct pcisim_cxlh_extent ext[PCISIM_CXLH_MAX_EXTENTS]; /* accepted, in the order accepted */
	unsigned next;
	struct pcisim_cxlh_extent add_chain[PCISIM_CXLH_MAX_EXTENTS]; /* Add Capacity records of an open More chain */
	unsigned nadd_chain;
};

/* A root decoder (struct cxl_root_decoder): one per CEDT CFMWS, "decoder0.N". */
struct pcisim_cxlh_root_decoder {
	unsigned window;             /* the fixed memory window's index */
	uint64_t base, size;
	unsigned ways, granularity;
	int targets[PCISIM_CXLH_MAX_WAYS]; /* ports' indices, in interleave order (-1: absent) */
};

enum pcisim_cxlh_region_state {
	PCISIM_CXLH_REGION_NONE = 0,
	PCISIM_CXLH_REGION_COMMITTED,  /* decoders committed, memory not online */
	PCISIM_CXLH_REGION_ONLINE,     /* memory onlined (dax -> kmem -> memory blocks) */
	PCISIM_CXLH_REGION_DESTROYED,
};

/* A region (struct cxl_region): regionN. */
struct pcisim_cxlh_region {
	unsigned id;
	enum pcisim_cxlh_region_state state;
	bool pmem;                   /* type pmem (else ram or dynamic_ram_a) */
	bool dc;                     /* type dynamic_ram_a: memory only as extents arrive */
	int root;                    /* index into root decoders */
	uint64_t base, size;
	unsigned ways, granularity;
	int memdevs[PCISIM_CXLH_MAX_WAYS]; /* in interleave position order */
	int ep_decoder[PCISIM_CXLH_MAX_WAYS]; /* each endpoint's decoder index */
	int port_decoder[PCISIM_CXLH_MAX_PORTS]; /* per switch or host bridge port: its decoder, -1 none */
	unsigned memory_blocks;      /* online 128 MiB memory blocks */
};

/* A reader of a region's memory (cxl_io.c): dd if=/dev/daxN.M of=/dev/null. */
struct pcisim_cxlh_io {
	const char *name;
	int region;
	pcisim_time interval;
	uint64_t size;               /* bytes per read, a multiple of 64 */
	uint64_t cursor;             /* offset of the next read in the region */
	bool running;
	uint64_t issued, completed, failed;
	int last_error;              /* the last failure's -PCISIM_CXL_DEC_*, 0: none yet */
	pcisim_timer next;
};
#define PCISIM_CXLH_MAX_IO 8

struct pcisim_cxl_host {
	struct pcisim_host *h;
	uint64_t mmio_next;          /* the BAR allocator */
	/* each made when Linux first probes one (5.6 KB each: a fixed array of them was
	 * 90 KB zeroed at every boot); the first nmemdevs are Linux's */
	struct pcisim_cxlh_memdev *memdevs[PCISIM_CXLH_MAX_MEMDEVS];
	unsigned nmemdevs;
	struct pcisim_cxlh_port ports[PCISIM_CXLH_MAX_PORTS];
	unsigned nports;
	struct pcisim_cxlh_root_decoder roots[PCISIM_CXLH_MAX_ROOT_DECODERS];
	unsigned nroots;
	struct pcisim_cxlh_region regions[PCISIM_CXLH_MAX_REGIONS];
	unsigned nregions;
	struct pcisim_cxlh_io io[PCISIM_CXLH_MAX_IO];
	unsigned nio;
};

/** The CXL host model of @sim, NULL when the host has none (no host, or cxl off). */
struct pcisim_cxl_host *pcisim_cxl_host_of(struct pcisim_sim *sim);

/** At Linux's boot (host.c), with cxl on: cxl_acpi, cxl_pci, cxl_mem, cxl_port probe. */
void pcisim_cxl_host_boot(struct pcisim_host *h);
/** Linux added @fn after boot (host.c): a memdev is probed (cxl_pci, cxl_mem). */
void pcisim_cxl_host_fn_added(struct pcisim_host *h, struct pcisim_pcifn *fn);
/** Linux forgets @fn (host.c): a memdev's teardown (cxl_region.c), in the order that must hold. */
void pcisim_cxl_host_fn_removed(struct pcisim_host *h, struct pcisim_pcifn *fn, bool surprise);

/** Stop every reader of region @region (cxl_io.c): the teardown's first step; @why for the record. */
void pcisim_cxlh_io_stop_region(struct pcisim_cxl_host *c, int region, const char *why);
/** cxl_io.c's actions and record kinds. */
extern const struct pcisim_action_def pcisim_cxl_io_actions[];
extern const struct pcisim_record_kind pcisim_cxl_io_kinds[];

/** cxl_mem unbinds memdev @i (cxl_region.c): its regions torn down in order (stop I/O, offline, unmap), its endpoint removed. */
void pcisim_cxlh_memdev_detach(struct pcisim_cxl_host *c, unsigned i, const char *why);

/* ---- cxl_pci's error handlers (cxl_ras.c) ---- */
/** cxl_pci_ras_unmask() at probe. */
void pcisim_cxlh_ras_unmask(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m, enum pcisim_host_instant why);
/** cxl_mem bound again (cxl_host.c): the endpoint's decoders enumerated anew. */
void pcisim_cxlh_reattach(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m);
/**
 * pcisim_cxl_host_aer_cb() - cxl_pci's vote in recovery callback @cb for @dev (its
 * log lines from @logc), PCISIM_ERS_ABSENT when @dev is no memdev of the model.
 */
enum pcisim_ers pcisim_cxl_host_aer_cb(struct pcisim_host *h, struct pcisim_pcifn *dev, enum pcisim_aer_cb cb,
				       bool frozen, struct pcisim_comp *logc);
/** cxl_cor_error_detected() for @dev; false when @dev is no memdev of the model. */
bool pcisim_cxl_host_cor_error(struct pcisim_host *h, struct pcisim_pcifn *dev, struct pcisim_comp *logc);

/* ---- register access as the guest makes it (cxl_host.c) ---- */
/** A 4-byte read of @m's component block at @off (BAR-relative); all ones when nothing answers. */
uint32_t pcisim_cxlh_comp_read(struct pcisim_cxl_host *c, const struct pcisim_cxlh_port *p, uint64_t off);
/** A 4-byte write; false when nothing took it (BAR gone, device gone). */
bool pcisim_cxlh_comp_write(struct pcisim_cxl_host *c, const struct pcisim_cxlh_port *p, uint64_t off,
			    uint32_t val);

/* ---- the mailbox as cxl_pci drives it (cxl_host.c) ---- */
/**
 * pcisim_cxlh_mbox() - one command through the doorbell (__cxl_pci_mbox_send_cmd);
 * the output (up to @out_max bytes) into @out. Return: the mailbox return code, -1
 * when the doorbell never cleared. Leaves a cxl.mbox record.
 */
int pcisim_cxlh_mbox(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m, uint16_t opcode, const uint8_t *in,
		     unsigned in_len, uint8_t *out, unsigned out_max, unsigned *out_len);
/** A read of @m's device register block at @off. */
uint64_t pcisim_cxlh_dev_read(struct pcisim_cxlh_memdev *m, uint64_t off, unsigned len);

/* ---- event logs and their interrupts (cxl_events.c) ---- */
/**
 * pcisim_cxlh_events_config() - cxl_event_config() at probe, when the host asks for it
 * (cxl_event_irq, or cxl_dcd for the dynamic capacity log): MSI-X on, Set and Get
 * Event Interrupt Policy, a handler per message number, then every log read once.
 */
void pcisim_cxlh_events_config(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m);
extern const struct pcisim_record_kind pcisim_cxl_events_kinds[];

/* ---- dynamic capacity (cxl_dcd.c) ---- */
/** cxl_dev_dc_identify() at probe: Get Dynamic Capacity Configuration; sets m->dcd. */
void pcisim_cxlh_dc_identify(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m);
/** cxl_handle_dcd_event_records(): one record of the dynamic capacity log. */
void pcisim_cxlh_dc_event(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m, const uint8_t *rec);
/** Is any reader of region @region running (its memory mapped and in use)? */
bool pcisim_cxlh_region_in_use(const struct pcisim_cxl_host *c, int region);
extern const struct pcisim_record_kind pcisim_cxl_dcd_kinds[];

/** The record kinds and timeline actions (register.c). */
extern const struct pcisim_record_kind pcisim_cxl_host_kinds[];
extern const struct pcisim_action_def pcisim_cxl_host_actions[];

#endif
