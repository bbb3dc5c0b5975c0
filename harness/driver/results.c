#include "harness/driver/results.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

void results_new_id(char *buf, size_t len) {
  time_t t = time(NULL);
  struct tm tm;
  localtime_r(&t, &tm);
  strftime(buf, len, "%Y%m%d-%H%M%S", &tm);
}

bool results_open(results *r, const char *parent, const char *id, bool fresh) {
  struct stat st;
  if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "gclab: results folder '%s' does not exist (create it or pass another --results)\n", parent);
    return false;
  }
  snprintf(r->dir, sizeof r->dir, "%s/%s", parent, id);
  if (fresh && mkdir(r->dir, 0777) != 0) {
    fprintf(stderr, "gclab: cannot create %s: %s%s\n", r->dir, strerror(errno),
            errno == EEXIST ? " (pick another --id, or --resume it)" : "");
    return false;
  }
  if (!fresh && (stat(r->dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
    fprintf(stderr, "gclab: no results folder %s to resume\n", r->dir);
    return false;
  }
  r->records = json_array();
  return true;
}

static bool write_all(int fd, const char *data, size_t len) {
  while (len) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    len -= (size_t)n;
  }
  return true;
}

bool results_write_atomic(const char *dir, const char *name, const char *data, size_t len) {
  char tmp[4352], final[4352];
  snprintf(tmp, sizeof tmp, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
  snprintf(final, sizeof final, "%s/%s", dir, name);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  bool ok = fd >= 0 && write_all(fd, data, len) && fsync(fd) == 0;
  int saved = errno;
  if (fd >= 0) close(fd);
  if (ok && rename(tmp, final) != 0) { ok = false; saved = errno; }
  if (!ok) {
    unlink(tmp);
    fprintf(stderr, "gclab: cannot write %s: %s (earlier results are untouched)\n", final, strerror(saved));
  }
  return ok;
}

/* One write() of a whole line with O_APPEND, then fsync: a crash loses at most
 * the line in flight, never an earlier one. */
bool results_append(results *r, json_t *record) {
  json_array_append(r->records, record);
  char *line = json_dumps(record, JSON_COMPACT | JSON_PRESERVE_ORDER);
  size_t len = strlen(line);
  line = realloc(line, len + 2);
  line[len++] = '\n';
  char path[4352];
  snprintf(path, sizeof path, "%s/records.jsonl", r->dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0666);
  bool ok = fd >= 0 && write_all(fd, line, len) && fsync(fd) == 0;
  if (!ok) fprintf(stderr, "gclab: cannot append to %s: %s\n", path, strerror(errno));
  if (fd >= 0) close(fd);
  free(line);
  return ok;
}

char *results_read_file(const char *dir, const char *name) {
  char path[4352];
  if (dir) snprintf(path, sizeof path, "%s/%s", dir, name);
  else snprintf(path, sizeof path, "%s", name);
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  char *data = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&data, &len);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, mem);
  fclose(mem);
  fclose(f);
  return data;
}

bool results_load_records(results *r) {
  char *text = results_read_file(r->dir, "records.jsonl");
  if (!text) return true; /* nothing recorded yet */
  size_t len = strlen(text), keep = len;
  if (len && text[len - 1] != '\n') {
    char *last = strrchr(text, '\n');
    keep = last ? (size_t)(last - text) + 1 : 0;
    char path[4352];
    snprintf(path, sizeof path, "%s/records.jsonl", r->dir);
    if (truncate(path, (off_t)keep) != 0) {
      fprintf(stderr, "gclab: cannot drop the torn last line of %s: %s\n", path, strerror(errno));
      free(text);
      return false;
    }
    fprintf(stderr, "gclab: dropped a torn last record (%zu bytes) from %s\n", len - keep, path);
    text[keep] = '\0';
  }
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    json_error_t err;
    json_t *rec = json_loads(line, 0, &err);
    if (json_is_object(rec)) json_array_append(r->records, rec);
    json_decref(rec);
  }
  free(text);
  return true;
}

/* ==================================================================
 * runs.csv
 * ================================================================== */

/* column name, then the path of the value in the record */
static const char *const csv_columns[][3] = {
    {"collector", "suite", "collector"}, {"workload", "suite", "workload"}, {"heap", "suite", "heap"},
    {"heap_factor", "suite", "heap_factor"}, {"invocation", "suite", "invocation"},
    {"collector_name", "collector", NULL}, {"workload_name", "workload", NULL}, {"size", "size", NULL},
    {"seed", "seed", NULL}, {"heap_bytes", "heap_bytes", NULL}, {"tuning", "tuning", NULL},
    {"status", "status", NULL}, {"checksum", "checksum", NULL}, {"iterations", "iterations", NULL},
    {"wall_ns", "timing", "wall_ns"}, {"cpu_ns", "timing", "cpu_ns"}, {"gc_ns", "timing", "gc_ns"},
    {"mutator_ns", "timing", "mutator_ns"}, {"pause_count", "pauses", "count"},
    {"pause_max_ns", "pauses", "max_ns"}, {"pause_p50_ns", "pauses", "p50_ns"},
    {"pause_p99_ns", "pauses", "p99_ns"}, {"peak_heap_bytes", "memory", "peak_heap_bytes"},
    {"peak_rss_bytes", "memory", "peak_rss_bytes"}, {"leaked_bytes", "memory", "leaked_bytes"},
    {"leaked_objects", "memory", "leaked_objects"}, {"allocs", "stats", "allocs"},
    {"alloc_bytes", "stats", "alloc_bytes"}, {"frees", "stats", "frees"}, {"rc_incs", "stats", "rc_incs"},
    {"rc_decs", "stats", "rc_decs"}, {"collections", "stats", "collections"},
    {"finalizers_run", "stats", "finalizers_run"},
};
#define NCOLUMNS (sizeof csv_columns / sizeof csv_columns[0])

static void value_text(json_t *v, char *buf, size_t len) {
  if (json_is_string(v)) snprintf(buf, len, "%s", json_string_value(v));
  else if (json_is_integer(v)) snprintf(buf, len, "%lld", (long long)json_integer_value(v));
  else if (json_is_real(v)) snprintf(buf, len, "%.9g", json_real_value(v));
  else if (json_is_boolean(v)) snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
  else buf[0] = '\0'; /* missing or null: an empty field, never a made-up 0 */
}

/* Why libcsv: fields such as tuning strings hold commas and quotes; its writer
 * quotes them the way every CSV reader expects.  Plain fields stay unquoted so
 * that gnuplot and cut read them as they are. */
static void csv_field(FILE *f, const char *text) {
  if (strpbrk(text, ",\"\r\n")) csv_fwrite(f, text, strlen(text));
  else fputs(text, f);
}

bool results_write_csv(results *r) {
  char *data = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&data, &len);
  for (size_t c = 0; c < NCOLUMNS; c++) {
    if (c) fputc(',', mem);
    csv_field(mem, csv_columns[c][0]);
  }
  fputc('\n', mem);
  size_t i;
  json_t *rec;
  json_array_foreach(r->records, i, rec) {
    for (size_t c = 0; c < NCOLUMNS; c++) {
      json_t *v = json_object_get(rec, csv_columns[c][1]);
      if (csv_columns[c][2]) v = json_object_get(v, csv_columns[c][2]);
      char text[1024];
      value_text(v, text, sizeof text);
      if (c) fputc(',', mem);
      csv_field(mem, text);
    }
    fputc('\n', mem);
  }
  fclose(mem);
  bool ok = results_write_atomic(r->dir, "runs.csv", data, len);
  free(data);
  return ok;
}

/* ==================================================================
 * metadata.json
 * ================================================================== */

static json_t *cpu_model(void) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[512];
  json_t *model = json_null();
  while (f && fgets(line, sizeof line, f)) {
    if (!strncmp(line, "model name", 10)) {
      char *colon = strchr(line, ':');
      if (colon) {
        colon += 2;
        colon[strcspn(colon, "\n")] = '\0';
        model = json_string(colon);
        break;
      }
    }
  }
  if (f) fclose(f);
  return model;
}

bool results_write_metadata(results *r, json_t *options) {
  char date[64];
  time_t t = time(NULL);
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S%z", localtime(&t));
  struct utsname u;
  uname(&u);
  const char *commit = getenv("GCLAB_GIT_COMMIT");
  json_t *m = json_pack("{s:s,s:{s:s,s:s,s:s,s:o,s:I},s:s,s:s,s:O}", "date", date,
                        "machine", "hostname", u.nodename, "kernel", u.release, "arch", u.machine,
                        "cpu_model", cpu_model(), "cores", (json_int_t)sysconf(_SC_NPROCESSORS_ONLN),
                        "compiler", "gcc " __VERSION__, "git_commit", commit ? commit : "unknown",
                        "options", options);
  char *text = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  bool ok = results_write_atomic(r->dir, "metadata.json", text, strlen(text));
  free(text);
  json_decref(m);
  return ok;
}
