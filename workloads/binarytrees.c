/*
 * binarytrees.c — the Computer Language Benchmarks Game's binary-trees, under its
 * current rules.
 *
 * Parameters (docs/references.md, "Workloads", "binary-trees"): a node is two pointers
 * and nothing else; minDepth 4, maxDepth = max(6, N); a stretch tree of depth maxDepth
 * + 1 is built, checked and dropped; a long-lived tree of depth maxDepth is built and
 * kept; then for d = 4, 6, .. maxDepth, 1 << (maxDepth - d + minDepth) trees of depth d
 * are built bottom-up (both children before their parent), checked and dropped one at a
 * time; finally the long-lived tree is checked.  check(tree) is the tree's node count,
 * and the output lines are the benchmark's own:
 *
 *     stretch tree of depth 22	 check: 8388607
 *     2097152	 trees of depth 4	 check: 65011712
 *     ...
 *     long lived tree of depth 21	 check: 4194303
 *
 * The benchmark's usual N is 21 (`large`).  Every check value is compared with its
 * closed form (2^(d+1) - 1 nodes per tree of depth d); the checksum folds the lines'
 * numbers.  The benchmark's threads and memory pools are not part of the rules that
 * matter here: one thread, every node a collector allocation.
 */
#include "workloads/workload.h"

enum { NODE_LEFT = 0, NODE_RIGHT = 1, NODE_PTRS = 2 };
enum { MIN_DEPTH = 4 };

/* At N = 28 the stretch tree alone is 2^30 nodes (16 GB of objects); a larger N is
 * a typo, not an experiment.  (Check sums are longs: from N = 26 they pass 2^31.) */
enum { MAX_N = 28 };

static const uint64_t default_n[WL_NSIZES] = {[WL_QUICK] = 10, [WL_DEFAULT] = 18, [WL_LARGE] = 21};

static long tree_nodes(int depth) { return (2L << depth) - 1; }

/* bottomUpTree: both subtrees first, each held in a root slot while the next one is
 * allocated, then their parent.  Returns a raw pointer to the new node, which is the
 * last allocation, so the caller must store it before allocating again (gc.h rule 2). */
static gc_obj *bottom_up_tree(gc_heap *h, int depth) {
  if (depth <= 0) return gc_alloc(h, NODE_PTRS, 0);
  uint32_t frame = gc_frame_open(h);
  gc_root left = gc_root_push(h, bottom_up_tree(h, depth - 1));
  gc_root right = gc_root_push(h, bottom_up_tree(h, depth - 1));
  gc_obj *node = gc_alloc(h, NODE_PTRS, 0);
  gc_set(h, node, NODE_LEFT, gc_root_get(h, left));
  gc_set(h, node, NODE_RIGHT, gc_root_get(h, right));
  gc_frame_close(h, frame);
  return node;
}

/* itemCheck: the node count.  A node has both children or neither; anything else is
 * a corrupted tree.  No allocation, so raw pointers are safe; the recursion is as
 * deep as the tree. */
static long item_check(wl_ctx *ctx, gc_obj *node) {
  gc_obj *left = gc_get(node, NODE_LEFT), *right = gc_get(node, NODE_RIGHT);
  if (!left && !right) return 1;
  if (!left || !right) wl_fail(ctx, "a node has one child");
  return 1 + item_check(ctx, left) + item_check(ctx, right);
}

/* Builds a tree into the slot, checks it against 2^(depth+1) - 1, and leaves it there. */
static long build_and_check(wl_ctx *ctx, gc_root slot, int depth, const char *what) {
  gc_heap *h = wl_heap(ctx);
  gc_root_set(h, slot, bottom_up_tree(h, depth));
  long check = item_check(ctx, gc_root_get(h, slot));
  if (check != tree_nodes(depth))
    wl_fail(ctx, "%s of depth %d: check %ld, expected %ld", what, depth, check, tree_nodes(depth));
  return check;
}

/* One line of the benchmark: `iterations` trees of one depth, each dropped as soon
 * as it is checked. */
static uint64_t trees_of_depth(wl_ctx *ctx, gc_root slot, int depth, int max_depth) {
  gc_heap *h = wl_heap(ctx);
  long iterations = 1L << (max_depth - depth + MIN_DEPTH);
  long check = 0;
  for (long i = 0; i < iterations; i++) {
    check += build_and_check(ctx, slot, depth, "a tree");
    gc_root_set(h, slot, NULL);
  }
  if (check != iterations * tree_nodes(depth))
    wl_fail(ctx, "%ld trees of depth %d: check %ld, expected %ld", iterations, depth, check,
            iterations * tree_nodes(depth));
  wl_output(ctx, "%ld\t trees of depth %d\t check: %ld", iterations, depth, check);
  return wl_mix(wl_mix((uint64_t)iterations, (uint64_t)depth), (uint64_t)check);
}

static int max_depth_of(wl_ctx *ctx) {
  uint64_t n = wl_param_u64(ctx, "n", default_n[wl_size_of(ctx)]);
  if (n > MAX_N) wl_bad_param(ctx, "parameter n=%llu is over %d", (unsigned long long)n, MAX_N);
  return n < MIN_DEPTH + 2 ? MIN_DEPTH + 2 : (int)n;
}

static uint64_t run_binarytrees(wl_ctx *ctx) {
  gc_heap *h = wl_heap(ctx);
  int max_depth = max_depth_of(ctx);
  uint32_t frame = gc_frame_open(h);
  gc_root temp = gc_root_push(h, NULL);
  gc_root long_lived = gc_root_push(h, NULL);

  int stretch_depth = max_depth + 1;
  long check = build_and_check(ctx, temp, stretch_depth, "the stretch tree");
  gc_root_set(h, temp, NULL);
  wl_output(ctx, "stretch tree of depth %d\t check: %ld", stretch_depth, check);
  uint64_t sum = wl_mix((uint64_t)stretch_depth, (uint64_t)check);

  gc_root_set(h, long_lived, bottom_up_tree(h, max_depth)); /* checked only at the end */
  for (int d = MIN_DEPTH; d <= max_depth; d += 2) sum = wl_mix(sum, trees_of_depth(ctx, temp, d, max_depth));

  /* The long-lived tree is checked again at the end, as the benchmark does. */
  check = item_check(ctx, gc_root_get(h, long_lived));
  if (check != tree_nodes(max_depth))
    wl_fail(ctx, "the long-lived tree of depth %d: check %ld, expected %ld", max_depth, check, tree_nodes(max_depth));
  wl_output(ctx, "long lived tree of depth %d\t check: %ld", max_depth, check);
  sum = wl_mix(sum, wl_mix((uint64_t)max_depth, (uint64_t)check));
  gc_frame_close(h, frame);
  return sum;
}

const workload wl_binarytrees = {
    .name = "binarytrees",
    .description = "Benchmarks Game binary-trees: bottom-up trees of two-pointer nodes beside one long-lived tree",
    .size_doc = {
        "N=10: stretch depth 11, trees of depth 4..10; 0.14 M nodes (2.2 MB of objects) allocated",
        "N=18: stretch depth 19, trees of depth 4..18; 68 M nodes (1.1 GB of objects; nogc holds 1.6 GB) allocated",
        "N=21, the benchmark's own: stretch depth 22, trees of depth 4..20; 614 M nodes (9.8 GB of objects; nogc would hold 15 GB) allocated",
    },
    .params_doc = "n=N: the benchmark's argument (maxDepth = max(6, N), N <= 28; default 10/18/21 by size)",
    .run = run_binarytrees,
};
