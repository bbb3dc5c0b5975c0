#!/usr/bin/env bash
# --census: the live size (object bytes reachable from the roots) after every
# collection pause, in the record as memory.peak_live_bytes and census_count.
# gcbench at quick size (workloads/gcbench.c), one iteration, whose live set is
# known: a node is 2 pointers + 8 raw bytes = 24 object bytes (gc_common.h), so
#   long-lived tree (depth 12, 2^13 - 1 = 8191 nodes) + array (50000 doubles)
#     = 8191 * 24 + 400000                       = 596584 bytes, kept from phase 2 on;
#   at most one more tree of depth 12 besides     = 793168 bytes, never more
#   (the stretch tree of depth 14, 786408 bytes, is dropped before the others exist).
# So every collector's peak lies in [.., 793168]; gen's, whose collections fall
# after phase 2, is at least 596584; rc's pauses are the cascades that free a
# dropped tree, after which exactly the long-lived tree and array remain: 596584.
# A census that summed nothing, double counted or counted headers fails these.
# Also: census_count is the number of pauses (and, for the tracing collectors,
# of collections but the final leak check); no census keys without --census; a
# collector that never pauses (nogc) has census_count 0 and no peak_live_bytes.
set -uo pipefail
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail=0
say_fail() { echo "FAIL: $*"; fail=$((fail + 1)); }

for bench in "$@"; do
  name=$(basename "$bench")
  out="$tmp/$name.json"
  "$bench" --workload gcbench --size quick --counters none --census >"$out"
  rc=$?
  if ((rc)); then say_fail "$name --census: exit $rc"; continue; fi
  python3 - "$out" "$name" <<'EOF' || say_fail "$name: census record"
import json, sys
r = json.load(open(sys.argv[1]))
name = sys.argv[2]
m, p, st = r["memory"], r["pauses"], r["stats"]
LONG_LIVED = 8191 * 24 + 400000   # 596584
MOST = LONG_LIVED + 8191 * 24     # 793168
bad = []
if r["status"] != "ok":
    bad.append("status %r" % r["status"])
count = m.get("census_count")
if name == "bench_nogc":
    if count != 0 or "peak_live_bytes" in m:
        bad.append("no pauses: want census_count 0 and no peak_live_bytes, got %r" % m)
else:
    peak = m.get("peak_live_bytes")
    if not isinstance(peak, int) or not 0 < peak <= m["peak_heap_bytes"]:
        bad.append("peak_live_bytes %r not in (0, peak_heap_bytes %d]" % (peak, m["peak_heap_bytes"]))
    elif peak > MOST or peak > st["alloc_bytes"]:
        bad.append("peak_live_bytes %d above gcbench's most live (%d) or alloc_bytes" % (peak, MOST))
    if count != p["count"] or count == 0:
        bad.append("census_count %r, but %d pauses" % (count, p["count"]))
    before = st["collections"] - m["leak_collections"]
    if name in ("bench_gen", "bench_bdw") and count != before:
        bad.append("census_count %r, but %d collections before the leak check's" % (count, before))
    if name == "bench_gen" and isinstance(peak, int) and peak < LONG_LIVED:
        bad.append("peak_live_bytes %d below the long-lived tree and array (%d)" % (peak, LONG_LIVED))
    if name == "bench_rc" and peak != LONG_LIVED:
        bad.append("peak_live_bytes %r, want exactly the long-lived tree and array (%d)" % (peak, LONG_LIVED))
for b in bad:
    print("   ", b)
print("    %s: peak_live_bytes %s, census_count %s, peak_heap_bytes %d" %
      (name, m.get("peak_live_bytes"), count, m["peak_heap_bytes"]))
sys.exit(1 if bad else 0)
EOF
done

# Without --census the record has no census keys; --help documents the option.
bench=$1
"$bench" --workload gcbench --size quick --counters none >"$tmp/plain.json" || say_fail "plain run"
python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["memory"]
sys.exit(1 if "census_count" in m or "peak_live_bytes" in m else 0)' "$tmp/plain.json" ||
  say_fail "census keys in a record without --census"
"$bench" --help 2>&1 | grep -q -- "--census" || say_fail "--help does not mention --census"

[[ $fail -eq 0 ]] || { echo "$fail failure(s)"; exit 1; }
echo "PASS: census in the record ($*)"
