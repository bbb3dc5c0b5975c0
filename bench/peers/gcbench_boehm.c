/*
 * gcbench_boehm.c — GCBench (Ellis, Kovac and Boehm) written by hand against
 * Boehm's collector, as a C program using libgc directly would be: the yardstick
 * for the bdw peer's overhead (collectors/bdw), which runs the same benchmark
 * through the gclab API (workloads/gcbench.c).
 *
 * Canonical parameters (docs: README.md, "Workloads"): stretch depth 18,
 * long-lived depth 16, an array of 500 000 doubles (pointer-free, allocated
 * atomically, its first half 1.0/i), depths 4..16 step 2, NumIters(d) =
 * 2 * TreeSize(18) / TreeSize(d) with TreeSize(d) = 2^(d+1) - 1, each depth's trees
 * built top-down (Populate) then bottom-up (MakeTree).  A node is two pointers and
 * two ints, from GC_MALLOC; Boehm is booted as it ships (GC_INIT, nothing tuned).
 *
 * Usage: gcbench_boehm [quick]   (quick: gclab's quick size, depths 14/12, 50 000)
 * Prints the progress lines of the original and, last, "ok" with the collections
 * Boehm ran and the CPU seconds of the run; exits 1 if the long-lived data did
 * not survive intact.
 */
#include <gc/gc.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct Node {
  struct Node *left, *right;
  int i, j;
} Node;

static int stretch_depth = 18, long_lived_depth = 16, min_depth = 4, max_depth = 16;
static long array_size = 500000;

static long tree_size(int depth) { return (2L << depth) - 1; }
static long num_iters(int depth) { return 2 * tree_size(stretch_depth) / tree_size(depth); }

static Node *new_node(Node *left, Node *right) {
  Node *n = GC_MALLOC(sizeof(Node));
  n->left = left;
  n->right = right;
  return n;
}

/* Top-down: children stored into an already-allocated parent. */
static void populate(int depth, Node *node) {
  if (depth <= 0) return;
  depth--;
  node->left = new_node(NULL, NULL);
  node->right = new_node(NULL, NULL);
  populate(depth, node->left);
  populate(depth, node->right);
}

/* Bottom-up: both subtrees first, then their parent. */
static Node *make_tree(int depth) {
  if (depth <= 0) return new_node(NULL, NULL);
  return new_node(make_tree(depth - 1), make_tree(depth - 1));
}

/* Nodes reachable from n: the check that the long-lived tree is intact. */
static long count_nodes(const Node *n) { return n ? 1 + count_nodes(n->left) + count_nodes(n->right) : 0; }

static void time_construction(int depth) {
  long iters = num_iters(depth);
  printf("Creating %ld trees of depth %d\n", iters, depth);
  for (long i = 0; i < iters; i++) {
    Node *temp = new_node(NULL, NULL);
    populate(depth, temp);
    temp = NULL;
  }
  for (long i = 0; i < iters; i++) {
    Node *temp = make_tree(depth);
    (void)temp;
  }
}

int main(int argc, char **argv) {
  if (argc > 2 || (argc == 2 && strcmp(argv[1], "quick"))) {
    fprintf(stderr, "usage: gcbench_boehm [quick]\n");
    return 2;
  }
  if (argc == 2) {
    stretch_depth = 14;
    long_lived_depth = 12;
    max_depth = 12;
    array_size = 50000;
  }
  GC_INIT();
  clock_t c0 = clock();
  printf("Garbage Collector Test\n");
  printf(" Stretching memory with a binary tree of depth %d\n", stretch_depth);
  Node *temp = make_tree(stretch_depth);
  temp = NULL;

  printf(" Creating a long-lived binary tree of depth %d\n", long_lived_depth);
  Node *long_lived = new_node(NULL, NULL);
  populate(long_lived_depth, long_lived);

  printf(" Creating a long-lived array of %ld doubles\n", array_size);
  double *array = GC_MALLOC_ATOMIC(sizeof(double) * (size_t)array_size);
  memset(array, 0, sizeof(double) * (size_t)array_size);
  for (long i = 0; i < array_size / 2; i++) array[i] = 1.0 / (double)i;

  for (int d = min_depth; d <= max_depth; d += 2) time_construction(d);

  long nodes = count_nodes(long_lived);
  double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
  if (nodes != tree_size(long_lived_depth) || array[1000] != 1.0 / 1000) {
    fprintf(stderr, "gcbench_boehm: the long-lived data did not survive (%ld nodes)\n", nodes);
    return 1;
  }
  printf("ok: long-lived tree %ld nodes, array[1000] = 1/1000, %lu collections, %.3f s CPU\n", nodes,
         (unsigned long)GC_get_gc_no(), cpu);
  return 0;
}
