/*
 * gc_common.h — the state and helpers every collector shares.
 *
 * A collector's `struct gc_heap` starts with a gc_common, so the root operations
 * that are the same everywhere (gc_root_get, gc_frame_open) and the statistics
 * every record carries are written once, here.
 */
#ifndef GC_COMMON_H
#define GC_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include "collectors/api/gc_embed.h"
#include "collectors/common/gc_pauselog.h"
#include "collectors/common/gc_roots.h"

typedef struct gc_common {
  gc_roots roots;
  gc_pauselog pauses;
  size_t heap_limit;
  /* GC_HEAP_FIXED only when there is a limit to fix (gc_common_init) */
  gc_heap_policy heap_policy;
  bool zeal;
  bool enabled;
  void (*on_oom)(void *arg, size_t requested);
  void *on_oom_arg;
  /* NULL for most collectors; one that must tell a collector library it embeds
   * (bdw: GC_enable/GC_disable) sets it, and gc_enable calls it on every change */
  void (*on_enable)(gc_heap *h, bool on);
  /* counters of gc_stats; object bytes = 8 x pointer fields + raw bytes rounded to 8,
   * the same for every collector whatever its header costs */
  uint64_t allocs, alloc_bytes, frees, free_bytes;
  uint64_t rc_incs, rc_decs;
  uint64_t collections, finalizers_run, immortal_objects, immortal_bytes;
} gc_common;

#define GC_COMMON(h) ((gc_common *)(h))

void gc_common_init(gc_common *c, const gc_options *o);
void gc_common_destroy(gc_common *c);
/* The heap limit cannot be met: hand over to the embedder; never returns. */
_Noreturn void gc_common_oom(gc_common *c, size_t requested);
/* Fills the fields of gc_stats that gc_common keeps; the collector adds the rest. */
void gc_common_stats(const gc_common *c, gc_stats *out);
void gc_stats_add_extra(gc_stats *s, const char *name, uint64_t value);

/* Object bytes of an object (see above). */
static inline uint64_t gc_object_bytes(const gc_obj *o) {
  return (uint64_t)gc_nptrs(o) * sizeof(gc_obj *) + gc_round8(gc_nbytes(o));
}

static inline void gc_count_alloc(gc_common *c, const gc_obj *o) {
  c->allocs++;
  c->alloc_bytes += gc_object_bytes(o);
}

static inline void gc_count_free(gc_common *c, const gc_obj *o) {
  c->frees++;
  c->free_bytes += gc_object_bytes(o);
}

/* Marks o immortal (the shape flag and the counters); false if it already was. */
bool gc_common_make_immortal(gc_common *c, gc_obj *o);

/* Runs o's finalizer if it has one that has not run; true if it ran. */
bool gc_run_finalizer(gc_heap *h, gc_common *c, gc_obj *o);

/* ---- root operations every collector shares (declared in gc.h) ---- */
static inline uint32_t gc_frame_open(gc_heap *h) { return GC_COMMON(h)->roots.top; }
static inline gc_obj *gc_root_get(gc_heap *h, gc_root r) { return GC_COMMON(h)->roots.slots[r]; }

#endif
