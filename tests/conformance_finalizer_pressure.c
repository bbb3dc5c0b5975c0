/*
 * conformance_finalizer_pressure.c — finalizable garbage under a heap limit.
 *
 * The garbage here is chains of finalizable links, each link holding a subgraph of
 * a few hundred plain objects, built and dropped round after round under a limit
 * of about ten times one chain.  A collector that defers finalization keeps every
 * such link, and all it reaches, alive through the collection that finds it (rule
 * 6), so that collection frees almost nothing; what it kept is garbage the moment
 * the finalizers have run.  Declaring out of memory then, with the queued
 * finalizers not run, would end a program whose live data is a tenth of the limit.
 * Rule 6: such a collector runs the finalizers and collects again before it gives
 * up.  Every collector that reclaims must therefore finish both cases; one that
 * does not must run out.
 *
 *   finalizable_garbage_under_limit   4 MiB, every finalizer only checks its link;
 *                                     gc_collect after every few drops
 *   resurrecting_garbage_under_limit  2 MiB, the finalizer of every chain's last
 *                                     link resurrects it (with its subgraph) into
 *                                     a root, replacing the one before
 */
#include <setjmp.h>
#include <string.h>

#include "tests/conformance_cases.h"
#include "tests/conformance_support.h"

#define SUBGRAPH_OBJECTS 300u /* plain objects each link holds, as a list */
#define MAX_LINKS 4096u       /* links over all rounds, for the run counts */
#define COLLECT_EVERY 5       /* rounds between explicit gc_collect calls */
#define RECLAIM_COLLECTIONS 4 /* collections to reclaim everything after the end */

typedef struct pressure_case {
  const char *what;
  size_t limit;
  uint32_t links, rounds;
  /* 0: no finalizer resurrects; else the links whose id is 1 less than a multiple
   * of it (with `links` itself: each chain's last) */
  uint32_t resurrect_every;
} pressure_case;

static struct {
  jmp_buf back;
  size_t requested;
  uint32_t round;            /* rounds completed when on_oom came */
  unsigned runs[MAX_LINKS];  /* finalizer runs per link id */
  uint32_t referenced_from;  /* links with ids >= this are still in the live chain */
  uint32_t resurrect_every;
  gc_root resurrected;       /* the link a finalizer stored last */
} pr;

static void jump_back_on_oom(void *arg, size_t requested) {
  (void)arg;
  pr.requested = requested;
  longjmp(pr.back, 1);
}

/* ==================================================================
 * The objects
 * ================================================================== */

/* Subgraph node j of link id reads this identity: distinct across all links. */
static uint64_t node_id(uint64_t link, uint32_t j) { return (link + 1) * 1000003u + j; }

/* Whether the link and its whole subgraph read what they were built with. */
static bool link_intact(gc_obj *link, uint64_t id) {
  if (!identity_intact(link, id)) return false;
  uint32_t j = 0;
  for (gc_obj *n = gc_get(link, 1); n; n = gc_get(n, 0), j++)
    if (j >= SUBGRAPH_OBJECTS || !identity_intact(n, node_id(id, j))) return false;
  return j == SUBGRAPH_OBJECTS;
}

static void pressure_finalizer(gc_heap *h, gc_obj *o) {
  uint64_t id = identity_read(o);
  if (!CHECK(id < MAX_LINKS, "a finalizer ran on an object reading as id %llu", (unsigned long long)id)) return;
  pr.runs[id]++;
  CHECK(pr.runs[id] == 1, "link %llu finalized %u times", (unsigned long long)id, pr.runs[id]);
  CHECK(id < pr.referenced_from, "link %llu finalized while still referenced", (unsigned long long)id);
  CHECK(link_intact(o, id), "link %llu or its subgraph corrupted when its finalizer ran", (unsigned long long)id);
  if (pr.resurrect_every && id % pr.resurrect_every == pr.resurrect_every - 1) gc_root_set(h, pr.resurrected, o);
}

/* A list of SUBGRAPH_OBJECTS plain objects, built last node first, in `slot`. */
static void build_subgraph(gc_heap *h, gc_root slot, uint64_t link) {
  gc_root_set(h, slot, NULL);
  for (uint32_t j = SUBGRAPH_OBJECTS; j-- > 0;) {
    gc_obj *n = gc_alloc(h, 1, 16);
    identity_write(n, node_id(link, j));
    gc_set(h, n, 0, gc_root_get(h, slot));
    gc_root_set(h, slot, n);
  }
}

/* One chain of `links` finalizable links with ids first.., in `head`: link k holds
 * link k + 1 in field 0 and its subgraph in field 1. */
static void build_chain(gc_heap *h, gc_root head, uint32_t first, uint32_t links) {
  uint32_t frame = gc_frame_open(h);
  gc_root sub = gc_root_push(h, NULL);
  gc_root_set(h, head, NULL);
  for (uint32_t k = links; k-- > 0;) {
    build_subgraph(h, sub, first + k);
    gc_obj *link = gc_alloc_finalizable(h, 2, 16, pressure_finalizer);
    identity_write(link, first + k);
    gc_set(h, link, 0, gc_root_get(h, head));
    gc_set(h, link, 1, gc_root_get(h, sub));
    gc_root_set(h, head, link);
  }
  gc_frame_close(h, frame);
}

/* ==================================================================
 * The rounds
 * ================================================================== */

/* Builds and drops c->rounds chains; true if on_oom ended them.  A function of its
 * own for setjmp's sake (nothing here changes between setjmp and longjmp). */
static bool ran_out(gc_heap *h, const pressure_case *c, gc_root head) {
  if (setjmp(pr.back) != 0) return true;
  for (uint32_t r = 0; r < c->rounds; r++, pr.round = r) {
    pr.referenced_from = r * c->links;
    build_chain(h, head, r * c->links, c->links);
    pr.referenced_from = (r + 1) * c->links;
    gc_root_set(h, head, NULL);
    if (r % COLLECT_EVERY == COLLECT_EVERY - 1) gc_collect(h);
  }
  return false;
}

/* After the rounds: what a finalizer resurrected last is intact; then, with every
 * root gone, each link has been finalized exactly once (a conservative collector
 * may hold a few chains back) and the heap held no more than the limit. */
static void check_after_rounds(gc_heap *h, const pressure_case *c, uint64_t baseline) {
  gc_obj *r = pr.resurrected ? gc_root_get(h, pr.resurrected) : NULL;
  if (r && !CHECK(link_intact(r, identity_read(r)), "%s: the resurrected link %llu is corrupted", c->what,
                  (unsigned long long)identity_read(r)))
    return;
  if (pr.resurrected) gc_root_set(h, pr.resurrected, NULL);
  for (int i = 0; i < RECLAIM_COLLECTIONS; i++) gc_collect(h);
  uint32_t total = c->links * c->rounds, finalized = 0;
  for (uint32_t id = 0; id < total; id++) finalized += pr.runs[id] > 0;
  /* what one stale reference can hold here is one chain, from its head */
  uint64_t chain_objects = (uint64_t)c->links * (SUBGRAPH_OBJECTS + 1);
  bool conservative = has_cap(GC_CAP_CONSERVATIVE);
  uint64_t allowed = conservative ? (uint64_t)CONSERVATIVE_FEW * c->links : 0;
  if (!CHECK(finalized <= total && total - finalized <= allowed, "%s: %u of %u dropped links finalized%s", c->what,
             finalized, total, retention_note(allowed)))
    return;
  uint64_t left = live_since(h, baseline);
  allowed = conservative ? CONSERVATIVE_FEW * chain_objects : 0;
  if (!CHECK(live_as_predicted(left, 0, allowed), "%s: %llu objects left after everything was dropped%s", c->what,
             (unsigned long long)left, retention_note(allowed)))
    return;
  gc_stats s;
  gc_stats_read(h, &s);
  CHECK(s.peak_heap_bytes <= c->limit, "%s: peak heap %llu bytes over the limit", c->what,
        (unsigned long long)s.peak_heap_bytes);
}

static void run_pressure_case(const pressure_case *c) {
  memset(&pr, 0, sizeof pr);
  pr.resurrect_every = c->resurrect_every;
  gc_heap *h = heap_open(false, c->limit, jump_back_on_oom);
  if (!h) return;
  uint32_t frame = gc_frame_open(h);
  gc_root head = gc_root_push(h, NULL);
  if (c->resurrect_every) pr.resurrected = gc_root_push(h, NULL);
  gc_collect(h);
  uint64_t baseline = live_objects(h);
  bool out = ran_out(h, c, head);
  if (conf_failed()) goto done;
  if (!has_cap(GC_CAP_RECLAIMS)) {
    CHECK(out, "%s: no on_oom from a collector that never reclaims", c->what);
    goto done;
  }
  if (!CHECK(!out, "%s: on_oom after %u of %u rounds (asked for %zu bytes); live data is one chain", c->what,
             pr.round, c->rounds, pr.requested))
    goto done;
  check_after_rounds(h, c, baseline);
done:
  if (!out) gc_frame_close(h, frame);
  gc_heap_destroy(h);
}

/* One chain: 25 x 301 objects of 24-32 object bytes, 40-48 with a header: about
 * 360 KiB, a tenth of the limit; 60 rounds drop about 5 limits of it. */
void case_finalizable_garbage_under_limit(void) {
  static const pressure_case c = {"finalizable chains under a 4 MiB limit", (size_t)4 << 20, 25, 60, 0};
  run_pressure_case(&c);
}

/* Half the chain under half the limit; each chain's last link comes back from
 * its finalizer, with its subgraph, and lives until the next one replaces it. */
void case_resurrecting_garbage_under_limit(void) {
  static const pressure_case c = {"resurrecting finalizable chains under a 2 MiB limit", (size_t)2 << 20, 12, 120, 12};
  run_pressure_case(&c);
}
