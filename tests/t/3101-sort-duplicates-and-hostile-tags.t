#!/usr/bin/env bash
# ct-sort never aborts and never overwrites: a re-run finds every file "same" and changes
# nothing; a different file meeting an existing name takes NAME-1, NAME-2 and both contents
# survive; tag values such as ../../x, /etc, "..", tabs and newlines never lead outside TARGET.
# A pattern that would leave TARGET by itself is a usage error.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

gen "$T/a" --rows 8 --cols 8 --slices 4 --seed 1
PAT='%PatientID/%InstanceNumber.dcm'
ct-sort --list "$T/l1.tsv" "$T/a" "$T/out/$PAT" 2>/dev/null
snapshot() { (cd "$T/out" && find . -type f -exec md5sum {} + | sort); }
before=$(snapshot)
ct-sort --list "$T/l2.tsv" "$T/a" "$T/out/$PAT" 2>/dev/null
is "$? $(cut -f3 "$T/l2.tsv" | sort -u)" "0 same" "a re-run: exit 0, every file 'same'"
is "$(snapshot)" "$before" "... and the tree is unchanged"

# Same patient, same instance numbers, other pixels: every one collides, twice.
gen "$T/b" --rows 8 --cols 8 --slices 4 --seed 1 --variant slope
gen "$T/c" --rows 8 --cols 8 --slices 4 --seed 1 --variant intercept
ct-sort --copy --list "$T/l3.tsv" "$T/b" "$T/out/$PAT" 2>/dev/null
ct-sort --copy --list "$T/l4.tsv" "$T/c" "$T/out/$PAT" 2>/dev/null
is "$? $(cut -f3 "$T/l3.tsv" "$T/l4.tsv" | sort | uniq -c | tr -s ' ')" "0  8 renamed" "different content at a taken name: renamed, exit 0"
is "$(cd "$T/out/PH0001" && ls | tr '\n' ' ')" "1-1.dcm 1-2.dcm 1.dcm 2-1.dcm 2-2.dcm 2.dcm 3-1.dcm 3-2.dcm 3.dcm 4-1.dcm 4-2.dcm 4.dcm " \
	"unique suffixes before the extension"
is "$(md5_of "$T/out/PH0001/2-1.dcm") $(md5_of "$T/out/PH0001/2-2.dcm")" "$(md5_of "$T/b/IM00002.dcm") $(md5_of "$T/c/IM00002.dcm")" \
	"every content kept under its own name"
ct-sort --copy --list "$T/l5.tsv" "$T/c" "$T/out/$PAT" 2>/dev/null
is "$(cut -f3 "$T/l5.tsv" | sort -u) $(cut -f2 "$T/l5.tsv" | head -1 | sed 's|.*/||')" "same 1-2.dcm" "a re-run finds each under its suffixed name"

# Hostile values.
mkdir "$T/h" "$T/box"
"$PYTHON" - "$T/a" "$T/h" <<'PY'
import os, sys, pydicom
bad = ["../../x", "/etc", "..", "a\tb\nc", ".", "~root", "$(rm -rf /)", "x" * 400]
for i, n in enumerate(sorted(os.listdir(sys.argv[1]))):
    d = pydicom.dcmread(os.path.join(sys.argv[1], n))
    d.PatientID = bad[2 * i]; d.StudyDescription = bad[2 * i + 1]; d.SeriesDescription = "../" * 30
    d.save_as(os.path.join(sys.argv[2], n))
PY
for keep in "" "." "./"; do
	ct-sort --keep-chars "$keep" --list "$T/lh.tsv" "$T/h" "$T/box/t/%PatientID/%StudyDescription/%SeriesDescription-%InstanceNumber.dcm" 2>/dev/null
	rc=$?
	if [ "$keep" = "./" ]; then is "$rc" 2 "--keep-chars with '/': usage error"; continue; fi
	inside=$(cut -f2 "$T/lh.tsv" | grep -c "^$T/box/t/")
	outside=$(find "$T" -mindepth 1 -newer "$T/h/IM00004.dcm" ! -path "$T/box/t*" ! -path "$T/box" ! -name '*.tsv' | wc -l)
	is "$rc $inside $outside $(find "$T/box/t" -type f | wc -l)" "0 4 0 4" "hostile values, --keep-chars '$keep': all 4 files inside TARGET, nothing outside"
	rm -rf "$T/box/t"
done
ct-sort --keep-chars . "$T/h" "$T/box/t/%PatientID/%InstanceNumber.dcm" 2>/dev/null
is "$(cd "$T/box/t" && ls -A | LC_ALL=C sort | tr '\n' ' ')" "_ _._.._x __ __rm_-rf___ " \
	"'..', '.' and a leading dot become underscores even when dots are kept"
is "$(find "$T/box/t" -type f -name '*.dcm' | awk -F/ '{ if (length($NF) > m) m = length($NF) } END { print m <= 255 }')" 1 "components cut to 255 bytes"

# A file on which GDCM's own assertion fails (pydicom's DICOMDIR-nooffset, renamed into a
# non-DICOMDIR class) must not take the run down.
mkdir "$T/gdcm"
cp "$T/a/IM00001.dcm" "$T/a/IM00002.dcm" "$T/gdcm/"
"$PYTHON" -c 'import sys; b = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(b.replace(b"1.2.840.10008.1.3.10", b"1.2.840.10008.1.3.99", 1))' \
	"$PYDICOM_CT/DICOMDIR-nooffset" "$T/gdcm/IM00001x.dcm"
# (Under SAN=1 leak checks stay on: what GDCM had allocated in the frames its abort() left is
# lost by design, and lib/dicom.cc keeps LeakSanitizer from tracking allocations inside GDCM.)
ct-sort --list "$T/lg.tsv" "$T/gdcm" "$T/g/$PAT" 2>/dev/null
is "$? $(cut -f3 "$T/lg.tsv" | tr '\n' ' ')" "0 linked skipped-unreadable linked " "a file GDCM aborts on is skipped as unreadable; the run goes on"
ct-convert "$T/gdcm" "$T/g.nrrd" 2>"$T/g.err"
is "$? $(ls "$T" | grep -c '^g\.nrrd')|$(grep -c 'IM00001x\.dcm: not a readable DICOM file' "$T/g.err")" "1 0|1" \
	"ct-convert survives it too, and refuses the folder naming it (it may be a slice: tests/t/3010)"
ct-convert --skip-bad-files "$T/gdcm" "$T/g.nrrd" 2>/dev/null
is "$? $(sed -n 's/^sizes: //p' "$T/g.nrrd")" "0 8 8 2" "...or, with --skip-bad-files, converts the rest"

ok_fails "a pattern with '..' is a usage error" 2 ct-sort "$T/a" "$T/box/%PatientID/../x.dcm"
ok_fails "a pattern with an empty component is a usage error" 2 ct-sort "$T/a" "$T/box/%PatientID//x.dcm"
ok_fails "a missing SOURCE: exit 1" 1 ct-sort "$T/nope" "$T/box"
done_testing
