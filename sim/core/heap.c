/*
 * The sim heap (heap.h): a reserved region, bookkeeping at its start, blocks above
 * it, taken from per-class free lists or from the top. Each block starts with a
 * 16-byte header naming its class, so a block is released into its own list and a
 * resize knows its room. The classes are of room after the header: 16, 32, 48, 64,
 * 96, 128, ... (powers of two and halfway between up to 4 KiB, eighths above: see
 * class_room()), so that the power-of-two sizes models ask for (4 KiB config spaces,
 * the engine's pool) take a block of their size plus the header and not one of the
 * next class; a snapshot copies every byte up to the top, used or not, but the
 * contents of large free blocks. Nothing is ever coalesced or returned: a run of a model
 * allocates the same few sizes again and again, and the whole region is dropped at
 * once when its sim ends.
 *
 * Which heap a pointer belongs to is decided by address: the live heaps are kept in
 * a list (a process has one or two), and a pointer in none of them came from the C
 * library.
 */
#define _DEFAULT_SOURCE
#include "sim/core/heap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xxhash.h>

/*
 * Under valgrind, a block handed out is "undefined" as malloc's are, so memcheck
 * still reports a model reading memory it never wrote (a block may hold the bytes of
 * an earlier run or sim). The requests are no-ops outside valgrind.
 */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define UNDEFINED(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#endif
#endif
#ifndef UNDEFINED
#define UNDEFINED(p, n) ((void)(p), (void)(n))
#endif

/* 16 classes up to 4 KiB, then 8 per power of two up to 2^46 (class_room) */
#define NCLASS (16 + 8 * 34)
#define HDR 16
#define MAGIC 0x70636973696d6870ull /* "pcisimhp" */

/* At the start of the region: part of every snapshot. */
struct region {
	size_t top;             /* offset of the first byte never handed out */
	void *free[NCLASS];     /* per class: released blocks, linked through their payload */
};

struct blockhdr {
	uint32_t cls;
	uint32_t back; /* bytes from the block's start to this header (aligned blocks) */
	uint64_t magic;
};

/* A constant (pcisim_heap_constant): libc memory, no part of any snapshot. */
struct constant {
	struct constant *next;
	uint64_t hash;
	size_t n;
	_Alignas(16) unsigned char bytes[];
};

struct pcisim_heap {
	char *base;
	size_t reserve;
	size_t committed; /* bytes from base made readable and writable (never shrinks) */
	struct pcisim_heap *next; /* the live heaps */
	struct constant *constants; /* newest first */
};

/* The reservation is inaccessible address space; it is made usable in steps of this. */
#define COMMIT_STEP ((size_t)1 << 20)

/* Process-level: the live heaps and the current one (the engine is single-threaded). */
static struct pcisim_heap *live;
static struct pcisim_heap *cur;
/*
 * Heaps of sims that ended, kept for the next sims (a tool or a test runs thousands
 * one after the other): a fresh mapping would cost a page fault per page touched.
 */
#define SPARES 2
static struct pcisim_heap *spare[SPARES];
static unsigned nspare;

static void oom(void)
{
	fprintf(stderr, "pcisim: out of memory\n");
	abort();
}

/*
 * Room after the header in a block of class @k: 16, then 32, 48, 64, 96, ... 4096 (two
 * classes per power of two), then eight per power of two (4608, 5120, ... 8192, 9216,
 * ...). A snapshot copies a block's unused tail too: above 4 KiB, where the large
 * tables of models sit (a device's state, a machine view), a tail is at most an eighth.
 */
static size_t class_room(unsigned k)
{
	if (!k)
		return 16;
	if (k >= 16) {
		unsigned j = k - 16, b = 12 + j / 8;
		return ((size_t)1 << b) + ((size_t)(j % 8 + 1) << (b - 3));
	}
	k--;
	return k & 1 ? (size_t)48 << (k / 2) : (size_t)32 << (k / 2);
}

/* Bytes of a block of class @k, header included: a multiple of 16 (blocks stay aligned). */
static size_t class_size(unsigned k)
{
	return HDR + class_room(k);
}

/* The smallest class with room for @n bytes. */
static unsigned class_of(size_t n)
{
	if (n <= 16)
		return 0;
	if (n <= 32)
		return 1;
	unsigned b = 63u - (unsigned)__builtin_clzll((unsigned long long)(n - 1));
	if (b >= 12) { /* 2^b < n <= 2^(b+1), over 4 KiB: in eighths of 2^b */
		size_t step = (size_t)1 << (b - 3);
		unsigned s = (unsigned)((n - ((size_t)1 << b) + step - 1) / step) - 1;
		return 16 + 8 * (b - 12) + s;
	}
	return n <= (size_t)3 << (b - 1) ? 2 * b - 8 : 2 * b - 7;
}

static void region_init(struct pcisim_heap *h)
{
	struct region *rg = (struct region *)h->base;
	memset(rg, 0, sizeof(*rg));
	rg->top = (sizeof(struct region) + 63) & ~(size_t)63;
	h->next = live;
	live = h;
}

struct pcisim_heap *pcisim_heap_new(void)
{
	if (nspare) {
		struct pcisim_heap *h = spare[--nspare];
		region_init(h);
		return h;
	}
	/* libc: the handle outlives nothing but is no part of any snapshot. */
	struct pcisim_heap *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	/*
	 * Address space only (PROT_NONE, MAP_NORESERVE), made usable a megabyte at a time
	 * as the heap grows, so that it costs neither memory nor the bookkeeping of tools
	 * that watch every usable byte (valgrind's memcheck); under valgrind less is
	 * reserved for the same reason.
	 */
	/* 64 GiB where addresses are 64 bits wide; a 32-bit process has 3-4 GiB in all */
	size_t most = (size_t)1 << (SIZE_MAX > UINT32_MAX ? 36 : 30);
#ifdef RUNNING_ON_VALGRIND
	if (RUNNING_ON_VALGRIND)
		most = (size_t)1 << (SIZE_MAX > UINT32_MAX ? 32 : 28);
#endif
	for (size_t r = most; r >= (size_t)256 << 20; r /= 4) {
		void *p = mmap(NULL, r, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p != MAP_FAILED) {
			h->base = p;
			h->reserve = r;
			break;
		}
	}
	if (!h->base || mprotect(h->base, COMMIT_STEP, PROT_READ | PROT_WRITE)) {
		if (h->base)
			munmap(h->base, h->reserve);
		free(h);
		return NULL;
	}
	h->committed = COMMIT_STEP;
	region_init(h);
	return h;
}

static void constants_free(struct pcisim_heap *h)
{
	while (h->constants) {
		struct constant *k = h->constants;
		h->constants = k->next;
		free(k); /* libc: see struct constant */
	}
}

void pcisim_heap_delete(struct pcisim_heap *h)
{
	if (!h)
		return;
	constants_free(h);
	for (struct pcisim_heap **pp = &live; *pp; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	if (cur == h)
		cur = NULL;
	if (nspare < SPARES) {
		spare[nspare++] = h;
		return;
	}
	munmap(h->base, h->reserve);
	free(h);
}

struct pcisim_heap *pcisim_heap_enter(struct pcisim_heap *h)
{
	struct pcisim_heap *prev = cur;
	cur = h;
	return prev;
}

void pcisim_heap_leave(struct pcisim_heap *prev)
{
	cur = prev;
}

struct pcisim_heap *pcisim_heap_current(void)
{
	return cur;
}

static struct pcisim_heap *owner(const void *p)
{
	const char *c = p;
	if (cur && c >= cur->base && c < cur->base + cur->reserve)
		return cur;
	for (struct pcisim_heap *h = live; h; h = h->next)
		if (c >= h->base && c < h->base + h->reserve)
			return h;
	return NULL;
}

/* A block of class @k from @h: its start. */
static char *block_take(struct pcisim_heap *h, unsigned k)
{
	struct region *rg = (struct region *)h->base;
	if (k >= NCLASS)
		oom();
	char *blk = rg->free[k];
	if (blk) {
		memcpy(&rg->free[k], blk + HDR, sizeof(void *));
		return blk;
	}
	size_t sz = class_size(k);
	if (sz > h->reserve - rg->top)
		oom();
	if (rg->top + sz > h->committed) {
		size_t want = (rg->top + sz + COMMIT_STEP - 1) / COMMIT_STEP * COMMIT_STEP;
		if (want > h->reserve)
			want = h->reserve;
		if (mprotect(h->base + h->committed, want - h->committed, PROT_READ | PROT_WRITE))
			oom();
		h->committed = want;
	}
	blk = h->base + rg->top;
	rg->top += sz;
	return blk;
}

static void *heap_alloc(struct pcisim_heap *h, size_t n)
{
	/* no heap is this large (2^46 bytes, 2^30 in a 32-bit process); keeps class_of() in range */
	if (n > ((size_t)1 << (SIZE_MAX > UINT32_MAX ? 46 : 30)))
		oom();
	unsigned k = class_of(n);
	char *blk = block_take(h, k);
	struct blockhdr hd = {k, 0, MAGIC};
	memcpy(blk, &hd, sizeof(hd));
	UNDEFINED(blk + HDR, n);
	return blk + HDR;
}

static struct blockhdr *hdr_of(void *p)
{
	struct blockhdr *hd = (struct blockhdr *)((char *)p - HDR);
	if (hd->magic != MAGIC) {
		fprintf(stderr, "pcisim: a block freed twice or not from the sim heap\n");
		abort();
	}
	return hd;
}

static void heap_release(struct pcisim_heap *h, void *p)
{
	struct region *rg = (struct region *)h->base;
	struct blockhdr *hd = hdr_of(p);
	char *blk = (char *)hd - hd->back;
	unsigned k = hd->cls;
	hd->magic = 0;
	memcpy(blk + HDR, &rg->free[k], sizeof(void *));
	rg->free[k] = blk;
}

void *pcisim_malloc(size_t n)
{
	if (!cur) {
		void *p = malloc(n ? n : 1); /* libc: no sim heap is current */
		if (!p)
			oom();
		return p;
	}
	return heap_alloc(cur, n);
}

void *pcisim_calloc(size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		oom();
	size_t n = nmemb * size;
	void *p = pcisim_malloc(n);
	memset(p, 0, n);
	return p;
}

void *pcisim_aligned_alloc(size_t align, size_t n)
{
	if (!cur) {
		void *p = aligned_alloc(align, (n + align - 1) / align * align); /* libc */
		if (!p)
			oom();
		return p;
	}
	if (align <= HDR)
		return heap_alloc(cur, n);
	unsigned k = class_of(n + align);
	char *blk = block_take(cur, k);
	uintptr_t a = ((uintptr_t)blk + HDR + align - 1) & ~(uintptr_t)(align - 1);
	char *p = (char *)a;
	struct blockhdr hd = {k, (uint32_t)(p - HDR - blk), MAGIC};
	memcpy(p - HDR, &hd, sizeof(hd));
	UNDEFINED(p, n);
	return p;
}

void pcisim_free(void *p)
{
	if (!p)
		return;
	struct pcisim_heap *h = owner(p);
	if (h)
		heap_release(h, p);
	else
		free(p); /* libc: it came from the C library */
}

void *pcisim_realloc(void *p, size_t n)
{
	if (!p)
		return pcisim_malloc(n);
	struct pcisim_heap *h = owner(p);
	if (!h) {
		void *np = realloc(p, n ? n : 1); /* libc: it stays where it came from */
		if (!np)
			oom();
		return np;
	}
	struct blockhdr *hd = hdr_of(p);
	size_t room = class_size(hd->cls) - HDR - hd->back;
	if (n <= room)
		return p;
	void *np = heap_alloc(h, n);
	memcpy(np, p, room);
	heap_release(h, p);
	return np;
}

char *pcisim_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = pcisim_malloc(n);
	memcpy(p, s, n);
	return p;
}

char *pcisim_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = pcisim_malloc(len + 1);
	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

const void *pcisim_heap_constant(const void *p, size_t n)
{
	if (!cur)
		return NULL;
	uint64_t hash = XXH3_64bits(p, n);
	for (struct constant *k = cur->constants; k; k = k->next)
		if (k->hash == hash && k->n == n && !memcmp(k->bytes, p, n))
			return k->bytes;
	struct constant *k = malloc(sizeof(*k) + (n ? n : 1)); /* libc: outside the region */
	if (!k)
		oom();
	k->hash = hash;
	k->n = n;
	memcpy(k->bytes, p, n);
	k->next = cur->constants;
	cur->constants = k;
	return k->bytes;
}

size_t pcisim_heap_constant_bytes(const struct pcisim_heap *h, size_t *count)
{
	size_t bytes = 0, c = 0;
	for (const struct constant *k = h ? h->constants : NULL; k; k = k->next, c++)
		bytes += k->n;
	if (count)
		*count = c;
	return bytes;
}

size_t pcisim_heap_used(const struct pcisim_heap *h)
{
	return ((const struct region *)h->base)->top;
}

/* A free block of at least this many bytes is left out of an image but for its header and link. */
#define IMAGE_SKIP_MIN 1024
#define IMAGE_KEEP (HDR + sizeof(void *))

struct span {
	size_t off, len; /* bytes of the region at off, in the image at the sum of the lens before */
};

struct pcisim_heap_image {
	size_t nspans;
	struct span *spans;
	unsigned char *bytes;
	size_t nbytes;
};

static int cmp_span_off(const void *a, const void *b)
{
	size_t x = ((const struct span *)a)->off, y = ((const struct span *)b)->off;
	return x < y ? -1 : x > y;
}

struct pcisim_heap_image *pcisim_heap_image_take(const struct pcisim_heap *h)
{
	const struct region *rg = (const struct region *)h->base;
	/* the large free blocks, by offset: the gaps between spans */
	size_t nfree = 0, capfree = 0;
	struct span *gaps = NULL;
	for (unsigned k = 0; k < NCLASS; k++) {
		if (class_size(k) < IMAGE_SKIP_MIN)
			continue;
		for (char *blk = rg->free[k]; blk;) {
			if (nfree == capfree) {
				capfree = capfree ? 2 * capfree : 16;
				struct span *ng = realloc(gaps, capfree * sizeof(*ng)); /* libc: beside the heap */
				if (!ng)
					oom();
				gaps = ng;
			}
			gaps[nfree++] = (struct span){(size_t)(blk - h->base), class_size(k)};
			void *next;
			memcpy(&next, blk + HDR, sizeof(next));
			blk = next;
		}
	}
	if (nfree)
		qsort(gaps, nfree, sizeof(*gaps), cmp_span_off);
	struct pcisim_heap_image *img = calloc(1, sizeof(*img)); /* libc: as above */
	if (!img)
		oom();
	img->spans = malloc((nfree + 1) * sizeof(*img->spans)); /* libc: as above */
	if (!img->spans)
		oom();
	size_t at = 0;
	for (size_t i = 0; i < nfree; i++) {
		size_t end = gaps[i].off + IMAGE_KEEP;
		img->spans[img->nspans++] = (struct span){at, end - at};
		img->nbytes += end - at;
		at = gaps[i].off + gaps[i].len;
	}
	img->spans[img->nspans++] = (struct span){at, rg->top - at};
	img->nbytes += rg->top - at;
	free(gaps);
	img->bytes = malloc(img->nbytes ? img->nbytes : 1); /* libc: as above */
	if (!img->bytes)
		oom();
	size_t pos = 0;
	for (size_t i = 0; i < img->nspans; i++) {
		memcpy(img->bytes + pos, h->base + img->spans[i].off, img->spans[i].len);
		pos += img->spans[i].len;
	}
	return img;
}

void pcisim_heap_image_restore(struct pcisim_heap *h, const struct pcisim_heap_image *img)
{
	const unsigned char *src = img->bytes;
	for (size_t i = 0; i < img->nspans; i++) {
		memcpy(h->base + img->spans[i].off, src, img->spans[i].len);
		src += img->spans[i].len;
	}
}

size_t pcisim_heap_image_bytes(const struct pcisim_heap_image *img)
{
	return sizeof(*img) + img->nspans * sizeof(*img->spans) + img->nbytes;
}

void pcisim_heap_image_free(struct pcisim_heap_image *img)
{
	if (!img)
		return;
	free(img->spans);
	free(img->bytes);
	free(img);
}
