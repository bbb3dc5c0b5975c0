/*
 * runner.h — running a suite: minimum heaps, the plan (invocations as the outer
 * loop, configurations interleaved inside it, optionally shuffled), one process
 * per run, progress, resumption, and the summary.
 *
 * A results folder of a suite run holds:
 *   suite.yaml     the suite as it was read (a resume reads this copy)
 *   metadata.json  the prologue: command, machine, compiler, commit, load, PAPI
 *   minheap.json   minimum heap per (collector, workload), with probe counts
 *   records.jsonl  one record per run, each with a "suite" object naming its
 *                  configuration (collector and workload labels, heap, invocation)
 *                  (census and callgrind runs: suite.heap "census"/"callgrind")
 *   mmu/           one CSV per run (window_ns, mmu): its minimum mutator utilisation
 *                  curve; the record's suite.mmu_curve names it
 *   runs.csv       one row per run
 *   summary.csv    per configuration: mean, median, sd, 95% CI, CV, normalised time,
 *                  whether the CI is wide, and against the baseline: a bootstrap CI
 *                  of the ratio of medians and the Mann-Whitney U p-value
 *   lbo.csv, lbo_geomean.csv  lower-bound overheads (lbo.h), with heap factors
 *   geomean.csv    per collector and heap: geometric mean of time normalised to the
 *                  baseline collector over the workloads
 */
#ifndef RUNNER_H
#define RUNNER_H

#include <jansson.h>
#include <stdbool.h>

#include "harness/driver/cpu_load.h"
#include "harness/driver/results.h"
#include "harness/driver/suite.h"

typedef struct runner {
  suite s;
  results res;
  json_t *minheaps; /* "collector/workload" -> {bytes, probes, status, why} */
  json_t *done;     /* run keys already recorded */
  bool tty;
  cpu_sample session_start; /* for the other processes' CPU use (cpu_load.h) */
} runner;

/* A new results folder for the suite; false (message printed) on failure. */
bool runner_start(runner *r, const char *suite_path, const char *parent, const char *id, int argc, char **argv);
/* An existing folder: its suite.yaml, minheap.json and records.jsonl. */
bool runner_resume(runner *r, const char *parent, const char *id);
/* Finds the minimum heaps the suite's heap factors need (cached in minheap.json). */
bool runner_minheaps(runner *r);
/* Runs what is not yet recorded, invocations 1..invocations, then in convergence
 * mode (suite key converge) further invocations of the configurations whose CI is
 * still too wide; false if writing results failed. */
bool runner_execute(runner *r);
/* The suite's census and callgrind runs (suite keys census, callgrind), one per
 * workload or pair, not yet recorded; false if writing results failed. */
bool runner_measure(runner *r);
/* The CPU other processes used since runner_start or runner_resume, appended to
 * metadata.json's competing_cpu (one entry per session) and warned about above
 * half a core; false if metadata.json could not be rewritten. */
bool runner_check_load(runner *r);
/* runs.csv, summary.csv, geomean.csv and the printed table; the number of
 * checksum mismatches (a collector bug) is returned. */
int runner_summarise(runner *r);
void runner_free(runner *r);
#endif
