/*
 * callgrind_run.h — exact mode: one bench invocation under valgrind's callgrind
 * with cache simulation, its counts split between collector and mutator
 * (callgrind_split.h) and put into the record's counters.
 *
 * The bench runs with --counters callgrind: callgrind starts with collection off
 * and the bench turns it on only for the timed iterations.  The numbers are to
 * depend on the binary and its inputs alone, on any machine, so the simulated
 * caches are fixed (not taken from the host) and the environment is emptied
 * (env -i): environment strings sit on the client's stack, and a variable that
 * changes between runs (OLDPWD, a terminal's) would shift every stack address and
 * with it the simulated cache misses.  The one variable set is GC_MARKERS=1:
 * Boehm's parallel marker threads (bdw) spin-wait for one another for as long as
 * the host's scheduler makes them, which no simulation can repeat; valgrind runs
 * one thread at a time anyway, so a single marker does the same marking.
 */
#ifndef CALLGRIND_RUN_H
#define CALLGRIND_RUN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Simulated caches: size, associativity, line size (a common x86 desktop). */
#define CALLGRIND_I1 "32768,8,64"
#define CALLGRIND_D1 "32768,8,64"
#define CALLGRIND_LL "8388608,16,64"
/* How much slower than native a run under callgrind is, for default timeouts. */
#define CALLGRIND_SLOWDOWN 50

typedef struct callgrind_run {
  char dir[4096];      /* private temporary folder for callgrind's output */
  char out_file[4200];
  char valgrind[4096];
  char env[4096];
  char opt_out[4300];  /* --callgrind-out-file=... */
} callgrind_run;

/* Finds valgrind and makes the temporary folder; false with a message. */
bool callgrind_prepare(callgrind_run *cr, char *error, size_t len);
/* Writes valgrind's part of the command line into argv; returns how many. */
int callgrind_argv(callgrind_run *cr, char **argv);
/* Fills record.counters from callgrind's output (or says why it cannot). */
void callgrind_fill(callgrind_run *cr, json_t *record);
/* Drops valgrind's own lines ("--123-- warning: ...", "==123== ...") from text
 * in place, leaving the bench's messages. */
void callgrind_strip_notes(char *text);
/* Removes the temporary folder. */
void callgrind_cleanup(callgrind_run *cr);
#endif
