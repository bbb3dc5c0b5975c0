/*
 * bench_context.h — the harness side of workload.h: one run's context.
 */
#ifndef BENCH_CONTEXT_H
#define BENCH_CONTEXT_H

#include <jansson.h>
#include <setjmp.h>

#include "workloads/workload.h"

#define BENCH_MAX_PARAMS 64

/* Why the run ended early, when it did. */
typedef enum { BENCH_RUNNING = 0, BENCH_VERIFY_FAILED, BENCH_OOM, BENCH_BAD_PARAM } bench_escape;

struct wl_ctx {
  gc_heap *heap;
  wl_size size;
  uint64_t seed;
  int iteration;
  int nparams;
  const char *param_keys[BENCH_MAX_PARAMS];
  const char *param_values[BENCH_MAX_PARAMS];
  unsigned char param_used[BENCH_MAX_PARAMS];
  jmp_buf escape;          /* wl_fail and the heap's oom handler jump here */
  char message[1024];      /* why, for the record */
  json_t *observations;    /* object */
  json_t *output;          /* array of strings: the current iteration's lines */
};

void bench_context_init(wl_ctx *ctx);
/* Leaves the workload for the escape point: never returns. */
_Noreturn void bench_escape_to(wl_ctx *ctx, bench_escape why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#endif
