#include "harness/driver/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

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
