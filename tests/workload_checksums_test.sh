#!/usr/bin/env bash
# Every workload at quick size under every collector: all runs ok, the same
# checksum for the same workload under every collector (the driver compares them
# and fails on a mismatch), and the same checksums again under zeal.
set -euo pipefail
driver=$1
out=${TEST_TMPDIR:-$(mktemp -d)}

"$driver" run --results "$out" --id plain --timeout 300 >"$out/plain.log" || { cat "$out/plain.log"; echo "FAIL: run"; exit 1; }
"$driver" run --results "$out" --id zeal --zeal --timeout 300 >"$out/zeal.log" || { cat "$out/zeal.log"; echo "FAIL: run --zeal"; exit 1; }

ncollectors=$(tail -n +2 "$out/plain/runs.csv" | cut -d, -f1 | sort -u | wc -l)
nworkloads=$(tail -n +2 "$out/plain/runs.csv" | cut -d, -f2 | sort -u | wc -l)
rows=$(($(wc -l <"$out/plain/runs.csv") - 1))
[[ $rows -eq $((ncollectors * nworkloads)) ]] || { echo "FAIL: $rows rows, expected $ncollectors x $nworkloads"; exit 1; }

# collector, workload, checksum (no field before the checksum holds a comma here)
cut -d, -f1,2,8 "$out/plain/runs.csv" >"$out/plain.sums"
cut -d, -f1,2,8 "$out/zeal/runs.csv" >"$out/zeal.sums"
diff "$out/plain.sums" "$out/zeal.sums" || { echo "FAIL: zeal changed a checksum"; exit 1; }
distinct=$(tail -n +2 "$out/plain.sums" | cut -d, -f2,3 | sort -u | wc -l)
[[ $distinct -eq $nworkloads ]] || { echo "FAIL: $distinct distinct workload checksums for $nworkloads workloads"; exit 1; }
echo "PASS: $rows runs, checksums agree across collectors and under zeal"
