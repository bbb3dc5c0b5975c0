#!/usr/bin/env bash
# Hostile input: every subcommand with missing, unknown and malformed arguments,
# absurd sizes and heap limits, malformed / truncated / empty / huge suite files,
# results folders that cannot be written, a run killed mid-way.  Each must end
# with a clear message and a non-zero exit (or, for limits a collector can meet,
# a clean run) — never a signal, a sanitizer report or a silent partial file.
set -uo pipefail
driver=$1
smoke=$2
tmp=${TEST_TMPDIR:-$(mktemp -d)}
pass=0
fail=0

# refuse CODES PATTERN -- ARGS...: exit status in CODES (e.g. "2" or "1|2|3"),
# PATTERN in the output, and no sign of a crash.
refuse() {
  local codes=$1 pattern=$2
  shift 3
  local out rc
  out=$("$driver" "$@" 2>&1 | head -c 200000)
  rc=${PIPESTATUS[0]}
  if [[ $rc =~ ^($codes)$ ]] && grep -qE -- "$pattern" <<<"$out" &&
    ! grep -qE 'Segmentation|Aborted|core dumped|Sanitizer|runtime error' <<<"$out"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: gclab ${*:0:12} -> exit $rc (expected $codes), output:"
    sed 's/^/    /' <<<"$out" | head -n 6
    echo "    (expected /$pattern/)"
  fi
}

# ---- missing values and unknown options, every subcommand ----
for cmd in bench run minheap hyperfine list seed; do
  refuse 2 "unknown option" -- $cmd --bogus
done
refuse 2 "-c COLLECTOR is required" -- bench
for opt in -c -w --size --heap-mb --iterations --warmup --seed --tuning --param --timeout; do
  refuse 2 "without its value|required" -- bench -c rc -w seed-gc $opt
done
for opt in --results --id --resume; do refuse 2 "without its value" -- run $opt; done
refuse 2 "unknown suite 'nosuch'" -- minheap nosuch
refuse 2 "-w WORKLOAD is required" -- hyperfine
refuse 2 "unexpected argument" -- list extra
refuse 2 "unexpected argument" -- seed extra

# ---- malformed values ----
for v in "" 1e9 0x10 "5 " -0 +5 1.5 $'5\n'; do
  refuse 2 "--heap-mb needs a whole number" -- bench -c rc -w seed-gc --heap-mb "$v"
done
refuse 2 "--seed needs a whole number" -- bench -c rc -w seed-gc --seed 18446744073709551616
refuse 2 "--iterations needs a whole number" -- bench -c rc -w seed-gc --iterations 1000001
refuse 2 "--warmup needs a whole number" -- bench -c rc -w seed-gc --warmup -1
for v in nan inf -1 0 x; do refuse 2 "--timeout needs a number" -- bench -c rc -w seed-gc --timeout "$v"; done
refuse 2 "unknown heap policy 'elastic'" -- bench -c rc -w seed-gc --heap-policy elastic
refuse 2 "without its value" -- bench -c rc -w seed-gc --heap-policy
refuse 2 "unknown collector ''" -- bench -c "" -w seed-gc
refuse 2 "unknown workload ''" -- bench -c rc -w ""
refuse 2 "unknown tuning key" -- bench -c rc -w seed-gc --tuning "$(head -c 20000 /dev/zero | tr '\0' a)=1"
refuse 2 "bad value '-1' for tuning key 'nursery'" -- bench -c gen -w seed-gc --tuning nursery=-1
refuse 2 "bad value" -- bench -c gen -w seed-gc --tuning nursery=99999999999999999999
refuse 2 "--param needs key=value" -- bench -c rc -w seed-gc --param =x

# ---- absurd heap limits: a clear refusal, an oom, or a clean run, per collector ----
collectors=$("$driver" list --json | python3 -c 'import json,sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["collectors"]))')
[[ -n $collectors ]] || { echo "FAIL: gclab list --json names no collector"; exit 1; }
for c in $collectors; do
  refuse "0|2" "cannot reserve address space|: ok" -- bench -c $c -w seed-gc --heap-mb 1000000000
  refuse "0|1|3" "oom|: ok" -- bench -c $c -w seed-gc --heap-mb 1
  refuse "0" ": ok" -- bench -c $c -w seed-gc --heap-mb 0
done
refuse 2 "--heap-mb needs a whole number from 0 to 1073741824" -- bench -c rc -w seed-gc --heap-mb 1073741825

# ---- suite files ----
: >"$tmp/empty.yaml"
head -c 60 "$smoke" >"$tmp/trunc.yaml"
echo '[[[' >"$tmp/bad.yaml"
head -c 50M /dev/urandom >"$tmp/huge.yaml"
printf 'collectors: [rc]\0\0\n' >"$tmp/nul.yaml"
python3 -c "print('a: ' + '[' * 100000)" >"$tmp/deep.yaml" 2>/dev/null || printf 'a: [[[[[[[[[[[[[[[[\n' >"$tmp/deep.yaml"
printf 'collectors: [rc, nosuch]\nworkloads: [gcbench]\n' >"$tmp/unknown.yaml"
printf 'collectors: [rc]\nworkloads: [gcbench]\nheap: [-2]\n' >"$tmp/negheap.yaml"
printf 'collectors: [rc]\nworkloads: [gcbench]\nbogus_key: 1\n' >"$tmp/badkey.yaml"
head -c 2000000 /dev/zero | tr '\0' x >"$tmp/longline.yaml"
for f in empty trunc bad huge nul deep unknown negheap badkey longline; do
  refuse 2 "$f.yaml" -- run "$tmp/$f.yaml" --results "$tmp"
done
refuse 2 "no suite file" -- run "$tmp" --results "$tmp"

# ---- results folders that cannot be written ----
# (tests run as root here, which ignores permissions: a parent that is a regular
# file, and /proc, where nothing can be created, stand in for read-only folders)
echo hi >"$tmp/file"
refuse 2 "results folder .* does not exist" -- run "$smoke" --results "$tmp/file"
refuse "1|2" "cannot create /proc/" -- run "$smoke" --results /proc
mkdir -p "$tmp/r"
refuse "1|2" "a run id is a plain folder name" -- run "$smoke" --results "$tmp/r" --id "a/b"

# ---- a run killed mid-way: the folder still parses and resumes ----
"$driver" run "$smoke" --results "$tmp/r" --id killed >"$tmp/killed.log" 2>&1 &
pid=$!
for _ in $(seq 50); do [[ -s $tmp/r/killed/records.jsonl ]] && break; sleep 0.2; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
python3 - "$tmp/r/killed/records.jsonl" <<'PY' && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: records of a killed run do not parse"; }
import json, sys
lines = open(sys.argv[1]).read().split("\n")
for l in lines[:-1]:
    json.loads(l)  # every complete line is a record; only a torn last one may not be
PY
refuse 0 "" -- run --resume killed --results "$tmp/r"

# ---- an atomic write that fails leaves the earlier results intact ----
cp "$tmp/r/killed/records.jsonl" "$tmp/records.before"
rm -rf "$tmp/r/killed/summary.csv" && mkdir -p "$tmp/r/killed/summary.csv/x"
refuse "1|2" "summary.csv" -- run --resume killed --results "$tmp/r"
cmp -s "$tmp/records.before" "$tmp/r/killed/records.jsonl" && pass=$((pass + 1)) ||
  { fail=$((fail + 1)); echo "FAIL: a failed write changed records.jsonl"; }

echo "$pass passed, $fail failed ($((pass + fail)) hostile inputs)"
[[ $fail -eq 0 ]]
