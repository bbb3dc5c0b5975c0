/*
 * spawn.h — run one child process with a timeout, capturing its output.
 *
 * One process = one invocation (README.md): a crash, an OOM kill or a hang in a
 * benchmark is recorded as that run's status, and the suite goes on.
 */
#ifndef SPAWN_H
#define SPAWN_H

#include <stdbool.h>
#include <stddef.h>

#define SPAWN_STDERR_TAIL 4096

typedef struct spawn_result {
  bool started;        /* false: exec failed (message in err_tail) */
  bool timed_out;
  int exit_code;       /* when it exited */
  int signal;          /* when a signal ended it (0 otherwise) */
  char *out;           /* all of stdout, NUL-terminated (caller frees) */
  size_t out_len;
  char err_tail[SPAWN_STDERR_TAIL + 1]; /* the last bytes of stderr */
  double elapsed_s;
} spawn_result;

/* argv[0] is the program's path.  timeout_s <= 0: no timeout. */
void spawn_run(char *const argv[], double timeout_s, spawn_result *r);
void spawn_result_free(spawn_result *r);
#endif
