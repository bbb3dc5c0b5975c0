#!/usr/bin/env bash
# Traces, recorded and replayed (README.md, "Traces"):
#  1. workloads recorded with `gclab bench --record` keep their checksum, and the
#     trace replays (-w trace --param file=) under every collector, plain and under
#     zeal, with the recorded run's checksum and every digest verified;
#  2. the fixture tests/fixtures/small.trace replays the same way with the checksum
#     on its last line, and so does the built-in copy (no file=);
#  3. recording is atomic: a successful one leaves only the trace, a failed one
#     (out of memory) leaves nothing.
set -euo pipefail
driver=$1
fixture=$2
tmp=${TEST_TMPDIR:-$(mktemp -d)}
pass=0
fail=0

collectors=$("$driver" list --json | python3 -c 'import json, sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["collectors"]))')

# field JSON KEY: a top-level field of a record ("" when absent)
field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$1" "$2"; }

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# replay_everywhere LABEL FILE WANT [EXTRA...]: every collector, plain and zeal
replay_everywhere() {
  local label=$1 file=$2 want=$3
  shift 3
  local c z rec
  for c in $collectors; do
    for z in "" --zeal; do
      rec=$("$driver" bench -c "$c" -w trace "$@" ${file:+--param "file=$file"} $z --json 2>&1) || true
      if [[ $(field "$rec" status) == ok && $(field "$rec" checksum) == "$want" ]]; then ok
      else bad "$label replayed under $c $z: $(head -c 400 <<<"$rec")"; fi
    done
  done
}

# record_and_replay WORKLOAD [--param K=V ...]
record_and_replay() {
  local w=$1
  shift
  local file="$tmp/$w-$pass.trace" direct recorded want
  direct=$("$driver" bench -c nogc -w "$w" "$@" --json)
  recorded=$("$driver" bench -w "$w" "$@" --record "$file" --json)
  want=$(field "$direct" checksum)
  if [[ $(field "$recorded" status) == ok && $(field "$recorded" checksum) == "$want" && -s $file ]]; then ok
  else bad "recording $w $*: $(head -c 400 <<<"$recorded")"; fi
  if ls "$file".* >/dev/null 2>&1; then bad "recording $w left temporary files: $(ls "$file".*)"; else ok; fi
  replay_everywhere "$w $*" "$file" "$want"
}

# 1. recordings of workloads that use every kind of event between them
record_and_replay mperm
record_and_replay synth --param preset=cyclic
record_and_replay synth --param preset=mutation-heavy --param collect_every=300
record_and_replay seed-finalizer
record_and_replay seed-refcount
record_and_replay py-gc-collect

# 2. the fixture, from its file and built in
want=$(sed -n 's/^checksum //p' "$fixture")
replay_everywhere fixture "$fixture" "$want"
replay_everywhere "built-in fixture" "" "$want"

# 3. a recording that fails leaves nothing behind
rec=$("$driver" bench -w gcbench --heap-mb 1 --record "$tmp/oom.trace" --json) || true
if [[ $(field "$rec" status) == oom ]]; then ok; else bad "recording under 1 MiB: $(head -c 300 <<<"$rec")"; fi
if ls "$tmp"/oom.trace* >/dev/null 2>&1; then bad "a failed recording left $(ls "$tmp"/oom.trace*)"; else ok; fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
