/*
 * bdw_exactness_test.c — what the Boehm peer counts and what it retains, in the
 * two cases its object layout used to get wrong.
 *
 *   1. Counting.  Right after gc_collect every gclab object Boehm kept is
 *      counted, whatever size class Boehm rounded it to.  With
 *      all_interior_pointers=1 Boehm pads every request by a byte and its size map
 *      sometimes rounds a small request up to three times its size; objects of
 *      many odd shapes, all reachable, must all be counted: live_objects ==
 *      allocs, frees == 0, and after half are dropped, live_objects == the other
 *      half plus at most what stale stack words hold.
 *   2. Retention.  Raw bytes are data (gc.h rule 1): heap addresses written into a
 *      live object's raw bytes must not keep the objects there alive.
 *
 * One heap per process (Boehm is process-wide, its interior-pointer mode fixed at
 * the first heap), so each case runs in the mode it is about: case 1 with
 * all_interior_pointers=1, case 2 after it in the same mode (the stricter one for
 * false retention).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/api/gc.h"

/* Stale words on the C stack or in registers may keep a few dropped objects. */
#define CONSERVATIVE_SLACK 32

static int failures;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (!(cond)) {                                         \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fputc('\n', stderr);                                 \
      failures++;                                          \
    }                                                      \
  } while (0)

static void on_oom(void *arg, size_t requested) {
  (void)arg;
  fprintf(stderr, "FAIL: out of memory (%zu bytes) with no heap limit\n", requested);
  exit(1);
}

/* A shape of many: pointer fields 0..3, raw bytes 1..97, and every other object
 * a one-word body (a 16-byte request: 17 with Boehm's padding byte, which its
 * thread-local refills round up to a 48-byte cell). */
static void shape_of(uint32_t i, uint32_t *nptrs, uint32_t *nbytes) {
  *nptrs = i % 4;
  *nbytes = (i * 37u) % 97u + 1u;
  if (i % 5 == 0) *nbytes = 17;
  if (i % 2 == 0) {
    *nptrs = (i / 2) % 2;
    *nbytes = *nptrs ? 0 : 1 + i % 8;
  }
}

/* Case 1: N objects of odd shapes, each in a root slot, each object with fields
 * also pointing at the one before it. */
static void check_counts_exact(gc_heap *h) {
  enum { N = 100000 };
  uint32_t frame = gc_frame_open(h);
  gc_root first = 0;
  for (uint32_t i = 0; i < N; i++) {
    uint32_t nptrs, nbytes;
    shape_of(i, &nptrs, &nbytes);
    gc_obj *o = gc_alloc(h, nptrs, nbytes);
    memset(gc_data(o), 0x5a, nbytes);
    if (nptrs && i) gc_set(h, o, 0, gc_root_get(h, first + i - 1));
    gc_root r = gc_root_push(h, o);
    if (i == 0) first = r;
  }
  gc_collect(h);
  gc_stats st;
  gc_stats_read(h, &st);
  CHECK(st.allocs == N, "allocs %llu, expected %d", (unsigned long long)st.allocs, N);
  CHECK(st.live_objects == N, "live_objects %llu right after gc_collect, all %d reachable",
        (unsigned long long)st.live_objects, N);
  CHECK(st.frees == 0, "frees %llu with every object reachable", (unsigned long long)st.frees);

  /* drop the odd ones (their successors' field 0 may still point at them: only
   * objects without pointer fields after them go); count what stays reachable */
  for (uint32_t i = 1; i < N; i += 2) gc_root_set(h, first + i, NULL);
  uint64_t reachable = 0;
  for (uint32_t i = 0; i < N; i++) {
    bool rooted = i % 2 == 0;
    uint32_t np_next, nb_next;
    shape_of(i + 1, &np_next, &nb_next);
    bool pointed_at = i + 1 < N && np_next > 0 && (i + 1) % 2 == 0;
    /* a chain: an object pointed at by a rooted successor stays, and so does
     * what its own field 0 reaches, which is rooted or handled the same way */
    reachable += rooted || pointed_at;
  }
  size_t found = gc_collect(h);
  gc_stats_read(h, &st);
  CHECK(st.live_objects >= reachable, "live_objects %llu below the %llu reachable", (unsigned long long)st.live_objects,
        (unsigned long long)reachable);
  CHECK(st.live_objects <= reachable + CONSERVATIVE_SLACK, "live_objects %llu: the %llu reachable and more",
        (unsigned long long)st.live_objects, (unsigned long long)reachable);
  CHECK(st.frees == st.allocs - st.live_objects, "frees %llu != allocs - live", (unsigned long long)st.frees);
  CHECK(found == st.frees, "gc_collect found %zu, frees %llu", found, (unsigned long long)st.frees);
  gc_frame_close(h, frame);
}

/* Case 2: the addresses of M dropped objects written into the raw bytes of a live
 * one (with a pointer field, so Boehm scans it) must not keep them. */
static void check_raw_bytes_not_scanned(gc_heap *h) {
  enum { M = 2000 };
  uint32_t frame = gc_frame_open(h);
  gc_root holder = gc_root_push(h, gc_alloc(h, 1, M * sizeof(void *)));
  gc_root first = 0;
  for (uint32_t i = 0; i < M; i++) {
    /* each in a root slot of its own, not a chain: a stale stack word then
     * holds one object, not all of them */
    gc_obj *v = gc_alloc(h, 1, 8);
    gc_root r = gc_root_push(h, v);
    if (i == 0) first = r;
    /* the object's base and its gc_obj address: both keep a Boehm object */
    void *addr = (i % 2) ? (void *)v : (void *)((char *)v - 8);
    memcpy((char *)gc_data(gc_root_get(h, holder)) + i * sizeof addr, &addr, sizeof addr);
  }
  gc_collect(h);
  gc_stats before;
  gc_stats_read(h, &before);
  gc_frame_close(h, first);
  gc_collect(h);
  gc_collect(h);
  gc_stats after;
  gc_stats_read(h, &after);
  uint64_t freed = after.frees - before.frees;
  CHECK(freed + CONSERVATIVE_SLACK >= M, "only %llu of %d objects freed whose addresses are raw bytes",
        (unsigned long long)freed, M);
  gc_frame_close(h, frame);
}

int main(void) {
  gc_options o = {.tuning = "all_interior_pointers=1", .on_oom = on_oom};
  const char *error = NULL;
  gc_heap *h = gc_heap_create(&o, &error);
  if (!h) {
    fprintf(stderr, "FAIL: gc_heap_create: %s\n", error);
    return 1;
  }
  check_counts_exact(h);
  check_raw_bytes_not_scanned(h);
  gc_heap_destroy(h);
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("bdw exactness: all checks passed\n");
  return 0;
}
