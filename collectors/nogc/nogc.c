/*
 * nogc.c — no collection: the heap is one reserved range, filled once.
 *
 * Heap policy.  Fixed or growable, there is nothing to size and nothing to
 * collect: the limit is the length of the range, and past it the run is out of
 * memory.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "collectors/api/gc.h"
#include "collectors/common/gc_tuning.h"

static const gc_collector_info nogc_info = {
    .name = "nogc",
    .description = "bump allocation that never reclaims: the zero-GC-cost bound",
    .caps = 0,
};

const gc_collector_info *gc_collector(void) { return &nogc_info; }

/* Why reserve up front: the bump test is then a single compare against `limit`,
 * and the limit of the API is exactly the reserved length. */
gc_heap *gc_heap_create(const gc_options *o, const char **error) {
  const char *err = gc_tuning_parse(o->tuning, NULL, 0);
  if (err) { *error = err; return NULL; }
  gc_heap *h = calloc(1, sizeof *h);
  if (!h) { *error = "out of memory"; return NULL; }
  gc_common_init(&h->c, o);
  h->reserve_bytes = o->heap_limit ? o->heap_limit : (size_t)64 << 30;
  h->base = mmap(NULL, h->reserve_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  /* with no limit, a smaller range will do where address space is scarce (valgrind
   * gives its client less than 64 GiB) */
  while (h->base == MAP_FAILED && !o->heap_limit && h->reserve_bytes > ((size_t)1 << 30)) {
    h->reserve_bytes /= 2;
    h->base = mmap(NULL, h->reserve_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  }
  if (h->base == MAP_FAILED) {
    *error = "cannot reserve address space for the heap (heap limit too large?)";
    gc_common_destroy(&h->c);
    free(h);
    return NULL;
  }
  h->bump = h->base;
  h->limit = h->base + h->reserve_bytes;
  return h;
}

void gc_heap_destroy(gc_heap *h) {
  munmap(h->base, h->reserve_bytes);
  gc_common_destroy(&h->c);
  free(h);
}

void *nogc_alloc_slow(gc_heap *h, size_t bytes) { gc_common_oom(&h->c, bytes); }

gc_obj *gc_alloc_finalizable(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  return nogc_alloc_object(h, nptrs, nbytes, f);
}

size_t gc_collect(gc_heap *h) {
  h->c.collections++;
  return 0;
}

long gc_refcount(gc_heap *h, gc_obj *o) { (void)h; (void)o; return -1; }

void gc_make_immortal(gc_heap *h, gc_obj *o) { gc_common_make_immortal(&h->c, o); }

void gc_stats_read(gc_heap *h, gc_stats *out) {
  gc_common_stats(&h->c, out);
  out->heap_bytes = out->peak_heap_bytes = (uint64_t)(h->bump - h->base);
}


/* The heap verifier's question (gc_embed.h): inside the bump range and aligned.
 * Object starts are not recorded, so an interior pointer passes. */
bool gc_debug_is_object(gc_heap *h, const gc_obj *o) {
  const char *p = (const char *)o;
  return ((uintptr_t)p & 7) == 0 && p >= h->base + sizeof(gc_shape) && p <= h->bump;
}
