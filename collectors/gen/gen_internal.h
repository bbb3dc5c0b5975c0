/*
 * gen_internal.h — what the generational collector's files share and the mutator
 * never sees: the steps of a collection (gen.c runs them) and the little helpers
 * they have in common.
 *
 *   gen_nursery.c   the young generation: eden, survivors, the minor collection
 *   gen_old.c       the old generation: the major collection (mark, sweep)
 *   gen_finalize.c  finalizable objects and the finalizers found due
 *   gen_policy.c    when to collect what; the heap-limit accounting; eden sizing
 *   gen_remset.c    the store buffer's slow path
 *   gen_verify.c    the heap verifier (tuning verify=1)
 *   gen.c           the API: heap lifetime, the slow allocation path, gc_collect
 */
#ifndef GEN_INTERNAL_H
#define GEN_INTERNAL_H

#include "collectors/api/gc.h"

/* ==================================================================
 * Object helpers
 * ================================================================== */

/* Bytes of an object from its header to its end. */
static inline size_t gen_size_of(const gc_obj *o) {
  const gc_shape *s = gc_shape_of(o);
  return gen_object_size(s->nptrs, s->bytes_flags & GC_NBYTES_MAX, (s->bytes_flags & GC_FLAG_FINALIZABLE) != 0);
}

static inline bool gen_forwarded(const gc_obj *o) { return (gen_header_of(o)->meta & GEN_FORWARDED) != 0; }
static inline gc_obj *gen_forwardee(const gc_obj *o) { return (gc_obj *)(gen_header_of(o)->meta & ~GEN_FORWARDED); }
static inline unsigned gen_age(const gc_obj *o) { return (unsigned)(gen_header_of(o)->meta >> GEN_AGE_SHIFT); }
static inline bool gen_marked(const gc_obj *o) { return (gen_header_of(o)->meta & GEN_MARKED) != 0; }

/* ==================================================================
 * Object vectors
 * ================================================================== */

/* Grows v; aborts when malloc fails (collector metadata, not heap objects). */
void gen_vec_grow(gen_vec *v);
void gen_vec_free(gen_vec *v);
static inline void gen_vec_push(gen_vec *v, gc_obj *o) {
  if (__builtin_expect(v->len == v->cap, 0)) gen_vec_grow(v);
  v->items[v->len++] = o;
}

void gen_slots_grow(gen_slot_stack *s);
void gen_slots_free(gen_slot_stack *s);
static inline void gen_slots_push(gen_slot_stack *s, gc_obj **slot) {
  if (__builtin_expect(s->len == s->cap, 0)) gen_slots_grow(s);
  s->items[s->len++] = slot;
}

/* ==================================================================
 * The young generation (gen_nursery.c)
 * ================================================================== */

/* Reserves the young range; false with *error set on failure. */
bool gen_young_init(gc_heap *h, const char **error);
void gen_young_destroy(gc_heap *h);
/* Makes at least `bytes` of zeroed eden available at the bump pointer; false when
 * the eden is exhausted. */
bool gen_eden_refill(gc_heap *h, size_t bytes);
/* Allocation starts over at the eden's beginning (the eden must be empty). */
void gen_eden_rewind(gc_heap *h);
/* Sets the eden's and each survivor space's sizes (the eden must be empty, right
 * after a collection, and the survivors must fit). */
void gen_young_resize(gc_heap *h, size_t eden_bytes, size_t survivor_bytes);
/* Clears the mark bits a major collection left on young objects, when the
 * minor collection that would have replaced their headers does not follow. */
void gen_young_unmark(gc_heap *h);
/* From now on, keep h->young_starts: built from a walk of the young objects held
 * now, then set at every allocation and copy, cleared when a space is emptied.
 * False if the bitmap cannot be reserved. */
bool gen_track_starts(gc_heap *h);
/* True if the young generation holds no object at all. */
bool gen_young_empty(const gc_heap *h);
/* The minor collection: copies the live young objects (to the survivor space, or
 * all of them to the old generation when promote_all); returns the young objects
 * found dead.  Unreachable finalizable young objects are kept and queued on
 * to_finalize. */
uint64_t gen_minor(gc_heap *h, bool promote_all);

/* ==================================================================
 * The old generation (gen_old.c)
 * ================================================================== */

/* An old object of `bytes` (header included), zero-filled with meta 0, or NULL
 * when the size-class allocator refuses (its limit). */
static inline gc_obj *gen_old_alloc(gc_heap *h, size_t bytes) {
  void *cell = sc_alloc(&h->old, bytes);
  return cell ? gen_obj_at(cell) : NULL;
}
/* The major collection: marks from the roots through both generations (counting
 * the live young objects in live_young), keeps the unreachable finalizable objects
 * alive and queues them on to_finalize, drops remembered slots of dead old objects,
 * sweeps the old space; returns the old objects freed.  A minor collection must
 * follow before the mutator runs (young objects keep their mark bits until then). */
uint64_t gen_major(gc_heap *h);

/* ==================================================================
 * Finalization (gen_finalize.c)
 * ================================================================== */

/* Registers a finalizable object just allocated (young or old). */
void gen_finalizable_add(gc_heap *h, gc_obj *o);
/* Runs the finalizers queued by the collection that just ended, once each. */
void gen_run_finalizers(gc_heap *h);

/* ==================================================================
 * Policy and accounting (gen_policy.c)
 * ================================================================== */

/* Counts one object of `bytes` (header included) in its size class. */
void gen_tally_add(gen_tally *t, size_t bytes);
/* Under a heap limit: whether promoting the young objects fits — all of them
 * (live == NULL: before a minor collection), or those the major collection just
 * counted in *live.  Exact: it never says yes to a promotion that fails. */
bool gen_promotion_fits(gc_heap *h, const gen_tally *live);
/* The young generation's bytes by the heap-limit accounting (eden + survivors). */
size_t gen_young_capacity(const gc_heap *h);
/* Bytes the collector holds (gc.h rule 4): old space + the young generation. */
size_t gen_heap_bytes(const gc_heap *h);
void gen_note_peak(gc_heap *h);
/* Sets the old space's allocation limit for the mutator (room for the eden's
 * promotion is kept free) or for a minor collection (it may use that room). */
void gen_old_limit_for_mutator(gc_heap *h);
void gen_old_limit_for_promotion(gc_heap *h);
/* After a minor collection: is a major one due? */
bool gen_major_due(const gc_heap *h);
/* After a major collection: the next threshold. */
void gen_major_done(gc_heap *h);
/* Sizes the eden (and survivor spaces) so that the old space plus `extra_old`
 * more bytes, the young generation and room to promote it fit the heap limit;
 * false if not even the smallest eden fits.  The eden must be empty. */
bool gen_fit_eden(gc_heap *h, size_t extra_old);

/* ==================================================================
 * The verifier (gen_verify.c)
 * ================================================================== */

/* Checks every invariant the collector relies on; aborts with a message when one
 * fails.  `when` names the moment, for the message. */
void gen_verify(gc_heap *h, const char *when);

#endif
