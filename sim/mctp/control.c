/*
 * MCTP control messages at an endpoint (sim/mctp/control.h; DSP0236 §12, QEMU
 * hw/i2c/mctp.c for what its endpoint answers).
 */
#include "sim/mctp/control.h"

#include <string.h>

#include "sim/mctp/packet.h"

size_t pcisim_mctp_control_request(uint8_t iid, uint8_t cmd, const uint8_t *data, size_t n, uint8_t *out)
{
	out[0] = PCISIM_MCTP_TYPE_CONTROL;
	out[1] = (uint8_t)(PCISIM_MCTP_CTRL_RQ | (iid & PCISIM_MCTP_CTRL_IID));
	out[2] = cmd;
	if (n)
		memcpy(out + 3, data, n);
	return 3 + n;
}

size_t pcisim_mctp_control_respond(struct pcisim_mctp_ctl_ep *ep, const uint8_t *req, size_t len,
				   uint8_t *rsp)
{
	if (len < 3 || (req[0] & 0x7f) != PCISIM_MCTP_TYPE_CONTROL || !(req[1] & PCISIM_MCTP_CTRL_RQ))
		return 0;
	const uint8_t *data = req + 3;
	size_t n = len - 3, r = 4;
	rsp[0] = PCISIM_MCTP_TYPE_CONTROL;
	rsp[1] = req[1] & PCISIM_MCTP_CTRL_IID; /* Rq and D cleared, instance echoed */
	rsp[2] = req[2];
	rsp[3] = PCISIM_MCTP_CC_SUCCESS;
	switch (req[2]) {
	case PCISIM_MCTP_CTRL_SET_EID:
		if (n < 2) {
			rsp[3] = PCISIM_MCTP_CC_INVALID_LENGTH;
			break;
		}
		if (data[1] == PCISIM_MCTP_EID_NULL || data[1] == PCISIM_MCTP_EID_BROADCAST) {
			rsp[3] = PCISIM_MCTP_CC_INVALID_DATA;
			break;
		}
		ep->eid = data[1];
		rsp[r++] = 0x00; /* assignment accepted, no EID pool */
		rsp[r++] = ep->eid;
		rsp[r++] = 0x00;
		break;
	case PCISIM_MCTP_CTRL_GET_EID:
		rsp[r++] = ep->eid;
		rsp[r++] = 0x00; /* simple endpoint, dynamic EID */
		rsp[r++] = 0x00; /* medium-specific */
		break;
	case PCISIM_MCTP_CTRL_GET_VERSION:
		if (n < 1) {
			rsp[3] = PCISIM_MCTP_CC_INVALID_LENGTH;
			break;
		}
		/* QEMU's fixed answer, whatever type was asked */
		rsp[r++] = 1;
		rsp[r++] = 0x00;
		rsp[r++] = 0x01;
		rsp[r++] = 0x03;
		rsp[r++] = 0x01;
		break;
	case PCISIM_MCTP_CTRL_GET_MSG_TYPES:
		rsp[r++] = ep->ntypes;
		for (uint8_t i = 0; i < ep->ntypes; i++)
			rsp[r++] = ep->types[i];
		break;
	default:
		rsp[3] = PCISIM_MCTP_CC_UNSUPPORTED_CMD;
		break;
	}
	return r;
}
