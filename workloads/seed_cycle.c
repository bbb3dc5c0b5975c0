/*
 * seed_cycle.c — the seed's second experiment: a reference cycle outlives its names.
 *
 * The blog post's Python session (docs/references.md,
 * "The seed experiments", experiment 2):
 *
 *     a = Node(); b = Node()
 *     a.other = b; b.other = a    # a -> b -> a
 *     del a; del b                # reference counting alone: both counts stay at 1
 *     gc.collect()                # the cycle collector finds the pair and frees it
 *
 * A node is one pointer field (`other`) and an id in its raw bytes; the names a and b
 * are root slots.  Reclamation is seen without touching freed memory: both nodes are
 * finalizable, and their finalizer counts itself, per node, in statics (a run is
 * single-threaded; the counts are reset at the start of every iteration).
 *
 * Expected: a collector that declares no cycle collection (pure reference counting,
 * no collection at all) says false/false; one that collects cycles says false/true.
 * Those are observations; the checksum folds only the ids read back around the cycle.
 */
#include <string.h>

#include "workloads/workload.h"

enum { NODE_OTHER = 0, NODE_PTRS = 1 };

/* A node's id is its iteration's base plus 0 (a) or 1 (b), so a late finalization of
 * an earlier iteration's node (a collector may find it only now) is told apart. */
enum { NODE_A = 0, NODE_B = 1, NODE_PAIR = 2 };
static int64_t id_base;

/* How often the finalizer ran for this iteration's a and b, and for no node this
 * workload made (a collector bug). */
static unsigned finalizations[NODE_PAIR], stray_finalizations;

static int64_t node_id(gc_obj *node) {
  int64_t id;
  memcpy(&id, gc_data(node), sizeof id);
  return id;
}

/* The finalizer: it may read the node's bytes but must not allocate (gc.h rule 6),
 * so all it does is count.  An earlier iteration's node finalized only now is
 * another experiment's business. */
static void count_finalization(gc_heap *h, gc_obj *node) {
  (void)h;
  int64_t id = node_id(node);
  if (id == id_base + NODE_A || id == id_base + NODE_B) finalizations[id - id_base]++;
  else if (id < 1 || id >= id_base + NODE_PAIR) stray_finalizations++;
}

static void start_iteration(wl_ctx *ctx) {
  id_base = 1 + (int64_t)NODE_PAIR * wl_iteration(ctx);
  memset(finalizations, 0, sizeof finalizations);
  stray_finalizations = 0;
}

static bool both_finalized(void) { return finalizations[NODE_A] && finalizations[NODE_B]; }

static gc_obj *new_node(gc_heap *h, int64_t id) {
  gc_obj *node = gc_alloc_finalizable(h, NODE_PTRS, sizeof id, count_finalization);
  memcpy(gc_data(node), &id, sizeof id);
  return node;
}

/* a.other = b; b.other = a — no allocation, so the two loads stay valid. */
static void link_pair(gc_heap *h, gc_root a, gc_root b) {
  gc_set(h, gc_root_get(h, a), NODE_OTHER, gc_root_get(h, b));
  gc_set(h, gc_root_get(h, b), NODE_OTHER, gc_root_get(h, a));
}

/* Walks a -> a.other -> a.other.other, which must be a again, folding the ids seen
 * relative to the iteration's base (the checksum is the same every iteration). */
static uint64_t read_cycle(wl_ctx *ctx, gc_obj *a) {
  gc_obj *b = gc_get(a, NODE_OTHER);
  if (!b || gc_get(b, NODE_OTHER) != a) wl_fail(ctx, "the cycle a -> b -> a is broken");
  int64_t ida = node_id(a) - id_base, idb = node_id(b) - id_base;
  if (ida != NODE_A || idb != NODE_B)
    wl_fail(ctx, "the cycle's ids read %lld, %lld (relative to the iteration)", (long long)ida, (long long)idb);
  return wl_mix(wl_mix(0, (uint64_t)ida), (uint64_t)idb);
}

/* Finalizers run at most once, and only for nodes this workload made. */
static void verify_finalizations(wl_ctx *ctx) {
  if (stray_finalizations) wl_fail(ctx, "a finalizer ran on an object that is not one of the nodes");
  for (int n = NODE_A; n <= NODE_B; n++)
    if (finalizations[n] > 1) wl_fail(ctx, "node %c was finalized %u times", "ab"[n], finalizations[n]);
}

static long long live_objects(gc_heap *h) {
  gc_stats s;
  gc_stats_read(h, &s);
  return (long long)s.live_objects;
}

static uint64_t run_seed_cycle(wl_ctx *ctx) {
  gc_heap *h = wl_heap(ctx);
  start_iteration(ctx);
  uint32_t frame = gc_frame_open(h);
  gc_root a = gc_root_push(h, new_node(h, id_base + NODE_A));
  gc_root b = gc_root_push(h, new_node(h, id_base + NODE_B));
  link_pair(h, a, b);
  uint64_t sum = read_cycle(ctx, gc_root_get(h, a));
  if (finalizations[NODE_A] || finalizations[NODE_B]) wl_fail(ctx, "a node was finalized while still named");

  long long live_before = live_objects(h);
  gc_root_set(h, a, NULL); /* del a */
  gc_root_set(h, b, NULL); /* del b */
  wl_observe_bool(ctx, "freed_after_del", both_finalized());
  size_t found = gc_collect(h);
  wl_observe_int(ctx, "collect_returned", (long long)found);
  wl_observe_bool(ctx, "freed_after_collect", both_finalized());
  wl_observe_int(ctx, "objects_reclaimed", live_before - live_objects(h));
  verify_finalizations(ctx);

  gc_frame_close(h, frame);
  return sum;
}

const workload wl_seed_cycle = {
    .name = "seed-cycle",
    .description = "two nodes a -> b -> a: freed when both names are deleted, or only by gc_collect, or never?",
    .size_doc = {"one experiment (every size is the same)", "one experiment (every size is the same)",
                 "one experiment (every size is the same)"},
    .params_doc = NULL,
    .run = run_seed_cycle,
};
