#include "tests/conformance_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every failure names the seed and step, so a failure can be replayed. */
#define MCHECK(m, cond, fmt, ...) \
  CHECK(cond, "seed %llu step %u: " fmt, (unsigned long long)(m)->cfg.seed, (m)->step, __VA_ARGS__)

/* The finalizer's only way back to the model: finalizers get no context argument. */
static model *finalizing_model;

/* ==================================================================
 * Bookkeeping
 * ================================================================== */

/* realloc that leaves `array` alone on failure (and then clears ok).  A macro so
 * that every array keeps its own pointer type: no writes through a void **. */
#define GROW_ARRAY(array, count, ok)                                     \
  do {                                                                   \
    void *grown_ = (ok) ? realloc((array), (count) * sizeof *(array)) : NULL; \
    if (grown_) (array) = grown_;                                        \
    else (ok) = false;                                                   \
  } while (0)

/* Grows every per-object array together; new scratch entries start cleared. */
static bool grow_objects(model *m) {
  uint32_t cap = m->cap ? m->cap * 2 : 1024;
  bool ok = true;
  GROW_ARRAY(m->objs, cap, ok);
  GROW_ARRAY(m->seen, cap, ok);
  GROW_ARRAY(m->addr, cap, ok);
  GROW_ARRAY(m->stack, cap, ok);
  GROW_ARRAY(m->keep, cap, ok);
  GROW_ARRAY(m->incoming, cap, ok);
  GROW_ARRAY(m->work, cap, ok);
  GROW_ARRAY(m->reach_seen, cap, ok);
  GROW_ARRAY(m->reach_stack, cap, ok);
  if (!CHECK(ok, "out of memory for the model (%u objects)", cap)) return false;
  memset(m->seen + m->cap, 0, (cap - m->cap) * sizeof *m->seen);
  memset(m->reach_seen + m->cap, 0, (cap - m->cap) * sizeof *m->reach_seen);
  m->cap = cap;
  return true;
}

/* A new model object with no references yet; its id, or MODEL_NULL. */
static int32_t add_object(model *m, uint32_t nptrs, uint32_t nbytes, bool finalizable) {
  if (m->nobjs == m->cap && !grow_objects(m)) return MODEL_NULL;
  model_obj *o = &m->objs[m->nobjs];
  memset(o, 0, sizeof *o);
  o->nptrs = nptrs;
  o->nbytes = nbytes;
  o->finalizable = finalizable;
  for (uint32_t i = 0; i < MODEL_MAX_PTRS; i++) o->field[i] = MODEL_NULL;
  return (int32_t)m->nobjs++;
}

/* ==================================================================
 * What the collector should hold
 * ================================================================== */

uint32_t model_mark_reachable(model *m) {
  memset(m->keep, 0, m->nobjs);
  uint32_t sp = 0, count = 0;
  for (uint32_t s = 0; s < m->nroots; s++) {
    int32_t v = m->root_val[s];
    if (v != MODEL_NULL && !m->keep[v]) { m->keep[v] = 1; m->work[sp++] = v; count++; }
  }
  while (sp > 0) {
    const model_obj *o = &m->objs[m->work[--sp]];
    for (uint32_t i = 0; i < o->nptrs; i++) {
      int32_t t = o->field[i];
      if (t != MODEL_NULL && !m->keep[t]) { m->keep[t] = 1; m->work[sp++] = t; count++; }
    }
  }
  return count;
}

/* Why this is what counting keeps: it frees an object when its last referrer goes,
 * so it keeps exactly the greatest set in which every object has a referrer (a root
 * or a field of a kept object).  Computed like counting itself: count every object's
 * referrers, then remove objects with none, uncounting their fields, until none is
 * left to remove.  For pure counting every object ever allocated takes part: those
 * it freed long ago are removed again, harmlessly, since nothing the mutator could
 * still reach pointed to them.  A cycle collector's freed cycles did, so for it the
 * caller names the objects still alive. */
uint32_t model_mark_counting_survivors(model *m, const uint8_t *among) {
  memset(m->incoming, 0, m->nobjs * sizeof *m->incoming);
  for (uint32_t x = 0; x < m->nobjs; x++)
    if (!among || among[x])
      for (uint32_t i = 0; i < m->objs[x].nptrs; i++)
        if (m->objs[x].field[i] != MODEL_NULL) m->incoming[m->objs[x].field[i]]++;
  for (uint32_t s = 0; s < m->nroots; s++)
    if (m->root_val[s] != MODEL_NULL) m->incoming[m->root_val[s]]++;
  uint32_t sp = 0, kept = m->nobjs;
  memset(m->keep, 1, m->nobjs);
  for (uint32_t x = 0; x < m->nobjs; x++) {
    if (among && !among[x]) {
      m->keep[x] = 0;
      kept--;
    } else if (m->incoming[x] == 0) {
      m->work[sp++] = (int32_t)x;
    }
  }
  while (sp > 0) {
    int32_t x = m->work[--sp];
    m->keep[x] = 0;
    kept--;
    for (uint32_t i = 0; i < m->objs[x].nptrs; i++) {
      int32_t t = m->objs[x].field[i];
      if (t != MODEL_NULL && --m->incoming[t] == 0 && (!among || among[t])) m->work[sp++] = t;
    }
  }
  return kept;
}

uint32_t model_mark_held(model *m) {
  if (!has_cap(GC_CAP_RECLAIMS)) {
    memset(m->keep, 1, m->nobjs);
    return m->nobjs;
  }
  if (has_cap(GC_CAP_COLLECTS_CYCLES)) return model_mark_reachable(m);
  return model_mark_counting_survivors(m, NULL);
}

/* What a conservative collector may hold beyond keep[]: the objects outside it,
 * as a graph of their fields (retention_in_graph, conformance_support.h). */
uint64_t model_retention(model *m) {
  if (!has_cap(GC_CAP_CONSERVATIVE)) return 0;
  uint32_t n = 0, nedges = 0;
  int32_t *index = malloc(m->nobjs * sizeof *index);
  uint32_t *first = malloc((m->nobjs + 1) * sizeof *first);
  int32_t *succ = malloc((size_t)m->nobjs * MODEL_MAX_PTRS * sizeof *succ);
  uint64_t allowed = m->nobjs; /* out of memory: anything */
  if (index && first && succ) {
    for (uint32_t x = 0; x < m->nobjs; x++) index[x] = m->keep[x] ? MODEL_NULL : (int32_t)n++;
    n = 0;
    for (uint32_t x = 0; x < m->nobjs; x++) {
      if (m->keep[x]) continue;
      first[n++] = nedges;
      for (uint32_t i = 0; i < m->objs[x].nptrs; i++)
        if (m->objs[x].field[i] != MODEL_NULL) succ[nedges++] = index[m->objs[x].field[i]];
    }
    first[n] = nedges;
    allowed = retention_in_graph(n, first, succ);
  }
  free(index);
  free(first);
  free(succ);
  return allowed;
}

/* Whether id is reachable from the model's roots.  Its own scratch arrays: it runs
 * from a finalizer, in the middle of whatever the mutator was doing. */
static bool model_reaches(model *m, int32_t id) {
  uint32_t epoch = ++m->reach_epoch, sp = 0;
  for (uint32_t s = 0; s < m->nroots; s++) {
    int32_t v = m->root_val[s];
    if (v != MODEL_NULL && m->reach_seen[v] != epoch) { m->reach_seen[v] = epoch; m->reach_stack[sp++] = v; }
  }
  while (sp > 0) {
    int32_t x = m->reach_stack[--sp];
    if (x == id) return true;
    for (uint32_t i = 0; i < m->objs[x].nptrs; i++) {
      int32_t t = m->objs[x].field[i];
      if (t != MODEL_NULL && m->reach_seen[t] != epoch) { m->reach_seen[t] = epoch; m->reach_stack[sp++] = t; }
    }
  }
  return false;
}

/* ==================================================================
 * Verification
 * ================================================================== */

/* The raw bytes of an object that should be `id`: a clear message for a wrong
 * object (an id we can read) and for corrupted bytes. */
static bool check_identity(model *m, int32_t id, gc_obj *o) {
  if (m->objs[id].nbytes >= 8 && identity_read(o) != (uint64_t)id)
    return MCHECK(m, false, "where the model has object %d the heap has object %llu", id,
                  (unsigned long long)identity_read(o));
  return MCHECK(m, identity_intact(o, (uint64_t)id), "object %d: raw bytes corrupted", id);
}

static bool check_object(model *m, int32_t id, gc_obj *o) {
  const model_obj *mo = &m->objs[id];
  if (!MCHECK(m, gc_nptrs(o) == mo->nptrs && gc_nbytes(o) == mo->nbytes,
              "object %d has shape %u ptrs/%u bytes, allocated as %u/%u", id, gc_nptrs(o), gc_nbytes(o), mo->nptrs,
              mo->nbytes))
    return false;
  return check_identity(m, id, o);
}

/* "root slot 3" or "field 2 of object 17", for messages. */
static const char *describe_place(char *buf, size_t len, int32_t from, uint32_t index) {
  if (from == MODEL_NULL) snprintf(buf, len, "root slot %u", index);
  else snprintf(buf, len, "field %u of object %d", index, from);
  return buf;
}

/* One reference, from root slot `index` (from == MODEL_NULL) or field `index` of
 * object `from`: it must match the model, and an object reached twice must be at
 * one address.  A newly reached object is queued for checking. */
static bool visit(model *m, gc_obj *real, int32_t want, int32_t from, uint32_t index, uint32_t *sp) {
  char place[64];
  if (want == MODEL_NULL)
    return MCHECK(m, real == NULL, "%s should be NULL, holds %p", describe_place(place, sizeof place, from, index),
                  (void *)real);
  if (!MCHECK(m, real != NULL, "%s should hold object %d, is NULL", describe_place(place, sizeof place, from, index),
              want))
    return false;
  if (m->seen[want] == m->epoch)
    return MCHECK(m, m->addr[want] == real, "object %d reached at %p and, through %s, at %p", want,
                  (void *)m->addr[want], describe_place(place, sizeof place, from, index), (void *)real);
  m->seen[want] = m->epoch;
  m->addr[want] = real;
  m->stack[(*sp)++] = want;
  m->nreachable++;
  return true;
}

bool model_verify(model *m) {
  m->epoch++;
  m->nreachable = 0;
  uint32_t sp = 0;
  for (uint32_t s = 0; s < m->nroots; s++)
    if (!visit(m, gc_root_get(m->h, m->root_handle[s]), m->root_val[s], MODEL_NULL, s, &sp)) return false;
  while (sp > 0) {
    int32_t id = m->stack[--sp];
    gc_obj *o = m->addr[id];
    if (!check_object(m, id, o)) return false;
    for (uint32_t i = 0; i < m->objs[id].nptrs; i++)
      if (!visit(m, gc_get(o, i), m->objs[id].field[i], id, i, &sp)) return false;
  }
  return true;
}

/* ==================================================================
 * The finalizer of the model's finalizable objects
 * ================================================================== */

/* It checks rule 6 from the inside: it runs once, only for an object the mutator
 * can no longer reach, and the object with everything it refers to is intact. */
static void model_finalizer(gc_heap *h, gc_obj *o) {
  (void)h;
  model *m = finalizing_model;
  if (!m || conf_failed()) return; /* heap teardown, or already failing */
  uint64_t id = gc_nbytes(o) >= 8 ? identity_read(o) : UINT64_MAX;
  if (!MCHECK(m, id < m->nobjs && m->objs[id].finalizable, "a finalizer ran on an object reading as id %llu",
              (unsigned long long)id))
    return;
  model_obj *mo = &m->objs[id];
  if (!MCHECK(m, !mo->finalized, "object %llu finalized twice", (unsigned long long)id)) return;
  mo->finalized = true;
  if (!MCHECK(m, !model_reaches(m, (int32_t)id), "object %llu finalized while reachable", (unsigned long long)id))
    return;
  if (!check_object(m, (int32_t)id, o)) return;
  for (uint32_t i = 0; i < mo->nptrs; i++) {
    gc_obj *child = gc_get(o, i);
    int32_t want = mo->field[i];
    if (!MCHECK(m, (want == MODEL_NULL) == (child == NULL), "finalizing object %llu: field %u is %p, model %d",
                (unsigned long long)id, i, (void *)child, want))
      return;
    if (child && !check_object(m, want, child)) return;
  }
}

/* ==================================================================
 * The mutator's operations: the model is updated first, then the heap, so that a
 * finalizer the heap operation triggers already sees the new state.
 * ================================================================== */

static void set_field(model *m, int32_t holder, gc_obj *holder_obj, uint32_t i, int32_t value, gc_obj *value_obj) {
  m->objs[holder].field[i] = value;
  gc_set(m->h, holder_obj, i, value_obj);
}

static void set_root(model *m, uint32_t slot, int32_t value, gc_obj *value_obj) {
  m->root_val[slot] = value;
  gc_root_set(m->h, m->root_handle[slot], value_obj);
}

static void push_root(model *m, int32_t value, gc_obj *value_obj) {
  uint32_t slot = m->nroots++;
  m->root_val[slot] = value;
  m->root_handle[slot] = gc_root_push(m->h, value_obj);
}

/* A reachable object chosen at random: a non-NULL root slot, then up to four random
 * fields.  False when every root slot is NULL. */
static bool pick_reachable(model *m, int32_t *id, gc_obj **obj) {
  if (m->nroots == 0) return false;
  uint32_t start = rng_below(&m->rng, m->nroots), s = start;
  while (m->root_val[s] == MODEL_NULL) {
    s = (s + 1) % m->nroots;
    if (s == start) return false;
  }
  int32_t cur = m->root_val[s];
  gc_obj *o = gc_root_get(m->h, m->root_handle[s]);
  for (uint32_t hops = rng_below(&m->rng, 5); hops > 0; hops--) {
    const model_obj *mo = &m->objs[cur];
    if (mo->nptrs == 0) break;
    uint32_t i = rng_below(&m->rng, mo->nptrs);
    if (mo->field[i] == MODEL_NULL) break;
    cur = mo->field[i];
    o = gc_get(o, i);
  }
  *id = cur;
  *obj = o;
  return true;
}

/* A reachable object that has fields, or false after a few tries. */
static bool pick_holder(model *m, int32_t *id, gc_obj **obj) {
  for (int tries = 0; tries < 4; tries++)
    if (pick_reachable(m, id, obj) && m->objs[*id].nptrs > 0) return true;
  return false;
}

/* A value to store: NULL now and then, else a reachable object. */
static void pick_value(model *m, int32_t *id, gc_obj **obj) {
  if (rng_below(&m->rng, 6) == 0 || !pick_reachable(m, id, obj)) {
    *id = MODEL_NULL;
    *obj = NULL;
  }
}

/* Most objects get at least 8 raw bytes, to carry their id. */
static void random_shape(model *m, uint32_t *nptrs, uint32_t *nbytes) {
  *nptrs = rng_below(&m->rng, MODEL_MAX_PTRS + 1);
  if (rng_below(&m->rng, 8) == 0) *nbytes = rng_below(&m->rng, 8);
  else *nbytes = 8 + rng_below(&m->rng, MODEL_MAX_BYTES - 8 + 1);
}

/* The new object is stored before the next allocation (gc.h rule 2; pure counting
 * frees a newborn nobody stored): in a field, a new root slot or an existing one. */
static void store_new_object(model *m, int32_t id, gc_obj *o) {
  uint32_t r = rng_below(&m->rng, 100);
  int32_t holder;
  gc_obj *holder_obj;
  if (r < 45 && pick_holder(m, &holder, &holder_obj)) {
    set_field(m, holder, holder_obj, rng_below(&m->rng, m->objs[holder].nptrs), id, o);
  } else if ((r < 65 || m->nroots == 0) && m->nroots < MODEL_MAX_ROOTS) {
    push_root(m, id, o);
  } else {
    set_root(m, rng_below(&m->rng, m->nroots), id, o);
  }
}

/* Some fields of the new object point back into the graph, or at itself. */
static void link_new_object(model *m, int32_t id, gc_obj *o) {
  for (uint32_t i = 0; i < m->objs[id].nptrs; i++) {
    if (rng_below(&m->rng, 3) != 0) continue;
    int32_t target = id;
    gc_obj *target_obj = o;
    if (rng_below(&m->rng, 10) != 0) pick_value(m, &target, &target_obj);
    set_field(m, id, o, i, target, target_obj);
  }
}

static void op_allocate(model *m) {
  uint32_t nptrs, nbytes;
  random_shape(m, &nptrs, &nbytes);
  bool finalizable = m->cfg.finalizers && nbytes >= 8 && rng_below(&m->rng, 6) == 0;
  int32_t id = add_object(m, nptrs, nbytes, finalizable);
  if (id == MODEL_NULL) return;
  gc_obj *o = finalizable ? gc_alloc_finalizable(m->h, nptrs, nbytes, model_finalizer) : gc_alloc(m->h, nptrs, nbytes);
  if (!MCHECK(m, gc_nptrs(o) == nptrs && gc_nbytes(o) == nbytes && object_is_blank(o),
              "a new %u/%u object is not blank or has the wrong shape", nptrs, nbytes))
    return;
  identity_write(o, (uint64_t)id);
  store_new_object(m, id, o);
  link_new_object(m, id, o);
}

static void op_store_field(model *m) {
  int32_t holder, value;
  gc_obj *holder_obj, *value_obj;
  if (!pick_holder(m, &holder, &holder_obj)) return;
  uint32_t i = rng_below(&m->rng, m->objs[holder].nptrs);
  if (rng_below(&m->rng, 20) == 0) {
    value = holder;
    value_obj = holder_obj;
  } else {
    pick_value(m, &value, &value_obj);
  }
  set_field(m, holder, holder_obj, i, value, value_obj);
}

static void op_set_root(model *m) {
  if (m->nroots == 0) return;
  int32_t value;
  gc_obj *value_obj;
  pick_value(m, &value, &value_obj);
  set_root(m, rng_below(&m->rng, m->nroots), value, value_obj);
}

static void op_push_root(model *m) {
  if (m->nroots == MODEL_MAX_ROOTS) return;
  int32_t value;
  gc_obj *value_obj;
  pick_value(m, &value, &value_obj);
  push_root(m, value, value_obj);
}

static void op_open_frame(model *m) {
  if (m->nframes == MODEL_MAX_FRAMES) return;
  m->frames[m->nframes++] = (model_frame){gc_frame_open(m->h), m->nroots};
}

/* The outermost frame stays open until model_drop_all_roots. */
static void op_close_frame(model *m) {
  if (m->nframes <= 1) return;
  model_frame f = m->frames[--m->nframes];
  m->nroots = f.nroots;
  gc_frame_close(m->h, f.heap_mark);
}

/* gc_refcount of every reachable object against the model: the fields pointing to
 * it from every object the collector holds (keep[], from model_mark_held), plus the
 * root slots holding it if roots count.  Uses the addresses of the last verify. */
static void check_counts(model *m) {
  memset(m->incoming, 0, m->nobjs * sizeof *m->incoming);
  for (uint32_t x = 0; x < m->nobjs; x++)
    if (m->keep[x])
      for (uint32_t i = 0; i < m->objs[x].nptrs; i++)
        if (m->objs[x].field[i] != MODEL_NULL) m->incoming[m->objs[x].field[i]]++;
  if (has_cap(GC_CAP_COUNTS_ROOTS))
    for (uint32_t s = 0; s < m->nroots; s++)
      if (m->root_val[s] != MODEL_NULL) m->incoming[m->root_val[s]]++;
  bool counts = has_cap(GC_CAP_COUNTS_REFS);
  for (uint32_t x = 0; x < m->nobjs; x++) {
    if (m->seen[x] != m->epoch) continue;
    long want = counts ? (long)m->incoming[x] : -1;
    long got = gc_refcount(m->h, m->addr[x]);
    if (!MCHECK(m, got == want, "gc_refcount(object %u) is %ld, the model says %ld", x, got, want)) return;
  }
}

/* After a full collection the collector holds exactly what the model predicts —
 * unless finalizers are involved: a tracing collector may keep a finalized object
 * until the next collection, so then only the lower bound (everything reachable)
 * is checked. */
static void op_collect(model *m) {
  gc_collect(m->h);
  if (conf_failed() || !model_verify(m)) return;
  uint64_t live = live_objects(m->h) - m->baseline_live;
  if (m->cfg.finalizers) {
    MCHECK(m, live >= m->nreachable, "after gc_collect %llu objects are live, %u are reachable",
           (unsigned long long)live, m->nreachable);
    return;
  }
  uint32_t held = model_mark_held(m);
  uint64_t allowed = live > held ? model_retention(m) : 0;
  if (!MCHECK(m, live_as_predicted(live, held, allowed),
              "after gc_collect %llu objects are live, the model predicts %u (%u reachable)%s",
              (unsigned long long)live, held, m->nreachable, retention_note(allowed)))
    return;
  if (m->cfg.check_counts) check_counts(m);
}

static void run_random_operation(model *m) {
  uint32_t r = rng_below(&m->rng, 100);
  if (r < 50) op_allocate(m);
  else if (r < 72) op_store_field(m);
  else if (r < 82) op_set_root(m);
  else if (r < 87) op_push_root(m);
  else if (r < 90) op_open_frame(m);
  else if (r < 94) op_close_frame(m);
  else op_collect(m);
}

/* With prompt finalization, an object counting alone frees (no root and no cycle
 * holds it) must already have been finalized.  All objects take part, so a cycle a
 * cycle collector already freed still counts as holding what it pointed to: weaker
 * than exact for such collectors, but never wrong (which cycles are gone is theirs
 * to decide, within the collections rule 6 allows). */
static bool check_prompt_finalization(model *m) {
  model_mark_counting_survivors(m, NULL);
  for (uint32_t x = 0; x < m->nobjs; x++)
    if (m->objs[x].finalizable && !m->keep[x] && !m->objs[x].finalized)
      return MCHECK(m, false, "object %u lost its last reference but is not finalized (prompt finalization)", x);
  return true;
}

/* ==================================================================
 * The model's life
 * ================================================================== */

bool model_open(model *m, const model_config *cfg) {
  memset(m, 0, sizeof *m);
  m->cfg = *cfg;
  rng_seed(&m->rng, cfg->seed);
  m->h = heap_open(cfg->zeal, 0, NULL);
  if (!m->h) return false;
  gc_collect(m->h);
  m->baseline_live = live_objects(m->h);
  m->frames[m->nframes++] = (model_frame){gc_frame_open(m->h), 0};
  finalizing_model = m;
  return grow_objects(m);
}

void model_close(model *m) {
  finalizing_model = NULL;
  if (m->h) gc_heap_destroy(m->h);
  free(m->objs);
  free(m->seen);
  free(m->addr);
  free(m->stack);
  free(m->keep);
  free(m->incoming);
  free(m->work);
  free(m->reach_seen);
  free(m->reach_stack);
  memset(m, 0, sizeof *m);
}

bool model_run(model *m, uint32_t steps) {
  bool prompt = m->cfg.finalizers && has_cap(GC_CAP_PROMPT_FINALIZATION) && has_cap(GC_CAP_RECLAIMS);
  for (uint32_t end = m->step + steps; m->step < end; m->step++) {
    run_random_operation(m);
    if (conf_failed() || !model_verify(m)) return false;
    if (prompt && !check_prompt_finalization(m)) return false;
  }
  return true;
}

void model_drop_all_roots(model *m) {
  if (m->nframes == 0) return;
  uint32_t mark = m->frames[0].heap_mark;
  m->nroots = 0;
  m->nframes = 0;
  gc_frame_close(m->h, mark);
}

/* Whether every finalizable object has been finalized iff keep[] says it is gone
 * and the collector reclaims — except that a conservative collector may still
 * hold, unfinalized, as many of the gone ones as model_retention allows.  The
 * first mismatch in *bad (for a conservative collector, the first object
 * finalized that should not have been, if any). */
static bool finalizations_as_predicted(model *m, uint32_t *bad) {
  bool reclaims = has_cap(GC_CAP_RECLAIMS);
  uint32_t first = UINT32_MAX, first_wrong = UINT32_MAX;
  uint64_t unfinalized = 0;
  for (uint32_t x = 0; x < m->nobjs; x++) {
    const model_obj *o = &m->objs[x];
    if (!o->finalizable) continue;
    bool due = reclaims && !m->keep[x];
    if (o->finalized == due) continue;
    if (first == UINT32_MAX) first = x;
    if (due) unfinalized++;
    else if (first_wrong == UINT32_MAX) first_wrong = x;
  }
  if (first_wrong != UINT32_MAX) {
    *bad = has_cap(GC_CAP_CONSERVATIVE) ? first_wrong : first;
    return false;
  }
  if (unfinalized > 0 && unfinalized > model_retention(m)) {
    *bad = first;
    return false;
  }
  return true;
}

/* Finalizers get two collections (rule 6: a tracing collector runs them after the
 * collection that finds the object), the memory two more (a finalized object may
 * be freed only by the next collection). */
bool model_check_final_state(model *m) {
  uint32_t held = model_mark_held(m), bad = 0;
  for (int i = 0; i < 2 && !finalizations_as_predicted(m, &bad); i++) gc_collect(m->h);
  if (conf_failed()) return false;
  if (!finalizations_as_predicted(m, &bad))
    return MCHECK(m, false, "after dropping all roots and 2 gc_collect calls, object %u is %sfinalized", bad,
                  m->objs[bad].finalized ? "" : "not ");
  collect_until_live(m->h, m->baseline_live + held, 2);
  uint64_t live = live_objects(m->h) - m->baseline_live;
  uint64_t allowed = live > held ? model_retention(m) : 0;
  return MCHECK(m, live_as_predicted(live, held, allowed),
                "after dropping all roots %llu objects are live, the model predicts %u%s", (unsigned long long)live,
                held, retention_note(allowed));
}
