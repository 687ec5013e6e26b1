#!/usr/bin/env bash
# A DATA or MANIFEST path with a space or a tab is refused before anything is written: Make
# would split it into two paths (DATA="/x/with space" once wrote a file /x/with and a folder
# space/ in the checkout). make exits 2 naming the variable; no file appears anywhere.
. "$(dirname "$0")/../lib.sh"

stray=ctmake-stray-$$
at_exit "rm -rf '$TOP/$stray'"   # what a broken refusal would leave in the checkout, checked below
printf 'cp s3://idc-open-data/%s/* .\n' 5871c643-1545-17f4-79da-684fc5ec1b72 > "$T/manifest.txt"
# What is there: the scratch dir's tree and the checkout's top level (Make's CURDIR here).
snapshot() { { find "$T" ! -name .ok.out; find "$TOP" -maxdepth 1; } | sort; }
before=$(snapshot)
run() { make --no-print-directory -C "$TOP" "$@" IDC_ENDPOINT=http://127.0.0.1:9 >"$T/make.log" 2>&1; }

ok_fails "DATA with a space: make pretrain-data exits 2" 2 run pretrain-data DATA="$T/x/with $stray" MANIFEST="$T/manifest.txt"
ok "naming DATA and why" grep -q "DATA=\"$T/x/with $stray\": a path with a space or a tab" "$T/make.log"
ok_fails "DATA with a tab: refused too" 2 run pretrain-data DATA="$T/x/with	tab" MANIFEST="$T/manifest.txt"
cp "$T/manifest.txt" "$T/my manifest.txt"
ok_fails "MANIFEST with a space: refused" 2 run pretrain-data DATA="$T/d" MANIFEST="$T/my manifest.txt"
ok "naming MANIFEST" grep -q "MANIFEST=\"$T/my manifest.txt\": a path with a space" "$T/make.log"
ok_fails "make -n with such a DATA: refused the same way" 2 run -n pretrain-data DATA="$T/x/with $stray"
ok_fails "make status with such a DATA: refused" 2 run status DATA="$T/x/with $stray"
rm "$T/my manifest.txt" "$T/make.log"
is "$(diff <(echo "$before") <(snapshot) | grep '^[<>]')" "" \
   "nothing was written: no new file under the scratch dir or the checkout (no /x/with, no ./$stray)"
done_testing
