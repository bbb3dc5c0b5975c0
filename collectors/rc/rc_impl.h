/*
 * rc_impl.h — pure reference counting: the inline fast paths.
 *
 * Every store counts: heap stores and root stores alike (CPython counts its local
 * variables the same way).  A count that reaches zero frees the object at once and
 * decrements its children through an explicit work list, never the C stack.
 * Cycles are never reclaimed; they are what the record reports as leaked.
 *
 * A fresh object has count 0 and is "newborn" until the next allocation: the
 * mutator may still hold it in a raw pointer (gc.h rule 2), so it cannot be freed
 * yet; if by the next allocation nothing has stored it anywhere it is garbage and
 * is freed then.  (CPython's equivalent is the caller's own reference to a new
 * object, released when the temporary dies.)
 *
 * An immortal object's count is -1: never incremented, decremented or freed.
 */
#ifndef RC_IMPL_H
#define RC_IMPL_H

#include "collectors/api/gc_embed.h"
#include "collectors/common/gc_common.h"
#include "collectors/common/sizeclass.h"

typedef struct rc_header {
  int64_t count; /* references from fields and roots; -1 = immortal */
  gc_shape shape;
} rc_header;

struct gc_heap {
  gc_common c; /* first: see gc_common.h */
  sc_space space;
  gc_obj *newborn;  /* the last object allocated, possibly not stored anywhere yet */
  gc_obj **work;    /* objects whose count reached zero, waiting to be freed */
  size_t nwork, work_cap;
  bool releasing;   /* a release loop is running (finalizers can re-enter it) */
};

static inline rc_header *rc_header_of(const gc_obj *o) { return ((rc_header *)(uintptr_t)o) - 1; }

/* Out of line: the count of o reached zero. */
void rc_release(gc_heap *h, gc_obj *o);
/* Out of line: the size-class allocator refused (over the heap limit). */
void *rc_alloc_slow(gc_heap *h, size_t bytes);

static inline void rc_inc(gc_heap *h, gc_obj *o) {
  if (!o) return;
  rc_header *hd = rc_header_of(o);
  if (hd->count < 0) return;
  hd->count++;
  h->c.rc_incs++;
}

static inline void rc_dec(gc_heap *h, gc_obj *o) {
  if (!o) return;
  rc_header *hd = rc_header_of(o);
  if (hd->count < 0) return;
  h->c.rc_decs++;
  if (--hd->count == 0) rc_release(h, o);
}

/* The newborn of the previous allocation is garbage if still uncounted. */
static inline void rc_settle_newborn(gc_heap *h) {
  gc_obj *n = h->newborn;
  if (n) {
    h->newborn = NULL;
    if (rc_header_of(n)->count == 0) rc_release(h, n);
  }
}

/* Shared by gc_alloc and gc_alloc_finalizable (f may be NULL). */
static inline gc_obj *rc_alloc_object(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  rc_settle_newborn(h);
  size_t bytes = sizeof(rc_header) + gc_body_bytes(nptrs, nbytes, f != NULL);
  void *cell = sc_alloc(&h->space, bytes);
  if (__builtin_expect(!cell, 0)) cell = rc_alloc_slow(h, bytes);
  gc_obj *o = (gc_obj *)((rc_header *)cell + 1);
  gc_shape_init(o, nptrs, nbytes, f);
  gc_count_alloc(&h->c, o);
  h->newborn = o;
  return o;
}

static inline gc_obj *gc_alloc(gc_heap *h, uint32_t nptrs, uint32_t nbytes) {
  return rc_alloc_object(h, nptrs, nbytes, NULL);
}

static inline void gc_set(gc_heap *h, gc_obj *o, uint32_t i, gc_obj *v) {
  gc_obj **slot = &gc_fields(o)[i];
  rc_inc(h, v); /* first: storing a field's own value must not free it */
  gc_obj *old = *slot;
  *slot = v;
  rc_dec(h, old);
}

static inline gc_root gc_root_push(gc_heap *h, gc_obj *v) {
  rc_inc(h, v);
  return gc_roots_push(&h->c.roots, v);
}

static inline void gc_root_set(gc_heap *h, gc_root r, gc_obj *v) {
  rc_inc(h, v);
  gc_obj *old = h->c.roots.slots[r];
  h->c.roots.slots[r] = v;
  rc_dec(h, old);
}

static inline void gc_frame_close(gc_heap *h, uint32_t mark) {
  while (h->c.roots.top > mark) rc_dec(h, h->c.roots.slots[--h->c.roots.top]);
}
#endif
