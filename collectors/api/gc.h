/*
 * gc.h — the mutator API: the one contract between a workload and a collector.
 *
 * A workload is written once against this header and never knows which collector
 * runs it.  Each collector implements every function declared here; the collector
 * is chosen at build time (one benchmark binary per collector), so the fast paths
 * below — allocation, loads, stores, root updates — are direct, inlinable calls.
 *
 * THE RULES
 *
 * 1. Objects.  An object has `nptrs` pointer fields (all NULL when allocated) and
 *    `nbytes` raw bytes (zeroed) that are never scanned.  Raw bytes are reached with
 *    gc_data(); pointer fields only with gc_get()/gc_set(), because a store may need
 *    a write barrier or count updates.
 *
 * 2. Raw pointers are short-lived.  A `gc_obj *` held in a C variable is valid only
 *    until the next call that may collect: gc_alloc(), gc_alloc_finalizable() and
 *    gc_collect().  Whatever must survive such a call lives in a root slot or in a
 *    field of an object reachable from one.  This rule is what lets a moving
 *    collector run the same workload; zeal mode (gc_options.zeal) makes every such
 *    call collect, and a moving collector move everything it can, so a workload that
 *    breaks the rule crashes in the tests rather than silently in a benchmark.
 *
 * 3. Roots are a shadow stack of slots.  gc_root_push() adds a slot holding a value
 *    and returns its handle; gc_root_get()/gc_root_set() read and write it; a frame
 *    (gc_frame_open()/gc_frame_close()) pops every slot pushed since it opened.
 *    Pure reference counting counts root stores (as CPython counts local variables);
 *    deferred reference counting does not; tracing collectors scan the slots and, if
 *    they move objects, update them.  The cost differences the research is about fall
 *    out of the same calls.
 *
 * 4. The heap limit (gc_options.heap_limit) has one meaning for every collector: the
 *    most bytes the collector may hold for objects by its own accounting,
 *    fragmentation and copy reserves included.  Over it, a collector collects; still
 *    over it, it calls gc_options.on_oom, which does not return (the run ends with
 *    status `oom`).  0 means no limit.
 *
 * 5. Leaks are a result.  At the end of a run all roots are dropped and gc_collect()
 *    runs until a collection runs no finalizer and frees nothing (at most 4 times:
 *    a tracing collector frees a finalized object, and what only it reached, at the
 *    collection after the one that found it); what the collector still holds then
 *    is reported as leaked (pure reference counting leaks every cycle).
 *
 * 6. Finalizers.  gc_alloc_finalizable() attaches a finalizer that runs at most once,
 *    when the collector finds the object unreachable: at once for counting
 *    collectors, after the collection that finds it for tracing ones.  The finalizer
 *    may read the object's fields and bytes and may store it into a root or a live
 *    object (resurrection); what happens next is the collector's documented policy.
 *    It must not allocate.  A collector that defers finalization runs the queued
 *    finalizers and collects again before it declares out of memory (rule 4).
 */
/* GCLAB_: Boehm's <gc/gc.h> (collectors/bdw) guards itself with GC_H. */
#ifndef GCLAB_GC_H
#define GCLAB_GC_H

#include "collectors/api/gc_types.h"

/* The fast paths: static inline, defined by the collector's header below. */

/* allocation: may collect (rule 2) */
static inline gc_obj *gc_alloc(gc_heap *h, uint32_t nptrs, uint32_t nbytes);

/* fields: never collect */
static inline uint32_t gc_nptrs(const gc_obj *o);
static inline uint32_t gc_nbytes(const gc_obj *o);
static inline gc_obj *gc_get(const gc_obj *o, uint32_t i);
static inline void gc_set(gc_heap *h, gc_obj *o, uint32_t i, gc_obj *v);
static inline void *gc_data(gc_obj *o);

/* roots (rule 3): never collect.  Finalizers may gc_root_set an existing slot but
 * must not push or pop. */
static inline uint32_t gc_frame_open(gc_heap *h);
static inline void gc_frame_close(gc_heap *h, uint32_t mark);
static inline gc_root gc_root_push(gc_heap *h, gc_obj *v);
static inline gc_obj *gc_root_get(gc_heap *h, gc_root r);
static inline void gc_root_set(gc_heap *h, gc_root r, gc_obj *v);

/* The collector's inline fast paths: a header chosen by the build. */
#ifndef GC_IMPL_HEADER
#error "GC_IMPL_HEADER is set by the build: link against one collector (collectors/defs.bzl)"
#endif
#include GC_IMPL_HEADER

/* Trace recording (//harness:bench_record only): wraps the calls above. */
#ifdef GC_RECORD
#include "collectors/api/gc_record.h"
#endif

#endif /* GCLAB_GC_H */
