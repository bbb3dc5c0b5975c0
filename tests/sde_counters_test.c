/*
 * sde_counters_test.c — a collector's statistics read through PAPI as software-
 * defined events (sde:::gclab::<name>, PAPI_add_named_event), exactly as any PAPI
 * tool reads them, agree with its statistics record; and they are live: a second
 * read after more work sees the new values.  Built against rc_cycle, which has
 * count updates, collections and named per-generation statistics.
 */
#include <papi.h>
#include <stdio.h>
#include <string.h>

#include "collectors/api/gc.h"
#include "harness/record.h"
#include "harness/sde_stats.h"

static int failures;

static void check(bool ok, const char *what) {
  if (!ok) { fprintf(stderr, "FAIL: %s\n", what); failures++; }
}

/* Garbage cycles and some survivors, then a full collection. */
static void work(gc_heap *h, int n) {
  uint32_t frame = gc_frame_open(h);
  gc_root keep = gc_root_push(h, gc_alloc(h, 1, 0));
  for (int i = 0; i < n; i++) {
    gc_root a = gc_root_push(h, gc_alloc(h, 1, 16));
    gc_obj *b = gc_alloc(h, 1, 0);
    gc_set(h, gc_root_get(h, a), 0, b);
    gc_set(h, b, 0, gc_root_get(h, a));
    if (i % 10 == 0) gc_set(h, gc_root_get(h, keep), 0, b);
    gc_root_set(h, a, NULL);
  }
  gc_frame_close(h, frame);
  gc_collect(h);
}

#define NEVENTS 5

int main(void) {
  const char *error = NULL;
  gc_options opts = {0};
  gc_heap *h = gc_heap_create(&opts, &error);
  if (!h) { fprintf(stderr, "gc_heap_create: %s\n", error); return 1; }
  size_t registered = sde_stats_register(h, gc_stats_read, &error);
  check(registered > 14, "the common statistics and the collector's own are registered");
  if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT) { fprintf(stderr, "PAPI_library_init failed\n"); return 1; }

  gc_stats st;
  gc_stats_read(h, &st);
  check(st.n_extra > 0, "rc_cycle has named statistics");
  const char *extra = st.n_extra ? st.extra[0].name : "none";
  const char *names[NEVENTS] = {"allocs", "frees", "rc_incs", "collections", extra};
  int es = PAPI_NULL;
  check(PAPI_create_eventset(&es) == PAPI_OK, "PAPI_create_eventset");
  for (int i = 0; i < NEVENTS; i++) {
    char event[128];
    snprintf(event, sizeof event, SDE_STATS_PREFIX "%s", names[i]);
    int rc = PAPI_add_named_event(es, event);
    if (rc != PAPI_OK) fprintf(stderr, "PAPI_add_named_event(%s): %s\n", event, PAPI_strerror(rc));
    check(rc == PAPI_OK, "PAPI_add_named_event of an SDE counter");
  }
  check(PAPI_start(es) == PAPI_OK, "PAPI_start");

  for (int round = 0; round < 2; round++) {
    work(h, round ? 250 : 1000);
    long long values[NEVENTS];
    check(PAPI_read(es, values) == PAPI_OK, "PAPI_read");
    gc_stats_read(h, &st);
    json_t *rec = record_stats(&st);
    for (int i = 0; i < NEVENTS; i++) {
      long long want = (long long)json_integer_value(json_object_get(rec, names[i]));
      if (values[i] != want) {
        fprintf(stderr, "FAIL: round %d: sde:::gclab::%s = %lld, stats record says %lld\n", round, names[i], values[i], want);
        failures++;
      }
    }
    check(values[0] > 0 && values[3] > 0, "allocations and collections happened");
    json_decref(rec);
  }
  long long last[NEVENTS];
  PAPI_stop(es, last);
  gc_heap_destroy(h);
  if (failures) { fprintf(stderr, "%d failure(s)\n", failures); return 1; }
  printf("SDE counters through PAPI match the statistics record (%zu counters registered)\n", registered);
  return 0;
}
