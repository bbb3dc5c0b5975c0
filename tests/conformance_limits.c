/*
 * conformance_limits.c — the heap limit (case 6), a million-long list (case 7), a
 * bad tuning string (case 8) and the enable knob (case 9).
 *
 * The heap-limit cases install an on_oom handler that longjmps back to the case:
 * after it fires the heap is only read (statistics) and destroyed, never used again,
 * since the collector may have given up in the middle of anything.
 */
#include <setjmp.h>
#include <string.h>

#include "tests/conformance_cases.h"
#include "tests/conformance_support.h"

/* ==================================================================
 * Case 6: the heap limit
 * ================================================================== */

#define LIMIT ((size_t)1 << 20)
#define GARBAGE_MULTIPLE 50 /* garbage allocated, in heap limits */
#define LIVE_MULTIPLE 8     /* live data attempted, in heap limits: far past any collector */
#define GARBAGE_SLOTS 16    /* root slots the garbage workloads rotate through */

static struct {
  jmp_buf back;
  size_t requested;  /* what on_oom was told */
  uint64_t bytes;    /* object bytes the workload has allocated so far */
} oom;

static void jump_back_on_oom(void *arg, size_t requested) {
  (void)arg;
  oom.requested = requested;
  longjmp(oom.back, 1);
}

/* Bytes of an object as gc_stats counts them (gc_common.h), for the workloads'
 * budgets. */
static uint64_t object_bytes(uint32_t nptrs, uint32_t nbytes) {
  return (uint64_t)nptrs * sizeof(gc_obj *) + ((nbytes + 7u) & ~7u);
}

static gc_obj *counted_alloc(gc_heap *h, uint32_t nptrs, uint32_t nbytes) {
  gc_obj *o = gc_alloc(h, nptrs, nbytes);
  oom.bytes += object_bytes(nptrs, nbytes);
  identity_write(o, oom.bytes);
  return o;
}

/* Runs workload(h, budget); true if it ended in on_oom.  Why a function of its
 * own: setjmp's frame must outlive the longjmp, and no local here changes between
 * the two. */
static bool ran_out_of_memory(gc_heap *h, void (*workload)(gc_heap *, uint64_t), uint64_t budget) {
  oom.bytes = 0;
  oom.requested = 0;
  if (setjmp(oom.back) == 0) {
    workload(h, budget);
    return false;
  }
  return true;
}

/* A list that keeps everything: every 32nd node carries a large raw array, so
 * both small and large allocation paths fill the heap. */
static void keep_everything(gc_heap *h, uint64_t budget) {
  uint32_t frame = gc_frame_open(h);
  gc_root head = gc_root_push(h, NULL);
  for (uint32_t i = 0; oom.bytes < budget; i++) {
    gc_obj *node = counted_alloc(h, 1, i % 32 == 31 ? 8192 : 48);
    gc_set(h, node, 0, gc_root_get(h, head));
    gc_root_set(h, head, node);
  }
  gc_frame_close(h, frame);
}

static void one_object_over_the_limit(gc_heap *h, uint64_t budget) { counted_alloc(h, 0, (uint32_t)budget); }

/* Small trees that live for a few iterations in rotating root slots, then become
 * garbage; with `cyclic` every child points back at its parent. */
static void make_garbage_trees(gc_heap *h, uint64_t budget, bool cyclic) {
  uint32_t frame = gc_frame_open(h);
  gc_root slots[GARBAGE_SLOTS];
  for (int i = 0; i < GARBAGE_SLOTS; i++) slots[i] = gc_root_push(h, NULL);
  for (uint32_t i = 0; oom.bytes < budget; i++) {
    gc_root slot = slots[i % GARBAGE_SLOTS];
    uint32_t children = 1 + i % 3;
    gc_root_set(h, slot, counted_alloc(h, children, 8 + 16 * (i % 4)));
    for (uint32_t c = 0; c < children; c++) {
      gc_obj *child = counted_alloc(h, 1, 24);
      gc_set(h, gc_root_get(h, slot), c, child);
      if (cyclic) gc_set(h, child, 0, gc_root_get(h, slot));
    }
  }
  gc_frame_close(h, frame);
}

static void make_acyclic_garbage(gc_heap *h, uint64_t budget) { make_garbage_trees(h, budget, false); }
static void make_cyclic_garbage(gc_heap *h, uint64_t budget) { make_garbage_trees(h, budget, true); }

/* Rule 4: whatever happened, the collector never held more than the limit. */
static bool stayed_within_limit(gc_heap *h, const char *what) {
  gc_stats s;
  gc_stats_read(h, &s);
  return CHECK(s.peak_heap_bytes <= LIMIT && s.heap_bytes <= LIMIT && s.live_bytes <= LIMIT,
               "%s: peak heap %llu, heap %llu, live %llu bytes under a limit of %zu", what,
               (unsigned long long)s.peak_heap_bytes, (unsigned long long)s.heap_bytes,
               (unsigned long long)s.live_bytes, LIMIT);
}

/* One fresh limited heap per workload: after on_oom a heap is only destroyed. */
static bool limited_run_ran_out(void (*workload)(gc_heap *, uint64_t), uint64_t budget, const char *what) {
  gc_heap *h = heap_open(false, LIMIT, jump_back_on_oom);
  if (!h) return false;
  bool ran_out = ran_out_of_memory(h, workload, budget);
  if (ran_out) CHECK(oom.requested > 0, "%s: on_oom was called for 0 bytes", what);
  stayed_within_limit(h, what);
  gc_heap_destroy(h);
  return ran_out;
}

void case_heap_limit_live_data_ooms(void) {
  const char *what = "keeping 8 MiB live under a 1 MiB limit";
  bool ran_out = limited_run_ran_out(keep_everything, LIVE_MULTIPLE * LIMIT, what);
  if (!CHECK(ran_out || conf_failed(), "%s: on_oom was never called", what)) return;
  what = "one 2 MiB object under a 1 MiB limit";
  ran_out = limited_run_ran_out(one_object_over_the_limit, 2 * LIMIT, what);
  CHECK(ran_out || conf_failed(), "%s: on_oom was never called", what);
}

/* Garbage that counting alone frees: every collector that reclaims must go on
 * forever; one that does not must run out. */
void case_heap_limit_garbage_is_reclaimed(void) {
  const char *what = "50 MiB of acyclic garbage under a 1 MiB limit";
  bool ran_out = limited_run_ran_out(make_acyclic_garbage, GARBAGE_MULTIPLE * LIMIT, what);
  if (conf_failed()) return;
  if (has_cap(GC_CAP_RECLAIMS))
    CHECK(!ran_out, "%s: on_oom after %llu bytes (asked for %zu more)", what, (unsigned long long)oom.bytes,
          oom.requested);
  else
    CHECK(ran_out, "%s: no on_oom from a collector that never reclaims", what);
}

/* Garbage cycles: only a cycle collector can go on; the others must run out
 * rather than exceed the limit. */
void case_heap_limit_cyclic_garbage(void) {
  const char *what = "50 MiB of cyclic garbage under a 1 MiB limit";
  bool ran_out = limited_run_ran_out(make_cyclic_garbage, GARBAGE_MULTIPLE * LIMIT, what);
  if (conf_failed()) return;
  if (has_cap(GC_CAP_RECLAIMS) && has_cap(GC_CAP_COLLECTS_CYCLES))
    CHECK(!ran_out, "%s: on_oom after %llu bytes (asked for %zu more)", what, (unsigned long long)oom.bytes,
          oom.requested);
  else
    CHECK(ran_out, "%s: no on_oom from a collector that cannot reclaim cycles", what);
}

/* ==================================================================
 * Case 7: a million-long list
 * ================================================================== */

#define LIST_LENGTH 1000000u

/* Prepending: the head is the newest node, each node points at an older one. */
static void build_list_newest_first(gc_heap *h, gc_root head) {
  for (uint32_t i = 0; i < LIST_LENGTH; i++) {
    gc_obj *node = gc_alloc(h, 1, 8);
    identity_write(node, LIST_LENGTH - 1 - i);
    gc_set(h, node, 0, gc_root_get(h, head));
    gc_root_set(h, head, node);
  }
}

/* Appending: the head is the oldest node, each node points at a newer one (the
 * direction generational write barriers care about). */
static void build_list_oldest_first(gc_heap *h, gc_root head) {
  uint32_t frame = gc_frame_open(h);
  gc_root tail = gc_root_push(h, NULL);
  for (uint32_t i = 0; i < LIST_LENGTH; i++) {
    gc_obj *node = gc_alloc(h, 1, 8);
    identity_write(node, i);
    if (i == 0) gc_root_set(h, head, node);
    else gc_set(h, gc_root_get(h, tail), 0, node);
    gc_root_set(h, tail, node);
  }
  gc_frame_close(h, frame);
}

/* Walks the list: node k reads id k, and there are exactly LIST_LENGTH nodes. */
static bool list_intact(gc_heap *h, gc_root head, const char *name) {
  uint32_t k = 0;
  for (gc_obj *o = gc_root_get(h, head); o; o = gc_get(o, 0), k++)
    if (!CHECK(k < LIST_LENGTH && identity_read(o) == k, "%s: node %u reads id %llu", name, k,
               (unsigned long long)identity_read(o)))
      return false;
  return CHECK(k == LIST_LENGTH, "%s: %u nodes, expected %u", name, k, LIST_LENGTH);
}

/* A collection while the list is live (a recursive marker would overflow the C
 * stack here), then the whole list dropped at once (so would a recursive free). */
static bool check_long_list(gc_heap *h, void (*build)(gc_heap *, gc_root), const char *name) {
  gc_collect(h);
  uint64_t baseline = live_objects(h);
  uint32_t frame = gc_frame_open(h);
  gc_root head = gc_root_push(h, NULL);
  build(h, head);
  gc_collect(h);
  uint64_t live = live_since(h, baseline);
  bool ok = CHECK(count_as_predicted(h, baseline, 0, LIST_LENGTH, UINT64_MAX), "%s: %llu objects live, expected %u",
                  name, (unsigned long long)live, LIST_LENGTH) &&
            list_intact(h, head, name);
  gc_frame_close(h, frame);
  if (!ok) return false;
  gc_collect(h);
  live = live_since(h, baseline);
  uint64_t want = has_cap(GC_CAP_RECLAIMS) ? 0 : LIST_LENGTH;
  uint64_t allowed = retention_allowed(LIST_LENGTH - want);
  return CHECK(live_as_predicted(live, want, allowed), "%s dropped: %llu objects live after gc_collect, expected %llu%s",
               name, (unsigned long long)live, (unsigned long long)want, retention_note(allowed));
}

void case_million_long_list(void) {
  gc_heap *h = heap_open(false, 0, NULL);
  if (!h) return;
  if (check_long_list(h, build_list_newest_first, "list built newest first"))
    check_long_list(h, build_list_oldest_first, "list built oldest first");
  gc_heap_destroy(h);
}

/* ==================================================================
 * Case 8: a bad tuning string
 * ================================================================== */

static bool heap_creation_fails(const char *tuning) {
  gc_options o = {.tuning = tuning};
  const char *error = NULL;
  gc_heap *h = gc_heap_create(&o, &error);
  if (h) {
    gc_heap_destroy(h);
    return CHECK(false, "gc_heap_create accepted the tuning string \"%s\"", tuning);
  }
  return CHECK(error && *error, "gc_heap_create rejected \"%s\" without a message", tuning);
}

static bool heap_creation_succeeds(const char *tuning) {
  gc_options o = {.tuning = tuning};
  const char *error = NULL;
  gc_heap *h = gc_heap_create(&o, &error);
  if (!CHECK(h != NULL, "gc_heap_create rejected the tuning string \"%s\": %s", tuning ? tuning : "(NULL)",
             error ? error : "(no message)"))
    return false;
  gc_heap_destroy(h);
  return true;
}

void case_bad_tuning_rejected(void) {
  if (heap_creation_succeeds(NULL) && heap_creation_succeeds("")) heap_creation_fails("no_such_key=1");
}

/* ==================================================================
 * Case 9: the enable knob
 * ================================================================== */

/* Automatic collection off does not turn gc_collect off: a cycle dropped while
 * disabled is still collected by an explicit gc_collect if cycles are collected. */
static void check_collect_while_disabled(gc_heap *h) {
  gc_collect(h);
  uint64_t baseline = live_objects(h);
  uint32_t frame = gc_frame_open(h);
  gc_root a = push_new_object(h, 1, 1, 8, NULL);
  gc_root b = push_new_object(h, 2, 1, 8, NULL);
  gc_set(h, gc_root_get(h, a), 0, gc_root_get(h, b));
  gc_set(h, gc_root_get(h, b), 0, gc_root_get(h, a));
  gc_frame_close(h, frame);
  gc_collect(h);
  uint64_t left = live_since(h, baseline);
  uint64_t want = has_cap(GC_CAP_RECLAIMS) && has_cap(GC_CAP_COLLECTS_CYCLES) ? 0 : 2;
  uint64_t allowed = retention_allowed(2 - want);
  CHECK(live_as_predicted(left, want, allowed),
        "a 2-cycle dropped while disabled: %llu objects left after gc_collect, expected %llu%s",
        (unsigned long long)left, (unsigned long long)want, retention_note(allowed));
}

void case_enable_round_trip(void) {
  gc_heap *h = heap_open(false, 0, NULL);
  if (!h) return;
  if (CHECK(gc_isenabled(h), "gc_isenabled is false on a new heap")) {
    gc_enable(h, false);
    if (CHECK(!gc_isenabled(h), "gc_isenabled is true after gc_enable(false)")) {
      allocate_garbage(h, 1000);
      check_collect_while_disabled(h);
      gc_enable(h, true);
      CHECK(gc_isenabled(h), "gc_isenabled is false after gc_enable(true)");
    }
  }
  gc_heap_destroy(h);
}
