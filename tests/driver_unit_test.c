/*
 * driver_unit_test.c — the driver's parts against known answers: the suite
 * parser's errors (file, line, problem), the minimum-heap bisection on a fake
 * bench, and the statistics.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
}

static void test_suite_accepts(void) {
  suite s;
  char err[1024];
  const char *path = write_suite(
      "name: t\ncollectors:\n  - rc\n  - name: rc-big\n    collector: rc\n    tuning: ''\n"
      "workloads:\n  - name: gc-small\n    workload: gcbench\n    size: quick\n    params: {}\n  - binarytrees\n"
      "heap: [1.5, 2x, 64M, none]\ninvocations: 4\niterations: 3\nwarmup: 1\nbaseline: rc-big\n"
      "census: rc-big\ncallgrind: same\n");
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

int main(void) {
  setenv("GCLAB_BIN_DIR", "harness", 0); /* the bench binaries, in the test's runfiles */
  test_suite_errors();
  test_suite_accepts();
  test_bisection();
  test_thrashing_bound();
  test_statistics();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
