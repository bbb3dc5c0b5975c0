/*
 * conformance_model.h — random object graphs checked against a shadow model.
 *
 * The model keeps, in plain C arrays, what the heap should hold: every object ever
 * allocated (its id is its index), its shape, and which object each of its fields
 * and each root slot refers to.  A random mutator drives the heap and the model with
 * the same operations — allocations, field stores, root pushes and sets, frame opens
 * and closes, collections — and after every step the whole graph reachable from the
 * roots is compared with the model: shapes, raw bytes, and every pointer.
 *
 * Objects are identified by the id in their raw bytes and reached only through root
 * slots and fields, never through a gc_obj* kept across a call that may collect
 * (gc.h rule 2), so the same walk checks a moving collector.
 *
 * The model also predicts which objects a collector holds after a full collection,
 * from its capabilities alone: every object when it never reclaims; the objects
 * reachable from roots when it collects cycles; and otherwise (counting) the objects
 * reachable from a root or from a cycle — the greatest set of objects that all still
 * have a referrer in the set, which is what counting can never free.
 */
#ifndef CONFORMANCE_MODEL_H
#define CONFORMANCE_MODEL_H

#include "tests/conformance_support.h"

#define MODEL_MAX_PTRS 8
#define MODEL_MAX_BYTES 64
#define MODEL_MAX_ROOTS 48
#define MODEL_MAX_FRAMES 8
#define MODEL_NULL (-1)

typedef struct model_obj {
  uint32_t nptrs, nbytes;
  bool finalizable;
  bool finalized;
  int32_t field[MODEL_MAX_PTRS]; /* ids, or MODEL_NULL */
} model_obj;

typedef struct model_frame {
  uint32_t heap_mark; /* what gc_frame_open returned */
  uint32_t nroots;    /* the model's root count when it opened */
} model_frame;

typedef struct model_config {
  uint64_t seed;
  bool zeal;
  bool finalizers;   /* some allocations are finalizable, with a checking finalizer */
  bool check_counts; /* compare gc_refcount with the model after every gc_collect */
} model_config;

typedef struct model {
  gc_heap *h;
  model_config cfg;
  rng rng;
  uint32_t step;
  uint64_t baseline_live; /* live objects before the model allocated any */

  model_obj *objs;
  uint32_t nobjs, cap;

  gc_root root_handle[MODEL_MAX_ROOTS];
  int32_t root_val[MODEL_MAX_ROOTS];
  uint32_t nroots;
  model_frame frames[MODEL_MAX_FRAMES];
  uint32_t nframes;

  /* verification scratch: an object is seen in this walk when seen[id] == epoch */
  uint32_t epoch, nreachable;
  uint32_t *seen;
  gc_obj **addr;
  int32_t *stack;
  /* what the collector should hold (model_mark_*): keep[id] != 0 */
  uint8_t *keep;
  uint32_t *incoming;
  int32_t *work;
  /* the finalizer's own reachability walk (it runs inside collector calls) */
  uint32_t reach_epoch;
  uint32_t *reach_seen;
  int32_t *reach_stack;
} model;

/* A heap (zeal per cfg) and an empty model with one open frame; false on failure. */
bool model_open(model *m, const model_config *cfg);
/* Destroys the heap and frees the model. */
void model_close(model *m);

/* Runs `steps` random operations, verifying the reachable graph after each. */
bool model_run(model *m, uint32_t steps);
/* Compares everything reachable from the roots with the model; also records in
 * seen/addr which objects were reached and where (valid until the next collection). */
bool model_verify(model *m);
/* Closes every frame: the heap and the model have no roots left. */
void model_drop_all_roots(model *m);
/* After model_drop_all_roots: finalizers ran exactly for the unreachable finalizable
 * objects the collector can reclaim, and the collector holds what the model says. */
bool model_check_final_state(model *m);

/* Each marks keep[] and returns how many objects it marked. */
uint32_t model_mark_reachable(model *m);
/* Among the objects `among` marks (NULL: every object ever allocated); the others
 * count as already freed, referring to nothing. */
uint32_t model_mark_counting_survivors(model *m, const uint8_t *among);
uint32_t model_mark_held(model *m); /* one of the above, or everything, per capabilities */
/* What a conservative collector may hold beyond what keep[] marks (0 for exact
 * collectors): see retention_in_graph in conformance_support.h. */
uint64_t model_retention(model *m);

#endif
