#!/bin/sh
# mk/scandir.sh LIST OUT: from ct-sort's list (SOURCE TAB TARGET TAB ACTION), write to OUT
# (atomically) the one directory the scan's DICOM went to. A series spread over several
# directories (two PatientIDs or StudyInstanceUIDs in one IDC series) is an error.
set -eu
list=$1 out=$2
dirs=$(awk -F'\t' '$2 != "" && $3 !~ /^skipped/ { d = $2; sub(/\/[^\/]*$/, "", d); print d }' "$list" | sort -u)
n=$(printf '%s' "$dirs" | grep -c . || true)
if [ "$n" -ne 1 ]; then
	echo "ct-sort placed this series in $n directories (expected 1): $(echo $dirs | head -c 300)" >&2
	exit 1
fi
printf '%s\n' "$dirs" > "$out.tmp"
mv "$out.tmp" "$out"
