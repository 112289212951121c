/*
 * The I2C bus model (sim/mctp/i2c.h): write timing at each speed, one write at a
 * time, arbitration between masters that start together, NACKs (nobody at the
 * address, a busy endpoint, a NACK fault), and the faults a fuzz menu picks: a
 * stall, a dropped write, a corrupted one (the receiver's PEC check fails).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "testbench.h"
#include "sim/mctp/i2c.h"
#include "sim/mctp/smbus.h"

/* a test port: what it received, when, and how its writes ended */
struct probe {
	struct pcisim_i2c_port port;
	struct pcisim_sim *sim;
	unsigned got, acked, nacked;
	pcisim_time got_at[8], sent_at[8];
	uint8_t frame[8][PCISIM_SMBUS_MCTP_MAX_FRAME];
	size_t n[8];
};

static void probe_receive(struct pcisim_i2c_port *p, const uint8_t *f, size_t n)
{
	struct probe *pr = (struct probe *)p;
	if (pr->got < 8) {
		memcpy(pr->frame[pr->got], f, n);
		pr->n[pr->got] = n;
		pr->got_at[pr->got] = pr->sim->now;
	}
	pr->got++;
}

static void probe_sent(struct pcisim_i2c_port *p, bool acked)
{
	struct probe *pr = (struct probe *)p;
	unsigned k = pr->acked + pr->nacked;
	if (k < 8)
		pr->sent_at[k] = pr->sim->now;
	if (acked)
		pr->acked++;
	else
		pr->nacked++;
}

static struct tb *bus_bench(struct pcisim_i2c_bus **bus)
{
	struct tb *t = tb_text("version: 1\nname: t\n"
			       "machine: {type: q35, cxl: on}\n"
			       "topology:\n"
			       "  - qemu_args: |\n"
			       "      -object memory-backend-ram,id=m,size=256M\n"
			       "      -device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1\n"
			       "      -device cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2\n"
			       "      -device cxl-type3,bus=rp0,volatile-memdev=m,id=t3\n"
			       "      -device i2c_mctp_cxl,bus=aspeed.i2c.bus.0,address=6,target=t3,id=ep\n");
	if (t->rc)
		fail_msg("did not load: %s", t->err);
	*bus = pcisim_i2c_bus_find(&t->sim, "aspeed.i2c.bus.0");
	assert_non_null(*bus);
	return t;
}

static void probe_attach(struct probe *p, struct tb *t, struct pcisim_i2c_bus *bus, uint8_t addr)
{
	memset(p, 0, sizeof(*p));
	p->sim = &t->sim;
	p->port.addr = addr;
	p->port.receive = probe_receive;
	p->port.sent = probe_sent;
	assert_int_equal(pcisim_i2c_attach(bus, &p->port), 0);
}

/* a frame of @n bytes to @dest whose 4th byte is @tag (arbitration looks at it) */
static size_t frame(uint8_t *f, uint8_t dest, uint8_t tag, size_t n)
{
	memset(f, 0x55, n);
	f[0] = (uint8_t)(dest << 1);
	f[1] = 0x0f;
	f[2] = tag;
	return n;
}

/* 12 bytes: (9 x 12 + 2) bit periods at each speed; the writer learns the ACK first */
static void wire_time_per_speed(void **state)
{
	(void)state;
	static const unsigned hz[] = {100000, 400000, 1000000};
	for (int i = 0; i < 3; i++) {
		struct pcisim_i2c_bus *bus;
		struct tb *t = bus_bench(&bus);
		struct probe a, b;
		probe_attach(&a, t, bus, 0x10);
		probe_attach(&b, t, bus, 0x20);
		bus->hz = hz[i];
		uint8_t f[16];
		pcisim_time t0 = t->sim.now;
		assert_int_equal(pcisim_i2c_write(&a.port, f, frame(f, 0x20, 1, 12)), 0);
		/* one write at a time per master */
		assert_int_equal(pcisim_i2c_write(&a.port, f, 12), -PCISIM_EBUSY);
		pcisim_run(&t->sim, t0 + PCISIM_MS * 10);
		assert_int_equal(b.got, 1);
		assert_int_equal(b.got_at[0] - t0, (pcisim_time)110 * (1000000000000ull / hz[i]));
		assert_int_equal(a.acked, 1);
		assert_memory_equal(b.frame[0], f, 12);
		tb_free(t);
	}
}

/* two masters start together: the lower bytes win, the other waits for the bus */
static void arbitration(void **state)
{
	(void)state;
	struct pcisim_i2c_bus *bus;
	struct tb *t = bus_bench(&bus);
	struct probe a, b, c;
	probe_attach(&a, t, bus, 0x10);
	probe_attach(&b, t, bus, 0x11);
	probe_attach(&c, t, bus, 0x20);
	uint8_t fa[16], fb[16];
	frame(fa, 0x20, 0x09, 12);
	frame(fb, 0x20, 0x08, 12); /* lower at byte 2: B wins although A asked first */
	pcisim_time t0 = t->sim.now, w = pcisim_i2c_wire_time(12, 100000);
	/* the bus is busy with a third write: A and B both wait for it */
	uint8_t f0[16];
	assert_int_equal(pcisim_i2c_write(&c.port, f0, frame(f0, 0x10, 0, 12)), 0);
	assert_int_equal(pcisim_i2c_write(&a.port, fa, 12), 0);
	assert_int_equal(pcisim_i2c_write(&b.port, fb, 12), 0);
	pcisim_run(&t->sim, t0 + PCISIM_MS * 10);
	assert_int_equal(c.got, 2);
	assert_int_equal(c.frame[0][2], 0x08);
	assert_int_equal(c.got_at[0] - t0, 2 * w);
	assert_int_equal(c.frame[1][2], 0x09);
	assert_int_equal(c.got_at[1] - t0, 3 * w);
	assert_int_equal(bus->arbitrations, 1);
	assert_int_equal(tb_count(t, "i2c.arbitration_lost", NULL, NULL), 1);
	tb_free(t);
}

/* nobody at the address, a NACK fault, an endpoint busy answering: NACK, nothing delivered */
static void nacks(void **state)
{
	(void)state;
	struct pcisim_i2c_bus *bus;
	struct tb *t = bus_bench(&bus);
	struct probe a, b;
	probe_attach(&a, t, bus, 0x10);
	probe_attach(&b, t, bus, 0x20);
	uint8_t f[16];
	pcisim_i2c_write(&a.port, f, frame(f, 0x33, 0, 12)); /* nobody */
	pcisim_run(&t->sim, t->sim.now + PCISIM_MS * 5);
	b.port.nack_next = 1;
	pcisim_i2c_write(&a.port, f, frame(f, 0x20, 0, 12));
	pcisim_run(&t->sim, t->sim.now + PCISIM_MS * 5);
	b.port.busy = true;
	pcisim_i2c_write(&a.port, f, frame(f, 0x20, 0, 12));
	pcisim_run(&t->sim, t->sim.now + PCISIM_MS * 5);
	b.port.busy = false;
	pcisim_i2c_write(&a.port, f, frame(f, 0x20, 0, 12));
	pcisim_run(&t->sim, t->sim.now + PCISIM_MS * 5);
	assert_int_equal(a.nacked, 3);
	assert_int_equal(a.acked, 1);
	assert_int_equal(b.got, 1);
	assert_int_equal(bus->nacks, 3);
	assert_int_equal(tb_count(t, "i2c.nack", NULL, NULL), 3);
	tb_free(t);
}

/* a stall holds writes until it ends; a drop loses a write the writer saw ACKed; a
 * corruption flips the last byte before the PEC, and the PEC check catches it */
static void stall_drop_corrupt(void **state)
{
	(void)state;
	struct pcisim_i2c_bus *bus;
	struct tb *t = bus_bench(&bus);
	struct probe a, b;
	probe_attach(&a, t, bus, 0x10);
	probe_attach(&b, t, bus, 0x20);
	pcisim_time t0 = t->sim.now, w;
	struct pcisim_mctp_pkt p = {.h = {.version = 1, .dest = 9, .src = 8, .som = true, .eom = true, .to = true},
				    .len = 4, .data = {0x08, 0, 1, 0}};
	uint8_t f[PCISIM_SMBUS_MCTP_MAX_FRAME];
	size_t n = pcisim_mctp_i2c_encode(0x20, 0x10, &p, f);
	w = pcisim_i2c_wire_time(n, bus->hz);
	bus->stalled_until = t0 + 5 * PCISIM_MS;
	pcisim_i2c_write(&a.port, f, n);
	pcisim_run(&t->sim, t0 + 20 * PCISIM_MS);
	assert_int_equal(b.got, 1);
	assert_int_equal(b.got_at[0], t0 + 5 * PCISIM_MS + w);
	bus->drop_next = 1;
	pcisim_i2c_write(&a.port, f, n);
	pcisim_run(&t->sim, t0 + 40 * PCISIM_MS);
	assert_int_equal(b.got, 1);
	assert_int_equal(a.acked, 2);
	assert_int_equal(bus->dropped, 1);
	bus->corrupt_next = 1;
	pcisim_i2c_write(&a.port, f, n);
	pcisim_run(&t->sim, t0 + 60 * PCISIM_MS);
	assert_int_equal(b.got, 2);
	assert_int_equal(b.frame[1][n - 2], f[n - 2] ^ 1);
	uint8_t d, s;
	struct pcisim_mctp_pkt q;
	assert_int_equal(pcisim_mctp_i2c_decode(b.frame[1], b.n[1], &d, &s, &q), PCISIM_MCTP_I2C_BAD_PEC);
	assert_int_equal(bus->corrupted, 1);
	tb_free(t);
}

/*
 * SMBus tTIMEOUT (25 ms) at its boundary: SCL held low for exactly 25 ms during a
 * write stretches it by that much and it arrives; 1 ps longer and the master aborts
 * the write 25 ms into the stall: nothing arrives, the writer learns it failed, and
 * the bus carries the next write once the clock is released.
 */
static void clock_low_timeout_boundary(void **state)
{
	(void)state;
	struct pcisim_i2c_bus *bus;
	struct tb *t = bus_bench(&bus);
	struct probe a, b;
	probe_attach(&a, t, bus, 0x10);
	probe_attach(&b, t, bus, 0x20);
	uint8_t f[80];
	size_t n = frame(f, 0x20, 1, 69);
	pcisim_time w = pcisim_i2c_wire_time(n, bus->hz);

	/* exactly tTIMEOUT: stretched */
	pcisim_time t0 = t->sim.now;
	assert_int_equal(pcisim_i2c_write(&a.port, f, n), 0);
	pcisim_run(&t->sim, t0 + PCISIM_MS);
	assert_int_equal(b.got, 0);
	pcisim_time s0 = t->sim.now;
	assert_true(s0 < t0 + w);
	pcisim_i2c_stall(bus, PCISIM_SMBUS_TIMEOUT);
	pcisim_run(&t->sim, t0 + 100 * PCISIM_MS);
	assert_int_equal(b.got, 1);
	assert_int_equal(b.got_at[0], t0 + w + PCISIM_SMBUS_TIMEOUT);
	assert_int_equal(a.acked, 1);
	assert_int_equal(a.nacked, 0);
	assert_int_equal(bus->timeouts, 0);

	/* 1 ps past it: aborted at the timeout, nothing delivered */
	pcisim_time t1 = t->sim.now;
	assert_int_equal(pcisim_i2c_write(&a.port, f, n), 0);
	pcisim_run(&t->sim, t1 + PCISIM_MS);
	pcisim_time s1 = t->sim.now;
	pcisim_i2c_stall(bus, PCISIM_SMBUS_TIMEOUT + 1);
	pcisim_run(&t->sim, t1 + 100 * PCISIM_MS);
	assert_int_equal(b.got, 1);
	assert_int_equal(a.acked, 1);
	assert_int_equal(a.nacked, 1);
	assert_int_equal(a.sent_at[1], s1 + PCISIM_SMBUS_TIMEOUT);
	assert_int_equal(bus->timeouts, 1);
	assert_int_equal(bus->writes, 1); /* the aborted write never completed */

	/* a write asked for inside the stall waits for SCL's release */
	pcisim_time t2 = t->sim.now;
	pcisim_i2c_stall(bus, 30 * PCISIM_MS);
	assert_int_equal(pcisim_i2c_write(&a.port, f, n), 0);
	pcisim_run(&t->sim, t2 + 100 * PCISIM_MS);
	assert_int_equal(b.got, 2);
	assert_int_equal(b.got_at[1], t2 + 30 * PCISIM_MS + w);
	assert_int_equal(bus->timeouts, 1); /* nothing was on the wire */
	tb_free(t);
}

/* the endpoint drops a corrupted packet with a located record and answers the next */
static void endpoint_pec_error(void **state)
{
	(void)state;
	struct pcisim_i2c_bus *bus;
	struct tb *t = bus_bench(&bus);
	struct probe a;
	probe_attach(&a, t, bus, 0x10);
	/* Get Endpoint ID to the null EID */
	struct pcisim_mctp_pkt p = {.h = {.version = 1, .dest = 0, .src = 8, .som = true, .eom = true, .to = true, .tag = 2},
				    .len = 3, .data = {0x00, 0x81, 0x02}};
	uint8_t f[PCISIM_SMBUS_MCTP_MAX_FRAME];
	size_t n = pcisim_mctp_i2c_encode(6, 0x10, &p, f);
	bus->corrupt_next = 1;
	pcisim_i2c_write(&a.port, f, n);
	pcisim_run(&t->sim, t->sim.now + 10 * PCISIM_MS);
	assert_int_equal(tb_count(t, "mctp.rx_error", "reason", "bad-pec"), 1);
	assert_int_equal(a.got, 0);
	pcisim_i2c_write(&a.port, f, n);
	pcisim_run(&t->sim, t->sim.now + 10 * PCISIM_MS);
	assert_int_equal(a.got, 1);
	uint8_t d, s;
	struct pcisim_mctp_pkt q;
	assert_int_equal(pcisim_mctp_i2c_decode(a.frame[0], a.n[0], &d, &s, &q), PCISIM_MCTP_I2C_OK);
	assert_int_equal(s, 6);
	assert_false(q.h.to);
	assert_int_equal(q.h.tag, 2);
	assert_memory_equal(q.data, ((uint8_t[]){0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00}), 7);
	tb_free(t);
}

int main(void)
{
	tb_register();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wire_time_per_speed),
		cmocka_unit_test(arbitration),
		cmocka_unit_test(nacks),
		cmocka_unit_test(stall_drop_corrupt),
		cmocka_unit_test(clock_low_timeout_boundary),
		cmocka_unit_test(endpoint_pec_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
