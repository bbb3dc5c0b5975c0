#!/usr/bin/env bash
# Every workload at quick size under every collector: all runs ok, the same
# checksum for the same workload under every collector (the driver compares them
# and fails on a mismatch), and the same checksums again under zeal with the heap
# verifier after every collection (--verify).
set -euo pipefail
driver=$1
suite=$2 # smoke: every collector x every workload, quick size
out=${TEST_TMPDIR:-$(mktemp -d)}

"$driver" run "$suite" --results "$out" --id plain >"$out/plain.log" || { cat "$out/plain.log"; echo "FAIL: run"; exit 1; }
"$driver" run "$suite" --results "$out" --id zeal --zeal --verify >"$out/zeal.log" || { cat "$out/zeal.log"; echo "FAIL: run --zeal"; exit 1; }

ncollectors=$(tail -n +2 "$out/plain/runs.csv" | cut -d, -f1 | sort -u | wc -l)
nworkloads=$(tail -n +2 "$out/plain/runs.csv" | cut -d, -f2 | sort -u | wc -l)
rows=$(($(wc -l <"$out/plain/runs.csv") - 1))
[[ $rows -eq $((ncollectors * nworkloads)) ]] || { echo "FAIL: $rows rows, expected $ncollectors x $nworkloads"; exit 1; }

# collector, workload, status, checksum (no field before them holds a comma here)
col() { head -n 1 "$1" | tr , '\n' | grep -nx "$2" | cut -d: -f1; }
c=$(col "$out/plain/runs.csv" checksum)
s=$(col "$out/plain/runs.csv" status)
cut -d, -f1,2,$s,$c "$out/plain/runs.csv" >"$out/plain.sums"
cut -d, -f1,2,$s,$c "$out/zeal/runs.csv" >"$out/zeal.sums"
grep -v ',ok,' "$out/plain.sums" | tail -n +2 | grep . && { echo "FAIL: runs not ok"; exit 1; }
diff "$out/plain.sums" "$out/zeal.sums" || { echo "FAIL: zeal changed a checksum"; exit 1; }
distinct=$(tail -n +2 "$out/plain.sums" | cut -d, -f2,4 | sort -u | wc -l)
[[ $distinct -eq $nworkloads ]] || { echo "FAIL: $distinct distinct workload checksums for $nworkloads workloads"; exit 1; }
echo "PASS: $rows runs, checksums agree across collectors and under zeal"
