#!/usr/bin/env bash
# After a run is interrupted with Ctrl-C (SIGINT to its whole process group, as a terminal sends
# it) with series verified but not converted, make status counts them (N fetched, not
# converted) and their bytes (it once said "0 done, 0 failed, 8 left; 0 B fetched" with 95 MB
# verified on disk). Progress lines give sane rates: the bytes this run fetched over the time
# since it started, never over a window of a few ms (70.4 GB/s was seen) and never counting
# series fetched before this run.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/pretrain.sh"

pretrain_world || { fail "local IDC world"; done_testing; exit; }
D=$T/data P=$T/data/pretrain
total=$(cat "$SRC_asc"/* "$SRC_desc"/* "$T/src/jls.dcm"/* "$SRC_real"/* | wc -c) # as seeded

# One object of each series answers 503 "Retry-After: 1" once: every series takes a second.
slow_series() {
	local s u
	for s in $PRETRAIN_SERIES; do
		eval u=\$UUID_$s
		proxy_rule '{"path":"'"$u"'/.*\\.dcm$","method":"GET","action":"status","status":503,"retryAfter":1,"times":1}'
	done
}
# Scans whose download is verified and that have no record yet.
fetched_not_converted() {
	local d
	for d in "$P"/dicom/*/; do
		[ -e "$d.verified" ] && [ ! -e "$P/records/$(basename "$d").tsv" ] && basename "$d"
	done 2>/dev/null
}
# COMMAND... in a process group of its own, SIGINT not ignored (a background job of a script
# starts with SIGINT ignored, and make keeps an ignored SIGINT ignored; Python ignores SIGPIPE);
# run in the background, its pid is the process group's.
interruptible() {
	exec "$PYTHON" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
os.setsid()
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}
# procs PGID: "pid state ppid comm" of every process of group PGID. From /proc (procps is not
# a dependency), where /proc/PID/stat is "pid (comm) state ppid pgrp ..." and comm may hold spaces.
procs() {
	local f line comm
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		comm=${line#*(} comm=${comm%)*}
		set -- "$1" ${line##*) } # PGID state ppid pgrp ...
		[ "$4" = "$1" ] && echo "${line%% *} $2 $3 $comm"
	done
	return 0
}
# until_ WHAT COMMAND...: wait (up to 90 s) until COMMAND succeeds, or say what it waited for.
until_() {
	local what=$1 i=0; shift
	until "$@"; do
		[ $i -lt 9000 ] || { diag "gave up waiting for $what"; return 1; }
		sleep 0.01; i=$((i + 1))
	done
}
fetching() { fetch=$(procs $pid | awk '$2 != "Z" && $4 == "ct-fetch" { print $1, $3; exit }'); [ -n "$fetch" ]; }
zombie() { [ "$(procs $pid | awk -v p="$1" '$1 == p { print $2 }')" = Z ]; }
stopped() { ! procs $pid | awk '$2 !~ /^[TtZX]$/' | grep -q .; }
# Ctrl-C as a scan's download ends, at a point the test holds: while a ct-fetch works (each takes
# a second at least), its make is stopped (SIGSTOP), so once ct-fetch has written .verified and
# exited, make can neither reap it nor start the scan's conversion. Then the whole group is
# stopped, gets SIGINT, and SIGCONT: every process has SIGINT pending before it runs again, so
# make takes it before it reaps the child (else Make 4.3 may exit 2, "wait: No child processes"),
# with the child's target, dicom/<uuid>/.verified, just made. There make deleted it ("Deleting
# file") until mk/idc.mk named its targets in .PRECIOUS (a pattern there covers implicit rules
# only); under SAN=1 ct-fetch is slow enough to exit that an unheld Ctrl-C mostly landed there.
slow_series
interruptible make --no-print-directory -C "$TOP" pretrain-data DATA="$D" MANIFEST="$T/manifest.txt" \
	IDC_ENDPOINT="$PROXY_URL" -j1 >"$T/interrupted.log" 2>&1 &
pid=$! fetch="" held="(no ct-fetch seen)"
if until_ "a ct-fetch" fetching; then
	set -- $fetch # ct-fetch's pid, its parent's
	held=$(tr '\0' '\n' </proc/$1/cmdline | tail -n 1) # its last argument: DIR, dicom/<uuid>
	kill -STOP $2
	until_ "ct-fetch to end" zombie $1
fi
kill -STOP -- -$pid
until_ "the run to stop" stopped
kill -INT -- -$pid
kill -CONT -- -$pid
wait $pid
status=$?
waiting=$(fetched_not_converted | wc -l)
is "$(fetched_not_converted)" "$(basename "$held")" \
   "Ctrl-C as a scan's ct-fetch ended left that scan fetched, not converted (and no other)"
is "$status" 130 "and it was the interrupt that ended the run (make died of SIGINT), not its end"
# Say what the run did when either fails (Make's "Deleting file" was how the first one did).
[ "$waiting" = 1 ] && [ "$status" = 130 ] || diag "the run (exit $status):" "$(tail -n 15 "$T/interrupted.log")"
done_n=$(ls "$P/records" 2>/dev/null | grep -c '\.tsv$')
bytes=$(cat "$P"/dicom/*/.verified | awk -F'\t' '!/^#/ { s += $2 } END { print s + 0 }')

# human BYTES: ct-status' units (powers of 1000, one decimal above bytes).
human() { awk -v b="$1" 'BEGIN { split("B kB MB GB TB", u); i = 1; while (b >= 1000 && i < 5) { b /= 1000; i++ }
	printf(i > 1 ? "%.1f %s" : "%.0f %s", b, u[i]) }'; }
ok "make status" make --no-print-directory -C "$TOP" status DATA="$D"
is "$(grep -o '[0-9]* done, [0-9]* failed, [0-9]* left of 4 (all; [0-9]* fetched, not converted); [^;]* fetched' "$T/.ok.out")" \
   "$done_n done, 0 failed, $((4 - done_n)) left of 4 (all; $waiting fetched, not converted); $(human "$bytes") fetched" \
   "make status counts the fetched scans and the bytes of every verified download"

# rates FILE: the progress lines' rates in bytes/s, one a line.
rates() { sed -n 's/^\[[0-9]*\/[0-9]*\] [^ ]* [0-9.]* [kMGTP]*B \([0-9.]*\) \([kMGTP]*\)B\/s ETA .*/\1 \2/p' "$1" |
	awk '{ m = 1; if ($2 == "k") m = 1e3; if ($2 == "M") m = 1e6; if ($2 == "G") m = 1e9; if ($2 == "T") m = 1e12; printf "%d\n", $1 * m }'; }
proxy_reset
slow_series
ok "the same command again finishes" pretrain "$D" -j1
is "$(rates "$T/make.log" | head -n "$waiting" | sort -u)" 0 \
   "its first lines, the scans fetched before it, count 0 B/s: this run fetched nothing for them"
max=$(rates "$T/make.log" | sort -n | tail -1)
ok "no rate above all the series' bytes ($total) over one second (the least any series took): max $max B/s" \
	test "$(rates "$T/make.log" | wc -l)" -eq $((4 - done_n)) -a "$max" -le "$total"
ok "make status after the run" make --no-print-directory -C "$TOP" status DATA="$D"
is "$(grep -o '[0-9]* done, [0-9]* failed, [0-9]* left of 4 (all; [0-9]* fetched, not converted); [^;]* fetched' "$T/.ok.out")" \
   "4 done, 0 failed, 0 left of 4 (all; 0 fetched, not converted); $(human "$(cat "$P"/dicom/*/.verified | awk -F'\t' '!/^#/ { s += $2 } END { print s }')") fetched" \
   "then: every scan done, and the bytes of all four downloads"
done_testing
