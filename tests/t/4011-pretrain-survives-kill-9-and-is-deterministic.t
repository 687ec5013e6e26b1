#!/usr/bin/env bash
# kill -9 of the whole make process group at several points (mid-download, after a series is
# verified but before it is converted, between scans), then make pretrain-data again: it completes, fetches only what it did not
# have, and every output is byte-identical to an uninterrupted run. -j1 and -j4 agree too.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/pretrain.sh"

pretrain_world || { fail "local IDC world"; done_testing; exit; }
ok "reference run, -j1" pretrain "$T/ref" -j1
total=$(proxy_sum bytes '^/idc-open-data[^?]*\.dcm$')
ok "a second reference run, -j4" pretrain "$T/j4" -j4
same_outputs() { # same_outputs A B: NRRD bytes, index rows and pickle entries, DATA aside
	[ "$(nrrd_sums "$1")" = "$(nrrd_sums "$2")" ] && [ "$(index_rel "$1")" = "$(index_rel "$2")" ] &&
	[ "$(pkl_rel "$1")" = "$(pkl_rel "$2")" ] && [ "$(nrrd_sums "$1" | wc -l)" = 4 ]
}
ok "-j1 and -j4 give byte-identical NRRDs, index and pickle" same_outputs "$T/ref" "$T/j4"

# kill_when NAME DATA TEST...: start a run (-j1) in its own process group, kill -9 the whole
# group as soon as TEST holds (polled every 20 ms, at most 20 s), then let the run finish.
kill_when() {
	local name=$1 data=$2; shift 2
	proxy_reset stats
	# One object of each series answers 503 "Retry-After: 1" once: each series takes a second,
	# so every kill point is reached while the run is still going.
	local s u
	for s in $PRETRAIN_SERIES; do
		eval u=\$UUID_$s
		proxy_rule '{"path":"'"$u"'/.*\\.dcm$","method":"GET","action":"status","status":503,"retryAfter":1,"times":1}'
	done
	setsid make --no-print-directory -C "$TOP" pretrain-data DATA="$data" MANIFEST="$T/manifest.txt" \
		IDC_ENDPOINT="$PROXY_URL" -j1 >"$T/killed.log" 2>&1 &
	local pid=$! i=0 reached=no
	until [ $i -ge 1000 ] || ! kill -0 $pid 2>/dev/null; do
		if "$@"; then reached=yes; break; fi
		sleep 0.02; i=$((i + 1))
	done
	diag "$name: kill -9 after $((i * 20)) ms"
	kill -9 -- -$pid 2>/dev/null
	wait $pid 2>/dev/null
	# What follows proves something only if the kill came at the point, with the run unfinished.
	ok "$name: the kill landed at its point, mid-run (no index yet)" \
		test "$reached" = yes -a ! -e "$data/pretrain/scan_list.pkl"
	local killed_bytes; killed_bytes=$(proxy_sum bytes '^/idc-open-data[^?]*\.dcm$')
	proxy_reset
	ok "$name: make pretrain-data after kill -9 completes" pretrain "$data" -j4
	ok "$name: outputs byte-identical to the uninterrupted run" same_outputs "$T/ref" "$data"
	local again; again=$(proxy_sum bytes '^/idc-open-data[^?]*\.dcm$')
	# What was on disk is never fetched again; a few objects in flight at the kill may be.
	ok "$name: $killed_bytes + $again bytes fetched for $total bytes of series" \
		test $((killed_bytes + again)) -le $((total + total / 4))
	local left; left=$(find "$data" -name '*.tmp.*' -o -name '*.part')
	is "$left" "" "$name: no temporary or partial file is left"
}
# Mid-download: some objects verified, no series complete yet.
some_objects() { [ "$(find "$T/k1/pretrain/dicom" -name '*.dcm' 2>/dev/null | wc -l)" -ge 12 ]; }
kill_when "mid-download" "$T/k1" some_objects
verified_not_converted() { [ -n "$(find "$T/k2/pretrain/dicom" -name .verified 2>/dev/null | head -1)" ]; }
kill_when "verified, not converted" "$T/k2" verified_not_converted
one_record() { [ -n "$(ls "$T/k3/pretrain/records/" 2>/dev/null | grep -v meta | head -1)" ]; }
kill_when "between scans" "$T/k3" one_record
done_testing
