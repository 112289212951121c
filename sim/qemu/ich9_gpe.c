/*
 * The ICH9 GPE0 block (facts: QEMU 7.2 hw/acpi/ich9.c ich9_gpe_ops, hw/acpi/core.c
 * acpi_gpe_ioport_readb/writeb and acpi_update_sci):
 *  - 16 bytes at GPE0_BLK: 8 status bytes, then 8 enable bytes; accesses of 1 to 4
 *    bytes, carried out a byte at a time (.valid 1..4, .impl 1);
 *  - a status byte is write-1-to-clear, an enable byte plain read/write;
 *  - the SCI level is (sts[0] & en[0]) != 0 (PM1 events are not modelled), checked
 *    after every write and every event.
 * Every change of a status byte is a record "acpi.gpe"; the SCI's level changes are
 * "irq" records.
 */
#include "sim/qemu/ich9_gpe.h"

#include "sim/core/trace.h"

static void update_sci(struct pcisim_ich9_gpe *g)
{
	pcisim_irq_set(g->sim, &g->sci, (g->sts[0] & g->en[0]) != 0);
}

static void traced(struct pcisim_ich9_gpe *g, const char *reg, unsigned idx, uint8_t old, uint8_t now,
		   const char *why)
{
	if (old == now)
		return;
	PCISIM_RECORD(g->sim, g->owner, "acpi.gpe", PCISIM_FS("reg", reg), PCISIM_FU("byte", idx),
		      PCISIM_FX("old", old), PCISIM_FX("new", now), PCISIM_FS("why", why));
}

static uint8_t readb(struct pcisim_ich9_gpe *g, uint16_t off)
{
	unsigned half = PCISIM_ICH9_GPE0_LEN / 2;
	return off < half ? g->sts[off] : g->en[off - half];
}

static void writeb(struct pcisim_ich9_gpe *g, uint16_t off, uint8_t v)
{
	unsigned half = PCISIM_ICH9_GPE0_LEN / 2;
	if (off < half) {
		uint8_t old = g->sts[off];
		g->sts[off] = (uint8_t)(old & ~v);
		traced(g, "sts", off, old, g->sts[off], "guest write 1 to clear");
	} else {
		/* Not traced: Linux enables the GPE at every boot; the SCI shows its effect. */
		g->en[off - half] = v;
	}
}

static uint32_t gpe_read(void *opaque, uint16_t off, unsigned width)
{
	struct pcisim_ich9_gpe *g = opaque;
	uint32_t v = 0;
	for (unsigned i = 0; i < width && off + i < PCISIM_ICH9_GPE0_LEN; i++)
		v |= (uint32_t)readb(g, (uint16_t)(off + i)) << (8 * i);
	return v;
}

static void gpe_write(void *opaque, uint16_t off, unsigned width, uint32_t val)
{
	struct pcisim_ich9_gpe *g = opaque;
	for (unsigned i = 0; i < width && off + i < PCISIM_ICH9_GPE0_LEN; i++)
		writeb(g, (uint16_t)(off + i), (uint8_t)(val >> (8 * i)));
	update_sci(g);
}

static const struct pcisim_ioport_ops gpe_ops = {
	.name = "acpi-gpe0",
	.widths = 1 | 2 | 4,
	.read = gpe_read,
	.write = gpe_write,
};

int pcisim_ich9_gpe_init(struct pcisim_ich9_gpe *g, struct pcisim_fabric *fab,
			 struct pcisim_pcifn *lpc)
{
	*g = (struct pcisim_ich9_gpe){.sim = fab->sim, .owner = &lpc->comp};
	pcisim_irq_init(&g->sci, &lpc->comp, "sci");
	int rc = pcisim_ioport_claim(&fab->machine.io, PCISIM_ICH9_GPE0_BLK, PCISIM_ICH9_GPE0_LEN,
				     &gpe_ops, g);
	if (rc)
		return rc;
	fab->machine.acpi.gpe0_base = PCISIM_ICH9_GPE0_BLK;
	fab->machine.acpi.gpe0_len = PCISIM_ICH9_GPE0_LEN;
	fab->machine.acpi.sci = &g->sci;
	return 0;
}

void pcisim_ich9_gpe_send(struct pcisim_ich9_gpe *g, unsigned bit, const char *why)
{
	uint8_t old = g->sts[0];
	g->sts[0] |= (uint8_t)(1u << bit);
	traced(g, "sts", 0, old, g->sts[0], why);
	update_sci(g);
}
