/*
 * The sim heap: where a simulation's memory lives, so that a snapshot of the whole
 * model state is one copy of a few hundred kilobytes and a restore one copy back.
 *
 * Every sim owns a heap: one contiguous reservation of address space that is never
 * moved, with a small allocator inside it (size classes, free lists, a bump top)
 * whose own bookkeeping lives at the start of the region. The bytes from the start
 * of the region up to its top are therefore everything the models allocated, and
 * every pointer among them stays valid when the same bytes are copied back into the
 * same region (docs/snapshots.md).
 *
 * Which allocations go there. Models allocate with pcisim_malloc(), pcisim_calloc(),
 * pcisim_realloc(), pcisim_strdup() and release with pcisim_free(), never with the C
 * library's functions (tests/check_alloc.py fails the build's tests otherwise). A
 * new block comes from the *current* heap: the engine makes the sim's heap current
 * while it builds the machine (pcisim_scenario_instantiate), runs events
 * (pcisim_run, pcisim_step) and sets itself up (pcisim_sim_init); everywhere else
 * (loading a scenario, a tool's own tables, the hooks of replay/ that the engine
 * calls) no heap is current and the same functions take memory from the C library.
 * A block is released and resized where it lives, whatever is current. Memory that
 * must outlive every sim (a cache of ops tables built on first use) is taken with
 * the C library's functions on purpose and says so (`libc:` in a comment).
 *
 * Memory is never returned to the system before the heap is deleted; a heap can
 * hold PCISIM_HEAP_RESERVE bytes (address space only: pages are used as touched).
 */
#ifndef PCISIM_CORE_HEAP_H
#define PCISIM_CORE_HEAP_H

#include <stddef.h>

struct pcisim_heap;

/** pcisim_heap_new() - an empty heap; NULL when no address space is left. */
struct pcisim_heap *pcisim_heap_new(void);
/** Unmap @h (NULL: nothing); every block in it is gone. */
void pcisim_heap_delete(struct pcisim_heap *h);

/**
 * pcisim_heap_enter() - make @h (may be NULL: the C library) current; returns the
 * heap that was current, for pcisim_heap_leave(). Calls nest.
 */
struct pcisim_heap *pcisim_heap_enter(struct pcisim_heap *h);
void pcisim_heap_leave(struct pcisim_heap *prev);
/** The current heap (NULL: the C library). */
struct pcisim_heap *pcisim_heap_current(void);

void *pcisim_malloc(size_t n) __attribute__((malloc));
void *pcisim_calloc(size_t nmemb, size_t size) __attribute__((malloc));
void *pcisim_realloc(void *p, size_t n);
/** @align a power of two up to 4096. */
void *pcisim_aligned_alloc(size_t align, size_t n) __attribute__((malloc));
char *pcisim_strdup(const char *s) __attribute__((malloc));
char *pcisim_strndup(const char *s, size_t n) __attribute__((malloc));
void pcisim_free(void *p);

/** Bytes of @h a snapshot copies (its bookkeeping and every block, used or free). */
size_t pcisim_heap_used(const struct pcisim_heap *h);
/** Copy those bytes into @dst (room for pcisim_heap_used()). */
void pcisim_heap_save(const struct pcisim_heap *h, void *dst);
/**
 * pcisim_heap_restore() - put back @len bytes saved from @h by pcisim_heap_save():
 * every block allocated since is gone, every block freed since is back with the
 * contents it had.
 */
void pcisim_heap_restore(struct pcisim_heap *h, const void *src, size_t len);

#endif
