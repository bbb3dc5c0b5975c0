/*
 * gc_embed.h — the embedder-facing half of the API: what a collector needs to
 * implement gc.h.  Workloads never include this file.
 *
 * Every gclab object has the same tail of header just before its first pointer
 * field — the shape word — so that gc_get(), gc_data(), gc_nptrs() and gc_nbytes()
 * are the same inline code for every collector.  Whatever else a collector keeps per
 * object (a count, a forwarding pointer, mark bits) lives before the shape word:
 *
 *     [collector header][shape: nptrs | nbytes+flags][ptr 0 .. ptr n-1][raw bytes][finalizer?]
 *                                                    ^ gc_obj *
 *
 * A finalizable object carries its finalizer in one extra word after its raw bytes,
 * so objects without one pay nothing for the feature.
 */
#ifndef GC_EMBED_H
#define GC_EMBED_H

#include <stddef.h>
#include <stdint.h>
#include "collectors/api/gc_types.h"

typedef struct gc_shape {
  uint32_t nptrs;
  uint32_t bytes_flags; /* low 28 bits: raw byte count; high 4 bits: GC_FLAG_* */
} gc_shape;

#define GC_NBYTES_MAX ((1u << 28) - 1)
#define GC_FLAG_FINALIZABLE (1u << 31) /* a finalizer word follows the raw bytes */
#define GC_FLAG_FINALIZED (1u << 30)   /* its finalizer has run (it runs once, ever) */
#define GC_FLAG_IMMORTAL (1u << 29)    /* gc_make_immortal() */
#define GC_FLAG_COLLECTOR (1u << 28)   /* free for the collector's own use */
#define GC_FLAGS_MASK (~GC_NBYTES_MAX)

static inline gc_shape *gc_shape_of(const gc_obj *o) { return ((gc_shape *)(uintptr_t)o) - 1; }
static inline gc_obj **gc_fields(const gc_obj *o) { return (gc_obj **)(uintptr_t)o; }
static inline uint32_t gc_flags(const gc_obj *o) { return gc_shape_of(o)->bytes_flags & GC_FLAGS_MASK; }
static inline size_t gc_round8(size_t n) { return (n + 7) & ~(size_t)7; }

/* Bytes from the first field to the object's end (fields, raw bytes, finalizer word). */
static inline size_t gc_body_bytes(uint32_t nptrs, uint32_t nbytes, int finalizable) {
  return (size_t)nptrs * sizeof(gc_obj *) + gc_round8(nbytes) + (finalizable ? sizeof(gc_finalizer) : 0);
}

static inline gc_finalizer *gc_finalizer_slot(const gc_obj *o) {
  const gc_shape *s = gc_shape_of(o);
  return (gc_finalizer *)((char *)(uintptr_t)o + s->nptrs * sizeof(gc_obj *) +
                          gc_round8(s->bytes_flags & GC_NBYTES_MAX));
}

/* Writes the shape word and the finalizer; the body must already be zeroed. */
static inline void gc_shape_init(gc_obj *o, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  gc_shape *s = gc_shape_of(o);
  s->nptrs = nptrs;
  s->bytes_flags = nbytes | (f ? GC_FLAG_FINALIZABLE : 0);
  if (f) *gc_finalizer_slot(o) = f;
}

/* The heap verifier's one question to a collector (harness/heap_verify.c): is o
 * the start of a live object this heap owns?  Any pointer may be asked — freed,
 * interior, outside the heap — so the answer must not trust o's own header.
 * Slow is fine: it runs only under --verify and in tests. */
bool gc_debug_is_object(gc_heap *h, const gc_obj *o);

/* ---- the inline accessors every collector shares (declared in gc.h) ---- */
#ifndef NDEBUG
#include <assert.h>
#define GC_ASSERT(x) assert(x)
#else
#define GC_ASSERT(x) ((void)0)
#endif
static inline uint32_t gc_nptrs(const gc_obj *o) { return gc_shape_of(o)->nptrs; }
static inline uint32_t gc_nbytes(const gc_obj *o) { return gc_shape_of(o)->bytes_flags & GC_NBYTES_MAX; }
static inline gc_obj *gc_get(const gc_obj *o, uint32_t i) {
  GC_ASSERT(i < gc_nptrs(o));
  return gc_fields(o)[i];
}
static inline void *gc_data(gc_obj *o) { return (char *)o + gc_nptrs(o) * sizeof(gc_obj *); }

#endif /* GC_EMBED_H */
