/*
 * bench_main.c — one invocation: one collector (bound at build time), one workload,
 * N iterations of which the first K warm up; prints one JSON record.
 *
 * Exit status: 0 ok, 1 verify-failed, 3 oom, 2 bad arguments (message on stderr,
 * no record).  Crashes and timeouts are recorded by the driver that spawned us.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "collectors/common/gc_clock.h"
#include "harness/bench_context.h"
#include "harness/counters.h"
#include "harness/heap_verify.h"
#include "harness/record.h"
#ifdef GC_RECORD
#include "harness/trace_record.h"
#endif

static const char *const size_names[WL_NSIZES] = {"quick", "default", "large"};

typedef struct bench_args {
  const char *workload;
  wl_size size;
  long iterations, warmup;
  uint64_t seed;
  uint64_t heap_bytes;
  gc_heap_policy heap_policy; /* --heap-policy: fixed (the default) or growable */
  bool zeal;
  bool verify; /* --verify: the heap verifier after every collection */
  bool census; /* --census: the verifier, unpaced, and the live bytes it reached */
  const char *tuning;
  const char *record;  /* --record FILE (bench_record only): the first iteration's trace */
  counters_source counters;
  const char *events;  /* --events: NULL = the defaults */
  const char *mmu_out; /* --mmu-out: the MMU curve's CSV, or NULL */
} bench_args;

static _Noreturn void usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "bench: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n");
  exit(2);
}

static void usage(void) {
  printf("usage: bench --workload W [--size quick|default|large] [--iterations N] [--warmup K]\n"
         "             [--seed N] [--heap-bytes N] [--heap-policy fixed|growable] [--zeal]\n"
         "             [--tuning S] [--param K=V ...]\n"
         "             [--counters papi|callgrind|none] [--events E1,E2,...] [--mmu-out FILE]\n"
         "             [--verify] [--census] [--record FILE]\n"
         "       bench --describe | --help\n"
         "Runs one workload under this binary's collector and prints one JSON record.\n"
         "  --heap-policy fixed: the heap limit is the heap, which the collector sizes its\n"
         "               spaces from and fills before it collects (the default); growable:\n"
         "               the collector's own growth policy, the limit a cap\n"
         "  --verify     walk and check the heap after collections (paced on large heaps)\n"
         "  --census     after every collection pause, sum the object bytes reachable from\n"
         "               the roots (implies --verify, unpaced): memory.peak_live_bytes and\n"
         "               memory.census_count in the record\n"
         "See README.md, \"The record\", for the fields.\n");
}

static uint64_t parse_count(const char *opt, const char *v, uint64_t min, uint64_t max) {
  char *end;
  if (!v || !*v || *v == '-' || *v == '+') usage_error("%s needs a non-negative integer", opt);
  unsigned long long n = strtoull(v, &end, 10);
  if (*end || n < min || n > max) usage_error("%s: value out of range or malformed", opt);
  return n;
}

/* ==================================================================
 * Describing the collector (gclab list)
 * ================================================================== */

static int describe(void) {
  const gc_collector_info *ci = gc_collector();
  json_t *workloads = json_array();
  for (const workload *const *w = wl_registry; *w; w++) {
    json_t *sizes = json_object();
    for (int s = 0; s < WL_NSIZES; s++) json_object_set_new(sizes, size_names[s], json_string((*w)->size_doc[s]));
    json_t *wj = json_pack("{s:s,s:s,s:o}", "name", (*w)->name, "description", (*w)->description, "sizes", sizes);
    if ((*w)->params_doc) json_object_set_new(wj, "params", json_string((*w)->params_doc));
    json_array_append_new(workloads, wj);
  }
  json_t *d = json_pack("{s:s,s:s,s:o,s:o}", "name", ci->name, "description", ci->description,
                        "capabilities", record_caps(ci->caps), "workloads", workloads);
  record_print(d);
  json_decref(d);
  return 0;
}

/* ==================================================================
 * Arguments
 * ================================================================== */

static void parse_args(int argc, char **argv, bench_args *a, wl_ctx *ctx, bool *describe_only) {
  static const struct option opts[] = {
      {"workload", required_argument, 0, 'w'}, {"size", required_argument, 0, 's'},
      {"iterations", required_argument, 0, 'n'}, {"warmup", required_argument, 0, 'k'},
      {"seed", required_argument, 0, 'S'}, {"heap-bytes", required_argument, 0, 'H'},
      {"zeal", no_argument, 0, 'z'}, {"tuning", required_argument, 0, 't'},
      {"param", required_argument, 0, 'p'}, {"describe", no_argument, 0, 'D'},
      {"record", required_argument, 0, 'R'},
      {"counters", required_argument, 0, 'C'}, {"events", required_argument, 0, 'E'},
      {"mmu-out", required_argument, 0, 'M'}, {"verify", no_argument, 0, 'V'},
      {"census", no_argument, 0, 'L'}, {"heap-policy", required_argument, 0, 'P'},
      {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  *a = (bench_args){.size = WL_QUICK, .iterations = 1, .warmup = 0, .seed = 1, .heap_policy = GC_HEAP_FIXED};
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
      case 'w': a->workload = optarg; break;
      case 's': {
        int found = -1;
        for (int s = 0; s < WL_NSIZES; s++) if (!strcmp(optarg, size_names[s])) found = s;
        if (found < 0) usage_error("unknown size '%s' (valid: quick, default, large)", optarg);
        a->size = (wl_size)found;
        break;
      }
      case 'n': a->iterations = (long)parse_count("--iterations", optarg, 1, 1000000); break;
      case 'k': a->warmup = (long)parse_count("--warmup", optarg, 0, 1000000); break;
      case 'S': a->seed = parse_count("--seed", optarg, 0, UINT64_MAX); break;
      case 'H': a->heap_bytes = parse_count("--heap-bytes", optarg, 0, UINT64_MAX); break;
      case 'z': a->zeal = true; break;
      case 'P':
        if (!strcmp(optarg, "fixed")) a->heap_policy = GC_HEAP_FIXED;
        else if (!strcmp(optarg, "growable")) a->heap_policy = GC_HEAP_GROWABLE;
        else usage_error("unknown heap policy '%s' (valid: fixed, growable)", optarg);
        break;
      case 'R': a->record = optarg; break;
      case 'V': a->verify = true; break;
      case 'L': a->census = true; break;
      case 'h': usage(); exit(0);
      case 't': a->tuning = optarg; break;
      case 'p': {
        char *eq = strchr(optarg, '=');
        if (!eq || eq == optarg) usage_error("--param needs key=value, got '%s'", optarg);
        if (ctx->nparams == BENCH_MAX_PARAMS) usage_error("too many --param options%s", "");
        *eq = '\0';
        ctx->param_keys[ctx->nparams] = optarg;
        ctx->param_values[ctx->nparams++] = eq + 1;
        break;
      }
      case 'D': *describe_only = true; break;
      case 'C':
        if (!counters_source_parse(optarg, &a->counters))
          usage_error("unknown counter source '%s' (valid: papi, callgrind, none)", optarg);
        break;
      case 'E': a->events = optarg; break;
      case 'M': a->mmu_out = optarg; break;
      default: usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) usage_error("unexpected argument '%s'", argv[optind]);
  if (*describe_only) return;
  if (!a->workload) usage_error("%s", "--workload is required");
  if (a->warmup >= a->iterations) usage_error("%s", "--warmup must be smaller than --iterations");
}

/* ==================================================================
 * The run
 * ================================================================== */

static wl_ctx *oom_ctx;

/* The heap's oom handler: the heap is left as it is (frames open), the record says
 * oom, and the process ends. */
static _Noreturn void on_oom(void *arg, size_t requested) {
  (void)arg;
  bench_escape_to(oom_ctx, BENCH_OOM, "out of memory: %zu more bytes do not fit the heap limit", requested);
}

/* --verify checks every collection while fewer than this many objects are
 * reachable, and beyond that about this many objects' worth of walking per
 * collection (heap_verify.h): zeal collects at every allocation, and a full walk
 * each time made the quick workloads quadratic (minutes instead of a second). */
#define BENCH_VERIFY_PACE 256

/* The heap verifier found a broken heap: the run ends as verify-failed, saying
 * which object and which field. */
static _Noreturn void on_verify_failure(const char *message) {
  fprintf(stderr, "bench: heap verification failed: %s\n", message);
  bench_escape_to(oom_ctx, BENCH_VERIFY_FAILED, "heap verification failed: %s", message);
}

/* --census: the verifier's walk after every collection pause, summed. Only
 * censuses taken while `counting` (the iterations, warm-up included) count: the
 * final leak-check collection, after every root is dropped, is not one. */
static struct {
  bool counting;
  uint64_t count, peak_bytes;
} census;

static void on_census(const hv_census *reached) {
  if (!census.counting) return;
  census.count++;
  if (reached->bytes > census.peak_bytes) census.peak_bytes = reached->bytes;
}

/* The verifier after collections, for --verify (paced) or --census (every pause:
 * a skipped pause would be a census missed). */
static void install_verifier(const bench_args *a, gc_heap *h) {
  if (!a->verify && !a->census) return;
  census.counting = a->census;
  heap_verify_install(&(hv_target){h, gc_collector()->caps, gc_debug_is_object, gc_refcount, gc_stats_read,
                                   on_verify_failure, a->census ? 0 : BENCH_VERIFY_PACE,
                                   a->census ? on_census : NULL});
}

/* memory.census_count and, when a census was taken, memory.peak_live_bytes; a
 * run with no collection has no live-size measurement rather than a made-up 0. */
static void census_note(json_t *memory, const bench_args *a) {
  if (!a->census) return;
  if (census.count) json_object_set_new(memory, "peak_live_bytes", json_integer((json_int_t)census.peak_bytes));
  json_object_set_new(memory, "census_count", json_integer((json_int_t)census.count));
}

static uint64_t cpu_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t pause_ns_since(gc_heap *h, size_t first) {
  size_t n;
  const gc_pause *log = gc_pause_log(h, &n);
  uint64_t total = 0;
  for (size_t i = first; i < n; i++) total += log[i].end_ns - log[i].start_ns;
  return total;
}

/* After the first iteration every --param must have been read: a misspelt key
 * would otherwise silently run a different experiment. */
static void reject_unused_params(wl_ctx *ctx, const workload *w) {
  for (int i = 0; i < ctx->nparams; i++)
    if (!ctx->param_used[i])
      bench_escape_to(ctx, BENCH_BAD_PARAM, "workload %s takes no parameter '%s'%s%s", w->name, ctx->param_keys[i],
                      w->params_doc ? "; it takes: " : "", w->params_doc ? w->params_doc : "");
}

static const char *status_name(int escape) {
  switch (escape) {
    case BENCH_RUNNING: return "ok";
    case BENCH_VERIFY_FAILED: return "verify-failed";
    case BENCH_OOM: return "oom";
    default: return "error";
  }
}

/* ==================================================================
 * --record FILE: the trace of the first iteration (bench_record only)
 * ================================================================== */

#ifdef GC_RECORD
/* The trace header's comment: what was recorded. */
static void describe_run(char *buf, size_t len, const bench_args *a, const wl_ctx *ctx) {
  size_t used = (size_t)snprintf(buf, len, "workload %s, size %s, seed %llu, params:", a->workload, size_names[a->size],
                                 (unsigned long long)a->seed);
  for (int i = 0; i < ctx->nparams && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, " %s=%s", ctx->param_keys[i], ctx->param_values[i]);
  for (char *c = buf; *c; c++)
    if (*c == '\n' || *c == '\r') *c = ' ';
}

static void trace_begin(const bench_args *a, wl_ctx *ctx) {
  if (!a->record) return;
  char about[1024];
  describe_run(about, sizeof about, a, ctx);
  const char *error;
  if (!trace_record_begin(ctx->heap, a->record, about, &error)) {
    fprintf(stderr, "bench: %s\n", error);
    exit(2);
  }
}

/* A trace that cannot be written ends the run like bad arguments (exit 2). */
static void trace_end(const bench_args *a, wl_ctx *ctx, uint64_t checksum) {
  const char *error;
  if (a->record && !trace_record_end(checksum, &error)) bench_escape_to(ctx, BENCH_BAD_PARAM, "%s", error);
}

static void trace_abandon(const bench_args *a) {
  if (a->record) trace_record_abandon();
}

static void trace_note(json_t *r, const bench_args *a, int escape) {
  if (!a->record || escape) return;
  trace_record_counts c = trace_record_summary();
  json_object_set_new(r, "trace", json_pack("{s:s,s:I,s:I,s:I}", "file", a->record, "lines", (json_int_t)c.lines,
                                            "objects", (json_int_t)c.objects, "digests", (json_int_t)c.digests));
}
#else
/* Only bench_record records; the driver runs it for `gclab bench --record`. */
static void trace_begin(const bench_args *a, wl_ctx *ctx) {
  (void)ctx;
  if (a->record) usage_error("--record: this binary does not record (bench_record does)%s", "");
}
static void trace_end(const bench_args *a, wl_ctx *ctx, uint64_t checksum) { (void)a, (void)ctx, (void)checksum; }
static void trace_abandon(const bench_args *a) { (void)a; }
static void trace_note(json_t *r, const bench_args *a, int escape) { (void)r, (void)a, (void)escape; }
#endif

/* ==================================================================
 * One invocation, step by step
 * ================================================================== */

/* What the timed iterations measured.  Static: it is written between setjmp and
 * a possible longjmp, and read after. */
static struct bench_timing {
  uint64_t checksum, wall, cpu, gc_ns;
  uint64_t timed_start, timed_end; /* the timed iterations' span (MMU) */
  size_t first_timed_pause, end_timed_pause;
  long done;
  json_t *iteration_ns;
} timing;

static const workload *find_workload_or_exit(const char *name) {
  const workload *w = wl_find(name);
  if (w) return w;
  fprintf(stderr, "bench: unknown workload '%s' (valid:", name);
  for (const workload *const *x = wl_registry; *x; x++) fprintf(stderr, " %s", (*x)->name);
  fprintf(stderr, ")\n");
  exit(2);
}

static gc_heap *open_heap_or_exit(const bench_args *a) {
  gc_options opts = {.heap_limit = a->heap_bytes, .heap_policy = a->heap_policy, .zeal = a->zeal,
                     .tuning = a->tuning, .on_oom = on_oom};
  const char *error = NULL;
  gc_heap *h = gc_heap_create(&opts, &error);
  if (!h) {
    fprintf(stderr, "bench: %s: %s\n", gc_collector()->name, error);
    exit(2);
  }
  return h;
}

/* One iteration: the workload once, its checksum checked against the first's,
 * and, past the warm-up, its times added to `timing`. */
static void run_iteration(const bench_args *a, wl_ctx *ctx, const workload *w) {
  gc_heap *h = ctx->heap;
  bool timed = timing.done >= a->warmup;
  ctx->iteration = (int)timing.done;
  json_array_clear(ctx->output);
  size_t pauses_before;
  gc_pause_log(h, &pauses_before);
  if (timing.done == a->warmup) timing.first_timed_pause = pauses_before;
  if (timed) counters_timed_begin();
  uint64_t t0 = gc_now_ns(), c0 = cpu_now_ns();
  uint64_t sum = w->run(ctx);
  uint64_t t1 = gc_now_ns(), c1 = cpu_now_ns();
  if (timed) counters_timed_end();
  if (timing.done > 0 && sum != timing.checksum)
    bench_escape_to(ctx, BENCH_VERIFY_FAILED, "checksum of iteration %ld differs from the first", timing.done);
  timing.checksum = sum;
  if (timed) {
    timing.wall += t1 - t0;
    timing.cpu += c1 - c0;
    timing.gc_ns += pause_ns_since(h, pauses_before);
    if (timing.done == a->warmup) timing.timed_start = t0;
    timing.timed_end = t1;
    gc_pause_log(h, &timing.end_timed_pause);
    json_array_append_new(timing.iteration_ns, json_integer((json_int_t)(t1 - t0)));
  }
  if (++timing.done == 1) {
    reject_unused_params(ctx, w);
    trace_end(a, ctx, timing.checksum);
  }
}

/* The most collections the leak check runs (gc.h rule 5). */
#define BENCH_LEAK_COLLECTIONS_MAX 4

/* Leaks are a result (gc.h rule 5): every root dropped, then collections until
 * one runs no finalizer and frees nothing, at most BENCH_LEAK_COLLECTIONS_MAX.
 * Why more than one: a tracing collector finalizes an object at the collection
 * that finds it unreachable and frees it (and what only it reached) at the next,
 * so one collection would report garbage awaiting its free as leaked.  Pure
 * counting's cycles survive every collection, so rc's leak is unchanged.
 * Returns the collections run. */
static int collect_for_leak_check(gc_heap *h) {
  gc_frame_close(h, 0);
  gc_stats before, after;
  gc_stats_read(h, &before);
  for (int n = 1;; n++, before = after) {
    gc_collect(h);
    gc_stats_read(h, &after);
    bool settled = after.frees == before.frees && after.finalizers_run == before.finalizers_run;
    if (settled || n == BENCH_LEAK_COLLECTIONS_MAX) return n;
  }
}

/* The run's identity: what was asked for, whatever happened. */
static json_t *record_identity(const bench_args *a, const wl_ctx *ctx, const workload *w) {
  json_t *params = json_object();
  for (int i = 0; i < ctx->nparams; i++) json_object_set_new(params, ctx->param_keys[i], json_string(ctx->param_values[i]));
  json_t *r = json_object();
  json_object_set_new(r, "schema", json_integer(RECORD_SCHEMA));
  json_object_set_new(r, "collector", json_string(gc_collector()->name));
  json_object_set_new(r, "workload", json_string(w->name));
  json_object_set_new(r, "size", json_string(size_names[a->size]));
  json_object_set_new(r, "seed", json_integer((json_int_t)a->seed));
  json_object_set_new(r, "heap_bytes", json_integer((json_int_t)a->heap_bytes));
  json_object_set_new(r, "heap_policy", json_string(a->heap_policy == GC_HEAP_FIXED ? "fixed" : "growable"));
  json_object_set_new(r, "tuning", json_string(a->tuning ? a->tuning : ""));
  json_object_set_new(r, "zeal", json_boolean(a->zeal));
  json_object_set_new(r, "params", params);
  return r;
}

/* memory: peaks, and the leak once the leak check ran (-1 collections: it did
 * not, the run having ended early). */
static json_t *record_memory(const bench_args *a, const gc_stats *st, const struct rusage *ru, int leak_collections) {
  bool known = leak_collections > 0;
  json_t *memory = json_pack(
      "{s:I,s:I,s:o,s:o,s:I,s:o}", "peak_heap_bytes", (json_int_t)st->peak_heap_bytes, "peak_rss_bytes",
      (json_int_t)ru->ru_maxrss * 1024, "leaked_bytes",
      known ? json_integer((json_int_t)(st->live_bytes - st->immortal_bytes)) : json_null(), "leaked_objects",
      known ? json_integer((json_int_t)(st->live_objects - st->immortal_objects)) : json_null(), "immortal_objects",
      (json_int_t)st->immortal_objects, "leak_collections", known ? json_integer(leak_collections) : json_null());
  census_note(memory, a);
  return memory;
}

static json_t *record_rusage(const struct rusage *ru) {
  return json_pack("{s:I,s:I,s:I,s:I,s:I}", "max_rss_bytes", (json_int_t)ru->ru_maxrss * 1024, "minor_faults",
                   (json_int_t)ru->ru_minflt, "major_faults", (json_int_t)ru->ru_majflt, "voluntary_switches",
                   (json_int_t)ru->ru_nvcsw, "involuntary_switches", (json_int_t)ru->ru_nivcsw);
}

/* The whole record (README.md, "The record"). */
static json_t *build_record(const bench_args *a, const wl_ctx *ctx, const workload *w, int escape,
                            int leak_collections) {
  gc_heap *h = ctx->heap;
  gc_stats st;
  gc_stats_read(h, &st);
  size_t npauses;
  const gc_pause *log = gc_pause_log(h, &npauses);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  json_t *r = record_identity(a, ctx, w);
  trace_note(r, a, escape);
  json_object_set_new(r, "status", json_string(status_name(escape)));
  if (escape) json_object_set_new(r, "error", json_string(ctx->message));
  json_object_set_new(r, "checksum", record_checksum(timing.checksum));
  json_object_set_new(r, "iterations", json_integer(a->iterations));
  json_object_set_new(r, "warmup", json_integer(a->warmup));
  json_object_set_new(r, "iterations_done", json_integer(timing.done));
  json_object_set_new(r, "timing", json_pack("{s:I,s:I,s:I,s:I,s:O}", "wall_ns", (json_int_t)timing.wall, "cpu_ns",
                                             (json_int_t)timing.cpu, "gc_ns", (json_int_t)timing.gc_ns, "mutator_ns",
                                             (json_int_t)(timing.wall - timing.gc_ns), "iteration_wall_ns",
                                             timing.iteration_ns));
  /* the leak check's collections are not pauses of the timed iterations */
  json_object_set_new(r, "pauses", record_pauses(log, timing.first_timed_pause, timing.end_timed_pause));
  json_object_set_new(r, "mmu", record_mmu(log, timing.first_timed_pause, timing.end_timed_pause, timing.timed_start,
                                           timing.timed_end, a->mmu_out));
  json_object_set_new(r, "memory", record_memory(a, &st, &ru, leak_collections));
  json_object_set_new(r, "stats", record_stats(&st));
  json_object_set_new(r, "counters", counters_record());
  json_object_set_new(r, "observations", json_incref(ctx->observations));
  json_object_set_new(r, "output", json_incref(ctx->output));
  json_object_set_new(r, "rusage", record_rusage(&ru));
  return r;
}

int main(int argc, char **argv) {
  static wl_ctx ctx; /* static: it must outlive longjmp */
  /* jansson seeds its hash tables at random; the workloads' observations are
   * JSON objects filled inside the timed iterations, so a fixed seed is what makes
   * callgrind's counts repeat exactly from run to run */
  json_object_seed(1);
  bench_context_init(&ctx);
  bench_args a;
  bool describe_only = false;
  parse_args(argc, argv, &a, &ctx, &describe_only);
  if (describe_only) return describe();
  char counters_error[512];
  if (!counters_open(a.counters, a.events, counters_error, sizeof counters_error)) {
    fprintf(stderr, "bench: %s\n", counters_error);
    return 2;
  }
  const workload *w = find_workload_or_exit(a.workload);
  oom_ctx = &ctx;
  gc_heap *h = open_heap_or_exit(&a);
  counters_attach(h, gc_stats_read);
  install_verifier(&a, h);
  ctx.heap = h;
  ctx.size = a.size;
  ctx.seed = a.seed;
  trace_begin(&a, &ctx);
  timing.iteration_ns = json_array();

  int escape = setjmp(ctx.escape);
  while (!escape && timing.done < a.iterations) run_iteration(&a, &ctx, w);
  if (escape) trace_abandon(&a);
  census.counting = false;
  if (escape == BENCH_BAD_PARAM) {
    fprintf(stderr, "bench: %s\n", ctx.message);
    return 2;
  }
  int leak_collections = escape ? -1 : collect_for_leak_check(h);
  json_t *r = build_record(&a, &ctx, w, escape, leak_collections);
  record_print(r);
  json_decref(r);
  if (!escape) gc_heap_destroy(h);
  return escape == BENCH_VERIFY_FAILED ? 1 : escape == BENCH_OOM ? 3 : 0;
}
