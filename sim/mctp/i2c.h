/*
 * I2C buses and the devices on them: a kind of bus other than PCI (QEMU's "i2c-bus").
 * A bus is a component named as QEMU names it (aspeed.i2c.bus.N on the Aspeed BMC
 * machines the Fabric Manager runs on), created when the first device names it; a
 * device is a component under its bus with a 7-bit address, unique on that bus.
 *
 * Transfers. Whatever talks on a bus (an endpoint device, a host's I2C controller)
 * attaches a struct pcisim_i2c_port at its address; a port writes one frame at a
 * time (an SMBus block write: MCTP's responders become masters to answer). Rules
 * (tests/test_mctp_bus.c checks each):
 *  - a write takes pcisim_i2c_wire_time(n, bus speed) (sim/mctp/smbus.h); the bus
 *    carries one write at a time;
 *  - writes asked for while the bus is busy or stalled wait; when it frees, every
 *    waiting master starts and arbitration picks the one whose bytes are lowest (the
 *    wired-AND of SDA: the first 0 against a 1 wins); identical frames go in attach
 *    order. Each loser gets an i2c.arbitration_lost record and tries again at the
 *    next free bus;
 *  - at the end of a write, the port at the first byte's address receives the frame
 *    and the writer learns it was ACKed; with no port there (or a NACK fault) the
 *    writer learns NACK and nothing is delivered;
 *  - faults (the i2c.* actions, for fuzz menus): a stall holds the bus for a time
 *    (writes wait; a write on the wire is stretched by it, or, when SCL stays low
 *    longer than SMBus's tTIMEOUT, 25 ms, aborted at that point: the writer learns
 *    it failed and the addressed port drops the partial frame), a drop makes the next write vanish after the writer saw its ACKs,
 *    a corruption flips a bit of the next write's last payload byte (the receiver's PEC
 *    check fails), a NACK makes the port at an address refuse its next writes.
 */
#ifndef PCISIM_MCTP_I2C_H
#define PCISIM_MCTP_I2C_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/component.h"
#include "sim/pcie/fabric.h"

struct pcisim_i2c_dev;

struct pcisim_i2c_port;

struct pcisim_i2c_bus {
	struct pcisim_comp comp;
	struct pcisim_i2c_dev **devs; /* in creation order */
	uint32_t ndevs, capdevs;
	struct pcisim_i2c_port **ports; /* in attach order */
	uint32_t nports, capports;
	unsigned hz;                 /* SCL frequency: 100000 (default), 400000 or 1000000 */
	struct pcisim_i2c_port *active; /* the write on the wire, or NULL */
	pcisim_time stalled_until;   /* a stall fault holds the bus until then */
	pcisim_timer kick;           /* the end of a stall */
	pcisim_timer xfer;           /* the end (or the clock-low timeout) of the write on the wire */
	pcisim_time xfer_end;        /* when that write ends unless stalled */
	uint32_t drop_next, corrupt_next; /* faults armed for the next writes */
	uint64_t writes, nacks, dropped, corrupted, arbitrations; /* counters (query keys) */
	uint64_t timeouts; /* writes aborted by the SMBus clock-low timeout */
	uint64_t delivering; /* the cookie of the write being delivered (pcisim_i2c_write_cookie) */
};

/** Something that writes and is written to on a bus, at a 7-bit address. */
struct pcisim_i2c_port {
	struct pcisim_comp *owner; /* for records */
	uint8_t addr;
	/* a write addressed to this port arrived (the frame as on the wire) */
	void (*receive)(struct pcisim_i2c_port *p, const uint8_t *frame, size_t n);
	/* this port's write ended: ACKed by the addressed port, or NACKed */
	void (*sent)(struct pcisim_i2c_port *p, bool acked);
	/* bus-private */
	struct pcisim_i2c_bus *bus;
	uint8_t frame[259];
	size_t n;
	bool waiting;
	uint32_t nack_next; /* NACK fault: refuse this many writes */
	/* set by the owner: NACK every write while true (QEMU's endpoint while it answers) */
	bool busy;
	/*
	 * The identity of what the write carries, set by the writer before
	 * pcisim_i2c_write(): checking data that rides with the frame (the invariants
	 * follow a Fabric Manager request through endpoints and the RFC's buffer with it).
	 * Models never branch on it and it is never hashed.
	 */
	uint64_t cookie;
};

/** What an I2C device model is (the driver's `model`). */
struct pcisim_i2c_model {
	size_t size; /* sizeof the model's struct (embeds struct pcisim_i2c_dev first); 0 = plain */
	/* the component's ops (type = the driver's name; destroy frees); NULL = the plain ones */
	const struct pcisim_comp_ops *ops;
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
/** The bus named @name (aspeed.i2c.bus.N) in @sim, or NULL. */
struct pcisim_i2c_bus *pcisim_i2c_bus_find(struct pcisim_sim *sim, const char *name);
/** Attach @p to @bus (its address must be free of other ports; -PCISIM_EBUSY otherwise). */
int pcisim_i2c_attach(struct pcisim_i2c_bus *bus, struct pcisim_i2c_port *p);
/** Detach @p (a write it has waiting is forgotten; one on the wire still ends). */
void pcisim_i2c_detach(struct pcisim_i2c_port *p);
/** The port at @addr on @bus, or NULL. */
struct pcisim_i2c_port *pcisim_i2c_port_at(const struct pcisim_i2c_bus *bus, uint8_t addr);
/**
 * pcisim_i2c_write() - @p writes @n bytes (the first is the address byte) on its bus,
 * now or when the bus frees; -PCISIM_EBUSY when @p already has a write waiting or on
 * the wire, -PCISIM_EINVAL when @n is 0 or over 259.
 */
int pcisim_i2c_write(struct pcisim_i2c_port *p, const uint8_t *frame, size_t n);

/** Inside a receive callback: the cookie of the write being delivered. */
static inline uint64_t pcisim_i2c_write_cookie(const struct pcisim_i2c_bus *bus)
{
	return bus->delivering;
}

/* SMBus 2.0/3.x tTIMEOUT,MIN (DSP0237 uses SMBus timing): a master aborts a transfer
 * whose SCL is held low longer, and a device resets its interface */
#define PCISIM_SMBUS_TIMEOUT (25 * PCISIM_MS)

/**
 * pcisim_i2c_stall() - SCL held low from now for @d: the bus carries nothing until
 * then; the write on the wire, if any, ends @d later, or, when @d is longer than
 * PCISIM_SMBUS_TIMEOUT, is aborted after that timeout (record i2c.timeout).
 */
void pcisim_i2c_stall(struct pcisim_i2c_bus *bus, pcisim_time d);

/** The device at @addr on @bus, or NULL. */
struct pcisim_i2c_dev *pcisim_i2c_dev_at(const struct pcisim_i2c_bus *bus, uint8_t addr);

#endif
