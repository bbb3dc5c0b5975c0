/*
 * drc.c — deferred reference counting with a cycle backup: the collector's
 * identity, heap lifetime and tuning, and the rest of the API.  The design is in
 * drc_impl.h; the epoch in drc_epoch.c; the backup in drc_cycles.c; coalescing
 * in drc_coalesce.c.
 *
 * THE KNOBS
 *
 * - gc_collect(): an epoch with a backup run; returns the objects it freed — the
 *   ZCT's dead and their cascades as well as the garbage cycles — since in
 *   deferred counting that epoch is where all of them are found unreachable.
 *   Inside a finalizer it does nothing and returns 0.
 * - gc_enable(h, false): no automatic backup runs.  Epochs still run (they are
 *   the counting itself, which CPython's gc.disable() leaves alone too), as does
 *   the backup when the heap limit demands it, and in gc_collect().
 * - Over the heap limit: one epoch with a backup, one retry, then on_oom.
 * - Zeal: an epoch with a backup run before every allocation.
 * - gc_refcount(): heap references only; roots are never counted.
 *
 * Tuning (gc_options.tuning, comma-separated key=value):
 *   zct=N           an epoch runs once the ZCT has grown by N entries since the
 *                   last one (default 8192; at one entry per allocation, about
 *                   the allocations per epoch)
 *   budget=BYTES    ... or once BYTES of cells were allocated since it (default
 *                   4M, at most a quarter of the heap limit if there is one)
 *   candidates=N    an epoch runs the backup once N live candidates are buffered
 *                   (default 65536; 0: never for candidates)
 *   candidates_fraction=F
 *                   ... and they are at least F times the objects the last backup
 *                   run left live (default 0.5)
 *   heap_growth=F   ... or once the heap grew by F times what the last run left
 *                   (and by the budget) with any candidate buffered (default 1.0;
 *                   0: never for growth)
 *   near_limit=F    ... or when the heap holds at least F of its limit and
 *                   anything is buffered (default 0.75)
 *   coalesce=1      Levanoni & Petrank's update coalescing (default 0)
 * e.g. "zct=4096,candidates=0,heap_growth=0" (backups only in gc_collect and at
 * the heap limit).
 *
 * Why these defaults (measured on gclab's workloads at default size, 2 MiB of L2
 * per core).  An epoch costs a scan of the roots (a few dozen slots here) plus a
 * look at each ZCT entry, nearly all of them newborns, whose headers are still
 * in cache if the epoch comes soon enough: 8192 entries of 32-64-byte cells is
 * 256-512 KiB, inside L2, and the fixed root scan is noise beside it.  From 2048
 * to 16384 entries the times are within noise of each other; at 32768 gcold and
 * synth slow down (7-25%) as the entries leave the cache.  The byte budget binds
 * only when objects average over 512 bytes (gcold's 100-pointer arrays): it
 * bounds the garbage waiting for an epoch to twice the L2.  The backup's cost is
 * the graph its candidates reach, which can be every live object (a candidate
 * at the head of a long list): requiring the candidates to be half the objects
 * live after the last run bounds the amortized walk to two visits per candidate
 * (0.25, CPython's fraction for its oldest generation, costs synth 12% more;
 * 1.0 saves it 10% but lets pauses grow), and `candidates` keeps small heaps
 * from running it every few epochs.  heap_growth is Go's GOGC=100 for the cycles
 * candidates alone would leave too long: cycle-frac peaks at 18 MiB with it and
 * 33 MiB (rc's leak) without.  near_limit leaves a quarter of the limit for
 * the garbage of the epochs between runs.
 *
 * A FIXED HEAP (gc_options.heap_policy GC_HEAP_FIXED) is used until it is full:
 * heap_growth and near_limit, the two triggers that start the backup early
 * because the heap grew, are off, and the backup runs for the candidates (a count,
 * as CPython's thresholds are), in gc_collect(), and when the size-class
 * allocator refuses a cell (then one retry, then on_oom).  Epochs are counting,
 * not collection of a full heap, and run as under any policy.  A growable heap
 * (and no limit) keeps every trigger above.
 *
 * Statistics (gc_stats extras): root_stores_uncounted (root pushes and sets, none
 * of which touch a count), root_pops_uncounted (slots popped by gc_frame_close),
 * epochs, zct_peak (entries at an epoch's start, at most), zct_entries_scanned,
 * epoch_freed (objects the ZCT reconciliation freed), backup_runs, backup_freed,
 * candidates_peak (buffered candidates at an epoch or backup start, at most),
 * trial_updates (count changes made and undone by trial deletion; not in
 * rc_incs/rc_decs), finalizer_rounds, and under coalescing logged_objects and
 * coalesced_stores.
 */
#include <stdlib.h>

#include "collectors/common/gc_tuning.h"
#include "collectors/drc/drc_internal.h"

static const gc_collector_info drc_info = {
    .name = "drc",
    .description = "deferred reference counting (Deutsch-Bobrow ZCT, roots uncounted) with a trial-deletion cycle backup",
    .caps = GC_CAP_COUNTS_REFS | GC_CAP_COLLECTS_CYCLES | GC_CAP_RECLAIMS | GC_CAP_IMMORTAL_SATURATES,
};

const gc_collector_info *gc_collector(void) { return &drc_info; }

/* ==================================================================
 * Heap lifetime
 * ================================================================== */

#define DRC_DEFAULT_ZCT 8192
#define DRC_DEFAULT_BUDGET ((uint64_t)4 << 20)
#define DRC_DEFAULT_CANDIDATES 65536
#define DRC_DEFAULT_FRACTION 0.5
#define DRC_DEFAULT_GROWTH 1.0
#define DRC_DEFAULT_NEAR_LIMIT 0.75

/* The tuning string first (a typo must be an error, not another experiment),
 * then the heap: the shared size-class space and the common state. */
gc_heap *gc_heap_create(const gc_options *o, const char **error) {
  uint64_t zct = DRC_DEFAULT_ZCT, budget = DRC_DEFAULT_BUDGET, candidates = DRC_DEFAULT_CANDIDATES;
  double fraction = DRC_DEFAULT_FRACTION, growth = DRC_DEFAULT_GROWTH, near_limit = DRC_DEFAULT_NEAR_LIMIT;
  bool coalesce = false;
  const gc_tuning_key keys[] = {
      {"zct", GC_TUNE_U64, &zct,
       "a count >= 1: an epoch runs once the zero-count table grew by this many entries (default 8192)"},
      {"budget", GC_TUNE_BYTES, &budget,
       "bytes >= 1 (K/M/G suffixes): an epoch runs once this much was allocated since the last "
       "(default 4M, at most a quarter of the heap limit)"},
      {"candidates", GC_TUNE_U64, &candidates,
       "a count: an epoch runs the cycle backup once this many live candidates are buffered "
       "(default 65536; 0: never for candidates)"},
      {"candidates_fraction", GC_TUNE_DOUBLE, &fraction,
       "a fraction >= 0: the backup also waits until the live candidates are this fraction of the objects "
       "the last backup run left live (default 0.5)"},
      {"heap_growth", GC_TUNE_DOUBLE, &growth,
       "a fraction >= 0: an epoch runs the cycle backup once the heap grew by this much of what the last run "
       "left, and by the budget (default 1.0; 0: never for growth)"},
      {"near_limit", GC_TUNE_DOUBLE, &near_limit,
       "a fraction in (0, 1]: an epoch runs the cycle backup when the heap holds this much of its limit "
       "(default 0.75)"},
      {"coalesce", GC_TUNE_BOOL, &coalesce,
       "1/0: Levanoni-Petrank update coalescing, counts settled per object at each epoch (default 0)"},
  };
  const char *err = gc_tuning_parse(o->tuning, keys, sizeof keys / sizeof keys[0]);
  if (!err && zct == 0) err = "bad value '0' for tuning key 'zct': a count >= 1";
  if (!err && budget == 0) err = "bad value '0' for tuning key 'budget': bytes >= 1";
  if (!err && !(fraction >= 0)) err = "bad value for tuning key 'candidates_fraction': a fraction >= 0";
  if (!err && !(growth >= 0)) err = "bad value for tuning key 'heap_growth': a fraction >= 0";
  if (!err && !(near_limit > 0 && near_limit <= 1)) err = "bad value for tuning key 'near_limit': a fraction in (0, 1]";
  if (err) { *error = err; return NULL; }

  gc_heap *h = calloc(1, sizeof *h);
  if (!h) { *error = "out of memory"; return NULL; }
  gc_common_init(&h->c, o);
  if (!sc_init(&h->space, o->heap_limit, error)) {
    gc_common_destroy(&h->c);
    free(h);
    return NULL;
  }
  h->zct_limit = zct;
  h->zct_trigger = o->zeal ? 0 : zct;
  /* the garbage an epoch waits for must leave room under a small limit */
  uint64_t quarter = o->heap_limit / 4;
  h->budget = o->heap_limit && budget > quarter ? (quarter ? quarter : 1) : budget;
  h->candidates_limit = candidates;
  h->candidates_fraction = fraction;
  h->heap_growth = growth;
  h->near_limit = near_limit;
  h->coalesce = coalesce;
  return h;
}

void gc_heap_destroy(gc_heap *h) {
  drc_vec *vecs[] = {&h->zct, &h->buffer, &h->prev_roots, &h->old_zct, &h->work, &h->finalize, &h->white};
  for (size_t i = 0; i < sizeof vecs / sizeof *vecs; i++) free(vecs[i]->items);
  free(h->log);
  free(h->slot_copy);
  sc_destroy(&h->space);
  gc_common_destroy(&h->c);
  free(h);
}

/* ==================================================================
 * The rest of the API
 * ================================================================== */

gc_obj *gc_alloc_finalizable(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  return drc_alloc_object(h, nptrs, nbytes, f);
}

size_t gc_collect(gc_heap *h) {
  if (h->in_epoch) return 0;
  return drc_epoch(h, true);
}

/* Roots are not counted (drc_impl.h): the heap references, or the immortal mark.
 * Under coalescing the log is applied first, which frees nothing. */
long gc_refcount(gc_heap *h, gc_obj *o) {
  if (h->coalesce && !h->in_epoch) drc_apply_log(h);
  int32_t n = drc_header_of(o)->count;
  return n < 0 ? GC_REFCOUNT_IMMORTAL : (long)n;
}

/* Immortal: count -1, never counted, freed or traced again.  What it refers to
 * keeps the counts it has, so it stays alive.  Under coalescing its fields must
 * be counted before counting stops, so the log is applied first.  The ZCT and the
 * buffer drop the object when they next look at it. */
void gc_make_immortal(gc_heap *h, gc_obj *o) {
  if (h->coalesce && !h->in_epoch) drc_apply_log(h);
  if (gc_common_make_immortal(&h->c, o)) drc_header_of(o)->count = -1;
}

/* ==================================================================
 * Measurement
 * ================================================================== */

void gc_stats_read(gc_heap *h, gc_stats *out) {
  gc_common_stats(&h->c, out);
  out->heap_bytes = h->space.heap_bytes;
  out->peak_heap_bytes = h->space.peak_heap_bytes;
  gc_stats_add_extra(out, "root_stores_uncounted", h->root_stores_uncounted);
  gc_stats_add_extra(out, "root_pops_uncounted", h->root_pops_uncounted);
  gc_stats_add_extra(out, "epochs", h->epochs);
  gc_stats_add_extra(out, "zct_peak", h->zct_peak);
  gc_stats_add_extra(out, "zct_entries_scanned", h->zct_entries_scanned);
  gc_stats_add_extra(out, "epoch_freed", h->epoch_freed);
  gc_stats_add_extra(out, "backup_runs", h->backup_runs);
  gc_stats_add_extra(out, "backup_freed", h->backup_freed);
  gc_stats_add_extra(out, "candidates_peak", h->candidates_peak);
  gc_stats_add_extra(out, "trial_updates", h->trial_updates);
  gc_stats_add_extra(out, "finalizer_rounds", h->finalizer_rounds);
  if (h->coalesce) {
    gc_stats_add_extra(out, "logged_objects", h->logged_objects);
    gc_stats_add_extra(out, "coalesced_stores", h->coalesced_stores);
  }
}

/* The heap verifier's question (gc_embed.h): o sits right after drc's header at
 * the start of a live size-class cell.  The header's address is what is looked
 * up: an object with no fields and no bytes ends where it starts, so o itself
 * may be the first address of the next cell.  A DRC_DEAD cell (released, its
 * cell waiting in the buffer) is a cell but no longer an object. */
bool gc_debug_is_object(gc_heap *h, const gc_obj *o) {
  if ((uintptr_t)o & 7 || (uintptr_t)o < sizeof(drc_header)) return false;
  const char *header = (const char *)o - sizeof(drc_header);
  if (sc_live_cell_containing(&h->space, header) != header) return false;
  return !drc_dead(o);
}
