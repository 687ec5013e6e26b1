#!/bin/sh
# mk/study.sh BIN STEP ARGS...: the steps a downstream set of DICOM studies shares (CQ500, SinoCT),
# one study at a time, each run through mk/step.sh. Each step writes its target last, so a step
# killed half-way leaves no target and is simply run again.
#
#   fetch NAME FILE URL PINS RECORDED [FETCH FLAGS...]
#       URL/NAME into FILE, verified by its SHA-256 pin in PINS, else by the pin recorded on its
#       first fetch in RECORDED/NAME.sha256, else pinned now (written there)
#   sort SOURCE UNPACKED PATTERN LIST [DROP]
#       SOURCE (a .zip, first unpacked into UNPACKED, or a folder) sorted by ct-sort (hard links)
#       to PATTERN; LIST says what went where (ct-sort --list); then UNPACKED and the file DROP
#       (a fetched archive, when not kept) are removed
#   choose ID OUT MAX SOURCES DIR...
#       study ID's series (the DICOM at the top of each DIR that exists) ranked by ct-series
#       into OUT; SOURCES: a table for ct-series --sources, or ''
#   convert ID CHOICE POOL DATA SCAN RECORD [LABELS]
#       the series CHOICE chose (POOL/<SeriesInstanceUID>) to DATA/SCAN (atomically; SCAN's first
#       folder, the study's, is made, and removed again when the conversion fails: CT-FM's loaders
#       stop at a folder without a scan), its ct-convert record to RECORD. The scan is made again only when CHOICE changed since
#       (RECORD.choice is the choice it was made from). With LABELS, ID must be in its first
#       column (a study the labels do not name is left out: CT-FM's loaders stop at it)
#   failed SET WORK PREFIX ID...
#       names the studies PREFIX<ID> that have a failed record in WORK/failed/, and exits 1 if any
#   table OUT COLUMN PREFIX TSV...
#       the TSVs that exist (DIR/<name>.tsv) as one, header once; with COLUMN, a first column of
#       that name holding PREFIX<name>
set -eu
bin=$1 step=$2
shift 2

# The arguments that name an existing file.
existing() {
	for f; do [ ! -e "$f" ] || printf '%s\n' "$f"; done
}

fetch() {
	name=$1 file=$2 url=$3 pins=$4 recorded=$5
	shift 5
	pin=$("$bin/ct-pin" --kind sha256 --missing-ok "$pins" "$name")
	[ -n "$pin" ] || pin=$("$bin/ct-pin" --kind sha256 --missing-ok "$recorded/$name.sha256" "$name")
	mkdir -p "$(dirname "$file")"
	if [ -n "$pin" ]; then
		"$bin/ct-fetch" "$@" --url "$url/$name" --sha256 "$pin" "$file"
	else
		mkdir -p "$recorded"
		"$bin/ct-fetch" "$@" --url "$url/$name" --record-sha256 "$recorded/$name.sha256" "$file"
	fi
}

sort_study() {
	src=$1 unpacked=$2 pattern=$3 list=$4 drop=${5:-}
	mkdir -p "$(dirname "$list")"
	case $src in
	*.zip) [ -d "$unpacked" ] || "$bin/ct-unpack" "$src" "$unpacked"; from=$unpacked ;;
	*) from=$src ;;
	esac
	rm -f "$list".new*
	"$bin/ct-sort" --keep-chars . --list "$list.new" "$from" "$pattern"
	mv "$list.new" "$list"
	rm -rf "$unpacked"
	[ -z "$drop" ] || rm -f "$drop"
}

choose() {
	id=$1 out=$2 max=$3 sources=$4
	shift 4
	for d; do shift; [ ! -d "$d" ] || set -- "$@" "$d"; done
	if [ $# -eq 0 ]; then
		echo "$id: no DICOM series found" >&2
		exit 1
	fi
	mkdir -p "$(dirname "$out")"
	"$bin/ct-series" --id "$id" ${sources:+--sources "$sources"} --max-thickness "$max" "$out" "$@"
}

convert() {
	id=$1 choice=$2 pool=$3 nrrd=$4/$5 folder=$4/${5%%/*} out=$6 labels=${7:-}
	dir=$(dirname "$nrrd")
	if [ -n "$labels" ] && ! awk -F'\t' -v id="$id" 'NR > 1 && $1 == id { found = 1 } END { exit !found }' "$labels"; then
		echo "$id: no row in $labels: left out (CT-FM's loader would stop at a folder it has no label for)" >&2
		exit 1
	fi
	if [ -e "$nrrd" ] && [ -e "$out" ] && cmp -s "$choice" "$out.choice"; then
		touch "$out" # the choice was made again (another study was sorted) and did not change
		exit 0
	fi
	uid=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["chosen"] == 1 { print $c["series_uid"] }' "$choice")
	mkdir -p "$(dirname "$out")" "$dir"
	rm -f "$dir"/*.tmp.* "$out".meta* "$out.choice"
	if ! "$bin/ct-convert" "$pool/$uid" "$nrrd" --meta "$out.meta"; then
		find "$folder" -depth -type d -empty -delete 2>/dev/null || true
		exit 1 # ct-convert's reason is the last line: it goes to the failed record
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

# The studies of ID... with a failed record in WORK/failed/: named, exit 1.
failed() {
	set_name=$1 work=$2 prefix=$3
	shift 3
	names= count=0
	for id; do
		[ -e "$work/failed/$prefix$id.tsv" ] || continue
		names="$names $prefix$id" count=$((count + 1))
	done
	[ "$count" -gt 0 ] || exit 0
	echo "ctmake: $set_name: $count failed:$(echo "$names" | cut -c1-400) (why: $work/failed/, logs: $work/logs/);" \
		"datalist.json lists the others. Running the same command again retries them." >&2
	exit 1
}

case $step in
fetch) fetch "$@" ;;
sort) sort_study "$@" ;;
choose) choose "$@" ;;
convert) convert "$@" ;;
table) table "$@" ;;
failed) failed "$@" ;;
*) echo "mk/study.sh: unknown step $step" >&2; exit 2 ;;
esac
