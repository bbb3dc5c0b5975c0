/*
 * cpython_gcstate.h — what the cpython collector reads of CPython's own collector
 * state (Modules/gcmodule.c's GCState), without calling into Python.
 *
 * Why not gc.get_count() and gc.get_stats(): they build tuples, lists and dicts,
 * which are themselves tracked allocations (or come from free lists that full
 * collections empty), so reading the statistics would move generation 0's count
 * and with it the schedule of the collections being measured.  The state is read
 * where CPython keeps it (Include/internal/pycore_gc.h, 3.11's layout) and never
 * written: every change still goes through the gc module.
 */
#ifndef CPYTHON_GCSTATE_H
#define CPYTHON_GCSTATE_H

#include <stdint.h>

#define CPY_NGENERATIONS 3
/* sizeof(PyGC_Head), internal since 3.11: the two links before every container */
#define CPY_GC_HEAD_BYTES (2 * sizeof(uintptr_t))

/* Pointers into the running interpreter's state, for the allocation fast path. */
typedef struct cpy_gcstate_view {
  const int *count0, *threshold0, *enabled, *collecting;
} cpy_gcstate_view;

/* A copy of everything else (gc.get_count, get_threshold, get_stats, ...). */
typedef struct cpy_gcstate_stats {
  int64_t count[CPY_NGENERATIONS], threshold[CPY_NGENERATIONS];
  uint64_t collections[CPY_NGENERATIONS], collected[CPY_NGENERATIONS], uncollectable[CPY_NGENERATIONS];
  int64_t long_lived_total, long_lived_pending;
  uint64_t garbage; /* len(gc.garbage) */
} cpy_gcstate_stats;

/* The interpreter must be running; the view is valid until it is finalized. */
void cpy_gcstate_bind(cpy_gcstate_view *v);
void cpy_gcstate_read(cpy_gcstate_stats *out);
/* Calls fn for every object in generations 0 to 2 (not the permanent one); outside
 * a collection only, when the lists are plain lists. */
void cpy_gcstate_each_tracked(void (*fn)(void *op, void *arg), void *arg);

#endif
