#!/usr/bin/env bash
# The cpython binding against the hand-written GCBench on CPython's C API, paired:
#   bench/peers/compare_gcbench_cpython.sh [RUNS] [--callgrind]
# RUNS (default 7) alternating runs of each, on the current build
# (bazel build //harness:bench_cpython //bench/peers:gcbench_cpython first):
#   bazel-bin/harness/bench_cpython --workload gcbench --size default --iterations 1
#   bazel-bin/bench/peers/gcbench_cpython
# Prints each pair's CPU time of the timed part (the record's timing.cpu_ns; the
# peer's cpu_ns line), the medians and their ratio.  --callgrind adds one run of
# each under callgrind, collecting only the timed part (--collect-atstart=no; both
# toggle collection around it), and the ratio of instructions executed (Ir).
# Extra bench arguments (BENCH_ARGS, e.g. "--counters none") go to bench_cpython;
# BENCH and PEER name other binaries (copies of an earlier build, say).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=${BENCH:-$root/bazel-bin/harness/bench_cpython}
peer=${PEER:-$root/bazel-bin/bench/peers/gcbench_cpython}
runs=7 callgrind=0
for a in "$@"; do
  case $a in
    --callgrind) callgrind=1 ;;
    *[!0-9]* | "") echo "usage: $0 [RUNS] [--callgrind]" >&2; exit 2 ;;
    *) runs=$a ;;
  esac
done
for b in "$bench" "$peer"; do [[ -x $b ]] || { echo "$0: $b is not built" >&2; exit 2; }; done
read -r -a extra <<<"${BENCH_ARGS:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bench_cpu() {
  "$bench" --workload gcbench --size default --iterations 1 "${extra[@]}" >"$tmp/rec.json"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["status"]=="ok"; print(r["timing"]["cpu_ns"])' "$tmp/rec.json"
}
peer_cpu() { "$peer" | sed -n 's/^cpu_ns //p'; }
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

printf '%-4s %14s %14s %7s\n' run binding_ms handwritten_ms ratio
: >"$tmp/b" && : >"$tmp/p"
for ((i = 1; i <= runs; i++)); do
  if ((i % 2)); then b=$(bench_cpu); p=$(peer_cpu); else p=$(peer_cpu); b=$(bench_cpu); fi
  echo "$b" >>"$tmp/b" && echo "$p" >>"$tmp/p"
  awk -v i="$i" -v b="$b" -v p="$p" 'BEGIN {printf "%-4d %14.1f %14.1f %7.3f\n", i, b/1e6, p/1e6, b/p}'
done
mb=$(median <"$tmp/b") mp=$(median <"$tmp/p")
mr=$(paste "$tmp/b" "$tmp/p" | awk '{print $1/$2}' | median)
awk -v b="$mb" -v p="$mp" -v r="$mr" 'BEGIN {printf "median %12.1f %14.1f %7.3f  (CPU time of the timed part; median of the pairs'"'"' ratios %.3f)\n", b/1e6, p/1e6, b/p, r}'

if ((callgrind)); then
  cg() { valgrind -q --tool=callgrind --collect-atstart=no --callgrind-out-file="$tmp/cg.out" "$@" >/dev/null
         sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$tmp/cg.out"; }
  ib=$(cg "$bench" --workload gcbench --size default --iterations 1 --counters callgrind)
  ip=$(cg "$peer")
  awk -v b="$ib" -v p="$ip" 'BEGIN {printf "Ir     %12.0f %14.0f %7.3f  (callgrind, the timed part)\n", b, p, b/p}'
fi
