#include "collectors/common/gc_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gc_common_init(gc_common *c, const gc_options *o) {
  memset(c, 0, sizeof *c);
  gc_roots_init(&c->roots);
  gc_pauselog_init(&c->pauses);
  c->heap_limit = o->heap_limit;
  c->heap_policy = o->heap_limit ? o->heap_policy : GC_HEAP_GROWABLE;
  c->zeal = o->zeal;
  c->enabled = true;
  c->on_oom = o->on_oom;
  c->on_oom_arg = o->on_oom_arg;
}

void gc_common_destroy(gc_common *c) {
  gc_roots_free(&c->roots);
  gc_pauselog_free(&c->pauses);
}

_Noreturn void gc_common_oom(gc_common *c, size_t requested) {
  if (c->on_oom) c->on_oom(c->on_oom_arg, requested);
  fprintf(stderr, "gclab: out of memory: %zu more bytes do not fit the heap limit of %zu bytes\n",
          requested, c->heap_limit);
  exit(3);
}

void gc_common_stats(const gc_common *c, gc_stats *out) {
  memset(out, 0, sizeof *out);
  out->allocs = c->allocs;
  out->alloc_bytes = c->alloc_bytes;
  out->frees = c->frees;
  out->free_bytes = c->free_bytes;
  out->rc_incs = c->rc_incs;
  out->rc_decs = c->rc_decs;
  out->collections = c->collections;
  out->finalizers_run = c->finalizers_run;
  out->live_objects = c->allocs - c->frees;
  out->live_bytes = c->alloc_bytes - c->free_bytes;
  out->immortal_objects = c->immortal_objects;
  out->immortal_bytes = c->immortal_bytes;
}

void gc_stats_add_extra(gc_stats *s, const char *name, uint64_t value) {
  if (s->n_extra < GC_STATS_EXTRA_MAX) s->extra[s->n_extra++] = (gc_named_stat){name, value};
}

bool gc_common_make_immortal(gc_common *c, gc_obj *o) {
  gc_shape *s = gc_shape_of(o);
  if (s->bytes_flags & GC_FLAG_IMMORTAL) return false;
  s->bytes_flags |= GC_FLAG_IMMORTAL;
  c->immortal_objects++;
  c->immortal_bytes += gc_object_bytes(o);
  return true;
}

bool gc_run_finalizer(gc_heap *h, gc_common *c, gc_obj *o) {
  gc_shape *s = gc_shape_of(o);
  if (!(s->bytes_flags & GC_FLAG_FINALIZABLE) || (s->bytes_flags & GC_FLAG_FINALIZED)) return false;
  s->bytes_flags |= GC_FLAG_FINALIZED; /* first: a finalizer that resurrects runs once */
  c->finalizers_run++;
  (*gc_finalizer_slot(o))(h, o);
  return true;
}

/* ---- API functions whose meaning is the same for every collector ---- */

void gc_enable(gc_heap *h, bool on) {
  gc_common *c = GC_COMMON(h);
  if (c->on_enable && c->enabled != on) c->on_enable(h, on);
  c->enabled = on;
}
bool gc_isenabled(gc_heap *h) { return GC_COMMON(h)->enabled; }

const gc_pause *gc_pause_log(gc_heap *h, size_t *count) {
  *count = GC_COMMON(h)->pauses.count;
  return GC_COMMON(h)->pauses.items;
}
