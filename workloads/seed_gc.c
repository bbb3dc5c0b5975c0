/*
 * seed_gc.c — the seed's third experiment: the knobs of Python's gc module.
 *
 * The blog post's Python session (docs/references.md,
 * "The seed experiments", experiment 3):
 *
 *     gc.isenabled()      # True by default
 *     gc.collect()        # the number of unreachable objects found (0: none yet)
 *     ...                 # make some unreachable cycles
 *     gc.collect()        # now it finds them
 *     gc.garbage          # [] in modern Python
 *
 * The garbage is three rings of different sizes (a node pointing to itself, a pair,
 * and a triangle: six objects), built in a frame that is then closed.  gc.garbage
 * holds what a collector found but could not free (cycles with legacy finalizers);
 * the API has no such objects, so what this workload reports instead is how many of
 * the six the collector still holds after gc_collect (live objects, from
 * gc_stats_read, against the count before the rings were made).
 *
 * Everything observed depends on the collector; the checksum folds only the ids and
 * lengths read back around each ring before it was dropped.
 */
#include <string.h>

#include "workloads/workload.h"

enum { NODE_NEXT = 0, NODE_PTRS = 1 };

static const uint32_t ring_sizes[] = {1, 2, 3};
#define NRINGS (sizeof ring_sizes / sizeof ring_sizes[0])

static int64_t node_id(gc_obj *node) {
  int64_t id;
  memcpy(&id, gc_data(node), sizeof id);
  return id;
}

static gc_obj *new_node(gc_heap *h, int64_t id) {
  gc_obj *node = gc_alloc(h, NODE_PTRS, sizeof id);
  memcpy(gc_data(node), &id, sizeof id);
  return node;
}

/* Follows `size` next pointers from head, checking the ids count up from first_id
 * and the walk ends where it began; folds what it read. */
static uint64_t read_ring(wl_ctx *ctx, gc_obj *head, uint32_t size, int64_t first_id) {
  uint64_t sum = wl_mix(0, size);
  gc_obj *node = head;
  for (uint32_t i = 0; i < size; i++) {
    if (!node) wl_fail(ctx, "ring of %u: node %u is missing", size, i);
    if (node_id(node) != first_id + i)
      wl_fail(ctx, "ring of %u: node %u has id %lld", size, i, (long long)node_id(node));
    sum = wl_mix(sum, (uint64_t)node_id(node));
    node = gc_get(node, NODE_NEXT);
  }
  if (node != head) wl_fail(ctx, "ring of %u does not close", size);
  return sum;
}

/* Why a head and a tail slot: each new node is linked from the tail, which the
 * allocation may have moved (gc.h rule 2); the head closes the ring at the end.
 * Closing the frame drops both, leaving the ring unreachable. */
static uint64_t make_garbage_ring(wl_ctx *ctx, uint32_t size, int64_t first_id) {
  gc_heap *h = wl_heap(ctx);
  uint32_t frame = gc_frame_open(h);
  gc_root head = gc_root_push(h, new_node(h, first_id));
  gc_root tail = gc_root_push(h, gc_root_get(h, head));
  for (uint32_t i = 1; i < size; i++) {
    gc_obj *node = new_node(h, first_id + i);
    gc_set(h, gc_root_get(h, tail), NODE_NEXT, node);
    gc_root_set(h, tail, node);
  }
  gc_set(h, gc_root_get(h, tail), NODE_NEXT, gc_root_get(h, head));
  uint64_t sum = read_ring(ctx, gc_root_get(h, head), size, first_id);
  gc_frame_close(h, frame);
  return sum;
}

static long long live_objects(gc_heap *h) {
  gc_stats s;
  gc_stats_read(h, &s);
  return (long long)s.live_objects;
}

static uint64_t run_seed_gc(wl_ctx *ctx) {
  gc_heap *h = wl_heap(ctx);
  wl_observe_bool(ctx, "isenabled_default", gc_isenabled(h));
  wl_observe_int(ctx, "collect_returned_empty", (long long)gc_collect(h));

  long long live_before = live_objects(h);
  uint64_t sum = 0;
  int64_t first_id = 1;
  for (size_t r = 0; r < NRINGS; r++) {
    sum = wl_mix(sum, make_garbage_ring(ctx, ring_sizes[r], first_id));
    first_id += ring_sizes[r];
  }
  wl_observe_int(ctx, "collect_returned_cycles", (long long)gc_collect(h));
  wl_observe_int(ctx, "live_after_collect", live_objects(h) - live_before);
  return sum;
}

const workload wl_seed_gc = {
    .name = "seed-gc",
    .description = "gc.isenabled(), gc.collect() with nothing to find, then with three unreachable rings",
    .size_doc = {"one experiment (every size is the same)", "one experiment (every size is the same)",
                 "one experiment (every size is the same)"},
    .params_doc = NULL,
    .run = run_seed_gc,
};
