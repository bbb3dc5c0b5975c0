/*
 * gcold.c — GCOld: Dave Detlefs's old-generation benchmark in Will Clinger's
 * rewrite (GCOld.java 1.0, and GCOld.sch, Larceny's translation of GCOld.java 2.0a).
 *
 * Arguments (docs/references.md, "Workloads", "GCOld"), here --param keys:
 *   size       live storage in megabytes, held as balanced binary trees of height 14
 *              in one array of old trees (size * 10^6 / treeSize of them);
 *   work       units of non-allocating mutator work per byte of young allocation
 *              (a counting loop of work * 10^6 / 10 per step);
 *   ratio      short-lived to long-lived allocation: each step promotes 1 MB / ratio;
 *   mutations  old-generation pointer mutations per step;
 *   steps      number of steps.
 * One step allocates 1 MB of short-lived 100-word arrays (each replacing the last
 * in one global), does the mutator work, allocates 1 MB / ratio of new old trees —
 * whole trees when it adds up to one, else balanced subtrees of the largest heights
 * that fit, each replacing a subtree of the same height in the next old tree in turn
 * — and then swaps randomly chosen subtrees (same depth, same path, two random old
 * trees) until the step's mutations, those replacements included, are done.
 * checkTrees confirms every old tree still has height and shortest path 14.
 *
 * Accounting is the original's for a 64-bit machine (GCOld.java 1.0): 8 bytes per
 * word, 40 bytes per tree node, so the same arguments make the same number of trees,
 * nodes and arrays as the original.  Randomness is GCOld.sch's: the LCG
 * x <- (701 x + 743483) mod 524288, each draw (x div 8) mod n, several draws combined
 * for n >= 16384; its start is the run's seed mod 524288 (seed 1: the original's x = 1).
 * The young arrays follow GCOld.sch, whose arrays are Scheme vectors of 100 scanned
 * slots: 100 pointer fields (--param young_ptrs=0 makes them 800 raw bytes instead,
 * like the Java version's int arrays).  The trees are checked after initialisation and
 * at the end, as GCOld.sch does; initialisation itself allocates only the trees, as in
 * GCOld.java 1.0 (GCOld.sch also allocates young garbage between them).
 *
 * Defaults: size 25, work 0, ratio 10, mutations 10 are Larceny's (`GCOld 25 0 10 10`);
 * the step counts per size are this harness's.
 *
 * What this version adds, for verification only: a node's int (the original's `val`,
 * its subtree's height) shares its 8 raw bytes with a serial number given at birth.
 * Every check walks every tree, confirms each node's val is its height, and folds the
 * serials in order, so the checksum records exactly which nodes the replacements and
 * swaps left where.
 */
#include <string.h>

#include "workloads/workload.h"

/* The original's constants. */
enum {
  MEG = 1000000,
  INSIGNIFICANT = 999, /* this many bytes don't matter */
  BYTES_PER_WORD = 8,
  BYTES_PER_NODE = 40,
  WORDS_DEAD = 100, /* size of a young garbage array */
  TREE_HEIGHT = 14,
  PATH_BITS = 65536, /* a random path of 16 bits */
};

enum { LCG_A = 701, LCG_C = 743483, LCG_M = 524288 };

enum { NODE_LEFT = 0, NODE_RIGHT = 1, NODE_PTRS = 2 };

typedef struct node_ints {
  int32_t val;     /* the height of the node's subtree (the original's val) */
  uint32_t serial; /* birth order within the iteration (verification only) */
} node_ints;

typedef struct gcold_params {
  uint64_t size, work, ratio, mutations, steps, young_ptrs;
} gcold_params;

static const gcold_params defaults[WL_NSIZES] = {
    [WL_QUICK] = {.size = 5, .work = 0, .ratio = 10, .mutations = 10, .steps = 50, .young_ptrs = 1},
    [WL_DEFAULT] = {.size = 25, .work = 0, .ratio = 10, .mutations = 10, .steps = 1000, .young_ptrs = 1},
    [WL_LARGE] = {.size = 100, .work = 0, .ratio = 10, .mutations = 10, .steps = 4000, .young_ptrs = 1},
};

/* One run's state: the original's globals.  The roots hold the array of old trees,
 * a tree under construction, a subtree in the middle of a swap, and `aexport`, the
 * global the young arrays are stored into. */
typedef struct gcold {
  wl_ctx *ctx;
  gc_heap *h;
  gcold_params p;
  gc_root trees, temp, swap, aexport;
  uint32_t ntrees, where; /* where: the roving index into trees */
  uint32_t lcg;
  uint32_t serial;
  int64_t young_bytes, nodes, actually_mut, mutator_sum;
} gcold;

/* ---- randomness: GCOld.sch's generator ---- */

static uint32_t random14(gcold *g, uint32_t n) {
  g->lcg = (uint32_t)(((uint64_t)LCG_A * g->lcg + LCG_C) % LCG_M);
  return (g->lcg / 8) % n;
}

/* A draw in [0, n): one step of the LCG below 16384, else 14-bit digits combined,
 * one more per factor of 16384 in n, as GCOld.sch's `loop` does. */
static uint32_t random_below(gcold *g, uint32_t n) {
  if (n < 16384) return random14(g, n);
  uint64_t r = random14(g, 16384);
  for (uint32_t q = n / 16384; q; q /= 16384) r = 16384 * r + random14(g, 16384);
  return (uint32_t)(r % n);
}

/* ---- sizes, as the original counts them ---- */

static int64_t height_to_nodes(int h) { return h ? (INT64_C(2) << (h - 1)) - 1 : 0; }
static int64_t height_to_bytes(int h) { return BYTES_PER_NODE * height_to_nodes(h); }

/* The height of the largest balanced tree of at most `nodes` nodes. */
static int nodes_to_height(int64_t nodes) {
  int h = 1;
  int64_t n = 1;
  while (n + n - 1 <= nodes) {
    n += n;
    h++;
  }
  return h - 1;
}

static int bytes_to_height(int64_t bytes) { return nodes_to_height(bytes / BYTES_PER_NODE); }

static int64_t tree_size(void) { return height_to_bytes(TREE_HEIGHT); }

/* ---- nodes and trees ---- */

static node_ints ints_of(gc_obj *node) {
  node_ints ints;
  memcpy(&ints, gc_data(node), sizeof ints);
  return ints;
}

static gc_obj *new_node(gcold *g, int height) {
  gc_obj *node = gc_alloc(g->h, NODE_PTRS, sizeof(node_ints));
  node_ints ints = {.val = height, .serial = g->serial++};
  memcpy(gc_data(node), &ints, sizeof ints);
  g->nodes++;
  return node;
}

/* makeTree: the parent first, then each subtree built whole and stored into it, as
 * the original does.  The tree is built into `slot`; one more slot per level holds
 * the child being built (below height 2 there are no children to build). */
static void make_tree(gcold *g, gc_root slot, int height) {
  gc_heap *h = g->h;
  if (height == 0) {
    gc_root_set(h, slot, NULL);
    return;
  }
  gc_root_set(h, slot, new_node(g, height));
  if (height == 1) return;
  uint32_t frame = gc_frame_open(h);
  gc_root child = gc_root_push(h, NULL);
  make_tree(g, child, height - 1);
  gc_set(h, gc_root_get(h, slot), NODE_LEFT, gc_root_get(h, child));
  make_tree(g, child, height - 1);
  gc_set(h, gc_root_get(h, slot), NODE_RIGHT, gc_root_get(h, child));
  gc_frame_close(h, frame);
}

static gc_obj *old_tree(gcold *g, uint32_t i) { return gc_get(gc_root_get(g->h, g->trees), i); }

/* trees[i] = makeTree(14): the tree being replaced becomes garbage. */
static void make_old_tree(gcold *g, uint32_t i) {
  make_tree(g, g->temp, TREE_HEIGHT);
  gc_set(g->h, gc_root_get(g->h, g->trees), i, gc_root_get(g->h, g->temp));
  gc_root_set(g->h, g->temp, NULL);
}

static void advance_where(gcold *g) {
  if (++g->where == g->ntrees) g->where = 0;
}

/* ---- checking ---- */

typedef struct tree_facts {
  int height, shortest;
} tree_facts;

/* height and shortestPath in one walk; each node's val must be its subtree's
 * height.  Serials are folded in preorder.  No allocation: raw pointers are safe. */
static tree_facts walk_tree(gcold *g, gc_obj *t, uint64_t *hash) {
  if (!t) return (tree_facts){0, 0};
  node_ints ints = ints_of(t);
  *hash = wl_mix(*hash, ints.serial);
  tree_facts l = walk_tree(g, gc_get(t, NODE_LEFT), hash);
  tree_facts r = walk_tree(g, gc_get(t, NODE_RIGHT), hash);
  tree_facts f = {1 + (l.height > r.height ? l.height : r.height), 1 + (l.shortest < r.shortest ? l.shortest : r.shortest)};
  if (ints.val != f.height) wl_fail(g->ctx, "a node of height %d has val %d", f.height, ints.val);
  return f;
}

/* checkTrees: every tree balanced and of height 14 (the original prints "*****BUG"
 * where this fails the run). */
static uint64_t check_trees(gcold *g) {
  uint64_t sum = g->ntrees;
  for (uint32_t i = 0; i < g->ntrees; i++) {
    uint64_t hash = i;
    tree_facts f = walk_tree(g, old_tree(g, i), &hash);
    if (f.height != TREE_HEIGHT || f.shortest != TREE_HEIGHT)
      wl_fail(g->ctx, "old tree %u: height %d, shortest path %d, expected %d", i, f.height, f.shortest, TREE_HEIGHT);
    sum = wl_mix(sum, hash);
  }
  return sum;
}

/* ---- the old generation ---- */

/* replaceTreeWork: walks down while a child is still taller than the partial tree
 * (alternating sides where both are), then puts the partial tree in place of a child
 * of its own height, so the full tree keeps its shape.  Iterative; no allocation. */
static void replace_tree_work(gcold *g, gc_obj *full, gc_obj *partial, bool dir) {
  int32_t pval = ints_of(partial).val;
  for (;;) {
    gc_obj *left = gc_get(full, NODE_LEFT), *right = gc_get(full, NODE_RIGHT);
    bool can_go_left = left && ints_of(left).val > pval;
    bool can_go_right = right && ints_of(right).val > pval;
    if (can_go_left && can_go_right) {
      full = dir ? left : right;
      dir = !dir;
    } else {
      uint32_t side = !can_go_left && !can_go_right ? (dir ? NODE_LEFT : NODE_RIGHT) : !can_go_left ? NODE_LEFT : NODE_RIGHT;
      gc_set(g->h, full, side, partial);
      return;
    }
  }
}

static void replace_tree(gcold *g, gc_obj *full, gc_obj *partial) {
  bool dir = ints_of(partial).val % 2 == 0;
  g->actually_mut++;
  replace_tree_work(g, full, partial, dir);
}

/* oldGenAlloc: about n bytes of new long-lived storage, replacing the oldest.  Whole
 * trees while n covers one; the rest as partial trees, each built in the temp slot
 * and grafted into the next old tree. */
static void old_gen_alloc(gcold *g, int64_t n) {
  int64_t full = n / tree_size(), partial = n % tree_size();
  for (int64_t i = 0; i < full; i++) {
    make_old_tree(g, g->where);
    advance_where(g);
  }
  while (partial > INSIGNIFICANT) {
    int h = bytes_to_height(partial);
    make_tree(g, g->temp, h);
    replace_tree(g, old_tree(g, g->where), gc_root_get(g->h, g->temp));
    gc_root_set(g->h, g->temp, NULL);
    advance_where(g);
    partial -= height_to_bytes(h);
  }
}

/* oldGenSwapSubtrees: two random trees, a random depth below 14 and a random path
 * to it; the children on the path's next side are exchanged.  The first child is
 * held in the swap slot meanwhile: under reference counting, overwriting its field
 * would otherwise free it. */
static void swap_subtrees(gcold *g) {
  gc_heap *h = g->h;
  uint32_t index1 = random_below(g, g->ntrees);
  uint32_t index2 = random_below(g, g->ntrees);
  uint32_t depth = random_below(g, TREE_HEIGHT);
  uint32_t path = random_below(g, PATH_BITS);
  gc_obj *tn1 = old_tree(g, index1), *tn2 = old_tree(g, index2);
  for (uint32_t i = 0; i < depth; i++) {
    uint32_t side = path & 1 ? NODE_RIGHT : NODE_LEFT;
    tn1 = gc_get(tn1, side);
    tn2 = gc_get(tn2, side);
    path >>= 1;
  }
  uint32_t side = path & 1 ? NODE_RIGHT : NODE_LEFT;
  gc_root_set(h, g->swap, gc_get(tn1, side));
  gc_set(h, tn1, side, gc_get(tn2, side));
  gc_set(h, tn2, side, gc_root_get(h, g->swap));
  gc_root_set(h, g->swap, NULL);
  g->actually_mut += 2;
}

static void old_gen_mut(gcold *g, int64_t n) {
  for (int64_t i = 0; i < n / 2; i++) swap_subtrees(g);
}

/* ---- the young generation and the mutator's own work ---- */

/* doMutWork: work * n / 10 units of work that allocates nothing.  The counter is
 * volatile so that the loop is done, not folded into one addition. */
static void do_mut_work(gcold *g, int64_t n) {
  volatile int64_t sum = 0;
  int64_t limit = (int64_t)g->p.work * n / 10;
  for (int64_t k = 0; k < limit; k++) sum = sum + 1;
  g->mutator_sum += sum;
}

/* doYoungGenAlloc: n bytes of garbage in arrays of nwords words, each stored into
 * aexport (dropping the previous one). */
static void young_gen_alloc(gcold *g, int64_t n, uint32_t nwords) {
  int64_t nbytes = (int64_t)nwords * BYTES_PER_WORD, allocated = 0;
  uint32_t nptrs = g->p.young_ptrs ? nwords : 0, nraw = g->p.young_ptrs ? 0 : (uint32_t)nbytes;
  while (allocated < n) {
    gc_root_set(g->h, g->aexport, gc_alloc(g->h, nptrs, nraw));
    allocated += nbytes;
  }
  g->young_bytes += allocated;
}

/* doStep: oldGenAlloc's replacements count towards the step's mutations. */
static void do_step(gcold *g, int64_t n) {
  int64_t mutations = g->actually_mut;
  young_gen_alloc(g, n, WORDS_DEAD);
  do_mut_work(g, n);
  old_gen_alloc(g, n / (int64_t)g->p.ratio);
  int64_t remaining = mutations + (int64_t)g->p.mutations - g->actually_mut;
  old_gen_mut(g, remaining > 0 ? remaining : 0);
}

/* ---- the run ---- */

/* init: about `size` megabytes of old trees in a fresh array. */
static void init_trees(gcold *g) {
  g->ntrees = (uint32_t)((int64_t)g->p.size * MEG / tree_size());
  gc_root_set(g->h, g->trees, gc_alloc(g->h, g->ntrees, 0));
  wl_output(g->ctx, "Allocating %u trees.", g->ntrees);
  wl_output(g->ctx, "  (%lld bytes)", (long long)(g->ntrees * tree_size()));
  for (uint32_t i = 0; i < g->ntrees; i++) make_old_tree(g, i);
  wl_output(g->ctx, "  (%lld nodes)", (long long)g->nodes);
}

static gcold_params read_params(wl_ctx *ctx) {
  const gcold_params *d = &defaults[wl_size_of(ctx)];
  gcold_params p = {
      .size = wl_param_u64(ctx, "size", d->size),
      .work = wl_param_u64(ctx, "work", d->work),
      .ratio = wl_param_u64(ctx, "ratio", d->ratio),
      .mutations = wl_param_u64(ctx, "mutations", d->mutations),
      .steps = wl_param_u64(ctx, "steps", d->steps),
      .young_ptrs = wl_param_u64(ctx, "young_ptrs", d->young_ptrs),
  };
  /* Bounds that keep the counts in range: 1 MB makes one tree, ratio 0 divides by
   * zero, and an array of old trees must fit one object. */
  if (p.size < 1 || p.size > 100000) wl_bad_param(ctx, "parameter size=%llu: 1..100000 MB", (unsigned long long)p.size);
  if (p.ratio < 1) wl_bad_param(ctx, "parameter ratio=0: the promotion ratio is 1:ratio");
  if (p.work > 1000000 || p.mutations > 1000000000 || p.young_ptrs > 1)
    wl_bad_param(ctx, "parameters out of range (work <= 10^6, mutations <= 10^9, young_ptrs 0 or 1)");
  return p;
}

static void report(gcold *g) {
  wl_output(g->ctx, "Allocated %llu Mb of young gen garbage", (unsigned long long)g->p.steps);
  wl_output(g->ctx, "    (actually allocated %.2f megabytes)", (double)g->young_bytes / MEG);
  wl_output(g->ctx, "Promoted %.2f Mb", (double)g->p.steps / (double)g->p.ratio);
  wl_output(g->ctx, "    (actually promoted %.2f megabytes)", (double)(g->nodes * BYTES_PER_NODE) / MEG);
  if (g->p.mutations) wl_output(g->ctx, "Mutated %lld pointers", (long long)g->actually_mut);
}

static uint64_t run_gcold(wl_ctx *ctx) {
  gc_heap *h = wl_heap(ctx);
  gcold g = {.ctx = ctx, .h = h, .p = read_params(ctx), .lcg = (uint32_t)(wl_seed(ctx) % LCG_M)};
  uint32_t frame = gc_frame_open(h);
  g.trees = gc_root_push(h, NULL);
  g.temp = gc_root_push(h, NULL);
  g.swap = gc_root_push(h, NULL);
  g.aexport = gc_root_push(h, NULL);

  wl_output(ctx, "%llu megabytes of live storage", (unsigned long long)g.p.size);
  wl_output(ctx, "%llu work units per step", (unsigned long long)g.p.work);
  wl_output(ctx, "promotion ratio is 1:%llu", (unsigned long long)g.p.ratio);
  wl_output(ctx, "pointer mutation rate is %llu", (unsigned long long)g.p.mutations);
  wl_output(ctx, "%llu steps", (unsigned long long)g.p.steps);
  init_trees(&g);
  uint64_t sum = check_trees(&g);
  g.young_bytes = 0;
  g.nodes = 0;
  wl_output(ctx, "Initialization complete...");

  for (uint64_t step = 0; step < g.p.steps; step++) do_step(&g, MEG);

  sum = wl_mix(sum, check_trees(&g));
  report(&g);
  gc_obj *last = gc_root_get(h, g.aexport);
  uint64_t aexport_length = last ? gc_nptrs(last) + gc_nbytes(last) / BYTES_PER_WORD : 0;
  wl_output(ctx, "Checksum = %lld", (long long)(g.mutator_sum + (int64_t)aexport_length));
  sum = wl_mix(sum, (uint64_t)g.young_bytes);
  sum = wl_mix(sum, (uint64_t)g.nodes);
  sum = wl_mix(sum, (uint64_t)g.actually_mut);
  sum = wl_mix(sum, (uint64_t)g.mutator_sum + aexport_length);
  sum = wl_mix(sum, g.lcg);
  gc_frame_close(h, frame);
  return sum;
}

const workload wl_gcold = {
    .name = "gcold",
    .description = "GCOld (Detlefs, Clinger): old trees of height 14 mutated and partly replaced while young 100-word arrays die",
    .size_doc = {
        "size 5 MB (7 trees, 0.11 M nodes), 50 steps: 50 MB of young arrays and 0.12 M promoted nodes; 56 MB of objects allocated",
        "Larceny's GCOld 25 0 10 10, 1000 steps: 38 trees (0.62 M nodes); 1 GB of young arrays and 2.5 M promoted nodes; 1.07 GB of objects allocated (nogc holds 1.1 GB)",
        "size 100 MB (152 trees, 2.5 M nodes), 4000 steps: 4 GB of young arrays and 10 M promoted nodes; 4.3 GB of objects allocated (nogc holds 4.4 GB)",
    },
    .params_doc = "size=MB of live trees, work=mutator work units per step, ratio=promotion ratio 1:N, "
                  "mutations=pointer mutations per step, steps=N, young_ptrs=1 (100 pointer fields) or 0 (800 raw bytes); "
                  "defaults by size (quick 5 0 10 10 50, default 25 0 10 10 1000, large 100 0 10 10 4000)",
    .run = run_gcold,
};
