#!/usr/bin/env bash
# make bench-convert: ct-convert against plastimatch convert --output-type short and
# dcm2niix -e y -z y (gzip NRRD) on generated CT series of 512x512x200 and 512x512x600, in one
# run: wall time (median of RUNS), peak memory (/usr/bin/time -v), output size, ratios.
# Also checks that ct-convert's voxels equal plastimatch's. Results: bench/convert.md.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${CT_PYTHON:-/usr/bin/python3}
RUNS=${RUNS:-3}
W=$(mktemp -d "${TMPDIR:-/tmp}/ctmake-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

. "$TOP/bench/lib.sh"
# measure NAME OUTPUT command...: bench_time's line, then the output's bytes.
measure() {
	local name=$1 out=$2; shift 2
	echo "$(bench_time "$name" "$out" "$@") $(du -cb $out | tail -1 | cut -f1)"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tools: plastimatch $(plastimatch --version 2>&1 | awk '{print $NF}'), dcm2niix $(dcm2niix -v 2>&1 | grep -o 'v1[.0-9]*' | head -1), runs: $RUNS (median)"
for slices in 200 600; do
	d="$W/ct$slices"
	"$PYTHON" "$TOP/tests/fixtures/gen-ct.py" "$d" --rows 512 --cols 512 --slices "$slices" --thickness 1.25 --seed 42
	sync
	mkdir -p "$W/d2n"
	{
		measure ct-convert "$W/ours.nrrd" "$TOP/bin/ct-convert" "$d" "$W/ours.nrrd"
		measure plastimatch "$W/pm.nrrd" plastimatch convert --input "$d" --output-img "$W/pm.nrrd" --output-type short
		measure dcm2niix "$W/d2n/*" dcm2niix -e y -z y -f out -o "$W/d2n" "$d"
	} > "$W/rows"
	"$TOP/bin/ct-convert" "$d" "$W/ours.nrrd" 2>/dev/null
	plastimatch convert --input "$d" --output-img "$W/pm.nrrd" --output-type short >/dev/null 2>&1
	same=$(PYTHONPATH="$TOP/tests" "$PYTHON" "$TOP/tests/nrrdcmp.py" "$W/ours.nrrd" "$W/pm.nrrd" && echo yes || echo NO)
	raw=$((512 * 512 * slices * 2))
	echo
	echo "512x512x$slices ($((raw / 1000000)) MB as int16; DICOM $(du -sm "$d" | cut -f1) MB); ct-convert voxels equal plastimatch's: $same"
	echo "| tool | wall s | peak RSS MB | output MB | ct-convert faster by | output vs ct-convert |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: |"
	read -r _ ow orss osize < <(head -1 "$W/rows")
	while read -r name wall rss size; do
		awk -v n="$name" -v w="$wall" -v r="$rss" -v s="$size" -v ow="$ow" -v os="$osize" \
			'BEGIN { printf "| %s | %.2f | %.0f | %.1f | %.2fx | %.3f |\n", n, w, r / 1024, s / 1e6, w / ow, s / os }'
	done < "$W/rows"
	awk -v r="$orss" -v raw="$raw" 'BEGIN { printf "ct-convert peak memory: %.0f MB = %.2f x the int16 volume (budget: 1.5 x volume + 64 MB = %.0f MB)\n", r / 1024, r * 1024 / raw, (1.5 * raw + 64e6) / 1048576 }'
	rm -rf "$d" "$W/d2n" "$W"/*.nrrd
done
