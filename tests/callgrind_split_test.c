/*
 * callgrind_split_test.c — the split of a callgrind profile between collector and
 * mutator (harness/driver/callgrind_split.c), on a synthetic profile whose answer
 * is worked out by hand:
 *
 *   main (workloads/w.c, mutator)       self Ir 100, D1mr 5
 *     inlined collectors/x/x_impl.h     self Ir  40, D1mr 2   -> collector
 *     calls memset from the inlined line (inclusive Ir 30)
 *     calls memset from its own line     (inclusive Ir 90)
 *     calls collect
 *   collect (collectors/x/x.c)          self Ir 150, D1mr 10  -> collector
 *     calls memset (inclusive Ir 30), GC_helper (libgc)
 *   memset (libc)                        self Ir 150, D1mr 12
 *     reached with Ir 60 from collector lines and 90 from mutator lines:
 *     share 0.4 -> collector Ir 60, D1mr 4.8
 *   GC_helper (libgc)                    self Ir  15, D1mr 5   -> collector (share 1)
 *     calls strlen, and fin (a finalizer in workloads/w.c)
 *   strlen (libc)                        self Ir   5, D1mr 2   -> collector (its only
 *                                        caller, GC_helper, is all collector)
 *   fin (workloads/w.c)                  self Ir   8, D1mr 1   -> mutator (its own file)
 *
 *   total Ir 468 = collector 40 + 150 + 60 + 15 + 5 = 270, mutator 198
 *   total D1mr 37 = collector 2 + 10 + round(4.8 + 5 + 2) = 24, mutator 13
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/driver/callgrind_split.h"

static const char profile[] =
    "# callgrind format\n"
    "version: 1\n"
    "creator: callgrind-3.19.0\n"
    "positions: line\n"
    "events: Ir D1mr\n"
    "summary: 468 37\n"
    "\n"
    "ob=(1) /bench\n"
    "fl=(1) /proc/self/cwd/workloads/w.c\n"
    "fn=(1) main\n"
    "10 100 5\n"
    "fi=(2) /proc/self/cwd/./collectors/x/x_impl.h\n"
    "11 40 2\n"
    "cob=(2) /libc\n"
    "cfi=(3) ???\n"
    "cfn=(2) memset\n"
    "calls=1 0\n"
    "11 30 3\n"
    "fe=(1)\n"
    "cob=(2)\n"
    "cfi=(3)\n"
    "cfn=(2)\n"
    "calls=2 0\n"
    "12 90 6\n"
    "cfi=(4) /proc/self/cwd/collectors/x/x.c\n"
    "cfn=(3) collect\n"
    "calls=1 0\n"
    "13 231 22\n"
    "\n"
    "fl=(4)\n"
    "fn=(3)\n"
    "20 150 10\n"
    "cob=(2)\n"
    "cfi=(3)\n"
    "cfn=(2)\n"
    "calls=1 0\n"
    "21 30 3\n"
    "cob=(3) /libgc\n"
    "cfi=(3)\n"
    "cfn=(4) GC_helper\n"
    "calls=1 0\n"
    "22 28 8\n"
    "\n"
    "ob=(2)\n"
    "fl=(3)\n"
    "fn=(2)\n"
    "0 150 12\n"
    "\n"
    "ob=(3)\n"
    "fl=(3)\n"
    "fn=(4)\n"
    "0 15 5\n"
    "cob=(2)\n"
    "cfn=(5) strlen\n"
    "calls=1 0\n"
    "0 5 2\n"
    "cob=(1)\n"
    "cfi=(1)\n"
    "cfn=(6) fin\n"
    "calls=1 0\n"
    "0 8 1\n"
    "\n"
    "ob=(2)\n"
    "fl=(3)\n"
    "fn=(5)\n"
    "0 5 2\n"
    "\n"
    "ob=(1)\n"
    "fl=(1)\n"
    "fn=(6)\n"
    "30 8 1\n"
    "\n"
    "totals: 468 37\n";

static int failures;

static void check(bool ok, const char *what) {
  if (!ok) { fprintf(stderr, "FAIL: %s\n", what); failures++; }
}

static char *write_temp(const char *text) {
  static char path[4096];
  const char *tmp = getenv("TEST_TMPDIR");
  snprintf(path, sizeof path, "%s/callgrind.out.XXXXXX", tmp ? tmp : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) { perror("temp file"); exit(1); }
  close(fd);
  return path;
}

int main(void) {
  cg_split s;
  char error[512];
  char *path = write_temp(profile);
  bool ok = cg_split_file(path, &s, error, sizeof error);
  if (!ok) fprintf(stderr, "cg_split_file: %s\n", error);
  check(ok, "the profile parses");
  check(s.nevents == 2 && !strcmp(s.names[0], "Ir") && !strcmp(s.names[1], "D1mr"), "events line");
  check(!strcmp(s.creator, "callgrind-3.19.0"), "creator line");
  check(s.total[0] == 468 && s.total[1] == 37, "totals");
  if (s.gc[0] != 270 || s.gc[1] != 24)
    fprintf(stderr, "collector Ir %llu (want 270), D1mr %llu (want 24)\n", (unsigned long long)s.gc[0],
            (unsigned long long)s.gc[1]);
  check(s.gc[0] == 270 && s.gc[1] == 24, "the collector's share");
  unlink(path);

  /* A file whose costs do not add up to its own total is refused, not trusted. */
  char *bad = strdup(profile);
  char *t = strstr(bad, "totals: 468");
  memcpy(t, "totals: 469", 11);
  path = write_temp(bad);
  check(!cg_split_file(path, &s, error, sizeof error) && strstr(error, "469"), "a profile that does not add up");
  unlink(path);
  free(bad);

  check(!cg_split_file("/nonexistent/callgrind.out", &s, error, sizeof error), "a missing file");
  if (failures) { fprintf(stderr, "%d failure(s)\n", failures); return 1; }
  printf("callgrind split: all checks passed\n");
  return 0;
}
