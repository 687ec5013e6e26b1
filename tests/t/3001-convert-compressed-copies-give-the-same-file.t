#!/usr/bin/env bash
# Every transfer syntax converts to the very same file as its uncompressed source (RLE, JPEG
# lossless, JPEG-LS, JPEG 2000, deflated, implicit VR, big endian), and the output bytes do not
# depend on the run or on the number of threads, also when the gzip stream has several members
# and when planes straddle its pieces.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

gen "$T/src" --variant intercept --rows 40 --cols 48 --slices 10 --seed 21
ct-convert "$T/src" "$T/src.nrrd" --meta "$T/src.tsv"
for kind in rle jpeg jpegls j2k deflated implicit bigendian; do
	gen "$T/$kind" --variant intercept --rows 40 --cols 48 --slices 10 --seed 21 --compress $kind
	ct-convert "$T/$kind" "$T/$kind.nrrd" --meta "$T/$kind.tsv"
	is "$(md5_of "$T/$kind.nrrd")" "$(md5_of "$T/src.nrrd")" "$kind: the same file as the uncompressed source"
done
is "$(meta_field "$T/jpegls.tsv" transfer_syntax)" 1.2.840.10008.1.2.4.80 "the record names the transfer syntax"

# Signed pixels with a fractional slope, through JPEG 2000: the same floats.
gen "$T/fs" --variant slope --rows 32 --cols 32 --slices 8 --seed 4
gen "$T/fs.j2k" --variant slope --rows 32 --cols 32 --slices 8 --seed 4 --compress j2k
ct-convert "$T/fs" "$T/fs.nrrd" && ct-convert "$T/fs.j2k" "$T/fs.j2k.nrrd"
is "$(md5_of "$T/fs.j2k.nrrd")" "$(md5_of "$T/fs.nrrd")" "fractional slope through JPEG 2000: the same file"

# More than one 4 MiB gzip member: 256 x 256 x 40 int16 is 5 MiB.
gen "$T/big" --rows 256 --cols 256 --slices 40 --seed 2
ct-convert --threads 1 "$T/big" "$T/big1.nrrd"
ct-convert --threads 2 "$T/big" "$T/big2.nrrd"
ct-convert "$T/big" "$T/big3.nrrd"
is "$(md5_of "$T/big1.nrrd") $(md5_of "$T/big2.nrrd")" "$(md5_of "$T/big3.nrrd") $(md5_of "$T/big3.nrrd")" \
	"1, 2 or all threads: the same bytes"
members=$("$PYTHON" - "$T/big1.nrrd" <<'PY'
import sys, zlib
blob = open(sys.argv[1], "rb").read()
data = blob[blob.find(b"\n\n") + 2:]
n = 0
while data:
    d = zlib.decompressobj(16 + 15); d.decompress(data); data = d.unused_data; n += 1
print(n)
PY
)
is "$members" 2 "the 5 MiB volume is two gzip members"
pm_convert "$T/big" "$T/big.pm.nrrd" short
ok "the multi-member file holds plastimatch's voxels (Python's gzip reads every member)" same_volume "$T/big1.nrrd" "$T/big.pm.nrrd"

# Planes of 500 x 512 int16 (500 KiB) straddle the 4 MiB pieces, and a missing slice makes a
# copied plane: a piece is compressed only once every plane it touches is filled.
gen "$T/straddle" --rows 500 --cols 512 --slices 14 --seed 3 --variant gap
for n in 1 2 3; do ct-convert --threads $n "$T/straddle" "$T/st$n.nrrd" 2>/dev/null; done
is "$(md5_of "$T/st1.nrrd") $(md5_of "$T/st2.nrrd")" "$(md5_of "$T/st3.nrrd") $(md5_of "$T/st3.nrrd")" \
	"planes across piece boundaries: 1, 2 or 3 threads, the same bytes"
pm_convert "$T/straddle" "$T/st.pm.nrrd" short
ok "...and plastimatch's voxels" same_volume "$T/st2.nrrd" "$T/st.pm.nrrd"
done_testing
