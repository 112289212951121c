/*
 * An x86 I/O port space: the 64 KiB of ports a machine decodes, with models claiming
 * ranges of it and software reaching them only through port reads and writes of 1, 2
 * or 4 bytes. A machine holds one (struct pcisim_machine.io); the QEMU glue claims
 * its chipset registers there (the ACPI PCI hot-plug block, the GPE0 block) and the
 * guest's firmware methods and drivers read and write ports, never the models.
 *
 * Rules, as QEMU's I/O address space has them (softmmu/memory.c, QEMU 7.2):
 *  - a port no range claims reads as all ones of the access width, and a write to it
 *    is dropped (unassigned_io_ops);
 *  - a range whose model accepts only some widths (MemoryRegionOps.valid) reads 0
 *    and ignores the write for any other width (memory_region_access_valid() fails,
 *    the dispatcher returns unassigned_mem_read()'s 0);
 *  - an access is dispatched to the range holding its first port; ranges never
 *    overlap (claiming an overlapping range is refused).
 * Nothing here is ordered by pointer: ranges are kept in ascending port order.
 */
#ifndef PCISIM_CORE_IOPORT_H
#define PCISIM_CORE_IOPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** struct pcisim_ioport_ops - a model's port range. @read/@write get the offset in the range. */
struct pcisim_ioport_ops {
	const char *name;     /* "acpi-pci-hotplug", as QEMU's info mtree names it */
	uint8_t widths;       /* accepted access widths: a mask of 1, 2, 4 (1 | 2 | 4 = any) */
	uint32_t (*read)(void *opaque, uint16_t off, unsigned width);
	void (*write)(void *opaque, uint16_t off, unsigned width, uint32_t val);
};

struct pcisim_ioport_range {
	uint16_t base;
	uint16_t len;
	const struct pcisim_ioport_ops *ops;
	void *opaque;
};

struct pcisim_ioport_space {
	struct pcisim_ioport_range *r; /* ascending base */
	size_t n, cap;
};

/**
 * pcisim_ioport_claim() - give ports [@base, @base + @len) to a model. 0, or
 * -PCISIM_EBUSY when they overlap a claimed range, -PCISIM_EINVAL for an empty or
 * wrapping range.
 */
int pcisim_ioport_claim(struct pcisim_ioport_space *io, uint16_t base, uint16_t len,
			const struct pcisim_ioport_ops *ops, void *opaque);
/** Give back every range of @opaque (a model going away). */
void pcisim_ioport_release(struct pcisim_ioport_space *io, void *opaque);
/** The range holding @port, or NULL. */
const struct pcisim_ioport_range *pcisim_ioport_find(const struct pcisim_ioport_space *io,
						     uint16_t port);
/** A port read (inb/inw/inl: @width 1, 2 or 4), with the rules above. */
uint32_t pcisim_ioport_read(const struct pcisim_ioport_space *io, uint16_t port, unsigned width);
/** A port write (outb/outw/outl), with the rules above. */
void pcisim_ioport_write(const struct pcisim_ioport_space *io, uint16_t port, unsigned width,
			 uint32_t val);
/** Free the table (the models are their owners'). */
void pcisim_ioport_space_free(struct pcisim_ioport_space *io);

#endif
