/*
 * cmd_seed.c — `gclab seed [--json]`: the seed blog's four Python experiments under
 * every collector, side by side.  What each collector did is in the workloads'
 * observations; this command only runs them and lays the answers out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/driver/cli.h"
#include "harness/driver/collectors.h"
#include "harness/driver/invocation.h"

static const struct { const char *workload, *title; } experiments[] = {
    {"seed-refcount", "1. Two names bound to one cached small integer, then one deleted"},
    {"seed-cycle", "2. A cycle a -> b -> a: both names deleted, then collect"},
    {"seed-gc", "3. isenabled() and what collect() returns"},
    {"seed-finalizer", "4. An object with a finalizer bound to two names, deleted one by one"},
};
#define NEXPERIMENTS (sizeof experiments / sizeof experiments[0])

/* -1 is how gc_refcount says "this collector keeps no count". */
static void cell_text(json_t *v, char *buf, size_t len) {
  if (!v) snprintf(buf, len, "-");
  else if (json_is_boolean(v)) snprintf(buf, len, "%s", json_is_true(v) ? "yes" : "no");
  else if (json_is_integer(v) && json_integer_value(v) == -1) snprintf(buf, len, "no count");
  else if (json_is_integer(v)) snprintf(buf, len, "%lld", (long long)json_integer_value(v));
  else if (json_is_string(v)) snprintf(buf, len, "%s", json_string_value(v));
  else snprintf(buf, len, "?");
}

static void print_experiment(const char *title, json_t *records) {
  printf("\n%s\n", title);
  size_t ncol = json_array_size(records);
  printf("  %-28s", "");
  for (size_t c = 0; c < ncol; c++) printf(" %-14s", json_string_value(json_object_get(json_array_get(records, c), "collector")));
  printf("\n");
  /* rows: the union of observation keys, in the order the first record has them */
  json_t *keys = json_array();
  for (size_t c = 0; c < ncol; c++) {
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(json_array_get(records, c), "observations"), k, v) {
      size_t i;
      json_t *seen;
      bool dup = false;
      json_array_foreach(keys, i, seen) if (!strcmp(json_string_value(seen), k)) dup = true;
      if (!dup) json_array_append_new(keys, json_string(k));
    }
  }
  size_t i;
  json_t *key;
  json_array_foreach(keys, i, key) {
    printf("  %-28s", json_string_value(key));
    for (size_t c = 0; c < ncol; c++) {
      char text[64];
      cell_text(json_object_get(json_object_get(json_array_get(records, c), "observations"), json_string_value(key)), text, sizeof text);
      printf(" %-14s", text);
    }
    printf("\n");
  }
  printf("  %-28s", "status");
  for (size_t c = 0; c < ncol; c++) printf(" %-14s", json_string_value(json_object_get(json_array_get(records, c), "status")));
  printf("\n");
  json_decref(keys);
}

int cmd_seed(int argc, char **argv) {
  bool as_json = cli_json_flag_only("seed", argc, argv);
  json_t *all = json_object();
  bool all_ok = true;
  for (size_t e = 0; e < NEXPERIMENTS; e++) {
    json_t *records = json_array();
    for (const char *const *name = gclab_collector_names; *name; name++) {
      invocation inv;
      invocation_defaults(&inv);
      inv.collector = *name;
      inv.workload = experiments[e].workload;
      inv.timeout_s = 60;
      const char *usage = NULL;
      json_t *rec = invocation_run(&inv, &usage);
      if (!rec) cli_die("%s", usage);
      if (strcmp(json_string_value(json_object_get(rec, "status")), "ok")) all_ok = false;
      json_array_append_new(records, rec);
    }
    if (!as_json) print_experiment(experiments[e].title, records);
    json_object_set_new(all, experiments[e].workload, records);
  }
  if (as_json) {
    char *text = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(text);
    free(text);
  }
  json_decref(all);
  return all_ok ? 0 : 1;
}
