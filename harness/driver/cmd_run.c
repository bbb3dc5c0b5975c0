/*
 * cmd_run.c — `gclab run`: the default quick suite (every collector x every
 * workload at quick size, one invocation each) into results/<run-id>/.
 *
 * Checksums are compared across collectors as the suite goes: a mismatch is a
 * collector bug, reported and reflected in the exit status.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/driver/spawn.h"

#include "harness/driver/cli.h"
#include "harness/driver/collectors.h"
#include "harness/driver/invocation.h"
#include "harness/driver/results.h"
#include "harness/driver/summary.h"

static const char *str(json_t *rec, const char *key) {
  const char *s = json_string_value(json_object_get(rec, key));
  return s ? s : "";
}

/* Per workload, every ok run must have the same checksum. */
static int count_checksum_mismatches(json_t *records) {
  int bad = 0;
  size_t i, j;
  json_t *a, *b;
  json_array_foreach(records, i, a) {
    if (strcmp(str(a, "status"), "ok")) continue;
    json_array_foreach(records, j, b) {
      if (j >= i) break;
      if (strcmp(str(b, "status"), "ok") || strcmp(str(a, "workload"), str(b, "workload")) ||
          strcmp(str(a, "size"), str(b, "size")))
        continue;
      if (strcmp(str(a, "checksum"), str(b, "checksum"))) {
        fprintf(stderr, "gclab: CHECKSUM MISMATCH on %s: %s gives %s, %s gives %s\n", str(a, "workload"),
                str(b, "collector"), str(b, "checksum"), str(a, "collector"), str(a, "checksum"));
        bad++;
      }
      break;
    }
  }
  return bad;
}

static void print_table(json_t *records) {
  char a[32], b[32], c[32], d[32];
  printf("\n%-10s %-16s %-8s %12s %12s %10s %12s %18s\n", "collector", "workload", "status", "wall", "gc", "pauses",
         "peak heap", "leaked");
  size_t i;
  json_t *r;
  json_array_foreach(records, i, r) {
    json_t *t = json_object_get(r, "timing"), *m = json_object_get(r, "memory");
    json_t *leak = json_object_get(m, "leaked_bytes");
    char leaked[48];
    if (json_is_integer(leak))
      snprintf(leaked, sizeof leaked, "%s/%lld obj", summary_bytes((double)json_integer_value(leak), d, sizeof d),
               (long long)json_integer_value(json_object_get(m, "leaked_objects")));
    else
      snprintf(leaked, sizeof leaked, "-");
    printf("%-10s %-16s %-8s %12s %12s %10lld %12s %18s\n", str(r, "collector"), str(r, "workload"), str(r, "status"),
           t ? summary_duration((double)json_integer_value(json_object_get(t, "wall_ns")), a, sizeof a) : "-",
           t ? summary_duration((double)json_integer_value(json_object_get(t, "gc_ns")), b, sizeof b) : "-",
           (long long)json_integer_value(json_object_get(json_object_get(r, "pauses"), "count")),
           m ? summary_bytes((double)json_integer_value(json_object_get(m, "peak_heap_bytes")), c, sizeof c) : "-", leaked);
  }
}

/* The quick suite's figures (plots/quick_suite.gp), when gnuplot and the plots
 * folder are at hand; a run without figures is still a complete run. */
static void write_figures(const results *res) {
  const char *root = getenv("GCLAB_ROOT");
  char script[4352], figdir[4352], expr[8800];
  snprintf(script, sizeof script, "%s/plots/quick_suite.gp", root ? root : ".");
  if (access(script, R_OK) != 0) { printf("figures: skipped (no %s)\n", script); return; }
  snprintf(figdir, sizeof figdir, "%s/figures", res->dir);
  mkdir(figdir, 0777);
  size_t ncollectors = 0;
  for (const char *const *n = gclab_collector_names; *n; n++) ncollectors++;
  snprintf(expr, sizeof expr, "dir='%s'; ncollectors=%zu", res->dir, ncollectors);
  char *argv[] = {"/usr/bin/gnuplot", "-e", expr, script, NULL};
  spawn_result r;
  spawn_run(argv, 120, &r);
  if (r.started && !r.signal && !r.timed_out && r.exit_code == 0)
    printf("figures: %s/ (time, peak_heap: svg, png)\n", figdir);
  else
    printf("figures: gnuplot failed: %s\n", r.err_tail);
  spawn_result_free(&r);
}

int cmd_run(int argc, char **argv) {
  static const struct option opts[] = {{"results", required_argument, 0, 'r'}, {"id", required_argument, 0, 'i'},
                                       {"timeout", required_argument, 0, 'T'}, {"zeal", no_argument, 0, 'z'},
                                       {0, 0, 0, 0}};
  const char *parent = "results", *id = NULL;
  double timeout = 600;
  bool zeal = false;
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
      case 'r': parent = optarg; break;
      case 'i': id = optarg; break;
      case 'T': timeout = cli_seconds("--timeout", optarg); break;
      case 'z': zeal = true; break;
      default: cli_bad_option("run", argv);
    }
  }
  if (optind < argc) cli_die("run: unexpected argument '%s' (run takes --results DIR, --id ID, --timeout S, --zeal)", argv[optind]);
  if (id && (!*id || strchr(id, '/') || id[0] == '.')) cli_die("run: --id must be a plain folder name, got '%s'", id);
  json_t *workloads = workloads_describe();
  if (!workloads) return 1;
  char idbuf[64];
  if (!id) { results_new_id(idbuf, sizeof idbuf); id = idbuf; }
  results res;
  if (!results_open(&res, parent, id)) return CLI_USAGE_EXIT;
  json_t *options = json_pack("{s:s,s:s,s:i,s:i,s:f,s:b}", "suite", "quick (built in)", "size", "quick", "seed", 1,
                              "invocations", 1, "timeout_s", timeout, "zeal", zeal);
  if (!results_write_metadata(&res, options)) return 1;

  size_t total = 0, done = 0;
  for (const char *const *n = gclab_collector_names; *n; n++) total += json_array_size(workloads);
  bool write_ok = true, all_ok = true;
  size_t wi;
  json_t *w;
  json_array_foreach(workloads, wi, w) {
    for (const char *const *name = gclab_collector_names; *name; name++) {
      invocation inv;
      invocation_defaults(&inv);
      inv.collector = *name;
      inv.workload = json_string_value(json_object_get(w, "name"));
      inv.timeout_s = timeout;
      inv.zeal = zeal;
      printf("[%zu/%zu] %-10s %-16s quick%s ... ", ++done, total, inv.collector, inv.workload, zeal ? " zeal" : "");
      fflush(stdout);
      const char *usage = NULL;
      json_t *rec = invocation_run(&inv, &usage);
      if (!rec) cli_die("%s", usage);
      char t[32];
      json_t *timing = json_object_get(rec, "timing");
      printf("%s%s%s\n", str(rec, "status"), timing ? "  " : "",
             timing ? summary_duration((double)json_integer_value(json_object_get(timing, "wall_ns")), t, sizeof t) : "");
      if (strcmp(str(rec, "status"), "ok")) all_ok = false;
      write_ok &= results_append(&res, rec);
      json_decref(rec);
    }
  }
  write_ok &= results_write_csv(&res);
  print_table(res.records);
  int mismatches = count_checksum_mismatches(res.records);
  printf("\nresults: %s/ (records.jsonl, runs.csv, metadata.json)\n", res.dir);
  if (write_ok) write_figures(&res);
  if (mismatches) printf("%d checksum mismatch(es): a collector is wrong\n", mismatches);
  json_decref(options);
  return write_ok && !mismatches ? (all_ok ? 0 : 1) : 1;
}
