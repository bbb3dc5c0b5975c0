/*
 * drc_cycles.c — the cycle backup: Bacon & Rajan's synchronous cycle collection
 * (ECOOP 2001, "Concurrent Cycle Collection in Reference Counted Systems") by
 * trial deletion over the candidate buffer, adapted to deferred counting.
 *
 * The steps, one named function each, in the order drc_collect_cycles runs them:
 *
 *   add_root_references     every root referent's count + 1, for the duration
 *   mark_candidates         MarkRoots: MarkGray from every candidate not yet gray —
 *                           each reference from a gray object to another object is
 *                           subtracted from the target's count
 *   scan_candidates         ScanRoots: a gray object whose count is still positive
 *                           is referenced from outside (the heap, or a root) — it
 *                           and all it reaches are black again (ScanBlack restores
 *                           their counts); the rest is white
 *   remove_root_references  the +1 undone; a referent left at 0 enters the ZCT
 *   collect_candidates      CollectRoots/CollectWhite: the white objects, listed
 *   free_white              the cells go back; or, if a white object's finalizer
 *                           is due, restore_white and finalize_white instead
 *
 * WHY TRIAL DELETION AND NOT A BACKUP TRACE
 *
 * A mark-sweep backup would be simpler to trust but costs the whole heap every
 * time (mark the live graph, sweep every cell), whatever produced the garbage.
 * Trial deletion costs the part of the graph reachable from the candidates, which
 * is what changed since the last run: long-lived data that nobody stores into is
 * looked at once, when it is built, and then never again.  It needs no mark bits
 * beyond the colour in the header and no sweep, and it keeps the collector a
 * counting one all the way through (the counts are the only reachability
 * information it uses).
 *
 * WHY ROOTS ARE ADDED, AND WHEN THIS MAY RUN
 *
 * Deferred counts leave out root references: an object held only by a root slot
 * has count 0 (or, on a cycle, only its internal count), and plain trial deletion
 * would call it garbage.  So the run raises every root referent's count by one
 * first and lowers it again after the scan (what MMTk's deferred RC does with its
 * root increments): a root is then an external reference like any field outside
 * the gray set, and whatever a root reaches is black.  Raw gc_obj pointers in C
 * variables are not roots, but they are dead by gc.h's rule 2 whenever this runs: only
 * inside an epoch, inside an allocation or gc_collect.  The ZCT has just been
 * reconciled, so no object with count 0 is unrooted, and every count is exact.
 *
 * WHY EVERY GARBAGE CYCLE IS FOUND
 *
 * Take a garbage strongly connected component C with an internal reference, at a
 * backup run, that no other garbage object refers to (every garbage cycle is one
 * or lies below one, and what lies below only garbage is white with it).  Some
 * member of C must be a candidate; then trial deletion from it subtracts C's
 * internal references, finds nothing outside (no heap reference, no root), and C
 * is white.  Let t be when C became unreachable and e the last epoch before t.
 *
 *   (a) Some member y of C was reachable from a root slot at the end of e, by a
 *       path root -> ... -> y.  If the slot refers into C, that member was
 *       remembered (remember_roots: it has a count and fields) and the next
 *       epoch, at or before this run, found no root holding it: a candidate by
 *       rule 3.  (A finalizer that overwrote the slot within e: the same rule, in
 *       drc_run_finalizers.)  Otherwise the path enters C by a field of some
 *       object a outside C.  That reference is gone now (a still referring to C
 *       would be garbage referring to it, or live): overwritten by gc_set (a
 *       decrement, under coalescing at the next epoch's apply_log) or released
 *       with a by a cascade.  Either decrement left the member's count positive
 *       (C's internal references): a candidate by rule 1.
 *   (b) Otherwise no member existed at the end of e (one that existed but was
 *       unreachable then would have kept C unreachable since, contradicting e <
 *       t).  So all of C was allocated after e; at the first epoch after t each
 *       member leaves the ZCT with a count, and the oldest one refers to the
 *       next member round a cycle, allocated no earlier than itself (itself, for
 *       a self-loop): a candidate by rule 2.
 *
 * A candidate stays buffered until a backup run decides it; a run since t would
 * have found C as this one does.  Acyclic garbage has count 0 and is the ZCT's.
 * So one epoch with a backup (gc_collect) leaves no garbage but what finalizers
 * keep.  (Finalizers may link garbage objects into new cycles: those objects
 * leave the ZCT after their finalization, no longer young, and rule 2 buffers
 * every such object; white objects whose finalizers run are buffered again.)
 *
 * FINALIZERS
 *
 * A white object whose finalizer is due cannot just be finalized in place: counts
 * are in their trial state, and a finalizer's stores would corrupt them.  So the
 * white set's counts are restored (its own references re-added: exactly what
 * ScanBlack would have done), the white objects become candidates again, their
 * finalizers run with exact counts, and the epoch reconciles and runs the backup
 * again: what a finalizer stored into a root or a live object is black the second
 * time, the rest is white and has no finalizer left to run.  Each repetition runs
 * at least one finalizer that never runs again, so it ends.
 *
 * The trial decrements and increments (and the root +1/-1) are counted as
 * trial_updates, not as rc_incs/rc_decs: those are the mutator's and the
 * cascade's real count changes, the quantity deferral saves.
 */
#include "collectors/drc/drc_internal.h"

/* ==================================================================
 * Roots as external references
 * ================================================================== */

/* Every root referent + 1: a root is then a reference from outside whatever
 * set trial deletion looks at, like a field of a black object. */
static void add_root_references(gc_heap *h) {
  gc_roots *r = &h->c.roots;
  for (uint32_t i = 0; i < r->top; i++) {
    gc_obj *o = r->slots[i];
    if (o && !drc_immortal(o)) {
      drc_header_of(o)->count++;
      h->trial_updates++;
    }
  }
}

/* Every root referent is black (its +1 kept it so), so its count is at least 1
 * here; at 0 afterwards it is held by roots alone and belongs in the ZCT, where
 * the next epoch keeps it for as long as a root does. */
static void remove_root_references(gc_heap *h) {
  gc_roots *r = &h->c.roots;
  for (uint32_t i = 0; i < r->top; i++) {
    gc_obj *o = r->slots[i];
    if (!o || drc_immortal(o)) continue;
    drc_header *hd = drc_header_of(o);
    GC_ASSERT(hd->count > 0 && drc_color(o) == DRC_BLACK);
    h->trial_updates++;
    if (--hd->count == 0) drc_zct_enter(h, o);
  }
}

/* ==================================================================
 * Trial deletion (Bacon & Rajan's synchronous algorithm, with explicit stacks)
 * ================================================================== */

/* The children trial deletion follows: fields that hold a counted object. */
#define FOR_EACH_COUNTED_CHILD(o, c)                                        \
  for (gc_obj **f_ = gc_fields(o), **end_ = f_ + gc_nptrs(o); f_ < end_; f_++) \
    if ((c = *f_) != NULL && !drc_immortal(c))

/* MarkGray: o and everything it reaches turn gray, and every reference between
 * them is subtracted.  Already-gray objects were reached by an earlier candidate:
 * their references are subtracted once. */
static void mark_gray(gc_heap *h, gc_obj *s) {
  drc_vec *stack = &h->work;
  drc_set_color(s, DRC_GRAY);
  drc_vec_push(h, stack, s);
  while (stack->n) {
    gc_obj *o = stack->items[--stack->n], *c;
    FOR_EACH_COUNTED_CHILD(o, c) {
      drc_header_of(c)->count--;
      h->trial_updates++;
      if (drc_color(c) != DRC_GRAY) {
        drc_set_color(c, DRC_GRAY);
        drc_vec_push(h, stack, c);
      }
    }
  }
}

/* MarkRoots: candidates that are immortal now, or already gray, leave the
 * buffer, and those released by a cascade (DRC_DEAD: Bacon & Rajan's black
 * candidates with count 0) are freed now; the others are marked gray from.
 * (With no "black on increment" rule in gc_set, every buffered object is still
 * purple here.) */
static void mark_candidates(gc_heap *h) {
  drc_vec *b = &h->buffer;
  size_t kept = 0;
  for (size_t i = 0; i < b->n; i++) {
    gc_obj *s = b->items[i];
    drc_header *hd = drc_header_of(s);
    if (drc_dead(s)) {
      drc_free_cell(h, s);
    } else if (hd->count > 0 && drc_color(s) != DRC_GRAY) {
      mark_gray(h, s);
      b->items[kept++] = s;
    } else {
      hd->bits &= ~DRC_BUFFERED;
    }
  }
  b->n = kept;
  h->buffer_dead = 0;
}

/* ScanBlack: o is externally referenced; it and what it reaches are black, and
 * the references they hold are added back.  Uses the stack above `base`: it runs
 * in the middle of scan's own walk. */
static void scan_black(gc_heap *h, gc_obj *s) {
  drc_vec *stack = &h->work;
  size_t base = stack->n;
  drc_set_color(s, DRC_BLACK);
  drc_vec_push(h, stack, s);
  while (stack->n > base) {
    gc_obj *o = stack->items[--stack->n], *c;
    FOR_EACH_COUNTED_CHILD(o, c) {
      drc_header_of(c)->count++;
      h->trial_updates++;
      if (drc_color(c) != DRC_BLACK) {
        drc_set_color(c, DRC_BLACK);
        drc_vec_push(h, stack, c);
      }
    }
  }
}

/* Scan: a gray object with a count left is referenced from outside the gray set;
 * one without is tentatively white, and its children are scanned in turn.  A
 * white object that a later ScanBlack reaches turns black again, so the order of
 * the walk does not matter. */
static void scan(gc_heap *h, gc_obj *s) {
  drc_vec *stack = &h->work;
  drc_vec_push(h, stack, s);
  while (stack->n) {
    gc_obj *o = stack->items[--stack->n], *c;
    if (drc_color(o) != DRC_GRAY) continue;
    if (drc_header_of(o)->count > 0) {
      scan_black(h, o);
      continue;
    }
    drc_set_color(o, DRC_WHITE);
    FOR_EACH_COUNTED_CHILD(o, c) drc_vec_push(h, stack, c);
  }
}

/* ScanRoots. */
static void scan_candidates(gc_heap *h) {
  for (size_t i = 0; i < h->buffer.n; i++) scan(h, h->buffer.items[i]);
}

/* CollectWhite from one candidate: the white objects it reaches through white
 * objects, each listed once (it turns black as it is listed).  Every white
 * object is reached so: Scan only ever descends through white objects. */
static void collect_white(gc_heap *h, gc_obj *s) {
  drc_vec *stack = &h->work;
  drc_vec_push(h, stack, s);
  while (stack->n) {
    gc_obj *o = stack->items[--stack->n], *c;
    if (drc_color(o) != DRC_WHITE) continue;
    drc_set_color(o, DRC_BLACK);
    drc_vec_push(h, &h->white, o);
    FOR_EACH_COUNTED_CHILD(o, c) drc_vec_push(h, stack, c);
  }
}

/* CollectRoots: the buffer empties (every candidate has been decided) and the
 * white objects are listed. */
static void collect_candidates(gc_heap *h) {
  drc_vec *b = &h->buffer;
  for (size_t i = 0; i < b->n; i++) drc_header_of(b->items[i])->bits &= ~DRC_BUFFERED;
  for (size_t i = 0; i < b->n; i++) collect_white(h, b->items[i]);
  b->n = 0;
}

/* ==================================================================
 * The white set: freed, or finalized first
 * ================================================================== */

/* The white objects' references to each other and to black objects were
 * subtracted by MarkGray and, the white set being garbage, stay subtracted: that
 * is how the black objects' counts end up right.  Nothing else refers to a white
 * object, so its cell can go at once; none is in the ZCT (every ZCT entry has
 * count 0 and is rooted, hence black) nor in the buffer (just emptied). */
static size_t free_white(gc_heap *h) {
  size_t n = h->white.n;
  for (size_t i = 0; i < n; i++) {
    gc_obj *o = h->white.items[i];
    GC_ASSERT(!(drc_header_of(o)->bits & (DRC_IN_ZCT | DRC_BUFFERED)) && !drc_dead(o));
    drc_free_cell(h, o);
  }
  h->white.n = 0;
  h->backup_freed += n;
  return n;
}

/* Adds back what MarkGray subtracted for the white objects' references, so that
 * every count is exact again before any finalizer runs. */
static void restore_white(gc_heap *h) {
  for (size_t i = 0; i < h->white.n; i++) {
    gc_obj *o = h->white.items[i], *c;
    FOR_EACH_COUNTED_CHILD(o, c) {
      drc_header_of(c)->count++;
      h->trial_updates++;
    }
  }
}

/* The white objects become candidates again, for the run after their finalizers;
 * the finalizers run (drc_run_finalizers notes the root slots they overwrite). */
static void finalize_white(gc_heap *h) {
  for (size_t i = 0; i < h->white.n; i++) {
    gc_obj *o = h->white.items[i];
    GC_ASSERT(drc_header_of(o)->count > 0);
    drc_candidate(h, o);
    if (drc_finalizer_pending(o)) drc_vec_push(h, &h->finalize, o);
  }
  h->white.n = 0;
  drc_run_finalizers(h);
}

/* Whether any white object's finalizer has yet to run (then nothing is freed). */
static bool white_finalizers_due(const gc_heap *h) {
  for (size_t i = 0; i < h->white.n; i++)
    if (drc_finalizer_pending(h->white.items[i])) return true;
  return false;
}

/* ==================================================================
 * CollectCycles
 * ================================================================== */

bool drc_collect_cycles(gc_heap *h, size_t *freed) {
  if (!h->buffer.n) return true;
  h->backup_runs++;
  if (h->buffer.n - h->buffer_dead > h->candidates_peak) h->candidates_peak = h->buffer.n - h->buffer_dead;
  add_root_references(h);
  mark_candidates(h);
  scan_candidates(h);
  remove_root_references(h);
  collect_candidates(h);
  if (white_finalizers_due(h)) {
    restore_white(h);
    finalize_white(h);
    return false;
  }
  *freed += free_white(h);
  return true;
}
