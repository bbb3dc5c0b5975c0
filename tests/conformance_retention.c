/*
 * conformance_retention.c — garbage that was never rooted is reclaimed, counted
 * exactly, whatever the interior-pointer setting.
 *
 *   unrooted_garbage_reclaimed           rounds of 2000 objects, finalizable or
 *                                        plain, of raw sizes around Boehm's size-
 *                                        class edges (16, 24, 100, 1000, 4000
 *                                        bytes), allocated and dropped at once
 *                                        (never stored anywhere); after each
 *                                        round's collections the heap holds what
 *                                        it held before, give or take what a
 *                                        conservative collector's few stale
 *                                        references can hold
 *   unrooted_garbage_reclaimed_interior  the same with all_interior_pointers=1,
 *                                        where the collector takes that key (a
 *                                        refused key passes: nothing to test): one
 *                                        that recognises interior pointers still
 *                                        counts only objects (a marked free cell
 *                                        is not one) and still frees finalized
 *                                        garbage
 * Two cases, so each runs in a process of its own: bdw's interior-pointer mode is
 * fixed by a process's first heap.
 */
#include <string.h>

#include <stdio.h>

#include "tests/conformance_cases.h"
#include "tests/conformance_support.h"

#define ROUND_OBJECTS 2000u
#define ROUND_COLLECTIONS 4 /* a finalized object goes at the collection after */

static void ignore_finalized(gc_heap *h, gc_obj *o) {
  (void)h;
  (void)o;
}

/* One round: n objects of `nbytes` dropped at once, then the collections; false
 * (with the failure recorded) if the heap then holds more than allowed. */
static bool round_reclaimed(gc_heap *h, const char *tuning, uint32_t nbytes, bool finalizable) {
  gc_collect(h);
  uint64_t before = live_objects(h);
  for (uint32_t i = 0; i < ROUND_OBJECTS; i++) {
    if (finalizable) gc_alloc_finalizable(h, 0, nbytes, ignore_finalized);
    else gc_alloc(h, 0, nbytes);
  }
  if (!has_cap(GC_CAP_RECLAIMS)) return true;
  for (int k = 0; k < ROUND_COLLECTIONS; k++) gc_collect(h);
  uint64_t left = live_since(h, before), allowed = retention_allowed(ROUND_OBJECTS);
  return CHECK(live_as_predicted(left, 0, allowed),
               "tuning '%s': %llu of %u dropped %s objects of %u bytes held after %d collections%s", tuning,
               (unsigned long long)left, ROUND_OBJECTS, finalizable ? "finalizable" : "plain", nbytes,
               ROUND_COLLECTIONS, retention_note(allowed));
}

static void run_with_tuning(const char *tuning) {
  gc_options o = {.tuning = tuning};
  const char *error = NULL;
  gc_heap *h = gc_heap_create(&o, &error);
  if (!h) {
    /* the default must open; another setting only where the collector has the key */
    bool no_such_key = *tuning && error && strstr(error, "unknown tuning key");
    CHECK(no_such_key, "gc_heap_create with tuning '%s': %s", tuning, error ? error : "(no message)");
    return;
  }
  verify_after_collections(h);
  static const uint32_t sizes[] = {24, 32, 40, 56, 16, 100, 1000, 4000};
  for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
    for (int f = 1; f >= 0; f--)
      if (!round_reclaimed(h, tuning, sizes[s], f)) goto done;
done:
  gc_heap_destroy(h);
}

void case_unrooted_garbage_reclaimed(void) { run_with_tuning(""); }
void case_unrooted_garbage_reclaimed_interior(void) { run_with_tuning("all_interior_pointers=1"); }
