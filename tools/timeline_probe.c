/*
 * What the timeline writers read from a run besides its records: the PCI function
 * behind a component, the I/O workloads' requests in flight. Read only.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/core/component.h"
#include "sim/core/grow.h"
#include "sim/host/io.h"
#include "sim/pcie/fabric.h"
#include "tools/timeline.h"

/* Room for component ids up to @id, the new entries not known yet. */
static void fns_reserve(struct pcisim_timeline_fns *fns, size_t id)
{
	if (id < fns->cap)
		return;
	size_t old = fns->cap, cap = old;
	fns->fn = pcisim_grow(fns->fn, &cap, id + 1, sizeof(*fns->fn));
	fns->known = pcisim_grow(fns->known, &fns->cap, id + 1, sizeof(*fns->known));
	for (size_t i = old; i < fns->cap; i++)
		fns->fn[i] = NULL, fns->known[i] = false;
}

struct pcisim_pcifn *pcisim_timeline_fn(struct pcisim_timeline_fns *fns, struct pcisim_sim *sim,
					const struct pcisim_comp *c)
{
	if (!c)
		return NULL;
	fns_reserve(fns, c->id);
	if (!fns->known[c->id]) {
		/* Functions are found through the fabric's list, never guessed from a
		 * component's type: only what the fabric created is a function. One walk
		 * learns every function there is now. */
		struct pcisim_fabric *fab = pcisim_fabric_get(sim);
		for (uint32_t i = 0; i < fab->nfns; i++) {
			uint32_t id = fab->fns[i]->comp.id;
			fns_reserve(fns, id);
			fns->fn[id] = fab->fns[i];
			fns->known[id] = true;
		}
		fns->known[c->id] = true;
	}
	return fns->fn[c->id];
}

void pcisim_timeline_fns_free(struct pcisim_timeline_fns *fns)
{
	free(fns->fn);
	free(fns->known);
	memset(fns, 0, sizeof(*fns));
}

const struct pcisim_field *pcisim_timeline_field(const struct pcisim_record *r, const char *name)
{
	for (uint32_t i = 0; i < r->nfields; i++)
		if (!strcmp(r->fields[i].name, name))
			return &r->fields[i];
	return NULL;
}

bool pcisim_timeline_io_learn(struct pcisim_timeline_io *io, const struct pcisim_record *r)
{
	if (strcmp(r->kind, "io.start"))
		return false;
	const struct pcisim_field *f = pcisim_timeline_field(r, "io");
	if (!f || f->type != PCISIM_F_STR || !f->s)
		return false;
	for (size_t i = 0; i < io->n; i++)
		if (!strcmp(io->names[i], f->s))
			return true;
	size_t cap = io->cap;
	io->names = pcisim_grow(io->names, &cap, io->n + 1, sizeof(*io->names));
	io->in_flight = pcisim_grow(io->in_flight, &io->cap, io->n + 1, sizeof(*io->in_flight));
	io->names[io->n] = strdup(f->s);
	if (!io->names[io->n])
		abort();
	io->in_flight[io->n++] = 0;
	return true;
}

bool pcisim_timeline_io_sample(struct pcisim_timeline_io *io, struct pcisim_sim *sim)
{
	bool changed = false;
	for (size_t i = 0; i < io->n; i++) {
		struct pcisim_io_counts c;
		uint64_t v = pcisim_io_counts(sim, io->names[i], &c) ? c.in_flight : 0;
		changed |= v != io->in_flight[i];
		io->in_flight[i] = v;
	}
	return changed;
}

void pcisim_timeline_io_free(struct pcisim_timeline_io *io)
{
	for (size_t i = 0; i < io->n; i++)
		free(io->names[i]);
	free(io->names);
	free(io->in_flight);
	memset(io, 0, sizeof(*io));
}
