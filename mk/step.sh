#!/bin/sh
# mk/step.sh DIR KEEP_GOING STEP UUID PREREQ COMMAND...: one step of one scan (mk/pretrain.mk).
#
# COMMAND's output goes to DIR/logs/UUID.STEP.log. On failure the reason (the log's last line)
# goes to DIR/failed/UUID.tsv and the log's tail to stderr; then the step fails, so Make stops,
# or, when KEEP_GOING is non-empty (make -k), it exits 0 without having made its target: every
# other scan and the index go on, and the next run retries exactly the scans whose targets are
# missing. A step whose PREREQ is missing (an earlier step of this scan failed under -k) does
# nothing. COMMAND is one shell command line (it may hold && and $(...)).
dir=$1 keep=$2 step=$3 uuid=$4 prereq=$5
shift 5
[ -z "$prereq" ] || [ -e "$prereq" ] || exit 0
mkdir -p "$dir/logs" "$dir/failed"
log=$dir/logs/$uuid.$step.log
if (eval "$*") >"$log" 2>&1; then
	rm -f "$dir/failed/$uuid.tsv"
	exit 0
fi
why=$(grep -v '^ *$' "$log" | tail -n 1 | tr '\t' ' ')
printf '%s\t%s\t%s\n' "$uuid" "$step" "${why:-failed}" > "$dir/failed/$uuid.tsv.tmp"
mv "$dir/failed/$uuid.tsv.tmp" "$dir/failed/$uuid.tsv"
echo "ctmake: scan $uuid failed at $step (log: $log):" >&2
tail -n 5 "$log" | sed 's/^/  /' >&2
[ -n "$keep" ] && exit 0
exit 1
