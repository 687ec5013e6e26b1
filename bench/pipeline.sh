#!/usr/bin/env bash
# make bench-pipeline: the whole pre-training chain on SERIES CT series (512x512xSLICES, default
# 6 x 120) from the local S3 mirror, ctmake against the chain it replaces, side by side in one
# run. Results: bench/pipeline.md.
#
#   ctmake   make pretrain-data -j 2 (list, fetch and MD5-check, sort, convert, index)
#   chain    what CT-FM users run today, each step given the whole machine:
#            1. download: curl --parallel --parallel-max 16 over every object's URL, standing in
#               for idc-index + s5cmd (s5cmd is not packaged in Debian; neither verifies anything)
#            2. sort: dicomsort's procedure (pydicom reads every header, the pattern names the
#               file, the file is copied, as dicomsort does by default), with the pattern ctmake
#               uses, %PatientID/%StudyInstanceUID/%SeriesInstanceUID/%SOPInstanceUID.dcm
#            3. convert: plastimatch convert --output-type short per series, 2 at a time
# Each pipeline's NRRDs are compared with a conversion of the source series as generated.
#
# FAULTS=1 puts the fault proxy between both pipelines and the mirror, and breaks four slices of
# every series once each, the same way for both: two connections reset half-way, two bodies
# with one pixel byte flipped.
set -u
. "$(dirname "$0")/../tests/lib.sh"
. "$TESTS/mirror.sh"
. "$TESTS/faultproxy.sh"
. "$TESTS/idc.sh"
. "$TESTS/ct.sh"
SERIES=${SERIES:-6}
SLICES=${SLICES:-120}
FAULTS=${FAULTS:-0}

mirror_start || exit 1
ENDPOINT=$MIRROR_URL
if [ "$FAULTS" = 1 ]; then
	proxy_start "$MIRROR_URL" || exit 1
	ENDPOINT=$PROXY_URL
fi
: > "$T/manifest.txt"
: > "$T/urls"
rules=""
mkdir -p "$T/ref"
for s in $(seq 1 "$SERIES"); do
	gen "$T/src/s$s" --rows 512 --cols 512 --slices "$SLICES" --seed "$s" --patient-id "P$s" >/dev/null
	ct-convert "$T/src/s$s" "$T/ref/s$s.nrrd" --meta "$T/ref/s$s.tsv" 2>/dev/null || exit 1
	uuid=$(idc_uuid "bench/s$s")
	idc_put_series idc-open-data "$uuid" "$T/src/s$s" || exit 1
	echo "cp s3://idc-open-data/$uuid/* ." >> "$T/manifest.txt"
	k=0
	for f in "$T/src/s$s"/*; do
		inst=$(idc_uuid "$uuid/${f##*/}").dcm
		printf 'url = "%s/idc-open-data/%s/%s"\noutput = "%s/%s"\n' "$ENDPOINT" "$uuid" "$inst" "$uuid" "$inst" >> "$T/urls"
		k=$((k + 1))
		case $k in
		10|40) rules="$rules${rules:+,}{\"path\":\"$inst\$\",\"method\":\"GET\",\"action\":\"flip\",\"at\":300000}" ;;
		20|50) rules="$rules${rules:+,}{\"path\":\"$inst\$\",\"method\":\"GET\",\"action\":\"reset\",\"after\":200000}" ;;
		esac
	done
done
# arm: the same faults, afresh, before each pipeline
arm() { [ "$FAULTS" != 1 ] || { proxy_reset && proxy_rule "[$rules]"; }; }
# right NRRD...: how many hold the voxels and geometry of their series' reference conversion
right() {
	local n=0 f uid s
	for f in "$@"; do
		uid=$(basename "$(dirname "$f")")
		for s in $(seq 1 "$SERIES"); do
			[ "$(meta_field "$T/ref/s$s.tsv" SeriesInstanceUID)" = "$uid" ] && same_volume "$f" "$T/ref/s$s.nrrd" >/dev/null 2>&1 && n=$((n + 1))
		done
	done
	echo "$n"
}
dicom_mb=$(du -sm "$T/src" | cut -f1)
sync

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

arm
t0=$(now)
make --no-print-directory -C "$TOP" pretrain-data -j 2 DATA="$T/ct" MANIFEST="$T/manifest.txt" \
	IDC_ENDPOINT="$ENDPOINT" >"$T/make.log" 2>&1 || { tail "$T/make.log" >&2; exit 1; }
ours=$(since "$t0")

arm
t0=$(now)
mkdir -p "$T/chain/dl" && (cd "$T/chain/dl" && curl -sf --no-progress-meter --create-dirs --parallel --parallel-max 16 \
	--retry 5 --retry-all-errors -K "$T/urls") || exit 1
dl=$(since "$t0")
t1=$(now)
"$PYTHON" - "$TESTS" "$T/chain/dl" "$T/chain/sorted" <<'PY' || exit 1
import os, shutil, sys
sys.path.insert(0, sys.argv[1])
import dicomsort_rules as rules, pydicom
src, dst = sys.argv[2], sys.argv[3]
pattern = "%PatientID/%StudyInstanceUID/%SeriesInstanceUID/%SOPInstanceUID.dcm"
for root, _, files in os.walk(src):
    for name in files:
        path = os.path.join(root, name)
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        target = os.path.join(dst, rules.target(ds, pattern, "."))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(path, target)
PY
sort_s=$(since "$t1")
t2=$(now)
find "$T/chain/sorted" -mindepth 3 -maxdepth 3 -type d | xargs -P 2 -I{} \
	plastimatch convert --input {} --output-img {}/scan.nrrd --output-type short >/dev/null 2>&1 || exit 1
conv=$(since "$t2")
chain=$(since "$t0")

ours_right=$(right $(find "$T/ct/pretrain/scans" -name scan.nrrd))
chain_right=$(right "$T"/chain/sorted/*/*/*/scan.nrrd)

echo "# bench-pipeline: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $SERIES series of 512x512x$SLICES ($dicom_mb MB of DICOM) from s3rver on 127.0.0.1$([ "$FAULTS" != 1 ] || echo ", through the fault proxy: per series 2 resets and 2 flipped pixel bytes")"
echo "| pipeline | wall s | of which | vs ctmake | NRRDs right |"
echo "| --- | ---: | --- | ---: | ---: |"
echo "| ctmake (make pretrain-data -j 2) | $ours | list, fetch + MD5, sort, convert, index | 1.00x | $ours_right of $SERIES |"
awk -v c="$chain" -v o="$ours" -v d="$dl" -v s="$sort_s" -v v="$conv" -v r="$chain_right of $SERIES" 'BEGIN {
	printf "| curl + dicomsort procedure + plastimatch | %.2f | download %.2f, sort %.2f, convert %.2f | %.2fx | %s |\n", c, d, s, v, c / o, r }'
