#include "harness/heap_verify.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/common/gc_common.h"

/* More pointer fields than any workload or test allocates: a larger count is a
 * corrupted shape word. */
#define HV_NPTRS_MAX (1u << 24)
#define HV_NONE UINT32_MAX
#define HV_PATH_MAX 12

/* One reached object: how it was first reached (the shortest path, since the
 * walk is breadth-first) and the references to it counted so far. */
typedef struct hv_node {
  const gc_obj *obj;
  uint32_t parent; /* node index, or HV_NONE when reached from a root slot */
  uint32_t via;    /* the parent's field, or the root slot */
  uint64_t heap_refs, root_refs;
} hv_node;

typedef struct hv_walk {
  const hv_target *t;
  hv_node *nodes; /* also the breadth-first queue */
  size_t n, cap;
  uint32_t *table; /* open addressing: node index + 1, 0 = empty */
  size_t table_cap;
  char *msg;
  size_t msg_n;
  uint64_t bytes; /* object bytes of the nodes checked so far (the census) */
} hv_walk;

static size_t hash_ptr(const void *p, size_t cap) {
  uint64_t x = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;
  return (size_t)(x >> 17) & (cap - 1);
}

static bool table_grow(hv_walk *w) {
  size_t cap = w->table_cap ? w->table_cap * 2 : 1024;
  uint32_t *t = realloc(w->table, cap * sizeof *t);
  if (!t) return false;
  memset(t, 0, cap * sizeof *t);
  for (size_t i = 0; i < w->n; i++) {
    size_t k = hash_ptr(w->nodes[i].obj, cap);
    while (t[k]) k = (k + 1) & (cap - 1);
    t[k] = (uint32_t)i + 1;
  }
  w->table = t;
  w->table_cap = cap;
  return true;
}

/* The node of o, added (first reached from parent/via) if new; HV_NONE when out
 * of memory. */
static uint32_t node_of(hv_walk *w, const gc_obj *o, uint32_t parent, uint32_t via) {
  if ((w->n + 1) * 2 > w->table_cap && !table_grow(w)) return HV_NONE;
  size_t k = hash_ptr(o, w->table_cap);
  for (; w->table[k]; k = (k + 1) & (w->table_cap - 1))
    if (w->nodes[w->table[k] - 1].obj == o) return w->table[k] - 1;
  if (w->n == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 1024;
    hv_node *nodes = realloc(w->nodes, cap * sizeof *nodes);
    if (!nodes) return HV_NONE;
    w->nodes = nodes;
    w->cap = cap;
  }
  w->nodes[w->n] = (hv_node){o, parent, via, 0, 0};
  w->table[k] = (uint32_t)w->n + 1;
  return (uint32_t)w->n++;
}

/* "root slot 3 -> field 1 -> field 0": how node i was reached, for messages. */
static void describe_path(const hv_walk *w, uint32_t i, char *out, size_t n) {
  uint32_t steps[HV_PATH_MAX];
  size_t depth = 0, total = 0;
  for (uint32_t j = i; j != HV_NONE; j = w->nodes[j].parent, total++)
    if (depth < HV_PATH_MAX) steps[depth++] = j;
  size_t len = 0;
  const hv_node *first = &w->nodes[steps[depth - 1]];
  if (first->parent == HV_NONE) len += (size_t)snprintf(out + len, n - len, "root slot %u", first->via);
  else len += (size_t)snprintf(out + len, n - len, "... (%zu steps)", total - depth);
  for (size_t d = depth - 1; d-- > 0 && len < n;)
    len += (size_t)snprintf(out + len, n - len, " -> field %u", w->nodes[steps[d]].via);
}

static bool fail(hv_walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(hv_walk *w, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->msg, w->msg_n, fmt, ap);
  va_end(ap);
  return false;
}

/* The shape word of a reached object: a field count no workload uses, or a
 * "finalized" flag on an object that has no finalizer, is corruption. */
static bool check_shape(hv_walk *w, uint32_t i) {
  const gc_obj *o = w->nodes[i].obj;
  uint32_t flags = gc_flags(o);
  const char *bad = NULL;
  if (gc_nptrs(o) > HV_NPTRS_MAX) bad = "an implausible field count";
  else if ((flags & GC_FLAG_FINALIZED) && !(flags & GC_FLAG_FINALIZABLE)) bad = "the finalized flag without a finalizer";
  else if ((flags & GC_FLAG_FINALIZABLE) && !*gc_finalizer_slot(o)) bad = "a NULL finalizer";
  if (!bad) return true;
  char path[256];
  describe_path(w, i, path, sizeof path);
  return fail(w, "object %p (reached by %s) has a corrupt header: %s (nptrs %u, bytes+flags 0x%08x)", (const void *)o,
              path, bad, gc_shape_of(o)->nptrs, gc_shape_of(o)->bytes_flags);
}

/* The fields of node i: each NULL or a live object, counted as a reference. */
static bool scan_fields(hv_walk *w, uint32_t i) {
  const gc_obj *o = w->nodes[i].obj;
  for (uint32_t k = 0, n = gc_nptrs(o); k < n; k++) {
    gc_obj *f = gc_get(o, k);
    if (!f) continue;
    if (!w->t->is_object(w->t->heap, f)) {
      char path[256];
      describe_path(w, i, path, sizeof path);
      return fail(w, "object %p (reached by %s) field %u refers to %p: freed, interior or outside the heap",
                  (const void *)o, path, k, (void *)f);
    }
    uint32_t j = node_of(w, f, i, k);
    if (j == HV_NONE) return fail(w, "out of memory for the verifier");
    w->nodes[j].heap_refs++;
  }
  return true;
}

static bool walk_roots(hv_walk *w) {
  const gc_roots *r = &GC_COMMON(w->t->heap)->roots;
  for (uint32_t s = 0; s < r->top; s++) {
    gc_obj *v = r->slots[s];
    if (!v) continue;
    if (!w->t->is_object(w->t->heap, v))
      return fail(w, "root slot %u refers to %p: freed, interior or outside the heap", s, (void *)v);
    uint32_t j = node_of(w, v, HV_NONE, s);
    if (j == HV_NONE) return fail(w, "out of memory for the verifier");
    w->nodes[j].root_refs++;
  }
  return true;
}

/* Counting collectors: a count below the references found means a free to come
 * while still referenced; above them is right only while garbage that refers to
 * the object exists, i.e. when not every live object was reached. */
static bool check_counts(hv_walk *w) {
  const hv_target *t = w->t;
  bool exact = false;
  if (t->stats) {
    gc_stats st;
    t->stats(t->heap, &st);
    exact = st.live_objects == w->n;
  }
  for (uint32_t i = 0; i < w->n; i++) {
    const hv_node *nd = &w->nodes[i];
    if (gc_flags(nd->obj) & GC_FLAG_IMMORTAL) continue;
    long c = t->refcount(t->heap, (gc_obj *)(uintptr_t)nd->obj);
    if (c == GC_REFCOUNT_IMMORTAL) continue;
    uint64_t want = nd->heap_refs + ((t->caps & GC_CAP_COUNTS_ROOTS) ? nd->root_refs : 0);
    if (c >= 0 && (uint64_t)c >= want && (!exact || (uint64_t)c == want)) continue;
    char path[256];
    describe_path(w, i, path, sizeof path);
    return fail(w, "object %p (reached by %s) has count %ld but %llu references (%llu from objects, %llu root slots)%s",
                (const void *)nd->obj, path, c, (unsigned long long)want, (unsigned long long)nd->heap_refs,
                (unsigned long long)nd->root_refs, exact ? "" : "; every count must be at least its references");
  }
  return true;
}

/* Node i: its shape checked, its object bytes counted (only once its shape is
 * known sane, since the size is read from it), its fields scanned. */
static bool visit(hv_walk *w, uint32_t i) {
  if (!check_shape(w, i)) return false;
  w->bytes += gc_object_bytes(w->nodes[i].obj);
  return scan_fields(w, i);
}

static size_t last_reached; /* objects the latest walk reached (pacing) */
/* The walk's arrays, kept from one verification to the next: mapping and
 * unmapping them at every collection cost more than the walk. */
static hv_walk scratch;

bool heap_verify_now(const hv_target *t, hv_census *reached, char *msg, size_t n) {
  hv_walk w = scratch;
  w.t = t;
  w.msg = msg;
  w.msg_n = n;
  w.n = 0;
  w.bytes = 0;
  if (w.table) memset(w.table, 0, w.table_cap * sizeof *w.table);
  bool ok = walk_roots(&w);
  for (uint32_t i = 0; ok && i < w.n; i++) ok = visit(&w, i);
  if (ok && (t->caps & GC_CAP_COUNTS_REFS)) ok = check_counts(&w);
  last_reached = w.n;
  if (reached) *reached = (hv_census){w.n, w.bytes};
  scratch = w;
  return ok;
}

/* ---- after every collection ---- */

static hv_target installed;
static unsigned long verified;
static bool verifying; /* the verifier reads stats, which must not re-enter it */
static size_t skipped;   /* collections not verified since the last that was */

/* The pause log's hook: only the installed heap's pauses are verified (tests may
 * hold other heaps). */
static void after_collection(gc_pauselog *l) {
  if (verifying || !installed.heap || l != &GC_COMMON(installed.heap)->pauses) return;
  if (installed.pace && ++skipped < last_reached / installed.pace) return;
  skipped = 0;
  verifying = true;
  char msg[1024];
  hv_census reached;
  bool ok = heap_verify_now(&installed, &reached, msg, sizeof msg);
  verified++;
  verifying = false;
  if (!ok && installed.on_failure) installed.on_failure(msg);
  if (ok && installed.on_census) installed.on_census(&reached);
}

void heap_verify_install(const hv_target *t) {
  installed = *t;
  gc_pause_hook_collected = after_collection;
}

void heap_verify_uninstall(void) {
  gc_pause_hook_collected = NULL;
  installed = (hv_target){0};
}

unsigned long heap_verify_count(void) { return verified; }
