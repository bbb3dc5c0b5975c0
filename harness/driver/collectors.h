/*
 * collectors.h — the driver's view of the collectors: their names (generated from
 * collectors/defs.bzl), their bench binaries, and what each says about itself.
 */
#ifndef COLLECTORS_H
#define COLLECTORS_H

#include <jansson.h>
#include <stdbool.h>

extern const char *const gclab_collector_names[]; /* NULL-terminated, generated */

bool collector_known(const char *name);
/* "nogc, rc, ..." for error messages (static buffer). */
const char *collector_choices(void);
/* The path of bench_<name> beside the driver's own executable (static buffer). */
const char *collector_bench_path(const char *name);
/* Every collector's --describe answer, in list order (cached; NULL on failure with
 * a message on stderr). */
json_t *collectors_describe(void);
/* The workloads, from the first collector's description (all link the same ones). */
json_t *workloads_describe(void);
bool workload_known(const char *name);
/* Whether collector `name` declares capability `cap` ("reclaims", ...: the names
 * of `gclab list --json`); false when it cannot be described. */
bool collector_has_capability(const char *name, const char *cap);
const char *workload_choices(void);
#endif
