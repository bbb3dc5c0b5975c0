/* gc_pauselog.h — start and end of every collector pause, in order. */
#ifndef GC_PAUSELOG_H
#define GC_PAUSELOG_H

#include <stddef.h>
#include <stdint.h>
#include "collectors/api/gc_types.h"

typedef struct gc_pauselog {
  gc_pause *items;
  size_t count, cap;
  uint64_t total_ns;
  uint64_t open_start; /* start of the pause in progress, 0 when none */
  const char *open_kind;
} gc_pauselog;

void gc_pauselog_init(gc_pauselog *l);
void gc_pauselog_free(gc_pauselog *l);
/* Pauses may nest (a finalizer's store can start a cascade inside a collection):
 * only the outermost begin/end pair is logged. Returns 1 if this call opened one. */
int gc_pause_begin(gc_pauselog *l, const char *kind);
void gc_pause_end(gc_pauselog *l, int opened);
#endif
