/*
 * conformance_lifetime.c — how long objects live when the mutator lets go: garbage
 * cycles of known shapes (case 2) and immortal objects (case 4).
 */
#include "collectors/api/gc_embed.h" /* GC_REFCOUNT_IMMORTAL (gc_types.h or gc_embed.h) */
#include "tests/conformance_cases.h"
#include "tests/conformance_support.h"

/* ==================================================================
 * Case 2: unreachable cycles
 * ================================================================== */

#define GRAPH_MAX_NODES 100
#define GRAPH_MAX_EDGES 200
#define GRAPH_NODE_PTRS 2
#define GRAPH_NODE_BYTES 16

typedef struct edge {
  uint32_t from, field, to; /* node `from`'s field `field` points to node `to` */
} edge;

/* A small graph of known shape; below_cycles is worked out by hand, so that the
 * test does not share a mistake with a collector's own cycle detection. */
typedef struct graph {
  const char *name;
  uint32_t nodes;
  uint32_t below_cycles; /* nodes on or reachable from a cycle: counting never frees them */
  uint32_t nedges;
  edge edges[GRAPH_MAX_EDGES];
} graph;

static void add_edge(graph *g, uint32_t from, uint32_t field, uint32_t to) {
  g->edges[g->nedges++] = (edge){from, field, to};
}

/* first -> first+1 -> ... -> first+n-1 -> first, through field 0. */
static void add_ring(graph *g, uint32_t first, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) add_edge(g, first + i, 0, first + (i + 1) % n);
}

/* Node first+i has children first+2i+1 and first+2i+2, through fields 0 and 1. */
static void add_binary_tree(graph *g, uint32_t first, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t c = 0; c < 2; c++)
      if (2 * i + 1 + c < n) add_edge(g, first + i, c, first + 2 * i + 1 + c);
}

static void two_node_cycle(graph *g) {
  *g = (graph){.name = "2-node cycle", .nodes = 2, .below_cycles = 2};
  add_ring(g, 0, 2);
}

static void self_loop(graph *g) {
  *g = (graph){.name = "self-loop", .nodes = 1, .below_cycles = 1};
  add_ring(g, 0, 1);
}

static void ring_of_10(graph *g) {
  *g = (graph){.name = "ring of 10", .nodes = 10, .below_cycles = 10};
  add_ring(g, 0, 10);
}

static void ring_of_100(graph *g) {
  *g = (graph){.name = "ring of 100", .nodes = 100, .below_cycles = 100};
  add_ring(g, 0, 100);
}

/* A 7-node tree whose last leaf (node 6) points into a ring of 3. */
static void cycle_hanging_off_tree(graph *g) {
  *g = (graph){.name = "cycle hanging off a tree", .nodes = 10, .below_cycles = 3};
  add_binary_tree(g, 0, 7);
  add_edge(g, 6, 0, 7);
  add_ring(g, 7, 3);
}

/* A ring of 3 whose node 0 holds a 3-node tree in its second field. */
static void tree_hanging_off_cycle(graph *g) {
  *g = (graph){.name = "tree hanging off a cycle", .nodes = 6, .below_cycles = 6};
  add_ring(g, 0, 3);
  add_edge(g, 0, 1, 3);
  add_binary_tree(g, 3, 3);
}

/* Two rings of 4 pointing at each other: one strongly connected component. */
static void two_rings_joined(graph *g) {
  *g = (graph){.name = "two rings joined", .nodes = 8, .below_cycles = 8};
  add_ring(g, 0, 4);
  add_ring(g, 4, 4);
  add_edge(g, 0, 1, 4);
  add_edge(g, 4, 1, 0);
}

static void acyclic_tree(graph *g) {
  *g = (graph){.name = "acyclic tree of 15", .nodes = 15, .below_cycles = 0};
  add_binary_tree(g, 0, 15);
}

/* 0 -> {1, 2} -> 3 (shared), then a chain 3 -> 4 -> ... -> 19. */
static void acyclic_diamond_and_chain(graph *g) {
  *g = (graph){.name = "acyclic diamond and chain", .nodes = 20, .below_cycles = 0};
  add_edge(g, 0, 0, 1);
  add_edge(g, 0, 1, 2);
  add_edge(g, 1, 0, 3);
  add_edge(g, 2, 0, 3);
  for (uint32_t i = 3; i < 19; i++) add_edge(g, i, 0, i + 1);
}

static void (*const garbage_shapes[])(graph *) = {
    two_node_cycle,   self_loop,        ring_of_10,   ring_of_100,
    cycle_hanging_off_tree, tree_hanging_off_cycle, two_rings_joined, acyclic_tree,
    acyclic_diamond_and_chain,
};

/* Every node gets a root slot of its own before the next allocation, and the edges
 * are stored through the slots, so the graph is built legally under zeal. */
static void build_rooted_graph(gc_heap *h, const graph *g, gc_root *slots) {
  for (uint32_t i = 0; i < g->nodes; i++) slots[i] = push_new_object(h, i, GRAPH_NODE_PTRS, GRAPH_NODE_BYTES, NULL);
  for (uint32_t e = 0; e < g->nedges; e++) {
    const edge *d = &g->edges[e];
    gc_set(h, gc_root_get(h, slots[d->from]), d->field, gc_root_get(h, slots[d->to]));
  }
}

static bool rooted_graph_intact(gc_heap *h, const graph *g, const gc_root *slots) {
  for (uint32_t i = 0; i < g->nodes; i++)
    if (!CHECK(identity_intact(gc_root_get(h, slots[i]), i), "%s: node %u corrupted while rooted", g->name, i))
      return false;
  for (uint32_t e = 0; e < g->nedges; e++) {
    const edge *d = &g->edges[e];
    if (!CHECK(gc_get(gc_root_get(h, slots[d->from]), d->field) == gc_root_get(h, slots[d->to]),
               "%s: edge %u.%u -> %u lost while rooted", g->name, d->from, d->field, d->to))
      return false;
  }
  return true;
}

/* What a conservative collector may still hold of the graph: what a few stale
 * references reach (conformance_support.h). */
static uint64_t graph_retention(const graph *g) {
  uint32_t first[GRAPH_MAX_NODES + 1] = {0};
  int32_t succ[GRAPH_MAX_EDGES];
  for (uint32_t e = 0; e < g->nedges; e++) first[g->edges[e].from + 1]++;
  for (uint32_t x = 0; x < g->nodes; x++) first[x + 1] += first[x];
  uint32_t fill[GRAPH_MAX_NODES];
  for (uint32_t x = 0; x < g->nodes; x++) fill[x] = first[x];
  for (uint32_t e = 0; e < g->nedges; e++) succ[fill[g->edges[e].from]++] = (int32_t)g->edges[e].to;
  return retention_in_graph(g->nodes, first, succ);
}

/* What one gc_collect must leave of a graph whose roots just went, per capability. */
static void check_garbage_graph_collected(gc_heap *h, const graph *g, uint64_t baseline, size_t found) {
  uint64_t left = live_since(h, baseline);
  if (has_cap(GC_CAP_COLLECTS_CYCLES)) {
    uint64_t allowed = graph_retention(g);
    if (!CHECK(live_as_predicted(left, 0, allowed),
               "%s: %llu of its %u objects survive gc_collect (the collector collects cycles)%s", g->name,
               (unsigned long long)left, g->nodes, retention_note(allowed)))
      return;
    /* what a conservative collector still holds, it has not found */
    uint64_t retained = has_cap(GC_CAP_CONSERVATIVE) ? left : 0;
    CHECK(found + retained >= g->below_cycles,
          "%s: gc_collect returned %zu, but %u objects on or below a cycle were freed", g->name, found,
          g->below_cycles);
  } else if (has_cap(GC_CAP_RECLAIMS)) {
    CHECK(left == g->below_cycles, "%s: %llu objects live after gc_collect; expected the %u on or below a cycle",
          g->name, (unsigned long long)left, g->below_cycles);
  } else {
    CHECK(left == g->nodes, "%s: %llu of %u objects live in a collector that never reclaims", g->name,
          (unsigned long long)left, g->nodes);
  }
}

static void check_shape_collection(gc_heap *h, const graph *g) {
  gc_root slots[GRAPH_MAX_NODES];
  gc_collect(h);
  uint64_t baseline = live_objects(h);
  uint32_t frame = gc_frame_open(h);
  build_rooted_graph(h, g, slots);
  gc_collect(h);
  uint64_t rooted = live_since(h, baseline);
  bool ok = CHECK(count_as_predicted(h, baseline, 0, g->nodes, UINT64_MAX),
                  "%s: %llu objects live while all %u are rooted", g->name, (unsigned long long)rooted, g->nodes) &&
            rooted_graph_intact(h, g, slots);
  gc_frame_close(h, frame);
  if (ok) check_garbage_graph_collected(h, g, baseline, gc_collect(h));
}

void case_unreachable_cycles(void) {
  gc_heap *h = heap_open(true, 0, NULL);
  if (!h) return;
  graph g;
  for (size_t i = 0; i < sizeof garbage_shapes / sizeof *garbage_shapes && !conf_failed(); i++) {
    garbage_shapes[i](&g);
    check_shape_collection(h, &g);
  }
  gc_heap_destroy(h);
}

/* ==================================================================
 * Case 4: immortal objects
 * ================================================================== */

enum { IMMORTAL_ID = 1, IMMORTAL_CHILD_ID, HOLDER_ID, ROOTED_IMMORTAL_ID, ROOTED_IMMORTAL_CHILD_ID };
#define GARBAGE_AROUND_IMMORTALS 300

static bool expect_immortal_count(gc_heap *h, gc_obj *o, const char *when) {
  if (has_cap(GC_CAP_COUNTS_REFS) && !has_cap(GC_CAP_IMMORTAL_SATURATES)) return true; /* still counted */
  long want = has_cap(GC_CAP_COUNTS_REFS) ? GC_REFCOUNT_IMMORTAL : -1;
  long got = gc_refcount(h, o);
  return CHECK(got == want, "immortal object %s: gc_refcount is %ld, expected %ld", when, got, want);
}

/* An immortal object: identity intact, field 0 its child (intact), field 1 itself. */
static bool immortal_intact(gc_obj *o, uint64_t id, uint64_t child_id) {
  gc_obj *child = gc_get(o, 0);
  return CHECK(identity_intact(o, id), "immortal object %llu corrupted", (unsigned long long)id) &&
         CHECK(child && identity_intact(child, child_id), "the child of immortal object %llu lost or corrupted",
               (unsigned long long)id) &&
         CHECK(gc_get(o, 1) == o, "immortal object %llu no longer points at itself", (unsigned long long)id);
}

/* An object with a child and a self-reference, held by root slot `slot` and by
 * field 0 of a holder; the child is held only by it. */
static void build_immortal_candidate(gc_heap *h, gc_root slot, gc_root holder, uint64_t child_id) {
  gc_root child = push_new_object(h, child_id, 0, 16, NULL);
  gc_set(h, gc_root_get(h, slot), 0, gc_root_get(h, child));
  gc_set(h, gc_root_get(h, slot), 1, gc_root_get(h, slot));
  gc_set(h, gc_root_get(h, holder), 0, gc_root_get(h, slot));
  gc_root_set(h, child, NULL);
}

/* Stores and drops references to an immortal object: none of it may count. */
static bool churn_references_to(gc_heap *h, gc_root slot, gc_root holder) {
  gc_root extra = gc_root_push(h, gc_root_get(h, slot));
  gc_set(h, gc_root_get(h, holder), 0, NULL);
  gc_set(h, gc_root_get(h, holder), 0, gc_root_get(h, slot));
  gc_root_set(h, extra, NULL);
  gc_set(h, gc_root_get(h, holder), 0, NULL);
  return expect_immortal_count(h, gc_root_get(h, slot), "after references came and went");
}

/* The rooted half works for every collector, moving ones included: the object is
 * reached through its slot after collections that may have moved it. */
static bool check_rooted_immortal(gc_heap *h) {
  uint32_t frame = gc_frame_open(h);
  gc_root slot = push_new_object(h, ROOTED_IMMORTAL_ID, 2, 24, NULL);
  gc_root holder = push_new_object(h, HOLDER_ID, 1, 16, NULL);
  build_immortal_candidate(h, slot, holder, ROOTED_IMMORTAL_CHILD_ID);
  gc_make_immortal(h, gc_root_get(h, slot));
  bool ok = churn_references_to(h, slot, holder);
  allocate_garbage(h, GARBAGE_AROUND_IMMORTALS);
  gc_collect(h);
  ok = ok && immortal_intact(gc_root_get(h, slot), ROOTED_IMMORTAL_ID, ROOTED_IMMORTAL_CHILD_ID) &&
       expect_immortal_count(h, gc_root_get(h, slot), "after collections");
  gc_frame_close(h, frame);
  return ok;
}

/* The unreferenced half: after every reference is gone the object and its child
 * stay live.  Their contents can be checked only where objects do not move (the
 * one pointer left is a raw one, kept across collections). */
static void check_unreferenced_immortal(gc_heap *h) {
  gc_collect(h);
  uint64_t baseline = live_objects(h);
  gc_stats before;
  gc_stats_read(h, &before);
  uint32_t frame = gc_frame_open(h);
  gc_root slot = push_new_object(h, IMMORTAL_ID, 2, 32, NULL);
  gc_root holder = push_new_object(h, HOLDER_ID, 1, 16, NULL);
  build_immortal_candidate(h, slot, holder, IMMORTAL_CHILD_ID);
  gc_make_immortal(h, gc_root_get(h, slot));
  gc_make_immortal(h, gc_root_get(h, slot)); /* a second call changes nothing */
  gc_stats after;
  gc_stats_read(h, &after);
  bool ok = CHECK(after.immortal_objects == before.immortal_objects + 1,
                  "immortal_objects went from %llu to %llu after making one object immortal twice",
                  (unsigned long long)before.immortal_objects, (unsigned long long)after.immortal_objects) &&
            expect_immortal_count(h, gc_root_get(h, slot), "just made") && churn_references_to(h, slot, holder);
  gc_obj *raw = gc_root_get(h, slot);
  gc_frame_close(h, frame);
  if (!ok) return;

  allocate_garbage(h, GARBAGE_AROUND_IMMORTALS);
  gc_collect(h);
  gc_collect(h);
  uint64_t live = live_since(h, baseline);
  uint64_t want = has_cap(GC_CAP_RECLAIMS) ? 2 : 3 + GARBAGE_AROUND_IMMORTALS;
  uint64_t allowed = retention_allowed(3 + GARBAGE_AROUND_IMMORTALS - want);
  /* floor: the rooted half's immortal object and its child */
  if (!CHECK(count_as_predicted(h, baseline, 2, want, allowed),
             "%llu objects live after dropping an immortal object and its holder; expected %llu%s",
             (unsigned long long)live, (unsigned long long)want, retention_note(allowed)))
    return;
  if (!has_cap(GC_CAP_MOVES_OBJECTS)) immortal_intact(raw, IMMORTAL_ID, IMMORTAL_CHILD_ID);
}

void case_immortal_objects(void) {
  gc_heap *h = heap_open(true, 0, NULL);
  if (!h) return;
  if (check_rooted_immortal(h)) check_unreferenced_immortal(h);
  gc_heap_destroy(h);
}
