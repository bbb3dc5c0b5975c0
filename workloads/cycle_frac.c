/*
 * cycle_frac.c — a binary tree in which a chosen fraction of the nodes point back
 * at their parent, with subtrees replaced round after round: the knob that shows
 * where counting alone stops working.
 *
 * The generator is the rtgc-style one of docs/references.md ("Workloads", "Tunable
 * generators and traces"): trees whose nodes get parent back-pointers with a chosen
 * percentage, and a replacement rate.  A node is three pointer fields (left, right,
 * parent) and 8 raw bytes (its height and its heap-order index: root 1, children 2i and
 * 2i+1).  Each node built gets a parent back-pointer with probability pct/100 — each
 * such pointer closes a two-node cycle with the parent's child field.  One tree of the
 * given depth is built bottom-up and kept; then each round picks a random subtree (its
 * root at a random depth from 2 down to the leaves, reached by random turns) and
 * replaces it with a freshly built one of the same shape.  The old subtree is garbage:
 * counting frees its acyclic part at once; its cycles (and everything they hold,
 * including a back-pointer into the live tree) only a cycle collector can reclaim.
 * With pct=0 pure counting leaks nothing; with pct>0 it leaks a share of every replaced
 * subtree, and the record's leaked_bytes says how much.
 *
 * Sizes scale the tree and the rounds: quick depth 10 (2047 nodes) and 50 rounds,
 * default depth 16 (131 071 nodes) and 200 rounds, large depth 18 (524 287 nodes)
 * and 1000 rounds.  --param pct=N (0..100, default 5), depth=N (2..24),
 * rounds=N override; the first output line states the pct in force, so that the
 * record carries it even when it is the default.
 *
 * The random choices (back-pointers, subtree positions) come from the run's seed,
 * the same every iteration.  Each new subtree is walked once it hangs in the tree,
 * and the whole tree every VERIFY_EVERY rounds and at the end: every node's
 * payload, two children above the leaves and none at them, and every back-pointer
 * pointing at the node's actual parent.  The checksum folds the nodes,
 * back-pointers and indices those walks found.
 */
#include <string.h>

#include "workloads/workload.h"

enum { NODE_LEFT = 0, NODE_RIGHT = 1, NODE_PARENT = 2, NODE_PTRS = 3 };

typedef struct node_payload {
  uint32_t height; /* 0 at the leaves */
  uint32_t index;  /* heap order: root 1, children 2i and 2i+1 */
} node_payload;

typedef struct frac_params {
  uint64_t pct, depth, rounds;
} frac_params;

static const frac_params defaults[WL_NSIZES] = {
    [WL_QUICK] = {.pct = 5, .depth = 10, .rounds = 50},
    [WL_DEFAULT] = {.pct = 5, .depth = 16, .rounds = 200},
    [WL_LARGE] = {.pct = 5, .depth = 18, .rounds = 1000},
};

/* Depth 24 is 33.5 M nodes (1.1 GB of objects); heap-order indices fit 32 bits. */
enum { MIN_DEPTH = 2, MAX_DEPTH = 24 };
#define MAX_ROUNDS 10000000u
/* Walking the whole tree every round would cost more than the rounds themselves. */
#define VERIFY_EVERY 16

typedef struct frac {
  wl_ctx *ctx;
  gc_heap *h;
  frac_params p;
  wl_rng rng;
} frac;

static frac_params read_params(wl_ctx *ctx) {
  const frac_params *d = &defaults[wl_size_of(ctx)];
  frac_params p = {
      .pct = wl_param_u64(ctx, "pct", d->pct),
      .depth = wl_param_u64(ctx, "depth", d->depth),
      .rounds = wl_param_u64(ctx, "rounds", d->rounds),
  };
  if (p.pct > 100) wl_bad_param(ctx, "parameter pct=%llu is over 100", (unsigned long long)p.pct);
  if (p.depth < MIN_DEPTH || p.depth > MAX_DEPTH)
    wl_bad_param(ctx, "parameter depth=%llu is not in %d..%d", (unsigned long long)p.depth, MIN_DEPTH, MAX_DEPTH);
  if (p.rounds > MAX_ROUNDS) wl_bad_param(ctx, "parameter rounds=%llu is over %u", (unsigned long long)p.rounds, MAX_ROUNDS);
  return p;
}

static node_payload payload_of(gc_obj *node) {
  node_payload p;
  memcpy(&p, gc_data(node), sizeof p);
  return p;
}

static bool back_pointer_due(frac *f) { return wl_rng_below(&f->rng, 100) < f->p.pct; }

/* ==================================================================
 * Building
 * ================================================================== */

/* A subtree of the given height whose root has heap index `index`, bottom-up: both
 * subtrees first (each in a root slot while the next allocation runs), then their
 * parent, then each child's back-pointer with probability pct.  Returns a raw
 * pointer to the root, which the caller stores before its next allocation. */
static gc_obj *make_subtree(frac *f, uint32_t height, uint32_t index) {
  gc_heap *h = f->h;
  uint32_t frame = gc_frame_open(h);
  gc_root left = gc_root_push(h, height ? make_subtree(f, height - 1, 2 * index) : NULL);
  gc_root right = gc_root_push(h, height ? make_subtree(f, height - 1, 2 * index + 1) : NULL);
  gc_obj *node = gc_alloc(h, NODE_PTRS, sizeof(node_payload));
  node_payload p = {.height = height, .index = index};
  memcpy(gc_data(node), &p, sizeof p);
  gc_set(h, node, NODE_LEFT, gc_root_get(h, left));
  gc_set(h, node, NODE_RIGHT, gc_root_get(h, right));
  for (uint32_t side = NODE_LEFT; height && side <= NODE_RIGHT; side++)
    if (back_pointer_due(f)) gc_set(h, gc_get(node, side), NODE_PARENT, node);
  gc_frame_close(h, frame);
  return node;
}

/* ==================================================================
 * Rounds: one random subtree replaced
 * ================================================================== */

/* Follows `turns` (bit k: the turn taken at depth k, 1 = right) for `depth` steps. */
static gc_obj *follow(gc_obj *node, uint32_t turns, uint32_t depth) {
  for (uint32_t k = 0; k < depth; k++) node = gc_get(node, (turns >> k) & 1 ? NODE_RIGHT : NODE_LEFT);
  return node;
}

typedef struct walk_sum {
  uint64_t nodes, back_pointers, index_sum;
} walk_sum;

static void walk(frac *f, gc_obj *node, gc_obj *parent, uint32_t height, uint32_t index, walk_sum *s);

/* The subtree's root sits at a random depth in MIN_DEPTH..depth (the leaves) on a
 * random path; its replacement is built, then hung where it was, with a
 * back-pointer to its new parent with probability pct, and walked.  The parent is
 * found again from the root after building: the build may have collected (rule 2). */
static uint64_t replace_subtree(frac *f, gc_root tree) {
  gc_heap *h = f->h;
  uint32_t depth = (uint32_t)f->p.depth;
  uint32_t at = MIN_DEPTH + (uint32_t)wl_rng_below(&f->rng, depth - MIN_DEPTH + 1);
  uint32_t turns = (uint32_t)wl_rng_below(&f->rng, (uint64_t)1 << at);
  uint32_t index = 1;
  for (uint32_t k = 0; k < at; k++) index = 2 * index + ((turns >> k) & 1);
  gc_obj *fresh = make_subtree(f, depth - at, index);
  gc_obj *parent = follow(gc_root_get(h, tree), turns, at - 1);
  uint32_t side = (turns >> (at - 1)) & 1 ? NODE_RIGHT : NODE_LEFT;
  gc_set(h, parent, side, fresh);
  if (back_pointer_due(f)) gc_set(h, fresh, NODE_PARENT, parent);
  walk_sum s = {0};
  walk(f, fresh, parent, depth - at, index, &s);
  return wl_mix(wl_mix(wl_mix(0, s.nodes), s.back_pointers), s.index_sum);
}

/* ==================================================================
 * Verification
 * ================================================================== */

/* Every node where its payload says, children exactly above the leaves, and a
 * back-pointer, if any, at the actual parent.  Recursion as deep as the tree. */
static void walk(frac *f, gc_obj *node, gc_obj *parent, uint32_t height, uint32_t index, walk_sum *s) {
  if (!node) wl_fail(f->ctx, "node %u (height %u) is missing", index, height);
  node_payload p = payload_of(node);
  if (p.height != height || p.index != index)
    wl_fail(f->ctx, "node %u (height %u) reads height %u index %u", index, height, p.height, p.index);
  gc_obj *up = gc_get(node, NODE_PARENT);
  if (up && up != parent) wl_fail(f->ctx, "node %u: its back-pointer is not its parent", index);
  s->nodes++;
  s->back_pointers += up != NULL;
  s->index_sum += index;
  gc_obj *left = gc_get(node, NODE_LEFT), *right = gc_get(node, NODE_RIGHT);
  if (height == 0) {
    if (left || right) wl_fail(f->ctx, "leaf %u has children", index);
    return;
  }
  walk(f, left, node, height - 1, 2 * index, s);
  walk(f, right, node, height - 1, 2 * index + 1, s);
}

static uint64_t verify_tree(frac *f, gc_root tree) {
  walk_sum s = {0};
  walk(f, gc_root_get(f->h, tree), NULL, (uint32_t)f->p.depth, 1, &s);
  uint64_t want = ((uint64_t)2 << f->p.depth) - 1;
  if (s.nodes != want) wl_fail(f->ctx, "the tree has %llu nodes, expected %llu", (unsigned long long)s.nodes, (unsigned long long)want);
  return wl_mix(wl_mix(wl_mix(0, s.nodes), s.back_pointers), s.index_sum);
}

static uint64_t run_cycle_frac(wl_ctx *ctx) {
  frac f = {.ctx = ctx, .h = wl_heap(ctx), .p = read_params(ctx), .rng = wl_rng_seed(wl_seed(ctx))};
  wl_output(ctx, "pct %llu: depth %llu (%llu nodes), %llu rounds", (unsigned long long)f.p.pct,
            (unsigned long long)f.p.depth, (unsigned long long)(((uint64_t)2 << f.p.depth) - 1),
            (unsigned long long)f.p.rounds);
  uint32_t frame = gc_frame_open(f.h);
  gc_root tree = gc_root_push(f.h, NULL);
  gc_root_set(f.h, tree, make_subtree(&f, (uint32_t)f.p.depth, 1));
  uint64_t sum = verify_tree(&f, tree);
  for (uint64_t r = 1; r <= f.p.rounds; r++) {
    sum = wl_mix(sum, replace_subtree(&f, tree));
    if (r % VERIFY_EVERY == 0 || r == f.p.rounds) sum = wl_mix(sum, verify_tree(&f, tree));
  }
  gc_frame_close(f.h, frame);
  return wl_mix(sum, f.p.pct);
}

const workload wl_cycle_frac = {
    .name = "cycle-frac",
    .description = "a binary tree with pct% of nodes pointing back at their parent, a random subtree replaced each "
                   "round: what counting alone leaks",
    .size_doc = {
        "depth 10 (2047 nodes), 50 rounds",
        "depth 16 (131071 nodes, 4.2 MB of objects), 200 rounds",
        "depth 18 (0.52 M nodes, 17 MB of objects), 1000 rounds",
    },
    .params_doc = "pct=N (percent of nodes with a parent back-pointer, 0..100; default 5), depth=N (2..24; default "
                  "10/16/18 by size), rounds=N (subtrees replaced; default 50/200/1000)",
    .run = run_cycle_frac,
};
