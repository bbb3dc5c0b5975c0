/*
 * counters_hw.h — PAPI hardware events, split into mutator and collector.
 *
 * At start-up each requested event (by default the presets cycles, instructions,
 * L1 data misses, last-level misses, data TLB misses and branch mispredictions) is
 * checked: it is counted only if PAPI can add it to one event set beside the
 * others without multiplexing; otherwise the record says why, in PAPI's own words.
 * An unavailable event is never reported as 0.  During the timed iterations the set
 * is read at every pause boundary (gc_pause_hook_begin / _end), so counts inside
 * collector pauses go to `gc` and the rest to `mutator`.
 *
 * Any PAPI event may be asked for (presets, native events, other libraries' SDE
 * counters) but the collector's own SDE counters (sde:::gclab::), which are
 * recorded anyway and cannot be read inside a pause.
 *
 * Record shape (counters.events):
 *   {name: {"status": "available", "mutator": n, "gc": n, "total": n}
 *        | {"status": "unavailable", "error": "..."}}
 */
#ifndef COUNTERS_HW_H
#define COUNTERS_HW_H

#include <jansson.h>
#include <stdbool.h>

#define COUNTERS_HW_DEFAULT_EVENTS "PAPI_TOT_CYC,PAPI_TOT_INS,PAPI_L1_DCM,PAPI_L3_TCM,PAPI_TLB_DM,PAPI_BR_MSP"
#define COUNTERS_HW_MAX 32

/* list: comma-separated event names, NULL for the defaults.  papi_ok: whether
 * PAPI_library_init succeeded (papi_error: why not).  False, with a message in
 * *error, for an event PAPI does not know (a usage error: exit 2). */
bool counters_hw_open(const char *list, bool papi_ok, const char *papi_error, char *error, size_t len);
/* Around each timed iteration. */
void counters_hw_timed_begin(void);
void counters_hw_timed_end(void);
/* The events object; *multiplexed says whether PAPI multiplexed the set (never, as
 * gclab does not ask it to; a set found multiplexed is refused). */
json_t *counters_hw_record(bool *multiplexed);
#endif
