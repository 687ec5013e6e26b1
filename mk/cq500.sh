#!/bin/sh
# mk/cq500.sh BIN CQ WORK STEP ARGS...: what make downstream-cq500 (mk/downstream-cq500.mk) does
# beyond mk/study.sh's shared steps. CQ is CT-FM's data folder (patient folders only), WORK the
# work area beside it, WORK/series/<SeriesInstanceUID>/ the one pool every archive is sorted into
# (a series split over two archives is whole there).
#
#   sources OUT LIST...   which series each patient folder of each archive holds, from the sort
#                         lists that exist (an archive that failed under make -k has none): rows
#                         series_uid, patient (CQ500-CT-<M> from the folder's first word
#                         CQ500CT<M>; the archive's own number when the folder is not named so),
#                         archive, folder (relative to the archive's root)
#   choose N OUT MAX      patient N's series (every pool folder of a series its folders hold),
#                         ranked by ct-series into OUT
#   convert N CHOICE LABELS OUT   the chosen series to CQ/CQ500CT<N> CQ500CT<N>/scan.nrrd
# choose and convert are steps of the study CQ500-CT-<N> (mk/study.sh: logs and failure record
# in WORK).
set -eu
bin=$1 cq=$2 work=$3 step=$4
shift 4
study="sh $(dirname "$0")/study.sh $bin"

sources() {
	out=$1
	shift
	set -- $(for f; do [ ! -e "$f" ] || echo "$f"; done)
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
	[ -n "$uids" ] || echo "CQ500-CT-$n: no series in any archive (no folder CQ500CT$n CQ500CT$n)" >&2
	set --
	for u in $uids; do set -- "$@" "$work/series/$u"; done
	$study choose "$work" "CQ500-CT-$n" "$out" "$max" "$src" "$@"
}

convert() {
	n=$1 choice=$2 labels=$3 out=$4
	$study convert "$work" "CQ500-CT-$n" "$choice" "$work/series" "$cq" "CQ500CT$n CQ500CT$n/scan.nrrd" "$out" "$labels"
}

case $step in
sources) sources "$@" ;;
choose) choose "$@" ;;
convert) convert "$@" ;;
*) echo "mk/cq500.sh: unknown step $step" >&2; exit 2 ;;
esac
