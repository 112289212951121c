/*
 * I2C buses and the devices on them: a kind of bus other than PCI (QEMU's "i2c-bus").
 * A bus is a component named as QEMU names it (aspeed.i2c.bus.N on the Aspeed BMC
 * machines the Fabric Manager runs on), created when the first device names it; a
 * device is a component under its bus with a 7-bit address, unique on that bus.
 * Byte-level transfers (timing, PEC, arbitration) belong to the MCTP binding on top.
 */
#ifndef PCISIM_MCTP_I2C_H
#define PCISIM_MCTP_I2C_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/component.h"
#include "sim/pcie/fabric.h"

struct pcisim_i2c_dev;

struct pcisim_i2c_bus {
	struct pcisim_comp comp;
	struct pcisim_i2c_dev **devs; /* in creation order */
	uint32_t ndevs, capdevs;
};

/** What an I2C device model is (the driver's `model`). */
struct pcisim_i2c_model {
	size_t size; /* sizeof the model's struct (embeds struct pcisim_i2c_dev first); 0 = plain */
	/* checks and state from the properties; errors located in @d */
	int (*realize)(struct pcisim_i2c_dev *dev, struct pcisim_diag *d);
	/* after every device of the topology exists (target= references) */
	int (*link)(struct pcisim_i2c_dev *dev, struct pcisim_diag *d);
};

struct pcisim_i2c_dev {
	struct pcisim_comp comp;
	const struct pcisim_driver *drv;
	struct pcisim_fabric *fabric;
	struct pcisim_i2c_bus *bus;
	uint8_t addr;               /* 7-bit address */
	struct pcisim_props props;  /* the properties it was created with */
};

/** The I2C bus kind (registered by pcisim_mctp_register()). */
extern const struct pcisim_bus_kind pcisim_i2c_bus_kind;

/** Every I2C bus of @fab's simulation, in creation order (@n gets the count). */
struct pcisim_i2c_bus *const *pcisim_i2c_buses(struct pcisim_fabric *fab, uint32_t *n);
/** The device at @addr on @bus, or NULL. */
struct pcisim_i2c_dev *pcisim_i2c_dev_at(const struct pcisim_i2c_bus *bus, uint8_t addr);

#endif
