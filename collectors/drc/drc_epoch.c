/*
 * drc_epoch.c — the reconciliation of the zero-count table (Deutsch & Bobrow's
 * deferred counting): an epoch, step by step.
 *
 * The steps, one named function each, in the order drc_epoch runs them (and in
 * this file's order):
 *
 *   reconcile                 rounds of the following, until one runs no finalizer
 *     drc_apply_log           (coalescing only, drc_coalesce.c) the logged stores
 *                             counted
 *     mark_roots              DRC_ROOTED on every root referent
 *     retire_previous_roots   (first round) the last epoch's root referents that no
 *                             root holds now: cycle candidates (rule 3)
 *     scan_zct                each entry: count > 0, dropped (perhaps a candidate,
 *                             rule 2); count 0 and rooted, kept; count 0, unrooted
 *                             and a finalizer due, kept and queued for finalization;
 *                             otherwise dead
 *     release                 the dead, freed through a work list: each child's
 *                             count drops; at zero it dies in the same cascade
 *                             unless rooted (ZCT) or due a finalizer (ZCT + queue);
 *                             above zero it is a candidate (rule 1)
 *     unmark_roots
 *     compact_buffer          (huge buffers only) dead candidates the cascade could
 *                             not remove, once they are half the buffer
 *     drc_run_finalizers      the queue's finalizers; the next round frees what
 *                             they did not resurrect
 *   drc_collect_cycles        (backup epochs, drc_cycles.c) the cycle backup; when
 *                             it runs finalizers instead, back to reconcile
 *   remember_roots            this epoch's root referents, for the next epoch's
 *                             retire_previous_roots
 *
 * (Rules 1-3 are drc_impl.h's: when an object becomes a cycle candidate.)
 *
 * Every count-0 object is in the ZCT between epochs (the invariant the whole
 * scheme rests on): newborns enter it at birth, decrements to zero enter it, and
 * an epoch keeps in it whatever it does not free.
 */
#include <stdlib.h>
#include <string.h>

#include "collectors/drc/drc_internal.h"

/* ==================================================================
 * Vectors and the candidate buffer
 * ================================================================== */

/* Out of line: growth is rare, and an allocation failure here is the heap's. */
void drc_vec_grow(gc_heap *h, drc_vec *v) {
  size_t cap = v->cap ? v->cap * 2 : 1024;
  gc_obj **items = realloc(v->items, cap * sizeof *items);
  if (!items) gc_common_oom(&h->c, cap * sizeof *items);
  v->items = items;
  v->cap = cap;
}

/* Frees the DRC_DEAD entries of the buffer and closes the gaps; the entries that
 * move are told their new index. */
void drc_compact_buffer(gc_heap *h) {
  drc_vec *b = &h->buffer;
  size_t kept = 0;
  for (size_t i = 0; i < b->n; i++) {
    gc_obj *o = b->items[i];
    if (drc_dead(o)) {
      drc_free_cell(h, o);
    } else {
      if (kept != i) drc_set_index(drc_header_of(o), kept);
      b->items[kept++] = o;
    }
  }
  b->n = kept;
  h->buffer_dead = 0;
}

/* A candidate released by a cascade leaves the buffer: the last entry takes its
 * place (and is told so), and its cell goes back at once, while it is still in
 * cache.  Past the indexed part of a huge buffer it cannot be found cheaply:
 * its cell waits, DRC_DEAD, for compact_buffer or the next backup run. */
static void buffer_remove_dead(gc_heap *h, gc_obj *o) {
  drc_header *hd = drc_header_of(o);
  uint32_t i = drc_index(hd);
  if (i == DRC_NO_INDEX) {
    drc_set_color(o, DRC_DEAD);
    h->buffer_dead++;
    return;
  }
  drc_vec *b = &h->buffer;
  GC_ASSERT(i < b->n && b->items[i] == o);
  gc_obj *last = b->items[--b->n];
  if (last != o) {
    b->items[i] = last;
    drc_set_index(drc_header_of(last), i);
  }
  drc_free_cell(h, o);
}

/* ==================================================================
 * A round of reconciliation, step by step
 * ================================================================== */

/* Deutsch & Bobrow's root scan: which objects the roots hold, for this round.
 * Root slots are read only inside epochs, never when they are stored. */
static void mark_roots(gc_heap *h) {
  gc_roots *r = &h->c.roots;
  for (uint32_t i = 0; i < r->top; i++)
    if (r->slots[i]) drc_header_of(r->slots[i])->bits |= DRC_ROOTED;
}

/* Why: a root reference that goes away is a decrement the counts never see.  An
 * object the previous epoch found in a root slot, with a count (so something in
 * the heap refers to it, perhaps its own cycle) and fields, that no slot holds
 * now, may just have lost its last external reference: a candidate, as if the
 * root had been counted from one epoch to the next (MMTk decrements the previous
 * collection's root referents).  Nothing is freed between epochs, so every entry
 * is still a live object. */
static void retire_previous_roots(gc_heap *h) {
  for (size_t i = 0; i < h->prev_roots.n; i++) {
    gc_obj *o = h->prev_roots.items[i];
    drc_header *hd = drc_header_of(o);
    if (!(hd->bits & DRC_ROOTED) && hd->count > 0) drc_candidate(h, o);
  }
  h->prev_roots.n = 0;
}

/* A count-0 object no root holds is dead, unless its finalizer has yet to run:
 * then it stays in the ZCT and is queued; the round after its finalizer frees it
 * if the finalizer did not store it anywhere. */
static void condemn(gc_heap *h, gc_obj *o) {
  if (drc_finalizer_pending(o)) {
    drc_zct_enter(h, o);
    drc_vec_push(h, &h->finalize, o);
  } else {
    drc_vec_push(h, &h->work, o);
  }
}

/* Rule 2 of drc_impl.h for a newborn that leaves the ZCT with a count: whether
 * it refers to a newborn allocated no earlier than itself (itself included).
 * Allocation order is ZCT order, and the ZCT is scanned in that order, so such a
 * child has not been scanned yet and still carries DRC_YOUNG and its position.
 * A position that is not known (past the indexed part of a huge table, or
 * replaced by a buffer index) counts as "no earlier". */
static bool young_may_close_cycle(const gc_obj *o) {
  uint32_t pos = drc_index(drc_header_of(o));
  gc_obj **f = gc_fields(o);
  for (uint32_t i = 0, n = gc_nptrs(o); i < n; i++) {
    if (!f[i]) continue;
    const drc_header *ch = drc_header_of(f[i]);
    if (!(ch->bits & DRC_YOUNG)) continue;
    uint32_t child = ch->bits & DRC_BUFFERED ? DRC_NO_INDEX : drc_index(ch);
    if (child >= pos) return true;
  }
  return false;
}

/* An entry whose count rose since it was entered leaves the table because
 * something in the heap stored it: it may now sit on a cycle that only the
 * backup can find (rule 2 of drc_impl.h). */
static void leave_zct(gc_heap *h, gc_obj *o) {
  drc_header *hd = drc_header_of(o);
  if (hd->bits & DRC_BUFFERED || !hd->shape.nptrs) return;
  if (!(hd->bits & DRC_YOUNG) || young_may_close_cycle(o)) drc_candidate(h, o);
}

/* Why swap the table out first: each entry is looked at exactly once, and what
 * the round keeps (or a cascade adds) goes to a fresh table that the next epoch
 * reconciles.  Each entry stops being young once looked at: the newborns of
 * the next epoch are the next table's. */
static void scan_zct(gc_heap *h) {
  drc_vec *old = &h->old_zct;
  drc_vec t = *old;
  *old = h->zct;
  h->zct = t;
  h->zct.n = 0;
  if (old->n > h->zct_peak) h->zct_peak = old->n;
  h->zct_entries_scanned += old->n;
  for (size_t i = 0; i < old->n; i++) {
    gc_obj *o = old->items[i];
    drc_header *hd = drc_header_of(o);
    if (hd->count > 0) leave_zct(h, o);
    hd->bits &= ~(DRC_IN_ZCT | DRC_YOUNG);
    if (hd->count != 0) continue;
    if (hd->bits & DRC_ROOTED) drc_zct_enter(h, o);
    else condemn(h, o);
  }
  old->n = 0;
}

/* The cascade: an explicit work list, never the C stack (a million-long list is
 * freed here in one go).  A dead object's children lose one count each; a child
 * that reaches zero is dead too unless a root holds it (then it waits in the ZCT);
 * one that keeps a count is a cycle candidate (Bacon & Rajan's Release).  A dead
 * candidate leaves the buffer too.  Returns the objects released. */
static size_t release(gc_heap *h) {
  size_t freed = 0;
  drc_vec *work = &h->work;
  while (work->n) {
    gc_obj *o = work->items[--work->n];
    gc_obj **f = gc_fields(o);
    for (uint32_t i = 0, n = gc_nptrs(o); i < n; i++) {
      gc_obj *c = f[i];
      if (!c) continue;
      drc_header *ch = drc_header_of(c);
      if (ch->count < 0) continue;
      h->c.rc_decs++;
      if (--ch->count == 0) {
        GC_ASSERT(!(ch->bits & DRC_IN_ZCT));
        if (ch->bits & DRC_ROOTED) drc_zct_enter(h, c);
        else condemn(h, c);
      } else {
        drc_candidate(h, c);
      }
    }
    freed++;
    if (drc_header_of(o)->bits & DRC_BUFFERED) buffer_remove_dead(h, o);
    else drc_free_cell(h, o);
  }
  h->epoch_freed += freed;
  return freed;
}

/* The end of the round's root scan: DRC_ROOTED means something only inside one. */
static void unmark_roots(gc_heap *h) {
  gc_roots *r = &h->c.roots;
  for (uint32_t i = 0; i < r->top; i++)
    if (r->slots[i]) drc_header_of(r->slots[i])->bits &= ~DRC_ROOTED;
}

/* Dead candidates without an index (buffer_remove_dead) wait as DRC_DEAD cells
 * until they are half the buffer: one pass then removes them all, O(1) each. */
static void compact_buffer(gc_heap *h) {
  if (!h->buffer_dead || h->buffer_dead * 2 < h->buffer.n) return;
  drc_compact_buffer(h);
}

/* Why the slot copy: a finalizer may overwrite a root slot (gc.h lets it), which
 * like any root store is not counted; the referent it replaced may have lost its
 * last external reference and must become a candidate, or a cycle it heads would
 * never be looked at again.  Finalizers cannot free anything (frees happen only in
 * epochs, and an epoch does not start inside one), so every object in the copy
 * is live when compared. */
void drc_run_finalizers(gc_heap *h) {
  gc_roots *r = &h->c.roots;
  uint32_t top = r->top;
  if (top > h->slot_copy_cap) {
    gc_obj **copy = realloc(h->slot_copy, top * sizeof *copy);
    if (!copy) gc_common_oom(&h->c, top * sizeof *copy);
    h->slot_copy = copy;
    h->slot_copy_cap = top;
  }
  if (top) memcpy(h->slot_copy, r->slots, top * sizeof *r->slots);
  for (size_t i = 0; i < h->finalize.n; i++) gc_run_finalizer(h, &h->c, h->finalize.items[i]);
  h->finalize.n = 0;
  for (uint32_t i = 0; i < top && i < r->top; i++) {
    gc_obj *old = h->slot_copy[i];
    if (old && old != r->slots[i] && drc_header_of(old)->count > 0) drc_candidate(h, old);
  }
}

/* Rounds of reconciliation until one runs no finalizer.  Each round that does
 * runs at least one finalizer that will never run again, so the rounds end; a
 * chain of finalizable objects takes one round per link, finalized parent first,
 * as under rc. */
static size_t reconcile(gc_heap *h) {
  size_t freed = 0;
  bool first = true;
  for (;;) {
    if (h->coalesce) drc_apply_log(h);
    mark_roots(h);
    if (first) retire_previous_roots(h);
    first = false;
    scan_zct(h);
    freed += release(h);
    unmark_roots(h);
    compact_buffer(h);
    if (!h->finalize.n) return freed;
    h->finalizer_rounds++;
    drc_run_finalizers(h);
  }
}

/* ==================================================================
 * The epoch
 * ================================================================== */

/* The root referents retire_previous_roots will look at next epoch: those that
 * could be on a cycle (fields, a count).  DRC_ROOTED keeps an object held by
 * several slots from being listed twice. */
static void remember_roots(gc_heap *h) {
  gc_roots *r = &h->c.roots;
  drc_vec *p = &h->prev_roots;
  p->n = 0;
  for (uint32_t i = 0; i < r->top; i++) {
    gc_obj *o = r->slots[i];
    if (!o) continue;
    drc_header *hd = drc_header_of(o);
    if (hd->count > 0 && hd->shape.nptrs && !(hd->bits & DRC_ROOTED)) {
      hd->bits |= DRC_ROOTED;
      drc_vec_push(h, p, o);
    }
  }
  for (size_t i = 0; i < p->n; i++) drc_header_of(p->items[i])->bits &= ~DRC_ROOTED;
}

/* One epoch, one pause: kind "epoch", or "cycle" when it includes a backup run
 * (the backup is part of the epoch's pause, not a pause of its own).  A backup
 * that ran finalizers leaves garbage it did not free; reconciling again first
 * settles whatever the finalizers stored, then the backup looks again. */
size_t drc_epoch(gc_heap *h, bool backup) {
  int pause = gc_pause_begin(&h->c.pauses, backup ? "cycle" : "epoch");
  h->in_epoch = true;
  h->epochs++;
  h->c.collections++;
  if (h->buffer.n - h->buffer_dead > h->candidates_peak) h->candidates_peak = h->buffer.n - h->buffer_dead;
  size_t freed = reconcile(h);
  if (backup) {
    while (!drc_collect_cycles(h, &freed)) freed += reconcile(h);
    h->live_after_backup = h->c.allocs - h->c.frees; /* backup_due's baselines */
    h->heap_after_backup = h->space.heap_bytes;
  }
  remember_roots(h);
  h->since_epoch = 0;
  h->zct_trigger = h->c.zeal ? 0 : h->zct.n + h->zct_limit;
  h->in_epoch = false;
  gc_pause_end(&h->c.pauses, pause);
  return freed;
}

/* Whether this epoch should run the backup: zeal always; otherwise only with
 * automatic collection enabled (the epoch itself is counting, which gc_enable
 * does not turn off) and something buffered, when
 *   - enough live candidates are buffered: `candidates`, and also a fraction of
 *     the objects the last run left live.  A run may walk all of them (a
 *     candidate at the head of a long list reaches the whole list), so without
 *     the fraction a growing structure would cost time quadratic in its size:
 *     CPython's rule for its oldest generation (issue #4074), for the same reason;
 *   - or the heap has grown by `heap_growth` of what the last run left (and by at
 *     least the epoch budget): a few candidates can head a lot of cyclic garbage,
 *     and memory is the other thing the backup is for;
 *   - or the heap is near its limit (dead candidates' cells count as something
 *     to look at: the run frees them).
 * Under a fixed heap the last two, the growth heuristics, do not apply: the heap
 * is used until the allocator refuses, and drc_alloc_slow runs the backup then. */
static bool backup_due(const gc_heap *h) {
  if (h->c.zeal) return true;
  if (!h->c.enabled || !h->buffer.n) return false;
  size_t live_candidates = h->buffer.n - h->buffer_dead;
  if (h->candidates_limit && live_candidates >= h->candidates_limit &&
      (double)live_candidates >= h->candidates_fraction * (double)h->live_after_backup)
    return true;
  if (h->c.heap_policy == GC_HEAP_FIXED) return false; /* full: drc_alloc_slow runs it (drc.c) */
  double heap = (double)h->space.heap_bytes, base = (double)h->heap_after_backup;
  if (h->heap_growth > 0 && live_candidates && heap - base >= h->heap_growth * base &&
      heap - base >= (double)h->budget)
    return true;
  return h->c.heap_limit && heap >= h->near_limit * (double)h->c.heap_limit;
}

void drc_epoch_on_alloc(gc_heap *h) {
  if (h->in_epoch) return; /* a finalizer allocating: not allowed, and not an epoch */
  drc_epoch(h, backup_due(h));
}

/* Over the heap limit: an epoch with a backup frees every unreachable object
 * whose finalizer has run (drc_cycles.c); retry once, then give up.  This runs
 * even with automatic collection disabled: it is the heap limit's (gc.h rule 4). */
void *drc_alloc_slow(gc_heap *h, size_t bytes) {
  if (!h->in_epoch) {
    drc_epoch(h, true);
    void *cell = sc_alloc(&h->space, bytes);
    if (cell) return cell;
  }
  gc_common_oom(&h->c, bytes);
}
