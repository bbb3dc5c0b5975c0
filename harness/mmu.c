#include "harness/mmu.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* ==================================================================
 * The clipped log
 * ================================================================== */

bool mmu_log_init(mmu_log *m, const gc_pause *pauses, size_t n, uint64_t t0, uint64_t t1) {
  m->t0 = t0;
  m->t1 = t1 > t0 ? t1 : t0;
  m->n = 0;
  m->start = malloc((n ? n : 1) * sizeof *m->start);
  m->end = malloc((n ? n : 1) * sizeof *m->end);
  m->prefix = malloc((n + 1) * sizeof *m->prefix);
  if (!m->start || !m->end || !m->prefix) { mmu_log_free(m); return false; }
  m->prefix[0] = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t s = pauses[i].start_ns < m->t0 ? m->t0 : pauses[i].start_ns;
    uint64_t e = pauses[i].end_ns > m->t1 ? m->t1 : pauses[i].end_ns;
    if (e <= s) continue; /* outside the span, or empty */
    m->start[m->n] = s;
    m->end[m->n] = e;
    m->prefix[m->n + 1] = m->prefix[m->n] + (e - s);
    m->n++;
  }
  return true;
}

void mmu_log_free(mmu_log *m) {
  free(m->start);
  free(m->end);
  free(m->prefix);
  m->start = m->end = m->prefix = NULL;
  m->n = 0;
}

/* ==================================================================
 * One window length
 * ================================================================== */

/* Why only these window starts: the pause time inside [a, a + w] is piecewise
 * linear in a, and it can only stop rising where a enters a pause (a = start) or
 * the window's end leaves one (a = end - w); its maximum, the MMU's minimum, is at
 * one of those or at an end of the span.  Both candidate sequences are sorted, so
 * one merged sweep with two monotone cursors visits them all in O(n). */
double mmu_at(const mmu_log *m, uint64_t w) {
  uint64_t span = m->t1 - m->t0;
  if (w == 0 || w > span) return -1;
  uint64_t last = m->t1 - w; /* the latest window start */
  size_t i = 0, j = 0;       /* next candidates: start[i], end[j] - w */
  size_t lo = 0, hi = 0;     /* pauses [lo, hi) meet the current window */
  uint64_t worst = 0;
  bool first = true;
  for (;;) {
    uint64_t a;
    if (first) { a = m->t0; first = false; }
    else {
      uint64_t ci = i < m->n ? m->start[i] : UINT64_MAX;
      uint64_t cj = j < m->n ? (m->end[j] >= m->t0 + w ? m->end[j] - w : m->t0) : UINT64_MAX;
      if (ci == UINT64_MAX && cj == UINT64_MAX) a = last;
      else if (ci <= cj) { a = ci; i++; }
      else { a = cj; j++; }
      if (a > last) a = last;
    }
    uint64_t b = a + w;
    while (lo < m->n && m->end[lo] <= a) lo++;
    while (hi < m->n && m->start[hi] < b) hi++;
    if (lo < hi) {
      uint64_t busy = m->prefix[hi] - m->prefix[lo];
      if (m->start[lo] < a) busy -= a - m->start[lo];
      if (m->end[hi - 1] > b) busy -= m->end[hi - 1] - b;
      if (busy > worst) worst = busy;
    }
    if (a == last) break;
  }
  return (double)(w - worst) / (double)w;
}

/* ==================================================================
 * The curve
 * ================================================================== */

size_t mmu_curve(const mmu_log *m, mmu_point *out, size_t max) {
  uint64_t span = m->t1 - m->t0;
  size_t n = 0;
  for (int k = 0; n < max; k++) {
    /* 10^(3 + k/10) ns: exact powers of ten every tenth point */
    uint64_t w = (uint64_t)llround(pow(10.0, 3.0 + k / 10.0));
    if (w >= span) break;
    out[n++] = (mmu_point){w, mmu_at(m, w)};
  }
  if (span > 0 && n < max) out[n++] = (mmu_point){span, mmu_at(m, span)};
  return n;
}

bool mmu_write_csv(const char *path, const mmu_point *points, size_t n) {
  FILE *f = fopen(path, "w");
  if (!f) return false;
  fprintf(f, "window_ns,mmu\n");
  for (size_t i = 0; i < n; i++) fprintf(f, "%llu,%.6f\n", (unsigned long long)points[i].window_ns, points[i].mmu);
  return fclose(f) == 0;
}
