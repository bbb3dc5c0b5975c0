/*
 * rc.c — pure reference counting: freeing, and the rest of the API.
 */
#include <stdlib.h>
#include <string.h>

#include "collectors/api/gc.h"
#include "collectors/common/gc_clock.h"
#include "collectors/common/gc_tuning.h"

static const gc_collector_info rc_info = {
    .name = "rc",
    .description = "pure reference counting: frees at count zero, never reclaims cycles",
    .caps = GC_CAP_COUNTS_REFS | GC_CAP_COUNTS_ROOTS | GC_CAP_PROMPT_FINALIZATION | GC_CAP_RECLAIMS,
};

const gc_collector_info *gc_collector(void) { return &rc_info; }

/* ==================================================================
 * Heap lifetime
 * ================================================================== */

gc_heap *gc_heap_create(const gc_options *o, const char **error) {
  const char *err = gc_tuning_parse(o->tuning, NULL, 0);
  if (err) { *error = err; return NULL; }
  gc_heap *h = calloc(1, sizeof *h);
  if (!h) { *error = "out of memory"; return NULL; }
  gc_common_init(&h->c, o);
  if (!sc_init(&h->space, o->heap_limit, error)) { free(h); return NULL; }
  h->work_cap = 1024;
  h->work = malloc(h->work_cap * sizeof *h->work);
  if (!h->work) { *error = "out of memory"; sc_destroy(&h->space); free(h); return NULL; }
  return h;
}

void gc_heap_destroy(gc_heap *h) {
  sc_destroy(&h->space);
  gc_common_destroy(&h->c);
  free(h->work);
  free(h);
}

/* ==================================================================
 * Allocation
 * ================================================================== */

/* Nothing can be collected by pure counting: over the limit is the end. */
void *rc_alloc_slow(gc_heap *h, size_t bytes) { gc_common_oom(&h->c, bytes); }

gc_obj *gc_alloc_finalizable(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  return rc_alloc_object(h, nptrs, nbytes, f);
}

/* ==================================================================
 * Freeing: the count reached zero
 * ================================================================== */

static void work_push(gc_heap *h, gc_obj *o) {
  gc_shape *s = gc_shape_of(o);
  if (s->bytes_flags & GC_FLAG_COLLECTOR) return; /* already waiting */
  s->bytes_flags |= GC_FLAG_COLLECTOR;
  if (h->nwork == h->work_cap) {
    size_t cap = h->work_cap * 2;
    gc_obj **work = realloc(h->work, cap * sizeof *work);
    if (!work) gc_common_oom(&h->c, cap * sizeof *work);
    h->work = work;
    h->work_cap = cap;
  }
  h->work[h->nwork++] = o;
}

/* Frees one object whose count is zero: its finalizer first (which may resurrect
 * it), then its children's counts, then its cell. */
static void release_one(gc_heap *h, gc_obj *o) {
  gc_shape_of(o)->bytes_flags &= ~GC_FLAG_COLLECTOR;
  if (gc_run_finalizer(h, &h->c, o) && rc_header_of(o)->count != 0) return; /* resurrected */
  gc_obj **f = gc_fields(o);
  for (uint32_t i = 0, n = gc_nptrs(o); i < n; i++) {
    gc_obj *child = f[i];
    if (!child) continue;
    rc_header *ch = rc_header_of(child);
    if (ch->count < 0) continue;
    h->c.rc_decs++;
    if (--ch->count == 0) work_push(h, child);
  }
  if (h->newborn == o) h->newborn = NULL;
  gc_count_free(&h->c, o);
  sc_free(&h->space, rc_header_of(o));
}

/* Why a work list and not recursion: freeing the head of a million-long list must
 * not need a million C stack frames.  Why the re-entrancy flag: a finalizer may
 * store into a field and so drop another count to zero while we are here; that
 * object joins the list instead of starting a nested loop.  A cascade that frees
 * more than one object is logged as a pause (from its second object on: the clock
 * is read only when a cascade is known to be one). */
void rc_release(gc_heap *h, gc_obj *o) {
  work_push(h, o);
  if (h->releasing) return;
  h->releasing = true;
  int pause = 0;
  size_t freed = 0;
  while (h->nwork) {
    release_one(h, h->work[--h->nwork]);
    if (++freed == 1 && h->nwork) pause = gc_pause_begin(&h->c.pauses, "cascade");
  }
  gc_pause_end(&h->c.pauses, pause);
  h->releasing = false;
}

/* ==================================================================
 * The gc module's knobs
 * ================================================================== */

/* Pure counting finds no unreachable objects beyond what it already freed; the
 * one thing it can settle is the newborn nobody stored. */
size_t gc_collect(gc_heap *h) {
  int pause = gc_pause_begin(&h->c.pauses, "full");
  h->c.collections++;
  rc_settle_newborn(h);
  gc_pause_end(&h->c.pauses, pause);
  return 0;
}


long gc_refcount(gc_heap *h, gc_obj *o) {
  (void)h;
  int64_t n = rc_header_of(o)->count;
  return n < 0 ? GC_REFCOUNT_IMMORTAL : (long)n;
}

void gc_make_immortal(gc_heap *h, gc_obj *o) {
  if (!gc_common_make_immortal(&h->c, o)) return;
  rc_header_of(o)->count = -1;
  if (h->newborn == o) h->newborn = NULL;
}

/* ==================================================================
 * Measurement
 * ================================================================== */

void gc_stats_read(gc_heap *h, gc_stats *out) {
  gc_common_stats(&h->c, out);
  out->heap_bytes = h->space.heap_bytes;
  out->peak_heap_bytes = h->space.peak_heap_bytes;
}

