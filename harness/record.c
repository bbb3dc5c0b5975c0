#include "harness/record.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const struct { unsigned bit; const char *name; } cap_names[] = {
    {GC_CAP_COUNTS_REFS, "counts_references"},
    {GC_CAP_COUNTS_ROOTS, "counts_roots"},
    {GC_CAP_COLLECTS_CYCLES, "collects_cycles"},
    {GC_CAP_MOVES_OBJECTS, "moves_objects"},
    {GC_CAP_PROMPT_FINALIZATION, "prompt_finalization"},
    {GC_CAP_RECLAIMS, "reclaims"},
    {GC_CAP_CONSERVATIVE, "conservative"},
    {GC_CAP_IMMORTAL_SATURATES, "immortal_saturates"},
};

json_t *record_caps(unsigned caps) {
  json_t *a = json_array();
  for (size_t i = 0; i < sizeof cap_names / sizeof cap_names[0]; i++)
    if (caps & cap_names[i].bit) json_array_append_new(a, json_string(cap_names[i].name));
  return a;
}

json_t *record_stats(const gc_stats *s) {
  json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
                        "allocs", (json_int_t)s->allocs, "alloc_bytes", (json_int_t)s->alloc_bytes,
                        "frees", (json_int_t)s->frees, "free_bytes", (json_int_t)s->free_bytes,
                        "rc_incs", (json_int_t)s->rc_incs, "rc_decs", (json_int_t)s->rc_decs,
                        "collections", (json_int_t)s->collections,
                        "finalizers_run", (json_int_t)s->finalizers_run);
  for (uint32_t i = 0; i < s->n_extra; i++)
    json_object_set_new(o, s->extra[i].name, json_integer((json_int_t)s->extra[i].value));
  return o;
}

/* The last histogram bin (10^18 ns, 31 years): its bound still fits a JSON
 * integer, and no pause on a clock counted from boot reaches it. */
#define HIST_LAST_BIN 160

/* Bin k's upper bound: 100 * 10^(k/10) ns, to the nearest ns (exact powers of ten
 * every tenth bin). */
static uint64_t hist_upper_ns(int k) { return (uint64_t)llround(100.0 * pow(10.0, k / 10.0)); }

/* Why bins bounded above and sent only when non-empty: a figure plots the pause
 * CDF as the running sum of counts against the bounds, and most of the 160
 * log-spaced bins are empty in any one run. */
json_t *record_pause_histogram(const double *sorted_ns, size_t n) {
  json_t *bins = json_array();
  int k = 0;
  uint64_t upper = hist_upper_ns(0);
  size_t i = 0;
  while (i < n) {
    while (k < HIST_LAST_BIN && sorted_ns[i] >= (double)upper) upper = hist_upper_ns(++k);
    size_t count = 0;
    for (; i < n && (sorted_ns[i] < (double)upper || k == HIST_LAST_BIN); i++) count++;
    json_array_append_new(bins, json_pack("[I,I]", (json_int_t)upper, (json_int_t)count));
  }
  return bins;
}

/* Why GSL: its quantile definition (linear interpolation between order statistics)
 * is the documented, widely used one; p50/p90/p99 then mean what readers expect. */
json_t *record_pauses(const gc_pause *log, size_t first, size_t count) {
  size_t n = count > first ? count - first : 0;
  json_t *o = json_object();
  json_object_set_new(o, "count", json_integer((json_int_t)n));
  if (n == 0) {
    json_object_set_new(o, "total_ns", json_integer(0));
    json_object_set_new(o, "max_ns", json_integer(0));
    json_object_set_new(o, "histogram", json_array());
    return o;
  }
  double *d = malloc(n * sizeof *d);
  uint64_t total = 0, max = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t ns = log[first + i].end_ns - log[first + i].start_ns;
    d[i] = (double)ns;
    total += ns;
    if (ns > max) max = ns;
  }
  gsl_sort(d, 1, n);
  json_object_set_new(o, "total_ns", json_integer((json_int_t)total));
  json_object_set_new(o, "max_ns", json_integer((json_int_t)max));
  json_object_set_new(o, "p50_ns", json_integer((json_int_t)gsl_stats_quantile_from_sorted_data(d, 1, n, 0.50)));
  json_object_set_new(o, "p90_ns", json_integer((json_int_t)gsl_stats_quantile_from_sorted_data(d, 1, n, 0.90)));
  json_object_set_new(o, "p99_ns", json_integer((json_int_t)gsl_stats_quantile_from_sorted_data(d, 1, n, 0.99)));
  json_object_set_new(o, "histogram", record_pause_histogram(d, n));
  free(d);
  return o;
}

json_t *record_checksum(uint64_t checksum) {
  char buf[32];
  snprintf(buf, sizeof buf, "0x%016llx", (unsigned long long)checksum);
  return json_string(buf);
}

void record_print(json_t *record) {
  char *text = json_dumps(record, JSON_COMPACT | JSON_PRESERVE_ORDER);
  if (text) {
    fputs(text, stdout);
    fputc('\n', stdout);
    free(text);
  }
  fflush(stdout);
}
