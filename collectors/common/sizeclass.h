/*
 * sizeclass.h — the size-class allocator every gclab non-moving collector shares,
 * so that a difference between them is the strategy, not the allocator.
 *
 * Small cells (up to SC_SMALL_MAX bytes) live in 32 KiB blocks, each block holding
 * cells of one size class, carved lazily and recycled through a per-block free list
 * (the shape of mimalloc's pages).  A block whose cells are all free goes back to
 * the space's pool.  Larger objects get their own mapping.
 *
 * Accounting (gc.h rule 4): heap_bytes = blocks in use x block size + large
 * mappings, page-rounded.  Internal fragmentation is therefore included, and an
 * allocation that would take heap_bytes over the limit fails (returns NULL) so the
 * collector can collect and retry, or give up with oom.
 *
 * A per-block bitmap, one bit per 16-byte granule, marks the first granule of every
 * live cell: it lets sweeps and the heap verifier enumerate and recognise live
 * objects without a division on the allocation path.
 */
#ifndef SIZECLASS_H
#define SIZECLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_BLOCK_BYTES ((size_t)32 * 1024)
#define SC_GRANULE 16
#define SC_SMALL_MAX 4096
#define SC_NCLASSES 32
#define SC_BITMAP_WORDS (SC_BLOCK_BYTES / SC_GRANULE / 64)
/* Freed small cells are filled with this byte in debug builds (!NDEBUG), all
 * but the free-list link in their first word. */
#define SC_POISON_BYTE 0xdb

typedef struct sc_block {
  struct sc_block *next, *prev; /* in its class's list of blocks with free cells */
  void *free_list;              /* recycled cells */
  char *bump, *end;             /* never-used cells, carved lazily */
  uint32_t cell_bytes;
  uint32_t live;     /* cells allocated */
  uint32_t ncells;
  uint8_t cls;
  uint8_t listed;    /* on its class's list */
  uint64_t live_bits[SC_BITMAP_WORDS];
} sc_block;

typedef struct sc_large {
  struct sc_large *next, *prev;
  size_t map_bytes;
  size_t cell_bytes;
  /* the cell follows, 16-byte aligned */
} sc_large;

typedef struct sc_class {
  sc_block *current; /* allocation happens here */
  sc_block *list;    /* other blocks with free cells */
} sc_class;

typedef struct sc_space {
  char *arena, *arena_end, *arena_bump;
  sc_block *pool; /* released blocks */
  sc_class classes[SC_NCLASSES];
  sc_large *large;
  size_t large_count;
  /* the large mappings again, as an open-addressing set (linear probing, a power
   * of two slots, at most half full): sc_is_live_cell in constant time */
  sc_large **large_set;
  size_t large_set_slots;
  size_t limit; /* 0 = none */
  size_t heap_bytes, peak_heap_bytes;
  size_t live_cells;
  void *reserve_base; /* the whole reservation, for munmap */
  size_t reserve_bytes;
} sc_space;

/* False (with a message) if the arena cannot be reserved. */
bool sc_init(sc_space *s, size_t limit, const char **error);
void sc_destroy(sc_space *s);

/* A zero-filled cell of at least `bytes`, or NULL when the limit forbids it.
 * The fast path (a cell from the current block) is inline; the rest is not. */
static inline void *sc_alloc(sc_space *s, size_t bytes);
void *sc_alloc_slow(sc_space *s, size_t bytes);
void sc_free(sc_space *s, void *cell);
/* The usable size of a live cell. */
size_t sc_cell_bytes(const sc_space *s, const void *cell);
/* The start of the live cell that contains addr, or NULL (heap verifier).
 * Constant time for small cells, a walk of the large ones otherwise. */
void *sc_live_cell_containing(const sc_space *s, const void *addr);
/* Whether addr is the start of a live cell: constant time for every cell. */
bool sc_is_live_cell(const sc_space *s, const void *addr);
/* Calls fn on every live cell; fn may free the cell it is given (sweeping). */
void sc_for_each_live(sc_space *s, void (*fn)(void *cell, void *ctx), void *ctx);

static inline bool sc_is_small(const sc_space *s, const void *p) {
  return (const char *)p >= s->arena && (const char *)p < s->arena_end;
}
static inline sc_block *sc_block_of(const void *p) {
  return (sc_block *)((uintptr_t)p & ~(uintptr_t)(SC_BLOCK_BYTES - 1));
}

/* ---- the allocation fast path ---- */
#define SC_BLOCK_HEADER_BYTES 320 /* sizeof(sc_block) rounded up to a cache line */
extern uint8_t sc_class_of_granules[SC_SMALL_MAX / SC_GRANULE + 1];

static inline void sc_mark_live(sc_block *b, void *cell) {
  size_t g = ((uintptr_t)cell & (SC_BLOCK_BYTES - 1)) / SC_GRANULE;
  b->live_bits[g / 64] |= 1ull << (g % 64);
}

static inline void *sc_alloc(sc_space *s, size_t bytes) {
  if (__builtin_expect(bytes <= SC_SMALL_MAX, 1)) {
    sc_block *b = s->classes[sc_class_of_granules[(bytes + SC_GRANULE - 1) / SC_GRANULE]].current;
    void *cell;
    if (b && b->free_list) {
      cell = b->free_list;
      b->free_list = *(void **)cell;
    } else if (b && b->bump < b->end) {
      cell = b->bump;
      b->bump += b->cell_bytes;
    } else {
      return sc_alloc_slow(s, bytes);
    }
    sc_mark_live(b, cell);
    b->live++;
    s->live_cells++;
    __builtin_memset(cell, 0, bytes);
    return cell;
  }
  return sc_alloc_slow(s, bytes);
}
#endif
