#!/usr/bin/env bash
# The command line: every bad input gets a clear message naming the problem (and
# the valid choices where there are some) and a non-zero exit; nothing crashes.
set -uo pipefail
driver=$1
tmp=${TEST_TMPDIR:-$(mktemp -d)}
pass=0
fail=0

# expect CODE PATTERN -- ARGS...: exit status CODE and PATTERN in stdout+stderr
expect() {
  local code=$1 pattern=$2
  shift 3
  local out rc
  out=$("$driver" "$@" 2>&1)
  rc=$?
  if [[ $rc -eq $code ]] && grep -qE -- "$pattern" <<<"$out"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: gclab $* -> exit $rc (expected $code), output:"
    sed 's/^/    /' <<<"$out" | head -n 8
    echo "    (expected /$pattern/)"
  fi
}

expect 2 "usage: gclab"                                   --
expect 2 "unknown command 'frobnicate' \(valid: list"     -- frobnicate
expect 0 "usage: gclab"                                   -- help
expect 2 "unknown collector 'nosuch' \(valid: nogc, rc"   -- bench -c nosuch -w gcbench
expect 2 "unknown workload 'nosuch' \(valid: .*gcbench"   -- bench -c rc -w nosuch
expect 2 "unknown size 'huge' \(valid: quick, default, large\)" -- bench -c rc -w gcbench --size huge
expect 2 "-c COLLECTOR is required"                       -- bench -w gcbench
expect 2 "-w WORKLOAD is required"                        -- bench -c rc
expect 2 "--heap-mb needs a whole number"                 -- bench -c rc -w gcbench --heap-mb -5
expect 2 "--heap-mb needs a whole number"                 -- bench -c rc -w gcbench --heap-mb 12abc
expect 2 "--heap-mb needs a whole number"                 -- bench -c rc -w gcbench --heap-mb 99999999999999
expect 2 "--iterations needs a whole number"              -- bench -c rc -w gcbench --iterations 0
expect 2 "--warmup \(3\) must be smaller"                 -- bench -c rc -w gcbench --iterations 3 --warmup 3
expect 2 "--seed needs a whole number"                    -- bench -c rc -w gcbench --seed x
expect 2 "--timeout needs a number of seconds"            -- bench -c rc -w gcbench --timeout 0
expect 2 "unknown option.*--bogus"                        -- bench -c rc -w gcbench --bogus
expect 2 "unknown option.*--size"                         -- bench -c rc -w gcbench --size
expect 2 "unexpected argument 'extra'"                    -- bench -c rc -w gcbench extra
expect 2 "unknown tuning key 'nokey'"                     -- bench -c rc -w seed-gc --tuning nokey=1
expect 2 "--param needs key=value"                        -- bench -c rc -w seed-gc --param novalue
expect 2 "takes no parameter 'nokey'"                     -- bench -c rc -w seed-gc --param nokey=1
expect 2 "depth and garbage_depth are at most"            -- bench -c rc -w quads --param depth=99
expect 2 "gcold takes no parameter 'steps '|parameter .* is not a non-negative integer" -- bench -c rc -w gcold --param steps=-3
expect 2 "unknown option"                                 -- list --bogus
expect 2 "unknown option"                                 -- seed --bogus
expect 2 "results folder '$tmp/missing' does not exist"   -- run --results "$tmp/missing"
expect 2 "a run id is a plain folder name"               -- run --results "$tmp" --id ../x
expect 2 "unknown suite 'nosuch'"                         -- run nosuch --results "$tmp"
expect 2 "no suite file 'no/such.yaml'"                   -- run no/such.yaml --results "$tmp"
expect 2 "unexpected argument 'two'"                      -- run smoke two
expect 2 "--resume names the run; it takes no --id"       -- run --resume a --id b
expect 2 "figures: give one results folder"               -- figures
expect 2 "figures: no results folder"                     -- figures "$tmp/none"
expect 2 "-w WORKLOAD is required"                        -- hyperfine -c rc
expect 2 "unknown collector 'x'"                          -- hyperfine -w gcbench -c rc,x
expect 2 "--runs needs a whole number"                    -- hyperfine -w gcbench --runs 1
printf 'collectors: [rc]\nworkloads: [gcbench]\nheap: [2, 1q]\n' >"$tmp/bad.yaml"
expect 2 "bad.yaml:3: heap size '1q'"                     -- run "$tmp/bad.yaml" --results "$tmp"
# a heap too small is a result, not a usage error: status oom, record printed, exit 1
expect 1 '"status":"oom"'                                 -- bench -c rc -w gcbench --heap-mb 1 --json
expect 1 '"status":"oom"'                                 -- bench -c nogc -w gcbench --heap-mb 1 --json
expect 1 "gcbench \(quick, seed 1, heap 1.0 MiB\): oom"   -- bench -c rc -w gcbench --heap-mb 1
# good inputs
expect 0 '"status":"ok"'                                  -- bench -c rc -w seed-gc --json
expect 0 "Collectors:"                                    -- list
expect 0 '"collectors"'                                   -- list --json

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
