#!/usr/bin/env bash
# Counters, pauses and MMU in the record, under every collector the driver lists:
#   - counters.source is papi; each default PAPI preset is either available with
#     mutator/gc/total or unavailable with PAPI's reason, and never a number then;
#   - the SDE counters, read back through PAPI, equal the statistics record;
#   - mmu has its named windows and the curve file is written;
#   - --events and --counters reject bad input with exit 2;
#   - a suite run keeps one MMU curve per run in results/<id>/mmu/.
set -uo pipefail
driver=$1
suite=$2 # smoke: every collector x every workload, quick size
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail=0
say_fail() { echo "FAIL: $*"; fail=$((fail + 1)); }

collectors=$("$driver" list --json | python3 -c 'import json,sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["collectors"]))')
[[ -n $collectors ]] || { echo "FAIL: gclab list --json names no collector"; exit 1; }

# check_record FILE: the record's counters, SDE values, MMU and rusage.
check_record() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
rec = json.load(open(sys.argv[1]))
curve = sys.argv[2]
bad = []
c = rec.get("counters")
if not isinstance(c, dict) or c.get("source") != "papi":
    bad.append("counters.source is not papi: %r" % (c,))
    c = {}
if c.get("multiplexed") is not False:
    bad.append("counters.multiplexed must be false")
events = c.get("events", {})
for name in ["PAPI_TOT_CYC", "PAPI_TOT_INS", "PAPI_L1_DCM", "PAPI_L3_TCM", "PAPI_TLB_DM", "PAPI_BR_MSP"]:
    if name not in events:
        bad.append("event %s missing" % name)
for name, e in events.items():
    if e.get("status") == "available":
        if not all(isinstance(e.get(k), int) for k in ("mutator", "gc", "total")) or e["total"] != e["mutator"] + e["gc"]:
            bad.append("%s: available without mutator + gc = total: %r" % (name, e))
    elif e.get("status") == "unavailable":
        if not isinstance(e.get("error"), str) or not e["error"]:
            bad.append("%s: unavailable without PAPI's reason" % name)
        if any(k in e for k in ("mutator", "gc", "total")):
            bad.append("%s: unavailable but carries a count: %r" % (name, e))
    else:
        bad.append("%s: status %r" % (name, e.get("status")))
sde = c.get("sde", {})
if sde.get("status") != "available":
    bad.append("counters.sde not available: %r" % (sde,))
else:
    values = sde["values"]
    stats = rec["stats"]
    for k, v in stats.items():
        if k in values and values[k] != v:
            bad.append("sde:::gclab::%s = %r but stats.%s = %r" % (k, values[k], k, v))
    for k in ("allocs", "alloc_bytes", "frees", "rc_incs", "rc_decs", "collections"):
        if k not in values:
            bad.append("sde counter %s missing" % k)
    if values.get("peak_heap_bytes") != rec["memory"]["peak_heap_bytes"]:
        bad.append("sde peak_heap_bytes differs from memory.peak_heap_bytes")
    extra = [k for k in stats if k not in ("allocs", "alloc_bytes", "frees", "free_bytes", "rc_incs", "rc_decs",
                                           "collections", "finalizers_run")]
    missing = [k for k in extra if k not in values]
    if missing:
        bad.append("the collector's own statistics are not SDE counters: %s" % missing)
    if "timed" not in sde or sde["timed"].get("allocs", 0) <= 0:
        bad.append("sde.timed missing or no allocations in the timed iterations")
m = rec.get("mmu", {})
for w in ("1ms", "10ms", "100ms", "1s"):
    if w not in m or not (m[w] is None or 0.0 <= m[w] <= 1.0):
        bad.append("mmu.%s: %r" % (w, m.get(w)))
p = rec.get("pauses", {})
if p.get("count", 0) > 0 and not all(k in p for k in ("p50_ns", "p90_ns", "p99_ns", "max_ns", "total_ns")):
    bad.append("pauses without quantiles: %r" % p)
ru = rec.get("rusage", {})
for k in ("max_rss_bytes", "minor_faults", "major_faults", "voluntary_switches", "involuntary_switches"):
    if not isinstance(ru.get(k), int):
        bad.append("rusage.%s missing" % k)
lines = open(curve).read().splitlines()
if lines[0] != "window_ns,mmu" or len(lines) < 3:
    bad.append("MMU curve file: %d lines, header %r" % (len(lines), lines[0] if lines else None))
for l in lines[1:]:
    w, u = l.split(",")
    if not (int(w) > 0 and 0.0 <= float(u) <= 1.0):
        bad.append("MMU curve line %r" % l)
        break
for b in bad:
    print("   ", b)
sys.exit(1 if bad else 0)
EOF
}

for c in $collectors; do
  out="$tmp/$c.json"
  if ! "$driver" bench -c "$c" -w gcbench --iterations 3 --warmup 1 --json --mmu-out "$tmp/$c.csv" >"$out"; then
    say_fail "$c: bench failed"; continue
  fi
  check_record "$out" "$tmp/$c.csv" || say_fail "$c: record"
done

# expect CODE PATTERN ARGS...: exit status CODE and PATTERN in the output
expect() {
  local code=$1 pattern=$2
  shift 2
  local out rc
  out=$("$driver" "$@" 2>&1)
  rc=$?
  [[ $rc -eq $code ]] && grep -qE -- "$pattern" <<<"$out" || say_fail "gclab $* -> exit $rc, output: $out (expected $code, /$pattern/)"
}
expect 2 "unknown event 'PAPI_NOPE'"               bench -c rc -w gcbench --events PAPI_NOPE
expect 2 "unknown event 'cycles_of_nothing'"       bench -c rc -w gcbench --events PAPI_TOT_CYC,cycles_of_nothing
expect 2 "comma-separated"                         bench -c rc -w gcbench --events PAPI_TOT_CYC,
expect 2 "software-defined events"                bench -c rc -w gcbench --events sde:::gclab::allocs
expect 2 "unknown counter source 'perf' \(valid: papi, callgrind, none\)" bench -c rc -w gcbench --counters perf
expect 2 "--events chooses PAPI events"            bench -c rc -w gcbench --counters none --events PAPI_TOT_CYC

"$driver" bench -c rc -w gcbench --json --events PAPI_TOT_INS,PAPI_BR_MSP >"$tmp/events.json" || say_fail "--events run"
python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["counters"]["events"]
sys.exit(0 if sorted(e) == ["PAPI_BR_MSP", "PAPI_TOT_INS"] else 1)' "$tmp/events.json" || say_fail "--events: the record lists other events"

"$driver" bench -c rc -w gcbench --json --counters none >"$tmp/none.json" || say_fail "--counters none run"
python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["counters"]
sys.exit(0 if c["source"] == "none" and c["events"] == {} and c["why"] else 1)' "$tmp/none.json" || say_fail "--counters none: record"

# A suite keeps one MMU curve per run; every record carries counters.
if "$driver" run "$suite" --results "$tmp" --id suite >"$tmp/suite.log" 2>&1; then
  python3 - "$tmp/suite" <<'EOF' || say_fail "suite: MMU curves or counters"
import json, os, sys
d = sys.argv[1]
recs = [json.loads(l) for l in open(os.path.join(d, "records.jsonl")) if l.strip()]
bad = 0
for r in recs:
    if "source" not in r.get("counters", {}):
        print("    record without counters:", r.get("collector"), r.get("workload")); bad += 1
    curve = r.get("suite", {}).get("mmu_curve")
    if r["status"] == "ok" and (not curve or not os.path.exists(os.path.join(d, curve))):
        print("    ok run without its MMU curve:", r.get("collector"), r.get("workload")); bad += 1
sys.exit(1 if bad or not recs else 0)
EOF
else
  cat "$tmp/suite.log"; say_fail "suite run"
fi

[[ $fail -eq 0 ]] || { echo "$fail failure(s)"; exit 1; }
echo "PASS: counters, SDE and MMU in every record ($collectors)"
