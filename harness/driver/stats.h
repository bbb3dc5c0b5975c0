/*
 * stats.h — the statistics a suite's summary reports, computed with GSL.
 */
#ifndef STATS_H
#define STATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct stats_summary {
  size_t n;
  double mean, median, sd;
  double ci95;  /* half-width of the 95% confidence interval of the mean (Student's t); 0 when n < 2 */
  double cv;    /* coefficient of variation: sd / mean; 0 when n < 2 or mean == 0 */
  double min, max;
} stats_summary;

/* x is sorted in place. */
stats_summary stats_summarise(double *x, size_t n);
/* The CI's half-width as a share of the mean: NAN when n < 2 or the mean is not
 * positive (no interval to judge). */
double stats_ci_share(const stats_summary *s);
/* Whether the CI is within target of the mean (convergence mode's test): false
 * while there is no interval. */
bool stats_converged(const stats_summary *s, double target);
/* One suite configuration (collector, workload and heap labels) over a results
 * folder's records: its runs, the ok ones, and their per-iteration wall and GC
 * times (timing / timed iterations) and mean peak heap.  The summary table and
 * the figures both read configurations through it. */
typedef struct stats_config {
  stats_summary wall, gc;
  size_t runs, ok;
  double peak_heap;
} stats_config;

stats_config stats_of_config(json_t *records, const char *collector, const char *workload, const char *heap);

/* The configuration's per-iteration wall times of its ok runs, in record order
 * (caller frees *out); their count. */
size_t stats_config_walls(json_t *records, const char *collector, const char *workload, const char *heap, double **out);

/* The geometric mean of n positive ratios; 0 when n == 0 or any is not positive. */
double stats_geomean(const double *x, size_t n);

/* Two-sided p-value of the Mann-Whitney U test that x and y come from the same
 * distribution: exact (every split of the ranks counted) when there are no ties
 * and nx * ny <= 400, else the normal approximation with the tie correction and a
 * continuity correction.  NAN when either sample is empty. */
double stats_mann_whitney_p(const double *x, size_t nx, const double *y, size_t ny);

/* median(x) / median(y) and its 95% bootstrap percentile interval: `resamples`
 * resamplings of each sample with replacement, from a generator seeded with seed
 * (the same inputs give the same interval).  NAN when a sample is empty or y's
 * median is not positive. */
typedef struct stats_ratio { double ratio, lo, hi; } stats_ratio;
stats_ratio stats_bootstrap_median_ratio(const double *x, size_t nx, const double *y, size_t ny, unsigned long seed,
                                         int resamples);
#endif
