/*
 * Bump allocator in chunks of 4 KiB doubling up to 64 KiB (a small arena costs a
 * snapshot little), each allocation zeroed as it is handed out. An arena takes its
 * chunks from the heap that was current when it was initialised (heap.h), so that
 * an arena of a scenario or a result never lands in a sim's heap, and one of a sim
 * always does.
 */
#include "sim/core/arena.h"
#include "sim/core/heap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pcisim_arena_chunk {
	struct pcisim_arena_chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

void pcisim_arena_init(struct pcisim_arena *a)
{
	a->head = NULL;
	a->used_total = 0;
	a->heap = pcisim_heap_current();
}

void pcisim_arena_free(struct pcisim_arena *a)
{
	struct pcisim_arena_chunk *c = a->head;
	while (c) {
		struct pcisim_arena_chunk *n = c->next;
		pcisim_free(c);
		c = n;
	}
	a->head = NULL;
	a->used_total = 0;
}

void *pcisim_arena_alloc(struct pcisim_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct pcisim_arena_chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		size_t sz = c ? (c->size < 65536 ? 2 * c->size : 65536) : 4096 - sizeof(*c) - 16;
		if (sz < n)
			sz = n;
		struct pcisim_heap *prev = pcisim_heap_enter(a->heap);
		c = pcisim_malloc(sizeof(*c) + sz);
		pcisim_heap_leave(prev);
		c->size = sz;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	memset(p, 0, n);
	c->used += n;
	a->used_total += n;
	return p;
}

char *pcisim_arena_strndup(struct pcisim_arena *a, const char *s, size_t n)
{
	char *p = pcisim_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *pcisim_arena_strdup(struct pcisim_arena *a, const char *s)
{
	return pcisim_arena_strndup(a, s, strlen(s));
}

char *pcisim_arena_printf(struct pcisim_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = pcisim_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
