/*
 * fuzz_replay.c — the fuzz target without libFuzzer: feeds every file named on
 * the command line (a directory: every file in it) to LLVMFuzzerTestOneInput, so
 * the corpus is a regression test under every collector with plain gcc.
 *
 * Each input runs in a child process of its own: a process-wide collector (bdw)
 * then starts every input fresh, as its tuning (all_interior_pointers) can only
 * be chosen by a process's first heap, and one finding does not hide the rest.
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input in a child; true if it ran clean (the target aborts on a finding). */
static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "fuzz_replay: cannot open %s\n", path); return 0; }
  static uint8_t buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  fprintf(stderr, "fuzz_replay: %s (%zu bytes)\n", path, n);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) { fprintf(stderr, "fuzz_replay: cannot fork for %s\n", path); return 0; }
  if (pid == 0) {
    LLVMFuzzerTestOneInput(buf, n);
    exit(0); /* exit, not _exit: LeakSanitizer still checks the child */
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) { fprintf(stderr, "fuzz_replay: lost the child for %s\n", path); return 0; }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 1;
  if (WIFSIGNALED(status)) fprintf(stderr, "fuzz_replay: FAIL %s: signal %d (%s)\n", path, WTERMSIG(status), strsignal(WTERMSIG(status)));
  else fprintf(stderr, "fuzz_replay: FAIL %s: exit status %d\n", path, WEXITSTATUS(status));
  return 0;
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every regular file of a directory, in name order (a reproducible replay). */
static int replay_dir(const char *dir, int *count, int *failed) {
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
  for (size_t i = 0; i < n; i++) {
    if (!replay_file(names[i])) (*failed)++;
    (*count)++;
    free(names[i]);
  }
  free(names);
  return 1;
}

int main(int argc, char **argv) {
  int ok = 1, count = 0, failed = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) ok &= replay_dir(argv[i], &count, &failed);
    else {
      if (!replay_file(argv[i])) failed++;
      count++;
    }
  }
  if (count == 0) { fprintf(stderr, "fuzz_replay: no inputs\n"); return 2; }
  printf("fuzz_replay: %d inputs replayed, %d failed\n", count, failed);
  return ok && !failed ? 0 : 1;
}
