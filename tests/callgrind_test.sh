#!/usr/bin/env bash
# Exact mode: `gclab bench --counters callgrind` under every collector the driver
# lists (GCBench at quick size), twice each: the record's counters come from
# callgrind, split into mutator and gc, and the second run's numbers are exactly
# the first's.
set -uo pipefail
driver=$1
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail=0
say_fail() { echo "FAIL: $*"; fail=$((fail + 1)); }

collectors=$("$driver" list --json | python3 -c 'import json,sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["collectors"]))')
# A conservative collector's work depends on what the C stack happens to hold
# (addresses differ from process to process), so its counts agree only to within
# 0.1%; every other collector's must be identical.
conservative=$("$driver" list --json | python3 -c 'import json,sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["collectors"] if "conservative" in c["capabilities"]))')
[[ -n $collectors ]] || { echo "FAIL: gclab list --json names no collector"; exit 1; }

for c in $collectors; do
  for run in 1 2; do
    "$driver" bench -c "$c" -w gcbench --size quick --counters callgrind --json >"$tmp/$c.$run.json" ||
      say_fail "$c: run $run did not end ok"
  done
  exact=1
  [[ " $conservative " == *" $c "* ]] && exact=0
  python3 - "$tmp/$c.1.json" "$tmp/$c.2.json" "$exact" <<'EOF' || say_fail "$c"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
bad = []
c = a.get("counters", {})
if c.get("source") != "callgrind" or c.get("split") != "code" or "error" in c:
    bad.append("counters: %r" % {k: v for k, v in c.items() if k != "events"})
ev = c.get("events", {})
for name in ("Ir", "D1mr", "D1mw", "D1_misses", "LL_misses"):
    e = ev.get(name)
    if not e or e.get("status") != "available" or e["mutator"] + e["gc"] != e["total"]:
        bad.append("%s: %r" % (name, e))
if ev.get("Ir", {}).get("gc", 0) <= 0 or ev.get("Ir", {}).get("mutator", 0) <= 0:
    bad.append("Ir is not split between mutator and gc: %r" % ev.get("Ir"))
def close(x, y):
    return all(abs(x[k][p] - y[k][p]) <= 1e-3 * max(1, y[k][p]) for k in x for p in ("mutator", "gc", "total"))
ev2 = b.get("counters", {}).get("events")
if ev != ev2 and (sys.argv[3] == "1" or not ev2 or not close(ev, ev2)):
    bad.append("two runs differ:\n      %s\n      %s" % (json.dumps(ev, sort_keys=True), json.dumps(b["counters"].get("events"), sort_keys=True)))
for x in bad:
    print("   ", x)
if not bad:
    i = ev["Ir"]
    print("  %-10s Ir mutator %12d gc %12d   D1 misses mutator %9d gc %9d" % (a["collector"], i["mutator"], i["gc"],
          ev["D1_misses"]["mutator"], ev["D1_misses"]["gc"]))
sys.exit(1 if bad else 0)
EOF
done

# A workload that fills its observations (JSON objects) inside the timed
# iteration: jansson's hash seed must not make the counts wander (they did by a
# few instructions before the bench fixed the seed).
seen=$(for run in 1 2 3 4 5; do
  "$driver" bench -c rc -w seed-gc --counters callgrind --json |
    python3 -c 'import json,sys; e=json.load(sys.stdin)["counters"]["events"]["Ir"]; print(e["mutator"], e["gc"])'
done | sort -u)
[[ $(wc -l <<<"$seen") -eq 1 ]] || say_fail "seed-gc under rc: Ir differs across five runs: $(tr '\n' ';' <<<"$seen")"

[[ $fail -eq 0 ]] || { echo "$fail failure(s)"; exit 1; }
echo "PASS: callgrind counters for every collector, identical run after run"
