/*
 * gc_roots.h — the shadow stack every collector shares.
 *
 * Slots are addressed by index (gc_root), never by address, so the array may grow
 * by realloc and a moving collector may rewrite slots in place.  How a store into a
 * slot is counted is each collector's business; this file only keeps the slots.
 */
#ifndef GC_ROOTS_H
#define GC_ROOTS_H

#include <stdint.h>
#include "collectors/api/gc_embed.h"

typedef struct gc_roots {
  gc_obj **slots;
  uint32_t top; /* slots in use */
  uint32_t cap;
} gc_roots;

void gc_roots_init(gc_roots *r);
void gc_roots_free(gc_roots *r);
/* Grows the array; out of line because it is rare. */
void gc_roots_grow(gc_roots *r);

static inline uint32_t gc_roots_push(gc_roots *r, gc_obj *v) {
  if (__builtin_expect(r->top == r->cap, 0)) gc_roots_grow(r);
  r->slots[r->top] = v;
  return r->top++;
}
#endif
