#!/usr/bin/env bash
# make downstream-msd against a local web server: each task's tar is verified against its pin,
# unpacked without the AppleDouble files, the archive dropped (KEEP_ARCHIVES=0), and datalist.json
# lists every training pair and test image of MSD_TASKS, relative to the msd folder. A re-run
# does nothing; a wrong md5 leaves nothing unpacked; changing MSD_TASKS rebuilds the datalist.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/webserver.sh"

mkdir -p "$T/www"
"$PYTHON" "$TESTS/fixtures/msd.py" "$T/www" Task09_Spleen:spleen:3:2 Task02_Heart:la:2:1
ok "server starts" web_start "$T/www"
for t in Task09_Spleen Task02_Heart; do echo "$(md5_of "$T/www/$t.tar")  $t.tar"; done > "$T/msd.md5"

D=$T/data/downstream
mk() { make --no-print-directory -f "$TOP/Makefile" DATA="$T/data" MSD_URL="$WEB_URL" MSD_PINS="$T/msd.md5" "$@"; }
ok "make downstream-msd" mk downstream-msd MSD_TASKS="Task09_Spleen Task02_Heart"

"$PYTHON" - "$D/msd/datalist.json" > "$T/got" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("training", "validation", "testing"):
    for e in d[k]:
        print(k, e["image"], e.get("label", "-"), e["task"])
PY
cat > "$T/want" <<'EOF2'
training Task09_Spleen/imagesTr/spleen_0.nii.gz Task09_Spleen/labelsTr/spleen_0.nii.gz Task09_Spleen
training Task09_Spleen/imagesTr/spleen_1.nii.gz Task09_Spleen/labelsTr/spleen_1.nii.gz Task09_Spleen
training Task09_Spleen/imagesTr/spleen_2.nii.gz Task09_Spleen/labelsTr/spleen_2.nii.gz Task09_Spleen
training Task02_Heart/imagesTr/la_0.nii.gz Task02_Heart/labelsTr/la_0.nii.gz Task02_Heart
training Task02_Heart/imagesTr/la_1.nii.gz Task02_Heart/labelsTr/la_1.nii.gz Task02_Heart
testing Task09_Spleen/imagesTs/spleen_3.nii.gz - Task09_Spleen
testing Task09_Spleen/imagesTs/spleen_4.nii.gz - Task09_Spleen
testing Task02_Heart/imagesTs/la_2.nii.gz - Task02_Heart
EOF2
is "$(cat "$T/got")" "$(cat "$T/want")" "datalist.json: every training pair and test image, paths relative to msd/"
is "$(cat "$D/msd/Task09_Spleen/imagesTr/spleen_1.nii.gz")" "Task09_Spleen imagesTr/spleen_1.nii.gz" "an image's bytes are the tar's"
is "$(find "$D/msd" -name '._*' | wc -l)" 0 "no AppleDouble file left"
is "$(ls "$D/.archives/msd/" 2>/dev/null)" "" "archives dropped after unpacking (KEEP_ARCHIVES=0)"

reqs=$(web_requests /Task09_Spleen.tar)
find "$D" -type f -printf '%p %T@\n' | sort > "$T/before"
ok "re-run succeeds" mk downstream-msd MSD_TASKS="Task09_Spleen Task02_Heart"
find "$D" -type f -printf '%p %T@\n' | sort > "$T/after"
is "$(diff "$T/before" "$T/after" && echo same)" same "re-run: no file written"
is "$(web_requests /Task09_Spleen.tar)" "$reqs" "re-run: no request to the server"
ok "re-run: make -q says up to date" mk -q "$D/msd/datalist.json" MSD_TASKS="Task09_Spleen Task02_Heart"

ok "MSD_TASKS changed: datalist rebuilt" mk downstream-msd MSD_TASKS="Task02_Heart"
is "$("$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sorted({e["task"] for k in d for e in d[k]}))' "$D/msd/datalist.json")" "['Task02_Heart']" "the datalist follows MSD_TASKS"

# A wrong md5: the tar is fetched, refused, and nothing is unpacked.
"$PYTHON" "$TESTS/fixtures/msd.py" "$T/www" Task10_Colon:colon:1:1
echo "00000000000000000000000000000000  Task10_Colon.tar" >> "$T/msd.md5"
ok_fails "wrong md5: make fails" 2 mk downstream-msd MSD_TASKS="Task10_Colon" DOWNSTREAM_FETCH_FLAGS="--retries 1"
is "$(ls -d "$D/msd/Task10_Colon"* 2>/dev/null)" "" "wrong md5: nothing unpacked"
is "$(ls "$D/.archives/msd/" | grep -c '^Task10_Colon.tar$')" 0 "wrong md5: no archive under its final name"
ok_fails "unknown task: refused before anything runs" 2 mk downstream-msd MSD_TASKS="Task11_Nope"
done_testing
