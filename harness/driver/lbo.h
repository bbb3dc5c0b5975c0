/*
 * lbo.h — lower-bound overhead (LBO) of each collector: Cai, Blackburn, Bond and
 * Maas, "Distilling the Real Cost of Production Garbage Collectors" (ISPASS 2022;
 * docs/references.md).
 *
 * At one workload and heap factor, a collector's distilled cost is its total cost
 * less its explicit collection cost; the minimum distilled cost (MDC) over the
 * suite's collectors that completed there stands in for the cost of running with
 * no collector at all, and LBO_g = total_g / MDC - 1.  Costs are means over the
 * ok invocations, per timed iteration:
 *   wall          timing.wall_ns - timing.gc_ns (gc_ns: wall time in pauses)
 *   cpu           timing.cpu_ns  - timing.gc_ns * cpu_ns / wall_ns (pauses are
 *                 timed by the wall clock: their CPU share is taken to be the run's)
 *   instructions  callgrind Ir total - Ir gc (the callgrind runs, no heap limit:
 *                 heap "callgrind"; inlined count updates are already gc there)
 * A lower bound: costs outside pauses (barriers, allocation, locality) stay in the
 * distilled cost, and the MDC is only as low as the best collector present.
 */
#ifndef LBO_H
#define LBO_H

#include <jansson.h>
#include <stddef.h>

#include "harness/driver/suite.h"

typedef enum { LBO_WALL, LBO_CPU, LBO_INSTRUCTIONS, LBO_NMETRICS } lbo_metric;
extern const char *const lbo_metric_names[LBO_NMETRICS]; /* "wall", "cpu", "instructions" */

typedef struct lbo_row {
  const char *workload, *collector, *heap; /* labels, borrowed from the suite */
  double heap_factor;                      /* NAN for the callgrind runs */
  double heap_bytes;                       /* mean suite.heap_bytes of the runs (0: no limit) */
  lbo_metric metric;
  double total, distilled, mdc, lbo;
} lbo_row;

/* Per collector, heap and metric: the geometric mean over the workloads it has a
 * row at of (1 + LBO), minus 1. */
typedef struct lbo_geo {
  const char *collector, *heap;
  double heap_factor;
  lbo_metric metric;
  size_t workloads;
  double lbo;
} lbo_geo;

typedef struct lbo_table {
  lbo_row *rows;
  size_t nrows;
  lbo_geo *geo;
  size_t ngeo;
} lbo_table;

/* Every row the records allow (heap factors and callgrind runs); the labels point
 * into s, which must outlive the table. */
lbo_table lbo_compute(json_t *records, const suite *s);
void lbo_free(lbo_table *t);
/* lbo.csv and lbo_geomean.csv as text (caller frees). */
char *lbo_rows_csv(const lbo_table *t, size_t *len);
char *lbo_geo_csv(const lbo_table *t, size_t *len);
#endif
