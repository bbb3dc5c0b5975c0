#include "tests/fuzz/fuzz_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/api/gc.h"
#include "tests/conformance_support.h"

_Noreturn void fz_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "fuzz_mutator (%s): ", gc_collector()->name);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  abort();
}

void fz_model_reset(fz_model *m) {
  m->nobjs = m->nroots = m->nframes = 0;
}

bool fz_can_push(const fz_model *m) { return m->nroots < FZ_MAX_ROOTS; }
bool fz_can_alloc(const fz_model *m) { return m->nobjs < FZ_MAX_OBJS; }

uint32_t fz_new_object(fz_model *m, uint32_t nptrs, bool finalizable) {
  fz_obj *o = &m->objs[m->nobjs];
  *o = (fz_obj){.nptrs = nptrs, .finalizable = finalizable};
  for (int i = 0; i < FZ_MAX_FIELDS; i++) o->fields[i] = -1;
  return m->nobjs++;
}

void fz_push_root(fz_model *m, uint32_t id) { m->roots[m->nroots++] = (int32_t)id; }
void fz_set_root(fz_model *m, uint32_t slot, int32_t id) { m->roots[slot] = id; }
void fz_set_field(fz_model *m, uint32_t id, uint32_t field, int32_t v) { m->objs[id].fields[field] = v; }
void fz_pop_roots(fz_model *m, uint32_t mark) { m->nroots = mark; }

/* The model ids reachable from the roots, as flags in `seen` (FZ_MAX_OBJS). */
static void model_reachable(const fz_model *m, bool *seen) {
  static uint32_t stack[FZ_MAX_OBJS];
  size_t n = 0;
  memset(seen, 0, FZ_MAX_OBJS * sizeof *seen);
  for (uint32_t s = 0; s < m->nroots; s++) {
    int32_t id = m->roots[s];
    if (id >= 0 && !seen[id]) { seen[id] = true; stack[n++] = (uint32_t)id; }
  }
  while (n) {
    const fz_obj *o = &m->objs[stack[--n]];
    for (uint32_t k = 0; k < o->nptrs; k++) {
      int32_t f = o->fields[k];
      if (f >= 0 && !seen[f]) { seen[f] = true; stack[n++] = (uint32_t)f; }
    }
  }
}

void fz_note_finalized(fz_model *m, uint32_t id) {
  static bool seen[FZ_MAX_OBJS];
  if (!m->objs[id].finalizable) fz_fail("a finalizer ran on object %u, which has none", id);
  if (m->objs[id].finalized++) fz_fail("the finalizer of object %u ran twice", id);
  model_reachable(m, seen);
  if (seen[id]) fz_fail("the finalizer of object %u ran while it is reachable", id);
}

/* The real object o is model object id: its stamp, shape and finalization. */
static void check_object(const fz_model *m, gc_obj *o, uint32_t id, const char *how) {
  if (!o) fz_fail("object %u (%s) is NULL in the heap", id, how);
  const fz_obj *mo = &m->objs[id];
  const uint64_t *b = gc_data(o);
  if (gc_nptrs(o) != mo->nptrs || gc_nbytes(o) < 16 || b[0] != id)
    fz_fail("object %u (%s) is corrupt: nptrs %u (want %u), id %llu", id, how, gc_nptrs(o), mo->nptrs,
            (unsigned long long)b[0]);
  if (mo->finalized) fz_fail("object %u (%s) is reachable but was finalized", id, how);
}

void fz_check_reachable(const fz_model *m, gc_heap *h) {
  static bool seen[FZ_MAX_OBJS];
  static struct { gc_obj *o; uint32_t id; } stack[FZ_MAX_OBJS];
  size_t n = 0;
  memset(seen, 0, sizeof seen);
  for (uint32_t s = 0; s < m->nroots; s++) {
    int32_t id = m->roots[s];
    gc_obj *o = gc_root_get(h, s);
    if (id < 0) {
      if (o) fz_fail("root slot %u should be NULL", s);
      continue;
    }
    check_object(m, o, (uint32_t)id, "a root");
    if (!seen[id]) { seen[id] = true; stack[n].o = o; stack[n++].id = (uint32_t)id; }
  }
  while (n) {
    n--;
    gc_obj *o = stack[n].o;
    const fz_obj *mo = &m->objs[stack[n].id];
    for (uint32_t k = 0; k < mo->nptrs; k++) {
      int32_t f = mo->fields[k];
      gc_obj *x = gc_get(o, k);
      if (f < 0) {
        if (x) fz_fail("object %u field %u should be NULL", stack[n].id, k);
        continue;
      }
      check_object(m, x, (uint32_t)f, "a field");
      if (!seen[f]) { seen[f] = true; stack[n].o = x; stack[n++].id = (uint32_t)f; }
    }
  }
  /* no stale pointers left in static memory, which a conservative collector scans */
  memset(stack, 0, sizeof stack);
}

/* What one stale reference can hold, at most, for a conservative collector:
 * conformance_support.c's measure over the model's graph. */
static uint64_t conservative_allowance(const fz_model *m) {
  static uint32_t first[FZ_MAX_OBJS + 1];
  static int32_t succ[FZ_MAX_OBJS * FZ_MAX_FIELDS];
  uint32_t e = 0;
  for (uint32_t i = 0; i < m->nobjs; i++) {
    first[i] = e;
    for (uint32_t k = 0; k < m->objs[i].nptrs; k++) succ[e++] = m->objs[i].fields[k];
  }
  first[m->nobjs] = e;
  return retention_in_graph(m->nobjs, first, succ) + retention_allowed(m->nobjs);
}

void fz_check_final(const fz_model *m, gc_heap *h, uint64_t baseline) {
  unsigned caps = gc_collector()->caps;
  if (!(caps & GC_CAP_COLLECTS_CYCLES) || !(caps & GC_CAP_RECLAIMS)) return;
  gc_stats st;
  gc_stats_read(h, &st);
  uint64_t now = st.live_objects - st.immortal_objects, held = now > baseline ? now - baseline : 0;
  if (caps & GC_CAP_CONSERVATIVE) {
    uint64_t allowed = conservative_allowance(m);
    if (held > allowed)
      fz_fail("%llu objects held after the final collection; a conservative collector may hold %llu",
              (unsigned long long)held, (unsigned long long)allowed);
    return;
  }
  if (held) fz_fail("%llu objects held after the final collection of a heap with no roots", (unsigned long long)held);
  for (uint32_t i = 0; i < m->nobjs; i++)
    if (m->objs[i].finalizable && m->objs[i].finalized != 1)
      fz_fail("object %u is garbage but its finalizer ran %u times", i, m->objs[i].finalized);
}
