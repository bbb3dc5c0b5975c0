#!/usr/bin/env bash
# An interrupted suite resumes: what is recorded is kept, a torn last record is
# dropped, the rest runs, and every configuration ends up recorded exactly once.
set -euo pipefail
driver=$1
suite=$2
out=${TEST_TMPDIR:-$(mktemp -d)}

"$driver" run "$suite" --results "$out" --id whole >"$out/whole.log"
total=$(wc -l <"$out/whole/records.jsonl")
[[ $total -ge 8 ]] || { echo "FAIL: only $total runs in the smoke suite"; exit 1; }

# 1. a run killed while writing: keep 3 records and half of the 4th
mkdir "$out/torn"
cp "$out/whole/suite.yaml" "$out/whole/metadata.json" "$out/torn/"
head -n 3 "$out/whole/records.jsonl" >"$out/torn/records.jsonl"
sed -n 4p "$out/whole/records.jsonl" | head -c 100 >>"$out/torn/records.jsonl"
"$driver" run --resume torn --results "$out" >"$out/torn.log" 2>&1 || { cat "$out/torn.log"; echo "FAIL: resume"; exit 1; }
grep -q "dropped a torn last record" "$out/torn.log" || { echo "FAIL: the torn record was not reported"; exit 1; }
grep -q "3 run(s) already recorded" "$out/torn.log" || { echo "FAIL: resume did not count 3 recorded runs"; cat "$out/torn.log"; exit 1; }
lines=$(wc -l <"$out/torn/records.jsonl")
[[ $lines -eq $total ]] || { echo "FAIL: $lines records after resume, expected $total"; exit 1; }
keys() { grep -o '"suite":{[^}]*}' "$1" | sort; }
[[ $(keys "$out/torn/records.jsonl" | uniq | wc -l) -eq $total ]] || { echo "FAIL: a configuration recorded twice"; exit 1; }
diff <(keys "$out/whole/records.jsonl") <(keys "$out/torn/records.jsonl") || { echo "FAIL: configurations differ"; exit 1; }
[[ $(($(wc -l <"$out/torn/runs.csv") - 1)) -eq $total ]] || { echo "FAIL: runs.csv rows"; exit 1; }
[[ -s "$out/torn/summary.csv" ]] || { echo "FAIL: no summary.csv"; exit 1; }

# 2. a real kill at some moment, then resume: complete, nothing twice
timeout -s KILL 0.3 "$driver" run "$suite" --results "$out" --id killed >/dev/null 2>&1 || true
"$driver" run --resume killed --results "$out" >"$out/killed.log" 2>&1 || { cat "$out/killed.log"; echo "FAIL: resume after kill"; exit 1; }
[[ $(keys "$out/killed/records.jsonl" | uniq | wc -l) -eq $total && $(wc -l <"$out/killed/records.jsonl") -eq $total ]] ||
  { echo "FAIL: after a kill and a resume, not exactly $total records"; exit 1; }

# 3. resuming what is not there, or starting over an existing id
if "$driver" run --resume nosuch --results "$out" 2>"$out/err"; then echo "FAIL: resumed nothing"; exit 1; fi
grep -q "no results folder" "$out/err" || { echo "FAIL: message"; cat "$out/err"; exit 1; }
if "$driver" run "$suite" --results "$out" --id whole 2>"$out/err"; then echo "FAIL: overwrote a run"; exit 1; fi
grep -q "File exists" "$out/err" || { echo "FAIL: message"; cat "$out/err"; exit 1; }
echo "PASS: resume keeps what is recorded, drops a torn record, completes the rest"
