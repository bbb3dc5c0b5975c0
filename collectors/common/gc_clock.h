/* gc_clock.h — the one clock pauses and timings are read from. */
#ifndef GC_CLOCK_H
#define GC_CLOCK_H
#include <stdint.h>
#include <time.h>

static inline uint64_t gc_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif
