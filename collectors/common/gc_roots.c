#include "collectors/common/gc_roots.h"

#include <stdio.h>
#include <stdlib.h>

void gc_roots_init(gc_roots *r) {
  r->cap = 256;
  r->top = 0;
  r->slots = calloc(r->cap, sizeof *r->slots);
  if (!r->slots) { fprintf(stderr, "gclab: out of memory for the shadow stack\n"); abort(); }
}

void gc_roots_free(gc_roots *r) {
  free(r->slots);
  r->slots = NULL;
  r->top = r->cap = 0;
}

void gc_roots_grow(gc_roots *r) {
  if (r->cap > UINT32_MAX / 2) { fprintf(stderr, "gclab: shadow stack overflow\n"); abort(); }
  uint32_t cap = r->cap * 2;
  gc_obj **slots = realloc(r->slots, (size_t)cap * sizeof *slots);
  if (!slots) { fprintf(stderr, "gclab: out of memory for the shadow stack\n"); abort(); }
  r->slots = slots;
  r->cap = cap;
}
