#include "harness/sde_stats.h"

#include <sde_lib.h>
#include <stddef.h>
#include <string.h>

/* ==================================================================
 * The statistics every collector has
 * ================================================================== */

static const struct {
  const char *name;
  size_t offset;
} common_stats[] = {
    {"allocs", offsetof(gc_stats, allocs)},
    {"alloc_bytes", offsetof(gc_stats, alloc_bytes)},
    {"frees", offsetof(gc_stats, frees)},
    {"free_bytes", offsetof(gc_stats, free_bytes)},
    {"rc_incs", offsetof(gc_stats, rc_incs)},
    {"rc_decs", offsetof(gc_stats, rc_decs)},
    {"collections", offsetof(gc_stats, collections)},
    {"finalizers_run", offsetof(gc_stats, finalizers_run)},
    {"live_objects", offsetof(gc_stats, live_objects)},
    {"live_bytes", offsetof(gc_stats, live_bytes)},
    {"immortal_objects", offsetof(gc_stats, immortal_objects)},
    {"immortal_bytes", offsetof(gc_stats, immortal_bytes)},
    {"heap_bytes", offsetof(gc_stats, heap_bytes)},
    {"peak_heap_bytes", offsetof(gc_stats, peak_heap_bytes)},
};
#define NCOMMON (sizeof common_stats / sizeof common_stats[0])

/* ==================================================================
 * The registered counters
 * ================================================================== */

typedef struct sde_slot {
  size_t index;     /* into common_stats, or NCOMMON + i for the i-th extra */
  char name[64];
} sde_slot;

static struct {
  gc_heap *heap;
  sde_stats_reader read;
  size_t n;
  sde_slot slots[SDE_STATS_MAX];
} reg;

/* libsde's callback for one counter.  Why read all the statistics per counter: a
 * collector computes some of them on demand (live counts, Boehm's heap size), and
 * a cached snapshot would hand PAPI tools stale values. */
static long long read_slot(void *param) {
  const sde_slot *s = param;
  gc_stats st;
  reg.read(reg.heap, &st);
  if (s->index < NCOMMON) {
    uint64_t v;
    memcpy(&v, (const char *)&st + common_stats[s->index].offset, sizeof v);
    return (long long)v;
  }
  for (uint32_t i = 0; i < st.n_extra; i++)
    if (!strcmp(st.extra[i].name, s->name)) return (long long)st.extra[i].value;
  return 0; /* a statistic the collector stopped listing */
}

static bool add_slot(papi_handle_t handle, size_t index, const char *name, const char **error) {
  if (reg.n == SDE_STATS_MAX) { *error = "more statistics than SDE_STATS_MAX"; return false; }
  sde_slot *s = &reg.slots[reg.n];
  s->index = index;
  strncpy(s->name, name, sizeof s->name - 1);
  s->name[sizeof s->name - 1] = '\0';
  if (papi_sde_register_counter_cb(handle, s->name, PAPI_SDE_RO | PAPI_SDE_INSTANT, PAPI_SDE_long_long, read_slot, s) !=
      SDE_OK) {
    *error = "papi_sde_register_counter_cb failed";
    return false;
  }
  reg.n++;
  return true;
}

size_t sde_stats_register(gc_heap *h, sde_stats_reader read, const char **error) {
  reg.heap = h;
  reg.read = read;
  reg.n = 0;
  papi_handle_t handle = papi_sde_init(SDE_STATS_LIBRARY);
  if (!handle) { *error = "papi_sde_init failed"; return 0; }
  for (size_t i = 0; i < NCOMMON; i++)
    if (!add_slot(handle, i, common_stats[i].name, error)) return 0;
  gc_stats st;
  read(h, &st);
  for (uint32_t i = 0; i < st.n_extra; i++)
    if (!add_slot(handle, NCOMMON + i, st.extra[i].name, error)) return 0;
  return reg.n;
}

size_t sde_stats_count(void) { return reg.n; }
const char *sde_stats_name(size_t i) { return i < reg.n ? reg.slots[i].name : NULL; }
