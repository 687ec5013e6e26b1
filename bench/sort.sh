#!/usr/bin/env bash
# make bench-sort: ct-sort's files per second on 10,000 DICOM files (20 series of 500 slices,
# 64x64), hard links and copies, side by side in one run with dicomsort's procedure: pydicom
# reads each file (stop_before_pixels), the default pattern names it, shutil.copyfile puts it
# there. dicomsort itself is not packaged in Debian, so its procedure is re-enacted here with
# Debian's pydicom; both trees are compared file for file. Results: bench/sort.md.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${CT_PYTHON:-/usr/bin/python3}
W=$(mktemp -d "${TMPDIR:-/tmp}/ctmake-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
for s in $(seq 1 20); do
	"$PYTHON" "$TOP/tests/fixtures/gen-ct.py" "$W/src/s$s" --rows 64 --cols 64 --slices 500 --seed "$s" \
		--patient-id "P$((s % 7))" --series-number "$s"
done
n=$(find "$W/src" -type f | wc -l)
sync

wall() { /usr/bin/time -f %e -o "$W/t" "$@" >/dev/null 2>&1; cat "$W/t"; }
link=$(wall "$TOP/bin/ct-sort" --list "$W/link.tsv" "$W/src" "$W/link")
again=$(wall "$TOP/bin/ct-sort" "$W/src" "$W/link")
copy=$(wall "$TOP/bin/ct-sort" --copy "$W/src" "$W/copy")
ref=$(wall "$PYTHON" - "$W/src" "$W/ref" <<'PY'
import os, re, shutil, sys, pydicom
UNSAFE = set(r"""+`~!@#$%^&*(){}[]/=\|<>,.":' """)
PATTERN = "%PatientName-%Modality%StudyID-%StudyDescription-%StudyDate/%SeriesNumber_%SeriesDescription-%InstanceNumber.dcm"
def value(ds, m):
    v = str(getattr(ds, m.group(1), ""))
    return "".join("_" if c in UNSAFE else c for c in (v or "Unknown" + m.group(1)))
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        path = os.path.join(root, name)
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        target = os.path.join(sys.argv[2], re.sub(r"%([A-Za-z]+)", lambda m: value(ds, m), PATTERN))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(path, target)
PY
)
same=$(diff <(cd "$W/ref" && find . -type f | sort) <(cd "$W/copy" && find . -type f | sort) >/dev/null && echo yes || echo NO)
echo "files: $n; trees equal (ct-sort --copy vs dicomsort's procedure): $same"
echo "| run | wall s | files/s | vs dicomsort's procedure |"
echo "| --- | ---: | ---: | ---: |"
for row in "ct-sort (hard links):$link" "ct-sort re-run (all 'same'):$again" "ct-sort --copy:$copy" "dicomsort's procedure (pydicom + copy):$ref"; do
	awk -v name="${row%%:*}" -v w="${row##*:}" -v n="$n" -v ref="$ref" \
		'BEGIN { printf "| %s | %.2f | %.0f | %.1fx |\n", name, w, n / w, ref / w }'
done
