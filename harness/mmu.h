/*
 * mmu.h — minimum mutator utilisation (Cheng and Blelloch) of a pause log.
 *
 * For a window length w, the MMU is the least fraction of any w-long interval of
 * the run [t0, t1] that the mutator had to itself: 1 means no window ever saw a
 * pause, 0 means some window was all pause.  The curve over w is what plots show.
 *
 * Collector-independent and free of I/O but for mmu_write_csv, so tests can feed
 * it synthetic pause logs.
 */
#ifndef MMU_H
#define MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/api/gc_types.h"

typedef struct mmu_point {
  uint64_t window_ns;
  double mmu;
} mmu_point;

/* The pauses of a run, clipped to its span [t0, t1] and ready for queries. */
typedef struct mmu_log {
  uint64_t t0, t1;
  size_t n;
  uint64_t *start, *end; /* sorted, non-overlapping, inside [t0, t1] */
  uint64_t *prefix;      /* prefix[i] = pause time of pauses [0, i) */
} mmu_log;

/* pauses: oldest first, not overlapping (gc_pauselog logs only outermost pauses).
 * False when out of memory. */
bool mmu_log_init(mmu_log *m, const gc_pause *pauses, size_t n, uint64_t t0, uint64_t t1);
void mmu_log_free(mmu_log *m);
/* The MMU at one window length, or -1 when the window is 0 or longer than the span. */
double mmu_at(const mmu_log *m, uint64_t window_ns);
/* The curve at log-spaced windows (ten a decade from 1 us, which hits 1 ms, 10 ms,
 * 100 ms and 1 s exactly) up to the span, and at the span itself; returns the
 * number of points written (at most max). */
size_t mmu_curve(const mmu_log *m, mmu_point *out, size_t max);
/* "window_ns,mmu" lines under a header; false (errno set) when it cannot write. */
bool mmu_write_csv(const char *path, const mmu_point *points, size_t n);
#endif
