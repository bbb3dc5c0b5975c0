/*
 * conformance_random.c — the cases built on the shadow model (conformance_model.h):
 * random graphs under zeal, reference counts, and what is left after the roots go.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/conformance_cases.h"
#include "tests/conformance_model.h"

/* ==================================================================
 * Case 1: random graphs under zeal
 * ================================================================== */

/* Zeal collects at every allocation, so a few hundred allocations per seed already
 * give a moving collector hundreds of chances to lose or misplace something. */
#define ZEAL_STEPS 1200
static const uint64_t zeal_seeds[] = {1, 2, 3, 4, 5};

void case_random_graphs_under_zeal(void) {
  for (size_t i = 0; i < sizeof zeal_seeds / sizeof *zeal_seeds && !conf_failed(); i++) {
    model m;
    model_config cfg = {.seed = zeal_seeds[i], .zeal = true, .finalizers = true};
    if (model_open(&m, &cfg) && model_run(&m, ZEAL_STEPS)) {
      model_drop_all_roots(&m);
      model_check_final_state(&m);
    }
    model_close(&m);
  }
}

/* ==================================================================
 * Case 5: reference counts
 * ================================================================== */

/* What gc_refcount must say for an object with these references: the heap ones,
 * plus the root ones if roots count, or -1 from a collector that keeps no counts. */
static bool expect_refcount(gc_heap *h, gc_obj *o, long heap_refs, long root_refs, const char *what) {
  long want = -1;
  if (has_cap(GC_CAP_COUNTS_REFS)) want = heap_refs + (has_cap(GC_CAP_COUNTS_ROOTS) ? root_refs : 0);
  long got = gc_refcount(h, o);
  return CHECK(got == want, "%s: gc_refcount is %ld, expected %ld", what, got, want);
}

/* Counts worked out by hand — two fields of one object, a self-reference, a store
 * of a field's own value, two root slots — before trusting the model's. */
static void check_counts_known_by_hand(void) {
  gc_heap *h = heap_open(false, 0, NULL);
  if (!h) return;
  uint32_t frame = gc_frame_open(h);
  gc_root x = push_new_object(h, 1, 1, 8, NULL);
  gc_root a = push_new_object(h, 2, 2, 8, NULL);
  gc_set(h, gc_root_get(h, a), 0, gc_root_get(h, x));
  gc_set(h, gc_root_get(h, a), 1, gc_root_get(h, x));
  gc_set(h, gc_root_get(h, x), 0, gc_root_get(h, x));
  gc_set(h, gc_root_get(h, a), 0, gc_root_get(h, x)); /* the value it already holds */
  gc_root x_again = gc_root_push(h, gc_root_get(h, x));
  if (!expect_refcount(h, gc_root_get(h, x), 3, 2, "x in 2 fields of a, its own field and 2 roots")) goto done;
  if (!expect_refcount(h, gc_root_get(h, a), 0, 1, "a in 1 root")) goto done;
  gc_set(h, gc_root_get(h, a), 1, NULL);
  gc_root_set(h, x_again, NULL);
  gc_collect(h);
  expect_refcount(h, gc_root_get(h, x), 2, 1, "x after dropping a field and a root");
done:
  gc_frame_close(h, frame);
  gc_heap_destroy(h);
}

#define COUNT_STEPS 3000
static const uint64_t count_seeds[] = {101, 102, 103};

/* The model compares every reachable object's count after every gc_collect. */
void case_refcounts_match_model(void) {
  check_counts_known_by_hand();
  for (size_t i = 0; i < sizeof count_seeds / sizeof *count_seeds && !conf_failed(); i++) {
    model m;
    model_config cfg = {.seed = count_seeds[i], .check_counts = true};
    if (model_open(&m, &cfg)) model_run(&m, COUNT_STEPS);
    model_close(&m);
  }
}

/* ==================================================================
 * Case 9: leaks after dropping every root
 * ================================================================== */

#define LEAK_STEPS 3000
static const uint64_t leak_seeds[] = {201, 202, 203};

/* Rule 5: what is left after the roots go and gc_collect runs once more.  A cycle
 * collector leaves nothing, and its gc_collect reports at least the objects that
 * only it could free: those on or below a cycle among the objects alive before the
 * drop (its previous gc_collect freed the rest).  Counting leaves exactly those
 * objects, reckoned over everything it ever allocated; a collector that never
 * reclaims leaves everything. */
static void check_leaks_for_seed(uint64_t seed) {
  model m;
  model_config cfg = {.seed = seed};
  uint8_t *alive_before = NULL;
  if (!model_open(&m, &cfg) || !model_run(&m, LEAK_STEPS)) goto done;
  gc_collect(m.h);
  if (!model_verify(&m)) goto done;
  model_mark_reachable(&m);
  alive_before = malloc(m.nobjs ? m.nobjs : 1);
  if (!CHECK(alive_before != NULL, "out of memory")) goto done;
  memcpy(alive_before, m.keep, m.nobjs);

  model_drop_all_roots(&m);
  size_t found = gc_collect(m.h);
  uint64_t leaked = live_objects(m.h) - m.baseline_live;
  if (has_cap(GC_CAP_COLLECTS_CYCLES)) {
    model_mark_counting_survivors(&m, alive_before);
    /* The lower bound counts containers only: a cycle detector in CPython's manner
     * tracks (and so counts) only objects with pointer fields (gc_types.h). */
    uint32_t below_cycles = 0;
    for (uint32_t x = 0; x < m.nobjs; x++) below_cycles += m.keep[x] && m.objs[x].nptrs > 0;
    uint64_t allowed = 0;
    if (leaked && has_cap(GC_CAP_CONSERVATIVE)) {
      model_mark_reachable(&m); /* nothing: no roots are left */
      allowed = model_retention(&m);
    }
    if (!CHECK(live_as_predicted(leaked, 0, allowed),
               "seed %llu: %llu objects leaked, the collector declares cycle collection%s", (unsigned long long)seed,
               (unsigned long long)leaked, retention_note(allowed)))
      goto done;
    /* what a conservative collector still holds, it has not found */
    uint64_t retained = has_cap(GC_CAP_CONSERVATIVE) ? leaked : 0;
    CHECK(found + retained >= below_cycles,
          "seed %llu: gc_collect returned %zu, but %u unreachable containers sat on or below cycles",
          (unsigned long long)seed, found, below_cycles);
  } else if (has_cap(GC_CAP_RECLAIMS)) {
    uint32_t below_cycles = model_mark_counting_survivors(&m, NULL);
    CHECK(leaked == below_cycles, "seed %llu: %llu objects leaked, %u are on or below cycles",
          (unsigned long long)seed, (unsigned long long)leaked, below_cycles);
  } else {
    CHECK(leaked == m.nobjs, "seed %llu: %llu objects live of %u allocated by a collector that never reclaims",
          (unsigned long long)seed, (unsigned long long)leaked, m.nobjs);
  }
done:
  free(alive_before);
  model_close(&m);
}

void case_no_leaks_after_dropping_roots(void) {
  for (size_t i = 0; i < sizeof leak_seeds / sizeof *leak_seeds && !conf_failed(); i++)
    check_leaks_for_seed(leak_seeds[i]);
}
