/*
 * objmap_test.c — the shared object-start bitmap (collectors/common/gc_objmap.h)
 * and the size-class allocator's constant-time cell test (sc_is_live_cell): what
 * was set reads set, what was cleared or never set reads clear, at word edges
 * and range ends; large cells stay recognised while others come and go.
 */
#include <stdio.h>
#include <stdlib.h>

#include "collectors/common/gc_objmap.h"
#include "collectors/common/sizeclass.h"

static int failures;

#define EXPECT(cond, ...)                        \
  do {                                           \
    if (!(cond)) {                               \
      fprintf(stderr, "FAIL line %d: ", __LINE__); \
      fprintf(stderr, __VA_ARGS__);              \
      fputc('\n', stderr);                       \
      failures++;                                \
    }                                            \
  } while (0)

#define RANGE ((size_t)1 << 20)

static void bitmap_cases(void) {
  static char space[RANGE] __attribute__((aligned(8)));
  gc_objmap m;
  if (!gc_objmap_init(&m, space, RANGE)) { EXPECT(0, "gc_objmap_init failed"); return; }
  size_t marks[] = {0, 8, 504, 512, 520, 4096, RANGE - 8};
  size_t n = sizeof marks / sizeof *marks;
  for (size_t i = 0; i < n; i++) gc_objmap_set(&m, space + marks[i]);
  for (size_t i = 0; i < n; i++) EXPECT(gc_objmap_test(&m, space + marks[i]), "offset %zu not set", marks[i]);
  EXPECT(!gc_objmap_test(&m, space + 16), "offset 16 set but never marked");
  EXPECT(!gc_objmap_test(&m, space + 9), "an unaligned address reads as a start");
  EXPECT(!gc_objmap_test(&m, space + RANGE), "the address past the range reads as a start");
  EXPECT(!gc_objmap_test(&m, space - 8), "the address before the range reads as a start");
  /* [512, 4096) cleared: 504 and 4096 stay, 512 and 520 go */
  gc_objmap_clear(&m, space + 512, space + 4096);
  EXPECT(gc_objmap_test(&m, space + 504), "clearing [512, 4096) cleared 504");
  EXPECT(!gc_objmap_test(&m, space + 512) && !gc_objmap_test(&m, space + 520), "clearing [512, 4096) left 512 or 520");
  EXPECT(gc_objmap_test(&m, space + 4096), "clearing [512, 4096) cleared 4096");
  /* within one word */
  gc_objmap_set(&m, space + 520);
  gc_objmap_set(&m, space + 528);
  gc_objmap_clear(&m, space + 528, space + 536);
  EXPECT(gc_objmap_test(&m, space + 520) && !gc_objmap_test(&m, space + 528), "a clear inside one word");
  gc_objmap_clear(&m, space, space + RANGE);
  for (size_t i = 0; i < n; i++) EXPECT(!gc_objmap_test(&m, space + marks[i]), "offset %zu survives a full clear", marks[i]);
  gc_objmap_destroy(&m);
}

#define NLARGE 300

static void sizeclass_cases(void) {
  sc_space s;
  const char *error = NULL;
  if (!sc_init(&s, 0, &error)) { EXPECT(0, "sc_init: %s", error); return; }
  char *small = sc_alloc(&s, 48);
  EXPECT(sc_is_live_cell(&s, small), "a small cell is not recognised");
  EXPECT(!sc_is_live_cell(&s, small + 16), "the inside of a small cell reads as a cell");
  void *large[NLARGE];
  for (int i = 0; i < NLARGE; i++) large[i] = sc_alloc(&s, 5000 + 100 * (size_t)i);
  for (int i = 0; i < NLARGE; i += 2) sc_free(&s, large[i]); /* every other one */
  for (int i = 0; i < NLARGE; i++) {
    if (i % 2) EXPECT(sc_is_live_cell(&s, large[i]), "large cell %d not recognised", i);
    else EXPECT(!sc_is_live_cell(&s, large[i]), "freed large cell %d still reads as live", i);
    EXPECT(!sc_is_live_cell(&s, (char *)large[i] + 16), "the inside of large cell %d reads as a cell", i);
  }
  sc_free(&s, small);
  EXPECT(!sc_is_live_cell(&s, small), "a freed small cell still reads as live");
  sc_destroy(&s);
}

int main(void) {
  bitmap_cases();
  sizeclass_cases();
  if (failures) return 1;
  printf("objmap_test: all passed\n");
  return 0;
}
