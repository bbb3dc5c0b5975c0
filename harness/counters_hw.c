#include "harness/counters_hw.h"

#include <papi.h>
#include <stdio.h>
#include <string.h>

#include "collectors/common/gc_pauselog.h"
#include "harness/sde_stats.h"

typedef struct hw_event {
  char name[PAPI_MAX_STR_LEN];
  bool available;
  char error[PAPI_HUGE_STR_LEN];
  const char *note; /* e.g. standing in for another event */
} hw_event;

static struct {
  hw_event ev[COUNTERS_HW_MAX];
  int n;
  int set;        /* PAPI event set of the available events, PAPI_NULL when none */
  int nset;       /* events in it, in the order of ev[] that are available */
  bool multiplexed;
  bool active;    /* inside a timed iteration */
  char read_error[256];
  long long last[COUNTERS_HW_MAX], mutator[COUNTERS_HW_MAX], gc[COUNTERS_HW_MAX];
} hw = {.set = PAPI_NULL};

/* ==================================================================
 * Reading around pauses
 * ================================================================== */

/* Adds what the set counted since the last read to `into`.  A failed read is
 * remembered and the record says so: silently missing counts would read as a
 * smaller number, which is worse than none. */
static void read_into(long long *into) {
  long long now[COUNTERS_HW_MAX];
  int rc = PAPI_read(hw.set, now);
  if (rc != PAPI_OK) {
    if (!hw.read_error[0]) snprintf(hw.read_error, sizeof hw.read_error, "PAPI_read: %s", PAPI_strerror(rc));
    return;
  }
  for (int i = 0; i < hw.nset; i++) {
    into[i] += now[i] - hw.last[i];
    hw.last[i] = now[i];
  }
}

static void on_pause_begin(void) {
  if (hw.active) read_into(hw.mutator);
}

static void on_pause_end(void) {
  if (hw.active) read_into(hw.gc);
}

void counters_hw_timed_begin(void) {
  if (hw.nset == 0) return;
  int rc = PAPI_read(hw.set, hw.last);
  if (rc != PAPI_OK && !hw.read_error[0]) snprintf(hw.read_error, sizeof hw.read_error, "PAPI_read: %s", PAPI_strerror(rc));
  hw.active = true;
}

void counters_hw_timed_end(void) {
  if (hw.nset == 0 || !hw.active) return;
  read_into(hw.mutator);
  hw.active = false;
}

/* ==================================================================
 * Which events exist
 * ================================================================== */

/* PAPI's own reason, with the component's when the component is disabled (on a VM
 * without a PMU: "Component containing event is disabled (perf_event: Error
 * libpfm4 no default PMU found)"). */
static void why_not(hw_event *e, int code, int rc) {
  PAPI_event_info_t info;
  const PAPI_component_info_t *ci = NULL;
  if (PAPI_get_event_info(code, &info) == PAPI_OK) ci = PAPI_get_component_info(info.component_index);
  if (rc == PAPI_ECNFLCT)
    snprintf(e->error, sizeof e->error, "%s (not countable together with the events before it; gclab does not multiplex)",
             PAPI_strerror(rc));
  else if (ci && ci->disabled && ci->disabled_reason[0])
    snprintf(e->error, sizeof e->error, "%.200s (%.100s: %.600s)", PAPI_strerror(rc), ci->name, ci->disabled_reason);
  else snprintf(e->error, sizeof e->error, "%s", PAPI_strerror(rc));
}

/* Adds one event to the set if PAPI can count it; false only for a name PAPI does
 * not know at all. */
static bool try_event(hw_event *e, char *error, size_t len) {
  int code;
  int rc = PAPI_event_name_to_code(e->name, &code);
  if (rc != PAPI_OK) {
    snprintf(error, len, "unknown event '%s': PAPI says \"%s\" (papi_avail and papi_native_avail list this machine's events)",
             e->name, PAPI_strerror(rc));
    return false;
  }
  if (hw.set == PAPI_NULL && (rc = PAPI_create_eventset(&hw.set)) != PAPI_OK) {
    snprintf(e->error, sizeof e->error, "PAPI_create_eventset: %s", PAPI_strerror(rc));
    hw.set = PAPI_NULL;
    return true;
  }
  rc = PAPI_add_event(hw.set, code);
  if (rc == PAPI_OK) {
    e->available = true;
    hw.nset++;
  } else {
    why_not(e, code, rc);
  }
  return true;
}

static hw_event *find(const char *name) {
  for (int i = 0; i < hw.n; i++)
    if (!strcmp(hw.ev[i].name, name)) return &hw.ev[i];
  return NULL;
}

/* Splits the list into hw.ev; false (with a message) on a malformed list. */
static bool parse_list(const char *list, char *error, size_t len) {
  const char *p = list;
  while (*p) {
    size_t k = strcspn(p, ",");
    if (k == 0 || k >= sizeof hw.ev[0].name) {
      snprintf(error, len, "--events needs comma-separated event names, got '%s'", list);
      return false;
    }
    if (hw.n == COUNTERS_HW_MAX) { snprintf(error, len, "--events: at most %d events", COUNTERS_HW_MAX); return false; }
    hw_event *e = &hw.ev[hw.n++];
    memcpy(e->name, p, k);
    e->name[k] = '\0';
    /* the collector's own SDE counters call into the collector, which a pause
     * (bdw: inside Boehm, its lock held) must not do; they are in counters.sde */
    if (!strncmp(e->name, SDE_STATS_PREFIX, strlen(SDE_STATS_PREFIX))) {
      snprintf(error, len, "--events: '%s' is one of the collector's software-defined events, which are always "
               "recorded under counters.sde", e->name);
      return false;
    }
    for (int i = 0; i < hw.n - 1; i++)
      if (!strcmp(hw.ev[i].name, e->name)) { snprintf(error, len, "--events names '%s' twice", e->name); return false; }
    p += k;
    if (*p == ',') {
      p++;
      if (!*p) { snprintf(error, len, "--events needs comma-separated event names, got '%s'", list); return false; }
    }
  }
  if (hw.n == 0) { snprintf(error, len, "--events needs at least one event name"); return false; }
  return true;
}

/* Why a stand-in: some machines have no L3 (or PAPI has no L3 preset for them);
 * there L2 misses are the last-level misses the default list is after. */
static void last_level_stand_in(char *error, size_t len) {
  hw_event *l3 = find("PAPI_L3_TCM");
  if (!l3 || l3->available || hw.n == COUNTERS_HW_MAX) return;
  hw_event *l2 = &hw.ev[hw.n];
  *l2 = (hw_event){.note = "last-level cache misses: PAPI_L3_TCM is unavailable"};
  snprintf(l2->name, sizeof l2->name, "PAPI_L2_TCM");
  if (try_event(l2, error, len) && l2->available) hw.n++;
}

bool counters_hw_open(const char *list, bool papi_ok, const char *papi_error, char *error, size_t len) {
  bool defaults = !list;
  if (!parse_list(defaults ? COUNTERS_HW_DEFAULT_EVENTS : list, error, len)) return false;
  if (!papi_ok) {
    for (int i = 0; i < hw.n; i++) snprintf(hw.ev[i].error, sizeof hw.ev[i].error, "PAPI_library_init: %s", papi_error);
    return true;
  }
  for (int i = 0; i < hw.n; i++)
    if (!try_event(&hw.ev[i], error, len)) return false;
  if (defaults) last_level_stand_in(error, len);
  if (hw.nset == 0) return true;
  /* gclab never enables multiplexing; a set that is multiplexed anyway is refused */
  hw.multiplexed = PAPI_get_multiplex(hw.set) > 0;
  int rc = hw.multiplexed ? PAPI_OK : PAPI_start(hw.set);
  if (hw.multiplexed || rc != PAPI_OK) {
    for (int i = 0; i < hw.n; i++) {
      if (!hw.ev[i].available) continue;
      hw.ev[i].available = false;
      if (hw.multiplexed) snprintf(hw.ev[i].error, sizeof hw.ev[i].error, "PAPI multiplexed the event set: refused");
      else snprintf(hw.ev[i].error, sizeof hw.ev[i].error, "PAPI_start: %s", PAPI_strerror(rc));
    }
    hw.nset = 0;
    return true;
  }
  gc_pause_hook_begin = on_pause_begin;
  gc_pause_hook_end = on_pause_end;
  return true;
}

/* ==================================================================
 * The record
 * ================================================================== */

json_t *counters_hw_record(bool *multiplexed) {
  json_t *o = json_object();
  int pos = 0;
  for (int i = 0; i < hw.n; i++) {
    hw_event *e = &hw.ev[i];
    json_t *j;
    if (e->available && !hw.read_error[0]) {
      j = json_pack("{s:s,s:I,s:I,s:I}", "status", "available", "mutator", (json_int_t)hw.mutator[pos], "gc",
                    (json_int_t)hw.gc[pos], "total", (json_int_t)(hw.mutator[pos] + hw.gc[pos]));
    } else {
      j = json_pack("{s:s,s:s}", "status", "unavailable", "error", e->available ? hw.read_error : e->error);
    }
    if (e->note) json_object_set_new(j, "note", json_string(e->note));
    if (e->available) pos++;
    json_object_set_new(o, e->name, j);
  }
  *multiplexed = hw.multiplexed;
  return o;
}
