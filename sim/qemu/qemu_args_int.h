/*
 * Internal to the files behind sim/qemu/qemu_args.h: what one of them defines for
 * another, and nothing else.
 */
#ifndef PCISIM_QEMU_QEMU_ARGS_INT_H
#define PCISIM_QEMU_QEMU_ARGS_INT_H

#include <stdbool.h>

#include "sim/core/sim.h"
#include "sim/qemu/qemu_args.h"

/* options.c: the known option nearest to a mistyped @name (for "did you mean"), or NULL. */
const char *pcisim__qemu_option_suggest(const char *name);

/*
 * cmdline.c: pcisim_qemu_cmdline_parse() of a `qemu_args:` scalar. When @sim's scenario
 * still holds the file @node was read from, each word is located in that file exactly
 * (block scalars drop indentation, quoted ones their quotes and escapes).
 */
int pcisim__qemu_cmdline_parse_node(struct pcisim_arena *a, struct pcisim_sim *sim,
				    const struct pcisim_ynode *node,
				    struct pcisim_qemu_cmdline *out, struct pcisim_diag *d);

/*
 * config.c: is @type a machine type pcisim builds (q35, pc-q35, pc-q35-X.Y from 2.4)?
 * Sets *@version; otherwise a located error listing the valid choices.
 */
int pcisim__qemu_machine_type_check(const char *type, unsigned *version, struct pcisim_loc loc,
				    struct pcisim_diag *d);

/* config.c: may a CXL fixed memory window interleave @n ways (1, 2, 3, 4, 6, 8, 12, 16)? */
bool pcisim__qemu_interleave_ways_valid(unsigned n);

#endif
