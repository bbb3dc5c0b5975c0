#include "harness/counters.h"

#include <papi.h>
#include <stdio.h>
#include <string.h>
#include <valgrind/callgrind.h>

#include "harness/counters_hw.h"
#include "harness/counters_sde.h"

static struct {
  counters_source source;
  bool papi_ok;
  char papi_error[256];
  bool sde_ok;
  const char *sde_error;
  bool in_timed;
} st;

bool counters_source_parse(const char *name, counters_source *out) {
  static const char *const names[] = {"papi", "callgrind", "none"};
  for (int i = 0; i < 3; i++)
    if (!strcmp(name, names[i])) { *out = (counters_source)i; return true; }
  return false;
}

/* ==================================================================
 * Start-up
 * ================================================================== */

static void init_papi(void) {
  int v = PAPI_library_init(PAPI_VER_CURRENT);
  st.papi_ok = v == PAPI_VER_CURRENT;
  if (!st.papi_ok)
    snprintf(st.papi_error, sizeof st.papi_error, "%s", v < 0 ? PAPI_strerror(v) : "PAPI header and library versions differ");
}

bool counters_open(counters_source source, const char *events, char *error, size_t len) {
  st.source = source;
  if (events && source != COUNTERS_PAPI) {
    snprintf(error, len, "--events chooses PAPI events: it needs --counters papi");
    return false;
  }
  if (source == COUNTERS_CALLGRIND && !RUNNING_ON_VALGRIND) {
    snprintf(error, len, "--counters callgrind: the bench must run under valgrind --tool=callgrind "
                         "(gclab bench --counters callgrind runs it so)");
    return false;
  }
  if (source == COUNTERS_NONE) return true;
  init_papi();
  if (source == COUNTERS_PAPI) return counters_hw_open(events, st.papi_ok, st.papi_error, error, len);
  return true;
}

void counters_attach(gc_heap *h, sde_stats_reader read) {
  st.sde_error = "papi_sde_init failed";
  st.sde_ok = sde_stats_register(h, read, &st.sde_error) > 0;
  if (st.sde_ok && st.papi_ok) st.sde_ok = counters_sde_open(&st.sde_error);
}

/* ==================================================================
 * The timed iterations
 * ================================================================== */

/* The SDE reads stay outside the hardware reads and callgrind's collection: they
 * call into the collector, which is not the workload's cost. */
void counters_timed_begin(void) {
  if (st.source == COUNTERS_NONE) return;
  if (st.sde_ok && st.papi_ok) counters_sde_timed_begin();
  if (st.source == COUNTERS_PAPI) counters_hw_timed_begin();
  if (st.source == COUNTERS_CALLGRIND) CALLGRIND_TOGGLE_COLLECT;
  st.in_timed = true;
}

void counters_timed_end(void) {
  if (!st.in_timed) return;
  if (st.source == COUNTERS_CALLGRIND) CALLGRIND_TOGGLE_COLLECT;
  if (st.source == COUNTERS_PAPI) counters_hw_timed_end();
  if (st.sde_ok && st.papi_ok) counters_sde_timed_end();
  st.in_timed = false;
}

/* ==================================================================
 * The record
 * ================================================================== */

json_t *counters_record(void) {
  counters_timed_end();
  if (st.source == COUNTERS_NONE)
    return json_pack("{s:s,s:s,s:{}}", "source", "none", "why", "counters were not asked for (--counters none)", "events");
  json_t *o;
  if (st.source == COUNTERS_PAPI) {
    bool multiplexed = false;
    json_t *events = counters_hw_record(&multiplexed);
    o = json_pack("{s:s,s:s,s:s,s:b,s:o}", "source", "papi", "scope", "timed iterations", "split", "pauses",
                  "multiplexed", multiplexed, "events", events);
  } else {
    o = json_pack("{s:s,s:s,s:s,s:{},s:s}", "source", "callgrind", "scope", "timed iterations", "split", "code",
                  "events", "why", "callgrind's counts are read from its output by gclab bench --counters callgrind");
  }
  json_object_set_new(o, "sde", !st.papi_ok ? counters_sde_unavailable(st.papi_error)
                                : st.sde_ok ? counters_sde_record()
                                            : counters_sde_unavailable(st.sde_error));
  return o;
}
