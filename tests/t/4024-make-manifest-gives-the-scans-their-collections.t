#!/usr/bin/env bash
# make manifest end to end, offline: CT-FM's query.sql is fetched from the pinned commit under
# GITHUB_RAW_URL (a local web server) and verified by its git blob id, run by ct-bq on the
# release IDC_VERSION names against the BigQuery stand-in, and written as DATA/manifests/
# ctfm-<version>.csv with its record (version, rows, SHA-256). That CSV, given as MANIFEST=, is
# taken as it is: make pretrain-data against the local IDC world lays the scans out under their
# real collection_id (not unknown-collection) and index.tsv says it. A query that does not match
# its pin, or that names another release, is refused before BigQuery is asked.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/pretrain.sh"
. "$TESTS/webserver.sh"
. "$TESTS/bqserver.sh"

pretrain_world || { fail "local IDC world"; done_testing; exit; }
is "$(cut -d' ' -f1 "$TOP/checksums/ct-fm-query.gitblob")" 4ae4fc3edef09abadffe4d8736e2fe76bd5c9f0c \
   "the shipped pin is the git blob id of CT-FM's query.sql (SOURCES.md)"

# What BigQuery answers: the four series of the world, with collections and instance URLs as
# dicom_all's aws_url gives them (cp s3://<bucket>/<series>/<instance>.dcm.).
"$PYTHON" "$TESTS/fixtures/bqrows.py" idc "$T/rows.json" \
	"$UUID_asc idc-open-data rider_lung_ct PT-A 1.2.3.1" "$UUID_desc idc-open-data-two nlst PT-B 1.2.3.2" \
	"$UUID_jls idc-open-data-cr tcga_luad PT-C 1.2.3.3" "$UUID_real idc-open-data lidc_idri X 1.2.3.4"
"$PYTHON" "$TESTS/fixtures/bqrows.py" csv "$T/rows.json" > "$T/want.csv"
commit=$(sed -n 's/^CTFM_COMMIT *:= *//p' "$TOP/mk/pretrain.mk")
Q=$T/www/project-lighter/CT-FM/$commit/notebooks/data-download/query.sql
mkdir -p "$(dirname "$Q")"
printf 'SELECT SeriesInstanceUID, collection_id, PatientID, CONCAT("cp ", ANY_VALUE(aws_url), ".") AS cp_command\nFROM `bigquery-public-data.idc_v14.dicom_all`\nGROUP BY 1, 2, 3\n' > "$Q"
pin=$(git hash-object "$Q")
ok "web server starts" web_start "$T/www"
ok "BigQuery stand-in starts" bq_start "$T/rows.json" --token tok --page 3 --pending 2
export BQ_TOKEN=tok

mk() { make --no-print-directory -C "$TOP" DATA="$T/data" GITHUB_RAW_URL="$WEB_URL" BQ_URL="$BQ_URL" "$@" >"$T/make.log" 2>&1; }
M=$T/data/manifests

ok_fails "a query.sql that does not match the pin: refused" 2 mk manifest BQ_PROJECT=proj CTFM_QUERY_PIN=4ae4fc3edef09abadffe4d8736e2fe76bd5c9f0c \
	MANIFEST_FETCH_FLAGS="--retries 1"
ok_fails "without BQ_PROJECT: refused" 2 mk manifest CTFM_QUERY_PIN="$pin"
ok_fails "IDC_VERSION=14 (not v14): refused" 2 mk manifest BQ_PROJECT=proj IDC_VERSION=14 CTFM_QUERY_PIN="$pin"
is "$(bq_stat 's.calls') $(ls "$M" 2>/dev/null | grep -c -v '\.part$')" "0 0" "BigQuery was not asked, nothing was written (not even the query)"

ok "make manifest BQ_PROJECT=proj IDC_VERSION=v15" mk manifest BQ_PROJECT=proj IDC_VERSION=v15 CTFM_QUERY_PIN="$pin"
is "$(sha256sum < "$M/ctfm-v15.csv" | cut -d' ' -f1)" "$(sha256sum < "$T/want.csv" | cut -d' ' -f1)" \
   "ctfm-v15.csv is byte for byte the CSV of the rows BigQuery sent"
is "$(bq_stat 's.queries[0]')" "$(sed 's/idc_v14/idc_v15/' "$Q")" "the pinned query was run on idc_v15"
is "$(cut -f1 "$M/ctfm-v15.csv.info" | tr '\n' ' ')" "idc_version dataset query query_gitblob rows sha256 job bytes_processed cache_hit " \
   "the record's fields"
is "$(awk -F'\t' '$1~/^(idc_version|dataset|rows|sha256|query_gitblob)$/{print $2}' "$M/ctfm-v15.csv.info" | tr '\n' ' ')" \
   "v15 bigquery-public-data.idc_v15 $pin 4 $(sha256sum < "$M/ctfm-v15.csv" | cut -d' ' -f1) " \
   "it says the release, the query's pin, the row count and the CSV's SHA-256"
is "$(ls -a "$M" | grep -c -e '\.new' -e '\.tmp\.')" 0 "no temporary left"

calls=$(bq_stat 's.calls')
ok "make manifest again" mk manifest BQ_PROJECT=proj IDC_VERSION=v15 CTFM_QUERY_PIN="$pin"
is "$(bq_stat 's.calls')" "$calls" "runs (and bills) no second query"

# A query of one's own that mixes releases is refused; nothing is asked.
printf 'SELECT * FROM `bigquery-public-data.idc_v14.dicom_all` JOIN `bigquery-public-data.idc_v13.dicom_all` USING (x)\n' > "$T/mine.sql"
ok_fails "QUERY= naming two releases: refused" 2 mk manifest BQ_PROJECT=proj QUERY="$T/mine.sql"
is "$(bq_stat 's.calls') $(ls "$M" | grep -c mine)" "$calls 0" "not sent, nothing written"

# The CSV as MANIFEST: the real collections.
ok "make pretrain-data MANIFEST=ctfm-v15.csv" pretrain "$T/data" -j2 MANIFEST="$M/ctfm-v15.csv"
is "$(pkl_rel "$T/data" | cut -d/ -f3 | tr '\n' ' ')" "rider_lung_ct nlst tcga_luad lidc_idri " \
   "scan_list.pkl: scans/<collection_id>/... in manifest order"
ok "no scan under unknown-collection" test ! -e "$T/data/pretrain/scans/unknown-collection"
is "$(awk -F'\t' 'NR==1{for(i=1;i<=NF;i++)if($i=="collection_id")c=i;next}{print $c}' "$T/data/pretrain/index.tsv" | tr '\n' ' ')" \
   "rider_lung_ct nlst tcga_luad lidc_idri " "index.tsv's collection_id"
is "$(find "$T/data/pretrain/scans" -name scan.nrrd | wc -l)" 4 "four NRRDs"
done_testing
