/* A model that keeps state outside the sim heap: check_alloc.py must refuse it. */
#include <stdlib.h>
struct bad { int *v; };
void bad_init(struct bad *b) { b->v = calloc(4, sizeof(*b->v)); }
void bad_free(struct bad *b) { free(b->v); /* a comment: malloc() here is fine */ }
