/*
 * record_mmu.c — the record's `mmu` (minimum mutator utilisation at 1 ms, 10 ms,
 * 100 ms and 1 s) and the full curve, written beside the record for plotting.
 */
#include <errno.h>
#include <string.h>

#include "harness/mmu.h"
#include "harness/record.h"

#define MMU_CURVE_MAX 128

static const struct {
  const char *key;
  uint64_t ns;
} named_windows[] = {{"1ms", 1000000}, {"10ms", 10000000}, {"100ms", 100000000}, {"1s", 1000000000}};

/* Why null rather than a number for a window longer than the run: no interval of
 * that length exists, and 1 (or 0) would be an invented measurement. */
json_t *record_mmu(const gc_pause *log, size_t first, size_t last, uint64_t t0, uint64_t t1, const char *curve_path) {
  mmu_log m;
  if (!mmu_log_init(&m, log + first, last > first ? last - first : 0, t0, t1))
    return json_pack("{s:s}", "error", "out of memory for the MMU");
  json_t *o = json_object();
  for (size_t i = 0; i < sizeof named_windows / sizeof named_windows[0]; i++) {
    double u = mmu_at(&m, named_windows[i].ns);
    json_object_set_new(o, named_windows[i].key, u < 0 ? json_null() : json_real(u));
  }
  json_object_set_new(o, "span_ns", json_integer((json_int_t)(m.t1 - m.t0)));
  if (curve_path) {
    mmu_point points[MMU_CURVE_MAX];
    size_t n = mmu_curve(&m, points, MMU_CURVE_MAX);
    if (!mmu_write_csv(curve_path, points, n))
      json_object_set_new(o, "curve_error", json_sprintf("cannot write %s: %s", curve_path, strerror(errno)));
  }
  mmu_log_free(&m);
  return o;
}
