#!/usr/bin/env bash
# ct-series lists every series of a study (grouped by SeriesInstanceUID across folders, two
# series in one folder kept apart) and ranks them by its documented rule: eligible = CT, axial,
# at most 5 mm, not a sharp kernel (BONE/DETAIL/... or Siemens H60+), not contrast; eligible
# first, then most slices, then thinner, then smaller UID; when nothing is eligible, the best
# of the rest, saying so. The choice does not depend on folder order or threads; a study
# without images fails and writes nothing.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"
st() { "$PYTHON" "$TESTS/fixtures/study.py" "$@" >/dev/null; }

# Study A: folder one holds two series (plain thin and bone), the others one or two each.
A=$T/a
st "$A/one" --description "CT PLAIN THIN" --kernel H30s -- --slices 30 --thickness 0.625 --seed 1 --series-uid 2.25.101
st "$A/one" --start 30 --description "CT BONE" --kernel BONE -- --slices 40 --thickness 0.625 --seed 2 --series-uid 2.25.102
st "$A/two" --description "CT 5mm" --kernel H30s -- --slices 8 --thickness 5 --seed 3 --series-uid 2.25.103
st "$A/two" --start 8 --description "CT Thin Stnd" --kernel H70h -- --slices 35 --thickness 0.625 --seed 4 --series-uid 2.25.104
st "$A/three" --description "CT 10mm" --kernel STANDARD -- --slices 4 --thickness 10 --seed 5 --series-uid 2.25.105
st "$A/three" --start 4 --description "CT POST CONTRAST" --kernel STANDARD -- --slices 50 --thickness 2.5 --seed 6 --series-uid 2.25.106
st "$A/four" --description "CT SAG" --kernel STANDARD -- --slices 45 --thickness 1 --seed 7 --series-uid 2.25.107 --variant sagittal
st "$A/four" --start 45 --description "CT PLAIN 2.5" --kernel STANDARD --contrast IOPAMIDOL -- --slices 29 --thickness 2.5 --seed 8 --series-uid 2.25.108
st "$A/five" --description "CT Thin Details" --kernel DETAIL -- --slices 31 --thickness 0.625 --seed 9 --series-uid 2.25.109 --variant localizer
echo "not dicom" > "$A/five/README.txt"
ok "ct-series over five folders" ct-series --id P-A "$T/a.tsv" "$A/one" "$A/two" "$A/three" "$A/four" "$A/five"
cols() { awk -F'\t' -v want="$2" 'NR == 1 { n = split(want, w, ","); for (i = 1; i <= NF; i++) c[$i] = i; next }
  { line = ""; for (k = 1; k <= n; k++) line = line (k > 1 ? "|" : "") $(c[w[k]]); print line }' "$1"; }
why() { cols "$1" series_uid,why | awk -F'|' -v u="$2" '$1 == u { print $2 }'; }
cat > "$T/want" <<'EOF2'
2.25.101|CT PLAIN THIN|30|1|1|1
2.25.103|CT 5mm|8|1|2|0
2.25.106|CT POST CONTRAST|50|0|3|0
2.25.107|CT SAG|45|0|4|0
2.25.102|CT BONE|40|0|5|0
2.25.104|CT Thin Stnd|35|0|6|0
2.25.109|CT Thin Details|31|0|7|0
2.25.108|CT PLAIN 2.5|29|0|8|0
2.25.105|CT 10mm|4|0|9|0
EOF2
is "$(cols "$T/a.tsv" series_uid,description,slices,eligible,rank,chosen)" "$(cat "$T/want")" \
   "ranks: the plain thin series first though five others have more slices, the eligible 5 mm next, the rest by slices"
is "$(why "$T/a.tsv" 2.25.102)" "sharp kernel (BONE)" "why: bone kernel"
is "$(why "$T/a.tsv" 2.25.104)" "sharp kernel H70h" "why: a Siemens H70h kernel is sharp"
is "$(why "$T/a.tsv" 2.25.109)" "sharp kernel (DETAIL)" "why: a DETAIL kernel is sharp"
is "$(why "$T/a.tsv" 2.25.105)" "thickness 10.0 mm > 5 mm" "why: too thick (as the header writes it)"
is "$(why "$T/a.tsv" 2.25.106)" "contrast (POST in SeriesDescription)" "why: a post-contrast series"
is "$(why "$T/a.tsv" 2.25.108)" "contrast (ContrastBolusAgent)" "why: a contrast agent named"
is "$(why "$T/a.tsv" 2.25.107)" "not axial" "why: sagittal slices"
is "$(why "$T/a.tsv" 2.25.103)" "eligible, fewer slices than the chosen (8 < 30)" "why: an eligible series with fewer slices"
is "$(why "$T/a.tsv" 2.25.101)" "chosen: eligible, the most slices (30) of 2 eligible series" "why: the choice"
is "$(cols "$T/a.tsv" series_uid,localizers | grep 2.25.109)" "2.25.109|1" "a localizer is counted apart, not as a slice"
is "$(cut -f1 "$T/a.tsv" | sort -u | tr '\n' ' ')" "P-A id " "--id fills the first column"

ok "the same from the folders in reverse order, one thread" ct-series --threads 1 --id P-A "$T/a2.tsv" "$A/five" "$A/four" "$A/three" "$A/two" "$A/one"
is "$(cmp "$T/a.tsv" "$T/a2.tsv" && echo same)" same "the table does not depend on folder order or threads"

# Study B: nothing eligible, the best of the rest is chosen and why says so. A series split over
# two folders counts as one.
st "$T/b/x" --description "CT BONE" --kernel BONE -- --slices 20 --thickness 1 --seed 11 --series-uid 2.25.201 --variant two-series
st "$T/b/y" --description "CT BONE" --kernel BONE --keep 0:12 -- --slices 24 --thickness 1 --seed 12 --series-uid 2.25.202
st "$T/b/z" --description "CT BONE" --kernel BONE --keep 12:24 -- --slices 24 --thickness 1 --seed 12 --series-uid 2.25.202
ok "ct-series, nothing eligible" ct-series "$T/b.tsv" "$T/b/x" "$T/b/y" "$T/b/z"
is "$(cols "$T/b.tsv" series_uid,slices,rank,chosen | head -1)" "2.25.202|24|1|1" "a series split over two folders counts once, with all its slices"
is "$(why "$T/b.tsv" 2.25.202 | sed 's/^\(.\{48\}\).*/\1/')" "chosen although not eligible (no series is): sha" "why: chosen although nothing is eligible"

# Study C: ties. Same slices: the thinner wins; same slices and thickness: the smaller UID.
st "$T/c" --description "CT Plain" --kernel STANDARD -- --slices 10 --thickness 5 --seed 21 --series-uid 2.25.302
st "$T/c" --start 10 --description "CT Plain" --kernel STANDARD -- --slices 10 --thickness 5 --seed 22 --series-uid 2.25.301
st "$T/c" --start 20 --description "CT Plain" --kernel STANDARD -- --slices 10 --thickness 5 --seed 23 --series-uid 2.25.3
st "$T/c" --start 30 --description "CT Plain" --kernel STANDARD -- --slices 10 --thickness 2.5 --seed 24 --series-uid 2.25.9
ok "ct-series, ties" ct-series "$T/c.tsv" "$T/c"
is "$(cols "$T/c.tsv" series_uid,rank | tr '\n' ' ')" "2.25.9|1 2.25.3|2 2.25.301|3 2.25.302|4 " "ties: thinner first, then the smaller UID in byte order"
is "$(why "$T/c.tsv" 2.25.3)" "eligible, as many slices as the chosen, thicker (5.0 > 2.5 mm)" "why: thicker"

mkdir -p "$T/d"; echo x > "$T/d/a.txt"
ok_fails "no image series: exit 1" 1 ct-series --id P-D "$T/d.tsv" "$T/d"
is "$(ls "$T/d.tsv" 2>/dev/null; grep -c 'P-D: no CT image series (1 files: 1 not DICOM' "$T/.ok.out")" "1" "nothing written, the message names the study and what it found"
done_testing
