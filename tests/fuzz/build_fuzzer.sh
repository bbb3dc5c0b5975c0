#!/usr/bin/env bash
# build_fuzzer.sh COLLECTOR OUT — the libFuzzer build of tests/fuzz/fuzz_mutator.c
# against one collector, with clang outside Bazel (Bazel 4's cc rules and
# clang-only flags do not mix well): ASan + UBSan + libFuzzer, assertions on.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
c=$1 out=$2
dir="$ROOT/collectors/$c"
[[ -f $dir/${c}_impl.h ]] || { echo "build_fuzzer: no collector '$c' (collectors/$c/${c}_impl.h)" >&2; exit 2; }
CC=${CC:-$(command -v clang || command -v clang-14)}
libs=() incs=()
[[ $c == bdw ]] && libs+=(-lgc)
# cpython embeds Debian's libpython3.11 (third_party/system's python target)
[[ $c == cpython ]] && { incs+=(-I/usr/include/python3.11); libs+=(-lpython3.11); }
# the collector's folder may include headers of another (rc_cycle uses collectors/rc)
"$CC" -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$ROOT" "${incs[@]}" "-DGC_IMPL_HEADER=\"collectors/$c/${c}_impl.h\"" \
  "$dir"/*.c "$ROOT"/collectors/common/*.c "$ROOT"/harness/heap_verify.c \
  "$ROOT"/tests/fuzz/fuzz_mutator.c "$ROOT"/tests/fuzz/fuzz_model.c "$ROOT"/tests/fuzz/fuzz_tuning.c "$ROOT"/tests/conformance_support.c \
  -o "$out" "${libs[@]}" -lm
