/*
 * gc_roots_traced.h — the root operations of a collector that scans the shadow
 * stack at every collection (nogc, gen, bdw): a root store is a plain store, with
 * no count and no barrier, since the collector reads every slot when it runs.
 *
 * A header-only policy: include it after the collector's struct gc_heap, which
 * must hold the shared state (gc_common, collectors/common/gc_common.h) as `c`.
 * Counting collectors (rc, rc_cycle, drc, cpython) write their own.
 */
#ifndef GC_ROOTS_TRACED_H
#define GC_ROOTS_TRACED_H

static inline gc_root gc_root_push(gc_heap *h, gc_obj *v) { return gc_roots_push(&h->c.roots, v); }
static inline void gc_root_set(gc_heap *h, gc_root r, gc_obj *v) { h->c.roots.slots[r] = v; }
static inline void gc_frame_close(gc_heap *h, uint32_t mark) { h->c.roots.top = mark; }
#endif
