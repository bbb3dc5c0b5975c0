#include "harness/counters_sde.h"

#include <papi.h>
#include <stdio.h>
#include <string.h>

#include "harness/sde_stats.h"

/* Well under the SDE component's per-set limit (SDE_MAX_SIMULTANEOUS_COUNTERS). */
#define SDE_BATCH 32
#define SDE_MAX_SETS ((SDE_STATS_MAX + SDE_BATCH - 1) / SDE_BATCH)

static struct {
  int sets[SDE_MAX_SETS];
  int nsets;
  size_t n;
  bool timed_started, timed_done;
  long long timed_start[SDE_STATS_MAX], timed_end[SDE_STATS_MAX];
  char error[256];
} sde = {.nsets = 0};

/* ==================================================================
 * Event sets
 * ================================================================== */

bool counters_sde_open(const char **error) {
  sde.n = sde_stats_count();
  for (size_t i = 0; i < sde.n; i++) {
    if (i % SDE_BATCH == 0) {
      sde.sets[sde.nsets] = PAPI_NULL;
      int rc = PAPI_create_eventset(&sde.sets[sde.nsets]);
      if (rc != PAPI_OK) {
        snprintf(sde.error, sizeof sde.error, "PAPI_create_eventset: %s", PAPI_strerror(rc));
        *error = sde.error;
        return false;
      }
      sde.nsets++;
    }
    char name[128];
    snprintf(name, sizeof name, "%s%s", SDE_STATS_PREFIX, sde_stats_name(i));
    int rc = PAPI_add_named_event(sde.sets[sde.nsets - 1], name);
    if (rc != PAPI_OK) {
      snprintf(sde.error, sizeof sde.error, "PAPI_add_named_event(%s): %s", name, PAPI_strerror(rc));
      *error = sde.error;
      return false;
    }
  }
  return true;
}

/* Why start and stop around each read: the counters are instant values, so a set
 * need not run between reads, and only one set of a component may run at a time. */
static bool read_all(long long *values) {
  for (int s = 0; s < sde.nsets; s++) {
    if (PAPI_start(sde.sets[s]) != PAPI_OK || PAPI_stop(sde.sets[s], values + (size_t)s * SDE_BATCH) != PAPI_OK)
      return false;
  }
  return true;
}

/* ==================================================================
 * The timed iterations
 * ================================================================== */

void counters_sde_timed_begin(void) {
  if (!sde.timed_started) sde.timed_started = read_all(sde.timed_start);
}

void counters_sde_timed_end(void) {
  if (sde.timed_started) sde.timed_done = read_all(sde.timed_end);
}

/* ==================================================================
 * The record
 * ================================================================== */

json_t *counters_sde_record(void) {
  long long now[SDE_STATS_MAX];
  if (!read_all(now)) return counters_sde_unavailable("PAPI could not read the SDE counters");
  json_t *values = json_object(), *timed = json_object();
  for (size_t i = 0; i < sde.n; i++) {
    json_object_set_new(values, sde_stats_name(i), json_integer(now[i]));
    if (sde.timed_done) json_object_set_new(timed, sde_stats_name(i), json_integer(sde.timed_end[i] - sde.timed_start[i]));
  }
  json_t *o = json_pack("{s:s,s:s,s:o}", "status", "available", "prefix", SDE_STATS_PREFIX, "values", values);
  if (sde.timed_done) json_object_set_new(o, "timed", timed);
  else json_decref(timed);
  return o;
}

json_t *counters_sde_unavailable(const char *why) {
  return json_pack("{s:s,s:s}", "status", "unavailable", "error", why);
}
