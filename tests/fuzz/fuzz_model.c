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

/* ==================================================================
 * Building the model
 * ================================================================== */

void fz_model_reset(fz_model *m) {
  m->nobjs = m->nroots = m->nframes = m->op = 0;
  m->untracked = 0;
  m->snapshot_valid = false;
  fz_busy(m, -1, -1, 0);
}

bool fz_can_push(const fz_model *m) { return m->nroots < FZ_MAX_ROOTS; }
bool fz_can_alloc(const fz_model *m, uint32_t n) { return m->nobjs + n <= FZ_MAX_OBJS; }

/* Every change the mutator makes invalidates the snapshot; resurrections (made by
 * finalizers, in the middle of a collection) do not. */
static void changed(fz_model *m) { m->snapshot_valid = false; }

uint32_t fz_new_object(fz_model *m, uint32_t nptrs, uint32_t nbytes, bool finalizable) {
  fz_obj *o = &m->objs[m->nobjs];
  *o = (fz_obj){.nptrs = nptrs, .bytes = nptrs * 8 + (nbytes + 7) / 8 * 8, .finalizable = finalizable};
  for (int i = 0; i < FZ_MAX_FIELDS; i++) o->fields[i] = -1;
  changed(m);
  return m->nobjs++;
}

void fz_push_root(fz_model *m, uint32_t id) { m->roots[m->nroots++] = (int32_t)id; changed(m); }
void fz_set_root(fz_model *m, uint32_t slot, int32_t id) { m->roots[slot] = id; changed(m); }
void fz_set_field(fz_model *m, uint32_t id, uint32_t field, int32_t v) { m->objs[id].fields[field] = v; changed(m); }
void fz_pop_roots(fz_model *m, uint32_t mark) { m->nroots = mark; changed(m); }
void fz_begin_op(fz_model *m) { m->op++; changed(m); }
void fz_note_untracked(fz_model *m) { m->untracked++; }
void fz_before_heap_call(fz_model *m) { changed(m); }
void fz_busy(fz_model *m, int32_t root, int32_t obj, uint32_t field) {
  m->busy_root = root;
  m->busy_obj = obj;
  m->busy_field = field;
}

/* ==================================================================
 * Reachability
 * ================================================================== */

/* The objects reached from `seed` and not yet in `seen`, added to it; their count
 * and object bytes added to *count and *bytes (either may be NULL). */
static void mark_from(const fz_model *m, int32_t seed, bool *seen, uint64_t *count, uint64_t *bytes) {
  static uint32_t stack[FZ_MAX_OBJS];
  size_t n = 0;
  if (seed < 0 || seen[seed]) return;
  seen[seed] = true;
  stack[n++] = (uint32_t)seed;
  while (n) {
    const fz_obj *o = &m->objs[stack[--n]];
    if (count) (*count)++;
    if (bytes) *bytes += o->bytes;
    for (uint32_t k = 0; k < o->nptrs; k++) {
      int32_t f = o->fields[k];
      if (f >= 0 && !seen[f]) { seen[f] = true; stack[n++] = (uint32_t)f; }
    }
  }
}

static void mark_roots(const fz_model *m, bool *seen, uint64_t *count, uint64_t *bytes) {
  memset(seen, 0, FZ_MAX_OBJS * sizeof *seen);
  for (uint32_t s = 0; s < m->nroots; s++) mark_from(m, m->roots[s], seen, count, bytes);
}

/* ==================================================================
 * Finalization and resurrection
 * ================================================================== */

/* The check is against the graph the collector saw when it found the garbage:
 * the first finalizer since the mutator last changed the model (or made a call
 * that may collect) takes a snapshot, and the finalizers after it in the same
 * batch are judged by it too, whatever
 * the earlier ones resurrected (an object found unreachable together with one
 * that resurrects and refers to it is rightly finalized). */
void fz_note_finalized(fz_model *m, uint32_t id) {
  if (!m->objs[id].finalizable) fz_fail("a finalizer ran on object %u, which has none", id);
  if (m->objs[id].finalized++) fz_fail("the finalizer of object %u ran twice", id);
  m->objs[id].finalized_op = m->op;
  if (!m->snapshot_valid) {
    mark_roots(m, m->snapshot, NULL, NULL);
    m->snapshot_valid = true;
  }
  if (m->snapshot[id]) fz_fail("the finalizer of object %u ran while it is reachable", id);
}

bool fz_find_empty_root(const fz_model *m, uint32_t start, uint32_t *slot) {
  for (uint32_t i = 0; i < m->nroots; i++) {
    uint32_t s = (start + i) % m->nroots;
    if (m->roots[s] < 0 && (int32_t)s != m->busy_root) { *slot = s; return true; }
  }
  return false;
}

bool fz_find_empty_field(const fz_model *m, uint32_t start, uint32_t *slot, uint32_t *field) {
  for (uint32_t i = 0; i < m->nroots; i++) {
    uint32_t s = (start + i) % m->nroots;
    int32_t id = m->roots[s];
    if (id < 0) continue;
    for (uint32_t k = 0; k < m->objs[id].nptrs; k++)
      if (m->objs[id].fields[k] < 0 && !(id == m->busy_obj && k == m->busy_field)) {
        *slot = s;
        *field = k;
        return true;
      }
  }
  return false;
}

/* A resurrected object and everything it reaches may have been finalized in the
 * batch that found them, and are reachable again: no error from now on. */
static void revive(fz_model *m, uint32_t id) {
  static bool seen[FZ_MAX_OBJS];
  memset(seen, 0, sizeof seen);
  mark_from(m, (int32_t)id, seen, NULL, NULL);
  for (uint32_t i = 0; i < m->nobjs; i++)
    if (seen[i]) m->objs[i].revived = true;
}

void fz_resurrect_to_root(fz_model *m, uint32_t id, uint32_t slot) {
  m->roots[slot] = (int32_t)id;
  revive(m, id);
}

void fz_resurrect_to_field(fz_model *m, uint32_t id, uint32_t slot, uint32_t field) {
  m->objs[m->roots[slot]].fields[field] = (int32_t)id;
  revive(m, id);
}

/* ==================================================================
 * The heap against the model
 * ================================================================== */

/* The real object o is model object id: its stamp, shape and finalization. */
static void check_object(const fz_model *m, gc_obj *o, uint32_t id, const char *how) {
  if (!o) fz_fail("object %u (%s) is NULL in the heap", id, how);
  const fz_obj *mo = &m->objs[id];
  const uint64_t *b = gc_data(o);
  if (gc_nptrs(o) != mo->nptrs || gc_nbytes(o) < 16 || b[0] != id)
    fz_fail("object %u (%s) is corrupt: nptrs %u (want %u), id %llu", id, how, gc_nptrs(o), mo->nptrs,
            (unsigned long long)b[0]);
  if (mo->finalized && !mo->revived) fz_fail("object %u (%s) is reachable but was finalized", id, how);
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

/* What stale references can hold, at most, for a conservative collector:
 * conformance_support.c's measure over the model's graph, and a few of the
 * untracked garbage objects (each holds only itself). */
static uint64_t conservative_allowance(const fz_model *m) {
  static uint32_t first[FZ_MAX_OBJS + 1];
  static int32_t succ[FZ_MAX_OBJS * FZ_MAX_FIELDS];
  uint32_t e = 0;
  for (uint32_t i = 0; i < m->nobjs; i++) {
    first[i] = e;
    for (uint32_t k = 0; k < m->objs[i].nptrs; k++) succ[e++] = m->objs[i].fields[k];
  }
  first[m->nobjs] = e;
  return retention_in_graph(m->nobjs, first, succ) + retention_allowed(m->nobjs) + retention_allowed(m->untracked);
}

static bool exact_reclaimer(unsigned caps) {
  return (caps & GC_CAP_COLLECTS_CYCLES) && (caps & GC_CAP_RECLAIMS);
}

/* ==================================================================
 * Live counts after gc_collect
 * ================================================================== */

/* Right after a full collection the collector holds
 *   at least  the objects reachable from the roots (never fewer, for any
 *             collector: live_objects counts what it still has);
 *   at most   those, plus what finalization may keep through this collection:
 *             the objects whose finalizers ran during it (a tracing collector
 *             frees them at the next one) and the finalizable objects not yet
 *             finalized (a collector that finalizes in order keeps the inner ones
 *             of a chain for a later collection), with all they reach; resurrected
 *             objects are reachable from the roots again.
 * The upper bound applies to collectors that reclaim cycles; a conservative one
 * may hold a few stale references' worth more.  Churn garbage (never in the
 * model) must be gone.  So a collector that keeps finalized garbage past the
 * collection after its finalizer, or that counts objects it does not have (or
 * misses ones it has), fails here. */
void fz_check_live_count(fz_model *m, gc_heap *h, uint64_t baseline) {
  static bool seen[FZ_MAX_OBJS];
  unsigned caps = gc_collector()->caps;
  gc_stats st;
  gc_stats_read(h, &st);
  uint64_t live = st.live_objects - st.immortal_objects;
  uint64_t reachable = 0;
  mark_roots(m, seen, &reachable, NULL);
  if (live < reachable)
    fz_fail("live_objects is %llu right after gc_collect, but %llu objects are reachable", (unsigned long long)live,
            (unsigned long long)reachable);
  if (!exact_reclaimer(caps)) return;
  uint64_t may_hold = reachable;
  for (uint32_t i = 0; i < m->nobjs; i++) {
    const fz_obj *o = &m->objs[i];
    bool held_by_finalization = o->finalized ? o->finalized_op == m->op : o->finalizable;
    if (held_by_finalization) mark_from(m, (int32_t)i, seen, &may_hold, NULL);
  }
  uint64_t held = live > baseline ? live - baseline : 0;
  if (held <= may_hold) return;
  uint64_t extra = (caps & GC_CAP_CONSERVATIVE) ? conservative_allowance(m) : 0;
  if (held > may_hold + extra)
    fz_fail("live_objects is %llu right after gc_collect (%llu beyond the run's start); %llu are reachable and "
            "finalization may keep %llu more%s",
            (unsigned long long)live, (unsigned long long)held, (unsigned long long)reachable,
            (unsigned long long)(may_hold - reachable), retention_note(extra));
}

/* ==================================================================
 * Out of memory
 * ================================================================== */

/* When on_oom comes, the data the collector must keep is what is reachable plus
 * the objects finalized during the current operation (kept through the
 * collection that found them, rule 6) and what they reach.  Finalizable garbage
 * not yet finalized does not count: a collector must run those finalizers and
 * collect again before it gives up.  The verdict is a finding when
 *
 *     limit >= born + OOM_FIXED + OOM_SLACK x (live bytes + OOM_HEADER x live objects + requested)
 *
 * born: heap_bytes before the run's first allocation (a process-wide heap, bdw's,
 * starts with what earlier heaps grew it to).  The constants are chosen to be fair
 * to the most demanding accounting among the collectors:
 *   - OOM_FIXED 1.5 MiB: a size-class space keeps a partly filled 32 KiB block for
 *     each of its 32 classes (1 MiB; gen, rc, rc_cycle, drc), and gen's young
 *     generation needs at least a 32 KiB eden, its survivor spaces and the room
 *     to promote them (gen_policy.c);
 *   - OOM_HEADER 16: the largest per-object header (shape word plus count or
 *     mark and finalizer words);
 *   - OOM_SLACK 4: size-class rounding (at most 7/5, gen_policy.c) times a copy
 *     reserve of 7/5 of the young bytes beside them (gen), or Boehm's free-space
 *     divisor (3: the heap grows to 4/3 of the live data) with block-level
 *     fragmentation, or CPython's per-object malloc overhead.
 * A conservative collector's allowance (a few stale references) is added at the
 * largest object's size.  Collectors that do not reclaim cycles are not judged:
 * what they legitimately hold (leaked cycles, or everything) is not in the model. */
#define OOM_FIXED ((uint64_t)3 << 19)
#define OOM_HEADER 16
#define OOM_SLACK 4

void fz_check_oom(fz_model *m, size_t limit, size_t requested, uint64_t birth_heap_bytes) {
  static bool seen[FZ_MAX_OBJS];
  unsigned caps = gc_collector()->caps;
  if (!exact_reclaimer(caps) || !limit) return;
  uint64_t count = 0, bytes = 0, largest = 0;
  mark_roots(m, seen, &count, &bytes);
  for (uint32_t i = 0; i < m->nobjs; i++) {
    if (m->objs[i].finalized && m->objs[i].finalized_op == m->op) mark_from(m, (int32_t)i, seen, &count, &bytes);
    if (m->objs[i].bytes > largest) largest = m->objs[i].bytes;
  }
  if (caps & GC_CAP_CONSERVATIVE) bytes += conservative_allowance(m) * (largest + OOM_HEADER);
  uint64_t need = birth_heap_bytes + OOM_FIXED + OOM_SLACK * (bytes + OOM_HEADER * count + requested);
  if (getenv("FUZZ_VERBOSE"))
    fprintf(stderr, "fuzz_mutator: on_oom for %zu bytes under %zu: %llu objects, %llu bytes kept; fair below %llu\n",
            requested, limit, (unsigned long long)count, (unsigned long long)bytes, (unsigned long long)need);
  if (limit >= need)
    fz_fail("out of memory asking for %zu bytes under a limit of %zu, with %llu objects (%llu object bytes) "
            "live or kept by finalization; at most %llu would be fair (fuzz_model.c, fz_check_oom)",
            requested, limit, (unsigned long long)count, (unsigned long long)bytes, (unsigned long long)need);
}

/* ==================================================================
 * The end of a run
 * ================================================================== */

void fz_check_final(const fz_model *m, gc_heap *h, uint64_t baseline) {
  unsigned caps = gc_collector()->caps;
  if (!exact_reclaimer(caps)) return;
  gc_stats st;
  gc_stats_read(h, &st);
  uint64_t now = st.live_objects - st.immortal_objects, held = now > baseline ? now - baseline : 0;
  if (getenv("FUZZ_VERBOSE")) {
    uint32_t finalized = 0, revived = 0;
    for (uint32_t i = 0; i < m->nobjs; i++) finalized += m->objs[i].finalized > 0, revived += m->objs[i].revived;
    fprintf(stderr, "fuzz_mutator: after the final collections %llu objects held (baseline %llu); model: %u objects, "
            "%u finalized, %u revived\n", (unsigned long long)held, (unsigned long long)baseline, m->nobjs, finalized, revived);
  }
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
