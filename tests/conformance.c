/*
 * conformance.c — the conformance suite every collector must pass.
 *
 * The same sources are compiled once per collector (gc_conformance_tests in
 * collectors/defs.bzl builds //tests:conformance_<collector>).  The suite never asks
 * which collector it is testing: it reads gc_collector()->caps and asserts what the
 * declared capabilities imply — a collector that declares cycle collection must
 * leave nothing of a dropped cycle, one that declares prompt finalization must
 * finalize at the last reference, one that does not reclaim must free nothing and
 * run out of memory under a limit, and so on.  A new collector passes by behaving
 * as it declares.  One that declares itself conservative may hold some garbage
 * the cases predict gone — what a few stale references reach, never more
 * (conformance_support.h) — while everything reachable must be as exact as ever.
 *
 * The cases:
 *   random_graphs_under_zeal           random graphs vs a shadow model, zeal on, with
 *                                      checking finalizers     (conformance_random.c)
 *   unreachable_cycles                 dropped cycles of known shapes (conformance_lifetime.c)
 *   finalizers_run_once_when_unreachable
 *   finalizers_in_garbage_cycles
 *   finalizer_resurrection
 *   finalizers_in_bulk                 400 finalizable objects in chains (conformance_finalizers.c)
 *   unrooted_garbage_reclaimed
 *   unrooted_garbage_reclaimed_interior  2000 dropped objects per round, default and
 *                                      all_interior_pointers=1 (conformance_retention.c)
 *   finalizable_garbage_under_limit
 *   resurrecting_garbage_under_limit   chains of finalizable links holding subgraphs,
 *                                      dropped under a limit (conformance_finalizer_pressure.c)
 *   immortal_objects                                          (conformance_lifetime.c)
 *   refcounts_match_model              gc_refcount vs the model (conformance_random.c)
 *   heap_limit_live_data_ooms
 *   heap_limit_garbage_is_reclaimed
 *   heap_limit_cyclic_garbage
 *   million_long_list
 *   bad_tuning_rejected                                       (conformance_limits.c)
 *   enable_round_trip                                         (conformance_limits.c)
 *   no_leaks_after_dropping_roots      rule 5 on random graphs (conformance_random.c)
 *
 * Each case runs in a child process: a collector that crashes, hangs or trips a
 * sanitizer fails that case with the reason, and the rest still run.  Output is one
 * line per case, "PASS name" or "FAIL name: why", then "N passed, N failed"; the
 * exit status is non-zero if any case failed.  An argument runs only the cases
 * whose names contain it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/conformance_cases.h"
#include "tests/conformance_support.h"

typedef struct conformance_case {
  const char *name;
  void (*run)(void);
} conformance_case;

static const conformance_case cases[] = {
    {"random_graphs_under_zeal", case_random_graphs_under_zeal},
    {"unreachable_cycles", case_unreachable_cycles},
    {"finalizers_run_once_when_unreachable", case_finalizers_run_once_when_unreachable},
    {"finalizers_in_garbage_cycles", case_finalizers_in_garbage_cycles},
    {"finalizer_resurrection", case_finalizer_resurrection},
    {"finalizers_in_bulk", case_finalizers_in_bulk},
    {"unrooted_garbage_reclaimed", case_unrooted_garbage_reclaimed},
    {"unrooted_garbage_reclaimed_interior", case_unrooted_garbage_reclaimed_interior},
    {"finalizable_garbage_under_limit", case_finalizable_garbage_under_limit},
    {"resurrecting_garbage_under_limit", case_resurrecting_garbage_under_limit},
    {"immortal_objects", case_immortal_objects},
    {"refcounts_match_model", case_refcounts_match_model},
    {"heap_limit_live_data_ooms", case_heap_limit_live_data_ooms},
    {"heap_limit_garbage_is_reclaimed", case_heap_limit_garbage_is_reclaimed},
    {"heap_limit_cyclic_garbage", case_heap_limit_cyclic_garbage},
    {"million_long_list", case_million_long_list},
    {"bad_tuning_rejected", case_bad_tuning_rejected},
    {"enable_round_trip", case_enable_round_trip},
    {"no_leaks_after_dropping_roots", case_no_leaks_after_dropping_roots},
};

/* A hung case (a finalizer loop, a collector spinning) must fail with its name,
 * well before Bazel's timeout for a small test (60 s) ends the whole suite. */
#define CASE_SECONDS 30

/* ==================================================================
 * Running one case in a child
 * ================================================================== */

/* In the child: run, then send the failure message (empty for a pass) up the pipe.
 * exit(), not _exit(), so that LeakSanitizer still checks the child. */
static _Noreturn void run_in_child(const conformance_case *c, int report_fd) {
  alarm(CASE_SECONDS);
  c->run();
  const char *why = conf_failed() ? conf_failure() : "";
  size_t len = strlen(why);
  bool sent = write(report_fd, why, len) == (ssize_t)len;
  close(report_fd);
  exit(sent && !conf_failed() ? 0 : 1);
}

/* Everything the child wrote, into buf (NUL-terminated). */
static void read_report(int fd, char *buf, size_t len) {
  size_t used = 0;
  ssize_t n;
  while (used + 1 < len && (n = read(fd, buf + used, len - 1 - used)) > 0) used += (size_t)n;
  buf[used] = '\0';
}

/* Why the child failed, when it did not say: a signal, or an exit status (gclab's
 * default on_oom exits 3; sanitizers exit non-zero after their report). */
static void describe_abnormal_end(int status, char *buf, size_t len) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    snprintf(buf, len, "killed by signal %d (%s)%s", sig, strsignal(sig),
             sig == SIGALRM ? ", over the case's time limit" : "");
  } else {
    snprintf(buf, len, "exited with status %d (see its output above)", WEXITSTATUS(status));
  }
}

static const char *policy_name(void) { return conf_heap_policy == GC_HEAP_FIXED ? "fixed heap" : "growable heap"; }

/* Runs one case isolated in a child; prints its line; true if it passed. */
static bool run_case(const conformance_case *c) {
  int fds[2];
  if (pipe(fds) != 0) {
    printf("FAIL %s: cannot create a pipe\n", c->name);
    return false;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    run_in_child(c, fds[1]);
  }
  close(fds[1]);
  char why[1024] = "";
  if (pid > 0) read_report(fds[0], why, sizeof why);
  close(fds[0]);
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) {
    printf("FAIL %s: cannot run it in a child process\n", c->name);
    return false;
  }
  bool clean_exit = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (clean_exit && why[0] == '\0') {
    printf("PASS %s [%s]\n", c->name, policy_name());
    return true;
  }
  if (why[0] == '\0') describe_abnormal_end(status, why, sizeof why);
  printf("FAIL %s [%s]: %s\n", c->name, policy_name(), why);
  return false;
}

/* ==================================================================
 * The suite
 * ================================================================== */

static void print_collector(void) {
  static const struct {
    unsigned cap;
    const char *name;
  } names[] = {
      {GC_CAP_COUNTS_REFS, "COUNTS_REFS"},         {GC_CAP_COLLECTS_CYCLES, "COLLECTS_CYCLES"},
      {GC_CAP_MOVES_OBJECTS, "MOVES_OBJECTS"},     {GC_CAP_COUNTS_ROOTS, "COUNTS_ROOTS"},
      {GC_CAP_PROMPT_FINALIZATION, "PROMPT_FINALIZATION"}, {GC_CAP_RECLAIMS, "RECLAIMS"},
      {GC_CAP_CONSERVATIVE, "CONSERVATIVE"},
      {GC_CAP_IMMORTAL_SATURATES, "IMMORTAL_SATURATES"},
  };
  const gc_collector_info *info = gc_collector();
  printf("conformance of collector %s (%s); capabilities:", info->name, info->description);
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (info->caps & names[i].cap) printf(" %s", names[i].name);
  printf("%s\n", info->caps ? "" : " none");
}

int main(int argc, char **argv) {
  const char *only = argc > 1 ? argv[1] : NULL;
  int passed = 0, failed = 0;
  print_collector();
  static const gc_heap_policy policies[] = {GC_HEAP_GROWABLE, GC_HEAP_FIXED};
  for (size_t p = 0; p < sizeof policies / sizeof *policies; p++) {
    conf_heap_policy = policies[p];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
      if (only && !strstr(cases[i].name, only)) continue;
      if (run_case(&cases[i])) passed++;
      else failed++;
    }
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
