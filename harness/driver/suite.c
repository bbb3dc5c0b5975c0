#include "harness/driver/suite.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "harness/driver/collectors.h"

const double suite_default_factors[] = {1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0};
const int suite_default_nfactors = sizeof suite_default_factors / sizeof suite_default_factors[0];

typedef struct loader {
  const char *path;
  yaml_document_t doc;
  char *err;
  size_t errlen;
} loader;

/* ==================================================================
 * Errors and scalars
 * ================================================================== */

static bool fail(loader *L, const yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(loader *L, const yaml_node_t *n, const char *fmt, ...) {
  int used = snprintf(L->err, L->errlen, "%s:%zu: ", L->path, n ? n->start_mark.line + 1 : 1);
  va_list ap;
  va_start(ap, fmt);
  if (used >= 0 && (size_t)used < L->errlen) vsnprintf(L->err + used, L->errlen - (size_t)used, fmt, ap);
  va_end(ap);
  return false;
}

static const char *scalar(const yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool want_scalar(loader *L, const yaml_node_t *n, const char *key, const char **out) {
  if (!(*out = scalar(n))) return fail(L, n, "'%s' needs a single value", key);
  return true;
}

static bool want_int(loader *L, const yaml_node_t *n, const char *key, long long min, long long max, long long *out) {
  const char *v;
  if (!want_scalar(L, n, key, &v)) return false;
  char *end;
  errno = 0;
  long long x = strtoll(v, &end, 10);
  if (!*v || *end || errno || x < min || x > max)
    return fail(L, n, "'%s' needs a whole number from %lld to %lld, got '%s'", key, min, max, v);
  *out = x;
  return true;
}

static bool want_double(loader *L, const yaml_node_t *n, const char *key, double min, double max, double *out) {
  const char *v;
  if (!want_scalar(L, n, key, &v)) return false;
  char *end;
  errno = 0;
  double x = strtod(v, &end);
  if (!*v || *end || errno || !(x >= min && x <= max))
    return fail(L, n, "'%s' needs a number from %g to %g, got '%s'", key, min, max, v);
  *out = x;
  return true;
}

static bool want_bool(loader *L, const yaml_node_t *n, const char *key, bool *out) {
  const char *v;
  if (!want_scalar(L, n, key, &v)) return false;
  if (!strcmp(v, "true") || !strcmp(v, "yes")) *out = true;
  else if (!strcmp(v, "false") || !strcmp(v, "no")) *out = false;
  else return fail(L, n, "'%s' needs true or false, got '%s'", key, v);
  return true;
}

static char *dup_or_die(const char *s) {
  char *d = strdup(s);
  if (!d) { perror("gclab"); exit(1); }
  return d;
}

/* ==================================================================
 * Heap sizes: "none", "default", or a list of factors (1.5, "2x") and sizes ("64M")
 * ================================================================== */

static bool parse_heap_item(loader *L, const yaml_node_t *n, suite_heap *h) {
  const char *v = scalar(n);
  if (!v) return fail(L, n, "a heap size is a factor of the base heap (2 or 2x), a size (64M) or none");
  if (!strcmp(v, "none")) {
    *h = (suite_heap){.kind = HEAP_NONE};
    snprintf(h->label, sizeof h->label, "none");
    return true;
  }
  char *end;
  errno = 0;
  double x = strtod(v, &end);
  if (end == v || errno) return fail(L, n, "heap size '%s' is not a number", v);
  if (!*end || !strcmp(end, "x")) {
    if (!(x >= 0.5 && x <= 100)) return fail(L, n, "heap factor '%s' is outside 0.5..100 times the minimum", v);
    *h = (suite_heap){.kind = HEAP_FACTOR, .factor = x};
    snprintf(h->label, sizeof h->label, "%.2fx", x);
    return true;
  }
  double mul = !strcmp(end, "K") ? 1 << 10 : !strcmp(end, "M") ? 1 << 20 : !strcmp(end, "G") ? 1 << 30 : 0;
  if (!mul || !(x > 0) || x * mul > 1e15) return fail(L, n, "heap size '%s': use a factor (2x), K/M/G bytes (64M) or none", v);
  *h = (suite_heap){.kind = HEAP_BYTES, .bytes = (uint64_t)(x * mul)};
  snprintf(h->label, sizeof h->label, "%s", v);
  return true;
}

static bool parse_heaps(loader *L, const yaml_node_t *n, suite *s) {
  const char *v = scalar(n);
  if (v && !strcmp(v, "default")) {
    for (int i = 0; i < suite_default_nfactors; i++) {
      s->heaps[i] = (suite_heap){.kind = HEAP_FACTOR, .factor = suite_default_factors[i]};
      snprintf(s->heaps[i].label, sizeof s->heaps[i].label, "%.2fx", suite_default_factors[i]);
    }
    s->nheaps = suite_default_nfactors;
    return true;
  }
  if (v) {
    s->nheaps = 1;
    return parse_heap_item(L, n, &s->heaps[0]);
  }
  if (n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top == n->data.sequence.items.start)
    return fail(L, n, "'heap' is none, default, or a non-empty list of heap sizes");
  s->nheaps = 0;
  for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
    if (s->nheaps == SUITE_MAX_HEAPS) return fail(L, n, "at most %d heap sizes", SUITE_MAX_HEAPS);
    if (!parse_heap_item(L, yaml_document_get_node(&L->doc, *it), &s->heaps[s->nheaps++])) return false;
  }
  return true;
}

/* ==================================================================
 * Collectors and workloads
 * ================================================================== */

static bool label_taken(const suite *s, const char *label, bool collectors) {
  if (collectors) {
    for (int i = 0; i < s->ncollectors; i++) if (!strcmp(s->collectors[i].label, label)) return true;
  } else {
    for (int i = 0; i < s->nworkloads; i++) if (!strcmp(s->workloads[i].label, label)) return true;
  }
  return false;
}

static bool valid_label(const char *l) {
  if (!*l) return false;
  for (const char *p = l; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-_.+", *p)))
      return false;
  return true;
}

/* One entry of `collectors`: a name, or {name, collector, tuning}. */
static bool parse_collector(loader *L, const yaml_node_t *n, suite *s) {
  suite_collector c = {0};
  const char *v = scalar(n);
  if (v) {
    c.label = dup_or_die(v);
    c.collector = dup_or_die(v);
  } else if (n->type == YAML_MAPPING_NODE) {
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
      yaml_node_t *k = yaml_document_get_node(&L->doc, p->key), *x = yaml_document_get_node(&L->doc, p->value);
      const char *key = scalar(k), *val;
      if (!key) return fail(L, k, "a collector entry's keys are name, collector, tuning");
      if (!want_scalar(L, x, key, &val)) return false;
      if (!strcmp(key, "name")) c.label = dup_or_die(val);
      else if (!strcmp(key, "collector")) c.collector = dup_or_die(val);
      else if (!strcmp(key, "tuning")) c.tuning = dup_or_die(val);
      else return fail(L, k, "unknown key '%s' in a collector entry (valid: name, collector, tuning)", key);
    }
    if (!c.label) return fail(L, n, "a collector entry needs a name");
    if (!c.collector) c.collector = dup_or_die(c.label);
  } else {
    return fail(L, n, "a collector entry is a name or a mapping with name, collector, tuning");
  }
  if (!collector_known(c.collector)) return fail(L, n, "unknown collector '%s' (valid: %s)", c.collector, collector_choices());
  if (!valid_label(c.label)) return fail(L, n, "collector name '%s': use letters, digits and - _ . +", c.label);
  if (label_taken(s, c.label, true)) return fail(L, n, "collector name '%s' appears twice", c.label);
  s->collectors = realloc(s->collectors, (size_t)(s->ncollectors + 1) * sizeof *s->collectors);
  s->collectors[s->ncollectors++] = c;
  return true;
}

static bool parse_params(loader *L, const yaml_node_t *n, suite_workload *w) {
  if (n->type != YAML_MAPPING_NODE) return fail(L, n, "'params' is a mapping of parameter names to values");
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(&L->doc, p->key), *x = yaml_document_get_node(&L->doc, p->value);
    const char *key = scalar(k), *val;
    if (!key || !*key || strchr(key, '=')) return fail(L, k, "a parameter name is a plain word");
    if (!want_scalar(L, x, key, &val)) return false;
    if (w->nparams == SUITE_MAX_PARAMS) return fail(L, k, "at most %d parameters", SUITE_MAX_PARAMS);
    char *kv = malloc(strlen(key) + strlen(val) + 2);
    sprintf(kv, "%s=%s", key, val);
    w->params[w->nparams++] = kv;
  }
  return true;
}

/* One entry of `workloads`: a name, or {name, workload, size, params}. */
static bool parse_workload(loader *L, const yaml_node_t *n, suite *s, const char *default_size) {
  suite_workload w = {0};
  const char *v = scalar(n);
  yaml_node_t *size_node = (yaml_node_t *)n;
  if (v) {
    w.label = dup_or_die(v);
    w.workload = dup_or_die(v);
  } else if (n->type == YAML_MAPPING_NODE) {
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
      yaml_node_t *k = yaml_document_get_node(&L->doc, p->key), *x = yaml_document_get_node(&L->doc, p->value);
      const char *key = scalar(k), *val;
      if (!key) return fail(L, k, "a workload entry's keys are name, workload, size, params");
      if (!strcmp(key, "params")) {
        if (!parse_params(L, x, &w)) return false;
        continue;
      }
      if (!want_scalar(L, x, key, &val)) return false;
      if (!strcmp(key, "name")) w.label = dup_or_die(val);
      else if (!strcmp(key, "workload")) w.workload = dup_or_die(val);
      else if (!strcmp(key, "size")) { w.size = dup_or_die(val); size_node = x; }
      else return fail(L, k, "unknown key '%s' in a workload entry (valid: name, workload, size, params)", key);
    }
    if (!w.label) return fail(L, n, "a workload entry needs a name");
    if (!w.workload) w.workload = dup_or_die(w.label);
  } else {
    return fail(L, n, "a workload entry is a name or a mapping with name, workload, size, params");
  }
  if (!w.size) w.size = dup_or_die(default_size);
  if (!workload_known(w.workload)) return fail(L, n, "unknown workload '%s' (valid: %s)", w.workload, workload_choices());
  if (strcmp(w.size, "quick") && strcmp(w.size, "default") && strcmp(w.size, "large"))
    return fail(L, size_node, "unknown size '%s' (valid: quick, default, large)", w.size);
  if (!valid_label(w.label)) return fail(L, n, "workload name '%s': use letters, digits and - _ . +", w.label);
  if (label_taken(s, w.label, false)) return fail(L, n, "workload name '%s' appears twice", w.label);
  s->workloads = realloc(s->workloads, (size_t)(s->nworkloads + 1) * sizeof *s->workloads);
  s->workloads[s->nworkloads++] = w;
  return true;
}

/* `collectors: all` / `workloads: all`: every one the build has, in list order. */
static bool parse_all(loader *L, const yaml_node_t *n, const char *key, suite *s, const char *default_size) {
  yaml_node_t fake = *n;
  if (*key == 'c') {
    for (const char *const *c = gclab_collector_names; *c; c++) {
      fake.data.scalar.value = (yaml_char_t *)*c;
      if (!parse_collector(L, &fake, s)) return false;
    }
    return true;
  }
  json_t *all = workloads_describe(), *w;
  size_t i;
  json_array_foreach(all, i, w) {
    fake.data.scalar.value = (yaml_char_t *)json_string_value(json_object_get(w, "name"));
    if (!parse_workload(L, &fake, s, default_size)) return false;
  }
  return true;
}

static bool parse_list(loader *L, const yaml_node_t *n, const char *key, suite *s, const char *default_size) {
  const char *v = scalar(n);
  if (v && !strcmp(v, "all")) return parse_all(L, n, key, s, default_size);
  if (n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top == n->data.sequence.items.start)
    return fail(L, n, "'%s' is all, or a non-empty list", key);
  for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
    yaml_node_t *x = yaml_document_get_node(&L->doc, *it);
    if (!(*key == 'c' ? parse_collector(L, x, s) : parse_workload(L, x, s, default_size))) return false;
  }
  return true;
}

/* ==================================================================
 * Convergence: `converge: {ci: 0.03, max_invocations: 20}`
 * ================================================================== */

static bool parse_converge(loader *L, const yaml_node_t *n, suite *s) {
  if (n->type != YAML_MAPPING_NODE) return fail(L, n, "'converge' is a mapping: {ci: 0.03, max_invocations: 20}");
  s->converge_ci = 0;
  s->converge_max = 0;
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(&L->doc, p->key), *v = yaml_document_get_node(&L->doc, p->value);
    const char *key = scalar(k);
    long long x;
    if (key && !strcmp(key, "ci")) { if (!want_double(L, v, "converge.ci", 0.0001, 1, &s->converge_ci)) return false; }
    else if (key && !strcmp(key, "max_invocations")) {
      if (!want_int(L, v, "converge.max_invocations", 2, 10000, &x)) return false;
      s->converge_max = (int)x;
    }
    else return fail(L, k, "unknown key '%s' in converge (valid: ci, max_invocations)", key ? key : "?");
  }
  if (!s->converge_ci || !s->converge_max) return fail(L, n, "'converge' needs both ci and max_invocations");
  return true;
}

/* ==================================================================
 * The document
 * ================================================================== */

static bool parse_top(loader *L, suite *s) {
  yaml_node_t *root = yaml_document_get_root_node(&L->doc);
  if (!root) return fail(L, NULL, "the suite is empty");
  if (root->type != YAML_MAPPING_NODE) return fail(L, root, "a suite is a mapping (name: ..., collectors: [...], ...)");
  yaml_node_t *collectors = NULL, *workloads = NULL, *heap = NULL, *baseline = NULL, *census = NULL, *minheap_base = NULL,
              *converge = NULL;
  const char *default_size = "quick";
  long long x;
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(&L->doc, p->key), *v = yaml_document_get_node(&L->doc, p->value);
    const char *key = scalar(k), *str;
    if (!key) return fail(L, k, "keys are plain words");
    if (!strcmp(key, "collectors")) collectors = v;
    else if (!strcmp(key, "workloads")) workloads = v;
    else if (!strcmp(key, "heap")) heap = v;
    else if (!strcmp(key, "baseline")) baseline = v;
    else if (!strcmp(key, "census")) census = v;
    else if (!strcmp(key, "converge")) converge = v;
    else if (!strcmp(key, "callgrind")) {
      if (!want_scalar(L, v, key, &str)) return false;
      if (strcmp(str, "quick") && strcmp(str, "default") && strcmp(str, "large") && strcmp(str, "same"))
        return fail(L, v, "callgrind: unknown size '%s' (valid: quick, default, large, same)", str);
      free(s->callgrind_size);
      s->callgrind_size = dup_or_die(str);
    }
    else if (!strcmp(key, "name")) { if (!want_scalar(L, v, key, &str)) return false; s->name = dup_or_die(str); }
    else if (!strcmp(key, "description")) { if (!want_scalar(L, v, key, &str)) return false; s->description = dup_or_die(str); }
    else if (!strcmp(key, "size")) {
      if (!want_scalar(L, v, key, &default_size)) return false;
      if (strcmp(default_size, "quick") && strcmp(default_size, "default") && strcmp(default_size, "large"))
        return fail(L, v, "unknown size '%s' (valid: quick, default, large)", default_size);
    }
    else if (!strcmp(key, "invocations")) { if (!want_int(L, v, key, 1, 10000, &x)) return false; s->invocations = (int)x; }
    else if (!strcmp(key, "iterations")) { if (!want_int(L, v, key, 1, 100000, &x)) return false; s->iterations = (long)x; }
    else if (!strcmp(key, "warmup")) { if (!want_int(L, v, key, 0, 100000, &x)) return false; s->warmup = (long)x; }
    else if (!strcmp(key, "seed")) { if (!want_int(L, v, key, 0, INT64_MAX, &x)) return false; s->seed = (uint64_t)x; }
    else if (!strcmp(key, "shuffle_seed")) { if (!want_int(L, v, key, 0, INT64_MAX, &x)) return false; s->shuffle_seed = (uint64_t)x; }
    else if (!strcmp(key, "timeout")) { if (!want_double(L, v, key, 0.001, 1e6, &s->timeout_s)) return false; }
    else if (!strcmp(key, "cv_warn")) { if (!want_double(L, v, key, 0, 10, &s->cv_warn)) return false; }
    else if (!strcmp(key, "ci_warn")) { if (!want_double(L, v, key, 0, 10, &s->ci_warn)) return false; }
    else if (!strcmp(key, "shuffle")) { if (!want_bool(L, v, key, &s->shuffle)) return false; }
    else if (!strcmp(key, "zeal")) { if (!want_bool(L, v, key, &s->zeal)) return false; }
    else if (!strcmp(key, "heap_policy")) {
      if (!want_scalar(L, v, key, &str)) return false;
      if (strcmp(str, "fixed") && strcmp(str, "growable"))
        return fail(L, v, "heap_policy: unknown policy '%s' (valid: fixed, growable)", str);
      free(s->heap_policy);
      s->heap_policy = dup_or_die(str);
    }
    else if (!strcmp(key, "minheap_base")) minheap_base = v;
    else if (!strcmp(key, "thrash_seconds")) { if (!want_double(L, v, key, 0.001, 1e6, &s->thrash_seconds)) return false; }
    else if (!strcmp(key, "minheap_tolerance")) { if (!want_double(L, v, key, 0.001, 0.5, &s->minheap_tolerance)) return false; }
    else if (!strcmp(key, "thrash_factor")) { if (!want_double(L, v, key, 1, 1e6, &s->thrash_factor)) return false; }
    else return fail(L, k, "unknown key '%s' (valid: name, description, collectors, workloads, size, heap, heap_policy, "
                           "minheap_base, minheap_tolerance, thrash_seconds, thrash_factor, invocations, iterations, warmup, seed, timeout, "
                           "shuffle, shuffle_seed, baseline, cv_warn, ci_warn, converge, zeal, census, callgrind)", key);
  }
  if (!collectors) return fail(L, root, "the suite names no collectors ('collectors: [...]')");
  if (!workloads) return fail(L, root, "the suite names no workloads ('workloads: [...]')");
  if (!parse_list(L, collectors, "collectors", s, default_size) || !parse_list(L, workloads, "workloads", s, default_size))
    return false;
  if (heap && !parse_heaps(L, heap, s)) return false;
  if (converge && !parse_converge(L, converge, s)) return false;
  if (converge && s->converge_max < s->invocations)
    return fail(L, converge, "converge.max_invocations (%d) is below invocations (%d)", s->converge_max, s->invocations);
  if (s->warmup >= s->iterations)
    return fail(L, root, "warmup (%ld) must be smaller than iterations (%ld)", s->warmup, s->iterations);
  if (baseline) {
    const char *b;
    if (!want_scalar(L, baseline, "baseline", &b)) return false;
    if (!label_taken(s, b, true)) return fail(L, baseline, "baseline '%s' is not one of the suite's collectors", b);
    s->baseline = dup_or_die(b);
  } else {
    s->baseline = dup_or_die(s->collectors[0].label);
  }
  if (minheap_base) {
    const char *b;
    if (!want_scalar(L, minheap_base, "minheap_base", &b)) return false;
    if (strcmp(b, "min") && !label_taken(s, b, true))
      return fail(L, minheap_base, "minheap_base: '%s' is neither 'min' nor one of the suite's collectors", b);
    if (strcmp(b, "min")) s->minheap_base = dup_or_die(b);
  }
  if (!s->heap_policy) s->heap_policy = dup_or_die("fixed");
  if (census) {
    const char *c;
    if (!want_scalar(L, census, "census", &c)) return false;
    if (!label_taken(s, c, true)) return fail(L, census, "census: '%s' is not one of the suite's collectors", c);
    s->census = dup_or_die(c);
  }
  return true;
}

bool suite_load(const char *path, suite *s, char *err, size_t errlen) {
  memset(s, 0, sizeof *s);
  *s = (suite){.invocations = 1, .iterations = 1, .seed = 1, .timeout_s = 600, .cv_warn = 0.05, .ci_warn = 0.05, .nheaps = 1,
               .thrash_seconds = 10, .thrash_factor = 20, .minheap_tolerance = 0.02};
  s->heaps[0] = (suite_heap){.kind = HEAP_NONE, .label = "none"};
  s->path = dup_or_die(path);
  loader L = {.path = path, .err = err, .errlen = errlen};
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "%s: cannot read the suite: %s", path, strerror(errno));
    return false;
  }
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_file(&parser, f);
  bool ok = yaml_parser_load(&parser, &L.doc);
  if (!ok) {
    snprintf(err, errlen, "%s:%zu: %s%s%s", path, parser.problem_mark.line + 1, parser.problem ? parser.problem : "malformed YAML",
             parser.context ? " " : "", parser.context ? parser.context : "");
  } else {
    ok = parse_top(&L, s);
    yaml_document_delete(&L.doc);
  }
  yaml_parser_delete(&parser);
  fclose(f);
  if (ok && !s->name) {
    const char *base = strrchr(path, '/');
    s->name = dup_or_die(base ? base + 1 : path);
    char *dot = strrchr(s->name, '.');
    if (dot) *dot = '\0';
  }
  return ok;
}

void suite_free(suite *s) {
  for (int i = 0; i < s->ncollectors; i++) {
    free(s->collectors[i].label);
    free(s->collectors[i].collector);
    free(s->collectors[i].tuning);
  }
  for (int i = 0; i < s->nworkloads; i++) {
    free(s->workloads[i].label);
    free(s->workloads[i].workload);
    free(s->workloads[i].size);
    for (int p = 0; p < s->workloads[i].nparams; p++) free(s->workloads[i].params[p]);
  }
  free(s->collectors);
  free(s->workloads);
  free(s->path);
  free(s->name);
  free(s->description);
  free(s->baseline);
  free(s->census);
  free(s->callgrind_size);
  free(s->heap_policy);
  free(s->minheap_base);
  memset(s, 0, sizeof *s);
}
