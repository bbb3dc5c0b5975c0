/*
 * pause_split_test.c — the split of PAPI counts into mutator and gc at pause
 * boundaries (harness/counters_hw.c), testable without a PMU: the event counted is
 * a software-defined event of a test library (sde:::pausetest::ticks, a plain
 * variable), bumped by hand inside and outside pauses, so the right split is known:
 *
 *   timed:      5 ticks mutator, a pause with 7 + 1 (a nested pause) ticks,
 *               3 ticks mutator                    -> mutator 8, gc 8, total 16
 *   not timed:  a pause with 100 ticks, 50 ticks   -> not counted
 *
 * (counters_test.sh checks the default presets in every collector's record.)
 */
#include <jansson.h>
#include <papi.h>
#include <sde_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/common/gc_pauselog.h"
#include "harness/counters_hw.h"

static int failures;
static long long ticks;

static void check(bool ok, const char *what) {
  if (!ok) { fprintf(stderr, "FAIL: %s\n", what); failures++; }
}

static long long num(json_t *o, const char *key) { return (long long)json_integer_value(json_object_get(o, key)); }

int main(void) {
  papi_handle_t lib = papi_sde_init("pausetest");
  check(papi_sde_register_counter(lib, "ticks", PAPI_SDE_RO | PAPI_SDE_INSTANT, PAPI_SDE_long_long, &ticks) == SDE_OK,
        "register the test counter");
  bool papi_ok = PAPI_library_init(PAPI_VER_CURRENT) == PAPI_VER_CURRENT;
  check(papi_ok, "PAPI_library_init");
  char error[512] = "";
  check(counters_hw_open("sde:::pausetest::ticks", papi_ok, "", error, sizeof error), "counters_hw_open");
  check(gc_pause_hook_begin && gc_pause_hook_end, "the pause hooks are installed");

  gc_pauselog log;
  gc_pauselog_init(&log);
  counters_hw_timed_begin();
  ticks += 5;
  int outer = gc_pause_begin(&log, "major");
  ticks += 7;
  int inner = gc_pause_begin(&log, "cascade");
  ticks += 1;
  gc_pause_end(&log, inner);
  gc_pause_end(&log, outer);
  ticks += 3;
  counters_hw_timed_end();
  outer = gc_pause_begin(&log, "after");
  ticks += 100;
  gc_pause_end(&log, outer);
  ticks += 50;
  gc_pauselog_free(&log);

  bool multiplexed = true;
  json_t *events = counters_hw_record(&multiplexed);
  json_t *t = json_object_get(events, "sde:::pausetest::ticks");
  char *text = json_dumps(events, JSON_COMPACT);
  if (num(t, "mutator") != 8 || num(t, "gc") != 8 || num(t, "total") != 16) fprintf(stderr, "got %s\n", text);
  check(!strcmp(json_string_value(json_object_get(t, "status")), "available"), "the test event is available");
  check(num(t, "mutator") == 8 && num(t, "gc") == 8 && num(t, "total") == 16, "split at the pause boundaries");
  check(!multiplexed, "not multiplexed");
  free(text);
  json_decref(events);
  if (failures) { fprintf(stderr, "%d failure(s)\n", failures); return 1; }
  printf("pause split: mutator 8, gc 8, as worked out\n");
  return 0;
}
