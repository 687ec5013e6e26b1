#!/usr/bin/env bash
# A file on which GDCM asserts (it calls abort(); lib/dicom.cc jumps back and sets the file
# aside) costs no file descriptor: GDCM's reader used to open the file itself, and the jump left
# that stream open, one descriptor a file, until none was left and every later file, good ones
# too, could not be opened. Here 200 such files come first in a folder, with the descriptors
# held to 64: ct-sort still sorts every good file, and ct-convert --skip-bad-files converts the
# good series to the same NRRD as from the good files alone (without it, the first bad file
# fails the series). Files whose File Meta group GDCM would assert on (an element cut short, a
# sequence or an undefined length in it, nothing after it) are refused before GDCM sees them,
# naming what and where.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

# A file GDCM asserts on in its data set: a Deflated one whose data set is cut inside an element,
# its deflate stream whole (made from regress/series/gdcm-deflate-hang, whose stream is cut too:
# that one lib/dicom refuses before GDCM reads it, test 3011).
bad=$T/gdcm-asserts.dcm
"$PYTHON" - "$TOP/tests/fuzz/regress/series/gdcm-deflate-hang" "$bad" <<'PY'
import sys, zlib
d = open(sys.argv[1], "rb").read()
at = 0x170                                   # the data set, after the File Meta group
z = zlib.compressobj(9, zlib.DEFLATED, -15)
inflated = zlib.decompressobj(-15).decompress(d[at:])
open(sys.argv[2], "wb").write(d[:at] + z.compress(inflated) + z.flush())
PY
gen "$T/good" --rows 16 --cols 16 --slices 3 --seed 9
mkdir "$T/mixed"
for i in $(seq -w 1 200); do cp "$bad" "$T/mixed/a$i.dcm"; done
for f in "$T/good"/*.dcm; do cp "$f" "$T/mixed/z$(basename "$f")"; done

( ulimit -n 64; ct-sort --copy --keep-chars . --list "$T/list.tsv" "$T/mixed" "$T/sorted/%SeriesInstanceUID/%InstanceNumber.dcm" ) >/dev/null 2>"$T/sort.err"
is "$(cut -f3 "$T/list.tsv" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" "copied=3 skipped-unreadable=200 " \
   "ct-sort under 64 descriptors: the 3 good files sorted, the 200 bad ones set aside"
is "$(find "$T/sorted" -type f -exec md5sum {} + | cut -d' ' -f1 | sort | tr '\n' ' ')" \
   "$(md5sum "$T/good"/*.dcm | cut -d' ' -f1 | sort | tr '\n' ' ')" "the sorted files are the good ones, byte for byte"

ct-convert "$T/good" "$T/want.nrrd" 2>/dev/null
( ulimit -n 64; ct-convert --skip-bad-files "$T/mixed" "$T/got.nrrd" ) 2>"$T/convert.err"
is "$?|$(cmp "$T/want.nrrd" "$T/got.nrrd" && echo same)" "0|same" \
   "ct-convert --skip-bad-files under 64 descriptors: the good series, the same NRRD as from the good files alone"
is "$(grep -c 'a[0-9]*\.dcm' "$T/convert.err")" 200 "each bad file skipped, named"
( ulimit -n 64; ct-convert "$T/mixed" "$T/fail.nrrd" ) 2>"$T/fail.err"
is "$?|$(ls "$T/fail.nrrd" 2>/dev/null | wc -l)|$(grep -c 'mixed/a001\.dcm: not a readable DICOM file' "$T/fail.err")" "1|0|1" \
   "without it the series fails on the first bad file by name (tests/t/3010), no NRRD"

# The File Meta group, checked before GDCM reads it.
mkdir "$T/meta"
f=$T/good/IM00001.dcm
head -c 300 "$f" > "$T/meta/cut.dcm"
head -c 132 "$f" > "$T/meta/preamble-only.dcm"
at=$("$PYTHON" - "$f" "$T/meta/sq.dcm" "$T/meta/undefined.dcm" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
i = d.find(b"\x02\x00\x10\x00UI")                 # (0002,0010) TransferSyntaxUID
n = struct.unpack_from("<H", d, i + 6)[0]
open(sys.argv[2], "wb").write(d[:i + 4] + b"SQ\0\0" + struct.pack("<I", n) + d[i + 8:])
open(sys.argv[3], "wb").write(d[:i + 4] + b"OB\0\0\xff\xff\xff\xff" + d[i + 8:])
print(i)
PY
)
ct-sort --list "$T/meta.tsv" "$T/meta" "$T/meta-out/%SOPInstanceUID.dcm" >/dev/null 2>"$T/meta.err"
is "$(sed -n 's/^ct-sort: warning: .*meta\/\([a-z-]*\.dcm\): \(.*\); skipped$/\1: \2/p' "$T/meta.err" | sort)" \
"cut.dcm: a File Meta element is cut short (at byte 272): not read
preamble-only.dcm: the file ends before its data set (at byte 132): not read
sq.dcm: a sequence in the File Meta group (at byte $at): not read
undefined.dcm: an undefined length in the File Meta group (at byte $at): not read" \
   "a File Meta group GDCM would assert on is refused first, naming what and the byte"
is "$(grep -c 'Assertion' "$T/meta.err") $(cut -f3 "$T/meta.tsv" | sort -u | tr '\n' ' ')" "0 skipped-unreadable " \
   "GDCM never read them (no assertion of its own), each set aside"
done_testing
