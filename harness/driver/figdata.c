/*
 * figdata.c — a results folder's records turned into one CSV table per figure
 * (see figdata.h).  Every bar-chart table has the same leading columns,
 *   wi,workload,ci,collector,...
 * (workload position within that figure, collector position within the suite:
 * the collector's colour), so the scripts place and colour bars alike.
 */
#include "harness/driver/figdata.h"

#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/driver/results.h"
#include "harness/driver/stats.h"
#include "harness/driver/suite.h"

#define MIB (1024.0 * 1024.0)

typedef struct fd_ctx {
  suite s;
  json_t *records;
  const char *dir;       /* the results folder */
  const char *ref_heap;  /* the heap label of the single-heap figures */
  char ref_text[96];     /* how titles say it */
  bool base_heaps;       /* the records ran at one base heap per workload */
  char heap_note[128];   /* the heap policy and the heap axis' meaning, for titles */
  char data[4400];       /* <dir>/figures/data */
  char *vars;            /* figure.gp, being written */
  size_t varslen;
  FILE *gp;
  bool write_failed;
} fd_ctx;

/* The ok runs of one (collector, workload, heap). */
typedef struct fd_runs {
  json_t **items;
  size_t n;
} fd_runs;

static const char *str(json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

/* rec[a][b] (or rec[a] when b is NULL) as a number; NAN when absent. */
static double num(json_t *rec, const char *a, const char *b) {
  json_t *v = json_object_get(rec, a);
  if (b) v = json_object_get(v, b);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

static fd_runs select_runs(const fd_ctx *x, const char *c, const char *w, const char *heap) {
  fd_runs r = {malloc((json_array_size(x->records) + 1) * sizeof(json_t *)), 0};
  size_t i;
  json_t *rec;
  json_array_foreach(x->records, i, rec) {
    json_t *sj = json_object_get(rec, "suite");
    if (strcmp(str(rec, "status"), "ok") || strcmp(str(sj, "heap"), heap) || strcmp(str(sj, "workload"), w)) continue;
    if (c && strcmp(str(sj, "collector"), c)) continue;
    r.items[r.n++] = rec;
  }
  return r;
}

/* The mean of rec[a][b] over the runs that have it; NAN when none has. */
static double mean_of(fd_runs r, const char *a, const char *b) {
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < r.n; i++) {
    double v = num(r.items[i], a, b);
    if (!isnan(v)) { sum += v; n++; }
  }
  return n ? sum / (double)n : NAN;
}

/* gnuplot reads lists as space-separated words: a label's spaces become '_'. */
static void word(FILE *f, const char *label) {
  for (const char *p = label; *p; p++) fputc(*p == ' ' || *p == ',' || *p == '"' ? '_' : *p, f);
}

/* ==================================================================
 * Writing tables
 * ================================================================== */

typedef struct fd_table {
  fd_ctx *x;
  const char *name;
  char *text;
  size_t len;
  FILE *f;
  size_t rows;
  char *workloads; /* the figure's workloads, for figure.gp */
  size_t wlen;
  FILE *wf;
  int nw;
} fd_table;

static void table_open(fd_table *t, fd_ctx *x, const char *name, const char *header) {
  *t = (fd_table){.x = x, .name = name};
  t->f = open_memstream(&t->text, &t->len);
  t->wf = open_memstream(&t->workloads, &t->wlen);
  fprintf(t->f, "%s\n", header);
}

/* The workload's position in this figure (1-based), adding it on first use. */
static int table_workload(fd_table *t, const char *w, int *last_w, int w_index) {
  if (*last_w != w_index) {
    *last_w = w_index;
    if (t->nw) fputc(' ', t->wf);
    word(t->wf, w);
    t->nw++;
  }
  return t->nw;
}

static void row_head(fd_table *t, int wi, const char *w, int ci, const char *c) {
  fprintf(t->f, "%d,", wi);
  word(t->f, w);
  fprintf(t->f, ",%d,", ci);
  word(t->f, c);
  t->rows++;
}

/* Writes the table (atomically) when it has rows, and its workload list into
 * figure.gp as w_<name>; returns whether it had rows. */
static bool table_close(fd_table *t) {
  fclose(t->f);
  fclose(t->wf);
  if (t->rows) {
    char file[128];
    snprintf(file, sizeof file, "%s.csv", t->name);
    if (!results_write_atomic(t->x->data, file, t->text, t->len)) t->x->write_failed = true;
  }
  fprintf(t->x->gp, "w_%s = \"%s\"\n", t->name, t->rows ? t->workloads : "");
  free(t->text);
  free(t->workloads);
  return t->rows > 0;
}

/* ==================================================================
 * The reference heap
 * ================================================================== */

/* Why one heap for the single-heap figures (pauses, memory, counters...): a
 * collector's pauses and footprint depend on its heap, so they are compared at one
 * size.  The heap factor nearest 2x the minimum (a common choice in GC papers:
 * tight enough to matter, loose enough for every collector), else the first. */
static void choose_ref_heap(fd_ctx *x) {
  int best = 0;
  for (int h = 0; h < x->s.nheaps; h++) {
    const suite_heap *a = &x->s.heaps[h], *b = &x->s.heaps[best];
    if (a->kind == HEAP_FACTOR && (b->kind != HEAP_FACTOR || fabs(a->factor - 2) < fabs(b->factor - 2))) best = h;
  }
  const suite_heap *h = &x->s.heaps[best];
  x->ref_heap = h->label;
  if (h->kind == HEAP_FACTOR)
    snprintf(x->ref_text, sizeof x->ref_text, "heap %gx the %s", h->factor, x->base_heaps ? "base heap" : "minimum");
  else if (h->kind == HEAP_BYTES) snprintf(x->ref_text, sizeof x->ref_text, "heap %s", h->label);
  else snprintf(x->ref_text, sizeof x->ref_text, "no heap limit");
}

/* ==================================================================
 * Times at the reference heap
 * ================================================================== */

static bool times_table(fd_ctx *x) {
  fd_table t;
  table_open(&t, x, "times", "wi,workload,ci,collector,wall_ms,wall_ci95_ms,gc_ms,gc_ci95_ms,runs");
  for (int w = 0, last = -1; w < x->s.nworkloads; w++) {
    const char *wl = x->s.workloads[w].label;
    for (int c = 0; c < x->s.ncollectors; c++) {
      stats_config cs = stats_of_config(x->records, x->s.collectors[c].label, wl, x->ref_heap);
      if (cs.ok) {
        row_head(&t, table_workload(&t, wl, &last, w), wl, c + 1, x->s.collectors[c].label);
        fprintf(t.f, ",%.6f,%.6f,%.6f,%.6f,%zu\n", cs.wall.mean / 1e6, cs.wall.ci95 / 1e6, cs.gc.mean / 1e6,
                cs.gc.ci95 / 1e6, cs.ok);
      }
    }
  }
  return table_close(&t);
}

/* ==================================================================
 * Memory, leaks, reference-count traffic
 * ================================================================== */

/* The workload's live size: its census run's peak reachable bytes, or NAN. */
static double live_bytes(const fd_ctx *x, const char *w) {
  fd_runs r = select_runs(x, NULL, w, "census");
  double v = mean_of(r, "memory", "peak_live_bytes");
  free(r.items);
  return v;
}

static bool memory_table(fd_ctx *x) {
  fd_table t;
  table_open(&t, x, "memory", "wi,workload,ci,collector,peak_heap_mib,peak_rss_mib,live_mib");
  for (int w = 0, last = -1; w < x->s.nworkloads; w++) {
    const char *wl = x->s.workloads[w].label;
    double live = live_bytes(x, wl);
    for (int c = 0; c < x->s.ncollectors; c++) {
      fd_runs r = select_runs(x, x->s.collectors[c].label, wl, x->ref_heap);
      double heap = mean_of(r, "memory", "peak_heap_bytes"), rss = mean_of(r, "memory", "peak_rss_bytes");
      if (!isnan(heap) && heap > 0) {
        row_head(&t, table_workload(&t, wl, &last, w), wl, c + 1, x->s.collectors[c].label);
        fprintf(t.f, ",%.4f,%.4f,", heap / MIB, rss / MIB);
        if (!isnan(live)) fprintf(t.f, "%.4f", live / MIB);
        fprintf(t.f, "\n");
      }
      free(r.items);
    }
  }
  return table_close(&t);
}

/* Why only some workloads: leaked bytes mean something where a collector that
 * does reclaim (it freed something) still left garbage behind: the cycles pure
 * reference counting cannot see.  nogc leaks everything everywhere. */
static bool leaks_matter(const fd_ctx *x, const char *w) {
  for (int c = 0; c < x->s.ncollectors; c++) {
    fd_runs r = select_runs(x, x->s.collectors[c].label, w, x->ref_heap);
    bool leaks = mean_of(r, "stats", "frees") > 0 && mean_of(r, "memory", "leaked_bytes") > 0;
    free(r.items);
    if (leaks) return true;
  }
  return false;
}

static bool leaked_table(fd_ctx *x) {
  fd_table t;
  table_open(&t, x, "leaked", "wi,workload,ci,collector,leaked_pct,leaked_mib");
  for (int w = 0, last = -1; w < x->s.nworkloads; w++) {
    const char *wl = x->s.workloads[w].label;
    if (!leaks_matter(x, wl)) continue;
    for (int c = 0; c < x->s.ncollectors; c++) {
      fd_runs r = select_runs(x, x->s.collectors[c].label, wl, x->ref_heap);
      double leaked = mean_of(r, "memory", "leaked_bytes"), alloc = mean_of(r, "stats", "alloc_bytes");
      if (!isnan(leaked) && alloc > 0) {
        row_head(&t, table_workload(&t, wl, &last, w), wl, c + 1, x->s.collectors[c].label);
        fprintf(t.f, ",%.4f,%.4f\n", 100 * leaked / alloc, leaked / MIB);
      }
      free(r.items);
    }
  }
  return table_close(&t);
}

/* Increments plus decrements per allocated object, for the collectors that
 * count at all (a tracing collector's zero is not traffic, so it is left out). */
static bool traffic_table(fd_ctx *x) {
  fd_table t;
  table_open(&t, x, "rc_traffic", "wi,workload,ci,collector,per_object,incs_per_object,decs_per_object");
  for (int w = 0, last = -1; w < x->s.nworkloads; w++) {
    const char *wl = x->s.workloads[w].label;
    for (int c = 0; c < x->s.ncollectors; c++) {
      fd_runs r = select_runs(x, x->s.collectors[c].label, wl, x->ref_heap);
      double inc = mean_of(r, "stats", "rc_incs"), dec = mean_of(r, "stats", "rc_decs"), allocs = mean_of(r, "stats", "allocs");
      if (inc + dec > 0 && allocs > 0) {
        row_head(&t, table_workload(&t, wl, &last, w), wl, c + 1, x->s.collectors[c].label);
        fprintf(t.f, ",%.4f,%.4f,%.4f\n", (inc + dec) / allocs, inc / allocs, dec / allocs);
      }
      free(r.items);
    }
  }
  return table_close(&t);
}

/* ==================================================================
 * Pauses: distributions and MMU curves
 * ================================================================== */

/* The pause histograms of the runs summed ([upper_ns, count] pairs, ascending;
 * record.c), written as a CDF: upper bound, fraction of pauses at or below it. */
static bool write_cdf(FILE *f, int ci, const char *c, fd_runs r) {
  enum { NB = 200 };
  double upper[NB], count[NB], total = 0;
  int nb = 0;
  for (size_t i = 0; i < r.n; i++) {
    size_t k;
    json_t *pair;
    json_array_foreach(json_object_get(json_object_get(r.items[i], "pauses"), "histogram"), k, pair) {
      double u = json_number_value(json_array_get(pair, 0)), n = json_number_value(json_array_get(pair, 1));
      int b = 0;
      while (b < nb && upper[b] < u) b++;
      if (b == nb || upper[b] != u) {
        if (nb == NB) continue;
        memmove(upper + b + 1, upper + b, (size_t)(nb - b) * sizeof *upper);
        memmove(count + b + 1, count + b, (size_t)(nb - b) * sizeof *count);
        upper[b] = u;
        count[b] = 0;
        nb++;
      }
      count[b] += n;
      total += n;
    }
  }
  if (total <= 0) return false;
  double cum = 0;
  for (int b = 0; b < nb; b++) {
    cum += count[b];
    fprintf(f, "%d,", ci);
    word(f, c);
    fprintf(f, ",%.0f,%.6f\n", upper[b], cum / total);
  }
  return true;
}

/* The rows one collector adds to a workload's table; whether it added any. */
typedef bool (*fd_rows)(const fd_ctx *x, int c, const char *wl, FILE *f);

/* Why one table per workload (<name>_<k>.csv, k counting the workloads with data):
 * a panel per workload, and each panel's curves read from its own file.  figure.gp's
 * w_<name> lists those workloads in order. */
static bool per_workload_tables(fd_ctx *x, const char *name, const char *header, fd_rows fill) {
  int drawn = 0;
  fprintf(x->gp, "w_%s = \"", name);
  for (int w = 0; w < x->s.nworkloads; w++) {
    const char *wl = x->s.workloads[w].label;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fprintf(f, "%s\n", header);
    bool any = false;
    for (int c = 0; c < x->s.ncollectors; c++) any |= fill(x, c, wl, f);
    fclose(f);
    if (any) {
      char file[128];
      snprintf(file, sizeof file, "%s_%d.csv", name, ++drawn);
      if (!results_write_atomic(x->data, file, text, len)) x->write_failed = true;
      if (drawn > 1) fputc(' ', x->gp);
      word(x->gp, wl);
    }
    free(text);
  }
  fprintf(x->gp, "\"\n");
  return drawn > 0;
}

/* A collector's pause CDF on a workload, over all its runs at the reference heap. */
static bool pause_rows(const fd_ctx *x, int c, const char *wl, FILE *f) {
  fd_runs r = select_runs(x, x->s.collectors[c].label, wl, x->ref_heap);
  bool any = write_cdf(f, c + 1, x->s.collectors[c].label, r);
  free(r.items);
  return any;
}

/* Why the first invocation's curve only: an MMU curve is a worst case over one
 * run's windows, and averaging worst cases of different runs makes a curve no run
 * had.  Which invocation is said in the figure's title. */
static bool mmu_rows(const fd_ctx *x, int c, const char *wl, FILE *f) {
  fd_runs r = select_runs(x, x->s.collectors[c].label, wl, x->ref_heap);
  json_t *first = NULL;
  for (size_t i = 0; i < r.n; i++)
    if (!first || num(r.items[i], "suite", "invocation") < num(first, "suite", "invocation")) first = r.items[i];
  const char *curve = first ? str(json_object_get(first, "suite"), "mmu_curve") : "";
  char *csv = *curve ? results_read_file(x->dir, curve) : NULL;
  unsigned long long window;
  double mmu;
  bool any = false;
  for (char *line = csv ? strtok(csv, "\n") : NULL; line; line = strtok(NULL, "\n")) {
    if (sscanf(line, "%llu,%lf", &window, &mmu) != 2) continue; /* the header */
    fprintf(f, "%d,", c + 1);
    word(f, x->s.collectors[c].label);
    fprintf(f, ",%llu,%.6f\n", window, mmu);
    any = true;
  }
  free(csv);
  free(r.items);
  return any;
}

/* ==================================================================
 * Counters
 * ================================================================== */

/* The events a figure is drawn for, in this order of preference: cycles and
 * instructions first, then the cache misses.  PAPI's names, then callgrind's. */
static const char *const counter_events[] = {"PAPI_TOT_CYC", "PAPI_TOT_INS", "PAPI_L1_DCM", "PAPI_L2_TCM", "PAPI_L3_TCM",
                                             "Ir", "D1_misses", "LL_misses", NULL};

static bool event_available(json_t *rec, const char *event) {
  json_t *e = json_object_get(json_object_get(json_object_get(rec, "counters"), "events"), event);
  return !strcmp(str(e, "status"), "available");
}

static bool any_event(const fd_ctx *x, const char *heap, const char *event) {
  size_t i;
  json_t *rec;
  json_array_foreach(x->records, i, rec)
    if (!strcmp(str(json_object_get(rec, "suite"), "heap"), heap) && !strcmp(str(rec, "status"), "ok") &&
        event_available(rec, event))
      return true;
  return false;
}

static double event_mean(fd_runs r, const char *event, const char *part) {
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < r.n; i++) {
    if (!event_available(r.items[i], event)) continue;
    sum += num(json_object_get(json_object_get(r.items[i], "counters"), "events"), event, part);
    n++;
  }
  return n ? sum / (double)n : NAN;
}

/* Why hardware counters win when present: they count the timed runs themselves;
 * callgrind's counts come from separate runs on a simulated cache. */
static bool counter_tables(fd_ctx *x) {
  const char *heap = x->ref_heap, *source = "PAPI hardware counters, timed runs";
  bool papi = false;
  for (int e = 0; counter_events[e] && !papi; e++) papi = !strncmp(counter_events[e], "PAPI_", 5) && any_event(x, heap, counter_events[e]);
  if (!papi) { heap = "callgrind"; source = "callgrind, simulated caches, separate runs"; }
  char drawn[256] = "";
  for (int e = 0; counter_events[e]; e++) {
    const char *ev = counter_events[e];
    if ((strncmp(ev, "PAPI_", 5) == 0) != papi || !any_event(x, heap, ev)) continue;
    char name[64];
    snprintf(name, sizeof name, "counters_%s", ev);
    fd_table t;
    table_open(&t, x, name, "wi,workload,ci,collector,mutator,gc");
    for (int w = 0, last = -1; w < x->s.nworkloads; w++) {
      const char *wl = x->s.workloads[w].label;
      for (int c = 0; c < x->s.ncollectors; c++) {
        fd_runs r = select_runs(x, x->s.collectors[c].label, wl, heap);
        double m = event_mean(r, ev, "mutator"), g = event_mean(r, ev, "gc");
        if (!isnan(m)) {
          row_head(&t, table_workload(&t, wl, &last, w), wl, c + 1, x->s.collectors[c].label);
          fprintf(t.f, ",%.0f,%.0f\n", m, g);
        }
        free(r.items);
      }
    }
    if (table_close(&t)) snprintf(drawn + strlen(drawn), sizeof drawn - strlen(drawn), "%s%s", *drawn ? " " : "", ev);
  }
  fprintf(x->gp, "counters_source = \"%s\"\ncounter_events = \"%s\"\n", source, drawn);
  return *drawn != 0;
}

/* ==================================================================
 * Finalisation promptness
 * ================================================================== */

/* A delay percentile's mean, or an empty cell (no bar) where nothing was
 * finalized: the workload reports -1 then, which is no delay. */
static void delay_cell(FILE *f, fd_runs r, const char *key) {
  double v = mean_of(r, "observations", key);
  if (isnan(v) || v < 0) fprintf(f, ",");
  else fprintf(f, ",%.0f", v);
}

/* The finalize-delay workload's observations (workloads/finalize_delay.c), per
 * collector: delay percentiles in allocated bytes and how many were never run. */
static bool finalization_table(fd_ctx *x) {
  const char *wl = NULL;
  for (int w = 0; w < x->s.nworkloads && !wl; w++)
    if (!strcmp(x->s.workloads[w].workload, "finalize-delay")) wl = x->s.workloads[w].label;
  fd_table t;
  table_open(&t, x, "finalization",
             "wi,workload,ci,collector,p50_bytes,p90_bytes,p99_bytes,max_bytes,never_pct,p50_ns,p99_ns,tracked");
  for (int c = 0, last = -1; wl && c < x->s.ncollectors; c++) {
    fd_runs r = select_runs(x, x->s.collectors[c].label, wl, x->ref_heap);
    double tracked = mean_of(r, "observations", "tracked"), never = mean_of(r, "observations", "never_finalized");
    if (tracked > 0) {
      row_head(&t, table_workload(&t, wl, &last, 0), wl, c + 1, x->s.collectors[c].label);
      static const char *const delays[] = {"delay_bytes_p50", "delay_bytes_p90", "delay_bytes_p99", "delay_bytes_max"};
      for (int d = 0; d < 4; d++) delay_cell(t.f, r, delays[d]);
      fprintf(t.f, ",%.4f", 100 * never / tracked);
      delay_cell(t.f, r, "delay_ns_p50");
      delay_cell(t.f, r, "delay_ns_p99");
      fprintf(t.f, ",%.0f\n", tracked);
    }
    free(r.items);
  }
  return table_close(&t);
}

/* What the heap axis and the heap limit meant for these records, for every
 * title: records from before heap policies (no heap_policy field) were capped
 * limits (growable), and records without suite.base_bytes ran at factors of
 * each pair's own minimum, so their lines are not at equal heaps. */
static void describe_heap_terms(fd_ctx *x) {
  bool fixed = false, growable = false;
  size_t i;
  json_t *r;
  json_array_foreach(x->records, i, r) {
    const char *p = json_string_value(json_object_get(r, "heap_policy"));
    if (p && !strcmp(p, "fixed")) fixed = true;
    else growable = true;
    if (json_object_get(json_object_get(r, "suite"), "base_bytes")) x->base_heaps = true;
  }
  const char *policy = fixed && growable ? "fixed and growable heaps mixed" : fixed ? "fixed heaps" : "growable heaps (the limit a cap)";
  snprintf(x->heap_note, sizeof x->heap_note, "%s, %s", policy,
           x->base_heaps ? "one base heap per workload" : "factors of each pair's own minimum: unequal heaps");
}

/* base_heaps.csv: each workload's base heap in MiB (the records' suite.base_bytes),
 * so that heap-axis figures can also be drawn in absolute sizes; false when the
 * records predate base heaps. */
static bool base_heap_table(fd_ctx *x) {
  fd_table t;
  table_open(&t, x, "base_heaps", "workload,base_mib");
  int last_w = -1;
  for (int w = 0; w < x->s.nworkloads; w++) {
    size_t i;
    json_t *r;
    json_array_foreach(x->records, i, r) {
      json_t *sj = json_object_get(r, "suite");
      json_t *base = json_object_get(sj, "base_bytes");
      const char *label = json_string_value(json_object_get(sj, "workload"));
      if (!base || !label || strcmp(label, x->s.workloads[w].label)) continue;
      table_workload(&t, label, &last_w, w);
      word(t.f, label);
      fprintf(t.f, ",%.4f\n", (double)json_integer_value(base) / MIB);
      t.rows++;
      break;
    }
  }
  return table_close(&t);
}

/* ==================================================================
 * The plan
 * ================================================================== */

/* Whether a CSV of the results folder has a row below its header. */
static bool has_data_rows(const char *dir, const char *name) {
  char *text = results_read_file(dir, name);
  char *nl = text ? strchr(text, '\n') : NULL;
  bool rows = nl && nl[1];
  free(text);
  return rows;
}

static bool has_factors(const suite *s) {
  for (int h = 0; h < s->nheaps; h++)
    if (s->heaps[h].kind == HEAP_FACTOR) return true;
  return false;
}

static void plan_add(fig_plan *p, const char *script, bool draw, const char *why) {
  fig_entry *e = &p->items[p->n++];
  e->script = script;
  e->draw = draw;
  snprintf(e->why, sizeof e->why, "%s", draw ? "" : why);
}

static void write_vars(fd_ctx *x) {
  fprintf(x->gp, "collectors = \"");
  for (int c = 0; c < x->s.ncollectors; c++) {
    if (c) fputc(' ', x->gp);
    word(x->gp, x->s.collectors[c].label);
  }
  fprintf(x->gp, "\"\nref_heap = \"%s\"\nref_heap_text = \"%s\"\nsuite_name = \"", x->ref_heap, x->ref_text);
  word(x->gp, x->s.name);
  fprintf(x->gp, "\"\nheap_note = \"%s\"\nheap_axis = \"heap size (factor of the %s)\"\n", x->heap_note,
          x->base_heaps ? "workload's base heap" : "pair's minimum heap");
}

static bool load(fd_ctx *x, const char *dir, char *err, size_t errlen) {
  char path[4400], why[1024];
  snprintf(path, sizeof path, "%s/suite.yaml", dir);
  if (!suite_load(path, &x->s, why, sizeof why)) {
    snprintf(err, errlen, "%s has no readable suite.yaml: %s", dir, why);
    return false;
  }
  results res = {.records = json_array()};
  snprintf(res.dir, sizeof res.dir, "%s", dir);
  x->records = res.records;
  if (!results_load_records(&res)) {
    snprintf(err, errlen, "cannot read %s/records.jsonl", dir);
    return false;
  }
  snprintf(x->data, sizeof x->data, "%s/figures", dir);
  mkdir(x->data, 0777);
  snprintf(x->data, sizeof x->data, "%s/figures/data", dir);
  if (mkdir(x->data, 0777) != 0 && errno != EEXIST) {
    snprintf(err, errlen, "cannot make %s: %s", x->data, strerror(errno));
    return false;
  }
  /* an earlier draw's tables: a table this draw does not write must not linger */
  char pattern[4500];
  snprintf(pattern, sizeof pattern, "%s/*.csv", x->data);
  glob_t g;
  if (glob(pattern, 0, NULL, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; i++) unlink(g.gl_pathv[i]);
  globfree(&g);
  return true;
}

bool figdata_write(const char *dir, fig_plan *plan, char *err, size_t errlen) {
  fd_ctx x = {.dir = dir};
  memset(plan, 0, sizeof *plan);
  if (!load(&x, dir, err, errlen)) {
    suite_free(&x.s);
    json_decref(x.records);
    return false;
  }
  describe_heap_terms(&x);
  choose_ref_heap(&x);
  x.gp = open_memstream(&x.vars, &x.varslen);
  write_vars(&x);
  char summary[4400];
  snprintf(summary, sizeof summary, "%s/summary.csv", dir);
  struct stat st;
  bool sum = stat(summary, &st) == 0 && st.st_size > 0, factors = has_factors(&x.s);
  const char *why_heap = !sum ? "no summary.csv" : "the suite has no heap factors (time_bars shows the times)";
  plan_add(plan, "time_vs_heap", sum && factors, why_heap);
  plan_add(plan, "gc_time_vs_heap", sum && factors, why_heap);
  plan_add(plan, "time_vs_heap_mib", sum && factors && base_heap_table(&x),
           sum && factors ? "the records predate base heaps (no suite.base_bytes)" : why_heap);
  plan_add(plan, "geomean_vs_heap", sum && factors && has_data_rows(dir, "geomean.csv"),
           sum && factors ? "the baseline completed at no heap (geomean.csv is empty)" : why_heap);
  plan_add(plan, "time_bars", times_table(&x), "no ok run at the reference heap");
  plan_add(plan, "pause_cdf", per_workload_tables(&x, "pauses", "ci,collector,upper_ns,fraction", pause_rows),
           "no run recorded a pause histogram at the reference heap");
  plan_add(plan, "mmu", per_workload_tables(&x, "mmu", "ci,collector,window_ns,mmu", mmu_rows),
           "no run left an MMU curve at the reference heap");
  plan_add(plan, "counters", counter_tables(&x),
           "no available counter: no hardware counters, and the suite has no callgrind runs (suite key callgrind)");
  plan_add(plan, "memory", memory_table(&x), "no ok run at the reference heap");
  plan_add(plan, "leaked", leaked_table(&x), "no reclaiming collector leaked on any workload");
  plan_add(plan, "rc_traffic", traffic_table(&x), "no collector counted references");
  plan_add(plan, "finalization", finalization_table(&x), "the suite does not run the finalize-delay workload");
  fclose(x.gp);
  bool ok = !x.write_failed && results_write_atomic(x.data, "figure.gp", x.vars, x.varslen);
  if (!ok) snprintf(err, errlen, "cannot write the figures' data in %s", x.data);
  free(x.vars);
  suite_free(&x.s);
  json_decref(x.records);
  return ok;
}
