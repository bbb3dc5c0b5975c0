/*
 * callgrind_split.h — a callgrind output file's costs, split between the collector
 * and the mutator.
 *
 * What counts as the collector's:
 *   - every line of gclab's own code whose source file is under collectors/,
 *     inlined code included (callgrind names the inlined file: an allocation fast
 *     path or a count update inlined into a workload is the collector's);
 *   - code without a gclab source (libc, libgc, libpython, ...) in proportion to
 *     how much of it is reached from the collector: each such function's own cost
 *     is shared out by the inclusive cost of the calls that reach it, from
 *     collector lines, mutator lines, or (recursively) other such functions.
 * Everything else is the mutator's.  Callbacks from a library into gclab code go by
 * their own source file (Boehm calling bdw.c is the collector; a finalizer in a
 * workload is the mutator).  The attribution is exact when each library function
 * is reached from one side only, and proportional otherwise; either way it is a
 * function of the file alone, so the same file gives the same numbers.
 */
#ifndef CALLGRIND_SPLIT_H
#define CALLGRIND_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_MAX_EVENTS 16

typedef struct cg_split {
  char creator[64];              /* "callgrind-3.19.0" */
  int nevents;
  char names[CG_MAX_EVENTS][16]; /* from the file's "events:" line: Ir, Dr, D1mr, ... */
  uint64_t total[CG_MAX_EVENTS];
  uint64_t gc[CG_MAX_EVENTS];    /* mutator = total - gc */
} cg_split;

/* Source paths of gclab's own code start with this (Bazel's debug prefix map). */
#define CG_GCLAB_PREFIX "/proc/self/cwd/"

/* false with a message in error when the file cannot be read or parsed. */
bool cg_split_file(const char *path, cg_split *out, char *error, size_t len);
#endif
