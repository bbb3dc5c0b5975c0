#include "harness/driver/callgrind_split.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a cost goes: a collector line, a mutator line, or a function with no gclab
 * source (shared out later). */
enum { CALLER_GC = -1, CALLER_MUTATOR = -2 };
typedef enum { SRC_FOREIGN, SRC_MUTATOR, SRC_COLLECTOR } src_class;

typedef struct cg_fn {
  char *key;        /* object '\x1f' name */
  int foreign;      /* -1 not yet seen defined, 0 gclab source, 1 no gclab source */
  uint64_t *self;   /* own cost per event (kept for foreign functions only) */
} cg_fn;

typedef struct cg_edge {
  int caller;       /* CALLER_GC, CALLER_MUTATOR, or a function index */
  int callee;
  uint64_t weight;  /* the call's inclusive cost in the first event (Ir) */
} cg_edge;

typedef struct names {
  char **by_id;
  size_t cap;
} names;

typedef struct parser {
  cg_split *out;
  /* functions: open-addressing table of indices into fns */
  cg_fn *fns;
  size_t nfns, capfns;
  int *table;
  size_t tablecap;
  cg_edge *edges;
  size_t nedges, capedges;
  names files, fnnames, objects; /* callgrind's name compression: "(id) name" */
  char ob[4096], call_ob[4096], call_fn[4096];
  bool call_ob_set, in_call;
  int fn;                        /* current function, -1 none */
  src_class fl_class, line_class;
  uint64_t summary[CG_MAX_EVENTS];
  bool have_summary;
} parser;

/* ==================================================================
 * Names and functions
 * ================================================================== */

/* Why a source prefix rather than a list of folders: Bazel compiles gclab's files
 * with the debug prefix /proc/self/cwd/, and nothing else on the system has it, so
 * "ours" is decidable from the path alone. */
static src_class classify(const char *path) {
  size_t n = strlen(CG_GCLAB_PREFIX);
  if (strncmp(path, CG_GCLAB_PREFIX, n)) return SRC_FOREIGN;
  const char *rel = path + n;
  while (!strncmp(rel, "./", 2)) rel += 2;
  return strncmp(rel, "collectors/", 11) ? SRC_MUTATOR : SRC_COLLECTOR;
}

/* A name field: "name", "(id) name" (defines id) or "(id)" (refers to it).  The
 * result lives until the next line unless it came from the table. */
static const char *resolve(names *t, char *value) {
  if (value[0] != '(') return value;
  char *end;
  unsigned long id = strtoul(value + 1, &end, 10);
  if (*end != ')') return value;
  const char *name = end + 1;
  while (*name == ' ') name++;
  if (id >= t->cap) {
    size_t cap = t->cap ? t->cap : 256;
    while (cap <= id) cap *= 2;
    char **p = realloc(t->by_id, cap * sizeof *p);
    if (!p) return "";
    memset(p + t->cap, 0, (cap - t->cap) * sizeof *p);
    t->by_id = p;
    t->cap = cap;
  }
  if (*name) {
    free(t->by_id[id]);
    t->by_id[id] = strdup(name);
  }
  return t->by_id[id] ? t->by_id[id] : "";
}

static uint64_t hash(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static bool grow_table(parser *p) {
  size_t cap = p->tablecap ? p->tablecap * 2 : 4096;
  int *t = malloc(cap * sizeof *t);
  if (!t) return false;
  for (size_t i = 0; i < cap; i++) t[i] = -1;
  for (size_t f = 0; f < p->nfns; f++) {
    size_t i = hash(p->fns[f].key) & (cap - 1);
    while (t[i] >= 0) i = (i + 1) & (cap - 1);
    t[i] = (int)f;
  }
  free(p->table);
  p->table = t;
  p->tablecap = cap;
  return true;
}

/* The index of function (object, name), added if new; -1 when out of memory. */
static int function(parser *p, const char *object, const char *name) {
  char key[8192];
  snprintf(key, sizeof key, "%s\x1f%s", object, name);
  if (2 * (p->nfns + 1) > p->tablecap && !grow_table(p)) return -1;
  size_t i = hash(key) & (p->tablecap - 1);
  for (; p->table[i] >= 0; i = (i + 1) & (p->tablecap - 1))
    if (!strcmp(p->fns[p->table[i]].key, key)) return p->table[i];
  if (p->nfns == p->capfns) {
    size_t cap = p->capfns ? p->capfns * 2 : 1024;
    cg_fn *f = realloc(p->fns, cap * sizeof *f);
    if (!f) return -1;
    p->fns = f;
    p->capfns = cap;
  }
  cg_fn *f = &p->fns[p->nfns];
  f->key = strdup(key);
  f->foreign = -1;
  f->self = calloc(CG_MAX_EVENTS, sizeof *f->self);
  if (!f->key || !f->self) return -1;
  p->table[i] = (int)p->nfns;
  return (int)p->nfns++;
}

static bool add_edge(parser *p, int caller, int callee, uint64_t weight) {
  if (p->nedges == p->capedges) {
    size_t cap = p->capedges ? p->capedges * 2 : 4096;
    cg_edge *e = realloc(p->edges, cap * sizeof *e);
    if (!e) return false;
    p->edges = e;
    p->capedges = cap;
  }
  p->edges[p->nedges++] = (cg_edge){caller, callee, weight};
  return true;
}

/* ==================================================================
 * Lines
 * ================================================================== */

/* "<position> <cost> <cost> ...": fewer costs than events means trailing zeros. */
static void parse_costs(const parser *p, char *line, uint64_t *costs) {
  memset(costs, 0, CG_MAX_EVENTS * sizeof *costs);
  char *s = line;
  strtoull(s, &s, 10); /* the position (line number; its value is not needed) */
  while (*s && *s != ' ') s++;
  for (int e = 0; e < p->out->nevents; e++) {
    while (*s == ' ') s++;
    if (!*s) break;
    costs[e] = strtoull(s, &s, 10);
  }
}

static void self_cost(parser *p, const uint64_t *costs) {
  src_class c = p->line_class != SRC_FOREIGN ? p->line_class : p->fl_class;
  if (p->fn >= 0 && p->fns[p->fn].foreign == 1) {
    for (int e = 0; e < p->out->nevents; e++) p->fns[p->fn].self[e] += costs[e];
  } else {
    for (int e = 0; e < p->out->nevents; e++) {
      p->out->total[e] += costs[e];
      if (c == SRC_COLLECTOR) p->out->gc[e] += costs[e];
    }
  }
}

static bool call_cost(parser *p, const uint64_t *costs) {
  int callee = function(p, p->call_ob_set ? p->call_ob : p->ob, p->call_fn);
  if (callee < 0) return false;
  int caller;
  if (p->fn >= 0 && p->fns[p->fn].foreign == 1) caller = p->fn;
  else caller = (p->line_class != SRC_FOREIGN ? p->line_class : p->fl_class) == SRC_COLLECTOR ? CALLER_GC : CALLER_MUTATOR;
  p->call_ob_set = false;
  p->in_call = false;
  return add_edge(p, caller, callee, costs[0]);
}

static void copy(char *dst, size_t len, const char *src) {
  snprintf(dst, len, "%s", src);
}

static bool parse_events(parser *p, char *list) {
  cg_split *o = p->out;
  o->nevents = 0;
  for (char *tok = strtok(list, " \t"); tok; tok = strtok(NULL, " \t")) {
    if (o->nevents == CG_MAX_EVENTS) return false;
    copy(o->names[o->nevents++], sizeof o->names[0], tok);
  }
  return o->nevents > 0;
}

/* One line of the file; false on what cannot be understood. */
static bool parse_line(parser *p, char *line) {
  char *eq = strchr(line, '=');
  size_t k = eq ? (size_t)(eq - line) : 0;
  char *v = eq ? eq + 1 : NULL;
  if ((line[0] >= '0' && line[0] <= '9') || line[0] == '+' || line[0] == '-' || line[0] == '*') {
    uint64_t costs[CG_MAX_EVENTS];
    parse_costs(p, line, costs);
    if (p->in_call) return call_cost(p, costs);
    self_cost(p, costs);
    return true;
  }
  if (!strncmp(line, "events:", 7)) return parse_events(p, line + 7);
  if (!strncmp(line, "creator:", 8)) {
    const char *c = line + 8;
    while (*c == ' ') c++;
    copy(p->out->creator, sizeof p->out->creator, c);
    return true;
  }
  if (!strncmp(line, "summary:", 8) || !strncmp(line, "totals:", 7)) {
    char *s = strchr(line, ':') + 1;
    for (int e = 0; e < p->out->nevents; e++) p->summary[e] = strtoull(s, &s, 10);
    p->have_summary = true;
    return true;
  }
  if (!eq) return true; /* other header lines, blank lines, comments */
  if (k == 2 && !strncmp(line, "ob", 2)) copy(p->ob, sizeof p->ob, resolve(&p->objects, v));
  else if (k == 2 && !strncmp(line, "fl", 2)) p->fl_class = p->line_class = classify(resolve(&p->files, v));
  else if (k == 2 && (!strncmp(line, "fi", 2) || !strncmp(line, "fe", 2))) p->line_class = classify(resolve(&p->files, v));
  else if (k == 2 && !strncmp(line, "fn", 2)) {
    p->fn = function(p, p->ob, resolve(&p->fnnames, v));
    if (p->fn < 0) return false;
    p->line_class = p->fl_class;
    if (p->fns[p->fn].foreign < 0) p->fns[p->fn].foreign = p->fl_class == SRC_FOREIGN;
  } else if (k == 3 && !strncmp(line, "cob", 3)) {
    copy(p->call_ob, sizeof p->call_ob, resolve(&p->objects, v));
    p->call_ob_set = true;
  } else if (k == 3 && (!strncmp(line, "cfi", 3) || !strncmp(line, "cfl", 3))) resolve(&p->files, v);
  else if (k == 3 && !strncmp(line, "cfn", 3)) copy(p->call_fn, sizeof p->call_fn, resolve(&p->fnnames, v));
  else if (k == 5 && !strncmp(line, "calls", 5)) p->in_call = true;
  return true; /* jump=, jcnd= and header keys with '=' carry nothing we need */
}

/* ==================================================================
 * Sharing out the costs of code without a gclab source
 * ================================================================== */

/* share[f]: the fraction of f's own cost that is the collector's.  A fixed point:
 * each function's share is the Ir-weighted mean of its callers' sides (1 for a
 * collector line, 0 for a mutator line, the caller's share for another such
 * function).  Gauss-Seidel in file order converges (a weighted mean of values in
 * [0, 1]); the order is fixed, so the result is reproducible to the last bit. */
static void share_out(parser *p) {
  double *share = calloc(p->nfns ? p->nfns : 1, sizeof *share);
  double *num = calloc(p->nfns ? p->nfns : 1, sizeof *num), *den = calloc(p->nfns ? p->nfns : 1, sizeof *den);
  for (int pass = 0; pass < 1000; pass++) {
    memset(num, 0, p->nfns * sizeof *num);
    memset(den, 0, p->nfns * sizeof *den);
    for (size_t i = 0; i < p->nedges; i++) {
      const cg_edge *e = &p->edges[i];
      if (p->fns[e->callee].foreign != 1) continue;
      double side = e->caller == CALLER_GC ? 1.0 : e->caller == CALLER_MUTATOR ? 0.0 : share[e->caller];
      num[e->callee] += (double)e->weight * side;
      den[e->callee] += (double)e->weight;
    }
    double change = 0;
    for (size_t f = 0; f < p->nfns; f++) {
      double s = den[f] > 0 ? num[f] / den[f] : 0.0;
      change = fmax(change, fabs(s - share[f]));
      share[f] = s;
    }
    if (change < 1e-12) break;
  }
  double gc[CG_MAX_EVENTS] = {0};
  for (size_t f = 0; f < p->nfns; f++) {
    if (p->fns[f].foreign != 1) continue;
    for (int e = 0; e < p->out->nevents; e++) {
      p->out->total[e] += p->fns[f].self[e];
      gc[e] += share[f] * (double)p->fns[f].self[e];
    }
  }
  for (int e = 0; e < p->out->nevents; e++) p->out->gc[e] += (uint64_t)llround(gc[e]);
  free(share);
  free(num);
  free(den);
}

static void parser_free(parser *p) {
  for (size_t f = 0; f < p->nfns; f++) { free(p->fns[f].key); free(p->fns[f].self); }
  free(p->fns);
  free(p->table);
  free(p->edges);
  names *all[] = {&p->files, &p->fnnames, &p->objects};
  for (int i = 0; i < 3; i++) {
    for (size_t j = 0; j < all[i]->cap; j++) free(all[i]->by_id[j]);
    free(all[i]->by_id);
  }
}

bool cg_split_file(const char *path, cg_split *out, char *error, size_t len) {
  memset(out, 0, sizeof *out);
  FILE *f = fopen(path, "r");
  if (!f) { snprintf(error, len, "cannot read callgrind's output %s", path); return false; }
  parser *p = calloc(1, sizeof *p);
  p->out = out;
  p->fn = -1;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  long lineno = 0;
  bool ok = true;
  while (ok && (n = getline(&line, &cap, f)) >= 0) {
    lineno++;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (!parse_line(p, line)) {
      snprintf(error, len, "%s:%ld: cannot parse callgrind output", path, lineno);
      ok = false;
    }
  }
  free(line);
  fclose(f);
  if (ok && out->nevents == 0) { snprintf(error, len, "%s: no events line", path); ok = false; }
  if (ok) share_out(p);
  for (int e = 0; ok && p->have_summary && e < out->nevents; e++)
    if (p->summary[e] != out->total[e]) {
      snprintf(error, len, "%s: costs add up to %llu %s, the file's total says %llu", path,
               (unsigned long long)out->total[e], out->names[e], (unsigned long long)p->summary[e]);
      ok = false;
    }
  parser_free(p);
  free(p);
  return ok;
}
