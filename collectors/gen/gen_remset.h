/*
 * gen_remset.h — the remembered set: a sequential store buffer (SSB) of slot
 * addresses.
 *
 * The write barrier appends the address of every old slot that receives a young
 * pointer; a minor collection treats the slots as roots, updates them in place
 * and empties the buffer.  The fast path is a compare and a store.
 *
 * A buffer can fill up between two minor collections (a loop storing into the
 * same old slots without allocating never collects).  The out-of-line path first
 * compacts the buffer — drops slots that no longer hold a young pointer and
 * duplicates — and grows it only if that freed too little, so its size stays
 * bounded by the number of distinct old slots holding young pointers.
 *
 * Invariant between collections: every old slot holding a young pointer is in
 * the buffer.  No entry outlives the object holding its slot: the major
 * collection drops the slots of the old objects it is about to free (gen_old.c).
 */
#ifndef GEN_REMSET_H
#define GEN_REMSET_H

#include <stdbool.h>
#include <stddef.h>

#include "collectors/api/gc_types.h"

typedef struct gen_ssb {
  gc_obj ***top, ***end; /* the fast path's cursor and bound */
  gc_obj ***base;
  size_t cap;            /* entries */
} gen_ssb;

bool gen_ssb_init(gen_ssb *b, size_t cap);
void gen_ssb_free(gen_ssb *b);
static inline size_t gen_ssb_len(const gen_ssb *b) { return (size_t)(b->top - b->base); }

/* Out of line (gen_remset.c): the buffer is full; compacts or grows it, then
 * records slot. */
void gen_ssb_overflow(gc_heap *h, gc_obj **slot);

static inline void gen_ssb_push(gc_heap *h, gen_ssb *b, gc_obj **slot) {
  if (__builtin_expect(b->top == b->end, 0)) gen_ssb_overflow(h, slot);
  else *b->top++ = slot;
}

#endif
