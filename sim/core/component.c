/*
 * The component registry: an array by id (the only order anything iterates in) and
 * an open-addressing index by short name and by path (lookups only).
 */
#include "sim/core/component.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/core/heap.h"

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = pcisim_malloc(n);
	if (!p) {
		fprintf(stderr, "pcisim: out of memory\n");
		abort();
	}
	return memcpy(p, s, n);
}

/* The index holds each live component twice: under its name and under its path. */
static uint32_t slot_of(const struct pcisim_sim *sim, const char *key, bool *found)
{
	uint32_t mask = sim->index_cap - 1;
	uint32_t i = (uint32_t)pcisim_name_code(key) & mask;
	for (;;) {
		struct pcisim_comp *c = sim->index[i];
		if (!c) {
			*found = false;
			return i;
		}
		/* Tombstones are removed components: keep probing past them. */
		if (!c->removed && (!strcmp(c->name, key) || !strcmp(c->path, key))) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

static void index_put(struct pcisim_sim *sim, const char *key, struct pcisim_comp *c)
{
	bool found;
	uint32_t i = slot_of(sim, key, &found);
	sim->index[i] = c;
}

static void index_rebuild(struct pcisim_sim *sim, uint32_t cap)
{
	pcisim_free(sim->index);
	sim->index = pcisim_calloc(cap, sizeof(*sim->index));
	if (!sim->index) {
		fprintf(stderr, "pcisim: out of memory\n");
		abort();
	}
	sim->index_cap = cap;
	for (uint32_t i = 0; i < sim->ncomps; i++) {
		struct pcisim_comp *c = sim->comps[i];
		if (c->removed)
			continue;
		index_put(sim, c->name, c);
		if (strcmp(c->name, c->path))
			index_put(sim, c->path, c);
	}
}

int pcisim_comp_add(struct pcisim_sim *sim, struct pcisim_comp *c, struct pcisim_comp *parent,
		    const char *name, const struct pcisim_comp_ops *ops)
{
	if (pcisim_comp_find(sim, name))
		return -PCISIM_EBUSY;
	if (sim->ncomps == sim->capcomps) {
		uint32_t nc = sim->capcomps ? sim->capcomps * 2 : 64;
		struct pcisim_comp **n = pcisim_realloc(sim->comps, nc * sizeof(*n));
		if (!n)
			return PCISIM_ERR(PCISIM_ENOMEM);
		sim->comps = n;
		sim->capcomps = nc;
	}
	c->ops = ops;
	c->sim = sim;
	c->parent = parent;
	c->name = xstrdup(name);
	if (parent) {
		size_t n = strlen(parent->path) + 1 + strlen(name) + 1;
		c->path = pcisim_malloc(n);
		if (!c->path)
			return PCISIM_ERR(PCISIM_ENOMEM);
		snprintf(c->path, n, "%s/%s", parent->path, name);
	} else if (sim->machine) {
		/* a machine's view: its roots carry the machine's name (sim.h "Machines") */
		size_t n = strlen(sim->machine) + 1 + strlen(name) + 1;
		c->path = pcisim_malloc(n);
		if (!c->path)
			return PCISIM_ERR(PCISIM_ENOMEM);
		snprintf(c->path, n, "%s/%s", sim->machine, name);
	} else {
		c->path = xstrdup(name);
	}
	c->id = sim->ncomps;
	c->removed = false;
	sim->comps[sim->ncomps++] = c;
	/* Keep the index at most half full (two keys per component, plus tombstones). */
	if ((uint64_t)sim->ncomps * 4 + 4 > sim->index_cap)
		index_rebuild(sim, sim->index_cap ? sim->index_cap * 2 : 256);
	else {
		index_put(sim, c->name, c);
		if (strcmp(c->name, c->path))
			index_put(sim, c->path, c);
	}
	return 0;
}

void pcisim_comp_remove(struct pcisim_sim *sim, struct pcisim_comp *c)
{
	c->removed = true;
	(void)sim;
}

static struct pcisim_comp *find_here(const struct pcisim_sim *sim, const char *name)
{
	if (!sim->index_cap)
		return NULL;
	bool found;
	uint32_t i = slot_of(sim, name, &found);
	return found ? sim->index[i] : NULL;
}

/* "MACHINE/ID" in the view of that machine: @name past the prefix, or NULL */
static const char *in_machine(const struct pcisim_sim *view, const char *name)
{
	size_t n = strlen(view->machine);
	return !strncmp(name, view->machine, n) && name[n] == '/' ? name + n + 1 : NULL;
}

static struct pcisim_comp *find_in_view(const struct pcisim_sim *view, const char *name)
{
	const char *rest = in_machine(view, name);
	if (!rest)
		return NULL;
	struct pcisim_comp *c = find_here(view, name); /* a full path */
	return c ? c : find_here(view, rest);
}

struct pcisim_comp *pcisim_comp_find(const struct pcisim_sim *sim, const char *name)
{
	struct pcisim_comp *c = find_here(sim, name);
	if (c || (!sim->engine && !sim->nviews))
		return c;
	/* machines (sim.h): "MACHINE/ID" names a component of that machine's view */
	const struct pcisim_sim *eng = sim->engine ? sim->engine : sim;
	for (size_t i = 0; i < eng->nviews; i++)
		if ((c = find_in_view(eng->views[i], name)))
			return c;
	return NULL;
}

struct pcisim_comp *pcisim_comp_by_id(const struct pcisim_sim *sim, uint32_t id)
{
	return id < sim->ncomps ? sim->comps[id] : NULL;
}

const char **pcisim_comp_names(const struct pcisim_sim *sim)
{
	size_t n = sim->ncomps;
	for (size_t j = 0; j < sim->nviews; j++)
		n += sim->views[j]->ncomps;
	const char **v = pcisim_calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	size_t k = 0;
	for (uint32_t i = 0; i < sim->ncomps; i++)
		if (!sim->comps[i]->removed)
			v[k++] = sim->comps[i]->name;
	/* machines (sim.h): the machines' components by their paths, which name them */
	for (size_t j = 0; j < sim->nviews; j++)
		for (uint32_t i = 0; i < sim->views[j]->ncomps; i++) {
			const struct pcisim_comp *c = sim->views[j]->comps[i];
			if (!c->removed && c != sim->views[j]->anchor)
				v[k++] = c->path;
		}
	return v;
}

int pcisim_comp_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	*v = (struct pcisim_value){0};
	if (!strcmp(key, "present")) {
		v->u = !c->removed;
		return 0;
	}
	if (!c->ops || !c->ops->query)
		return -PCISIM_ENOENT;
	return c->ops->query(c, key, v);
}
