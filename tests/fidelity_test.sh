#!/usr/bin/env bash
# rc_cycle against CPython 3.11 itself: the same scenarios (fidelity_trace.c) under
# both collectors must print the same transcript — every gc_collect's answer, the
# per-generation statistics, and every finalizer call in order.
set -euo pipefail
rc_cycle=$1
cpython=$2
out=${TEST_TMPDIR:-$(mktemp -d)}

"$rc_cycle" >"$out/rc_cycle.txt" || { echo "FAIL: $rc_cycle exited with $?"; exit 1; }
"$cpython" >"$out/cpython.txt" || { echo "FAIL: $cpython exited with $?"; exit 1; }
if ! diff -u --label rc_cycle --label cpython "$out/rc_cycle.txt" "$out/cpython.txt" >"$out/diff.txt"; then
  head -n 60 "$out/diff.txt"
  echo "FAIL: rc_cycle's transcript differs from CPython's ($(grep -c '^[-+][^-+]' "$out/diff.txt") lines)"
  exit 1
fi
collects=$(grep -c '^collect ' "$out/cpython.txt")
finalizers=$(grep -c '^fin ' "$out/cpython.txt")
stats=$(grep -c '^stats ' "$out/cpython.txt")
echo "PASS: identical transcripts: $collects collections, $stats statistics lines, $finalizers finalizer calls"
