/*
 * gen_finalize.c — finalizable objects, and the finalizers a collection found due.
 *
 * THE POLICY (gc.h rule 6; the one of Java's finalize() and of Boehm's collector):
 *
 *   - Every finalizable object not yet finalized is on one of two lists, by
 *     generation; a minor collection moves the promoted ones to the old list.
 *   - A collection that finds such an object unreachable — a minor collection for
 *     young ones (it treats every old object as live, so young and unreached means
 *     unreachable), a major one for old ones — keeps it alive for that collection,
 *     together with everything it refers to, so the finalizer finds its fields and
 *     what they point to intact.  All the unreachable finalizable objects of one
 *     collection are found before any is kept, so each of them is finalized, even
 *     one reachable only from another.
 *   - The object leaves its list and goes on to_finalize.  After the collection's
 *     pause ends, the finalizers run, in the order found, each once
 *     (gc_run_finalizer marks the object finalized before calling it).
 *   - The object is then an ordinary object: a finalizer that stored it into a root
 *     or a live object resurrected it and it lives on; otherwise the next
 *     collection that covers its generation finds it unreachable and frees it.  Its
 *     finalizer never runs again.
 *
 * Finalizers must not allocate (rule 6), so nothing can move while they run; a
 * gc_collect() called from one is ignored (returns 0) rather than run inside the
 * collection that queued it.
 *
 * Out of memory waits for the finalizers.  A collection that keeps finalizable
 * garbage keeps all it reaches, so under a limit it may free almost nothing and
 * not fit; the finalizers it queued then run at once and a full collection tries
 * again, before the run is declared out of memory (gen.c, collect; gc.h rule 6).
 *
 * gc_collect() reports each unreachable object once, when a collection first finds
 * it: an object kept for its finalizer counts then, not again when it is freed.
 */
#include "collectors/gen/gen_internal.h"

void gen_finalizable_add(gc_heap *h, gc_obj *o) {
  gen_vec_push(gen_in_young(h, o) ? &h->young_finalizable : &h->old_finalizable, o);
}

/* A finalized object that is still young is remembered, so that the minor
 * collection that finds it dead knows it was reported already (gen.c, gc_collect);
 * an old one carries GC_FLAG_FINALIZED, which the sweep reads. */
void gen_run_finalizers(gc_heap *h) {
  for (size_t i = 0; i < h->to_finalize.len; i++) {
    gc_obj *o = h->to_finalize.items[i];
    gc_run_finalizer(h, &h->c, o);
    if (gen_in_young(h, o)) gen_vec_push(&h->young_finalized, o);
  }
  h->to_finalize.len = 0;
}
