#!/usr/bin/env bash
# make downstream-sinoct: without SINOCT_SRC it prints what to download and where to put it,
# fails and writes nothing; with a source missing a study or holding an unlabelled one it names
# them and converts nothing; with a look-alike download (tests/fixtures/sinoct.py: folders nested
# two deep, zips, a labels table with quoted "1,0"/"0,1", a study without DICOM) every good study
# becomes <patient_id>/nrrd/scan.nrrd (the rule's series, as plastimatch converts it), labels.csv
# what CT-FM reads, and datalist.json exactly CT-FM's split (sorted folders, random.seed(0),
# random.shuffle, 0.8/0.1/0.1, recomputed in Python); the bad study fails alone; a re-run does
# nothing.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

SRC=$T/src
"$PYTHON" "$TESTS/fixtures/sinoct.py" "$SRC" 20
D=$T/data/downstream
SN=$D/sinoct
mk() { make --no-print-directory -f "$TOP/Makefile" DATA="$T/data" "$@"; }

mk downstream-sinoct > "$T/out.howto" 2>&1
is "$?:$(ls -A "$T/data" 2>/dev/null | wc -l)" "2:0" "no SINOCT_SRC: make fails and writes nothing"
is "$(grep -c -e 'research-use' -e 'SRC/labels.csv' -e 'SRC/<patient_id>.zip' -e 'make downstream-sinoct SINOCT_SRC=SRC' "$T/out.howto")" 4 \
   "it says why, what to download, where to put it and what to type"

# A labelled study missing, a study without a label: named, nothing converted.
cp -r "$SRC" "$T/bad"
rm -r "$T/bad/ST0002"
mkdir -p "$T/bad/XTRA01/a" && cp "$SRC/ST0000/ACC007000/2/IM000000" "$T/bad/XTRA01/a/"
mk downstream-sinoct SINOCT_SRC="$T/bad" > "$T/out.bad" 2>&1
is "$?" 2 "a source with a study missing and one unlabelled: make fails"
is "$(grep -c -e 'bad: 1 studies in SRC without a label: XTRA01' -e 'bad: 1 labelled studies missing from SRC (neither a folder nor a .zip): ST0002' "$T/out.bad")" 2 \
   "the message names the missing study and the unlabelled one"
is "$(ls "$SN" 2>/dev/null | wc -l):$(ls "$D/.sinoct/lists" 2>/dev/null | wc -l)" "0:0" "nothing sorted or converted"

mk -k -j4 downstream-sinoct SINOCT_SRC="$SRC" > "$T/out" 2>&1
is "$?" 2 "make -k downstream-sinoct: fails, for the study without DICOM"
is "$(cut -f1,3 "$D/.sinoct/failed/"*.tsv)" "ST0007	ST0007: no DICOM series found" "the bad study failed alone, saying why"
is "$(grep -c 'sinoct: 1 failed: ST0007' "$T/out")" 1 "make names it"
is "$(cd "$SN" && find . -type f -name scan.nrrd | sort | head -2 | tr '\n' ' ')" \
   "./ST0000/nrrd/scan.nrrd ./ST0001/nrrd/scan.nrrd " "CT-FM's layout <patient_id>/nrrd/scan.nrrd"
is "$(cd "$SN" && find . -mindepth 1 -maxdepth 1 -type d | wc -l):$(find "$SN" -type f -name '*.nrrd' | wc -l):$(ls -d "$SN/ST0007" 2>/dev/null)" \
   "19:19:" "19 study folders, each with its one scan, none for the bad study; zips and nested folders alike"
pm_convert "$T/sinoct-ref/ST0001" "$T/ref.nrrd" short
ok "ST0001: the thin plain series (not the bone one, not the 5 mm one) as plastimatch converts it" same_volume "$SN/ST0001/nrrd/scan.nrrd" "$T/ref.nrrd"

"$PYTHON" - "$SN" "$SRC/labels.csv" > "$T/ctfm" <<'PY'
import csv, json, random, sys
from pathlib import Path
data, src = Path(sys.argv[1]), sys.argv[2]
labels = {r["patient_id"]: r["label"] for r in csv.DictReader(open(data / "labels.csv", newline=""))}
given = {r["patient_id"]: r["label"] for r in csv.DictReader(open(src, newline=""))}
dirs = sorted(x for x in data.iterdir() if x.is_dir())
random.seed(0)
random.shuffle(dirs)
a, b = int(0.8 * len(dirs)), int((0.8 + 0.1) * len(dirs))
want = {"training": dirs[:a], "validation": dirs[a:b], "testing": dirs[b:]}
got = json.load(open(data / "datalist.json"))
same = all([{"id": d.name, "image": str((d / "nrrd" / "scan.nrrd").relative_to(data)),
             "label": int(labels[d.name].split(",")[1])} for d in want[k]] == got[k] for k in want)
print(same, {k: len(v) for k, v in got.items()}, all(labels[k] == given[k] for k in labels), len(labels))
PY
is "$(cat "$T/ctfm")" "True {'training': 15, 'validation': 2, 'testing': 2} True 19" \
   "datalist.json is CT-FM's split of the folder, id by id; labels.csv gives each study its label"
is "$(head -1 "$SN/labels.csv")" "patient_id,label,abnormal" "labels.csv: index column patient_id, label as CT-FM reads it"
is "$(awk -F'\t' 'NR > 1 && $1 == "ST0001" { print $5 "|" $(NF - 1) }' "$SN/series.tsv" | tr '\n' ' ')" "H40s|1 H40s|0 H70h|0 " "series.tsv: ST0001's three series, one chosen"

# The bad study removed from the source and its labels: the set completes; a re-run does nothing.
rm "$SRC/ST0007.zip"
grep -v ST0007 "$SRC/labels.csv" > "$T/labels.csv"
ok "without the bad study (labels elsewhere: SINOCT_LABELS): completes" mk -j4 downstream-sinoct SINOCT_SRC="$SRC" SINOCT_LABELS="$T/labels.csv"
find "$T/data" -type f -printf '%p %T@\n' | sort > "$T/before"
ok "re-run" mk -j4 downstream-sinoct SINOCT_SRC="$SRC" SINOCT_LABELS="$T/labels.csv"
ok "re-run: make -q says up to date" mk -q "$SN/datalist.json" SINOCT_SRC="$SRC" SINOCT_LABELS="$T/labels.csv"
find "$T/data" -type f -printf '%p %T@\n' | sort > "$T/after"
is "$(diff "$T/before" "$T/after" && echo same)" same "re-run: no file written"
is "$("$TOP/bin/ct-status" "$T/data" | grep sinoct | tr -s ' ')" "downstream-sinoct done" "make status: sinoct done"
done_testing
