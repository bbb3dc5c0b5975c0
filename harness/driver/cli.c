#include "harness/driver/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/driver/collectors.h"

_Noreturn void cli_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("gclab: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(CLI_USAGE_EXIT);
}

/* strtoull would accept "-1" (as a huge number) and "12abc"; an option value that
 * is not exactly a number in range must be an error, not a different experiment. */
uint64_t cli_u64(const char *option, const char *value, uint64_t min, uint64_t max) {
  char *end;
  errno = 0;
  if (!value || !*value || *value == '-' || *value == '+')
    cli_die("%s needs a whole number from %llu to %llu, got '%s'", option, (unsigned long long)min,
            (unsigned long long)max, value ? value : "");
  unsigned long long n = strtoull(value, &end, 10);
  if (*end || errno || n < min || n > max)
    cli_die("%s needs a whole number from %llu to %llu, got '%s'", option, (unsigned long long)min,
            (unsigned long long)max, value);
  return n;
}

double cli_seconds(const char *option, const char *value) {
  char *end;
  errno = 0;
  double d = strtod(value, &end);
  if (!*value || *end || errno || !(d > 0) || d > 1e6)
    cli_die("%s needs a number of seconds above 0, got '%s'", option, value);
  return d;
}

void cli_check_collector(const char *name) {
  if (!collector_known(name)) cli_die("unknown collector '%s' (valid: %s)", name, collector_choices());
}

void cli_check_workload(const char *name) {
  if (!workloads_describe()) exit(1);
  if (!workload_known(name)) cli_die("unknown workload '%s' (valid: %s)", name, workload_choices());
}

void cli_check_size(const char *name) {
  if (strcmp(name, "quick") && strcmp(name, "default") && strcmp(name, "large"))
    cli_die("unknown size '%s' (valid: quick, default, large)", name);
}

_Noreturn void cli_bad_option(const char *command, char **argv) {
  cli_die("%s: unknown option, or an option without its value: '%s' (see gclab help)", command, argv[optind - 1]);
}

bool cli_json_flag_only(const char *command, int argc, char **argv) {
  static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
  bool as_json = false;
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'j') as_json = true;
    else cli_bad_option(command, argv);
  }
  if (optind < argc) cli_die("%s: unexpected argument '%s'", command, argv[optind]);
  return as_json;
}
