#!/usr/bin/env bash
# The rings scenario (pyperformance's gc_collect) run by a real python3 and by
# fidelity_trace under rc_cycle and under the cpython collector: gc.collect()'s
# answers must be the same in all three.
set -euo pipefail
script=$1
shift
python=/usr/bin/python3
[[ -x $python ]] || { echo "FAIL: $python is missing (Debian package python3)"; exit 1; }
out=${TEST_TMPDIR:-$(mktemp -d)}

# -I -S: isolated from the environment and site, as the embedded interpreter is
"$python" -I -S "$script" >"$out/python.txt" || { echo "FAIL: python3 $script"; exit 1; }
for trace in "$@"; do
  name=$(basename "$trace")
  "$trace" rings | grep -E '^(== |collect |rings )' >"$out/$name.txt" || { echo "FAIL: $trace rings"; exit 1; }
  diff -u --label python3 --label "$name" "$out/python.txt" "$out/$name.txt" ||
    { echo "FAIL: gc.collect() answers differ between python3 and $name"; exit 1; }
done
echo "PASS: python3 and $# collectors agree: $(grep '^rings ' "$out/python.txt" | tr '\n' ';')"
