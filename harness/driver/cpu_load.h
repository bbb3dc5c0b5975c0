/*
 * cpu_load.h — how much CPU other processes took while a suite ran.
 *
 * Why: two cores are few; a compile or a browser beside the suite slows some
 * runs and not others, and the statistics cannot tell.  The machine's busy time
 * (/proc/stat: user, nice, system, irq, softirq) is sampled at the start and the
 * end of a session, less this process's own CPU time and that of its waited-for
 * children (getrusage: the bench runs); what is left, over the wall time between
 * the samples, is the number of cores others used on average.  Processes that
 * came and went in between are counted (the kernel's totals keep them).
 */
#ifndef CPU_LOAD_H
#define CPU_LOAD_H

#include <stdbool.h>

typedef struct cpu_sample {
  bool ok;       /* /proc/stat was readable */
  double wall_s; /* CLOCK_MONOTONIC */
  double busy_s; /* every CPU's busy time */
  double own_s;  /* this process and its waited-for children, user + system */
} cpu_sample;

/* The busy seconds of /proc/stat's text (its first "cpu " line) at hz ticks a
 * second; false when there is no such line. */
bool cpu_busy_from_stat(const char *text, double hz, double *busy_s);
cpu_sample cpu_sample_now(void);
/* Cores used by others on average between a and b (0 when unknown or negative). */
double cpu_other_cores(cpu_sample a, cpu_sample b);
/* The threshold of the warning: half a core. */
#define CPU_OTHER_WARN 0.5
#endif
