#include "tests/conformance_support.h"

#include "harness/heap_verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==================================================================
 * Failures
 * ================================================================== */

static bool failed;
static char failure[768];

/* Why the base name only: Bazel passes "tests/x.c", gcc by hand an absolute path;
 * the report should read the same either way. */
static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

void conf_fail_at(const char *file, int line, const char *fmt, ...) {
  if (failed) return;
  failed = true;
  int used = snprintf(failure, sizeof failure, "%s:%d: ", base_name(file), line);
  if (used < 0 || (size_t)used >= sizeof failure) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(failure + used, sizeof failure - (size_t)used, fmt, ap);
  va_end(ap);
}

bool conf_failed(void) { return failed; }
const char *conf_failure(void) { return failure; }

bool has_cap(unsigned cap) { return (gc_collector()->caps & cap) != 0; }

/* ==================================================================
 * Conservative collectors
 * ================================================================== */

uint64_t retention_allowed(uint64_t unreachable) {
  if (!has_cap(GC_CAP_CONSERVATIVE)) return 0;
  uint64_t allowed = unreachable / 100 + CONSERVATIVE_FEW;
  return allowed < unreachable ? allowed : unreachable;
}

/* The strongly connected components (Tarjan, iterative: a long chain must not
 * overflow the C stack) come out successors first, so each component's closure is
 * its members plus the closures of the components its edges enter, one bitset per
 * component.  A reference to any member holds exactly that closure. */
typedef struct closures {
  uint32_t n, words, ncomp;
  uint32_t *index, *low, *comp, *stack, *call, *edge;
  bool *on_stack;
  uint64_t *bits; /* ncomp bitsets of `words` words */
} closures;

static void close_component(closures *c, uint32_t root, const uint32_t *first, const int32_t *succ, uint32_t *sp) {
  uint32_t id = c->ncomp++;
  uint64_t *mine = c->bits + (size_t)id * c->words;
  uint32_t top = *sp, x;
  do {
    x = c->stack[--top];
    c->on_stack[x] = false;
    c->comp[x] = id;
    mine[x / 64] |= 1ull << (x % 64);
  } while (x != root);
  for (uint32_t k = top; k < *sp; k++)
    for (uint32_t e = first[c->stack[k]]; e < first[c->stack[k] + 1]; e++) {
      int32_t t = succ[e];
      if (t < 0 || (uint32_t)t >= c->n || c->comp[t] == id) continue;
      const uint64_t *theirs = c->bits + (size_t)c->comp[t] * c->words;
      for (uint32_t w = 0; w < c->words; w++) mine[w] |= theirs[w];
    }
  *sp = top;
}

static void find_closures(closures *c, const uint32_t *first, const int32_t *succ) {
  uint32_t next_index = 1, sp = 0;
  for (uint32_t start = 0; start < c->n; start++) {
    if (c->index[start]) continue;
    uint32_t depth = 0;
    c->call[depth++] = start;
    c->edge[start] = first[start];
    c->index[start] = c->low[start] = next_index++;
    c->stack[sp++] = start;
    c->on_stack[start] = true;
    while (depth > 0) {
      uint32_t x = c->call[depth - 1];
      if (c->edge[x] < first[x + 1]) {
        int32_t t = succ[c->edge[x]++];
        if (t < 0 || (uint32_t)t >= c->n) continue;
        if (!c->index[t]) {
          c->index[t] = c->low[t] = next_index++;
          c->edge[t] = first[t];
          c->stack[sp++] = (uint32_t)t;
          c->on_stack[t] = true;
          c->call[depth++] = (uint32_t)t;
        } else if (c->on_stack[t] && c->index[t] < c->low[x]) {
          c->low[x] = c->index[t];
        }
        continue;
      }
      if (c->low[x] == c->index[x]) close_component(c, x, first, succ, &sp);
      if (--depth > 0 && c->low[x] < c->low[c->call[depth - 1]]) c->low[c->call[depth - 1]] = c->low[x];
    }
  }
}

uint64_t retention_in_graph(uint32_t n, const uint32_t *first, const int32_t *succ) {
  if (!has_cap(GC_CAP_CONSERVATIVE) || n == 0) return 0;
  closures c = {.n = n, .words = (n + 63) / 64};
  c.index = calloc(n, sizeof *c.index);
  c.low = calloc(n, sizeof *c.low);
  c.comp = calloc(n, sizeof *c.comp);
  c.stack = calloc(n, sizeof *c.stack);
  c.call = calloc(n, sizeof *c.call);
  c.edge = calloc(n, sizeof *c.edge);
  c.on_stack = calloc(n, sizeof *c.on_stack);
  c.bits = calloc((size_t)n * c.words, sizeof *c.bits);
  uint64_t largest[CONSERVATIVE_FEW] = {0}, allowed = n; /* out of memory: anything */
  if (c.index && c.low && c.comp && c.stack && c.call && c.edge && c.on_stack && c.bits) {
    find_closures(&c, first, succ);
    for (uint32_t id = 0; id < c.ncomp; id++) {
      uint64_t size = 0;
      for (uint32_t w = 0; w < c.words; w++) size += (uint64_t)__builtin_popcountll(c.bits[(size_t)id * c.words + w]);
      for (int k = 0; k < CONSERVATIVE_FEW; k++)
        if (size > largest[k]) { uint64_t t = largest[k]; largest[k] = size; size = t; }
    }
    allowed = 0;
    for (int k = 0; k < CONSERVATIVE_FEW; k++) allowed += largest[k];
  }
  free(c.index); free(c.low); free(c.comp); free(c.stack); free(c.call); free(c.edge); free(c.on_stack); free(c.bits);
  return allowed < n ? allowed : n;
}

bool live_as_predicted(uint64_t live, uint64_t held, uint64_t allowed) {
  return live >= held && live - held <= allowed;
}

uint64_t live_since(gc_heap *h, uint64_t baseline) {
  uint64_t live = live_objects(h);
  return has_cap(GC_CAP_CONSERVATIVE) && live < baseline ? 0 : live - baseline;
}

bool count_as_predicted(gc_heap *h, uint64_t baseline, uint64_t floor, uint64_t want, uint64_t allowed) {
  if (!has_cap(GC_CAP_CONSERVATIVE)) return live_objects(h) - baseline == want;
  uint64_t since = live_since(h, baseline);
  return live_objects(h) >= floor + want && (since <= want || since - want <= allowed);
}

const char *retention_note(uint64_t allowed) {
  static char note[96];
  if (!has_cap(GC_CAP_CONSERVATIVE)) return "";
  snprintf(note, sizeof note, " (a conservative collector may hold up to %llu more)", (unsigned long long)allowed);
  return note;
}

/* ==================================================================
 * Random numbers (splitmix64: tiny, and every seed gives a good stream)
 * ================================================================== */

void rng_seed(rng *r, uint64_t seed) { r->state = seed; }

uint64_t rng_next(rng *r) {
  uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint32_t rng_below(rng *r, uint32_t n) { return (uint32_t)(rng_next(r) % n); }

/* ==================================================================
 * Object identities
 * ================================================================== */

#define ID_BYTES sizeof(uint64_t)

/* Byte i of the pattern of object id: a hash, so neighbouring objects and
 * neighbouring bytes differ. */
static uint8_t pattern_byte(uint64_t id, uint32_t i) {
  uint64_t x = (id + 1) * 0x9e3779b97f4a7c15ull + (uint64_t)i * 0xff51afd7ed558ccdull;
  return (uint8_t)((x >> 32) ^ (x >> 13));
}

/* Where the pattern starts: after the id when the object has room for one. */
static uint32_t pattern_start(uint32_t nbytes) { return nbytes >= ID_BYTES ? (uint32_t)ID_BYTES : 0; }

void identity_write(gc_obj *o, uint64_t id) {
  uint8_t *bytes = gc_data(o);
  uint32_t n = gc_nbytes(o);
  if (n >= ID_BYTES) memcpy(bytes, &id, ID_BYTES);
  for (uint32_t i = pattern_start(n); i < n; i++) bytes[i] = pattern_byte(id, i);
}

bool identity_intact(gc_obj *o, uint64_t id) {
  const uint8_t *bytes = gc_data(o);
  uint32_t n = gc_nbytes(o);
  if (n >= ID_BYTES && identity_read(o) != id) return false;
  for (uint32_t i = pattern_start(n); i < n; i++)
    if (bytes[i] != pattern_byte(id, i)) return false;
  return true;
}

uint64_t identity_read(gc_obj *o) {
  uint64_t id;
  memcpy(&id, gc_data(o), ID_BYTES);
  return id;
}

bool object_is_blank(gc_obj *o) {
  for (uint32_t i = 0; i < gc_nptrs(o); i++)
    if (gc_get(o, i)) return false;
  const uint8_t *bytes = gc_data(o);
  for (uint32_t i = 0; i < gc_nbytes(o); i++)
    if (bytes[i]) return false;
  return true;
}

/* ==================================================================
 * Heaps
 * ================================================================== */

/* A broken heap found by the verifier fails the running case. */
static void on_verify_failure(const char *message) { conf_fail_at(__FILE__, __LINE__, "heap verification: %s", message); }

void verify_after_collections(gc_heap *h) {
  heap_verify_install(&(hv_target){h, gc_collector()->caps, gc_debug_is_object, gc_refcount, gc_stats_read, on_verify_failure, 4096, NULL});
}

gc_heap_policy conf_heap_policy = GC_HEAP_GROWABLE;

gc_heap *heap_open(bool zeal, size_t heap_limit, void (*on_oom)(void *arg, size_t requested)) {
  gc_options o = {.heap_limit = heap_limit, .heap_policy = conf_heap_policy, .zeal = zeal, .on_oom = on_oom};
  const char *error = NULL;
  gc_heap *h = gc_heap_create(&o, &error);
  CHECK(h != NULL, "gc_heap_create failed with default tuning: %s", error ? error : "(no message)");
  if (h) verify_after_collections(h);
  return h;
}

uint64_t live_objects(gc_heap *h) {
  gc_stats s;
  gc_stats_read(h, &s);
  return s.live_objects;
}

void collect_until_live(gc_heap *h, uint64_t want, unsigned max) {
  for (unsigned i = 0; i < max && live_objects(h) != want; i++) gc_collect(h);
}

gc_root push_new_object(gc_heap *h, uint64_t id, uint32_t nptrs, uint32_t nbytes, gc_finalizer f) {
  gc_obj *o = f ? gc_alloc_finalizable(h, nptrs, nbytes, f) : gc_alloc(h, nptrs, nbytes);
  identity_write(o, id);
  return gc_root_push(h, o);
}

void allocate_garbage(gc_heap *h, uint32_t count) {
  for (uint32_t i = 0; i < count; i++) identity_write(gc_alloc(h, i % 3, 8 + 8 * (i % 4)), i);
}
