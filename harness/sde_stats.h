/*
 * sde_stats.h — a collector's statistics as PAPI software-defined events.
 *
 * Every field of gc_stats and every named statistic the collector adds (copied,
 * promoted, marked, swept, per-generation counts, ...) becomes the SDE counter
 * sde:::gclab::<name>, so any PAPI tool in the process reads them exactly as it
 * reads hardware counters.  Each read asks the collector afresh (a libsde callback
 * calls the reader), so the values are never stale.
 *
 * The counters are instant values (PAPI_SDE_INSTANT): a read returns the statistic
 * since the heap was created, as the record's stats do; differences are the
 * reader's to take.
 */
#ifndef SDE_STATS_H
#define SDE_STATS_H

#include <stddef.h>

#include "collectors/api/gc_types.h"

#define SDE_STATS_LIBRARY "gclab"
#define SDE_STATS_PREFIX "sde:::" SDE_STATS_LIBRARY "::"
#define SDE_STATS_MAX 64

typedef void (*sde_stats_reader)(gc_heap *h, gc_stats *out);

/* papi_sde_init("gclab") and one counter per statistic of h (the collector's named
 * statistics as one read lists them).  Returns the number registered; 0 with
 * *error set when libsde refused. */
size_t sde_stats_register(gc_heap *h, sde_stats_reader read, const char **error);
size_t sde_stats_count(void);
/* The i-th counter's name, without the prefix. */
const char *sde_stats_name(size_t i);
#endif
