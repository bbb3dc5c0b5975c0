/*
 * invocation.h — one run of one bench binary, and the record it leaves.
 *
 * The record is the bench's own JSON when it ran to an end it could report (ok,
 * verify-failed, oom); when it crashed or hung, the driver writes the record
 * itself, with the status (crash, timeout), the signal and the tail of stderr.
 */
#ifndef INVOCATION_H
#define INVOCATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define INVOCATION_MAX_PARAMS 64

typedef struct invocation {
  const char *collector;
  const char *workload;
  const char *size;
  uint64_t seed;
  uint64_t heap_bytes; /* 0 = no limit */
  const char *heap_policy; /* "fixed" or "growable" (bench --heap-policy); NULL = the bench's default, fixed */
  long iterations, warmup;
  bool zeal;
  bool verify;         /* --verify: the heap verifier after every collection */
  bool census;         /* --census: the live size at every collection (memory.peak_live_bytes) */
  const char *tuning;  /* NULL = defaults */
  const char *params[INVOCATION_MAX_PARAMS]; /* "key=value" */
  int nparams;
  double timeout_s;    /* <= 0: none */
  const char *counters; /* "papi", "callgrind" (runs the bench under valgrind), "none"; NULL = papi */
  const char *events;   /* PAPI events, comma-separated; NULL = the bench's defaults */
  const char *mmu_out;  /* where the bench writes the MMU curve (CSV); NULL = nowhere */
  const char *record;   /* --record FILE: bench_record runs it (nogc) and writes its trace */
} invocation;

void invocation_defaults(invocation *inv);
/* The record, or NULL when the bench rejected its arguments (exit 2): then
 * *usage_error holds its message (static buffer). */
json_t *invocation_run(const invocation *inv, const char **usage_error);
#endif
