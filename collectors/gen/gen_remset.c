/*
 * gen_remset.c — the store buffer's lifetime and its slow path (gen_remset.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "collectors/gen/gen_internal.h"

bool gen_ssb_init(gen_ssb *b, size_t cap) {
  b->base = malloc(cap * sizeof *b->base);
  if (!b->base) return false;
  b->cap = cap;
  b->top = b->base;
  b->end = b->base + cap;
  return true;
}

void gen_ssb_free(gen_ssb *b) {
  free(b->base);
  b->base = b->top = b->end = NULL;
  b->cap = 0;
}

static int compare_slots(const void *a, const void *b) {
  uintptr_t x = (uintptr_t)*(gc_obj ***)(uintptr_t)a, y = (uintptr_t)*(gc_obj ***)(uintptr_t)b;
  return x < y ? -1 : x > y;
}

/* Keeps one entry per slot that still holds a young pointer: a slot overwritten
 * with an old value or NULL since it was recorded needs no scanning. */
static void compact(gc_heap *h, gen_ssb *b) {
  gc_obj ***keep = b->base;
  for (gc_obj ***r = b->base; r < b->top; r++)
    if (gen_in_young(h, **r)) *keep++ = *r;
  size_t n = (size_t)(keep - b->base);
  qsort(b->base, n, sizeof *b->base, compare_slots);
  keep = b->base;
  for (size_t i = 0; i < n; i++)
    if (keep == b->base || keep[-1] != b->base[i]) *keep++ = b->base[i];
  b->top = keep;
}

static void grow(gen_ssb *b) {
  size_t len = gen_ssb_len(b), cap = b->cap * 2;
  gc_obj ***base = realloc(b->base, cap * sizeof *base);
  if (!base) {
    fprintf(stderr, "gclab gen: out of memory for the remembered set (%zu entries)\n", cap);
    abort();
  }
  b->base = base;
  b->cap = cap;
  b->top = base + len;
  b->end = base + cap;
}

/* Why compact before growing: a loop that stores into the same old slots and
 * never allocates would otherwise grow the buffer without bound.  Growing when
 * compaction leaves it more than half full keeps the cost amortised. */
void gen_ssb_overflow(gc_heap *h, gc_obj **slot) {
  gen_ssb *b = &h->ssb;
  h->n.remset_entries += gen_ssb_len(b) - h->ssb_counted;
  compact(h, b);
  h->ssb_counted = gen_ssb_len(b);
  if (gen_ssb_len(b) > b->cap / 2) grow(b);
  *b->top++ = slot;
}
