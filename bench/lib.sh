# bench/lib.sh: what the benchmark scripts share (sourced; not a benchmark itself).
# Needs $W (a scratch directory) and $RUNS.

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
