/*
 * trace_record.h — the trace recorder of //harness:bench_record (README, "Traces").
 *
 * bench_record is the nogc collector with every workload compiled with GC_RECORD
 * (collectors/api/gc_record.h): the mutator's calls reach the hooks in
 * trace_record.c, which write one line per event.  Recording covers the first
 * iteration.  The trace file appears only when the recording completes: it is
 * written as FILE.tmp and renamed; a failed or abandoned recording leaves nothing.
 */
#ifndef TRACE_RECORD_H
#define TRACE_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "collectors/api/gc_types.h"

/* Starts recording h's mutator into path; `about` becomes a comment line of the
 * header.  false, with a message in *error (static buffer), when it cannot. */
bool trace_record_begin(gc_heap *h, const char *path, const char *about, const char **error);
/* Ends the recording after the iteration returned `checksum`: the last digest,
 * `end` and `checksum`, then the file is renamed into place.  false, with a
 * message in *error and nothing written, when the recording or the writing failed. */
bool trace_record_end(uint64_t checksum, const char **error);
/* The run failed: the recording is dropped, nothing is left on disk. */
void trace_record_abandon(void);

typedef struct trace_record_counts {
  uint64_t lines, objects, digests;
} trace_record_counts;
/* What the finished trace holds (for the run's record). */
trace_record_counts trace_record_summary(void);

#endif
