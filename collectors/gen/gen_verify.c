/*
 * gen_verify.c — the heap verifier (tuning verify=1): after a collection, every
 * invariant the next one relies on is checked, so a bug shows at the collection
 * that caused it rather than as a corrupted object much later.
 *
 *   - the eden is empty and every object is in the old space or the survivor space;
 *   - roots, immortals and the finalization lists refer to objects that exist;
 *   - old objects are unmarked and unforwarded, fit their cells, and refer only to
 *     objects that exist; an old slot referring to a young object is in the
 *     remembered set;
 *   - survivors are unforwarded, younger than promote_age, and refer only to
 *     objects that exist.
 *
 * Slow (a binary search per pointer, a list walk per large object); for tests.
 */
#include <stdio.h>
#include <stdlib.h>

#include "collectors/gen/gen_internal.h"

typedef struct verify_state {
  gc_heap *h;
  const char *when;
  gen_vec survivors;   /* object starts in the survivor space, in address order */
  gc_obj ***remembered; /* the store buffer, sorted */
  size_t nremembered;
} verify_state;

static _Noreturn void verify_failed(verify_state *v, const char *what, const void *where) {
  fprintf(stderr, "gclab gen: heap verification failed %s: %s (%p)\n", v->when, what, where);
  abort();
}

static bool sorted_contains(void *const *items, size_t n, const void *x) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if ((uintptr_t)items[mid] < (uintptr_t)x) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && items[lo] == x;
}

static int compare_addresses(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return x < y ? -1 : x > y;
}

static bool is_survivor(verify_state *v, const gc_obj *o) {
  return sorted_contains((void *const *)v->survivors.items, v->survivors.len, o);
}

static bool is_old(verify_state *v, const gc_obj *o) {
  gen_header *hd = gen_header_of(o);
  return sc_live_cell_containing(&v->h->old, hd) == hd;
}

static void check_ref(verify_state *v, const gc_obj *o, const void *where) {
  if (!o) return;
  if (gen_in_young(v->h, o) ? !is_survivor(v, o) : !is_old(v, o)) verify_failed(v, "a reference to no object", where);
}

static void check_fields(verify_state *v, const gc_obj *o, bool old) {
  gc_obj **f = gc_fields(o);
  for (uint32_t i = 0; i < gc_nptrs(o); i++) {
    check_ref(v, f[i], &f[i]);
    if (old && gen_in_young(v->h, f[i]) &&
        !sorted_contains((void *const *)v->remembered, v->nremembered, &f[i]))
      verify_failed(v, "an old slot refers to a young object but is not remembered", &f[i]);
  }
}

static void walk_survivors(verify_state *v) {
  const gen_semi *s = &v->h->survivor[v->h->from];
  for (char *p = s->lo; p < s->top;) {
    gc_obj *o = gen_obj_at(p);
    if (gen_forwarded(o) || gen_age(o) == 0 || gen_age(o) >= v->h->tune.promote_age)
      verify_failed(v, "a survivor with a bad header", o);
    gen_vec_push(&v->survivors, o);
    p += gen_size_of(o);
  }
}

static void check_old_cell(void *cell, void *ctx) {
  verify_state *v = ctx;
  gc_obj *o = gen_obj_at(cell);
  if (gen_header_of(o)->meta != 0) verify_failed(v, "an old object still marked or forwarded", o);
  if (gen_size_of(o) > sc_cell_bytes(&v->h->old, cell)) verify_failed(v, "an old object larger than its cell", o);
  check_fields(v, o, true);
}

static void check_list(verify_state *v, const gen_vec *list) {
  for (size_t i = 0; i < list->len; i++) check_ref(v, list->items[i], &list->items[i]);
}

void gen_verify(gc_heap *h, const char *when) {
  verify_state v = {.h = h, .when = when};
  if (h->bump != h->eden_alloc_start) verify_failed(&v, "the eden is not empty", h->bump);
  walk_survivors(&v);
  size_t n = gen_ssb_len(&h->ssb);
  v.remembered = malloc((n + 1) * sizeof *v.remembered);
  if (!v.remembered) verify_failed(&v, "out of memory", NULL);
  for (size_t i = 0; i < n; i++) v.remembered[i] = h->ssb.base[i];
  v.nremembered = n;
  qsort(v.remembered, n, sizeof *v.remembered, compare_addresses);
  for (uint32_t i = 0; i < h->c.roots.top; i++) check_ref(&v, h->c.roots.slots[i], &h->c.roots.slots[i]);
  check_list(&v, &h->immortals);
  check_list(&v, &h->young_finalizable);
  check_list(&v, &h->old_finalizable);
  check_list(&v, &h->to_finalize);
  check_list(&v, &h->young_finalized);
  for (size_t i = 0; i < h->young_finalizable.len; i++)
    if (!gen_in_young(h, h->young_finalizable.items[i])) verify_failed(&v, "an old object on the young finalizable list", h->young_finalizable.items[i]);
  for (size_t i = 0; i < h->old_finalizable.len; i++)
    if (gen_in_young(h, h->old_finalizable.items[i])) verify_failed(&v, "a young object on the old finalizable list", h->old_finalizable.items[i]);
  sc_for_each_live(&h->old, check_old_cell, &v);
  for (size_t i = 0; i < v.survivors.len; i++) check_fields(&v, v.survivors.items[i], false);
  free(v.remembered);
  gen_vec_free(&v.survivors);
}

/* Whether o starts an object in the bump region [lo, top): a walk from lo. */
static bool in_bump_region(const char *lo, const char *top, const gc_obj *o) {
  for (const char *p = lo; p < top;) {
    gc_obj *x = gen_obj_at((void *)(uintptr_t)p);
    if (x == o) return true;
    if ((const char *)x > (const char *)o) return false;
    p += gen_size_of(x);
  }
  return false;
}

/* The heap verifier's question (gc_embed.h), in constant time: a live cell of the
 * old space (sizeclass.c), or a start recorded in the young range's bitmap (built
 * on the first question: gen_track_starts).  Should the bitmap not be available,
 * the young answer walks the survivor space and the eden's allocated part. */
bool gc_debug_is_object(gc_heap *h, const gc_obj *o) {
  if ((uintptr_t)o & 7) return false;
  if (!gen_in_young(h, o)) return sc_is_live_cell(&h->old, gen_header_of(o));
  if (gen_track_starts(h)) return gc_objmap_test(&h->young_starts, o);
  const gen_semi *s = &h->survivor[h->from];
  return in_bump_region(s->lo, s->top, o) || in_bump_region(h->eden_alloc_start, h->bump, o);
}
