/*
 * trace_digest.h — the heap digest of gclab traces (README, "Traces"): a hash of
 * everything the root slots reach, independent of addresses and of the collector.
 *
 * The recorder (harness/trace_record.c) writes it in the trace's H records; the
 * replay (workloads/trace.c) computes it again over the heap it rebuilt and
 * compares.  Both call this one function, so they agree by construction.
 *
 * The walk: objects are numbered 1, 2, ... in the order they are first reached,
 * breadth first from the slots in order, each object's fields in order.  The hash
 * folds the slot count, each slot's number (0 for NULL), then per object in that
 * order its shape (pointer fields, raw byte count), a hash of its raw bytes, and
 * each field's number.  Two heaps get the same digest when their reachable graphs
 * are the same graph with the same raw bytes, wherever the objects lie.
 */
#ifndef TRACE_DIGEST_H
#define TRACE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/api/gc.h"

typedef struct trace_digest {
  gc_obj **order; /* objects reached, in number order */
  size_t n, order_cap;
  gc_obj **keys;  /* open addressing: address -> number */
  size_t *ids;
  size_t mask;    /* capacity - 1, a power of two minus one; 0 before first use */
  uint64_t reached_bytes; /* object bytes reached by the latest digest */
} trace_digest;

/* Called once per object reached, with the hash of its raw bytes. */
typedef void (*trace_digest_visit)(void *arg, gc_obj *o, uint64_t bytes_hash);

/* The digest of what slots [first, first + count) reach.  Allocates nothing in
 * the gc heap, so raw pointers stay valid throughout (gc.h rule 2).  visit may be
 * NULL. */
uint64_t trace_digest_roots(trace_digest *d, gc_heap *h, gc_root first, uint32_t count, trace_digest_visit visit,
                            void *arg);
/* A hash of o's raw bytes: 0 exactly when they are all zero (as allocated). */
uint64_t trace_bytes_hash(gc_obj *o);
void trace_digest_free(trace_digest *d);

#endif
