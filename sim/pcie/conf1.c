/*
 * PCI configuration mechanism #1 at 0xcf8/0xcfc (conf1.h).
 */
#include "sim/pcie/conf1.h"

#include <stdlib.h>

#include "sim/core/sim.h"
#include "sim/core/ioport.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/route.h"
#include "sim/core/heap.h"

#define CONF1_ENABLE 0x80000000u

struct conf1 {
	struct pcisim_sim *sim;
	uint32_t address; /* CONFIG_ADDRESS as last written */
};

static const struct pcisim_ext_key conf1_key = {"pcie.conf1"};

static uint32_t ones(unsigned len)
{
	return len >= 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
}

/* The config access CONFIG_DATA port @port stands for; false when there is none. */
static bool data_target(const struct conf1 *c, uint16_t port, unsigned len, uint8_t *bus,
			uint8_t *devfn, uint16_t *off)
{
	if (!(c->address & CONF1_ENABLE))
		return false;
	unsigned byte = port - PCISIM_CONF1_DATA_PORT;
	if (byte + len > 4 || byte % len)
		return false;
	*bus = (uint8_t)(c->address >> 16);
	*devfn = (uint8_t)(c->address >> 8);
	*off = (uint16_t)((c->address & 0xfc) | byte);
	return true;
}

static uint32_t conf1_read(void *ctx, uint16_t rel, unsigned len)
{
	struct conf1 *c = ctx;
	uint16_t port = (uint16_t)(PCISIM_CONF1_ADDRESS_PORT + rel);
	if (port < PCISIM_CONF1_DATA_PORT)
		return port == PCISIM_CONF1_ADDRESS_PORT ? c->address : ones(len);
	uint8_t bus, devfn;
	uint16_t off;
	if (!data_target(c, port, len, &bus, &devfn, &off))
		return ones(len);
	struct pcisim_cfg_cpl cpl = pcisim_cfg_access_now(c->sim, bus, devfn, off, len, false, 0);
	return cpl.status == PCISIM_CPL_SC ? cpl.val : ones(len);
}

static void conf1_write(void *ctx, uint16_t rel, unsigned len, uint32_t val)
{
	struct conf1 *c = ctx;
	uint16_t port = (uint16_t)(PCISIM_CONF1_ADDRESS_PORT + rel);
	if (port < PCISIM_CONF1_DATA_PORT) {
		if (port == PCISIM_CONF1_ADDRESS_PORT && len == 4)
			c->address = val;
		return;
	}
	uint8_t bus, devfn;
	uint16_t off;
	if (data_target(c, port, len, &bus, &devfn, &off))
		pcisim_cfg_access_now(c->sim, bus, devfn, off, len, true, val);
}

static const struct pcisim_ioport_ops conf1_ops = {"pci-conf1", 1 | 2 | 4, conf1_read, conf1_write};

int pcisim_conf1_claim(struct pcisim_sim *sim)
{
	struct conf1 *c = pcisim_calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->sim = sim;
	int rc = pcisim_ioport_claim(&pcisim_fabric_get(sim)->machine.io, PCISIM_CONF1_ADDRESS_PORT, 8,
				     &conf1_ops, c);
	if (rc) {
		pcisim_free(c);
		return rc;
	}
	pcisim_ext_set(sim, &conf1_key, c, pcisim_free);
	return 0;
}
