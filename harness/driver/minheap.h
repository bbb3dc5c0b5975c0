/*
 * minheap.h — the minimum heap of a (collector, workload) pair: the smallest heap
 * limit at which it completes, found by bisection.  OOM or timeout at a limit means
 * "too small" (running-ng's rule); a crash or failed verification means the pair is
 * broken and has no minimum heap.
 */
#ifndef MINHEAP_H
#define MINHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { PROBE_FITS, PROBE_TOO_SMALL, PROBE_BROKEN } minheap_probe_result;

/* Runs the pair once with the given limit (0 = none).  On PROBE_FITS with a limit
 * of 0, *peak_bytes is the collector's own peak heap (the search's first guess). */
typedef minheap_probe_result (*minheap_probe)(void *ctx, uint64_t limit, uint64_t *peak_bytes, char *why, size_t len);

typedef struct minheap_search {
  uint64_t granule;     /* limits are multiples of this (default 64 KiB) */
  double tolerance;     /* stop when hi - lo <= tolerance * hi (default 0.02) */
  uint64_t max_bytes;   /* give up above this */
} minheap_search;

typedef struct minheap_result {
  bool found;
  uint64_t bytes;  /* the smallest limit seen to complete */
  int probes;
  char why[512];   /* when not found */
} minheap_result;

minheap_result minheap_find(const minheap_search *search, minheap_probe probe, void *ctx);
#endif
