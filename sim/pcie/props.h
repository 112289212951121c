/*
 * QEMU device properties: the key=value pairs of a -device line or a topology entry,
 * each kept with its location so a bad value is reported where it was written.
 */
#ifndef PCISIM_PCIE_PROPS_H
#define PCISIM_PCIE_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/arena.h"
#include "sim/core/diag.h"
#include "sim/core/ynode.h"

enum pcisim_prop_type {
	PCISIM_PROP_STR,
	PCISIM_PROP_INT,  /* decimal or 0x hex, in [lo, hi] */
	PCISIM_PROP_BOOL, /* on/off, true/false, yes/no */
	PCISIM_PROP_ADDR, /* PCI address "slot[.fn]", each decimal or hex (0x12.0x1) */
	PCISIM_PROP_SIZE, /* 4G, 512M, 1k, or bytes */
	PCISIM_PROP_CHOICE,
};

struct pcisim_prop_def {
	const char *name;
	enum pcisim_prop_type type;
	const char *help;
	uint64_t lo, hi;
	const char *const *choices;
	bool modelled; /* false: accepted as QEMU accepts it, but it changes nothing here */
};

struct pcisim_prop {
	const char *name;
	const char *value;
	struct pcisim_loc loc;     /* of the value */
	struct pcisim_loc key_loc; /* of the key */
};

struct pcisim_props {
	const char *driver;
	struct pcisim_loc loc; /* of the whole entry */
	struct pcisim_prop *v;
	size_t n;
};

/** Properties from a topology entry (a YAML mapping with driver: and properties). */
int pcisim_props_from_yaml(struct pcisim_arena *a, const struct pcisim_ynode *m,
			   struct pcisim_props *out, struct pcisim_diag *d);
/**
 * Properties from the argument of one -device option, "drv,k=v,k=v" or
 * "driver=drv,k=v"; @loc is where the argument starts (columns advance along it).
 */
int pcisim_props_from_string(struct pcisim_arena *a, const char *arg, struct pcisim_loc loc,
			     struct pcisim_props *out, struct pcisim_diag *d);

const struct pcisim_prop *pcisim_props_find(const struct pcisim_props *p, const char *name);
const char *pcisim_props_str(const struct pcisim_props *p, const char *name, const char *dflt);
/* Typed getters: values were checked by pcisim_props_check, so they cannot fail. */
uint64_t pcisim_props_u64(const struct pcisim_props *p, const char *name, uint64_t dflt);
bool pcisim_props_bool(const struct pcisim_props *p, const char *name, bool dflt);
/** An addr property: devfn = slot << 3 | fn; false when absent. */
bool pcisim_props_addr(const struct pcisim_props *p, const char *name, uint8_t *devfn);

/**
 * pcisim_props_check() - every property must be in @common or @specific and its value
 * must parse as its type; reports "unknown property 'x' for device 'drv'; valid
 * properties: ..." or "'port': 'abc' is not an integer ..." at the value's location.
 */
int pcisim_props_check(const struct pcisim_props *p, const struct pcisim_prop_def *common,
		       const struct pcisim_prop_def *specific, struct pcisim_diag *d);

/*
 * A property younger than the oldest QEMU pcisim emulates: it exists only where the
 * machine has the PCISIM_QEMU_* bit @needs (sim/pcie/machine.h); QEMU @since added it.
 */
struct pcisim_prop_gate {
	const char *name;
	unsigned needs;
	const char *since;
};

/**
 * pcisim_props_check_gates() - refuse a property the emulated QEMU lacks: "'x-speed' is
 * not a property of 'pcie-root-port' in the emulated QEMU (QEMU 4.0 added it) ..." at
 * the key's location. @gates ends with {0}; NULL means none.
 */
int pcisim_props_check_gates(const struct pcisim_props *p, const struct pcisim_prop_gate *gates,
			     unsigned machine_compat, struct pcisim_diag *d);

/** Parse one value of a type (shared with actions); 0 or -1. */
int pcisim_prop_parse_addr(const char *s, uint8_t *devfn);
int pcisim_prop_parse_size(const char *s, uint64_t *out);

#endif
