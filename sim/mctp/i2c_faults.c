/*
 * Faults of an I2C bus as timeline actions, so that a fuzz: faults: menu can pick
 * them (docs/fuzz.md): a stalled bus (a device holding SCL low), a dropped or
 * corrupted write, a NACK from an address. The bus model applies them
 * (sim/mctp/i2c.c); the actions only arm them.
 */
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/trace.h"
#include "sim/mctp/i2c.h"
#include "sim/mctp/mctp.h"

static struct pcisim_i2c_bus *step_bus(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_comp *c = pcisim_step_comp(sim, s, "bus");
	struct pcisim_i2c_bus *b = c ? pcisim_i2c_bus_find(sim, c->name) : NULL;
	if (!b)
		pcisim_log(sim, c, "pcisim", "%s: '%s' is not an I2C bus", s->def->name,
			   pcisim_step_param(s, "bus")->s);
	return b;
}

static uint32_t count_of(const struct pcisim_step *s)
{
	const struct pcisim_pval *v = pcisim_step_param(s, "count");
	return v && v->set ? (uint32_t)v->u : 1;
}

static int act_stall(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_i2c_bus *b = step_bus(sim, s);
	if (!b)
		return -1;
	pcisim_i2c_stall(b, pcisim_step_param(s, "for")->u);
	return 0;
}

static int act_drop(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_i2c_bus *b = step_bus(sim, s);
	if (!b)
		return -1;
	b->drop_next += count_of(s);
	return 0;
}

static int act_corrupt(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_i2c_bus *b = step_bus(sim, s);
	if (!b)
		return -1;
	b->corrupt_next += count_of(s);
	return 0;
}

static int act_nack(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_i2c_bus *b = step_bus(sim, s);
	if (!b)
		return -1;
	uint8_t a = (uint8_t)pcisim_step_param(s, "address")->u;
	struct pcisim_i2c_port *p = pcisim_i2c_port_at(b, a);
	if (!p) {
		pcisim_log(sim, &b->comp, "pcisim", "i2c.nack: nothing answers at 0x%02x on %s", a,
			   b->comp.name);
		return -1;
	}
	p->nack_next += count_of(s);
	return 0;
}

static const struct pcisim_param_def stall_params[] = {
	{"bus", PCISIM_P_COMP, true, "the I2C bus (aspeed.i2c.bus.N)", NULL, 0, 0, NULL},
	{"for", PCISIM_P_TIME, true, "how long SCL is held low", NULL, 0, 0, NULL},
	{0},
};

static const struct pcisim_param_def count_params[] = {
	{"bus", PCISIM_P_COMP, true, "the I2C bus (aspeed.i2c.bus.N)", NULL, 0, 0, NULL},
	{"count", PCISIM_P_INT, false, "how many of the next writes", NULL, 1, 1000000, "1"},
	{0},
};

static const struct pcisim_param_def nack_params[] = {
	{"bus", PCISIM_P_COMP, true, "the I2C bus (aspeed.i2c.bus.N)", NULL, 0, 0, NULL},
	{"address", PCISIM_P_INT, true, "the 7-bit address that refuses", NULL, 0, 0x7f, NULL},
	{"count", PCISIM_P_INT, false, "how many of the next writes to it", NULL, 1, 1000000, "1"},
	{0},
};

static const struct pcisim_action_def fault_actions[] = {
	{"i2c.stall", "a device holds SCL low: the bus carries nothing for a time (writes wait)",
	 stall_params, false, NULL, act_stall},
	{"i2c.drop", "the next write(s) on the bus vanish after their ACKs (a lost MCTP packet)",
	 count_params, false, NULL, act_drop},
	{"i2c.corrupt", "the next write(s) on the bus arrive with a bit flipped (the receiver's PEC check fails)",
	 count_params, false, NULL, act_corrupt},
	{"i2c.nack", "the port at an address NACKs its next write(s)", nack_params, false, NULL, act_nack},
	{0},
};

void pcisim_i2c_faults_register(void)
{
	pcisim_actions_add(fault_actions);
}
