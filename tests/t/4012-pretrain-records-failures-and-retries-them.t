#!/usr/bin/env bash
# A series missing from the bucket (404) and a series that cannot be converted: without -k the
# run stops and says why; with -k every other scan finishes, failed.tsv names both with their
# step, the pickle lists the rest; a re-run retries only the failed scans.
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

ok_fails "without -k, make stops (exit 2)" 2 pretrain "$D" -j1
ok "and records why the failing scan failed" test -s "$D/pretrain/failed/$missing.tsv" -o -s "$D/pretrain/failed/$broken.tsv"

ok_fails "with -k, make pretrain-data ends in failure (exit 2)" 2 pretrain "$D" -j2 -k
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
done_testing
