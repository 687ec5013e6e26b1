#!/usr/bin/env bash
# make -k downstream-cq500 against a CQ500-shaped bucket (tests/fixtures/cq500.py: spaces in every
# path, several series a study, two series in one folder, gantry tilt, a series split over two
# archives, a stitched series, a broken zip, a series ct-convert refuses, a patient missing from
# reads.csv): exactly one scan.nrrd per good patient folder, voxel for voxel plastimatch's
# conversion of the series the rule picks (the split one gathered whole), series.tsv naming every
# series and why, labels.tsv and datalist.json equal to what CT-FM's get_cq500_datalist computes
# from the folder; the three bad patients fail alone, named; files without a pin are pinned on
# first fetch; a re-run fetches nothing and rewrites nothing.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"
. "$TESTS/webserver.sh"

W=$T/www
"$PYTHON" "$TESTS/fixtures/cq500.py" "$W" 0 1 2 3 4 5 6 7 8
mv "$W/ref" "$T/ref"
ok "server starts" web_start "$W"
D=$T/data/downstream
CQ=$D/cq500
IDS="0 1 2 3 4 5 6 7 8"
mk() { make --no-print-directory -f "$TOP/Makefile" DATA="$T/data" CQ500_URL="$WEB_URL" CQ500_IDS="$IDS" "$@"; }

mk -k -j4 downstream-cq500 > "$T/out" 2>&1
is "$?" 2 "make -k downstream-cq500: fails, for the three bad patients"
is "$(cd "$CQ" && find . -mindepth 1 -maxdepth 1 -type d | sort | tr '\n' '|')" \
   "./CQ500CT0 CQ500CT0|./CQ500CT1 CQ500CT1|./CQ500CT2 CQ500CT2|./CQ500CT3 CQ500CT3|./CQ500CT4 CQ500CT4|./CQ500CT5 CQ500CT5|" \
   "a folder for each good patient, none for the bad ones (CT-FM's loader takes every folder)"
is "$(cd "$CQ" && find . -mindepth 2 | sort | sed 's/^.*\///' | uniq -c | sed 's/^ *//')" "6 scan.nrrd" "each folder holds exactly one file, scan.nrrd"
for n in 0 1 2 3 4 5; do
	pm_convert "$T/ref/$n" "$T/ref-$n.nrrd" short
	ok "CQ500-CT-$n: the same voxels and geometry as plastimatch converting the series the rule picks" \
	   same_volume "$CQ/CQ500CT$n CQ500CT$n/scan.nrrd" "$T/ref-$n.nrrd"
done

col() { awk -F'\t' -v want="$2" 'NR == 1 { n = split(want, w, ","); for (i = 1; i <= NF; i++) c[$i] = i; next }
  { line = ""; for (k = 1; k <= n; k++) line = line (k > 1 ? "|" : "") $(c[w[k]]); print line }' "$1"; }
cat > "$T/want" <<'EOF2'
CQ500-CT-0|CT PLAIN THIN|0.625|24|CQ500-CT-0|CQ500CT0 CQ500CT0/Unknown Study/CT PLAIN THIN
CQ500-CT-1|CT Plain|2.5|20|CQ500-CT-1|CQ500CT1 CQ500CT1/Unknown Study/CT Plain
CQ500-CT-2|CT PLAIN|2.5|20|CQ500-CT-2|CQ500CT2 CQ500CT2/Unknown Study/CT PLAIN
CQ500-CT-3|CT Plain|2.5|24|CQ500-CT-3,CQ500-CT-4|CQ500CT3 CQ500CT3/Unknown Study/CT Plain
CQ500-CT-4|CT 5mm|5.0|8|CQ500-CT-4|CQ500CT4 CQ500CT4/Unknown Study/CT 5mm
CQ500-CT-5|CT Plain|2.5|20|CQ500-CT-5|CQ500CT5 CQ500CT5/Unknown Study/CT Plain
CQ500-CT-7|CT Plain|5.0|10|CQ500-CT-7|CQ500CT7 CQ500CT7/Unknown Study/CT Plain
CQ500-CT-8|CT Plain|5.0|10|CQ500-CT-8|CQ500CT8 CQ500CT8/Unknown Study/CT Plain
EOF2
is "$(col "$CQ/series.tsv" id,description,thickness,slices,archive,folder,chosen | grep '|1$' | sed 's/|1$//')" "$(cat "$T/want")" \
   "series.tsv: the chosen series of each patient; the split one whole (24 slices) from both archives"
is "$(col "$CQ/series.tsv" id,description,slices,chosen,why | grep '^CQ500-CT-0|CT BONE')" "CQ500-CT-0|CT BONE|30|0|sharp kernel (BONE)" \
   "series.tsv: the bone series, with more slices, set aside and why"
is "$(col "$CQ/series.tsv" id,folder,slices | grep -c '^CQ500-CT-2|CQ500CT2 CQ500CT2/Unknown Study/CT PLAIN|')" 2 \
   "series.tsv: the two series of one folder told apart"
is "$(awk -F'\t' 'NR > 1 { n++ } END { print n }' "$CQ/series.tsv")" 12 "series.tsv: every series of every patient whose archive unpacked"
is "$(col "$CQ/index.tsv" name,tilt_deg,irregular_spacing | tr '\n' ' ')" \
   "CQ500-CT-0|0.000|0 CQ500-CT-1|15.000|0 CQ500-CT-2|0.000|0 CQ500-CT-3|0.000|0 CQ500-CT-4|0.000|0 CQ500-CT-5|0.000|1 " \
   "index.tsv: the tilt recorded (not corrected), the stitched series flagged as unevenly spaced"

# What CT-FM's get_cq500_datalist makes of the folder, reimplemented from its description:
# sorted folders, random.seed(0), random.shuffle, id CQ500-CT-<N>, first rglob scan.nrrd,
# label = any reads.csv column but Category; and the majority of readers per finding.
"$PYTHON" - "$CQ" > "$T/ctfm" <<'PY'
import csv, json, random, sys
from pathlib import Path
data = Path(sys.argv[1])
rows = {r["name"]: r for r in csv.DictReader(open(data / "reads.csv", newline=""))}
dirs = sorted(x for x in data.iterdir() if x.is_dir())
random.seed(0)
random.shuffle(dirs)
want = [{"id": "CQ500-CT-" + d.name.split(" ")[0].replace("CQ500CT", ""),
         "image": str(list(d.rglob("scan.nrrd"))[0].relative_to(data))} for d in dirs]
for w in want:
    w["label"] = int(any(int(v) for k, v in rows[w["id"]].items() if k not in ("name", "Category")))
got = json.load(open(data / "datalist.json"))
print("datalist", got["testing"] == want and got["training"] == [] and got["validation"] == [], len(want))
finds = [k[3:] for k in rows["CQ500-CT-0"] if k.startswith("R1:")]
lab = list(csv.DictReader(open(data / "labels.tsv", newline=""), delimiter="\t"))
ok = [r["name"] for r in lab] == list(rows) and all(
    r["label"] == str(int(any(int(rows[r["name"]][f"R{k}:{f}"]) for k in (1, 2, 3) for f in finds))) and
    all(r[f] == str(int(sum(int(rows[r["name"]][f"R{k}:{f}"]) for k in (1, 2, 3)) >= 2)) for f in finds)
    for r in lab)
print("labels", ok, len(lab), sum(r["label"] == "1" for r in lab), sum(r["ICH"] == "1" for r in lab))
PY
is "$(cat "$T/ctfm")" "datalist True 6
labels True 8 7 5" "datalist.json is what CT-FM's loader computes (order, ids, images, labels); labels.tsv: any finding, majorities"

for n in 6 7 8; do is "$(cut -f1,2 "$D/.cq500/failed/CQ500-CT-$n.tsv")" "CQ500-CT-$n	$( [ $n = 6 ] && echo sort || echo convert)" "CQ500-CT-$n failed alone, at its step"; done
is "$(grep -c 'CQ500-CT-6.zip: truncated or damaged zip: no end of central directory record' "$D/.cq500/failed/CQ500-CT-6.tsv")" 1 \
   "the zip cut short: refused as a whole (its central directory is gone), naming it"
is "$(grep -c 'Rows.*Columns: 16x16, but .* is 32x32' "$D/.cq500/failed/CQ500-CT-7.tsv")" 1 "the refused series: ct-convert's reason"
is "$(grep -c 'no row in .*cq500/labels.tsv: left out' "$D/.cq500/failed/CQ500-CT-8.tsv")" 1 "the unlabelled patient: left out, saying why"
is "$(grep -c 'cq500: 3 failed: CQ500-CT-6 CQ500-CT-7 CQ500-CT-8' "$T/out")" 1 "make says which patients failed"

(cd "$W" && for f in reads.csv CQ500-CT-*.zip; do sha256sum "$f"; done | LC_ALL=C sort -k2) > "$T/served"
is "$(cat "$D/.cq500/unpinned.sha256")" "$(cat "$T/served")" "every file pinned on its first fetch: the lines to add to checksums/cq500.sha256"
is "$(grep -c 'cat .*unpinned.sha256 >> .*checksums/cq500.sha256' "$T/out")" 1 "make says how to pin them"
is "$(ls "$D/.archives/cq500" | tr '\n' ' ')" "CQ500-CT-6.zip reads.csv " "archives dropped once sorted (KEEP_ARCHIVES=0); the broken one kept"
is "$(ls -A "$D/.cq500/unpacked" 2>/dev/null)" "" "nothing left unpacked"

reqs() { curl -sf "$WEB_URL/_stats" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let n=0;for(const v of Object.values(JSON.parse(s)))n+=v.requests;console.log(n)})'; }
before=$(reqs)
stamp() { find "$CQ" -name '*.nrrd' -printf '%p %T@\n' | sort; md5sum "$CQ"/*.*; }
stamp > "$T/before"
mk -k -j4 downstream-cq500 > "$T/out2" 2>&1
is "$?:$(reqs)" "2:$before" "re-run: fails again for the same three, and sends no request"
stamp > "$T/after"
is "$(diff "$T/before" "$T/after" && echo same)" same "re-run: no scan converted again, the tables the same bytes"
is "$(sed -n 's/.*\(CQ500-CT-6 CQ500-CT-7 CQ500-CT-8\).*/\1/p' "$T/out2")" "CQ500-CT-6 CQ500-CT-7 CQ500-CT-8" "re-run: the same three retried and named"
is "$("$TOP/bin/ct-status" "$T/data" | grep cq500 | tr -s ' ')" "downstream-cq500 done" "make status: cq500 done once datalist.json is written"
done_testing
