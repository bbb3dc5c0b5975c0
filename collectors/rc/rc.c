/*
 * rc.c — pure reference counting: the rest of the API.  The release loop and
 * gc_refcount are rc_counting.h's out-of-line half, compiled here.
 *
 * Heap policy.  A fixed heap (GC_HEAP_FIXED) and a growable one behave alike:
 * counting frees each object when its count reaches zero, whatever the heap's
 * size, and there is no collection to schedule, so there is nothing to size or to
 * delay until the heap is full.  The limit is the most the size-class allocator
 * may hold; past it the run is out of memory.
 */
#include <stdlib.h>

#define RC_COUNTING_IMPLEMENTATION
#include "collectors/api/gc.h"
#include "collectors/common/gc_tuning.h"

static const gc_collector_info rc_info = {
    .name = "rc",
    .description = "pure reference counting: frees at count zero, never reclaims cycles",
    .caps = GC_CAP_COUNTS_REFS | GC_CAP_COUNTS_ROOTS | GC_CAP_PROMPT_FINALIZATION | GC_CAP_RECLAIMS |
            GC_CAP_IMMORTAL_SATURATES,
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
  if (!rc_heap_init(h, o, error)) { free(h); return NULL; }
  return h;
}

void gc_heap_destroy(gc_heap *h) {
  rc_heap_destroy(h);
  free(h);
}

/* ==================================================================
 * Allocation
 * ================================================================== */

/* Nothing can be collected by pure counting: over the limit is the end. */
void *rc_alloc_slow(gc_heap *h, size_t bytes) { gc_common_oom(&h->rc.c, bytes); }

gc_obj *gc_alloc_finalizable(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  return rc_alloc_object(h, nptrs, nbytes, f);
}

/* ==================================================================
 * The gc module's knobs
 * ================================================================== */

/* Pure counting finds no unreachable objects beyond what it already freed; the
 * one thing it can settle is the newborn nobody stored. */
size_t gc_collect(gc_heap *h) {
  int pause = gc_pause_begin(&h->rc.c.pauses, "full");
  h->rc.c.collections++;
  rc_settle_newborn(h);
  gc_pause_end(&h->rc.c.pauses, pause);
  return 0;
}

void gc_make_immortal(gc_heap *h, gc_obj *o) { rc_make_immortal(h, o); }

/* ==================================================================
 * Measurement
 * ================================================================== */

void gc_stats_read(gc_heap *h, gc_stats *out) {
  gc_common_stats(&h->rc.c, out);
  out->heap_bytes = h->rc.space.heap_bytes;
  out->peak_heap_bytes = h->rc.space.peak_heap_bytes;
}

/* The heap verifier's question (gc_embed.h): o sits right after the count and
 * shape at the start of a live size-class cell. */
bool gc_debug_is_object(gc_heap *h, const gc_obj *o) {
  if ((uintptr_t)o & 7) return false;
  /* o's last header byte: an object with no body ends where o points */
  const char *cell = sc_live_cell_containing(&RC_HEAP(h)->space, (const char *)o - 1);
  if (!cell || (const char *)o < cell + sizeof(rc_header)) return false;
  return cell + rc_hook_header_bytes(gc_nptrs(o)) == (const char *)o;
}
