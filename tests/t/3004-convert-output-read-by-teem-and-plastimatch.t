#!/usr/bin/env bash
# Other tools read what ct-convert writes, multi-member gzip included: teem's unu and
# plastimatch (ITK) get the same voxels and geometry back. --resample linear interpolates the
# planes of an uneven series instead of copying the nearest slice; --type forces the type.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

gen "$T/big" --rows 256 --cols 256 --slices 40 --seed 7 --variant descending
ct-convert "$T/big" "$T/big.nrrd"
teem-unu save -i "$T/big.nrrd" -f nrrd -e raw -o "$T/unu.nrrd"
ok "teem-unu reads the two-member gzip file: the same voxels and geometry" same_volume "$T/unu.nrrd" "$T/big.nrrd"
plastimatch convert --input "$T/big.nrrd" --output-img "$T/pm.nrrd" --output-type short >/dev/null 2>&1
ok "plastimatch (ITK) reads it back: the same voxels and geometry" same_volume "$T/pm.nrrd" "$T/big.nrrd"
is "$(teem-unu minmax "$T/big.nrrd" | tr '\n' ' ')" "$(teem-unu minmax "$T/unu.nrrd" | tr '\n' ' ')" "unu's min/max agree"

gen "$T/gap" --variant gap --rows 16 --cols 16 --slices 12 --seed 3
ct-convert "$T/gap" "$T/near.nrrd" 2>/dev/null
ct-convert --resample linear "$T/gap" "$T/lin.nrrd" 2>/dev/null
got=$("$PYTHON" - "$T/near.nrrd" "$T/lin.nrrd" <<'PY'
import sys, numpy as np, nrrd
n, _ = nrrd.read(sys.argv[1]); l, h = nrrd.read(sys.argv[2])
# slice 6 is missing: plane 6 lies halfway between planes 5 and 7
mid = np.abs(l[6] - (n[5].astype(np.float64) + n[7]) / 2).max()
rest = max(np.abs(l[k] - n[k]).max() for k in range(12) if k != 6)
print(h["type"], l.shape[0], "mid-ok" if mid < 1e-3 else mid, "rest-ok" if rest == 0 else rest)
PY
)
is "$got" "float 12 mid-ok rest-ok" "linear: the missing plane is the mean of its neighbours, the others the real slices"

ct-convert --type float "$T/gap" "$T/f.nrrd" 2>/dev/null
ok "--type float: the same values as short" same_volume "$T/f.nrrd" "$T/near.nrrd"
is "$(sed -n 's/^type: //p' "$T/f.nrrd")" float "--type float writes float"
gen "$T/slope" --variant slope --rows 8 --cols 8 --slices 4 --seed 3
ct-convert --type short "$T/slope" "$T/s.nrrd"
is "$(sed -n 's/^type: //p' "$T/s.nrrd")" short "--type short forces short for a fractional slope"
done_testing
