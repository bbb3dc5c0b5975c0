/*
 * bdw_impl.h — the Boehm-Demers-Weiser conservative collector (Debian's libgc 8.2)
 * behind the gclab API: a production collector run as a reference peer, measured
 * as it ships — its own allocator, its own collection heuristics, its own
 * conservative, non-moving mark-sweep with lazy sweeping.
 *
 * Every object is one Boehm object whose only header is the shape word:
 *
 *     [shape][ptr 0 .. ptr n-1][raw bytes][finalizer?]
 *     ^ base: what Boehm handed out
 *            ^ gc_obj * = base + 8
 *
 * The object kind.  Every gclab object is of one Boehm object kind of its own
 * (bdw.c, "Booting"): cleared by Boehm when allocated, and scanned by a mark
 * procedure that reads the shape word and pushes the pointer fields only -- never
 * the shape word, the raw bytes or the finalizer word, which Boehm's NORMAL kind
 * would scan as possible pointers.  The kind also makes "is this cell a gclab
 * object" exact whatever size class Boehm rounded the request to: the cell's kind
 * is the kind, and its shape word carries the tag.
 *
 * Allocation.  Small objects (below GC_TINY_FREELISTS granules) come from this
 * heap's own free lists, one per granule count, refilled a block's worth at a time
 * by GC_generic_malloc_many -- the inline allocation Boehm's gc_inline.h offers,
 * without its per-object library calls.  The lists live in libc memory Boehm never
 * scans and are emptied at the start of every collection (their cells are then
 * unreachable and swept), so a collection never marks a cell nobody allocated:
 * what the latest collection marked is exactly what it kept.  Larger objects come
 * from GC_malloc_kind.
 *
 * Interior pointers.  Root slots and fields hold base + 8, never base.  Rather than
 * turning on recognition of every interior pointer (GC_all_interior_pointers, which
 * also pads every object by a byte for "one past the end" pointers: a 16-byte
 * object would take 32), bdw.c registers the one displacement gclab uses,
 * GC_register_displacement(8), before GC_INIT: base and base + 8 are then the only
 * heap pointers that keep an object alive, the fewest false references a
 * conservative collector can have.  Pointers from the C stack to any interior
 * address are recognised anyway (Boehm always treats the stack that way).  The
 * tuning key all_interior_pointers=1 gives Boehm's default instead.
 *
 * Roots.  The shadow stack lives in libc memory Boehm never scans; bdw.c hooks
 * Boehm's "push other roots" procedure to push exactly the slots in use,
 * [0, top), and the list of immortal objects, at every collection.  Nothing is
 * registered, so the slot array may move on growth and popped slots hold stale
 * values without keeping anything alive, at no cost to the fast paths below.
 *
 * The tag.  GC_FLAG_COLLECTOR in the shape word (BDW_TAG) marks a gclab object of
 * the current heap whose shape is written: the mark procedure scans only tagged
 * cells (a free cell's first word is a free-list link, not a shape), and bdw.c
 * counts only tagged cells of the kind (see bdw.c, "Counting").
 */
#ifndef BDW_IMPL_H
#define BDW_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <gc/gc.h>
#include <gc/gc_tiny_fl.h>

#include "collectors/api/gc_embed.h"
#include "collectors/common/gc_common.h"

#define BDW_TAG GC_FLAG_COLLECTOR

/* A growable array of objects (the immortal ones), in libc memory: Boehm sees its
 * contents only through the push-roots hook. */
typedef struct bdw_vec {
  gc_obj **items;
  size_t len, cap;
} bdw_vec;

struct gc_heap {
  gc_common c; /* first: see gc_common.h */
  /* zeal, or a heap limit Boehm's heap already exceeds: every allocation goes
   * through bdw_alloc_slow */
  bool alloc_slow;
  bool over_limit_at_birth;
  /* the latest collection queued finalizers; they run before gc_alloc returns */
  bool finalizers_due;
  int pause_open; /* gc_pause_begin's answer for the collection running */
  uintptr_t generation; /* this heap's number: finalizers of earlier heaps do nothing */
  /* c.allocs and c.alloc_bytes when the latest collection started: objects
   * allocated since are live until the next one (bdw.c, "Counting") */
  uint64_t allocs_at_gc, alloc_bytes_at_gc;
  /* zeal: Boehm's bytes allocated since the latest collection that call for the
   * next one (0: every allocation; bdw.c, "Allocation slow paths") */
  size_t zeal_budget;
  uint64_t peak_heap_bytes;
  bdw_vec immortals;
  /* free cells of the gclab kind by granule count, linked through their first
   * word; emptied at every collection's start (see above) */
  void *free_lists[GC_TINY_FREELISTS];
};

/* Out of line (bdw.c). */
gc_obj *bdw_alloc_slow(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f);
void *bdw_refill(gc_heap *h, size_t bytes);
void bdw_run_due_finalizers(gc_heap *h);

/* The Boehm block for `bytes`, cleared: popped from this heap's free list for its
 * granule count, or bdw_refill's (a refill, a large object, or out of memory). */
static inline void *bdw_malloc(gc_heap *h, size_t bytes) {
  size_t granules = (bytes + GC_GRANULE_BYTES - 1) / GC_GRANULE_BYTES;
  if (__builtin_expect(granules < GC_TINY_FREELISTS, 1)) {
    void **list = &h->free_lists[granules];
    void *cell = *list;
    if (__builtin_expect(cell != NULL, 1)) {
      *list = *(void **)cell;
      *(void **)cell = NULL; /* the link: the rest Boehm cleared */
      return cell;
    }
  }
  return bdw_refill(h, bytes);
}

/* Boehm's block at `base` (cleared) becomes a gclab object: the shape, the tag
 * and the count. */
static inline gc_obj *bdw_init_object(gc_heap *h, char *base, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  gc_obj *o = (gc_obj *)(base + sizeof(gc_shape));
  gc_shape_init(o, nptrs, nbytes, f);
  gc_shape_of(o)->bytes_flags |= BDW_TAG;
  gc_count_alloc(&h->c, o);
  return o;
}

static inline gc_obj *gc_alloc(gc_heap *h, uint32_t nptrs, uint32_t nbytes) {
  if (__builtin_expect(h->alloc_slow, 0)) return bdw_alloc_slow(h, nptrs, nbytes, NULL);
  size_t bytes = sizeof(gc_shape) + gc_body_bytes(nptrs, nbytes, 0);
  gc_obj *o = bdw_init_object(h, bdw_malloc(h, bytes), nptrs, nbytes, NULL);
  /* a collection inside a refill may have found finalizable objects (rule 6) */
  if (__builtin_expect(h->finalizers_due, 0)) bdw_run_due_finalizers(h);
  return o;
}

/* No barrier: Boehm runs non-incremental, and marks everything at every collection. */
static inline void gc_set(gc_heap *h, gc_obj *o, uint32_t i, gc_obj *v) {
  (void)h;
  gc_fields(o)[i] = v;
}

#include "collectors/common/gc_roots_traced.h"

#endif
