/*
 * py_gc_traversal.c — pyperformance's gc_traversal benchmark: collections that
 * find nothing, over a live structure with many edges.
 *
 * The benchmark (docs/references.md, "Workloads", "pyperformance gc_collect and
 * gc_traversal"; pyperformance's bm_gc_traversal):
 *
 *     def create_recursive_containers(n_levels):
 *         current_list = []
 *         for n in range(n_levels):
 *             new_list = [None] * n
 *             for index in range(n):
 *                 new_list[index] = current_list
 *             current_list = new_list
 *         return current_list
 *
 *     all_cycles = create_recursive_containers(1000)   # kept live
 *     gc.collect(); collected = gc.collect()            # timed; assert collected == 0
 *
 * Level n is a list of n references to level n - 1: 1000 levels are 499 500
 * edges, all live, so a collector that traverses them (a cycle detector's full
 * collection, a tracer's mark) pays for every edge and finds nothing.  Here level n
 * is an object with n pointer fields (level 0 has none: a leaf, which CPython's
 * collector would track as an empty list and gclab's counting collectors do not).
 * Sizes scale the levels: quick 200 (19 900 edges), default the benchmark's own
 * 1000, large 3000 (4.5 million edges); --param levels=N overrides.
 *
 * After the structure is built and walked (each level's fields all the level
 * below, one field fewer each time down), one collection clears whatever earlier
 * work left (pyperformance's untimed gc.collect()), then --param collections=N
 * (default 10) more run against the live structure alone.  Each of those must find
 * nothing under a collector that declares cycle collection: gc_collect returning
 * anything else fails the run.  The returns are observations; the checksum folds
 * the levels and edges the walk counted.
 */
#include "workloads/workload.h"

#define MAX_LEVELS 20000u       /* 2 * 10^8 edges: 1.6 GB of fields */
#define MAX_COLLECTIONS 100000u

static const uint64_t default_levels[WL_NSIZES] = {[WL_QUICK] = 200, [WL_DEFAULT] = 1000, [WL_LARGE] = 3000};

typedef struct traversal_params {
  uint32_t levels, collections;
} traversal_params;

static traversal_params read_params(wl_ctx *ctx) {
  uint64_t levels = wl_param_u64(ctx, "levels", default_levels[wl_size_of(ctx)]);
  uint64_t collections = wl_param_u64(ctx, "collections", 10);
  if (levels < 1 || levels > MAX_LEVELS)
    wl_bad_param(ctx, "parameter levels=%llu is not in 1..%u", (unsigned long long)levels, MAX_LEVELS);
  if (collections < 1 || collections > MAX_COLLECTIONS)
    wl_bad_param(ctx, "parameter collections=%llu is not in 1..%u", (unsigned long long)collections, MAX_COLLECTIONS);
  return (traversal_params){(uint32_t)levels, (uint32_t)collections};
}

/* create_recursive_containers: `current` ends up holding the top level.  The new
 * level is filled before the next allocation, so its raw pointer stays valid. */
static void create_recursive_containers(gc_heap *h, gc_root current, uint32_t levels) {
  gc_root_set(h, current, NULL);
  for (uint32_t n = 0; n < levels; n++) {
    gc_obj *level = gc_alloc(h, n, 0);
    for (uint32_t i = 0; i < n; i++) gc_set(h, level, i, gc_root_get(h, current));
    gc_root_set(h, current, level);
  }
}

/* Down from the top: level n has n fields, all the same object, level n - 1. */
static uint64_t verify_levels(wl_ctx *ctx, gc_obj *top, uint32_t levels) {
  uint64_t edges = 0;
  gc_obj *level = top;
  for (uint32_t n = levels; n-- > 0;) {
    if (!level || gc_nptrs(level) != n) wl_fail(ctx, "level %u is missing or has the wrong number of fields", n);
    gc_obj *below = n ? gc_get(level, 0) : NULL;
    for (uint32_t i = 0; i < n; i++)
      if (gc_get(level, i) != below) wl_fail(ctx, "level %u: field %u is not level %u", n, i, n - 1);
    edges += n;
    level = below;
  }
  return wl_mix(wl_mix(0, levels), edges);
}

static uint64_t run_py_gc_traversal(wl_ctx *ctx) {
  gc_heap *h = wl_heap(ctx);
  traversal_params p = read_params(ctx);
  bool cycles = (gc_collector()->caps & GC_CAP_COLLECTS_CYCLES) != 0;
  uint32_t frame = gc_frame_open(h);
  gc_root all = gc_root_push(h, NULL);
  create_recursive_containers(h, all, p.levels);
  uint64_t sum = verify_levels(ctx, gc_root_get(h, all), p.levels);

  wl_observe_int(ctx, "collect_returned_first", (long long)gc_collect(h));
  size_t found = 0;
  for (uint32_t c = 0; c < p.collections; c++) {
    size_t n = gc_collect(h);
    if (cycles && n != 0)
      wl_fail(ctx, "collection %u of a live structure returned %zu (nothing is garbage)", c + 1, n);
    found += n;
  }
  wl_observe_int(ctx, "collect_returned_rest", (long long)found);
  if (verify_levels(ctx, gc_root_get(h, all), p.levels) != sum) wl_fail(ctx, "the structure changed while collected");
  gc_frame_close(h, frame);
  return sum;
}

const workload wl_py_gc_traversal = {
    .name = "py-gc-traversal",
    .description = "pyperformance's gc_traversal: collections of a live structure of n levels, level n holding n "
                   "references to level n-1; they must find nothing",
    .size_doc = {
        "200 levels: 19900 edges (0.16 MB of fields), 1 + 10 collections",
        "1000 levels (the benchmark's own): 499500 edges (4 MB of fields), 1 + 10 collections",
        "3000 levels: 4498500 edges (36 MB of fields), 1 + 10 collections",
    },
    .params_doc = "levels=N (1..20000; default 200/1000/3000 by size), collections=N (checked collections after the "
                  "first, 1..100000; default 10)",
    .run = run_py_gc_traversal,
};
