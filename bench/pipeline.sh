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
. "$TOP/bench/lib.sh"
SERIES=${SERIES:-6}
SLICES=${SLICES:-120}
FAULTS=${FAULTS:-0}

mirror_start || exit 1
ENDPOINT=$MIRROR_URL
if [ "$FAULTS" = 1 ]; then
	proxy_start "$MIRROR_URL" || exit 1
	ENDPOINT=$PROXY_URL
fi
bench_idc_series "$ENDPOINT" || exit 1
# Per series, slices 10 and 40 arrive with a byte flipped, 20 and 50 with the connection reset.
rules=$(awk '$2 == 10 || $2 == 40 { printf "%s{\"path\":\"%s$\",\"method\":\"GET\",\"action\":\"flip\",\"at\":300000}", sep, $3; sep = "," }
             $2 == 20 || $2 == 50 { printf "%s{\"path\":\"%s$\",\"method\":\"GET\",\"action\":\"reset\",\"after\":200000}", sep, $3; sep = "," }' "$T/keys")
# arm: the same faults, afresh, before each pipeline
arm() { [ "$FAULTS" != 1 ] || { proxy_reset && proxy_rule "[$rules]"; }; }
dicom_mb=$(du -sm "$T/src" | cut -f1)
sync

arm
t0=$(bench_now)
make --no-print-directory -C "$TOP" pretrain-data -j 2 DATA="$T/ct" MANIFEST="$T/manifest.txt" \
	IDC_ENDPOINT="$ENDPOINT" >"$T/make.log" 2>&1 || { tail "$T/make.log" >&2; exit 1; }
ours=$(bench_since "$t0")

arm
t0=$(bench_now)
mkdir -p "$T/chain/dl" && (cd "$T/chain/dl" && curl -sf --no-progress-meter --create-dirs --parallel --parallel-max 16 \
	--retry 5 --retry-all-errors -K "$T/urls") || exit 1
dl=$(bench_since "$t0")
t1=$(bench_now)
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
sort_s=$(bench_since "$t1")
t2=$(bench_now)
find "$T/chain/sorted" -mindepth 3 -maxdepth 3 -type d | xargs -P 2 -I{} \
	plastimatch convert --input {} --output-img {}/scan.nrrd --output-type short >/dev/null 2>&1 || exit 1
conv=$(bench_since "$t2")
chain=$(bench_since "$t0")

ours_right=$(bench_idc_right $(find "$T/ct/pretrain/scans" -name scan.nrrd))
chain_right=$(bench_idc_right "$T"/chain/sorted/*/*/*/scan.nrrd)

echo "# bench-pipeline: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $SERIES series of 512x512x$SLICES ($dicom_mb MB of DICOM) from s3rver on 127.0.0.1$([ "$FAULTS" != 1 ] || echo ", through the fault proxy: per series 2 resets and 2 flipped pixel bytes")"
echo "| pipeline | wall s | of which | vs ctmake | NRRDs right |"
echo "| --- | ---: | --- | ---: | ---: |"
echo "| ctmake (make pretrain-data -j 2) | $ours | list, fetch + MD5, sort, convert, index | 1.00x | $ours_right of $SERIES |"
awk -v c="$chain" -v o="$ours" -v d="$dl" -v s="$sort_s" -v v="$conv" -v r="$chain_right of $SERIES" 'BEGIN {
	printf "| curl + dicomsort procedure + plastimatch | %.2f | download %.2f, sort %.2f, convert %.2f | %.2fx | %s |\n", c, d, s, v, c / o, r }'
