#include "collectors/common/gc_tuning.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char tuning_error[512];

/* Why a value parser of our own: strtoull accepts "-1" and trailing junk silently;
 * a tuning typo must be an error, not a different experiment. */
static bool parse_u64(const char *v, uint64_t *out, bool byte_suffixes) {
  if (!v || !*v || *v == '-' || *v == '+') return false;
  char *end;
  errno = 0;
  unsigned long long n = strtoull(v, &end, 10);
  if (errno || end == v) return false;
  uint64_t mul = 1;
  if (byte_suffixes && *end) {
    switch (*end++) {
      case 'k': case 'K': mul = 1ull << 10; break;
      case 'm': case 'M': mul = 1ull << 20; break;
      case 'g': case 'G': mul = 1ull << 30; break;
      default: return false;
    }
  }
  if (*end) return false;
  if (n > UINT64_MAX / mul) return false;
  *out = n * mul;
  return true;
}

static bool parse_value(const gc_tuning_key *k, const char *v) {
  switch (k->type) {
    case GC_TUNE_U64: return parse_u64(v, k->target, false);
    case GC_TUNE_BYTES: return parse_u64(v, k->target, true);
    case GC_TUNE_DOUBLE: {
      if (!v || !*v) return false;
      char *end;
      errno = 0;
      double d = strtod(v, &end);
      if (errno || *end) return false;
      *(double *)k->target = d;
      return true;
    }
    case GC_TUNE_BOOL:
      if (!v || !strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "on")) { *(bool *)k->target = true; return true; }
      if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "off")) { *(bool *)k->target = false; return true; }
      return false;
  }
  return false;
}

static void list_keys(const gc_tuning_key *keys, size_t nkeys, char *buf, size_t len) {
  size_t used = strlen(buf);
  if (nkeys == 0) { snprintf(buf + used, len - used, " (this collector takes no tuning keys)"); return; }
  used += (size_t)snprintf(buf + used, len - used, " (valid keys:");
  for (size_t i = 0; i < nkeys && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, " %s", keys[i].name);
  if (used < len) snprintf(buf + used, len - used, ")");
}

const char *gc_tuning_parse(const char *tuning, const gc_tuning_key *keys, size_t nkeys) {
  if (!tuning || !*tuning) return NULL;
  char *copy = strdup(tuning);
  if (!copy) return "out of memory parsing the tuning string";
  char *names[nkeys + 1];
  for (size_t i = 0; i < nkeys; i++) names[i] = (char *)keys[i].name;
  names[nkeys] = NULL;
  const char *err = NULL;
  char *p = copy, *value;
  while (*p && !err) {
    char *start = p;
    int idx = getsubopt(&p, names, &value);
    if (idx < 0) {
      start[strcspn(start, "=")] = '\0'; /* the key alone, without its value */
      snprintf(tuning_error, sizeof tuning_error, "unknown tuning key '%s'", start);
      list_keys(keys, nkeys, tuning_error, sizeof tuning_error);
      err = tuning_error;
    } else if (!parse_value(&keys[idx], value)) {
      snprintf(tuning_error, sizeof tuning_error, "bad value '%s' for tuning key '%s': %s",
               value ? value : "", keys[idx].name, keys[idx].doc);
      err = tuning_error;
    }
  }
  free(copy);
  return err;
}

const char *gc_cycle_tuning_parse(const char *tuning, gc_cycle_tuning *out) {
  *out = (gc_cycle_tuning){.threshold = {700, 10, 10}, .saveall = false};
  const gc_tuning_key keys[] = {
      {"threshold0", GC_TUNE_U64, &out->threshold[0],
       "a count: generation 0 is collected when tracked allocations minus frees exceed it "
       "(gc.set_threshold; default 700; 0 disables automatic collection)"},
      {"threshold1", GC_TUNE_U64, &out->threshold[1],
       "a count: generation 1 is collected when collections of generation 0 since its last exceed it (default 10)"},
      {"threshold2", GC_TUNE_U64, &out->threshold[2],
       "a count: generation 2 is collected when collections of generation 1 since its last exceed it, "
       "and long-lived objects grew by 25% (default 10)"},
      {"saveall", GC_TUNE_BOOL, &out->saveall,
       "1/0: keep unreachable objects alive in the garbage list (gc.garbage) instead of freeing them "
       "(gc.DEBUG_SAVEALL; default 0)"},
  };
  return gc_tuning_parse(tuning, keys, sizeof keys / sizeof keys[0]);
}
