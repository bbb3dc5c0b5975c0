/*
 * fidelity_trace.c — does rc_cycle do what CPython 3.11 does?  One deterministic
 * program, compiled once per collector (//tests:fidelity_trace_rc_cycle and
 * //tests:fidelity_trace_cpython), that runs the same scenarios and prints a
 * transcript of everything a Python program could observe of its collector:
 *
 *   collect N        what each gc_collect returned (gc.collect())
 *   stats ...        gc.get_stats() and gc.get_count() per generation, the objects
 *                    still tracked and alive, after each collection and now and then
 *   fin ID           each finalizer call, in order, by object id
 *
 * fidelity_test.sh diffs the two transcripts line by line: any difference is a
 * place where rc_cycle is not CPython (or the cpython collector is not a faithful
 * embedding).  fidelity_python_test.sh compares the `rings` scenario's answer with
 * a real python3 running the same program (fidelity_rings.py).
 *
 * The scenarios:
 *   seed        the seed experiments: a two-node cycle (collect returns 2, both
 *               finalized by it), an object finalized at its second del, three
 *               unreachable rings of 1, 2 and 3 nodes (collect returns 6)
 *   rings       pyperformance's gc_collect: rings of 21 doubly linked nodes held by
 *               one list object, the list dropped, then one collection; under the
 *               default thresholds, so generation 0 and 1 collections run while the
 *               rings are built
 *   trashcan    a 150-long chain of finalizable nodes, each with a finalizable leaf
 *               and a finalizable container child, dropped at once: the order of
 *               CPython's recursive deallocation, and its trashcan past 50 levels
 *   resurrection
 *               an object in generation 2 resurrected by its finalizer when its count
 *               drops to zero, then made cyclic garbage: which generation finds it
 *   random      seeded random graphs with cycles, finalizers and resurrection, under
 *               small thresholds (every generation collected many times) and under
 *               the defaults
 *
 * An argument runs only the scenarios whose names contain it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/api/gc.h"

/* ==================================================================
 * Transcript
 * ================================================================== */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

static uint64_t stat_named(const gc_stats *s, const char *name) {
  for (uint32_t i = 0; i < s->n_extra; i++)
    if (!strcmp(s->extra[i].name, name)) return s->extra[i].value;
  fprintf(stderr, "fidelity_trace: the collector has no statistic %s\n", name);
  exit(2);
}

/* What gc.get_stats() and gc.get_count() would say, plus the objects alive (which
 * only agree if counting freed the same objects). */
static void say_stats(gc_heap *h, const char *when) {
  static const char *const gens[3] = {"gen0", "gen1", "gen2"};
  gc_stats s;
  gc_stats_read(h, &s);
  char line[512];
  int used = snprintf(line, sizeof line, "stats %s:", when);
  for (int g = 0; g < 3; g++) {
    char key[64];
    uint64_t v[4];
    static const char *const what[4] = {"collections", "collected", "uncollectable", "count"};
    for (int k = 0; k < 4; k++) {
      snprintf(key, sizeof key, "%s_%s", gens[g], what[k]);
      v[k] = stat_named(&s, key);
    }
    used += snprintf(line + used, sizeof line - (size_t)used, " %s %llu/%llu/%llu count %llu", gens[g],
                     (unsigned long long)v[0], (unsigned long long)v[1], (unsigned long long)v[2],
                     (unsigned long long)v[3]);
  }
  snprintf(line + used, sizeof line - (size_t)used, " tracked %llu live %llu finalized %llu",
           (unsigned long long)stat_named(&s, "tracked_objects"), (unsigned long long)s.live_objects,
           (unsigned long long)s.finalizers_run);
  say("%s", line);
}

static size_t collect(gc_heap *h) {
  size_t n = gc_collect(h);
  say("collect %zu", n);
  return n;
}

static gc_heap *open_heap(const char *tuning) {
  gc_options o = {.tuning = tuning};
  const char *error = NULL;
  gc_heap *h = gc_heap_create(&o, &error);
  if (!h) {
    fprintf(stderr, "fidelity_trace: gc_heap_create(\"%s\"): %s\n", tuning ? tuning : "", error);
    exit(2);
  }
  return h;
}

/* ==================================================================
 * Objects: an id in the first 8 raw bytes, a finalizer that says it ran
 * ================================================================== */

enum { KIND_PLAIN = 0, KIND_RESURRECT = 1 };
#define OBJ_BYTES 16 /* id, kind */

/* Where resurrecting finalizers put their object (a root slot of the scenario). */
static gc_root resurrection_slot;
static bool resurrection_open;

static uint64_t id_of(gc_obj *o) {
  uint64_t id;
  memcpy(&id, gc_data(o), sizeof id);
  return id;
}

/* Prints the call; a resurrecting object stores itself into the resurrection
 * slot, which lets go of whatever the slot held (possibly a cascade). */
static void finalizer(gc_heap *h, gc_obj *o) {
  uint64_t kind;
  memcpy(&kind, (char *)gc_data(o) + 8, sizeof kind);
  say("fin %llu%s", (unsigned long long)id_of(o), kind == KIND_RESURRECT ? " resurrects" : "");
  if (kind == KIND_RESURRECT && resurrection_open) gc_root_set(h, resurrection_slot, o);
}

static gc_obj *new_obj(gc_heap *h, uint64_t id, uint32_t nptrs, bool finalizable, uint64_t kind) {
  gc_obj *o = finalizable ? gc_alloc_finalizable(h, nptrs, OBJ_BYTES, finalizer) : gc_alloc(h, nptrs, OBJ_BYTES);
  memcpy(gc_data(o), &id, sizeof id);
  memcpy((char *)gc_data(o) + 8, &kind, sizeof kind);
  return o;
}

/* ==================================================================
 * seed: the seed experiments' cycle and finalizer
 * ================================================================== */

static void scenario_seed(void) {
  say("== seed");
  gc_heap *h = open_heap(NULL);
  uint32_t frame = gc_frame_open(h);
  gc_root a = gc_root_push(h, new_obj(h, 1, 1, true, KIND_PLAIN));
  gc_root b = gc_root_push(h, new_obj(h, 2, 1, true, KIND_PLAIN));
  gc_set(h, gc_root_get(h, a), 0, gc_root_get(h, b));
  gc_set(h, gc_root_get(h, b), 0, gc_root_get(h, a));
  say("refcount a %ld", gc_refcount(h, gc_root_get(h, a)));
  say("del a, del b");
  gc_root_set(h, a, NULL);
  gc_root_set(h, b, NULL);
  collect(h);
  say_stats(h, "after the cycle");
  gc_root x = gc_root_push(h, new_obj(h, 3, 0, true, KIND_PLAIN));
  gc_root y = gc_root_push(h, gc_root_get(h, x));
  say("refcount x %ld", gc_refcount(h, gc_root_get(h, x)));
  say("del x");
  gc_root_set(h, x, NULL);
  say("del y");
  gc_root_set(h, y, NULL);
  collect(h);
  say("three rings of 1, 2 and 3 nodes");
  for (uint64_t size = 1, id = 10; size <= 3; size++) {
    uint32_t ring = gc_frame_open(h);
    gc_root head = gc_root_push(h, new_obj(h, id++, 1, false, KIND_PLAIN)), tail = gc_root_push(h, gc_root_get(h, head));
    for (uint64_t k = 1; k < size; k++) {
      gc_obj *o = new_obj(h, id++, 1, false, KIND_PLAIN);
      gc_set(h, gc_root_get(h, tail), 0, o);
      gc_root_set(h, tail, o);
    }
    gc_set(h, gc_root_get(h, tail), 0, gc_root_get(h, head));
    gc_frame_close(h, ring);
  }
  collect(h);
  say_stats(h, "after the rings");
  gc_frame_close(h, frame);
  gc_heap_destroy(h);
}

/* ==================================================================
 * rings: pyperformance's gc_collect (fidelity_rings.py is the Python side)
 * ================================================================== */

enum { NODE_NEXT = 0, NODE_PREV = 1 };
#define RING_LINKS 20 /* pyperformance's LINKS: 21 nodes per ring */

/* a.next = b; b.prev = a */
static void link_nodes(gc_heap *h, gc_root a, gc_root b) {
  gc_set(h, gc_root_get(h, a), NODE_NEXT, gc_root_get(h, b));
  gc_set(h, gc_root_get(h, b), NODE_PREV, gc_root_get(h, a));
}

/* create_gc_cycles(n_cycles, LINKS): the list holds each ring's first node. */
static void build_rings(gc_heap *h, gc_root list, uint32_t rings) {
  uint32_t frame = gc_frame_open(h);
  gc_root node = gc_root_push(h, NULL), current = gc_root_push(h, NULL), next = gc_root_push(h, NULL);
  for (uint32_t r = 0; r < rings; r++) {
    gc_root_set(h, node, gc_alloc(h, 2, 0));
    gc_set(h, gc_root_get(h, list), r, gc_root_get(h, node));
    gc_root_set(h, current, gc_root_get(h, node));
    for (int i = 0; i < RING_LINKS; i++) {
      gc_root_set(h, next, gc_alloc(h, 2, 0));
      link_nodes(h, current, next);
      gc_root_set(h, current, gc_root_get(h, next));
    }
    link_nodes(h, current, node);
  }
  gc_frame_close(h, frame);
}

static void scenario_rings(void) {
  static const uint32_t counts[] = {100, 1000};
  say("== rings");
  for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
    gc_heap *h = open_heap(NULL);
    uint32_t frame = gc_frame_open(h);
    collect(h);
    gc_root list = gc_root_push(h, gc_alloc(h, counts[k], 0));
    build_rings(h, list, counts[k]);
    say_stats(h, "rings built");
    gc_root_set(h, list, NULL); /* del all_cycles */
    size_t n = gc_collect(h);
    say("rings %ux%d: collect %zu", counts[k], RING_LINKS + 1, n);
    say_stats(h, "rings collected");
    gc_frame_close(h, frame);
    gc_heap_destroy(h);
  }
}

/* ==================================================================
 * trashcan: a deep chain dropped at once
 * ================================================================== */

#define CHAIN_LENGTH 150

/* Node i: field 0 the next node, field 1 a finalizable leaf (1000 + i), field 2 a
 * finalizable container with no children set (2000 + i).  Built tail first. */
static void scenario_trashcan(void) {
  say("== trashcan");
  gc_heap *h = open_heap(NULL);
  uint32_t frame = gc_frame_open(h);
  gc_root head = gc_root_push(h, NULL), node = gc_root_push(h, NULL);
  for (int i = CHAIN_LENGTH - 1; i >= 0; i--) {
    gc_root_set(h, node, new_obj(h, (uint64_t)i, 3, true, KIND_PLAIN));
    gc_set(h, gc_root_get(h, node), 0, gc_root_get(h, head));
    gc_set(h, gc_root_get(h, node), 1, new_obj(h, 1000 + (uint64_t)i, 0, true, KIND_PLAIN));
    gc_set(h, gc_root_get(h, node), 2, new_obj(h, 2000 + (uint64_t)i, 1, true, KIND_PLAIN));
    gc_root_set(h, head, gc_root_get(h, node));
  }
  gc_root_set(h, node, NULL);
  say("drop the chain");
  gc_root_set(h, head, NULL);
  say_stats(h, "chain dropped");
  gc_frame_close(h, frame);
  gc_heap_destroy(h);
}

/* ==================================================================
 * resurrection: where an object resurrected by counting lands
 * ================================================================== */

/* An object old enough to be in generation 2 resurrects itself when its count
 * drops to zero; made a self-loop and dropped again, it is cyclic garbage — found
 * by the next generation 0 collection only if resurrection put it back in
 * generation 0, as CPython's subtype_dealloc does. */
static void scenario_resurrection(void) {
  say("== resurrection");
  gc_heap *h = open_heap(NULL);
  uint32_t frame = gc_frame_open(h);
  resurrection_slot = gc_root_push(h, NULL);
  resurrection_open = true;
  gc_root r = gc_root_push(h, new_obj(h, 1, 1, true, KIND_RESURRECT));
  collect(h);
  say("drop r");
  gc_root_set(h, r, NULL);
  say("refcount of the resurrected %ld", gc_refcount(h, gc_root_get(h, resurrection_slot)));
  gc_set(h, gc_root_get(h, resurrection_slot), 0, gc_root_get(h, resurrection_slot));
  gc_root_set(h, resurrection_slot, NULL);
  resurrection_open = false;
  gc_root chain = gc_root_push(h, NULL);
  for (int i = 0; i < 701; i++) {
    gc_obj *o = gc_alloc(h, 1, 0);
    gc_set(h, o, 0, gc_root_get(h, chain));
    gc_root_set(h, chain, o);
  }
  say_stats(h, "after 701 allocations");
  gc_frame_close(h, frame);
  gc_heap_destroy(h);
}

/* ==================================================================
 * random: graphs with cycles, finalizers and resurrection
 * ================================================================== */

#define RANDOM_SLOTS 24
#define RANDOM_MAX_PTRS 4

typedef struct walk {
  gc_heap *h;
  uint64_t rng;
  gc_root slots[RANDOM_SLOTS];
  gc_root local; /* the new object, as a Python local variable holds it */
  uint64_t next_id;
} walk;

static uint64_t next_random(walk *w) {
  uint64_t z = (w->rng += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint32_t below(walk *w, uint32_t n) { return (uint32_t)(next_random(w) % n); }

/* A reachable object: a random non-NULL root slot (the resurrection slot
 * included), then up to three random non-NULL fields; NULL if every slot is. */
static gc_obj *pick(walk *w) {
  uint32_t start = below(w, RANDOM_SLOTS + 1);
  gc_obj *o = NULL;
  for (uint32_t k = 0; k <= RANDOM_SLOTS && !o; k++) {
    uint32_t s = (start + k) % (RANDOM_SLOTS + 1);
    o = gc_root_get(w->h, s == RANDOM_SLOTS ? resurrection_slot : w->slots[s]);
  }
  for (uint32_t hops = below(w, 4); o && hops > 0; hops--) {
    if (!gc_nptrs(o)) break;
    gc_obj *f = gc_get(o, below(w, gc_nptrs(o)));
    if (!f) break;
    o = f;
  }
  return o;
}

static gc_obj *pick_container(walk *w) {
  for (int tries = 0; tries < 4; tries++) {
    gc_obj *o = pick(w);
    if (o && gc_nptrs(o)) return o;
  }
  return NULL;
}

/* A new object, stored in a root slot or a field, some of its fields pointing
 * back into the graph (or at itself: cycles).  It is held by `local` meanwhile:
 * the store lets go of the old value, and what that frees may run a finalizer
 * whose resurrection drops the only path to the holder, and with it the object. */
static void op_allocate(walk *w) {
  uint32_t nptrs = below(w, RANDOM_MAX_PTRS + 1);
  bool finalizable = below(w, 4) == 0;
  uint64_t kind = finalizable && below(w, 4) == 0 ? KIND_RESURRECT : KIND_PLAIN;
  gc_root_set(w->h, w->local, new_obj(w->h, w->next_id++, nptrs, finalizable, kind));
  gc_obj *holder = below(w, 2) ? pick_container(w) : NULL;
  if (holder) gc_set(w->h, holder, below(w, gc_nptrs(holder)), gc_root_get(w->h, w->local));
  else gc_root_set(w->h, w->slots[below(w, RANDOM_SLOTS)], gc_root_get(w->h, w->local));
  for (uint32_t i = 0; i < nptrs; i++) {
    if (below(w, 2)) continue;
    gc_obj *o = gc_root_get(w->h, w->local);
    gc_set(w->h, o, i, below(w, 8) == 0 ? o : pick(w));
  }
  gc_root_set(w->h, w->local, NULL);
}

static void op_store(walk *w) {
  gc_obj *holder = pick_container(w);
  if (holder) gc_set(w->h, holder, below(w, gc_nptrs(holder)), below(w, 5) == 0 ? NULL : pick(w));
}

static void op_set_root(walk *w) {
  gc_root_set(w->h, w->slots[below(w, RANDOM_SLOTS)], below(w, 3) == 0 ? pick(w) : NULL);
}

static void run_random(uint64_t seed, const char *tuning, uint32_t steps, uint32_t collects_per_mille) {
  say("== random seed %llu tuning %s", (unsigned long long)seed, tuning ? tuning : "(defaults)");
  walk w = {.h = open_heap(tuning), .rng = seed, .next_id = 1};
  uint32_t frame = gc_frame_open(w.h);
  resurrection_slot = gc_root_push(w.h, NULL);
  resurrection_open = true;
  for (int s = 0; s < RANDOM_SLOTS; s++) w.slots[s] = gc_root_push(w.h, NULL);
  w.local = gc_root_push(w.h, NULL);
  for (uint32_t step = 1; step <= steps; step++) {
    uint32_t r = below(&w, 100);
    if (r < 50) op_allocate(&w);
    else if (r < 75) op_store(&w);
    else op_set_root(&w);
    if (below(&w, 1000) < collects_per_mille) collect(w.h);
    if (step % 500 == 0) {
      char when[32];
      snprintf(when, sizeof when, "step %u", step);
      say_stats(w.h, when);
    }
  }
  say("drop every root");
  resurrection_open = false;
  gc_frame_close(w.h, frame);
  collect(w.h);
  say_stats(w.h, "end");

  gc_heap_destroy(w.h);
}

static void scenario_random(void) {
  for (uint64_t seed = 1; seed <= 6; seed++) run_random(seed, "threshold0=12,threshold1=3,threshold2=2", 6000, 1);
  for (uint64_t seed = 11; seed <= 12; seed++) run_random(seed, NULL, 20000, 3);
}

/* ==================================================================
 * main
 * ================================================================== */

int main(int argc, char **argv) {
  static const struct {
    const char *name;
    void (*run)(void);
  } scenarios[] = {
      {"seed", scenario_seed},
      {"rings", scenario_rings},
      {"trashcan", scenario_trashcan},
      {"resurrection", scenario_resurrection},
      {"random", scenario_random},
  };
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++)
    if (argc < 2 || strstr(scenarios[i].name, argv[1])) scenarios[i].run();
  return 0;
}
