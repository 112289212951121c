/*
 * Bump allocator in chunks of at least 64 KiB.
 */
#include "sim/core/arena.h"

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
}

void pcisim_arena_free(struct pcisim_arena *a)
{
	struct pcisim_arena_chunk *c = a->head;
	while (c) {
		struct pcisim_arena_chunk *n = c->next;
		free(c);
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
		size_t sz = n > 65536 ? n : 65536;
		c = calloc(1, sizeof(*c) + sz);
		if (!c) {
			fprintf(stderr, "pcisim: out of memory\n");
			abort();
		}
		c->size = sz;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
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
