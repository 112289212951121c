/*
 * MCTP over SMBus/I2C framing, PEC and wire time (sim/mctp/smbus.h; DSP0237 1.2
 * §6, SMBus 3.1 §6.4 for the PEC).
 */
#include "sim/mctp/smbus.h"

#include <string.h>

uint8_t pcisim_smbus_pec(const uint8_t *p, size_t n)
{
	uint8_t crc = 0;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (unsigned b = 0; b < 8; b++)
			crc = (uint8_t)(crc & 0x80 ? (crc << 1) ^ 0x07 : crc << 1);
	}
	return crc;
}

size_t pcisim_mctp_i2c_encode(uint8_t dest, uint8_t src, const struct pcisim_mctp_pkt *p, uint8_t *out)
{
	size_t n = 0;
	out[n++] = (uint8_t)(dest << 1);
	out[n++] = PCISIM_SMBUS_CMD_MCTP;
	out[n++] = (uint8_t)(1 + PCISIM_MCTP_HDR_SIZE + p->len);
	out[n++] = (uint8_t)(src << 1 | 1);
	pcisim_mctp_hdr_encode(&p->h, out + n);
	n += PCISIM_MCTP_HDR_SIZE;
	memcpy(out + n, p->data, p->len);
	n += p->len;
	out[n] = pcisim_smbus_pec(out, n);
	return n + 1;
}

static const char *const err_names[] = {
	[PCISIM_MCTP_I2C_OK] = "ok",
	[PCISIM_MCTP_I2C_SHORT] = "short",
	[PCISIM_MCTP_I2C_NOT_MCTP] = "not-mctp",
	[PCISIM_MCTP_I2C_BAD_COUNT] = "bad-byte-count",
	[PCISIM_MCTP_I2C_BAD_PEC] = "bad-pec",
	[PCISIM_MCTP_I2C_BAD_SOURCE] = "bad-source",
	[PCISIM_MCTP_I2C_BAD_VERSION] = "bad-version",
};

const char *pcisim_mctp_i2c_err_name(enum pcisim_mctp_i2c_err e)
{
	return (unsigned)e < sizeof(err_names) / sizeof(err_names[0]) ? err_names[e] : "?";
}

enum pcisim_mctp_i2c_err pcisim_mctp_i2c_decode(const uint8_t *frame, size_t n, uint8_t *dest,
						uint8_t *src, struct pcisim_mctp_pkt *p)
{
	/* dest, command, count, source, header, PEC */
	if (n < 4 + PCISIM_MCTP_HDR_SIZE + 1)
		return PCISIM_MCTP_I2C_SHORT;
	if (frame[1] != PCISIM_SMBUS_CMD_MCTP)
		return PCISIM_MCTP_I2C_NOT_MCTP;
	/* QEMU's check: byte_count + 3 == len - 1 */
	if ((size_t)frame[2] + 3 != n - 1)
		return PCISIM_MCTP_I2C_BAD_COUNT;
	if (pcisim_smbus_pec(frame, n - 1) != frame[n - 1])
		return PCISIM_MCTP_I2C_BAD_PEC;
	if (!(frame[3] & 1))
		return PCISIM_MCTP_I2C_BAD_SOURCE;
	*dest = frame[0] >> 1;
	*src = frame[3] >> 1;
	memset(p, 0, sizeof(*p));
	if (pcisim_mctp_hdr_decode(frame + 4, &p->h))
		return PCISIM_MCTP_I2C_BAD_VERSION;
	p->len = (uint8_t)(n - 1 - 4 - PCISIM_MCTP_HDR_SIZE);
	memcpy(p->data, frame + 4 + PCISIM_MCTP_HDR_SIZE, p->len);
	return PCISIM_MCTP_I2C_OK;
}

pcisim_time pcisim_i2c_wire_time(size_t nbytes, unsigned hz)
{
	/* one bit period in ps: 10 us at 100 kHz, 2.5 us at 400 kHz, 1 us at 1 MHz */
	pcisim_time bit = 1000000000000ull / (hz ? hz : 100000);
	return bit * (9 * (pcisim_time)nbytes + 2);
}
