/*
 * gclab_main.c — the driver: `gclab <command>`.  The launcher script ./gclab builds
 * this and everything else, then hands its arguments here.
 */
#include <stdio.h>
#include <string.h>

#include "harness/driver/cli.h"

static const struct { const char *name; int (*run)(int, char **); const char *help; } commands[] = {
    {"list", cmd_list, "list [--json]                      collectors and workloads"},
    {"bench", cmd_bench, "bench -c C -w W [--size quick|default|large] [--heap-mb N] [--iterations N]\n"
                         "      [--warmup N] [--seed N] [--zeal] [--verify] [--tuning S] [--param K=V] [--timeout S] [--json]\n"
                         "      [--counters papi|callgrind|none] [--events E1,E2,...] [--mmu-out FILE] [--record FILE]\n"
                         "                                    one invocation; prints its record"},
    {"seed", cmd_seed, "seed [--json]                      the seed experiments under every collector"},
    {"run", cmd_run, "run [SUITE|FILE] [--results DIR] [--id ID] [--resume ID] [--zeal] [--verify]\n"
                     "                                    a suite (default: quick) into results/<id>/"},
    {"minheap", cmd_minheap, "minheap [SUITE|FILE] [--results DIR] [--id ID] [--resume ID]\n"
                             "                                    only the suite's minimum heaps"},
    {"figures", cmd_figures, "figures RESULTS-DIR                the suite figures again from recorded results"},
    {"hyperfine", cmd_hyperfine, "hyperfine -w W [-c C1,C2,...] [--size S] [--runs N] [--warmup N] [--results DIR] [--id ID]\n"
                                 "                                    whole-process times with hyperfine"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
  fprintf(f, "usage: gclab <command> [options]\n\ncommands:\n");
  for (size_t i = 0; i < NCOMMANDS; i++) fprintf(f, "  %s\n", commands[i].help);
  fprintf(f, "  test                               every test (bazel test //...)\n");
}

int main(int argc, char **argv) {
  if (argc < 2) { usage(stderr); return CLI_USAGE_EXIT; }
  if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) { usage(stdout); return 0; }
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "gclab: unknown command '%s' (valid: list, bench, seed, run, minheap, figures, hyperfine, test, fuzz, help)\n", argv[1]);
  return CLI_USAGE_EXIT;
}
