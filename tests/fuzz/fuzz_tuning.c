#include "tests/fuzz/fuzz_tuning.h"

#include <stdio.h>
#include <string.h>

#include "collectors/api/gc.h"

/* Values worth trying per key: the defaults, the edges of the documented ranges
 * and a few in between (README "Tuning strings").  Keys are matched by name, not
 * by collector: rc_cycle and cpython share threshold0..2.  saveall is only ever
 * 0: with it on, unreachable objects are kept on purpose, which the exact live
 * checks would count against the collector. */
typedef struct key_values {
  const char *key;
  const char *values[6];
} key_values;

static const key_values table[] = {
    /* gen */
    {"nursery", {"64K", "128K", "1M", "8M"}},
    {"promote_age", {"1", "2", "3", "15"}},
    {"survivor", {"64K", "256K"}},
    {"major_growth", {"1.1", "2", "8"}},
    {"major_min", {"0", "64K", "1M", "16M"}},
    {"verify", {"0", "1"}},
    /* bdw */
    {"all_interior_pointers", {"0", "1"}},
    {"free_space_divisor", {"0", "1", "3", "20"}},
    /* drc */
    {"zct", {"1", "16", "8192"}},
    {"budget", {"1K", "64K", "4M"}},
    {"candidates", {"0", "1", "64", "65536"}},
    {"candidates_fraction", {"0", "0.5", "4"}},
    {"heap_growth", {"0", "0.25", "1"}},
    {"near_limit", {"0.1", "0.75", "1"}},
    {"coalesce", {"0", "1"}},
    /* rc_cycle, cpython */
    {"threshold0", {"0", "1", "10", "700"}},
    {"threshold1", {"0", "1", "10"}},
    {"threshold2", {"0", "1", "10"}},
    {"saveall", {"0"}},
};

static const key_values *values_of(const char *key) {
  for (size_t i = 0; i < sizeof table / sizeof *table; i++)
    if (!strcmp(table[i].key, key)) return &table[i];
  return NULL;
}

/* The collector's keys, once per process: a heap created with a key no collector
 * has is refused with "... (valid keys: a b c)" (collectors/common/gc_tuning.c). */
#define MAX_KEYS 32
static const key_values *keys[MAX_KEYS];
static unsigned nkeys_known;
static int listed;

static void list_keys(void) {
  if (listed) return;
  listed = 1;
  const char *error = NULL;
  gc_options o = {.tuning = "fuzz_tuning_probe=1"};
  gc_heap *h = gc_heap_create(&o, &error);
  if (h) {
    fprintf(stderr, "fuzz_tuning: a heap accepted an unknown tuning key; no tuning drawn\n");
    gc_heap_destroy(h);
    return;
  }
  const char *p = error ? strstr(error, "(valid keys:") : NULL;
  if (!p) return; /* "(this collector takes no tuning keys)" */
  char copy[512];
  snprintf(copy, sizeof copy, "%s", p + strlen("(valid keys:"));
  for (char *save = NULL, *k = strtok_r(copy, " )", &save); k && nkeys_known < MAX_KEYS;
       k = strtok_r(NULL, " )", &save)) {
    const key_values *kv = values_of(k);
    if (kv) keys[nkeys_known++] = kv;
    else fprintf(stderr, "fuzz_tuning: no values for tuning key '%s' (tests/fuzz/fuzz_tuning.c); not drawn\n", k);
  }
}

const char *fz_tuning_draw(const uint8_t *pick, unsigned nkeys, char *out, size_t len) {
  list_keys();
  size_t used = 0;
  out[0] = '\0';
  for (unsigned i = 0; i < nkeys && nkeys_known; i++) {
    const key_values *kv = keys[pick[2 * i] % nkeys_known];
    unsigned nvalues = 0;
    while (nvalues < 6 && kv->values[nvalues]) nvalues++;
    const char *v = kv->values[pick[2 * i + 1] % nvalues];
    int n = snprintf(out + used, len - used, "%s%s=%s", used ? "," : "", kv->key, v);
    if (n < 0 || (size_t)n >= len - used) break;
    used += (size_t)n;
  }
  out[used] = '\0';
  return out;
}
