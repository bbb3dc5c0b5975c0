#include "collectors/common/sizeclass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

_Static_assert(sizeof(sc_block) <= SC_BLOCK_HEADER_BYTES, "block header outgrew its reserve");

/* ==================================================================
 * Size classes
 * ================================================================== */

/* Cell sizes: 16-byte steps to 256, then four classes per doubling (at most 25%
 * internal waste), to SC_SMALL_MAX. */
static const uint32_t class_bytes[SC_NCLASSES] = {
    16,  32,  48,  64,  80,   96,   112,  128,  144,  160,  176,  192,  208,  224,  240, 256,
    320, 384, 448, 512, 640,  768,  896,  1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096,
};

/* sc_class_of_granules[g] = the smallest class whose cells hold g granules; the
 * fast path reads it instead of searching class_bytes. */
uint8_t sc_class_of_granules[SC_SMALL_MAX / SC_GRANULE + 1];

static void class_table_init(void) {
  unsigned cls = 0;
  for (unsigned g = 0; g <= SC_SMALL_MAX / SC_GRANULE; g++) {
    while (class_bytes[cls] < g * SC_GRANULE) cls++;
    sc_class_of_granules[g] = (uint8_t)cls;
  }
}

#define POOL_CLASS 0xFF /* cls of a block that sits in the pool */

static size_t page_round(size_t n) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  return (n + page - 1) & ~(page - 1);
}

/* ==================================================================
 * Space lifetime
 * ================================================================== */

/* Why one big reservation: blocks are then found from any address by masking, and
 * "is this address in the small-object heap" is two compares.  The reservation is
 * virtual (MAP_NORESERVE); only touched blocks cost memory. */
bool sc_init(sc_space *s, size_t limit, const char **error) {
  memset(s, 0, sizeof *s);
  if (!sc_class_of_granules[SC_SMALL_MAX / SC_GRANULE]) class_table_init();
  size_t want = limit ? limit + SC_BLOCK_BYTES : (size_t)64 << 30;
  size_t reserve = want + SC_BLOCK_BYTES; /* slack to align the first block */
  char *base = mmap(NULL, reserve, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  /* with no limit, a smaller arena will do where address space is scarce (valgrind
   * gives its client less than 64 GiB) */
  while (base == MAP_FAILED && !limit && want > ((size_t)1 << 30)) {
    want /= 2;
    reserve = want + SC_BLOCK_BYTES;
    base = mmap(NULL, reserve, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  }
  if (base == MAP_FAILED) {
    *error = "cannot reserve address space for the heap (heap limit too large?)";
    return false;
  }
  char *aligned = (char *)(((uintptr_t)base + SC_BLOCK_BYTES - 1) & ~(uintptr_t)(SC_BLOCK_BYTES - 1));
  s->arena = s->arena_bump = aligned;
  s->arena_end = aligned + (want / SC_BLOCK_BYTES) * SC_BLOCK_BYTES;
  s->limit = limit;
  s->reserve_base = base;
  s->reserve_bytes = reserve;
  return true;
}

void sc_destroy(sc_space *s) {
  free(s->large_set);
  while (s->large) {
    sc_large *l = s->large;
    s->large = l->next;
    munmap(l, l->map_bytes);
  }
  if (s->reserve_base) munmap(s->reserve_base, s->reserve_bytes);
  memset(s, 0, sizeof *s);
}

/* ==================================================================
 * Blocks
 * ================================================================== */

static void account(sc_space *s, size_t add) {
  s->heap_bytes += add;
  if (s->heap_bytes > s->peak_heap_bytes) s->peak_heap_bytes = s->heap_bytes;
}

static bool within_limit(const sc_space *s, size_t add) {
  return !s->limit || s->heap_bytes + add <= s->limit;
}

static void list_push(sc_class *c, sc_block *b) {
  b->prev = NULL;
  b->next = c->list;
  if (c->list) c->list->prev = b;
  c->list = b;
  b->listed = 1;
}

static void list_unlink(sc_class *c, sc_block *b) {
  if (b->prev) b->prev->next = b->next; else c->list = b->next;
  if (b->next) b->next->prev = b->prev;
  b->next = b->prev = NULL;
  b->listed = 0;
}

/* A fresh block for class `cls`: from the pool, else carved from the arena. */
static sc_block *block_new(sc_space *s, unsigned cls) {
  if (!within_limit(s, SC_BLOCK_BYTES)) return NULL;
  sc_block *b = s->pool;
  if (b) {
    s->pool = b->next;
  } else {
    if (s->arena_bump + SC_BLOCK_BYTES > s->arena_end) return NULL;
    b = (sc_block *)s->arena_bump;
    s->arena_bump += SC_BLOCK_BYTES;
  }
  memset(b, 0, sizeof *b);
  b->cls = (uint8_t)cls;
  b->cell_bytes = class_bytes[cls];
  b->ncells = (uint32_t)((SC_BLOCK_BYTES - SC_BLOCK_HEADER_BYTES) / b->cell_bytes);
  b->bump = (char *)b + SC_BLOCK_HEADER_BYTES;
  b->end = b->bump + (size_t)b->ncells * b->cell_bytes;
  account(s, SC_BLOCK_BYTES);
  return b;
}

static void block_release(sc_space *s, sc_block *b) {
  b->cls = POOL_CLASS;
  b->next = s->pool;
  s->pool = b;
  s->heap_bytes -= SC_BLOCK_BYTES;
}

/* ==================================================================
 * Large objects
 * ================================================================== */

#define LARGE_HEADER_BYTES ((sizeof(sc_large) + 15) & ~(size_t)15)

/* ---- the set of large mappings ---- */

/* Mappings are page-aligned: the page number, mixed (Fibonacci hashing). */
static size_t large_slot(const sc_space *s, const sc_large *l) {
  uint64_t x = ((uint64_t)(uintptr_t)l >> 12) * 0x9e3779b97f4a7c15ull;
  return (size_t)(x >> 20) & (s->large_set_slots - 1);
}

static bool large_set_contains(const sc_space *s, const sc_large *l) {
  if (!s->large_set_slots) return false;
  for (size_t i = large_slot(s, l);; i = (i + 1) & (s->large_set_slots - 1)) {
    if (!s->large_set[i]) return false;
    if (s->large_set[i] == l) return true;
  }
}

static void large_set_put(sc_space *s, sc_large *l) {
  size_t i = large_slot(s, l);
  while (s->large_set[i]) i = (i + 1) & (s->large_set_slots - 1);
  s->large_set[i] = l;
}

/* Room for one more, keeping the set at most half full; false if malloc fails. */
static bool large_set_reserve(sc_space *s) {
  if ((s->large_count + 1) * 2 <= s->large_set_slots) return true;
  size_t slots = s->large_set_slots ? s->large_set_slots * 2 : 64;
  sc_large **old = s->large_set, **set = calloc(slots, sizeof *set);
  if (!set) return false;
  size_t old_slots = s->large_set_slots;
  s->large_set = set;
  s->large_set_slots = slots;
  for (size_t i = 0; i < old_slots; i++)
    if (old[i]) large_set_put(s, old[i]);
  free(old);
  return true;
}

/* Removal by backward shift (no tombstones): every later entry of the probe run
 * that may move into the hole does. */
static void large_set_remove(sc_space *s, const sc_large *l) {
  size_t mask = s->large_set_slots - 1, i = large_slot(s, l);
  while (s->large_set[i] != l) i = (i + 1) & mask;
  for (size_t j = (i + 1) & mask; s->large_set[j]; j = (j + 1) & mask) {
    size_t home = large_slot(s, s->large_set[j]);
    /* the entry at j may fill the hole at i if its home is not in (i, j] */
    if (((j - home) & mask) >= ((j - i) & mask)) {
      s->large_set[i] = s->large_set[j];
      i = j;
    }
  }
  s->large_set[i] = NULL;
}

static void *large_alloc(sc_space *s, size_t bytes) {
  size_t map_bytes = page_round(LARGE_HEADER_BYTES + bytes);
  if (!within_limit(s, map_bytes) || !large_set_reserve(s)) return NULL;
  sc_large *l = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (l == MAP_FAILED) return NULL;
  l->map_bytes = map_bytes;
  l->cell_bytes = map_bytes - LARGE_HEADER_BYTES;
  l->prev = NULL;
  l->next = s->large;
  if (s->large) s->large->prev = l;
  s->large = l;
  large_set_put(s, l);
  s->large_count++;
  s->live_cells++;
  account(s, map_bytes);
  return (char *)l + LARGE_HEADER_BYTES; /* fresh mappings are zero-filled */
}

static sc_large *large_of(const void *cell) { return (sc_large *)((char *)(uintptr_t)cell - LARGE_HEADER_BYTES); }

/* Out of line: inlined, it would cost the small-cell path of sc_free (the hot one,
 * every sweep) register spills for the large set's removal. */
__attribute__((noinline)) static void large_free(sc_space *s, void *cell) {
  sc_large *l = large_of(cell);
  if (l->prev) l->prev->next = l->next; else s->large = l->next;
  if (l->next) l->next->prev = l->prev;
  large_set_remove(s, l);
  s->large_count--;
  s->live_cells--;
  s->heap_bytes -= l->map_bytes;
  munmap(l, l->map_bytes);
}

/* ==================================================================
 * Allocation and freeing
 * ================================================================== */

/* The current block is exhausted: continue in a listed block with free cells, or
 * a new one.  The exhausted block is simply dropped; sc_free lists it again when
 * one of its cells comes back. */
void *sc_alloc_slow(sc_space *s, size_t bytes) {
  if (bytes > SC_SMALL_MAX) return large_alloc(s, bytes);
  unsigned cls = sc_class_of_granules[(bytes + SC_GRANULE - 1) / SC_GRANULE];
  sc_class *c = &s->classes[cls];
  sc_block *b = c->list;
  if (b) list_unlink(c, b);
  else if (!(b = block_new(s, cls))) return NULL;
  c->current = b;
  return sc_alloc(s, bytes);
}

void sc_free(sc_space *s, void *cell) {
  if (!sc_is_small(s, cell)) { large_free(s, cell); return; }
  sc_block *b = sc_block_of(cell);
  size_t g = ((uintptr_t)cell & (SC_BLOCK_BYTES - 1)) / SC_GRANULE;
  b->live_bits[g / 64] &= ~(1ull << (g % 64));
#ifndef NDEBUG
  /* poisoned, so that a dangling reference reads garbage that shows */
  memset(cell, SC_POISON_BYTE, b->cell_bytes);
#endif
  *(void **)cell = b->free_list;
  b->free_list = cell;
  b->live--;
  s->live_cells--;
  sc_class *c = &s->classes[b->cls];
  if (b == c->current) return;
  if (b->live == 0) {
    if (b->listed) list_unlink(c, b);
    block_release(s, b);
  } else if (!b->listed) {
    list_push(c, b);
  }
}

size_t sc_cell_bytes(const sc_space *s, const void *cell) {
  return sc_is_small(s, cell) ? sc_block_of(cell)->cell_bytes : large_of(cell)->cell_bytes;
}

/* ==================================================================
 * Enumeration (sweeps, leak accounting, the heap verifier)
 * ================================================================== */

void *sc_live_cell_containing(const sc_space *s, const void *addr) {
  if (sc_is_small(s, addr)) {
    if ((const char *)addr >= s->arena_bump) return NULL;
    sc_block *b = sc_block_of(addr);
    if (b->cls == POOL_CLASS) return NULL;
    char *first = (char *)b + SC_BLOCK_HEADER_BYTES;
    if ((const char *)addr < first || (const char *)addr >= b->end) return NULL;
    char *cell = first + (size_t)((const char *)addr - first) / b->cell_bytes * b->cell_bytes;
    size_t g = ((uintptr_t)cell & (SC_BLOCK_BYTES - 1)) / SC_GRANULE;
    return (b->live_bits[g / 64] >> (g % 64)) & 1 ? cell : NULL;
  }
  for (sc_large *l = s->large; l; l = l->next) {
    char *cell = (char *)l + LARGE_HEADER_BYTES;
    if ((const char *)addr >= cell && (const char *)addr < cell + l->cell_bytes) return cell;
  }
  return NULL;
}

bool sc_is_live_cell(const sc_space *s, const void *addr) {
  if (sc_is_small(s, addr)) return sc_live_cell_containing(s, addr) == addr;
  uintptr_t a = (uintptr_t)addr;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  if (a % page != LARGE_HEADER_BYTES % page) return false; /* a cell starts there, after its header */
  return large_set_contains(s, large_of(addr));
}

void sc_for_each_live(sc_space *s, void (*fn)(void *cell, void *ctx), void *ctx) {
  for (char *p = s->arena; p < s->arena_bump; p += SC_BLOCK_BYTES) {
    sc_block *b = (sc_block *)p;
    for (size_t w = 0; w < SC_BITMAP_WORDS && b->cls != POOL_CLASS; w++) {
      uint64_t bits = b->live_bits[w]; /* a copy: fn may free the cell */
      while (bits) {
        unsigned bit = (unsigned)__builtin_ctzll(bits);
        bits &= bits - 1;
        fn(p + (w * 64 + bit) * SC_GRANULE, ctx);
      }
    }
  }
  for (sc_large *l = s->large, *next; l; l = next) {
    next = l->next;
    fn((char *)l + LARGE_HEADER_BYTES, ctx);
  }
}
