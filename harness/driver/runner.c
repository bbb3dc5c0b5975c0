#include "harness/driver/runner.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <papi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "harness/driver/collectors.h"
#include "harness/driver/invocation.h"
#include "harness/driver/lbo.h"
#include "harness/driver/minheap.h"
#include "harness/driver/stats.h"
#include "harness/driver/summary.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *str(json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static void pair_key(char *buf, size_t len, const suite_collector *c, const suite_workload *w) {
  snprintf(buf, len, "%s/%s", c->label, w->label);
}

static void run_key(char *buf, size_t len, const char *c, const char *w, const char *heap, long long inv) {
  snprintf(buf, len, "%s|%s|%s|%lld", c, w, heap, inv);
}

/* ==================================================================
 * The prologue (metadata.json)
 * ================================================================== */

static json_t *first_line_of(const char *path) {
  FILE *f = fopen(path, "r");
  char line[256];
  json_t *v = json_string("unavailable");
  if (f && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    json_decref(v);
    v = json_string(line);
  }
  if (f) fclose(f);
  return v;
}

/* PAPI's own answer about the hardware counters: on a VM without a PMU it says
 * there are none, and the record says so rather than reporting zeros. */
static json_t *papi_prologue(void) {
  int v = PAPI_library_init(PAPI_VER_CURRENT);
  if (v != PAPI_VER_CURRENT)
    return json_pack("{s:b,s:s}", "available", 0, "error", v < 0 ? PAPI_strerror(v) : "version mismatch");
  int hw = PAPI_num_cmp_hwctrs(0);
  const PAPI_hw_info_t *info = PAPI_get_hardware_info();
  json_t *j = json_pack("{s:b,s:i,s:s}", "available", 1, "hardware_counters", hw < 0 ? 0 : hw,
                        "cpu", info ? info->model_string : "unknown");
  PAPI_shutdown();
  return j;
}

static json_t *prologue(const suite *s, int argc, char **argv) {
  json_t *cmd = json_array();
  for (int i = 0; i < argc; i++) json_array_append_new(cmd, json_string(argv[i]));
  return json_pack("{s:o,s:s,s:s,s:o,s:o,s:s,s:o}", "command", cmd, "suite", s->name, "suite_file", s->path,
                   "load_average", first_line_of("/proc/loadavg"),
                   "governor", first_line_of("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
                   "compiler_flags", "-O2 -g (bazel -c opt, .bazelrc)", "papi", papi_prologue());
}

bool runner_check_load(runner *r) {
  cpu_sample end = cpu_sample_now();
  double cores = cpu_other_cores(r->session_start, end);
  bool warn = cores > CPU_OTHER_WARN;
  if (!end.ok) printf("note: /proc/stat unreadable: the other processes' CPU use is unknown\n");
  else if (warn)
    printf("warning: other processes used %.2f cores on average during this session (more than %.1f): timings may be "
           "disturbed (metadata.json competing_cpu)\n", cores, CPU_OTHER_WARN);
  char *text = results_read_file(r->res.dir, "metadata.json");
  json_t *m = text ? json_loads(text, 0, NULL) : NULL;
  free(text);
  if (!json_is_object(m)) { json_decref(m); return true; } /* nothing to add to */
  json_t *list = json_object_get(m, "competing_cpu");
  if (!json_is_array(list)) json_object_set_new(m, "competing_cpu", list = json_array());
  json_array_append_new(list, json_pack("{s:b,s:f,s:f,s:b,s:o}", "measured", end.ok, "wall_s", end.wall_s - r->session_start.wall_s,
                                        "other_cores", cores, "warning", warn, "load_average_end", first_line_of("/proc/loadavg")));
  text = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  bool ok = results_write_atomic(r->res.dir, "metadata.json", text, strlen(text));
  free(text);
  json_decref(m);
  return ok;
}

/* ==================================================================
 * Starting and resuming
 * ================================================================== */

bool runner_start(runner *r, const char *suite_path, const char *parent, const char *id, int argc, char **argv) {
  memset(r, 0, sizeof *r);
  char err[1024];
  if (!suite_load(suite_path, &r->s, err, sizeof err)) {
    fprintf(stderr, "gclab: %s\n", err);
    return false;
  }
  if (!results_open(&r->res, parent, id, true)) return false;
  char *text = results_read_file(NULL, suite_path);
  bool ok = text && results_write_atomic(r->res.dir, "suite.yaml", text, strlen(text));
  free(text);
  json_t *options = prologue(&r->s, argc, argv);
  if (r->s.shuffle && !r->s.shuffle_seed) r->s.shuffle_seed = (uint64_t)time(NULL);
  json_object_set_new(options, "shuffle_seed", json_integer((json_int_t)r->s.shuffle_seed));
  ok = ok && results_write_metadata(&r->res, options);
  json_decref(options);
  r->minheaps = json_object();
  r->done = json_object();
  r->tty = isatty(1);
  r->session_start = cpu_sample_now();
  return ok;
}

bool runner_resume(runner *r, const char *parent, const char *id) {
  memset(r, 0, sizeof *r);
  if (!results_open(&r->res, parent, id, false)) return false;
  char path[4400], err[1024];
  snprintf(path, sizeof path, "%s/suite.yaml", r->res.dir);
  if (!suite_load(path, &r->s, err, sizeof err)) {
    fprintf(stderr, "gclab: cannot resume %s: %s\n", r->res.dir, err);
    return false;
  }
  char *meta = results_read_file(r->res.dir, "metadata.json");
  json_t *m = meta ? json_loads(meta, 0, NULL) : NULL;
  r->s.shuffle_seed = (uint64_t)json_integer_value(json_object_get(json_object_get(m, "options"), "shuffle_seed"));
  json_decref(m);
  free(meta);
  char *mh = results_read_file(r->res.dir, "minheap.json");
  r->minheaps = mh ? json_loads(mh, 0, NULL) : NULL;
  free(mh);
  if (!json_is_object(r->minheaps)) { json_decref(r->minheaps); r->minheaps = json_object(); }
  if (!results_load_records(&r->res)) return false;
  r->done = json_object();
  size_t i;
  json_t *rec;
  json_array_foreach(r->res.records, i, rec) {
    json_t *sj = json_object_get(rec, "suite");
    char key[512];
    run_key(key, sizeof key, str(sj, "collector"), str(sj, "workload"), str(sj, "heap"),
            (long long)json_integer_value(json_object_get(sj, "invocation")));
    json_object_set_new(r->done, key, json_true());
  }
  r->tty = isatty(1);
  r->session_start = cpu_sample_now();
  printf("resuming %s: %zu run(s) already recorded\n", r->res.dir, json_object_size(r->done));
  return true;
}

void runner_free(runner *r) {
  suite_free(&r->s);
  json_decref(r->minheaps);
  json_decref(r->done);
  json_decref(r->res.records);
}

/* ==================================================================
 * One run
 * ================================================================== */

static void invocation_for(const runner *r, const suite_collector *c, const suite_workload *w, uint64_t heap,
                           invocation *inv) {
  invocation_defaults(inv);
  inv->collector = c->collector;
  inv->tuning = c->tuning;
  inv->workload = w->workload;
  inv->size = w->size;
  for (int p = 0; p < w->nparams; p++) inv->params[inv->nparams++] = w->params[p];
  inv->seed = r->s.seed;
  inv->iterations = r->s.iterations;
  inv->warmup = r->s.warmup;
  inv->timeout_s = r->s.timeout_s;
  inv->zeal = r->s.zeal;
  inv->verify = r->s.verify;
  inv->heap_bytes = heap;
  inv->heap_policy = r->s.heap_policy;
}

/* A record the bench could not write: the bench rejected its arguments (a suite
 * the parser accepted but a workload refused, e.g. a bad parameter value). */
static json_t *rejected_record(const invocation *inv, const char *usage) {
  return json_pack("{s:i,s:s,s:s,s:s,s:I,s:s,s:s,s:{s:s,s:s,s:{}}}", "schema", 1, "collector", inv->collector, "workload",
                   inv->workload, "size", inv->size, "heap_bytes", (json_int_t)inv->heap_bytes, "status", "rejected",
                   "error", usage, "counters", "source", "none", "why", "not run", "events");
}

/* mmu_out: where the bench writes the run's MMU curve, or NULL (probes);
 * timeout_s > 0 replaces the suite's timeout (the minimum-heap search's bound). */
static json_t *run_once(const runner *r, const suite_collector *c, const suite_workload *w, uint64_t heap,
                        const char *mmu_out, double timeout_s) {
  invocation inv;
  invocation_for(r, c, w, heap, &inv);
  inv.mmu_out = mmu_out;
  if (timeout_s > 0) inv.timeout_s = timeout_s;
  const char *usage = NULL;
  json_t *rec = invocation_run(&inv, &usage);
  return rec ? rec : rejected_record(&inv, usage);
}

/* ==================================================================
 * Minimum heaps
 * ================================================================== */

typedef struct probe_ctx {
  const runner *r;
  const suite_collector *c;
  const suite_workload *w;
} probe_ctx;

/* One probe of the search (minheap.h): the bench at `limit`, ended after
 * timeout_s; an oom or a timeout at a limit is "too small". */
static minheap_probe_result probe(void *vctx, uint64_t limit, double timeout_s, minheap_probe_out *out) {
  probe_ctx *p = vctx;
  double t0 = now_s();
  json_t *rec = run_once(p->r, p->c, p->w, limit, NULL, timeout_s);
  out->seconds = now_s() - t0;
  const char *status = str(rec, "status");
  minheap_probe_result res;
  if (!strcmp(status, "ok")) {
    out->peak_bytes = (uint64_t)json_integer_value(json_object_get(json_object_get(rec, "memory"), "peak_heap_bytes"));
    res = PROBE_FITS;
  } else if (limit && !strcmp(status, "oom")) {
    res = PROBE_TOO_SMALL;
  } else if (limit && !strcmp(status, "timeout")) {
    res = PROBE_TIMED_OUT;
  } else {
    snprintf(out->why, sizeof out->why, "%s at %s: %s", status, limit ? "a limit" : "no limit", str(rec, "error"));
    res = PROBE_BROKEN;
  }
  json_decref(rec);
  return res;
}

static bool needs_minheap(const suite *s) {
  for (int h = 0; h < s->nheaps; h++)
    if (s->heaps[h].kind == HEAP_FACTOR) return true;
  return false;
}

/* minheap.json's entry for one pair. */
static json_t *minheap_entry(const minheap_result *m) {
  json_t *e = m->found ? json_pack("{s:s,s:I}", "status", "ok", "bytes", (json_int_t)m->bytes)
                       : json_pack("{s:s,s:s}", "status", "failed", "why", m->why);
  json_object_set_new(e, "probes", json_integer(m->probes));
  json_object_set_new(e, "thrashing_probes", json_integer(m->thrashing));
  json_object_set_new(e, "unlimited_seconds", json_real(m->unlimited_seconds));
  json_object_set_new(e, "bound_seconds", json_real(m->bound_seconds));
  if (m->found && m->thrashing) json_object_set_new(e, "too_small_because", json_string("thrashing"));
  return e;
}

/* Whether the pair's minimum heap is worth its search: a collector that never
 * reclaims (nogc) needs all it allocates, and no base is taken from it unless
 * the suite names it. */
static bool wants_minheap(const runner *r, int c) {
  const suite_collector *sc = &r->s.collectors[c];
  return (r->s.minheap_base && !strcmp(sc->label, r->s.minheap_base)) || collector_has_capability(sc->collector, "reclaims");
}

static bool find_minheap(runner *r, int c, int w) {
  char key[512];
  pair_key(key, sizeof key, &r->s.collectors[c], &r->s.workloads[w]);
  if (json_object_get(r->minheaps, key) || !wants_minheap(r, c)) return true;
  printf("minimum heap of %-24s ... ", key);
  fflush(stdout);
  double t0 = now_s();
  probe_ctx ctx = {r, &r->s.collectors[c], &r->s.workloads[w]};
  minheap_search search = {.tolerance = r->s.minheap_tolerance, .thrash_seconds = r->s.thrash_seconds,
                           .thrash_factor = r->s.thrash_factor, .timeout_s = r->s.timeout_s};
  minheap_result m = minheap_find(&search, probe, &ctx);
  char b[32];
  if (m.found)
    printf("%s (%d probes, %d thrashing, %.1f s)\n", summary_bytes((double)m.bytes, b, sizeof b), m.probes, m.thrashing,
           now_s() - t0);
  else
    printf("none: %s\n", m.why);
  json_object_set_new(r->minheaps, key, minheap_entry(&m));
  char *text = json_dumps(r->minheaps, JSON_INDENT(2) | JSON_SORT_KEYS);
  bool ok = results_write_atomic(r->res.dir, "minheap.json", text, strlen(text));
  free(text);
  return ok;
}

/* A pair's own minimum heap, or 0 when it has none. */
static uint64_t pair_minheap(const runner *r, int c, int w) {
  char key[512];
  pair_key(key, sizeof key, &r->s.collectors[c], &r->s.workloads[w]);
  json_t *m = json_object_get(r->minheaps, key);
  return strcmp(str(m, "status"), "ok") ? 0 : (uint64_t)json_integer_value(json_object_get(m, "bytes"));
}

/* The base heap of workload w: every collector runs at a factor of it (equal
 * terms: one absolute heap per workload and factor).  It is the minimum heap of
 * the suite's minheap_base collector, or else the smallest among the collectors
 * that reclaim memory (nogc's "minimum" is all it allocates).  0 (with *why)
 * when there is none. */
static uint64_t base_heap(const runner *r, int w, int *from, const char **why) {
  uint64_t best = 0;
  *from = -1;
  for (int c = 0; c < r->s.ncollectors; c++) {
    const suite_collector *sc = &r->s.collectors[c];
    bool named = r->s.minheap_base && !strcmp(sc->label, r->s.minheap_base);
    if (r->s.minheap_base ? !named : !collector_has_capability(sc->collector, "reclaims")) continue;
    uint64_t m = pair_minheap(r, c, w);
    if (m && (!best || m < best)) { best = m; *from = c; }
  }
  if (!best) *why = r->s.minheap_base ? "the minheap_base collector has no minimum heap" : "no collector that reclaims has a minimum heap";
  return best;
}

/* minheap.csv: every pair's own minimum against its workload's base (its space
 * efficiency: 1 = as little memory as the best of the suite). */
static bool write_minheap_csv(runner *r) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  fprintf(f, "workload,collector,status,minheap_bytes,base_bytes,base_collector,relative_to_base,probes,thrashing_probes\n");
  for (int w = 0; w < r->s.nworkloads; w++) {
    int from;
    const char *why;
    uint64_t base = base_heap(r, w, &from, &why);
    for (int c = 0; c < r->s.ncollectors; c++) {
      char key[512];
      pair_key(key, sizeof key, &r->s.collectors[c], &r->s.workloads[w]);
      json_t *m = json_object_get(r->minheaps, key);
      uint64_t own = pair_minheap(r, c, w);
      fprintf(f, "%s,%s,%s,", r->s.workloads[w].label, r->s.collectors[c].label, m ? str(m, "status") : "not-searched");
      if (own) fprintf(f, "%llu", (unsigned long long)own);
      fprintf(f, ",");
      if (base) fprintf(f, "%llu,%s", (unsigned long long)base, r->s.collectors[from].label);
      else fprintf(f, ",");
      fprintf(f, ",");
      if (own && base) fprintf(f, "%.4f", (double)own / (double)base);
      fprintf(f, ",%lld,%lld\n", (long long)json_integer_value(json_object_get(m, "probes")),
              (long long)json_integer_value(json_object_get(m, "thrashing_probes")));
    }
  }
  fclose(f);
  bool ok = results_write_atomic(r->res.dir, "minheap.csv", text, len);
  free(text);
  return ok;
}

bool runner_minheaps(runner *r) {
  if (!needs_minheap(&r->s)) return true;
  bool ok = true;
  for (int w = 0; w < r->s.nworkloads; w++)
    for (int c = 0; c < r->s.ncollectors; c++) ok &= find_minheap(r, c, w);
  ok &= write_minheap_csv(r);
  for (int w = 0; w < r->s.nworkloads; w++) {
    int from;
    const char *why;
    char b[32];
    uint64_t base = base_heap(r, w, &from, &why);
    if (base)
      printf("base heap of %-16s %s (%s's minimum)\n", r->s.workloads[w].label,
             summary_bytes((double)base, b, sizeof b), r->s.collectors[from].label);
    else
      printf("base heap of %-16s none: %s\n", r->s.workloads[w].label, why);
  }
  return ok;
}

/* ==================================================================
 * The plan and its execution
 * ================================================================== */

typedef struct planned { int c, w, h; } planned;

/* The run's MMU curve: <results>/mmu/<collector>_<workload>_<heap>_<invocation>.csv
 * (labels with anything but letters, digits, '.', '-' made '_'); *rel gets the path
 * relative to the results folder, for the record. */
static void mmu_path(const runner *r, const char *c, const char *w, const char *h, int inv, char *path, size_t len,
                     char *rel, size_t rlen) {
  char name[512];
  snprintf(name, sizeof name, "%s_%s_%s_%d", c, w, h, inv);
  for (char *p = name; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
      *p = '_';
  snprintf(rel, rlen, "mmu/%s.csv", name);
  snprintf(path, len, "%s/%s", r->res.dir, rel);
}

static const char *fmt_eta(double s, char *buf, size_t len) {
  if (s < 60) snprintf(buf, len, "%.0fs", s);
  else if (s < 3600) snprintf(buf, len, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
  else snprintf(buf, len, "%.0fh%02.0fm", floor(s / 3600), fmod(s / 60, 60));
  return buf;
}

static void progress(const runner *r, size_t done, size_t total, double elapsed, const char *what, const char *result) {
  char eta[32] = "?";
  if (done > 0) fmt_eta(elapsed / (double)done * (double)(total - done), eta, sizeof eta);
  if (r->tty) {
    int width = 30, fill = total ? (int)((double)done / (double)total * width) : width;
    printf("\r\033[K[%.*s%*s] %zu/%zu ETA %s  %s%s%s", fill, "##############################", width - fill, "", done,
           total, eta, what, result ? " " : "", result ? result : "");
    if (done == total && result) printf("\n");
  } else if (result) {
    printf("[%zu/%zu] %s %s (ETA %s)\n", done, total, what, result, eta);
  }
  fflush(stdout);
}

/* The heap limit of a configuration: its factor times the workload's base heap
 * (*base; 0 when the heap is not a factor), the same for every collector; false
 * (with why) when the workload has none. */
static bool heap_limit(const runner *r, int w, int h, uint64_t *bytes, uint64_t *base, const char **why) {
  const suite_heap *heap = &r->s.heaps[h];
  *base = 0;
  if (heap->kind == HEAP_NONE) { *bytes = 0; return true; }
  if (heap->kind == HEAP_BYTES) { *bytes = heap->bytes; return true; }
  int from;
  *base = base_heap(r, w, &from, why);
  if (!*base) return false;
  *bytes = (uint64_t)ceil((double)*base * heap->factor);
  return true;
}

/* The record's "suite" object: which configuration of the suite it measured. */
static json_t *label_record(json_t *rec, const suite_collector *c, const suite_workload *w, const char *heap,
                            json_t *factor, uint64_t limit, int inv) {
  json_t *sj = json_pack("{s:s,s:s,s:s,s:o,s:I,s:i}", "collector", c->label, "workload", w->label, "heap", heap,
                         "heap_factor", factor, "heap_bytes", (json_int_t)limit, "invocation", inv);
  json_object_set_new(rec, "suite", sj);
  return sj;
}

/* The order of one invocation's configurations: workload, heap, collector, or
 * shuffled with the invocation's own seed. */
static void plan_invocation(const suite *s, planned *order, size_t nconfigs, gsl_rng *rng, int inv) {
  for (size_t i = 0; i < nconfigs; i++)
    order[i] = (planned){(int)(i % (size_t)s->ncollectors), (int)(i / (size_t)s->ncollectors / (size_t)s->nheaps),
                         (int)(i / (size_t)s->ncollectors % (size_t)s->nheaps)};
  if (s->shuffle) {
    gsl_rng_set(rng, s->shuffle_seed + (uint64_t)inv);
    gsl_ran_shuffle(rng, order, nconfigs, sizeof *order);
  }
}

static bool is_done(const runner *r, planned p, int inv) {
  char key[512];
  run_key(key, sizeof key, r->s.collectors[p.c].label, r->s.workloads[p.w].label, r->s.heaps[p.h].label, inv);
  return json_object_get(r->done, key) != NULL;
}

/* Convergence mode: a configuration runs again while every run of it so far was ok
 * (a failing one will not converge) and its CI half-width is above the target
 * share of its mean (or it has fewer than two ok runs). */
static bool needs_more(const runner *r, planned p) {
  stats_config cs = stats_of_config(r->res.records, r->s.collectors[p.c].label, r->s.workloads[p.w].label, r->s.heaps[p.h].label);
  if (!cs.ok || cs.ok < cs.runs) return false;
  return !stats_converged(&cs.wall, r->s.converge_ci);
}

typedef struct exec_progress { size_t done, total; double t0; } exec_progress;

/* One configuration's run in invocation inv (skipped when its heap has no minimum),
 * labelled and appended; false if writing failed. */
static bool run_configuration(runner *r, planned p, int inv, exec_progress *ep) {
  const suite_collector *c = &r->s.collectors[p.c];
  const suite_workload *w = &r->s.workloads[p.w];
  const suite_heap *h = &r->s.heaps[p.h];
  char key[512], what[256];
  run_key(key, sizeof key, c->label, w->label, h->label, inv);
  snprintf(what, sizeof what, "%s %s %s #%d", c->label, w->label, h->label, inv);
  progress(r, ep->done, ep->total, now_s() - ep->t0, what, NULL);
  uint64_t limit = 0, base = 0;
  const char *why = NULL;
  json_t *rec;
  char curve[4800], curve_rel[600];
  mmu_path(r, c->label, w->label, h->label, inv, curve, sizeof curve, curve_rel, sizeof curve_rel);
  unlink(curve); /* a curve left by an interrupted run is not this run's */
  if (heap_limit(r, p.w, p.h, &limit, &base, &why)) {
    rec = run_once(r, c, w, limit, curve, 0);
  } else {
    rec = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:{}}}", "schema", 1, "collector", c->collector, "workload",
                    w->workload, "size", w->size, "status", "skipped", "error", why, "counters", "source", "none",
                    "why", "not run", "events");
  }
  json_t *sj = label_record(rec, c, w, h->label, h->kind == HEAP_FACTOR ? json_real(h->factor) : json_null(), limit, inv);
  if (base) json_object_set_new(sj, "base_bytes", json_integer((json_int_t)base));
  if (access(curve, R_OK) == 0) json_object_set_new(sj, "mmu_curve", json_string(curve_rel));
  bool write_ok = results_append(&r->res, rec);
  json_object_set_new(r->done, key, json_true());
  char result[96], d[32];
  json_t *t = json_object_get(rec, "timing");
  snprintf(result, sizeof result, "%s%s%s", str(rec, "status"), t ? " " : "",
           t ? summary_duration((double)json_integer_value(json_object_get(t, "wall_ns")), d, sizeof d) : "");
  progress(r, ++ep->done, ep->total, now_s() - ep->t0, what, result);
  json_decref(rec);
  return write_ok;
}

/* Which configurations of invocation inv run: all not yet recorded up to the
 * suite's invocations; beyond them (convergence mode) those that need more.
 * Returns how many are wanted or already recorded (0: convergence is over). */
static size_t select_runs(const runner *r, const planned *order, size_t nconfigs, int inv, bool *run, size_t *count) {
  size_t alive = 0;
  *count = 0;
  for (size_t i = 0; i < nconfigs; i++) {
    bool done = is_done(r, order[i], inv);
    run[i] = !done && (inv <= r->s.invocations || needs_more(r, order[i]));
    alive += done || run[i];
    *count += run[i];
  }
  return alive;
}

bool runner_execute(runner *r) {
  const suite *s = &r->s;
  size_t nconfigs = (size_t)s->ncollectors * (size_t)s->nworkloads * (size_t)s->nheaps, count;
  planned *order = malloc(nconfigs * sizeof *order);
  bool *run = malloc(nconfigs * sizeof *run), write_ok = true;
  exec_progress ep = {0};
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  for (int inv = 1; inv <= s->invocations; inv++) {
    plan_invocation(s, order, nconfigs, rng, inv);
    select_runs(r, order, nconfigs, inv, run, &count);
    ep.total += count;
  }
  char mmu_dir[4200];
  snprintf(mmu_dir, sizeof mmu_dir, "%s/mmu", r->res.dir);
  mkdir(mmu_dir, 0777); /* may exist already (a resumed run) */
  ep.t0 = now_s();
  int last = s->converge_max > s->invocations ? s->converge_max : s->invocations;
  for (int inv = 1; inv <= last && write_ok; inv++) {
    plan_invocation(s, order, nconfigs, rng, inv);
    size_t alive = select_runs(r, order, nconfigs, inv, run, &count);
    if (inv > s->invocations) {
      if (!alive) break;
      ep.total += count;
    }
    for (size_t i = 0; i < nconfigs && write_ok; i++)
      if (run[i]) write_ok = run_configuration(r, order[i], inv, &ep);
  }
  gsl_rng_free(rng);
  free(order);
  free(run);
  printf("%zu run(s) in %.1f s\n", ep.done, now_s() - ep.t0);
  return write_ok;
}

/* ==================================================================
 * Measurement runs: live sizes and callgrind counters
 * ================================================================== */

/* Why apart from the timed runs: a census walks the whole heap at every collection
 * and callgrind slows a run some fifty-fold, so either would make the timings lie.
 * Their records carry suite.heap "census" or "callgrind", which no timing summary
 * matches; the figures read them (harness/driver/figdata.c). */
static bool measure_once(runner *r, const suite_collector *c, const suite_workload *w, const char *kind) {
  char key[512];
  run_key(key, sizeof key, c->label, w->label, kind, 1);
  if (json_object_get(r->done, key)) return true;
  invocation inv;
  invocation_for(r, c, w, 0, &inv);
  bool census = !strcmp(kind, "census");
  if (census) {
    inv.census = true;
  } else {
    inv.counters = "callgrind";
    if (strcmp(r->s.callgrind_size, "same")) inv.size = r->s.callgrind_size;
    inv.timeout_s = r->s.timeout_s * 50;
  }
  printf("%-9s %-24s ... ", kind, key);
  fflush(stdout);
  double t0 = now_s();
  const char *usage = NULL;
  json_t *rec = invocation_run(&inv, &usage);
  if (!rec) rec = rejected_record(&inv, usage);
  label_record(rec, c, w, kind, json_null(), 0, 1);
  json_t *mem = json_object_get(rec, "memory");
  char b[32];
  if (census && json_object_get(mem, "peak_live_bytes"))
    printf("%s live (%.1f s)\n", summary_bytes((double)json_integer_value(json_object_get(mem, "peak_live_bytes")), b, sizeof b),
           now_s() - t0);
  else
    printf("%s (%.1f s)\n", str(rec, "status"), now_s() - t0);
  bool ok = results_append(&r->res, rec);
  json_object_set_new(r->done, key, json_true());
  json_decref(rec);
  return ok;
}

bool runner_measure(runner *r) {
  bool ok = true;
  for (int w = 0; ok && w < r->s.nworkloads; w++) {
    if (r->s.census) {
      for (int c = 0; c < r->s.ncollectors; c++)
        if (!strcmp(r->s.collectors[c].label, r->s.census)) ok &= measure_once(r, &r->s.collectors[c], &r->s.workloads[w], "census");
    }
    for (int c = 0; ok && r->s.callgrind_size && c < r->s.ncollectors; c++)
      ok &= measure_once(r, &r->s.collectors[c], &r->s.workloads[w], "callgrind");
  }
  return ok;
}

/* ==================================================================
 * The summary
 * ================================================================== */

/* Per workload and size, every ok run must have the same checksum. */
static int count_checksum_mismatches(json_t *records) {
  int bad = 0;
  size_t i, j;
  json_t *a, *b;
  json_array_foreach(records, i, a) {
    if (strcmp(str(a, "status"), "ok")) continue;
    json_array_foreach(records, j, b) {
      if (j >= i) break;
      if (strcmp(str(b, "status"), "ok") || strcmp(str(a, "workload"), str(b, "workload")) ||
          strcmp(str(a, "size"), str(b, "size")) || !json_equal(json_object_get(a, "params"), json_object_get(b, "params")))
        continue;
      if (strcmp(str(a, "checksum"), str(b, "checksum"))) {
        fprintf(stderr, "gclab: CHECKSUM MISMATCH on %s (%s): %s gives %s, %s gives %s\n", str(a, "workload"),
                str(a, "size"), str(b, "collector"), str(b, "checksum"), str(a, "collector"), str(a, "checksum"));
        bad++;
      }
      break;
    }
  }
  return bad;
}

static void factor_text(const suite_heap *h, char *buf, size_t len) {
  buf[0] = '\0';
  if (h->kind == HEAP_FACTOR) snprintf(buf, len, "%g", h->factor);
}

/* The comparison with the baseline that assumes no distribution: a bootstrap 95%
 * interval of the ratio of median times (fixed seed: reproducible) and the
 * Mann-Whitney U p-value; empty cells when either side has no ok run. */
static void baseline_cells(FILE *fs, json_t *records, const char *base, const char *c, const char *w, const char *h) {
  double *x, *y;
  size_t nx = stats_config_walls(records, c, w, h, &x), ny = stats_config_walls(records, base, w, h, &y);
  stats_ratio br = stats_bootstrap_median_ratio(x, nx, y, ny, 20221, 2000);
  double p = stats_mann_whitney_p(x, nx, y, ny);
  if (isnan(br.ratio)) fprintf(fs, ",,,");
  else fprintf(fs, ",%.4f,%.4f,%.4f", br.ratio, br.lo, br.hi);
  if (isnan(p)) fprintf(fs, ",\n");
  else fprintf(fs, ",%.4g\n", p);
  free(x);
  free(y);
}

/* One configuration: its summary.csv row and its line in the printed table (a '!'
 * after the CI when it is wider than ci_warn of the mean). */
static void summary_row(const runner *r, FILE *fs, int c, int w, int h) {
  const suite *s = &r->s;
  const char *cl = s->collectors[c].label, *wl = s->workloads[w].label, *hl = s->heaps[h].label;
  stats_config base = stats_of_config(r->res.records, s->baseline, wl, hl);
  stats_config cs = stats_of_config(r->res.records, cl, wl, hl);
  double norm = cs.ok && base.ok ? cs.wall.mean / base.wall.mean : NAN;
  double ci_rel = stats_ci_share(&cs.wall);
  bool wide = !isnan(ci_rel) && ci_rel > s->ci_warn;
  char factor[32], normtxt[32] = "";
  factor_text(&s->heaps[h], factor, sizeof factor);
  if (!isnan(norm)) snprintf(normtxt, sizeof normtxt, "%.4f", norm);
  if (cs.ok) {
    fprintf(fs, "%s,%s,%s,%s,%zu,%zu,%.0f,%.0f,%.0f,%.0f,%.4f,%.0f,%.0f,%.0f,%s,", cl, wl, hl, factor, cs.runs, cs.ok,
            cs.wall.mean, cs.wall.median, cs.wall.sd, cs.wall.ci95, cs.wall.cv, cs.gc.mean, cs.gc.ci95, cs.peak_heap, normtxt);
    if (isnan(ci_rel)) fprintf(fs, ",");
    else fprintf(fs, "%.4f,%d", ci_rel, wide);
    baseline_cells(fs, r->res.records, s->baseline, cl, wl, hl);
  } else {
    fprintf(fs, "%s,%s,%s,%s,%zu,0,,,,,,,,,,,,,,,\n", cl, wl, hl, factor, cs.runs);
  }
  char a[32], b[32], g[32], ci[40];
  snprintf(ci, sizeof ci, "%s%s", cs.ok >= 2 ? summary_duration(cs.wall.ci95, b, sizeof b) : "-", wide ? " !" : "  ");
  printf("%-14s %-8s %-14s %3zu %14s %14s %5.1f%% %8s %8s\n", wl, hl, cl, cs.ok,
         cs.ok ? summary_duration(cs.wall.mean, a, sizeof a) : "-", ci, cs.wall.cv * 100,
         cs.ok ? summary_duration(cs.gc.mean, g, sizeof g) : "-", isnan(norm) ? "-" : normtxt);
  if (cs.ok >= 2 && cs.wall.cv > s->cv_warn)
    printf("  warning: %s %s %s: coefficient of variation %.1f%% exceeds %.1f%%\n", cl, wl, hl, cs.wall.cv * 100,
           s->cv_warn * 100);
}

/* geomean.csv's rows at one heap: per collector, over the workloads where both it
 * and the baseline completed. */
static void geomean_rows(const runner *r, FILE *fg, int h) {
  const suite *s = &r->s;
  char factor[32];
  factor_text(&s->heaps[h], factor, sizeof factor);
  for (int c = 0; c < s->ncollectors; c++) {
    double ratios[256];
    size_t n = 0;
    for (int w = 0; w < s->nworkloads && n < 256; w++) {
      stats_config cs = stats_of_config(r->res.records, s->collectors[c].label, s->workloads[w].label, s->heaps[h].label);
      stats_config base = stats_of_config(r->res.records, s->baseline, s->workloads[w].label, s->heaps[h].label);
      if (cs.ok && base.ok) ratios[n++] = cs.wall.mean / base.wall.mean;
    }
    if (n) fprintf(fg, "%s,%s,%s,%zu,%.4f\n", s->collectors[c].label, s->heaps[h].label, factor, n, stats_geomean(ratios, n));
  }
}

/* lbo.csv and lbo_geomean.csv when the records give any row (heap factors or
 * callgrind runs), and the geometric means printed. */
static bool write_lbo(runner *r) {
  lbo_table t = lbo_compute(r->res.records, &r->s);
  bool ok = true;
  if (t.nrows) {
    size_t len;
    char *rows = lbo_rows_csv(&t, &len);
    ok &= results_write_atomic(r->res.dir, "lbo.csv", rows, len);
    free(rows);
    char *geo = lbo_geo_csv(&t, &len);
    ok &= results_write_atomic(r->res.dir, "lbo_geomean.csv", geo, len);
    printf("\nlower-bound overhead (total / minimum distilled cost - 1), geometric mean over workloads:\n%s", geo);
    free(geo);
  }
  lbo_free(&t);
  return ok;
}

/* Convergence mode's outcome: how many configurations reached the target. */
static void print_convergence(const runner *r) {
  const suite *s = &r->s;
  int met = 0, all = 0;
  for (int h = 0; h < s->nheaps; h++)
    for (int w = 0; w < s->nworkloads; w++)
      for (int c = 0; c < s->ncollectors; c++) {
        stats_config cs = stats_of_config(r->res.records, s->collectors[c].label, s->workloads[w].label, s->heaps[h].label);
        if (!cs.ok) continue;
        all++;
        met += stats_converged(&cs.wall, s->converge_ci);
      }
  printf("\nconvergence: %d of %d configuration(s) reached a 95%% CI within %.1f%% of the mean (at most %d invocations)\n",
         met, all, s->converge_ci * 100, s->converge_max);
}

int runner_summarise(runner *r) {
  const suite *s = &r->s;
  bool ok = results_write_csv(&r->res);
  char *sum = NULL, *geo = NULL;
  size_t sumlen = 0, geolen = 0;
  FILE *fs = open_memstream(&sum, &sumlen), *fg = open_memstream(&geo, &geolen);
  fprintf(fs, "collector,workload,heap,heap_factor,runs,ok,wall_mean_ns,wall_median_ns,wall_sd_ns,wall_ci95_ns,wall_cv,"
              "gc_mean_ns,gc_ci95_ns,peak_heap_mean_bytes,normalised_wall,wall_ci95_rel,ci_wide,"
              "median_ratio,median_ratio_ci95_lo,median_ratio_ci95_hi,mann_whitney_p\n");
  fprintf(fg, "collector,heap,heap_factor,workloads,geomean_normalised_wall\n");
  printf("\n%-14s %-8s %-14s %3s %14s %14s %6s %8s %8s\n", "workload", "heap", "collector", "n", "time/iter",
         "±95%", "cv", "gc", "vs base");
  for (int h = 0; h < s->nheaps; h++) {
    for (int w = 0; w < s->nworkloads; w++)
      for (int c = 0; c < s->ncollectors; c++) summary_row(r, fs, c, w, h);
    geomean_rows(r, fg, h);
  }
  fclose(fs);
  fclose(fg);
  printf("(! : the 95%% CI is wider than %.0f%% of the mean: more invocations, or a quieter machine)\n", s->ci_warn * 100);
  ok &= results_write_atomic(r->res.dir, "summary.csv", sum, sumlen);
  ok &= results_write_atomic(r->res.dir, "geomean.csv", geo, geolen);
  printf("\ngeometric mean of time per iteration, normalised to %s:\n", s->baseline);
  fputs(geo, stdout);
  free(sum);
  free(geo);
  ok &= write_lbo(r);
  if (s->converge_ci > 0) print_convergence(r);
  int mismatches = count_checksum_mismatches(r->res.records);
  if (mismatches) printf("%d checksum mismatch(es): a collector is wrong\n", mismatches);
  return ok ? mismatches : -1;
}
