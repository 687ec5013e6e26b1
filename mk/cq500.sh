#!/bin/sh
# mk/cq500.sh BIN CQ WORK STEP ARGS...: one step of make downstream-cq500 (mk/downstream-cq500.mk),
# one patient (archive) at a time, run through mk/step.sh. CQ is CT-FM's data folder (patient
# folders only), WORK the work area beside it. Each step writes its target last, atomically.
#
#   fetch NAME FILE URL PINS [FETCH FLAGS...]  NAME verified by its pin in PINS, else by the one
#                             recorded on its first fetch (WORK/pins/NAME.sha256), else pinned now
#   sort N ZIP KEEP_ARCHIVES  unpack archive N, link its DICOM into WORK/series/<SeriesInstanceUID>/
#                             (every archive into the same pool: a series split over two archives
#                             is whole there), WORK/lists/N.tsv says what went where
#   sources OUT LIST...       which series each patient folder of each archive holds (the lists
#                             that exist: an archive that failed under make -k has none)
#   choose N OUT MAX          rank patient N's series (ct-series) into OUT
#   convert N CHOICE LABELS OUT  the chosen series to CQ/CQ500CT<N> CQ500CT<N>/scan.nrrd, its record OUT
#   table OUT COLUMN TSV...   the TSVs that exist (WORK/<dir>/N.tsv) as one, header once; with
#                             COLUMN, a first column of that name holding CQ500-CT-N
set -eu
bin=$1 cq=$2 work=$3 step=$4
shift 4

fetch() {
	name=$1 file=$2 url=$3 pins=$4
	shift 4
	pin=$("$bin/ct-pin" --kind sha256 --missing-ok "$pins" "$name")
	[ -n "$pin" ] || pin=$("$bin/ct-pin" --kind sha256 --missing-ok "$work/pins/$name.sha256" "$name")
	mkdir -p "$(dirname "$file")"
	if [ -n "$pin" ]; then
		"$bin/ct-fetch" "$@" --url "$url/$name" --sha256 "$pin" "$file"
	else
		mkdir -p "$work/pins"
		"$bin/ct-fetch" "$@" --url "$url/$name" --record-sha256 "$work/pins/$name.sha256" "$file"
	fi
}

sort_archive() {
	n=$1 zip=$2 keep=$3 u=$work/unpacked/$1 list=$work/lists/$1.tsv
	mkdir -p "$work/lists" "$work/series"
	[ -d "$u" ] || "$bin/ct-unpack" "$zip" "$u"
	rm -f "$list".new*
	"$bin/ct-sort" --keep-chars . --list "$list.new" "$u" "$work/series/%SeriesInstanceUID/%SOPInstanceUID.dcm"
	mv "$list.new" "$list"
	rm -rf "$u"
	[ "$keep" = 1 ] || rm -f "$zip"
}

# One row per series, patient folder and archive: series_uid, patient (CQ500-CT-<M> from the
# folder's first word CQ500CT<M>; the archive's own number when the folder is not named so),
# archive, folder (relative to the archive's root).
# The arguments that name an existing file.
existing() {
	for f; do [ ! -e "$f" ] || printf '%s\n' "$f"; done
}

sources() {
	out=$1
	shift
	set -- $(existing "$@")
	{
		printf 'series_uid\tpatient\tarchive\tfolder\n'
		[ $# -eq 0 ] || awk -F'\t' 'FNR == 1 { n = FILENAME; sub(/.*\//, "", n); sub(/\.tsv$/, "", n); root = "/unpacked/" n "/" }
			$2 == "" || $3 ~ /^skipped/ { next }
			{
				rel = substr($1, index($1, root) + length(root))
				folder = rel; if (!sub(/\/[^\/]*$/, "", folder)) folder = "."
				top = folder; sub(/\/.*/, "", top)
				patient = "CQ500-CT-" n
				if (match(top, /^CQ500CT[0-9]+( |$)/)) { m = substr(top, 8, RLENGTH - 7); sub(/ $/, "", m); patient = "CQ500-CT-" m }
				uid = $2; sub(/\/[^\/]*$/, "", uid); sub(/.*\//, "", uid)
				print uid "\t" patient "\tCQ500-CT-" n "\t" folder
			}' "$@" | LC_ALL=C sort -u
	} > "$out.tmp"
	mv "$out.tmp" "$out"
}

choose() {
	n=$1 out=$2 max=$3 src=$work/sources.tsv
	uids=$(awk -F'\t' -v p="CQ500-CT-$n" 'NR > 1 && $2 == p { print $1 }' "$src" | LC_ALL=C sort -u)
	if [ -z "$uids" ]; then
		echo "CQ500-CT-$n: no series in any archive (no folder CQ500CT$n CQ500CT$n)" >&2
		exit 1
	fi
	set --
	for u in $uids; do set -- "$@" "$work/series/$u"; done
	mkdir -p "$(dirname "$out")"
	"$bin/ct-series" --id "CQ500-CT-$n" --sources "$src" --max-thickness "$max" "$out" "$@"
}

convert() {
	n=$1 choice=$2 labels=$3 out=$4 dir="$cq/CQ500CT$1 CQ500CT$1"
	if ! awk -F'\t' -v p="CQ500-CT-$n" 'NR > 1 && $1 == p { found = 1 } END { exit !found }' "$labels"; then
		echo "CQ500-CT-$n: no row in reads.csv: left out (CT-FM's loader would stop at a folder it has no label for)" >&2
		exit 1
	fi
	# The choice is remade whenever an archive is sorted; the scan only when the choice changed.
	if [ -e "$dir/scan.nrrd" ] && [ -e "$out" ] && cmp -s "$choice" "$out.choice"; then
		touch "$out"
		exit 0
	fi
	uid=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["chosen"] == 1 { print $c["series_uid"] }' "$choice")
	mkdir -p "$(dirname "$out")" "$dir"
	rm -f "$dir"/*.tmp.* "$out".meta* "$out.choice"
	if ! "$bin/ct-convert" "$work/series/$uid" "$dir/scan.nrrd" --meta "$out.meta"; then
		rmdir "$dir" 2>/dev/null || true # no empty patient folder: CT-FM's loader would stop at it
		exit 1 # ct-convert's reason is the last line: it goes to WORK/failed/
	fi
	cp "$choice" "$out.choice"
	mv "$out.meta" "$out"
}

table() {
	out=$1 col=$2
	shift 2
	set -- $(existing "$@")
	[ $# -gt 0 ] || set -- /dev/null
	awk -F'\t' -v col="$col" 'FNR == 1 { n = FILENAME; sub(/.*\//, "", n); sub(/\.tsv$/, "", n) }
		FNR == 1 && NR > 1 { next }
		col == "" { print; next }
		{ print (FNR == 1 ? col : "CQ500-CT-" n) "\t" $0 }' "$@" > "$out.tmp"
	mv "$out.tmp" "$out"
}

case $step in
fetch) fetch "$@" ;;
sort) sort_archive "$@" ;;
sources) sources "$@" ;;
choose) choose "$@" ;;
convert) convert "$@" ;;
table) table "$@" ;;
*) echo "mk/cq500.sh: unknown step $step" >&2; exit 2 ;;
esac
