/*
 * CXL commands over MCTP at an endpoint (sim/mctp/cci.h; QEMU hw/cxl/i2c_mctp_cxl.c
 * for which message type may carry which command set).
 */
#include "sim/mctp/cci.h"

#include <string.h>

#include "sim/cxl/dcd.h"
#include "sim/cxl/fmapi.h"
#include "sim/cxl/memdev.h"
#include "sim/mctp/packet.h"

size_t pcisim_mctp_cci_request(uint8_t type, uint8_t tag, uint16_t opcode, const uint8_t *payload,
			       size_t len, uint8_t *out)
{
	struct pcisim_cxl_cci_msg m = {.category = CXL_CCI_CAT_REQ, .tag = tag, .opcode = opcode,
				       .len = (uint32_t)len};
	out[0] = type;
	return 1 + pcisim_cxl_cci_encode(&m, payload, out + 1);
}

size_t pcisim_mctp_cci_serve(struct pcisim_pcifn *target, const uint8_t *req, size_t len, uint8_t *rsp)
{
	struct pcisim_cxl_cci_msg rq;
	if (len < 1 || pcisim_cxl_cci_decode(req + 1, len - 1, &rq) || rq.category != CXL_CCI_CAT_REQ)
		return 0;
	uint8_t type = req[0] & 0x7f, set = (uint8_t)(rq.opcode >> 8);
	static uint8_t out[CXL_MBOX_PAYLOAD_MAX];
	memset(out, 0, sizeof(out)); /* reserved bytes the handlers leave are 0, as in the mailbox */
	size_t olen = 0;
	bool bg = false;
	int rc = CXL_MBOX_UNSUPPORTED;
	bool usp = target && !strcmp(target->drv->name, "cxl-upstream");
	bool fm_set = set >= 0x51 && set <= 0x56;
	if (!target || target->comp.removed)
		rc = CXL_MBOX_UNSUPPORTED;
	else if (type == PCISIM_MCTP_TYPE_CXL_CCI && set < 0x51)
		rc = usp ? pcisim_cxl_switch_exec(target, rq.opcode, rq.payload, rq.len, out, &olen, &bg)
			 : pcisim_cxl_mbox_exec(target, rq.opcode, rq.payload, rq.len, out, &olen, &bg);
	else if (type == PCISIM_MCTP_TYPE_CXL_FMAPI && fm_set)
		/* a switch's FM-API, or a type 3's DCD management (its FM-owned LD's CCI) */
		rc = usp ? pcisim_cxl_switch_exec(target, rq.opcode, rq.payload, rq.len, out, &olen, &bg)
			 : pcisim_cxl_dc_fm_exec(target, rq.opcode, rq.payload, rq.len, out, &olen);
	if (olen + 1 + CXL_CCI_MSG_HDR > PCISIM_MCTP_CXL_MSG_MAX) {
		olen = 0;
		rc = CXL_MBOX_INTERNAL_ERROR;
	}
	struct pcisim_cxl_cci_msg r = {.category = CXL_CCI_CAT_RSP, .tag = rq.tag, .opcode = rq.opcode,
				       .rc = (uint16_t)rc, .len = (uint32_t)olen};
	rsp[0] = type;
	return 1 + pcisim_cxl_cci_encode(&r, out, rsp + 1);
}
