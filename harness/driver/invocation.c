#include "harness/driver/invocation.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "harness/driver/callgrind_run.h"
#include "harness/driver/collectors.h"
#include "harness/driver/spawn.h"

void invocation_defaults(invocation *inv) {
  memset(inv, 0, sizeof *inv);
  inv->size = "quick";
  inv->seed = 1;
  inv->iterations = 1;
  inv->timeout_s = 600;
}

/* The last line of stdout that parses as a JSON object: the bench prints exactly
 * one, but a workload or library might print before it. */
static json_t *last_json_line(char *out) {
  json_t *found = NULL;
  for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
    json_error_t err;
    json_t *j = line[0] == '{' ? json_loads(line, 0, &err) : NULL;
    if (j && json_is_object(j)) { json_decref(found); found = j; }
    else json_decref(j);
  }
  return found;
}

static bool under_callgrind(const invocation *inv) {
  return inv->counters && !strcmp(inv->counters, "callgrind");
}

static json_t *synthesized_record(const invocation *inv, const char *status, const spawn_result *r) {
  char why[256];
  if (r->timed_out) snprintf(why, sizeof why, "no result within %.0f s", inv->timeout_s);
  else if (r->signal) snprintf(why, sizeof why, "killed by signal %d (%s)", r->signal, strsignal(r->signal));
  else snprintf(why, sizeof why, "exited with status %d without a record", r->exit_code);
  json_t *rec = json_pack("{s:i,s:s,s:s,s:s,s:I,s:I,s:s,s:b,s:s,s:s,s:s,s:i,s:i}", "schema", 1,
                          "collector", inv->collector, "workload", inv->workload, "size", inv->size,
                          "seed", (json_int_t)inv->seed, "heap_bytes", (json_int_t)inv->heap_bytes,
                          "tuning", inv->tuning ? inv->tuning : "", "zeal", inv->zeal, "status", status,
                          "error", why, "stderr_tail", r->err_tail, "exit_code", r->exit_code, "signal", r->signal);
  json_object_set_new(rec, "heap_policy", json_string(inv->heap_policy ? inv->heap_policy : "fixed"));
  json_object_set_new(rec, "counters", json_pack("{s:s,s:s,s:{}}", "source", inv->counters ? inv->counters : "papi",
                                                 "why", "the run ended without a record", "events"));
  return rec;
}

json_t *invocation_run(const invocation *inv, const char **usage_error) {
  static char usage[sizeof(((spawn_result *)0)->err_tail)];
  char seed[32], heap[32], iters[32], warm[32];
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)inv->seed);
  snprintf(heap, sizeof heap, "%llu", (unsigned long long)inv->heap_bytes);
  snprintf(iters, sizeof iters, "%ld", inv->iterations);
  snprintf(warm, sizeof warm, "%ld", inv->warmup);
  char *argv[48 + 2 * INVOCATION_MAX_PARAMS];
  int n = 0;
  callgrind_run cg;
  if (under_callgrind(inv)) {
    if (!callgrind_prepare(&cg, usage, sizeof usage)) { *usage_error = usage; return NULL; }
    n = callgrind_argv(&cg, argv);
  }
  /* a recording runs in bench_record, whatever the collector (harness/trace_record.c) */
  argv[n++] = (char *)collector_bench_path(inv->record ? "record" : inv->collector);
  argv[n++] = "--workload"; argv[n++] = (char *)inv->workload;
  argv[n++] = "--size"; argv[n++] = (char *)inv->size;
  argv[n++] = "--seed"; argv[n++] = seed;
  argv[n++] = "--heap-bytes"; argv[n++] = heap;
  if (inv->heap_policy) { argv[n++] = "--heap-policy"; argv[n++] = (char *)inv->heap_policy; }
  argv[n++] = "--iterations"; argv[n++] = iters;
  argv[n++] = "--warmup"; argv[n++] = warm;
  if (inv->zeal) argv[n++] = "--zeal";
  if (inv->verify) argv[n++] = "--verify";
  if (inv->census) argv[n++] = "--census";
  if (inv->tuning) { argv[n++] = "--tuning"; argv[n++] = (char *)inv->tuning; }
  for (int i = 0; i < inv->nparams; i++) { argv[n++] = "--param"; argv[n++] = (char *)inv->params[i]; }
  if (inv->counters) { argv[n++] = "--counters"; argv[n++] = (char *)inv->counters; }
  if (inv->events) { argv[n++] = "--events"; argv[n++] = (char *)inv->events; }
  if (inv->mmu_out) { argv[n++] = "--mmu-out"; argv[n++] = (char *)inv->mmu_out; }
  if (inv->record) { argv[n++] = "--record"; argv[n++] = (char *)inv->record; }
  argv[n] = NULL;

  spawn_result r;
  spawn_run(argv, inv->timeout_s, &r);
  json_t *rec = NULL;
  if (!r.started) {
    rec = synthesized_record(inv, "crash", &r);
  } else if (!r.timed_out && !r.signal && r.exit_code == 2) {
    snprintf(usage, sizeof usage, "%s", r.err_tail);
    if (under_callgrind(inv)) callgrind_strip_notes(usage);
    size_t len = strlen(usage);
    while (len && usage[len - 1] == '\n') usage[--len] = '\0';
    *usage_error = usage;
  } else if (r.timed_out) {
    rec = synthesized_record(inv, "timeout", &r);
  } else {
    rec = r.signal ? NULL : last_json_line(r.out);
    if (!rec) rec = synthesized_record(inv, "crash", &r);
    else if (under_callgrind(inv)) callgrind_fill(&cg, rec);
  }
  if (under_callgrind(inv)) callgrind_cleanup(&cg);
  spawn_result_free(&r);
  return rec;
}
