/*
 * counters_sde.h — the bench reading the collector's SDE counters back through
 * PAPI (PAPI_add_named_event("sde:::gclab::<name>")), the way any PAPI tool would.
 *
 * Record shape (counters.sde): {"status": "available", "prefix": "sde:::gclab::",
 * "values": {name: value at the end of the run}, "timed": {name: change over the
 * timed iterations}} or {"status": "unavailable", "error": why}.
 */
#ifndef COUNTERS_SDE_H
#define COUNTERS_SDE_H

#include <jansson.h>
#include <stdbool.h>

/* After sde_stats_register and a successful PAPI_library_init: one event set per
 * batch of counters (PAPI's SDE component takes a limited number per set).
 * False with *error set when PAPI refused a counter. */
bool counters_sde_open(const char **error);
/* Readings at the first timed iteration's start and the last one's end. */
void counters_sde_timed_begin(void);
void counters_sde_timed_end(void);
/* Reads every counter now; the record's object. */
json_t *counters_sde_record(void);
/* When PAPI itself is unavailable. */
json_t *counters_sde_unavailable(const char *why);
#endif
