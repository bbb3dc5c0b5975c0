#include "tests/conformance_support.h"

#include <stdarg.h>
#include <stdio.h>
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

gc_heap *heap_open(bool zeal, size_t heap_limit, void (*on_oom)(void *arg, size_t requested)) {
  gc_options o = {.heap_limit = heap_limit, .zeal = zeal, .on_oom = on_oom};
  const char *error = NULL;
  gc_heap *h = gc_heap_create(&o, &error);
  CHECK(h != NULL, "gc_heap_create failed with default tuning: %s", error ? error : "(no message)");
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
