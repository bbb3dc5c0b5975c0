/*
 * record.h — pieces of the per-invocation JSON record (see README, "The record").
 * Collector-independent: compiled once, used by every bench binary.
 */
#ifndef RECORD_H
#define RECORD_H

#include <jansson.h>
#include <stdint.h>

#include "collectors/api/gc_types.h"

#define RECORD_SCHEMA 1

json_t *record_caps(unsigned caps);
json_t *record_stats(const gc_stats *s);
/* Pause summary over pauses [first, count) of the log, its histogram included. */
json_t *record_pauses(const gc_pause *log, size_t first, size_t count);
/* The pause histogram of durations sorted ascending: [upper_bound_ns, count] for
 * each non-empty bin, ascending; bin k holds pauses from bin k-1's bound up to but
 * not including its own, 100 * 10^(k/10) ns rounded (bin 0: everything below 100). */
json_t *record_pause_histogram(const double *sorted_ns, size_t n);
/* Minimum mutator utilisation of pauses [first, last) over the timed span [t0, t1]:
 * {"1ms", "10ms", "100ms", "1s" (null when the span is shorter), "span_ns"}; the
 * whole curve goes to curve_path as CSV when it is not NULL (record_mmu.c). */
json_t *record_mmu(const gc_pause *log, size_t first, size_t last, uint64_t t0, uint64_t t1, const char *curve_path);
/* "0x%016llx": JSON numbers lose 64-bit precision in many readers. */
json_t *record_checksum(uint64_t checksum);
/* Writes the record as one line to stdout (and flushes). */
void record_print(json_t *record);
#endif
