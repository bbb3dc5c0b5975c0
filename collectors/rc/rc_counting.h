/*
 * rc_counting.h — reference counting as gclab's counting collectors do it: one
 * header-only policy shared by rc (pure counting) and rc_cycle (the same counting
 * plus CPython's cycle collector), so that "counting exactly as rc" is the same
 * code, not a copy of it.
 *
 * Every store counts: heap stores and root stores alike (CPython counts its local
 * variables the same way).  A count that reaches zero frees the object at once, in
 * CPython's order (Objects/typeobject.c's subtype_dealloc, Py_TRASHCAN_BEGIN): its
 * finalizer runs first, with the count held at 1 so that the finalizer's own
 * stores cannot free it twice; then its fields are cleared in order, each child
 * whose count reaches zero freed in turn, recursively, before the next field.  The
 * recursion is bounded as CPython bounds it: past RC_TRASHCAN_DEPTH nested frees
 * of objects with fields, the next such object is set aside (last in, first out)
 * and freed once the stack has unwound, so a million-long list needs no more than
 * fifty C stack frames.
 *
 * A fresh object has count 0 and is "newborn" until the next allocation: the
 * mutator may still hold it in a raw pointer (gc.h rule 2), so it cannot be freed
 * yet; if by the next allocation nothing has stored it anywhere it is garbage and
 * is freed then.  (CPython's equivalent is the caller's own reference to a new
 * object, released when the temporary dies.)
 *
 * An immortal object's count is -1: never incremented, decremented or freed.
 *
 * Layout: the count sits just before the shape word, so rc_header_of(o) is the same
 * for every counting collector; what a collector keeps before it (rc_cycle's list
 * links) is its own business, sized by a hook:
 *
 *     [collector's words][count][shape][fields ...]
 *     ^ cell             ^ rc_header_of(o)  ^ o
 *
 * HOW A COLLECTOR USES IT
 *
 * 1. Its impl header includes this file, and its `struct gc_heap` starts with an
 *    rc_heap (which starts with the gc_common, so GC_COMMON(h) still works).
 * 2. After that struct it defines the hooks declared below, static inline:
 *      rc_hook_header_bytes(nptrs)    bytes from the cell's start to the first field
 *      rc_hook_before_alloc(h, nptrs) the newborn is settled, no cell taken yet
 *                                     (rc_cycle: the generation-0 count, which may
 *                                     start a collection)
 *      rc_hook_after_alloc(h, o)      the shape word is written (rc_cycle: track o)
 *      rc_hook_before_finalize(h, o)  o's count reached zero and its finalizer is about
 *                                     to run (rc_cycle: o moves to the end of generation
 *                                     0, where CPython's re-tracking puts it)
 *      rc_hook_before_free(h, o)      o's count is zero for good and its children are
 *                                     released; its cell goes next (rc_cycle: untrack)
 *    For rc they are constants and empty, and compile to exactly what rc was.
 * 3. It defines rc_alloc_slow() (out of line): the size-class allocator refused.
 * 4. Exactly one of its .c files defines RC_COUNTING_IMPLEMENTATION before including
 *    gc.h; that file gets the out-of-line half below (the release, heap set-up,
 *    gc_refcount), compiled with that collector's hooks.
 */
#ifndef RC_COUNTING_H
#define RC_COUNTING_H

#include "collectors/api/gc_embed.h"
#include "collectors/common/gc_common.h"
#include "collectors/common/sizeclass.h"

typedef struct rc_header {
  int64_t count; /* references from fields and roots; -1 = immortal */
  gc_shape shape;
} rc_header;

/* The counting state; the first member of a counting collector's struct gc_heap. */
typedef struct rc_heap {
  gc_common c; /* first: see gc_common.h */
  sc_space space;
  gc_obj *newborn;  /* the last object allocated, possibly not stored anywhere yet */
  unsigned releasing; /* rc_release calls in progress (they nest: see above) */
  unsigned nesting;   /* frees of objects with fields in progress: CPython's trash_delete_nesting */
  gc_obj **trash;     /* frees set aside past RC_TRASHCAN_DEPTH, last in first out */
  size_t ntrash, trash_cap;
  uint64_t deallocs;  /* frees the outermost rc_release has started so far */
  int cascade_pause;  /* the "cascade" pause it opened at its second, if any */
} rc_heap;

/* CPython's _PyTrash_UNWIND_LEVEL (Objects/object.c). */
#define RC_TRASHCAN_DEPTH 50

#define RC_HEAP(h) ((rc_heap *)(h))

static inline rc_header *rc_header_of(const gc_obj *o) { return ((rc_header *)(uintptr_t)o) - 1; }

/* ---- the hooks: defined by the including collector (see above) ---- */
static inline size_t rc_hook_header_bytes(uint32_t nptrs);
static inline void rc_hook_before_alloc(gc_heap *h, uint32_t nptrs);
static inline void rc_hook_after_alloc(gc_heap *h, gc_obj *o);
static inline void rc_hook_before_finalize(gc_heap *h, gc_obj *o);
static inline void rc_hook_before_free(gc_heap *h, gc_obj *o);

/* Out of line, in the collector's .c: the size-class allocator refused `bytes`
 * (over the heap limit); returns a zeroed cell or does not return. */
void *rc_alloc_slow(gc_heap *h, size_t bytes);

/* Out of line (RC_COUNTING_IMPLEMENTATION): the count of o reached zero; frees it
 * and whatever only it held, before returning. */
void rc_release(gc_heap *h, gc_obj *o);
/* Sets up and tears down the rc_heap at the start of h (o's limit, zeal, ...). */
bool rc_heap_init(gc_heap *h, const gc_options *o, const char **error);
void rc_heap_destroy(gc_heap *h);

/* ==================================================================
 * Count updates
 * ================================================================== */

static inline void rc_inc(gc_heap *h, gc_obj *o) {
  if (!o) return;
  rc_header *hd = rc_header_of(o);
  if (hd->count < 0) return;
  hd->count++;
  RC_HEAP(h)->c.rc_incs++;
}

static inline void rc_dec(gc_heap *h, gc_obj *o) {
  if (!o) return;
  rc_header *hd = rc_header_of(o);
  if (hd->count < 0) return;
  RC_HEAP(h)->c.rc_decs++;
  if (--hd->count == 0) rc_release(h, o);
}

/* The newborn of the previous allocation is garbage if still uncounted. */
static inline void rc_settle_newborn(gc_heap *h) {
  gc_obj *n = RC_HEAP(h)->newborn;
  if (n) {
    RC_HEAP(h)->newborn = NULL;
    if (rc_header_of(n)->count == 0) rc_release(h, n);
  }
}

/* ==================================================================
 * Allocation
 * ================================================================== */

/* Shared by gc_alloc and gc_alloc_finalizable (f may be NULL). */
static inline gc_obj *rc_alloc_object(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  rc_heap *r = RC_HEAP(h);
  rc_settle_newborn(h);
  rc_hook_before_alloc(h, nptrs);
  size_t pre = rc_hook_header_bytes(nptrs);
  size_t bytes = pre + gc_body_bytes(nptrs, nbytes, f != NULL);
  void *cell = sc_alloc(&r->space, bytes);
  if (__builtin_expect(!cell, 0)) cell = rc_alloc_slow(h, bytes);
  gc_obj *o = (gc_obj *)((char *)cell + pre);
  gc_shape_init(o, nptrs, nbytes, f);
  rc_hook_after_alloc(h, o);
  gc_count_alloc(&r->c, o);
  r->newborn = o;
  return o;
}

static inline gc_obj *gc_alloc(gc_heap *h, uint32_t nptrs, uint32_t nbytes) {
  return rc_alloc_object(h, nptrs, nbytes, NULL);
}

/* Marks o immortal (count -1); false if it already was.  The collector's
 * gc_make_immortal calls this and adds its own bookkeeping. */
static inline bool rc_make_immortal(gc_heap *h, gc_obj *o) {
  if (!gc_common_make_immortal(&RC_HEAP(h)->c, o)) return false;
  rc_header_of(o)->count = -1;
  if (RC_HEAP(h)->newborn == o) RC_HEAP(h)->newborn = NULL;
  return true;
}

/* ==================================================================
 * Stores: fields and root slots
 * ================================================================== */

static inline void gc_set(gc_heap *h, gc_obj *o, uint32_t i, gc_obj *v) {
  gc_obj **slot = &gc_fields(o)[i];
  rc_inc(h, v); /* first: storing a field's own value must not free it */
  gc_obj *old = *slot;
  *slot = v;
  rc_dec(h, old);
}

static inline gc_root gc_root_push(gc_heap *h, gc_obj *v) {
  rc_inc(h, v);
  return gc_roots_push(&RC_HEAP(h)->c.roots, v);
}

static inline void gc_root_set(gc_heap *h, gc_root r, gc_obj *v) {
  gc_roots *roots = &RC_HEAP(h)->c.roots;
  rc_inc(h, v);
  gc_obj *old = roots->slots[r];
  roots->slots[r] = v;
  rc_dec(h, old);
}

static inline void gc_frame_close(gc_heap *h, uint32_t mark) {
  gc_roots *roots = &RC_HEAP(h)->c.roots;
  while (roots->top > mark) rc_dec(h, roots->slots[--roots->top]);
}

/* ==================================================================
 * The out-of-line half: compiled once, in the collector's .c file
 * ================================================================== */
#ifdef RC_COUNTING_IMPLEMENTATION
#include <stdlib.h>

bool rc_heap_init(gc_heap *h, const gc_options *o, const char **error) {
  rc_heap *r = RC_HEAP(h);
  gc_common_init(&r->c, o);
  if (!sc_init(&r->space, o->heap_limit, error)) { gc_common_destroy(&r->c); return false; }
  return true;
}

void rc_heap_destroy(gc_heap *h) {
  rc_heap *r = RC_HEAP(h);
  sc_destroy(&r->space);
  gc_common_destroy(&r->c);
  free(r->trash);
}

/* CPython's _PyTrash_thread_deposit_object: o's free waits until the stack unwinds. */
static void rc_trash_push(rc_heap *r, gc_obj *o) {
  if (r->ntrash == r->trash_cap) {
    size_t cap = r->trash_cap ? r->trash_cap * 2 : 64;
    gc_obj **trash = realloc(r->trash, cap * sizeof *trash);
    if (!trash) gc_common_oom(&r->c, cap * sizeof *trash);
    r->trash = trash;
    r->trash_cap = cap;
  }
  r->trash[r->ntrash++] = o;
}

static void rc_dealloc(gc_heap *h, gc_obj *o);

/* CPython's _PyTrash_thread_destroy_chain: the set-aside frees, newest first, each
 * starting one level deep. */
static void rc_trash_empty(gc_heap *h) {
  rc_heap *r = RC_HEAP(h);
  r->nesting++;
  while (r->ntrash) rc_dealloc(h, r->trash[--r->ntrash]);
  r->nesting--;
}

/* The body of a free: the finalizer (which may resurrect o), the fields in order
 * (each child whose count reaches zero freed before the next field is looked at),
 * then the cell.  During the finalizer o's count is 1, as CPython's
 * PyObject_CallFinalizerFromDealloc sets it: a finalizer that stores o and lets it
 * go again must not start a second free of it. */
static void rc_dealloc_body(gc_heap *h, gc_obj *o) {
  rc_heap *r = RC_HEAP(h);
  rc_header *hd = rc_header_of(o);
  uint32_t flags = gc_flags(o);
  if ((flags & GC_FLAG_FINALIZABLE) && !(flags & GC_FLAG_FINALIZED)) {
    rc_hook_before_finalize(h, o);
    hd->count = 1;
    gc_run_finalizer(h, &r->c, o);
    if (--hd->count != 0) return; /* resurrected */
  }
  gc_obj **f = gc_fields(o);
  uint32_t n = gc_nptrs(o);
  for (uint32_t i = 0; i < n; i++) {
    gc_obj *child = f[i];
    if (!child) continue;
    f[i] = NULL;
    rc_header *ch = rc_header_of(child);
    if (ch->count < 0) continue;
    r->c.rc_decs++;
    if (--ch->count == 0) rc_dealloc(h, child);
  }
  if (r->newborn == o) r->newborn = NULL;
  rc_hook_before_free(h, o);
  gc_count_free(&r->c, o);
  sc_free(&r->space, (char *)o - rc_hook_header_bytes(n));
}

/* One free, under CPython's trashcan: only objects with fields take part (leaves
 * cannot recurse), and past RC_TRASHCAN_DEPTH nested ones the free is set aside
 * until the outermost one returns. */
static void rc_dealloc(gc_heap *h, gc_obj *o) {
  rc_heap *r = RC_HEAP(h);
  if (r->deallocs++ == 1 && !r->cascade_pause) r->cascade_pause = gc_pause_begin(&r->c.pauses, "cascade");
  if (!gc_nptrs(o)) {
    rc_dealloc_body(h, o);
    return;
  }
  if (r->nesting >= RC_TRASHCAN_DEPTH) {
    rc_trash_push(r, o);
    return;
  }
  r->nesting++;
  rc_dealloc_body(h, o);
  if (--r->nesting == 0 && r->ntrash) rc_trash_empty(h);
}

/* A release that frees more than one object is logged as a "cascade" pause, from
 * its second object on (rc_dealloc opens it: the clock is read only once a cascade
 * is known to be one; inside a collection's pause it is part of that pause).
 * Releases nest when a finalizer lets go of something: the outermost one counts. */
void rc_release(gc_heap *h, gc_obj *o) {
  rc_heap *r = RC_HEAP(h);
  if (r->releasing++ == 0) r->deallocs = 0;
  rc_dealloc(h, o);
  if (--r->releasing == 0 && r->cascade_pause) {
    gc_pause_end(&r->c.pauses, r->cascade_pause);
    r->cascade_pause = 0;
  }
}

long gc_refcount(gc_heap *h, gc_obj *o) {
  (void)h;
  int64_t n = rc_header_of(o)->count;
  return n < 0 ? GC_REFCOUNT_IMMORTAL : (long)n;
}

#endif /* RC_COUNTING_IMPLEMENTATION */
#endif /* RC_COUNTING_H */
