/*
 * cpython_impl.h — CPython 3.11 itself as a gclab collector: the inline fast paths.
 *
 * The interpreter is embedded (libpython3.11): gc_heap_create starts it,
 * gc_heap_destroy finalizes it.  Every gclab object is a CPython object whose
 * memory holds the gclab layout; counting is CPython's own Py_INCREF/Py_DECREF,
 * freeing is its tp_dealloc, and cycles are found by its Modules/gcmodule.c.
 *
 * OBJECTS
 *
 * Two heap types of one layout, defined in cpython.c:
 *
 *     [PyGC_Head]  [ob_refcnt][ob_type][ob_size][shape][fields ...][raw bytes][finalizer?]
 *      containers                                       ^ gc_obj *
 *     ^ CPython's, only for gclab.Object            ^ PyObject *, sizeof(cpy_object) before
 *
 * - gclab.Object (Py_TPFLAGS_HAVE_GC) holds objects with pointer fields: CPython's
 *   containers, tracked by its collector from allocation to death.
 * - gclab.Leaf, not a GC type, holds objects with no pointer fields: as in CPython,
 *   what cannot be part of a cycle is neither tracked nor counted towards
 *   generation 0's threshold.
 * Both are var-sized: ob_size is the number of 8-byte items after the shape word
 * (fields, raw bytes rounded up, the finalizer word), so gc_obj * and PyObject *
 * are a fixed sizeof(cpy_object) apart and gc.h's accessors work unchanged.
 *
 * COUNTING
 *
 * A field store is Py_XINCREF(new) then Py_XDECREF(old); a root slot holds a
 * strong reference (CPython counts its local variables), so gc_root_push,
 * gc_root_set and gc_frame_close count too.  A new object is owned by its creator
 * (count 1): the collector keeps that reference as the "newborn" until the
 * object's first store, which takes it over (as CPython's reference-stealing
 * calls do: PyList_SET_ITEM), or until the next allocation or collection, which
 * drops it.  That is gclab's rule that a new object may be dropped without being
 * stored, with rc's counts (collectors/rc/rc_counting.h): a stored newborn dies as
 * soon as that store goes.  gc_refcount does not count a reference still held as
 * the newborn: it is the collector's, not the mutator's.
 *
 * Py_DECREF reaching zero runs tp_dealloc at once, recursively, with CPython's
 * trashcan (Py_TRASHCAN_BEGIN) bounding the depth: this is the order in which
 * counting frees, and finalizes, in CPython.
 *
 * Python.h is not included here: this header reaches every workload, and Python.h
 * declares half of POSIX.  What the fast paths need of CPython — the object header
 * and Py_INCREF/Py_DECREF as 3.11's release build defines them — is restated
 * below, and cpython.c checks the restatement against the real thing.
 *
 * THE HEAP LIMIT
 *
 * CPython has none.  gclab's meaning is kept by accounting: each object costs its
 * CPython size (PyGC_Head for containers, the var-object header, the shape word,
 * its items) rounded up to pymalloc's 16-byte alignment.  An allocation that would
 * go over the limit first runs one full collection, then gives up (gc_options.on_oom).
 */
#ifndef CPYTHON_IMPL_H
#define CPYTHON_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/common/gc_common.h"
#include "collectors/cpython/cpython_gcstate.h"

/* CPython's own tags for PyObject and PyTypeObject: compatible with Python.h. */
struct _object;
struct _typeobject;

/* What precedes a gclab object's first field: PyObject_VAR_HEAD (ob_refcnt,
 * ob_type, ob_size), then the shape word. */
typedef struct cpy_object {
  intptr_t ob_refcnt;
  struct _typeobject *ob_type;
  intptr_t ob_size;
  gc_shape shape;
} cpy_object;

static inline cpy_object *cpy_py_of(const gc_obj *o) { return (cpy_object *)((char *)(uintptr_t)o - sizeof(cpy_object)); }
static inline gc_obj *cpy_gc_of(void *op) { return (gc_obj *)((char *)op + sizeof(cpy_object)); }

struct gc_heap {
  gc_common c; /* first: see gc_common.h */
  struct _typeobject *object_type, *leaf_type;
  cpy_object *newborn;     /* the last object allocated, if not stored yet: its creator's reference */
  struct _object *gc_module, *gc_collect; /* gc, gc.collect */
  struct _object *generation[CPY_NGENERATIONS]; /* the ints 0, 1, 2: gc.collect's argument */
  cpy_gcstate_view gcs;    /* CPython's generation 0 count, threshold, enabled, collecting */
  uint64_t heap_bytes, peak_heap_bytes; /* the heap limit's accounting (see above) */
  uint64_t tracked;        /* gclab containers tracked now */
  cpy_gcstate_stats base;  /* CPython's statistics when the heap was created */
  /* gc_debug_is_object's answers: the addresses of live leaves, always, and of live
   * containers once it has been asked (CPython's lists hold those till then) */
  uintptr_t *known;
  size_t known_cap, known_count;
  bool known_containers;
  unsigned dealloc_depth;  /* tp_dealloc calls in progress */
  int cascade_pause;       /* the "cascade" pause those calls opened, if any */
  bool destroying;         /* gc_heap_destroy: finalizers no longer run */
};

/* Out of line (cpython.c): the object, allocated by CPython (which may collect
 * inside: rule 2). */
gc_obj *cpy_alloc(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f);
/* CPython's own slow half of Py_DECREF (Include/object.h), called directly as
 * Py_DECREF calls it; cpython.c sees Python.h's declaration beside this one, so the
 * compiler checks that they agree. */
void _Py_Dealloc(struct _object *op);
static inline void cpy_dealloc(cpy_object *op) { _Py_Dealloc((struct _object *)op); }

/* ==================================================================
 * Counting: Py_INCREF and Py_DECREF
 * ================================================================== */

/* A new reference to o, from a store: its count goes up, unless o is the newborn,
 * whose creator's reference the store takes over. */
static inline void cpy_inc(gc_heap *h, gc_obj *o) {
  if (!o) return;
  h->c.rc_incs++;
  cpy_object *op = cpy_py_of(o);
  if (op == h->newborn) h->newborn = NULL;
  else op->ob_refcnt++;
}

static inline void cpy_dec(gc_heap *h, gc_obj *o) {
  if (!o) return;
  h->c.rc_decs++;
  cpy_object *op = cpy_py_of(o);
  if (--op->ob_refcnt == 0) cpy_dealloc(op);
}

/* The creator's reference to the previous new object goes: if nothing stored it,
 * it dies here (as a temporary does in CPython when its expression ends). */
static inline void cpy_settle_newborn(gc_heap *h) {
  cpy_object *n = h->newborn;
  if (n) {
    h->newborn = NULL;
    if (--n->ob_refcnt == 0) cpy_dealloc(n);
  }
}

/* ==================================================================
 * Allocation
 * ================================================================== */

static inline gc_obj *gc_alloc(gc_heap *h, uint32_t nptrs, uint32_t nbytes) {
  cpy_settle_newborn(h);
  return cpy_alloc(h, nptrs, nbytes, NULL);
}

/* ==================================================================
 * Stores: fields and root slots
 * ================================================================== */

static inline void gc_set(gc_heap *h, gc_obj *o, uint32_t i, gc_obj *v) {
  gc_obj **slot = &gc_fields(o)[i];
  cpy_inc(h, v); /* first: storing a field's own value must not free it */
  gc_obj *old = *slot;
  *slot = v;
  cpy_dec(h, old);
}

static inline gc_root gc_root_push(gc_heap *h, gc_obj *v) {
  cpy_inc(h, v);
  return gc_roots_push(&h->c.roots, v);
}

static inline void gc_root_set(gc_heap *h, gc_root r, gc_obj *v) {
  gc_roots *roots = &h->c.roots;
  cpy_inc(h, v);
  gc_obj *old = roots->slots[r];
  roots->slots[r] = v;
  cpy_dec(h, old);
}

static inline void gc_frame_close(gc_heap *h, uint32_t mark) {
  gc_roots *roots = &h->c.roots;
  while (roots->top > mark) cpy_dec(h, roots->slots[--roots->top]);
}

#endif
