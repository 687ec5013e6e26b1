#!/usr/bin/env bash
# Every compressed copy the generator makes (through gdcmconv) carries its transfer syntax and
# decodes to the same stored values as its uncompressed source.
. "$(dirname "$0")/../lib.sh"
GEN="$PYTHON $TESTS/fixtures/gen-ct.py"

$GEN "$T/src" --variant intercept --rows 32 --cols 32 --slices 6 --seed 9
declare -A TS=([rle]=1.2.840.10008.1.2.5 [jpeg]=1.2.840.10008.1.2.4.70 [jpegls]=1.2.840.10008.1.2.4.80
	[j2k]=1.2.840.10008.1.2.4.90 [deflated]=1.2.840.10008.1.2.1.99 [implicit]=1.2.840.10008.1.2
	[bigendian]=1.2.840.10008.1.2.2)
for kind in rle jpeg jpegls j2k deflated implicit bigendian; do
	$GEN "$T/$kind" --variant intercept --rows 32 --cols 32 --slices 6 --seed 9 --compress $kind
	mkdir "$T/$kind.raw"
	for f in "$T/$kind"/*.dcm; do gdcmconv --quiet -w -X "$f" "$T/$kind.raw/${f##*/}"; done
	got=$("$PYTHON" - "$T/src" "$T/$kind" "$T/$kind.raw" <<'PY'
import os, sys, numpy as np, pydicom
src, enc, raw = sys.argv[1:]
ts, same = set(), 0
for name in sorted(os.listdir(src)):
    a = pydicom.dcmread(os.path.join(src, name)).pixel_array
    ts.add(str(pydicom.dcmread(os.path.join(enc, name)).file_meta.TransferSyntaxUID))
    b = pydicom.dcmread(os.path.join(raw, name)).pixel_array
    same += int(a.dtype == b.dtype and np.array_equal(a, b))
print(" ".join(sorted(ts)), same)
PY
)
	is "$got" "${TS[$kind]} 6" "$kind: transfer syntax ${TS[$kind]}, all 6 slices decode to the source's stored values"
done
done_testing
