/*
 * gen.c — the generational collector's API: heap lifetime and tuning, the slow
 * allocation path, the collection sequence, and the gc module's knobs.
 *
 * A collection runs these steps, in this order (collect()):
 *   1. open the pause ("minor"; renamed "major" if it becomes one);
 *   2. under a heap limit, check that promoting the young generation would fit
 *      (gen_policy.c); if it would not, the collection is a full one;
 *   3. the minor collection (gen_nursery.c), after which the policy says whether
 *      a major one is due;
 *   4. a full collection: the major collection (gen_old.c), which frees the dead
 *      old objects and counts the live young ones, then — their promotion
 *      checked to fit — a minor collection promoting every young survivor;
 *   5. size the eden for the heap limit; if it does not fit and step 4 did not
 *      run, run it and size again;
 *   6. close the pause; verify the heap (tuning verify=1);
 *   7. if step 4 or 5 could not fit: with finalizers queued, run them and go back
 *      to step 1 for a full collection (what they were kept for is garbage now,
 *      gc.h rule 6); with none queued, out of memory.  Otherwise run the
 *      finalizers the collection found due (gen_finalize.c).
 *
 * Heap policy.  Growable (and no limit): the eden is the tuning's nursery (8 MiB)
 * and a major collection runs when the old space passes major_growth x what the
 * last one left (at least major_min), capped near the limit (gen_policy.c).
 * Fixed (GC_HEAP_FIXED): the limit is the heap gen owns.  The eden is sized from
 * it at each major collection: at most a quarter of the heap (a nursery key caps
 * it), and with its copy reserve at most half the room the live data leaves; a
 * major collection runs when the heap is full: when the old space can no longer
 * take a full promotion of the eden (gen_policy.c).  major_growth and
 * major_min do not apply.  A bigger fixed heap therefore gives a bigger eden and
 * rarer major collections, so fewer collections of both kinds.
 *
 * Automatic collections: the eden is full; zeal mode (every allocation); a
 * pretenured allocation would pass the major threshold (growable) or the heap
 * limit.  With
 * collection disabled (gc_enable), allocation goes on in the old generation once
 * the eden is full, and only the heap limit can still force a collection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/common/gc_tuning.h"
#include "collectors/gen/gen_internal.h"

static const gc_collector_info gen_info = {
    .name = "gen",
    .description = "generational: bump-allocated copying nursery, store-buffer remembered set, mark-sweep old generation",
    .caps = GC_CAP_COLLECTS_CYCLES | GC_CAP_MOVES_OBJECTS | GC_CAP_RECLAIMS,
};

const gc_collector_info *gc_collector(void) { return &gen_info; }

/* Zeal collections are minor (they move every young object, which is what catches
 * stale pointers); every GEN_ZEAL_MAJOR_EVERY-th is a full one, so zeal also
 * exercises marking, sweeping and old finalizers without going quadratic. */
#define GEN_ZEAL_MAJOR_EVERY 64
#define GEN_SSB_ENTRIES ((size_t)32 * 1024)

/* ==================================================================
 * Object vectors (gen_internal.h)
 * ================================================================== */

void gen_vec_grow(gen_vec *v) {
  size_t cap = v->cap ? v->cap * 2 : 256;
  gc_obj **items = realloc(v->items, cap * sizeof *items);
  if (!items) {
    fprintf(stderr, "gclab gen: out of memory for collector metadata (%zu entries)\n", cap);
    abort();
  }
  v->items = items;
  v->cap = cap;
}

void gen_vec_free(gen_vec *v) {
  free(v->items);
  memset(v, 0, sizeof *v);
}

void gen_slots_grow(gen_slot_stack *s) {
  size_t cap = s->cap ? s->cap * 2 : 256;
  gc_obj ***items = realloc(s->items, cap * sizeof *items);
  if (!items) {
    fprintf(stderr, "gclab gen: out of memory for collector metadata (%zu entries)\n", cap);
    abort();
  }
  s->items = items;
  s->cap = cap;
}

void gen_slots_free(gen_slot_stack *s) {
  free(s->items);
  memset(s, 0, sizeof *s);
}

/* ==================================================================
 * Tuning
 * ================================================================== */

/* Why an 8 MiB eden: a minor collection costs what survives, not what died, and
 * the longer the eden the more objects have died by the time it fills — so it
 * should be large; its allocation streams through memory whatever its size once it
 * is past L2 (1-2 MiB per core on current x86), and the bump pointer with chunked
 * zeroing keeps that streaming cheap.  8 MiB is 4x such an L2 and a fraction of a
 * 16-32 MiB L3.  Measured (2-core EPYC, 2 MiB L2): against 4 MiB, GCBench default is
 * ~15% faster (a depth-16 tree, 5 MiB of nodes, now dies young instead of being
 * promoted half-built), binary-trees ~8%, GCOld and quads the same; max pauses
 * grow by a few ms.  The nursery key changes it.
 *
 * Under a fixed heap (gen_policy.c) the eden is a quarter of the heap instead, so
 * that a bigger heap means fewer minor collections too; the 8 MiB stays its floor
 * (the reservation; the heap may still allow less) and a nursery key its cap. */
#define GEN_NURSERY_DEFAULT ((uint64_t)8 << 20)
#define GEN_NURSERY_MIN ((uint64_t)64 << 10)
#define GEN_NURSERY_MAX ((uint64_t)1 << 30)

static const gen_tuning defaults = {
    .nursery = 0, /* by the heap policy: resolve_nursery */
    .promote_age = 1,
    .survivor = 0,
    .major_growth = 2.0,
    .major_min = (uint64_t)16 << 20,
    .verify = false,
};

static char tuning_error[256];

/* The eden a fixed heap of `o` is given when no nursery key says otherwise (a
 * quarter of it, within the key's range, never below the default); 0 if the heap
 * is not fixed. */
static uint64_t fixed_nursery(const gc_options *o) {
  if (!o->heap_limit || o->heap_policy != GC_HEAP_FIXED) return 0;
  uint64_t quarter = (uint64_t)o->heap_limit / 4;
  if (quarter < GEN_NURSERY_DEFAULT) return GEN_NURSERY_DEFAULT;
  return quarter > GEN_NURSERY_MAX ? GEN_NURSERY_MAX : quarter;
}

/* Parses o->tuning into *t and checks the ranges; NULL or a message. */
static const char *parse_tuning(const char *tuning, uint64_t fixed_quarter, gen_tuning *t) {
  *t = defaults;
  const gc_tuning_key keys[] = {
      {"nursery", GC_TUNE_BYTES, &t->nursery,
       "eden bytes, K/M/G suffix, 64K..1G (default 8M; under a fixed heap a quarter of the heap, at least 8M)"},
      {"promote_age", GC_TUNE_U64, &t->promote_age,
       "minor collections an object survives before promotion, 1..15 (default 1)"},
      {"survivor", GC_TUNE_BYTES, &t->survivor,
       "bytes of each survivor space when promote_age > 1 (default nursery/8, at least 64K)"},
      {"major_growth", GC_TUNE_DOUBLE, &t->major_growth,
       "a major collection when old bytes reach this x the old bytes live after the last one, 1.1..100 (default 2)"},
      {"major_min", GC_TUNE_BYTES, &t->major_min, "no major collection below this many old bytes (default 16M)"},
      {"verify", GC_TUNE_BOOL, &t->verify, "check the heap after every collection (default off)"},
  };
  const char *err = gc_tuning_parse(tuning, keys, sizeof keys / sizeof keys[0]);
  if (err) return err;
  const char *bad = NULL;
  if (t->nursery && (t->nursery < GEN_NURSERY_MIN || t->nursery > GEN_NURSERY_MAX)) bad = keys[0].doc;
  else if (t->promote_age < 1 || t->promote_age > GEN_AGE_MAX) bad = keys[1].doc;
  else if (t->survivor && (t->survivor < ((uint64_t)64 << 10) || t->survivor > ((uint64_t)1 << 30))) bad = keys[2].doc;
  else if (!(t->major_growth >= 1.1 && t->major_growth <= 100)) bad = keys[3].doc;
  if (bad) {
    snprintf(tuning_error, sizeof tuning_error, "tuning value out of range: %s", bad);
    return tuning_error;
  }
  if (!t->nursery) t->nursery = fixed_quarter ? fixed_quarter : GEN_NURSERY_DEFAULT;
  if (t->promote_age > 1 && !t->survivor) t->survivor = t->nursery / 8 < (64 << 10) ? (64 << 10) : t->nursery / 8;
  if (t->promote_age == 1) t->survivor = 0;
  return NULL;
}

/* ==================================================================
 * Heap lifetime
 * ================================================================== */

gc_heap *gc_heap_create(const gc_options *o, const char **error) {
  gen_tuning t;
  const char *err = parse_tuning(o->tuning, fixed_nursery(o), &t);
  if (err) { *error = err; return NULL; }
  gc_heap *h = calloc(1, sizeof *h);
  if (!h) { *error = "out of memory"; return NULL; }
  gc_common_init(&h->c, o);
  h->tune = t;
  h->survivor_max = (size_t)t.survivor;
  if (!sc_init(&h->old, o->heap_limit, error)) goto fail;
  if (!gen_young_init(h, error)) goto fail;
  if (!gen_ssb_init(&h->ssb, GEN_SSB_ENTRIES)) { *error = "out of memory"; goto fail; }
  /* A limit too small for the smallest eden is not an input error: the first
   * allocation ends the run with oom (README, "heap too small"). */
  if (!gen_fit_eden(h, 0)) {
    gen_young_resize(h, 0, 0);
    h->old.limit = 1;
  }
  gen_major_done(h);
  gen_note_peak(h);
  return h;
fail:
  gc_heap_destroy(h);
  return NULL;
}

void gc_heap_destroy(gc_heap *h) {
  sc_destroy(&h->old);
  gen_young_destroy(h);
  gen_ssb_free(&h->ssb);
  gen_vec_free(&h->gray);
  gen_slots_free(&h->pending);
  gen_vec_free(&h->young_finalizable);
  gen_vec_free(&h->old_finalizable);
  gen_vec_free(&h->to_finalize);
  gen_vec_free(&h->young_finalized);
  gen_vec_free(&h->immortals);
  gc_common_destroy(&h->c);
  free(h);
}

/* ==================================================================
 * The collection sequence
 * ================================================================== */

/* One pause per stop of the mutator: a minor collection that turns into a major
 * one is logged once, as "major". */
static void escalate_pause(gc_heap *h, int opened) {
  if (opened) h->c.pauses.open_kind = "major";
}

/* Steps 3-4 of a full collection: the major collection first (it frees the dead
 * old objects and counts the live young ones), then — if their promotion fits the
 * limit — the minor collection that promotes every young survivor.  False, with
 * nothing moved, if it does not fit. */
static bool full_collection(gc_heap *h, uint64_t *freed) {
  *freed += gen_major(h);
  if (!gen_promotion_fits(h, &h->live_young)) return false;
  *freed += gen_minor(h, true);
  gen_major_done(h);
  return true;
}

/* One attempt at a collection (steps 1-6) — full, or minor with the policy
 * deciding on a major — that sizes the eden so that `extra_old` more old bytes
 * will fit; false if not even the smallest eden fits after a full collection.
 * Adds to *found the objects it found unreachable: those it freed that no
 * collection had reported before, and those it keeps for their finalizers. */
static bool collect_once(gc_heap *h, bool full, size_t extra_old, uint64_t *found) {
  int pause = gc_pause_begin(&h->c.pauses, full ? "major" : "minor");
  h->c.collections++;
  h->reported = 0;
  uint64_t freed = 0;
  if (!full && !gen_promotion_fits(h, NULL)) full = true;
  if (!full) {
    freed += gen_minor(h, false);
    full = gen_major_due(h);
  }
  bool fits = true, did_full = full;
  if (full) {
    escalate_pause(h, pause);
    fits = full_collection(h, &freed);
  }
  if (fits && !gen_fit_eden(h, extra_old)) {
    fits = !did_full;
    if (fits) {
      escalate_pause(h, pause);
      fits = full_collection(h, &freed) && gen_fit_eden(h, extra_old);
    }
  }
  gen_note_peak(h);
  gc_pause_end(&h->c.pauses, pause);
  *found += freed - h->reported + h->to_finalize.len;
  if (fits && h->tune.verify) gen_verify(h, did_full ? "after a major collection" : "after a minor collection");
  return fits;
}

/* Runs a collection and then the finalizers it found due; returns what it found
 * unreachable (collect_once).  Step 7: a collection that cannot fit while
 * finalizers are queued is not out of memory yet (gc.h rule 6).  Everything it
 * kept for them — the finalizable garbage and all that garbage reaches — is dead
 * once they have run, unless they resurrected it; so they run, and a full
 * collection tries again.  Each retry runs finalizers that never run again, so
 * the retries end; only one that fits with none queued is out of memory. */
static uint64_t collect(gc_heap *h, bool full, size_t extra_old, size_t requested) {
  h->collecting = true;
  uint64_t found = 0;
  while (!collect_once(h, full, extra_old, &found)) {
    if (!h->to_finalize.len) {
      h->collecting = false;
      gc_common_oom(&h->c, requested ? requested : 1);
    }
    gen_young_unmark(h); /* a major whose promotion did not fit left its marks */
    gen_run_finalizers(h);
    full = true;
  }
  gen_run_finalizers(h);
  h->collecting = false;
  return found;
}

/* ==================================================================
 * Allocation: the slow paths
 * ================================================================== */

/* Whether allocation may start a collection now: not from a finalizer (they must
 * not allocate; if one does, it is not given a collection in the middle of the
 * one that called it), and not when collection is disabled. */
static bool may_collect(const gc_heap *h) { return h->c.enabled && !h->collecting; }

static void zeal_collect(gc_heap *h, size_t requested) {
  bool full = ++h->zeal_collections % GEN_ZEAL_MAJOR_EVERY == 0;
  collect(h, full, 0, requested);
}

static gc_obj *init_object(gc_heap *h, gc_obj *o, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  gc_shape_init(o, nptrs, nbytes, f);
  gc_count_alloc(&h->c, o);
  return o;
}

/* Pretenuring: large objects always, any object once the eden is full while
 * collection is disabled.  A major collection first if this allocation would pass
 * the threshold; a forced full collection if the limit refuses it. */
static gc_obj *alloc_old(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f, size_t bytes) {
  size_t room = bytes + SC_BLOCK_BYTES; /* a new block, or a large mapping's page rounding */
  if (may_collect(h) && h->old.heap_bytes + bytes > h->major_threshold) collect(h, true, room, bytes);
  gc_obj *o = gen_old_alloc(h, bytes);
  if (!o && !h->collecting) {
    collect(h, true, room, bytes);
    o = gen_old_alloc(h, bytes);
  }
  if (!o) gc_common_oom(&h->c, bytes);
  init_object(h, o, nptrs, nbytes, f);
  h->pretenured_objects++;
  h->pretenured_bytes += gc_object_bytes(o);
  gen_note_peak(h);
  return o;
}

/* A young object that did not fit the current zeroed chunk: refill, collect when
 * the eden is full, and in zeal mode collect first in any case.  After a
 * collection the eden is empty, so rewinding it is always allowed. */
static gc_obj *alloc_young(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f, size_t bytes) {
  bool zeal = h->c.zeal && may_collect(h);
  if (zeal) zeal_collect(h, bytes);
  if (!gen_eden_refill(h, bytes)) {
    if (!may_collect(h)) return alloc_old(h, nptrs, nbytes, f, bytes);
    if (!zeal) collect(h, false, 0, bytes);
    if (!gen_eden_refill(h, bytes)) {
      gen_eden_rewind(h);
      if (!gen_eden_refill(h, bytes)) gc_common_oom(&h->c, bytes);
    }
  }
  gc_obj *o = gen_obj_at(h->bump);
  h->bump += bytes;
  if (h->tracking_starts) gc_objmap_set(&h->young_starts, o);
  if (h->c.zeal || h->tracking_starts) h->limit = h->bump; /* the next allocation comes back here */
  return init_object(h, o, nptrs, nbytes, f);
}

gc_obj *gen_alloc_slow(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  size_t bytes = gen_object_size(nptrs, nbytes, f != NULL);
  if (bytes > GEN_YOUNG_OBJECT_MAX) {
    if (h->c.zeal && may_collect(h)) zeal_collect(h, bytes);
    return alloc_old(h, nptrs, nbytes, f, bytes);
  }
  return alloc_young(h, nptrs, nbytes, f, bytes);
}

gc_obj *gc_alloc_finalizable(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  if (!f) return gc_alloc(h, nptrs, nbytes);
  gc_obj *o = gen_alloc_object(h, nptrs, nbytes, f);
  gen_finalizable_add(h, o);
  return o;
}

/* ==================================================================
 * The gc module's knobs
 * ================================================================== */

/* A full collection: mark-sweep through both generations, then every young
 * survivor promoted.  It returns the objects of both generations it found
 * unreachable, each object reported once (gen_finalize.c); from inside a finalizer
 * it does nothing. */
size_t gc_collect(gc_heap *h) {
  if (h->collecting) return 0;
  return (size_t)collect(h, true, 0, 0);
}

long gc_refcount(gc_heap *h, gc_obj *o) {
  (void)h;
  (void)o;
  return -1;
}

/* Immortal objects are roots forever; a young one moves like any other, which the
 * mutator cannot tell (it reaches objects only through roots and fields). */
void gc_make_immortal(gc_heap *h, gc_obj *o) {
  if (gc_common_make_immortal(&h->c, o)) gen_vec_push(&h->immortals, o);
}

/* ==================================================================
 * Measurement
 * ================================================================== */

void gc_stats_read(gc_heap *h, gc_stats *out) {
  gc_common_stats(&h->c, out);
  out->heap_bytes = gen_heap_bytes(h);
  out->peak_heap_bytes = h->peak_heap_bytes > out->heap_bytes ? h->peak_heap_bytes : out->heap_bytes;
  gc_stats_add_extra(out, "minor_collections", h->n.minor_collections);
  gc_stats_add_extra(out, "major_collections", h->n.major_collections);
  gc_stats_add_extra(out, "objects_copied", h->n.objects_copied);
  gc_stats_add_extra(out, "bytes_copied", h->n.bytes_copied);
  gc_stats_add_extra(out, "objects_promoted", h->n.objects_promoted);
  gc_stats_add_extra(out, "objects_marked", h->n.objects_marked);
  gc_stats_add_extra(out, "objects_swept", h->n.objects_swept);
  gc_stats_add_extra(out, "remset_entries", h->n.remset_entries + (gen_ssb_len(&h->ssb) - h->ssb_counted));
  gc_stats_add_extra(out, "nursery_bytes", (uint64_t)(h->eden_end - h->eden_lo));
  gc_stats_add_extra(out, "old_bytes", h->old.heap_bytes);
  gc_stats_add_extra(out, "large_objects", h->old.large_count);
}
