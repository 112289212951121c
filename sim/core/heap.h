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

/**
 * pcisim_heap_constant() - bytes that will never change again, kept by the current
 * heap *outside* its region: a snapshot neither copies nor restores them. Returns a
 * read-only copy of @n bytes at @p, the same copy for the same bytes (so the runs of
 * a campaign, which build the same things from the same snapshot, add nothing), kept
 * until the heap is deleted; NULL when no heap is current (the caller keeps its own).
 * For large tables that a model fills once and then only reads (a config space's
 * masks): what a restore copies back is what can change.
 */
const void *pcisim_heap_constant(const void *p, size_t n);
/** Bytes @h keeps as constants, and how many distinct ones. */
size_t pcisim_heap_constant_bytes(const struct pcisim_heap *h, size_t *count);

/** Bytes from the start of @h's region to its top (bookkeeping and blocks, used or free). */
size_t pcisim_heap_used(const struct pcisim_heap *h);

/*
 * An image of a heap: what a snapshot copies. Every byte up to the top but the
 * contents of large free blocks (their header and free-list link are kept): a
 * block released stays in its region, and the machine's build releases some large
 * ones (the masks it made constant, tables it grew), which no restore needs.
 */
struct pcisim_heap_image;
/** The image of @h as it is now (libc memory, beside the heap). */
struct pcisim_heap_image *pcisim_heap_image_take(const struct pcisim_heap *h);
/**
 * pcisim_heap_image_restore() - put @img back into the heap it was taken from:
 * every block allocated since is gone, every block freed since is back with the
 * contents it had (a free block's contents are undefined, as before).
 */
void pcisim_heap_image_restore(struct pcisim_heap *h, const struct pcisim_heap_image *img);
/** Bytes @img holds (its copied bytes and its bookkeeping). */
size_t pcisim_heap_image_bytes(const struct pcisim_heap_image *img);
void pcisim_heap_image_free(struct pcisim_heap_image *img);

#endif
