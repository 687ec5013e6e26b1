#!/bin/sh
# mk/drop-dicom.sh DIR: KEEP_DICOM=drop, once a scan's NRRD is written: remove its DICOM, both
# the fetched files in DIR and the links ct-sort made (listed in DIR/.sort-list.tsv). The
# records (.verified, .scandir, .sort-list.tsv) stay, so a re-run neither fetches nor converts.
set -eu
dir=$1
awk -F'\t' '$2 != "" && $3 !~ /^skipped/ { print $2 }' "$dir/.sort-list.tsv" | while IFS= read -r f; do
	rm -f -- "$f"
done
find "$dir" -maxdepth 1 -type f ! -name '.*' -delete
