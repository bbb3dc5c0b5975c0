#include "harness/driver/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
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
