#!/usr/bin/env bash
# ct-sort puts every DICOM file where dicomsort's rules (pydicom's str(), Unknown<Key>, the
# character replacement) say, for the default pattern and for multi-valued and unknown keys,
# on pydicom's real files and on a fixture; skips non-DICOM files and DICOMDIRs; hard-links by
# default, and symlinks, copies or moves on request; --list records every input file.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

mkdir "$T/src"
cp -r "$PYDICOM_CT" "$T/src/real"
gen "$T/src/fixture" --variant two-series --rows 8 --cols 8 --slices 6 --seed 2
echo "not DICOM" > "$T/src/notes.txt"

# check NAME PATTERN [KEEP] [OPTIONS...]: the tree equals the prediction, file for file.
check() {
	local name=$1 pattern=$2 keep=$3; shift 3
	rm -rf "$T/out" "$T/list.tsv"
	ct-sort ${keep:+--keep-chars "$keep"} --list "$T/list.tsv" "$@" "$T/src" "$T/out/$pattern" 2>/dev/null
	"$PYTHON" "$TESTS/dicomsort_rules.py" "$T/src" "$pattern" "$keep" 2>/dev/null > "$T/want.tsv"
	grep -v 'skipped-' "$T/list.tsv" | cut -f1,2 | sed "s|	$T/out/|	|" | sort > "$T/got.tsv"
	if cmp -s "$T/want.tsv" "$T/got.tsv" && [ "$(wc -l < "$T/want.tsv")" -gt 80 ]; then pass "$name: every file where dicomsort's rules put it"
	else fail "$name: every file where dicomsort's rules put it"; diff "$T/want.tsv" "$T/got.tsv" | head -5 | diag "$(cat)"; fi
}

check "default pattern" '%PatientName-%Modality%StudyID-%StudyDescription-%StudyDate/%SeriesNumber_%SeriesDescription-%InstanceNumber-%SOPInstanceUID.dcm' ""
check "multi-valued, numeric and unknown keys" '%ImageType/%PixelSpacing-%ImagePositionPatient-%WindowCenter-%Rows-%PatientAge-%NoSuchKey/%SOPInstanceUID' ""
check "--keep-chars . keeps the dots of UIDs" '%StudyInstanceUID/%SeriesInstanceUID/%SOPInstanceUID.dcm' "."

rm -rf "$T/out"
ct-sort --list "$T/list.tsv" "$T/src" "$T/out" 2>/dev/null
is "$(cut -f3 "$T/list.tsv" | grep skipped | sort | uniq -c | tr -s ' ' | tr '\n' ';')" \
	" 8 skipped-dicomdir; 3 skipped-not-dicom;" "8 DICOMDIRs and 3 non-DICOM files skipped and listed"
is "$(wc -l < "$T/list.tsv")" "$(find "$T/src" -type f | wc -l)" "--list has one line per input file"
is "$(find "$T/out" -type f | wc -l)" "$(grep -c 'linked$' "$T/list.tsv")" "no pattern given: dicomsort's default pattern, one file per linked line"
f=$(grep -m1 'fixture/IM00003.dcm' "$T/list.tsv" | cut -f2)
is "$(stat -c %i "$f")" "$(stat -c %i "$T/src/fixture/IM00003.dcm")" "hard link by default: the same inode"
is "${f#$T/out/}" "Phantom_PH0002-CTS2-CHEST_ABDOMEN-20240102/2_AXIAL_2_5-3.dcm" "the default pattern's name"

PAT='%SeriesInstanceUID/%InstanceNumber.dcm'
ct-sort --copy --keep-chars . --list "$T/c.tsv" "$T/src/fixture" "$T/copy/$PAT" 2>/dev/null
f=$(cut -f2 "$T/c.tsv" | head -1)
is "$(cut -f3 "$T/c.tsv" | sort -u) $(md5_of "$f") $(stat -c %h "$f")" "copied $(md5_of "$(cut -f1 "$T/c.tsv" | head -1)") 1" "--copy: own files, same bytes"
ct-sort --symlink --keep-chars . "$T/src/fixture" "$T/sym/$PAT" 2>/dev/null
is "$(find "$T/sym" -type l | wc -l) $(readlink "$(find "$T/sym" -type l | head -1)" | cut -c1)" "9 /" "--symlink: symlinks to absolute paths"
cp -r "$T/src/fixture" "$T/mv"
md5s=$(cd "$T/mv" && md5sum * | cut -d' ' -f1 | sort | md5sum)
ct-sort --move --keep-chars . "$T/mv" "$T/moved/$PAT" 2>/dev/null
is "$(find "$T/mv" -type f | wc -l) $(find "$T/moved" -type f -exec md5sum {} + | cut -d' ' -f1 | sort | md5sum)" "0 $md5s" \
	"--move: the sources are gone, their bytes are in the tree"
done_testing
