/*
 * fuzz_model.h — the fuzz target's shadow model: the object graph a mutator
 * program builds, by model id, kept beside the real heap so that reachability,
 * object contents and finalization can be checked against it.
 */
#ifndef FUZZ_MODEL_H
#define FUZZ_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "collectors/api/gc_types.h"

#define FZ_MAX_OBJS 4096
#define FZ_MAX_ROOTS 64
#define FZ_MAX_FRAMES 16
#define FZ_MAX_FIELDS 5

typedef struct fz_obj {
  uint32_t nptrs;
  bool finalizable;
  uint32_t finalized; /* times its finalizer ran */
  int32_t fields[FZ_MAX_FIELDS]; /* model ids; -1 = NULL */
} fz_obj;

typedef struct fz_model {
  fz_obj objs[FZ_MAX_OBJS];
  uint32_t nobjs;
  int32_t roots[FZ_MAX_ROOTS]; /* model ids; -1 = NULL */
  uint32_t nroots;
  uint32_t frames[FZ_MAX_FRAMES]; /* nroots when each open frame opened */
  uint32_t nframes;
} fz_model;

/* Prints why and aborts: the fuzzer's crash, the replay test's failure. */
_Noreturn void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void fz_model_reset(fz_model *m);
bool fz_can_push(const fz_model *m);
bool fz_can_alloc(const fz_model *m);
uint32_t fz_new_object(fz_model *m, uint32_t nptrs, bool finalizable);
void fz_push_root(fz_model *m, uint32_t id);
void fz_set_root(fz_model *m, uint32_t slot, int32_t id);
void fz_set_field(fz_model *m, uint32_t id, uint32_t field, int32_t v);
void fz_pop_roots(fz_model *m, uint32_t mark);

/* A finalizer ran on id: fails if it already had, or if id is reachable. */
void fz_note_finalized(fz_model *m, uint32_t id);
/* Everything reachable in the model is in the heap, intact, never finalized. */
void fz_check_reachable(const fz_model *m, gc_heap *h);
/* After the final collection (no roots): what the collector still holds beyond
 * `baseline` (what it held when the run began: bdw's heap outlives gclab heaps)
 * and which finalizers ran, by its capabilities. */
void fz_check_final(const fz_model *m, gc_heap *h, uint64_t baseline);

#endif
