"""The collector list and the macros that bind each collector at build time.

Adding a collector: a folder collectors/<name>/ whose BUILD calls
gc_collector_library(name = "<name>", ...), and one line in COLLECTORS below.
For each collector the macros build one benchmark binary with every workload
linked in (//harness:bench_<name>) and one conformance test
(//tests:conformance_<name>).  The collector is bound at link time and its fast
paths are inlined into the workloads: no vtable on the hot path.  One more
binary, //harness:bench_record, records traces (gc_record_binary below).
"""

# name: the folder under collectors/ (and the target in it).
COLLECTORS = [
    "nogc",
    "rc",
    "rc_cycle",
    "gen",
    "bdw",
    "cpython",
    "drc",
]

def gc_collector_library(name, srcs, impl_header, deps = [], **kwargs):
    """A collector: its sources plus the header of inline fast paths that gc.h includes."""
    native.cc_library(
        name = name,
        srcs = srcs,
        hdrs = [impl_header],
        defines = ['GC_IMPL_HEADER=\\"%s/%s\\"' % (native.package_name(), impl_header)],
        deps = deps + ["//collectors/api", "//collectors/common"],
        visibility = ["//visibility:public"],
        **kwargs
    )

def collector_label(c):
    return "//collectors/%s:%s" % (c, c)

def gc_bench_binaries():
    """In //harness: bench_<collector> for every collector, workloads compiled against it."""
    for c in COLLECTORS:
        native.cc_library(
            name = "workloads_" + c,
            srcs = ["//workloads:sources"],
            deps = ["//workloads:headers", collector_label(c)],
            alwayslink = 1,
        )
        native.cc_binary(
            name = "bench_" + c,
            srcs = [":bench_sources"],
            deps = [":workloads_" + c, ":bench_support", ":heap_verify", collector_label(c)],
            visibility = ["//visibility:public"],
        )
    gc_record_binary()
    native.genrule(
        name = "collector_list",
        outs = ["collector_list.c"],
        cmd = "echo '/* generated from COLLECTORS in collectors/defs.bzl */' > $@ && " +
              "echo '#include <stddef.h>' >> $@ && " +
              "echo 'const char *const gclab_collector_names[] = {%s NULL};' >> $@" %
              "".join(['"%s", ' % c for c in COLLECTORS]),
    )

# The collector bench_record runs on: nothing moves, so addresses name objects.
RECORD_COLLECTOR = "nogc"

def gc_record_binary():
    """In //harness: bench_record, the trace recorder (`gclab bench --record FILE`).

    The workloads compiled again against nogc with GC_RECORD defined, so that
    gc.h routes their calls through the recorder's hooks
    (collectors/api/gc_record.h, harness/trace_record.c).  Only this binary
    defines GC_RECORD: the bench_<collector> binaries are not affected.
    """
    native.cc_library(
        name = "workloads_record",
        srcs = ["//workloads:sources"],
        local_defines = ["GC_RECORD"],
        deps = ["//workloads:headers", collector_label(RECORD_COLLECTOR)],
        alwayslink = 1,
    )
    native.cc_binary(
        name = "bench_record",
        srcs = [":bench_sources", "trace_record.c", "trace_record.h"],
        local_defines = ["GC_RECORD"],
        deps = [":workloads_record", ":bench_support", ":heap_verify", collector_label(RECORD_COLLECTOR)],
        visibility = ["//visibility:public"],
    )

def bench_binary_labels():
    return ["//harness:bench_" + c for c in COLLECTORS] + ["//harness:bench_record"]

def gc_conformance_tests(srcs, deps = [], tags = [], **kwargs):
    """In //tests: conformance_<collector> for every collector.

    Tagged "sanitize": ./gclab test runs them again under --config=asan and ubsan.
    """
    for c in COLLECTORS:
        native.cc_test(
            name = "conformance_" + c,
            srcs = srcs,
            deps = deps + [collector_label(c)],
            tags = tags + ["sanitize", "conformance"],
            **kwargs
        )

def gc_fuzz_replay_tests(srcs, corpus, deps = [], **kwargs):
    """In //tests: fuzz_replay_<collector> for every collector: the fuzz target
    (tests/fuzz/fuzz_mutator.c) fed every file of the corpus by a plain main, no
    libFuzzer needed.  Tagged "sanitize" like the conformance suite."""
    for c in COLLECTORS:
        native.cc_test(
            name = "fuzz_replay_" + c,
            srcs = srcs,
            deps = deps + [collector_label(c)],
            args = ["$(locations %s)" % corpus],
            data = [corpus],
            tags = ["sanitize", "fuzz"],
            **kwargs
        )
