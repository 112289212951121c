/*
 * MCTP control messages (message type 0x00; DSP0236 §12): what an endpoint answers.
 * A request is [0x00] [Rq=1 D iid] [command] [data...]; the response is
 * [0x00] [Rq=0 D=0 iid] [command] [completion code] [data...]. The endpoint answers
 * as QEMU's MCTP-I2C endpoint (hw/i2c/mctp.c) does:
 *  - Set Endpoint ID (0x01): data {operation, EID}; the EID is taken whatever the
 *    operation (QEMU ignores it), except the null (0) and broadcast (0xff) EIDs, which
 *    answer ERROR_INVALID_DATA; response {cc, 0x00 accepted, EID, 0x00 pool size};
 *  - Get Endpoint ID (0x02): {cc, EID, 0x00 (simple endpoint, dynamic EID), 0x00};
 *  - Get MCTP Version Support (0x04): QEMU's fixed {cc, 1 entry, 00 01 03 01} for any
 *    message type asked (not the specification's BCD form F1 F3 F1 00);
 *  - Get Message Type Support (0x05): {cc, count, types...};
 *  - any other command: ERROR_UNSUPPORTED_CMD (0x05); a request shorter than its
 *    command needs: ERROR_INVALID_LENGTH (0x03); a message without Rq (a response
 *    sent to an endpoint) is not answered.
 */
#ifndef PCISIM_MCTP_CONTROL_H
#define PCISIM_MCTP_CONTROL_H

#include <stddef.h>
#include <stdint.h>

/* Byte 1 of a control message */
#define PCISIM_MCTP_CTRL_RQ 0x80
#define PCISIM_MCTP_CTRL_D 0x40
#define PCISIM_MCTP_CTRL_IID 0x1f

/* Command codes (DSP0236 Table 12) */
#define PCISIM_MCTP_CTRL_SET_EID 0x01
#define PCISIM_MCTP_CTRL_GET_EID 0x02
#define PCISIM_MCTP_CTRL_GET_VERSION 0x04
#define PCISIM_MCTP_CTRL_GET_MSG_TYPES 0x05

/* Completion codes (DSP0236 Table 13) */
#define PCISIM_MCTP_CC_SUCCESS 0x00
#define PCISIM_MCTP_CC_ERROR 0x01
#define PCISIM_MCTP_CC_INVALID_DATA 0x02
#define PCISIM_MCTP_CC_INVALID_LENGTH 0x03
#define PCISIM_MCTP_CC_NOT_READY 0x04
#define PCISIM_MCTP_CC_UNSUPPORTED_CMD 0x05

/** What an endpoint's control responder knows about itself. */
struct pcisim_mctp_ctl_ep {
	uint8_t eid;
	const uint8_t *types; /* message types it supports, besides control */
	uint8_t ntypes;
};

/**
 * pcisim_mctp_control_respond() - @ep's answer to control message @req (@len bytes,
 * first byte the message type) into @rsp (room for 64 bytes). Returns the response
 * length, or 0 when nothing is answered. Set Endpoint ID changes @ep->eid.
 */
size_t pcisim_mctp_control_respond(struct pcisim_mctp_ctl_ep *ep, const uint8_t *req, size_t len,
				   uint8_t *rsp);

/** A control request (as the Fabric Manager's kernel builds it) into @out; returns its length. */
size_t pcisim_mctp_control_request(uint8_t iid, uint8_t cmd, const uint8_t *data, size_t n, uint8_t *out);

#endif
