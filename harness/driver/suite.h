/*
 * suite.h — a suite file: which collectors (in which configurations), which
 * workloads (sizes, parameters), which heap sizes, how many invocations.
 *
 * The format is YAML, read with libyaml; every problem is reported as
 * "FILE:LINE: problem" and nothing runs.  The format is documented in
 * suites/README.md and by the shipped suites (suites/quick.yaml, ...).
 */
#ifndef SUITE_H
#define SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SUITE_MAX_PARAMS 32
#define SUITE_MAX_HEAPS 32

typedef struct suite_collector {
  char *label;     /* unique in the suite; the name results and plots use */
  char *collector; /* a collector in collectors/defs.bzl */
  char *tuning;    /* NULL = defaults */
} suite_collector;

typedef struct suite_workload {
  char *label;
  char *workload;
  char *size;
  char *params[SUITE_MAX_PARAMS]; /* "key=value" */
  int nparams;
} suite_workload;

typedef enum { HEAP_NONE, HEAP_FACTOR, HEAP_BYTES } suite_heap_kind;

typedef struct suite_heap {
  suite_heap_kind kind;
  double factor;  /* HEAP_FACTOR: multiple of the minimum heap */
  uint64_t bytes; /* HEAP_BYTES */
  char label[32]; /* "none", "2.00x", "64M" */
} suite_heap;

typedef struct suite {
  char *path;
  char *name;
  char *description;
  suite_collector *collectors;
  int ncollectors;
  suite_workload *workloads;
  int nworkloads;
  suite_heap heaps[SUITE_MAX_HEAPS];
  int nheaps;
  int invocations;
  long iterations, warmup;
  uint64_t seed;
  double timeout_s;
  bool shuffle;
  uint64_t shuffle_seed;
  char *baseline;   /* a collector label, for normalised geometric means */
  double cv_warn;   /* warn when a configuration's coefficient of variation exceeds it */
  char *census;         /* a collector label: one --census run per workload under it (live sizes); NULL = none */
  char *callgrind_size; /* "quick".."large" or "same": one callgrind run per pair at that size; NULL = none */
  /* Equal terms (suites/README.md, "Heaps"): what the limit means for every run
   * ("fixed", the default, or "growable"); the collector whose minimum heap is
   * each workload's base (NULL: the smallest among the collectors that reclaim);
   * the minimum-heap search's thrashing bound (minheap.h) */
  char *heap_policy;
  char *minheap_base;
  double thrash_seconds, thrash_factor;
  double minheap_tolerance; /* the search stops within this fraction (default 0.02) */
  bool zeal;
  bool verify; /* --verify on the command line (no suite key): the heap verifier in every run */
} suite;

/* False with "FILE:LINE: problem" in err. */
bool suite_load(const char *path, suite *s, char *err, size_t errlen);
void suite_free(suite *s);
/* The default heap factors: 1.0 to 6.0, finer at small heaps. */
extern const double suite_default_factors[];
extern const int suite_default_nfactors;
#endif
