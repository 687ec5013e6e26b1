#!/usr/bin/env bash
# A DICOM file of the folder that cannot be read fails the series (issue 12), where it used to
# be dropped silently (a 119-slice volume "laid on 120 planes"): 200 bytes overwritten in the
# header of one of 120 slices (random bytes, then 0xFF bytes: a value claiming 64 KB in a 3 KB
# file), a slice cut off inside its header, one cut off just before its Rows (the rest parses), one cut off
# inside its pixel data, a slice whose Rows are gone though its pixels are there, a JPEG-LS
# slice whose pixel data does not decode, a JPEG slice claiming 182 bits a sample, an RLE
# slice claiming 134,217,730 segments. Each ends with exit 1, an error naming the file and the
# tag (or the step) where it broke, and nothing written. With
# --skip-bad-files the series converts without the bad file, exactly as the folder without it
# does, and the record names it in skipped_files. Files that are not DICOM (a README, a .txt,
# a DICOMDIR) are still skipped, changing nothing.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

gen "$T/src" --rows 32 --cols 32 --slices 120 --seed 12
ct-convert "$T/src" "$T/clean.nrrd"
mkdir "$T/without"; cp "$T/src"/*.dcm "$T/without/"; rm "$T/without/IM00060.dcm"
ct-convert "$T/without" "$T/without.nrrd" 2>/dev/null

# overwrite OFFSET random|ff FILE: 200 bytes at OFFSET, the same bytes every run.
overwrite() {
	"$PYTHON" - "$1" "$2" "$3" <<'PY'
import random, sys
at, kind, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
random.seed(7)
data = bytes(random.randrange(256) for _ in range(200)) if kind == "random" else b"\xff" * 200
with open(path, "r+b") as f:
    f.seek(at)
    f.write(data)
PY
}
# broken NAME HOW...: a copy of the series with IM00060.dcm broken by HOW (a command run on it).
broken() {
	local name=$1; shift
	mkdir "$T/$name"; cp "$T/src"/*.dcm "$T/$name/"
	"$@" "$T/$name/IM00060.dcm"
}
# fails NAME WHERE: exit 1, the error names IM00060.dcm and WHERE (a regex), nothing written.
fails() {
	local name=$1 where=$2
	rm -f "$T"/out.*
	ct-convert "$T/$name" "$T/out.nrrd" --meta "$T/out.tsv" 2>"$T/err"
	local rc=$?
	is "$rc $(ls -a "$T" | grep -c '^out\.')" "1 0" "$name: exit 1, no output file (not even a temporary)"
	if grep -q "IM00060\.dcm.*$where" "$T/err"; then pass "$name: the error names the file and $where"
	else fail "$name: the error names the file and $where"; diag "$(cat "$T/err")"; fi
}

tag='([0-9A-F]\{4\},[0-9A-F]\{4\})'
broken random-header overwrite 600 random
fails random-header "$tag"
broken ff-header overwrite 300 ff
fails ff-header "claims 65536 bytes, more than the file holds"
broken cut-header truncate -s 700
fails cut-header "header"
broken no-rows "$PYTHON" -c 'import pydicom, sys; d = pydicom.dcmread(sys.argv[1]); del d.Rows; d.save_as(sys.argv[1])'
fails no-rows "(0028,0010) Rows"
# Cut just before its Rows element: what is left parses (GDCM stops at the end of the file),
# as a DICOM object without an image, but its SOP Class says CT image.
broken cut-at-rows "$PYTHON" -c 'import sys; p = sys.argv[1]; d = open(p, "rb").read(); open(p, "wb").write(d[:d.index(b"\x28\x00\x10\x00US")])'
fails cut-at-rows "(0028,0010) Rows.*CT Image Storage"
broken cut-pixels truncate -s -300
fails cut-pixels "(7FE0,0010) PixelData.*truncated"

gen "$T/jls" --rows 32 --cols 32 --slices 120 --seed 12 --compress jpegls
size=$(stat -c %s "$T/jls/IM00060.dcm")
overwrite $((size - 300)) random "$T/jls/IM00060.dcm"
rm -f "$T"/out.*
ct-convert "$T/jls" "$T/out.nrrd" --meta "$T/out.tsv" 2>"$T/err"
is "$? $(ls -a "$T" | grep -c '^out\.')" "1 0" "JPEG-LS pixel data that does not decode: exit 1, no output file"
ok "...the error names the file and (7FE0,0010) PixelData" grep -q 'IM00060\.dcm: (7FE0,0010) PixelData' "$T/err"

# --skip-bad-files: the volume of the folder without the file, and the record says so.
for name in random-header ff-header cut-header no-rows cut-at-rows cut-pixels; do
	ct-convert --skip-bad-files "$T/$name" "$T/$name.nrrd" --meta "$T/$name.tsv" 2>"$T/err"
	is "$? $(md5_of "$T/$name.nrrd") $(meta_field "$T/$name.tsv" skipped_files)" "0 $(md5_of "$T/without.nrrd") IM00060.dcm" \
		"$name, --skip-bad-files: the volume without the file; skipped_files names it"
done
ok "...and says so on stderr" grep -q 'IM00060\.dcm.*skipped' "$T/err"
mkdir "$T/jls-without"; cp "$T/jls"/*.dcm "$T/jls-without/"; rm "$T/jls-without/IM00060.dcm"
ct-convert "$T/jls-without" "$T/jls-without.nrrd" 2>/dev/null
ct-convert --skip-bad-files --threads 2 "$T/jls" "$T/jls.nrrd" --meta "$T/jls.tsv" 2>/dev/null
is "$? $(md5_of "$T/jls.nrrd") $(meta_field "$T/jls.tsv" skipped_files)" "0 $(md5_of "$T/jls-without.nrrd") IM00060.dcm" \
	"a slice that does not decode, --skip-bad-files: the volume without it; skipped_files names it"
# A JPEG slice whose frame header claims 182 bits a sample: GDCM's JPEG codec has no decoder
# for that and dereferenced a null (make fuzz, regress/volume/); refused first, by name.
gen "$T/jpg" --rows 32 --cols 32 --slices 120 --seed 12 --compress jpeg
"$PYTHON" - "$T/jpg/IM00060.dcm" <<'PY'
import re, sys
d = bytearray(open(sys.argv[1], "rb").read())
sof = re.search(rb"\xff[\xc0-\xc3\xc5-\xc7]", d[d.index(b"\xff\xd8"):]).start() + d.index(b"\xff\xd8")
d[sof + 4] = 182                               # the frame header's sample precision
open(sys.argv[1], "wb").write(d)
PY
mkdir "$T/jpg-without"; cp "$T/jpg"/*.dcm "$T/jpg-without/"; rm "$T/jpg-without/IM00060.dcm"
ct-convert "$T/jpg-without" "$T/jpg-without.nrrd" 2>/dev/null
ct-convert "$T/jpg" "$T/jpg-fail.nrrd" 2>"$T/err"
is "$?|$(ls "$T/jpg-fail.nrrd" 2>/dev/null | wc -l)|$(grep -c 'IM00060\.dcm: (7FE0,0010) PixelData: its JPEG frame header declares 182 bits a sample' "$T/err")" \
   "1|0|1" "a JPEG frame header claiming 182 bits: exit 1 naming the file and the claim, no output"
ct-convert --skip-bad-files "$T/jpg" "$T/jpg.nrrd" 2>/dev/null
is "$? $(md5_of "$T/jpg.nrrd")" "0 $(md5_of "$T/jpg-without.nrrd")" "...with --skip-bad-files: the volume without it"
# An RLE slice whose header declares 134,217,730 segments: GDCM's RLE codec read past its
# buffers (make fuzz, regress/volume/); each fragment's header is checked first.
gen "$T/rle" --rows 32 --cols 32 --slices 120 --seed 12 --compress rle
"$PYTHON" - "$T/rle/IM00060.dcm" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
px = d.rindex(b"\xe0\x7f\x10\x00OB")               # (7FE0,0010), then the offset table item
frag = px + 12 + 8 + struct.unpack_from("<I", d, px + 16)[0] + 8
assert struct.unpack_from("<I", d, frag)[0] == 2     # 16-bit samples: two segments
struct.pack_into("<I", d, frag, 0x08000002)
open(sys.argv[1], "wb").write(d)
PY
mkdir "$T/rle-without"; cp "$T/rle"/*.dcm "$T/rle-without/"; rm "$T/rle-without/IM00060.dcm"
ct-convert "$T/rle-without" "$T/rle-without.nrrd" 2>/dev/null
ct-convert "$T/rle" "$T/rle-fail.nrrd" 2>"$T/err"
is "$?|$(ls "$T/rle-fail.nrrd" 2>/dev/null | wc -l)|$(grep -c 'IM00060\.dcm: (7FE0,0010) PixelData: an RLE header declaring 134217730 segments' "$T/err")" \
   "1|0|1" "an RLE header declaring 134,217,730 segments: exit 1 naming the file and the claim, no output"
ct-convert --skip-bad-files "$T/rle" "$T/rle.nrrd" 2>/dev/null
is "$? $(md5_of "$T/rle.nrrd")" "0 $(md5_of "$T/rle-without.nrrd")" "...with --skip-bad-files: the volume without it"
ct-convert "$T/src" "$T/src.nrrd" --meta "$T/src.tsv"
is "$(meta_field "$T/src.tsv" skipped_files)|$(head -1 "$T/src.tsv" | tr '\t' '\n' | grep -c '^skipped_files$')" "|1" \
	"a clean series: skipped_files is there, and empty"

# What is not DICOM is skipped as before.
mkdir "$T/notes"; cp "$T/src"/*.dcm "$T/notes/"
echo "scanned 2024" > "$T/notes/README"; printf 'a\tb\n' > "$T/notes/notes.txt"
cp /usr/lib/python3/dist-packages/pydicom/data/test_files/dicomdirtests/DICOMDIR "$T/notes/"
ct-convert "$T/notes" "$T/notes.nrrd" --meta "$T/notes.tsv"
is "$? $(md5_of "$T/notes.nrrd") $(meta_field "$T/notes.tsv" skipped_files)" "0 $(md5_of "$T/clean.nrrd") " \
	"a README, a .txt and a DICOMDIR beside the slices change nothing"
done_testing
