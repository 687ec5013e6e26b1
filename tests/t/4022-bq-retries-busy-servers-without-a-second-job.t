#!/usr/bin/env bash
# ct-bq through a busy BigQuery: 503s, a 429 with Retry-After, a 403 rateLimitExceeded and a
# dropped connection are retried with backoff and the CSV is still the exact one; a POST whose
# answer was lost is sent again with the same requestId, so it joins the job it started instead
# of starting (and billing) a second one.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/bqserver.sh"
ROWS="$PYTHON $TESTS/fixtures/bqrows.py"

$ROWS make 40 "$T/rows.json"
$ROWS csv "$T/rows.json" > "$T/want.csv"
want=$(md5_of "$T/want.csv")
echo 'SELECT 1' > "$T/q.sql"
export BQ_TOKEN=tok
run() { ct-bq --project p --max-results 10 "$T/q.sql" "$T/out.csv"; }

bq_start "$T/rows.json" --token tok --fault 503@3x2
ok "two 503s on page 2, then success" run
is "$(md5_of "$T/out.csv")" "$want" "503: the exact CSV"
is "$(bq_stat 's.answers[503]') $(bq_stat 's.calls')" "2 6" "503: answered twice, asked again (4 pages + 2 retries)"

bq_start "$T/rows.json" --token tok --fault 429@2x1
ok "a 429 with Retry-After: 1 on page 2, then success" run
is "$(md5_of "$T/out.csv")" "$want" "429: the exact CSV"
is "$(bq_stat 's.answers[429]') $(bq_stat 's.calls')" "1 5" "429: one refusal, one retry"
is "$(bq_stat 's.times[2] - s.times[1] >= 950')" true "429: the retry waited the second Retry-After asked for"

bq_start "$T/rows.json" --token tok --fault ratelimit@1x2
ok "BigQuery's 403 rateLimitExceeded twice on the POST, then success" run
is "$(md5_of "$T/out.csv")" "$want" "rateLimitExceeded: the exact CSV"
is "$(bq_stat 's.answers[403]') $(bq_stat 's.jobsCreated')" "2 1" "rateLimitExceeded: retried (unlike other 403s), one job"

bq_start "$T/rows.json" --token tok --fault drop@4x1
ok "a connection dropped on page 3, then success" run
is "$(md5_of "$T/out.csv")" "$want" "dropped connection: the exact CSV"

bq_start "$T/rows.json" --token tok --fault lose@1x1
ok "the POST's answer lost after the job started" run
is "$(md5_of "$T/out.csv")" "$want" "lost answer: the exact CSV"
is "$(bq_stat 's.posts') $(bq_stat 's.jobsCreated') $(bq_stat 's.requestIds[0] === s.requestIds[1]')" "2 1 true" \
   "lost answer: the POST was sent again with the same requestId and joined the one job"

bq_start "$T/rows.json" --token tok --fault 503@2
ok_fails "a server that stays down after page 1: exit 1" 1 ct-bq --project p --max-results 10 --retries 2 "$T/q.sql" "$T/down.csv"
cp "$T/.ok.out" "$T/down.log"
ok "it says so, with BigQuery's reason" grep -qF "HTTP 503 (gave up after 2 retries): backendError" "$T/down.log"
ok "and leaves no CSV" test ! -e "$T/down.csv"
done_testing
