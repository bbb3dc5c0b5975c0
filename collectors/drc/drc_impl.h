/*
 * drc_impl.h — deferred reference counting (Deutsch & Bobrow 1976) with a cycle
 * backup (Bacon & Rajan 2001): the inline fast paths.
 *
 * WHAT IS COUNTED
 *
 * Heap stores (gc_set) update counts; root stores do not: gc_root_push,
 * gc_root_set and gc_frame_close are plain shadow-stack operations, exactly what
 * a tracing collector's are.  That is the point of deferral: most pointer stores
 * in a real mutator are to locals, and their count traffic disappears.  The price
 * is that a count of zero no longer means garbage — a root may still hold the
 * object — so gc_refcount() reports HEAP references only (the count), never root
 * slots.  Capabilities: COUNTS_REFS, COLLECTS_CYCLES, RECLAIMS; not COUNTS_ROOTS,
 * and not PROMPT_FINALIZATION (a finalizer runs at the next epoch, not at the
 * last store).
 *
 * THE ZERO-COUNT TABLE AND EPOCHS
 *
 * An object whose count falls to zero is not freed: it is entered in the
 * zero-count table (ZCT), once (the DRC_IN_ZCT bit).  Newly allocated objects are
 * entered at birth: they are "born dead" until a heap store counts them, so a
 * temporary that is never stored costs no count update at all.  A reconciliation,
 * or epoch (drc_epoch.c), runs when the ZCT has grown by `zct` entries or `budget`
 * bytes were allocated since the last one, before the allocation that crossed the
 * line: the roots are scanned (DRC_ROOTED on every referent), every ZCT entry with
 * count 0 that no root references is freed — its finalizer first — cascading
 * through an explicit work list (children reaching zero are freed in the same
 * cascade unless a root references them, in which case they go to the ZCT), and
 * the rest is kept for the next epoch.  An entry whose count rose above zero
 * since is simply dropped.  Raw gc_obj pointers die at the next call that may
 * collect (gc.h rule 2), and epochs run only inside such calls, so the roots are
 * the whole truth about the mutator's references when an epoch runs.
 *
 * CYCLES
 *
 * Counting never frees a cycle.  The backup is Bacon & Rajan's synchronous trial
 * deletion over candidates (drc_cycles.c), run only inside an epoch, with the root
 * referents' counts raised by one for the duration so that roots are external
 * references (MMTk's deferred-RC treatment).  Candidates (DRC_BUFFERED, Bacon &
 * Rajan's purple) are the objects with fields that may have lost their last
 * external reference:
 *   1. a heap decrement left the count non-zero (Bacon & Rajan's own rule);
 *   2. an object left the ZCT with a non-zero count: one whose count had dropped
 *      to zero and was stored again; or a newborn (DRC_YOUNG) that was stored into
 *      the heap and refers to a newborn allocated no earlier than itself — a
 *      cycle made only of objects allocated since the last epoch has such an
 *      edge out of its oldest member (the Recycler, which buffers every new
 *      object it does not free, without the trees and lists built bottom-up);
 *   3. an object referenced from a root at the previous epoch is not any more (or a
 *      finalizer overwrote its slot): root references are counted at epoch
 *      granularity, and losing one is a decrement the counts never saw.
 * drc_cycles.c argues why these catch every garbage cycle.  The backup runs at an
 * epoch once candidates pile up or the heap has grown since the last run, when
 * the heap nears its limit or is over it, and always in gc_collect() (drc.c's
 * tuning keys; drc_epoch.c's backup_due).
 *
 * THE HEADER
 *
 *     [count: int32][bits: uint32][shape][fields ...][raw bytes][finalizer?]
 *     ^ cell        ^ drc bits           ^ gc_obj *
 *
 * sixteen bytes, the size of rc's header (collectors/rc/rc_counting.h), so that
 * both collectors put every object in the same size class.  The count is the
 * number of heap fields referring to the object; -1 marks an immortal object
 * (never counted, freed or traced), as in rc.  `bits` holds DRC_* flags and the
 * trial-deletion colour in its low byte, and above them an index: a candidate's
 * in the buffer, so that a candidate that dies leaves the buffer in O(1); a young
 * object's in the ZCT, its order of allocation (rule 2 above).
 *
 * COALESCING (tuning coalesce=1)
 *
 * Levanoni & Petrank's update coalescing: gc_set counts nothing; the first store
 * into an object in an epoch logs the object with a copy of its fields
 * (DRC_LOGGED), and at the next epoch each logged object's current referents are
 * incremented and its logged ones decremented: a field overwritten k times between
 * two epochs costs one increment and one decrement instead of k of each.  A new
 * object needs no copy (its fields were NULL): it is in the ZCT already, marked
 * DRC_NEW, and its fields are incremented at the epoch.  gc_refcount() applies the
 * pending log first (it frees nothing), so the counts it reports are exact.
 */
#ifndef DRC_IMPL_H
#define DRC_IMPL_H

#include "collectors/api/gc_embed.h"
#include "collectors/common/gc_common.h"
#include "collectors/common/sizeclass.h"

typedef struct drc_header {
  int32_t count; /* heap references; -1 = immortal */
  uint32_t bits; /* DRC_* below */
  gc_shape shape;
} drc_header;

_Static_assert(sizeof(drc_header) == 16, "drc's header is rc's size: two words");

#define DRC_IN_ZCT (1u << 0)   /* has an entry in the ZCT */
#define DRC_BUFFERED (1u << 1) /* a cycle candidate (Bacon & Rajan's purple) */
#define DRC_ROOTED (1u << 2)   /* a root slot refers to it: set only inside an epoch */
#define DRC_YOUNG (1u << 3)    /* allocated since the last epoch: its index is its ZCT position */
#define DRC_LOGGED (1u << 4)   /* coalescing: its old fields are in the log this epoch */
#define DRC_NEW (1u << 5)      /* coalescing: fields not counted yet (allocated since the log was applied) */
#define DRC_COLOR_SHIFT 6      /* trial deletion's colour, during a backup run; or DEAD */
#define DRC_COLOR_MASK (3u << DRC_COLOR_SHIFT)
#define DRC_BLACK (0u << DRC_COLOR_SHIFT)
#define DRC_GRAY (1u << DRC_COLOR_SHIFT)
#define DRC_WHITE (2u << DRC_COLOR_SHIFT)
#define DRC_DEAD (3u << DRC_COLOR_SHIFT) /* released while buffered: the cell waits for the buffer */
#define DRC_FLAGS_MASK 0xFFu
#define DRC_INDEX_SHIFT 8      /* a candidate's index in the buffer, a young object's in the ZCT: */
#define DRC_NO_INDEX 0xFFFFFFu /* past 2^24 - 2 entries the index is not kept */

/* A growable array of object pointers: the ZCT, the candidate buffer, work lists. */
typedef struct drc_vec {
  gc_obj **items;
  size_t n, cap;
} drc_vec;

struct gc_heap {
  gc_common c; /* first: see gc_common.h */
  sc_space space;

  /* ---- the zero-count table and the epoch trigger ---- */
  drc_vec zct;            /* objects that had count 0 when entered (some rose since) */
  size_t zct_trigger;     /* an epoch runs before the allocation that finds zct.n >= this */
  uint64_t since_epoch;   /* cell bytes allocated since the last epoch */
  uint64_t budget;        /* ... and before one that finds since_epoch >= this */

  /* ---- cycle candidates ---- */
  drc_vec buffer;         /* DRC_BUFFERED objects (and DRC_DEAD ones until compaction) */
  size_t buffer_dead;     /* DRC_DEAD entries in it: dead candidates with no index */
  drc_vec prev_roots;     /* root referents with fields and a count at the last epoch's end */

  /* ---- coalescing (Levanoni & Petrank) ---- */
  bool coalesce;
  gc_obj **log;           /* records: object, then its nptrs old field values */
  size_t log_n, log_cap;  /* in words */

  /* ---- scratch of the epoch and the backup ---- */
  drc_vec old_zct;        /* the ZCT being reconciled */
  drc_vec work;           /* releases pending in a cascade; trial deletion's stack */
  drc_vec finalize;       /* dead objects whose finalizers run before they may go */
  drc_vec white;          /* garbage found by a backup run */
  gc_obj **slot_copy;     /* root slots before a batch of finalizers */
  size_t slot_copy_cap;
  bool in_epoch;          /* an epoch is running (a finalizer's gc_collect does nothing) */

  /* ---- tuning ---- */
  uint64_t zct_limit, candidates_limit;
  double candidates_fraction, heap_growth, near_limit;
  uint64_t live_after_backup; /* objects live when the last backup run ended */
  uint64_t heap_after_backup; /* heap bytes then */

  /* ---- statistics (gc_stats extras) ---- */
  uint64_t root_stores_uncounted, root_pops_uncounted;
  uint64_t epochs, zct_peak, zct_entries_scanned, epoch_freed;
  uint64_t backup_runs, backup_freed, candidates_peak, trial_updates;
  uint64_t finalizer_rounds, logged_objects, coalesced_stores;
};

/* ---- out of line (drc.c, drc_epoch.c, drc_coalesce.c) ---- */
void drc_vec_grow(gc_heap *h, drc_vec *v);
/* An epoch is due before this allocation (or zeal asks for one). */
void drc_epoch_on_alloc(gc_heap *h);
/* The size-class allocator refused `bytes`: epoch and backup, retry, or oom. */
void *drc_alloc_slow(gc_heap *h, size_t bytes);
/* Coalescing: o's first store this epoch; copies its fields into the log. */
void drc_log_object(gc_heap *h, gc_obj *o);

static inline drc_header *drc_header_of(const gc_obj *o) { return ((drc_header *)(uintptr_t)o) - 1; }

static inline void drc_vec_push(gc_heap *h, drc_vec *v, gc_obj *o) {
  if (__builtin_expect(v->n == v->cap, 0)) drc_vec_grow(h, v);
  v->items[v->n++] = o;
}

/* ==================================================================
 * Count updates
 * ================================================================== */

static inline void drc_zct_enter(gc_heap *h, gc_obj *o) {
  drc_header *hd = drc_header_of(o);
  if (!(hd->bits & DRC_IN_ZCT)) {
    hd->bits |= DRC_IN_ZCT;
    drc_vec_push(h, &h->zct, o);
  }
}

static inline uint32_t drc_index(const drc_header *hd) { return hd->bits >> DRC_INDEX_SHIFT; }
static inline void drc_set_index(drc_header *hd, size_t i) {
  uint32_t index = i < DRC_NO_INDEX ? (uint32_t)i : DRC_NO_INDEX;
  hd->bits = (hd->bits & DRC_FLAGS_MASK) | (index << DRC_INDEX_SHIFT);
}

/* Bacon & Rajan's PossibleRoot: buffered once; leaves cannot be on a cycle. */
static inline void drc_candidate(gc_heap *h, gc_obj *o) {
  drc_header *hd = drc_header_of(o);
  if (!(hd->bits & DRC_BUFFERED) && hd->shape.nptrs) {
    hd->bits |= DRC_BUFFERED;
    drc_set_index(hd, h->buffer.n);
    drc_vec_push(h, &h->buffer, o);
  }
}

static inline void drc_inc(gc_heap *h, gc_obj *o) {
  if (!o) return;
  drc_header *hd = drc_header_of(o);
  if (hd->count < 0) return;
  hd->count++;
  h->c.rc_incs++;
}

/* Zero: into the ZCT (a root may still hold it).  Non-zero: a cycle candidate. */
static inline void drc_dec(gc_heap *h, gc_obj *o) {
  if (!o) return;
  drc_header *hd = drc_header_of(o);
  if (hd->count < 0) return;
  h->c.rc_decs++;
  if (--hd->count == 0) drc_zct_enter(h, o);
  else drc_candidate(h, o);
}

/* ==================================================================
 * Allocation
 * ================================================================== */

/* Shared by gc_alloc and gc_alloc_finalizable (f may be NULL).  The epoch runs
 * before the cell is taken, so the new object cannot be freed by it; the object
 * is born in the ZCT with count 0. */
static inline gc_obj *drc_alloc_object(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  size_t bytes = sizeof(drc_header) + gc_body_bytes(nptrs, nbytes, f != NULL);
  if (__builtin_expect(h->zct.n >= h->zct_trigger || h->since_epoch >= h->budget, 0)) drc_epoch_on_alloc(h);
  void *cell = sc_alloc(&h->space, bytes);
  if (__builtin_expect(!cell, 0)) cell = drc_alloc_slow(h, bytes);
  h->since_epoch += bytes;
  gc_obj *o = (gc_obj *)((char *)cell + sizeof(drc_header));
  gc_shape_init(o, nptrs, nbytes, f);
  drc_header *hd = drc_header_of(o);
  hd->bits = DRC_IN_ZCT | DRC_YOUNG | (h->coalesce ? DRC_NEW : 0);
  drc_set_index(hd, h->zct.n);
  drc_vec_push(h, &h->zct, o);
  gc_count_alloc(&h->c, o);
  return o;
}

static inline gc_obj *gc_alloc(gc_heap *h, uint32_t nptrs, uint32_t nbytes) {
  return drc_alloc_object(h, nptrs, nbytes, NULL);
}

/* ==================================================================
 * Stores: fields count, root slots do not
 * ================================================================== */

static inline void gc_set(gc_heap *h, gc_obj *o, uint32_t i, gc_obj *v) {
  gc_obj **slot = &gc_fields(o)[i];
  if (__builtin_expect(h->coalesce, 0)) {
    h->coalesced_stores++;
    if (!(drc_header_of(o)->bits & (DRC_LOGGED | DRC_NEW))) drc_log_object(h, o);
    *slot = v;
    return;
  }
  drc_inc(h, v); /* first: storing a field's own value must not zero it */
  gc_obj *old = *slot;
  *slot = v;
  drc_dec(h, old);
}

static inline gc_root gc_root_push(gc_heap *h, gc_obj *v) {
  h->root_stores_uncounted++;
  return gc_roots_push(&h->c.roots, v);
}

static inline void gc_root_set(gc_heap *h, gc_root r, gc_obj *v) {
  h->root_stores_uncounted++;
  h->c.roots.slots[r] = v;
}

static inline void gc_frame_close(gc_heap *h, uint32_t mark) {
  gc_roots *roots = &h->c.roots;
  if (roots->top > mark) {
    h->root_pops_uncounted += roots->top - mark;
    roots->top = mark;
  }
}

#endif
