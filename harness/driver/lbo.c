/*
 * lbo.c — lower-bound overhead from a suite's records (see lbo.h).
 */
#include "harness/driver/lbo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/driver/stats.h"

const char *const lbo_metric_names[LBO_NMETRICS] = {"wall", "cpu", "instructions"};

static const char *str(json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static double num(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* ==================================================================
 * One collector's cost at one workload and heap
 * ================================================================== */

typedef struct lbo_cost {
  size_t n;                          /* ok runs with the metric */
  double total, distilled, heap_bytes; /* means */
} lbo_cost;

/* One record's total and explicit collection cost per timed iteration; false when
 * the record lacks the metric (no cpu_ns, no callgrind Ir). */
static bool record_cost(json_t *rec, lbo_metric m, double *total, double *gc) {
  double timed = num(rec, "iterations") - num(rec, "warmup");
  if (!(timed > 0)) return false;
  json_t *t = json_object_get(rec, "timing");
  if (m == LBO_INSTRUCTIONS) {
    json_t *ir = json_object_get(json_object_get(json_object_get(rec, "counters"), "events"), "Ir");
    if (strcmp(str(ir, "status"), "available")) return false;
    *total = num(ir, "total");
    *gc = num(ir, "gc");
  } else {
    double wall = num(t, "wall_ns");
    *total = num(t, m == LBO_WALL ? "wall_ns" : "cpu_ns");
    *gc = num(t, "gc_ns");
    /* pauses are timed by the wall clock; their CPU time is taken to be their
     * share of the wall time at the run's own CPU/wall rate */
    if (m == LBO_CPU) *gc = wall > 0 ? *gc * *total / wall : NAN;
  }
  if (isnan(*total) || isnan(*gc)) return false;
  *total /= timed;
  *gc /= timed;
  return true;
}

static lbo_cost cost_of(json_t *records, const char *c, const char *w, const char *heap, lbo_metric m) {
  lbo_cost k = {0};
  size_t i;
  json_t *rec;
  json_array_foreach(records, i, rec) {
    json_t *sj = json_object_get(rec, "suite");
    double total, gc;
    if (strcmp(str(rec, "status"), "ok") || strcmp(str(sj, "collector"), c) || strcmp(str(sj, "workload"), w) ||
        strcmp(str(sj, "heap"), heap) || !record_cost(rec, m, &total, &gc))
      continue;
    k.total += total;
    k.distilled += total - gc;
    double hb = num(sj, "heap_bytes");
    k.heap_bytes += isnan(hb) ? 0 : hb;
    k.n++;
  }
  if (k.n) {
    k.total /= (double)k.n;
    k.distilled /= (double)k.n;
    k.heap_bytes /= (double)k.n;
  }
  return k;
}

/* ==================================================================
 * The table
 * ================================================================== */

/* The rows of one workload, heap and metric: every collector that completed there,
 * against the smallest distilled cost among them. */
static void add_rows(lbo_table *t, json_t *records, const suite *s, int w, const char *heap, double factor, lbo_metric m) {
  lbo_cost *k = calloc((size_t)s->ncollectors, sizeof *k);
  double mdc = INFINITY;
  for (int c = 0; c < s->ncollectors; c++) {
    k[c] = cost_of(records, s->collectors[c].label, s->workloads[w].label, heap, m);
    if (k[c].n && k[c].distilled < mdc) mdc = k[c].distilled;
  }
  for (int c = 0; c < s->ncollectors && mdc > 0 && isfinite(mdc); c++) {
    if (!k[c].n) continue;
    t->rows = realloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
    t->rows[t->nrows++] = (lbo_row){s->workloads[w].label, s->collectors[c].label, heap, factor, k[c].heap_bytes, m,
                                    k[c].total, k[c].distilled, mdc, k[c].total / mdc - 1};
  }
  free(k);
}

/* The geometric means of one collector, heap and metric over the rows there. */
static void add_geo(lbo_table *t, const char *c, const char *heap, double factor, lbo_metric m) {
  double *x = malloc((t->nrows + 1) * sizeof *x);
  size_t n = 0;
  for (size_t i = 0; i < t->nrows; i++) {
    const lbo_row *r = &t->rows[i];
    if (r->metric == m && !strcmp(r->collector, c) && !strcmp(r->heap, heap)) x[n++] = 1 + r->lbo;
  }
  if (n) {
    t->geo = realloc(t->geo, (t->ngeo + 1) * sizeof *t->geo);
    t->geo[t->ngeo++] = (lbo_geo){c, heap, factor, m, n, stats_geomean(x, n) - 1};
  }
  free(x);
}

lbo_table lbo_compute(json_t *records, const suite *s) {
  lbo_table t = {0};
  for (int h = 0; h <= s->nheaps; h++) {
    bool callgrind = h == s->nheaps;
    if (!callgrind && s->heaps[h].kind != HEAP_FACTOR) continue;
    const char *heap = callgrind ? "callgrind" : s->heaps[h].label;
    double factor = callgrind ? NAN : s->heaps[h].factor;
    for (lbo_metric m = 0; m < LBO_NMETRICS; m++) {
      if ((m == LBO_INSTRUCTIONS) != callgrind) continue;
      for (int w = 0; w < s->nworkloads; w++) add_rows(&t, records, s, w, heap, factor, m);
      for (int c = 0; c < s->ncollectors; c++) add_geo(&t, s->collectors[c].label, heap, factor, m);
    }
  }
  return t;
}

void lbo_free(lbo_table *t) {
  free(t->rows);
  free(t->geo);
  *t = (lbo_table){0};
}

/* ==================================================================
 * CSV
 * ================================================================== */

static void factor_cell(FILE *f, double factor) {
  if (!isnan(factor)) fprintf(f, "%g", factor);
}

char *lbo_rows_csv(const lbo_table *t, size_t *len) {
  char *text = NULL;
  FILE *f = open_memstream(&text, len);
  fprintf(f, "workload,heap_factor,heap_bytes,collector,metric,total,distilled,mdc,lbo\n");
  for (size_t i = 0; i < t->nrows; i++) {
    const lbo_row *r = &t->rows[i];
    fprintf(f, "%s,", r->workload);
    factor_cell(f, r->heap_factor);
    fprintf(f, ",%.0f,%s,%s,%.1f,%.1f,%.1f,%.6f\n", r->heap_bytes, r->collector, lbo_metric_names[r->metric], r->total,
            r->distilled, r->mdc, r->lbo);
  }
  fclose(f);
  return text;
}

char *lbo_geo_csv(const lbo_table *t, size_t *len) {
  char *text = NULL;
  FILE *f = open_memstream(&text, len);
  fprintf(f, "collector,heap,heap_factor,metric,workloads,geomean_lbo\n");
  for (size_t i = 0; i < t->ngeo; i++) {
    const lbo_geo *g = &t->geo[i];
    fprintf(f, "%s,%s,", g->collector, g->heap);
    factor_cell(f, g->heap_factor);
    fprintf(f, ",%s,%zu,%.6f\n", lbo_metric_names[g->metric], g->workloads, g->lbo);
  }
  fclose(f);
  return text;
}
