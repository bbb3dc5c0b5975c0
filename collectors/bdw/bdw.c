/*
 * bdw.c — the Boehm-Demers-Weiser collector behind the gclab API: booting Boehm,
 * its callbacks, allocation slow paths, finalization, counting, the gc module's
 * knobs and statistics.  The object layout and the fast paths are bdw_impl.h's.
 *
 * Boehm's heap is process-wide and cannot be torn down, so a gclab heap is a view
 * on it: one at a time, with its own roots, counters and pause log.  Boehm is
 * booted by the first gc_heap_create of a process; a later heap first collects and
 * disowns whatever earlier heaps left (bdw_adopt_heap).
 *
 * Collections happen inside an allocation's refill when Boehm decides (or, in zeal mode, at
 * every allocation while the heap is small), and in gc_collect.  Boehm's
 * collection events open and close the pause ("full": Boehm stops the world and
 * marks everything); the lazy sweep that follows runs inside later allocations and
 * counts as mutator time, as Boehm ships.
 *
 * Finalization is on demand (GC_set_finalize_on_demand): a collection only queues
 * the objects it found, and bdw runs the queue at defined points — right after the
 * allocation or gc_collect whose collection queued them (rule 6).  Registration is
 * GC_REGISTER_FINALIZER_NO_ORDER, with Java finalization on: Boehm's ordered
 * finalization never finalizes an object on a cycle of finalizable objects, and
 * finalizes a chain of them one link per collection; gclab's finalizers are
 * unordered, like Java's and like CPython's for cycles (PEP 442).  Java
 * finalization marks everything a queued object refers to, so a finalizer reads
 * intact fields even when their targets are queued too.  A finalizer that stores
 * its object into a root resurrects it: Boehm has already unregistered it, so it
 * lives on and is never finalized again.
 *
 * The heap policy (gc_options.heap_policy, with a heap limit).  Growable: the
 * limit is a cap (GC_set_max_heap_size) and Boehm grows its heap by its own rule
 * (GC_free_space_divisor).  Fixed: as Whippet's bdw backend, Boehm's heap is grown
 * to the limit up front (bdw_expand_to: GC_expand_hp), so Boehm fills it before it
 * collects and a bigger heap means fewer collections.
 *
 * What Boehm still retains that the binding cannot help: heap objects are traced
 * precisely (the kind's mark procedure, bdw_impl.h: raw bytes and shape words are
 * never scanned), so what is left is Boehm's conservatism about the C stack and
 * registers -- a stale word in a frame above the collection (the workload's, the
 * harness's) keeps what it points at and everything that reaches.  bdw clears the
 * stack below itself before the collections it asks for (bdw_scrub_stack); frames
 * above cannot be cleared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/api/gc.h"
#include "collectors/common/gc_tuning.h"

/* after gc.h: gc_inline.h keeps an existing GC_ASSERT (gc_embed.h's) */
#include <gc/gc_inline.h> /* GC_generic_malloc_many, GC_malloc_kind */
#include <gc/gc_mark.h>

/* Stack words cleared before a collection bdw asks for (bdw_scrub_stack). */
#define BDW_SCRUB_WORDS 2048
/* Zeal: a full collection at every allocation while Boehm's heap holds less than
 * this in use, else whenever a 64th of what it holds has been allocated since the
 * latest one (bdw_alloc_slow). */
#define BDW_ZEAL_EVERY_ALLOCATION_BELOW ((size_t)256 << 10)
#define BDW_ZEAL_DIVISOR 64

static const gc_collector_info bdw_info = {
    .name = "bdw",
    .description = "Boehm-Demers-Weiser (libgc 8.2): conservative non-moving mark-sweep, as it ships",
    .caps = GC_CAP_COLLECTS_CYCLES | GC_CAP_RECLAIMS | GC_CAP_CONSERVATIVE,
};

const gc_collector_info *gc_collector(void) { return &bdw_info; }

/* ==================================================================
 * Process-wide state: Boehm is one per process
 * ================================================================== */

static struct {
  bool booted;
  bool all_interior_pointers; /* as GC_INIT was told: fixed for the process */
  int kind;                   /* the Boehm object kind of every gclab object */
  GC_word default_free_space_divisor;
  GC_push_other_roots_proc next_push; /* Boehm's own: thread stacks */
  uintptr_t heaps_created;
  uint64_t warnings;    /* Boehm's warnings, silenced and counted */
  uint64_t oom_returns; /* times Boehm gave up on an allocation */
} bdw_process;

/* The heap the callbacks serve; NULL between heaps. */
static gc_heap *bdw_heap;

/* ==================================================================
 * Boehm's callbacks (they run inside Boehm, the allocation lock held:
 * no GC allocation here)
 * ================================================================== */

/* Why push roots by hand rather than GC_add_roots: the shadow stack is libc
 * memory that moves when it grows, and slots above `top` keep stale values.
 * Pushing [0, top) at each collection is exact and costs the mutator nothing.
 * Boehm's own procedure (thread stacks) must still run: it is chained. */
static void GC_CALLBACK bdw_push_roots(void) {
  gc_heap *h = bdw_heap;
  if (h) {
    gc_roots *r = &h->c.roots;
    if (r->top) GC_push_all(r->slots, r->slots + r->top);
    if (h->immortals.len) GC_push_all(h->immortals.items, h->immortals.items + h->immortals.len);
  }
  if (bdw_process.next_push) bdw_process.next_push();
}

/* The gclab kind's mark procedure: the pointer fields of a tagged object and
 * nothing else.  Why not Boehm's conservative NORMAL scan: the shape word and raw
 * bytes are data, and random data that looks like a heap address keeps garbage
 * alive.  An untagged cell is a free cell (its first word a free-list link), an
 * object an earlier heap disowned, or one whose shape is not yet written: none has
 * fields to trace. */
static struct GC_ms_entry *GC_CALLBACK bdw_mark_object(GC_word *base, struct GC_ms_entry *sp,
                                                       struct GC_ms_entry *limit, GC_word env) {
  (void)env;
  const gc_shape *s = (const gc_shape *)base;
  if (!(s->bytes_flags & BDW_TAG)) return sp;
  void **fields = (void **)(s + 1);
  for (uint32_t i = 0; i < s->nptrs; i++) sp = GC_MARK_AND_PUSH(fields[i], sp, limit, &fields[i]);
  return sp;
}

/* A collection's start and end: the pause, the count, and the allocation counters
 * the live count starts from (see "Counting"). */
static void GC_CALLBACK bdw_on_collection_event(GC_EventType e) {
  gc_heap *h = bdw_heap;
  if (!h) return;
  if (e == GC_EVENT_START) {
    /* the free lists' cells go back to Boehm's sweep (bdw_impl.h, "Allocation") */
    memset(h->free_lists, 0, sizeof h->free_lists);
    h->pause_open = gc_pause_begin(&h->c.pauses, "full");
    h->c.collections++;
    h->allocs_at_gc = h->c.allocs;
    h->alloc_bytes_at_gc = h->c.alloc_bytes;
  } else if (e == GC_EVENT_END) {
    gc_pause_end(&h->c.pauses, h->pause_open);
    h->pause_open = 0;
    if (GC_should_invoke_finalizers()) h->finalizers_due = true;
    size_t in_use = GC_get_heap_size() - GC_get_free_bytes();
    h->zeal_budget = in_use < BDW_ZEAL_EVERY_ALLOCATION_BELOW ? 0 : in_use / BDW_ZEAL_DIVISOR;
  }
}

/* Boehm's heap only grows (unmapping aside), so its peak is its size at the
 * latest growth. */
static void GC_CALLBACK bdw_on_heap_resize(GC_word new_size) {
  gc_heap *h = bdw_heap;
  if (h && new_size > h->peak_heap_bytes) h->peak_heap_bytes = new_size;
}

/* NULL tells the allocation's caller (bdw_refill) to collect and retry, then end
 * the run with gc_common_oom — outside Boehm's frames, where longjmp is safe. */
static void *GC_CALLBACK bdw_on_boehm_oom(size_t bytes) {
  (void)bytes;
  bdw_process.oom_returns++;
  return NULL;
}

/* Boehm warns on stderr (out of memory, very large blocks); under a heap limit
 * that is expected, so warnings are counted (bdw_warnings) instead of printed. */
static void GC_CALLBACK bdw_on_warning(char *msg, GC_word arg) {
  (void)msg;
  (void)arg;
  bdw_process.warnings++;
}

/* The finalizer Boehm calls from GC_invoke_finalizers; client data is the number
 * of the heap that registered it, so an object of a destroyed heap is let go
 * without calling into a workload that no longer exists. */
static void GC_CALLBACK bdw_finalize(void *base, void *heap_number) {
  gc_heap *h = bdw_heap;
  if (!h || h->generation != (uintptr_t)heap_number) return;
  gc_run_finalizer(h, &h->c, (gc_obj *)((char *)base + sizeof(gc_shape)));
}

/* ==================================================================
 * Booting Boehm (once per process)
 * ================================================================== */

/* Why before GC_INIT: the interior-pointer mode sets Boehm's object sizes (the
 * byte added for "one past the end" pointers), and displacements registered
 * later may already have let objects die.  See bdw_impl.h for the choice. */
static bool bdw_boot(bool all_interior_pointers, const char **error) {
  if (bdw_process.booted) {
    if (all_interior_pointers == bdw_process.all_interior_pointers) return true;
    *error = "all_interior_pointers is fixed by the process's first bdw heap (Boehm reads it once, at GC_INIT)";
    return false;
  }
  GC_set_all_interior_pointers(all_interior_pointers);
  if (!all_interior_pointers) GC_register_displacement(sizeof(gc_shape));
  GC_set_finalize_on_demand(1);
  GC_set_java_finalization(1);
  GC_set_warn_proc(bdw_on_warning);
  GC_INIT();
  GC_set_oom_fn(bdw_on_boehm_oom);
  GC_set_on_collection_event(bdw_on_collection_event);
  GC_set_on_heap_resize(bdw_on_heap_resize);
  bdw_process.next_push = GC_get_push_other_roots();
  GC_set_push_other_roots(bdw_push_roots);
  /* cleared at allocation (ok_init), sized by nothing (no length in the
   * descriptor): the mark procedure reads the shape */
  bdw_process.kind = (int)GC_new_kind(GC_new_free_list(), GC_MAKE_PROC(GC_new_proc(bdw_mark_object), 0), 0, 1);
  bdw_process.default_free_space_divisor = GC_get_free_space_divisor();
  bdw_process.all_interior_pointers = all_interior_pointers;
  bdw_process.booted = true;
  return true;
}

/* ==================================================================
 * Counting
 *
 * Boehm frees without telling anyone, so bdw counts what it holds instead.  After
 * a collection the objects it marked are exactly those it kept: reachable ones,
 * ones that look referenced (conservatism), and ones queued for finalization.
 * Mark bits stay valid until the next collection clears them, and new objects are
 * born unmarked (the free lists are emptied before a collection marks anything:
 * no cell handed out later was marked), so at any moment
 *
 *     live = gclab objects marked by the latest collection
 *          + objects allocated since it started
 *
 * and frees = allocs - live, exactly.  GC_enumerate_reachable_objects_inner walks
 * the marked objects; the kind and the tag tell gclab's from Boehm's own
 * (bdw_is_gclab_object).  A walk costs about a sweep's worth of header reads, so
 * it runs only when a count is asked for (gc_collect, gc_stats_read: never inside
 * a workload's allocations), and at most once per collection: the census is kept
 * until the next collection changes the marks.
 * ================================================================== */

typedef struct bdw_census {
  uint64_t objects, bytes;
  uint64_t unfinalized; /* objects whose finalizer, if any, had not run */
  bool disown;          /* clear the tag: the objects of an earlier heap */
} bdw_census;

/* The latest census of the current heap, and what it was taken after. */
static struct {
  bool valid;
  GC_word gc_no;             /* Boehm's collection number */
  uint64_t finalizers_run;   /* the heap's count when it was taken */
  bdw_census census;
} bdw_census_cache;

/* Whether a marked Boehm object at `base` is a gclab object of this heap: of the
 * gclab kind (so Boehm's own objects, whatever their first word, are not), and
 * tagged (free cells and disowned objects are not).  Exact whatever size class
 * Boehm rounded the request to. */
static bool bdw_is_gclab_object(const void *base) {
  return GC_get_kind_and_size(base, NULL) == bdw_process.kind && (((const gc_shape *)base)->bytes_flags & BDW_TAG);
}

static void GC_CALLBACK bdw_count_object(void *base, size_t size, void *arg) {
  bdw_census *census = arg;
  (void)size;
  gc_shape *s = base;
  if (!bdw_is_gclab_object(base)) return;
  census->objects++;
  census->bytes += gc_object_bytes((gc_obj *)(s + 1));
  census->unfinalized += !(s->bytes_flags & GC_FLAG_FINALIZED);
  if (census->disown) s->bytes_flags &= ~BDW_TAG;
}

static void *GC_CALLBACK bdw_census_locked(void *arg) {
  GC_enumerate_reachable_objects_inner(bdw_count_object, arg);
  return NULL;
}

/* Tagged objects the latest collection marked. */
static bdw_census bdw_take_census(bool disown) {
  bdw_census census = {.disown = disown};
  GC_call_with_alloc_lock(bdw_census_locked, &census);
  return census;
}

/* Objects held now whose finalizer, if any, has not run (gc_collect's count);
 * also brings frees and free_bytes up to date. */
static uint64_t bdw_count_live(gc_heap *h) {
  GC_word gc_no = GC_get_gc_no();
  if (!bdw_census_cache.valid || bdw_census_cache.gc_no != gc_no) {
    bdw_census_cache.census = bdw_take_census(false);
    bdw_census_cache.gc_no = gc_no;
    bdw_census_cache.finalizers_run = h->c.finalizers_run;
    bdw_census_cache.valid = true;
  }
  bdw_census census = bdw_census_cache.census;
  /* finalizers run since ran on objects this census counted (the collection
   * queued and marked them) */
  uint64_t finalized_since = h->c.finalizers_run - bdw_census_cache.finalizers_run;
  census.unfinalized = census.unfinalized > finalized_since ? census.unfinalized - finalized_since : 0;
  uint64_t since = h->c.allocs - h->allocs_at_gc; /* none finalized yet */
  uint64_t live = census.objects + since;
  uint64_t live_bytes = census.bytes + (h->c.alloc_bytes - h->alloc_bytes_at_gc);
  /* an object counted twice (see above), or one let go and found referenced again
   * before it was swept: never report more than was allocated */
  if (live > h->c.allocs) live = h->c.allocs;
  if (live_bytes > h->c.alloc_bytes) live_bytes = h->c.alloc_bytes;
  h->c.frees = h->c.allocs - live;
  h->c.free_bytes = h->c.alloc_bytes - live_bytes;
  return census.unfinalized + since;
}

/* ==================================================================
 * Collection and finalization
 * ================================================================== */

/* Why clear the stack below us: the frames GC_gcollect is about to push (and
 * scan, conservatively) reuse memory where earlier calls left object pointers;
 * zeroing it first keeps those dead values from retaining garbage.  Boehm does
 * the same, in smaller steps, on its allocation paths (GC_clear_stack). */
static __attribute__((noinline)) void bdw_scrub_stack(void) {
  uintptr_t words[BDW_SCRUB_WORDS];
  memset(words, 0, sizeof words);
  __asm__ volatile("" : : "r"(words) : "memory"); /* keeps the dead stores */
}

/* A full collection even while gc_enable(false) holds Boehm off: gc_collect, zeal
 * and an allocation over the limit collect whatever the knob says. */
static void bdw_collect_now(gc_heap *h) {
  bdw_scrub_stack();
  if (!h->c.enabled) GC_enable();
  GC_gcollect();
  if (!h->c.enabled) GC_disable();
}

void bdw_run_due_finalizers(gc_heap *h) {
  h->finalizers_due = false;
  GC_invoke_finalizers();
}

/* A finalizable object's registration allocates a Boehm table entry, which can
 * fail under the heap limit without a word (the oom function is the only sign):
 * then collect and try once more before giving up. */
static void bdw_register_finalizer(gc_heap *h, void *base, size_t bytes) {
  for (int attempt = 0; attempt < 2; attempt++) {
    uint64_t ooms = bdw_process.oom_returns;
    GC_REGISTER_FINALIZER_NO_ORDER(base, bdw_finalize, (void *)h->generation, NULL, NULL);
    if (bdw_process.oom_returns == ooms) return;
    bdw_collect_now(h);
  }
  gc_common_oom(&h->c, bytes);
}

/* ==================================================================
 * Allocation slow paths
 * ================================================================== */

/* Boehm's block for an object of `bytes` (bdw_impl.h's bdw_malloc missed): a
 * free list refilled, or a large object.  Boehm returns NULL when its heap cannot
 * grow past the limit without necessarily collecting first, so collect, and retry
 * once (rule 4). */
static void *bdw_refill_once(gc_heap *h, size_t bytes) {
  size_t granules = (bytes + GC_GRANULE_BYTES - 1) / GC_GRANULE_BYTES;
  if (granules >= GC_TINY_FREELISTS) return GC_malloc_kind(bytes, bdw_process.kind);
  void **list = &h->free_lists[granules];
  /* a collection inside may empty the lists: it runs before the list is set */
  GC_generic_malloc_many(granules * GC_GRANULE_BYTES, bdw_process.kind, list);
  void *cell = *list;
  if (!cell) return NULL;
  *list = *(void **)cell;
  *(void **)cell = NULL;
  return cell;
}

void *bdw_refill(gc_heap *h, size_t bytes) {
  void *base = bdw_refill_once(h, bytes);
  if (base) return base;
  bdw_collect_now(h);
  base = bdw_refill_once(h, bytes);
  if (!base) gc_common_oom(&h->c, bytes);
  return base;
}

/* Zeal, a heap born over its limit, and finalizable objects come here.  Zeal
 * collects before every allocation while the heap is small (every conformance
 * case), but a full collection costs what the heap holds, so in a large heap it
 * collects once per 64th of that allocated: still dozens of times more often than
 * Boehm would, and a quick-size workload stays within seconds. */
gc_obj *bdw_alloc_slow(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  size_t bytes = sizeof(gc_shape) + gc_body_bytes(nptrs, nbytes, f != NULL);
  if (h->over_limit_at_birth) gc_common_oom(&h->c, bytes);
  if (h->c.zeal && h->c.enabled && GC_get_bytes_since_gc() >= h->zeal_budget) bdw_collect_now(h);
  char *base = bdw_malloc(h, bytes);
  gc_obj *o = bdw_init_object(h, base, nptrs, nbytes, f);
  if (f) bdw_register_finalizer(h, base, bytes);
  if (h->finalizers_due) bdw_run_due_finalizers(h);
  return o;
}

gc_obj *gc_alloc_finalizable(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  return bdw_alloc_slow(h, nptrs, nbytes, f);
}

/* ==================================================================
 * Heap lifetime
 * ================================================================== */

typedef struct bdw_tuning {
  bool all_interior_pointers;
  uint64_t free_space_divisor; /* 0: Boehm's own (GC_FREE_SPACE_DIVISOR, 3) */
} bdw_tuning;

/* The tuning string: Boehm's own knobs, defaults as it ships except the
 * interior-pointer mode (bdw_impl.h). */
static const char *bdw_parse_tuning(const char *tuning, bdw_tuning *t) {
  const gc_tuning_key keys[] = {
      {"all_interior_pointers", GC_TUNE_BOOL, &t->all_interior_pointers,
       "recognise every interior pointer (Boehm's default) rather than base + 8 only"},
      {"free_space_divisor", GC_TUNE_U64, &t->free_space_divisor,
       "Boehm's GC_free_space_divisor: larger collects more often in a smaller heap (0: Boehm's default)"},
  };
  return gc_tuning_parse(tuning, keys, sizeof keys / sizeof *keys);
}

static void bdw_on_enable(gc_heap *h, bool on) {
  (void)h;
  if (on) GC_enable();
  else GC_disable();
}

static uint64_t bdw_heap_bytes(void) {
  struct GC_prof_stats_s ps;
  GC_get_prof_stats(&ps, sizeof ps);
  return ps.heapsize_full; /* what GC_set_max_heap_size limits, unmapped pages included */
}

/* The fixed heap policy: Boehm's heap grown to the limit up front, as Whippet's
 * bdw backend does.  GC_expand_hp also raises the heap size Boehm was asked for,
 * below which it takes free blocks (splitting large ones) rather than collect, so
 * the whole heap fills between collections: a bigger heap, fewer collections.
 * Boehm rounds a growth up to its block size, so the request is rounded down to
 * 64 KiB, and reduced until Boehm accepts it (the limit counts what it has). */
static void bdw_expand_to(size_t limit) {
  size_t have = bdw_heap_bytes();
  if (have >= limit) return;
  size_t grow = (limit - have) & ~(size_t)0xffff;
  /* Boehm's own rounding may push an exact request past the limit: back off by
   * 64 KiB steps, then by halves */
  for (int tries = 0; grow >= ((size_t)64 << 10) && !GC_expand_hp(grow); tries++)
    grow = tries < 16 ? grow - ((size_t)64 << 10) : (grow / 2) & ~(size_t)0xffff;
}

/* Earlier heaps of this process left objects in Boehm's heap (garbage once their
 * roots went, except where conservatism keeps some): a collection makes the marks
 * current, and the walk clears the tag of whatever survived, so that this heap
 * counts only its own objects.  Their finalizers, if queued, do nothing. */
static void bdw_adopt_heap(void) {
  bdw_census_cache.valid = false;
  GC_gcollect();
  GC_invoke_finalizers();
  bdw_take_census(true);
}

gc_heap *gc_heap_create(const gc_options *o, const char **error) {
  bdw_tuning t = {0};
  const char *err = bdw_parse_tuning(o->tuning, &t);
  if (err) { *error = err; return NULL; }
  if (bdw_heap) { *error = "Boehm's heap is process-wide: one bdw heap at a time"; return NULL; }
  if (!bdw_boot(t.all_interior_pointers, error)) return NULL;
  gc_heap *h = calloc(1, sizeof *h);
  if (!h) { *error = "out of memory"; return NULL; }
  gc_common_init(&h->c, o);
  h->c.on_enable = bdw_on_enable;
  GC_set_free_space_divisor(t.free_space_divisor ? t.free_space_divisor : bdw_process.default_free_space_divisor);
  GC_set_max_heap_size(o->heap_limit);
  bdw_adopt_heap();
  if (o->heap_limit && o->heap_policy == GC_HEAP_FIXED) bdw_expand_to(o->heap_limit);
  h->generation = ++bdw_process.heaps_created;
  h->peak_heap_bytes = bdw_heap_bytes();
  /* Boehm's smallest heap (its initial 64 KiB, or what an earlier heap grew it to)
   * may already exceed the limit: every allocation is then out of memory */
  h->over_limit_at_birth = o->heap_limit && h->peak_heap_bytes > o->heap_limit;
  h->alloc_slow = h->c.zeal || h->over_limit_at_birth;
  bdw_heap = h;
  return h;
}

/* Boehm cannot give its heap back: the objects stay until the next heap's first
 * collection, which disowns any survivors (bdw_adopt_heap). */
void gc_heap_destroy(gc_heap *h) {
  bdw_heap = NULL;
  if (!h->c.enabled) GC_enable();
  GC_set_max_heap_size(0);
  free(h->immortals.items);
  gc_common_destroy(&h->c);
  free(h);
}

/* ==================================================================
 * The gc module's knobs
 * ================================================================== */

/* The number this collection found unreachable: the objects it freed, and those
 * it queued for finalization (which it keeps, with what they refer to, until the
 * next collection).  An object is found once: counts before and after leave out
 * objects already finalized, found by an earlier collection. */
size_t gc_collect(gc_heap *h) {
  uint64_t before = bdw_count_live(h);
  bdw_collect_now(h);
  uint64_t after = bdw_count_live(h);
  uint64_t finalized = h->c.finalizers_run;
  bdw_run_due_finalizers(h);
  uint64_t queued = h->c.finalizers_run - finalized;
  return (size_t)((before > after ? before - after : 0) + queued);
}

long gc_refcount(gc_heap *h, gc_obj *o) {
  (void)h;
  (void)o;
  return -1;
}

/* Immortal objects are kept reachable by a list the root hook pushes. */
void gc_make_immortal(gc_heap *h, gc_obj *o) {
  if (!gc_common_make_immortal(&h->c, o)) return;
  bdw_vec *v = &h->immortals;
  if (v->len == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 64;
    gc_obj **items = realloc(v->items, cap * sizeof *items);
    if (!items) { fprintf(stderr, "gclab bdw: out of memory for the immortal list\n"); abort(); }
    v->items = items;
    v->cap = cap;
  }
  v->items[v->len++] = o;
}

/* ==================================================================
 * Measurement
 * ================================================================== */

void gc_stats_read(gc_heap *h, gc_stats *out) {
  bdw_count_live(h);
  gc_common_stats(&h->c, out);
  struct GC_prof_stats_s ps;
  GC_get_prof_stats(&ps, sizeof ps);
  if (ps.heapsize_full > h->peak_heap_bytes) h->peak_heap_bytes = ps.heapsize_full;
  out->heap_bytes = ps.heapsize_full;
  out->peak_heap_bytes = h->peak_heap_bytes;
  gc_stats_add_extra(out, "bdw_collections", ps.gc_no); /* Boehm's count, process-wide */
  gc_stats_add_extra(out, "bdw_heap_size", GC_get_heap_size());
  gc_stats_add_extra(out, "bdw_free_bytes", GC_get_free_bytes());
  gc_stats_add_extra(out, "bdw_unmapped_bytes", ps.unmapped_bytes);
  gc_stats_add_extra(out, "bdw_bytes_since_gc", ps.bytes_allocd_since_gc);
  gc_stats_add_extra(out, "bdw_warnings", bdw_process.warnings);
  gc_stats_add_extra(out, "bdw_oom_returns", bdw_process.oom_returns);
}

/* The heap verifier's question (gc_embed.h): Boehm's own base of the block
 * holding o is o's shape word. */
bool gc_debug_is_object(gc_heap *h, const gc_obj *o) {
  (void)h;
  /* the shape word, not o: an object with no body ends where o points */
  return GC_base(gc_shape_of(o)) == (void *)gc_shape_of(o);
}
