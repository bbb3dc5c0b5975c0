#include "harness/driver/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Why Student's t: suites run a handful of invocations; the normal approximation
 * would understate the interval badly at n = 3..10. */
stats_summary stats_summarise(double *x, size_t n) {
  stats_summary s = {.n = n};
  if (n == 0) return s;
  gsl_sort(x, 1, n);
  s.mean = gsl_stats_mean(x, 1, n);
  s.median = gsl_stats_median_from_sorted_data(x, 1, n);
  s.min = x[0];
  s.max = x[n - 1];
  if (n >= 2) {
    s.sd = gsl_stats_sd_m(x, 1, n, s.mean);
    s.ci95 = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * s.sd / sqrt((double)n);
    s.cv = s.mean != 0 ? s.sd / s.mean : 0;
  }
  return s;
}

double stats_ci_share(const stats_summary *s) {
  return s->n >= 2 && s->mean > 0 ? s->ci95 / s->mean : NAN;
}

bool stats_converged(const stats_summary *s, double target) {
  double share = stats_ci_share(s);
  return !isnan(share) && share <= target;
}

double stats_geomean(const double *x, size_t n) {
  if (n == 0) return 0;
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(x[i] > 0)) return 0;
    sum += log(x[i]);
  }
  return exp(sum / (double)n);
}

static const char *label_of(json_t *suite, const char *key) {
  const char *s = json_string_value(json_object_get(suite, key));
  return s ? s : "";
}

stats_config stats_of_config(json_t *records, const char *c, const char *w, const char *h) {
  stats_config cs = {0};
  size_t n = json_array_size(records), i;
  double *wall = malloc((n ? n : 1) * sizeof *wall), *gc = malloc((n ? n : 1) * sizeof *gc);
  json_t *rec;
  json_array_foreach(records, i, rec) {
    json_t *sj = json_object_get(rec, "suite");
    if (strcmp(label_of(sj, "collector"), c) || strcmp(label_of(sj, "workload"), w) || strcmp(label_of(sj, "heap"), h))
      continue;
    cs.runs++;
    if (strcmp(label_of(rec, "status"), "ok")) continue;
    json_t *t = json_object_get(rec, "timing");
    double timed = (double)(json_integer_value(json_object_get(rec, "iterations")) - json_integer_value(json_object_get(rec, "warmup")));
    wall[cs.ok] = (double)json_integer_value(json_object_get(t, "wall_ns")) / timed;
    gc[cs.ok] = (double)json_integer_value(json_object_get(t, "gc_ns")) / timed;
    cs.peak_heap += (double)json_integer_value(json_object_get(json_object_get(rec, "memory"), "peak_heap_bytes"));
    cs.ok++;
  }
  cs.wall = stats_summarise(wall, cs.ok);
  cs.gc = stats_summarise(gc, cs.ok);
  if (cs.ok) cs.peak_heap /= (double)cs.ok;
  free(wall);
  free(gc);
  return cs;
}

size_t stats_config_walls(json_t *records, const char *c, const char *w, const char *h, double **out) {
  size_t n = json_array_size(records), i, k = 0;
  double *x = malloc((n ? n : 1) * sizeof *x);
  json_t *rec;
  json_array_foreach(records, i, rec) {
    json_t *sj = json_object_get(rec, "suite");
    if (strcmp(label_of(sj, "collector"), c) || strcmp(label_of(sj, "workload"), w) || strcmp(label_of(sj, "heap"), h) ||
        strcmp(label_of(rec, "status"), "ok"))
      continue;
    double timed = (double)(json_integer_value(json_object_get(rec, "iterations")) - json_integer_value(json_object_get(rec, "warmup")));
    x[k++] = (double)json_integer_value(json_object_get(json_object_get(rec, "timing"), "wall_ns")) / timed;
  }
  *out = x;
  return k;
}

/* ==================================================================
 * Non-parametric comparison: Mann-Whitney U, bootstrap of medians
 * ================================================================== */

/* U of x: pairs (x_i, y_j) with x_i > y_j, ties counting one half. */
static double u_statistic(const double *x, size_t nx, const double *y, size_t ny, bool *ties) {
  double u = 0;
  for (size_t i = 0; i < nx; i++)
    for (size_t j = 0; j < ny; j++) {
      if (x[i] > y[j]) u += 1;
      else if (x[i] == y[j]) { u += 0.5; *ties = true; }
    }
  for (size_t i = 0; i < nx; i++)
    for (size_t j = i + 1; j < nx; j++) *ties |= x[i] == x[j];
  for (size_t i = 0; i < ny; i++)
    for (size_t j = i + 1; j < ny; j++) *ties |= y[i] == y[j];
  return u;
}

/* P(U <= u) under the null, no ties: f(n, m, u), the number of arrangements of n x's
 * and m y's with U = u, obeys f(n, m, u) = f(n - 1, m, u - m) + f(n, m - 1, u); one
 * layer per n, each over m and u. */
static double exact_cdf(size_t nx, size_t ny, size_t u) {
  size_t umax = nx * ny, w = umax + 1;
  double *prev = calloc((ny + 1) * w, sizeof *prev), *cur = calloc((ny + 1) * w, sizeof *cur);
  for (size_t m = 0; m <= ny; m++) prev[m * w] = 1; /* n = 0: one arrangement, U = 0 */
  for (size_t n = 1; n <= nx; n++) {
    memset(cur, 0, (ny + 1) * w * sizeof *cur);
    for (size_t m = 0; m <= ny; m++)
      for (size_t k = 0; k <= n * m; k++)
        cur[m * w + k] = (k >= m ? prev[m * w + k - m] : 0) + (m ? cur[(m - 1) * w + k] : 0);
    double *t = prev; prev = cur; cur = t;
  }
  double below = 0, all = 0;
  for (size_t k = 0; k <= umax; k++) {
    all += prev[ny * w + k];
    if (k <= u) below += prev[ny * w + k];
  }
  free(prev);
  free(cur);
  return below / all;
}

/* The tie term of the variance: sum over groups of equal values of t^3 - t. */
static double tie_term(const double *x, size_t nx, const double *y, size_t ny) {
  size_t n = nx + ny;
  double *all = malloc(n * sizeof *all), sum = 0;
  memcpy(all, x, nx * sizeof *x);
  memcpy(all + nx, y, ny * sizeof *y);
  gsl_sort(all, 1, n);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && all[j] == all[i]) j++;
    double t = (double)(j - i);
    sum += t * t * t - t;
    i = j;
  }
  free(all);
  return sum;
}

double stats_mann_whitney_p(const double *x, size_t nx, const double *y, size_t ny) {
  if (!nx || !ny) return NAN;
  bool ties = false;
  double u = u_statistic(x, nx, y, ny, &ties), mn = (double)nx * (double)ny;
  double umin = u < mn - u ? u : mn - u;
  if (!ties && nx * ny <= 400) {
    double p = 2 * exact_cdf(nx, ny, (size_t)umin);
    return p > 1 ? 1 : p;
  }
  double n = (double)(nx + ny);
  double var = mn / 12 * ((n + 1) - tie_term(x, nx, y, ny) / (n * (n - 1)));
  if (!(var > 0)) return 1; /* every value equal */
  double z = (fabs(u - mn / 2) - 0.5) / sqrt(var);
  double p = z > 0 ? 2 * gsl_cdf_ugaussian_Q(z) : 1;
  return p > 1 ? 1 : p;
}

static double median_of(double *x, size_t n) {
  gsl_sort(x, 1, n);
  return gsl_stats_median_from_sorted_data(x, 1, n);
}

static double resampled_median(gsl_rng *rng, const double *x, size_t n, double *buf) {
  for (size_t i = 0; i < n; i++) buf[i] = x[gsl_rng_uniform_int(rng, n)];
  return median_of(buf, n);
}

stats_ratio stats_bootstrap_median_ratio(const double *x, size_t nx, const double *y, size_t ny, unsigned long seed,
                                         int resamples) {
  stats_ratio r = {NAN, NAN, NAN};
  if (!nx || !ny || resamples < 1) return r;
  double *bx = malloc(nx * sizeof *bx), *by = malloc(ny * sizeof *by), *ratios = malloc((size_t)resamples * sizeof *ratios);
  memcpy(bx, x, nx * sizeof *x);
  memcpy(by, y, ny * sizeof *y);
  double my = median_of(by, ny);
  if (my > 0) {
    r.ratio = median_of(bx, nx) / my;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    int k = 0;
    for (int i = 0; i < resamples; i++) {
      double d = resampled_median(rng, x, nx, bx), e = resampled_median(rng, y, ny, by);
      if (e > 0) ratios[k++] = d / e;
    }
    gsl_rng_free(rng);
    gsl_sort(ratios, 1, (size_t)k);
    if (k) r.lo = gsl_stats_quantile_from_sorted_data(ratios, 1, (size_t)k, 0.025);
    if (k) r.hi = gsl_stats_quantile_from_sorted_data(ratios, 1, (size_t)k, 0.975);
  }
  free(bx);
  free(by);
  free(ratios);
  return r;
}
