#!/usr/bin/env bash
# A series missing from the bucket (404) and a series that cannot be converted: without -k the
# run stops at the first and records why (that scan's failure record, nothing of the next); with -k every other scan finishes, failed.tsv names both with their
# step, the pickle lists the rest; a re-run retries only the failed scans, and each scan's log
# keeps every attempt, each under its own header.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/pretrain.sh"

pretrain_world || { fail "local IDC world"; done_testing; exit; }
missing=$(idc_uuid "pretrain/missing")
broken=$(idc_uuid "pretrain/broken")
gen "$T/src/broken" --rows 32 --cols 32 --slices 12 --seed 31 --variant no-ipp >/dev/null
idc_put_series idc-open-data "$broken" "$T/src/broken"
cp "$T/manifest.txt" "$T/with-failures.txt"
printf '\ncp s3://idc-open-data/%s/* .\ncp s3://idc-open-data/%s/* .\n' "$missing" "$broken" >> "$T/with-failures.txt"
export MANIFEST=$T/with-failures.txt
D=$T/data
# headers LOG: the log's header lines without their time ("ct-sort, attempt 2"), one a line.
headers() { sed -n 's/^== \(.*\), [0-9T:-]*Z$/\1/p' "$1" | tr '\n' ';'; }
# last_of LOG N: the last line of the log's Nth attempt (what it said before the next header).
last_of() { awk -v n="$2" '/^== /{i++; next} i==n{l=$0} END{print l}' "$1"; }

# -j1 goes in manifest order: the four good scans, then the 404, which stops the run.
ok_fails "without -k, make stops (exit 2)" 2 pretrain "$D" -j1
is "$(cut -f1,2 "$D/pretrain/failed/$missing.tsv" 2>/dev/null)" "$missing	fetch" \
   "and records why the 404 failed: its failure record names the scan and the step"
ok "it stopped there: the scan after it was not started (no download, no failure record)" \
	test ! -e "$D/pretrain/dicom/$broken" -a ! -e "$D/pretrain/failed/$broken.tsv"
ok "the log's last line names the cause, the failure record repeats it" \
	test "$(tail -n 1 "$D/pretrain/logs/$missing.log")" = "$(cut -f3 "$D/pretrain/failed/$missing.tsv")"

first_404=$(cut -f3 "$D/pretrain/failed/$missing.tsv")

ok_fails "with -k, make pretrain-data ends in failure (exit 2)" 2 pretrain "$D" -j2 -k
first_convert=$(cut -f3 "$D/pretrain/failed/$broken.tsv")
is "$(tail -n +2 "$D/pretrain/failed.tsv" | cut -f1,2 | sort | tr '\t\n' ': ')" \
   "$(printf '%s:fetch %s:convert ' "$missing" "$broken" | tr ' ' '\n' | sort | tr '\n' ' ')" \
   "failed.tsv names the 404 (at fetch) and the bad series (at convert)"
ok "the reason of the 404 names the series" grep -q "$missing" "$D/pretrain/failed.tsv"
is "$(pkl_rel "$D" | wc -l)" 4 "the pickle lists the four good scans"
is "$(nrrd_sums "$D" | wc -l)" 4 "and their four NRRDs are there"

idc_put_series idc-open-data "$missing" "$SRC_asc"   # the missing series appears upstream
proxy_reset stats
ok_fails "a re-run with -k: the broken scan still fails" 2 pretrain "$D" -j2 -k
is "$(proxy_sum requests "^GET /idc-open-data[^?]*\\.dcm$")" "$(ls "$SRC_asc" | wc -l)" \
   "the re-run fetched only the once-missing series' objects (the broken one is verified: only its conversion is retried)"
is "$(tail -n +2 "$D/pretrain/failed.tsv" | cut -f1,2)" "$broken	convert" "failed.tsv now holds only the broken scan"
is "$(pkl_rel "$D" | wc -l)" 5 "the pickle gained the once-missing scan"
is "$(headers "$D/pretrain/logs/$missing.log")" \
   "ct-fetch, attempt 1;ct-fetch, attempt 2;ct-fetch, attempt 3;ct-sort, attempt 1;ct-convert, attempt 1;" \
   "the once-missing scan's log holds its three fetches, each under a header naming the attempt, then its other steps"
is "$(last_of "$D/pretrain/logs/$missing.log" 1)" "$first_404" "and its first attempt's lines are still there, ending in the first 404's reason"
is "$(headers "$D/pretrain/logs/$broken.log")" \
   "ct-fetch, attempt 1;ct-sort, attempt 1;ct-convert, attempt 1;ct-sort, attempt 2;ct-convert, attempt 2;" \
   "the broken scan's log: one fetch, then sort and convert twice (the retry), each attempt named"
is "$(last_of "$D/pretrain/logs/$broken.log" 3)" "$first_convert" \
   "its first conversion's lines end in the reason the first failure record gave"
is "$(last_of "$D/pretrain/logs/$broken.log" 5)" "$(cut -f3 "$D/pretrain/failed/$broken.tsv")" \
   "and the retry's in the reason the record gives now"
done_testing
