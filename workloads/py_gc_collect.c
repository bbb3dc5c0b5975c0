/*
 * py_gc_collect.c — pyperformance's gc_collect benchmark: one collection that
 * finds a great deal of cyclic garbage.
 *
 * The benchmark (docs/references.md, "Workloads", "pyperformance gc_collect and
 * gc_traversal"; pyperformance's bm_gc_collect):
 *
 *     def create_cycle(node, n_links):      # node -> 20 new nodes -> node
 *         current = node
 *         for i in range(n_links):
 *             next_node = Node(); link(current, next_node); current = next_node
 *         link(current, node)               # link(a, b): a.next = b; b.prev = a
 *
 *     gc.collect()
 *     all_cycles = create_gc_cycles(CYCLES, LINKS)   # a list of each ring's first node
 *     del all_cycles
 *     collected = gc.collect()              # timed; assert collected >= CYCLES * (LINKS + 1)
 *
 * with CYCLES = 100 and LINKS = 20: 100 rings of 21 doubly linked nodes.  Here a
 * node is its two pointer fields (next, prev) and nothing else, the list is one
 * object with a field per ring, and the local variables are root slots, so that
 * counting collectors see the references Python's frame would hold.  Sizes scale
 * the number of rings: quick is the benchmark's own 100; default 10 000 (210 000
 * nodes: the collection takes milliseconds, not microseconds, so that it can be
 * timed against process noise); large 100 000 (2.1 million nodes); --param rings=N
 * overrides.
 *
 * Before the list is dropped every ring is walked (21 `next` hops back to its first
 * node, each node's `prev` the node before it); the checksum folds the rings and
 * nodes that walk counted.  What gc_collect returns is an observation
 * (collect_returned), checked against the benchmark's assert for collectors that
 * declare cycle collection; a conservative one may instead still hold part of the
 * rings (found + held >= 21 x rings).
 */
#include "workloads/workload.h"

enum { NODE_NEXT = 0, NODE_PREV = 1, NODE_PTRS = 2 };
#define LINKS 20 /* pyperformance's LINKS: 21 nodes per ring */
#define MAX_RINGS 10000000u

static const uint64_t default_rings[WL_NSIZES] = {[WL_QUICK] = 100, [WL_DEFAULT] = 10000, [WL_LARGE] = 100000};

static uint32_t rings_param(wl_ctx *ctx) {
  uint64_t rings = wl_param_u64(ctx, "rings", default_rings[wl_size_of(ctx)]);
  if (rings < 1 || rings > MAX_RINGS) wl_bad_param(ctx, "parameter rings=%llu is not in 1..%u", (unsigned long long)rings, MAX_RINGS);
  return (uint32_t)rings;
}

static long long live_objects(gc_heap *h) {
  gc_stats s;
  gc_stats_read(h, &s);
  return (long long)s.live_objects;
}

/* link(a, b): a.next = b; b.prev = a — no allocation, so the loads stay valid. */
static void link_nodes(gc_heap *h, gc_root a, gc_root b) {
  gc_set(h, gc_root_get(h, a), NODE_NEXT, gc_root_get(h, b));
  gc_set(h, gc_root_get(h, b), NODE_PREV, gc_root_get(h, a));
}

/* create_cycle: `node` (already in the list) and LINKS new nodes after it. */
static void create_cycle(gc_heap *h, gc_root node) {
  uint32_t frame = gc_frame_open(h);
  gc_root current = gc_root_push(h, gc_root_get(h, node));
  gc_root next = gc_root_push(h, NULL);
  for (int i = 0; i < LINKS; i++) {
    gc_root_set(h, next, gc_alloc(h, NODE_PTRS, 0));
    link_nodes(h, current, next);
    gc_root_set(h, current, gc_root_get(h, next));
  }
  link_nodes(h, current, node);
  gc_frame_close(h, frame);
}

/* create_gc_cycles: the list is allocated first and holds each ring's first node. */
static void create_gc_cycles(gc_heap *h, gc_root list, uint32_t rings) {
  uint32_t frame = gc_frame_open(h);
  gc_root node = gc_root_push(h, NULL);
  gc_root_set(h, list, gc_alloc(h, rings, 0));
  for (uint32_t r = 0; r < rings; r++) {
    gc_root_set(h, node, gc_alloc(h, NODE_PTRS, 0));
    gc_set(h, gc_root_get(h, list), r, gc_root_get(h, node));
    create_cycle(h, node);
  }
  gc_frame_close(h, frame);
}

/* Every ring closes after LINKS + 1 `next` hops, and every `prev` undoes a `next`;
 * folds the rings and nodes counted. */
static uint64_t verify_rings(wl_ctx *ctx, gc_obj *list, uint32_t rings) {
  uint64_t nodes = 0;
  for (uint32_t r = 0; r < rings; r++) {
    gc_obj *first = gc_get(list, r), *n = first;
    int hops = 0;
    do {
      gc_obj *next = n ? gc_get(n, NODE_NEXT) : NULL;
      if (!next || gc_get(next, NODE_PREV) != n) wl_fail(ctx, "ring %u: the links after node %d are broken", r, hops);
      n = next;
      nodes++;
    } while (++hops <= LINKS && n != first);
    if (hops != LINKS + 1 || n != first) wl_fail(ctx, "ring %u does not close after %d nodes", r, LINKS + 1);
  }
  return wl_mix(wl_mix(0, rings), nodes);
}

static uint64_t run_py_gc_collect(wl_ctx *ctx) {
  gc_heap *h = wl_heap(ctx);
  uint32_t rings = rings_param(ctx);
  uint32_t frame = gc_frame_open(h);
  gc_collect(h);
  long long live_before = live_objects(h);
  gc_root all_cycles = gc_root_push(h, NULL);
  create_gc_cycles(h, all_cycles, rings);
  uint64_t sum = verify_rings(ctx, gc_root_get(h, all_cycles), rings);

  gc_root_set(h, all_cycles, NULL); /* del all_cycles */
  size_t collected = gc_collect(h);
  long long held = live_objects(h) - live_before;
  wl_observe_int(ctx, "collect_returned", (long long)collected);
  wl_observe_int(ctx, "objects_left", held);
  unsigned caps = gc_collector()->caps;
  uint64_t want = (uint64_t)rings * (LINKS + 1);
  uint64_t seen = collected + ((caps & GC_CAP_CONSERVATIVE) && held > 0 ? (uint64_t)held : 0);
  if ((caps & GC_CAP_COLLECTS_CYCLES) && seen < want)
    wl_fail(ctx, "gc_collect returned %zu after %u rings of %d nodes were dropped (expected at least %llu)", collected,
            rings, LINKS + 1, (unsigned long long)want);
  gc_frame_close(h, frame);
  return sum;
}

const workload wl_py_gc_collect = {
    .name = "py-gc-collect",
    .description = "pyperformance's gc_collect: rings of 21 doubly linked nodes dropped at once, then one gc_collect",
    .size_doc = {
        "100 rings (the benchmark's own): 2100 nodes, 34 KB of objects",
        "10000 rings: 210000 nodes, 3.4 MB of objects",
        "100000 rings: 2.1 M nodes, 34 MB of objects",
    },
    .params_doc = "rings=N (1..10^7; default 100/10000/100000 by size)",
    .run = run_py_gc_collect,
};
