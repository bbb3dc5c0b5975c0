/*
 * driver_unit_test.c — the driver's parts against known answers: the suite
 * parser's errors (file, line, problem), the minimum-heap bisection on a fake
 * bench, the statistics (CIs, Mann-Whitney U, bootstrap, convergence), the
 * lower-bound overhead on synthetic records, and the other processes' CPU use.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/driver/cpu_load.h"
#include "harness/driver/lbo.h"
#include "harness/driver/minheap.h"
#include "harness/driver/stats.h"
#include "harness/driver/suite.h"

static int passed, failed;

static void check(bool ok, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (ok) {
    passed++;
  } else {
    failed++;
    printf("FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
  }
  va_end(ap);
}

/* ==================================================================
 * Suites
 * ================================================================== */

static const char *write_suite(const char *text) {
  static char path[4096];
  const char *tmp = getenv("TEST_TMPDIR");
  snprintf(path, sizeof path, "%s/suite_under_test.yaml", tmp ? tmp : "/tmp");
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
  return path;
}

/* The suite must be rejected with "PATH:LINE: ..." containing `problem`. */
static void rejects(const char *text, int line, const char *problem) {
  suite s;
  char err[1024], want[64];
  const char *path = write_suite(text);
  bool ok = suite_load(path, &s, err, sizeof err);
  snprintf(want, sizeof want, "suite_under_test.yaml:%d: ", line);
  check(!ok && strstr(err, want) && strstr(err, problem), "expected line %d '%s', got %s: %s", line, problem,
        ok ? "accepted" : "rejected", ok ? "" : err);
  suite_free(&s);
}

static void test_suite_errors(void) {
  rejects("", 1, "the suite is empty");
  rejects("collectors: [rc\n", 2, "");                       /* malformed YAML: unclosed flow sequence */
  rejects("- rc\n- nogc\n", 1, "a suite is a mapping");
  rejects("collectors: [rc]\n", 1, "names no workloads");
  rejects("workloads: [gcbench]\n", 1, "names no collectors");
  rejects("collectors: [rc]\nworkloads: [gcbench]\nspeed: 3\n", 3, "unknown key 'speed'");
  rejects("collectors: [rc, nosuch]\nworkloads: [gcbench]\n", 1, "unknown collector 'nosuch' (valid: ");
  rejects("collectors: [rc]\nworkloads:\n  - gcbench\n  - nosuch\n", 4, "unknown workload 'nosuch'");
  rejects("collectors: [rc]\nworkloads:\n  - name: gcbench\n    size: huge\n", 4, "unknown size 'huge'");
  rejects("collectors: [rc, rc]\nworkloads: [gcbench]\n", 1, "collector name 'rc' appears twice");
  rejects("workloads: [gcbench]\ncollectors:\n  - name: x\n    collector: rc\n    tunning: a=1\n", 5, "unknown key 'tunning' in a collector");
  rejects("collectors: [rc]\nworkloads: [gcbench]\ninvocations: 0\n", 3, "'invocations' needs a whole number");
  rejects("collectors: [rc]\nworkloads: [gcbench]\niterations: 2\nwarmup: 2\n", 1, "warmup (2) must be smaller");
  rejects("collectors: [rc]\nworkloads: [gcbench]\nheap: [2, 1q]\n", 3, "heap size '1q'");
  rejects("collectors: [rc]\nworkloads: [gcbench]\nheap: [0.1]\n", 3, "outside 0.5..100");
  rejects("collectors: [rc]\nworkloads: [gcbench]\nbaseline: nogc\n", 3, "baseline 'nogc' is not one of");
  rejects("collectors: [rc]\nworkloads:\n  - name: g\n    workload: gcbench\n    params: [1, 2]\n", 5, "'params' is a mapping");
  rejects("collectors: []\nworkloads: [gcbench]\n", 1, "'collectors' is all, or a non-empty list");
  rejects("collectors: [rc]\nworkloads: [gcbench]\nshuffle: maybe\n", 3, "'shuffle' needs true or false");
  rejects("collectors: [rc]\nworkloads: [gcbench]\ncensus: gen\n", 3, "census: 'gen' is not one of the suite's collectors");
  rejects("collectors: [rc]\nworkloads: [gcbench]\ncallgrind: huge\n", 3, "callgrind: unknown size 'huge'");
  rejects("collectors: [rc]\nworkloads: [gcbench]\ncallgrind: [quick]\n", 3, "'callgrind'");
  rejects("collectors: [rc]\nworkloads: [gcbench]\nconverge: 0.03\n", 3, "'converge' is a mapping");
  rejects("collectors: [rc]\nworkloads: [gcbench]\nconverge: {ci: 0.03}\n", 3, "needs both ci and max_invocations");
  rejects("collectors: [rc]\nworkloads: [gcbench]\nconverge: {ci: 2, max_invocations: 9}\n", 3, "'converge.ci' needs a number");
  rejects("collectors: [rc]\nworkloads: [gcbench]\nconverge: {ci: 0.1, max: 9}\n", 3, "unknown key 'max' in converge");
  rejects("collectors: [rc]\nworkloads: [gcbench]\ninvocations: 5\nconverge: {ci: 0.1, max_invocations: 4}\n", 4,
          "converge.max_invocations (4) is below invocations (5)");
}

static void test_suite_accepts(void) {
  suite s;
  char err[1024];
  const char *path = write_suite(
      "name: t\ncollectors:\n  - rc\n  - name: rc-big\n    collector: rc\n    tuning: ''\n"
      "workloads:\n  - name: gc-small\n    workload: gcbench\n    size: quick\n    params: {}\n  - binarytrees\n"
      "heap: [1.5, 2x, 64M, none]\ninvocations: 4\niterations: 3\nwarmup: 1\nbaseline: rc-big\n"
      "census: rc-big\ncallgrind: same\nci_warn: 0.02\nconverge: {ci: 0.03, max_invocations: 20}\n");
  bool ok = suite_load(path, &s, err, sizeof err);
  check(ok, "a good suite is rejected: %s", err);
  if (ok) {
    check(s.ncollectors == 2 && !strcmp(s.collectors[1].label, "rc-big") && !strcmp(s.collectors[1].collector, "rc"),
          "collector entries");
    check(s.nworkloads == 2 && !strcmp(s.workloads[0].workload, "gcbench") && !strcmp(s.workloads[1].size, "quick"),
          "workload entries");
    check(s.nheaps == 4 && s.heaps[0].kind == HEAP_FACTOR && s.heaps[0].factor == 1.5 && s.heaps[1].factor == 2 &&
              s.heaps[2].kind == HEAP_BYTES && s.heaps[2].bytes == 64u << 20 && s.heaps[3].kind == HEAP_NONE,
          "heap sizes");
    check(s.invocations == 4 && s.iterations == 3 && s.warmup == 1 && !strcmp(s.baseline, "rc-big"), "numbers");
    check(s.census && !strcmp(s.census, "rc-big") && s.callgrind_size && !strcmp(s.callgrind_size, "same"),
          "census and callgrind runs");
    check(s.ci_warn == 0.02 && s.converge_ci == 0.03 && s.converge_max == 20, "ci_warn and converge");
  }
  suite_free(&s);
  ok = suite_load(write_suite("collectors: all\nworkloads: all\nheap: default\n"), &s, err, sizeof err);
  check(ok && s.ncollectors >= 2 && s.nworkloads >= 5 && s.nheaps == suite_default_nfactors &&
            s.heaps[0].factor == 1.0 && s.heaps[s.nheaps - 1].factor == 6.0,
        "'all' and 'default' expand: %s", ok ? "" : err);
  suite_free(&s);
}

static bool near(double a, double b, double tol) { return fabs(a - b) <= tol * fmax(1, fabs(b)); }

/* ==================================================================
 * Bisection, on a fake bench
 * ================================================================== */

typedef struct fake_bench {
  uint64_t needs;   /* completes iff the limit is at least this */
  uint64_t peak;    /* what it reports without a limit */
  bool broken;      /* crashes whatever the limit */
  uint64_t thrashes_below; /* completes in [needs, this) only after 1000 s */
  double bound_seen;       /* the timeout the probes with a limit were given */
  int probes;
} fake_bench;

static minheap_probe_result fake_probe(void *ctx, uint64_t limit, double timeout_s, minheap_probe_out *out) {
  fake_bench *f = ctx;
  f->probes++;
  if (f->broken) { snprintf(out->why, sizeof out->why, "crash"); return PROBE_BROKEN; }
  out->seconds = 0.5;
  if (limit == 0) { out->peak_bytes = f->peak; return PROBE_FITS; }
  f->bound_seen = timeout_s;
  if (limit < f->needs) return PROBE_TOO_SMALL;
  if (limit < f->thrashes_below && 1000 > timeout_s) return PROBE_TIMED_OUT;
  return PROBE_FITS;
}

static void test_bisection(void) {
  minheap_search search = {.granule = 4096, .tolerance = 0.01};
  /* peak above the need: bisect down */
  fake_bench a = {.needs = 10 << 20, .peak = 40 << 20};
  minheap_result r = minheap_find(&search, fake_probe, &a);
  check(r.found && r.bytes >= a.needs && r.bytes <= a.needs + a.needs / 100 + 4096,
        "bisect down: found %d, %llu for a need of %llu", r.found, (unsigned long long)r.bytes, (unsigned long long)a.needs);
  check(r.probes == a.probes && r.probes < 20, "probe count %d", r.probes);
  /* peak below the need (a moving collector needs its copy reserve): double up */
  fake_bench b = {.needs = 30 << 20, .peak = 3 << 20};
  r = minheap_find(&search, fake_probe, &b);
  check(r.found && r.bytes >= b.needs && r.bytes <= b.needs + b.needs / 100 + 4096, "double up: %llu for %llu",
        (unsigned long long)r.bytes, (unsigned long long)b.needs);
  /* a broken pair has no minimum heap */
  fake_bench c = {.broken = true};
  r = minheap_find(&search, fake_probe, &c);
  check(!r.found && strstr(r.why, "crash"), "broken pair: found %d why '%s'", r.found, r.why);
  /* never fits below the cap */
  minheap_search capped = {.granule = 4096, .tolerance = 0.01, .max_bytes = 1 << 20};
  fake_bench d = {.needs = 8 << 20, .peak = 1 << 16};
  r = minheap_find(&capped, fake_probe, &d);
  check(!r.found && strstr(r.why, "does not complete within"), "cap: %s", r.why);
}

/* Probes that run past max(thrash_seconds, thrash_factor x the unlimited run)
 * are too small: the minimum lands above the thrashing band, and the bound
 * never exceeds the suite's timeout. */
static void test_thrashing_bound(void) {
  minheap_search search = {.granule = 4096, .tolerance = 0.01, .thrash_seconds = 10, .thrash_factor = 20, .timeout_s = 300};
  fake_bench t = {.needs = 10 << 20, .peak = 40 << 20, .thrashes_below = 12 << 20};
  minheap_result r = minheap_find(&search, fake_probe, &t);
  check(r.found && r.bytes >= t.thrashes_below && r.bytes <= t.thrashes_below + t.thrashes_below / 100 + 4096,
        "thrashing: %llu for a band below %llu", (unsigned long long)r.bytes, (unsigned long long)t.thrashes_below);
  check(r.thrashing > 0, "thrashing probes counted: %d", r.thrashing);
  check(near(t.bound_seen, 10, 1e-9) && near(r.bound_seconds, 10, 1e-9), "bound max(10 s, 20 x 0.5 s): %g", t.bound_seen);
  search.thrash_factor = 1000; /* 500 s, capped by the timeout */
  fake_bench u = {.needs = 10 << 20, .peak = 40 << 20};
  r = minheap_find(&search, fake_probe, &u);
  check(near(u.bound_seen, 300, 1e-9), "bound capped by the timeout: %g", u.bound_seen);
  /* a bound longer than the band's 1000 s: the band fits */
  search.timeout_s = 5000;
  search.thrash_factor = 4000; /* 2000 s */
  fake_bench v = {.needs = 10 << 20, .peak = 40 << 20, .thrashes_below = 12 << 20};
  r = minheap_find(&search, fake_probe, &v);
  check(r.found && r.bytes < v.thrashes_below && r.thrashing == 0, "no thrashing under a long bound: %llu",
        (unsigned long long)r.bytes);
}

/* ==================================================================
 * Statistics
 * ================================================================== */


static void test_statistics(void) {
  double x[] = {12, 10, 14, 11, 13};
  stats_summary s = stats_summarise(x, 5);
  /* mean 12, sample sd sqrt(2.5), t(0.975, 4) = 2.776445, ci = t * sd / sqrt(5) */
  check(s.n == 5 && near(s.mean, 12, 1e-12) && near(s.median, 12, 1e-12), "mean %g median %g", s.mean, s.median);
  check(near(s.sd, 1.5811388300841898, 1e-9), "sd %.12g", s.sd);
  check(near(s.ci95, 2.7764451051977987 * 1.5811388300841898 / sqrt(5.0), 1e-6), "ci95 %.12g", s.ci95);
  check(near(s.cv, 1.5811388300841898 / 12, 1e-9) && s.min == 10 && s.max == 14, "cv %g", s.cv);
  double y[] = {3, 1};
  s = stats_summarise(y, 2);
  /* t(0.975, 1) = 12.706204736 */
  check(near(s.median, 2, 1e-12) && near(s.ci95, 12.706204736174698 * sqrt(2.0) / sqrt(2.0), 1e-6), "n=2 ci %g", s.ci95);
  double one[] = {7};
  s = stats_summarise(one, 1);
  check(s.mean == 7 && s.sd == 0 && s.ci95 == 0 && s.cv == 0, "n=1");
  double r[] = {2, 8};
  check(near(stats_geomean(r, 2), 4, 1e-12), "geomean of 2 and 8");
  double bad[] = {2, 0};
  check(stats_geomean(bad, 2) == 0 && stats_geomean(r, 0) == 0, "geomean of non-positive or nothing");
}

/* Hand-computed: the exact null distribution of U for 3 + 3 values has counts
 * 1 1 2 3 3 3 3 2 1 1 over U = 0..9 (20 splits). */
static void test_mann_whitney(void) {
  double a[] = {1, 2, 3}, b[] = {4, 5, 6}, c[] = {1, 3, 5}, d[] = {2, 4, 6};
  double p = stats_mann_whitney_p(a, 3, b, 3);
  check(near(p, 2.0 / 20, 1e-12), "U = 0 of 3 + 3: p %.6g, want 0.1", p);
  p = stats_mann_whitney_p(c, 3, d, 3);
  check(near(p, 2 * 7.0 / 20, 1e-12), "U = 3 of 3 + 3: p %.6g, want 0.7", p);
  check(near(stats_mann_whitney_p(b, 3, a, 3), 0.1, 1e-12), "symmetric");
  /* ties: U = 1 (two half pairs), var = 9/12 (7 - 24/30) = 4.65, z = (3.5 - 0.5) / sqrt(4.65) */
  double e[] = {1, 2, 2}, f[] = {2, 3, 4};
  p = stats_mann_whitney_p(e, 3, f, 3);
  check(near(p, 0.16415972847851523, 1e-9), "ties, normal approximation: p %.12g", p);
  double g[] = {5, 5}, h[] = {5, 5, 5};
  check(stats_mann_whitney_p(g, 2, h, 3) == 1, "all equal: p 1");
  check(isnan(stats_mann_whitney_p(a, 0, b, 3)), "empty sample: NAN");
}

static void test_bootstrap(void) {
  double two[] = {2, 2, 2}, one[] = {1, 1, 1}, x[] = {1, 2, 3}, y[] = {1};
  stats_ratio r = stats_bootstrap_median_ratio(two, 3, one, 3, 7, 500);
  check(r.ratio == 2 && r.lo == 2 && r.hi == 2, "constant samples: %g [%g, %g]", r.ratio, r.lo, r.hi);
  /* a resample of {1, 2, 3} has median 1 with probability 7/27 and 3 likewise:
   * both tails hold far more than 2.5% */
  r = stats_bootstrap_median_ratio(x, 3, y, 1, 7, 2000);
  check(r.ratio == 2 && r.lo == 1 && r.hi == 3, "{1,2,3} / {1}: %g [%g, %g]", r.ratio, r.lo, r.hi);
  double u[] = {10, 12, 11, 15, 9}, v[] = {20, 21, 25, 19};
  stats_ratio a = stats_bootstrap_median_ratio(u, 5, v, 4, 42, 1000), b = stats_bootstrap_median_ratio(u, 5, v, 4, 42, 1000);
  check(a.lo == b.lo && a.hi == b.hi && near(a.ratio, 11.0 / 20.5, 1e-12) && a.lo <= a.ratio && a.ratio <= a.hi,
        "reproducible: %g [%g, %g] vs [%g, %g]", a.ratio, a.lo, a.hi, b.lo, b.hi);
  check(isnan(stats_bootstrap_median_ratio(u, 5, v, 0, 1, 10).ratio), "empty baseline: NAN");
}

static void test_ci_share(void) {
  double x[] = {12, 10, 14, 11, 13};
  stats_summary s = stats_summarise(x, 5);
  double share = 2.7764451051977987 * 1.5811388300841898 / sqrt(5.0) / 12; /* 0.1636 */
  check(near(stats_ci_share(&s), share, 1e-6), "CI share %g", stats_ci_share(&s));
  check(!stats_converged(&s, 0.16) && stats_converged(&s, 0.17), "converged at 17%%, not 16%%");
  double one[] = {7};
  s = stats_summarise(one, 1);
  check(isnan(stats_ci_share(&s)) && !stats_converged(&s, 1), "one run: no interval, not converged");
}

/* ==================================================================
 * Lower-bound overhead, on synthetic records
 * ================================================================== */

static void add_record(json_t *recs, const char *c, const char *w, const char *heap, const char *status, double wall,
                       double cpu, double gc, int inv) {
  json_t *rec = json_pack("{s:s,s:i,s:i,s:{s:s,s:s,s:s,s:i,s:i}}", "status", status, "iterations", 3, "warmup", 1,
                          "suite", "collector", c, "workload", w, "heap", heap, "heap_bytes", 1000, "invocation", inv);
  /* two timed iterations: the record's totals are twice the per-iteration costs */
  json_t *t = json_pack("{s:f,s:f}", "wall_ns", 2 * wall, "gc_ns", 2 * gc);
  if (cpu > 0) json_object_set_new(t, "cpu_ns", json_real(2 * cpu));
  json_object_set_new(rec, "timing", t);
  json_array_append_new(recs, rec);
}

static void add_callgrind(json_t *recs, const char *c, const char *w, double total, double gc) {
  json_array_append_new(recs, json_pack("{s:s,s:i,s:i,s:{s:s,s:s,s:s},s:{s:{s:{s:s,s:f,s:f}}}}", "status", "ok",
                                        "iterations", 2, "warmup", 1, "suite", "collector", c, "workload", w, "heap",
                                        "callgrind", "counters", "events", "Ir", "status", "available", "total", total,
                                        "gc", gc));
}

static const lbo_row *find_row(const lbo_table *t, const char *w, const char *heap, const char *c, lbo_metric m) {
  for (size_t i = 0; i < t->nrows; i++)
    if (!strcmp(t->rows[i].workload, w) && !strcmp(t->rows[i].heap, heap) && !strcmp(t->rows[i].collector, c) &&
        t->rows[i].metric == m)
      return &t->rows[i];
  return NULL;
}

static double lbo_of(const lbo_table *t, const char *w, const char *heap, const char *c, lbo_metric m) {
  const lbo_row *r = find_row(t, w, heap, c, m);
  return r ? r->lbo : NAN;
}

static double geo_of(const lbo_table *t, const char *heap, const char *c, lbo_metric m) {
  for (size_t i = 0; i < t->ngeo; i++)
    if (!strcmp(t->geo[i].heap, heap) && !strcmp(t->geo[i].collector, c) && t->geo[i].metric == m) return t->geo[i].lbo;
  return NAN;
}

/* Hand-computed (costs per iteration; distilled = total - gc):
 *   gcbench 2x: rc 100-40 = 60, gen 80-30 = 50, nogc oom: MDC 50; rc 1.0, gen 0.6;
 *               cpu (pauses at the run's cpu/wall rate): rc 80 - 40 * 0.8 = 48,
 *               gen 60 - 30 * 0.75 = 37.5: MDC 37.5; rc 80/37.5-1, gen 0.6
 *   gcbench 3x: rc (90+110)/2 - 40 = 60, gen 70-20 = 50, nogc 45-0: MDC 45
 *   quads 2x:   rc 200-100 = 100, gen 150-30 = 120: MDC 100; rc 1.0, gen 0.5; no cpu_ns
 *   geomean 2x wall: rc sqrt(2 * 2) - 1 = 1, gen sqrt(1.6 * 1.5) - 1
 *   callgrind:  rc 1000-400 = 600, gen 900-200 = 700: rc 1000/600-1, gen 0.5 */
static void test_lbo(void) {
  suite s;
  char err[1024];
  bool ok = suite_load(write_suite("collectors: [rc, gen, nogc]\nworkloads: [gcbench, quads]\nheap: [2, 3]\n"), &s, err, sizeof err);
  check(ok, "LBO suite: %s", err);
  if (!ok) return;
  json_t *recs = json_array();
  add_record(recs, "rc", "gcbench", "2.00x", "ok", 100, 80, 40, 1);
  add_record(recs, "gen", "gcbench", "2.00x", "ok", 80, 60, 30, 1);
  add_record(recs, "nogc", "gcbench", "2.00x", "oom", 10, 10, 0, 1);
  add_record(recs, "rc", "gcbench", "3.00x", "ok", 90, 90, 40, 1);
  add_record(recs, "rc", "gcbench", "3.00x", "ok", 110, 110, 40, 2);
  add_record(recs, "gen", "gcbench", "3.00x", "ok", 70, 70, 20, 1);
  add_record(recs, "nogc", "gcbench", "3.00x", "ok", 45, 45, 0, 1);
  add_record(recs, "rc", "quads", "2.00x", "ok", 200, 0, 100, 1);
  add_record(recs, "gen", "quads", "2.00x", "ok", 150, 0, 30, 1);
  add_callgrind(recs, "rc", "gcbench", 1000, 400);
  add_callgrind(recs, "gen", "gcbench", 900, 200);
  lbo_table t = lbo_compute(recs, &s);
  check(near(lbo_of(&t, "gcbench", "2.00x", "rc", LBO_WALL), 1.0, 1e-12), "gcbench 2x rc wall");
  check(near(lbo_of(&t, "gcbench", "2.00x", "gen", LBO_WALL), 0.6, 1e-12), "gcbench 2x gen wall");
  check(!find_row(&t, "gcbench", "2.00x", "nogc", LBO_WALL), "an oom run has no row");
  check(near(lbo_of(&t, "gcbench", "2.00x", "rc", LBO_CPU), 80 / 37.5 - 1, 1e-12), "gcbench 2x rc cpu");
  check(near(lbo_of(&t, "gcbench", "2.00x", "gen", LBO_CPU), 0.6, 1e-12), "gcbench 2x gen cpu");
  const lbo_row *r3 = find_row(&t, "gcbench", "3.00x", "rc", LBO_WALL);
  check(r3 && near(r3->total, 100, 1e-12) && near(r3->distilled, 60, 1e-12) && near(r3->mdc, 45, 1e-12) &&
            near(r3->lbo, 100.0 / 45 - 1, 1e-12) && r3->heap_factor == 3 && r3->heap_bytes == 1000,
        "gcbench 3x rc: mean of two invocations against nogc's MDC");
  check(near(lbo_of(&t, "gcbench", "3.00x", "nogc", LBO_WALL), 0, 1e-12), "nogc is the MDC at 3x: LBO 0");
  check(near(lbo_of(&t, "quads", "2.00x", "gen", LBO_WALL), 0.5, 1e-12), "quads 2x gen wall");
  check(!find_row(&t, "quads", "2.00x", "rc", LBO_CPU), "no cpu_ns: no cpu row");
  check(near(geo_of(&t, "2.00x", "rc", LBO_WALL), 1.0, 1e-12), "geomean 2x rc");
  check(near(geo_of(&t, "2.00x", "gen", LBO_WALL), sqrt(1.6 * 1.5) - 1, 1e-12), "geomean 2x gen");
  check(near(lbo_of(&t, "gcbench", "callgrind", "rc", LBO_INSTRUCTIONS), 1000.0 / 600 - 1, 1e-12), "instructions rc");
  check(near(lbo_of(&t, "gcbench", "callgrind", "gen", LBO_INSTRUCTIONS), 0.5, 1e-12), "instructions gen");
  size_t len;
  char *csv = lbo_rows_csv(&t, &len);
  check(strstr(csv, "workload,heap_factor,heap_bytes,collector,metric,total,distilled,mdc,lbo\n") == csv &&
            strstr(csv, "\ngcbench,3,1000,rc,wall,100.0,60.0,45.0,1.222222\n") && strstr(csv, "\ngcbench,,0,rc,instructions,"),
        "lbo.csv: %s", csv);
  free(csv);
  lbo_free(&t);
  json_decref(recs);
  suite_free(&s);
}

/* The other processes' CPU: busy ticks less this process tree's time, per second. */
static void test_cpu_load(void) {
  double busy = 0;
  bool ok = cpu_busy_from_stat("intr 5\ncpu  100 20 30 400 50 6 4 0 0 0\ncpu0 1 2 3 4 5 6 7 0 0 0\n", 100, &busy);
  check(ok && near(busy, 1.6, 1e-12), "busy = (100 + 20 + 30 + 6 + 4) / 100: %g", busy);
  check(!cpu_busy_from_stat("cpu0 1 2 3\n", 100, &busy), "no aggregate line");
  cpu_sample a = {true, 10, 100, 5}, b = {true, 20, 112, 11};
  check(near(cpu_other_cores(a, b), 0.6, 1e-12), "(12 - 6) / 10 s = 0.6 cores: %g", cpu_other_cores(a, b));
  cpu_sample c = {true, 20, 104, 11}, d = {false, 20, 200, 11};
  check(cpu_other_cores(a, c) == 0 && cpu_other_cores(a, d) == 0, "negative or unknown: 0");
  check(cpu_sample_now().ok, "this machine's /proc/stat reads");
}

int main(void) {
  setenv("GCLAB_BIN_DIR", "harness", 0); /* the bench binaries, in the test's runfiles */
  test_suite_errors();
  test_suite_accepts();
  test_bisection();
  test_thrashing_bound();
  test_statistics();
  test_mann_whitney();
  test_bootstrap();
  test_ci_share();
  test_lbo();
  test_cpu_load();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
