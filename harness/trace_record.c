/*
 * trace_record.c — records the mutator's events as a gclab trace (README,
 * "Traces"; the format is inspired by Elephant Tracks' A/U/D records and MMTk's
 * GCTrace).  Compiled only into //harness:bench_record, whose collector is nogc.
 *
 * Why nogc: nothing moves and nothing is freed, so an object's address names it
 * for the whole recording, and since nogc fills one reserved range upwards, an
 * address's offset in that range indexes a table of serial numbers (a sparse
 * mapping, 4 bytes per 8 bytes of heap, of which only the touched pages are
 * backed).  The mutator's events do not depend on the collector (same workload +
 * seed => same operations), so a trace recorded under nogc is the trace of the
 * run under any collector.
 *
 * Two passes:
 *  1. While the workload runs, each hook writes its event line to a temporary
 *     file (unlinked at once, so that a crash leaves nothing behind) and notes,
 *     per object, the line that last names it.  Raw bytes are written through
 *     plain pointers, which no hook sees, so they are observed: the latest
 *     allocation's bytes at the next allocation (workloads fill an object right
 *     after allocating it), and every reachable object's at each digest, where
 *     an object whose bytes changed since they were last written gets a W line
 *     before the H line.  Digests: after each explicit collection, before the
 *     frame the recording began in is popped, every time the allocation since
 *     the previous digest exceeds max(64 KiB, 4 x the bytes that digest reached),
 *     and at the end.
 *  2. At the end the lines are copied into FILE.tmp with the header, an L line
 *     after the last line naming each object (the replay then drops its own
 *     reference to it), and the `end` and `checksum` lines; FILE.tmp is synced
 *     and renamed to FILE.
 */
#include "harness/trace_record.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "workloads/trace_digest.h"
#include "workloads/workload.h"

#define DIGEST_MIN_BYTES ((uint64_t)64 << 10)
#define DIGEST_REACH_FACTOR 4
/* nogc reserves 64 GiB when there is no heap limit: the index covers that much. */
#define INDEX_HEAP_BYTES ((uint64_t)64 << 30)
#define INDEX_WORDS (INDEX_HEAP_BYTES / 8)
#define MAX_SERIAL UINT32_MAX

typedef struct recorder {
  bool active, failed;
  char message[600];
  gc_heap *h;
  char path[4096], tmp[4128], about[1024];
  FILE *events;           /* pass 1: one line per event, already unlinked */
  uint64_t lines;         /* lines in `events` */
  uint64_t final_lines, digests;
  /* per serial (1-based): the last line naming it; the hash of its raw bytes as the
   * trace last gave them (0: all zero, as allocated) */
  uint64_t nobjects, cap;
  uint64_t *last, *bytes_hash;
  uint32_t *index;        /* (address - first) / 8 -> serial */
  uintptr_t first, prev;
  uint32_t base, depth;   /* root slots: where the recording began, how many since */
  gc_obj *pending;        /* the latest allocation, its bytes not yet looked at */
  uint64_t since_digest, digest_every;
  trace_digest digest;
} recorder;

static recorder rec;

/* ==================================================================
 * Failure: the first problem is kept, and recording stops
 * ================================================================== */

static void record_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void record_fail(const char *fmt, ...) {
  if (rec.failed) return;
  va_list ap;
  va_start(ap, fmt);
  int n = snprintf(rec.message, sizeof rec.message, "recording %s: ", rec.path);
  vsnprintf(rec.message + n, sizeof rec.message - (size_t)n, fmt, ap);
  va_end(ap);
  rec.failed = true;
  rec.active = false;
}

/* ==================================================================
 * Writing event lines
 * ================================================================== */

static void put_u64(FILE *f, uint64_t v) {
  char buf[24];
  int n = 0;
  do buf[n++] = (char)('0' + v % 10);
  while (v /= 10);
  while (n) putc_unlocked(buf[--n], f);
}

/* "OP a b c\n" with nargs arguments. */
static void emit(char op, int nargs, uint64_t a, uint64_t b, uint64_t c) {
  const uint64_t args[3] = {a, b, c};
  putc_unlocked(op, rec.events);
  for (int i = 0; i < nargs; i++) {
    putc_unlocked(' ', rec.events);
    put_u64(rec.events, args[i]);
  }
  putc_unlocked('\n', rec.events);
  rec.lines++;
}

/* The line about to be written names serial s. */
static void mention(uint64_t s) {
  if (s) rec.last[s] = rec.lines;
}

/* ==================================================================
 * Objects: serials by address
 * ================================================================== */

static void grow_objects(void) {
  uint64_t cap = rec.cap ? 2 * rec.cap : 1 << 16;
  uint64_t *last = realloc(rec.last, cap * sizeof *last);
  if (last) rec.last = last;
  uint64_t *hash = last ? realloc(rec.bytes_hash, cap * sizeof *hash) : NULL;
  if (hash) rec.bytes_hash = hash;
  if (!last || !hash) {
    record_fail("out of memory for %llu objects", (unsigned long long)cap);
    return;
  }
  rec.cap = cap;
}

/* A new object's serial: the next one. */
static uint64_t new_serial(gc_obj *o) {
  uintptr_t a = (uintptr_t)o;
  if (!rec.nobjects) rec.first = a;
  else if (a <= rec.prev) record_fail("objects must come at rising addresses (the recorder runs on nogc)");
  uint64_t word = (a - rec.first) / 8;
  if (word >= INDEX_WORDS)
    record_fail("the heap grew past the %llu GiB the recorder indexes", (unsigned long long)(INDEX_HEAP_BYTES >> 30));
  if (rec.nobjects == MAX_SERIAL) record_fail("more than %u objects", MAX_SERIAL);
  if (rec.nobjects + 1 >= rec.cap) grow_objects();
  if (rec.failed) return 0;
  uint64_t s = ++rec.nobjects;
  rec.index[word] = (uint32_t)s;
  rec.bytes_hash[s] = 0;
  rec.prev = a;
  return s;
}

/* The serial of an object allocated while recording (0 for NULL). */
static uint64_t serial_of(gc_obj *o) {
  if (!o) return 0;
  uintptr_t a = (uintptr_t)o;
  bool indexed = a >= rec.first && (a - rec.first) % 8 == 0 && (a - rec.first) / 8 < INDEX_WORDS;
  uint64_t s = indexed ? rec.index[(a - rec.first) / 8] : 0;
  if (!s) record_fail("the mutator passed a pointer that is not an object allocated while recording");
  return s;
}

/* ==================================================================
 * Raw bytes and digests
 * ================================================================== */

/* "W s hex": the bytes up to the last non-zero one (the rest are zero). */
static void emit_bytes(uint64_t s, gc_obj *o) {
  static const char hex[] = "0123456789abcdef";
  uint32_t n = gc_nbytes(o);
  const unsigned char *b = gc_data(o);
  while (n && !b[n - 1]) n--;
  mention(s);
  fputs("W ", rec.events);
  put_u64(rec.events, s);
  putc_unlocked(' ', rec.events);
  for (uint32_t i = 0; i < n; i++) {
    putc_unlocked(hex[b[i] >> 4], rec.events);
    putc_unlocked(hex[b[i] & 15], rec.events);
  }
  putc_unlocked('\n', rec.events);
  rec.lines++;
}

static void note_bytes(gc_obj *o, uint64_t s, uint64_t hash) {
  if (!s || hash == rec.bytes_hash[s]) return;
  emit_bytes(s, o);
  rec.bytes_hash[s] = hash;
}

/* The latest allocation's bytes, as the mutator filled them. */
static void note_pending(void) {
  if (!rec.pending) return;
  note_bytes(rec.pending, serial_of(rec.pending), trace_bytes_hash(rec.pending));
  rec.pending = NULL;
}

static void visit_for_bytes(void *arg, gc_obj *o, uint64_t bytes_hash) {
  (void)arg;
  note_bytes(o, serial_of(o), bytes_hash);
}

/* W lines for what changed, then "H 0x<digest>". */
static void record_digest(void) {
  note_pending();
  uint64_t d = trace_digest_roots(&rec.digest, rec.h, rec.base, rec.depth, visit_for_bytes, NULL);
  fprintf(rec.events, "H 0x%016llx\n", (unsigned long long)d);
  rec.lines++;
  rec.digests++;
  rec.since_digest = 0;
  uint64_t every = DIGEST_REACH_FACTOR * rec.digest.reached_bytes;
  rec.digest_every = every > DIGEST_MIN_BYTES ? every : DIGEST_MIN_BYTES;
}

/* ==================================================================
 * The hooks (collectors/api/gc_record.h)
 * ================================================================== */

void gc_record_alloc(gc_heap *h, gc_obj *o, bool finalizable) {
  if (!rec.active) return;
  note_pending();
  if (rec.since_digest >= rec.digest_every) record_digest();
  uint64_t s = new_serial(o);
  if (!s) return;
  mention(s);
  emit(finalizable ? 'F' : 'A', 3, s, gc_nptrs(o), gc_nbytes(o));
  if (gc_nbytes(o)) rec.pending = o;
  rec.since_digest += (uint64_t)gc_nptrs(o) * 8 + ((gc_nbytes(o) + 7u) & ~7u);
}

void gc_record_set(gc_heap *h, gc_obj *o, uint32_t i, gc_obj *v) {
  if (!rec.active) return;
  uint64_t so = serial_of(o), sv = serial_of(v);
  mention(so);
  mention(sv);
  emit('U', 3, so, i, sv);
}

void gc_record_root_push(gc_heap *h, gc_root r, gc_obj *v) {
  if (!rec.active) return;
  if (r != rec.base + rec.depth) record_fail("root slot %u pushed where %u was expected", r, rec.base + rec.depth);
  uint64_t sv = serial_of(v);
  mention(sv);
  emit('P', 1, sv, 0, 0);
  rec.depth++;
}

void gc_record_root_set(gc_heap *h, gc_root r, gc_obj *v) {
  if (!rec.active) return;
  if (r < rec.base || r >= rec.base + rec.depth) record_fail("root slot %u set outside the recording's slots", r);
  uint64_t sv = serial_of(v);
  mention(sv);
  emit('R', 2, r - rec.base, sv, 0);
}

/* Popping the recording's own first frame ends what the workload built: the
 * digest then covers its whole final heap. */
void gc_record_frame_close(gc_heap *h, uint32_t mark) {
  if (!rec.active) return;
  if (mark < rec.base || mark > rec.base + rec.depth) {
    record_fail("a frame closed at slot %u, outside the recording's slots", mark);
    return;
  }
  if (mark == rec.base && rec.depth) record_digest();
  emit('C', 1, mark - rec.base, 0, 0);
  rec.depth = mark - rec.base;
}

void gc_record_collect(gc_heap *h) {
  if (!rec.active) return;
  emit('G', 0, 0, 0, 0);
  record_digest();
}

void gc_record_enable(gc_heap *h, bool on) {
  if (!rec.active) return;
  emit('E', 1, on, 0, 0);
}

void gc_record_make_immortal(gc_heap *h, gc_obj *o) {
  if (!rec.active) return;
  uint64_t s = serial_of(o);
  mention(s);
  emit('I', 1, s, 0, 0);
}

/* ==================================================================
 * Beginning and ending
 * ================================================================== */

static void release(void) {
  if (rec.events) fclose(rec.events);
  if (rec.index) munmap(rec.index, INDEX_WORDS * sizeof *rec.index);
  free(rec.last);
  free(rec.bytes_hash);
  trace_digest_free(&rec.digest);
  rec.events = NULL;
  rec.index = NULL;
  rec.last = rec.bytes_hash = NULL;
  rec.active = false;
}

bool trace_record_begin(gc_heap *h, const char *path, const char *about, const char **error) {
  memset(&rec, 0, sizeof rec);
  rec.h = h;
  snprintf(rec.path, sizeof rec.path, "%s", path);
  snprintf(rec.tmp, sizeof rec.tmp, "%s.tmp", path);
  snprintf(rec.about, sizeof rec.about, "%s", about);
  char events[4160];
  snprintf(events, sizeof events, "%s.events.tmp", path);
  rec.events = fopen(events, "w+");
  if (!rec.events || unlink(events)) {
    snprintf(rec.message, sizeof rec.message, "cannot write the trace %s: %s", path, strerror(errno));
    release();
    *error = rec.message;
    return false;
  }
  rec.index = mmap(NULL, INDEX_WORDS * sizeof *rec.index, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (rec.index == MAP_FAILED) {
    rec.index = NULL;
    snprintf(rec.message, sizeof rec.message, "cannot reserve the recorder's address index: %s", strerror(errno));
    release();
    *error = rec.message;
    return false;
  }
  setvbuf(rec.events, NULL, _IOFBF, 1 << 20);
  rec.base = gc_frame_open(h);
  rec.digest_every = DIGEST_MIN_BYTES;
  rec.active = true;
  return true;
}

/* The serials a pass-1 line names: the objects of A, F, P, I, W, U (object and
 * value) and R (value) lines. */
static int named_serials(const char *line, uint64_t out[2]) {
  char *end;
  switch (line[0]) {
    case 'A': case 'F': case 'P': case 'I': case 'W':
      out[0] = strtoull(line + 2, NULL, 10);
      return 1;
    case 'U':
      out[0] = strtoull(line + 2, &end, 10);
      strtoull(end, &end, 10);
      out[1] = strtoull(end, NULL, 10);
      return 2;
    case 'R':
      strtoull(line + 2, &end, 10);
      out[0] = strtoull(end, NULL, 10);
      return 1;
    default:
      return 0;
  }
}

static void write_header(FILE *out) {
  fputs("gclab-trace 1\n", out);
  fprintf(out, "# %s\n", rec.about);
  fputs("# A serial nptrs nbytes | F (finalizable) | U obj field value | P value | R slot value | C mark | G | E on\n"
        "# I obj | W obj hex | H digest | L obj (named no more) | end | checksum; README.md, \"Traces\"\n",
        out);
  rec.final_lines = 4;
}

/* Pass 2: header, the event lines with their L lines, end, checksum. */
static bool write_trace(FILE *out, uint64_t checksum) {
  write_header(out);
  if (fflush(rec.events) || fseek(rec.events, 0, SEEK_SET)) return false;
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  for (uint64_t e = 0; (len = getline(&line, &cap, rec.events)) > 0; e++) {
    fwrite(line, 1, (size_t)len, out);
    rec.final_lines++;
    uint64_t named[2];
    int k = named_serials(line, named);
    for (int i = 0; i < k; i++) {
      if (!named[i] || rec.last[named[i]] != e || (i == 1 && named[1] == named[0])) continue;
      fputs("L ", out);
      put_u64(out, named[i]);
      putc_unlocked('\n', out);
      rec.final_lines++;
    }
  }
  free(line);
  fprintf(out, "end\nchecksum 0x%016llx\n", (unsigned long long)checksum);
  rec.final_lines += 2;
  return !ferror(rec.events) && !ferror(out) && fflush(out) == 0 && fsync(fileno(out)) == 0;
}

bool trace_record_end(uint64_t checksum, const char **error) {
  if (rec.active) record_digest();
  rec.active = false;
  if (!rec.failed && ferror(rec.events)) record_fail("writing the events: %s", strerror(errno));
  FILE *out = rec.failed ? NULL : fopen(rec.tmp, "w");
  if (!rec.failed && !out) record_fail("cannot write %s: %s", rec.tmp, strerror(errno));
  if (out) setvbuf(out, NULL, _IOFBF, 1 << 20);
  if (out && !write_trace(out, checksum)) record_fail("writing %s: %s", rec.tmp, strerror(errno));
  if (out && fclose(out) && !rec.failed) record_fail("closing %s: %s", rec.tmp, strerror(errno));
  if (!rec.failed && rename(rec.tmp, rec.path)) record_fail("renaming %s: %s", rec.tmp, strerror(errno));
  if (rec.failed) unlink(rec.tmp);
  release();
  *error = rec.message;
  return !rec.failed;
}

void trace_record_abandon(void) {
  if (!rec.events && !rec.index) return;
  release();
  unlink(rec.tmp);
}

trace_record_counts trace_record_summary(void) {
  return (trace_record_counts){.lines = rec.final_lines, .objects = rec.nobjects, .digests = rec.digests};
}
