/*
 * gc_types.h — the types and the out-of-line functions of the mutator API.
 *
 * Split from gc.h so that code compiled once for every collector (the shared
 * parts in collectors/common, the harness) can use them without binding to one
 * collector's inline fast paths.  Workloads include gc.h; gc.h documents the rules.
 */
#ifndef GC_TYPES_H
#define GC_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gc_heap gc_heap;
/* Opaque: a gc_obj pointer addresses the object's first pointer field. */
typedef struct gc_obj gc_obj;
/* A root slot's handle: its index in the shadow stack. */
typedef uint32_t gc_root;
typedef void (*gc_finalizer)(gc_heap *h, gc_obj *o);

/* Capabilities a collector declares; tests read these, never collector names. */
enum gc_capability {
  GC_CAP_COUNTS_REFS = 1u << 0,     /* gc_refcount() returns counts */
  GC_CAP_COLLECTS_CYCLES = 1u << 1, /* unreachable cycles are reclaimed by gc_collect() */
  GC_CAP_MOVES_OBJECTS = 1u << 2,   /* objects may move; raw pointers go stale */
  GC_CAP_COUNTS_ROOTS = 1u << 3,    /* root slots contribute to gc_refcount() */
  GC_CAP_PROMPT_FINALIZATION = 1u << 4, /* finalizer runs as soon as the last reference goes */
  GC_CAP_RECLAIMS = 1u << 5,        /* frees memory at all (nogc does not) */
  /* may retain unreachable objects that look referenced from the C stack or
   * registers (or, untyped, from other objects' raw bytes): reclamation is not
   * exact, though nothing reachable is ever lost */
  GC_CAP_CONSERVATIVE = 1u << 6,
  /* gc_refcount() of an immortal object is the saturated GC_REFCOUNT_IMMORTAL
   * (CPython 3.12, PEP 683); a counting collector without it keeps counting
   * immortal objects (CPython 3.11) and only promises they survive */
  GC_CAP_IMMORTAL_SATURATES = 1u << 7,
};

typedef struct gc_collector_info {
  const char *name;
  const char *description; /* one line */
  unsigned caps;           /* enum gc_capability bits */
} gc_collector_info;

/* What the heap limit means (gc.h rule 4).  Zero, growable, is what a
 * zero-initialised gc_options gets; the harness's suites and `bench` default to
 * fixed. */
typedef enum gc_heap_policy {
  /* the limit is a cap: the collector grows its heap by its own policy, and
   * collects when that policy says so, never holding more than the limit */
  GC_HEAP_GROWABLE = 0,
  /* the limit is the heap: the collector sizes its spaces from it (semispaces,
   * nursery, reserves) and collects when it is full, not earlier by a growth
   * heuristic of its own; each collector's header says what that means for it */
  GC_HEAP_FIXED = 1,
} gc_heap_policy;

typedef struct gc_options {
  size_t heap_limit;  /* bytes; 0 = no limit (rule 4) */
  gc_heap_policy heap_policy; /* ignored when heap_limit is 0 */
  bool zeal;          /* collect at every call that may collect (rule 2) */
  const char *tuning; /* collector-specific "key=value,key=value"; NULL or "" = defaults */
  /* Called when the heap limit cannot be met; must not return. NULL = print and exit. */
  void (*on_oom)(void *arg, size_t requested);
  void *on_oom_arg;
} gc_options;

/* One collector statistic beyond the common ones (e.g. per-generation counts). */
typedef struct gc_named_stat {
  const char *name;
  uint64_t value;
} gc_named_stat;

#define GC_STATS_EXTRA_MAX 48

typedef struct gc_stats {
  uint64_t allocs, alloc_bytes;      /* objects allocated and their requested bytes */
  uint64_t frees, free_bytes;        /* objects reclaimed */
  uint64_t rc_incs, rc_decs;         /* reference-count updates performed */
  uint64_t collections;              /* collector cycles of any kind */
  uint64_t finalizers_run;
  uint64_t live_objects, live_bytes; /* held now (object bytes: see gc_common.h) */
  uint64_t immortal_objects, immortal_bytes; /* never reclaimed, by request */
  uint64_t heap_bytes;               /* held now by the collector's accounting (rule 4) */
  uint64_t peak_heap_bytes;
  uint32_t n_extra;
  gc_named_stat extra[GC_STATS_EXTRA_MAX];
} gc_stats;

/* One collector pause, on CLOCK_MONOTONIC. */
typedef struct gc_pause {
  uint64_t start_ns, end_ns;
  const char *kind; /* "minor", "major", "full", "cycle", ... (static string) */
} gc_pause;

/* ---- the collector's identity ---- */
const gc_collector_info *gc_collector(void);

/* ---- heap lifetime ---- */
/* NULL on bad options, with a message in *error (static or heap-owned, never freed). */
gc_heap *gc_heap_create(const gc_options *o, const char **error);
void gc_heap_destroy(gc_heap *h);

/* ---- allocation (may collect; gc_alloc itself is inline, in gc.h) ---- */
gc_obj *gc_alloc_finalizable(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f);

/* ---- the knobs of Python's gc module ---- */
/* A full collection; returns the number of unreachable objects it found.  A cycle
 * detector in CPython's manner counts only what it tracks: objects with pointer
 * fields (CPython's containers); acyclic garbage freed by counting is not "found". */
size_t gc_collect(gc_heap *h);
/* Automatic collection on/off (counting collectors still free at count zero). */
void gc_enable(gc_heap *h, bool on);
bool gc_isenabled(gc_heap *h);
/* The object's reference count, or -1 where the collector keeps none; an immortal
 * object reports GC_REFCOUNT_IMMORTAL (CPython 3.12's saturated count). */
#define GC_REFCOUNT_IMMORTAL 4294967295L
long gc_refcount(gc_heap *h, gc_obj *o);
/* Never reclaimed, never counted again. */
void gc_make_immortal(gc_heap *h, gc_obj *o);

/* ---- measurement ---- */
void gc_stats_read(gc_heap *h, gc_stats *out);
/* The pauses so far, oldest first; valid until the next call that may collect. */
const gc_pause *gc_pause_log(gc_heap *h, size_t *count);

#endif /* GC_TYPES_H */
