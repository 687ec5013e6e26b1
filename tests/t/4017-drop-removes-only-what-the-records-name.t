#!/usr/bin/env bash
# KEEP_DICOM=drop (ct-status --done --drop-dicom, what mk/idc.mk runs once a scan is done)
# never deletes a download unless the scan's record and NRRD are there and it knows exactly
# which files to remove: with .sort-list.tsv missing (the old script went on to delete every
# download then), the record missing or the NRRD missing, nothing is removed; otherwise it
# removes exactly the downloads .verified lists and the links ct-sort placed, and nothing else.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/pretrain.sh"

pretrain_world || { fail "local IDC world"; done_testing; exit; }
D=$T/data P=$T/data/pretrain
ok "one scan, KEEP_DICOM=link" pretrain "$D" LIMIT=1
u=$UUID_asc dl=$P/dicom/$UUID_asc
series=$(cat "$dl/.scandir")
echo "mine" > "$dl/notes.txt"
echo "mine" > "$series/notes.txt"
# files: the files a drop could remove (not the records), with their digests
files() { (cd "$P" && find "dicom/$u" "${series#$P/}" -type f ! -name '.*' ! -name scan.nrrd | sort | xargs md5sum); }
all=$(files)
drop() { ct-status --done "$u" --total 1 --drop-dicom "$P" 2>"$T/drop.err"; }

mv "$dl/.sort-list.tsv" "$T/list"
ok "without .sort-list.tsv the drop warns and the scan stays done (exit 0)" drop
ok "saying why" grep -q "no readable .sort-list.tsv" "$T/drop.err"
is "$(files)" "$all" "and nothing is removed: every download and link is there, unchanged"
mv "$T/list" "$dl/.sort-list.tsv"

mv "$P/records/$u.tsv" "$T/record"
ok "without the record (the scan not done)" drop
is "$(files)" "$all" "nothing is removed"
mv "$T/record" "$P/records/$u.tsv"

mv "$series/scan.nrrd" "$T/nrrd"
ok "without the NRRD" drop
is "$(files)" "$all" "nothing is removed"
mv "$T/nrrd" "$series/scan.nrrd"

printf 'x\t%s/../elsewhere.dcm\tlinked\n' "$series" >> "$dl/.sort-list.tsv"
ok "with a sort list naming a file outside the series folder" drop
is "$(files)" "$all" "nothing is removed"
sed -i '$d' "$dl/.sort-list.tsv"

ok "with every record in place, the drop" drop
left=$( (cd "$P" && find "dicom/$u" "${series#$P/}" -type f | sort) )
want=$( (cd "$P" && printf '%s\n' "dicom/$u/.ct-fetch-journal" "dicom/$u/.scandir" "dicom/$u/.sort-list.tsv" \
	"dicom/$u/.verified" "dicom/$u/notes.txt" "${series#$P/}/notes.txt" "${series#$P/}/scan.nrrd" | sort) )
is "$left" "$want" "removes exactly the downloads and the links: the records, the NRRD and other files stay"
is "$(find "$P/dicom/$u" "$series" -name '*.dcm' | wc -l) $(tail -n +2 "$dl/.verified" | wc -l)" \
   "0 $(ls "$SRC_asc" | wc -l)" "no DICOM is left of the $(ls "$SRC_asc" | wc -l) downloaded"
ok "a second drop removes nothing and is not an error" drop
proxy_reset stats
ok "make pretrain-data again (KEEP_DICOM=drop)" pretrain "$D" LIMIT=1 KEEP_DICOM=drop
is "$(proxy_sum requests .)" 0 "fetches nothing: the scan is done"
done_testing
