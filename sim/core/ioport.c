/*
 * The I/O port space: a sorted table of claimed ranges and the dispatch rules of
 * QEMU's I/O address space (see ioport.h).
 */
#include "sim/core/ioport.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/diag.h"
#include "sim/core/heap.h"

int pcisim_ioport_claim(struct pcisim_ioport_space *io, uint16_t base, uint16_t len,
			const struct pcisim_ioport_ops *ops, void *opaque)
{
	if (!len || (uint32_t)base + len > 0x10000u)
		return PCISIM_ERR(PCISIM_EINVAL);
	size_t at = 0;
	while (at < io->n && io->r[at].base < base)
		at++;
	if (at > 0 && (uint32_t)io->r[at - 1].base + io->r[at - 1].len > base)
		return -PCISIM_EBUSY;
	if (at < io->n && (uint32_t)base + len > io->r[at].base)
		return -PCISIM_EBUSY;
	if (io->n == io->cap) {
		size_t cap = io->cap ? io->cap * 2 : 4;
		struct pcisim_ioport_range *r = pcisim_realloc(io->r, cap * sizeof(*r));
		if (!r)
			abort();
		io->r = r;
		io->cap = cap;
	}
	memmove(&io->r[at + 1], &io->r[at], (io->n - at) * sizeof(*io->r));
	io->r[at] = (struct pcisim_ioport_range){base, len, ops, opaque};
	io->n++;
	return 0;
}

void pcisim_ioport_release(struct pcisim_ioport_space *io, void *opaque)
{
	size_t k = 0;
	for (size_t i = 0; i < io->n; i++)
		if (io->r[i].opaque != opaque)
			io->r[k++] = io->r[i];
	io->n = k;
}

const struct pcisim_ioport_range *pcisim_ioport_find(const struct pcisim_ioport_space *io,
						     uint16_t port)
{
	for (size_t i = 0; io && i < io->n; i++)
		if (port >= io->r[i].base && (uint32_t)port < (uint32_t)io->r[i].base + io->r[i].len)
			return &io->r[i];
	return NULL;
}

static uint32_t ones(unsigned width)
{
	return width >= 4 ? 0xffffffffu : (1u << (8 * width)) - 1;
}

static bool width_ok(const struct pcisim_ioport_range *r, unsigned width)
{
	return (width == 1 || width == 2 || width == 4) && (r->ops->widths & width);
}

uint32_t pcisim_ioport_read(const struct pcisim_ioport_space *io, uint16_t port, unsigned width)
{
	const struct pcisim_ioport_range *r = pcisim_ioport_find(io, port);
	if (!r)
		return ones(width);
	if (!width_ok(r, width) || !r->ops->read)
		return 0;
	return r->ops->read(r->opaque, (uint16_t)(port - r->base), width) & ones(width);
}

void pcisim_ioport_write(const struct pcisim_ioport_space *io, uint16_t port, unsigned width,
			 uint32_t val)
{
	const struct pcisim_ioport_range *r = pcisim_ioport_find(io, port);
	if (!r || !width_ok(r, width) || !r->ops->write)
		return;
	r->ops->write(r->opaque, (uint16_t)(port - r->base), width, val & ones(width));
}

void pcisim_ioport_space_free(struct pcisim_ioport_space *io)
{
	pcisim_free(io->r);
	*io = (struct pcisim_ioport_space){0};
}
