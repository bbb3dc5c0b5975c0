/*
 * conformance_finalizers.c — case 3: finalizers run exactly once, only once their
 * object is unreachable, as promptly as the collector declares; garbage cycles are
 * finalized iff the collector collects cycles; a resurrected object survives intact
 * and is never finalized again; chains of finalizable objects are finalized all
 * together (in bulk, where a conservative collector's few retained objects cannot
 * hide a collector that finalizes in order, or not at all).
 *
 * The finalizers count runs per object id (the id in the object's first raw bytes)
 * in statics, and complain if the test still marks the object as referenced.
 */
#include <string.h>

#include "tests/conformance_cases.h"
#include "tests/conformance_support.h"

#define MAX_TAG 64
/* Rule 6 lets a tracing collector run a finalizer only after the collection that
 * finds the object; allow one more for collectors that need two. */
#define COLLECTIONS_TO_FINALIZE 2
/* ... and the memory of a finalized object may wait for yet another collection. */
#define COLLECTIONS_TO_RECLAIM 3

static struct {
  unsigned runs[MAX_TAG];
  bool referenced[MAX_TAG]; /* the test still holds the object: finalizing it is a bug */
  gc_root resurrection_slot;
} fin;

/* ==================================================================
 * The finalizers
 * ================================================================== */

static void record_finalization(gc_obj *o) {
  uint64_t id = identity_read(o);
  if (!CHECK(id < MAX_TAG, "a finalizer ran on an object reading as id %llu", (unsigned long long)id)) return;
  fin.runs[id]++;
  CHECK(!fin.referenced[id], "object %llu finalized while still referenced", (unsigned long long)id);
  CHECK(identity_intact(o, id), "object %llu corrupted when its finalizer ran", (unsigned long long)id);
}

static void counting_finalizer(gc_heap *h, gc_obj *o) {
  (void)h;
  record_finalization(o);
}

/* Stores the object back into an existing root slot: the one thing besides reading
 * that rule 6 and gc.h allow a finalizer to do with roots. */
static void resurrecting_finalizer(gc_heap *h, gc_obj *o) {
  record_finalization(o);
  gc_root_set(h, fin.resurrection_slot, o);
}

/* ==================================================================
 * Helpers
 * ================================================================== */

static gc_root push_finalizable(gc_heap *h, uint64_t id, uint32_t nptrs, gc_finalizer f) {
  fin.referenced[id] = true;
  return push_new_object(h, id, nptrs, 24, f);
}

/* Called just before the test drops its last references to these objects: from
 * then on their finalizers may run (with prompt finalization, inside the drop). */
static void about_to_drop(const uint64_t *ids, size_t n) {
  for (size_t i = 0; i < n; i++) fin.referenced[ids[i]] = false;
}

/* Objects the test still references must not have been finalized, even after
 * collections. */
static bool none_finalized_while_referenced(gc_heap *h) {
  for (int c = 0; c < COLLECTIONS_TO_FINALIZE; c++) gc_collect(h);
  for (int id = 0; id < MAX_TAG; id++)
    if (!CHECK(fin.runs[id] == 0, "object %d finalized %u times while referenced", id, fin.runs[id])) return false;
  return true;
}

/* The ids in `ids` have lost their last reference.  If `collectable`, each must be
 * finalized exactly once: at once if `prompt` applies and the collector declares
 * prompt finalization, else within COLLECTIONS_TO_FINALIZE collections — though a
 * conservative collector may still hold up to retention_allowed(n) of them,
 * unfinalized.  If not, none may be finalized, however often we collect. */
static bool expect_finalized(gc_heap *h, const uint64_t *ids, size_t n, bool collectable, bool prompt,
                             const char *what) {
  bool at_once = collectable && prompt && has_cap(GC_CAP_PROMPT_FINALIZATION);
  for (int c = 0; c < COLLECTIONS_TO_FINALIZE && !at_once; c++) gc_collect(h);
  uint64_t held = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned want = collectable ? 1 : 0, runs = fin.runs[ids[i]];
    if (want == 1 && runs == 0 && held < retention_allowed(n)) {
      held++;
      continue;
    }
    if (!CHECK(runs == want, "%s: object %llu finalized %u times %s, expected %u", what, (unsigned long long)ids[i],
               runs, at_once ? "right after its last reference went" : "after 2 gc_collect calls", want))
      return false;
  }
  return !conf_failed();
}

/* The sum of all runs equals the collector's finalizers_run statistic. */
static bool finalizer_statistic_agrees(gc_heap *h) {
  unsigned total = 0;
  for (int i = 0; i < MAX_TAG; i++) total += fin.runs[i];
  gc_stats s;
  gc_stats_read(h, &s);
  return CHECK(s.finalizers_run == total, "finalizers_run is %llu, the finalizers counted %u runs",
               (unsigned long long)s.finalizers_run, total);
}

/* ==================================================================
 * Exactly once, only when unreachable
 * ================================================================== */

enum { ROOTED_ID = 1, IN_FIELD_ID, TWICE_ROOTED_ID, HOLDER_ID };

/* Three finalizable objects, each losing its last reference a different way: its
 * only root slot is cleared; the object holding it in a field loses its root; the
 * first of its two root slots is cleared (nothing may happen), then the second. */
void case_finalizers_run_once_when_unreachable(void) {
  memset(&fin, 0, sizeof fin);
  gc_heap *h = heap_open(false, 0, NULL);
  if (!h) return;
  bool reclaims = has_cap(GC_CAP_RECLAIMS);
  gc_collect(h);
  uint64_t baseline = live_objects(h);
  uint32_t frame = gc_frame_open(h);
  gc_root rooted = push_finalizable(h, ROOTED_ID, 0, counting_finalizer);
  gc_root holder = push_new_object(h, HOLDER_ID, 1, 16, NULL);
  gc_root in_field = push_finalizable(h, IN_FIELD_ID, 0, counting_finalizer);
  gc_set(h, gc_root_get(h, holder), 0, gc_root_get(h, in_field));
  gc_root_set(h, in_field, NULL);
  gc_root twice1 = push_finalizable(h, TWICE_ROOTED_ID, 0, counting_finalizer);
  gc_root twice2 = gc_root_push(h, gc_root_get(h, twice1));

  allocate_garbage(h, 2000);
  gc_collect(h);
  gc_collect(h);
  gc_root_set(h, twice1, NULL);
  gc_collect(h);
  uint64_t ids[] = {ROOTED_ID, IN_FIELD_ID, TWICE_ROOTED_ID};
  if (!none_finalized_while_referenced(h)) goto done;

  about_to_drop(&ids[0], 1);
  gc_root_set(h, rooted, NULL);
  if (!expect_finalized(h, &ids[0], 1, reclaims, true, "its only root slot cleared")) goto done;
  about_to_drop(&ids[1], 1);
  gc_root_set(h, holder, NULL);
  if (!expect_finalized(h, &ids[1], 1, reclaims, true, "the object holding it dropped")) goto done;
  about_to_drop(&ids[2], 1);
  gc_root_set(h, twice2, NULL);
  if (!expect_finalized(h, &ids[2], 1, reclaims, true, "its second root slot cleared")) goto done;

  allocate_garbage(h, 2000);
  collect_until_live(h, baseline, COLLECTIONS_TO_RECLAIM);
  if (!expect_finalized(h, ids, 3, reclaims, false, "more collections later") || !finalizer_statistic_agrees(h))
    goto done;
  if (reclaims) {
    uint64_t allowed = retention_allowed(4 + 2 * 2000); /* the finalizable objects, the holder, the garbage */
    CHECK(live_as_predicted(live_objects(h), baseline, allowed),
          "%llu objects live after the finalized objects went, expected %llu%s", (unsigned long long)live_objects(h),
          (unsigned long long)baseline, retention_note(allowed));
  }
done:
  gc_frame_close(h, frame);
  gc_heap_destroy(h);
}

/* ==================================================================
 * Garbage cycles
 * ================================================================== */

enum { SELF_LOOP_ID = 1, PAIR_A_ID, PAIR_B_ID, RING_FIRST_ID, LEAF_ID = RING_FIRST_ID + 5, ACYCLIC_ID };
enum { RING_NODES = 5 };
/* Objects the collector must reclaim only by collecting cycles: the self-loop, the
 * pair, the ring, the two plain nodes of the leaf's cycle, and the leaf itself. */
#define CYCLIC_OBJECTS (1 + 2 + RING_NODES + 2 + 1)

static void link(gc_heap *h, gc_root from, uint32_t field, gc_root to) {
  gc_set(h, gc_root_get(h, from), field, gc_root_get(h, to));
}

/* A self-loop, a pair, a ring of five with one finalizable node, and a finalizable
 * leaf below a plain 2-cycle, each node held by a slot of the current frame. */
static void build_finalizable_cycles(gc_heap *h) {
  gc_root self = push_finalizable(h, SELF_LOOP_ID, 1, counting_finalizer);
  link(h, self, 0, self);
  gc_root a = push_finalizable(h, PAIR_A_ID, 1, counting_finalizer);
  gc_root b = push_finalizable(h, PAIR_B_ID, 1, counting_finalizer);
  link(h, a, 0, b);
  link(h, b, 0, a);
  gc_root ring[RING_NODES];
  ring[0] = push_finalizable(h, RING_FIRST_ID, 1, counting_finalizer);
  for (uint32_t i = 1; i < RING_NODES; i++) ring[i] = push_new_object(h, 100 + i, 1, 16, NULL);
  for (uint32_t i = 0; i < RING_NODES; i++) link(h, ring[i], 0, ring[(i + 1) % RING_NODES]);
  gc_root p = push_new_object(h, 110, 2, 16, NULL);
  gc_root q = push_new_object(h, 111, 1, 16, NULL);
  gc_root leaf = push_finalizable(h, LEAF_ID, 0, counting_finalizer);
  link(h, p, 0, q);
  link(h, q, 0, p);
  link(h, p, 1, leaf);
}

void case_finalizers_in_garbage_cycles(void) {
  memset(&fin, 0, sizeof fin);
  gc_heap *h = heap_open(false, 0, NULL);
  if (!h) return;
  bool cycles = has_cap(GC_CAP_COLLECTS_CYCLES), reclaims = has_cap(GC_CAP_RECLAIMS);
  gc_collect(h);
  uint64_t baseline = live_objects(h);
  uint32_t frame = gc_frame_open(h);
  build_finalizable_cycles(h);
  push_finalizable(h, ACYCLIC_ID, 0, counting_finalizer);
  uint64_t acyclic_id[] = {ACYCLIC_ID};
  uint64_t cyclic_ids[] = {SELF_LOOP_ID, PAIR_A_ID, PAIR_B_ID, RING_FIRST_ID, LEAF_ID};
  if (!none_finalized_while_referenced(h)) {
    gc_frame_close(h, frame);
    goto done;
  }
  about_to_drop(acyclic_id, 1);
  about_to_drop(cyclic_ids, 5);
  gc_frame_close(h, frame); /* every root at once */

  if (!expect_finalized(h, acyclic_id, 1, reclaims, true, "acyclic garbage dropped with the cycles") ||
      !expect_finalized(h, cyclic_ids, 5, reclaims && cycles, false, "garbage cycles"))
    goto done;
  allocate_garbage(h, 1000);
  collect_until_live(h, baseline, COLLECTIONS_TO_RECLAIM);
  if (!expect_finalized(h, cyclic_ids, 5, reclaims && cycles, false, "more collections later") ||
      !finalizer_statistic_agrees(h))
    goto done;
  uint64_t left = live_objects(h) - baseline;
  uint64_t want = !reclaims ? CYCLIC_OBJECTS + 1 + 1000 : cycles ? 0 : CYCLIC_OBJECTS;
  uint64_t allowed = retention_allowed(CYCLIC_OBJECTS + 1 + 1000 - want);
  CHECK(live_as_predicted(left, want, allowed), "%llu objects live after the cycles were dropped, expected %llu%s",
        (unsigned long long)left, (unsigned long long)want, retention_note(allowed));
done:
  gc_heap_destroy(h);
}

/* ==================================================================
 * Resurrection
 * ================================================================== */

enum { REVIVED_ID = 1, REVIVED_CHILD0_ID, REVIVED_CHILD1_ID, CYCLE_REVIVED_ID, CYCLE_PARTNER_ID, CYCLE_LEAF_ID };

/* The object in the resurrection slot, with its two children, exactly as built. */
static bool resurrected_intact(gc_heap *h, uint64_t id, uint64_t child0, uint64_t child1, const char *when) {
  gc_obj *o = gc_root_get(h, fin.resurrection_slot);
  if (!CHECK(o != NULL, "%s: the resurrection slot is empty", when) ||
      !CHECK(gc_nptrs(o) == 2 && identity_intact(o, id), "%s: resurrected object %llu corrupted", when,
             (unsigned long long)id))
    return false;
  gc_obj *c0 = gc_get(o, 0), *c1 = gc_get(o, 1);
  return CHECK(c0 && identity_intact(c0, child0), "%s: child %llu of the resurrected object lost", when,
               (unsigned long long)child0) &&
         CHECK(c1 && identity_intact(c1, child1), "%s: child %llu of the resurrected object lost", when,
               (unsigned long long)child1);
}

/* A conservative collector may still hold an object expect_finalized let go
 * unfinalized: then there is no resurrection to check. */
static bool still_held(uint64_t id) { return has_cap(GC_CAP_CONSERVATIVE) && fin.runs[id] == 0; }

/* Resurrected, the object is referenced by one root slot and nothing in the heap. */
static bool resurrected_count_right(gc_heap *h) {
  long want = -1;
  if (has_cap(GC_CAP_COUNTS_REFS)) want = has_cap(GC_CAP_COUNTS_ROOTS) ? 1 : 0;
  long got = gc_refcount(h, gc_root_get(h, fin.resurrection_slot));
  return CHECK(got == want, "gc_refcount of the resurrected object is %ld, expected %ld", got, want);
}

/* After resurrection: intact through collections, then dropped again — reclaimed
 * without a second finalization. */
static bool resurrected_then_dropped(gc_heap *h, uint64_t id, uint64_t child0, uint64_t child1, uint64_t baseline,
                                     uint64_t objects) {
  if (!resurrected_intact(h, id, child0, child1, "just resurrected")) return false;
  allocate_garbage(h, 300);
  for (int i = 0; i < COLLECTIONS_TO_RECLAIM; i++) gc_collect(h);
  uint64_t live = live_since(h, baseline);
  if (!resurrected_intact(h, id, child0, child1, "collections after resurrection") ||
      !CHECK(count_as_predicted(h, baseline, 0, objects, retention_allowed(300)),
             "%llu objects live while the resurrected object is held, expected %llu%s", (unsigned long long)live,
             (unsigned long long)objects, retention_note(retention_allowed(300))))
    return false;
  gc_root_set(h, fin.resurrection_slot, NULL);
  collect_until_live(h, baseline, COLLECTIONS_TO_RECLAIM);
  live = live_since(h, baseline);
  return CHECK(fin.runs[id] == 1, "object %llu finalized %u times after resurrection and a second drop",
               (unsigned long long)id, fin.runs[id]) &&
         CHECK(live_as_predicted(live, 0, retention_allowed(objects + 300)),
               "%llu objects live after the resurrected object was dropped again%s", (unsigned long long)live,
               retention_note(retention_allowed(objects + 300)));
}

/* An acyclic object with two children resurrects itself: every collector that
 * reclaims must keep it, and its children, intact. */
static bool check_acyclic_resurrection(gc_heap *h) {
  bool reclaims = has_cap(GC_CAP_RECLAIMS);
  gc_collect(h);
  uint64_t baseline = live_objects(h);
  uint32_t frame = gc_frame_open(h);
  gc_root revived = push_finalizable(h, REVIVED_ID, 2, resurrecting_finalizer);
  gc_root child0 = push_new_object(h, REVIVED_CHILD0_ID, 0, 16, NULL);
  gc_root child1 = push_new_object(h, REVIVED_CHILD1_ID, 0, 16, NULL);
  link(h, revived, 0, child0);
  link(h, revived, 1, child1);
  uint64_t id[] = {REVIVED_ID};
  about_to_drop(id, 1);
  gc_frame_close(h, frame);
  if (!expect_finalized(h, id, 1, reclaims, true, "a resurrecting object dropped")) return false;
  if (!reclaims || still_held(id[0])) return true;
  return resurrected_count_right(h) &&
         resurrected_then_dropped(h, REVIVED_ID, REVIVED_CHILD0_ID, REVIVED_CHILD1_ID, baseline, 3);
}

/* The same inside a garbage cycle (revived <-> partner, revived -> leaf): only a
 * cycle collector finalizes it, and then the partner must survive too. */
static bool check_cycle_resurrection(gc_heap *h) {
  bool collectable = has_cap(GC_CAP_RECLAIMS) && has_cap(GC_CAP_COLLECTS_CYCLES);
  gc_collect(h);
  uint64_t baseline = live_objects(h);
  uint32_t frame = gc_frame_open(h);
  gc_root revived = push_finalizable(h, CYCLE_REVIVED_ID, 2, resurrecting_finalizer);
  gc_root partner = push_new_object(h, CYCLE_PARTNER_ID, 1, 16, NULL);
  gc_root leaf = push_new_object(h, CYCLE_LEAF_ID, 0, 16, NULL);
  link(h, revived, 0, partner);
  link(h, partner, 0, revived);
  link(h, revived, 1, leaf);
  uint64_t id[] = {CYCLE_REVIVED_ID};
  about_to_drop(id, 1);
  gc_frame_close(h, frame);
  if (!expect_finalized(h, id, 1, collectable, false, "a resurrecting object in a garbage cycle")) return false;
  if (!collectable || still_held(id[0])) return true;
  gc_obj *o = gc_root_get(h, fin.resurrection_slot);
  if (!CHECK(o && gc_get(o, 0) && gc_get(gc_get(o, 0), 0) == o,
             "the resurrected object's cycle (it -> partner -> it) is broken"))
    return false;
  return resurrected_then_dropped(h, CYCLE_REVIVED_ID, CYCLE_PARTNER_ID, CYCLE_LEAF_ID, baseline, 3);
}

void case_finalizer_resurrection(void) {
  memset(&fin, 0, sizeof fin);
  gc_heap *h = heap_open(true, 0, NULL);
  if (!h) return;
  uint32_t frame = gc_frame_open(h);
  fin.resurrection_slot = gc_root_push(h, NULL);
  if (check_acyclic_resurrection(h)) check_cycle_resurrection(h);
  gc_frame_close(h, frame);
  gc_heap_destroy(h);
}

/* ==================================================================
 * In bulk
 * ================================================================== */

/* Chains of finalizable objects, each holding the next: all unreachable at once,
 * so all due after the same collection.  A collector that finalizes in order (one
 * link per collection) or not at all shows here, where a handful of objects
 * cannot; a conservative collector may keep what a few stale references reach
 * (some chains' tails), no more. */
#define BULK_CHAINS 40
#define BULK_LENGTH 10
#define BULK_OBJECTS (BULK_CHAINS * BULK_LENGTH)

static struct {
  unsigned runs[BULK_OBJECTS];
  bool referenced;
} bulk;

/* Object ids run along each chain: id + 1 is the next link, unless id ends one. */
static bool bulk_last_link(uint64_t id) { return id % BULK_LENGTH == BULK_LENGTH - 1; }

static void bulk_finalizer(gc_heap *h, gc_obj *o) {
  (void)h;
  uint64_t id = identity_read(o);
  if (!CHECK(id < BULK_OBJECTS, "a finalizer ran on an object reading as id %llu", (unsigned long long)id)) return;
  bulk.runs[id]++;
  CHECK(bulk.runs[id] == 1, "object %llu finalized %u times", (unsigned long long)id, bulk.runs[id]);
  CHECK(!bulk.referenced, "object %llu finalized while still referenced", (unsigned long long)id);
  gc_obj *next = gc_get(o, 0);
  CHECK(identity_intact(o, id) && bulk_last_link(id) == (next == NULL) && (!next || identity_intact(next, id + 1)),
        "object %llu or its link to the next one corrupted when its finalizer ran", (unsigned long long)id);
}

/* What a conservative collector may hold of the chains: the chains as a graph. */
static uint64_t bulk_retention(void) {
  static uint32_t first[BULK_OBJECTS + 1];
  static int32_t succ[BULK_OBJECTS];
  uint32_t nedges = 0;
  for (uint32_t x = 0; x < BULK_OBJECTS; x++) {
    first[x] = nedges;
    if (!bulk_last_link(x)) succ[nedges++] = (int32_t)x + 1;
  }
  first[BULK_OBJECTS] = nedges;
  return retention_in_graph(BULK_OBJECTS, first, succ);
}

static unsigned bulk_finalized(void) {
  unsigned n = 0;
  for (uint32_t x = 0; x < BULK_OBJECTS; x++) n += bulk.runs[x] > 0;
  return n;
}

/* Each chain is built tail first, so every new object points at the last one. */
static void build_bulk_chains(gc_heap *h) {
  for (uint32_t c = 0; c < BULK_CHAINS; c++) {
    gc_root link = gc_root_push(h, NULL);
    for (uint32_t k = BULK_LENGTH; k-- > 0;) {
      gc_obj *o = gc_alloc_finalizable(h, 1, 16, bulk_finalizer);
      identity_write(o, (uint64_t)c * BULK_LENGTH + k);
      gc_set(h, o, 0, gc_root_get(h, link));
      gc_root_set(h, link, o);
    }
  }
}

void case_finalizers_in_bulk(void) {
  memset(&bulk, 0, sizeof bulk);
  gc_heap *h = heap_open(false, 0, NULL);
  if (!h) return;
  bool reclaims = has_cap(GC_CAP_RECLAIMS), at_once = has_cap(GC_CAP_PROMPT_FINALIZATION);
  uint32_t frame = gc_frame_open(h);
  bulk.referenced = true;
  build_bulk_chains(h);
  for (int c = 0; c < COLLECTIONS_TO_FINALIZE; c++) gc_collect(h);
  bulk.referenced = false;
  gc_frame_close(h, frame); /* every chain at once */
  for (int c = 0; c < COLLECTIONS_TO_FINALIZE && !at_once; c++) gc_collect(h);
  if (conf_failed()) goto done;
  unsigned finalized = bulk_finalized(), want = reclaims ? BULK_OBJECTS : 0;
  uint64_t allowed = reclaims ? bulk_retention() : 0;
  if (!CHECK(finalized <= want && want - finalized <= allowed,
             "%u of the %u objects in %u dropped chains finalized %s, expected %u%s", finalized, BULK_OBJECTS,
             BULK_CHAINS, at_once ? "right after their last reference went" : "after 2 gc_collect calls", want,
             retention_note(allowed)))
    goto done;
  gc_stats s;
  gc_stats_read(h, &s);
  CHECK(s.finalizers_run == finalized, "finalizers_run is %llu, the finalizers counted %u runs",
        (unsigned long long)s.finalizers_run, finalized);
done:
  gc_heap_destroy(h);
}
