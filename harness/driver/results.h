/*
 * results.h — a results folder: results/<run-id>/ with
 *   records.jsonl  one bench record per line, appended and synced run by run
 *   runs.csv       one row per run (the columns plots read), rewritten atomically
 *   metadata.json  date, machine, compiler, git commit, options (atomic)
 *
 * Atomic means: written to a temporary file in the same folder, synced, renamed.
 * A kill at any moment leaves every earlier file whole; records.jsonl can lose at
 * most the line being written, which readers skip.
 */
#ifndef RESULTS_H
#define RESULTS_H

#include <jansson.h>
#include <stdbool.h>

typedef struct results {
  char dir[4096];
  json_t *records; /* array, in order */
} results;

/* <parent>/<id>/: created when fresh (it must not exist yet), else it must exist.
 * parent must exist.  False with a message on stderr. */
bool results_open(results *r, const char *parent, const char *id, bool fresh);
/* Reads records.jsonl into r->records, dropping a torn last line (a run killed
 * while writing it) from the file so that appending goes on cleanly. */
bool results_load_records(results *r);
bool results_append(results *r, json_t *record);
bool results_write_csv(results *r);
/* The text of dir/name (of name alone when dir is NULL; caller frees), or NULL. */
char *results_read_file(const char *dir, const char *name);
bool results_write_metadata(results *r, json_t *options);
/* A run id from the current time: YYYYMMDD-HHMMSS. */
void results_new_id(char *buf, size_t len);
/* Writes data to dir/name through a temporary file and rename. */
bool results_write_atomic(const char *dir, const char *name, const char *data, size_t len);
#endif
