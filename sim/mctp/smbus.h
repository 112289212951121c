/*
 * MCTP over SMBus/I2C (DMTF DSP0237): one MCTP packet is one SMBus Block Write,
 *
 *   [dest addr << 1] [0x0F] [byte count] [src addr << 1 | 1] [MCTP header] [payload] [PEC]
 *
 * with the byte count covering the source address, the header and the payload
 * (5 + payload) and the PEC an SMBus CRC-8 (x^8 + x^2 + x + 1, initial 0) over every
 * byte before it, the destination address byte included. Both directions are writes:
 * a responder becomes bus master to answer. The byte count is at most 255, so a
 * packet carries at most 250 bytes of payload.
 *
 * Wire time: every byte takes 9 bit periods (8 data bits and the ACK); START and STOP
 * take one bit period each. That is the whole cost (no clock stretching): at 100 kHz
 * a 64-byte payload (73 bytes on the wire) takes 6.59 ms.
 */
#ifndef PCISIM_MCTP_SMBUS_H
#define PCISIM_MCTP_SMBUS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/time.h"
#include "sim/mctp/packet.h"

#define PCISIM_SMBUS_CMD_MCTP 0x0f     /* DSP0237 Table 1: the MCTP command code */
#define PCISIM_SMBUS_MCTP_OVERHEAD 4   /* dest addr, command, byte count, PEC */
#define PCISIM_SMBUS_MCTP_MAX_FRAME (3 + 255 + 1)

/** SMBus PEC: CRC-8 with polynomial 0x07, initial value 0, over @n bytes. */
uint8_t pcisim_smbus_pec(const uint8_t *p, size_t n);

/** Encode @p from 7-bit @src to 7-bit @dest into @out (room for PCISIM_SMBUS_MCTP_MAX_FRAME); returns the length. */
size_t pcisim_mctp_i2c_encode(uint8_t dest, uint8_t src, const struct pcisim_mctp_pkt *p, uint8_t *out);

enum pcisim_mctp_i2c_err {
	PCISIM_MCTP_I2C_OK = 0,
	PCISIM_MCTP_I2C_SHORT,      /* fewer bytes than a header needs */
	PCISIM_MCTP_I2C_NOT_MCTP,   /* command code is not 0x0F */
	PCISIM_MCTP_I2C_BAD_COUNT,  /* byte count disagrees with the frame's length */
	PCISIM_MCTP_I2C_BAD_PEC,    /* PEC mismatch: corrupted on the wire */
	PCISIM_MCTP_I2C_BAD_SOURCE, /* source address byte without its R/W bit set */
	PCISIM_MCTP_I2C_BAD_VERSION,/* MCTP header version is not 1 */
};
/** The name of a decode error, for records ("bad-pec", ...). */
const char *pcisim_mctp_i2c_err_name(enum pcisim_mctp_i2c_err e);

/** Decode a frame of @n bytes; fills @dest, @src (7-bit) and @p. */
enum pcisim_mctp_i2c_err pcisim_mctp_i2c_decode(const uint8_t *frame, size_t n, uint8_t *dest,
						uint8_t *src, struct pcisim_mctp_pkt *p);

/** Time @nbytes take on the wire at @hz (100000, 400000, 1000000), START and STOP included. */
pcisim_time pcisim_i2c_wire_time(size_t nbytes, unsigned hz);

#endif
