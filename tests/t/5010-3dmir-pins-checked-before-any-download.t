#!/usr/bin/env bash
# make downstream-3dmir checks every pin it needs (the twelve tables' git blob ids, the four MSD
# tars' md5s) before its first download: with one pin missing or malformed not a single request
# reaches the server, no .part is left, and the message names the file. With its pins, the tables
# generated with the real files' quirks (tests/fixtures/tdmir.py: `,training` header with an
# index column and CRLF, one-column `testing` splits, quoted captions with "" and commas, splits
# naming other organs' images) are verified, kept field for field, and joined. The shipped pin
# file holds all twelve ids. (downstream-msd checks its tasks' pins first too.)
. "$(dirname "$0")/../lib.sh"
. "$TESTS/webserver.sh"

TABLES="Data/3DMIR_labels/liver_labels_and_captions.csv Data/3DMIR_labels/colon_labels_and_captions.csv
Data/3DMIR_labels/pancreas_labels_and_captions.csv Data/3DMIR_labels/lung_labels_and_captions.csv"
for o in liver colon pancreas lung; do TABLES="$TABLES Data/Data_Splits/${o}_full_train_split.csv Data/Data_Splits/${o}_full_test_split.csv"; done
# shellcheck disable=SC2086
ok "shipped pins: all twelve tables pinned by a git blob id" ct-pin --kind sha1-gitblob --check "$TOP/checksums/3dmir.gitblob" $TABLES

COMMIT=4b661643f010ba8a443778be813f354edb12ce53
R=$T/www/abachaa/3D-MIR/$COMMIT
"$PYTHON" "$TESTS/fixtures/tdmir.py" "$R" > "$T/named"
"$PYTHON" "$TESTS/fixtures/msd.py" "$T/www" Task03_Liver:liver:3:1 Task10_Colon:colon:2:1 Task07_Pancreas:pancreas:2:211 Task06_Lung:lung:1:1
for t in Task03_Liver Task10_Colon Task07_Pancreas Task06_Lung; do echo "$(md5_of "$T/www/$t.tar")  $t.tar"; done > "$T/msd.md5"
(cd "$R" && for f in $TABLES; do echo "$(git hash-object "$f")  $f"; done) > "$T/pins"
ok "server starts" web_start "$T/www"

D=$T/data/downstream
mk() { make --no-print-directory -f "$TOP/Makefile" DATA="$T/data" MSD_URL="$WEB_URL" GITHUB_RAW_URL="$WEB_URL" MSD_PINS="$T/msd.md5" "$@"; }
all_requests() { curl -sf "$WEB_URL/_stats" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let n=0;for(const v of Object.values(JSON.parse(s)))n+=v.requests;console.log(n)})'; }
fetched() { find "$T/data" \( -name '*.part' -o -name '*.csv' -o -name '*.tar' -o -name '*.nii.gz' \) | wc -l; }

# One pin missing, one malformed, one MSD pin missing: each stops the target before any request.
grep -v lung_full_test "$T/pins" > "$T/pins.missing"
sed 's/^\([0-9a-f]\{39\}\)[0-9a-f]\(  Data\/Data_Splits\/colon_full_train\)/\1\2/' "$T/pins" > "$T/pins.short"
grep -v Task06_Lung "$T/msd.md5" > "$T/msd.missing"
mk downstream-3dmir TDMIR_PINS="$T/pins.missing" > "$T/out.missing" 2>&1
is "$?:$(all_requests):$(fetched)" "2:0:0" "a missing table pin: make fails, no request, nothing fetched"
is "$(grep -c 'lung_full_test_split.csv: not pinned' "$T/out.missing")" 1 "the message names the file whose pin is missing"
mk -j4 downstream-3dmir TDMIR_PINS="$T/pins.short" > "$T/out.short" 2>&1
is "$?:$(all_requests):$(fetched)" "2:0:0" "a malformed pin (39 digits), make -j4: make fails, no request, nothing fetched"
is "$(grep -c "colon_full_train_split.csv: '[0-9a-f]*' is not a valid sha1-gitblob digest" "$T/out.short")" 1 "the message names the file and the bad pin"
mk downstream-3dmir TDMIR_PINS="$T/pins" MSD_PINS="$T/msd.missing" > "$T/out.msd" 2>&1
is "$?:$(all_requests):$(fetched)" "2:0:0" "a missing MSD tar pin: make fails, no request, nothing fetched"
is "$(grep -c 'Task06_Lung.tar: not pinned' "$T/out.msd")" 1 "the message names the tar"

mk -j4 downstream-msd MSD_TASKS="Task03_Liver Task06_Lung" MSD_PINS="$T/msd.missing" > "$T/out.msdset" 2>&1
is "$?:$(all_requests):$(fetched)" "2:0:0" "downstream-msd -j4, one task's pin missing: no request either"

ok "make downstream-3dmir -j4 with every pin" mk -j4 downstream-3dmir TDMIR_PINS="$T/pins"
# Every table normalised to plain CSV holds the same fields as the original, read by Python's csv.
"$PYTHON" - "$R" "$D/3dmir/tables" $TABLES > "$T/same" <<'PY'
import csv, sys
src, dst, names = sys.argv[1], sys.argv[2], sys.argv[3:]
bad = [n for n in names if list(csv.reader(open(f"{src}/{n}", newline=""))) != list(csv.reader(open(f"{dst}/{n}", newline="")))]
print(len(names), "tables,", len(bad), "differ", bad)
PY
is "$(cat "$T/same")" "12 tables, 0 differ []" "tables: every field (quoted captions with \"\" and commas) as Python's csv reads the original"
# The index: one row per split row, the other-organ rows labelled by their own organ's table.
"$PYTHON" - "$R" "$D/3dmir" > "$T/want" <<'PY'
import csv, os, sys
src, out = sys.argv[1], sys.argv[2]
task = {"liver": "Task03_Liver", "colon": "Task10_Colon", "pancreas": "Task07_Pancreas", "lung": "Task06_Lung"}
lab = {}
for o in task:
    for r in csv.DictReader(open(f"{src}/Data/3DMIR_labels/{o}_labels_and_captions.csv", newline="")):
        lab[r["name"]] = r
print("task\timage\torgan\tlesion_group\tcancer_flag\tsplit")
for o in task:
    for s, col in (("train", "training"), ("test", "testing")):
        for r in csv.DictReader(open(f"{src}/Data/Data_Splits/{o}_full_{s}_split.csv", newline="")):
            n = r[col]; l = lab[n]; own = task[n.split("_")[0]]
            sub = "imagesTr" if os.path.exists(f"{out}/../msd/{own}/imagesTr/{n}") else "imagesTs"
            print("\t".join([o, f"../msd/{own}/{sub}/{n}", l["organ"], l["lesion_group"], l["cancer_flag"], s]))
PY
is "$(cat "$D/3dmir/index.tsv")" "$(cat "$T/want")" "index.tsv: each split row, another organ's image with its own organ's labels and MSD task"
is "$(grep -c $'^liver\t../msd/Task07_Pancreas/imagesTs/pancreas_212.nii.gz\tpancreas\t' "$D/3dmir/index.tsv")" 1 "the liver train split's pancreas_212 row points into Task07_Pancreas"
is "$(grep -c $'\ttest$' "$D/3dmir/index.tsv")" 7 "one-column test splits read"

# A table that does not match its pin is refused: nothing of it is kept.
reqs=$(all_requests)
printf 'name\n' >> "$R/Data/3DMIR_labels/lung_labels_and_captions.csv"
rm -rf "$D/3dmir/index.tsv" "$D/3dmir/datalist.json" "$D/3dmir/tables/Data/3DMIR_labels/lung_labels_and_captions.csv" "$T/data/downstream/.archives/3dmir-$COMMIT/Data/3DMIR_labels/lung_labels_and_captions.csv"
ok_fails "a table changed on the server: refused" 2 mk downstream-3dmir TDMIR_PINS="$T/pins" DOWNSTREAM_FETCH_FLAGS="--retries 0"
is "$(find "$T/data" -name 'lung_labels_and_captions.csv*' -size +0 | wc -l)" 0 "no byte of the refused table is kept, under any name"
isnt "$(all_requests)" "$reqs" "(it was requested)"
done_testing
