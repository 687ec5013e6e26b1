#!/usr/bin/env bash
# ct-labelmap refuses a case whose masks do not lie on the CT's grid (other dimensions, another
# origin), a missing mask, or a mask of a non-numeric datatype, and then writes no label map.
. "$(dirname "$0")/../lib.sh"

CLASSES=$TOP/manifests/totalsegmentator-v2-classes.tsv
"$PYTHON" "$TESTS/fixtures/totalseg.py" "$CLASSES" "$T/ts.zip" --cases 1
ok "fixture unpacks" ct-unpack "$T/ts.zip" "$T/u"
ok "a good case merges" ct-labelmap --classes "$CLASSES" "$T/u/s0001" "$T/good.nii.gz"

variant() { # variant NAME PYTHON-EXPRESSION-WRITING-THE-LIVER-MASK
	rm -rf "$T/$1"; cp -r "$T/u/s0001" "$T/$1"
	"$PYTHON" - "$TESTS/fixtures" "$T/$1/segmentations/liver.nii.gz" "$2" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[1])
import totalseg as ts
path, expr = sys.argv[2], sys.argv[3]
data = eval(expr, {"ts": ts, "np": np})
if data is None:
    import os; os.remove(path)
else:
    open(path, "wb").write(data)
PY
}
variant shape 'ts.nifti(np.ones((7, 6, 4), np.uint8))'
variant origin 'ts.nifti(np.ones((7, 6, 5), np.uint8), origin=(-10.0, 20.0, 31.0))'
variant spacing 'ts.nifti(np.ones((7, 6, 5), np.uint8), spacing=(0.8, 0.9, 2.0))'
variant missing 'None'
variant rgb '__import__("gzip").compress(bytearray(ts.gzip.decompress(ts.nifti(np.ones((7, 6, 5), np.uint8))))[:70] + (128).to_bytes(2, "little") + (24).to_bytes(2, "little") + bytearray(ts.gzip.decompress(ts.nifti(np.ones((7, 6, 5), np.uint8))))[74:352] + bytes(7 * 6 * 5 * 3))'
for v in shape origin spacing missing rgb; do
	ok_fails "$v: refused" 1 ct-labelmap --classes "$CLASSES" "$T/$v" "$T/$v.nii.gz"
	is "$(ls "$T/$v.nii.gz"* 2>/dev/null)" "" "$v: no label map, no temporary file"
done
done_testing
