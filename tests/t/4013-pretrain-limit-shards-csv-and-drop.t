#!/usr/bin/env bash
# LIMIT=N converts the first N scans; SHARD=i/n runs cover the set exactly and pretrain-index
# joins them into the same pickle as one run; a CSV manifest's collection_id names the layout;
# KEEP_DICOM=drop removes the DICOM once the NRRD is written, and a re-run fetches nothing;
# gs:// lines are fetched from GCS_ENDPOINT and verified by x-goog-hash.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/pretrain.sh"

pretrain_world || { fail "local IDC world"; done_testing; exit; }
ok "LIMIT=2" pretrain "$T/lim" LIMIT=2
is "$(pkl_rel "$T/lim" | wc -l) $(nrrd_sums "$T/lim" | wc -l)" "2 2" "LIMIT=2: two scans converted and listed"
ok "the same DATA without LIMIT completes the rest" pretrain "$T/lim" -j2
is "$(pkl_rel "$T/lim" | wc -l)" 4 "then the pickle lists all four"

for i in 1 2 3; do ok "SHARD=$i/3" pretrain "$T/sh" SHARD=$i/3 -j2; done
ok "pretrain-index joins the shards" make --no-print-directory -C "$TOP" pretrain-index DATA="$T/sh" \
	MANIFEST="$T/manifest.txt" IDC_ENDPOINT="$PROXY_URL"
ok "a one-machine run for comparison" pretrain "$T/one" -j2
is "$(pkl_rel "$T/sh")" "$(pkl_rel "$T/one")" "three shards then pretrain-index: the same pickle as one run"
is "$(nrrd_sums "$T/sh")" "$(nrrd_sums "$T/one")" "and the same NRRD bytes"

{
	echo "SeriesInstanceUID,collection_id,PatientID,cp_command"
	echo "1.2.3.1,rider_lung_ct,PT-A,cp s3://idc-open-data/$UUID_asc/*."
	echo "1.2.3.2,nlst,PT-B,cp s3://idc-open-data-two/$UUID_desc/*."
} > "$T/query.csv"
MANIFEST=$T/query.csv
ok "a CSV manifest (query results with collection_id)" pretrain "$T/csv" -j2
unset MANIFEST
is "$(pkl_rel "$T/csv" | cut -d/ -f3,4 | tr '\n' ' ')" "rider_lung_ct/PT-A nlst/PT-B " \
   "the layout is scans/<collection_id>/<PatientID>/..."

ok "KEEP_DICOM=drop" pretrain "$T/drop" -j2 KEEP_DICOM=drop
is "$(find "$T/drop" -name '*.dcm' | wc -l)" 0 "no DICOM is left, neither downloaded nor linked"
is "$(nrrd_sums "$T/drop")" "$(nrrd_sums "$T/one")" "the NRRDs are those of a run that kept the DICOM"
proxy_reset stats
ok "a re-run after the drop" pretrain "$T/drop" -j2 KEEP_DICOM=drop
is "$(proxy_sum requests .)" 0 "sends no request: nothing is fetched or converted again"

proxy_reset
proxy_rule '{"action":"gcs","times":"always"}'
printf 'gs://idc-open-data/%s/\n' "$UUID_asc" > "$T/gs.txt"
MANIFEST=$T/gs.txt
ok "a gs:// manifest, fetched from a GCS-looking GCS_ENDPOINT" pretrain "$T/gs" GCS_ENDPOINT="$PROXY_URL" IDC_ENDPOINT=http://127.0.0.1:9
unset MANIFEST
is "$(tail -n +2 "$T/gs/pretrain/dicom/$UUID_asc/.verified" | cut -f4 | sort -u)" gcs-md5 \
   "every object verified by its x-goog-hash MD5"
ok "the NRRD is the one an S3 run gives" grep -qxF "$(nrrd_sums "$T/gs")" <(nrrd_sums "$T/one")
done_testing
