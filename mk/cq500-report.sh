#!/bin/sh
# mk/cq500-report.sh PINS WORK N...: what make downstream-cq500 tells at its end.
# - Files with no pin in PINS were pinned on their first fetch (WORK/pins/): their lines, ready to
#   be added to PINS, go to WORK/unpinned.sha256 (rewritten only when they change), and a reminder
#   is printed (PINS may be read-only, e.g. a checkout on a cluster: the recorded pins keep
#   guarding every later fetch meanwhile).
# - Patients of N... not done (no WORK/records/N.tsv; why in WORK/failed/) are named (mk/study.sh
#   failed), exit status 1.
set -eu
pins=$1 work=$2
shift 2
if ls "$work"/pins/*.sha256 >/dev/null 2>&1; then
	cat "$work"/pins/*.sha256 | awk 'NR == FNR { if ($1 !~ /^#/ && NF >= 2) have[$2]; next } !($2 in have)' "$pins" - |
		LC_ALL=C sort -k2 > "$work/unpinned.sha256.tmp"
	cmp -s "$work/unpinned.sha256.tmp" "$work/unpinned.sha256" 2>/dev/null || mv "$work/unpinned.sha256.tmp" "$work/unpinned.sha256"
	rm -f "$work/unpinned.sha256.tmp"
	n=$(wc -l < "$work/unpinned.sha256")
	[ "$n" -eq 0 ] || echo "ctmake: cq500: $n files have no pin in $pins and were pinned on their first fetch" \
		"(checked on every later one). To pin them in the checkout: cat $work/unpinned.sha256 >> $pins" >&2
fi
exec sh "$(dirname "$0")/study.sh" "" failed cq500 "$work" CQ500-CT- "$@"
