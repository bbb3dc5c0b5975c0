/*
 * gc_tuning.h — the collector-specific tuning string, "key=value,key=value".
 *
 * Each collector declares a table of the keys it understands; parsing fills the
 * variables the table points to and rejects unknown keys and malformed values with
 * a message naming the key and the valid choices.  Splitting is libc's getsubopt().
 */
#ifndef GC_TUNING_H
#define GC_TUNING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { GC_TUNE_U64, GC_TUNE_BYTES, GC_TUNE_DOUBLE, GC_TUNE_BOOL } gc_tune_type;

typedef struct gc_tuning_key {
  const char *name;
  gc_tune_type type;
  void *target; /* uint64_t*, uint64_t* (bytes: accepts K/M/G suffixes), double*, bool* */
  const char *doc;
} gc_tuning_key;

/* Returns NULL on success, else a static message (overwritten by the next call). */
const char *gc_tuning_parse(const char *tuning, const gc_tuning_key *keys, size_t nkeys);

/* CPython's cycle-collector knobs, read alike by rc_cycle (the port) and cpython
 * (the interpreter itself), so that one tuning string means the same to both:
 * threshold0..2 (gc.set_threshold; defaults 700, 10, 10) and saveall
 * (gc.DEBUG_SAVEALL). */
typedef struct gc_cycle_tuning {
  uint64_t threshold[3];
  bool saveall;
} gc_cycle_tuning;

const char *gc_cycle_tuning_parse(const char *tuning, gc_cycle_tuning *out);
#endif
