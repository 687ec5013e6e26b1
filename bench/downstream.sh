#!/usr/bin/env bash
# make bench-downstream: the two heavy local steps of downstream-totalseg against what a user
# would otherwise run, in one run on a generated TotalSegmentator-shaped ZIP64 archive
# (CASES cases of SHAPE voxels, 117 masks each):
#   unpack:  ct-unpack (checks every entry, all-or-nothing)  vs  unzip -q  vs  Python zipfile
#   labels:  ct-labelmap (nifti_clib) on every case  vs  the same merge in Python + NumPy
# Wall time (median of RUNS), peak memory, ratios; the labels of both merges are compared.
# Results: bench/downstream.md.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${CT_PYTHON:-/usr/bin/python3}
RUNS=${RUNS:-3}
CASES=${CASES:-6}
SHAPE=${SHAPE:-256,256,160}
CLASSES=$TOP/manifests/totalsegmentator-v2-classes.tsv
W=$(mktemp -d "${TMPDIR:-/tmp}/ctmake-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

. "$TOP/bench/lib.sh"
measure() { bench_time "$@"; }

cat > "$W/merge.py" <<'PY'
import gzip, struct, sys, numpy as np
classes = [(int(f[0]), f[1]) for f in (l.rstrip("\n").split("\t") for l in open(sys.argv[1])) if len(f) == 2 and f[0].isdigit()]
T = {2: "u1", 4: "<i2", 16: "<f4"}
def read(p):
    b = gzip.open(p).read()
    d = struct.unpack_from("<8h", b, 40); code = struct.unpack_from("<h", b, 70)[0]; off = int(struct.unpack_from("<f", b, 108)[0])
    return b[:off], np.frombuffer(b, T[code], d[1] * d[2] * d[3], off)
for case in sys.argv[3:]:
    head, _ = read(f"{sys.argv[2]}/{case}/ct.nii.gz")
    label = None
    for cid, name in classes:
        _, m = read(f"{sys.argv[2]}/{case}/segmentations/{name}.nii.gz")
        label = np.zeros(m.shape, np.uint8) if label is None else label
        label[m != 0] = cid
    h = bytearray(head); struct.pack_into("<hh", h, 70, 2, 8)
    with open(f"{sys.argv[2]}/{case}/label_py.nii.gz", "wb") as f:
        f.write(gzip.compress(bytes(h) + label.tobytes(), 6))
PY

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$PYTHON" "$TOP/tests/fixtures/totalseg.py" "$CLASSES" "$W/ts.zip" --top Totalsegmentator_dataset_v2 --cases "$CASES" --shape "$SHAPE"
echo "archive: $CASES cases of $SHAPE voxels, $(unzip -Z1 "$W/ts.zip" | wc -l) entries, $(du -m "$W/ts.zip" | cut -f1) MB; runs: $RUNS (median)"
sync
{
	measure ct-unpack "$W/u1" "$TOP/bin/ct-unpack" --strip-top "$W/ts.zip" "$W/u1"
	measure unzip "$W/u2" unzip -q "$W/ts.zip" -d "$W/u2"
	measure python-zipfile "$W/u3" "$PYTHON" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$W/ts.zip" "$W/u3"
} > "$W/unpack"
"$TOP/bin/ct-unpack" --strip-top "$W/ts.zip" "$W/cases"
cases=$(cd "$W/cases" && ls -d s*)
# /usr/bin/time needs a command, not a function: wrap the loop in a script.
printf '#!/bin/sh\nfor c in %s; do "%s" --classes "%s" "%s/cases/$c" "%s/cases/$c/label.nii.gz" 2>/dev/null || exit 1; done\n' \
	"$(echo $cases)" "$TOP/bin/ct-labelmap" "$CLASSES" "$W" "$W" > "$W/labelmap.sh"
chmod +x "$W/labelmap.sh"
{
	measure ct-labelmap "$W/cases/*/label.nii.gz" "$W/labelmap.sh"
	measure python-numpy "$W/cases/*/label_py.nii.gz" "$PYTHON" "$W/merge.py" "$CLASSES" "$W/cases" $cases
} > "$W/labels"
"$W/labelmap.sh"; "$PYTHON" "$W/merge.py" "$CLASSES" "$W/cases" $cases
same=$("$PYTHON" - "$W/cases" $cases <<'PY'
import gzip, sys
ok = all(gzip.open(f"{sys.argv[1]}/{c}/label.nii.gz").read()[352:] == gzip.open(f"{sys.argv[1]}/{c}/label_py.nii.gz").read()[352:] for c in sys.argv[2:])
print("identical" if ok else "DIFFERENT")
PY
)
report() { # report FILE: the table with ratios against the first row
	awk 'NR == 1 { base = $2 } { printf "| %-15s | %7.2f s | %8.1f MB | %5.2fx |\n", $1, $2, $3 / 1024, $2 / base }' "$1"
}
echo "| unpack          | wall      | peak RSS    | vs ct-unpack |"
echo "| --- | --- | --- | --- |"
report "$W/unpack"
echo "| merge 117 masks | wall      | peak RSS    | vs ct-labelmap |"
echo "| --- | --- | --- | --- |"
report "$W/labels"
echo "label maps of ct-labelmap and the NumPy merge: voxels $same"
