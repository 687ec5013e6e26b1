#!/usr/bin/env bash
# ct-sort --series-dir FILE names the one folder a series went to (what ct-convert then reads),
# and refuses a series whose files land in two folders (two PatientIDs in one series): exit 1,
# FILE absent. Files and folders whose name starts with '.' are not read: ct-fetch's .verified
# and journal, even when they are DICOM, are neither placed nor listed.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

gen "$T/a" --rows 8 --cols 8 --slices 4 --seed 1 --patient-id PT-A >/dev/null
PAT='%PatientID/%SeriesInstanceUID/%SOPInstanceUID.dcm'
series=$("$PYTHON" -c 'import pydicom,sys,glob; print(pydicom.dcmread(sorted(glob.glob(sys.argv[1]+"/*"))[0]).SeriesInstanceUID)' "$T/a")
printf '# ct-fetch s3://b/x/\nIM00001.dcm\t1\tx\tetag\n' > "$T/a/.verified"
echo "journal" > "$T/a/.ct-fetch-journal"
mkdir "$T/a/.hidden"
cp "$T/a/IM00001.dcm" "$T/a/.hidden/copy.dcm"     # DICOM, but hidden
cp "$T/a/IM00002.dcm" "$T/a/.IM00002-hidden.dcm"

ok "one series: ct-sort --series-dir" ct-sort --keep-chars . --list "$T/list.tsv" --series-dir "$T/dir" "$T/a" "$T/out/$PAT"
is "$(cat "$T/dir")" "$T/out/PT-A/$series" "FILE names the folder the series went to, on one line"
is "$(find "$T/out" -name '*.dcm' | wc -l) $(wc -l < "$T/list.tsv")" "4 4" \
   "the four slices are placed and listed; the hidden files (two of them DICOM) are not"
is "$(cut -f1 "$T/list.tsv" | grep -c '/\.')" 0 "no dotfile in the list"

# The same series with one slice under another PatientID: two folders.
cp -r "$T/a" "$T/b"
"$PYTHON" -c 'import pydicom,sys; d = pydicom.dcmread(sys.argv[1]); d.PatientID = "PT-B"; d.save_as(sys.argv[1])' "$T/b/IM00003.dcm"
ok_fails "a series landing in two folders: exit 1" 1 ct-sort --keep-chars . --series-dir "$T/dir" "$T/b" "$T/out2/$PAT"
cp "$T/.ok.out" "$T/two.out"
ok "saying which" grep -q "more than one directory (expected 1): $T/out2/PT-A/$series and $T/out2/PT-B/$series" "$T/two.out"
ok "and FILE is absent (the earlier one was removed first)" test ! -e "$T/dir"
is "$(ls "$T" | grep -c 'dir\.tmp')" 0 "no temporary left"
mkdir "$T/e" && cp "$T/a/.verified" "$T/a/.IM00002-hidden.dcm" "$T/e/"
ok_fails "only dotfiles (DICOM among them): exit 1, there is no series folder" 1 \
	ct-sort --series-dir "$T/dir" "$T/e" "$T/out3/$PAT"
ok "and nothing placed" test ! -e "$T/out3" -a ! -e "$T/dir"
done_testing
