/*
 * trace.c — replays a gclab trace (README, "Traces"): the mutator events another
 * run recorded (`gclab bench ... --record FILE`), against whichever collector this
 * binary was built with.
 *
 * Parameters: --param file=PATH, the trace; without it the built-in trace, the
 * test fixture tests/fixtures/small.trace compiled in (workloads/BUILD).  The
 * sizes do not scale a recording: every size replays the same trace.
 *
 * Objects are named in the trace by serial number, and the replay must find the
 * object a serial names although a moving collector moves it (gc.h rule 2).  It
 * keeps its own reference to every object from its allocation to its L line
 * (the last line that names it, placed by the recorder): a table of root slots
 * below the replayed ones, one per object held, reused as L lines free them.  An
 * object is named only while the recorded mutator could reach it, so holding it
 * until its last mention keeps nothing alive that the recorded run had dropped;
 * after its L line, only the replayed roots and fields keep it, exactly as in the
 * recording.  The table's size is the most objects held at once, which a first,
 * checking pass over the file finds (it also validates every line before the
 * heap is touched; it runs once per process, in the first iteration).  The
 * recorded root slots are replayed above the table at the same offsets.
 *
 * Verification: at every H line the replay computes the digest of what its
 * replayed roots reach (workloads/trace_digest.c: shapes, raw bytes and edges,
 * independent of addresses) and compares it with the recorded one; a difference
 * ends the run as verify-failed, naming the line.  The checksum is the recorded
 * run's, from the trace's last line: equal to it exactly when every digest matched.
 *
 * A bad trace — not a gclab trace, an unknown record, a malformed number, an
 * object named that does not exist or is no longer held, a field or root slot out
 * of range, raw bytes longer than the object, a missing `end` or `checksum`
 * (truncation) — is bad input: the run ends before replaying anything, as a usage
 * error (exit 2, no record), with the message "trace FILE:LINE: what".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/trace_digest.h"
#include "workloads/workload.h"

/* The built-in trace (generated from tests/fixtures/small.trace). */
extern const unsigned char trace_builtin[];
extern const size_t trace_builtin_size;
#define BUILTIN_NAME "builtin:tests/fixtures/small.trace"

enum { MAX_TOKENS = 5 };
#define MAX_NPTRS (1u << 24)
#define MAX_NBYTES ((1u << 28) - 1) /* gc_embed.h's GC_NBYTES_MAX */

/* An object the replay holds: its table slot and shape. */
typedef struct held {
  uint64_t serial; /* 0: an empty map entry */
  uint32_t slot, nptrs, nbytes;
} held;

/* serial -> held, open addressing with backward-shift deletion. */
typedef struct held_map {
  held *e;
  size_t mask, n;
} held_map;

typedef struct replay {
  wl_ctx *ctx;
  gc_heap *h;
  bool live;              /* false: the checking pass, which touches no heap */
  const char *name;
  FILE *f;                /* NULL: the built-in trace, whole in buf */
  char *buf;              /* lines are read into buf[start, end) */
  size_t buf_cap, start, end;
  bool eof;
  uint64_t lineno;
  char *tok[MAX_TOKENS];
  int ntok;
  held_map held;
  uint32_t *free_slots;   /* table slots not in use */
  uint32_t nfree, table_size;
  gc_root table, mirror;  /* the first table slot, the first replayed slot */
  uint32_t depth;         /* replayed slots */
  uint64_t next_serial, nheld, max_held, digests;
  bool header, ended, have_checksum;
  uint64_t checksum;
  trace_digest digest;
} replay;

/* ==================================================================
 * Errors
 * ================================================================== */

static _Noreturn void bad_trace(replay *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static _Noreturn void bad_trace(replay *r, const char *fmt, ...) {
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  wl_bad_param(r->ctx, "trace %s:%llu: %s", r->name, (unsigned long long)r->lineno, what);
}

/* ==================================================================
 * The held objects
 * ================================================================== */

static size_t home_of(const held_map *m, uint64_t serial) {
  return (size_t)(serial * 0x9E3779B97F4A7C15ull >> 20) & m->mask;
}

static held *map_find(held_map *m, uint64_t serial) {
  if (!m->e) return NULL;
  for (size_t i = home_of(m, serial); m->e[i].serial; i = (i + 1) & m->mask)
    if (m->e[i].serial == serial) return &m->e[i];
  return NULL;
}

static void map_grow(held_map *m) {
  held_map bigger = {.mask = m->e ? 2 * m->mask + 1 : 1023, .n = m->n};
  bigger.e = calloc(bigger.mask + 1, sizeof *bigger.e);
  if (!bigger.e) {
    fprintf(stderr, "gclab trace: out of memory for %zu held objects\n", m->n);
    abort();
  }
  for (size_t i = 0; m->e && i <= m->mask; i++) {
    if (!m->e[i].serial) continue;
    size_t j = home_of(&bigger, m->e[i].serial);
    while (bigger.e[j].serial) j = (j + 1) & bigger.mask;
    bigger.e[j] = m->e[i];
  }
  free(m->e);
  *m = bigger;
}

static held *map_add(held_map *m, uint64_t serial) {
  if (!m->e || 2 * (m->n + 1) > m->mask) map_grow(m);
  size_t i = home_of(m, serial);
  while (m->e[i].serial) i = (i + 1) & m->mask;
  m->e[i] = (held){.serial = serial};
  m->n++;
  return &m->e[i];
}

/* Linear probing's deletion: later entries of the same run move back into the
 * hole unless their home lies cyclically after it. */
static void map_remove(held_map *m, held *gone) {
  size_t hole = (size_t)(gone - m->e);
  for (size_t j = (hole + 1) & m->mask; m->e[j].serial; j = (j + 1) & m->mask) {
    size_t home = home_of(m, m->e[j].serial);
    bool stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
    if (stays) continue;
    m->e[hole] = m->e[j];
    hole = j;
  }
  m->e[hole].serial = 0;
  m->n--;
}

/* ==================================================================
 * Tokens
 * ================================================================== */

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Splits the line at blanks, in place; false for a blank or comment line. */
static bool tokenize(replay *r, char *line) {
  r->ntok = 0;
  char *p = line;
  while (blank(*p)) p++;
  if (!*p || *p == '#') return false;
  while (*p) {
    if (r->ntok == MAX_TOKENS) bad_trace(r, "too many fields");
    r->tok[r->ntok++] = p;
    while (*p && !blank(*p)) p++;
    while (blank(*p)) *p++ = '\0';
  }
  return true;
}

static void want_args(replay *r, int n) {
  if (r->ntok - 1 != n) bad_trace(r, "'%s' takes %d field%s, found %d", r->tok[0], n, n == 1 ? "" : "s", r->ntok - 1);
}

/* A decimal field: digits only, no sign, within max.  Hand-written: the replay
 * parses millions of them, and strtoull's locale and errno handling dominated. */
static uint64_t number(replay *r, int i, uint64_t max, const char *what) {
  const char *t = r->tok[i];
  uint64_t v = 0;
  const char *p = t;
  for (; *p >= '0' && *p <= '9'; p++) {
    unsigned d = (unsigned)(*p - '0');
    if (v > (UINT64_MAX - d) / 10) bad_trace(r, "%s '%s' is too large", what, t);
    v = 10 * v + d;
  }
  if (p == t || *p) bad_trace(r, "%s '%s' is not a decimal number", what, t);
  if (v > max) bad_trace(r, "%s %llu is over %llu", what, (unsigned long long)v, (unsigned long long)max);
  return v;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* "0x" and 1 to 16 hexadecimal digits. */
static uint64_t hex_number(replay *r, int i, const char *what) {
  const char *t = r->tok[i];
  uint64_t v = 0;
  size_t n = strlen(t);
  bool ok = n >= 3 && n <= 18 && t[0] == '0' && t[1] == 'x';
  for (size_t k = 2; ok && k < n; k++) {
    ok = hex_digit(t[k]) >= 0;
    v = v << 4 | (uint64_t)(ok ? hex_digit(t[k]) : 0);
  }
  if (!ok) bad_trace(r, "%s '%s' is not 0x and 1 to 16 hexadecimal digits", what, t);
  return v;
}

/* An object the line names: it must be held now. */
static held *named(replay *r, int i, const char *what) {
  uint64_t s = number(r, i, UINT64_MAX, what);
  if (!s) bad_trace(r, "%s 0 is NULL, not an object", what);
  held *e = map_find(&r->held, s);
  if (e) return e;
  if (s < r->next_serial) bad_trace(r, "%s %llu is no longer held (an earlier L line released it)", what, (unsigned long long)s);
  bad_trace(r, "%s %llu has not been allocated", what, (unsigned long long)s);
}

/* A value field: 0 for NULL or a held object. */
static held *value(replay *r, int i) {
  const char *t = r->tok[i];
  return t[0] == '0' && !t[1] ? NULL : named(r, i, "value");
}

static gc_obj *object_of(replay *r, const held *e) { return e ? gc_root_get(r->h, r->table + e->slot) : NULL; }

/* ==================================================================
 * The records
 * ================================================================== */

static void noop_finalizer(gc_heap *h, gc_obj *o) { (void)h, (void)o; }

/* A and F: the next serial, allocated and held in a free table slot. */
static void do_alloc(replay *r, bool finalizable) {
  want_args(r, 3);
  uint64_t s = number(r, 1, UINT64_MAX, "serial");
  if (s != r->next_serial)
    bad_trace(r, "object %llu allocated where %llu was expected (serials count 1, 2, ...)", (unsigned long long)s,
              (unsigned long long)r->next_serial);
  uint32_t nptrs = (uint32_t)number(r, 2, MAX_NPTRS, "pointer field count");
  uint32_t nbytes = (uint32_t)number(r, 3, MAX_NBYTES, "raw byte count");
  r->next_serial++;
  if (++r->nheld > r->max_held) r->max_held = r->nheld;
  if (r->live && !r->nfree) bad_trace(r, "more objects held than the checking pass counted (did the file change?)");
  held *e = map_add(&r->held, s);
  e->nptrs = nptrs;
  e->nbytes = nbytes;
  if (!r->live) return;
  e->slot = r->free_slots[--r->nfree];
  gc_obj *o = finalizable ? gc_alloc_finalizable(r->h, nptrs, nbytes, noop_finalizer) : gc_alloc(r->h, nptrs, nbytes);
  gc_root_set(r->h, r->table + e->slot, o);
}

/* U obj field value. */
static void do_store(replay *r) {
  want_args(r, 3);
  held *o = named(r, 1, "object");
  uint64_t field = number(r, 2, UINT32_MAX, "field");
  if (field >= o->nptrs)
    bad_trace(r, "field %llu of object %llu, which has %u pointer fields", (unsigned long long)field,
              (unsigned long long)o->serial, o->nptrs);
  held *v = value(r, 3);
  if (r->live) gc_set(r->h, object_of(r, o), (uint32_t)field, object_of(r, v));
}

static void do_push(replay *r) {
  want_args(r, 1);
  held *v = value(r, 1);
  if (r->live && gc_root_push(r->h, object_of(r, v)) != r->mirror + r->depth)
    bad_trace(r, "the replay's root slots are out of step");
  r->depth++;
}

static void do_root_set(replay *r) {
  want_args(r, 2);
  uint64_t slot = number(r, 1, UINT32_MAX, "root slot");
  if (slot >= r->depth) bad_trace(r, "root slot %llu set, but %u slots are pushed", (unsigned long long)slot, r->depth);
  held *v = value(r, 2);
  if (r->live) gc_root_set(r->h, r->mirror + (gc_root)slot, object_of(r, v));
}

static void do_close(replay *r) {
  want_args(r, 1);
  uint64_t mark = number(r, 1, UINT32_MAX, "frame mark");
  if (mark > r->depth) bad_trace(r, "frame closed at slot %llu, but %u slots are pushed", (unsigned long long)mark, r->depth);
  r->depth = (uint32_t)mark;
  if (r->live) gc_frame_close(r->h, r->mirror + r->depth);
}

static void do_simple(replay *r, char op) {
  if (op == 'G') {
    want_args(r, 0);
    if (r->live) gc_collect(r->h);
  } else if (op == 'E') {
    want_args(r, 1);
    bool on = number(r, 1, 1, "E's flag") == 1;
    if (r->live) gc_enable(r->h, on);
  } else { /* I */
    want_args(r, 1);
    held *o = named(r, 1, "object");
    if (r->live) gc_make_immortal(r->h, object_of(r, o));
  }
}

/* W obj hex: the object's raw bytes; those the hex does not reach are zero. */
static void do_bytes(replay *r) {
  if (r->ntok != 2 && r->ntok != 3) bad_trace(r, "'W' takes an object and its bytes in hexadecimal");
  held *o = named(r, 1, "object");
  const char *hex = r->ntok == 3 ? r->tok[2] : "";
  size_t n = strlen(hex);
  if (n % 2) bad_trace(r, "odd number of hexadecimal digits");
  if (n / 2 > o->nbytes)
    bad_trace(r, "%zu raw bytes for object %llu, which has %u", n / 2, (unsigned long long)o->serial, o->nbytes);
  for (size_t i = 0; i < n; i++)
    if (hex_digit(hex[i]) < 0) bad_trace(r, "'%c' is not a hexadecimal digit", hex[i]);
  if (!r->live) return;
  unsigned char *b = gc_data(object_of(r, o));
  for (size_t i = 0; i < n / 2; i++) b[i] = (unsigned char)(hex_digit(hex[2 * i]) << 4 | hex_digit(hex[2 * i + 1]));
  memset(b + n / 2, 0, o->nbytes - n / 2);
}

/* H digest: what the replayed roots reach must be what the recording's reached. */
static void do_digest(replay *r) {
  want_args(r, 1);
  uint64_t want = hex_number(r, 1, "digest");
  r->digests++;
  if (!r->live) return;
  uint64_t got = trace_digest_roots(&r->digest, r->h, r->mirror, r->depth, NULL, NULL);
  if (got != want)
    wl_fail(r->ctx,
            "trace %s:%llu: the heap the roots reach differs from the recording's (digest 0x%016llx, recorded 0x%016llx)",
            r->name, (unsigned long long)r->lineno, (unsigned long long)got, (unsigned long long)want);
}

/* L obj: the replay's own reference goes; the object's slot is free again. */
static void do_last(replay *r) {
  want_args(r, 1);
  held *o = named(r, 1, "object");
  if (r->live) {
    gc_root_set(r->h, r->table + o->slot, NULL);
    r->free_slots[r->nfree++] = o->slot;
  }
  map_remove(&r->held, o);
  r->nheld--;
}

static void do_end(replay *r) {
  if (!strcmp(r->tok[0], "end")) {
    want_args(r, 0);
    r->ended = true;
    return;
  }
  if (!r->ended) bad_trace(r, "'checksum' before 'end'");
  want_args(r, 1);
  r->checksum = hex_number(r, 1, "checksum");
  r->have_checksum = true;
}

/* The first line that is not a comment: "gclab-trace 1". */
static void do_header(replay *r) {
  if (strcmp(r->tok[0], "gclab-trace")) bad_trace(r, "not a gclab trace (it must begin with 'gclab-trace 1')");
  want_args(r, 1);
  if (strcmp(r->tok[1], "1")) bad_trace(r, "trace format version '%s' (this gclab reads version 1)", r->tok[1]);
  r->header = true;
}

static void dispatch(replay *r) {
  const char *op = r->tok[0];
  if (!r->header) {
    do_header(r);
    return;
  }
  if (r->have_checksum) bad_trace(r, "'%s' after the checksum line, which ends a trace", op);
  bool word = op[1] != '\0';
  if (r->ended && (!word || strcmp(op, "checksum"))) bad_trace(r, "'%s' after 'end'", op);
  if (word && (!strcmp(op, "end") || !strcmp(op, "checksum"))) {
    do_end(r);
    return;
  }
  if (word) bad_trace(r, "unknown record '%s'", op);
  switch (op[0]) {
    case 'A': do_alloc(r, false); break;
    case 'F': do_alloc(r, true); break;
    case 'U': do_store(r); break;
    case 'P': do_push(r); break;
    case 'R': do_root_set(r); break;
    case 'C': do_close(r); break;
    case 'G': case 'E': case 'I': do_simple(r, op[0]); break;
    case 'W': do_bytes(r); break;
    case 'H': do_digest(r); break;
    case 'L': do_last(r); break;
    default: bad_trace(r, "unknown record '%s'", op);
  }
}

/* ==================================================================
 * Passes
 * ================================================================== */

/* The file, or the built-in trace copied whole into the buffer. */
static void open_trace(replay *r, const char *file) {
  r->start = r->end = 0;
  r->eof = false;
  r->f = NULL;
  if (!file) {
    if (r->buf_cap < trace_builtin_size + 1) {
      free(r->buf);
      r->buf_cap = trace_builtin_size + 1;
      r->buf = malloc(r->buf_cap);
      if (!r->buf) wl_bad_param(r->ctx, "no memory for the built-in trace");
    }
    memcpy(r->buf, trace_builtin, trace_builtin_size);
    r->end = trace_builtin_size;
    r->eof = true;
    return;
  }
  r->f = fopen(file, "r");
  if (!r->f) wl_bad_param(r->ctx, "cannot read trace %s: %s", r->name, strerror(errno));
}

/* More bytes after buf[start, end): moved to the front, the buffer doubled when
 * a line fills it (W lines can be as long as an object's raw bytes, twice). */
static void fill_buffer(replay *r) {
  if (r->start) {
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
  }
  if (r->buf_cap - r->end < 2) {
    size_t cap = r->buf_cap ? 2 * r->buf_cap : (size_t)1 << 20;
    char *buf = realloc(r->buf, cap);
    if (!buf) bad_trace(r, "no memory for a line of %zu bytes", r->end);
    r->buf = buf;
    r->buf_cap = cap;
  }
  size_t got = fread(r->buf + r->end, 1, r->buf_cap - r->end - 1, r->f);
  r->end += got;
  if (got == 0) {
    if (ferror(r->f)) bad_trace(r, "cannot read on: %s", strerror(errno));
    r->eof = true;
  }
}

/* The next line, NUL-terminated in place, or NULL at the end of the file. */
static char *next_line(replay *r) {
  for (;;) {
    char *nl = r->end > r->start ? memchr(r->buf + r->start, '\n', r->end - r->start) : NULL;
    if (nl || (r->eof && r->start < r->end)) {
      char *line = r->buf + r->start;
      if (!nl) {
        r->lineno++; /* the recorder ends every line: a last line without one was cut */
        bad_trace(r, "the last line ends without a newline (a truncated file?)");
      }
      *nl = '\0';
      r->start = (size_t)(nl - r->buf) + 1;
      return line;
    }
    if (r->eof) return NULL;
    fill_buffer(r);
  }
}

/* One pass over the file: every line checked, and replayed when r->live. */
static void run_pass(replay *r, const char *file) {
  open_trace(r, file);
  r->lineno = 0;
  r->next_serial = 1;
  r->nheld = r->max_held = r->digests = 0;
  r->depth = 0;
  r->header = r->ended = r->have_checksum = false;
  for (char *line; (line = next_line(r));) {
    r->lineno++;
    if (tokenize(r, line)) dispatch(r);
  }
  if (r->f) fclose(r->f);
  r->f = NULL;
  r->lineno++;
  if (!r->header) bad_trace(r, "empty: not a gclab trace");
  if (!r->ended) bad_trace(r, "the file ends before its 'end' line (truncated?)");
  if (!r->have_checksum) bad_trace(r, "the file ends without the 'checksum' line after 'end' (truncated?)");
}

/* The checking pass's finding, kept for the iterations after the first. */
static struct {
  char name[4096];
  uint32_t table_size;
} checked;

static uint32_t table_size_of(replay *r, const char *file) {
  if (!strcmp(checked.name, r->name)) return checked.table_size;
  run_pass(r, file);
  if (r->max_held > UINT32_MAX / 2) bad_trace(r, "more than %u objects held at once", UINT32_MAX / 2);
  snprintf(checked.name, sizeof checked.name, "%s", r->name);
  checked.table_size = (uint32_t)r->max_held;
  free(r->held.e);
  r->held = (held_map){0};
  return checked.table_size;
}

/* The table's slots, all free, then the replayed slots above them. */
static void open_table(replay *r) {
  r->free_slots = malloc(((size_t)r->table_size + 1) * sizeof *r->free_slots);
  if (!r->free_slots) wl_bad_param(r->ctx, "trace %s: no memory for a table of %u objects", r->name, r->table_size);
  r->table = gc_frame_open(r->h);
  for (uint32_t i = 0; i < r->table_size; i++) gc_root_push(r->h, NULL);
  for (uint32_t i = 0; i < r->table_size; i++) r->free_slots[i] = r->table_size - 1 - i;
  r->nfree = r->table_size;
  r->mirror = r->table + r->table_size;
}

/* What a replay allocates outside the gc heap: freed before the next one starts. */
static void release(replay *r) {
  if (r->f) fclose(r->f);
  free(r->buf);
  free(r->free_slots);
  free(r->held.e);
  trace_digest_free(&r->digest);
  memset(r, 0, sizeof *r);
}

/* Static, not on the stack: a bad trace leaves run_trace by a longjmp (wl_bad_param,
 * wl_fail), and the buffers then stay reachable rather than leaked. */
static replay state;

static uint64_t run_trace(wl_ctx *ctx) {
  const char *file = wl_param(ctx, "file", NULL);
  replay *r = &state;
  release(r);
  *r = (replay){.ctx = ctx, .h = wl_heap(ctx), .name = file ? file : BUILTIN_NAME};
  r->table_size = table_size_of(r, file);
  open_table(r);
  r->live = true;
  run_pass(r, file);
  gc_frame_close(r->h, r->table);
  wl_observe_str(ctx, "trace_file", r->name);
  wl_observe_int(ctx, "trace_lines", (long long)r->lineno - 1);
  wl_observe_int(ctx, "trace_objects", (long long)r->next_serial - 1);
  wl_observe_int(ctx, "trace_digests_verified", (long long)r->digests);
  wl_observe_int(ctx, "trace_table_slots", (long long)r->table_size);
  wl_output(ctx, "replayed %s: %llu lines, %llu objects, %llu digests verified", r->name,
            (unsigned long long)r->lineno - 1, (unsigned long long)r->next_serial - 1, (unsigned long long)r->digests);
  uint64_t checksum = r->checksum;
  release(r);
  return checksum;
}

const workload wl_trace = {
    .name = "trace",
    .description = "replays a gclab trace (recorded with gclab bench --record FILE), verifying the heap digests it carries",
    .size_doc = {
        "the trace given by file=, else the built-in one (tests/fixtures/small.trace); sizes do not scale a trace",
        "the same: the trace decides",
        "the same: the trace decides",
    },
    .params_doc = "file=PATH (a trace written by gclab bench --record; default: the built-in tests/fixtures/small.trace)",
    .run = run_trace,
};
