#!/usr/bin/env bash
# Tag values are decoded through their SpecificCharacterSet (lib/charset.h) and file names are
# UTF-8, as dicomsort (pydicom) writes them: pydicom's 17 character-set files (Latin-1, -2,
# Greek, Cyrillic, Arabic, Hebrew, UTF-8, GB18030, and ISO 2022 with escapes: Japanese, Korean,
# Chinese) and a series in ISO_IR 100 with SeriesDescription "Ré-formaté; 3mm" get the names
# tests/dicomsort_rules.py computes with pydicom; the default repertoire reads as pydicom reads
# it (ISO 8859-1). Where pydicom would write U+FFFD (an invalid byte) or guess (an unknown set),
# ct-sort writes '_'. ct-convert's record is UTF-8 too.
. "$(dirname "$0")/../lib.sh"
. "$TESTS/ct.sh"

CS=/usr/lib/python3/dist-packages/pydicom/data/charset_files
PAT='%PatientName/%SeriesDescription-%InstanceNumber.dcm'
mkdir -p "$T/cs"
cp "$CS"/*.dcm "$T/cs/"
ct-sort --copy --list "$T/cs.tsv" "$T/cs" "$T/out/cs/$PAT" 2>/dev/null
is "$? $(wc -l < "$T/cs.tsv")" "0 17" "pydicom's 17 character-set files sorted"
"$PYTHON" "$TESTS/dicomsort_rules.py" "$T/cs" "$PAT" 2>/dev/null > "$T/cs.want"
# Two pairs of files share a name (chrFren/chrFrenMulti, chrJapMulti/...IR6): the second is
# NAME-1.dcm, which dicomsort would have refused; compare the names before the suffix.
cut -f1,2 "$T/cs.tsv" | sed "s|$T/out/cs/||; s|-1-1\.dcm$|-1.dcm|; s|-UnknownInstanceNumber-1\.dcm$|-UnknownInstanceNumber.dcm|" | sort > "$T/cs.got"
is "$(diff "$T/cs.got" "$T/cs.want" && echo same)" "same" "every name is the one pydicom's decoding gives (ISO 2022 escapes included)"
ok "... e.g. chrH31 (ISO 2022 IR 87) reads Yamada_Tarou_山田_太郎_やまだ_たろう" grep -q "chrH31.dcm	Yamada_Tarou_山田_太郎_やまだ_たろう/" "$T/cs.got"
ok "... chrX1 (ISO_IR 192): Wang_XiaoDong_王_小東 (PN's empty last group dropped, as pydicom)" grep -q "chrX1.dcm	Wang_XiaoDong_王_小東/" "$T/cs.got"

# Our own series: ISO_IR 100, the default repertoire, invalid UTF-8, an unknown set.
gen "$T/src" --rows 8 --cols 8 --slices 4 --seed 2
"$PYTHON" - "$T/src" "$T/mine" <<'PY'
import os, sys, warnings, pydicom
warnings.simplefilter("ignore")  # pydicom warns about the unknown set written below
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst)
names = sorted(os.listdir(src))
cases = [("ISO_IR 100", "Ré-formaté; 3mm".encode("latin-1")),   # written in Latin-1
         (None, "Tête".encode("latin-1")),                     # no SpecificCharacterSet
         ("ISO_IR 192", b"caf\xc3\xa9 \xff ok"),               # UTF-8 with one invalid byte
         ("ISO_IR 999", b"caf\xe9")]                           # a set nobody knows
for i, (cs, desc) in enumerate(cases):
    d = pydicom.dcmread(os.path.join(src, names[i]))
    if cs is None:
        del d.SpecificCharacterSet
    else:
        d.SpecificCharacterSet = cs
    d.SeriesDescription = desc                   # raw bytes, stored as they are
    d.Manufacturer = "Sièmens".encode("latin-1") if cs == "ISO_IR 100" else d.Manufacturer
    d.save_as(os.path.join(dst, names[i]))
PY
ct-sort --copy --list "$T/mine.tsv" "$T/mine" "$T/out/mine/$PAT" 2>/dev/null
name() { grep "/$1	" "$T/mine.tsv" | cut -f2 | sed "s|$T/out/mine/[^/]*/||; s|-[0-9]*\.dcm$||"; }
want() { "$PYTHON" "$TESTS/dicomsort_rules.py" "$T/mine" "$PAT" 2>/dev/null | grep "/$1	" | cut -f2 | sed 's|^[^/]*/||; s|-[0-9]*\.dcm$||'; }
is "$(name IM00001.dcm)" "Ré-formaté;_3mm" "ISO_IR 100: 'Ré-formaté; 3mm' is UTF-8 é in the name"
is "$(name IM00001.dcm)" "$(want IM00001.dcm)" "... the name pydicom's decoding gives"
is "$(name IM00001.dcm | od -An -tx1 | tr -d ' \n' | cut -c1-8)" "52c3a92d" "... bytes R, c3 a9 (é in UTF-8), -; not the raw Latin-1 e9"
is "$(name IM00002.dcm) $(want IM00002.dcm)" "Tête Tête" "no SpecificCharacterSet: read as ISO 8859-1, as pydicom"
is "$(name IM00003.dcm)" "café___ok" "ISO_IR 192 with an invalid byte: that byte is '_'"
is "$(want IM00003.dcm)" "café_�_ok" "(pydicom writes U+FFFD there)"
is "$(name IM00004.dcm)" "caf_" "an unknown set: bytes outside ASCII are '_'"
ok "every name ct-sort wrote is valid UTF-8" "$PYTHON" -c '
import os, sys
for root, dirs, files in os.walk(os.fsencode(sys.argv[1])):
    for n in dirs + files:
        n.decode("utf-8")' "$T/out"

# ct-convert's record: the same decoding.
ct-convert "$T/mine" "$T/mine.nrrd" --meta "$T/mine.tsv.meta" 2>/dev/null
is "$(meta_field "$T/mine.tsv.meta" Manufacturer)" "Sièmens" "ct-convert --meta: Manufacturer in ISO_IR 100 comes out UTF-8"
done_testing
