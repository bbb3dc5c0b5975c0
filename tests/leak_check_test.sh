#!/usr/bin/env bash
# The record's leak figure is exact: at the end of a run the bench binary collects
# until a collection frees and finalizes nothing (harness/bench_main.c,
# collect_for_leak_check), and memory.leak_collections says how many it took.
#   - gen on finalize-delay: every tracked object is finalizable, and a tracing
#     collector frees a finalized object only at the collection after the one that
#     found it, so one final collection would report the finalized objects as
#     leaked.  Exact: leaked_objects == 0 after at least 2 collections (the second
#     frees what the first finalized), plainly and under zeal.
#   - rc on cycle-frac: pure counting leaks every back-pointer cycle, however many
#     collections follow: leaked_objects > 0 (a leak check that frees what it
#     should not would show 0 here).
set -uo pipefail
driver=$1
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail=0
say_fail() { echo "FAIL: $*"; fail=$((fail + 1)); }

# run NAME CHECK -- BENCH ARGS...: the record of one run, judged by CHECK (python)
run() {
  local name=$1 check=$2
  shift 3
  local out="$tmp/$name.json"
  if ! "$driver" bench "$@" --counters none --json >"$out" 2>"$tmp/$name.err"; then
    say_fail "$name: bench exited non-zero: $(head -c 500 "$tmp/$name.err")"
    return
  fi
  python3 - "$out" "$name" "$check" <<'PY' || say_fail "$name"
import json, sys
r = json.load(open(sys.argv[1]))
name, check = sys.argv[2], sys.argv[3]
m = r["memory"]
leaked, n = m.get("leaked_objects"), m.get("leak_collections")
bad = []
if r["status"] != "ok":
    bad.append("status %r" % r["status"])
if not isinstance(n, int) or n < 1:
    bad.append("leak_collections %r, want a count >= 1" % (n,))
if check == "exact":
    if leaked != 0:
        bad.append("leaked_objects %r, want 0" % (leaked,))
    if isinstance(n, int) and n < 2:
        bad.append("leak_collections %d, want >= 2 (finalized objects go at the next collection)" % n)
elif check == "exact-after-3":
    if leaked != 0:
        bad.append("leaked_objects %r, want 0" % (leaked,))
    if isinstance(n, int) and n < 3:
        bad.append("leak_collections %d, want 3: find and finalize, free, then settle" % n)
elif check == "leaks":
    if not isinstance(leaked, int) or leaked <= 0:
        bad.append("leaked_objects %r, want > 0 (pure counting leaks cycles)" % (leaked,))
for b in bad:
    print("%s: %s" % (name, b))
sys.exit(1 if bad else 0)
PY
}

run gen-finalize-delay exact -- -c gen -w finalize-delay --size quick
run gen-finalize-delay-zeal exact -- -c gen -w finalize-delay --size quick --zeal
run rc-cycle-frac leaks -- -c rc -w cycle-frac --size quick

# Finalizable objects, each holding a child, dropped with no collection after
# them (a hand-written trace): gen's first leak-check collection finds and
# finalizes them, its second frees them and their children, its third settles.
# A leak check of one collection reported all 100 objects as leaked.
trace="$tmp/finalizable-dropped.trace"
{
  echo "gclab-trace 1"
  s=1
  for _ in $(seq 1 50); do
    echo "F $s 1 8"; echo "P $s"; echo "A $((s + 1)) 0 8"; echo "U $s 0 $((s + 1))"; echo "L $((s + 1))"; echo "L $s"
    s=$((s + 2))
  done
  echo "C 0"; echo "end"; echo "checksum 0x0000000000000000"
} >"$trace"
run gen-finalizable-dropped exact-after-3 -- -c gen -w trace --param "file=$trace"

if ((fail)); then echo "$fail check(s) failed"; exit 1; fi
echo "leak check: all exact"
