/*
 * mperm.c — MpermNKL, the perm9 family (Lars Hansen, Will Clinger and Gene Luks,
 * Larceny's perm9.sch, 1994-2007; Clinger's PermNKL.java), a memory-system
 * benchmark built on Zaks's permutation generator.
 *
 * The benchmark (docs/references.md, "Workloads", "mperm"): `permutations` builds the
 * list of all N! permutations of (1 .. N) in the order of a grey code of pancake flips
 * (Gene Luks's P_n: repeat n-1 times { P_{n-1}; F_n }, then P_{n-1}, where F_n reverses
 * the top n elements).  Each flip conses only the n reversed elements onto the
 * unchanged tail of the previous permutation, so the permutations share their tails
 * (perm9: 1,349,289 pairs here, 1,349,288 by the original's comment, instead of the
 * 3,628,800 of unshared lists), and every new permutation is consed onto the front of
 * the result list.  MpermNKL-benchmark M N K L keeps a queue of K such lists: K - L are
 * computed before the rounds; each of the M rounds fills the queue's last L positions
 * with freshly computed lists and then shifts the queue by L, dropping its oldest L
 * lists.  Object lifetimes are thus spread uniformly between two volumes fixed by N, K
 * and L.  Each round ends with the original's check: the queue's first and (K-L)th lists
 * start with equal permutations, and the sum of every element of every permutation in
 * the first list is N(N+1)N!/2.
 *
 * The classic configuration is 10:9:2:1 (`tenperm9`); Larceny's current
 * benchmark input is 20:10:2:1.  Here --param m, n, k, l set them:
 *   quick    10:4:2:1   24 permutations of 4, 88 pairs per list: small enough for
 *                       zeal runs (bdw's zeal collects at every allocation while its
 *                       heap is small);
 *   default  10:9:2:1   the classic tenperm9: 1,349,289 pairs per list, 14.8 M
 *                       objects and 237 MB allocated, 43 MB live at the peak (two
 *                       whole lists, just before a flush);
 *   large    20:10:2:1  Larceny's input: 13.5 M pairs per list, 283 M objects and
 *                       4.5 GB allocated, 432 MB live at the peak; nogc holds it
 *                       all, 6.8 GB with its headers, which this 24 GiB machine
 *                       fits.
 *
 * Objects are Scheme pairs: an element pair is its cdr (one pointer field) and
 * its car, a small integer, as 8 raw bytes; a pair of the result list is two
 * pointer fields (car: a permutation, cdr: the rest); the queue is one object of
 * K pointer fields.  Both kinds are 16 object bytes, a 64-bit Scheme's pair.
 * The result list of perm10 is 3,628,800 pairs long: a collector that frees a
 * dead list by recursion overflows the C stack here, which is part of the point.
 *
 * What this version adds, for verification only: the check walks the whole first
 * list every round, counts its permutations (N!), checks each has N elements, and
 * folds a position-weighted fingerprint of every element in order into the
 * checksum, so the checksum records the grey code's order as well as the sum.
 */
#include <string.h>

#include "workloads/workload.h"

/* An element pair: CDR and a car in raw bytes.  A list pair: CAR and CDR. */
enum { ELEM_CDR = 0, ELEM_PTRS = 1 };
enum { LIST_CAR = 0, LIST_CDR = 1, LIST_PTRS = 2 };

typedef struct mperm_params {
  uint64_t m, n, k, l;
} mperm_params;

static const mperm_params defaults[WL_NSIZES] = {
    [WL_QUICK] = {.m = 10, .n = 4, .k = 2, .l = 1},
    [WL_DEFAULT] = {.m = 10, .n = 9, .k = 2, .l = 1},
    [WL_LARGE] = {.m = 20, .n = 10, .k = 2, .l = 1},
};

/* N = 11 is 40 M permutations (about 2.4 GB of objects per list); N = 12 would be
 * 32 GB per list, more than this machine has.  A queue longer than 1000 lists is
 * a typo. */
enum { MAX_N = 11, MAX_K = 1000 };
#define MAX_M 1000000u

/* One run: the permutation being flipped (x), the list being built (perms), the
 * reversed prefix being consed (acc), and the queue. */
typedef struct mperm {
  wl_ctx *ctx;
  gc_heap *h;
  mperm_params p;
  gc_root x, perms, acc, queue;
} mperm;

/* ==================================================================
 * Pairs
 * ================================================================== */

static int64_t car_of(gc_obj *elem) {
  int64_t v;
  memcpy(&v, gc_data(elem), sizeof v);
  return v;
}

/* (cons v acc) into acc.  The allocation may move acc's list: it is re-read from
 * its slot afterwards (gc.h rule 2). */
static void cons_elem(mperm *mp, int64_t v) {
  gc_obj *pair = gc_alloc(mp->h, ELEM_PTRS, sizeof v);
  memcpy(gc_data(pair), &v, sizeof v);
  gc_set(mp->h, pair, ELEM_CDR, gc_root_get(mp->h, mp->acc));
  gc_root_set(mp->h, mp->acc, pair);
}

/* (set! perms (cons x perms)) */
static void push_perm(mperm *mp) {
  gc_heap *h = mp->h;
  gc_obj *pair = gc_alloc(h, LIST_PTRS, 0);
  gc_set(h, pair, LIST_CAR, gc_root_get(h, mp->x));
  gc_set(h, pair, LIST_CDR, gc_root_get(h, mp->perms));
  gc_root_set(h, mp->perms, pair);
}

/* ==================================================================
 * permutations: Zaks's generator, as perm9.sch writes it
 * ================================================================== */

/* F_n: x := (revloop x n (list-tail x n)).  The first n cars are read into a C
 * array while nothing allocates; the shared tail goes into acc, and the n new
 * pairs are consed onto it in revloop's order (x's first element first). */
static void flip(mperm *mp, int n) {
  gc_heap *h = mp->h;
  int64_t head[MAX_N];
  gc_obj *tail = gc_root_get(h, mp->x);
  for (int i = 0; i < n; i++) {
    head[i] = car_of(tail);
    tail = gc_get(tail, ELEM_CDR);
  }
  gc_root_set(h, mp->acc, tail);
  for (int i = 0; i < n; i++) cons_elem(mp, head[i]);
  gc_root_set(h, mp->x, gc_root_get(h, mp->acc));
  gc_root_set(h, mp->acc, NULL);
  push_perm(mp);
}

/* P_n: repeat n-1 times { P_{n-1}; F_n }, then P_{n-1}.  Recursion n deep. */
static void generate(mperm *mp, int n) {
  if (n <= 1) return;
  for (int j = n - 1; j > 0; j--) {
    generate(mp, n - 1);
    flip(mp, n);
  }
  generate(mp, n - 1);
}

/* (one..n n): (1 2 .. n), consed from n down. */
static void one_to_n(mperm *mp, int n) {
  gc_root_set(mp->h, mp->acc, NULL);
  for (int64_t v = n; v >= 1; v--) cons_elem(mp, v);
  gc_root_set(mp->h, mp->x, gc_root_get(mp->h, mp->acc));
  gc_root_set(mp->h, mp->acc, NULL);
}

/* (permutations (one..n n)): the list is left in perms. */
static void permutations(mperm *mp) {
  one_to_n(mp, (int)mp->p.n);
  gc_root_set(mp->h, mp->perms, NULL);
  push_perm(mp);
  generate(mp, (int)mp->p.n);
  gc_root_set(mp->h, mp->x, NULL);
}

/* ==================================================================
 * The queue
 * ================================================================== */

static gc_obj *queue_at(mperm *mp, uint64_t i) { return gc_get(gc_root_get(mp->h, mp->queue), (uint32_t)i); }

/* fill-queue: positions [i, j) get freshly computed lists. */
static void fill_queue(mperm *mp, uint64_t i, uint64_t j) {
  for (; i < j; i++) {
    permutations(mp);
    gc_set(mp->h, gc_root_get(mp->h, mp->queue), (uint32_t)i, gc_root_get(mp->h, mp->perms));
    gc_root_set(mp->h, mp->perms, NULL);
  }
}

/* flush-queue: every position takes the list L places behind it, or '(). */
static void flush_queue(mperm *mp) {
  uint64_t k = mp->p.k, l = mp->p.l;
  for (uint64_t i = 0; i < k; i++) {
    gc_obj *next = i + l < k ? queue_at(mp, i + l) : NULL;
    gc_set(mp->h, gc_root_get(mp->h, mp->queue), (uint32_t)i, next);
  }
}

/* ==================================================================
 * The check
 * ================================================================== */

static uint64_t factorial(uint64_t n) { return n ? n * factorial(n - 1) : 1; }

/* (equal? (car q0) (car qi)): two permutations, element by element. */
static bool same_permutation(gc_obj *a, gc_obj *b) {
  for (; a && b; a = gc_get(a, ELEM_CDR), b = gc_get(b, ELEM_CDR))
    if (car_of(a) != car_of(b)) return false;
  return !a && !b;
}

typedef struct list_tally {
  uint64_t perms, sum, fingerprint;
} list_tally;

/* sumlists, plus the count, each permutation's length, and the fingerprint.
 * Iterative: the list is N! pairs long.  No allocation. */
static list_tally walk_list(mperm *mp, gc_obj *list) {
  list_tally t = {0, 0, 0};
  for (; list; list = gc_get(list, LIST_CDR)) {
    uint64_t len = 0;
    for (gc_obj *e = gc_get(list, LIST_CAR); e; e = gc_get(e, ELEM_CDR), len++) {
      int64_t v = car_of(e);
      t.sum += (uint64_t)v;
      t.fingerprint = t.fingerprint * 31 + (uint64_t)v;
    }
    if (len != mp->p.n)
      wl_fail(mp->ctx, "permutation %llu has %llu elements, expected %llu", (unsigned long long)t.perms,
              (unsigned long long)len, (unsigned long long)mp->p.n);
    t.perms++;
  }
  return t;
}

/* The original's ok? predicate on the queue, every round. */
static uint64_t check_queue(mperm *mp) {
  uint64_t n = mp->p.n, k = mp->p.k, l = mp->p.l;
  gc_obj *q0 = queue_at(mp, 0), *qi = queue_at(mp, k - l - 1); /* l < k: read_params */
  if (!q0 || !qi) wl_fail(mp->ctx, "a queue position that must hold a list is empty");
  if (!same_permutation(gc_get(q0, LIST_CAR), gc_get(qi, LIST_CAR)))
    wl_fail(mp->ctx, "the first permutations of queue positions 0 and %llu differ", (unsigned long long)(k - l - 1));
  list_tally t = walk_list(mp, q0);
  uint64_t want_sum = n * (n + 1) * factorial(n) / 2;
  if (t.perms != factorial(n))
    wl_fail(mp->ctx, "the list holds %llu permutations, expected %llu", (unsigned long long)t.perms,
            (unsigned long long)factorial(n));
  if (t.sum != want_sum)
    wl_fail(mp->ctx, "sumlists is %llu, expected N(N+1)N!/2 = %llu", (unsigned long long)t.sum, (unsigned long long)want_sum);
  return wl_mix(wl_mix(t.perms, t.sum), t.fingerprint);
}

/* ==================================================================
 * The run
 * ================================================================== */

static mperm_params read_params(wl_ctx *ctx) {
  const mperm_params *d = &defaults[wl_size_of(ctx)];
  mperm_params p = {
      .m = wl_param_u64(ctx, "m", d->m),
      .n = wl_param_u64(ctx, "n", d->n),
      .k = wl_param_u64(ctx, "k", d->k),
      .l = wl_param_u64(ctx, "l", d->l),
  };
  if (p.n < 1 || p.n > MAX_N) wl_bad_param(ctx, "parameter n=%llu is not in 1..%d", (unsigned long long)p.n, MAX_N);
  if (p.k < 1 || p.k > MAX_K) wl_bad_param(ctx, "parameter k=%llu is not in 1..%d", (unsigned long long)p.k, MAX_K);
  /* The original allows l = k, but then every round ends with an empty queue and
   * its own check (sumlists of '() = N(N+1)N!/2) fails. */
  if (p.l >= p.k) wl_bad_param(ctx, "parameter l=%llu must be below k=%llu", (unsigned long long)p.l, (unsigned long long)p.k);
  if (p.m > MAX_M) wl_bad_param(ctx, "parameter m=%llu is over %u", (unsigned long long)p.m, MAX_M);
  return p;
}

static uint64_t run_mperm(wl_ctx *ctx) {
  gc_heap *h = wl_heap(ctx);
  mperm mp = {.ctx = ctx, .h = h, .p = read_params(ctx)};
  uint64_t m = mp.p.m, n = mp.p.n, k = mp.p.k, l = mp.p.l;
  wl_output(ctx, "mperm:%llu:%llu:%llu:%llu (%llu permutations of %llu per list)", (unsigned long long)m,
            (unsigned long long)n, (unsigned long long)k, (unsigned long long)l, (unsigned long long)factorial(n),
            (unsigned long long)n);
  uint32_t frame = gc_frame_open(h);
  mp.x = gc_root_push(h, NULL);
  mp.perms = gc_root_push(h, NULL);
  mp.acc = gc_root_push(h, NULL);
  mp.queue = gc_root_push(h, NULL);
  gc_root_set(h, mp.queue, gc_alloc(h, (uint32_t)k, 0));

  fill_queue(&mp, 0, k - l);
  uint64_t sum = wl_mix(m, n);
  for (uint64_t round = 0; round < m; round++) {
    fill_queue(&mp, k - l, k);
    flush_queue(&mp);
    sum = wl_mix(sum, check_queue(&mp));
  }
  wl_output(ctx, "%llu rounds: sumlists = %llu every round", (unsigned long long)m,
            (unsigned long long)(n * (n + 1) * factorial(n) / 2));
  gc_frame_close(h, frame);
  return sum;
}

const workload wl_mperm = {
    .name = "mperm",
    .description = "MpermNKL (Larceny's perm9 family): a queue of K lists of all N! tail-sharing permutations, "
                   "M rounds each replacing the oldest L",
    .size_doc = {
        "10:4:2:1 (24 permutations of 4, 88 pairs per list): 969 objects, 15.5 KB allocated",
        "10:9:2:1, the classic tenperm9 (362880 permutations, 1.35 M pairs per list): 14.8 M objects, 237 MB allocated, "
        "43 MB live at the peak",
        "20:10:2:1, Larceny's input (3.6 M permutations, 13.5 M pairs per list): 283 M objects, 4.5 GB allocated, "
        "432 MB live at the peak (nogc holds 6.8 GB: the largest classic configuration this 24 GiB machine fits)",
    },
    .params_doc = "m=rounds (0..10^6), n=permutation length (1..11), k=queue length (1..1000), l=lists replaced per "
                  "round (0..k-1); defaults by size 10:4:2:1, 10:9:2:1, 20:10:2:1",
    .run = run_mperm,
};
