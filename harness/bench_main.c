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
         "             [--seed N] [--heap-bytes N] [--zeal] [--tuning S] [--param K=V ...]\n"
         "             [--counters papi|callgrind|none] [--events E1,E2,...] [--mmu-out FILE]\n"
         "             [--verify] [--census] [--record FILE]\n"
         "       bench --describe | --help\n"
         "Runs one workload under this binary's collector and prints one JSON record.\n"
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
      {"census", no_argument, 0, 'L'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  *a = (bench_args){.size = WL_QUICK, .iterations = 1, .warmup = 0, .seed = 1};
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

int main(int argc, char **argv) {
  static wl_ctx ctx; /* static: it must outlive longjmp */
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

  const workload *w = wl_find(a.workload);
  if (!w) {
    fprintf(stderr, "bench: unknown workload '%s' (valid:", a.workload);
    for (const workload *const *x = wl_registry; *x; x++) fprintf(stderr, " %s", (*x)->name);
    fprintf(stderr, ")\n");
    return 2;
  }
  oom_ctx = &ctx;
  gc_options opts = {.heap_limit = a.heap_bytes, .zeal = a.zeal, .tuning = a.tuning, .on_oom = on_oom};
  const char *error = NULL;
  gc_heap *h = gc_heap_create(&opts, &error);
  if (!h) { fprintf(stderr, "bench: %s: %s\n", gc_collector()->name, error); return 2; }
  counters_attach(h, gc_stats_read);
  install_verifier(&a, h);
  ctx.heap = h;
  ctx.size = a.size;
  ctx.seed = a.seed;

  trace_begin(&a, &ctx);

  /* volatile: read after longjmp */
  volatile uint64_t checksum = 0, wall = 0, cpu = 0, gc_ns = 0;
  volatile uint64_t timed_start = 0, timed_end = 0; /* the timed iterations' span (MMU) */
  volatile size_t first_timed_pause = 0, end_timed_pause = 0;
  volatile long done = 0;
  json_t *iteration_ns = json_array();
  int escape = setjmp(ctx.escape);
  while (!escape && done < a.iterations) {
    ctx.iteration = (int)done;
    json_array_clear(ctx.output);
    size_t pauses_before;
    gc_pause_log(h, &pauses_before);
    if (done == a.warmup) first_timed_pause = pauses_before;
    if (done >= a.warmup) counters_timed_begin();
    uint64_t t0 = gc_now_ns(), c0 = cpu_now_ns();
    uint64_t sum = w->run(&ctx);
    uint64_t t1 = gc_now_ns(), c1 = cpu_now_ns();
    if (done >= a.warmup) counters_timed_end();
    if (done > 0 && sum != checksum)
      bench_escape_to(&ctx, BENCH_VERIFY_FAILED, "checksum of iteration %ld differs from the first", done);
    checksum = sum;
    if (done >= a.warmup) {
      wall += t1 - t0;
      cpu += c1 - c0;
      gc_ns += pause_ns_since(h, pauses_before);
      if (done == a.warmup) timed_start = t0;
      timed_end = t1;
      size_t pauses_now;
      gc_pause_log(h, &pauses_now);
      end_timed_pause = pauses_now;
      json_array_append_new(iteration_ns, json_integer((json_int_t)(t1 - t0)));
    }
    if (++done == 1) reject_unused_params(&ctx, w);
    if (done == 1) trace_end(&a, &ctx, checksum);
  }

  if (escape) trace_abandon(&a);
  census.counting = false;
  /* Leaks are a result (gc.h rule 5): drop every root, collect once more. */
  if (!escape) {
    gc_frame_close(h, 0);
    gc_collect(h);
  }
  if (escape == BENCH_BAD_PARAM) {
    fprintf(stderr, "bench: %s\n", ctx.message);
    json_decref(iteration_ns);
    return 2;
  }

  gc_stats st;
  gc_stats_read(h, &st);
  size_t npauses;
  const gc_pause *log = gc_pause_log(h, &npauses);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  const gc_collector_info *ci = gc_collector();

  json_t *params = json_object();
  for (int i = 0; i < ctx.nparams; i++) json_object_set_new(params, ctx.param_keys[i], json_string(ctx.param_values[i]));
  json_t *r = json_object();
  json_object_set_new(r, "schema", json_integer(RECORD_SCHEMA));
  json_object_set_new(r, "collector", json_string(ci->name));
  json_object_set_new(r, "workload", json_string(w->name));
  json_object_set_new(r, "size", json_string(size_names[a.size]));
  json_object_set_new(r, "seed", json_integer((json_int_t)a.seed));
  json_object_set_new(r, "heap_bytes", json_integer((json_int_t)a.heap_bytes));
  json_object_set_new(r, "tuning", json_string(a.tuning ? a.tuning : ""));
  json_object_set_new(r, "zeal", json_boolean(a.zeal));
  json_object_set_new(r, "params", params);
  trace_note(r, &a, escape);
  json_object_set_new(r, "status", json_string(status_name(escape)));
  if (escape) json_object_set_new(r, "error", json_string(ctx.message));
  json_object_set_new(r, "checksum", record_checksum(checksum));
  json_object_set_new(r, "iterations", json_integer(a.iterations));
  json_object_set_new(r, "warmup", json_integer(a.warmup));
  json_object_set_new(r, "iterations_done", json_integer(done));
  json_object_set_new(r, "timing", json_pack("{s:I,s:I,s:I,s:I,s:o}", "wall_ns", (json_int_t)wall,
                                             "cpu_ns", (json_int_t)cpu, "gc_ns", (json_int_t)gc_ns,
                                             "mutator_ns", (json_int_t)(wall - gc_ns), "iteration_wall_ns", iteration_ns));
  (void)npauses; /* the final collection is not a pause of the timed iterations */
  json_object_set_new(r, "pauses", record_pauses(log, first_timed_pause, end_timed_pause));
  json_object_set_new(r, "mmu", record_mmu(log, first_timed_pause, end_timed_pause, timed_start, timed_end, a.mmu_out));
  /* leaks are known only when the run ended normally */
  json_t *memory = json_pack("{s:I,s:I,s:o,s:o,s:I}",
                             "peak_heap_bytes", (json_int_t)st.peak_heap_bytes,
                             "peak_rss_bytes", (json_int_t)ru.ru_maxrss * 1024,
                             "leaked_bytes", escape ? json_null() : json_integer((json_int_t)(st.live_bytes - st.immortal_bytes)),
                             "leaked_objects", escape ? json_null() : json_integer((json_int_t)(st.live_objects - st.immortal_objects)),
                             "immortal_objects", (json_int_t)st.immortal_objects);
  census_note(memory, &a);
  json_object_set_new(r, "memory", memory);
  json_object_set_new(r, "stats", record_stats(&st));
  json_object_set_new(r, "counters", counters_record());
  json_object_set_new(r, "observations", json_incref(ctx.observations));
  json_object_set_new(r, "output", json_incref(ctx.output));
  json_object_set_new(r, "rusage", json_pack("{s:I,s:I,s:I,s:I,s:I}", "max_rss_bytes", (json_int_t)ru.ru_maxrss * 1024,
                                             "minor_faults", (json_int_t)ru.ru_minflt, "major_faults", (json_int_t)ru.ru_majflt,
                                             "voluntary_switches", (json_int_t)ru.ru_nvcsw,
                                             "involuntary_switches", (json_int_t)ru.ru_nivcsw));
  record_print(r);
  json_decref(r);
  if (!escape) gc_heap_destroy(h);
  return escape == BENCH_VERIFY_FAILED ? 1 : escape == BENCH_OOM ? 3 : 0;
}
