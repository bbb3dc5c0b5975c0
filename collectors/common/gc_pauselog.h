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

/* Hooks at the outermost pause boundaries, for whoever measures around pauses (the
 * bench reads its hardware counters here, so that each is split into mutator and
 * collector). NULL by default: a collector then pays one predictable branch per
 * pause boundary and nothing on its allocation or barrier paths. `begin` runs
 * before the pause's start time is taken and `end` after its end time, so the
 * hooks' own cost is not counted as pause time. They must not allocate from the
 * heap or call back into the collector (bdw runs them with Boehm's lock held). */
extern void (*gc_pause_hook_begin)(void);
extern void (*gc_pause_hook_end)(void);

/* The heap verifier's hook (harness/heap_verify.c, --verify): runs last, after
 * every outermost pause, with the log of the heap that paused, so the verifier
 * can tell that heap from others.  NULL by default.  It may read the heap but
 * must not allocate from it or collect. */
extern void (*gc_pause_hook_collected)(gc_pauselog *l);
#endif
