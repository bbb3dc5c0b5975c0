/*
 * minheap.h — the minimum heap of a (collector, workload) pair: the smallest heap
 * limit at which it completes, found by bisection.  OOM or timeout at a limit means
 * "too small" (running-ng's rule); a crash or failed verification means the pair is
 * broken and has no minimum heap.
 *
 * Thrashing.  Just above its minimum a collector may complete only after
 * collecting thousands of times; such a heap is no use to a comparison, and
 * waiting for it made the search the longest part of a suite.  So every probe
 * with a limit runs under a bound relative to the unlimited run:
 * max(thrash_seconds, thrash_factor x its time), never above the suite's timeout;
 * a probe that exceeds it counts as too small, with the reason "thrashing".
 */
#ifndef MINHEAP_H
#define MINHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { PROBE_FITS, PROBE_TOO_SMALL, PROBE_TIMED_OUT, PROBE_BROKEN } minheap_probe_result;

/* What one probe saw. */
typedef struct minheap_probe_out {
  uint64_t peak_bytes; /* the collector's own peak heap (read from the unlimited run) */
  double seconds;      /* the probe's wall time (the unlimited run's sets the bound) */
  char why[512];       /* PROBE_BROKEN: what happened */
} minheap_probe_out;

/* Runs the pair once with the given limit (0 = none), ending it as timed out
 * after timeout_s seconds (<= 0: the suite's own timeout only). */
typedef minheap_probe_result (*minheap_probe)(void *ctx, uint64_t limit, double timeout_s, minheap_probe_out *out);

typedef struct minheap_search {
  uint64_t granule;      /* limits are multiples of this (default 64 KiB) */
  double tolerance;      /* stop when hi - lo <= tolerance * hi (default 0.02) */
  uint64_t max_bytes;    /* give up above this */
  double thrash_seconds; /* the bound's floor (default 10 s) */
  double thrash_factor;  /* ... and its multiple of the unlimited run (default 20) */
  double timeout_s;      /* the suite's timeout: the bound never exceeds it (<= 0: none) */
} minheap_search;

typedef struct minheap_result {
  bool found;
  uint64_t bytes;  /* the smallest limit seen to complete */
  int probes;
  int thrashing;   /* probes that ran past the bound: too small by "thrashing" */
  double unlimited_seconds, bound_seconds;
  char why[512];   /* when not found */
} minheap_result;

minheap_result minheap_find(const minheap_search *search, minheap_probe probe, void *ctx);
#endif
