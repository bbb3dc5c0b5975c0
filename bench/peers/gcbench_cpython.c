/*
 * gcbench_cpython.c — GCBench written by hand on CPython 3.11's C API: the yardstick
 * for the cpython collector's binding (collectors/cpython).
 *
 * The question it answers: how much of what `bench_cpython --workload gcbench`
 * costs is CPython's, and how much is the binding's?  This program does the same
 * work as workloads/gcbench.c with nothing between it and the interpreter, the way
 * a careful embedder would write it:
 *
 * - A node is a GC-tracked container type (PyType_FromSpec, Py_TPFLAGS_HAVE_GC)
 *   with two object slots and two ints, as in GCBench (docs/references.md,
 *   "Workloads", "GCBench"); tp_traverse visits the two slots, tp_clear and
 *   tp_dealloc clear them (tp_dealloc under the trashcan, as CPython's own
 *   containers do).  The long-lived array is a var-sized type that is not a GC
 *   type (it holds no references), like the binding's leaves.
 * - References are plain C: a new node is owned by its creator, a store into a
 *   parent takes that reference over, and Populate walks the children through the
 *   parent's borrowed references.  No shadow stack, no newborn, no counters.
 * - The interpreter starts as the binding starts it (isolated, no site, no signal
 *   handlers), and its own objects are frozen (gc.freeze()) after a full
 *   collection, so that in both programs CPython's collector sees the benchmark's
 *   objects alone and keeps its default thresholds (700, 10, 10).
 *
 * It does the workload's verification too, so that the two do the same work: each
 * node's ints hold its height and heap-order index; the stretch tree, the last
 * tree of each batch, the long-lived tree and the whole array are read back; and
 * the checksum is folded exactly as workloads/gcbench.c folds it, so both programs
 * print the same checksum for the same size.
 *
 * Timed: the benchmark itself, from the stretch tree to the release of the
 * long-lived tree and array (the bench's timed iteration: the workload's run),
 * not the interpreter's start and end.  Printed: the workload's lines, then
 * `checksum 0x...`, `cpu_ns N` (CLOCK_PROCESS_CPUTIME_ID) and `wall_ns N`
 * (CLOCK_MONOTONIC).  Under valgrind --tool=callgrind --collect-atstart=no the
 * timed part is the only part collected, as with `bench --counters callgrind`.
 *
 * Usage: gcbench_cpython [--size quick|default|large]  (default: default, the
 * canonical configuration).  Bad arguments: a message and exit status 2.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h> /* first: Python.h must precede the standard headers */

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/callgrind.h>

/* ==================================================================
 * Configuration: the workload's three sizes
 * ================================================================== */

typedef struct config {
  const char *name;
  int stretch_depth, long_lived_depth, min_depth, max_depth;
  Py_ssize_t array_size;
} config;

static const config configs[] = {
    {"quick", 14, 12, 4, 12, 50000},
    {"default", 18, 16, 4, 16, 500000},
    {"large", 20, 18, 4, 18, 2000000},
};

static long tree_size(int depth) { return (2L << depth) - 1; }
static long num_iters(const config *cfg, int depth) { return 2 * tree_size(cfg->stretch_depth) / tree_size(depth); }

/* workloads/workload.h's wl_mix (splitmix64's finaliser over h ^ v), restated so
 * that this program stays free of gclab's code and still folds the same checksum. */
static uint64_t mix(uint64_t h, uint64_t v) {
  uint64_t z = (h ^ v) + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* A broken interpreter or a failed check: nothing to recover. */
static _Noreturn void fail(const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  fprintf(stderr, "gcbench_cpython: ");
  vfprintf(stderr, format, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  if (PyErr_Occurred()) PyErr_Print();
  exit(1);
}

/* ==================================================================
 * The types
 * ================================================================== */

typedef struct Node {
  PyObject_HEAD
  PyObject *left, *right;
  int i; /* height: 0 for a leaf */
  int j; /* heap-order index: root 1, children 2j and 2j+1 */
} Node;

typedef struct DoubleArray {
  PyObject_VAR_HEAD
  double items[];
} DoubleArray;

static PyTypeObject *node_type, *array_type;

/* The type is not visited: node_type holds it for the program's life, so it is
 * never garbage (the binding skips it for the same reason). */
static int node_traverse(PyObject *op, visitproc visit, void *arg) {
  Node *n = (Node *)op;
  Py_VISIT(n->left);
  Py_VISIT(n->right);
  return 0;
}

static int node_clear(PyObject *op) {
  Node *n = (Node *)op;
  Py_CLEAR(n->left);
  Py_CLEAR(n->right);
  return 0;
}

/* Untracked first (the trashcan requires it); the trashcan bounds the recursion of
 * a long chain of releases; an instance of a heap type holds a reference to it. */
static void node_dealloc(PyObject *op) {
  PyTypeObject *type = Py_TYPE(op);
  PyObject_GC_UnTrack(op);
  Py_TRASHCAN_BEGIN(op, node_dealloc)
  node_clear(op);
  PyObject_GC_Del(op);
  Py_DECREF(type);
  Py_TRASHCAN_END
}

static void array_dealloc(PyObject *op) {
  PyTypeObject *type = Py_TYPE(op);
  PyObject_Free(op);
  Py_DECREF(type);
}

static PyType_Slot node_slots[] = {
    {Py_tp_dealloc, (void *)node_dealloc},
    {Py_tp_traverse, (void *)node_traverse},
    {Py_tp_clear, (void *)node_clear},
    {0, NULL},
};

static PyType_Spec node_spec = {
    .name = "gcbench.Node",
    .basicsize = (int)sizeof(Node),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = node_slots,
};

static PyType_Slot array_slots[] = {
    {Py_tp_dealloc, (void *)array_dealloc},
    {0, NULL},
};

static PyType_Spec array_spec = {
    .name = "gcbench.DoubleArray",
    .basicsize = (int)sizeof(DoubleArray),
    .itemsize = (int)sizeof(double),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = array_slots,
};

/* A new reference to a childless node.  The allocation may collect (CPython's
 * _PyObject_GC_Link); everything alive is reachable from references the program
 * holds, which the collector counts as external. */
static Node *new_node(int height, int index) {
  Node *n = PyObject_GC_New(Node, node_type);
  if (!n) fail("out of memory allocating a node");
  n->left = n->right = NULL;
  n->i = height;
  n->j = index;
  PyObject_GC_Track((PyObject *)n);
  return n;
}

/* ==================================================================
 * Building: GCBench's Populate and MakeTree
 * ================================================================== */

/* Top-down: both children allocated into the existing parent, then each filled. */
static void populate(int depth, Node *node) {
  if (depth <= 0) return;
  node->left = (PyObject *)new_node(depth - 1, 2 * node->j);
  node->right = (PyObject *)new_node(depth - 1, 2 * node->j + 1);
  populate(depth - 1, (Node *)node->left);
  populate(depth - 1, (Node *)node->right);
}

static Node *build_top_down(int depth) {
  Node *root = new_node(depth, 1);
  populate(depth, root);
  return root;
}

/* Bottom-up: both subtrees first, then their parent, which takes them over. */
static Node *make_tree(int depth, int index) {
  if (depth <= 0) return new_node(0, index);
  PyObject *left = (PyObject *)make_tree(depth - 1, 2 * index);
  PyObject *right = (PyObject *)make_tree(depth - 1, 2 * index + 1);
  Node *node = new_node(depth, index);
  node->left = left;
  node->right = right;
  return node;
}

/* ==================================================================
 * Reading back (the workload's checks, the same checksum)
 * ================================================================== */

static long walk_tree(const Node *node, int height, int index) {
  if (!node) fail("tree node %d (height %d) is missing", index, height);
  if (node->i != height || node->j != index)
    fail("tree node %d (height %d) reads i=%d j=%d", index, height, node->i, node->j);
  if (height == 0) {
    if (node->left || node->right) fail("leaf %d has children", index);
    return 1;
  }
  return 1 + walk_tree((const Node *)node->left, height - 1, 2 * index) +
         walk_tree((const Node *)node->right, height - 1, 2 * index + 1);
}

static uint64_t check_tree(const Node *root, int depth, const char *what) {
  long count = walk_tree(root, depth, 1);
  if (count != tree_size(depth)) fail("%s of depth %d has %ld nodes, expected %ld", what, depth, count, tree_size(depth));
  return mix((uint64_t)depth, (uint64_t)count);
}

/* The original's 1.0/0 is Java's +infinity, spelled out. */
static double array_value(Py_ssize_t i) { return i ? 1.0 / (double)i : INFINITY; }

static DoubleArray *new_array(Py_ssize_t size) {
  DoubleArray *a = PyObject_NewVar(DoubleArray, array_type, size);
  if (!a) fail("out of memory allocating the array");
  memset(a->items, 0, (size_t)size * sizeof(double));
  for (Py_ssize_t i = 0; i < size / 2; i++) a->items[i] = array_value(i);
  return a;
}

static uint64_t check_array(const DoubleArray *a, Py_ssize_t size) {
  if (a->items[1000] != 1.0 / 1000) fail("array[1000] is %.17g, expected 1.0/1000", a->items[1000]);
  for (Py_ssize_t i = 0; i < size; i++) {
    double expected = i < size / 2 ? array_value(i) : 0.0;
    if (memcmp(&a->items[i], &expected, sizeof expected)) fail("array[%zd] is %.17g", i, a->items[i]);
  }
  uint64_t bits;
  memcpy(&bits, &a->items[1000], sizeof bits);
  return mix((uint64_t)size, bits);
}

/* ==================================================================
 * The benchmark
 * ================================================================== */

/* Lines are kept and printed after the timed part, as the bench keeps them in
 * its record: printing is not what is measured. */
#define MAX_LINES 32
static char lines[MAX_LINES][96];
static int nlines;

static void output(const char *format, ...) {
  if (nlines == MAX_LINES) fail("too many output lines");
  va_list ap;
  va_start(ap, format);
  vsnprintf(lines[nlines++], sizeof lines[0], format, ap);
  va_end(ap);
}

static uint64_t trees_of_depth(const config *cfg, int depth) {
  long iters = num_iters(cfg, depth);
  output("Creating %ld trees of depth %d", iters, depth);
  uint64_t sum = mix((uint64_t)depth, (uint64_t)iters);
  for (long n = 0; n < iters; n++) {
    Node *t = build_top_down(depth);
    if (n == iters - 1) sum = mix(sum, check_tree(t, depth, "a top-down tree"));
    Py_DECREF(t);
  }
  for (long n = 0; n < iters; n++) {
    Node *t = make_tree(depth, 1);
    if (n == iters - 1) sum = mix(sum, check_tree(t, depth, "a bottom-up tree"));
    Py_DECREF(t);
  }
  return sum;
}

static uint64_t run_gcbench(const config *cfg) {
  output("Garbage Collector Test");
  output(" Stretching memory with a binary tree of depth %d", cfg->stretch_depth);
  Node *stretch = make_tree(cfg->stretch_depth, 1);
  uint64_t sum = check_tree(stretch, cfg->stretch_depth, "the stretch tree");
  Py_DECREF(stretch);

  output(" Creating a long-lived binary tree of depth %d", cfg->long_lived_depth);
  Node *long_lived = build_top_down(cfg->long_lived_depth);
  output(" Creating a long-lived array of %zd doubles", cfg->array_size);
  DoubleArray *array = new_array(cfg->array_size);

  for (int d = cfg->min_depth; d <= cfg->max_depth; d += 2) sum = mix(sum, trees_of_depth(cfg, d));

  sum = mix(sum, check_tree(long_lived, cfg->long_lived_depth, "the long-lived tree"));
  sum = mix(sum, check_array(array, cfg->array_size));
  output(" Long-lived tree of %ld nodes and array intact", tree_size(cfg->long_lived_depth));
  Py_DECREF(long_lived);
  Py_DECREF(array);
  return sum;
}

/* ==================================================================
 * The interpreter
 * ================================================================== */

static void start_interpreter(void) {
  PyConfig pc;
  PyConfig_InitIsolatedConfig(&pc);
  pc.install_signal_handlers = 0;
  pc.site_import = 0;
  PyStatus status = Py_InitializeFromConfig(&pc);
  PyConfig_Clear(&pc);
  if (PyStatus_Exception(status)) fail("cannot start Python: %s", status.err_msg ? status.err_msg : "?");
}

/* gc.<name>() for its effect. */
static void gc_call(PyObject *gc, const char *name) {
  PyObject *r = PyObject_CallMethod(gc, name, NULL);
  if (!r) fail("gc.%s() failed", name);
  Py_DECREF(r);
}

/* The types, then the interpreter's own objects out of the collector's way: a full
 * collection, gc.freeze(), and a full collection to start the counts from zero. */
static void set_up(void) {
  node_type = (PyTypeObject *)PyType_FromSpec(&node_spec);
  array_type = (PyTypeObject *)PyType_FromSpec(&array_spec);
  PyObject *gc = PyImport_ImportModule("gc");
  if (!node_type || !array_type || !gc) fail("cannot create the types or import gc");
  gc_call(gc, "collect");
  gc_call(gc, "freeze");
  gc_call(gc, "collect");
  Py_DECREF(gc);
}

static uint64_t now_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* LeakSanitizer: what libpython leaves at Py_FinalizeEx is CPython's (as in
 * collectors/cpython/cpython.c). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libpython3.11.so\n"; }

static const config *parse_args(int argc, char **argv) {
  const config *cfg = &configs[1];
  for (int a = 1; a < argc; a++) {
    if (strcmp(argv[a], "--size") == 0 && a + 1 < argc) {
      const char *name = argv[++a];
      cfg = NULL;
      for (size_t k = 0; k < sizeof configs / sizeof configs[0]; k++)
        if (strcmp(configs[k].name, name) == 0) cfg = &configs[k];
      if (!cfg) {
        fprintf(stderr, "gcbench_cpython: unknown size '%s' (valid: quick default large)\n", name);
        exit(2);
      }
    } else {
      fprintf(stderr, "usage: gcbench_cpython [--size quick|default|large]\n");
      exit(2);
    }
  }
  return cfg;
}

int main(int argc, char **argv) {
  const config *cfg = parse_args(argc, argv);
  start_interpreter();
  set_up();

  CALLGRIND_TOGGLE_COLLECT;
  uint64_t t0 = now_ns(CLOCK_MONOTONIC), c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
  uint64_t sum = run_gcbench(cfg);
  uint64_t t1 = now_ns(CLOCK_MONOTONIC), c1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
  CALLGRIND_TOGGLE_COLLECT;

  for (int k = 0; k < nlines; k++) printf("%s\n", lines[k]);
  printf("checksum 0x%016llx\n", (unsigned long long)sum);
  printf("cpu_ns %llu\n", (unsigned long long)(c1 - c0));
  printf("wall_ns %llu\n", (unsigned long long)(t1 - t0));
  Py_DECREF(node_type);
  Py_DECREF(array_type);
  if (Py_FinalizeEx() < 0) return 1;
  return 0;
}
