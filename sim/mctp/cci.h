/*
 * CXL commands carried by MCTP (CXL r3.1 §7.6.3 and Table 7-14; DSP0234, DSP0281):
 * a message of type 0x07 (FM-API) or 0x08 (CXL CCI) is the type byte followed by a
 * CCI message (sim/cxl/fmapi.h). An i2c_mctp_cxl endpoint serves them for its target
 * as QEMU's does: type 0x08 only for command sets below 0x51, type 0x07 only for the
 * FM-API sets 0x51 to 0x56; otherwise, and for a command the target does not have,
 * the return code is Unsupported. The response has category 1 and the request's tag.
 */
#ifndef PCISIM_MCTP_CCI_H
#define PCISIM_MCTP_CCI_H

#include <stddef.h>
#include <stdint.h>

#include "sim/pcie/fabric.h"

#define PCISIM_MCTP_CXL_MSG_MAX 1088 /* the largest CXL message over MCTP (binding) */

/** A request of MCTP message type @type for @opcode into @out; returns its length. */
size_t pcisim_mctp_cci_request(uint8_t type, uint8_t tag, uint16_t opcode, const uint8_t *payload,
			       size_t len, uint8_t *out);

/**
 * pcisim_mctp_cci_serve() - @target's answer (a cxl-upstream: the switch's FM-API; a
 * cxl-type3: its mailbox command set) to the CXL message @req of @len bytes, into
 * @rsp (room for PCISIM_MCTP_CXL_MSG_MAX). Returns the response length, 0 when the
 * message is not a request (not answered).
 */
size_t pcisim_mctp_cci_serve(struct pcisim_pcifn *target, const uint8_t *req, size_t len, uint8_t *rsp);

#endif
