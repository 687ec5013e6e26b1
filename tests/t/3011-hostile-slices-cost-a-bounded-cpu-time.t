#!/usr/bin/env bash
# Two inputs make fuzz found that cost without bound in CPU (tests/fuzz/README.md): a JPEG-LS
# slice on which CharLS spends 9 s for 16x16 pixels, and a Deflated file cut inside its
# deflate stream, on which GDCM's header read spins for ever. Grafted into a real series, each
# is now refused, naming the file and why: the JPEG-LS slice once its CPU budget (lib/budget.h;
# 2 s by default, CT_CPU_BUDGET_MS here) is spent, the cut Deflated file before GDCM reads it.
# ct-convert --skip-bad-files then gives exactly the NRRD of the series without the bad slice,
# ct-sort sorts every other file, and no command hangs.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

hostile=$TOP/tests/fuzz/regress/volume/charls-9s-16x16-jpegls
gen "$T/jls" --rows 16 --cols 16 --slices 4 --seed 31 --compress jpegls
gen "$T/dfl" --rows 16 --cols 16 --slices 4 --seed 32 --compress deflated
# graft SLICE: SLICE's PixelData replaced by the hostile file's (the second of the two files
# the harness input joins): a 16x16 16-bit JPEG-LS stream with custom LSE thresholds.
"$PYTHON" - "$hostile" "$T/jls/IM00002.dcm" <<'PY'
import sys
src = open(sys.argv[1], "rb").read().split(b"\0CTFILE\0")[1]
dst = open(sys.argv[2], "rb").read()
tag = b"\xe0\x7f\x10\x00OB\0\0\xff\xff\xff\xff"  # (7FE0,0010) OB, undefined length: encapsulated
assert src.rfind(tag) > 0 and dst.rfind(tag) > 0
open(sys.argv[2], "wb").write(dst[:dst.rfind(tag)] + src[src.rfind(tag):])
PY
# The Deflated slice 2 cut 40 bytes before its end: inside its deflate stream.
size=$(stat -c %s "$T/dfl/IM00002.dcm")
head -c $((size - 40)) "$T/dfl/IM00002.dcm" > "$T/cut.dcm" && mv "$T/cut.dcm" "$T/dfl/IM00002.dcm"

for s in jls dfl; do
	mkdir "$T/$s-without"
	cp "$T/$s"/*.dcm "$T/$s-without/" && rm "$T/$s-without/IM00002.dcm"
	ct-convert "$T/$s-without" "$T/$s-want.nrrd" 2>/dev/null
done

export CT_CPU_BUDGET_MS=300
timeout 120 ct-convert --skip-bad-files "$T/jls" "$T/jls-got.nrrd" 2>"$T/jls.err"
is "$?|$(cmp "$T/jls-want.nrrd" "$T/jls-got.nrrd" && echo same)" "0|same" \
   "ct-convert --skip-bad-files on the JPEG-LS series: the NRRD of the series without the hostile slice"
is "$(sed -n 's/^ct-convert: warning: .*\/\(IM[0-9]*\.dcm\): \(.*\); skipped.*/\1: \2/p' "$T/jls.err")" \
   "IM00002.dcm: (7FE0,0010) PixelData: took more than its CPU budget (0.3 s; a hostile or corrupt file)" \
   "the hostile slice skipped by name, at its CPU budget (0.3 s + 1 ms a kB and a thousand pixels)"
unset CT_CPU_BUDGET_MS
timeout 120 ct-convert "$T/jls" "$T/jls-fail.nrrd" 2>"$T/jls-fail.err"
is "$?|$(ls "$T/jls-fail.nrrd" 2>/dev/null | wc -l)|$(grep -c 'jls/IM00002\.dcm: (7FE0,0010) PixelData: took more than its CPU budget (2\.0 s' "$T/jls-fail.err")" \
   "1|0|1" "without it the series fails on that slice at the default budget (2 s), no NRRD"

timeout 120 ct-convert --skip-bad-files "$T/dfl" "$T/dfl-got.nrrd" 2>"$T/dfl.err"
is "$?|$(cmp "$T/dfl-want.nrrd" "$T/dfl-got.nrrd" && echo same)" "0|same" \
   "ct-convert --skip-bad-files on the Deflated series: the NRRD of the series without the cut slice"
at=$("$PYTHON" -c '
import sys; d = open(sys.argv[1], "rb").read(); i = d.find(b"\x02\x00\x10\x00UI")
n = d[i + 6] | d[i + 7] << 8; j = i + 8 + n
while d[j:j + 2] == b"\x02\x00":  # the File Meta elements after the transfer syntax (explicit VR, short lengths)
    j += 8 + (d[j + 6] | d[j + 7] << 8)
print(j)' "$T/dfl/IM00002.dcm")
is "$(sed -n 's/^ct-convert: warning: .*\/\(IM[0-9]*\.dcm\): \(.*\); skipped.*/\1: \2/p' "$T/dfl.err")" \
   "IM00002.dcm: the Deflated data set is cut short (its deflate stream does not end) (at byte $at): not read" \
   "the cut file named, with the byte its data set starts at, before GDCM read it"
timeout 120 ct-sort --list "$T/sort.tsv" "$T/dfl" "$T/sorted/%SOPInstanceUID.dcm" >/dev/null 2>"$T/sort.err"
is "$?|$(cut -f3 "$T/sort.tsv" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" "0|linked=3 skipped-unreadable=1 " \
   "ct-sort: the three whole files sorted, the cut one set aside"
is "$(find "$T/sorted" -type f -exec md5sum {} + | cut -d' ' -f1 | sort | tr '\n' ' ')" \
   "$(md5sum "$T/dfl-without"/*.dcm | cut -d' ' -f1 | sort | tr '\n' ' ')" "the sorted files are the whole ones, byte for byte"
done_testing
