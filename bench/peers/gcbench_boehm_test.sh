#!/bin/sh
# gcbench_boehm at the quick size: the original's progress lines (depths 4..12,
# NumIters(d) = 2 * TreeSize(14) / TreeSize(d)) and the long-lived tree intact;
# a bad argument is refused with exit status 2.
set -u
bin=$1
out=$("$bin" quick) || { echo "FAIL: gcbench_boehm quick exited $?"; exit 1; }
fail=0
expect() {
  printf '%s\n' "$out" | grep -qxF -- "$1" || { echo "FAIL: no line '$1' in:"; printf '%s\n' "$out"; fail=1; }
}
expect " Stretching memory with a binary tree of depth 14"
expect " Creating a long-lived binary tree of depth 12"
expect " Creating a long-lived array of 50000 doubles"
expect "Creating 2114 trees of depth 4"
expect "Creating 516 trees of depth 6"
expect "Creating 128 trees of depth 8"
expect "Creating 32 trees of depth 10"
expect "Creating 8 trees of depth 12"
printf '%s\n' "$out" | grep -q '^ok: long-lived tree 8191 nodes, array\[1000\] = 1/1000, [1-9][0-9]* collections' ||
  { echo "FAIL: no ok line with collections"; fail=1; }
"$bin" bogus >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: a bad argument must exit 2"; fail=1; }
[ $fail -eq 0 ] && echo "gcbench_boehm: ok"
exit $fail
