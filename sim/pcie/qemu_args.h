/*
 * QEMU command lines: the -device and -machine options of a launch script turned
 * into pcisim devices (topology entry `qemu_args:`) or into scenario YAML
 * (`pcisim import-qemu`). Options pcisim does not model are accepted and listed.
 */
#ifndef PCISIM_PCIE_QEMU_ARGS_H
#define PCISIM_PCIE_QEMU_ARGS_H

#include <stdio.h>

#include "sim/core/arena.h"
#include "sim/core/diag.h"
#include "sim/core/ynode.h"

struct pcisim_fabric;

/** One option of a command line, with where it was written. */
struct pcisim_qemu_opt {
	const char *name;  /* "device", "machine", "drive", ... (without the dash) */
	const char *value; /* its argument, NULL for flags */
	struct pcisim_loc loc, value_loc;
};

struct pcisim_qemu_cmdline {
	struct pcisim_qemu_opt *opts;
	size_t n;
};

/**
 * pcisim_qemu_cmdline_parse() - split a shell command line (quotes, backslash-newline
 * continuations, comments) into options. @loc is where @text starts.
 */
int pcisim_qemu_cmdline_parse(struct pcisim_arena *a, const char *text, struct pcisim_loc loc,
			      struct pcisim_qemu_cmdline *out, struct pcisim_diag *d);

/** Create the devices of a `qemu_args:` topology entry (a scalar node). */
int pcisim_qemu_args_apply(struct pcisim_fabric *fab, struct pcisim_arena *a,
			   const struct pcisim_ynode *node, struct pcisim_diag *d);

#endif
