/*
 * gen_policy.c — what is collected when, and the heap-limit accounting.
 *
 * ACCOUNTING (gc.h rule 4).  The collector holds
 *
 *     old space (size-class blocks + large mappings: sc_space.heap_bytes)
 *   + the young generation (the eden's current size + both survivor spaces)
 *
 * and that is what heap_bytes reports.  Under a limit it never exceeds it, copy
 * reserve included: a minor collection promotes into the old space while the young
 * generation is still held, so before it copies anything it checks that promoting
 * every young object it might keep fits beside them (gen_promotion_fits):
 *
 *   - first a cheap bound: 7/5 of the young bytes (a 24-byte object in a 32-byte
 *     cell in a block that loses ~1% to its header: 1.35; other sizes lose less)
 *     plus one partly filled block for each of the 32 size classes;
 *   - if that does not fit, the exact figure: the young objects counted by size
 *     class, against the free cells each class already has, in whole blocks.
 *
 * If even the exact figure does not fit, the collection becomes a full one: the
 * major collection runs first, frees dead old objects, and counts only the live
 * young ones (gen_old.c); if their promotion still does not fit, the run is out of
 * memory before anything has moved.  So promotion never fails half-way through a
 * copy, and the limit holds at every moment.
 *
 * EDEN SIZE.  The eden is the tuning's nursery unless the limit forbids: after
 * every collection it is set to the largest size (at most the nursery, at least
 * GEN_EDEN_MIN) with room to promote 7/5 of it (and of a survivor space):
 *
 *     old + eden + 2 survivor + 7/5 (eden + survivor) <= limit
 *
 * That room is kept free from pretenured (large) allocations too, through the old
 * space's own limit; it is a sizing rule, the exact check above is the guarantee.
 * If no eden of GEN_EDEN_MIN fits after a major collection, the run is out of
 * memory.
 *
 * A FIXED HEAP (gc_options.heap_policy GC_HEAP_FIXED).  The limit is the heap the
 * collector owns, and it sizes the eden from it: heap / 4, capped by the tuning's
 * nursery key when there is one (without it the reservation is a quarter of the
 * heap, at least 8 MiB: gen.c), and after each major collection at most what
 * leaves half the free heap to the old generation: the eden, its survivor
 * spaces and their promotion room take at most (heap - old) / 2.  So a bigger heap
 * gets a bigger eden and fewer minor collections, and the old space has room for
 * many minor collections' promotions before it is full.  MMTk's generational
 * plans bound their nursery the same way, as a share of the heap with a cap, and
 * collect the whole heap when the nursery would have to shrink
 * (docs/references.md, "Generational collection").  Between major collections
 * the eden keeps that size: after a minor collection a major one runs exactly
 * when the old space can no longer take a full promotion of the eden it has (old
 * + eden + survivors + 7/5 of them would pass the heap).  There is no major_growth / major_min threshold, and pretenured
 * allocations collect only when the old space refuses them.  So the heap fills
 * before the collector looks at the old generation, and a bigger heap needs fewer
 * major collections.
 *
 * MAJOR TRIGGER (growable heap, the rest of this section).  After a minor
 * collection a major one runs when
 *   - the old space exceeds major_threshold, which after each major collection is
 *     max(live x major_growth, major_min), live being the old bytes it left; or
 *   - under a limit, the eden could no longer have GEN_EDEN_MIN.
 * Under a limit the threshold is also capped where the eden would fall below half
 * its target — or, when the live data alone leaves less than that, half-way from
 * the live size to where the eden would be at its minimum — so that near the limit
 * major collections come more often rather than the eden shrinking to nothing.
 */
#include "collectors/gen/gen_internal.h"

#define GEN_EDEN_MIN ((size_t)32 * 1024)
#define GEN_FIXED_EDEN_DIVISOR 4 /* a fixed heap's eden: at most heap / 4 */
#define GEN_PAGE ((size_t)4096)

/* ==================================================================
 * Size classes, as the size-class allocator defines them
 * ================================================================== */

/* Cell bytes of each class, read back from the allocator's own granule table (it
 * is filled by sc_init) so the two can never disagree. */
static size_t class_bytes[SC_NCLASSES];

static void class_bytes_init(void) {
  if (class_bytes[0]) return;
  for (size_t g = 1; g <= SC_SMALL_MAX / SC_GRANULE; g++) class_bytes[sc_class_of_granules[g]] = g * SC_GRANULE;
}

static size_t cells_per_block(unsigned cls) {
  return (SC_BLOCK_BYTES - SC_BLOCK_HEADER_BYTES) / class_bytes[cls];
}

void gen_tally_add(gen_tally *t, size_t bytes) {
  t->cells[sc_class_of_granules[(bytes + SC_GRANULE - 1) / SC_GRANULE]]++;
}

/* ==================================================================
 * Accounting
 * ================================================================== */

size_t gen_young_capacity(const gc_heap *h) {
  return (size_t)(h->eden_end - h->eden_lo) + 2 * h->survivor_bytes;
}

size_t gen_heap_bytes(const gc_heap *h) { return h->old.heap_bytes + gen_young_capacity(h); }

void gen_note_peak(gc_heap *h) {
  size_t held = gen_heap_bytes(h);
  if (held > h->peak_heap_bytes) h->peak_heap_bytes = held;
}

/* The sizing rule's room for promoting `young` bytes (not a bound: see above). */
static size_t expected_promotion(size_t young) { return young / 5 * 7 + (young % 5) * 2; }

/* The survivor spaces that go with an eden of `eden` bytes: the tuning's ratio,
 * but never less than the survivors held now. */
static size_t survivor_for(const gc_heap *h, size_t eden) {
  if (!h->survivor_max) return 0;
  size_t s = (size_t)((uint64_t)eden * h->survivor_max / h->eden_max) & ~(GEN_PAGE - 1);
  const gen_semi *from = &h->survivor[h->from];
  size_t held = ((size_t)(from->top - from->lo) + GEN_PAGE - 1) & ~(GEN_PAGE - 1);
  return s > held ? s : held;
}

/* An eden of `eden` bytes, its survivor spaces, and the room to promote them. */
static size_t young_demand(const gc_heap *h, size_t eden) {
  size_t s = survivor_for(h, eden);
  return eden + 2 * s + expected_promotion(eden + s);
}

/* The most old bytes that leave room for an eden of `eden` bytes (0 if none). */
static size_t old_room(const gc_heap *h, size_t eden) {
  size_t limit = h->c.heap_limit, young = young_demand(h, eden);
  return limit > young ? limit - young : 0;
}

/* sc_space's limit 0 means "none", so "nothing fits" is 1 byte. */
static void set_old_limit(gc_heap *h, size_t young) {
  size_t limit = h->c.heap_limit;
  if (!limit) return;
  h->old.limit = limit > young + 1 ? limit - young : 1;
}

void gen_old_limit_for_mutator(gc_heap *h) {
  size_t eden = (size_t)(h->eden_end - h->eden_lo), s = h->survivor_bytes;
  set_old_limit(h, eden + 2 * s + expected_promotion(eden + s));
}

void gen_old_limit_for_promotion(gc_heap *h) { set_old_limit(h, gen_young_capacity(h)); }

/* ==================================================================
 * Can the young objects be promoted?
 * ================================================================== */

static void tally_region(gen_tally *t, char *lo, char *hi) {
  for (char *p = lo; p < hi;) {
    size_t size = gen_size_of(gen_obj_at(p));
    gen_tally_add(t, size);
    p += size;
  }
}

/* Bytes of new blocks the tallied cells take, once each class's free cells (in
 * its current block and its listed blocks: sc_alloc uses those first) are used. */
static size_t new_block_bytes(const gc_heap *h, const gen_tally *t) {
  size_t free_cells[SC_NCLASSES] = {0};
  for (char *p = h->old.arena; p < h->old.arena_bump; p += SC_BLOCK_BYTES) {
    const sc_block *b = (const sc_block *)(const void *)p;
    if (b->cls < SC_NCLASSES) free_cells[b->cls] += b->ncells - b->live;
  }
  size_t blocks = 0;
  for (unsigned c = 0; c < SC_NCLASSES; c++) {
    if (t->cells[c] <= free_cells[c]) continue;
    size_t per = cells_per_block(c);
    blocks += (t->cells[c] - free_cells[c] + per - 1) / per;
  }
  return blocks * SC_BLOCK_BYTES;
}

bool gen_promotion_fits(gc_heap *h, const gen_tally *live) {
  size_t limit = h->c.heap_limit;
  if (!limit) return true;
  size_t held = gen_heap_bytes(h);
  if (held >= limit) return false;
  size_t room = limit - held;
  if (!live) {
    const gen_semi *from = &h->survivor[h->from];
    size_t young = (size_t)(h->bump - h->eden_alloc_start) + (size_t)(from->top - from->lo);
    if (young == 0) return true;
    if (expected_promotion(young) + (size_t)SC_NCLASSES * SC_BLOCK_BYTES <= room) return true;
    gen_tally all = {{0}};
    tally_region(&all, h->eden_alloc_start, h->bump);
    tally_region(&all, from->lo, from->top);
    return new_block_bytes(h, &all) <= room;
  }
  return new_block_bytes(h, live) <= room;
}

/* ==================================================================
 * Eden size
 * ================================================================== */

static bool fixed_heap(const gc_heap *h) { return h->c.heap_policy == GC_HEAP_FIXED; }

/* The eden the heap is meant to have: the reserved size (the tuning's nursery);
 * under a fixed heap at most a quarter of the heap, and what the last major
 * collection chose (see the header). */
static size_t eden_target(const gc_heap *h) {
  if (!fixed_heap(h)) return h->eden_max;
  size_t quarter = (h->c.heap_limit / GEN_FIXED_EDEN_DIVISOR) & ~(GEN_PAGE - 1);
  if (quarter < GEN_EDEN_MIN) quarter = GEN_EDEN_MIN;
  if (h->fixed_eden && h->fixed_eden < quarter) quarter = h->fixed_eden;
  return quarter < h->eden_max ? quarter : h->eden_max;
}

/* The largest eden, in whole pages and at most the target, whose demand fits
 * beside `old` old bytes.  The demand grows with the eden, so a binary search
 * over pages finds it exactly. */
static size_t largest_eden(const gc_heap *h, size_t old) {
  size_t limit = h->c.heap_limit;
  if (!limit) return h->eden_max;
  size_t lo = 0, hi = eden_target(h) / GEN_PAGE; /* in pages: lo fits (or is 0), hi may not */
  if (old + young_demand(h, hi * GEN_PAGE) <= limit) return hi * GEN_PAGE;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (old + young_demand(h, mid * GEN_PAGE) <= limit) lo = mid;
    else hi = mid;
  }
  return lo * GEN_PAGE;
}

bool gen_fit_eden(gc_heap *h, size_t extra_old) {
  class_bytes_init();
  size_t eden = largest_eden(h, h->old.heap_bytes + extra_old);
  if (eden < GEN_EDEN_MIN) return false;
  gen_young_resize(h, eden, survivor_for(h, eden));
  gen_old_limit_for_mutator(h);
  return true;
}

/* ==================================================================
 * The major trigger
 * ================================================================== */

bool gen_major_due(const gc_heap *h) {
  if (fixed_heap(h)) return h->old.heap_bytes > old_room(h, (size_t)(h->eden_end - h->eden_lo));
  if (h->old.heap_bytes > h->major_threshold) return true;
  return h->c.heap_limit && h->old.heap_bytes > old_room(h, GEN_EDEN_MIN);
}

void gen_major_done(gc_heap *h) {
  size_t live = h->old.heap_bytes;
  h->live_after_major = live;
  if (fixed_heap(h)) { /* no threshold: the heap's own size decides */
    h->major_threshold = SIZE_MAX;
    size_t limit = h->c.heap_limit, half_free = limit > live ? (limit - live) / 2 : 0;
    h->fixed_eden = 0; /* the quarter alone */
    size_t eden = largest_eden(h, live + half_free);
    h->fixed_eden = eden > GEN_EDEN_MIN ? eden : GEN_EDEN_MIN;
    return;
  }
  double grown = (double)live * h->tune.major_growth;
  size_t threshold = grown > (double)(SIZE_MAX / 2) ? SIZE_MAX / 2 : (size_t)grown;
  if (threshold < h->tune.major_min) threshold = h->tune.major_min;
  if (h->c.heap_limit) {
    size_t half = old_room(h, h->eden_max / 2), least = old_room(h, GEN_EDEN_MIN);
    size_t cap = half > live ? half : live + (least > live ? (least - live) / 2 : 0);
    if (threshold > cap) threshold = cap;
  }
  h->major_threshold = threshold;
}
