/*
 * nogc_impl.h — no collection at all: bump allocation that never reclaims.
 *
 * The zero-GC-cost bound: every other collector's mutator time is compared with
 * this one's.  Objects carry only the shape word.  Over the heap limit, the run
 * ends with oom.
 */
#ifndef NOGC_IMPL_H
#define NOGC_IMPL_H

#include "collectors/api/gc_embed.h"
#include "collectors/common/gc_common.h"

struct gc_heap {
  gc_common c; /* first: see gc_common.h */
  char *bump, *limit; /* the next free byte; the end of what the heap limit allows */
  char *base;
  size_t reserve_bytes;
};

/* Out of line: past the limit. */
void *nogc_alloc_slow(gc_heap *h, size_t bytes);

static inline gc_obj *nogc_alloc_object(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  size_t bytes = sizeof(gc_shape) + gc_body_bytes(nptrs, nbytes, f != NULL);
  char *p = h->bump;
  if (__builtin_expect((size_t)(h->limit - p) < bytes, 0)) p = nogc_alloc_slow(h, bytes);
  h->bump = p + bytes; /* fresh mapped memory: already zero */
  gc_obj *o = (gc_obj *)(p + sizeof(gc_shape));
  gc_shape_init(o, nptrs, nbytes, f);
  gc_count_alloc(&h->c, o);
  return o;
}

static inline gc_obj *gc_alloc(gc_heap *h, uint32_t nptrs, uint32_t nbytes) {
  return nogc_alloc_object(h, nptrs, nbytes, NULL);
}

static inline void gc_set(gc_heap *h, gc_obj *o, uint32_t i, gc_obj *v) {
  (void)h;
  gc_fields(o)[i] = v;
}

#include "collectors/common/gc_roots_traced.h"
#endif
