#include "harness/driver/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void append_out(spawn_result *r, const char *buf, size_t n, size_t *cap) {
  if (r->out_len + n + 1 > *cap) {
    while (r->out_len + n + 1 > *cap) *cap = *cap ? *cap * 2 : 8192;
    char *p = realloc(r->out, *cap);
    if (!p) { perror("gclab"); exit(1); }
    r->out = p;
  }
  memcpy(r->out + r->out_len, buf, n);
  r->out_len += n;
  r->out[r->out_len] = '\0';
}

/* Keeps only the last SPAWN_STDERR_TAIL bytes: the end of stderr says why. */
static void append_tail(spawn_result *r, const char *buf, size_t n) {
  size_t have = strlen(r->err_tail);
  if (n >= SPAWN_STDERR_TAIL) {
    memcpy(r->err_tail, buf + n - SPAWN_STDERR_TAIL, SPAWN_STDERR_TAIL);
    r->err_tail[SPAWN_STDERR_TAIL] = '\0';
    return;
  }
  if (have + n > SPAWN_STDERR_TAIL) {
    size_t drop = have + n - SPAWN_STDERR_TAIL;
    memmove(r->err_tail, r->err_tail + drop, have - drop);
    have -= drop;
  }
  memcpy(r->err_tail + have, buf, n);
  r->err_tail[have + n] = '\0';
}

/* Why a process group: a wrapped child (valgrind) has children of its own, and a
 * timeout must end them all. */
void spawn_run(char *const argv[], double timeout_s, spawn_result *r) {
  memset(r, 0, sizeof *r);
  int out[2], err[2];
  if (pipe(out) || pipe(err)) { snprintf(r->err_tail, sizeof r->err_tail, "pipe: %s", strerror(errno)); return; }
  double t0 = now_s();
  pid_t pid = fork();
  if (pid < 0) { snprintf(r->err_tail, sizeof r->err_tail, "fork: %s", strerror(errno)); return; }
  if (pid == 0) {
    setpgid(0, 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    close(out[0]); close(out[1]); close(err[0]); close(err[1]);
    execv(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  setpgid(pid, pid);
  close(out[1]);
  close(err[1]);
  r->started = true;
  size_t cap = 0;
  append_out(r, "", 0, &cap);
  struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    int wait_ms = -1;
    if (timeout_s > 0) {
      double left = timeout_s - (now_s() - t0);
      if (left <= 0) { r->timed_out = true; break; }
      wait_ms = (int)(left * 1000) + 1;
    }
    int n = poll(fds, 2, wait_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    for (int i = 0; i < 2; i++) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        open_fds--;
      } else if (i == 0) {
        append_out(r, buf, (size_t)got, &cap);
      } else {
        append_tail(r, buf, (size_t)got);
      }
    }
  }
  if (r->timed_out) kill(-pid, SIGKILL);
  for (int i = 0; i < 2; i++) if (fds[i].fd >= 0) close(fds[i].fd);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  r->elapsed_s = now_s() - t0;
  if (WIFEXITED(status)) r->exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r->signal = WTERMSIG(status);
}

void spawn_result_free(spawn_result *r) {
  free(r->out);
  r->out = NULL;
}
