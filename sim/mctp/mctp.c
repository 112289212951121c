/*
 * The MCTP layer's registration: the I2C bus kind, the MCTP device models, the I2C
 * fault actions and the record kinds of the bus, the endpoints and the forwarding.
 */
#include "sim/mctp/mctp.h"

#include "sim/core/trace.h"
#include "sim/mctp/i2c.h"

static const struct pcisim_record_kind mctp_kinds[] = {
	{"i2c.arbitration_lost", "two masters started together and this one lost arbitration (fields: loser, winner)"},
	{"i2c.nack", "a write on an I2C bus was not acknowledged (fields: from, address)"},
	{"i2c.dropped", "an I2C write vanished after its ACKs (a fault; fields: from, address)"},
	{"i2c.corrupted", "an I2C write arrived with a bit flipped (a fault; fields: from, address)"},
	{"i2c.stalled", "a device holds SCL low (a fault; fields: until)"},
	{"i2c.timeout", "SCL was held low past SMBus's 25 ms tTIMEOUT: the write on the wire is aborted (fields: from, address, low_for)"},
	{"mctp.rx", "an MCTP endpoint received a whole message (fields: type, tag, from_eid, bytes)"},
	{"mctp.tx", "an MCTP endpoint sends a response (fields: type, tag, to_eid, bytes, packets)"},
	{"mctp.tx_nack", "an MCTP endpoint's response packet was NACKed; it gives the message up (fields: packet, address)"},
	{"mctp.rx_error", "an MCTP endpoint dropped a packet: SMBus framing, PEC, EID (fields: reason, from or eid)"},
	{"mctp.rx_drop", "an MCTP endpoint's reassembly dropped a packet or a message (fields: result, seq, tag)"},
	{"mctp.fwd_state", "the RFC's shared buffer changed state (fields: from, to, why)"},
	{"mctp.fwd_notify", "the RFC's QMP notification reached the target VM (fields: taken, why)"},
	{"mctp.fwd_target", "the RFC's target VM stopped or resumed for a migration or a reset (fields: what, why, state, queued)"},
	{"mctp.fwd_run", "the target VM ran a forwarded request on its device (fields: opcode, rc, from)"},
	{0},
};

void pcisim_mctp_register(void)
{
	pcisim_record_kinds_add(mctp_kinds);
	pcisim_bus_kind_add(&pcisim_i2c_bus_kind);
	pcisim_drivers_add(pcisim_mctp_drivers);
	pcisim_i2c_faults_register();
	pcisim_actions_add(pcisim_mctp_fwd_actions);
}
