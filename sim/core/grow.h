/*
 * Growing arrays: how pcisim makes room in an array that registration or a run fills
 * (registries of tables, per-run lists). There is no fixed-size table that drops an
 * entry when it is full: the array doubles, keeping its elements in order, and running
 * out of memory stops the program with "pcisim: out of memory", as the arena does
 * (there is no way to go on).
 */
#ifndef PCISIM_CORE_GROW_H
#define PCISIM_CORE_GROW_H

#include <stddef.h>

/**
 * pcisim_grow() - room for at least @need elements of @size bytes in the array @v of
 * *@cap elements (@v NULL when *@cap is 0). Returns @v when it is big enough; else
 * the array reallocated to twice its capacity or more (at least @need, at least 8
 * elements), with *@cap updated. The elements already there keep their order and
 * values; the new ones are not initialised. Aborts when memory runs out.
 *
 * Use: v = pcisim_grow(v, &cap, n + 1, sizeof(*v)); v[n++] = x;
 */
void *pcisim_grow(void *v, size_t *cap, size_t need, size_t size);

#endif
