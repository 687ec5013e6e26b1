#!/usr/bin/env bash
# bench/fetch.sh (make bench-fetch): ct-fetch against curl --parallel and aria2c, side by side in
# one run, from the local S3 mirror (s3rver on 127.0.0.1).
#
# Two series: 300 objects of 512 KiB and 4,000 objects of 16 KiB. For each tool and series, ROUNDS
# runs (default 3, tools interleaved) into a fresh directory; reported: median wall time, median
# CPU time (user+sys) of the client, and of the s3rver process during that run (a server busy
# for most of the wall time means the server is the bottleneck, not the client).
#   ct-fetch --jobs 16          lists the prefix (ListObjectsV2), fetches, verifies every MD5,
#                               fsyncs and records; its times include the listing
#   curl --parallel --parallel-max 16 -K list   given the URL list, no verification
#   aria2c -j 16 -i list        given the URL list, no verification
#
# PIN=1 puts s3rver on CPU 0 and the clients on CPU 1: the server no longer competes with the
# client for cores, as when it is another machine (the client then has one core to itself).
# RATE=1gbit (any tc rate) caps the loopback device with a token bucket (tc tbf; needs root),
# as a network link would, and removes the cap at the end.
set -u
. "$(dirname "$0")/../tests/lib.sh"
. "$TESTS/mirror.sh"
ROUNDS=${ROUNDS:-3}
command -v aria2c >/dev/null || { echo "bench-fetch: aria2c missing (make deps installs aria2)" >&2; exit 1; }

mirror_start || exit 1
S3PID=$MIRROR_PID
if [ -n "${RATE:-}" ]; then
	tc qdisc replace dev lo root tbf rate "$RATE" burst 256kb latency 50ms || {
		echo "bench-fetch: cannot cap the loopback at $RATE (tc tbf needs root)" >&2; exit 1; }
	at_exit "tc qdisc del dev lo root"
fi
ON=
if [ "${PIN:-0}" = 1 ]; then
	taskset -a -p -c 0 "$S3PID" >/dev/null || exit 1
	ON="taskset -c 1"
fi

series() { # series NAME COUNT SIZE
	mkdir -p "$T/src/$1"
	"$PYTHON" - "$T/src/$1" "$2" "$3" <<'PY'
import os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    with open(os.path.join(d, "%08d.dcm" % i), "wb") as f:
        f.write(os.urandom(size))
PY
	mirror_seed idc-open-data "$1/" "$T/src/$1" || exit 1
	local f
	: > "$T/$1.curl"
	: > "$T/$1.aria2"
	for f in "$T/src/$1"/*; do
		f=${f##*/}
		printf 'url = "%s/idc-open-data/%s/%s"\noutput = "%s"\n' "$MIRROR_URL" "$1" "$f" "$f" >> "$T/$1.curl"
		printf '%s/idc-open-data/%s/%s\n  out=%s\n' "$MIRROR_URL" "$1" "$f" "$f" >> "$T/$1.aria2"
	done
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run TOOL SERIES: one timed run; appends "wall cpu servercpu" to $T/TOOL.SERIES
run() {
	local tool=$1 s=$2 out=$T/out/$1-$2 t0 t1
	rm -rf "$out"
	mkdir -p "$out"
	sync
	t0=$(cpu_ticks "$S3PID")
	case $tool in
	ct-fetch) $ON /usr/bin/time -f '%e %U %S' -o "$T/time" \
		ct-fetch --jobs 16 --endpoint "$MIRROR_URL" "s3://idc-open-data/$s/" "$out" 2>/dev/null ;;
	curl) (cd "$out" && $ON /usr/bin/time -f '%e %U %S' -o "$T/time" \
		curl -sf --no-progress-meter --parallel --parallel-max 16 -K "$T/$s.curl") ;;
	aria2c) $ON /usr/bin/time -f '%e %U %S' -o "$T/time" \
		aria2c -q -j 16 -x 1 --file-allocation=none --auto-file-renaming=false --allow-overwrite=true \
		--summary-interval=0 -d "$out" -i "$T/$s.aria2" ;;
	esac || { echo "bench-fetch: $tool failed on $s" >&2; exit 1; }
	t1=$(cpu_ticks "$S3PID")
	local n
	n=$(ls "$out" | grep -c '\.dcm$')
	[ "$n" = "$(ls "$T/src/$s" | wc -l)" ] || { echo "bench-fetch: $tool fetched $n files of $s" >&2; exit 1; }
	awk -v hz="$(getconf CLK_TCK)" -v d=$((t1 - t0)) '{printf "%.3f %.3f %.3f\n", $1, $2 + $3, d / hz}' \
		"$T/time" >> "$T/$tool.$s"
}

# list SERIES: one timed ListObjectsV2 walk over the prefix (every page), what ct-fetch does
# before its first GET and the other tools are spared (they are given the URL list).
list() {
	"$PYTHON" - "$MIRROR_URL" "$1/" >> "$T/listing.$1" <<'PY'
import sys, time, urllib.parse, urllib.request, xml.etree.ElementTree as ET
url, prefix, token, pages, t0 = sys.argv[1], sys.argv[2], None, 0, time.time()
while True:
    q = {"list-type": "2", "prefix": prefix}
    if token: q["continuation-token"] = token
    x = ET.fromstring(urllib.request.urlopen(url + "/idc-open-data?" + urllib.parse.urlencode(q)).read())
    ns = {"s": x.tag.split("}")[0].strip("{")}
    pages += 1
    token = x.findtext("s:NextContinuationToken", None, ns)
    if x.findtext("s:IsTruncated", "", ns) != "true": break
print("%.3f %d" % (time.time() - t0, pages))
PY
}

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
col() { cut -d' ' -f"$1" "$T/$2" | median; }

series s512k 300 524288
series s16k 4000 16384
for r in $(seq 1 "$ROUNDS"); do
	for s in s512k s16k; do
		for tool in ct-fetch curl aria2c; do run "$tool" "$s"; done
		list "$s"
	done
done

echo "# bench-fetch: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), median of $ROUNDS runs${ON:+, s3rver on CPU 0 and the client on CPU 1}${RATE:+, loopback capped at $RATE}"
printf '%-8s %-9s %8s %8s %10s %12s %12s\n' series tool wall_s cpu_s s3rver_cpu wall/ct-fetch cpu/ct-fetch
for s in s512k s16k; do
	w0=$(col 1 "ct-fetch.$s")
	c0=$(col 2 "ct-fetch.$s")
	for tool in ct-fetch curl aria2c; do
		w=$(col 1 "$tool.$s")
		c=$(col 2 "$tool.$s")
		awk -v s="$s" -v t="$tool" -v w="$w" -v c="$c" -v sc="$(col 3 "$tool.$s")" -v w0="$w0" -v c0="$c0" \
			'BEGIN {printf "%-8s %-9s %8.2f %8.2f %10.2f %12.2f %12.2f\n", s, t, w, c, sc, w / w0, c / c0}'
	done
done
for s in s512k s16k; do
	echo "# $s: listing the prefix alone ($(cut -d' ' -f2 "$T/listing.$s" | head -1) pages): $(cut -d' ' -f1 "$T/listing.$s" | median) s (median); ct-fetch's times include it"
done
