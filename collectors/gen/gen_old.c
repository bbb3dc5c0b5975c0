/*
 * gen_old.c — the major collection: a non-moving mark-sweep of the old generation
 * over the shared size-class allocator, which also traces through the young one.
 *
 * A full collection runs it before the minor collection that promotes every young
 * survivor (gen.c): dead old objects are gone by then, so the young objects only
 * they referred to die too, and the old space has room for the promotion.  The
 * marking therefore walks young objects as well (without moving them) and counts
 * the live ones by size class: that count is what the promotion will take
 * (gen_policy.c checks it before anything is copied).
 *
 *   1. mark from the roots: the shadow stack, the immortal objects, and objects
 *      already waiting for their finalizer;
 *   2. the transitive closure, with an explicit mark stack (gray) and marking on
 *      push, so that the stack never holds an object twice and a million-long
 *      list needs one entry at a time, not a million C frames;
 *   3. finalizable objects left unmarked, young or old, are taken off their lists,
 *      queued for finalization and kept alive (marked with what they reach);
 *   4. the remembered set forgets slots in old objects about to be freed;
 *   5. sweep: every live cell of the size-class allocator is visited through its
 *      live bitmap; marked cells are unmarked, unmarked ones are freed.
 *
 * The mark bit lives in the header's meta word, which sweeping visits anyway.  Young
 * objects keep theirs until the minor collection that follows, which leaves every
 * young object either copied with a fresh header or dead.
 */
#include <string.h>

#include "collectors/gen/gen_internal.h"

/* ==================================================================
 * 1. Roots
 * ================================================================== */

static inline void mark(gc_heap *h, gc_obj *o) {
  if (!o) return;
  gen_header *hd = gen_header_of(o);
  if (hd->meta & GEN_MARKED) return;
  hd->meta |= GEN_MARKED;
  h->n.objects_marked++;
  if (gen_in_young(h, o)) gen_tally_add(&h->live_young, gen_size_of(o));
  gen_vec_push(&h->gray, o);
}

static void mark_list(gc_heap *h, const gen_vec *list) {
  for (size_t i = 0; i < list->len; i++) mark(h, list->items[i]);
}

static void mark_roots(gc_heap *h) {
  gc_obj **slots = h->c.roots.slots;
  for (uint32_t i = 0, n = h->c.roots.top; i < n; i++) mark(h, slots[i]);
  mark_list(h, &h->immortals);
  mark_list(h, &h->to_finalize);
}

/* ==================================================================
 * 2. The transitive closure
 * ================================================================== */

/* Fields are pushed last first, so that field 0 is scanned next: marking then
 * visits objects in depth-first pre-order, the order promotion laid them out in
 * (gen_nursery.c), and walks memory mostly forwards.  The children's headers are
 * prefetched together before their mark bits are read, so that their cache misses
 * overlap instead of following one another. */
static void mark_closure(gc_heap *h) {
  while (h->gray.len) {
    gc_obj *o = h->gray.items[--h->gray.len];
    gc_obj **f = gc_fields(o);
    uint32_t n = gc_nptrs(o);
    for (uint32_t i = 0; i < n; i++)
      if (f[i]) __builtin_prefetch(gen_header_of(f[i]), 1);
    for (uint32_t i = n; i-- > 0;) mark(h, f[i]);
  }
}

/* ==================================================================
 * 3. Finalizable objects
 * ================================================================== */

/* Takes the unmarked objects off `list` and queues them. */
static void queue_unmarked(gc_heap *h, gen_vec *list) {
  size_t kept = 0;
  for (size_t i = 0; i < list->len; i++) {
    gc_obj *o = list->items[i];
    if (gen_marked(o)) list->items[kept++] = o;
    else gen_vec_push(&h->to_finalize, o);
  }
  list->len = kept;
}

/* Both lists are classified before any object is kept alive, so that one
 * finalizable object reachable only from another is finalized in the same
 * collection too (the policy: gen_finalize.c). */
static void keep_finalizable(gc_heap *h) {
  size_t first = h->to_finalize.len;
  queue_unmarked(h, &h->old_finalizable);
  queue_unmarked(h, &h->young_finalizable);
  for (size_t i = first; i < h->to_finalize.len; i++) mark(h, h->to_finalize.items[i]);
  mark_closure(h);
}

/* ==================================================================
 * 4. The remembered set
 * ================================================================== */

/* The live old object whose cell holds `slot`, or NULL.  Large objects are found
 * by a list walk in sc_live_cell_containing; a store buffer full of slots in one
 * large array asks for the same one again and again, hence the one-entry cache. */
static void *cell_holding(gc_heap *h, gc_obj **slot, void **cache) {
  if (!sc_is_small(&h->old, slot) && *cache && (char *)slot >= (char *)*cache &&
      (char *)slot < (char *)*cache + sc_cell_bytes(&h->old, *cache))
    return *cache;
  void *cell = sc_live_cell_containing(&h->old, slot);
  if (!sc_is_small(&h->old, slot)) *cache = cell;
  return cell;
}

static void forget_dead_slots(gc_heap *h) {
  void *cache = NULL;
  gc_obj ***keep = h->ssb.base;
  for (gc_obj ***r = h->ssb.base; r < h->ssb.top; r++) {
    gen_header *cell = cell_holding(h, *r, &cache);
    if (cell && (cell->meta & GEN_MARKED)) *keep++ = *r;
  }
  h->ssb.top = keep;
  if (h->ssb_counted > gen_ssb_len(&h->ssb)) h->ssb_counted = gen_ssb_len(&h->ssb);
}

/* ==================================================================
 * 5. Sweep
 * ================================================================== */

typedef struct sweep_state {
  gc_heap *h;
  uint64_t freed;
} sweep_state;

/* A finalized object was reported when it was found unreachable (gen_finalize.c). */
static void sweep_cell(void *cell, void *ctx) {
  sweep_state *s = ctx;
  gen_header *hd = cell;
  if (hd->meta & GEN_MARKED) {
    hd->meta &= ~GEN_MARKED;
    return;
  }
  if (hd->shape.bytes_flags & GC_FLAG_FINALIZED) s->h->reported++;
  gc_count_free(&s->h->c, gen_obj_at(cell));
  s->freed++;
  sc_free(&s->h->old, cell);
}

static uint64_t sweep(gc_heap *h) {
  sweep_state s = {.h = h, .freed = 0};
  sc_for_each_live(&h->old, sweep_cell, &s);
  h->n.objects_swept += s.freed;
  return s.freed;
}

/* ==================================================================
 * The major collection
 * ================================================================== */

uint64_t gen_major(gc_heap *h) {
  h->n.major_collections++;
  memset(&h->live_young, 0, sizeof h->live_young);
  mark_roots(h);
  mark_closure(h);
  keep_finalizable(h);
  forget_dead_slots(h);
  return sweep(h);
}
