/*
 * finalize_delay.c — finalisation promptness: how long after an object becomes
 * unreachable does its finalizer run?
 *
 * seed-finalizer asks the question once, with yes/no answers.  This workload asks
 * it of thousands of objects dropped in the middle of ordinary allocation, and
 * measures the answer: counting collectors finalize as the last reference goes,
 * tracing ones after the collection that finds the object (a nursery's worth of
 * allocation later, or a major collection's for an object that was promoted before
 * it died), and cyclic garbage only when a cycle collector or a tracer looks at it.
 *
 * Two clocks.  The allocation clock is the bytes this workload has asked for so
 * far, counted the way gc_stats counts object bytes (collectors/common/gc_common.h):
 * 8 per pointer field plus the raw bytes rounded up to 8, for every gc_alloc and
 * gc_alloc_finalizable it makes, advanced *before* the call (a finalizer run inside
 * an allocation sees that allocation counted).  The other clock is CLOCK_MONOTONIC
 * in nanoseconds.
 *
 * The heap.  "Tracked" objects are finalizable: one pointer field (the next member
 * of their cycle, NULL when acyclic) and 8 raw bytes, their id: the iteration's
 * generation (TAG_BASE + iteration) in the high 32 bits and the object's index in
 * the low 32.  They come in units: a single acyclic object, or a ring of 2-4
 * (uniform) objects with consecutive indices, rings drawn so that cycle_pct% of
 * the tracked objects are in one (in expectation; see ring_due; a ring is cut
 * short by the end of the count, and a lone last object is acyclic).  `held`
 * units are alive at a time, each in a position: one eighth of the positions (at
 * least one) are root slots, the rest are fields of one long-lived "shelf" object.
 * Each step builds a new unit, picks a random position, drops the unit there if any
 * (its last reference cleared: a root slot or a field of the live shelf; a ring as
 * a whole), stores the new unit there, and then allocates `filler` bytes per
 * tracked object of the unit as short-lived filler garbage: binary trees of plain
 * objects (two pointer fields and an 8-byte heap-order index), each walked once and
 * dropped.  Units therefore live a geometric number of steps (`held` on average).
 *
 * The side table.  A plain malloc'd array indexed by the object's index (not in the
 * GC heap) holds, per tracked object: its state (held, dropped, finalized), whether
 * it is in a ring, the allocation clock and the nanoseconds when the mutator dropped
 * it (written just before the clearing store: a counting collector finalizes inside
 * that store) and when its finalizer ran.  The finalizer reads the id and writes the
 * table; it allocates nothing.  A finalizer that runs on an object still held (its
 * drop not yet recorded), runs twice, or reads an id this workload did not make is
 * a collector bug and fails the run (the finalizer notes it; the mutator fails at
 * its next step, outside the collector).  An id from an earlier iteration's
 * generation is a late finalization (the collector found it only now): counted as
 * `late_finalizations`, not an error.
 *
 * The end.  The units still held are read back and their drops recorded, the frame
 * is closed (dropping them and the shelf together), and gc_collect() runs once.
 * Objects whose finalizer has not run by then are "never" finalized within the
 * iteration (pure reference counting never finalizes cyclic garbage; nogc never
 * finalizes anything).  The units held at the end (at most `held` units) are
 * dropped with no allocation before the final collection: whenever they are
 * finalized (at the frame's close or by the collection), their delay in bytes is 0.
 *
 * Observations (integers; stable names, another part of the project plots them):
 *   tracked, tracked_cyclic           tracked objects, and of them in rings
 *   finalized                         finalized within the iteration
 *   finalized_before_final_collect    ... before the final gc_collect() call
 *   finalized_at_final_collect        ... by it
 *   never_finalized                   not finalized within the iteration
 *   never_finalized_cyclic            ... of them in rings
 *   delay_bytes_p50/_p90/_p99/_max    allocation-clock bytes from drop to finalizer
 *   delay_ns_p50/_p90/_p99/_max       nanoseconds from drop to finalizer
 *   late_finalizations                earlier iterations' objects finalized in this one
 *   allocated_bytes                   the allocation clock at the end (the scale)
 * Percentiles are over the objects finalized within the iteration, nearest-rank:
 * the p-th is the ceil(p/100 * n)-th smallest delay (so p100 = max); -1 when no
 * object was finalized.
 *
 * The checksum folds only what the mutator reads back from live objects: each
 * unit's ids and ring structure when it is dropped, the filler trees' walks, the
 * positions and the parameters.  Nothing depends on when finalizers run, so it is
 * the same under every collector.
 *
 * Sizes: quick 150 tracked objects with 128 filler bytes each (small enough for
 * zeal), default 100 000 with 4 KiB each (412 MB allocated), large 400 000 with
 * 8 KiB each (3.3 GB).  --param tracked=N (1..10^7), cycle_pct=N (0..100, default
 * 25), filler=N (bytes per tracked object, 0..2^24), held=N (units alive at a time,
 * 2..65536, default 32).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "workloads/workload.h"

enum { TRK_NEXT = 0, TRK_PTRS = 1 };                   /* tracked: next ring member */
enum { FIL_LEFT = 0, FIL_RIGHT = 1, FIL_PTRS = 2 };    /* filler tree node */
enum { MIN_CYCLE = 2, MAX_CYCLE = 4 };
enum { MIN_HELD = 2, MAX_HELD = 65536, FILLER_MAX_HEIGHT = 4 };
#define MAX_TRACKED 10000000u
#define MAX_FILLER (1u << 24)
/* The generation in an id: offset by the iteration, so that an earlier
 * iteration's object finalized late is told apart from a stray id. */
#define TAG_BASE 1000u

typedef struct fd_params {
  uint64_t tracked, cycle_pct, filler, held;
} fd_params;

static const fd_params defaults[WL_NSIZES] = {
    [WL_QUICK] = {.tracked = 150, .cycle_pct = 25, .filler = 128, .held = 32},
    [WL_DEFAULT] = {.tracked = 100000, .cycle_pct = 25, .filler = 4096, .held = 32},
    [WL_LARGE] = {.tracked = 400000, .cycle_pct = 25, .filler = 8192, .held = 32},
};

typedef enum { UNBORN = 0, HELD, DROPPED, FINALIZED } track_state;

typedef struct track_entry {
  uint64_t drop_bytes, drop_ns, fin_bytes, fin_ns;
  uint8_t state; /* track_state */
  bool cyclic, at_final_collect;
} track_entry;

/* What the finalizer sees: it gets no context, so the iteration's state is static
 * (a run is single-threaded). */
static struct {
  track_entry *table; /* this iteration's, indexed by id index; NULL between iterations */
  uint32_t n;         /* its length: the tracked count */
  uint32_t generation;
  bool in_final_collect;
  uint64_t clock_bytes; /* the allocation clock */
  uint64_t late;        /* earlier generations' objects finalized this iteration */
  char error[160];      /* the first misbehaviour the finalizer saw, "" if none */
} fd;

typedef struct delay_run {
  wl_ctx *ctx;
  gc_heap *h;
  fd_params p;
  wl_rng rng;
  uint32_t nroots;      /* positions 0..nroots-1 are root slots, the rest shelf fields */
  gc_root *roots;       /* the positions' root slots */
  gc_root shelf;
  uint32_t *unit_first; /* per position: the unit's first index, or UINT32_MAX if empty */
  uint8_t *unit_size;
} delay_run;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t make_id(uint32_t index) { return (uint64_t)fd.generation << 32 | index; }

static uint64_t id_of(gc_obj *o) {
  uint64_t id;
  memcpy(&id, gc_data(o), sizeof id);
  return id;
}

/* The allocation clock advances before the call, by gc_stats' object bytes. */
static gc_obj *alloc_counted(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer fin) {
  fd.clock_bytes += (uint64_t)nptrs * 8 + ((nbytes + 7u) & ~7u);
  return fin ? gc_alloc_finalizable(h, nptrs, nbytes, fin) : gc_alloc(h, nptrs, nbytes);
}

static void note_error(const char *fmt, uint32_t gen, uint32_t index) {
  if (!fd.error[0]) snprintf(fd.error, sizeof fd.error, fmt, gen, index);
}

/* The finalizer: stamps the object's side-table entry with both clocks.  It never
 * fails the run itself (that would longjmp out of the collector); it notes the
 * first misbehaviour for the mutator to report. */
static void on_finalize(gc_heap *h, gc_obj *o) {
  (void)h;
  uint64_t id = id_of(o);
  uint32_t gen = (uint32_t)(id >> 32), index = (uint32_t)id;
  if (gen >= TAG_BASE && (gen < fd.generation || (gen == fd.generation && !fd.table))) {
    fd.late++;
    return;
  }
  if (gen != fd.generation || index >= fd.n) {
    note_error("a finalizer ran on an object this workload did not make (generation %u, index %u)", gen, index);
    return;
  }
  track_entry *e = &fd.table[index];
  switch ((track_state)e->state) {
    case UNBORN: note_error("generation %u: object %u finalized before it was allocated", gen, index); return;
    case HELD: note_error("generation %u: object %u finalized while still reachable", gen, index); return;
    case FINALIZED: note_error("generation %u: object %u finalized twice", gen, index); return;
    case DROPPED: break;
  }
  e->state = FINALIZED;
  e->fin_bytes = fd.clock_bytes;
  e->fin_ns = now_ns();
  e->at_final_collect = fd.in_final_collect;
}

static void check_finalizer(wl_ctx *ctx) {
  if (fd.error[0]) wl_fail(ctx, "%s", fd.error);
}

static fd_params read_params(wl_ctx *ctx) {
  const fd_params *d = &defaults[wl_size_of(ctx)];
  fd_params p = {
      .tracked = wl_param_u64(ctx, "tracked", d->tracked),
      .cycle_pct = wl_param_u64(ctx, "cycle_pct", d->cycle_pct),
      .filler = wl_param_u64(ctx, "filler", d->filler),
      .held = wl_param_u64(ctx, "held", d->held),
  };
  if (p.tracked < 1 || p.tracked > MAX_TRACKED)
    wl_bad_param(ctx, "parameter tracked=%llu is not in 1..%u", (unsigned long long)p.tracked, MAX_TRACKED);
  if (p.cycle_pct > 100) wl_bad_param(ctx, "parameter cycle_pct=%llu is over 100", (unsigned long long)p.cycle_pct);
  if (p.filler > MAX_FILLER) wl_bad_param(ctx, "parameter filler=%llu is over %u", (unsigned long long)p.filler, MAX_FILLER);
  if (p.held < MIN_HELD || p.held > MAX_HELD)
    wl_bad_param(ctx, "parameter held=%llu is not in %d..%d", (unsigned long long)p.held, MIN_HELD, MAX_HELD);
  return p;
}

/* ==================================================================
 * Filler: short-lived trees of plain objects
 * ================================================================== */

static uint64_t tree_bytes(uint32_t height) { return (((uint64_t)2 << height) - 1) * (FIL_PTRS * 8 + 8); }

/* Bottom-up, like cycle-frac's: each subtree in a root slot while the next
 * allocation runs; returns a raw pointer the caller stores before allocating. */
static gc_obj *make_tree(gc_heap *h, uint32_t height, uint64_t index) {
  uint32_t frame = gc_frame_open(h);
  gc_root left = gc_root_push(h, height ? make_tree(h, height - 1, 2 * index) : NULL);
  gc_root right = gc_root_push(h, height ? make_tree(h, height - 1, 2 * index + 1) : NULL);
  gc_obj *node = alloc_counted(h, FIL_PTRS, sizeof index, NULL);
  memcpy(gc_data(node), &index, sizeof index);
  gc_set(h, node, FIL_LEFT, gc_root_get(h, left));
  gc_set(h, node, FIL_RIGHT, gc_root_get(h, right));
  gc_frame_close(h, frame);
  return node;
}

/* Every node's index where heap order puts it; returns the sum of the indices. */
static uint64_t walk_tree(delay_run *r, gc_obj *node, uint32_t height, uint64_t index) {
  if (!node) wl_fail(r->ctx, "filler node %llu is missing", (unsigned long long)index);
  uint64_t got;
  memcpy(&got, gc_data(node), sizeof got);
  if (got != index) wl_fail(r->ctx, "filler node %llu reads %llu", (unsigned long long)index, (unsigned long long)got);
  if (!height) return index;
  return index + walk_tree(r, gc_get(node, FIL_LEFT), height - 1, 2 * index) +
         walk_tree(r, gc_get(node, FIL_RIGHT), height - 1, 2 * index + 1);
}

/* `budget` bytes of garbage: trees of random height 0..FILLER_MAX_HEIGHT, each
 * capped to what is left of the budget (so it overshoots by one node at most),
 * built, walked once and dropped. */
static uint64_t make_filler(delay_run *r, uint64_t budget) {
  gc_heap *h = r->h;
  uint64_t sum = 0;
  for (uint64_t spent = 0; spent < budget;) {
    uint32_t height = (uint32_t)wl_rng_below(&r->rng, FILLER_MAX_HEIGHT + 1);
    while (height && tree_bytes(height) > budget - spent) height--;
    uint32_t frame = gc_frame_open(h);
    gc_root tree = gc_root_push(h, make_tree(h, height, 1));
    sum = wl_mix(sum, walk_tree(r, gc_root_get(h, tree), height, 1));
    gc_frame_close(h, frame);
    spent += tree_bytes(height);
  }
  return sum;
}

/* ==================================================================
 * Tracked units
 * ================================================================== */

static gc_obj *new_tracked(delay_run *r, uint32_t index, bool cyclic) {
  gc_obj *o = alloc_counted(r->h, TRK_PTRS, sizeof(uint64_t), on_finalize);
  uint64_t id = make_id(index);
  memcpy(gc_data(o), &id, sizeof id);
  fd.table[index] = (track_entry){.state = HELD, .cyclic = cyclic};
  return o;
}

/* A unit of `size` objects with indices first..first+size-1: one acyclic object,
 * or a ring in which each member's next is the following index and the last's is
 * the first.  Built from the last member back (the last in a root slot to close
 * the ring); returns a raw pointer to the first member. */
static gc_obj *make_unit(delay_run *r, uint32_t first, uint32_t size) {
  gc_heap *h = r->h;
  if (size == 1) return new_tracked(r, first, false);
  uint32_t frame = gc_frame_open(h);
  gc_root last = gc_root_push(h, new_tracked(r, first + size - 1, true));
  gc_root head = gc_root_push(h, gc_root_get(h, last));
  for (uint32_t i = size - 1; i-- > 0;) {
    gc_obj *o = new_tracked(r, first + i, true);
    gc_set(h, o, TRK_NEXT, gc_root_get(h, head));
    gc_root_set(h, head, o);
  }
  gc_set(h, gc_root_get(h, last), TRK_NEXT, gc_root_get(h, head));
  gc_obj *unit = gc_root_get(h, head);
  gc_frame_close(h, frame);
  return unit;
}

static gc_obj *position_get(delay_run *r, uint32_t pos) {
  if (pos < r->nroots) return gc_root_get(r->h, r->roots[pos]);
  return gc_get(gc_root_get(r->h, r->shelf), pos - r->nroots);
}

static void position_set(delay_run *r, uint32_t pos, gc_obj *v) {
  if (pos < r->nroots) gc_root_set(r->h, r->roots[pos], v);
  else gc_set(r->h, gc_root_get(r->h, r->shelf), pos - r->nroots, v);
}

/* Reads the unit at `pos` back (every member's id, the ring closing on itself or
 * the lone object's NULL) and records its drop in the side table; the caller then
 * clears the last reference.  Returns what was read, for the checksum. */
static uint64_t read_and_drop(delay_run *r, uint32_t pos) {
  uint32_t first = r->unit_first[pos], size = r->unit_size[pos];
  gc_obj *head = position_get(r, pos), *o = head;
  uint64_t sum = wl_mix(pos, size);
  for (uint32_t i = 0; i < size; i++) {
    if (!o) wl_fail(r->ctx, "object %u of the unit at position %u is missing", first + i, pos);
    uint64_t id = id_of(o);
    if (id != make_id(first + i))
      wl_fail(r->ctx, "position %u: object %u reads id %llx", pos, first + i, (unsigned long long)id);
    if (fd.table[first + i].state != HELD) wl_fail(r->ctx, "object %u is not held although reachable", first + i);
    sum = wl_mix(sum, first + i);
    o = gc_get(o, TRK_NEXT);
  }
  if (o != (size == 1 ? NULL : head)) wl_fail(r->ctx, "the unit at position %u does not close as built", pos);
  uint64_t bytes = fd.clock_bytes, ns = now_ns();
  for (uint32_t i = 0; i < size; i++) {
    track_entry *e = &fd.table[first + i];
    e->state = DROPPED;
    e->drop_bytes = bytes;
    e->drop_ns = ns;
  }
  r->unit_first[pos] = UINT32_MAX;
  return sum;
}

/* One step: a new unit built (in a root slot), a random position's unit dropped,
 * the new one stored there, then the unit's share of filler garbage. */
static uint64_t step(delay_run *r, uint32_t first, uint32_t size, gc_root fresh) {
  gc_heap *h = r->h;
  uint64_t sum = 0;
  gc_root_set(h, fresh, make_unit(r, first, size));
  uint32_t pos = (uint32_t)wl_rng_below(&r->rng, r->p.held);
  if (r->unit_first[pos] != UINT32_MAX) {
    sum = read_and_drop(r, pos);
    position_set(r, pos, NULL); /* the drop: counting collectors finalize here */
  }
  position_set(r, pos, gc_root_get(h, fresh));
  gc_root_set(h, fresh, NULL);
  r->unit_first[pos] = first;
  r->unit_size[pos] = (uint8_t)size;
  return wl_mix(sum, make_filler(r, r->p.filler * size));
}

/* ==================================================================
 * Observations
 * ================================================================== */

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Nearest rank: the ceil(pct/100 * n)-th smallest of the sorted v; -1 if n = 0. */
static long long percentile(const uint64_t *v, size_t n, unsigned pct) {
  if (!n) return -1;
  size_t rank = (pct * n + 99) / 100;
  return (long long)v[rank ? rank - 1 : 0];
}

static void observe_delays(wl_ctx *ctx, const char *prefix, uint64_t *v, size_t n) {
  static const unsigned pcts[] = {50, 90, 99, 100};
  static const char *const names[] = {"p50", "p90", "p99", "max"};
  qsort(v, n, sizeof *v, cmp_u64);
  for (size_t i = 0; i < sizeof pcts / sizeof pcts[0]; i++) {
    char key[48];
    snprintf(key, sizeof key, "%s_%s", prefix, names[i]);
    wl_observe_int(ctx, key, percentile(v, n, pcts[i]));
  }
}

/* Everything the side table says once the final collection is over. */
static void observe(wl_ctx *ctx) {
  uint32_t n = fd.n;
  uint64_t *bytes = malloc(((size_t)n + 1) * sizeof *bytes), *ns = malloc(((size_t)n + 1) * sizeof *ns);
  if (!bytes || !ns) wl_fail(ctx, "out of memory for %u delays", n);
  size_t finalized = 0;
  long long cyclic = 0, never = 0, never_cyclic = 0, at_final = 0;
  for (uint32_t i = 0; i < n; i++) {
    const track_entry *e = &fd.table[i];
    cyclic += e->cyclic;
    if (e->state == FINALIZED) {
      bytes[finalized] = e->fin_bytes - e->drop_bytes;
      ns[finalized++] = e->fin_ns - e->drop_ns;
      at_final += e->at_final_collect;
    } else if (e->state == DROPPED) {
      never++;
      never_cyclic += e->cyclic;
    } else {
      wl_fail(ctx, "object %u was never dropped", i);
    }
  }
  wl_observe_int(ctx, "tracked", n);
  wl_observe_int(ctx, "tracked_cyclic", cyclic);
  wl_observe_int(ctx, "finalized", (long long)finalized);
  wl_observe_int(ctx, "finalized_before_final_collect", (long long)finalized - at_final);
  wl_observe_int(ctx, "finalized_at_final_collect", at_final);
  wl_observe_int(ctx, "never_finalized", never);
  wl_observe_int(ctx, "never_finalized_cyclic", never_cyclic);
  observe_delays(ctx, "delay_bytes", bytes, finalized);
  observe_delays(ctx, "delay_ns", ns, finalized);
  wl_observe_int(ctx, "late_finalizations", (long long)fd.late);
  wl_observe_int(ctx, "allocated_bytes", (long long)fd.clock_bytes);
  free(bytes);
  free(ns);
}

/* cycle_pct is a share of the tracked objects, not of the units: rings have 3
 * members on average, so a unit is a ring with probability q = pct / (300 - 2 pct),
 * which puts 3q / (3q + 1 - q) = pct% of the objects in rings (in expectation). */
static bool ring_due(delay_run *r) {
  uint64_t pct = r->p.cycle_pct;
  return wl_rng_below(&r->rng, 300 - 2 * pct) < pct;
}

/* ==================================================================
 * The iteration
 * ================================================================== */

static void start_iteration(wl_ctx *ctx, delay_run *r) {
  fd.generation = TAG_BASE + (uint32_t)wl_iteration(ctx);
  fd.n = (uint32_t)r->p.tracked;
  fd.table = calloc(fd.n, sizeof *fd.table);
  r->unit_first = malloc(r->p.held * sizeof *r->unit_first);
  r->unit_size = malloc(r->p.held * sizeof *r->unit_size);
  r->roots = malloc(r->p.held * sizeof *r->roots);
  if (!fd.table || !r->unit_first || !r->unit_size || !r->roots) wl_fail(ctx, "out of memory for %u side-table entries", fd.n);
  for (uint64_t i = 0; i < r->p.held; i++) r->unit_first[i] = UINT32_MAX;
  fd.clock_bytes = fd.late = 0;
  fd.in_final_collect = false;
  fd.error[0] = '\0';
}

static void end_iteration(delay_run *r) {
  free(fd.table);
  fd.table = NULL; /* from now on this generation's finalizations are late */
  free(r->unit_first);
  free(r->unit_size);
  free(r->roots);
}

static uint64_t run_finalize_delay(wl_ctx *ctx) {
  delay_run r = {.ctx = ctx, .h = wl_heap(ctx), .p = read_params(ctx), .rng = wl_rng_seed(wl_seed(ctx))};
  gc_heap *h = r.h;
  wl_output(ctx, "cycle_pct %llu: %llu tracked objects, %llu filler bytes each, %llu units held",
            (unsigned long long)r.p.cycle_pct, (unsigned long long)r.p.tracked, (unsigned long long)r.p.filler,
            (unsigned long long)r.p.held);
  r.nroots = (uint32_t)(r.p.held / 8 ? r.p.held / 8 : 1);
  start_iteration(ctx, &r);
  uint32_t frame = gc_frame_open(h);
  gc_root fresh = gc_root_push(h, NULL);
  r.shelf = gc_root_push(h, alloc_counted(h, (uint32_t)r.p.held - r.nroots, 0, NULL));
  for (uint32_t i = 0; i < r.nroots; i++) r.roots[i] = gc_root_push(h, NULL);

  uint64_t sum = wl_mix(wl_mix(wl_mix(wl_mix(0, r.p.tracked), r.p.cycle_pct), r.p.filler), r.p.held);
  for (uint32_t first = 0; first < fd.n;) {
    uint32_t left = fd.n - first, size = 1;
    if (ring_due(&r) && left >= MIN_CYCLE) {
      size = MIN_CYCLE + (uint32_t)wl_rng_below(&r.rng, MAX_CYCLE - MIN_CYCLE + 1);
      if (size > left) size = left;
    }
    sum = wl_mix(sum, step(&r, first, size, fresh));
    check_finalizer(ctx);
    first += size;
  }
  /* The units still held: read back and dropped together with the frame. */
  for (uint32_t pos = 0; pos < r.p.held; pos++)
    if (r.unit_first[pos] != UINT32_MAX) sum = wl_mix(sum, read_and_drop(&r, pos));
  gc_frame_close(h, frame);
  fd.in_final_collect = true;
  gc_collect(h);
  fd.in_final_collect = false;
  check_finalizer(ctx);
  observe(ctx);
  end_iteration(&r);
  return sum;
}

const workload wl_finalize_delay = {
    .name = "finalize-delay",
    .description = "finalizable objects dropped among filler garbage (some in 2-4 object cycles): the delay, in "
                   "allocated bytes and ns, from drop to finalizer",
    .size_doc = {
        "150 tracked objects, 128 filler bytes each",
        "100000 tracked objects, 4 KiB filler each (412 MB allocated)",
        "400000 tracked objects, 8 KiB filler each (3.3 GB allocated)",
    },
    .params_doc = "tracked=N (finalizable objects, 1..10000000; default 150/100000/400000 by size), cycle_pct=N "
                  "(percent of the tracked objects in 2-4 object cycles, 0..100; default 25), filler=N (bytes of filler "
                  "garbage per tracked object, 0..16777216; default 128/4096/8192), held=N (units alive at a time, "
                  "2..65536; default 32)",
    .run = run_finalize_delay,
};
