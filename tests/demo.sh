#!/usr/bin/env bash
# tests/demo.sh (make demo): the whole pre-training pipeline against a local IDC mirror.
# Starts s3rver on 127.0.0.1, seeds six CT series the way IDC lays them out (pydicom's real
# CT5N series, a JPEG-LS one, a descending one, one in idc-open-data-cr, ...), runs
# `make pretrain-data -j2` against it into data/demo, shows what came out, stops the mirror.
set -eu
. "$(dirname "$0")/lib.sh"
. "$TESTS/mirror.sh"
. "$TESTS/idc.sh"
. "$TESTS/ct.sh"
trap - INT TERM
DEMO=${DEMO_DATA:-$TOP/data/demo}
say() { printf '\n== %s\n' "$*"; }

say "starting a local IDC mirror (s3rver) on 127.0.0.1"
mirror_start
echo "mirror: $MIRROR_URL"

say "seeding six CT series as IDC lays them out (<bucket>/<series uuid>/<instance uuid>.dcm)"
mkdir -p "$DEMO"
: > "$T/manifest.txt"
seed() { # seed NAME BUCKET DIR: one series and its manifest line
	local uuid; uuid=$(idc_uuid "demo/$1")
	idc_put_series "$2" "$uuid" "$3"
	echo "cp s3://$2/$uuid/* ." >> "$T/manifest.txt"
	printf '  %-26s s3://%s/%s/  (%s files)\n' "$1" "$2" "$uuid" "$(ls "$3" | wc -l)"
}
seed "pydicom CT5N (real)" idc-open-data /usr/lib/python3/dist-packages/pydicom/data/test_files/dicomdirtests/98892001/CT5N
gen "$T/asc" --rows 128 --cols 128 --slices 60 --seed 1 --patient-id DEMO-001 >/dev/null
seed "128x128x60 ascending" idc-open-data "$T/asc"
gen "$T/desc" --rows 128 --cols 128 --slices 60 --seed 2 --variant descending --patient-id DEMO-002 >/dev/null
seed "128x128x60 descending" idc-open-data-two "$T/desc"
gen "$T/jls" --rows 128 --cols 128 --slices 60 --seed 3 --compress jpegls --patient-id DEMO-003 >/dev/null
seed "128x128x60 JPEG-LS" idc-open-data "$T/jls"
gen "$T/cr" --rows 96 --cols 96 --slices 70 --seed 4 --variant shuffled --patient-id DEMO-004 >/dev/null
seed "96x96x70 shuffled names" idc-open-data-cr "$T/cr"
gen "$T/int" --rows 128 --cols 128 --slices 55 --seed 5 --variant intercept --patient-id DEMO-005 >/dev/null
seed "128x128x55 unsigned+intercept" idc-open-data "$T/int"
cp "$T/manifest.txt" "$DEMO/manifest.txt"

say "make pretrain-data -j2 DATA=$DEMO MANIFEST=$DEMO/manifest.txt IDC_ENDPOINT=$MIRROR_URL"
start=$(date +%s)
make --no-print-directory -C "$TOP" -j2 pretrain-data DATA="$DEMO" MANIFEST="$DEMO/manifest.txt" IDC_ENDPOINT="$MIRROR_URL"
echo "pipeline: $(( $(date +%s) - start )) s"

say "scan_list.pkl, as CT-FM's config loads it: pickle.load(open(path, 'rb'))"
"$PYTHON" -c 'import pickle,sys; l=pickle.load(open(sys.argv[1],"rb")); print(type(l).__name__, len(l)); [print(" ", repr(p)) for p in l]' "$DEMO/pretrain/scan_list.pkl"

say "the NRRDs"
find "$DEMO/pretrain/scans" -name scan.nrrd -exec ls -l {} + | awk '{print "  " $5 "\t" $9}'

say "index.tsv (a few columns)"
cut -f1-3,7,10,11 "$DEMO/pretrain/index.tsv" | column -t -s "$(printf '\t')" | sed 's/^/  /' | head -8

say "make status"
make --no-print-directory -C "$TOP" status DATA="$DEMO"

say "done. Results in $DEMO/pretrain (scan_list.pkl, index.tsv, failed.tsv, scans/). The mirror is stopped now;"
echo "   run 'make demo' again: the mirror is re-seeded, and Make finds every scan done (no download)."
