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

/* Minimum mutator utilisation at the record's named windows ("-": run too short). */
static void print_mmu(FILE *f, json_t *mmu) {
  static const char *const windows[] = {"1ms", "10ms", "100ms", "1s"};
  if (!json_is_object(mmu)) return;
  fprintf(f, "  MMU");
  for (int i = 0; i < 4; i++) {
    json_t *v = json_object_get(mmu, windows[i]);
    if (json_is_number(v)) fprintf(f, "  %s %.3f", windows[i], json_number_value(v));
    else fprintf(f, "  %s -", windows[i]);
  }
  fprintf(f, "\n");
}

/* One line per counted event; unavailable events grouped by their reason. */
static void print_counters(FILE *f, json_t *c) {
  if (!json_is_object(c)) return;
  const char *source = json_string_value(json_object_get(c, "source"));
  const char *why = json_string_value(json_object_get(c, "why"));
  const char *err = json_string_value(json_object_get(c, "error"));
  fprintf(f, "  counters: %s%s%s%s\n", source ? source : "?", why || err ? " (" : "", why ? why : err ? err : "",
          why || err ? ")" : "");
  json_t *events = json_object_get(c, "events"), *e, *o;
  const char *name, *other;
  json_object_foreach(events, name, e) {
    const char *status = json_string_value(json_object_get(e, "status"));
    if (status && !strcmp(status, "available")) {
      double m = json_number_value(json_object_get(e, "mutator")), g = json_number_value(json_object_get(e, "gc"));
      fprintf(f, "    %-14s mutator %15.0f   gc %15.0f   (%.1f%% gc)\n", name, m, g, m + g > 0 ? 100 * g / (m + g) : 0);
    }
  }
  json_t *said = json_object();
  json_object_foreach(events, name, e) {
    const char *reason = json_string_value(json_object_get(e, "error"));
    if (!reason || json_object_get(said, reason)) continue;
    json_object_set_new(said, reason, json_true());
    fprintf(f, "    unavailable:");
    json_object_foreach(events, other, o) {
      const char *r2 = json_string_value(json_object_get(o, "error"));
      if (r2 && !strcmp(r2, reason)) fprintf(f, " %s", other);
    }
    fprintf(f, " (%s)\n", reason);
  }
  json_decref(said);
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
  json_t *live = json_object_get(json_object_get(r, "memory"), "peak_live_bytes");
  if (json_is_integer(live))
    fprintf(f, "  peak live %s (census at %.0f collections)\n", summary_bytes((double)json_integer_value(live), a, sizeof a),
            num(r, "memory", "census_count"));
  json_t *leaked = json_object_get(json_object_get(r, "memory"), "leaked_objects");
  if (json_is_integer(leaked))
    fprintf(f, "  leaked %s in %lld objects\n", summary_bytes(num(r, "memory", "leaked_bytes"), a, sizeof a),
            (long long)json_integer_value(leaked));
  fprintf(f, "  allocs %.0f (%s)  frees %.0f  rc incs %.0f decs %.0f  collections %.0f  finalizers %.0f\n",
          num(r, "stats", "allocs"), summary_bytes(num(r, "stats", "alloc_bytes"), a, sizeof a), num(r, "stats", "frees"),
          num(r, "stats", "rc_incs"), num(r, "stats", "rc_decs"), num(r, "stats", "collections"),
          num(r, "stats", "finalizers_run"));
  print_mmu(f, json_object_get(r, "mmu"));
  print_counters(f, json_object_get(r, "counters"));
  json_t *out = json_object_get(r, "output");
  size_t i;
  json_t *line;
  json_array_foreach(out, i, line) fprintf(f, "  | %s\n", json_string_value(line));
}
