#!/bin/sh
# mk/study.sh BIN STEP ARGS...: the steps a downstream set of DICOM studies shares (CQ500, SinoCT).
#
# The steps of one study (or archive) take WORK and ID first. Each command they run is a pipeline
# step (lib/step.h): it appends to ID's log WORK/logs/ID.log and, when it fails, writes ID's
# failure record WORK/failed/ID.tsv (a step that succeeds removes it); a failure this script
# finds itself is recorded the same way. ID '' is no study (reads.csv): no log, no record. Each
# step writes its target last, so a step killed half-way leaves no target and is run again.
#
#   fetch WORK ID NAME FILE URL PINS RECORDED [FETCH FLAGS...]
#       URL/NAME into FILE, verified by its SHA-256 pin in PINS, else by the pin recorded on its
#       first fetch in RECORDED/NAME.sha256, else pinned now (written there)
#   sort WORK ID SOURCE UNPACKED PATTERN LIST [DROP]
#       SOURCE (a .zip, first unpacked into UNPACKED, or a folder) sorted by ct-sort (hard links)
#       to PATTERN; LIST says what went where (ct-sort --list); then UNPACKED and the file DROP
#       (a fetched archive, when not kept) are removed
#   choose WORK ID OUT MAX SOURCES DIR...
#       study ID's series (the DICOM at the top of each DIR that exists) ranked by ct-series
#       into OUT; SOURCES: a table for ct-series --sources, or ''
#   convert WORK ID CHOICE POOL DATA SCAN RECORD [LABELS]
#       the series CHOICE chose (POOL/<SeriesInstanceUID>) to DATA/SCAN (atomically; SCAN's first
#       folder, the study's, is made, and removed again when the conversion fails: CT-FM's loaders
#       stop at a folder without a scan), its ct-convert record to RECORD. The scan is made again
#       only when CHOICE changed since (RECORD.choice is the choice it was made from). With
#       LABELS, ID must be in its first column (a study the labels do not name is left out:
#       CT-FM's loaders stop at it)
# And over a whole set:
#   failed SET WORK PREFIX ID...
#       names the studies PREFIX<ID> that are not done (no WORK/records/<ID>.tsv: failed, their
#       reasons in WORK/failed/), and exits 1 if there are any
#   table OUT COLUMN PREFIX TSV...
#       the TSVs that exist (DIR/<name>.tsv) as one, header once; with COLUMN, a first column of
#       that name holding PREFIX<name>
set -eu
bin=$1 step=$2
shift 2
work= id=

# The arguments that name an existing file.
existing() {
	for f; do [ ! -e "$f" ] || printf '%s\n' "$f"; done
}

# edge STEP: the options that make a command study ID's STEP.
edge() {
	[ -z "$id" ] || echo --log "$work/logs/$id.log" --failed "$work/failed/$id.tsv" --step "$1"
}

# fail STEP WHY...: a failure this script found: said on stderr and, for a study, recorded as
# its failure at STEP (the line lib/step.h writes: ID TAB STEP TAB WHY).
fail() {
	at=$1
	shift
	echo "$*" >&2
	if [ -n "$id" ]; then
		mkdir -p "$work/failed"
		printf '%s\t%s\t%s\n' "$id" "$at" "$*" > "$work/failed/$id.tsv.tmp.$$"
		mv "$work/failed/$id.tsv.tmp.$$" "$work/failed/$id.tsv"
	fi
	exit 1
}

fetch() {
	name=$1 file=$2 url=$3 pins=$4 recorded=$5
	shift 5
	pin=$("$bin/ct-pin" --kind sha256 --missing-ok "$pins" "$name")
	[ -n "$pin" ] || pin=$("$bin/ct-pin" --kind sha256 --missing-ok "$recorded/$name.sha256" "$name")
	mkdir -p "$(dirname "$file")"
	if [ -n "$pin" ]; then
		"$bin/ct-fetch" $(edge fetch) "$@" --url "$url/$name" --sha256 "$pin" "$file"
	else
		mkdir -p "$recorded"
		"$bin/ct-fetch" $(edge fetch) "$@" --url "$url/$name" --record-sha256 "$recorded/$name.sha256" "$file"
	fi
}

sort_study() {
	src=$1 unpacked=$2 pattern=$3 list=$4 drop=${5:-}
	mkdir -p "$(dirname "$list")"
	case $src in
	*.zip) [ -d "$unpacked" ] || "$bin/ct-unpack" $(edge sort) "$src" "$unpacked"; from=$unpacked ;;
	*) from=$src ;;
	esac
	rm -f "$list".new*
	"$bin/ct-sort" $(edge sort) --keep-chars . --list "$list.new" "$from" "$pattern"
	mv "$list.new" "$list"
	rm -rf "$unpacked"
	[ -z "$drop" ] || rm -f "$drop"
}

choose() {
	out=$1 max=$2 sources=$3
	shift 3
	for d; do shift; [ ! -d "$d" ] || set -- "$@" "$d"; done
	[ $# -gt 0 ] || fail choose "$id: no DICOM series found"
	mkdir -p "$(dirname "$out")"
	"$bin/ct-series" $(edge choose) --id "$id" ${sources:+--sources "$sources"} --max-thickness "$max" "$out" "$@"
}

convert() {
	choice=$1 pool=$2 nrrd=$3/$4 folder=$3/${4%%/*} out=$5 labels=${6:-}
	dir=$(dirname "$nrrd")
	if [ -n "$labels" ] && ! awk -F'\t' -v id="$id" 'NR > 1 && $1 == id { found = 1 } END { exit !found }' "$labels"; then
		fail convert "$id: no row in $labels: left out (CT-FM's loader would stop at a folder it has no label for)"
	fi
	if [ -e "$nrrd" ] && [ -e "$out" ] && cmp -s "$choice" "$out.choice"; then
		touch "$out" # the choice was made again (another study was sorted) and did not change
		exit 0
	fi
	uid=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["chosen"] == 1 { print $c["series_uid"] }' "$choice")
	mkdir -p "$(dirname "$out")" "$dir"
	rm -f "$dir"/*.tmp.* "$out".meta* "$out.choice"
	if ! "$bin/ct-convert" $(edge convert) "$pool/$uid" "$nrrd" --meta "$out.meta"; then
		find "$folder" -depth -type d -empty -delete 2>/dev/null || true
		exit 1 # ct-convert wrote the failure record
	fi
	cp "$choice" "$out.choice"
	mv "$out.meta" "$out"
}

table() {
	out=$1 col=$2 prefix=$3
	shift 3
	set -- $(existing "$@")
	[ $# -gt 0 ] || set -- /dev/null
	awk -F'\t' -v col="$col" -v prefix="$prefix" 'FNR == 1 { n = FILENAME; sub(/.*\//, "", n); sub(/\.tsv$/, "", n) }
		FNR == 1 && NR > 1 { next }
		col == "" { print; next }
		{ print (FNR == 1 ? col : prefix n) "\t" $0 }' "$@" > "$out.tmp"
	mv "$out.tmp" "$out"
}

# The studies of ID... without a record in WORK/records/: named, exit 1.
failed() {
	set_name=$1 work=$2 prefix=$3
	shift 3
	names= count=0
	for n; do
		[ ! -e "$work/records/$n.tsv" ] || continue
		names="$names $prefix$n" count=$((count + 1))
	done
	[ "$count" -gt 0 ] || exit 0
	echo "ctmake: $set_name: $count failed:$(echo "$names" | cut -c1-400) (why: $work/failed/, logs: $work/logs/);" \
		"datalist.json lists the others. Running the same command again retries them." >&2
	exit 1
}

case $step in
fetch | sort | choose | convert)
	work=$1 id=$2
	shift 2
	case $step in
	fetch) fetch "$@" ;;
	sort) sort_study "$@" ;;
	choose) choose "$@" ;;
	convert) convert "$@" ;;
	esac
	;;
table) table "$@" ;;
failed) failed "$@" ;;
*) echo "mk/study.sh: unknown step $step" >&2; exit 2 ;;
esac
