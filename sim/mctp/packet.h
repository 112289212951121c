/*
 * MCTP packets (DMTF DSP0236): the 4-byte transport header, the split of a message
 * into packets at a binding's MTU, and the receiver's reassembly with the rules of
 * DSP0236 §8.8 for lost, duplicated and out-of-order packets.
 *
 * Contract (tests/test_mctp.c checks each):
 *  - a message of n bytes (n >= 1) becomes ceil(n / mtu) packets; the first has SOM,
 *    the last EOM (one packet: both), every packet but the last carries exactly mtu
 *    bytes, the packet sequence number counts modulo 4 from the first packet's, and
 *    every packet carries the message's tag, tag owner bit, source and destination;
 *  - a reassembler holds at most one message in progress (as QEMU's endpoint and one
 *    Linux key do). A packet with SOM discards a message in progress and starts anew
 *    (RESTARTED); a packet without SOM while none is in progress, or from another
 *    source/tag/owner, is dropped (DROPPED_NO_SOM, DROPPED_OTHER); a packet whose
 *    sequence number is not the next one drops the whole message (DROPPED_SEQ: a
 *    lost, duplicated or reordered packet); a middle packet of another size than the
 *    first, or a message growing past the limit, drops it (DROPPED_SIZE); EOM
 *    completes it (DONE).
 */
#ifndef PCISIM_MCTP_PACKET_H
#define PCISIM_MCTP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCISIM_MCTP_HDR_VERSION 0x01  /* DSP0236 1.x header version (Table 1) */
#define PCISIM_MCTP_HDR_SIZE 4
#define PCISIM_MCTP_BASELINE_MTU 64   /* DSP0236 §8.3.1: every medium carries 64 bytes */
#define PCISIM_MCTP_MAX_PAYLOAD 250   /* the largest packet payload a binding here carries (DSP0237: 255 - 5) */
#define PCISIM_MCTP_EID_NULL 0x00
#define PCISIM_MCTP_EID_BROADCAST 0xff

/* Byte 3 of the header (DSP0236 Table 1) */
#define PCISIM_MCTP_HDR_SOM 0x80
#define PCISIM_MCTP_HDR_EOM 0x40
#define PCISIM_MCTP_HDR_SEQ 0x30
#define PCISIM_MCTP_HDR_TO 0x08
#define PCISIM_MCTP_HDR_TAG 0x07

/* Message types (first byte of a message, bit 7 = IC; DSP0239) */
#define PCISIM_MCTP_TYPE_CONTROL 0x00
#define PCISIM_MCTP_TYPE_CXL_FMAPI 0x07 /* DSP0234 */
#define PCISIM_MCTP_TYPE_CXL_CCI 0x08   /* DSP0281 */
#define PCISIM_MCTP_MSG_IC 0x80

struct pcisim_mctp_hdr {
	uint8_t version; /* 1 */
	uint8_t dest, src; /* EIDs */
	bool som, eom, to;
	uint8_t seq; /* 0..3 */
	uint8_t tag; /* 0..7 */
};

struct pcisim_mctp_pkt {
	struct pcisim_mctp_hdr h;
	uint8_t len; /* payload bytes */
	uint8_t data[PCISIM_MCTP_MAX_PAYLOAD];
};

/** The 4 header bytes of @h. */
void pcisim_mctp_hdr_encode(const struct pcisim_mctp_hdr *h, uint8_t out[PCISIM_MCTP_HDR_SIZE]);
/** Decode 4 header bytes; -PCISIM_EINVAL when the header version is not 1 (DSP0236 §8.8: dropped). */
int pcisim_mctp_hdr_decode(const uint8_t in[PCISIM_MCTP_HDR_SIZE], struct pcisim_mctp_hdr *h);

/**
 * pcisim_mctp_fragment() - split @msg (@len >= 1 bytes) into packets of at most @mtu
 * (1..PCISIM_MCTP_MAX_PAYLOAD) bytes into @out (room for @max). Every packet gets
 * @tmpl's version, EIDs, TO and tag; sequence numbers start at @tmpl->seq. Returns the
 * packet count, or 0 when @out is too small or an argument is out of range.
 */
size_t pcisim_mctp_fragment(const uint8_t *msg, size_t len, size_t mtu,
			    const struct pcisim_mctp_hdr *tmpl, struct pcisim_mctp_pkt *out,
			    size_t max);
/** Packets a message of @len bytes needs at @mtu. */
size_t pcisim_mctp_npackets(size_t len, size_t mtu);

enum pcisim_mctp_rx {
	PCISIM_MCTP_RX_MORE,           /* taken; the message goes on */
	PCISIM_MCTP_RX_DONE,           /* EOM: the message is complete */
	PCISIM_MCTP_RX_RESTARTED,      /* SOM while one was in progress: that one is lost, this one starts */
	PCISIM_MCTP_RX_DROPPED_NO_SOM, /* a middle or end packet with no message in progress */
	PCISIM_MCTP_RX_DROPPED_OTHER,  /* a middle or end packet of another source, tag or owner */
	PCISIM_MCTP_RX_DROPPED_SEQ,    /* out of sequence: the message in progress is dropped */
	PCISIM_MCTP_RX_DROPPED_SIZE,   /* a middle packet of another size, or too long: dropped */
};

/** The name of a result ("done", "dropped-seq", ...), for records. */
const char *pcisim_mctp_rx_name(enum pcisim_mctp_rx r);

/** One message being reassembled. */
struct pcisim_mctp_reasm {
	bool active;
	uint8_t src, tag;
	bool to;
	uint8_t next_seq;
	uint8_t first_len; /* payload of the first packet: the size of every middle one */
	size_t len, max;   /* bytes so far; the largest message accepted */
	uint8_t buf[1088 + PCISIM_MCTP_MAX_PAYLOAD]; /* the largest CXL message over MCTP is 1088 bytes */
};

/** An empty reassembler taking messages of at most @max bytes (<= 1088). */
void pcisim_mctp_reasm_init(struct pcisim_mctp_reasm *r, size_t max);
/** Feed one packet (rules in the header comment); on DONE the message is buf[0..len). */
enum pcisim_mctp_rx pcisim_mctp_reasm_feed(struct pcisim_mctp_reasm *r, const struct pcisim_mctp_pkt *p);

#endif
