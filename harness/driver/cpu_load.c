#include "harness/driver/cpu_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "harness/driver/results.h"

bool cpu_busy_from_stat(const char *text, double hz, double *busy_s) {
  const char *line = text;
  while (line && strncmp(line, "cpu ", 4)) {
    line = strchr(line, '\n');
    if (line) line++;
  }
  unsigned long long user, nice, sys, idle, iowait, irq, softirq;
  if (!line || !(hz > 0) ||
      sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu", &user, &nice, &sys, &idle, &iowait, &irq, &softirq) != 7)
    return false;
  *busy_s = (double)(user + nice + sys + irq + softirq) / hz;
  return true;
}

static double rusage_s(int who) {
  struct rusage ru;
  if (getrusage(who, &ru) != 0) return 0;
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

cpu_sample cpu_sample_now(void) {
  cpu_sample s = {0};
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  s.wall_s = (double)ts.tv_sec + ts.tv_nsec / 1e9;
  s.own_s = rusage_s(RUSAGE_SELF) + rusage_s(RUSAGE_CHILDREN);
  char *text = results_read_file(NULL, "/proc/stat");
  s.ok = text && cpu_busy_from_stat(text, (double)sysconf(_SC_CLK_TCK), &s.busy_s);
  free(text);
  return s;
}

double cpu_other_cores(cpu_sample a, cpu_sample b) {
  double wall = b.wall_s - a.wall_s;
  if (!a.ok || !b.ok || !(wall > 0)) return 0;
  double others = (b.busy_s - a.busy_s) - (b.own_s - a.own_s);
  return others > 0 ? others / wall : 0;
}
