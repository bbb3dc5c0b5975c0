#include "harness/driver/minheap.h"

#include <stdio.h>

static uint64_t round_up(uint64_t x, uint64_t granule) { return (x + granule - 1) / granule * granule; }

/* 1. Run without a limit: the collector's own peak heap is the first guess (a
 *    pair that fails here has no minimum heap).
 * 2. Double the guess until it fits: that is `hi`, a limit known to complete.
 * 3. Bisect between `lo` (known or assumed too small) and `hi`, keeping hi a limit
 *    that completed, until the gap is within the tolerance. */
minheap_result minheap_find(const minheap_search *search, minheap_probe probe, void *ctx) {
  minheap_search s = *search;
  if (!s.granule) s.granule = 64 * 1024;
  if (!(s.tolerance > 0)) s.tolerance = 0.02;
  if (!s.max_bytes) s.max_bytes = (uint64_t)64 << 30;
  minheap_result r = {0};
  uint64_t peak = 0;
  r.probes++;
  if (probe(ctx, 0, &peak, r.why, sizeof r.why) != PROBE_FITS) return r;

  uint64_t hi = round_up(peak > s.granule ? peak : s.granule, s.granule), lo = 0;
  for (;;) {
    if (hi > s.max_bytes) {
      snprintf(r.why, sizeof r.why, "does not complete within %llu bytes", (unsigned long long)s.max_bytes);
      return r;
    }
    uint64_t ignored;
    r.probes++;
    minheap_probe_result p = probe(ctx, hi, &ignored, r.why, sizeof r.why);
    if (p == PROBE_BROKEN) return r;
    if (p == PROBE_FITS) break;
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > s.granule && (double)(hi - lo) > s.tolerance * (double)hi) {
    uint64_t mid = round_up(lo + (hi - lo) / 2, s.granule);
    if (mid >= hi) break;
    uint64_t ignored;
    r.probes++;
    minheap_probe_result p = probe(ctx, mid, &ignored, r.why, sizeof r.why);
    if (p == PROBE_BROKEN) return r;
    if (p == PROBE_FITS) hi = mid;
    else lo = mid;
  }
  r.found = true;
  r.bytes = hi;
  r.why[0] = '\0';
  return r;
}
