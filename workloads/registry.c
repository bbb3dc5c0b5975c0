/* registry.c — every workload, by name.  Adding one: its file + one line here. */
#include <string.h>

#include "workloads/workload.h"

extern const workload wl_seed_refcount, wl_seed_cycle, wl_seed_gc, wl_seed_finalizer;
extern const workload wl_gcbench;
extern const workload wl_binarytrees, wl_gcold, wl_quads;

const workload *const wl_registry[] = {
    &wl_seed_refcount,
    &wl_seed_cycle,
    &wl_seed_gc,
    &wl_seed_finalizer,
    &wl_gcbench,
    &wl_binarytrees,
    &wl_gcold,
    &wl_quads,
    NULL,
};

const workload *wl_find(const char *name) {
  for (const workload *const *w = wl_registry; *w; w++)
    if (!strcmp((*w)->name, name)) return *w;
  return NULL;
}
