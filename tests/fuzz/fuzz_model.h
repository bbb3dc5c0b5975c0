/*
 * fuzz_model.h — the fuzz target's shadow model: the object graph a mutator
 * program builds, by model id, kept beside the real heap so that reachability,
 * object contents, finalization, live counts and out-of-memory verdicts can be
 * checked against it.
 */
#ifndef FUZZ_MODEL_H
#define FUZZ_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "collectors/api/gc_types.h"

#define FZ_MAX_OBJS 8192
#define FZ_MAX_ROOTS 64
#define FZ_MAX_FRAMES 16
#define FZ_MAX_FIELDS 5

/* What a finalizer does besides checking its object (gc.h rule 6). */
typedef enum fz_fin_kind {
  FZ_FIN_CHECK = 0,      /* nothing */
  FZ_FIN_TO_ROOT = 1,    /* stores the object into an empty root slot */
  FZ_FIN_TO_FIELD = 2,   /* stores it into an empty field of a rooted object */
  FZ_FIN_KINDS = 3,
} fz_fin_kind;

typedef struct fz_obj {
  uint32_t nptrs;
  uint32_t bytes;        /* object bytes as gc_stats counts them (gc_common.h) */
  bool finalizable;
  uint8_t fin_kind;      /* fz_fin_kind */
  uint8_t fin_arg;       /* where to start looking for the slot or field */
  bool revived;          /* reachable again through a resurrection: finalized is no error */
  uint32_t finalized;    /* times its finalizer ran */
  uint32_t finalized_op; /* the operation during which it ran */
  int32_t fields[FZ_MAX_FIELDS]; /* model ids; -1 = NULL */
} fz_obj;

typedef struct fz_model {
  fz_obj objs[FZ_MAX_OBJS];
  uint32_t nobjs;
  int32_t roots[FZ_MAX_ROOTS]; /* model ids; -1 = NULL */
  uint32_t nroots;
  uint32_t frames[FZ_MAX_FRAMES]; /* nroots when each open frame opened */
  uint32_t nframes;
  uint64_t untracked; /* short-lived garbage allocated outside the model */
  uint32_t op; /* serial of the mutator operation running now */
  /* reachability as it was when the first finalizer of the current model state
   * ran: what the collector saw when it found the garbage, before any
   * resurrection changed the graph */
  bool snapshot_valid;
  bool snapshot[FZ_MAX_OBJS];
  /* the root slot, or the object's field, that the heap call running now writes:
   * a finalizer it triggers must not resurrect into it (-1: none) */
  int32_t busy_root, busy_obj;
  uint32_t busy_field;
} fz_model;

/* Prints why and aborts: the fuzzer's crash, the replay test's failure. */
_Noreturn void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void fz_model_reset(fz_model *m);
bool fz_can_push(const fz_model *m);
bool fz_can_alloc(const fz_model *m, uint32_t n);
uint32_t fz_new_object(fz_model *m, uint32_t nptrs, uint32_t nbytes, bool finalizable);
void fz_push_root(fz_model *m, uint32_t id);
void fz_set_root(fz_model *m, uint32_t slot, int32_t id);
void fz_set_field(fz_model *m, uint32_t id, uint32_t field, int32_t v);
void fz_pop_roots(fz_model *m, uint32_t mark);
/* A new mutator operation begins (finalizers that run now belong to it). */
void fz_begin_op(fz_model *m);
/* One object of short-lived garbage the model does not track was allocated. */
void fz_note_untracked(fz_model *m);
/* A heap call that may collect is about to run: its finalizers are judged by
 * the graph as it is now. */
void fz_before_heap_call(fz_model *m);
/* The heap call about to run writes root slot `root` or field `field` of object
 * `obj` (-1: neither); fz_busy(m, -1, -1, 0) when it returned. */
void fz_busy(fz_model *m, int32_t root, int32_t obj, uint32_t field);

/* A finalizer ran on id: fails if it already had, or if id was reachable. */
void fz_note_finalized(fz_model *m, uint32_t id);
/* Resurrections (from a finalizer): the empty root slot or the empty field of a
 * rooted object that object id goes into, found from `start`; false if none. */
bool fz_find_empty_root(const fz_model *m, uint32_t start, uint32_t *slot);
bool fz_find_empty_field(const fz_model *m, uint32_t start, uint32_t *slot, uint32_t *field);
void fz_resurrect_to_root(fz_model *m, uint32_t id, uint32_t slot);
void fz_resurrect_to_field(fz_model *m, uint32_t id, uint32_t slot, uint32_t field);

/* Everything reachable in the model is in the heap, intact, never finalized
 * (unless resurrected). */
void fz_check_reachable(const fz_model *m, gc_heap *h);
/* Right after gc_collect: stats.live_objects (beyond `baseline`, what the heap
 * held before the run) against the model (fuzz_model.c says what is allowed). */
void fz_check_live_count(fz_model *m, gc_heap *h, uint64_t baseline);
/* on_oom came: fails if the model's live data is well below the limit
 * (fuzz_model.c documents the bound). */
void fz_check_oom(fz_model *m, size_t limit, size_t requested, uint64_t birth_heap_bytes);
/* After the final collection (no roots): what the collector still holds beyond
 * `baseline` and which finalizers ran, by its capabilities. */
void fz_check_final(const fz_model *m, gc_heap *h, uint64_t baseline);

#endif
