#include "collectors/common/gc_objmap.h"

#include <string.h>
#include <sys/mman.h>

bool gc_objmap_init(gc_objmap *m, const void *base, size_t bytes) {
  memset(m, 0, sizeof *m);
  size_t granules = (bytes + GC_OBJMAP_GRANULE - 1) / GC_OBJMAP_GRANULE;
  size_t map_bytes = (granules + 63) / 64 * sizeof(uint64_t);
  if (!map_bytes) map_bytes = sizeof(uint64_t);
  void *words = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (words == MAP_FAILED) return false;
  m->base = (uintptr_t)base;
  m->granules = granules;
  m->words = words;
  m->map_bytes = map_bytes;
  return true;
}

void gc_objmap_destroy(gc_objmap *m) {
  if (m->words) munmap(m->words, m->map_bytes);
  memset(m, 0, sizeof *m);
}

/* Partial words at the ends bit by bit (masks), whole words in between at once. */
void gc_objmap_clear(gc_objmap *m, const void *lo, const void *hi) {
  if ((const char *)hi <= (const char *)lo) return;
  size_t g0 = gc_objmap_granule(m, lo);
  size_t g1 = gc_objmap_granule(m, (const char *)hi + GC_OBJMAP_GRANULE - 1); /* exclusive */
  if (g1 > m->granules) g1 = m->granules;
  if (g0 >= g1) return;
  size_t w0 = g0 / 64, w1 = (g1 - 1) / 64;
  uint64_t first = ~0ull << (g0 % 64);
  uint64_t last = g1 % 64 ? ~0ull >> (64 - g1 % 64) : ~0ull;
  if (w0 == w1) {
    m->words[w0] &= ~(first & last);
    return;
  }
  m->words[w0] &= ~first;
  if (w1 > w0 + 1) memset(&m->words[w0 + 1], 0, (w1 - w0 - 1) * sizeof(uint64_t));
  m->words[w1] &= ~last;
}
