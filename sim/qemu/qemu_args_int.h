/*
 * Internal to the files behind sim/qemu/qemu_args.h: what one of them defines for
 * another, and nothing else.
 */
#ifndef PCISIM_QEMU_QEMU_ARGS_INT_H
#define PCISIM_QEMU_QEMU_ARGS_INT_H

/* options.c: the known option nearest to a mistyped @name (for "did you mean"), or NULL. */
const char *pcisim__qemu_option_suggest(const char *name);

#endif
