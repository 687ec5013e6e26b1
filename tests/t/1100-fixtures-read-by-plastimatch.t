#!/usr/bin/env bash
# The CT fixture generator writes series that plastimatch reads with the voxel values the
# generator meant (every uncompressed variant), that dcm2niix reads, and its output is the same
# bytes for the same seed.
. "$(dirname "$0")/../lib.sh"
GEN="$PYTHON $TESTS/fixtures/gen-ct.py"
export PYTHONPATH=$TESTS

# plastimatch's volume against the generator's HU (slices in position order); for the gap, every
# plane must be a copy of one real slice (nearest, as plastimatch fills its grid).
check() { # check VARIANT TYPE
	"$PYTHON" - "$T/$1.nrrd" "$T/$1.npy" "$1" <<'PY'
import sys
import numpy as np, nrrd
d, h = nrrd.read(sys.argv[1]); e = np.load(sys.argv[2]); v = sys.argv[3]
if v == "gap":
    assert d.shape[0] == e.shape[0] + 1, (d.shape, e.shape)
    src = [[j for j in range(len(e)) if np.array_equal(d[i], e[j])] for i in range(len(d))]
    assert all(len(s) == 1 for s in src), src
    assert [s[0] for s in src] == sorted(s[0] for s in src), src
else:
    assert d.shape == e.shape, (d.shape, e.shape)
    assert np.abs(d.astype(np.float64) - e).max() < 1e-3, np.abs(d - e).max()
sp = np.linalg.norm(np.array(h["space directions"]), axis=1)
assert abs(sp[2] - 2.5 * (np.cos(np.radians(15)) if v == "tilt" else 1)) < 1e-3, sp
PY
}

for v in ascending descending shuffled gap duplicate tilt localizer two-series intercept per-slice-rescale slope; do
	type=short; [ $v = slope ] && type=float
	$GEN "$T/$v" --variant $v --rows 32 --cols 40 --slices 24 --seed 5 --expect "$T/$v.npy"
	plastimatch convert --input "$T/$v" --output-img "$T/$v.nrrd" --output-type $type >/dev/null 2>&1
	ok "$v: plastimatch reads the voxels the generator wrote ($type)" check $v
done

is "$(ls "$T/two-series" | wc -l)" 36 "two-series: 24 + 12 files in one folder"
is "$(ls "$T/gap" | wc -l) $(ls "$T/duplicate" | wc -l)" "23 25" "gap lacks one file, duplicate has one more"

$GEN "$T/again" --variant ascending --rows 32 --cols 40 --slices 24 --seed 5
is "$(cd "$T/again" && md5sum * | md5sum)" "$(cd "$T/ascending" && md5sum * | md5sum)" "same seed, same bytes"
$GEN "$T/other" --variant ascending --rows 32 --cols 40 --slices 24 --seed 6
isnt "$(md5sum < "$T/other/IM00001.dcm")" "$(md5sum < "$T/ascending/IM00001.dcm")" "another seed, other pixels"

$GEN "$T/uids" --slices 3 --rows 8 --cols 8 --patient-id P7 --study-uid 1.2.3 --series-uid 1.2.3.4 --series-number 9
is "$("$PYTHON" -c 'import pydicom,sys; d=pydicom.dcmread(sys.argv[1]); print(d.PatientID, d.StudyInstanceUID, d.SeriesInstanceUID, d.SeriesNumber, d.Modality, "/".join(d.ImageType))' "$T/uids/IM00002.dcm")" \
	"P7 1.2.3 1.2.3.4 9 CT ORIGINAL/PRIMARY/AXIAL" "identity tags are the ones asked for"

mkdir "$T/d2n"
dcm2niix -e y -z n -f out -o "$T/d2n" "$T/descending" >/dev/null 2>&1
is "$(sed -n 's/^sizes: //p' "$T/d2n/out.nrrd")" "40 32 24" "dcm2niix reads a fixture series"
done_testing
