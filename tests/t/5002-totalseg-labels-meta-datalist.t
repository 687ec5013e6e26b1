#!/usr/bin/env bash
# make downstream-totalseg against a local Zenodo (record API + files, a 429 with Retry-After on
# the first request of each): a ZIP64 archive with 4 cases under one top folder, all 117 mask
# names. Each label.nii.gz equals the masks merged by class id (the higher id where they overlap)
# on the CT's grid; meta.csv loses its BOM and ';'; datalist.json follows the split column, then
# TOTALSEG_FOLDS. A re-run does nothing; a record whose md5 differs from the pin is refused
# before any download; an archive with the cases at its root (and a table listing more cases
# than it holds, as the small record's may) works too.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/webserver.sh"

CLASSES=$TOP/manifests/totalsegmentator-v2-classes.tsv
mkdir -p "$T/www/records/8367088" "$T/www/records/8367169"
"$PYTHON" "$TESTS/fixtures/totalseg.py" "$CLASSES" "$T/www/records/8367088/Totalsegmentator_dataset_v2.zip" --top Totalsegmentator_dataset_v2 --cases 4
"$PYTHON" "$TESTS/fixtures/totalseg.py" "$CLASSES" "$T/www/records/8367169/Totalsegmentator_dataset_small_v201.zip" --cases 2 --listed-only 3
ok "server starts (429 first)" web_start "$T/www" --429 1

D=$T/data/downstream
mk() { make --no-print-directory -f "$TOP/Makefile" DATA="$T/data" ZENODO_URL="$WEB_URL" "$@"; }
ok "make downstream-totalseg (through a 429 on the API and on the file)" mk downstream-totalseg
is "$(web_requests /records/8367088/files/Totalsegmentator_dataset_v2.zip)" 2 "the file: one 429, one GET"

is "$(cd "$D/totalseg" && ls -d s*/ | tr -d / | tr '\n' ' ')" "s0001 s0002 s0003 s0004 " "one folder per case"
bad=0
for c in s0001 s0002 s0003 s0004; do
	read -r differ dtype geo n < <("$PYTHON" "$TESTS/fixtures/labelcheck.py" "$CLASSES" "$D/.unpacked/totalseg-8367088/$c" "$D/totalseg/$c/label.nii.gz")
	[ "$differ $dtype $geo" = "0 2 1" ] && [ "$n" -gt 0 ] || { bad=$((bad + 1)); diag "$c: $differ voxels differ, datatype $dtype, geometry same $geo, $n labelled"; }
done
is "$bad" 0 "every label.nii.gz: voxels = masks merged by class id, uint8, the CT's geometry"
"$PYTHON" - "$D/totalseg/s0001/label.nii.gz" <<'PY'
import gzip, sys, numpy as np
b = gzip.open(sys.argv[1]).read()
a = np.frombuffer(b, np.uint8, 7 * 6 * 5, 352).reshape(5, 6, 7)  # z, y, x
# spleen (1) spans x 0-2, y 0-2, z 0-1; liver (5) x 2-4, y 2-4, z 1-2: they share (2, 2, 1)
sys.exit(0 if a[1, 2, 2] == 5 and a[0, 0, 0] == 1 and a[2, 4, 4] == 5 and a[4, 5, 0] == 117 else 1)
PY
is "$?" 0 "the overlap voxel holds the higher id (liver 5 over spleen 1); last class id 117 present"
is "$(md5_of "$D/totalseg/s0002/ct.nii.gz")" "$(md5_of "$D/.unpacked/totalseg-8367088/s0002/ct.nii.gz")" "ct.nii.gz is the archive's"
is "$(head -c 3 "$D/totalseg/meta.csv" | od -An -tx1 | tr -d ' ')" "696d61" "meta.csv: no BOM (starts 'ima')"
is "$(sed -n 2p "$D/totalseg/meta.csv")" 's0001,51,f,A,ct abdomen,train,Siemens,Somatom,120,none,"liver; left, ""seg"""' "meta.csv: , for ;, no CR, a quoted field kept (quoted again for its comma)"
is "$(grep -c . "$D/totalseg/meta.csv")" 5 "meta.csv: header and 4 rows"
is "$(ls "$D/.archives/" | grep -c zip)" 0 "the zip is dropped after unpacking (KEEP_ARCHIVES=0)"

splits() { "$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(k + ":" + ",".join(e["image"].split("/")[0] for e in d[k]) for k in ("training", "validation", "testing")))
for k in d:
    for e in d[k]:
        assert e["label"] == e["image"].replace("ct.nii.gz", "label.nii.gz"), e' "$1"; }
is "$(splits "$D/totalseg/datalist.json")" "training:s0001,s0004 validation:s0002 testing:s0003" "datalist.json by meta.csv's split"

reqs=$(web_requests /api/records/8367088)
find "$D" -type f -printf '%p %T@\n' | sort > "$T/before"
ok "re-run" mk downstream-totalseg
find "$D" -type f -printf '%p %T@\n' | sort > "$T/after"
is "$(diff "$T/before" "$T/after" && echo same)" same "re-run: no file written"
is "$(web_requests /api/records/8367088)" "$reqs" "re-run: no request"

cat > "$T/folds.json" <<'JSON'
{"training": [{"image": "s0001/ct.nii.gz", "label": "s0001/label.nii.gz", "fold": 0},
              {"image": "s0002/ct.nii.gz", "label": "s0002/label.nii.gz", "fold": 1},
              {"image": "s0003/ct.nii.gz", "label": "s0003/label.nii.gz", "fold": 2}],
 "testing": [{"image": "s0004/ct.nii.gz", "label": "s0004/label.nii.gz"}]}
JSON
ok "TOTALSEG_FOLDS given: rebuilt" mk downstream-totalseg TOTALSEG_FOLDS="$T/folds.json"
is "$("$PYTHON" -c 'import csv,sys; print(" ".join(r[0] + "," + r[-1] for r in csv.reader(open(sys.argv[1]))))' "$D/totalseg/meta.csv") " "image_id,vista_split s0001,val s0002,train s0003,train s0004,test " "meta.csv gains vista_split (fold 0 = val)"
is "$(splits "$D/totalseg/datalist.json")" "training:s0002,s0003 validation:s0001 testing:s0004" "datalist.json by vista_split"

# The small record: cases at the archive's root; pinned md5 wrong first, then right.
echo "0123456789abcdef0123456789abcdef  Totalsegmentator_dataset_small_v201.zip" > "$T/pins"
rm -rf "$D/totalseg"
ok_fails "md5 differing from the pin: refused" 2 mk downstream-totalseg TOTALSEG_RECORD=8367169 TOTALSEG_PINS="$T/pins"
is "$(web_bytes /records/8367169/files/Totalsegmentator_dataset_small_v201.zip)" 0 "refused before any byte of the archive was fetched"
is "$(ls -d "$D/.unpacked/totalseg-8367169"* "$D/totalseg"/* 2>/dev/null)" "" "nothing unpacked, no case, no datalist"
echo "$(md5_of "$T/www/records/8367169/Totalsegmentator_dataset_small_v201.zip")  Totalsegmentator_dataset_small_v201.zip" > "$T/pins"
mk downstream-totalseg TOTALSEG_RECORD=8367169 TOTALSEG_PINS="$T/pins" KEEP_ARCHIVES=1 >/dev/null 2>"$T/small.err"
is "$?" 0 "cases at the archive's root, right pin, KEEP_ARCHIVES=1"
is "$(splits "$D/totalseg/datalist.json")" "training:s0001 validation:s0002 testing:" "small record: datalist"
is "$(cut -d, -f1 "$D/totalseg/meta.csv" | tr '\n' ' ')" "image_id s0001 s0002 " "meta.csv lists only the cases the archive holds (its table named 3 more)"
is "$(grep -c '3 of 5 rows name nothing' "$T/small.err")" 1 "...and says so"
is "$(md5_of "$D/.archives/zenodo-8367169.zip")" "$(md5_of "$T/www/records/8367169/Totalsegmentator_dataset_small_v201.zip")" "KEEP_ARCHIVES=1 keeps the verified zip"
done_testing
