#!/usr/bin/env bash
# Equal terms: in a suite with heap factors every collector runs at the same
# absolute heap for a workload and factor (factor x the workload's base heap, the
# smallest minimum among the collectors that reclaim), under the suite's heap
# policy; minheap.csv relates each pair's minimum to the base; `bench
# --heap-policy` reaches the record.
set -euo pipefail
driver=$1
out=${TEST_TMPDIR:-$(mktemp -d)}
cat >"$out/equal.yaml" <<'YAML'
name: equal
collectors: [nogc, rc, gen, drc]
workloads:
  - gcbench
  - name: bt12
    workload: binarytrees
    params: {n: 12}
size: quick
heap: [1.25, 2]
heap_policy: growable
invocations: 1
minheap_tolerance: 0.05
timeout: 60
YAML
"$driver" run "$out/equal.yaml" --results "$out" --id equal >"$out/log" 2>&1 || { cat "$out/log"; echo "FAIL: suite"; exit 1; }
python3 - "$out/equal" <<'PY'
import csv, json, sys
d = sys.argv[1]
recs = [json.loads(l) for l in open(d + "/records.jsonl")]
mins = json.load(open(d + "/minheap.json"))
bad = []
if any(k.startswith("nogc/") for k in mins):
    bad.append("nogc never reclaims: its minimum heap must not be searched")
for w in ("gcbench", "bt12"):
    own = {c: mins["%s/%s" % (c, w)]["bytes"] for c in ("rc", "gen", "drc")}
    base = min(own.values())
    for f in (1.25, 2.0):
        cell = [r for r in recs if r["suite"]["workload"] == w and r["suite"]["heap_factor"] == f]
        heaps = {r["suite"]["collector"]: r["heap_bytes"] for r in cell}
        if sorted(heaps) != ["drc", "gen", "nogc", "rc"]:
            bad.append("%s %gx: collectors %r" % (w, f, sorted(heaps)))
        for c, h in heaps.items():
            if abs(h - base * f) > 1:
                bad.append("%s %gx: %s ran at %d, not %g x base %d" % (w, f, c, h, f, base))
        for r in cell:
            if r["suite"].get("base_bytes") != base:
                bad.append("%s %gx %s: suite.base_bytes %r, base %d" % (w, f, r["collector"], r["suite"].get("base_bytes"), base))
            if r.get("heap_policy") != "growable":
                bad.append("%s: heap_policy %r, the suite says growable" % (r["collector"], r.get("heap_policy")))
    rows = [r for r in csv.DictReader(open(d + "/minheap.csv")) if r["workload"] == w]
    for r in rows:
        if r["collector"] == "nogc":
            if r["status"] != "not-searched": bad.append("minheap.csv nogc: %r" % r)
            continue
        rel = float(r["relative_to_base"])
        if int(r["base_bytes"]) != base or abs(rel - own[r["collector"]] / base) > 1e-3 or rel < 1:
            bad.append("minheap.csv: %r" % r)
for b in bad: print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
for policy in fixed growable; do
  "$driver" bench -c gen -w gcbench --heap-mb 64 --heap-policy $policy --json >"$out/$policy.json"
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(r['heap_policy'] != sys.argv[2])" \
    "$out/$policy.json" $policy || { echo "FAIL: bench --heap-policy $policy not in the record"; exit 1; }
done
"$driver" bench -c gen -w gcbench --heap-mb 64 --json >"$out/default.json"
python3 -c "import json,sys; sys.exit(json.load(open(sys.argv[1]))['heap_policy'] != 'fixed')" "$out/default.json" ||
  { echo "FAIL: bench's default heap policy is not fixed"; exit 1; }
echo "PASS: one absolute heap per workload and factor for every collector; the heap policy reaches every record"
