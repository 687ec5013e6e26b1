#!/usr/bin/env bash
# make pretrain-data against a local IDC mirror: scan_list.pkl is what CT-FM's config loads
# (a list of absolute pathlib.PosixPath to scan.nrrd, in manifest order), each NRRD equals
# plastimatch's conversion of the seeded series, the layout is CT-FM's, the DICOM is linked not
# copied, index.tsv carries the metadata, and a second run does nothing and sends no request.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/pretrain.sh"

pretrain_world || { fail "local IDC world"; done_testing; exit; }
D=$T/data
ok "make pretrain-data -j2 over four series (four manifest forms)" pretrain "$D" -j2
[ -s "$D/pretrain/scan_list.pkl" ] || { diag "$(tail -20 "$T/make.log")"; done_testing; exit; }

uid() { "$PYTHON" -c 'import pydicom,sys,glob; print(pydicom.dcmread(sorted(glob.glob(sys.argv[1]+"/*"))[0]).'"$2"')' "$1"; }
want=""
for s in $PRETRAIN_SERIES; do
	eval src=\$SRC_$s
	want="${want}pretrain/scans/unknown-collection/$(uid "$src" PatientID)/$(uid "$src" StudyInstanceUID)/$(uid "$src" SeriesInstanceUID)/scan.nrrd "
done
is "$(pkl_rel "$D" | tr '\n' ' ')" "$want" \
   "the pickle: absolute PosixPaths in manifest order, scans/<collection>/<PatientID>/<Study>/<Series>/scan.nrrd"

for s in $PRETRAIN_SERIES; do
	eval src=\$SRC_$s
	pm_convert "$src" "$T/$s.pm.nrrd" short
	nrrd=$D/$(pkl_rel "$D" | grep "$(uid "$src" SeriesInstanceUID)/scan.nrrd")
	ok "$s: the NRRD holds plastimatch's voxels and geometry" same_volume "$nrrd" "$T/$s.pm.nrrd"
done

dcm=$(find "$D/pretrain/scans" -name '*.dcm' | head -1)
is "$(stat -c %h "$dcm")" 2 "the sorted DICOM is a hard link to the verified download, not a copy"
is "$(find "$D/pretrain/scans" -name '*.dcm' | wc -l)" \
   "$(( $(ls "$SRC_asc" | wc -l) + $(ls "$SRC_desc" | wc -l) + $(ls "$SRC_jls" | wc -l) + $(ls "$SRC_real" | wc -l) ))" \
   "every instance is in the layout"

col() { awk -F'\t' -v k="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i; next } { print $c }' "$D/pretrain/index.tsv"; }
is "$(col SeriesInstanceUID | tr '\n' ' ')" \
   "$(for s in $PRETRAIN_SERIES; do eval src=\$SRC_$s; printf '%s ' "$(uid "$src" SeriesInstanceUID)"; done)" \
   "index.tsv: one row per scan, in plan order"
is "$(col num_instances | tr '\n' ' ')" "24 26 20 5 " "index.tsv: num_instances from the headers"
is "$(col idc_url | head -1)" "s3://idc-open-data/$UUID_asc/" "index.tsv: idc_url names the series in its bucket"
is "$(col dicom_bytes | head -1)" "$(cat "$SRC_asc"/* | wc -c)" "index.tsv: dicom_bytes is what was fetched"
is "$(wc -l < "$D/pretrain/failed.tsv")" 1 "failed.tsv: a header and no failure"

proxy_reset stats
before=$(md5_of "$D/pretrain/scan_list.pkl") mtime=$(stat -c %Y.%y "$D/pretrain/scan_list.pkl")
ok "make -q: nothing left to do" make -q --no-print-directory -C "$TOP" pretrain-data DATA="$D" \
	MANIFEST="$T/manifest.txt" IDC_ENDPOINT="$PROXY_URL"
ok "a second make pretrain-data succeeds" pretrain "$D" -j2
is "$(proxy_sum requests .)" 0 "the second run sent no request at all"
is "$(stat -c %Y.%y "$D/pretrain/scan_list.pkl")" "$mtime" "and rewrote nothing (the pickle's mtime is unchanged)"
ok "make status reads the finished set" make --no-print-directory -C "$TOP" status DATA="$D"
is "$(grep -o '[0-9]* done, [0-9]* failed, [0-9]* left of [0-9]*' "$T/.ok.out")" "4 done, 0 failed, 0 left of 4" \
   "make status: 4 done, 0 failed, 0 left"
done_testing
