#include "harness/driver/minheap.h"

#include <stdio.h>
#include <string.h>

static uint64_t round_up(uint64_t x, uint64_t granule) { return (x + granule - 1) / granule * granule; }

typedef struct search_state {
  minheap_search s;
  minheap_probe probe;
  void *ctx;
  minheap_result r;
} search_state;

/* One probe at a limit under the thrashing bound; a timeout is "too small". */
static minheap_probe_result probe_at(search_state *st, uint64_t limit) {
  minheap_probe_out out = {0};
  st->r.probes++;
  minheap_probe_result p = st->probe(st->ctx, limit, st->r.bound_seconds, &out);
  if (p == PROBE_TIMED_OUT) {
    st->r.thrashing++;
    return PROBE_TOO_SMALL;
  }
  if (p == PROBE_BROKEN) snprintf(st->r.why, sizeof st->r.why, "%s", out.why);
  return p;
}

/* The unlimited run: the pair's own peak heap (the first guess) and its time
 * (the thrashing bound).  False when it did not complete. */
static bool unlimited_run(search_state *st, uint64_t *peak) {
  minheap_probe_out out = {0};
  st->r.probes++;
  minheap_probe_result p = st->probe(st->ctx, 0, st->s.timeout_s, &out);
  if (p != PROBE_FITS) {
    snprintf(st->r.why, sizeof st->r.why, "%s", out.why[0] ? out.why : "did not complete without a limit");
    return false;
  }
  *peak = out.peak_bytes;
  st->r.unlimited_seconds = out.seconds;
  double bound = st->s.thrash_factor * out.seconds;
  if (bound < st->s.thrash_seconds) bound = st->s.thrash_seconds;
  if (st->s.timeout_s > 0 && bound > st->s.timeout_s) bound = st->s.timeout_s;
  st->r.bound_seconds = bound;
  return true;
}

/* Brackets the minimum starting at the peak: lo too small (0: none seen), hi
 * fits.  From a peak that fits, halve down until a limit is too small; from one
 * that does not (a moving collector's copy reserve), double up until one fits. */
static bool bracket(search_state *st, uint64_t peak, uint64_t *lo, uint64_t *hi) {
  uint64_t g = st->s.granule, x = round_up(peak > g ? peak : g, g);
  minheap_probe_result p = probe_at(st, x);
  if (p == PROBE_BROKEN) return false;
  if (p == PROBE_FITS) {
    *hi = x;
    for (;;) {
      uint64_t down = round_up(*hi / 2, g);
      if (down >= *hi || *hi <= g) { *lo = 0; return true; }
      p = probe_at(st, down);
      if (p == PROBE_BROKEN) return false;
      if (p == PROBE_TOO_SMALL) { *lo = down; return true; }
      *hi = down;
    }
  }
  *lo = x;
  for (uint64_t up = x * 2;; up *= 2) {
    if (up > st->s.max_bytes) {
      snprintf(st->r.why, sizeof st->r.why, "does not complete within %llu bytes", (unsigned long long)st->s.max_bytes);
      return false;
    }
    p = probe_at(st, up);
    if (p == PROBE_BROKEN) return false;
    if (p == PROBE_FITS) { *hi = up; return true; }
    *lo = up;
  }
}

/* 1. Run without a limit: its peak heap is the first guess, its time the bound.
 * 2. Bracket the minimum from the peak (bracket above).
 * 3. Bisect between lo (too small) and hi (completes) until the gap is within
 *    the tolerance. */
minheap_result minheap_find(const minheap_search *search, minheap_probe probe, void *ctx) {
  search_state st = {.s = *search, .probe = probe, .ctx = ctx};
  if (!st.s.granule) st.s.granule = 64 * 1024;
  if (!(st.s.tolerance > 0)) st.s.tolerance = 0.02;
  if (!st.s.max_bytes) st.s.max_bytes = (uint64_t)64 << 30;
  if (!(st.s.thrash_seconds > 0)) st.s.thrash_seconds = 10;
  if (!(st.s.thrash_factor > 0)) st.s.thrash_factor = 20;
  uint64_t peak = 0, lo = 0, hi = 0;
  if (!unlimited_run(&st, &peak) || !bracket(&st, peak, &lo, &hi)) return st.r;
  while (hi - lo > st.s.granule && (double)(hi - lo) > st.s.tolerance * (double)hi) {
    uint64_t mid = round_up(lo + (hi - lo) / 2, st.s.granule);
    if (mid >= hi) break;
    minheap_probe_result p = probe_at(&st, mid);
    if (p == PROBE_BROKEN) return st.r;
    if (p == PROBE_FITS) hi = mid;
    else lo = mid;
  }
  st.r.found = true;
  st.r.bytes = hi;
  st.r.why[0] = '\0';
  return st.r;
}
