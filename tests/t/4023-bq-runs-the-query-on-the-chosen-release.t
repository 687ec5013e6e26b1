#!/usr/bin/env bash
# ct-bq --dataset TABLE=DATASET: the query is sent with every mention of the table moved to the
# chosen dataset (IDC release), and nothing else changed. A query that names another table or
# dataset of the same project (a query mixing releases), or does not name the table at all, is
# refused with its line and column before any call is made.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/bqserver.sh"

"$PYTHON" "$TESTS/fixtures/bqrows.py" make 3 "$T/rows.json"
export BQ_TOKEN=tok
ok "server starts" bq_start "$T/rows.json" --token tok
T14=bigquery-public-data.idc_v14.dicom_all
cat > "$T/q.sql" <<EOF2
-- series of $T14 (a comment names it too)
WITH s AS (SELECT SeriesInstanceUID FROM \`$T14\` WHERE Modality = 'CT')
SELECT d.SeriesInstanceUID, 'idc_v14' AS label_left_alone
FROM \`$T14\` AS d JOIN s USING (SeriesInstanceUID)
EOF2
ok "run on idc_v18" ct-bq --project p --dataset "$T14=idc_v18" "$T/q.sql" "$T/out.csv"
sed 's/bigquery-public-data\.idc_v14\.dicom_all/bigquery-public-data.idc_v18.dicom_all/g' "$T/q.sql" > "$T/want.sql"
bq_stat 's.queries[0]' > "$T/sent.sql"
is "$(cat "$T/sent.sql")" "$(cat "$T/want.sql")" "the query sent names idc_v18 in all three places, and is otherwise the same text"
is "$(grep -c "$T14" "$T/sent.sql")" 0 "no mention of $T14 is left in it"

calls=$(bq_stat 's.calls')
refused() {
	local what=$1 grep=$2
	ok_fails "$what: refused" 1 ct-bq --project p --dataset "$T14=idc_v18" "$T/bad.sql" "$T/bad.csv"
	if grep -qF -- "$grep" "$T/.ok.out"; then pass "$what: says '$grep'"; else fail "$what: says '$grep'"; diag "$(cat "$T/.ok.out")"; fi
}
printf 'SELECT a\nFROM `bigquery-public-data.idc_v14.dicom_all` JOIN\n  `bigquery-public-data.idc_current.dicom_all` USING (a)\n' > "$T/bad.sql"
refused "another release" "bad.sql:3:4: names 'bigquery-public-data.idc_current.dicom_all' where $T14 was expected"
printf 'SELECT a FROM `bigquery-public-data.idc_v14.dicom_all`, `bigquery-public-data.idc_v14.auxiliary_metadata`\n' > "$T/bad.sql"
refused "another table" "bad.sql:1:58: names 'bigquery-public-data.idc_v14.auxiliary_metadata'"
printf 'SELECT a FROM `my-proj.copy.dicom_all`\n' > "$T/bad.sql"
refused "not the table" "bad.sql: does not name $T14"
is "$(bq_stat 's.calls')" "$calls" "no refused query was sent"
ok "nothing written" test ! -e "$T/bad.csv"
ok_fails "a bad dataset name is a usage error" 2 ct-bq --project p --dataset "$T14=idc-v18" "$T/q.sql" "$T/x.csv"
done_testing
