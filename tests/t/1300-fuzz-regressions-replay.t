#!/usr/bin/env bash
# Every input a fuzzer once crashed on, or that hit a bound (tests/fuzz/regress/<harness>/*), runs
# to its end through the same harness built with the normal compiler (build/fuzz-replay/, with
# ASan and UBSan under make check SAN=1): no crash, no leak, no allocation over 512 MB.
. "$(dirname "$0")/../lib.sh"

REG=$TOP/tests/fuzz/regress
REPLAY=$TOP/build/fuzz-replay
export LSAN_OPTIONS=suppressions=$TOP/tests/fuzz/lsan.supp
# One allocation over 512 MB is a failure: ASan refuses it itself; elsewhere the address space
# is capped (the harnesses' bounds are far below either).
export ASAN_OPTIONS=max_allocation_size_mb=512:allocator_may_return_null=0
# The CPU budget of each call into GDCM, as make fuzz gives it (mk/fuzz.sh): inputs that once
# cost CharLS 9 s a slice end in a quarter of a second each.
export CT_CPU_BUDGET_MS=250

ok "there are regression inputs" test -n "$(ls "$REG")"
for d in "$REG"/*/; do
	h=$(basename "$d")
	n=$(ls "$d" | wc -l)
	san=0; ldd "$REPLAY/$h" | grep -q asan && san=1
	out=$( ( [ "$san" = 1 ] || ulimit -v 3000000; "$REPLAY/$h" "$d"* ) 2>"$T/$h.err")
	rc=$?
	is "$rc $(printf '%s\n' "$out" | grep -c '^replayed ')" "0 $n" "$h: all $n inputs run to their end"
	[ "$rc" = 0 ] || diag "$(tail -n 20 "$T/$h.err")"
done
done_testing
