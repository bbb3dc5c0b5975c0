/* registry.c — every workload, by name.  Adding one: its file + one line here. */
#include <string.h>

#include "workloads/workload.h"

extern const workload wl_seed_refcount, wl_seed_cycle, wl_seed_gc, wl_seed_finalizer;
extern const workload wl_gcbench;
extern const workload wl_binarytrees, wl_gcold, wl_quads;
extern const workload wl_py_gc_collect, wl_py_gc_traversal, wl_cycle_frac, wl_finalize_delay;
extern const workload wl_mperm, wl_synth, wl_trace;

const workload *const wl_registry[] = {
    &wl_seed_refcount,
    &wl_seed_cycle,
    &wl_seed_gc,
    &wl_seed_finalizer,
    &wl_gcbench,
    &wl_binarytrees,
    &wl_gcold,
    &wl_quads,
    &wl_py_gc_collect,
    &wl_py_gc_traversal,
    &wl_cycle_frac,
    &wl_finalize_delay,
    &wl_mperm,
    &wl_synth,
    &wl_trace,
    NULL,
};

const workload *wl_find(const char *name) {
  for (const workload *const *w = wl_registry; *w; w++)
    if (!strcmp((*w)->name, name)) return *w;
  return NULL;
}
