/*
 * heap_verify.h — the heap verifier (--verify, and always on in the conformance
 * suite): after every collection, everything reachable from the roots is walked
 * and checked, generically for every collector.
 *
 *   - every reference (root slot or field) is NULL or the start of a live object
 *     of this heap (gc_debug_is_object, the one per-collector piece);
 *   - every reached object's shape is plausible: a sane field count, no flag bits
 *     that contradict each other;
 *   - for counting collectors (GC_CAP_COUNTS_REFS), each reached object's count is
 *     at least the references to it from reached objects, plus its root slots
 *     where GC_CAP_COUNTS_ROOTS; exactly that when every live object was reached
 *     (garbage not yet found, such as rc's leaked cycles, may add references).
 *
 * The walk also counts what it reached (hv_census): the bench's --census takes
 * the live size from it, after every pause, rather than walking a second time.
 *
 * The collector-bound functions are passed in (hv_target) rather than called, so
 * this library links into any binary without depending on one collector.
 */
#ifndef HEAP_VERIFY_H
#define HEAP_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/api/gc_types.h"

/* What one walk reached (--census): the objects reachable from the root slots and
 * their object bytes (gc_object_bytes, gc_common.h), the unit of stats.alloc_bytes,
 * so that a run that frees nothing ends with bytes == alloc_bytes. */
typedef struct hv_census {
  size_t objects;
  uint64_t bytes;
} hv_census;

typedef struct hv_target {
  gc_heap *heap;
  unsigned caps; /* gc_collector()->caps */
  bool (*is_object)(gc_heap *h, const gc_obj *o); /* gc_debug_is_object */
  long (*refcount)(gc_heap *h, gc_obj *o);         /* gc_refcount */
  void (*stats)(gc_heap *h, gc_stats *out);        /* gc_stats_read; NULL: counts only as a lower bound */
  /* Called with the reason when a check fails; may not return (the bench escapes). */
  void (*on_failure)(const char *message);
  /* Pacing (0: verify every collection).  Otherwise a heap that reached more than
   * `pace` objects last time is verified only every (reached / pace)-th
   * collection, so the verifier's work per collection stays about `pace`. */
  size_t pace;
  /* Called after each installed verification that passed, with what it reached
   * (the bench's --census); NULL: not wanted. Must not touch the heap. */
  void (*on_census)(const hv_census *reached);
} hv_target;

/* Verifies the heap now; false (and the reason in msg) on the first failure.
 * reached (may be NULL) gets what the walk reached: the census when it passed,
 * a partial count when it failed. */
bool heap_verify_now(const hv_target *t, hv_census *reached, char *msg, size_t n);

/* Verifies after every collection of t->heap (the pause log's hook) until
 * uninstalled; t is copied. */
void heap_verify_install(const hv_target *t);
void heap_verify_uninstall(void);
/* Collections verified so far. */
unsigned long heap_verify_count(void);

#endif
