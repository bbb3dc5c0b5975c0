/*
 * drc_internal.h — what drc's own files share and nothing else sees: the epoch
 * (drc_epoch.c), the cycle backup (drc_cycles.c), coalescing (drc_coalesce.c) and
 * the API (drc.c).
 */
#ifndef DRC_INTERNAL_H
#define DRC_INTERNAL_H

#include "collectors/api/gc.h"

static inline bool drc_immortal(const gc_obj *o) { return drc_header_of(o)->count < 0; }
static inline uint32_t drc_color(const gc_obj *o) { return drc_header_of(o)->bits & DRC_COLOR_MASK; }
static inline bool drc_dead(const gc_obj *o) { return drc_color(o) == DRC_DEAD; }
static inline void drc_set_color(gc_obj *o, uint32_t color) {
  drc_header *hd = drc_header_of(o);
  hd->bits = (hd->bits & ~DRC_COLOR_MASK) | color;
}
static inline bool drc_finalizer_pending(const gc_obj *o) {
  uint32_t f = gc_flags(o);
  return (f & GC_FLAG_FINALIZABLE) && !(f & GC_FLAG_FINALIZED);
}

/* Gives the cell back to the size-class allocator; counts the free. */
static inline void drc_free_cell(gc_heap *h, gc_obj *o) {
  gc_count_free(&h->c, o);
  sc_free(&h->space, drc_header_of(o));
}

/* ---- drc_epoch.c ---- */
/* One epoch: reconcile the ZCT (with finalizer rounds), then, if `backup`, the
 * cycle backup, repeated while finalizers keep running; returns objects freed. */
size_t drc_epoch(gc_heap *h, bool backup);
/* Frees the buffer's DRC_DEAD entries (candidates released by a cascade). */
void drc_compact_buffer(gc_heap *h);
/* Runs the finalizers of h->finalize (then empties it), noting every root slot
 * the finalizers overwrote: its old referent becomes a cycle candidate. */
void drc_run_finalizers(gc_heap *h);

/* ---- drc_cycles.c ---- */
/* One backup run (Bacon & Rajan's CollectCycles): frees the garbage cycles among
 * and below the candidates, adds the freed count to *freed; false if finalizers
 * ran instead, in which case the epoch reconciles and runs it again. */
bool drc_collect_cycles(gc_heap *h, size_t *freed);

/* ---- drc_coalesce.c ---- */
/* Applies the coalescing log and counts new objects' fields: counts exact again. */
void drc_apply_log(gc_heap *h);

#endif
