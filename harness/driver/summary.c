#include "harness/driver/summary.h"

#include <string.h>

const char *summary_duration(double ns, char *buf, size_t len) {
  if (ns >= 1e9) snprintf(buf, len, "%.3f s", ns / 1e9);
  else if (ns >= 1e6) snprintf(buf, len, "%.2f ms", ns / 1e6);
  else if (ns >= 1e3) snprintf(buf, len, "%.1f us", ns / 1e3);
  else snprintf(buf, len, "%.0f ns", ns);
  return buf;
}

const char *summary_bytes(double bytes, char *buf, size_t len) {
  static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) { bytes /= 1024; u++; }
  snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return buf;
}

static double num(json_t *rec, const char *group, const char *key) {
  json_t *v = json_object_get(json_object_get(rec, group), key);
  return json_is_number(v) ? json_number_value(v) : 0;
}

void summary_print(FILE *f, json_t *r) {
  char a[32], b[32], c[32], d[32];
  const char *status = json_string_value(json_object_get(r, "status"));
  json_int_t heap = json_integer_value(json_object_get(r, "heap_bytes"));
  fprintf(f, "%s / %s (%s, seed %lld, heap %s): %s\n", json_string_value(json_object_get(r, "collector")),
          json_string_value(json_object_get(r, "workload")), json_string_value(json_object_get(r, "size")),
          (long long)json_integer_value(json_object_get(r, "seed")),
          heap ? summary_bytes((double)heap, a, sizeof a) : "unlimited", status);
  json_t *err = json_object_get(r, "error");
  if (err) fprintf(f, "  error: %s\n", json_string_value(err));
  json_t *tail = json_object_get(r, "stderr_tail");
  if (tail && *json_string_value(tail)) fprintf(f, "  stderr: %s\n", json_string_value(tail));
  if (!json_object_get(r, "timing")) return;
  fprintf(f, "  checksum %s   wall %s  (gc %s, mutator %s) over %lld timed iteration(s)\n",
          json_string_value(json_object_get(r, "checksum")), summary_duration(num(r, "timing", "wall_ns"), a, sizeof a),
          summary_duration(num(r, "timing", "gc_ns"), b, sizeof b),
          summary_duration(num(r, "timing", "mutator_ns"), c, sizeof c),
          (long long)(json_integer_value(json_object_get(r, "iterations")) - json_integer_value(json_object_get(r, "warmup"))));
  fprintf(f, "  pauses %.0f (max %s, p50 %s)   peak heap %s   peak RSS %s\n", num(r, "pauses", "count"),
          summary_duration(num(r, "pauses", "max_ns"), a, sizeof a), summary_duration(num(r, "pauses", "p50_ns"), b, sizeof b),
          summary_bytes(num(r, "memory", "peak_heap_bytes"), c, sizeof c),
          summary_bytes(num(r, "memory", "peak_rss_bytes"), d, sizeof d));
  json_t *leaked = json_object_get(json_object_get(r, "memory"), "leaked_objects");
  if (json_is_integer(leaked))
    fprintf(f, "  leaked %s in %lld objects\n", summary_bytes(num(r, "memory", "leaked_bytes"), a, sizeof a),
            (long long)json_integer_value(leaked));
  fprintf(f, "  allocs %.0f (%s)  frees %.0f  rc incs %.0f decs %.0f  collections %.0f  finalizers %.0f\n",
          num(r, "stats", "allocs"), summary_bytes(num(r, "stats", "alloc_bytes"), a, sizeof a), num(r, "stats", "frees"),
          num(r, "stats", "rc_incs"), num(r, "stats", "rc_decs"), num(r, "stats", "collections"),
          num(r, "stats", "finalizers_run"));
  json_t *out = json_object_get(r, "output");
  size_t i;
  json_t *line;
  json_array_foreach(out, i, line) fprintf(f, "  | %s\n", json_string_value(line));
}
