#!/usr/bin/env bash
# ct-bq against a local BigQuery stand-in (tests/bqserver.js): a job that is not complete at
# first is polled until it is, every page is read (pageTokens with '+', '/' and '=' sent back
# URL-encoded, maxResults honoured), and the CSV is byte for byte what the rows give (commas,
# quotes, line breaks, edge spaces, UTF-8, nulls), its SHA-256 and row count recorded. Memory
# does not grow with the row count. The token comes from BQ_TOKEN or from gcloud, and is never
# printed.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/bqserver.sh"
ROWS="$PYTHON $TESTS/fixtures/bqrows.py"

$ROWS make 100 "$T/rows.json"
$ROWS csv "$T/rows.json" > "$T/want.csv"
echo 'SELECT * FROM `bigquery-public-data.idc_v14.dicom_all`' > "$T/q.sql"
export BQ_TOKEN=secret-token-4020
ok "server starts" bq_start "$T/rows.json" --token "$BQ_TOKEN" --pending 3

ok "ct-bq: 100 rows, pages of 9, a job complete only at the third poll" \
	ct-bq --project my-proj --max-results 9 --record "$T/out.rec" --note idc_version=v14 "$T/q.sql" "$T/out.csv"
cp "$T/.ok.out" "$T/run.log"
is "$(sha256sum < "$T/out.csv" | cut -d' ' -f1)" "$(sha256sum < "$T/want.csv" | cut -d' ' -f1)" \
   "the CSV is byte for byte the one the rows give"
ok "Python's csv module reads back exactly the rows served" $ROWS same "$T/rows.json" "$T/out.csv"
is "$(bq_stat 's.posts') $(bq_stat 's.gets') $(bq_stat 's.jobsCreated')" "1 14 1" \
   "one POST, 3 polls and 11 more pages, one job"
is "$(bq_stat 's.pageTokens.join(" ")')" "$(for i in 9 18 27 36 45 54 63 72 81 90 99; do printf 'p+/%s= ' $i; done | sed 's/ $//')" \
   "every pageToken came back intact (URL-encoded)"
is "$(bq_stat 'Array.from(new Set(s.maxResults)).join()') $(bq_stat 'Array.from(new Set(s.locations)).join()')" "9 US" \
   "maxResults=9 on every call, the job's location on every GET"
is "$(cut -f1 "$T/out.rec" | tr '\n' ' ')" "idc_version rows sha256 job bytes_processed cache_hit " "the record's lines"
is "$(awk -F'\t' '$1=="rows"||$1=="sha256"{print $2}' "$T/out.rec" | tr '\n' ' ')" "100 $(sha256sum < "$T/want.csv" | cut -d' ' -f1) " \
   "the record holds the row count and the CSV's SHA-256"
is "$(awk -F'\t' '$1=="job"{print $2}' "$T/out.rec")" "my-proj:US.job_1_x-Y" "the record names the job"
is "$(grep -c "$BQ_TOKEN" "$T/run.log" "$T/out.rec" "$T/bqserver.log" | cut -d: -f2 | tr '\n' ' ')" "0 0 0 " "the token is printed nowhere"
is "$(ls -a "$T" | grep -c '\.tmp\.')" 0 "no temporary left beside the CSV"

# The token from gcloud when BQ_TOKEN is not set (a stand-in: the real gcloud needs an account).
mkdir -p "$T/fakebin"
printf '#!/bin/sh\n[ "$*" = "auth print-access-token" ] && echo secret-token-4020\n' > "$T/fakebin/gcloud"
chmod +x "$T/fakebin/gcloud"
ok "without BQ_TOKEN: the token of gcloud auth print-access-token" \
	env -u BQ_TOKEN PATH="$T/fakebin:$PATH" ct-bq --project my-proj "$T/q.sql" "$T/gcloud.csv"
is "$(md5_of "$T/gcloud.csv")" "$(md5_of "$T/want.csv")" "the same CSV (pages of the default 10000)"

# Memory: 3,000 rows or 60,000 rows, pages of 1,000: the same peak.
$ROWS make 60000 "$T/big.json"
$ROWS make 3000 "$T/small.json"
# (Under SAN=1, AddressSanitizer's quarantine would keep every freed page: switched off here.)
peak() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0 "$PYTHON" -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' ct-bq --project p --max-results 1000 "$T/q.sql" "$1"
}
bq_start "$T/small.json" --token "$BQ_TOKEN"; small=$(peak "$T/small.csv")
bq_start "$T/big.json" --token "$BQ_TOKEN"; big=$(peak "$T/big.csv")
ok "60,000 rows arrived whole" $ROWS same "$T/big.json" "$T/big.csv"
diag "peak RSS: $small kB for 3,000 rows, $big kB for 60,000"
ok "peak memory does not grow with the rows (20x the rows: $small kB -> $big kB)" test "$big" -lt $((small * 13 / 10))
done_testing
