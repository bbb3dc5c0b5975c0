/*
 * rc_cycle.c — reference counting plus CPython's generational cycle collector:
 * the collection, and the rest of the API.
 *
 * The collection follows CPython 3.11's Modules/gcmodule.c step by step, one named
 * function per step, in the order gc_collect_main runs them:
 *
 *   update_refs          copy each count into gc_refs
 *   subtract_refs        take away the references from inside the generation
 *   move_unreachable     gc_refs > 0 means referenced from outside: that object and
 *                        all it reaches are reachable; the rest moves to `unreachable`
 *   (survivors move to the next generation)
 *   finalize_garbage     each unreachable object's finalizer, once ever (PEP 442)
 *   handle_resurrected_objects
 *                        the first three steps again on `unreachable`: what a
 *                        finalizer stored somewhere live survives, with all it reaches
 *   delete_garbage       clear the fields of the rest (tp_clear) through the counting
 *                        path, so that counting frees them
 *
 * CPython's steps with nothing to do here are left out: legacy (tp_del) finalizers
 * and so "uncollectable" objects (the API has none: uncollectable stays 0), weak
 * references, untracking tuples and dicts, free lists.  The unreachable mask that
 * move_legacy_finalizers clears in CPython is cleared by clear_unreachable_mask.
 *
 * Heap policy.  Under a fixed heap (GC_HEAP_FIXED) as under a growable one, the
 * cycle detector keeps CPython's count-based thresholds (700, 10, 10 and the
 * long-lived rule): they count allocations and collections, not bytes, so there
 * is nothing to size from the heap, and counting frees acyclic garbage at once.
 * When the limit refuses a cell a full collection runs and the allocation is
 * retried once (rc_alloc_slow), under either policy.
 *
 * Memory safety never depends on the collector being right about reachability:
 * nothing here frees a cell.  Clearing fields only drops counts; counting frees an
 * object when, and only when, its count reaches zero.
 */
#include <stdlib.h>

#define RC_COUNTING_IMPLEMENTATION
#include "collectors/api/gc.h"
#include "collectors/common/gc_tuning.h"

static const gc_collector_info rcc_info = {
    .name = "rc_cycle",
    .description = "reference counting plus CPython's generational cycle collector (thresholds 700, 10, 10)",
    .caps = GC_CAP_COUNTS_REFS | GC_CAP_COUNTS_ROOTS | GC_CAP_COLLECTS_CYCLES | GC_CAP_PROMPT_FINALIZATION |
            GC_CAP_RECLAIMS | GC_CAP_IMMORTAL_SATURATES,
};

const gc_collector_info *gc_collector(void) { return &rcc_info; }

static const char *const rcc_pause_kind[RCC_NGENERATIONS] = {"gen0", "gen1", "gen2"};

/* ==================================================================
 * gc lists (CPython's gc_list_*)
 * ================================================================== */

/* During a collection gc_prev may carry gc_refs and flags: only the link part is a
 * pointer.  Writing a link keeps gc_prev's flag bit (CPython's _PyGCHead_SET_PREV);
 * gc_next is written whole. */
static inline rcc_head *rcc_next(const rcc_head *g) { return (rcc_head *)(g->gc_next & RCC_LINK_MASK); }
static inline rcc_head *rcc_prev(const rcc_head *g) { return (rcc_head *)(g->gc_prev & RCC_LINK_MASK); }
static inline void rcc_set_prev(rcc_head *g, rcc_head *p) {
  g->gc_prev = (g->gc_prev & ~RCC_LINK_MASK) | (uintptr_t)p;
}
static inline void rcc_set_next(rcc_head *g, rcc_head *n) { g->gc_next = (uintptr_t)n; }

static void rcc_list_init(rcc_head *list) { list->gc_prev = list->gc_next = (uintptr_t)list; }

static bool rcc_list_is_empty(const rcc_head *list) { return list->gc_next == (uintptr_t)list; }

static void rcc_list_append(rcc_head *g, rcc_head *list) {
  rcc_head *last = (rcc_head *)list->gc_prev;
  rcc_set_prev(g, last);
  rcc_set_next(last, g);
  rcc_set_next(g, list);
  list->gc_prev = (uintptr_t)g;
}

/* Moves g from the list it is on to the end of `list`. */
static void rcc_list_move(rcc_head *g, rcc_head *list) {
  rcc_head *prev = rcc_prev(g), *next = rcc_next(g);
  rcc_set_next(prev, next);
  rcc_set_prev(next, prev);
  rcc_list_append(g, list);
}

/* Appends all of `from` to `to`; `from` is left empty. */
static void rcc_list_merge(rcc_head *from, rcc_head *to) {
  if (!rcc_list_is_empty(from)) {
    rcc_head *tail = (rcc_head *)to->gc_prev;
    rcc_head *first = rcc_next(from), *last = (rcc_head *)from->gc_prev;
    rcc_set_next(tail, first);
    rcc_set_prev(first, tail);
    rcc_set_next(last, to);
    to->gc_prev = (uintptr_t)last;
  }
  rcc_list_init(from);
}

/* ---- gc_refs: kept in gc_prev above the COLLECTING bit, during a collection ---- */
#define RCC_REFS_SHIFT 1

static inline bool rcc_is_collecting(const rcc_head *g) { return (g->gc_prev & RCC_PREV_COLLECTING) != 0; }
static inline void rcc_clear_collecting(rcc_head *g) { g->gc_prev &= ~RCC_PREV_COLLECTING; }
static inline int64_t rcc_get_refs(const rcc_head *g) { return (int64_t)(g->gc_prev >> RCC_REFS_SHIFT); }
static inline void rcc_set_refs(rcc_head *g, int64_t refs) {
  g->gc_prev = (g->gc_prev & RCC_PREV_COLLECTING) | ((uintptr_t)refs << RCC_REFS_SHIFT);
}
static inline void rcc_reset_refs(rcc_head *g, int64_t refs) {
  g->gc_prev = RCC_PREV_COLLECTING | ((uintptr_t)refs << RCC_REFS_SHIFT);
}
static inline void rcc_decref(rcc_head *g) { g->gc_prev -= (uintptr_t)1 << RCC_REFS_SHIFT; }

/* The gc head of a field's value when it is a member of the set being collected,
 * else NULL: leaves have no head; immortal objects (untracked: gc_prev 0) and
 * members of other generations (gc_prev a plain link) lack the COLLECTING bit. */
static inline rcc_head *rcc_collecting_head(gc_obj *child) {
  if (!child || !gc_nptrs(child)) return NULL;
  rcc_head *g = rcc_head_of(child);
  return rcc_is_collecting(g) ? g : NULL;
}

/* ==================================================================
 * Finding the unreachable
 * ================================================================== */

/* Step 1: gc_refs = the count, for every object of the set; marks them COLLECTING.
 * No member can have count 0: counting frees at zero, and the newborn is settled
 * before any collection starts.  Returns how many objects the set has. */
static uint64_t update_refs(gc_heap *h, rcc_head *containers) {
  uint64_t n = 0;
  for (rcc_head *g = rcc_next(containers); g != containers; g = rcc_next(g)) {
    int64_t count = rc_header_of(rcc_obj_of(g))->count;
    GC_ASSERT(count > 0);
    rcc_reset_refs(g, count);
    n++;
  }
  h->objects_scanned += n;
  return n;
}

/* Step 2: every reference from a member to a member is internal; take it away.
 * What is left of gc_refs counts the references from outside: root slots, older
 * generations, immortal and untracked objects. */
static void subtract_refs(rcc_head *containers) {
  for (rcc_head *g = rcc_next(containers); g != containers; g = rcc_next(g)) {
    gc_obj *o = rcc_obj_of(g);
    gc_obj **f = gc_fields(o);
    for (uint32_t i = 0, n = gc_nptrs(o); i < n; i++) {
      rcc_head *child = rcc_collecting_head(f[i]);
      if (child) {
        GC_ASSERT(rcc_get_refs(child) > 0);
        rcc_decref(child);
      }
    }
  }
}

/* move_unreachable's visitor: `child` is reachable.  Still waiting in `young` with
 * gc_refs 0: note it (gc_refs 1) so the scan keeps it when it gets there.  Already
 * moved to `unreachable`: bring it back to the end of `young`, where the scan will
 * reach it again.  Otherwise (gc_refs > 0, or already scanned and no longer
 * COLLECTING, or not a member) nothing to do. */
static void visit_reachable(gc_obj *child, rcc_head *young) {
  rcc_head *g = rcc_collecting_head(child);
  if (!g) return;
  if (g->gc_next & RCC_NEXT_UNREACHABLE) {
    /* unlink by hand: the list functions do not expect the UNREACHABLE bits */
    rcc_head *prev = rcc_prev(g);
    rcc_head *next = (rcc_head *)(g->gc_next & ~RCC_NEXT_UNREACHABLE);
    prev->gc_next = g->gc_next; /* keeps the UNREACHABLE bit */
    rcc_set_prev(next, prev);
    rcc_list_append(g, young);
    rcc_set_refs(g, 1);
  } else if (rcc_get_refs(g) == 0) {
    rcc_set_refs(g, 1);
  }
}

/* Step 3: splits `young` into the reachable (left in `young`) and the rest (moved to
 * `unreachable`).  One pass: an object with gc_refs > 0 is referenced from outside;
 * it stays, and whatever it references is made reachable (visit_reachable).  One
 * with gc_refs 0 is moved, tentatively: something later in the scan may still reach
 * it and bring it back.
 *
 * While this runs `young` is singly linked: gc_prev holds gc_refs, and is restored
 * to a link as the scan passes each object that stays (which also clears its
 * COLLECTING bit, so later visits ignore it).  Objects on `unreachable` keep
 * COLLECTING, valid gc_prev links, and the UNREACHABLE bit in gc_next. */
static void move_unreachable(rcc_head *young, rcc_head *unreachable) {
  rcc_head *prev = young; /* the last object kept: where gc_prev links are restored from */
  rcc_head *g = rcc_next(young);
  while (g != young) {
    if (rcc_get_refs(g)) {
      gc_obj *o = rcc_obj_of(g);
      gc_obj **f = gc_fields(o);
      /* the visits may append to young, and so change g->gc_next: read it after */
      for (uint32_t i = 0, n = gc_nptrs(o); i < n; i++) visit_reachable(f[i], young);
      rcc_set_prev(g, prev);
      rcc_clear_collecting(g);
      prev = g;
    } else {
      /* young is singly linked here: no need to fix g's successor's gc_prev */
      prev->gc_next = g->gc_next;
      rcc_head *last = (rcc_head *)unreachable->gc_prev;
      /* sets the bit in the list head's gc_next too when last is the head;
       * repaired below */
      last->gc_next = RCC_NEXT_UNREACHABLE | (uintptr_t)g;
      rcc_set_prev(g, last);
      g->gc_next = RCC_NEXT_UNREACHABLE | (uintptr_t)unreachable;
      unreachable->gc_prev = (uintptr_t)g;
    }
    g = (rcc_head *)prev->gc_next;
  }
  young->gc_prev = (uintptr_t)prev;
  unreachable->gc_next &= ~RCC_NEXT_UNREACHABLE;
}

/* Steps 1 to 3 together (CPython's deduce_unreachable); `unreachable` starts empty.
 * Returns how many objects `base` had (the candidates). */
static uint64_t deduce_unreachable(gc_heap *h, rcc_head *base, rcc_head *unreachable) {
  uint64_t candidates = update_refs(h, base);
  subtract_refs(base);
  rcc_list_init(unreachable);
  move_unreachable(base, unreachable);
  return candidates;
}

/* Makes `unreachable` an ordinary list again: its members keep COLLECTING (which
 * only gc_prev's flag bit holds now) but lose the UNREACHABLE bit.  Returns how
 * many members it has. */
static uint64_t clear_unreachable_mask(rcc_head *unreachable) {
  uint64_t n = 0;
  for (rcc_head *g = rcc_next(unreachable); g != unreachable; g = rcc_next(g), n++)
    g->gc_next &= ~RCC_NEXT_UNREACHABLE;
  return n;
}

/* ==================================================================
 * Disposing of the unreachable
 * ================================================================== */

/* Step 4: runs each finalizer that has not run (once per object, ever: PEP 442).
 * A finalizer may store anything anywhere and so free objects or resurrect them;
 * nothing can be assumed about `collectable` across a call, so each object is
 * moved to `seen` before its finalizer runs and the loop always takes the first
 * one left.  Objects freed meanwhile simply vanish from both lists.  The count is
 * held around the call, as CPython does, so that the object outlives its own
 * finalizer. */
static void finalize_garbage(gc_heap *h, rcc_head *collectable) {
  rcc_head seen;
  rcc_list_init(&seen);
  while (!rcc_list_is_empty(collectable)) {
    rcc_head *g = rcc_next(collectable);
    gc_obj *o = rcc_obj_of(g);
    rcc_list_move(g, &seen);
    uint32_t flags = gc_flags(o);
    if ((flags & GC_FLAG_FINALIZABLE) && !(flags & GC_FLAG_FINALIZED)) {
      rc_inc(h, o);
      gc_run_finalizer(h, &h->rc.c, o);
      rc_dec(h, o);
    }
  }
  rcc_list_merge(&seen, collectable);
}

/* Step 5: a finalizer may have stored an unreachable object into a root or a live
 * object.  Reachability is worked out again, on `unreachable` alone: the
 * resurrected (and all they reach) move to `old` like any survivor; the rest go to
 * `still_unreachable`, whose size is returned.  (CPython first clears COLLECTING
 * here for its debug checks; update_refs sets it again anyway.) */
static uint64_t handle_resurrected_objects(gc_heap *h, rcc_head *unreachable, rcc_head *still_unreachable,
                                           rcc_head *old) {
  deduce_unreachable(h, unreachable, still_unreachable);
  uint64_t still = clear_unreachable_mask(still_unreachable);
  rcc_list_merge(unreachable, old);
  return still;
}

/* gc.garbage: the unreachable objects kept under saveall, as counted references;
 * they stay reachable from the collector, and so are reported as leaked. */
static void save_garbage(gc_heap *h, gc_obj *o) {
  if (h->ngarbage == h->garbage_cap) {
    size_t cap = h->garbage_cap ? h->garbage_cap * 2 : 64;
    gc_obj **garbage = realloc(h->garbage, cap * sizeof *garbage);
    if (!garbage) gc_common_oom(&h->rc.c, cap * sizeof *garbage);
    h->garbage = garbage;
    h->garbage_cap = cap;
  }
  rc_inc(h, o);
  h->garbage[h->ngarbage++] = o;
}

/* tp_clear for every object: each field set to NULL through the counting path.
 * The cycle's own references are what kept its counts above zero, so counting
 * frees the lot (the object itself once its own count drops, at the end). */
static void rcc_clear(gc_heap *h, gc_obj *o) {
  for (uint32_t i = 0, n = gc_nptrs(o); i < n; i++)
    if (gc_fields(o)[i]) gc_set(h, o, i, NULL);
}

/* Step 6: breaks the cycles (or, under saveall, keeps every object in gc.garbage).
 * As in finalize_garbage, any clear may free any number of the objects, so the loop
 * always takes the first one left; one that is still first after its clear is alive
 * (a finalizer of something freed meanwhile kept it, or saveall) and moves to `old`,
 * where it may die later. */
static void delete_garbage(gc_heap *h, rcc_head *collectable, rcc_head *old) {
  while (!rcc_list_is_empty(collectable)) {
    rcc_head *g = rcc_next(collectable);
    gc_obj *o = rcc_obj_of(g);
    GC_ASSERT(rc_header_of(o)->count > 0);
    if (h->saveall) {
      save_garbage(h, o);
    } else {
      rc_inc(h, o);
      rcc_clear(h, o);
      rc_dec(h, o);
    }
    if (rcc_next(collectable) == g) {
      rcc_clear_collecting(g);
      rcc_list_move(g, old);
    }
  }
}

/* ==================================================================
 * Collections
 * ================================================================== */

/* One collection of `generation` and every younger one (CPython's gc_collect_main):
 * returns the number of unreachable objects found.  The caller has checked that
 * no collection or release is running. */
static size_t collect(gc_heap *h, int generation) {
  rcc_generation *gen = h->gen;
  int pause = gc_pause_begin(&h->rc.c.pauses, rcc_pause_kind[generation]);
  h->collecting = true;
  h->rc.c.collections++;

  /* the counts: this generation's collection is one more event for the next */
  if (generation + 1 < RCC_NGENERATIONS) gen[generation + 1].count++;
  for (int i = 0; i <= generation; i++) gen[i].count = 0;
  for (int i = 0; i < generation; i++) rcc_list_merge(&gen[i].head, &gen[generation].head);

  rcc_head *young = &gen[generation].head;
  rcc_head *old = generation + 1 < RCC_NGENERATIONS ? &gen[generation + 1].head : young;
  rcc_head unreachable;
  uint64_t candidates = deduce_unreachable(h, young, &unreachable);
  /* CPython walks `young` to count the survivors; the candidates less what was
   * found unreachable (usually far fewer) is the same number */
  uint64_t survivors = candidates - clear_unreachable_mask(&unreachable);

  /* survivors move up; a full collection measures what is long-lived */
  if (young != old) {
    if (generation == RCC_NGENERATIONS - 2) h->long_lived_pending += survivors;
    rcc_list_merge(young, old);
  } else {
    h->long_lived_pending = 0;
    h->long_lived_total = survivors;
  }

  finalize_garbage(h, &unreachable);
  rcc_head final_unreachable;
  size_t collected = (size_t)handle_resurrected_objects(h, &unreachable, &final_unreachable, old);
  delete_garbage(h, &final_unreachable, old);

  gen[generation].collections++;
  gen[generation].collected += collected;
  h->collecting = false;
  gc_pause_end(&h->rc.c.pauses, pause);
  return collected; /* + uncollectable, always 0 here */
}

/* Whether a collection may start now: not inside one, and not inside a release,
 * whose set-aside objects are tracked with count zero (either can only be asked
 * for by a finalizer). */
static bool rcc_can_collect(const gc_heap *h) { return !h->collecting && !h->rc.releasing; }

/* The automatic choice (CPython's gc_collect_generations): the oldest generation
 * whose count exceeds its threshold, with every younger one.  A full collection
 * also waits until the objects promoted into generation 2 since the last one
 * (long_lived_pending) are at least a quarter of those it left (long_lived_total),
 * so that building a large long-lived structure stays linear (CPython issue
 * #4074).  `force0` (zeal) counts generation 0 as over its threshold. */
static void collect_generations(gc_heap *h, bool force0) {
  for (int i = RCC_NGENERATIONS - 1; i >= 0; i--) {
    if (h->gen[i].count > h->gen[i].threshold || (i == 0 && force0)) {
      if (i == RCC_NGENERATIONS - 1 && h->long_lived_pending < h->long_lived_total / 4) continue;
      collect(h, i);
      return;
    }
  }
}

/* Generation 0's count went over threshold0, or zeal asks for a collection at
 * every allocation.  CPython's conditions: automatic collection enabled, a
 * threshold0 of 0 disabling it, no collection already running. */
void rcc_collect_on_alloc(gc_heap *h) {
  if (!h->rc.c.enabled || !rcc_can_collect(h)) return;
  if (h->rc.c.zeal) collect_generations(h, true);
  else if (h->gen[0].threshold && h->gen[0].count > h->gen[0].threshold) collect_generations(h, false);
}

/* Over the heap limit: a full collection may free cycles; retry once, then give
 * up.  This one runs even with automatic collection disabled: it is the heap
 * limit's collection (gc.h rule 4), not a scheduled one. */
void *rc_alloc_slow(gc_heap *h, size_t bytes) {
  if (rcc_can_collect(h)) {
    collect(h, RCC_NGENERATIONS - 1);
    void *cell = sc_alloc(&h->rc.space, bytes);
    if (cell) return cell;
  }
  gc_common_oom(&h->rc.c, bytes);
}

/* gc.collect(): a full collection; the number of unreachable objects found.  The
 * newborn nobody stored is settled first, as rc's gc_collect does; inside a
 * finalizer this does nothing and returns 0 (CPython: "already collecting"). */
size_t gc_collect(gc_heap *h) {
  if (!rcc_can_collect(h)) return 0;
  int pause = gc_pause_begin(&h->rc.c.pauses, rcc_pause_kind[RCC_NGENERATIONS - 1]);
  rc_settle_newborn(h);
  size_t found = collect(h, RCC_NGENERATIONS - 1);
  gc_pause_end(&h->rc.c.pauses, pause);
  return found;
}

/* ==================================================================
 * Heap lifetime
 * ================================================================== */

gc_heap *gc_heap_create(const gc_options *o, const char **error) {
  gc_cycle_tuning tune;
  const char *err = gc_cycle_tuning_parse(o->tuning, &tune);
  if (err) { *error = err; return NULL; }
  gc_heap *h = calloc(1, sizeof *h);
  if (!h) { *error = "out of memory"; return NULL; }
  if (!rc_heap_init(h, o, error)) { free(h); return NULL; }
  for (int i = 0; i < RCC_NGENERATIONS; i++) {
    rcc_list_init(&h->gen[i].head);
    h->gen[i].threshold = tune.threshold[i];
  }
  rcc_list_init(&h->permanent);
  h->saveall = tune.saveall;
  return h;
}

void gc_heap_destroy(gc_heap *h) {
  free(h->garbage);
  rc_heap_destroy(h);
  free(h);
}

/* ==================================================================
 * The rest of the API
 * ================================================================== */

gc_obj *gc_alloc_finalizable(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  return rc_alloc_object(h, nptrs, nbytes, f);
}

/* An immortal object is never freed, so the collector has nothing to decide
 * about it: untracked, its references count as external, which keeps what it
 * references alive as long as it references them. */
void gc_make_immortal(gc_heap *h, gc_obj *o) {
  if (!rc_make_immortal(h, o)) return;
  if (gc_nptrs(o) && rcc_is_tracked(o)) rcc_untrack(h, o);
}

void rc_cycle_freeze(gc_heap *h) {
  if (h->collecting) return;
  for (int i = 0; i < RCC_NGENERATIONS; i++) {
    rcc_list_merge(&h->gen[i].head, &h->permanent);
    h->gen[i].count = 0;
  }
}

void rc_cycle_unfreeze(gc_heap *h) {
  if (h->collecting) return;
  rcc_list_merge(&h->permanent, &h->gen[RCC_NGENERATIONS - 1].head);
}

/* ==================================================================
 * Measurement
 * ================================================================== */

void gc_stats_read(gc_heap *h, gc_stats *out) {
  static const char *const names[RCC_NGENERATIONS][4] = {
      {"gen0_collections", "gen0_collected", "gen0_uncollectable", "gen0_count"},
      {"gen1_collections", "gen1_collected", "gen1_uncollectable", "gen1_count"},
      {"gen2_collections", "gen2_collected", "gen2_uncollectable", "gen2_count"},
  };
  gc_common_stats(&h->rc.c, out);
  out->heap_bytes = h->rc.space.heap_bytes;
  out->peak_heap_bytes = h->rc.space.peak_heap_bytes;
  for (int i = 0; i < RCC_NGENERATIONS; i++) {
    gc_stats_add_extra(out, names[i][0], h->gen[i].collections);
    gc_stats_add_extra(out, names[i][1], h->gen[i].collected);
    gc_stats_add_extra(out, names[i][2], h->gen[i].uncollectable);
    gc_stats_add_extra(out, names[i][3], h->gen[i].count);
  }
  gc_stats_add_extra(out, "objects_scanned", h->objects_scanned);
  gc_stats_add_extra(out, "tracked_objects", h->tracked);
  gc_stats_add_extra(out, "saved_garbage", h->ngarbage);
}

/* The heap verifier's question (gc_embed.h): o sits right after its headers (the
 * tracking links for containers, the count, the shape) at the start of a live
 * size-class cell. */
bool gc_debug_is_object(gc_heap *h, const gc_obj *o) {
  if ((uintptr_t)o & 7) return false;
  /* o's last header byte: an object with no body ends where o points */
  const char *cell = sc_live_cell_containing(&h->rc.space, (const char *)o - 1);
  if (!cell || (const char *)o < cell + sizeof(rc_header)) return false;
  return cell + rc_hook_header_bytes(gc_nptrs(o)) == (const char *)o;
}
