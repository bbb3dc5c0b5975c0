/*
 * trace_digest.c — the heap digest shared by the trace recorder and the replay
 * (see trace_digest.h for what it hashes).
 *
 * Memory: the address map and the visit order live in malloc'd memory, kept and
 * reused from one digest to the next (a digest is O(what the roots reach)).
 */
#include "workloads/trace_digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/workload.h"

static void *xrealloc(void *p, size_t bytes) {
  void *q = realloc(p, bytes);
  if (!q) {
    fprintf(stderr, "gclab trace: out of memory for a heap digest (%zu bytes)\n", bytes);
    abort();
  }
  return q;
}

static size_t slot_of(const trace_digest *d, const gc_obj *o) {
  uint64_t x = (uint64_t)(uintptr_t)o >> 3;
  return (size_t)(x * 0x9E3779B97F4A7C15ull >> 17) & d->mask;
}

/* Empties the map, sized for at least `want` objects at half load. */
static void map_reset(trace_digest *d, size_t want) {
  size_t cap = d->mask + 1;
  if (!d->mask || cap < 2 * want) {
    for (cap = 1024; cap < 2 * want; cap *= 2) {}
    free(d->keys);
    free(d->ids);
    d->keys = xrealloc(NULL, cap * sizeof *d->keys);
    d->ids = xrealloc(NULL, cap * sizeof *d->ids);
    d->mask = cap - 1;
  }
  memset(d->keys, 0, cap * sizeof *d->keys);
}

static void map_put(trace_digest *d, gc_obj *o, size_t id) {
  size_t i = slot_of(d, o);
  while (d->keys[i]) i = (i + 1) & d->mask;
  d->keys[i] = o;
  d->ids[i] = id;
}

/* Doubles the map once it is half full: the objects so far are re-inserted. */
static void map_grow(trace_digest *d) {
  map_reset(d, d->mask + 1);
  for (size_t k = 0; k < d->n; k++) map_put(d, d->order[k], k + 1);
}

/* o's number, numbering it (and queueing it for its own fields) when first seen. */
static size_t number_of(trace_digest *d, gc_obj *o) {
  if (!o) return 0;
  for (size_t i = slot_of(d, o); d->keys[i]; i = (i + 1) & d->mask)
    if (d->keys[i] == o) return d->ids[i];
  if (d->n == d->order_cap) {
    d->order_cap = d->order_cap ? 2 * d->order_cap : 1024;
    d->order = xrealloc(d->order, d->order_cap * sizeof *d->order);
  }
  d->order[d->n++] = o;
  map_put(d, o, d->n);
  if (2 * d->n > d->mask) map_grow(d);
  return d->n;
}

uint64_t trace_bytes_hash(gc_obj *o) {
  uint32_t n = gc_nbytes(o);
  const unsigned char *b = gc_data(o);
  uint64_t h = n, any = 0;
  for (uint32_t at = 0; at < n; at += 8) {
    uint64_t w = 0;
    memcpy(&w, b + at, n - at < 8 ? n - at : 8);
    any |= w;
    h = wl_mix(h, w);
  }
  return any ? h | 1 : 0;
}

uint64_t trace_digest_roots(trace_digest *d, gc_heap *h, gc_root first, uint32_t count, trace_digest_visit visit,
                            void *arg) {
  map_reset(d, d->n);
  d->n = 0;
  d->reached_bytes = 0;
  uint64_t sum = wl_mix(0x6763747261636531ull, count);
  for (uint32_t i = 0; i < count; i++) sum = wl_mix(sum, number_of(d, gc_root_get(h, first + i)));
  for (size_t k = 0; k < d->n; k++) {
    gc_obj *o = d->order[k];
    uint32_t nptrs = gc_nptrs(o), nbytes = gc_nbytes(o);
    uint64_t bytes_hash = trace_bytes_hash(o);
    if (visit) visit(arg, o, bytes_hash);
    sum = wl_mix(sum, (uint64_t)nptrs << 32 | nbytes);
    sum = wl_mix(sum, bytes_hash);
    for (uint32_t f = 0; f < nptrs; f++) sum = wl_mix(sum, number_of(d, gc_get(o, f)));
    d->reached_bytes += (uint64_t)nptrs * 8 + ((nbytes + 7u) & ~7u);
  }
  return sum;
}

void trace_digest_free(trace_digest *d) {
  free(d->order);
  free(d->keys);
  free(d->ids);
  memset(d, 0, sizeof *d);
}
