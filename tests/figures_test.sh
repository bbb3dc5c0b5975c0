#!/usr/bin/env bash
# `gclab figures` on a small recorded results folder: every expected figure in every
# format exists and is not empty; drawing twice gives the same data tables and SVGs
# (same data => same figures); a folder lacking some data gets one skip note per
# missing figure and the rest still drawn; bad folders are clear errors.
set -uo pipefail
driver=$1
fixture=tests/fixtures/figures_results
export GCLAB_ROOT=$PWD # plots/ is here in the test's runfiles
tmp=${TEST_TMPDIR:-$(mktemp -d)}
pass=0
fail=0

check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
  local what=$1
  shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}

# -L: the runfiles are symlinks to the sources, which must stay untouched
fresh_copy() { rm -rf "$1" && cp -rL "$fixture" "$1" && chmod -R u+w "$1"; }

figures=(time_vs_heap gc_time_vs_heap geomean_vs_heap time_bars pause_cdf mmu
         counters_Ir counters_D1_misses counters_LL_misses memory leaked rc_traffic finalization)

# --- every figure, every format -------------------------------------------------
full=$tmp/full
fresh_copy "$full"
out=$("$driver" figures "$full" 2>&1)
check "figures exits 0 on the fixture: $out" test $? -eq 0
check "no figure skipped on the fixture: $out" bash -c "! grep -q skipped <<<'$out'"
for f in "${figures[@]}"; do
  for ext in svg png pdf; do
    check "figures/$f.$ext exists and is not empty" test -s "$full/figures/$f.$ext"
  done
done
for t in times memory leaked rc_traffic finalization pauses_1 mmu_1 counters_Ir figure; do
  ext=csv; [[ $t == figure ]] && ext=gp
  check "figures/data/$t.$ext exists and is not empty" test -s "$full/figures/data/$t.$ext"
done
# the counters' source and the reference heap are said in the titles
check "counters_Ir names callgrind as its source" grep -q "callgrind" "$full/figures/counters_Ir.svg"
check "pause_cdf names the reference heap" grep -q "heap 2x the base heap" "$full/figures/pause_cdf.svg"
check "titles name the heap policy and the base heaps" grep -q "fixed heaps, one base heap per workload" "$full/figures/time_vs_heap.svg"
check "time_vs_heap_mib puts MiB on the heap axis" grep -q "heap size (MiB" "$full/figures/time_vs_heap_mib.svg"
# every collector of the suite appears in the time figure's legend
for c in $(sed -n 's/^collectors = "\(.*\)"$/\1/p' "$full/figures/data/figure.gp"); do
  check "collector $c in the legend of time_vs_heap" grep -q ">$c<" "$full/figures/time_vs_heap.svg"
done

# --- the same data, the same figures --------------------------------------------
again=$tmp/again
fresh_copy "$again"
"$driver" figures "$again" >/dev/null 2>&1
check "data tables identical across two draws" diff -r "$full/figures/data" "$again/figures/data"
for f in "${figures[@]}"; do
  check "$f.svg identical across two draws" cmp -s "$full/figures/$f.svg" "$again/figures/$f.svg"
done

# --- missing data: skipped with a note, the rest drawn -------------------------------
part=$tmp/part
fresh_copy "$part"
rm -rf "$part/mmu" "$part/summary.csv" "$part/geomean.csv"
grep -v '"heap":"callgrind"' "$fixture/records.jsonl" | grep -v '"workload":"finalize-delay"' >"$part/records.jsonl"
out=$("$driver" figures "$part" 2>&1)
check "figures exits 0 with data missing: $out" test $? -eq 0
for f in time_vs_heap mmu counters finalization; do
  check "$f skipped with a note" grep -qE "figures: $f +skipped: " <<<"$out"
done
for f in time_bars pause_cdf memory rc_traffic; do
  check "$f still drawn with other data missing" test -s "$part/figures/$f.svg"
done
check "no stale figure from the full draw" test ! -e "$part/figures/mmu.svg"

# --- bad folders ----------------------------------------------------------------------
out=$("$driver" figures "$tmp/nosuch" 2>&1)
check "a missing folder is exit 2" test $? -eq 2
check "a missing folder is named: $out" grep -q "no results folder '$tmp/nosuch'" <<<"$out"
mkdir -p "$tmp/empty"
out=$("$driver" figures "$tmp/empty" 2>&1)
check "a folder without records is exit 2" test $? -eq 2
check "a folder without records says so: $out" grep -q "has no records.jsonl" <<<"$out"
out=$("$driver" figures 2>&1)
check "no folder given is exit 2" test $? -eq 2
broken=$tmp/broken
fresh_copy "$broken"
echo "name: [unclosed" >"$broken/suite.yaml"
out=$("$driver" figures "$broken" 2>&1)
check "a broken suite.yaml is a non-zero exit" test $? -ne 0
check "a broken suite.yaml is named: $out" grep -q "suite.yaml" <<<"$out"
check "records.jsonl untouched by a failed draw" cmp -s "$fixture/records.jsonl" "$broken/records.jsonl"

echo "figures_test: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
