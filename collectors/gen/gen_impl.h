/*
 * gen_impl.h — a generational collector: the object header, the heap, and the
 * inline fast paths (allocation, the write barrier, roots).
 *
 * Two generations (Appel 1989; docs/references.md, "Generational collection"):
 *
 *   young  one reserved address range [young_lo, young_lo + young_span) holding the
 *          eden, where the mutator bump-allocates, and — when objects must survive
 *          more than one minor collection before promotion — two survivor
 *          semispaces.  A minor collection copies (Cheney) the young objects
 *          reachable from the roots and the remembered set into the to-survivor
 *          space or the old generation, and the eden is empty again.
 *   old    the shared size-class allocator (collectors/common/sizeclass.h),
 *          collected by a non-moving mark-sweep (major collection).  Objects too
 *          big for a size class (> SC_SMALL_MAX with their header) are allocated
 *          here directly and never live in the young generation.
 *
 * Every object is
 *
 *     [meta][shape][ptr 0 .. ptr n-1][raw bytes][finalizer?]
 *                  ^ gc_obj *
 *
 * where meta is one word that means, by its low bits:
 *   GEN_FORWARDED set   a young object already copied: meta = new address | 1
 *   otherwise           age << GEN_AGE_SHIFT (young: minor collections survived)
 *                       | GEN_MARKED (reached by the major collection running)
 * A fresh object's meta is 0, so allocation writes only the shape word into memory
 * the nursery has zeroed already.
 *
 * The write barrier records old-to-young stores as slot addresses in a sequential
 * store buffer (gen_remset.h).  Stores are the only way an old object comes to
 * refer to a young one besides promotion itself, and a minor collection records
 * the slots of the objects it promotes that still point at young survivors.  Root slots need no
 * barrier: every collection scans them all.
 *
 * Rule 2 (raw pointers die at the next call that may collect) is what makes the
 * copying legal: every gc_alloc may move every young object.
 */
#ifndef GEN_IMPL_H
#define GEN_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/api/gc_embed.h"
#include "collectors/common/gc_common.h"
#include "collectors/common/gc_objmap.h"
#include "collectors/common/sizeclass.h"
#include "collectors/gen/gen_remset.h"

typedef struct gen_header {
  uintptr_t meta;
  gc_shape shape;
} gen_header;

#define GEN_FORWARDED ((uintptr_t)1)
#define GEN_MARKED ((uintptr_t)2)
#define GEN_AGE_SHIFT 2
#define GEN_AGE_MAX 15 /* the largest promote_age accepted */

/* Objects up to this many bytes, header included, are born young; larger ones go
 * to the old generation's large space (they would not fit a size class when
 * promoted, and copying them is what a nursery is meant to avoid). */
#define GEN_YOUNG_OBJECT_MAX SC_SMALL_MAX

static inline gen_header *gen_header_of(const gc_obj *o) { return ((gen_header *)(uintptr_t)o) - 1; }
static inline gc_obj *gen_obj_at(void *header) { return (gc_obj *)((gen_header *)header + 1); }

/* A growable array of object pointers (finalizable lists, immortals, work stacks). */
typedef struct gen_vec {
  gc_obj **items;
  size_t len, cap;
} gen_vec;

/* A growable stack of slot addresses. */
typedef struct gen_slot_stack {
  gc_obj ***items;
  size_t len, cap;
} gen_slot_stack;

/* A bump region: a survivor semispace. */
typedef struct gen_semi {
  char *lo, *hi; /* its extent */
  char *top;     /* the end of the objects it holds */
} gen_semi;

/* Objects counted by size class (the promotion check: gen_policy.c). */
typedef struct gen_tally {
  size_t cells[SC_NCLASSES];
} gen_tally;

typedef struct gen_tuning {
  uint64_t nursery;      /* eden bytes (the target; a heap limit may shrink it) */
  uint64_t promote_age;  /* minor collections survived before promotion */
  uint64_t survivor;     /* bytes of each survivor semispace (0 when promote_age is 1) */
  double major_growth;   /* major collection when old bytes exceed live-after-major x this */
  uint64_t major_min;    /* ... but never below this many old bytes */
  bool verify;           /* check the heap after every collection */
} gen_tuning;

/* Counters behind gc_stats' collector-specific statistics. */
typedef struct gen_counters {
  uint64_t minor_collections, major_collections;
  uint64_t objects_copied, bytes_copied, objects_promoted;
  uint64_t objects_marked, objects_swept;
  uint64_t remset_entries; /* slots the write barrier recorded */
} gen_counters;

struct gc_heap {
  gc_common c; /* first: see gc_common.h */

  /* ---- what the inline fast paths read, together ---- */
  char *bump, *limit;   /* eden allocation: the next free byte; the end of what may be used now */
  uintptr_t young_lo;   /* the young range, for the barrier's boundary test */
  size_t young_span;
  gen_ssb ssb;

  /* ---- the young generation (gen_nursery.c) ---- */
  char *young_base;      /* the reservation */
  size_t young_reserve;
  char *eden_lo, *eden_end; /* eden_end - eden_lo: the eden's current size */
  size_t eden_max;          /* its reserved size (the tuning's nursery) */
  char *eden_zeroed;        /* [bump, eden_zeroed) is zero-filled and ready */
  char *eden_alloc_start;   /* where allocation resumed after the last minor collection */
  gen_semi survivor[2];
  int from;                 /* survivor[from] holds the survivors; survivor[1 - from] is free */
  uint64_t young_objects, young_bytes; /* survivors held (object bytes, gc_common.h) */
  /* Object starts in the young range, for gc_debug_is_object only: built the first
   * time it is asked, kept from then on (gen_nursery.c, gen_track_starts).  While
   * it is kept every allocation takes the slow path, which sets the bits, so the
   * inline fast path has no test for it. */
  gc_objmap young_starts;
  bool tracking_starts;

  /* ---- the old generation (gen_old.c) ---- */
  sc_space old;
  gen_slot_stack pending;   /* minor: slots of promoted objects still to evacuate */
  gen_vec gray;             /* major: marked objects still to scan */
  gen_tally live_young;     /* young objects the last major collection marked */

  /* ---- policy and accounting (gen_policy.c) ---- */
  gen_tuning tune;
  size_t survivor_max;      /* each survivor semispace's reserved size (0 when promote_age is 1) */
  size_t survivor_bytes;    /* ... and its current size (a heap limit may shrink it) */
  size_t major_threshold;   /* old bytes that start a major collection */
  size_t fixed_eden;        /* fixed heap: the eden the last major collection chose (0: none yet) */
  size_t live_after_major;  /* old bytes after the last major collection */
  size_t peak_heap_bytes;
  uint64_t allocs_mark;     /* c.allocs at the end of the last minor collection ... */
  uint64_t alloc_bytes_mark;
  uint64_t pretenured_objects, pretenured_bytes; /* ... and those allocated old since */

  /* ---- finalization (gen_finalize.c) and immortality ---- */
  gen_vec young_finalizable, old_finalizable; /* not yet finalized, by generation */
  gen_vec to_finalize;      /* found unreachable: their finalizers run after the collection */
  gen_vec young_finalized;  /* finalized while young: already reported when found */
  uint64_t reported;        /* dead objects the running collection frees but had reported before */
  gen_vec immortals;        /* roots forever */

  gen_counters n;
  size_t ssb_counted;       /* store-buffer entries already in n.remset_entries */
  uint64_t zeal_collections;
  bool collecting;          /* a collection, or the finalizers after one, is running */
};

/* ==================================================================
 * The boundary test
 * ================================================================== */

/* One subtraction and one unsigned compare: NULL and every old address fall
 * outside (NULL wraps around to a huge value). */
static inline bool gen_in_young(const gc_heap *h, const void *p) {
  return (uintptr_t)p - h->young_lo < h->young_span;
}

/* ==================================================================
 * Allocation
 * ================================================================== */

/* Out of line (gen.c): the eden is exhausted or must not be used (zeal, a large
 * object, collection disabled).  Returns an initialised, counted object. */
gc_obj *gen_alloc_slow(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f);

static inline size_t gen_object_size(uint32_t nptrs, uint32_t nbytes, bool finalizable) {
  return sizeof(gen_header) + gc_body_bytes(nptrs, nbytes, finalizable);
}

/* Bump allocation in memory the eden zeroed in advance: a size test, a limit test,
 * one shape store.  With constant shapes (the usual call) the size test folds away. */
static inline gc_obj *gen_alloc_object(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  size_t bytes = gen_object_size(nptrs, nbytes, f != NULL);
  char *p = h->bump;
  if (__builtin_expect(bytes > GEN_YOUNG_OBJECT_MAX || (size_t)(h->limit - p) < bytes, 0))
    return gen_alloc_slow(h, nptrs, nbytes, f);
  h->bump = p + bytes;
  gc_obj *o = gen_obj_at(p);
  gc_shape_init(o, nptrs, nbytes, f);
  gc_count_alloc(&h->c, o);
  return o;
}

static inline gc_obj *gc_alloc(gc_heap *h, uint32_t nptrs, uint32_t nbytes) {
  return gen_alloc_object(h, nptrs, nbytes, NULL);
}

/* ==================================================================
 * The write barrier
 * ================================================================== */

/* The value is tested first: most stores in young-heavy code write into young
 * objects, and a NULL or old value ends the test at once. */
static inline void gc_set(gc_heap *h, gc_obj *o, uint32_t i, gc_obj *v) {
  GC_ASSERT(i < gc_nptrs(o));
  gc_obj **slot = &gc_fields(o)[i];
  *slot = v;
  if (gen_in_young(h, v) && !gen_in_young(h, o)) gen_ssb_push(h, &h->ssb, slot);
}

/* ==================================================================
 * Roots: scanned at every collection, so stores into them need no barrier
 * ================================================================== */

#include "collectors/common/gc_roots_traced.h"

#endif
