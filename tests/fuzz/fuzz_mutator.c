/*
 * fuzz_mutator.c — one fuzz target for every collector (built per collector): the
 * input is decoded into a heap configuration and a mutator program — allocations
 * of varied shapes and sizes, stores, loads, root pushes and pops, frames,
 * collections, finalizable objects (some resurrect), finalizable garbage holding
 * subgraphs, cycles, bursts of short-lived garbage, plain or finalizable — run against the collector
 * beside a shadow model of the object graph.
 *
 * The input: byte 0 is the mode: bit 0 zeal, bit 1 a heap limit (the next byte:
 * 1..32 MiB), bit 2 a tuning string (the next byte: 1..3 keys, two bytes each,
 * fuzz_tuning.c), bit 3 the fixed heap policy (else growable).  The rest is the
 * program, an operation per byte with its operands after it.
 *
 * Checked, with the heap verifier on after every collection:
 *   - what the model says is reachable is intact: each object reached from a root
 *     has the id, shape and fields the model gives it;
 *   - finalizers run at most once, and only on objects that were unreachable when
 *     the collector found them; a resurrected object and what it reaches survive;
 *   - right after every gc_collect, stats.live_objects is at least the reachable
 *     count, and for a collector that reclaims cycles at most that plus what
 *     finalization may keep (fuzz_model.c, fz_check_live_count);
 *   - an out-of-memory verdict with live data well below the limit is a finding
 *     (fuzz_model.c, fz_check_oom); a fair one ends the run;
 *   - after the final collection, a collector that collects cycles holds nothing
 *     (a conservative one: no more than a few stale references can hold).
 * A failure prints why and aborts (libFuzzer's crash; the replay test's failure).
 *
 * Entry point: LLVMFuzzerTestOneInput (libFuzzer, or tests/fuzz/fuzz_replay.c).
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/api/gc.h"
#include "harness/heap_verify.h"
#include "tests/fuzz/fuzz_model.h"
#include "tests/fuzz/fuzz_tuning.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input, consumed a byte at a time; zeros once it runs out. */
typedef struct reader {
  const uint8_t *p, *end;
} reader;

static uint8_t next_byte(reader *r) { return r->p < r->end ? *r->p++ : 0; }

static fz_model model;
static gc_heap *heap;
static uint64_t run_serial; /* objects of earlier runs (bdw keeps them) are ignored */
static bool finalizers_off; /* after on_oom the heap is only destroyed */

/* The run's heap configuration, for the out-of-memory verdict. */
static struct {
  size_t limit;
  uint64_t birth_heap_bytes; /* heap_bytes before the first allocation */
  uint64_t baseline;         /* live objects before the first allocation */
  jmp_buf back;
} run;

#define CHURN_ID UINT32_MAX /* the stamp of garbage the model does not track */

static _Noreturn void fz_fail_verify(const char *message) { fz_fail("heap verifier: %s", message); }

/* Raw bytes: [id][run serial][filler]: a lost, moved-wrong or overwritten object
 * shows in the first two words. */
static void stamp(gc_obj *o, uint32_t id) {
  uint64_t *b = gc_data(o);
  b[0] = id;
  b[1] = run_serial;
}

/* Raw bytes from one operand: mostly small, a quarter of the range up to 16 KiB
 * (heap pressure under a limit, the large-object paths). */
static uint32_t raw_bytes(uint8_t e) { return e < 192 ? 16u + e % 48u : 16u + (uint32_t)(e - 191) * 256u; }

/* The finalizer: only objects of this run, each at most once, never one that was
 * reachable; then, by its kind, a resurrection into an empty root slot or into an
 * empty field of a rooted object (gc.h rule 6), mirrored in the model. */
static void on_finalize(gc_heap *h, gc_obj *o) {
  const uint64_t *b = gc_data(o);
  if (finalizers_off || b[1] != run_serial) return;
  if (b[0] >= model.nobjs) fz_fail("a finalizer ran on an object with a corrupt id %llu", (unsigned long long)b[0]);
  uint32_t id = (uint32_t)b[0], slot, field;
  fz_note_finalized(&model, id);
  const fz_obj *mo = &model.objs[id];
  if (mo->fin_kind == FZ_FIN_TO_ROOT && fz_find_empty_root(&model, mo->fin_arg, &slot)) {
    fz_resurrect_to_root(&model, id, slot);
    gc_root_set(h, slot, o);
  } else if (mo->fin_kind == FZ_FIN_TO_FIELD && fz_find_empty_field(&model, mo->fin_arg, &slot, &field)) {
    fz_resurrect_to_field(&model, id, slot, field);
    gc_set(h, gc_root_get(h, slot), field, o);
  }
}

/* on_oom: judged against the model, then the run ends (rule 4: it must not return). */
static void on_oom(void *arg, size_t requested) {
  (void)arg;
  fz_check_oom(&model, run.limit, requested, run.birth_heap_bytes);
  if (getenv("FUZZ_VERBOSE")) fprintf(stderr, "fuzz_mutator: out of memory asking for %zu bytes (fair)\n", requested);
  longjmp(run.back, 1);
}

/* ---- operations: each updates the model first, then the heap ---- */

static gc_obj *alloc_object(uint32_t id, bool finalizable) {
  const fz_obj *mo = &model.objs[id];
  uint32_t nbytes = mo->bytes - mo->nptrs * 8; /* rounded to 8: what the model counts */
  fz_before_heap_call(&model);
  gc_obj *o = finalizable ? gc_alloc_finalizable(heap, mo->nptrs, nbytes, on_finalize) : gc_alloc(heap, mo->nptrs, nbytes);
  stamp(o, id);
  return o;
}

static void op_alloc(reader *r, bool finalizable) {
  uint32_t nptrs = next_byte(r) % 6, nbytes = raw_bytes(next_byte(r));
  uint8_t kind = finalizable ? next_byte(r) : 0;
  if (!fz_can_push(&model) || !fz_can_alloc(&model, 1)) return;
  uint32_t id = fz_new_object(&model, nptrs, nbytes, finalizable);
  model.objs[id].fin_kind = kind % FZ_FIN_KINDS;
  model.objs[id].fin_arg = kind / FZ_FIN_KINDS;
  gc_obj *o = alloc_object(id, finalizable);
  fz_push_root(&model, id);
  gc_root_push(heap, o);
}

static void op_store(reader *r) {
  uint8_t a = next_byte(r), i = next_byte(r), b = next_byte(r);
  if (!model.nroots) return;
  uint32_t sa = a % model.nroots;
  uint32_t target_slot = b % (model.nroots + 1); /* the extra one: NULL */
  int32_t src = model.roots[sa];
  if (src < 0 || !model.objs[src].nptrs) return;
  uint32_t field = i % model.objs[src].nptrs;
  int32_t v = target_slot < model.nroots ? model.roots[target_slot] : -1;
  fz_set_field(&model, (uint32_t)src, field, v);
  fz_busy(&model, -1, src, field);
  gc_set(heap, gc_root_get(heap, sa), field, v < 0 ? NULL : gc_root_get(heap, target_slot));
  fz_busy(&model, -1, -1, 0);
}

static void op_load(reader *r) {
  uint8_t a = next_byte(r), i = next_byte(r), b = next_byte(r);
  if (!model.nroots) return;
  uint32_t sa = a % model.nroots, sb = b % model.nroots;
  int32_t src = model.roots[sa];
  if (src < 0 || !model.objs[src].nptrs) return;
  uint32_t field = i % model.objs[src].nptrs;
  fz_set_root(&model, sb, model.objs[src].fields[field]);
  fz_busy(&model, (int32_t)sb, -1, 0);
  gc_root_set(heap, sb, gc_get(gc_root_get(heap, sa), field));
  fz_busy(&model, -1, -1, 0);
}

static void op_clear_root(reader *r) {
  uint8_t a = next_byte(r);
  if (!model.nroots) return;
  uint32_t s = a % model.nroots;
  fz_set_root(&model, s, -1);
  fz_busy(&model, (int32_t)s, -1, 0);
  gc_root_set(heap, s, NULL);
  fz_busy(&model, -1, -1, 0);
}

/* Two or three objects in a ring, rooted by one slot: cycles for the detectors. */
static void op_cycle(reader *r) {
  uint32_t n = 2 + next_byte(r) % 2;
  bool finalizable = next_byte(r) & 1;
  if (!fz_can_push(&model) || !fz_can_alloc(&model, n)) return;
  op_alloc(&(reader){(const uint8_t *)"\x01\x00\x00", (const uint8_t *)"\x01\x00\x00" + 3}, finalizable);
  uint32_t slot = model.nroots - 1;
  for (uint32_t k = 1; k < n; k++) {
    /* a new object referring to the ring's newest, then rooted in its place */
    uint32_t id = fz_new_object(&model, 1, 16, false);
    fz_set_field(&model, id, 0, model.roots[slot]);
    fz_set_root(&model, slot, (int32_t)id);
    gc_obj *o = alloc_object(id, false);
    gc_set(heap, o, 0, gc_root_get(heap, slot));
    gc_root_set(heap, slot, o);
  }
  /* close the ring: the first object's field 0 refers to the newest */
  int32_t newest = model.roots[slot];
  uint32_t first = (uint32_t)newest;
  for (uint32_t k = 1; k < n; k++) first = (uint32_t)model.objs[first].fields[0];
  fz_set_field(&model, first, 0, newest);
  gc_obj *p = gc_root_get(heap, slot);
  for (uint32_t k = 1; k < n; k++) p = gc_get(p, 0);
  gc_set(heap, p, 0, gc_root_get(heap, slot));
}

/* A finalizable link holding a subgraph: a list of up to 15 plain objects (all
 * of up to 16 KiB, or of varied small sizes) from its field 0, its other fields referring to rooted objects;
 * then, by the operand, dropped at once (finalizable garbage that keeps the list
 * alive until its finalizer has run) or left in its root slot. */
static void op_finalizable_subgraph(reader *r) {
  uint8_t shape = next_byte(r), size = next_byte(r), kind = next_byte(r), keep = next_byte(r);
  uint32_t n = shape % 16, nptrs = 1 + shape / 16 % 5;
  if (!fz_can_push(&model) || !fz_can_alloc(&model, n + 1)) return;
  uint32_t link = fz_new_object(&model, nptrs, 16, true);
  model.objs[link].fin_kind = kind % FZ_FIN_KINDS;
  model.objs[link].fin_arg = kind / FZ_FIN_KINDS;
  gc_obj *o = alloc_object(link, true);
  fz_push_root(&model, link);
  gc_root push_slot = gc_root_push(heap, o);
  for (uint32_t k = 1; k < nptrs && model.nroots > 1; k++) {
    uint32_t s = (keep + k) % (model.nroots - 1);
    fz_set_field(&model, link, k, model.roots[s]);
    gc_set(heap, gc_root_get(heap, push_slot), k, gc_root_get(heap, s));
  }
  for (uint32_t j = 0; j < n; j++) {
    uint32_t id = fz_new_object(&model, 1 + j % 2, raw_bytes((uint8_t)(size + (size >= 192 ? 0 : 37 * j))), false);
    fz_set_field(&model, id, 0, model.objs[link].fields[0]);
    fz_set_field(&model, link, 0, (int32_t)id);
    gc_obj *node = alloc_object(id, false);
    gc_obj *l = gc_root_get(heap, push_slot);
    gc_set(heap, node, 0, gc_get(l, 0));
    gc_set(heap, l, 0, node);
  }
  if (keep & 1) return;
  fz_set_root(&model, push_slot, -1);
  fz_busy(&model, (int32_t)push_slot, -1, 0);
  gc_root_set(heap, push_slot, NULL);
  fz_busy(&model, -1, -1, 0);
}

/* A burst of short-lived garbage the model does not track (stamped CHURN_ID):
 * each object rooted for a moment and dropped, as a workload's temporaries are.
 * Up to 64 objects of up to 16 KiB: allocation volume to fill a limited heap. */
static void op_churn(reader *r) {
  uint8_t count = next_byte(r), size = next_byte(r);
  uint32_t n = 1 + count % 64, nbytes = raw_bytes(size);
  for (uint32_t j = 0; j < n; j++) {
    fz_before_heap_call(&model);
    gc_obj *o = gc_alloc(heap, count / 64, nbytes);
    stamp(o, CHURN_ID);
    fz_note_untracked(&model);
    uint32_t mark = gc_frame_open(heap);
    gc_root_push(heap, o);
    gc_frame_close(heap, mark);
  }
}

/* A burst of finalizable garbage the model does track: up to 64 objects, each
 * rooted for a moment and dropped, so that a run holds far more finalizable
 * objects than it has root slots; their finalizers may resurrect them. */
static void op_finalizable_burst(reader *r) {
  uint8_t count = next_byte(r), size = next_byte(r), kind = next_byte(r);
  uint32_t n = 1 + count % 64, nptrs = count / 64;
  if (!fz_can_alloc(&model, n)) return;
  for (uint32_t j = 0; j < n; j++) {
    uint32_t id = fz_new_object(&model, nptrs, raw_bytes(size), true);
    model.objs[id].fin_kind = (uint8_t)((kind + j) % FZ_FIN_KINDS);
    model.objs[id].fin_arg = (uint8_t)(kind / FZ_FIN_KINDS + j);
    gc_obj *o = alloc_object(id, true);
    uint32_t mark = gc_frame_open(heap);
    gc_root_push(heap, o);
    gc_frame_close(heap, mark);
  }
}

static void op_frame_open(void) {
  if (model.nframes < FZ_MAX_FRAMES) {
    model.frames[model.nframes++] = model.nroots;
    gc_frame_open(heap);
  }
}

static void op_frame_close(void) {
  if (!model.nframes) return;
  uint32_t mark = model.frames[--model.nframes];
  fz_pop_roots(&model, mark);
  gc_frame_close(heap, mark);
}

static void op_collect(void) {
  fz_before_heap_call(&model);
  gc_collect(heap);
  fz_check_reachable(&model, heap);
  fz_check_live_count(&model, heap, run.baseline);
}

/* ---- the run ---- */

static void run_program(reader *r) {
  while (r->p < r->end) {
    uint8_t op = next_byte(r);
    fz_begin_op(&model);
    switch (op % 16) {
      case 0: case 1: op_alloc(r, false); break;
      case 12: op_finalizable_burst(r); break;
      case 2: op_alloc(r, true); break;
      case 3: case 4: case 13: op_store(r); break;
      case 5: op_load(r); break;
      case 6: op_clear_root(r); break;
      case 7: op_cycle(r); break;
      case 8: (next_byte(r) & 1) ? op_frame_open() : op_frame_close(); break;
      case 10: op_churn(r); break;
      case 11: case 14: op_finalizable_subgraph(r); break;
      default: op_collect(); break;
    }
  }
}

/* The heap the input asks for.  FUZZ_TUNING in the environment (`./gclab fuzz
 * --tuning`) goes first in every tuning string: in one libFuzzer process bdw's
 * all_interior_pointers is fixed by the first heap, so a run that means to
 * explore one setting says so.  A tuning string the collector refuses (a value
 * out of its range for this limit, or a setting fixed by the process's first
 * heap) is no finding: then the last one that worked, then the base alone. */
static gc_heap *open_heap(reader *r) {
  static char drawn[512], last_good[512], picked[256];
  const char *base = getenv("FUZZ_TUNING") ? getenv("FUZZ_TUNING") : "";
  uint8_t mode = next_byte(r);
  gc_options opts = {.zeal = mode & 1, .on_oom = on_oom};
  if (mode & 2) opts.heap_limit = (size_t)(1 + next_byte(r) % 32) << 20;
  if (mode & 8) opts.heap_policy = GC_HEAP_FIXED;
  picked[0] = '\0';
  if (mode & 4) {
    unsigned nkeys = 1 + next_byte(r) % 3;
    uint8_t pick[6];
    for (unsigned i = 0; i < 2 * nkeys; i++) pick[i] = next_byte(r);
    fz_tuning_draw(pick, nkeys, picked, sizeof picked);
  }
  snprintf(drawn, sizeof drawn, "%s%s%s", base, *base && *picked ? "," : "", picked);
  const char *tries[] = {drawn, last_good[0] ? last_good : base, base}, *error = NULL;
  for (size_t i = 0; i < sizeof tries / sizeof *tries; i++) {
    opts.tuning = tries[i];
    gc_heap *h = gc_heap_create(&opts, &error);
    if (h) {
      if (tries[i] != last_good) snprintf(last_good, sizeof last_good, "%s", tries[i]);
      run.limit = opts.heap_limit;
      if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "fuzz_mutator: heap limit %zu, %s, zeal %d, tuning '%s'\n", opts.heap_limit,
                opts.heap_policy == GC_HEAP_FIXED ? "fixed" : "growable", opts.zeal, tries[i]);
      return h;
    }
  }
  fz_fail("gc_heap_create (limit %zu, tuning '%s'): %s", opts.heap_limit, drawn, error ? error : "(no message)");
}

/* The program, then the end of a run (gc.h rule 5): every root dropped, a few
 * collections (a tracing collector may free a finalized object only at the next
 * one), and the final check.  False if on_oom ended it (judged there). */
static bool run_and_finish(reader *r) {
  if (setjmp(run.back)) return false;
  run_program(r);
  fz_check_reachable(&model, heap);
  fz_pop_roots(&model, 0);
  model.nframes = 0;
  fz_begin_op(&model);
  gc_frame_close(heap, 0);
  for (int i = 0; i < 3; i++) gc_collect(heap);
  fz_check_final(&model, heap, run.baseline);
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  reader r = {data, data + size};
  finalizers_off = false;
  heap = open_heap(&r);
  run_serial++;
  /* garbage of earlier runs still in a process-wide heap (bdw), after a collection */
  gc_collect(heap);
  gc_stats st;
  gc_stats_read(heap, &st);
  run.baseline = st.live_objects - st.immortal_objects;
  run.birth_heap_bytes = st.heap_bytes;
  fz_model_reset(&model);
  heap_verify_install(&(hv_target){heap, gc_collector()->caps, gc_debug_is_object, gc_refcount, gc_stats_read,
                                   fz_fail_verify, 0, NULL});
  bool finished = run_and_finish(&r);
  heap_verify_uninstall();
  if (!finished) finalizers_off = true;
  gc_heap_destroy(heap);
  heap = NULL;
  return 0;
}
