#!/usr/bin/env bash
# A file on which GDCM asserts (it calls abort(); lib/dicom.cc jumps back and sets the file
# aside) costs no file descriptor: GDCM's reader used to open the file itself, and the jump left
# that stream open, one descriptor a file, until none was left and every later file, good ones
# too, could not be opened. Here 200 such files come first in a folder, with the descriptors
# held to 64: ct-sort still sorts every good file, and ct-convert converts the good series to
# the same NRRD as from the good files alone.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

bad=$TOP/tests/fuzz/regress/dicom/deflated-gdcm-aborts-zlib-state.dcm # GDCM asserts in its data set
gen "$T/good" --rows 16 --cols 16 --slices 3 --seed 9
mkdir "$T/mixed"
for i in $(seq -w 1 200); do cp "$bad" "$T/mixed/a$i.dcm"; done
for f in "$T/good"/*.dcm; do cp "$f" "$T/mixed/z$(basename "$f")"; done

( ulimit -n 64; ct-sort --copy --keep-chars . --list "$T/list.tsv" "$T/mixed" "$T/sorted/%SeriesInstanceUID/%InstanceNumber.dcm" ) >/dev/null 2>"$T/sort.err"
is "$(cut -f3 "$T/list.tsv" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" "copied=3 skipped-not-dicom=200 " \
   "ct-sort under 64 descriptors: the 3 good files sorted, the 200 bad ones set aside"
is "$(find "$T/sorted" -type f -exec md5sum {} + | cut -d' ' -f1 | sort | tr '\n' ' ')" \
   "$(md5sum "$T/good"/*.dcm | cut -d' ' -f1 | sort | tr '\n' ' ')" "the sorted files are the good ones, byte for byte"

ct-convert "$T/good" "$T/want.nrrd" 2>/dev/null
( ulimit -n 64; ct-convert "$T/mixed" "$T/got.nrrd" ) 2>"$T/convert.err"
is "$?|$(cmp "$T/want.nrrd" "$T/got.nrrd" && echo same)" "0|same" \
   "ct-convert under 64 descriptors: the good series, the same NRRD as from the good files alone"
is "$(grep -c 'a[0-9]*\.dcm' "$T/convert.err")" 200 "each bad file set aside, named"
done_testing
