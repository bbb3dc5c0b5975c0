/*
 * cpython_gcstate.c — read-only access to CPython 3.11's GCState (see
 * cpython_gcstate.h).  The one file that sees the interpreter's internals: they
 * are behind Py_BUILD_CORE, which must be defined before Python.h.
 */
#define Py_BUILD_CORE 1
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "internal/pycore_interp.h"

#include "collectors/cpython/cpython_gcstate.h"

#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030C0000
#error "GCState's layout is CPython 3.11's"
#endif

_Static_assert(NUM_GENERATIONS == CPY_NGENERATIONS, "CPython 3.11 has three generations");
_Static_assert(sizeof(PyGC_Head) == CPY_GC_HEAD_BYTES, "PyGC_Head is two words");

static struct _gc_runtime_state *gcstate(void) { return &PyInterpreterState_Get()->gc; }

void cpy_gcstate_bind(cpy_gcstate_view *v) {
  struct _gc_runtime_state *g = gcstate();
  v->count0 = &g->generations[0].count;
  v->threshold0 = &g->generations[0].threshold;
  v->enabled = &g->enabled;
  v->collecting = &g->collecting;
}

void cpy_gcstate_read(cpy_gcstate_stats *out) {
  const struct _gc_runtime_state *g = gcstate();
  for (int i = 0; i < NUM_GENERATIONS; i++) {
    out->count[i] = g->generations[i].count;
    out->threshold[i] = g->generations[i].threshold;
    out->collections[i] = (uint64_t)g->generation_stats[i].collections;
    out->collected[i] = (uint64_t)g->generation_stats[i].collected;
    out->uncollectable[i] = (uint64_t)g->generation_stats[i].uncollectable;
  }
  out->long_lived_total = g->long_lived_total;
  out->long_lived_pending = g->long_lived_pending;
  out->garbage = g->garbage && PyList_Check(g->garbage) ? (uint64_t)PyList_GET_SIZE(g->garbage) : 0;
}

void cpy_gcstate_each_tracked(void (*fn)(void *op, void *arg), void *arg) {
  struct _gc_runtime_state *g = gcstate();
  for (int i = 0; i < NUM_GENERATIONS; i++) {
    PyGC_Head *list = &g->generations[i].head;
    for (PyGC_Head *gc = (PyGC_Head *)list->_gc_next; gc != list; gc = (PyGC_Head *)gc->_gc_next) fn(gc + 1, arg);
  }
}
