/*
 * seed_finalizer.c — the seed's fourth experiment: when does __del__ run?
 *
 * The blog post's Python session (docs/references.md,
 * "The seed experiments", experiment 4):
 *
 *     class Noisy:
 *         def __del__(self): print("finalized")
 *     a = Noisy(); b = a
 *     del a               # nothing: b still names the object
 *     del b               # "finalized", at once, under reference counting
 *
 * and then gc.collect(), after which a tracing collector has run the finalizer too.
 *
 * The object is finalizable and holds a tag in its raw bytes; the names are root
 * slots.  The finalizer may read the object but not allocate (gc.h rule 6), so it
 * records, in statics, that it ran and the tag it read (a run is single-threaded;
 * the statics are reset at the start of every iteration).  A finalizer that runs
 * while a name still holds the object, runs twice, or reads a wrong tag fails the
 * run under any collector.  Whether and when it ran are observations; the checksum
 * folds only the tag read back through the names.
 */
#include <string.h>

#include "workloads/workload.h"

/* The tag is offset by the iteration, so a late finalization of an earlier
 * iteration's object (a collector may find it only now) is told apart. */
#define TAG_BASE 1000

static int64_t current_tag;
static unsigned finalizer_calls;     /* for this iteration's object */
static unsigned stray_finalizations; /* for no object this workload made: a collector bug */

static int64_t tag_of(gc_obj *o) {
  int64_t tag;
  memcpy(&tag, gc_data(o), sizeof tag);
  return tag;
}

/* The workload's __del__: counts the runs for this iteration's object.  An earlier
 * iteration's object finalized only now is another experiment's business. */
static void note_finalization(gc_heap *h, gc_obj *o) {
  (void)h;
  int64_t tag = tag_of(o);
  if (tag == current_tag) finalizer_calls++;
  else if (tag < TAG_BASE || tag > current_tag) stray_finalizations++;
}

static void start_iteration(wl_ctx *ctx) {
  current_tag = TAG_BASE + wl_iteration(ctx);
  finalizer_calls = stray_finalizations = 0;
}

static gc_obj *new_noisy(gc_heap *h, int64_t tag) {
  gc_obj *o = gc_alloc_finalizable(h, 0, sizeof tag, note_finalization);
  memcpy(gc_data(o), &tag, sizeof tag);
  return o;
}

/* Holds under every collector, whatever it observed. */
static void verify_finalization(wl_ctx *ctx) {
  if (stray_finalizations) wl_fail(ctx, "a finalizer ran on an object this workload did not make");
  if (finalizer_calls > 1) wl_fail(ctx, "the finalizer ran %u times", finalizer_calls);
}

/* a = Noisy(); b = a: reads the tag through both names (the checksum's facts). */
static uint64_t read_through_names(wl_ctx *ctx, gc_root a, gc_root b) {
  gc_heap *h = wl_heap(ctx);
  if (gc_root_get(h, a) != gc_root_get(h, b)) wl_fail(ctx, "a and b name different objects");
  int64_t offset = tag_of(gc_root_get(h, b)) - current_tag;
  if (offset != 0) wl_fail(ctx, "the object's tag is off by %lld", (long long)offset);
  return wl_mix(wl_mix(0, gc_root_get(h, a) == gc_root_get(h, b)), (uint64_t)offset);
}

static uint64_t run_seed_finalizer(wl_ctx *ctx) {
  gc_heap *h = wl_heap(ctx);
  start_iteration(ctx);
  uint32_t frame = gc_frame_open(h);
  gc_root a = gc_root_push(h, new_noisy(h, current_tag));
  gc_root b = gc_root_push(h, gc_root_get(h, a));
  uint64_t sum = read_through_names(ctx, a, b);

  gc_root_set(h, a, NULL); /* del a */
  if (finalizer_calls) wl_fail(ctx, "the finalizer ran while b still named the object");
  wl_observe_bool(ctx, "finalized_after_first_del", finalizer_calls > 0);
  gc_root_set(h, b, NULL); /* del b */
  wl_observe_bool(ctx, "finalized_after_second_del", finalizer_calls > 0);
  gc_collect(h);
  wl_observe_bool(ctx, "finalized_after_collect", finalizer_calls > 0);
  verify_finalization(ctx);
  wl_observe_int(ctx, "finalizer_calls", finalizer_calls);

  gc_frame_close(h, frame);
  return sum;
}

const workload wl_seed_finalizer = {
    .name = "seed-finalizer",
    .description = "an object with a finalizer bound to two names: finalized at the first del, the second, or at gc_collect?",
    .size_doc = {"one experiment (every size is the same)", "one experiment (every size is the same)",
                 "one experiment (every size is the same)"},
    .params_doc = NULL,
    .run = run_seed_finalizer,
};
