#include "collectors/common/gc_pauselog.h"

#include <stdio.h>
#include <stdlib.h>
#include "collectors/common/gc_clock.h"

void (*gc_pause_hook_begin)(void);
void (*gc_pause_hook_end)(void);
void (*gc_pause_hook_collected)(gc_pauselog *l);

void gc_pauselog_init(gc_pauselog *l) {
  l->items = NULL;
  l->count = l->cap = 0;
  l->total_ns = 0;
  l->open_start = 0;
  l->open_kind = NULL;
}

void gc_pauselog_free(gc_pauselog *l) {
  free(l->items);
  gc_pauselog_init(l);
}

int gc_pause_begin(gc_pauselog *l, const char *kind) {
  if (l->open_start) return 0;
  if (gc_pause_hook_begin) gc_pause_hook_begin();
  l->open_start = gc_now_ns();
  l->open_kind = kind;
  return 1;
}

void gc_pause_end(gc_pauselog *l, int opened) {
  if (!opened) return;
  uint64_t end = gc_now_ns();
  if (l->count == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 1024;
    gc_pause *items = realloc(l->items, cap * sizeof *items);
    if (!items) { fprintf(stderr, "gclab: out of memory for the pause log\n"); abort(); }
    l->items = items;
    l->cap = cap;
  }
  l->items[l->count++] = (gc_pause){l->open_start, end, l->open_kind};
  l->total_ns += end - l->open_start;
  l->open_start = 0;
  if (gc_pause_hook_end) gc_pause_hook_end();
  if (gc_pause_hook_collected) gc_pause_hook_collected(l);
}
