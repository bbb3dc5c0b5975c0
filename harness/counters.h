/*
 * counters.h — the record's `counters`: where the counts come from, and the counts.
 *
 *   papi       hardware events through PAPI, read at every collector pause boundary
 *              so each is split into mutator and gc (counters_hw.h); unavailable
 *              events say why
 *   callgrind  the bench runs under valgrind --tool=callgrind (the driver wraps
 *              it); the bench only turns collection on for the timed iterations,
 *              and the driver reads the counts from callgrind's output
 *   none       no counters
 *
 * Whatever the source, the collector's statistics are registered as PAPI
 * software-defined events (sde_stats.h) and, unless the source is none, read back
 * through PAPI into counters.sde.
 */
#ifndef COUNTERS_H
#define COUNTERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "harness/sde_stats.h"

typedef enum { COUNTERS_PAPI, COUNTERS_CALLGRIND, COUNTERS_NONE } counters_source;

/* "papi", "callgrind", "none"; false for anything else. */
bool counters_source_parse(const char *name, counters_source *out);
/* Before the heap exists.  events: --events (NULL: the defaults; papi only).
 * False with a message for a usage error (exit 2): an unknown event, --events
 * without papi, callgrind when valgrind is not running us. */
bool counters_open(counters_source source, const char *events, char *error, size_t len);
/* Once the heap exists: its statistics become SDE counters. */
void counters_attach(gc_heap *h, sde_stats_reader read);
/* Around each timed iteration, outside its timestamps. */
void counters_timed_begin(void);
void counters_timed_end(void);
/* The counters object; ends a timed iteration still open (a run that escaped). */
json_t *counters_record(void);
#endif
