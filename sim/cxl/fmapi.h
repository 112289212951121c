/*
 * The FM-API command set of a CXL switch (CXL r3.1 §7.6.7), as the switch's CCI
 * serves it to a Fabric Manager, over the switch mailbox CCI or MCTP (sim/mctp):
 *
 *  0x5100 Identify Switch Device      (no input; 0x49 bytes out)
 *  0x5101 Get Physical Port State     ({n, port ids[n]}; {n, 3 reserved, 16 bytes per port})
 *  0x5102 Physical Port Control       ({PPB id, opcode 0 assert PERST#, 1 deassert, 2 reset PPB})
 *  0x5201 Bind vPPB / 0x5202 Unbind vPPB (background: Background Command Started,
 *         completion seen with 0x0002 Background Operation Status)
 *  0x5300 Tunnel Management Command   ({port, target type 0, size u16, CCI request};
 *         the request runs on the type 3 device behind that downstream port)
 *  0x0002 Background Operation Status
 *
 * The switch has one virtual CXL switch (VCS 0) whose vPPB n is bound to the
 * downstream port at index n in creation order, as QEMU's single-VCS switch.
 */
#ifndef PCISIM_CXL_FMAPI_H
#define PCISIM_CXL_FMAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/pcie/fabric.h"

enum {
	CXL_FMAPI_IDENTIFY_SWITCH = 0x5100,
	CXL_FMAPI_GET_PHYS_PORT_STATE = 0x5101,
	CXL_FMAPI_PHYS_PORT_CONTROL = 0x5102,
	CXL_FMAPI_GET_VCS_INFO = 0x5200,
	CXL_FMAPI_BIND_VPPB = 0x5201,
	CXL_FMAPI_UNBIND_VPPB = 0x5202,
	CXL_FMAPI_TUNNEL = 0x5300,
};

/* Get Physical Port State: Current Port Configuration State (CXL r3.1 Table 7-19) */
#define CXL_PORT_STATE_DISABLED 0
#define CXL_PORT_STATE_BIND_IN_PROGRESS 1
#define CXL_PORT_STATE_UNBIND_IN_PROGRESS 2
#define CXL_PORT_STATE_DSP 3
#define CXL_PORT_STATE_USP 4
#define CXL_PORT_STATE_INVALID 0xf
/* Connected Device Type */
#define CXL_PORT_DEV_NONE 0
#define CXL_PORT_DEV_PCIE 1
#define CXL_PORT_DEV_T3_SLD 4

#define CXL_FMAPI_IDENTIFY_LEN 0x49
#define CXL_FMAPI_PORT_STATE_LEN 16
/* Get Physical Port State, link state flags (bytes 13-14): PERST# asserted (r3.2 Table 7-19) */
#define CXL_PORT_LINK_PERST_ASSERTED 0x02
#define CXL_FMAPI_BIND_TIME (10 * PCISIM_MS) /* time a bind or unbind runs in the background (pcisim's choice) */

/*
 * A CCI message (CXL r3.1 Figure 7-19; QEMU CXLCCIMessage): the form a command takes
 * over MCTP (after the message type byte) and inside a Tunnel Management Command.
 *   0 category [3:0] (0 request, 1 response)   1 tag   2 reserved
 *   3-4 opcode (command, command set)   5-7 payload length [20:0]
 *   8-9 return code   10-11 vendor extended status   12.. payload
 */
#define CXL_CCI_MSG_HDR 12
#define CXL_CCI_CAT_REQ 0
#define CXL_CCI_CAT_RSP 1

struct pcisim_cxl_cci_msg {
	uint8_t category, tag;
	uint16_t opcode, rc, vendor;
	uint32_t len;           /* payload bytes */
	const uint8_t *payload; /* decode: points into the buffer */
};

/** Encode header and @payload into @out; returns the length (CXL_CCI_MSG_HDR + len). */
size_t pcisim_cxl_cci_encode(const struct pcisim_cxl_cci_msg *m, const uint8_t *payload, uint8_t *out);
/** Decode @n bytes; -PCISIM_EINVAL when shorter than the header or its length field says. */
int pcisim_cxl_cci_decode(const uint8_t *in, size_t n, struct pcisim_cxl_cci_msg *m);

/**
 * pcisim_cxl_switch_exec() - run FM-API command @opcode on the switch whose upstream
 * port is @usp; same contract as pcisim_cxl_mbox_exec() (memdev.h): a CXL_MBOX_* code,
 * *@len_out bytes in @out (room for CXL_MBOX_PAYLOAD_MAX), *@bg when it started in
 * the background. Not a cxl-upstream: Unsupported.
 */
int pcisim_cxl_switch_exec(struct pcisim_pcifn *usp, uint16_t opcode, const uint8_t *in, size_t len_in,
			   uint8_t *out, size_t *len_out, bool *bg);

/**
 * pcisim_cxl_switch_bg_reg() - the switch's background operation as the mailbox's
 * Background Command Status register shows it (CXL r3.1 §8.2.8.4.7): [15:0] opcode,
 * [22:16] percent complete, [47:32] return code, as of now; *@running while one runs.
 * Changes nothing.
 */
uint64_t pcisim_cxl_switch_bg_reg(struct pcisim_pcifn *usp, bool *running);

/** The downstream port of @usp's switch with port number @port (PCIe Port Number), or NULL. */
struct pcisim_pcifn *pcisim_cxl_switch_dsp(struct pcisim_pcifn *usp, unsigned port);

void pcisim_cxl_fmapi_register(void);

#endif
