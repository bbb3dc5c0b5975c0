/*
 * cli.h — what the driver's subcommands share: option values and their checks.
 * Every bad input is a clear message naming the valid choices, and exit status 2.
 */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>
#include <stdint.h>

#define CLI_USAGE_EXIT 2

_Noreturn void cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t cli_u64(const char *option, const char *value, uint64_t min, uint64_t max);
double cli_seconds(const char *option, const char *value);
/* Checks a name against the collectors / workloads / sizes, or dies. */
void cli_check_collector(const char *name);
void cli_check_workload(const char *name);
void cli_check_size(const char *name);
/* For commands whose only option is --json: parses argv, dies on anything else. */
bool cli_json_flag_only(const char *command, int argc, char **argv);
/* getopt_long's complaint about argv[optind - 1], made clear; never returns. */
_Noreturn void cli_bad_option(const char *command, char **argv);

int cmd_list(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_seed(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_minheap(int argc, char **argv);
int cmd_figures(int argc, char **argv);
int cmd_hyperfine(int argc, char **argv);
#endif
