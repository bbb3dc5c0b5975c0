/*
 * pause_stats_test.c — pause percentiles and histogram, minimum mutator utilisation and the pause
 * hooks, on synthetic pause logs whose answers are worked out by hand below.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/common/gc_pauselog.h"
#include "harness/mmu.h"
#include "harness/record.h"

static int failures;

#define MS 1000000ull
#define BASE 5000000000ull /* pauses are on CLOCK_MONOTONIC: far from 0 */

static void check(bool ok, const char *what) {
  if (!ok) { fprintf(stderr, "FAIL: %s\n", what); failures++; }
}

static void check_near(double got, double want, const char *what) {
  if (fabs(got - want) > 1e-9) { fprintf(stderr, "FAIL: %s: got %.12f, want %.12f\n", what, got, want); failures++; }
}

static long long field(json_t *o, const char *key) { return (long long)json_integer_value(json_object_get(o, key)); }

/* ==================================================================
 * Percentiles
 * ================================================================== */

/* Durations 10, 20, 30, 40, 100 ns after one warm-up pause of 5000 ns (excluded).
 * Linear interpolation between order statistics (GSL, R's type 7):
 *   p50: rank 0.5 * 4 = 2      -> 30
 *   p90: rank 0.9 * 4 = 3.6    -> 40 + 0.6 * (100 - 40) = 76
 *   p99: rank 0.99 * 4 = 3.96  -> 40 + 0.96 * 60 = 97.6, recorded as 97 ns */
static void test_percentiles(void) {
  static const uint64_t dur[] = {5000, 30, 100, 10, 40, 20};
  gc_pause log[6];
  uint64_t t = BASE;
  for (int i = 0; i < 6; i++) { log[i] = (gc_pause){t, t + dur[i], "test"}; t += 1000000; }
  json_t *p = record_pauses(log, 1, 6);
  check(field(p, "count") == 5, "pause count");
  check(field(p, "total_ns") == 200, "pause total");
  check(field(p, "max_ns") == 100, "pause max");
  check(field(p, "p50_ns") == 30, "p50");
  check(field(p, "p90_ns") == 76, "p90");
  check(field(p, "p99_ns") == 97, "p99");
  json_decref(p);
  json_t *none = record_pauses(log, 3, 3);
  check(field(none, "count") == 0 && !json_object_get(none, "p50_ns"), "no pauses: count 0, no quantiles");
  check(json_array_size(json_object_get(none, "histogram")) == 0, "no pauses: an empty histogram");
  json_decref(none);
}

/* ==================================================================
 * Pause histogram
 * ================================================================== */

/* True when the histogram is exactly the n pairs want[][2]. */
static bool histogram_is(json_t *h, const long long want[][2], size_t n) {
  if (!json_is_array(h) || json_array_size(h) != n) return false;
  for (size_t i = 0; i < n; i++) {
    json_t *bin = json_array_get(h, i);
    if (json_array_size(bin) != 2 || json_integer_value(json_array_get(bin, 0)) != want[i][0] ||
        json_integer_value(json_array_get(bin, 1)) != want[i][1])
      return false;
  }
  return true;
}

/* Bin k holds [bound(k-1), bound(k)) with bound(k) = 100 * 10^(k/10) ns rounded:
 *   50        < 100                                           -> bin 0,  bound 100
 *   150, 150  in [bound(1) = 125.89 -> 126, bound(2) = 158.49 -> 158) -> bound 158
 *   1000      = bound(10), so the next bin: 1258.93           -> bound 1259
 *   1e6       = bound(40), so the next bin: 1258925.41        -> bound 1258925
 * Empty bins are left out.  Through record_pauses, the durations 10, 20, 30, 40,
 * 100 of test_percentiles: four below 100, and 100 itself in [100, 126). */
static void test_histogram(void) {
  static const double sorted[] = {50, 150, 150, 1000, 1e6};
  static const long long want[][2] = {{100, 1}, {158, 2}, {1259, 1}, {1258925, 1}};
  json_t *h = record_pause_histogram(sorted, 5);
  check(histogram_is(h, want, 4), "histogram of 50, 150, 150, 1000, 1e6 ns");
  json_decref(h);

  static const double edges[] = {0, 99, 125, 126};
  static const long long want_edges[][2] = {{100, 2}, {126, 1}, {158, 1}};
  h = record_pause_histogram(edges, 4);
  check(histogram_is(h, want_edges, 3), "histogram bounds are exclusive");
  json_decref(h);

  static const double huge[] = {1e18, 5e18};
  h = record_pause_histogram(huge, 2);
  static const long long want_huge[][2] = {{1000000000000000000ll, 2}};
  check(histogram_is(h, want_huge, 1), "pauses beyond the last bound go into the last bin");
  json_decref(h);

  static const uint64_t dur[] = {30, 100, 10, 40, 20};
  gc_pause log[5];
  for (int i = 0; i < 5; i++) log[i] = (gc_pause){BASE + i * MS, BASE + i * MS + dur[i], "test"};
  json_t *p = record_pauses(log, 0, 5);
  static const long long want_log[][2] = {{100, 4}, {126, 1}};
  check(histogram_is(json_object_get(p, "histogram"), want_log, 2), "record_pauses carries the histogram");
  json_decref(p);
}

/* ==================================================================
 * Minimum mutator utilisation
 * ================================================================== */

/* A 100 ms run with pauses A = [10, 12] ms, B = [13, 14] ms, C = [50, 53] ms:
 *   1 ms, 2 ms: a window inside A is all pause                    -> 0
 *   4 ms:  [10, 14] holds A + B = 3 ms; [50, 54] holds C = 3 ms   -> 1 - 3/4  = 0.25
 *   5 ms:  still 3 ms at most                                     -> 1 - 3/5  = 0.4
 *   10 ms: 3 ms                                                   -> 0.7
 *   40 ms: [13, 53] holds B + C = 4 ms; A, B and C need 43 ms     -> 1 - 4/40 = 0.9
 *   43 ms: [10, 53] holds all 6 ms                                -> 1 - 6/43
 *   100 ms (the span): 6 ms                                       -> 0.94
 *   longer than the span: no such window                          -> -1 */
static void test_mmu(void) {
  gc_pause log[] = {{BASE + 10 * MS, BASE + 12 * MS, "a"}, {BASE + 13 * MS, BASE + 14 * MS, "b"},
                    {BASE + 50 * MS, BASE + 53 * MS, "c"}};
  mmu_log m;
  check(mmu_log_init(&m, log, 3, BASE, BASE + 100 * MS), "mmu_log_init");
  check_near(mmu_at(&m, 1 * MS), 0.0, "MMU at 1 ms");
  check_near(mmu_at(&m, 2 * MS), 0.0, "MMU at 2 ms");
  check_near(mmu_at(&m, 4 * MS), 0.25, "MMU at 4 ms");
  check_near(mmu_at(&m, 5 * MS), 0.4, "MMU at 5 ms");
  check_near(mmu_at(&m, 10 * MS), 0.7, "MMU at 10 ms");
  check_near(mmu_at(&m, 40 * MS), 0.9, "MMU at 40 ms");
  check_near(mmu_at(&m, 43 * MS), 1.0 - 6.0 / 43.0, "MMU at 43 ms");
  check_near(mmu_at(&m, 100 * MS), 0.94, "MMU at the span");
  check(mmu_at(&m, 101 * MS) < 0, "MMU beyond the span is undefined");

  mmu_point curve[128];
  size_t n = mmu_curve(&m, curve, 128);
  bool has_1ms = false, has_10ms = false;
  for (size_t i = 0; i < n; i++) {
    if (curve[i].window_ns == 1 * MS) has_1ms = curve[i].mmu == 0.0;
    if (curve[i].window_ns == 10 * MS) has_10ms = fabs(curve[i].mmu - 0.7) < 1e-9;
    if (i > 0) check(curve[i].window_ns > curve[i - 1].window_ns, "curve windows increase");
  }
  check(n > 2 && curve[0].window_ns == 1000, "curve starts at 1 us");
  check(has_1ms && has_10ms, "curve passes through 1 ms and 10 ms exactly");
  check(n > 0 && curve[n - 1].window_ns == 100 * MS && fabs(curve[n - 1].mmu - 0.94) < 1e-9, "curve ends at the span");
  mmu_log_free(&m);

  /* Pauses reaching outside the span count only inside it: 1 ms of [99, 105] ms. */
  gc_pause edge[] = {{BASE - 5 * MS, BASE - 1 * MS, "before"}, {BASE + 99 * MS, BASE + 105 * MS, "late"}};
  check(mmu_log_init(&m, edge, 2, BASE, BASE + 100 * MS), "mmu_log_init (edges)");
  check_near(mmu_at(&m, 100 * MS), 0.99, "pauses clipped to the span");
  check_near(mmu_at(&m, 2 * MS), 0.5, "a window at the end of the span");
  mmu_log_free(&m);

  /* No pauses: utilisation 1 at every window. */
  check(mmu_log_init(&m, NULL, 0, BASE, BASE + 10 * MS), "mmu_log_init (empty)");
  check_near(mmu_at(&m, 1 * MS), 1.0, "no pauses");
  mmu_log_free(&m);

  /* The record's object: named windows, null beyond the span. */
  json_t *o = record_mmu(log, 0, 3, BASE, BASE + 100 * MS, NULL);
  check_near(json_real_value(json_object_get(o, "1ms")), 0.0, "record mmu 1ms");
  check_near(json_real_value(json_object_get(o, "10ms")), 0.7, "record mmu 10ms");
  check(json_is_real(json_object_get(o, "100ms")) && fabs(json_real_value(json_object_get(o, "100ms")) - 0.94) < 1e-9,
        "record mmu 100ms");
  check(json_is_null(json_object_get(o, "1s")), "record mmu 1s is null for a 100 ms run");
  json_decref(o);
}

/* ==================================================================
 * Pause hooks
 * ================================================================== */

static int begins, ends;
static void on_begin(void) { begins++; }
static void on_end(void) { ends++; }

/* Only the outermost pause calls the hooks; NULL hooks are never called. */
static void test_hooks(void) {
  gc_pauselog l;
  gc_pauselog_init(&l);
  int outer = gc_pause_begin(&l, "x");
  gc_pause_end(&l, outer);
  gc_pause_hook_begin = on_begin;
  gc_pause_hook_end = on_end;
  outer = gc_pause_begin(&l, "outer");
  int inner = gc_pause_begin(&l, "inner");
  check(begins == 1 && ends == 0, "one begin hook for nested pauses");
  gc_pause_end(&l, inner);
  check(ends == 0, "no end hook for the nested pause");
  gc_pause_end(&l, outer);
  check(begins == 1 && ends == 1 && l.count == 2, "one end hook at the outermost end");
  gc_pause_hook_begin = NULL;
  gc_pause_hook_end = NULL;
  gc_pauselog_free(&l);
}

int main(void) {
  test_percentiles();
  test_histogram();
  test_mmu();
  test_hooks();
  if (failures) { fprintf(stderr, "%d failure(s)\n", failures); return 1; }
  printf("pause statistics: all checks passed\n");
  return 0;
}
