#!/usr/bin/env bash
# make downstream-3dmir against a local web server standing in for raw.githubusercontent.com and
# the MSD bucket: the 3D-MIR tables (BOM, CRLF, quoted captions) are fetched from the pinned
# commit, verified by git blob id, normalised, and joined to the MSD images of the four organs
# (Task10_Colon unpacked too although MSD_TASKS does not name it) into index.tsv and
# datalist.json. (Pins checked before any download, and the real files' quirks: test 5010.)
. "$(dirname "$0")/../lib.sh"
. "$TESTS/webserver.sh"

COMMIT=4b661643f010ba8a443778be813f354edb12ce53
G=$T/www/abachaa/3D-MIR/$COMMIT/Data
mkdir -p "$G/3DMIR_labels" "$G/Data_Splits"
"$PYTHON" "$TESTS/fixtures/msd.py" "$T/www" Task03_Liver:liver:3:1 Task10_Colon:colon:2:1 Task07_Pancreas:pancreas:2:0 Task06_Lung:lung:2:0
for t in Task03_Liver Task10_Colon Task07_Pancreas Task06_Lung; do echo "$(md5_of "$T/www/$t.tar")  $t.tar"; done > "$T/msd.md5"

H='name,organ,max_tumor_size,number_tumors,lesion_group,cancer_flag,CaptionV1'
printf '\357\273\277%s\r\nliver_0.nii.gz,liver,2.4,7,2,1,"A liver, 7 tumors"\r\nliver_1.nii.gz,liver,0,0,-1,0,"""normal"""\r\nliver_3.nii.gz,liver,3.5,1,3,1,x\r\n' "$H" > "$G/3DMIR_labels/liver_labels_and_captions.csv"
printf '%s\ncolon_0.nii.gz,colon,1,1,1,1,"c, d"\ncolon_2.nii.gz,colon,0,0,-1,0,\n' "$H" > "$G/3DMIR_labels/colon_labels_and_captions.csv"
printf '%s\r\npancreas_1.nii.gz,pancreas,2,1,2,1,"two\r\nlines"\r\n' "$H" > "$G/3DMIR_labels/pancreas_labels_and_captions.csv"
printf '\357\273\277%s\nlung_0.nii.gz,lung,0,0,-1,0,n\n' "$H" > "$G/3DMIR_labels/lung_labels_and_captions.csv"
split() { local f=$G/Data_Splits/$1_full_$2_split.csv col=$3; shift 3; printf ',%s\r\n' "$col" > "$f"; local i=0; for n; do printf '%d,%s\r\n' $i "$n" >> "$f"; i=$((i + 1)); done; }
split liver train training liver_0.nii.gz lung_0.nii.gz
split liver test testing liver_3.nii.gz colon_0.nii.gz
split colon train training colon_0.nii.gz
split colon test testing colon_2.nii.gz liver_1.nii.gz
split pancreas train training pancreas_1.nii.gz
split pancreas test testing liver_0.nii.gz
split lung train training lung_0.nii.gz
split lung test testing pancreas_1.nii.gz
(cd "$T/www/abachaa/3D-MIR/$COMMIT" && for f in Data/*/*.csv; do echo "$(git hash-object "$f")  $f"; done) > "$T/3dmir.gitblob"

ok "server starts" web_start "$T/www"
D=$T/data/downstream
mk() { make --no-print-directory -f "$TOP/Makefile" DATA="$T/data" MSD_URL="$WEB_URL" GITHUB_RAW_URL="$WEB_URL" MSD_PINS="$T/msd.md5" "$@"; }

ok "make downstream-3dmir with real pins" mk downstream-3dmir TDMIR_PINS="$T/3dmir.gitblob"
cat > "$T/want" <<'EOF2'
task	image	organ	lesion_group	cancer_flag	split
liver	../msd/Task03_Liver/imagesTr/liver_0.nii.gz	liver	2	1	train
liver	../msd/Task06_Lung/imagesTr/lung_0.nii.gz	lung	-1	0	train
liver	../msd/Task03_Liver/imagesTs/liver_3.nii.gz	liver	3	1	test
liver	../msd/Task10_Colon/imagesTr/colon_0.nii.gz	colon	1	1	test
colon	../msd/Task10_Colon/imagesTr/colon_0.nii.gz	colon	1	1	train
colon	../msd/Task10_Colon/imagesTs/colon_2.nii.gz	colon	-1	0	test
colon	../msd/Task03_Liver/imagesTr/liver_1.nii.gz	liver	-1	0	test
pancreas	../msd/Task07_Pancreas/imagesTr/pancreas_1.nii.gz	pancreas	2	1	train
pancreas	../msd/Task03_Liver/imagesTr/liver_0.nii.gz	liver	2	1	test
lung	../msd/Task06_Lung/imagesTr/lung_0.nii.gz	lung	-1	0	train
lung	../msd/Task07_Pancreas/imagesTr/pancreas_1.nii.gz	pancreas	2	1	test
EOF2
is "$(cat "$D/3dmir/index.tsv")" "$(cat "$T/want")" "index.tsv: every split row joined to its labels and its MSD image"
bad=0 n=0; while IFS=$'\t' read -r _ img _; do n=$((n + 1)); [ "$img" = image ] || [ -f "$D/3dmir/$img" ] || bad=$((bad + 1)); done < "$D/3dmir/index.tsv"
is "$bad $n" "0 12" "every image path resolves from the 3dmir folder"
is "$(head -c 3 "$D/3dmir/tables/Data/3DMIR_labels/liver_labels_and_captions.csv")" "nam" "tables: BOM removed"
is "$(grep -c $'\r' "$D/3dmir/tables/Data/3DMIR_labels/liver_labels_and_captions.csv" "$D/3dmir/tables/Data/Data_Splits/liver_full_train_split.csv" | cut -d: -f2 | tr '\n' ' ')" "0 0 " "tables: no CR left"
is "$(sed -n 3p "$D/3dmir/tables/Data/3DMIR_labels/liver_labels_and_captions.csv")" 'liver_1.nii.gz,liver,0,0,-1,0,"""normal"""' "tables: quoted fields kept"
is "$("$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["training"]), len(d["testing"]), d["testing"][0])' "$D/3dmir/datalist.json")" \
   "5 6 {'image': '../msd/Task03_Liver/imagesTs/liver_3.nii.gz', 'task': 'liver', 'organ': 'liver', 'cancer_flag': '1', 'label': 3}" "datalist.json from index.tsv"
is "$(ls "$D/msd" | tr '\n' ' ')" "Task03_Liver Task06_Lung Task07_Pancreas Task10_Colon " "the four MSD tasks 3D-MIR needs were unpacked"

reqs=$(web_requests /Task10_Colon.tar)
ok "re-run" mk downstream-3dmir TDMIR_PINS="$T/3dmir.gitblob"
ok "re-run: up to date (make -q)" mk -q "$D/3dmir/datalist.json" TDMIR_PINS="$T/3dmir.gitblob"
is "$(web_requests /Task10_Colon.tar)" "$reqs" "re-run: no request"
done_testing
