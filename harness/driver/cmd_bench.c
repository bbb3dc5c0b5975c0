/*
 * cmd_bench.c — `gclab bench -c COLLECTOR -w WORKLOAD [...]`: one invocation in one
 * process; prints its record (JSON with --json, a short summary otherwise).
 * Exit 0 only for status ok.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/driver/cli.h"
#include "harness/driver/invocation.h"
#include "harness/driver/summary.h"

int cmd_bench(int argc, char **argv) {
  static const struct option opts[] = {
      {"collector", required_argument, 0, 'c'}, {"workload", required_argument, 0, 'w'},
      {"size", required_argument, 0, 's'}, {"heap-mb", required_argument, 0, 'H'},
      {"iterations", required_argument, 0, 'n'}, {"warmup", required_argument, 0, 'k'},
      {"seed", required_argument, 0, 'S'}, {"zeal", no_argument, 0, 'z'},
      {"json", no_argument, 0, 'j'}, {"tuning", required_argument, 0, 't'},
      {"param", required_argument, 0, 'p'}, {"timeout", required_argument, 0, 'T'},
      {0, 0, 0, 0}};
  invocation inv;
  invocation_defaults(&inv);
  bool as_json = false;
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
      case 'j': as_json = true; break;
      case 't': inv.tuning = optarg; break;
      case 'p':
        if (!strchr(optarg, '=') || optarg[0] == '=') cli_die("--param needs key=value, got '%s'", optarg);
        if (inv.nparams == INVOCATION_MAX_PARAMS) cli_die("too many --param options");
        inv.params[inv.nparams++] = optarg;
        break;
      case 'T': inv.timeout_s = cli_seconds("--timeout", optarg); break;
      default: cli_bad_option("bench", argv);
    }
  }
  if (optind < argc) cli_die("bench: unexpected argument '%s'", argv[optind]);
  if (!inv.collector) cli_die("bench: -c COLLECTOR is required");
  if (!inv.workload) cli_die("bench: -w WORKLOAD is required");
  cli_check_collector(inv.collector);
  cli_check_workload(inv.workload);
  cli_check_size(inv.size);
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
