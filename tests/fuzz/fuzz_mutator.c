/*
 * fuzz_mutator.c — one fuzz target for every collector (built per collector): the
 * input is decoded into a mutator program — allocations of varied shapes, stores,
 * loads, root pushes and pops, frames, collections, finalizable objects, cycles —
 * run against the collector beside a shadow model of the object graph.
 *
 * Checked, with the heap verifier on after every collection:
 *   - what the model says is reachable is intact: each object reached from a root
 *     has the id, shape and fields the model gives it;
 *   - finalizers run at most once, and only on objects the model says are
 *     unreachable;
 *   - after the final collection, a collector that collects cycles holds nothing
 *     (a conservative one: no more than a few stale references can hold).
 * A failure prints why and aborts (libFuzzer's crash; the replay test's failure).
 *
 * Entry point: LLVMFuzzerTestOneInput (libFuzzer, or tests/fuzz/fuzz_replay.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/api/gc.h"
#include "harness/heap_verify.h"
#include "tests/fuzz/fuzz_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input, consumed a byte at a time; zeros once it runs out. */
typedef struct reader {
  const uint8_t *p, *end;
} reader;

static uint8_t next_byte(reader *r) { return r->p < r->end ? *r->p++ : 0; }

static fz_model model;
static gc_heap *heap;
static uint64_t run_serial; /* objects of earlier runs (bdw keeps them) are ignored */

static _Noreturn void fz_fail_verify(const char *message) { fz_fail("heap verifier: %s", message); }

/* Raw bytes: [id][run serial][filler]: a lost, moved-wrong or overwritten object
 * shows in the first two words. */
static void stamp(gc_obj *o, uint32_t id) {
  uint64_t *b = gc_data(o);
  b[0] = id;
  b[1] = run_serial;
}

/* The finalizer: only objects of this run, each at most once, never a reachable
 * one (the model is updated before every operation that may finalize). */
static void on_finalize(gc_heap *h, gc_obj *o) {
  (void)h;
  const uint64_t *b = gc_data(o);
  if (b[1] != run_serial) return;
  if (b[0] >= model.nobjs) fz_fail("a finalizer ran on an object with a corrupt id %llu", (unsigned long long)b[0]);
  fz_note_finalized(&model, (uint32_t)b[0]);
}

/* ---- operations: each updates the model first, then the heap ---- */

static void op_alloc(reader *r, bool finalizable) {
  uint32_t nptrs = next_byte(r) % 6, extra = next_byte(r) % 48;
  if (!fz_can_push(&model) || !fz_can_alloc(&model)) return;
  uint32_t id = fz_new_object(&model, nptrs, finalizable);
  gc_obj *o = finalizable ? gc_alloc_finalizable(heap, nptrs, 16 + extra, on_finalize) : gc_alloc(heap, nptrs, 16 + extra);
  stamp(o, id);
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
  gc_set(heap, gc_root_get(heap, sa), field, v < 0 ? NULL : gc_root_get(heap, target_slot));
}

static void op_load(reader *r) {
  uint8_t a = next_byte(r), i = next_byte(r), b = next_byte(r);
  if (!model.nroots) return;
  uint32_t sa = a % model.nroots, sb = b % model.nroots;
  int32_t src = model.roots[sa];
  if (src < 0 || !model.objs[src].nptrs) return;
  uint32_t field = i % model.objs[src].nptrs;
  fz_set_root(&model, sb, model.objs[src].fields[field]);
  gc_root_set(heap, sb, gc_get(gc_root_get(heap, sa), field));
}

static void op_clear_root(reader *r) {
  uint8_t a = next_byte(r);
  if (!model.nroots) return;
  fz_set_root(&model, a % model.nroots, -1);
  gc_root_set(heap, a % model.nroots, NULL);
}

/* Two or three objects in a ring, rooted by one slot: cycles for the detectors. */
static void op_cycle(reader *r) {
  uint32_t n = 2 + next_byte(r) % 2;
  bool finalizable = next_byte(r) & 1;
  if (!fz_can_push(&model) || model.nobjs + n > FZ_MAX_OBJS) return;
  op_alloc(&(reader){(const uint8_t *)"\x01\x00", (const uint8_t *)"\x01\x00" + 2}, finalizable);
  uint32_t slot = model.nroots - 1;
  for (uint32_t k = 1; k < n; k++) {
    /* a new object referring to the ring's newest, then rooted in its place */
    uint32_t id = fz_new_object(&model, 1, false);
    fz_set_field(&model, id, 0, model.roots[slot]);
    fz_set_root(&model, slot, (int32_t)id);
    gc_obj *o = gc_alloc(heap, 1, 16);
    stamp(o, id);
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
  gc_collect(heap);
  fz_check_reachable(&model, heap);
}

/* ---- the run ---- */

static void run_program(reader *r) {
  while (r->p < r->end) {
    switch (next_byte(r) % 10) {
      case 0: case 1: op_alloc(r, false); break;
      case 2: op_alloc(r, true); break;
      case 3: case 4: op_store(r); break;
      case 5: op_load(r); break;
      case 6: op_clear_root(r); break;
      case 7: op_cycle(r); break;
      case 8: (next_byte(r) & 1) ? op_frame_open() : op_frame_close(); break;
      default: op_collect(); break;
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  reader r = {data, data + size};
  uint8_t mode = next_byte(&r);
  gc_options opts = {.zeal = mode & 1};
  const char *error = NULL;
  heap = gc_heap_create(&opts, &error);
  if (!heap) fz_fail("gc_heap_create: %s", error ? error : "(no message)");
  run_serial++;
  /* garbage of earlier runs still in a process-wide heap (bdw), after a collection */
  gc_collect(heap);
  gc_stats st;
  gc_stats_read(heap, &st);
  uint64_t baseline = st.live_objects - st.immortal_objects;
  fz_model_reset(&model);
  heap_verify_install(&(hv_target){heap, gc_collector()->caps, gc_debug_is_object, gc_refcount, gc_stats_read,
                                   fz_fail_verify, 0, NULL});
  run_program(&r);
  fz_check_reachable(&model, heap);
  /* the end of a run (gc.h rule 5): every root dropped, a few collections (a
   * tracing collector may free a finalized object only at the next one) */
  fz_pop_roots(&model, 0);
  model.nframes = 0;
  gc_frame_close(heap, 0);
  for (int i = 0; i < 3; i++) gc_collect(heap);
  fz_check_final(&model, heap, baseline);
  heap_verify_uninstall();
  gc_heap_destroy(heap);
  heap = NULL;
  return 0;
}
