/*
 * gc_record.h — optional interposition on the mutator API, for recording traces
 * (README, "Traces").  Included by gc.h only when GC_RECORD is defined, which only
 * //harness:bench_record's build does: every other binary compiles exactly the
 * API above, at no cost.
 *
 * Each call that changes what the mutator can reach — allocation, field stores,
 * root pushes, sets and pops, explicit collections, gc_enable, gc_make_immortal —
 * is wrapped so that the recorder (harness/trace_record.c) sees it: stores,
 * root sets, pops and the knobs are reported before they happen (a pop is
 * reported while the slots still hold their values), allocations, pushes and
 * collections after (the new object or slot exists only then).  Reads (gc_get,
 * gc_root_get, gc_data) are not reported; raw bytes are observed by the recorder
 * itself (see trace_record.c).
 */
#ifndef GCLAB_GC_RECORD_H
#define GCLAB_GC_RECORD_H

/* ---- the hooks (harness/trace_record.c) ---- */
void gc_record_alloc(gc_heap *h, gc_obj *o, bool finalizable);
void gc_record_set(gc_heap *h, gc_obj *o, uint32_t i, gc_obj *v);
void gc_record_root_push(gc_heap *h, gc_root r, gc_obj *v);
void gc_record_root_set(gc_heap *h, gc_root r, gc_obj *v);
void gc_record_frame_close(gc_heap *h, uint32_t mark);
void gc_record_collect(gc_heap *h);
void gc_record_enable(gc_heap *h, bool on);
void gc_record_make_immortal(gc_heap *h, gc_obj *o);

/* ---- the wrapped calls: the real one, with its hook before or after ---- */
static inline gc_obj *gc_recorded_alloc(gc_heap *h, uint32_t nptrs, uint32_t nbytes) {
  gc_obj *o = gc_alloc(h, nptrs, nbytes);
  gc_record_alloc(h, o, false);
  return o;
}

static inline gc_obj *gc_recorded_alloc_finalizable(gc_heap *h, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  gc_obj *o = gc_alloc_finalizable(h, nptrs, nbytes, f);
  gc_record_alloc(h, o, f != NULL);
  return o;
}

static inline void gc_recorded_set(gc_heap *h, gc_obj *o, uint32_t i, gc_obj *v) {
  gc_record_set(h, o, i, v);
  gc_set(h, o, i, v);
}

static inline gc_root gc_recorded_root_push(gc_heap *h, gc_obj *v) {
  gc_root r = gc_root_push(h, v);
  gc_record_root_push(h, r, v);
  return r;
}

static inline void gc_recorded_root_set(gc_heap *h, gc_root r, gc_obj *v) {
  gc_record_root_set(h, r, v);
  gc_root_set(h, r, v);
}

static inline void gc_recorded_frame_close(gc_heap *h, uint32_t mark) {
  gc_record_frame_close(h, mark);
  gc_frame_close(h, mark);
}

static inline size_t gc_recorded_collect(gc_heap *h) {
  size_t found = gc_collect(h);
  gc_record_collect(h);
  return found;
}

static inline void gc_recorded_enable(gc_heap *h, bool on) {
  gc_record_enable(h, on);
  gc_enable(h, on);
}

static inline void gc_recorded_make_immortal(gc_heap *h, gc_obj *o) {
  gc_record_make_immortal(h, o);
  gc_make_immortal(h, o);
}

/* From here on, code that includes gc.h calls the wrappers. */
#define gc_alloc(h, nptrs, nbytes) gc_recorded_alloc(h, nptrs, nbytes)
#define gc_alloc_finalizable(h, nptrs, nbytes, f) gc_recorded_alloc_finalizable(h, nptrs, nbytes, f)
#define gc_set(h, o, i, v) gc_recorded_set(h, o, i, v)
#define gc_root_push(h, v) gc_recorded_root_push(h, v)
#define gc_root_set(h, r, v) gc_recorded_root_set(h, r, v)
#define gc_frame_close(h, mark) gc_recorded_frame_close(h, mark)
#define gc_collect(h) gc_recorded_collect(h)
#define gc_enable(h, on) gc_recorded_enable(h, on)
#define gc_make_immortal(h, o) gc_recorded_make_immortal(h, o)

#endif /* GCLAB_GC_RECORD_H */
