#!/usr/bin/env bash
# make bench-cq500: what one CQ500 archive costs on this machine, per step, against the chain a
# user would run by hand (unzip, then plastimatch on the folder of the series they picked), on a
# generated study the size of a real one (512x512 slices: a thin plain series of THIN slices, a
# thin bone series of THIN slices and a 5 mm series of THICK slices, zipped as CQ500 zips are).
#   ctmake:  ct-unpack (all or nothing)  ->  ct-sort (hard links into the pool)  ->  ct-series
#            (headers of every series, the rule)  ->  ct-convert (the chosen one)
#   by hand: unzip -q  ->  plastimatch convert --output-type short of the plain folder
# Wall time (median of RUNS), peak memory, sizes; the two NRRDs are compared voxel for voxel.
# Results (and the scaling to 491 archives): bench/cq500.md.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${CT_PYTHON:-/usr/bin/python3}
RUNS=${RUNS:-3}
THIN=${THIN:-240}
THICK=${THICK:-32}
W=$(mktemp -d "${TMPDIR:-/tmp}/ctmake-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
. "$TOP/bench/lib.sh"
export PYTHONPATH=$TOP/tests

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
S="$W/tree/CQ500CT0 CQ500CT0/Unknown Study"
st() { "$PYTHON" "$TOP/tests/fixtures/study.py" "$@" > /dev/null; }
big="--rows 512 --cols 512 --patient-id CQ500CT0"
st "$S/CT PLAIN THIN" --description "CT PLAIN THIN" --kernel H40s -- $big --slices "$THIN" --thickness 0.625 --seed 1 --series-uid 2.25.11
st "$S/CT BONE" --description "CT BONE" --kernel H70h -- $big --slices "$THIN" --thickness 0.625 --seed 2 --series-uid 2.25.12
st "$S/CT 5mm" --description "CT 5mm" --kernel H40s -- $big --slices "$THICK" --thickness 5 --seed 3 --series-uid 2.25.13
(cd "$W/tree" && zip -q -r "$W/CQ500-CT-0.zip" "CQ500CT0 CQ500CT0")
echo "study: $((2 * THIN + THICK)) slices of 512x512 in 3 series, $(du -sm "$W/tree" | cut -f1) MB of DICOM, zip $(du -m "$W/CQ500-CT-0.zip" | cut -f1) MB; runs: $RUNS (median)"
sync
pool=$W/pool/%SeriesInstanceUID/%SOPInstanceUID.dcm
{
	bench_time ct-unpack "$W/u" "$TOP/bin/ct-unpack" "$W/CQ500-CT-0.zip" "$W/u"
	bench_time ct-sort "$W/pool" "$TOP/bin/ct-sort" --keep-chars . "$W/u" "$pool"
	bench_time ct-series "$W/choice.tsv" "$TOP/bin/ct-series" "$W/choice.tsv" "$W/pool/2.25.11" "$W/pool/2.25.12" "$W/pool/2.25.13"
	bench_time ct-convert "$W/scan.nrrd" "$TOP/bin/ct-convert" "$W/pool/2.25.11" "$W/scan.nrrd"
	bench_time unzip "$W/z" unzip -q "$W/CQ500-CT-0.zip" -d "$W/z"
	bench_time plastimatch "$W/pm.nrrd" plastimatch convert --input "$W/z/CQ500CT0 CQ500CT0/Unknown Study/CT PLAIN THIN" \
		--output-img "$W/pm.nrrd" --output-type short
} > "$W/times"
chosen=$(awk -F'\t' 'NR > 1 && $(NF - 1) == 1 { print $3 }' "$W/choice.tsv")
same=$("$PYTHON" "$TOP/tests/nrrdcmp.py" "$W/scan.nrrd" "$W/pm.nrrd" && echo identical || echo DIFFERENT)
awk -v chosen="$chosen" -v same="$same" -v nrrd="$(du -m "$W/scan.nrrd" | cut -f1)" '
	{ t[$1] = $2; m[$1] = $3 }
	END {
		printf "| step | wall | peak RSS |\n| --- | --- | --- |\n"
		split("ct-unpack ct-sort ct-series ct-convert", c, " ")
		for (i = 1; i <= 4; i++) { printf "| %s | %.2f s | %.1f MB |\n", c[i], t[c[i]], m[c[i]] / 1024; a += t[c[i]] }
		printf "| **ctmake, one archive** | **%.2f s** | |\n", a
		printf "| unzip | %.2f s | %.1f MB |\n| plastimatch (the plain folder) | %.2f s | %.1f MB |\n", t["unzip"], m["unzip"] / 1024, t["plastimatch"], m["plastimatch"] / 1024
		b = t["unzip"] + t["plastimatch"]
		printf "| **by hand, one archive** | **%.2f s** (%.2fx ctmake) | |\n", b, b / a
		printf "\nct-series chose: %s; NRRD %s MB, %s to plastimatch'"'"'s.\n", chosen, nrrd, same
	}' "$W/times"
