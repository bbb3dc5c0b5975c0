/*
 * drc_coalesce.c — Levanoni & Petrank's update coalescing (tuning coalesce=1).
 *
 * Between two epochs only an object's state at the first and at the last moment
 * matters to the counts: a field that held A at the last epoch and holds D now
 * owes A one decrement and D one increment, whatever B and C it held in between.
 * So gc_set counts nothing; the first store into an object in an epoch copies its
 * fields into the log (DRC_LOGGED), and apply_log, the first step of every
 * reconciliation round, settles the difference:
 *
 *   increment_current   every logged object's current referents (of the fields
 *                       that differ from the log), and every new object's
 *                       (DRC_NEW: allocated since the log was last applied, its
 *                       fields counted for the first time; no copy needed, its
 *                       fields were NULL)
 *   decrement_logged    every logged object's old referents, of the same fields
 *                       (zero: ZCT; non-zero: a cycle candidate, as any decrement)
 *
 * Increments first, so that an object moved from one field to another never
 * passes through zero.  Nothing is freed here: apply_log only makes the counts
 * exact, which is also what gc_refcount and gc_make_immortal need between epochs.
 * New objects are found in the ZCT, where each was entered at birth; between
 * epochs nothing leaves the ZCT, so every new object is still there.
 *
 * The log is a flat array of words: each record is the object, then its nptrs old
 * field values.  Objects in it cannot die before it is applied: frees happen only
 * in epochs, after apply_log.
 */
#include <stdlib.h>
#include <string.h>

#include "collectors/drc/drc_internal.h"

void drc_log_object(gc_heap *h, gc_obj *o) {
  uint32_t n = gc_nptrs(o);
  if (h->log_n + 1 + n > h->log_cap) {
    size_t cap = h->log_cap ? h->log_cap * 2 : 4096;
    while (cap < h->log_n + 1 + n) cap *= 2;
    gc_obj **log = realloc(h->log, cap * sizeof *log);
    if (!log) gc_common_oom(&h->c, cap * sizeof *log);
    h->log = log;
    h->log_cap = cap;
  }
  h->log[h->log_n] = o;
  memcpy(h->log + h->log_n + 1, gc_fields(o), n * sizeof *h->log);
  h->log_n += 1 + n;
  drc_header_of(o)->bits |= DRC_LOGGED;
  h->logged_objects++;
}

/* A logged object's fields that changed since it was logged: the current value
 * gains a count, the logged one loses it.  A field written back to its old value
 * (or never written: the object is logged whole) costs nothing. */
static void increment_changed(gc_heap *h, gc_obj *o, gc_obj *const *old) {
  gc_obj **f = gc_fields(o);
  for (uint32_t i = 0, n = gc_nptrs(o); i < n; i++)
    if (f[i] != old[i]) drc_inc(h, f[i]);
}

static void decrement_changed(gc_heap *h, gc_obj *o, gc_obj *const *old) {
  gc_obj **f = gc_fields(o);
  for (uint32_t i = 0, n = gc_nptrs(o); i < n; i++)
    if (f[i] != old[i]) drc_dec(h, old[i]);
}

static void increment_current(gc_heap *h) {
  for (size_t k = 0; k < h->log_n; k += 1 + gc_nptrs(h->log[k])) increment_changed(h, h->log[k], h->log + k + 1);
  for (size_t i = 0; i < h->zct.n; i++) {
    gc_obj *o = h->zct.items[i];
    drc_header *hd = drc_header_of(o);
    if (hd->bits & DRC_NEW) {
      hd->bits &= ~DRC_NEW;
      gc_obj **f = gc_fields(o);
      for (uint32_t j = 0, n = gc_nptrs(o); j < n; j++) drc_inc(h, f[j]);
    }
  }
}

/* Runs after increment_current with no mutator code between: the fields are the
 * ones it compared. */
static void decrement_logged(gc_heap *h) {
  for (size_t k = 0; k < h->log_n;) {
    gc_obj *o = h->log[k];
    drc_header_of(o)->bits &= ~DRC_LOGGED;
    decrement_changed(h, o, h->log + k + 1);
    k += 1 + gc_nptrs(o);
  }
  h->log_n = 0;
}

void drc_apply_log(gc_heap *h) {
  increment_current(h);
  decrement_logged(h);
}
