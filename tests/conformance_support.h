/*
 * conformance_support.h — what every conformance case shares: recording why a case
 * failed, a seeded random generator, object identities written into raw bytes, and
 * heap set-up.
 *
 * Each case runs in a process of its own (conformance.c), so the failure record is
 * a plain static: finalizers, which get no context argument, can report into it too.
 */
#ifndef CONFORMANCE_SUPPORT_H
#define CONFORMANCE_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/api/gc.h"

/* ---- failures ---- */

/* Records a failure of the running case; only the first is kept, since later ones
 * are usually its consequences. */
void conf_fail_at(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool conf_failed(void);
const char *conf_failure(void);

/* CHECK(cond, fmt, ...): true if cond holds; otherwise records why and is false, so
 * call sites read `if (!CHECK(...)) goto done;`. */
#define CHECK(cond, ...) ((cond) ? true : (conf_fail_at(__FILE__, __LINE__, __VA_ARGS__), false))

/* ---- capabilities ---- */

bool has_cap(unsigned cap);

/* ---- conservative collectors (GC_CAP_CONSERVATIVE) ---- */

/* An exact collector holds exactly what a case predicts.  A conservative one may
 * hold more: whatever a stale value on the C stack, in a register or in scanned
 * raw bytes appears to reference, and everything that object reaches in turn.
 * The cases allow it CONSERVATIVE_FEW such stale references.  Only the count of
 * garbage is relaxed: reachable objects must be intact, finalizers must never run
 * on them nor twice, and heap limits still hold. */
#define CONSERVATIVE_FEW 4

/* Garbage in small pieces (a stale reference holds about one object): 1% of the
 * `unreachable` objects plus CONSERVATIVE_FEW; 0 for an exact collector. */
uint64_t retention_allowed(uint64_t unreachable);
/* Garbage as a graph of n objects, object x referring to succ[first[x] ..
 * first[x + 1]) (entries outside [0, n) are ignored): the CONSERVATIVE_FEW largest
 * sets of objects one reference can hold; 0 for an exact collector. */
uint64_t retention_in_graph(uint32_t n, const uint32_t *first, const int32_t *succ);
/* Whether `live` objects are what a case predicts, `held`: at least that, and at
 * most `allowed` (one of the above) more. */
bool live_as_predicted(uint64_t live, uint64_t held, uint64_t allowed);
/* For failure messages: "" for an exact collector, else what was allowed (a static
 * buffer, overwritten by the next call). */
const char *retention_note(uint64_t allowed);
/* Baselines.  A case that counts live objects from a baseline taken after an
 * earlier gc_collect trusts that baseline to hold no garbage; a conservative
 * collector's may (garbage it let go later, when its stale reference went).
 * live_since is live_objects(h) - baseline, for such a collector never below 0. */
uint64_t live_since(gc_heap *h, uint64_t baseline);
/* Whether the collector holds what a case predicts, counted from `baseline`:
 * exactly `want` more for an exact collector; for a conservative one at least
 * `floor` (what it rightly held at the baseline) plus `want` in all, and at most
 * `allowed` more than `want` since the baseline (UINT64_MAX: no upper bound, for
 * counts taken while the objects are rooted). */
bool count_as_predicted(gc_heap *h, uint64_t baseline, uint64_t floor, uint64_t want, uint64_t allowed);

/* ---- random numbers: seeded, so a failing seed reproduces ---- */

typedef struct rng {
  uint64_t state;
} rng;

void rng_seed(rng *r, uint64_t seed);
uint64_t rng_next(rng *r);
/* Uniform in [0, n); n > 0. */
uint32_t rng_below(rng *r, uint32_t n);

/* ---- object identities ---- */

/* Writes an identity into o's raw bytes: the id in the first 8 (when there are that
 * many), then bytes derived from the id, so that a lost, moved-wrong or overwritten
 * object shows whatever its size. */
void identity_write(gc_obj *o, uint64_t id);
/* True if o's raw bytes are still exactly what identity_write(o, id) left. */
bool identity_intact(gc_obj *o, uint64_t id);
/* The id in the first 8 raw bytes; o must have at least 8. */
uint64_t identity_read(gc_obj *o);
/* True if a freshly allocated object is as rule 1 promises: NULL fields, zero bytes. */
bool object_is_blank(gc_obj *o);

/* ---- heaps ---- */

/* A heap with the given zeal and limit and default tuning; a creation failure is
 * recorded and gives NULL.  on_oom may be NULL (gclab's default: print and exit). */
gc_heap *heap_open(bool zeal, size_t heap_limit, void (*on_oom)(void *arg, size_t requested));
/* The heap policy heap_open gives every heap it opens: the suite runs each case
 * under both (gc_types.h, gc_heap_policy), since a fixed heap sizes its spaces
 * from the limit and collects only when it is full. */
extern gc_heap_policy conf_heap_policy;
/* The heap verifier (harness/heap_verify.h) after every collection of h, failing
 * the case on a broken heap; heap_open does this for every heap it opens. */
void verify_after_collections(gc_heap *h);
uint64_t live_objects(gc_heap *h);
/* Collects up to `max` times, stopping as soon as live_objects is `want`. */
void collect_until_live(gc_heap *h, uint64_t want, unsigned max);

/* A fresh object with identity `id`, held by a new root slot in the current frame
 * before anything else can collect; f == NULL allocates a plain object. */
gc_root push_new_object(gc_heap *h, uint64_t id, uint32_t nptrs, uint32_t nbytes, gc_finalizer f);
/* Allocates `count` objects nobody keeps: garbage that gives automatic and zeal
 * collections something to do. */
void allocate_garbage(gc_heap *h, uint32_t count);

#endif
