/*
 * cmd_bench.c — `gclab bench -c COLLECTOR -w WORKLOAD [...]`: one invocation in one
 * process; prints its record (JSON with --json, a short summary otherwise).
 * Exit 0 only for status ok.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/driver/callgrind_run.h"
#include "harness/driver/cli.h"
#include "harness/driver/invocation.h"
#include "harness/driver/summary.h"

/* --record FILE: the trace is recorded by bench_record, which runs nogc (the
 * mutator's events are the same under every collector); -c may be left out. */
static void record_collector(invocation *inv) {
  if (!inv->record) return;
  if (!inv->collector) inv->collector = "nogc";
  if (strcmp(inv->collector, "nogc"))
    fprintf(stderr, "gclab: --record: the run is recorded under nogc (bench_record); replay the trace under %s "
                    "with -w trace --param file=%s\n", inv->collector, inv->record);
  inv->collector = "nogc";
}

int cmd_bench(int argc, char **argv) {
  static const struct option opts[] = {
      {"collector", required_argument, 0, 'c'}, {"workload", required_argument, 0, 'w'},
      {"size", required_argument, 0, 's'}, {"heap-mb", required_argument, 0, 'H'},
      {"iterations", required_argument, 0, 'n'}, {"warmup", required_argument, 0, 'k'},
      {"seed", required_argument, 0, 'S'}, {"zeal", no_argument, 0, 'z'},
      {"json", no_argument, 0, 'j'}, {"tuning", required_argument, 0, 't'},
      {"param", required_argument, 0, 'p'}, {"timeout", required_argument, 0, 'T'},
      {"counters", required_argument, 0, 'C'}, {"events", required_argument, 0, 'E'},
      {"mmu-out", required_argument, 0, 'M'}, {"verify", no_argument, 0, 'V'},
      {"record", required_argument, 0, 'R'}, {"census", no_argument, 0, 'L'},
      {"heap-policy", required_argument, 0, 'P'}, {0, 0, 0, 0}};
  invocation inv;
  invocation_defaults(&inv);
  bool as_json = false, timeout_given = false;
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "c:w:", opts, NULL)) != -1) {
    switch (c) {
      case 'c': inv.collector = optarg; break;
      case 'w': inv.workload = optarg; break;
      case 's': inv.size = optarg; break;
      case 'H': inv.heap_bytes = cli_u64("--heap-mb", optarg, 0, (uint64_t)1 << 30) << 20; break;
      case 'n': inv.iterations = (long)cli_u64("--iterations", optarg, 1, 1000000); break;
      case 'k': inv.warmup = (long)cli_u64("--warmup", optarg, 0, 1000000); break;
      case 'S': inv.seed = cli_u64("--seed", optarg, 0, UINT64_MAX); break;
      case 'z': inv.zeal = true; break;
      case 'P':
        if (strcmp(optarg, "fixed") && strcmp(optarg, "growable"))
          cli_die("bench: unknown heap policy '%s' (valid: fixed, growable)", optarg);
        inv.heap_policy = optarg;
        break;
      case 'V': inv.verify = true; break;
      case 'L': inv.census = true; break;
      case 'j': as_json = true; break;
      case 't': inv.tuning = optarg; break;
      case 'p':
        if (!strchr(optarg, '=') || optarg[0] == '=') cli_die("--param needs key=value, got '%s'", optarg);
        if (inv.nparams == INVOCATION_MAX_PARAMS) cli_die("too many --param options");
        inv.params[inv.nparams++] = optarg;
        break;
      case 'T': inv.timeout_s = cli_seconds("--timeout", optarg); timeout_given = true; break;
      case 'C':
        if (strcmp(optarg, "papi") && strcmp(optarg, "callgrind") && strcmp(optarg, "none"))
          cli_die("bench: unknown counter source '%s' (valid: papi, callgrind, none)", optarg);
        inv.counters = optarg;
        break;
      case 'E': inv.events = optarg; break;
      case 'M': inv.mmu_out = optarg; break;
      case 'R': inv.record = optarg; break;
      default: cli_bad_option("bench", argv);
    }
  }
  if (optind < argc) cli_die("bench: unexpected argument '%s'", argv[optind]);
  record_collector(&inv);
  if (!inv.collector) cli_die("bench: -c COLLECTOR is required");
  if (!inv.workload) cli_die("bench: -w WORKLOAD is required");
  cli_check_collector(inv.collector);
  cli_check_workload(inv.workload);
  cli_check_size(inv.size);
  if (inv.events && inv.counters && strcmp(inv.counters, "papi"))
    cli_die("bench: --events chooses PAPI events: it needs --counters papi");
  /* the default limit is for native runs; callgrind is this much slower */
  if (!timeout_given && inv.counters && !strcmp(inv.counters, "callgrind")) inv.timeout_s *= CALLGRIND_SLOWDOWN;
  if (inv.warmup >= inv.iterations) cli_die("bench: --warmup (%ld) must be smaller than --iterations (%ld)", inv.warmup, inv.iterations);

  const char *usage = NULL;
  json_t *rec = invocation_run(&inv, &usage);
  if (!rec) cli_die("%s", usage);
  if (as_json) {
    char *text = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
    puts(text);
    free(text);
  } else {
    summary_print(stdout, rec);
  }
  int ok = !strcmp(json_string_value(json_object_get(rec, "status")), "ok");
  json_decref(rec);
  return ok ? 0 : 1;
}
