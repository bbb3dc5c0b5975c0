#!/usr/bin/env bash
# Convergence mode (suite key converge): a configuration whose CI stays wider than
# the target runs again up to max_invocations; one whose runs fail is not extended;
# a resumed run finishes the extra invocations without repeating any.  Also: the
# prologue's record of the other processes' CPU and summary.csv's new columns.
set -euo pipefail
driver=$1
out=${TEST_TMPDIR:-$(mktemp -d)}
fail() { echo "FAIL: $*"; exit 1; }

# A 0.01% target is out of reach of process timings, so the unlimited configuration
# runs all 4 invocations; 64K is far below gcbench's minimum heap, so those runs are
# oom and stop at the suite's 2.
cat >"$out/converge.yaml" <<'YAML'
name: converge
collectors: [rc]
workloads: [gcbench]
size: quick
heap: [none, 64K]
invocations: 2
iterations: 2
warmup: 1
converge: {ci: 0.0001, max_invocations: 4}
YAML
"$driver" run "$out/converge.yaml" --results "$out" --id c >"$out/c.log" 2>&1 || true
count() { grep -c "\"heap\":\"$2\"" "$1/records.jsonl" || true; }
[[ $(count "$out/c" none) -eq 4 ]] || { cat "$out/c.log"; fail "unlimited heap: $(count "$out/c" none) runs, expected 4"; }
[[ $(count "$out/c" 64K) -eq 2 ]] || fail "64K (oom): $(count "$out/c" 64K) runs, expected 2"
grep -q '"invocation":4' "$out/c/records.jsonl" || fail "no invocation 4"
grep -q "convergence: 0 of 1 configuration" "$out/c.log" || { cat "$out/c.log"; fail "convergence line"; }

# the prologue's competing CPU, one entry for this session
python3 - "$out/c/metadata.json" <<'PY' || fail "metadata.json competing_cpu"
import json, sys
m = json.load(open(sys.argv[1]))
e = m["competing_cpu"]
assert len(e) == 1 and e[0]["measured"] and e[0]["other_cores"] >= 0 and isinstance(e[0]["warning"], bool), e
PY

# summary.csv: the CI share and its flag, the comparison with the baseline (itself:
# ratio 1 inside its interval, p 1)
head -1 "$out/c/summary.csv" | grep -q ",wall_ci95_rel,ci_wide,median_ratio,median_ratio_ci95_lo,median_ratio_ci95_hi,mann_whitney_p$" ||
  fail "summary.csv header: $(head -1 "$out/c/summary.csv")"
row=$(grep '^rc,gcbench,none,' "$out/c/summary.csv")
IFS=, read -ra f <<<"$row"
[[ ${f[5]} == 4 && ${f[17]} == 1.0000 && ${f[20]} == 1 ]] && awk -v lo="${f[18]}" -v hi="${f[19]}" 'BEGIN { exit !(lo <= 1 && 1 <= hi) }' ||
  fail "baseline against itself: $row"
[[ ${f[16]} == 0 || ${f[16]} == 1 ]] || fail "ci_wide is 0 or 1: $row"

# resume after a kill during invocation 3: the rest runs, nothing twice
mkdir "$out/r"
cp "$out/c/suite.yaml" "$out/c/metadata.json" "$out/r/"
grep -v '"invocation":[34]' "$out/c/records.jsonl" >"$out/r/records.jsonl"
grep '"invocation":3' "$out/c/records.jsonl" >>"$out/r/records.jsonl"
"$driver" run --resume r --results "$out" >"$out/r.log" 2>&1 || true
[[ $(count "$out/r" none) -eq 4 && $(count "$out/r" 64K) -eq 2 ]] || { cat "$out/r.log"; fail "after resume: $(count "$out/r" none) + $(count "$out/r" 64K) runs"; }
[[ $(grep -o '"suite":{[^}]*}' "$out/r/records.jsonl" | sort | uniq -d | wc -l) -eq 0 ]] || fail "a run recorded twice"
python3 -c "import json,sys; assert len(json.load(open(sys.argv[1]))['competing_cpu']) == 2" "$out/r/metadata.json" ||
  fail "a resumed session adds its own competing_cpu entry"
echo "PASS: convergence extends what is wide, stops what fails, resumes"
