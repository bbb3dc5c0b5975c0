/*
 * quads.c — Whippet's "quads" benchmark (Andy Wingo, benchmarks/quads.c): a fixed
 * working set beside an allocation-heavy stream of short-lived quad trees.
 *
 * Shape (docs/references.md, "Workloads", "Whippet quads"; and Whippet's
 * benchmarks/README.md): one long-lived quad tree of depth N is built bottom-up (depth
 * 10: 1,398,101 nodes) and validated; then 20 rounds, each allocating a fixed amount of
 * garbage as quad trees of depth 3 (85 nodes each, dropped at once) and validating the
 * long-lived tree again.  Whippet's node is four pointers; here a node also carries 8
 * raw bytes (its height and its heap-order index: root 0, children 4i+1 .. 4i+4), so
 * that validation checks payloads as well as shape.
 *
 * Garbage per round: Whippet sizes the heap as the live tree's bytes times a
 * multiplier m and allocates heap/7.5 per round (13% of the heap).  The harness sizes
 * heaps separately (--heap-mb), so the amount is given relative to the live tree:
 * garbage_pct percent of its object bytes per round (Whippet's m corresponds to
 * garbage_pct = 100 m / 7.5; the default, 100, is m = 7.5).
 *
 * Validation walks the whole long-lived tree (every node's payload, four children
 * above the leaves and none at them) and counts its nodes; the last garbage tree of
 * each round is validated the same way before it is dropped.  The checksum folds the
 * counts and index sums those walks find.
 */
#include <string.h>

#include "workloads/workload.h"

enum { QUAD_KIDS = 4 };

typedef struct quad_payload {
  uint32_t height; /* 0 at the leaves */
  uint32_t index;  /* heap order: root 0, children 4i+1 .. 4i+4 */
} quad_payload;

typedef struct quads_params {
  uint64_t depth, rounds, garbage_pct, garbage_depth;
} quads_params;

static const quads_params defaults[WL_NSIZES] = {
    [WL_QUICK] = {.depth = 7, .rounds = 20, .garbage_pct = 100, .garbage_depth = 3},
    [WL_DEFAULT] = {.depth = 10, .rounds = 20, .garbage_pct = 100, .garbage_depth = 3},
    [WL_LARGE] = {.depth = 11, .rounds = 20, .garbage_pct = 100, .garbage_depth = 3},
};

/* Depth 14 is 358 M nodes (14 GB of objects); past it heap-order indices would no
 * longer fit 32 bits. */
enum { MAX_DEPTH = 14 };

/* Nodes in a quad tree of the given depth: 1 + 4 + .. + 4^depth. */
static uint64_t quad_tree_nodes(int depth) { return ((UINT64_C(4) << (2 * depth)) - 1) / 3; }

static uint64_t quad_object_bytes(void) { return QUAD_KIDS * sizeof(gc_obj *) + sizeof(quad_payload); }

/* ---- building ---- */

static gc_obj *new_quad(gc_heap *h, int height, uint32_t index) {
  gc_obj *quad = gc_alloc(h, QUAD_KIDS, sizeof(quad_payload));
  quad_payload p = {.height = (uint32_t)height, .index = index};
  memcpy(gc_data(quad), &p, sizeof p);
  return quad;
}

/* make_tree, bottom-up as Whippet builds it: the four kids first, each held in a root
 * slot while the next is built, then their parent.  Returns a raw pointer to the new
 * node, the last allocation: the caller stores it before allocating again. */
static gc_obj *make_tree(gc_heap *h, int height, uint32_t index) {
  if (height <= 0) return new_quad(h, 0, index);
  uint32_t frame = gc_frame_open(h);
  gc_root kids[QUAD_KIDS];
  for (uint32_t k = 0; k < QUAD_KIDS; k++) kids[k] = gc_root_push(h, make_tree(h, height - 1, 4 * index + k + 1));
  gc_obj *quad = new_quad(h, height, index);
  for (uint32_t k = 0; k < QUAD_KIDS; k++) gc_set(h, quad, k, gc_root_get(h, kids[k]));
  gc_frame_close(h, frame);
  return quad;
}

/* ---- validating ---- */

typedef struct tree_tally {
  uint64_t nodes, index_sum;
} tree_tally;

/* Whippet's validate_tree, with payloads and a count: kids everywhere above the
 * leaves, none at them.  No allocation; the recursion is as deep as the tree. */
static void walk_tree(wl_ctx *ctx, gc_obj *quad, int height, uint32_t index, tree_tally *t) {
  quad_payload p;
  memcpy(&p, gc_data(quad), sizeof p);
  if (p.height != (uint32_t)height || p.index != index)
    wl_fail(ctx, "quad %u (height %d) reads height %u, index %u", index, height, p.height, p.index);
  t->nodes++;
  t->index_sum += index;
  for (uint32_t k = 0; k < QUAD_KIDS; k++) {
    gc_obj *kid = gc_get(quad, k);
    if (height == 0) {
      if (kid) wl_fail(ctx, "leaf quad %u has a kid", index);
    } else {
      if (!kid) wl_fail(ctx, "quad %u (height %d) is missing kid %u", index, height, k);
      walk_tree(ctx, kid, height - 1, 4 * index + k + 1, t);
    }
  }
}

static uint64_t validate_tree(wl_ctx *ctx, gc_obj *root, int depth, const char *what) {
  tree_tally t = {0, 0};
  walk_tree(ctx, root, depth, 0, &t);
  if (t.nodes != quad_tree_nodes(depth))
    wl_fail(ctx, "%s of depth %d has %llu nodes, expected %llu", what, depth, (unsigned long long)t.nodes,
            (unsigned long long)quad_tree_nodes(depth));
  return wl_mix(t.nodes, t.index_sum);
}

/* ---- the run ---- */

static quads_params read_params(wl_ctx *ctx) {
  const quads_params *d = &defaults[wl_size_of(ctx)];
  quads_params p = {
      .depth = wl_param_u64(ctx, "depth", d->depth),
      .rounds = wl_param_u64(ctx, "rounds", d->rounds),
      .garbage_pct = wl_param_u64(ctx, "garbage_pct", d->garbage_pct),
      .garbage_depth = wl_param_u64(ctx, "garbage_depth", d->garbage_depth),
  };
  if (p.depth > MAX_DEPTH || p.garbage_depth > MAX_DEPTH)
    wl_bad_param(ctx, "parameters depth and garbage_depth are at most %d", MAX_DEPTH);
  if (p.garbage_pct > 100000) wl_bad_param(ctx, "parameter garbage_pct is at most 100000");
  return p;
}

/* One round: the garbage trees, each dropped when the next replaces it in the slot
 * (the last one is validated first), then the long-lived tree validated. */
static uint64_t garbage_round(wl_ctx *ctx, const quads_params *p, uint64_t ntrees, gc_root garbage, gc_root live) {
  gc_heap *h = wl_heap(ctx);
  uint64_t sum = ntrees;
  for (uint64_t i = 0; i < ntrees; i++) gc_root_set(h, garbage, make_tree(h, (int)p->garbage_depth, 0));
  if (ntrees) sum = wl_mix(sum, validate_tree(ctx, gc_root_get(h, garbage), (int)p->garbage_depth, "a garbage tree"));
  gc_root_set(h, garbage, NULL);
  return wl_mix(sum, validate_tree(ctx, gc_root_get(h, live), (int)p->depth, "the long-lived tree"));
}

static uint64_t run_quads(wl_ctx *ctx) {
  gc_heap *h = wl_heap(ctx);
  quads_params p = read_params(ctx);
  uint64_t live_bytes = quad_tree_nodes((int)p.depth) * quad_object_bytes();
  uint64_t garbage_tree_bytes = quad_tree_nodes((int)p.garbage_depth) * quad_object_bytes();
  uint64_t ntrees = live_bytes * p.garbage_pct / 100 / garbage_tree_bytes;
  uint32_t frame = gc_frame_open(h);
  gc_root live = gc_root_push(h, NULL);
  gc_root garbage = gc_root_push(h, NULL);

  wl_output(ctx, "Making quad tree of depth %d (%llu nodes).  Total size %.3fGB.", (int)p.depth,
            (unsigned long long)quad_tree_nodes((int)p.depth), (double)live_bytes / 1e9);
  gc_root_set(h, live, make_tree(h, (int)p.depth, 0));
  uint64_t sum = validate_tree(ctx, gc_root_get(h, live), (int)p.depth, "the long-lived tree");

  wl_output(ctx, "Allocating %.3f GB of garbage (%llu trees of depth %d), %llu times, validating live tree each time.",
            (double)(ntrees * garbage_tree_bytes) / 1e9, (unsigned long long)ntrees, (int)p.garbage_depth,
            (unsigned long long)p.rounds);
  for (uint64_t r = 0; r < p.rounds; r++) sum = wl_mix(sum, garbage_round(ctx, &p, ntrees, garbage, live));
  wl_output(ctx, "Long-lived tree of %llu nodes intact after %llu rounds", (unsigned long long)quad_tree_nodes((int)p.depth),
            (unsigned long long)p.rounds);
  gc_frame_close(h, frame);
  return sum;
}

const workload wl_quads = {
    .name = "quads",
    .description = "Whippet's quads: a long-lived quad tree validated between rounds of garbage depth-3 quad trees",
    .size_doc = {
        "depth 7 (21845 nodes, 0.87 MB of objects), 20 rounds of 257 garbage trees (0.87 MB): 18 MB of objects allocated",
        "depth 10 (1398101 nodes, 56 MB of objects), 20 rounds of 16448 garbage trees (56 MB): 1.2 GB of objects allocated (nogc holds 1.4 GB)",
        "depth 11 (5592405 nodes, 224 MB of objects), 20 rounds of 65793 garbage trees (224 MB): 4.7 GB of objects allocated (nogc holds 5.6 GB)",
    },
    .params_doc = "depth=N (long-lived tree), rounds=N, garbage_pct=P (garbage per round, percent of the live tree's "
                  "object bytes; Whippet's heap multiplier m is P = 100 m / 7.5), garbage_depth=N; "
                  "defaults by size: depth 7/10/11, 20 rounds, 100%, depth 3",
    .run = run_quads,
};
