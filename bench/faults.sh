#!/usr/bin/env bash
# make bench-faults: a flaky network, side by side in one run. One series of 200 x 512 KiB from
# the local S3 mirror, through the fault proxy, which breaks 100 of the 200 objects once each,
# the same way for every tool: 20 connection resets half-way, 20 truncated bodies, 20 answers of
# 503 with Retry-After: 1, 20 stalls of 3 s, and 20 bodies with one byte flipped.
#
#   ct-fetch --jobs 16                  lists, fetches, resumes, MD5-checks every object
#   curl --parallel --parallel-max 16 --retry 5 --retry-all-errors   given the URL list
#   aria2c -j 16 --max-tries 5          given the URL list
#
# Reported per tool: wall time, exit status, bytes the proxy sent (against the series' size),
# and the files that came out right, wrong (bytes differ from the source) or missing.
# Results: bench/faults.md.
set -u
. "$(dirname "$0")/../tests/lib.sh"
. "$TESTS/fetchworld.sh"
command -v aria2c >/dev/null || { echo "bench-faults: aria2c missing (make deps installs aria2)" >&2; exit 1; }

N=200 SIZE=524288
fetch_world "$N" "$SIZE" flaky/ || exit 1
: > "$T/curl.list"
: > "$T/aria2.list"
for f in "$T"/objs/*; do
	f=${f##*/}
	printf 'url = "%s/idc-open-data/flaky/%s"\noutput = "%s"\n' "$PROXY_URL" "$f" "$f" >> "$T/curl.list"
	printf '%s/idc-open-data/flaky/%s\n  out=%s\n' "$PROXY_URL" "$f" "$f" >> "$T/aria2.list"
done

# One rule per broken object, each firing once: objects whose number ends in 1 are reset, 3
# flipped, 5 refused with 503, 7 truncated, 9 stalled.
rules() {
	local i n sep="" rule
	printf '['
	for i in $(seq 1 "$N"); do
		n=$(printf '%05d' "$i")
		case $i in
		*1) rule='"action":"reset","after":262144' ;;
		*3) rule='"action":"flip","at":300000' ;;
		*5) rule='"action":"status","status":503,"retryAfter":1' ;;
		*7) rule='"action":"truncate","after":200000' ;;
		*9) rule='"action":"stall","after":100000,"seconds":3' ;;
		*) continue ;;
		esac
		printf '%s{"path":"/flaky/%s\\\\.dcm$","method":"GET",%s}' "$sep" "$n" "$rule"
		sep=,
	done
	printf ']'
}
RULES=$(rules)

# run TOOL: one run through freshly armed faults; prints "TOOL wall rc bytes right wrong missing"
run() {
	local tool=$1 out=$T/out-$1 t0 rc right=0 wrong=0 missing=0 f
	rm -rf "$out"
	mkdir -p "$out"
	proxy_reset
	proxy_rule "$RULES"
	t0=$(date +%s.%N)
	case $tool in
	ct-fetch) ct-fetch --jobs 16 --endpoint "$PROXY_URL" "$SRC" "$out" 2>"$T/$tool.err" ;;
	curl) (cd "$out" && curl -sf --no-progress-meter --parallel --parallel-max 16 --retry 5 \
		--retry-all-errors -K "$T/curl.list") 2>"$T/$tool.err" ;;
	aria2c) aria2c -q -j 16 -x 1 --max-tries=5 --retry-wait=1 --file-allocation=none \
		--auto-file-renaming=false --allow-overwrite=true --summary-interval=0 -d "$out" \
		-i "$T/aria2.list" 2>"$T/$tool.err" ;;
	esac
	rc=$?
	local wall
	wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	for f in "$T"/objs/*; do
		if [ ! -e "$out/${f##*/}" ]; then missing=$((missing + 1))
		elif cmp -s "$f" "$out/${f##*/}"; then right=$((right + 1))
		else wrong=$((wrong + 1)); fi
	done
	echo "$tool $wall $rc $(proxy_sum bytes 'flaky') $right $wrong $missing"
}

rows=$(for tool in ct-fetch curl aria2c; do run "$tool"; done)
echo "# bench-faults: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $N objects of $SIZE bytes ($((N * SIZE / 1048576)) MiB); 100 broken once each: 20 resets, 20 flips, 20 x 503, 20 truncations, 20 stalls"
echo "| tool | wall s | exit | bytes sent / series size | right | wrong | missing |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
echo "$rows" | awk -v total=$((N * SIZE)) '{ printf "| %s | %s | %s | %.2f | %s | %s | %s |\n", $1, $2, $3, $4 / total, $5, $6, $7 }'
