/*
 * fuzz_tuning.h — tuning strings drawn by the fuzz input from the keys the
 * collector itself lists (its tuning parser names them when it rejects an
 * unknown key), with values from a table keyed by the key's name.
 */
#ifndef FUZZ_TUNING_H
#define FUZZ_TUNING_H

#include <stddef.h>
#include <stdint.h>

/* Up to `nkeys` key=value pairs, key and value chosen by the bytes in `pick`
 * (two per pair); "" when the collector takes no keys.  Returns `out`. */
const char *fz_tuning_draw(const uint8_t *pick, unsigned nkeys, char *out, size_t len);

#endif
