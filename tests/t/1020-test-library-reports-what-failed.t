#!/usr/bin/env bash
# The test library itself: a failing `ok` reports the command's own exit status (not the 0 of
# what ran after it), `ok_fails` the status it got, and a test that failed ends non-zero.
. "$(dirname "$0")/../lib.sh"

# run_lib SNIPPET: a test script of its own (its own scratch dir), sourcing this library.
run_lib() {
	printf '. %q\n%s\ndone_testing\n' "$TESTS/lib.sh" "$1" > "$T/inner.t"
	bash "$T/inner.t" >"$T/inner.out" 2>&1
	echo "status $?"
}

is "$(run_lib 'ok "exits 3" sh -c "exit 3"')" "status 1" "a failed ok makes the test fail"
is "$(grep -c '^not ok 1 - exits 3$' "$T/inner.out")" 1 "and is reported as not ok"
is "$(grep '^# exit:' "$T/inner.out")" "# exit: 3" "its diagnostics name the command's exit status, 3"
run_lib 'ok_fails "wants 2" 2 sh -c "exit 5"' >/dev/null
is "$(grep '^# exit:' "$T/inner.out")" "# exit: 5, wanted 2" "ok_fails names the status it got and the one it wanted"
is "$(run_lib 'ok "exits 0" true; is a a "equal"')" "status 0" "passing checks end in status 0"
is "$(grep -c '^ok ' "$T/inner.out")" 2 "each reported as ok"
done_testing
