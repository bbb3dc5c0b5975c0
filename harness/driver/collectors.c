#include "harness/driver/collectors.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/driver/spawn.h"

bool collector_known(const char *name) {
  for (const char *const *c = gclab_collector_names; *c; c++)
    if (!strcmp(*c, name)) return true;
  return false;
}

static void join_names(char *buf, size_t len, const char *(*name_at)(size_t i)) {
  buf[0] = '\0';
  size_t used = 0;
  for (size_t i = 0; name_at(i) && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", name_at(i));
}

static const char *collector_at(size_t i) { return gclab_collector_names[i]; }

const char *collector_choices(void) {
  static char buf[1024];
  join_names(buf, sizeof buf, collector_at);
  return buf;
}

/* Why beside our own executable (or in $GCLAB_BIN_DIR): Bazel puts every bench_<name> in the same output
 * directory as the driver, in the source tree's bazel-bin and in test runfiles
 * alike; /proc/self/exe resolves the runfiles symlinks to that directory. */
const char *collector_bench_path(const char *name) {
  static char path[PATH_MAX];
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n < 0) { perror("gclab: /proc/self/exe"); exit(1); }
  self[n] = '\0';
  const char *dir = getenv("GCLAB_BIN_DIR"); /* tests linking the driver's parts */
  snprintf(path, sizeof path, "%s/bench_%s", dir ? dir : dirname(self), name);
  return path;
}

json_t *collectors_describe(void) {
  static json_t *all;
  if (all) return all;
  all = json_array();
  for (const char *const *c = gclab_collector_names; *c; c++) {
    char *argv[] = {(char *)collector_bench_path(*c), "--describe", NULL};
    spawn_result r;
    spawn_run(argv, 60, &r);
    json_error_t jerr;
    json_t *d = r.exit_code == 0 && !r.signal ? json_loads(r.out, 0, &jerr) : NULL;
    if (!d) {
      fprintf(stderr, "gclab: %s --describe failed: %s\n", argv[0], r.err_tail);
      spawn_result_free(&r);
      json_decref(all);
      all = NULL;
      return NULL;
    }
    json_array_append_new(all, d);
    spawn_result_free(&r);
  }
  return all;
}

json_t *workloads_describe(void) {
  json_t *all = collectors_describe();
  return all ? json_object_get(json_array_get(all, 0), "workloads") : NULL;
}

bool workload_known(const char *name) {
  json_t *w = workloads_describe(), *x;
  size_t i;
  json_array_foreach(w, i, x) if (!strcmp(json_string_value(json_object_get(x, "name")), name)) return true;
  return false;
}

static const char *workload_at(size_t i) {
  json_t *w = json_array_get(workloads_describe(), i);
  return w ? json_string_value(json_object_get(w, "name")) : NULL;
}

const char *workload_choices(void) {
  static char buf[2048];
  join_names(buf, sizeof buf, workload_at);
  return buf;
}

static bool json_string_is(json_t *j, const char *s) {
  const char *v = json_string_value(j);
  return v && !strcmp(v, s);
}

bool collector_has_capability(const char *name, const char *cap) {
  json_t *all = collectors_describe();
  size_t i, j;
  json_t *d, *c;
  json_array_foreach(all, i, d) {
    if (!json_string_is(json_object_get(d, "name"), name)) continue;
    json_array_foreach(json_object_get(d, "capabilities"), j, c)
      if (json_string_is(c, cap)) return true;
    return false;
  }
  return false;
}
