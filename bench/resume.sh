#!/usr/bin/env bash
# make bench-resume: what an interruption costs. SERIES CT series (512x512xSLICES, default
# 6 x 120) from the local S3 mirror, through the fault proxy (which counts the bytes it sends).
# Each pipeline is killed (SIGKILL, the whole process group) once half the series' bytes have
# been sent, then run again to the end, as a user would after a crash or a lost session:
#
#   ctmake   make pretrain-data -j 2, then the same command again
#   chain    the download step of the chain it replaces: curl --parallel over every object's URL
#            (standing in for idc-index + s5cmd cp, which, like this, starts every file over),
#            then the same command again
#
# Reported: bytes sent before the kill and by the re-run (against the series' size), the re-run's
# wall time, and for ctmake whether every NRRD holds its series' voxels. Results: bench/resume.md.
set -u
. "$(dirname "$0")/../tests/lib.sh"
. "$TESTS/mirror.sh"
. "$TESTS/faultproxy.sh"
. "$TESTS/idc.sh"
. "$TESTS/ct.sh"
. "$TOP/bench/lib.sh"
SERIES=${SERIES:-6}
SLICES=${SLICES:-120}

mirror_start && proxy_start "$MIRROR_URL" || exit 1
bench_idc_series "$PROXY_URL" || exit 1
total=$(du -cb "$T"/src/s*/* | tail -1 | cut -f1)
sent() { proxy_sum bytes 'idc-open-data/'; }

# kill_at_half DIR COMMAND...: run COMMAND in its own process group, SIGKILL the group once
# DIR holds half the series' bytes; prints the bytes the proxy had sent by then.
kill_at_half() {
	local dir=$1; shift
	proxy_reset stats
	mkdir -p "$dir"
	setsid "$@" >/dev/null 2>&1 &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null && [ "$(du -sb "$dir" | cut -f1)" -lt $((total / 2)) ]; do sleep 0.01; done
	kill -9 -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	sent
}
# again COMMAND...: the re-run; prints "wall bytes"
again() {
	proxy_reset stats
	local t0
	t0=$(bench_now)
	"$@" >"$T/again.log" 2>&1 || { tail "$T/again.log" >&2; exit 1; }
	echo "$(bench_since "$t0") $(sent)"
}
ctmake() { make --no-print-directory -C "$TOP" pretrain-data -j 2 DATA="$T/ct" MANIFEST="$T/manifest.txt" IDC_ENDPOINT="$PROXY_URL"; }
chain() { mkdir -p "$T/dl" && cd "$T/dl" && curl -sf --no-progress-meter --create-dirs --parallel --parallel-max 16 -K "$T/urls"; }
export T TOP PROXY_URL

ours_before=$(kill_at_half "$T/ct" bash -c "$(declare -f ctmake); ctmake")
read -r ours_wall ours_again < <(again ctmake)
ours_right=$(bench_idc_right $(find "$T/ct/pretrain/scans" -name scan.nrrd))
chain_before=$(kill_at_half "$T/dl" bash -c "$(declare -f chain); chain")
read -r chain_wall chain_again < <(again chain)

echo "# bench-resume: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $SERIES series of 512x512x$SLICES ($((total / 1048576)) MiB of DICOM); each pipeline killed (SIGKILL) at half, then run again"
echo "| pipeline | sent before the kill | sent by the re-run | re-run wall s | NRRDs right |"
echo "| --- | ---: | ---: | ---: | ---: |"
awk -v t="$total" -v b="$ours_before" -v a="$ours_again" -v w="$ours_wall" -v r="$ours_right of $SERIES" \
	'BEGIN { printf "| ctmake (make pretrain-data -j 2, twice) | %.2f | %.2f | %s | %s |\n", b / t, a / t, w, r }'
awk -v t="$total" -v b="$chain_before" -v a="$chain_again" -v w="$chain_wall" \
	'BEGIN { printf "| curl --parallel, twice (the chain'"'"'s download) | %.2f | %.2f | %s | (not converted) |\n", b / t, a / t, w }'
