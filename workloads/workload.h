/*
 * workload.h — what a workload is, and the few services the harness gives it.
 *
 * A workload is a C function written against gc.h alone: it never knows which
 * collector runs it (the same source is compiled into every collector's binary).
 * One call of `run` is one iteration: it opens a root frame, builds and mutates
 * its object graph, reads back what it built, verifies it, closes its frame, and
 * returns a checksum of what it read.  Same size + seed => same operations =>
 * same checksum under every collector; a mismatch is a collector bug.
 *
 * Observations are facts a workload reports about the collector's behaviour
 * (a reference count seen, whether a finalizer has run yet).  They differ between
 * collectors by design, so they never enter the checksum; `./gclab seed` prints
 * them side by side.
 */
#ifndef WORKLOAD_H
#define WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "collectors/api/gc.h"

typedef enum wl_size { WL_QUICK = 0, WL_DEFAULT = 1, WL_LARGE = 2 } wl_size;
#define WL_NSIZES 3

typedef struct wl_ctx wl_ctx; /* owned by the harness */

typedef struct workload {
  const char *name;
  const char *description;        /* one line */
  const char *size_doc[WL_NSIZES]; /* what quick, default and large mean */
  const char *params_doc;         /* the --param keys it reads, or NULL */
  uint64_t (*run)(wl_ctx *ctx);   /* one iteration; returns the checksum */
} workload;

/* ---- the run's identity ---- */
gc_heap *wl_heap(wl_ctx *ctx);
wl_size wl_size_of(wl_ctx *ctx);
uint64_t wl_seed(wl_ctx *ctx);
int wl_iteration(wl_ctx *ctx); /* 0-based */
/* A --param key=value given on the command line, or dflt. */
const char *wl_param(wl_ctx *ctx, const char *key, const char *dflt);
/* wl_param as a non-negative integer; a malformed value ends the run with an error. */
uint64_t wl_param_u64(wl_ctx *ctx, const char *key, uint64_t dflt);

/* A --param value that parses but is out of range: the run ends as a usage error
 * (exit 2, no record), like an unknown parameter. */
_Noreturn void wl_bad_param(wl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- results ---- */
/* Verification failed: the run ends with status verify-failed and this message. */
_Noreturn void wl_fail(wl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void wl_observe_int(wl_ctx *ctx, const char *key, long long value);
void wl_observe_bool(wl_ctx *ctx, const char *key, bool value);
void wl_observe_str(wl_ctx *ctx, const char *key, const char *value);
/* A line of the workload's own output (e.g. binary-trees' check lines), kept in
 * the record; only the last iteration's lines are kept. */
void wl_output(wl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- checksums and randomness (deterministic, collector-independent) ---- */
static inline uint64_t wl_mix(uint64_t h, uint64_t v) {
  /* splitmix64's finaliser over h ^ v: order-sensitive and cheap */
  uint64_t z = (h ^ v) + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

typedef struct wl_rng { uint64_t state; } wl_rng;
static inline wl_rng wl_rng_seed(uint64_t seed) { return (wl_rng){seed * 0x9E3779B97F4A7C15ull + 1}; }
static inline uint64_t wl_rng_next(wl_rng *r) {
  uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
/* Uniform in [0, n). */
static inline uint64_t wl_rng_below(wl_rng *r, uint64_t n) { return n ? wl_rng_next(r) % n : 0; }

/* ---- the registry (workloads/registry.c) ---- */
extern const workload *const wl_registry[]; /* NULL-terminated */
const workload *wl_find(const char *name);

#endif
