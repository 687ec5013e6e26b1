#!/usr/bin/env bash
# Every command (each bin/ct-*) answers an unknown option, a missing value and a value given to an
# option that takes none with one message, "ct-<name>: ..." naming the option as typed (getopt's
# own "bin/ct-x: unrecognized option" never appears), exits 2, and writes nothing.
. "$(dirname "$0")/../lib.sh"

cmds=$(cd "$BIN" && ls ct-*)
ok "there are commands to check" test -n "$cmds"
for name in $cmds; do
	mkdir "$T/$name" && cd "$T/$name" || exit 1
	"$BIN/$name" --bogus IN OUT >out 2>err
	rc=$?
	is "$rc|$(head -1 err)|$(grep -c "$name" err)|$(wc -l < err)" \
	   "2|$name: unknown option '--bogus'|2|2" \
	   "$name --bogus IN OUT: exit 2, one message naming the option (and the --help hint)"
	"$BIN/$name" IN OUT --bogus=1 2>err >/dev/null
	is "$?|$(head -1 err)" "2|$name: unknown option '--bogus'" "$name: an unknown option after the operands, with a value"
	is "$(ls -A | tr '\n' ' ')" "err out " "$name: nothing written"
	is "$(cat out)" "" "$name: nothing on standard output"
	cd "$T" || exit 1
done

# The first option each --help lists: given without its value, or with one it does not take.
"$BIN/ct-plan" --limit 2>"$T/err"
is "$?|$(cat "$T/err" | head -1)" "2|ct-plan: option '--limit' needs a value" "a missing value names the option"
"$BIN/ct-plan" -o 2>"$T/err"
is "$?|$(cat "$T/err" | head -1)" "2|ct-plan: option '-o' needs a value" "... a short one too"
"$BIN/ct-unpack" --strip-top=yes a b 2>"$T/err"
is "$?|$(cat "$T/err" | head -1)" "2|ct-unpack: option '--strip-top' takes no value" "a value for a flag is refused, naming it"
"$BIN/ct-sort" -Z a b 2>"$T/err"
is "$?|$(cat "$T/err" | head -1)" "2|ct-sort: unknown option '-Z'" "an unknown short option is named"
done_testing
