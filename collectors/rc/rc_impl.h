/*
 * rc_impl.h — pure reference counting: the inline fast paths.
 *
 * The counting itself — every heap and root store counted, a count reaching zero
 * freeing at once in CPython's order (its trashcan bounding the depth), the newborn rule, immortal
 * objects — is the policy in rc_counting.h, shared with rc_cycle.  Pure counting
 * adds nothing to it: its header is the count and the shape word, and its hooks are
 * empty.  Cycles are never reclaimed; they are what the record reports as leaked.
 */
#ifndef RC_IMPL_H
#define RC_IMPL_H

#include "collectors/rc/rc_counting.h"

struct gc_heap {
  rc_heap rc; /* first: the counting state, itself starting with the gc_common */
};

/* ---- rc_counting.h's hooks: nothing beyond the count ---- */
static inline size_t rc_hook_header_bytes(uint32_t nptrs) {
  (void)nptrs;
  return sizeof(rc_header);
}
static inline void rc_hook_before_alloc(gc_heap *h, uint32_t nptrs) { (void)h; (void)nptrs; }
static inline void rc_hook_after_alloc(gc_heap *h, gc_obj *o) { (void)h; (void)o; }
static inline void rc_hook_before_finalize(gc_heap *h, gc_obj *o) { (void)h; (void)o; }
static inline void rc_hook_before_free(gc_heap *h, gc_obj *o) { (void)h; (void)o; }

#endif
