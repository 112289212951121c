/*
 * The CPU's I/O port space (0 to 0xffff) and the registry of what claims its ports.
 *
 * A model claims a range of ports (pcisim_ioport_claim): the machine's fixed ports
 * (q35's configuration mechanism #1 at 0xcf8/0xcfc, sim/pcie/conf1.c), later ACPI's
 * PCI hot-plug registers at 0xcc4. An access goes to the claim that covers its
 * first port; a port nobody claims reads as all ones and takes writes without
 * effect, as on a PC where nothing decodes it. Claims are per simulation, kept in
 * the order they were made; a range that overlaps an earlier claim is refused.
 * I/O BARs of PCI functions are not decoded (pcisim has no device behind one).
 */
#ifndef PCISIM_PCIE_IOPORT_H
#define PCISIM_PCIE_IOPORT_H

#include <stdbool.h>
#include <stdint.h>

struct pcisim_sim;

/** What answers a claimed range; @port is the accessed port, @len 1, 2 or 4. */
struct pcisim_ioport_ops {
	const char *name; /* what claims the ports, for traces ("pci-conf1") */
	uint32_t (*read)(void *ctx, uint16_t port, unsigned len);
	void (*write)(void *ctx, uint16_t port, uint32_t val, unsigned len);
};

/**
 * pcisim_ioport_claim() - @ops(@ctx) answer ports @base .. @base + @count - 1.
 * Return: 0, or -PCISIM_EINVAL for an empty range, one beyond 0xffff, or one that
 * overlaps a claim already made.
 */
int pcisim_ioport_claim(struct pcisim_sim *sim, uint16_t base, uint32_t count,
			const struct pcisim_ioport_ops *ops, void *ctx);

/** pcisim_ioport_owner() - the ops claiming @port, or NULL. */
const struct pcisim_ioport_ops *pcisim_ioport_owner(struct pcisim_sim *sim, uint16_t port);

/** pcisim_ioport_read() - an IN of @len bytes at @port (all ones when unclaimed). */
uint32_t pcisim_ioport_read(struct pcisim_sim *sim, uint16_t port, unsigned len);
/** pcisim_ioport_write() - an OUT; whether a claim took it. */
bool pcisim_ioport_write(struct pcisim_sim *sim, uint16_t port, uint32_t val, unsigned len);

#endif
