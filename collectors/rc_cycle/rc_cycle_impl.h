/*
 * rc_cycle_impl.h — reference counting plus CPython's generational cycle collector:
 * the inline fast paths.
 *
 * Counting is rc's, the same code (collectors/rc/rc_counting.h): every store counts,
 * a count reaching zero frees at once.  What counting cannot free — cycles — is left
 * to a cycle collector that works the way CPython 3.11's Modules/gcmodule.c does:
 *
 * - Only objects that can hold references (nptrs > 0, CPython's "containers") are
 *   tracked, on doubly-linked lists threaded through a two-word header before the
 *   count (CPython's PyGC_Head).  Leaf objects (nptrs == 0) cannot be part of a
 *   cycle and have no such header: the shape word tells the two apart.
 *
 *     tracked:    [gc_prev][gc_next][count][shape][fields ...][raw bytes]
 *     leaf:                         [count][shape][raw bytes]
 *                                                 ^ gc_obj *
 *
 * - Three generations plus a permanent one (rc_cycle_freeze).  A new tracked object
 *   joins generation 0; generation 0's count is tracked allocations minus frees of
 *   tracked objects, and when it exceeds threshold0 (checked at allocation) the
 *   oldest generation whose count exceeds its threshold is collected, with every
 *   younger one.  Survivors move one generation up.  No write barrier: references
 *   from older generations simply count as external to the one collected.
 *
 * - The collection itself (rc_cycle.c) subtracts the references internal to the
 *   generation from the counts; what keeps a positive remainder is referenced from
 *   outside — a root slot is a counted reference like any other, so roots need no
 *   scan — and everything it reaches survives.  The rest is garbage: finalized
 *   (once, ever), re-checked for resurrection, then its fields are cleared through
 *   the counting path, which frees it.
 *
 * gc_prev and gc_next are words rather than plain pointers because the collection
 * borrows their low bits (CPython does the same): gc_prev's lowest bit marks an
 * object of the set being collected and, while the collection works out who is
 * reachable, gc_prev holds that object's gc_refs instead of a pointer; gc_next's
 * lowest bit marks an object on the tentatively-unreachable list.  Between
 * collections both are plain links, and both are 0 for an untracked object.
 *
 * THE KNOBS
 *
 * - gc_collect(): a full collection; returns the unreachable tracked objects it
 *   found, as gc.collect() does.  Leaves freed along with them are not counted
 *   (CPython does not count untracked objects either), nor are objects that a
 *   finalizer let go of before the clearing step.
 * - gc_enable(h, false): no automatic collection; counting still frees.
 * - Over the heap limit: one full collection (even when disabled), one retry, then
 *   gc_options.on_oom.
 * - Zeal: at every allocation, at least generation 0 is collected (generation 1 and
 *   2 when their counts say so), whatever threshold0 is.
 * - Pauses: each collection is one pause of kind "gen0", "gen1" or "gen2"; a
 *   cascade of frees outside a collection is a "cascade" pause, as under rc.
 * - Statistics (gc_stats extras): genN_collections, genN_collected,
 *   genN_uncollectable (always 0: the API has no legacy finalizers), genN_count,
 *   objects_scanned, tracked_objects, saved_garbage.
 *
 * Tuning (gc_options.tuning, comma-separated key=value):
 *   threshold0=N  generation 0 is collected when tracked allocations minus frees
 *                 exceed N (default 700; 0 turns automatic collection off)
 *   threshold1=N  generation 1 when generation-0 collections since its own exceed N
 *                 (default 10)
 *   threshold2=N  generation 2 likewise (default 10), and only once the objects
 *                 promoted into it since the last full collection are at least a
 *                 quarter of those that collection left
 *   saveall=1     CPython's DEBUG_SAVEALL: unreachable objects are finalized but then
 *                 kept alive in the collector's garbage list (gc.garbage), counted
 *                 by gc_collect, and reported as leaked
 * e.g. "threshold0=2000,threshold1=20,saveall=1".
 */
#ifndef RC_CYCLE_IMPL_H
#define RC_CYCLE_IMPL_H

#include "collectors/rc/rc_counting.h"

typedef struct rcc_head {
  uintptr_t gc_prev; /* previous in its list | RCC_PREV_COLLECTING; or gc_refs (see above) */
  uintptr_t gc_next; /* next in its list | RCC_NEXT_UNREACHABLE */
} rcc_head;

#define RCC_NGENERATIONS 3

typedef struct rcc_generation {
  rcc_head head;      /* the list: head.gc_next is the oldest member */
  uint64_t threshold; /* collect when count exceeds it */
  uint64_t count;     /* gen 0: tracked allocations - frees; gen g>0: collections of g-1 */
  /* gc.get_stats() */
  uint64_t collections, collected, uncollectable;
} rcc_generation;

struct gc_heap {
  rc_heap rc; /* first: the counting state, itself starting with the gc_common */
  rcc_generation gen[RCC_NGENERATIONS];
  rcc_head permanent;           /* frozen objects: never collected */
  uint64_t long_lived_total;    /* survivors of the last full collection */
  uint64_t long_lived_pending;  /* objects promoted into generation 2 since then */
  bool collecting;              /* a cycle collection is running */
  bool saveall;                 /* DEBUG_SAVEALL: keep garbage in `garbage` instead of freeing it */
  gc_obj **garbage;             /* gc.garbage: counted references */
  size_t ngarbage, garbage_cap;
  uint64_t tracked;             /* objects on some list now */
  uint64_t objects_scanned;     /* objects whose gc_refs a collection computed */
};

/* Moves every tracked object to the permanent generation, which is never
 * collected (CPython's gc.freeze()); rc_cycle_unfreeze moves them back into the
 * oldest generation (gc.unfreeze()). */
void rc_cycle_freeze(gc_heap *h);
void rc_cycle_unfreeze(gc_heap *h);

/* Out of line: generation 0 went over its threshold, or zeal. */
void rcc_collect_on_alloc(gc_heap *h);

/* ---- the header ---- */
static inline rcc_head *rcc_head_of(const gc_obj *o) { return ((rcc_head *)rc_header_of(o)) - 1; }
static inline gc_obj *rcc_obj_of(const rcc_head *g) { return (gc_obj *)((rc_header *)(g + 1) + 1); }

#define RCC_PREV_COLLECTING ((uintptr_t)1)
#define RCC_NEXT_UNREACHABLE ((uintptr_t)1)
#define RCC_LINK_MASK (~(uintptr_t)1)

/* Appends o to generation 0 (CPython's _PyObject_GC_TRACK). */
static inline void rcc_track(gc_heap *h, gc_obj *o) {
  rcc_head *g = rcc_head_of(o), *list = &h->gen[0].head;
  rcc_head *last = (rcc_head *)list->gc_prev;
  g->gc_prev = (uintptr_t)last;
  g->gc_next = (uintptr_t)list;
  last->gc_next = (uintptr_t)g;
  list->gc_prev = (uintptr_t)g;
  h->tracked++;
}

/* Unlinks o from whatever list it is on (CPython's gc_list_remove).  A count can
 * drop to zero in the middle of a collection, when a finalizer or a cleared field
 * lets go of an object: its neighbours may then carry the COLLECTING bit in
 * gc_prev, which is kept.  (gc_next's UNREACHABLE bit exists only while no
 * mutator code, and so no free, can run.) */
static inline void rcc_untrack(gc_heap *h, gc_obj *o) {
  rcc_head *g = rcc_head_of(o);
  rcc_head *prev = (rcc_head *)(g->gc_prev & RCC_LINK_MASK);
  rcc_head *next = (rcc_head *)g->gc_next;
  prev->gc_next = (uintptr_t)next;
  next->gc_prev = (next->gc_prev & ~RCC_LINK_MASK) | (uintptr_t)prev;
  g->gc_prev = g->gc_next = 0;
  h->tracked--;
}

static inline bool rcc_is_tracked(const gc_obj *o) { return rcc_head_of(o)->gc_next != 0; }

/* ---- rc_counting.h's hooks ---- */
static inline size_t rc_hook_header_bytes(uint32_t nptrs) {
  return nptrs ? sizeof(rcc_head) + sizeof(rc_header) : sizeof(rc_header);
}

/* CPython's _PyObject_GC_Link: count the tracked allocation; over threshold0 (or
 * under zeal, at every allocation) collect before the new object exists. */
static inline void rc_hook_before_alloc(gc_heap *h, uint32_t nptrs) {
  if (__builtin_expect((nptrs && ++h->gen[0].count > h->gen[0].threshold) || h->rc.c.zeal, 0))
    rcc_collect_on_alloc(h);
}

static inline void rc_hook_after_alloc(gc_heap *h, gc_obj *o) {
  if (gc_nptrs(o)) rcc_track(h, o);
}

/* CPython's subtype_dealloc untracks a dying object and tracks it again just
 * before its finalizer runs, which puts it at the end of generation 0: where a
 * finalizer that resurrects it leaves it. */
static inline void rc_hook_before_finalize(gc_heap *h, gc_obj *o) {
  if (gc_nptrs(o) && rcc_is_tracked(o)) {
    rcc_untrack(h, o);
    rcc_track(h, o);
  }
}

/* CPython's PyObject_GC_Del: untrack, and a tracked object's death lowers
 * generation 0's count. */
static inline void rc_hook_before_free(gc_heap *h, gc_obj *o) {
  if (gc_nptrs(o)) {
    if (rcc_is_tracked(o)) rcc_untrack(h, o);
    if (h->gen[0].count > 0) h->gen[0].count--;
  }
}

#endif
