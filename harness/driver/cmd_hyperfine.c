/*
 * cmd_hyperfine.c — `gclab hyperfine -w W [-c C1,C2,...]`: the per-collector bench
 * binaries timed as whole processes by hyperfine (warm-up runs, repeated runs,
 * --export-json), its JSON and CSV kept in a results folder.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/driver/cli.h"
#include "harness/driver/collectors.h"
#include "harness/driver/results.h"

#define MAX_COLLECTORS 64

int cmd_hyperfine(int argc, char **argv) {
  static const struct option opts[] = {
      {"workload", required_argument, 0, 'w'}, {"collectors", required_argument, 0, 'c'},
      {"size", required_argument, 0, 's'}, {"runs", required_argument, 0, 'n'},
      {"warmup", required_argument, 0, 'k'}, {"param", required_argument, 0, 'p'},
      {"results", required_argument, 0, 'r'}, {"id", required_argument, 0, 'i'}, {0, 0, 0, 0}};
  const char *workload = NULL, *size = "quick", *parent = "results", *id = NULL, *list = NULL;
  const char *params[32];
  int nparams = 0;
  uint64_t runs = 10, warmup = 2;
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "w:c:", opts, NULL)) != -1) {
    switch (c) {
      case 'w': workload = optarg; break;
      case 'c': list = optarg; break;
      case 's': size = optarg; break;
      case 'n': runs = cli_u64("--runs", optarg, 2, 10000); break;
      case 'k': warmup = cli_u64("--warmup", optarg, 0, 10000); break;
      case 'p':
        if (!strchr(optarg, '=') || optarg[0] == '=') cli_die("--param needs key=value, got '%s'", optarg);
        if (nparams == 32) cli_die("too many --param options");
        params[nparams++] = optarg;
        break;
      case 'r': parent = optarg; break;
      case 'i': id = optarg; break;
      default: cli_bad_option("hyperfine", argv);
    }
  }
  if (optind < argc) cli_die("hyperfine: unexpected argument '%s'", argv[optind]);
  if (!workload) cli_die("hyperfine: -w WORKLOAD is required");
  cli_check_workload(workload);
  cli_check_size(size);
  if (id && (!*id || strchr(id, '/') || id[0] == '.')) cli_die("hyperfine: --id must be a plain folder name, got '%s'", id);

  const char *names[MAX_COLLECTORS];
  int ncol = 0;
  char *copy = list ? strdup(list) : NULL;
  if (copy) {
    for (char *t = strtok(copy, ","); t; t = strtok(NULL, ",")) {
      cli_check_collector(t);
      if (ncol == MAX_COLLECTORS) cli_die("hyperfine: too many collectors");
      names[ncol++] = t;
    }
  } else {
    for (const char *const *n = gclab_collector_names; *n && ncol < MAX_COLLECTORS; n++) names[ncol++] = *n;
  }

  char idbuf[64];
  if (!id) { results_new_id(idbuf, sizeof idbuf); id = idbuf; }
  results res;
  if (!results_open(&res, parent, id, true)) return CLI_USAGE_EXIT;
  json_t *options = json_pack("{s:s,s:s,s:s,s:I,s:I}", "command", "hyperfine", "workload", workload, "size", size,
                              "runs", (json_int_t)runs, "warmup", (json_int_t)warmup);
  results_write_metadata(&res, options);
  json_decref(options);

  /* hyperfine runs each command through a shell: quote every word */
  char json_path[4400], csv_path[4400], runs_s[32], warm_s[32];
  snprintf(json_path, sizeof json_path, "%s/hyperfine.json", res.dir);
  snprintf(csv_path, sizeof csv_path, "%s/hyperfine.csv", res.dir);
  snprintf(runs_s, sizeof runs_s, "%llu", (unsigned long long)runs);
  snprintf(warm_s, sizeof warm_s, "%llu", (unsigned long long)warmup);
  char *hv[16 + 4 * MAX_COLLECTORS];
  char *cmds[MAX_COLLECTORS];
  int n = 0;
  hv[n++] = "hyperfine";
  hv[n++] = "--warmup"; hv[n++] = warm_s;
  hv[n++] = "--runs"; hv[n++] = runs_s;
  hv[n++] = "--export-json"; hv[n++] = json_path;
  hv[n++] = "--export-csv"; hv[n++] = csv_path;
  for (int i = 0; i < ncol; i++) {
    char buf[8192];
    int len = snprintf(buf, sizeof buf, "'%s' --workload '%s' --size '%s'", collector_bench_path(names[i]), workload, size);
    for (int p = 0; p < nparams; p++) len += snprintf(buf + len, sizeof buf - (size_t)len, " --param '%s'", params[p]);
    cmds[i] = strdup(buf);
    hv[n++] = "--command-name";
    hv[n++] = (char *)names[i];
    hv[n++] = cmds[i];
  }
  hv[n] = NULL;
  for (int p = 0; p < nparams; p++)
    if (strchr(params[p], '\'')) cli_die("hyperfine: --param values may not contain quotes");
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    execvp("hyperfine", hv);
    perror("gclab: cannot run hyperfine (apt-get install hyperfine)");
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  for (int i = 0; i < ncol; i++) free(cmds[i]);
  free(copy);
  json_decref(res.records);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "gclab: hyperfine failed\n");
    return 1;
  }
  printf("hyperfine results: %s (and hyperfine.csv)\n", json_path);
  return 0;
}
