/*
 * gc_objmap.h — an object-start bitmap over one reserved address range: one bit
 * per 8-byte granule, set where an object starts.
 *
 * Bump-allocated and copied spaces (a nursery, semispaces, mark-compact and Immix
 * blocks) have no per-object table to ask "does an object start here?": the only
 * other answer is a walk from the start of the space, linear in what it holds.
 * The bitmap answers in constant time.  The space sets a bit where it places an
 * object (allocation, a copy) and clears the bits of a region it empties (a
 * nursery after a minor collection, a semispace after a flip), so the map holds
 * exactly the objects the space holds.
 *
 * Cost: range / 64 bytes of address space, reserved without backing (MAP_NORESERVE)
 * and touched only where objects are; one store per object placed; a clear of
 * region / 64 bytes per region emptied.  A collector that needs the map only for
 * checking (gc_debug_is_object) may build it on first use from a walk of its
 * spaces, and keep it up to date from then on.
 *
 * Addresses are those the collector hands out (gc_obj *, 8-byte aligned); an
 * address outside the range, or not aligned, is never an object start.
 */
#ifndef GC_OBJMAP_H
#define GC_OBJMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GC_OBJMAP_GRANULE 8

typedef struct gc_objmap {
  uintptr_t base;   /* the first address covered */
  size_t granules;  /* addresses covered: granules x GC_OBJMAP_GRANULE */
  uint64_t *words;  /* the bits; NULL before gc_objmap_init */
  size_t map_bytes; /* the reservation behind words */
} gc_objmap;

/* Covers [base, base + bytes); false if the bitmap cannot be reserved. */
bool gc_objmap_init(gc_objmap *m, const void *base, size_t bytes);
void gc_objmap_destroy(gc_objmap *m);
static inline bool gc_objmap_ready(const gc_objmap *m) { return m->words != NULL; }

/* Clears the bits of [lo, hi): the region was emptied. */
void gc_objmap_clear(gc_objmap *m, const void *lo, const void *hi);

static inline size_t gc_objmap_granule(const gc_objmap *m, const void *p) {
  return ((uintptr_t)p - m->base) / GC_OBJMAP_GRANULE;
}

/* An object starts at p (p inside the range, aligned). */
static inline void gc_objmap_set(gc_objmap *m, const void *p) {
  size_t g = gc_objmap_granule(m, p);
  m->words[g / 64] |= 1ull << (g % 64);
}

/* Whether an object starts at p. */
static inline bool gc_objmap_test(const gc_objmap *m, const void *p) {
  uintptr_t a = (uintptr_t)p;
  if (a % GC_OBJMAP_GRANULE || a - m->base >= (uintptr_t)m->granules * GC_OBJMAP_GRANULE) return false;
  size_t g = gc_objmap_granule(m, p);
  return (m->words[g / 64] >> (g % 64)) & 1;
}

#endif
