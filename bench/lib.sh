# bench/lib.sh: what the benchmark scripts share (sourced; not a benchmark itself).
# bench_time needs $W (a scratch directory) and $RUNS; the bench_idc_* helpers need tests/lib.sh,
# mirror.sh, idc.sh and ct.sh sourced ($T) and the mirror started.

# bench_time NAME CLEAN COMMAND...: run COMMAND $RUNS times, removing CLEAN (a glob) before each
# run; print "NAME median-wall-seconds max-rss-KB" (GNU time).
bench_time() {
	local name=$1 clean=$2 walls="" rss=0 r; shift 2
	for _ in $(seq "$RUNS"); do
		rm -rf $clean
		/usr/bin/time -v -o "$W/time" "$@" >/dev/null 2>&1
		walls="$walls $(awk -F': ' '/Elapsed/ { n = split($2, t, ":"); s = t[n]; if (n > 1) s += 60 * t[n-1]; print s }' "$W/time")"
		r=$(awk -F': ' '/Maximum resident/ { print $2 }' "$W/time")
		[ "$r" -gt "$rss" ] && rss=$r
	done
	echo "$name $(printf '%s\n' $walls | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') $rss"
}

# bench_now; bench_since T0: a time stamp, and the seconds since one (two decimals).
bench_now() { date +%s.%N; }
bench_since() { awk -v a="$1" -v b="$(bench_now)" 'BEGIN { printf "%.2f", b - a }'; }

# bench_idc_series ENDPOINT: SERIES CT series of 512x512xSLICES in the mirror, laid out as IDC
# lays them out (idc-open-data/<uuid>/<instance uuid>.dcm). Writes $T/manifest.txt (one cp line
# a series), $T/urls (a curl config fetching every object from ENDPOINT into <uuid>/), $T/keys
# ("s k instance" for the k-th file of series s) and $T/ref/s<s>.nrrd + .tsv (ct-convert of the
# source as generated: what every pipeline's NRRD must equal).
bench_idc_series() {
	local endpoint=$1 s f k uuid inst
	: > "$T/manifest.txt"
	: > "$T/urls"
	: > "$T/keys"
	mkdir -p "$T/ref"
	for s in $(seq 1 "$SERIES"); do
		gen "$T/src/s$s" --rows 512 --cols 512 --slices "$SLICES" --seed "$s" --patient-id "P$s" >/dev/null
		ct-convert "$T/src/s$s" "$T/ref/s$s.nrrd" --meta "$T/ref/s$s.tsv" 2>/dev/null || return 1
		uuid=$(idc_uuid "bench/s$s")
		idc_put_series idc-open-data "$uuid" "$T/src/s$s" || return 1
		echo "cp s3://idc-open-data/$uuid/* ." >> "$T/manifest.txt"
		k=0
		for f in "$T/src/s$s"/*; do
			inst=$(idc_uuid "$uuid/${f##*/}").dcm
			k=$((k + 1))
			printf 'url = "%s/idc-open-data/%s/%s"\noutput = "%s/%s"\n' "$endpoint" "$uuid" "$inst" "$uuid" "$inst" >> "$T/urls"
			echo "$s $k $inst" >> "$T/keys"
		done
	done
}

# bench_idc_right NRRD...: how many hold the voxels and geometry of their series' reference
# conversion ($T/ref, matched by the SeriesInstanceUID folder the NRRD sits in).
bench_idc_right() {
	local n=0 f uid s
	for f in "$@"; do
		uid=$(basename "$(dirname "$f")")
		for s in $(seq 1 "$SERIES"); do
			[ "$(meta_field "$T/ref/s$s.tsv" SeriesInstanceUID)" = "$uid" ] &&
				same_volume "$f" "$T/ref/s$s.nrrd" >/dev/null 2>&1 && n=$((n + 1))
		done
	done
	echo "$n"
}
