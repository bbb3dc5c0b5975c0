#!/usr/bin/env bash
# Bad traces (README.md, "Traces"): each ends with a message naming the file and
# the line, and exit status 2 (bad input, no record) — or 1 with status
# verify-failed when the trace is well formed but its heap digest does not match.
# A small hand-written trace using the records no recording above makes (F, E, I,
# W) replays everywhere; a recording to a folder that does not exist fails at once.
set -uo pipefail
driver=$1
fixture=$2
tmp=${TEST_TMPDIR:-$(mktemp -d)}
pass=0
fail=0

# trace NAME: the lines on stdin become $tmp/NAME.trace (printf keeps them exact)
trace() { cat >"$tmp/$1.trace"; }

# expect CODE PATTERN NAME [collector]: replaying NAME exits CODE, output matching PATTERN
expect() {
  local code=$1 pattern=$2 name=$3 c=${4:-gen} out rc
  out=$("$driver" bench -c "$c" -w trace --param "file=$tmp/$name.trace" 2>&1)
  rc=$?
  if [[ $rc -eq $code ]] && grep -qE -- "$pattern" <<<"$out"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $name under $c -> exit $rc (expected $code), output:"
    sed 's/^/    /' <<<"$out" | head -n 6
    echo "    (expected /$pattern/)"
  fi
}

at() { echo "trace $tmp/$1.trace:$2: $3"; }

printf 'gclab-trace 1\nP 0\nA 1 1 8\nX 1\nend\nchecksum 0x1\n' | trace unknown
expect 2 "$(at unknown 4 "unknown record 'X'")" unknown

printf 'gclab-trace 1\nP 0\nA 1 1 8\nU 5 0 1\nend\nchecksum 0x1\n' | trace nosuch
expect 2 "$(at nosuch 4 "object 5 has not been allocated")" nosuch

printf 'gclab-trace 1\nA 1 1 8\nL 1\nU 1 0 0\nend\nchecksum 0x1\n' | trace released
expect 2 "$(at released 4 "object 1 is no longer held")" released

printf 'gclab-trace 1\nA 1 2x 8\nend\nchecksum 0x1\n' | trace number
expect 2 "$(at number 2 "pointer field count '2x' is not a decimal number")" number

printf 'gclab-trace 1\nA 1 1 8\nU 1 0 99999999999999999999\nend\nchecksum 0x1\n' | trace huge
expect 2 "$(at huge 3 "value '99999999999999999999' is too large")" huge

printf 'gclab-trace 1\nA 1 1 8\nU 1 1 0\nend\nchecksum 0x1\n' | trace field
expect 2 "$(at field 3 "field 1 of object 1, which has 1 pointer fields")" field

printf 'gclab-trace 1\nP 0\nR 1 0\nend\nchecksum 0x1\n' | trace slot
expect 2 "$(at slot 3 "root slot 1 set, but 1 slots are pushed")" slot

printf 'gclab-trace 1\nA 1 0 2\nW 1 0a0b0c\nend\nchecksum 0x1\n' | trace bytes
expect 2 "$(at bytes 3 "3 raw bytes for object 1, which has 2")" bytes

printf 'gclab-trace 1\nA 2 0 0\nend\nchecksum 0x1\n' | trace serial
expect 2 "$(at serial 2 "object 2 allocated where 1 was expected")" serial

printf 'gclab-trace 1\nH 0xzz\nend\nchecksum 0x1\n' | trace digest
expect 2 "$(at digest 2 "digest '0xzz' is not 0x and 1 to 16 hexadecimal digits")" digest

printf 'hello\n' | trace notatrace
expect 2 "$(at notatrace 1 "not a gclab trace")" notatrace

printf 'gclab-trace 2\n' | trace version
expect 2 "$(at version 1 "trace format version '2'")" version

printf 'gclab-trace 1\nP 0\nA 1 1 8\nR 0 1\n' | trace noend
expect 2 "$(at noend 5 "the file ends before its 'end' line")" noend

printf 'gclab-trace 1\nend\n' | trace nochecksum
expect 2 "$(at nochecksum 3 "the file ends without the 'checksum' line")" nochecksum

printf 'gclab-trace 1\nend\nchecksum 0x1\nG\n' | trace after
expect 2 "$(at after 4 "'G' after the checksum line")" after

# the fixture cut in the middle of a line, and cut at a line's end
head -c 9000 "$fixture" >"$tmp/cut.trace"
expect 2 "trace $tmp/cut.trace:[0-9]+: the last line ends without a newline" cut
head -n 700 "$fixture" >"$tmp/lines.trace"
expect 2 "$(at lines 701 "the file ends before its 'end' line")" lines

# well formed, but the recorded heap is not what these lines build
printf 'gclab-trace 1\nP 0\nA 1 0 8\nR 0 1\nW 1 01\nL 1\nH 0x0000000000000001\nC 0\nend\nchecksum 0x1\n' | trace mismatch
expect 1 "verify-failed" mismatch
expect 1 "$(at mismatch 7 "the heap the roots reach differs from the recording's")" mismatch

expect 2 "cannot read trace $tmp/missing.trace" missing

# every other record, by hand: finalizable objects, gc_enable, immortality, a
# self-reference, raw bytes, a frame popped above its base
trace handmade <<'EOF'
gclab-trace 1
# hand-written: F, E, I, W and nested frames
P 0
F 1 2 16
R 0 1
E 0
A 2 1 0
U 1 0 2
U 2 0 2
L 2
P 1
A 3 0 8
W 3 2a
I 3
U 1 1 3
L 3
C 1
W 1 0102030405060708090a0b0c0d0e0f10
E 1
G
R 0 0
L 1
G
C 0
end
checksum 0x00000000000000aa
EOF
for c in $("$driver" list --json | python3 -c 'import json, sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["collectors"]))'); do
  for z in "" --zeal; do
    out=$("$driver" bench -c "$c" -w trace --param "file=$tmp/handmade.trace" $z --json 2>&1)
    if grep -q '"status":"ok"' <<<"$out" && grep -q '"checksum":"0x00000000000000aa"' <<<"$out"; then pass=$((pass + 1))
    else fail=$((fail + 1)); echo "FAIL: handmade under $c $z: $(head -c 300 <<<"$out")"; fi
  done
done

# recording into a folder that does not exist: exit 2 at once, nothing written
out=$("$driver" bench -w mperm --record "$tmp/no/such/dir/x.trace" 2>&1)
rc=$?
if [[ $rc -eq 2 ]] && grep -q "cannot write the trace $tmp/no/such/dir/x.trace" <<<"$out"; then pass=$((pass + 1))
else fail=$((fail + 1)); echo "FAIL: --record into a missing folder -> exit $rc: $out"; fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
