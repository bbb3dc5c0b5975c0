/*
 * cmd_run.c — `gclab run [SUITE|FILE]` and `gclab minheap [SUITE|FILE]`: a suite
 * into results/<run-id>/, or only its minimum heaps; `--resume ID` goes on with an
 * interrupted one.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/driver/cli.h"
#include "harness/driver/collectors.h"
#include "harness/driver/figures.h"
#include "harness/driver/runner.h"
#include "harness/driver/spawn.h"

typedef struct run_args {
  const char *suite, *parent, *id, *resume;
  bool zeal;
  bool verify;
} run_args;

/* A suite argument is a file, or the name of one in suites/ beside the launcher. */
static const char *suite_path(const char *arg) {
  static char path[4096];
  struct stat st;
  if (stat(arg, &st) == 0 && S_ISREG(st.st_mode)) return arg;
  if (strchr(arg, '/') || strstr(arg, ".yaml")) cli_die("run: no suite file '%s'", arg);
  const char *root = getenv("GCLAB_ROOT");
  snprintf(path, sizeof path, "%s/suites/%s.yaml", root ? root : ".", arg);
  if (stat(path, &st) != 0) cli_die("run: unknown suite '%s' (no %s; shipped: quick, full, smoke, paper)", arg, path);
  return path;
}

static void parse_run_args(const char *command, int argc, char **argv, run_args *a) {
  static const struct option opts[] = {{"results", required_argument, 0, 'r'}, {"id", required_argument, 0, 'i'},
                                       {"resume", required_argument, 0, 'R'}, {"zeal", no_argument, 0, 'z'}, {"verify", no_argument, 0, 'V'},
                                       {0, 0, 0, 0}};
  *a = (run_args){.suite = "quick", .parent = "results"};
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
      case 'r': a->parent = optarg; break;
      case 'i': a->id = optarg; break;
      case 'R': a->resume = optarg; break;
      case 'z': a->zeal = true; break;
      case 'V': a->verify = true; break;
      default: cli_bad_option(command, argv);
    }
  }
  if (optind < argc) a->suite = argv[optind++];
  if (optind < argc) cli_die("%s: unexpected argument '%s' (one suite at a time)", command, argv[optind]);
  const char *id = a->resume ? a->resume : a->id;
  if (id && (!*id || strchr(id, '/') || id[0] == '.')) cli_die("%s: a run id is a plain folder name, got '%s'", command, id);
  if (a->resume && a->id) cli_die("%s: --resume names the run; it takes no --id", command);
}

/* Crashes and failed verifications are collector or workload bugs; oom, timeouts
 * and skipped configurations are results. */
static bool any_bug(json_t *records) {
  size_t i;
  json_t *r;
  json_array_foreach(records, i, r) {
    const char *st = json_string_value(json_object_get(r, "status"));
    if (st && (!strcmp(st, "crash") || !strcmp(st, "verify-failed") || !strcmp(st, "rejected"))) return true;
  }
  return false;
}

static int run_suite(int argc, char **argv, bool minheap_only) {
  const char *command = minheap_only ? "minheap" : "run";
  run_args a;
  parse_run_args(command, argc, argv, &a);
  if (!workloads_describe()) return 1;
  runner r;
  if (a.resume) {
    if (!runner_resume(&r, a.parent, a.resume)) return CLI_USAGE_EXIT;
  } else {
    char idbuf[64];
    if (!a.id) { results_new_id(idbuf, sizeof idbuf); a.id = idbuf; }
    if (!runner_start(&r, suite_path(a.suite), a.parent, a.id, argc, argv)) return CLI_USAGE_EXIT;
  }
  if (a.zeal) r.s.zeal = true;
  if (a.verify) r.s.verify = true;
  printf("suite %s: %d collector(s) x %d workload(s) x %d heap size(s) x %d invocation(s) -> %s/\n", r.s.name,
         r.s.ncollectors, r.s.nworkloads, r.s.nheaps, r.s.invocations, r.res.dir);
  bool ok = runner_minheaps(&r);
  int mismatches = 0;
  if (ok && !minheap_only) {
    ok = runner_execute(&r) && runner_measure(&r);
    ok &= runner_check_load(&r);
    mismatches = runner_summarise(&r);
    if (mismatches < 0) ok = false;
    printf("\nresults: %s/\n", r.res.dir);
    if (ok) figures_draw(r.res.dir);
  }
  bool bug = any_bug(r.res.records);
  runner_free(&r);
  return ok && mismatches == 0 && !bug ? 0 : 1;
}

int cmd_run(int argc, char **argv) { return run_suite(argc, argv, false); }

/* `gclab figures RESULTS-DIR`: the figures again, from the recorded results alone. */
int cmd_figures(int argc, char **argv) {
  if (argc != 2) cli_die("figures: give one results folder (e.g. results/20261125-101500)");
  struct stat st;
  char records[4400];
  snprintf(records, sizeof records, "%s/records.jsonl", argv[1]);
  if (stat(argv[1], &st) != 0 || !S_ISDIR(st.st_mode)) cli_die("figures: no results folder '%s'", argv[1]);
  if (stat(records, &st) != 0) cli_die("figures: %s has no records.jsonl (is it a suite run's folder?)", argv[1]);
  return figures_draw(argv[1]) ? 0 : 1;
}
int cmd_minheap(int argc, char **argv) { return run_suite(argc, argv, true); }
