#include "harness/driver/callgrind_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/driver/callgrind_split.h"

/* ==================================================================
 * Before the run
 * ================================================================== */

/* spawn_run execs a path, not a name: look valgrind up on PATH ourselves. */
static bool find_on_path(const char *name, char *out, size_t len) {
  const char *path = getenv("PATH");
  if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
  while (*path) {
    size_t k = strcspn(path, ":");
    snprintf(out, len, "%.*s/%s", (int)k, path, name);
    if (k && access(out, X_OK) == 0) return true;
    path += k;
    if (*path == ':') path++;
  }
  return false;
}

bool callgrind_prepare(callgrind_run *cr, char *error, size_t len) {
  memset(cr, 0, sizeof *cr);
  if (!find_on_path("valgrind", cr->valgrind, sizeof cr->valgrind)) {
    snprintf(error, len, "--counters callgrind needs valgrind, which is not on PATH (Debian: apt-get install valgrind)");
    return false;
  }
  if (!find_on_path("env", cr->env, sizeof cr->env)) {
    snprintf(error, len, "--counters callgrind needs env (coreutils), which is not on PATH");
    return false;
  }
  const char *tmp = getenv("TMPDIR");
  snprintf(cr->dir, sizeof cr->dir, "%s/gclab-callgrind-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(cr->dir)) {
    snprintf(error, len, "--counters callgrind: cannot create a temporary folder in %s", tmp && *tmp ? tmp : "/tmp");
    cr->dir[0] = '\0';
    return false;
  }
  snprintf(cr->out_file, sizeof cr->out_file, "%s/callgrind.out", cr->dir);
  snprintf(cr->opt_out, sizeof cr->opt_out, "--callgrind-out-file=%s", cr->out_file);
  return true;
}

int callgrind_argv(callgrind_run *cr, char **argv) {
  static char *const fixed[] = {
      "-q", "--tool=callgrind", "--cache-sim=yes", "--I1=" CALLGRIND_I1, "--D1=" CALLGRIND_D1, "--LL=" CALLGRIND_LL,
      "--collect-atstart=no", "--compress-strings=no", "--compress-pos=no",
  };
  int n = 0;
  argv[n++] = cr->env;
  argv[n++] = "-i";
  argv[n++] = "PATH=/usr/bin:/bin";
  argv[n++] = "LC_ALL=C";
  argv[n++] = "GC_MARKERS=1";
  argv[n++] = cr->valgrind;
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) argv[n++] = fixed[i];
  argv[n++] = cr->opt_out;
  return n;
}

/* ==================================================================
 * After the run
 * ================================================================== */

static int event_index(const cg_split *s, const char *name) {
  for (int e = 0; e < s->nevents; e++)
    if (!strcmp(s->names[e], name)) return e;
  return -1;
}

static json_t *event_json(uint64_t total, uint64_t gc) {
  return json_pack("{s:s,s:I,s:I,s:I}", "status", "available", "mutator", (json_int_t)(total - gc), "gc", (json_int_t)gc,
                   "total", (json_int_t)total);
}

/* A derived event (the sum of some of callgrind's), when all its parts exist. */
static void add_sum(json_t *events, const cg_split *s, const char *name, const char *const *parts) {
  uint64_t total = 0, gc = 0;
  for (; *parts; parts++) {
    int e = event_index(s, *parts);
    if (e < 0) return;
    total += s->total[e];
    gc += s->gc[e];
  }
  json_object_set_new(events, name, event_json(total, gc));
}

static json_t *events_json(const cg_split *s) {
  static const char *const d1[] = {"D1mr", "D1mw", NULL};
  static const char *const ll[] = {"ILmr", "DLmr", "DLmw", NULL};
  json_t *events = json_object();
  for (int e = 0; e < s->nevents; e++) json_object_set_new(events, s->names[e], event_json(s->total[e], s->gc[e]));
  add_sum(events, s, "D1_misses", d1);
  add_sum(events, s, "LL_misses", ll);
  return events;
}

void callgrind_fill(callgrind_run *cr, json_t *record) {
  json_t *counters = json_object_get(record, "counters");
  if (!json_is_object(counters)) {
    counters = json_pack("{s:s,s:s,s:s}", "source", "callgrind", "scope", "timed iterations", "split", "code");
    json_object_set_new(record, "counters", counters);
  }
  json_object_del(counters, "why");
  cg_split s;
  char error[512];
  if (!cg_split_file(cr->out_file, &s, error, sizeof error)) {
    json_object_set_new(counters, "events", json_object());
    json_object_set_new(counters, "error", json_string(error));
    return;
  }
  json_object_set_new(counters, "tool", json_sprintf("%s --cache-sim=yes", s.creator[0] ? s.creator : "callgrind"));
  json_object_set_new(counters, "cache", json_pack("{s:s,s:s,s:s}", "I1", CALLGRIND_I1, "D1", CALLGRIND_D1, "LL", CALLGRIND_LL));
  json_object_set_new(counters, "events", events_json(&s));
}

static bool valgrind_line(const char *line) {
  if ((line[0] != '-' || line[1] != '-') && (line[0] != '=' || line[1] != '=')) return false;
  const char *p = line + 2;
  if (*p < '0' || *p > '9') return false;
  while (*p >= '0' && *p <= '9') p++;
  return p[0] == line[0] && p[1] == line[0];
}

void callgrind_strip_notes(char *text) {
  char *out = text;
  for (char *line = text; *line;) {
    char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
    if (!valgrind_line(line)) {
      memmove(out, line, len);
      out += len;
    }
    line += len;
  }
  *out = '\0';
}

void callgrind_cleanup(callgrind_run *cr) {
  if (!cr->dir[0]) return;
  unlink(cr->out_file);
  rmdir(cr->dir);
  cr->dir[0] = '\0';
}
