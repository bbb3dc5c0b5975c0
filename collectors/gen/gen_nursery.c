/*
 * gen_nursery.c — the young generation: the eden, the survivor semispaces, and
 * the minor collection that empties them.
 *
 * Layout: one reservation, [eden | survivor 0 | survivor 1], so that "is it young"
 * is one range test (gen_impl.h).  The eden is handed to the allocator in zeroed
 * chunks: zeroing 32 KiB just before it is used keeps the chunk in cache for the
 * objects about to be written there, where zeroing the whole eden after each
 * collection would stream it through the cache twice.
 *
 * The minor collection (Cheney 1970, with promotion):
 *   1. evacuate the roots: the shadow stack, the immortal objects, and objects
 *      already queued for finalization;
 *   2. evacuate the remembered set: each recorded old slot still holding a young
 *      pointer is updated, and kept if it still points into the young generation;
 *   3. the transitive closure: scan the copies in the to-survivor space in address
 *      order (Cheney's scan pointer), and evacuate the slots of promoted objects
 *      from a stack, until both are exhausted;
 *   4. finalizable young objects not reached are kept alive (evacuated, their
 *      closure completed) and queued for finalization;
 *   5. count the dead (and those among them already reported: finalized young
 *      objects left behind), flip the survivor spaces, reset (and in zeal or
 *      debug builds poison) what was evacuated.
 *
 * Evacuation: an object that has survived fewer than promote_age - 1 minor
 * collections goes to the to-survivor space if it fits, anything else to the old
 * generation (promotion).  With promote_age 1 (the default) every survivor is
 * promoted and the survivor spaces have no size.
 *
 * Promotion order: a promoted object's slots go on a stack in reverse field order,
 * and the object a slot refers to is copied only when its slot is popped.  The old
 * generation therefore receives each structure in depth-first pre-order (Moon's
 * approximately depth-first copying), the order a recursive walk visits it; copying
 * children as soon as their parent is copied would scatter every subtree's first
 * child away from it, and walks of long-lived trees measurably suffer (quads: 1.5x).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "collectors/gen/gen_internal.h"

#define GEN_ZERO_CHUNK ((size_t)32 * 1024)
#define GEN_POISON_BYTE 0xdb /* 0xdbdb...: a non-canonical address, it faults at once */

static size_t page_round(size_t n) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  return (n + page - 1) & ~(page - 1);
}

/* ==================================================================
 * Lifetime
 * ================================================================== */

bool gen_young_init(gc_heap *h, const char **error) {
  size_t eden = page_round(h->tune.nursery);
  size_t surv = page_round(h->survivor_max);
  size_t total = eden + 2 * surv;
  char *base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    *error = "cannot reserve address space for the nursery";
    return false;
  }
  h->young_base = base;
  h->young_reserve = total;
  h->young_lo = (uintptr_t)base;
  h->young_span = total;
  h->eden_lo = base;
  h->eden_max = eden;
  h->eden_end = base + eden;
  h->survivor_max = h->survivor_bytes = surv;
  for (int i = 0; i < 2; i++) {
    char *lo = base + eden + (size_t)i * surv;
    h->survivor[i] = (gen_semi){.lo = lo, .hi = lo + surv, .top = lo};
  }
  h->from = 0;
  h->bump = h->limit = h->eden_zeroed = h->eden_alloc_start = base;
  return true;
}

void gen_young_destroy(gc_heap *h) {
  gc_objmap_destroy(&h->young_starts);
  if (h->young_base) munmap(h->young_base, h->young_reserve);
  h->young_base = NULL;
}

static void set_starts(gc_heap *h, char *lo, char *hi) {
  for (char *p = lo; p < hi; p += gen_size_of(gen_obj_at(p))) gc_objmap_set(&h->young_starts, gen_obj_at(p));
}

/* Why the allocation limit drops to the bump pointer: every allocation then goes
 * through alloc_young (gen.c), which records the start, as zeal mode does. */
bool gen_track_starts(gc_heap *h) {
  if (h->tracking_starts) return true;
  if (!gc_objmap_init(&h->young_starts, h->young_base, h->young_reserve)) return false;
  const gen_semi *from = &h->survivor[h->from];
  set_starts(h, from->lo, from->top);
  set_starts(h, h->eden_alloc_start, h->bump);
  h->tracking_starts = true;
  h->limit = h->bump;
  return true;
}

bool gen_young_empty(const gc_heap *h) {
  const gen_semi *from = &h->survivor[h->from];
  return h->bump == h->eden_alloc_start && from->top == from->lo;
}

static void unmark_region(char *lo, char *hi) {
  for (char *p = lo; p < hi;) {
    gen_header *hd = (gen_header *)(void *)p;
    hd->meta &= ~GEN_MARKED;
    p += gen_size_of(gen_obj_at(p));
  }
}

void gen_young_unmark(gc_heap *h) {
  const gen_semi *from = &h->survivor[h->from];
  unmark_region(h->eden_alloc_start, h->bump);
  unmark_region(from->lo, from->top);
}

/* ==================================================================
 * The eden
 * ================================================================== */

bool gen_eden_refill(gc_heap *h, size_t bytes) {
  if ((size_t)(h->eden_end - h->bump) < bytes) return false;
  char *need = h->bump + bytes;
  if (need > h->eden_zeroed) {
    char *z = h->eden_zeroed + GEN_ZERO_CHUNK;
    if (z < need) z = need;
    if (z > h->eden_end) z = h->eden_end;
    memset(h->eden_zeroed, 0, (size_t)(z - h->eden_zeroed));
    h->eden_zeroed = z;
  }
  h->limit = h->eden_zeroed;
  return true;
}

void gen_eden_rewind(gc_heap *h) { h->bump = h->eden_zeroed = h->eden_alloc_start = h->limit = h->eden_lo; }

/* Why give memory back when shrinking: the heap limit counts only the parts in
 * use, and the pages beyond them should not stay resident either. */
static void shrink_region(char *lo, size_t from, size_t to) {
  if (to < from) madvise(lo + to, from - to, MADV_DONTNEED);
}

void gen_young_resize(gc_heap *h, size_t eden_bytes, size_t survivor_bytes) {
  size_t eden = page_round(eden_bytes), surv = page_round(survivor_bytes);
  if (eden > h->eden_max) eden = h->eden_max;
  if (surv > h->survivor_max) surv = h->survivor_max;
  shrink_region(h->eden_lo, (size_t)(h->eden_end - h->eden_lo), eden);
  h->eden_end = h->eden_lo + eden;
  if (h->bump > h->eden_end) h->bump = h->eden_zeroed = h->eden_alloc_start = h->eden_lo;
  if (h->eden_zeroed > h->eden_end) h->eden_zeroed = h->eden_end;
  h->limit = h->bump;
  for (int i = 0; i < 2; i++) {
    gen_semi *s = &h->survivor[i];
    GC_ASSERT(s->top <= s->lo + surv);
    shrink_region(s->lo, (size_t)(s->hi - s->lo), surv);
    s->hi = s->lo + surv;
  }
  h->survivor_bytes = surv;
}

/* ==================================================================
 * Evacuation
 * ================================================================== */

typedef struct minor_state {
  gc_heap *h;
  gen_semi *to;        /* the to-survivor space */
  char *scan;          /* Cheney's scan pointer into it */
  unsigned promote_age;
  bool promote_all;
  uint64_t survivors, survivor_bytes; /* copied into the to-survivor space (object bytes) */
  uint64_t promoted, promoted_bytes;  /* copied into the old generation (object bytes) */
  uint64_t copied_bytes;              /* bytes moved, headers included */
} minor_state;

static inline bool in_semi(const gen_semi *s, const void *p) {
  return (uintptr_t)p - (uintptr_t)s->lo < (uintptr_t)(s->hi - s->lo);
}

/* Before copying anything the collection checked that every young object it might
 * promote fits (gen_promotion_fits), so this is a bug in that check, not a heap
 * too small; a half-copied heap cannot be handed to the embedder, so it ends here. */
static _Noreturn void promotion_failed(gc_heap *h, size_t size) {
  fprintf(stderr, "gclab gen: promotion of a %zu-byte object failed with old space at %zu bytes (limit %zu): "
          "the promotion check was wrong\n", size, h->old.heap_bytes, h->old.limit);
  abort();
}

/* A promoted object's slots that still refer to young objects, last field first,
 * so that field 0's referent is copied next (depth-first pre-order).  Each
 * referent's header is prefetched: the eden is larger than the cache, and a
 * sibling's slot is popped as soon as the subtree before it is done. */
static void push_young_slots(minor_state *m, gc_obj *o) {
  gc_heap *h = m->h;
  gc_obj **f = gc_fields(o);
  for (uint32_t i = gc_nptrs(o); i-- > 0;) {
    if (!gen_in_young(h, f[i])) continue;
    __builtin_prefetch(gen_header_of(f[i]), 1);
    gen_slots_push(&h->pending, &f[i]);
  }
}

/* Copies a young object that has not moved yet and leaves its forwarding address;
 * returns where it is now.  The copy's fields still point into from-space: the
 * closure scans it later. */
static gc_obj *evacuate(minor_state *m, gc_obj *o) {
  gen_header *hd = gen_header_of(o);
  uintptr_t meta = hd->meta;
  if (meta & GEN_FORWARDED) return (gc_obj *)(meta & ~GEN_FORWARDED);
  gc_heap *h = m->h;
  size_t size = gen_size_of(o);
  uintptr_t age = (meta >> GEN_AGE_SHIFT) + 1;
  gen_header *copy;
  if (!m->promote_all && age < m->promote_age && (size_t)(m->to->hi - m->to->top) >= size) {
    copy = (gen_header *)(void *)m->to->top;
    m->to->top += size;
    memcpy(copy, hd, size);
    copy->meta = age << GEN_AGE_SHIFT;
    if (h->tracking_starts) gc_objmap_set(&h->young_starts, gen_obj_at(copy));
    m->survivors++;
    m->survivor_bytes += gc_object_bytes(o);
  } else {
    copy = sc_alloc(&h->old, size);
    if (!copy) promotion_failed(h, size);
    memcpy(copy, hd, size);
    copy->meta = 0;
    push_young_slots(m, gen_obj_at(copy));
    m->promoted++;
    m->promoted_bytes += gc_object_bytes(o);
  }
  m->copied_bytes += size;
  gc_obj *to = gen_obj_at(copy);
  hd->meta = (uintptr_t)to | GEN_FORWARDED;
  return to;
}

/* A slot that may hold a from-space pointer (not a to-space one: see
 * evacuate_remembered). */
static inline void evacuate_slot(minor_state *m, gc_obj **slot) {
  gc_obj *v = *slot;
  if (gen_in_young(m->h, v)) *slot = evacuate(m, v);
}

/* ==================================================================
 * 1. Roots
 * ================================================================== */

/* Objects queued for finalization earlier in the same collection — by the major
 * collection of a full one, or by a minor collection that then turned into one —
 * are roots too: they must survive until their finalizers have run. */
static void evacuate_roots(minor_state *m) {
  gc_heap *h = m->h;
  gc_obj **slots = h->c.roots.slots;
  for (uint32_t i = 0, n = h->c.roots.top; i < n; i++) evacuate_slot(m, &slots[i]);
  for (size_t i = 0; i < h->immortals.len; i++) evacuate_slot(m, &h->immortals.items[i]);
  for (size_t i = 0; i < h->to_finalize.len; i++) evacuate_slot(m, &h->to_finalize.items[i]);
}

/* ==================================================================
 * 2. The remembered set
 * ================================================================== */

/* Compacts the buffer in place while it is read: a slot is kept only if, updated,
 * it still points into the young generation (a survivor).  A slot recorded twice
 * is seen the second time pointing into to-space or the old generation and is
 * dropped, so a to-space object is never evacuated again. */
static void evacuate_remembered(minor_state *m) {
  gc_heap *h = m->h;
  gc_obj ***keep = h->ssb.base;
  h->n.remset_entries += gen_ssb_len(&h->ssb) - h->ssb_counted;
  for (gc_obj ***r = h->ssb.base; r < h->ssb.top; r++) {
    gc_obj **slot = *r;
    gc_obj *v = *slot;
    if (!gen_in_young(h, v) || in_semi(m->to, v)) continue;
    v = evacuate(m, v);
    *slot = v;
    if (gen_in_young(h, v)) *keep++ = slot;
  }
  h->ssb.top = keep;
}

/* ==================================================================
 * 3. The transitive closure
 * ================================================================== */

/* Cheney's scan of one copy in the to-survivor space. */
static void scan_survivor(minor_state *m, gc_obj *o) {
  gc_obj **f = gc_fields(o);
  for (uint32_t i = 0, n = gc_nptrs(o); i < n; i++)
    if (gen_in_young(m->h, f[i])) f[i] = evacuate(m, f[i]);
}

/* A slot of a promoted object: its referent is evacuated now.  If that left it in
 * the young generation (a survivor), the slot joins the remembered set: its
 * holder is old now. */
static void evacuate_pending(minor_state *m, gc_obj **slot) {
  gc_obj *v = evacuate(m, *slot);
  *slot = v;
  if (gen_in_young(m->h, v)) gen_ssb_push(m->h, &m->h->ssb, slot);
}

static void closure(minor_state *m) {
  gc_heap *h = m->h;
  for (;;) {
    while (m->scan < m->to->top) {
      gc_obj *o = gen_obj_at(m->scan);
      m->scan += gen_size_of(o);
      scan_survivor(m, o);
    }
    if (h->pending.len == 0) break;
    while (h->pending.len) evacuate_pending(m, h->pending.items[--h->pending.len]);
  }
}

/* ==================================================================
 * 4. Finalizable young objects
 * ================================================================== */

/* The minor collection treats every old object as live, so a young object it did
 * not reach is unreachable for certain.  Policy (gen_finalize.c): it is kept, with
 * everything it refers to, and its finalizer runs after the collection. */
static void keep_finalizable(minor_state *m) {
  gc_heap *h = m->h;
  gen_vec *young = &h->young_finalizable;
  size_t kept = 0;
  for (size_t i = 0; i < young->len; i++) {
    gc_obj *o = young->items[i];
    if (!gen_forwarded(o)) {
      gen_vec_push(&h->to_finalize, evacuate(m, o));
      continue;
    }
    gc_obj *to = gen_forwardee(o);
    if (gen_in_young(h, to)) young->items[kept++] = to;
    else gen_vec_push(&h->old_finalizable, to);
  }
  young->len = kept;
  closure(m);
}

/* ==================================================================
 * 5. Accounting and reset
 * ================================================================== */

/* Finalized young objects: the dead ones were reported when they were found, the
 * moved ones are followed (or left to the sweep's flag test once old). */
static void follow_finalized(minor_state *m) {
  gc_heap *h = m->h;
  gen_vec *list = &h->young_finalized;
  size_t kept = 0;
  for (size_t i = 0; i < list->len; i++) {
    gc_obj *o = list->items[i];
    if (!gen_forwarded(o)) h->reported++;
    else if (gen_in_young(h, gen_forwardee(o))) list->items[kept++] = gen_forwardee(o);
  }
  list->len = kept;
}

/* Objects in the young generation before this collection: the survivors of the
 * last one plus the eden's allocations since (every allocation but the pretenured
 * ones); the dead are those not copied. */
static uint64_t count_dead(minor_state *m) {
  gc_heap *h = m->h;
  uint64_t objects = h->young_objects + (h->c.allocs - h->allocs_mark - h->pretenured_objects);
  uint64_t bytes = h->young_bytes + (h->c.alloc_bytes - h->alloc_bytes_mark - h->pretenured_bytes);
  uint64_t dead = objects - m->survivors - m->promoted;
  h->c.frees += dead;
  h->c.free_bytes += bytes - m->survivor_bytes - m->promoted_bytes;
  h->young_objects = m->survivors;
  h->young_bytes = m->survivor_bytes;
  h->allocs_mark = h->c.allocs;
  h->alloc_bytes_mark = h->c.alloc_bytes;
  h->pretenured_objects = h->pretenured_bytes = 0;
  h->n.minor_collections++;
  h->n.objects_copied += m->survivors + m->promoted;
  h->n.bytes_copied += m->copied_bytes;
  h->n.objects_promoted += m->promoted;
  return dead;
}

/* Why poison: a workload that kept a raw pointer across an allocation (gc.h rule
 * 2) now reads 0xdb.. words, which fault as pointers and fail verification as
 * data, instead of reading a plausible stale copy.  Zeal mode and debug builds
 * only: it costs a pass over the evacuated bytes. */
static bool poisoning(const gc_heap *h) {
#ifndef NDEBUG
  (void)h;
  return true;
#else
  return h->c.zeal;
#endif
}

/* The evacuated spaces become free.  In zeal mode the eden is not rewound: the next
 * objects go after the evacuated ones, so a stale pointer keeps pointing at poison
 * instead of at a new object that happens to reuse its address. */
static void reset_spaces(minor_state *m) {
  gc_heap *h = m->h;
  gen_semi *from = &h->survivor[h->from];
  if (h->tracking_starts) {
    gc_objmap_clear(&h->young_starts, h->eden_alloc_start, h->bump);
    gc_objmap_clear(&h->young_starts, from->lo, from->top);
  }
  if (poisoning(h)) {
    memset(h->eden_alloc_start, GEN_POISON_BYTE, (size_t)(h->bump - h->eden_alloc_start));
    memset(from->lo, GEN_POISON_BYTE, (size_t)(from->top - from->lo));
  }
  from->top = from->lo;
  h->from = 1 - h->from;
  if (!h->c.zeal) h->bump = h->eden_zeroed = h->eden_lo;
  h->eden_alloc_start = h->bump;
  if (h->eden_zeroed < h->bump) h->eden_zeroed = h->bump;
  h->limit = h->bump; /* the next allocation refills (and zeroes) through the slow path */
}

/* ==================================================================
 * The minor collection
 * ================================================================== */

uint64_t gen_minor(gc_heap *h, bool promote_all) {
  minor_state m = {
      .h = h,
      .to = &h->survivor[1 - h->from],
      .promote_age = (unsigned)h->tune.promote_age,
      .promote_all = promote_all,
  };
  m.to->top = m.to->lo;
  m.scan = m.to->lo;
  gen_old_limit_for_promotion(h);
  evacuate_roots(&m);
  evacuate_remembered(&m);
  closure(&m);
  keep_finalizable(&m);
  follow_finalized(&m);
  uint64_t dead = count_dead(&m);
  reset_spaces(&m);
  h->ssb_counted = gen_ssb_len(&h->ssb); /* re-recorded by the collection, not the barrier */
  gen_note_peak(h);
  return dead;
}
