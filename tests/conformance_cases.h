/*
 * conformance_cases.h — the cases of the conformance suite (conformance.c runs
 * them).  Each reports through CHECK (conformance_support.h) and cleans up after
 * itself; each runs in a process of its own.
 */
#ifndef CONFORMANCE_CASES_H
#define CONFORMANCE_CASES_H

/* conformance_random.c: random graphs against the shadow model */
void case_random_graphs_under_zeal(void);
void case_refcounts_match_model(void);
void case_no_leaks_after_dropping_roots(void);

/* conformance_lifetime.c: cycles and immortal objects */
void case_unreachable_cycles(void);
void case_immortal_objects(void);

/* conformance_finalizers.c */
void case_finalizers_run_once_when_unreachable(void);
void case_finalizers_in_garbage_cycles(void);
void case_finalizer_resurrection(void);
void case_finalizers_in_bulk(void);

/* conformance_retention.c: garbage never rooted, by interior-pointer setting */
void case_unrooted_garbage_reclaimed(void);
void case_unrooted_garbage_reclaimed_interior(void);

/* conformance_finalizer_pressure.c: finalizable garbage under a heap limit */
void case_finalizable_garbage_under_limit(void);
void case_resurrecting_garbage_under_limit(void);

/* conformance_limits.c: the heap limit, deep structures, options and knobs */
void case_heap_limit_live_data_ooms(void);
void case_heap_limit_garbage_is_reclaimed(void);
void case_heap_limit_cyclic_garbage(void);
void case_million_long_list(void);
void case_bad_tuning_rejected(void);
void case_enable_round_trip(void);

#endif
