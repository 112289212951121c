/*
 * A bump allocator: many small allocations freed together (YAML trees, trace fields).
 * Memory is zeroed, so nothing uninitialised reaches the model.
 */
#ifndef PCISIM_CORE_ARENA_H
#define PCISIM_CORE_ARENA_H

#include <stddef.h>

struct pcisim_arena_chunk;
struct pcisim_heap;
struct pcisim_arena {
	struct pcisim_arena_chunk *head;
	size_t used_total;
	struct pcisim_heap *heap; /* where its chunks come from: the heap current at init (heap.h) */
};

void pcisim_arena_init(struct pcisim_arena *a);
void pcisim_arena_free(struct pcisim_arena *a);
/** Zeroed, 16-byte aligned; aborts on out-of-memory (there is no way to go on). */
void *pcisim_arena_alloc(struct pcisim_arena *a, size_t n);
char *pcisim_arena_strdup(struct pcisim_arena *a, const char *s);
char *pcisim_arena_strndup(struct pcisim_arena *a, const char *s, size_t n);
char *pcisim_arena_printf(struct pcisim_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
