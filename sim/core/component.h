/*
 * Components: every modelled thing (a host bridge, a port, a function, a host driver)
 * is a component with a path ("pcie.0/rp18/xhci0"), a short name (its QEMU id, e.g.
 * "xhci0"), an id (creation order, stable, never reused) and a const ops table.
 *
 * A model embeds struct pcisim_comp as its first member and points ops at a
 * static const table; every op is optional and NULL-checked by the core.
 */
#ifndef PCISIM_CORE_COMPONENT_H
#define PCISIM_CORE_COMPONENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/blob.h"
#include "sim/core/diag.h"

struct pcisim_sim;
struct pcisim_comp;

/** A named piece of state, as an expectation or a dump sees it. */
struct pcisim_value {
	bool is_str;
	uint64_t u;
	const char *s; /* static or owned by the component; valid until the next event */
};

/** Graphviz attributes a component wants for its node. */
struct pcisim_dot_attrs {
	char label[256];
	const char *fillcolor; /* NULL = default */
	const char *shape;     /* NULL = box */
};

enum pcisim_reset_kind {
	PCISIM_RESET_COLD,        /* power-on / fundamental reset: everything, sticky bits too */
	PCISIM_RESET_WARM,        /* hot reset, secondary bus reset, link down: sticky bits survive */
	PCISIM_RESET_FLR,         /* function level reset */
};

struct pcisim_comp_ops {
	const char *type; /* model name, e.g. "pcie-root-port" */
	void (*reset)(struct pcisim_comp *c, enum pcisim_reset_kind kind);
	/* save/load: VMState-like, versioned by the model; load reports mismatches in @d */
	int (*save)(struct pcisim_comp *c, struct pcisim_blob *out);
	int (*load)(struct pcisim_comp *c, struct pcisim_blob_reader *in, struct pcisim_diag *d);
	/* a human dump of the whole state, for --dump */
	void (*describe)(struct pcisim_comp *c, FILE *out);
	void (*dot_attrs)(struct pcisim_comp *c, struct pcisim_dot_attrs *a);
	/* named state: 0, or -PCISIM_ENOENT for an unknown key */
	int (*query)(struct pcisim_comp *c, const char *key, struct pcisim_value *v);
	/* the keys query understands (NULL-terminated), for error messages */
	const char *const *query_keys;
	void (*destroy)(struct pcisim_comp *c);
};

struct pcisim_comp {
	const struct pcisim_comp_ops *ops;
	struct pcisim_sim *sim;
	struct pcisim_comp *parent;
	char *name; /* short name (unique among live components) */
	char *path; /* parent path + "/" + name */
	uint32_t id;
	bool removed; /* unplugged: no longer found by name, memory kept until sim end */
};

/**
 * pcisim_comp_add() - register @c under @parent (NULL for a root) with @name.
 * Returns 0, or -PCISIM_EBUSY when a live component already has that name.
 */
int pcisim_comp_add(struct pcisim_sim *sim, struct pcisim_comp *c, struct pcisim_comp *parent,
		    const char *name, const struct pcisim_comp_ops *ops);
/** Mark removed: lookups no longer find it; destroyed when the sim is freed. */
void pcisim_comp_remove(struct pcisim_sim *sim, struct pcisim_comp *c);
/** Find a live component by short name or full path; NULL if none. */
struct pcisim_comp *pcisim_comp_find(const struct pcisim_sim *sim, const char *name);
struct pcisim_comp *pcisim_comp_by_id(const struct pcisim_sim *sim, uint32_t id);
/** Names of live components (in id order) into a NULL-terminated array (free() it). */
const char **pcisim_comp_names(const struct pcisim_sim *sim);

int pcisim_comp_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v);

#endif
