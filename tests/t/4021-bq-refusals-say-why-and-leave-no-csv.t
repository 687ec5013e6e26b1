#!/usr/bin/env bash
# ct-bq's failures, each against the BigQuery stand-in: a wrong token (401), a project without
# billing (403 billingNotEnabled), a query error (400 invalidQuery with its location), rows that
# do not add up to totalRows, no token at all. Each exits 1 (2 without credentials) with
# BigQuery's reason and message, asks once (none of these is retried), and leaves no CSV: an
# older CSV under the name stays as it was, and no temporary is left.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/bqserver.sh"
ROWS="$PYTHON $TESTS/fixtures/bqrows.py"

$ROWS make 30 "$T/rows.json"
echo 'SELECT 1' > "$T/q.sql"
mkdir "$T/out"
echo "an older manifest" > "$T/out/old.csv"
old=$(md5_of "$T/out/old.csv")
export BQ_TOKEN=right-token

# refused WHAT STATUS GREP ARGS...: ct-bq exits STATUS, its message holds GREP, nothing is left.
refused() {
	local what=$1 status=$2 grep=$3; shift 3
	ok_fails "$what: exit $status" "$status" "$@" ct-bq --project my-proj --max-results 10 "$T/q.sql" "$T/out/new.csv"
	if grep -qF -- "$grep" "$T/.ok.out"; then pass "$what: says '$grep'"; else fail "$what: says '$grep'"; diag "$(cat "$T/.ok.out")"; fi
	is "$(ls "$T/out" | tr '\n' ' ')" "old.csv " "$what: no CSV, no temporary"
	ok_fails "$what: into the older CSV's name: exit $status" "$status" "$@" ct-bq --project my-proj --max-results 10 "$T/q.sql" "$T/out/old.csv"
	is "$(md5_of "$T/out/old.csv")" "$old" "$what: the older CSV is untouched"
}

bq_start "$T/rows.json" --token right-token
refused "wrong token" 1 "HTTP 401 unauthorized: Request is missing required authentication credential; the access token" env BQ_TOKEN=wrong-token
is "$(bq_stat 's.calls')" 2 "401: asked once a run"

bq_start "$T/rows.json" --token right-token --fault billing
refused "no billing" 1 "HTTP 403 billingNotEnabled: Billing has not been enabled for this project. Enable billing at https://console.cloud.google.com/billing; project my-proj must have billing enabled" env
is "$(bq_stat 's.calls')" 2 "403: asked once a run"

bq_start "$T/rows.json" --token right-token --fault query-error
refused "query error" 1 'the query failed: HTTP 400 invalidQuery: Syntax error: Unexpected identifier "SELEC" at [1:1] (at q)' env
is "$(bq_stat 's.calls')" 2 "400: asked once a run"

bq_start "$T/rows.json" --token right-token --fault total+1
refused "totalRows says one more" 1 "30 rows received, totalRows says 31" env
is "$(bq_stat 's.gets')" 4 "every page was read before the count was judged (3 pages a run, the first from the POST)"

calls=$(bq_stat 's.calls')
# No BQ_TOKEN: the real gcloud, with an empty configuration, has no account to print a token of.
refused "no token" 2 "gcloud auth print-access-token\` failed" env -u BQ_TOKEN CLOUDSDK_CONFIG="$T/gcloud-config"
is "$(bq_stat 's.calls')" "$calls" "no token: no call was made"
ok_fails "no project: usage error" 2 env -u BQ_PROJECT ct-bq "$T/q.sql" "$T/out/x.csv"
done_testing
