#!/usr/bin/env bash
# gcbench_cpython (the hand-written GCBench on CPython's C API) at quick size:
#   - exit 0, and GCBench's lines for stretch depth 14, long-lived depth 12, an
#     array of 50000 doubles and depths 4..12, with NumIters(d) =
#     2 * TreeSize(14) / TreeSize(d), TreeSize(d) = 2^(d+1) - 1, worked out here;
#   - the same checksum as bench_cpython --workload gcbench --size quick (both fold
#     what they read back of the same trees and array the same way);
#   - cpu_ns and wall_ns lines with positive numbers;
#   - an unknown size or option: a message and exit 2.
set -uo pipefail
peer=$1 bench=$2
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail=0
say_fail() { echo "FAIL: $*"; fail=$((fail + 1)); }

"$peer" --size quick >"$tmp/peer.out" 2>"$tmp/peer.err"
rc=$?
((rc == 0)) || say_fail "gcbench_cpython --size quick: exit $rc: $(cat "$tmp/peer.err")"

tree_size() { echo $(((2 << $1) - 1)); }
{
  echo "Garbage Collector Test"
  echo " Stretching memory with a binary tree of depth 14"
  echo " Creating a long-lived binary tree of depth 12"
  echo " Creating a long-lived array of 50000 doubles"
  for d in 4 6 8 10 12; do
    echo "Creating $((2 * $(tree_size 14) / $(tree_size $d))) trees of depth $d"
  done
  echo " Long-lived tree of $(tree_size 12) nodes and array intact"
} >"$tmp/expected"
head -n 10 "$tmp/peer.out" >"$tmp/lines"
diff -u "$tmp/expected" "$tmp/lines" || say_fail "GCBench's lines differ (above)"

sed -n 11p "$tmp/peer.out" | grep -Eq '^checksum 0x[0-9a-f]{16}$' || say_fail "no checksum line: $(sed -n 11p "$tmp/peer.out")"
for key in cpu_ns wall_ns; do
  grep -Eq "^$key [1-9][0-9]*$" "$tmp/peer.out" || say_fail "no positive $key line"
done
peer_sum=$(sed -n 's/^checksum //p' "$tmp/peer.out")

"$bench" --workload gcbench --size quick --iterations 1 --counters none >"$tmp/bench.json"
rc=$?
((rc == 0)) || say_fail "bench_cpython --workload gcbench --size quick: exit $rc"
bench_sum=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["checksum"])' "$tmp/bench.json")
[[ -n "$peer_sum" && "$peer_sum" == "$bench_sum" ]] || say_fail "checksum $peer_sum, bench_cpython's $bench_sum"

for bad in "--size huge" "--size" "--frobnicate"; do
  # shellcheck disable=SC2086
  "$peer" $bad >/dev/null 2>"$tmp/bad.err"
  rc=$?
  ((rc == 2)) || say_fail "gcbench_cpython $bad: exit $rc, expected 2"
  [[ -s "$tmp/bad.err" ]] || say_fail "gcbench_cpython $bad: no message"
done

((fail == 0)) && echo "gcbench_cpython: ok (checksum $peer_sum)"
exit $((fail > 0))
