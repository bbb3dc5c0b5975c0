/*
 * synth.c — a seeded, tunable allocation generator: one workload whose heap
 * behaviour is set by parameters rather than by a program.
 *
 * Origins (docs/references.md, "Workloads", "Tunable generators and traces"):
 * GCPerfSim's size ranges and survival rates, the rtgc-style generators' cycle and
 * replacement percentages, and GCOld's old-generation pointer mutations, in one loop.
 *
 * The heap it builds: a live set of `live_kb` KiB of object bytes, held in a
 * table of slots (one rooted spine of 1024-slot chunk objects) and first filled
 * by allocation; then `alloc_kb` KiB more are allocated, one object per step:
 *
 *   1. shape: pointer fields uniform in [ptrs_min, ptrs_max] and raw bytes uniform
 *      in [bytes_min, bytes_max]; or, with probability 1/big_every, a pointer-free
 *      array of big_bytes raw bytes.  The raw bytes begin with the object's serial
 *      number and end with a check word (as far as they have room);
 *   2. each pointer field points at a random live object with probability
 *      link_pct% (young-to-old pointers);
 *   3. with probability cycle_pct%, the new object and the previous allocation
 *      point at each other through their last fields (a two-object cycle);
 *   4. with probability survive_pct%, the object enters the live set, replacing a
 *      random slot (lifetime=random: lifetimes geometric around the table's turnover)
 *      or the oldest (lifetime=fifo: every survivor lives equally long); otherwise it
 *      is short-lived: held in a ring of young_window root slots, it dies when the
 *      ring comes round (0: dropped at once);
 *   5. with probability oldyoung_pct%, it is stored into a random field of a random
 *      live object (an old-to-young store: a write barrier's business);
 *   6. mutate_pct / 100 pointer stores between live objects (a random field of a
 *      random live object gets another random live object, or NULL one time in 8);
 *   7. every collect_every steps (0: never), an explicit gc_collect.
 * Objects evicted from the table stay alive as long as the fields of live objects
 * reach them, so the reachable heap is somewhat above live_kb when links and
 * mutations are frequent; random links and mutations also close cycles of their
 * own, which pure reference counting leaks (cycle_pct adds deliberate ones).
 *
 * Parameters, all --param key=value: preset=NAME picks defaults for the others
 *   balanced        ptrs 1-4, bytes 8-32, survive 10, random, window 16, link 25,
 *                   mutate 10, cycle 0, oldyoung 2
 *   high-survival   survive 50, fifo, window 4, mutate 5, oldyoung 1
 *   churn           ptrs 0-2, bytes 8-64, survive 1, window 2, link 10, mutate 0,
 *                   oldyoung 0
 *   cyclic          balanced with cycle 30
 *   mutation-heavy  balanced with link 50, mutate 300, oldyoung 25
 *   big-arrays      balanced with big_every 50, big_bytes 32768
 * and each key overrides its preset's value: ptrs_min, ptrs_max (0..64), bytes_min,
 * bytes_max (0..1048576), big_every (0..10^6), big_bytes (8..67108864),
 * survive_pct, link_pct, cycle_pct, oldyoung_pct (0..100), mutate_pct (0..10000),
 * lifetime (random|fifo), young_window (0..65536), collect_every, live_kb
 * (1..67108864) and alloc_kb (0..2^30), both in KiB of object bytes.  The sizes
 * choose the preset (balanced) and the scale: quick 24 KiB live and 64 KiB
 * allocated (small enough for zeal runs: bdw's zeal collects at every allocation
 * while its heap is small), default 32 MiB and 256 MiB, large 512 MiB and 4 GiB.
 * Every parameter in force, defaults included, is in the record's observations.
 *
 * Verification: after the live set is built, halfway and at the end, every live
 * slot and young slot is walked; each object's raw bytes must still hold its
 * serial and check word, and the checksum folds each object's serial, shape and
 * the serials its fields point at.  The random choices come from the run's seed
 * alone, so every collector performs the same operations and reads back the same
 * heap.
 */
#include <string.h>

#include "workloads/workload.h"

enum { CHUNK_SLOTS = 1024, VERIFY_POINTS = 2 };
enum { MAX_PTRS = 64, MAX_WINDOW = 65536, MAX_PCT = 100, MAX_MUTATE = 10000 };
#define MAX_BYTES (1u << 20)
#define MAX_BIG_BYTES (64u << 20)
#define MAX_BIG_EVERY 1000000u
#define MAX_LIVE_KB (64u << 20)
#define MAX_ALLOC_KB (1ull << 30)

typedef enum { LIFETIME_RANDOM, LIFETIME_FIFO } lifetime_policy;

typedef struct synth_params {
  const char *preset;
  uint64_t ptrs_min, ptrs_max, bytes_min, bytes_max, big_every, big_bytes;
  uint64_t survive_pct, link_pct, cycle_pct, oldyoung_pct, mutate_pct;
  lifetime_policy lifetime;
  uint64_t young_window, collect_every, live_kb, alloc_kb;
} synth_params;

/* The presets' behaviour; live_kb and alloc_kb come from the size. */
static const synth_params balanced = {
    .preset = "balanced", .ptrs_min = 1, .ptrs_max = 4, .bytes_min = 8, .bytes_max = 32,
    .big_every = 0, .big_bytes = 32768, .survive_pct = 10, .link_pct = 25, .cycle_pct = 0,
    .oldyoung_pct = 2, .mutate_pct = 10, .lifetime = LIFETIME_RANDOM, .young_window = 16,
    .collect_every = 0,
};

static synth_params preset_named(const char *name, bool *found) {
  synth_params p = balanced;
  *found = true;
  p.preset = name;
  if (!strcmp(name, "balanced")) return p;
  if (!strcmp(name, "high-survival")) {
    p.survive_pct = 50, p.lifetime = LIFETIME_FIFO, p.young_window = 4, p.mutate_pct = 5, p.oldyoung_pct = 1;
  } else if (!strcmp(name, "churn")) {
    p.ptrs_min = 0, p.ptrs_max = 2, p.bytes_min = 8, p.bytes_max = 64, p.survive_pct = 1, p.young_window = 2;
    p.link_pct = 10, p.mutate_pct = 0, p.oldyoung_pct = 0;
  } else if (!strcmp(name, "cyclic")) {
    p.cycle_pct = 30;
  } else if (!strcmp(name, "mutation-heavy")) {
    p.link_pct = 50, p.mutate_pct = 300, p.oldyoung_pct = 25;
  } else if (!strcmp(name, "big-arrays")) {
    p.big_every = 50;
  } else {
    *found = false;
  }
  return p;
}

#define PRESET_NAMES "balanced, high-survival, churn, cyclic, mutation-heavy, big-arrays"

static const struct { uint64_t live_kb, alloc_kb; } scale[WL_NSIZES] = {
    [WL_QUICK] = {24, 64},
    [WL_DEFAULT] = {32 << 10, 256 << 10},
    [WL_LARGE] = {512 << 10, 4 << 20},
};

/* One run.  Roots: the live table's spine, the young ring, the previous
 * allocation (for cycles). */
typedef struct synth {
  wl_ctx *ctx;
  gc_heap *h;
  synth_params p;
  wl_rng rng;
  gc_root spine, prev, ring0;
  uint64_t nlive, fifo_next, ring_next;
  uint64_t serial, alloc_bytes;
} synth;

/* ==================================================================
 * Parameters
 * ================================================================== */

static uint64_t param_in(wl_ctx *ctx, const char *key, uint64_t dflt, uint64_t max) {
  uint64_t v = wl_param_u64(ctx, key, dflt);
  if (v > max) wl_bad_param(ctx, "parameter %s=%llu is over %llu", key, (unsigned long long)v, (unsigned long long)max);
  return v;
}

static lifetime_policy lifetime_param(wl_ctx *ctx, lifetime_policy dflt) {
  const char *v = wl_param(ctx, "lifetime", NULL);
  if (!v) return dflt;
  if (!strcmp(v, "random")) return LIFETIME_RANDOM;
  if (!strcmp(v, "fifo")) return LIFETIME_FIFO;
  wl_bad_param(ctx, "parameter lifetime=%s: valid are random, fifo", v);
}

/* The preset first, then every key over it. */
static synth_params read_params(wl_ctx *ctx) {
  bool found;
  synth_params d = preset_named(wl_param(ctx, "preset", "balanced"), &found);
  if (!found) wl_bad_param(ctx, "unknown preset '%s' (valid: %s)", d.preset, PRESET_NAMES);
  synth_params p = {.preset = d.preset};
  p.ptrs_min = param_in(ctx, "ptrs_min", d.ptrs_min, MAX_PTRS);
  p.ptrs_max = param_in(ctx, "ptrs_max", d.ptrs_max, MAX_PTRS);
  p.bytes_min = param_in(ctx, "bytes_min", d.bytes_min, MAX_BYTES);
  p.bytes_max = param_in(ctx, "bytes_max", d.bytes_max, MAX_BYTES);
  p.big_every = param_in(ctx, "big_every", d.big_every, MAX_BIG_EVERY);
  p.big_bytes = param_in(ctx, "big_bytes", d.big_bytes, MAX_BIG_BYTES);
  p.survive_pct = param_in(ctx, "survive_pct", d.survive_pct, MAX_PCT);
  p.link_pct = param_in(ctx, "link_pct", d.link_pct, MAX_PCT);
  p.cycle_pct = param_in(ctx, "cycle_pct", d.cycle_pct, MAX_PCT);
  p.oldyoung_pct = param_in(ctx, "oldyoung_pct", d.oldyoung_pct, MAX_PCT);
  p.mutate_pct = param_in(ctx, "mutate_pct", d.mutate_pct, MAX_MUTATE);
  p.lifetime = lifetime_param(ctx, d.lifetime);
  p.young_window = param_in(ctx, "young_window", d.young_window, MAX_WINDOW);
  p.collect_every = wl_param_u64(ctx, "collect_every", d.collect_every);
  p.live_kb = param_in(ctx, "live_kb", scale[wl_size_of(ctx)].live_kb, MAX_LIVE_KB);
  p.alloc_kb = param_in(ctx, "alloc_kb", scale[wl_size_of(ctx)].alloc_kb, MAX_ALLOC_KB);
  if (p.ptrs_min > p.ptrs_max)
    wl_bad_param(ctx, "parameter ptrs_min=%llu is over ptrs_max=%llu", (unsigned long long)p.ptrs_min,
                 (unsigned long long)p.ptrs_max);
  if (p.bytes_min > p.bytes_max)
    wl_bad_param(ctx, "parameter bytes_min=%llu is over bytes_max=%llu", (unsigned long long)p.bytes_min,
                 (unsigned long long)p.bytes_max);
  if (p.big_bytes < 8) wl_bad_param(ctx, "parameter big_bytes=%llu is below 8", (unsigned long long)p.big_bytes);
  if (p.live_kb < 1) wl_bad_param(ctx, "parameter live_kb=0: the live set needs at least one slot");
  /* Empty objects are 0 object bytes: the volume would never be reached. */
  if (!p.ptrs_max && !p.bytes_max && !p.big_every)
    wl_bad_param(ctx, "parameters ptrs_max=0, bytes_max=0 and big_every=0 make every object empty");
  return p;
}

/* The record carries the parameters in force, defaults included. */
static void observe_params(wl_ctx *ctx, const synth_params *p, uint64_t nlive) {
  wl_observe_str(ctx, "preset", p->preset);
  wl_observe_str(ctx, "lifetime", p->lifetime == LIFETIME_FIFO ? "fifo" : "random");
  const struct { const char *key; uint64_t v; } ints[] = {
      {"ptrs_min", p->ptrs_min}, {"ptrs_max", p->ptrs_max}, {"bytes_min", p->bytes_min},
      {"bytes_max", p->bytes_max}, {"big_every", p->big_every}, {"big_bytes", p->big_bytes},
      {"survive_pct", p->survive_pct}, {"link_pct", p->link_pct}, {"cycle_pct", p->cycle_pct},
      {"oldyoung_pct", p->oldyoung_pct}, {"mutate_pct", p->mutate_pct}, {"young_window", p->young_window},
      {"collect_every", p->collect_every}, {"live_kb", p->live_kb}, {"alloc_kb", p->alloc_kb},
      {"live_slots", nlive},
  };
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) wl_observe_int(ctx, ints[i].key, (long long)ints[i].v);
}

/* The mean object bytes the shape distribution draws, to size the table. */
static double mean_object_bytes(const synth_params *p) {
  double ptrs = 4.0 * (double)(p->ptrs_min + p->ptrs_max);
  double bytes = (double)(p->bytes_min + p->bytes_max) / 2 + 3.5; /* rounding up to 8 */
  double small = ptrs + bytes;
  if (!p->big_every) return small > 8 ? small : 8;
  double big = (double)((p->big_bytes + 7) & ~(uint64_t)7), q = 1.0 / (double)p->big_every;
  return (1 - q) * small + q * big;
}

/* ==================================================================
 * The live table: a spine of chunk objects
 * ================================================================== */

static gc_obj *live_get(synth *s, uint64_t slot) {
  gc_obj *chunk = gc_get(gc_root_get(s->h, s->spine), (uint32_t)(slot / CHUNK_SLOTS));
  return gc_get(chunk, (uint32_t)(slot % CHUNK_SLOTS));
}

static void live_put(synth *s, uint64_t slot, gc_obj *o) {
  gc_obj *chunk = gc_get(gc_root_get(s->h, s->spine), (uint32_t)(slot / CHUNK_SLOTS));
  gc_set(s->h, chunk, (uint32_t)(slot % CHUNK_SLOTS), o);
}

static gc_obj *random_live(synth *s) { return live_get(s, wl_rng_below(&s->rng, s->nlive)); }

/* The spine, then its chunks one by one, each stored before the next allocation. */
static void make_table(synth *s) {
  uint64_t nchunks = (s->nlive + CHUNK_SLOTS - 1) / CHUNK_SLOTS;
  gc_root_set(s->h, s->spine, gc_alloc(s->h, (uint32_t)nchunks, 0));
  for (uint64_t c = 0; c < nchunks; c++) {
    gc_obj *chunk = gc_alloc(s->h, CHUNK_SLOTS, 0);
    gc_set(s->h, gc_root_get(s->h, s->spine), (uint32_t)c, chunk);
  }
}

/* ==================================================================
 * Objects
 * ================================================================== */

static bool chance(synth *s, uint64_t pct) { return pct && wl_rng_below(&s->rng, 100) < pct; }

static uint64_t check_word(uint64_t serial, uint32_t nptrs, uint32_t nbytes) {
  return wl_mix(serial, (uint64_t)nptrs << 32 | nbytes);
}

/* The serial in the first 8 bytes, the check word in the last 8, as far as the
 * bytes go (an object under 16 bytes keeps a prefix of its serial only). */
static void stamp(gc_obj *o, uint64_t serial) {
  uint32_t n = gc_nbytes(o);
  unsigned char *b = gc_data(o);
  memcpy(b, &serial, n < 8 ? n : 8);
  if (n >= 16) {
    uint64_t check = check_word(serial, gc_nptrs(o), n);
    memcpy(b + n - 8, &check, 8);
  }
}

/* What the raw bytes say the serial is (a prefix under 8 bytes; 0 without bytes). */
static uint64_t serial_of(gc_obj *o) {
  uint64_t serial = 0;
  uint32_t n = gc_nbytes(o);
  memcpy(&serial, gc_data(o), n < 8 ? n : 8);
  return serial;
}

static gc_obj *new_object(synth *s) {
  uint32_t nptrs, nbytes;
  if (s->p.big_every && wl_rng_below(&s->rng, s->p.big_every) == 0) {
    nptrs = 0;
    nbytes = (uint32_t)s->p.big_bytes;
  } else {
    nptrs = (uint32_t)(s->p.ptrs_min + wl_rng_below(&s->rng, s->p.ptrs_max - s->p.ptrs_min + 1));
    nbytes = (uint32_t)(s->p.bytes_min + wl_rng_below(&s->rng, s->p.bytes_max - s->p.bytes_min + 1));
  }
  gc_obj *o = gc_alloc(s->h, nptrs, nbytes);
  stamp(o, ++s->serial);
  s->alloc_bytes += (uint64_t)nptrs * 8 + ((nbytes + 7u) & ~7u);
  return o;
}

/* Step 2: young-to-old pointers (NULL slots of a table still filling stay NULL). */
static void link_fields(synth *s, gc_obj *o) {
  for (uint32_t i = 0; i < gc_nptrs(o); i++)
    if (chance(s, s->p.link_pct)) gc_set(s->h, o, i, random_live(s));
}

/* Step 3: o and the previous allocation, each through its last field. */
static void maybe_cycle(synth *s, gc_obj *o) {
  if (!chance(s, s->p.cycle_pct)) return;
  gc_obj *prev = gc_root_get(s->h, s->prev);
  if (!prev || !gc_nptrs(o) || !gc_nptrs(prev)) return;
  gc_set(s->h, o, gc_nptrs(o) - 1, prev);
  gc_set(s->h, prev, gc_nptrs(prev) - 1, o);
}

/* Step 4: into the live table or the young ring. */
static void place(synth *s, gc_obj *o) {
  if (chance(s, s->p.survive_pct)) {
    uint64_t slot = s->p.lifetime == LIFETIME_FIFO ? s->fifo_next++ % s->nlive : wl_rng_below(&s->rng, s->nlive);
    live_put(s, slot, o);
  } else if (s->p.young_window) {
    gc_root_set(s->h, s->ring0 + (gc_root)(s->ring_next++ % s->p.young_window), o);
  }
}

/* Step 5: an old object's field gets the new one. */
static void maybe_old_to_young(synth *s, gc_obj *o) {
  if (!chance(s, s->p.oldyoung_pct)) return;
  gc_obj *old = random_live(s);
  if (old && gc_nptrs(old)) gc_set(s->h, old, (uint32_t)wl_rng_below(&s->rng, gc_nptrs(old)), o);
}

/* Step 6: mutate_pct / 100 stores, the fraction by chance. */
static void mutate(synth *s) {
  uint64_t n = s->p.mutate_pct / 100 + chance(s, s->p.mutate_pct % 100);
  for (uint64_t i = 0; i < n; i++) {
    gc_obj *a = random_live(s);
    gc_obj *b = wl_rng_below(&s->rng, 8) ? random_live(s) : NULL;
    if (a && gc_nptrs(a)) gc_set(s->h, a, (uint32_t)wl_rng_below(&s->rng, gc_nptrs(a)), b);
  }
}

/* One allocation and what follows it.  Nothing allocates after new_object, so o
 * stays valid to the end of the step (gc.h rule 2). */
static void step(synth *s) {
  gc_obj *o = new_object(s);
  link_fields(s, o);
  maybe_cycle(s, o);
  place(s, o);
  maybe_old_to_young(s, o);
  mutate(s);
  gc_root_set(s->h, s->prev, o);
  if (s->p.collect_every && s->serial % s->p.collect_every == 0) gc_collect(s->h);
}

/* ==================================================================
 * Verification
 * ================================================================== */

static uint64_t fold_object(synth *s, gc_obj *o, uint64_t sum) {
  if (!o) return wl_mix(sum, 0);
  uint32_t n = gc_nbytes(o);
  uint64_t serial = serial_of(o);
  if (n >= 16) {
    uint64_t check;
    memcpy(&check, (unsigned char *)gc_data(o) + n - 8, 8);
    if (check != check_word(serial, gc_nptrs(o), n))
      wl_fail(s->ctx, "object %llu (%u pointers, %u bytes): its check word is corrupt", (unsigned long long)serial,
              gc_nptrs(o), n);
  }
  sum = wl_mix(sum, serial);
  sum = wl_mix(sum, (uint64_t)gc_nptrs(o) << 32 | n);
  for (uint32_t i = 0; i < gc_nptrs(o); i++) {
    gc_obj *f = gc_get(o, i);
    sum = wl_mix(sum, f ? serial_of(f) + 1 : 0);
  }
  return sum;
}

/* Every live slot and young slot.  No allocation. */
static uint64_t verify(synth *s) {
  uint64_t sum = wl_mix(s->serial, s->alloc_bytes);
  for (uint64_t i = 0; i < s->nlive; i++) sum = fold_object(s, live_get(s, i), sum);
  for (uint64_t i = 0; i < s->p.young_window; i++) sum = fold_object(s, gc_root_get(s->h, s->ring0 + (gc_root)i), sum);
  return sum;
}

/* ==================================================================
 * The run
 * ================================================================== */

/* The live set is filled first: every table slot in order, each new object linked
 * to earlier ones. */
static void fill_live_set(synth *s) {
  for (uint64_t i = 0; i < s->nlive; i++) {
    gc_obj *o = new_object(s);
    link_fields(s, o);
    live_put(s, i, o);
  }
}

static uint64_t run_synth(wl_ctx *ctx) {
  gc_heap *h = wl_heap(ctx);
  synth s = {.ctx = ctx, .h = h, .p = read_params(ctx), .rng = wl_rng_seed(wl_seed(ctx))};
  double mean = mean_object_bytes(&s.p);
  s.nlive = (uint64_t)((double)s.p.live_kb * 1024 / mean);
  if (s.nlive < 1) s.nlive = 1;
  observe_params(ctx, &s.p, s.nlive);
  uint32_t frame = gc_frame_open(h);
  s.spine = gc_root_push(h, NULL);
  s.prev = gc_root_push(h, NULL);
  s.ring0 = gc_root_push(h, NULL);
  for (uint64_t i = 1; i < s.p.young_window; i++) gc_root_push(h, NULL);

  make_table(&s);
  fill_live_set(&s);
  uint64_t sum = verify(&s), volume = s.p.alloc_kb << 10, start = s.alloc_bytes;
  for (int point = 1; point <= VERIFY_POINTS; point++) {
    while (s.alloc_bytes - start < volume * (uint64_t)point / VERIFY_POINTS) step(&s);
    sum = wl_mix(sum, verify(&s));
  }
  wl_output(ctx, "preset %s: %llu live slots (about %llu KiB), %llu objects and %.1f MiB allocated", s.p.preset,
            (unsigned long long)s.nlive, (unsigned long long)s.p.live_kb, (unsigned long long)s.serial,
            (double)s.alloc_bytes / (1 << 20));
  gc_frame_close(h, frame);
  return sum;
}

const workload wl_synth = {
    .name = "synth",
    .description = "a seeded generator: size distribution, survival and lifetimes, live set, volume, mutations, "
                   "cycles and old-to-young stores, all --param (presets: " PRESET_NAMES ")",
    .size_doc = {
        "preset balanced, 24 KiB live set, then 64 KiB allocated: 2 K objects, 96 KiB of objects in all",
        "preset balanced, 32 MiB live set (0.77 M slots), then 256 MiB allocated: 7.0 M objects, 294 MiB of objects "
        "in all, about 49 MiB reachable",
        "preset balanced, 512 MiB live set (12 M slots), then 4 GiB allocated",
    },
    .params_doc = "preset=" PRESET_NAMES "; then any of ptrs_min, ptrs_max (0..64), bytes_min, bytes_max (0..1048576), "
                  "big_every (one in N objects a pointer-free array; 0 none), big_bytes, survive_pct, link_pct, cycle_pct, "
                  "oldyoung_pct (0..100), mutate_pct (stores per 100 allocations, 0..10000), lifetime=random|fifo, "
                  "young_window (0..65536), collect_every (0 never), live_kb, alloc_kb (KiB; by size 24/64, 32768/262144, "
                  "524288/4194304)",
    .run = run_synth,
};
