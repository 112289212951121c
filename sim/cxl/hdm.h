/*
 * CXL host physical address decoding (CXL r3.1 §8.2.4.20, §9.13.1; QEMU
 * hw/cxl/cxl-host.c cxl_cfmws_find_device / cxl_hdm_find_target, hw/mem/cxl_type3.c
 * cxl_type3_dpa): a fixed memory window picks a host bridge, the host bridge's and a
 * switch upstream port's committed HDM decoders pick a port by interleave position,
 * and the device's decoders turn the HPA into a device physical address (DPA).
 *
 * Contract: pure arithmetic on the decoders' current register values; nothing is
 * recorded, nothing allocated, the same HPA always gives the same answer until a
 * decoder register changes. Interleave ways are encoded as the registers hold them
 * (0..4 = 1, 2, 4, 8, 16 ways; 8, 9, 10 = 3, 6, 12 ways), granularity as IG
 * (256 << IG bytes, IG 0..6).
 */
#ifndef PCISIM_CXL_HDM_H
#define PCISIM_CXL_HDM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/pcie/fabric.h"

/** Ways of encoding @iw, or 0 when it encodes none. */
unsigned pcisim_cxl_ways_dec(unsigned iw);
/** The encoding of @ways, or -1 when no decoder can interleave that many. */
int pcisim_cxl_ways_enc(unsigned ways);
/** Granularity bytes of encoding @ig (256 << ig). */
static inline uint64_t pcisim_cxl_ig_bytes(unsigned ig)
{
	return 256ull << ig;
}
/** The encoding of @bytes (256 .. 16384, a power of two), or -1. */
int pcisim_cxl_ig_enc(uint64_t bytes);

/**
 * pcisim_cxl_target_index() - which of a decoder's targets serves @hpa: the
 * granule number modulo the ways.
 */
static inline unsigned pcisim_cxl_target_index(uint64_t hpa, unsigned ig, unsigned ways)
{
	return (unsigned)((hpa >> (ig + 8)) % ways);
}

/**
 * pcisim_cxl_dpa_offset() - a device decoder's DPA offset for HPA offset @off (HPA -
 * decoder base): keep the low 8+@ig bits and remove the interleave bits above them
 * (power-of-two ways), or divide the granule number by 3 (3, 6, 12 ways).
 */
uint64_t pcisim_cxl_dpa_offset(uint64_t off, unsigned ig, unsigned iw);

/** Where an HPA goes: the path and the device's DPA. */
struct pcisim_cxl_route {
	const struct pcisim_cxl_fmw *window; /* the fixed memory window */
	unsigned window_index;
	struct pcisim_pcifn *host_bridge;  /* pxb-cxl */
	struct pcisim_pcifn *root_port;
	struct pcisim_pcifn *switch_up;    /* the switch nearest the device; NULL without one */
	struct pcisim_pcifn *switch_down;
	struct pcisim_pcifn *device;       /* the type 3 device */
	uint64_t dpa;
	/* How many bytes from the HPA on (a multiple of 64, at least 64) decode the same
	 * way: to this device, at DPAs in the same order and as far apart. It ends at the
	 * first interleave granule boundary of an interleaving window or decoder, at the
	 * end of a window or decoder, or where an earlier decoder in a list begins. Within
	 * one event (decoders cannot change), a caller reading line by line may decode the
	 * first line of a span only. */
	uint64_t span;
};

/** Decode failures (negative returns of pcisim_cxl_decode). */
enum {
	PCISIM_CXL_DEC_NO_WINDOW = 1, /* in no fixed memory window */
	PCISIM_CXL_DEC_NO_HB,         /* the window's target is no present host bridge */
	PCISIM_CXL_DEC_NO_DECODER,    /* no committed HDM decoder covers the HPA */
	PCISIM_CXL_DEC_NO_PORT,       /* no port with the target's port number */
	PCISIM_CXL_DEC_NO_DEVICE,     /* nothing (or no type 3 device) below the port */
	PCISIM_CXL_DEC_DC_NOT_ACCEPTED, /* dynamic capacity the host has not accepted (dcd.h) */
};

/** The HPA where fixed memory window @index of @m starts (see docs/cxl.md). */
uint64_t pcisim_cxl_fmw_base(const struct pcisim_machine *m, unsigned index);
#define PCISIM_CXL_FMW_START 0x110000000ull /* q35, RAM below 2.75 GiB, no hot-plug memory */

/** pcisim_cxl_decode() - route @hpa; 0 with @out filled, or -PCISIM_CXL_DEC_*. */
int pcisim_cxl_decode(struct pcisim_fabric *fab, uint64_t hpa, struct pcisim_cxl_route *out);
/** A short text for a -PCISIM_CXL_DEC_* value. */
const char *pcisim_cxl_decode_error(int rc);

#endif
