/*
 * seed_refcount.c — the seed's first experiment: two names, one cached small int.
 *
 * The blog post's Python session (docs/references.md,
 * "The seed experiments", experiment 1):
 *
 *     a = 42; b = 42          # both names are bound to CPython's cached int 42
 *     sys.getrefcount(a)      # above 1: the cache holds it as well as the names
 *     del a                   # the object lives on, with one count fewer
 *
 * and its CPython 3.12 variant, where the cached ints are immortal (PEP 683): the
 * count reported is a saturated constant that deleting a name does not change.
 *
 * The int cache is a table object held in a root slot; each cached int is an object
 * without pointer fields whose value lives in its raw bytes.  Python names are root
 * slots, and `del name` stores NULL into the slot.  The counts are observations
 * (what this collector keeps, -1 where it keeps none); the checksum folds only what
 * is read back from the objects, so it is the same under every collector.
 *
 * One immortal int is made per iteration and, being immortal, is never reclaimed:
 * the run's immortal_objects statistic equals its iteration count.
 */
#include <string.h>

#include "workloads/workload.h"

enum { CACHE_MORTAL = 0, CACHE_IMMORTAL = 1, CACHE_SLOTS = 2 };

#define MORTAL_VALUE 42    /* the blog post's int */
#define IMMORTAL_VALUE 256 /* the top of CPython's small-int cache */

/* What binding two names and deleting one showed. */
typedef struct two_names {
  bool same_object;        /* both names reached the one cached object */
  long count_two_names;    /* gc_refcount with both names bound */
  long count_after_del;    /* gc_refcount after `del a` */
  int64_t value_after_del; /* the int's value, read through the other name */
} two_names;

static int64_t int_value(gc_obj *boxed) {
  int64_t v;
  memcpy(&v, gc_data(boxed), sizeof v);
  return v;
}

/* A boxed int: no pointer fields, the value in its raw bytes. */
static gc_obj *new_int(gc_heap *h, int64_t value) {
  gc_obj *boxed = gc_alloc(h, 0, sizeof value);
  memcpy(gc_data(boxed), &value, sizeof value);
  return boxed;
}

/* The table is re-read from its root after the allocation, which may have moved it. */
static void cache_int(gc_heap *h, gc_root cache, uint32_t slot, int64_t value) {
  gc_obj *boxed = new_int(h, value);
  gc_set(h, gc_root_get(h, cache), slot, boxed);
}

static gc_obj *cached_int(gc_heap *h, gc_root cache, uint32_t slot) {
  return gc_get(gc_root_get(h, cache), slot);
}

/* `a = b = cache[slot]; getrefcount(a); del a; getrefcount(b); b` — nothing here
 * allocates, so the counts are read with no collection in between. */
static two_names bind_two_names_then_del_one(gc_heap *h, gc_root cache, uint32_t slot) {
  uint32_t frame = gc_frame_open(h);
  gc_root a = gc_root_push(h, cached_int(h, cache, slot));
  gc_root b = gc_root_push(h, cached_int(h, cache, slot));
  two_names seen;
  seen.same_object = gc_root_get(h, a) == gc_root_get(h, b);
  seen.count_two_names = gc_refcount(h, gc_root_get(h, a));
  gc_root_set(h, a, NULL); /* del a */
  seen.count_after_del = gc_refcount(h, gc_root_get(h, b));
  seen.value_after_del = int_value(gc_root_get(h, b));
  gc_frame_close(h, frame);
  return seen;
}

/* A name still bound must keep the object and its value: anything else is a
 * collector bug, whatever the collector counts. */
static void verify_two_names(wl_ctx *ctx, const two_names *seen, int64_t expected) {
  if (!seen->same_object) wl_fail(ctx, "two names bound to one cached int reach different objects");
  if (seen->value_after_del != expected)
    wl_fail(ctx, "the cached int reads %lld after `del a`, expected %lld",
            (long long)seen->value_after_del, (long long)expected);
}

static uint64_t fold_two_names(uint64_t sum, const two_names *seen) {
  sum = wl_mix(sum, seen->same_object);
  return wl_mix(sum, (uint64_t)seen->value_after_del);
}

static uint64_t run_seed_refcount(wl_ctx *ctx) {
  gc_heap *h = wl_heap(ctx);
  uint32_t frame = gc_frame_open(h);
  gc_root cache = gc_root_push(h, gc_alloc(h, CACHE_SLOTS, 0));
  cache_int(h, cache, CACHE_MORTAL, MORTAL_VALUE);
  cache_int(h, cache, CACHE_IMMORTAL, IMMORTAL_VALUE);
  gc_make_immortal(h, cached_int(h, cache, CACHE_IMMORTAL));

  two_names mortal = bind_two_names_then_del_one(h, cache, CACHE_MORTAL);
  verify_two_names(ctx, &mortal, MORTAL_VALUE);
  wl_observe_int(ctx, "count_two_names", mortal.count_two_names);
  wl_observe_int(ctx, "count_after_del", mortal.count_after_del);
  wl_observe_bool(ctx, "alive_after_del", mortal.value_after_del == MORTAL_VALUE);

  two_names immortal = bind_two_names_then_del_one(h, cache, CACHE_IMMORTAL);
  verify_two_names(ctx, &immortal, IMMORTAL_VALUE);
  wl_observe_int(ctx, "immortal_count_two_names", immortal.count_two_names);
  wl_observe_int(ctx, "immortal_count_after_del", immortal.count_after_del);

  uint64_t sum = fold_two_names(0, &mortal);
  sum = fold_two_names(sum, &immortal);
  gc_frame_close(h, frame);
  return sum;
}

const workload wl_seed_refcount = {
    .name = "seed-refcount",
    .description = "two names bound to one cached small int: its count, then `del a` (and the immortal 3.12 variant)",
    .size_doc = {"one experiment (every size is the same)", "one experiment (every size is the same)",
                 "one experiment (every size is the same)"},
    .params_doc = NULL,
    .run = run_seed_refcount,
};
