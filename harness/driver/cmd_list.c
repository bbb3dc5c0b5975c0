/* cmd_list.c — `gclab list [--json]`: collectors with capabilities, workloads with sizes. */
#include <stdio.h>
#include <string.h>

#include "harness/driver/cli.h"
#include "harness/driver/collectors.h"

int cmd_list(int argc, char **argv) {
  bool as_json = cli_json_flag_only("list", argc, argv);
  json_t *cols = collectors_describe();
  if (!cols) return 1;
  json_t *wls = workloads_describe();
  size_t i, j;
  json_t *x, *cap;
  if (as_json) {
    json_t *out = json_object();
    json_t *cs = json_array();
    json_array_foreach(cols, i, x) {
      json_t *copy = json_copy(x);
      json_object_del(copy, "workloads");
      json_array_append_new(cs, copy);
    }
    json_object_set_new(out, "collectors", cs);
    json_object_set(out, "workloads", wls);
    char *text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(text);
    free(text);
    json_decref(out);
    return 0;
  }
  printf("Collectors:\n");
  json_array_foreach(cols, i, x) {
    printf("  %-14s %s\n  %-14s [", json_string_value(json_object_get(x, "name")),
           json_string_value(json_object_get(x, "description")), "");
    json_t *caps = json_object_get(x, "capabilities");
    json_array_foreach(caps, j, cap) printf("%s%s", j ? ", " : "", json_string_value(cap));
    printf("%s]\n", json_array_size(caps) ? "" : "no capabilities");
  }
  printf("\nWorkloads:\n");
  static const char *const sizes[] = {"quick", "default", "large"};
  json_array_foreach(wls, i, x) {
    printf("  %-16s %s\n", json_string_value(json_object_get(x, "name")), json_string_value(json_object_get(x, "description")));
    for (int s = 0; s < 3; s++)
      printf("  %-16s   %-8s %s\n", "", sizes[s], json_string_value(json_object_get(json_object_get(x, "sizes"), sizes[s])));
    json_t *params = json_object_get(x, "params");
    if (params) printf("  %-16s   params   %s\n", "", json_string_value(params));
  }
  return 0;
}
