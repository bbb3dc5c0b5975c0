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
 * The collector-bound functions are passed in (hv_target) rather than called, so
 * this library links into any binary without depending on one collector.
 */
#ifndef HEAP_VERIFY_H
#define HEAP_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "collectors/api/gc_types.h"

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
} hv_target;

/* Verifies the heap now; false (and the reason in msg) on the first failure. */
bool heap_verify_now(const hv_target *t, char *msg, size_t n);

/* Verifies after every collection of t->heap (the pause log's hook) until
 * uninstalled; t is copied. */
void heap_verify_install(const hv_target *t);
void heap_verify_uninstall(void);
/* Collections verified so far. */
unsigned long heap_verify_count(void);

#endif
