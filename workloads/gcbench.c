/*
 * gcbench.c — GCBench: John Ellis and Pete Kovac's binary-tree benchmark, in Hans
 * Boehm's version.
 *
 * Parameters of the canonical run (docs/references.md, "Workloads", "GCBench"):
 * kStretchTreeDepth 18, kLongLivedTreeDepth 16, kArraySize 500000, kMinTreeDepth 4,
 * kMaxTreeDepth 16.  TreeSize(d) = 2^(d+1) - 1 nodes; NumIters(d) = 2 *
 * TreeSize(kStretchTreeDepth) / TreeSize(d), so every depth allocates about the same
 * number of nodes.  A node is two pointers (left, right) and two ints (i, j).
 *
 *   1. Stretch the heap: build a tree of the stretch depth bottom-up and drop it.
 *   2. Build the long-lived tree top-down and the long-lived array of doubles (one
 *      pointer-free object, the first half filled with 1.0/i); both are kept.
 *   3. For d = 4, 6, .. max: NumIters(d) trees built top-down (Populate: children
 *      allocated and stored into an already-allocated parent, so young pointers
 *      land in older objects), each dropped at once; then as many bottom-up
 *      (MakeTree: both subtrees first, then their parent).
 *   4. The long-lived tree and array[1000] == 1.0/1000 must have survived.
 *
 * What this version adds, for verification only: the ints the original leaves at
 * zero hold each node's height (i) and heap-order index (j: root 1, children 2j and
 * 2j+1), and the stretch tree, the last tree of every batch, the long-lived tree
 * and the whole array are read back and checked; the checksum folds what those
 * reads found.  The other temporary trees are dropped unread, as in the original.
 * The original's timings are left to the harness; its progress lines are kept.
 */
#include <math.h>
#include <string.h>

#include "workloads/workload.h"

typedef struct gcbench_config {
  int stretch_depth, long_lived_depth, min_depth, max_depth;
  uint32_t array_size;
} gcbench_config;

static const gcbench_config configs[WL_NSIZES] = {
    [WL_QUICK] = {.stretch_depth = 14, .long_lived_depth = 12, .min_depth = 4, .max_depth = 12, .array_size = 50000},
    [WL_DEFAULT] = {.stretch_depth = 18, .long_lived_depth = 16, .min_depth = 4, .max_depth = 16, .array_size = 500000},
    [WL_LARGE] = {.stretch_depth = 20, .long_lived_depth = 18, .min_depth = 4, .max_depth = 18, .array_size = 2000000},
};

enum { NODE_LEFT = 0, NODE_RIGHT = 1, NODE_PTRS = 2 };

typedef struct node_ints {
  int32_t i; /* height: 0 for a leaf */
  int32_t j; /* heap-order index: root 1, children 2j and 2j+1 */
} node_ints;

static long tree_size(int depth) { return (2L << depth) - 1; }

static long num_iters(const gcbench_config *cfg, int depth) {
  return 2 * tree_size(cfg->stretch_depth) / tree_size(depth);
}

/* ---- nodes ---- */

static gc_obj *new_node(gc_heap *h, int height, int32_t index) {
  gc_obj *node = gc_alloc(h, NODE_PTRS, sizeof(node_ints));
  node_ints ints = {.i = height, .j = index};
  memcpy(gc_data(node), &ints, sizeof ints);
  return node;
}

static node_ints ints_of(gc_obj *node) {
  node_ints ints;
  memcpy(&ints, gc_data(node), sizeof ints);
  return ints;
}

/* ---- building ---- */

/* Allocates a child and stores it into the parent, re-read from its slot because
 * the allocation may have moved it (gc.h rule 2). */
static void attach_child(gc_heap *h, gc_root parent, uint32_t side, int height, int32_t index) {
  gc_obj *child = new_node(h, height, index);
  gc_set(h, gc_root_get(h, parent), side, child);
}

/* Populate (top-down): the parent exists and sits in a root slot; both children are
 * allocated into it before either subtree is filled, as in the original.  One slot
 * per level holds the child being filled while its own children are allocated. */
static void populate(gc_heap *h, int depth, gc_root parent) {
  if (depth <= 0) return;
  int32_t index = ints_of(gc_root_get(h, parent)).j;
  attach_child(h, parent, NODE_LEFT, depth - 1, 2 * index);
  attach_child(h, parent, NODE_RIGHT, depth - 1, 2 * index + 1);
  uint32_t frame = gc_frame_open(h);
  gc_root child = gc_root_push(h, gc_get(gc_root_get(h, parent), NODE_LEFT));
  populate(h, depth - 1, child);
  gc_root_set(h, child, gc_get(gc_root_get(h, parent), NODE_RIGHT));
  populate(h, depth - 1, child);
  gc_frame_close(h, frame);
}

/* A new root node, then Populate: what the original's `new Node(); Populate(..)` does. */
static void build_top_down(gc_heap *h, int depth, gc_root slot) {
  gc_root_set(h, slot, new_node(h, depth, 1));
  populate(h, depth, slot);
}

/* MakeTree (bottom-up): both subtrees first, each held in a root slot while the next
 * allocation runs, then their parent.  Returns a raw pointer to the new root, which
 * the caller must store before its next allocation. */
static gc_obj *make_tree(gc_heap *h, int depth, int32_t index) {
  if (depth <= 0) return new_node(h, 0, index);
  uint32_t frame = gc_frame_open(h);
  gc_root left = gc_root_push(h, make_tree(h, depth - 1, 2 * index));
  gc_root right = gc_root_push(h, make_tree(h, depth - 1, 2 * index + 1));
  gc_obj *node = new_node(h, depth, index);
  gc_set(h, node, NODE_LEFT, gc_root_get(h, left));
  gc_set(h, node, NODE_RIGHT, gc_root_get(h, right));
  gc_frame_close(h, frame);
  return node;
}

/* ---- reading back ---- */

/* Counts a tree's nodes, checking each is where its ints say: the expected height
 * and index, two children above the leaves and none at them.  No allocation, so
 * raw pointers are safe; the recursion is only as deep as the tree. */
static long walk_tree(wl_ctx *ctx, gc_obj *node, int height, int32_t index) {
  if (!node) wl_fail(ctx, "tree node %d (height %d) is missing", index, height);
  node_ints ints = ints_of(node);
  if (ints.i != height || ints.j != index)
    wl_fail(ctx, "tree node %d (height %d) reads i=%d j=%d", index, height, ints.i, ints.j);
  gc_obj *left = gc_get(node, NODE_LEFT), *right = gc_get(node, NODE_RIGHT);
  if (height == 0) {
    if (left || right) wl_fail(ctx, "leaf %d has children", index);
    return 1;
  }
  return 1 + walk_tree(ctx, left, height - 1, 2 * index) + walk_tree(ctx, right, height - 1, 2 * index + 1);
}

/* Walks a whole tree of the given depth; its node count must be TreeSize(depth). */
static uint64_t check_tree(wl_ctx *ctx, gc_obj *root, int depth, const char *what) {
  long count = walk_tree(ctx, root, depth, 1);
  if (count != tree_size(depth))
    wl_fail(ctx, "%s of depth %d has %ld nodes, expected %ld", what, depth, count, tree_size(depth));
  return wl_mix((uint64_t)depth, (uint64_t)count);
}

/* ---- the phases ---- */

static uint64_t stretch_heap(wl_ctx *ctx, const gcbench_config *cfg, gc_root temp) {
  gc_heap *h = wl_heap(ctx);
  wl_output(ctx, " Stretching memory with a binary tree of depth %d", cfg->stretch_depth);
  gc_root_set(h, temp, make_tree(h, cfg->stretch_depth, 1));
  uint64_t sum = check_tree(ctx, gc_root_get(h, temp), cfg->stretch_depth, "the stretch tree");
  gc_root_set(h, temp, NULL);
  return sum;
}

/* The original divides by zero at i = 0, which Java defines as +infinity; C leaves
 * it undefined without Annex F, so the infinity is spelled out. */
static double array_value(uint32_t i) { return i ? 1.0 / i : INFINITY; }

static void fill_array(gc_heap *h, gc_root array, uint32_t size) {
  double *a = gc_data(gc_root_get(h, array)); /* no allocation while a is in use */
  for (uint32_t i = 0; i < size / 2; i++) a[i] = array_value(i);
}

/* One batch per direction, as TimeConstruction does; only each batch's last tree is
 * read back before it is dropped. */
static uint64_t construct_trees_of_depth(wl_ctx *ctx, const gcbench_config *cfg, int depth, gc_root temp) {
  gc_heap *h = wl_heap(ctx);
  long iters = num_iters(cfg, depth);
  wl_output(ctx, "Creating %ld trees of depth %d", iters, depth);
  uint64_t sum = wl_mix((uint64_t)depth, (uint64_t)iters);
  for (long n = 0; n < iters; n++) {
    build_top_down(h, depth, temp);
    if (n == iters - 1) sum = wl_mix(sum, check_tree(ctx, gc_root_get(h, temp), depth, "a top-down tree"));
    gc_root_set(h, temp, NULL);
  }
  for (long n = 0; n < iters; n++) {
    gc_root_set(h, temp, make_tree(h, depth, 1));
    if (n == iters - 1) sum = wl_mix(sum, check_tree(ctx, gc_root_get(h, temp), depth, "a bottom-up tree"));
    gc_root_set(h, temp, NULL);
  }
  return sum;
}

/* The original checks array[1000] only; every filled element is checked here (a
 * large pointer-free object is where a collector's copy or sweep can go wrong),
 * and the unfilled half must still be zero. */
static uint64_t check_array(wl_ctx *ctx, gc_obj *array, uint32_t size) {
  if (gc_nbytes(array) != (uint64_t)size * sizeof(double))
    wl_fail(ctx, "the long-lived array has %u bytes, expected %u doubles", gc_nbytes(array), size);
  const double *a = gc_data(array);
  if (a[1000] != 1.0 / 1000) wl_fail(ctx, "array[1000] is %.17g, expected 1.0/1000", a[1000]);
  for (uint32_t i = 0; i < size; i++) {
    double expected = i < size / 2 ? array_value(i) : 0.0;
    if (memcmp(&a[i], &expected, sizeof expected))
      wl_fail(ctx, "array[%u] is %.17g, expected %.17g", i, a[i], expected);
  }
  uint64_t bits;
  memcpy(&bits, &a[1000], sizeof bits);
  return wl_mix(size, bits);
}

static uint64_t run_gcbench(wl_ctx *ctx) {
  gc_heap *h = wl_heap(ctx);
  const gcbench_config *cfg = &configs[wl_size_of(ctx)];
  uint32_t frame = gc_frame_open(h);
  gc_root temp = gc_root_push(h, NULL);
  gc_root long_lived = gc_root_push(h, NULL);
  gc_root array = gc_root_push(h, NULL);

  wl_output(ctx, "Garbage Collector Test");
  uint64_t sum = stretch_heap(ctx, cfg, temp);

  wl_output(ctx, " Creating a long-lived binary tree of depth %d", cfg->long_lived_depth);
  build_top_down(h, cfg->long_lived_depth, long_lived);
  wl_output(ctx, " Creating a long-lived array of %u doubles", cfg->array_size);
  gc_root_set(h, array, gc_alloc(h, 0, cfg->array_size * (uint32_t)sizeof(double)));
  fill_array(h, array, cfg->array_size);

  for (int d = cfg->min_depth; d <= cfg->max_depth; d += 2)
    sum = wl_mix(sum, construct_trees_of_depth(ctx, cfg, d, temp));

  sum = wl_mix(sum, check_tree(ctx, gc_root_get(h, long_lived), cfg->long_lived_depth, "the long-lived tree"));
  sum = wl_mix(sum, check_array(ctx, gc_root_get(h, array), cfg->array_size));
  wl_output(ctx, " Long-lived tree of %ld nodes and array intact", tree_size(cfg->long_lived_depth));
  gc_frame_close(h, frame);
  return sum;
}

const workload wl_gcbench = {
    .name = "gcbench",
    .description = "GCBench (Ellis, Kovac, Boehm): binary trees built top-down and bottom-up beside a long-lived tree and array",
    .size_doc = {
        "stretch depth 14, long-lived depth 12, array of 50000 doubles, trees of depth 4..12",
        "canonical GCBench: stretch depth 18, long-lived depth 16, array of 500000 doubles, trees of depth 4..16",
        "stretch depth 20, long-lived depth 18, array of 2000000 doubles, trees of depth 4..18",
    },
    .params_doc = NULL,
    .run = run_gcbench,
};
