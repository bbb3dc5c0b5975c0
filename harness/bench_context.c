/*
 * bench_context.c — the services workload.h promises a workload.
 */
#include "harness/bench_context.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bench_context_init(wl_ctx *ctx) {
  memset(ctx, 0, sizeof *ctx);
  ctx->observations = json_object();
  ctx->output = json_array();
}

_Noreturn void bench_escape_to(wl_ctx *ctx, bench_escape why, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
  va_end(ap);
  longjmp(ctx->escape, (int)why);
}

gc_heap *wl_heap(wl_ctx *ctx) { return ctx->heap; }
wl_size wl_size_of(wl_ctx *ctx) { return ctx->size; }
uint64_t wl_seed(wl_ctx *ctx) { return ctx->seed; }
int wl_iteration(wl_ctx *ctx) { return ctx->iteration; }

const char *wl_param(wl_ctx *ctx, const char *key, const char *dflt) {
  for (int i = 0; i < ctx->nparams; i++)
    if (!strcmp(ctx->param_keys[i], key)) {
      ctx->param_used[i] = 1;
      return ctx->param_values[i];
    }
  return dflt;
}

uint64_t wl_param_u64(wl_ctx *ctx, const char *key, uint64_t dflt) {
  const char *v = wl_param(ctx, key, NULL);
  if (!v) return dflt;
  char *end;
  errno = 0;
  unsigned long long n = strtoull(v, &end, 10);
  if (!*v || *v == '-' || *end || errno)
    bench_escape_to(ctx, BENCH_BAD_PARAM, "parameter %s=%s is not a non-negative integer", key, v);
  return n;
}

_Noreturn void wl_fail(wl_ctx *ctx, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
  va_end(ap);
  longjmp(ctx->escape, BENCH_VERIFY_FAILED);
}

_Noreturn void wl_bad_param(wl_ctx *ctx, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
  va_end(ap);
  longjmp(ctx->escape, BENCH_BAD_PARAM);
}

void wl_observe_int(wl_ctx *ctx, const char *key, long long value) {
  json_object_set_new(ctx->observations, key, json_integer(value));
}

void wl_observe_bool(wl_ctx *ctx, const char *key, bool value) {
  json_object_set_new(ctx->observations, key, json_boolean(value));
}

void wl_observe_str(wl_ctx *ctx, const char *key, const char *value) {
  json_object_set_new(ctx->observations, key, json_string(value));
}

void wl_output(wl_ctx *ctx, const char *fmt, ...) {
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  json_array_append_new(ctx->output, json_string(line));
}
