/*
 * fuzz_replay.c — the fuzz target without libFuzzer: feeds every file named on
 * the command line (a directory: every file in it) to LLVMFuzzerTestOneInput, so
 * the corpus is a regression test under every collector with plain gcc.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input; false if it cannot be read (the target aborts on a finding). */
static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "fuzz_replay: cannot open %s\n", path); return 0; }
  static uint8_t buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  fprintf(stderr, "fuzz_replay: %s (%zu bytes)\n", path, n);
  LLVMFuzzerTestOneInput(buf, n);
  return 1;
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every regular file of a directory, in name order (a reproducible replay). */
static int replay_dir(const char *dir, int *count) {
  DIR *d = opendir(dir);
  if (!d) { fprintf(stderr, "fuzz_replay: cannot open %s\n", dir); return 0; }
  char **names = NULL;
  size_t n = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    names = realloc(names, (n + 1) * sizeof *names);
    names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
    sprintf(names[n++], "%s/%s", dir, e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, compare_names);
  int ok = 1;
  for (size_t i = 0; i < n; i++) { ok &= replay_file(names[i]); (*count)++; free(names[i]); }
  free(names);
  return ok;
}

int main(int argc, char **argv) {
  int ok = 1, count = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) ok &= replay_dir(argv[i], &count);
    else { ok &= replay_file(argv[i]); count++; }
  }
  if (count == 0) { fprintf(stderr, "fuzz_replay: no inputs\n"); return 2; }
  printf("fuzz_replay: %d inputs replayed\n", count);
  return ok ? 0 : 1;
}
